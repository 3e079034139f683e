"""A certified copy's block (NĐ 30/2020 Đ25–27, Phụ lục I): the form of the copy ("SAO Y",
"SAO LỤC", "TRÍCH SAO") on the right, the copying agency's name (under its parent's) and the
copy's number on the left. Read from the text layer; a scanned copy block is not read."""

from __future__ import annotations

import re

from gateway.model import CopyMark
from gateway.reading.lines import Line
from gateway.reading.particulars import is_upper
from vntext import fold, one_line

FORMS = {fold(f): f for f in ("SAO Y", "SAO LỤC", "TRÍCH SAO")} | {"SAO Y BAN CHINH": "SAO Y"}
_NUMBER = re.compile(r"^SO\s*:")
ROW = 40.0  # how far above the form's line the copying agency's name may stand (points)


def read_copy(lines: list[Line]) -> CopyMark | None:
    for line in lines:
        form = FORMS.get(fold(line.text).strip(" .:"))
        if form is None or line.left_half:
            continue
        left = sorted((l for l in lines if l.page == line.page and l.left_half
                       and line.y0 - ROW <= l.y0 <= line.y0 + 25), key=lambda l: l.y0)
        names = [l for l in left if is_upper(l.text) and not _NUMBER.match(fold(l.text))]
        number = next((l for l in lines if l.page == line.page and l.left_half and l.y0 >= line.y0
                       and _NUMBER.match(fold(l.text))), None)
        return CopyMark(
            form=form,
            copier=one_line(names[-1].text) if names else None,
            copier_parent=one_line(names[-2].text) if len(names) >= 2 else None,
            number=one_line(number.text.split(":", 1)[1]) if number and ":" in number.text else None,
        )
    return None
