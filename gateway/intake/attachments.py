"""What an attachment is, by its bytes first and its name second.

Đắk Lắk QĐ 16/2019 Đ4.3 lists the formats exchanged: documents are PDF; drafts may be doc, docx,
odt, xls, xlsx, ods, csv, rtf, txt, jpeg, png. Executables, scripts, archives and macro documents
are refused (Bắc Giang QĐ 133/2015 Đ16: no malware passes).
"""

from __future__ import annotations

import io
import zipfile

from gateway.model import AttachmentKind

DRAFT_EXTENSIONS = {"doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "rtf", "txt", "jpeg", "jpg", "png"}
HARMLESS_EXTENSIONS = {"p7s", "p7m", "sig", "gif", "bmp", "ics", "vcf", "htm", "html", "xml"}
HARMLESS_NAMES = {"winmail.dat", "smime.p7s"}
SCRIPT_EXTENSIONS = {
    "exe", "com", "scr", "pif", "cpl", "dll", "msi", "msp", "bat", "cmd", "ps1", "psm1", "vbs", "vbe",
    "js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "sh", "bash", "py", "pl", "reg", "app", "apk",
    "deb", "rpm", "iso", "img", "vhd", "chm", "msc", "gadget", "inf", "sys",
}
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "ppsm", "sldm"}
ARCHIVE_EXTENSIONS = {"zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "cab", "arj", "lzh", "ace", "z", "zst"}
OOXML_ODF = {"docx", "xlsx", "odt", "ods", "pptx", "odp"}

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")
_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF", b"\x28\xb5\x2f\xfd",
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_pdf(data: bytes) -> bool:
    """PDF by its bytes: the header may follow some junk, within the first kilobyte (as readers allow)."""
    return b"%PDF-" in data[:1024]


def extension(filename: str) -> str:
    name = filename.strip().lower().rstrip(".")
    return name.rsplit(".", 1)[1] if "." in name else ""


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None


def classify(filename: str, content_type: str, data: bytes) -> tuple[AttachmentKind, str]:
    """(kind, note): pdf, draft, harmless, refused (with why) or other (kept, ignored)."""
    ext = extension(filename)
    lower_name = filename.strip().lower()
    if is_pdf(data):
        return "pdf", ""
    if data.startswith(_EXECUTABLE_MAGIC) or ext in SCRIPT_EXTENSIONS:
        return "refused", f"tệp chạy được hoặc tập lệnh: {filename or content_type}"
    if ext in MACRO_EXTENSIONS:
        return "refused", f"tài liệu có macro: {filename}"
    if data.startswith(_OLE):
        if b"_\x00V\x00B\x00A\x00_\x00P\x00R\x00O\x00J\x00E\x00C\x00T" in data or b"Macros" in data[:65536]:
            return "refused", f"tài liệu có macro: {filename}"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        names = _zip_names(data)
        if ext in OOXML_ODF and names is not None:
            if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names):
                return "refused", f"tài liệu có macro: {filename}"
            return "draft", ""
        return "refused", f"tệp nén: {filename or content_type}"
    if data.startswith(_ARCHIVE_MAGIC) or ext in ARCHIVE_EXTENSIONS or (len(data) > 262 and data[257:262] == b"ustar"):
        return "refused", f"tệp nén: {filename or content_type}"
    if lower_name in HARMLESS_NAMES or ext in HARMLESS_EXTENSIONS:
        return "harmless", ""
    if ext in DRAFT_EXTENSIONS:
        return "draft", ""
    if content_type.startswith("image/") or content_type in (
        "application/pkcs7-signature", "application/x-pkcs7-signature", "application/ms-tnef", "text/calendar",
    ):
        return "harmless", ""
    return "other", ""
