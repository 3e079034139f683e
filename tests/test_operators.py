"""What an operator sees: `status --json` exits 4 once a mailbox has been failing for longer than
monitoring.alert_after_seconds (the time it began failing kept across a restart of the daemon), and
0 otherwise; it shows the store's free space; the daemon's Prometheus endpoint, scraped over HTTP
while it runs, counts what was sent to it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import datetime, timezone
from typing import Any

import pytest

from prometheus_client.parser import text_string_to_metric_families

from born_digital import numbered_document
from imap_relay import ImapRelay
from servers import dovecot, free_port, wait_for
from test_daemon import PASSWORD, SmtpServer, append, folder_counts, start_daemon, stop_daemon
from world import GATEWAY, GATEWAY_EXEC, US, World


def status(world: World) -> tuple[int, dict[str, Any]]:
    done = world.run("status", "--config", str(world.config_path), "--json", check=False)
    assert done.returncode in (0, 4), done.stderr[-2000:]
    return done.returncode, json.loads(done.stdout)


def watch(world: World, port: int, **extra: Any) -> None:
    world.extra["mailboxes"] = [{"name": "vanthu", "poll_seconds": 1, "imap": {
        "host": "127.0.0.1", "port": port, "security": "none", "username": US["mailbox"],
        "password_env": "QLVB_IMAP_PASSWORD"}}]
    world.extra.update(extra)
    world.write_config()


def failed_since(world: World, moment: datetime) -> bool:
    """Whether the daemon has recorded a failure of its mailbox after `moment`."""
    mailbox = status(world)[1]["mailboxes"][0]
    return mailbox["error"] is not None and datetime.fromisoformat(mailbox["updated_at"]) > moment


@pytest.mark.long
def test_status_exits_4_once_a_mailbox_has_failed_longer_than_the_setting(world: World) -> None:
    with dovecot((US["mailbox"], PASSWORD)) as server:
        relay = ImapRelay(server)
        watch(world, relay.port, monitoring={"alert_after_seconds": 4})
        daemon = start_daemon(world)
        try:
            code, state = status(world)
            assert code == 0 and state["alerts"] == [] and state["mailboxes"][0]["failing_since"] is None
            relay.stop_server()  # the mail server goes away and stays away
            assert wait_for(lambda: status(world)[1]["mailboxes"][0]["failing_since"] is not None, timeout=30)
            code, state = status(world)
            since = state["mailboxes"][0]["failing_since"]
            assert code == 0 and state["mailboxes"][0]["error"]  # failing, not yet for long
            assert wait_for(lambda: status(world)[0] == 4, timeout=30)
            code, state = status(world)
            assert [a["mailbox"] for a in state["alerts"]] == ["vanthu"] and state["alerts"][0]["failing_since"] == since
            stop_daemon(daemon)  # restarted while the server is still down: the failure goes on from when it began
            restarted = datetime.now(timezone.utc)
            daemon = start_daemon(world, ready=False)
            assert wait_for(lambda: failed_since(world, restarted), timeout=60)
            code, state = status(world)
            assert code == 4 and state["mailboxes"][0]["failing_since"] == since
            server.start()  # back: no alert any more
            assert wait_for(lambda: status(world)[0] == 0, timeout=60)
            code, state = status(world)
            assert state["alerts"] == [] and state["mailboxes"][0]["failing_since"] is None and state["mailboxes"][0]["connected"]
        finally:
            stop_daemon(daemon)
            relay.close()
    done = world.run("status", "--config", str(world.config_path), check=False, process=True)  # the text form says the same
    assert done.returncode == 0 and "kho lưu trữ" in done.stdout


def test_a_daemon_stopped_cleanly_is_not_watching_at_once_and_alerted_only_once_silent(world: World) -> None:
    """`systemctl stop` (SIGTERM): the mailbox is `watched: false` at once (a newcomer read "watched" for the quarter of
    an hour after it), no alert yet: the alert comes as for a daemon that died, once nothing has been written of it."""
    with dovecot((US["mailbox"], PASSWORD)) as server:
        watch(world, server.port, monitoring={"alert_after_seconds": 2}, limits={"seconds_per_mail": 1})
        daemon = start_daemon(world)
        assert status(world)[1]["mailboxes"][0]["watched"]
        stop_daemon(daemon)
        code, state = status(world)
        assert (code, state["mailboxes"][0]["watched"], state["alerts"]) == (0, False, [])
        assert wait_for(lambda: status(world)[0] == 4, timeout=30)


@pytest.mark.long
def test_status_exits_4_once_the_daemon_has_stopped_watching(world: World) -> None:
    """An idle daemon looks at its mailbox every poll; killed, it writes nothing more, and status says
    so after a poll, a mail's analysis and the alert threshold (here 1 + 1 + 2 s)."""
    with dovecot((US["mailbox"], PASSWORD)) as server:
        watch(world, server.port, monitoring={"alert_after_seconds": 2}, limits={"seconds_per_mail": 1})
        daemon = start_daemon(world, command=GATEWAY_EXEC)
        try:
            for _ in range(3):  # idle for longer than the threshold: still watched
                code, state = status(world)
                assert code == 0 and state["mailboxes"][0]["watched"] and state["alerts"] == []
                time.sleep(2.5)
        finally:
            daemon.kill()  # as the OOM killer or a crash would
            daemon.wait()
        assert wait_for(lambda: status(world)[0] == 4, timeout=30)
        code, state = status(world)
        assert not state["mailboxes"][0]["watched"]
        assert [a["mailbox"] for a in state["alerts"]] == ["vanthu"] and "run" in state["alerts"][0]["message"]


@pytest.mark.long
def test_a_delivery_the_listener_kept_and_could_not_file_alerts_and_is_filed_when_the_server_returns(world: World) -> None:
    """The province's MTA delivered over LMTP and was told 250: the mail is the gateway's alone. The IMAP server it is
    filed into is down: `status` shows it waiting in the spool and, past the threshold, alerts on the listener as well
    as the mailbox; the server back, the mail is filed and the alerts end."""
    import smtplib

    with dovecot((US["mailbox"], PASSWORD)) as server:
        relay = ImapRelay(server)
        port = free_port()
        watch(world, relay.port, monitoring={"alert_after_seconds": 3},
              listener={"protocol": "lmtp", "host": "127.0.0.1", "port": port})
        letter = world.mail("lmtp", attachments=[("cv.pdf", world.signed("stp", world.document(number="905/STP-VP")))])
        daemon = start_daemon(world)
        try:
            code, state = status(world)
            assert code == 0 and state["spool"]["waiting"] == 0 and state["spool"]["oldest_at"] is None
            relay.stop_server()
            with smtplib.LMTP("127.0.0.1", port) as lmtp:
                assert lmtp.sendmail("vanthu@sotp.bacgiang.gov.vn", [US["mailbox"]], letter.read_bytes()) == {}
            assert wait_for(lambda: "listener" in [a["mailbox"] for a in status(world)[1]["alerts"]], timeout=60)
            code, state = status(world)
            assert code == 4 and state["spool"]["waiting"] == 1 and state["spool"]["oldest_at"]
            [alert] = [a for a in state["alerts"] if a["mailbox"] == "listener"]
            assert "1 thư" in alert["message"] and state["spool"]["path"] in alert["message"]
            text = world.run("status", "--config", str(world.config_path), check=False).stdout
            assert "1 thư chưa vào hộp thư" in text and "CẢNH BÁO: 1 thư" in text
            server.start()
            assert wait_for(lambda: status(world)[0] == 0, timeout=90)
            assert status(world)[1]["spool"]["waiting"] == 0
            assert folder_counts(server)["accepted"] == 1  # nothing lost
        finally:
            stop_daemon(daemon)
            relay.close()


def test_status_shows_the_free_space_of_the_store(world: World) -> None:
    (world.root / "store").mkdir()
    world.run("user", "list", "--config", str(world.config_path))  # the register made (status never makes one: red team 76)
    code, state = status(world)
    usage = shutil.disk_usage(world.root / "store")
    assert code == 0 and state["store"]["path"].endswith("store")
    assert state["store"]["total_bytes"] == usage.total
    assert abs(state["store"]["free_bytes"] - usage.free) < 200 * 2**20  # what else writes meanwhile


NESTED = (f"From: vanthu@sotp.bacgiang.gov.vn\r\nTo: {US['mailbox']}\r\nSubject: nested\r\n"
          "Message-ID: <nested@sotp.bacgiang.gov.vn>\r\nMIME-Version: 1.0\r\n"
          + "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(1000))
          + "Content-Type: text/plain\r\n\r\nxin chào" + "".join(f"\r\n--b{i}--\r\n" for i in reversed(range(1000)))
          ).encode()


def scrape(port: int) -> dict[str, float]:
    """The endpoint's samples, named with their labels: 'qlvb_mails_total{verdict=accepted}'."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def test_the_daemon_serves_prometheus_metrics_of_what_it_took_in(world: World) -> None:
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    with dovecot((US["mailbox"], PASSWORD)) as server:
        watch(world, server.port, metrics={"port": port},
              smtp={"host": "127.0.0.1", "port": smtp.port, "security": "none"})
        good = [world.mail(f"ok{i}", attachments=[("cv.pdf", numbered_document(300 + i))]) for i in range(3)]
        forged = world.mail("forged", auth=None, attachments=[("cv.pdf", numbered_document(399))])
        auto = world.mail("auto", headers={"Auto-Submitted": "auto-replied"})
        nested = world.root / "mails" / "nested.eml"  # 1,000 multiparts one in another: the worker's parser gives up
        nested.write_bytes(NESTED)
        daemon = start_daemon(world)
        try:
            before = scrape(port)
            assert before["qlvb_mails_total{verdict=accepted}"] == 0 and before["qlvb_register_up"] == 1
            append(server, *good, forged, auto, nested)
            assert wait_for(lambda: folder_counts(server)["inbox"] == 0 and folder_counts(server)["accepted"] == 3, 60)
            assert wait_for(lambda: scrape(port)["qlvb_outbox_messages{state=queued}"] == 0, timeout=30)
            after = scrape(port)
        finally:
            stop_daemon(daemon)
        smtp.stop()
    assert after["qlvb_mails_total{verdict=accepted}"] == 3
    assert after["qlvb_mails_total{verdict=quarantined}"] == 2  # the forged one, the one that could not be parsed
    assert after["qlvb_mails_total{verdict=ignored}"] == 1
    assert after["qlvb_mails_total{verdict=returned}"] == 0
    assert after["qlvb_processing_failures_total"] == 1
    assert after["qlvb_append_to_filed_seconds_count"] == 6
    assert after["qlvb_append_to_filed_seconds_bucket{le=+Inf}"] == 6
    assert after["qlvb_append_to_filed_seconds_sum"] < 6 * 60  # each filed within a minute of its APPEND
    assert after["qlvb_outbox_messages{state=sent}"] == len(smtp.recorder.messages) >= 4  # three acks, the clerk told
    assert after["qlvb_mailbox_backlog{mailbox=vanthu}"] == 0
    assert after["qlvb_mailbox_connected{mailbox=vanthu}"] == 1
    assert after["qlvb_mailbox_failing_seconds{mailbox=vanthu}"] == 0
    assert after["qlvb_outbox_messages{state=queued}"] == 0
    assert after["qlvb_outbox_untried_seconds"] == 0  # the submission server took everything


def test_metrics_listen_on_loopback_unless_told_otherwise_and_a_taken_port_stops_the_start(world: World) -> None:
    from gateway.config import config_from_dict

    base = world.config_dict()
    assert config_from_dict({**base, "metrics": {"port": 9464}}, world.root).metrics.host == "127.0.0.1"  # type: ignore[union-attr]
    stated = config_from_dict({**base, "metrics": {"host": "0.0.0.0", "port": 9464}}, world.root)
    assert stated.metrics.host == "0.0.0.0"  # type: ignore[union-attr]
    with socket.create_server(("127.0.0.1", 0)) as taken:  # the port already taken: said at start, exit 2
        watch(world, free_port(), metrics={"port": taken.getsockname()[1]})
        done = subprocess.run([*GATEWAY, "run", "--config", str(world.config_path)], capture_output=True, text=True,
                              cwd=world.root, env=dict(os.environ, QLVB_IMAP_PASSWORD=PASSWORD), timeout=120)
    assert done.returncode == 2 and "metrics: cannot listen on 127.0.0.1" in done.stderr
    bad = world.root / "bad.yaml"
    bad.write_text(world.config_path.read_text() + "monitoring:\n  alert_after_seconds: 0\n", encoding="utf-8")
    done = world.run("status", "--config", str(bad), check=False)
    assert done.returncode == 2 and "monitoring.alert_after_seconds" in done.stderr
