"""The rules of the regulations, one pure function each: parsed facts in, findings (Reasons) out.

Articles: 002 = Bắc Giang QĐ 133/2015, 000 = Bắc Kạn QĐ 26/2020, NĐ 30 = Nghị định 30/2020/NĐ-CP.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.directory import AgencyEntry, Directory
from gateway.model import MailFacts, PdfFacts, Reading, SignatureFacts
from gateway.reasons import Reason, error, warning


@dataclass(frozen=True)
class Us:
    agency: AgencyEntry  # our own agency as the directory knows it (groups included)
    revocation_hard: bool


# RFC 3834 §2 and 000 Đ9.1.c: automatic answers are never answered.
def automatic_mail(mail: MailFacts) -> list[Reason]:
    return [warning("auto-submitted", mail.auto_submitted)] if mail.auto_submitted else []


# An answer about a document we sent (acknowledgement, return, recall, a person's reply), or a
# recall notice (NĐ 30/2020 Phụ lục VI), carrying no document: followed, never answered as a document.
def peer_answer(mail: MailFacts, answers_ours: bool) -> list[Reason]:
    if mail.pdfs or not (answers_ours or mail.peer.get("x-qlvb-status")):
        return []
    return [warning("peer-answer", mail.peer.get("x-qlvb-status", ""))]


# 002 Đ16: no spam or malware passes; Đắk Lắk QĐ 16/2019 Đ4.3 lists the formats exchanged.
def refused_attachments(mail: MailFacts) -> list[Reason]:
    return [error("unsupported-attachment", a.note) for a in mail.attachments if a.kind == "refused"]


# 002 Đ4: the document exchanged is a PDF (a scan of the signed paper, or signed digitally).
def has_document(mail: MailFacts) -> list[Reason]:
    return [] if mail.pdfs else [error("no-document")]


# 002 Đ10.1: check the integrity of the document: it must open.
def readable(pdfs: list[PdfFacts]) -> list[Reason]:
    return [error("pdf-unreadable", f"{p.attachment.filename}: {p.problem}") for p in pdfs if not p.opened]


# 002 Đ3.1, Đ16.7: secret documents are never exchanged electronically.
def secret(reading: Reading | None) -> list[Reason]:
    if reading is not None and reading.particulars.secrecy:
        return [error("secret-document", reading.particulars.secrecy)]
    return []


def good_signature(sig: SignatureFacts, revocation_hard: bool) -> bool:
    return (
        sig.intact and sig.trusted and not sig.revoked and not sig.expired and not sig.modified_after
        and (sig.revocation_known or not revocation_hard)
    )


# 002 Đ4.2: a signature issued under Ban Cơ yếu Chính phủ gives legal value; integrity is checked.
def signature_findings(signatures: list[SignatureFacts], revocation_hard: bool) -> list[Reason]:
    found: list[Reason] = []
    for sig in signatures:
        who = sig.signer
        if not sig.intact:
            found.append(error("signature-invalid", who if not sig.problem else f"{who}: {sig.problem}"))
            continue
        if sig.modified_after:
            found.append(error("signature-modified", who))
        if sig.revoked:
            found.append(error("certificate-revoked", who))
            continue
        if not sig.trusted:
            found.append(warning("signature-untrusted", who))
        elif sig.expired:
            found.append(warning("certificate-expired", who))
        elif not sig.revocation_known:
            found.append((error if revocation_hard else warning)("revocation-unknown", who))
    return found


def signature_basis(signatures: list[SignatureFacts], revocation_hard: bool) -> bool:
    return any(good_signature(s, revocation_hard) for s in signatures)


# 002 Đ4.1: a scan sent from the clerk mailbox of the issuing agency, authenticity ensured.
def official_route(mail: MailFacts, reading: Reading | None, directory: Directory) -> tuple[bool, list[Reason]]:
    """(holds, findings); findings are errors, to be softened when a signature gives legal value."""
    if not mail.sender.authenticated:
        return False, [error("sender-unauthenticated", mail.sender.detail)]
    agency = directory.by_mailbox(mail.sender.address)
    if agency is None:
        return False, [error("sender-not-official", mail.sender.address)]
    particulars = reading.particulars if reading else None
    if particulars is None or not particulars.issuer:
        return True, [warning("issuer-unread")]
    issuer = directory.by_issuer(particulars.issuer, particulars.issuer_parent)
    source = reading.sources.get("issuer") if reading else None
    if issuer is None and source is not None and source.via == "ocr":
        # OCR that names no known agency proves no mismatch: the clerk checks it (nothing guessed is certain)
        return True, [warning("issuer-unread", f"OCR đọc được '{particulars.issuer}', không có trong danh bạ")]
    if issuer is None or issuer.code != agency.code:
        return False, [error("sender-not-issuer", f"{particulars.issuer} ≠ {agency.name}")]
    return True, []


# NĐ 30/2020 Đ21.2, 000 Đ9.1.b: a document sent to the wrong agency is returned.
def addressed_to_us(mail: MailFacts, reading: Reading | None, us: Us, directory: Directory) -> list[Reason]:
    if us.agency.mailbox in (*mail.to, *mail.cc):
        return []
    if reading is not None:
        r = reading.recipients
        for entry in (*r.electronic, *r.paper, *r.kinh_gui):
            if directory.entry_names(entry, us.agency):
                return []
    return [error("wrong-recipient")]


def soften(reasons: list[Reason]) -> list[Reason]:
    """Sender findings only inform when a signature already gives the document legal value."""
    return [Reason(r.code, "warning", r.detail) for r in reasons]
