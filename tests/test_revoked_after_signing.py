"""A certificate revoked after a trusted timestamp proves the document signed still signs it only when nothing of the
chain was lost to another hand (NĐ 130/2018 Đ9.1; red team 7, 2026-12-04). Each mail comes from a forger who proves
nothing (`auth=None`), so the document is registered on its signature or not at all; each is run through `ingest`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.x509 import ReasonFlags

from gateway.demo.pki import DemoPki, Identity, Revocation, crl_pem, sub_ca, time_stamping_authority
from kit import sign_pdf
from world import World, build_pki, make_world

NOW = datetime.now(timezone.utc)
FORGER = "ai.do@gmail-la.example"


def revocations(issuer: Identity, entries: list[tuple[Identity, int, ReasonFlags, int | None]]) -> bytes:
    """`issuer`'s CRL: each (who, revoked so many days ago, why, not to be trusted from so many days ago)."""
    return crl_pem(issuer, [Revocation(who.cert, NOW - timedelta(days=days), reason,
                                       None if invalid is None else NOW - timedelta(days=invalid))
                            for who, days, reason, invalid in entries])


def signed(pki: DemoPki, pdf: bytes, who: Identity, chain: list[Identity], tsa: Identity) -> bytes:
    """Signed by `who`, its signature timestamped thirty days ago by `tsa` (under the PKI's intermediate)."""
    return sign_pdf(pdf, who, pki, timestamp_at=NOW - timedelta(days=30), tsa=tsa, chain=chain)


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
    sub = sub_ca("sub", "CA phục vụ các cơ quan Đảng G2 (TEST)", pki.root)
    who = person(pki, "Người A", sub)
    (w.root / "pki" / "extra.crl").write_bytes(revocations(sub, [(who, 10, ReasonFlags.affiliation_changed, None)]))
    (w.root / "pki" / "root.crl").write_bytes(revocations(pki.root, [(sub, 15, sub_ca_reason, invalid_days)]))
    out = verdict(w, signed(pki, w.document(number="901/STP-VP"), who, [sub, pki.root], pki.tsa))
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
    tsa = time_stamping_authority("stolen", "Máy chủ cấp dấu thời gian bị lộ khóa (TEST)", pki.intermediate)
    who = person(pki, "Người E")
    pki.revoke(who, at=NOW - timedelta(days=10), reason=ReasonFlags.superseded)
    (w.root / "pki" / "intermediate.crl").write_bytes(pki.crl_pem())
    (w.root / "pki" / "extra.crl").write_bytes(revocations(pki.intermediate, [(tsa, 20, tsa_reason, invalid_days)]))
    out = verdict(w, signed(pki, w.document(number="902/STP-VP"), who, [pki.intermediate, pki.root], tsa))
    if accepted:
        assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    else:
        assert out["verdict"] == "quarantined" and "certificate-revoked" in {r["code"] for r in out["reasons"]}, out
        assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]
