"""Red team 110: a newcomer and the provincial IT operator at the command line, README.md in hand. Every command of
"First steps" and "Commands" run as written on the demo's configuration, then given bad input: a config.yaml that is
malformed or not UTF-8, a directory file from a spreadsheet, nonsense years, numbers, dates and names. The rule: bad
input gets one clear line and a non-zero exit status, never a traceback, never a silent success, never lost data.
Each failing test is a fault found (its docstring says what was done, what happened and what was expected)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
import unicodedata
from typing import Any

import pytest

from world import GATEWAY, World, our_identifier

HUGE = "99999999999999999999"  # 20 digits: more than SQLite's 64-bit INTEGER
BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;"]
UNITS = [{"code": "VP", "name": "Văn phòng Sở", "mailbox": "vanphong@snv.bacgiang.gov.vn"},
         {"code": "TCCB", "name": "Phòng Tổ chức cán bộ", "mailbox": "tccb@snv.bacgiang.gov.vn"}]


def _run(world: World, *args: str, stdin: str | None = None, process: bool = False) -> subprocess.CompletedProcess[str]:
    if stdin is None:
        return world.run(*args, check=False, process=process)
    return subprocess.run([*GATEWAY, *args], input=stdin, capture_output=True, text=True, cwd=world.root, timeout=300)


def _refused_cleanly(done: subprocess.CompletedProcess[str], status: int | tuple[int, ...] = 2) -> None:
    """One line on stderr, no traceback, the documented non-zero status."""
    wanted = (status,) if isinstance(status, int) else status
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert done.returncode in wanted, (done.returncode, done.stdout[-500:], done.stderr[-1500:])
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]  # status says it on stdout
    assert len(lines) == 1, done.stderr[-1500:]


def _rows(world: World, sql: str) -> list[tuple[Any, ...]]:
    """The rows; none of a register the command refused before making it."""
    with sqlite3.connect(world.root / "qlvb.db") as db:
        try:
            return db.execute(sql).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise


def _cfg(world: World) -> str:
    return str(world.config_path)


def _edit_config(world: World, text: str) -> None:
    world.config_path.write_text(text, encoding="utf-8")


# ================================================================================================== the configuration

@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
def test_a_config_yaml_saved_in_a_windows_encoding_is_one_line_and_exit_2(world: World, encoding: str) -> None:
    """FAULT. Did: the operator edits config.yaml in Windows Notepad or an old editor, which saves it as UTF-16 (with
    its BOM) or in the Vietnamese code page cp1258; then `qlvb-gateway register list --config config.yaml` and
    `qlvb-gateway status --config config.yaml --json`.
    Happened: "ERROR qlvb-gateway: internal failure: 'utf-8' codec can't decode byte …" and a 30-line traceback, exit 1
    (status, a Nagios check, exit 1: a mere warning, not 4 nor 2).
    Expected (README, Commands: "2 bad usage or configuration (the message names the key)"; config.py: "A wrong key or
    value is a ConfigError"): one line saying config.yaml is not UTF-8 text, exit 2.
    Fault: gateway/config.py load_config reads with encoding="utf-8" and catches only yaml.YAMLError."""
    text = world.config_path.read_text(encoding="utf-8")
    world.config_path.write_bytes(unicodedata.normalize("NFD", text).encode(encoding, errors="replace"))
    for args in (("register", "list"), ("status", "--json")):
        _refused_cleanly(_run(world, *args, "--config", _cfg(world)))


def test_a_yaml_mistake_in_config_yaml_is_said_in_one_line(world: World) -> None:
    """FAULT (minor). Did: a bracket left open in config.yaml (`agency: [1`), then `register list`.
    Happened: exit 2, but PyYAML's message over seven lines ("while parsing a flow sequence / in "<unicode string>" … ^").
    Expected (README, Installing: "refused at the start, one line naming the key, exit 2"): one line with the line and
    column ("config.yaml: not valid YAML at line 1, column 9: expected ',' or ']'").
    Fault: gateway/config.py load_config puts str(YAMLError) in the message as it is."""
    _edit_config(world, world.config_path.read_text(encoding="utf-8") + "extra: [1\n")
    _refused_cleanly(_run(world, "register", "list", "--config", _cfg(world)))


def test_a_key_given_twice_in_config_yaml_is_refused(world: World) -> None:
    """FAULT. Did: the operator follows README's "Installing for real" (`database: "sqlite:////var/lib/…"`) by adding
    the line at the end of the copied sample, whose own `database:` line stays at the top; here the file names two
    registers. `status --config config.yaml`.
    Happened: the last `database:` silently wins (PyYAML keeps the last of two equal keys): no word of the other;
    another sample key left above an added one (`storage:`, `directory:`) is dropped the same way.
    Expected (config.yaml's header: "A wrong key or value stops the gateway with a message naming the key"): a key
    given twice is a configuration error naming it, exit 2.
    Fault: gateway/config.py load_config (yaml.safe_load); a SafeLoader whose construct_mapping refuses a repeated key."""
    text = world.config_path.read_text(encoding="utf-8")
    _edit_config(world, text + 'database: "sqlite:///other.db"\n')
    done = _run(world, "register", "list", "--config", _cfg(world))
    _refused_cleanly(done)
    assert "database" in done.stderr


@pytest.mark.parametrize("url", ["sqlite:qlvb.db", "sqlite://qlvb.db", "sqlite:/qlvb.db"])
def test_a_mistyped_sqlite_url_is_a_configuration_error(world: World, url: str) -> None:
    """FAULT. Did: `database: "sqlite:qlvb.db"` (or with two slashes, one slash: the README's form has three), then
    `register list` and `status --json`.
    Happened: "internal failure: Could not parse SQLAlchemy URL" / "Invalid SQLite URL" with SQLAlchemy's traceback,
    exit 1, `status` included (README: a register it cannot read is one line `database: …` and exit 4).
    Expected: `database: must be sqlite:///FILE or postgresql+psycopg://…`, exit 2 (the validator's own message).
    Fault: gateway/config.py Config._database accepts anything starting "sqlite:"; check it with sqlalchemy's make_url
    and require the sqlite:/// form."""
    world.extra["database"] = url
    world.write_config()
    for args in (("register", "list"), ("status", "--json")):
        done = _run(world, *args, "--config", _cfg(world))
        _refused_cleanly(done, (2, 4))
        assert "database" in done.stderr + done.stdout


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_register_in_memory_is_refused_not_numbered_and_lost(world: World, url: str) -> None:
    """FAULT (data lost). Did: `database: "sqlite://"` (SQLAlchemy's in-memory form; the README's comment shows
    `sqlite:///qlvb.db`), then `qlvb-gateway ingest --config config.yaml --json mail.eml`.
    Happened: accepted, registered with incoming number 1, exit 0: the register lived in the process's memory and was
    gone at its exit (the acknowledgement queued in it too); `register list` afterwards: "no register", the store
    holding the document's files.
    Expected ("Nothing is lost"): a register that cannot outlive the command is a configuration error, exit 2.
    Fault: gateway/config.py Config._database lets ":memory:" (and the empty path) through on purpose."""
    world.extra["database"] = url
    world.write_config()
    mail = world.mail("m1", attachments=[("cv.pdf", world.signed("stp"))])
    done = _run(world, "ingest", "--config", _cfg(world), "--json", str(mail))
    assert done.returncode == 2 and "database" in done.stderr, (done.returncode, done.stdout[:300], done.stderr[-800:])


@pytest.mark.parametrize(("key", "value"), [
    ("smtp", {"host": "127.0.0.1", "port": 99999, "security": "none"}),
    ("listener", {"protocol": "lmtp", "port": 70000}),
    ("notify", {"clerk": ["van thu tai snv.bacgiang.gov.vn"]}),
    ("notify", {"urgent": ["lanhdao"]}),
])
def test_a_port_out_of_range_or_a_notify_entry_that_is_no_address_is_refused(world: World, key: str, value: Any) -> None:
    """FAULT. Did: `smtp.port: 99999`, `listener.port: 70000`, `notify.clerk: ["van thu tai snv…"]`,
    `notify.urgent: ["lanhdao"]` (typos), then `register list --config config.yaml`.
    Happened: exit 0; the gateway starts with them (`run` connects its Maildir and says "gateway started"): every
    answer then fails at the SMTP server, every clerk's alert and urgent alert goes to no address.
    Expected: refused at the start naming the key, exit 2, as `web.port` (ge=1, le=65535), `metrics.port`,
    `units.*.mailbox` and `agency.mailbox` (must be an e-mail address) already are.
    Fault: gateway/config.py MailServer.port and Listener.port (plain int) and Notify.clerk/urgent (list[str], not
    Mailbox)."""
    if key == "listener":
        world.extra["mailboxes"] = [{"name": "vanthu", "imap": {"host": "127.0.0.1", "port": 1143, "security": "none"}}]
    world.extra[key] = value
    world.write_config()
    done = _run(world, "register", "list", "--config", _cfg(world))
    _refused_cleanly(done)
    assert key in done.stderr


# ================================================================================================== the directory file

@pytest.mark.parametrize("how", ["utf-16", "cp1258", "broken-yaml", "yaml-row-without-name"])
def test_a_directory_file_that_cannot_be_read_is_one_line_and_exit_2(world: World, how: str) -> None:
    """FAULT. Did: `qlvb-gateway directory import --config config.yaml FILE` with the directory exported from Excel as
    "Unicode text" (UTF-16) or in cp1258, a YAML directory with a bracket left open, and a YAML row with code and
    mailbox but no name; and the same files as the configuration's `directory:` (read by every command).
    Happened: "internal failure: 'utf-8' codec can't decode byte 0xff …", "internal failure: while parsing a flow
    sequence …", "internal failure: 'name'" each with a traceback, exit 1.
    Expected: one line naming the file (and the row), exit 2, as a CSV without its header already is ("the header
    must be code,name,mailbox,…") and a row without code says "code, name and a mailbox address are required".
    Fault: gateway/directory.py parse_directory (UnicodeDecodeError, yaml.YAMLError and row["name"] not turned into
    DirectoryError)."""
    good = (world.root / "directory.csv").read_text(encoding="utf-8")
    if how == "utf-16":
        path = world.root / "danhba.csv"
        path.write_bytes(good.encode("utf-16"))
    elif how == "cp1258":
        path = world.root / "danhba.csv"
        path.write_bytes(good.replace("Bắc Giang", "Bac Giang").replace("ỦY BAN NHÂN DÂN", "UY BAN NHAN DAN")
                         .replace("Tư pháp", "T\u01b0 ph\u00e1p").encode("cp1258", errors="replace"))
    elif how == "broken-yaml":
        path = world.root / "danhba.yaml"
        path.write_text("- code: 000.00.20.H06\n  name: [Sở Y tế\n", encoding="utf-8")
    else:
        path = world.root / "danhba.yaml"
        path.write_text('- code: "000.00.20.H06"\n  mailbox: vanthu@syt.bacgiang.gov.vn\n', encoding="utf-8")
    _refused_cleanly(_run(world, "directory", "import", "--config", _cfg(world), str(path)))
    world.extra["directory"] = path.name
    world.write_config()
    _refused_cleanly(_run(world, "register", "list", "--config", _cfg(world)))


def test_a_directory_row_without_a_name_is_refused_as_its_message_says(world: World) -> None:
    """FAULT. Did: `directory import` of a CSV whose row has code and mailbox and an empty name
    (`000.00.98.H06,,vanthu@syt.bacgiang.gov.vn`).
    Happened: "1 agencies read, 1 added or changed", exit 0: an agency named "" in the directory (the recipient of
    letters, an issuer the decisions name by nothing).
    Expected: the rule parse_directory states itself, "row 2: code, name and a mailbox address are required", exit 2.
    Fault: gateway/directory.py parse_directory checks code and mailbox only."""
    path = world.root / "them.csv"
    path.write_text("code,name,mailbox\n000.00.98.H06,,vanthu@syt.bacgiang.gov.vn\n", encoding="utf-8")
    done = _run(world, "directory", "import", "--config", _cfg(world), str(path))
    _refused_cleanly(done)
    assert _rows(world, "SELECT code FROM agencies WHERE code = '000.00.98.H06'") == []


# ================================================================================================== numbers and years

@pytest.mark.parametrize("args", [
    ("review", "show", HUGE), ("review", "release", HUGE), ("review", "discard", HUGE),
    ("register", "list", "--year", HUGE), ("sent", "--year", HUGE), ("pass", "list", "--year", HUGE),
    ("pass", HUGE, "--lead", "VP"), ("pass", "1", "--lead", "VP", "--year", HUGE),
    ("pass", "received", HUGE, "--unit", "VP"),
    ("recall", HUGE, "--reason", "Gửi nhầm"),
], ids=lambda a: "-".join(a).replace(HUGE, "HUGE"))
def test_a_number_too_large_for_the_register_is_one_line_and_exit_2(world: World, args: tuple[str, ...]) -> None:
    """FAULT. Did: a mail id, an incoming number, a year or an outgoing id of 20 digits (a number pasted twice, a
    barcode): `review show 99999999999999999999 --config config.yaml`, `register list --year …`, `sent --year …`,
    `pass … --lead VP`, `recall 99999999999999999999 --reason …`.
    Happened: "internal failure: Python int too large to convert to SQLite INTEGER" and a traceback, exit 1.
    Expected: "99999999999999999999: no such mail" (as `review show 99` says), exit 2.
    Fault: gateway/cli.py: the ids, numbers and years are click type=int; click.IntRange(1, 2**63 - 1) (years 1..9999),
    and recall_outgoing's id lookup in gateway/exchange/recall.py."""
    world.extra["units"] = UNITS
    world.write_config()
    _refused_cleanly(_run(world, *args, "--config", _cfg(world)))


@pytest.mark.parametrize("year", ["0", "-1"])
def test_closing_year_0_is_one_line_and_exit_2(world: World, year: str) -> None:
    """FAULT. Did: `qlvb-gateway register close --config config.yaml --year 0` (and -1).
    Happened: "internal failure: year 0 is out of range" with a traceback, exit 1.
    Expected: "--year 0: …", exit 2, as `--year 99999` says "the year is not over".
    Fault: gateway/cli.py register_close (registry.closed_years.year_over builds date(year, …)); IntRange on --year."""
    _refused_cleanly(_run(world, "register", "close", "--config", _cfg(world), "--year", year))


@pytest.mark.parametrize("args", [
    ("register", "print", "--year", "99999", "-o", "so.pdf"), ("register", "print", "--year", "0", "-o", "so.pdf"),
    ("register", "export", "--year", "99999", "--format", "xlsx", "-o", "so.xlsx"),
    ("register", "print", "--year", "2026", "--volume", "-3", "-o", "so.pdf"),
], ids=["print-99999", "print-0", "export-99999", "volume-minus-3"])
def test_a_printed_register_of_no_year_or_a_negative_volume_is_refused(world: World, args: tuple[str, ...]) -> None:
    """FAULT. Did: `register print --config config.yaml --year 99999 -o so-den.pdf` (a typo for 2026), `--year 0`,
    `register export … --year 99999`, and `--volume -3`.
    Happened: exit 0, "so.pdf: 0 văn bản": a cover "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN / Năm: 0" (or 99999) with its empty table,
    and a cover "Quyển số: -3"; nothing says the year cannot be.
    Expected (README: "exit 2 on a day outside the year …"): a year no register can have (no calendar year, or before
    the gateway could have numbered anything) and a volume under 1 are refused, exit 2.
    Fault: gateway/cli.py register_output (--year type=int, --volume type=int): IntRange(1970, 9999), IntRange(1)."""
    done = _run(world, *args, "--config", _cfg(world))
    _refused_cleanly(done)
    assert not (world.root / args[-1]).exists()


# ================================================================================================== register add

@pytest.mark.parametrize("received", ["0001-01-01", "0226-12-01T09:00", "1900-03-05T09:00"])
def test_a_paper_document_received_in_a_year_no_register_has_is_refused(world: World, received: str) -> None:
    """FAULT. Did: `register add --config config.yaml --issuer "Sở Tư pháp" --number 1/STP --summary x --received-at
    0226-12-01T09:00` (a typo for 2026), 0001-01-01, 1900-03-05.
    Happened: "Đã vào sổ: số đến 1/226", exit 0: number 1 of a register of the year 226 (1/1 for year 1), which
    `register list` now shows first; the document is in no register the clerk prints.
    Expected: refused, exit 2, as a --received-at in the future is (README: dates outside 1970–2999 are ignored at
    intake; the paper register should take none).
    Fault: gateway/cli.py register_add checks only the future."""
    done = _run(world, "register", "add", "--config", _cfg(world), "--issuer", "Sở Tư pháp", "--number", "1/STP",
                "--summary", "Giấy mời", "--received-at", received)
    _refused_cleanly(done)
    assert _rows(world, "SELECT year, arrival_number FROM documents") == []


@pytest.mark.parametrize(("issuer", "number", "summary"), [("", "", ""), ("   ", " ", " "), ("Sở Tư pháp", "", "x")])
def test_a_paper_document_without_issuer_number_or_summary_is_refused(world: World, issuer: str, number: str,
                                                                        summary: str) -> None:
    """FAULT. Did: `register add --config config.yaml --issuer "" --number "" --summary ""` (a script whose variables
    were empty), and the same with spaces.
    Happened: "Đã vào sổ: số đến 1/2026", exit 0: a line of the register with no author, no số ký hiệu, no summary,
    which takes the year's next number for good (numbers are never given back).
    Expected: the three required options refused when blank, exit 2.
    Fault: gateway/cli.py register_add (click's required=True lets an empty string through)."""
    done = _run(world, "register", "add", "--config", _cfg(world), "--issuer", issuer, "--number", number,
                "--summary", summary)
    _refused_cleanly(done)
    assert _rows(world, "SELECT arrival_number FROM documents") == []


# ================================================================================================== register close

def test_register_close_with_an_output_it_cannot_write_closes_nothing(world: World) -> None:
    """FAULT. Did: `register close --config config.yaml --year 2025 -o /nonexistent/so-den-2025.pdf`.
    Happened: "Sổ năm 2025 đã khóa: …" then "…: No such file or directory", exit 2: the year is closed (audit log,
    `register add --received-at 2025-…` now refused) though exit 2 is "bad usage" (nothing done).
    Expected: the output checked before the year is closed (as `register print` refuses it), nothing closed, exit 2.
    Fault: gateway/cli.py register_close (close_year committed before _write)."""
    done = _run(world, "register", "close", "--config", _cfg(world), "--year", "2025", "-o",
                str(world.root / "nonexistent" / "so-den-2025.pdf"))
    assert done.returncode == 2
    assert _rows(world, "SELECT year FROM closed_years") == []


# ================================================================================================== passing on

def test_pass_list_of_a_unit_is_the_same_in_any_case_and_an_unknown_unit_is_refused(world: World) -> None:
    """FAULT. Did: `pass 1 --lead VP`, then `pass list --config config.yaml --unit vp` (and `--unit VPP`, a typo).
    Happened: "Không có văn bản nào đã chuyển.", exit 0, both times: `pass done 1 --unit vp`, `pass --lead vp` and
    units: (README: "the same code in any case") take the code in any case, `pass list` compares it exactly; an
    unknown unit is said to have nothing.
    Expected: `--unit vp` lists VP's document; `--unit VPP` is "không có đơn vị VPP; các đơn vị: VP, TCCB", exit 2, as
    `pass --lead XX` says.
    Fault: gateway/passing.py tasks (Assignment.unit_code == unit) and gateway/cli.py pass_list (no check of the unit)."""
    world.extra["units"] = UNITS
    world.write_config()
    _run(world, "register", "add", "--config", _cfg(world), "--issuer", "Sở Tư pháp", "--number", "12/STP",
         "--summary", "Giấy mời họp", "--received-at", "2026-12-02T09:00")
    year = _rows(world, "SELECT year FROM documents")[0][0]
    world.run("pass", "1", "--year", str(year), "--lead", "VP", "--config", _cfg(world))
    listed = _run(world, "pass", "list", "--config", _cfg(world), "--unit", "vp", "--json")
    assert [json.loads(line)["unit"] for line in listed.stdout.splitlines()] == ["VP"]
    _refused_cleanly(_run(world, "pass", "list", "--config", _cfg(world), "--unit", "VPP"))


# ================================================================================================== recall

def test_a_recall_without_a_reason_is_refused(world: World) -> None:
    """FAULT. Did: `qlvb-gateway send --config config.yaml out.pdf`, then `recall --config config.yaml ID --reason ""`
    (a script whose $REASON was empty).
    Happened: "Đã xếp thông báo thu hồi … vào hàng gửi đến: vanthu@sotp…", exit 0: the edXML 13 notice queued with an
    empty reason, the document marked recalled for good (a second recall: "recalled already"); the recipient's gateway
    destroys its copy without being told why.
    Expected: `--reason` is required (README: `recall --config C ID --reason …`), so a blank one is refused, exit 2,
    nothing recalled.
    Fault: gateway/cli.py recall (and review return's --reason alike) / gateway/exchange/recall.py recall_outgoing."""
    path = world.root / "out.pdf"
    path.write_bytes(world.document(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=BLOCK, kinh_gui=["Sở Tư pháp"]))
    world.run("send", "--config", _cfg(world), str(path), "--json")
    done = _run(world, "recall", "--config", _cfg(world), our_identifier(1), "--reason", " ")
    _refused_cleanly(done)
    assert [state for (state,) in _rows(world, "SELECT state FROM outgoing_documents")] == ["sent"]


# ================================================================================================== people

@pytest.mark.parametrize("twin", [unicodedata.normalize("NFD", "nguyễn.lan"), "nguyễn.l\u200ban"], ids=["NFD", "ZWSP"])
def test_a_second_person_whose_name_looks_the_same_is_refused(world: World, twin: str) -> None:
    """FAULT. Did: `echo 'mat-khau-thu' | qlvb-gateway user add --config config.yaml nguyễn.lan --role viewer`, then
    the same name typed on a machine that sends it decomposed (NFD: "e" + U+0302 + U+0303, as macOS does) or pasted
    with a zero-width space, `--role clerk`.
    Happened: both added, exit 0: `user list` shows two people "nguyễn.lan", one a viewer and one a clerk; the audit
    log's actor names (and `user disable nguyễn.lan`) cannot tell them apart.
    Expected: the name taken ("there is already a person of this name", exit 2), or refused for its invisible
    character; names kept NFC.
    Fault: registry/people.py add_person (no NFC, no check for format characters: vntext.visible)."""
    first = _run(world, "user", "add", "--config", _cfg(world), "nguyễn.lan", "--role", "viewer", stdin="mat-khau-thu\n")
    assert first.returncode == 0, first.stderr
    second = _run(world, "user", "add", "--config", _cfg(world), twin, "--role", "clerk", stdin="mat-khau-thu\n")
    _refused_cleanly(second)


# ================================================================================================== status

def test_status_after_a_clean_stop_says_not_watched_even_when_the_mailbox_was_failing(world: World) -> None:
    """FAULT. Did: a Maildir path with a typo (`maildir: NoMaildirHere`), `qlvb-gateway run`, SIGTERM after its first
    back-off ("gateway stopped" in its log), then `status --config config.yaml --json`.
    Happened: `"watched": true` ("theo dõi: có"), and exit 0 for up to poll + seconds_per_mail + alert_after_seconds
    (20 minutes by default) with no daemon running.
    Expected (README, Monitoring: "`watched: false` at once after a clean stop"): watched false at once.
    Fault: gateway/mailbox_state.py Disconnected (a stop writes no error, keeps the last one) and
    gateway/monitoring.py _mailbox (watched = connected or error is not None): a clean stop must be recorded as such."""
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "NoMaildirHere", "poll_seconds": 1}]
    world.write_config()
    daemon = subprocess.Popen([*GATEWAY, "run", "--config", _cfg(world)], cwd=world.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (world.root / "qlvb.db").exists() and _rows(world, "SELECT name FROM sqlite_master WHERE name='mailbox_state'") \
                    and _rows(world, "SELECT last_error FROM mailbox_state WHERE last_error IS NOT NULL"):
                break
            time.sleep(0.3)
        else:
            pytest.fail("the daemon never wrote its failure")
    finally:
        daemon.send_signal(signal.SIGTERM)
        log, _ = daemon.communicate(timeout=60)
    assert daemon.returncode == 0 and "gateway stopped" in log, log[-2000:]
    status = world.run("status", "--config", _cfg(world), "--json", check=False)
    [mailbox] = json.loads(status.stdout)["mailboxes"]
    assert mailbox["watched"] is False, mailbox


# ================================================================================================== minor

@pytest.mark.parametrize("issued", ["9999-12-31", "2999-01-01"])
def test_a_paper_document_dated_after_its_receipt_is_refused(world: World, issued: str) -> None:
    """FAULT (minor). Did: `register add --config config.yaml --issuer "Sở Tư pháp" --number 2/STP --summary x --date
    9999-12-31` (a date the clerk mistyped; the receipt is now).
    Happened: "Đã vào sổ: số đến 1/…", exit 0: column 5 of the printed register says the letter was issued on
    31/12/9999, after it was received.
    Expected: a document's date after its receipt refused, exit 2, as a --received-at in the future is.
    Fault: gateway/cli.py register_add (only date.fromisoformat)."""
    done = _run(world, "register", "add", "--config", _cfg(world), "--issuer", "Sở Tư pháp", "--number", "2/STP",
                "--summary", "Giấy mời", "--date", issued)
    _refused_cleanly(done)


def test_user_disable_says_what_it_did_and_a_second_disable_says_so(world: World) -> None:
    """FAULT (minor). Did: `user disable --config config.yaml lan`, twice.
    Happened: nothing printed either time, exit 0 both times (the second changed nothing).
    Expected: a line saying lan is disabled (as `review return` and `discard` were made to say, "a newcomer's ran and
    printed nothing"), and the second saying lan was disabled already.
    Fault: gateway/cli.py user_disable (prints nothing) / registry/people.py disable_person."""
    _run(world, "user", "add", "--config", _cfg(world), "lan", "--role", "clerk", stdin="mat-khau-thu\n")
    first = _run(world, "user", "disable", "--config", _cfg(world), "lan")
    second = _run(world, "user", "disable", "--config", _cfg(world), "lan")
    assert first.returncode == 0 and first.stdout.strip(), (first.stdout, first.stderr)
    assert second.stdout.strip() or second.stderr.strip(), "the second disable said nothing"


def test_send_of_a_picture_says_it_is_not_a_pdf(world: World) -> None:
    """FAULT (minor). Did: `qlvb-gateway send --config config.yaml 45-SNV-VP-trang-1.png --dry-run` (the demo's picture
    of page 1, beside the PDF, picked by tab completion).
    Happened: "qlvb-gateway: …png: not read (AssertionError: )", exit 2.
    Expected: what `parse` says of the same file: "not a PDF (no %PDF- header)".
    Fault: gateway/outgoing/send.py (the worker's reading of a non-PDF; no %PDF- check as cli.parse has)."""
    from PIL import Image

    picture = world.root / "trang-1.png"
    Image.new("RGB", (60, 80), "white").save(picture)
    done = _run(world, "send", "--config", _cfg(world), str(picture), "--dry-run")
    _refused_cleanly(done)
    assert "PDF" in done.stderr and "AssertionError" not in done.stderr, done.stderr


def test_office_hours_without_a_working_day_is_refused_at_the_start(world: World) -> None:
    """FAULT. Did: `office_hours: {days: []}` in config.yaml (an operator wanting "no office hours": mail received when
    it comes), then `register list` (accepted, exit 0), `qlvb-gateway run` (starts: "gateway started", "connected"),
    `ingest --json` of a genuine signed letter from Sở Tư pháp's proven mailbox, and `register add`.
    Happened: the letter `quarantined` with `processing-failed` ("ValueError: no working day within a year: check
    office_hours" and a traceback in the log): every good letter the daemon takes is held so, the clerk alerted for
    each; `register add` ends with a traceback, exit 1.
    Expected: refused at the start naming `office_hours.days`, exit 2 (README: "Mistakes in the configuration are
    refused at the start, one line naming the key").
    Fault: gateway/config.py OfficeHours.days (no min_length=1; the calendar's "a working day within a year" check is
    made only per mail in gateway/intake/office_hours.py received_at)."""
    world.extra["office_hours"] = {"days": []}
    world.write_config()
    done = _run(world, "register", "list", "--config", _cfg(world))
    _refused_cleanly(done)
    assert "office_hours" in done.stderr


@pytest.mark.parametrize("command", [("register", "print"), ("register", "export", "--format", "xlsx")],
                         ids=["print", "export"])
def test_the_printed_register_never_overwrites_the_register_itself(world: World, command: tuple[str, ...]) -> None:
    """FAULT (the register lost). Did: in the agency's folder (as README's First steps run commands from the folder
    beside demo-out/), `qlvb-gateway register print --config config.yaml --year 2026 -o qlvb.db` (tab completion of
    "q…" gives the register's file; `register export … -o qlvb.db` and `register close … -o qlvb.db` alike).
    Happened: "qlvb.db: 1 văn bản, số 1 đến 1", exit 0: the SQLite register overwritten by the PDF (`file qlvb.db`: PDF
    document); every later command: "file is not a database"; the year's numbers, the people, the outbox gone.
    Expected: an output that is the register's file (or the configuration, the directory, a file of the store) refused,
    exit 2, nothing written; better, the PDF written beside and renamed, and never over a file that is not one.
    Fault: gateway/cli.py _write (Path(output).write_bytes with no check of what it overwrites)."""
    world.run("register", "add", "--config", _cfg(world), "--issuer", "Sở Tư pháp", "--number", "12/STP",
              "--summary", "Giấy mời họp", "--received-at", "2026-12-02T09:00")
    year = str(_rows(world, "SELECT year FROM documents")[0][0])
    done = _run(world, *command, "--config", _cfg(world), "--year", year, "-o", "qlvb.db")
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr[-800:])
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


def test_a_register_file_that_is_not_a_database_is_one_line(world: World) -> None:
    """FAULT. Did: the register's file replaced by another file (here by the printed register, the fault above; a
    restore of the wrong file does the same), then `qlvb-gateway register list --config config.yaml`.
    Happened: "internal failure: (sqlite3.DatabaseError) file is not a database" and a 120-line traceback, exit 1
    (`status` says it in one line: "database: cannot connect: file is not a database").
    Expected: one line, "database: cannot open the register: file is not a database", exit 1, as main() says an
    OperationalError.
    Fault: gateway/cli.py main catches sqlalchemy's OperationalError, not its parent DatabaseError."""
    world.run("user", "list", "--config", _cfg(world))  # the register made
    (world.root / "qlvb.db").write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    for suffix in ("-wal", "-shm"):
        (world.root / f"qlvb.db{suffix}").unlink(missing_ok=True)
    _refused_cleanly(_run(world, "register", "list", "--config", _cfg(world)), 1)


def test_a_wrong_signing_key_password_is_one_line(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """FAULT (minor). Did: QLVB_P12_PASSWORD set to a wrong password (a typo in /etc/qlvb-gateway/env), then
    `qlvb-gateway send --config config.yaml out.pdf` of a letter all of whose entries resolve.
    Happened: the last line is right ("signing.pkcs12: cannot open …/agency.p12 (wrong password?)", exit 2), but
    pyHanko's logger prints "ERROR pyhanko.sign.signers.pdf_cms: Could not load key material" and a 15-line traceback
    before it; and `web` (and `run`) start with the wrong password, only its variable being set being checked, so the
    clerk's "Ký số và gửi" is the first to find it.
    Expected: one line (the gateway's), exit 2; the key opened at `web`/`run` start as its variable is read.
    Fault: gateway/outgoing/signing.py (pyHanko's log not silenced around load_pkcs12) and gateway/config.py
    check_secrets (reads the password, never opens the key)."""
    from kit import seal_png

    keys = world.root / "keys"
    keys.mkdir(exist_ok=True)
    (keys / "seal.png").write_bytes(seal_png())
    identity = world.pki.signers.get("Sở Nội vụ tỉnh Bắc Giang") or world.pki.signer("Sở Nội vụ tỉnh Bắc Giang",
                                                                                    "Sở Nội vụ tỉnh Bắc Giang")
    (keys / "agency.p12").write_bytes(world.pki.pkcs12(identity, b"p12-secret"))
    monkeypatch.setenv("QLVB_P12_PASSWORD", "p12-secreT")
    world.extra["signing"] = {"pkcs12": "keys/agency.p12", "password_env": "QLVB_P12_PASSWORD",
                              "appearance": {"seal_image": "keys/seal.png"}}
    world.write_config()
    path = world.root / "out.pdf"
    path.write_bytes(world.document(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=BLOCK, kinh_gui=["Sở Tư pháp"]))
    done = _run(world, "send", "--config", _cfg(world), str(path), process=True)  # as the operator runs it
    _refused_cleanly(done)
