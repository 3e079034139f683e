"""Numbers and dates a clerk writes by hand into the blanks of a scanned document: read when every
reading agrees, left out with `low-confidence` otherwise, never registered as garbage or as other
digits. Real scans as agencies publish them (shared corpus realpdf 001–016) and scans made here
with a number written in blue by hand strokes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.reading import read_pdf_bytes
from gateway.reading.particulars import garbled_notation
from kit import DocumentSpec, render_document, scan
from test_redteam145 import _hand

SCANS = [f"{n:03d}" for n in range(1, 17)]


@pytest.mark.parametrize("name", SCANS)
def test_a_real_scan_never_gives_a_wrong_number_or_date(realpdf: Path, name: str) -> None:
    truth = json.loads((realpdf / f"{name}.json").read_text(encoding="utf-8"))
    reading = read_pdf_bytes((realpdf / f"{name}.pdf").read_bytes())
    number, issued = reading.particulars.number, reading.particulars.date
    if number is not None:  # its notation is the document's own too (realpdf 014's "855/" was read "/ÕÖŸCAT-PA05_")
        assert truth["number"] is not None and number.split("/", 1)[1] == truth["number"].split("/", 1)[1], number
    digits = (number or "/").split("/", 1)[0]
    if digits:  # digits were registered: they are the document's own
        assert truth["number"] is not None and digits == truth["number"].split("/", 1)[0], number
    elif truth["number"] is not None and number is not None:  # left out, and the clerk is told
        told = [w for w in reading.warnings if w.code == "low-confidence" and w.message.startswith("trường number")]
        assert told, reading.warnings
    assert issued is None or issued == truth["date"]


def test_what_no_number_is_written_with_is_garbage() -> None:
    assert not any(map(garbled_notation, ["123/UBND-VP", "/STP-VP", "26/2020/QĐ-UBND", "04/TTr-HĐND", "2764/QĐ-TTg",
                                          "511/TTr-CAT(PC04)", "15/KH&ĐT-TH"]))
    assert all(map(garbled_notation, ["/ÕÖŸCAT-PA05_", "/TT:-CAT(PC04)", "/TLĐ-DaẳHCl", "†ÖÝ/UBND-TH"]))


def _blank_document() -> bytes:
    return render_document(DocumentSpec(number="              /STP-VP", date=None))


def _handwritten(pdf: bytes, fills: list[tuple[str, str, str]], height: float = 12, width: float = 8) -> bytes:
    """The document with each text drawn in blue pen strokes into the blank between two printed words."""
    return _hand(pdf, fills, height=height, width=width)


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_number_written_by_hand_on_a_colour_scan_is_read(dpi: int) -> None:
    pdf = _handwritten(_blank_document(), [("707", "Số:", "/STP-VP"), ("25", "ngày", "tháng"), ("7", "tháng", "năm")])
    reading = read_pdf_bytes(scan(pdf, dpi=dpi, grey=False))
    assert reading.particulars.number == "707/STP-VP"
    assert reading.sources["number"].via == "handwriting"
    # the date: read, or left out and said so; never another day
    if reading.particulars.date is None:
        assert any(w.code == "low-confidence" and w.message.startswith("trường date") for w in reading.warnings)
    else:
        assert reading.particulars.date == "2026-07-25"


def test_a_scribble_in_the_blank_is_left_out_and_said_so() -> None:
    pdf = _handwritten(_blank_document(), [("~~", "Số:", "/STP-VP"), ("~", "ngày", "tháng"), ("~", "tháng", "năm")])
    reading = read_pdf_bytes(scan(pdf, dpi=200, grey=False))
    assert reading.particulars.number == "/STP-VP"
    assert reading.particulars.date is None
    assert any(w.code == "low-confidence" and w.message.startswith("trường number") for w in reading.warnings)
    assert any(w.code == "low-confidence" and w.message.startswith("trường date") for w in reading.warnings)


def test_a_typed_number_and_date_on_a_scan_are_read_as_before() -> None:
    reading = read_pdf_bytes(scan(render_document(DocumentSpec(number="123/STP-VP")), dpi=200, grey=False))
    assert reading.particulars.number == "123/STP-VP" and reading.particulars.date == "2026-11-20"
    assert not [w for w in reading.warnings if w.code == "low-confidence"]
