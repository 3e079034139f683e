"""Red team 122: the directory's `parent` column (commit d715bf8), `issuers._answers_to` as `_governed` calls it, and its
round trip through the register. Each test is an attack by a forger (ATTACK) or a genuine shape (GENUINE); a failing
test is a fault found."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.decision.issuers import signer_agencies
from gateway.demo.signing import sign_pdf
from gateway.directory import AgencyEntry, Directory
from gateway.model import CertSubject, SignatureFacts
from test_redteam114 import _nothing_for_a_forger, _send
from test_redteam116 import TO_US, _signer
from test_redteam119 import CAH, CAT, CCKL, ROWS, _accepted
from test_redteam120 import _forged
from world import DIRECTORY_CSV, STP, World

SNNMT = "Sở Nông nghiệp và Môi trường tỉnh Bắc Giang"
# the parents red team 120's section 3 gives (the fix's own example)
PARENTS = {
    "Công an tỉnh Bắc Giang": "Bộ Công an",
    "Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang",
    "Chi cục Kiểm lâm tỉnh Bắc Giang": SNNMT,
}


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(DIRECTORY_CSV + ROWS)))


def _write(path: Path, parents: dict[str, str], drop: tuple[str, ...] = ()) -> Path:
    rows = [r for r in _rows() if r["name"] not in drop]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[*rows[0], "parent"])
        writer.writeheader()
        writer.writerows({**row, "parent": parents.get(row["name"], "")} for row in rows)
    return path


def _directory(world: World, parents: dict[str, str], drop: tuple[str, ...] = ()) -> None:
    _write(world.root / "directory.csv", parents, drop)


def _genuine(world: World, organisation: str, unit: str, issuer: str, parent: str, sender: str, number: str,
             cn: str = "Nguyễn Văn An") -> dict[str, Any]:
    signer = _signer(world, cn, organisation, unit, "Bắc Giang")
    pdf = world.document(issuer=issuer, issuer_parent=parent, number=number, recipients=TO_US)
    return _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")


def _the_police_refused_to_a_commune_and_answered_for_the_ministry(world: World, forged: str, genuine: str) -> None:
    out = _forged(world, "UBND xã Tân Liễu", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", forged)
    _nothing_for_a_forger(out, CAT)
    out = _genuine(world, "Bộ Công an", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", CAT, genuine)
    _accepted(out, CAT)


# ============================================================ 1. a row with a parent, its parent's row without one

@pytest.mark.parametrize("organisation", [pytest.param("UBND xã Tân Liễu", id="commune-committee"),
                                          pytest.param("Ngân hàng Chính sách xã hội", id="policy-bank"),
                                          pytest.param("Sở Tài chính tỉnh Bắc Giang", id="another-so")])
def test_a_row_with_a_parent_whose_parent_row_names_none_is_never_any_os(world: World, organisation: str) -> None:
    """ATTACK. The operator fills `parent` for the district's police ("Công an tỉnh Bắc Giang") and not (yet) for the
    province's police. A person of a commune's committee, a state bank or another Sở writes OU "Công an huyện Yên
    Dũng" and signs its letter from a mailbox nothing proves. Expected: refused — the row names the body above it, and
    README says such a row is spoken for "under its own name, that body's or a body above that one in the directory,
    and nothing else"; none of these O is the province's police nor the ministry. Observed: registered as Công an
    huyện Yên Dũng's. Where: gateway/decision/issuers.py `_answers_to` — the recursion into the parent's row
    (`above`) applies the parent row's own *no-parent* rule (`not _PROVINCE_RANK.match(...)` → True for any O) instead of
    asking only whether the O names that body or one above it."""
    _directory(world, {"Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang"})
    out = _forged(world, organisation, "Công an huyện Yên Dũng", "CÔNG AN HUYỆN YÊN DŨNG", "CÔNG AN TỈNH BẮC GIANG",
                  "920/CAH-TM")
    _nothing_for_a_forger(out, CAH)


# ============================================================ 2. another province's committee, written so no place is read

OTHER_COMMITTEES = [
    pytest.param("UBND T. Lạng Sơn", id="ubnd-t-dot"),
    pytest.param("Ủy ban nhân dân T Lạng Sơn", id="uy-ban-t"),
    pytest.param("Lang Son Province People's Committee", id="english-province-first"),
    pytest.param("People's Committee of Lang Son Province", id="english-committee-first"),
    pytest.param("Ha Noi City People's Committee", id="english-central-city"),
]


@pytest.mark.parametrize("organisation", OTHER_COMMITTEES)
def test_a_chi_cuc_whose_row_names_its_so_is_never_another_provinces_committees(world: World, organisation: str) -> None:
    """ATTACK. Chi cục Kiểm lâm's row names its Sở as `parent` (red team 120's directory). A person of Lạng Sơn's (or Hà
    Nội's) people's committee, its O written by its CA "UBND T. Lạng Sơn", "Ủy ban nhân dân T Lạng Sơn" or in English,
    writes OU "Chi cục Kiểm lâm" (no province), L "Bắc Giang", and signs the Chi cục's letter. Expected: refused — the
    body above the Sở is Bắc Giang's committee, not Lạng Sơn's. Observed: registered as the Chi cục's. Where:
    issuers.py `certificate_places` reads no province in these O (`place_of` needs "tỉnh"/"thành phố"; it falls to the
    L "Bắc Giang") while `_province_committee` takes them as *a* province's committee; `_answers_to` recurses to the
    Sở's row and its old rule (`_province_committee(O)`) never compares the committee's province with the agency's."""
    _directory(world, PARENTS)
    out = _forged(world, organisation, "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
                  "921/CCKL-VP")
    _nothing_for_a_forger(out, CCKL)


@pytest.mark.parametrize("organisation", OTHER_COMMITTEES)
def test_a_so_whose_row_names_the_provinces_committee_is_never_another_provinces_committees(
        world: World, organisation: str) -> None:
    """ATTACK. The operator fills `parent` for the Sở too: Sở Tư pháp's row names "UBND tỉnh Bắc Giang". A person of
    another province's committee (O as in the test above) writes OU "Sở Tư pháp", L "Bắc Giang". Expected: refused —
    the row names Bắc Giang's committee. Observed: registered as Sở Tư pháp's. Where: issuers.py `_answers_to`,
    `any(_province_committee(parent) …) and _province_committee(organisation)`: any province's committee for any
    committee-parent, the two provinces never compared (and `certificate_places` gave the L's province)."""
    _directory(world, {**PARENTS, "Sở Tư pháp tỉnh Bắc Giang": "UBND tỉnh Bắc Giang"})
    out = _forged(world, organisation, "Sở Tư pháp", "SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG", "922/STP-VP")
    _nothing_for_a_forger(out, STP)


def test_outside_the_change_an_english_committee_of_another_province_with_our_ou_speaks_for_our_so(world: World) -> None:
    """ATTACK (older code, not the change: rows with no parent). A person of Lạng Sơn's committee, O "People's
    Committee of Lang Son Province", OU "Sở Tư pháp tỉnh Bắc Giang" — red team 119's two-province case written in
    English. Expected: no agency (the OU's and the O's provinces differ). Observed: registered as Sở Tư pháp's.
    Where: issuers.py `certificate_places` → `_named_province(O)` is None for this English order (`place_of`,
    `_province_alone`, `last_province` read no province), so the L's Bắc Giang is taken; `_province_committee` matches
    `_ENGLISH_COMMITTEE`."""
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + ROWS, encoding="utf-8")
    out = _forged(world, "People's Committee of Lang Son Province", "Sở Tư pháp tỉnh Bắc Giang", "SỞ TƯ PHÁP",
                  "UBND TỈNH BẮC GIANG", "923/STP-VP")
    _nothing_for_a_forger(out, STP)


# ============================================================ 3. attacks the change holds

@pytest.mark.parametrize("organisation", [
    pytest.param("Bộ Công an (cũ)", id="old-marker"),
    pytest.param("Bộ Công an Lào", id="laos-ministry"),
    pytest.param("Bộ Công an - Cục Cảnh sát giao thông", id="ministry-dash-department"),
    pytest.param("Bộ Công thương", id="another-ministry"),
    pytest.param("Công an tỉnh Lạng Sơn", id="another-provinces-police"),
    pytest.param("UBND tỉnh Lạng Sơn", id="another-provinces-committee"),
])
def test_an_o_decorating_the_parents_name_never_speaks_for_the_police(world: World, organisation: str) -> None:
    """ATTACK. Công an tỉnh's row names "Bộ Công an". A person whose O only contains or decorates that name (or is
    another ministry, another province's police or committee) writes OU "Công an tỉnh Bắc Giang". Expected: refused.
    Where: issuers.py `_answers_to` (`_spellings` compares the whole squashed name)."""
    _directory(world, PARENTS)
    out = _forged(world, organisation, "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", "924/CAT-PV")
    _nothing_for_a_forger(out, CAT)


def test_a_cycle_of_parents_speaks_for_nobody_else(world: World) -> None:
    """ATTACK. The rows name each other (the province's police's parent the district's, the district's the province's):
    a commune committee's person writes OU "Công an huyện Yên Dũng". Expected: refused, no endless recursion. Where:
    `_answers_to` (depth ≤ 5)."""
    _directory(world, {"Công an tỉnh Bắc Giang": "Công an huyện Yên Dũng tỉnh Bắc Giang",
                       "Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang"})
    out = _forged(world, "UBND xã Tân Liễu", "Công an huyện Yên Dũng", "CÔNG AN HUYỆN YÊN DŨNG",
                  "CÔNG AN TỈNH BẮC GIANG", "925/CAH-TM")
    _nothing_for_a_forger(out, CAH)


def test_a_parent_no_longer_in_the_directory_opens_nothing(world: World) -> None:
    """ATTACK. The district's police names "Công an tỉnh Bắc Giang", whose row is gone from the file (withdrawn).
    A commune committee's person writes OU "Công an huyện Yên Dũng". Expected: refused (a parent that names no row
    leaves the O's spelling alone)."""
    _directory(world, {"Công an huyện Yên Dũng tỉnh Bắc Giang": "Công an tỉnh Bắc Giang"},
               drop=("Công an tỉnh Bắc Giang",))
    out = _forged(world, "UBND xã Tân Liễu", "Công an huyện Yên Dũng", "CÔNG AN HUYỆN YÊN DŨNG",
                  "CÔNG AN TỈNH BẮC GIANG", "926/CAH-TM")
    _nothing_for_a_forger(out, CAH)


def _yaml_directory(world: World, parent_of: dict[str, Any]) -> None:
    rows = []
    for row in _rows():
        entry: dict[str, Any] = {k: v for k, v in row.items() if v}
        if row["name"] in parent_of:
            entry["parent"] = parent_of[row["name"]]
        rows.append(entry)
    (world.root / "directory.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    world.extra["directory"] = "directory.yaml"
    world.write_config()


@pytest.mark.parametrize("value", [pytest.param(["Bộ Công an"], id="list"),
                                   pytest.param(["Bộ Công an", None, 7], id="list-with-null-and-int"),
                                   pytest.param(True, id="bool"), pytest.param({"Bộ Công an": 1}, id="mapping")])
def test_a_yaml_parent_of_any_type_never_opens_the_police_to_a_commune(world: World, value: Any) -> None:
    """ATTACK. A YAML directory whose `parent` for Công an tỉnh is a list, a list with a null and a number, a boolean
    or a mapping. A commune committee's person writes OU "Công an tỉnh Bắc Giang". Expected: no crash, refused."""
    _yaml_directory(world, {"Công an tỉnh Bắc Giang": value})
    out = _forged(world, "UBND xã Tân Liễu", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN",
                  "927/CAT-PV")
    _nothing_for_a_forger(out, CAT)


def test_a_yaml_parent_list_registers_the_ministrys_person(world: World) -> None:
    """GENUINE. The same YAML, `parent: [Bộ Công an]`: the ministry's person of Công an tỉnh, DKIM-proven. Registered."""
    _yaml_directory(world, {"Công an tỉnh Bắc Giang": ["Bộ Công an"]})
    out = _genuine(world, "Bộ Công an", "Công an tỉnh Bắc Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN", CAT,
                   "928/CAT-PV")
    _accepted(out, CAT)


# ============================================================ 4. the register's copy: `directory import`

def test_directory_import_carries_the_parent_into_intake(world: World) -> None:
    """ATTACK, then GENUINE. No `directory:` in the configuration: the parented CSV is loaded by `qlvb-gateway directory
    import`, and intake reads the register's copy (app.load_directory). A commune committee's person writing OU "Công
    an tỉnh Bắc Giang" is refused; the ministry's person is registered. Where: app.sync_directory / load_directory,
    registry Agency.parent."""
    world.extra["directory"] = None
    world.write_config()
    path = _write(world.root / "imported.csv", PARENTS)
    world.run("directory", "import", "--config", str(world.config_path), str(path))
    _the_police_refused_to_a_commune_and_answered_for_the_ministry(world, "929/CAT-PV", "930/CAT-PV")


# ============================================================ 5. genuine shapes

@pytest.mark.parametrize("parent", [
    pytest.param("Sở NN và MT tỉnh Bắc Giang", id="parent-abbreviated"),
    pytest.param("Sở NN&MT tỉnh Bắc Giang", id="parent-ampersand-abbreviation"),
    pytest.param("Sở Nông nghiệp và Môi trường Bắc Giang", id="parent-province-without-tinh"),  # stop 50
    pytest.param("Sở NN&MT Bắc Giang", id="parent-abbreviated-province-without-tinh"),
])
def test_a_parent_written_abbreviated_or_without_tinh_still_registers_the_sos_person(world: World, parent: str) -> None:
    """GENUINE. The operator writes the Chi cục's `parent` as directories commonly write it — abbreviated ("Sở NN và MT
    tỉnh Bắc Giang", "Sở NN&MT …") or the province without "tỉnh". A person of the Sở, O "Sở Nông nghiệp và Môi trường
    tỉnh Bắc Giang" exactly as the directory names the Sở, OU "Chi cục Kiểm lâm", signs its letter from its own
    DKIM-proven mailbox. Expected: registered (README: "that body's (its province written or not, an abbreviation
    spelled out)"). Observed: refused, signer-not-issuer (before the change, the Chi cục was registered under this O).
    Where: issuers.py `_answers_to` — `_spellings` compares squashed letters only (no abbreviation, no province without
    "tỉnh"), and the recursion's `directory.by_certificate_name(parent)` refuses a name written in initials."""
    _directory(world, {**PARENTS, "Chi cục Kiểm lâm tỉnh Bắc Giang": parent})
    out = _genuine(world, SNNMT, "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL,
                   "931/CCKL-VP")
    _accepted(out, CCKL)


@pytest.mark.parametrize("organisation", [pytest.param("Sở Nông nghiệp và Môi trường tỉnh Lạng Sơn", id="another-province"),
                                          pytest.param("Sở Nông nghiệp và Môi trường Lạng Sơn", id="another-without-tinh")])
def test_a_parent_written_without_tinh_is_completed_by_its_own_province_alone(world: World, organisation: str) -> None:
    """ATTACK (what holds, stop 50). The Chi cục's `parent` written "Sở Nông nghiệp và Môi trường Bắc Giang" is read as
    "… tỉnh Bắc Giang" (`issuers._levelled`): a person of Lạng Sơn's Sở (its province written or not), with OU "Chi cục
    Kiểm lâm", is refused all the same."""
    _directory(world, {**PARENTS, "Chi cục Kiểm lâm tỉnh Bắc Giang": "Sở Nông nghiệp và Môi trường Bắc Giang"})
    out = _forged(world, organisation, "Chi cục Kiểm lâm", "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "939/CCKL-VP")
    _nothing_for_a_forger(out, CCKL)


GENUINE = [
    # id, CN, O, OU, issuer, printed parent, sender, number
    ("ministry-ascii", "Nguyễn Văn An", "BO CONG AN", "Cong an tinh Bac Giang", "CÔNG AN TỈNH BẮC GIANG", "BỘ CÔNG AN",
     CAT, "932/CAT-PV"),
    ("district-police-org-cert", "CÔNG AN HUYỆN YÊN DŨNG", "CÔNG AN TỈNH BẮC GIANG", "", "CÔNG AN HUYỆN YÊN DŨNG",
     "CÔNG AN TỈNH BẮC GIANG", CAH, "933/CAH-TM"),
    ("chi-cuc-under-committee-capitals-no-marks", "Nguyễn Văn An", "UY BAN NHAN DAN TINH BAC GIANG", "Chi cục Kiểm lâm",
     "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "934/CCKL-VP"),
    ("chi-cuc-org-cert-under-committee", "Chi cục Kiểm lâm tỉnh Bắc Giang", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "",
     "CHI CỤC KIỂM LÂM", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", CCKL, "935/CCKL-VP"),
]


@pytest.mark.parametrize("cn,organisation,unit,issuer,parent,sender,number", [pytest.param(*g[1:], id=g[0]) for g in GENUINE])
def test_genuine_shapes_under_the_parent_are_registered(world: World, cn: str, organisation: str, unit: str, issuer: str,
                                                        parent: str, sender: str, number: str) -> None:
    """GENUINE. Red team 120's parents; the ministry's O without marks, an organisation certificate whose CN is the
    district's police under the province's police, the Chi cục under the province's committee written in capitals
    without marks, and an organisation certificate of the Chi cục under Ban Cơ yếu's usual O. Registered."""
    _directory(world, PARENTS)
    out = _genuine(world, organisation, unit, issuer, parent, sender, number, cn=cn)
    _accepted(out, sender)


# ============================================================ 6. the recursion's cost

def test_a_web_of_parents_costs_a_forger_nothing_and_the_gateway_little() -> None:
    """ATTACK (cost). Nine centres of one province whose rows each name the other eight as `parent` (an operator listing
    sibling units, or several spellings that each name another row). A forger's certificate, O a commune's committee,
    OU "Trung tâm Số 0", is judged once per signature. Expected: well under a second (a document is given 60 s in all).
    Observed: the recursion branches on every parent to depth 5 — 8^5 branches, over ten seconds for one signature
    (8 rows: 6.6 s). Where: issuers.py `_answers_to` (no memo of the rows already seen, only `depth < 5`)."""
    names = [f"Trung tâm Số {i} tỉnh Bắc Giang" for i in range(9)]
    directory = Directory([AgencyEntry(f"T{i}", name, f"t{i}@x.bacgiang.gov.vn",
                                       parent=tuple(n for n in names if n != name)) for i, name in enumerate(names)])
    subject = CertSubject("Trần Văn Gian", "UBND xã Tân Liễu", "Trung tâm Số 0", "Bắc Giang")
    sig = SignatureFacts("Signature1", "Trần Văn Gian", True, True, False, False, False, True, True, None, subject=subject)
    started = time.monotonic()
    found = signer_agencies(sig, directory)
    took = time.monotonic() - started
    assert found == [], found
    assert took < 1.0, f"{took:.1f} s for one signature"


def test_a_register_of_revision_0019_upgraded_carries_the_parent(world: World) -> None:
    """ATTACK, then GENUINE. A register made by the gateway before the change (revision 0019, no `parent` column) is
    opened by this one (migration 0020) with red team 120's parented directory: the commune committee's person writing OU
    "Công an tỉnh Bắc Giang" is refused, the ministry's person registered. Where: registry/migrations/versions/
    0020_agency_parent.py, app.sync_directory (a row's NULL parent compared with the file's list)."""
    from alembic import command

    from registry.database import _alembic

    config = _alembic()
    (world.root / "qlvb.db").unlink(missing_ok=True)  # the world's new register, at the code's revision: made anew
    config.set_main_option("sqlalchemy.url", f"sqlite:///{world.root / 'qlvb.db'}")
    command.upgrade(config, "0019")
    _directory(world, PARENTS)
    _the_police_refused_to_a_commune_and_answered_for_the_ministry(world, "936/CAT-PV", "937/CAT-PV")
