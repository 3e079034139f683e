"""Documents typed in the Vietnamese fonts of before Unicode: TCVN3 (ABC, the .VnTime family; its
capitals with marks only in the "H" fonts, .VnTimeH) and VNI-Windows (VNI-Times). Their text layer
says Latin-1 letters where the page shows Vietnamese ones; the reader puts them back by the font's
name (vntext/legacy.py). The documents' texts below are typed in those encodings by hand, as the
published conversion tables write them ("Céng hoµ x· héi chñ nghÜa ViÖt Nam" for TCVN3, "Coäng hoøa
xaõ hoäi chuû nghóa Vieät Nam" for VNI), not made by the code under test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from gateway.demo.documents import LEFT, LEFT_COL, RIGHT_COL, TOP, font_file
from gateway.fonts import liberation_serif
from kit import DocumentSpec, render_document
from vntext.legacy import legacy_font, to_unicode
from world import GATEWAY, World

# where the lines of a Công văn of Sở Tư pháp go: (centre x or None for the block's left, baseline y, style, size);
# styles: "body", "bold" (the body's font, bold) and "caps" (capitals, bold)
PLACES = [
    (LEFT_COL, TOP + 12, "caps", 12),
    (LEFT_COL, TOP + 29, "caps", 12),
    (RIGHT_COL, TOP + 12, "caps", 12),
    (RIGHT_COL, TOP + 29, "bold", 13),
    (LEFT_COL, TOP + 70, "body", 12),
    (RIGHT_COL + 5, TOP + 70, "body", 12),
    (LEFT_COL, TOP + 87, "body", 12),
    (None, TOP + 160, "body", 13),
    (None, TOP + 230, "bold", 12),
    (None, TOP + 244, "body", 11),
    (None, TOP + 258, "bold", 11),
    (None, TOP + 272, "body", 11),
    (RIGHT_COL + 20, TOP + 230, "caps", 13),
    (RIGHT_COL + 20, TOP + 247, "caps", 13),
    (RIGHT_COL + 20, TOP + 317, "bold", 13),
]
# the same letter typed in each encoding
TCVN3_TEXT = [
    "UBND TØNH B¾C GIANG",
    "Së T¦ PH¸P",
    "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM",
    "§éc lËp - Tù do - H¹nh phóc",
    "Sè: 125/STP-VP",
    "B¾c Giang, ngµy 20 th¸ng 11 n¨m 2026",
    "V/v triÓn khai ®Ò ¸n sè hãa",
    "Së T\u00ad ph¸p ®Ò nghÞ c¸c c¬ quan phèi hîp triÓn khai ®Ò ¸n.",
    "N¬i nhËn:",
    "- L\u00adu: VT, VP.",
    "B¶n ®iÖn tö:",
    "- Së Néi vô.",
    "KT. GI¸M §èC",
    "PHã GI¸M §èC",
    "NguyÔn V¨n An",
]
VNI_TEXT = [
    "UBND TÆNH BAÉC GIANG",
    "SÔÛ TÖ PHAÙP",
    "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM",
    "Ñoäc laäp - Töï do - Haïnh phuùc",
    "Soá: 125/STP-VP",
    "Baéc Giang, ngaøy 20 thaùng 11 naêm 2026",
    "V/v trieån khai ñeà aùn soá hoùa",
    "Sôû Tö phaùp ñeà nghò caùc cô quan phoái hôïp trieån khai ñeà aùn.",
    "Nôi nhaän:",
    "- Löu: VT, VP.",
    "Baûn ñieän töû:",
    "- Sôû Noäi vuï.",
    "KT. GIAÙM ÑOÁC",
    "PHOÙ GIAÙM ÑOÁC",
    "Nguyeãn Vaên An",
]
READ = {
    "issuer": "SỞ TƯ PHÁP", "issuer_parent": "UBND TỈNH BẮC GIANG", "number": "125/STP-VP", "place": "Bắc Giang",
    "date": "2026-11-20", "type": "Công văn", "summary": "V/v triển khai đề án số hóa", "urgency": None, "secrecy": None,
    "signer": "Nguyễn Văn An", "signer_title": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
}
FONT_FILES = {"body": font_file(False), "bold": font_file(True), "caps": liberation_serif("bold")}


Extra = list[tuple[float, float, str, str, int, tuple[float, float, float]]]  # at x itself, in a colour


def legacy_pdf(texts: list[str], names: dict[str, str], extra: Extra = ()) -> bytes:  # type: ignore[assignment]
    """A born-digital page whose text layer says `texts` as typed at PLACES, each style's font named as `names` says
    (the name a word processor writes into the PDF: ".VnTimeH", "VNI-Times", …)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for style, path in FONT_FILES.items():
        page.insert_font(fontname=style, fontfile=str(path))
    for (centre, y, style, size), text in zip(PLACES, texts, strict=True):
        width = pymupdf.Font(fontfile=str(FONT_FILES[style])).text_length(text, fontsize=size)
        page.insert_text((LEFT - 8 if centre is None else centre - width / 2, y), text, fontname=style, fontsize=size)
    for x, y, text, style, size, colour in extra:
        page.insert_text((x, y), text, fontname=style, fontsize=size, color=colour)
    renamed = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    for xref, _, _, _, resource, _ in renamed[0].get_fonts():
        _rename(renamed, xref, f"ABCDEF+{names[resource]}")
    return renamed.tobytes()


def _rename(doc: pymupdf.Document, xref: int, name: str) -> None:
    """The font's name, as its dictionaries give it (the font, its descendant and their descriptors)."""
    escaped = "/" + "".join(c if c.isalnum() or c in "+-_" else f"#{ord(c):02X}" for c in name)
    fonts = [xref] + [int(ref) for ref in doc.xref_get_key(xref, "DescendantFonts")[1].strip("[]").split()[::3] if ref]
    for font in fonts:
        doc.xref_set_key(font, "BaseFont", escaped)
        kind, descriptor = doc.xref_get_key(font, "FontDescriptor")
        if kind == "xref":
            doc.xref_set_key(int(descriptor.split()[0]), "FontName", escaped)


def parse(path: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([*GATEWAY, "parse", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


TCVN3_NAMES = {"body": ".VnTime", "bold": ".VnTime,Bold", "caps": ".VnTimeH,Bold"}
VNI_NAMES = {"body": "VNI-Times", "bold": "VNI-Times,Bold", "caps": "VNI-Times,Bold"}


@pytest.mark.parametrize(("texts", "names"), [(TCVN3_TEXT, TCVN3_NAMES), (VNI_TEXT, VNI_NAMES)], ids=["tcvn3", "vni"])
def test_a_letter_typed_in_a_font_of_before_unicode_is_read_as_the_page_shows_it(texts, names, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(legacy_pdf(texts, names))
    with pymupdf.open(path) as doc:  # what the text layer says, as any extractor gives it
        spans = [s for b in doc[0].get_text("dict")["blocks"] for line in b["lines"] for s in line["spans"]]
        assert {s["font"] for s in spans} == set(names.values())
        assert all(text in doc[0].get_text() for text in texts)
    out = parse(path)
    assert out["ocr"] is False
    assert out["document"] == READ
    assert out["recipients"]["electronic"] == ["Sở Nội vụ"] and out["recipients"]["archive"] == "Lưu: VT, VP"


def test_a_unicode_font_of_the_same_family_is_read_as_it_is(tmp_path: Path) -> None:
    """Unicode fonts named after the old ones (UVnTime, "VnTimes New Roman") and any other font keep their
    text: "µ" in a Unicode font is µ."""
    assert to_unicode("Độ dày 5 µm; § 3", "TimesNewRomanPSMT") == "Độ dày 5 µm; § 3"
    # red team 28: "VnTimesNewRoman" and "Vni Times" were read as TCVN3 and VNI ("KHÁNH HÒA" read "KHÁNH HềA")
    names = ("UVnTime", "UVnTimeH", "Arial", "ABCDEF+TimesNewRoman", "VnTimesNewRoman", "VnArial", "Vni Times", "vni-times")
    assert [legacy_font(f) for f in names] == [None] * len(names)
    # red team 29: a family whose own name has a hyphen kept its capitals' H only up to it
    capitals = (".VnBook-AntiquaH", ".VnBook-AntiquaH,Bold", ".VnTimeH-BoldItalic", ".VnTimeHBold", ".VnArialH-Regular")
    assert [legacy_font(f) for f in capitals] == ["tcvn3-capitals"] * len(capitals)
    assert [legacy_font(f) for f in (".VnBook-Antiqua", ".VnTime-Bold", ".VnTime,Italic")] == ["tcvn3"] * 3
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="7/STP-VP")), filetype="pdf")
    for xref, *_ in doc[0].get_fonts():
        _rename(doc, xref, "ABCDEF+UVnTimeH")
    path = tmp_path / "unicode.pdf"
    path.write_bytes(doc.tobytes())
    out = parse(path)["document"]
    assert (out["issuer"], out["number"]) == ("SỞ TƯ PHÁP", "7/STP-VP")
    assert out["summary"] == "V/v triển khai công tác văn thư năm 2027"


def test_a_signed_letter_in_tcvn3_is_registered_under_its_number(world: World) -> None:
    """Through intake: Sở Tư pháp's signed letter typed in .VnTime is accepted, its number and summary
    in the register as the page shows them."""
    pdf = world.signed("stp", legacy_pdf(TCVN3_TEXT, TCVN3_NAMES))
    [out] = world.ingest(world.mail("tcvn3", attachments=[("cv.pdf", pdf)]))
    assert (out["verdict"], out["document"]["number"], out["document"]["summary"]) == (
        "accepted", "125/STP-VP", "V/v triển khai đề án số hóa")


@pytest.mark.parametrize("apart", [0.0, 3.0])
def test_a_vni_mark_whose_marks_are_a_span_of_their_own_is_read(tmp_path: Path, apart: float) -> None:
    """Red team 28: VNI writes a letter's marks after it; "MA" and "ÄT" written as two spans (a colour a shade
    apart), or a few points apart, hid the "MẬT" of a secret letter, registered as an ordinary one."""
    caps = pymupdf.Font(fontfile=str(FONT_FILES["caps"]))
    x, y = LEFT_COL - 20, TOP + 110
    split: Extra = [(x, y, "MA", "caps", 13, (0, 0, 0)),
                    (x + caps.text_length("MA", fontsize=13) + apart, y, "ÄT", "caps", 13, (0, 0, 0.02))]
    path = tmp_path / "mat.pdf"
    path.write_bytes(legacy_pdf(VNI_TEXT, VNI_NAMES, split))
    assert parse(path)["document"]["secrecy"] == "Mật"
