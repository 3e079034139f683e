"""Red team 136: both ways at red team 135's fixes (80b6c40) — `body_names.is_person_name` with the family-name rule
(`family_names.py`, `_ASCII_BODY_START`), `lower_bodies.certificate_district` / `row_district` / `district_committee`,
`directory.told_apart_by_marks`, `issuers._commune_as_listed` and `_under_its_district`. Each test is an attack by a
forger (ATTACK) or the nearest honest shape (GENUINE); each asserts the right behaviour, so a failing test is a fault
found. GUARD tests pass today and keep a suggested fix from going too far.

The forger holds a genuine certificate of another body from a trusted CA: its CN (an agency's own certificate), O, L
and ST are his CA's; only the OU of a person's certificate is his to write. Our gateway is Bắc Giang's."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam124 import UB, _codes, _entry, _sig
from test_redteam135 import _sig_st

STP = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang")
SNN = _entry("SNN", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang")
SVH = _entry("SVH", "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Giang")
CCKL = _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", parent=("Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",))
CCCN = _entry("CCCN", "Chi cục Chăn nuôi và Thú y tỉnh Bắc Giang", parent=("Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",))
BTC = _entry("BTC", "Bộ Tài chính", "vanthu@mof.gov.vn")
BTP = _entry("BTP", "Bộ Tư pháp", "vanthu@moj.gov.vn")
BNV = _entry("BNV", "Bộ Nội vụ", "vanthu@moha.gov.vn")
BYT = _entry("BYT", "Bộ Y tế", "vanthu@moh.gov.vn")
BQP = _entry("BQP", "Bộ Quốc phòng", "vanthu@mod.gov.vn")
BCT = _entry("BCT", "Bộ Công Thương", "vanthu@moit.gov.vn")
QK1 = _entry("QK1", "Quân khu 1", "vanthu@qk1.mod.gov.vn", parent=("Bộ Quốc phòng",))
CHQS = _entry("CHQS", "Bộ Chỉ huy Quân sự tỉnh Bắc Giang", parent=("Quân khu 1",))
TU = _entry("TU", "Tỉnh ủy Bắc Giang", "tinhuy@bacgiang.gov.vn")
TD = _entry("TD", "Tỉnh đoàn Bắc Giang", parent=("Trung ương Đoàn TNCS Hồ Chí Minh",))
HD = _entry("HD", "HĐND tỉnh Bắc Giang", aliases=("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG",))
XPT = _entry("XPT", "UBND phường Trần Phú", "ubnd@tranphu.tpbg.bacgiang.gov.vn", parent=("UBND thành phố Bắc Giang",))


# ============================================================ 1. `is_person_name`: a unit's own CN without marks whose
# first word is also a family name, the body's beginning not in `_ASCII_BODY_START`

@pytest.mark.parametrize("rows,organisation,locality,cn,victim", [
    pytest.param([UB, BTC], "BO TAI CHINH", "Ha Noi", "TONG CUC THUE", "BTC", id="tong-cuc-thue-for-the-ministry"),
    pytest.param([UB, BTP], "BO TU PHAP", "Ha Noi", "VU PHAP LUAT DAN SU KINH TE", "BTP", id="vu-of-bo-tu-phap"),
    pytest.param([UB, QK1], "QUAN KHU 1", "Thai Nguyen", "BO CHI HUY QUAN SU BAC GIANG", "QK1",
                 id="provincial-military-command-for-the-military-region"),
    pytest.param([UB, CHQS], "BO CHI HUY QUAN SU TINH BAC GIANG", "Bac Giang", "TRUONG QUAN SU TINH BAC GIANG", "CHQS",
                 id="military-school-for-its-command"),
    pytest.param([UB, XPT], "UBND PHUONG TRAN PHU", "Bac Giang", "TRUONG MAU GIAO HOA SEN", "XPT",
                 id="kindergarten-for-its-ward"),
    pytest.param([UB, SNN, CCCN], "CHI CUC CHAN NUOI VA THU Y TINH BAC GIANG", "Bac Giang",
                 "TRAM KIEM DICH DONG VAT LUC NGAN", "CCCN", id="quarantine-station-for-its-chi-cuc"),
    pytest.param([UB, SNN, CCKL], "CHI CUC KIEM LAM TINH BAC GIANG", "Bac Giang", "DOI KIEM LAM CO DONG BAC GIANG", "CCKL",
                 id="mobile-ranger-team-for-its-chi-cuc"),
    pytest.param([UB, BYT], "BO Y TE", "Ha Noi", "VIEN PHAP Y QUOC GIA", "BYT", id="forensic-institute-for-the-ministry"),
    pytest.param([UB, TU], "TINH UY BAC GIANG", "Bac Giang", "BAN DOI NGOAI TINH UY BAC GIANG", "TU",
                 id="party-board-for-the-party-committee"),
])
def test_a_units_own_ascii_cn_beginning_with_a_family_names_word_never_speaks_for_its_o(
        rows: list[AgencyEntry], organisation: str, locality: str, cn: str, victim: str) -> None:
    """ATTACK. A unit's own organisation certificate as a public CA writes it, without marks: CN the unit, whose first
    word folds to a family name (Tống → "TONG CUC"; Vũ/Võ → "VU PHAP LUAT …"; Bồ → "BO CHI HUY"; Trương → "TRUONG QUAN
    SU", "TRUONG MAU GIAO"; Trầm → "TRAM KIEM DICH"; Đới → "DOI KIEM LAM"; Viên → "VIEN PHAP Y"; Bàn → "BAN DOI NGOAI"),
    O the body above, no OU. Expected: never the O's body. Observed: Bộ Tài chính, Bộ Tư pháp, Quân khu 1, the
    provincial military command, the ward, the Chi cục, Bộ Y tế, Tỉnh ủy. Where: body_names.py `is_person_name`: an
    ASCII CN beginning with a family name is a person's unless `_ASCII_BODY_START` lists its beginning; that list is a
    closed set of second words ("VU PHAP CHE|TO CHUC|…", "TRAM Y TE|KHUYEN NONG|…", "DOI QUAN LY|THUE|…", "TRUONG MAM
    NON|…" but not "MAU GIAO", "QUAN SU") and knows neither "TONG" nor "BO"; so the CN is a person's, `deciding_name`
    falls to the O, and a unit's certificate speaks for the ministry or committee above it. Fix: turn the test round for
    the words that are a body's first word far more often than a family name ("TONG", "BO", "VU", "VIEN", "DOI", "TRAM",
    "TRUONG", "BAN", "DOAN"): such an ASCII CN is a person's only where its second word is a middle name ("VAN", "THI",
    "DUC", "HUU", "NGOC", "MINH"…, or "A" for the Hmong) or it has two or three words; or list every body's word ("CUC",
    "LENH", "CHI HUY", "QUAN SU", "MAU GIAO", "KIEM DICH", "KIEM LAM", "PHAP Y", "PHAP LUAT", "CONG CHUC", "DOI NGOAI",
    "THANH NIEN XUNG PHONG") as a body's anywhere after the first word. Keep "BO THI HOA", "VU DUC DAM", "TONG VAN AN",
    "TRUONG THI MAI" people (GUARD below; the last two pass as well)."""
    assert victim not in _codes(rows, _sig(organisation, "", locality, cn))


def test_a_genuine_provincial_military_commands_own_ascii_certificate_speaks_for_it() -> None:
    """GENUINE. The same shape is the unit's own: CN "BO CHI HUY QUAN SU BAC GIANG" (Bộ Chỉ huy Quân sự tỉnh Bắc Giang,
    as a public CA writes it without marks and "tỉnh"), O "QUAN KHU 1", L "Bac Giang"; the row "Bộ Chỉ huy Quân sự tỉnh
    Bắc Giang", `parent` "Quân khu 1". Expected: the command. Observed: Quân khu 1 (the command's own letter returned as
    the region's). Where and fix: as above (`is_person_name`: "BO" is Bồ's, and "BO CHI HUY" is in no list)."""
    assert _codes([UB, QK1, CHQS], _sig("QUAN KHU 1", "", "Bac Giang", "BO CHI HUY QUAN SU BAC GIANG")) == ["CHQS"]


@pytest.mark.parametrize("cn", [
    pytest.param("BO THI HOA", id="bo-thi-hoa"),
    pytest.param("VU DUC DAM", id="vu-duc-dam"),
])
def test_guard_ascii_people_whose_family_name_is_a_bodys_word_still_read_their_ou(cn: str) -> None:
    """GUARD (passes). Bồ Thị Hoa, Vũ Đức Đam without marks, under real file 019's shape (O
    the province's committee, OU "SỞ TƯ PHÁP"): the fix above must keep a family name before a middle name a person's."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


# ============================================================ 2. `is_person_name`: a unit's own CN in capitals with marks,
# beginning with a family name that is also a body's word (Đoàn, Cao)

@pytest.mark.parametrize("rows,organisation,locality,cn,victim", [
    pytest.param([UB, BTP], "BỘ TƯ PHÁP", "Hà Nội", "ĐOÀN THANH NIÊN BỘ TƯ PHÁP", "BTP", id="youth-union-of-the-ministry"),
    pytest.param([UB, HD], "HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG", "Bắc Giang", "ĐOÀN ĐẠI BIỂU QUỐC HỘI BẮC GIANG", "HD",
                 id="national-assembly-delegation-for-the-council"),
    pytest.param([UB, SVH], "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH TỈNH BẮC GIANG", "Bắc Giang", "ĐOÀN CHÈO BẮC GIANG", "SVH",
                 id="cheo-troupe-for-its-so"),
    pytest.param([UB, BCT], "BỘ CÔNG THƯƠNG", "Bắc Giang", "CAO ĐẲNG KỸ THUẬT CÔNG NGHIỆP", "BCT",
                 id="college-for-its-ministry"),
])
def test_a_units_own_marked_capital_cn_beginning_with_doan_or_cao_never_speaks_for_its_o(
        rows: list[AgencyEntry], organisation: str, locality: str, cn: str, victim: str) -> None:
    """ATTACK. A unit's own certificate, its CN in capitals with marks, beginning with "ĐOÀN" (Đoàn is a family name and
    a delegation's, a union's, a troupe's word) or "CAO ĐẲNG" (Cao): the Ministry of Justice's youth union, the
    province's National Assembly delegation, the province's chèo troupe, the Industrial Technology College (Bộ Công
    Thương's, in Bắc Giang); O the body above. Expected: never the O's body. Observed: Bộ Tư pháp, HĐND tỉnh, the Sở, Bộ
    Công Thương. Where: body_names.py `is_person_name`: a marked CN in capitals beginning with a family name is a
    person's unless it holds a `_BODY_WORDS_MARKED` word (a level, "sở"); red team 135 listed "ĐOÀN …", "CAO ĐẲNG …"
    only in `_ASCII_BODY_START` (without marks); `AGENCY_WORDS` knows "đoàn nghệ thuật" alone. Fix: read a marked CN's
    first words against the same beginnings folded ("ĐOÀN THANH NIÊN", "ĐOÀN ĐẠI BIỂU", "ĐOÀN CHÈO|CẢI LƯƠNG|CA MÚA",
    "CAO ĐẲNG"), or add them to `AGENCY_WORDS` ("đoàn thanh niên", "đoàn đại biểu", "đoàn chèo", "cao đẳng")."""
    assert victim not in _codes(rows, _sig(organisation, "", locality, cn))


@pytest.mark.parametrize("cn", [pytest.param("ĐOÀN VĂN HẢI", id="doan-van-hai"),
                                pytest.param("CAO THỊ MAI", id="cao-thi-mai")])
def test_guard_marked_people_named_doan_or_cao_still_read_their_ou(cn: str) -> None:
    """GUARD (passes). Đoàn Văn Hải, Cao Thị Mai in capitals with marks stay people."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


# ============================================================ 3. `begins_with_family_name`: a family name written oddly

@pytest.mark.parametrize("cn", [
    pytest.param("ÐOÀN VĂN AN", id="eth-doan"),
    pytest.param("ÐẶNG THỊ HOA", id="eth-dang"),
])
def test_a_person_whose_d_is_written_with_the_eth_letter_still_reads_his_ou(cn: str) -> None:
    """GENUINE. Real file 019's shape (O "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", OU "SỞ TƯ PHÁP", L "Bắc Giang"), the CN in
    capitals with its Đ written "Ð" (U+00D0, the Latin eth that Windows-1258 and VNI conversions put for Đ, and that
    looks the same): Đoàn Văn An, Đặng Thị Hoa. A name so written in title case ("Ðinh Văn Nam") passes, so
    the letter is no foreign one to the gateway. Expected: Sở Tư pháp. Observed: none. Where: family_names.py
    `begins_with_family_name`: `nfc(first).lower()` gives "ðoàn", no family name, so `is_person_name` (capitals need a
    family name since red team 135) reads a body's name, and the CN decides. Fix: map "Ð"/"ð" to "Đ"/"đ" before the
    look-up (or compare folded: `fold` reads both as D), as `foreign_letters` already lets it pass."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


# ============================================================ 4. `told_apart_by_marks`: the parent written otherwise than a row

TT = _entry("TT", "UBND xã Tân Thanh", "ubnd@tanthanh.langgiang.bacgiang.gov.vn")
TH = _entry("TH", "UBND xã Tân Thạnh", "ubnd@tanthanh2.bacgiang.gov.vn")
TT_PLACED = _entry("TT", "UBND xã Tân Thanh, huyện Lạng Giang", "ubnd@tanthanh.langgiang.bacgiang.gov.vn")
TH_PLACED = _entry("TH", "UBND xã Tân Thạnh, huyện Lạng Giang", "ubnd@tanthanh2.langgiang.bacgiang.gov.vn")
TT_ALIASED = _entry("TT", "UBND xã Tân Thanh", "ubnd@tanthanh.langgiang.bacgiang.gov.vn",
                    aliases=("Ủy ban nhân dân xã Tân Thanh",))


def _school(parent: str) -> AgencyEntry:
    return _entry("SCH", "Trường Tiểu học Tân Thạnh", "thtanthanh@bacgiang.edu.vn", parent=(parent,))


@pytest.mark.parametrize("rows,organisation,locality", [
    pytest.param([UB, TT, TH, _school("UBND xã Tân Thạnh, tỉnh Bắc Giang")], "UBND XA TAN THANH", "Bac Giang",
                 id="parent-with-its-province"),
    pytest.param([UB, TT, TH, _school("Ủy ban nhân dân xã Tân Thạnh")], "UY BAN NHAN DAN XA TAN THANH", "Bac Giang",
                 id="parent-spelled-out"),
    pytest.param([UB, TT_PLACED, TH_PLACED, _school("UBND xã Tân Thạnh")], "UBND XA TAN THANH", "Lang Giang, Bac Giang",
                 id="rows-named-with-their-district"),
    pytest.param([UB, TT_ALIASED, TH, _school("Ủy ban nhân dân xã Tân Thạnh")], "UBND XA TAN THANH", "Bac Giang",
                 id="twin-known-by-an-alias"),
])
def test_an_o_without_marks_never_meets_a_mark_twins_parent_written_otherwise_than_its_row(
        rows: list[AgencyEntry], organisation: str, locality: str) -> None:
    """ATTACK. Red team 135's shape (xã Tân Thanh and xã Tân Thạnh, named alike but for a mark; a person of Tân Thanh
    whose public CA writes his O without marks writes Tân Thạnh's school in his OU), the directory writing the school's
    `parent` or the communes' rows a little otherwise than each other: the parent with its province ("UBND xã Tân Thạnh,
    tỉnh Bắc Giang"), spelled out; the rows with their district ("UBND xã Tân Thạnh, huyện Lạng Giang"); the twin known
    by an alias. (So do the parent and the O both with the district, and one row only with its district.) Expected: none
    (red team 135: an O without marks meets no body the directory tells from another by marks alone). Observed: the
    school. Where: directory.py `told_apart_by_marks` looks the parent up by its exact squashed name among the rows'
    names (`_by_name`), so a parent written with more or other words than a row's name finds one row or none and is "not
    told apart", and `_is_a_parent` lets the ASCII O meet it through `lower_body_as_listed`. Fix: ask it of what the
    parent names, not of its text: the lower committee read from it (`lower_committee(parent)`: body, level, name
    folded) against every row's lower committee (names and aliases), districts left out, or `by_certificate_name(parent,
    …)` and every row whose names fold alike to that row's; and ask it of the O too (an ASCII O whose folded commune is
    two rows' meets no parent)."""
    assert "SCH" not in _codes(rows, _sig(organisation, "Trường Tiểu học Tân Thạnh", locality))


def test_guard_red_team_135s_twin_shape_is_still_refused() -> None:
    """GUARD (passes; red team 135's fix). Both rows and the parent written alike ("UBND xã Tân Thạnh")."""
    assert "SCH" not in _codes([UB, TT, TH, _school("UBND xã Tân Thạnh")],
                               _sig("UBND XA TAN THANH", "Trường Tiểu học Tân Thạnh", "Bac Giang"))


# ============================================================ 5. `certificate_district`: the district an L or an O gives

SCHOOL_PLACED = _entry("THX", "Trường Tiểu học xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", parent=("UBND xã Tân Lập",))
SCHOOL_PARENT_PLACED = _entry("THX", "Trường Tiểu học Tân Lập", "thtanlap@lucngan.bacgiang.edu.vn",
                              parent=("UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang",))
XTL_NAMED = _entry("XTL", "UBND xã Tân Lập, huyện Lục Ngạn", "ubnd@tanlap.lucngan.bacgiang.gov.vn")
XTL_PARENT = _entry("XTL", "UBND xã Tân Lập", "ubnd@tanlap.lucngan.bacgiang.gov.vn", parent=("UBND huyện Lục Ngạn",))


@pytest.mark.parametrize("row,organisation,locality", [
    pytest.param(SCHOOL_PLACED, "UBND xã Tân Lập", "Yên Thế - Bắc Giang", id="school-l-district-dash-province"),
    pytest.param(XTL_PARENT, "UBND xã Tân Lập", "Yên Thế - Bắc Giang", id="commune-l-district-dash-province"),
    pytest.param(SCHOOL_PLACED, "UBND xã Tân Lập, tỉnh Bắc Giang", "Yên Thế", id="school-o-province-l-district"),
])
def test_another_districts_same_named_commune_whose_l_names_its_district_never_speaks_for_ours(
        row: AgencyEntry, organisation: str, locality: str) -> None:
    """ATTACK. Yên Thế's xã Tân Lập (Lục Ngạn has one too): its person's L written "Yên Thế - Bắc Giang" (district and
    province in one part, a shape `locality_province` reads since red team 129), or his O naming the province and his L
    the district alone ("UBND xã Tân Lập, tỉnh Bắc Giang", L "Yên Thế"). Rows of Lục Ngạn's: the school naming its
    district, or the commune with `parent` "UBND huyện Lục Ngạn". Expected: none (L "Yên Thế, Bắc Giang" is refused
    today). Observed: the school, the commune. Where: lower_bodies.py `certificate_district`: it takes the L's part
    before the province only where `country_left_out` gives two parts or more (commas), so one part "Yên Thế - Bắc
    Giang" gives none, and an L that is the district alone (the province in the O) gives none; with no district the
    bare O meets the bare parent or name. Fix: split the L's last part at its dashes as `locality_province` does and
    take the piece before the province; where the L holds no province but the O does, the L's last part is the
    district."""
    assert row.code not in _codes([UB, row], _sig(organisation, "" if row is XTL_PARENT else row.name, locality))


@pytest.mark.parametrize("row,organisation,locality,state", [
    pytest.param(SCHOOL_PARENT_PLACED, "UBND xã Tân Lập", "Lục Ngạn - Bắc Giang", "", id="l-district-dash-province"),
    pytest.param(SCHOOL_PLACED, "UBND xã Tân Lập", "Lục Ngạn District", "Bắc Giang", id="l-district-in-english"),
    pytest.param(SCHOOL_PLACED, "UBND xã Tân Lập", "Tân Lập, Bắc Giang", "", id="l-its-own-commune-without-level"),
])
def test_a_genuine_communes_person_whose_l_gives_no_district_as_read_speaks_for_its_school(
        row: AgencyEntry, organisation: str, locality: str, state: str) -> None:
    """GENUINE. Lục Ngạn's xã Tân Lập's own person, bare O, his L as CAs write it: "Lục Ngạn - Bắc Giang" (one part),
    "Lục Ngạn District" with ST "Bắc Giang" (an English-writing CA), or its own commune without its level
    ("Tân Lập, Bắc Giang"; likewise "Chũ, Bắc Giang", thị trấn Chũ, the district's seat). The school's row names Lục
    Ngạn (by its name, or by its `parent` "UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang"). Expected: the school (a
    bare L "Bắc Giang" passes for the first row; "Lục Ngạn, Bắc Giang" for both). Observed: none. Where:
    `certificate_district` reads the L's part before the province as a district whatever it is: "LUC NGAN DISTRICT",
    "TAN LAP" differ from the row's "LUC NGAN", so `_apart` refuses; `_NO_DISTRICT` knows only the level words
    ("XA", "THI TRAN"…), not a commune's or town's bare name; and one dashed part gives none, so the parent written
    with the district is never met. Fix: cut "District"/"Huyện" after as before; a part that is no district's name is
    no district (compare with the directory's districts: `row_district` of every row, and their towns), giving None
    (the bare shape) rather than a district that differs; split a dashed last part (as above)."""
    assert _codes([UB, row], _sig_st(organisation, row.name, locality, state)) == ["THX"]


@pytest.mark.parametrize("row", [pytest.param(XTL_NAMED, id="named-row")])
def test_a_genuine_communes_o_naming_its_district_and_province_without_commas(row: AgencyEntry) -> None:
    """GENUINE. The commune's person, O "UBND xã Tân Lập huyện Lục Ngạn tỉnh Bắc Giang" (no commas, as red team 135's
    "UBND xã Tân Lập huyện Lục Ngạn" without the province passes), L "Bắc Giang". Expected: the commune. Observed: none.
    Where: `certificate_district` / `district_pieces` split the O's rest at punctuation only: one piece "huyện Lục Ngạn
    tỉnh Bắc Giang" whose end is the province (`locality_province` pops it whole) or, taken as the district, "LUC NGAN
    TINH BAC GIANG", never the row's "LUC NGAN". Fix: cut the province's level and name off a piece's end (the
    `_PROVINCE_AFTER` of `district_named`) before reading it as the district, in `district_pieces` and
    `lower_body_as_listed` both."""
    assert _codes([UB, row], _sig("UBND xã Tân Lập huyện Lục Ngạn tỉnh Bắc Giang", "", "Bắc Giang")) == ["XTL"]


@pytest.mark.parametrize("organisation", [
    pytest.param("UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", id="full"),
    pytest.param("UBND xã Tân Lập, huyện Lục Ngạn", id="with-district"),
])
def test_a_genuine_communes_o_naming_its_own_district_meets_a_bare_parent_of_a_row_naming_that_district(
        organisation: str) -> None:
    """GENUINE. Red team 135's school row ("Trường Tiểu học xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", `parent` "UBND
    xã Tân Lập"); its own commune's person, his O naming his district as red team 134 has a CA write it, L "Bắc Giang".
    Expected: the school (the bare O, and the bare O with L "Lục Ngạn, Bắc Giang", pass). Observed: none: the more the
    genuine O says, the less it is believed. Where: issuers.py `_is_a_parent`: the O read as listed keeps its district
    ("Ủy ban nhân dân xã Tân Lập, Lục Ngạn"), the parent bare ("Ủy ban nhân dân xã Tân Lập") — `_apart` has already
    found the two districts the same, yet the parent is never completed with the row's district. Fix: where
    `row_district(row)` equals the certificate's district, compare the O as listed with the parent as listed plus that
    district (or the O without its district)."""
    assert _codes([UB, SCHOOL_PLACED], _sig(organisation, SCHOOL_PLACED.name, "Bắc Giang")) == ["THX"]


# ============================================================ 6. `district_committee` / `row_district`: the province's city

WARD_NAMED = _entry("PTPH", "UBND phường Trần Phú, thành phố Bắc Giang", "ubnd@tranphu.tpbg.bacgiang.gov.vn")
WARD_PARENT = _entry("PTPH", "UBND phường Trần Phú", "ubnd@tranphu.tpbg.bacgiang.gov.vn",
                     parent=("UBND thành phố Bắc Giang",))


@pytest.mark.parametrize("row,organisation,cn", [
    pytest.param(WARD_NAMED, "UBND THÀNH PHỐ BẮC GIANG", "UBND PHƯỜNG TRẦN PHÚ", id="wards-own-cert-under-the-city"),
    pytest.param(WARD_NAMED, "UBND phường Trần Phú, thành phố Bắc Giang, tỉnh Bắc Giang", "Trần Văn Gian",
                 id="person-full-o-named-row"),
    pytest.param(WARD_PARENT, "UBND phường Trần Phú, thành phố Bắc Giang, tỉnh Bắc Giang", "Trần Văn Gian",
                 id="person-full-o-parent-row"),
])
def test_a_genuine_ward_of_the_provinces_city_speaks_for_itself(row: AgencyEntry, organisation: str, cn: str) -> None:
    """GENUINE. Red team 135's commune shapes, for a ward of the province's city (thành phố Bắc Giang, a district-level
    city): its own certificate (CN the ward, O the city's committee), or its person's O naming the city ("UBND phường
    Trần Phú, thành phố Bắc Giang, tỉnh Bắc Giang"; so do "…, TP. Bắc Giang", "… - TP BẮC GIANG"); the row "UBND phường
    Trần Phú, thành phố Bắc Giang" (or "UBND phường Trần Phú", `parent` "UBND thành phố Bắc Giang"). Lục Ngạn's commune
    passes each shape. Expected: the ward. Observed: none. Where: lower_bodies.py `district_committee` takes "huyện",
    "quận", "thị xã" only (so `_under_its_district` never answers to the city), and `_DISTRICT_NAMED` (`row_district`)
    has no "thành phố", so `_commune_as_listed` finds the row's district None ≠ "BAC GIANG"; the full O itself is no
    row's name ("tỉnh Bắc Giang" read as its place). Fix: a province's city is a district's level below the province:
    read "thành phố"/"TP." + a name in `_DISTRICT_NAMED` and `district_committee` where the name is not the province's
    level (`province_committee(O)` None), as `lower_committee` already does."""
    assert _codes([UB, row], _sig(organisation, "", "Bắc Giang", cn)) == ["PTPH"]


def test_another_districts_same_named_commune_never_speaks_for_a_city_communes_school() -> None:
    """ATTACK. Section 5's attack on a row of the province's city: the school "Trường Tiểu học Tân Mỹ, thành phố Bắc
    Giang" (`parent` "UBND xã Tân Mỹ"); a person of another district's xã Tân Mỹ (Yên Dũng's), bare O, L "Yên Dũng, Bắc
    Giang" (red team 135's shape, refused for a row naming "huyện Lục Ngạn"). Expected: none. Observed: the school.
    Where: `row_district` (`_DISTRICT_NAMED`) reads no "thành phố", so the row has no district and `_apart` never
    compares. Fix: as above (a city's "thành phố" is a district's level in `_DISTRICT_NAMED`)."""
    school = _entry("SCHW", "Trường Tiểu học Tân Mỹ, thành phố Bắc Giang", "thtanmy@bacgiang.edu.vn",
                    parent=("UBND xã Tân Mỹ",))
    assert "SCHW" not in _codes([UB, school], _sig("UBND xã Tân Mỹ", school.name, "Yên Dũng, Bắc Giang"))


def test_guard_a_communes_own_certificate_under_its_district_committee_still_speaks() -> None:
    """GUARD (passes; red team 135). The commune's own certificate under "UBND HUYỆN LỤC NGẠN" for the row naming Lục
    Ngạn; the city's fix above must not lose it, nor let Yên Thế's committee speak (red team 135's guard)."""
    assert _codes([UB, XTL_NAMED], _sig("UBND HUYỆN LỤC NGẠN", "", "Bắc Giang", "UBND XÃ TÂN LẬP")) == ["XTL"]
    assert _codes([UB, XTL_NAMED], _sig("UBND HUYỆN YÊN THẾ", "", "Bắc Giang", "UBND XÃ TÂN LẬP")) == []


# ============================================================ 7. `is_person_name`: a marked given name that is a level's word

def test_a_person_whose_given_name_is_tinh_still_reads_his_ou() -> None:
    """GENUINE. Real file 019's shape, the officer Nguyễn Văn Tỉnh (Tỉnh is a given name, as Tình and Tịnh are: red team
    131), his CN in title case with marks. Expected: Sở Tư pháp. Observed: none. Where: body_names.py `is_person_name`:
    a marked CN holding any `_BODY_WORDS_MARKED` word ("tỉnh") is a body's, wherever the word stands; red team 135 made
    the ASCII level words a body's only before a name ("XA TAN LAP"), not the marked ones. Fix: as for the ASCII words,
    a marked level word makes a body's name only when a name follows it (not as the last word after a family name and a
    middle name)."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", "Nguyễn Văn Tỉnh")) == ["STP"]
