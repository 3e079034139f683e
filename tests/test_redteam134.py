"""Red team 134: both ways at red team 133's fixes (694c792) — `issuers.is_person_name` (`_ASCII_BODY_START`,
`_ASCII_BODY_WORDS`, `ending_provinces`), `_central_words` / `_every_level`, and `_lower_body_as_listed` read on both sides
in `_is_a_parent`. Each test is an attack by a forger (ATTACK) or the nearest honest shape (GENUINE); each asserts the
right behaviour, so a failing test is a fault found.

The forger holds a genuine certificate of another body from a trusted CA: its CN (an agency's own certificate), O, L
and ST are his CA's; only the OU of a person's certificate is his to write. Our gateway is Bắc Giang's."""

from __future__ import annotations

import pytest

from gateway.decision.body_names import is_person_name
from gateway.directory import AgencyEntry
from test_redteam124 import UB, _codes, _entry, _sig

STP = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang")
CCKL = _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang")
QLTT = _entry("QLTT", "Cục Quản lý thị trường tỉnh Bắc Giang")
SNN = _entry("SNN", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang")
BTP = _entry("BTP", "Bộ Tư pháp", "vanthu@moj.gov.vn")
BCA = _entry("BCA", "Bộ Công an", "vanthu@bocongan.gov.vn")

# ============================================================ 1. `is_person_name`: a unit's own marked CN, read as a person's


@pytest.mark.parametrize("rows,organisation,locality,cn,victim", [
    pytest.param([UB, CCKL], "CHI CỤC KIỂM LÂM TỈNH BẮC GIANG", "Bắc Giang", "HẠT KIỂM LÂM LỤC NGẠN", "CCKL",
                 id="forest-ranger-station-for-its-chi-cuc"),
    pytest.param([UB, QLTT], "CỤC QUẢN LÝ THỊ TRƯỜNG TỈNH BẮC GIANG", "Bắc Giang", "ĐỘI QUẢN LÝ THỊ TRƯỜNG SỐ MỘT", "QLTT",
                 id="market-team-for-its-cuc"),
    pytest.param([UB, SNN], "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH BẮC GIANG", "Bắc Giang", "TRẠM KHUYẾN NÔNG LỤC NGẠN", "SNN",
                 id="extension-station-for-its-so"),
    pytest.param([UB, BTP], "BỘ TƯ PHÁP", "Hà Nội", "NHÀ XUẤT BẢN TƯ PHÁP", "BTP", id="publisher-for-its-ministry"),
    pytest.param([UB, BCA], "BỘ CÔNG AN", "Bắc Giang", "TRẠI GIAM NGỌC LÝ", "BCA", id="prison-for-the-ministry"),
])
def test_a_units_own_marked_cn_beginning_with_a_word_no_list_knows_never_speaks_for_its_o(
        rows: list[AgencyEntry], organisation: str, locality: str, cn: str, victim: str) -> None:
    """ATTACK. A unit's own organisation certificate, its CN written WITH marks in capitals (not the known ASCII limit):
    a ranger station ("HẠT …"), a market-control team ("ĐỘI …"), an extension station ("TRẠM …"), a publisher ("NHÀ XUẤT
    BẢN …"), a prison ("TRẠI GIAM …"); O the body above, no OU. Expected: never the O's body. Observed: Chi cục Kiểm lâm,
    Cục QLTT, the Sở, Bộ Tư pháp, Bộ Công an. Where: issuers.py `is_person_name`: 2–7 capitalised words with vowels, no
    province at the end, no word of `_BODY_WORDS_MARKED` → a person; `AGENCY_WORDS` lacks "hạt ", "đội ", "trạm ", "trại ",
    "nhà xuất bản", "tạp chí", "đồn ", so `deciding_name` falls to the O. Fix: a CN wholly in capitals WITH marks is a
    body's (CAs write a person's CN "Nguyễn Văn An", or ASCII caps); or require a marked CN's first word to be a family
    name (`_FAMILY_NAMES`, marks compared) and add these words to `AGENCY_WORDS`."""
    assert victim not in _codes(rows, _sig(organisation, "", locality, cn))


# ============================================================ 1b. `is_person_name`: real people read as bodies


@pytest.mark.parametrize("cn", [
    pytest.param("Nguyễn Hòa Bình", id="hoa-binh"),
    pytest.param("Nguyễn Thái Bình", id="thai-binh"),
    pytest.param("Lê Hải Dương", id="hai-duong"),
    pytest.param("Nguyễn Hà Nam", id="ha-nam"),
    pytest.param("Trần Long An", id="long-an"),
    pytest.param("NGUYEN BINH DUONG", id="binh-duong-ascii"),
])
def test_a_person_whose_given_name_is_a_provinces_name_still_reads_his_ou(cn: str) -> None:
    """GENUINE. Real file 019's shape (O "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", OU "SỞ TƯ PHÁP", L "Bắc Giang"), the person
    named like a province: "Hòa Bình", "Thái Bình", "Hải Dương", "Bình Dương" are among the commonest given names (a
    deputy prime minister is Nguyễn Hòa Bình). Expected: Sở Tư pháp. Observed: none. Where: `is_person_name` refuses a
    CN for which `ending_provinces(text)[0]` holds, so the CN is the deciding name and names no agency. Fix: refuse a
    province ending only where the words before it are a body's ("… TỈNH", a body word, `AGENCY_WORDS`), or only where
    the first word is no family name; a family name and one or two words before the province are a person's."""
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


@pytest.mark.parametrize("cn", [
    pytest.param("TRUONG THI MAI", id="truong-thi"),
    pytest.param("TRUONG THANH HAI", id="truong-thanh"),
    pytest.param("DANG UYEN NHI", id="dang-uyen"),
])
def test_an_ascii_person_whose_name_begins_like_a_schools_still_reads_his_ou(cn: str) -> None:
    """GENUINE. The same shape, the person's CN written without marks by the CA: Trương Thị Mai, Trương Thanh Hải, Đặng
    Uyên Nhi. Expected: Sở Tư pháp. Observed: none. Where: issuers.py `_ASCII_BODY_START` has no word boundary after its
    alternatives: "TRUONG TH" (a school's "Trường TH") is a prefix of "TRUONG THI", "TRUONG THANH", and "DANG UY" of "DANG
    UYEN"; so the CN is a body's. Fix: end each alternative at a word's end: `(?:…)\\b` after the group (the input ends
    with a space already: put the space inside the pattern for every alternative, "TRUONG (?:TH|…) ", "DANG UY ")."""
    assert is_person_name(cn)
    assert _codes([UB, STP], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


@pytest.mark.parametrize("cn", ["TRUONG THPT LUC NGAN", "DANG UY XA TAN LAP", "Trương Thị Mai", "Ksor H'Bia"])
def test_guard_what_red_team_133_fixed_still_holds(cn: str) -> None:
    """GUARD (passes). A school's and a party committee's ASCII CN are bodies'; a person's marked name is a person's."""
    assert is_person_name(cn) == (not cn.isupper())


# ============================================================ 2. `_central_words`: "Trung ương" is the centre's too

HPN = _entry("HPN", "Hội Liên hiệp Phụ nữ tỉnh Bắc Giang", parent=("Hội LHPN Việt Nam",))
HND = _entry("HND", "Hội Nông dân tỉnh Bắc Giang", parent=("Hội Nông dân Việt Nam",))


@pytest.mark.parametrize("row,organisation", [
    pytest.param(HPN, "TRUNG ƯƠNG HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", id="womens-union"),
    pytest.param(HND, "TRUNG ƯƠNG HỘI NÔNG DÂN VIỆT NAM", id="farmers-union"),
])
def test_a_provincial_union_under_its_central_committee_named_trung_uong(row: AgencyEntry, organisation: str) -> None:
    """GENUINE. Real file 014's shape for the province's women's (farmers') union: its own certificate, CN the provincial
    body, O the central committee as the union's CA writes it ("TRUNG ƯƠNG HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", a phrase of
    `_GOVERNING`), L "Bắc Giang"; the row's `parent` "Hội LHPN Việt Nam". Expected: the row. Observed: none. Where:
    issuers.py `_is_a_parent`: `_central_words` must be EQUAL, and {TRUNG UONG, VIET NAM} is not {VIET NAM}, though both
    name the same central body ("Trung ương Hội …" is the union's central committee). Fix: compare whether each side is
    central (any central word) rather than the sets, or drop a leading "Trung ương"/"TW" before comparing."""
    assert _codes([UB, row], _sig(organisation, "", "Bắc Giang", row.name.upper())) == [row.code]


MT = _entry("MT", "Ủy ban MTTQ Việt Nam tỉnh Bắc Giang", parent=("Ủy ban Trung ương MTTQ Việt Nam",))


def test_guard_a_districts_front_committee_never_speaks_for_the_provinces() -> None:
    """ATTACK (passes; guard). A district's front committee person, O "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM" bare, L "Bắc
    Giang", writes the province's front committee (parent "Ủy ban Trung ương MTTQ Việt Nam") in his OU. Expected and
    observed: none — the central words differ. The fix above must keep it so ("Việt Nam" alone is every level's front)."""
    assert "MT" not in _codes([UB, MT], _sig("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", MT.name, "Bắc Giang"))


def test_guard_real_file_015s_front_shape() -> None:
    """GENUINE (passes; guard). The province's front committee's own certificate under the central committee."""
    assert _codes([UB, MT], _sig("ỦY BAN TRUNG ƯƠNG MẶT TRẬN TỔ QUỐC VIỆT NAM", "", "Bắc Giang",
                                 "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH BẮC GIANG")) == ["MT"]


# ============================================================ 3. lower committees "as listed" on both sides

SCHOOL_PLACED = "Trường Tiểu học xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang"
OTHER_COMMUNES = [
    pytest.param("UBND xã Tân Lập, huyện Yên Thế, tỉnh Bắc Giang", id="comma-district-province"),
    pytest.param("ỦY BAN NHÂN DÂN XÃ TÂN LẬP - YÊN THẾ - BẮC GIANG", id="dashes"),
    pytest.param("UBND xã Tân Lập, Yên Thế, Bắc Giang", id="commas-bare"),
]


@pytest.mark.parametrize("organisation", OTHER_COMMUNES)
def test_a_commune_named_alike_in_another_district_never_meets_a_parent_written_with_its_district(organisation: str) -> None:
    """ATTACK. Two communes of one province share a name (communes named alike within a province are common; here xã Tân
    Lập of huyện Lục Ngạn and of huyện Yên Thế). The school's `parent` is written as directories write an address ("UBND
    xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang"). The OTHER commune's committee person, his CA's O naming his district and
    the province, L "Bắc Giang", writes the school in his OU. Expected: none. Observed: the school. Where: issuers.py
    `_is_a_parent`: `_lower_body_as_listed` is now read on both sides, and `_lower_committee` puts everything after the
    first comma or dash in `after` — the DISTRICT too — so both become "Ủy ban nhân dân xã Tân Lập", the district lost.
    Fix: in `_lower_body_as_listed` keep the district ("xã Tân Lập, huyện Lục Ngạn") and cut only a trailing PROVINCE;
    read `after` as district + province, and refuse where both sides name a district and they differ."""
    row = _entry("THX", "Trường Tiểu học Tân Lập", "thtanlap@lucngan.bacgiang.edu.vn",
                 parent=("UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang",))
    assert "THX" not in _codes([UB, row], _sig(organisation, row.name, "Bắc Giang"))


@pytest.mark.parametrize("organisation", OTHER_COMMUNES)
def test_a_commune_named_alike_in_another_district_never_speaks_for_a_school_whose_name_gives_its_district(
        organisation: str) -> None:
    """ATTACK. The same, the school's name giving its district ("Trường Tiểu học xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc
    Giang"), its `parent` "UBND xã Tân Lập". Expected: none — the O names huyện Yên Thế, the row huyện Lục Ngạn. Observed:
    the school. Where: `_lower_body_as_listed(organisation, …)` reads the O as "Ủy ban nhân dân xã Tân Lập", which meets
    the bare parent; nothing compares the O's district with the row's. Fix: where the O names a district (its `after`),
    the row's names, or its parent's, must name the same district or none (then the row's mailbox's district)."""
    row = _entry("THX", SCHOOL_PLACED, parent=("UBND xã Tân Lập",))
    assert "THX" not in _codes([UB, row], _sig(organisation, row.name, "Bắc Giang"))


def test_a_parent_written_with_its_district_after_a_dash_meets_the_communes_full_o() -> None:
    """GENUINE. The school's `parent` written "UBND xã Tân Lập - Lục Ngạn" (a directory's short form); its commune's
    committee person, O "UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", L "Bắc Giang", OU the school. Expected: the
    school. Observed: none. Where: `_lower_body_as_listed(parent, …)`: `after` " - Lục Ngạn" is a district, which
    `locality_province` does not read as the province, so the parent is not "as listed" and the O's own listed form
    ("Ủy ban nhân dân xã Tân Lập") meets nothing. Fix: read a district in `after` by `locality_of`/`commune_of` (its
    province), and compare commune AND district on both sides."""
    row = _entry("THX", "Trường Tiểu học Tân Lập", "thtanlap@lucngan.bacgiang.edu.vn", parent=("UBND xã Tân Lập - Lục Ngạn",))
    assert _codes([UB, row], _sig("UBND xã Tân Lập, huyện Lục Ngạn, tỉnh Bắc Giang", row.name, "Bắc Giang")) == ["THX"]


PTP = _entry("PTP", "Phòng Tư pháp huyện Lục Ngạn", "ptp@lucngan.bacgiang.gov.vn",
             parent=("UBND huyện Lục Ngạn, tỉnh Bắc Giang",))


@pytest.mark.parametrize("organisation,locality,expected", [
    pytest.param("UBND H. Lục Ngạn", "Bắc Giang", ["PTP"], id="ours-initials"),
    pytest.param("ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN", "Bắc Giang", ["PTP"], id="ours-spelled-out"),
    pytest.param("UBND huyện Lục Ngạn - Lạng Sơn", "Bắc Giang", [], id="named-elsewhere"),
    pytest.param("UBND H. Lục Ngạn", "Lạng Sơn", [], id="another-provinces-l"),
    pytest.param("HĐND huyện Lục Ngạn", "Bắc Giang", [], id="the-council"),
])
def test_guard_a_district_committees_o_against_a_parent_written_with_its_province(organisation: str, locality: str,
                                                                                  expected: list[str]) -> None:
    """GENUINE and ATTACK (pass; guard of red team 133's fix). Red team 133's section 5 shape."""
    assert _codes([UB, PTP], _sig(organisation, "Phòng Tư pháp huyện Lục Ngạn", locality)) == expected
