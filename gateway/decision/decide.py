"""The decision on one mail: a verdict per document, with its basis, reasons and answers. Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gateway.decision import rules
from gateway.decision.corroboration import corroborate
from gateway.decision.issuers import DocumentIssuers, document_issuers, foreign
from gateway.decision.rules import Us
from gateway.directory import Directory
from gateway.model import Basis, Decision, MailFacts, PdfFacts, Registered, Reply, Verdict
from gateway.reasons import Reason, error, warning
from vntext import fold, notation_key

DuplicateLookup = Callable[[PdfFacts], Registered | None]  # a document's PDF -> the register's document it repeats


@dataclass(frozen=True)
class Desk:
    """What a decision needs besides the mail: who we are, the directory, and who is told."""

    us: Us
    directory: Directory
    clerk: list[str]
    urgent_to: list[str]


@dataclass(frozen=True)
class _Identity:
    """A document's identity by what it says of itself: its issuer under the body above it, its number, and the date
    it was issued (NĐ 30/2020 Đ15 numbers each issuer's documents from 01 each year); the body and the date when read."""

    issuer: str
    number: str
    parent: str | None
    date: str | None  # ISO

    # NĐ 30/2020 Phụ lục VI: one number and issuer, one document; two printed dates are two (red team 74).
    def same(self, other: "_Identity") -> bool:
        """The same document, unless both read a body or a date and they differ."""
        return (self.issuer, self.number) == (other.issuer, other.number) and all(
            a is None or b is None or a == b for a, b in ((self.parent, other.parent), (self.date, other.date)))


def _identity(pdf: PdfFacts) -> _Identity | None:
    p = pdf.reading.particulars if pdf.opened and pdf.reading else None
    if p is None or not p.issuer or not p.number or p.number.startswith("/"):
        return None
    return _Identity(fold(p.issuer), notation_key(p.number), fold(p.issuer_parent) if p.issuer_parent else None,
                     p.date or None)


def split_documents(pdfs: list[PdfFacts]) -> list[tuple[PdfFacts | None, list[PdfFacts]]]:
    """The documents of a mail with their appendices: each PDF with its own number and issuer is a
    document of its own when there are several; otherwise one document with the rest appended.
    One document, one number (NĐ 30/2020 Phụ lục VI: a duplicate is not registered again): the same
    PDF twice, or two files of the same issuer, number and date (or one undated), are one document (the most
    signed one)."""
    first: dict[str, PdfFacts] = {}
    for pdf in pdfs:
        first.setdefault(pdf.attachment.sha256, pdf)
    unique = list(first.values())
    groups: list[list[tuple[_Identity, PdfFacts]]] = []
    for pdf in unique:
        if (identity := _identity(pdf)) is not None:  # the same as every file of a group (an undated one joins any)
            group = next((g for g in groups if all(known.same(identity) for known, _ in g)), None)
            if group is None:
                groups.append([(identity, pdf)])
            else:
                group.append((identity, pdf))
    documents = [max((p for _, p in group), key=lambda p: len(p.signatures)) for group in groups]
    if len(documents) >= 2:
        chosen = {id(d) for d in documents}
        others = [p for p in unique if id(p) not in chosen]
        return [(p, others if i == 0 else []) for i, p in enumerate(documents)]
    if not unique:
        return [(None, [])]
    main = documents[0] if documents else next((p for p in unique if p.opened), unique[0])
    return [(main, [p for p in unique if p is not main])]


def decide(
    mail: MailFacts,
    us: Us,
    directory: Directory,
    clerk: list[str],
    urgent_to: list[str],
    duplicate_of: DuplicateLookup,
    answers_ours: bool = False,
    sent_back: bool = False,
) -> list[Decision]:
    desk = Desk(us, directory, clerk, urgent_to)
    if mail.problem and mail.unread is None:  # held whatever it says of itself: "Auto-Submitted" is its sender's word
        reasons = [error("processing-failed", mail.problem)]
        return [Decision("quarantined", None, reasons, None, [], [Reply("alert", a) for a in clerk])]
    # a mail too large to read is no answer of a peer's: its documents are unknown (red team 12: a reply carrying
    # a large document was ignored as one, not returned or held)
    automatic = rules.automatic_mail(mail)  # a report's or a document-less automatic mail: ignored; else judged, unanswered
    carried = rules.carried_secret(mail) if mail.unread is None else []
    if carried and not rules.secret(mail.pdfs):  # held or returned, the clerk told, even as a report: nothing of it kept
        reasons = automatic + rules.forged_authentication(mail) + carried
        return [_finish(mail, desk, Findings(None, [], reasons, secret=True))]
    answer = rules.peer_answer(mail, answers_ours, sent_back) if mail.unread is None else []
    auto = (automatic if rules.ignored(mail) else []) or answer
    if auto and (files := rules.answer_with_files(mail)) and not rules.ignored(mail):
        return [Decision("quarantined", None, auto + files, None, [], [Reply("alert", a) for a in clerk])]
    if auto:
        return [Decision("ignored", None, auto, None, [], [])]
    mail_reasons = automatic + rules.refused_attachments(mail) + rules.forged_authentication(mail)
    if mail.unread is not None:
        mail_reasons.append(error(mail.unread, mail.problem))
        return [_finish(mail, desk, Findings(None, [], mail_reasons))]
    mail_reasons += rules.has_document(mail) + rules.readable(mail.pdfs) + rules.repaired(mail.pdfs)
    secret = rules.secret(mail.pdfs)
    documents = split_documents(mail.pdfs)
    if secret:  # nothing of a secret mail is judged further: one decision, nothing kept
        marked = next(p for p in mail.pdfs if p.reading is not None and p.reading.particulars.secrecy)
        others = [p for p in mail.pdfs if p is not marked]
        return [_finish(mail, desk, Findings(marked, others, mail_reasons + secret, secret=True))]
    shares = rules.block_shares([pdf.reading if pdf is not None and pdf.opened else None for pdf, _ in documents])
    return [_document(mail, desk, pdf, appendices, mail_reasons, duplicate_of, block)
            for (pdf, appendices), block in zip(documents, shares, strict=True)]


def _document(mail: MailFacts, desk: Desk, pdf: PdfFacts | None, appendices: list[PdfFacts],
              mail_reasons: list[Reason], duplicate_of: DuplicateLookup, block: int) -> Decision:
    reasons = list(mail_reasons)
    if pdf is None:  # nothing to judge but the mail's own faults (no-document, refused files)
        return _finish(mail, desk, Findings(None, [], reasons))
    reading = pdf.reading if pdf.opened else None
    revocation_hard = desk.us.revocation_hard
    reasons += rules.hidden_text(reading) + rules.unread(reading) + rules.unissued(reading)
    reasons += rules.signature_findings(pdf.signatures, revocation_hard)
    reasons += rules.impossible_date(reading) + rules.dated_after_signing(reading, pdf.signatures)
    printed = document_issuers(reading, desk.directory)
    judged = rules.issuer_signatures(pdf.signatures, printed, desk.directory, revocation_hard)
    reasons += judged.findings
    route_ok, route_findings = rules.official_route(mail, judged.issuers, desk.directory)
    reasons += rules.soften(route_findings) if judged.basis else route_findings
    basis: Basis | None = "signature" if judged.basis else ("official-mailbox" if route_ok else None)
    if basis is None and not _errors(reasons):
        reasons.append(error("no-legal-value"))
    if basis == "signature" and not route_ok:  # not from the issuer's own mailbox: its signature vouches alone
        appendices, unproven = _proven_appendices(appendices, judged.issuers, desk)
        reasons += unproven
    reasons += rules.addressed_to_us(mail, reading, desk.us, desk.directory, characters=block,
                                     foreign=foreign(printed.issuers, desk.directory, desk.us.agency))
    if reading is not None:  # what the mail says of its document (subject, file name)
        reasons += corroborate(reading.particulars, mail.subject, pdf.attachment.filename,
                               [p.reading.particulars.number for p in mail.pdfs if p is not pdf and p.reading])
    original = None
    if reading is not None and not _errors(reasons) and (earlier := duplicate_of(pdf)) is not None:
        # NĐ 30/2020 Phụ lục VI: a document its issuer recalled is not taken in again, nor a copy of it; another letter
        # of its number only from the issuer's own mailbox (its correction)
        if earlier.recalled and (earlier.same_file or printed.copy or not route_ok):
            reasons.append(error("recalled", f"số đến {earlier.number}" + (f"/{earlier.year}" if earlier.year else "")))
        elif not earlier.recalled:
            original = earlier
    return _finish(mail, desk, Findings(pdf, appendices, reasons, basis=basis, issuers=judged.issuers, original=original,
                                        modified=judged.modified))


# 000 Đ9.2.a: a closed year's register is printed, signed and closed; NĐ 30/2020 Đ22.2: no number is added to its series.
def held_for_closed_year(decision: Decision, year: int, clerk: list[str]) -> Decision:
    """A document that would take a number, received in a year whose register is closed: held for the clerk, never
    numbered nor acknowledged as registered (red team 74: a mail of 31 December read after the closing was numbered in
    the printed, signed volume); anything else stands as decided."""
    if decision.verdict != "accepted":
        return decision
    return replace(decision, verdict="quarantined", basis=None, duplicate_of=None, duplicate_year=None,
                   reasons=[*decision.reasons, error("year-closed", f"năm {year}")],
                   replies=[Reply("alert", a) for a in clerk])


def _proven_appendices(appendices: list[PdfFacts], issuers: DocumentIssuers,
                       desk: Desk) -> tuple[list[PdfFacts], list[Reason]]:
    """From anyone but the issuer's own official mailbox (a sender nothing proves, a proven outsider,
    another agency), only what the issuer's own signature covers is registered with the document: an
    unsigned annex (or an unsigned twin with another summary) is kept, not registered."""
    kept: list[PdfFacts] = []
    reasons: list[Reason] = []
    for appendix in appendices:
        if rules.issuer_signatures(appendix.signatures, issuers, desk.directory, desk.us.revocation_hard).basis:
            kept.append(appendix)
        else:
            reasons.append(warning("no-legal-value", f"{appendix.attachment.filename}: không có chữ ký của cơ quan "
                                                     "ban hành, không đăng ký kèm văn bản"))
    return kept, reasons


def _errors(reasons: list[Reason]) -> bool:
    return any(r.severity == "error" for r in reasons)


def _verdict(reasons: list[Reason], mail: MailFacts, directory: Directory) -> Verdict:
    """Errors are returned to a proven sender the directory knows; anything else waits for the clerk
    (a forger, or a proven outsider: never answered)."""
    if not _errors(reasons):
        return "accepted"
    known = mail.sender.authenticated and bool(directory.of_mailbox(mail.sender.address))
    return "returned" if known and not mail.auto_submitted else "quarantined"  # an automatic mail: never answered


@dataclass(frozen=True)
class Findings:
    """What the checks found on one document (or on the mail, when it has none), before its verdict."""

    pdf: PdfFacts | None
    appendices: list[PdfFacts]
    reasons: list[Reason]
    basis: Basis | None = None  # what proves it, if anything does
    issuers: DocumentIssuers = DocumentIssuers(())  # the issuers (or copier) its signatures prove
    original: Registered | None = None  # the same document registered before
    secret: bool = False
    modified: tuple[str, ...] = ()  # fields of issuer signatures that later revisions broke


def _finish(mail: MailFacts, desk: Desk, found: Findings) -> Decision:
    verdict, reasons = _verdict(found.reasons, mail, desk.directory), found.reasons
    if verdict == "accepted" and found.original is not None:
        verdict = "duplicate"
        reasons = reasons + [Reason("duplicate", "warning", f"số đến {_numbered(found.original)}")]
    reading = found.pdf.reading if found.pdf else None
    urgent = bool(reading and reading.particulars.urgency) and not found.secret
    replies = _replies(verdict, mail, desk, found.basis, found.issuers, urgent, found.secret)
    printed = bool(reading and reading.particulars.issuer)
    issuers = found.issuers.issuers
    return Decision(
        verdict=verdict, basis=found.basis if verdict in ("accepted", "duplicate") else None, reasons=reasons,
        pdf=found.pdf, appendices=found.appendices, replies=replies,
        duplicate_of=found.original.number if verdict == "duplicate" and found.original else None,
        duplicate_year=found.original.year if verdict == "duplicate" and found.original else None,
        secret=found.secret, urgent=urgent,
        issuer_from_certificate=issuers[0].label if issuers and not printed and not found.issuers.copy else None,
        copier=issuers[0].label if found.issuers.copy and issuers else None,
        modified_signatures=found.modified,
    )


# NĐ 30/2020 Đ22.2: one series a year; an incoming number names a document only with its year.
def _numbered(registered: Registered) -> str:
    return f"{registered.number}/{registered.year}" if registered.year is not None else str(registered.number)


def _replies(verdict: Verdict, mail: MailFacts, desk: Desk, basis: Basis | None, issuers: DocumentIssuers,
             urgent: bool, secret: bool) -> list[Reply]:
    """Answers only to the proven (RFC 3834; 000 Đ9.1.c): the authenticated sender; else, for a
    document its issuer's signature proves, the issuer's directory mailbox; a replay from an
    unproven sender, a forger and a proven outsider get nothing."""
    replies: list[Reply] = []
    if verdict == "accepted":
        if mail.sender.authenticated:
            to = [mail.sender.address]
        elif basis == "signature":
            to = list(dict.fromkeys(i.agency.mailbox for i in issuers.issuers if i.agency is not None))
        else:
            to = []
        replies += [Reply("ack", a) for a in to]
        if urgent:
            replies += [Reply("alert", a) for a in dict.fromkeys([*desk.clerk, *desk.urgent_to])]
    elif verdict == "duplicate" and mail.sender.authenticated:
        replies.append(Reply("ack", mail.sender.address))
    elif verdict == "returned":
        replies.append(Reply("return", mail.sender.address))
    if verdict == "quarantined" or secret:
        replies += [Reply("alert", a) for a in desk.clerk]
    if mail.auto_submitted:  # RFC 3834: an automatic mail is never answered; the clerk is told what the desk holds
        return [r for r in replies if r.kind == "alert"]
    return replies
