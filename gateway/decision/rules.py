"""The rules of the regulations, one pure function each: parsed facts in, findings (Reasons) out.

Articles: 002 = Bắc Giang QĐ 133/2015, 000 = Bắc Kạn QĐ 26/2020, NĐ 30 = Nghị định 30/2020/NĐ-CP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from gateway.decision.issuers import DocumentIssuers, Issuer, signer_agency, speaks_for
from gateway.directory import AgencyEntry, Directory
from gateway.model import MailFacts, PdfFacts, Reading, SignatureFacts
from gateway.reasons import Reason, error, warning
from gateway.resolver import Resolver


@dataclass(frozen=True)
class Us:
    agency: AgencyEntry  # our own agency as the directory knows it (groups included)
    revocation_hard: bool


# RFC 3834 §2 and 000 Đ9.1.c: automatic answers are never answered.
def automatic_mail(mail: MailFacts) -> list[Reason]:
    return [warning("auto-submitted", mail.auto_submitted)] if mail.auto_submitted else []


# RFC 3834 §2 forbids the answer only: a document an automatic sender mails (an office system's no-reply address, a
# group address run as a list) is judged as any other, never answered; a report's or a loop's files are the mail it
# carries back, and a mail with no document is nothing to judge (red team 40: signed documents ignored, nobody told).
def ignored(mail: MailFacts) -> bool:
    return bool(mail.auto_submitted) and (mail.returned_mail or (not mail.pdfs and mail.unread is None))


# An answer about a document we sent (acknowledgement, return, recall, a person's reply), or a
# recall notice (NĐ 30/2020 Phụ lục VI), carrying no document: followed, never answered as a document.
def peer_answer(mail: MailFacts, answers_ours: bool, sent_back: bool = False) -> list[Reason]:
    """`sent_back`: every PDF of the mail is one we sent (a return carrying our letter back: red team 158)."""
    if (mail.pdfs and not sent_back) or not (answers_ours or mail.peer.get("x-qlvb-status")):
        return []
    return [warning("peer-answer", mail.peer.get("x-qlvb-status", ""))]


# NĐ 30/2020 Đ20: what reaches us is seen by the clerk: an answer carrying files of its own (a report's spreadsheet, a
# draft) is held for the clerk beside being followed, never ignored (red team 158: the file was kept nowhere one looks);
# a picture (a signature's logo) or a signature of the mail is none.
def answer_with_files(mail: MailFacts) -> list[Reason]:
    files = [a.filename or a.content_type for a in mail.attachments  # a picture by its bytes (red team 159)
             if a.kind not in ("harmless", "pdf") and not a.picture]
    return [error("answer-with-files", ", ".join(files)[:300])] if files else []


# 002 Đ16: no spam or malware passes; Đắk Lắk QĐ 16/2019 Đ4.3 lists the formats exchanged.
def refused_attachments(mail: MailFacts) -> list[Reason]:
    refused = [error("unsupported-attachment", a.note) for a in mail.attachments if a.kind == "refused"]
    return refused + [r for p in mail.pdfs for r in active_pdf(p.attachment.filename, p.active_content)]


# 002 Đ16: a PDF carrying what would run or open (JavaScript, a launch, an executable embedded) is refused as such a file.
def active_pdf(filename: str, active_content: Sequence[str]) -> list[Reason]:
    return [error("unsupported-attachment", f"{filename}: {'; '.join(active_content)}")] if active_content else []


# 002 Đ4: the document exchanged is a PDF (a scan of the signed paper, or signed digitally).
def has_document(mail: MailFacts) -> list[Reason]:
    return [] if mail.pdfs else [error("no-document")]


# 002 Đ10.1: check the integrity of the document: it must open.
def readable(pdfs: list[PdfFacts]) -> list[Reason]:
    return [error("pdf-unreadable", f"{p.attachment.filename}: {p.problem}") for p in pdfs if not p.opened]


# 002 Đ10.1: a file MuPDF had to repair to open is said to be, though every page of it decodes whole.
def repaired(pdfs: list[PdfFacts]) -> list[Reason]:
    return [warning("pdf-repaired", p.attachment.filename) for p in pdfs if p.opened and p.repaired]


# NĐ 30/2020 Đ22 and Phụ lục VI (the register records the document's issuer, number, date), 002 Đ10.1: a document of
# which nothing is read (a blank page, a scan fed upside down, a file broken past repair) is not registered blank.
def unread(reading: Reading | None) -> list[Reason]:
    if reading is None:
        return []
    p = reading.particulars
    return [] if any((p.issuer, p.issuer_parent, p.number, p.date, p.type)) else [error("document-unread")]


# 000 Đ10.1, NĐ 30/2020 Đ15: an electronic document is issued when the clerk gives it its number and date (the office's
# signature stamps them in): one whose page leaves either blank, typed and no stamp filling it, is a draft signed before
# issue, or an issued file cut back to such a revision (red team 41). A scan's handwritten blank unread is no such thing.
def unissued(reading: Reading | None) -> list[Reason]:
    if reading is None:
        return []
    p = reading.particulars
    typed = {name for name, source in reading.sources.items() if source.via in ("text", "stamp")}
    blank = [f"số {p.number}"] if p.number is not None and p.number.startswith("/") and "number" in typed else []
    if p.date is None and "place" in typed and any(w.code == "date-blank" for w in reading.warnings):
        blank.append("ngày ban hành")
    return [error("not-issued", ", ".join(blank))] if blank else []


# NĐ 30/2020 Phụ lục IV column (5), 002 Đ10.1: the date the register records is the document's own; one printed that no
# calendar has ("29 tháng 02 năm 2027") is left out of the register, and the clerk is told to write the right one
def impossible_date(reading: Reading | None) -> list[Reason]:
    if reading is None:
        return []
    return [warning("date-impossible", w.message.rsplit(": ", 1)[-1]) for w in reading.warnings
            if w.code == "date-impossible"][:1]


VIETNAM = timezone(timedelta(hours=7))  # no summer time


# NĐ 30/2020 Đ15 (the date of issue is the day the document is signed and issued): a document dated after its last
# signature was made (the timestamp's, else the signer's clock; the leader may sign the day before the office issues it)
# is pointed out to the clerk, never refused for it
def dated_after_signing(reading: Reading | None, signatures: list[SignatureFacts]) -> list[Reason]:
    printed = _iso_date(reading.particulars.date) if reading is not None and reading.particulars.date else None
    signed = [d for s in signatures if s.intact and s.signed_at and (d := _local_date(s.signed_at)) is not None]
    if printed is None or not signed or printed <= max(signed):
        return []
    return [warning("date-after-signing", f"ngày {printed:%d/%m/%Y}, ký số ngày {max(signed):%d/%m/%Y}")]


# NĐ 30/2020 Đ15: a document is issued before it is sent; one dated after the day it reached us (a year typed ahead, or a
# forged date: its key is then next year's number of its issuer) is pointed out to the clerk, never refused for it
def dated_after_receipt(reading: Reading | None, received_on: date) -> list[Reason]:
    printed = _iso_date(reading.particulars.date) if reading is not None and reading.particulars.date else None
    if printed is None or printed <= received_on:
        return []
    return [warning("date-after-receipt", f"ngày {printed:%d/%m/%Y}, nhận ngày {received_on:%d/%m/%Y}")]


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _local_date(iso: str) -> date | None:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(VIETNAM).date()


# 002 Đ10.1: check the document's integrity: its text layer holds text the page does not show (white, faint,
# tiny, painted over), so what would be registered may not be what a person reads.
def hidden_text(reading: Reading | None) -> list[Reason]:
    """Text the page does not show, or a number or an issuer's name in the text layer written with letters of another
    script drawn as Latin ones (the page shows "710/QĐ-STP", the text says "710/QƉ-STP": red team 68, a recalled number
    so written let a forged copy in; "SỞ ⲦƯ PHÁP": red team 109)."""
    if reading is None:
        return []
    said = [*reading.hidden[:3], *(f"số, ký hiệu \"{w.message}\"" for w in reading.warnings if w.code == "number-lookalike"),
            *(f"tên cơ quan \"{w.message}\"" for w in reading.warnings if w.code == "name-lookalike")]
    return [error("hidden-text", "; ".join(said))] if said else []


# 002 Đ3.1, Đ16.7: secret documents are never exchanged electronically; a secret mark on any
# PDF of the mail (the document or an annex) makes the whole mail secret.
def secret(pdfs: list[PdfFacts]) -> list[Reason]:
    return next((found for pdf in pdfs if (found := secret_mark(pdf.reading))), [])


# 002 Đ16.7: a secret document travels on paper; carried inside a forwarded mail or a report, it is no less secret.
def carried_secret(mail: MailFacts) -> list[Reason]:
    return [error("secret-document", f"{mail.carried_secret} (trong thư được chuyển kèm)")] if mail.carried_secret else []


def secret_mail(mail: MailFacts) -> bool:
    """Whether nothing of the mail may be written: a document of it, or one a mail inside it carries, is secret."""
    return bool(secret(mail.pdfs) or mail.carried_secret)


def secret_mark(reading: Reading | None) -> list[Reason]:
    """The finding on one document that carries a secrecy mark."""
    if reading is not None and reading.particulars.secrecy:
        return [error("secret-document", reading.particulars.secrecy)]
    return []


# RFC 8601 §5: Authentication-Results with a trusted id that the trusted server did not write.
def forged_authentication(mail: MailFacts) -> list[Reason]:
    forged = mail.sender.forged_results
    return [warning("forged-authentication-results", forged)] if forged else []


def valid_signature(sig: SignatureFacts, revocation_hard: bool) -> bool:
    """Intact, trusted, not revoked, not expired (at the proven time), revocation known if required."""
    return (
        sig.intact and sig.trusted and not sig.revoked and not sig.expired
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
        if sig.revoked:
            found.append(error("certificate-revoked", who))
            continue
        if sig.revoked_on is not None:  # NĐ 130/2018 Đ9.1: it signed while the certificate was in force
            found.append(warning("certificate-revoked-after-signing", f"{who}: {sig.revoked_on[:10]}"))
        if sig.outside_validity:  # NĐ 130/2018 Đ9.1: made while its certificate was in force, or it is no signature
            found.append(warning("signed-outside-validity", f"{who}: {(sig.signed_at or '')[:10]}"))
        elif not sig.trusted:  # a certificate not issued for signing is trusted for nothing (red team 154)
            found.append(warning("signature-untrusted", f"{who}: not issued for signing" if sig.not_for_signing else who))
        elif sig.expired:
            found.append(warning("certificate-expired", who))
        elif not sig.revocation_known:
            found.append((error if revocation_hard else warning)("revocation-unknown", who))
    return found


@dataclass(frozen=True)
class SignatureJudgement:
    """Whether the document's own signatures give it legal value, for which issuers, and why not."""

    basis: bool
    issuers: DocumentIssuers  # the printed ones; the signer's agency when none could be read
    findings: list[Reason]
    modified: tuple[str, ...] = ()  # the fields of the issuers' signatures that later changes broke


def _issuer_from_certificate(signatures: list[SignatureFacts], printed: DocumentIssuers, directory: Directory,
                             revocation_hard: bool) -> tuple[DocumentIssuers, list[Reason]]:
    """Where the issuer printed on the document cannot be read, the one agency whose valid signature
    it carries is taken as the issuer (the clerk is told)."""
    if printed.issuers:
        return printed, []
    agencies = {a.code: a for s in signatures
                if valid_signature(s, revocation_hard) and (a := signer_agency(s, directory)) is not None}
    if len(agencies) != 1:
        return printed, []
    agency = next(iter(agencies.values()))
    return DocumentIssuers((Issuer(agency.name, None, agency),), copy=printed.copy), [
        warning("issuer-from-certificate", agency.name)]


def _changed_after(ordered: list[SignatureFacts], k: int, standing: list[bool]) -> str:
    """'' when every revision after signature k only added standing signatures of the issuers;
    else what changed (NĐ 30/2020 Phụ lục I stacks the leader's and the agency's signatures)."""
    later = list(zip(ordered[k + 1:], standing[k + 1:], strict=True))
    foreign = [s for s, ok in later if not ok]
    if foreign:
        why = "không phải của cơ quan ban hành" if foreign[0].trusted and foreign[0].intact else "chứng thư không được tin cậy"
        return f"sau đó có thêm chữ ký '{foreign[0].signer}' ({why}), ô chữ ký có thể che nội dung"
    sig, final = ordered[k], ordered[-1]
    if sig.changes_after in ("annotations", "other"):
        return "nội dung trang bị thay đổi sau khi ký"
    filled = set(sig.fields_changed_after) - {s.field for s, _ in later}
    if filled:
        return f"trường {', '.join(sorted(filled))} được điền sau khi ký"
    if final.changes_after not in ("none", "lta") or final.fields_changed_after:
        return "có bản sửa đổi không ký sau chữ ký cuối"
    return ""


# 002 Đ9, Đ15.1; TT 01/2019/TT-BNV Đ12–13: only the issuing agency's own certificate (or its
# people's) gives legal value, one for each issuer of a joint document, the copier's for a copy;
# and what was signed is what is registered: later revisions may only add further such signatures.
def issuer_signatures(signatures: list[SignatureFacts], printed: DocumentIssuers, directory: Directory,
                      revocation_hard: bool) -> SignatureJudgement:
    issuers, findings = _issuer_from_certificate(signatures, printed, directory, revocation_hard)
    ordered = sorted(signatures, key=lambda s: s.revision)
    if not ordered or not issuers.issuers:
        return SignatureJudgement(False, issuers, findings)
    owners = [[i for i in issuers.issuers if speaks_for(s, i, directory)] for s in ordered]
    standing = [valid_signature(s, revocation_hard) and bool(o) for s, o in zip(ordered, owners, strict=True)]
    missing = [i for i in issuers.issuers if not any(i in o for o in owners)]
    if missing:
        signers = ", ".join(dict.fromkeys(s.signer for s in ordered))
        findings.append(error("signer-not-issuer", f"{', '.join(i.label for i in missing)} ≠ {signers}"))
    holds = not missing
    modified: list[str] = []
    for issuer in issuers.issuers:
        own = [k for k, o in enumerate(owners) if issuer in o and standing[k]]
        if not own:
            holds = False
            continue
        changed = _changed_after(ordered, own[-1], standing)
        if changed:
            findings.append(error("signature-modified", f"{ordered[own[-1]].signer}: {changed}"))
            modified.append(ordered[own[-1]].field)
            holds = False
    return SignatureJudgement(holds, issuers, findings, tuple(modified))


# 002 Đ4.1: a scan sent from the clerk mailbox of the issuing agency, authenticity ensured.
def official_route(mail: MailFacts, issuers: DocumentIssuers, directory: Directory) -> tuple[bool, list[Reason]]:
    """(holds, findings); findings are errors, to be softened when a signature gives legal value. A mailbox several
    agencies share (one office serving a commune's UBND and HĐND) proves a document of any of them, of no other."""
    if not mail.sender.authenticated:
        return False, [error("sender-unauthenticated", mail.sender.detail)]
    agencies = directory.of_mailbox(mail.sender.address)
    if not agencies:
        return False, [error("sender-not-official", mail.sender.address)]
    if not issuers.issuers:
        return True, [warning("issuer-unread")]
    if issuers.inferred:  # "A - B" saying nowhere it is joint: one's mailbox proves nothing of the other (red team 72)
        return False, [error("sender-not-issuer", f"{', '.join(i.name for i in issuers.issuers)}: văn bản không ghi liên "
                                                  "tịch, cần chữ ký số của từng cơ quan ban hành")]
    if any(i.agency is not None and i.agency.code in {a.code for a in agencies} for i in issuers.issuers):
        return True, []
    return False, [error("sender-not-issuer", f"{', '.join(i.name for i in issuers.issuers)} ≠ "
                                              f"{', '.join(a.name for a in agencies)}")]


# A block as NĐ 30/2020 Phụ lục I lays one out fills a page at most (the corpus's longest: 19 entries, 666
# characters, an entry 133); what a file lists past this names nobody here (red teams 17 to 19: each entry is
# matched in the daemon process, for each document of a mail, so a mail's documents share a budget of their own).
BLOCK_CHARACTERS = 8_000
LONGEST_ENTRY = 1_000
MAIL_BLOCK_CHARACTERS = 16_000


def _entries(reading: Reading) -> tuple[str, ...]:
    r = reading.recipients
    return (*r.kinh_gui, *r.electronic, *r.paper)


def block_shares(readings: list[Reading | None]) -> list[int]:
    """How many characters of each document's block are matched, in the mail's order: each as far as a block
    goes, all of them together as far as MAIL_BLOCK_CHARACTERS."""
    shares: list[int] = []
    left = MAIL_BLOCK_CHARACTERS
    for reading in readings:
        share = min(BLOCK_CHARACTERS, left)
        shares.append(share)
        left -= min(share, sum(map(len, _entries(reading))) if reading is not None else 0)
    return shares


def _as_far_as_a_block_goes(entries: tuple[str, ...], characters: int = BLOCK_CHARACTERS) -> list[str]:
    kept: list[str] = []
    left = characters
    for entry in entries:
        left -= len(entry)
        if left < 0:
            break
        if len(entry) <= LONGEST_ENTRY:
            kept.append(entry)
    return kept


# NĐ 30/2020 Đ21.2, 000 Đ9.1.b: a document sent to the wrong agency is returned.
def addressed_to_us(mail: MailFacts, reading: Reading | None, us: Us, directory: Directory, *,
                    foreign: bool = False, characters: int = BLOCK_CHARACTERS) -> list[Reason]:
    """Addressed to us by the document's own recipients, or by the envelope of a proven agency of the directory: anyone
    else's "To" is its own word (a genuine document for another agency, replayed to us by a forger or by a proven
    outsider, was registered, its issuer or the outsider acknowledged). `foreign`: the document is another province's,
    and an entry leaving its place out names its own province's body ("Sở Nội vụ"), not ours. `characters`: how much of
    the block is matched (`block_shares`)."""
    known = mail.sender.authenticated and bool(directory.of_mailbox(mail.sender.address))
    if known and us.agency.mailbox in (*mail.to, *mail.cc):
        return []
    if reading is not None:
        resolver = Resolver(directory, us.agency)  # one matcher with outgoing's resolver
        for entry in _as_far_as_a_block_goes(_entries(reading), characters):
            if resolver.names(entry, us.agency, unplaced_ours=not foreign):
                return []
    return [error("wrong-recipient")]


def soften(reasons: list[Reason]) -> list[Reason]:
    """Sender findings only inform when a signature already gives the document legal value."""
    return [Reason(r.code, "warning", r.detail) for r in reasons]
