"""Red team 113: the fixes of red teams 111 and 112 (3529130), both ways, on the outgoing side and the reader intake
shares with it: genuine work the new rules may now hold (the outgoing folder's `not_the_clerks`, the blank-glyph check
`visibility.inkless_spans`, the opaque-annotation cover, drafts classified by their bytes, an unread issuer), and what
still gets round them. Failing tests are faults found (their docstrings say what was done, what happened, what was
expected and where the fault is); passing ones guard what held.

The `agency` fixture is red team 112's: Sở Nội vụ's gateway, our key configured (PKCS#12), a real SMTP server."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from typing import Any

import openpyxl
import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings

from kit import DocumentSpec, render_document, scan
from poison import _part
from test_redteam112 import Agency, _blank_glyph_line, agency, dropped, letter  # noqa: F401  (agency: the fixture)
from world import MX, STC, STP, US

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LIGHT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-ExtraLight.ttf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TO_STC = ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tài chính."]


def _mailed_to(agency: Agency, filename: str) -> list[list[str]]:
    return [to for to, _ in agency.smtp.carrying(filename)]


def _send(agency: Agency, filename: str, pdf: bytes, draft: tuple[str, bytes] | None = None) -> Any:
    from gateway.outgoing.send import OutgoingFile

    outcome = agency.sender.send(OutgoingFile(filename, filename, pdf, draft))
    agency.send_now()
    return outcome


def _held_codes(outcome: Any) -> list[str]:
    return [r["code"] for r in outcome.as_json()["held"]]


# ---- 1. the blank-glyph check on our own documents: genuine light text ----------------------------------------------

LIGHT_TEXT = [
    # Word's footer as many agencies keep it: the file's path, 7 pt, a light font, grey 70 % (#B3B3B3)
    ("footer-light-7pt", LIGHT, 7, 0.7, "Trang 1/1 - D:\\VanBan\\2026\\CV 201 SNV gui STP.docx"),
    # a light-grey note under the block, 9 pt serif, grey 85 %: clearly seen on screen and on paper
    ("note-grey-9pt", SERIF, 9, 0.85, "Văn bản này được gửi kèm bản điện tử qua hệ thống"),
]


@pytest.mark.parametrize("name,font,size,grey,text", LIGHT_TEXT, ids=[c[0] for c in LIGHT_TEXT])
def test_our_letter_with_light_grey_small_text_is_sent(agency: Agency, name: str, font: str, size: float, grey: float,
                                                       text: str) -> None:
    """Our genuine letter to Sở Tư pháp with a footer (or a note) in light grey, small: every viewer shows it, and
    `visibility._unseen_alone` and the white-text rule agree it is seen (PALE is 0.94, it is 0.7 or 0.85). The new
    `inkless_spans` renders the page at 50 dpi and calls any span whose band has no pixel darker than 224 "blank":
    thin strokes of a grey letter antialiased at 50 dpi never get that dark, so the letter is held `hidden-text` ("chữ
    không vẽ ra nét nào trên trang"), the clerk told that our own footer is hidden text.
    Fault: gateway/reading/visibility.py inkless_spans (a fixed INKED threshold at INK_DPI 50, for any colour)."""
    number = f"{201 + [c[0] for c in LIGHT_TEXT].index(name)}/SNV-VP"
    doc = pymupdf.open(stream=letter(number), filetype="pdf")
    page = doc[0]
    page.insert_font(fontname="lt", fontfile=font)
    where = pymupdf.Point(72, page.rect.height - 40.3)
    page.insert_text(where, text, fontname="lt", fontsize=size, color=(grey, grey, grey))
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    band = pymupdf.Rect(where.x, where.y - size, where.x + 200, where.y + 2)
    assert min(shown.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY, clip=band).samples) <= round(grey * 255) + 4  # seen
    filename = number.replace("/", "-") + ".pdf"
    outcome = _send(agency, filename, pdf)
    assert outcome.registered and _mailed_to(agency, filename) == [[STP]], outcome.as_json()["held"]


# ---- 2. the blank-glyph check: a line of blank glyphs turned a third of a degree ------------------------------------

@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 112 and 113: glyphs that draw nothing are read "
                                      "as their ToUnicode map says (a render check held genuine grey or turned text)")
def test_an_entry_in_blank_glyphs_turned_slightly_is_not_mailed(agency: Agency) -> None:
    """Red team 112's line of blank glyphs ("- Sở Tài chính." in Helvetica's /space) under our block, its text matrix
    turned by 0.34° (cos 0.99998, sin 0.006): the page shows nothing there, MuPDF reads the line as it reads any
    other, the plan resolves Sở Tài chính. `inkless_spans` skips every span whose direction is not exactly (1, 0)
    ("rotated"), so nothing is found, and the gateway signs and mails our letter to Sở Tài chính, unseen by the clerk.
    Expected: held hidden-text, or Sở Tài chính not mailed.
    Fault: gateway/reading/visibility.py inkless_spans (`dir != (1, 0)`: continue)."""
    doc = pymupdf.open(stream=letter("211/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    _blank_glyph_line(doc, page, last.x0 - 8, last.y1 + 12, "- Sở Tài chính.")
    kind, value = doc.xref_get_key(page.xref, "Contents")
    stream = int(value.strip("[]").split()[-3])
    doc.update_stream(stream, doc.xref_stream(stream).replace(b" 1 0 0 1 ", b" 0.99998 0.006 -0.006 0.99998 "))
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert "Sở Tài chính" in shown.get_text()
    area = pymupdf.Rect(last.x0 - 10, last.y1 + 1, last.x0 + 140, last.y1 + 16)
    assert min(shown.get_pixmap(dpi=100, clip=area).samples) == 255  # nothing drawn there
    outcome = _send(agency, "211-SNV-VP.pdf", pdf)
    assert not [to for to in _mailed_to(agency, "211-SNV-VP.pdf") if STC in to], outcome.as_json()["electronic"]


def _line_of_glyphs(doc: pymupdf.Document, page: pymupdf.Page, x: float, y: float, text: str, glyphs: list[str]) -> None:
    """Red team 112's `_blank_glyph_line`, each code drawn with the glyph named in `glyphs` (its ToUnicode `text`)."""
    import inspect

    import test_redteam112

    source = inspect.getsource(test_redteam112._blank_glyph_line).replace(
        "{' '.join(['/space'] * n)}", "{' '.join(glyphs)}").replace("def _blank_glyph_line(", "def _line(glyphs, ")
    space: dict[str, Any] = {"pymupdf": pymupdf}
    exec(source, space)
    space["_line"](glyphs, doc, page, x, y, text)


@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 112 and 113: glyphs that draw nothing are read "
                                      "as their ToUnicode map says (a render check held genuine grey or turned text)")
def test_an_entry_in_blank_glyphs_ending_in_a_real_full_stop_is_not_mailed(agency: Agency) -> None:
    """The same line of blank glyphs reading "- Sở Tài chính.", its last code (the full stop) drawn with Helvetica's
    real /period: the page shows one dot under the block and nothing else. `inkless_spans` calls a span inked when any
    pixel of its band is dark, and the dot is one: nothing found, the plan mails our letter to Sở Tài chính.
    Expected: held hidden-text, or Sở Tài chính not mailed.
    Fault: gateway/reading/visibility.py inkless_spans (one dark pixel anywhere in the span's band clears every letter
    of it; the ink is not weighed letter by letter)."""
    doc = pymupdf.open(stream=letter("212/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    text = "- Sở Tài chính."
    _line_of_glyphs(doc, page, last.x0 - 8, last.y1 + 12, text, ["/space"] * (len(text) - 1) + ["/period"])
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert "Sở Tài chính" in shown.get_text()
    area = pymupdf.Rect(last.x0 - 10, last.y1 + 1, last.x0 + 32, last.y1 + 16)  # all but the dot
    assert min(shown.get_pixmap(dpi=100, clip=area).samples) == 255
    outcome = _send(agency, "212-SNV-VP.pdf", pdf)
    assert not [to for to in _mailed_to(agency, "212-SNV-VP.pdf") if STC in to], outcome.as_json()["electronic"]


# ---- 2b. layers: an OCMD (a membership dictionary) rather than an OCG -----------------------------------------------

def _with_ocmd(number: str, **ocmd: Any) -> tuple[bytes, int]:
    doc = pymupdf.open(stream=letter(number), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    page.insert_font(fontname="vn", fontfile=SERIF)
    ocg = doc.add_ocg("Nền", on=True)
    membership = doc.set_ocmd(**{k: (v if k != "ocgs" else [ocg]) for k, v in ocmd.items()} if "ocgs" in ocmd
                              else {"ve": ["not", ocg]})
    page.insert_text((last.x0 - 8, last.y1 + 14), "- Sở Tài chính.", fontname="vn", fontsize=11, oc=membership)
    return doc.tobytes(), ocg


def test_an_entry_hidden_by_a_membership_of_a_layer_that_is_on_is_not_signed_unseen(agency: Agency) -> None:
    """Under our block, "- Sở Tài chính." marked with an OCMD /P /AllOff over a layer "Nền" that is ON: hidden on screen
    and in print while the layer is on; a recipient who turns "Nền" off in the layer panel sees it, under our
    signature. MuPDF hides it, so neither the clerk nor the plan sees it; `hidden_layers_of` looks at OCGs that are off
    or shown otherwise in print, and an OCMD's inverted policy is neither: the gateway signs and sends it.
    Expected: held hidden-layers, as red team 112's layer off.
    Fault: gateway/intake/pdf_content.py hidden_layers_of (OCMDs /P AllOff, AnyOff, /VE not weighed)."""
    pdf, ocg = _with_ocmd("213/SNV-VP", ocgs=True, policy="AllOff")
    shown = pymupdf.open(stream=pdf, filetype="pdf")
    assert "Sở Tài chính" not in shown[0].get_text()
    shown.set_layer(-1, off=[ocg])  # the recipient's layer panel
    assert "Sở Tài chính" in pymupdf.open(stream=shown.tobytes(), filetype="pdf")[0].get_text()
    outcome = _send(agency, "213-SNV-VP.pdf", pdf)
    assert not outcome.registered and not _mailed_to(agency, "213-SNV-VP.pdf"), outcome.as_json()["held"]


def test_an_entry_a_visibility_expression_hides_is_not_mailed(agency: Agency) -> None:
    """The same line under an OCMD whose visibility expression is /VE [/Not layer-on]: Acrobat and pdf.js hide it
    (a /VE overrides /OCGs and /P, ISO 32000 8.11.2.2), MuPDF does not evaluate /VE ("FIXME") and draws it. The clerk,
    in Acrobat, sees "Bản điện tử: - Sở Tư pháp." alone; the plan reads and mails Sở Tài chính too, and
    `hidden_layers_of` says nothing. Expected: held hidden-layers, or Sở Tài chính not mailed.
    Fault: gateway/intake/pdf_content.py hidden_layers_of (a /VE is read by no part of the gateway)."""
    pdf, _ = _with_ocmd("214/SNV-VP")
    assert "Sở Tài chính" in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()  # as MuPDF reads it
    outcome = _send(agency, "214-SNV-VP.pdf", pdf)
    assert not [to for to in _mailed_to(agency, "214-SNV-VP.pdf") if STC in to], outcome.as_json()["electronic"]


# ---- 3. the opaque-annotation cover in intake ------------------------------------------------------------------------

def line_under_block(number: str) -> tuple[pymupdf.Document, pymupdf.Page, pymupdf.Rect, pymupdf.Rect]:
    """Sở Tư pháp's letter to us (Bản điện tử: Sở Nội vụ) whose text layer has "- Sở Tài chính." under its block: the
    document, its page, the block's last entry and the box over the line added."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(issuer="SỞ TƯ PHÁP", number=number, kinh_gui=["Sở Nội vụ"],
                                                           recipients=["Nơi nhận:", "- Như trên;", "- Lưu: VT.",
                                                                       "Bản điện tử:", "- Sở Nội vụ."])),
                       filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Nội vụ.")[-1]
    page.insert_font(fontname="vn", fontfile=SERIF)
    page.insert_text((last.x0 - 8, last.y1 + 14), "- Sở Tài chính.", fontname="vn", fontsize=11)
    return doc, page, last, pymupdf.Rect(last.x0 - 10, last.y1 + 2, last.x0 + 120, last.y1 + 18)


def _covered_block(cover_kind: str) -> bytes:
    """Sở Tư pháp's letter to us whose text layer has "- Sở Tài chính." under its block, covered by an annotation whose
    appearance is an opaque white box: a FreeText box with a white background, or a Stamp."""
    doc, page, _, cover = line_under_block("31/STP-VP")
    if cover_kind == "freetext":
        annot = page.add_freetext_annot(cover, " ", fontsize=6, text_color=(1, 1, 1), fill_color=(1, 1, 1),
                                        border_width=0)
        annot.update(fill_color=(1, 1, 1))
    else:
        annot = page.add_rect_annot(cover)
        annot.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
        annot.set_border(width=0)
        annot.update()
        doc.xref_set_key(annot.xref, "Subtype", "/Stamp")  # the same white box, as a stamp's appearance
        doc.xref_set_key(annot.xref, "IC", "null")
    return doc.tobytes()


@pytest.mark.parametrize("cover_kind", ["freetext", pytest.param("stamp", marks=pytest.mark.xfail(
    strict=True, reason="left: README Limits, red team 113: a stamp annotation's appearance is not judged as a cover "
                        "(its picture is not rendered apart)"))])
def test_intake_reads_no_entry_an_opaque_freetext_or_stamp_covers(agency: Agency, cover_kind: str) -> None:
    """Red team 112 made a shape annotation filled opaque cover what lies under it (intake too). A FreeText box with a
    white background is drawn the same way by every viewer, but its background is its /C (`annot.colors["stroke"]`),
    not /IC: `visibility._covers` reads `colors["fill"]`, finds none, and the text under it is read as shown; a Stamp
    (a white appearance) is no "shape" at all. The page shows "Bản điện tử: - Sở Nội vụ." alone; intake reads Sở Tài
    chính too, with no hidden-text note. Expected: left out of the reading, said in `hidden`.
    Fault: gateway/reading/visibility.py _covers (FreeText's background is /C; a Stamp's or any annotation's opaque
    appearance is not weighed)."""
    from gateway.intake.analysis import Analyser
    from gateway.model import Attachment

    pdf = _covered_block(cover_kind)
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    last = shown.search_for("Sở Nội vụ.")[-1]
    area = pymupdf.Rect(last.x0 - 10, last.y1 + 3, last.x0 + 118, last.y1 + 17)
    assert min(shown.get_pixmap(dpi=100, clip=area).samples) == 255  # nothing of it is seen
    analyser = Analyser(agency.gateway.analysis_settings())
    facts = analyser.analyse_pdf(Attachment(filename="31.pdf", content_type="application/pdf", sha256="0" * 64,
                                            size=len(pdf), kind="pdf"), pdf)
    reading = facts.reading
    assert reading is not None
    assert "Sở Tài chính" not in reading.recipients.electronic or reading.hidden, reading.recipients.electronic


def test_intake_annotations_of_genuine_work_are_not_hidden_text(agency: Agency) -> None:
    """Guard: a genuine letter with a yellow FreeText note in the margin, a highlight over its summary, a half-opaque
    square as a stamp's background beside the signature, and an empty signature field: nothing read is hidden."""
    from gateway.intake.analysis import Analyser
    from gateway.model import Attachment

    doc = pymupdf.open(stream=render_document(DocumentSpec(issuer="SỞ TƯ PHÁP", number="32/STP-VP", kinh_gui=["Sở Nội vụ"])),
                       filetype="pdf")
    page = doc[0]
    page.add_freetext_annot(pymupdf.Rect(page.rect.width - 70, 60, page.rect.width - 5, 110), "Đã xem",
                            fontsize=8, fill_color=(1, 1, 0.6))
    hit = page.search_for("V/v")
    if hit:
        page.add_highlight_annot(hit[0])
    square = page.add_rect_annot(pymupdf.Rect(330, page.rect.height - 200, 450, page.rect.height - 140))
    square.set_colors(stroke=(1, 0, 0), fill=(1, 0.9, 0.9))
    square.set_opacity(0.4)
    square.update()
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_SIGNATURE
    widget.field_name = "Signature1"
    widget.rect = pymupdf.Rect(330, page.rect.height - 120, 500, page.rect.height - 60)
    page.add_widget(widget)
    pdf = doc.tobytes()
    analyser = Analyser(agency.gateway.analysis_settings())
    facts = analyser.analyse_pdf(Attachment(filename="32.pdf", content_type="application/pdf", sha256="1" * 64,
                                            size=len(pdf), kind="pdf"), pdf)
    assert facts.reading is not None and not facts.reading.hidden and facts.reading.particulars.number == "32/STP-VP"


def _marked(mark: str) -> bytes:
    """Sở Tư pháp's genuine letter to us and Sở Tài chính, its last block line marked by an annotation through which it
    shows: a yellow rectangle blended Multiply (a markup tool's "area highlight"), or a redaction mark never applied
    (every viewer draws its outline; the fill is what applying it would paint)."""
    doc = pymupdf.open(stream=render_document(DocumentSpec(issuer="SỞ TƯ PHÁP", number="33/STP-VP", kinh_gui=["Sở Nội vụ"],
                                                           recipients=["Nơi nhận:", "- Như trên;", "- Lưu: VT.",
                                                                       "Bản điện tử:", "- Sở Nội vụ;",
                                                                       "- Sở Tài chính."])), filetype="pdf")
    page = doc[0]
    line = page.search_for("Sở Tài chính.")[-1]
    box = pymupdf.Rect(line.x0 - 10, line.y0 - 1, line.x1 + 5, line.y1 + 1)
    if mark == "multiply-highlight":
        annot = page.add_rect_annot(box)
        annot.set_colors(stroke=(1, 0.8, 0), fill=(1, 1, 0))
        annot.set_blendmode(pymupdf.PDF_BM_Multiply)
        annot.update()
    else:
        page.add_redact_annot(box, fill=(0, 0, 0))
    return doc.tobytes()


@pytest.mark.parametrize("mark", ["multiply-highlight", "redaction-mark"])
def test_intake_reads_a_line_seen_through_an_annotation(agency: Agency, mark: str) -> None:
    """The line "- Sở Tài chính." shows through the annotation (rendered with annotations, its letters are black), yet
    intake calls it hidden ("bị hình hoặc ảnh che", "chữ cùng màu với nền") and reads the block without it: `_covers`
    takes any filled shape at full /CA for an opaque cover, whatever its blend mode (Multiply lets everything under it
    show), and a Redact annotation's /IC for a fill, which is only what applying it would paint. A genuine letter
    returned hidden-text (or read short). Expected: read as shown, nothing hidden.
    Fault: gateway/reading/visibility.py _covers (blend mode not weighed; an unapplied Redact is no cover)."""
    from gateway.intake.analysis import Analyser
    from gateway.model import Attachment

    pdf = _marked(mark)
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert min(shown.get_pixmap(dpi=100, clip=shown.search_for("Sở Tài chính.")[-1]).samples) < 60  # it shows
    analyser = Analyser(agency.gateway.analysis_settings())
    facts = analyser.analyse_pdf(Attachment(filename="33.pdf", content_type="application/pdf", sha256="2" * 64,
                                            size=len(pdf), kind="pdf"), pdf)
    reading = facts.reading
    assert reading is not None
    assert not reading.hidden and "Sở Tài chính" in reading.recipients.electronic, (reading.hidden,
                                                                                    reading.recipients.electronic)


# ---- 4. drafts by their bytes -------------------------------------------------------------------------------------

def _zip(files: dict[str, bytes | str], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(files.items()):
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def _docx(extra: dict[str, bytes | str] | None = None) -> bytes:
    """A .docx as Word writes its parts (the minimum Word opens)."""
    return _zip({
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
        'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension'
        '="pdf" ContentType="application/pdf"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
        'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Dự thảo công văn</w:t></w:r></w:p>'
        '</w:body></w:document>',
        **(extra or {}),
    })


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"], book.active["B1"] = "STT", "Đơn vị"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _odt() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                 "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
                 'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:'
                 'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>',
                 "content.xml": '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:'
                 'names:tc:opendocument:xmlns:office:1.0" office:version="1.2"><office:body><office:text/></office:body>'
                 '</office:document-content>'}, stored_first=True)


GENUINE_DRAFTS = [
    ("du-thao.docx", _docx, DOCX),
    ("danh-sach.xlsx", _xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("du-thao.odt", _odt, "application/vnd.oasis.opendocument.text"),
    ("du-thao.rtf", lambda: rb"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs26 D\u7921?th\'e1o\par}",
     "application/rtf"),
    ("du-thao.txt", lambda: "Dự thảo công văn\r\n".encode("utf-16"), "text/plain"),  # Notepad's "Unicode"
    ("danh-sach.csv", lambda: "\ufeffSTT,Đơn vị\r\n1,Sở Tư pháp\r\n".encode("utf-8"), "text/csv"),  # Excel's CSV UTF-8
]


@pytest.mark.parametrize("name,make,ctype", GENUINE_DRAFTS, ids=[d[0] for d in GENUINE_DRAFTS])
def test_a_genuine_draft_is_sent_beside_our_letter(agency: Agency, name: str, make: Any, ctype: str) -> None:
    """Guard: the clerk's mail with our letter and its draft as Word, Excel, LibreOffice, Notepad write them."""
    from gateway.dropped_mail import take_dropped

    number = f"{221 + [d[0] for d in GENUINE_DRAFTS].index(name)}/SNV-VP"
    filename = number.replace("/", "-") + ".pdf"
    raw = dropped(f"Gửi đi {number}", (filename, letter(number), "application/pdf"), (name, make(), ctype))
    taken = take_dropped(agency.sender, f"QLVB/Gửi đi:{number}", raw)
    agency.send_now()
    mailed = agency.smtp.carrying(filename)
    assert taken == "sent" and [to for to, _ in mailed] == [[STP]], taken
    assert name in [p.get_filename() for _, m in mailed for p in m.iter_attachments()]


def _rtf_with_pdf(pdf: bytes) -> bytes:
    """An RTF draft with an embedded object (Word: Insert > Object > Adobe Acrobat Document), the object's data the PDF."""
    return (rb"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs26 D\u7921?th\'e1o\par"
            rb"{\object\objemb\objw9000\objh12000{\*\objclass AcroExch.Document.DC}{\*\objdata "
            + pdf.hex().encode() + rb"}{\result {\pict\wmetafile8 0}}}\par}")


DRAFTS_CARRYING = [
    ("du-thao-232.rtf", lambda pdf: _rtf_with_pdf(pdf), "application/rtf"),
    ("du-thao-233.docx", lambda pdf: _docx({"word/embeddings/Adobe_Acrobat_Document.pdf": pdf}), DOCX),
]


@pytest.mark.parametrize("name,make,ctype", DRAFTS_CARRYING, ids=["rtf-object", "docx-embedding"])
def test_a_draft_carrying_another_letter_is_not_mailed_unread(agency: Agency, name: str, make: Any, ctype: str) -> None:
    """Red team 112's "draft that is a document", one step further: the "draft" is a real RTF (or .docx) whose embedded
    object is another letter of ours, to Sở Tài chính. `classify` calls it a draft by its first bytes; nothing looks
    inside; the folder sends our letter and the "draft" beside it to Sở Tư pháp, in our name, never read nor planned,
    and nothing is said to the clerk. Expected: held (several-documents), or the clerk told.
    Fault: gateway/outgoing/send.py OutgoingSender.send / gateway/intake/attachments.py classify (an RTF's \\objdata, a
    package's word/embeddings/*.pdf are documents inside the draft)."""
    number = f"{232 + [d[0] for d in DRAFTS_CARRYING].index(name)}/SNV-VP"
    _assert_draft_not_mailed(agency, number, name, make, ctype)


def test_a_draft_that_is_a_forwarded_mail_with_a_pdf_is_held(agency: Agency) -> None:
    """Guard: an .eml "draft" carrying a second PDF is opened and the mail held as two documents."""
    from gateway.dropped_mail import take_dropped

    inner = EmailMessage()
    inner["From"], inner["To"], inner["Subject"] = US["mailbox"], US["mailbox"], "du thao"
    inner.set_content("x")
    inner.add_attachment(letter("235A/SNV-VP", recipients=TO_STC), maintype="application", subtype="pdf",
                         filename="235A.pdf")
    raw = dropped("Gửi đi 235", ("235-SNV-VP.pdf", letter("235/SNV-VP"), "application/pdf"),
                  ("du-thao.eml", inner.as_bytes(), "message/rfc822"))
    assert take_dropped(agency.sender, "QLVB/Gửi đi:235", raw) == "held"
    agency.send_now()
    assert not agency.smtp.carrying("235-SNV-VP.pdf")


# ---- 5. an unread issuer: our genuine scan -------------------------------------------------------------------------

def test_our_genuine_scan_at_200_dpi_is_signed_and_sent(agency: Agency) -> None:
    """Our signed paper, scanned at 200 dpi (the kit's scan: a picture, no text layer): OCR reads the header; the
    letter is not held `not-our-document` for an unread issuer (red team 112's new rule in `ours_to_sign`)."""
    pdf = scan(letter("241/SNV-VP"), dpi=200)
    outcome = _send(agency, "241-SNV-VP.pdf", pdf)
    assert outcome.registered and _mailed_to(agency, "241-SNV-VP.pdf") == [[STP]], \
        (outcome.as_json()["held"], outcome.as_json()["document"])


def _with_ocr_layer(number: str, *, under: bool, mode: int) -> bytes:
    """Our letter scanned at 200 dpi, with the text layer scanner software writes: each line of the page in
    Vietnamese, invisible (render mode 3) over the picture, or drawn (mode 0) beneath it."""
    original = pymupdf.open(stream=letter(number), filetype="pdf")[0]
    doc = pymupdf.open(stream=scan(letter(number), dpi=200), filetype="pdf")
    page = doc[0]
    page.insert_font(fontname="ocr", fontfile=SERIF)
    for block in original.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                if span["text"].strip():
                    page.insert_text(span["origin"], span["text"], fontname="ocr", fontsize=span["size"],
                                     render_mode=mode, overlay=not under)
    return doc.tobytes()


OCR_LAYERS = [("invisible-over", False, 3, "242/SNV-VP"), ("drawn-under", True, 0, "243/SNV-VP")]


@pytest.mark.parametrize("name,under,mode,number", OCR_LAYERS, ids=[o[0] for o in OCR_LAYERS])
def test_our_scan_with_a_scanners_text_layer_is_sent(agency: Agency, name: str, under: bool, mode: int,
                                                     number: str) -> None:
    """Guard: our scan with the scanner software's OCR layer, invisible over the picture or drawn beneath it."""
    filename = number.replace("/", "-") + ".pdf"
    outcome = _send(agency, filename, _with_ocr_layer(number, under=under, mode=mode))
    assert outcome.registered and _mailed_to(agency, filename) == [[STP]], outcome.as_json()["held"]


# ---- 6. who put the mail in the outgoing folder ---------------------------------------------------------------------

def _not_the_clerks(agency: Agency, raw: bytes, extra: tuple[str, ...] = ()) -> str | None:
    from gateway.intake.authentication import AuthSettings
    from gateway.dropped_mail import not_the_clerks

    config = agency.gateway.config
    ours = frozenset({*config.clerk_addresses, config.agency.mailbox, *extra})
    return not_the_clerks(raw, ours, AuthSettings.of(config.authentication))


def _submitted(sender: str, *, results: str | None, display: str = "") -> bytes:
    """The clerk's mail to itself as the province's Postfix (submission, SASL login) and Dovecot (LMTP) store it."""
    user = sender.split("<")[-1].rstrip(">").lower()
    lines = [f"Return-Path: <{user}>", f"Delivered-To: {user}",
             f"Received: from {MX}\r\n\tby {MX} with LMTP\r\n\tid 7Hq2BkQUVGdBbQAAs9e2lQ\r\n\t(envelope-from <{user}>)\r\n"
             f"\tfor <{user}>; Sun, 06 Dec 2026 09:12:01 +0700"]
    if results is not None:
        lines.append(f"Authentication-Results: {MX};\r\n\t{results}")
    lines += [f"Received: from [192.168.10.23] (unknown [113.160.92.14])\r\n\t(Authenticated sender: {user})\r\n"
              f"\tby {MX} (Postfix) with ESMTPSA id 4C1F23E0A2\r\n\tfor <{user}>; Sun,  6 Dec 2026 09:12:00 +0700 (+07)"]
    msg = EmailMessage()
    msg["From"] = f"{display} <{sender}>" if display else sender
    msg["To"], msg["Subject"] = sender, "Gửi đi"
    msg.set_content("x")
    return ("\r\n".join(lines) + "\r\n").encode() + msg.as_bytes()


def test_the_clerks_genuine_mail_to_itself_is_the_clerks(agency: Agency) -> None:
    """Guard: the clerk's own mail through the province's server (auth=pass smtp.auth=…), with a display name, in upper
    case, from an address of notify.clerk; a Sent copy a client APPENDed (no Received)."""
    upper = US["mailbox"].upper()
    assert _not_the_clerks(agency, _submitted(upper, results=f"auth=pass smtp.auth={US['mailbox']}",
                                              display="Văn thư Sở Nội vụ")) is None
    clerk = "nguyenthib.snv@bacgiang.gov.vn"
    assert _not_the_clerks(agency, _submitted(clerk, results=f"auth=pass smtp.auth={clerk}"), (clerk,)) is None
    sent_copy = dropped("Gửi đi", sender=f"=?utf-8?b?VsSDbiB0aMawIFPhu58gTuG7mWkgduG7pQ==?= <{upper}>")
    assert _not_the_clerks(agency, sent_copy) is None


STRANGERS = {
    "two-froms": dropped("x", sender=f"{US['mailbox']}, attacker@evil.example"),
    "encoded-word-from": dropped("x", sender=f"=?utf-8?q?{US['mailbox'].replace('@', '=40')}?= <attacker@evil.example>"),
    "results-below-entry": ("Received: from mail.evil.example (mail.evil.example [203.0.113.9]) by "
                            f"{MX} with ESMTP id 1; Sun, 6 Dec 2026 09:00:00 +0700\r\n"
                            f"Authentication-Results: {MX}; auth=pass smtp.auth={US['mailbox']}\r\n").encode()
                           + dropped("x"),
    "sender-header": _submitted(US["mailbox"], results="spf=fail smtp.mailfrom=evil.example")
                     .replace(b"Delivered-To:", b"Sender: attacker@evil.example\r\nDelivered-To:"),
}


@pytest.mark.parametrize("name", list(STRANGERS))
def test_a_strangers_mail_is_not_the_clerks(agency: Agency, name: str) -> None:
    """Guard: two addresses in From, an encoded word spelling ours beside a stranger's, the province's result forged
    below the entry line, a server that proved nothing: each is not the clerk's."""
    assert _not_the_clerks(agency, STRANGERS[name]) is not None


# ---- 7. poison in the outgoing folder -------------------------------------------------------------------------------

CLERK_HEAD = f"From: {US['mailbox']}\r\nTo: {US['mailbox']}\r\nMIME-Version: 1.0\r\n".encode()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(part=_part(depth=3))
def test_a_poison_mail_in_the_outgoing_folder_is_filed_and_the_clerk_told(agency: Agency, part: bytes) -> None:
    """Hostile MIME from the clerk's own address (APPENDed): `take_dropped` never raises, and every outcome is one the
    folder files (sent, held, ignored)."""
    from gateway.dropped_mail import take_dropped

    assert take_dropped(agency.sender, "QLVB/Gửi đi:poison", CLERK_HEAD + part) in ("sent", "held", "ignored")


POISON = {
    "subject-8bit": CLERK_HEAD + b"Subject: G\xe6i \xf0i c\xf4ng v\xe3n \xff\r\nContent-Type: text/plain\r\n\r\nx\r\n",
    "subject-nul": CLERK_HEAD + b"Subject: =?utf-8?q?G=E1=BB=ADi=00=0D=0A=ED=A0=80?=\r\nContent-Type: text/plain\r\n\r\nx\r\n",
    "filename-8bit": CLERK_HEAD + b"Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: "
                     b"application/octet-stream; name=\"d\xf0 th\xe1o\x00.exe\"\r\n\r\nMZ\x90\r\n--b--\r\n",
    "filename-2231-bad": CLERK_HEAD + b"Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: "
                         b"application/zip\r\nContent-Disposition: attachment; filename*=x-unknown''%ED%A0%80%FF.zip\r\n\r\n"
                         b"PK\x03\x04\r\n--b--\r\n",
}


@pytest.mark.parametrize("name", list(POISON))
def test_a_poison_header_in_the_outgoing_folder_is_filed_and_the_clerk_told(agency: Agency, name: str) -> None:
    """A mail the clerk's old client wrote (8-bit Subject, a NUL or a lone surrogate in an encoded word, a file name
    in raw bytes or an unknown RFC 2231 charset): filed, and the clerk's note queued and mailed."""
    from gateway.dropped_mail import take_dropped

    before = len(agency.smtp.got)
    assert take_dropped(agency.sender, f"QLVB/Gửi đi:{name}", POISON[name]) in ("held", "ignored")
    agency.send_now()
    assert len(agency.smtp.got) > before


def test_our_letter_signed_with_a_visible_box_is_sent(agency: Agency) -> None:
    """Guard: our letter already signed by us with a signing tool's visible box (Vietnamese text in an embedded font)
    over the blank beside "Nơi nhận:": the box's words are the widget's, not the page's; nothing is blank or hidden."""
    from kit import sign_with_stamp

    pki = agency.world.pki
    identity = pki.signers.get(US["name"]) or pki.signer(US["name"], US["name"])
    pdf = letter("251/SNV-VP")
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    height = page.rect.height
    line = page.search_for("Sở Tư pháp.")[-1]
    box = (line.x1 + 60, height - line.y1 - 10, line.x1 + 230, height - line.y0 + 40)
    signed = sign_with_stamp(pdf, identity, pki, text="Sở Nội vụ tỉnh Bắc Giang 06.12.2026 09:10", box=box,
                             unicode=True, font_size=8)
    outcome = _send(agency, "251-SNV-VP.pdf", signed)
    assert outcome.registered and _mailed_to(agency, "251-SNV-VP.pdf") == [[STP]], outcome.as_json()["held"]


def test_our_letter_with_an_annex_page_turned_in_the_viewer_is_sent(agency: Agency) -> None:
    """Our letter with a landscape annex (a list of units, 842 x 595) that the clerk turned a quarter in the viewer so
    every page prints portrait (the page's /Rotate 90, as Acrobat, Foxit and Edge save a turned page). Every line of
    the annex shows. `inkless_spans` takes the spans' boxes from `get_texttrace` (the page's unrotated space) and looks
    for their ink in `get_pixmap` (rendered turned): it looks where nothing is drawn, finds every line blank, and the
    letter is held `hidden-text`. Expected: sent.
    Fault: gateway/reading/visibility.py inkless_spans (the trace's boxes not mapped through page.rotation_matrix)."""
    doc = pymupdf.open(stream=letter("252/SNV-VP"), filetype="pdf")
    annex = doc.new_page(width=842, height=595)
    annex.insert_font(fontname="vn", fontfile=SERIF)
    annex.insert_text((72, 80), "PHỤ LỤC: DANH SÁCH CÁC ĐƠN VỊ", fontname="vn", fontsize=13)
    for row in range(1, 8):
        annex.insert_text((72, 90 + 22 * row), f"{row}. Phòng, ban số {row} thuộc Sở Nội vụ tỉnh Bắc Giang",
                          fontname="vn", fontsize=12)
    annex.set_rotation(90)
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[1]
    assert "PHỤ LỤC" in shown.get_text() and min(shown.get_pixmap(dpi=50).samples) < 100  # it shows
    outcome = _send(agency, "252-SNV-VP.pdf", pdf)
    assert outcome.registered and _mailed_to(agency, "252-SNV-VP.pdf") == [[STP]], outcome.as_json()["held"]


def test_the_clerks_mail_to_itself_through_the_server_is_sent(agency: Agency) -> None:
    """Guard, whole: the clerk's mail to itself (display name, upper-case From) through the province's server, the
    server's auth=pass above its Received line, carrying our letter: taken, signed and sent."""
    from gateway.dropped_mail import take_dropped

    head = _submitted(US["mailbox"], results=f"auth=pass smtp.auth={US['mailbox']}").split(b"From:", 1)[0]
    body = dropped("Gửi đi 253", ("253-SNV-VP.pdf", letter("253/SNV-VP"), "application/pdf"),
                   sender=f"Văn thư <{US['mailbox'].upper()}>")
    assert take_dropped(agency.sender, "QLVB/Gửi đi:253", head + body) == "sent"
    agency.send_now()
    assert _mailed_to(agency, "253-SNV-VP.pdf") == [[STP]]


def _assert_draft_not_mailed(agency: Agency, number: str, name: str, make: Any, ctype: str) -> None:
    """The clerk drops letter `number` with a draft `name` beside it (`make` wraps another letter as the draft's file):
    the letter is mailed, the draft never."""
    from gateway.dropped_mail import take_dropped

    filename = number.replace("/", "-") + ".pdf"
    other = letter(f"{number[:3]}A/SNV-VP", recipients=TO_STC, kinh_gui=["Sở Tài chính"],
                   summary="V/v cấp kinh phí bổ sung")
    raw = dropped(f"Gửi đi {number}", (filename, letter(number), "application/pdf"), (name, make(other), ctype))
    taken = take_dropped(agency.sender, f"QLVB/Gửi đi:{number}", raw)
    agency.send_now()
    mailed = [p.get_filename() for _, m in agency.smtp.carrying(filename) for p in m.iter_attachments()]
    assert name not in mailed, (taken, mailed)
