"""Where the parts of a PDF's revision end, read as PDF's syntax has them (ISO 32000-1 §7.2-7.3, pure).

Used on the revisions written after a signature, which no signature covers and which are stored and passed on whole:
each part must be PDF and nothing else. A literal string and a stream's bytes may hold anything (a name with "<" and
">", a picture); outside them a "<" opens a dictionary or a hex string only, and a comment, which a parser skips, holds
no tag (red teams 102 and 103: a page and its script in a trailer, between words that only looked like a stream's).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Lengths = Callable[[int, int], "int | None"]  # an indirect /Length's value, the object's number and generation given

WHITE = b"\x00\t\n\x0c\r "  # ISO 32000-1 §7.2.2
W = rb"[\x00\t\n\x0c\r ]"  # one byte of it, in a pattern
_HEX = re.compile(rb"<[0-9A-Fa-f\x00\t\n\x0c\r ]*>")
_REGULAR = re.compile(rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]+")
# a direct /Length (never "12 0 R" read as 1: red team 104), of a size a file has
_LENGTH = re.compile(rb"/Length[\x00\t\n\x0c\r ]+(\d{1,15})(?!\d)(?![\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R)")
_INDIRECT_LENGTH = re.compile(rb"/Length[\x00\t\n\x0c\r ]+(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]+R")
_REFERENCE_REST = re.compile(rb"[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])")
_STREAM = re.compile(rb"stream(?:\r\n|\n)")
_OBJECT_END = re.compile(rb"endobj")
_STREAM_END = re.compile(rb"(?:\r\n|\r|\n)?endstream")
_STRING_SPECIAL = re.compile(rb"[\\()]")
_COMMENT = re.compile(rb"%[^\r\n<>]*(?:\r\n|\r|\n)")
MAX_DEPTH = 100  # dictionaries and arrays inside one another (a parser's own bound is of this order)


def white_end(data: bytes, at: int) -> int:
    """After the white space at `at`, and the comments (a writer's "%Foxit", which a parser skips as white space) but
    those holding a "<" or ">": a tag is no writer's comment."""
    while True:
        while at < len(data) and data[at] in WHITE:
            at += 1
        comment = _COMMENT.match(data, at)
        if comment is None or data.startswith(b"%%EOF", at):
            return at
        at = comment.end()


def string_end(data: bytes, at: int) -> int | None:
    """After the literal string opening at `at` ("(" … ")", its parentheses balanced, "\\" escaping one byte)."""
    depth = 0
    while (special := _STRING_SPECIAL.search(data, at)) is not None:  # from one special byte to the next, at C speed
        at = special.end()
        byte = special.group()
        if byte == b"\\":
            at += 1
            continue
        depth += 1 if byte == b"(" else -1
        if depth == 0:
            return at
    return None


def value_end(data: bytes, at: int, depth: int = 0) -> int | None:
    """After the one value (a dictionary, an array, a string, a name, a number, a keyword) starting at `at`, white space
    before it skipped; None where PDF has none there (a tag, a comment, the end)."""
    at = white_end(data, at)
    if at >= len(data) or depth > MAX_DEPTH:
        return None
    if data.startswith(b"<<", at):
        return _container_end(data, at + 2, b">>", depth)
    byte = data[at:at + 1]
    if byte == b"[":
        return _container_end(data, at + 1, b"]", depth)
    if byte == b"(":
        return string_end(data, at)
    if byte == b"<":
        hexed = _HEX.match(data, at)
        return hexed.end() if hexed else None
    if byte == b"/":
        name = _REGULAR.match(data, at + 1)
        return name.end() if name else at + 1
    regular = _REGULAR.match(data, at)
    return regular.end() if regular else None


def _container_end(data: bytes, at: int, close: bytes, depth: int) -> int | None:
    while True:
        at = white_end(data, at)
        if data.startswith(close, at):
            return at + len(close)
        end = value_end(data, at, depth + 1)
        if end is None:
            return None
        at = end


def object_end(data: bytes, at: int, lengths: Lengths | None = None) -> int | None:
    """After "endobj" of the object whose value starts at `at` (just after "N G obj"): its value (a reference too), then
    its stream if it has one (its bytes as its /Length counts them, direct or, through `lengths`, indirect as iText
    writes it; else up to an "endstream" that "endobj" follows: the data may hold the word, an attached PDF's), then
    "endobj"; None otherwise."""
    end = value_end(data, at)
    if end is None:
        return None
    if (reference := _REFERENCE_REST.match(data, end)) is not None and data[white_end(data, at):end].isdigit():
        end = reference.end()
    stream = _STREAM.match(data, white_end(data, end))
    if stream is None:
        return _endobj(data, end)
    if (counted := _length(data, at, end, lengths)) is not None and \
            (closed := _STREAM_END.match(data, stream.end() + counted)) and (found := _endobj(data, closed.end())):
        return found
    found = stream.end()
    while (found := data.find(b"endstream", found)) >= 0:
        found += len(b"endstream")
        if (after := _endobj(data, found)) is not None:
            return after
    return None


def _length(data: bytes, start: int, end: int, lengths: Lengths | None) -> int | None:
    """The /Length of the stream whose dictionary stands between `start` and `end`, direct or indirect."""
    if (direct := _LENGTH.search(data, start, end)) is not None:
        return int(direct.group(1))
    indirect = _INDIRECT_LENGTH.search(data, start, end)
    return lengths(int(indirect.group(1)), int(indirect.group(2))) if indirect and lengths else None


def _endobj(data: bytes, at: int) -> int | None:
    """After "endobj" where white space and comments then it stand at `at`."""
    closed = _OBJECT_END.match(data, white_end(data, at))
    return closed.end() if closed else None
