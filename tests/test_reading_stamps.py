"""The number and date of a document issued electronically, where the office's signature stamps
them: real files as agencies publish them (shared corpus realpdf 018–023), and a document made and
signed here whose signatures draw the number, the day and the month over its blanks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.reading import read_pdf_bytes
from gateway.reading.lines import Line
from gateway.reading.stamps import Word, fill_blanks
from kit import blank_document, box_between, sign_with_stamp
from world import GATEWAY

STAMPED = ["018", "019", "020", "021", "022", "023"]  # number and date only in the signatures' stamps
TYPED = ["017", "024", "025"]  # signed too, number and date typed in the page's text


@pytest.mark.parametrize("name", STAMPED + TYPED)
def test_real_signed_files_give_the_number_and_date_their_page_shows(realpdf: Path, name: str) -> None:
    truth = json.loads((realpdf / f"{name}.json").read_text(encoding="utf-8"))
    reading = read_pdf_bytes((realpdf / f"{name}.pdf").read_bytes())
    assert (reading.particulars.number, reading.particulars.date) == (truth["number"], truth["date"])
    via = "stamp" if truth["number_location"] == "signature_stamp" else "text"
    assert reading.sources["number"].via == via and reading.sources["date"].via == via
    assert not [w for w in reading.warnings if w.code.startswith(("number-", "date-"))]


def test_a_wrong_file_name_does_not_change_what_the_stamp_says(realpdf: Path) -> None:
    """020 was published as 'CV SỐ 1360'; its stamp reads 1364, and so does the reader."""
    reading = read_pdf_bytes((realpdf / "020.pdf").read_bytes())
    assert reading.particulars.number == "1364/SNV-TCBC"
    assert reading.particulars.date == "2025-09-10"  # day and month both stamped




@pytest.fixture(scope="module")
def stamped(province) -> bytes:  # type: ignore[no-untyped-def]
    pki, signers, _ = province
    pdf = blank_document()
    for field, text, (left, right) in (("Signature2", "707", ("Số:", "/STP-VP")), ("Signature3", "25", ("ngày", "tháng")),
                                       ("Signature4", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, signers["stp"], pki, text=text, box=box_between(pdf, left, right), field_name=field)
    return pdf


def test_the_blanks_alone_give_no_number_and_no_date() -> None:
    reading = read_pdf_bytes(blank_document())
    assert reading.particulars.number == "/STP-VP" and reading.particulars.date is None


def test_a_document_signed_here_is_read_with_the_number_and_date_its_signatures_stamp(stamped: bytes,
                                                                                   tmp_path: Path) -> None:
    path = tmp_path / "707-STP-VP.pdf"
    path.write_bytes(stamped)
    done = subprocess.run([*GATEWAY, "parse", "--json", str(path)],
                          capture_output=True, text=True, check=True, timeout=120)
    out = json.loads(done.stdout)
    assert out["document"]["number"] == "707/STP-VP"
    assert out["document"]["date"] == "2026-11-25"
    assert out["sources"]["number"]["via"] == "stamp" and out["sources"]["date"]["via"] == "stamp"
    assert out["document"]["issuer"] == "SỞ TƯ PHÁP" and out["document"]["signer"] == "Nguyễn Văn An"
    assert not [w for w in out["warnings"] if w.startswith(("number-", "date-"))]


# The pure part: lines of a page, its own words and the stamps, as MuPDF gives them.
def _line(text: str, x0: float, x1: float, y0: float = 94) -> Line:
    return Line(page=1, x0=x0, y0=y0, x1=x1, y1=y0 + 15, text=text, bold=False, page_width=595, page_height=842)


def test_a_stamp_fills_the_blank_it_stands_in_and_its_own_line_goes() -> None:
    lines = [_line("Số: /STC-VP", 107, 212), _line("464", 128, 148, y0=97)]
    words = [Word("Số:", 107, 94, 125, 109), Word("/STC-VP", 160, 94, 212, 109)]
    filled = fill_blanks(lines, words, [Word("464", 128, 97, 148, 110)])
    assert [l.text for l in filled] == ["Số: 464 /STC-VP"]
    assert filled[0].source == "stamp"


def test_a_stamp_between_two_pieces_of_a_line_joins_them() -> None:
    lines = [_line("Số:", 115, 138, y0=115), _line("/ĐCK-CTT", 168, 231, y0=115), _line("1178", 138, 164, y0=119)]
    words = [Word("Số:", 115, 115, 138, 129), Word("/ĐCK-CTT", 168, 115, 231, 129)]
    filled = fill_blanks(lines, words, [Word("1178", 138, 119, 164, 132)])
    assert [l.text for l in filled] == ["Số: 1178 /ĐCK-CTT"]


def test_a_stamp_over_printed_words_or_away_from_any_line_fills_nothing() -> None:
    lines = [_line("Số: 172/TB-STC", 107, 212), _line("172", 128, 148, y0=97), _line("15.01.2026", 300, 360, y0=500)]
    words = [Word("Số:", 107, 94, 125, 109), Word("172/TB-STC", 128, 94, 212, 109)]
    stamps = [Word("172", 128, 97, 148, 110), Word("15.01.2026", 300, 500, 360, 515)]
    assert fill_blanks(lines, words, stamps) == lines


def test_a_stamp_of_words_is_not_a_number_or_a_date() -> None:
    lines = [_line("KT. GIÁM ĐỐC", 368, 476), _line("Người", 480, 510, y0=95)]
    words = [Word("KT.", 368, 94, 390, 109), Word("GIÁM", 393, 94, 430, 109), Word("ĐỐC", 433, 94, 476, 109)]
    assert fill_blanks(lines, words, [Word("Người", 480, 95, 510, 110)]) == lines
