"""Places where pyHanko spends most of a validation's CPU on work with a cheaper equal answer,
put in their place in the worker (the same results, proven against pyHanko's own in the tests):

- it reads a PDF hex string one character at a time, through a generator and a whitespace loop: for
  a signature's /Contents (16,000 hex digits and more) about 40 % of a validation. Here the common
  case (digits and white space up to the closing ">") is read with one search and one translate; a
  comment, a character that is not a digit or a string without its end goes back to pyHanko's reader
  from the same position, so its errors and repairs stay what they were;
- comparing two names (an issuer's, a subject's) prepares every attribute of both for comparison
  (Unicode string preparation, RFC 4518, in pure Python) at each comparison: finding the signer's
  certificate among those a signature carries, an issuer among the trust roots, a CRL's scope. A
  worker meets the same signers and authorities mail after mail, their certificates parsed anew each
  time: here a name's prepared form is kept by its DER encoding (what it is a function of alone), so
  each is prepared once (about 3 ms a mail before, with the signer found by serial number first);
- it looks a certificate up in a CRL entry by entry, at every validation: with a national CA's CRL of
  20,000 revoked certificates, 130 ms a validation instead of 6 (100,000: 570 ms; bench/crl.py). Here
  each CRL's serial numbers are indexed once, and only the entries with the certificate's number are
  looked at, each as pyHanko looks at it (the issuer an indirect CRL names for it included).
"""

from __future__ import annotations

import binascii
import bisect
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from asn1crypto import cms, crl, tsp, x509
from cryptography import x509 as cx509
from pyhanko.pdf_utils import generic
from pyhanko.sign import general
from pyhanko_certvalidator.revinfo import validate_crl
from pyhanko_certvalidator.revinfo.constants import KNOWN_CRL_ENTRY_EXTENSIONS

_ORIGINAL = generic.read_hex_string_from_stream
_MATCH_ISSUER_SERIAL = general.match_issuer_serial
_WHITESPACE = b" \n\r\t\x00\x0c"  # PDF 32000-1 §7.2.2, the six white-space characters
_DIGITS = b"0123456789abcdefABCDEF"
_CHUNK = 1 << 16
_NAMES_KEPT = 4096
_prepared_names: dict[bytes, str] = {}  # asn1crypto's prepared form of a name, by the name's DER
_equal_names: dict[tuple[bytes, bytes], bool] = {}  # asn1crypto's comparison of two names, by their DER
_HASHABLE = x509.Name.hashable  # a name's prepared form (pyHanko's registries key by it)
_NAME_EQ = x509.Name.__eq__  # RFC 5280 §7.1 comparison, attribute by attribute
_FIND_CERT_IN_LIST = validate_crl.find_cert_in_list
_CERTIFICATE_ISSUER = crl.CRLEntryExtensionId("certificate_issuer").dump()
_crl_entries: "weakref.WeakKeyDictionary[crl.CertificateList, _CrlIndex | None]" = weakref.WeakKeyDictionary()


def read_hex_string(stream: BinaryIO) -> generic.ByteStringObject | generic.TextStringObject:
    start = stream.tell()
    stream.read(1)  # "<"
    pieces: list[bytes] = []
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            pieces.append(chunk[:end])
            after = stream.tell() - len(chunk) + end + 1
            break
        if not chunk:  # no end: pyHanko's reader says so as it always has
            stream.seek(start)
            return _ORIGINAL(stream)
        pieces.append(chunk)
    digits = b"".join(pieces).translate(None, _WHITESPACE)
    if digits.translate(None, _DIGITS):  # a comment or a stray character
        stream.seek(start)
        return _ORIGINAL(stream)
    stream.seek(after)
    if len(digits) % 2:
        digits += b"0"  # §7.3.4.3: a final odd digit is followed by an assumed 0
    return generic.pdf_string(binascii.unhexlify(digits))


def name_hashable(name: x509.Name) -> str:
    """asn1crypto's Name.hashable (what Name.__eq__ compares), prepared once for each DER encoding."""
    key = name.dump()
    known = _prepared_names.get(key)
    if known is None:
        if len(_prepared_names) >= _NAMES_KEPT:
            _prepared_names.clear()
        known = _prepared_names[key] = _HASHABLE.fget(name)
    return known


def names_equal(name: x509.Name, other: object) -> bool:
    """asn1crypto's Name.__eq__, its answer kept for the two names' DER encodings."""
    if not isinstance(other, x509.Name):
        return False
    key = (name.dump(), other.dump())
    known = _equal_names.get(key)
    if known is None:
        if len(_equal_names) >= _NAMES_KEPT:
            _equal_names.clear()
        known = _equal_names[key] = bool(_NAME_EQ(name, other))
    return known


def match_issuer_serial(expected_issuer_serial: cms.IssuerAndSerialNumber | tsp.IssuerSerial, cert: x509.Certificate) -> bool:
    """pyHanko's match, the serial number compared first (most certificates differ there)."""
    if expected_issuer_serial["serial_number"] != cert["tbs_certificate"]["serial_number"]:
        return False
    return bool(_MATCH_ISSUER_SERIAL(expected_issuer_serial, cert))


@dataclass(frozen=True)
class _CrlIndex:
    positions: dict[int, list[int]]  # a serial number: where it stands in the list (twice in an indirect CRL)
    issuer_changes: list[int]  # where an entry names the issuer of it and the entries after it


def revoked_by_serial(certificate_list: crl.CertificateList) -> _CrlIndex | None:
    """Where each serial number stands in the CRL's list (None: the CRL could not be read so, pyHanko's own
    search is used), made once for each CRL object, by cryptography's parser in one pass (a national
    CA's 100,000 entries: 10 MB kept, bench/crl.py)."""
    if certificate_list in _crl_entries:
        return _crl_entries[certificate_list]
    positions: dict[int, list[int]] = {}
    changes: list[int] = []
    index: _CrlIndex | None
    try:
        for position, revoked in enumerate(cx509.load_der_x509_crl(certificate_list.dump())):
            positions.setdefault(revoked.serial_number, []).append(position)
            if any(isinstance(e.value, cx509.CertificateIssuer) for e in revoked.extensions):
                changes.append(position)
        index = _CrlIndex(positions, changes)
    except Exception:  # a list cryptography does not read (it is strict): searched by pyHanko as it was
        index = None
    _crl_entries[certificate_list] = index
    return index


def serial_listed(certificate_list: crl.CertificateList, serial: int) -> bool:
    """Whether the CRL lists this serial number (whatever issuer an indirect CRL names)."""
    entries = revoked_by_serial(certificate_list)
    if entries is None:
        return any(e["user_certificate"].native == serial for e in certificate_list["tbs_cert_list"]["revoked_certificates"])
    return serial in entries.positions


def find_cert_in_list(cert: x509.Certificate | cms.AttributeCertificateV2, cert_issuer_name: x509.Name,
                      certificate_list: crl.CertificateList,
                      crl_authority_name: x509.Name) -> tuple[datetime, crl.CRLReason] | tuple[None, None]:
    """pyHanko's find_cert_in_list (when and why the certificate was revoked, or (None, None)): only the
    entries with the certificate's serial number are looked at, each as pyHanko looks at it."""
    entries = revoked_by_serial(certificate_list)
    if entries is None:
        return _FIND_CERT_IN_LIST(cert, cert_issuer_name, certificate_list, crl_authority_name)
    number = cert["tbs_certificate"]["serial_number"] if isinstance(cert, x509.Certificate) else cert["ac_info"]["serial_number"]
    listed = certificate_list["tbs_cert_list"]["revoked_certificates"]
    for position in entries.positions.get(number.native, ()):
        entry = listed[position]
        if entry["user_certificate"].dump() != number.dump():  # pyHanko compares the encodings
            continue
        if _issuer_at(listed, entries.issuer_changes, position, crl_authority_name) != cert_issuer_name:
            continue
        if not entry.crl_reason_value:
            reason = crl.CRLReason("unspecified")
        else:
            reason = entry.crl_reason_value
        if entry.critical_extensions - KNOWN_CRL_ENTRY_EXTENSIONS:  # an entry with an unknown critical extension is unusable
            raise NotImplementedError()
        return entry["revocation_date"].native, reason
    return None, None


def _issuer_at(listed: crl.RevokedCertificates, changes: list[int], position: int, authority: x509.Name) -> x509.Name:
    """The issuer the entry at `position` is for: RFC 5280 §5.3.3, an entry's certificate issuer holds
    for the entries after it; before any, the CRL's authority (pyHanko's rule, its test included)."""
    for change in reversed(changes[:bisect.bisect_right(changes, position)]):
        entry = listed[change]
        if _CERTIFICATE_ISSUER in entry.dump() and entry.issuer_name:
            return entry.issuer_name
    return authority


def install() -> None:
    """Put them in pyHanko's and asn1crypto's place (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
    general.match_issuer_serial = match_issuer_serial
    x509.Name.hashable = property(name_hashable)
    x509.Name.__eq__ = names_equal
    validate_crl.find_cert_in_list = find_cert_in_list
