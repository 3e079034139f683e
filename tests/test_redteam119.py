"""Red team 119: `issuers._governed` (a non-governing O vouches for its own agency alone) and `vouched` under
`trust.roots` / `trust.state_roots`. Failing tests are faults found; passing ones guard what held."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from world import DIRECTORY_CSV, STP, World

STATE = {"roots": [], "state_roots": ["pki/root.pem"]}

# units of a Sở the directory lists as agencies of their own, and their parents (the 2025 names)
CCVTLT = "vanthu@ccvtlt.bacgiang.gov.vn"
BTDKT = "vanthu@btdkt.bacgiang.gov.vn"
TGPL = "vanthu@tgpl.bacgiang.gov.vn"
SNNMT = "vanthu@snnmt.bacgiang.gov.vn"
CCKL = "vanthu@cckl.bacgiang.gov.vn"
CAT = "vanthu@ca.bacgiang.gov.vn"
CAH = "vanthu@cayd.bacgiang.gov.vn"
ROWS = (
    f"000.01.15.H06,Chi cục Văn thư - Lưu trữ tỉnh Bắc Giang,{CCVTLT},Chi cục Văn thư - Lưu trữ,\n"
    f"000.02.15.H06,Ban Thi đua - Khen thưởng tỉnh Bắc Giang,{BTDKT},Ban Thi đua - Khen thưởng,\n"
    f"000.01.14.H06,Trung tâm Trợ giúp pháp lý nhà nước tỉnh Bắc Giang,{TGPL},Trung tâm Trợ giúp pháp lý nhà nước,\n"
    f"000.00.17.H06,Sở Nông nghiệp và Môi trường tỉnh Bắc Giang,{SNNMT},Sở Nông nghiệp và Môi trường,\n"
    f"000.01.17.H06,Chi cục Kiểm lâm tỉnh Bắc Giang,{CCKL},Chi cục Kiểm lâm,\n"
    f"000.00.20.H06,Công an tỉnh Bắc Giang,{CAT},Công an tỉnh,\n"
    f"000.01.20.H06,Công an huyện Yên Dũng tỉnh Bắc Giang,{CAH},Công an huyện Yên Dũng,\n"
)


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _directory(world: World) -> None:
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + ROWS, encoding="utf-8")


def _under_state_roots(world: World) -> None:
    world.extra["trust"] = dict(STATE)
    world.write_config()


def _genuine(world: World, name: str, signer: Any, issuer: str, parent: str | None, sender: str,
             number: str) -> dict[str, Any]:
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US)
    return _send(world, name, sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")


def _accepted(out: dict[str, Any], sender: str) -> None:
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])
    assert out["incoming_number"] == 1, out


# ============================================================ 1. genuine: a unit the directory lists, under its Sở's O

GENUINE_UNITS = [
    # id, CN, OU, O, printed issuer, printed parent, sender, number
    ("chi-cuc-person-under-so", "Nguyễn Văn An", "Chi cục Kiểm lâm", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",
     "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "21/CCKL-VP"),
    ("chi-cuc-org-cert-under-so", "Chi cục Kiểm lâm", None, "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",
     "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "22/CCKL-VP"),
    ("chi-cuc-org-cert-caps-bare-so", "CHI CỤC KIỂM LÂM", None, "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
     "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "23/CCKL-VP"),
    ("ban-tdkt-person-under-so-noi-vu", "Nguyễn Văn An", "Ban Thi đua - Khen thưởng", "Sở Nội vụ tỉnh Bắc Giang",
     "BAN THI ĐUA - KHEN THƯỞNG", "SỞ NỘI VỤ", BTDKT, "24/BTĐKT-VP"),
    ("chi-cuc-vtlt-org-cert-under-so-noi-vu", "Chi cục Văn thư - Lưu trữ", None, "Sở Nội vụ tỉnh Bắc Giang",
     "CHI CỤC VĂN THƯ - LƯU TRỮ", "SỞ NỘI VỤ", CCVTLT, "25/CCVTLT-VP"),
    ("trung-tam-person-under-so-tu-phap", "Nguyễn Văn An", "Trung tâm Trợ giúp pháp lý nhà nước",
     "Sở Tư pháp tỉnh Bắc Giang", "TRUNG TÂM TRỢ GIÚP PHÁP LÝ NHÀ NƯỚC", "SỞ TƯ PHÁP", TGPL, "26/TGPL-VP"),
    ("cong-an-huyen-under-cong-an-tinh", "CÔNG AN HUYỆN YÊN DŨNG", None, "CÔNG AN TỈNH BẮC GIANG",
     "CÔNG AN HUYỆN YÊN DŨNG", "CÔNG AN TỈNH BẮC GIANG", CAH, "27/CAH-TH"),
]


@pytest.mark.parametrize("cn,unit,organisation,issuer,parent,sender,number", [pytest.param(*c[1:], id=c[0])
                                                                             for c in GENUINE_UNITS])
@pytest.mark.parametrize("roots", ["roots", "state_roots"])
def test_a_genuine_unit_of_a_so_certified_under_its_so_is_not_refused(
        world: World, roots: str, cn: str, unit: str | None, organisation: str, issuer: str, parent: str,
        sender: str, number: str) -> None:
    """GENUINE. A unit of a Sở that the directory lists as an agency of its own (a Chi cục under its Sở, Ban Thi đua -
    Khen thưởng under Sở Nội vụ, a Trung tâm under Sở Tư pháp, Công an huyện under Công an tỉnh) signs with a
    certificate whose O is its parent Sở (a person: OU the unit; an organisation certificate: CN the unit) — the shape
    Ban Cơ yếu's CA gives second-level units. The unit's letter, DKIM-proven from its own mailbox (directory mailbox),
    headed "<SỞ> / <UNIT>". Expected: registered as the unit's. Observed: `signer-not-issuer`, returned: the O is a
    directory body but no governing one, and `_governed` keeps only `directory.by_certificate_name(O)` (the Sở itself),
    so the unit — really under that O — is filtered out; the directory has no parent column to say so. Where:
    gateway/decision/issuers.py `_governed` (called from `signer_agencies`). Under `trust.state_roots` the same: the
    state-root branch of `vouched` is never reached for a directory agency, and `_governed` filters anyway."""
    _directory(world)
    if roots == "state_roots":
        _under_state_roots(world)
    signer = _signer(world, cn, organisation, unit, "Bắc Giang")
    out = _genuine(world, "unit", signer, issuer, parent, sender, number)
    _accepted(out, sender)


def test_control_the_same_unit_under_the_provinces_committee_is_registered(world: World) -> None:
    """Guard (control for the above): the same Chi cục's person with O "UBND tỉnh Bắc Giang" is registered, so the
    refusals above are the O's doing, not the directory rows' or the layout's."""
    _directory(world)
    signer = _signer(world, "Nguyễn Văn An", "Ủy ban nhân dân tỉnh Bắc Giang", "Chi cục Kiểm lâm", "Bắc Giang")
    out = _genuine(world, "ctl", signer, "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "29/CCKL-VP")
    _accepted(out, CCKL)


@pytest.mark.parametrize("organisation", ["Sở Tư pháp tỉnh Bắc Giang", "SỞ TƯ PHÁP TỈNH BẮC GIANG", "Sở Tư pháp"])
def test_a_genuine_person_whose_o_is_the_agency_itself_is_registered(world: World, organisation: str) -> None:
    """Guard, GENUINE: a person of Sở Tư pháp, O the Sở itself (with or without its province), OU "Sở Tư pháp", L Bắc
    Giang: `_governed` keeps the O's own agency. Expected and observed: registered."""
    signer = _signer(world, "Nguyễn Văn Thành", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _genuine(world, "own", signer, "SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG", STP, "31/STP-VP")
    _accepted(out, STP)


# ============================================================ 2. forgers: a governing O vouches for any agency

GOVERNING_STRANGERS = [
    # id, O, OU: a governing body by `governing_body`, but not Sở Tư pháp's (nor any province's committee above it)
    ("other-provinces-committee", "Ủy ban nhân dân tỉnh Lạng Sơn", "Sở Tư pháp tỉnh Bắc Giang"),
    ("district-committee", "UBND huyện Yên Dũng", "Sở Tư pháp tỉnh Bắc Giang"),
    ("commune-committee", "UBND xã Tân Liễu", "Sở Tư pháp tỉnh Bắc Giang"),
    ("policy-bank", "Ngân hàng Chính sách xã hội", "Sở Tư pháp tỉnh Bắc Giang"),
    ("state-bank", "Ngân hàng Nhà nước Việt Nam", "Sở Tư pháp tỉnh Bắc Giang"),
    ("national-university", "Đại học Quốc gia Hà Nội", "Sở Tư pháp tỉnh Bắc Giang"),
    ("ministry-of-finance", "Bộ Tài chính", "Sở Tư pháp tỉnh Bắc Giang"),
    ("military-region", "Quân khu 1", "Sở Tư pháp tỉnh Bắc Giang"),
    ("court", "Tòa án nhân dân tỉnh Bắc Giang", "Sở Tư pháp"),
    ("treasury", "Kho bạc Nhà nước Bắc Giang", "Sở Tư pháp"),
    ("social-insurance", "Bảo hiểm xã hội Việt Nam", "Sở Tư pháp tỉnh Bắc Giang"),
]


@pytest.mark.parametrize("roots", ["roots", "state_roots"])
@pytest.mark.parametrize("organisation,unit", [pytest.param(*c[1:], id=c[0]) for c in GOVERNING_STRANGERS])
def test_a_governing_bodys_person_never_speaks_for_a_so_it_does_not_govern(
        world: World, roots: str, organisation: str, unit: str) -> None:
    """ATTACK. A person of a body `governing_body` lists — but not Sở Tư pháp's governing body: another province's
    committee, a district's or commune's committee (below the province), a state bank (Ngân hàng Chính sách xã hội,
    Ngân hàng Nhà nước), Đại học Quốc gia, a ministry with no authority over a provincial Sở, a military region, the
    provincial court, the treasury, social insurance — holds a genuine certificate (the CA verified the O); the OU,
    which nothing verifies, says "Sở Tư pháp (tỉnh Bắc Giang)", L Bắc Giang. A letter headed "UBND TỈNH BẮC GIANG / SỞ
    TƯ PHÁP", from a mailbox nothing proves. Expected: never registered as Sở Tư pháp's (the O vouches for its own
    units; only UBND tỉnh Bắc Giang governs the Sở). Observed (if failing): registered, incoming number 1, basis the
    signature, Sở Tư pháp acknowledged. Where: gateway/decision/issuers.py `_governed` returns every agency for any
    `governing_body(O)`, and `vouched` returns True for it, whatever body the O governs (`certificate_places` takes
    the OU's province before the O's, so another province's committee speaks for ours)."""
    if roots == "state_roots":
        _under_state_roots(world)
    signer = _signer(world, "Trần Văn Gian", organisation, unit, "Bắc Giang")
    out = _send(world, "gov", sign_pdf(world.document(number="971/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


@pytest.mark.parametrize("roots", ["roots", "state_roots"])
def test_another_provinces_so_tu_phap_person_with_a_bare_o_never_speaks_for_ours(world: World, roots: str) -> None:
    """ATTACK. A person of Lạng Sơn's Sở Tư pháp whose CA wrote the O bare ("Sở Tư pháp", as real files write CN/OU
    without the province), L "Lạng Sơn", puts "Sở Tư pháp tỉnh Bắc Giang" in the OU. `certificate_places` reads the
    OU's place first (Bắc Giang); then the bare O is found as Bắc Giang's Sở Tư pháp by `by_certificate_name(O,
    {BẮC GIANG})`, so `vouched` and `_governed` both take the O for ours. Expected: never registered as Bắc Giang's
    Sở Tư pháp's (the certificate's own L says Lạng Sơn). Observed (if failing): registered. Where: issuers.py
    `certificate_places` feeds the unverified OU's place into the O's lookup (`vouched`, `_governed`)."""
    if roots == "state_roots":
        _under_state_roots(world)
    signer = _signer(world, "Trần Văn Gian", "Sở Tư pháp", "Sở Tư pháp tỉnh Bắc Giang", "Lạng Sơn")
    out = _send(world, "bare", sign_pdf(world.document(number="972/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


@pytest.mark.parametrize("roots", ["roots", "state_roots"])
def test_a_so_tai_chinh_person_with_ou_so_tu_phap_never_speaks_for_it(world: World, roots: str) -> None:
    """Guard (the change itself): O "Sở Tài chính tỉnh Bắc Giang", OU "Sở Tư pháp" / "Sở Tư pháp tỉnh Bắc Giang",
    and the O written without its province: never Sở Tư pháp's."""
    if roots == "state_roots":
        _under_state_roots(world)
    for i, (o, ou) in enumerate([("Sở Tài chính tỉnh Bắc Giang", "Sở Tư pháp"),
                                 ("Sở Tài chính", "Sở Tư pháp tỉnh Bắc Giang"),
                                 ("SỞ TÀI CHÍNH TỈNH BẮC GIANG", "SỞ TƯ PHÁP TỈNH BẮC GIANG")]):
        signer = _signer(world, "Trần Văn Gian", o, ou, "Bắc Giang")
        out = _send(world, f"stc{i}", sign_pdf(world.document(number=f"97{3 + i}/STP-VP", recipients=TO_US), signer,
                                               world.pki))
        _nothing_for_a_forger(out, STP)


def test_a_child_unit_never_speaks_for_its_parent_so(world: World) -> None:
    """Guard, parent/child: a Chi cục Kiểm lâm's own certificate (O "Chi cục Kiểm lâm tỉnh Bắc Giang", a directory
    body, no governing one) with OU "Sở Nông nghiệp và Môi trường": never the Sở's."""
    _directory(world)
    signer = _signer(world, "Trần Văn Gian", "Chi cục Kiểm lâm tỉnh Bắc Giang", "Sở Nông nghiệp và Môi trường",
                     "Bắc Giang")
    pdf = world.document(issuer="SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", issuer_parent="UBND TỈNH BẮC GIANG",
                         number="981/SNNMT-VP", recipients=TO_US)
    out = _send(world, "child", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, SNNMT)


# ============================================================ 3. state roots: a unit printed under the O itself

def test_a_state_certified_hospital_person_registers_a_letter_as_so_y_te(world: World) -> None:
    """ATTACK (misleading issuer). Under `trust.state_roots`: a person of the provincial hospital (O "Bệnh viện Đa
    khoa tỉnh Bắc Giang", the CA's word), OU "Sở Y tế" — an agency-like name of a body the directory (ours) does not
    list. The letter is headed "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG / SỞ Y TẾ" (the hospital's name as the parent line).
    Expected: not registered as "SỞ Y TẾ" on the hospital's signature (a Sở is no unit of a hospital; the issuer
    the register shows is the provincial health department, which the hospital is under, not over). Observed (if
    failing): accepted, registered with issuer "SỞ Y TẾ", basis the signature. Where: issuers.py `vouched` state-root
    branch: any unit name under the O printed as parent, `is_agency_name` only; no check that the unit reads as a
    unit (Phòng, Khoa, Ban …) rather than a body of the state's own rank."""
    _under_state_roots(world)
    signer = _signer(world, "Trần Văn Gian", "Bệnh viện Đa khoa tỉnh Bắc Giang", "Sở Y tế", "Bắc Giang")
    pdf = world.document(issuer="SỞ Y TẾ", issuer_parent="BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", number="991/SYT-VP",
                         recipients=TO_US)
    out = _send(world, "syt", sign_pdf(pdf, signer, world.pki))
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"], out.get("document"))


@pytest.mark.parametrize("parent", ["BỆNH VIỆN ĐA KHOA TỈNH LẠNG SƠN", "BỆNH VIỆN ĐA KHOA"])
def test_a_state_certified_person_of_another_provinces_hospital_never_speaks_for_our_hospital_unit(
        world: World, parent: str) -> None:
    """Guard/probe: a person of Bắc Giang's hospital (O without its province "Bệnh viện Đa khoa", L Bắc Giang) signing a
    unit printed under Lạng Sơn's hospital: not registered. (Bare parent: the O and parent agree; it is registered
    — an ambiguity, noted, not asserted.)"""
    _under_state_roots(world)
    signer = _signer(world, "Trần Văn Gian", "Bệnh viện Đa khoa", "Phòng Kế hoạch tổng hợp", "Bắc Giang")
    pdf = world.document(issuer="PHÒNG KẾ HOẠCH TỔNG HỢP", issuer_parent=parent, number="992/KHTH-BV",
                         recipients=TO_US, place="Lạng Sơn")
    out = _send(world, "ls", sign_pdf(pdf, signer, world.pki))
    if parent.endswith("LẠNG SƠN"):
        assert out["incoming_number"] is None, (out["verdict"], out["reasons"])


def test_attribution_the_genuine_units_are_refused_by_governed_alone(world: World, monkeypatch: Any) -> None:
    """Guard (attribution): with `issuers._governed` made the identity (the code before the change), the Chi cục's
    person under its Sở's O is registered: the refusals of section 1 are the change's (`_governed`), a regression."""
    from gateway.decision import issuers
    monkeypatch.setattr(issuers, "_governed", lambda sig, agencies, directory, places, district: agencies)
    _directory(world)
    signer = _signer(world, "Nguyễn Văn An", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang", "Chi cục Kiểm lâm",
                     "Bắc Giang")
    out = _genuine(world, "attr", signer, "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "30/CCKL-VP")
    _accepted(out, CCKL)
