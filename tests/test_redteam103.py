"""Red team 103 (2026-12-06, the session's final sweep): the fixes of red teams 94-102 attacked both ways (genuine use
they now break, attacks they still let through). Each failing test is a fault found; its docstring says the attack,
what was expected, what was observed, how bad it is and where the fault lies. Fixed at stop 44: a page in a later
revision's trailer between words that only looked like a stream's (a later revision's parts are now read as PDF's syntax
has them, gateway/intake/pdf_syntax.py: a comment or a tag outside a string fails it); a name with "<…>" in a string of a
later revision failed a genuine signature (strings are PDF's, not tags); a mailbox all units share named the new unit
of a reused code; a From written whole as encoded words named nobody. Left (marked expected to fail): a page in a string
or in a stream nothing uses, in a revision after the last signature."""

from __future__ import annotations

import base64
import re
import time
from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from starlette.testclient import TestClient

from desk_kit import Clock, add_person, desk_app
from test_redteam100 import _as
from test_redteam102 import HTML, _answered, _revision_with_trailer_tail, only_assignment
from world import STP, World

VN = timezone(timedelta(hours=7))


# ---- 1. red team 102's page in a later revision's trailer, wrapped in the words "stream" … "endstream" -----------------

@pytest.mark.parametrize("wrapped", [
    b"%stream\n" + HTML + b"\n%endstream\n>>",     # two comment lines
    b"(stream\n)" + HTML + b"(endstream)\n>>",      # two literal strings
    b"/stream\n" + HTML + b"/endstream\n>>",        # two names
], ids=["comments", "strings", "names"])
def test_an_html_page_in_a_later_trailer_between_stream_words_still_passes_as_signed(world: World,
                                                                                     wrapped: bytes) -> None:
    """Attack: red team 102's exactly (Sở Tư pháp's genuine signed letter, then an incremental update that changes
    nothing, its trailer `<</Size …/Prev …>>` followed by an HTML page with its script, then ">>", "startxref", "%%EOF";
    pyHanko and MuPDF read the trailer's dictionary and stop at its ">>", never the page), the page now put between
    "stream⏎" and "endstream" written as two comments, two strings or two names, which no parser reads as a stream.

    Expected: as red team 102's unwrapped page now is: `signature-modified`, nothing numbered, nobody acknowledged.

    Observed: accepted on its signature, numbered, Sở Tư pháp acknowledged; the page and its script stored and passed on
    whole under the signature's name. The fix (`_MARKUP` searched in the part with `_STREAM_DATA` taken out) takes any
    "stream⏎…endstream" in a trailer or an object's text for a stream's data, wherever the words stand.

    Severity: low-medium (red team 96/99/102's polyglot back with eight more bytes).
    Fault: gateway/intake/viewer_agreement.py `_STREAM_DATA` (a regex over the revision's text, not the streams the
    objects hold: a stream is data only after a dictionary that ends an object's value, with its /Length)."""
    signed = world.signed("stp", world.document(number="995/STP-VP"))
    sent = _revision_with_trailer_tail(signed, wrapped)
    assert sent.count(HTML) == 1
    [out] = world.ingest(world.mail("html-wrapped", auth=None, attachments=[("cv.pdf", sent)]))
    assert out["incoming_number"] is None and _answered(out) == set(), \
        (out["verdict"], out["incoming_number"], [r["code"] for r in out["reasons"]])


# ---- 2. a literal string with "<…>" in a revision after the signature ---------------------------------------------------

def _info_saved_after(signed: bytes, author: bytes) -> bytes:
    """`signed`, then an incremental save as signing and viewing software makes one after a signature (Acrobat's, Foxit's
    "add verification information", a save that stamps its Producer and ModDate): a new /Info dictionary, its /Author
    the literal string `author`, in a revision of its own (one object, the cross-reference section, the trailer)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    size = reader.trailer["/Size"]
    body = signed + (b"%d 0 obj\n<</Author (%s)/ModDate (D:20261206090000+07'00')/Producer (Adobe Acrobat Pro 24.1)>>\n"
                     b"endobj\n" % (size, author))
    return body + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root %d 0 R/Info %d 0 R/ID %s"
                   b"/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, len(signed), size + 1, reader.trailer.raw_get("/Root").idnum,
                                                           size, ident, reader.last_startxref, len(body)))


def test_an_address_in_angle_brackets_in_a_string_saved_after_the_signature_does_not_fail_the_signature(
        world: World) -> None:
    """Genuine use: Sở Tư pháp's letter, signed, then saved incrementally by its software after signing, the document's
    /Info rewritten in that revision as such a save writes it: /Author (Van thu So Tu phap <vanthu@sotp…>) (a name and an
    address as mail clients write them; a /Title, /Subject, an annotation's /T or a /Reason holds "<…>" as well). The
    same letter with the angle brackets written as the escapes \\074 and \\076, which every PDF reader reads as the same
    string, is the control.

    Expected: both registered alike, on the signature (pyHanko: nothing the document shows changed; the two files are
    the same PDF to every reader), Sở Tư pháp acknowledged.

    Observed: the escaped one accepted and numbered; the one with the brackets written plainly `signature-modified` and
    RETURNED to Sở Tư pháp as changed after signing: `_MARKUP` takes "<vanthu@sotp.bacgiang.gov.vn>" inside a literal
    string for an HTML tag, though its own comment says it looks outside strings.

    Severity: medium (a genuine signed letter returned to its issuer as tampered with, depending on how a tool escapes a
    string's characters).
    Fault: gateway/intake/viewer_agreement.py `_MARKUP` / `ends_with_its_revisions` (literal strings not taken out
    before the search, as the streams' data is)."""
    signed = world.signed("stp", world.document(number="996/STP-VP"))
    outcomes = []
    for name, author in (("escaped", rb"Van thu So Tu phap \074vanthu@sotp.bacgiang.gov.vn\076"),
                         ("plain", b"Van thu So Tu phap <vanthu@sotp.bacgiang.gov.vn>")):
        [out] = world.ingest(world.mail(f"info-{name}", attachments=[("cv.pdf", _info_saved_after(signed, author))]))
        outcomes.append((name, out["verdict"], out["incoming_number"] is not None, _answered(out),
                         [r["code"] for r in out["reasons"]]))
    escaped, plain = outcomes
    assert escaped[1:4] == ("accepted", True, {("ack", STP)}), escaped  # the control
    # the same letter a second time: its duplicate, acknowledged as received before, never "changed after signing"
    assert plain[1:4] == ("duplicate", False, {("ack", STP)}) and "signature-modified" not in plain[4], plain


# ---- 3. a unit's code given to a new unit that shares the old one's mailbox ----------------------------------------------

NOTE_TC = "Đề nghị Phòng Tổ chức thẩm định hồ sơ nhân sự, báo cáo trước ngày 20"


def test_a_units_code_given_to_a_new_unit_of_the_same_mailbox_does_not_give_it_the_old_units_documents(
        world: World) -> None:
    """Attack: red team 100's reorganisation (Phòng Tổ chức cán bộ recoded TCCB, its code "TC" given to a new Phòng Tài
    chính), in an agency whose units have no mailbox of their own: each unit's mail goes to the agency's clerk mailbox
    vanphong@snv… (one mailbox for several units: `units:` allows it, and small agencies do it). A document with the
    leader's note on a personnel matter was passed to Phòng Tổ chức cán bộ before. A person of Phòng Tài chính (unit TC)
    opens "Văn bản được giao" and marks the document done.

    Expected: as red team 100's test (whose units have mailboxes of their own) now passes: nothing passed to Phòng Tổ
    chức cán bộ shown to Phòng Tài chính nor marked by it (another name; a shared mailbox is no sign of the same unit).

    Observed: red team 102's fix (`UnitNow.owns`: the same name OR the same mailbox) gives Phòng Tài chính every document
    passed to "TC" before: it reads the note and marks the document done, which tells the issuer (06) it was dealt with.

    Severity: low-medium (red team 100's cross-unit read and close, back for units that share a mailbox).
    Fault: gateway/passing.py `UnitNow.owns` and `tasks` (a mailbox taken for the unit's identity)."""
    shared = "vanphong@snv.bacgiang.gov.vn"
    units = [{"code": "TC", "name": "Phòng Tổ chức cán bộ", "mailbox": shared},
             {"code": "VP", "name": "Văn phòng Sở", "mailbox": shared}]
    world.extra["units"] = units
    world.write_config()
    [taken] = world.ingest(world.mail("for-tc", attachments=[("cv.pdf", world.signed("stp", world.document(
        number="103/STP-VP", summary="V/v thẩm định hồ sơ cán bộ")))]))
    assert taken["verdict"] == "accepted", taken
    number = taken["incoming_number"]
    world.run("pass", "--config", str(world.config_path), str(number), "--lead", "TC", "--note", NOTE_TC)
    world.extra["units"] = [dict(units[0], code="TCCB"), units[1],
                            {"code": "TC", "name": "Phòng Tài chính", "mailbox": shared}]
    world.write_config()
    assert add_person(world, "taichinh", "unit", "TC").returncode == 0
    app, gateway = desk_app(world, Clock(time.time()))
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost",
                        raise_server_exceptions=False) as client:
            token = _as(client, "taichinh")
            page = client.get("/unit").text
            assert "Phòng Tài chính" in page
            shown = NOTE_TC in page
            client.post(f"/unit/{datetime.now(VN).year}/{number}/done", data={"csrf": token})
    finally:
        gateway.close()
    done_by = only_assignment(world).done_by
    assert not shown and done_by is None, (
        f"Phòng Tài chính's page shows Phòng Tổ chức cán bộ's note: {shown}; marked done there by: {done_by}")


# ---- 4. a From written as one encoded word -------------------------------------------------------------------------------

def test_a_from_written_as_one_encoded_word_still_names_its_sender(world: World) -> None:
    """Genuine use (a non-conforming mailer, as PHP's mb_encode_mimeheader("Name <address>") writes one: e-office
    systems' notifications): Sở Tư pháp's scanned letter from its clerk mailbox, proven by the province's server (auth=pass
    smtp.auth=vanthu@sotp…), its From one encoded word holding "Văn thư Sở Tư pháp <vanthu@sotp…>". The same mail with a
    plain From is the control.

    Expected: the sender read as before red team 97's fix (the header decoded, then parsed: vanthu@sotp…), the letter
    registered on its proven mailbox as the control is; or at least the address read when the header, parsed as it is,
    gives none (red team 97's attack, an encoded word beside a real address, is not this).

    Observed: `addresses` now parses the header before decoding it and finds no address: the From is nobody's, the
    sender `sender-unauthenticated`, the scanned letter held for the clerk instead of registered and acknowledged.

    Severity: low (held, not lost; a mailer outside RFC 2047 §5).
    Fault: gateway/intake/mime.py `addresses` (no fallback when the raw header holds no address)."""
    outcomes = []
    for name in ("plain", "encoded"):
        path = world.mail(f"from-{name}", auth="smtp", attachments=[("cv.pdf", world.scanned(world.document(
            number=f"30{len(outcomes) + 1}/STP-VP")))])
        if name == "encoded":
            raw = path.read_bytes()
            assert f"From: {STP}\r\n".encode() in raw
            word = base64.b64encode(f"Văn thư Sở Tư pháp <{STP}>".encode()).decode()
            path.write_bytes(raw.replace(f"From: {STP}\r\n".encode(), f"From: =?UTF-8?B?{word}?=\r\n".encode(), 1))
        [out] = world.ingest(path)
        outcomes.append((name, out["verdict"], _answered(out), [r["code"] for r in out["reasons"]]))
    plain, encoded = outcomes
    assert plain[1:3] == ("accepted", {("ack", STP)}), plain  # the control
    assert encoded[1:3] == ("accepted", {("ack", STP)}), encoded


# ---- 5. the page as the data of a stream nothing uses, in a revision after the signature --------------------------------

def _unused_stream_after(signed: bytes, data: bytes) -> bytes:
    """`signed`, then an incremental update whose one new object is a stream holding `data`, referred to by nothing (no
    page, no catalog, no trailer entry names it): its section and trailer as any writer makes them."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    size = reader.trailer["/Size"]
    body = signed + b"%d 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n" % (size, len(data), data)
    return body + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root %d 0 R/ID %s"
                   b"/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, len(signed), size + 1,
                                                           reader.trailer.raw_get("/Root").idnum, ident,
                                                           reader.last_startxref, len(body)))


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 103 (what a string or a stream of a revision after "
                                      "the last signature holds is not judged)")
def test_an_html_page_in_a_stream_nothing_uses_after_the_signature_still_passes_as_signed(world: World) -> None:
    """Attack: Sở Tư pháp's genuine signed letter, then an incremental update whose only object is a stream holding the
    HTML page and its script, named by nothing (no page, catalog or trailer entry refers to it: no reader ever opens it),
    sent from a mailbox nobody proves.

    Expected: as the same page after the last "%%EOF" (red team 96), between the revisions (99) or in a trailer (102):
    `signature-modified`, nothing numbered, nobody acknowledged: the revision adds nothing a reader of the PDF uses, only
    another format's page, which the gateway would store and pass on under the issuer's signature.

    Observed: accepted on its signature (modified_after false), numbered, Sở Tư pháp acknowledged. `_STREAM_DATA` takes
    every stream's data out before `_MARKUP` looks, and nothing asks whether an object written after the signature is
    used at all.

    Severity: low (the same polyglot riding a signed letter, in a form a PDF parser lists but never reads).
    Fault: gateway/intake/viewer_agreement.py `ends_with_its_revisions` (an object after the last signature that nothing
    reachable from the trailer refers to is accepted as part of the revisions)."""
    signed = world.signed("stp", world.document(number="997/STP-VP"))
    sent = _unused_stream_after(signed, HTML)
    [out] = world.ingest(world.mail("html-unused-stream", auth=None, attachments=[("cv.pdf", sent)]))
    assert out["incoming_number"] is None and _answered(out) == set(), \
        (out["verdict"], out["incoming_number"], [r["code"] for r in out["reasons"]])


def test_a_later_revisions_parts_are_read_as_pdfs_syntax_has_them() -> None:
    """(Locks in the reading of red team 103's fix, gateway/intake/pdf_syntax.py.) A writer's comment is white space, a
    comment with a tag is not; a string holds anything, balanced or escaped; a "<" outside one is a dictionary or hex."""
    from gateway.intake.pdf_syntax import object_end, value_end

    assert value_end(b"<< /A (x (y) \\) <b>) /B <0aF1> /C [1 0 R /N] >> tail", 0) == len(b"<< /A (x (y) \\) <b>) /B <0aF1> /C [1 0 R /N] >>")
    assert value_end(b"%Foxit 12\n<< /A 1 >>", 0) == len(b"%Foxit 12\n<< /A 1 >>")
    assert value_end(b"%<script>x</script>\n<< /A 1 >>", 0) is None
    assert value_end(b"<< /A 1 <html> >>", 0) is None
    assert value_end(b"<< /A 1 %<b>\n>>", 0) is None
    stream = b"<< /Length 5 >>\nstream\n<b>x\nendstream\nendobj"
    assert object_end(stream, 0) == len(stream)
    assert object_end(b"<< /A 1 >> junk endobj", 0) is None


def test_a_signed_letter_saved_again_incrementally_by_mupdf_is_still_its_signers(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """(Found at stop 44 while fixing the above.) MuPDF's incremental save writes "% Written by MuPDF" and a blank line
    before its trailer: a later revision as genuine as any; the title changed after signing is accepted, as the README
    says of /Info."""
    import pymupdf

    path = tmp_path / "cv.pdf"
    path.write_bytes(world.signed("stp", world.document(number="997/STP-VP")))
    doc = pymupdf.open(path)
    doc.set_metadata({"title": "Công văn <997/STP-VP>"})
    doc.saveIncr()
    doc.close()
    [out] = world.ingest(world.mail("mupdf-incremental", attachments=[("cv.pdf", path.read_bytes())]))
    assert (out["verdict"], "signature-modified" in [r["code"] for r in out["reasons"]]) == ("accepted", False), out["reasons"]
