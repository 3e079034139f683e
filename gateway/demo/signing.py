"""Sign PDFs with pyHanko for the demo, and the tests through tests/kit (PAdES, optional RFC 3161 timestamp)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko_certvalidator.registry import SimpleCertificateStore

from gateway.demo.pki import DemoPki, Identity, PrivateKey


def _asn1_cert(identity: Identity) -> Any:  # an asn1crypto x509.Certificate (asn1crypto has no types)
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    _, _, der = pem.unarmor(identity.cert_pem)
    return asn1_x509.Certificate.load(der)


def _asn1_key(key: PrivateKey) -> Any:  # an asn1crypto PrivateKeyInfo, parsed lazily (no key checks)
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


class InMemorySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, signing with the key object the demo made rather than loading it again
    from DER at each signature (cryptography checks an RSA key as it loads it: ~37 ms, three times a
    signature, most of what signing cost the demo and the tests). Same signature bytes."""

    def __init__(self, identity: Identity, pki: DemoPki, chain: list[Identity] | None = None) -> None:
        super().__init__(
            signing_cert=_asn1_cert(identity),
            signing_key=_asn1_key(identity.key),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain or [pki.intermediate, pki.root]]),
        )
        self.key = identity.key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(data, ec.ECDSA(hash_algorithm))
        return bytes(super().sign_raw(data, digest_algorithm))  # any other mechanism as pyHanko does it


def pki_timestamper(pki: DemoPki, tsa: Identity | None = None, *, at: datetime | None = None) -> timestamps.TimeStamper | None:
    """A time stamping authority of the PKI (its own by default, under its intermediate), at `at` (now by default)."""
    tsa = tsa or pki.tsa
    if tsa is None:
        return None
    return timestamps.DummyTimeStamper(
        tsa_cert=_asn1_cert(tsa),
        tsa_key=_asn1_key(tsa.key),
        certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(pki.intermediate)]),
        fixed_dt=at,
    )


def pdf_signer(identity: Identity, pki: DemoPki) -> signers.SimpleSigner:
    return InMemorySigner(identity, pki)


def sign_pdf(
    pdf: bytes,
    identity: Identity,
    pki: DemoPki,
    *,
    field_name: str = "Signature1",
    timestamp_at: datetime | None = None,
    tsa: Identity | None = None,
    chain: list[Identity] | None = None,
) -> bytes:
    """Return the PDF with one more signature by identity (an incremental update), timestamped at `timestamp_at` by
    `tsa` (the PKI's own by default, under its intermediate), the CAs of `chain` (the intermediate and the root by
    default) embedded."""
    timestamper = pki_timestamper(pki, tsa, at=timestamp_at) if timestamp_at is not None else None
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    out = BytesIO()
    signers.sign_pdf(
        writer,
        signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES),
        signer=InMemorySigner(identity, pki, chain),
        timestamper=timestamper,
        output=out,
    )
    return out.getvalue()
