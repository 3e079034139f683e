"""The marks OCR loses or changes in the words agencies' names are made of, put back: a scan's bold
capitals come out "CÔNG AN TỈNH LÂM ĐÒNG", "HỘI ĐÔNG NHÂN DÂN TÍNH ĐÁK NÔNG" (realpdf 006, 008, 009, 014).
The signer's titles are left as read: the corpus's texts print their sources' slips in them ("THU TƯỜNG",
"TÓNG CỤC TRƯỞNG"), which put back cost it more fields (13 over its six scan levels) than the real scans
gained (one).

A phrase of a name (a province, a kind of body) is put back where what OCR read has its letters, marks
aside, is spelled no way the phrase is written, and one of its words at least carries a mark the phrase
never gives it there (OCR saw marks, and changed them): a phrase read with no wrong mark, only some left
out ("CHÍNH PHU"), is taken as printed so (texts without marks are laid out so). A phrase written two ways
("Hòa Bình", "Hoà Bình"; "Đắk Nông", "Đăk Nông") is left as read in either. Single words are never changed
(OCR's "TÍNH" may be "tính"), but for the unit before a province put back ("TÍNH ĐÁK NÔNG": TỈNH ĐẮK
NÔNG); a province's name only after its unit ("tỉnh", "thành phố", "TP"), or as the place before the date
where the header names that province so: a district or a commune may bear a name near one ("HUYỆN PHÙ
YÊN", "THỊ TRẤN KIẾN GIANG"). A letter never changes, Đ for D neither. Nothing else of a line changes: a
district's or a commune's name, not in these lists, stays as read. Pure."""

from __future__ import annotations

import functools
import re
import unicodedata

from vntext import fold, nfc, tone_free_spelling

# The 63 provinces and cities of 2024: a document of any year names its own; the merged provinces of 2025
# kept one of these names (Huế, one word, is left out: "NGUYỄN HUỆ" is no misreading of it). Each with the
# other spellings offices print after it.
PROVINCES: tuple[tuple[str, ...], ...] = (
    ("Hà Nội",), ("Hồ Chí Minh",), ("Hải Phòng",), ("Đà Nẵng",), ("Cần Thơ",),
    ("An Giang",), ("Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu"), ("Bắc Giang",), ("Bắc Kạn", "Bắc Cạn"), ("Bạc Liêu",),
    ("Bắc Ninh",), ("Bến Tre",), ("Bình Định",), ("Bình Dương",), ("Bình Phước",), ("Bình Thuận",), ("Cà Mau",),
    ("Cao Bằng",), ("Đắk Lắk", "Đăk Lăk", "Đắc Lắc"), ("Đắk Nông", "Đăk Nông"), ("Điện Biên",), ("Đồng Nai",),
    ("Đồng Tháp",), ("Gia Lai",), ("Hà Giang",), ("Hà Nam",), ("Hà Tĩnh",), ("Hải Dương",), ("Hậu Giang",),
    ("Hòa Bình",), ("Hưng Yên",), ("Khánh Hòa",), ("Kiên Giang",), ("Kon Tum",), ("Lai Châu",), ("Lâm Đồng",),
    ("Lạng Sơn",), ("Lào Cai",), ("Long An",), ("Nam Định",), ("Nghệ An",), ("Ninh Bình",), ("Ninh Thuận",),
    ("Phú Thọ",), ("Phú Yên",), ("Quảng Bình",), ("Quảng Nam",), ("Quảng Ngãi",), ("Quảng Ninh",), ("Quảng Trị",),
    ("Sóc Trăng",), ("Sơn La",), ("Tây Ninh",), ("Thái Bình",), ("Thái Nguyên",), ("Thanh Hóa",),
    ("Thừa Thiên Huế", "Thừa Thiên - Huế"), ("Tiền Giang",), ("Trà Vinh",), ("Tuyên Quang",), ("Vĩnh Long",),
    ("Vĩnh Phúc",), ("Yên Bái",),
)
# The words of bodies' names (NĐ 30/2020 Phụ lục I: the issuer's name in capitals), of two syllables or more.
BODIES: tuple[tuple[str, ...], ...] = (
    ("Ủy ban nhân dân",), ("Hội đồng nhân dân",), ("Mặt trận Tổ quốc Việt Nam",), ("Mặt trận Tổ quốc",),
    ("Việt Nam",), ("Thành phố",), ("Thị trấn",), ("Thị xã",), ("Công an",), ("Văn phòng",), ("Tổng cục",),
    ("Chi cục",), ("Thanh tra",), ("Tài chính",), ("Tư pháp",), ("Nội vụ",), ("Xây dựng",), ("Y tế",),
    ("Công Thương",), ("Tài nguyên và Môi trường",), ("Nông nghiệp và Phát triển nông thôn",),
    ("Nông nghiệp và Môi trường",), ("Giáo dục và Đào tạo",), ("Kế hoạch và Đầu tư",), ("Giao thông vận tải",),
    ("Lao động - Thương binh và Xã hội",), ("Văn hóa, Thể thao và Du lịch",), ("Thông tin và Truyền thông",),
    ("Khoa học và Công nghệ",), ("Dân tộc và Tôn giáo",), ("Chính phủ",), ("Quốc hội",), ("Tòa án nhân dân",),
    ("Viện kiểm sát nhân dân",), ("Kho bạc Nhà nước",), ("Bảo hiểm xã hội",), ("Bộ Chỉ huy Quân sự",),
    ("Ban Thường trực",), ("Thường trực",),
)
_PROVINCE_UNIT = "Tỉnh"  # the one word put back alone: before a province's name
_UNITS = {("TINH",), ("THANH", "PHO"), ("TP",)}  # what names a province in running text ("tỉnh Cà Mau", never "cả màu")
_WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(nfc(text))


def _spelling(words: list[str]) -> tuple[tuple[str, str], ...]:
    """Each syllable's letters with their vowel marks and its tone, wherever the tone sits ("HOÀ" and "HÒA" alike)."""
    return tone_free_spelling(" ".join(words))


@functools.cache
def _lexicon() -> dict[tuple[str, ...], tuple[list[str], set[tuple[tuple[str, str], ...]]]]:
    """Folded words of a phrase → the spelling to put back and every spelling it is written with."""
    lexicon: dict[tuple[str, ...], tuple[list[str], set[tuple[tuple[str, str], ...]]]] = {}
    for group in (*PROVINCES, *BODIES):
        for spelling in group:
            words = _words(spelling)
            key = tuple(fold(w) for w in words)
            lexicon.setdefault(key, (words, set()))[1].add(_spelling(words))
    return lexicon


@functools.cache
def _provinces() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(fold(w) for w in _words(s)) for group in PROVINCES for s in group)


@functools.cache
def _province_groups() -> dict[str, frozenset[str]]:
    return {" ".join(fold(w) for w in _words(s)): frozenset(" ".join(fold(w) for w in _words(t)) for t in group)
            for group in PROVINCES for s in group}


def province_spellings(place: str) -> frozenset[str] | None:
    """Every spelling of the province a place is the very name of, folded ("DAC LAC" → DAK LAK's), None where it is
    no province's name (a misreading of one, a district's)."""
    return _province_groups().get(" ".join(fold(w) for w in _words(place)))


def province_places() -> frozenset[str]:
    """Every spelling of every province, folded ("BAC GIANG", "DAC LAC")."""
    return frozenset(_province_groups())


def names_province(text: str) -> bool:
    """Whether the text names one of the provinces, by its name alone ("Tuyên Quang", "UBND xã Tân Yên - Tuyên Quang"
    names one), tone marks or none."""
    return last_province(text) is not None


# How lists shorten a few provinces' names ("UBND TP.HCM", "TT Huế", "KonTum", "Thủ đô" for Hà Nội): for telling a list's
# place (red team 35), never put back into a text
_SHORT: dict[tuple[str, ...], tuple[str, ...]] = {
    ("HCM",): ("HO", "CHI", "MINH"), ("HN",): ("HA", "NOI"), ("KONTUM",): ("KON", "TUM"), ("TT", "HUE"): ("THUA", "THIEN", "HUE"),
    ("BRVT",): ("BA", "RIA", "VUNG", "TAU"), ("HUE",): ("THUA", "THIEN", "HUE"),  # "TP Huế" (the city since 2025)
}
_SHORT_WITH_LEVEL: dict[tuple[str, ...], tuple[str, ...]] = {  # its level in it
    ("TPHCM",): ("HO", "CHI", "MINH"), ("TPHN",): ("HA", "NOI")}
_LEVEL_WORDS = {"T", "TP", "TINH", "PHO"}  # "T. Lạng Sơn", "TP Hà Nội", "tỉnh …", "thành phố …"


def last_province(text: str, *, after_level: bool = False) -> str | None:
    """The last province the text names by its name, folded ("T. Lạng Sơn" → "LANG SON"), None if it names none;
    `after_level`: only a name the text begins with or writes after its level ("TP.HCM", never the "Hồ Chí Minh" of
    "Đoàn TNCS Hồ Chí Minh")."""
    words = tuple(fold(w) for w in _words(text))
    starting = _provinces_by_first_word()
    found = [(i, p) for i, word in enumerate(words) for p in starting.get(word, ()) if words[i: i + len(p)] == p]
    found += [(i, full) for i in range(len(words)) for short, full in _SHORT.items() if words[i: i + len(short)] == short]
    if after_level:  # not a name a body bears ("Học viện CTQG HCM", "Đoàn TNCS Hồ Chí Minh": red teams 35, 37), nor a
        # town's after "T.T" (thị trấn: "UBND T.T Hòa Bình" is Bạc Liêu's, red team 131)
        found = [(i, p) for i, p in found if i == 0 or (words[i - 1] in _LEVEL_WORDS and words[i - 2:i] != ("T", "T"))]
    found += [(i, full) for i in range(len(words)) for short, full in _SHORT_WITH_LEVEL.items()
              if words[i: i + len(short)] == short]
    return " ".join(max(found)[1]) if found else None


# Short forms more than one province is written with: a list's place that is none of them for certain
_AMBIGUOUS_SHORT: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {  # as written: "DN" is doanh nghiệp (red team 49)
    ("ĐN",): (("DA", "NANG"), ("DONG", "NAI"), ("DAK", "NONG"))}


def ending_provinces(text: str) -> tuple[int, tuple[str, ...]]:
    """The provinces the text's last words may name, folded, and how many words name them: by its name ("Sở Y tế Lạng
    Sơn": 2), a short form ("Công an HN": Hà Nội; "Huế": the city) or one of several ("ĐN": Đà Nẵng, Đồng Nai or Đắk
    Nông); (0, ()) if it ends otherwise."""
    words = tuple(fold(w) for w in _words(text))
    found = [(len(p), p) for p in _provinces() if words[-len(p):] == p]
    found += [(len(short), full) for short, full in (*_SHORT.items(), *_SHORT_WITH_LEVEL.items()) if words[-len(short):] == short]
    if found:
        count, province = max(found)
        return count, (" ".join(province),)
    written = tuple(w.upper() for w in _words(text))
    return next(((len(short), tuple(" ".join(p) for p in full)) for short, full in _AMBIGUOUS_SHORT.items()
                 if written[-len(short):] == short), (0, ()))


@functools.cache
def _initials() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for group in PROVINCES:
        for spelling in group:
            found.setdefault("".join(fold(w)[0] for w in _words(spelling)), set()).add(group[0])
    for short, full in _SHORT.items():  # "HN", "HCM", "BRVT" as lists write them
        if len(short) == 1 and short[0].isalpha():
            found.setdefault(short[0], set()).update(g[0] for g in PROVINCES
                                                     if tuple(fold(w) for w in _words(g[0])) == full)
    return {code: frozenset(names) for code, names in found.items()}


def provinces_of_initials(code: str) -> frozenset[str]:
    """The provinces of the country whose initials the code is ("LS": {"Lạng Sơn"}; "HN": Hà Nội and Hà Nam; "ĐN": Đà
    Nẵng, Đồng Nai and Đắk Nông), as named in PROVINCES; empty for none."""
    return _initials().get(fold(code), frozenset())


def without_last_words(text: str, count: int) -> str:
    """The text without its last `count` words ("Sở Y tế Lạng Sơn", 2 → "Sở Y tế")."""
    starts = [m.start() for m in _WORD.finditer(nfc(text))]
    return nfc(text)[: starts[-count]].rstrip(" ,.-–") if 0 < count <= len(starts) else text


@functools.cache
def _provinces_by_first_word() -> dict[str, list[tuple[str, ...]]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for province in _provinces():
        found.setdefault(province[0], []).append(province)
    return found


def _misread(found: list[str], right: list[str], accepted: set[tuple[tuple[str, str], ...]]) -> bool:
    """Whether the words read are the phrase with marks OCR changed: spelled no accepted way, and one word
    at least carrying a mark none of the phrase's spellings gives it there. A phrase read without any wrong
    mark (a word with none at all: "CHÍNH PHU") is as printed, or as a text without marks was laid out."""
    if any(len(a) != len(b) or [c in "Đđ" for c in a] != [c in "Đđ" for c in b] for a, b in zip(found, right, strict=True)):
        return False  # another letter: "HẢI ĐƯỜNG" is no Hải Dương
    if _spelling(found) in accepted:
        return False
    spelled = _spelling(found)
    for place, word in enumerate(found):
        marked = any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", word))
        if marked and spelled[place] not in {a[place] for a in accepted}:
            return True
    return False


def _after_unit(folded: list[str], index: int) -> bool:
    return any(tuple(folded[max(0, index - len(unit)):index]) == unit for unit in _UNITS)


def _cased(read: str, right: str) -> str:
    """right with read's case, letter by letter (both NFC, one letter each)."""
    return "".join(r.upper() if c.isupper() else r.lower() for c, r in zip(read, right, strict=True))


def restore_place(place: str, header: list[str]) -> str:
    """The place before the date (", ngày …"), put back only as the province the header names after its unit
    ("CÔNG AN TỈNH LÂM ĐỒNG" over "Lâm Đông"): a district's place may be a name near a province's ("Phù
    Yên", Sơn La's, is no Phú Yên)."""
    key = [fold(w) for w in _words(place)]
    for text in header:
        folded = [fold(w) for w in _words(text)]
        if any(folded[i:i + len(key)] == key and _after_unit(folded, i) for i in range(len(folded))):
            return restore_marks(place, alone=True)
    return place


def restore_marks(text: str, *, bodies: bool = True, alone: bool = False) -> str:
    """text with the phrases of agencies' names OCR misspelled put back (see the module). Without `bodies`
    (a summary, an addressee: running text, where "văn phong" is a word), only provinces; with `alone`, a
    province's name that is the whole text (a place) too."""
    text = nfc(text)
    matches = list(_WORD.finditer(text))
    folded = [fold(m[0]) for m in matches]
    lexicon, provinces = _lexicon(), _provinces()
    longest = max(len(k) for k in lexicon)
    edits: list[tuple[int, int, str]] = []
    index = 0
    while index < len(matches):
        for size in range(min(longest, len(matches) - index), 0, -1):
            key = tuple(folded[index:index + size])
            if key not in lexicon or (key in provinces and not (_after_unit(folded, index) or (alone and size == len(matches)))):
                continue  # a province's name only as one ("tỉnh Lâm Đồng"): "HUYỆN PHÙ YÊN" is Sơn La's
            if not bodies and key not in provinces:
                continue
            right, accepted = lexicon[key]
            phrase = matches[index:index + size]
            if _misread([m[0] for m in phrase], right, accepted):
                edits.extend((m.start(), m.end(), _cased(m[0], w)) for m, w in zip(phrase, right, strict=True))
                if key in provinces and index > 0 and folded[index - 1] == fold(_PROVINCE_UNIT):
                    unit = matches[index - 1]
                    edits.append((unit.start(), unit.end(), _cased(unit[0], _PROVINCE_UNIT)))
            index += size
            break
        else:
            index += 1
    for start, end, word in sorted(edits, reverse=True):
        text = text[:start] + word + text[end:]
    return text
