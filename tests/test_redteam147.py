"""Red team 147: red team 146's fixes (commits 6e8da45, 138245f) attacked both ways.

1. handwriting.py `_read_blank`/`_confirmed`: digits the page's OCR read with confidence are taken for print where
   the line read again agrees (or reads no digits), no blue pen is seen, and the digit readings "confirm" them: at
   least `least` (1 or 4) of eight read exactly `seen`, more than any one other value read with confidence >= 0.80,
   a reading that is a substring of `seen` not counted against it. Attack: a hand the page misreads, one reading
   agreeing while the others scatter, or read as a part of `seen`. Genuine: typed numbers and dates still read.
2. corroboration.py: numbers the subject QUOTES (a quoting word at most three words before "số") are no claims; one
   agreeing subject number is enough, the date compared the one after it; other documents' numbers skipped. Attack:
   a quoting word the forger puts before his own number; false mismatches for genuine subjects; slow subjects.

A failing test is a fault. Each docstring says ATTACK (a hostile or unlucky scan/mail), GENUINE (a real clerk's
document or mail) or GUARD (behaviour that holds and must keep holding)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gateway.decision.corroboration import corroborate, mail_claims
from gateway.model import Particulars
from gateway.reading import handwriting as hw
from gateway.reading import read_pdf_bytes
from kit import scan
from test_redteam145 import BLACK, BLUE, PURPLE, _blank, _degraded, _hand, _no_wrong_number, _registered
from test_redteam146 import VARIANTS, _date_right_or_out, _typed, _typed_right, ingest_hand, registered_707_told_709

# ---- _confirmed: the digit readings that let the page's OCR stand as print -----------------------------------------

_INK = Image.new("L", (40, 20), 255)  # never read: the readings are given


def _confirmed_with(monkeypatch, seen: str, least: int, votes: list) -> tuple[bool, int]:  # type: ignore[no-untyped-def]
    """_confirmed(seen, …, least) where the eight digit readings are `votes`; with how many were made. `least` as
    `_least` gives it since red team 147's fix: 2 where the line read again read the same digits less surely, 4 where
    it read none."""
    made = []

    def given_votes(ink):  # type: ignore[no-untyped-def]
        for vote in votes:
            made.append(vote)
            yield vote

    monkeypatch.setattr(hw, "_votes", given_votes)
    return hw._confirmed(seen, _INK, least), len(made)


def test_a_hand_17_the_page_read_717_is_not_confirmed_by_readings_of_17(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK (the substring loophole): a hand's "17" that the page's OCR (and the line read again) read "717" with
    confidence; one digit reading says 717, the seven others, confident, say 17. "17" is a substring of "717" so it is
    not counted against it and 717 is 'confirmed' by one reading of eight: the register would get 717 for 17. Seven
    confident readings of the hand's own 17 are dissent, not a cut of the blank's edge."""
    ok, _ = _confirmed_with(monkeypatch, "717", 2, [("717", 0.90)] + [("17", 0.97)] * 7)
    assert not ok


def test_a_hand_1_the_page_read_11_is_not_confirmed_by_readings_of_1(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: a hand's "1" read "11" by the page; one reading says 11, seven say 1 (a substring of 11): confirmed 11."""
    ok, _ = _confirmed_with(monkeypatch, "11", 2, [("11", 0.85)] + [("1", 0.96)] * 7)
    assert not ok


def test_a_year_like_2026_is_not_confirmed_by_readings_of_its_parts(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: a hand's "26" (or "202") the page read as "2026": readings of 26, 202, 20, 6, each confident and each a
    substring of 2026, are all thrown away; one reading of 2026 then outweighs seven of other values."""
    votes = [("2026", 0.88), ("26", 0.97), ("202", 0.95), ("26", 0.96), ("20", 0.9), ("26", 0.97), ("6", 0.9),
             ("26", 0.95)]
    ok, _ = _confirmed_with(monkeypatch, "2026", 2, votes)
    assert not ok


def test_one_agreeing_reading_among_readings_of_nothing_is_no_confirmation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: a hand the page's OCR misread as "707"; one digit reading agrees, the seven others read no digits at
    all (None). 1 of 8 agreeing 'confirms' print: what the digit readings cannot read is no print. (Where the line read
    again read the same figures each with confidence, one reading is enough: realpdf 015's typed month, below.)"""
    ok, _ = _confirmed_with(monkeypatch, "707", 2, [("707", 0.82)] + [None] * 7)
    assert not ok


def test_an_unconfident_agreeing_reading_confirms_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: the agreeing reading is counted whatever its confidence (0.31), while a dissent counts only at 0.80:
    one doubtful reading of the page's "49" against scattered confident dissent (19, 14, 18, each once) and readings
    of nothing confirms 49 for a hand's 19."""
    votes = [("49", 0.31), ("49", 0.35), ("19", 0.9), ("14", 0.85), ("18", 0.88), None, None, None]
    ok, _ = _confirmed_with(monkeypatch, "49", 2, votes)
    assert not ok


def test_two_of_eight_against_six_scattered_dissents_is_no_confirmation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: six confident readings disagree with the page's "38" (scattered: 88, 36, 58, 33, 86, 39) and two agree:
    'more than any one other value' holds (2 > 1), so a hand's 88 is registered as the page's 38. Three quarters of the
    readings confidently saying otherwise is no confirmation of print."""
    votes = [("38", 0.9), ("88", 0.9), ("36", 0.9), ("38", 0.9), ("58", 0.9), ("33", 0.9), ("86", 0.9), ("39", 0.9)]
    ok, _ = _confirmed_with(monkeypatch, "38", 2, votes)
    assert not ok


def test_a_tie_of_four_and_four_substrings_is_no_confirmation(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: the line read again read no digits (least = 4): four readings say 717, four confidently say 17. A tie
    between the page's value and the hand's is settled for the page because 17 is a substring of 717."""
    ok, _ = _confirmed_with(monkeypatch, "717", 4, [("717", 0.9), ("17", 0.97)] * 4)
    assert not ok


def test_typed_print_read_alike_by_all_readings_is_confirmed_early(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GUARD: print's 58, read 58 by every reading, is confirmed (and not every reading made once the answer is
    known); print's 58 read 58 six times and 38 twice is confirmed; a cut of the edge (151 of 1519) is no dissent."""
    ok, made = _confirmed_with(monkeypatch, "58", 2, [("58", 0.95)] * 8)
    assert ok and made < 8
    assert _confirmed_with(monkeypatch, "58", 2, [("58", 0.95)] * 3 + [("38", 0.9)] * 2 + [("58", 0.95)] * 3)[0]
    assert _confirmed_with(monkeypatch, "1519", 4, [("1519", 0.95)] * 6 + [("151", 0.9)] * 2)[0]


# ---- hands drawn and scanned, end to end of the reading ------------------------------------------------------------


@pytest.mark.parametrize("number,color,dpi,grey", [
    ("117", BLUE, 200, True), ("171", PURPLE, 150, True), ("1717", BLACK, 300, True)])
def test_a_hand_of_ones_and_sevens_is_never_registered_as_other_digits(number: str, color: tuple, dpi: int,
                                                                       grey: bool) -> None:
    """ATTACK: hands of 1s and 7s (read by print OCR as one another, and as parts of one another) in black, blue and
    purple on grey and colour scans at 150–300 dpi: the number registered is the hand's own or its digits left out."""
    pdf = _hand(_blank(), [(number, "Số:", "/STP-VP"), ("11", "ngày", "tháng"), ("7", "tháng", "năm")], color=color,
                height=14 if dpi == 300 else 12)
    reading = read_pdf_bytes(scan(pdf, dpi=dpi, grey=grey))
    _no_wrong_number(reading, number)
    _date_right_or_out(reading, "2026-07-11")


# ---- typed numbers and dates: read as the code before red team 145 read them --------------------------------------


@pytest.mark.parametrize("number,day,month,size,dpi,grey,number_face,date_face", [
    ("1/UBND-TH", "1", "1", 14, 150, True, "regular", "italic"),
    ("007/STP-VP", "05", "03", 13, 200, True, "regular", "italic"),
    ("99999/UBND-TH", "31", "12", 14, 300, True, "bold", "italic"),
    ("1717/UBND-TH", "17", "7", 13, 200, False, "regular", "regular"),
    ("10/STP-VP", "10", "10", 13, 150, True, "italic", "bold"),
])
def test_typed_numbers_and_dates_are_read(number: str, day: str, month: str, size: float, dpi: int, grey: bool,
                                          number_face: str, date_face: str) -> None:
    """GENUINE: typed numbers of one to five digits (leading zeros, 1s and 7s) and dates in Liberation Serif 13–14 pt,
    regular/bold/italic, grey and colour scans at 150–300 dpi: read, as the code before red team 145 (7d8a325) read
    them."""
    _typed_right(_typed(number, day, month, size, dpi, grey, number_face, date_face), number,
                 f"2026-{int(month):02d}-{int(day):02d}")


# ---- real scans scanned again ---------------------------------------------------------------------------------------

REAL_HAND = [("001", "grey150"), ("011", "300grey"), ("006", "jpeg30grey")]


@pytest.mark.parametrize("name,variant", REAL_HAND)
def test_a_real_scan_scanned_again_never_gives_a_wrong_number_or_date(realpdf: Path, name: str, variant: str) -> None:
    """ATTACK: realpdf scans with handwritten numbers, printed and scanned again in ways red teams 145 and 146 did not
    try for them: the number registered is the document's own or its digits left out; the date its own or none."""
    truth = json.loads((realpdf / f"{name}.json").read_text(encoding="utf-8"))
    reading = read_pdf_bytes(_degraded((realpdf / f"{name}.pdf").read_bytes(), **VARIANTS[variant]))
    number, issued = reading.particulars.number, reading.particulars.date
    digits, _, notation = (number or "/").partition("/")
    assert not digits or digits == truth["number"].split("/", 1)[0], number
    assert number is None or notation == truth["number"].split("/", 1)[1], number
    assert issued is None or issued == truth["date"], issued


# ---- corroboration: quoting words ---------------------------------------------------------------------------------


def _doc(number: str | None = "707/UBND-TH", issued: str | None = "2026-09-10") -> Particulars:
    return Particulars(number=number, date=issued)


def _mismatch(reasons) -> str | None:  # type: ignore[no-untyped-def]
    return next((r.message for r in reasons if r.code == "number-mismatch"), None)


@pytest.mark.parametrize("subject", [
    "Gửi kèm Công văn số 708/UBND-TH ngày 11/9/2026",
    "Phòng Theo dõi THPL gửi số 708/UBND-TH",
    "Công văn hướng dẫn thực hiện số 708/UBND-TH",
    "Gửi Kế hoạch thực hiện số 708/UBND-TH",
])
def test_a_quoting_word_before_the_own_number_does_not_hide_a_mismatch(subject: str) -> None:
    """ATTACK: the mail names ITS document 708 (of 11/9) but a quoting word stands before "số": "Gửi kèm" (the
    commonest way to say "sent herewith"), "Phòng Theo dõi …" (a unit's name), "Công văn hướng dẫn thực hiện số",
    "Kế hoạch thực hiện số" (a document's own kind). The number is dropped as quoted; the attachment is 707 of 10/9
    and the clerk is told nothing."""
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, mail_claims(subject, "cv.pdf")


def test_a_date_written_after_a_second_mention_of_the_number_is_compared() -> None:
    """ATTACK: "Gửi số 707/UBND-TH: Công văn số 707/UBND-TH ngày 11/9/2026" against 707 of 10/9: the first agreeing
    mention (no date after it) is taken and the date the subject gives 707 (11/9) is never compared."""
    subject = "Gửi số 707/UBND-TH: Công văn số 707/UBND-TH ngày 11/9/2026"
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None, mail_claims(subject, "cv.pdf")


@pytest.mark.parametrize("subject", [
    "Phúc đáp Công văn số 12/UBND-TH",
    "V/v trả lời Công văn của Sở Tài chính số 12/STC-QLNS",
    "V/v thực hiện Kế hoạch của UBND tỉnh số 12/KH-UBND",
])
def test_a_subject_naming_only_what_it_answers_or_implements_is_no_mismatch(subject: str) -> None:
    """GENUINE: a subject that names only the letter it answers ("phúc đáp", as common as "trả lời") or the plan it
    implements, four words or more after the quoting word ("trả lời Công văn của Sở Tài chính số …"): that number is
    not the document's; a false number-mismatch at every such mail."""
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is None, mail_claims(subject, "cv.pdf")


@pytest.mark.parametrize("subject", ["Gửi Công văn số 708/UBND-TH theo đề nghị của Sở",
                                     "Gửi Công văn số 708/UBND-TH, trả lời Công văn số 707/UBND-TH"])
def test_a_quoting_word_after_the_own_number_or_far_before_it_still_tells(subject: str) -> None:
    """GUARD: "theo" after the number; a quoted 707 after the own 708: still told."""
    assert _mismatch(corroborate(_doc(), subject, "cv.pdf", [])) is not None


def test_a_subject_number_of_another_attachment_is_no_mismatch() -> None:
    """GUARD: a mail of two letters, "Gửi Công văn số 708/UBND-TH", the other attachment being 708: no mismatch here."""
    assert _mismatch(corroborate(_doc(), "Gửi Công văn số 708/UBND-TH", "cv.pdf", ["708/UBND-TH"])) is None


def test_a_long_subject_against_a_mail_of_many_documents_is_quick() -> None:
    """ATTACK: a 140 kB subject of "số 1/A" repeated, in a mail of 100 PDFs (max_files_per_mail) each numbered 1/B:
    every subject number is checked against every other document's number (20,000 × 99 notation foldings, `own`), for
    each of the 100 PDFs. One corroboration must stay well under a second (a 1 MB subject took 20 s here: half an hour
    of the daemon for one mail of 100 PDFs)."""
    subject = "số 1/A " * 20_000
    start = time.process_time()
    corroborate(_doc("2/A"), subject, "cv.pdf", ["1/B"] * 99)
    assert time.process_time() - start < 1.0, time.process_time() - start


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(["số 708/UBND-TH", "theo", "kèm", "trả lời", "thực hiện", "ngày 11/9/2026", "Công văn",
                                 "Theo dõi", " ", ",", "-", "số 1/A"]), min_size=200, max_size=3000))
def test_subjects_of_quoting_words_are_quick_and_never_raise(pieces: list[str]) -> None:
    """GUARD: subjects made of quoting words, numbers and dates in any order, against ten other documents: no
    exception, quick."""
    subject = " ".join(pieces) * 5
    start = time.process_time()
    corroborate(_doc(), subject, subject[:300], ["1/A"] * 10)
    assert time.process_time() - start < 1.0


# ---- end to end: what the register holds ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(tmp_path_factory, province):  # type: ignore[no-untyped-def]
    return ingest_hand(tmp_path_factory, province, "rt147", {
        "kem": ("Gửi kèm Công văn số 709/STP-VP ngày 26/7/2026", "cv.pdf"),
        "phuc": ("Phúc đáp Công văn số 12/STP-VP", "cv.pdf")})


def test_end_to_end_gui_kem_709_is_told_and_never_registered(ingested) -> None:  # type: ignore[no-untyped-def]
    """ATTACK: "Gửi kèm Công văn số 709/STP-VP ngày 26/7/2026", the attachment 707 (the hand): the register holds the
    document's 707 (never 709, never 26/7), and the clerk is told of the difference."""
    registered_707_told_709(*ingested, "kem")


def test_end_to_end_phuc_dap_names_no_claim(ingested) -> None:  # type: ignore[no-untyped-def]
    """GENUINE: "Phúc đáp Công văn số 12/STP-VP" with the 707 attached: 12 is the letter answered; no mismatch, never
    registered."""
    w, outputs = ingested
    out = outputs["phuc"]
    registered = _registered(w, out)
    assert registered is None or registered[0] in (None, "", "707"), registered
    assert not [r for r in out["reasons"] if r["code"] == "number-mismatch"], out["reasons"]


def test_a_real_typed_month_of_narrow_figures_is_read(realpdf: Path) -> None:
    """GENUINE: realpdf 015's typed date "ngày 13 tháng 11 năm 2025": the digit readings of "11" read "1" or nothing
    seven times of eight; the page's OCR and the line read again both read 11, each figure with confidence: read."""
    reading = read_pdf_bytes((realpdf / "015.pdf").read_bytes())
    assert reading.particulars.date == "2025-11-13"


def test_how_many_readings_confirm_print_follows_how_surely_the_line_read_again_read_it() -> None:
    """GUARD: one confident reading confirms only where the line read again read the page's figures each at 0.90 or
    more; two where less surely; half of the eight where it read other figures or none (`_least`)."""
    def symbols(*confidences: float) -> list[hw._Symbol]:
        return [hw._Symbol("7", "7", 0.0, 1.0, c) for c in confidences]

    assert hw._least("77", "77", symbols(0.99, 0.95)) == 1
    assert hw._least("77", "77", symbols(0.99, 0.85)) == 2
    assert hw._least("77", "7§", symbols(0.99, 0.99)) == 4
