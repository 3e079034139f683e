"""Red team 116: `issuers.vouched`, `_FIRM`, `_STATE_WORDS` and the unit-under-a-body rule in `speaks_for` (3415069),
both ways. Failing tests are faults found; passing ones guard what held."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from test_redteam114 import _nothing_for_a_forger, _send
from world import STP, World

TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


_SIGNERS: dict[Any, Any] = {}


def _signer(world: World, name: str, organisation: str, unit: str | None = None, locality: str | None = None):  # type: ignore[no-untyped-def]
    key = (id(world.pki), name, organisation, unit, locality)
    if key not in _SIGNERS:
        _SIGNERS[key] = world.pki.signer(name, organisation, unit=unit, locality=locality)
    return _SIGNERS[key]


# ============================================================ 1. a firm's certificate whose CN is "Sở Tư pháp"
# The firm buys an organisation certificate; O is the firm as registered (what the CA verifies), CN "Sở Tư pháp".

FIRM_OS = [
    ("household-business", "Hộ kinh doanh Minh Phát"),
    ("shop", "Cửa hàng Minh Phát"),
    ("branch", "Chi nhánh Minh Phát"),
    ("group", "Minh Phát Group"),
    ("bookshop", "Nhà sách Minh Phát"),
    ("english-trading", "Minh Phat Trading"),
    ("english-enterprise", "Minh Phat Enterprise"),
    ("english-llc", "Minh Phat LLC"),
    ("person-name", "Trần Văn Gian"),
    ("zwsp-cong-ty", "CÔNG\u200bTY MINH PHÁT"),
    ("soft-hyphen-cong-ty", "CÔNG\u00adTY MINH PHÁT"),
    ("dash-cong-ty", "Công-ty Minh Phát"),
    ("c-dot-ty", "C.ty Minh Phát"),
    ("congty-joined", "CôngTy Minh Phát"),
    ("nbsp-cong-ty", "Công\u00a0ty Minh Phát"),
    ("bailiff-office", "Văn phòng Thừa phát lại Minh Phát"),
    ("law-office-no-su", "Văn phòng Luật Minh Phát"),
]


@pytest.mark.parametrize("organisation", [c[1] for c in FIRM_OS], ids=[c[0] for c in FIRM_OS])
def test_a_firms_own_certificate_named_so_tu_phap_never_speaks_for_it(world: World, organisation: str) -> None:
    """A private party's organisation certificate: CN "Sở Tư pháp" (the name it asked for), O its own name as the
    CA verified it (a household business, a shop, a group, an English trading name, a person, a 'Công ty' written
    with an invisible or non-breaking character or a dash), L Bắc Giang. It signs a letter headed Sở Tư pháp's, mailed
    from nowhere proven. Expected: never registered, Sở Tư pháp never answered. Observed: accepted, basis `signature`,
    registered as Sở Tư pháp's, acknowledged to it: `vouched` lets an agency's own CN speak under any O `_FIRM` does
    not match (a deny-list of firm words). Held: a zero-width space (foreign letter), NBSP, soft hyphen."""
    signer = _signer(world, "Sở Tư pháp", organisation, None, "Bắc Giang")
    out = _send(world, "firm", sign_pdf(world.document(number="911/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


# ============================================================ 2. a person's OU "Sở Tư pháp" under an O that begins like the state

PERSON_OS = [
    ("bare-ban", "Ban"),
    ("bare-van-phong", "Văn phòng"),
    ("bare-so", "Sở"),
    ("bailiff-office", "Văn phòng Thừa phát lại Minh Phát"),
    ("law-office-no-su", "Văn phòng Luật Minh Phát"),
    ("eatery-quan", "Quán ăn Minh Phát"),
    ("english-government-inc", "Government Solutions Inc"),
    ("soap-xa", "Xà phòng Minh Phát"),
    ("car-rental-thue", "Thuê xe Minh Phát"),
    ("bookshop-phuong", "Phương Nam Books"),
    ("furniture-ban", "Bàn ghế Minh Phát"),
    ("shirts-so", "Sơ mi Minh Phát"),
    ("dairy-bo", "Bò sữa Minh Phát"),
    ("private-academy", "Học viện Anh ngữ Minh Phát"),
    ("person-surname-quan", "Quan Văn Gian"),
    ("person-surname-ban", "Bàn Văn Gian"),
    ("so-tu-phap-lookalike-firm", "Sở Tư pháp Phát triển Minh Phát"),
]


@pytest.mark.parametrize("organisation", [c[1] for c in PERSON_OS], ids=[c[0] for c in PERSON_OS])
def test_a_private_persons_ou_never_speaks_for_so_tu_phap(world: World, organisation: str) -> None:
    """A person's certificate (CN the person, OU "Sở Tư pháp" which no CA checks, L Bắc Giang) whose O is a private
    party whose name, folded, begins with a word of `_STATE_WORDS` ("Quán" → QUAN, "Tinh dầu" → TINH, "Thuê" → THUE,
    "Phương" → PHUONG, "Bàn"/"Bản" → BAN, a surname Quan or Bàn, a bare "Ban"/"Sở", English "Government … Inc").
    Expected: never registered, Sở Tư pháp never answered. Observed: accepted, basis `signature`, incoming number 1,
    Sở Tư pháp acknowledged: `vouched` takes any O whose folded text begins with a `_STATE_WORDS` word as the state's."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "person", sign_pdf(world.document(number="912/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


# ============================================================ 3. unit under a body: an O that merely begins with the body's name

UNIT_FORGERS = [
    ("agency-cert-o-begins-like-so", "VĂN PHÒNG", "SỞ TƯ PHÁP PHÁT TRIỂN MINH PHÁT", None),
    ("agency-cert-o-so-plus-firm", "VĂN PHÒNG", "Sở Tư pháp Minh Phát Group", None),
    ("person-o-begins-like-so", "Lê Văn Mạo", "SỞ TƯ PHÁP PHÁT TRIỂN MINH PHÁT", "Văn phòng"),
]


@pytest.mark.parametrize("cn,organisation,unit", [c[1:] for c in UNIT_FORGERS], ids=[c[0] for c in UNIT_FORGERS])
def test_a_unit_under_so_tu_phap_is_not_spoken_for_by_an_o_merely_beginning_with_its_name(
        world: World, cn: str, organisation: str, unit: str | None) -> None:
    """A letter headed "SỞ TƯ PHÁP / VĂN PHÒNG", signed by a certificate named "Văn phòng" whose O is a private party
    whose name begins with "Sở Tư pháp" ("SỞ TƯ PHÁP PHÁT TRIỂN MINH PHÁT"), L Bắc Giang, mailed from nowhere proven.
    Expected: never registered as Sở Tư pháp's Văn phòng, Sở Tư pháp never answered. Observed: accepted: `speaks_for`
    takes an O whose squashed text merely starts with the parent's name as the parent "written without 'tỉnh'"."""
    signer = _signer(world, cn, organisation, unit, "Bắc Giang")
    pdf = world.document(issuer="VĂN PHÒNG", issuer_parent="SỞ TƯ PHÁP", number="913/VP-STP", recipients=TO_US)
    out = _send(world, "unit", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, STP)


# ============================================================ 4. genuine bodies and persons refused

GENUINE_PERSONS = [
    # id, printed issuer, printed parent, CN, OU, O, L, sender
    ("trade-union-province", "BAN TỔ CHỨC", "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG", "Nguyễn Văn An", "Ban Tổ chức",
     "Liên đoàn Lao động tỉnh Bắc Giang", "Bắc Giang", "vanthu@ldld.bacgiang.gov.vn"),
    ("public-university", "PHÒNG ĐÀO TẠO", "TRƯỜNG ĐẠI HỌC NÔNG LÂM BẮC GIANG", "Nguyễn Văn An", "Phòng Đào tạo",
     "Trường Đại học Nông Lâm Bắc Giang", "Bắc Giang", "vanthu@bafu.edu.vn"),
    ("public-hospital", "PHÒNG KẾ HOẠCH TỔNG HỢP", "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", "Nguyễn Văn An",
     "Phòng Kế hoạch tổng hợp", "Bệnh viện Đa khoa tỉnh Bắc Giang", "Bắc Giang", "vanthu@bvdk.bacgiang.gov.vn"),
    ("farmers-union", "BAN TỔ CHỨC - KIỂM TRA", "HỘI NÔNG DÂN TỈNH BẮC GIANG", "Nguyễn Văn An", "Ban Tổ chức - Kiểm tra",
     "Hội Nông dân tỉnh Bắc Giang", "Bắc Giang", "vanthu@hnd.bacgiang.gov.vn"),
    ("party-bloc-of-enterprises", "VĂN PHÒNG", "ĐẢNG ỦY KHỐI DOANH NGHIỆP TỈNH BẮC GIANG", "Nguyễn Văn An", "Văn phòng",
     "Đảng ủy Khối Doanh nghiệp tỉnh Bắc Giang", "Bắc Giang", "vanthu@dukdn.bacgiang.gov.vn"),
    ("radio-tv-station", "PHÒNG THỜI SỰ", "ĐÀI PHÁT THANH VÀ TRUYỀN HÌNH BẮC GIANG", "Nguyễn Văn An", "Phòng Thời sự",
     "Đài Phát thanh và Truyền hình Bắc Giang", "Bắc Giang", "vanthu@bgtv.bacgiang.gov.vn"),
    ("centre-public", "PHÒNG HÀNH CHÍNH", "TRUNG TÂM KIỂM SOÁT BỆNH TẬT TỈNH BẮC GIANG", "Nguyễn Văn An",
     "Phòng Hành chính", "Trung tâm Kiểm soát bệnh tật tỉnh Bắc Giang", "Bắc Giang", "vanthu@cdc.bacgiang.gov.vn"),
]


PUBLIC_BODY_O = pytest.mark.xfail(strict=True, reason="left: README Limits, red team 117: under trust.roots (a public "
                                                    "CA's), a public body's O (a hospital, a school, a union, a centre) "
                                                    "vouches only for its own name: a private one is named alike "
                                                    "(under trust.state_roots: tests/test_state_roots.py)")


@pytest.mark.parametrize("issuer,parent,cn,unit,organisation,locality,sender", [
    pytest.param(*c[1:], id=c[0], marks=[] if c[0] == "party-bloc-of-enterprises" else [PUBLIC_BODY_O]) for c in GENUINE_PERSONS])
def test_a_genuine_person_of_a_public_bodys_unit_is_not_refused(world: World, issuer: str, parent: str, cn: str,
                                                                 unit: str, organisation: str, locality: str,
                                                                 sender: str) -> None:
    """A person of a unit of a public body outside the directory (a provincial trade union, a public university, a
    public hospital, the farmers' union, the party committee of the enterprises' bloc, the radio-TV station, a public
    centre): CN the person, OU the unit, O the body. The unit's letter, mailed DKIM-proven from its mailbox. Expected
    registered. Observed: returned, `signer-not-issuer`: `vouched` reads a person's OU only under an O beginning with
    `_STATE_WORDS` ("liên đoàn" without "tổng", "trường", "bệnh viện", "hội", "đài", "trung tâm" are not), and the
    party committee of the enterprises' bloc is a firm to `_FIRM` ("DOANH NGHIEP")."""
    signer = _signer(world, cn, organisation, unit, locality)
    pdf = world.document(issuer=issuer, issuer_parent=parent, number="16/CV-VP", recipients=TO_US, place=locality)
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


GENUINE_STP_PERSON_OS = [
    ("english-order", "Bac Giang Province People's Committee"),
    ("english-order-2", "Bac Giang People's Committee"),
    ("uy-ban-dotted", "U.B.N.D tỉnh Bắc Giang"),
    ("t-abbrev", "T. Bắc Giang"),
]
@pytest.mark.parametrize("organisation", [pytest.param(o, id=i) for i, o in GENUINE_STP_PERSON_OS])  # "T.": stop 49
def test_a_genuine_person_of_so_tu_phap_under_its_province_written_otherwise_is_not_refused(
        world: World, organisation: str) -> None:
    """A person of Sở Tư pháp (CN the person, OU "Sở Tư pháp", L Bắc Giang), the O the province or the state
    written as some CAs write it (English word order, abbreviated). Mailed from Sở Tư pháp's DKIM-proven mailbox.
    Expected registered. Observed: `signer-not-issuer`: `_STATE_WORDS` is matched at the O's start only, and
    "U.B.N.D", "T.", English word order ("Bac Giang People's Committee") do not begin with one."""
    signer = _signer(world, "Nguyễn Văn Thành", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "person", sign_pdf(world.document(number="34/STP-VP", recipients=TO_US), signer, world.pki),
                sender=STP, auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


GENUINE_BODIES = [
    # id, printed issuer, printed parent, CN, O, L, sender
    ("soe-power-company", "CÔNG TY ĐIỆN LỰC BẮC GIANG", "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC", "Công ty Điện lực Bắc Giang",
     "Tổng công ty Điện lực miền Bắc", "Bắc Giang", "vanthu@bacgiang.npc.com.vn"),
    ("commune-2025", "ỦY BAN NHÂN DÂN XÃ YÊN DŨNG", None, "ỦY BAN NHÂN DÂN XÃ YÊN DŨNG", "Tỉnh Bắc Ninh", "Bắc Ninh",
     "vanthu@yendung.bacninh.gov.vn"),
    ("cooperative-alliance", "LIÊN MINH HỢP TÁC XÃ TỈNH BẮC GIANG", None, "LIÊN MINH HỢP TÁC XÃ TỈNH BẮC GIANG",
     "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "Bắc Giang", "vanthu@lmhtx.bacgiang.gov.vn"),
    ("party-bloc-own-cert", "VĂN PHÒNG ĐẢNG ỦY KHỐI", "ĐẢNG ỦY KHỐI DOANH NGHIỆP TỈNH BẮC GIANG",
     "VĂN PHÒNG ĐẢNG ỦY KHỐI", "ĐẢNG ỦY KHỐI DOANH NGHIỆP TỈNH BẮC GIANG", "Bắc Giang", "vanthu@dukdn.bacgiang.gov.vn"),
]


@pytest.mark.parametrize("issuer,parent,cn,organisation,locality,sender", [c[1:] for c in GENUINE_BODIES],
                         ids=[c[0] for c in GENUINE_BODIES])
def test_a_genuine_bodys_own_certificate_is_not_refused(world: World, issuer: str, parent: str | None, cn: str,
                                                        organisation: str, locality: str, sender: str) -> None:
    """A body outside the directory signs with its own organisation certificate (CN the body, O the body above it).
    Mailed DKIM-proven from its own mailbox. Expected registered. Observed (cooperative alliance, party bloc's office):
    `signer-not-issuer`: "liên minh" is no word of `AGENCY_WORDS` (`_names_issuer`), and an O holding "DOANH NGHIỆP"
    is a firm's to `_FIRM`, under which an agency's own CN does not speak. Held: a state-owned company, a 2025 commune."""
    signer = _signer(world, cn, organisation, None, locality)
    pdf = world.document(issuer=issuer, issuer_parent=parent, number="17/CV-VP", recipients=TO_US, place=locality)
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


# ============================================================ 5. a firm's name in the deciding name vouches for itself

def test_another_firms_employee_never_speaks_for_a_state_owned_company(world: World) -> None:
    """A letter headed "TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC / CÔNG TY ĐIỆN LỰC BẮC GIANG" (a state-owned company, outside the
    directory), signed by an employee of an unrelated firm: CN the employee, O "Công ty TNHH Minh Phát" (what the CA
    checked), OU "Công ty Điện lực Bắc Giang" (unchecked), L Bắc Giang; mailed from nowhere proven. Expected: never
    registered. `vouched` returns True for any deciding name holding a firm's word ("a firm's own name"), whatever
    the O, so the unchecked OU speaks."""
    signer = _signer(world, "Trần Văn Gian", "Công ty TNHH Minh Phát", "Công ty Điện lực Bắc Giang", "Bắc Giang")
    pdf = world.document(issuer="CÔNG TY ĐIỆN LỰC BẮC GIANG", issuer_parent="TỔNG CÔNG TY ĐIỆN LỰC MIỀN BẮC",
                         number="914/ĐLBG-VP", recipients=TO_US, place="Bắc Giang")
    out = _send(world, "soe", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, "vanthu@bacgiang.npc.com.vn")
