"""The clerk's review of held mails: list, show, release (registered with the next number and
acknowledged), return (the clerk's reason sent back), discard; each in the audit log with who."""

from __future__ import annotations

import email
import json

from sqlalchemy import select

from world import World


def held(world: World, name: str, number: str):  # type: ignore[no-untyped-def]
    mail = world.mail(name, auth=None, attachments=[("cv.pdf", world.document(number=number))])
    out = world.ingest(mail)[0]
    assert out["verdict"] == "quarantined"
    return out["review_id"]


def test_the_clerk_releases_returns_and_discards_held_mails(world: World) -> None:
    from registry.models import AuditEntry, Document, Mail, Outbox

    first, second, third = held(world, "a", "501/STP-VP"), held(world, "b", "502/STP-VP"), held(world, "c", "503/STP-VP")
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
    waiting = held(world, "held", "702/STP-VP")
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
