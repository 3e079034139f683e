"""Tesseract OCR (Vietnamese) of a part of a page, as positioned lines like the text layer's.

PyMuPDF renders the part at the resolution asked; Tesseract reads it through its API (tesserocr),
in this process, its `vie` model loaded once per process: starting a `tesseract` program per region
cost 60 ms each, a third of a scan's reading. Tesseract's own text is used, not PyMuPDF's OCR layer,
which loses the space after many accented syllables ("Nơinhận"). Text is normalised to NFC; a few
letters Tesseract confuses with Vietnamese ones are mapped back (the Icelandic Ð for Đ).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import pymupdf
from PIL import Image

from gateway.reading.layout import split_motto
from gateway.reading.lines import Line
from gateway.reading.straight import PageView
from vntext import nfc, one_line

# One thread per Tesseract: the gateway reads several documents side by side, and OpenMP's
# spinning threads burn CPU for nothing on a busy machine. Read by the library when it loads.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LANGUAGE = "vie"
TESSDATA_DIRS = [Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tesseract-ocr/4.00/tessdata"),
                 Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
# letters Vietnamese has not, which Tesseract's vie data holds: Icelandic Ð for Đ; Spanish Ñ for N (beside an N,
# a doubled reading of it: "NÑQ-CP" for "NQ-CP", "Bắc Ñinh" for "Bắc Ninh")
_FIXES = [(re.compile("[ÐĐ]{2,}"), "Đ"), (re.compile("Ð"), "Đ"), (re.compile("ð"), "đ"),
          (re.compile("NÑ|ÑN"), "N"), (re.compile("Ñ"), "N"), (re.compile("ñ"), "n")]


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese data is missing: scripts/setup installs them."""


def tessdata_dir() -> Path:
    """Where Tesseract's `vie` data is: $TESSDATA_PREFIX if set, else Debian's places."""
    explicit = os.environ.get("TESSDATA_PREFIX")
    for directory in [Path(explicit)] if explicit else TESSDATA_DIRS:
        if (directory / f"{LANGUAGE}.traineddata").is_file():
            return directory
    raise OcrUnavailable("thiếu dữ liệu tiếng Việt của Tesseract (gói tesseract-ocr-vie; scripts/setup cài)")


def check_tesseract() -> None:
    _api()


_API = None


def _api() -> Any:  # a tesserocr.PyTessBaseAPI (tesserocr has no types)
    """The process's Tesseract, created on first use."""
    global _API
    if _API is None:
        try:
            import tesserocr
        except ImportError as exc:  # the wheel could not be installed on this platform
            raise OcrUnavailable(f"không nạp được Tesseract (tesserocr): {exc}") from None
        _API = tesserocr.PyTessBaseAPI(path=str(tessdata_dir()), lang=LANGUAGE)
        # no learning from one image for the next: a document reads the same whatever a worker read before
        _API.SetVariable("classify_enable_learning", "0")
    return _API


@dataclass(frozen=True)
class _Word:
    text: str
    confidence: float  # 0..100
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
    line: int  # which Tesseract text line it belongs to

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def _read_words(image: Image.Image, single_line: bool) -> list[_Word]:
    from tesserocr import PSM, RIL

    api = _api()
    api.SetPageSegMode(PSM.SINGLE_LINE if single_line else PSM.AUTO)
    api.SetImage(image)
    api.Recognize()
    words: list[_Word] = []
    iterator = api.GetIterator()
    line = 0
    while iterator is not None and not iterator.Empty(RIL.WORD):
        if iterator.IsAtBeginningOf(RIL.TEXTLINE):
            line += 1
        text = iterator.GetUTF8Text(RIL.WORD) or ""
        box = iterator.BoundingBox(RIL.WORD)
        if text.strip() and box is not None:
            words.append(_Word(text, iterator.Confidence(RIL.WORD), tuple(box), line))
        if not iterator.Next(RIL.WORD):
            break
    api.Clear()
    return words


def clean_ocr_text(text: str) -> str:
    text = nfc(text)
    for pattern, replacement in _FIXES:
        text = pattern.sub(replacement, text)
    return one_line(text)


def ocr_region(page: PageView, page_number: int, clip: pymupdf.Rect, dpi: int, *, seal: bool = True,
               blank: list[pymupdf.Rect] | None = None) -> list[Line]:
    """The lines Tesseract reads in `clip` of the page, with their places in PDF points (in the view's
    frame). With `seal`, the right half is read through a filter that fades a seal (see page_image)."""
    clip = clip & page.rect
    if clip.is_empty or clip.height < 4:
        return []
    image = page_image(page, clip, dpi, seal=seal)
    scale = clip.width / image.width
    for rect in blank or []:  # parts read on their own (stamps)
        image.paste(255, (int((rect.x0 - clip.x0) / scale) - 2, int((rect.y0 - clip.y0) / scale) - 2,
                          int((rect.x1 - clip.x0) / scale) + 2, int((rect.y1 - clip.y0) / scale) + 2))
    lines: list[Line] = []
    for _, group in groupby(_read_words(image, single_line=False), key=lambda w: w.line):
        for run in _split_columns(list(group)):
            x0, y0 = min(w.box[0] for w in run), min(w.box[1] for w in run)
            x1, y1 = max(w.box[2] for w in run), max(w.box[3] for w in run)
            text = clean_ocr_text(" ".join(w.text for w in run))
            if not text:
                continue
            line = Line(
                page=page_number, x0=clip.x0 + x0 * scale, y0=clip.y0 + y0 * scale,
                x1=clip.x0 + x1 * scale, y1=clip.y0 + y1 * scale, text=text, bold=False,
                page_width=page.rect.width, page_height=page.rect.height,
                source="ocr", confidence=sum(w.confidence for w in run) / len(run) / 100,
                ink=_ink(image, (x0, y0, x1, y1)),
            )
            lines.extend(split_motto(line))
    lines.sort(key=lambda l: (round(l.y0 / 4), l.x0))
    return lines


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    histogram = image.crop(box).histogram()
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1)
    return sum(histogram[:100]) / area


BAND_RETRY_BELOW = 0.6  # a stamp read less surely than this is read again, smaller
BAND_PIXELS = 45  # the height a stamp's band is drawn at then: its capitals about 30 pixels high


def ocr_band(page: PageView, page_number: int, band: pymupdf.Rect, dpi: int, *, red_ink: bool = False) -> Line | None:
    """One band of ink read as a single line, its frame taken away: a stamp such as a boxed "KHẨN".
    Read at 300 dpi at least (Tesseract misses a lone word smaller); a lone bold word that large it
    may miss too ("KHẨN" read "+"), so an unsure reading is tried again with the capitals at the
    height Tesseract reads best, and the surer of the two kept. `red_ink`: a stamp in red, read in the
    green channel (the red one, where a seal fades, shows nothing of it)."""
    area = band + (-2, -2, 2, 2)
    if area.width < 8:
        return None
    line = _band_line(page, page_number, band, area, max(dpi, 300), red_ink)
    if line is None or (line.confidence or 0) < BAND_RETRY_BELOW:
        smaller = _band_line(page, page_number, band, area, round(BAND_PIXELS * 72 / area.height), red_ink)
        if smaller is not None and (line is None or (smaller.confidence or 0) > (line.confidence or 0)):
            line = smaller
    return line


TURNS = (-4.0, 4.0, -8.0, 8.0, -12.0, 12.0)  # degrees a rubber stamp put on by hand is turned, tried in this order


def ocr_turned(page: PageView, page_number: int, band: pymupdf.Rect, dpi: int, *, red_ink: bool = False) -> Iterator[Line]:
    """A band that may be a stamp put on crooked, read as a single line turned back by each of TURNS
    (turned level, its frame lies along the rows and columns and is taken away): the readings one by
    one, for the caller to stop at the one that reads as what it looks for."""
    area = band + (-4, -4, 4, 4)  # a turned frame's corners stand out of the band found at 60 dpi
    if area.width < 8:
        return
    for turn in TURNS:
        for resolution in (round(BAND_PIXELS * 72 / area.height), max(dpi, 300)):  # the capitals' best height first
            if (line := _band_line(page, page_number, band, area, resolution, red_ink, turn)) is not None:
                yield line


def _band_line(page: PageView, page_number: int, band: pymupdf.Rect, area: pymupdf.Rect, dpi: int,
               red_ink: bool, turn: float = 0.0) -> Line | None:
    image = page.render(area, dpi).getchannel("G") if red_ink else page_image(page, area, dpi, seal=False)
    if turn:  # turned level, and cut to its ink: its frame then runs along whole rows and columns
        image = image.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        x0, y0, x1, y1 = image.point(lambda v: 255 if v < 128 else 0).getbbox() or (0, 0, image.width, image.height)
        inside = max(4, round(dpi / 40))  # a stamp's frame (1-1.5 pt) and its blur: what lies outside its letters
        image = image.crop((x0 + inside, y0 + inside, max(x1 - inside, x0 + inside + 1), max(y1 - inside, y0 + inside + 1)))
    image = _without_frame(image)
    words = _read_words(image, single_line=True)
    text = clean_ocr_text(" ".join(w.text for w in words))
    if not text:
        return None
    return Line(
        page=page_number, x0=band.x0, y0=band.y0, x1=band.x1, y1=band.y1, text=text, bold=False,
        page_width=page.rect.width, page_height=page.rect.height, source="ocr",
        confidence=sum(w.confidence for w in words) / len(words) / 100,
    )


def _without_frame(image: Image.Image) -> Image.Image:
    """The image with the rows and columns that are mostly ink (a stamp's frame) whitened, and a
    white margin around it, as Tesseract reads best."""
    ink = image.point(lambda v: 255 if v < 128 else 0)
    rows = ink.resize((1, ink.height), Image.Resampling.BOX).tobytes()
    columns = ink.resize((ink.width, 1), Image.Resampling.BOX).tobytes()
    clean = image.copy()
    for y, value in enumerate(rows):
        if value > 190:  # three quarters of the width: a frame's side, not a letter's bar
            clean.paste(255, (0, max(y - 2, 0), clean.width, min(y + 3, clean.height)))
    for x, value in enumerate(columns):
        if value > 205:  # four fifths of the height: a frame's side, not a letter's stem
            clean.paste(255, (max(x - 2, 0), 0, min(x + 3, clean.width), clean.height))
    framed = Image.new("L", (clean.width + 40, clean.height + 40), 255)
    framed.paste(clean.point(lambda v: 255 if v > 170 else v), (20, 20))  # the frame's grey fringe too
    return framed


def page_image(page: PageView, clip: pymupdf.Rect, dpi: int, *, seal: bool) -> Image.Image:
    """The part of the page as Tesseract should see it: the red channel, where a red seal over the
    signer's title fades out. With `seal`, mid greys on the right half, where the signer and seal
    stand, are lifted towards white too (the grey seal of a greyscale scan). Elsewhere grey levels
    are left alone: the small accented letters of a low-resolution scan need every one of them."""
    return page.render(clip, dpi, red=True, lift=(page.rect.width * 0.45, SEAL_LEVELS) if seal else None)


SEAL_LEVELS = [0 if v < 40 else 255 if v > 110 else (v - 40) * 255 // 70 for v in range(256)]


def _split_columns(words: list[_Word]) -> list[list[_Word]]:
    """Split a Tesseract line where a gap wider than twice the text height separates two columns."""
    heights = sorted(w.height for w in words)
    height = max(heights[len(heights) // 2], 1)  # the median: neither a dash's nor a seal ring's height
    runs: list[list[_Word]] = [[words[0]]]
    for word in words[1:]:
        if word.box[0] - runs[-1][-1].box[2] > 2 * height:
            runs.append([word])
        else:
            runs[-1].append(word)
    return runs
