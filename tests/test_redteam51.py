"""Red team 51 (NĐ 30/2020 Phụ lục I; 002 Đ16.7), at stop 35's mark fixes (a stamp in the top margin, a framed stamp
read turned, stamps of a second document): ordinary documents the reader made secret or urgent, and stamps a clerk
sees and it missed; red team 52 at the fixes of those. Each failed before its fix. Left (README, *Limits*): a crooked
stamp level with the right column's words, long marks turned 9° or more, a stamp over the summary or under the date, red
stamps on some grey scans, a stamp's picture with a wide transparent margin."""

from __future__ import annotations

import pymupdf
import pytest

from kit import DocumentSpec, font_file, render_document, scan
from test_redteam50 import RED_INK, particulars, roomy, stamp_picture


def stamped(pdf: bytes, text: str, x_centre: float, y0: float, angle: float = 0.0, colour=RED_INK) -> bytes:  # type: ignore[no-untyped-def]
    png, w, h = stamp_picture(text, colour=colour, angle=angle)
    doc = pymupdf.open(stream=pdf)
    doc[0].insert_image(pymupdf.Rect(x_centre - w / 2, y0, x_centre + w / 2, y0 + h), stream=png)
    return doc.tobytes()


# ---- ordinary documents ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("issuer", ["BỆNH VIỆN RĂNG - HÀM - MẶT", "BỆNH VIỆN CHUYÊN KHOA MẮT"])
@pytest.mark.parametrize("grey", [True, False])
def test_a_hospital_whose_name_ends_on_a_line_of_its_own_is_no_secret(issuer: str, grey: bool) -> None:
    """The name wraps, "MẶT" (face) or "MẮT" (eyes) alone on its last line above the number: read as a stamp in the top
    margin (stop 35's first version took a mark's letters there with the tone marks aside), the letter was secret."""
    pdf = scan(render_document(DocumentSpec(number="31/BV-KHTH", issuer_parent="SỞ Y TẾ TỈNH BẮC GIANG", issuer=issuer)),
               200, grey=grey)
    found = particulars(pdf)
    assert found.secrecy is None and found.urgency is None


def report_with_a_table(doc_type: str = "Báo cáo") -> bytes:
    """A report whose title runs into a narrow ruled table, "MẮT" (eyes) in capitals in a cell (a health report)."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="75/SYT-KHTC", type=doc_type, body=[],
                                                           summary="Danh mục chuyên khoa khám sàng lọc")))
    page = doc[0]
    top = page.search_for("Danh mục chuyên khoa")[0].y1 + 20
    page.add_redact_annot(pymupdf.Rect(0, top, page.rect.width, page.rect.height))
    page.apply_redactions()
    page.insert_font(fontname="vn", fontfile=str(font_file(False)))
    columns, rows = [60, 95, 200], [("STT", "Chuyên khoa"), ("1", "MẮT"), ("2", "NỘI"), ("3", "NHI")]
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            page.insert_text((columns[c] + 4, top + 20 * r + 14), cell, fontname="vn", fontsize=11)
    for k in range(len(rows) + 1):
        page.draw_line((columns[0], top + 20 * k), (columns[-1], top + 20 * k), width=0.6)
    for x in columns:
        page.draw_line((x, top), (x, top + 20 * len(rows)), width=0.6)
    for i in range(8):
        page.insert_text((80, top + 20 * len(rows) + 30 + 18 * i), "Trung tâm Y tế huyện đã tổ chức khám sàng lọc cho "
                         "học sinh các trường tiểu học trên địa bàn.", fontname="vn", fontsize=12)
    return doc.tobytes()


@pytest.mark.parametrize(("doc_type", "grey"), [("Báo cáo", True), ("Báo cáo", False), ("Báo cáo nhanh", True),
                                               ("Danh sách", False)])
def test_a_table_under_a_reports_title_is_no_stamp(doc_type: str, grey: bool) -> None:
    """The table's "MẮT" came out of OCR as a line of the header's left column under the number, read loosely as
    "MẬT": the report was returned as secret. Marks stand in the header, above the title (red team 52: a title no
    type of NĐ 30 names, "BÁO CÁO NHANH", "DANH SÁCH", is one too)."""
    assert particulars(scan(report_with_a_table(doc_type), 200, grey=grey)).secrecy is None


def test_a_framed_summary_read_turned_is_no_urgency() -> None:
    """A letter's summary in a box (a framed band of the left column): read turned as a crooked stamp might be, one
    reading was "KHẢ", loosely "KHẨN". A framed band read turned must spell a mark letter for letter."""
    pdf = render_document(DocumentSpec(number="45/STP-VP", summary=" "))
    doc = pymupdf.open(stream=pdf)
    page = doc[0]
    page.insert_font(fontname="f", fontfile=str(font_file(False)))
    font = pymupdf.Font(fontfile=str(font_file(False)))
    edges = []
    for i, text in enumerate(["V/v hỗ trợ", "xã Mật Sơn"]):
        w = font.text_length(text, fontsize=12)
        page.insert_text((150 - w / 2, 134 + 15 * i), text, fontname="f", fontsize=12)
        edges.append((150 - w / 2, 150 + w / 2))
    page.draw_rect(pymupdf.Rect(min(a for a, _ in edges) - 6, 120, max(b for _, b in edges) + 6, 155), width=1)
    found = particulars(scan(doc.tobytes(), 300, grey=True, seed=2))
    assert found.urgency is None and found.secrecy is None


# ---- stamps missed --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scanned", [None, "grey", "colour"])
def test_khan_and_mat_stamped_side_by_side_are_both_read(scanned: str | None) -> None:
    """"KHẨN" and "MẬT" stamped side by side under the number: their row was one band with ink down both ends, read
    "KHẨN MẬT", no single mark (born-digital: the two pictures one row): the secret letter registered, unalerted."""
    k, m = stamp_picture("KHẨN")[1], stamp_picture("MẬT")[1]
    x0 = 150 - (k + 12 + m) / 2
    pdf = stamped(stamped(roomy("506/STP-VP"), "KHẨN", x0 + k / 2, 142, colour=(0, 0, 0)), "MẬT", x0 + k + 12 + m / 2, 142,
                  colour=(0, 0, 0))
    if scanned:
        pdf = scan(pdf, 200, grey=scanned == "grey")
    found = particulars(pdf)
    assert (found.urgency, found.secrecy) == ("Khẩn", "Mật")


@pytest.mark.parametrize("angle", [4, -6])
def test_a_crooked_stamp_in_the_top_margin_is_read_on_a_scan(angle: float) -> None:
    """Stop 35 read a stamp in the top margin over the issuer's name upright; put on crooked there it was not looked
    for (crooked stamps were looked for under the number only)."""
    pdf = scan(stamped(render_document(DocumentSpec(number="506/STP-VP")), "MẬT", 150, 24, angle), 200)
    assert particulars(pdf).secrecy == "Mật"


@pytest.mark.parametrize("y0", [140, 22])
def test_a_stamp_put_on_as_an_annotation_is_read(y0: float) -> None:
    """A PDF editor's Stamp annotation, the rubber stamp's picture, under the number or in the top margin: every viewer
    shows it, and the page's drawing (what the reader looked at) has none of it."""
    png, w, h = stamp_picture("MẬT")
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="506/STP-VP")))
    doc[0].add_stamp_annot(pymupdf.Rect(150 - w / 2, y0, 150 + w / 2, y0 + h), stamp=png)
    assert particulars(doc.tobytes()).secrecy == "Mật"


# ---- red team 52, at the fixes above -------------------------------------------------------------------------------

@pytest.mark.parametrize(("mark", "x"), [("MẬT", 200), ("KHẨN", 60)])
def test_a_sticky_note_beside_a_stamp_leaves_it_read(mark: str, x: float) -> None:
    """A reviewer's sticky note (a Text annotation) beside the stamp's picture: read with the annotations, the row came
    out "MẬT [=]", no mark. Only a Stamp annotation is a stamp."""
    doc = pymupdf.open(stream=stamped(roomy("506/STP-VP"), mark, 150, 142))
    doc[0].add_text_annot((x, 146), "Đ/c Khánh xem, trình lãnh đạo", icon="Note").update()
    found = particulars(doc.tobytes())
    assert (found.secrecy or found.urgency) == {"MẬT": "Mật", "KHẨN": "Khẩn"}[mark]


@pytest.mark.parametrize("scanned", [False, True])
def test_a_stamp_beside_the_title_is_read(scanned: bool) -> None:
    """A compact header, the stamp put on where there was room: in the left margin beside "QUYẾT ĐỊNH", its top below
    the heading's. No mark was read from the heading's top down."""
    pdf = stamped(render_document(DocumentSpec(number="78/QĐ-STP", type="Quyết định",
                                               summary="Về việc ban hành quy chế bảo vệ bí mật nhà nước")), "MẬT", 80, 168)
    assert particulars(scan(pdf, 200) if scanned else pdf).secrecy == "Mật"


@pytest.mark.parametrize(("mark", "value"), [("MẬT", "Mật"), ("TỐI MẬT", "Tối mật")])
def test_a_top_margin_stamp_with_an_ocr_slip_is_read(mark: str, value: str) -> None:
    """OCR read the stamp in the top margin "MẬT'" or "TÔI MẬT" (a speck beside it, a tone slipped): spelt with every
    tone mark, it was no stamp. Its letters and vowel marks are what tell it from a name's "MẮT"."""
    pdf = scan(stamped(render_document(DocumentSpec(number="506/STP-VP")), mark, 150, 24), 200, seed=2)
    assert particulars(pdf).secrecy == value


@pytest.mark.parametrize(("y0", "colour"), [(142, RED_INK), (142, (0, 0, 0)), (24, RED_INK)])
def test_a_stamp_annotation_on_a_scanned_page_is_read(y0: float, colour) -> None:  # type: ignore[no-untyped-def]
    """A scan stamped in a PDF editor (a Stamp annotation over the page's picture): a scan's page was read as its picture
    alone, the stamp every viewer shows over it left out."""
    png, w, h = stamp_picture("MẬT", colour=colour)
    doc = pymupdf.open(stream=scan(roomy("506/STP-VP"), 200))
    doc[0].add_stamp_annot(pymupdf.Rect(150 - w / 2, y0, 150 + w / 2, y0 + h), stamp=png)
    assert particulars(doc.tobytes()).secrecy == "Mật"
