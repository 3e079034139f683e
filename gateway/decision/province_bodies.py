"""A province's own bodies as a certificate's O or a directory row names them: its people's committee, its council,
the province itself, and the bodies of its rank (a Sở, the committee's office, the inspectorate). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.decision.places import CENTRAL_CITIES, CITY_SHORT, province_alone
from gateway.reading.spelling import province_places
from vntext import fold, plain_dashes


@dataclass(frozen=True)
class ProvinceBody:
    """A province's people's committee (`council` False; the province itself counts as it) or council, as an O names it."""
    province: str  # folded ("BAC GIANG")
    council: bool | None = False  # None: the province itself ("Tỉnh Bắc Giang"), above its committee and its council


# a body of the province's own rank, no other body's unit: a Sở, a people's committee or council (red teams 118, 119),
# the committee's office and the province's inspectorate (NĐ 24/2014 Đ8: of a Sở's rank; red team 124)
_PROVINCE_LEVEL = r"(?:TINH|T|(?:THANH PHO|TP) (?:HA NOI|HO CHI MINH|HCM|HAI PHONG|DA NANG|CAN THO|HUE)\b)"
_OFFICE = r"(?:VAN PHONG|VP) "  # "VP UBND tỉnh …" (red team 126)
_DELEGATION = r"(?:DOAN (?:DBQH|DAI BIEU QUOC HOI)|DDBQH) "
_COUNCIL_WORDS = r"(?:HDND|HOI DONG NHAN DAN)"
_COUNCILS_OFFICE = _OFFICE + r"(?:" + _DELEGATION + r"(?:VA )?)?" + _COUNCIL_WORDS + " " + _PROVINCE_LEVEL
# a pilot province's one office of its delegation, council and committee: either body's (red team 126)
_JOINT_OFFICE = _OFFICE + _DELEGATION + r"(?:VA )?" + _COUNCIL_WORDS + r" (?:VA )?(?:UBND|UY BAN NHAN DAN) " + _PROVINCE_LEVEL
_STANDING = r"THUONG TRUC " + _COUNCIL_WORDS + " " + _PROVINCE_LEVEL  # the province's own; a district's is its council's
PROVINCE_RANK = re.compile(r"^(?:SO|UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN|" + _STANDING + "|"
                           + _OFFICE + r"(?:UBND|UY BAN NHAN DAN) " + _PROVINCE_LEVEL
                           + "|(?:THANH TRA|BAN DAN TOC) " + _PROVINCE_LEVEL
                           + "|" + _COUNCILS_OFFICE + "|" + _JOINT_OFFICE + r")(?:\s|$)")  # a district's office is its own
# a council's units answer to the council, never the committee (red teams 124–126)
COUNCIL = re.compile(r"^(?:" + _COUNCIL_WORDS + "|" + _STANDING + "|" + _COUNCILS_OFFICE + r")(?:\s|$)")
EITHER = re.compile(r"^" + _JOINT_OFFICE + r"(?:\s|$)")


# a province's committee or council written whole: its body's words, its level, its name, and nothing else
_COMMITTEE = re.compile(r"^(?P<body>(?:UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN) )?"
                        r"(?:(?P<level>TINH|T) |(?P<city>THANH PHO|TP) )?(?P<name>[A-Z ]+)$")
_ENGLISH_COMMITTEE = re.compile(r"^(?:PEOPLE'?S COMMITTEE OF (?P<name1>[A-Z ]+?)(?: PROVINCE|(?P<city1> CITY))?|"
                                r"(?P<name2>[A-Z ]+?)(?: PROVINCE|(?P<city2> CITY))?(?: PROVINCIAL)? PEOPLE'?S COMMITTEE)$")


def province_committee(organisation: str) -> ProvinceBody | None:
    """The province whose people's committee or council (or the province itself) an O is, and nothing else: the body a
    Sở and a committee of the province answer to (red team 120: "UBND thành phố Bắc Giang", the former city of a
    province; "UBND TX. Việt Yên …", "Tỉnh ủy Bắc Giang", "UBND tỉnh Lạng Sơn (cũ)", an English district's committee);
    None for any other O. A mark a CA's form leaves at its end is none of the name (red team 124: "…, ", "…;")."""
    plain = plain_dashes(fold(organisation)).replace("-", " ").replace("’", "'").rstrip(" ,;:")  # a typographic apostrophe
    # its dots dropped ("U.B.N.D") or read as spaces ("UBND T.Bắc Giang")
    return next((p for dot in ("", " ") if (p := _committee_of_a_province(" ".join(plain.replace(".", dot).split()),
                                                                           organisation)) is not None), None)


def _committee_of_a_province(folded: str, organisation: str) -> ProvinceBody | None:
    english, vietnamese = _ENGLISH_COMMITTEE.match(folded), _COMMITTEE.match(folded)
    if english is not None:
        name, city = english.group("name1") or english.group("name2"), english.group("city1") or english.group("city2")
    elif vietnamese is not None:
        name, city = vietnamese.group("name"), vietnamese.group("city")
    else:
        return None
    name = CITY_SHORT.get(name.replace(" ", ""), name)
    if english is not None and name.replace(" ", "") == "SAIGON":  # in English only: phường Sài Gòn is a ward (red team 126)
        name = "HO CHI MINH"
    if english is None and vietnamese is not None and not (
            vietnamese.group("body") or vietnamese.group("level") or (city and name in CENTRAL_CITIES)
            or province_alone(organisation) is not None):
        return None  # a bare name is a province's only as the province alone; "Thành phố Hà Nội" is the city itself
    if not (name in province_places() or name in CENTRAL_CITIES) or (city and name not in CENTRAL_CITIES):
        return None
    if english is None and vietnamese is not None and not vietnamese.group("body"):
        return ProvinceBody(name, council=None)  # the province itself: Ban Cơ yếu's O for every body of it (red team 125)
    return ProvinceBody(name, council=bool(vietnamese is not None and english is None and COUNCIL.match(folded)))
