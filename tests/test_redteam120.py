"""Red team 120: `issuers.certificate_places`, `_governed` / `_province_committee` and `vouched` as they stand after red
team 119. Each test is an attack by a forger; a failing test is a fault found."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from test_redteam119 import CAH, CAT, CCKL, ROWS, _accepted
from world import DIRECTORY_CSV, STP, UBND, World


def _directory(world: World) -> None:
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + ROWS, encoding="utf-8")


# ============================================================ 1. another province's committee, its O decorated

DECORATED_STRANGERS = [
    ("old-lang-son-committee", "UBND tỉnh Lạng Sơn (cũ)"),
    ("lang-son-committee-viet-nam", "UBND tỉnh Lạng Sơn, Việt Nam"),
    ("lang-son-council-term", "HĐND tỉnh Lạng Sơn nhiệm kỳ 2021-2026"),
]


@pytest.mark.parametrize("organisation", [pytest.param(c[1], id=c[0]) for c in DECORATED_STRANGERS])
def test_another_provinces_committee_with_a_decorated_o_never_speaks_for_our_so(world: World, organisation: str) -> None:
    """ATTACK. A person of Lạng Sơn's people's committee (or council) whose CA wrote the O with a trailing word —
    "(cũ)", ", Việt Nam", "nhiệm kỳ 2021-2026" — so that `place_of(O)` finds no province at its end; OU "Sở Tư pháp
    tỉnh Bắc Giang" (unverified), L "Bắc Giang" (unverified, where the person registered). A letter headed "UBND TỈNH
    BẮC GIANG / SỞ TƯ PHÁP" from a mailbox nothing proves. Expected: never Bắc Giang's Sở Tư pháp's — the O names
    another province (red team 119's very case, "UBND tỉnh Lạng Sơn" + OU of Bắc Giang, gives no agency). Observed:
    registered as Sở Tư pháp's. Where: gateway/decision/issuers.py `certificate_places` — `_named_province(O)` is None
    (place_of reads only the end; `_province_alone` only a bare name), so it falls to the L and the OU's province wins;
    `_province_committee(O)` then says yes by `names_province` (Lạng Sơn is *a* province, not ours)."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp tỉnh Bắc Giang", "Bắc Giang")
    out = _send(world, "deco", sign_pdf(world.document(number="901/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


# ============================================================ 2. a committee below the province that `_province_committee` takes

BELOW_PROVINCE = [
    ("former-city-committee", "UBND thành phố Bắc Giang"),
    ("former-city-tp-dot", "UBND TP. Bắc Giang"),
    ("former-city-bare", "Thành phố Bắc Giang"),
    ("town-tx-abbreviated", "UBND TX. Việt Yên tỉnh Bắc Giang"),
    ("district-h-abbreviated", "UBND H. Yên Dũng tỉnh Bắc Giang"),
    ("district-with-dashes", "UBND - huyện Yên Dũng - tỉnh Bắc Giang"),
    ("commune-cap-xa", "UBND cấp xã Tân Liễu tỉnh Bắc Giang"),
    ("district-in-english", "People's Committee of Yen Dung District Bac Giang Province"),
    ("former-city-in-english", "Bac Giang City People's Committee"),
    ("provincial-party-committee", "Tỉnh ủy Bắc Giang"),
]


@pytest.mark.parametrize("organisation", [pytest.param(c[1], id=c[0]) for c in BELOW_PROVINCE])
def test_a_body_below_or_beside_the_provinces_committee_never_speaks_for_a_so(world: World, organisation: str) -> None:
    """ATTACK. A person of a body that is not the province's people's committee or council — the former district-level
    city Bắc Giang's committee ("UBND thành phố/TP. Bắc Giang", "Thành phố Bắc Giang", "Bac Giang City People's
    Committee"), a town's or district's committee written with an abbreviation or a dash ("UBND TX. …", "UBND H. …",
    "UBND - huyện …"), "UBND cấp xã …", a district's in English, or the provincial party committee ("Tỉnh ủy Bắc
    Giang") — OU "Sở Tư pháp", L Bắc Giang. Expected: never Sở Tư pháp's (red team 119: "UBND huyện Yên Dũng" is
    refused; only the province's committee answers for a Sở). Observed: registered as Sở Tư pháp's. Where:
    gateway/decision/issuers.py `_province_committee`: `_BELOW_PROVINCE` knows only the spelled-out ranks right after
    UBND (no TX/H./TP/"thành phố", no dash, no "cấp xã"), `_PROVINCE_O` takes any "THANH PHO …"/"TINH …" start (a city
    below the province; "TINH UY", the party committee) and `_PEOPLES_COMMITTEE` any English committee naming a
    province."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "below", sign_pdf(world.document(number="902/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


def test_the_provincial_party_committee_never_speaks_for_the_peoples_committee(world: World) -> None:
    """ATTACK. A person of Tỉnh ủy Bắc Giang (the party committee, a governing body by `governing_body`, but not the
    people's committee) with OU "UBND tỉnh Bắc Giang" signs a letter headed "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG".
    Expected: never the people's committee's. Observed (if failing): registered as UBND tỉnh Bắc Giang's. Where:
    issuers.py `_province_committee` (`_PROVINCE_O` matches "TINH UY BAC GIANG") via `_governed`."""
    signer = _signer(world, "Trần Văn Gian", "Tỉnh ủy Bắc Giang", "UBND tỉnh Bắc Giang", "Bắc Giang")
    pdf = world.document(issuer="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", issuer_parent=None, number="903/UBND-TH",
                         recipients=TO_US)
    out = _send(world, "party", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, UBND)


# ============================================================ 3. a province-rank agency not named "Sở …": any governing O

# The body above each agency, as the directory's `parent` column gives it (the fix): the province's police answers to
# the ministry, a district's police to the province's, a Chi cục to its Sở
PARENTS = {
    "Công an tỉnh Bắc Giang": "Bộ Công an",
    "Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang",
    "Chi cục Kiểm lâm tỉnh Bắc Giang": "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang",
}


def _directory_with_parents(world: World) -> None:
    rows = list(csv.DictReader(io.StringIO(DIRECTORY_CSV + ROWS)))
    with (world.root / "directory.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[*rows[0], "parent"])
        writer.writeheader()
        writer.writerows({**row, "parent": PARENTS.get(row["name"], "")} for row in rows)


def _forged(world: World, organisation: str, unit: str, issuer: str, parent: str, number: str) -> dict[str, Any]:
    """A letter headed "<parent> / <issuer>", signed by a stranger (O `organisation`, OU `unit`), from a mailbox nothing
    proves."""
    signer = _signer(world, "Trần Văn Gian", organisation, unit, "Bắc Giang")
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US)
    return _send(world, "forged", sign_pdf(pdf, signer, world.pki))


STRANGERS_TO_THE_POLICE = [
    pytest.param("UBND xã Tân Liễu", id="commune-committee"),
    pytest.param("Ngân hàng Chính sách xã hội", id="policy-bank"),
    pytest.param("Sở Tài chính tỉnh Bắc Giang", id="another-so"),
    pytest.param("UBND tỉnh Bắc Giang", id="provinces-committee"),
    pytest.param("Bộ Tài chính", id="another-ministry"),
]


@pytest.mark.parametrize("organisation", STRANGERS_TO_THE_POLICE)
def test_a_stranger_never_speaks_for_the_provincial_police(world: World, organisation: str) -> None:
    """ATTACK. Công an tỉnh Bắc Giang is a directory agency of the province's rank, but its name does not begin with
    SO/UBND/HDND. A person of a commune's committee, a state bank, another Sở (a directory body), the province's
    committee or another ministry writes OU "Công an tỉnh Bắc Giang", L Bắc Giang, and signs a letter headed "BỘ CÔNG
    AN / CÔNG AN TỈNH BẮC GIANG". Expected: never Công an tỉnh's (none of these bodies is above it; red team 119
    refused the same O for Sở Tư pháp). Observed before the directory's `parent` column: registered as Công an tỉnh
    Bắc Giang's (issuers.py `_governed` reserved only names matching `_PROVINCE_RANK` to the province's committee).
    Now the directory row names "Bộ Công an" above it, and `_under_parent` takes that O alone."""
    _directory_with_parents(world)
    out = _forged(world, organisation, "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", "904/CAT-PV")
    _nothing_for_a_forger(out, CAT)


@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 119 and 120: an agency of the directory that is no "
                                       "Sở nor committee, its row naming no `parent`, is spoken for under any O of the "
                                       "state or the directory")
def test_without_a_parent_in_its_row_the_provincial_police_is_spoken_for_by_a_stranger(world: World) -> None:
    """The limit left: the same attack (a commune committee's person) against a directory whose rows name no body
    above (the columns before `parent`, as every directory written before it is). Registered as Công an tỉnh's."""
    _directory(world)
    out = _forged(world, "UBND xã Tân Liễu", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", "905/CAT-PV")
    _nothing_for_a_forger(out, CAT)


GENUINE_UNDER_PARENTS = [
    # id, O, OU, printed issuer, printed parent, sender, number
    ("police-under-the-ministry", "Bộ Công an", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", CAT,
     "906/CAT-PV"),
    ("police-under-the-ministry-capitals", "BỘ CÔNG AN", "CÔNG AN TỈNH BẮC GIANG", "CÔNG AN TỈNH BẮC GIANG",
     "BỘ CÔNG AN", CAT, "907/CAT-PV"),
    ("police-own-o", "Công an tỉnh Bắc Giang", "Công an tỉnh", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", CAT,
     "908/CAT-PV"),
    ("district-police-under-the-province", "Công an tỉnh Bắc Giang", "Công an huyện Yên Dũng",
     "CÔNG AN HUYỆN YÊN DŨNG", "CÔNG AN TỈNH BẮC GIANG", CAH, "909/CAH-TM"),
    ("district-police-under-the-ministry", "Bộ Công an", "Công an huyện Yên Dũng tỉnh Bắc Giang",
     "CÔNG AN HUYỆN YÊN DŨNG", "CÔNG AN TỈNH BẮC GIANG", CAH, "910/CAH-TM"),
    ("chi-cuc-under-its-so", "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang", "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM",
     "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "911/CCKL-VP"),
    ("chi-cuc-under-the-provinces-committee", "Ủy ban nhân dân tỉnh Bắc Giang", "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM",
     "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "912/CCKL-VP"),
]


@pytest.mark.parametrize("organisation,unit,issuer,parent,sender,number",
                         [pytest.param(*c[1:], id=c[0]) for c in GENUINE_UNDER_PARENTS])
def test_a_genuine_unit_under_the_body_its_row_names_is_registered(
        world: World, organisation: str, unit: str, issuer: str, parent: str, sender: str, number: str) -> None:
    """GENUINE. The same directory: a person certified under the body the row names above the agency, under a body
    above that one, or under the agency itself, signs its letter, DKIM-proven from its own mailbox. Registered."""
    _directory_with_parents(world)
    signer = _signer(world, "Nguyễn Văn An", organisation, unit, "Bắc Giang")
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US)
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")
    _accepted(out, sender)


@pytest.mark.parametrize("organisation", [pytest.param("Sở Tài chính tỉnh Bắc Giang", id="another-so"),
                                          pytest.param("Công an tỉnh Bắc Giang", id="the-police")])
def test_a_chi_cuc_is_never_spoken_for_under_a_body_its_row_does_not_name(world: World, organisation: str) -> None:
    """ATTACK. Chi cục Kiểm lâm's row names its Sở above it; a person of another Sở, or of the police (each a directory
    body of the province), writes OU "Chi cục Kiểm lâm" and signs its letter. Never the Chi cục's (before `parent`,
    any directory body's O spoke for it)."""
    _directory_with_parents(world)
    out = _forged(world, organisation, "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "913/CCKL-VP")
    _nothing_for_a_forger(out, CCKL)
