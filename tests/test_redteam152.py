"""Red team 152: the fixes made after red teams 150 and 151, both ways: where they go too far (a genuine agency's letter
or configuration now refused or held for nothing) and where they do not go far enough (an attack or a slip passing).

The resolver is read as the outgoing plan reads it (gateway/resolver.py's Resolver over a parsed directory, our agency
Sở Nội vụ tỉnh Bắc Giang), its directory red team 150's plus agencies of other provinces a national directory lists;
the directory file through `parse_directory` and the real CLI (`directory import`, `register list`) through world.run.
Each test's docstring says who did what and what was expected; a FAULT's says what happens instead."""

from __future__ import annotations

import subprocess
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from test_redteam150 import DIRECTORY as DIRECTORY150
from test_redteam151 import _one_line_refusal
from world import STP, US, World

SYT = "vanthu@syt.bacgiang.gov.vn"
STP_LS = "vanthu@sotp.langson.gov.vn"
UBND_YD = "vanthu@yendung.bacgiang.gov.vn"
PGD_YD = "vanthu@pgd.yendung.bacgiang.gov.vn"

# a national directory lists every province's agencies: here Vĩnh Phúc's, Khánh Hòa's, Thanh Hóa's among them
OTHERS = """000.00.14.H56,Sở Tư pháp tỉnh Vĩnh Phúc,vanthu@sotp.vinhphuc.gov.vn,,
000.00.14.H34,Sở Tư pháp tỉnh Khánh Hòa,vanthu@sotp.khanhhoa.gov.vn,,
000.00.14.H38,Sở Tư pháp tỉnh Thanh Hóa,vanthu@sotp.thanhhoa.gov.vn,,
000.00.18.H33,Sở Y tế tỉnh Lạng Sơn,vanthu@syt.langson.gov.vn,,
000.50.00.H06,UBND thành phố Bắc Giang,vanthu@tpbg.bacgiang.gov.vn,UBND TP Bắc Giang|UBND thành phố Bắc Giang,
000.60.00.H06,UBND huyện Cô Tô,vanthu@coto.bacgiang.gov.vn,,
000.00.19.H06,Sở Kế hoạch và Đầu tư tỉnh Bắc Giang,vanthu@skhdt.bacgiang.gov.vn,Sở KH&ĐT|Sở Kế hoạch và Đầu tư,
"""


def _resolver(tmp: Path, extra: str = OTHERS) -> Any:
    from gateway.directory import Directory, parse_directory
    from gateway.resolver import Resolver

    path = tmp / "directory.csv"
    path.write_text(DIRECTORY150 + extra, encoding="utf-8")
    directory = Directory(parse_directory(path))
    return Resolver(directory, directory.by_code(US["code"]))


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _resolver(tmp_path_factory.mktemp("rt152"))


def _read(resolver: Any, entry: str) -> tuple[str, list[str]]:
    found = resolver.resolve(entry)
    return found.status, sorted(a.mailbox for a in found.agencies)


def _parse(tmp: Path, name: str, text: str) -> Any:
    from gateway.directory import parse_directory

    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return parse_directory(path)


def _cfg(world: World) -> str:
    return str(world.config_path)


def _run(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return world.run(*args, check=False)



def _codes(world: World) -> list[str]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        try:
            return [code for (code,) in db.execute("SELECT code FROM agencies ORDER BY code")]
        except sqlite3.OperationalError:
            return []


ROW = "000.00.14.H06,Sở Tư pháp tỉnh Bắc Giang,vanthu@sotp.bacgiang.gov.vn"


# ================================================================================================== _ADDRESS, too far

@pytest.mark.parametrize("entry", [
    "Sở Tư pháp (để t/h theo Kế hoạch ngày 15.3.2026)",
    "Sở Tư pháp (theo CV số 12 ngày 01.02.2026)",
], ids=["plan-date", "letter-date"])
def test_genuine_a_note_with_a_date_written_with_dots_is_not_an_address(resolver: Any, entry: str) -> None:
    """GENUINE. A clerk writes under "Bản điện tử" the Sở Tư pháp with a note giving a date the Vietnamese way, with dots
    ("ngày 15.3.2026"). Expected: mailed to Sở Tư pháp tỉnh Bắc Giang, as "Sở Tư pháp (để t/h)" is.
    FAULT: the date "15.3.2026" is three dotted parts, which `_ADDRESS` now takes for a host name on any domain: the
    entry is "unresolved" with no candidate at all, the whole send held, the clerk told nothing of why."""
    assert _read(resolver, entry) == ("resolved", [STP])


_ONE_CODE = ("left: README Limits, red team 152: one code in brackets that is also a province's initials ('(VP)', "
             "'(TH)') holds the entry (it may name that province's body), as before red team 150")


@pytest.mark.parametrize("entry,meant", [
    ("UBND TP.Bắc Giang", ["vanthu@tpbg.bacgiang.gov.vn"]),
    ("UBND TP. Bắc Giang", ["vanthu@tpbg.bacgiang.gov.vn"]),
    ("Sở KH&ĐT", ["vanthu@skhdt.bacgiang.gov.vn"]),
    ("UBND huyện Cô Tô", ["vanthu@coto.bacgiang.gov.vn"]),
    ("UBND các huyện: Cô Tô, Yên Dũng", ["vanthu@coto.bacgiang.gov.vn", UBND_YD]),
], ids=["tp-dot", "tp-dot-space", "kh-dt", "co-to", "co-to-listed"])
def test_guard_dotted_and_honorific_looking_real_names_still_resolve(resolver: Any, entry: str, meant: list[str]) -> None:
    """GUARD. A clerk writes "UBND TP.Bắc Giang" (a dot, no space), "Sở KH&ĐT", "UBND huyện Cô Tô" ("Cô" is also an
    honorific). Expected: each mailed to its agency, neither the dot nor "Cô" holding it."""
    assert _read(resolver, entry) == ("resolved", sorted(meant))


@pytest.mark.parametrize("entry", [
    "Sở Tư pháp (evil.ru)",
    "Sở Tư pháp (mail.evil.example.ru)",
    "Sở Tư pháp (vanthu＠sotp.evil.ru)",
    "Sở Tư pháp (vanthu at evil dot ru)",
    "Sở Tư pháp (evil．ru)",
    "Sở Tư pháp (gửi về hộp thư vanthu.sotp)",
], ids=["two-small", "three", "fullwidth-at", "at-dot-words", "fullwidth-dot", "mailbox-name"])
def test_attack_an_entry_writing_another_address_is_never_mailed_to_the_directorys_agency(resolver: Any, entry: str) -> None:
    """ATTACK. A letter drafted by someone else writes an address beside a real agency ("Sở Tư pháp (evil.ru)"),
    hoping the clerk believes it is mailed there. Expected: held for the clerk (not "resolved" to Sở Tư pháp, the
    address unsaid)."""
    status, _ = _read(resolver, entry)
    assert status != "resolved", entry


# ================================================================================================== initials, too far

@pytest.mark.parametrize("entry,meant", [
    pytest.param("Sở Y tế (VP)", [SYT], marks=pytest.mark.xfail(strict=True, reason=_ONE_CODE)),
    pytest.param("Sở Y tế (TH)", [SYT], marks=pytest.mark.xfail(strict=True, reason=_ONE_CODE)),
    ("Sở Y tế (TC, KH)", [SYT]),
], ids=["vp-van-phong", "th-tong-hop", "tc-kh-to-chuc-ke-hoach"])
def test_genuine_a_units_code_note_that_is_also_a_provinces_initials_is_a_note(resolver: Any, entry: str,
                                                                               meant: list[str]) -> None:
    """GENUINE. A clerk of Sở Nội vụ writes "Sở Y tế (VP)" (the Sở's Văn phòng to handle it), "Sở Y tế (TH)" (Tổng hợp),
    "Sở Y tế (TC, KH)" (Tổ chức, Kế hoạch): unit codes, read as notes before the fix ("Sở Y tế (GĐ, PGĐ)" still is).
    The national directory lists agencies of Vĩnh Phúc, Thanh Hóa, Khánh Hòa.
    Expected: mailed to Sở Y tế tỉnh Bắc Giang (there is no Sở Y tế of those provinces in the directory at all).
    FAULT: `Resolver._initials` takes VP, TH, KH for the provinces Vĩnh Phúc, Thanh Hóa, Khánh Hòa: the note is kept
    as naming bodies and the entry is "unresolved", the whole send held. Every common unit code that is some
    province's initials (VP, TH, KH, QT, ĐT, CB, TB, LĐ, HT…) now holds a genuine letter once the directory is national."""
    assert _read(resolver, entry) == ("resolved", sorted(meant))


def test_guard_a_units_code_note_no_province_has_is_still_a_note(resolver: Any) -> None:
    """GUARD. "Sở Tư pháp (GĐ, PGĐ)": the Sở's director and deputies. Expected: mailed to Sở Tư pháp tỉnh Bắc Giang."""
    assert _read(resolver, "Sở Tư pháp (GĐ, PGĐ)") == ("resolved", [STP])


def test_genuine_the_fixes_own_example_two_provinces_initials_names_both_bodies(resolver: Any) -> None:
    """GENUINE. The fix's own example: a clerk writes "Sở Tư pháp (LS, BG)" for the Sở Tư pháp of Lạng Sơn and of Bắc
    Giang, both in the directory. Expected: mailed to both (the fix says the bracket "is kept as naming bodies").
    FAULT: "unresolved" (candidates Bộ Tư pháp and both Sở): the send held; the bracket is kept but names nobody, so
    the fix turned a wrong reading into a hold, never into the reading it describes."""
    assert _read(resolver, "Sở Tư pháp (LS, BG)") == ("resolved", sorted([STP, STP_LS]))


def test_guard_two_provinces_initials_never_go_to_ours_alone(resolver: Any) -> None:
    """GUARD. "Sở Tư pháp (LS, BG)" (red team 150: went to ours alone). Expected: never ours alone."""
    assert _read(resolver, "Sở Tư pháp (LS, BG)") != ("resolved", [STP])


# ================================================================================================== our own words

@pytest.mark.parametrize("entry", ["Thanh tra Sở Y tế", "Thanh tra sở Tư pháp", "Các phòng chuyên môn thuộc Sở Y tế",
                                   "Các phòng nghiệp vụ thuộc Sở Tài chính"])
def test_guard_another_sos_inspectorate_or_units_are_never_skipped_as_ours(resolver: Any, entry: str) -> None:
    """GUARD. Sở Nội vụ's clerk lists "Thanh tra Sở Y tế" or "Các phòng nghiệp vụ thuộc Sở Tài chính": another Sở's.
    Expected: never "skipped" as our own internal copy (resolved to that Sở, or held for the clerk)."""
    assert _read(resolver, entry)[0] != "skipped", entry


@pytest.mark.parametrize("entry", ["Thanh tra Sở", "Các phòng chuyên môn thuộc Sở", "Các phòng chức năng thuộc Sở",
                                   "Các phòng nghiệp vụ thuộc Sở"])
def test_guard_our_own_inspectorate_and_units_are_skipped(resolver: Any, entry: str) -> None:
    """GUARD. "Thanh tra Sở", "Các phòng chuyên môn thuộc Sở" in a Sở's letter: its own internal copies. Expected:
    skipped, the send not held."""
    assert _read(resolver, entry) == ("skipped", [])


def test_genuine_units_of_another_so_go_to_that_so(resolver: Any) -> None:
    """GENUINE. Sở Nội vụ's clerk lists "Các phòng chuyên môn thuộc Sở Y tế": the Sở Y tế's units, reached through the
    Sở Y tế's clerk mailbox (the only one the directory has). Expected: mailed to Sở Y tế tỉnh Bắc Giang, as "UBND
    huyện Yên Dũng: Phòng Nội vụ" goes to the UBND for its unit.
    FAULT: "unresolved", no candidate: the send held for an entry that names one agency of the directory plainly."""
    assert _read(resolver, "Các phòng chuyên môn thuộc Sở Y tế") == ("resolved", [SYT])


# ================================================================================================== a head's items

@pytest.mark.parametrize("entry,meant", [
    ("UBND huyện Yên Dũng: Phòng GD&ĐT", [UBND_YD, PGD_YD]),
    ("UBND huyện Yên Dũng: Phòng Nội vụ", [UBND_YD]),
    ("UBND tỉnh Lạng Sơn: Sở Y tế", ["vanthu@langson.gov.vn", "vanthu@syt.langson.gov.vn"]),
], ids=["phong-gd-of-the-district", "a-unit-inside", "lang-son-so"])
def test_guard_a_heads_item_is_read_with_the_heads_place(tmp_path: Path, entry: str, meant: list[str]) -> None:
    """GUARD. "UBND huyện Yên Dũng: Phòng GD&ĐT" is Yên Dũng's Phòng GD&ĐT; "UBND tỉnh Lạng Sơn: Sở Y tế" is Lạng Sơn's
    Sở Y tế, never ours. Expected: each mailed to the head and the bodies of its place."""
    extra = OTHERS + "000.00.00.H33,UBND tỉnh Lạng Sơn,vanthu@langson.gov.vn,,\n"
    assert _read(_resolver(tmp_path, extra), entry) == ("resolved", sorted(meant))


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Công ty TNHH Luật ABC", "Sở Tư pháp: cô Nguyễn Thị Hoa",
                                   "Sở Tài chính: DN tư nhân Hòa Phát", "Sở Y tế: Cửa hàng thuốc số 5"])
def test_attack_a_heads_item_that_is_a_firm_or_person_holds_the_entry(resolver: Any, entry: str) -> None:
    """ATTACK. A letter lists a firm or a person after an agency's colon. Expected: held (never mailed to the agency
    alone, the firm or person dropped in silence)."""
    assert _read(resolver, entry)[0] != "resolved", entry


# ================================================================================================== the directory file

def test_genuine_a_row_with_a_trailing_empty_cell_is_read(tmp_path: Path) -> None:
    """GENUINE. An operator's directory.csv, edited in a text editor, has a trailing comma on a row (an empty cell past
    the header's last column: `…,Sở Tư pháp,`). Expected: the row read (nothing in the extra cell is lost).
    FAULT: refused, "more cells than the header has columns (quote a cell that holds a comma …)": the check meant for an
    unquoted "Sở, ban, ngành" refuses an empty cell that holds nothing at all."""
    entries = _parse(tmp_path, "d.csv", f"code,name,mailbox,aliases\n{ROW},Sở Tư pháp,\n")
    assert [(e.code, e.aliases) for e in entries] == [("000.00.14.H06", ("Sở Tư pháp",))]


def test_genuine_a_spreadsheets_empty_rows_are_ignored(tmp_path: Path) -> None:
    """GENUINE. An Excel export of the directory sheet ends with rows that are nothing but commas (",,,": cells
    formatted, left empty). Expected: the empty rows ignored, the agencies read.
    FAULT: refused, "row 3: code, name and a mailbox address are required", for a row with nothing in it."""
    entries = _parse(tmp_path, "d.csv", f"code,name,mailbox\n{ROW}\n,,\n,,\n,,,,,\n")  # the last wider than the header
    assert [e.code for e in entries] == ["000.00.14.H06"]


def test_genuine_a_header_in_capitals_is_read(tmp_path: Path) -> None:
    """GENUINE. A spreadsheet's header row reads "Code,Name,Mailbox" (capitalised, as spreadsheets title columns).
    Expected: read as code,name,mailbox (or, at the least, refused saying the names must be in small letters).
    FAULT: refused saying "missing code, name, mailbox" of a header that shows all three: the operator is told the
    columns are missing while looking at them."""
    from gateway.directory import DirectoryError

    try:
        entries = _parse(tmp_path, "d.csv", f"Code,Name,Mailbox\n{ROW}\n")
    except DirectoryError as exc:
        assert "missing" not in str(exc), str(exc)
        return
    assert [e.code for e in entries] == ["000.00.14.H06"]


@pytest.mark.parametrize("name,text", [
    ("bom.csv", f"\ufeffcode,name,mailbox\n{ROW}\n"),
    ("spaces.csv", f"code, name, mailbox\n{ROW}\n"),
    ("excel.csv", f"code,name,mailbox,,\r\n{ROW},,\r\n"),
    ("agencies.yaml", "agencies:\n  - code: '000.00.14.H06'\n    name: Sở Tư pháp tỉnh Bắc Giang\n"
                      "    mailbox: vanthu@sotp.bacgiang.gov.vn\n"),
], ids=["bom", "spaces", "excel-trailing-column", "yaml-agencies-key"])
def test_guard_genuine_directory_files_are_read(tmp_path: Path, name: str, text: str) -> None:
    """GUARD. A BOM, spaces after the header's commas, an Excel export's trailing empty column, a YAML file under
    `agencies:`. Expected: the agency read."""
    assert [e.code for e in _parse(tmp_path, name, text)] == ["000.00.14.H06"]


def test_attack_a_yaml_directory_whose_top_key_is_mistyped_is_refused(world: World) -> None:
    """ATTACK/SLIP. An operator's directory.yaml begins `agencise:` (a typo of `agencies:`), then `directory import`.
    Expected: refused naming the key (did you mean agencies?), exit 2, as an unknown column or row key now is.
    FAULT: "0 agencies read", exit 0: the file's agencies dropped in silence; the typo the fix refuses in a row's key
    passes at the file's top."""
    path = world.root / "them.yaml"
    path.write_text("agencise:\n  - code: '000.00.26.H06'\n    name: Sở Văn hóa tỉnh Bắc Giang\n"
                    "    mailbox: vanthu@svh.bacgiang.gov.vn\n", encoding="utf-8")
    line = _one_line_refusal(_run(world, "directory", "import", "--config", _cfg(world), str(path)))
    assert "agencise" in line, line


def test_a_yaml_directory_with_an_empty_agencies_key_is_one_line(tmp_path: Path) -> None:
    """GENUINE/SLIP. A directory.yaml holding `agencies:` and nothing under it yet (a file being filled). Expected: a
    DirectoryError (one line at the command line), or no agencies.
    FAULT: TypeError "'NoneType' object is not iterable" out of parse_directory: a traceback, not the one line."""
    from gateway.directory import DirectoryError

    try:
        entries = _parse(tmp_path, "d.yaml", "agencies:\n")
    except DirectoryError:
        return
    assert entries == []


def test_a_yaml_directory_with_an_empty_agencies_key_at_the_command_line(world: World) -> None:
    """GENUINE/SLIP. `directory import` of a directory.yaml whose `agencies:` is empty. Expected: one line, a non-zero
    exit or "0 agencies read"; never a traceback.
    FAULT: see the test above: the TypeError reaches the operator."""
    path = world.root / "them.yaml"
    path.write_text("agencies:\n", encoding="utf-8")
    done = _run(world, "directory", "import", "--config", _cfg(world), str(path))
    assert "Traceback" not in done.stderr and "TypeError" not in done.stderr, done.stderr[-1500:]
    assert done.returncode in (0, 2), (done.returncode, done.stderr[-800:])


# ================================================================================================== our row

def _directory(*rows: str) -> Any:
    from gateway.directory import AgencyEntry, Directory

    return Directory([AgencyEntry(code=c, name=n, mailbox=m) for c, n, m in (row.split(",") for row in rows)])


def test_guard_a_commune_sharing_its_mailbox_with_its_council_is_no_disagreement() -> None:
    """GUARD. Xã Tân Mỹ's HĐND runs the gateway; the directory gives the one office mailbox to the UBND xã (first) and
    the HĐND xã. Expected: no disagreement (our code is one of the mailbox's agencies)."""
    from gateway.directory import our_row_disagrees

    directory = _directory("000.01.40.H06,UBND xã Tân Mỹ,vanthu@tanmy.bacgiang.gov.vn",
                           "000.02.40.H06,HĐND xã Tân Mỹ,vanthu@tanmy.bacgiang.gov.vn")
    assert our_row_disagrees(directory, "000.02.40.H06", "vanthu@tanmy.bacgiang.gov.vn") is None


def test_guard_a_mailbox_in_capitals_is_the_directorys(world: World) -> None:
    """GUARD. A newcomer writes `agency.mailbox: VanThu@SNV.BacGiang.gov.vn` (as printed on the agency's letterhead).
    Expected: the same mailbox as the directory's row: `register list` works, exit 0."""
    world.extra["agency"] = {"mailbox": US["mailbox"].replace("vanthu@snv", "VanThu@SNV")}
    world.write_config()
    done = _run(world, "register", "list", "--config", _cfg(world))
    assert done.returncode == 0, done.stderr[-800:]


def test_guard_an_import_giving_our_mailbox_to_another_code_never_stops_the_gateway(world: World) -> None:
    """GUARD. The operator imports a province's new directory.csv in which our mailbox is another agency's row (a copied
    row, or a merger renumbering us). Expected: either `directory import` refuses it (exit 2), or the gateway still
    opens afterwards (the configured directory.csv read again at start): never an import said "ok" after which every
    command refuses to start."""
    path = world.root / "new.csv"
    path.write_text(f"code,name,mailbox\n000.00.51.H06,Sở Nội vụ tỉnh Bắc Giang (mới),{US['mailbox']}\n{ROW}\n",
                    encoding="utf-8")
    done = _run(world, "directory", "import", "--config", _cfg(world), str(path))
    after = _run(world, "register", "list", "--config", _cfg(world))
    assert after.returncode == 0 or done.returncode != 0, (done.returncode, done.stdout[-400:], after.stderr[-400:])


def test_guard_a_directory_without_our_row_still_opens(world: World) -> None:
    """GUARD. A directory.csv of the province's other agencies only (ours not listed). Expected: `register list` runs,
    exit 0 (nothing in it disagrees with our configuration)."""
    path = world.root / "directory.csv"
    path.write_text(f"code,name,mailbox\n{ROW}\n", encoding="utf-8")
    done = _run(world, "register", "list", "--config", _cfg(world))
    assert done.returncode == 0, done.stderr[-800:]


# ================================================================================================== configuration, CLI

@pytest.mark.parametrize("key,value,named", [
    ("storage", "", "storage"),
    ("office_hours", {"days": ["mon", "tue", "tue"]}, "office_hours.days"),
], ids=["empty-storage", "day-twice"])
def test_guard_a_slip_in_the_configuration_is_one_line(world: World, key: str, value: Any, named: str) -> None:
    """GUARD. `storage: ""`, a weekday given twice. Expected: one line naming the key, exit 2."""
    world.extra[key] = value
    world.write_config()
    line = _one_line_refusal(_run(world, "register", "list", "--config", _cfg(world)))
    assert named in line, line


def test_genuine_a_storage_folder_not_made_yet_is_accepted(world: World) -> None:
    """GENUINE. `storage: kho-van-ban` (a folder the README says is made on first use, not there yet). Expected:
    `register list` runs, exit 0."""
    world.extra["storage"] = "kho-van-ban"
    world.write_config()
    done = _run(world, "register", "list", "--config", _cfg(world))
    assert done.returncode == 0, done.stderr[-800:]


def test_guard_a_folder_as_the_printed_registers_file_is_refused_before_anything(world: World) -> None:
    """GUARD. `register print -o .` (the current folder). Expected: one line saying it is a folder, exit 2."""
    (world.root / "ra").mkdir()
    line = _one_line_refusal(_run(world, "register", "print", "--config", _cfg(world), "--year", "2026", "-o", "ra"))
    assert "folder" in line, line
