"""Red team 132: both ways at red team 131's fixes (7193819) — `issuers._EVERY_LEVEL` (a bare parent of a body every level
has completed with the province's level only), `_is_a_parent` (an O compared with a parent through
`gateway.names.abbreviates` both ways), `_within` / `Directory.by_certificate_name(within=…)` (a bare OU under a lower
committee completed with its place first), `_completed_parents(as_written=…)`, `_levelled`, `is_person_name`. Each test
is an attack by a forger (ATTACK) or the nearest honest shape (GENUINE); each asserts the right behaviour, so a failing
test is a fault found.

The forger holds a genuine certificate of another body from a trusted CA: its CN (an agency's own certificate), O, L
and ST are his CA's; only the OU of a person's certificate is his to write. Our gateway is Bắc Giang's."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry
from test_redteam114 import _nothing_for_a_forger
from test_redteam119 import _accepted
from test_redteam123 import _directory as _directory_with_parents
from test_redteam123 import _forged, _genuine
from test_redteam124 import UB, _codes, _entry, _sig, _write
from world import STP, World

# ============================================================ 1. `_EVERY_LEVEL` read by the abbreviation comparison

CD = _entry("CD", "Công đoàn Viên chức tỉnh Bắc Giang", parent=("LĐLĐ",))
TAH = _entry("TAH", "Tòa án nhân dân huyện Lục Ngạn", "vanthu@tand.lucngan.bacgiang.gov.vn", parent=("TAND",))
VKH = _entry("VKH", "Viện kiểm sát nhân dân huyện Lục Ngạn", "vanthu@vks.lucngan.bacgiang.gov.vn", parent=("VKSND",))
BHH = _entry("BHH", "Bảo hiểm xã hội huyện Lục Ngạn", "vanthu@bhxh.lucngan.bacgiang.gov.vn", parent=("BHXH",))
HND = _entry("HND", "Hội Nông dân tỉnh Bắc Giang", "vanthu@hnd.bacgiang.gov.vn", parent=("UB MTTQ VN",))
BPC = _entry("BPC", "Ban Pháp chế HĐND tỉnh Bắc Giang", parent=("TT HĐND",))


@pytest.mark.parametrize("row,organisation", [
    pytest.param(CD, "LIÊN ĐOÀN LAO ĐỘNG", id="ldld-district-labour-federation"),
    pytest.param(TAH, "TÒA ÁN NHÂN DÂN", id="tand-another-district-court"),
    pytest.param(VKH, "VIỆN KIỂM SÁT NHÂN DÂN", id="vksnd-another-district-procuracy"),
    pytest.param(BHH, "BẢO HIỂM XÃ HỘI", id="bhxh-another-district-insurance"),
    pytest.param(HND, "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", id="ub-mttq-vn-district-front"),
    pytest.param(BPC, "THƯỜNG TRỰC HĐND", id="tt-hdnd-district-standing-committee"),
])
def test_a_bare_every_level_parent_written_in_initials_is_no_lower_bodys_o(row: AgencyEntry, organisation: str) -> None:
    """ATTACK. Red team 131's shape exactly, the row's `parent` written in the initials a directory uses ("LĐLĐ", "TAND",
    "VKSND", "BHXH", "UB MTTQ VN", "TT HĐND") instead of spelled out. A lower body's person (a district's labour
    federation, court, procuracy, insurance office, front or council standing committee) whose CA wrote his O bare, L
    "Bắc Giang", writes the row in his OU. Expected: none (spelled out, `_EVERY_LEVEL` refuses it; passed at 7193819~1).
    Observed: the row.
    Where: issuers.py `_EVERY_LEVEL` matches the spelled-out words only, so `_completed_parents` completes "LĐLĐ" with
    the province's name alone ("LĐLĐ Bắc Giang"), and `_is_a_parent`'s new `abbreviates` comparison meets the O
    completed the same way ("LIÊN ĐOÀN LAO ĐỘNG Bắc Giang"). Fix: decide `_EVERY_LEVEL` on the parent spelled out (match
    it through `gateway.names.same`/`abbreviates` against the list's phrases, or list the initials: LĐLĐ, TAND, VKSND,
    BHXH, UB MTTQ, TT HĐND…), and compare abbreviations only between the forms `_parent_spellings` allows."""
    assert row.code not in _codes([UB, row], _sig(organisation, row.name))


@pytest.mark.parametrize("parent,organisation,name", [
    pytest.param("Hội LHPN Việt Nam", "HỘI LIÊN HIỆP PHỤ NỮ", "Hội Liên hiệp Phụ nữ tỉnh Bắc Giang", id="hoi-lhpn-vn"),
    pytest.param("Hội ND Việt Nam", "HỘI NÔNG DÂN", "Hội Nông dân tỉnh Bắc Giang", id="hoi-nd-vn"),
    pytest.param("Hội CCB Việt Nam", "HỘI CỰU CHIẾN BINH", "Hội Cựu chiến binh tỉnh Bắc Giang", id="hoi-ccb-vn"),
])
def test_a_central_parent_in_initials_with_viet_nam_is_no_communes_bare_o(parent: str, organisation: str,
                                                                          name: str) -> None:
    """ATTACK. The province's mass organisation, its `parent` the central body as lists abbreviate it ("Hội LHPN Việt
    Nam"). A commune's women's (farmers', veterans') union person, O bare "HỘI LIÊN HIỆP PHỤ NỮ" (no "Việt Nam"), L "Bắc
    Giang", writes the province's union in his OU. Expected: none (passed at 7193819~1). Observed: the province's union.
    Where: `_is_a_parent`'s `abbreviates` either way: the parent, not in `_EVERY_LEVEL`, is completed "Hội LHPN Việt Nam
    Bắc Giang"; `gateway.names` holds "Việt Nam" optional (and a trailing "VN"), so it equals the commune's bare O
    completed "HỘI LIÊN HIỆP PHỤ NỮ Bắc Giang". Fix: compare an O with a parent with "Việt Nam" required wherever either
    side writes it (a `units` option, or strip nothing: compare `squash` of the spelled-out forms), since "… Việt Nam" is
    what tells the central body from every level's bare one."""
    row = _entry("R", name, "r@x.bacgiang.gov.vn", parent=(parent,))
    assert _codes([UB, row], _sig(organisation, row.name)) == []


TAND = _entry("TAND", "Tòa án nhân dân tỉnh Bắc Giang", "vanthu@toaan.bacgiang.gov.vn", parent=("Tòa án nhân dân tối cao",))
VKS = _entry("VKS", "Viện kiểm sát nhân dân tỉnh Bắc Giang", parent=("Viện kiểm sát nhân dân tối cao",))
HLHPN = _entry("HL", "Hội Liên hiệp Phụ nữ tỉnh Bắc Giang", parent=("Hội Liên hiệp Phụ nữ Việt Nam",))


@pytest.mark.parametrize("row,organisation,unit,cn", [
    pytest.param(TAND, "TÒA ÁN NHÂN DÂN TỐI CAO", "", "TÒA ÁN NHÂN DÂN TỈNH BẮC GIANG", id="court-own-certificate"),
    pytest.param(TAND, "TÒA ÁN NHÂN DÂN TỐI CAO", "TÒA ÁN NHÂN DÂN TỈNH BẮC GIANG", "Trần Văn An", id="court-person"),
    pytest.param(VKS, "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO", "", "VIỆN KIỂM SÁT NHÂN DÂN TỈNH BẮC GIANG", id="procuracy-own"),
    pytest.param(HLHPN, "HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", "", "HỘI LIÊN HIỆP PHỤ NỮ TỈNH BẮC GIANG", id="womens-union-own"),
])
def test_real_file_014s_shape_under_a_central_body_named_like_an_every_level_one(row: AgencyEntry, organisation: str,
                                                                                 unit: str, cn: str) -> None:
    """GENUINE (regression: passed at 7193819~1). Real file 014's shape ("CÔNG AN TỈNH LÂM ĐỒNG" under "BỘ CÔNG AN") for
    the province's court, procuracy or women's union: CN (or OU) the provincial body, O the central one ("TÒA ÁN NHÂN DÂN
    TỐI CAO"), L "Bắc Giang"; the row's `parent` the central body spelled out, as red team 130's rows have it. Expected:
    the row. Observed: none. Where: issuers.py `_EVERY_LEVEL` is anchored at the start only: "TOA AN NHAN DAN", "VIEN
    KIEM SAT NHAN DAN", "HOI LIEN HIEP PHU NU" (and "THANH TRA", "HOI NONG DAN"…) match the central bodies' names too
    ("… TỐI CAO", "… VIỆT NAM", "Thanh tra Chính phủ"), which `_completed_parents` then completes only "… tối cao tỉnh
    Bắc Giang", never meeting the O ("Bộ Công an" passes: it is not listed). Fix: anchor each alternative at the name's
    end (`(?:…)$`, as `BAO HIEM XA HOI$` already is), or refuse the list for a name holding a central word (TỐI CAO,
    VIỆT NAM, TRUNG ƯƠNG, CHÍNH PHỦ)."""
    assert _codes([UB, row], _sig(organisation, unit, "Bắc Giang", cn)) == [row.code]


def test_end_to_end_the_provincial_courts_letter_under_the_supreme_court_o_is_registered(world: World) -> None:
    """GENUINE (end to end; regression of 7193819). The provincial court in the directory, `parent` "Tòa án nhân dân tối
    cao". Its judge, certificate O "TÒA ÁN NHÂN DÂN TỐI CAO", OU "TÒA ÁN NHÂN DÂN TỈNH BẮC GIANG", L "Bắc Giang", signs
    its letter headed "TÒA ÁN NHÂN DÂN TỈNH BẮC GIANG", mailed DKIM-proven from the court's mailbox. Expected: registered,
    no signer-not-issuer. Where: `_EVERY_LEVEL` (section 1)."""
    _write(world, [("000.00.40.H06", TAND.name, TAND.mailbox, "", "", TAND.parent[0])])
    out = _genuine(world, "TÒA ÁN NHÂN DÂN TỐI CAO", TAND.name.upper(), "Bắc Giang", TAND.name.upper(), None,
                   TAND.mailbox, "1321/TA")
    _accepted(out, TAND.mailbox)


# ============================================================ 2. an abbreviation that stands for two bodies

SNV = _entry("SNV", "Sở Nội vụ tỉnh Bắc Giang")
SNGV = _entry("SNGV", "Sở Ngoại vụ tỉnh Bắc Giang")


@pytest.mark.parametrize("parent,organisation", [
    pytest.param("Sở NV tỉnh Bắc Giang", "SỞ NGOẠI VỤ TỈNH BẮC GIANG", id="parent-with-its-province"),
    pytest.param("Sở NV", "SỞ NGOẠI VỤ TỈNH BẮC GIANG", id="parent-bare"),
])
def test_an_abbreviated_parent_standing_for_two_sos_is_neither(parent: str, organisation: str) -> None:
    """ATTACK. The emulation board under Sở Nội vụ, its `parent` written "Sở NV (tỉnh Bắc Giang)"; the directory lists Sở
    Nội vụ and Sở Ngoại vụ. A person of Sở Ngoại vụ (certificate O "SỞ NGOẠI VỤ TỈNH BẮC GIANG", L "Bắc Giang") writes
    the board in his OU. Expected: none ("NV" is both Sở; `Directory.by_issuer` and `written_names` refuse such an
    abbreviation: red team 34). Observed: the board. Where: issuers.py `_is_a_parent`: `abbreviates(parent, O)` accepts
    any body whose syllables the initials may stand for, with no look at the other rows. Fix: take an abbreviated parent
    for the O only where it names one body: `directory.by_issuer(parent)` (or the `written_names` lookup) gives exactly
    the O's own row, or the parent matches the O and no other row of the directory."""
    board = _entry("TD", "Ban Thi đua - Khen thưởng tỉnh Bắc Giang", parent=(parent,))
    assert _codes([UB, SNV, SNGV, board], _sig(organisation, board.name)) == []


MT_TW = _entry("MT", "Ủy ban MTTQ Việt Nam tỉnh Bắc Giang", parent=("UB TW MTTQ VN",))
CCKL = _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", parent=("Sở NN&MT",))


@pytest.mark.parametrize("rows,organisation,unit,cn,code", [
    pytest.param([UB, MT_TW], "ỦY BAN TRUNG ƯƠNG MẶT TRẬN TỔ QUỐC VIỆT NAM", "",
                 "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH BẮC GIANG", "MT", id="real-file-015-parent-in-initials"),
    pytest.param([UB, SNV, SNGV, CCKL], "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH BẮC GIANG", CCKL.name, "Trần Văn An", "CCKL",
                 id="chi-cuc-under-its-so-in-initials"),
])
def test_guard_an_unambiguous_abbreviated_parent_still_speaks(rows: list[AgencyEntry], organisation: str, unit: str,
                                                              cn: str, code: str) -> None:
    """GENUINE (passes; guard for the fix above). A parent in initials that stands for one body only. Expected and
    observed: the row."""
    assert _codes(rows, _sig(organisation, unit, "Bắc Giang", cn)) == [code]


# ============================================================ 3. `_levelled`: "thành phố" before a province's name

PC = _entry("PC", "Phòng Cảnh sát giao thông Công an tỉnh Bắc Giang", parent=("Công an Bắc Giang",))
CA = _entry("CA", "Công an tỉnh Bắc Giang", parent=("Bộ Công an",))
STP_UB = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang", parent=("UBND Bắc Giang",))


@pytest.mark.parametrize("rows,row,organisation", [
    pytest.param([UB, CA], PC, "CÔNG AN THÀNH PHỐ BẮC GIANG", id="city-police-for-the-provinces-traffic-police"),
    pytest.param([UB], STP_UB, "UBND thành phố Bắc Giang", id="city-committee-for-so-tu-phap"),
])
def test_a_parent_written_with_the_provinces_name_alone_is_never_the_provinces_city(rows: list[AgencyEntry],
                                                                                    row: AgencyEntry,
                                                                                    organisation: str) -> None:
    """ATTACK. A row whose `parent` is written with the province's name and no level ("Công an Bắc Giang", "UBND Bắc
    Giang": red team 122's "Sở Nông nghiệp và Môi trường Bắc Giang" shape). The province's CITY's police officer (or the
    city committee's person), O "CÔNG AN THÀNH PHỐ BẮC GIANG" ("UBND thành phố Bắc Giang"), L "Bắc Giang", writes the row
    in his OU. Expected: none (thành phố Bắc Giang is a lower body; red team 130). Observed: the row (at 7193819~1 too).
    Where: issuers.py
    `_levelled` puts in both "tỉnh" and "thành phố" before any province's name, so "Công an Bắc Giang" is also "Công an
    thành phố Bắc Giang", the city's police, which `_is_a_parent` then meets as written. Fix: put in
    `province_levels(province)` only ("thành phố" for a city of the centre, "tỉnh" for any other)."""
    assert row.code not in _codes([*rows, row], _sig(organisation, row.name))


@pytest.mark.parametrize("rows,row,organisation", [
    pytest.param([UB, CA], PC, "CÔNG AN TỈNH BẮC GIANG", id="provinces-police"),
    pytest.param([UB], STP_UB, "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", id="provinces-committee"),
])
def test_guard_the_provinces_own_body_under_a_parent_written_with_its_name_alone(rows: list[AgencyEntry],
                                                                                 row: AgencyEntry,
                                                                                 organisation: str) -> None:
    """GENUINE (passes; guard for the fix above). The province's own body for the same rows. Expected and observed: the
    row."""
    assert _codes([*rows, row], _sig(organisation, row.name)) == [row.code]


def test_end_to_end_the_city_committees_person_registers_a_letter_as_so_tu_phap(world: World) -> None:
    """ATTACK (end to end). Sở Tư pháp in the directory with `parent` "UBND Bắc Giang". The province's city's committee
    person (O "UBND thành phố Bắc Giang", L "Bắc Giang") with OU "Sở Tư pháp tỉnh Bắc Giang" signs a letter headed "UBND
    TỈNH BẮC GIANG / SỞ TƯ PHÁP" from a mailbox nothing proves. Expected: not registered, Sở Tư pháp never answered.
    Where: `_levelled` (section 3)."""
    _directory_with_parents(world, {"Sở Tư pháp tỉnh Bắc Giang": "UBND Bắc Giang"})
    out = _forged(world, "UBND thành phố Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang", "Bắc Giang", "SỞ TƯ PHÁP",
                  "UBND TỈNH BẮC GIANG", "1322/STP")
    _nothing_for_a_forger(out, STP)


# ============================================================ 4. two communes whose names differ by a mark

TANH = "vanthu@tanthanh.langgiang.bacgiang.gov.vn"
TANH2 = "vanthu@tanthanh.lucngan.bacgiang.gov.vn"
UBT1 = _entry("UBT1", "UBND xã Tân Thanh", TANH)
UBT2 = _entry("UBT2", "UBND xã Tân Thạnh", TANH2)
MN1 = _entry("MN1", "Trường Mầm non xã Tân Thanh", "mn@tanthanh.langgiang.bacgiang.gov.vn", parent=("UBND xã Tân Thanh",))
MN2 = _entry("MN2", "Trường Mầm non xã Tân Thạnh", "mn@tanthanh.lucngan.bacgiang.gov.vn", parent=("UBND xã Tân Thạnh",))
COMMUNES = [UB, UBT1, UBT2, MN1, MN2]


@pytest.mark.parametrize("unit,victim", [
    pytest.param("Trường Mầm non", "MN1", id="bare-ou-within-the-o-folded"),
    pytest.param(MN1.name, "MN1", id="whole-ou-other-communes-school"),
    pytest.param(UBT1.name, "UBT1", id="ou-the-other-commune-itself"),
])
def test_a_communes_person_never_speaks_for_the_commune_named_with_another_mark(unit: str, victim: str) -> None:
    """ATTACK. Two communes of our province whose names differ by a tone mark only (xã Tân Thanh, xã Tân Thạnh: red teams
    67–70), each with its kindergarten. Tân Thạnh's committee person (O "UBND xã Tân Thạnh", L "Bắc Giang") writes the
    school bare, or Tân Thanh's school, or Tân Thanh's committee itself, in his OU. Expected: never Tân Thanh's rows.
    Observed: Tân Thanh's school (and, bare, both schools: new with `within`); Tân Thanh's committee (the last two at
    7193819~1 too). Where: directory.py
    `by_certificate_name(within=…)` builds the key from `_within`'s FOLDED place ("… XA TAN THANH"), so `_one_by_marks`
    has no marks to tell the two rows by and returns both; issuers.py `_is_a_parent` / `_organisation_spellings`, and
    `vouched` / `_governed` (`squash(O) == squash(deciding name)`), compare names with `squash`, which drops the marks.
    Fix: pass `_within` the O's own words (with their marks) and keep `_one_by_marks` on the whole key; compare an O with
    a parent, and an O with the deciding name, by their marks where both are written with them (as `_one_by_marks`
    does)."""
    assert victim not in _codes(COMMUNES, _sig("UBND xã Tân Thạnh", unit))


def test_end_to_end_a_communes_person_registers_a_letter_as_the_commune_named_with_another_mark(world: World) -> None:
    """ATTACK (end to end). Both communes in the directory. Tân Thạnh's committee person (O "UBND xã Tân Thạnh", L "Bắc
    Giang"), OU "UBND xã Tân Thanh", signs a letter headed "ỦY BAN NHÂN DÂN XÃ TÂN THANH" from a mailbox nothing proves.
    Expected: not registered, Tân Thanh never answered. Where: `vouched` / `_governed` (section 4)."""
    _write(world, [("000.40.09.H06", UBT1.name, TANH, "", "", ""), ("000.41.09.H06", UBT2.name, TANH2, "", "", "")])
    out = _forged(world, "UBND xã Tân Thạnh", UBT1.name, "Bắc Giang", "ỦY BAN NHÂN DÂN XÃ TÂN THANH", None, "1323/UBND")
    _nothing_for_a_forger(out, TANH)


# ============================================================ 5. `_within`: a lower committee's O as CAs write it

UBH = _entry("UBH", "UBND huyện Lục Ngạn", "vanthu@lucngan.bacgiang.gov.vn")
PTP = _entry("PTP", "Phòng Tư pháp huyện Lục Ngạn", "ptp@lucngan.bacgiang.gov.vn", parent=("UBND huyện Lục Ngạn",))


@pytest.mark.parametrize("organisation", [
    pytest.param("ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN, TỈNH BẮC GIANG", id="province-after-a-comma"),
    pytest.param("UBND huyện Lục Ngạn tỉnh Bắc Giang", id="province-after-the-district"),
    pytest.param("UBND huyện Lục Ngạn - Bắc Giang", id="province-after-a-dash"),
    pytest.param("UBND H. Lục Ngạn", id="huyen-abbreviated"),
])
def test_a_districts_bare_unit_under_its_committee_written_with_its_province(organisation: str) -> None:
    """GENUINE. Red team 131's district shape (O the district's committee, OU "PHÒNG TƯ PHÁP" bare, L "Bắc Giang"), the
    O written as public CAs let applicants write it: with the province after the district ("…, TỈNH BẮC GIANG", "…
    tỉnh Bắc Giang", "… - Bắc Giang"), or "H." for huyện. Expected: the district's justice office. Observed: none (the
    plain "ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN" passes since 7193819). Where: issuers.py `_within`: `_LOWER_COMMITTEE`'s place
    runs to the
    O's end, so it is "HUYEN LUC NGAN TINH BAC GIANG" and the key "PHÒNG TƯ PHÁP HUYEN LUC NGAN TINH BAC GIANG" names no
    row; "H" is no level it knows. Fix: cut the O's own province (and a comma, a dash, "tỉnh …") off the place before
    completing, once that province agrees with the certificate's; read "H." as huyện (and "Q.", "P.", "X." alike)."""
    assert _codes([UB, UBH, PTP], _sig(organisation, "PHÒNG TƯ PHÁP")) == ["PTP"]


# ============================================================ 6. `is_person_name`: whose name is a person's

STP_ROW = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang")


@pytest.mark.parametrize("cn", ["NGUYEN THI PHUONG", "Tran Van Quan", "Nguyen Phuong Anh"])
def test_a_persons_name_written_without_marks_still_reads_its_ou(cn: str) -> None:
    """GENUINE. Real file 019's shape (O "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", OU "SỞ TƯ PHÁP", L "Bắc Giang"), the person's
    name written without marks as many CAs write it ("NGUYEN THI PHUONG", "Nguyen Phuong Anh"). Expected: Sở Tư pháp.
    Observed: none (at 7193819~1 too; the same names with marks pass since red team 131). Where: issuers.py `is_person_name`
    keeps the
    FOLDED comparison for an ASCII CN: PHUONG, QUAN, TINH, XA, SO are a ward's, a district's, a province's, a commune's,
    a Sở's word, so the CN is taken for a body's own name and the OU is never read. Fix: in an ASCII CN count a body word
    only where a place's name follows it AND the CN does not begin with a family name (Nguyen, Tran, Le, Pham, Hoang,
    Huynh, Phan, Vu, Vo, Dang, Bui, Do, Ho, Ngo, Duong, Ly…)."""
    assert _codes([UB, STP_ROW], _sig("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "Bắc Giang", cn)) == ["STP"]


SVH = _entry("SVH", "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Giang")
TU = _entry("TU", "Tỉnh ủy Bắc Giang")


@pytest.mark.parametrize("cn,organisation,victim", [
    pytest.param("BÁO BẮC GIANG", "TỈNH ỦY BẮC GIANG", "TU", id="newspaper-for-the-party-committee"),
    pytest.param("NHÀ HÁT CHÈO BẮC GIANG", "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH TỈNH BẮC GIANG", "SVH",
                 id="theatre-for-its-so"),
])
def test_a_units_own_certificate_named_without_a_body_word_never_speaks_for_its_o(cn: str, organisation: str,
                                                                                 victim: str) -> None:
    """ATTACK. A unit's own organisation certificate (its CA's: CN the unit, O the body above it, L "Bắc Giang"): the
    provincial newspaper "BÁO BẮC GIANG" under the party committee, the Chèo theatre under Sở Văn hóa. Expected: never the
    body above (red team 131's library guard, with "TỈNH" in its CN, holds). Observed: the party committee (the Sở), at
    7193819~1 too.
    Where: issuers.py `is_person_name`: two to seven capitalised words with no body word of `_BODY_WORDS_MARKED` and no
    `AGENCY_WORDS` beginning ("báo", "nhà hát", "bảo tàng" are none) read as a person's name, so `deciding_name` falls to
    the O, the body above. Fix: a CN is a person's only where it begins with a family name (a closed list, marks or
    none); else it names a body, and a body the directory does not know speaks for nobody by its O."""
    assert victim not in _codes([UB, SVH, TU], _sig(organisation, "", "Bắc Giang", cn))
