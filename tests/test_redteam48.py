"""Red team 48 (002 Đ16.7: nothing of a document marked secret is written anywhere, whatever becomes of its mail), at the
places a PDF hides in a mail without being its document: a forwarded mail (red team 45), Outlook's winmail.dat, a file
refused for the junk before its %PDF- that every viewer skips, a mark added in an unsigned revision after the signature,
an attached mail named "….eml." (Windows drops the dot); and the clerk's release of a mail held unread at intake. Each
wrote the secret letter (or its mail) to the store, or registered it; each test failed before its fix."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path
from typing import Any

import pymupdf

from gateway.demo.mails import make_mail
from kit import font_file
from world import STP, World

OTHER = "nguoi.khac@example.vn"


def _secret(world: World) -> bytes:
    return world.signed("stp", world.document(number="12/STP-VP", secrecy="MẬT"))


def _written(world: World) -> list[str]:
    return world.stored_files()


def _mails(world: World) -> list[tuple[Any, ...]]:
    with sqlite3.connect(world.root / "qlvb.db") as db:
        return db.execute("select subject, stored from mails").fetchall()


def _nothing_written(world: World, out: dict[str, Any]) -> None:
    codes = [r["code"] for r in out["reasons"]]
    assert _written(world) == [], (out["verdict"], codes, _written(world))
    assert all(subject is None and not stored for subject, stored in _mails(world)), _mails(world)
    assert "secret-document" in codes and out["incoming_number"] is None, codes


def _winmail(*files: tuple[str, bytes]) -> bytes:
    """Outlook's winmail.dat (TNEF) carrying these files."""
    def attribute(level: int, ident: int, kind: int, data: bytes) -> bytes:
        return struct.pack("<BHHI", level, ident, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)
    out = b"\x78\x9f\x3e\x22" + b"\x01\x00" + attribute(1, 0x9006, 0x0009, b"\x00\x00\x01\x00")
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)
        out += attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")
        out += attribute(2, 0x800F, 0x0006, data)
    return out


def _forwarded(world: World, name: str, pdf_name: str, data: bytes) -> Path:
    inner = make_mail(sender=OTHER, to=[STP], subject="Chuyển tiếp", attachments=[(pdf_name, data)])
    return world.mail(name, attachments=[("thu-chuyen-tiep.eml", inner)])


def test_a_secret_pdf_in_a_winmail_dat_is_written_nowhere(world: World) -> None:
    [out] = world.ingest(world.mail("tnef", attachments=[("winmail.dat", _winmail(("mat.pdf", _secret(world))))]))
    _nothing_written(world, out)
    assert out["verdict"] == "returned"  # to the proven sender: send it on paper


def test_a_secret_pdf_in_a_forwarded_mails_winmail_dat_is_written_nowhere(world: World) -> None:
    [out] = world.ingest(_forwarded(world, "fwd-tnef", "winmail.dat", _winmail(("mat.pdf", _secret(world)))))
    _nothing_written(world, out)


def test_a_forwarded_mail_named_with_a_trailing_dot_is_opened(world: World) -> None:
    inner = make_mail(sender=OTHER, to=[STP], subject="x", attachments=[("mat.pdf", _secret(world))])
    [out] = world.ingest(world.mail("dot", attachments=[("thu-chuyen-tiep.eml.", inner)]))
    _nothing_written(world, out)


def test_a_secret_pdf_behind_a_junk_line_is_written_nowhere(world: World) -> None:
    pdf = b"%" + b"x" * 60 + b"\n" + _secret(world)  # refused for the junk, but every viewer opens it
    assert "MẬT" in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()
    [out] = world.ingest(world.mail("junk", attachments=[("mat.pdf", pdf)]))
    _nothing_written(world, out)


def _marked_after_signing(world: World, tmp_path: Path) -> bytes:
    """An ordinary signed letter, "MẬT" then added where the mark stands, in an unsigned incremental update."""
    marked = pymupdf.open(stream=world.document(number="12/STP-VP", secrecy="MẬT"), filetype="pdf")[0]
    x0, y0, _, y1 = next(w for w in marked.get_text("words") if w[4] == "MẬT")[:4]
    signed = world.signed("stp", world.document(number="12/STP-VP"))
    path = tmp_path / "s.pdf"
    path.write_bytes(signed)
    doc = pymupdf.open(path)
    doc[0].insert_font(fontname="vnb", fontfile=str(font_file(True)))
    doc[0].insert_text((x0, y1 - 2), "MẬT", fontname="vnb", fontsize=(y1 - y0) * 0.9)
    doc.saveIncr()
    doc.close()
    return path.read_bytes()


def test_a_mark_added_after_the_signature_makes_the_letter_secret(world: World, tmp_path: Path) -> None:
    [out] = world.ingest(world.mail("incr", attachments=[("cv.pdf", _marked_after_signing(world, tmp_path))]))
    _nothing_written(world, out)


def test_a_forwarded_letter_marked_after_its_signature_is_written_nowhere(world: World, tmp_path: Path) -> None:
    [out] = world.ingest(_forwarded(world, "incr-fwd", "cv.pdf", _marked_after_signing(world, tmp_path)))
    _nothing_written(world, out)


def test_the_clerks_release_of_a_mail_held_unread_destroys_a_secret_letter_and_registers_nothing(world: World) -> None:
    """Held unread at intake (here: more files than limits.max_files_per_mail; a worker past its time is the same), its
    original kept; read again at the clerk's release, it is secret: refused, the original destroyed, nothing numbered."""
    world.extra["limits"] = {"max_files_per_mail": 1}
    world.write_config()
    [out] = world.ingest(world.mail("held", sender="x@example.vn", auth=None,
                                    attachments=[("mat.pdf", _secret(world)), ("ghi-chu.txt", b"ghi chu\n")]))
    assert (out["verdict"], [r["code"] for r in out["reasons"]]) == ("quarantined", ["too-many-files"])
    assert _written(world)  # kept for the clerk: the gateway could not know
    world.extra["limits"] = {"max_files_per_mail": 100}
    world.write_config()
    with sqlite3.connect(world.root / "qlvb.db") as db:
        [(mail_id,)] = db.execute("select id from mails").fetchall()
    done = world.run("review", "release", str(mail_id), "--config", str(world.config_path), check=False)
    assert done.returncode != 0 and "secret" in done.stderr + done.stdout, (done.returncode, done.stderr[-500:])
    with sqlite3.connect(world.root / "qlvb.db") as db:
        assert db.execute("select count(*) from documents").fetchone() == (0,)
        assert db.execute("select count(*) from document_files").fetchone() == (0,)
    assert _written(world) == [] and _mails(world) == [(None, 0)]


def test_a_secret_mail_forgotten_at_release_can_still_be_returned_to_its_proven_sender(world: World) -> None:
    """Red team 49: the release destroyed the original, and with it the only proof of the sender (DKIM is checked on
    the original): the clerk, told to return it, was refused ("nothing proves the sender"). The proof is kept."""
    world.extra["limits"] = {"seconds_per_document": 0.001}  # its reading stopped: held whatever its sender
    world.write_config()
    [out] = world.ingest(world.mail("held", attachments=[("mat.pdf", _secret(world))]))
    assert (out["verdict"], [r["code"] for r in out["reasons"]]) == ("quarantined", ["processing-failed"]), out
    del world.extra["limits"]
    world.write_config()
    with sqlite3.connect(world.root / "qlvb.db") as db:
        [(mail_id,)] = db.execute("select id from mails").fetchall()
    assert world.run("review", "release", str(mail_id), "--config", str(world.config_path), check=False).returncode != 0
    done = world.run("review", "return", str(mail_id), "--reason", "Văn bản mật: đề nghị gửi bản giấy", "--config",
                     str(world.config_path), check=False)
    assert done.returncode == 0, done.stderr[-800:]
    with sqlite3.connect(world.root / "qlvb.db") as db:
        assert (STP, "return") in db.execute("select recipient, kind from outbox").fetchall()


def test_a_secret_pdf_behind_more_than_a_kilobyte_of_junk_is_written_nowhere(world: World) -> None:
    """Red team 49: MuPDF opens a file after any junk before its %PDF-, not only a kilobyte of it."""
    pdf = b"%" + b"x" * 1500 + b"\n" + _secret(world)
    assert "MẬT" in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()
    [out] = world.ingest(world.mail("junk", attachments=[("mat.pdf", pdf)]))
    _nothing_written(world, out)


def test_a_secret_pdf_embedded_in_an_ordinary_signed_letter_is_written_nowhere(world: World) -> None:
    """Red team 49: a secret letter embedded as a file in an ordinary one (a viewer opens it with a click) was
    registered and stored with it."""
    doc = pymupdf.open(stream=world.document(number="13/STP-VP"), filetype="pdf")
    doc.embfile_add("mat.pdf", _secret(world), filename="mat.pdf")
    [out] = world.ingest(world.mail("emb", attachments=[("cv.pdf", world.signed("stp", doc.tobytes()))]))
    _nothing_written(world, out)
