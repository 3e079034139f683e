"""Red team 126: a forger at red teams 124 and 125's fixes — `issuers._under_its_parent_registered_elsewhere`,
`_parent_spellings`, `ProvinceBody.council = None`, `_PROVINCE_LEVEL`/`_COUNCILS_OFFICE` in `_PROVINCE_RANK`/`_COUNCIL`,
`.edu.vn` in `_provinces_of`, `_place_outside` asking `_province_committee`, `organisation_places`, `_placed_alike`,
`_a_parent_of_any`/`_is_a_parent`, `_spelt`/`_CITY_SHORT`. Each test is an attack by a forger (ATTACK) or a genuine
shape (GENUINE); each asserts the right behaviour, so a failing test is a fault found."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam114 import _nothing_for_a_forger
from test_redteam119 import _accepted
from test_redteam123 import _forged, _genuine
from test_redteam124 import HD, HELD_ELSEWHERE, STP, UB, _codes, _entry, _sig, _write
from world import World

# ============================================================ 1. a province's body written bare as a `parent`, not of a Sở's rank

CA = _entry("CA", "Công an tỉnh Bắc Giang", parent=("Bộ Công an",))
CA_ALIASED = _entry("CA", "Công an tỉnh Bắc Giang", aliases=("Công an tỉnh",), parent=("Bộ Công an",))  # the world's row
GT = _entry("GT", "Phòng Cảnh sát giao thông Công an tỉnh Bắc Giang", parent=("Công an tỉnh",))
TCS = _entry("TCS", "Thuế cơ sở 3 tỉnh Bắc Giang", parent=("Thuế tỉnh",))
GT_NAME, TCS_NAME = GT.name, TCS.name


@pytest.mark.parametrize("rows,organisation,unit,locality,victim", [
    pytest.param([UB, CA, GT], "CÔNG AN TỈNH", GT_NAME, "Lạng Sơn", "GT", id="police-l-lang-son"),
    pytest.param([UB, CA_ALIASED, GT], "CÔNG AN TỈNH", GT_NAME, "Lạng Sơn", "GT", id="police-l-lang-son-row-aliased"),
    pytest.param([UB, CA, GT], "CÔNG AN TỈNH", GT_NAME, "", "GT", id="police-no-l"),
    pytest.param([UB, TCS], "THUẾ TỈNH", TCS_NAME, "Lạng Sơn", "TCS", id="tax-2025-l-lang-son"),
    pytest.param([UB, TCS], "THUẾ TỈNH", TCS_NAME, "", "TCS", id="tax-2025-no-l"),
])
def test_a_bare_provincial_body_of_another_province_never_speaks_for_our_unit(rows: list[AgencyEntry], organisation: str,
                                                                              unit: str, locality: str, victim: str) -> None:
    """ATTACK. Our traffic police's row names its parent "Công an tỉnh" (README: "its province written or not"; the
    world's own police row has that very alias), our Thuế cơ sở 3's "Thuế tỉnh". Lạng Sơn's police officer (tax officer),
    whose CA wrote the O bare as red teams 124/125's "SỞ Y TẾ" and the L "Lạng Sơn", writes our unit in his OU. The
    only province the CA checked is Lạng Sơn. Expected: none. Observed: our unit. Where: issuers.py
    `_under_its_parent_registered_elsewhere` sets the L aside because the bare O "is" the row's parent, and
    `_parent_spellings` keeps a bare parent as any province's bare O unless `_PROVINCE_RANK` matches it ("CÔNG AN
    TỈNH", "THUẾ TỈNH" are no Sở); with no L, `_is_a_parent` (outside empty) compares the bare O with the bare parent.
    Fix: in `_parent_spellings`, any parent naming no place whose row has a province (its names or `_provinces_of`) is
    compared only completed with that province, never bare; the L is set aside only for a parent that is one body
    nationwide (no level word: "Bộ Công an", "Cục Thuế"), never for a province's body written without its province."""
    assert victim not in _codes(rows, _sig(organisation, unit, locality))


def test_end_to_end_lang_sons_police_officer_registers_a_letter_as_our_traffic_police(world: World) -> None:
    """ATTACK (end to end). Our traffic police's row names "Công an tỉnh" as `parent` (the world's police row has that
    alias). Lạng Sơn's officer (O "CÔNG AN TỈNH", L "Lạng Sơn", OU our unit) signs a letter headed "CÔNG AN TỈNH BẮC
    GIANG / PHÒNG CẢNH SÁT GIAO THÔNG" from a mailbox nothing proves. Expected: not registered as our unit's, nothing
    sent to it. Where: `_under_its_parent_registered_elsewhere` / `_parent_spellings` (above)."""
    unit = "vanthu@pcsgt.congan.bacgiang.gov.vn"
    _write(world, [("000.02.20.H06", GT_NAME, unit, "", "", "Công an tỉnh")])
    out = _forged(world, "CÔNG AN TỈNH", GT_NAME, "Lạng Sơn", "PHÒNG CẢNH SÁT GIAO THÔNG", "CÔNG AN TỈNH BẮC GIANG",
                  "1001/PCSGT")
    _nothing_for_a_forger(out, unit)


@pytest.mark.parametrize("rows,organisation,unit,code", [
    pytest.param([UB, CA, GT], "Công an tỉnh Bắc Giang", GT_NAME, "GT", id="police"),
    pytest.param([UB, TCS], "Thuế tỉnh Bắc Giang", TCS_NAME, "TCS", id="tax-2025"),
])
def test_a_genuine_person_under_a_parent_written_with_its_level_but_not_its_province_is_spoken_for(
        rows: list[AgencyEntry], organisation: str, unit: str, code: str) -> None:
    """GENUINE (the other way of section 1's fix). Our police's own officer (O "Công an tỉnh Bắc Giang", L "Bắc Giang")
    for our traffic police, whose `parent` is written "Công an tỉnh"; our Thuế tỉnh's for Thuế cơ sở 3 ("Thuế tỉnh").
    Expected: the unit. Observed: none (held), unless the province's row happens to carry the alias "Công an tỉnh".
    Where: issuers.py `_parent_spellings` completes with "<parent> <province>" only a parent of `_PROVINCE_RANK`;
    `_spellings` writes "Công an tỉnh tỉnh BẮC GIANG" (the level twice), so the O never meets it. Fix: complete every
    parent that names no place with its row's province ("<parent> <province>" where it ends with its level)."""
    assert _codes(rows, _sig(organisation, unit, "Bắc Giang")) == [code]


# ============================================================ 2. a row whose names say no place: its bare parent stays bare

NSL = _entry("NSL", "Trường THPT Ngô Sĩ Liên", "c3ngosilien@bacgiang.edu.vn", parent=("Sở Giáo dục và Đào tạo",))
BQL = _entry("BQL", "Ban Quản lý các khu công nghiệp", "bqlkcn@bacgiang.gov.vn", parent=("UBND tỉnh",))
SGD = _entry("SGD", "Sở Giáo dục và Đào tạo tỉnh Bắc Giang", aliases=("Sở Giáo dục và Đào tạo",))


@pytest.mark.parametrize("rows,organisation,unit,victim", [
    pytest.param([UB, NSL], "SỞ GIÁO DỤC VÀ ĐÀO TẠO", NSL.name, "NSL", id="school-on-edu-vn"),
    pytest.param([UB, SGD, NSL], "SỞ GIÁO DỤC VÀ ĐÀO TẠO", NSL.name, "NSL", id="school-our-so-listed"),
    pytest.param([UB, BQL], "UBND tỉnh", BQL.name, "BQL", id="industrial-zones-board-parent-ubnd-tinh"),
])
@pytest.mark.parametrize("state", [pytest.param(False, id="trust-roots"), pytest.param(True, id="state-roots")])
def test_a_bare_o_never_speaks_for_a_placeless_row_whose_parent_is_of_a_provinces_rank(
        rows: list[AgencyEntry], organisation: str, unit: str, victim: str, state: bool) -> None:
    """ATTACK. Red team 125's fix, for a row whose names say no place: our Trường THPT Ngô Sĩ Liên (mailbox on
    bacgiang.edu.vn, `parent` "Sở Giáo dục và Đào tạo"), our "Ban Quản lý các khu công nghiệp" (bacgiang.gov.vn,
    `parent` "UBND tỉnh"). ANY province's Sở's person whose CA wrote the O bare and no L writes our unit in his OU.
    Expected: none (as red team 125's hospital now is). Observed: our unit. Where: issuers.py `_parent_spellings`
    drops the bare spelling only `if places`: the row's NAMES' places (empty here), never its mailbox's province, so
    the bare "Sở Giáo dục và Đào tạo" / "UBND tỉnh" stays; `_is_a_parent` skips its province test as `outside` is
    empty. Fix: pass `row.places or _provinces_of(row)` to `_parent_spellings` and use it for `around` too."""
    assert victim not in _codes(rows, _sig(organisation, unit, "", state=state))


def test_end_to_end_any_provinces_so_registers_a_letter_as_our_placeless_school(world: World) -> None:
    """ATTACK (end to end). Our school's row ("Trường THPT Ngô Sĩ Liên", c3ngosilien@bacgiang.edu.vn, `parent` "Sở
    Giáo dục và Đào tạo"). Another province's Sở GD&ĐT person (O "SỞ GIÁO DỤC VÀ ĐÀO TẠO", no L, OU the school) signs a
    letter headed "SỞ GIÁO DỤC VÀ ĐÀO TẠO / TRƯỜNG THPT NGÔ SĨ LIÊN" from a mailbox nothing proves. Expected: not
    registered as the school's. Where: `_parent_spellings` / `_is_a_parent` (above)."""
    school = "c3ngosilien@bacgiang.edu.vn"
    _write(world, [("000.40.31.H06", NSL.name, school, "", "", "Sở Giáo dục và Đào tạo")])
    out = _forged(world, "SỞ GIÁO DỤC VÀ ĐÀO TẠO", NSL.name, "", "TRƯỜNG THPT NGÔ SĨ LIÊN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                  "1002/THPT")
    _nothing_for_a_forger(out, school)


def test_a_genuine_so_person_for_its_placeless_school_is_spoken_for() -> None:
    """GENUINE (the other way of section 2's fix). Our Sở GD&ĐT's own person (O "Sở Giáo dục và Đào tạo tỉnh Bắc Giang",
    L "Bắc Giang") for our school whose `parent` is written "Sở Giáo dục và Đào tạo", the Sở not a row of the directory
    (README: "an O the `parent` column names vouches for it even where the directory does not list that body").
    Expected: the school. Observed: none. Where: issuers.py `_is_a_parent`: `around` is the row's NAMES' places (none),
    so the O is not read bare-with-province, and `_parent_spellings(parent, ∅)` is the bare parent alone. Fix: as
    above, the row's mailbox's province as its place there."""
    assert _codes([UB, NSL], _sig("Sở Giáo dục và Đào tạo tỉnh Bắc Giang", NSL.name, "Bắc Giang")) == ["NSL"]


def test_guard_genuine_committee_for_its_placeless_board_and_school_under_a_listed_so() -> None:
    """GENUINE (held; must still pass after the fix). Our committee's person for the board whose `parent` is "UBND
    tỉnh"; our Sở GD&ĐT's person for the school where the Sở is a row of the directory."""
    assert _codes([UB, BQL], _sig("UBND tỉnh Bắc Giang", BQL.name, "Bắc Giang")) == ["BQL"]
    assert _codes([UB, SGD, NSL], _sig("Sở Giáo dục và Đào tạo tỉnh Bắc Giang", NSL.name, "Bắc Giang")) == ["NSL"]


# ============================================================ 3. the rank: the committee's and the council's bodies as written

@pytest.mark.parametrize("name", [
    pytest.param("VP UBND tỉnh Bắc Giang", id="committees-office-vp"),
    pytest.param("Văn phòng ĐĐBQH và HĐND tỉnh Bắc Giang", id="councils-office-ddbqh"),
    pytest.param("Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Giang", id="merged-office-quang-ninh-shape"),
    pytest.param("Thường trực HĐND tỉnh Bắc Giang", id="councils-standing-committee"),
    pytest.param("Ban Dân tộc tỉnh Bắc Giang", id="ban-dan-toc-debatable"),
])
def test_a_body_of_the_provinces_rank_written_otherwise_answers_to_its_committee_or_council_alone(name: str) -> None:
    """ATTACK. Rows written as offices write them, without `parent`: the committee's office "VP UBND tỉnh", the council's
    office "Văn phòng ĐĐBQH và HĐND tỉnh" (the common abbreviation), the merged office of a pilot province ("Văn phòng
    Đoàn ĐBQH, HĐND và UBND tỉnh": Quảng Ninh's shape), the council's standing committee ("Thường trực HĐND", which
    signs for the council), and (debatable: README lists "a Ban" among any O's units) Ban Dân tộc, a specialised body
    of the committee (NĐ 24/2014 Đ9) as the office and inspectorate are. A commune's person (O "UBND xã Tân Liễu", L
    "Bắc Giang") writes the row in his OU. Expected: none (as red teams 124/125's "Văn phòng UBND tỉnh" and "Văn phòng
    Đoàn ĐBQH và HĐND tỉnh" now are). Observed: the row's. Where: issuers.py `_PROVINCE_RANK` / `_COUNCILS_OFFICE` know
    "VĂN PHÒNG (UBND|ỦY BAN NHÂN DÂN)" and "VĂN PHÒNG (ĐOÀN (ĐBQH|…) VÀ )?HĐND" only, so `_under_any` lets any O.
    Fix: "VP" for "VĂN PHÒNG", "ĐĐBQH", the merged office (committee or council: either), "THƯỜNG TRỰC HĐND" (and the
    council's Ban) under `_COUNCIL`; or hold a row of the province's level with no `parent` for any O but the committee's
    or council's (a row's words "tỉnh <its province>" with no body below)."""
    row = _entry("R", name)
    assert _codes([UB, HD, row], _sig("UBND xã Tân Liễu", name, "Bắc Giang")) == []


def test_end_to_end_a_communes_person_registers_a_letter_as_the_councils_standing_committee(world: World) -> None:
    """ATTACK (end to end). The council's standing committee's row ("Thường trực HĐND tỉnh Bắc Giang", no `parent`). A
    commune's person (O "UBND xã Tân Liễu", L "Bắc Giang") signs a letter headed "HĐND TỈNH BẮC GIANG / THƯỜNG TRỰC HĐND
    TỈNH BẮC GIANG", mailed from a mailbox nothing proves. Expected: not registered as its. Where: `_PROVINCE_RANK`,
    `_COUNCIL` (above)."""
    standing = "thuongtruc@hdnd.bacgiang.gov.vn"
    _write(world, [("000.00.04.H06", "Thường trực HĐND tỉnh Bắc Giang", standing, "", "", "")])
    out = _forged(world, "UBND xã Tân Liễu", "Thường trực HĐND tỉnh Bắc Giang", "Bắc Giang",
                  "THƯỜNG TRỰC HĐND TỈNH BẮC GIANG", "HĐND TỈNH BẮC GIANG", "1003/TTHĐND")
    _nothing_for_a_forger(out, standing)


@pytest.mark.parametrize("organisation,name", [
    pytest.param("UBND tỉnh Bắc Giang", "VP UBND tỉnh Bắc Giang", id="committee-for-its-office"),
    pytest.param("HĐND tỉnh Bắc Giang", "Văn phòng ĐĐBQH và HĐND tỉnh Bắc Giang", id="council-for-its-office"),
    pytest.param("HĐND tỉnh Bắc Giang", "Thường trực HĐND tỉnh Bắc Giang", id="council-for-its-standing-committee"),
    pytest.param("Tỉnh Bắc Giang", "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Giang", id="province-for-merged-office"),
])
def test_guard_genuine_committee_or_council_for_its_own_office(organisation: str, name: str) -> None:
    """GENUINE (held; must still pass after section 3's fix): the committee's person for its office, the council's for
    its office and standing committee, the province's own O (Ban Cơ yếu's) for the merged office."""
    assert _codes([UB, HD, _entry("R", name)], _sig(organisation, name, "Bắc Giang")) == ["R"]


# ============================================================ 4. another province's committee in English or short: no place

TT = _entry("TT", "Trung tâm Phục vụ hành chính công tỉnh Bắc Giang")


@pytest.mark.parametrize("organisation", ["Hanoi People's Committee", "HCMC People's Committee",
                                          "Danang City People's Committee", "Haiphong City People's Committee",
                                          "Saigon People's Committee"])
@pytest.mark.parametrize("locality", [pytest.param("Bắc Giang", id="l-ours"), pytest.param("", id="no-l")])
def test_another_citys_committee_as_cas_write_it_never_speaks_for_our_unit(organisation: str, locality: str) -> None:
    """ATTACK. A person of Hà Nội's (Hồ Chí Minh City's, Đà Nẵng's, Hải Phòng's) committee, its O as red teams 123/124
    taught the gateway to read it ("Hanoi People's Committee", "HCMC People's Committee"), L where he was registered
    (ours) or none, writes OU "Trung tâm Phục vụ hành chính công tỉnh Bắc Giang". The O names another province: two
    provinces, no agency's (red team 119). Expected: none ("Ha Noi City People's Committee", "UBND TP.HCM" are
    refused). Observed: our centre. Where: issuers.py `_one_place` reads the O's province by `_named_province`
    (`place_of`, `_province_alone`, `last_province`), which knows neither `_CITY_SHORT`'s names nor the English shapes
    `_province_committee` reads (red team 125 taught `_place_outside` alone). Fix: in `_one_place`, `other` is
    `_province_committee(O).province` first (as `_place_outside`), then `_named_province`."""
    assert _codes([UB, TT], _sig(organisation, TT.name, locality)) == []


def test_end_to_end_hanois_committee_registers_a_letter_as_our_centre(world: World) -> None:
    """ATTACK (end to end). A Hà Nội committee's person (O "Hanoi People's Committee", L "Bắc Giang") signs a letter
    headed "UBND TỈNH BẮC GIANG / TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" from a mailbox nothing proves. Expected: not
    registered as our centre's. Where: `_one_place` (above)."""
    centre = "vanthu@ttphvhcc.bacgiang.gov.vn"
    _write(world, [("000.50.31.H06", TT.name, centre, "", "", "")])
    out = _forged(world, "Hanoi People's Committee", TT.name, "Bắc Giang", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
                  "UBND TỈNH BẮC GIANG", "1004/TTPVHCC")
    _nothing_for_a_forger(out, centre)


@pytest.mark.parametrize("organisation", ["Bac Giang Provincial People's Committee", "UBND tỉnh Bắc Giang"])
def test_guard_genuine_our_committees_person_for_our_centre(organisation: str) -> None:
    """GENUINE (held; must still pass after section 4's fix): our committee's person, its O in English or Vietnamese."""
    assert _codes([UB, TT], _sig(organisation, TT.name, "Bắc Giang")) == ["TT"]


# ============================================================ 5. "Sài Gòn": a ward's name since 2025, read as the city

def test_a_ward_named_sai_gon_is_no_committee_of_ho_chi_minh_city() -> None:
    """ATTACK (debatable). Since 2025-07-01 "phường Sài Gòn" is a ward of Hồ Chí Minh City; the city's committee is
    never written "UBND Sài Gòn". The ward's person, his CA dropping the level as red team 111's "UBND Lâm Đồng" (O
    "UBND Sài Gòn", L "Hồ Chí Minh"), writes OU "Sở Tư pháp". Expected: none. Observed: the city's Sở Tư pháp. Where:
    issuers.py `_CITY_SHORT` maps "SAIGON" for any O, and `_committee_of_a_province` accepts "UBND <name>" for it.
    Fix: take "Sài Gòn" only in English shapes ("Saigon People's Committee"), never after "UBND"/"HĐND"."""
    row = _entry("S", "Sở Tư pháp Thành phố Hồ Chí Minh", "stp@tphcm.gov.vn")
    assert _codes([row], _sig("UBND Sài Gòn", "Sở Tư pháp", "Hồ Chí Minh")) == []


def test_end_to_end_a_ward_named_sai_gon_registers_a_letter_as_the_citys_so(world: World) -> None:
    """ATTACK (end to end, debatable). The city's Sở Tư pháp a row of our directory; the ward's person (O "UBND Sài
    Gòn", L "Hồ Chí Minh", OU "Sở Tư pháp") signs a letter headed "UBND THÀNH PHỐ HỒ CHÍ MINH / SỞ TƯ PHÁP" from a
    mailbox nothing proves. Expected: not registered as the Sở's. Where: `_CITY_SHORT` (above)."""
    so = "stp@tphcm.gov.vn"
    _write(world, [("000.00.14.H29", "Sở Tư pháp Thành phố Hồ Chí Minh", so, "", "", "")])
    out = _forged(world, "UBND Sài Gòn", "Sở Tư pháp", "Hồ Chí Minh", "SỞ TƯ PHÁP", "UBND THÀNH PHỐ HỒ CHÍ MINH",
                  "1006/STP-VP", place="Hồ Chí Minh")
    _nothing_for_a_forger(out, so)


# ============================================================ 6. a central body's officer registered in another province

def test_a_central_bodys_officer_registered_in_another_province_never_speaks_for_our_provinces_unit() -> None:
    """ATTACK (debatable: red team 124 chose to set the L aside). A Bộ Công an officer registered in Lạng Sơn (O "Bộ
    Công an", L "Lạng Sơn": a person of Lạng Sơn's police, his CA's L his province's) writes OU "Công an tỉnh Bắc
    Giang". The one province the CA checked is Lạng Sơn's. Expected: none. Observed: our police. Where: issuers.py
    `_under_its_parent_registered_elsewhere` sets ANY L aside under the parent's O. Fix: set it aside only where it
    is the central body's seat (Hà Nội), where red team 124's genuine officers are registered, never another
    province's."""
    assert _codes([UB, CA], _sig("Bộ Công an", "Công an tỉnh Bắc Giang", "Lạng Sơn")) == []


def test_end_to_end_a_tax_officer_registered_in_lang_son_registers_a_letter_as_our_tax_office(world: World) -> None:
    """ATTACK (end to end, debatable). Our Thuế tỉnh's row names "Cục Thuế" as `parent` (red team 124's shape); a Cục
    Thuế officer registered in Lạng Sơn (O "Cục Thuế", L "Lạng Sơn", OU "Thuế tỉnh Bắc Giang") signs a letter headed
    "CỤC THUẾ / THUẾ TỈNH BẮC GIANG" from a mailbox nothing proves. Expected: not registered as our tax office's.
    Where: `_under_its_parent_registered_elsewhere` (above)."""
    tax = "vanthu@thue.bacgiang.gov.vn"
    _write(world, [("000.30.00.H06", "Thuế tỉnh Bắc Giang", tax, "", "", "Cục Thuế")])
    out = _forged(world, "Cục Thuế", "Thuế tỉnh Bắc Giang", "Lạng Sơn", "THUẾ TỈNH BẮC GIANG", "CỤC THUẾ", "1007/TBG")
    _nothing_for_a_forger(out, tax)


@HELD_ELSEWHERE
def test_guard_genuine_central_officer_registered_in_ha_noi() -> None:
    """GENUINE (held; red team 124's shape, must still pass after section 6's fix)."""
    assert _codes([UB, CA], _sig("Bộ Công an", "Công an tỉnh Bắc Giang", "Hà Nội")) == ["CA"]


# ============================================================ 7. what held (guards)

@pytest.mark.parametrize("rows,organisation,unit,locality", [
    pytest.param([UB, CA], "Công an tỉnh Lạng Sơn", "Công an tỉnh Bắc Giang", "Lạng Sơn", id="other-police-o"),
    pytest.param([UB, CA], "Bộ Công an - Công an tỉnh Lạng Sơn", "Công an tỉnh Bắc Giang", "Lạng Sơn", id="ministry-dash-ls"),
    pytest.param([UB, CA], "Bộ Công an Lạng Sơn", "Công an tỉnh Bắc Giang", "Lạng Sơn", id="ministry-ls"),
    pytest.param([UB, _entry("T", "Thuế tỉnh Bắc Giang", parent=("Cục Thuế",))], "Cục Thuế tỉnh Lạng Sơn",
                 "Thuế tỉnh Bắc Giang", "Lạng Sơn", id="tax-office-of-ls"),
    pytest.param([UB, STP], "Tỉnh Lạng Sơn", "Sở Tư pháp tỉnh Bắc Giang", "Lạng Sơn", id="province-ls-so"),
    pytest.param([UB, STP], "Tỉnh Lạng Sơn", "Sở Tư pháp", "Lạng Sơn", id="province-ls-bare-so"),
    pytest.param([UB, STP], "Tỉnh", "Sở Tư pháp tỉnh Bắc Giang", "", id="tinh-bare"),
    pytest.param([UB, STP], "Thành phố Hà Nội", "Sở Tư pháp tỉnh Bắc Giang", "Hà Nội", id="ha-noi-city-itself"),
    pytest.param([UB, STP], "Thành phố Bắc Giang", "Sở Tư pháp", "Bắc Giang", id="former-provincial-city"),
    pytest.param([UB, STP], "TP Bắc Giang", "Sở Tư pháp", "Bắc Giang", id="former-provincial-city-tp"),
    pytest.param([UB, _entry("STP", STP.name, aliases=("Sở Tư pháp",), parent=("UBND tỉnh",))], "UBND TỈNH",
                 "Sở Tư pháp tỉnh Bắc Giang", "Lạng Sơn", id="ubnd-tinh-bare-l-ls"),
    pytest.param([UB, _entry("BV", "Bệnh viện Đa khoa tỉnh Bắc Giang", parent=("Sở Y tế tỉnh",))], "SỞ Y TẾ TỈNH",
                 "Bệnh viện Đa khoa tỉnh Bắc Giang", "Lạng Sơn", id="so-y-te-tinh-bare"),
    pytest.param([UB, NSL], "SỞ GIÁO DỤC VÀ ĐÀO TẠO", NSL.name, "Lạng Sơn", id="placeless-school-bare-so-l-ls"),
    pytest.param([UB, NSL], "Sở Giáo dục và Đào tạo tỉnh Lạng Sơn", NSL.name, "Lạng Sơn", id="placeless-school-ls-so"),
    pytest.param([UB, BQL], "ỦY BAN NHÂN DÂN TỈNH", BQL.name, "", id="placeless-board-spelled-out-bare"),
    pytest.param([UB, BQL], "UBND tỉnh Lạng Sơn", BQL.name, "Lạng Sơn", id="placeless-board-ls-committee"),
    pytest.param([UB, TT], "Ha Noi City People's Committee", TT.name, "Bắc Giang", id="ha-noi-city-english-spaced"),
    pytest.param([UB, TT], "UBND TP.HCM", TT.name, "Bắc Giang", id="ubnd-tp-hcm"),
    pytest.param([UB, TT], "Lang Son Provincial People's Committee", TT.name, "Bắc Giang", id="lang-son-english"),
])
def test_guard_attacks_that_held(rows: list[AgencyEntry], organisation: str, unit: str, locality: str) -> None:
    """ATTACK (held). Another province's police, tax office, province ("Tỉnh Lạng Sơn"), the city of Hà Nội itself, the
    former provincial city, a bare "UBND TỈNH" / "SỞ Y TẾ TỈNH" with L Lạng Sơn, a placeless school or board under
    another province's Sở or committee, and other provinces' committees the O names readably: nobody of ours."""
    assert _codes(rows, _sig(organisation, unit, locality)) == []


def test_guard_end_to_end_genuine_school_letter_signed_by_its_listed_so(world: World) -> None:
    """GENUINE (held, end to end). Our Trường THPT's letter signed by our Sở GD&ĐT's person when the Sở is a row of the
    directory, DKIM-proven from the school's mailbox: registered."""
    school = "c3ngosilien@bacgiang.edu.vn"
    _write(world, [("000.40.00.H06", SGD.name, "vanthu@sgd.bacgiang.gov.vn", "Sở Giáo dục và Đào tạo", "", ""),
                   ("000.40.31.H06", NSL.name, school, "", "", "Sở Giáo dục và Đào tạo")])
    out = _genuine(world, "Sở Giáo dục và Đào tạo tỉnh Bắc Giang", NSL.name, "Bắc Giang", "TRƯỜNG THPT NGÔ SĨ LIÊN",
                   "SỞ GIÁO DỤC VÀ ĐÀO TẠO", school, "1005/THPT")
    _accepted(out, school)
