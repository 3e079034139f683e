"""Red team 46: blanks written with dots of other kinds (middle dots, dashes, "⋯" read as control characters) escaped
not-issued, the office's stamps over them placed nowhere, dots glued to their words hid the blanks, and a genuine
document through more than 25 relays was ignored as a loop. Each failed before its fix."""
from __future__ import annotations

import sys

sys.path.insert(0, "/work/main/tests")

import pytest

from gateway.decision import rules
from gateway.reading import read_pdf_bytes
from kit import DocumentSpec, render_document, sign_pdf, sign_with_stamp
from test_redteam43 import _Typed
from test_redteam45 import _over
from test_unissued_revisions import _revisions, _send
from world import World

EVIL = "attacker@evil.example"


def _template(dots: str) -> bytes:
    return render_document(DocumentSpec(number=f"{dots}/STP-VP", date=(_Typed(dots), _Typed(dots), _Typed("2026"))))


def _issue(world: World, doc: bytes) -> bytes:
    pdf = sign_pdf(doc, world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, box in (("Signature2", "707", _over(doc, "/STP-VP", 0, 0.4)), ("Signature3", "25", _over(doc, DOTS, 0)),
                             ("Signature4", "11", _over(doc, DOTS, 1))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box, field_name=field)
    return pdf


DOTS = "·····"


@pytest.mark.parametrize("dots", ["·····", "-----", "⋯⋯"])
def test_a_draft_with_blanks_of_middle_dots_or_dashes_is_not_registered(world: World, dots: str) -> None:
    """F1. The leader's signed draft, its blanks written "·····" or "-----" (not "…" "." "_"): number read
    "·····/STP-VP" (not starting with "/"), date `date-unread` (not date-blank): `unissued` is silent; mailed by a
    forger it is registered with that number, undated, and acknowledged to Sở Tư pháp."""
    draft = sign_pdf(_template(dots), world.signers["stp"], world.pki, field_name="LanhDao")
    out = _send(world, "draft", draft, sender=EVIL, auth=None)
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["document"]["number"],
                                                                              out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"]


def test_the_issued_file_stamped_over_middle_dots_is_registered_with_its_number_and_date(world: World) -> None:
    """F2. The same template issued: the office's stamps 707, 25, 11 drawn over the middle dots. `_without_dots` strips
    only ". … _": the stamps lie over "·····/STP-VP" and "·····", cover printed words, fill nothing; the genuine
    letter is read (and registered) under the number "·····/STP-VP", undated."""
    issued = _issue(world, _template(DOTS))
    p = read_pdf_bytes(issued).particulars
    assert (p.number, p.date) == ("707/STP-VP", "2026-11-25"), (p.number, p.date)


def _glued():
    """The project's demo template with its blanks written against their words, as sloppy Word templates have them:
    "Số:………/STP-VP", "ngày……tháng……năm 2026" (no space between the dots and the words)."""
    import types

    import gateway.demo.documents as documents
    src = open(documents.__file__, encoding="utf-8").read()
    src = src.replace("ngày {day:02d} tháng {month:02d} năm", "ngày{day:02d}tháng{month:02d}năm")
    src = src.replace('f"Số: {spec.number}"', 'f"Số:{spec.number}"')
    module = types.ModuleType("glued_documents")
    sys.modules["glued_documents"] = module
    exec(compile(src, "glued_documents.py", "exec"), module.__dict__)
    return module


def _box_in(doc: bytes, word: str, start: int, length: int) -> tuple[float, float, float, float]:
    """A stamp's box over `length` characters of the page's word containing `word`, from its `start`-th."""
    import pymupdf
    page = pymupdf.open(stream=doc, filetype="pdf")[0]
    w = next(w for w in page.get_text("words") if word in w[4])
    share, h = (w[2] - w[0]) / len(w[4]), page.rect.height
    i = w[4].index(word) + start
    return w[0] + share * i, h - w[3] - 8, w[0] + share * (i + length) + 2, h - w[1] + 8


def test_a_revision_cut_before_the_months_stamp_over_glued_dots_is_not_registered(world: World) -> None:
    """F3. Dots glued to their words ("Số:………/STP-VP", "ngày……tháng……năm 2026"): `_without_dots` strips dots only at a
    word's ends, so every stamp lies over a printed word and fills nothing; `_under_a_signature` then takes each signed
    box over the line for an unreadable stamp. The revision cut after the day's stamp (month still blank) reads no
    number, no date, only `low-confidence`: never `not-issued`. Mailed by a forger it is registered and acknowledged
    to Sở Tư pháp (red team 45 F1 again, through glued dots)."""
    g = _glued()
    doc = g.render_document(g.DocumentSpec(number="………/STP-VP", date=(_Typed("……"), _Typed("……"), _Typed("2026"))))
    pdf = sign_pdf(doc, world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, box in (("Signature2", "707", _box_in(doc, "Số:………", 3, 3)),
                             ("Signature3", "25", _box_in(doc, "ngày……", 4, 2)),
                             ("Signature4", "11", _box_in(doc, "tháng……", 5, 2))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box, field_name=field)
    assert [r.code for r in rules.unissued(read_pdf_bytes(_revisions(pdf)["LanhDao"]))] == ["not-issued"]  # holds
    out = _send(world, "day-only", _revisions(pdf)["Signature3"], sender=EVIL, auth=None)
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"]


def test_a_genuine_document_that_came_through_many_relays_is_not_silently_ignored(world: World) -> None:
    """F4 (low). A genuine signed letter from Sở Tư pháp's proven mailbox that reached us through 26 relays (a
    provincial hub, forwarding, filtering: Postfix passes up to 50 hops, RFC 5321 §6.3 says at least 100): more than
    MAX_RECEIVED_HOPS (25) is taken for a loop, `returned_mail` and `auto_submitted` both say so, and the document is
    `ignored`: not registered, not held, nobody told."""
    from datetime import datetime, timezone
    from email.utils import format_datetime
    pdf = world.signed("stp", render_document(DocumentSpec(number="92/STP-VP")))
    path = world.mail("hops", attachments=[("92.pdf", pdf)])
    stamp = format_datetime(datetime.now(timezone.utc))
    hops = b"".join(f"Received: from relay{i}.bacgiang.gov.vn by relay{i + 1}.bacgiang.gov.vn; {stamp}\r\n".encode()
                    for i in range(26))
    path.write_bytes(hops + path.read_bytes())
    out = world.ingest(path)[0]
    assert out["verdict"] != "ignored", (out["verdict"], out["reasons"])
