"""Red team 124: who may speak for an agency, as of f6ed58c — `issuers._governed`, `_under_parent`, `_under_any`,
`_province_committee`, `_committee_of`, `_provinces_of`, `_CITY_SHORT`, `governing_body`, `signer_agencies`, and the
directory's `parent` column. Each test is an attack by a forger (ATTACK) or a genuine shape (GENUINE); each asserts the
right behaviour, so a failing test is a fault found."""

from __future__ import annotations

import csv
import io

import pytest

from gateway.decision.issuers import signer_agencies
from gateway.directory import AgencyEntry, Directory
from gateway.model import CertSubject, SignatureFacts
from test_redteam114 import _nothing_for_a_forger
from test_redteam119 import ROWS, _accepted
from test_redteam123 import _forged, _genuine
from world import DIRECTORY_CSV, World


def _sig(organisation: str, unit: str = "", locality: str = "Bắc Giang", cn: str = "Trần Văn Gian",
         state: bool = False) -> SignatureFacts:
    """A valid signature whose certificate names these (a person's by default: CN a person's name)."""
    subject = CertSubject(cn, organisation, unit, locality)
    return SignatureFacts("Signature1", cn, True, True, False, False, False, True, True, None, subject=subject,
                          state_certified=state)


def _entry(code: str, name: str, mailbox: str | None = None, aliases: tuple[str, ...] = (),
           parent: tuple[str, ...] = ()) -> AgencyEntry:
    return AgencyEntry(code, name, mailbox or f"{code.lower()}@x.bacgiang.gov.vn", aliases, (), parent=parent)


def _codes(rows: list[AgencyEntry], sig: SignatureFacts) -> list[str]:
    return [a.code for a in signer_agencies(sig, Directory(rows))]


# left (README Limits): by names, a Hà Nội unit's officer looks the same as the central body's
HELD_ELSEWHERE = pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 124-127: a central body's officer "
                                   "registered in another province than his unit's is held")

UB = _entry("UB", "UBND tỉnh Bắc Giang", aliases=("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "UBND tỉnh"))
HD = _entry("HD", "HĐND tỉnh Bắc Giang", aliases=("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG",))
STP = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang", aliases=("Sở Tư pháp",))

# extra rows for the end-to-end tests (code, name, mailbox, aliases, groups, parent)
QUANG_NINH_DISTRICT = "vanthu@quangninh.quangbinh.gov.vn"  # huyện Quảng Ninh of Quảng Bình: its real domain's shape
TAN_LAP = "vanthu@tanlap.bacgiang.gov.vn"
TH_TAN_LAP = "vanthu@thtanlap.bacgiang.gov.vn"
VPHD = "vanthu@vpdbqh.bacgiang.gov.vn"
VPUB = "vanthu@vpubnd.bacgiang.gov.vn"
EXTRA = [
    ("000.00.31.H45", "UBND huyện Quảng Ninh", QUANG_NINH_DISTRICT, "", "", ""),
    ("000.24.09.H06", "UBND xã Tân Lập", TAN_LAP, "", "", ""),
    ("000.25.09.H06", "Trường Tiểu học Tân Lập", TH_TAN_LAP, "", "", "UBND xã Tân Lập"),
    ("000.00.02.H06", "HĐND tỉnh Bắc Giang", "vanthu@hdnd.bacgiang.gov.vn", "", "", ""),
    ("000.00.03.H06", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", VPHD, "", "", "HĐND tỉnh Bắc Giang"),
    ("000.00.01.H06", "Văn phòng UBND tỉnh Bắc Giang", VPUB, "", "", ""),
]


def _directory(world: World) -> None:
    _write(world, EXTRA)


def _write(world: World, extra: list[tuple[str, str, str, str, str, str]]) -> None:
    """The world's directory (with red team 119's rows) and these rows (code, name, mailbox, aliases, groups, parent)."""
    rows = list(csv.DictReader(io.StringIO(DIRECTORY_CSV + ROWS)))
    rows += [dict(zip(("code", "name", "mailbox", "aliases", "groups", "parent"), row, strict=True)) for row in extra]
    with (world.root / "directory.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["code", "name", "mailbox", "aliases", "groups", "parent"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "parent": row.get("parent") or ""})


# ============================================================ 1. a province read from a mailbox's domain, label by label

@pytest.mark.parametrize("name,mailbox,organisation,locality", [
    pytest.param("UBND huyện Quảng Ninh", QUANG_NINH_DISTRICT, "UBND tỉnh Quảng Ninh", "Quảng Ninh",
                 id="district-quang-ninh-of-quang-binh"),
    pytest.param("UBND xã Bình Dương", "vanthu@binhduong.giabinh.bacninh.gov.vn", "UBND tỉnh Bình Dương", "Bình Dương",
                 id="commune-binh-duong-of-bac-ninh"),
    pytest.param("UBND xã Thái Bình", "vanthu@thaibinh.chauthanh.tayninh.gov.vn", "Tỉnh Thái Bình", "Thái Bình",
                 id="commune-thai-binh-of-tay-ninh"),
])
def test_a_place_named_like_another_province_never_opens_its_row_to_that_provinces_committee(
        name: str, mailbox: str, organisation: str, locality: str) -> None:
    """ATTACK. A district or commune bears another province's name (huyện Quảng Ninh of Quảng Bình, xã Bình Dương of
    Bắc Ninh, xã Thái Bình of Tây Ninh); its row is written as provinces keep them, no province in the name, its official
    mailbox on its own province's domain ("…@quangninh.quangbinh.gov.vn"). A genuine person of the OTHER province's
    committee (O "UBND tỉnh Quảng Ninh", L "Quảng Ninh") writes OU "UBND huyện Quảng Ninh". Expected: no agency — the
    district answers to Quảng Bình's committee. Observed: the district's. Where: gateway/decision/issuers.py
    `_provinces_of`: every label of the domain that spells a province counts ({QUANG NINH, QUANG BINH}); then
    `_under_any` → `_committee_of` is satisfied by the district's own label. Fix: take the province from the label just
    before ".gov.vn" only (the province's own domain), never from a place's sub-domain."""
    row = _entry("D", name, mailbox)
    assert _codes([row], _sig(organisation, name, locality)) == []


def test_end_to_end_quang_ninhs_committee_registers_a_letter_as_quang_binhs_district(world: World) -> None:
    """ATTACK (end to end). As above, through the CLI: the forger of Quảng Ninh's committee signs a letter headed
    "ỦY BAN NHÂN DÂN HUYỆN QUẢNG NINH" and mails it from a mailbox nothing proves. Expected: not registered as the
    district's, nothing sent to it. Where: issuers.py `_provinces_of` (above)."""
    _directory(world)
    out = _forged(world, "UBND tỉnh Quảng Ninh", "UBND huyện Quảng Ninh", "Quảng Ninh", "ỦY BAN NHÂN DÂN HUYỆN QUẢNG NINH",
                  None, "990/UBND-VP", place="Quảng Ninh")
    _nothing_for_a_forger(out, QUANG_NINH_DISTRICT)


@pytest.mark.parametrize("name,mailbox,organisation,locality", [
    pytest.param("UBND huyện Long Điền", "vanthu@longdien.baria-vungtau.gov.vn", "UBND tỉnh Bà Rịa - Vũng Tàu",
                 "Bà Rịa - Vũng Tàu", id="ba-ria-vung-tau-hyphenated-domain"),
    pytest.param("UBND phường Bến Nghé", "vanthu@bennghe.hochiminhcity.gov.vn", "UBND Thành phố Hồ Chí Minh",
                 "Hồ Chí Minh", id="ho-chi-minh-city-domain"),
    pytest.param("UBND phường Bến Thành", "vanthu@benthanh.tphcm.gov.vn", "UBND Thành phố Hồ Chí Minh",
                 "Hồ Chí Minh", id="tphcm-domain"),
    pytest.param("UBND phường Phú Hội", "vanthu@phuhoi.hue.gov.vn", "UBND thành phố Huế", "Huế", id="hue-domain"),
])
def test_a_genuine_placeless_commune_of_a_city_whose_domain_is_not_its_folded_name_is_spoken_for(
        name: str, mailbox: str, organisation: str, locality: str) -> None:
    """GENUINE. A ward or district row written without its province, its mailbox on its province's real domain:
    "baria-vungtau.gov.vn", "hochiminhcity.gov.vn", "tphcm.gov.vn", "hue.gov.vn" (Huế since 2025). Its person, O its
    own province's or city's committee, OU the ward. Expected: the ward. Observed: none (held). Where: issuers.py
    `_provinces_of` compares each label with the folded name run together ("bariavungtau", "hochiminh"), and "HUE" is
    no entry of `province_places()`; `_CITY_SHORT` is never asked. Fix: a table of the provinces' domains (or fold the
    label's hyphens, map "hochiminhcity"/"tphcm"/"hue" through `_CITY_SHORT`/`_CENTRAL_CITIES`)."""
    row = _entry("W", name, mailbox)
    assert _codes([row], _sig(organisation, name, locality)) == ["W"]


# ============================================================ 2. a placeless parent compared without the certificate's province

TAN_LAP_ROWS = [UB, _entry("TL", "UBND xã Tân Lập", TAN_LAP),
                _entry("TH", "Trường Tiểu học Tân Lập", TH_TAN_LAP, parent=("UBND xã Tân Lập",))]


@pytest.mark.parametrize("organisation,unit,cn", [
    pytest.param("UBND xã Tân Lập", "Trường Tiểu học Tân Lập", "Trần Văn Gian", id="school-person-bare-commune-o"),
    pytest.param("ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "", "TRƯỜNG TIỂU HỌC TÂN LẬP", id="school-organisation-certificate"),
])
def test_another_provinces_same_named_commune_never_speaks_for_our_school(organisation: str, unit: str, cn: str) -> None:
    """ATTACK. Our school's row names its commune as `parent`, both without a province (as red team 123's directory,
    the mailboxes on bacgiang.gov.vn). Lạng Sơn has its own xã Tân Lập and Trường Tiểu học Tân Lập; its person's
    certificate, as Ban Cơ yếu writes one (O the body above, the commune, written bare; L "Lạng Sơn"), or the school's
    organisation certificate (CN the school). Expected: not our school — the certificate's province (L Lạng Sơn) is not
    the school's (its mailbox: Bắc Giang). Observed: our school's. Where: gateway/decision/issuers.py `_under_parent`,
    first test: `_spellings(organisation, row.places) & _spellings(parent, row.places)` with `row.places` empty compares
    the bare names alone, never the certificate's province with `_provinces_of(row)`; and directory.py
    `by_certificate_name` lets a row of no place through under any province (`not a.places or …`). Fix: for a row whose
    names say no place, require `certificate_places` to agree with `_provinces_of(row)` (in `by_certificate_name`'s
    filter or in `_governed` for every agency found)."""
    assert _codes(TAN_LAP_ROWS, _sig(organisation, unit, "Lạng Sơn", cn)) == []


@pytest.mark.parametrize("cn,organisation,unit", [
    pytest.param("UBND xã Tân Lập", "UBND xã Tân Lập", "", id="commune-own-certificate-o-itself"),
    pytest.param("ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "", id="commune-own-certificate-capitals"),
    pytest.param("Trần Văn Gian", "UBND xã Tân Lập", "UBND xã Tân Lập", id="person-ou-equals-o"),
])
def test_another_provinces_same_named_commune_never_speaks_for_our_placeless_commune(cn: str, organisation: str,
                                                                                   unit: str) -> None:
    """ATTACK. Lạng Sơn's xã Tân Lập signs with its own organisation certificate, O the committee itself as real file 022
    has it for a province's committee (CN = O = "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", L "Lạng Sơn"). Our row "UBND xã Tân Lập"
    (mailbox tanlap.bacgiang.gov.vn, which red team 123's fix takes as its province). Expected: not our commune.
    Observed: ours. Where: issuers.py `_governed` returns every agency found when O equals the deciding name, before
    any province is compared, and `by_certificate_name` passes a row of no place under any province. (README Limits
    asks for full names; but `_provinces_of` now knows this row's province and is not asked here.)"""
    assert _codes(TAN_LAP_ROWS, _sig(organisation, unit, "Lạng Sơn", cn)) == []


def test_end_to_end_lang_sons_school_person_registers_a_letter_as_our_school(world: World) -> None:
    """ATTACK (end to end). A person of Lạng Sơn's Trường Tiểu học Tân Lập (O "UBND xã Tân Lập", L "Lạng Sơn", OU
    the school) signs a letter headed "UBND XÃ TÂN LẬP / TRƯỜNG TIỂU HỌC TÂN LẬP", mailed from a mailbox nothing
    proves. Expected: not registered as our school's, nothing sent to it. Where: `_under_parent` (above)."""
    _directory(world)
    out = _forged(world, "UBND xã Tân Lập", "Trường Tiểu học Tân Lập", "Lạng Sơn", "TRƯỜNG TIỂU HỌC TÂN LẬP",
                  "UBND XÃ TÂN LẬP", "991/TH")
    _nothing_for_a_forger(out, TH_TAN_LAP)


def test_genuine_our_school_under_its_bare_commune_o_is_spoken_for() -> None:
    """GENUINE (guard for the fix above). Our school's person: O "UBND xã Tân Lập", L "Bắc Giang", OU the school."""
    assert _codes(TAN_LAP_ROWS, _sig("UBND xã Tân Lập", "Trường Tiểu học Tân Lập")) == ["TH"]


# ============================================================ 3. a people's council is not its committee, nor above a Sở

VPHD_ROW = _entry("VPHD", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", parent=("HĐND tỉnh Bắc Giang",))
BQL_ROW = _entry("BQL", "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang", parent=("UBND tỉnh Bắc Giang",))


@pytest.mark.parametrize("organisation,unit,victim", [
    pytest.param("UBND tỉnh Bắc Giang", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", "VPHD",
                 id="committee-person-for-the-councils-office"),
    # (O "Tỉnh Bắc Giang" for the council's office was here: Ban Cơ yếu writes the province itself as the O of every body
    # of it, the council's too, so it is above both, as red team 125's genuine council certificate shows)
    pytest.param("HĐND tỉnh Bắc Giang", "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang", "BQL",
                 id="council-person-for-the-committees-board"),
])
def test_a_parent_column_naming_the_council_or_the_committee_is_that_body_alone(organisation: str, unit: str,
                                                                                victim: str) -> None:
    """ATTACK. The council's office names "HĐND tỉnh Bắc Giang" as its `parent`; the industrial zones' board names
    "UBND tỉnh Bắc Giang". A person of the OTHER body (the committee's, for the council's office; the council's, for
    the committee's board) writes the unit in his OU. Expected: none — README: such a row "is spoken for under its own
    name, that body's (as the column writes it) or a body above that one in the directory … and nothing else"; the
    committee is not the council. Observed: the unit's. Where: gateway/decision/issuers.py `_under_parent`, second
    test: `_province_committee(parent)` and `_province_committee(organisation)` reduce both the council and the
    committee (and "Tỉnh …", the province alone) to the province's name, and only the provinces are compared. Fix:
    `_province_committee` returns the body too (committee / council / province), and a parent's body must be the O's."""
    rows = [UB, HD, VPHD_ROW, BQL_ROW]
    assert victim not in _codes(rows, _sig(organisation, unit))


@pytest.mark.parametrize("organisation,unit,victim", [
    pytest.param("HĐND tỉnh Bắc Giang", "Sở Tư pháp", "STP", id="council-person-for-a-so"),
    pytest.param("Hội đồng nhân dân tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", "UB", id="council-person-for-the-committee"),
])
def test_a_council_person_never_speaks_for_the_committee_or_its_so(organisation: str, unit: str, victim: str) -> None:
    """ATTACK (at the edge of README's rule). A person of the province's people's COUNCIL (a delegate's certificate, O
    "HĐND tỉnh Bắc Giang") writes OU "Sở Tư pháp", or "UBND tỉnh Bắc Giang", and signs a decision of the committee.
    Expected: none — a Sở is a specialised body of the people's COMMITTEE (Luật Tổ chức chính quyền địa phương Đ9; NĐ
    24/2014 Đ1), and the council elects the committee, it does not sign for it. Observed: the Sở's, the committee's.
    Where: issuers.py `_under_any` → `_committee_of` with `_province_committee`, whose `_COMMITTEE` takes "HĐND" /
    "HỘI ĐỒNG NHÂN DÂN" as a committee (`_PARENT_WORDS` too). Fix: a Sở and the committee answer to the committee (or
    "Tỉnh …") only; the council's units to the council."""
    rows = [UB, HD, STP]
    assert victim not in _codes(rows, _sig(organisation, unit))


def test_end_to_end_the_committees_person_registers_a_letter_as_the_councils_office(world: World) -> None:
    """ATTACK (end to end). The council's office (`parent` "HĐND tỉnh Bắc Giang"); a person of the committee (O "UBND
    tỉnh Bắc Giang") signs a letter headed "HĐND TỈNH BẮC GIANG / VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND", mailed from a mailbox
    nothing proves. Expected: not registered as the office's. Where: `_under_parent` (above)."""
    _directory(world)
    out = _forged(world, "UBND tỉnh Bắc Giang", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang", "Bắc Giang",
                  "VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND TỈNH BẮC GIANG", "HĐND TỈNH BẮC GIANG", "992/VP")
    _nothing_for_a_forger(out, VPHD)


# ============================================================ 4. a specialised body of the committee not named "Sở"

VPUB_ROW = _entry("VPUB", "Văn phòng UBND tỉnh Bắc Giang", aliases=("Văn phòng Ủy ban nhân dân tỉnh Bắc Giang",))
TT_ROW = _entry("TT", "Thanh tra tỉnh Bắc Giang")


@pytest.mark.parametrize("organisation", [pytest.param("UBND xã Tân Liễu", id="commune"),
                                          pytest.param("Ngân hàng Chính sách xã hội", id="policy-bank"),
                                          pytest.param("Sở Tài chính tỉnh Bắc Giang", id="another-so")])
@pytest.mark.parametrize("unit,victim", [pytest.param("Văn phòng UBND tỉnh Bắc Giang", "VPUB", id="committees-office"),
                                         pytest.param("Thanh tra tỉnh Bắc Giang", "TT", id="provincial-inspectorate")])
def test_the_committees_office_is_of_a_sos_rank(organisation: str, unit: str, victim: str) -> None:
    """ATTACK. Văn phòng UBND tỉnh and Thanh tra tỉnh are specialised bodies of the province's committee, of a Sở's rank
    (NĐ 24/2014/NĐ-CP Đ8, as a Sở), their rows without `parent` as a directory written before the column has them. A
    commune's, the policy bank's or another Sở's person writes the office in his OU. Expected: none — a Sở's rank answers
    to its province's committee alone. Observed: the office's (the committee's own office: it speaks for the committee's
    correspondence). Where: gateway/decision/issuers.py `_PROVINCE_RANK` knows a body of that rank by the first word
    "Sở"/"UBND"/"HĐND" only, so `_under_any` lets any governing O through. Fix: add "VĂN PHÒNG UBND/ỦY BAN NHÂN DÂN
    TỈNH|THÀNH PHỐ …", "THANH TRA TỈNH|THÀNH PHỐ …", "BAN DÂN TỘC …" to the rank."""
    stc = _entry("STC", "Sở Tài chính tỉnh Bắc Giang", aliases=("Sở Tài chính",))
    assert _codes([UB, stc, VPUB_ROW, TT_ROW], _sig(organisation, unit)) == []


def test_end_to_end_a_communes_person_registers_a_letter_as_the_committees_office(world: World) -> None:
    """ATTACK (end to end). A commune's person (O "UBND xã Tân Liễu", L "Bắc Giang") writes OU "Văn phòng UBND tỉnh
    Bắc Giang" and signs a letter headed "UBND TỈNH BẮC GIANG / VĂN PHÒNG", mailed from a mailbox nothing proves.
    Expected: not registered as the office's. Where: `_PROVINCE_RANK` / `_under_any` (above)."""
    _directory(world)
    out = _forged(world, "UBND xã Tân Liễu", "Văn phòng UBND tỉnh Bắc Giang", "Bắc Giang", "VĂN PHÒNG UBND TỈNH BẮC GIANG",
                  "UBND TỈNH BẮC GIANG", "993/VP")
    _nothing_for_a_forger(out, VPUB)


# ============================================================ 5. genuine: central cities' committees as CAs write them

@pytest.mark.parametrize("row,organisation,locality", [
    pytest.param(("Sở Tư pháp thành phố Đà Nẵng", "stp@danang.gov.vn"), "Danang City People's Committee", "Đà Nẵng",
                 id="danang-city"),
    pytest.param(("Sở Tư pháp thành phố Đà Nẵng", "stp@danang.gov.vn"), "People's Committee of Danang City", "Đà Nẵng",
                 id="committee-of-danang"),
    pytest.param(("Sở Tư pháp thành phố Hải Phòng", "stp@haiphong.gov.vn"), "Haiphong City People's Committee",
                 "Hải Phòng", id="haiphong-city"),
    pytest.param(("Sở Tư pháp Thành phố Hồ Chí Minh", "stp@tphcm.gov.vn"), "HCMC People's Committee", "Hồ Chí Minh",
                 id="hcmc"),
    pytest.param(("Sở Tư pháp Thành phố Hồ Chí Minh", "stp@tphcm.gov.vn"), "UBND TP HCM", "Hồ Chí Minh",
                 id="ubnd-tp-hcm-with-a-space"),
    pytest.param(("Sở Tư pháp Thành phố Hồ Chí Minh", "stp@tphcm.gov.vn"), "UBND Thành phố HCM", "Hồ Chí Minh",
                 id="ubnd-thanh-pho-hcm"),
    pytest.param(("Sở Tư pháp tỉnh Bà Rịa - Vũng Tàu", "stp@baria-vungtau.gov.vn"), "UBND tỉnh BR-VT", "Bà Rịa - Vũng Tàu",
                 id="ubnd-tinh-br-vt"),
    pytest.param(("Sở Tư pháp tỉnh Đắk Lắk", "stp@daklak.gov.vn"), "Daklak Province People's Committee", "Đắk Lắk",
                 id="daklak-run-together"),
    pytest.param(("Sở Tư pháp tỉnh Kon Tum", "stp@kontum.gov.vn"), "Kontum Province People's Committee", "Kon Tum",
                 id="kontum-run-together"),
])
def test_a_genuine_central_citys_so_under_its_committee_as_its_ca_writes_it(row: tuple[str, str], organisation: str,
                                                                          locality: str) -> None:
    """GENUINE. A centrally run city's Sở Tư pháp (a row with its city), its person's O the city's committee as the city
    writes its own English name ("Danang", "Haiphong", "HCMC" are the cities' own English spellings) or shortened
    ("UBND TP HCM" with a space, "UBND Thành phố HCM"; "BR-VT" as spelling._SHORT knows "BRVT"), OU "Sở Tư pháp".
    Expected: the Sở. Observed: none (held). Where: issuers.py `_CITY_SHORT` knows "HCM", "TPHCM", "HANOI", "SAIGON"
    only (no "DANANG", "HAIPHONG", "HCMC", "CANTHO", "BRVT"/"BR VT"); for "UBND TP HCM" the committee is found but
    `certificate_places` reads the place "HCM" (directory.place_of after "TP"), which is no row's. Fix: one table of
    short and run-together names, used by `_province_committee` AND by `certificate_places`."""
    entry = _entry("S", row[0], row[1])
    assert _codes([entry], _sig(organisation, "Sở Tư pháp", locality)) == ["S"]


# ============================================================ 6. genuine: a central body's unit in a province, L elsewhere

@pytest.mark.parametrize("organisation,unit,row,parent", [
    pytest.param("BỘ CÔNG AN", "CÔNG AN TỈNH BẮC GIANG", "Công an tỉnh Bắc Giang", "Bộ Công an", id="police"),
    pytest.param("CỤC THUẾ", "THUẾ TỈNH BẮC GIANG", "Thuế tỉnh Bắc Giang", "Cục Thuế", id="tax"),
    pytest.param("BẢO HIỂM XÃ HỘI VIỆT NAM", "BẢO HIỂM XÃ HỘI TỈNH BẮC GIANG", "Bảo hiểm xã hội tỉnh Bắc Giang",
                 "Bảo hiểm xã hội Việt Nam", id="social-insurance"),
])
@HELD_ELSEWHERE
def test_a_genuine_person_of_a_central_bodys_provincial_unit_registered_elsewhere_is_spoken_for(
        organisation: str, unit: str, row: str, parent: str) -> None:
    """GENUINE. The province's police (tax office, social insurance), its row naming its ministry (Cục) as `parent`. Its
    officer's certificate as Ban Cơ yếu issues one: O the central body, OU the provincial unit WITH its province, L where
    the person was registered — not always the unit's province (real file 020: a Lâm Đồng Sở's person with L "Sóc
    Trăng"). Expected: the unit. Observed: none (held). Where: issuers.py `certificate_places`: the OU's province is
    compared with the O's, "else the L" — a central O names none, so the L ("Hà Nội") decides against the OU. Fix: when
    the O is a central body (names no province), the OU's own province stands; L is only where the person lives."""
    entry = _entry("U", row, parent=(parent,))
    assert _codes([UB, entry], _sig(organisation, unit, "Hà Nội")) == ["U"]


# ============================================================ 7. a bare O completed by the province the forger's OU writes

SNNMT = "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang"
PARENT_ROWS = [UB, _entry("SNN", SNNMT, aliases=("Sở Nông nghiệp và Môi trường",)),
               _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", aliases=("Chi cục Kiểm lâm",), parent=(SNNMT,)),
               _entry("SYT", "Sở Y tế tỉnh Bắc Giang", aliases=("Sở Y tế",)),
               _entry("BV", "Bệnh viện Đa khoa tỉnh Bắc Giang", parent=("Sở Y tế tỉnh Bắc Giang",))]


@pytest.mark.parametrize("organisation,unit,victim", [
    pytest.param("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Chi cục Kiểm lâm tỉnh Bắc Giang", "CCKL", id="any-provinces-so-for-chi-cuc"),
    pytest.param("SỞ Y TẾ", "Bệnh viện Đa khoa tỉnh Bắc Giang", "BV", id="any-provinces-so-for-hospital"),
])
@pytest.mark.parametrize("state", [pytest.param(False, id="trust-roots"), pytest.param(True, id="state-roots")])
def test_a_bare_o_takes_no_province_from_the_forgers_own_ou(organisation: str, unit: str, victim: str,
                                                            state: bool) -> None:
    """ATTACK. The Chi cục's (the hospital's) row names its Sở WITH its province as `parent` — the README's advice. A
    person of ANY province's Sở Nông nghiệp và Môi trường (Sở Y tế) whose certificate writes the O bare, as real file
    017 writes a Sở's CN ("Sở Tài chính"), and no L, writes OU "Chi cục Kiểm lâm tỉnh Bắc Giang". Nothing the CA
    checked names Bắc Giang. Expected: none. Observed: our Chi cục's (hospital's). Where: issuers.py
    `certificate_places` takes the OU's own province when neither the O nor an L names one (the forger's text is the
    only place); `vouched` then finds the bare O as OUR Sở (`by_certificate_name(O, places)` completes it with that
    province); `_under_parent` compares `_spellings(organisation, row.places)` — the O completed with the ROW's province
    — with the parent. Fix: complete an O only with a province the certificate itself gives outside its deciding name
    (O or L), never with the row's or the OU's; a bare O with no L names no province's body."""
    assert victim not in _codes(PARENT_ROWS, _sig(organisation, unit, "", state=state))


def test_end_to_end_any_provinces_so_person_registers_a_letter_as_our_chi_cuc(world: World) -> None:
    """ATTACK (end to end). Chi cục Kiểm lâm's row names "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang" as `parent`; a
    person of another province's Sở (O "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" bare, no L) writes OU "Chi cục Kiểm lâm tỉnh Bắc
    Giang" and signs a letter headed "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG / CHI CỤC KIỂM LÂM", from a mailbox nothing proves.
    Expected: not registered as the Chi cục's. Where: `certificate_places` / `_under_parent` (above)."""
    from test_redteam119 import CCKL
    from test_redteam123 import _directory as directory_123

    directory_123(world, {"Chi cục Kiểm lâm tỉnh Bắc Giang": SNNMT})
    out = _forged(world, "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Chi cục Kiểm lâm tỉnh Bắc Giang", "",
                  "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "994/CCKL-VP")
    _nothing_for_a_forger(out, CCKL)


# ============================================================ 8. genuine: punctuation a CA leaves in an O

@pytest.mark.parametrize("organisation", [pytest.param("UBND tỉnh Bắc Giang,", id="trailing-comma"),
                                          pytest.param("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG;", id="trailing-semicolon")])
def test_a_genuine_so_person_under_our_committee_with_a_trailing_mark_is_spoken_for(organisation: str) -> None:
    """GENUINE (minor). Sở Tư pháp's person, O our committee with a trailing comma or semicolon as a CA's form leaves
    it (a trailing full stop is read: "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG." passes). Expected: the Sở. Observed: none.
    Where: issuers.py `_province_committee` drops dots and dashes only; `_COMMITTEE` then fails on "," / ";". Fix:
    strip trailing punctuation (and read "," like "." there)."""
    assert _codes([UB, STP], _sig(organisation, "Sở Tư pháp")) == ["STP"]


# ============================================================ 9. genuine: the parent column's body, not otherwise known

@pytest.mark.parametrize("organisation,unit,row,parent", [
    pytest.param("SỞ Y TẾ TỈNH BẮC GIANG", "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", "Bệnh viện Đa khoa tỉnh Bắc Giang",
                 "Sở Y tế tỉnh Bắc Giang", id="hospital-under-its-so"),
    pytest.param("CỤC QUẢN LÝ THI HÀNH ÁN DÂN SỰ", "THI HÀNH ÁN DÂN SỰ TỈNH BẮC GIANG", "Thi hành án dân sự tỉnh Bắc Giang",
                 "Cục Quản lý thi hành án dân sự", id="civil-judgment-enforcement-under-its-cuc"),
    pytest.param("CỤC DỰ TRỮ NHÀ NƯỚC KHU VỰC HÀ BẮC", "CHI CỤC DỰ TRỮ NHÀ NƯỚC BẮC GIANG",
                 "Chi cục Dự trữ Nhà nước Bắc Giang tỉnh Bắc Giang", "Cục Dự trữ Nhà nước khu vực Hà Bắc",
                 id="state-reserve-under-its-cuc"),
])
@pytest.mark.parametrize("state", [pytest.param(False, id="trust-roots"), pytest.param(True, id="state-roots")])
def test_a_genuine_unit_under_the_body_its_parent_column_names_is_spoken_for(organisation: str, unit: str, row: str,
                                                                            parent: str, state: bool) -> None:
    """GENUINE. The directory lists a hospital (a provincial enforcement office, a reserve Chi cục) with its `parent`
    written exactly as its officers' certificates write the O — the README's instruction — but not that parent body
    itself (a gateway's directory lists the bodies it corresponds with, not every Sở or Cục). Its officer: O the
    parent, OU the unit, L "Bắc Giang", under trust.roots or Ban Cơ yếu's state root. Expected: the unit. Observed: none
    (held, signer-not-issuer). Where: gateway/decision/issuers.py `signer_agencies` asks `vouched` before `_governed`;
    `vouched` knows an O as a state body only from `governing_body`'s phrase list ("Sở Y tế …", "Cục Quản lý …", "Cục
    Dự trữ …" are not in it) or as a directory row, and its state-root branch needs the printed `parent`, which
    `signer_agencies` never passes. The operator's `parent` column — the very body — is not asked. Fix: an O that is
    (`_spellings`) a `parent` of an agency the deciding name names vouches for that agency."""
    entry = _entry("U", row, parent=(parent,))
    assert _codes([UB, entry], _sig(organisation, unit, state=state)) == ["U"]


def test_end_to_end_a_genuine_hospitals_letter_under_its_so_is_registered(world: World) -> None:
    """GENUINE (end to end). The directory lists Bệnh viện Đa khoa tỉnh Bắc Giang, `parent` "Sở Y tế tỉnh Bắc Giang"
    (not the Sở itself). Its officer (O "SỞ Y TẾ TỈNH BẮC GIANG", OU the hospital, L "Bắc Giang") signs a letter headed
    "SỞ Y TẾ TỈNH BẮC GIANG / BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", mailed DKIM-proven from the hospital's mailbox.
    Expected: registered. Where: `vouched` / `signer_agencies` (above)."""
    rows = list(csv.DictReader(io.StringIO(DIRECTORY_CSV)))
    hospital = "vanthu@bvdk.bacgiang.gov.vn"
    rows.append({"code": "000.31.23.H06", "name": "Bệnh viện Đa khoa tỉnh Bắc Giang", "mailbox": hospital, "aliases": "",
                 "groups": "", "parent": "Sở Y tế tỉnh Bắc Giang"})
    with (world.root / "directory.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["code", "name", "mailbox", "aliases", "groups", "parent"])
        writer.writeheader()
        writer.writerows({**r, "parent": r.get("parent") or ""} for r in rows)
    out = _genuine(world, "SỞ Y TẾ TỈNH BẮC GIANG", "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", "Bắc Giang",
                   "BỆNH VIỆN ĐA KHOA TỈNH BẮC GIANG", "SỞ Y TẾ TỈNH BẮC GIANG", hospital, "995/BVĐK")
    _accepted(out, hospital)


# ============================================================ 10. genuine: a Sở merged in 2025, its `former` name as the O

@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 124: an O written with a body's name before the 2025 "
                                       "reorganisation (the `former` column) is no O of that body: its person is held")
def test_a_genuine_chi_cuc_person_whose_o_is_its_sos_former_name_is_spoken_for() -> None:
    """GENUINE (debatable). Chi cục Kiểm lâm's row names "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang" as `parent`; that
    Sở's row gives its name before the 2025 merger in `former` ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc
    Giang"). A Chi cục officer's certificate issued before the merger, still valid, O the Sở's former name. Expected:
    the Chi cục (the body is the same, the README calls `former` "names before the 2025 reorganisation"). Observed: none.
    Where: gateway/directory.py `AgencyEntry.certificate_names` leaves `former` out, so `vouched` /
    `by_certificate_name(organisation)` never finds the Sở and `_under_parent`'s walk (`above.code in own`) fails. Fix:
    count `former` among the names an O may give for the walk (a warning, as recipients have), or say in README that
    such a certificate needs the old name in `parent` or in the Sở's `certificates`."""
    old = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc Giang"
    snn = AgencyEntry("SNN", SNNMT, "snn@x.bacgiang.gov.vn", ("Sở Nông nghiệp và Môi trường",), former=(old,))
    chi_cuc = _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", aliases=("Chi cục Kiểm lâm",), parent=(SNNMT,))
    assert _codes([UB, snn, chi_cuc], _sig(old.upper(), "CHI CỤC KIỂM LÂM")) == ["CCKL"]


# ============================================================ 11. what held (guards)

@pytest.mark.parametrize("organisation", ["UBND xã Tân Liễu", "UBND tỉnh Lạng Sơn", "Ngân hàng Chính sách xã hội",
                                          "UBND tỉnh Bắc Giang"])
def test_guard_two_rows_naming_each_other_open_nothing(organisation: str) -> None:
    """ATTACK (held). Trung tâm A's parent is Trung tâm B, B's is A (full names): a commune's, another province's, a
    bank's or even our committee's person writing OU "Trung tâm A" speaks for neither."""
    a = _entry("A", "Trung tâm A tỉnh Bắc Giang", aliases=("Trung tâm A",), parent=("Trung tâm B tỉnh Bắc Giang",))
    b = _entry("B", "Trung tâm B tỉnh Bắc Giang", aliases=("Trung tâm B",), parent=("Trung tâm A tỉnh Bắc Giang",))
    tan_lieu = _entry("TLi", "UBND xã Tân Liễu", "vanthu@tanlieu.bacgiang.gov.vn")
    assert _codes([UB, a, b, tan_lieu], _sig(organisation, "Trung tâm A")) == []


@pytest.mark.parametrize("organisation", ["UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang.", "UBND  tỉnh  Bắc   Giang",
                                          "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "UBND.tỉnh Bắc Giang"])
@pytest.mark.parametrize("nfd", [False, True])
def test_guard_genuine_committee_o_written_decomposed_or_spaced_speaks_for_the_so(organisation: str, nfd: bool) -> None:
    """GENUINE (held). The committee's O in NFD (a Mac's export), with double spaces, a trailing stop, a dot for a
    space; the Sở's row with `parent` "UBND tỉnh Bắc Giang" written in NFD too."""
    import unicodedata

    def form(text: str) -> str:
        return unicodedata.normalize("NFD", text) if nfd else text

    stp = _entry("STP", "Sở Tư pháp tỉnh Bắc Giang", aliases=("Sở Tư pháp",), parent=(form("UBND tỉnh Bắc Giang"),))
    assert _codes([UB, stp], _sig(form(organisation), "Sở Tư pháp")) == ["STP"]


def test_a_genuine_hue_so_person_whose_o_is_the_provinces_name_before_2025_is_spoken_for() -> None:
    """GENUINE (debatable). Thừa Thiên Huế became the centrally run thành phố Huế on 2025-01-01; its Sở Tư pháp's row
    is "Sở Tư pháp thành phố Huế", `former` "Sở Tư pháp tỉnh Thừa Thiên Huế". A Sở officer's certificate issued in 2024,
    still valid: O "UBND tỉnh Thừa Thiên Huế", L "Thừa Thiên Huế", OU "Sở Tư pháp". Expected: the Sở (the same body and
    committee renamed). Observed: none. Where: `certificate_places` gives THUA THIEN HUE, the row's places are {HUE}
    (`by_certificate_name` drops it), and `_same_province("THUA THIEN HUE", "HUE")` is False although
    spelling._SHORT maps "HUE" to Thừa Thiên Huế and `_CENTRAL_CITIES` lists both; `former` is never a place. Fix:
    one province group for "HUE" and "THUA THIEN HUE" (spelling.PROVINCES), or `former`'s places in `_provinces_of`."""
    row = AgencyEntry("HUE", "Sở Tư pháp thành phố Huế", "stp@hue.gov.vn", former=("Sở Tư pháp tỉnh Thừa Thiên Huế",))
    assert _codes([row], _sig("UBND tỉnh Thừa Thiên Huế", "Sở Tư pháp", "Thừa Thiên Huế")) == ["HUE"]


@pytest.mark.parametrize("organisation,unit", [
    pytest.param("UBND tỉnh", "Sở Tư pháp tỉnh Bắc Giang", id="ubnd-tinh-bare"),
    pytest.param("ỦY BAN NHÂN DÂN TỈNH", "SỞ TƯ PHÁP TỈNH BẮC GIANG", id="uy-ban-nhan-dan-tinh-bare"),
])
def test_a_bare_committee_o_takes_no_province_from_the_forgers_ou_for_a_so_whose_parent_is_given(organisation: str,
                                                                                                 unit: str) -> None:
    """ATTACK. Sở Tư pháp's row names "UBND tỉnh Bắc Giang" as `parent` (README's advice); the committee's row has the
    alias "UBND tỉnh", as tests/world.py's directory has it. A person of ANY province's committee whose CA wrote the O
    bare ("ỦY BAN NHÂN DÂN TỈNH") and no L writes OU "Sở Tư pháp tỉnh Bắc Giang". Expected: none (without the `parent`
    the same certificate is refused: `_under_any` finds no committee province). Observed: Sở Tư pháp's. Where:
    issuers.py `certificate_places` lends the OU's province to the certificate; `_governed`'s `own =
    by_certificate_name(organisation, places)` then reads the bare O as OUR committee (alias "UBND tỉnh" + that
    province), and `_under_parent`'s walk accepts `above.code in own`. Fix: as above — a bare O takes no province
    from the deciding name; `own` only from a province the O or L gives."""
    rows = [UB, _entry("STP", "Sở Tư pháp tỉnh Bắc Giang", aliases=("Sở Tư pháp",), parent=("UBND tỉnh Bắc Giang",))]
    assert _codes(rows, _sig(organisation, unit, "")) == []


def test_end_to_end_any_committees_person_registers_a_letter_as_our_so_whose_parent_is_given(world: World) -> None:
    """ATTACK (end to end). The world's directory, Sở Tư pháp's `parent` "UBND tỉnh Bắc Giang"; the forger (O "ỦY BAN
    NHÂN DÂN TỈNH", no L, OU "Sở Tư pháp tỉnh Bắc Giang") signs a letter headed "UBND TỈNH BẮC GIANG / SỞ TƯ PHÁP" from a
    mailbox nothing proves. Expected: not registered as Sở Tư pháp's, nothing sent to it. Where: as above."""
    from test_redteam123 import _directory as directory_123
    from world import STP as STP_MAILBOX

    directory_123(world, {"Sở Tư pháp tỉnh Bắc Giang": "UBND tỉnh Bắc Giang"})
    out = _forged(world, "ỦY BAN NHÂN DÂN TỈNH", "Sở Tư pháp tỉnh Bắc Giang", "", "SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG",
                  "996/STP-VP")
    _nothing_for_a_forger(out, STP_MAILBOX)
