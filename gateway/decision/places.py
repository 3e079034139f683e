"""Where a certificate says its holder is, and how provinces are written. Pure.

A certificate's L (and ST) is where its holder was registered; its province is read from the last part, as Ban Cơ yếu
and public CAs write it ("Lâm Đồng", "Lục Ngạn, Bắc Giang"). A province's name is matched with every spelling it is
written with ("Đắk Lắk", "Đắc Lắc", "Daklak"), its short forms ("TP.HCM", "HCMC") and Huế's two names since 2025.
"""

from __future__ import annotations

import functools
import re
from difflib import SequenceMatcher

from gateway.directory import place_of
from gateway.model import CertSubject
from gateway.reading.spelling import ending_provinces, last_province, province_places, province_spellings
from vntext import fold, plain_dashes

CLEARLY_NEARER = 0.03  # how much nearer ours a misread place must be than any other province's name
SAME_PLACE = 0.85  # a place read this close to one of ours is ours, a letter misread ("BAC GIANC": 0.89; "HA GIANG": 0.82)


def locality_of(subject: CertSubject) -> str:
    """Where the certificate says its holder is: its L, then its ST (a public CA's province where its L is the district)."""
    return ", ".join(text for text in (subject.locality, subject.state) if text.strip())


def spelt(places: frozenset[str]) -> frozenset[str]:
    """Each place with every spelling of its province ("DAK LAK", "DAC LAC"), its short names spelled out ("HCM", "BR VT")
    and Huế's two names since 2025 (Thừa Thiên Huế became the city of Huế)."""
    return frozenset().union(*map(spelt_one, places))


@functools.cache  # asked for every agency a signature's rule looks at
def spelt_one(place: str) -> frozenset[str]:
    place = CITY_SHORT.get(place.replace(" ", ""), place)
    found = province_spellings(place) or frozenset([place])
    return found | _HUE if found & _HUE else found


_COUNTRY = frozenset({"VIET NAM", "VIETNAM", "VN", "VIET NAM VN"})


def country_left_out(locality: str) -> list[str]:
    """An L's parts, the country left out ("Lục Ngạn, Bắc Giang, Việt Nam" → the district and the province; "Quảng Ninh
    (Quảng Bình)": red team 129)."""
    return [part for part in re.split(r"[,;/()\[\]]", locality) if part.strip() and folded_words(part) not in _COUNTRY]


# What an L or an ST may write around its province's name: the country after it, its level before it ("tỉnh", "T.",
# "TP", "T.P", "thành phố", "Thủ đô"), nothing else (red team 130: "Ph.", "Khóm", "KP.", "Xa lộ", "Ward", "T.T." — a
# ward's, a hamlet's, a road's or a town's name — were read as a province, as "Huyện", "Phường" and "Đường" were)
_COUNTRY_AFTER = (("VIET", "NAM"), ("VIETNAM",), ("VN",), ("PROVINCE",), ("CITY",))
ABOVE = frozenset({"TINH", "T", "TP", "DO"})  # the level words a name ends with ("UBND tỉnh", "Công an T")
_LEVELS_BEFORE = ((), ("TINH",), ("T",), ("TP",), ("T", "P"), ("THANH", "PHO"), ("THU", "DO"))


def locality_province(locality: str) -> str | None:
    """The province an L (with its ST) names: its last part (split at commas, semicolons, slashes and brackets, the
    country left out) the province's name alone, after its level, or, that part written "district - province", its end
    so ("Quận Ba Đình, Hà Nội", "Thủ đô Hà Nội", "Langson Province", "Quảng Ninh - Quảng Bình"; red teams
    128–130); None otherwise: an earlier part's, or a name after another word, is a district's, a ward's or a street's
    named like a province."""
    parts = country_left_out(locality)
    if not parts:
        return None
    pieces = [piece for piece in plain_dashes(parts[-1]).split("-") if folded_words(piece) not in ("", *_COUNTRY)]
    # the longest end that reads: "Xuyên Mộc - Bà Rịa - Vũng Tàu" is Bà Rịa - Vũng Tàu's, not "Vũng Tàu" (red team 131)
    return next((found for start in range(len(pieces))
                 if (found := _province_written("-".join(pieces[start:]))) is not None), None)


def _province_written(text: str) -> str | None:
    """The province a text is the name of, written alone or after its level, the country or "Province" after it."""
    words = folded_words(text).split()
    while cut := next((len(after) for after in _COUNTRY_AFTER if len(words) > len(after)
                       and tuple(words[-len(after):]) == after), 0):
        del words[-cut:]
    for level in _LEVELS_BEFORE:
        if tuple(words[:len(level)]) == level and len(words) > len(level):
            rest = " ".join(words[len(level):])
            if (together := run_together(rest)) is not None:
                return together
            count, provinces = ending_provinces(rest)
            if count == len(rest.split()) and len(provinces) == 1:
                return provinces[0]
    return None


def named_province(text: str) -> str | None:
    """The province a name ends with, names alone ("Lâm Đồng", "UBND Lâm Đồng"), or names after its level anywhere
    ("UBND tỉnh Lạng Sơn (cũ)": red team 120); None when it names none."""
    return place_of(text) or province_alone(text) or last_province(text, after_level=True) or run_together(text)


def run_together(text: str) -> str | None:
    """A province written in one word, its spaces left out ("Langson", "Quangninh"; red team 127: an L no province's
    name set no L against the OU's province), as a province's domain writes it too ("bacgiang", "baria-vungtau")."""
    return _run_together_names().get("".join(folded_words(text).split()))


@functools.cache
def _run_together_names() -> dict[str, str]:
    return {**{p.replace(" ", ""): p for p in province_places()}, **CITY_SHORT}


# the words of a people's committee or council before its place ("UBND Lâm Đồng")
PARENT_WORDS = re.compile(r"^(?:UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN)\s+")
# the cities run by the centre, whose committee a Sở answers to ("thành phố Bắc Giang" was a province's city)
CENTRAL_CITIES = frozenset({"HA NOI", "HO CHI MINH", "HAI PHONG", "DA NANG", "CAN THO", "THUA THIEN HUE", "HUE"})
# how names are shortened or run together, their spaces taken out (red teams 123, 124: "UBND TP.HCM", "UBND TP HCM",
# "Hanoi People's Committee", "HCMC", "Danang City", "Daklak Province", "UBND tỉnh BR-VT" were no one's)
CITY_SHORT = {"HCM": "HO CHI MINH", "TPHCM": "HO CHI MINH", "HCMC": "HO CHI MINH",
              "HANOI": "HA NOI", "DANANG": "DA NANG", "HAIPHONG": "HAI PHONG", "CANTHO": "CAN THO",
              "DAKLAK": "DAK LAK", "DAKNONG": "DAK NONG", "KONTUM": "KON TUM", "BRVT": "BA RIA VUNG TAU",
              "HOCHIMINHCITY": "HO CHI MINH", "HUE": "HUE"}  # the last two as domains write them
_HUE = frozenset({"HUE", "THUA THIEN HUE"})  # one body: the province became the city in 2025


def folded_words(text: str) -> str:  # "TP.HÀ NỘI" (red team 125), "Đoàn ĐBQH, HĐND và UBND" (red team 126)
    folded = plain_dashes(fold(text)).replace("-", " ").replace(".", " ").replace(",", " ").replace("&", " VA ")
    return " ".join(folded.split())  # "HĐND & UBND" (red team 127)


def province_alone(organisation: str) -> str | None:
    """The province an O names by its name alone, under its people's committee or council or bare; None otherwise."""
    bare = " ".join(PARENT_WORDS.sub("", plain_dashes(fold(organisation)).replace("-", " ")).split())
    return bare if bare in province_places() else None


def same_province(one: str, other: str | None) -> bool:
    """Whether two folded places are one province, however spelt ("DAK LAK", "DAC LAC", "HCM")."""
    return other is not None and bool(spelt(frozenset([one])) & spelt(frozenset([other])))


def near_place(place: str, ours: set[str] | frozenset[str]) -> bool:
    """One of our places, or one OCR may have misread a letter of ("BAC GIANC" for "BAC GIANG"); never another province
    named as it is called ("THANH HOA" is no misreading of "KHANH HOA", nor "QUANG BINH" of "QUANG NINH": red team 75)."""
    if place in ours:
        return True
    if (spellings := province_spellings(place)) is not None:
        return bool(spellings & ours)
    # a misreading is ours only where it is clearly nearer ours than any other province's name, its words run together
    # or not (red team 77: "HÀGIANG", "HANH HÓA", "HÀ GIANGG" were another province's names with one slip)
    ours_too = {s for our in ours for s in (province_spellings(our) or {our})}
    nearest = max((_likeness(place, our) for our in ours_too), default=0.0)
    others = max((_likeness(place, other) for other in province_places() - ours_too), default=0.0)
    return nearest >= SAME_PLACE and nearest >= others + CLEARLY_NEARER


def _likeness(read: str, place: str) -> float:
    """How alike a read place is to a place's name, as written or with its words run together."""
    return max(SequenceMatcher(None, read, place).ratio(),
               SequenceMatcher(None, read.replace(" ", ""), place.replace(" ", "")).ratio())
