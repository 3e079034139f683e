"""Floods (issue 10): ten thousand forged mails are not ten thousand alerts. Alerts about quarantined
mail go at most once an hour per sender; the mails held back are counted in the next alert about that
sender and in the digest, and each of them is still in the register, waiting for review."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message

from sqlalchemy import select

from world import STP, US, World

CLERK = US["mailbox"]
LEADER = "lanhdao@snv.bacgiang.gov.vn"
FORGER = STP  # a forger writing the Sở Tư pháp's address, with nothing to prove it
OTHER = "phongketoan@stc-bacgiang.example"


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


def alerts_about(world: World, sender: str) -> list[Message]:
    """The alerts in the outbox about quarantined mails (held for review) from `sender`, oldest first."""
    from registry.models import Mail, Outbox

    register = world.db()
    with register.session() as s:
        rows = s.scalars(select(Outbox).join(Mail, Outbox.mail_id == Mail.id).where(
            Outbox.kind == "alert", Mail.review == "waiting").order_by(Outbox.id)).all()
        found = [email.message_from_bytes(o.raw, policy=email.policy.default) for o in rows]
    register.close()
    return [m for m in found if f"người gửi (ghi trên thư): {sender.lower()}" in body(m).lower()]


def test_a_flood_of_forged_mail_alerts_the_clerk_once_an_hour_per_sender(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from registry.models import AuditEntry, Mail, Outbox

    pdf = world.document(number="999/STP-VP")
    # the same forger writes its address in capitals now and then: one sender all the same
    flood = [world.mail(f"flood-{i}", sender=FORGER.upper() if i % 10 == 5 else FORGER, auth=None,
                        attachments=[("cv.pdf", pdf)]) for i in range(30)]
    other = [world.mail(f"other-{i}", sender=OTHER, auth=None, attachments=[("cv.pdf", pdf)]) for i in range(3)]
    # alerts the law wants at once are never grouped: an urgent document, a proven sender's secret one
    # (a forger's "MẬT" mark is grouped with the rest of its mail: tests/test_redteam.py)
    urgent = world.mail("urgent", attachments=[("khan.pdf", world.signed(pdf=world.document(number="998/STP-VP", urgency="Hỏa tốc")))])
    secret = [world.mail(f"secret-{i}", attachments=[("mat.pdf", world.document(number=f"99{i}/STP-VP", secrecy="Mật"))])
              for i in range(2)]
    outs = world.ingest(urgent, *flood[:10], other[0], secret[0], *flood[10:20], *other[1:], secret[1], *flood[20:])
    by_file = {o["file"].rsplit("/", 1)[-1].removesuffix(".eml"): o for o in outs}

    assert {(r["kind"], r["to"]) for r in by_file["urgent"]["replies"]} == {("ack", STP), ("alert", CLERK), ("alert", LEADER)}
    assert by_file["secret-0"]["replies"] == by_file["secret-1"]["replies"] == [
        {"kind": "return", "to": STP}, {"kind": "alert", "to": CLERK}]
    # the JSON lists the answers actually queued: the first mail of each sender has its alert, no other
    assert by_file["flood-0"]["replies"] == by_file["other-0"]["replies"] == [{"kind": "alert", "to": CLERK}]
    assert all(by_file[f"flood-{i}"]["replies"] == [] for i in range(1, 30))
    assert all(by_file[f"other-{i}"]["replies"] == [] for i in range(1, 3))
    assert len(alerts_about(world, FORGER)) == 1 and len(alerts_about(world, OTHER)) == 1
    first = alerts_about(world, FORGER)[0]
    assert first["To"] == CLERK and "thư khác từ cùng địa chỉ" not in first["Subject"]
    assert "nhiều nhất một lần trong một giờ" in body(first)

    # nothing lost: every mail is in the register, quarantined, and waits for the clerk
    register = world.db()
    with register.session() as s:
        flood_mails = s.scalars(select(Mail).where(Mail.source.like("%/flood-%") | Mail.source.like("%/other-%"))).all()
        assert len(flood_mails) == 33
        assert {(m.verdict, m.review) for m in flood_mails} == {("quarantined", "waiting")}
        held = s.scalars(select(AuditEntry).where(AuditEntry.action == "alert-held")).all()
        assert len(held) == 31 and {h.details["to"] for h in held} == {CLERK}
    # an hour later: the alerts queued then are backdated by an hour and a minute
    with register.session() as s, s.begin():
        for row in s.scalars(select(Outbox).where(Outbox.kind == "alert")):
            row.created_at = row.created_at - timedelta(hours=1, minutes=1)
    register.close()

    later = [world.mail("flood-later", sender=FORGER, auth=None, attachments=[("cv.pdf", pdf)]),
             world.mail("other-later", sender=OTHER, auth=None, attachments=[("cv.pdf", pdf)]),
             world.mail("flood-again", sender=FORGER, auth=None, attachments=[("cv.pdf", pdf)])]
    again = {o["file"].rsplit("/", 1)[-1].removesuffix(".eml"): o for o in world.ingest(*later)}
    assert again["flood-later"]["replies"] == again["other-later"]["replies"] == [{"kind": "alert", "to": CLERK}]
    assert again["flood-again"]["replies"] == []  # within the hour of the new alert
    _, second = alerts_about(world, FORGER)
    assert second["Subject"].endswith("(và 29 thư khác từ cùng địa chỉ)")
    assert f"thư này và 29 thư khác từ cùng địa chỉ {FORGER}" in body(second)
    _, other_second = alerts_about(world, OTHER)
    assert other_second["Subject"].endswith("(và 2 thư khác từ cùng địa chỉ)")

    # the digest counts, per sender, the quarantined mails that had no alert of their own; it lists the waiting mails
    # as far as LISTED (50; 30 here), the rest counted (10,000 held mails made a digest of 42 MB)
    import gateway.digest

    monkeypatch.setattr(gateway.digest, "LISTED", 30)
    world.run("digest", "--config", str(world.config_path))
    register = world.db()
    with register.session() as s:
        [digest] = [email.message_from_bytes(o.raw) for o in s.scalars(select(Outbox).where(Outbox.kind == "digest"))]
        assert len(s.scalars(select(Mail).where(Mail.review == "waiting")).all()) == 36
    register.close()
    text = body(digest)
    assert "Đang chờ Văn thư kiểm tra (36)" in text and "36 chờ kiểm tra" in str(make_header(decode_header(digest["Subject"])))
    assert sum(line.startswith("- Mã ") for line in text.splitlines()) == 30
    assert "- … và 6 thư khác: qlvb-gateway review list" in text
    lines = text.splitlines()
    at = lines.index(f"- {FORGER}: 30 thư")
    assert lines[at + 1] == f"- {OTHER}: 2 thư"
