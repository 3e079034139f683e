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
from world import GATEWAY_EXEC, World


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
        subprocess.Popen([*GATEWAY_EXEC, "ingest", "--config", str(world.config_path), "--json", *map(str, batch + first[:5])],
                         cwd=world.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in (first, second)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
    _check_register(url, 60, 60)


def _kill_and_rerun(world: World, url: str, mails: list[Path], kills: int) -> None:
    for attempt in range(kills):
        proc = subprocess.Popen([*GATEWAY_EXEC, "ingest", "--config", str(world.config_path), "--json", *map(str, mails)],
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


def test_an_attempt_cleared_by_the_other_gateway_meanwhile_is_counted_anew() -> None:
    """Gateway A reads a mail's attempts row; gateway B finishes that mail and clears the row; A's update
    then matches no row. A counts the mail anew (its first attempt) instead of dying: the race that once
    stopped one of two gateways ingesting the same mails (StaleDataError on mail_attempts)."""
    from sqlalchemy import delete, event

    from gateway.guard import Attempts
    from registry.models import MailAttempt

    with postgres() as url:
        ours, theirs = Register(url), Register(url)
        attempts = Attempts(ours)
        attempts.begin_batch(["a" * 64])  # begun once before (a batch)

        def the_other_gateway_clears_it(orm_execute_state):  # type: ignore[no-untyped-def]
            if not orm_execute_state.is_select or cleared:
                return None
            cleared.append(True)
            read = orm_execute_state.invoke_statement().freeze()  # A has read the row...
            with theirs.session() as session, session.begin():  # ...and B clears it
                session.execute(delete(MailAttempt).where(MailAttempt.sha256 == "a" * 64))
            return read()

        cleared: list[bool] = []
        event.listen(ours.sessions, "do_orm_execute", the_other_gateway_clears_it, retval=True)
        try:
            # the row read, then cleared by the other gateway before the update: counted anew, not an exception
            assert attempts.begin(["a" * 64]) == {"a" * 64: 1} and cleared
        finally:
            event.remove(ours.sessions, "do_orm_execute", the_other_gateway_clears_it)
            ours.close()
            theirs.close()
