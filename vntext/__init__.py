"""Vietnamese text helpers: Unicode NFC, and a folded form for matching (no case, tone or spacing)."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


# Legacy fonts' glyphs for Ư/ư (U+01A2/U+01A3 "Ƣ"/"ƣ", Latin OI, in no Vietnamese word): their text layer says Ư/ư.
_LEGACY = str.maketrans({"\u01a2": "\u01af", "\u01a3": "\u01b0"})


def nfc(text: str) -> str:
    """NFC, with legacy fonts' look-alike letters put back ("Ƣ" for "Ư")."""
    return unicodedata.normalize("NFC", text.translate(_LEGACY))


# What prints the same in a number and notation (red teams 65, 66): a character drawn as nothing (Unicode's
# Default_Ignorable_Code_Point: a zero-width space, a soft hyphen, a bidi mark, the combining grapheme joiner, a variation
# selector), look-alike dashes and slashes, and the Cyrillic and Greek capitals and small letters drawn as Latin ones
# ("710/SТР-VP" with Cyrillic Т and Р escaped the recall of 710/STP-VP); NFKC makes fullwidth and mathematical letters
# and digits plain
_IGNORABLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                        "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                        "\U000e0000-\U000e0fff]")
_LETTERS_ALIKE = {
    **dict(zip("АВЕЅІЈКМНОРСТХУаеіјоосрхуѕ", "ABESIJKMHOPCTXYaeijoocpxys", strict=True)),  # Cyrillic
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκνρτυχ", "ABEZHIKMNOPTYXokvptux", strict=True)),  # Greek
    "\u00d0": "Đ", "\u00f0": "đ",  # the Icelandic Ð/ð legacy converters write for Đ/đ
    "\u01a2": "\u01af", "\u01a3": "\u01b0",  # legacy fonts' Ƣ/ƣ for Ư/ư
    # Lisu and Cherokee capitals drawn as Latin ones (Unicode's confusables; red team 108: "SỞ ꓔƯ PHÁP" escaped a recall)
    **dict(zip("ꓐꓑꓓꓔꓖꓗꓙꓚꓜꓝꓟꓠꓡꓢꓣꓦꓧꓪꓫꓬꓮꓰꓲꓳꓴ", "BPDTGKJCZFMNLSRVHWXYAEIOU", strict=True)),
    **dict(zip("ᎪᏴᏟᎠᎬᏀᎻᎫᏦᏞᎷᏢᏚᎢᏙᎳᏃᏒ", "ABCDEGHJKLMPSTVWZR", strict=True)),
    # Coptic capitals and small letters drawn as Latin ones (red team 109: "SỞ ⲦƯ PHÁP" escaped a recall, "ⲘẬⲦ" no mark)
    **dict(zip("ⲀⲂⲈⲌⲎⲒⲔⲘⲚⲞⲢⲤⲦⲨⲬⲟⲣⲥ", "ABEZHIKMNOPCTYXopc", strict=True)),
    # the modifier letters an apostrophe is typed as in the Central Highlands' names ("Ia Hʼdrai", "Đắk Rʼlấp"): the
    # apostrophe it is (red team 111: a genuine "UBND XÃ IA HʼDRAI" was a look-alike)
    "\u02bc": "\u2019", "\u02bb": "\u2019",
}
# the dashes printed as a hyphen (a name's and a number's: "LAO ĐỘNG – THƯƠNG BINH", "12/QĐ–UBND")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_PLAIN_DASHES = str.maketrans({ch: "-" for ch in _DASHES})
_LOOKALIKES = str.maketrans({
    **{ch: "-" for ch in _DASHES},
    **{ch: "/" for ch in "\u2044\u2215\u29f8\uff0f"},
    **_LETTERS_ALIKE,
})
# what fold takes as printed: letters only, a name's dashes kept as the register's keys have them (red team 108: mapped,
# a name with an en dash folded otherwise than the keys already stored, and a letter registered before was new again)
_LOOKALIKE_LETTERS = str.maketrans(_LETTERS_ALIKE)


def printed_letters(text: str) -> str:
    """The text's letters as a reader of the page takes them: what is drawn as nothing left out, a compatibility form
    as its letter (NFKC: a Roman numeral Ⅿ, a fullwidth or mathematical letter, the Kelvin sign; red team 109), a
    look-alike letter of another script as the Latin (or Vietnamese) one it is drawn as."""
    return nfc(unicodedata.normalize("NFKC", _IGNORABLE.sub("", text))).translate(_LOOKALIKE_LETTERS)


def plain_dashes(text: str) -> str:
    """Every dash as a hyphen: how a name is printed with an en dash, a hyphen or OCR's reading of either."""
    return text.translate(_PLAIN_DASHES)


# Đ/đ, and the Icelandic Ð/ð legacy converters and code page mix-ups write for them (the same on the page: red team 65)
_BARRED_D = str.maketrans({"đ": "d", "Đ": "D", "\u00f0": "d", "\u00d0": "D"})
_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")  # the combining diacritics (Vietnamese's tones and marks among them)


@functools.lru_cache(maxsize=1 << 14)  # a page's lines are folded by every finder that looks at them
def fold(text: str) -> str:
    """Upper case without diacritics or extra spaces: 'Hoả  tốc' and 'HỎA TỐC' both give 'HOA TOC'. As printed: what is
    drawn as nothing left out, a Cyrillic or Greek letter drawn as a Latin one taken for it (red team 106: a copy of a
    recalled letter printing its issuer "SỞ ТƯ PHÁP" with a Cyrillic Т, or "SỞ TƯ\u200b PHÁP", was another issuer's)."""
    if not text.isascii():
        text = printed_letters(text)
    bare = _MARKS.sub("", unicodedata.normalize("NFD", text.translate(_BARRED_D)))
    if not bare.isascii():  # other scripts' combining marks too
        bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    folded = " ".join(bare.split()).upper()
    # a small letter's capital may be a look-alike too ("µ", "Μ")
    return folded if folded.isascii() else folded.translate(_LOOKALIKE_LETTERS)


def squash(text: str) -> str:
    """fold() without any space or punctuation: for names whose spacing an extractor mangles."""
    return re.sub(r"[^0-9A-Z]", "", fold(text))


def as_printed(text: str) -> str:
    """A number and notation as a reader of the page sees it: its letters and digits plain, without what is drawn as
    nothing, its dashes and slashes plain."""
    return _IGNORABLE.sub("", nfc(unicodedata.normalize("NFKC", text)).translate(_LOOKALIKES))


def notation_key(notation: str) -> str:
    """One document's number and notation however it is written: as printed, in capitals, without spaces or its
    number's leading zeros (NĐ 30/2020 Phụ lục I writes "05/STP-VP", a copy may write "5/stp-vp"). Its letters keep
    their marks: Đ is not D ("12/HĐ-STP", a Hợp đồng, is not "12/HD-STP", a Hướng dẫn: red teams 66, 67)."""
    # capitals mapped too: a small look-alike's capital is a look-alike (red team 106: "15/sтp-vp" was not 15/STP-VP)
    head, slash, tail = nfc(re.sub(r"\s+", "", as_printed(notation).upper().translate(_LOOKALIKES))).partition("/")
    return (head.lstrip("0") or "0" if head.isdigit() else head) + slash + tail


# Đ/đ, and the letters legacy fonts and converters write for Đ/đ and Ư/ư (red team 108: "Ðắk Nông" named its agency); the
# modifier letters typed for an apostrophe (red team 111: "Ia Hʼdrai")
_OUR_LETTERS = frozenset("đĐ\u00d0\u00f0\u01a2\u01a3\u02bc\u02bb")
# The marks Vietnamese letters carry: the five tones, the circumflex, the breve and the horn (ư, ơ)
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def foreign_letters(text: str) -> bool:
    """Whether the text holds a letter no Vietnamese name is written with (a Cyrillic or Greek one, a dotless ı, a
    ligature, a mark of another script) or a character drawn as nothing: a name a certificate gives is matched as it is
    written, never as it looks (red team 106: a certificate of "Sở Tư pháp tỉnh Bắc Gıang" spoke for Sở Tư pháp)."""
    if text.isascii():
        return any(unseen(ch) for ch in text if ch not in " ")
    if any(not ch.isspace() and unicodedata.normalize("NFKC", ch) != ch for ch in text):
        return True  # a compatibility form or a letter Unicode writes otherwise: the Kelvin sign for K (red team 109)
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if ch not in _VIETNAMESE_MARKS:
                return True
        elif unseen(ch) or _IGNORABLE.match(ch) or (ch.isalpha() and not ch.isascii() and ch not in _OUR_LETTERS):
            return True
    return False


def one_line(text: str) -> str:
    return _SPACES.sub(" ", nfc(text)).strip()


# How marks are stamped, each as the mark it is: NĐ 30/2020 Phụ lục I's three words of each kind, and the older "HỎA
# TỐC HẸN GIỜ", a document to be delivered by a given hour (red team 50: it was no mark at all)
MARKS_WRITTEN = {"urgency": {"Khẩn": "Khẩn", "Thượng khẩn": "Thượng khẩn", "Hỏa tốc": "Hỏa tốc", "Hỏa tốc hẹn giờ": "Hỏa tốc"},
                 "secrecy": {"Mật": "Mật", "Tối mật": "Tối mật", "Tuyệt mật": "Tuyệt mật"}}
# The canonical spellings of the marks, keyed by the folded form of each way they are written.
URGENCY = {fold(written): mark for written, mark in MARKS_WRITTEN["urgency"].items()}
SECRECY = {fold(written): mark for written, mark in MARKS_WRITTEN["secrecy"].items()}


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook above, dot below


def tone_free_spelling(text: str) -> tuple[tuple[str, str], ...]:
    """Each word's letters in capitals with their vowel marks, and its tone, wherever the tone sits: "HOẢ" and "HỎA"
    (the old and the new placement) spell the same."""
    out = []
    if not text.isascii():  # as printed, as fold takes it (red team 108: "M\u200bẬT" was no mark, its secret letter kept)
        text = printed_letters(text)
    for word in nfc(text).upper().translate(_LOOKALIKE_LETTERS).split():
        parts = unicodedata.normalize("NFD", word)
        tone = "".join(sorted(c for c in parts if c in _TONES))
        out.append((unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)), tone))
    return tuple(out)


# Tabs and line ends; ZWNJ and ZWJ, which join letters and reorder nothing.
_KEPT_CONTROLS = frozenset("\t\n\r\u200c\u200d")


def unseen(ch: str) -> bool:
    """A control or format character (Unicode Cc, Cf): a bidi override or isolate (U+202A-202E, U+2066-2069), a
    direction mark (U+200E/200F, U+061C), a zero width or an invisible operator, which changes how the text around it
    is drawn, or hides, without being seen itself."""
    return ch not in _KEPT_CONTROLS and unicodedata.category(ch) in ("Cc", "Cf")


_BLANK_SIGNS = frozenset("\u2800")  # drawn as nothing, yet neither white space nor ignorable: the braille blank


def blank(text: str) -> bool:
    """Whether the text shows nothing: only white space, what is drawn as nothing (a zero-width space, the Hangul
    filler, the braille blank) and controls (red team 111: a recall's reason of U+200B went out as a reason)."""
    return all(ch.isspace() or unseen(ch) or _IGNORABLE.match(ch) or ch in _BLANK_SIGNS for ch in text)


def visible(text: str) -> str:
    """The text with each `unseen` character shown as U+FFFD (red team 64: a mail's U+202E drew the desk's own warning
    after it mirrored)."""
    if text.isprintable() or not any(unseen(ch) for ch in text):  # isprintable: the usual text, at C speed
        return text
    return "".join("\ufffd" if unseen(ch) else ch for ch in text)
