"""Red team 78 found these refusals of honest setups, made by the checks at start that red team 76 asked for.

A Maildir no mail has reached yet (Postfix and Dovecot make its cur, new and tmp folders at the first delivery) stopped
`run` with exit 2: under systemd it restarted every 5 s, and the other mailboxes' genuine mail waited. Now it is a
warning at start, that mailbox backs off as any failing one and `status` says why; a file where the Maildir's folder
goes is still refused."""

from __future__ import annotations

import json
import mailbox as stdlib_mailbox

import pytest

from servers import wait_for
from test_daemon import start_daemon, stop_daemon
from test_redteam76_config import _configured, _maildir, _one_line, _started
from world import World

# 1. a Maildir no mail has reached yet

NOT_YET = "Maildir-phongmoi"


def _status(world: World) -> dict[str, object]:
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_run_starts_with_a_maildir_no_mail_has_reached_yet_and_status_names_it(world: World) -> None:
    """The working mailbox's genuine letter is registered; the other is watched from its first delivery, `status`
    naming it and why (an alert after monitoring.alert_after_seconds), the warning said once at start."""
    letter = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="781/STP-VP")))])
    stdlib_mailbox.Maildir(str(world.root / _maildir(world)), create=False).add(letter.read_bytes())
    _configured(world, mailboxes=[{"name": "vanthu", "maildir": "Maildir", "poll_seconds": 1},
                                  {"name": "phongmoi", "maildir": NOT_YET, "poll_seconds": 1}],
                monitoring={"alert_after_seconds": 1})
    daemon = start_daemon(world, ready=False)
    try:
        assert wait_for(lambda: len(world.documents()) == 1 or daemon.poll() is not None, timeout=120), "nothing registered"
        assert daemon.poll() is None, daemon.log.read_text(errors="replace")[-3000:]  # type: ignore[attr-defined]
        assert [(d.notation, d.basis) for d in world.documents()] == [("781/STP-VP", "signature")]
        assert wait_for(lambda: [a["mailbox"] for a in _status(world).get("alerts", [])] == ["phongmoi"], timeout=60)
        status = _status(world)
        rows = {m["name"]: m for m in status["mailboxes"]}  # type: ignore[attr-defined]
        missing = f"{world.root / NOT_YET}: no Maildir there (its cur, new and tmp folders)"
        assert missing in rows["phongmoi"]["error"] and rows["phongmoi"]["failing_since"], rows
        assert rows["vanthu"]["error"] is None and rows["vanthu"]["failing_since"] is None, rows
        assert world.run("status", "--config", str(world.config_path), check=False).returncode == 4
    finally:
        log = stop_daemon(daemon)
    warning = (f"mailboxes.phongmoi.maildir: no Maildir at {world.root / NOT_YET} yet (its cur, new and tmp folders): "
               "watched from its first delivery")
    assert log.count(warning) == 1, log[-3000:]


@pytest.mark.parametrize("where", ["the Maildir", "its new folder", "a folder above it"])
def test_a_file_where_the_maildirs_folder_goes_still_stops_run(world: World, where: str) -> None:
    """A path that can never be a Maildir is a configuration error, said at start (red team 76, 8)."""
    folder = world.root / NOT_YET
    if where == "the Maildir":
        file, maildir = folder, folder
    elif where == "its new folder":
        for part in ("cur", "tmp"):
            (folder / part).mkdir(parents=True)
        file, maildir = folder / "new", folder
    else:
        file, maildir = world.root / "directory.csv", world.root / "directory.csv" / "Maildir"
    if not file.exists():
        file.write_text("not a folder\n")
    config = _configured(world, mailboxes=[{"name": "vanthu", "maildir": _maildir(world), "poll_seconds": 1},
                                           {"name": "phongmoi", "maildir": str(maildir), "poll_seconds": 1}])
    status, err = _started(world, "run", "--config", config)
    assert status == 2, err[-2000:]
    assert _one_line(err) == (f"qlvb-gateway: mailboxes.phongmoi.maildir: {file} is a file, not a folder: no Maildir can "
                              f"be at {maildir}")
