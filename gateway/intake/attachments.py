"""What an attachment is, decided from its bytes against an allow list; its name can only refuse.

Đắk Lắk QĐ 16/2019 Đ4.3 lists the formats exchanged: documents are PDF; drafts may be doc, docx,
odt, xls, xlsx, ods, csv, rtf, txt, jpeg, png. Mail clients add technical parts (an S/MIME
signature, a calendar, a contact card, Outlook's winmail.dat). Everything else, and any of these
with macros, is refused (Bắc Giang QĐ 133/2015 Đ16: no malware passes): executables, scripts,
archives, HTML, OneNote, disk images, shortcuts, polyglots, unknown binary.

The bytes are identified by puremagic (its magic database names what a refused file is), Office
files are opened with olefile and zipfile and searched for macros with oletools, winmail.dat is
opened with tnefparse and what it carries judged the same way.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import olefile
import puremagic

from gateway.intake.mime import TNEF_MAGIC, tnef_files
from gateway.model import AttachmentKind
from vntext import fold


MAX_DEPTH = 4  # files inside files (winmail.dat in winmail.dat, PDF in PDF): deeper is refused
PDF_LEAD = 16  # bytes a reader tolerates before %PDF- (a BOM, blank lines, a little junk)

# What a name or the bytes may say that is never accepted, by family (the note names the family).
_REFUSED_FAMILIES: dict[str, frozenset[str]] = {
    "tệp chạy được": frozenset({
        "exe", "dll", "drv", "sys", "com", "scr", "cpl", "ocx", "efi", "pif", "msi", "msp", "mst", "msix",
        "msixbundle", "appx", "appxbundle", "xll", "wll", "class", "dex", "apk", "ipa", "so", "dylib", "elf",
        "app", "run", "wasm", "gadget", "application", "appref-ms", "diagcab",
    }),
    "tập lệnh": frozenset({
        "bat", "cmd", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "wsc", "ws", "hta",
        "sct", "sh", "bash", "zsh", "csh", "py", "pyw", "pl", "rb", "php", "reg", "inf", "scf", "msc", "au3",
        "ahk", "jnlp", "settingcontent-ms", "library-ms", "searchconnector-ms",
    }),
    "tệp nén": frozenset({
        "zip", "zipx", "rar", "7z", "gz", "tgz", "bz2", "bzip2", "tbz2", "xz", "txz", "lz", "lzma", "zst", "tzst",
        "tar", "cab", "arj", "ace", "lzh", "lha", "z", "cpio", "rpm", "deb", "udeb", "ar", "lib", "pkg", "xar",
        "sit", "sitx", "cbz", "cbr", "cb7", "cbt", "uue", "xxe", "jar", "war", "ear", "wim", "ppz", "snp",
    }),
    "ảnh đĩa": frozenset({"iso", "img", "vhd", "vhdx", "vmdk", "dmg", "udf", "vdi", "qcow", "qcow2"}),
    "trang HTML": frozenset({"html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "svg", "svgz"}),
    "sổ tay OneNote": frozenset({"one", "onepkg", "onetoc2"}),
    "lối tắt": frozenset({"lnk", "url", "website", "webloc", "desktop"}),
    "tệp trợ giúp chạy được": frozenset({"chm", "hlp"}),
    "tài liệu có macro": frozenset({
        "docm", "dotm", "xlsm", "xltm", "xlam", "xla", "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm",
    }),
}
REFUSED_EXTENSIONS: dict[str, str] = {ext: family for family, exts in _REFUSED_FAMILIES.items() for ext in exts}
# puremagic names some formats without an extension (ELF, Mach-O): words of its names that refuse
_REFUSED_WORDS = {"executable": "tệp chạy được", "mach-o": "tệp chạy được", "bytecode": "tệp chạy được",
                  "archive": "tệp nén", "compressed": "tệp nén", "disk image": "ảnh đĩa", "installer": "tệp chạy được"}
_SCRIPT_MAGIC = (b"#!", b"\x00asm")  # a script's interpreter line, WebAssembly: not in puremagic's database

_IMAGES = {"jpg": "ảnh JPEG", "jpeg": "ảnh JPEG", "jfif": "ảnh JPEG", "jpe": "ảnh JPEG", "png": "ảnh PNG",
           "gif": "ảnh GIF", "bmp": "ảnh BMP", "dib": "ảnh BMP", "tif": "ảnh TIFF", "tiff": "ảnh TIFF",
           "webp": "ảnh WebP"}
_PDF_OBJECTS = re.compile(rb"\d+\s+\d+\s+obj\b|\bstartxref\b|\bendobj\b")  # what a PDF reader reads a document from
_DRAFT_IMAGES = {"ảnh JPEG", "ảnh PNG"}  # Đ4.3 names jpeg and png; other plain images are harmless extras
_ODF = {"application/vnd.oasis.opendocument.text": "văn bản OpenDocument",
        "application/vnd.oasis.opendocument.spreadsheet": "bảng tính OpenDocument"}
_SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature"}
_FORWARDED_TYPES = {"message/rfc822", "message/global"}
# parts of delivery and read reports: header blocks, nothing to open
_REPORT_TYPES = {"message/delivery-status", "message/global-delivery-status", "message/disposition-notification",
                 "message/global-disposition-notification", "message/feedback-report", "message/global-headers",
                 "text/rfc822-headers", "message/rfc822-headers"}
# text without a name is a harmless extra unless its declared type says a page or a script
_ACTIVE_TEXT_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript",
                      "application/javascript", "application/x-javascript", "text/vbscript", "application/hta",
                      "application/x-sh", "text/x-sh", "application/x-msdos-program"}
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100)) + b"\t\n\r\f"  # printable in any 8-bit code page
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BMP_HEADER_SIZES = (12, 16, 40, 52, 56, 64, 108, 124)  # the sizes of the DIB headers that may follow "BM"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Classification:
    kind: AttachmentKind  # pdf, draft, harmless, refused; "other" only for what a forwarded mail carries
    what: str  # what the bytes are, in Vietnamese ("PDF", "tài liệu Word", "tệp chạy được", …)
    note: str = ""  # why refused, in Vietnamese, with the file's name


@dataclass(frozen=True)
class _Bytes:
    """What the bytes alone say."""

    what: str
    status: Literal["allowed", "refused", "text", "unknown"]  # text and unknown binary: the name decides
    kind: AttachmentKind = "refused"  # for an allowed format: pdf, draft or harmless


def extension(filename: str) -> str:
    name = filename.strip().strip("\x00").lower().rstrip(". ")
    return name.rsplit(".", 1)[1].strip() if "." in name else ""


def classify(filename: str, content_type: str, data: bytes, depth: int = 0) -> Classification:
    """What one attachment is: the bytes must be of an allowed format, and the name must not say an
    executable, a script, an archive or another refused kind."""
    shown = filename or content_type or "(không tên)"
    ctype = content_type.lower()
    if ctype in _FORWARDED_TYPES:  # mime.parts opens forwarded mails down to its bound
        return _refused("thư chuyển tiếp lồng quá nhiều lớp hoặc không mở được", shown)
    if ctype.startswith("message/") and ctype not in _REPORT_TYPES:  # message/partial, message/external-body
        return _refused(f"phần thư {ctype} không mở được", shown)
    if depth > MAX_DEPTH:
        return _refused("tệp lồng nhau quá nhiều lớp", shown)
    found = _identify(data, depth)
    if found.status == "refused":
        # a PDF reader takes %PDF- within the first kilobyte: an executable or the like before it is a polyglot
        polyglot = b"%PDF-" in data[:1024] and found.what in _REFUSED_FAMILIES and not data.startswith(b"PK")
        disguise = " giả dạng PDF" if polyglot else ""
        return _refused(f"{found.what}{disguise}", shown)
    ext = extension(filename)
    family = REFUSED_EXTENSIONS.get(ext)
    if family is not None:  # a name Windows would run or unpack, whatever the bytes say
        return _refused(f"{family} giả dạng {found.what}" if found.status == "allowed" else family, shown)
    if found.status == "allowed":
        return Classification(found.kind, found.what)
    if ext == "p7s" or ctype in _SIGNATURE_TYPES:  # an S/MIME signature: DER, opening with a SEQUENCE
        return Classification("harmless", "chữ ký S/MIME") if data[:1] == b"0" else _refused("chữ ký S/MIME hỏng", shown)
    if found.status == "text" and (ctype == "application/pgp-signature" or ext == "asc") \
            and data.lstrip().startswith(b"-----BEGIN PGP SIGNATURE-----"):  # an OpenPGP/MIME signature
        return Classification("harmless", "chữ ký OpenPGP")
    if found.status == "text" and ctype in _REPORT_TYPES:
        return Classification("harmless", "báo cáo chuyển thư")
    if found.status == "text":
        return _text(ext, ctype, shown)
    return _refused(found.what, shown)


def is_picture(found: Classification) -> bool:
    """Whether the bytes were found to be a picture (a mail signature's logo, a photo), not what a name or type says."""
    return found.kind != "refused" and found.what in _IMAGES.values()


def in_forwarded_mail(found: Classification) -> Classification:
    """A forwarded mail proves nothing about where its files came from: they are kept, never
    registered as this mail's document or drafts; what is refused stays refused."""
    if found.kind == "refused":
        return found
    return Classification("other", found.what, "trong thư chuyển tiếp")


def _refused(what: str, shown: str) -> Classification:
    return Classification("refused", what, f"{what}: {shown}")


def _text(ext: str, ctype: str, shown: str) -> Classification:
    if ext in ("txt", "csv"):
        return Classification("draft", "văn bản thuần")
    if ext in ("ics", "vcf") or ctype in ("text/calendar", "text/vcard", "text/x-vcard"):
        return Classification("harmless", "lịch hoặc danh thiếp")
    if not ext and ctype not in _ACTIVE_TEXT_TYPES:
        return Classification("harmless", "văn bản thuần")
    if not ext:
        return _refused("trang HTML hoặc tập lệnh", shown)
    return _refused(f"văn bản thuần mang đuôi .{ext} (không thuộc danh mục định dạng được nhận)", shown)


# ---- the bytes ----------------------------------------------------------------------------------

def _guesses(data: bytes) -> list[tuple[str, str]]:
    """puremagic's (extension, name) guesses, best first ([] when nothing matches)."""
    try:
        return [(m.extension.lstrip(".").lower(), m.name) for m in puremagic.magic_string(data)]
    except (puremagic.PureError, ValueError):
        return []


def _refused_family(guesses: list[tuple[str, str]]) -> str | None:
    for ext, name in guesses:
        family = REFUSED_EXTENSIONS.get(ext) or next(
            (f for word, f in _REFUSED_WORDS.items() if word in name.lower()), None)
        if family is not None:
            return family
    return None


def _pdf_start(data: bytes) -> int | None:
    """Where %PDF- starts when the file is a PDF: at the start, after at most a few bytes that are no
    other format's magic (an MZ or zip header before it makes a polyglot)."""
    at = data.find(b"%PDF-", 0, PDF_LEAD + 5)
    if at < 0:
        return None
    lead = data[:at]
    for bom in _BOMS:
        lead = lead.removeprefix(bom)
    binary = b"\x00" in lead.strip(b" \t\r\n\f")  # NULs beside other bytes: a binary header ("\0asm", WebAssembly's)
    lead = lead.strip(b" \t\r\n\f\x00")
    return None if lead and (binary or _guesses(lead) or lead.startswith(_SCRIPT_MAGIC)) else at


def _is_zip(data: bytes) -> bool:
    """A zip reader would open it (it looks for the directory at the end, whatever comes first)."""
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except (OSError, ValueError):
        return False


def _identify(data: bytes, depth: int) -> _Bytes:
    if not data:
        return _Bytes("tệp rỗng", "allowed", "harmless")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _office_zip(data)
    if _pdf_start(data) is not None:
        return _Bytes("PDF ghép với tệp nén", "refused") if _is_zip(data) else _Bytes("PDF", "allowed", "pdf")
    if data.startswith(_OLE_MAGIC):
        return _office_ole(data)
    if data.startswith(TNEF_MAGIC):
        return _winmail(data, depth)
    if data.startswith(_SCRIPT_MAGIC):
        return _Bytes("tập lệnh", "refused")
    guesses = _guesses(data)
    family = _refused_family(guesses)
    if family is not None:
        return _Bytes(family, "refused")
    extensions = {ext for ext, _ in guesses}
    allowed = _allowed_by_magic(data, extensions)
    if allowed is not None:
        return _Bytes(f"{allowed.what} ghép với tệp nén", "refused") if _is_zip(data) else allowed
    if _is_text(data):
        return _Bytes("văn bản thuần", "text")
    if guesses:
        return _Bytes(f"định dạng không được nhận ({guesses[0][1]})", "unknown")
    return _Bytes("tệp nhị phân không rõ định dạng", "unknown")


def _allowed_by_magic(data: bytes, extensions: set[str]) -> _Bytes | None:
    if data.startswith(b"{\\rtf"):
        return _Bytes("văn bản RTF", "allowed", "draft")
    for ext in extensions:
        if ext in _IMAGES:
            what = _IMAGES[ext]
            if what == "ảnh BMP" and int.from_bytes(data[14:18], "little") not in _BMP_HEADER_SIZES:
                continue  # "BM" alone is two letters (a text opening with them is text)
            if _PDF_OBJECTS.search(data):  # a picture carrying a document's objects: a polyglot MuPDF opens as a PDF (red
                return _Bytes(f"{what} mang tài liệu PDF bên trong", "refused")  # teams 160, 161; "%PDF-" alone is text)
            return _Bytes(what, "allowed", "draft" if what in _DRAFT_IMAGES else "harmless")
    return None


def _is_text(data: bytes) -> bool:
    """Plain text in UTF-8, UTF-16 with its BOM, or any 8-bit code page (TCVN3, VNI, cp1258):
    no control characters but tab, line breaks and form feed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return not any(ord(c) < 0x20 and c not in "\t\n\r\f" for c in text[1:])
    return not data.translate(None, _TEXT_BYTES)


def _office_zip(data: bytes) -> _Bytes:
    """A zip is a draft only when it is a Word or Excel document (OOXML) or an OpenDocument text or
    sheet, without macros; any other zip is an archive, whatever it holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            original = archive.namelist()
            names = [n.lower() for n in original]
            content_types = _head(archive, original[names.index("[content_types].xml")], 1_000_000) \
                if "[content_types].xml" in names else None
            mimetype = _head(archive, original[0], 100).strip() if names and names[0] == "mimetype" else b""
    except Exception:  # zipfile fails in many ways on a hostile archive: it cannot be a document then
        return _Bytes("tệp nén hỏng", "refused")
    if content_types is not None:
        what = ("tài liệu Word" if any(n.startswith("word/") for n in names)
                else "bảng tính Excel" if any(n.startswith("xl/") for n in names) else None)
        if what is None:
            return _Bytes("tài liệu Office không phải Word hay Excel", "refused")
        if (b"macroenabled" in content_types.lower()
                or any(n.endswith(("vbaproject.bin", "vbadata.xml")) or "/macrosheets/" in n for n in names)
                or _has_macros(data)):
            return _Bytes("tài liệu có macro", "refused")
        return _Bytes(what, "allowed", "draft")
    what = _ODF.get(mimetype.decode("ascii", "replace"))
    if what is not None:
        if any(n.startswith(("basic/", "scripts/")) for n in names):
            return _Bytes("tài liệu có macro", "refused")
        return _Bytes(what, "allowed", "draft")
    return _Bytes("tệp nén", "refused")


def _head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    with archive.open(name) as member:
        return member.read(size)


def _office_ole(data: bytes) -> _Bytes:
    """An OLE file is a draft only when it is a Word (.doc) or Excel (.xls) file without macros;
    an installer (.msi), an Outlook item, a password-protected file are refused."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            entries = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile fails in many ways on a hostile file
        return _Bytes("tệp Office hỏng", "refused")
    if "encryptedpackage" in entries or "encryptioninfo" in entries:
        return _Bytes("tài liệu Office có mật khẩu (không kiểm tra được macro)", "refused")
    what = ("tài liệu Word" if "worddocument" in entries
            else "bảng tính Excel" if entries & {"workbook", "book"} else None)
    if what is None:
        return _Bytes("tệp OLE không phải tài liệu Word hay Excel", "refused")
    parts = {part for entry in entries for part in entry.split("/")}
    if parts & {"macros", "_vba_project_cur", "vba", "_vba_project"} or _has_macros(data):
        return _Bytes("tài liệu có macro", "refused")
    return _Bytes(what, "allowed", "draft")


def _has_macros(data: bytes) -> bool:
    """oletools' look for VBA projects and Excel 4 (XLM) macros; a file it cannot read counts as having them. Loaded at
    the first Office file (it and pyparsing cost every command 0.14 s of CPU at its start, for a file most mail lacks)."""
    with warnings.catch_warnings():  # oletools' grammar uses pyparsing names deprecated since pyparsing 3
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser
    try:
        parser = VBA_Parser("attachment", data=data)
        try:
            return bool(parser.detect_macros())
        finally:
            parser.close()
    except Exception:  # oletools fails in many ways on a hostile file: refuse what cannot be checked
        return True


def pdfs_inside(found: Classification, data: bytes) -> list[bytes]:
    """What a viewer would show as a PDF from a file that is not the mail's document: a PDF a winmail.dat carries, a
    file refused for the bytes before its %PDF- (MuPDF skips them), a forwarded mail's PDF. Read for marks alone
    (002 Đ16.7: nothing of a secret document is written, wherever in the mail it lies)."""
    if found.kind == "pdf":
        return [data]
    if data.startswith(TNEF_MAGIC):
        carried = tnef_files(data) or []
        return [inner for name, content in carried for inner in pdfs_inside(classify(name, "", content, 1), content)]
    at = data.find(b"%PDF-")  # MuPDF opens a file after any junk (red team 49: 1,500 bytes of it)
    return [data[at:]] if found.kind == "refused" and at >= 0 else []


def _winmail(data: bytes, depth: int) -> _Bytes:
    """Outlook's winmail.dat (TNEF): opened, and each file it carries judged by the same list."""
    carried = tnef_files(data)
    if carried is None:
        return _Bytes("winmail.dat không mở được", "refused")
    for name, content in carried:
        inner = classify(name, "", content, depth + 1)
        if inner.kind == "refused":
            return _Bytes(f"winmail.dat chứa {inner.what} ({name or 'không tên'})", "refused")
    return _Bytes("winmail.dat", "allowed", "harmless")


def _name_words(filename: str) -> tuple[str, ...]:
    """A file name's words without its extension, folded: "707-UBND-TH_ký số.pdf" is ("707", "UBND", "TH", "KY", "SO")."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    return tuple(re.findall(r"[0-9A-Z]+", fold(stem)))


def draft_owner(draft: str, documents: Sequence[str]) -> int | None:
    """Which of a mail's documents (their PDFs' file names) a draft goes with: the one named as it is, else the one whose
    name and its name go on one from the other ("707-UBND-TH.docx" and "707-UBND-TH_signed.pdf") in the most words (red
    team 93: "CV 55 bổ sung - dự thảo.docx" is "CV 55 bổ sung.pdf"'s, not "CV 55.pdf"'s), else the mail's only
    document; None where that does not tell one (several documents, the draft named after none, or after two alike:
    red team 85)."""
    words = _name_words(draft)
    named = [i for i, document in enumerate(documents) if words and _name_words(document) == words]
    if not named:
        shared = [_shared_start(words, _name_words(document)) for document in documents]
        most = max(shared, default=0)
        named = [i for i, n in enumerate(shared) if n == most] if most else []
    if len(named) == 1:
        return named[0]
    return 0 if not named and len(documents) == 1 else None


def _shared_start(one: tuple[str, ...], other: tuple[str, ...]) -> int:
    """How many words two names share where one goes on from the other (0: neither does)."""
    shorter, longer = sorted((one, other), key=len)
    return len(shorter) if shorter and longer[:len(shorter)] == shorter else 0
