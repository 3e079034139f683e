"""vntext's folded form is what every name, mark and heading is matched by: its fast path (the combining
diacritics taken out by one pattern, the result cached) must give what its definition gives, for any text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vntext import _IGNORABLE, _LOOKALIKE_LETTERS, fold, nfc

VIETNAMESE = "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG Sở Tư pháp Đồng Hới Hỏa tốc"


def fold_by_definition(text: str) -> str:
    """Upper case, without any combining mark (đ as d, and the Ð/ð written for it), spaces collapsed: character by character;
    what is drawn as nothing left out, a compatibility form as its letter (NFKC), a look-alike of another script as its
    Latin letter, in small letters and capitals."""
    text = "".join(ch for ch in text if not _IGNORABLE.match(ch))
    text = nfc(unicodedata.normalize("NFKC", text)).translate(_LOOKALIKE_LETTERS)  # compatibility forms as their letters
    for barred, d in (("đ", "d"), ("Đ", "D"), ("\u00f0", "d"), ("\u00d0", "D")):
        text = text.replace(barred, d)
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip().upper().translate(_LOOKALIKE_LETTERS)


def test_folds_vietnamese_as_its_definition() -> None:
    assert fold(VIETNAMESE) == fold_by_definition(VIETNAMESE) == "UY BAN NHAN DAN TINH BAC GIANG SO TU PHAP DONG HOI HOA TOC"
    assert fold("Hoả  tốc") == fold("HỎA TỐC") == "HOA TOC"


# the Vietnamese letters, marks of other scripts (U+034F, in the range of diacritics, is not one), spaces; any letter
TRICKY = st.sampled_from(VIETNAMESE + "\u034f\u3099\u20dd\t\n\u00a0\u2003")


@given(st.lists(st.one_of(TRICKY, st.characters(codec="utf-8")), max_size=30).map("".join))
def test_fold_is_its_definition_for_any_text(text: str) -> None:
    assert fold(text) == fold_by_definition(text)
