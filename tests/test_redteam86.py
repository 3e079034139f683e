"""Red team 86: what changes a registered document after intake, at the same moment, on PostgreSQL; and what the
issuer's recall leaves untold. Its findings, each fixed:

F1. the unit a certified copy was passed to was never told when the issuer recalled the document: the recall destroyed
    the copy but told the units of the original only (now each destroyed line's units, by the number they know);
F2. the morning's reminders locked the lines in the order of their assignments, the recall the original and then its
    copy: each waited for the other, PostgreSQL killed one, and when it was the reminders every unit's reminder of the
    day was lost (now every transaction that locks several lines locks them in the order of their ids,
    `registry.register_line.locked_lines`)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desk_kit import UNITS
from kit import sign_pdf
from pg_locks import deadlock_timeout, sessions_waiting
from world import STP, UBND, World, certified_copy, make_world

VN = timezone(timedelta(hours=7))
IDENT = "000.00.14.H06-2026.708"
GENUINE = "V/v triển khai công tác văn thư năm 2027"
TC, VP = (u["mailbox"] for u in UNITS)


def _recall(world: World, name: str = "recall") -> Path:
    from gateway.exchange.status import RECALL

    return world.mail(name, sender=STP, subject=f"Thu hồi văn bản {IDENT}", body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": IDENT, "X-QLVB-Recall-Reason": "Sai"})


def _original_and_copy(world: World) -> tuple[int, int]:
    """UBND tỉnh's certified copy of Sở Tư pháp's 708/STP-VP (registered first), then Sở Tư pháp's own 708/STP-VP."""
    ubnd = world.pki.signer("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang")
    copy = certified_copy(world.document(number="708/STP-VP", summary=GENUINE), "UBND TỈNH BẮC GIANG", "", "5/SY-UBND")
    own = world.mail("own", sender=STP, headers={"X-QLVB-Document-Id": IDENT}, attachments=[
        ("708-STP-VP.pdf", world.signed("stp", world.document(number="708/STP-VP", summary=GENUINE)))])
    by_ubnd = world.mail("ubnd-copy", sender=UBND, attachments=[("sao-y.pdf", sign_pdf(copy, ubnd, world.pki))])
    copied, original = world.ingest(by_ubnd, own)
    assert (copied["verdict"], original["verdict"]) == ("accepted", "accepted"), (copied, original)
    return original["incoming_number"], copied["incoming_number"]


def _outbox(world: World) -> list[tuple[str, str]]:
    from registry.models import Outbox

    register = world.db() if "database" not in world.extra else None
    if register is None:
        from registry.database import Register
        register = Register(world.extra["database"])
    try:
        with register.session() as s:
            return [(k, to) for k, to in s.execute(select(Outbox.kind, Outbox.recipient).order_by(Outbox.id))]
    finally:
        register.close()


# ---- F1: the unit a certified copy was passed to is never told that the issuer recalled it -------------------------
def test_f1_the_unit_a_copy_was_passed_to_is_told_when_the_issuer_recalls_the_document(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger, units=UNITS)
    original, copy = _original_and_copy(world)
    config = str(world.config_path)
    world.run("pass", "--config", config, str(copy), "--lead", "VP")  # the copy, read first, to Văn phòng
    world.run("pass", "--config", config, str(original), "--lead", "TC")
    [out] = world.ingest(_recall(world))
    assert out["verdict"] == "ignored", out
    assert [(d.arrival_number, d.recalled) for d in world.documents()] == [(copy, True), (original, True)]
    sent = _outbox(world)
    assert ("passed", VP) in sent and ("recalled", TC) in sent, sent
    assert ("recalled", VP) in sent, sent  # Văn phòng holds the copy it was mailed, never told to destroy it
    year = datetime.now(VN).year
    assert _subjects(world, VP, "recalled") == [f"[Thu hồi] Văn bản số đến {copy}/{year} đã bị thu hồi: 708/STP-VP"]
    assert _subjects(world, TC, "recalled") == [f"[Thu hồi] Văn bản số đến {original}/{year} đã bị thu hồi: 708/STP-VP"]


def _subjects(world: World, to: str, kind: str) -> list[str]:
    """The subjects of the mails of this kind queued to `to` (each names the line by the number the unit knows)."""
    from registry.models import Outbox

    register = world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(Outbox.subject).where(Outbox.recipient == to, Outbox.kind == kind)))
    finally:
        register.close()


# ---- F2: the morning's reminders and the issuer's recall lock the same two lines in opposite orders -----------------
def test_f2_a_recall_taken_in_during_the_reminders_does_not_cost_the_mornings_reminders(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """The reminders lock each line in the order of its assignments (the copy's first, then the original's); the recall
    locks the original, then writes its copy. Each waits for the other: PostgreSQL kills one. When it is the reminders
    (the one that began waiting last finds the circle, deadlock_timeout after it began), the whole morning's run is
    rolled back: every unit's reminder of the day lost, the daemon's cron job not run again until the next morning."""
    from gateway import passing
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.passing_rules import PassRequest
    from registry.models import Document, Outbox
    from servers import postgres, wait_for

    pki, signers, stranger = province
    world = make_world(tmp_path / "pg", pki, signers, stranger, units=UNITS)
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        original, copy = _original_and_copy(world)
        [other] = world.ingest(world.mail("other", attachments=[
            ("cv.pdf", world.signed("stp", world.document(number="99/STP-VP")))]))
        gateway = Gateway.open(load_config(world.config_path))
        try:
            year, tomorrow = datetime.now(VN).year, datetime.now(VN).date() + timedelta(days=1)
            for number, lead in ((copy, "VP"), (original, "TC"), (other["incoming_number"], "TC")):
                passing.pass_on(gateway, PassRequest(year, number, lead, "lanhdao", (), tomorrow))
            outcomes: list[dict[str, Any]] = []
            takings: list[threading.Thread] = []
            context, pause = passing._context, deadlock_timeout(url) + 0.5

            def recall_meanwhile(*args: Any, **kwargs: Any) -> Any:  # the copy's line locked by the reminders
                if not takings:
                    mail = _recall(world)
                    takings.append(threading.Thread(target=lambda: outcomes.extend(world.ingest(mail, process=True))))
                    takings[0].start()
                    assert wait_for(lambda: not takings[0].is_alive() or sessions_waiting(url), timeout=120, step=0.2)
                    time.sleep(pause)  # the recall's own check for a circle made (none yet): the reminders' finds it
                return context(*args, **kwargs)
            passing._context = recall_meanwhile  # type: ignore[assignment]
            try:
                try:
                    queued: int | BaseException = passing.queue_reminders(gateway)
                except Exception as exc:  # noqa: BLE001 - what the daemon's cron job would raise
                    queued = exc
            finally:
                passing._context = context  # type: ignore[assignment]
                for taking in takings:
                    taking.join(180)
            with gateway.register.session() as s:
                reminded = set(s.scalars(select(Document.arrival_number).join(Outbox, Outbox.document_id == Document.id)
                                         .where(Outbox.kind == "reminder")))
        finally:
            gateway.close()
    assert outcomes and outcomes[0]["verdict"] == "ignored", outcomes
    assert not isinstance(queued, BaseException), repr(queued)[:600]
    assert other["incoming_number"] in reminded, (queued, reminded)  # a line nobody recalled: its unit reminded today
