"""Red team 138: both ways at red team 136's fixes (4ad5967) — the second-word rule of `family_names.a_bodys_first_word`
(`_SECOND_WORDS`, `_BODIES_FIRST_FOLDED`, `_BODIES_FIRST_MARKED`), the Ð/Đ mapping, the new `AGENCY_WORDS`,
`lower_bodies.certificate_district` reading the L's last piece (`_NO_DISTRICT`, a town's own name), `row_district`, and
`directory.told_apart_by_marks` reading communes anywhere in a name. Each test is an attack by a forger (ATTACK) or the
nearest honest shape (GENUINE); each asserts the right behaviour, so a failing test is a fault found. GUARD tests pass
today and keep a suggested fix from going too far.

The forger holds a genuine certificate of another body from a trusted CA: its CN (an agency's own certificate), O, L
and ST are his CA's; only the OU of a person's certificate is his to write. Our gateway is Bắc Giang's (a Hồ Chí Minh
City directory in section 5)."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam124 import UB, _codes, _entry, _sig
from test_redteam135 import _sig_st

STP = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang")
SYT = _entry("SYT", "Sở Y tế tỉnh Bắc Giang")
BYT = _entry("BYT", "Bộ Y tế", "vanthu@moh.gov.vn")
BNV = _entry("BNV", "Bộ Nội vụ", "vanthu@moha.gov.vn")
BTP = _entry("BTP", "Bộ Tư pháp", "vanthu@moj.gov.vn")
CP = _entry("CP", "Chính phủ", "vanthu@chinhphu.vn")
CHQ = _entry("CHQ", "Cục Hải quan", "vanthu@customs.gov.vn", parent=("Bộ Tài chính",))
VHL = _entry("VHL", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam", "vanthu@vast.gov.vn")
TPBG = _entry("TPBG", "UBND thành phố Bắc Giang", "vanthu@tpbg.bacgiang.gov.vn")


# ============================================================ 1. `a_bodys_first_word`: a person whose second word is no
# middle or given name of `_SECOND_WORDS`

@pytest.mark.parametrize("cn", [
    pytest.param("Đoàn Kim Anh", id="title-case-doan-kim-anh"),
    pytest.param("ĐOÀN KIM ANH", id="capitals-doan-kim-anh"),
    pytest.param("Cao Kim Oanh", id="title-case-cao-kim-oanh"),
    pytest.param("LÂM QUỲNH ANH", id="capitals-lam-quynh-anh"),
    pytest.param("TRUONG KIM NGAN", id="ascii-truong-kim-ngan"),
    pytest.param("Đoàn Trần Minh Anh", id="double-family-name-doan-tran"),
    pytest.param("VU KHOAN", id="ascii-two-words-vu-khoan"),
    pytest.param("ĐOÀN KHUÊ", id="capitals-two-words-doan-khue"),
])
def test_a_person_whose_second_word_is_not_in_the_list_still_reads_his_ou(cn: str) -> None:
    """GENUINE. Real file 019's shape (O "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", OU "SỞ TƯ PHÁP", L "Bắc Giang"), the
    officer's CN a common name whose family name is also a body's first word (Đoàn, Cao, Lâm; without marks Trương,
    Tô, Đặng, Vũ) and whose next word is a middle name `_SECOND_WORDS` does not hold: "Kim" (Kim Anh, Kim Ngân, Kim
    Oanh), "Quỳnh", "An", a second family name as southern names have ("Đoàn Trần Minh Anh"; "TRUONG PHAM BAO
    NGOC"), or a two-word name ("Vũ Khoan", "Đoàn Khuê"); so are "TO KIM LIEN", "DANG KIM CHI", "Đoàn An Khang".
    Even title case with marks ("Đoàn Kim Anh"), and "TRUONG KIM NGAN", people before red team 136's fix (HEAD~1),
    are refused now. Expected: Sở Tư pháp. Observed: none. Where: family_names.py `a_bodys_first_word`, called by
    body_names.py `is_person_name` for every CN however written: the second word must be one of about 150 listed
    middle or given names, else the name is a body's; the CN then decides and names nobody. Fix: turn the burden
    round — read such a name as a body's only where its words after the first make a body's beginning (the folded
    `_ASCII_BODY_START` list, `AGENCY_WORDS` folded: "CUC", "CHI HUY", "TRUONG MAM NON"…, or a body's word anywhere
    after the first: "CUC", "VIEN", "TRUONG", "HOC", "Y TE", "QUAN", "KHU"), not where a given name is missing from
    a list; and never apply it to a title-case name with marks ("Đoàn Kim Anh" is written so by no body)."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


@pytest.mark.parametrize("cn", [
    pytest.param("ĐOÀN VĂN HẢI", id="doan-van-hai"),
    pytest.param("TRUONG THI MAI", id="truong-thi-mai"),
    pytest.param("Cao Ngọc Ánh", id="cao-ngoc-anh"),
])
def test_guard_people_with_a_listed_middle_name_still_read_their_ou(cn: str) -> None:
    """GUARD (passes). People whose second word is listed stay people."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


# ============================================================ 2. `a_bodys_first_word`: a unit's own ASCII CN whose second
# word is also a middle or given name

@pytest.mark.parametrize("rows,organisation,locality,cn,victim", [
    pytest.param([UB, BYT], "BO Y TE", "Ha Noi", "VU BAO HIEM Y TE", "BYT", id="vu-bao-hiem-y-te-for-the-ministry"),
    pytest.param([UB, BYT], "BO Y TE", "Ha Noi", "VIEN DINH DUONG", "BYT", id="vien-dinh-duong-for-the-ministry"),
    pytest.param([UB, BNV], "BO NOI VU", "Ha Noi", "VU TIEN LUONG", "BNV", id="vu-tien-luong-for-the-ministry"),
    pytest.param([UB, CHQ], "CUC HAI QUAN", "Ha Noi", "TRUONG HAI QUAN VIET NAM", "CHQ", id="customs-school-for-the-cuc"),
    pytest.param([UB, VHL], "VIEN HAN LAM KHOA HOC VA CONG NGHE VIET NAM", "Ha Noi", "VIEN TOAN HOC", "VHL",
                 id="institute-of-mathematics-for-the-academy"),
    pytest.param([UB, TPBG], "UBND THANH PHO BAC GIANG", "Bac Giang", "DOI QUY TAC DO THI", "TPBG",
                 id="city-order-team-for-the-city-committee"),
])
def test_a_units_own_ascii_cn_whose_second_word_is_a_given_name_never_speaks_for_its_o(
        rows: list[AgencyEntry], organisation: str, locality: str, cn: str, victim: str) -> None:
    """ATTACK. A unit's own organisation certificate as a public CA writes it, without marks: CN the unit, its first
    word a body's that is also a family name (Vụ/Vũ, Viện/Viên, Trường/Trương, Đội/Đới), its second a word
    `_SECOND_WORDS` holds as a given name: "BẢO hiểm" (Bảo), "ĐINH dưỡng" (Đình), "TIỀN lương" (Tiến), "HẢI quan"
    (Hải), "TOÁN học" (Toàn), "QUY tắc" (Quý); O the body above, no OU. (So do "VIEN Y HOC CO TRUYEN QUAN DOI" under
    "BO QUOC PHONG", "VIEN CONG NGHE THONG TIN" under "DAI HOC QUOC GIA HA NOI".) Expected: never the O's body.
    Observed: Bộ Y tế, Bộ Nội vụ, Cục Hải quan, the Academy, the city's committee. Where: family_names.py
    `a_bodys_first_word` reads the name as a person's as soon as its second word folds to a listed given name, and
    `_ASCII_BODY_START` lists only a few such beginnings ("VU GIA DINH", "VIEN KIEM SAT", "TRUONG QUOC TE"), so
    `is_person_name` is true, `deciding_name` falls to the O, and the unit's certificate speaks for the body above
    it. Fix: for an ambiguous first word, look past the second word: a name with a body's word later ("HIEM",
    "DUONG", "LUONG", "HOC", "QUAN", "NGHE", "TAC", "Y TE", "VIET NAM", "DO THI") or with more than four words is a
    body's; or list the words a body's second word folds alike with a given name ("BAO HIEM", "DINH DUONG", "TIEN
    LUONG", "Y HOC", "HAI QUAN", "TOAN HOC", "CONG NGHE", "QUY TAC", "VAN HOA", "HOA HOC", "TRUNG HOC", "TRUNG
    UONG")."""
    assert victim not in _codes(rows, _sig(organisation, "", locality, cn))


@pytest.mark.parametrize("cn", [
    pytest.param("BO Y TE", id="bo-y-te"),
    pytest.param("BO TU PHAP", id="bo-tu-phap"),
])
def test_a_ministrys_own_ascii_certificate_under_the_government_never_speaks_for_the_government(cn: str) -> None:
    """ATTACK. A ministry's own certificate as a public CA writes it without marks, CN the ministry, O its parent
    "CHINH PHU" (as "CÔNG AN TỈNH LÂM ĐỒNG" stands under "BỘ CÔNG AN", red team 130), L "Ha Noi"; the directory
    lists the Government (its decrees are registered under "Chính phủ"). Expected: never the Government (CN "BO NOI
    VU" so is refused). Observed: the Government. Where: `a_bodys_first_word`: "BO" is a body's first word, but "Y"
    (Ý) and "TU" (Tú) are listed given names, and `_ASCII_BODY_START` lists "BO CONG AN", "BO QUOC PHONG", "BO TU
    LENH" but neither "BO Y TE" nor "BO TU PHAP"; so the CN is a person's, and the O decides. Fix: the ministries'
    names (`issuers._MINISTRIES`, folded) are bodies' beginnings whatever their second word; more generally as
    section 2."""
    rows = [UB, CP, BYT, BTP]
    assert "CP" not in _codes(rows, _sig("CHINH PHU", "", "Ha Noi", cn))


# ============================================================ 3. the Ð/Đ mapping: a body's name with the Latin eth

@pytest.mark.parametrize("rows,organisation,locality,cn,victim", [
    pytest.param([UB, SYT], "SỞ Y TẾ TỈNH BẮC GIANG", "Bắc Giang", "CAO ÐẲNG Y TẾ BẮC GIANG", "SYT",
                 id="college-with-eth-for-its-so"),
    pytest.param([UB, BTP], "BỘ TƯ PHÁP", "Hà Nội", "ÐOÀN THANH NIÊN BỘ TƯ PHÁP", "BTP",
                 id="youth-union-with-eth-for-the-ministry"),
])
def test_a_units_own_cn_written_with_the_latin_eth_never_speaks_for_its_o(
        rows: list[AgencyEntry], organisation: str, locality: str, cn: str, victim: str) -> None:
    """ATTACK. Red team 136's Ð (U+00D0, the Latin eth a Windows-1258 or VNI conversion writes for Đ): a person's
    name so written is now read as one, but a body's is not: "CAO ÐẲNG Y TẾ BẮC GIANG" (the province's medical
    college, O its Sở), "ÐOÀN THANH NIÊN BỘ TƯ PHÁP" (the ministry's youth union, O the ministry). Expected: never
    the O's body. Observed: Sở Y tế, Bộ Tư pháp. Where: body_names.py `is_agency_name` compares the CN as written
    with `AGENCY_WORDS` ("cao đẳng", "đoàn thanh niên"), so "cao ðẳng", "ðoàn thanh niên" are no agency's;
    family_names.py `begins_with_family_name` maps Ð to Đ (Đoàn is a family name; Cao is one anyway), and
    `a_bodys_first_word` then finds a listed given name second ("ÐẲNG" folds to Đăng's DANG, "THANH"); so the CN is
    a person's and the O decides. Fix: map Ð/ð to Đ/đ once for the whole CN (in `is_agency_name` and
    `is_person_name` alike, or in `nfc`), not in the family-name look-up alone."""
    assert victim not in _codes(rows, _sig(organisation, "", locality, cn))


# ============================================================ 4. `certificate_district`: a town's own name, an L
# without commas

TOWN_PARENT = _entry("TTC", "UBND thị trấn Chũ", "ubnd@chu.lucngan.bacgiang.gov.vn", parent=("UBND huyện Lục Ngạn",))
TOWN_SCHOOL = _entry("THC", "Trường Tiểu học thị trấn Chũ, huyện Lục Ngạn", "thchu@lucngan.bacgiang.edu.vn",
                     parent=("UBND thị trấn Chũ",))


@pytest.mark.parametrize("row,organisation,unit,locality", [
    pytest.param(TOWN_PARENT, "UBND thị trấn Chũ", "", "Chũ, Bắc Giang", id="town-row-with-parent"),
    pytest.param(TOWN_PARENT, "UBND thị trấn Chũ", "", "Chũ - Bắc Giang", id="town-l-dashed"),
    pytest.param(TOWN_SCHOOL, "UBND thị trấn Chũ", TOWN_SCHOOL.name, "Chũ, Bắc Giang", id="towns-school"),
])
def test_a_genuine_towns_person_whose_l_is_his_own_town_speaks_for_it(row: AgencyEntry, organisation: str, unit: str,
                                                                       locality: str) -> None:
    """GENUINE. Red team 136's "its own commune, written without its level" (L "Tân Lập, Bắc Giang" under O "UBND xã
    Tân Lập" passes), for a town: thị trấn Chũ (Lục Ngạn's seat), its person's O "UBND thị trấn Chũ", his L "Chũ,
    Bắc Giang" (or "Chũ - Bắc Giang"). Rows naming Lục Ngạn (by `parent`, or the school by its name). Expected: the
    town, its school (L "Bắc Giang" alone, or "Lục Ngạn, Bắc Giang", passes). Observed: none. Where: lower_bodies.py
    `certificate_district`: `commune` is the O's commune name but for a town, where it is set to ""
    (`found[1].split(" ", 1)` would give "trấn Chũ", so the two-word level was left out instead of cut), so the
    town's own name "CHU" is taken for a district, which differs from the row's "LUC NGAN", and `_apart` refuses.
    Fix: cut the level as a level (`DISTRICT_LEVEL_WORDS`-like pattern for "thị trấn|xã|phường|tt\\.?| x\\.|p\\."),
    and compare the L's piece with the town's name as with a commune's."""
    assert _codes([UB, row], _sig(organisation, unit, locality)) == [row.code]


XTL_NAMED = _entry("XTL", "UBND xã Tân Lập, huyện Lục Ngạn", "ubnd@tanlap.lucngan.bacgiang.gov.vn")


@pytest.mark.parametrize("locality", [
    pytest.param("Lục Ngạn Bắc Giang", id="district-province-no-comma", marks=pytest.mark.xfail(
        strict=True, reason="left: README, Who signed it: an L's province is its last part's name alone or after its "
        "level; run together with the district it is read as none")),
    pytest.param("Huyện Lục Ngạn Tỉnh Bắc Giang", id="levels-no-comma"),
    pytest.param("Luc Ngan Dist., Bac Giang", id="english-dist-abbreviated"),
])
def test_a_genuine_communes_person_whose_l_writes_the_district_without_a_comma_speaks_for_it(locality: str) -> None:
    """GENUINE. Lục Ngạn's xã Tân Lập's person, bare O "UBND xã Tân Lập", his L naming his district and province
    without a comma ("Lục Ngạn Bắc Giang", "Huyện Lục Ngạn Tỉnh Bắc Giang"; red team 136 made the O "UBND xã Tân Lập
    huyện Lục Ngạn tỉnh Bắc Giang" without commas pass), or "Dist." for District. Row "UBND xã Tân Lập, huyện Lục
    Ngạn". Expected: the commune ("Lục Ngạn, Bắc Giang" passes). Observed: none. Where: `certificate_district`
    splits the L at commas and dashes only; an unsplit "Lục Ngạn Bắc Giang" is no province (`locality_province`
    reads the whole part), so the whole part is the candidate "LUC NGAN BAC GIANG" (or "LUC NGAN DIST"), which
    differs from "LUC NGAN": `_apart` refuses where it should have found no district or the right one. Fix: cut a
    province's name (and its level) off the end of the last piece (`_PROVINCE_AFTER`, `ending_provinces`) and
    "Dist."/"Dist" with "District" (`_ENGLISH_LEVEL`); a piece that still names no district of the row's province
    gives None, not a district that differs."""
    assert _codes([UB, XTL_NAMED], _sig("UBND xã Tân Lập", "", locality)) == ["XTL"]


# ============================================================ 5. `certificate_district`: Hồ Chí Minh City's numbered
# districts (`_NO_DISTRICT` refuses every piece with a digit)

UBH = _entry("UBH", "UBND Thành phố Hồ Chí Minh", "ubnd@tphcm.gov.vn")
WARD_Q5 = _entry("W15", "UBND Phường 1, Quận 5", "ubnd.p1q5@tphcm.gov.vn")
WARD_Q5_SCHOOL = _entry("MN15", "Trường Mầm non Phường 1, Quận 5", "mnp1q5@tphcm.gov.vn", parent=("UBND Phường 1",))


@pytest.mark.parametrize("locality,state", [
    pytest.param("Quận 3, TP. Hồ Chí Minh", "", id="quan-3"),
    pytest.param("Q.3", "Hồ Chí Minh", id="q3-st"),
])
def test_another_districts_numbered_ward_never_speaks_for_a_school_of_ours(locality: str, state: str) -> None:
    """ATTACK. Hồ Chí Minh City's wards are numbered alike in a dozen districts (Phường 1 of Quận 3, 4, 5, 6, 8, 10,
    11, Bình Thạnh, Gò Vấp, Phú Nhuận, Tân Bình): red team 135's Tân Lập shape. Quận 3's Phường 1's person, bare O
    "UBND Phường 1", his L "Quận 3, TP. Hồ Chí Minh" (or "Q.3" with ST; "District 3, Ho Chi Minh City" alike), OU
    the kindergarten "Trường Mầm non Phường 1, Quận 5" (`parent` "UBND Phường 1"). Expected: none, as "Bình Thạnh,
    TP. Hồ Chí Minh" is refused (and as Lục Ngạn's school is refused to Yên Thế's xã Tân Lập). Observed: the school.
    Where: lower_bodies.py `certificate_district`: `_NO_DISTRICT` refuses any L piece holding a digit (a house
    number), so "Quận 3", "Q.3", "District 3" give no district, `_apart` never compares, and the bare O meets the
    bare parent. Fix: cut the level first ("Quận", "Q.", "District"), then read a piece that is a number alone as
    the district ("3", as `row_district` reads "Quận 5" as "5"); keep refusing a digit inside a longer piece ("Số 12
    Lý Tự Trọng")."""
    assert "MN15" not in _codes([UBH, WARD_Q5_SCHOOL], _sig_st("UBND Phường 1", WARD_Q5_SCHOOL.name, locality, state))


@pytest.mark.parametrize("locality", [
    pytest.param("Quận 5, TP. Hồ Chí Minh", id="quan-5"),
    pytest.param("Q.5, TP.HCM", id="q5-short"),
])
def test_a_genuine_numbered_wards_person_whose_l_names_its_district_speaks_for_the_ward(locality: str) -> None:
    """GENUINE. Red team 135's shape (bare O, L naming the district, a row naming it: Lục Ngạn's "UBND xã Tân Lập,
    huyện Lục Ngạn" passes): Quận 5's Phường 1's person, O "UBND Phường 1", L "Quận 5, TP. Hồ Chí Minh"; row "UBND
    Phường 1, Quận 5". Expected: the ward. Observed: none. Where: `certificate_district` gives None for "Quận 5"
    (the digit), so issuers.py `_commune_as_listed` (which needs a district to complete the bare O with) returns
    nothing. Fix: as above (a district that is a number is a district)."""
    assert _codes([UBH, WARD_Q5], _sig("UBND Phường 1", "", locality)) == ["W15"]


# ============================================================ 6. `told_apart_by_marks` and `_is_a_parent`: mark twins,
# a commune written "X.", a bare parent

TWIN_TT = _entry("TT", "UBND xã Tân Thanh, huyện Lạng Giang", "ubnd@tanthanh.langgiang.bacgiang.gov.vn")
TWIN_TH = _entry("TH", "UBND xã Tân Thạnh, huyện Yên Thế", "ubnd@tanthanh.yenthe.bacgiang.gov.vn")
TT_SCHOOL = _entry("SCH", "Trường Tiểu học Tân Thanh, huyện Lạng Giang", "thtanthanh@langgiang.bacgiang.edu.vn",
                   parent=("UBND xã Tân Thanh",))


@pytest.mark.parametrize("organisation,locality", [
    pytest.param("UBND XA TAN THANH, HUYEN LANG GIANG", "Bac Giang", id="o-names-its-district"),
    pytest.param("UBND XA TAN THANH", "Lang Giang, Bac Giang", id="l-names-its-district"),
])
def test_a_genuine_o_without_marks_meets_its_school_though_its_mark_twin_is_in_another_district(
        organisation: str, locality: str) -> None:
    """GENUINE. xã Tân Thanh (Lạng Giang) and xã Tân Thạnh (Yên Thế), named alike but for a mark, in two districts;
    the rows name each its district, and so does the school ("Trường Tiểu học Tân Thanh, huyện Lạng Giang", `parent`
    "UBND xã Tân Thanh"). Tân Thanh's person, his public CA writing the O without marks, the district in his O or
    his L. Expected: the school (without Tân Thạnh's row in the directory it passes: the district tells). Observed:
    none. Where: issuers.py `_is_a_parent`: `directory.told_apart_by_marks(organisation)` (and of the parent) is
    true for any name holding a commune the directory spells two ways (`communes_named`, red team 136), whatever
    district each spelling stands in; the twin in Yên Thế refuses Lạng Giang's own. Fix: in `Directory._communes`,
    key each spelling with its row's district (`row_district`), and ask `told_apart_by_marks` for the certificate's
    district (`certificate_district`, already computed in `_is_a_parent`): twins of another district are told apart
    by it, as `_apart` tells red team 135's same-named communes apart."""
    assert _codes([UB, TWIN_TT, TWIN_TH, TT_SCHOOL], _sig(organisation, TT_SCHOOL.name, locality)) == ["SCH"]


MARK_TT = _entry("TT", "UBND xã Tân Thanh", "ubnd@tanthanh.langgiang.bacgiang.gov.vn")
MARK_TH = _entry("TH", "UBND xã Tân Thạnh", "ubnd@tanthanh2.bacgiang.gov.vn")
WARD_TT = _entry("TT", "UBND phường Tân Thanh", "ubnd@ptanthanh.bacgiang.gov.vn")
WARD_TH = _entry("TH", "UBND phường Tân Thạnh", "ubnd@ptanthanh2.bacgiang.gov.vn")


@pytest.mark.parametrize("twins,parent,organisation", [
    pytest.param([MARK_TT, MARK_TH], "UBND X. Tân Thạnh", "UBND X. TAN THANH", id="x-dot"),
    pytest.param([MARK_TT, MARK_TH], "UBND X.Tân Thạnh", "UBND X.TAN THANH", id="x-dot-glued"),
    pytest.param([WARD_TT, WARD_TH], "UBND P. Tân Thạnh", "UBND P. TAN THANH", id="ward-p-dot"),
])
def test_a_mark_twins_o_without_marks_written_with_an_initial_level_never_meets_the_others_school(
        twins: list[AgencyEntry], parent: str, organisation: str) -> None:
    """ATTACK. Red team 135's shape (xã Tân Thanh and xã Tân Thạnh in the directory, a person of Tân Thanh whose CA
    writes his O without marks writes Tân Thạnh's school in his OU), the level written by its initial, as CAs and
    operators both shorten it: the school's `parent` "UBND X. Tân Thạnh" (or "UBND P. Tân Thạnh" for twin wards),
    the O "UBND X. TAN THANH". Expected: none (with the O written "UBND XA TAN THANH" it is refused; red team 136's
    fix). Observed: the school. Where: directory.py `communes_named` (the `_COMMUNE` pattern) knows only
    "xã|xa|phường|phuong|thị trấn|thi tran" before a name, never "X.", "P.", "TT."; so neither the O nor the parent
    names a commune for `told_apart_by_marks`, whose first test (an exact row name) fails too, and `_is_a_parent`
    meets the parent through `lower_body_as_listed` (which does read "X." as "xã"). Fix: read the levels as
    `lower_bodies._LOWER_LEVELS` does ("x.", "p.", "tt", "tt."), or ask `told_apart_by_marks` of
    `lower_body_as_listed(name)` too."""
    school = _entry("SCH", "Trường Tiểu học Tân Thạnh", "thtanthanh@bacgiang.edu.vn", parent=(parent,))
    assert "SCH" not in _codes([UB, *twins, school], _sig(organisation, school.name, "Bac Giang"))


BARE_SCHOOL = _entry("SCH", "Trường Tiểu học Tân Lập", "thtanlap@lucngan.bacgiang.edu.vn", parent=("UBND xã Tân Lập",))


@pytest.mark.parametrize("organisation", [
    pytest.param("UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", id="full"),
    pytest.param("UBND xã Tân Lập, huyện Lục Ngạn", id="with-district"),
])
def test_a_genuine_communes_o_naming_its_district_meets_a_bare_parent_of_a_row_naming_none(organisation: str) -> None:
    """GENUINE. Red team 136's bare-parent case, for a row that names no district: the school "Trường Tiểu học Tân
    Lập" (`parent` "UBND xã Tân Lập", its mailbox on Lục Ngạn's domain); its commune's person, his O naming his
    district (and province) as red team 134 has a CA write it, L "Bắc Giang". Expected: the school: the bare O "UBND
    xã Tân Lập" passes, with L "Bắc Giang", "Lục Ngạn, Bắc Giang" — and even "Yên Thế, Bắc Giang" (the row names no
    district). Observed: none: the more the O says, the less it is believed. Where: issuers.py `_is_a_parent`: the
    O's bare commune ("Ủy ban nhân dân xã Tân Lập") is compared only where `row_district(row) == district`; a row
    naming no district never gets it, and the O read as listed keeps its district ("…, Lục Ngạn"). Fix: compare the
    bare commune too where the row names no district (`row_district(row) is None`): it opens nothing a bare O does
    not already open."""
    assert _codes([UB, BARE_SCHOOL], _sig(organisation, BARE_SCHOOL.name, "Bắc Giang")) == ["SCH"]


def test_guard_the_twin_of_the_same_district_without_marks_is_still_refused() -> None:
    """GUARD (passes; red team 135). With the level written out, an O without marks meets neither twin's school."""
    school = _entry("SCH", "Trường Tiểu học Tân Thạnh", "thtanthanh@bacgiang.edu.vn", parent=("UBND xã Tân Thạnh",))
    assert "SCH" not in _codes([UB, MARK_TT, MARK_TH, school], _sig("UBND XA TAN THANH", school.name, "Bac Giang"))


def test_guard_another_districts_commune_is_still_refused_with_a_lettered_district() -> None:
    """GUARD (passes; red team 135). Yên Thế's xã Tân Lập, L "Yên Thế, Bắc Giang", never Lục Ngạn's commune."""
    assert _codes([UB, XTL_NAMED], _sig("UBND xã Tân Lập", "", "Yên Thế, Bắc Giang")) == []
