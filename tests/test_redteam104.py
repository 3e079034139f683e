"""Red team 104: gateway/intake/pdf_syntax.py and its use in viewer_agreement.ends_with_its_revisions, attacked with
genuine later revisions (false refusals). Its findings, fixed at stop 44: a writer's comment before "endobj"; an indirect
/Length ("12 0 R" read as a direct 1, then the first "endstream" in the data taken for the stream's end): a direct length
is now read whole, an indirect one looked up (iText's), and else the stream ends at an "endstream" that "endobj" follows.
Red team 104 found no crash nor slowness (2 million tokens in a later revision: 2 s); a string is now read from one
special byte to the next (a 10 MB string, 0.04 s)."""

from __future__ import annotations

import re
from io import BytesIO

from test_redteam102 import _answered
from world import STP, World


def _object_after(signed: bytes, obj: bytes) -> bytes:
    """`signed`, then one incremental update: one new object (`obj` between "N 0 obj" and "endobj"), its section and
    trailer as any writer makes them."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    size = reader.trailer["/Size"]
    body = signed + b"%d 0 obj" % size + obj + b"endobj\n"
    return body + (b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<</Size %d/Root %d 0 R/ID %s"
                   b"/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, len(signed), size + 1,
                                                           reader.trailer.raw_get("/Root").idnum, ident,
                                                           reader.last_startxref, len(body)))


def _ends_with_its_revisions(data: bytes) -> bool:
    from pyhanko.pdf_utils.reader import PdfFileReader

    from gateway.intake.viewer_agreement import ends_with_its_revisions

    reader = PdfFileReader(BytesIO(data), strict=False)
    last = max(reader.embedded_signatures, key=lambda e: e.signed_revision)
    _, _, start, length = (int(v) for v in last.byte_range)
    return ends_with_its_revisions(data, reader, last.signed_revision, start + length)


def _outcome(world: World, name: str, data: bytes) -> tuple[object, ...]:
    [out] = world.ingest(world.mail(name, attachments=[("cv.pdf", data)]))
    return out["verdict"], out["incoming_number"] is not None, _answered(out), [r["code"] for r in out["reasons"]]


def test_a_comment_before_endobj_in_a_later_revision_does_not_fail_the_signature(world: World) -> None:
    """Input: Sở Tư pháp's genuine signed letter, then an incremental update with one object written
    `N 0 obj\\n<</A 1>>\\n% Foxit PDF\\nendobj` (a writer's comment, no "<" or ">", on its own line before "endobj").
    The same update without the comment is the control.

    Expected: both alike (ISO 32000-1 §7.2.3: a comment is white space wherever white space may stand; pdf_syntax's own
    white_end skips such a comment between values and before "stream"): the letter accepted on its signature.

    Observed: the control accepted; with the comment `ends_with_its_revisions` is False and the genuine letter is
    RETURNED `signature-modified`: `object_end` ends the object with `_OBJECT_END` (white space then "endobj"), which
    does not skip comments, though `value_end` and the "stream" check do.

    Severity: medium (a genuine signed letter returned as tampered, for a comment any parser skips).
    Fault: gateway/intake/pdf_syntax.py `object_end` / `_OBJECT_END` (use white_end before "endobj", as before "stream")."""
    signed = world.signed("stp", world.document(number="996/STP-VP"))
    control = _object_after(signed, b"\n<</A 1>>\n")
    commented = _object_after(signed, b"\n<</A 1>>\n% Foxit PDF\n")
    assert _ends_with_its_revisions(control)
    assert _outcome(world, "comment-endobj", commented)[:3] == ("accepted", True, {("ack", STP)})
    assert _ends_with_its_revisions(commented)


def test_a_stream_with_an_indirect_length_holding_the_word_endstream_does_not_fail_the_signature(world: World) -> None:
    """Input: Sở Tư pháp's genuine signed letter, then an incremental update adding a stream whose /Length is an indirect
    reference (`/Length 12 0 R`, as iText and others write a stream whose length they learn after writing it) and whose
    data holds the word "endstream" (an attached PDF or a text file quoting PDF, stored unfiltered):
    `<</Length 12 0 R>>stream\\n%PDF-1.4 endstream endobj\\nendstream`.

    Expected: the revision is PDF and nothing else; the letter accepted on its signature (as the same stream with a
    direct /Length is).

    Observed: `ends_with_its_revisions` False, the letter RETURNED `signature-modified`. Two faults meet: `_LENGTH`'s
    lookahead `(?!\\s+\\d+\\s+R)` is defeated by backtracking, so "/Length 12 0 R" is read as a direct length of 1 (the
    digits "1" then "2", not white space, follow); that length misses, and the fallback takes the FIRST "endstream"
    in the data as the stream's end, then finds no "endobj" after it. The indirect length, written in the same later
    revision, is never looked up.

    Severity: low-medium (a genuine document returned as tampered; needs an unfiltered stream quoting "endstream").
    Fault: gateway/intake/pdf_syntax.py `_LENGTH` (a possessive/atomic number, or `\\d+(?![\\d\\s]*R)`), and `object_end`'s
    fallback (try each "endstream" until "endobj" follows, or resolve the indirect /Length)."""
    signed = world.signed("stp", world.document(number="996/STP-VP"))
    data = b"%PDF-1.4 endstream endobj\n"
    direct = _object_after(signed, b"\n<</Length %d>>\nstream\n%s\nendstream\n" % (len(data), data))
    indirect = _stream_with_its_length_after(signed, data)
    assert _ends_with_its_revisions(direct)  # the control
    assert _outcome(world, "indirect-length", indirect)[:3] == ("accepted", True, {("ack", STP)})
    assert _ends_with_its_revisions(indirect)


def _stream_with_its_length_after(signed: bytes, data: bytes) -> bytes:
    """`signed`, then one incremental update as iText writes a stream: the stream with `/Length N+1 0 R`, then object
    N+1, its length, learnt once the data was written (fixed at stop 44: the reference, "12 0 R" at first, pointed at
    another object of the letter, a stream, which no reader takes for a length)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(signed), strict=False)
    ident = re.findall(rb"/ID\s*(\[[^\]]*\])", signed)[-1]
    size = reader.trailer["/Size"]
    first = b"%d 0 obj\n<</Length %d 0 R>>\nstream\n%sendstream\nendobj\n" % (size, size + 1, data)
    second = b"%d 0 obj\n%d\nendobj\n" % (size + 1, len(data))
    body = signed + first + second
    return body + (b"xref\n0 1\n0000000000 65535 f \n%d 2\n%010d 00000 n \n%010d 00000 n \ntrailer\n<</Size %d/Root %d 0 R"
                   b"/ID %s/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (size, len(signed), len(signed) + len(first), size + 2,
                                                               reader.trailer.raw_get("/Root").idnum, ident,
                                                               reader.last_startxref, len(body)))


def test_length_regex_reads_an_indirect_length_as_indirect() -> None:
    """Input: `_LENGTH.search` on "<</Length 12 0 R>>" (the unit-level root of the fault above).

    Expected: no direct length found ("12 0 R" is a reference, the regex's lookahead means to exclude it).
    Observed: a match with group "1" (backtracking of `\\d+` past the lookahead).
    Severity: low (the root of the false refusal above; any stream whose indirect /Length number has 2+ digits).
    Fault: gateway/intake/pdf_syntax.py `_LENGTH`."""
    from gateway.intake.pdf_syntax import _LENGTH

    found = _LENGTH.search(b"<</Length 12 0 R>>")
    assert found is None, found.group(1)
