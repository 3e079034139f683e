"""Red team 125: the fixes of 7ea97db (red team 124's) both ways — `issuers.organisation_places`, `_spelt`,
`_CITY_SHORT`/`_HUE`/`_DOMAINS`, `_provinces_of`, `_placed_alike`, `ProvinceBody`/`_COUNCIL`, `_PROVINCE_RANK`,
`_a_parent_of_any`/`_is_a_parent`, and `_one_place`'s central O. Each test is an attack by a forger (ATTACK) or a genuine
shape (GENUINE); each asserts the right behaviour, so a failing test is a fault found."""

from __future__ import annotations


import pytest

from gateway.decision.issuers import Issuer, speaks_for
from gateway.demo.signing import sign_pdf
from gateway.directory import AgencyEntry, Directory
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from test_redteam119 import _accepted
from test_redteam123 import _forged, _genuine
from test_redteam124 import HD, HELD_ELSEWHERE, STP, UB, _codes, _entry, _sig, _write
from world import World

TAN_LAP = "vanthu@tanlap.bacgiang.gov.vn"


# ============================================================ 1. a parent column written without its province

SNN = _entry("SNN", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang", aliases=("Sở Nông nghiệp và Môi trường",))


@pytest.mark.parametrize("rows,organisation,unit,victim", [
    pytest.param([UB, _entry("BV", "Bệnh viện Đa khoa tỉnh Bắc Giang", parent=("Sở Y tế",))], "SỞ Y TẾ",
                 "Bệnh viện Đa khoa tỉnh Bắc Giang", "BV", id="hospital-parent-so-y-te-bare"),
    pytest.param([UB, SNN, _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", aliases=("Chi cục Kiểm lâm",),
                                  parent=("Sở Nông nghiệp và Môi trường",))],
                 "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Chi cục Kiểm lâm tỉnh Bắc Giang", "CCKL", id="chi-cuc-parent-so-bare"),
    pytest.param([UB, _entry("STP", "Sở Tư pháp tỉnh Bắc Giang", aliases=("Sở Tư pháp",), parent=("UBND tỉnh",))],
                 "UBND tỉnh", "Sở Tư pháp tỉnh Bắc Giang", "STP", id="so-parent-committee-bare"),
])
@pytest.mark.parametrize("state", [pytest.param(False, id="trust-roots"), pytest.param(True, id="state-roots")])
def test_a_parent_written_without_its_province_is_no_bare_o_of_any_province(rows: list[AgencyEntry], organisation: str,
                                                                            unit: str, victim: str, state: bool) -> None:
    """ATTACK. README allows the `parent` column "its province written or not": our hospital's row says "Sở Y tế" (our
    Chi cục's "Sở Nông nghiệp và Môi trường", our Sở's "UBND tỉnh"). A person of ANY province's Sở Y tế whose CA wrote
    the O bare and no L (red team 124's shape) writes OU "Bệnh viện Đa khoa tỉnh Bắc Giang". Nothing the CA checked
    names Bắc Giang. Expected: none. Observed: our hospital (Chi cục, Sở). Where: gateway/decision/issuers.py
    `_is_a_parent`: with `outside` empty, `_spellings(organisation, ∅)` is the bare O, and `_spellings(parent,
    row.places)` holds the bare parent too, so they meet; `_a_parent_of_any` (new) then vouches for the O without
    `governing_body` or the directory (the hospital case was refused at HEAD~1). Fix: a parent that names no place,
    of a province's rank or naming a province's body (Sở, UBND, HĐND…), is compared only completed with the row's
    province, and the O only completed with `outside`: a bare O with no L then meets nothing."""
    assert victim not in _codes(rows, _sig(organisation, unit, "", state=state))


def test_end_to_end_any_provinces_so_y_te_registers_a_letter_as_our_hospital(world: World) -> None:
    """ATTACK (end to end). The hospital's row names "Sở Y tế" as `parent` (its province not written); a person of
    another province's Sở Y tế (O "SỞ Y TẾ", no L, OU "Bệnh viện Đa khoa tỉnh Bắc Giang") signs a letter headed "SỞ Y
    TẾ / BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG" from a mailbox nothing proves. Expected: not registered as the hospital's,
    nothing sent to it. Where: `_is_a_parent` / `_a_parent_of_any` (above)."""
    hospital = "vanthu@bvdk.bacgiang.gov.vn"
    _write(world, [("000.31.23.H06", "Bệnh viện Đa khoa tỉnh Bắc Giang", hospital, "", "", "Sở Y tế")])
    out = _forged(world, "SỞ Y TẾ", "Bệnh viện Đa khoa tỉnh Bắc Giang", "", "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG",
                  "SỞ Y TẾ", "997/BVĐK")
    _nothing_for_a_forger(out, hospital)


# ============================================================ 2. a placeless row whose mailbox is not on .gov.vn

TL = _entry("TL", "UBND xã Tân Lập", TAN_LAP)
TH_EDU = _entry("TH", "Trường Tiểu học Tân Lập", "c1tanlap@bacgiang.edu.vn", parent=("UBND xã Tân Lập",))


@pytest.mark.parametrize("organisation,unit,cn", [
    pytest.param("UBND xã Tân Lập", "Trường Tiểu học Tân Lập", "Trần Văn Gian", id="school-person"),
    pytest.param("ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "", "TRƯỜNG TIỂU HỌC TÂN LẬP", id="school-organisation-certificate"),
])
def test_another_provinces_commune_never_speaks_for_our_school_on_edu_vn(organisation: str, unit: str, cn: str) -> None:
    """ATTACK. Red team 124's Lạng Sơn attack on our Trường Tiểu học Tân Lập, the school's mailbox as schools have them,
    on the province's education domain ("c1tanlap@bacgiang.edu.vn"), its `parent` our commune (on bacgiang.gov.vn).
    Lạng Sơn's school person (O "UBND xã Tân Lập", L "Lạng Sơn"). Expected: none. Observed: our school's. Where:
    issuers.py `_provinces_of` reads ".gov.vn" domains only, so the school has no province; `_placed_alike` and
    `_is_a_parent` then skip their province test ("if it gives one" is read of the row, not the certificate). Fix:
    read "<province>.edu.vn" too, and a placeless row with no province of its own takes its parent row's (the commune's
    mailbox: Bắc Giang); a row whose province nothing proves is no certificate's that names a province."""
    assert _codes([UB, TL, TH_EDU], _sig(organisation, unit, "Lạng Sơn", cn)) == []


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 125: a row whose names and mailbox say no "
                                       "province is any province's")
def test_another_provinces_commune_never_speaks_for_our_commune_whose_mailbox_is_not_official() -> None:
    """ATTACK. Our "UBND xã Tân Lập" row, its mailbox the commune's own webmail ("ubndxatanlap@gmail.com", as many
    communes' are). Lạng Sơn's xã Tân Lập's own certificate (CN = O = "UBND xã Tân Lập", L "Lạng Sơn"). Expected: none
    (the row is nowhere placed; a certificate naming another province cannot be shown to be ours). Observed: ours.
    Where: issuers.py `_placed_alike`: `not provinces` → True. Fix: a placeless row of no known province is no
    certificate's that names a province (held for the clerk), or take its province from its group/parent."""
    row = _entry("TL", "UBND xã Tân Lập", "ubndxatanlap@gmail.com")
    assert _codes([UB, row], _sig("UBND xã Tân Lập", "", "Lạng Sơn", "UBND xã Tân Lập")) == []


# ============================================================ 3. the council is not the committee: but "Tỉnh …" is both

def test_a_genuine_councils_own_certificate_under_the_provinces_o_is_spoken_for() -> None:
    """GENUINE. Ban Cơ yếu's "Cơ quan chứng thực số Chính phủ" writes every body of a province under the O "Tỉnh …"
    (real files 011, 017: "Ủy ban nhân dân huyện Đắk R-lấp" and "Sở Tài chính", O "Tỉnh Đắk Nông"). The council's
    own certificate so: CN "Hội đồng nhân dân tỉnh Bắc Giang", O "Tỉnh Bắc Giang", L "Bắc Giang". Expected: the
    council. Observed: none (held; passed at HEAD~1). Where: issuers.py `_committee_of_a_province` makes "Tỉnh …" a
    `ProvinceBody(council=False)`, and `_committee_of` requires `committee.council == _COUNCIL(agency)`. Fix: the
    province itself ("Tỉnh …", "Thành phố …" with no body's words) is above both its committee and its council:
    `ProvinceBody.council` None for it, matching either."""
    assert _codes([UB, HD], _sig("Tỉnh Bắc Giang", "", "Bắc Giang", "Hội đồng nhân dân tỉnh Bắc Giang")) == ["HD"]


# ============================================================ 4. the new ranks take in a district's or a city's office

@pytest.mark.parametrize("committee,name", [
    pytest.param(("UBC", "UBND thành phố Bắc Giang", "ubnd@tpbg.bacgiang.gov.vn"), "Thanh tra thành phố Bắc Giang",
                 id="city-inspectorate"),
    pytest.param(("UBC", "UBND thành phố Bắc Giang", "ubnd@tpbg.bacgiang.gov.vn"), "Văn phòng UBND thành phố Bắc Giang",
                 id="city-committees-office"),
    pytest.param(("UBH", "UBND huyện Lục Ngạn", "ubnd@lucngan.bacgiang.gov.vn"), "Văn phòng UBND huyện Lục Ngạn",
                 id="district-committees-office"),
])
def test_a_genuine_office_of_a_district_level_committee_under_that_committee_is_spoken_for(committee: tuple[str, str, str],
                                                                                           name: str) -> None:
    """GENUINE. A district's or a province's city's committee office (its inspectorate), a row without `parent` as
    directories before the column have them; its person's O its own committee, OU the office, L "Bắc Giang".
    Expected: the office. Observed: none (held; passed at HEAD~1). Where: issuers.py `_PROVINCE_RANK` now takes every
    "VĂN PHÒNG UBND …" and "THANH TRA THÀNH PHỐ …" as of a Sở's rank, so `_under_any` asks the PROVINCE's committee
    (`_committee_of`), which "UBND thành phố Bắc Giang" / "UBND huyện Lục Ngạn" is not. Fix: the rank only at the
    province's level ("VĂN PHÒNG UBND TỈNH …", "… THÀNH PHỐ <a central city>", "THANH TRA TỈNH …"), or let such an
    office answer to the committee whose name it ends with (a row of the directory: `own`)."""
    rows = [UB, _entry(*committee), _entry("OFF", name, "vanphong@x.bacgiang.gov.vn")]
    assert _codes(rows, _sig(committee[1], name)) == ["OFF"]


@pytest.mark.parametrize("name,locality,mailbox", [
    pytest.param("Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", "Bắc Giang", "vp@hdnd.bacgiang.gov.vn",
                 id="councils-office-no-parent"),
    pytest.param("Văn phòng HĐND tỉnh Bắc Giang", "Bắc Giang", "vp@hdnd.bacgiang.gov.vn", id="councils-office-old-name"),
    pytest.param("Thanh tra TP. Hà Nội", "Hà Nội", "thanhtra@hanoi.gov.vn", id="inspectorate-tp-dot"),
])
def test_a_body_of_a_sos_rank_however_named_answers_to_its_committee_alone(name: str, locality: str, mailbox: str) -> None:
    """ATTACK. The council's office (NĐ 24/2014 Đ8's rank as the committee's office) written without `parent`, and an
    inspectorate written "Thanh tra TP. Hà Nội". A commune's person (O "UBND xã Tân Liễu") writes the office in his OU.
    Expected: none, as red team 124's "Văn phòng UBND tỉnh" now is. Observed: the office's. Where: issuers.py
    `_PROVINCE_RANK` knows "VĂN PHÒNG UBND|ỦY BAN NHÂN DÂN" but not "VĂN PHÒNG (ĐOÀN ĐBQH VÀ )?HĐND", and "THANH TRA
    TP\\s" misses "TP." (`_folded` keeps dots). Fix: add the council's office (answering to the council) and read
    "TP." as "TP" (drop dots in `_folded`)."""
    row = _entry("OFF", name, mailbox)
    assert _codes([UB, HD, row], _sig("UBND xã Tân Liễu", name, locality)) == []


# ============================================================ 5. a central body's O: the L no longer vetoes

@pytest.mark.parametrize("organisation", ["Ngân hàng Chính sách xã hội", "BỘ CÔNG AN", "CỤC THUẾ", "Quân khu 1"])
def test_any_non_committee_o_registered_in_our_province_never_speaks_for_another_provinces_so(organisation: str) -> None:
    """ATTACK. A person of the policy bank's (or any central body's) Bắc Giang branch, L "Bắc Giang", writes OU "Sở Tư
    pháp tỉnh Lạng Sơn" and signs a letter headed "UBND TỈNH LẠNG SƠN / SỞ TƯ PHÁP" (an issuer outside our directory).
    Expected: his signature does not speak for Lạng Sơn's Sở (at HEAD~1 the L vetoed it). Observed: it does. Where:
    issuers.py `_one_place`: every O that `_PROVINCE_RANK` does not match is taken as a "central body" whose L is only
    where the person lives, so the OU's province stands; `speaks_for` (outside the directory) asks `vouched`
    (`governing_body`) and `_names_issuer` only. Fix: let the OU's province stand against the L only where the O is
    the agency's `parent` (the row names it: `_is_a_parent`), never for an issuer outside the directory, nor for an O
    that is not that unit's body."""
    signature = _sig(organisation, "Sở Tư pháp tỉnh Lạng Sơn", "Bắc Giang")
    assert not speaks_for(signature, Issuer("SỞ TƯ PHÁP", "UBND TỈNH LẠNG SƠN", None), Directory([UB, STP]))


def test_a_central_bodys_person_registered_elsewhere_never_speaks_for_our_unit_it_does_not_govern() -> None:
    """ATTACK. Our Trung tâm Phục vụ hành chính công (a unit of the committee, no `parent`: "any O of the state"). A
    Bộ Công an officer registered in Lạng Sơn (L "Lạng Sơn") writes OU "Trung tâm Phục vụ hành chính công tỉnh Bắc
    Giang". Expected: none (refused at HEAD~1: two provinces). Observed: the centre's. Where: `_one_place` (above): the
    L's veto is dropped for every O but a province's rank, not only for the O the row names as its parent. Fix: as
    above."""
    row = _entry("TT", "Trung tâm Phục vụ hành chính công tỉnh Bắc Giang")
    assert _codes([UB, row], _sig("Bộ Công an", "Trung tâm Phục vụ hành chính công tỉnh Bắc Giang", "Lạng Sơn")) == []


def test_end_to_end_a_policy_bank_employee_registers_a_letter_as_lang_sons_so(world: World) -> None:
    """ATTACK (end to end). The policy bank's employee (O "Ngân hàng Chính sách xã hội", L "Bắc Giang", OU "Sở Tư pháp
    tỉnh Lạng Sơn") signs a letter headed "UBND TỈNH LẠNG SƠN / SỞ TƯ PHÁP" and mails it to us from a mailbox nothing
    proves. Expected: not registered on that signature (held or returned). Where: `_one_place` (above)."""
    _write(world, [])
    out = _forged(world, "Ngân hàng Chính sách xã hội", "Sở Tư pháp tỉnh Lạng Sơn", "Bắc Giang", "SỞ TƯ PHÁP",
                  "UBND TỈNH LẠNG SƠN", "998/STP-VP", place="Lạng Sơn")
    _nothing_for_a_forger(out)


# ============================================================ 6. Huế's two names, and merged provinces

@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 125: the committee of the former city of Huế "
                                       "(before 2025) reads as the city's")
def test_the_former_district_level_city_of_hue_never_speaks_for_the_provinces_so() -> None:
    """ATTACK (debatable). Until 2025 "thành phố Huế" was a city of the province of Thừa Thiên Huế, its committee of a
    district's rank; its person's certificate (valid five years) reads O "UBND thành phố Huế", L "Thừa Thiên Huế" (the
    province it was in: the central city's CA writes L "Huế"). He writes OU "Sở Tư pháp". Our row: "Sở Tư pháp tỉnh
    Thừa Thiên Huế". Expected: none (refused at HEAD~1). Observed: the Sở's. Where: issuers.py `_HUE` / `_spelt` make
    HUE and THUA THIEN HUE one place, and `_committee_of_a_province` takes "thành phố Huế" as a central city. Fix: the
    city's committee with an L "Thừa Thiên Huế" is the former city's, not the province's."""
    row = _entry("SH", "Sở Tư pháp tỉnh Thừa Thiên Huế", "stp@thuathienhue.gov.vn")
    assert _codes([row], _sig("UBND thành phố Huế", "Sở Tư pháp", "Thừa Thiên Huế")) == []


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 125: the 2025 mergers of provinces are not known: "
                                       "a mailbox's old province is not its new one")
def test_a_genuine_commune_of_a_merged_province_whose_mailbox_kept_the_old_domain_is_spoken_for() -> None:
    """GENUINE (debatable). On 2025-07-01 Bắc Giang was merged into Bắc Ninh; our commune's row keeps its mailbox on
    bacgiang.gov.vn, its new certificate says L "Bắc Ninh" (CN = O = "UBND xã Tân Lập"). Expected: the commune (passed
    at HEAD~1). Observed: none (held). Where: issuers.py `_placed_alike` compares the mailbox's province with the
    certificate's, and nothing knows the 2025 mergers. Fix: a table of the merged provinces (the former names of the
    new ones) in `_spelt`/`_same_province`, or README: the operator moves such mailboxes' rows to the new domain."""
    assert _codes([UB, TL], _sig("UBND xã Tân Lập", "", "Bắc Ninh", "UBND xã Tân Lập")) == ["TL"]


@pytest.mark.parametrize("rows,organisation,unit,locality,code", [
    pytest.param([UB, TL], "UBND xã Tân Lập", "", "Sóc Trăng", "TL", id="commune-person"),
    pytest.param([UB, TL, _entry("TH", "Trường Tiểu học Tân Lập", "vanthu@thtanlap.bacgiang.gov.vn",
                                 parent=("UBND xã Tân Lập",))], "UBND xã Tân Lập", "Trường Tiểu học Tân Lập", "Hà Nội", "TH",
                 id="school-person"),
    pytest.param([UB, _entry("UBH", "UBND huyện Lục Ngạn", "ubnd@lucngan.bacgiang.gov.vn"),
                  _entry("PTP", "Phòng Tư pháp huyện Lục Ngạn", "ptp@lucngan.bacgiang.gov.vn", parent=("UBND huyện Lục Ngạn",))],
                 "UBND huyện Lục Ngạn", "Phòng Tư pháp huyện Lục Ngạn", "Hà Nội", "PTP", id="district-office-person"),
])
@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 124, 125: a person registered in another "
                                       "province does not speak for a row whose names say no place")
def test_a_genuine_person_of_a_placeless_row_registered_in_another_province_is_spoken_for(
        rows: list[AgencyEntry], organisation: str, unit: str, locality: str, code: str) -> None:
    """GENUINE (in tension with red team 124's Lạng Sơn commune). A person's L is where the person was registered, not
    the body's province (real file 020: a Lâm Đồng Sở's person, L "Sóc Trăng"; README: "the L of a person's certificate
    is where the person was registered"). Our commune's (school's, district office's) person, O the commune's committee
    as our directory writes it (no province), L "Sóc Trăng" / "Hà Nội". Expected: the body (passed at HEAD~1).
    Observed: none (held, or returned to its proven mailbox). Where: issuers.py `_placed_alike` (and `_is_a_parent`)
    take the L of a PERSON's certificate as the row's province and refuse. Fix: let only an organisation's certificate's
    L (CN the body), or an O naming a province, place a placeless row; a person's L alone neither places nor vetoes it
    (Lạng Sơn's same-named commune's person is then told apart only by the sender: hold, never register, where the
    mailbox is not proven)."""
    assert _codes(rows, _sig(organisation, unit, locality)) == [code]


@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 124, 125: a person registered in another "
                                       "province does not speak for a row whose names say no place")
def test_end_to_end_a_genuine_communes_letter_signed_by_its_person_registered_elsewhere_is_registered(world: World) -> None:
    """GENUINE (end to end). Our commune's chairman's certificate (O "UBND xã Tân Lập", L "Sóc Trăng", where he was
    registered), a letter headed "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", DKIM-proven from the commune's mailbox. Expected:
    registered. Observed: returned (signer-not-issuer). Where: `_placed_alike` (above)."""
    _write(world, [("000.24.09.H06", "UBND xã Tân Lập", TAN_LAP, "", "", "")])
    out = _genuine(world, "UBND xã Tân Lập", "", "Sóc Trăng", "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", None, TAN_LAP, "1000/UBND-VP")
    _accepted(out, TAN_LAP)


# ============================================================ 7. genuine: the committee without an L

@pytest.mark.parametrize("organisation", ["UBND TP.HCM", "Ủy ban nhân dân TP.HCM", "Ho Chi Minh City People's Committee"])
def test_a_genuine_so_person_under_the_citys_committee_without_an_l_is_spoken_for(organisation: str) -> None:
    """GENUINE (minor). Sở Tư pháp of Hồ Chí Minh City, its person's O the city's committee as CAs write it, no L.
    Expected: the Sở ("UBND TP. HCM", with a space, passes). Observed: none. Where: issuers.py `_place_outside` reads
    the O's place by `place_of` / `_province_alone` only, never by `_province_committee`, which knows these names.
    Fix: take `_province_committee(O).province` as the O's place."""
    row = _entry("S", "Sở Tư pháp Thành phố Hồ Chí Minh", "stp@tphcm.gov.vn")
    assert _codes([row], _sig(organisation, "Sở Tư pháp", "")) == ["S"]


# ============================================================ 8. what held (guards)

def test_guard_a_parent_o_vouches_for_its_own_unit_never_for_a_sibling_so() -> None:
    """ATTACK (held). Our Sở Y tế's person (O "SỞ Y TẾ TỈNH BẮC GIANG", the hospital's `parent`) writes OU "Sở Tư
    pháp": the parent vouches for its hospital alone."""
    rows = [UB, STP, _entry("BV", "Bệnh viện Đa khoa tỉnh Bắc Giang", parent=("Sở Y tế tỉnh Bắc Giang",))]
    assert _codes(rows, _sig("SỞ Y TẾ TỈNH BẮC GIANG", "Sở Tư pháp")) == []


@pytest.mark.parametrize("mailbox", ["vanthu@tanlap.bacgiang.gov.vn.", "VANTHU@TANLAP.BACGIANG.GOV.VN",
                                     "vanthu@bacgiang.gov.vn", "vanthu@quangninh.bacgiang.gov.vn"])
def test_guard_a_mailbox_written_otherwise_keeps_its_province(mailbox: str) -> None:
    """ATTACK (held). Our commune's mailbox with a trailing dot, in capitals, on the province's own domain or under a
    label named like another province: Lạng Sơn's (Quảng Ninh's) xã Tân Lập is not ours; ours is."""
    row = _entry("TL", "UBND xã Tân Lập", mailbox)
    assert _codes([UB, row], _sig("UBND xã Tân Lập", "", "Lạng Sơn", "UBND xã Tân Lập")) == []
    assert _codes([UB, row], _sig("UBND xã Tân Lập", "", "Quảng Ninh", "UBND xã Tân Lập")) == []
    assert _codes([UB, row], _sig("UBND xã Tân Lập", "", "Bắc Giang", "UBND xã Tân Lập")) == ["TL"]


@pytest.mark.parametrize("organisation,locality", [("Bộ Công an", "Lạng Sơn"), ("Cục Thuế", "Hà Nội"),
                                                   ("UBND tỉnh Lạng Sơn", "Bắc Giang"), ("HĐND tỉnh Bắc Giang", "Bắc Giang")])
def test_guard_a_central_o_or_another_body_never_speaks_for_our_so(organisation: str, locality: str) -> None:
    """ATTACK (held). A central body's person registered elsewhere, another province's committee, our council: OU
    "Sở Tư pháp tỉnh Bắc Giang" speaks for nobody."""
    assert _codes([UB, HD, STP], _sig(organisation, "Sở Tư pháp tỉnh Bắc Giang", locality)) == []


@pytest.mark.parametrize("organisation,unit,row,locality", [
    pytest.param("BỘ CÔNG AN", "CÔNG AN TỈNH BẮC GIANG", ("CA", "Công an tỉnh Bắc Giang", None, (), ("Bộ Công an",)),
                 "Hà Nội", id="police-registered-in-ha-noi", marks=HELD_ELSEWHERE),
    pytest.param("UBND tỉnh Thừa Thiên Huế", "UBND phường Phú Hội", ("PH", "UBND phường Phú Hội", "ubnd@phuhoi.hue.gov.vn",
                                                                    (), ()), "Thừa Thiên Huế", id="hue-ward-old-name"),
    pytest.param("HĐND tỉnh Bắc Giang", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang",
                 ("VPHD", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", None, (), ("HĐND tỉnh Bắc Giang",)), "Bắc Giang",
                 id="council-person-for-its-office"),
    pytest.param("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "VĂN PHÒNG ỦY BAN NHÂN DÂN",
                 ("VPUB", "Văn phòng UBND tỉnh Bắc Giang", None, ("Văn phòng Ủy ban nhân dân tỉnh Bắc Giang",), ()),
                 "Bắc Giang", id="real-file-022-committees-office"),
])
def test_guard_genuine_shapes_the_fix_opened(organisation: str, unit: str,
                                            row: tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]],
                                            locality: str) -> None:
    """GENUINE (held). The province's police officer registered in Hà Nội; a Huế ward under the province's old
    committee name; the council's person for its office; real file 022's committee office person (OU "VĂN PHÒNG ỦY BAN
    NHÂN DÂN", O the committee)."""
    code, name, mailbox, aliases, parent = row
    entry = _entry(code, name, mailbox, aliases=aliases, parent=parent)
    assert _codes([UB, HD, entry], _sig(organisation, unit, locality)) == [code]


def test_end_to_end_a_genuine_councils_letter_under_the_provinces_o_is_registered(world: World) -> None:
    """GENUINE (end to end). The council's own certificate as Ban Cơ yếu's "Cơ quan chứng thực số Chính phủ" writes a
    province's bodies (CN "Hội đồng nhân dân tỉnh Bắc Giang", O "Tỉnh Bắc Giang", L "Bắc Giang"), a letter headed
    "HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG", DKIM-proven from the council's mailbox. Expected: registered. Where:
    `_committee_of` (section 3)."""
    council = "vanthu@hdnd.bacgiang.gov.vn"
    _write(world, [("000.00.02.H06", "HĐND tỉnh Bắc Giang", council, "HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG", "", "")])
    signer = _signer(world, "Hội đồng nhân dân tỉnh Bắc Giang", "Tỉnh Bắc Giang", None, "Bắc Giang")
    pdf = world.document(issuer="HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG", issuer_parent=None, number="999/HĐND-VP",
                         recipients=TO_US, place="Bắc Giang")
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=council, auth="dkim")
    _accepted(out, council)
