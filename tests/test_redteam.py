"""Red team of issue 10 (Trust): attacks on the finished hardening that the gateway did not hold
against when they were written. Each test asserts the RIGHT behaviour, so each fails until the hole
is closed; the docstring says what the attack is and why it matters. Real mails, real PDFs, the
real command line (`ingest`), as in tests/test_attacks.py (whose attacks are not repeated here).

The forger here has no key of the province: only what anybody can get (a mail the province's server
receives from a client whose HELO it chooses; a genuine mail an agency once sent them; a personal
certificate from the trusted CA; a certificate of an official of another province)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Callable

import dkim
import pymupdf
import pytest
from sqlalchemy import select

from attacks_kit import EVIL, dkim_signed, hop, issue_certificates, line_box, on_top, results
from kit import DkimKey, make_mail, sign_pdf
from registry.models import DocumentFile, Outbox
from world import MX, STC, STP, US, World, certified_copy, make_world

CLERK = US["mailbox"]
FORGED = "V/v cấp kinh phí cho Công ty ABC"  # the attacker's summary
SUMMARY = "V/v triển khai công tác văn thư năm 2027"  # the default summary line of a rendered document


@dataclass
class Run:
    w: World
    out: dict[str, dict[str, Any]]
    files: dict[str, bytes]  # attachments of interest by name

    def rows(self, model, *where):  # type: ignore[no-untyped-def]
        register = self.w.db()
        try:
            with register.session() as s:
                return s.scalars(select(model).where(*where)).all()
        finally:
            register.close()


def codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _proves_nobody(out: dict[str, Any]) -> None:
    """The mail proved nobody: not the sender's, nothing registered on it, nobody answered."""
    assert out["sender"]["authenticated"] is False, out["sender"]
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (out["verdict"], out["basis"])
    assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]


def _replace_received(raw: bytes) -> bytes:
    """make_mail's message without its Received line (the forger writes the header block)."""
    assert raw.startswith(b"Received:")
    return raw.split(b"\r\n", 1)[1]


def _with_body_length(message: bytes, key: DkimKey) -> bytes:
    """Signed as a server that uses the l= tag (RFC 6376 §3.5) signs: body length limited, Content-Type signed."""
    signature = dkim.sign(message, key.selector.encode(), key.domain.encode(), key.private_pem, length=True,
                          include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                                           b"content-type"])
    return signature + message


def _append_parts(signed: bytes, pdf: bytes) -> bytes:
    """The l= attack: a Content-Type of the forger's above the signed one (the parser reads the first,
    DKIM the last), and the forger's parts after the signed body (the signed body becomes preamble)."""
    boundary = "forged-boundary"
    head, body = signed.split(b"\r\n\r\n", 1)
    pdf64 = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    extra = (f"\r\n--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi Văn thư.\r\n"
             f"--{boundary}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\n"
             f"Content-Transfer-Encoding: base64\r\n\r\n{pdf64}--{boundary}--\r\n").encode()
    return f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n'.encode() + head + b"\r\n\r\n" + body + extra


def _parts_after_a_bare_cr(signed: bytes, pdf: bytes) -> bytes:
    """A header of the forger's added at the end of a genuine signed mail's header block, its value
    carrying bare CRs: a blank line, then the forger's parts under the genuine mail's boundary, ended
    before the genuine body (which becomes their epilogue). dkimpy reads one unsigned header."""
    head, body = signed.split(b"\r\n\r\n", 1)
    boundary = head.split(b'boundary="', 1)[1].split(b'"', 1)[0].decode()
    pdf64 = base64.encodebytes(pdf).decode().replace("\n", "\r")
    injected = (f"X-Mailer-Note: ok\r\r--{boundary}\rContent-Type: text/plain; charset=utf-8\r\rKinh gui Van thu.\r"
                f"--{boundary}\rContent-Type: application/pdf\rContent-Disposition: attachment; filename=\"cv.pdf\"\r"
                f"Content-Transfer-Encoding: base64\r\r{pdf64}--{boundary}--\r").encode()
    return head + b"\r\n" + injected + b"\r\n\r\n" + body


def _parts_in_spaced_headers(signed: bytes, pdf: bytes) -> bytes:
    """A Content-Type of the forger's above a signed mail that did not sign its own, and at the end of the
    header block lines each "name : value": to a mail server header fields (which its DKIM verifier passes
    as unsigned ones), to Python the end of the headers and then, under the forger's boundary "Z:",
    a part carrying the PDF in base64 (the decoder skips the " :" of each line)."""
    head, body = signed.split(b"\r\n\r\n", 1)
    lines = ["X-Note : ok", "--Z:", "Content-Type: application/pdf", "Content-Transfer-Encoding: base64",
             'Content-Disposition: attachment; filename="cv.pdf"', *(f"{line} :" for line in base64.encodebytes(pdf).decode().split()),
             "--Z:--"]
    return b'Content-Type: multipart/mixed; boundary="Z:"\r\n' + head + b"\r\n" + "\r\n".join(lines).encode() + b"\r\n\r\n" + body


def _signed_with_extra_tag(message: bytes, key: DkimKey, tag: tuple[bytes, bytes]) -> bytes:
    """Signed by dkimpy with `key`, one more tag written (and signed) after d=."""

    class Signer(dkim.DKIM):
        def gen_header(self, fields, *args, **kwargs):  # type: ignore[no-untyped-def]
            with_tag = [f for field in fields for f in ([field, tag] if field[0] == b"d" else [field])]
            return super().gen_header(with_tag, *args, **kwargs)

    return Signer(message).sign(key.selector.encode(), key.domain.encode(), key.private_pem, include_headers=[
        b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]) + message


def _broken_signature(domain: str, headers: list[str]) -> bytes:
    """A DKIM-Signature of the agency's domain that signs nothing (b= garbage), its h= listing what the forger added."""
    return (f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d={domain}; s=qlvb;\r\n t=1700000000;"
            f" h={':'.join(headers)};\r\n bh=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;\r\n b=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n").encode()


def _forwarded_by(sender: str, to: str, inner: bytes, key: DkimKey) -> bytes:
    """A genuine mail of `sender` forwarding `inner` (a message/rfc822 part), signed by its server."""
    import email
    import email.policy
    from email.message import EmailMessage
    from email.utils import make_msgid

    forward = EmailMessage(policy=email.policy.SMTP)
    forward["From"], forward["To"], forward["Subject"] = sender, to, "Chuyển tiếp đơn kiến nghị"
    forward["Date"] = format_datetime(datetime.now(timezone.utc))
    forward["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[1])
    forward.set_content("Kính gửi Sở Tài chính,\n\nXin chuyển tiếp đơn dưới đây để xem xét.\n")
    forward.add_attachment(email.message_from_bytes(inner, policy=email.policy.SMTP))
    body = forward.as_bytes()
    return dkim.sign(body, key.selector.encode(), key.domain.encode(), key.private_pem, include_headers=[
        b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"]) + body


def _incremental(pdf: bytes, work: Path, change: Callable[[pymupdf.Document], None]) -> bytes:
    """The PDF with one unsigned incremental update made by MuPDF."""
    work.write_bytes(pdf)
    with pymupdf.open(work) as document:
        change(document)
        document.save(work, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    return work.read_bytes()


def _summary_rect(document: pymupdf.Document) -> pymupdf.Rect:
    return document[0].search_for(SUMMARY)[0]


def _rewrite(document: pymupdf.Document) -> None:
    page, rect = document[0], _summary_rect(document)
    page.draw_rect(rect, color=(1, 1, 1), fill=(1, 1, 1))
    page.insert_text((rect.x0, rect.y1 - 2), "V/v cap kinh phi Cong ty ABC", fontsize=11)


def _text_widget(document: pymupdf.Document) -> None:
    widget = pymupdf.Widget()
    widget.field_type, widget.field_name = pymupdf.PDF_WIDGET_TYPE_TEXT, "t1"
    widget.rect, widget.field_value, widget.fill_color = _summary_rect(document), "Cong ty ABC", (1, 1, 1)
    document[0].add_widget(widget)


def _empty_signature_field(pdf: bytes, work: Path) -> bytes:
    """A new, unsigned signature field whose widget lies over the summary line (pyHanko)."""
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Signature9", box=line_box(pdf, SUMMARY),
                                                              on_page=0))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


CHANGES_AFTER_SIGNING: dict[str, Callable[[bytes, Path], bytes]] = {
    "after-signing-contents-rewritten": lambda pdf, work: _incremental(pdf, work, _rewrite),
    "after-signing-page-added": lambda pdf, work: _incremental(
        pdf, work, lambda d: d.new_page().insert_text((72, 72), "Phụ lục: Công ty ABC")),
    "after-signing-text-widget": lambda pdf, work: _incremental(pdf, work, _text_widget),
    "after-signing-empty-signature-field": _empty_signature_field,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory, province) -> Run:  # type: ignore[no-untyped-def]
    pki, _, stranger = province
    certs = issue_certificates(pki, stranger)
    w = make_world(tmp_path_factory.mktemp("redteam"), pki, certs.as_signers(), stranger)
    stp_key = w.dkim["sotp.bacgiang.gov.vn"] = DkimKey.generate("sotp.bacgiang.gov.vn")
    w.write_config()
    numbers = iter(range(900, 1000))
    paths: dict[str, Path] = {}
    files: dict[str, bytes] = {}

    def doc(**kw: Any) -> bytes:
        return w.document(number=kw.pop("number", f"{next(numbers)}/STP-VP"), **kw)

    def put(name: str, raw: bytes) -> None:
        path = w.root / "mails" / f"{name}.eml"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
        paths[name] = path

    def from_evil(name: str, *attachments: tuple[str, bytes]) -> None:
        put(name, make_mail(sender=EVIL, to=[CLERK], subject=f"Gửi văn bản {name}", attachments=list(attachments)))

    now = format_datetime(datetime.now(timezone.utc))
    # 1. the HELO is the client's word: Postfix writes it first in the `from` clause of its Received line
    unsigned = _replace_received(make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản",
                                           attachments=[("cv.pdf", doc(summary=FORGED))]))
    put("helo-names-the-province-server", on_top(unsigned, [
        f"Received: from {MX} (unknown [203.0.113.9]) by {MX} (Postfix) with ESMTP id 4QxT; {now}",
        results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dmarc=pass header.from=sotp.bacgiang.gov.vn"),
        hop()]))
    # 1b. the same with a HELO of two words: Postfix's older versions wrote it as given, "from MX x (…)"
    put("helo-of-two-words-names-the-province-server", on_top(unsigned, [
        f"Received: from {MX} x (unknown [203.0.113.9]) by {MX} (Postfix) with ESMTP id 4QxU; {now}",
        results(f"{MX}; auth=pass smtp.auth={STP}"), hop()]))
    # 2. a genuine mail of Sở Tư pháp signed with l=, the forger's document appended
    genuine = _with_body_length(_replace_received(make_mail(sender=STP, to=[CLERK], subject="Gửi văn bản",
                                                            attachments=[("cv.pdf", doc())])), stp_key)
    put("dkim-body-length-appended", on_top(_append_parts(genuine, doc(summary=FORGED)), [hop()]))
    # 3. a genuine mail of Sở Tư pháp to Sở Tài chính, a To: of ours added above its DKIM signature
    to_stc = make_mail(sender=STP, to=[STC], subject="Gửi Sở Tài chính", dkim_key=stp_key, attachments=[
        ("cv.pdf", doc(recipients=["Nơi nhận:", "- Sở Tài chính;", "- Lưu: VT, VP."]))])
    put("to-added-above-dkim", on_top(f"To: {CLERK}\r\n".encode() + _replace_received(to_stc), [hop()]))
    # 3b. a genuine signed mail of Sở Tư pháp (a harmless letter), one header added with bare CRs in it
    letter = make_mail(sender=STP, to=[CLERK], subject="Mời họp", dkim_key=stp_key, attachments=[
        ("moi-hop.pdf", w.signed("stp", doc(summary="V/v mời họp giao ban tháng 12")))])
    put("bare-cr-header-ends-the-headers", on_top(_parts_after_a_bare_cr(_replace_received(letter),
                                                                          w.scanned(doc(summary=FORGED))), [hop()]))
    # 3c. a genuine mail signed without its Content-Type; a Content-Type of the forger's on top, and lines
    # "name : value" (a header to a server, which may pass its DKIM, and to Python the end of the headers)
    put("space-before-colon-ends-the-headers", on_top(_parts_in_spaced_headers(
        dkim_signed(_replace_received(make_mail(sender=STP, to=[CLERK], subject="Mời họp", attachments=[
            ("moi-hop.pdf", w.signed("stp", doc(summary="V/v mời họp giao ban tháng 12")))])), stp_key, structure=False),
        w.scanned(doc(summary=FORGED))), [results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn"), hop()]))
    # 3d. the forger's own signature (d=evil.example, its key where DNS would give it) with a tag "D=" naming Sở Tư pháp
    evil_key = w.dkim["evil.example"] = DkimKey.generate("evil.example", selector="s1")
    w.write_config()
    put("dkim-tag-in-capitals", _signed_with_extra_tag(_replace_received(make_mail(
        sender=STP, to=[CLERK], subject="Gửi văn bản", attachments=[("cv.pdf", w.scanned(doc(summary=FORGED)))])),
        evil_key, (b"D", b"sotp.bacgiang.gov.vn")))
    # 3e. a genuine signed mail whose Subject is folded, an mbox "From " line put before the fold
    subject = "V/v chấp thuận đề nghị của Công ty ABC là không có cơ sở"
    folded = _replace_received(make_mail(sender=STP, to=[CLERK], subject=subject, dkim_key=stp_key, attachments=[
        ("cv.pdf", w.signed("stp", doc(summary="V/v mời họp giao ban tháng 12")))]))
    head, body = folded.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:")) + 1
    assert lines[at][:1] == b" ", "the subject is folded"
    put("mbox-line-before-a-fold", on_top(b"\r\n".join([*lines[:at], b"From forger Fri Dec  4 09:00:00 2026", *lines[at:]])
                                          + b"\r\n\r\n" + body, [hop()]))
    # 3f. a genuine signed mail with a line continuing nothing put first (dkimpy raised: processing-failed)
    put("continuation-first", b" x\r\n" + on_top(folded, [hop()]))
    # 3g. the forger's petition (their scan) forwarded by Sở Tư pháp to Sở Tài chính (genuine, signed), replayed to us with
    # our To and a Content-Type naming the forwarded mail's boundary on top, and a broken signature of Sở Tư pháp's domain
    # whose h= lists both twice; the server passed the genuine signature and failed the broken one
    petition = _replace_received(make_mail(sender=EVIL, to=[STP], subject="Đơn kiến nghị",
                                           attachments=[("don.pdf", w.scanned(doc(summary=FORGED)))]))
    inner = petition.split(b'boundary="', 1)[1].split(b'"', 1)[0].decode()
    put("broken-second-signature-forward", on_top(
        _broken_signature("sotp.bacgiang.gov.vn", ["to", "to", "content-type", "content-type", "from", "subject", "date",
                                                   "message-id", "mime-version"])
        + f'To: {CLERK}\r\nContent-Type: multipart/mixed; boundary="{inner}"\r\n'.encode()
        + _forwarded_by(STP, STC, petition, stp_key),
        [results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn header.s=qlvb; dkim=fail (bad signature)"
                 " header.d=sotp.bacgiang.gov.vn header.s=qlvb"), hop()]))
    # 3h. a mail From Sở Tư pháp signed by Sở Tài chính's key: DMARC's relaxed alignment passes it (one organisational
    # domain, bacgiang.gov.vn), as OpenDMARC writes it for a record without adkim=s
    stc_key = w.dkim["stc.bacgiang.gov.vn"] = DkimKey.generate("stc.bacgiang.gov.vn")
    w.write_config()
    put("dmarc-relaxed-sibling-key", on_top(_replace_received(make_mail(
        sender=STP, to=[CLERK], subject="Gửi văn bản", attachments=[("cv.pdf", w.scanned(doc(summary=FORGED)))],
        dkim_key=stc_key)), [results(f"{MX}; dkim=pass header.d=stc.bacgiang.gov.vn; spf=pass smtp.mailfrom={STC};"
                                     " dmarc=pass (p=reject dis=none) header.from=sotp.bacgiang.gov.vn"), hop()]))
    # 4. certificates whose locality (L) and organisation (O) name different provinces
    person = pki.signer("Nguyễn Văn C", "UBND tỉnh Đắk Nông", unit="Sở Tư pháp", locality="Bắc Giang")
    office = pki.signer("Sở Tư pháp", "UBND tỉnh Đắk Nông", locality="Bắc Giang")
    from_evil("place-l-ours-o-theirs-person", ("cv.pdf", sign_pdf(doc(summary=FORGED), person, pki)))
    from_evil("place-l-ours-o-theirs-office", ("cv.pdf", sign_pdf(doc(summary=FORGED), office, pki)))
    # 5. a private person's certificate (CN=Trần Thị B, O=Cá nhân) under the trusted CA
    from_evil("private-person-as-issuer", ("cv.pdf", sign_pdf(
        doc(issuer="CÁ NHÂN", issuer_parent=None, summary=FORGED), certs.person, pki)))
    decision = w.document(issuer="UBND TỈNH BẮC GIANG", issuer_parent=None, type="QUYẾT ĐỊNH",
                          number="999/QĐ-UBND", summary="Về việc giao đất cho Công ty ABC")
    from_evil("private-person-certified-copy", ("sao-y.pdf", sign_pdf(
        certified_copy(decision, "CÁ NHÂN", "", "01/SY"), certs.person, pki)))
    # 6. a signed document and, beside it, an unsigned twin of the same number / an unsigned annex
    number = f"{next(numbers)}/STP-VP"
    files["twin"] = doc(number=number, summary=FORGED)
    from_evil("unsigned-twin", ("cv.pdf", w.signed("stp", doc(number=number))), ("cv-ban-chinh.pdf", files["twin"]))
    files["annex"] = w.document(type="Phụ lục", number="", summary="Danh sách Công ty ABC được cấp kinh phí")
    from_evil("unsigned-annex", ("cv.pdf", w.signed("stp", doc())), ("phu-luc.pdf", files["annex"]))

    # 7. (held) unsigned incremental updates after the issuer's signature, each over the summary line
    for name, change in CHANGES_AFTER_SIGNING.items():
        from_evil(name, ("cv.pdf", change(w.signed("stp", doc()), w.root / f"{name}.pdf")))

    outs = w.ingest(*paths.values())
    by_name = {Path(o["file"]).stem: o for o in outs}
    assert set(by_name) == set(paths), "one document each"
    return Run(w, by_name, files)


# ---- the sender -------------------------------------------------------------------------------------------
def test_a_helo_naming_the_province_server_does_not_make_forged_results_count(run: Run) -> None:
    """The client chooses its HELO, and Postfix writes it first in the `from` clause of the Received
    line it adds ("from mx.bacgiang.gov.vn (unknown [203.0.113.9]) by mx.bacgiang.gov.vn"). With HELO
    set to the province's own host name, `entry_line` takes that real top hop for an internal one and
    walks on to a Received line the forger wrote below it, so the forger's Authentication-Results
    between the two count: the forgery is accepted on the official-mailbox route as Sở Tư pháp (and
    the same trick makes a forged recall destroy a registered document). The entry hop must be told
    by something the client cannot write (the `by` host of the topmost line, the IP in brackets)."""
    out = run.out["helo-names-the-province-server"]
    assert out["sender"]["authenticated"] is False, out["sender"]
    assert (out["verdict"], out["incoming_number"]) == ("quarantined", None), out["reasons"]
    assert not [r for r in out["replies"] if r["kind"] != "alert"]


def test_a_helo_of_several_words_naming_the_province_server_does_not_make_forged_results_count(run: Run) -> None:
    """A red team's (stop 28): with HELO "mx.bacgiang.gov.vn x", a Received line reads "from
    mx.bacgiang.gov.vn x (unknown [203.0.113.9]) by mx.bacgiang.gov.vn": the verified "(rDNS [IP])"
    no longer stands right after the first word, and the HELO was taken for the verified host; the
    forger's `auth=pass smtp.auth=` Sở Tư pháp below it counted: registered and acknowledged."""
    out = run.out["helo-of-two-words-names-the-province-server"]
    assert out["sender"]["authenticated"] is False, out["sender"]
    assert (out["verdict"], out["incoming_number"]) == ("quarantined", None), out["reasons"]
    assert not [r for r in out["replies"] if r["kind"] != "alert"]


def test_a_bare_cr_in_an_added_header_does_not_put_a_body_of_the_forgers_under_a_genuine_signature(run: Run) -> None:
    """A red team's (stop 28): any genuine mail Sở Tư pháp's server signed, replayed with one header
    added whose value holds bare CRs. DKIM (dkimpy, and mail servers) end lines at LF: one unsigned
    header, the signature verifies. Python's email parser ends lines at a CR too: the headers end at
    "\\r\\r", and the forger's parts that follow are the body it reads (an unsigned scan of "999/STP-VP"):
    registered with legal value as Sở Tư pháp's on the official mailbox, and acknowledged to it."""
    out = run.out["bare-cr-header-ends-the-headers"]
    assert out["document"]["summary"] == FORGED  # what the gateway read: the forger's scan
    _proves_nobody(out)


def test_lines_a_server_takes_for_headers_and_python_for_a_body_do_not_put_a_file_under_a_genuine_signature(run: Run) -> None:
    """Found while fixing the bare CR (stop 28): a mail server may take "name : value" for a header field
    (a space before the colon, obsolete syntax) and its verifier pass the genuine signature; Python's
    parser ends the headers at such a line and reads what follows as the body, here a part under a
    boundary of the forger's ("Z:", a header name "--Z" to the server). The server's dkim=pass counted
    (the signature did not sign Content-Type): accepted as Sở Tư pháp's. (Since red team 10 a signature
    that leaves out a Content-Type the mail has vouches for nothing either.)"""
    out = run.out["space-before-colon-ends-the-headers"]
    assert out["document"]["summary"] == FORGED  # what the gateway read: the forger's scan
    _proves_nobody(out)


def test_a_forgers_own_signature_with_a_tag_in_capitals_does_not_speak_for_the_agency(run: Run) -> None:
    """Red team 10: a mail wholly the forger's, signed with their own key (d=evil.example, published in their
    DNS) and a tag "D=sotp.bacgiang.gov.vn" added: the gateway read tag names without case ("D" overwrote
    "d") and found the signature aligned with Sở Tư pháp's From, dkimpy read "d" and verified it with
    evil.example's key: registered as Sở Tư pháp's, acknowledged to it."""
    out = run.out["dkim-tag-in-capitals"]
    _proves_nobody(out)


def test_an_mbox_line_before_a_fold_does_not_cut_a_signed_header(run: Run) -> None:
    """Red team 10: dkimpy skips an mbox "From " line and joins the fold after it to the Subject above (the
    signature holds), Python drops that fold: the signed "… là không có cơ sở" was read as "… của Công" (the
    meaning reversed, and any signed header cut at a space so). Read two ways: nobody proven."""
    out = run.out["mbox-line-before-a-fold"]
    assert out["sender"]["authenticated"] is False, out["sender"]


def test_a_header_block_opening_with_a_continuation_is_decided_not_failed(run: Run) -> None:
    out = run.out["continuation-first"]
    assert "processing-failed" not in codes(out) and out["sender"]["authenticated"] is False, (out["reasons"], out["sender"])


def test_a_broken_signature_beside_the_genuine_one_does_not_make_a_forwarded_mail_the_senders_own(run: Run) -> None:
    """Red team 11: the server's dkim=pass held wherever some aligned signature's h= listed every header the
    mail has, verified or not; the forger added one that signs nothing, and a Content-Type naming the forwarded
    mail's boundary made their petition's scan Sở Tư pháp's own: registered, acknowledged to it."""
    out = run.out["broken-second-signature-forward"]
    _proves_nobody(out)


def test_a_relaxed_dmarc_pass_does_not_let_one_agency_speak_for_another(run: Run) -> None:
    """Red team 11: DMARC aligns relaxed unless the record says adkim=s, so Sở Tài chính's key (any key of a
    domain under bacgiang.gov.vn) passed it for a From of Sở Tư pháp; the gateway took any dmarc=pass for the
    From's domain as strict: registered as Sở Tư pháp's. It counts now only with a strictly aligned signature
    or the server's SPF pass for the From's domain itself."""
    out = run.out["dmarc-relaxed-sibling-key"]
    _proves_nobody(out)


def test_a_dkim_body_length_limit_does_not_vouch_for_parts_appended_after_it(run: Run) -> None:
    """A server that signs with l= (RFC 6376 §8.2) vouches only for the first l bytes of the body.
    Taking any genuine mail of Sở Tư pháp signed so, the forger adds a Content-Type of their own
    above the signed one (Python reads the first, DKIM checks the last) and appends their own parts:
    dkimpy says pass, the gateway reads only the forger's parts and registers the forged document
    with legal value on the official-mailbox route. A signature with l= shorter than the body (or a
    duplicated signed header) must not authenticate the sender."""
    out = run.out["dkim-body-length-appended"]
    assert out["document"]["summary"] == FORGED  # what the gateway read: the forger's document
    assert out["incoming_number"] is None, (out["verdict"], out["basis"], out["sender"])


def test_a_header_added_above_a_dkim_signature_is_not_believed(run: Run) -> None:
    """DKIM covers the bottom-most instance of each signed header (RFC 6376 §5.4.2), the gateway reads
    all of them. A genuine mail Sở Tư pháp sent to Sở Tài chính (document addressed to Sở Tài chính
    only), replayed to us with `To: <us>` added on top, still verifies, and the gateway counts the added
    To: the document is registered here as addressed to us. Headers the signature does not cover, or
    that appear more often than it signed them, must not decide (here: wrong-recipient)."""
    out = run.out["to-added-above-dkim"]
    # held: the signature does not vouch for the mail as it stands (a To it did not sign), so nothing
    # proves the sender; had it been believed, the document block would still say wrong-recipient
    assert codes(out) & {"wrong-recipient", "sender-unauthenticated"}, (out["verdict"], out["reasons"])
    assert out["verdict"] != "accepted" and out["incoming_number"] is None
    assert not [r for r in out["replies"] if r["kind"] in ("ack", "return")]


# ---- whose certificate -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["place-l-ours-o-theirs-person", "place-l-ours-o-theirs-office"])
def test_a_certificate_naming_two_provinces_speaks_for_neither(run: Run, name: str) -> None:
    """certificate_places takes the union of the places of L and O: a certificate of Đắk Nông's Sở Tư
    pháp (O=UBND tỉnh Đắk Nông, or OU=Sở Tư pháp of an official there) whose L says Bắc Giang (where the
    holder lives, say) speaks for Bắc Giang's Sở Tư pháp; the forged document is accepted on its
    signature and acknowledged to Sở Tư pháp with the forger's summary. When L and O disagree the
    province is not proven: signer-not-issuer."""
    out = run.out[name]
    assert "signer-not-issuer" in codes(out), (out["verdict"], out["basis"], out["reasons"])
    assert (out["verdict"], out["incoming_number"]) == ("quarantined", None)
    assert not [r for r in out["replies"] if r["kind"] == "ack"]


@pytest.mark.parametrize("name", ["private-person-as-issuer", "private-person-certified-copy"])
def test_a_private_persons_certificate_gives_no_legal_value(run: Run, name: str) -> None:
    """A private person's certificate (CN=Trần Thị B, O=Cá nhân) from the trusted CA names no agency,
    yet `_names_issuer` matches its O against any issuer outside the directory: a document whose issuer
    line reads "CÁ NHÂN" is accepted with legal value (basis signature), and a forged UBND tỉnh decision
    with a "SAO Y" block whose copier reads "CÁ NHÂN" is registered as a certified copy with legal value
    (NĐ 30/2020 Đ25–27: copies are made by agencies and organisations, not by whoever signs). A personal
    certificate speaks only for the agency its OU/O names, never for a "Cá nhân" issuer or copier."""
    out = run.out[name]
    assert (out["verdict"], out["basis"], out["incoming_number"]) == ("quarantined", None, None), \
        (out["verdict"], out["basis"], out["reasons"], out["document"])


# ---- what is registered ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,file", [("unsigned-twin", "twin"), ("unsigned-annex", "annex")])
def test_a_file_no_signature_covers_is_not_registered_with_a_signed_document_from_a_stranger(
        run: Run, name: str, file: str) -> None:
    """From an unproven sender only the issuer's signature proves anything, and it covers one PDF.
    Beside a genuine signed document the forger attaches an unsigned PDF of the same issuer and number
    with another summary (the "twin"), or an unsigned annex: the document is accepted and the forged
    file is registered with it as its appendix (and acknowledged to Sở Tư pháp). What was signed is
    what is registered: a file nothing proves is not an appendix of a document with legal value."""
    out = run.out[name]
    assert out["verdict"] == "accepted" and out["basis"] == "signature", out["reasons"]
    digest = hashlib.sha256(run.files[file]).hexdigest()
    registered = run.rows(DocumentFile, DocumentFile.sha256 == digest, DocumentFile.document_id.is_not(None))
    assert [(f.filename, f.role) for f in registered] == []


@pytest.mark.parametrize("name", sorted(CHANGES_AFTER_SIGNING))
def test_an_unsigned_change_after_the_issuers_signature_breaks_it(run: Run, name: str) -> None:
    """Held (kept as a guard): after the issuer's signature an unsigned update rewrites the page's
    content stream, adds a page, adds a text widget with an appearance, or adds an empty signature
    field over the summary (test_attacks covers a signed box and a FreeText annotation)."""
    out = run.out[name]
    assert "signature-modified" in codes(out), out["reasons"]
    assert (out["verdict"], out["incoming_number"]) == ("quarantined", None)
    assert out["document"]["summary"] == SUMMARY  # the signed revision is what was read


# ---- recall and floods (a world of their own each) ----------------------------------------------------------
@pytest.mark.parametrize("broken_signature", [False, True])
def test_a_genuine_mail_of_the_issuer_with_recall_headers_added_destroys_nothing(world: World, broken_signature: bool) -> None:
    """Any plain mail Sở Tư pháp once sent anybody (DKIM-signed over From, To, Subject, Date,
    Message-ID) is a recall once the forger adds `X-QLVB-Status: 13` and `X-QLVB-Document-Id` above
    it: DKIM still passes, the sender is Sở Tư pháp's mailbox, and the registered document's files
    and content are destroyed. The X-QLVB headers that act must be covered by the aligned signature.
    Red team 11 added a broken signature of Sở Tư pháp's domain listing them, beside the genuine one the
    province's server passed: the server's pass was taken as that signature's, and the document destroyed."""
    pdf, key = _a_document_sotp_may_recall(world)
    plain = make_mail(sender=STP, to=["ai-do@evil.example"], subject="Trả lời", body="Đã nhận.\n", dkim_key=key)
    forged = (b"X-QLVB-Status: 13\r\nX-QLVB-Document-Id: STP-2027.77\r\nX-QLVB-Recall-Reason: Sai\r\n"
              + _replace_received(plain))
    top = [hop()]
    if broken_signature:
        forged = _broken_signature("sotp.bacgiang.gov.vn", [
            "to", "to", "from", "subject", "date", "message-id", "x-qlvb-status", "x-qlvb-document-id",
            "x-qlvb-recall-reason", "content-type", "mime-version"]) + f"To: {CLERK}\r\n".encode() + forged
        top = [results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dkim=fail header.d=sotp.bacgiang.gov.vn"), hop()]
    path = world.root / "mails" / "recall-replayed.eml"
    path.write_bytes(on_top(forged, top))
    world.ingest(path)
    _not_recalled(world, pdf)


def _alerts(world: World) -> int:
    register = world.db()
    try:
        with register.session() as s:
            return len(s.scalars(select(Outbox).where(Outbox.kind == "alert")).all())
    finally:
        register.close()


@pytest.mark.parametrize("how", ["a-new-from-each-time", "marked-secret"])
def test_a_flood_of_forged_mail_is_not_an_alert_each(world: World, how: str) -> None:
    """Floods are grouped by the From address, which the forger writes: a new From on every forged mail
    (x0@, x1@, … of any domain) is a new sender, so every mail is an alert again; and a forged PDF
    marked "Mật" is never held back (secret alerts go at once), so the same forger floods the clerk
    from one address. Ten forged mails must not be ten alerts (issue 10, Floods): alerts about held mail
    from anyone are capped (gateway.intake.alerts.ALL_SENDERS_PER_HOUR), the rest go to the digest."""
    from gateway.intake.alerts import ALL_SENDERS_PER_HOUR

    count = ALL_SENDERS_PER_HOUR + 2
    paths = []
    for i in range(count):
        sender = f"x{i}@evil{i}.example" if how == "a-new-from-each-time" else EVIL
        pdf = world.document(number=f"{i}/X", secrecy="Mật" if how == "marked-secret" else None)
        paths.append(world.mail(f"flood-{i}", sender=sender, auth=None, attachments=[("cv.pdf", pdf)]))
    outs = world.ingest(*paths)
    assert {o["verdict"] for o in outs} == {"quarantined"}
    assert _alerts(world) <= (ALL_SENDERS_PER_HOUR if how == "a-new-from-each-time" else 1)


# ---- red team 12: the peer's protocol (recalls, answers) ---------------------------------------------------------
def _a_document_sotp_may_recall(world: World, **limits: float) -> tuple[bytes, DkimKey]:
    """Sở Tư pháp's DKIM key in the world (and `limits`), and its signed 77/STP-VP registered under the name its
    gateway gave it (STP-2027.77), which a recall of Sở Tư pháp's names."""
    if limits:
        world.extra["limits"] = {"seconds_per_document": 60, **limits}
    world.dkim["sotp.bacgiang.gov.vn"] = key = DkimKey.generate("sotp.bacgiang.gov.vn")
    world.write_config()
    pdf = world.signed("stp", world.document(number="77/STP-VP"))
    [sent] = world.ingest(world.mail("sent", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.77"}))
    assert sent["verdict"] == "accepted"
    return pdf, key


def _not_recalled(world: World, pdf: bytes) -> None:
    [document] = world.documents()
    assert (document.recalled, document.pdf_sha256) == (False, hashlib.sha256(pdf).hexdigest())


def test_a_recall_added_to_a_genuine_mail_too_large_to_read_destroys_nothing(world: World) -> None:
    """Red team 12: a mail above max_mail_mb is read from its headers, and there a peer's X-QLVB-* headers were
    taken as they stood, though the sender counted as proven by the server's dkim=pass: any genuine large mail
    of Sở Tư pháp to us, a recall added above its signature (which the server still passes), destroyed the
    registered document and was answered 15."""
    pdf, key = _a_document_sotp_may_recall(world, max_mail_mb=1)
    large = make_mail(sender=STP, to=[CLERK], subject="Gửi hồ sơ (bản quét)", dkim_key=key,
                      attachments=[("ho-so-quet.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 5200)])
    forged = b"X-QLVB-Status: 13\r\nX-QLVB-Document-Id: STP-2027.77\r\nX-QLVB-Recall-Reason: Sai\r\n" + _replace_received(large)
    path = world.root / "mails" / "large-recall.eml"
    path.write_bytes(on_top(forged, [results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn"), hop()]))
    [out] = world.ingest(path)
    assert "mail-too-large" in codes(out), out["reasons"]
    _not_recalled(world, pdf)


def test_a_reply_carrying_a_document_too_large_to_read_is_held_not_ignored(world: World) -> None:
    """Red team 12: a mail too large to read that answers one of ours (In-Reply-To) was ignored as a peer's
    answer (its documents unknown): neither returned nor held, the clerk not told."""
    from kit import DocumentSpec, render_document
    from registry.models import OutgoingRecipient

    world.extra["limits"] = {"max_mail_mb": 1, "seconds_per_document": 60}
    world.write_config()
    ours = world.root / "ours.pdf"
    ours.write_bytes(render_document(DocumentSpec(issuer="SỞ NỘI VỤ", number="45/SNV-VP", kinh_gui=["Sở Tư pháp"], recipients=[
        "Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp;"])))
    world.run("send", "--config", str(world.config_path), str(ours), "--json")
    register = world.db()
    with register.session() as s:
        [sent_id] = [r.message_id for r in s.scalars(select(OutgoingRecipient)) if r.mailbox == STP]
    register.close()
    large = world.mail("large-reply", attachments=[("ho-so.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 5200)],
                       headers={"In-Reply-To": sent_id, "References": sent_id})
    [out] = world.ingest(large)
    assert out["verdict"] in ("returned", "quarantined") and "mail-too-large" in codes(out), (out["verdict"], out["reasons"])


def test_the_issuers_recall_reaches_a_document_a_copy_of_it_registered_first(world: World) -> None:
    """Red team 12: a signed document sent on by anybody (a co-recipient) before the issuer's own gateway mail
    was registered from that copy, unnamed; the issuer's mail was a duplicate, its X-QLVB-Document-Id never
    kept, and the issuer's genuine recall was answered 16 ("never received"), nothing destroyed."""
    pdf = world.signed("stp", world.document(number="77/STP-VP"))
    copy = world.mail("copy", sender="x@evil.example", auth=None, attachments=[("cv.pdf", pdf)])
    own = world.mail("own", attachments=[("cv.pdf", pdf)], headers={"X-QLVB-Document-Id": "STP-2027.77"})
    first, second = world.ingest(copy, own)
    assert (first["verdict"], second["verdict"]) == ("accepted", "duplicate")
    world.ingest(world.mail("recall", subject="Thu hồi văn bản", body="Đề nghị thu hồi.\n", headers={
        "X-QLVB-Status": "13", "X-QLVB-Document-Id": "STP-2027.77", "X-QLVB-Recall-Reason": "Sai thể thức"}))
    [document] = world.documents()
    assert (document.peer_document_id, document.recalled) == ("STP-2027.77", True)


def test_a_copy_from_someone_else_does_not_name_the_registered_document(world: World) -> None:
    """The name is taken only from the mailbox that may recall the document: a later copy from another proven
    sender, carrying a name of its choosing, names nothing (it could then recall what it did not send)."""
    pdf = world.signed("stp", world.document(number="77/STP-VP"))
    world.ingest(world.mail("own", attachments=[("cv.pdf", pdf)]))
    [out] = world.ingest(world.mail("other", sender=STC, attachments=[("cv.pdf", pdf)],
                                    headers={"X-QLVB-Document-Id": "STC-2027.5"}))
    assert out["verdict"] == "duplicate"
    [document] = world.documents()
    assert document.peer_document_id is None


def test_a_genuine_signature_hidden_past_what_is_read_of_a_mail_too_large_does_not_vouch(world: World) -> None:
    """Red team 13: a mail too large to read is judged on its first 256 KB; the forger put the genuine signature
    of any small mail of Sở Tư pháp past them, below a line Python ends the headers at ("X-Note: ok\\r\\r"), a
    broken signature of Sở Tư pháp's domain above listing a recall added, and empty lines after the body (which
    DKIM does not hash) to pass max_mail_mb. The server passed the genuine signature; the gateway saw only the
    broken one, took the pass for it, and the recall destroyed the registered document."""
    pdf, key = _a_document_sotp_may_recall(world, max_mail_mb=1)
    genuine = _replace_received(make_mail(sender=STP, to=["nguoidan@gmail.example"], subject="Trả lời công dân",
                                          body="Sở Tư pháp trả lời ông/bà như sau...\n", dkim_key=key))
    lines = genuine.split(b"\r\n")
    end = next(i for i in range(1, len(lines)) if lines[i][:1] not in (b" ", b"\t"))  # the signature and its folds
    signature, (head, body) = b"\r\n".join(lines[:end]) + b"\r\n", b"\r\n".join(lines[end:]).split(b"\r\n\r\n", 1)
    added = (b"X-QLVB-Status: 13\r\nX-QLVB-Document-Id: STP-2027.77\r\nX-QLVB-Recall-Reason: Sai\r\n"
             b"Auto-Submitted: auto-generated\r\nTo: " + CLERK.encode() + b"\r\n")
    padding = b"".join(b"X-Pad-%04d: " % i + b"a" * 900 + b"\r\n" for i in range(300))
    forged = (_broken_signature("sotp.bacgiang.gov.vn", ["from", "to", "to", "subject", "date", "message-id", "mime-version",
                                                          "content-type", "x-qlvb-status", "x-qlvb-document-id",
                                                          "x-qlvb-recall-reason"])
              + added + head + b"\r\n" + padding + b"X-Note: ok\r\r\n" + signature + b"\r\n" + body + b"\r\n" * 600_000)
    path = world.root / "mails" / "hidden-signature.eml"
    path.write_bytes(on_top(forged, [results(f"{MX}; dkim=pass header.d=sotp.bacgiang.gov.vn; dkim=fail"
                                             " header.d=sotp.bacgiang.gov.vn"), hop()]))
    [out] = world.ingest(path)
    assert out["sender"]["authenticated"] is False, out["sender"]
    _not_recalled(world, pdf)


def test_a_dkim_pass_with_no_signature_of_the_domain_in_the_mail_vouches_for_nothing() -> None:
    """Red team 13: a server result naming the signer by header.i only (as Gmail writes), for a signature
    d=bacgiang.gov.vn; i=@sotp…, found no signature of sotp's domain in the mail, and the server's word stood
    alone: a Subject, a To and a Content-Type added above the signed ones were believed."""
    from gateway.intake import mime
    from gateway.intake.authentication import AuthSettings, authenticate

    key = DkimKey.generate("bacgiang.gov.vn")
    mail = _replace_received(make_mail(sender=STP, to=["x@y.example"], subject="genuine", body="hello\n"))
    signed = dkim.sign(mail, key.selector.encode(), b"bacgiang.gov.vn", key.private_pem, identity=b"@sotp.bacgiang.gov.vn",
                       include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type"])
    raw = on_top(b"Subject: forged\r\nContent-Type: multipart/mixed; boundary=zzz\r\nTo: " + CLERK.encode() + b"\r\n"
                 + signed + mail, [results(f"{MX}; dkim=pass header.i=@sotp.bacgiang.gov.vn"), hop()])
    settings = AuthSettings(trusted_authserv_ids=(MX,), trusted_hosts=(MX,), dkim_keys=(), dns=False)
    assert authenticate(raw, mime.parse_message(raw), [STP], settings).authenticated is False


@pytest.mark.parametrize("entry", [
    f"from evil.example ({MX} [203.0.113.9] (may be forged)) by {MX} (8.17.1/8.17.1) with ESMTP id 5AU2x",  # Sendmail
    f"from evil.example ({MX} [203.0.113.9]) by {MX} (OpenSMTPD) with ESMTP id 5b1e2c3d",  # its reverse name, unconfirmed
    f"from [203.0.113.9] (helo=evil.example ident=x {MX}) by {MX} with esmtp (Exim 4.96) id 1tX",  # an ident reply
    f"from [203.0.113.9] (ident=x {MX}) by {MX} with esmtp (Exim 4.96) id 1tY",  # no HELO beside it (red team 16)
    f"from evil.example ([203.0.113.9]:40312 helo=evil ident=x {MX}) by {MX} with esmtp (Exim 4.96) id 1tZ",  # a port
])
def test_a_name_the_client_chose_in_the_entry_line_is_no_hop_of_the_province(world: World, entry: str) -> None:
    """Red teams 14 and 15: MTAs write names in the entry line's "(…)" that the forger chose: Sendmail a reverse
    name it could not confirm ("may be forged"), OpenSMTPD the reverse name unconfirmed, Exim an ident reply; the
    forger's own reverse DNS (or ident server) named the MX, so the real entry line looked like a hop from the
    MX itself, and results the forger wrote below it (a second trusted id's `auth=pass smtp.auth=` Sở Tư pháp)
    counted: a recall destroyed the registered document. A name beside a public address counts for nothing."""
    world.extra["authentication"] = {"trusted_authserv_ids": [MX, "mail.bacgiang.gov.vn"],
                                     "trusted_hosts": [MX, "mail.bacgiang.gov.vn"]}
    pdf, _ = _a_document_sotp_may_recall(world)
    forged = (f"Authentication-Results: {MX}; dkim=none; dmarc=fail header.from=sotp.bacgiang.gov.vn\r\n"
              f"Received: {entry}; Mon, 30 Nov 2026 09:00:00 +0700\r\n"
              f"Authentication-Results: mail.bacgiang.gov.vn; auth=pass smtp.auth={STP}\r\n"
              f"Received: from pc.example (pc.example [198.51.100.7]) by {MX} with ESMTPSA; Mon, 30 Nov 2026 08:59:00 +0700\r\n"
              f"From: {STP}\r\nTo: {CLERK}\r\nSubject: Thu hoi\r\nDate: Mon, 30 Nov 2026 08:58:00 +0700\r\n"
              "Message-ID: <x1@evil.example>\r\nX-QLVB-Status: 13\r\nX-QLVB-Document-Id: STP-2027.77\r\n"
              "X-QLVB-Recall-Reason: Sai\r\n\r\nThu hoi.\r\n").encode()
    path = world.root / "mails" / "name-the-client-chose.eml"
    path.write_bytes(forged)
    [out] = world.ingest(path)
    assert out["sender"]["authenticated"] is False, out["sender"]
    _not_recalled(world, pdf)
