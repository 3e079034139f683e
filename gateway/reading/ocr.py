"""Tesseract OCR (Vietnamese) of a part of a page, as positioned lines like the text layer's.

PyMuPDF renders the part at the resolution asked; Tesseract (through pytesseract) reads it with
its `vie` data. Tesseract's own text is used, not PyMuPDF's OCR layer, which loses the space after
many accented syllables ("Nơinhận"). Text is normalised to NFC; a few letters Tesseract confuses
with Vietnamese ones are mapped back (the Icelandic Ð for Đ).
"""

from __future__ import annotations

import os
import re
import shutil
from itertools import groupby

import pymupdf
from PIL import Image

from gateway.reading.layout import Line, split_motto
from gateway.vntext import nfc, one_line

# One thread per Tesseract: the gateway runs several documents side by side, and OpenMP's
# spinning threads burn CPU for nothing on a busy machine.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract  # noqa: E402  (reads the environment when it runs Tesseract)

LANGUAGE = "vie"
_FIXES = [(re.compile("[ÐĐ]{2,}"), "Đ"), (re.compile("Ð"), "Đ"), (re.compile("ð"), "đ")]


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese data is missing: scripts/setup installs them."""


def check_tesseract() -> None:
    if shutil.which("tesseract") is None:
        raise OcrUnavailable("tesseract không có trên máy (scripts/setup cài tesseract-ocr và tesseract-ocr-vie)")
    if LANGUAGE not in pytesseract.get_languages(config=""):
        raise OcrUnavailable("thiếu dữ liệu tiếng Việt của tesseract (gói tesseract-ocr-vie)")


def clean_ocr_text(text: str) -> str:
    text = nfc(text)
    for pattern, replacement in _FIXES:
        text = pattern.sub(replacement, text)
    return one_line(text)


def ocr_region(page: pymupdf.Page, page_number: int, clip: pymupdf.Rect, dpi: int, *, seal: bool = True) -> list[Line]:
    """The lines Tesseract reads in `clip` of the page, with their places in PDF points. With `seal`,
    the right half is read through a filter that fades a seal (see page_image)."""
    clip = clip & page.rect
    if clip.is_empty or clip.height < 4:
        return []
    image = page_image(page, clip, dpi, seal=seal)
    data = pytesseract.image_to_data(image, lang=LANGUAGE, config="--psm 3", output_type=pytesseract.Output.DICT)
    scale = clip.width / image.width
    words = [
        (data["block_num"][i], data["par_num"][i], data["line_num"][i], i)
        for i in range(len(data["text"]))
        if data["text"][i].strip() and float(data["conf"][i]) >= 0
    ]
    lines: list[Line] = []
    for _, group in groupby(words, key=lambda w: w[:3]):
        indices = [w[3] for w in group]
        for run in _split_columns(indices, data):
            x0 = min(data["left"][i] for i in run)
            y0 = min(data["top"][i] for i in run)
            x1 = max(data["left"][i] + data["width"][i] for i in run)
            y1 = max(data["top"][i] + data["height"][i] for i in run)
            text = clean_ocr_text(" ".join(data["text"][i] for i in run))
            if not text:
                continue
            line = Line(
                page=page_number, x0=clip.x0 + x0 * scale, y0=clip.y0 + y0 * scale,
                x1=clip.x0 + x1 * scale, y1=clip.y0 + y1 * scale, text=text, bold=False,
                page_width=page.rect.width, page_height=page.rect.height,
                source="ocr", confidence=sum(float(data["conf"][i]) for i in run) / len(run) / 100,
                ink=_ink(image, (x0, y0, x1, y1)),
            )
            lines.extend(split_motto(line))
    lines.sort(key=lambda l: (round(l.y0 / 4), l.x0))
    return lines


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    histogram = image.crop(box).histogram()
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1)
    return sum(histogram[:100]) / area


def ocr_band(page: pymupdf.Page, page_number: int, band: pymupdf.Rect, dpi: int) -> Line | None:
    """One band of ink read as a single line, inside its frame: a stamp such as a boxed "KHẨN"."""
    inset = band + (3, 3, -3, -3)
    if inset.is_empty or inset.width < 8:
        return None
    image = page_image(page, inset, dpi, seal=False)
    data = pytesseract.image_to_data(image, lang=LANGUAGE, config="--psm 7", output_type=pytesseract.Output.DICT)
    words = [i for i in range(len(data["text"])) if data["text"][i].strip() and float(data["conf"][i]) >= 0]
    text = clean_ocr_text(" ".join(data["text"][i] for i in words))
    if not text:
        return None
    return Line(
        page=page_number, x0=band.x0, y0=band.y0, x1=band.x1, y1=band.y1, text=text, bold=False,
        page_width=page.rect.width, page_height=page.rect.height, source="ocr",
        confidence=sum(float(data["conf"][i]) for i in words) / len(words) / 100,
    )


def page_image(page: pymupdf.Page, clip: pymupdf.Rect, dpi: int, *, seal: bool) -> Image.Image:
    """The part of the page as Tesseract should see it: the red channel, where a red seal over the
    signer's title fades out. With `seal`, mid greys on the right half, where the signer and seal
    stand, are lifted towards white too (the grey seal of a greyscale scan). Elsewhere grey levels
    are left alone: the small accented letters of a low-resolution scan need every one of them."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, clip=clip, annots=False, alpha=False)
    red = Image.frombytes("RGB", (pix.width, pix.height), pix.samples).getchannel("R")
    middle = int((page.rect.width * 0.45 - clip.x0) / clip.width * red.width)
    if seal and middle < red.width:
        box = (max(middle, 0), 0, red.width, red.height)
        red.paste(red.crop(box).point(SEAL_LEVELS), box)
    return red


SEAL_LEVELS = [0 if v < 40 else 255 if v > 110 else (v - 40) * 255 // 70 for v in range(256)]


def _split_columns(indices: list[int], data: dict) -> list[list[int]]:
    """Split a Tesseract line where a gap wider than twice the text height separates two columns."""
    heights = sorted(data["height"][i] for i in indices)
    height = max(heights[len(heights) // 2], 1)  # the median: neither a dash's nor a seal ring's height
    runs: list[list[int]] = [[indices[0]]]
    for i in indices[1:]:
        previous = runs[-1][-1]
        gap = data["left"][i] - (data["left"][previous] + data["width"][previous])
        if gap > 2 * height:
            runs.append([i])
        else:
            runs[-1].append(i)
    return runs
