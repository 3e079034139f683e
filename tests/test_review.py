"""The clerk's review of held mails: list, show, release (registered with the next number and
acknowledged), return (the clerk's reason sent back), discard; each in the audit log with who."""

from __future__ import annotations

import email
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from world import STP, World


def held(world: World, *numbers: str) -> list[int]:
    """Unauthenticated mails, one a document, taken in by one ingest: their review ids."""
    mails = [world.mail(f"held-{n.split('/')[0]}", auth=None, attachments=[("cv.pdf", world.document(number=n))])
             for n in numbers]
    outs = world.ingest(*mails)
    assert [o["verdict"] for o in outs] == ["quarantined"] * len(numbers)
    return [o["review_id"] for o in outs]


def test_the_clerk_releases_refuses_to_return_and_discards_held_mails(world: World) -> None:
    from registry.models import AuditEntry, Document, Mail, Outbox

    first, second, third = held(world, "501/STP-VP", "502/STP-VP", "503/STP-VP")
    config = ["--config", str(world.config_path)]
    listed = json.loads(world.run("review", "list", *config, "--json", process=True).stdout)
    assert [r["id"] for r in listed] == [first, second, third]
    assert listed[0]["reasons"] == ["sender-unauthenticated"]
    shown = json.loads(world.run("review", "show", str(first), *config, "--json", process=True).stdout)
    assert shown["files"][0]["filename"] == "cv.pdf" and shown["history"][0]["action"] == "intake-quarantined"

    released = json.loads(world.run("review", "release", str(first), *config, "--json", "--actor", "nguyen.van.a", process=True).stdout)
    assert released["incoming_number"] == 1 and released["document"]["number"] == "501/STP-VP"
    assert released["acknowledged_to"] == STP  # the issuer's directory mailbox
    # nothing proves who sent the second: a return could reach anyone; the clerk is told to discard it
    refused = world.run("review", "return", str(second), *config, "--reason", "Không xác minh được người gửi", check=False, process=True)
    assert refused.returncode == 2 and "nothing proves the sender" in refused.stderr and "discard" in refused.stderr
    said = world.run("review", "discard", str(second), *config, "--actor", "nguyen.van.a", "--note", "giả mạo", process=True)
    assert said.stdout.strip() == f"Đã bỏ qua thư số {second} (không trả lời)."  # said, not silent (a newcomer)
    said = world.run("review", "discard", str(third), *config, "--actor", "nguyen.van.a", "--json")
    assert json.loads(said.stdout) == {"id": third, "review": "discarded"}
    again = world.run("review", "release", str(first), *config, check=False)
    assert again.returncode == 2 and "not waiting" in again.stderr
    assert json.loads(world.run("review", "list", *config, "--json").stdout) == []

    register = world.db()
    with register.session() as s:
        document = s.scalars(select(Document)).one()
        assert (document.arrival_number, document.notation, document.basis) == (1, "501/STP-VP", "clerk")
        answers = {(o.kind, o.mail_id, o.recipient) for o in s.scalars(select(Outbox).where(Outbox.kind != "alert"))}
        assert answers == {("ack", first, STP)}
        assert {m.id: m.review for m in s.scalars(select(Mail))} == {first: "released", second: "discarded", third: "discarded"}
        actions = [(a.action, a.actor) for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("review-%")))]
        assert actions == [("review-release", "nguyen.van.a"), ("review-discard", "nguyen.van.a"),
                           ("review-discard", "nguyen.van.a")]
    register.close()


def test_a_forged_sender_gets_no_answer_from_the_clerks_decisions(world: World) -> None:
    """Answers only to the proven (issue 10): a forged From gets neither the return nor the
    acknowledgement; the release acknowledges to the issuer's directory mailbox, or to nobody."""
    from registry.models import AuditEntry, Document, Outbox

    forger = "vanthu@sotp-bacgiang.example"
    known = world.mail("forged-known", sender=forger, auth=None,
                       attachments=[("cv.pdf", world.document(number="601/STP-VP"))])
    unknown = world.mail("forged-unknown", sender=forger, auth=None,
                         attachments=[("cv.pdf", world.document(issuer="BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG", number="602/BQLDA"))])
    ids = [o["review_id"] for o in world.ingest(known, unknown)]
    config = ["--config", str(world.config_path)]

    refused = world.run("review", "return", str(ids[0]), *config, "--reason", "Sai thể thức", check=False)
    assert refused.returncode == 2
    assert f"nothing proves the sender {forger}" in refused.stderr and f"review discard {ids[0]}" in refused.stderr
    assert json.loads(world.run("review", "show", str(ids[0]), *config, "--json").stdout)["review"] == "waiting"

    [by_issuer] = [json.loads(line) for line in world.run("review", "release", str(ids[0]), *config, "--json").stdout.splitlines()]
    assert by_issuer["incoming_number"] == 1 and by_issuer["acknowledged_to"] == STP
    [nobody] = [json.loads(line) for line in world.run("review", "release", str(ids[1]), *config, "--json").stdout.splitlines()]
    assert nobody["incoming_number"] == 2 and nobody["acknowledged_to"] is None  # registered, acknowledged to no one

    register = world.db()
    with register.session() as s:
        assert [(d.arrival_number, d.notation) for d in s.scalars(select(Document).order_by(Document.id))] == [
            (1, "601/STP-VP"), (2, "602/BQLDA")]
        answers = [(o.kind, o.mail_id, o.recipient) for o in s.scalars(select(Outbox).order_by(Outbox.id))]
        assert ("ack", ids[0], STP) in answers
        assert not [a for a in answers if a[2] == forger]
        assert {a[0] for a in answers if a[1] == ids[1]} <= {"alert"}  # nothing but the clerk's alert
        release = [a.details for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "review-release"))]
        assert [r["acknowledged_to"] for r in release] == [STP, None]
    register.close()


def test_a_proven_senders_held_mail_is_returned(world: World) -> None:
    """A mail from an authenticated agency mailbox held because its analysis failed (here: past its
    time) can still be returned: the review reads it again and finds the sender proven."""
    from registry.models import AuditEntry, Outbox

    mail = world.mail("slow", attachments=[("cv.pdf", world.signed(pdf=world.document(number="603/STP-VP")))])
    world.extra["limits"] = {"seconds_per_document": 0.001, "workers": 1}
    world.write_config()
    [out] = world.ingest(mail)
    assert out["verdict"] == "quarantined" and out["reasons"][0]["code"] == "processing-failed"
    assert out["sender"]["authenticated"] is False  # nothing was looked at
    del world.extra["limits"]
    world.write_config()

    said = world.run("review", "return", str(out["review_id"]), "--config", str(world.config_path),
                     "--reason", "Tệp quá nặng, đề nghị gửi lại", "--actor", "nguyen.van.a")
    assert said.stdout.strip() == f"Đã trả lại thư số {out['review_id']} cho nơi gửi."
    register = world.db()
    with register.session() as s:
        ret = s.scalars(select(Outbox).where(Outbox.kind == "return")).one()
        assert ret.recipient == STP and ret.mail_id == out["review_id"]
        body = email.message_from_bytes(ret.raw).get_payload(decode=True).decode("utf-8")
        assert "Văn thư trả lại sau khi kiểm tra (Tệp quá nặng, đề nghị gửi lại)" in body
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "review-return")).one()
        assert (entry.actor, entry.details["returned_to"]) == ("nguyen.van.a", STP)
    register.close()


def test_the_digest_lists_what_was_registered_returned_and_waits(world: World) -> None:
    from registry.models import Outbox

    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="701/STP-VP")))])
    returned = world.mail("no-pdf", subject="Thư không có tệp")
    world.ingest(signed, returned)
    [waiting] = held(world, "702/STP-VP")
    said = world.run("digest", "--config", str(world.config_path), process=True)
    assert said.stdout.startswith("Đã xếp bản tin tổng hợp vào hàng gửi: 1 thư")  # a newcomer's printed nothing
    register = world.db()
    with register.session() as s, s.begin():
        for row in s.scalars(select(Outbox).where(Outbox.kind == "digest")):
            row.state = "sent"  # as the daemon's sender marks it once the server took it
    world.run("digest", "--config", str(world.config_path))  # the second covers only what came since the first was sent
    with register.session() as s:
        first, second = [email.message_from_bytes(o.raw) for o in s.scalars(select(Outbox).where(Outbox.kind == "digest"))]
    register.close()
    body = first.get_payload(decode=True).decode("utf-8")
    assert first["To"] == "vanthu@snv.bacgiang.gov.vn" and first["Auto-Submitted"] == "auto-generated"
    assert f"Số đến 1/{datetime.now(timezone.utc).astimezone(ZoneInfo('Asia/Ho_Chi_Minh')).year}: SỞ TƯ PHÁP, 701/STP-VP" in body
    assert "Thư không có tệp" in body and "no-document" in body
    assert f"qlvb-gateway review show {waiting}" in body
    later = second.get_payload(decode=True).decode("utf-8")
    assert "Số đến 1" not in later and f"review show {waiting}" in later  # what still waits is listed again


def test_a_delivery_report_for_an_answer_marks_it_failed(world: World) -> None:
    """RFC 3464: the bounce of an acknowledgement comes back to the clerk mailbox; it is matched to the
    answer by its Message-ID, which is marked failed with the server's diagnostic."""
    from email.message import EmailMessage

    from registry.models import Outbox

    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="801/STP-VP")))])
    world.ingest(signed)
    register = world.db()
    with register.session() as s:
        ack = s.scalars(select(Outbox).where(Outbox.kind == "ack")).one()
        ack_id, ack_raw = ack.message_id, ack.raw
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.bacgiang.gov.vn"
    report["To"] = "vanthu@snv.bacgiang.gov.vn"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@mx.bacgiang.gov.vn>"
    report.set_content("Thư không chuyển được.")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b1"')
    report.set_boundary("b1")
    ds = email.message_from_string("Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.bacgiang.gov.vn\n\n"
                                   "Final-Recipient: rfc822; vanthu@sotp.bacgiang.gov.vn\nAction: failed\nStatus: 5.1.1\n"
                                   "Diagnostic-Code: smtp; 550 5.1.1 mailbox unknown\n")
    report.attach(ds)
    original = email.message_from_bytes(ack_raw)
    wrapper = EmailMessage()
    wrapper.set_content(original)
    report.attach(wrapper)
    path = world.root / "mails" / "bounce.eml"
    path.write_bytes(report.as_bytes())
    out = world.ingest(path)[0]
    assert out["verdict"] == "ignored"
    with register.session() as s:
        ack = s.scalars(select(Outbox).where(Outbox.message_id == ack_id)).one()
        assert ack.state == "failed" and "550 5.1.1 mailbox unknown" in ack.last_error
    register.close()


def test_crls_are_fetched_where_the_operator_allows_it(world: World) -> None:
    """trust.crl_urls: each CRL is downloaded and kept if it parses as one; a failure keeps the last copy."""
    import functools
    import http.server
    import threading

    from servers import free_port

    served = world.root / "www"
    served.mkdir()
    (served / "ca.crl").write_bytes((world.root / "pki" / "intermediate.crl").read_bytes())
    (served / "page.crl").write_text("<html>Trang đăng nhập</html>", encoding="utf-8")
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}"
        world.extra["trust"] = {"crl_urls": [f"{base}/ca.crl"]}
        world.write_config()
        out = json.loads(world.run("crls", "refresh", "--config", str(world.config_path), "--json", process=True).stdout)
        assert out["ok"] and "next update" in out["detail"]
        kept = list((world.root / "store" / "crls").glob("*.crl"))
        from asn1crypto import pem

        assert len(kept) == 1 and kept[0].read_bytes() == pem.unarmor((served / "ca.crl").read_bytes())[2]  # kept as DER
        world.extra["trust"] = {"crl_urls": [f"{base}/page.crl", f"{base}/missing.crl"]}
        world.write_config()
        done = world.run("crls", "refresh", "--config", str(world.config_path), "--json", check=False)
        assert done.returncode == 1
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        assert [line["ok"] for line in lines] == [False, False] and "404" in lines[1]["detail"]
        assert list((world.root / "store" / "crls").glob("*.crl")) == kept  # the good copy stays
        # signatures are still validated with it: intake reads the configured and the fetched CRLs
        signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="990/STP-VP")))])
        assert world.ingest(signed)[0]["verdict"] == "accepted"
    finally:
        server.shutdown()


def test_a_held_mail_whose_original_is_gone_is_refused_with_a_reason(world: World) -> None:
    """The original of a held mail lost from the content store (the disk, a hand): `review release` says so and
    what to do (return or discard), where it ended with a traceback (red team 28, after a recall destroyed one)."""
    from registry.models import Mail

    [mail_id] = held(world, "504/STP-VP")
    register = world.db()
    with register.session() as s:
        digest = s.get(Mail, mail_id).sha256
    register.close()
    (world.root / "store" / "sha256" / digest[:2] / digest).unlink()
    refused = world.run("review", "release", str(mail_id), "--config", str(world.config_path), check=False)
    assert refused.returncode == 2 and "not in the content store" in refused.stderr and "Traceback" not in refused.stderr


def test_a_second_held_copy_of_a_document_is_not_released_into_the_register_again(world: World) -> None:
    # a newcomer (2026-12-05): two held copies of one letter (unproven senders), both released, got two incoming
    # numbers and two acknowledgements; intake's duplicate check is skipped where the mail is held for other errors
    from registry.models import Document, Outbox

    pdf = world.document(number="125/STP-VP")
    mails = [world.mail(f"copy-{n}", auth=None, attachments=[("cv.pdf", pdf)]) for n in (1, 2)]
    first, second = [o["review_id"] for o in world.ingest(*mails)]
    config = ["--config", str(world.config_path)]
    released = json.loads(world.run("review", "release", str(first), *config, "--json", process=True).stdout)
    assert released["incoming_number"] == 1
    again = world.run("review", "release", str(second), *config, check=False, process=True)
    assert again.returncode == 2 and "registered already (incoming 1/" in again.stderr and "discard" in again.stderr
    assert [r["id"] for r in json.loads(world.run("review", "list", *config, "--json").stdout)] == [second]
    register = world.db()
    with register.session() as s:
        assert [d.arrival_number for d in s.scalars(select(Document))] == [1]
        assert len(list(s.scalars(select(Outbox).where(Outbox.kind == "ack")))) == 1
    register.close()


def test_a_held_mail_with_a_new_letter_beside_one_registered_already_releases_the_new_one(world: World) -> None:
    # red team 36: the refusal of a document registered already refused the whole mail, its new letter with it
    from registry.models import AuditEntry, Document

    old = world.document(number="126/STP-VP")
    new = world.document(number="127/STP-VP", summary="V/v một việc khác hẳn")
    assert world.ingest(world.mail("first", attachments=[("126.pdf", world.signed(pdf=old))]))[0]["verdict"] == "accepted"
    [held, _] = world.ingest(world.mail("both", auth=None, attachments=[("126.pdf", old), ("127.pdf", new)]))
    config = ["--config", str(world.config_path)]
    released = [json.loads(line) for line in world.run("review", "release", str(held["review_id"]), *config, "--json",
                                                       process=True).stdout.splitlines()]
    assert [(r["incoming_number"], r["document"]["number"]) for r in released] == [(2, "127/STP-VP")]
    register = world.db()
    with register.session() as s:
        assert sorted((d.arrival_number, d.notation) for d in s.scalars(select(Document))) == [
            (1, "126/STP-VP"), (2, "127/STP-VP")]
        [noted] = s.scalars(select(AuditEntry).where(AuditEntry.action == "review-release-duplicates")).all()
        assert noted.details["registered_as"][0].startswith("1/")
    register.close()


def _release_two_copies_at_once(world: World) -> tuple[list[int], int]:
    """Two clerks release two held copies of one letter at the same moment: each has looked for the letter in the
    register before either has numbered it (a barrier after the look, given up after 5 s)."""
    import threading

    from gateway import review
    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.pipeline import Intake
    from registry.models import Document, Mail, Outbox

    pdf = world.document(number="125/STP-VP")
    ids = [o["review_id"] for o in world.ingest(*[world.mail(f"copy-{n}", auth=None, attachments=[("cv.pdf", pdf)])
                                                  for n in (1, 2)])]
    gateway = Gateway.open(load_config(world.config_path))
    barrier, looked = threading.Barrier(2, timeout=5), Intake.registered_as

    def look_then_wait(self: Intake, session: object, pdf: object, received: object) -> object:
        found = looked(self, session, pdf, received)  # type: ignore[arg-type]
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other clerk waits for this one's commit: nothing to wait for here
        return found

    try:
        with gateway.worker_pool(size=1) as pool:
            intake = Intake(gateway, pool)
            facts = {}
            for mail_id in ids:
                with gateway.register.session() as session:
                    facts[mail_id] = next(iter(pool.map([gateway.store.get(session.get(Mail, mail_id).sha256)])))
            Intake.registered_as = look_then_wait  # type: ignore[method-assign]
            clerks = [threading.Thread(target=lambda m=m: _quietly(review._release, gateway, intake, m, f"clerk{m}", facts[m]))
                      for m in ids]
            for clerk in clerks:
                clerk.start()
            for clerk in clerks:
                clerk.join(60)
        with gateway.register.session() as session:
            return ([d.arrival_number for d in session.scalars(select(Document))],
                    len(session.scalars(select(Outbox).where(Outbox.kind == "ack")).all()))
    finally:
        Intake.registered_as = looked  # type: ignore[method-assign]
        gateway.close()


def _quietly(action: object, *args: object) -> None:
    try:
        action(*args)  # type: ignore[operator]
    except Exception:  # the second clerk is refused (registered): what the test counts is the register
        pass


def test_two_clerks_releasing_two_copies_at_once_number_the_letter_once_on_postgresql(world: World) -> None:
    # red team 36: on PostgreSQL each looked before the other had committed, and the letter got numbers 1 and 2, and two
    # acknowledgements (SQLite's BEGIN IMMEDIATE queued them already)
    from servers import postgres

    with postgres() as url:
        world.extra["database"] = url
        world.write_config()
        assert _release_two_copies_at_once(world) == ([1], 1)
