"""A signature whose widget stamps a number or a date, as an office's system does: only the tests sign so."""

from __future__ import annotations

from io import BytesIO

import pymupdf
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from gateway.demo.documents import DocumentSpec, render_document
from gateway.demo.pki import DemoPki, Identity
from gateway.demo.signing import pdf_signer


def blank_document() -> bytes:
    """A letter whose number, day and month are left blank for the system to fill when signed."""
    return render_document(DocumentSpec(number="              /STP-VP", date=None))


def box_between(pdf: bytes, left: str, right: str) -> tuple[float, float, float, float]:
    """The blank between two printed words, as a signature box (PDF points from the bottom left)."""
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    words = page.get_text("words")
    a = next(w for w in words if w[4] == left)
    b = next(w for w in words if w[4] == right and w[0] > a[2])
    height = page.rect.height
    return a[2] + 3, height - a[3] - 8, b[0] - 1, height - a[1] + 8


def sign_with_stamp(
    pdf: bytes, identity: Identity, pki: DemoPki, *, text: str, box: tuple[float, float, float, float],
    page: int = 0, field_name: str = "Signature1", font_size: float = 13, unicode: bool = False,
) -> bytes:
    """Return the PDF signed by identity with a visible widget that draws only `text` in `box`
    (x0, y0, x1, y1 in PDF points from the bottom left), as an office's system stamps the number or
    the day of a document issued electronically over the blank the text leaves; `unicode`: in an embedded font
    (DejaVu Serif) that writes Vietnamese, as a signing tool's box showing the agency and the time does."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils import text as pdf_text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    from gateway.demo.documents import font_file

    font = {"font": GlyphAccumulatorFactory(str(font_file(False)))} if unicode else {}
    style = stamp.TextStampStyle(
        stamp_text=text, border_width=0, background=None,
        text_box_style=pdf_text.TextBoxStyle(font_size=font_size, **font),
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                                        y_align=layout.AxisAlignment.ALIGN_MID,
                                                        margins=layout.Margins(0, 0, 0, 0)),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES),
        signer=pdf_signer(identity, pki), stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box),
    ).sign_pdf(writer, output=out)
    return out.getvalue()


def archive_timestamp(pdf: bytes, pki: DemoPki, *, tsa: Identity | None = None, field_name: str | None = None) -> bytes:
    """Return the PDF with a document timestamp (/DocTimeStamp) appended, as signing software archives a signed file
    for long-term validation (PAdES B-LTA): `tsa` (the PKI's own by default) stamps the file's hash; `field_name` an
    existing empty signature field to put it in (a new invisible one by default)."""
    from gateway.demo.signing import pki_timestamper

    stamper = pki_timestamper(pki, tsa)
    assert stamper is not None
    out = BytesIO()
    signers.PdfTimeStamper(stamper, field_name=field_name).timestamp_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf), strict=False), "sha256", output=out)
    return out.getvalue()
