"""Sign PDFs with pyHanko for the tests and the demo (PAdES, optional RFC 3161 timestamp)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from gateway.testkit.pki import Identity, TestPki


def _asn1_cert(identity: Identity):  # type: ignore[no-untyped-def]
    from asn1crypto import pem, x509 as asn1_x509

    _, _, der = pem.unarmor(identity.cert_pem)
    return asn1_x509.Certificate.load(der)


def _signer(identity: Identity, pki: TestPki) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=_asn1_cert(identity),
        signing_key=load_private_key_from_pemder_data(identity.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(pki.intermediate), _asn1_cert(pki.root)]),
    )


def sign_pdf(
    pdf: bytes,
    identity: Identity,
    pki: TestPki,
    *,
    field_name: str = "Signature1",
    timestamp_at: datetime | None = None,
) -> bytes:
    """Return the PDF with one more signature by identity (an incremental update)."""
    timestamper = None
    if timestamp_at is not None and pki.tsa is not None:
        timestamper = timestamps.DummyTimeStamper(
            tsa_cert=_asn1_cert(pki.tsa),
            tsa_key=load_private_key_from_pemder_data(pki.tsa.key_pem, passphrase=None),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(pki.intermediate)]),
            fixed_dt=timestamp_at,
        )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES),
        signer=_signer(identity, pki),
        timestamper=timestamper,
        output=out,
    )
    return out.getvalue()



def sign_with_stamp(
    pdf: bytes, identity: Identity, pki: TestPki, *, text: str, box: tuple[float, float, float, float],
    page: int = 0, field_name: str = "Signature1", font_size: float = 13,
) -> bytes:
    """Return the PDF signed by identity with a visible widget that draws only `text` in `box`
    (x0, y0, x1, y1 in PDF points from the bottom left), as an office's system stamps the number or
    the day of a document issued electronically over the blank the text leaves."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import layout, text as pdf_text

    style = stamp.TextStampStyle(
        stamp_text=text, border_width=0, background=None,
        text_box_style=pdf_text.TextBoxStyle(font_size=font_size),
        inner_content_layout=layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                                        y_align=layout.AxisAlignment.ALIGN_MID,
                                                        margins=layout.Margins(0, 0, 0, 0)),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES),
        signer=_signer(identity, pki), stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box),
    ).sign_pdf(writer, output=out)
    return out.getvalue()
