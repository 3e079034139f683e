"""Agency names as documents write them, compared generically (pure).

A name is a run of syllables. An abbreviation stands for the first letters of the syllables of a
name ("GD&ĐT" is "Giáo dục và Đào tạo", "LĐ-TB&XH" is "Lao động - Thương binh và Xã hội",
"UBND" is "Ủy ban nhân dân"): "&" stands for "và", "-" joins parts, "W" is the Telex "Ư"
("TW" and "TƯ" are "Trung ương", a syllable beginning with Ư; "TU" is "Tỉnh ủy": an Ư that begins a
syllable is never a U), and a capital followed by small letters is one syllable ("TTg" is "Thủ
tướng"). Either side of a comparison may abbreviate any part of the other; "và", "Việt Nam"
(a trailing "VN" in an abbreviation) and, in a directory's name, "các" may be written or left out.
Case, tone marks and spacing between whole words never matter ("Tư  pháp", "TU PHAP", "văn
bảnQPPL"). There is no list of agencies here: only how Vietnamese writes names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Generic, Iterable, TypeVar

from vntext import fold

T = TypeVar("T")

# A Vietnamese syllable, folded: initial consonant(s), one to three vowels, a final consonant or glide.
# A syllable beginning with Ư is folded with W for it ("ương" is "WONG"): see _folded.
_SYLLABLE = re.compile(r"^((NGH|NG|NH|CH|GH|GI|KH|PH|QU|TH|TR|[BCDGHKLMNPQRSTVX])?[AEIOUY]{1,3}|W[AEIOUY]{0,2})"
                       r"(NG|NH|CH|[CMNPTIYOU])?$")
_HORNED_U = frozenset("ưừứửữựƯỪỨỬỮỰ")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_TOKEN = re.compile(r"[^\W_]+(?:[&-][^\W_]+)*|&")
_NOTE = re.compile(r"\([^)]*\)")
# what "Ea H'leo", "Cư M'gar" are typed with: a letter's apostrophe (U+02BC) counts as a letter, so it is made the plain
# one, which parts the initial from its syllable as the directory writes it (red team 75)
_APOSTROPHES = str.maketrans(dict.fromkeys("\u02bc\u2019\u2018\u02b9\u0060\u00b4\uff07", "'"))


@dataclass(frozen=True)
class Unit:
    """A syllable ("SO"), or an abbreviation's letter standing for one ("G" with tail "" ; "T" with
    tail "G" for the "Tg" of "TTg")."""

    text: str
    initial: bool = False
    tail: str = ""
    optional: bool = False  # "và", "&", "Việt Nam", a directory name's "các": written or left out
    # the first letter of a run of capitals that is no Kinh syllable yet holds a vowel ("ĐẮK", "KRÔNG", "KAR"): the run's
    # letters, for it may be one syllable of a place's non-Kinh name as well as initials (red teams 73, 75)
    glued: str = ""


Written = tuple[Unit, ...]


def _has_tone(text: str) -> bool:
    return any(c in _TONES for c in unicodedata.normalize("NFD", text))


def _folded(text: str, *, letters: bool = False) -> str:
    """Its letters without marks, an Ư beginning it as W (red team 32: "TW" of "Ban Tuyên giáo TW" stood for
    "Tỉnh ủy", the Ư folded to U); `letters`: an abbreviation's, each Ư a W ("TƯ")."""
    if text and (text[0] in _HORNED_U or (letters and any(c in _HORNED_U for c in text))):
        text = "".join("W" if c in _HORNED_U and (letters or i == 0) else c for i, c in enumerate(text))
    return re.sub(r"[^0-9A-Z]", "", fold(text))


def _runs(part: str) -> list[str]:
    """'bảnQPPL' → ['bản', 'QPPL']; 'TTgCP' → ['TTg', 'CP']; 'KT2' → ['KT', '2']."""
    runs: list[str] = []
    for ch in part:
        if runs and not (
            (runs[-1][-1].islower() and ch.isupper())
            or (runs[-1][-1].isdigit() != ch.isdigit())
        ):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def _initials(letters: str, optional_vn: bool) -> list[Unit]:
    out = [Unit(c, initial=True) for c in letters]
    if optional_vn and letters.endswith("VN"):
        out[-2:] = [Unit("V", initial=True, optional=True), Unit("N", initial=True, optional=True)]
    return out


# A number in Roman figures ("Kho bạc Nhà nước khu vực VII"): a number, never initials or a syllable (red team 33:
# "VII" was read as a syllable and "V" as an initial standing for it: khu vực VII was khu vực V's)
_ROMAN = re.compile(r"^(?=[IVXL])L?X{0,3}(IX|IV|V?I{0,3})$")


_WORDS = {"I", "VI", "XI", "LI"}  # Roman figures that are Vietnamese words too, written small ("xi măng")


def _arabic(roman: str) -> int:
    values = [{"I": 1, "V": 5, "X": 10, "L": 50}[c] for c in roman]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _run_units(run: str, all_caps: bool) -> list[Unit]:
    letters = _folded(run)
    if not letters:
        return []
    if letters.isdigit():
        return [Unit(letters.lstrip("0") or "0")]  # "phường 01" is "phường 1" (no int(): a run of 5,000 figures)
    if (run.isupper() and _ROMAN.match(run)) or (run.islower() and _ROMAN.match(letters) and letters not in _WORDS):
        # "khu vực VIII" is "khu vực 8" (red team 45); "khu vực v", "khu vực x": a number written small, never an
        # initial (red team 39)
        return [Unit(str(_arabic(letters)))]
    uppers = sum(1 for c in run if c.isupper())
    lowers = sum(1 for c in run if c.islower())
    if lowers == 0:  # "UBND", "GD", "SỞ", "TƯ"
        syllable = _SYLLABLE.match(letters) and len(letters) > 1
        if syllable and (all_caps or len(letters) > 2 or _has_tone(run)):
            return [Unit(letters)]
        initials = _initials(_folded(run, letters=True), optional_vn=len(letters) >= 2)
        if not syllable and len(initials) == len(letters) and re.search("[AEIOUY]", letters):
            initials[0] = Unit(initials[0].text, initial=True, glued=letters)
        return initials
    if uppers >= 2 and run[0].isupper():  # "TTg", "PTTg": a capital and its small letters are one syllable
        units: list[Unit] = []
        for chunk in _capital_chunks(run):
            folded = _folded(chunk)
            units.append(Unit(folded[0], initial=True, tail=folded[1:]))
        return units
    if _SYLLABLE.match(letters) or len(letters) > 2:
        return [Unit(letters)]  # a word ("phòng"), or one no abbreviation makes ("Website")
    return _initials(letters, optional_vn=False)  # "Tp", "tw"


def _capital_chunks(run: str) -> list[str]:
    chunks: list[str] = []
    for ch in run:
        if ch.isupper() or not chunks:
            chunks.append(ch)
        else:
            chunks[-1] += ch
    return chunks


@lru_cache(maxsize=8192)
def units(text: str, formal: bool = False) -> Written:
    """The units a name is written with; `formal` for a directory's names (their "các" may be left out)."""
    text = unicodedata.normalize("NFC", _NOTE.sub(" ", text)).replace("Ð", "Đ").replace("ð", "đ").translate(_APOSTROPHES)
    all_caps = not any(c.islower() for c in text)
    out: list[Unit] = []
    for token in _TOKEN.findall(text):
        for part in re.split(r"([&-])", token):
            if part == "&":
                out.append(Unit("VA", optional=True))
            elif part and part != "-":
                for run in _runs(part):
                    out.extend(_run_units(run, all_caps))
    for i, unit in enumerate(out):
        if unit.text == "VA" and not unit.initial:
            out[i] = Unit("VA", optional=True)
        elif formal and unit.text == "CAC" and not unit.initial:
            out[i] = Unit("CAC", optional=True)
        elif unit.text == "VIET" and i + 1 < len(out) and out[i + 1].text == "NAM" and not unit.initial:
            out[i] = Unit("VIET", optional=True)
            out[i + 1] = Unit("NAM", optional=True)
    return tuple(out)


def abbreviates(short: str, name: str) -> bool:
    """Whether `short` is `name` with some of its syllables written as letters ("Sở NV tỉnh X" of "Sở Nội vụ tỉnh X")."""
    written, full = units(short, True), units(name, True)
    return any(u.initial for u in written) and sum(u.initial for u in written) > sum(u.initial for u in full) \
        and same(written, full)


def _stands_for(initial: Unit, syllable: str) -> bool:
    """Whether an abbreviation's letter stands for this syllable ("Tg" for "TUONG")."""
    if not syllable.startswith(initial.text):
        return False
    rest = iter(syllable[1:])
    return all(c in rest for c in initial.tail)  # the tail's letters in order


def same(a: Written, b: Written) -> bool:
    """Whether two written forms are the same name."""

    @cache
    def go(i: int, p: int, j: int, q: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and p == 0 and a[i].optional and go(i + 1, 0, j, q):
            return True
        if j < len(b) and q == 0 and b[j].optional and go(i, p, j + 1, 0):
            return True
        if i == len(a) or j == len(b):
            return False
        x, y = a[i], b[j]
        if not (p or q) and (x.glued and not y.initial and x.glued == y.text and go(i + len(x.glued), 0, j + 1, 0)
                             or y.glued and not x.initial and y.glued == x.text and go(i + 1, 0, j + len(y.glued), 0)):
            return True
        if x.initial or y.initial:
            if p or q:
                return False  # a letter stands for a whole syllable, never for part of one
            if x.initial and y.initial:
                fits = x.text == y.text
            else:
                fits = _stands_for(x, y.text) if x.initial else _stands_for(y, x.text)
            return fits and go(i + 1, 0, j + 1, 0)
        if x.text[p] != y.text[q]:
            return False
        p, q = p + 1, q + 1
        i, p = (i + 1, 0) if p == len(x.text) else (i, p)
        j, q = (j + 1, 0) if q == len(y.text) else (j, q)
        return go(i, p, j, q)

    return go(0, 0, 0, 0)


def _first_letters(written: Written) -> set[str]:
    """The letters a match must begin with (the first unit's, or a following one's if it is left out)."""
    letters: set[str] = set()
    for unit in written:
        letters.add(unit.text[0])
        if not unit.optional:
            break
    return letters


def _initials_keys(written: Written) -> set[str]:
    """The first letters of its units, with and without each unit that may be left out: two names
    of regular syllables are the same only if they share one ("Sở GD&ĐT" and "Sở Giáo dục và Đào
    tạo": "SGDDT")."""
    keys = {""}
    for unit in written:
        with_it = {k + unit.text[0] for k in keys}
        keys = with_it | keys if unit.optional else with_it
        if len(keys) > 64:
            break
    return keys


def _irregular(written: Written) -> bool:
    """Whether a word is not one syllable (glued by an extractor, or foreign: "Tưpháp", "Website"):
    its initials say nothing, the name is compared letter by letter."""
    return any(not u.initial and not u.text.isdigit() and not _SYLLABLE.match(u.text) for u in written)


# The longest name of a body runs to some twenty syllables ("Trung tâm Phát triển quỹ đất và Cụm công nghiệp
# huyện …"); a text of more is compared with no name
MOST_UNITS = 40


class NameIndex(Generic[T]):
    """Items by the names they are written with; `find` gives those a text writes. A name is looked
    up by its initials, or, where a word is not one syllable, by its first letter."""

    def __init__(self, named: Iterable[tuple[str, T]], *, formal: bool = True) -> None:
        self._by_initials: dict[str, list[tuple[int, Written, str, T]]] = {}
        self._by_letter: dict[str, list[tuple[int, Written, str, T]]] = {}  # every name
        self._irregular: dict[str, list[tuple[int, Written, str, T]]] = {}  # names whose initials say nothing
        for number, (name, item) in enumerate(named):
            # a name with an apostrophe is written without it too ("Ea Hleo", "Cư Mgar": red team 75)
            for written in {units(name, formal), units(re.sub(r"(?<=\w)'(?=\w)", "", name.translate(_APOSTROPHES)), formal)}:
                entry = (number, written, name, item)
                for key in _initials_keys(written):
                    self._by_initials.setdefault(key, []).append(entry)
                for letter in _first_letters(written):
                    self._by_letter.setdefault(letter, []).append(entry)
                    if _irregular(written):
                        self._irregular.setdefault(letter, []).append(entry)
        self.find = lru_cache(maxsize=4096)(self._find)

    def _find(self, text: str) -> list[tuple[str, T]]:
        """(name, item) for each name the text writes, in the order they were given."""
        written = units(text)
        if not written or len(written) > MOST_UNITS:
            return []  # no name of a body is so long: each would be compared with it (red team 19: "và " × 330 + a word)
        letters = sorted(_first_letters(written))
        if _irregular(written):
            candidates = [c for letter in letters for c in self._by_letter.get(letter, ())]
        else:
            candidates = [*(c for key in sorted(_initials_keys(written)) for c in self._by_initials.get(key, ())),
                          *(c for letter in letters for c in self._irregular.get(letter, ()))]
        found: dict[int, tuple[str, T]] = {}
        for number, candidate, name, item in candidates:
            if number not in found and same(written, candidate):
                found[number] = (name, item)
        return [found[number] for number in sorted(found)]
