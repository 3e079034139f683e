"""Red team 154: a forger with fresh eyes against the incoming legal-value decision as a whole, end to end through the
real `ingest` command (tests/world.py's World): documents signed by a certificate that is not the issuer's, signed
documents changed after signing in ways earlier red teams did not try (annotations of the kinds the cover check does not
weigh, a form field, the embedded font swapped, the page cropped, a file attached inside the signed PDF, a page
appended), two documents in one mail, a PDF in a ZIP, a number that is not the mail's, replays, a relay's DKIM, From,
Sender and Resent-From tricks, and the corpus's real signed PDFs changed after signing.

Every attack mail of the module is built once and ingested in one `ingest` run (`attacks` below); each test then looks
at what became of one mail. What the rules require of a forgery: not registered as valid (`accepted`), no answer
(acknowledgement or return) to an address nobody proved, and a reason code saying why. Each test's docstring says who
did what and what was expected; a FAULT's says what happens instead."""

from __future__ import annotations

import email
import email.policy
import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from attacks_kit import EVIL, dkim_signed, hop, line_box, on_top, zipped
from kit import DkimKey
from world import STC, STP, UBND, US, World, make_world

SUMMARY = "V/v triển khai công tác văn thư năm 2027"  # the rendered document's summary line
PAINTED = "V/v cap kinh phi 5 ty dong cho Cong ty ABC"  # what the forger makes the page show instead
CLERK = US["mailbox"]


# ---- documents changed after signing ------------------------------------------------------------------------------
def _incremental(pdf: bytes, work: Path, change: Any) -> bytes:
    """The document with `change(doc)` saved as an incremental update (as any PDF editor saves after a signature)."""
    path = work / f"inc-{hashlib.sha256(pdf).hexdigest()[:12]}-{id(change)}.pdf"
    path.write_bytes(pdf)
    with pymupdf.open(path) as doc:
        change(doc)
        doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    return path.read_bytes()


def _appearance(doc: pymupdf.Document, width: float, height: float, painted: str) -> int:
    """A form XObject: an opaque white box with `painted` written in it."""
    xref = doc.get_new_xref()
    doc.update_object(xref, (f"<</Type/XObject/Subtype/Form/BBox[0 0 {width:.1f} {height:.1f}]/Resources<</Font<</F1"
                             "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>"))
    text = f" BT 0 g /F1 10 Tf 2 {max(2.0, height / 2 - 4):.1f} Td ({painted}) Tj ET" if painted else ""
    doc.update_stream(xref, f"1 1 1 rg 0 0 {width:.1f} {height:.1f} re f{text}".encode())
    return xref


def annotation_over(pdf: bytes, work: Path, subtype: str, covered: str = SUMMARY, painted: str = PAINTED,
                    extra: str = "") -> bytes:
    """An incremental update after signing: an annotation of `subtype` whose appearance is a white box with `painted`
    in it, lying over the line `covered` of page 1 (MuPDF, Acrobat and every viewer draw an annotation's /AP /N)."""
    x0, y0, x1, y1 = line_box(pdf, covered)
    x1 = max(x1, x0 + 330)

    def change(doc: pymupdf.Document) -> None:
        page = doc[0]
        form = _appearance(doc, x1 - x0, y1 - y0, painted)
        annot = doc.get_new_xref()
        doc.update_object(annot, (f"<</Type/Annot/Subtype/{subtype}/F 4/Rect[{x0:.1f} {y0:.1f} {x1:.1f} {y1:.1f}]"
                                  f"/P {page.xref} 0 R/AP<</N {form} 0 R>>{extra}>>"))
        kind, value = doc.xref_get_key(page.xref, "Annots")
        if kind == "array":
            doc.xref_set_key(page.xref, "Annots", value[:-1] + f" {annot} 0 R]")
        else:
            doc.xref_set_key(page.xref, "Annots", f"[{annot} 0 R]")

    return _incremental(pdf, work, change)


def text_field_over(pdf: bytes, work: Path, covered: str = SUMMARY, painted: str = PAINTED) -> bytes:
    """An incremental update after signing: a new text form field, white background, its value `painted`, over the
    line `covered` (form filling, the level of change a signature allows most readily)."""
    def change(doc: pymupdf.Document) -> None:
        page = doc[0]
        found = page.search_for(covered)
        rect = pymupdf.Rect(min(r.x0 for r in found) - 4, min(r.y0 for r in found) - 3,
                            max(max(r.x1 for r in found) + 4, min(r.x0 for r in found) + 330), max(r.y1 for r in found) + 3)
        widget = pymupdf.Widget()
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
        widget.field_name = "ghichu"
        widget.rect = rect
        widget.fill_color = (1, 1, 1)
        widget.text_color = (0, 0, 0)
        widget.text_fontsize = 11
        widget.field_value = painted
        page.add_widget(widget)

    return _incremental(pdf, work, change)


def page_appended(pdf: bytes, work: Path) -> bytes:
    """An incremental update after signing: a second page, the forger's instruction on it."""
    def change(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), "PHU LUC: chuyen 5 ty dong cho Cong ty ABC truoc ngay 30/12/2026", fontsize=12)

    return _incremental(pdf, work, change)


def cropped(pdf: bytes, work: Path, covered: str = "Bản điện tử:") -> bytes:
    """An incremental update after signing: page 1's CropBox moved so that the recipient block and all below it (from
    `covered` down) is cut off the page a viewer shows."""
    def change(doc: pymupdf.Document) -> None:
        page = doc[0]
        y = page.search_for(covered)[0].y0
        height = page.mediabox.height
        doc.xref_set_key(page.xref, "CropBox", f"[0 {height - y + 2:.1f} {page.mediabox.width:.1f} {height:.1f}]")

    return _incremental(pdf, work, change)


def font_replaced(pdf: bytes, work: Path) -> bytes:
    """An incremental update after signing: the embedded font program of page 1's text swapped for another font's
    (its glyph numbers now draw other letters: the page shows other words, its content streams untouched)."""
    import glob

    other = Path(sorted(glob.glob("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
                        + glob.glob("/usr/share/fonts/truetype/freefont/FreeMono.ttf"))[0]).read_bytes()

    def change(doc: pymupdf.Document) -> None:
        swapped = 0
        for xref in range(1, doc.xref_length()):
            try:
                kind, value = doc.xref_get_key(xref, "FontFile2")
            except Exception:  # a free or compressed number
                continue
            if kind == "xref":
                doc.update_stream(int(value.split()[0]), other)
                swapped += 1
        assert swapped, "the letter embeds its fonts"

    return _incremental(pdf, work, change)


def file_attached_inside(pdf: bytes, work: Path, inner: bytes) -> bytes:
    """An incremental update after signing: another (unsigned) letter attached inside the signed PDF, both as a
    document-level embedded file and as a file-attachment annotation on page 1."""
    def change(doc: pymupdf.Document) -> None:
        doc.embfile_add("phu-luc.pdf", inner, filename="phu-luc.pdf")
        doc[0].add_file_annot(pymupdf.Point(40, 40), inner, "cong-van-that.pdf")

    return _incremental(pdf, work, change)


def open_action_to(pdf: bytes, work: Path) -> bytes:
    """An incremental update after signing: a new last page (the forger's letter) and an /OpenAction that opens the
    file on it."""
    def change(doc: pymupdf.Document) -> None:
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), "SO TU PHAP - So: 999/STP-VP - V/v cap kinh phi cho Cong ty ABC", fontsize=12)
        doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"[{page.xref} 0 R /Fit]")

    return _incremental(pdf, work, change)


def javascript_added(pdf: bytes, work: Path) -> bytes:
    """An incremental update after signing: a document-level JavaScript (Names/JavaScript) that rewrites what shows."""
    def change(doc: pymupdf.Document) -> None:
        js = doc.get_new_xref()
        doc.update_object(js, "<</S/JavaScript/JS(this.getField\\('ghichu'\\).value='999/STP-VP';)>>")
        names = doc.get_new_xref()
        doc.update_object(names, f"<</Names[(a) {js} 0 R]>>")
        doc.xref_set_key(doc.pdf_catalog(), "Names", f"<</JavaScript {names} 0 R>>")

    return _incremental(pdf, work, change)


def info_changed(pdf: bytes, work: Path) -> bytes:
    """GUARD: an incremental update after signing that changes the document information only (an archive's stamp)."""
    def change(doc: pymupdf.Document) -> None:
        doc.set_metadata({**doc.metadata, "title": "Lưu trữ", "keywords": "đã lưu"})

    return _incremental(pdf, work, change)


def _append_whole_as_update(real: bytes, doc_bytes: bytes) -> bytes:
    """The real file with the changed document written as an incremental save (PyMuPDF's own)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "real.pdf"
        path.write_bytes(real)
        with pymupdf.open(path) as doc, pymupdf.open(stream=doc_bytes, filetype="pdf") as changed:
            doc.insert_pdf(changed, from_page=0, to_page=0, start_at=0)
            doc.delete_page(1)
            doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
        return path.read_bytes()


def real_page_overlaid(real: bytes, work: Path) -> bytes:
    """The real signed file with an incremental update drawing a white box with other words over its number line."""
    def change(doc: pymupdf.Document) -> None:
        page = doc[0]
        rect = pymupdf.Rect(40, 60, 300, 140)
        page.draw_rect(rect, color=(1, 1, 1), fill=(1, 1, 1), overlay=True)
        page.insert_text((50, 100), "So: 999/STP-VP", fontsize=13, overlay=True)

    return _incremental(real, work, change)



# ---- certificates of the trusted CA that are no signing certificates ----------------------------------------------
def odd_certificate(pki: Any, name: str, *, usage: str) -> Any:
    """A certificate the province's trusted CA issued in the agency's exact name (CN "Sở Tư pháp tỉnh Bắc Giang"),
    but not for signing documents: "tls" (a web server's: digitalSignature + keyEncipherment, EKU serverAuth),
    "encryption" (keyEncipherment only), "ca" (a subordinate CA: BasicConstraints CA, keyCertSign, cRLSign),
    "codesign" (EKU codeSigning), "timestamp" (EKU timeStamping, critical: a TSA's)."""
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from kit import Identity

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    issuer = pki.intermediate
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.LOCALITY_NAME, "Bắc Giang"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tỉnh Bắc Giang"),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=30)).not_valid_after(now + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=usage == "ca", path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                              critical=False)
               .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                   [x509.UniformResourceIdentifier("http://crl.ca.test/intermediate.crl")], None, None, None)]),
                   critical=False))
    #                     digital, non-rep, key-enc, data-enc, agreement, cert-sign, crl-sign, enc-only, dec-only
    usages = {"tls": (True, False, True, False, False, False, False, False, False),
              "encryption": (False, False, True, False, False, False, False, False, False),
              "ca": (False, False, False, False, False, True, True, False, False),
              "codesign": (True, False, False, False, False, False, False, False, False),
              "timestamp": (True, True, False, False, False, False, False, False, False),
              "ocsp": (True, True, False, False, False, False, False, False, False),
              "server": (True, True, True, False, False, False, False, False, False)}[usage]
    builder = builder.add_extension(x509.KeyUsage(*usages), critical=True)
    eku = {"tls": [ExtendedKeyUsageOID.SERVER_AUTH], "codesign": [ExtendedKeyUsageOID.CODE_SIGNING],
           "timestamp": [ExtendedKeyUsageOID.TIME_STAMPING], "ocsp": [ExtendedKeyUsageOID.OCSP_SIGNING],
           "server": [ExtendedKeyUsageOID.SERVER_AUTH]}.get(usage)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=usage in ("timestamp", "ocsp", "server"))
    return Identity(name, builder.sign(issuer.key, hashes.SHA256()), key)


# ---- mails with header tricks ---------------------------------------------------------------------------------------
def raw_mail(*, headers: list[tuple[str, str]], pdf: bytes | None, key: DkimKey | None, top: list[str],
             filename: str = "cong-van.pdf") -> bytes:
    """A mail whose header lines are given in order (two From, a Sender, a Resent-From), DKIM-signed by `key`."""
    msg = EmailMessage(policy=email.policy.SMTP)
    for name, value in headers:
        msg[name] = value
    if "Date" not in msg:
        msg["Date"] = format_datetime(datetime.now(timezone.utc))
    if "Message-ID" not in msg:
        msg["Message-ID"] = make_msgid(domain="example.org")
    msg.set_content("Kính gửi Văn thư,\n\nXin gửi văn bản đính kèm.\n")
    if pdf is not None:
        msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    raw = msg.as_bytes()
    raw = dkim_signed(raw, key) if key is not None else raw
    return on_top(raw, top)


# ---- the run ----------------------------------------------------------------------------------------------------
@dataclass
class Attacks:
    w: World
    out: dict[str, list[dict[str, Any]]]  # a mail's outcomes, one a document it carries
    late: dict[str, list[dict[str, Any]]]  # a second `ingest`, after the first's mails were registered


def codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def answered(out: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["kind"], r["to"]) for r in out["replies"] if r["kind"] in ("ack", "return")}


def _real(realpdf: Path, name: str) -> bytes:
    return (realpdf / f"{name}.pdf").read_bytes()


@pytest.fixture(scope="module")
def attacks(tmp_path_factory: pytest.TempPathFactory, province: Any, realpdf: Path) -> Attacks:
    pki, signers, stranger = province
    signers = dict(signers)
    signers["ubnd"] = pki.signer("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", locality="Bắc Giang")
    signers["stp_dn"] = pki.signer("Sở Tư pháp tỉnh Đắk Nông", "UBND tỉnh Đắk Nông", locality="Đắk Nông")
    signers["stp_person_other"] = pki.signer("Lê Văn Chín", "UBND tỉnh Bắc Giang", unit="Sở Tài chính",
                                             locality="Bắc Giang")
    for usage in ("tls", "encryption", "ca", "codesign", "timestamp", "ocsp", "server"):
        signers[f"odd-{usage}"] = odd_certificate(pki, "Sở Tư pháp tỉnh Bắc Giang", usage=usage)
    from datetime import timedelta

    soon = datetime.now(timezone.utc) + timedelta(days=2)
    signers["not-yet"] = pki.signer("Sở Tư pháp tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", locality="Bắc Giang",
                                    valid_from=soon, valid_until=soon + timedelta(days=365))
    w = make_world(tmp_path_factory.mktemp("rt154"), pki, signers, stranger)
    for domain in ("sotp.bacgiang.gov.vn", "stc.bacgiang.gov.vn", "bacgiang.gov.vn", "evil.example",
                   "relay.vnpt.vn"):
        w.dkim[domain] = DkimKey.generate(domain)
    w.write_config()
    work = w.root / "work"
    work.mkdir()

    def doc(**kw: Any) -> bytes:
        return w.document(**kw)

    def signed(who: str = "stp", pdf: bytes | None = None) -> bytes:
        return w.signed(who, pdf or doc())

    mails: dict[str, Path] = {}

    def mail(name: str, files: list[tuple[str, bytes]], sender: str = STP, **kw: Any) -> None:
        mails[name] = w.mail(name, sender=sender, attachments=files, **kw)

    def raw(name: str, data: bytes) -> None:
        path = w.root / "mails" / f"{name}.eml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        mails[name] = path

    # GUARD: the genuine letter, and one with an archive's metadata change after signing
    mail("genuine", [("cv.pdf", signed(pdf=doc(number="201/STP-VP")))])
    mail("genuine-info-changed", [("cv.pdf", info_changed(signed(pdf=doc(number="202/STP-VP")), work))])

    # whose certificate
    mail("signed-by-ubnd", [("cv.pdf", signed("ubnd", doc(number="203/STP-VP")))])
    mail("signed-by-other-province-stp", [("cv.pdf", signed("stp_dn", doc(number="204/STP-VP")))])
    mail("signed-by-stc-person", [("cv.pdf", signed("stp_person_other", doc(number="205/STP-VP")))])
    mail("stp-letter-via-stc", [("cv.pdf", signed("stp", doc(number="206/STP-VP")))], sender=STC)
    mail("stp-letter-via-ubnd", [("cv.pdf", signed("stp", doc(number="207/STP-VP")))], sender=UBND)

    for usage in ("tls", "encryption", "ca", "codesign", "timestamp", "ocsp", "server"):  # from a stranger
        mail(f"cert-{usage}", [("cv.pdf", signed(f"odd-{usage}", doc(number=f"208{len(usage)}{usage[0]}/STP-VP")))],
             sender=EVIL, auth=None)

    mail("cert-not-yet-valid", [("cv.pdf", signed("not-yet", doc(number="209/STP-VP")))], sender=EVIL, auth=None)

    # whose document: the official mailbox proves its own agency's documents only
    mail("unsigned-other-province-stp", [("cv.pdf", doc(number="280/STP-VP", issuer_parent="UBND TỈNH ĐẮK NÔNG",
                                                        place="Đắk Nông"))])
    mail("unsigned-phong-tu-phap", [("cv.pdf", doc(issuer="PHÒNG TƯ PHÁP", issuer_parent="UBND HUYỆN YÊN DŨNG",
                                                   number="281/PTP", place="Yên Dũng"))])
    mail("unsigned-stc-letter", [("cv.pdf", doc(issuer="SỞ TÀI CHÍNH", number="282/STC-VP"))])
    mail("signed-stp-other-province-header", [("cv.pdf", signed(pdf=doc(number="283/STP-VP",
                                                                        issuer_parent="UBND TỈNH ĐẮK NÔNG",
                                                                        place="Đắk Nông")))], sender=EVIL, auth=None)
    mail("unsigned-no-parent", [("cv.pdf", doc(number="284/STP-VP", issuer_parent=None, place="Đắk Nông"))])
    mail("unsigned-other-province-unproven", [("cv.pdf", doc(number="285/STP-VP"))], sender=EVIL, auth=None)

    # a signed letter with an unsigned one beside it, from senders that are not the issuer's mailbox
    forged = doc(number="290/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")
    mail("unproven-signed-and-unsigned", [("cv.pdf", signed(pdf=doc(number="291/STP-VP"))), ("cv2.pdf", forged)],
         sender=EVIL, auth=None)
    mail("unproven-unsigned-first", [("cv.pdf", doc(number="292/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")),
                                     ("phu-luc.pdf", signed(pdf=doc(number="293/STP-VP")))], sender=EVIL, auth=None)
    mail("stc-signed-and-unsigned", [("cv.pdf", signed(pdf=doc(number="294/STP-VP"))),
                                     ("cv2.pdf", doc(number="295/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC"))],
         sender=STC)
    mail("unproven-same-number-unsigned", [("cv.pdf", signed(pdf=doc(number="296/STP-VP"))),
                                           ("cv-day-du.pdf", doc(number="296/STP-VP",
                                                                 summary="V/v cấp kinh phí cho Công ty ABC"))],
         sender=EVIL, auth=None)

    # changed after signing
    mail("ink-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="210/STP-VP")), work, "Ink",
                                                 extra="/InkList[[0 0 1 1]]/C[1 1 1]"))])
    mail("line-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="211/STP-VP")), work, "Line",
                                                  extra="/L[0 0 1 1]"))])
    mail("watermark-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="212/STP-VP")), work, "Watermark"))])
    mail("redact-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="213/STP-VP")), work, "Redact"))])
    mail("note-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="214/STP-VP")), work, "Text"))])
    mail("link-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="215/STP-VP")), work, "Link"))])
    mail("highlight-over", [("cv.pdf", annotation_over(signed(pdf=doc(number="216/STP-VP")), work, "Highlight",
                                                       extra="/QuadPoints[0 0 1 0 0 1 1 1]"))])
    mail("square-ap-only", [("cv.pdf", annotation_over(signed(pdf=doc(number="217/STP-VP")), work, "Square"))])
    mail("freetext-ap-only", [("cv.pdf", annotation_over(signed(pdf=doc(number="218/STP-VP")), work, "FreeText",
                                                         extra="/DA(0 g /Helv 10 Tf)"))])
    mail("recipient-hidden-by-ink", [("cv.pdf", annotation_over(signed(pdf=doc(number="219/STP-VP")), work, "Ink",
                                                                covered="- Sở Nội vụ;", painted="",
                                                                extra="/InkList[[0 0 1 1]]"))])
    mail("text-field-over", [("cv.pdf", text_field_over(signed(pdf=doc(number="220/STP-VP")), work))])
    mail("page-appended", [("cv.pdf", page_appended(signed(pdf=doc(number="221/STP-VP")), work))])
    mail("cropped", [("cv.pdf", cropped(signed(pdf=doc(number="222/STP-VP")), work))])
    mail("font-replaced", [("cv.pdf", font_replaced(signed(pdf=doc(number="223/STP-VP")), work))])
    inner = doc(number="999/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")
    mail("file-inside", [("cv.pdf", file_attached_inside(signed(pdf=doc(number="224/STP-VP")), work, inner))])
    mail("open-action", [("cv.pdf", open_action_to(signed(pdf=doc(number="225/STP-VP")), work))])
    mail("javascript", [("cv.pdf", javascript_added(signed(pdf=doc(number="226/STP-VP")), work))])

    # two documents, a zip
    mail("signed-and-unsigned", [("cv.pdf", signed(pdf=doc(number="230/STP-VP"))),
                                 ("cv-sua.pdf", doc(number="231/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC"))])
    mail("unsigned-and-signed-annex", [("cv.pdf", doc(number="232/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")),
                                       ("phu-luc.pdf", signed(pdf=doc(number="233/STP-VP")))])
    mail("zip-unsigned", [("ho-so.zip", zipped(("cv.pdf", doc(number="234/STP-VP"))))])

    # the mail says another number
    mail("subject-other-number", [("cv.pdf", signed(pdf=doc(number="240/STP-VP")))],
         subject="Công văn số 999/STP-VP ngày 20/11/2026 của Sở Tư pháp")

    # header tricks
    genuine = signed(pdf=doc(number="250/STP-VP"))
    raw("two-froms", raw_mail(headers=[("From", f"{STP}, {EVIL}"), ("To", CLERK), ("Subject", "Gửi văn bản")],
                              pdf=genuine, key=w.dkim["sotp.bacgiang.gov.vn"], top=[hop()]))
    raw("sender-evil", raw_mail(headers=[("From", STP), ("Sender", EVIL), ("To", CLERK), ("Subject", "Gửi văn bản")],
                                pdf=signed(pdf=doc(number="251/STP-VP")), key=w.dkim["evil.example"], top=[hop()]))
    raw("relay-dkim", raw_mail(headers=[("From", STP), ("To", CLERK), ("Subject", "Gửi văn bản")],
                               pdf=signed(pdf=doc(number="252/STP-VP")), key=w.dkim["relay.vnpt.vn"], top=[hop()]))
    raw("resent-from-stp", raw_mail(headers=[("Resent-From", STP), ("From", EVIL), ("To", CLERK),
                                             ("Subject", "Gửi văn bản")],
                                    pdf=signed(pdf=doc(number="253/STP-VP")), key=w.dkim["evil.example"], top=[hop()]))
    raw("from-group-syntax", raw_mail(headers=[("From", f"Van thu STP: {STP};"), ("Reply-To", EVIL), ("To", CLERK),
                                               ("Subject", "Gửi văn bản")],
                                      pdf=signed(pdf=doc(number="254/STP-VP")), key=w.dkim["sotp.bacgiang.gov.vn"],
                                      top=[hop()]))
    # the mail proven, its From's domain in another case and with a trailing dot (sotp.bacgiang.gov.vn.)
    raw("from-trailing-dot", raw_mail(headers=[("From", "vanthu@SOTP.bacgiang.gov.vn."), ("To", CLERK),
                                               ("Subject", "Gửi văn bản")],
                                      pdf=signed(pdf=doc(number="255/STP-VP")), key=w.dkim["evil.example"],
                                      top=[hop()]))

    # From addresses that spell Sở Tư pháp's mailbox inside the attacker's (the attacker's domain's DKIM)
    for tag, value in (("quoted-local", f'"{STP}"@evil.example'), ("double-at", f"{STP}@evil.example"),
                       ("source-route", f"<@evil.example:{STP}>"), ("comment-domain", "vanthu@(x)sotp.bacgiang.gov.vn"),
                       ("angle-twice", f"{STP} <attacker@evil.example>"),
                       ("escaped-at", 'vanthu\\@sotp.bacgiang.gov.vn@evil.example')):
        raw(f"from-{tag}", raw_mail(headers=[("From", value), ("To", CLERK), ("Subject", "Gửi văn bản")],
                                    pdf=doc(number=f"3{len(tag):02d}{tag[0]}/STP-VP"), key=w.dkim["evil.example"],
                                    top=[hop()]))
    # another account of Sở Tư pháp's own domain (its DKIM proves the domain, not the clerk's mailbox)
    mail("same-domain-other-account", [("cv.pdf", doc(number="310/STP-VP"))], sender="nhanvien@sotp.bacgiang.gov.vn")

    # the real corpus: a real Sở Tư pháp's signed letter (another province's), sent as is and changed after signing
    real = _real(realpdf, "019")
    mail("real-stp-as-is", [("cv.pdf", real)])
    mail("real-stp-overlaid", [("cv.pdf", real_page_overlaid(real, work))])
    mail("real-stp-page-replaced", [("cv.pdf", _append_whole_as_update(real, doc(number="260/STP-VP")))])
    # and our own signature on top of the real file changed: a trusted Sở Tư pháp signature over another's edited one
    mail("resigned-over-edit", [("cv.pdf", w.signed("stp", real_page_overlaid(_real(realpdf, "017"), work),
                                                    field_name="QlvbSignature"))])

    # replays (the genuine letter's file re-signed by its own issuer; its number again with other words)
    first = signed(pdf=doc(number="270/STP-VP"))
    mail("replay-first", [("cv.pdf", first)])

    order = list(mails)
    done = w.run("ingest", "--config", str(w.config_path), "--json", *(str(mails[n]) for n in order), check=False)
    import json
    outs = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert done.returncode == 0, (done.returncode, done.stderr[-3000:])
    out = {n: [o for o in outs if o["file"] == str(mails[n])] for n in order}

    late_mails: dict[str, Path] = {}
    late_mails["replay-resigned"] = w.mail("replay-resigned", attachments=[("cv.pdf", w.signed("stp", first,
                                                                                              field_name="Signature2"))])
    late_mails["replay-new-words"] = w.mail("replay-new-words", attachments=[(
        "cv.pdf", signed(pdf=doc(number="270/STP-VP", summary="V/v cấp kinh phí cho Công ty ABC")))])
    late_mails["replay-scanned"] = w.mail("replay-scanned", attachments=[("scan.pdf", w.scanned(first))])
    late_mails["replay-en-dash"] = w.mail("replay-en-dash", attachments=[(
        "cv.pdf", signed(pdf=doc(number="270/STP\u2013VP")))])
    late_outs = w.ingest(*late_mails.values())
    late = {n: [o for o in late_outs if o["file"] == str(p)] for n, p in late_mails.items()}
    return Attacks(w, out, late)


def _not_valid(out: dict[str, Any], *, proven: str | None = STP) -> None:
    """Not registered as valid; answered (returned) to the proven sender at most; a reason given."""
    assert out["verdict"] != "accepted", (out["verdict"], out["reasons"], out["signatures"])
    assert out["reasons"], out
    for kind, to in answered(out):
        assert kind == "return" and to == proven, answered(out)



def one(attacks: Attacks, name: str) -> dict[str, Any]:
    outs = attacks.out.get(name) or attacks.late[name]
    assert len(outs) == 1, outs
    return outs[0]


def _registered_files(w: World, number: int) -> list[str]:
    """The files the register keeps as document `number`'s (their SHA-256)."""
    import sqlite3

    with sqlite3.connect(w.root / "qlvb.db") as db:
        return [h for (h,) in db.execute("SELECT f.sha256 FROM document_files f JOIN documents d ON f.document_id = d.id"
                                         " WHERE d.arrival_number = ?", (number,))]


# ================================================================================================== guards

@pytest.mark.parametrize("name", ["genuine", "genuine-info-changed"])
def test_guard_the_issuers_own_signed_letter_is_registered(attacks: Attacks, name: str) -> None:
    """GUARD. Sở Tư pháp mails its signed letter from its official mailbox, once as signed and once after an archive's
    tool changed only the document information (title, keywords) in an incremental update. Expected: registered
    (`accepted`) and acknowledged to Sở Tư pháp's mailbox, with no error."""
    out = one(attacks, name)
    assert out["verdict"] == "accepted" and out["incoming_number"], out["reasons"]
    assert answered(out) == {("ack", STP)}


# ================================================================================================== whose certificate

@pytest.mark.parametrize("name", ["signed-by-ubnd", "signed-by-other-province-stp", "signed-by-stc-person"])
def test_a_certificate_of_another_body_does_not_sign_for_the_issuer(attacks: Attacks, name: str) -> None:
    """ATTACK. A letter printed "UBND TỈNH BẮC GIANG / SỞ TƯ PHÁP" is signed with a genuine certificate of the trusted
    CA that is not Sở Tư pháp's: the province's committee's own (the Sở's parent), Đắk Nông's Sở Tư pháp's (the same
    name, another province), a person of Sở Tài chính (OU Sở Tài chính) — and mailed from Sở Tư pháp's mailbox.
    Expected: not registered, `signer-not-issuer`, returned to the proven mailbox at most."""
    out = one(attacks, name)
    _not_valid(out)
    assert "signer-not-issuer" in codes(out)


_NOT_FOR_SIGNING = ("FAULT (red team 154): a certificate of the trusted CA in the agency's exact name whose extended key "
                    "usage says it is not for signing documents (a TSA's timeStamping, an OCSP responder's OCSPSigning, "
                    "a web server's serverAuth, each critical) counts as the agency's trusted signature: pyHanko's "
                    "default key-usage rule (nonRepudiation) is all that is asked, no extended key usage "
                    "(gateway/intake/signatures.py: _validate_one / TrustStore.context)")


@pytest.mark.parametrize("usage", ["tls", "encryption", "ca", "codesign", "timestamp", "ocsp", "server",
                                   "not-yet-valid"])
def test_a_certificate_not_issued_for_signing_gives_no_legal_value(attacks: Attacks, usage: str) -> None:
    """ATTACK. A forger holds the key of a certificate the province's trusted CA issued in Sở Tư pháp's exact name but
    not for signing documents: a web server's (serverAuth, with or without nonRepudiation), an encryption one
    (keyEncipherment), a subordinate CA's, a code-signing one, a time-stamping authority's (timeStamping, critical, as
    RFC 3161 requires: such a key signs whatever it is given), an OCSP responder's (OCSPSigning, critical). He signs a
    letter with it and mails it from a mailbox nothing proves; and Sở Tư pháp's genuine signing certificate issued to
    begin two days from now (a letter "signed" before it could be). Expected: the signature is no agency's signature: the
    mail held (`quarantined`), nothing registered, nobody answered.
    FAULT (timestamp, ocsp, server): registered as Sở Tư pháp's (`accepted`, basis signature) and acknowledged to
    Sở Tư pháp's mailbox: only the key usage nonRepudiation is asked, the extended key usage never looked at."""
    out = one(attacks, f"cert-{usage}")
    assert out["verdict"] != "accepted", (_NOT_FOR_SIGNING, out["signatures"])
    assert not answered(out)


# ================================================================================================== whose document

@pytest.mark.parametrize("name", ["unsigned-other-province-stp", "unsigned-phong-tu-phap", "unsigned-stc-letter"])
def test_the_official_mailbox_proves_its_own_agencys_documents_only(attacks: Attacks, name: str) -> None:
    """ATTACK. From Sở Tư pháp tỉnh Bắc Giang's proven mailbox (its clerk's account taken over, or a careless clerk)
    comes an unsigned letter of another body: Đắk Nông's Sở Tư pháp (the same "SỞ TƯ PHÁP", another province's
    parent), a district's "PHÒNG TƯ PHÁP", Sở Tài chính. Expected: not registered as that body's document on the
    strength of Sở Tư pháp's mailbox: `sender-not-issuer`, returned to the proven mailbox at most."""
    out = one(attacks, name)
    _not_valid(out)
    assert "sender-not-issuer" in codes(out)


def test_a_letter_of_the_issuer_printed_under_another_province_is_not_registered_unproven(attacks: Attacks) -> None:
    """ATTACK. A letter printed "UBND TỈNH ĐẮK NÔNG / SỞ TƯ PHÁP", signed by Bắc Giang's Sở Tư pháp (a key of a
    Sở Tư pháp, another province's letter), mailed from an unproven address. Expected: held, nobody answered."""
    out = one(attacks, "signed-stp-other-province-header")
    assert out["verdict"] == "quarantined" and not answered(out), out["reasons"]
    assert "signer-not-issuer" in codes(out)


@pytest.mark.parametrize("name,sender", [("stp-letter-via-stc", STC), ("stp-letter-via-ubnd", UBND)])
def test_guard_a_signed_letter_another_agency_forwards_is_acknowledged_to_that_proven_agency_only(
        attacks: Attacks, name: str, sender: str) -> None:
    """GUARD (README, *Who is answered*). Sở Tài chính's, or the province committee's, proven mailbox forwards Sở Tư
    pháp's signed letter. Expected: registered on the issuer's signature (`sender-not-issuer` said), acknowledged to the
    proven sender alone."""
    out = one(attacks, name)
    assert out["verdict"] == "accepted" and "sender-not-issuer" in codes(out)
    assert answered(out) == {("ack", sender)}


# ================================================================================================== changed after signing

CHANGED = ["ink-over", "line-over", "watermark-over", "redact-over", "note-over", "link-over", "highlight-over",
           "square-ap-only", "freetext-ap-only", "recipient-hidden-by-ink", "text-field-over", "page-appended",
           "cropped", "font-replaced", "file-inside", "open-action", "javascript"]


@pytest.mark.parametrize("name", CHANGED)
def test_a_signed_letter_changed_after_signing_is_not_registered(attacks: Attacks, name: str) -> None:
    """ATTACK. Sở Tư pháp's genuine signed letter, changed in an incremental update after signing, then mailed from
    Sở Tư pháp's mailbox (a clerk's forwarding, or a man in the middle with the clerk's password): an annotation of a
    kind the cover check does not weigh (Ink, Line, Watermark, Redact, Text note, Link, Highlight) or a Square/FreeText
    without colour keys, each with an opaque appearance painting other words over the summary line or blanking
    "- Sở Nội vụ;"; a new text form field over the summary; a page appended; the CropBox cutting off the recipients;
    the embedded font program swapped (glyphs draw other letters); a file attached inside; an /OpenAction to a new
    page; a document JavaScript. Expected: not registered, `signature-modified`, returned to the proven mailbox at most."""
    out = one(attacks, name)
    _not_valid(out)
    assert "signature-modified" in codes(out)
    assert any(s["modified_after"] for s in out["signatures"])


# ================================================================================================== two documents, a zip

@pytest.mark.parametrize("name", ["unproven-signed-and-unsigned", "unproven-unsigned-first",
                                  "unproven-same-number-unsigned"])
def test_an_unsigned_letter_beside_a_signed_one_from_an_unproven_sender_is_not_registered(attacks: Attacks,
                                                                                           name: str) -> None:
    """ATTACK. A stranger mails Sở Tư pháp's genuine signed letter and, beside it, an unsigned PDF of his own printed as
    Sở Tư pháp's ("V/v cấp kinh phí cho Công ty ABC"), after it, before it, or under the same number as the signed one.
    Expected: only what the signature covers is registered; the unsigned letter's words in no registration and its
    file kept with no registered document; nothing answered to the stranger."""
    outs = attacks.out[name]
    for out in outs:
        assert not any(to == EVIL for _, to in answered(out))
        if out["verdict"] == "accepted":
            assert "kinh phí" not in (out["document"] or {}).get("summary", ""), out["document"]
            assert out["signatures"] and all(s["trusted"] and s["intact"] for s in out["signatures"])
    registered = [o for o in outs if o["verdict"] == "accepted"]
    assert len(registered) == 1
    files = _registered_files(attacks.w, registered[0]["incoming_number"])
    assert len(files) == 1


def test_another_agency_forwarding_a_signed_letter_with_an_unsigned_one_registers_the_signed_only(
        attacks: Attacks) -> None:
    """ATTACK. Sở Tài chính's proven mailbox forwards Sở Tư pháp's signed letter and an unsigned letter printed as
    Sở Tư pháp's. Expected: the signed one registered (acknowledged to Sở Tài chính, the proven sender), the unsigned
    one not (`sender-not-issuer`), returned to Sở Tài chính at most."""
    outs = attacks.out["stc-signed-and-unsigned"]
    verdicts = sorted(o["verdict"] for o in outs)
    assert verdicts[0] == "accepted" and verdicts[1] != "accepted", verdicts
    unsigned = next(o for o in outs if not o["signatures"])
    _not_valid(unsigned, proven=STC)
    assert "sender-not-issuer" in codes(unsigned)


@pytest.mark.parametrize("name", ["signed-and-unsigned", "unsigned-and-signed-annex"])
def test_guard_the_issuers_mailbox_proves_its_unsigned_letter_beside_a_signed_one(attacks: Attacks, name: str) -> None:
    """GUARD. Sở Tư pháp's own proven mailbox sends two of its letters, one signed, one a scan or an unsigned export.
    Expected: both registered (002 Đ4.1: the official mailbox gives the unsigned one its legal value), each acknowledged
    to Sở Tư pháp."""
    outs = attacks.out[name]
    assert sorted(o["verdict"] for o in outs) == ["accepted", "accepted"]
    for out in outs:
        assert answered(out) == {("ack", STP)}


def test_a_pdf_in_a_zip_is_not_registered(attacks: Attacks) -> None:
    """ATTACK. Sở Tư pháp's mailbox sends an unsigned letter inside a ZIP. Expected: nothing registered from the
    archive (`unsupported-attachment`), returned to the proven mailbox at most."""
    out = one(attacks, "zip-unsigned")
    _not_valid(out)
    assert "unsupported-attachment" in codes(out)


def test_guard_a_subject_giving_another_number_is_said(attacks: Attacks) -> None:
    """GUARD. Sở Tư pháp's signed letter 240/STP-VP comes under the subject "Công văn số 999/STP-VP". Expected: the
    register takes the signed document's number, and the clerk is told of the difference (`number-mismatch`)."""
    out = one(attacks, "subject-other-number")
    assert out["document"]["number"] == "240/STP-VP"
    assert "number-mismatch" in codes(out)


# ================================================================================================== the mail's headers

@pytest.mark.parametrize("name", ["two-froms", "sender-evil", "relay-dkim", "from-group-syntax", "from-trailing-dot"])
def test_an_unproven_from_is_never_answered(attacks: Attacks, name: str) -> None:
    """ATTACK. Sở Tư pháp's genuine signed letter in a mail whose From nothing proves: "From: Sở Tư pháp, attacker"
    (DKIM of Sở Tư pháp's domain over two authors), "From: Sở Tư pháp" with "Sender: attacker" and only the attacker's
    domain's DKIM, a relay's DKIM (relay.vnpt.vn), a From in group syntax with a Reply-To to the attacker, a From whose
    domain is written in capitals and with a trailing dot under the attacker's DKIM. Expected: the sender not taken as
    proven; the signature may register the letter, acknowledged only to the issuer's directory mailbox; the attacker
    never answered."""
    out = one(attacks, name)
    assert out["sender"]["authenticated"] is False or out["sender"]["address"] != STP, out["sender"]
    assert all(to == STP and kind == "ack" for kind, to in answered(out)), answered(out)


def test_resent_from_does_not_make_the_sender_the_issuer(attacks: Attacks) -> None:
    """ATTACK. The attacker's own proven mail (DKIM of evil.example) carries "Resent-From: Sở Tư pháp" above its From.
    Expected: the sender is the attacker (the From), never taken for Sở Tư pháp's official mailbox
    (`sender-not-official`)."""
    out = one(attacks, "resent-from-stp")
    assert out["sender"]["address"] == EVIL
    assert "sender-not-official" in codes(out)


@pytest.mark.parametrize("name", ["from-quoted-local", "from-double-at", "from-source-route", "from-comment-domain",
                                  "from-angle-twice", "from-escaped-at"])
def test_a_from_spelling_the_issuers_mailbox_inside_the_attackers_proves_nothing(attacks: Attacks, name: str) -> None:
    """ATTACK. The attacker's own mail, DKIM-signed by evil.example, carries an unsigned letter printed as Sở Tư pháp's
    under a From that spells Sở Tư pháp's mailbox inside his own address: a quoted local part
    ("vanthu@sotp…"@evil.example), two @, an obsolete source route, a comment inside the domain, the mailbox as a bare
    display name before <attacker@evil.example>, an escaped @. Expected: never Sở Tư pháp's official mailbox
    proven: held (`quarantined`), nothing registered, nobody answered."""
    out = one(attacks, name)
    assert out["verdict"] == "quarantined" and not answered(out), (out["verdict"], out["reasons"], out["sender"])
    assert not (out["sender"]["authenticated"] and out["sender"]["address"].lower() == STP)


def test_another_account_of_the_issuers_domain_is_not_its_official_mailbox(attacks: Attacks) -> None:
    """ATTACK. An employee's account of Sở Tư pháp's own domain (nhanvien@sotp…, DKIM of the domain: it proves the
    domain, not the clerk's mailbox) sends an unsigned letter printed as Sở Tư pháp's. Expected: not the official
    route: held (`sender-not-official`), nothing registered, nobody answered (a proven outsider is never returned)."""
    out = one(attacks, "same-domain-other-account")
    assert out["verdict"] == "quarantined" and not answered(out), out["reasons"]
    assert "sender-not-official" in codes(out)


# ================================================================================================== the real corpus

@pytest.mark.parametrize("name", ["real-stp-as-is", "real-stp-overlaid", "real-stp-page-replaced",
                                  "resigned-over-edit"])
def test_a_real_signed_letter_changed_after_signing_or_not_ours_is_not_registered(attacks: Attacks, name: str) -> None:
    """ATTACK (the corpus's real files). A real published letter of another province's Sở Tư pháp (019.pdf,
    125/STP-VP, four signatures) mailed from Bắc Giang's Sở Tư pháp's mailbox: as published, with a white box and
    "Số: 999/STP-VP" drawn over its header in an incremental update, with its page 1 replaced by our forged letter in
    an incremental update; and a real Sở Tài chính's letter (017.pdf) so edited, then signed over by Bắc Giang's Sở Tư
    pháp's trusted key. Expected: none registered; the edited ones said changed after signing where their untrusted
    signature is the issuer's claim; returned to the proven mailbox at most."""
    out = one(attacks, name)
    _not_valid(out)
    if name in ("real-stp-overlaid", "real-stp-page-replaced"):
        assert all(s["modified_after"] for s in out["signatures"])


# ================================================================================================== replays

@pytest.mark.parametrize("name", ["replay-resigned", "replay-new-words", "replay-scanned", "replay-en-dash"])
def test_a_replay_under_a_registered_number_gets_no_new_number(attacks: Attacks, name: str) -> None:
    """ATTACK. Sở Tư pháp's registered letter 270/STP-VP comes again: its file with one more signature of its own
    (new bytes), a new rendering of the number with other words, a scan of it, its number written with an en dash
    ("270/STP–VP"). Expected: no second number (`duplicate`),
    acknowledged only to the proven mailbox with the first number."""
    out = one(attacks, name)
    assert out["verdict"] == "duplicate" and out["incoming_number"] is None, out
    first = one(attacks, "replay-first")
    assert out["duplicate_of"] == first["incoming_number"]
    assert all(to == STP for _, to in answered(out))

