"""Số, ký hiệu read into its two parts the one way, for a mail's document and a paper one alike."""

from __future__ import annotations

import pytest

from registry.register_line import Notation


@pytest.mark.parametrize("notation,number,code", [
    ("123/UBND-VP", "123", "UBND-VP"),
    ("26/2020/QĐ-UBND", "26", "2020/QĐ-UBND"),
    ("45", "45", None),
    ("/BNV-VP", None, "BNV-VP"),
    ("", None, None),
    (None, None, None),
])
def test_a_notation_in_its_two_parts(notation: str | None, number: str | None, code: str | None) -> None:
    assert Notation.parse(notation) == Notation(number, code)
