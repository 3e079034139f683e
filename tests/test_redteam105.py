"""Red team 105: the number and date a signature's visible stamp writes into the blanks, attacked by a forger who holds
a genuine issued file (and a stranger's certificate) but not the office's key."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pymupdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from gateway.demo.signing import pki_timestamper
from gateway.reading import read_pdf_bytes
from kit import blank_document, box_between, sign_pdf, sign_with_stamp
from world import STP, World

EVIL = "attacker@evil.example"


def _issued(world: World, number: str = "707") -> bytes:
    pdf = sign_pdf(blank_document(), world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, (left, right) in (("Signature2", number, ("Số:", "/STP-VP")), ("Signature3", "25", ("ngày", "tháng")),
                                       ("Signature4", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box_between(pdf, left, right),
                              field_name=field)
    return pdf


def _send(world: World, name: str, pdf: bytes, **kw: Any) -> dict[str, Any]:
    return world.ingest(world.mail(name, attachments=[(f"{name}.pdf", pdf)], **kw))[0]


def _with_appearance(writer: IncrementalPdfFileWriter, widget: Any, rect: tuple[float, float, float, float],
                     text: str) -> None:
    """Give `widget` a normal appearance: white over its box, then `text` in Times."""
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    font = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Font"), generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
        generic.NameObject("/BaseFont"): generic.NameObject("/Times-Roman")}))
    stream = generic.StreamObject({
        generic.NameObject("/Type"): generic.NameObject("/XObject"), generic.NameObject("/Subtype"): generic.NameObject("/Form"),
        generic.NameObject("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, width, height)]),
        generic.NameObject("/Resources"): generic.DictionaryObject({generic.NameObject("/Font"): generic.DictionaryObject(
            {generic.NameObject("/F1"): font})})},
        stream_data=f"1 1 1 rg 0 0 {width:.2f} {height:.2f} re f 0 0 0 rg BT /F1 13 Tf 2 {height / 2 - 4:.2f} Td ({text}) Tj ET".encode())
    widget[generic.NameObject("/AP")] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(stream)})
    writer.update_container(widget)


def _field(writer: IncrementalPdfFileWriter, name: str) -> Any:
    return next(r.get_object() for r in writer.root["/AcroForm"]["/Fields"] if r.get_object().get("/T") == name)


def _timestamp_with_visible_box(world: World, pdf: bytes, text: str, over: tuple[str, str]) -> bytes:
    box = box_between(pdf, *over)
    rect = (box[0] - 2, box[1], box[2] + 2, box[3])
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Archive", on_page=0, box=rect))
    _with_appearance(writer, _field(writer, "Archive"), rect, text)
    out = BytesIO()
    signers.PdfTimeStamper(pki_timestamper(world.pki, world.stranger.tsa), field_name="Archive").timestamp_pdf(
        writer, "sha256", output=out)
    return out.getvalue()


def test_the_recalled_file_wrapped_in_a_strangers_signature_is_not_kept(world: World) -> None:
    """FINDING (medium). Attack: Sở Tư pháp's issued 707/STP-VP (number and date stamped by its signatures) is
    registered, then recalled (its file destroyed, NĐ 30/2020 Phụ lục VI). Anyone holding the file appends one more
    signature by any certificate at all (a self-made one) and mails it again. The reader reads what the last *intact*
    signature covers (analysis.signed_content: intact, trusted or not), so the file's `signed_sha256` is the hash of
    the wrapped file, not of the recalled revision: `Intake.recalled_files` does not know it, the mail is held for the
    clerk (signature-modified), stored whole, and stays stored after the clerk discards it: the recalled document's
    every byte (a prefix of the file) kept for good. Red team 89 (H1) fixed this for the very file and for unsigned
    revisions appended. Expected: a file one of whose signed revisions is a recalled document's is kept nowhere."""
    import hashlib

    from test_trust_exchange import _recall, _stored
    ident = "STP-2027.707"
    issued = _issued(world)
    [own] = world.ingest(world.mail("own", attachments=[("a.pdf", issued)], headers={"X-QLVB-Document-Id": ident}))
    assert own["verdict"] == "accepted", own
    world.ingest(_recall(world, "recall", STP, ident))
    assert not _stored(world, hashlib.sha256(issued).hexdigest()).exists()
    wrapped = sign_pdf(issued, world.signers["stranger"], world.stranger, field_name="Kho")
    assert wrapped.startswith(issued)
    [out] = world.ingest(world.mail("again", auth=None, attachments=[("a.pdf", wrapped)]))
    assert out["verdict"] == "quarantined"  # held: the stranger's signature after the issuer's
    world.run("review", "discard", str(out["review_id"]), "--config", str(world.config_path), check=False)
    assert not _stored(world, hashlib.sha256(wrapped).hexdigest()).exists(), \
        "the recalled document, a stranger's signature appended, kept in the store after the clerk's decision"


def _stranger_stamp(pdf: bytes, world: World, text: str, box: tuple[float, float, float, float]) -> bytes:
    """One more signature after the office's, by a certificate of a CA nobody trusts, its box drawing `text`."""
    return sign_with_stamp(pdf, world.signers["stranger"], world.stranger, text=text, box=box, field_name="Kho")


def _real_018(realpdf: Any) -> tuple[bytes, tuple[float, float, float, float]]:
    """Real 018 (Sở Tài chính Lâm Đồng, 464/STC-VP stamped by Signature2) and its number's stamp box (PDF points from
    the bottom left)."""
    pdf = (realpdf / "018.pdf").read_bytes()
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        rect = next(w.rect for w in page.widgets() if w.field_name == "Signature2")
        height = page.rect.height
    return pdf, (149.0, height - rect.y1, 162.0, height - rect.y0)  # between the office's "464" and "/STC-VP"


# ---- findings ---------------------------------------------------------------------------------------------------------

def test_a_strangers_stamp_after_the_office_is_not_the_number_the_issuer_is_answered_with(world: World) -> None:
    """FINDING (low). Attack: after the office's last signature a signature by a stranger's certificate (a CA nobody
    trusts) is appended whose box draws "999" in the number's blank. The document is rightly returned
    (signature-modified), but analysis.signed_content reads as far as the last *intact* signature, trusted or not, so
    the stranger's figures are written into the blank with the office's: the document is read "707999/STP-VP", and
    the return to Sở Tư pháp says "Trả lại văn bản: 707999/STP-VP" and the clerk's desk shows that number: a number
    no signature of the issuer vouches for, answered to the issuer as its own. Expected: what is read (and answered,
    shown, matched against recalls) is what the issuer's (at least a trusted) signature covers: 707/STP-VP."""
    issued = _issued(world)
    forged = _stranger_stamp(issued, world, "999", box_between(issued, "Số:", "/STP-VP"))
    out = _send(world, "stranger-stamp", forged, sender=STP)
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert "signature-modified" in {r["code"] for r in out["reasons"]}
    assert out["document"]["number"] == "707/STP-VP", out["document"]["number"]


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 105: with no signature trusted (the corpus has no "
                   "roots), what the last intact signature covers is read")
def test_a_strangers_stamp_on_a_real_issued_file_is_not_read_into_its_number(world: World, realpdf: Any) -> None:
    """FINDING (low), as above on a real file as agencies publish it (018, 464/STC-VP stamped by its Signature2): a
    stranger's signature appended, its box drawing "9" beside the office's "464" in the number's blank. The file is
    held (signature-modified) but read, shown and matched as "4649/STC-VP". Expected: 464/STC-VP, what the issuer's
    signature stamped."""
    pdf, box = _real_018(realpdf)
    forged = _stranger_stamp(pdf, world, "9", box)
    out = _send(world, "real-stranger", forged, sender=EVIL, auth=None)
    assert out["verdict"] == "quarantined" and out["incoming_number"] is None
    assert out["document"]["number"] == "464/STC-VP", out["document"]["number"]


# ---- attacks that held ------------------------------------------------------------------------------------------------

def test_held_a_strangers_stamp_after_the_office_is_never_registered_nor_answered_to_the_forger(world: World) -> None:
    """HELD. The stranger's stamp "999" over the number (issued file mailed by an unproven sender): held for the clerk
    (signature-modified), nothing registered, nobody but the clerk told."""
    issued = _issued(world)
    forged = _stranger_stamp(issued, world, "999", box_between(issued, "Số:", "/STP-VP"))
    out = _send(world, "stranger", forged, sender=EVIL, auth=None)
    assert out["verdict"] == "quarantined" and out["incoming_number"] is None
    assert "signature-modified" in {r["code"] for r in out["reasons"]}
    assert all(r["kind"] == "alert" for r in out["replies"])
    assert world.documents() == []


def test_held_a_strangers_stamp_filling_the_blanks_of_the_issuers_draft_is_not_registered(world: World) -> None:
    """HELD. The leader's signed draft (number and date blank) with a stranger's signatures stamping 999, 25, 11: the
    stamps are read but the file is held (signature-modified); nothing registered."""
    pdf = sign_pdf(blank_document(), world.signers["stp"], world.pki, field_name="LanhDao")
    for field, text, (left, right) in (("X1", "999", ("Số:", "/STP-VP")), ("X2", "25", ("ngày", "tháng")),
                                       ("X3", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, world.signers["stranger"], world.stranger, text=text,
                              box=box_between(pdf, left, right), field_name=field)
    out = _send(world, "draft-stamped", pdf, sender=STP)
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert "signature-modified" in {r["code"] for r in out["reasons"]}


def test_held_another_trusted_agencys_stamp_after_the_issuer_is_not_registered(world: World) -> None:
    """HELD. Sở Tài chính (trusted, of the province) signs after Sở Tư pháp's office, its box "999" over the number:
    not the issuer's signature, held (signature-modified)."""
    issued = _issued(world)
    forged = sign_with_stamp(issued, world.signers["stc"], world.pki, text="999",
                             box=box_between(issued, "Số:", "/STP-VP"), field_name="STC")
    out = _send(world, "stc-stamp", forged, sender=EVIL, auth=None)
    assert out["verdict"] == "quarantined" and out["incoming_number"] is None
    assert "signature-modified" in {r["code"] for r in out["reasons"]}


def test_held_a_document_timestamp_whose_visible_box_draws_another_number_is_not_accepted(world: World) -> None:
    """HELD. PAdES B-LTA abused: a /DocTimeStamp (a stranger's TSA) appended in a field of its own whose widget's
    appearance paints white over the number's blank and writes "999" (a timestamp is nobody's signature and is left
    out of the signatures judged). pyHanko counts the new field as filled after signing: held (signature-modified),
    the number read the signed "707/STP-VP". On the unnumbered draft: not-issued."""
    issued = _issued(world)
    out = _send(world, "ts", _timestamp_with_visible_box(world, issued, "999", ("Số:", "/STP-VP")), sender=EVIL, auth=None)
    assert out["verdict"] == "quarantined" and out["document"]["number"] == "707/STP-VP"
    assert "signature-modified" in {r["code"] for r in out["reasons"]}
    draft = sign_pdf(blank_document(), world.signers["stp"], world.pki, field_name="LanhDao")
    out = _send(world, "ts-draft", _timestamp_with_visible_box(world, draft, "999", ("Số:", "/STP-VP")), sender=STP)
    assert out["verdict"] == "returned" and out["incoming_number"] is None
    assert {"not-issued", "signature-modified"} <= {r["code"] for r in out["reasons"]}


def test_held_the_office_stamps_appearance_replaced_in_an_unsigned_revision(world: World) -> None:
    """HELD. An unsigned revision replaces Signature2's appearance with a white box and "999": the reader reads the
    signed revision (707/STP-VP) and the file is held (signature-modified)."""
    issued = _issued(world)
    writer = IncrementalPdfFileWriter(BytesIO(issued), strict=False)
    _with_appearance(writer, _field(writer, "Signature2"), box_between(blank_document(), "Số:", "/STP-VP"), "999")
    out_file = BytesIO()
    writer.write(out_file)
    out = _send(world, "ap", out_file.getvalue(), sender=STP)
    assert out["verdict"] == "returned" and out["document"]["number"] == "707/STP-VP"
    assert "signature-modified" in {r["code"] for r in out["reasons"]}


def test_held_a_freetext_over_a_real_files_number_is_not_read(world: World, realpdf: Any, tmp_path: Any) -> None:
    """HELD. Real 018 with a FreeText annotation, white, "999/STC-VP" over its number's line, in an unsigned revision:
    the number read is the signed 464/STC-VP, and the file is not accepted."""
    pdf, _ = _real_018(realpdf)
    path = tmp_path / "018.pdf"
    path.write_bytes(pdf)
    with pymupdf.open(path) as doc:
        rect = next(w.rect for w in doc[0].widgets() if w.field_name == "Signature2")
        doc[0].add_freetext_annot(rect, "Số: 999/STC-VP", fontsize=13, fill_color=(1, 1, 1), text_color=(0, 0, 0))
        doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    out = _send(world, "freetext", path.read_bytes(), sender=EVIL, auth=None)
    assert out["verdict"] == "quarantined" and out["document"]["number"] == "464/STC-VP"


def test_held_the_genuine_issued_file_and_real_stamped_files_read_right(world: World, realpdf: Any) -> None:
    """HELD (regression). The genuine issued file is registered 707/STP-VP, 2026-11-25, from the stamps; real 018 is
    read 464/STC-VP, 2026-01-15 from its stamps."""
    out = _send(world, "genuine", _issued(world), sender=STP)
    assert out["verdict"] == "accepted" and out["document"]["number"] == "707/STP-VP"
    assert out["document"]["date"] == "2026-11-25"
    reading = read_pdf_bytes((realpdf / "018.pdf").read_bytes())
    assert (reading.particulars.number, reading.particulars.date) == ("464/STC-VP", "2026-01-15")
