"""Red team 114: the decision's less common paths: persons' certificates, certified copies, joint documents,
appendices and several PDFs in one mail. Failing tests are faults found; tests labelled "held" guard attacks that held."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from world import DIRECTORY_CSV, STC, STP, World, certified_copy

EVIL = "someone@evil.example"
TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]
FIRM = "Công ty TNHH Minh Phát"
BTP = "vanthu@moj.gov.vn"


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _signer(world: World, name: str, organisation: str, unit: str | None = None, locality: str | None = None):  # type: ignore[no-untyped-def]
    key = f"{name}|{organisation}|{unit}|{locality}"
    if key not in world.extra.setdefault("_signers", {}):
        world.extra["_signers"][key] = world.pki.signer(name, organisation, unit=unit, locality=locality)
    return world.extra["_signers"][key]


def _send(world: World, name: str, pdf: bytes, sender: str = EVIL, auth: str | None = None) -> dict[str, Any]:
    [out] = world.ingest(world.mail(name, sender=sender, auth=auth, attachments=[(f"{name}.pdf", pdf)]))
    return out


def _nothing_for_a_forger(out: dict[str, Any], *mailboxes: str) -> None:
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"], out.get("document"))
    assert all(r["to"] not in (EVIL, *mailboxes) for r in out["replies"]), out["replies"]


# ============================================================================================ persons' certificates

@pytest.mark.parametrize(("cn", "organisation", "unit", "locality"), [
    ("Trần Văn Gian", FIRM, "Sở Tư pháp", "Bắc Giang"),     # a firm's employee: OU as the firm wrote it
    ("Sở Tư pháp", FIRM, None, "Bắc Giang"),                # a firm's certificate whose CN is the bare name
], ids=["firm-employee-OU", "firm-O-bare-CN"])
def test_a_firms_certificate_naming_so_tu_phap_never_speaks_for_so_tu_phap(
        world: World, cn: str, organisation: str, unit: str | None, locality: str | None) -> None:
    """FAULT (critical). Attack: a firm buys, from a CA the gateway trusts (public CAs chain to the national root the
    `trust.roots` list), an employee's certificate: CN the employee, O the firm (what the CA verifies), OU "Sở Tư pháp"
    (the department the firm writes on the application; nothing checks it), L "Bắc Giang". It signs a letter headed
    "UBND TỈNH BẮC GIANG / SỞ TƯ PHÁP" addressed to our Sở Nội vụ and mails it from a mailbox nothing proves.

    Observed: ACCEPTED, incoming number 1, basis `signature` (legal value), registered as Sở Tư pháp's, and an
    acknowledgement queued to vanthu@sotp.bacgiang.gov.vn for a letter it never wrote. The same with a firm's own
    certificate whose CN is the bare "Sở Tư pháp" (O the firm, L Bắc Giang).

    Fault: gateway/decision/issuers.py deciding_name / signer_agencies: a person's OU (or a body's CN) is taken as the
    agency whatever the O is; the O, the attribute the CA verifies, is never required to be that agency or a state body
    above it (UBND tỉnh, a Bộ): "Công ty" even counts as an agency word."""
    signer = _signer(world, cn, organisation, unit, locality)
    out = _send(world, "firm-stp", sign_pdf(world.document(number="901/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


def test_a_firms_employee_whose_ou_names_a_ministry_never_speaks_for_it(world: World) -> None:
    """FAULT (critical), the same for an agency of no province: a ministry in the directory (no place to agree), the
    firm's employee with OU "Bộ Tư pháp" and no locality at all speaks for it."""
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + f"000.00.00.G07,Bộ Tư pháp,{BTP},BỘ TƯ PHÁP,\n",
                                              encoding="utf-8")
    signer = _signer(world, "Trần Văn Bộ", FIRM, "Bộ Tư pháp")
    pdf = world.document(issuer="BỘ TƯ PHÁP", issuer_parent=None, number="905/BTP-VP", place="Hà Nội",
                         recipients=TO_US)
    out = _send(world, "firm-btp", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, BTP)


def test_a_firms_employee_copying_as_so_tai_chinh_never_makes_a_certified_copy(world: World) -> None:
    """FAULT (critical), through a certified copy: a "SAO Y" of a letter Sở Tư pháp never wrote, its copy block naming
    Sở Tài chính, signed by the firm's employee whose OU reads "Sở Tài chính". Observed: accepted, registered as Sở Tư
    pháp's 904/STP-VP, "Bản sao y … của SỞ TÀI CHÍNH", Sở Tài chính acknowledged. Same fault as above."""
    signer = _signer(world, "Đỗ Văn Sao", FIRM, "Sở Tài chính", "Bắc Giang")
    copy = certified_copy(world.document(number="904/STP-VP", recipients=TO_US), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "17/SY-STC")
    out = _send(world, "firm-copy", sign_pdf(copy, signer, world.pki))
    _nothing_for_a_forger(out, STC, STP)


@pytest.mark.parametrize(("cn", "organisation", "unit", "locality"), [
    ("Lê Văn Mạo", FIRM, "Văn phòng", "Lạng Sơn"),                           # a firm's "Văn phòng"
    ("Vũ Thị Kế", "Sở Tài chính tỉnh Bắc Giang", "Văn phòng", "Bắc Giang"),  # Sở Tài chính's own Văn phòng
], ids=["firm-office", "another-agencys-office"])
def test_a_unit_printed_under_its_agency_is_not_spoken_for_by_anyones_unit_of_its_name(
        world: World, cn: str, organisation: str, unit: str, locality: str) -> None:
    """FAULT (high). Attack: a letter headed "SỞ TƯ PHÁP / VĂN PHÒNG" (a unit of Sở Tư pháp issuing in its own name, as
    a Văn phòng, a Chi cục, a Vụ does), addressed to our Sở Nội vụ, signed by any person whose OU is "Văn phòng": a
    firm's employee in Lạng Sơn, or a clerk of Sở Tài chính's own office. From a mailbox nothing proves.

    Observed: ACCEPTED, number 1, basis `signature`, registered as "VĂN PHÒNG" under "SỞ TƯ PHÁP" (while the same
    letter unsigned from Sở Tư pháp's own proven mailbox is returned `sender-not-issuer`: the stranger fares better).

    Fault: gateway/decision/issuers.py _names_issuer: an issuer outside the directory whose printed lines name no
    province has `places` empty, so the certificate's place is never compared and any "Văn phòng" names it; nor is the
    body printed above it (SỞ TƯ PHÁP) compared with the certificate's O."""
    signer = _signer(world, cn, organisation, unit, locality)
    pdf = world.document(issuer="VĂN PHÒNG", issuer_parent="SỞ TƯ PHÁP", number="902/VP-STP", recipients=TO_US)
    out = _send(world, "unit", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, STP)


# ============================================================================================ joint documents

def test_held_a_joint_letter_signed_by_one_of_its_two_issuers_is_never_registered(world: World) -> None:
    """HELD. A "liên tịch" letter of Sở Tư pháp and Sở Tài chính ("01/TTLT-STP-STC"), genuinely signed by Sở Tư pháp
    alone, mailed by nobody proven: the forger adds Sở Tài chính as co-issuer. Held as `signer-not-issuer` for the
    clerk, nobody answered (the core test proves the rule on made-up facts; this one through real PDFs and the CLI)."""
    pdf = world.document(issuer="SỞ TƯ PHÁP - SỞ TÀI CHÍNH", number="01/TTLT-STP-STC", recipients=TO_US)
    out = _send(world, "joint-one", sign_pdf(pdf, world.signers["stp"], world.pki))
    assert "signer-not-issuer" in _codes(out), out["reasons"]
    _nothing_for_a_forger(out, STP, STC)


def test_held_a_joint_letter_signed_by_both_issuers_is_acknowledged_to_both(world: World) -> None:
    """HELD (control). The same letter signed by both, stacked: registered, each issuer acknowledged at its own
    directory mailbox, the unproven sender never."""
    pdf = world.document(issuer="SỞ TƯ PHÁP - SỞ TÀI CHÍNH", number="02/TTLT-STP-STC", recipients=TO_US)
    both = sign_pdf(sign_pdf(pdf, world.signers["stp"], world.pki), world.signers["stc"], world.pki, field_name="Signature2")
    out = _send(world, "joint-two", both)
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert sorted(r["to"] for r in out["replies"] if r["kind"] == "ack") == sorted([STP, STC])


# ============================================================================================ appendices

def test_held_another_agencys_signed_annex_beside_a_genuine_letter_is_not_registered_with_it(world: World) -> None:
    """HELD. Beside Sở Tư pháp's genuine signed letter, a file with no number of its own signed by Sở Tài chính (a
    genuine annex of another letter), mailed by nobody proven: the letter is registered, the annex is not registered
    with it (its signature is not the letter's issuer's), and the clerk reads why."""
    letter = world.signed("stp", world.document(number="950/STP-VP", recipients=TO_US))
    annex = world.signed("stc", world.document(issuer="SỞ TÀI CHÍNH", number="", date=None, summary="PHỤ LỤC DANH SÁCH",
                                               recipients=TO_US))
    [out] = world.ingest(world.mail("annex", sender=EVIL, auth=None, attachments=[("cv.pdf", letter), ("phu-luc.pdf", annex)]))
    assert out["verdict"] == "accepted" and out["document"]["number"] == "950/STP-VP", out["reasons"]
    assert any(r["code"] == "no-legal-value" and "phu-luc.pdf" in r["message"] for r in out["reasons"]), out["reasons"]
    assert all(r["to"] != EVIL for r in out["replies"])
