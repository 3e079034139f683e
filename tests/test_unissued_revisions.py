"""Red team 41 (issue 12: the number and date a signature's stamp writes into the blanks; the legal-value decision).

The forger holds no key: only a genuine document issued electronically, as every recipient gets it. Such a file is
signed in stages (NĐ 30/2020 Đ15.2; realpdf 018-023: the leader's or the agency's signature over the text with its
number and date left blank, then the office's signatures stamping the number, the day and the month). Each earlier
revision is a prefix of the file, carrying genuine, trusted signatures of the issuer, and can be cut off and mailed.
Such a revision was registered (with warnings only) and acknowledged to the issuer: it is now `not-issued`, an error
(returned to a proven sender, held for the clerk otherwise)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pymupdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from gateway.decision import rules
from gateway.reading import read_pdf_bytes
from kit import DocumentSpec, blank_document, box_between, render_document, sign_pdf, sign_with_stamp
from world import World

EVIL = "attacker@evil.example"




def _issued(world: World) -> bytes:
    """Sở Tư pháp's letter as its office system issues it: the leader's signature over the text with blanks, then
    the agency's signatures stamping 707, 25 and 11 into "Số:  /STP-VP" and "ngày  tháng  năm 2026"."""
    pdf = sign_pdf(blank_document(), world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, (left, right) in (("Signature2", "707", ("Số:", "/STP-VP")), ("Signature3", "25", ("ngày", "tháng")),
                                       ("Signature4", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box_between(pdf, left, right),
                              field_name=field)
    return pdf


def _revisions(pdf: bytes) -> dict[str, bytes]:
    """Each signature's field name -> the file as that signature left it (a prefix of the file)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return {str(s.field_name): pdf[:s.byte_range[2] + s.byte_range[3]] for s in reader.embedded_signatures}


def _send(world: World, name: str, pdf: bytes, **kw: Any) -> dict[str, Any]:
    mail = world.mail(name, attachments=[(f"{name}.pdf", pdf)], **kw)
    return world.ingest(mail)[0]


def test_the_issuers_unnumbered_draft_cut_from_an_issued_file_is_not_registered_again(world: World) -> None:
    """The issued letter is registered (707/STP-VP, 25/11/2026). A forger mails the file cut at the end of its
    first signature: the text as the leader signed it, number and date still blank. It was accepted as a new
    document, registered with the number "/STP-VP" and no date (number-incomplete, date-blank: warnings only),
    and acknowledged to Sở Tư pháp: one document, two entries, one of them neither numbered nor dated. A revision
    whose blanks no stamp has filled is not an issued document (NĐ 30/2020 Đ15.2), nor another one."""
    issued = _issued(world)
    first = _send(world, "issued", issued)
    assert first["verdict"] == "accepted" and first["document"]["number"] == "707/STP-VP"

    draft = _revisions(issued)["LanhDao"]
    out = _send(world, "draft", draft, sender=EVIL, auth=None)
    assert out["document"]["number"] == "/STP-VP" and out["document"]["date"] is None  # what a reader sees in it
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"]
    assert len(world.documents()) == 1


def test_a_revision_cut_before_the_date_stamp_does_not_take_the_issued_documents_place(world: World) -> None:
    """A forger mails first the file cut after the number's stamp, before the day's and the month's: read
    707/STP-VP with no date, it was accepted and registered (date empty) and acknowledged to Sở Tư pháp; the
    letter Sở Tư pháp then sends itself, dated 25/11/2026, is a duplicate of it, so the register keeps the
    forger's file and no date for the issued letter."""
    issued = _issued(world)
    undated = _revisions(issued)["Signature2"]
    forged = _send(world, "undated", undated, sender=EVIL, auth=None)
    assert forged["document"]["number"] == "707/STP-VP" and forged["document"]["date"] is None
    genuine = _send(world, "issued", issued)  # from Sở Tư pháp's own mailbox, DKIM-proven
    assert forged["verdict"] != "accepted", forged["reasons"]
    assert genuine["verdict"] == "accepted", genuine["reasons"]
    assert [(d.code_number, d.issued_date) for d in world.documents()] == [("707", "2026-11-25")]


def test_a_proven_issuer_sending_its_draft_has_it_returned_with_the_reason(world: World) -> None:
    """From the issuer's own proven mailbox, the revision before its number's stamp is returned (never registered, never
    acknowledged): the clerk there sends the issued file."""
    draft = _revisions(_issued(world))["LanhDao"]
    out = _send(world, "draft", draft)
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert [r["code"] for r in out["reasons"] if r["severity"] == "error"] == ["not-issued"]
    assert {r["kind"] for r in out["replies"]} == {"return"}
    assert world.documents() == []


STAMPED = ["018", "019", "020", "021", "022", "023"]  # real files whose number and date only the office's stamps give


@pytest.mark.parametrize("name", STAMPED)
def test_every_revision_of_a_real_file_before_its_stamps_is_not_issued(realpdf: Path, name: str) -> None:
    """Each real file cut at each of its signatures, as a forger can: a revision whose number or date reads blank is
    `not-issued`; the file whole is issued."""
    pdf = (realpdf / f"{name}.pdf").read_bytes()
    assert rules.unissued(read_pdf_bytes(pdf)) == []
    blank = 0
    for revision in _revisions(pdf).values():
        reading = read_pdf_bytes(revision)
        p = reading.particulars
        if (p.number or "/").startswith("/") or p.date is None:
            assert [r.code for r in rules.unissued(reading)] == ["not-issued"], (p.number, p.date)
            blank += 1
    assert blank >= 1


@pytest.mark.parametrize("drawn", ["··", ""])
def test_a_stamp_over_the_blanks_that_the_reader_cannot_read_leaves_them_out(world: World, drawn: str) -> None:
    """An office's stamps over the number's and the date's blanks that draw no figure the reader reads (a picture, a
    font without its text): the blanks are not known to be blank, so the fields are left out (`low-confidence`), never
    `not-issued`; the file is registered as before, its number asked of the clerk."""
    pdf = sign_pdf(blank_document(), world.signers["stp"], world.pki, field_name="LanhDao")
    for field, (left, right) in (("Signature2", ("Số:", "/STP-VP")), ("Signature3", ("ngày", "tháng")),
                                 ("Signature4", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=drawn, box=box_between(pdf, left, right),
                              field_name=field)
    reading = read_pdf_bytes(pdf)
    assert (reading.particulars.number, reading.particulars.date) == (None, None)
    assert rules.unissued(reading) == []
    assert {w.code for w in reading.warnings} >= {"low-confidence"}
    out = _send(world, "unread-stamps", pdf)
    assert out["verdict"] == "accepted", out["reasons"]


def test_a_revision_cut_after_the_days_stamp_is_not_issued(world: World) -> None:
    """The day stamped, not the month: the date is still blank where no stamp stands."""
    reading = read_pdf_bytes(_revisions(_issued(world))["Signature3"])
    assert reading.particulars.date is None
    assert [r.code for r in rules.unissued(reading)] == ["not-issued"]


def test_an_issued_file_stamped_over_dotted_blanks_is_not_called_unissued(world: World) -> None:
    """A template's blanks written as dots ("Số: ………/STP-VP"), the office's stamp drawn over them: the dots are the blank
    it fills (red team 45; red team 43 found the figures placed nowhere and the field left out); the draft of the same
    file, its dots unstamped, is `not-issued` (red team 43)."""
    dotted = render_document(DocumentSpec(number="………/STP-VP"))
    draft = sign_pdf(dotted, world.signers["stp"], world.pki, field_name="LanhDao")
    assert [r.code for r in rules.unissued(read_pdf_bytes(draft))] == ["not-issued"]
    issued = sign_with_stamp(draft, world.signers["stp"], world.pki, text="707", box=_over_the_dots(dotted),
                             field_name="Signature2")
    reading = read_pdf_bytes(issued)
    assert rules.unissued(reading) == [] and reading.particulars.number == "707/STP-VP"


def _over_the_dots(pdf: bytes) -> tuple[float, float, float, float]:
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    word = next(w for w in page.get_text("words") if w[4].endswith("/STP-VP"))
    height = page.rect.height
    return word[0], height - word[3] - 8, word[0] + (word[2] - word[0]) * 0.4, height - word[1] + 8


def test_a_signatures_own_box_over_the_blank_is_no_stamp(world: World) -> None:
    """A leader's box with its name and a date in it, over the number's blank: its figures are no office's stamp (red
    team 47: read as the number "25112026/STP-VP"); the draft is `not-issued`."""
    pdf = sign_with_stamp(blank_document(), world.signers["stp"], world.pki, text="Nguyen Van A 25 11 2026",
                          box=box_between(blank_document(), "Số:", "/STP-VP"), field_name="LanhDao", font_size=5)
    reading = read_pdf_bytes(pdf)
    assert reading.particulars.number == "/STP-VP"
    assert [r.code for r in rules.unissued(reading)] == ["not-issued"]
