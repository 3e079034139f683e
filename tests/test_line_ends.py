"""The feed parser's line-end search, answered from the end, finds what its regular expression finds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gateway.intake import line_ends, mime

EXPRESSION = re.compile(r"(\r\n|\r|\n)\Z")


@given(st.text(alphabet=st.sampled_from(["a", " ", "\r", "\n", "\x0b", "ệ"]), max_size=12))
def test_same_match_as_the_expression(text: str) -> None:
    expected = EXPRESSION.search(text)
    found = line_ends.LineEndAtEnd().search(text)
    assert (found.group(0) if found else None) == (expected.group(0) if expected else None)


def test_parts_end_where_they_did() -> None:
    """A part's body keeps all but the line end the boundary owns (RFC 2046 §5.1.1), preamble too."""
    raw = (b"From: a@b.vn\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
           b"preamble\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n\r\n--XX--\r\nend\r\n")
    msg = mime.parse_message(raw)
    assert msg.preamble == "preamble\r\n"
    assert msg.get_payload()[0].get_payload() == "line one\r\nline two\r\n"
    assert msg.epilogue == "end\r\n"
