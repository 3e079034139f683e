"""The decision on one mail: a verdict per document, with its basis, reasons and answers. Pure."""

from __future__ import annotations

from collections.abc import Callable

from gateway.directory import Directory
from gateway.intake import rules
from gateway.intake.rules import Us
from gateway.model import Decision, MailFacts, PdfFacts, Reply
from gateway.reasons import Reason, error

# (pdf sha256, issuer, number) -> incoming number of the document already registered, if any
DuplicateLookup = Callable[[str, str | None, str | None], int | None]


def split_documents(pdfs: list[PdfFacts]) -> list[tuple[PdfFacts | None, list[PdfFacts]]]:
    """The documents of a mail with their appendices: each PDF with its own number and issuer is a
    document of its own when there are several; otherwise one document with the rest appended."""
    complete = [
        p for p in pdfs
        if p.opened and p.reading and p.reading.particulars.number and p.reading.particulars.issuer
    ]
    if len(complete) >= 2:
        others = [p for p in pdfs if p not in complete]
        return [(p, others if i == 0 else []) for i, p in enumerate(complete)]
    if not pdfs:
        return [(None, [])]
    main = complete[0] if complete else next((p for p in pdfs if p.opened), pdfs[0])
    return [(main, [p for p in pdfs if p is not main])]


def _verdict(reasons: list[Reason], authenticated: bool) -> str:
    if not any(r.severity == "error" for r in reasons):
        return "accepted"
    return "returned" if authenticated else "quarantined"


def decide(
    mail: MailFacts,
    us: Us,
    directory: Directory,
    clerk: list[str],
    urgent_to: list[str],
    duplicate_of: DuplicateLookup,
    answers_ours: bool = False,
) -> list[Decision]:
    auto = rules.automatic_mail(mail) or rules.peer_answer(mail, answers_ours)
    if auto:
        return [Decision("ignored", None, auto, None, [], [])]
    if mail.problem and not mail.too_large:
        reasons = [error("processing-failed", mail.problem)]
        return [Decision("quarantined", None, reasons, None, [], [Reply("alert", a) for a in clerk])]
    mail_reasons = rules.refused_attachments(mail)
    if mail.too_large:
        mail_reasons.append(error("mail-too-large", mail.problem))
    else:
        mail_reasons += rules.has_document(mail) + rules.readable(mail.pdfs)

    decisions = []
    for pdf, appendices in split_documents(mail.pdfs if not mail.too_large else []):
        reading = pdf.reading if pdf and pdf.opened else None
        reasons = list(mail_reasons)
        secret = rules.secret(reading)
        if secret:
            reasons += secret
            decisions.append(_finish(mail, pdf, appendices, reasons, None, us, directory, clerk, urgent_to, None, True))
            continue
        if pdf is None:  # nothing to judge but the mail's own faults (no-document, refused files)
            decisions.append(_finish(mail, None, [], reasons, None, us, directory, clerk, urgent_to, None, False))
            continue
        signatures = pdf.signatures
        reasons += rules.signature_findings(signatures, us.revocation_hard)
        by_signature = rules.signature_basis(signatures, us.revocation_hard)
        route_ok, route_findings = rules.official_route(mail, reading, directory)
        reasons += rules.soften(route_findings) if by_signature else route_findings
        basis = "signature" if by_signature else ("official-mailbox" if route_ok else None)
        if basis is None and not any(r.severity == "error" for r in reasons):
            reasons.append(error("no-legal-value"))
        reasons += rules.addressed_to_us(mail, reading, us, directory)
        original = None
        if reading is not None and not any(r.severity == "error" for r in reasons):
            p = reading.particulars
            original = duplicate_of(pdf.attachment.sha256, p.issuer, p.number)
        decisions.append(_finish(mail, pdf, appendices, reasons, basis, us, directory, clerk, urgent_to, original, False))
    return decisions


def _finish(mail, pdf, appendices, reasons, basis, us, directory, clerk, urgent_to, original, secret):  # type: ignore[no-untyped-def]
    verdict = _verdict(reasons, mail.sender.authenticated)
    if verdict == "accepted" and original is not None:
        verdict = "duplicate"
        reasons = reasons + [Reason("duplicate", "warning", f"số đến {original}")]
    reading = pdf.reading if pdf else None
    urgent = bool(reading and reading.particulars.urgency) and not secret
    replies: list[Reply] = []
    if verdict in ("accepted", "duplicate"):
        to = mail.sender.address if mail.sender.authenticated else _issuer_mailbox(reading, directory)
        if to:
            replies.append(Reply("ack", to))
        if urgent:
            replies += [Reply("alert", a) for a in dict.fromkeys([*clerk, *urgent_to])]
    elif verdict == "returned":
        replies.append(Reply("return", mail.sender.address))
    if verdict == "quarantined" or secret:
        replies += [Reply("alert", a) for a in clerk]
    return Decision(
        verdict=verdict, basis=basis if verdict in ("accepted", "duplicate") else None, reasons=reasons, pdf=pdf,
        appendices=appendices, replies=replies, duplicate_of=original if verdict == "duplicate" else None,
        secret=secret, urgent=urgent,
    )


def _issuer_mailbox(reading, directory: Directory) -> str | None:  # type: ignore[no-untyped-def]
    if reading is None or not reading.particulars.issuer:
        return None
    agency = directory.by_issuer(reading.particulars.issuer, reading.particulars.issuer_parent)
    return agency.mailbox if agency else None
