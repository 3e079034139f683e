"""Active content in a PDF: what a reader would run or open besides showing the pages.

Bắc Giang QĐ 133/2015 Đ16 (no malware passes): a PDF carrying JavaScript, an action that launches a
program, submits or imports data, opens another or an embedded file, rich media, or an embedded file
outside the allowed formats is refused like any attachment outside the list. Links to web pages,
go-to-page actions, forms without scripts and signatures are ordinary and pass.

Every object of the file is looked at, wherever an action sits (/OpenAction, /AA of a page, a field
or an annotation, /Next of another action, the /JavaScript name tree); MuPDF writes names decoded
(/J#61vaScript is /JavaScript), and the text of strings is set aside so a title cannot trigger a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pymupdf

from gateway.intake.attachments import classify

MAX_DEPTH = 2  # PDFs embedded in embedded PDFs: deeper ones are not opened (and refused)

_ACTIONS = {
    "JavaScript": "JavaScript",
    "Launch": "lệnh chạy chương trình (Launch)",
    "SubmitForm": "gửi dữ liệu biểu mẫu ra ngoài (SubmitForm)",
    "ImportData": "nhập dữ liệu từ tệp khác (ImportData)",
    "GoToE": "lệnh mở tệp nhúng (GoToE)",
    "RichMediaExecute": "nội dung đa phương tiện (RichMedia)",
}
_CANDIDATE = re.compile(r"/(JS|JavaScript|Launch|SubmitForm|ImportData|GoToE|GoToR|RichMedia\w*|EF|FileAttachment)\b")
_ACTION = re.compile(r"/S\s*/(\w+)")
_JS_KEY = re.compile(r"/JS(?=[\s/<>\[\]()]|$)")
_REF = re.compile(r"(\d+)\s+\d+\s+R\b")
_EF_DIRECT = re.compile(r"/EF\s*<<(.*?)>>", re.S)
_EF_INDIRECT = re.compile(r"/EF\s+(\d+)\s+\d+\s+R\b")


def active_content(doc: pymupdf.Document, depth: int = 0) -> tuple[str, ...]:
    """What in the document would run or open something (in Vietnamese), () for an ordinary PDF."""
    findings, named, streams = _scan(doc)
    for name, data in named:
        findings += _judged(name, data, depth)
    for data in streams:
        findings += _judged("", data, depth)
    return tuple(dict.fromkeys(findings))


def embedded_documents(doc: pymupdf.Document) -> tuple[str, ...]:
    """The files embedded in the document that `active_content` does not refuse (another PDF, a draft): documents a
    reader opens with a click, that the page does not show (their names; "không tên" for an unnamed one)."""
    _, named, streams = _scan(doc)
    kept = [name or "không tên" for name, data in named if classify(name, "", data, depth=1).kind != "refused"]
    if not named and any(classify("", "", data, depth=1).kind != "refused" for data in streams):
        kept.append("không tên")
    return tuple(dict.fromkeys(kept))


def _scan(doc: pymupdf.Document) -> tuple[list[str], list[tuple[str, bytes]], list[bytes]]:
    """Every object of the document looked at once: the actions found, the embedded files with their names, and the
    bytes of every embedded file's stream (the named ones again, nameless)."""
    findings: list[str] = []
    embedded: set[int] = set()  # the streams of embedded files, wherever their file specification sits
    annotations: list[int] = []  # file-attachment annotations
    for xref in range(1, doc.xref_length()):
        source = _source(doc, xref)
        if not _CANDIDATE.search(source):
            continue
        bare = _without_strings(source)
        findings += _actions(bare)
        embedded |= _embedded_streams(doc, bare)
        if "/FileAttachment" in bare:
            annotations.append(xref)
    streams: list[bytes] = []
    for xref in sorted(embedded):
        try:
            streams.append(doc.xref_stream(xref) or b"")
        except Exception:  # MuPDF cannot decode the stream: nothing a reader could open either
            continue
    return findings, _named_files(doc, annotations), streams


def active_content_of(data: bytes) -> tuple[str, ...]:
    """active_content of a PDF's bytes, opened whole ((): MuPDF cannot open it, another check says so)."""
    return _of(data, active_content)


def embedded_documents_of(data: bytes) -> tuple[str, ...]:
    """embedded_documents of a PDF's bytes, opened whole, later revisions included."""
    return _of(data, embedded_documents)


def hidden_layers(doc: pymupdf.Document) -> tuple[str, ...]:
    """The optional content (layers) a viewer may show otherwise than the page was read: a layer off in the view the
    file opens with, or states an event sets (/AS: printing, viewing); their names (red team 112: a layer off on screen
    and on in print drew "- Sở Tài chính." under our block, signed unseen)."""
    layers = doc.get_ocgs() or {}
    found = [str(layer.get("name") or xref) for xref, layer in layers.items() if not layer.get("on", True)]
    # states an event sets (printing, viewing) that turn a layer off (red team 115: layers all on, their usage on too, as
    # PDFMaker and InDesign write them, are no layer shown otherwise)
    if doc.xref_get_key(doc.pdf_catalog(), "OCProperties/D/AS")[0] != "null" and any(
            _STATE_OFF.search(doc.xref_object(xref, compressed=True)) for xref in layers):
        found.append("/AS")
    # a membership of layers shown when they are off (/AllOff, /AnyOff), or by an expression (/VE, which MuPDF does not
    # evaluate): what it marks is shown otherwise than read once a layer is switched (red team 113)
    if doc.get_ocgs():
        for xref in range(1, doc.xref_length()):
            source = doc.xref_object(xref, compressed=True)  # a dictionary's source (a stream's without its data)
            if "/OCMD" in source and _SHOWN_OTHERWISE.search(source):
                found.append(f"OCMD {xref}")
    return tuple(dict.fromkeys(found))


_SHOWN_OTHERWISE = re.compile(r"/P\s*/A(?:ll|ny)Off|/VE\b")
_STATE_OFF = re.compile(r"State\s*/OFF")  # /ViewState, /PrintState, /ExportState of a layer's /Usage


def hidden_layers_of(data: bytes) -> tuple[str, ...]:
    """hidden_layers of a PDF's bytes, opened whole."""
    return _of(data, hidden_layers)


def _of(data: bytes, look: Callable[[pymupdf.Document], tuple[str, ...]]) -> tuple[str, ...]:
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # MuPDF raises a generic error on broken files
        return ()
    with doc:
        if doc.needs_pass and not doc.authenticate(""):
            return ()
        return look(doc)


def _source(doc: pymupdf.Document, xref: int) -> str:
    try:
        return doc.xref_object(xref, compressed=True)
    except Exception:  # a broken object: MuPDF raises a generic error
        return ""


def _actions(bare: str) -> list[str]:
    found = [_ACTIONS[kind] for kind in _ACTION.findall(bare) if kind in _ACTIONS]
    if _JS_KEY.search(bare) or "/JavaScript" in bare:
        found.append(_ACTIONS["JavaScript"])
    if re.search(r"/S\s*/GoToR\b", bare) and re.search(r"/F\b", bare):
        found.append("lệnh mở tệp khác (GoToR)")
    if "/RichMedia" in bare:
        found.append(_ACTIONS["RichMediaExecute"])
    return found


def _embedded_streams(doc: pymupdf.Document, bare: str) -> set[int]:
    refs = [r for body in _EF_DIRECT.findall(bare) for r in _REF.findall(body)]
    for ef in _EF_INDIRECT.findall(bare):
        refs += _REF.findall(_without_strings(_source(doc, int(ef))))
    return {int(r) for r in refs if 0 < int(r) < doc.xref_length()}


def _named_files(doc: pymupdf.Document, annotations: list[int]) -> list[tuple[str, bytes]]:
    """Embedded files with their names: the document's list of attachments and file-attachment
    annotations (their bytes are judged again, nameless, among all embedded streams)."""
    files: list[tuple[str, bytes]] = []
    try:
        for index in range(doc.embfile_count()):
            info = doc.embfile_info(index)
            files.append((str(info.get("ufilename") or info.get("filename") or info.get("name") or ""),
                          doc.embfile_get(index)))
    except Exception:  # a broken name tree: the streams are still judged by their bytes
        pass
    for xref in annotations:
        try:
            kind, ref = doc.xref_get_key(xref, "FS/EF/F")
            name = doc.xref_get_key(xref, "FS/UF")[1] or doc.xref_get_key(xref, "FS/F")[1]
            if kind == "xref":
                files.append((name, doc.xref_stream(int(ref.split()[0])) or b""))
        except Exception:  # a broken annotation: its stream is still judged by its bytes
            continue
    return files


def _judged(name: str, data: bytes, depth: int) -> list[str]:
    found = classify(name, "", data, depth=1)
    if found.kind == "refused":
        return [f"tệp nhúng {found.note}"]
    if found.kind != "pdf":
        return []
    if depth >= MAX_DEPTH:
        return [f"tệp PDF nhúng lồng quá nhiều lớp: {name or 'không tên'}"]
    try:
        inner = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # MuPDF raises a generic error on broken files
        return [f"tệp PDF nhúng không mở được: {name or 'không tên'}"]
    with inner:
        return [f"trong tệp nhúng {name or 'không tên'}: {f}" for f in active_content(inner, depth + 1)]


def _without_strings(source: str) -> str:
    """The object's text with the contents of its strings, literal (…) and hexadecimal <…>, left out."""
    out: list[str] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "(":
            depth, i = 1, i + 1
            while i < n and depth:
                ch = source[i]
                if ch == "\\":
                    i += 2
                    continue
                depth += (ch == "(") - (ch == ")")
                i += 1
            out.append("()")
        elif c == "<" and source.startswith("<<", i):
            out.append("<<")
            i += 2
        elif c == "<":
            end = source.find(">", i)
            i = n if end < 0 else end + 1
            out.append("<>")
        else:
            out.append(c)
            i += 1
    return "".join(out)
