"""The font official documents are set in: Times New Roman (NĐ 30/2020 Phụ lục I), here its metric twin
Liberation Serif 2 from Debian's fonts-liberation2 (the 1.x fonts of fonts-liberation have no
Vietnamese letters beyond the basic ones), found where Debian installs it."""

from __future__ import annotations

import functools
from pathlib import Path

import pymupdf

FOLDERS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))
STYLES = {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
          "italic": "LiberationSerif-Italic.ttf", "bold-italic": "LiberationSerif-BoldItalic.ttf"}
VIETNAMESE = "ẠẬẶẸỆỊỌỘỢỤỰỴạậặẹệịọộợụựỵĐđƠơƯư"


class FontMissing(RuntimeError):
    """Liberation Serif with Vietnamese is not installed (scripts/setup installs fonts-liberation2)."""


@functools.cache
def liberation_serif(style: str = "regular") -> Path:
    """The installed Liberation Serif file of this style that writes every Vietnamese letter."""
    for folder in FOLDERS:
        path = folder / STYLES[style]
        if path.is_file() and all(pymupdf.Font(fontfile=str(path)).has_glyph(ord(c)) for c in VIETNAMESE):
            return path
    raise FontMissing(f"{STYLES[style]} with Vietnamese letters not found: install fonts-liberation2 (scripts/setup does)")
