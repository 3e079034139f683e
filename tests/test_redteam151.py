"""Red team 151: a newcomer (a provincial IT officer setting the gateway up from README.md) and the operator of a small
agency at the command line: the configuration and the directory file as a person writes them, `status` after the
daemon stops, the register's printed volume and its closing, the JSON the README promises. The rule: bad input gets
one clear line and a non-zero exit status, never a traceback, never a silent success, never a lost or repeated number.
Each test's docstring says who did what and what was expected; a FAULT's says what happened instead."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from typing import Any

import pytest

from test_redteam110 import _rows
from world import GATEWAY, STP, World

BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;"]


def _run(world: World, *args: str, stdin: str | None = None, process: bool = False) -> subprocess.CompletedProcess[str]:
    if stdin is None:
        return world.run(*args, check=False, process=process)
    return subprocess.run([*GATEWAY, *args], input=stdin, capture_output=True, text=True, cwd=world.root, timeout=120)


def _cfg(world: World) -> str:
    return str(world.config_path)


def _one_line_refusal(done: subprocess.CompletedProcess[str], status: int = 2) -> str:
    """One line on stderr, no traceback, the documented non-zero status; the line returned."""
    assert "Traceback" not in done.stderr, done.stderr[-1500:]
    assert done.returncode == status, (done.returncode, done.stdout[-500:], done.stderr[-1500:])
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr[-1500:]
    return lines[0]


def _paper(world: World, number: str, *, config: str | None = None, received: str = "2026-12-07T10:00",
           summary: str = "V/v tổ chức hội nghị") -> subprocess.CompletedProcess[str]:
    return _run(world, "register", "add", "--config", config or _cfg(world), "--issuer", "UBND tỉnh Bắc Giang",
                "--number", number, "--summary", summary, "--received-at", received)


def _directory_file(world: World, name: str, text: str) -> str:
    path = world.root / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _import_refused(world: World, name: str, text: str) -> str:
    """`directory import` of a file `name` holding `text`: refused in one line, the line returned."""
    path = _directory_file(world, name, text)
    return _one_line_refusal(_run(world, "directory", "import", "--config", _cfg(world), path))


# ================================================================================================== the directory file

@pytest.mark.parametrize("name,text", [
    ("them.csv", "code,name,mailbox,alias,group\n"
                 "000.00.20.H06,Sở Y tế tỉnh Bắc Giang,vanthu@syt.bacgiang.gov.vn,Sở Y tế,\"Sở, ban, ngành\"\n"),
    ("them.yaml", "- code: \"000.00.20.H06\"\n  name: Sở Y tế tỉnh Bắc Giang\n  mailbox: vanthu@syt.bacgiang.gov.vn\n"
                  "  alias: [Sở Y tế]\n  group: [\"Sở, ban, ngành\"]\n"),
], ids=["csv", "yaml"])
def test_a_directory_column_with_a_typo_in_its_name_is_refused(world: World, name: str, text: str) -> None:
    """OPERATOR. Did: `directory import` of a CSV whose header reads `code,name,mailbox,alias,group` (the singular, a
    typo for `aliases,groups`, which the README lists as the optional columns), and of a YAML file with the same keys.
    Happened: "1 agencies read, 1 added or changed", exit 0: the two columns dropped in silence, so the agency is in
    no group and has none of its aliases ("Sở Y tế" in a Nơi nhận block no longer finds it; a letter "Các Sở, ban,
    ngành" leaves it out).
    Expected: a column the gateway does not know is one line naming it (as a config key's typo is: "unknown key (did
    you mean …?)"), exit 2, nothing imported."""
    line = _import_refused(world, name, text)
    assert "alias" in line, line
    assert _rows(world, "SELECT code FROM agencies WHERE code = '000.00.20.H06'") == []


def test_a_directory_header_naming_a_column_twice_is_refused(world: World) -> None:
    """OPERATOR. Did: `directory import` of a CSV whose header is `code,name,mailbox,mailbox` (a spreadsheet where a
    second mailbox was added as a column of the same name), the row giving two addresses.
    Happened: exit 0, the agency's mailbox the second column's in silence (the first, the real clerk mailbox, lost):
    its proven mail is then "outside the directory" and our letters go to the other address.
    Expected: a header naming a column twice is one line naming it, exit 2 (as a key given twice in config.yaml is
    refused: README, Installing for real)."""
    line = _import_refused(world, "them.csv", "code,name,mailbox,mailbox\n"
                           "000.00.26.H06,Sở Văn hóa tỉnh Bắc Giang,vanthu@svh.bacgiang.gov.vn,kho@svh.bacgiang.gov.vn\n")
    assert "mailbox" in line, line
    assert _rows(world, "SELECT mailbox FROM agencies WHERE code = '000.00.26.H06'") == []


def test_a_directory_row_with_more_cells_than_its_header_is_refused(world: World) -> None:
    """OPERATOR. Did: `directory import` of a CSV written by hand, its groups cell `Sở, ban, ngành` not quoted:
    `000.00.27.H06,Sở Tài nguyên tỉnh Bắc Giang,vanthu@stnmt.bacgiang.gov.vn,Sở TNMT,Sở, ban, ngành`.
    Happened: exit 0; the row's last two cells dropped in silence, the agency in a group named "Sở" (a letter to "Các
    Sở, ban, ngành" leaves it out).
    Expected: a row with more cells than the header is one line naming the row, exit 2 (the README: "separated by
    commas"; a cell holding a comma must be quoted, and the gateway can tell when it was not)."""
    line = _import_refused(world, "them.csv", "code,name,mailbox,aliases,groups\n"
                           "000.00.27.H06,Sở Tài nguyên tỉnh Bắc Giang,vanthu@stnmt.bacgiang.gov.vn,Sở TNMT,Sở, ban, ngành\n")
    assert "2" in line, line
    assert _rows(world, "SELECT groups FROM agencies WHERE code = '000.00.27.H06'") == []


def test_a_directory_exported_with_a_bom_and_crlf_is_read_as_written(world: World) -> None:
    """GUARD. NEWCOMER. Did: `directory import` of the directory saved by Excel as "CSV UTF-8" (a byte-order mark, CRLF
    line ends), then `directory resolve "Sở Y tế" --json`.
    Expected: the row read whole (its code without the BOM, its mailbox without the CR) and the entry resolved."""
    path = world.root / "excel.csv"
    path.write_bytes("\ufeffcode,name,mailbox,aliases\r\n000.00.20.H06,Sở Y tế tỉnh Bắc Giang,vanthu@syt.bacgiang.gov.vn,"
                     "Sở Y tế\r\n".encode())
    world.run("directory", "import", "--config", _cfg(world), str(path))
    done = world.run("directory", "resolve", "--config", _cfg(world), "Sở Y tế", "--json")
    answer = json.loads(done.stdout)
    assert answer["status"] == "resolved", answer
    assert answer["agencies"] == [{"code": "000.00.20.H06", "name": "Sở Y tế tỉnh Bắc Giang",
                                   "mailbox": "vanthu@syt.bacgiang.gov.vn"}]


@pytest.mark.parametrize("row", ["000.00.21.H06,Sở Xây dựng tỉnh Bắc Giang,", "000.00.21.H06,Sở Xây dựng tỉnh Bắc Giang,Văn thư"],
                         ids=["empty", "no-address"])
def test_a_directory_row_whose_mailbox_is_empty_or_no_address_is_refused(world: World, row: str) -> None:
    """GUARD. OPERATOR. Did: `directory import` of a row whose mailbox cell is empty, or holds a person's name.
    Expected: one line naming the row, exit 2, nothing imported."""
    path = _directory_file(world, "them.csv", f"code,name,mailbox\n{row}\n")
    line = _one_line_refusal(_run(world, "directory", "import", "--config", _cfg(world), path))
    assert "row 2" in line, line
    assert _rows(world, "SELECT code FROM agencies WHERE code = '000.00.21.H06'") == []


def test_a_directory_file_giving_one_code_twice_names_both_rows(world: World) -> None:
    """GUARD. OPERATOR. Did: `directory import` of a file giving one code in rows 2 and 3 (README: "two rows of one
    code stop the start, naming both rows").
    Expected: one line naming both rows and the code, exit 2."""
    path = _directory_file(world, "them.csv", "code,name,mailbox\n"
                           "000.00.22.H06,Sở Công Thương tỉnh Bắc Giang,vanthu@sct.bacgiang.gov.vn\n"
                           "000.00.22.H06,Sở Giao thông tỉnh Bắc Giang,vanthu@sgtvt.bacgiang.gov.vn\n")
    line = _one_line_refusal(_run(world, "directory", "import", "--config", _cfg(world), path))
    assert "2" in line and "3" in line and "000.00.22.H06" in line, line


# ================================================================================================== our agency's identity

def test_a_typo_in_the_agencys_code_does_not_start_the_numbers_again(world: World) -> None:
    """OPERATOR. Did: registered a paper document (số đến 1/2026), then edited config.yaml and mistyped our agency's
    code (`agency.code: 000.00.51.H06`, two digits swapped; the directory's row of our mailbox says 000.00.15.H06), then
    `register list` and `register add` of the next paper document and of the first one again.
    Happened: `register list` says "Không có văn bản nào trong sổ." (the year's documents gone from sight), the next
    document is "số đến 1/2026" again and the first one is registered a second time (its duplicate check passed):
    two documents numbered 1 in one year, exit 0 every time.
    Expected (README: numbers run consecutively through the year, one sequence; "Mistakes in the configuration are
    refused at the start, one line naming the key, exit 2"): an agency code the directory gives to no agency (or
    other than our mailbox's row) refused naming `agency.code`; at the least the numbers go on (2/2026)."""
    assert _paper(world, "12/UBND-VP").returncode == 0
    world.extra["agency"] = {"code": "000.00.51.H06"}
    world.write_config()
    listed = _run(world, "register", "list", "--config", _cfg(world))
    added = _paper(world, "13/UBND-VP")
    assert not (listed.returncode == 0 and "Không có" in listed.stdout), listed.stdout
    assert added.returncode == 2 and "agency.code" in added.stderr, (added.returncode, added.stdout, added.stderr)
    assert [n for (n,) in _rows(world, "SELECT arrival_number FROM documents ORDER BY id")] == [1]


def test_our_mailbox_that_the_directory_gives_another_agency_is_refused(world: World) -> None:
    """NEWCOMER. Did: copied the sample, set `agency.mailbox` to the clerk mailbox of another agency of the directory
    (Sở Tư pháp's, a slip when filling several agencies' configurations), then `register list`.
    Happened: exit 0, nothing said: the gateway takes itself for Sở Nội vụ with Sở Tư pháp's mailbox (its proven mail is
    ours, our letters' answers go to it).
    Expected: one line naming `agency.mailbox` (the directory gives it to 000.00.14.H06), exit 2."""
    world.extra["agency"] = {"mailbox": STP}
    world.write_config()
    line = _one_line_refusal(_run(world, "register", "list", "--config", _cfg(world)))
    assert "agency.mailbox" in line, line


# ================================================================================================== configuration keys

@pytest.mark.parametrize("key,value,named", [
    ("monitoring", {"alert_after_second": 60}, "alert_after_second"),
    ("office_hours", {"start": "17:00", "end": "07:30"}, "office_hours.end"),
    ("timezone", "Asia/Hanoi", "timezone"),
    ("notify", {"clerk": "vanthu@snv.bacgiang.gov.vn"}, "notify.clerk"),
], ids=["typo", "end-before-start", "no-such-zone", "a-string-for-a-list"])
def test_a_wrong_configuration_value_is_one_line_naming_the_key(world: World, key: str, value: Any, named: str) -> None:
    """GUARD. NEWCOMER. Did: a typo in a key, office hours ending before they start, the time zone "Asia/Hanoi"
    (no such zone), one address where a list is asked; then `status --config config.yaml`.
    Expected: one line naming the key, exit 2 (README, Commands)."""
    world.extra[key] = value
    world.write_config()
    line = _one_line_refusal(_run(world, "status", "--config", _cfg(world)))
    assert named in line, line


def test_a_working_day_given_twice_is_refused(world: World) -> None:
    """NEWCOMER. Did: `office_hours.days: [mon, tue, wed, thu, fri, fri]` (a line copied twice), `register list`.
    Happened: exit 0 in silence.
    Expected: as a key given twice and two mailboxes of one name are refused (README), one line naming
    `office_hours.days`, exit 2."""
    world.extra["office_hours"] = {"days": ["mon", "tue", "wed", "thu", "fri", "fri"]}
    world.write_config()
    line = _one_line_refusal(_run(world, "register", "list", "--config", _cfg(world)))
    assert "office_hours.days" in line, line


def test_a_maildir_given_as_an_empty_path_is_refused(world: World) -> None:
    """NEWCOMER. Did: `mailboxes: [{name: vanthu, maildir: ""}]` (the sample's path deleted, to be filled in later),
    then `status --config config.yaml`.
    Happened: exit 0, the mailbox listed as not run yet: "" is the configuration's own folder, a folder that is no
    Maildir and that `run` would watch.
    Expected: one line naming `mailboxes.0.maildir`, exit 2."""
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": ""}]
    world.write_config()
    line = _one_line_refusal(_run(world, "status", "--config", _cfg(world)))
    assert "maildir" in line, line


def test_a_storage_path_that_is_a_file_is_refused_before_a_mail_is_taken(world: World) -> None:
    """OPERATOR. Did: `storage: config.yaml` (the key's value pasted from the line above), then `ingest --json` of a
    signed mail from Sở Tư pháp.
    Happened: the start accepted it; the mail then failed with "qlvb-gateway: the content store: [Errno 20] Not a
    directory: '…/config.yaml/sha256/ff'", exit 1 (an internal failure, Python's words).
    Expected: one line naming `storage` (README: "a storage folder `run` or `web` cannot write" is refused at the
    start), exit 2, nothing registered."""
    world.extra["storage"] = "config.yaml"
    world.write_config()
    mail = world.mail("stp", attachments=[("cv.pdf", world.signed())])
    done = _run(world, "ingest", "--config", _cfg(world), "--json", str(mail))
    line = _one_line_refusal(done)
    assert "storage" in line, line
    assert _rows(world, "SELECT count(*) FROM documents") in ([], [(0,)])


# ================================================================================================== the printed register

def test_closing_a_year_with_a_volume_named_as_a_folder_closes_nothing(world: World) -> None:
    """OPERATOR. Did: `register close --config config.yaml --year 2025 -o so-den` where `so-den` is a folder (the
    operator meant "put it in there").
    Happened: "Sổ năm 2025 đã khóa: …" then "…/so-den: [Errno 21] Is a directory: '…/.so-den.xxxx.part' -> …", exit 2:
    the year is closed without its final volume (a paper document of 2025 now refused, "closed … by clerk").
    Expected (README: "a volume that cannot be written … closes nothing"): one line, exit 2, the year still open."""
    (world.root / "so-den").mkdir()
    done = _run(world, "register", "close", "--config", _cfg(world), "--year", "2025", "-o", "so-den")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "đã khóa" not in done.stdout, done.stdout
    later = _paper(world, "99/UBND-VP", received="2025-06-02T09:00")
    assert later.returncode == 0, later.stderr


@pytest.mark.parametrize("command", [("register", "print"), ("register", "export", "--format", "xlsx")])
def test_a_printed_register_named_as_a_folder_is_said_in_words(world: World, command: tuple[str, ...]) -> None:
    """NEWCOMER. Did: `register print --year 2026 -o ra` (and `register export --format xlsx -o ra`) where `ra` is a
    folder.
    Happened: "qlvb-gateway: …/ra: [Errno 21] Is a directory: '…/.ra.k2j3.part' -> '…/ra'", exit 2: Python's error
    and a hidden temporary file the clerk never named.
    Expected: a line in the gateway's words, as for a folder that is not there ("cannot write there …"), exit 2."""
    (world.root / "ra").mkdir()
    _paper(world, "12/UBND-VP")
    line = _one_line_refusal(_run(world, *command, "--config", _cfg(world), "--year", "2026", "-o", "ra"))
    assert "Errno" not in line and ".part" not in line, line


def test_a_closed_year_refuses_its_paper_documents_and_says_by_whom(world: World) -> None:
    """GUARD. OPERATOR. Did: `register close --year 2025 -o so-den-2025.pdf --actor lan`, then `register add` of a
    paper document received in 2025.
    Expected: the volume written, exit 0; the paper document refused, exit 2, saying it was closed and by lan."""
    closed = world.run("register", "close", "--config", _cfg(world), "--year", "2025", "-o", "so-den-2025.pdf",
                       "--actor", "lan")
    assert (world.root / "so-den-2025.pdf").read_bytes().startswith(b"%PDF-"), closed.stdout
    line = _one_line_refusal(_paper(world, "99/UBND-VP", received="2025-06-02T09:00"))
    assert "closed" in line and "lan" in line, line


# ================================================================================================== paper documents

def test_a_received_at_in_the_wrong_form_names_only_what_was_given(world: World) -> None:
    """NEWCOMER. Did: `register add … --received-at 07/12/2026` (the Vietnamese way of writing a date), no `--date`.
    Happened: "--received-at 07/12/2026 / --date : write dates as YYYY-MM-DD …", exit 2: it names a `--date` the clerk
    never gave, with nothing after it.
    Expected: one line naming `--received-at` and its value only, exit 2."""
    line = _one_line_refusal(_paper(world, "14/UBND-VP", received="07/12/2026"))
    assert "--received-at" in line and "--date" not in line, line


def test_a_paper_document_registered_twice_is_refused_naming_its_number(world: World) -> None:
    """GUARD. OPERATOR. Did: `register add` of 12/UBND-VP, then again (two clerks at two desks).
    Expected: the second refused, exit 2, naming incoming number 1; one line in the register."""
    assert _paper(world, "12/UBND-VP").returncode == 0
    line = _one_line_refusal(_paper(world, "12/UBND-VP"))
    assert "1" in line, line
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


# ================================================================================================== status

def _start_failing_daemon(world: World, turns: int) -> str:
    """`run` on a Maildir path with a typo, SIGTERM once its log shows `turns` failed turns; its log."""
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir-typo", "poll_seconds": 1}]
    world.extra["monitoring"] = {"alert_after_seconds": 3600}
    world.write_config()
    daemon = subprocess.Popen([*GATEWAY, "run", "--config", _cfg(world)], cwd=world.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    try:
        deadline = time.monotonic() + 30
        assert daemon.stdout is not None
        while time.monotonic() < deadline and sum("again in" in line for line in log) < turns:
            line = daemon.stdout.readline()
            if not line:
                break
            log.append(line)
    finally:
        daemon.send_signal(signal.SIGTERM)
        rest, _ = daemon.communicate(timeout=30)
    text = "".join(log) + rest
    assert daemon.returncode == 0 and "gateway stopped" in text, text[-2000:]
    return text


def test_status_after_a_clean_stop_following_three_failed_turns_says_not_watched(world: World) -> None:
    """OPERATOR. Did: a Maildir path with a typo, `qlvb-gateway run`, left it for three failed turns ("again in 1 s",
    "2 s", "4 s" in its log), stopped it (SIGTERM, "gateway stopped"), then `status --json`.
    Happened: `"watched": true` with the last error: after three failed turns the daemon lets the mailbox's lease go
    (README, The daemon) and its clean stop then writes nothing of it, so it reads as watched for up to 20 minutes
    (red team 110 fixed only a stop within the first turns).
    Expected (README, Monitoring: "`watched: false` at once after a clean stop"): watched false at once."""
    _start_failing_daemon(world, 3)
    done = world.run("status", "--config", _cfg(world), "--json", check=False)
    [mailbox] = json.loads(done.stdout)["mailboxes"]
    assert mailbox["watched"] is False, mailbox


def test_status_json_has_the_fields_the_readme_names(world: World) -> None:
    """GUARD. OPERATOR. Did: `status --json` on a configuration with one Maildir mailbox (README, Monitoring: each
    mailbox's state, `failing_since`, the outbox's `queued`, `sent`, `failed`, `failures`, `retrying`, `store.free_bytes`,
    a SQLite register's `register`, `alerts`).
    Expected: those fields, exit 0."""
    (world.root / "Maildir" / "new").mkdir(parents=True)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir"}]
    world.write_config()
    done = world.run("status", "--config", _cfg(world), "--json")
    report = json.loads(done.stdout)
    [mailbox] = report["mailboxes"]
    assert {"name", "connected", "last_uid", "backlog", "last_mail_at", "error", "failing_since", "watched"} <= set(mailbox)
    assert {"queued", "sent", "failed", "failures", "retrying"} <= set(report["outbox"])
    assert "free_bytes" in report["store"] and "free_bytes" in report["register"]
    assert report["alerts"] == []


# ================================================================================================== two commands at once

def test_four_ingests_of_one_mail_at_once_hold_no_phantom_mail_for_the_clerk(world: World) -> None:
    """OPERATOR. Did: `ingest --config config.yaml --json a.eml` started four times at once (a cron job, a script and
    the operator's own terminal over the same exported mail), then `review list --json` and `status --json`.
    Happened: one run registers it (số đến 1/2026), one says it accepted it too, and a third (or fourth) quarantines it
    `processing-failed`, "begun 2 times without being finished (tiến trình dừng giữa chừng)": a second mail record with
    no sender and no subject waits in the clerk's review list and the clerk is alerted of a crash that never happened.
    Expected (README: "a mail recorded before is not processed again: its recorded outcome, with
    `already_processed: true`"): one record of the mail, its document numbered once, nothing held for review."""
    world.run("register", "list", "--config", _cfg(world))  # the register made before they start
    verdicts = []
    for attempt in range(3):  # a race: three rounds of four at once (each round alone showed it 3 times in 4)
        pdf = world.signed("stp", world.document(number=f"{40 + attempt}/STP-VP"))
        mail = world.mail(f"a{attempt}", attachments=[("cv.pdf", pdf)])
        runs = [subprocess.Popen([*GATEWAY, "ingest", "--config", _cfg(world), "--json", str(mail)], cwd=world.root,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outcomes = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
        verdicts += [(o["verdict"], [r["code"] for r in o["reasons"]]) for o in outcomes]
    assert {v for v, _ in verdicts} == {"accepted"}, verdicts
    assert json.loads(world.run("review", "list", "--config", _cfg(world), "--json").stdout) == []
    assert _rows(world, "SELECT arrival_number FROM documents ORDER BY arrival_number") == [(1,), (2,), (3,)]
    assert _rows(world, "SELECT count(*) FROM mails") == [(3,)]


def test_an_ingest_run_while_another_took_the_mail_says_it_was_processed_before(world: World) -> None:
    """OPERATOR. Did: `ingest --json a.eml` twice at once.
    Expected (README): one registers it; the other's line is the recorded outcome with `already_processed: true`
    (both saying they accepted it, neither saying it was done before, tells the operator two documents came in)."""
    mail = world.mail("a", attachments=[("cv.pdf", world.signed())])
    world.run("register", "list", "--config", _cfg(world))
    runs = [subprocess.Popen([*GATEWAY, "ingest", "--config", _cfg(world), "--json", str(mail)], cwd=world.root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
    assert sorted(bool(o.get("already_processed")) for o in outcomes) == [False, True], outcomes
    assert _rows(world, "SELECT arrival_number FROM documents") == [(1,)]


# ================================================================================================== review, send, recall

def test_return_to_an_unproven_sender_is_refused(world: World) -> None:
    """GUARD. OPERATOR. Did: a mail from x@gmail.com that nothing proves is held; `review return ID --reason …`.
    Expected (README: *Trả lại* returns "to a proven agency only"; a forged sender is never answered): refused, exit 2,
    nothing queued to x@gmail.com."""
    mail = world.mail("c", sender="x@gmail.com", auth=None, attachments=[("cv.pdf", world.document(number="77/STP-VP"))])
    [outcome] = world.ingest(mail)
    assert outcome["verdict"] == "quarantined", outcome
    done = _run(world, "review", "return", str(outcome["review_id"]), "--reason", "Sai nơi nhận", "--config", _cfg(world))
    assert done.returncode == 2 and "Traceback" not in done.stderr, (done.returncode, done.stdout, done.stderr)
    assert _rows(world, "SELECT count(*) FROM outbox WHERE recipient LIKE '%gmail.com%'") in ([], [(0,)])


def test_review_json_outputs_are_as_the_readme_says(world: World) -> None:
    """GUARD. OPERATOR. Did: `review list --json` with one held mail, then `review discard ID --json --actor lan`.
    Expected (README, Commands): `list --json` one array whose items carry the `id` release takes; `discard --json`
    `{"id", "review"}`; a second discard refused, exit 2."""
    mail = world.mail("c", sender="x@gmail.com", auth=None, attachments=[("cv.pdf", world.document(number="77/STP-VP"))])
    world.ingest(mail)
    listed = json.loads(world.run("review", "list", "--config", _cfg(world), "--json").stdout)
    assert isinstance(listed, list) and len(listed) == 1
    ident = listed[0]["id"]
    done = world.run("review", "discard", str(ident), "--config", _cfg(world), "--json", "--actor", "lan")
    assert json.loads(done.stdout) == {"id": ident, "review": "discarded"}
    _one_line_refusal(_run(world, "review", "discard", str(ident), "--config", _cfg(world)))


def test_a_letter_recalled_before_it_left_is_withdrawn_and_sent_once_only(world: World) -> None:
    """GUARD. OPERATOR. Did: `send out.pdf` (queued, no SMTP server up), `send out.pdf` again, `recall ID --reason …
    --json`, `sent --json`.
    Expected (README): the second send sends nothing again; the recall's `withheld_from` names the recipient, its line
    `withdrawn`, the document `recalled` with its reason; nothing of the letter left in the outbox."""
    path = world.root / "out.pdf"
    path.write_bytes(world.document(issuer="SỞ NỘI VỤ", number="45/SNV-VP", recipients=BLOCK, kinh_gui=["Sở Tư pháp"]))
    first = json.loads(world.run("send", "--config", _cfg(world), str(path), "--json").stdout)
    world.run("send", "--config", _cfg(world), str(path))
    assert _rows(world, "SELECT count(*) FROM outgoing_documents") == [(1,)]
    recalled = json.loads(world.run("recall", "--config", _cfg(world), first["identifier"], "--reason", "Nhầm nơi nhận",
                                    "--json").stdout)
    assert recalled["withheld_from"] == [STP] and recalled["recall_sent_to"] == [], recalled
    [sent] = [json.loads(line) for line in world.run("sent", "--config", _cfg(world), "--json").stdout.splitlines()]
    assert (sent["state"], sent["recall_reason"]) == ("recalled", "Nhầm nơi nhận"), sent
    assert [r["state"] for r in sent["recipients"]] == ["withdrawn"]


# ================================================================================================== people and units

UNITS = [{"code": "VP", "name": "Văn phòng Sở", "mailbox": "vanphong@snv.bacgiang.gov.vn"}]


def test_a_clerk_given_a_unit_is_refused(world: World) -> None:
    """GUARD. OPERATOR. Did: `user add lan --role clerk --unit VP` (README: exit 2 for "a `--unit` … given to another
    role"), the password on stdin.
    Expected: one line, exit 2, nobody added."""
    world.extra["units"] = UNITS
    world.write_config()
    done = _run(world, "user", "add", "--config", _cfg(world), "lan", "--role", "clerk", "--unit", "VP",
                stdin="mat-khau-thu\n")
    _one_line_refusal(done)
    assert _rows(world, "SELECT count(*) FROM people") in ([], [(0,)])


def test_a_deadline_written_the_vietnamese_way_is_refused_in_one_line(world: World) -> None:
    """GUARD. NEWCOMER. Did: `pass 1 --lead VP --deadline 31/12/2026` on a registered paper document.
    Expected (README: a deadline it cannot read as a date is refused): one line, exit 2, nothing passed."""
    world.extra["units"] = UNITS
    world.write_config()
    assert _paper(world, "12/UBND-VP").returncode == 0
    done = _run(world, "pass", "--config", _cfg(world), "1", "--lead", "VP", "--deadline", "31/12/2026")
    _one_line_refusal(done)
    assert _rows(world, "SELECT count(*) FROM assignments") == [(0,)]


def test_demo_refuses_a_folder_it_did_not_make(world: World) -> None:
    """GUARD. NEWCOMER. Did: `qlvb-gateway demo --dir .` in the agency's own folder (its config.yaml, its register).
    Expected (README: "any other is refused, exit 2, never removed"): exit 2, the folder's files still there."""
    done = _run(world, "demo", "--dir", str(world.root))
    assert done.returncode == 2 and "Traceback" not in done.stderr, (done.returncode, done.stderr[-800:])
    assert world.config_path.exists() and (world.root / "directory.csv").exists()


# ================================================================================================== the daemon's answers

def test_the_daemon_without_a_submission_server_says_its_answers_wait(world: World) -> None:
    """NEWCOMER. Did: a configuration with its mailbox (a Maildir) and no `smtp:` section (left out, as the README's
    "a gateway that does not sign its own letters leaves the `signing:` section out" suggested sections are optional),
    a signed mail taken in (its acknowledgement queued), then `run` for a few seconds, stopped, and `status`.
    Happened: the daemon starts ("gateway started", "connected") and never says that it sends nothing: the
    acknowledgement (000 Đ9.1.c: the sender is notified automatically) waits in the outbox for ever, `status` says
    "1 chờ gửi" with no alert, exit 0.
    Expected: `run` refuses to start without a submission server (one line naming `smtp`, exit 2), or says in its log
    that answers will not be sent, and `status` alerts (exit 4) on answers no server will ever take."""
    for folder in ("new", "cur", "tmp"):
        (world.root / "Maildir" / folder).mkdir(parents=True)
    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.extra["monitoring"] = {"alert_after_seconds": 1}
    world.write_config()
    [outcome] = world.ingest(world.mail("a", attachments=[("cv.pdf", world.signed())]))
    assert outcome["replies"] == [{"kind": "ack", "to": STP}], outcome
    daemon = subprocess.Popen([*GATEWAY, "run", "--config", _cfg(world)], cwd=world.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    time.sleep(4)
    daemon.send_signal(signal.SIGTERM)
    log, _ = daemon.communicate(timeout=30)
    if daemon.returncode == 2:
        assert "smtp" in log and "Traceback" not in log, log[-2000:]
        return
    status = world.run("status", "--config", _cfg(world), "--json", check=False)
    alerts = json.loads(status.stdout)["alerts"]
    assert "smtp" in log.lower() or (status.returncode == 4 and any(a.get("mailbox") == "smtp" for a in alerts)), \
        (log[-2000:], status.stdout)
