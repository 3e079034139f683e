"""Typed facts about a mail and its documents, and the decision taken on them.

Facts are produced by the analysis (in a worker process) and are plain, picklable data; the
decision is built from them by pure rules (gateway.decision.rules, gateway.decision.decide).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from gateway.reasons import Reason

Verdict = Literal["accepted", "returned", "quarantined", "duplicate", "ignored"]
Basis = Literal["signature", "official-mailbox", "clerk"]  # clerk: released by the clerk after review
AttachmentKind = Literal["pdf", "draft", "harmless", "refused", "other"]
ReplyKind = Literal["ack", "return", "alert"]
# RFC 5322: a header line holds 998 characters; what a mail says of itself (a Subject, an id) is taken so far, and so is
# an answer's Subject (its values are the mail's and the document's; folding costs microseconds a character)
HEADER_LINE = 998
Unread = Literal["mail-too-large", "too-many-files"]  # a mail kept without its body read, and why (a reason code)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    sha256: str
    size: int
    kind: AttachmentKind
    note: str = ""  # why refused, or what it is
    picture: bool = False  # its bytes are a picture's (JPEG, PNG, GIF…), whatever its Content-Type says


@dataclass(frozen=True)
class SenderAuth:
    address: str  # the From address, lower case ("" if none could be read)
    authenticated: bool
    method: str | None = None  # "dkim", "dmarc", "smtp-auth"
    detail: str = ""
    forged_results: str = ""  # trusted authserv-ids found where the trusted server did not write them
    # the headers the proof vouches for (a DKIM signature's); None: the whole mail (a logged-in sender)
    signed_headers: frozenset[str] | None = None


@dataclass(frozen=True)
class CertSubject:
    """The names a signing certificate gives (Ban Cơ yếu: an agency's has CN = the agency, L and
    O = its province or parent; a person's has CN = the person, OU = the agency, O = its parent)."""

    common_name: str = ""
    organisation: str = ""
    unit: str = ""
    locality: str = ""
    state: str = ""  # ST: where a public CA writes the province when its L is the district


ChangeLevel = Literal["none", "lta", "form-filling", "annotations", "other"]


@dataclass(frozen=True)
class SignatureFacts:
    field: str
    signer: str
    intact: bool  # the signed hash matches the bytes
    trusted: bool  # chain to a configured root, valid at the relevant time
    revoked: bool
    expired: bool
    modified_after: bool  # changes after signing beyond what signing more allows
    covers_document: bool  # the signature covers the whole document as delivered (or a permitted revision)
    revocation_known: bool  # a current CRL was available for every certificate of the chain
    signed_at: str | None  # ISO 8601; the timestamp's time when one proves it, else the signer's claim
    timestamped: bool = False
    problem: str = ""
    subject: CertSubject = CertSubject()
    fingerprint: str = ""  # SHA-256 of the signing certificate (DER), hex
    revision: int = 0  # the revision it signs (0 = the first), in the order the file was written
    revision_end: int = 0  # the byte length of the file as it was signed
    changes_after: ChangeLevel = "none"  # the most any later revision changed, as pyHanko judges it
    fields_changed_after: tuple[str, ...] = ()  # form fields (other signatures among them) filled later
    revoked_on: str | None = None  # ISO 8601: the certificate revoked after a trusted timestamp proves it signed (valid)
    outside_validity: bool = False  # a trusted timestamp proves it made before the certificate's validity or after it
    state_certified: bool = False  # trusted, its chain ending at a root of trust.state_roots: the CA vouches for its O
    not_for_signing: bool = False  # its certificate names purposes none of which is a signer's (never trusted)

    @classmethod
    def unreadable(cls, field: str, problem: str) -> "SignatureFacts":
        """A signature whose structures cannot even be parsed: not intact."""
        return cls(
            field=field, signer="?", intact=False, trusted=False, revoked=False, expired=False,
            modified_after=False, covers_document=False, revocation_known=False, signed_at=None, problem=problem[:300],
        )

    def with_file_changed(self) -> "SignatureFacts":
        """The same signature, the file found to show what it does not cover (a part a viewer reads and pyHanko does not)."""
        return replace(self, modified_after=True, changes_after="other")

    def check(self, *, modified: bool = False) -> "SignatureCheck":
        """modified: the decision found what changed after it disallowed (another party's box)."""
        return SignatureCheck(self.signer, self.intact, self.trusted, self.revoked, self.expired,
                              self.modified_after or modified, self.signed_at)


@dataclass(frozen=True)
class SignatureCheck:
    """What intake tells of one signature (an object of `signatures` in the JSON contract)."""

    signer: str
    intact: bool
    trusted: bool
    revoked: bool
    expired: bool
    modified_after: bool
    signed_at: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Particulars:
    """What the reader found on the document (the `document` object of the JSON contract)."""

    issuer: str | None = None
    issuer_parent: str | None = None
    number: str | None = None
    place: str | None = None
    date: str | None = None
    type: str | None = None
    summary: str | None = None
    urgency: str | None = None
    secrecy: str | None = None
    signer: str | None = None
    signer_title: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Recipients:
    paper: list[str] = field(default_factory=list)
    electronic: list[str] = field(default_factory=list)
    archive: str | None = None
    references: dict[str, list[str]] = field(default_factory=dict)
    kinh_gui: list[str] = field(default_factory=list)
    electronic_heading: bool = False  # the block has a "Bản điện tử" sub-heading

    def as_json(self) -> dict[str, Any]:
        return {
            "paper": self.paper,
            "electronic": self.electronic,
            "archive": self.archive,
            "references": self.references,
        }


@dataclass(frozen=True)
class FieldSource:
    """Where a field was read: its page, the text layer or OCR, and OCR's confidence."""

    page: int
    via: str  # "text", "ocr", "stamp" (a signature's stamp filled its blank) or "handwriting" (digits read in a blank)
    confidence: float | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"page": self.page, "via": self.via}
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 2)
        return out


@dataclass(frozen=True)
class CopyMark:
    """A certified copy's block (NĐ 30/2020 Đ25–27, Phụ lục I): its form and the agency that copied."""

    form: str  # "SAO Y", "SAO LỤC" or "TRÍCH SAO"
    copier: str | None
    copier_parent: str | None = None
    number: str | None = None


@dataclass(frozen=True)
class ReadingWarning:
    """What the reader could not read, or read unsure of (`parse --json` prints it as "code: message")."""

    code: str  # "no-recipient-block", "low-confidence", "scan-resolution-low"…
    message: str

    def as_json(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Reading:
    pages: int
    ocr: bool
    particulars: Particulars
    recipients: Recipients
    warnings: list[ReadingWarning] = field(default_factory=list)
    sources: dict[str, FieldSource] = field(default_factory=dict)  # field name ("issuer", "recipients"…) → source
    copy: CopyMark | None = None  # the document is a certified copy
    hidden: tuple[str, ...] = ()  # text the text layer holds and the page does not show ("trang 1: 'Số: 99' (white)")

    def as_json(self) -> dict[str, Any]:
        """The object `qlvb-gateway parse --json` prints."""
        return {
            "pages": self.pages, "ocr": self.ocr, "document": self.particulars.as_json(),
            "recipients": self.recipients.as_json(), "warnings": [w.as_json() for w in self.warnings],
            "sources": {name: source.as_json() for name, source in self.sources.items()},
        }


@dataclass(frozen=True)
class PdfFacts:
    attachment: Attachment
    opened: bool
    problem: str = ""  # why it could not be opened or processed
    crashed: bool = False  # the worker died or ran out of time or memory
    reading: Reading | None = None
    signatures: list[SignatureFacts] = field(default_factory=list)
    active_content: tuple[str, ...] = ()  # what would run or open (JavaScript, Launch, a refused embedded file…)
    embedded: tuple[str, ...] = ()  # our own document only: the files it embeds that are not refused (another PDF…)
    hidden_layers: tuple[str, ...] = ()  # our own document only: its layers a viewer may show otherwise (pdf_content)
    repaired: bool = False  # MuPDF rebuilt its cross-reference table to open it (every page decodes whole)
    signed_sha256: str | None = None  # SHA-256 of what its last intact signature covers (a trusted one's, if any): the
    # same signed document
    signed_revisions: tuple[str, ...] = ()  # SHA-256 of what each intact signature covers, trusted or not: a recalled
    # document is known inside a file that wraps it in another signature (red team 105)


@dataclass(frozen=True)
class WorkFailure:
    """A worker process did not finish its job (gateway.workers): a mail's analysis or our PDF's reading."""

    reason: str  # "timeout", "mail timeout …", "crashed", "memory" or the exception
    # the gateway's own failure, not the mail's: the worker could not build its trust store (gateway/trust_files.py)
    infrastructure: bool = False


class WorkersUnavailable(OSError):
    """The workers cannot analyse any mail (their trust store could not be built): the infrastructure's fault, never
    the mail's (gateway/guard.py: an OSError), so the mail is left untouched and the daemon backs off and says why."""


@dataclass(frozen=True)
class Whole:
    """A mail too large to hold in memory (limits.max_mail_mb), already in the content store: the
    bytes at hand are only its beginning, its headers."""

    size: int
    sha256: str
    # False: the store's disk had no room for it beside what the mails after it need (limits.room_needed), so only
    # the mail server keeps it, in its verdict's folder (red team 94: it held the mailbox, waiting for room)
    kept: bool = True


@dataclass(frozen=True)
class MailFacts:
    message_id: str
    sha256: str
    size: int
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    received_top: datetime | None  # time of the topmost Received: header
    auto_submitted: str | None  # why the mail is an automatic one (RFC 3834), else None
    sender: SenderAuth
    attachments: list[Attachment]
    pdfs: list[PdfFacts]
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    peer: dict[str, str] = field(default_factory=dict)  # X-QLVB-* headers of a peer gateway, by lowercase name
    problem: str = ""  # a reason the mail itself could not be fully analysed
    unread: Unread | None = None  # why the mail's body was not read (it is kept): too large, too many files
    report: DeliveryReport | None = None  # the delivery report it is, read where the mail was parsed (the worker)
    # an automatic mail carrying a mail back (a delivery report, a loop): its files are that mail's, never documents
    returned_mail: bool = False
    # the secrecy mark of a document a mail inside this one carries (forwarded, or carried back by a report): never this
    # mail's document, but nothing of a secret one is written anywhere all the same (002 Đ16.7)
    carried_secret: str | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """A delivery report (RFC 3464) about a message the gateway sent (gateway/exchange/reports.py reads it)."""

    message_id: str  # of the gateway's message the report is about
    token: str | None  # the X-QLVB-Token of the returned headers (None: not returned)
    failed: bool  # Action: failed (a permanent failure); else delayed, delivered, relayed, expanded
    action: str
    detail: str  # Status and Diagnostic-Code, as the reporting server wrote them
    failed_for: tuple[str, ...] = ()  # the Final-Recipient (or Original-Recipient) of each failed group, lower case
    delivered_for: tuple[str, ...] = ()  # and of each group delivered


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    to: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "to": self.to}


@dataclass(frozen=True)
class Registered:
    """A document of the register that one arriving repeats: its incoming number, and whether its issuer recalled it."""

    number: int
    recalled: bool = False
    same_file: bool = True  # its very file or signed revision; else the same issuer's number of the year
    year: int | None = None  # the year of its register line: its number's series (NĐ 30/2020 Đ22.2)


@dataclass(frozen=True)
class Decision:
    """The verdict on one document of a mail (or on the mail itself when it carries none)."""

    verdict: Verdict
    basis: Basis | None
    reasons: list[Reason]
    pdf: PdfFacts | None
    appendices: list[PdfFacts]
    replies: list[Reply]
    duplicate_of: int | None = None
    duplicate_year: int | None = None  # the year of the line `duplicate_of` numbers (not the new receipt's)
    secret: bool = False
    urgent: bool = False
    issuer_from_certificate: str | None = None  # the signer's agency, taken as issuer when none could be read
    copier: str | None = None  # a certified copy: the agency that copied it
    modified_signatures: tuple[str, ...] = ()  # fields of issuer signatures that later revisions broke

    @property
    def particulars(self) -> Particulars:
        if self.pdf is None or self.pdf.reading is None:
            return Particulars()
        return self.pdf.reading.particulars


@dataclass(frozen=True)
class DocumentOutcome:
    """What intake did with one document of a mail: one object of `ingest`/`check --json`, and what the
    register keeps of it (Mail.outcome). `as_json` is the contract's field order; `from_json` reads it back."""

    file: str
    message_id: str
    verdict: Verdict
    basis: Basis | None
    reasons: tuple[Reason, ...]
    incoming_number: int | None
    duplicate_of: int | None
    delivered_at: datetime
    received_at: datetime
    document: Particulars | None  # None once a recall took the particulars out of the register
    secret: bool  # a secret document: only its mark is told
    signatures: tuple[SignatureCheck, ...]
    replies: tuple[Reply, ...]  # the answers queued (on a record) or that would be (a check)
    sender: SenderAuth
    review_id: int | None  # the clerk's case, when quarantined and recorded
    already_processed: bool = False  # the same mail recorded before: nothing done again
    duplicate_year: int | None = None  # the year of the line `duplicate_of` numbers (each year's series starts at 1)

    def as_json(self) -> dict[str, Any]:
        document = self.document.as_json() if self.document is not None else None
        if document is not None and self.secret:  # only the mark itself: no content of a secret document
            document = {k: (v if k == "secrecy" else None) for k, v in document.items()}
        out: dict[str, Any] = {
            "file": self.file,
            "message_id": self.message_id,
            "verdict": self.verdict,
            "basis": self.basis,
            "reasons": [r.as_json() for r in self.reasons],
            "incoming_number": self.incoming_number,
            "duplicate_of": self.duplicate_of,
            **({"duplicate_year": self.duplicate_year} if self.duplicate_of is not None else {}),
            "delivered_at": self.delivered_at.isoformat(),
            "received_at": self.received_at.isoformat(),
            "document": document,
            "signatures": [s.as_json() for s in self.signatures],
            "replies": [r.as_json() for r in self.replies],
            "sender": {"address": self.sender.address, "authenticated": self.sender.authenticated,
                       "method": self.sender.method},
            "review_id": self.review_id,
        }
        if self.already_processed:
            out["already_processed"] = True
        return out

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "DocumentOutcome":
        document = value["document"]
        # a secret document's particulars were written masked: every field null but the mark
        secret = document is not None and document.get("signer_title") is None
        particulars = None if document is None else (
            Particulars(secrecy=document.get("secrecy")) if secret else Particulars(**document))
        sender = value["sender"]
        return cls(
            file=value["file"], message_id=value["message_id"], verdict=value["verdict"], basis=value["basis"],
            reasons=tuple(Reason.from_json(r) for r in value["reasons"]),
            incoming_number=value["incoming_number"], duplicate_of=value["duplicate_of"],
            delivered_at=datetime.fromisoformat(value["delivered_at"]),
            received_at=datetime.fromisoformat(value["received_at"]),
            document=particulars, secret=secret, signatures=tuple(SignatureCheck(**s) for s in value["signatures"]),
            replies=tuple(Reply(r["kind"], r["to"]) for r in value["replies"]),
            sender=SenderAuth(sender["address"], sender["authenticated"], sender["method"]),
            review_id=value["review_id"], already_processed=bool(value.get("already_processed")),
            duplicate_year=value.get("duplicate_year"),
        )


@dataclass(frozen=True)
class MailOutcome:
    """What intake did with one mail: an outcome per document (one at least, for any mail intake took)."""

    documents: tuple[DocumentOutcome, ...]

    @property
    def verdict(self) -> Verdict:
        """The mail's verdict: its first document's (a mail with none is held)."""
        return self.documents[0].verdict if self.documents else "quarantined"

    @property
    def already_processed(self) -> bool:
        return any(d.already_processed for d in self.documents)

    @property
    def failed(self) -> bool:
        """Intake could not process it (a crash, a timeout, a fault of its own)."""
        return any(r.code == "processing-failed" for d in self.documents for r in d.reasons)

    def as_json(self) -> list[dict[str, Any]]:
        """What the register keeps (Mail.outcome): one object per document."""
        return [d.as_json() for d in self.documents]

    @classmethod
    def from_json(cls, value: list[dict[str, Any]]) -> "MailOutcome":
        return cls(tuple(DocumentOutcome.from_json(d) for d in value))
