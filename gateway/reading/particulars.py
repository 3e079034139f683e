"""The particulars of a document, read by their place on the page (NĐ 30/2020 Phụ lục I layout):
issuer and number on the left of the header, place and date on the right, marks below the number,
type and summary centred below the header, signer bottom right beside the recipient block.

Each reader returns what it found with the lines it found it on (for the field's source)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from datetime import date

from gateway.reading.lines import Line
from vntext import MARKS_WRITTEN, SECRECY, URGENCY, as_printed, fold, nfc, one_line, printed_letters, squash, tone_free_spelling

# Each type of document with the abbreviations its notation uses ("Số: 12/QĐ-UBND"), the spelling of
# the regulation first and the one offices also write after it; Công văn's "CV" is usage, not law.
# NĐ 30/2020/NĐ-CP Điều 7: the 29 administrative types; their abbreviations: its Phụ lục III.
ADMINISTRATIVE_TYPES: dict[str, tuple[str, ...]] = {
    "Nghị quyết": ("NQ",), "Quyết định": ("QĐ",), "Chỉ thị": ("CT",), "Quy chế": ("QC",), "Quy định": ("QyĐ",),
    "Thông cáo": ("TC",), "Thông báo": ("TB",), "Hướng dẫn": ("HD",), "Chương trình": ("CTr",),
    "Kế hoạch": ("KH",), "Phương án": ("PA",), "Đề án": ("ĐA",), "Dự án": ("DA",), "Báo cáo": ("BC",),
    "Biên bản": ("BB",), "Tờ trình": ("TTr",), "Hợp đồng": ("HĐ",), "Công văn": ("CV",), "Công điện": ("CĐ",),
    "Bản ghi nhớ": ("GN", "BGN"), "Bản thỏa thuận": ("TTh", "BTT"), "Giấy ủy quyền": ("GUQ",),
    "Giấy mời": ("GM",), "Giấy giới thiệu": ("GGT",), "Giấy nghỉ phép": ("NP", "GNP"), "Phiếu gửi": ("PG",),
    "Phiếu chuyển": ("PC",), "Phiếu báo": ("PB",), "Thư công": (),
}
# Luật Ban hành văn bản quy phạm pháp luật Điều 4: the normative types; abbreviations: NĐ 34/2016/NĐ-CP Phụ lục I.
NORMATIVE_TYPES: dict[str, tuple[str, ...]] = {
    "Hiến pháp": (), "Bộ luật": (), "Luật": (), "Pháp lệnh": (), "Nghị quyết": ("NQ",),
    "Nghị quyết liên tịch": ("NQLT",), "Lệnh": ("L",), "Nghị định": ("NĐ",), "Quyết định": ("QĐ",),
    "Thông tư": ("TT",), "Thông tư liên tịch": ("TTLT",), "Chỉ thị": ("CT",),
}
TYPE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {**ADMINISTRATIVE_TYPES, **NORMATIVE_TYPES}
DOCUMENT_TYPES = list(TYPE_ABBREVIATIONS)
_TYPES = {squash(t): t for t in DOCUMENT_TYPES}  # the type line as written, spacing aside ("QUYẾTĐỊNH", "T H Ô N G  T Ư")
_BY_ABBREVIATION = {a.upper(): t for t, abbreviations in TYPE_ABBREVIATIONS.items() for a in abbreviations}  # "HĐ" ≠ "HD"
_MOTTO = ("CONG HOA XA HOI CHU NGHIA VIET NAM", "DOC LAP - TU DO - HANH PHUC", "DOC LAP")
_PARTY = "DANG CONG SAN VIET NAM"
_NUMBER = re.compile(r"^(?:(?:BO LUAT|LUAT|PHAP LENH|NGHI QUYET) )?SO\s*(:|\d)\s*(.*)$")  # "Luật số: 59/2020/QH14"
# a scan's number line as OCR reads it: a speck before "Số" ("- Số:"), a semicolon for its colon ("Só;2/2")
_OCR_NUMBER = re.compile(r"^[^\w\s]{0,2}\s*SO\s*[:;].*/")  # with a notation's "/" ("SỞ: TƯ PHÁP" is no number)
# A blank written out: a run of two or more of the dots, dashes, lines or marks of nothing templates fill it with
# ("………", "·····", "-----", "⋯⋯", "____"; one may be a font's missing glyph, read as a control character: red team 46)
_BLANK_CHARACTER = r"[.…_·⋯‥•\-–—\x00-\x1f\ufffd]"
BLANK_RUN = rf"{_BLANK_CHARACTER}{{2,}}"
# the blanks left for the day and month written as spaces or as such runs ("ngày …… tháng …… năm": red team 43)
_FILL = rf"(?:\s|{_BLANK_CHARACTER})*"
_DATE = re.compile(rf"^(?P<place>[^,]*?)\s*,\s*NGAY{_FILL}(?P<d>\d{{0,2}}){_FILL}THANG{_FILL}(?P<m>\d{{0,2}}){_FILL}NAM\s*"
                   r"(?P<y>\d{0,4})")
_VV = re.compile(r"^[VW]\s*[/\\|⁄iIlA1]?\s*[VW%](?![^\W\d_])", re.I)  # "V/v", and OCR's "V/w", "Viv", "VW", "W⁄%"
KINH_GUI = ("KINH GUI", "KINH GOI")  # "Kính gửi", and the South's "Kính gởi", folded
# a letter's summary written out, "Về việc" for "V/v" (and OCR's "Vệ việc", "Vê viêc"), under the number in its column
_VE_VIEC = re.compile(r"^V[eêềếểễệèéẻẽẹ]\s*vi[eêềếểễệèéẻẽẹ]c(?![^\W\d_])", re.I)
LETTER_COLUMN = 0.55  # the issuer's column ends about the middle (NĐ 30: 110 mm of 210); a centred summary beyond
_ARTICLE = re.compile(r"^(DIEU \d|CHUONG [IVXLC\d]+\b)")  # "Điều 1.", "Chương I", not a summary's "ĐIỀU CỦA LUẬT"
_SIGNER_TITLE = re.compile(r"^(TM|KT|Q|TL|TUQ)\s*\.")
_SIGNATURE_BOX = re.compile(r"^(NGUOI KY|KY BOI|SIGNED BY|SIGNATURE VALID|THOI GIAN KY|NGAY KY)\b")  # a signature box's labels
_PARENT_HINT = re.compile(r"^(UBND|UY BAN NHAN DAN|HDND|BO |TONG CUC|TINH UY|HUYEN UY|THANH UY)")
_AGENCY_START = re.compile(
    r"^(SO |PHONG |BAN |VAN PHONG|TRUNG TAM|CHI CUC|THANH TRA|CUC |TONG CUC|VU |TRUONG |BENH VIEN|BAO |DAI |KHO BAC|"
    r"THUONG TRUC|HOI DONG|DOAN |CONG AN|VIEN |HOC VIEN|QUY |BAO HIEM|DANG UY|BO CHI HUY|CHI NHANH|CONG TY)"
)


@dataclass(frozen=True)
class Found:
    value: str
    lines: tuple[Line, ...]


def is_motto(line: Line) -> bool:
    return any(fold(line.text).startswith(m) for m in _MOTTO)


def is_motto_head(lines: list[Line]) -> bool:
    """Whether the lines hold both of the motto's: the Quốc hiệu, and "Độc lập - Tự do - Hạnh phúc" under it,
    as OCR reads them too ("CỘNG HÒA NY HỘI CHỦ NGHĨA VIỆT NM", realpdf 006); or, heading a Party body's
    document in its place (Quy định 66-QĐ/TW), "ĐẢNG CỘNG SẢN VIỆT NAM" in capitals."""
    tops = [l for l in lines if _reads_as(l.text, _MOTTO[0])]
    return (any(_reads_as(l.text, _MOTTO[1]) and any(0 < l.y0 - t.y0 < 3 * (t.y1 - t.y0) + 6 for t in tops) for l in lines)
            or any(is_upper(l.text) and _reads_as(l.text, _PARTY) and len(fold(l.text)) < len(_PARTY) + 4 for l in lines))


def _reads_as(text: str, folded: str) -> bool:
    return difflib.SequenceMatcher(None, fold(text)[:len(folded)], folded).ratio() >= 0.8


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def number_line_index(left: list[Line]) -> int | None:
    for index, line in enumerate(left):
        folded = fold(line.text)
        if _NUMBER.match(folded) or (line.source == "ocr" and _OCR_NUMBER.match(folded)):
            return index
    return None


def read_issuer(left: list[Line]) -> tuple[Found | None, Found | None]:
    """(issuer, parent) from the left header lines above "Số:"; the parent may take two lines."""
    stop = number_line_index(left)
    block = [l for l in (left[:stop] if stop is not None else left[:3]) if is_upper(l.text) and not is_whole_mark(l.text)]
    if not block:
        return None, None
    texts = [l.text for l in block]
    for split in range(1, min(3, len(block))):
        if _under_parent(block[:split], block[split:]):
            return (Found(_without_debris(" ".join(texts[split:])), tuple(block[split:])),
                    Found(_without_debris(" ".join(texts[:split])), tuple(block[:split])))
    return Found(_without_debris(" ".join(texts)), tuple(block)), None


def _without_debris(text: str) -> str:
    """A header line without what OCR reads off its rule or a speck at its end ("BỘ TÀI CHÍNH _", "TỔNG CỤC THUẾ,")."""
    return re.sub(r"[\s_,.:;|~\-—–'\"`]+$", "", one_line(text))


def _under_parent(parent: list[Line], rest: list[Line]) -> bool:
    """Whether the first issuer lines are the parent agency's (NĐ 30/2020 PL I: the parent line is
    regular, the issuing agency's bold). The text layer says which lines are bold; for OCR the ink
    density stands in for the font, and only where the next line opens an agency's name (a wrapped
    "ỦY BAN NHÂN DÂN TỈNH BẮC / KẠN" has a short last line whose ink density varies)."""
    opens_agency = bool(_AGENCY_START.match(fold(rest[0].text)))
    if _PARENT_HINT.match(fold(parent[0].text)) and opens_agency:
        return True
    inks = [l.ink for l in parent + rest]
    if all(ink is not None for ink in inks):
        heaviest = max(l.ink for l in parent if l.ink is not None)
        return opens_agency and all(l.ink > 1.2 * heaviest for l in rest if l.ink is not None)
    return all(l.bold for l in rest) and not any(l.bold for l in parent)


def read_number(left: list[Line]) -> Found | None:
    index = number_line_index(left)
    if index is None:
        return None
    text = left[index].text
    value = re.split("[:;]", text, maxsplit=1)[1] if re.search("[:;]", text) else re.sub(r"^\S+", "", text)
    value = _BEYOND_NOTATION.split(value, maxsplit=1)[0]  # the date or the "V/v" run onto the number's line (red team 71)
    value = re.sub(rf"^{_BLANK_CHARACTER}+(?=/)", "", clean_notation(value))  # "………/STP-VP": left blank (red teams 43, 46)
    return Found(value, (left[index],)) if value else None


# NĐ 30/2020 Phụ lục I: a number and its notation are figures and the capitals of abbreviations ("TTr", "TTg" keep a
# small letter; Đ the only letter with a mark: 66 of 66 numbers of the corpus and the real PDFs), joined by / - & ( ) .
# what a text layer may run onto the number's line after the notation, a space before it: "ngày 03/12/2026", "V/v …"
_BEYOND_NOTATION = re.compile(r"\s+(?=(?:ng[àa]y|v/v|v[ềe]\s+vi[ệe]c)(?:\s|$))", re.IGNORECASE)
_NOTATION_CHARACTERS = re.compile(r"[0-9A-Za-zĐđ/&().\-]+")
# NĐ 30/2020 Phụ lục I: between the number and the notation only the year of a normative document ("26/2020/QĐ-UBND")
_NO_YEAR_BETWEEN_SLASHES = re.compile(r"/(?!(?:19|20)\d\d/)\d+/")  # red team 146: "7/0707/STP-VP"


def foreign_notation(value: str) -> bool:
    """Whether a number holds a character no number and notation is written with."""
    return _NOTATION_CHARACTERS.fullmatch(value) is None


def garbled_notation(value: str) -> bool:
    """Whether a number read by OCR is what no number and notation is: a clerk's handwritten figures read as letters
    ("/ÕÖŸCAT-PA05_" for 855/CAT-PA05, realpdf 014), a colon for a letter, or figures between two slashes that are no
    year ("2/2/UBND-VP" for 917/UBND-VP: red team 145)."""
    return foreign_notation(value) or _NO_YEAR_BETWEEN_SLASHES.search(value) is not None


def clean_notation(text: str) -> str:
    """A document's number and notation as printed after "Số:", without its spaces or what the page does not show
    (a zero-width space: red team 65), its dashes and slashes plain; no notation ends in punctuation (a speck OCR read
    as a comma, or the line's own full stop)."""
    return re.sub(r"\s+", "", as_printed(text)).rstrip(",;.:„\"'’”")


def date_left_blank(row: str) -> bool:
    """Whether a date row leaves its day or month blank ("ngày   tháng 01 năm 2026"), not written impossible."""
    match = _DATE.match(fold(row))
    return match is not None and not (match["d"] and match["m"])


def read_place_date(right: list[Line]) -> tuple[Found | None, Found | None]:
    """(place, ISO date); a date left blank to be filled in by hand is None."""
    for line in _rows(right):
        match = _DATE.match(fold(line.text))
        if not match:
            continue
        place = one_line(line.text[: line.text.index(",")])
        try:
            value: str | None = date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            value = None
        return (Found(place, (line,)) if place else None), (Found(value, (line,)) if value else None)
    return None, None


def _rows(lines: list[Line]) -> list[Line]:
    """Pieces of one printed row joined left to right (OCR cuts a date line at its blanks)."""
    rows: list[Line] = []
    for line in sorted(lines, key=lambda l: (l.page, l.y0)):
        last = rows[-1] if rows else None
        if last is not None and last.page == line.page and min(last.y1, line.y1) - max(last.y0, line.y0) > 0.5 * min(
            last.y1 - last.y0, line.y1 - line.y0
        ):
            first, second = (last, line) if last.x0 <= line.x0 else (line, last)
            rows[-1] = dataclasses.replace(
                first, x1=max(first.x1, second.x1), y0=min(first.y0, second.y0), y1=max(first.y1, second.y1),
                text=first.text + " " + second.text,
                confidence=None if first.confidence is None else min(first.confidence, second.confidence or 0),
            )
            continue
        rows.append(line)
    return rows


# Cyrillic and Greek capitals drawn like Latin ones: "МẬТ" in Cyrillic letters is the mark a person reads
_LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХУІЅΑΒΕΗΙΚΜΝΟΡΤΥΧ", "ABEKMHOPCTXYISABEHIKMNOPTYX")


_BESIDE_A_MARK = " .:|[]()-,;'`\"~_¡!"  # a stamp's frame or a speck beside it, read with the mark's words


# each way a mark is written, spelt whatever the tone's place ("HOẢ TỐC" is "HỎA TỐC"), to the mark it is
_SPELT_MARKS = {tone_free_spelling(written): (kind, mark) for kind, marks in MARKS_WRITTEN.items()
                for written, mark in marks.items()}


def mark_of(text: str, *, exact: bool = False) -> tuple[str, str] | None:
    """("urgency"|"secrecy", the mark as written in NĐ 30) for a stamp's text. Marks are printed in
    capitals (NĐ 30/2020 Phụ lục I): a line in small letters is none ("mắt", "Khánh": a summary's last
    word wrapped alone was read as a mark and the letter returned as secret). OCR of a framed stamp may
    garble a letter ("MẠẬT"), so a near spelling of these six words counts, and the field's confidence
    (the OCR's) says how sure it is; `exact`: text from a text layer, spelt as NĐ 30 spells it, tone
    marks and all ("MẮT" is no "MẬT")."""
    text = printed_letters(text).translate(_LOOK_ALIKES)
    if not is_upper(text):
        return None
    if exact:
        written = nfc(text).strip(" .:|[]()")
        return _SPELT_MARKS.get(tone_free_spelling(written)) or _letter_spaced(written)
    folded = fold(text).strip(_BESIDE_A_MARK)
    for kind, marks in (("urgency", URGENCY), ("secrecy", SECRECY)):
        if folded in marks:
            return kind, marks[folded]
    squashed = folded.replace(" ", "")
    for kind, marks in (("urgency", URGENCY), ("secrecy", SECRECY)):
        for key, value in marks.items():
            if len(squashed) <= len(key) + 2 and difflib.SequenceMatcher(None, squashed, key.replace(" ", "")).ratio() >= 0.85:
                return kind, value
    return None


def _letter_spaced(written: str) -> tuple[str, str] | None:
    """A mark typed letter-spaced ("M Ậ T", "T Ố I   M Ậ T"): its letters, each a word of the text layer, spelt
    letter for letter as the mark's words are (red team 50: the secret letter was registered)."""
    letters = written.split()
    if len(letters) < 2 or any(len(letter) != 1 for letter in letters):
        return None
    run = "".join(letters)
    for spelling, mark in _SPELT_MARKS.items():
        sizes = [len(word) for word, _ in spelling]
        if sum(sizes) != len(run):
            continue
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        if tone_free_spelling(" ".join(run[a:a + n] for a, n in zip(starts, sizes, strict=True))) == spelling:
            return mark
    return None


def marks_of(text: str, *, exact: bool = False) -> list[tuple[str, str]]:
    """The marks a stamp's line holds (mark_of): one, or two stamped side by side and read as one line ("KHẨN MẬT":
    an urgency and a secrecy, each whole; red team 51: both were missed)."""
    if (mark := mark_of(text, exact=exact)) is not None:
        return [mark]
    for first, second in _side_by_side(text.split()):
        one, other = mark_of(first, exact=exact), mark_of(second, exact=exact)
        if one is not None and other is not None and one[0] != other[0]:
            return [one, other]
    return []


def _side_by_side(words: list[str]) -> list[tuple[str, str]]:
    """A line's words cut in two at each place: two stamps read as one line."""
    return [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]


def read_marks(left: list[Line], *, above: float | None = None) -> tuple[Found | None, Found | None]:
    """Urgency and secrecy stamps: whole lines below the number on the left of the header, or level with
    it (a stamp in the margin beside "Số:" whose top stands above the number's), or above it a line that
    is a mark's words with their letters and vowel marks (is_whole_mark's `spelt`: stamped in the top margin,
    over the issuer's name; "BỆNH VIỆN CHUYÊN KHOA" / "MẮT" is a name's last line); the same words in ordinary
    text are not marks, nor is any line starting below `above` (the title's foot: NĐ 30/2020 Phụ lục I sets the
    marks in the header, and a report's table under its title has "MẮT", eyes, in a cell)."""
    start = number_line_index(left)
    number = left[start] if start is not None else None
    urgency = secrecy = None
    for index, line in enumerate(left):
        if above is not None and line.y0 >= above:
            break
        beside = number is not None and line.y0 < number.y1 and line.y1 > number.y0  # stamped level with it
        if start is not None and index <= start and not beside:
            if index == start or not is_whole_mark(line.text, spelt=True):
                continue  # the issuer's lines: OCR's near spelling of a mark is a name's word ("KẠN" of BẮC KẠN)
        for kind, value in marks_of(line.text, exact=line.source == "text"):
            if kind == "urgency" and urgency is None:
                urgency = Found(value, (line,))
            elif kind == "secrecy" and secrecy is None:
                secrecy = Found(value, (line,))
    return urgency, secrecy


_MARK_WORDS = URGENCY.keys() | SECRECY.keys()


# each mark's letters with their vowel marks, its tones aside: "MẬT" is M-Â-T, "MẮT" (eyes) and "MẶT" (face) M-Ă-T
_MARK_LETTERS = frozenset(tuple(letters for letters, _ in spelling) for spelling in _SPELT_MARKS)


def is_whole_mark(text: str, *, spelt: bool = False) -> bool:
    """A line that is a mark's words and nothing else (or two marks side by side), letter for letter (tone marks
    aside; with `spelt`, vowel marks too: "MẮT" ending a hospital's name is no "MẬT", "TÔI MẬT" read with a tone
    slipped is "TỐI MẬT"): a stamp, never a line of the issuer's name (mark_of's near spellings are not enough here:
    "KẠN" of "BẮC KẠN" wrapped alone is one letter from "KHẨN"); a frame's side or a speck read beside it is no part
    of it."""
    words = text.translate(_LOOK_ALIKES).split()
    while words and sum(c.isalnum() for c in words[0]) < 2:  # a frame's side read as a letter: "Ì KHẨN"
        words.pop(0)
    while words and sum(c.isalnum() for c in words[-1]) < 2:
        words.pop()
    if not is_upper(text) or not words:
        return False
    def whole(part: str) -> bool:
        if spelt:
            return tuple(letters for letters, _ in tone_free_spelling(part.strip(_BESIDE_A_MARK))) in _MARK_LETTERS
        return fold(part).strip(_BESIDE_A_MARK) in _MARK_WORDS

    return whole(" ".join(words)) or any(whole(first) and whole(second) for first, second in _side_by_side(words))


def title_line(centred: list[Line], left: list[Line], doc_type: Found | None) -> Line | None:
    """The document's title under its header: its type's heading, or a line in capitals centred on the page below the
    number ("BÁO CÁO NHANH", "DANH SÁCH": a heading no type of NĐ 30/2020 names), where no mark stands lower."""
    if doc_type is not None:
        return doc_type.lines[0]
    start = number_line_index(left)
    if start is None:
        return None
    return next((l for l in centred if l.y0 > left[start].y1 and is_upper(l.text) and not is_motto(l)
                 and sum(c.isalpha() for c in l.text) >= 4 and not marks_of(l.text)), None)


def read_vv_summary(left: list[Line]) -> Found | None:
    """The summary of a letter: "V/v …" under its number, over one or more lines."""
    start = number_line_index(left)
    if start is None:
        return None
    summary: list[Line] = []
    for offset, line in enumerate(left[start + 1:]):
        if not summary:
            if _VV.match(line.text) or (offset < 2 and _VE_VIEC.match(line.text)
                                        and line.x1 <= LETTER_COLUMN * line.page_width):
                summary.append(line)
            continue
        if mark_of(line.text) is not None or _caps_words(line.text):
            break
        if not _follows(summary[-1], line):
            break
        summary.append(line)
    if not summary:
        return None
    text = one_line(" ".join(l.text for l in summary))
    written_out = "VỀ VIỆC" if is_upper(text) else "Về việc"
    return Found(_VE_VIEC.sub(written_out, _VV.sub("V/v", text, count=1), count=1), tuple(summary))


def _caps_words(text: str) -> bool:
    """Words in capitals, not a letter's summary going on ("38/2015/TT-BTC" is its last line)."""
    return is_upper(text) and sum(w.isalpha() for w in text.split()) >= 2


def _follows(previous: Line, line: Line) -> bool:
    """Whether line continues the paragraph of previous (no more than a line's spacing apart). OCR's
    boxes are as tall as a line's tone marks make them, and overlap: there the lines' tops are compared."""
    height = max(previous.y1 - previous.y0, 8)
    if previous.source == "ocr" and line.source == "ocr":
        return 0.4 * height <= line.y0 - previous.y0 <= 1.45 * max(height, line.y1 - line.y0)  # below, not beside
    return -2 <= line.y0 - previous.y1 <= 0.9 * height


def _as_heavy(summary: list[Line], line: Line) -> bool:
    """Whether line is set as the summary is (bold, NĐ 30/2020), not in the body's lighter weight. For
    OCR the ink stands in: a short line has more ink than a long one, so only a lighter line ends it."""
    inks = [l.ink for l in summary if l.ink is not None]
    if inks and line.ink is not None:
        return 1.25 * line.ink >= min(inks)
    return summary[-1].bold == line.bold


def read_type_and_summary(body: list[Line]) -> tuple[Found | None, Found | None]:
    """The centred type heading below the header and the summary lines after it, however many."""
    for index, line in enumerate(body):
        squashed = squash(line.text) if len(line.text) <= 48 else ""  # a type line is short, even letter-spaced
        if squashed in _TYPES and is_upper(line.text):
            summary: list[Line] = []
            for follow in body[index + 1:]:
                f = fold(follow.text)
                if f.startswith(("CAN CU", *KINH_GUI)) or _ARTICLE.match(f) or set(follow.text) <= set("-_— "):
                    break
                if summary and not (_follows(summary[-1], follow) and _as_heavy(summary, follow)):
                    break  # the summary is bold (NĐ 30/2020); the body below it is not
                if summary and _opens_caps(summary[-1], follow):
                    break  # the authority's line ("CHÍNH PHỦ") under a summary in small letters
                summary.append(follow)
            text = one_line(" ".join(l.text for l in summary))
            return Found(_TYPES[squashed], (line,)), (Found(text, tuple(summary)) if text else None)
    return None, None


def _opens_caps(previous: Line, line: Line) -> bool:
    """Whether line, in capitals, follows a line in small letters (a summary does not change case)."""
    return not is_upper(previous.text) and is_upper(line.text) and len(line.text.split()) >= 2


@dataclass(frozen=True)
class TypeMismatch:
    abbreviation: str  # as the notation writes it ("NĐ")
    names: str  # the type it abbreviates ("Nghị định")


def type_mismatch(doc_type: str | None, number: str | None) -> TypeMismatch | None:
    """The type the notation abbreviates when it is not the type line's (NĐ 30/2020 Phụ lục I: the
    notation carries the type's abbreviation of Phụ lục III before the issuer's, "12/QĐ-UBND",
    "15/2020/NĐ-CP", a Party's "12-NQ/TU"). OCR's slips of one type's own abbreviation ("QD" for
    "QĐ") agree. A letter is not compared: a Công văn's notation has no type, and the codes of its
    issuer and drafting unit are often a type's letters ("1581/CT-TTHT" of a Cục Thuế)."""
    if doc_type is None or number is None or doc_type == "Công văn":
        return None
    token = next((t for t in re.split(r"[/\-–]", number) if re.search(r"[^\W\d_]", t)), None)
    if token is None or fold(token) in {fold(a) for a in TYPE_ABBREVIATIONS.get(doc_type, ())}:
        return None
    names = _BY_ABBREVIATION.get(token.upper())
    return TypeMismatch(token, names) if names is not None and names != doc_type else None


def _looks_like_name(text: str) -> bool:
    """A person's name as signed: two to six capitalised words ("Hoàng Đức Thắng")."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(w[0].isupper() and w.isalpha() for w in words) and not is_upper(text)


def _could_be_name(text: str) -> bool:
    """A line that may be the signer's name under the title: short, no digits, no label ("Số điện
    thoại liên hệ: 0902…", a signature box's "08:52:34 +07:00" are not names)."""
    return len(text) < 60 and len(text.split()) <= 7 and not re.search(r"[\d:@]", text)


# a police or army officer's rank before the name ("Đại tá Huỳnh Ngọc Liêm"): not part of it
# (folded, so that OCR's "Thiêu tướng" is one too)
_RANK = re.compile(r"^(?:DAI|THUONG|TRUNG|THIEU)\s+(?:TUONG|TA|UY)\s+(?=\w)")


_STAMP_WORDS = ("DA KY", "BAN SAO", "SAO Y", "TRICH SAO", "SAO LUC", "DA DUYET", "DA XEM", "DA NHAN")  # a stamp's words


def written_like_a_name(text: str) -> bool:
    """What OCR read under the title is a name only if it is written like one: words of letters, each
    capitalised ("t „ yết”", "Iran Đăng {nh" are a red stamp's script or a scribble read as letters)."""
    words = text.rstrip(".,;").split()
    if fold(text).startswith(_STAMP_WORDS):
        return False
    return len(words) >= 2 and all(w[0].isupper() and re.sub(r"(?<=\w)['’-](?=\w)", "", w).isalpha() for w in words) \
        and not is_upper(text)  # a title is in capitals; "H'Hen Niê", "Y-Ngông" are names of the Central Highlands


def _ocr_tail(line: Line) -> str:
    """An OCR'd line without the dashes a seal's or a rule's strokes left after it ("CHỦ TỊCH -")."""
    return re.sub(r"(?:\s+[-—–_~|]+)+\s*$", "", line.text) if line.source == "ocr" else line.text


def _without_stray_glyph(text: str) -> str:
    """A name without a stray small letter glued before it ("ơNguyễn Đức Vũ": a signature image's glyph)."""
    stray = len(text) > 2 and text[0].islower() and text[1].isupper() and not is_upper(text[1:])  # not a title's "kT."
    return text[1:] if stray else text


def read_signer(lines: list[Line]) -> tuple[Found | None, Found | None]:
    """(name, title lines joined by newlines) from the right half of the signer's part, in order."""
    right = [dataclasses.replace(l, text=_without_stray_glyph(_ocr_tail(l).lstrip("-—–=_~.,'‘’\"“”„`| ")))
             for l in lines if not l.left_half]
    titles: list[Line] = []
    name: Line | None = None
    box: Line | None = None  # a digital signature's box ("Người ký: Sở Tài chính", "Thời gian ký: …"): not the name
    for line in right:
        folded = fold(line.text)
        if _SIGNATURE_BOX.match(folded) or (box is not None and abs(line.x0 - box.x0) < 3):
            box = line  # its label lines and their wrapped rest, all at the box's left edge
            continue
        box = None
        if len(line.text) < 3 or (line.confidence is not None and line.confidence < 0.5):
            continue  # a seal's or a signature's scribble read as letters
        if name is None and (_SIGNER_TITLE.match(folded) or (is_upper(line.text) and len(line.text) < 60)):
            titles.append(line)
            continue
        if _RANK.match(folded) and line.text.split()[1][:1].islower():  # "Đại tá …", not a name "Thiều Tường Vy"
            line = dataclasses.replace(line, text=line.text.split(None, 2)[2])
        if (titles or _looks_like_name(line.text)) and not line.text.startswith("(") and _could_be_name(line.text) \
                and not is_upper(line.text) and (line.source != "ocr" or written_like_a_name(line.text)):
            name = line  # the last plain line of the block is the name (a seal may hide the title)
    name_found = Found(name.text, (name,)) if name else None
    titles = _without_impossible_deputy(titles)
    titles_found = Found("\n".join(l.text for l in titles), tuple(titles)) if titles else None
    return name_found, titles_found


# NĐ 30/2020 Đ13.1: "KT." is a deputy signing for the head, so the line under "KT. GIÁM ĐỐC" is a deputy's title
# ("PHÓ GIÁM ĐỐC", "THỨ TRƯỞNG"), never the head's own: read so, its first word was lost (a seal's ring over "PHÓ").
def _without_impossible_deputy(titles: list[Line]) -> list[Line]:
    """The title lines, a head's title under "KT." of that same title left out (unread rather than wrong)."""
    if len(titles) >= 2 and (head := re.match(r"KT\s*\.\s*(.+)", fold(titles[0].text))) \
            and fold(titles[1].text).strip(" ,.") == head.group(1).strip(" ,."):
        return [titles[0], *titles[2:]]
    return titles
