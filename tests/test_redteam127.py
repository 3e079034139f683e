"""Red team 127: both ways at red team 126's fixes (b3d0b9d) — `issuers._provincial`/`_LEVEL_WORD`, `_parent_spellings`,
`_is_a_parent` placing a row by `_provinces_of`, the rank forms (`_OFFICE`, `_DELEGATION`, `_JOINT_OFFICE`, "THUONG TRUC
HDND", "BAN DAN TOC" in `_PROVINCE_RANK`; `_COUNCIL`, `_EITHER`), and `_under_its_parent_registered_elsewhere` (the L
set aside only under a nationwide parent, for an officer registered in Hà Nội). Each test is a genuine shape (GENUINE)
or an attack by a forger (ATTACK); each asserts the right behaviour, so a failing test is a fault found."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam114 import _nothing_for_a_forger
from test_redteam119 import _accepted
from test_redteam123 import _forged, _genuine
from test_redteam124 import HD, HELD_ELSEWHERE, UB, _codes, _entry, _sig, _write
from world import World

# ============================================================ 1. a nationwide parent whose name holds a level's word by accident

# "Quản lý", "Hải quan", "Cơ quan" fold to "QUAN" (quận, a district); "Thông tấn xã", "bức xạ" to "XA" (xã, a commune)
QLTT = _entry("QLTT", "Cục Quản lý thị trường tỉnh Bắc Giang", parent=("Tổng cục Quản lý thị trường",))
HQLS = _entry("HQLS", "Cục Hải quan tỉnh Lạng Sơn", "vanthu@haiquan.langson.gov.vn", parent=("Tổng cục Hải quan",))
TTX = _entry("TTX", "Cơ quan thường trú Thông tấn xã Việt Nam tỉnh Bắc Giang", parent=("Thông tấn xã Việt Nam",))
XNC = _entry("XNC", "Phòng Quản lý xuất nhập cảnh Công an tỉnh Bắc Giang", parent=("Cục Quản lý xuất nhập cảnh",))


@pytest.mark.parametrize("row,organisation", [
    pytest.param(QLTT, "TỔNG CỤC QUẢN LÝ THỊ TRƯỜNG", id="market-surveillance-quan-ly"),
    pytest.param(HQLS, "TỔNG CỤC HẢI QUAN", id="customs-hai-quan"),
    pytest.param(TTX, "THÔNG TẤN XÃ VIỆT NAM", id="news-agency-thong-tan-xa"),
    pytest.param(XNC, "CỤC QUẢN LÝ XUẤT NHẬP CẢNH", id="immigration-quan-ly"),
])
@HELD_ELSEWHERE
def test_a_nationwide_bodys_officer_registered_in_ha_noi_whose_name_holds_a_level_word_by_accident(
        row: AgencyEntry, organisation: str) -> None:
    """GENUINE (passed at HEAD~1). A central body's officer registered at its seat (L "Hà Nội", as 023 and 025 of the
    real files write a central body's L), his OU his unit in the province, the unit's `parent` the central body as
    operators write it: Tổng cục Quản lý thị trường, Tổng cục Hải quan, Thông tấn xã Việt Nam, Cục Quản lý xuất nhập
    cảnh. Red team 124's shape, kept by red team 126 for "Bộ Công an", "Cục Thuế". Expected: the unit. Observed: none.
    Where: issuers.py `_LEVEL_WORD` reads the folded "QUAN" of "Quản lý", "Hải quan", "Cơ quan" as quận and the "XA"
    of "Thông tấn xã" (also "bức xạ") as xã, so `_provincial` calls these bodies a province's and
    `_under_its_parent_registered_elsewhere` drops the parent. Fix: match the level words with their marks (before
    folding: "quận", "xã", "tỉnh", "huyện", "phường"), or only where a place's name follows ("QUAN <name>", "XA
    <name>"); at least exclude "QUAN LY", "HAI QUAN", "CO QUAN", "QUAN HE", "QUAN TRI", "TAN XA", "BUC XA"."""
    assert _codes([UB, row], _sig(organisation, row.name, "Hà Nội")) == [row.code]


# (`test_a_nationwide_body_is_no_provinces` asked `_provincial`, which red team 128's fix took out: every parent is now
# read with its row's province, a ministry's too, so which body is nationwide is asked nowhere)


# ============================================================ 2. Hà Nội as a CA writes it

CA = _entry("CA", "Công an tỉnh Bắc Giang", parent=("Bộ Công an",))


@pytest.mark.parametrize("locality", [pytest.param("Langson", id="lang-son-run-together"),
                                      pytest.param("Quangninh", id="quang-ninh-run-together")])
def test_an_officer_registered_in_another_province_written_run_together(locality: str) -> None:
    """ATTACK. Red team 126's officer of a central body registered in Lạng Sơn (Quảng Ninh), whose CA writes the L run
    together, as the gateway itself reads "Hanoi", "Danang", "Daklak" in an O (`_CITY_SHORT`). He writes our police in
    his OU. Expected: none (as with L "Lạng Sơn", which is refused). Observed: our police. Where: issuers.py
    `_one_place`: an L `_named_province` cannot read is taken for no L at all (`other` None), so the OU's province
    stands alone and the L-elsewhere test is never reached. Fix: read an L with its spaces taken out against every
    province's name run together; where an OU names a province and the L names something unreadable, hold (None)."""
    assert "CA" not in _codes([UB, CA], _sig("BỘ CÔNG AN", CA.name, locality))


def test_ha_nois_own_police_officer_speaks_for_our_provinces_police() -> None:
    """ATTACK (the Hà Nội exception). Every officer of Hà Nội's own police (Công an thành phố Hà Nội) holds a
    certificate whose O is "BỘ CÔNG AN" and whose L is "Hà Nội" (real file 014: a province's police under O "BỘ CÔNG
    AN"), just as the ministry's own officer does. He writes "Công an tỉnh Bắc Giang" in his OU. Expected: none (the
    CA checked O and L only: nothing tells him from the ministry's). Observed: our police. Where: issuers.py
    `_under_its_parent_registered_elsewhere` sets the L aside for any L "Hà Nội". The same holds for Hà Nội's tax,
    treasury, social insurance officers under "CỤC THUẾ", "KHO BẠC NHÀ NƯỚC", "BẢO HIỂM XÃ HỘI VIỆT NAM". Fix: no L
    set aside at all (hold the central officer for the clerk; his fingerprint in `certificates`), taking back red
    team 124's genuine shape; or only where the OU also names the central body's own department (never a province's)."""
    assert "CA" not in _codes([UB, CA], _sig("BỘ CÔNG AN", CA.name, "Hà Nội"))


# ============================================================ 3. a province's body with no level word keeps a bare parent

KL = _entry("KL", "Đội Kiểm lâm cơ động và Phòng cháy chữa cháy rừng tỉnh Bắc Giang", parent=("Chi cục Kiểm lâm",))
DKDD = _entry("DKDD", "Chi nhánh Văn phòng Đăng ký đất đai huyện Lục Ngạn", "cnvpdkdd.lucngan@bacgiang.gov.vn",
              parent=("Văn phòng Đăng ký đất đai",))
CCKL = _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", aliases=("Chi cục Kiểm lâm",))


@pytest.mark.parametrize("rows,organisation,unit,locality,victim", [
    pytest.param([UB, KL], "CHI CỤC KIỂM LÂM", KL.name, "", "KL", id="forest-rangers-no-l"),
    pytest.param([UB, CCKL, KL], "CHI CỤC KIỂM LÂM", KL.name, "", "KL", id="forest-rangers-no-l-chi-cuc-listed"),
    pytest.param([UB, KL], "CHI CỤC KIỂM LÂM", KL.name, "Hà Nội", "KL", id="forest-rangers-ha-nois-own"),
    pytest.param([UB, DKDD], "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", DKDD.name, "", "DKDD", id="land-registry-branch-no-l"),
])
def test_another_provinces_body_named_without_a_level_word_never_speaks_for_our_unit(
        rows: list[AgencyEntry], organisation: str, unit: str, locality: str, victim: str) -> None:
    """ATTACK. Red team 126's "CÔNG AN TỈNH" again, for a province's body whose name holds no level's word: our forest
    rangers' team answers to "Chi cục Kiểm lâm" (every province has one), our land registry's branch to "Văn phòng
    Đăng ký đất đai" (every province's, under its Sở). Another province's person whose CA wrote the O bare and no L,
    or Hà Nội's own Chi cục Kiểm lâm's person (L "Hà Nội"), writes our unit in his OU. Expected: none. Observed: our
    unit. Where: issuers.py `_provincial` knows a province's body only by `_PROVINCE_RANK` or a level's word, so
    `_parent_spellings` keeps the bare parent as any province's O, and `_under_its_parent_registered_elsewhere` sets
    the L "Hà Nội" aside for it as for a nationwide body. Fix: the reverse default: a parent is one body nationwide only
    where it says so (a ministry, "Tổng cục …", "Cục …" without a place, "… Việt Nam", `_GOVERNING`'s central bodies);
    every other parent naming no place is completed with its row's province and never bare."""
    assert victim not in _codes(rows, _sig(organisation, unit, locality))


def test_end_to_end_another_provinces_chi_cuc_kiem_lam_registers_a_letter_as_our_rangers(world: World) -> None:
    """ATTACK (end to end). Our rangers' team, `parent` "Chi cục Kiểm lâm". Another province's Chi cục's person (O
    "CHI CỤC KIỂM LÂM", no L, OU our team) signs a letter headed "CHI CỤC KIỂM LÂM / ĐỘI KIỂM LÂM … TỈNH BẮC GIANG" from a
    mailbox nothing proves. Expected: not registered. Where: `_provincial` / `_parent_spellings` (above)."""
    team = "vanthu@kiemlamcodong.bacgiang.gov.vn"
    _write(world, [("000.02.17.H06", KL.name, team, "", "", "Chi cục Kiểm lâm")])
    out = _forged(world, "CHI CỤC KIỂM LÂM", KL.name, "", KL.name.upper(), "CHI CỤC KIỂM LÂM", "1270/KLCĐ")
    _nothing_for_a_forger(out, team)


def test_guard_our_chi_cuc_for_its_rangers() -> None:
    """GENUINE (guard; passes at HEAD and HEAD~1). Our Chi cục's own person (O with its province, L "Bắc Giang")."""
    assert _codes([UB, CCKL, KL], _sig("Chi cục Kiểm lâm tỉnh Bắc Giang", KL.name, "Bắc Giang")) == ["KL"]


# ============================================================ 4. the council's standing committee of a district or commune

TTH = _entry("TTH", "Thường trực HĐND huyện Lục Ngạn", "tthdnd@lucngan.bacgiang.gov.vn")
TTX_COMMUNE = _entry("TTXA", "Thường trực HĐND xã Tân Liễu", "tthdnd@tanlieu.bacgiang.gov.vn")
HDH = _entry("HDH", "HĐND huyện Lục Ngạn", "hdnd@lucngan.bacgiang.gov.vn")


@pytest.mark.parametrize("row,organisation", [
    pytest.param(TTH, "HĐND huyện Lục Ngạn", id="district"),
    pytest.param(TTX_COMMUNE, "HĐND xã Tân Liễu", id="commune"),
    pytest.param(TTH, "Hội đồng nhân dân huyện Lục Ngạn", id="district-spelled-out"),
])
def test_a_district_councils_person_for_its_standing_committee(row: AgencyEntry, organisation: str) -> None:
    """GENUINE (passed at HEAD~1). The district's (commune's) council's person for its standing committee ("Thường trực
    HĐND huyện …", which signs for the council). Expected: the row. Observed: none. Where: issuers.py `_PROVINCE_RANK`
    takes "THUONG TRUC HDND" at any level (no `_PROVINCE_LEVEL` after it, unlike the offices and Thanh tra), so
    `_under_any` lets only the PROVINCE's council speak for a district's or commune's. Fix: "THUONG TRUC " +
    _COUNCIL_WORDS + " " + _PROVINCE_LEVEL in `_PROVINCE_RANK` and `_COUNCIL` ("a district's is its own")."""
    assert _codes([UB, HD, HDH, row], _sig(organisation, row.name, "Bắc Giang")) == [row.code]


@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 119, 120, 127: a unit of the directory that is "
                                       "no Sở nor committee, its row naming no `parent`, is spoken for under any O")
def test_the_provinces_council_never_speaks_for_a_districts_standing_committee() -> None:
    """ATTACK. A person of the province's council (O "HĐND tỉnh Bắc Giang") writes "Thường trực HĐND huyện Lục Ngạn" in
    his OU. Expected: none (README: "a district's or a city's are its own committee's"; the province's council is no
    body of the district's council's). Observed: the district's standing committee. Where: `_PROVINCE_RANK`/`_COUNCIL`
    "THUONG TRUC HDND" without a level; `_committee_of` places the row by its mailbox's province. Fix: as above."""
    assert "TTH" not in _codes([UB, HD, HDH, TTH], _sig("HĐND tỉnh Bắc Giang", TTH.name, "Bắc Giang"))


# ============================================================ 5. the joint office as a body above a unit

JOINT = "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Giang"
VPJ = _entry("VPJ", JOINT)
TTTT = _entry("TTTT", "Trung tâm Thông tin tỉnh Bắc Giang", parent=(JOINT,))
VPU = _entry("VPU", "Văn phòng UBND tỉnh Bắc Giang")
TTVP = _entry("TTTT", "Trung tâm Thông tin tỉnh Bắc Giang", parent=("Văn phòng UBND tỉnh Bắc Giang",))


@pytest.mark.parametrize("rows,organisation", [
    pytest.param([UB, HD, VPJ, TTTT], "UBND tỉnh Bắc Giang", id="joint-office-committee"),
    pytest.param([UB, HD, VPJ, TTTT], "HĐND tỉnh Bắc Giang", id="joint-office-council"),
    pytest.param([UB, HD, VPU, TTVP], "UBND tỉnh Bắc Giang", id="guard-committees-office"),
])
def test_the_committees_person_for_a_unit_of_the_joint_office(rows: list[AgencyEntry], organisation: str) -> None:
    """GENUINE (not at HEAD~1 either; red team 126's new form half applied). A pilot province's joint office ("Văn phòng
    Đoàn ĐBQH, HĐND và UBND tỉnh", its own row, no parent) has a unit (Trung tâm Thông tin, `parent` the office). The
    committee's (or council's) person writes the unit in his OU: as for a unit of "Văn phòng UBND tỉnh" (the guard,
    which passes). Expected: the unit. Observed: none. Where: issuers.py `_under_parent` tests the row above with
    `_PROVINCE_RANK.match(fold(above.name))`: `fold` keeps the comma ("DBQH, HDND"), which `_folded` takes out, so the
    joint office is of no rank there. Fix: `_folded(above.name)` (and in `vouched`'s `_PROVINCE_RANK` test)."""
    assert _codes(rows, _sig(organisation, "Trung tâm Thông tin tỉnh Bắc Giang", "Bắc Giang")) == ["TTTT"]


# ============================================================ 6. end to end: the worst genuine one

@HELD_ELSEWHERE
def test_end_to_end_market_surveillance_officer_registered_in_ha_noi(world: World) -> None:
    """GENUINE (end to end; passed at HEAD~1). Our Cục Quản lý thị trường's row (`parent` "Tổng cục Quản lý thị
    trường"); the Tổng cục's officer registered in Hà Nội signs its letter, mailed from its official mailbox (DKIM).
    Expected: accepted. Where: `_LEVEL_WORD` "QUAN" (section 1)."""
    box = "vanthu@qltt.bacgiang.gov.vn"
    _write(world, [("000.03.16.H06", QLTT.name, box, "", "", "Tổng cục Quản lý thị trường")])
    out = _genuine(world, "TỔNG CỤC QUẢN LÝ THỊ TRƯỜNG", QLTT.name, "Hà Nội", "CỤC QUẢN LÝ THỊ TRƯỜNG TỈNH BẮC GIANG",
                   "TỔNG CỤC QUẢN LÝ THỊ TRƯỜNG", box, "1271/QLTT")
    _accepted(out, box)


# ============================================================ 7. held: parents as operators write them, with the province's L

BCH = _entry("BCH", "Ban Chỉ huy Quân sự huyện Lục Ngạn", "bchqs@lucngan.bacgiang.gov.vn", parent=("Bộ Chỉ huy Quân sự tỉnh",))
VKS = _entry("VKS", "Viện kiểm sát nhân dân huyện Lục Ngạn", "vks@lucngan.bacgiang.gov.vn",
             parent=("Viện kiểm sát nhân dân tỉnh",))
TA = _entry("TA", "Tòa án nhân dân huyện Lục Ngạn", "toaan@lucngan.bacgiang.gov.vn", parent=("Tòa án nhân dân tỉnh",))
THTL = _entry("THTL", "Trường Tiểu học Tân Liễu", "thtanlieu@bacgiang.edu.vn",
              parent=("Phòng Giáo dục và Đào tạo huyện Lục Ngạn",))
BHXH = _entry("BHXH", "Bảo hiểm xã hội tỉnh Bắc Giang", parent=("Bảo hiểm xã hội Việt Nam",))
NHNN = _entry("NHNN", "Ngân hàng Nhà nước chi nhánh tỉnh Bắc Giang", parent=("Ngân hàng Nhà nước Việt Nam",))
BCHT = _entry("BCHT", "Bộ Chỉ huy Quân sự tỉnh Bắc Giang", parent=("Quân khu 1",))


@pytest.mark.parametrize("row,organisation,locality", [
    pytest.param(BCH, "Bộ Chỉ huy Quân sự tỉnh Bắc Giang", "Bắc Giang", id="district-military-command"),
    pytest.param(VKS, "Viện kiểm sát nhân dân tỉnh Bắc Giang", "Bắc Giang", id="district-procuracy"),
    pytest.param(TA, "TÒA ÁN NHÂN DÂN TỈNH BẮC GIANG", "Bắc Giang", id="district-court-caps"),
    pytest.param(THTL, "Phòng Giáo dục và Đào tạo huyện Lục Ngạn", "Bắc Giang", id="school-under-district-phong"),
    pytest.param(BHXH, "BẢO HIỂM XÃ HỘI VIỆT NAM", "Hà Nội", id="social-insurance-ha-noi", marks=HELD_ELSEWHERE),
    pytest.param(NHNN, "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "Hà Nội", id="state-bank-ha-noi", marks=HELD_ELSEWHERE),
    pytest.param(BCHT, "QUÂN KHU 1", "Bắc Giang", id="military-region"),
])
def test_held_a_parent_as_operators_write_it(row: AgencyEntry, organisation: str, locality: str) -> None:
    """GENUINE (held, at HEAD and HEAD~1 unless said). Parents as operators write them, completed with the row's
    province (its names', else its mailbox's), and nationwide ones whose officer is registered in Hà Nội."""
    assert _codes([UB, row], _sig(organisation, row.name, locality)) == [row.code]


# ============================================================ 8. the council's office written with an ampersand

@pytest.mark.parametrize("name", [
    pytest.param("Văn phòng Đoàn ĐBQH & HĐND tỉnh Bắc Giang", id="ampersand-spaced"),
    pytest.param("VP Đoàn ĐBQH&HĐND tỉnh Bắc Giang", id="ampersand-run-together"),
    pytest.param("Văn phòng Đoàn ĐBQH, HĐND & UBND tỉnh Bắc Giang", id="joint-office-ampersand"),
])
def test_a_commune_never_speaks_for_the_councils_office_written_with_an_ampersand(name: str) -> None:
    """ATTACK. Red team 126's "Văn phòng ĐĐBQH và HĐND" again, the "và" written "&" as offices often print it. A
    commune's person (O "UBND xã Tân Liễu", L "Bắc Giang") writes the row in his OU. Expected: none. Observed: the
    office's. Where: issuers.py `_folded` takes out "-", ".", "," but not "&", so `_COUNCILS_OFFICE`/`_JOINT_OFFICE`
    ("(?:VA )?") miss it and `_under_any` lets any O. Fix: `_folded` reads "&" as " VA " (and `fold` in `vouched`,
    `_under_parent` through `_folded`)."""
    row = _entry("VPHD", name)
    assert "VPHD" not in _codes([UB, HD, row], _sig("UBND xã Tân Liễu", name, "Bắc Giang"))


def test_end_to_end_a_district_councils_standing_committee(world: World) -> None:
    """GENUINE (end to end; passed at HEAD~1). The district's council's person signs a letter of its standing committee,
    mailed from its official mailbox (DKIM). Expected: accepted. Where: `_PROVINCE_RANK` "THUONG TRUC HDND" (section 4)."""
    box = "tthdnd@lucngan.bacgiang.gov.vn"
    _write(world, [("000.00.41.H06", "HĐND huyện Lục Ngạn", "hdnd@lucngan.bacgiang.gov.vn", "", "", ""),
                   ("000.01.41.H06", TTH.name, box, "", "", "")])
    out = _genuine(world, "HĐND huyện Lục Ngạn", TTH.name, "Bắc Giang", "THƯỜNG TRỰC HĐND HUYỆN LỤC NGẠN", None, box,
                   "1272/TTHĐND")
    _accepted(out, box)


@HELD_ELSEWHERE
def test_a_military_regions_officer_registered_at_its_seat_outside_ha_noi() -> None:
    """GENUINE (passed at HEAD~1). Quân khu 1's seat is in Thái Nguyên: its officer (O "QUÂN KHU 1", a `_GOVERNING`
    body, L "Thái Nguyên") for our Bộ Chỉ huy Quân sự tỉnh, whose `parent` is "Quân khu 1" (one body, no province's,
    as `_LEVEL_WORD` itself says excluding "quân khu"). Expected: our command. Observed: none. Where: issuers.py
    `_under_its_parent_registered_elsewhere` sets the L aside only for L "Hà Nội": a central body seated elsewhere
    (a military region, a regional treasury or customs branch) is no nationwide body's there. Fix: the L of the
    parent's own seat, where the directory or a short table gives it (Quân khu 1: Thái Nguyên), else Hà Nội."""
    assert _codes([UB, BCHT], _sig("QUÂN KHU 1", BCHT.name, "Thái Nguyên")) == ["BCHT"]
