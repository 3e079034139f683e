"""Validate every signature of a PDF with pyHanko, offline, against the configured roots and CRLs.

Bắc Giang QĐ 133/2015 Đ4.2: a document carrying a digital signature under Ban Cơ yếu Chính phủ has
legal value. Checked: integrity, chain to a configured root, validity at the time a timestamp
proves (else now), revocation, and what changed after signing.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel, SignatureStatus
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko_certvalidator import ValidationContext

from gateway.intake import pyhanko_speedups
from gateway.intake.viewer_agreement import ends_with_its_revisions, viewer_reads_as_validated
from gateway.trust_files import load_crls, load_roots
from gateway.model import CertSubject, ChangeLevel, SignatureFacts

DOCUMENT_TIMESTAMP = "/DocTimeStamp"
ALLOWED_AFTER_SIGNING = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
CHANGE_LEVEL: dict[ModificationLevel, ChangeLevel] = {
    ModificationLevel.NONE: "none", ModificationLevel.LTA_UPDATES: "lta",
    ModificationLevel.FORM_FILLING: "form-filling", ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}
# Reasons of a revocation (RFC 5280 §5.3.1) that leave the key its holder's: the agency merged, renamed or closed (as in
# the 2025 reorganisation), the certificate replaced, the right to sign withdrawn, the certificate suspended. Not the
# key's or a CA's compromise, and not "unspecified": a signature made before those may be anybody's.
KEY_STILL_OWN = frozenset({"superseded", "affiliation_changed", "cessation_of_operation", "privilege_withdrawn",
                           "certificate_hold"})
CONTEXT_MAX_AGE = 600.0  # seconds before "now" of the shared validation context is renewed


@dataclass
class TrustStore:
    """Roots and CRLs loaded once per worker; the validation context is shared between documents."""

    roots: list[asn1_x509.Certificate]
    crls: list[asn1_crl.CertificateList]
    # the roots of trust.state_roots (among `roots`), each as its name and key: what a chain's anchor is told by
    state: frozenset[tuple[bytes, bytes]] = frozenset()
    _context: ValidationContext | None = field(default=None, repr=False)
    _context_born: float = 0.0

    @classmethod
    def load(cls, roots: list[Path], crls: list[Path], *, state_roots: list[Path] | None = None) -> "TrustStore":
        """Every file parsed to the end here (gateway/trust_files.py): a bad one fails the loading, never a document."""
        state = [c for p in state_roots or [] for c in load_roots(p)]
        return cls(roots=[*(c for p in roots for c in load_roots(p)), *state],
                   crls=[c for p in crls for c in load_crls(p)],
                   state=frozenset(_authority(c.subject, c.public_key) for c in state))

    def state_certified(self, status: SignatureStatus) -> bool:
        """Whether the chain that decided trust ends at a root of trust.state_roots (by its name and key, never its
        name alone: any CA can be named as the state's)."""
        path = status.validation_path
        anchor = path.trust_anchor.authority if path is not None else None
        return anchor is not None and _authority(anchor.name, anchor.public_key) in self.state

    def context(self, moment: datetime | None = None, *, crls: bool = True) -> ValidationContext:
        if moment is not None or not crls:
            return self._new_context(moment, crls=crls)
        if self._context is None or time.monotonic() - self._context_born > CONTEXT_MAX_AGE:
            self._context = self._new_context(None)
            self._context_born = time.monotonic()
        return self._context

    def _new_context(self, moment: datetime | None, *, crls: bool = True) -> ValidationContext:
        return ValidationContext(
            trust_roots=self.roots,
            crls=self.crls if crls else [],
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
            # at a past moment (a timestamp's), today's CRL still tells whether the cert was revoked
            retroactive_revinfo=moment is not None,
        )

    def listed_as_revoked(self, cert: asn1_x509.Certificate) -> bool:
        """Whether any configured CRL of the certificate's issuer lists it, fresh or stale:
        a revocation is final, so a stale list still proves it."""
        serial = cert["tbs_certificate"]["serial_number"].native
        return any(crl["tbs_cert_list"]["issuer"] == cert.issuer and pyhanko_speedups.serial_listed(crl, serial)
                   for crl in self.crls)

    def revoked_after(self, cert: asn1_x509.Certificate, moment: datetime) -> datetime | None:
        """When the certificate was revoked, if every CRL of its issuer that lists it says: after `moment` (and after the
        date from which it says the certificate was invalid), for a reason that leaves the key its holder's; else None."""
        serial = cert["tbs_certificate"]["serial_number"].native
        dates = []
        for crl in self.crls:
            if crl["tbs_cert_list"]["issuer"] != cert.issuer:
                continue
            for entry in crl["tbs_cert_list"]["revoked_certificates"]:
                if entry["user_certificate"].native != serial:
                    continue
                reason, invalid, when = entry.crl_reason_value, entry.invalidity_date_value, entry["revocation_date"].native
                when = when if invalid is None else min(when, invalid.native)
                if reason is None or reason.native not in KEY_STILL_OWN or when <= moment:
                    return None
                dates.append(when)
        return min(dates, default=None)

    def revocation_known(self, status: SignatureStatus, now: datetime) -> bool:
        """A current CRL (not past its next update) from the issuer of every certificate of the
        path, the root excepted."""
        path = status.validation_path
        if path is None:
            return False
        for cert in path.iter_certs(include_root=False):
            issuer = cert.issuer
            fresh = False
            for crl in self.crls:
                tbs = crl["tbs_cert_list"]
                if tbs["issuer"] != issuer:
                    continue
                this_update = tbs["this_update"].native
                next_update = tbs["next_update"].native if tbs["next_update"].native else None
                if this_update <= now and (next_update is None or now <= next_update):
                    fresh = True
            if not fresh:
                return False
        return True


# X.509's upper bounds for a name's attributes are 64 characters (128 for a locality): one longer is no name of a body,
# read as absent (cut, its first words could name one), and a signer's name shown is cut (red team 21: attributes of
# 100,000 characters, one signature listed 600 times, took the daemon process 38 s and 600 MB)
ATTRIBUTE_CHARACTERS = 256


def _authority(name: asn1_x509.Name, key: Any) -> tuple[bytes, bytes]:
    """A CA as a chain's anchor is matched: its name and its public key."""
    return name.dump(), key.dump()


def _signer_name(cert: asn1_x509.Certificate) -> str:
    subject = cert.subject.native
    name = str(subject.get("common_name") or subject.get("organization_name") or cert.subject.human_friendly)
    return name[:ATTRIBUTE_CHARACTERS]


def _attribute(subject: dict[str, Any], key: str) -> str:
    value = subject.get(key) or ""
    text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return text if len(text) <= ATTRIBUTE_CHARACTERS else ""


def _subject(cert: asn1_x509.Certificate) -> CertSubject:
    subject = cert.subject.native
    return CertSubject(
        common_name=_attribute(subject, "common_name"), organisation=_attribute(subject, "organization_name"),
        unit=_attribute(subject, "organizational_unit_name"), locality=_attribute(subject, "locality_name"),
        state=_attribute(subject, "state_or_province_name"),
    )


def _changes_after(status: PdfSignatureStatus) -> tuple[ChangeLevel, tuple[str, ...]]:
    """How much later revisions changed, and which form fields (later signatures among them) they filled."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "none", ()
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION or not isinstance(status.diff_result, DiffResult):
        return "other", ()
    level = CHANGE_LEVEL.get(status.diff_result.modification_level, "other")
    return level, tuple(sorted(str(name) for name in status.diff_result.changed_form_fields))


def _revision_end(embedded: EmbeddedPdfSignature) -> int:
    try:
        _, _, start, length = (int(v) for v in embedded.byte_range)
    except (TypeError, ValueError):
        return 0
    return start + length


def _proven_time(status: PdfSignatureStatus, store: TrustStore) -> datetime | None:
    """When a trusted timestamp proves the signature made: none when a configured CRL lists a certificate of the time
    stamping authority's chain but for a revocation after that time that leaves the key its holder's (pyHanko, in
    soft-fail, looks a certificate up only in the lists it names: a stolen TSA key dated signatures, red team 7)."""
    ts = status.timestamp_validity
    if ts is None or not (ts.intact and ts.valid and ts.trusted):
        return None
    return ts.timestamp if _revoked_after_all(store, _chain(ts), ts.timestamp) is not False else None


def _chain(status: SignatureStatus) -> list[asn1_x509.Certificate]:
    """The signer's certificate and the CAs above it up to the root, which no list revokes (the signer's alone when no
    path to a root was found)."""
    path = status.validation_path
    if path is None:
        return [status.signing_cert]
    return [status.signing_cert, *(c for c in path.iter_certs(include_root=False) if c != status.signing_cert)]


def _revoked_after_all(store: TrustStore, chain: list[asn1_x509.Certificate], moment: datetime) -> datetime | bool:
    """Of the certificates any configured CRL lists: False when one was revoked by `moment` or for a reason that may
    mean another hand held its key; else the earliest revocation (after `moment`), or True when none is listed."""
    dates = []
    for cert in chain:
        if store.listed_as_revoked(cert):
            if (after := store.revoked_after(cert, moment)) is None:
                return False
            dates.append(after)
    return min(dates, default=True)


def _modified(status: PdfSignatureStatus) -> bool:
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return True
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return False
    level = status.modification_level
    return (level is not None and level not in ALLOWED_AFTER_SIGNING) or status.docmdp_ok is False


# NĐ 130/2018 Đ9: a signature made by a certificate issued for signing: the purposes a certificate names, where it names any,
# those of a person's or an agency's key (Ban Cơ yếu's: client_auth, email_protection, smart card logon), never a server's,
# a timestamping authority's, an OCSP responder's or code's (red team 154: each, in an agency's exact name, gave a letter
# legal value; red team 156: a server's with client_auth beside it), nor under a CA its own purposes confine to others
SIGNING_PURPOSES = frozenset({"client_auth", "email_protection", "microsoft_smart_card_logon", "microsoft_document_signing",
                              "pdf_signing", "any_extended_key_usage", "1.3.6.1.5.5.7.3.36", "piv_content_signing"})
NOT_A_SIGNERS = frozenset({"server_auth", "time_stamping", "ocsp_signing", "code_signing"})


def made_for_signing(cert: asn1_x509.Certificate, cas: Sequence[asn1_x509.Certificate] = ()) -> bool:
    """Whether the signer's certificate names no machine's purpose and, like each CA above it (`cas`) that names
    purposes, one a signer's key has."""
    def purposes(one: asn1_x509.Certificate) -> set[str] | None:
        named = one.extended_key_usage_value
        return None if named is None else set(named.native)
    signer = purposes(cert)
    if signer is not None and signer & NOT_A_SIGNERS:
        return False
    # a CA naming a machine's purposes names a signer's beyond client authentication, which TLS CAs name too (red team
    # 159: a no-purpose certificate under a CA of serverAuth and clientAuth)
    return all(named is None or (named & SIGNING_PURPOSES if not named & NOT_A_SIGNERS
                                 else named & (SIGNING_PURPOSES - {"client_auth"}))
               for named in map(purposes, [cert, *cas]))


def _in_force(cert: asn1_x509.Certificate, moment: datetime) -> bool:
    """Whether the certificate was in force at `moment`: not before its not_before, not after its not_after."""
    validity = cert["tbs_certificate"]["validity"]
    return bool(validity["not_before"].native <= moment <= validity["not_after"].native)


def _judged_at(cert: asn1_x509.Certificate, delivered: datetime | None, now: datetime) -> datetime | None:
    """The delivery time when the certificate, in force then, ran out between delivery and now (a backlog: the daemon
    down, a worker stalled): the document existed at its receipt (002 Đ7.1.b); else None (judged as of now)."""
    if delivered is None or delivered >= now:  # unknown, or a clock ahead of ours: now
        return None
    return delivered if _in_force(cert, delivered) and cert["tbs_certificate"]["validity"]["not_after"].native < now \
        else None


async def _validate_one(embedded: EmbeddedPdfSignature, store: TrustStore, delivered: datetime | None = None) -> SignatureFacts:
    """One signature judged; `delivered`: when the mail reached our server (its word, never the sender's Date:)."""
    name = str(embedded.field_name or "?")  # a plain str: pyHanko's string object would take the whole PDF along when pickled
    now = datetime.now(timezone.utc)
    try:
        status = await async_validate_pdf_signature(embedded, store.context())
    except Exception as exc:  # pyHanko raises on malformed CMS and byte ranges
        return SignatureFacts.unreadable(name, f"{type(exc).__name__}: {exc}"[:300])
    cert = status.signing_cert
    proven = _proven_time(status, store)
    # NĐ 130/2018 Đ9.1: a signature made while its certificate was in force; a time proven outside it is no such one
    outside = proven is not None and not _in_force(cert, proven)
    chain = status  # the status whose path decides trust
    listed = _revoked_after_all(store, _chain(status), proven or now)  # without a timestamp, any listing is by now
    revoked = status.revoked or listed is not True
    expired = cert["tbs_certificate"]["validity"]["not_after"].native < now
    revoked_on = None
    if isinstance(listed, datetime) and proven is not None:
        # NĐ 130/2018 Đ9.1: a signature made while its certificate was in force, as a trusted timestamp proves
        chain = await async_validate_pdf_signature(embedded, store.context(proven), skip_diff=True)
        revoked, expired = not chain.trusted, expired and not chain.trusted
        revoked_on = None if revoked else listed.isoformat()
    elif not status.trusted and not revoked:
        if status.trust_problem_indic == AdESIndeterminate.TRY_LATER:
            # a stale CRL: judge the chain without it; revocation stays unknown (a warning)
            chain = await async_validate_pdf_signature(embedded, store.context(crls=False), skip_diff=True)
        elif expired:
            # valid at the time a timestamp proves, else at delivery (it ran out since); else, was it trusted until it
            # expired? Revocation is judged as of now all the same (`revoked` above)
            at_delivery = _judged_at(cert, delivered, now) if proven is None else None
            moment = proven or at_delivery or cert["tbs_certificate"]["validity"]["not_after"].native - timedelta(seconds=1)
            chain = await async_validate_pdf_signature(embedded, store.context(moment), skip_diff=True)
            expired = proven is None and not (at_delivery is not None and chain.trusted)
    elif status.trusted:
        expired = False
    for_signing = made_for_signing(cert, _chain(chain)[1:])
    trusted = chain.trusted and not revoked and not outside and for_signing
    signed_at = proven or status.signer_reported_dt
    level, fields_changed = _changes_after(status)
    return SignatureFacts(
        field=name,
        signer=_signer_name(cert),
        intact=bool(status.intact and status.valid),
        trusted=bool(trusted),
        revoked=bool(revoked),
        expired=bool(expired),
        modified_after=_modified(status),
        covers_document=status.coverage in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION),
        revocation_known=store.revocation_known(chain, now),
        signed_at=signed_at.isoformat() if signed_at else None,
        timestamped=proven is not None,
        problem="" if trusted else str(status.trust_problem_indic or ""),
        subject=_subject(cert),
        fingerprint=cert.sha256.hex(),
        revision=int(embedded.signed_revision),
        revision_end=_revision_end(embedded),
        changes_after=level,
        fields_changed_after=fields_changed,
        revoked_on=revoked_on,
        outside_validity=outside,
        state_certified=bool(trusted) and store.state_certified(chain),
        not_for_signing=not for_signing,
    )


async def validate_signatures(data: bytes, store: TrustStore, delivered: datetime | None = None) -> list[SignatureFacts]:
    reader = PdfFileReader(BytesIO(data), strict=False)
    if reader.encrypted:
        reader.decrypt("")
    # PAdES B-LTA (ETSI EN 319 142-1): a document timestamp archives the signed file, nobody's signature; what its revision
    # adds is judged by the signatures before it (pyHanko's difference analysis allows LTA updates, nothing shown)
    signatures = [e for e in reader.embedded_signatures if e.sig_object_type != DOCUMENT_TIMESTAMP]
    facts = [await _validate_one(embedded, store, delivered) for embedded in signatures]  # in revision order
    # 002 Đ10.1: the file a viewer shows is the one validated
    last = max(signatures, key=lambda e: e.signed_revision, default=None)
    if last is not None and not (viewer_reads_as_validated(data, reader, min(e.signed_revision for e in signatures))
                                 and ends_with_its_revisions(data, reader, last.signed_revision, _revision_end(last))):
        return [f.with_file_changed() for f in facts]
    return facts


class SignatureValidator:
    """One event loop and one trust store per worker process."""

    def __init__(self, store: TrustStore) -> None:
        self.store = store
        self.loop = asyncio.new_event_loop()
        # closed at the latest when the process exits: left to the garbage collector, its self-pipe may be
        # closed first, and Python prints "Exception ignored in BaseEventLoop.__del__" on the way out
        weakref.finalize(self, self.loop.close)
        pyhanko_speedups.install()  # the same validation, less CPU (the module says where)

    def validate(self, data: bytes, delivered: datetime | None = None) -> list[SignatureFacts]:
        """`delivered`: when our server received the mail carrying the file (None: an outgoing file, judged now)."""
        return self.loop.run_until_complete(validate_signatures(data, self.store, delivered))
