"""Digits a clerk writes by hand into the printed blanks of a scanned document: the number before
"/SYMBOL" on the "Số:" line, the day and month of the date line.

OCR made for print reads "707" in blue ink as "†ÖÝ", or as other digits ("7027" on a greyscale scan, with
confidence). Every such line OCR read is read again for its symbols' places, the blank found between the printed
words around it ("Số:" and the "/" of the symbol; "ngày", "tháng" and "năm"), and what is in the blank judged:

- digits without a pen's blue that the page's OCR read with confidence, that the line read again does not read
  otherwise, and that the digit readings below confirm (`_confirmed`) are print: kept;
- anything else is handwriting: its ink is taken apart from the page (the pen's blue where the scan
  is in colour) and read by Tesseract allowed only digits, on two models, two segmentations and two
  sizes. Tesseract reads cursive digits wrongly with confidence, so a reading counts only when all
  eight agree, each digit confident: otherwise the blank is left out, never filled with a guess.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from collections.abc import Iterator
from typing import Any, Literal

import pymupdf
from PIL import Image, ImageChops, ImageFilter, ImageOps

from gateway.reading.lines import Line
from gateway.reading.ocr import clean_ocr_text, tessdata_dir
from gateway.reading.particulars import Found, clean_notation, garbled_notation
from gateway.reading.straight import PageView
from vntext import fold

LINE_DPI = 200  # the line read again for its symbols' places
BLANK_DPI = 300  # a blank's writing looked at
CONFIDENT = 0.80  # the least confidence of any digit for a handwritten reading to count
PRINTED = 0.90  # the least confidence of the line's OCR for digits in a blank to be taken as print
HEIGHTS = (32, 48)  # the handwriting scaled to these heights in pixels, each read
_MODELS = ("eng", "vie")

Kind = Literal["printed", "handwritten", "unread", "empty"]


@dataclass(frozen=True)
class Digits:
    """What a blank holds: printed digits, handwritten ones read with confidence, handwriting not
    read ("unread": text is empty), or nothing at all ("empty")."""

    kind: Kind
    text: str = ""
    confidence: float | None = None


@dataclass(frozen=True)
class _Symbol:
    char: str  # folded, one letter
    text: str  # as read
    x0: float  # PDF points
    x1: float
    confidence: float  # 0..1


@dataclass(frozen=True)
class NumberBlank:
    digits: Digits
    symbol: str  # the notation after the blank, as read here ("/UBND-VX"), "" when none was found


_APIS: dict[str, Any] = {}  # tesserocr.PyTessBaseAPI (tesserocr has no types)


def _api(lang: str, digits: bool) -> Any:
    """A Tesseract of this process: Vietnamese for the printed words around a blank, or a model
    allowed only the ten digits."""
    key = f"{lang}-{'digits' if digits else 'words'}"
    if key not in _APIS:
        import tesserocr

        api = tesserocr.PyTessBaseAPI(path=str(tessdata_dir()), lang=lang)
        if digits:
            api.SetVariable("tessedit_char_whitelist", "0123456789")
        _APIS[key] = api
    return _APIS[key]


def _render(page: PageView, clip: pymupdf.Rect, dpi: int) -> Image.Image:
    return page.render(clip, dpi)


def _symbols(page: PageView, line: Line) -> list[_Symbol]:
    """The line read again as one line, symbol by symbol, with each symbol's place."""
    from tesserocr import PSM, RIL

    height = line.y1 - line.y0
    clip = pymupdf.Rect(line.x0 - height, line.y0 - 0.2 * height, line.x1 + height, line.y1 + 0.2 * height) & page.rect
    image = page.render(clip, LINE_DPI, red=True)  # a red seal fades in the red channel
    scale = clip.width / image.width
    api = _api("vie", digits=False)
    api.SetPageSegMode(PSM.SINGLE_LINE)
    api.SetImage(image)
    api.Recognize()
    symbols: list[_Symbol] = []
    iterator = api.GetIterator()
    while iterator is not None and not iterator.Empty(RIL.SYMBOL):
        text = iterator.GetUTF8Text(RIL.SYMBOL) or ""
        box = iterator.BoundingBox(RIL.SYMBOL)
        if text.strip() and box is not None:
            symbols.append(_Symbol((fold(text) or "?")[0], text, clip.x0 + box[0] * scale, clip.x0 + box[2] * scale,
                                   iterator.Confidence(RIL.SYMBOL) / 100))
        if not iterator.Next(RIL.SYMBOL):
            break
    api.Clear()
    return symbols


def _find(symbols: list[_Symbol], pattern: str, start: int = 0) -> re.Match[str] | None:
    return re.compile(pattern).search("".join(s.char for s in symbols), start)


def read_number(page: PageView, line: Line, seen: str = "") -> NumberBlank | None:
    """The blank of the "Số:" line, after "Số:" and before the "/" of the notation (or before the
    notation itself where the slash was left out), and what it holds; None without such a line. `seen`: the digits
    the page's OCR read there with confidence, if any."""
    symbols = _symbols(page, line)
    label = _find(symbols, r"SO:?")
    if label is None:
        return None
    notation = _find(symbols, r"/(?=(\d{4}/)?[A-Z])", label.end()) or _find(symbols, r"[A-Z]{2}", label.end())
    if notation is None:
        return NumberBlank(Digits("empty"), "")
    symbol = clean_notation(clean_ocr_text("/" + "".join(s.text for s in symbols[notation.start():]).lstrip("/")))
    digits = _read_blank(page, line, symbols[label.start():label.end()], symbols[label.end():notation.start()],
                         symbols[notation.start()], seen)
    return NumberBlank(digits, symbol)


def read_day_month(page: PageView, line: Line, seen: tuple[str, str] = ("", "")) -> tuple[Digits, Digits] | None:
    """What the blanks of the date line hold: after "ngày" and after "tháng"; None where its words
    are not found. `seen`: the day and month the page's OCR read with confidence, if any."""
    symbols = _symbols(page, line)
    day = _find(symbols, r"NGAY")
    month = _find(symbols, r"THANG", day.end()) if day else None
    year = _find(symbols, r"NAM", month.end()) if month else None
    if day is None or month is None or year is None:
        return None
    return (
        _read_blank(page, line, symbols[day.start():day.end()], symbols[day.end():month.start()], symbols[month.start()],
                    seen[0]),
        _read_blank(page, line, symbols[month.start():month.end()], symbols[month.end():year.start()], symbols[year.start()],
                    seen[1]),
    )


def _read_blank(page: PageView, line: Line, label: list[_Symbol], inside: list[_Symbol], after: _Symbol,
                seen: str = "") -> Digits:
    height = line.y1 - line.y0
    # handwriting rises above the line and runs below it
    clip = pymupdf.Rect(label[-1].x1 + 1, line.y0 - 0.6 * height, after.x0 - 1, line.y1 + 0.3 * height)
    if clip.width < 3:
        return Digits("empty")
    image = _render(page, clip, BLANK_DPI)
    pen = _pen(image)
    ink = _ink(image, pen)
    if ink is None:
        return Digits("empty") if not inside else Digits("unread")
    printed = "".join(s.text for s in inside)
    if (pen is None and seen.isdigit() and (printed == seen or not printed.isdigit())
            and _confirmed(seen, ink, _least(seen, printed, inside))):
        # print the page's OCR read with confidence, not read otherwise by the line read again, and confirmed by
        # the digit readings (red team 146: typed numbers and dates left out once every line was read again)
        return Digits("printed", seen, min((s.confidence for s in inside), default=None))
    if pen is None and printed.isdigit() and min(s.confidence for s in inside) >= PRINTED:
        # print, read alike by the line's OCR and most digit readings, none confidently otherwise
        # (the line's OCR reads a hand's "19" as "49" with confidence)
        misses = 0
        for vote in _votes(ink):
            if vote is not None and vote[0] != printed and vote[1] >= CONFIDENT:
                return Digits("unread")
            misses += vote is None or vote[0] != printed
            if misses > len(HEIGHTS) * len(_MODELS):  # half of the readings
                return Digits("unread")
        return Digits("printed", printed, min(s.confidence for s in inside))
    readings: list[tuple[str, float]] = []
    for vote in _votes(ink):  # handwriting: every reading the same, each confident
        if vote is None or vote[1] < CONFIDENT or (readings and vote[0] != readings[0][0]):
            return Digits("unread")
        readings.append(vote)
    return Digits("handwritten", readings[0][0], min(c for _, c in readings))


def _least(seen: str, printed: str, inside: list[_Symbol]) -> int:
    """How many confident digit readings confirm print: one where the line read again read the same digits each with
    confidence (realpdf 015's typed month "11": seven of the eight readings of its narrow figures read "1" or nothing),
    two where it read them less surely, half of them where it read no digits (red team 147)."""
    if printed != seen:
        return len(HEIGHTS) * len(_MODELS)
    return 1 if min(s.confidence for s in inside) >= PRINTED else 2


def _confirmed(seen: str, ink: Image.Image, least: int) -> bool:
    """Whether the digit readings of a blank confirm what print OCR read in it: at least `least` of them read it with
    confidence, more than read anything else with confidence, a part of it counted half (a cut of the blank's edge:
    "151" of 1519) but never as often as it (a hand's 17 that print OCR read "717" is read 17 by seven; red team
    147). A hand's 707 that print OCR read "7027" is read 707 by all eight; print's 58, 58 six times and 38 twice."""
    agreeing = others = parts = 0
    left = len(HEIGHTS) * len(_MODELS) * 2  # the readings not yet made: none is made once the answer is known
    for vote in _votes(ink):
        left -= 1
        if vote is not None and vote[1] >= CONFIDENT:
            agreeing += vote[0] == seen
            others += vote[0] != seen and vote[0] not in seen
            parts += vote[0] != seen and vote[0] in seen
        if agreeing >= least and agreeing > others + parts / 2 + left and agreeing > parts + left:
            return True  # whatever the readings left say
        if agreeing + left < least or agreeing + left <= others + parts / 2 or agreeing + left <= parts:
            return False
    return False


def _pen(image: Image.Image) -> Image.Image | None:
    """The pen's blue ink of a colour scan (dark on white), None where there is none: black print,
    grey paper and a red seal are no bluer than they are red."""
    red, _, blue = image.split()
    blueness = ImageChops.subtract(blue, red)
    if sum(blueness.histogram()[48:]) < 0.004 * image.width * image.height:
        return None
    return ImageOps.invert(blueness.point(lambda v: 0 if v < 24 else min(255, v * 3)))


def _ink(image: Image.Image, pen: Image.Image | None) -> Image.Image | None:
    """The writing in the blank, black on white and cut to the band of rows that holds the most of
    it (a rule or the letters of the line above fall away); None when the blank is empty."""
    grey = pen if pen is not None else image.convert("L")
    black = grey.point(lambda v: 0 if v < 150 else 255)
    marked = ImageOps.invert(black)
    rows = marked.resize((1, marked.height), Image.Resampling.BOX).tobytes()
    bands: list[tuple[int, int]] = []
    start = None
    for y, value in enumerate([*rows, 0]):
        if value > 2 and start is None:
            start = y
        elif value <= 2 and start is not None:
            bands.append((start, y))
            start = None
    if not bands:
        return None
    top, bottom = max(bands, key=lambda b: sum(rows[b[0]:b[1]]))
    box = marked.crop((0, top, marked.width, bottom)).getbbox()
    if box is None or bottom - top < 8:
        return None
    return black.crop((box[0], top, box[2], bottom))


def _votes(ink: Image.Image) -> Iterator[tuple[str, float] | None]:
    """The digits each reading gives (two models, two segmentations, two sizes), with their least
    confidence; None for a reading that gives no digits. Read one by one: the caller stops at the
    first that settles it."""
    from tesserocr import PSM

    for height in HEIGHTS:
        scaled = ink.resize((max(1, round(ink.width * height / ink.height)), height), Image.Resampling.LANCZOS)
        scaled = scaled.point(lambda v: 0 if v < 128 else 255).filter(ImageFilter.MinFilter(3))
        framed = Image.new("L", (scaled.width + 30, scaled.height + 30), 255)
        framed.paste(scaled, (15, 15))
        for lang in _MODELS:
            for mode in (PSM.SINGLE_WORD, PSM.SINGLE_LINE):
                yield _digits(framed, lang, mode)


def _digits(image: Image.Image, lang: str, mode: int) -> tuple[str, float] | None:
    from tesserocr import RIL

    api = _api(lang, digits=True)
    api.SetPageSegMode(mode)
    api.SetImage(image)
    api.Recognize()
    text, confidences = "", []
    iterator = api.GetIterator()
    while iterator is not None and not iterator.Empty(RIL.SYMBOL):
        text += (iterator.GetUTF8Text(RIL.SYMBOL) or "").strip()
        confidences.append(iterator.Confidence(RIL.SYMBOL) / 100)
        if not iterator.Next(RIL.SYMBOL):
            break
    api.Clear()
    if not re.fullmatch(r"\d{1,5}", text):
        return None
    return text, min(confidences)


_NOTATION = re.compile(r"/(?=(\d{4}/)?[^\W\d_])")  # the slash that opens the notation ("/UBND-VX", "/2020/QĐ-UBND")
_YEAR = re.compile(r"NAM\s*(\d{4})")
_DAY_MONTH = re.compile(r"NGAY\s*(\d{1,2})\s*THANG\s*(\d{1,2})\b")
LOW_CONFIDENCE = 0.75  # an OCR'd line below this: its digits are not taken for print without the digit readings


@dataclass(frozen=True)
class Blanks:
    """The number, place and date once their blanks are read, and the fields whose handwriting was
    left out."""

    number: Found | None
    place: Found | None
    date: Found | None
    left_out: tuple[str, ...] = ()


def read_blanks(page: PageView, number: Found | None, place: Found | None, issued: Found | None,
                left: list[Line], right: list[Line]) -> Blanks:
    """The number and date of a scanned page with what its blanks really hold (`left`, `right`: the
    header's columns, where the number and the date lines are). Every line read by OCR is read again (`_doubtful`). A
    blank whose handwriting is not read with confidence is left out (the number keeps its notation alone), never filled
    with a guess."""
    left_out: list[str] = []
    if number is not None and _doubtful(number.lines[0]):
        number = _number(page, number, _row(number.lines[0], left))
        if number is None or number.value.startswith("/"):
            left_out.append("number")
    line = place.lines[0] if place is not None else next((l for l in right if re.search(r"\bNGAY", fold(l.text))), None)
    line = _row(line, right) if line is not None else None
    if line is not None and _doubtful(line):
        issued = _date(page, line)
        if issued is None:
            left_out.append("date")
        if place is None and "," in line.text:
            place = Found(line.text[: line.text.index(",")].strip(), (line,))
    return Blanks(number, place, issued, tuple(left_out))


def _row(line: Line, lines: list[Line]) -> Line:
    """The line with the pieces OCR cut its row into at its blanks ("Số: 4T" and "/STP-VP")."""
    row = sorted((l for l in lines if l.page == line.page
                  and min(l.y1, line.y1) - max(l.y0, line.y0) > 0.5 * min(l.y1 - l.y0, line.y1 - line.y0)), key=lambda l: l.x0)
    if len(row) < 2:
        return line
    return dataclasses.replace(line, x0=row[0].x0, x1=max(l.x1 for l in row), text=" ".join(l.text for l in row))


def _doubtful(line: Line) -> bool:
    """Whether a line's digits need reading again: every line read by OCR. Print OCR reads a hand's "707" as "7027"
    and "19" as "49" with confidence, and no colour tells a hand on a greyscale scan, or a purple, red or black pen on a
    colour one (red team 145: "7027/STP-VP" registered where the clerk had written 707)."""
    return line.source == "ocr"


def _seen(line: Line, digits: str) -> str:
    """Digits the page's OCR read on a line with confidence (LOW_CONFIDENCE), else none."""
    return digits if digits.isdigit() and (line.confidence or 0) >= LOW_CONFIDENCE else ""


def _number(page: PageView, number: Found, row: Line) -> Found | None:
    seen = "" if garbled_notation(number.value) else _seen(number.lines[0], number.value.split("/", 1)[0])
    blank = read_number(page, row, seen)
    after = row.text.split(":", 1)[1] if ":" in row.text else row.text
    slash = _NOTATION.search(after)
    printed = clean_notation(after[slash.start():]) if slash else (blank.symbol if blank else "")
    line = number.lines[0]
    if blank is None or blank.digits.kind not in ("printed", "handwritten"):
        return Found(printed, (dataclasses.replace(line, confidence=None),)) if printed else None  # told apart
    value = blank.digits.text + printed
    via = "handwriting" if blank.digits.kind == "handwritten" else line.source
    return Found(value, (dataclasses.replace(row, text=f"Số: {value}", source=via, confidence=blank.digits.confidence),))


def _date(page: PageView, line: Line) -> Found | None:
    day_month = _DAY_MONTH.search(fold(line.text))
    blanks = read_day_month(page, line, (_seen(line, day_month[1]), _seen(line, day_month[2])) if day_month else ("", ""))
    year = _YEAR.search(fold(line.text))
    if blanks is None or year is None or any(b.kind not in ("printed", "handwritten") for b in blanks):
        return None
    day, month = blanks
    try:
        value = date(int(year[1]), int(month.text), int(day.text)).isoformat()
    except ValueError:  # no such day: a misreading
        return None
    via = "handwriting" if "handwritten" in (day.kind, month.kind) else line.source
    confidence = min(c for c in (day.confidence, month.confidence) if c is not None)
    return Found(value, (dataclasses.replace(line, source=via, confidence=confidence),))
