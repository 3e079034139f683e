"""A viewer the gateway does not use: PDFium (Chromium's and Edge's, through pypdfium2) shows what was validated.

The gateway compares MuPDF's reading of a signed file with pyHanko's (gateway/intake/viewer_agreement.py); an office
opens the stored file in a browser. So PDFium draws each page of the whole file and of the revision the first
signature signed: outside the boxes of later signatures they must be the same wherever the gateway says nothing
changed, and every forgery of the attack kit that PDFium shows is one the gateway says was changed."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
import pypdfium2
from PIL import Image, ImageChops, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader

from attacks_kit import appended_unseen, with_objects
from gateway.intake.signatures import SignatureValidator, TrustStore
from kit import DocumentSpec, render_document, sign_pdf, sign_with_stamp

DPI = 50
INK = 40  # grey levels: a pixel that changes less is the renderer's rounding
SUMMARY, PAINTED = "V/v triển khai công tác văn thư năm 2027", "V/v cap kinh phi cho Cong ty ABC"
HOWS = ("no-eof", "far-startxref", "vertical-tab", "twice-in-one-section", "annots-twice", "annots-twice-escaped",
        "pages-twice", "stream-as-page", "annots-renumbered", "root-twice")


def drawn(data: bytes, page: int) -> Image.Image:
    doc = pypdfium2.PdfDocument(data)
    try:
        doc.init_forms()  # as a browser shows them: form fields (signature boxes) drawn
        return doc[page].render(scale=DPI / 72, may_draw_forms=True, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()


def first_signed_end(data: bytes) -> int:
    """The length of the file as its first signature signed it."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    if reader.encrypted:
        reader.decrypt("")
    return min(int(e.byte_range[2]) + int(e.byte_range[3]) for e in reader.embedded_signatures)


def changed_pixels(data: bytes, page: int = 0) -> int:
    """Pixels PDFium draws otherwise on the whole file's page than on the signed revision's, later signatures' boxes aside."""
    end = first_signed_end(data)
    signed, whole = drawn(data[:end], page), drawn(data, page)
    assert signed.size == whole.size
    diff = ImageChops.difference(signed, whole).point(lambda v: 255 if v > INK else 0)
    with pymupdf.open(stream=data[:end], filetype="pdf") as before, pymupdf.open(stream=data, filetype="pdf") as after:
        known = {w.xref for w in before[page].widgets()}
        boxes = [w.rect for w in after[page].widgets() if w.xref not in known]
    scale, paint = DPI / 72, ImageDraw.Draw(diff)
    for box in boxes:
        paint.rectangle([box.x0 * scale - 2, box.y0 * scale - 2, box.x1 * scale + 2, box.y1 * scale + 2], fill=0)
    return diff.histogram()[255]


def test_pdfium_shows_each_real_signed_file_as_its_first_signature_signed_it(realpdf: Path) -> None:
    """The office systems' later signatures and validation data change nothing PDFium draws outside their boxes."""
    signed = [p for p in sorted(realpdf.glob("*.pdf")) if b"/ByteRange" in p.read_bytes()]
    assert signed
    for path in signed:
        data = path.read_bytes()
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            pages = doc.page_count
        assert [changed_pixels(data, page) for page in range(pages)] == [0] * pages, path.name


@pytest.fixture(scope="module")
def signed(province) -> bytes:  # type: ignore[no-untyped-def]
    pki, signers, _ = province
    return sign_pdf(render_document(DocumentSpec(number="12/STP-VP", summary=SUMMARY)), signers["stp"], pki)


@pytest.mark.parametrize("how", HOWS)
def test_every_forgery_pdfium_shows_is_one_the_gateway_calls_changed(province, signed: bytes, how: str) -> None:  # type: ignore[no-untyped-def]
    pki, signers, _ = province
    base = signed
    if how == "annots-renumbered":
        base = sign_pdf(with_objects(render_document(DocumentSpec(number="13/STP-VP", summary=SUMMARY)), 3100),
                        signers["stp"], pki)
    forged = appended_unseen(base, SUMMARY, PAINTED, how=how)
    facts = SignatureValidator(TrustStore([], [])).validate(forged)
    if changed_pixels(forged):
        assert facts and all(f.modified_after for f in facts), how


def test_a_signature_added_after_signing_changes_nothing_outside_its_box(province, signed: bytes) -> None:
    """The check itself: a second signature's box, drawn at the page's foot as an office stamps the day, is set aside;
    the stamp painted over the summary is not."""
    pki, signers, _ = province
    twice = sign_with_stamp(signed, signers["stp"], pki, text="Ngày 20/11/2026", box=(60, 60, 260, 90),
                            field_name="Signature2")
    assert drawn(twice, 0) != drawn(signed, 0) and changed_pixels(twice) == 0
    assert changed_pixels(appended_unseen(signed, SUMMARY, PAINTED, how="annots-twice")) > 0
