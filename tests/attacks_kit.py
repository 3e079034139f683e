"""What an attacker needs to forge mail to the gateway: header blocks placed line by line, the
certificates of a province (and of others), documents painted over after signing, attachments
that hide what they are, and the means to look at what the gateway stored and answered."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import dkim
import pymupdf

from kit import DemoPki, DkimKey, Identity
from vntext import fold
from world import MX

EVIL = "attacker@evil.example"
OUTSIDER = "vanthu@congty.example"  # a real mailbox of a firm: it can prove itself, it is no agency


# ---- header blocks ----------------------------------------------------------------------------
def hop(by: str = MX, source: str = "agency.example") -> str:
    """A Received line as the host `by` writes it."""
    return f"Received: from {source} by {by} with ESMTPSA; {format_datetime(datetime.now(timezone.utc))}"


def results(value: str) -> str:
    return f"Authentication-Results: {value}"


def on_top(raw: bytes, lines: list[str]) -> bytes:
    """The mail with make_mail's Received and Authentication-Results lines replaced by `lines`, in
    that order: the header block above the message (and above its DKIM signature)."""
    rest = raw
    while rest.lower().startswith((b"received:", b"authentication-results:")):
        rest = rest.split(b"\r\n", 1)[1]
        while rest[:1] in (b" ", b"\t"):  # a folded continuation
            rest = rest.split(b"\r\n", 1)[1]
    return "".join(f"{line}\r\n" for line in lines).encode() + rest


def dkim_signed(message: bytes, key: DkimKey, *, structure: bool = True) -> bytes:
    """Signed as mail servers sign (OpenDKIM's default headers); without `structure`, Content-Type and
    MIME-Version left out (a signature the gateway no longer takes for the sender's)."""
    headers = [b"from", b"to", b"cc", b"subject", b"date", b"message-id"]
    signature = dkim.sign(message, key.selector.encode(), key.domain.encode(), key.private_pem,
                          include_headers=headers + ([b"mime-version", b"content-type"] if structure else []))
    return signature + message


def forwarding(sender: str, to: str, pdf: bytes, forwarded: bytes, key: DkimKey | None) -> bytes:
    """A mail carrying a document and, as a message/rfc822 part, a mail it forwards."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"], msg["To"], msg["Subject"] = sender, to, "Chuyển tiếp hồ sơ"
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    msg.set_content("Kính gửi Văn thư,\n\nXin chuyển tiếp thư dưới đây.\n")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="cong-van.pdf")
    msg.add_attachment(email.message_from_bytes(forwarded, policy=email.policy.SMTP))
    raw = msg.as_bytes()
    raw = dkim_signed(raw, key) if key is not None else raw
    return on_top(raw, [hop()])


# ---- certificates -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Certificates:
    """Signing certificates as Ban Cơ yếu issues them (and one from a CA nobody trusts)."""

    stp: Identity  # Sở Tư pháp's own (an organisation's) certificate
    stp_clerk: Identity  # a person's: its clerk, OU = the agency
    stc: Identity  # Sở Tài chính of the same province
    ubnd: Identity  # UBND tỉnh: the Sở's parent
    person: Identity  # a private person, under the same trusted CA
    dn_stc: Identity  # Sở Tài chính of another province
    dn_stp: Identity  # Sở Tư pháp of another province: the same name, not the same agency
    self_made: Identity  # "Sở Tư pháp" under a CA the attacker made

    def as_signers(self) -> dict[str, Identity]:
        """For World.signed(who): 'stranger' is the one under the self-made CA."""
        return {"stp": self.stp, "stp_clerk": self.stp_clerk, "stc": self.stc, "ubnd": self.ubnd,
                "person": self.person, "dn_stc": self.dn_stc, "dn_stp": self.dn_stp, "stranger": self.self_made}


def issue_certificates(pki: DemoPki, stranger: DemoPki) -> Certificates:
    return Certificates(
        stp=pki.signer("Sở Tư pháp", "UBND tỉnh Bắc Giang", locality="Bắc Giang"),
        stp_clerk=pki.signer("Nguyễn Văn A", "Ủy ban nhân dân tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang"),
        stc=pki.signer("Sở Tài chính", "UBND tỉnh Bắc Giang", locality="Bắc Giang", kind="ecdsa"),
        ubnd=pki.signer("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", locality="Bắc Giang"),
        person=pki.signer("Trần Thị B", "Cá nhân"),
        dn_stc=pki.signer("Sở Tài chính", "Tỉnh Đắk Nông", locality="Đắk Nông"),
        dn_stp=pki.signer("Sở Tư pháp", "UBND tỉnh Đắk Nông", locality="Đắk Nông"),
        self_made=stranger.signer("Sở Tư pháp", "UBND tỉnh Bắc Giang", locality="Bắc Giang"),
    )


def fingerprint(identity: Identity) -> str:
    """SHA-256 of the certificate (DER), in hex: how the directory's `certificates` column names one."""
    from cryptography.hazmat.primitives import hashes

    return identity.cert.fingerprint(hashes.SHA256()).hex()


# ---- documents changed after signing --------------------------------------------------------------
def line_box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """The rectangle of a line of page 1 in PDF user space (origin bottom left), a little wider."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        found = page.search_for(text)
        assert found, f"{text!r} is not on page 1"
        height = page.rect.height
        x0, x1 = min(r.x0 for r in found), max(r.x1 for r in found)
        y0, y1 = min(r.y0 for r in found), max(r.y1 for r in found)
    return (x0 - 4, height - y1 - 3, x1 + 4, height - y0 + 3)


def paint_over(pdf: bytes, covered: str, painted: str, identity: Identity, pki: DemoPki,
               field_name: str = "Signature2") -> bytes:
    """One more signature, visible: its box, opaque white with `painted` written in it, lies over
    the line `covered` of page 1 (what a reader of the page now sees instead of that line)."""
    from io import BytesIO

    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    from kit import pdf_signer

    box = line_box(pdf, covered)
    width, height = box[2] - box[0], box[3] - box[1]
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=field_name, box=box, on_page=0))
    style = TextStampStyle(
        stamp_text=painted, border_width=0, background_opacity=1.0,
        background=RawContent(f"1 1 1 rg 0 0 {width:.2f} {height:.2f} re f".encode()),
        text_box_style=TextBoxStyle(font_size=12),
    )
    out = BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field_name), signer=pdf_signer(identity, pki),
                      stamp_style=style).sign_pdf(writer, output=out)
    return out.getvalue()


def annotate_over(pdf: bytes, covered: str, written: str, work: Path) -> bytes:
    """An incremental update after signing: a FreeText annotation, white, over the line `covered`."""
    path = work / f"annotated-{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    with pymupdf.open(path) as doc:
        page = doc[0]
        found = page.search_for(covered)
        rect = pymupdf.Rect(min(r.x0 for r in found) - 4, min(r.y0 for r in found) - 3,
                            max(r.x1 for r in found) + 4, max(r.y1 for r in found) + 3)
        page.add_freetext_annot(rect, written, fontsize=11, fill_color=(1, 1, 1), text_color=(0, 0, 0))
        doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    return path.read_bytes()


def appended_unseen(signed: bytes, covered: str, painted: str, *, how: str = "no-eof") -> bytes:
    """Page 1 changed by bytes appended where pyHanko does not look and a viewer does (red team, 2026-12-04): a white
    stamp with `painted` over the line `covered`. How: "no-eof", a new revision whose "startxref" closes the file with
    no "%%EOF" (pyHanko ends a file at its last line starting "%%EOF"); "far-startxref", the objects alone, then the
    signed revision's own "startxref … %%EOF" so far from the end that MuPDF, finding no "startxref" in the last 1,024
    bytes, rebuilds the file from its objects, the last written winning; "vertical-tab", the objects, then the signed
    "startxref" with a vertical tab before its number, which pyHanko's int() skips and MuPDF does not (red team 2 of
    2026-12-04): MuPDF rebuilds the file; "twice-in-one-section", a revision whose one cross-reference section lists page 1
    twice, the changed page first and the signed one last (red team 3 of 2026-12-04): pyHanko takes the last entry,
    MuPDF the first. A dictionary giving a key twice, the signed value first, the forged last (red team 4 of 2026-12-04:
    pyHanko keeps the first, MuPDF the last): "annots-twice", page 1 with its /Annots and then /Annots with the stamp;
    "annots-twice-escaped", the second spelled /Ann#6Fts; "pages-twice", the catalog with its /Pages and then /Pages
    naming a new page tree whose page is page 1 with the stamp; "annots-renumbered", page 1's /Annots [W 0 R] and then
    /Annots [S 0 R], the stamp's number S close to the widget's W (red team 5: numbers compared with a real's slack; give
    it a document of some 3,000 objects, `with_objects`). And "stream-as-page" (red team 5): a hybrid revision whose
    /XRefStm stream is numbered as page 1 and carries page 1's keys with the stamp (MuPDF reads a stream by the number
    in its header; pyHanko notes it apart). "root-twice" (red team 8): a new catalog and page tree with page 1 stamped,
    the trailer giving /Root twice, the signed catalog first and the new one last."""
    import re

    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        page_xref, size, root = doc[0].xref, doc.xref_length(), doc.pdf_catalog()
        page = re.sub(r"\s+", " ", doc.xref_object(page_xref, compressed=True))
        catalog = re.sub(r"\s+", " ", doc.xref_object(root, compressed=True))
    prev = int(re.findall(rb"startxref\s+(\d+)", signed)[-1])
    x0, y0, x1, y1 = line_box(signed, covered)
    width, height = x1 - x0 + 60, y1 - y0
    annot, form = size, size + 1
    stream = f"1 1 1 rg 0 0 {width:.1f} {height:.1f} re f BT 0 g /F1 12 Tf 2 {height / 2 - 4:.1f} Td ({painted}) Tj ET".encode()
    stamped = (re.sub(r"/Annots\s*\[([^\]]*)\]", f"/Annots [\\1 {annot} 0 R]", page) if "/Annots" in page
               else page.rstrip()[:-2] + f"/Annots [{annot} 0 R]>>")
    if how.startswith("annots-twice"):  # the signed /Annots, then the stamped one
        key = "/Ann#6Fts" if how.endswith("escaped") else "/Annots"
        stamped = page.rstrip()[:-2] + key + re.search(r"/Annots\s*(\[[^\]]*\])", stamped).group(1) + ">>"  # type: ignore[union-attr]
    if how == "annots-renumbered":  # the signed /Annots, then the stamp alone
        stamped = page.rstrip()[:-2] + f"/Annots[{annot} 0 R]>>"
    objects = {
        page_xref: stamped.encode(),
        annot: f"<</Type/Annot/Subtype/Stamp/F 4/Rect[{x0:.1f} {y0:.1f} {x0 + width:.1f} {y1:.1f}]/AP<</N {form} 0 R>>>>".encode(),
        form: (f"<</Type/XObject/Subtype/Form/BBox[0 0 {width:.1f} {height:.1f}]/Resources<</Font<</F1<</Type/Font"
               f"/Subtype/Type1/BaseFont/Helvetica>>>>>>/Length {len(stream)}>>stream\n").encode() + stream + b"\nendstream",
    }
    new_root = root
    if how in ("pages-twice", "root-twice"):  # the signed page untouched; a new tree of one page, page 1 stamped
        pages = form + 1
        objects[pages + 1] = re.sub(r"/Parent\s*\d+ 0 R", f"/Parent {pages} 0 R", objects.pop(page_xref).decode()).encode()
        objects[pages] = f"<</Type/Pages/Count 1/Kids[{pages + 1} 0 R]>>".encode()
        if how == "pages-twice":
            objects[root] = (catalog.rstrip()[:-2] + f"/Pages {pages} 0 R>>").encode()
        else:
            new_root = pages + 2
            objects[new_root] = re.sub(r"/Pages\s*\d+ 0 R", f"/Pages {pages} 0 R", catalog).encode()
    out, offsets = bytearray(signed), {}
    for number, body in objects.items():
        if how == "stream-as-page" and number == page_xref:
            continue
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    if how == "stream-as-page":  # the stamp's objects in the table; the stream, numbered as page 1, lists none
        keys = re.sub(r"/Type\s*/Page\b", "", objects.pop(page_xref).decode().strip()[2:-2])
        stream_at = len(out)
        out += (f"{page_xref} 0 obj\n<</Type/XRef/Size {form + 1}/W[1 4 1]/Index[]{keys}/Length 0>>\nstream\n\n"
                "endstream\nendobj\n").encode()
        xref = len(out)
        out += b"xref\n" + b"".join(f"{n} 1\n{offsets[n]:010d} 00000 n \n".encode() for n in sorted(objects))
        return bytes(out + f"trailer\n<</Size {form + 1}/Root {root} 0 R/Prev {prev}/XRefStm {stream_at}>>\nstartxref\n"
                           f"{xref}\n%%EOF\n".encode())
    if how == "far-startxref":
        return bytes(out + f"startxref\n{prev}\n%%EOF\n".encode() + b" " * 1010)
    if how == "vertical-tab":
        return bytes(out + f"startxref\n\x0b{prev}\n%%EOF\n".encode())
    xref = len(out)
    out += b"xref\n" + b"".join(f"{n} 1\n{offsets[n]:010d} 00000 n \n".encode() for n in sorted(offsets))
    if how == "twice-in-one-section":  # the page as signed, where its last "n 0 obj" stands
        signed_page = [m.start() + 1 for m in re.finditer(rb"\n%d 0 obj" % page_xref, signed)][-1]
        out += f"{page_xref} 1\n{signed_page:010d} 00000 n \n".encode()
    second_root = f"/Root {new_root} 0 R" if new_root != root else ""
    out += f"trailer\n<</Size {max(offsets) + 1}/Root {root} 0 R/Prev {prev}{second_root}>>\nstartxref\n{xref}\n".encode()
    return bytes(out if how == "no-eof" else out + b"%%EOF\n")


def with_objects(pdf: bytes, count: int) -> bytes:
    """The document with null objects added up to `count` (a long document's numbers, before it is signed)."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        while doc.xref_length() < count:
            doc.update_object(doc.get_new_xref(), "null")
        return doc.tobytes(garbage=0)


# ---- attachments that hide what they are ---------------------------------------------------------
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 48 + b"PE\0\0" + b"\0" * 60


def zipped(*files: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def polyglot(pdf: bytes) -> bytes:
    """A Windows executable whose bytes also open as the PDF (readers look for %PDF- in the first KB)."""
    return EXECUTABLE + pdf


# ---- what the gateway kept and said ---------------------------------------------------------------
def stored(root: Path, digest: str) -> bool:
    return (root / "store" / "sha256" / digest[:2] / digest).exists()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def answer_text(raw: bytes) -> str:
    """An answer's subject and every text part, decoded: what its reader sees."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [str(msg.get("Subject", ""))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            texts.append(part.get_content())
    return "\n".join(texts)


def folded_in(needle: str, haystack: str) -> bool:
    """Whether the text appears, ignoring case, diacritics and spacing."""
    return fold(needle) in fold(haystack)
