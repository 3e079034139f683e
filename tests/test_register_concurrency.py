"""Incoming numbers stay consecutive and unique (000 Đ9.2): two gateways ingesting into one
PostgreSQL register at once, and a gateway killed mid-ingest and run again (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from born_digital import numbered_document
from registry.database import Register
from registry.models import Document, Mail, Outbox
from servers import postgres
from world import GATEWAY, World


def _mails(world: World, count: int, first: int) -> list[Path]:
    """`count` mails, each its own document (same PDF bytes would be duplicates), numbered from `first`."""
    return [world.mail(f"m-{n:04d}", auth="smtp", attachments=[("cv.pdf", numbered_document(n))])
            for n in range(first, first + count)]


def _check_register(url: str, expected_documents: int, expected_mails: int) -> None:
    register = Register(url)
    with register.session() as s:
        numbers = sorted(s.scalars(select(Document.arrival_number)))
        assert numbers == list(range(1, expected_documents + 1)), "no gap, no repeat"
        assert s.scalar(select(func.count()).select_from(Mail)) == expected_mails
        acks = s.scalars(select(Outbox.mail_id).where(Outbox.kind == "ack")).all()
        assert len(acks) == len(set(acks)) == expected_documents, "one acknowledgement per registered mail"
    register.close()


@pytest.fixture
def pg_world(world: World):  # type: ignore[no-untyped-def]
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        yield world, url


def test_two_gateways_at_once_on_postgresql(pg_world) -> None:  # type: ignore[no-untyped-def]
    world, url = pg_world
    first, second = _mails(world, 30, 1), _mails(world, 30, 101)
    world.extra["limits"] = {"workers": 1}
    world.write_config()
    Register(url).close()  # migrate once before the race
    procs = [
        subprocess.Popen([*GATEWAY, "ingest", "--config", str(world.config_path), "--json", *map(str, batch + first[:5])],
                         cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in (first, second)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
    _check_register(url, 60, 60)


def _kill_and_rerun(world: World, url: str, mails: list[Path], kills: int) -> None:
    for attempt in range(kills):
        proc = subprocess.Popen([*GATEWAY, "ingest", "--config", str(world.config_path), "--json", *map(str, mails)],
                                cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                start_new_session=True)
        # wait until it has registered some mails, then kill the whole process group with SIGKILL
        lines = 0
        assert proc.stdout is not None
        for _ in proc.stdout:
            lines += 1
            if lines >= 3 + attempt * 4:
                break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    world.ingest(*mails)
    _check_register(url, len(mails), len(mails))


def test_killed_mid_ingest_on_sqlite(world: World) -> None:
    mails = _mails(world, 25, 1)
    _kill_and_rerun(world, f"sqlite:///{world.root / 'qlvb.db'}", mails, kills=3)


def test_killed_mid_ingest_on_postgresql(pg_world) -> None:  # type: ignore[no-untyped-def]
    world, url = pg_world
    mails = _mails(world, 25, 1)
    _kill_and_rerun(world, url, mails, kills=3)


def test_audit_log_is_append_only_on_postgresql(pg_world) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    world, url = pg_world
    world.ingest(world.mail("one", auth="smtp", attachments=[("a.pdf", world.document())]))
    register = Register(url)
    with pytest.raises(DatabaseError, match="append-only"):
        with register.session() as s, s.begin():
            s.execute(text("DELETE FROM audit_log"))
    register.close()
