"""A recall taken in by the daemon while the morning's reminders are queued, or while a clerk passes the same document
on, on PostgreSQL (READ COMMITTED: each transaction sees what the other committed only once it is committed; SQLite lets
one writer in at a time, so neither race exists there). Red team 84 left the first; the second came with it:

1. the reminders read the line before the recall committed and queued their mails after it: a unit told to destroy its
   copy was then reminded that its deadline is near (failed before the fix);
2. the clerk's passing on (the line locked, the units' mails queued, not yet committed) and the issuer's recall at the
   same moment: the recall must tell the units the passing is adding. It did, but only because its write of the line,
   flushed before it reads the units, waited for the passing (passed before the fix too: a guard, not a finding).

Both now lock the line as passing on locks it: whichever comes second waits and reads what the first did."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from desk_kit import UNITS
from pg_locks import sessions_waiting
from servers import postgres, wait_for
from test_trust_exchange import STP, _recall
from world import World, make_world

VN = timezone(timedelta(hours=7))
IDENT = "000.00.14.H06-2026.91"
UNIT_MAILBOXES = {u["mailbox"] for u in UNITS}


@dataclass
class Registered:
    world: World
    url: str
    number: int


@pytest.fixture
def registered(tmp_path, province) -> Iterator[Registered]:  # type: ignore[no-untyped-def]
    """Sở Tư pháp's signed letter registered on PostgreSQL, under the name its gateway gave it."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "pg", pki, signers, stranger, units=UNITS)
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        letter = world.signed("stp", world.document(number="91/STP-VP"))
        [out] = world.ingest(world.mail("letter", attachments=[("cv.pdf", letter)], headers={"X-QLVB-Document-Id": IDENT}))
        assert out["verdict"] == "accepted", out
        yield Registered(world, url, out["incoming_number"])


def _recall_taken_in(r: Registered, outcomes: list[dict[str, Any]]) -> threading.Thread:
    """The issuer's recall, taken in by `ingest` (a process of its own, as the daemon is), started."""
    mail = _recall(r.world, "recall", STP, IDENT)
    taking = threading.Thread(target=lambda: outcomes.extend(r.world.ingest(mail, process=True)))
    taking.start()
    return taking


def _to_units(gateway: Any) -> list[tuple[str, str]]:
    """(kind, recipient) of every mail queued to a unit, in the order they were queued."""
    from registry.models import Outbox

    with gateway.register.session() as session:
        rows = session.execute(select(Outbox.kind, Outbox.recipient).order_by(Outbox.id)).all()
    return [(kind, to) for kind, to in rows if to in UNIT_MAILBOXES]


def test_a_recall_taken_in_while_the_document_is_passed_on_is_sent_to_every_unit(
        registered: Registered, monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway import passing
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.passing_rules import PassRequest

    gateway = Gateway.open(load_config(registered.world.config_path))
    try:
        queued, go, told = threading.Event(), threading.Event(), passing.tell_sender

        def tell_then_wait(*args: Any, **kwargs: Any) -> Any:  # the units' mails queued, the passing not committed
            answer = told(*args, **kwargs)
            queued.set()
            go.wait(90)
            return answer
        monkeypatch.setattr(passing, "tell_sender", tell_then_wait)
        request = PassRequest(datetime.now(VN).year, registered.number, "TC", "lanhdao", ("VP",), None)
        passer = threading.Thread(target=passing.pass_on, args=(gateway, request))
        passer.start()
        assert queued.wait(30)
        outcomes: list[dict[str, Any]] = []
        taking = _recall_taken_in(registered, outcomes)
        try:
            assert wait_for(lambda: sessions_waiting(registered.url), timeout=90, step=0.2)  # the recall waits
        finally:
            go.set()
            passer.join(60)
            taking.join(120)
        assert outcomes and outcomes[0]["verdict"] != "quarantined", outcomes
        sent = _to_units(gateway)
    finally:
        gateway.close()
    assert sorted(sent) == sorted([("passed", m) for m in UNIT_MAILBOXES] + [("recalled", m) for m in UNIT_MAILBOXES]), sent


def test_no_unit_is_reminded_of_a_document_after_it_was_told_the_document_is_recalled(
        registered: Registered, monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway import passing
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.passing_rules import PassRequest

    gateway = Gateway.open(load_config(registered.world.config_path))
    try:
        tomorrow = datetime.now(VN).date() + timedelta(days=1)
        passing.pass_on(gateway, PassRequest(datetime.now(VN).year, registered.number, "TC", "lanhdao", ("VP",), tomorrow))
        outcomes: list[dict[str, Any]] = []
        takings: list[threading.Thread] = []
        context = passing._context

        def recall_meanwhile(*args: Any, **kwargs: Any) -> Any:  # the reminders have read the line
            if not takings:
                takings.append(_recall_taken_in(registered, outcomes))
                # the recall done (it waited for nothing), or waiting for the reminders' transaction
                assert wait_for(lambda: not takings[0].is_alive() or sessions_waiting(registered.url), timeout=120,
                                step=0.2)
            return context(*args, **kwargs)
        monkeypatch.setattr(passing, "_context", recall_meanwhile)
        passing.queue_reminders(gateway)
        takings[0].join(120)
        assert outcomes and outcomes[0]["verdict"] != "quarantined", outcomes
        sent = _to_units(gateway)
    finally:
        gateway.close()
    for mailbox in UNIT_MAILBOXES:
        kinds = [kind for kind, to in sent if to == mailbox]
        assert "recalled" in kinds, sent
        assert "reminder" not in kinds[kinds.index("recalled"):], sent  # reminded after being told to destroy it
