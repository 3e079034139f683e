"""Two places where pyHanko spends most of a validation's CPU on work with a cheaper equal answer,
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
  each is prepared once (about 3 ms a mail before, with the signer found by serial number first).
"""

from __future__ import annotations

import binascii
from typing import BinaryIO

from asn1crypto import cms, tsp, x509
from pyhanko.pdf_utils import generic
from pyhanko.sign import general

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


def install() -> None:
    """Put them in pyHanko's and asn1crypto's place (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
    general.match_issuer_serial = match_issuer_serial
    x509.Name.hashable = property(name_hashable)
    x509.Name.__eq__ = names_equal
