"""How a certificate's names read: an agency's name or a person's, which attribute decides, the bodies every level has,
the centre's words, and two spellings' marks. Pure."""

from __future__ import annotations

import re

from gateway.decision.family_names import a_bodys_first_word, begins_with_family_name, plain_d
from gateway.decision.places import folded_words
from gateway.model import CertSubject
from gateway.names import abbreviates
from vntext import fold, nfc, squash, tone_free_spelling


# How the name of an agency begins (a person's name never does): tells an agency's certificate from a person's.
AGENCY_WORDS = (
    "sở ", "ủy ban", "uỷ ban", "ubnd", "hđnd", "bộ ", "cục ", "tổng cục", "chi cục", "công an", "văn phòng",
    "ban ", "bql", "phòng ", "trung tâm", "hội đồng", "thanh tra", "tòa án", "toà án", "viện ", "kho bạc",
    "bảo hiểm", "trường ", "bệnh viện", "đảng ủy", "đảng uỷ", "tỉnh ủy", "tỉnh uỷ", "huyện ủy", "huyện uỷ",
    "thành ủy", "thành uỷ", "mặt trận", "hội ", "liên đoàn", "công ty", "thủ tướng", "chính phủ", "quốc hội",
    "đài ", "ngân hàng", "kiểm toán", "học viện", "đại học", "chi nhánh", "bộ chỉ huy", "cảng vụ",
    "thuế ", "thống kê ",  # the 2025 reorganisation's "Thuế tỉnh …", "Thống kê tỉnh …" (red team 111)
    "liên minh",  # "Liên minh Hợp tác xã tỉnh …" (red team 116)
    "báo ", "nhà hát", "quỹ ", "vụ ", "lâm trường", "đoàn nghệ thuật",  # red team 133: a newspaper, a fund, a ministry's Vụ
    "hạt ", "đội ", "trạm ", "trại ", "nhà xuất bản", "tạp chí", "đồn ",  # red team 134: a ranger station, a prison…
    # red team 136: bodies whose first word is a family name spelt alike (Đoàn, Cao)
    "đoàn thanh niên", "đoàn đại biểu", "đoàn chèo", "đoàn ca múa", "đoàn kịch", "đoàn văn công", "cao đẳng",
)


def is_agency_name(text: str) -> bool:
    text = plain_d(text)  # "ÐOÀN THANH NIÊN": a conversion's Latin eth for Đ (red team 138)
    written = f"{' '.join(nfc(text).lower().split())} "
    if not written.startswith(AGENCY_WORDS):
        return False
    # "ban " alone of the list has no mark, and a family name is written so without its marks (Bàn, a Dao's: red team 135,
    # "BAN VAN HAI"): a board's name only where it reads as no person's
    return not (text.isascii() and written.startswith("ban ") and is_person_name(text))


# Words of a place or an office that no person's name holds, a CN with one naming a body, not a person: with their marks,
# as a name written with marks is read (red team 131: "Nguyễn Thị Phượng", "Trần Quân", "Lê Tình" folded to a ward's, a
# district's, a province's word, and their OU was never read)
_BODY_WORDS_MARKED = frozenset({"tỉnh", "huyện", "quận", "xã", "phường", "sở", "thành phố", "thị xã", "thị trấn"})


# What a body's own name begins with, written without marks, where its first word is also a family name (Trường and
# Trương, Đảng and Đặng, Ban and Bàn, Vụ and Vũ): "TRUONG TIEU HOC TAN LAP" is a school's (red team 133), each whole:
# "TRUONG THI MAI", "DANG UYEN NHI", "BAN VAN HAI" are people (red teams 134, 135)
_ASCII_BODY_START = re.compile(
    r"^(?:TRUONG (?:MAM NON|MN|TIEU HOC|TH|THCS|THPT|PTDTBT|PTDTNT|CHINH TRI|DAI HOC|CAO DANG|TRUNG CAP|TRUNG HOC|"
    r"PHO THONG|DAN TOC|BOI DUONG)|DANG UY|DOAN (?:THANH NIEN|TNCS|NGHE THUAT|KINH TE|DAI BIEU)|QUY|BAO|NHA HAT|"
    r"BAN (?:QUAN LY|QL|QLDA|CHI HUY|CHI DAO|DAN TOC|TUYEN GIAO|DAN VAN|TO CHUC|KINH TE|VAN HOA|PHAP CHE|TIEP CONG DAN|"
    r"THI DUA|TON GIAO|BAO VE|CHAP HANH|THUONG VU|NOI CHINH|KIEM TRA|DIEU HANH|CONG TAC|BIEN TAP|GIAM SAT|THUONG TRUC)|"
    r"VU (?:PHAP CHE|TO CHUC|KE HOACH|HOP TAC|TAI CHINH|THI DUA|CONG TAC|QUAN LY|KHOA HOC|GIAO DUC|THANH TRA|VAN PHONG)|"
    r"VAN PHONG|LAM TRUONG|CAO DANG|TO (?:CONG TAC|DAN PHO)|TRAM (?:Y TE|KHUYEN NONG|THU Y|BAO VE|KIEM LAM|QUAN TRAC)|"
    r"VIEN (?:KIEM SAT|KHOA HOC|NGHIEN CUU|QUY HOACH)|DOI (?:QUAN LY|THUE|CANH SAT|THI HANH|KIEM TRA|CONG TAC)|"
    # red team 136: a second word that is also a middle or given name ("Chi", "Thanh", "Hòa", "Gia", "Quốc", "Công")
    r"BO (?:CHI HUY|TU LENH|CONG AN|CONG THUONG|QUOC PHONG|THONG TIN)|TONG (?:CONG TY|LIEN DOAN|THU KY)|"
    r"TRUONG (?:QUOC TE|QUOC HOC)|BAN (?:HOA GIAI|THANH NIEN)|VU (?:GIA DINH|CONG NGHIEP)|DOAN (?:CONG TAC|THANH NIEN)|"
    r"(?:BAN|DOI|VU|TRAM|VIEN|TONG|BO|TO|DOAN) THANH TRA|"
    # red team 138: the ministries by their names, and bodies whose second word is a given name too
    r"BO (?:QUOC PHONG|NGOAI GIAO|NOI VU|TU PHAP|TAI CHINH|NONG NGHIEP|XAY DUNG|VAN HOA|KHOA HOC|GIAO DUC|Y TE|DAN TOC|"
    r"KE HOACH|LAO DONG|GIAO THONG|TAI NGUYEN)|VU (?:BAO HIEM|TIEN LUONG|HANH CHINH|DAN TOC|VIEN CHUC|CONG CHUC)|"
    r"VIEN (?:DINH DUONG|TOAN HOC|VAT LY|HOA HOC|SOT RET|VE SINH|PASTEUR|CHIEN LUOC)|TRUONG (?:HAI QUAN|QUAN SU|CANH SAT|"
    r"AN NINH|SI QUAN|HANH CHINH|CAN BO)|DOI (?:QUY TAC|TRAT TU|CANH SAT)|TRAM (?:QUAN LY|BIEN PHONG)) ")
# a place's or an office's words: a body's where a name follows them ("XA TAN LAP"), a person's given name at the end
# ("NGUYEN THI TRAN", Thị Trân: red team 135)
_ASCII_BODY_WORDS = re.compile(r" (?:XA|SO|THI XA|THI TRAN|THANH PHO|UBND|HDND) \S")
_VOWELS = frozenset("AEIOUY")


def is_person_name(text: str, *, with_unit: bool = False) -> bool:
    """Whether a certificate's CN reads as a person's name: two to seven words, each capitalised, no digit (an
    apostrophe or a hyphen inside a word allowed: "Ksor H'Bia"), each with a vowel ("THPT", "UBND" are initials), and no
    word of a place or an office: read with the marks where it has them ("Nguyễn Thị Phượng", "Trần Quân" are people;
    red team 131), folded where it has none ("NGUYEN THI PHUONG"; red team 132); a name ending with a province's is a
    person's too ("Nguyễn Hòa Bình", red team 134). Written in capitals or without marks, as CAs write both bodies and
    people, only after a family name (gateway/decision/family_names.py; red team 135: "BẢO TÀNG BẮC GIANG", "CONG AN
    HUYEN LUC NGAN", "THUE TINH BAC GIANG" were people's, their O spoke); not "Thư viện tỉnh Bắc Giang", whose
    certificate once spoke for its parent Sở, the O, nor "TRUONG TIEU HOC TAN LAP" (red teams 132, 133)."""
    text = plain_d(text)
    words = nfc(text).split()
    if not 2 <= len(words) <= 7 or any(not w[0].isupper() or not re.sub(r"['’‘-]", "", w).isalpha() for w in words):
        return False
    folded = [fold(w) for w in words]
    if any(not _VOWELS & set(w) for w in folded):
        return False
    if (text.isascii() or text == text.upper()) and not begins_with_family_name(words):
        return False
    if (text.isascii() or text == text.upper()) and a_bodys_first_word(words, with_unit=with_unit):
        return False  # "TONG CUC THUE", "ĐOÀN CHÈO BẮC GIANG" (red team 136); never a name in title case (red team 138)
    if text.isascii():  # "PHUONG", "QUAN", "HUYEN", "TINH" are as much a person's as a place's words
        joined = f" {' '.join(folded)} "
        return not _ASCII_BODY_START.match(joined.strip() + " ") and not _ASCII_BODY_WORDS.search(joined)
    written = f" {' '.join(words).lower()} "  # a level's word only before a name ("Nguyễn Văn Tỉnh": red team 136)
    return not any(re.search(f" {word} \\S", written) for word in _BODY_WORDS_MARKED)


def deciding_name(subject: CertSubject) -> str:
    """The most specific attribute that names an agency: the CN of an agency's certificate; the OU,
    else the O, of a person's. Never the O of an agency's certificate (its parent body), nor of any
    certificate whose CN names a body the word list does not know (a library, a museum under a Sở)."""
    cn = subject.common_name
    if cn.strip() and (is_agency_name(cn) or not is_person_name(cn, with_unit=bool(subject.unit.strip()))):
        return cn
    return subject.unit or subject.organisation


def central_words(text: str) -> frozenset[str]:
    """The words that make a body the centre's ("Việt Nam", "tối cao", "Trung ương"), as a name writes them in full or in
    initials: initials leave them out of nothing (red team 133: "Hội LHPN Việt Nam" is no commune's "Hội Liên hiệp Phụ
    nữ", though `abbreviates` reads "Việt Nam" as a name's to leave out)."""
    found = {m.group(0) for m in _CENTRAL_WORDS.finditer(folded_words(text))}
    return frozenset({"VN": "VIET NAM", "TW": "TRUNG UONG"}.get(word, word) for word in found)


def marks_agree(one: str, other: str) -> bool:
    """Whether two names squashed alike are written with the same marks where both are written with marks: each syllable
    both hold ("TÂN THANH" and "Tân Thạnh" differ; "UBND" and "Ủy ban nhân dân" share none to differ by)."""
    if one.isascii() or other.isascii():
        return True
    a, b = _syllables(one), _syllables(other)
    return all(a[key] & b[key] for key in a.keys() & b.keys())


def _syllables(text: str) -> dict[str, set[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = {}
    for letters, tone in tone_free_spelling(text):
        found.setdefault(fold(letters), set()).add((letters, tone))
    return found


# Bodies every level has (the province, its districts, its communes), named alike at each: a row's parent written so
# without its level, spelled out or in initials ("LĐLĐ", "TAND", "UB MTTQ VN"), is completed with the province's level
# alone, never as a lower body's bare O with our L (red teams 130–132: a district's "CÔNG AN", "TÒA ÁN NHÂN DÂN", "ỦY
# BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG", "THƯỜNG TRỰC HĐND" with L "Bắc Giang" were the province's); any
# other ("Bộ Công an", "Kho bạc Nhà nước", "Tòa án nhân dân tối cao", "Trung tâm Y tế khu vực 1") with the province's
# name alone too, as its O is completed (real file 014)
_EVERY_LEVEL = tuple(f"{office}{body}" for office in ("", "Văn phòng ", "Thường trực ") for body in (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Hội đồng nhân dân và Ủy ban nhân dân", "Công an", "Tòa án nhân dân",
    "Viện kiểm sát nhân dân", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Mặt trận Tổ quốc Việt Nam", "Mặt trận Tổ quốc",
    "Liên đoàn Lao động", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Hội Chữ thập đỏ",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn Thanh niên", "Thanh tra", "Ban Chỉ huy Quân sự", "Bảo hiểm xã hội",
    "Đảng ủy", "Ban Tuyên giáo", "Ban Dân vận", "Ban Tổ chức", "Ủy ban Kiểm tra"))


_EVERY_LEVEL_SQUASHED = frozenset(map(squash, _EVERY_LEVEL))
_FRONTS = ("Ủy ban Mặt trận Tổ quốc Việt Nam", "Mặt trận Tổ quốc Việt Nam")


# a central body's words: "… Việt Nam" (but the front's committees, every level's "Ủy ban MTTQ Việt Nam …"), "… tối cao",
# "Trung ương …" (red team 133: "BHXH Việt Nam", "Hội LHPN Việt Nam" read as bodies every level has)
_CENTRAL_WORDS = re.compile(r"\b(?:VIET NAM|VN|TOI CAO|TRUNG UONG|TW)\b")


# a lower body's unit beginning so, every district's and commune's (red team 133: "Phòng Giáo dục và Đào tạo", the
# 2025 "Ban Tuyên giáo và Dân vận")
_EVERY_LEVEL_START = re.compile(r"^(?:PHONG|BAN (?:TUYEN GIAO|DAN VAN|TO CHUC|KINH TE|VAN HOA|PHAP CHE))\b")


def every_level(parent: str) -> bool:
    """Whether a parent is a body every level has, written without its level, whole or in initials."""
    if squash(parent) in _EVERY_LEVEL_SQUASHED or any(abbreviates(parent, name) for name in _FRONTS):
        return True  # "UB MTTQ VN": every level's front committee writes "Việt Nam"
    folded = folded_words(parent)
    if _CENTRAL_WORDS.search(folded):
        return False
    return bool(_EVERY_LEVEL_START.match(folded)) or any(abbreviates(parent, name) for name in _EVERY_LEVEL)
