"""The clerk's review of held mails: list, show, release (registered with the next number and
acknowledged), return (the clerk's reason sent back), discard; each in the audit log with who."""

from __future__ import annotations

import email
import json

from sqlalchemy import select

from world import World


def held(world: World, *numbers: str) -> list[int]:
    """Unauthenticated mails, one a document, taken in by one ingest: their review ids."""
    mails = [world.mail(f"held-{n.split('/')[0]}", auth=None, attachments=[("cv.pdf", world.document(number=n))])
             for n in numbers]
    outs = world.ingest(*mails)
    assert [o["verdict"] for o in outs] == ["quarantined"] * len(numbers)
    return [o["review_id"] for o in outs]


def test_the_clerk_releases_returns_and_discards_held_mails(world: World) -> None:
    from registry.models import AuditEntry, Document, Mail, Outbox

    first, second, third = held(world, "501/STP-VP", "502/STP-VP", "503/STP-VP")
    config = ["--config", str(world.config_path)]
    listed = json.loads(world.run("review", "list", *config, "--json").stdout)
    assert [r["id"] for r in listed] == [first, second, third]
    assert listed[0]["reasons"] == ["sender-unauthenticated"]
    shown = json.loads(world.run("review", "show", str(first), *config, "--json").stdout)
    assert shown["files"][0]["filename"] == "cv.pdf" and shown["history"][0]["action"] == "intake-quarantined"

    released = json.loads(world.run("review", "release", str(first), *config, "--json", "--actor", "nguyen.van.a").stdout)
    assert released["incoming_number"] == 1 and released["document"]["number"] == "501/STP-VP"
    world.run("review", "return", str(second), *config, "--reason", "Không xác minh được người gửi", "--actor", "nguyen.van.a")
    world.run("review", "discard", str(third), *config, "--actor", "nguyen.van.a")
    again = world.run("review", "release", str(first), *config, check=False)
    assert again.returncode == 2 and "not waiting" in again.stderr
    assert json.loads(world.run("review", "list", *config, "--json").stdout) == []

    register = world.db()
    with register.session() as s:
        document = s.scalars(select(Document)).one()
        assert (document.arrival_number, document.notation, document.basis) == (1, "501/STP-VP", "clerk")
        answers = {(o.kind, o.mail_id) for o in s.scalars(select(Outbox).where(Outbox.kind != "alert"))}
        assert answers == {("ack", first), ("return", second)}
        ret = s.scalars(select(Outbox).where(Outbox.kind == "return")).one()
        body = email.message_from_bytes(ret.raw).get_payload(decode=True).decode("utf-8")
        assert "Văn thư trả lại sau khi kiểm tra (Không xác minh được người gửi)" in body
        assert {m.id: m.review for m in s.scalars(select(Mail))} == {first: "released", second: "returned", third: "discarded"}
        actions = [(a.action, a.actor) for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("review-%")))]
        assert actions == [("review-release", "nguyen.van.a"), ("review-return", "nguyen.van.a"),
                           ("review-discard", "nguyen.van.a")]
    register.close()


def test_the_digest_lists_what_was_registered_returned_and_waits(world: World) -> None:
    from registry.models import Outbox

    signed = world.mail("signed", attachments=[("cv.pdf", world.signed("stp", world.document(number="701/STP-VP")))])
    returned = world.mail("no-pdf", subject="Thư không có tệp")
    world.ingest(signed, returned)
    [waiting] = held(world, "702/STP-VP")
    world.run("digest", "--config", str(world.config_path))
    world.run("digest", "--config", str(world.config_path))  # the second covers only what came since the first
    register = world.db()
    with register.session() as s:
        first, second = [email.message_from_bytes(o.raw) for o in s.scalars(select(Outbox).where(Outbox.kind == "digest"))]
    register.close()
    body = first.get_payload(decode=True).decode("utf-8")
    assert first["To"] == "vanthu@snv.bacgiang.gov.vn" and first["Auto-Submitted"] == "auto-generated"
    assert "Số đến 1: SỞ TƯ PHÁP, 701/STP-VP" in body
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
        out = json.loads(world.run("crls", "refresh", "--config", str(world.config_path), "--json").stdout)
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
