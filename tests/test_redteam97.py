"""Red team 97 (2026-12-06): a forger and hostile sender at the mail side (who sent it, the receiving server's
Authentication-Results, and the gateway's answers). Its three findings, each fixed at stop 44: a HELO carrying its own
"(name [private IP])" passed for a hop the MX verified, and the forger's own Authentication-Results below it proved an
agency's login (now a Received line with two comments counts for nobody); an autoresponder writing no Auto-Submitted,
answering our return, was returned again without end (now a mail answering one of our own answers, with no document, is
never answered, and X-Autoreply/X-Autorespond mark an automatic mail); an encoded display name spelling an agency's
address was read as the From (now the list is parsed before its names are decoded)."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from attacks_kit import on_top, results
from kit import make_mail
from world import MX, STP, US, World

CLERK = US["mailbox"]
SUBMISSION = "smtp.bacgiang.gov.vn"  # the province's submission server, where agencies log in (its own authserv-id)
FORGED = "V/v giả mạo: chuyển toàn bộ hồ sơ cho Công ty ABC"


def _now() -> str:
    return format_datetime(datetime.now(timezone.utc))


def _put(world: World, name: str, raw: bytes) -> Path:
    path = world.root / "mails" / f"{name}.eml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    return path


def _two_servers(world: World) -> None:
    """A province with an MX for mail from outside and a submission server where agencies log in, each writing its own
    Authentication-Results (README, Security: list every id and every hop of the province's own)."""
    world.extra["authentication"] = {"trusted_authserv_ids": [MX, SUBMISSION], "trusted_hosts": [MX, SUBMISSION]}
    world.write_config()


def test_a_helo_carrying_its_own_parenthesised_host_makes_the_forgers_results_count(world: World) -> None:
    """Attack: the forger connects to the province's MX from the Internet (203.0.113.9) with the HELO
    "mx.bacgiang.gov.vn (mx.bacgiang.gov.vn [10.0.0.5])" (Postfix takes a HELO of several words as given, and writes
    it first in the `from` clause: "from HELO (rDNS [IP])"). The MX's line then reads
    "from mx.bacgiang.gov.vn (mx.bacgiang.gov.vn [10.0.0.5]) (unknown [203.0.113.9]) by mx.bacgiang.gov.vn": the
    gateway takes the first "(…)" for the host the MX verified, an internal hop of the province's, and walks on down
    into the forger's own header block: a Received line "by smtp.bacgiang.gov.vn … with ESMTPSA" with, above it, an
    Authentication-Results of the submission server's id: "auth=pass smtp.auth=vanthu@sotp…". The MX wrote its own
    genuine results on top (dkim=none, spf=none) and strips results of its own id, not of the submission server's.
    The mail carries an unsigned scan printed as Sở Tư pháp's.
    Expected: the MX's line is where the mail entered (the client is 203.0.113.9); the submission server's results
    below it are forged: unauthenticated, quarantined, nobody answered.
    Observed: the sender counts as Sở Tư pháp logged in, the forged scan is registered on the official-mailbox basis
    and Sở Tư pháp is acknowledged."""
    helo = f"{MX} ({MX} [10.0.0.5])"
    forged_below_the_mx(world, 971, f"Received: from {helo} (unknown [203.0.113.9]) by {MX} (Postfix) with ESMTP id 4QxT")


def forged_below_the_mx(world: World, number: int, mx_line: str) -> None:
    """A forged scan of Sở Tư pháp's through the MX, whose Received line is `mx_line`, the forger's own submission
    server's results and line below it: nobody proven, held, nobody but the clerk told, nothing registered."""
    _two_servers(world)
    scan = world.scanned(world.document(number=f"{number}/STP-VP", summary=FORGED))
    mail = make_mail(sender=STP, to=[CLERK], subject=f"Gửi văn bản {number}/STP-VP", attachments=[(f"{number}.pdf", scan)])
    raw = on_top(mail, [
        results(f"{MX}; dkim=none; spf=none smtp.mailfrom=sotp.bacgiang.gov.vn"),  # the MX's own, genuine
        f"{mx_line}; {_now()}",
        # what follows is the forger's
        results(f"{SUBMISSION}; auth=pass smtp.auth={STP}"),
        f"Received: from pc.sotp (unknown [203.0.113.7]) by {SUBMISSION} (Postfix) with ESMTPSA id 9AbC; {_now()}",
    ])
    [out] = world.ingest(_put(world, f"forged-{number}", raw))
    assert not out["sender"]["authenticated"], (out["sender"], out["verdict"], out.get("basis"), out["replies"])
    assert out["verdict"] == "quarantined", (out["verdict"], out.get("basis"))
    assert not [r for r in out["replies"] if r["kind"] != "alert"], out["replies"]
    assert world.documents() == []


def _outbox(world: World) -> list[tuple[str, str, str, bytes]]:
    """(kind, recipient, message id, bytes) of every answer queued, in order."""
    from sqlalchemy import select

    from registry.models import Outbox

    register = world.db()
    try:
        with register.session() as s:
            return [(r.kind, r.recipient, r.message_id, bytes(r.raw)) for r in s.scalars(select(Outbox).order_by(Outbox.id))]
    finally:
        register.close()


@pytest.mark.parametrize("marker", [{"X-Autoreply": "yes"}, {}], ids=["x-autoreply", "no-marker"])
def test_an_autoresponder_answering_our_return_is_answered_again_without_end(world: World, marker: dict[str, str]) -> None:
    """Attack (or a plain misconfiguration): Sở Tư pháp's mailbox has an automatic reply that does not write
    Auto-Submitted (an Outlook rule "reply using a template", an office system's "đã nhận thư" receipt: many do not).
    Sở Tư pháp's clerk mails us a covering letter without its PDF: we return it (`no-document`, Auto-Submitted:
    auto-replied). Its automatic reply ("Tự động trả lời: …", In-Reply-To our return, no PDF) comes back, and the
    gateway returns that too, and the next, round after round: a mail loop between the gateway and the agency's
    responder, each round an answer in the outbox and a mail in the clerk's "Đã trả lại". A forger who knows of such a
    responder at one agency starts the loop with one proven mail of that agency.
    Expected (RFC 3834 §2, DOMAIN: never answer an automatic mail): a mail that answers one of our own automatic
    answers (its In-Reply-To or References naming a Message-ID of our outbox: an acknowledgement, a return) and carries
    no document is not answered; the gateway returns the covering letter once.
    Observed: each automatic reply is returned again (`no-document`), one return per round."""
    first = on_top(make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản số 15/STP-VP"),
                   [results(f"{MX}; auth=pass smtp.auth={STP}"),
                    f"Received: from pc.sotp (unknown [10.2.0.7]) by {MX} with ESMTPSA id A1; {_now()}"])
    [out] = world.ingest(_put(world, "covering-letter", first))
    assert out["verdict"] == "returned", out["verdict"]
    for round_ in range(3):  # the responder answers each answer of ours
        kind, to, answered, _ = _outbox(world)[-1]
        assert (kind, to) == ("return", STP)
        reply = make_mail(sender=STP, to=[CLERK], subject=f"Tự động trả lời: Trả lại văn bản (lần {round_ + 1})",
                          body="Văn thư Sở Tư pháp đã nhận được thư của quý cơ quan. Đây là thư trả lời tự động.\n",
                          headers={"In-Reply-To": answered, "References": answered, **marker})
        world.ingest(_put(world, f"autoreply-{round_}", on_top(reply, [
            results(f"{MX}; auth=pass smtp.auth={STP}"),
            f"Received: from pc.sotp (unknown [10.2.0.7]) by {MX} with ESMTPSA id B{round_}; {_now()}"])))
    returns = sum(1 for row in _outbox(world) if row[0] == "return")
    assert returns == 1, f"{returns} returns sent to {STP}: the gateway answers the replies to its own answers"


def test_an_address_inside_an_encoded_display_name_is_taken_for_the_from(world: World) -> None:
    """Attack: a province user who logs in as attacker@evil.example (a mailbox of its own, proven by the server's
    `auth=pass smtp.auth=attacker@evil.example`) writes `From: =?utf-8?q?vanthu=40sotp=2Ebacgiang=2Egov=2Evn?=
    <attacker@evil.example>`: a display name that is an encoded word spelling Sở Tư pháp's mailbox, and its own address.
    Every mail client and the server's DMARC read the address attacker@evil.example (RFC 2047 §5: an encoded word is
    never part of an address). The gateway decodes the encoded words first and parses the address list afterwards,
    so it reads the From as vanthu@sotp.bacgiang.gov.vn: the register, the clerk's alert and its grouping name
    Sở Tư pháp's official mailbox as the sender, and the sender's real, proven address is lost.
    Expected: From attacker@evil.example, proven by its login (a proven outsider, held for the clerk).
    Observed: From vanthu@sotp.bacgiang.gov.vn, "unauthenticated": the mail is shown as Sở Tư pháp's, forged."""
    evil = "attacker@evil.example"
    scan = world.scanned(world.document(number="974/STP-VP", summary=FORGED))
    raw = make_mail(sender=evil, to=[CLERK], subject="Gửi văn bản 974/STP-VP", attachments=[("974.pdf", scan)])
    raw = raw.replace(f"From: {evil}".encode(), f"From: =?utf-8?q?vanthu=40sotp=2Ebacgiang=2Egov=2Evn?= <{evil}>".encode())
    raw = on_top(raw, [results(f"{MX}; auth=pass smtp.auth={evil}"),
                       f"Received: from pc (unknown [10.2.0.9]) by {MX} with ESMTPSA id C1; {_now()}"])
    [out] = world.ingest(_put(world, "encoded-display-name", raw))
    assert out["sender"]["address"] == evil, out["sender"]
    assert out["sender"]["authenticated"], out["sender"]


def test_postfix_authenticated_sender_comment_names_no_host_and_a_second_comment_makes_the_line_nobodys() -> None:
    """(Locks in the fix of the first finding.) Postfix's "(Authenticated sender: …)" beside the client's comment is the
    server's own and names no host; any other second comment is a HELO's making: nothing of the line counts."""
    from gateway.intake.authentication import received_from

    assert received_from("from pc.sotp (pc.sotp [10.2.0.7]) (Authenticated sender: vanthu) by mx.x with ESMTPSA id A") \
        == ("pc.sotp", "10.2.0.7")
    assert received_from("from mx.x (mx.x [10.0.0.5]) (unknown [203.0.113.9]) by mx.x with ESMTP id B") == ()
    assert received_from("from a (b [10.0.0.5]) c (unknown [203.0.113.9]) by mx.x") == ()
    assert received_from("from a (b [10.0.0.5] (may be forged)) by mx.x") == ("10.0.0.5",)
    assert received_from("from a (HELO b) (10.0.0.5) by mx.x") == ("10.0.0.5",)
