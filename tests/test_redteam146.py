"""Red team 146: red team 145's fixes (commit 91db839) attacked both ways.

1. handwriting.py: every OCR'd number and date line is read again; print is taken when at most one of eight digit
   readings confidently disagrees. Attack: a hand taken for print (a wrong number/date registered). Genuine: typed
   numbers and dates on scans that the code before (7d8a325) read and that are now left out.
2. particulars.py: `garbled_notation` refuses figures between two slashes that are no four-digit year.
3. corroboration.py: every "số N/…" of the subject counts, one agreeing is enough.

A failing test is a fault. Each docstring says ATTACK (a hostile or unlucky scan/mail), GENUINE (a real clerk's
document or mail) or GUARD (behaviour that holds and must keep holding)."""

from __future__ import annotations

import functools
import json
import time
from pathlib import Path

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.decision.corroboration import corroborate, mail_claims
from gateway.model import Particulars
from gateway.reading import read_pdf_bytes
from gateway.reading.particulars import garbled_notation
from kit import DocumentSpec, render_document, scan
from test_redteam145 import BLACK, BLUE, PURPLE, _blank, _degraded, _hand, _no_wrong_number, _registered, _told
from world import make_world

LIBERATION = Path("/usr/share/fonts/truetype/liberation2")
SERIF = {"regular": "LiberationSerif-Regular.ttf", "italic": "LiberationSerif-Italic.ttf",
         "bold": "LiberationSerif-Bold.ttf"}

# ---- typed numbers and dates set as NĐ 30/2020 sets them ----------------------------------------------------------


def _relaid(pdf: bytes, number: str, date_text: str, size: float, number_face: str, date_face: str) -> bytes:
    """The document with its "Số:" line and its date line set again in Liberation Serif (Times New Roman's metrics,
    the font NĐ 30/2020 prescribes) at `size` pt: the number upright, the date in italic as Phụ lục I sets it."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    words = page.get_text("words")
    so = next(w for w in words if w[4] == "Số:")
    row = [w for w in words if abs(w[3] - so[3]) < 2]
    left = [w for w in row if w[0] < page.rect.width / 2]
    right = [w for w in row if w[0] >= page.rect.width / 2 - 20]
    for w in row:
        page.add_redact_annot(pymupdf.Rect(w[:4]))
    page.apply_redactions()

    def put(text: str, centre: float, face: str) -> None:
        font = pymupdf.Font(fontfile=str(LIBERATION / SERIF[face]))
        writer = pymupdf.TextWriter(page.rect)
        writer.append((centre - font.text_length(text, size) / 2, so[3] - 2), text, font=font, fontsize=size)
        writer.write_text(page)

    put(f"Số: {number}", (min(w[0] for w in left) + max(w[2] for w in left)) / 2, number_face)
    put(date_text, (min(w[0] for w in right) + max(w[2] for w in right)) / 2, date_face)
    return doc.tobytes()


@functools.cache
def _typed(number: str, day: str, month: str, size: float, dpi: int, grey: bool = True, number_face: str = "regular",
           date_face: str = "italic"):  # type: ignore[no-untyped-def]
    pdf = render_document(DocumentSpec(number=number, date=(int(day), int(month), 2026)))
    pdf = _relaid(pdf, number, f"Bắc Giang, ngày {day} tháng {month} năm 2026", size, number_face, date_face)
    return read_pdf_bytes(scan(pdf, dpi=dpi, grey=grey))


def _typed_right(reading, number: str, iso: str) -> None:  # type: ignore[no-untyped-def]
    """A typed number and date on a clean scan are read: printed digits are not handwriting."""
    assert reading.particulars.number == number, (reading.particulars.number, reading.warnings)
    assert reading.particulars.date == iso, (reading.particulars.date, [w.message for w in reading.warnings])


@pytest.mark.parametrize("day,month,size,dpi", [("1", "9", 14, 150), ("25", "11", 13, 150), ("1", "9", 13, 300)])
def test_typed_italic_date_on_a_clean_scan_is_read(day: str, month: str, size: float, dpi: int) -> None:
    """GENUINE: "Bắc Giang, ngày 1 tháng 9 năm 2026" typed in Liberation Serif Italic 13–14 pt (NĐ 30/2020 Phụ lục I),
    greyscale scan at 150 or 300 dpi. The code before (7d8a325) read this date; now every line is read again and the
    italic print's day or month is out-voted: the date is left out of every such document."""
    number = {"1": "05/UBND-TH", "25": "11/STP-VP"}[day]
    _typed_right(_typed(number, day, month, size, dpi), number, f"2026-{int(month):02d}-{int(day):02d}")


def test_typed_bold_date_at_300_dpi_is_read() -> None:
    """GENUINE: an office whose template sets the date line in bold Liberation Serif 13 pt ("ngày 10 tháng 09"),
    scanned at 300 dpi: read before, left out now."""
    _typed_right(_typed("707/UBND-TH", "10", "09", 13, 300, number_face="bold", date_face="bold"),
                 "707/UBND-TH", "2026-09-10")


def test_typed_bold_number_with_a_leading_zero_at_150_dpi_is_read() -> None:
    """GENUINE: "Số: 03/STP-VP" in bold Liberation Serif 13 pt, greyscale 150 dpi: read as 03/STP-VP before; now one
    more dissenting vote of eight leaves the digits out."""
    reading = _typed("03/STP-VP", "10", "09", 13, 150, number_face="bold", date_face="bold")
    assert reading.particulars.number == "03/STP-VP", (reading.particulars.number, reading.warnings)


@pytest.mark.parametrize("number,dpi", [("12345/UBND-TH", 200), ("26/2020/QĐ-UBND", 200)])
def test_typed_regular_number_and_italic_date_are_read(number: str, dpi: int) -> None:
    """GUARD: a five-digit number, a normative document's number with its year, both in
    Liberation Serif 13 pt, the date "10 tháng 09" in italic: read."""
    _typed_right(_typed(number, "10", "09", 13, dpi), number, "2026-09-10")


# ---- handwriting taken for print ---------------------------------------------------------------------------------


@functools.cache
def _hand_scan(number: str, color: tuple, dpi: int, grey: bool, height: float = 12, day: str = "13",
               month: str = "8"):  # type: ignore[no-untyped-def]
    pdf = _hand(_blank(), [(number, "Số:", "/STP-VP"), (day, "ngày", "tháng"), (month, "tháng", "năm")], color=color,
                height=height)
    return read_pdf_bytes(scan(pdf, dpi=dpi, grey=grey))


def _date_right_or_out(reading, iso: str) -> None:  # type: ignore[no-untyped-def]
    assert reading.particulars.date in (None, iso), reading.particulars.date
    if reading.particulars.date is None:
        assert _told(reading, "date"), reading.warnings


@pytest.mark.parametrize("number,color,dpi,grey", [
    ("17", BLACK, 150, True), ("38", BLUE, 300, True), ("69", PURPLE, 200, True), ("2026", BLACK, 200, True)])
def test_a_hand_on_a_scan_is_never_registered_as_other_digits(number: str, color: tuple, dpi: int, grey: bool) -> None:
    """ATTACK: digits a line's print OCR reads with confidence (1/7, 3/8, 6/9, a year-like "2026", "11") by black,
    blue or purple pen, grey or colour, 150–300 dpi: with one dissent of eight now allowed, the number registered is
    the hand's or its digits left out, never others; the day and month (13, 8) likewise."""
    reading = _hand_scan(number, color, dpi, grey, height=14 if dpi == 300 else 12)
    _no_wrong_number(reading, number)
    _date_right_or_out(reading, "2026-08-13")


@pytest.mark.parametrize("day,month", [("11", "7"), ("31", "8")])
def test_a_handwritten_day_and_month_in_black_on_greyscale_are_right_or_left_out(day: str, month: str) -> None:
    """ATTACK: a black-pen day and month (1/7, 3/8) on a greyscale 200 dpi scan: the date registered is the one
    written or none (then low-confidence)."""
    reading = _hand_scan("707", BLACK, 200, True, day=day, month=month)
    _date_right_or_out(reading, f"2026-{int(month):02d}-{int(day):02d}")


REAL_CASES = [("013", "grey150"), ("009", "grey150")]
VARIANTS = {"grey150": dict(dpi=150, grey=True), "jpeg30grey": dict(dpi=200, quality=30, grey=True),
            "rot-1grey": dict(dpi=200, angle=-1.0, grey=True), "300grey": dict(dpi=300, grey=True),
            "rot2": dict(dpi=200, angle=2.0), "150": dict(dpi=150), "grey200": dict(dpi=200, grey=True)}


@pytest.mark.parametrize("name,variant", REAL_CASES)
def test_a_real_scan_scanned_again_never_gives_a_wrong_number_or_date(realpdf: Path, name: str, variant: str) -> None:
    """ATTACK: realpdf scans with handwritten numbers (917, 289) scanned again at greyscale 150 dpi (red team 145 did
    200 and 300): the number registered is the document's or its digits left out, the notation its own; the date its
    own or none. (184 such variants of 23 real scans were tried: none registered a wrong number or date.)"""
    truth = json.loads((realpdf / f"{name}.json").read_text(encoding="utf-8"))
    reading = read_pdf_bytes(_degraded((realpdf / f"{name}.pdf").read_bytes(), **VARIANTS[variant]))
    number, issued = reading.particulars.number, reading.particulars.date
    digits, _, notation = (number or "/").partition("/")
    assert not digits or digits == truth["number"].split("/", 1)[0], number
    assert number is None or notation == truth["number"].split("/", 1)[1], number
    assert issued is None or issued == truth["date"], issued


TYPED_REAL = [("024", "grey150", "number"), ("024", "rot2", "number"), ("023", "jpeg30grey", "number"),
              ("025", "grey150", "date"), ("017", "grey200", "date")]


@pytest.mark.parametrize("name,variant,field", TYPED_REAL)
def test_a_real_typed_scan_scanned_again_keeps_what_the_code_before_read(realpdf: Path, name: str, variant: str,
                                                                         field: str) -> None:
    """GENUINE: real NĐ 30/2020 documents typed in Times (024 Công điện 58/CĐ-VPCP, 023 1178/ĐCK-CTT, 025 Quyết định
    1074/QĐ-BXD "ngày 29 tháng 6", 017 172/TB-STC) scanned again at greyscale 150/200 dpi, JPEG 30 or turned 2°: the
    code before (7d8a325) read the number and date right; now the typed digits are out-voted as if handwritten and
    left out ("chữ số viết tay không đọc được")."""
    truth = json.loads((realpdf / f"{name}.json").read_text(encoding="utf-8"))
    reading = read_pdf_bytes(_degraded((realpdf / f"{name}.pdf").read_bytes(), **VARIANTS[variant]))
    assert getattr(reading.particulars, field) == truth[field], (getattr(reading.particulars, field), truth[field])


# ---- garbled_notation ---------------------------------------------------------------------------------------------


def test_genuine_notations_are_not_garbled() -> None:
    """GUARD: numbers of the corpus and NĐ 30/2020 Phụ lục I (a law "106/2016/QH13", a joint circular, a court's
    "05/2026/QĐST-DS", a unit in brackets) are numbers."""
    for value in ("26/2020/QĐ-UBND", "106/2016/QH13", "12/2026/TTLT-BTC-BNV", "511/TTr-CAT(PC04)", "855/CAT-PA05",
                  "2764/QĐ-TTg", "05/2026/QĐST-DS", "1998/1999/QĐ-UB"):
        assert not garbled_notation(value), value


def test_four_figures_between_slashes_that_are_no_year_are_garbled() -> None:
    """ATTACK: OCR made "7/0707/STP-VP" of a hand's 707 (a slash for a stroke), "2/9178/UBND-VP": four figures that
    no year is (0707, 9178) pass `(?!\\d{4}/)` as a year and the garbage is registered. A year between slashes is one
    of the years documents are issued in (19xx, 20xx)."""
    for value in ("7/0707/STP-VP", "2/9178/UBND-VP"):
        assert garbled_notation(value), value


# ---- corroboration ------------------------------------------------------------------------------------------------


def _doc(number: str | None = "707/UBND-TH", issued: str | None = "2026-09-10") -> Particulars:
    return Particulars(number=number, date=issued)


def _mismatch(reasons) -> str | None:  # type: ignore[no-untyped-def]
    return next((r.message for r in reasons if r.code == "number-mismatch"), None)


def test_a_subject_sending_708_in_answer_to_707_is_told_against_an_attachment_numbered_707() -> None:
    """ATTACK: "Gửi Công văn số 708/UBND-TH, trả lời Công văn số 707/UBND-TH" with the attachment numbered 707: the
    sender attached the letter answered (or a copy passed off as the answer). The subject says the document sent is
    708: the clerk must be told; "one agreeing is enough" takes the quoted 707 as agreement and hides it."""
    subject = "Gửi Công văn số 708/UBND-TH, trả lời Công văn số 707/UBND-TH"
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, mail_claims(subject, "cv.pdf")


def test_a_date_that_belongs_to_another_number_does_not_confirm_this_one() -> None:
    """ATTACK: "Gửi Công văn số 707/UBND-TH ngày 11/9/2026, kèm số 12/UBND-TH ngày 10/9/2026" against 707 of
    10/9/2026: the subject dates 707 the 11th; the 10th is the other document's date. Dates are matched to any number
    of the subject, so the difference is hidden."""
    subject = "Gửi Công văn số 707/UBND-TH ngày 11/9/2026, kèm số 12/UBND-TH ngày 10/9/2026"
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, mail_claims(subject, "cv.pdf")


def test_a_subject_listing_numbers_after_its_own_still_tells_its_own_mismatch() -> None:
    """ATTACK: "Gửi Công văn số 708/UBND-TH (thay thế Công văn số 707/UBND-TH)" — a replacement sent with the
    replaced letter attached: the clerk must be told the attachment is 707, not the 708 sent."""
    subject = "Gửi Công văn số 708/UBND-TH (thay thế Công văn số 707/UBND-TH)"
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None


def test_a_subject_naming_only_the_decree_it_implements_is_no_mismatch() -> None:
    """GENUINE: "V/v triển khai Nghị định số 30/2020/NĐ-CP" — the subject names only the decree the letter implements,
    not the letter's own number: that is no number the mail gives the document (a false alarm at every such mail; so
    before 91db839 too: a number with a year and a decree's notation "NĐ-CP" is not the letter's)."""
    subject = "V/v triển khai Nghị định số 30/2020/NĐ-CP về công tác văn thư"
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is None, mail_claims(subject, "cv.pdf")


@pytest.mark.parametrize("subject", ["Re: Fwd: Gửi Công văn số 707/UBND-TH", "Fwd: V/v trả lời CV 707/UBND-TH",
                                     "Gửi Công văn Số 707-UBND-TH", "Gửi Công văn số 706, 707/UBND-TH",
                                     "Gửi Công văn số ７０７／UBND-TH ngày 10/9/2026",
                                     "Gửi Công văn số 708/UBND-TH ngày 11/9/2026 và số 707/UBND-TH ngày 10/9/2026"])
def test_genuine_subjects_make_no_false_mismatch(subject: str) -> None:
    """GENUINE: Re:/Fwd:, "CV 707/…" without "số", "Số 707-UBND-TH", a range "số 706, 707/…", full-width digits and
    slash, two letters in one mail (each with its own date): no number-mismatch against 707/UBND-TH of 10/9/2026."""
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is None, mail_claims(subject, "cv.pdf")


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 146: a subject naming its letter without \"số\" "
                   "(\"CV 708/…\"), with a dash for the slash or a letter O for a zero makes no claim, so no mismatch is told")
@pytest.mark.parametrize("subject", ["Gửi CV 708/UBND-TH", "Gửi Công văn Số 708-UBND-TH", "Gửi Công văn số 7O8/UBND-TH"])
def test_a_subject_naming_another_number_without_the_word_so_is_told(subject: str) -> None:
    """ATTACK: "Gửi CV 708/UBND-TH" (the commonest way a clerk names a letter), "Số 708-UBND-TH", "số 7O8" (a
    capital O for the zero): the reader sees 708, the attachment is 707; no claim is made of it, no mismatch told
    (so before 91db839 too; now that one agreeing number is enough, these forms can be claimed without false alarms)."""
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, mail_claims(subject, "cv.pdf")


def test_invisible_characters_and_other_digits_do_not_hide_a_mismatch() -> None:
    """GUARD: a zero-width space, superscript and mathematical digits, a fraction slash: still 708, still told."""
    for subject in ("Gửi số 7\u200b08/UBND-TH", "Gửi số ⁷⁰⁸/UBND-TH", "Gửi số 𝟳𝟬𝟴/UBND-TH", "Gửi số 708\u2044UBND-TH"):
        assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, subject


def test_hostile_subjects_and_file_names_are_quick() -> None:
    """GUARD: 1 MB subjects and 200 kB file names made to make the patterns backtrack ("số" and a million spaces,
    "số: 1 /" over and over, a million digits, "SO" and spaces in a file name) are corroborated in well under a
    second each."""
    cases = [("số" + " " * 1_000_000 + "x", "cv.pdf"), ("số: 1 /" * 150_000, "cv.pdf"), ("9" * 1_000_000, "cv.pdf"),
             ("số 1/a ngày 1 / 1 / " * 50_000, "cv.pdf"), ("x", "so" + " " * 200_000 + "1.pdf"),
             ("x", "1" + "-" * 200_000 + "1"), ("số ７" * 200_000, "٧" * 200_000)]
    for subject, name in cases:
        start = time.process_time()
        corroborate(_doc(), subject, name, [])
        assert time.process_time() - start < 2.0, (subject[:20], name[:20])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.sampled_from(list("số: /0123456789ngày.,-_ UBNDTH\u200b７")), min_size=1000, max_size=20000))
def test_random_subjects_never_raise_and_are_linear(subject: str) -> None:
    """GUARD: subjects of the patterns' own pieces in any order: no exception, quick (each under 0.5 s)."""
    start = time.process_time()
    corroborate(_doc(), subject * 10, subject[:500], [])
    assert time.process_time() - start < 0.5


# ---- end to end: what the register holds ---------------------------------------------------------------------------


def ingest_hand(tmp_path_factory, province, name: str, mails: dict[str, tuple[str, str]]):  # type: ignore[no-untyped-def]
    """A colour scan of a hand's 707 dated 25/7, mailed under each subject and file name through `ingest`: the world
    and each mail's output."""
    pki, signers, stranger = province
    w = make_world(tmp_path_factory.mktemp(name), pki, signers, stranger)
    hand = scan(_hand(_blank(), [("707", "Số:", "/STP-VP"), ("25", "ngày", "tháng"), ("7", "tháng", "năm")]), dpi=200,
                grey=False)
    return w, {key: w.ingest(w.mail(key, auth="smtp", subject=subject, attachments=[(filename, hand)]))[0]
               for key, (subject, filename) in mails.items()}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    return ingest_hand(tmp_path_factory, province, "rt146", {
        "answer": ("Gửi Công văn số 709/STP-VP ngày 26/7/2026, trả lời Công văn số 707/STP-VP", "cv.pdf"),
        "quoted": ("V/v thực hiện số 12/STP-VP - gửi Công văn số 707/STP-VP ngày 25/7/2026", "707-STP-VP.pdf")})


def test_end_to_end_a_subject_answering_the_attachment_s_number_is_told(ingested) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: the mail sends "709/STP-VP ngày 26/7/2026, trả lời … 707/STP-VP", the attachment is 707 (the letter
    answered): the register holds the document's 707 and never the mail's 709, and the clerk is told."""
    registered_707_told_709(*ingested, "answer")


def registered_707_told_709(w, outputs, key: str) -> None:  # type: ignore[no-untyped-def]
    """The register holds the hand's 707 of 25/7 (or nothing read), never the mail's 709 of 26/7; the clerk is told."""
    out = outputs[key]
    registered = _registered(w, out)
    assert registered is None or (registered[0] in (None, "", "707") and registered[1] != "2026-07-26"), registered
    assert any(r["code"] == "number-mismatch" and "709" in r["message"] for r in out["reasons"]), out["reasons"]


def test_end_to_end_a_quoted_number_before_the_own_is_no_mismatch_and_never_registered(ingested) -> None:  # type: ignore[no-untyped-def]
    """GUARD: "V/v thực hiện số 12/STP-VP - gửi Công văn số 707/STP-VP ngày 25/7/2026": no mismatch of the number
    (the quoted 12 is no claim once 707 agrees); the register holds 707 (or nothing read), never 12."""
    w, outputs = ingested
    out = outputs["quoted"]
    assert not [r for r in out["reasons"] if r["code"] == "number-mismatch" and "12/" in r["message"]], out["reasons"]
    registered = _registered(w, out)
    assert registered is None or registered[0] in (None, "", "707"), registered
