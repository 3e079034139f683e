"""Red team 112 (outgoing): what the clerk's outgoing folder, `send` and the outbox do with what the clerk never meant.

The functions the daemon's folder and `qlvb-gateway send` use (`take_dropped`, `OutgoingSender`, the outbox's
`OutboxSender`), in this process, on real PDFs, our own key configured from a PKCS#12 file (the tests' PKI), and a
real SMTP server (aiosmtpd) receiving what is mailed (and refusing what a test tells it to refuse)."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message
from typing import Any

import pymupdf
import pytest
from sqlalchemy import select

from outgoing_kit import letter, signing_agency
from kit import DocumentSpec, render_document
from world import STC, STP, US, World

class Recorder:
    """An SMTP server's handler keeping every message it accepts; `refuse` maps a recipient to the reply to its RCPT."""

    def __init__(self) -> None:
        self.got: list[tuple[list[str], Message]] = []
        self.raw: list[bytes] = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.got.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default)))
            self.raw.append(envelope.content)
        return "250 OK"

    def carrying(self, filename: str) -> list[tuple[list[str], Message]]:
        return [(to, m) for to, m in self.got if filename in [p.get_filename() for p in m.walk()]]


@dataclass
class Agency:
    world: World
    gateway: Any
    sender: Any
    smtp: Recorder

    def send_now(self) -> None:
        from gateway.cli import _send_now

        _send_now(self.gateway)

    def registered(self, notation: str) -> list[Any]:
        from registry.models import OutgoingDocument

        with self.gateway.register.session() as s:
            return list(s.scalars(select(OutgoingDocument).where(OutgoingDocument.notation == notation)).all())

    def recipients(self, notation: str) -> dict[str, str]:
        from registry.models import OutgoingDocument, OutgoingRecipient

        with self.gateway.register.session() as s:
            rows = s.execute(select(OutgoingRecipient.mailbox, OutgoingRecipient.state)
                             .join(OutgoingDocument, OutgoingDocument.id == OutgoingRecipient.document_id)
                             .where(OutgoingDocument.notation == notation)).all()
        return {m: st for m, st in rows}


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Agency]:  # type: ignore[no-untyped-def]
    """Sở Nội vụ's gateway, our key configured (PKCS#12), mailing to a real SMTP server."""
    recorder = Recorder()
    with signing_agency(tmp_path_factory.mktemp("rt112") / "agency", province, recorder, "QLVB_RT112_P12") as (world, gw, sender):
        yield Agency(world, gw, sender, recorder)


def dropped(subject: str, *files: tuple[str, bytes, str], sender: str = US["mailbox"],
            headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    msg = EmailMessage()
    for name, value in headers:
        msg[name] = value
    msg["From"], msg["To"], msg["Subject"] = sender, US["mailbox"], subject
    msg.set_content("Đề nghị gửi văn bản kèm theo.")
    for name, data, kind in files:
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# ---- 1. who put the mail in the outgoing folder ---------------------------------------------------------------------

OUTSIDE = [
    # an outsider's own mail, filed into the folder by a rule of the clerk's or dragged there among the inbox's mails
    ("Văn thư <vanthu@snv-bacgiang.gov.vn.example>", ()),
    # our From forged from outside: the clerk's mail server received it from the Internet and its checks failed
    (US["mailbox"], (("Received", "from mail.attacker.example (mail.attacker.example [203.0.113.9]) by mx.bacgiang.gov.vn"),
                     ("Authentication-Results", "mx.bacgiang.gov.vn; spf=fail smtp.mailfrom=attacker.example; "
                                                "dkim=none; dmarc=fail header.from=snv.bacgiang.gov.vn"))),
]


@pytest.mark.parametrize("sender,headers", OUTSIDE, ids=["outsider-from", "forged-our-from"])
def test_a_mail_not_the_clerks_in_the_outgoing_folder_is_not_signed_nor_sent(agency: Agency, sender: str,
                                                                            headers: tuple[tuple[str, str], ...]) -> None:
    """A mail in "QLVB/Gửi đi" that is not the clerk's (another's From, or ours forged from outside and failing the
    server's checks) carries a letter printed as ours: the gateway signs it with the agency's key and mails it."""
    from gateway.dropped_mail import take_dropped

    number = f"{81 + OUTSIDE.index((sender, headers))}/SNV-VP"
    name = number.replace("/", "-") + ".pdf"
    forged = letter(number, recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính."],
                    kinh_gui=["Sở Tài chính"])
    raw = dropped("Gửi đi", (name, forged, "application/pdf"), sender=sender, headers=headers)
    taken = take_dropped(agency.sender, f"QLVB/Gửi đi:{number}", raw)
    agency.send_now()
    assert taken != "sent"
    assert not agency.registered(number)
    assert not [to for to, _ in agency.smtp.carrying(name) if STC in to]


# ---- 2. a draft that is a document --------------------------------------------------------------------------------

def test_a_pdf_named_as_the_draft_is_not_mailed_beside_our_signed_letter_unread(agency: Agency) -> None:
    """The clerk's mail carries our letter and a "du-thao.docx" whose bytes are a PDF: another letter, printed as
    ours, to Sở Tài chính. Only the letter is read, planned and checked; the "draft" is mailed to every recipient
    beside it, in our name, and every recipient's intake reads it as a second PDF document of ours."""
    from gateway.intake.attachments import classify
    from gateway.dropped_mail import take_dropped

    other = letter("92/SNV-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính."],
                   kinh_gui=["Sở Tài chính"], summary="V/v cấp kinh phí bổ sung")
    raw = dropped("Gửi đi 91", ("91-SNV-VP.pdf", letter("91/SNV-VP"), "application/pdf"),
                  ("du-thao-91.docx", other, DOCX))
    taken = take_dropped(agency.sender, "QLVB/Gửi đi:91", raw)
    agency.send_now()
    mailed = agency.smtp.carrying("91-SNV-VP.pdf")
    unread = [p.get_filename() for _, m in mailed for p in m.iter_attachments()
              if p.get_filename() != "91-SNV-VP.pdf"
              and classify(p.get_filename() or "", p.get_content_type(), p.get_payload(decode=True)).kind == "pdf"]
    # what a recipient's intake reads of the mail: every PDF document in it, by its số, ký hiệu
    from gateway.intake.analysis import Analyser

    analyser = Analyser(agency.gateway.analysis_settings())
    read = [sorted(p.reading.particulars.number or "?" for p in analyser.analyse(raw).facts.pdfs if p.reading)
            for raw in agency.smtp.raw if b"91-SNV-VP.pdf" in raw]
    assert not unread and all(numbers == ["91/SNV-VP"] for numbers in read), \
        f"taken {taken}: mailed beside our letter, never read nor checked: {unread}; a recipient's intake reads {read}"


def test_a_pdf_given_as_the_draft_of_send_is_not_mailed_unread(agency: Agency) -> None:
    """The same through `qlvb-gateway send FILE --draft du-thao.docx`."""
    from gateway.intake.attachments import classify
    from gateway.outgoing.send import OutgoingFile

    other = letter("94/SNV-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính."],
                   kinh_gui=["Sở Tài chính"])
    outcome = agency.sender.send(OutgoingFile("93-SNV-VP.pdf", "93-SNV-VP.pdf", letter("93/SNV-VP"),
                                              ("du-thao-93.docx", other)))
    agency.send_now()
    mailed = agency.smtp.carrying("93-SNV-VP.pdf")
    unread = [p.get_filename() for _, m in mailed for p in m.iter_attachments()
              if p.get_filename() != "93-SNV-VP.pdf"
              and classify(p.get_filename() or "", p.get_content_type(), p.get_payload(decode=True)).kind == "pdf"]
    assert not unread, f"registered {outcome.registered}: mailed unread: {unread}"


# ---- 3. the SMTP server refusing one recipient ------------------------------------------------------------------------

def test_a_recipient_the_server_refuses_is_failed_and_the_others_sent(agency: Agency) -> None:
    from gateway.outgoing.send import OutgoingFile

    block = ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tư pháp;", "- Sở Tài chính."]
    agency.smtp.refuse[STC] = "550 5.1.1 mailbox unavailable"
    try:
        outcome = agency.sender.send(OutgoingFile("95-SNV-VP.pdf", "95-SNV-VP.pdf",
                                                  letter("95/SNV-VP", recipients=block)))
        assert outcome.registered, outcome.as_json()
        agency.send_now()
    finally:
        agency.smtp.refuse.clear()
    assert agency.recipients("95/SNV-VP") == {STP: "sent", STC: "failed"}
    assert [to for to, _ in agency.smtp.carrying("95-SNV-VP.pdf")] == [[STP]]


# ---- 4. what the page shows and what the plan reads -----------------------------------------------------------------

def _block_line(pdf: bytes) -> tuple[pymupdf.Document, pymupdf.Page, pymupdf.Rect]:
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    page.insert_font(fontname="vn", fontfile="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    return doc, page, last


def test_an_entry_a_white_annotation_covers_is_not_mailed(agency: Agency) -> None:
    """The drafter's PDF has "- Sở Tài chính." in its text layer under the block, covered by a white square annotation:
    every viewer, the clerk's too, shows "Bản điện tử: - Sở Tư pháp." alone (the page renders white there). The plan
    reads Sở Tài chính, the gateway signs and mails the letter there, not a word to the clerk: `visibility._fills` leaves
    out what annotations draw ("judged by the signatures' checks"), and an unsigned file has no signature to judge it."""
    doc, page, last = _block_line(letter("97/SNV-VP"))
    page.insert_text((last.x0 - 8, last.y1 + 14), "- Sở Tài chính.", fontname="vn", fontsize=11)
    cover = pymupdf.Rect(last.x0 - 10, last.y1 + 2, last.x0 + 120, last.y1 + 18)
    annot = page.add_rect_annot(cover)
    annot.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
    annot.set_border(width=0)
    annot.update()
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert min(shown.get_pixmap(dpi=100, clip=cover).samples) == 255  # nothing of it is seen, annotations drawn

    from gateway.outgoing.send import OutgoingFile

    outcome = agency.sender.send(OutgoingFile("97-SNV-VP.pdf", "97-SNV-VP.pdf", pdf))
    agency.send_now()
    assert not [to for to, _ in agency.smtp.carrying("97-SNV-VP.pdf") if STC in to], outcome.as_json()["electronic"]


def test_a_layer_hidden_on_screen_is_not_signed_unseen(agency: Agency) -> None:
    """The drafter's PDF carries an optional-content layer, off on screen, on when printed (its /Usage and the default
    configuration's /AS print event), drawing "- Sở Tài chính." under the block. MuPDF leaves it out of the text, so
    neither the clerk nor the plan sees it, and the gateway signs the file whole with the agency's key: every recipient
    prints, or shows with the viewer's layer panel, an entry the clerk never saw, under our signature."""
    doc, page, last = _block_line(letter("98/SNV-VP"))
    xref = doc.add_ocg("Bản in", on=False)
    doc.xref_set_key(xref, "Usage", "<</View<</ViewState/OFF>>/Print<</PrintState/ON>>>>")
    doc.xref_set_key(doc.pdf_catalog(), "OCProperties/D/AS", f"[<</Event/Print/Category[/Print]/OCGs[{xref} 0 R]>>"
                                                               f"<</Event/View/Category[/View]/OCGs[{xref} 0 R]>>]")
    page.insert_text((last.x0 - 8, last.y1 + 14), "- Sở Tài chính.", fontname="vn", fontsize=11, oc=xref)
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")
    assert "Sở Tài chính" not in shown[0].get_text()
    shown.xref_set_key(xref, "Usage", "null")  # as printed (PrintState ON), or the layer panel's "show" in a viewer
    shown.xref_set_key(shown.pdf_catalog(), "OCProperties/D/ON", f"[{xref} 0 R]")
    shown.xref_set_key(shown.pdf_catalog(), "OCProperties/D/OFF", "[]")
    assert "Sở Tài chính" in pymupdf.open(stream=shown.tobytes(), filetype="pdf")[0].get_text()

    from gateway.outgoing.send import OutgoingFile

    outcome = agency.sender.send(OutgoingFile("98-SNV-VP.pdf", "98-SNV-VP.pdf", pdf))
    agency.send_now()
    assert not outcome.registered and not agency.smtp.carrying("98-SNV-VP.pdf"), outcome.as_json()["held"]


# ---- 5. bytes before %PDF- ----------------------------------------------------------------------------------------

def test_a_letter_behind_junk_every_recipient_refuses_is_not_signed_nor_sent(agency: Agency) -> None:
    """A PDF preceded by an HTML page (MuPDF skips up to a kilobyte before %PDF-): the plan reads the letter, the
    gateway signs the file whole, the HTML inside our signed bytes, and mails it; every recipient's intake refuses a file
    with more than a few bytes before its %PDF- (`attachments.classify`)."""
    from gateway.intake.attachments import classify
    from gateway.outgoing.send import OutgoingFile

    junk = b"<html><body><h1>Quyet dinh so 99/QD-SNV</h1>" + b" " * 300 + b"</body></html>\n"
    pdf = junk + letter("99/SNV-VP")
    assert classify("99-SNV-VP.pdf", "application/pdf", pdf).kind == "refused"
    try:
        outcome = agency.sender.send(OutgoingFile("99-SNV-VP.pdf", "99-SNV-VP.pdf", pdf))
    except Exception as exc:  # refused to read or to sign: nothing sent
        outcome = exc
    agency.send_now()
    mailed = agency.smtp.carrying("99-SNV-VP.pdf")
    assert not mailed, (outcome, [classify("x.pdf", "application/pdf", p.get_payload(decode=True)).note
                                  for _, m in mailed for p in m.iter_attachments()])


# ---- 6. another agency's letter whose header is a picture ----------------------------------------------------------

def test_another_agencys_letter_whose_header_is_a_picture_is_not_signed_as_ours(agency: Agency) -> None:
    """Sở Tài chính's letter 41/STC-VP, its header ("UBND TỈNH BẮC GIANG / SỞ TÀI CHÍNH") a picture on an otherwise
    born-digital page (a logo-like header, a pasted letterhead): the page has a text layer, so nothing is OCR'd, the
    issuer is unread, and `plan.ours_to_sign` says nothing of an unread issuer: the gateway signs Sở Tài chính's letter
    with OUR key and mails it as ours (red team 66 held only an issuer OCR read and the directory did not know)."""
    from gateway.outgoing.send import OutgoingFile

    block = ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tư pháp."]
    doc = pymupdf.open(stream=render_document(DocumentSpec(issuer="SỞ TÀI CHÍNH", number="41/STC-VP", recipients=block,
                                                           kinh_gui=["Sở Tư pháp"])), filetype="pdf")
    page = doc[0]
    printed = page.search_for("SỞ TÀI CHÍNH")[0]
    header = pymupdf.Rect(0, 0, 250, printed.y1 + 8)
    picture = page.get_pixmap(dpi=200, clip=header)
    page.add_redact_annot(header)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    page.insert_image(header, pixmap=picture)
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert "SỞ TÀI CHÍNH" not in shown.get_text() and "Số: 41/STC-VP" in shown.get_text()

    outcome = agency.sender.send(OutgoingFile("41-STC-VP.pdf", "41-STC-VP.pdf", pdf))
    agency.send_now()
    assert not outcome.registered and not agency.smtp.carrying("41-STC-VP.pdf"), outcome.as_json()["document"]


# ---- 7. a line whose glyphs are blank and whose ToUnicode says an entry ----------------------------------------------

def _blank_glyph_line(doc: pymupdf.Document, page: pymupdf.Page, x: float, y: float, text: str, size: float = 11) -> None:
    """Draw `text`'s length of Helvetica's blank /space glyph, black, full size, full opacity, each code mapped by the
    font's ToUnicode CMap to one letter of `text`: the page shows nothing, the text layer says `text`."""
    n = len(text)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Blank def "
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{n} beginbfchar\n" + "\n".join(f"<{i + 1:02X}> <{ord(c):04X}>" for i, c in enumerate(text))
            + "\nendbfchar endcmap CMapName currentdict /CMap defineresource pop end end")
    unicode_map = doc.get_new_xref()
    doc.update_object(unicode_map, "<<>>")
    doc.update_stream(unicode_map, cmap.encode())
    font = doc.get_new_xref()
    doc.update_object(font, "<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding<</Type/Encoding/BaseEncoding"
                            f"/WinAnsiEncoding/Differences[1 {' '.join(['/space'] * n)}]>>/ToUnicode {unicode_map} 0 R>>")
    holder, path = page.xref, "Resources"
    kind, value = doc.xref_get_key(holder, path)
    if kind == "xref":
        holder, path = int(value.split()[0]), ""
    fonts = (path + "/Font").lstrip("/")
    kind, value = doc.xref_get_key(holder, fonts)
    if kind == "xref":
        doc.xref_set_key(int(value.split()[0]), "FBLANK", f"{font} 0 R")
    else:
        doc.xref_set_key(holder, fonts + "/FBLANK", f"{font} 0 R")
    codes = "".join(f"\\{i + 1:03o}" for i in range(n))
    content = doc.get_new_xref()
    doc.update_object(content, "<<>>")
    doc.update_stream(content, f"q 0 g BT /FBLANK {size} Tf 1 0 0 1 {x} {page.rect.height - y} Tm ({codes}) Tj ET Q".encode())
    kind, value = doc.xref_get_key(page.xref, "Contents")
    doc.xref_set_key(page.xref, "Contents", value[:-1] + f" {content} 0 R]" if kind == "array" else f"[{value} {content} 0 R]")


@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 112 and 113: glyphs that draw nothing are read "
                                      "as their ToUnicode map says (a render check held genuine grey or turned text)")
def test_an_entry_drawn_in_blank_glyphs_is_not_mailed(agency: Agency) -> None:
    """The drafter's PDF adds under the block a line of blank glyphs (Helvetica's /space, black, 11 pt) whose ToUnicode
    CMap reads "- Sở Tài chính.": no viewer shows anything there, `visibility.hidden_text` finds nothing wrong (not
    white, not faint, not tiny, not covered), and the plan mails the letter to Sở Tài chính."""
    from gateway.outgoing.send import OutgoingFile

    doc = pymupdf.open(stream=letter("88/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    _blank_glyph_line(doc, page, last.x0 - 8, last.y1 + 12, "- Sở Tài chính.")
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert "Sở Tài chính" in shown.get_text()
    area = pymupdf.Rect(last.x0 - 10, last.y1 + 1, last.x0 + 140, last.y1 + 16)
    assert min(shown.get_pixmap(dpi=100, clip=area).samples) == 255  # nothing drawn there

    outcome = agency.sender.send(OutgoingFile("88-SNV-VP.pdf", "88-SNV-VP.pdf", pdf))
    agency.send_now()
    assert not [to for to, _ in agency.smtp.carrying("88-SNV-VP.pdf") if STC in to], outcome.as_json()["electronic"]


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 112: a text layer over a picture of other words "
                                      "is read as its text says (no OCR compares them on a born-digital page)")
def test_an_entry_shown_as_a_picture_and_read_as_another_mails_the_other_alone(agency: Agency) -> None:
    """The same, sending to the wrong agency: the block's last line "- Sở Tư pháp." is a picture of itself (its text
    taken out), and over it a line of blank glyphs reads "- Sở Tài chính.". Every viewer shows "Bản điện tử: - Sở Tư
    pháp."; the plan reads Sở Tài chính alone, and the letter goes there and never to Sở Tư pháp."""
    from gateway.outgoing.send import OutgoingFile

    doc = pymupdf.open(stream=letter("89/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    line = pymupdf.Rect(last.x0 - 12, last.y0 - 1, last.x1 + 2, last.y1 + 1)
    picture = page.get_pixmap(dpi=300, clip=line)
    page.add_redact_annot(line)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE)
    page.insert_image(line, pixmap=picture)
    _blank_glyph_line(doc, page, last.x0 - 8, last.y1 - 2.5, "- Sở Tài chính.")
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert "Sở Tư pháp." not in shown.get_text() and "Sở Tài chính" in shown.get_text()

    outcome = agency.sender.send(OutgoingFile("89-SNV-VP.pdf", "89-SNV-VP.pdf", pdf))
    agency.send_now()
    mailed = [to for to, _ in agency.smtp.carrying("89-SNV-VP.pdf")]
    assert [STC] not in mailed, (mailed, outcome.as_json()["electronic"])


# ---- 8. a second letter one level down in the mail ----------------------------------------------------------------

def test_a_folder_mail_with_a_second_letter_inside_its_html_part_is_held(agency: Agency) -> None:
    """An HTML mail (as Apple Mail writes one: the text, then multipart/alternative holding the HTML and the letter
    placed inline in it) with a second letter attached at the top: the mail client shows the clerk two letters;
    `folder.dropped_files` walks only the top level (`iter_attachments` takes a multipart/alternative for the body), so
    it sees one PDF, sends it, files the whole mail in "Đã gửi" and never says a word of the other (red team 63 held
    two PDFs at the top level: "one document per mail")."""
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    from gateway.dropped_mail import take_dropped

    inline = MIMEApplication(letter("73/SNV-VP", recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:",
                                                            "- Sở Tài chính."]), "pdf")
    inline.add_header("Content-Disposition", "inline", filename="73-SNV-VP.pdf")
    html = MIMEMultipart("mixed", _subparts=[MIMEText("<p>Gửi hai văn bản</p>", "html", "utf-8"), inline])
    body = MIMEMultipart("alternative", _subparts=[MIMEText("Gửi hai văn bản", "plain", "utf-8"), html])
    attached = MIMEApplication(letter("74/SNV-VP"), "pdf")
    attached.add_header("Content-Disposition", "attachment", filename="74-SNV-VP.pdf")
    msg = MIMEMultipart("mixed", _subparts=[body, attached])
    msg["From"], msg["To"], msg["Subject"] = US["mailbox"], US["mailbox"], "Gửi đi 73, 74"
    taken = take_dropped(agency.sender, "QLVB/Gửi đi:73", msg.as_bytes())
    agency.send_now()
    notes = [m for to, m in agency.smtp.got if to == [US["mailbox"]] and "73, 74" in str(m["Subject"])]
    told = any("73-SNV-VP.pdf" in m.get_body(("plain",)).get_content() for m in notes)
    assert taken == "held" or told, (taken, [str(m["Subject"]) for m in notes],
                                     [r.notation for r in agency.registered("74/SNV-VP")])


# ---- 9. answers back (held) ----------------------------------------------------------------------------------------

def test_answers_only_from_the_recipients_proven_mailbox_change_its_line(agency: Agency) -> None:
    """Our letter to Sở Tư pháp and Sở Tài chính. Sở Tài chính, proven, "returns" Sở Tư pháp's copy (its Message-ID
    from a forwarded copy); Sở Tư pháp's address, unproven, acknowledges; then Sở Tư pháp, proven, acknowledges 17."""
    from gateway.outgoing.send import OutgoingFile
    from registry.models import OutgoingDocument, OutgoingRecipient

    block = ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tư pháp;", "- Sở Tài chính."]
    assert agency.sender.send(OutgoingFile("77-SNV-VP.pdf", "77-SNV-VP.pdf", letter("77/SNV-VP", recipients=block))).registered
    agency.send_now()
    with agency.gateway.register.session() as s:
        ident, stp_id = s.execute(select(OutgoingDocument.identifier, OutgoingRecipient.message_id)
                                  .join(OutgoingRecipient, OutgoingRecipient.document_id == OutgoingDocument.id)
                                  .where(OutgoingDocument.notation == "77/SNV-VP", OutgoingRecipient.mailbox == STP)).one()
    world = agency.world
    forged = [
        world.mail("rt112-return-by-stc", sender=STC, auth="smtp", subject="Trả lại văn bản", headers={
            "In-Reply-To": stp_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "02",
            "X-QLVB-Reasons": "sender-not-issuer", "X-QLVB-Document-Id": ident}),
        world.mail("rt112-ack-unproven", sender=STP, auth=None, headers={
            "In-Reply-To": stp_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03",
            "X-QLVB-Incoming-Number": "99"}),
    ]
    world.ingest(*forged)
    assert agency.recipients("77/SNV-VP") == {STP: "sent", STC: "sent"}
    world.ingest(world.mail("rt112-ack", sender=STP, auth="smtp", headers={
        "In-Reply-To": stp_id, "Auto-Submitted": "auto-replied", "X-QLVB-Status": "03", "X-QLVB-Incoming-Number": "17"}))
    assert agency.recipients("77/SNV-VP") == {STP: "acknowledged", STC: "sent"}
