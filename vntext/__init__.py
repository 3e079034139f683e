"""Vietnamese text helpers: Unicode NFC, and a folded form for matching (no case, tone or spacing)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Upper case without diacritics or extra spaces: 'Hoả  tốc' and 'HỎA TỐC' both give 'HOA TOC'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip().upper()


def squash(text: str) -> str:
    """fold() without any space or punctuation: for names whose spacing an extractor mangles."""
    return re.sub(r"[^0-9A-Z]", "", fold(text))


def one_line(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


# The canonical spellings of the marks (NĐ 30/2020 Phụ lục I), keyed by their folded form.
URGENCY = {fold(v): v for v in ("Khẩn", "Thượng khẩn", "Hỏa tốc")}
SECRECY = {fold(v): v for v in ("Mật", "Tối mật", "Tuyệt mật")}
