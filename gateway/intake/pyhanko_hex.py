"""pyHanko reads a PDF hex string one character at a time, through a generator and a whitespace
loop: for a signature's /Contents (16,000 hex digits and more) that was about 40 % of a whole
validation's CPU in the profile. This reads the same grammar with one search and one translate.

Only the common case is taken here: digits and whitespace up to the closing ">". A comment, a
character that is not a digit, or a string without its end is handed back to pyHanko's own reader
from the same position, so its errors and its repairs stay exactly what they were.
"""

from __future__ import annotations

import binascii
from typing import BinaryIO

from pyhanko.pdf_utils import generic

_ORIGINAL = generic.read_hex_string_from_stream
_WHITESPACE = b" \n\r\t\x00\x0c"  # PDF 32000-1 §7.2.2, the six white-space characters
_DIGITS = b"0123456789abcdefABCDEF"
_CHUNK = 1 << 16


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


def install() -> None:
    """Make pyHanko's object reader use this reader (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
