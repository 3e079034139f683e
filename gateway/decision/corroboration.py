"""What a mail says of its document against what the document says. Pure.

A sender names the document in the subject ("Gửi Công văn số 707/UBND-TH ngày 10/9/2025 …") and
in the file's name ("707-UBND-TH.pdf"). Where they agree with the number and date read on the
document, these are confirmed; where they disagree the clerk is told. The document's own reading
always wins: a sender could write anything in a subject, so nothing of it is ever registered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from gateway.model import Particulars
from gateway.reasons import Reason, warning
from vntext import as_printed, fold

# "số 707/UBND-TH ngày 10/9/2025", "Số: 26/2020/QĐ-UBND": a number the subject names, its notation after the slash,
# and the date written right after it
# (no two runs of spaces side by side: "So" and 30,000 spaces made the engine try every way of sharing them out between
# the two, 7 s a document in the daemon process; red team 18)
_IN_SUBJECT = re.compile(r"\bs[ốo]\s*(?::\s*)?(\d{1,5})\s*/\s*((?:\d{4}/)?[^\W\d_][\w&().-]{0,40})"
                         r"(?:\s*(?:,\s*)?ngày\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))?", re.I)
# "707-UBND-TH.pdf", "707_UBND_TH.pdf", "CV số 1360 ….pdf"
_IN_FILENAME = re.compile(r"^(\d{1,5})[-_ ]+((?:\d{4}[-_])?[^\W\d_][\w&().-]{0,40}?)(?:\.pdf)?$", re.I)
_SO_IN_FILENAME = re.compile(r"\bSO\s*:?\s*(\d{1,5})\b")
# what a subject says before a number it quotes, not its document's: "trả lời Công văn số …", "phúc đáp …", "thực hiện
# Quyết định số …", "triển khai Nghị định của Chính phủ số …", "thay thế …" (folded; one to six words between it and
# "số": "Kế hoạch thực hiện số 708" and "Gửi kèm Công văn số 708" name the document itself: red team 147)
_QUOTING = re.compile(r"\b(?:TRA LOI|PHUC DAP|THAY THE|THUC HIEN|TRIEN KHAI|CAN CU|SUA DOI|BAI BO|DINH CHINH|THU HOI)"
                      r"(?:\W+\w+){1,6}\W*$")
MOST_SUBJECT_NUMBERS = 50  # a subject naming more is read for its first fifty (red team 147: 1 MB of them, 20 s)


@dataclass(frozen=True)
class Claim:
    """A number (and its notation where written) or a date the mail gives its document."""

    where: str  # "tiêu đề thư" or "tên tệp"
    number: str | None = None  # the digits before the slash
    notation: str | None = None  # what follows the slash, as written
    date: str | None = None  # ISO

    @property
    def label(self) -> str:
        if self.number is not None:
            return f"{self.where} ghi số {self.number}{'/' + self.notation if self.notation else ''}"
        return f"{self.where} ghi ngày {self.date}"


def _plain(text: str) -> str:
    """A subject or file name as its reader sees it: what is drawn as nothing gone, dashes plain, full-width and other
    scripts' digits as ASCII ones (red team 145: "số 70\u200b8" hid a mismatch, "７０７" and "٧٠٧" made one)."""
    return re.sub(r"\d", lambda digit: str(unicodedata.digit(digit[0], 0)), as_printed(text))


def mail_claims(subject: str, filename: str) -> list[Claim]:
    """The numbers and dates the subject and the file's name give: every number the subject names but those it
    quotes (red team 146), each followed by its date where one is written after it."""
    claims: list[Claim] = []
    plain = _plain(subject)
    for count, said in enumerate(_IN_SUBJECT.finditer(plain)):
        if count >= MOST_SUBJECT_NUMBERS:
            break
        if _QUOTING.search(fold(plain[max(0, said.start() - 80):said.start()])):
            continue
        claims.append(Claim("tiêu đề thư", said[1], said[2].rstrip(".,;")))
        if said[3]:
            try:
                claims.append(Claim("tiêu đề thư", date=date(int(said[5]), int(said[4]), int(said[3])).isoformat()))
            except ValueError:
                pass  # no such day: not a date
    name = _plain(filename).rsplit("/", 1)[-1]
    if (found := _IN_FILENAME.match(name)) is not None:
        claims.append(Claim("tên tệp", found[1], found[2]))
    elif (found := _SO_IN_FILENAME.search(fold(name))) is not None:
        claims.append(Claim("tên tệp", found[1]))
    return claims


def _subject_pairs(claims: list[Claim]) -> list[tuple[Claim, Claim | None]]:
    """The subject's numbers, each with the date written after it."""
    said = [c for c in claims if c.where == "tiêu đề thư"]
    return [(claim, said[i + 1] if i + 1 < len(said) and said[i + 1].date is not None else None)
            for i, claim in enumerate(said) if claim.number is not None]


def _same_notation(a: str, b: str) -> bool:
    """Notations alike but for case, tones and the separators a file's name must use."""
    return re.sub(r"[^0-9A-Z]", "", fold(a)) == re.sub(r"[^0-9A-Z]", "", fold(b))


def _agrees(claim: Claim, number: str) -> bool:
    digits, _, notation = number.partition("/")
    if claim.number is None or claim.number.lstrip("0") != digits.lstrip("0"):
        return False
    return claim.notation is None or not notation or _same_notation(claim.notation, notation)


# NĐ 30/2020 Đ21.2: the clerk checks what arrives is the document it claims to be; the number and
# date registered are the document's own (Phụ lục IV columns 4 and 5), never the mail's word.
def corroborate(document: Particulars, subject: str, filename: str, other_numbers: list[str | None]) -> list[Reason]:
    """number-mismatch where the subject or the file's name gives the document another number or
    date than it carries, or one it does not show (left blank or unread). A number the subject gives
    that is another document's of the same mail (`other_numbers`) is that one's, not a mismatch."""
    number = document.number if document.number and not document.number.startswith("/") else None
    differ: list[str] = []
    unread: dict[str, list[str]] = {}  # the field the document does not show → what the mail says of it
    claims = mail_claims(subject, filename)
    # of the numbers the subject names, one agreeing is enough (a mail of two letters names both), and the dates
    # written after it are the ones compared (red team 146: another number's date confirmed this one; 147: only the
    # first mention's)
    pairs = _subject_pairs(claims)
    agreeing = [pair for pair in pairs if number is not None and _agrees(pair[0], number)]
    others = [o for o in other_numbers if o]
    chosen = agreeing or [pair for pair in pairs if not any(_agrees(pair[0], o) for o in others)][:1]
    subject_claims = list(dict.fromkeys(c for pair in chosen for c in pair if c is not None))
    for claim in [c for c in claims if c.where != "tiêu đề thư"] + subject_claims:
        if claim.date is not None:
            if document.date is None:
                unread.setdefault("ngày", []).append(claim.label)
            elif claim.date != document.date:
                differ.append(f"văn bản ghi ngày {document.date}, {claim.label}")
        elif number is None:
            unread.setdefault("số", []).append(claim.label)
        elif not _agrees(claim, number):
            differ.append(f"văn bản ghi số {number}, {claim.label}")
    said = [f"{field} trên văn bản không đọc được, {', '.join(labels)} (không dùng làm {field} văn bản)"
            for field, labels in unread.items()]
    return [warning("number-mismatch", "; ".join(differ + said))] if differ or said else []
