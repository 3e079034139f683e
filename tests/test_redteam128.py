"""Red team 128: a forger at red team 127's fixes — `issuers._NATIONWIDE` and `_provincial` (a `parent` is nationwide
only where its name says so, and then stands bare), `_LEVEL_WORD` read with its marks, `_run_together` (an L in one
word), `_STANDING`, "&" in `_folded`, the L exception removed. Each test is an attack by a forger (ATTACK) or the
nearest honest shape (GENUINE); each asserts the right behaviour, so a failing test is a fault found."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam114 import _nothing_for_a_forger
from test_redteam119 import CAT, _accepted
from test_redteam123 import _directory, _forged, _genuine
from test_redteam124 import UB, _codes, _entry, _sig, _write
from world import World

# ============================================================ 1. a province's body whose bare name reads as nationwide

# every province has one of each; the `parent` column written bare, as operators write "Công an tỉnh", "Chi cục Kiểm lâm"
THA = _entry("THA", "Chi cục Thi hành án dân sự huyện Lục Ngạn", "thads@lucngan.bacgiang.gov.vn",
             parent=("Cục Thi hành án dân sự",))
CTK = _entry("CTK", "Chi cục Thống kê huyện Lục Ngạn", "thongke@lucngan.bacgiang.gov.vn", parent=("Cục Thống kê",))
QLTT = _entry("QLTT", "Đội Quản lý thị trường số 1 tỉnh Bắc Giang", parent=("Cục Quản lý thị trường",))
BCH = _entry("BCH", "Ban Chỉ huy Quân sự huyện Lục Ngạn", "bchqs@lucngan.bacgiang.gov.vn", parent=("Bộ Chỉ huy Quân sự",))
BCH_ASCII = _entry("BCHA", "Ban Chỉ huy Quân sự huyện Lục Ngạn", "bchqs@lucngan.bacgiang.gov.vn",
                   parent=("Bo Chi huy Quan su tinh",))
BCQS_XA = _entry("BCQX", "Ban Chỉ huy Quân sự xã Tân Liễu", "bchqs@tanlieu.bacgiang.gov.vn",
                 parent=("Ban Chỉ huy Phòng thủ khu vực 1",))
TYT = _entry("TYT", "Trạm Y tế xã Tân Liễu", "tramyte@tanlieu.bacgiang.gov.vn", parent=("Trung tâm Y tế khu vực 1",))
MTTQ = _entry("MTTQ", "Ủy ban MTTQ Việt Nam huyện Lục Ngạn", "mttq@lucngan.bacgiang.gov.vn",
              parent=("Ủy ban Mặt trận Tổ quốc Việt Nam",))

BARE = [
    pytest.param(THA, "CỤC THI HÀNH ÁN DÂN SỰ", id="cuc-thi-hanh-an-of-a-province"),
    pytest.param(CTK, "CỤC THỐNG KÊ", id="cuc-thong-ke-of-a-province-before-2025"),
    pytest.param(QLTT, "CỤC QUẢN LÝ THỊ TRƯỜNG", id="cuc-qltt-of-a-province-before-2025"),
    pytest.param(BCH, "BỘ CHỈ HUY QUÂN SỰ", id="bo-chi-huy-quan-su-of-a-province"),
    pytest.param(BCH_ASCII, "BỘ CHỈ HUY QUÂN SỰ TỈNH", id="bo-chi-huy-tinh-written-without-marks"),
    pytest.param(BCQS_XA, "BAN CHỈ HUY PHÒNG THỦ KHU VỰC 1", id="numbered-khu-vuc-of-a-province-military"),
    pytest.param(TYT, "TRUNG TÂM Y TẾ KHU VỰC 1", id="numbered-khu-vuc-of-a-province-health"),
    pytest.param(MTTQ, "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", id="front-committee-viet-nam-of-a-province"),
]


@pytest.mark.parametrize("row,organisation", BARE)
def test_another_provinces_body_named_like_a_nationwide_one_never_speaks_for_our_unit(
        row: AgencyEntry, organisation: str) -> None:
    """ATTACK. Red team 127's "CHI CỤC KIỂM LÂM" again, for a province's body whose bare name `_NATIONWIDE` reads as
    the whole country's: "Cục Thi hành án dân sự" (every province's until 2025), "Cục Thống kê", "Cục Quản lý thị
    trường" (a province's before 2025), "Bộ Chỉ huy Quân sự" (a province's command: "Bộ …"), "Bộ Chỉ huy Quân sự tinh"
    (an operator without marks: `_LEVEL_WORD` reads "tỉnh" with them only), "Ban Chỉ huy Phòng thủ khu vực 1", "Trung
    tâm Y tế khu vực 1" (2025: every province numbers its regions 1, 2, …), "Ủy ban Mặt trận Tổ quốc Việt Nam" (every
    province's and district's front committee is "… Việt Nam tỉnh/huyện …"). Our unit's `parent` names it bare.
    Another province's person, his CA writing the O bare and no L, writes our unit in his OU. Expected: none.
    Observed: our unit. Where: issuers.py `_provincial` (`_NATIONWIDE`: "^BO|^CUC", "KHU VUC" anywhere, "VIET NAM$";
    `_LEVEL_WORD` marks only), so `_parent_spellings` keeps the bare parent as any province's O. Fix: nationwide only
    for a closed list of the central bodies' names (the ministries, "Tổng cục …", the named Cục of the centre,
    `_GOVERNING`'s central phrases), never a prefix; "khu vực" only with a Roman numeral of the centre's regions
    (Kho bạc, Thuế, Hải quan); "Việt Nam" only where no level ever follows it in a province's name (not "Mặt trận Tổ
    quốc Việt Nam"); level words with marks or without ("tinh", "huyen")."""
    assert row.code not in _codes([UB, row], _sig(organisation, row.name, ""))


@pytest.mark.parametrize("row,organisation", [
    pytest.param(THA, "Cục Thi hành án dân sự tỉnh Bắc Giang", id="cuc-thi-hanh-an"),
    pytest.param(BCH, "Bộ Chỉ huy Quân sự tỉnh Bắc Giang", id="bo-chi-huy-quan-su"),
    pytest.param(BCQS_XA, "Ban Chỉ huy Phòng thủ khu vực 1", id="khu-vuc-1-with-our-l"),
    pytest.param(TYT, "Trung tâm Y tế khu vực 1", id="health-khu-vuc-1-with-our-l"),
    pytest.param(MTTQ, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bắc Giang", id="front-committee"),
])
def test_our_own_body_for_its_unit(row: AgencyEntry, organisation: str) -> None:
    """GENUINE (guard). Our own body's person: its O with our province, or bare with our L "Bắc Giang". Expected: the
    unit (the O completed by the certificate's own province matches the parent completed by the row's)."""
    assert _codes([UB, row], _sig(organisation, row.name, "Bắc Giang")) == [row.code]


def test_end_to_end_another_provinces_cuc_thi_hanh_an_registers_a_letter_as_our_chi_cuc(world: World) -> None:
    """ATTACK (end to end). Our district's Chi cục Thi hành án dân sự, `parent` "Cục Thi hành án dân sự" written bare.
    Another province's Cục's person (O "CỤC THI HÀNH ÁN DÂN SỰ", no L, OU our Chi cục) signs a letter headed "CỤC THI
    HÀNH ÁN DÂN SỰ / CHI CỤC THI HÀNH ÁN DÂN SỰ HUYỆN LỤC NGẠN" from a mailbox nothing proves. Expected: not
    registered. Where: `_NATIONWIDE` "^CUC" (section 1)."""
    box = THA.mailbox
    _write(world, [("000.05.31.H06", THA.name, box, "", "", "Cục Thi hành án dân sự")])
    out = _forged(world, "CỤC THI HÀNH ÁN DÂN SỰ", THA.name, "", THA.name.upper(), "CỤC THI HÀNH ÁN DÂN SỰ", "1281/CCTHA")
    _nothing_for_a_forger(out, box)


def test_end_to_end_our_cuc_thi_hanh_an_for_its_chi_cuc(world: World) -> None:
    """GENUINE (end to end guard). Our Cục's person (O with our province, L "Bắc Giang") signs the Chi cục's letter,
    mailed from its official mailbox (DKIM). Expected: accepted."""
    box = THA.mailbox
    _write(world, [("000.05.31.H06", THA.name, box, "", "", "Cục Thi hành án dân sự")])
    out = _genuine(world, "CỤC THI HÀNH ÁN DÂN SỰ TỈNH BẮC GIANG", THA.name, "Bắc Giang", THA.name.upper(),
                   "CỤC THI HÀNH ÁN DÂN SỰ TỈNH BẮC GIANG", box, "1282/CCTHA")
    _accepted(out, box)


# ============================================================ 2. an L that names the province after a district

CA = _entry("CA", "Công an tỉnh Bắc Giang", parent=("Bộ Công an",))


@pytest.mark.parametrize("locality", [
    pytest.param("Quận Ba Đình, Hà Nội", id="ha-noi-after-its-district"),
    pytest.param("Hanoi, Vietnam", id="ha-noi-in-english-with-the-country"),
    pytest.param("Cao Lộc, Lạng Sơn", id="lang-son-after-its-district"),
    pytest.param("Thủ đô Hà Nội", id="the-capital"),
    pytest.param("Việt Nam", id="the-country"),
    pytest.param("Langson, Vietnam", id="run-together-with-the-country"),
    pytest.param("", id="no-l"),
])
def test_another_provinces_police_officer_whose_l_names_a_district_first(locality: str) -> None:
    """ATTACK. Red team 127's officer of Hà Nội's (or Lạng Sơn's) own police, O "BỘ CÔNG AN" as real file 014 writes a
    province's police, his L written as CAs often write it, the district first ("Quận Ba Đình, Hà Nội", "Cao Lộc, Lạng
    Sơn") or in English with the country ("Hanoi, Vietnam"). OU our police. Expected: none (as with L "Hà Nội").
    Observed: our police. Where: issuers.py `_one_place`: `_named_province` reads neither (place_of wants the province
    at the end or after its level, `_run_together` the whole L), so the L is taken for none and the OU's province
    stands; `_provincial("Bộ Công an")` keeps the bare O. Fix: read the province anywhere in an L (each comma's part,
    the country dropped, run-together words); and where the OU names a province and the L is not read as that same
    province, name no agency (hold), as red team 127 suggested."""
    assert "CA" not in _codes([UB, CA], _sig("BỘ CÔNG AN", CA.name, locality))


@pytest.mark.parametrize("locality", [pytest.param("Lục Ngạn, Bắc Giang", id="our-district-first"),
                                      pytest.param("Bac Giang, Vietnam", id="our-province-in-english")])
def test_our_own_officer_whose_l_names_a_district_first(locality: str) -> None:
    """GENUINE (guard). Our police's officer, O "BỘ CÔNG AN" (real file 014), his L the district first or in English.
    Expected: our police (a fix that holds an unread L must read these)."""
    assert _codes([UB, CA], _sig("BỘ CÔNG AN", CA.name, locality)) == ["CA"]


KBNN = _entry("KBNN", "Kho bạc Nhà nước huyện Lục Ngạn", "kbnn@lucngan.bacgiang.gov.vn", parent=("Kho bạc Nhà nước",))


BHXH = _entry("BHXH", "Bảo hiểm xã hội tỉnh Bắc Giang", parent=("Bảo hiểm xã hội Việt Nam",))
BCHT = _entry("BCHT", "Bộ Chỉ huy Quân sự tỉnh Bắc Giang", parent=("Quân khu 1",))
DBQH = _entry("DBQH", "Đoàn Đại biểu Quốc hội tỉnh Bắc Giang", parent=("Văn phòng Quốc hội",))


@pytest.mark.parametrize("row,organisation,locality", [
    pytest.param(KBNN, "KHO BẠC NHÀ NƯỚC", "", id="treasury-no-l"),
    pytest.param(KBNN, "KHO BẠC NHÀ NƯỚC", "Việt Nam", id="treasury-l-the-country"),
    pytest.param(BHXH, "BẢO HIỂM XÃ HỘI VIỆT NAM", "", id="social-insurance-no-l"),
    pytest.param(BCHT, "QUÂN KHU 1", "", id="military-region-another-of-its-provinces-no-l"),
    pytest.param(DBQH, "VĂN PHÒNG QUỐC HỘI", "", id="assembly-office-no-l"),
])
def test_another_provinces_officer_under_the_bare_central_o_and_no_l(
        row: AgencyEntry, organisation: str, locality: str) -> None:
    """ATTACK. A province's branch whose `parent` is the central (or regional) body, written as it is named: a
    district's treasury under "Kho bạc Nhà nước" (before 2025), the province's social insurance under "Bảo hiểm xã hội
    Việt Nam", its military command under "Quân khu 1" (which also commands Lạng Sơn, Cao Bằng, …), its delegation of
    the National Assembly under "Văn phòng Quốc hội". Every branch's people in every province hold certificates under
    that same O (real file 014: a province's police under "BỘ CÔNG AN"); another province's, his CA writing no L (or L
    "Việt Nam"), writes our body in his OU. Expected: none (the central body's own officer registered in Hà Nội is
    held, README; one whose L says nothing is no nearer ours). Observed: ours. Where: issuers.py `_parent_spellings`
    keeps a nationwide parent bare, and `_is_a_parent` matches it against an O with no province at all (`outside`
    empty); `_one_place` takes an L it cannot read for none. Fix: a bare nationwide O vouches for a province's unit
    only where the certificate's own L names that province; with no L (or none read), hold."""
    assert row.code not in _codes([UB, row], _sig(organisation, row.name, locality))


@pytest.mark.parametrize("row,organisation", [
    pytest.param(KBNN, "KHO BẠC NHÀ NƯỚC", id="treasury"), pytest.param(BHXH, "BẢO HIỂM XÃ HỘI VIỆT NAM", id="insurance"),
    pytest.param(BCHT, "QUÂN KHU 1", id="military-region"), pytest.param(DBQH, "VĂN PHÒNG QUỐC HỘI", id="assembly-office"),
])
def test_our_officer_under_the_central_o_with_our_l(row: AgencyEntry, organisation: str) -> None:
    """GENUINE (guard). Our province's branch's officer under the central O, L "Bắc Giang". Expected: the body."""
    assert _codes([UB, row], _sig(organisation, row.name, "Bắc Giang")) == [row.code]


def test_our_police_officer_under_the_ministrys_o_with_our_l() -> None:
    """GENUINE (guard). Real file 014's shape: our police's officer, O "BỘ CÔNG AN", L "Bắc Giang". Expected: ours."""
    assert _codes([UB, CA], _sig("BỘ CÔNG AN", CA.name, "Bắc Giang")) == ["CA"]


def test_end_to_end_another_provinces_health_centre_registers_a_letter_as_our_commune_health_station(
        world: World) -> None:
    """ATTACK (end to end). Our commune's health station, `parent` "Trung tâm Y tế khu vực 1" (2025: the province's
    regional health centre, numbered as every province numbers its own). Another province's "TRUNG TÂM Y TẾ KHU VỰC
    1"'s person (no L, OU our station) signs a letter headed "TRUNG TÂM Y TẾ KHU VỰC 1 / TRẠM Y TẾ XÃ TÂN LIỄU" from a
    mailbox nothing proves. Expected: not registered. Where: `_NATIONWIDE` "KHU VUC" (section 1)."""
    box = TYT.mailbox
    _write(world, [("000.07.09.H06", TYT.name, box, "", "", "Trung tâm Y tế khu vực 1")])
    out = _forged(world, "TRUNG TÂM Y TẾ KHU VỰC 1", TYT.name, "", TYT.name.upper(), "TRUNG TÂM Y TẾ KHU VỰC 1", "1283/TYT")
    _nothing_for_a_forger(out, box)


def test_end_to_end_lang_sons_police_officer_registers_a_letter_as_our_police(world: World) -> None:
    """ATTACK (end to end). Lạng Sơn's police officer (O "BỘ CÔNG AN", L "Cao Lộc, Lạng Sơn", OU our police) signs a
    letter headed "BỘ CÔNG AN / CÔNG AN TỈNH BẮC GIANG" from a mailbox nothing proves. Expected: not registered.
    Where: `_one_place` reads no province in the L (section 2)."""
    _directory(world)  # red team 123's: our police's `parent` "Bộ Công an"
    out = _forged(world, "BỘ CÔNG AN", CA.name, "Cao Lộc, Lạng Sơn", CA.name.upper(), "BỘ CÔNG AN", "1284/CAT")
    _nothing_for_a_forger(out, CAT)


def test_end_to_end_our_health_centre_for_its_commune_station(world: World) -> None:
    """GENUINE (end to end guard). Our "Trung tâm Y tế khu vực 1"'s person (O bare, L "Bắc Giang", OU the station)
    signs the station's letter, mailed from its official mailbox (DKIM). Expected: accepted."""
    box = TYT.mailbox
    _write(world, [("000.07.09.H06", TYT.name, box, "", "", "Trung tâm Y tế khu vực 1")])
    out = _genuine(world, "TRUNG TÂM Y TẾ KHU VỰC 1", TYT.name, "Bắc Giang", TYT.name.upper(), "TRUNG TÂM Y TẾ KHU VỰC 1",
                   box, "1285/TYT")
    _accepted(out, box)


KL = _entry("KL", "Đội Kiểm lâm cơ động tỉnh Bắc Giang", parent=("Chi cục Kiểm lâm",))


def test_held_a_provincial_bare_o_whose_l_names_a_district_first() -> None:
    """ATTACK (held). Red team 127's bare "CHI CỤC KIỂM LÂM" with L "Cao Lộc, Lạng Sơn": the parent is completed with
    our province and the L, unread, completes nothing. Expected: none. Observed: none."""
    assert "KL" not in _codes([UB, KL], _sig("CHI CỤC KIỂM LÂM", KL.name, "Cao Lộc, Lạng Sơn"))
