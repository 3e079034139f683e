"""Red team 123: `issuers._governed` after commits d715bf8 and 5159c92 — `_under_any` / `_committee_of` /
`_same_province` / `_province_committee` (which now returns the province) and `_under_parent` (the walk through
`directory.by_issuer`). Each test is an attack by a forger (ATTACK) or a genuine shape (GENUINE); a failing test is a
fault found."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from gateway.decision.issuers import signer_agencies
from gateway.demo.signing import sign_pdf
from gateway.directory import AgencyEntry, Directory
from gateway.model import CertSubject, SignatureFacts
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from test_redteam119 import CCKL, ROWS, _accepted
from world import DIRECTORY_CSV, STC, STP, World

SNNMT = "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang"
# rows a province's directory lists as the project's own "directory of full names, as a province keeps it" does
# (tests/test_resolver.py PROVINCE: "UBND huyện Lục Ngạn", "UBND phường Trần Phú", no province written)
LUC_NGAN = "vanthu@lucngan.bacgiang.gov.vn"
TAN_LIEU = "vanthu@tanlieu.bacgiang.gov.vn"
HDND_TAN_LIEU = "hdnd@tanlieu.bacgiang.gov.vn"
MAM_NON = "vanthu@mntanlieu.bacgiang.gov.vn"
PGD = "vanthu@pgdlucngan.bacgiang.gov.vn"
# other provinces' Sở the gateway corresponds with
HUE = "vanthu@stp.hue.gov.vn"
HCM = "vanthu@stp.hochiminhcity.gov.vn"
DAK_LAK = "vanthu@stp.daklak.gov.vn"
BRVT = "vanthu@stp.baria-vungtau.gov.vn"
HA_NOI = "vanthu@stp.hanoi.gov.vn"
TAN_LAP = "vanthu@tanlap.bacgiang.gov.vn"
TH_TAN_LAP = "vanthu@thtanlap.bacgiang.gov.vn"
EXTRA = [
    # code, name, mailbox, aliases, groups, parent
    ("000.04.22.H06", "UBND huyện Lục Ngạn", LUC_NGAN, "", "UBND các huyện, thành phố", ""),
    ("000.21.09.H06", "UBND xã Tân Liễu", TAN_LIEU, "", "", ""),
    ("000.22.09.H06", "HĐND xã Tân Liễu", HDND_TAN_LIEU, "", "", ""),
    ("000.23.09.H06", "Trường Mầm non Tân Liễu", MAM_NON, "", "", "UBND xã Tân Liễu"),
    ("000.05.22.H06", "Phòng Giáo dục và Đào tạo huyện Lục Ngạn", PGD, "", "", "UBND huyện Lục Ngạn"),
    ("000.00.14.H46", "Sở Tư pháp thành phố Huế", HUE, "", "", ""),
    ("000.00.14.H29", "Sở Tư pháp Thành phố Hồ Chí Minh", HCM, "", "", ""),
    ("000.00.14.H15", "Sở Tư pháp tỉnh Đắk Lắk", DAK_LAK, "", "", ""),
    ("000.00.14.H04", "Sở Tư pháp tỉnh Bà Rịa - Vũng Tàu", BRVT, "", "", ""),
    ("000.00.14.H01", "Sở Tư pháp thành phố Hà Nội", HA_NOI, "", "", ""),
    ("000.24.09.H06", "UBND xã Tân Lập", TAN_LAP, "", "", ""),
    ("000.25.09.H06", "Trường Tiểu học Tân Lập", TH_TAN_LAP, "", "", "UBND xã Tân Lập"),
]
PARENTS = {
    "Công an tỉnh Bắc Giang": "Bộ Công an",
    "Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang",
    "Chi cục Kiểm lâm tỉnh Bắc Giang": SNNMT,
}


def _directory(world: World, parents: dict[str, str] | None = None) -> None:
    """The world's directory, red team 119's rows, the rows above, and a `parent` column (red team 120's by default)."""
    parents = PARENTS if parents is None else parents
    rows = list(csv.DictReader(io.StringIO(DIRECTORY_CSV + ROWS)))
    rows += [dict(zip(("code", "name", "mailbox", "aliases", "groups", "parent"), row, strict=False))
             for row in EXTRA]
    with (world.root / "directory.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=["code", "name", "mailbox", "aliases", "groups", "parent"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "parent": parents.get(row["name"], row.get("parent") or "")})


def _forged(world: World, organisation: str, unit: str, locality: str, issuer: str, parent: str | None,
            number: str, place: str = "Bắc Giang") -> dict[str, Any]:
    """A letter headed "<parent> / <issuer>", signed by a stranger (O, OU, L given), from a mailbox nothing proves."""
    signer = _signer(world, "Trần Văn Gian", organisation, unit, locality)
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US, place=place)
    return _send(world, "forged", sign_pdf(pdf, signer, world.pki))


def _genuine(world: World, organisation: str, unit: str, locality: str, issuer: str, parent: str | None, sender: str,
             number: str, place: str = "Bắc Giang") -> dict[str, Any]:
    """The agency's own person signs its letter and mails it from its official mailbox, DKIM-proven."""
    signer = _signer(world, "Nguyễn Văn An", organisation, unit, locality)
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US, place=place)
    return _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")


# ============================================================ 1. a committee's row that names no place

PLACELESS = [
    # id, OU the forger writes, printed issuer, printed parent, the agency's mailbox, number
    pytest.param("UBND huyện Lục Ngạn", "ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN", None, LUC_NGAN, "950/UBND-VP",
                 id="district-committee"),
    pytest.param("UBND xã Tân Liễu", "ỦY BAN NHÂN DÂN XÃ TÂN LIỄU", None, TAN_LIEU, "951/UBND-VP",
                 id="commune-committee"),
    pytest.param("HĐND xã Tân Liễu", "HỘI ĐỒNG NHÂN DÂN XÃ TÂN LIỄU", None, HDND_TAN_LIEU, "952/HĐND",
                 id="commune-council"),
    pytest.param("Trường Mầm non Tân Liễu", "TRƯỜNG MẦM NON TÂN LIỄU", "UBND XÃ TÂN LIỄU", MAM_NON, "953/MN",
                 id="school-whose-parent-is-the-commune"),
    pytest.param("Phòng Giáo dục và Đào tạo huyện Lục Ngạn", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN LỤC NGẠN",
                 "UBND HUYỆN LỤC NGẠN", PGD,
                 "954/PGDĐT", id="office-whose-parent-is-the-district"),
]


@pytest.mark.parametrize("organisation,locality", [
    pytest.param("UBND tỉnh Lạng Sơn", "Lạng Sơn", id="lang-son-committee"),
    pytest.param("Hội đồng nhân dân tỉnh Lạng Sơn", "Lạng Sơn", id="lang-son-council"),
    pytest.param("Ha Noi City People's Committee", "Hà Nội", id="ha-noi-in-english"),
])
@pytest.mark.parametrize("unit,issuer,parent,mailbox,number", PLACELESS)
def test_another_provinces_committee_never_speaks_for_our_placeless_committee_or_its_units(
        world: World, organisation: str, locality: str, unit: str, issuer: str, parent: str | None, mailbox: str,
        number: str) -> None:
    """ATTACK. The directory lists our districts and communes as provinces keep them, without "tỉnh Bắc Giang" ("UBND
    huyện Lục Ngạn", "UBND xã Tân Liễu", "HĐND xã Tân Liễu": the project's own tests/test_resolver.py PROVINCE does so),
    and a school or an office whose `parent` names such a committee. A genuine official of ANOTHER province's people's
    committee or council — every attribute true: O "UBND tỉnh Lạng Sơn", L "Lạng Sơn" (or Hà Nội's, in English) — writes
    OU "UBND huyện Lục Ngạn" (or the commune's, the school's) on the certificate application and signs a letter headed
    as that body's, from a mailbox nothing proves. Expected: refused — a committee of the province's rank answers to its
    OWN province's committee (the change's stated rule), and our district is not Lạng Sơn's. Observed: registered as
    UBND huyện Lục Ngạn's (the commune's, the council's, the school's, the office's). Where:
    gateway/decision/issuers.py `_committee_of`: `not agency.places` → any province's committee ("any province's, for an
    agency whose names say none"); `_under_any` for the committees, and `_under_parent` (the row above naming no parent,
    `_committee_of(organisation, above)`) for the school and the office. `certificate_places` gives LẠNG SƠN and
    `by_certificate_name` lets a placeless row through any place (`not a.places or …`)."""
    _directory(world)
    out = _forged(world, organisation, unit, locality, issuer, parent, number)
    _nothing_for_a_forger(out, mailbox)


@pytest.mark.parametrize("organisation", [pytest.param("UBND xã Tân Lập tỉnh Lạng Sơn", id="committee"),
                                          pytest.param("UBND xã Tân Lập thành phố Hà Nội", id="committee-ha-noi")])
def test_a_same_named_commune_of_another_province_never_speaks_for_our_communes_school(world: World,
                                                                                      organisation: str) -> None:
    """ATTACK. Our school's row names its commune as `parent`, both as a province's directory writes them ("Trường
    Tiểu học Tân Lập", parent "UBND xã Tân Lập": no province). Lạng Sơn (and Hà Nội) have communes of that very name. A
    genuine official of Lạng Sơn's xã Tân Lập — O "UBND xã Tân Lập tỉnh Lạng Sơn" as its CA writes it, L "Lạng Sơn" —
    writes OU "Trường Tiểu học Tân Lập" and signs a letter headed "UBND XÃ TÂN LẬP / TRƯỜNG TIỂU HỌC TÂN LẬP".
    Expected: refused — the O names its own province, not ours; the row's parent is our commune. Observed: registered
    as our school's. Where: issuers.py `_under_parent`, first test: `_spellings(parent, around)` with `around =
    row.places | places`, `places` being the CERTIFICATE's (LẠNG SƠN, read from the forger's own O): the parent "UBND
    xã Tân Lập" is spelled "UBND xã Tân Lập tỉnh LẠNG SƠN", which is the O — the attacker's place completes our
    parent's name."""
    _directory(world)
    locality = "Hà Nội" if "Hà Nội" in organisation else "Lạng Sơn"
    out = _forged(world, organisation, "Trường Tiểu học Tân Lập", locality, "TRƯỜNG TIỂU HỌC TÂN LẬP", "UBND XÃ TÂN LẬP",
                  "956/TH")
    _nothing_for_a_forger(out, TH_TAN_LAP)


def test_a_placeless_commune_whose_row_names_the_provinces_committee_is_never_another_provinces(world: World) -> None:
    """ATTACK (what holds). The same commune's row given `parent` "UBND tỉnh Bắc Giang": a person of Lạng Sơn's
    committee with OU "UBND xã Tân Liễu" is refused (`_under_parent` compares the two provinces)."""
    _directory(world, {**PARENTS, "UBND xã Tân Liễu": "UBND tỉnh Bắc Giang"})
    out = _forged(world, "UBND tỉnh Lạng Sơn", "UBND xã Tân Liễu", "Lạng Sơn", "ỦY BAN NHÂN DÂN XÃ TÂN LIỄU", None,
                  "955/UBND-VP")
    _nothing_for_a_forger(out, TAN_LIEU)


# ============================================================ 2. genuine: other provinces' and cities' committees

@pytest.mark.parametrize("organisation,locality,issuer_parent,sender,number,place", [
    pytest.param("UBND thành phố Huế", "Huế", "UBND THÀNH PHỐ HUẾ", HUE, "960/STP-VP", "Huế",
                 id="hue-city-committee"),
    pytest.param("Ủy ban nhân dân thành phố Huế", "Thành phố Huế", "ỦY BAN NHÂN DÂN THÀNH PHỐ HUẾ", HUE, "961/STP-VP",
                 "Huế", id="hue-city-committee-spelled-out"),
    pytest.param("UBND TP.HCM", "TP. Hồ Chí Minh", "UBND THÀNH PHỐ HỒ CHÍ MINH", HCM, "962/STP-VP",
                 "TP. Hồ Chí Minh", id="tp-hcm"),
    pytest.param("UBND Thành phố Hồ Chí Minh", "Hồ Chí Minh", "UBND THÀNH PHỐ HỒ CHÍ MINH", HCM, "963/STP-VP",
                 "TP. Hồ Chí Minh", id="ho-chi-minh-city-spelled-out"),
    pytest.param("Thành phố Hà Nội", "Hà Nội", "UBND THÀNH PHỐ HÀ NỘI", HA_NOI, "966/STP-VP", "Hà Nội",
                 id="the-city-itself-as-o"),
    pytest.param("Hanoi People's Committee", "Hà Nội", "UBND THÀNH PHỐ HÀ NỘI", HA_NOI, "967/STP-VP", "Hà Nội",
                 id="hanoi-in-english"),
    pytest.param("UBND tỉnh Bà Rịa – Vũng Tàu", "Bà Rịa – Vũng Tàu", "UBND TỈNH BÀ RỊA - VŨNG TÀU", BRVT, "964/STP-VP",
                 "Bà Rịa - Vũng Tàu", id="ba-ria-vung-tau-en-dash"),
])
def test_a_genuine_sos_person_under_its_own_citys_committee_is_registered(
        world: World, organisation: str, locality: str, issuer_parent: str, sender: str, number: str,
        place: str) -> None:
    """GENUINE. Another province's or centrally-run city's Sở Tư pháp (a directory row, "Sở Tư pháp thành phố Huế",
    "Sở Tư pháp Thành phố Hồ Chí Minh", "… tỉnh Bà Rịa - Vũng Tàu") writes to our Sở Nội vụ: a person of the Sở, O its
    city's people's committee as the CA writes it (or the city itself, as real file 011's O is "Tỉnh Đắk Nông"; or its
    English name, "Hanoi People's Committee"), OU "Sở Tư pháp", signs, and the Sở's mailbox sends it, DKIM-proven.
    Expected: registered (a Sở answers to its own province's or centrally-run city's committee; Huế is one since
    2025 and `_CENTRAL_CITIES` lists it). Observed (failing ids): refused, signer-not-issuer. Where: issuers.py
    `_committee_of_a_province` returns a name only when `name in province_places()`: "HUE" is no entry of
    `spelling.PROVINCES` (only "THUA THIEN HUE"), so `_CENTRAL_CITIES`' "HUE" is dead and "UBND thành phố Huế" is no
    committee; "TP.HCM" reads "TPHCM"/"TP HCM", whose "HCM" is no entry either (`spelling._SHORT_WITH_LEVEL` knows
    "TPHCM" but `_province_committee` never asks it); "Thành phố Hà Nội" has no body and no `level` (the `city` group
    took "THANH PHO"), so `_committee_of_a_province` returns None before it looks at `_CENTRAL_CITIES`; "Hanoi" (one
    word, the city's own English spelling) is no entry — `_committee_of` returns False, `_under_any` refuses."""
    _directory(world)
    out = _genuine(world, organisation, "Sở Tư pháp", locality, "SỞ TƯ PHÁP", issuer_parent, sender, number, place)
    _accepted(out, sender)


@pytest.mark.parametrize("organisation,unit,number", [
    pytest.param("UBND tỉnh Đắc Lắc", "Sở Tư pháp", "965/STP-VP", id="o-dac-lac"),
    pytest.param("UBND tỉnh Đắc Lắc", "Sở Tư pháp tỉnh Đắk Lắk", "968/STP-VP", id="o-dac-lac-ou-dak-lak"),
    pytest.param("UBND tỉnh Đắk Lắk", "Sở Tư pháp tỉnh Đăk Lăk", "969/STP-VP", id="ou-dak-lak-short-marks"),
])
def test_outside_the_change_a_genuine_dak_lak_so_under_its_committee_spelled_dac_lac_is_registered(
        world: World, organisation: str, unit: str, number: str) -> None:
    """GENUINE (older code, not the change; fixed at stop 50: `certificate_places` gives the province with its
    spellings, and two of them in O and OU are one province). Đắk Lắk's Sở Tư pháp (row "Sở Tư pháp tỉnh Đắk Lắk"); its person's O as
    the CA spelled it, "UBND tỉnh Đắc Lắc" (a spelling `spelling.PROVINCES` lists for Đắk Lắk), L "Đắk Lắk", OU "Sở Tư
    pháp"; DKIM-proven from the Sở's mailbox. Expected: registered — `_same_province` was written for exactly this
    ("DAK LAK", "DAC LAC"). Observed: refused, signer-not-issuer: the change's `_same_province` is never reached.
    Where: issuers.py `certificate_places` takes the O's "DAC LAC" verbatim, and directory.py `by_certificate_name`
    keeps only rows whose places intersect it (`a.places & places`): {"DAK LAK"} & {"DAC LAC"} is empty."""
    _directory(world)
    out = _genuine(world, organisation, unit, "Đắk Lắk", "SỞ TƯ PHÁP", "UBND TỈNH ĐẮK LẮK", DAK_LAK, number, "Đắk Lắk")
    _accepted(out, DAK_LAK)


def test_a_dak_lak_unit_under_dak_nongs_committee_is_still_two_provinces(world: World) -> None:
    """ATTACK (what holds, stop 50). Đắk Nông's committee's person writes OU "Sở Tư pháp tỉnh Đắc Lắc" (Đắk Lắk's Sở,
    spelt otherwise): two provinces, nobody's; the spellings of one province are never another's."""
    _directory(world)
    out = _forged(world, "UBND tỉnh Đắk Nông", "Sở Tư pháp tỉnh Đắc Lắc", "Đắk Nông", "SỞ TƯ PHÁP", "UBND TỈNH ĐẮK LẮK",
                  "970/STP-VP")
    _nothing_for_a_forger(out, DAK_LAK)


# ============================================================ 3. genuine: our own province's committee, as CAs write it

OUR_COMMITTEE = [
    pytest.param("UBND tỉnh Bắc Giang", id="plain"),
    pytest.param("UY BAN NHAN DAN TINH BAC GIANG", id="capitals-no-marks"),
    pytest.param("ubnd tinh bac giang", id="small-no-marks"),
    pytest.param("UBND T. Bắc Giang", id="ubnd-t-dot"),
    pytest.param("UỶ BAN NHÂN DÂN TỈNH BẮC GIANG", id="old-tone-placement"),
    pytest.param("Bac Giang Province People's Committee", id="english-province"),
    pytest.param("People's Committee of Bac Giang Province", id="english-committee-first"),
    pytest.param("Bac Giang Provincial People's Committee", id="english-provincial"),
    pytest.param("Bac Giang Province People\u2019s Committee", id="english-typographic-apostrophe"),
]


@pytest.mark.parametrize("organisation", OUR_COMMITTEE)
@pytest.mark.parametrize("with_parent", [pytest.param(False, id="no-parent"), pytest.param(True, id="parent-committee")])
def test_a_genuine_so_person_under_our_committee_however_written_is_registered(world: World, organisation: str,
                                                                               with_parent: bool) -> None:
    """GENUINE. Sở Tài chính's person (its row without `parent`, or naming "UBND tỉnh Bắc Giang"), O the province's
    committee as a CA may write it — marks or none, capitals, "UBND T. …", in English ("Bac Giang Provincial
    People's Committee" is how the province writes its own name in English; a typographic apostrophe as word
    processors type it) — OU "Sở Tài chính", L "Bắc Giang", DKIM-proven from the Sở's mailbox. Expected: registered.
    Observed (failing ids): refused, signer-not-issuer. Where: issuers.py `_ENGLISH_COMMITTEE` knows "PROVINCE" but
    not "PROVINCIAL", and "PEOPLE'?S" not the U+2019 apostrophe (`governing_body`'s `_PEOPLES_COMMITTEE` neither, so
    `vouched` already refuses that one); the name before " PEOPLE'S COMMITTEE" is then "BAC GIANG PROVINCIAL", no
    province: `_committee_of` False (with the parent column, `_under_parent`'s committee test and its walk to the
    committee's row fail the same way)."""
    _directory(world, {**PARENTS, "Sở Tài chính tỉnh Bắc Giang": "UBND tỉnh Bắc Giang"} if with_parent else None)
    out = _genuine(world, organisation, "Sở Tài chính", "Bắc Giang", "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", STC,
                   "970/STC-VP")
    _accepted(out, STC)


@pytest.mark.parametrize("organisation", [
    pytest.param("UBND tỉnh Bắc Giang", id="committee"),
    pytest.param("UY BAN NHAN DAN TINH BAC GIANG", id="committee-capitals-no-marks"),
    pytest.param("UBND T. Bắc Giang", id="committee-t-dot"),
    pytest.param("Bac Giang Province People's Committee", id="committee-english"),
    pytest.param(SNNMT, id="its-so"),
    pytest.param("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", id="its-so-bare-capitals"),
])
@pytest.mark.parametrize("parent", [pytest.param(SNNMT, id="parent-whole"),
                                    pytest.param("Sở Nông nghiệp và Môi trường", id="parent-bare"),
                                    pytest.param("Sở NN&MT tỉnh Bắc Giang", id="parent-abbreviated")])
def test_a_genuine_chi_cuc_under_its_so_or_the_committee_is_registered(world: World, organisation: str,
                                                                      parent: str) -> None:
    """GENUINE. Chi cục Kiểm lâm's row names its Sở as `parent` (whole, bare as a province's directory writes it, or
    abbreviated); its person's O is the Sở or the province's committee written as CAs write it; OU "Chi cục Kiểm lâm",
    L "Bắc Giang", DKIM-proven. Expected: registered. Where: issuers.py `_under_parent` (spelling, then the walk
    through `by_issuer` to the Sở's row and `_committee_of`)."""
    _directory(world, {**PARENTS, "Chi cục Kiểm lâm tỉnh Bắc Giang": parent})
    out = _genuine(world, organisation, "Chi cục Kiểm lâm", "Bắc Giang", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
                   CCKL, "971/CCKL-VP")
    _accepted(out, CCKL)


# ============================================================ 4. attacks the change holds (guards)

OTHER_COMMITTEES = [
    pytest.param("UBND tỉnh Lạng Sơn", "Bắc Giang", id="lang-son"),
    pytest.param("UBND T. Lạng Sơn", "Bắc Giang", id="lang-son-t-dot"),
    pytest.param("Lạng Sơn", "Bắc Giang", id="lang-son-bare"),
    pytest.param("Lang Son Provincial People's Committee", "Bắc Giang", id="lang-son-english-provincial"),
    pytest.param("UBND tỉnh Bắc Ninh", "Bắc Giang", id="bac-ninh-the-2025-merger"),
    pytest.param("UBND thành phố Bắc Giang", "Bắc Giang", id="former-provincial-city"),
    pytest.param("UBND tỉnh Bắc Giang - Lạng Sơn", "Bắc Giang", id="two-provinces-dash"),
    pytest.param("UBND tỉnh Lạng Sơn, Bắc Giang", "Bắc Giang", id="two-provinces-comma"),
    pytest.param("UBND T. Hà Nội", "Bắc Giang", id="central-city-t-dot"),
    pytest.param("UBND TP. Hà Nội", "Bắc Giang", id="central-city-tp-dot"),
    pytest.param("UBND tỉnh Đắc Lắc", "Bắc Giang", id="dac-lac"),
]


@pytest.mark.parametrize("organisation,locality", OTHER_COMMITTEES)
@pytest.mark.parametrize("with_parent", [pytest.param(False, id="so-row-no-parent"),
                                         pytest.param(True, id="so-row-parent-committee")])
def test_another_committee_never_speaks_for_our_so(world: World, organisation: str, locality: str,
                                                   with_parent: bool) -> None:
    """ATTACK. A person of another province's (or city's, or the merged 2025 province's) committee, its O written as
    CAs may write it, OU "Sở Tư pháp", L "Bắc Giang"; Sở Tư pháp's row with no `parent` or with "UBND tỉnh Bắc Giang".
    Expected: refused. Where: issuers.py `_committee_of` / `_same_province`, `_under_parent`."""
    _directory(world, {**PARENTS, "Sở Tư pháp tỉnh Bắc Giang": "UBND tỉnh Bắc Giang"} if with_parent else None)
    out = _forged(world, organisation, "Sở Tư pháp", locality, "SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG", "980/STP-VP")
    _nothing_for_a_forger(out, STP)


@pytest.mark.parametrize("organisation", [pytest.param("UBND T. Lạng Sơn", id="lang-son-t-dot"),
                                          pytest.param("Lang Son Province People's Committee", id="english"),
                                          pytest.param("UBND tỉnh Bắc Ninh", id="bac-ninh"),
                                          pytest.param("Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", id="lang-sons-so")])
@pytest.mark.parametrize("parent", [pytest.param(SNNMT, id="parent-whole"),
                                    pytest.param("Sở Nông nghiệp và Môi trường", id="parent-bare")])
def test_another_provinces_body_never_speaks_for_our_chi_cuc(world: World, organisation: str, parent: str) -> None:
    """ATTACK. Chi cục Kiểm lâm's row names its Sở (whole or bare); another province's committee or Sở, OU "Chi cục
    Kiểm lâm", L "Bắc Giang". Expected: refused. Where: `_under_parent` (the walk to the Sở's row, `_committee_of`)."""
    _directory(world, {**PARENTS, "Chi cục Kiểm lâm tỉnh Bắc Giang": parent})
    out = _forged(world, organisation, "Chi cục Kiểm lâm", "Bắc Giang", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
                  "981/CCKL-VP")
    _nothing_for_a_forger(out, CCKL)


# ============================================================ 5. the walk through `by_issuer`, in process

def _sig(organisation: str, unit: str, locality: str = "Bắc Giang") -> SignatureFacts:
    subject = CertSubject("Trần Văn Gian", organisation, unit, locality)
    return SignatureFacts("Signature1", "Trần Văn Gian", True, True, False, False, False, True, True, None,
                          subject=subject)


def _entry(code: str, name: str, aliases: tuple[str, ...] = (), parent: tuple[str, ...] = (),
           groups: tuple[str, ...] = ()) -> AgencyEntry:
    return AgencyEntry(code, name, f"{code.lower()}@x.bacgiang.gov.vn", aliases, groups, parent=parent)


BASE = [
    _entry("UB", "UBND tỉnh Bắc Giang", ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "UBND tỉnh")),
    _entry("SNN", SNNMT, ("Sở Nông nghiệp và Môi trường",), groups=("Sở, ban, ngành",)),
    _entry("STC", "Sở Tài chính tỉnh Bắc Giang", ("Sở Tài chính",), groups=("Sở, ban, ngành",)),
    _entry("CAT", "Công an tỉnh Bắc Giang", ("Công an tỉnh",), parent=("Bộ Công an",)),
    _entry("UBLS", "UBND tỉnh Lạng Sơn"),
    _entry("SNNLS", "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn"),
]


@pytest.mark.parametrize("parent,organisation", [
    pytest.param("Sở, ban, ngành", "Sở Tài chính tỉnh Bắc Giang", id="parent-a-group-name"),
    pytest.param("Chi cục Kiểm lâm tỉnh Bắc Giang", "UBND tỉnh Lạng Sơn", id="parent-itself"),
    pytest.param("Chi cục Kiểm lâm", "UBND tỉnh Lạng Sơn", id="parent-its-own-alias"),
    pytest.param("UBND tỉnh", "UBND tỉnh Lạng Sơn", id="parent-ubnd-tinh-bare-lang-son-committee"),
    pytest.param("UBND tỉnh", "UBND T. Lạng Sơn", id="parent-ubnd-tinh-bare-t-dot"),
    pytest.param("Sở Nông nghiệp và Môi trường", "Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", id="parent-bare-lang-sons-so"),
    pytest.param("Công an tỉnh", "UBND tỉnh Bắc Giang", id="parent-police-province-committee"),
])
def test_the_parent_walk_opens_nothing_to_a_stranger(parent: str, organisation: str) -> None:
    """ATTACK (in process: `signer_agencies`). Chi cục Kiểm lâm's `parent` written as an operator might: a group's name,
    the Chi cục itself or its alias, the bare "UBND tỉnh", the bare Sở, the police.
    A person of another body (another Sở, Lạng Sơn's committee or Sở, our committee for the police case) writes OU
    "Chi cục Kiểm lâm". Expected: no agency. Where: issuers.py `_under_parent` / directory.py `by_issuer`."""
    rows = [*BASE, _entry("CCKL", "Chi cục Kiểm lâm tỉnh Bắc Giang", ("Chi cục Kiểm lâm",), parent=(parent,))]
    found = signer_agencies(_sig(organisation, "Chi cục Kiểm lâm"), Directory(rows))
    assert [a.code for a in found] == [], found
