"""`trust.state_roots`: the roots of a CA that certifies bodies of the state and their people alone (Ban Cơ yếu Chính
phủ's: 000 Đ7.2, Đ15.2). Under them a certificate's O is the CA's word for the body it names, so a public hospital's, a
school's, a union's person speaks for its unit (red team 117's limit under `trust.roots`). Everything else stays: a
firm's O never vouches, another agency's certificate never speaks, a unit printed under a body is spoken for by that
body's certificate only, and a CA named as the state's root but holding another key vouches for nothing."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.config import ConfigError, load_config
from gateway.demo.pki import DemoPki
from gateway.demo.signing import sign_pdf
from gateway.intake.signatures import SignatureValidator, TrustStore
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import GENUINE_PERSONS, TO_US, _signer
from world import STP, World

STATE = {"roots": [], "state_roots": ["pki/root.pem"]}


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _under_state_roots(world: World) -> None:
    world.extra["trust"] = dict(STATE)
    world.write_config()


@pytest.mark.parametrize("issuer,parent,cn,unit,organisation,locality,sender",
                         [pytest.param(*c[1:], id=c[0]) for c in GENUINE_PERSONS])
def test_a_person_of_a_public_bodys_unit_certified_by_the_state_ca_is_registered(
        world: World, issuer: str, parent: str, cn: str, unit: str, organisation: str, locality: str,
        sender: str) -> None:
    """Red team 117's seven genuine persons (a provincial trade union, a public university and hospital, the farmers'
    union, a party committee, the radio-TV station, a public centre), their certificates from the state's CA: each
    unit's letter, DKIM-proven from its mailbox, is registered and acknowledged (under `trust.roots` each is held:
    tests/test_redteam116.py, a limit)."""
    _under_state_roots(world)
    signer = _signer(world, cn, organisation, unit, locality)
    # the kit's header column holds some 40 capitals on a line (a longer one runs off the page: "UNG TÂM …"); an office
    # writes the body without its province there, which the certificate's place completes
    printed = parent.removesuffix(" TỈNH BẮC GIANG") if len(parent) > 40 else parent
    pdf = world.document(issuer=issuer, issuer_parent=printed, number="16/CV-VP", recipients=TO_US, place=locality)
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])
    assert out["incoming_number"] == 1 and any(r["to"] == sender for r in out["replies"]), out["replies"]


@pytest.mark.parametrize("organisation", ["Công ty TNHH Minh Phát", "Hộ kinh doanh Minh Phát", "Minh Phat LLC"])
def test_a_firms_certificate_from_the_state_ca_never_speaks_for_an_agency(world: World, organisation: str) -> None:
    """Attack: a firm's certificate (by mistake, or a state-owned firm's) under the state's root: CN "Sở Tư pháp" or a
    person with OU "Sở Tư pháp", O the firm. A letter headed Sở Tư pháp's from a mailbox nothing proves: never
    registered, nobody answered."""
    _under_state_roots(world)
    for number, (cn, unit) in enumerate([("Sở Tư pháp", None), ("Trần Văn Gian", "Sở Tư pháp")], start=921):
        signer = _signer(world, cn, organisation, unit, "Bắc Giang")
        out = _send(world, f"firm{number}", sign_pdf(world.document(number=f"{number}/STP-VP", recipients=TO_US),
                                                     signer, world.pki))
        _nothing_for_a_forger(out, STP)


def test_another_agencys_person_from_the_state_ca_never_speaks_for_so_tu_phap(world: World) -> None:
    """Attack: a genuine person of Sở Tài chính (the state's CA vouches for that) signs a letter headed Sở Tư pháp's,
    and one headed "SỞ TƯ PHÁP / VĂN PHÒNG" with OU "Văn phòng" under O "Sở Tài chính": neither is Sở Tư pháp's."""
    _under_state_roots(world)
    person = _signer(world, "Lê Văn Chi", "Ủy ban nhân dân tỉnh Bắc Giang", "Sở Tài chính", "Bắc Giang")
    out = _send(world, "other", sign_pdf(world.document(number="931/STP-VP", recipients=TO_US), person, world.pki))
    _nothing_for_a_forger(out, STP)
    assert "signer-not-issuer" in _codes(out), out["reasons"]
    office = _signer(world, "Lê Văn Chi", "Sở Tài chính", "Văn phòng", "Bắc Giang")
    pdf = world.document(issuer="VĂN PHÒNG", issuer_parent="SỞ TƯ PHÁP", number="932/VP-STP", recipients=TO_US)
    out = _send(world, "unit", sign_pdf(pdf, office, world.pki))
    _nothing_for_a_forger(out, STP)


def test_a_ca_named_as_the_state_root_with_another_key_vouches_for_nothing(world: World) -> None:
    """Attack: a public CA the operator trusts (`trust.roots`) whose root is named exactly as the state's root is
    ("RootCA chuyên dùng Chính phủ G2 (TEST)", its own key), certifying a person of "Bệnh viện Đa khoa tỉnh Bắc Giang".
    The state's own root is in `trust.state_roots`. The chain is trusted, but the state's CA vouched for nothing:
    held as under `trust.roots` alone (`signer-not-issuer`), never registered; the same person certified by the state's
    CA is registered."""
    other = DemoPki.create()
    other.write(world.root / "public")
    world.extra["trust"] = {"roots": ["public/root.pem"], "state_roots": ["pki/root.pem"]}
    world.write_config()
    assert other.root.cert.subject == world.pki.root.cert.subject
    _, issuer, parent, cn, unit, organisation, locality, sender = next(c for c in GENUINE_PERSONS
                                                                        if c[0] == "public-hospital")
    pdf = world.document(issuer=issuer, issuer_parent=parent, number="16/CV-VP", recipients=TO_US, place=locality)
    forged = other.signer(cn, organisation, unit=unit, locality=locality)
    out = _send(world, "public", sign_pdf(pdf, forged, other), sender=sender, auth="dkim")
    assert out["incoming_number"] is None and "signer-not-issuer" in _codes(out), (out["verdict"], out["reasons"])
    genuine = _signer(world, cn, organisation, unit, locality)
    out = _send(world, "state", sign_pdf(pdf, genuine, world.pki), sender=sender, auth="dkim")
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


def test_a_signature_is_state_certified_only_under_a_state_root(world: World) -> None:
    """The fact the rule reads: the same signed file, its root listed as a state root, then as a root."""
    signer = _signer(world, "Nguyễn Văn An", "Bệnh viện Đa khoa tỉnh Bắc Giang", "Phòng Kế hoạch tổng hợp", "Bắc Giang")
    pdf = sign_pdf(world.document(number="16/CV-VP"), signer, world.pki)
    root = world.root / "pki/root.pem"
    [state] = SignatureValidator(TrustStore.load([], [], state_roots=[root])).validate(pdf)
    [plain] = SignatureValidator(TrustStore.load([root], [])).validate(pdf)
    other = DemoPki.create()  # a CA named as the state's, its own key
    [stranger] = SignatureValidator(TrustStore.load([], [], state_roots=[root])).validate(
        sign_pdf(world.document(number="17/CV-VP"), other.signer("Nguyễn Văn An", "Bệnh viện Y"), other))
    assert (state.trusted, state.state_certified) == (True, True)
    assert (plain.trusted, plain.state_certified) == (True, False)
    assert (stranger.trusted, stranger.state_certified) == (False, False)


def test_state_roots_alone_configure_the_trust_and_a_wrong_file_is_named(world: World) -> None:
    """`trust.state_roots` alone is a trust configuration (no `roots` needed); a CRL named there is refused, the key
    named in one line."""
    _under_state_roots(world)
    assert load_config(world.config_path).trust.state_roots
    world.extra["trust"] = {"roots": [], "state_roots": ["pki/root.crl"]}
    world.write_config()
    with pytest.raises(ConfigError, match=r"^trust\.state_roots: .*certificate revocation list"):
        load_config(world.config_path)
    world.extra["trust"] = {"roots": [], "state_roots": []}
    world.write_config()
    with pytest.raises(ConfigError, match=r"trust\.roots: name at least one root"):
        load_config(world.config_path)


@pytest.mark.parametrize("parent,unit", [("BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", "Sở Tư pháp"),
                                         ("UBND TỈNH BẮC GIANG", "Phòng Kế hoạch tổng hợp")],
                         ids=["agency-under-the-hospital", "unit-under-another-body"])
def test_a_state_certified_hospital_person_speaks_for_no_unit_but_its_own_bodys(world: World, parent: str,
                                                                                unit: str) -> None:
    """Attack (red team 118's fix, both edges): the provincial hospital's person, certified by the state's CA, prints
    his OU under his own hospital but names an agency of the directory ("BỆNH VIỆN … / SỞ TƯ PHÁP"), or prints a unit
    of his own under the province's committee ("UBND TỈNH BẮC GIANG / PHÒNG KẾ HOẠCH TỔNG HỢP"). Neither is the
    hospital's unit: held, nobody answered, never registered."""
    _under_state_roots(world)
    signer = _signer(world, "Trần Văn Gian", "Bệnh viện Đa khoa tỉnh Bắc Giang", unit, "Bắc Giang")
    pdf = world.document(issuer=unit.upper(), issuer_parent=parent, number="951/CV-VP", recipients=TO_US)
    out = _send(world, "edge", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, STP)
    assert out["incoming_number"] is None and "signer-not-issuer" in _codes(out), (out["verdict"], out["reasons"])
