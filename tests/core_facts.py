"""Typed facts built by hand for the unit tests of the pure core (rules, decide): a mail, its PDFs,
their readings and signatures, and a small directory of Bắc Giang, without parsing anything."""

from __future__ import annotations

from dataclasses import replace

from gateway.decision.rules import Us
from gateway.directory import AgencyEntry, Directory
from gateway.model import (
    Attachment, CertSubject, MailFacts, Particulars, PdfFacts, Reading, Recipients, SenderAuth, SignatureFacts,
)

US = AgencyEntry("000.00.15.H06", "Sở Nội vụ tỉnh Bắc Giang", "vanthu@snv.bacgiang.gov.vn", ("Sở Nội vụ",),
                 ("Sở, ban, ngành",))
STP = AgencyEntry("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", "vanthu@sotp.bacgiang.gov.vn", ("Sở Tư pháp",),
                  ("Sở, ban, ngành",))
STC = AgencyEntry("000.00.16.H06", "Sở Tài chính tỉnh Bắc Giang", "vanthu@stc.bacgiang.gov.vn", ("Sở Tài chính",),
                  ("Sở, ban, ngành",))
UBND = AgencyEntry("000.00.00.H06", "UBND tỉnh Bắc Giang", "vanthu@bacgiang.gov.vn",
                   ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "UBND tỉnh"))
DIRECTORY = Directory([UBND, STP, US, STC])
OURS = Us(US, revocation_hard=False)
CLERK = ["vanthu@snv.bacgiang.gov.vn"]
URGENT = ["lanhdao@snv.bacgiang.gov.vn"]
STP_CERT = CertSubject("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "", "Bắc Giang")


def attachment(filename: str = "cv.pdf", kind: str = "pdf", note: str = "", sha: str = "") -> Attachment:
    return Attachment(filename, "application/pdf", sha or f"sha-{filename}", 1000, kind, note)  # type: ignore[arg-type]


def signature(subject: CertSubject = STP_CERT, **changes: object) -> SignatureFacts:
    """A valid signature (intact, trusted, revocation known) of Sở Tư pháp, unless changed."""
    sig = SignatureFacts(field="Signature1", signer=subject.common_name, intact=True, trusted=True, revoked=False,
                         expired=False, modified_after=False, covers_document=True, revocation_known=True,
                         signed_at=None, subject=subject)
    return replace(sig, **changes)  # type: ignore[arg-type]


def reading(issuer: str | None = "SỞ TƯ PHÁP", number: str | None = "45/STP-VP", *, electronic: tuple[str, ...] = (),
            kinh_gui: tuple[str, ...] = ("Sở Nội vụ",), **particulars: object) -> Reading:
    """What the reader found on a document of Sở Tư pháp addressed to Sở Nội vụ, unless changed."""
    particulars = {"issuer_parent": "UBND TỈNH BẮC GIANG", **particulars}
    p = Particulars(issuer=issuer, number=number, **particulars)  # type: ignore[arg-type]
    return Reading(1, False, p, Recipients(electronic=list(electronic), kinh_gui=list(kinh_gui)))


def pdf(filename: str = "cv.pdf", *, signed: bool = True, read: Reading | None = None, **changes: object) -> PdfFacts:
    """An opened PDF read as `reading()`, signed by Sở Tư pháp unless signed=False."""
    facts = PdfFacts(attachment(filename), opened=True, reading=read if read is not None else reading(),
                     signatures=[signature()] if signed else [])
    return replace(facts, **changes)  # type: ignore[arg-type]


def sender(address: str = STP.mailbox, authenticated: bool = True, **changes: object) -> SenderAuth:
    return replace(SenderAuth(address, authenticated, "dkim" if authenticated else None), **changes)  # type: ignore[arg-type]


def mail(*pdfs: PdfFacts, proof: SenderAuth | None = None, to: tuple[str, ...] = (US.mailbox,),
         **changes: object) -> MailFacts:
    """A mail from Sở Tư pháp's clerk mailbox (DKIM-proven unless `proof` says otherwise) to us."""
    auth = proof if proof is not None else sender()
    facts = MailFacts(message_id="<m@test>", sha256="mail-sha", size=1000, from_address=auth.address, from_name="",
                      to=list(to), cc=[], subject="Gửi văn bản", date=None, received_top=None, auto_submitted=None,
                      sender=auth, attachments=[p.attachment for p in pdfs], pdfs=list(pdfs))
    return replace(facts, **changes)  # type: ignore[arg-type]


def codes(reasons: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(r.code, r.severity) for r in reasons]
