"""Red team 74 (time and the calendar), its findings on when a signature and a mail are dated:

- 5: a signature whose trusted timestamp proves it made before its certificate existed (a key certified again for
  another holder) gave the document legal value: accepted on the signature, registered. NĐ 130/2018 Đ9.1: a signature
  made while its certificate was in force.
- 6: a certificate valid when our server received the mail, expired when the worker read it (a backlog: the daemon down
  over a weekend), made an honest agency's letter `certificate-expired`, held. It is judged as of the delivery
  (002 Đ7.1.b: the document was received when it entered our system), revocation still as of now.
- 9: our server's topmost Received line dated "-0000" (RFC 5322 §3.3: UTC, local zone unknown) was skipped as zoneless,
  and the next line down, the sender's word, dated the mail: a mail delivered today was numbered in 2025's register.

Each mail goes through the real `ingest` (or the intake with its worker processes), as a clerk's gateway runs it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

from gateway.demo.pki import Identity
from kit import sign_pdf
from world import World

NOW = datetime.now(timezone.utc)


@pytest.fixture(autouse=True)
def _now_at_each_test() -> None:
    """NOW is the test's own moment: taken at import, it was 20 minutes old by the time the whole suite reached a test."""
    global NOW
    NOW = datetime.now(timezone.utc)
UNPROVEN = "vanthu@other.example"  # nothing proves the sender: the signature is the document's only basis


def _agency_certificate(world: World, valid_from: datetime, valid_until: datetime) -> Identity:
    who = world.pki.signer("Sở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang", valid_from=valid_from,
                           valid_until=valid_until)
    world.pki.write(world.root / "pki")
    return who


def _codes(out: dict[str, Any]) -> list[str]:
    return [r["code"] for r in out["reasons"]]


# ---- 5: a trusted timestamp outside the certificate's validity ------------------------------------------------------
@pytest.mark.parametrize("valid_from_days,valid_until_days,stamped_days", [
    (10, -365, 30),  # certified ten days ago; the timestamp proves the signature made thirty days ago
    (400, 5, 2),  # expired five days ago; the timestamp proves it made two days ago
])
def test_a_signature_a_timestamp_proves_made_outside_its_certificate_gives_no_legal_value(
        world: World, valid_from_days: int, valid_until_days: int, stamped_days: int) -> None:
    who = _agency_certificate(world, NOW - timedelta(days=valid_from_days), NOW - timedelta(days=valid_until_days))
    pdf = sign_pdf(world.document(number="401/STP-VP"), who, world.pki, timestamp_at=NOW - timedelta(days=stamped_days))
    [out] = world.ingest(world.mail("outside", sender=UNPROVEN, auth=None, attachments=[("cv.pdf", pdf)]))
    assert out["verdict"] != "accepted" and out["basis"] != "signature", out
    assert "signed-outside-validity" in _codes(out), out["reasons"]
    assert out["signatures"][0]["trusted"] is False
    assert world.documents() == []  # in no register


def test_a_signature_a_timestamp_proves_made_while_its_certificate_was_in_force_stands(world: World) -> None:
    """The bound's other side: certified ten days ago, the timestamp five days ago: the signature is the basis."""
    who = _agency_certificate(world, NOW - timedelta(days=10), NOW + timedelta(days=365))
    pdf = sign_pdf(world.document(number="402/STP-VP"), who, world.pki, timestamp_at=NOW - timedelta(days=5))
    [out] = world.ingest(world.mail("inside", sender=UNPROVEN, auth=None, attachments=[("cv.pdf", pdf)]))
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert "signed-outside-validity" not in _codes(out)


# ---- 6: a certificate valid at the delivery, expired at the reading -------------------------------------------------
def _short_lived(world: World) -> bytes:
    """Sở Tư pháp's letter signed (no timestamp) with a certificate that ran out a day ago."""
    who = _agency_certificate(world, NOW - timedelta(days=300), NOW - timedelta(days=1))
    return sign_pdf(world.document(number="403/STP-VP"), who, world.pki)


def test_a_certificate_in_force_when_our_server_received_the_mail_signs_it_read_after_a_backlog(world: World) -> None:
    """Our MX's Received line: two days ago, the certificate in force; read today, after it ran out: accepted on the
    signature, registered with the receive date of the delivery."""
    delivered = NOW - timedelta(days=2)
    mail = world.mail("backlog", sender=UNPROVEN, auth=None, attachments=[("cv.pdf", _short_lived(world))],
                      date=delivered, received_at=delivered)
    [out] = world.ingest(mail)
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert "certificate-expired" not in _codes(out)
    assert out["signatures"][0]["expired"] is False
    [line] = world.documents()
    assert abs(datetime.fromisoformat(out["delivered_at"]) - delivered) < timedelta(seconds=1)
    assert line.arrival_date.date() >= delivered.astimezone(timezone(timedelta(hours=7))).date()


@pytest.mark.parametrize("how", ["received-after", "date-only"])
def test_a_certificate_expired_before_the_delivery_is_expired_whatever_the_sender_dates(world: World, how: str) -> None:
    """Received by our server today (after the expiry), or a file with no Received line: the sender's Date: of two days
    ago is its own word and judges nothing: `certificate-expired`, no legal value."""
    mail = world.mail(how, sender=UNPROVEN, auth=None, attachments=[("cv.pdf", _short_lived(world))],
                      date=NOW - timedelta(days=2), received_at=NOW)
    if how == "date-only":
        raw = mail.read_bytes()
        assert raw.startswith(b"Received:")
        mail.write_bytes(raw.split(b"\r\n", 1)[1])
    [out] = world.ingest(mail)
    assert out["verdict"] != "accepted" and out["basis"] != "signature", out
    assert "certificate-expired" in _codes(out)
    assert world.documents() == []


def test_the_imap_internaldate_reaches_the_workers_and_dates_the_signature_check(world: World) -> None:
    """The daemon's path: the mailbox's INTERNALDATE (two days ago, the certificate in force, in the zone imapclient
    gives it) goes with the mail to the worker process; the Received line on top says today. The server's word decides:
    accepted on the signature."""
    import os

    from imapclient.fixed_offset import FixedOffset

    from gateway.app import Gateway
    from gateway.config import load_config
    from gateway.intake.pipeline import IncomingMail, Intake

    mail = world.mail("imap", sender=UNPROVEN, auth=None, attachments=[("cv.pdf", _short_lived(world))], received_at=NOW)
    delivered = (NOW - timedelta(days=2)).astimezone(FixedOffset(420))  # does not unpickle: no worker may die of it
    before = os.getcwd()
    os.chdir(world.root)
    gateway = Gateway.open(load_config(Path(world.config_path)))
    try:
        with gateway.worker_pool(1) as pool:
            [outcome] = Intake(gateway, pool).process([IncomingMail("vanthu:7", mail.read_bytes(), delivered)], record=True)
    finally:
        gateway.close()
        os.chdir(before)
    [document] = outcome.documents
    assert (document.verdict, document.basis) == ("accepted", "signature"), document.reasons
    assert document.delivered_at == delivered


# ---- 9: only our topmost Received line dates the mail ---------------------------------------------------------------
def _with_received(world: World, name: str, ours: str) -> Path:
    """Sở Tư pháp's signed letter (Date: now) whose topmost Received line (ours) ends in `ours`, the sender's server's
    line below it dated 30/06/2025."""
    mail = world.mail(name, attachments=[("cv.pdf", world.signed("stp", world.document(number="91/STP-VP")))])
    raw = mail.read_bytes()
    assert raw.startswith(b"Received:")
    rest = raw.split(b"\r\n", 1)[1]
    theirs = b"Received: from pc by mail.sotp.example with SMTP; Mon, 30 Jun 2025 09:00:00 +0700\r\n"
    mail.write_bytes(f"Received: from agency.example by mx.bacgiang.gov.vn with ESMTPSA{ours}\r\n".encode() + theirs + rest)
    return mail


@pytest.mark.parametrize("zone", ["-0000", ""])
def test_our_received_line_without_a_known_zone_is_utc_and_dates_the_mail(world: World, zone: str) -> None:
    stamp = NOW.strftime("%a, %d %b %Y %H:%M:%S")
    [out] = world.ingest(_with_received(world, f"zone{zone}", f"; {stamp} {zone}".rstrip()))
    assert out["verdict"] == "accepted"
    assert abs(datetime.fromisoformat(out["delivered_at"]) - NOW.replace(microsecond=0)) < timedelta(seconds=1)
    [line] = world.documents()
    assert line.year == datetime.fromisoformat(out["received_at"]).year != 2025


@pytest.mark.parametrize("ours", ["", "; not a date", "; Mon, 30 Jun 1969 09:00:00 +0700"])
def test_an_unusable_topmost_received_line_falls_back_to_the_date_never_to_a_lower_line(world: World, ours: str) -> None:
    """No date on our line, one that does not parse, or one before 1970 (past belief): the mail's Date: (now), never the
    sender's Received line of 2025."""
    [out] = world.ingest(_with_received(world, f"bad{len(ours)}", ours))
    assert abs(datetime.fromisoformat(out["delivered_at"]) - NOW) < timedelta(minutes=5)
    [line] = world.documents()
    assert line.year != 2025


def test_topmost_received_reads_minus_0000_as_utc() -> None:
    from gateway.intake.mime import topmost_received

    msg = message_from_bytes(b"Received: from a by mx.bacgiang.gov.vn; Fri, 04 Dec 2026 18:49:30 -0000\r\n"
                             b"Received: from pc by b; Mon, 30 Jun 2025 09:00:00 +0700\r\n\r\n")
    assert topmost_received(msg) == datetime(2026, 12, 4, 18, 49, 30, tzinfo=timezone.utc)
