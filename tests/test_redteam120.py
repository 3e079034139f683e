"""Red team 120: `issuers.certificate_places`, `_governed` / `_province_committee` and `vouched` as they stand after red
team 119. Each test is an attack by a forger; a failing test is a fault found."""

from __future__ import annotations

import pytest

from gateway.demo.signing import sign_pdf
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from test_redteam119 import CAT, ROWS
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

@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 119 and 120: an agency of the directory that is no "
                                       "Sở nor committee (the province's police, a Ban, a Chi cục) is spoken for under any "
                                       "O of the state or the directory: the directory has no column for the body above it")
@pytest.mark.parametrize("organisation", [
    pytest.param("UBND xã Tân Liễu", id="commune-committee"),
    pytest.param("Ngân hàng Chính sách xã hội", id="policy-bank"),
    pytest.param("Sở Tài chính tỉnh Bắc Giang", id="another-so"),
])
def test_a_stranger_never_speaks_for_the_provincial_police(world: World, organisation: str) -> None:
    """ATTACK. Công an tỉnh Bắc Giang is a directory agency of the province's rank, but its name does not begin with
    SO/UBND/HDND. A person of a commune's committee, a state bank, or another Sở (a directory body) writes OU "Công an
    tỉnh Bắc Giang", L Bắc Giang, and signs a letter headed "BỘ CÔNG AN / CÔNG AN TỈNH BẮC GIANG". Expected: never
    Công an tỉnh's (none of these bodies is above it; red team 119 refused the same O for Sở Tư pháp). Observed:
    registered as Công an tỉnh Bắc Giang's. Where: issuers.py `_governed`: only names matching `_PROVINCE_RANK` are
    reserved to the province's committee; any other directory agency is spoken for under any governing or
    directory-known O."""
    _directory(world)
    signer = _signer(world, "Trần Văn Gian", organisation, "Công an tỉnh Bắc Giang", "Bắc Giang")
    pdf = world.document(issuer="CÔNG AN TỈNH BẮC GIANG", issuer_parent="BỘ CÔNG AN", number="904/CAT-PV",
                         recipients=TO_US)
    out = _send(world, "police", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, CAT)
