"""A certificate revoked after a trusted timestamp proves the document signed still signs it only when nothing of the
chain was lost to another hand (NĐ 130/2018 Đ9.1; red team 7, 2026-12-04). Each mail comes from a forger who proves
nothing (`auth=None`), so the document is registered on its signature or not at all; each is run through `ingest`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ReasonFlags
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from gateway.demo.pki import DemoPki, Identity
from gateway.demo.signing import _asn1_cert as asn1_certificate, _asn1_key as asn1_key
from world import World, build_pki, make_world

NOW = datetime.now(timezone.utc)
FORGER = "ai.do@gmail-la.example"
ORGANISATION = "Ban Cơ yếu Chính phủ (thử nghiệm)"


def authority(name: str, issuer: Identity, *, time_stamping: bool = False) -> Identity:
    """A sub-CA under `issuer`, or (time_stamping) a time-stamping authority's certificate with no CRL distribution point,
    as the demo's own: pyHanko in soft-fail then never looks it up in the configured lists."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name),
                                        x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, ORGANISATION)]))
               .issuer_name(issuer.cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - timedelta(days=900)).not_valid_after(NOW + timedelta(days=900))
               .add_extension(x509.BasicConstraints(ca=not time_stamping, path_length=None), critical=True))
    if time_stamping:
        builder = (builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                   .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True))
    else:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    return Identity(name, builder.sign(issuer.key, hashes.SHA256()), key)


def revocations(issuer: Identity, entries: list[tuple[Identity, int, ReasonFlags, int | None]]) -> bytes:
    """`issuer`'s CRL: each (who, revoked so many days ago, why, not to be trusted from so many days ago)."""
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.cert.subject)
               .last_update(NOW - timedelta(hours=1)).next_update(NOW + timedelta(days=7)))
    for who, days, reason, invalid_days in entries:
        entry = (x509.RevokedCertificateBuilder().serial_number(who.cert.serial_number)
                 .revocation_date(NOW - timedelta(days=days)).add_extension(x509.CRLReason(reason), critical=False))
        if invalid_days is not None:
            entry = entry.add_extension(x509.InvalidityDate(NOW - timedelta(days=invalid_days)), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def signed(pdf: bytes, who: Identity, chain: list[Identity], tsa: Identity, tsa_chain: list[Identity]) -> bytes:
    """Signed by `who`, its signature timestamped thirty days ago by `tsa`."""
    stamper = timestamps.DummyTimeStamper(
        tsa_cert=asn1_certificate(tsa), tsa_key=asn1_key(tsa.key), fixed_dt=NOW - timedelta(days=30),
        certs_to_embed=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in tsa_chain]))
    signer = signers.SimpleSigner(signing_cert=asn1_certificate(who), signing_key=asn1_key(who.key),
                                  cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in chain]))
    out = BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf), strict=False),
                     signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES),
                     signer=signer, timestamper=stamper, output=out)
    return out.getvalue()


@pytest.fixture
def agency(tmp_path) -> tuple[DemoPki, World]:  # type: ignore[no-untyped-def]
    pki, signers_, stranger = build_pki()  # its own: the CRLs below are this test's
    return pki, make_world(tmp_path / "agency", pki, signers_, stranger,
                           trust={"crls": ["pki/intermediate.crl", "pki/root.crl", "pki/extra.crl"]})


def verdict(w: World, pdf: bytes) -> dict[str, Any]:
    [out] = w.ingest(w.mail("cv", sender=FORGER, auth=None, attachments=[("cv.pdf", pdf)]))
    return out


def person(pki: DemoPki, name: str, issuer: Identity | None = None) -> Identity:
    return pki.signer(name, "UBND tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang", issuer=issuer)


@pytest.mark.parametrize("sub_ca_reason,invalid_days,accepted", [
    (ReasonFlags.ca_compromise, 60, False), (ReasonFlags.ca_compromise, None, False), (ReasonFlags.superseded, None, True)])
def test_a_sub_ca_lost_to_another_hand_is_not_lifted_by_the_timestamp(  # type: ignore[no-untyped-def]
        agency, sub_ca_reason: ReasonFlags, invalid_days: int | None, accepted: bool) -> None:
    """The signer's certificate revoked ten days ago (its agency renamed), the sub-CA above it revoked fifteen days ago;
    a genuine TSA timestamped the signature thirty days ago. The sub-CA's compromise (said to date from sixty days ago,
    or not dated) was lifted with the signer's revocation: the document was registered on its signature. The sub-CA
    merely replaced, it stands."""
    pki, w = agency
    sub = authority("CA phục vụ các cơ quan Đảng G2 (TEST)", pki.root)
    who = person(pki, "Người A", sub)
    (w.root / "pki" / "extra.crl").write_bytes(revocations(sub, [(who, 10, ReasonFlags.affiliation_changed, None)]))
    (w.root / "pki" / "root.crl").write_bytes(revocations(pki.root, [(sub, 15, sub_ca_reason, invalid_days)]))
    out = verdict(w, signed(w.document(number="901/STP-VP"), who, [sub, pki.root], pki.tsa, [pki.intermediate]))
    if accepted:
        assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    else:
        assert out["verdict"] == "quarantined" and "certificate-revoked" in {r["code"] for r in out["reasons"]}, out
        assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]


@pytest.mark.parametrize("tsa_reason,invalid_days,accepted", [
    (ReasonFlags.key_compromise, 40, False), (ReasonFlags.key_compromise, None, False), (ReasonFlags.superseded, None, True)])
def test_a_time_stamping_authority_whose_key_was_stolen_proves_no_time(  # type: ignore[no-untyped-def]
        agency, tsa_reason: ReasonFlags, invalid_days: int | None, accepted: bool) -> None:
    """The TSA's certificate revoked twenty days ago for its key's compromise (not to be trusted from forty days ago, or
    not dated), with no CRL distribution point: its timestamp of thirty days ago dated a signature whose certificate
    was revoked ten days ago, and the document was registered. The TSA's certificate merely replaced, it stands."""
    pki, w = agency
    tsa = authority("Máy chủ cấp dấu thời gian bị lộ khóa (TEST)", pki.intermediate, time_stamping=True)
    who = person(pki, "Người E")
    pki.revoke(who, at=NOW - timedelta(days=10), reason=ReasonFlags.superseded)
    (w.root / "pki" / "intermediate.crl").write_bytes(pki.crl_pem())
    (w.root / "pki" / "extra.crl").write_bytes(revocations(pki.intermediate, [(tsa, 20, tsa_reason, invalid_days)]))
    out = verdict(w, signed(w.document(number="902/STP-VP"), who, [pki.intermediate, pki.root], tsa, [pki.intermediate]))
    if accepted:
        assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    else:
        assert out["verdict"] == "quarantined" and "certificate-revoked" in {r["code"] for r in out["reasons"]}, out
        assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]
