"""References in a recipient block, resolved where the document says who they are:
"Như trên" is the "Kính gửi:" list; "Như Điều 3" is the bodies that article makes responsible
("Chánh Văn phòng UBND tỉnh; Giám đốc các Sở, ban, ngành … chịu trách nhiệm thi hành …")."""

from __future__ import annotations

import re

from gateway.reading.lines import Line
from vntext import fold, one_line

_ARTICLE_REF = re.compile(r"^NHU (?:TAI |O )?DIEU (\d+)\b")
_ABOVE = re.compile(r"^NHU TREN\b")
_ARTICLE_START = re.compile(r"^DIEU (\d+)\s*[.:]")
_DUTY = re.compile(r"\b(CHIU TRACH NHIEM THI HANH|CHIU TRACH NHIEM TRIEN KHAI|CAN CU QUYET DINH THI HANH|CHIU TRACH NHIEM)\b")
# Words that open a new responsible body in an article's list: "Chánh Văn phòng …, Giám đốc …".
_TITLES = re.compile(
    r"^(CHANH |GIAM DOC|PHO GIAM DOC|THU TRUONG|CHU TICH|TRUONG |PHO TRUONG|TONG |CUC TRUONG|VU TRUONG|BI THU|"
    r"HIEU TRUONG|NGUOI DUNG DAU|VIEN TRUONG|CHI HUY TRUONG|KE TOAN TRUONG|UY BAN|UBND)"
)


def article_number(entry: str) -> int | None:
    match = _ARTICLE_REF.match(fold(entry))
    return int(match.group(1)) if match else None


def is_above(entry: str) -> bool:
    return bool(_ABOVE.match(fold(entry)))


def article_text(lines: list[Line], number: int) -> str | None:
    """The text of "Điều <number>." up to the next article or the recipient block; the last such
    article among the lines (a decision's article, not an appended regulation's)."""
    starts = [i for i, l in enumerate(lines) if (m := _ARTICLE_START.match(fold(l.text))) and int(m.group(1)) == number]
    if not starts:
        return None
    collected: list[str] = []
    for line in lines[starts[-1]:]:
        folded = fold(line.text)
        if collected and (_ARTICLE_START.match(folded) or folded.startswith("NOI NHAN")):
            break
        collected.append(line.text)
    return one_line(" ".join(collected))


def responsible_bodies(article: str) -> list[str]:
    """The bodies an article charges with carrying the document out, as written."""
    text = one_line(article)
    folded = fold(text)
    duty = _DUTY.search(folded)
    if duty is None:
        return []
    head = re.match(r"^DIEU \d+\s*[.:]\s*", folded)
    start = head.end() if head else 0
    for boundary in re.finditer(r"[.!]\s+", folded[: duty.start()]):
        if boundary.end() > start:
            start = boundary.end()  # the sentence the duty is in
    subject = text[start: duty.start()].strip(" ,;")
    bodies: list[str] = []
    for part in subject.split(";"):
        pieces = [p.strip() for p in part.split(",")]
        items: list[str] = []
        for piece in pieces:
            if items and not _TITLES.match(fold(piece)):
                items[-1] += ", " + piece  # "Giám đốc các Sở, ban, ngành" is one body
            else:
                items.append(piece)
        bodies.extend(i.strip(" ,.;") for i in items if i.strip(" ,.;"))
    return bodies
