"""What comes back to the gateway is believed only when it is proven: a delivery report only when
the headers it returns carry the token we gave that mail (a Message-ID alone can be guessed), a
recall only from the official mailbox of the agency that issued the document; a recall destroys
only the files nothing else in the register refers to. Real mails through `qlvb-gateway ingest`."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import json
import os
import signal
import subprocess
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from gateway.config import MailServer
from gateway.exchange import tokens
from gateway.exchange.answers import AnswerWriter
from gateway.outbox import OutboxSender
from registry.database import Register
from registry.keys import register_key
from registry.models import AuditEntry, Document, DocumentFile, Mail, Outbox, RegisterKey
from servers import postgres, wait_for
from test_daemon import SmtpServer
from world import PYTHON_C, STC, STP, US, World

RECALL = "13"


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buf.getvalue()


def _rows(world: World, model, *where):  # type: ignore[no-untyped-def]
    register = world.db()
    try:
        with register.session() as s:
            return s.scalars(select(model).where(*where).order_by(*model.__mapper__.primary_key)).all()
    finally:
        register.close()


def _actions(world: World) -> list[str]:
    return [a.action for a in _rows(world, AuditEntry)]


def _stored(world: World, digest: str) -> Path:
    return world.root / "store" / "sha256" / digest[:2] / digest


def _acknowledged(world: World, number: str) -> Outbox:
    """A document from Sở Tư pháp registered: its acknowledgement, queued in the outbox."""
    path = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number=number)))])
    assert world.ingest(path)[0]["verdict"] == "accepted"
    [ack] = _rows(world, Outbox, Outbox.kind == "ack")
    assert ack.recipient == STP and ack.state == "queued"
    return ack


def _report(world: World, name: str, returned: str, *, headers_only: bool) -> Path:
    """A bounce as a mail server writes it (RFC 3464): the status, then what it returns of the mail."""
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.bacgiang.gov.vn"
    report["To"] = US["mailbox"]
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = f"<{name}@mx.bacgiang.gov.vn>"
    report.set_content("Thư không chuyển được.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"')
    report.set_boundary("b1")
    report.attach(email.message_from_string(
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.bacgiang.gov.vn\n\n"
        f"Final-Recipient: rfc822; {STP}\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown\n"))
    if headers_only:
        part = EmailMessage()
        part.set_content(returned)
        part.replace_header("Content-Type", "text/rfc822-headers")
        report.attach(part)
    else:
        wrapper = EmailMessage()
        wrapper.set_content(email.message_from_string(returned))
        report.attach(wrapper)
    path = world.root / "mails" / f"{name}.eml"
    path.write_bytes(report.as_bytes())
    return path


def _header_block(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii") + "\r\n"


def _recall(world: World, name: str, sender: str, identifier: str) -> Path:
    return world.mail(name, sender=sender, subject=f"Thu hồi văn bản {identifier}",
                      body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": identifier,
                               "X-QLVB-Recall-Reason": "Sai thể thức"})


def test_a_forged_report_changes_nothing_and_the_answer_is_still_sent(world: World) -> None:
    """A report naming our acknowledgement's Message-ID but returning no token, or a wrong one, is
    kept in the audit log as unproven; the acknowledgement stays queued and reaches the server."""
    ack = _acknowledged(world, "801/STP-VP")
    bare = f"From: {US['mailbox']}\r\nTo: {STP}\r\nMessage-ID: {ack.message_id}\r\n"
    wrong = bare + f"{tokens.HEADER}: {hashlib.sha256(b'guess').hexdigest()[:tokens.LENGTH]}\r\n"
    outs = world.ingest(_report(world, "no-token", bare, headers_only=False),
                        _report(world, "wrong-token", wrong, headers_only=True))
    assert [o["verdict"] for o in outs] == ["ignored", "ignored"]
    [row] = _rows(world, Outbox, Outbox.message_id == ack.message_id)
    assert row.state == "queued" and row.last_error is None
    unproven = [a.details for a in _rows(world, AuditEntry, AuditEntry.action == "delivery-report-unproven")]
    assert [(d["outbox_id"], d["why"]) for d in unproven] == [(ack.id, "no-token"), (ack.id, "wrong-token")]
    assert "delivery-report-failed" not in _actions(world)

    smtp = SmtpServer()
    smtp.start()
    try:
        register = world.db()
        try:
            sent = OutboxSender(register, MailServer(host="127.0.0.1", port=smtp.port, security="none"),
                                US["mailbox"]).send_due()
        finally:
            register.close()
    finally:
        smtp.stop()
    assert sent >= 1
    assert ack.message_id in [m["Message-ID"] for m in smtp.recorder.messages]
    [row] = _rows(world, Outbox, Outbox.message_id == ack.message_id)
    assert row.state == "sent"


def test_a_report_returning_our_token_marks_the_answer_failed(world: World) -> None:
    """The headers the server returns (text/rfc822-headers) carry X-QLVB-Token: the report is ours."""
    ack = _acknowledged(world, "802/STP-VP")
    assert world.ingest(_report(world, "bounce", _header_block(ack.raw), headers_only=True))[0]["verdict"] == "ignored"
    [row] = _rows(world, Outbox, Outbox.message_id == ack.message_id)
    assert row.state == "failed" and "550 5.1.1 mailbox unknown" in (row.last_error or "")
    assert "delivery-report-failed" in _actions(world) and "delivery-report-unproven" not in _actions(world)


def test_a_recall_destroys_only_what_is_the_recalled_documents_alone(world: World) -> None:
    """The same signed PDF came from Sở Tư pháp (registered, with its draft) and from Sở Tài chính (a
    duplicate of it, its file kept). Sở Tư pháp recalls its own: its mail and draft are destroyed,
    the PDF stays in the store, readable, for Sở Tài chính's mail still refers to it."""
    pdf = world.signed("stp", world.document(number="55/STP-VP"))
    draft = _docx("Dự thảo của Sở Tư pháp")
    first = world.mail("from-stp", attachments=[("cv.pdf", pdf), ("du-thao.docx", draft)],
                       headers={"X-QLVB-Document-Id": "STP-2027.55"})
    second = world.mail("from-stc", sender=STC, attachments=[("cv.pdf", pdf)])
    outs = world.ingest(first, second)
    assert [o["verdict"] for o in outs] == ["accepted", "duplicate"]
    pdf_sha, draft_sha = hashlib.sha256(pdf).hexdigest(), hashlib.sha256(draft).hexdigest()
    mails = {m.from_address: m for m in _rows(world, Mail)}
    assert all(_stored(world, d).exists() for d in (pdf_sha, draft_sha, mails[STP].sha256, mails[STC].sha256))

    assert world.ingest(_recall(world, "recall", STP, "STP-2027.55"))[0]["verdict"] == "ignored"

    [document] = _rows(world, Document)
    assert document.recalled and document.arrival_number == 1 and document.pdf_sha256 is None
    assert _stored(world, pdf_sha).read_bytes() == pdf  # Sở Tài chính's copy of the same file
    assert not _stored(world, draft_sha).exists() and not _stored(world, mails[STP].sha256).exists()
    assert _stored(world, mails[STC].sha256).exists()
    assert [f.sha256 for f in _rows(world, DocumentFile)] == [pdf_sha]  # the duplicate's line of it
    answer = next(o for o in _rows(world, Outbox, Outbox.kind == "recall-answer"))
    assert answer.recipient == STP and email.message_from_bytes(answer.raw)["X-QLVB-Status"] == "15"


def test_each_draft_of_a_mail_of_two_documents_goes_with_the_document_it_is_named_after(world: World) -> None:
    """Red team 85 left it: a mail of two documents linked every draft to the last one registered, so the recall of one
    took the other's draft and left its own. A draft named after a document goes with it; one named after neither
    stays the mail's (no recall of either takes it); a mail of one document keeps every draft with it, as before."""
    pdfs = {n: world.signed("stp", world.document(number=f"{n}/STP-VP")) for n in (55, 56)}
    drafts = {n: _docx(f"Dự thảo văn bản {n}") for n in (55, 56)}
    loose = _docx("Dự thảo chung")
    mail = world.mail("two", attachments=[("55-STP-VP.pdf", pdfs[55]), ("56-STP-VP.pdf", pdfs[56]),
                                          ("56-STP-VP.docx", drafts[56]), ("55-STP-VP_du-thao.docx", drafts[55]),
                                          ("du-thao.docx", loose)])
    assert [o["verdict"] for o in world.ingest(mail)] == ["accepted", "accepted"]
    numbers = {d.id: d.notation for d in _rows(world, Document)}
    linked = {f.filename: numbers.get(f.document_id) for f in _rows(world, DocumentFile)}
    assert linked == {"55-STP-VP.pdf": "55/STP-VP", "56-STP-VP.pdf": "56/STP-VP", "56-STP-VP.docx": "56/STP-VP",
                      "55-STP-VP_du-thao.docx": "55/STP-VP", "du-thao.docx": None}
    one = world.mail("one", attachments=[("cv.pdf", world.signed("stp", world.document(number="57/STP-VP"))),
                                         ("du-thao.docx", _docx("Dự thảo văn bản 57"))])
    assert world.ingest(one)[0]["verdict"] == "accepted"
    numbers = {d.id: d.notation for d in _rows(world, Document)}
    assert {numbers.get(f.document_id) for f in _rows(world, DocumentFile) if f.mail_id == 2} == {"57/STP-VP"}


def test_a_document_recalled_and_sent_again_under_its_number_is_registered_anew(world: World) -> None:
    """Sở Tư pháp recalls 55/STP-VP (wrong form) and sends it again corrected, under the same number: the
    corrected one is a new document of the register (the next number), not a duplicate of the recalled."""
    first = world.mail("first", attachments=[("cv.pdf", world.signed("stp", world.document(number="55/STP-VP")))],
                       headers={"X-QLVB-Document-Id": "STP-2027.55"})
    assert world.ingest(first)[0]["incoming_number"] == 1
    assert world.ingest(_recall(world, "recall", STP, "STP-2027.55"))[0]["verdict"] == "ignored"
    corrected = world.document(number="55/STP-VP", summary="V/v triển khai (đã sửa thể thức)")
    again = world.ingest(world.mail("again", attachments=[("cv.pdf", world.signed("stp", corrected))]))[0]
    assert (again["verdict"], again["incoming_number"]) == ("accepted", 2)


def test_a_recall_from_an_agency_that_did_not_issue_the_document_changes_nothing(world: World) -> None:
    """Sở Tài chính forwarded a document Sở Tư pháp issued and signed (registered on its signature),
    then asks for it back: it is not the issuer, so nothing is destroyed and nobody is answered. Its
    identifier is not the document's name either (only the issuer's mailbox names it): the issuer
    recalling under it finds nothing of ours."""
    pdf = world.signed("stp", world.document(number="66/STP-VP"))
    forwarded = world.mail("forwarded", sender=STC, attachments=[("cv.pdf", pdf)],
                           headers={"X-QLVB-Document-Id": "STC-2027.9"})
    out = world.ingest(forwarded)[0]
    assert (out["verdict"], out["basis"]) == ("accepted", "signature")
    outbox_before = [o.id for o in _rows(world, Outbox)]

    assert world.ingest(_recall(world, "not-issuer", STC, "STC-2027.9"))[0]["verdict"] == "ignored"

    [document] = _rows(world, Document)
    assert not document.recalled and document.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert _stored(world, document.pdf_sha256).read_bytes() == pdf
    # a name no document of ours bears, and no name of Sở Tài chính's own (its code begins its names): nobody answered,
    # as a recall of another's document we hold is not (red team 158: the answer 16 told which ones we hold)
    assert [(o.kind, o.recipient) for o in _rows(world, Outbox) if o.id not in outbox_before] == []

    assert document.peer_document_id is None
    assert world.ingest(_recall(world, "issuer", STP, "STC-2027.9"))[0]["verdict"] == "ignored"
    [document] = _rows(world, Document)
    assert not document.recalled


def test_a_replay_under_the_issuers_next_name_does_not_make_its_recall_destroy_another(world: World) -> None:
    """A forger replays an older document of Sở Tư pháp's under the name its gateway gives its next send
    (names are consecutive); Sở Tư pháp then sends that document and recalls it. The replay's name was
    kept, and the recall destroyed the old document, left the recalled one live and answered 15 for it
    (red team). Only the issuer's own mailbox names a document now."""
    old = world.signed("stp", world.document(number="50/STP-VP", summary="V/v báo cáo cũ"))
    recalled = world.signed("stp", world.document(number="77/STP-VP", summary="V/v văn bản bị thu hồi"))
    name = "000.00.14.H06-2027.77"
    replay = world.mail("replay", sender="x@evil.example", auth=None, attachments=[("cv.pdf", old)],
                        headers={"X-QLVB-Document-Id": name})
    other = world.mail("other", sender=STC, attachments=[("cv.pdf", old)], headers={"X-QLVB-Document-Id": name})
    sent = world.mail("sent", attachments=[("cv.pdf", recalled)], headers={"X-QLVB-Document-Id": name})
    assert [o["verdict"] for o in world.ingest(replay, other, sent)] == ["accepted", "duplicate", "accepted"]
    world.ingest(_recall(world, "recall", STP, name))
    documents = {d.notation: d for d in _rows(world, Document)}
    assert documents["50/STP-VP"].peer_document_id is None and not documents["50/STP-VP"].recalled
    assert documents["77/STP-VP"].peer_document_id == name and documents["77/STP-VP"].recalled


def test_the_issuers_recall_to_another_agency_replayed_to_us_destroys_nothing(world: World) -> None:
    """Red team, 2026-12-04: Sở Tư pháp's genuine recall, sent to Sở Tài chính (its To signed by DKIM), replayed to us
    whole: it was honoured, our copy of the document destroyed. A recall is acted on only when addressed to us."""
    pdf = world.signed("stp", world.document(number="78/STP-VP"))
    world.ingest(world.mail("sent", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.78"}))
    outbox_before = [o.id for o in _rows(world, Outbox)]
    recall = world.mail("recall-to-stc", sender=STP, to=[STC], subject="Thu hồi văn bản STP-2027.78",
                        body="Đề nghị thu hồi văn bản đã gửi.\n",
                        headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": "STP-2027.78",
                                 "X-QLVB-Recall-Reason": "Gửi nhầm"})
    world.ingest(recall)
    [document] = _rows(world, Document)
    assert not document.recalled and _stored(world, hashlib.sha256(pdf).hexdigest()).read_bytes() == pdf
    assert [o.kind for o in _rows(world, Outbox) if o.id not in outbox_before] == []
    assert "recall-not-ours" in _actions(world)


def test_the_issuers_recall_is_honoured_and_answered_15(world: World) -> None:
    """As before: the issuer's authenticated mailbox recalls what it sent us; the line stays, the
    content goes, the clerk is told and the issuer answered 15 (agreed)."""
    pdf = world.signed("stp", world.document(number="77/STP-VP"))
    world.ingest(world.mail("sent", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.77"}))
    world.ingest(_recall(world, "recall", STP, "STP-2027.77"))
    [document] = _rows(world, Document)
    assert document.recalled and document.notation == "77/STP-VP" and document.subject is None
    assert not _stored(world, hashlib.sha256(pdf).hexdigest()).exists()
    answer = next(o for o in _rows(world, Outbox, Outbox.kind == "recall-answer"))
    parsed = email.message_from_bytes(answer.raw)
    assert (answer.recipient, parsed["X-QLVB-Status"], parsed["X-QLVB-Document-Id"]) == (STP, "15", "STP-2027.77")


def test_message_ids_are_not_computable_and_every_mail_carries_a_valid_token(world: World) -> None:
    """Two answers rendered from the same inputs get different Message-IDs; every outbox row carries
    X-QLVB-Token = HMAC(the register's key, its Message-ID); the key is one per register, never logged."""
    urgent = world.document(number="88/STP-VP", urgency="Hỏa tốc")
    world.ingest(world.mail("urgent", attachments=[("cv.pdf", world.signed("stp", urgent))]))
    rows = _rows(world, Outbox)
    assert {o.kind for o in rows} >= {"ack", "alert"}
    register = world.db()
    try:
        key = register_key(register)
        assert register_key(register) == key and len(_rows(world, RegisterKey)) == 1
    finally:
        register.close()
    for row in rows:
        parsed = email.message_from_bytes(row.raw, policy=email.policy.default)
        assert parsed["Message-ID"] == row.message_id
        assert parsed[tokens.HEADER] == tokens.token(key, row.message_id)
        assert tokens.issued(key, row.message_id, parsed[tokens.HEADER])
    assert len({o.message_id for o in rows}) == len(rows)

    writer = AnswerWriter(US["name"], US["mailbox"], key)
    context = {"subject": "S", "sender": STP, "held": [], "source": "x.pdf", "plan": None}
    one, two = (writer.render("outgoing-held", US["mailbox"], context, key="same", in_reply_to=None) for _ in range(2))
    assert one.message_id != two.message_id
    assert not tokens.issued(key, two.message_id, email.message_from_bytes(one.raw)[tokens.HEADER])

    logged = json.dumps([a.details for a in _rows(world, AuditEntry)])
    assert key.hex() not in logged and "register-key-created" in _actions(world)


def test_a_document_whose_issuer_is_unread_is_named_and_recalled_by_the_mailbox_it_came_from(world: World) -> None:
    """On the official-mailbox route with no issuer read, the mailbox it came from may recall it
    (recall.issuer_mailbox): its name is kept from that mailbox, and its recall finds the document."""
    pdf = world.document(number="88/STP-VP", issuer="", issuer_parent=None)  # unsigned: its mailbox vouches
    [out] = world.ingest(world.mail("sent", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.88"}))
    assert (out["verdict"], out["basis"]) == ("accepted", "official-mailbox")
    assert "issuer-unread" in {r["code"] for r in out["reasons"]}
    world.ingest(_recall(world, "recall", STP, "STP-2027.88"))
    [document] = _rows(world, Document)
    assert document.peer_document_id == "STP-2027.88" and document.recalled


# a defect put in for a test, by kind: `fail`, the recall's audit entry raises (after its files were chosen);
# `kill`, the process killed (SIGKILL) once the recall is committed, before its files are destroyed; `vanish`,
# the files of the mail destroyed once they are stored, before its transaction (another process's recall);
# `stuck`, the store refuses to delete the file named by $QLVB_STUCK (a folder the gateway may not write in:
# an `ingest` once run as root made it, and CI runs as root, so a file mode would not stop the test);
# `pause`, the mail's transaction waits, once it has found its files in the store, until $QLVB_FLAG.go appears
DEFECT = """
import os, signal, sys, time
import gateway.intake.pipeline as pipeline
from registry import audit
from registry.store import ContentStore
from gateway.cli import main

kind, calls = sys.argv.pop(1), []
real_record, real_store = audit.record, pipeline.Intake.store_files
real_destroy = getattr(pipeline.Intake, "destroy_recalled", None)

def record(session, action, **details):
    if kind == "fail" and action == "recall-received":
        raise ValueError("a defect put in for the test")
    real_record(session, action, **details)

def store_files(self, item, facts, stored):
    real_store(self, item, facts, stored)
    calls.append("store")
    if kind == "vanish" and calls.count("store") == 1:
        for attachment in facts.attachments:
            self.gw.store.destroy(attachment.sha256)
    if kind == "pause" and calls.count("store") == 2:  # the second: inside the transaction
        open(os.environ["QLVB_FLAG"] + ".ready", "w").close()
        end = time.monotonic() + 60
        while time.monotonic() < end and not os.path.exists(os.environ["QLVB_FLAG"] + ".go"):
            time.sleep(0.05)

real_unlink = ContentStore.destroy

def destroy(self, digest):
    if kind == "stuck" and digest == os.environ["QLVB_STUCK"]:
        raise PermissionError(13, "Permission denied")
    return real_unlink(self, digest)

ContentStore.destroy = destroy

def destroy_recalled(self):
    calls.append("destroy")
    if kind == "kill" and calls.count("destroy") == 2:  # the first is at the start
        os.kill(os.getpid(), signal.SIGKILL)
    real_destroy(self)

audit.record, pipeline.Intake.store_files = record, store_files
if real_destroy is not None:
    pipeline.Intake.destroy_recalled = destroy_recalled
sys.argv[0] = "qlvb-gateway"
sys.exit(main())
"""


def _ingest_with(world: World, kind: str, mail: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTHON_C, DEFECT, kind, "ingest", "--config", str(world.config_path), "--json", str(mail)],
                          capture_output=True, text=True, cwd=world.root, timeout=300,
                          env=dict(os.environ, PYTHONWARNINGS="ignore", **env))


def _recalled_pdf(world: World, number: str, ident: str) -> tuple[bytes, Path]:
    """Sở Tư pháp's document registered under its peer name `ident`, and the path of its PDF in the store."""
    pdf = world.signed("stp", world.document(number=number))
    [out] = world.ingest(world.mail(f"sent-{ident}", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": ident}))
    assert out["verdict"] == "accepted"
    return pdf, _stored(world, hashlib.sha256(pdf).hexdigest())


def test_a_recall_whose_recording_fails_leaves_the_document_whole(world: World) -> None:
    """The recall's files are destroyed only once its transaction commits: a failure after the files were
    chosen (the recall's audit entry raises) rolls everything back, the recall is held in quarantine, and
    the document it named is still registered with its PDF in the store (destroyed inside the transaction,
    they were gone: a live document without its file)."""
    pdf, stored = _recalled_pdf(world, "91/STP-VP", "STP-2027.91")
    done = _ingest_with(world, "fail", _recall(world, "recall", STP, "STP-2027.91"))
    [out] = [json.loads(line) for line in done.stdout.splitlines()]
    assert (out["verdict"], [r["code"] for r in out["reasons"]]) == ("quarantined", ["processing-failed"]), done.stderr
    [document] = _rows(world, Document)
    assert not document.recalled and document.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert stored.read_bytes() == pdf
    assert "files-to-destroy" not in _actions(world)


def test_the_files_of_a_recall_a_killed_process_left_are_destroyed_at_the_next_start(world: World) -> None:
    """The recall committed, the process killed (SIGKILL) before its files were destroyed: the document is
    recalled, its PDF still in the store; the next `ingest` destroys it first, and only once."""
    pdf, stored = _recalled_pdf(world, "92/STP-VP", "STP-2027.92")
    done = _ingest_with(world, "kill", _recall(world, "recall", STP, "STP-2027.92"))
    assert done.returncode == -signal.SIGKILL
    [document] = _rows(world, Document)
    assert document.recalled and stored.exists()

    world.ingest(world.mail("unrelated", attachments=[("cv.pdf", world.signed("stp", world.document(number="93/STP-VP")))]))
    world.ingest(world.mail("another", attachments=[("cv.pdf", world.signed("stp", world.document(number="94/STP-VP")))]))
    assert not stored.exists()
    destroyed = [a.details for a in _rows(world, AuditEntry, AuditEntry.action == "files-destroyed")]
    assert len(destroyed) == 1 and hashlib.sha256(pdf).hexdigest() in destroyed[0]["destroyed"]


def test_a_file_destroyed_after_a_mail_stored_it_is_written_again_in_its_transaction(world: World) -> None:
    """Sở Tài chính sends a PDF: the file is in the store when the mail has been analysed, and another
    process's recall destroys it before the mail's transaction. The transaction finds it gone and writes
    it again from the mail: the line of the register refers to a file that is there."""
    pdf = world.signed("stp", world.document(number="95/STP-VP"))
    digest = hashlib.sha256(pdf).hexdigest()
    done = _ingest_with(world, "vanish", world.mail("from-stc", sender=STC, attachments=[("cv.pdf", pdf)]))
    assert done.returncode == 0, done.stderr
    assert _stored(world, digest).read_bytes() == pdf
    assert [f.sha256 for f in _rows(world, DocumentFile)] == [digest]


def test_a_file_the_store_will_not_let_go_stops_neither_intake_nor_the_other_recalls(world: World) -> None:
    """Red team 27: one file that could not be deleted (PermissionError) made every later `ingest` end with
    status 1 before reading a mail, every later recall wait behind it, and the daemon retry a mail for ever.
    Now the recall is recorded, the file named in the log and tried again at each start; a stranger's
    mail saying it is a recall, an unrelated letter and the next recall go through; once the store lets go,
    the next start destroys it."""
    pdf, stored = _recalled_pdf(world, "96/STP-VP", "STP-2027.96")
    other, other_stored = _recalled_pdf(world, "97/STP-VP", "STP-2027.97")
    stuck = {"QLVB_STUCK": hashlib.sha256(pdf).hexdigest()}
    done = _ingest_with(world, "stuck", _recall(world, "recall-96", STP, "STP-2027.96"), **stuck)
    assert done.returncode == 0, done.stderr
    assert "could not be destroyed" in done.stderr and "PermissionError" in done.stderr
    stranger = world.mail("stranger", sender="vanthu@evil.example", auth=None,
                          headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": "STP-2027.97"})
    letter = world.mail("letter", attachments=[("cv.pdf", world.signed("stp", world.document(number="98/STP-VP")))])
    for mail in (stranger, letter, _recall(world, "recall-97", STP, "STP-2027.97")):
        done = _ingest_with(world, "stuck", mail, **stuck)
        assert done.returncode == 0 and json.loads(done.stdout.splitlines()[0])["verdict"] != "processing-failed", done.stderr
    documents = {d.notation: d for d in _rows(world, Document)}
    assert documents["96/STP-VP"].recalled and documents["97/STP-VP"].recalled and not documents["98/STP-VP"].recalled
    assert stored.exists() and not other_stored.exists()

    world.ingest(world.mail("next", attachments=[("cv.pdf", world.signed("stp", world.document(number="99/STP-VP")))]))
    assert not stored.exists()


def test_a_recalled_mail_read_again_does_not_bring_its_files_back(world: World) -> None:
    """Red team 27: the recalled document's mail read again (`ingest` run again on its folder, a mailbox
    fetched anew) is known, and what its analysis wrote to the store again is destroyed."""
    pdf = world.signed("stp", world.document(number="81/STP-VP"))
    original = world.mail("sent", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.81"})
    world.ingest(original)
    world.ingest(_recall(world, "recall", STP, "STP-2027.81"))
    stored = _stored(world, hashlib.sha256(pdf).hexdigest())
    assert not stored.exists()
    [again] = world.ingest(original)
    assert again["already_processed"] is True
    assert not stored.exists() and not _stored(world, hashlib.sha256(original.read_bytes()).hexdigest()).exists()


def test_the_issuers_own_copy_sent_again_goes_with_the_recalled_document(world: World) -> None:
    """Red team 27: Sở Tư pháp sent the same letter twice (the second held as a duplicate of the first),
    then recalled it: its second mail, the whole document in it, stayed in the store for good. It goes
    too now; Sở Tài chính's copy of the same file stays (its own mail, the first test of recalls above)."""
    pdf = world.signed("stp", world.document(number="82/STP-VP"))
    first = world.mail("first", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.82"})
    second = world.mail("second", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.82"})
    assert [o["verdict"] for o in world.ingest(first, second)] == ["accepted", "duplicate"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.82"))
    mails = _rows(world, Mail, Mail.from_address == STP)
    assert all(not _stored(world, m.sha256).exists() and not m.stored for m in mails if m.verdict != "ignored")
    assert not _stored(world, hashlib.sha256(pdf).hexdigest()).exists()
    assert _rows(world, DocumentFile) == []


def test_on_postgresql_a_recall_waits_for_the_mail_that_found_its_file_in_the_store(world: World) -> None:
    """Red team 27: two `ingest`s on one PostgreSQL register. Sở Tài chính's mail carries a form that Sở Tư
    pháp's recalled letter carried too; its transaction has found the form in the store when the recall
    commits in the other process, which counted no row referring to it (the mail's not yet committed) and
    destroyed it: a live document's file gone. The destruction waits for the mail's transaction now, 2 s at most,
    then is left to the next start, which destroys the recalled letter's own PDF and keeps the form."""
    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        form = b"Mau bao cao kem theo\n" * 50
        letter = world.signed("stp", world.document(number="83/STP-VP"))
        world.ingest(world.mail("sent", attachments=[("cv.pdf", letter), ("mau.txt", form)],
                                headers={"X-QLVB-Document-Id": "STP-2027.83"}))
        carrying = world.mail("from-stc", sender=STC, attachments=[
            ("cv.pdf", world.signed("stp", world.document(number="84/STP-VP"))), ("mau.txt", form)])
        flag = str(world.root / "flag")
        command = [*PYTHON_C, DEFECT, "pause", "ingest", "--config", str(world.config_path), "--json", str(carrying)]
        mail = subprocess.Popen(command, cwd=world.root, env=dict(os.environ, PYTHONWARNINGS="ignore", QLVB_FLAG=flag),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            assert wait_for(lambda: os.path.exists(flag + ".ready"), timeout=120)
            recall = subprocess.Popen([*PYTHON_C, DEFECT, "none", "ingest", "--config", str(world.config_path),
                                       "--json", str(_recall(world, "recall", STP, "STP-2027.83"))], cwd=world.root,
                                      env=dict(os.environ, PYTHONWARNINGS="ignore"), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, start_new_session=True)
            time.sleep(8)  # the recall recorded, its destruction given up after waiting for the mail's transaction
            Path(flag + ".go").touch()
            assert mail.wait(timeout=120) == 0 and recall.wait(timeout=120) == 0, recall.stderr.read() if recall.stderr else ""
        finally:
            for process in (mail,):
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
        register = Register(url)
        try:
            with register.session() as session:
                documents = {d.notation: d.recalled for d in session.scalars(select(Document))}
                digest = hashlib.sha256(form).hexdigest()
                rows = session.scalars(select(DocumentFile.sha256).where(DocumentFile.sha256 == digest)).all()
        finally:
            register.close()
        assert documents == {"83/STP-VP": True, "84/STP-VP": False}
        assert rows and _stored(world, rows[0]).read_bytes() == form
        world.ingest(world.mail("next", attachments=[("cv.pdf", world.signed("stp", world.document(number="86/STP-VP")))]))
        assert not _stored(world, hashlib.sha256(letter).hexdigest()).exists()
        assert _stored(world, rows[0]).read_bytes() == form


def test_the_issuers_copies_go_with_its_recalled_letter_whoever_sent_it_first(world: World) -> None:
    """Red team 28: Sở Tài chính forwarded the letter first (registered from its mail), Sở Tư pháp's own mail
    came second (a duplicate) and signed again a third time (another file, a duplicate too). The recall took
    the registered copy and left the issuer's own two (copies were looked for from the forwarder's mailbox,
    and by the file's hash)."""
    plain = world.document(number="84/STP-VP")
    first, again = world.signed("stp", plain), world.signed("stp", plain)
    assert first != again
    outs = world.ingest(world.mail("fwd", sender=STC, attachments=[("cv.pdf", first)]),
                        world.mail("own", attachments=[("cv.pdf", first)], headers={"X-QLVB-Document-Id": "STP-2027.84"}),
                        world.mail("resigned", attachments=[("cv.pdf", again)]))
    assert [o["verdict"] for o in outs] == ["accepted", "duplicate", "duplicate"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.84"))
    [document] = _rows(world, Document)
    assert document.recalled
    copies = [m for m in _rows(world, Mail) if m.verdict != "ignored"]
    assert len(copies) == 3 and not any(m.stored or _stored(world, m.sha256).exists() for m in copies)
    assert not any(_stored(world, hashlib.sha256(pdf).hexdigest()).exists() for pdf in (first, again))


def test_a_copy_carrying_a_document_of_its_own_is_left_whole(world: World) -> None:
    """Red team 28: the issuer's second mail carried the recalled letter (a duplicate) and another letter,
    returned (its signature broken): the recall destroyed that mail whole, the returned letter's record with it."""
    letter = world.signed("stp", world.document(number="85/STP-VP"))
    broken = world.signed("stp", world.document(number="93/STP-VP", summary="V/v khác")).replace(
        b"Written by MuPDF", b"Written by MuPDG", 1)
    outs = world.ingest(world.mail("first", attachments=[("cv.pdf", letter)], headers={"X-QLVB-Document-Id": "STP-2027.85"}),
                        world.mail("second", attachments=[("cv.pdf", letter), ("khac.pdf", broken)]))
    assert [o["verdict"] for o in outs] == ["accepted", "duplicate", "returned"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.85"))
    second = next(m for m in _rows(world, Mail) if m.verdict == "duplicate")
    assert second.stored and _stored(world, second.sha256).exists()
    assert _stored(world, hashlib.sha256(broken).hexdigest()).read_bytes() == broken


def test_a_copy_of_last_years_document_of_the_same_number_stays(world: World) -> None:
    """Red team 29: Sở Tư pháp's letter 71 was number 1 of last year (the register's year put back for the test);
    its letter 72 is number 1 of this one, and it sends 71 again, signed again (a duplicate of number 1). The
    recall of 72 destroyed that copy of 71, a live document's, its signed file with it: copies were told by the
    number alone. Now by the number and date read, or by the very file."""
    from sqlalchemy import delete

    from registry.models import NumberSeries

    plain = world.document(number="71/STP-VP", summary="V/v năm trước")
    first, again = world.signed("stp", plain), world.signed("stp", plain)
    world.ingest(world.mail("x", attachments=[("cv.pdf", first)], headers={"X-QLVB-Document-Id": "STP-2026.71"}))
    register = world.db()
    with register.session() as session, session.begin():
        session.scalars(select(Document)).one().year -= 1
        session.execute(delete(NumberSeries))
    register.close()
    world.ingest(world.mail("y", attachments=[("cv.pdf", world.signed("stp", world.document(number="72/STP-VP")))],
                            headers={"X-QLVB-Document-Id": "STP-2027.72"}))
    [copy] = world.ingest(world.mail("x-again", attachments=[("cv.pdf", again)]))
    assert (copy["verdict"], copy["duplicate_of"]) == ("duplicate", 1)
    world.ingest(_recall(world, "recall", STP, "STP-2027.72"))
    kept = next(m for m in _rows(world, Mail) if m.verdict == "duplicate")
    assert kept.stored and _stored(world, kept.sha256).exists()
    assert _stored(world, hashlib.sha256(again).hexdigest()).read_bytes() == again


def test_the_issuers_copy_returned_for_a_broken_appendix_goes_with_the_letter(world: World) -> None:
    """Red team 29: Sở Tư pháp sent its letter again with an appendix that is no PDF; that mail was returned
    (not a duplicate) and kept the recalled PDF in the store for good, downloadable at the desk."""
    pdf = world.signed("stp", world.document(number="76/STP-VP"))
    outs = world.ingest(world.mail("first", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.76"}),
                        world.mail("again", attachments=[("cv.pdf", pdf), ("phu-luc.pdf", b"%PDF-1.7\n not a pdf")]))
    assert [o["verdict"] for o in outs] == ["accepted", "returned"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.76"))
    again = next(m for m in _rows(world, Mail) if m.verdict == "returned")
    assert not again.stored and not _stored(world, again.sha256).exists()
    assert not _stored(world, hashlib.sha256(pdf).hexdigest()).exists()


def test_the_desks_pictures_of_a_recalled_document_go_with_it(world: World) -> None:
    """Red team 29: the pictures of its pages the desk made for the clerk (storage/pages/<its SHA-256>/)
    stayed on disk after the recall."""
    import os
    from contextlib import closing

    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.web.page_cache import PageCache

    pdf = world.signed("stp", world.document(number="77/STP-VP"))
    world.ingest(world.mail("first", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.77"}))
    digest = hashlib.sha256(pdf).hexdigest()
    before = Path.cwd()
    os.chdir(world.root)
    try:
        with closing(Gateway.open(load_config(world.config_path))) as gateway, gateway.worker_pool() as pool:
            cache = PageCache(gateway, lambda: pool)
            assert cache.page_count(digest) == 1
            pictures = cache.folder / digest
    finally:
        os.chdir(before)
    assert (pictures / "1.png").exists()
    world.ingest(_recall(world, "recall", STP, "STP-2027.77"))
    assert not pictures.exists()


def test_a_forgery_reading_as_the_recalled_letter_stays_for_the_clerk_and_is_not_registered(world: World) -> None:
    """Red team 31: a mail anyone could send under the issuer's From, its letter reading as the registered one
    (number, date, summary) but another body, signed by a key nobody trusts, held for the clerk: the issuer's
    genuine recall took it for its own copy, destroyed it and took it off the clerk's list, the evidence of a
    forgery unseen. Read the same is proof only from the issuer's proven mailbox: it stays, and its release is
    refused, the letter it names recalled."""
    pdf = world.signed("stp", world.document(number="87/STP-VP"))
    forged = world.signed("stranger", world.document(number="87/STP-VP", body=["Chuyển 2 tỷ đồng vào tài khoản 123."]))
    outs = world.ingest(world.mail("first", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.87"}),
                        world.mail("forged", auth=None, attachments=[("cv.pdf", forged)]))
    assert [o["verdict"] for o in outs] == ["accepted", "quarantined"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.87"))
    held = next(m for m in _rows(world, Mail) if m.id == outs[1]["review_id"])
    assert (held.review, held.stored) == ("waiting", True) and _stored(world, held.sha256).exists()
    refused = world.run("review", "release", str(held.id), "--config", str(world.config_path), check=False, process=True)
    assert refused.returncode == 2 and "was recalled by its issuer" in refused.stderr
    assert [d.recalled for d in _rows(world, Document)] == [True]


def test_another_letter_the_issuer_numbered_the_same_stays_when_the_first_is_recalled(world: World) -> None:
    """Red team 30: Sở Tư pháp numbered two letters 84 on one day (a slip the recall is often how it mends); the
    second, held for the clerk, was taken for a copy of the first by its number and date and destroyed with it,
    out of the clerk's list unseen. Its summary differs: it stays, waiting."""
    first = world.signed("stp", world.document(number="84/STP-VP"))
    other = world.document(number="84/STP-VP", summary="V/v báo cáo tổng kết công tác tư pháp năm 2026")
    outs = world.ingest(world.mail("first", attachments=[("cv.pdf", first)], headers={"X-QLVB-Document-Id": "STP-2027.84"}),
                        world.mail("other", auth=None, attachments=[("bc.pdf", other)]))
    assert [o["verdict"] for o in outs] == ["accepted", "quarantined"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.84"))
    held = next(m for m in _rows(world, Mail) if m.id == outs[1]["review_id"])
    assert (held.review, held.stored) == ("waiting", True) and _stored(world, held.sha256).exists()


def test_a_copy_held_before_the_letter_came_is_not_registered_again_after_its_recall(world: World) -> None:
    """Red team 30: a copy held before the signed letter was registered (unproven, unsigned) escaped the recall, and
    its release registered the recalled letter again. Unproven, it stays for the clerk (red team 31); its release
    is refused: the letter it names was recalled."""
    signed = world.signed("stp", world.document(number="85/STP-VP"))
    outs = world.ingest(world.mail("held", auth=None, attachments=[("cv.pdf", world.document(number="85/STP-VP"))]),
                        world.mail("first", attachments=[("cv.pdf", signed)], headers={"X-QLVB-Document-Id": "STP-2027.85"}))
    assert [o["verdict"] for o in outs] == ["quarantined", "accepted"]
    world.ingest(_recall(world, "recall", STP, "STP-2027.85"))
    refused = world.run("review", "release", str(outs[0]["review_id"]), "--config", str(world.config_path), check=False)
    assert refused.returncode == 2 and "was recalled by its issuer" in refused.stderr
    assert [d.recalled for d in _rows(world, Document)] == [True]
