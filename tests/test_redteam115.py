"""Red team 115: the fixes of red teams 113 and 114 (e9f46d5), both ways: `issuers.vouched` (a certificate's O must be
the agency or a body of the state) and the parent-body rule in `issuers.speaks_for`; `carries_a_pdf` on drafts;
`hidden_layers` on our letters; the annotation cover `_covers` in intake. Failing tests are faults found; passing ones
guard what held (the "ubnd-abbrev-O" and "person-O-so-caps" cases are controls: the same set-up passes where the O
begins with a listed word). The genuine-body and unit cases all passed on e9f46d5^ (before the fix)."""

from __future__ import annotations

import io
import math
import struct
import zipfile
from typing import Any

import pymupdf
import pytest

from gateway.demo.signing import sign_pdf
from test_redteam112 import Agency, agency, dropped, letter  # noqa: F401  (agency: the fixture)
from test_redteam113 import DOCX, _assert_draft_not_mailed, _docx
from world import STP, World

EVIL = "someone@evil.example"
TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _signer(world: World, name: str, organisation: str, unit: str | None = None, locality: str | None = None):  # type: ignore[no-untyped-def]
    key = (id(world.pki), name, organisation, unit, locality)
    if key not in _SIGNERS:
        _SIGNERS[key] = world.pki.signer(name, organisation, unit=unit, locality=locality)
    return _SIGNERS[key]


_SIGNERS: dict[Any, Any] = {}


def _send(world: World, name: str, pdf: bytes, sender: str = EVIL, auth: str | None = None) -> dict[str, Any]:
    [out] = world.ingest(world.mail(name, sender=sender, auth=auth, attachments=[(f"{name}.pdf", pdf)]))
    return out


# ============================================================================ 1. false refusals: genuine public bodies
# Each: a body outside the directory, its own certificate as the CA of the state issues it (CN the body, O the body above
# it), the letter printed under its own name, mailed from its own mailbox (DKIM-proven), addressed to us.

GENUINE_BODIES = [
    # id, printed issuer, printed parent, CN, O, L, sender
    ("mass-org-women", "HỘI LIÊN HIỆP PHỤ NỮ TỈNH BẮC GIANG", None, "HỘI LIÊN HIỆP PHỤ NỮ TỈNH BẮC GIANG",
     "TRUNG ƯƠNG HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM", "Bắc Giang", "vanthu@hlhpn.bacgiang.gov.vn"),
    ("trade-union", "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG", None, "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG",
     "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "Bắc Giang", "vanthu@ldld.bacgiang.gov.vn"),
    ("army-military-region", "BỘ CHỈ HUY QUÂN SỰ TỈNH BẮC GIANG", None, "BỘ CHỈ HUY QUÂN SỰ TỈNH BẮC GIANG",
     "QUÂN KHU 1", "Bắc Giang", "vanthu@bchqs.bacgiang.gov.vn"),
    ("university-of-vnu", "TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN", "ĐẠI HỌC QUỐC GIA HÀ NỘI",
     "TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN", "ĐẠI HỌC QUỐC GIA HÀ NỘI", "Hà Nội", "vanthu@hus.edu.vn"),
    ("policy-bank-branch", "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI CHI NHÁNH TỈNH BẮC GIANG", None,
     "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI CHI NHÁNH TỈNH BẮC GIANG", "NGÂN HÀNG CHÍNH SÁCH XÃ HỘI", "Bắc Giang",
     "vanthu@vbsp.bacgiang.gov.vn"),
    ("party-committee", "BAN TUYÊN GIÁO TỈNH ỦY BẮC GIANG", None, "BAN TUYÊN GIÁO TỈNH ỦY BẮC GIANG",
     "ĐẢNG CỘNG SẢN VIỆT NAM", "Bắc Giang", "vanthu@btg.bacgiang.gov.vn"),
    ("academy", "HỌC VIỆN CHÍNH TRỊ KHU VỰC I", "HỌC VIỆN CHÍNH TRỊ QUỐC GIA HỒ CHÍ MINH", "HỌC VIỆN CHÍNH TRỊ KHU VỰC I",
     "HỌC VIỆN CHÍNH TRỊ QUỐC GIA HỒ CHÍ MINH", "Hà Nội", "vanthu@hvct1.edu.vn"),
]


@pytest.mark.parametrize("issuer,parent,cn,organisation,locality,sender", [c[1:] for c in GENUINE_BODIES],
                         ids=[c[0] for c in GENUINE_BODIES])
def test_a_genuine_public_bodys_own_certificate_is_not_refused(world: World, issuer: str, parent: str | None, cn: str,
                                                               organisation: str, locality: str, sender: str) -> None:
    """A public body outside the directory (a mass organisation, the trade union, the army's provincial command under
    its Quân khu, a member university of ĐHQG, a state bank's branch, a party committee's Ban, an academy) signs with its
    own organisation certificate: CN the body, O the body above it, as the state CA issues them. The letter, printed
    under the body's own name, mailed DKIM-proven from its own mailbox, is expected registered. Observed (where it
    fails): `signer-not-issuer`: `vouched` wants the O to begin with a word of `_STATE_WORDS` ("trung ương", "tổng
    liên đoàn", "quân khu", "đại học", "ngân hàng" (other than nhà nước), "đảng cộng sản", "học viện" are not)."""
    signer = _signer(world, cn, organisation, None, locality)
    pdf = world.document(issuer=issuer, issuer_parent=parent, number="15/CV-VP", recipients=TO_US,
                         place=locality)
    out = _send(world, "genuine", sign_pdf(pdf, signer, world.pki), sender=sender, auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


PERSONS_O = [
    ("ascii-O", "UY BAN NHAN DAN TINH BAC GIANG"),       # the older CA's certificates, written without marks
    ("english-O", "People's Committee of Bac Giang Province"),
    ("ubnd-abbrev-O", "UBND T. Bắc Giang"),
]


@pytest.mark.parametrize("organisation", [c[1] for c in PERSONS_O], ids=[c[0] for c in PERSONS_O])
def test_a_genuine_person_of_so_tu_phap_whose_o_spells_the_province_otherwise_is_not_refused(
        world: World, organisation: str) -> None:
    """A person of Sở Tư pháp (CN the person, OU "Sở Tư pháp", L "Bắc Giang"), the O the province's people's committee
    written as some CAs write it: without marks, in English, abbreviated. Sở Tư pháp's letter signed by them and mailed
    from Sở Tư pháp's own DKIM-proven mailbox is expected registered as Sở Tư pháp's; `vouched` reads the O only as
    it begins with a Vietnamese state word written with its marks."""
    signer = _signer(world, "Nguyễn Văn Thành", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "person", sign_pdf(world.document(number="33/STP-VP", recipients=TO_US), signer, world.pki),
                sender=STP, auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


UNIT_CERTS = [
    # id, CN, O, OU
    ("cn-unit-O-province", "PHÒNG CÔNG CHỨNG SỐ 1", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", None),   # as 018-022 of the real files
    ("cn-unit-O-so-no-tinh", "PHÒNG CÔNG CHỨNG SỐ 1", "SỞ TƯ PHÁP BẮC GIANG", None),
    ("person-O-so-caps", "Hoàng Văn Chứng", "SỞ TƯ PHÁP TỈNH BẮC GIANG", "PHÒNG CÔNG CHỨNG SỐ 1"),
]


UNIT_O_NO_TINH = pytest.mark.xfail(strict=True, reason="left: README Limits, red team 117: a unit's own certificate under "
                                                     "its body written without 'tỉnh' and not as the directory knows it")


@pytest.mark.parametrize("cn,organisation,unit", [pytest.param(*c[1:], id=c[0], marks=[UNIT_O_NO_TINH] if c[0] == "cn-unit-O-so-no-tinh"
                                                               else []) for c in UNIT_CERTS])
def test_a_genuine_unit_under_so_tu_phap_is_not_refused(world: World, cn: str, organisation: str,
                                                         unit: str | None) -> None:
    """A unit of Sở Tư pháp issuing in its own name ("SỞ TƯ PHÁP / PHÒNG CÔNG CHỨNG SỐ 1"), its own certificate as the
    state CA issues a province's bodies' (the real files: CN the body, O "ỦY BAN NHÂN DÂN TỈNH …"), or an O naming Sở
    Tư pháp without "tỉnh". Mailed DKIM-proven from its own mailbox. Expected registered; the parent-body rule wants the
    O to be the directory's Sở Tư pháp."""
    signer = _signer(world, cn, organisation, unit, "Bắc Giang")
    pdf = world.document(issuer="PHÒNG CÔNG CHỨNG SỐ 1", issuer_parent="SỞ TƯ PHÁP", number="21/CC1-VP",
                         recipients=TO_US)
    out = _send(world, "unit", sign_pdf(pdf, signer, world.pki), sender="vanthu@congchung1.bacgiang.gov.vn",
                auth="dkim")
    assert "signer-not-issuer" not in _codes(out), out["reasons"]
    assert out["verdict"] == "accepted", (out["verdict"], out["reasons"])


# ============================================================================ 2. bypasses: a firm's O that begins like the state

FIRMS = [
    ("law-office", "Văn phòng luật sư Minh Phát"),
    ("private-notary", "Văn phòng công chứng Minh Phát"),
    ("firms-rep-office", "Văn phòng đại diện Công ty TNHH Minh Phát tại Bắc Giang"),
    ("firms-project-board", "Ban quản lý dự án Công ty cổ phần Minh Phát"),
    ("social-enterprise", "Xã hội Xanh JSC"),
    ("o-begins-with-the-ou", "SỞ TƯ PHÁP - CÔNG TY MINH PHÁT"),   # an O that begins with the OU it vouches for
]


@pytest.mark.parametrize("organisation", [c[1] for c in FIRMS], ids=[c[0] for c in FIRMS])
def test_a_firm_whose_name_begins_with_a_state_word_never_speaks_for_so_tu_phap(world: World,
                                                                                organisation: str) -> None:
    """Red team 114's attack through the fix: the employee's certificate from a public CA, O the firm (a law office, a
    private notary office, a firm's representative office "Văn phòng đại diện Công ty…", a firm's project board), OU
    "Sở Tư pháp" (unchecked), L Bắc Giang, signs a letter headed Sở Tư pháp's, mailed from nowhere proven. Expected:
    never registered, Sở Tư pháp never answered. `vouched` takes any O beginning "văn phòng", "ban ", "xã " as a body
    of the state."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "firm", sign_pdf(world.document(number="901/STP-VP", recipients=TO_US), signer, world.pki))
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert all(r["to"] not in (EVIL, STP) for r in out["replies"]), out["replies"]


# ============================================================================ 3. outgoing: drafts carrying a PDF

def _zip(parts: dict[str, bytes | str], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _ole_with(pdf: bytes) -> bytes:
    """A valid OLE compound file as Word embeds an "Adobe Acrobat Document" (word/embeddings/oleObject1.bin): header,
    FAT sector, directory sector (Root Entry, CONTENTS), then the CONTENTS stream, the PDF, at offset 1,536 or later
    (olefile reads it back whole; oletools finds no macro in it)."""
    n = math.ceil(len(pdf) / 512)
    nfat = 1
    while math.ceil((nfat + 1 + n) / 128) > nfat:
        nfat += 1
    fat = [0xFFFFFFFD] * nfat + [0xFFFFFFFE]
    first = nfat + 1
    fat += [first + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (nfat * 128 - len(fat))
    difat = list(range(nfat)) + [0xFFFFFFFF] * (109 - nfat)
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, nfat, nfat, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", *difat))
    def entry(name, kind, child, start, size):
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
                + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))
    directory = (entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry("CONTENTS", 2, 0xFFFFFFFF, first, len(pdf))
                 + entry("", 0, 0xFFFFFFFF, 0, 0) * 2)
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + pdf.ljust(n * 512, b"\0")



def _rtf_wrapped(pdf: bytes) -> bytes:
    """Word's RTF object: its \\objdata hex wrapped at 128 characters a line, as Word writes it."""
    hexed = pdf.hex()
    ole1 = "01050000020000000b000000" + "0" * 100  # an OLE1 header of 62 bytes: the PDF's "%PDF-" crosses a line's end
    data = ole1 + hexed
    lines = "\r\n".join(data[i:i + 128] for i in range(0, len(data), 128))
    return (rb"{\rtf1\ansi\ansicpg1258\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs26 D\u7921?th\'e1o\par"
            rb"{\object\objemb\objw9000\objh12000{\*\objclass AcroExch.Document.DC}{\*\objdata " + b"\r\n"
            + lines.encode() + rb"}{\result {\pict\wmetafile8 0}}}\par}")


CARRYING = [
    ("ole-object", lambda pdf: _docx({"word/embeddings/oleObject1.bin": _ole_with(pdf)}), DOCX, "du-thao-241.docx"),
    ("zip-in-docx", lambda pdf: _docx({"word/embeddings/Package.zip": _zip({"cv.pdf": pdf})}), DOCX, "du-thao-242.docx"),
    ("after-2000-parts", lambda pdf: _docx({**{f"customXml/item{i}.xml": "<a/>" for i in range(2000)},
                                            "word/embeddings/x.pdf": pdf}), DOCX, "du-thao-243.docx"),
    ("rtf-wrapped-hex", _rtf_wrapped, "application/rtf", "du-thao-244.rtf"),
]


@pytest.mark.parametrize("make,ctype,name", [c[1:] for c in CARRYING], ids=[c[0] for c in CARRYING])
def test_a_draft_carrying_another_letter_is_not_mailed_unread(agency: Agency, make: Any, ctype: str,  # noqa: F811
                                                             name: str) -> None:
    """Red team 113's attack round its fix: the clerk's mail with our letter to Sở Tư pháp and a "draft" carrying another
    letter of ours to Sở Tài chính, as Word really embeds one (an OLE object, the PDF past its first 1,024 bytes), in a
    zip in the package, after 2,000 parts, or as RTF hex wrapped in lines. Expected: the draft not mailed beside our
    letter unread. `carries_a_pdf` looks for "%PDF-" in a member's first 1,024 bytes, in the first 2,000 members, and
    for the hex unbroken."""
    number = name.split("-")[2].split(".")[0] + "/SNV-VP"
    _assert_draft_not_mailed(agency, number, name, make, ctype)


# ============================================================================ 4. outgoing: a layer membership written inline

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def test_an_entry_under_an_inline_membership_in_a_form_xobject_is_not_signed_unseen(agency: Agency) -> None:  # noqa: F811
    """Red team 113's OCMD /P /AllOff, written as ISO 32000 allows it: inline, as the /OC of a Form XObject (the entry
    "- Sở Tài chính." drawn under our block through a form, the form's /OC `<</Type/OCMD/OCGs[Nền]/P/AllOff>>`, "Nền" a
    layer that is ON). Hidden on screen and in print while "Nền" is on; a recipient who switches "Nền" off in the layer
    panel sees it under our signature (MuPDF draws it then, as it does for the same OCMD as an object of its own).
    `hidden_layers` finds the OCMD as an object of its own (held, red team 113's test) but skips every object whose
    /Type is /XObject, so the inline one is never weighed: the letter is signed and mailed.
    Expected: held hidden-layers, as the separate OCMD is.
    Fault: gateway/intake/pdf_content.py hidden_layers (`if doc.xref_get_key(xref, "Type")[1] != "/XObject" else ""`)."""
    from gateway.outgoing.send import OutgoingFile

    doc = pymupdf.open(stream=letter("251/SNV-VP"), filetype="pdf")
    page = doc[0]
    last = page.search_for("Sở Tư pháp.")[-1]
    ocg = doc.add_ocg("Nền", on=True)
    src = pymupdf.open()
    form = src.new_page(width=200, height=20)
    form.insert_font(fontname="vn", fontfile=SERIF)
    form.insert_text((2, 14), "- Sở Tài chính.", fontname="vn", fontsize=11)
    page.show_pdf_page(pymupdf.Rect(last.x0 - 10, last.y1 + 2, last.x0 + 190, last.y1 + 22), src, 0, oc=ocg)
    [xobject] = [x for x in range(1, doc.xref_length())
                 if doc.xref_get_key(x, "Subtype")[1] == "/Form" and doc.xref_get_key(x, "OC")[0] != "null"]
    doc.xref_set_key(xobject, "OC", f"<</Type/OCMD/OCGs[{ocg} 0 R]/P/AllOff>>")
    pdf = doc.tobytes()
    assert "Sở Tài chính" not in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()  # while "Nền" is on
    switched = pymupdf.open(stream=pdf, filetype="pdf")
    switched.set_layer(-1, on=[], off=[ocg])  # the recipient's layer panel
    assert "Sở Tài chính" in pymupdf.open(stream=switched.tobytes(), filetype="pdf")[0].get_text()
    outcome = agency.sender.send(OutgoingFile("251-SNV-VP.pdf", "251-SNV-VP.pdf", pdf, None))
    agency.send_now()
    assert not outcome.registered and not agency.smtp.carrying("251-SNV-VP.pdf"), outcome.as_json()["held"]


# ============================================================================ 5. intake: an annotation's cover

@pytest.mark.xfail(strict=True, reason="left: README Limits, red teams 113 and 115: an annotation's appearance (a stamp's, "
                                      "a shape's without its colour keys) is not judged as a cover")
def test_intake_reads_no_entry_a_square_with_an_opaque_appearance_and_no_ic_covers(agency: Agency) -> None:  # noqa: F811
    """A Square annotation (one of `_SHAPES`) over "- Sở Tài chính." under Sở Tư pháp's block to us: no /IC, its /AP a
    white box filled opaque (every viewer draws an annotation's appearance, not its /IC). The page shows "Bản điện tử:
    - Sở Nội vụ." alone; `_covers` reads only /IC (none: "no fill") and the text under it is read as shown, no
    `hidden`. Expected: left out of the reading, or said in `hidden`, as the same square with /IC white is.
    Fault: gateway/reading/visibility.py _covers (the colour keys, not the appearance drawn)."""
    from gateway.intake.analysis import Analyser
    from gateway.model import Attachment
    from test_redteam113 import line_under_block

    doc, page, last, cover = line_under_block("35/STP-VP")
    annot = page.add_rect_annot(cover)
    annot.set_colors(stroke=(1, 1, 1), fill=(1, 1, 1))
    annot.set_border(width=0)
    annot.update()  # the appearance: a white box, filled
    doc.xref_set_key(annot.xref, "IC", "null")  # the fill colour key gone; the appearance stays
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    area = pymupdf.Rect(last.x0 - 10, last.y1 + 3, last.x0 + 118, last.y1 + 17)
    assert min(shown.get_pixmap(dpi=100, clip=area).samples) == 255  # nothing of it is seen
    facts = Analyser(agency.gateway.analysis_settings()).analyse_pdf(
        Attachment(filename="35.pdf", content_type="application/pdf", sha256="0" * 64, size=len(pdf), kind="pdf"), pdf)
    reading = facts.reading
    assert reading is not None
    assert "Sở Tài chính" not in reading.recipients.electronic or reading.hidden, reading.recipients.electronic


def test_intake_a_genuine_letter_with_a_callout_note_is_not_hidden_text(agency: Agency) -> None:  # noqa: F811
    """A genuine letter of Sở Tư pháp with a reviewer's callout note (Acrobat's "Text Callout": /IT /FreeTextCallout,
    a white-filled box in the margin, /C white, an arrow to the body's line it remarks on). The annotation's /Rect spans
    the box, its leader line and the point it marks (the /RD gives the box inside it); the box is small, every word of
    the letter round the arrow is seen (the test checks the signer's title is drawn). `_covers` takes the whole /Rect
    as an opaque cover: the signer's title, the signer's name and the body's last line under the leader line are
    "hidden" and the genuine letter is refused `hidden-text`. Expected: `hidden` empty.
    Fault: gateway/reading/visibility.py _fills/_covers (a FreeText's /Rect for its filled box; /RD and a callout's
    leader line not weighed)."""
    from gateway.demo.documents import DocumentSpec, render_document
    from gateway.intake.analysis import Analyser
    from gateway.model import Attachment

    doc = pymupdf.open(stream=render_document(DocumentSpec(number="36/STP-VP")), filetype="pdf")
    page = doc[0]
    title = page.search_for("KT. GIÁM ĐỐC")[0]
    page.add_freetext_annot(pymupdf.Rect(440, 390, 560, 420), "Đề nghị VP kiểm tra lại căn cứ", fontsize=8,
                            text_color=(0, 0, 0.6), fill_color=(1, 1, 1), border_width=0.5,
                            callout=[pymupdf.Point(300, 200), pymupdf.Point(400, 250), pymupdf.Point(440, 405)],
                            line_end=pymupdf.PDF_ANNOT_LE_OPEN_ARROW)
    pdf = doc.tobytes()
    shown = pymupdf.open(stream=pdf, filetype="pdf")[0]
    assert min(shown.get_pixmap(dpi=100, clip=title, colorspace=pymupdf.csGRAY).samples) < 64  # the title is seen
    facts = Analyser(agency.gateway.analysis_settings()).analyse_pdf(
        Attachment(filename="36.pdf", content_type="application/pdf", sha256="0" * 64, size=len(pdf), kind="pdf"), pdf)
    assert facts.reading is not None and facts.reading.hidden == (), facts.reading.hidden


def test_our_letter_exported_with_layers_all_on_and_their_usage_is_sent(agency: Agency) -> None:  # noqa: F811
    """Our own letter exported with layers, as Acrobat's PDFMaker (AutoCAD, Visio) and InDesign's "Create Acrobat Layers"
    write them: every layer ON, each with its /Usage (ViewState ON, PrintState ON) and the default configuration's
    /AS applying that usage on View and on Print. Nothing is shown otherwise in print or on screen than read (every
    state is ON). Expected: signed and sent to Sở Tư pháp. `hidden_layers` holds any /AS at all ("/AS").
    Fault: gateway/intake/pdf_content.py hidden_layers (the /AS is held whatever the usage it applies says)."""
    from gateway.outgoing.send import OutgoingFile

    doc = pymupdf.open(stream=letter("252/SNV-VP"), filetype="pdf")
    ocg = doc.add_ocg("Văn bản", on=True)
    doc.xref_set_key(ocg, "Usage", "<</View<</ViewState/ON>>/Print<</PrintState/ON>>/Export<</ExportState/ON>>>>")
    props = doc.xref_get_key(doc.pdf_catalog(), "OCProperties")
    assert props[0] in ("dict", "xref")
    doc.xref_set_key(doc.pdf_catalog(), "OCProperties/D/AS",
                     f"[<</Event/View/OCGs[{ocg} 0 R]/Category[/View]>><</Event/Print/OCGs[{ocg} 0 R]/Category[/Print]>>"
                     f"<</Event/Export/OCGs[{ocg} 0 R]/Category[/Export]>>]")
    page = doc[0]
    page.insert_text((72, page.rect.height - 30), "Trang 1/1", fontname="helv", fontsize=7, oc=ocg)
    pdf = doc.tobytes()
    outcome = agency.sender.send(OutgoingFile("252-SNV-VP.pdf", "252-SNV-VP.pdf", pdf, None))
    agency.send_now()
    assert outcome.registered and [to for to, _ in agency.smtp.carrying("252-SNV-VP.pdf")] == [[STP]], \
        outcome.as_json()["held"]


HELD_FIRMS = [
    ("private-centre", "Trung tâm tư vấn pháp luật Minh Phát"),
    ("private-association", "Hội doanh nghiệp trẻ Minh Phát"),
    ("cyrillic-in-province", "UBND tỉnh Bắc G\u0456ang"),     # a Cyrillic і: the O begins as a state body's
]


@pytest.mark.parametrize("organisation", [c[1] for c in HELD_FIRMS], ids=[c[0] for c in HELD_FIRMS])
def test_held_a_firm_not_beginning_with_a_state_word_never_speaks_for_so_tu_phap(world: World,
                                                                                organisation: str) -> None:
    """HELD. The same firm's employee (OU "Sở Tư pháp", L Bắc Giang) under an O that is a private centre, a private
    association, a people's committee with a look-alike letter, or one that begins with the OU and names the firm:
    never registered, Sở Tư pháp never answered."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "firm", sign_pdf(world.document(number="903/STP-VP", recipients=TO_US), signer, world.pki))
    assert out["incoming_number"] is None, (out["verdict"], out["reasons"])
    assert all(r["to"] not in (EVIL, STP) for r in out["replies"]), out["replies"]
