"""Red team 149: the fixes of red team 148 attacked both ways: recall's withdrawn and held outbox rows (a race with the
outbox's sender, a sender that dies, a slow server, PostgreSQL), `sent_of_number`, and the resolver's new rules
(`_ADDRESS`, `_NO_UNIT`, `_our_own`, "(Phòng …)" notes, the new titles).

Sở Nội vụ tỉnh Bắc Giang's gateway in this process (tests/test_redteam148.py's way), its directory test 148's plus a
few more agencies (Trung tâm Chuyển đổi số, UBND huyện Yên Dũng, Trung tâm Y tế huyện Yên Dũng), a real aiosmtpd
server receiving."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from servers import postgres
from test_redteam148 import (DIRECTORY as DIRECTORY148, Agency, mailed, opened_agency, our_letter, plan, resolutions,
                             send)
from world import STC, STP, UBND

SYT = "vanthu@syt.bacgiang.gov.vn"
TTCDS = "vanthu@ttcds.bacgiang.gov.vn"
UBND_YD = "vanthu@yendung.bacgiang.gov.vn"
TTYT_YD = "vanthu@ttyt.yendung.bacgiang.gov.vn"

DIRECTORY = DIRECTORY148 + f"""000.30.00.H06,Trung tâm Chuyển đổi số tỉnh Bắc Giang,{TTCDS},Trung tâm Chuyển đổi số,
000.40.00.H06,UBND huyện Yên Dũng,{UBND_YD},UBND huyện Yên Dũng,
000.41.00.H06,Trung tâm Y tế huyện Yên Dũng,{TTYT_YD},Trung tâm Y tế huyện Yên Dũng|TTYT huyện Yên Dũng,
"""


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Agency]:  # type: ignore[no-untyped-def]
    with opened_agency(tmp_path_factory.mktemp("rt149") / "agency", province, DIRECTORY, "QLVB_RT149_P12") as opened:
        yield opened


def name_of(number: str) -> str:
    return number.replace("/", "-") + ".pdf"


def lines(agency: Agency, identifier: str) -> dict[str, tuple[str, str | None]]:
    """Each recipient's (state, recall) of an outgoing document."""
    from registry.models import OutgoingDocument, OutgoingRecipient

    with agency.gateway.register.session() as s:
        doc = s.scalars(select(OutgoingDocument).where(OutgoingDocument.identifier == identifier)).one()
        return {r.mailbox: (r.state, r.recall) for r in s.scalars(select(OutgoingRecipient)
                                                                   .where(OutgoingRecipient.document_id == doc.id))}


def recalls_to(agency: Agency, identifier: str) -> list[list[str]]:
    return [to for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == identifier and m.get("X-QLVB-Status")]


def outbox_sender(agency: Agency) -> Any:
    from gateway.outbox import OutboxSender

    config = agency.gateway.config
    return OutboxSender(agency.gateway.register, config.smtp, config.agency.mailbox)


def clear(agency: Agency) -> None:
    agency.send_now(datetime.now(timezone.utc) + timedelta(days=1))  # what earlier tests left waiting, gone


# ---- smoke ---------------------------------------------------------------------------------------------------------

def test_smoke_the_extra_directory_resolves(agency: Agency) -> None:
    p = plan(agency, ["- Trung tâm Y tế huyện Yên Dũng;", "- UBND huyện Yên Dũng."])
    assert p.sendable and mailed(p) == sorted([TTYT_YD, UBND_YD]), resolutions(p)


# ---- 1. `_our_own`: an entry ending in "Sở" is skipped whole -------------------------------------------------------

@pytest.mark.parametrize("entry,meant", [
    ("- Sở Y tế và các đơn vị trực thuộc Sở.", SYT),
    ("- Sở Tài chính, Lãnh đạo Sở (b/c).", STC),
    ("- Giám đốc Sở Y tế, Phó Giám đốc Sở.", SYT),
], ids=["syt-units", "stc-and-leaders", "gd-syt-pgd"])
def test_an_agency_in_an_entry_ending_in_so_is_dropped_unsaid(agency: Agency, entry: str, meant: str) -> None:
    """Forger / careless clerk: an entry naming another Sở that ends with the bare word "Sở" ("Sở Y tế và các đơn vị
    trực thuộc Sở": Sở Y tế's own units) is skipped whole as our own internal copy: the Sở it names is neither mailed
    nor held, the send goes without it."""
    p = plan(agency, [entry, "- Sở Tư pháp."])
    assert not p.sendable or meant in mailed(p), (entry, resolutions(p), mailed(p))


@pytest.mark.parametrize("entry,meant", [
    ("- Trung tâm Chuyển đổi số.", TTCDS),
    ("- Trung tâm Chuyển đổi số tỉnh Bắc Giang (phối hợp), Trung tâm Chuyển đổi số.", TTCDS),
], ids=["ttcds", "ttcds-twice"])
def test_genuine_an_agency_whose_name_ends_in_so_digital_is_skipped(agency: Agency, entry: str, meant: str) -> None:
    """Genuine: "Trung tâm Chuyển đổi số" (every province has one; its name, folded, ends in "SO", the fold of "số"
    as of "Sở"): skipped as if it were our own "Sở", never mailed, though the directory has it."""
    p = plan(agency, [entry])
    assert p.sendable and mailed(p) == [meant], (entry, resolutions(p))


def test_genuine_an_unknown_body_ending_in_so_is_skipped_not_held(agency: Agency) -> None:
    """Genuine: "Ban Chỉ đạo Chuyển đổi số tỉnh" written "Ban Chỉ đạo chuyển đổi số" — no agency of the directory: it
    should be held unresolved for the clerk; it is skipped as our own, and the letter goes without it unsaid."""
    p = plan(agency, ["- Ban Chỉ đạo chuyển đổi số.", "- Sở Tư pháp."])
    assert not p.sendable, (resolutions(p), mailed(p))


@pytest.mark.parametrize("entry", ["- Giám đốc Sở (b/c);", "- Các Phó Giám đốc Sở;", "- Thủ trưởng các đơn vị thuộc Sở;",
                                   "- Cổng TTĐT Sở."])
def test_genuine_our_own_leaders_and_units_are_skipped(agency: Agency, entry: str) -> None:
    """Control: our own leaders and units written bare."""
    p = plan(agency, [entry, "- Sở Tư pháp."])
    assert p.sendable and mailed(p) == [STP], (entry, resolutions(p))


@pytest.mark.parametrize("entry,meant", [
    ("- Giám đốc các Sở: Tư pháp, Tài chính.", [STP, STC]),
    ("- Các Sở: Tư pháp, Y tế.", [STP, SYT]),
], ids=["gd-cac-so", "cac-so"])
def test_genuine_cac_so_groups(agency: Agency, entry: str, meant: list[str]) -> None:
    """Control: "các Sở" lists."""
    p = plan(agency, [entry])
    assert p.sendable and mailed(p) == sorted(meant), (entry, resolutions(p))


# ---- 2. `_ADDRESS`: an address written so the pattern misses it ----------------------------------------------------

@pytest.mark.parametrize("entry", [
    "- Sở Tư pháp (qua thư điện tử attacker @ evil.example).",
    "- Sở Tư pháp (qua thư điện tử attacker[at]evil.example).",
    "- Sở Tư pháp (qua thư điện tử hoặc evil.example/nop-van-ban).",
], ids=["spaced-at", "bracket-at", "bare-web-address"])
def test_an_address_written_to_escape_the_pattern_is_mailed_unsaid(agency: Agency, entry: str) -> None:
    """Forger: the address of red team 148 written as readers still read it (spaces around "@", "[at]", a web
    address without "www." or "http://"): the bracket is dropped as a note, the letter mailed to Sở Tư pháp, the
    address never shown."""
    p = plan(agency, [entry])
    assert not p.sendable or p.warnings, (entry, resolutions(p))


def test_an_address_wrapped_across_two_lines_is_mailed_unsaid(agency: Agency) -> None:
    """Forger: a long address wraps in the block's narrow column right after its "@" (the next line carries the
    rest): joined with a space, "_ADDRESS" no longer sees it."""
    number, pdf = our_letter([], recipients=["Nơi nhận:", "- Lưu: VT, VP.", "Bản điện tử:",
                                             "- Sở Tư pháp (qua thư điện tử phong.vanthu.tuphap@",
                                             "evil-mail.example).", "- Sở Tài chính."])
    p = send(agency, number, pdf, dry_run=True).plan
    assert not p.sendable or p.warnings, (resolutions(p), mailed(p))


def test_control_an_address_plainly_written_is_held(agency: Agency) -> None:
    assert not plan(agency, ["- Sở Tư pháp (qua thư điện tử attacker@evil.example)."]).sendable


# ---- 3. `_NO_UNIT`: a firm or a person written so the list misses it -----------------------------------------------

@pytest.mark.parametrize("entry", [
    "- Sở Tài chính: CTCP Kiểm toán XYZ.",
    "- Sở Tài chính: C.ty TNHH Kiểm toán XYZ.",
    "- Sở Y tế: HTX Dược liệu An Bình.",
    "- Sở Tư pháp: Luật sư Nguyễn Văn A.",
    "- Sở Tư pháp: anh Nguyễn Văn A.",
    "- Sở Tư pháp: Nguyễn Văn A.",
], ids=["ctcp", "c.ty", "htx", "luat-su", "anh", "bare-name"])
def test_a_firm_or_person_written_otherwise_goes_to_the_head_alone(agency: Agency, entry: str) -> None:
    """Forger: the company or person of red team 148 written as blocks write them ("CTCP", "C.ty", "HTX", "Luật sư",
    "anh", a name alone): taken for one of the head's units, mailed to the head, the firm or person dropped unsaid."""
    p = plan(agency, [entry])
    assert not p.sendable, (entry, resolutions(p))


# ---- 4. "(Phòng …)" a note --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry,meant", [
    ("- Sở Tư pháp (Phòng Tư pháp huyện Yên Dũng).", UBND_YD),
    ("- Sở Y tế (Phòng khám đa khoa tư nhân An Bình).", None),
], ids=["phong-of-a-huyen", "private-clinic"])
def test_a_phong_bracket_naming_another_body_is_dropped_as_a_note(agency: Agency, entry: str, meant: str | None) -> None:
    """Forger: "(Phòng …)" is now a note; a bracket naming a Phòng that is not the head's ("Phòng Tư pháp huyện Yên
    Dũng" is UBND huyện Yên Dũng's; a private clinic is nobody's) is dropped, the letter mailed to the head alone."""
    p = plan(agency, [entry])
    assert not p.sendable or (meant is not None and meant in mailed(p)), (entry, resolutions(p))


def test_control_a_phong_of_the_head_is_a_note(agency: Agency) -> None:
    p = plan(agency, ["- Sở Tư pháp (Phòng Hành chính tư pháp)."])
    assert p.sendable and mailed(p) == [STP], resolutions(p)


# ---- 5. titles ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry,meant", [
    ("- TT UBND huyện Yên Dũng.", [UBND_YD]),
    ("- TT Y tế huyện Yên Dũng.", [TTYT_YD]),
    ("- PGĐ Sở Tư pháp.", [STP]),
    ("- Thường trực UBND tỉnh.", [UBND]),
], ids=["tt-ubnd", "tt-yte", "pgd", "thuong-truc"])
def test_genuine_titles(agency: Agency, entry: str, meant: list[str]) -> None:
    """Control / genuine: "TT UBND" a title, "TT Y tế" a Trung tâm."""
    p = plan(agency, [entry])
    assert p.sendable and mailed(p) == sorted(meant), (entry, resolutions(p))


# ---- 6. numbers ---------------------------------------------------------------------------------------------------------

def test_control_the_same_number_with_four_leading_zeros_is_said(agency: Agency) -> None:
    """Control: `sent_of_number` builds heads of up to 3 leading zeros; "0000906/SNV-VP" (4) is still said."""
    _, first = our_letter(["- Sở Tư pháp."], number="906/SNV-VP", date=(2, 12, 2026))
    assert send(agency, "906/SNV-VP", first).registered
    _, again = our_letter(["- Sở Tư pháp."], number="0000906/SNV-VP", date=(2, 12, 2026))
    out = send(agency, "0000906/SNV-VP", again, dry_run=True)
    assert "sent-before" in [w.code for w in out.plan.warnings], out.plan.as_json()["warnings"]


def test_control_number_used_on_another_date_is_said(agency: Agency) -> None:
    _, first = our_letter(["- Sở Tư pháp."], number="907/SNV-VP", date=(1, 12, 2026))
    assert send(agency, "907/SNV-VP", first).registered
    _, other = our_letter(["- Sở Tài chính."], number="0907/SNV-VP", date=(4, 12, 2026), summary="V/v khác")
    out = send(agency, "0907/SNV-VP", other, dry_run=True)
    assert "number-used" in [w.code for w in out.plan.warnings], out.plan.as_json()["warnings"]


# ---- 7. recall against the outbox ---------------------------------------------------------------------------------------

def test_a_letter_whose_lease_ran_out_while_the_server_was_slow_is_delivered_and_never_recalled(agency: Agency) -> None:
    """Race: a sender took the letter; the recipient's server is slow, the lease (2 min) runs out before it answers;
    the clerk recalls then: `withdraw` sees the lease over and settles the letter at once as never sent — no notice is
    made, none held. The server then takes the letter: it is recorded sent, and no recall ever follows it."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    sender = outbox_sender(agency)
    taken_at = datetime.now(timezone.utc) - timedelta(minutes=2, seconds=5)  # taken 2 min 5 s ago
    [letter], _ = sender._claim(taken_at)
    recalled = recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    sender._record(send_all(mail_server(sender.server), [letter]), taken_at)  # the slow server says 250
    agency.send_now()
    assert agency.smtp.to(name_of(number)) == [SYT]  # delivered
    assert [SYT] in recalls_to(agency, out.plan.identifier), \
        f"recalled ({recalled}) while the server had it; delivered, no recall; lines {lines(agency, out.plan.identifier)}"


def test_a_sender_that_died_after_the_server_took_the_letter_leaves_it_unrecalled(agency: Agency) -> None:
    """Crash: the daemon's sender handed the letter to the server (250) and was killed before writing it down; the
    clerk recalls it (the notice held); the lease over, `_settle_withdrawn` decides no sender sent it and withdraws
    the notice: the recipient has the letter and never hears of its recall (without the recall, the outbox would have
    sent the letter again: it knows it may have gone)."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    sender = outbox_sender(agency)
    now = datetime.now(timezone.utc)
    [letter], _ = sender._claim(now)
    send_all(mail_server(sender.server), [letter])  # the server took it; the sender dies here
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    agency.send_now(now + timedelta(minutes=3))  # the lease over
    agency.send_now(now + timedelta(minutes=4))
    assert agency.smtp.to(name_of(number)) == [SYT]
    assert [SYT] in recalls_to(agency, out.plan.identifier), \
        f"delivered, recalled, no notice ever: lines {lines(agency, out.plan.identifier)}"


def test_a_sent_letter_told_late_is_left_withdrawn_on_the_recipients_line(agency: Agency) -> None:
    """Race: the letter sent past its lease (a slow server), settled meanwhile as never sent; its sender then writes
    down the server's 250: the notice goes (fixed), but the recipient's line stays "withdrawn" ("Không gửi (thu hồi
    trước khi gửi đi)") though the letter reached them."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    sender = outbox_sender(agency)
    now = datetime.now(timezone.utc)
    [letter], _ = sender._claim(now)
    results = send_all(mail_server(sender.server), [letter])
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    agency.send_now(now + timedelta(minutes=3))  # the lease over: settled, never sent
    sender._record(results, now)  # told late
    agency.send_now(now + timedelta(minutes=4))
    assert agency.smtp.to(name_of(number)) == [SYT]
    assert lines(agency, out.plan.identifier)[SYT][0] == "sent", lines(agency, out.plan.identifier)


def test_a_letter_not_yet_begun_in_the_senders_batch_still_goes_after_its_recall(agency: Agency) -> None:
    """Race with the daemon: the outbox takes a batch (a letter to Sở Tài chính, then ours to Sở Y tế); while the
    server takes the first (slowly), the clerk recalls ours: it is withdrawn, yet the sender, never looking again,
    begins it afterwards and the server delivers it; the recall follows it. It had not begun when it was recalled."""
    from gateway.exchange.recall import recall_outgoing

    clear(agency)
    first_in = threading.Event()
    go = threading.Event()
    original = agency.smtp.handle_DATA

    async def slow(server, session, envelope):  # type: ignore[no-untyped-def]
        if STC in envelope.rcpt_tos and not first_in.is_set():
            first_in.set()
            go.wait(20)
        return await original(server, session, envelope)

    number1, pdf1 = our_letter(["- Sở Tài chính."])
    number2, pdf2 = our_letter(["- Sở Y tế."])
    assert send(agency, number1, pdf1).registered
    out = send(agency, number2, pdf2)
    agency.smtp.handle_DATA = slow  # type: ignore[method-assign]
    try:
        worker = threading.Thread(target=agency.send_now)
        worker.start()
        assert first_in.wait(20)
        recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
        go.set()
        worker.join(30)
    finally:
        go.set()
        agency.smtp.handle_DATA = original  # type: ignore[method-assign]
    agency.send_now()
    assert agency.smtp.to(name_of(number1)) == [STC]
    assert agency.smtp.to(name_of(number2)) == [], f"recalled before it began, delivered: {lines(agency, out.plan.identifier)}"


def _deferred_then_recalled(agency: Agency) -> tuple[str, Any, Any]:
    """Our letter to Sở Y tế, deferred by its server (451), then recalled: (its number, the send, the recall)."""
    from gateway.exchange.recall import recall_outgoing

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    agency.smtp.refuse[SYT] = "451 4.7.1 try again later"
    try:
        out = send(agency, number, pdf)
        agency.send_now()
    finally:
        agency.smtp.refuse.clear()
    return number, out, recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")


def test_a_deferred_letter_recalled_is_withdrawn_its_notice_with_it(agency: Agency) -> None:
    """Control (fix): deferred (451), recalled: never sent, the notice withdrawn when its retry time comes."""
    from registry.models import Outbox

    number, out, recalled = _deferred_then_recalled(agency)
    agency.send_now()
    agency.send_now(datetime.now(timezone.utc) + timedelta(hours=3))
    assert agency.smtp.to(name_of(number)) == [] and recalls_to(agency, out.plan.identifier) == []
    assert lines(agency, out.plan.identifier)[SYT][0] == "withdrawn"
    with agency.gateway.register.session() as s:
        notices = s.scalars(select(Outbox.state).where(Outbox.kind == "recall",
                                                       Outbox.recipient == SYT).order_by(Outbox.id.desc())).first()
    assert notices == "withdrawn", (notices, recalled)


def test_a_deferred_letter_recalled_says_a_notice_went_to_an_agency_that_never_got_either(agency: Agency) -> None:
    """Deferred (451), recalled, its retry never made: the letter and the notice are withdrawn, yet the recipient's
    line keeps recall "requested" ("Đã đề nghị thu hồi"), and `recall` told the clerk "Đã xếp thông báo thu hồi … đến:
    Sở Y tế": the desk says Sở Y tế was asked to recall a letter it never got."""

    _, out, _ = _deferred_then_recalled(agency)
    agency.send_now(datetime.now(timezone.utc) + timedelta(hours=3))
    state, recall = lines(agency, out.plan.identifier)[SYT]
    assert not (state == "withdrawn" and recall == "requested"), (state, recall)


def test_next_due_wakes_for_a_withdrawn_letter_and_nothing_stays_held(agency: Agency) -> None:
    """Control: after every test above, nothing is left held or queued for ever once time passes."""
    from registry.models import Outbox, OutgoingRecipient

    agency.send_now(datetime.now(timezone.utc) + timedelta(days=2))
    with agency.gateway.register.session() as s:
        held = s.scalars(select(Outbox.id).where(Outbox.state.in_(("held", "queued")))).all()
        queued = s.scalars(select(OutgoingRecipient.id).where(OutgoingRecipient.state == "queued")).all()
    assert held == [] and queued == [], (held, queued)


# ---- 8. PostgreSQL: recall reads the outbox row unlocked ---------------------------------------------------------------

def test_postgresql_a_sender_claiming_the_letter_as_recall_reads_it_sends_it_unrecalled(
        tmp_path: Path, province) -> None:  # type: ignore[no-untyped-def]
    """Race on PostgreSQL (two gateways, or the daemon and `recall` at the command line): `recall_outgoing` reads the
    letter's outbox row without a lock (`session.get`); between that read and its commit, the daemon's sender claims
    the row (its lease written, committed). `withdraw` sees the stale "never taken" and settles the letter as never
    sent: no notice made, the recipient's line "withdrawn"; the sender sends the letter, the server takes it, it is
    recorded sent — delivered after its recall, and no recall ever follows."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    with postgres() as url, opened_agency(tmp_path / "agency", province, DIRECTORY, "QLVB_RT149PG_P12", url) as agency:
        gateway, handler = agency.gateway, agency.smtp
        number, pdf = our_letter(["- Sở Y tế."])
        out = send(agency, number, pdf)
        assert out.registered, out.as_json()
        daemon = outbox_sender(agency)
        taken: list[Any] = []
        claims: list[threading.Thread] = []

        def between(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if not claims and statement.lstrip().upper().startswith("SELECT") and "FROM outbox" in statement \
                    and "WHERE outbox.id =" in statement:
                # the daemon, on its own connection and thread, claiming between the recall's read and its commit
                claims.append(threading.Thread(target=lambda: taken.append(daemon._claim(datetime.now(timezone.utc))[0])))
                claims[0].start()
                claims[0].join(timeout=2)  # (fixed: the recall holds the row; the claim waits for its commit)

        event.listen(gateway.register.engine, "after_cursor_execute", between)
        try:
            recalled = recall_outgoing(gateway, out.plan.identifier, "Sai số liệu", "clerk")
        finally:
            event.remove(gateway.register.engine, "after_cursor_execute", between)
        assert claims
        claims[0].join(timeout=30)
        assert taken, "the daemon's claim never ended"
        if taken[0]:
            daemon._record(send_all(mail_server(daemon.server), taken[0]), datetime.now(timezone.utc))
        agency.send_now()
        agency.send_now(datetime.now(timezone.utc) + timedelta(minutes=5))
        delivered = handler.to(name_of(number))
        notices = [to for to, m in handler.got if m.get("X-QLVB-Status")]
        assert delivered == [] or [SYT] in notices, \
            f"recall said {recalled}; the letter delivered to {delivered}, notices {notices}; " \
            f"lines {lines(agency, out.plan.identifier)}"


def test_fixed_a_letter_withdrawn_at_once_then_told_taken_has_its_recall_requested_on_its_line(agency: Agency) -> None:
    """(fixed, red team 149's lease case) the letter's lease ran out while the server was slow, the clerk recalled it
    (withdrawn at once, its notice kept withdrawn), then the server's "taken" was told: the notice goes, and the
    recipient's line says the letter was sent and its recall requested."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    agency.send_now(datetime.now(timezone.utc) + timedelta(days=1))  # what earlier tests left waiting, gone
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    sender = outbox_sender(agency)
    taken_at = datetime.now(timezone.utc) - timedelta(minutes=10)  # its lease long over
    [letter], _ = sender._claim(taken_at)
    recalled = recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    assert recalled.withheld == [SYT]
    sender._record(send_all(mail_server(sender.server), [letter]), datetime.now(timezone.utc))
    agency.send_now()
    assert lines(agency, out.plan.identifier) == {SYT: ("sent", "requested")}
    assert [to for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == out.plan.identifier
            and m.get("X-QLVB-Status")] == [[SYT]]
