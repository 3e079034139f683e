"""What a newcomer trying the README met on a fresh clone (stop 41): a register out of reach answered with a
traceback of 140 lines; every command printed cryptography's DSA deprecation (pyHanko imports it); `parse` read
README.md as a 115-page document; `ingest` of a mail recorded before printed its old verdict as if it had just been
decided. Left by it and done at stop 43: no `--version`, empty lists printed as nothing at all (taken for a failure),
pydantic's "Value error," before our own words, and `review list`'s first column headed "số" (a register's number)
where it is the mail's id that `review release` takes. The JSON each command prints is its contract and stays as it
was: an empty list is no line (`[]` for `review list --json`). Each asserted as the user sees it: the real command
line, its exit status, what it prints."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from world import GATEWAY, World

ROOT = Path(__file__).resolve().parents[1]


def test_a_register_out_of_reach_is_said_in_one_line(world: World) -> None:
    world.extra["database"] = "postgresql+psycopg://nobody@127.0.0.1:1/register"  # no server there
    world.write_config()
    done = world.run("register", "list", "--config", str(world.config_path), check=False)
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("qlvb-gateway: database: cannot open the register:"), done.stderr


def test_no_command_prints_a_deprecation_of_what_the_gateway_never_uses(world: World) -> None:
    """As a fresh install gets it (cryptography 51 deprecates DSA at import; 50 did not say so there): `register list`
    printed it on a newcomer's terminal, at every command."""
    done = subprocess.run([*GATEWAY, "register", "list", "--config", str(world.config_path)], capture_output=True,
                          text=True, cwd=world.root, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Deprecat" not in done.stderr, done.stderr


def test_parse_refuses_what_is_no_pdf(world: World) -> None:
    text = world.root / "README.md"
    text.write_text("# Not a document\n" * 200)
    done = world.run("parse", str(text), "--json", check=False)
    assert (done.returncode, done.stdout) == (2, ""), done
    assert "not a PDF" in done.stderr


def test_a_mail_recorded_before_says_so_on_its_line(world: World) -> None:
    mail = world.mail("letter", attachments=[("cv.pdf", world.signed("stp", world.document(number="42/STP-VP")))])
    first = world.run("ingest", "--config", str(world.config_path), str(mail))
    again = world.run("ingest", "--config", str(world.config_path), str(mail))
    assert "đã xử lý trước đây" not in first.stdout and "đã xử lý trước đây" in again.stdout, again.stdout
    [seen] = world.ingest(mail)
    assert seen["already_processed"] is True  # the JSON as before


def test_version_is_the_packages(world: World) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = world.run("--version", process=True)
    assert done.stdout.strip() == f"qlvb-gateway {version}"


@pytest.mark.parametrize("args,said", [
    (("register", "list"), "Không có văn bản nào trong sổ."),
    (("register", "list", "--year", "2025"), "Không có văn bản nào trong sổ năm 2025."),
    (("review", "list"), "Không có thư nào chờ xem xét."),
    (("pass", "list"), "Không có văn bản nào đã chuyển."),
    (("sent",), "Không có văn bản đi nào đã gửi."),
    (("user", "list"), "Không có người dùng nào."),
])
def test_an_empty_list_is_said_in_words_and_its_json_stays_empty(world: World, args: tuple[str, ...], said: str) -> None:
    config = ("--config", str(world.config_path))
    assert world.run(*args, *config).stdout.strip() == said
    json_out = world.run(*args, *config, "--json").stdout.strip()
    assert json_out == ("[]" if args == ("review", "list") else "")


def test_review_list_heads_its_first_column_as_the_id_release_takes(world: World) -> None:
    [held] = world.ingest(world.mail("không rõ ai gửi", sender="x@other.example", auth=None,
                                     attachments=[("cv.pdf", world.document(number="12/STP-VP"))]))
    assert held["verdict"] == "quarantined", held
    listed = world.run("review", "list", "--config", str(world.config_path)).stdout
    head, _, row = listed.splitlines()[:3]
    assert head.split()[:2] == ["mã", "thư"] and row.split()[0] == str(held["review_id"]), listed


def test_a_value_our_check_refuses_is_said_without_pydantics_prefix(world: World) -> None:
    cfg = world.config_dict()
    cfg["agency"]["code"] = "12"
    world.config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    done = world.run("status", "--config", str(world.config_path), check=False)
    assert done.returncode == 2 and "agency.code: must look like 000.00.14.H06" in done.stderr, done.stderr
    assert "Value error" not in done.stderr


def test_the_daemon_says_each_mail_in_its_log_and_no_deprecation(world: World) -> None:
    """A newcomer (stop 43) found the DSA deprecation still printed by `run` (its worker server imports pyHanko, without
    the command's filter) and no line in the log for a mail registered (`journalctl -u qlvb-gateway` showed nothing)."""
    import mailbox as stdlib_mailbox

    from servers import wait_for
    from test_daemon import start_daemon, stop_daemon

    world.extra["mailboxes"] = [{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1}]
    world.write_config()
    inbox = stdlib_mailbox.Maildir(str(world.root / "Maildir"), create=True)
    inbox.add(world.mail("m1", attachments=[("cv.pdf", world.signed("stp", world.document(number="1/STP-VP")))]).read_bytes())
    daemon = start_daemon(world, ready=False, warnings=True)
    try:
        assert wait_for(lambda: not any(any((world.root / "Maildir" / sub).iterdir()) for sub in ("new", "cur")),
                        timeout=90)
    finally:
        log = stop_daemon(daemon)
    assert "Deprecat" not in log and "Warning" not in log, log[-3000:]
    assert re.search(r"qlvb\.daemon: vanthu:\S+: accepted 1/20\d\d\b", log), log[-3000:]


def test_the_childrens_settings_are_set_once_however_often_the_command_line_runs_in_a_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """main() sets the environment its child processes start with; run again in one process (the tests run it in
    theirs, thousands of times), PYTHONWARNINGS grew by its entries at every run, toward the 128 KB a variable may
    hold (then no process could be started)."""
    from gateway import cli

    monkeypatch.setenv("PYTHONWARNINGS", "default")
    for _ in range(3):
        assert cli.main(["--version"]) == 0
    assert os.environ["PYTHONWARNINGS"].split(",") == ["default", *cli.CHILDREN_IGNORE]
    assert os.environ["PYTHONSAFEPATH"] == "1"
