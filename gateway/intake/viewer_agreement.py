"""Whether a viewer reads a signed file as pyHanko validated it (002 Đ10.1: the receiver checks a document's integrity).

The whole file is stored and passed on as received, and a viewer (MuPDF, as pdf.js and PDFium) opens all of it. Where
pyHanko and MuPDF read the same bytes otherwise, a forger paints over a signed page what pyHanko never sees: red teams
of 2026-12-04 found the file's end read otherwise, one cross-reference section listing a page twice, a dictionary
giving a key twice (pyHanko keeps the first value, MuPDF the last; a trailer's /Root too), and a hybrid file's
cross-reference stream numbered as a page. So: the same last "startxref", the same catalog, every object at the same
place, and every object written after the first signature the same value in both.
"""

from __future__ import annotations

import hashlib
import re
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.xref import ObjStreamRef

from gateway.intake.pdf_integrity import ObjectPlace, ObjectSource, mupdf_objects
from gateway.intake.pdf_syntax import WHITE, W, Lengths, object_end, value_end, white_end

VIEWER_TAIL = 1024  # bytes at the file's end where MuPDF (as pdf.js and PDFium) looks for the last "startxref"
SIGNATURE_CONTENTS = re.compile(r"/Contents\s*<[0-9A-Fa-f\s]*>")
NUMBER_SLACK = 1e-5  # of a real's size: MuPDF keeps a real in single precision (about 7 digits) and writes it so


def viewer_reads_as_validated(data: bytes, reader: PdfFileReader, first_signed_revision: int) -> bool:
    """Whether MuPDF reads the file as `reader` (pyHanko's, opened on `data`) did."""
    if _viewer_startxref(data) != reader.last_startxref:
        return False
    later = {ref for revision in range(first_signed_revision + 1, reader.xrefs.total_revisions)
             for ref in reader.xrefs.explicit_refs_in_revision(revision)} - reader.xrefs.xref_stream_refs
    mupdf = mupdf_objects(data, sorted({ref.idnum for ref in later}))
    # the same catalog and encryption: a later trailer giving /Root twice, the signed catalog first and a forged one
    # last, was read by pyHanko with the first and by MuPDF and PDFium with the last (red team 8, 2026-12-04)
    same_trailer = (mupdf.catalog, mupdf.encrypted) == (reader.root_ref.idnum, reader.encrypted)
    return (same_trailer and _same_places(reader, mupdf.places)
            and all(_same_value(reader, ref, mupdf.sources.get(ref.idnum)) for ref in later))


# what a revision written after a signature is made of (ISO 32000-1 §7.5.6): its objects, its cross-reference table and
# trailer (or stream, an object), "startxref" and "%%EOF"; nothing between them, not even a comment (pdf_syntax)
_OBJECT = re.compile(rb"(\d+)%s+(\d+)%s+obj\b" % (W, W))
_XREF_TABLE = re.compile(rb"xref%s+(?:\d+%s+\d+%s+(?:\d{10} \d{5} [nf]%s{1,2})*)+%s*(?=trailer\b)" % ((W,) * 5))
_TRAILER = re.compile(rb"trailer%s*(?=<<)" % W)
_STARTXREF = re.compile(rb"%s*startxref%s+\d+%s*%%%%EOF" % ((W,) * 3))


# ISO 32000-1 §7.5.5-6: a file ends with its last revision's "%%EOF", each incremental update adding one. What follows
# it, or stands between the parts of the revisions after a signature, is read by neither pyHanko nor a viewer, yet the
# file is stored and passed on whole: another format's page or script riding under a signature (red team 96: an HTML page
# with a script after a signed letter was registered as signed and unmodified, where a zip there is refused as a
# polyglot; red team 99: the page put before an empty revision after the signature).
def ends_with_its_revisions(data: bytes, reader: PdfFileReader, signed_revision: int, signed_end: int) -> bool:
    """Whether the bytes after the last signature's revision (which ends at `signed_end`) are the revisions after it and
    nothing else: each object where their cross-reference sections place it, each section, one "%%EOF" each, white
    space."""
    if not 0 < signed_end <= len(data):
        return False
    xrefs = reader.xrefs
    later = range(signed_revision + 1, xrefs.total_revisions)
    placed = {(at, ref.idnum, ref.generation) for revision in later for ref in xrefs.explicit_refs_in_revision(revision)
              if isinstance(at := xrefs.get_historical_ref(ref, revision), int)}
    placed |= {(meta.start_location, meta.stream_ref.idnum, meta.stream_ref.generation) for revision in later
               if (meta := xrefs.get_xref_container_info(revision)).stream_ref is not None}
    ends, at = 0, signed_end
    while (end := _part_end(data, white_end(data, at), placed, lambda n, g: _integer(reader, n, g))) is not None:
        ends += data.startswith(b"%%EOF", end - 5)
        at = end
    return ends == len(later) and not data[at:].strip(WHITE)


def _integer(reader: PdfFileReader, number: int, generation: int) -> int | None:
    """The object's value if it is an integer (a stream's indirect /Length), as pyHanko reads it; else None."""
    try:
        value = reader.get_object(generic.Reference(number, generation))
    except Exception:  # pyHanko raises on what it cannot read: no length then
        return None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _part_end(data: bytes, at: int, placed: set[tuple[int, int, int]], lengths: Lengths) -> int | None:
    """After the revision's part starting at `at`: an object where a section places it, a cross-reference table, a
    trailer and its "startxref", or "startxref … %%EOF"; None where none starts there."""
    if (found := _OBJECT.match(data, at)) is not None:
        return object_end(data, found.end(), lengths) if (at, int(found.group(1)), int(found.group(2))) in placed \
            else None
    if (found := _XREF_TABLE.match(data, at)) is not None:
        return found.end()
    if (found := _TRAILER.match(data, at)) is not None:
        end = value_end(data, found.end())
        return end if end is not None and _STARTXREF.match(data, end) else None
    return found.end() if (found := _STARTXREF.match(data, at)) is not None else None


# pyHanko ends the file at its last line starting "%%EOF"; a viewer at the last "startxref" of its last bytes: a
# revision appended without "%%EOF" is one the viewer shows and pyHanko never sees.
def _viewer_startxref(data: bytes) -> int | None:
    """Where a viewer reads the file's last cross-reference section, read as MuPDF reads it (its white space: NUL, tab,
    LF, FF, CR and space; a vertical tab, which Python's int() skips, is none); None: it finds none and rebuilds the file."""
    tail = data[-VIEWER_TAIL:]
    found = re.match(rb"startxref[\x00\t\n\x0c\r ]*(\d+)", tail[tail.rfind(b"startxref"):])  # none found: no match
    return int(found.group(1)) if found else None


def _same_places(reader: PdfFileReader, places: list[ObjectPlace]) -> bool:
    """Whether pyHanko finds every object where MuPDF does. A cross-reference stream's own number pyHanko may know of
    no place (it notes the stream apart), but never another: MuPDF reads a stream by the number in its header, listed
    or not, and a hybrid file's stream numbered as page 1 was page 1 to MuPDF (red team 5, 2026-12-04)."""
    for place in places:
        ref = generic.Reference(place.number, place.generation if place.kind == "offset" else 0)
        found = reader.xrefs[ref]
        if place.kind == "in-stream":
            if not isinstance(found, ObjStreamRef) or (found.obj_stream_id, found.ix_in_stream) != (place.at, place.generation):
                return False
        elif place.kind == "free":  # MuPDF reads null: pyHanko must find nothing either (a page's content freed)
            if found is not None:
                return False
        elif found != place.at and not (found is None and ref in reader.xrefs.xref_stream_refs):
            return False
    return True


def _same_value(reader: PdfFileReader, ref: generic.Reference, source: ObjectSource | None) -> bool:
    """Whether the object as MuPDF writes it back (read again by pyHanko's parser) is the object pyHanko read."""
    if source is None:
        return False
    text = source.text
    if "/ByteRange" in text:  # a signature's CMS, left out of the comparison, not read again (pyHanko reads hex slowly)
        text = SIGNATURE_CONTENTS.sub("/Contents <>", text, count=1)
    try:
        theirs = _plain(generic.read_object(BytesIO(text.encode("latin-1")), generic.TrailerReference(reader)))
        ours = _plain(reader.get_object(ref))
    except Exception:  # either reading fails where the other did not: not the same
        return False
    if source.stream_sha256 is not None:
        theirs = ("stream", theirs, source.stream_sha256)
    return _same(ours, theirs)


Plain = None | bool | int | float | bytes | str | tuple[object, ...] | list["Plain"] | dict[str, "Plain"]


def _plain(value: object) -> Plain:
    """A pyHanko object as plain values (a signature's /Contents, its CMS, left out: pyHanko judges it, and
    encryption leaves it as written, which MuPDF does not)."""
    if isinstance(value, generic.DecryptedObjectProxy):
        value = value.decrypted
    if isinstance(value, generic.IndirectObject):
        return ("ref", value.idnum, value.generation)
    if isinstance(value, generic.StreamObject):
        return ("stream", _plain(generic.DictionaryObject(value)), _sha256(value.encoded_data))
    if isinstance(value, generic.DictionaryObject):
        signature = "/ByteRange" in value
        return {str(k): _plain(v) for k, v in value.items() if not (signature and k == "/Contents")}
    if isinstance(value, generic.ArrayObject):
        return [_plain(v) for v in value]
    if isinstance(value, generic.NameObject):
        return ("name", str(value))
    if isinstance(value, generic.TextStringObject):
        return _line_ends(value.original_bytes)
    if isinstance(value, generic.ByteStringObject):
        return _line_ends(bytes(value))
    if isinstance(value, generic.BooleanObject):
        return bool(value)
    if isinstance(value, generic.FloatObject):
        return float(value)
    if isinstance(value, generic.NumberObject):
        return int(value)
    if isinstance(value, generic.NullObject):
        return None
    return ("unknown", type(value).__name__)


def _same(a: object, b: object) -> bool:
    """Equal, a real number within NUMBER_SLACK of the other's size (an integer, an object's number among them, exactly:
    with slack, "4000 0 R" was "4002 0 R", red team 5; and no slack beside a real's size: a form's scale of 0.001
    would have been 0.0019)."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and not isinstance(b, bool)
                and abs(a - b) <= NUMBER_SLACK * max(abs(a), abs(b)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _line_ends(string: bytes) -> bytes:
    """A string's line ends as one: a literal string's end of line is a line feed however written (ISO 32000 7.3.4.2),
    which MuPDF applies and pyHanko does not."""
    return string.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
