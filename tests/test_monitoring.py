"""`status`'s judgement as a pure function (gateway/monitoring.py): which mailboxes alert, which the
daemon no longer watches, and the text a person reads; no register, no clock."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from gateway.cli_format import print_status, status_json
from gateway.monitoring import NOT_STARTED, SpoolState, StatusReport, StoreSpace, Watch, report
from registry.models import MailboxState
from registry.queries import OutboxCounts

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WATCH = Watch({"vanthu": 60, "phongban": 60}, seconds_per_mail=300, alert_after_seconds=900)
EMPTY_OUTBOX = OutboxCounts(0, 0, 0, ())
STORE = StoreSpace("store", 10 * 2**30, 100 * 2**30)


def _state(name: str, *, seen_ago: float | None = 5, failing_for: float | None = None) -> MailboxState:
    return MailboxState(name=name, last_uid=7, connected=failing_for is None, backlog=0, last_mail_at=None,
                        last_error="connection refused" if failing_for is not None else None,
                        failing_since=NOW - timedelta(seconds=failing_for) if failing_for is not None else None,
                        updated_at=NOW - timedelta(seconds=seen_ago) if seen_ago is not None else None)


def _report(*states: MailboxState) -> StatusReport:
    return report(states, EMPTY_OUTBOX, STORE, WATCH, NOW)


@pytest.mark.parametrize("states, alerting", [
    ((_state("vanthu"), _state("phongban")), []),  # both looked at a moment ago
    ((_state("vanthu", failing_for=600), _state("phongban")), []),  # failing, under the threshold
    ((_state("vanthu", failing_for=901), _state("phongban")), ["vanthu"]),  # failing longer than 900 s
    ((_state("vanthu", seen_ago=60 + 300 + 900), _state("phongban")), []),  # quiet, but within a poll + a mail + 900 s
    ((_state("vanthu", seen_ago=60 + 300 + 901), _state("phongban")), ["vanthu"]),  # the daemon stopped looking
    ((_state("vanthu", seen_ago=7200, failing_for=7200), _state("phongban")), ["vanthu"]),  # one alert, not two
    ((_state("vanthu"), _state("old", seen_ago=7200)), []),  # a mailbox no longer configured is not alerted
])
def test_which_mailboxes_alert(states: tuple[MailboxState, ...], alerting: list[str]) -> None:
    assert [a.mailbox for a in _report(*states).alerts] == alerting


def test_a_configured_mailbox_the_daemon_never_wrote_is_listed_not_started_and_not_alerted() -> None:
    status = _report(_state("vanthu"))
    assert [(m.name, m.error, m.watched) for m in status.mailboxes] == [("vanthu", None, True),
                                                                         ("phongban", NOT_STARTED, False)]
    assert status.alerts == ()


def test_the_alert_says_how_long_and_the_threshold_and_json_keeps_its_fields() -> None:
    status = _report(_state("vanthu", failing_for=1000), _state("phongban", seen_ago=3600))
    assert [a.message for a in status.alerts] == [
        "hộp thư vanthu lỗi liên tục 1000 giây (ngưỡng 900 giây)",
        "hộp thư phongban không được theo dõi từ 2026-03-02T08:00:00+00:00: tiến trình chạy nền (qlvb-gateway run) đã dừng?"]
    out = status_json(status)
    assert list(out) == ["mailboxes", "outbox", "store", "alerts"]
    assert list(out["mailboxes"][0]) == ["name", "connected", "last_uid", "backlog", "last_mail_at", "error",
                                         "failing_since", "failing_seconds", "updated_at", "watched"]
    assert out["mailboxes"][0]["failing_since"] == "2026-03-02T08:43:20+00:00" and out["mailboxes"][0]["failing_seconds"] == 1000


def test_the_text_form_is_a_table_a_person_reads(capsys: pytest.CaptureFixture[str]) -> None:
    print_status(_report(_state("vanthu", failing_for=1000)), ZoneInfo("Asia/Ho_Chi_Minh"))
    text = capsys.readouterr().out
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "không kết nối" in rows["vanthu"] and "connection refused" in rows["vanthu"]
    assert "2026-03-02 15:43:20" in rows["vanthu"]  # failing since, in the agency's time (the README's columns)
    assert NOT_STARTED in rows["phongban"]
    assert "kho lưu trữ store: còn trống 10.0 GiB trên 100.0 GiB" in text
    assert "CẢNH BÁO: hộp thư vanthu lỗi liên tục 1000 giây (ngưỡng 900 giây): connection refused" in text


def test_an_smtp_servers_long_reply_is_cut_where_a_check_reads_it() -> None:
    # red team 36: a 2 MB reply kept in the outbox made `status --json` 2 MB
    from registry.models import Outbox

    row = Outbox(id=1, recipient="a@b.vn", kind="ack", attempts=3, last_error="452 " + "x\r\n" * 1_000_000,
                 created_at=NOW, next_attempt_at=None)
    out = status_json(report((), OutboxCounts(1, 0, 0, (), (row,)), STORE, WATCH, NOW))
    [retrying] = out["outbox"]["retrying"]
    assert len(retrying["error"]) == 500 and retrying["error"].startswith("452 x x") and "\n" not in retrying["error"]


@pytest.mark.parametrize("waiting_for, alerted", [(None, False), (900, False), (901, True)])
def test_a_delivery_waiting_in_the_listeners_spool_longer_than_the_threshold_alerts(waiting_for: float | None,
                                                                                    alerted: bool) -> None:
    oldest = NOW - timedelta(seconds=waiting_for) if waiting_for is not None else None
    spool = SpoolState("store/spool", 0 if oldest is None else 2, oldest)
    status = report((_state("vanthu"), _state("phongban")), EMPTY_OUTBOX, STORE, WATCH, NOW, spool)
    assert [a.mailbox for a in status.alerts] == (["listener"] if alerted else [])
    assert status_json(status)["spool"] == {"path": "store/spool", "waiting": spool.waiting,
                                            "oldest_at": oldest.isoformat() if oldest else None, "error": None}
    if alerted:
        assert status.alerts[0].message.startswith("2 thư nhận qua bộ nhận thư chưa vào hộp thư, cũ nhất từ 2026-03-02T08:44:59")


def test_a_spool_status_cannot_read_is_an_alert_never_an_all_clear() -> None:
    """Red team 82: a spool another user keeps (0700) was read as empty, "0 thư", no alert; a storage folder status may
    not search made `status` a traceback. Checked as the user `status` runs as would meet it: a child process that
    dropped to nobody."""
    import os

    from gateway.monitoring import spool_state

    import shutil
    import tempfile
    from pathlib import Path

    assert os.geteuid() == 0, "dropping to another user needs root (as CI and make test run)"
    tmp_path = Path(tempfile.mkdtemp(prefix="spool-", dir="/tmp"))  # pytest's own folder is 0700: nobody reaches in
    spool = tmp_path / "storage" / "spool"
    spool.mkdir(parents=True)
    (spool / "a.eml").write_bytes(b"Subject: x\r\n\r\nx")
    tmp_path.chmod(0o755)
    for folder, mode in ((spool, 0o700), (spool.parent, 0o700)):
        folder.parent.chmod(0o755)
        spool.chmod(0o755)
        folder.chmod(mode)
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover (the child reports through the pipe)
            os.close(read)
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                state = spool_state(spool)
                os.write(write, f"{state.waiting}|{state.error}".encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as answer:
            waiting, error = answer.read().split("|")
        os.waitpid(child, 0)
        assert waiting == "None" and "PermissionError" in error, (folder, waiting, error)
        status = report((_state("vanthu"), _state("phongban")), EMPTY_OUTBOX, STORE, WATCH, NOW,
                        SpoolState(str(spool), None, None, error))
        assert [a.mailbox for a in status.alerts] == ["listener"]
        assert status.alerts[0].message.startswith("không đọc được hàng đợi của bộ nhận thư")
    shutil.rmtree(tmp_path)


@pytest.mark.parametrize("store_free_mb, register_free_mb, short", [
    (10_000, 10_000, []),
    (49, 10_000, ["kho lưu trữ"]),  # less than the largest mail taken (limits.max_mail_mb, 50 here)
    (10_000, 0, ["sổ đăng ký"]),  # red team 92: the register's disk full, and the daemon could not say so
    (10_000, None, []),  # a database server's register: its disk is not ours to see
])
def test_a_disk_with_less_room_than_the_largest_mail_alerts(store_free_mb: int, register_free_mb: int | None,
                                                           short: list[str]) -> None:
    register = None if register_free_mb is None else StoreSpace("qlvb.db", register_free_mb * 2**20, 2**34)
    status = report([_state("vanthu"), _state("phongban")], EMPTY_OUTBOX, StoreSpace("store", store_free_mb * 2**20, 2**34),
                    WATCH, NOW, register=register, room_needed=50 * 2**20)
    alerts = [a for a in status.alerts if a.mailbox == "disk"]
    assert [next(w for w in ("kho lưu trữ", "sổ đăng ký") if w in a.message) for a in alerts] == short
    out = status_json(status)
    assert ("register" in out) == (register is not None)
