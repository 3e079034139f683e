"""Pages are read for what they show. A scan signed with a visible box (Bắc Giang QĐ 133/2015 Đ15: the
agency's signature at the bottom left of page 1) has a text layer holding only the box's words: it is
read by OCR, through `parse` and through intake, every field of it, its secret mark and its urgency
too. A scanner's invisible text layer is not trusted; a born-digital page printed over a picture is
still read from its text. Real PDFs, CLI, Tesseract and pyHanko: nothing mocked."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

import made_pdfs
from gateway.reading import read_document
from kit import DocumentSpec, render_document, scan, sign_with_stamp
from office_documents import sign_scan
from world import GATEWAY, STP, US, make_world

AGENCY = "Sở Tư pháp tỉnh Bắc Giang"
LEADER = "lanhdao@snv.bacgiang.gov.vn"


def box_scan(province, **spec) -> bytes:  # type: ignore[no-untyped-def]
    """The document printed, scanned in colour at 200 dpi (NĐ 30/2020 Phụ lục I) and signed by Sở Tư
    pháp with a visible box at the bottom left of page 1."""
    pki, signers, _ = province
    return sign_scan(scan(render_document(DocumentSpec(**spec)), 200, grey=False), signers["stp"], pki, agency=AGENCY)


def parse(path: Path) -> dict:  # type: ignore[type-arg]
    done = subprocess.run([*GATEWAY, "parse", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_scan_signed_with_a_visible_box_is_read_by_ocr_every_field(province, tmp_path: Path) -> None:
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(box_scan(province, number="301/STP-VP"))
    with pymupdf.open(path) as doc:
        assert "Ký bởi: Sở Tư pháp tỉnh Bắc Giang" in doc[0].get_text()  # the box's words are its text layer
    out = parse(path)
    assert out["ocr"] is True
    assert out["document"] == {
        "issuer": "SỞ TƯ PHÁP", "issuer_parent": "UBND TỈNH BẮC GIANG", "number": "301/STP-VP", "place": "Bắc Giang",
        "date": "2026-11-20", "type": "Công văn", "summary": "V/v triển khai công tác văn thư năm 2027",
        "urgency": None, "secrecy": None, "signer": "Nguyễn Văn An", "signer_title": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]}
    assert out["recipients"]["paper"] == ["Như trên"]
    assert out["recipients"]["electronic"] == ["Sở Nội vụ", "UBND các huyện, thành phố"]
    assert out["recipients"]["archive"] == "Lưu: VT, VP"
    assert {out["sources"][f]["via"] for f in ("issuer", "number", "date", "recipients")} == {"ocr"}
    assert not any(w.startswith(("issuer-unread", "number-unread", "date-unread", "no-recipient-block"))
                   for w in out["warnings"])


def test_a_box_over_the_recipient_block_hides_no_entry(province, tmp_path: Path) -> None:
    """The box's words lie among the block's lines in the text layer: the block is read from the
    image, entry by entry, and the box's words go into no field."""
    pki, signers, _ = province
    spec = DocumentSpec(number="302/STP-VP")
    printed = render_document(spec)
    with pymupdf.open(stream=printed, filetype="pdf") as doc:
        heading = doc[0].search_for("Nơi nhận")[0]
        height = doc[0].rect.height
    box = (heading.x0, height - heading.y1 - 60, heading.x0 + 200, height - heading.y1)  # over the entries
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(sign_with_stamp(scan(printed, 200), signers["stp"], pki, text="Ky boi: So Tu phap\nBac Giang",
                                     box=box, font_size=9))
    out = parse(path)
    assert out["ocr"] is True and out["document"]["number"] == "302/STP-VP"
    assert out["recipients"]["paper"] == ["Như trên"]
    assert out["recipients"]["electronic"] == ["Sở Nội vụ", "UBND các huyện, thành phố"]
    assert "Ky boi" not in json.dumps(out, ensure_ascii=False)


def test_a_scanners_invisible_text_layer_is_not_trusted(tmp_path: Path) -> None:
    """A scanner's own OCR (render mode 3) says another number and no mark: the page is read again."""
    scanned = scan(render_document(DocumentSpec(number="303/STP-VP", urgency="Khẩn")), 200)
    doc = pymupdf.open(stream=scanned, filetype="pdf")
    page = doc[0]
    page.insert_font(fontname="vn", fontfile="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    for y, text in ((70, "SỞ TƯ PHÁP"), (105, "Số: 999/XYZ"), (300, "Kính gửi các cơ quan, đơn vị trong tỉnh")):
        page.insert_text((95, y), text, fontname="vn", fontsize=11, render_mode=3)
    path = tmp_path / "scan-ocr-layer.pdf"
    path.write_bytes(doc.tobytes())
    assert "999/XYZ" in page.get_text()
    out = parse(path)
    assert out["ocr"] is True
    assert (out["document"]["number"], out["document"]["urgency"]) == ("303/STP-VP", "Khẩn")
    assert "999/XYZ" not in json.dumps(out, ensure_ascii=False)


def test_a_born_digital_page_printed_over_a_picture_is_read_from_its_text() -> None:
    """An image under the whole page (a letterhead, a watermark) is no scan: its text covers it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 566), (250, 246, 232)).save(buffer, format="PNG")
    doc = pymupdf.open(stream=render_document(DocumentSpec(number="304/STP-VP")), filetype="pdf")
    doc[0].insert_image(doc[0].rect, stream=buffer.getvalue(), overlay=False)
    reading = read_document(doc)
    assert reading.ocr is False
    assert (reading.particulars.number, reading.particulars.date) == ("304/STP-VP", "2026-11-20")


@pytest.fixture(scope="module")
def intake(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("box-scans"), pki, signers, stranger)
    mails = {
        "plain": w.mail("plain", attachments=[("cv.pdf", box_scan(province, number="305/STP-VP"))]),
        "secret": w.mail("secret", attachments=[("mat.pdf", box_scan(province, number="306/STP-VP", secrecy="Mật"))]),
        "urgent": w.mail("urgent", attachments=[("khan.pdf", box_scan(province, number="307/STP-VP", urgency="Hỏa tốc"))]),
    }
    outputs = w.ingest(*mails.values())
    return {Path(o["file"]).stem: o for o in outputs}


def test_intake_reads_a_box_signed_scan_and_registers_it(intake) -> None:  # type: ignore[no-untyped-def]
    out = intake["plain"]
    assert out["verdict"] == "accepted" and out["basis"] == "signature" and out["incoming_number"] is not None
    document = out["document"]
    assert (document["issuer"], document["number"], document["date"], document["type"]) == (
        "SỞ TƯ PHÁP", "305/STP-VP", "2026-11-20", "Công văn")
    assert "issuer-unread" not in {r["code"] for r in out["reasons"]}
    assert out["replies"] == [{"kind": "ack", "to": STP}]


def test_intake_refuses_a_secret_box_signed_scan(intake) -> None:  # type: ignore[no-untyped-def]
    out = intake["secret"]
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert {r["code"]: r["severity"] for r in out["reasons"]}["secret-document"] == "error"


def test_intake_alerts_on_an_urgent_box_signed_scan(intake) -> None:  # type: ignore[no-untyped-def]
    out = intake["urgent"]
    assert out["verdict"] == "accepted" and out["document"]["urgency"] == "Hỏa tốc"
    assert {(r["kind"], r["to"]) for r in out["replies"]} == {("ack", STP), ("alert", US["mailbox"]), ("alert", LEADER)}


@pytest.mark.parametrize("number", ["011", "012", "013", "014", "015", "016"])
def test_real_scans_with_a_digital_signature_are_read_as_scans(realpdf: Path, number: str) -> None:
    """The real scans signed by their agency (a box on page 1): every page read by OCR, none taken
    for born-digital for the box's words (the fields' accuracy is bench/reading.py's)."""
    with pymupdf.open(realpdf / f"{number}.pdf") as doc:
        assert doc[0].get_text().strip()  # the box's words
        reading = read_document(doc)
    assert reading.ocr is True
    assert reading.sources["issuer"].via == "ocr"
    assert reading.particulars.issuer is not None


def _one_line_over(drawing: bytes, xobjects: bytes = b"", image: bytes = b"<< >>") -> pymupdf.Document:
    """A page whose picture fills it, drawn as given, under one line of text (a page number, a stamp's words)."""
    content = drawing + b"\nBT /F1 8 Tf 250 30 Td (Trang 1 - So 12/STP-VP ngay 05/01) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> "
               + xobjects + b" >> /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", image,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return pymupdf.open("pdf", made_pdfs.written_out(objects))


@pytest.mark.parametrize("drawn", ["stencil mask", "inline image"])
def test_a_scan_drawn_as_a_stencil_mask_or_inline_is_read_by_ocr(drawn: str) -> None:
    """A 1-bit scan drawn as a stencil mask (/ImageMask: the page's ink in one colour), or as an image
    written inline in the content, with a line of text over it: the page is a scan (read by OCR), not
    the line. (The scan test once missed stencil masks, named otherwise in MuPDF's log: red team.)"""
    from gateway.reading.pages import PageSource

    bits = bytes([0xAA] * 64)
    doc = (_one_line_over(b"q 595 0 0 842 0 0 cm /M Do Q", b"/XObject << /M 5 0 R >>",
                          b"<< /Type /XObject /Subtype /Image /Width 64 /Height 8 /ImageMask true /BitsPerComponent 1"
                          b" /Length %d >>\nstream\n" % len(bits) + bits + b"\nendstream")
           if drawn == "stencil mask" else
           _one_line_over(b"q 595 0 0 842 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x80\x80\x80\x80 EI Q"))
    source = PageSource(doc)
    assert source.scanned(0)
