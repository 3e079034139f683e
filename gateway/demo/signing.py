"""Sign PDFs with pyHanko for the demo, and the tests through tests/kit (PAdES, optional RFC 3161 timestamp)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from pyhanko.keys import load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from gateway.demo.pki import DemoPki, Identity


def _asn1_cert(identity: Identity) -> Any:  # an asn1crypto x509.Certificate (asn1crypto has no types)
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    _, _, der = pem.unarmor(identity.cert_pem)
    return asn1_x509.Certificate.load(der)


def pdf_signer(identity: Identity, pki: DemoPki) -> signers.SimpleSigner:
    return signers.SimpleSigner(
        signing_cert=_asn1_cert(identity),
        signing_key=load_private_key_from_pemder_data(identity.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(pki.intermediate), _asn1_cert(pki.root)]),
    )


def sign_pdf(
    pdf: bytes,
    identity: Identity,
    pki: DemoPki,
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
        signer=pdf_signer(identity, pki),
        timestamper=timestamper,
        output=out,
    )
    return out.getvalue()
