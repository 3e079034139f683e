"""Red team 50 (NĐ 30/2020 Phụ lục I; 002 Đ16.7): secrecy and urgency marks a clerk sees on the page and the reader
missed (a secret letter registered from e-mail, an urgent one registered without its alert), and a mark seen where a
clerk sees a table. Each failed before its fix. Left (README, *Limits*): a stamp at the top left above the issuer, drawn or crooked stamps of a second document on page 2, a framed stamp in small letters."""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from gateway.intake.pdf_integrity import open_pdf
from gateway.reading import read_document
from kit import DocumentSpec, render_document, scan

RED_INK = (217, 26, 26)  # a rubber stamp's / a stamp picture's red
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
STP = "vanthu@sotp.bacgiang.gov.vn"


def particulars(pdf: bytes):  # type: ignore[no-untyped-def]
    return read_document(open_pdf(pdf)).particulars


def stamp_picture(text: str, colour=RED_INK, angle: float = 0.0, size_pt: float = 13, dpi: int = 300):  # type: ignore[no-untyped-def]
    """A framed stamp as a PNG (what signing tools paste and what a rubber stamp leaves): its size in points."""
    font = ImageFont.truetype(FONT, int(size_pt * dpi / 72))
    l, t, r, b = font.getbbox(text)
    pad = int(4 * dpi / 72)
    w, h = r - l + 2 * pad, b - t + 2 * pad
    image = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.text((pad - l, pad - t), text, font=font, fill=colour + (255,))
    draw.rectangle([1, 1, w - 2, h - 2], outline=colour + (255,), width=5)
    if angle:
        image = image.rotate(angle, expand=True, resample=Image.BICUBIC)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue(), image.size[0] * 72 / dpi, image.size[1] * 72 / dpi


def with_picture(pdf: bytes, text: str, *, x_centre: float = 150, y0: float = 138, **kw) -> bytes:  # type: ignore[no-untyped-def]
    png, w, h = stamp_picture(text, **kw)
    doc = pymupdf.open(stream=pdf)
    doc[0].insert_image(pymupdf.Rect(x_centre - w / 2, y0, x_centre + w / 2, y0 + h), stream=png)
    return doc.tobytes()


def roomy(number: str) -> bytes:
    """A letter with the room under its number that two stamps take (what a clerk leaves for the rubber stamps),
    nothing written there."""
    return render_document(DocumentSpec(number=number, secrecy="Mật", urgency="Khẩn", marks_colour=(1, 1, 1),
                                        marks_framed=False))


# ---- born-digital: the text layer ---------------------------------------------------------------------------------

def test_hoa_toc_typed_with_the_old_tone_placement_is_urgent() -> None:
    """"HOẢ TỐC" (tone on the A: Unikey/Word's old-style placement, common in offices' templates) is the same word as
    "HỎA TỐC"; read from the text layer it must match letter for letter as NĐ 30 spells it, and the urgent letter
    was registered without its alert. (Real: many offices type "Hoả tốc".)"""
    assert particulars(render_document(DocumentSpec(number="501/STP-VP", urgency="Hoả tốc"))).urgency == "Hỏa tốc"


def test_hoa_toc_hen_gio_is_urgent() -> None:
    """"HỎA TỐC HẸN GIỜ" (the most urgent stamp of the older rules, still on offices' stamps) is read as no mark
    at all: the urgent letter is registered with no alert."""
    assert particulars(render_document(DocumentSpec(number="502/STP-VP", urgency="Hỏa tốc hẹn giờ"))).urgency is not None


@pytest.mark.parametrize(("typed", "mark"), [("M Ậ T", "Mật"), ("T Ố I   M Ậ T", "Tối mật"), ("K H Ẩ N", "Khẩn"),
                                             ("H O Ả  T Ố C", "Hỏa tốc"), ("M Ắ T", None), ("M Ậ T K H Ẩ U", None)])
def test_a_mark_typed_letter_spaced_is_read_letter_for_letter(typed: str, mark: str | None) -> None:
    """"M Ậ T" typed with a space between its letters (as a template spreads a heading) was no mark: the text layer's
    words are its letters, and the secret letter was registered. Spelt letter for letter: "M Ắ T" (eyes) stays none."""
    found = particulars(render_document(DocumentSpec(number="504/STP-VP", secrecy=typed)))
    assert (found.secrecy or found.urgency) == mark


@pytest.mark.parametrize("text", ["MẬT", "TỐI MẬT", "KHẨN"])
def test_a_red_stamp_picture_on_a_born_digital_page_is_read(text: str) -> None:
    """A red framed stamp pasted in as a picture under the number (as signing tools place stamp images) is read in
    the red channel, where red ink vanishes: the secret letter is registered, the urgent one not alerted. The same
    stamp in black is read (test_reading_forgeries)."""
    found = particulars(with_picture(render_document(DocumentSpec(number="505/STP-VP")), text))
    assert (found.secrecy or found.urgency) == {"MẬT": "Mật", "TỐI MẬT": "Tối mật", "KHẨN": "Khẩn"}[text]


# ---- scans ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("angle", "grey", "colour"), [(3, False, RED_INK), (-5, False, RED_INK), (6, False, RED_INK),
                                                      (3, True, (0, 0, 0)), (3, False, (0, 0, 0)), (7, True, RED_INK)])
def test_a_rubber_stamp_put_on_crooked_on_a_scan_is_read(angle: float, grey: bool, colour) -> None:  # type: ignore[no-untyped-def]
    """A red "MẬT" rubber stamp put on by hand a few degrees off, the page scanned in colour at 200 dpi (the office's
    everyday scan): crooked stamps were read turned back, but not in red ink. At 3° (stop 35) the stamp's frame is
    still found upright and the band was left to the flow, which read it as nothing; at 7° on a grey scan it broke
    into bands lower than a stamp, none read."""
    pdf = scan(with_picture(roomy("506/STP-VP"), "MẬT", y0=142, angle=angle, colour=colour), 200, grey=grey)
    assert particulars(pdf).secrecy == "Mật"


@pytest.mark.parametrize("colour", [RED_INK, (0, 0, 0)])
@pytest.mark.parametrize("scanned", [None, "grey", "colour"])
def test_a_stamp_in_the_top_margin_over_the_issuer_is_read(colour, scanned: str | None) -> None:  # type: ignore[no-untyped-def]
    """NĐ 30/2020 puts the secrecy stamp under the number; a clerk who stamps the paper in its top margin, over the
    issuer's name, marks it as surely: the reader looked under the number only, and the secret letter was registered
    (born-digital, its stamp a picture; scanned)."""
    pdf = with_picture(render_document(DocumentSpec(number="506/STP-VP")), "MẬT", y0=24, colour=colour)
    if scanned:
        pdf = scan(pdf, 200, grey=scanned == "grey")
    assert particulars(pdf).secrecy == "Mật"


@pytest.mark.parametrize("angle", [3, -6])
def test_a_stamp_picture_pasted_in_crooked_is_read(angle: float) -> None:
    """A rubber stamp's picture pasted in a few degrees off under the number of a born-digital letter: read upright, it
    was letters of nothing, and the secret letter was registered."""
    assert particulars(with_picture(roomy("511/STP-VP"), "MẬT", y0=142, angle=angle)).secrecy == "Mật"


def behind_a_cover_letter(second: bytes, angle: float, colour) -> bytes:  # type: ignore[no-untyped-def]
    """A cover letter and, on page 2, the document it sends, a "MẬT" stamp's picture under that one's number."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="512/STP-VP")))
    doc.insert_pdf(pymupdf.open(stream=second))
    png, w, h = stamp_picture("MẬT", angle=angle, colour=colour)
    doc[1].insert_image(pymupdf.Rect(150 - w / 2, 142, 150 + w / 2, 142 + h), stream=png)
    return doc.tobytes()


@pytest.mark.parametrize(("angle", "colour"), [(0, RED_INK), (6, RED_INK), (-6, (0, 0, 0))])
@pytest.mark.parametrize("scanned", [None, "grey", "colour"])
def test_a_stamp_heading_the_second_document_on_page_2_is_read(angle: float, colour, scanned: str | None) -> None:  # type: ignore[no-untyped-def]
    """002 Đ16.7: secret anywhere is secret. The second document's stamp, a picture on a born-digital page 2 or a
    rubber stamp put on 6° off on a scan, was not read (only page 1 had its drawing and its crooked stamps read)."""
    pdf = behind_a_cover_letter(roomy("78/QĐ-STP"), angle, colour)
    if scanned:
        pdf = scan(pdf, 200, grey=scanned == "grey")
    assert particulars(pdf).secrecy == "Mật"


def test_hoa_toc_hen_gio_on_a_scan_is_urgent() -> None:
    pdf = scan(with_picture(roomy("507/STP-VP"), "HỎA TỐC HẸN GIỜ", y0=142, colour=(0, 0, 0)), 200)
    assert particulars(pdf).urgency is not None


# ---- through intake -----------------------------------------------------------------------------------------------

def test_a_red_stamp_picture_secret_letter_is_refused_and_nothing_kept(world) -> None:  # type: ignore[no-untyped-def]
    pdf = world.signed("stp", with_picture(render_document(DocumentSpec(number="508/STP-VP")), "MẬT"))
    [out] = world.ingest(world.mail("red-picture", attachments=[("cv.pdf", pdf)]))
    assert "secret-document" in {r["code"] for r in out["reasons"]} and out["incoming_number"] is None, out


def test_a_letter_spaced_secret_letter_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    pdf = world.signed("stp", render_document(DocumentSpec(number="503/STP-VP", secrecy="M Ậ T")))
    [out] = world.ingest(world.mail("spaced", attachments=[("cv.pdf", pdf)]))
    assert "secret-document" in {r["code"] for r in out["reasons"]} and out["incoming_number"] is None, out


def test_an_old_style_hoa_toc_letter_alerts_the_clerk_and_leaders(world) -> None:  # type: ignore[no-untyped-def]
    pdf = world.signed("stp", render_document(DocumentSpec(number="509/STP-VP", urgency="Hoả tốc")))
    [out] = world.ingest(world.mail("hoa-toc", attachments=[("cv.pdf", pdf)]))
    assert out["incoming_number"] is not None
    assert any(r["kind"] == "alert" for r in out["replies"]), out["replies"]


REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"


def report_with_statistics_annex() -> bytes:
    """An ordinary Báo cáo on the protection of state secrets (sent every year, not itself secret), its annex page a
    table counting documents by their degree of secrecy, the degrees written in capitals in their cells."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="610/BC-STP", type="Báo cáo",
                                                           summary="Công tác bảo vệ bí mật nhà nước năm 2026")))
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="r", fontfile=REGULAR)
    page.insert_font(fontname="b", fontfile=BOLD)
    page.insert_text((250, 60), "Phụ lục", fontname="b", fontsize=13)
    page.insert_text((110, 80), "THỐNG KÊ TÀI LIỆU, VẬT CHỨA BÍ MẬT NHÀ NƯỚC NĂM 2026", fontname="b", fontsize=12)
    page.insert_text((200, 96), "(Kèm theo Báo cáo số 610/BC-STP ngày 20/11/2026)", fontname="r", fontsize=11)
    cols, y = [80, 120, 250, 380, 545], 115
    rows = [("STT", "Độ mật", "Tiếp nhận", "Phát hành"), ("1", "TUYỆT MẬT", "0", "0"), ("2", "TỐI MẬT", "3", "1"),
            ("3", "MẬT", "12", "7")]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            page.draw_rect(pymupdf.Rect(cols[c], y, cols[c + 1], y + 22), width=0.7)
            page.insert_text((cols[c] + 6, y + 16), cell, fontname="b" if r == 0 else "r", fontsize=12)
        y += 22
    return doc.tobytes()


def test_a_table_cell_naming_a_degree_of_secrecy_is_no_secrecy_mark() -> None:
    """False positive: a cell "TUYỆT MẬT" at the head of page 2 is read as the secrecy mark of a document bound
    behind, and the ordinary report is refused as secret (a clerk sees a statistics table, no stamp)."""
    assert particulars(report_with_statistics_annex()).secrecy is None


def test_an_ordinary_report_with_a_statistics_annex_is_registered(world) -> None:  # type: ignore[no-untyped-def]
    [out] = world.ingest(world.mail("thong-ke", attachments=[("bc.pdf", world.signed("stp", report_with_statistics_annex()))]))
    assert "secret-document" not in {r["code"] for r in out["reasons"]} and out["incoming_number"] is not None, out
