"""The reader's pure checks on lines of any text OCR may give (Vietnamese letters with their marks, lone
combining marks, specks, every kind of space, digits and the notation's punctuation), at any place on
the page: none raises, and what each returns is made of what the lines say (nothing invented but the
few fixed words they restore: "V/v", "Về việc")."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.reading import _kinh_gui
from gateway.reading.lines import Line
from gateway.reading.particulars import (
    number_line_index,
    read_issuer,
    read_number,
    read_signer,
    read_vv_summary,
    written_like_a_name,
)
from vntext import as_printed, fold

WORDS = ["Số", "Só;", "- Số:", "SỞ", "Kính", "gửi:", "gởi", "Về", "việc", "Vệ", "V/v", "Địa", "chỉ:", "Đại", "tá",
         "Thiêu", "tướng", "KT.", "CHỦ", "TỊCH", "PHÓ", "Lê", "Văn", "An", "H'Hen", "Niê", "125/UBND-VP", "/", ";", ".",
         ",", "„", "”", "—", "\u0301", "\u00a0", "Đã", "Ký", "t", "{nh", "ỦY", "BAN", "NHÂN", "DÂN"]
text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=6)), min_size=0, max_size=9).map(" ".join)


@st.composite
def lines(draw: st.DrawFn) -> list[Line]:
    made = []
    for _ in range(draw(st.integers(0, 8))):
        x0 = draw(st.floats(0, 590))
        y0 = draw(st.floats(0, 830))
        made.append(Line(page=1, x0=x0, y0=y0, x1=x0 + draw(st.floats(0, 595 - x0)), y1=y0 + draw(st.floats(0, 30)),
                         text=draw(text), bold=draw(st.booleans()), page_width=595, page_height=842,
                         source=draw(st.sampled_from(["text", "ocr"])), confidence=draw(st.none() | st.floats(0, 1))))
    return sorted(made, key=lambda l: (l.y0, l.x0))


def _from_lines(value: str, given_lines: list[Line]) -> bool:
    """Every run of letters and digits of the value (folded: the restored "V/v" and "Về việc" fold as
    what OCR read does, but for "V") is in the lines' text as printed (a number is read as the page shows it: without
    what is drawn as nothing, "¹" a 1, a Cyrillic "С" a C: vntext.as_printed), spaces aside (a notation is read without
    them)."""
    seen = fold(as_printed(" ".join(l.text for l in given_lines))).replace(" ", "")
    return all(run in seen for run in re.findall(r"[A-Z0-9]+", fold(value)) if run != "V")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines())
def test_the_readers_checks_take_any_lines(given_lines: list[Line]) -> None:
    number_line_index(given_lines)
    for found in (read_number(given_lines), read_vv_summary(given_lines), *read_issuer(given_lines), *read_signer(given_lines)):
        if found is not None:
            assert _from_lines(found.value, given_lines), found.value
    for entry in _kinh_gui(given_lines):
        assert _from_lines(entry, given_lines), entry
    for line in given_lines:
        written_like_a_name(line.text)
