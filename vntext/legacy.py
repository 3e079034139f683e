"""Text in the Vietnamese fonts of before Unicode, put back in Unicode by the font's name.

Offices still type in TCVN3 (TCVN 5712:1993, "ABC": the .VnTime family) and VNI-Windows (the VNI-Times
family) where an old computer has them. Such a font draws Vietnamese letters at the places of Latin-1
ones, so a PDF's text layer says "Céng hoµ x· héi" (TCVN3) or "Coäng hoøa xaõ hoäi" (VNI) where the page
shows "Cộng hoà xã hội". The state's bodies moved to Unicode (TCVN 6909:2001, Quyết định
72/2002/QĐ-TTg), but a document typed the old way is still a document. Which table applies is told by
the font's name only, never guessed from the text: "µ" in a Unicode font is "µ". No library on the
package registries does this (checked 2026-12-04); the tables are the standards' own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TypeVar

_T = TypeVar("_T")

# TCVN3: one byte a letter. Its capitals with tone marks exist only in the "H" fonts (.VnTimeH), which draw
# capitals at the places of the small letters: their text is put back in capitals.
_TCVN3_CODES = bytes.fromhex(  # the standard's bytes, as a Latin-1 text layer gives them, in the order of the letters
    "b5b8b6b7b9" "a8bbbebcbdc6" "a9c7cac8c9cb" "ae" "ccd0cecfd1" "aad2d5d3d4d6" "d7ddd8dcde" "dfe3e1e2e4" "abe5e8e6e7e9"
    "aceaedebecee" "eff3f1f2f4" "adf5f8f6f7f9" "fafdfbfcfe" "a1a2a7a3a4a5a6").decode("latin-1")
_TCVN3_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3 = str.maketrans(dict(zip(_TCVN3_CODES, _TCVN3_LETTERS, strict=True)))

# VNI-Windows: a vowel and the character after it that carries its marks ("aù" á, "eä" ệ); ơ, ư, đ, the
# i's and ỵ are one character each. Small letters take the small marks, capitals the capital ones.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = (_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)

def _each(small: str, capital: str, meanings: tuple[_T, ...]) -> dict[tuple[str, str], _T]:
    return {pair: meaning for pair, meaning in zip(zip(small, capital, strict=True), meanings, strict=True)}


_VNI_MARKS: dict[tuple[str, str], tuple[str, ...]] = {  # small, capital: the marks each stands for
    **_each("ùøûõï", "ÙØÛÕÏ", tuple((tone,) for tone in _TONES)),
    **_each("âê", "ÂÊ", ((_CIRCUMFLEX,), (_BREVE,))),
    **_each("áàåãä", "ÁÀÅÃÄ", tuple((_CIRCUMFLEX, tone) for tone in _TONES)),
    **_each("éèúüë", "ÉÈÚÜË", tuple((_BREVE, tone) for tone in _TONES)),
}
_VNI_SINGLE: dict[tuple[str, str], str] = {  # small, capital: the letter
    **_each("ôöñî", "ÔÖÑÎ", ("o" + _HORN, "u" + _HORN, "đ", "y" + _DOT)),
    **_each("íìæóò", "ÍÌÆÓÒ", tuple("i" + tone for tone in _TONES)),
}


def _compose(letters: str, capital: bool) -> str:
    composed = unicodedata.normalize("NFC", letters)
    return composed.upper() if capital else composed


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for case in (0, 1):
        upper = bool(case)
        for pair, letter in _VNI_SINGLE.items():
            table[pair[case]] = _compose(letter, upper)
        for pair, marks in _VNI_MARKS.items():
            allowed = "a" if marks[0] == _BREVE else "aeo" if marks[0] == _CIRCUMFLEX else "aeouy"
            for vowel in allowed:
                table[(vowel.upper() if upper else vowel) + pair[case]] = _compose(vowel + "".join(marks), upper)
            if len(marks) == 1 and marks[0] in _TONES:  # ơ and ư take the tones too ("ôù" ớ)
                for horned in ("ô", "ö"):
                    base = _VNI_SINGLE[(horned, horned.upper())]
                    table[(horned.upper() if upper else horned) + pair[case]] = _compose(base + marks[0], upper)
    return table


_VNI = _vni_table()
_VNI_SEQUENCES = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_VNI_MODIFIERS = "".join(small + capital for small, capital in _VNI_MARKS)
# a space an extractor put between a vowel and its marks (a span of their own, a little apart): no word starts with them
_VNI_APART = re.compile(f"(?<=[aeouyAEOUYôöÔÖ])\\s+(?=[{_VNI_MODIFIERS}])")

# .VnTime, .VnTimeH, .VnArial; _VnTime where a producer replaced the dot. Never without it: Unicode fonts are named
# after these ("VnTimes New Roman", red team 28: read as TCVN3, "KHÁNH HÒA" became "KHÁNH HềA")
_TCVN3_FONT = re.compile(r"[._]Vn[A-Z]")
_VNI_FONT = re.compile(r"VNI-")  # VNI-Times, VNI-Helve, as VNI names them
# a style after the family's name (".VnTimeH,Bold", ".VnTimeH-BoldItalic", ".VnTimeHBold"); a hyphen may be the
# family's own (".VnBook-AntiquaH", red team 29: its H was cut off with what followed the hyphen)
_STYLE = re.compile(r",.*$|(?:-?(?:Bold|Italic|Oblique|Regular|Normal))+$")


@functools.lru_cache(maxsize=256)
def legacy_font(font: str) -> str | None:
    """"tcvn3", "tcvn3-capitals" (an H font) or "vni" when the font is one of theirs; None otherwise."""
    name = font.split("+", 1)[1] if re.match(r"[A-Z]{6}\+", font) else font  # a subset's tag
    if _VNI_FONT.match(name):
        return "vni"
    if _TCVN3_FONT.match(name):
        return "tcvn3-capitals" if _STYLE.sub("", name).endswith("H") else "tcvn3"
    return None


def to_unicode(text: str, font: str) -> str:
    """The text a span of this font says, as the page shows it (unchanged for any other font)."""
    kind = legacy_font(font)
    if kind is None:
        return text
    if kind == "vni":
        return _VNI_SEQUENCES.sub(lambda m: _VNI[m.group(0)], _VNI_APART.sub("", text))
    converted = text.translate(_TCVN3)
    return converted.upper() if kind == "tcvn3-capitals" else converted
