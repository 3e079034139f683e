"""What sending a document would do, decided from its reading and the directory (pure): the
electronic entries and the agencies each names, the paper entries listed for the clerk, and why
the send is held when it is. Nothing is dropped in silence: an entry that does not resolve to
exactly the agencies meant holds the whole send."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.decision.issuers import DocumentIssuers, Issuer, document_issuers, signer_agencies, speaks_for
from gateway.decision.rules import Us, active_pdf, hidden_text, issuer_signatures, secret_mark, valid_signature
from gateway.directory import AgencyEntry, Directory
from gateway.model import Particulars, Reading, SignatureFacts
from gateway.reasons import Reason, error
from gateway.resolver import Resolution, Resolver

NoSubheading = Literal["hold", "all_electronic"]
# The clerk's choice for an entry: the agencies meant, or None for "not electronically" (paper).
Choices = dict[str, list[AgencyEntry] | None]


@dataclass(frozen=True)
class Plan:
    document: Particulars
    identifier: str
    signed: bool
    electronic: list[Resolution]
    paper: list[str]
    archive: str | None
    held: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)  # said, sent all the same (the clerk has seen the plan)

    @property
    def sendable(self) -> bool:
        return not self.held

    def recipients(self) -> list[tuple[AgencyEntry, list[str]]]:
        """Each agency once, with the entries that name it, in the order of the block."""
        found: dict[str, tuple[AgencyEntry, list[str]]] = {}
        for resolution in self.electronic:
            if resolution.status != "resolved":
                continue
            for agency in resolution.agencies:
                found.setdefault(agency.code, (agency, []))[1].append(resolution.entry)
        return list(found.values())

    def mails(self) -> list[list[tuple[AgencyEntry, list[str]]]]:
        """The recipients by mailbox, one mail each: agencies sharing one (a commune's UBND and HĐND) get one mail of the
        document (red team 78), in the order of the block."""
        found: dict[str, list[tuple[AgencyEntry, list[str]]]] = {}
        for agency, entries in self.recipients():
            found.setdefault(agency.mailbox.lower(), []).append((agency, entries))
        return list(found.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document.as_json(), "identifier": self.identifier, "signed": self.signed,
            "electronic": [r.as_json() for r in self.electronic], "paper": self.paper, "archive": self.archive,
            "held": [r.as_json() for r in self.held], "warnings": [r.as_json() for r in self.warnings],
        }


# 002 Đ9.1, Đ15.1: the clerk sends, and signs with the agency's certificate, the agency's own documents only. One whose
# header names another issuer (as intake's matcher reads it), or that another agency signed and we did not, is not ours
# to send: signed and sent as ours, it went out with our signature over theirs (red team 63). A joint document's
# co-issuer, printed beside us, signs it as one of its issuers (red team 67: held when it signed before us).
def not_ours(printed: DocumentIssuers, signatures: Sequence[SignatureFacts], directory: Directory, us: Us) -> list[Reason]:
    issuers = printed.issuers
    if issuers and not any(i.agency is not None and i.agency.code == us.agency.code for i in issuers):
        return [error("not-our-document", f"cơ quan ban hành: {', '.join(i.label for i in issuers)}")]
    valid = [(s, {a.code: a for a in signer_agencies(s, directory)}) for s in signatures
             if valid_signature(s, us.revocation_hard)]
    theirs = [s.signer for s, agencies in valid if agencies and us.agency.code not in agencies
              and not any(speaks_for(s, i, directory) for i in issuers)]
    if theirs and not any(us.agency.code in agencies for _, agencies in valid):
        return [error("not-our-document", f"ký số bởi: {', '.join(dict.fromkeys(theirs))}")]
    return []


# 002 Đ15.1: the gateway signs with the agency's key only what the agency issued. A scan whose issuer OCR read and the
# directory does not know (counted unread, as at intake) was signed and sent as ours (red team 66: another body's letter);
# the clerk who knows it is ours signs it before sending.
def ours_to_sign(reading: Reading, printed: DocumentIssuers) -> list[Reason]:
    p = reading.particulars
    if not p.issuer:  # the gateway signs only what it reads as ours (red team 112: another agency's letter, its header a
        # picture on a page of text, was signed with our key)
        return [error("not-our-document", "không đọc được tên cơ quan ban hành; hệ thống không ký: Văn thư ký số rồi gửi "
                                          "nếu đúng là văn bản của cơ quan mình")]
    if printed.issuers:
        return []  # read and known: `not_ours` has judged it
    return [error("not-our-document", f"đọc được \"{p.issuer}\", không phải tên cơ quan mình trong danh bạ; hệ thống không "
                                      "ký: Văn thư ký số rồi gửi nếu đúng là văn bản của cơ quan mình")]


def our_issuers(printed: DocumentIssuers, us: Us) -> DocumentIssuers:
    """The document's issuers as sending it means them: those printed, ours among them (a joint document's); else us."""
    if any(i.agency is not None and i.agency.code == us.agency.code for i in printed.issuers):
        return printed
    return DocumentIssuers((Issuer(us.agency.name, None, us.agency),))


# 002 Đ10.1, Đ15.1: what the agency signed is what is sent. After an issuer's last signature only further signatures of
# the issuers may follow, as intake judges (`issuer_signatures`): a PDF editor's "save" changed the signed document, and
# another party's signature box may draw over it (red team 66: a stranger's box added "- Sở Tài chính." under our
# block, and the plan mailed there). Signed by none of them yet, any signature it carries must be unchanged since: the
# reading is of the signed revision, not of the file, and the gateway never signs over a change (red team 63).
def signed_then_changed(signatures: Sequence[SignatureFacts], issuers: DocumentIssuers, directory: Directory,
                        revocation_hard: bool) -> list[Reason]:
    judged = issuer_signatures(list(signatures), issuers, directory, revocation_hard)
    changed = [r.detail for r in judged.findings if r.code == "signature-modified"]
    if changed or any(valid_signature(s, revocation_hard) and any(speaks_for(s, i, directory) for i in issuers.issuers)
                      for s in signatures):
        return [error("signed-then-changed", "; ".join(changed))] if changed else []
    intact = sorted((s for s in signatures if s.intact), key=lambda s: s.revision)
    found = [s.signer for s in intact if s.modified_after]
    if intact and (intact[-1].changes_after not in ("none", "lta") or intact[-1].fields_changed_after):
        found.append(intact[-1].signer)  # an unsigned revision after the last signature
    return [error("signed-then-changed", ", ".join(dict.fromkeys(found)))] if found else []


# 002 Đ16, Đ9.1: what every recipient's intake refuses (JavaScript, an executable embedded) is never signed nor sent; a
# file embedded in ours (another agency's signed letter, a draft) is a document the plan never read, signed with ours
# unseen: one document per send, its drafts attached beside it (red team 66: each was signed with our key and mailed).
def carried(filename: str, active_content: Sequence[str], embedded: Sequence[str], layers: Sequence[str] = ()) -> list[Reason]:
    found = active_pdf(filename, active_content)
    if embedded:
        found.append(error("several-documents", f"{filename}: tệp nhúng {', '.join(embedded)}"))
    if layers:  # 002 Đ10.1: what is signed is what the clerk saw (red team 112: a layer shown only in print)
        found.append(error("hidden-layers", f"{filename}: {', '.join(layers)}"))
    return found


def make_plan(
    reading: Reading, resolver: Resolver, *, identifier: str, signed: bool, no_subheading: NoSubheading,
    choices: Choices | None = None, signatures: Sequence[SignatureFacts] = (), us: Us | None = None,
    filename: str = "", active_content: Sequence[str] = (), embedded: Sequence[str] = (), will_sign: bool = False,
    layers: Sequence[str] = (),
) -> Plan:
    """`us` (our agency, as the directory knows it) checks that the document is ours to send, on its header and its
    `signatures`, and, `will_sign` (the gateway to sign it), that its header is known to be ours: without `us` (a block's
    resolution alone), that is not checked. `active_content` and `embedded` are what the file `filename` carries besides
    its pages (PdfFacts)."""
    choices = choices or {}
    block = reading.recipients
    held = list(secret_mark(reading))  # 002 Đ3.1, Đ16.7: never sent electronically
    held += carried(filename, active_content, embedded, layers)
    if us is not None:
        printed = document_issuers(reading, resolver.directory)  # read once for the three checks
        held += not_ours(printed, signatures, resolver.directory, us)
        held += ours_to_sign(reading, printed) if will_sign else []
        held += signed_then_changed(signatures, our_issuers(printed, us), resolver.directory, us.revocation_hard)
    held += hidden_text(reading)  # 002 Đ10.1: what every recipient's intake would return
    if any(w.code == "no-recipient-block" for w in reading.warnings):
        held.append(error("no-recipient-block"))
    electronic, paper = list(block.electronic), list(block.paper)
    if not block.electronic_heading and paper:
        if no_subheading == "all_electronic":  # 133/2015 Đ3.1: all but secret documents go electronically
            electronic, paper = paper, []
        else:
            held.append(error("no-electronic-subheading"))
    resolutions: list[Resolution] = []
    for entry in electronic:
        resolution = resolver.resolve(entry)
        if entry in choices:
            chosen = choices[entry]
            if chosen is None:
                paper.append(entry)  # the clerk sends this one on paper
                continue
            resolution = Resolution(entry, "resolved", chosen)
        resolutions.append(resolution)
    stuck = [r.entry for r in resolutions if r.status in ("ambiguous", "unresolved")]
    if stuck:
        held.append(error("entries-unresolved", "; ".join(stuck)))
    plan = Plan(reading.particulars, identifier, signed, resolutions, paper, block.archive, held)
    if not held and not plan.recipients():
        held.append(error("no-electronic-recipient"))
    return plan
