"""A lower body's people's committee or council (a district's, a commune's) as a certificate's O writes it, and the
district a certificate or a directory's row places a body in: communes of one province are named alike in two districts
(xã Tân Lập of Lục Ngạn and of Yên Thế), and only the district tells them apart. Pure."""

from __future__ import annotations

import re

from gateway.decision.body_names import deciding_name
from gateway.decision.places import (
    CENTRAL_CITIES,
    country_left_out,
    folded_words,
    locality_of,
    locality_province,
    same_province,
)
from gateway.decision.province_bodies import province_committee
from gateway.directory import PROVINCE_AFTER, AgencyEntry, districts_written
from gateway.model import CertSubject
from gateway.reading.spelling import ending_provinces
from vntext import nfc, plain_dashes

DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")  # a lower committee's levels that are a district's


# a lower body's people's committee or council: its level and its name, with their marks, the province after it cut
# ("ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN", "UBND H. Lục Ngạn", "UBND huyện Lục Ngạn, tỉnh Bắc Giang", "UBND thành phố Bắc
# Giang", a province's city)
_LOWER_COMMITTEE = re.compile(r"^(?:(?P<council>HĐND|HDND|HỘI ĐỒNG NHÂN DÂN|HOI DONG NHAN DAN)|UBND|U\.B\.N\.D\.?|"
                              r"[UỦ][YỶ] BAN NHÂN DÂN|UY BAN NHAN DAN)\s+"
                              r"(?P<level>huyện|huyen|h\.|quận|quan|q\.|thị xã|thi xa|tx\.?|thành phố|thanh pho|tp\.?|xã|xa|x\.|"
                              r"phường|phuong|p\.|thị trấn|thi tran|tt\.?)"
                              # the name ends at a comma, a dash, a bracket, or the district's or province's level after it
                              # ("UBND xã Tân Lập huyện Lục Ngạn": red team 135)
                              r"\s*(?P<name>[^,\-–—(]+?)\s*(?P<after>(?:[,\-–—(]|\s(?:tỉnh|tinh|t\.|huyện|huyen|quận|quan|thị xã|"
                              r"thi xa|thành phố|thanh pho|h\.|tp\.)\s).*)?$", re.IGNORECASE)
# a level as a name writes it short or without its marks, as the directory writes it (red team 135: "UBND HUYEN LUC NGAN")
_LOWER_LEVELS = {"h.": "huyện", "q.": "quận", "tx": "thị xã", "tx.": "thị xã", "tp": "thành phố", "tp.": "thành phố",
                 "x.": "xã", "p.": "phường", "tt": "thị trấn", "tt.": "thị trấn", "huyen": "huyện", "quan": "quận",
                 "thi xa": "thị xã", "thanh pho": "thành phố", "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}


def within(subject: CertSubject) -> str | None:
    """Where a person's bare OU stands when his O is a lower body's committee or council: its level and name ("PHÒNG TƯ
    PHÁP" under "ỦY BAN NHÂN DÂN HUYỆN LỤC NGẠN" is the district's; red teams 131, 132: real file 019's shape a level
    down); None under any other O, or for an O that is the province's."""
    if deciding_name(subject) == subject.organisation:
        return None
    found = lower_committee(subject.organisation)
    return found[1] if found is not None else None


def lower_committee(organisation: str) -> tuple[str, str, str] | None:
    """A lower body's committee or council as an O writes it: its body ("UBND", "HĐND"), its level and name with their
    marks ("huyện Lục Ngạn"; "H." read as huyện), and what follows (", TỈNH BẮC GIANG", " - Bắc Giang"); None for the
    province's or any other O."""
    organisation = nfc(organisation)
    if not organisation or province_committee(organisation) is not None:
        return None
    found = _LOWER_COMMITTEE.match(" ".join(organisation.split()))
    if found is None:
        return None
    level = found.group("level").lower()
    return ("HĐND" if found.group("council") else "UBND", f"{_LOWER_LEVELS.get(level, level)} {found.group('name')}",
            found.group("after") or "")


def lower_body_as_listed(organisation: str, outside: frozenset[str], district: str | None = None) -> str | None:
    """A lower committee's O as a directory lists it, the province after it left out where it is the certificate's own,
    the district between kept by its name ("UBND huyện Lục Ngạn - Bắc Giang", "UBND H. Lục Ngạn" → "Ủy ban nhân dân
    huyện Lục Ngạn"; "UBND xã Tân Lập, huyện Yên Thế, tỉnh Bắc Giang" → "Ủy ban nhân dân xã Tân Lập, Yên Thế": never
    Lục Ngạn's xã Tân Lập; red teams 132–134); a commune's O naming no district with `district`, the one its
    certificate's L gives (red team 135: "UBND xã Tân Lập" registered in Lục Ngạn); None otherwise."""
    found = lower_committee(organisation)
    if found is None:
        return None
    body, place, after = found
    pieces = [piece.strip() for piece in re.split(r"[,\-–—()]", after) if piece.strip()]
    said = locality_province(pieces[-1]) if pieces else None
    if said is not None:
        if not any(same_province(said, p) for p in outside):
            return None
        pieces.pop()
    spelled = "Hội đồng nhân dân" if body == "HĐND" else "Ủy ban nhân dân"  # a directory abbreviates it or not (red team 133)
    districts = [DISTRICT_LEVEL_WORDS.sub("", piece).strip() for piece in pieces]
    if not districts and district and not place.lower().startswith(DISTRICT_LEVELS):
        districts = [district]
    return ", ".join([f"{spelled} {place}", *districts])


# a district's level before its name, left out where a lower committee's O names its district ("huyện Yên Thế")
DISTRICT_LEVEL_WORDS = re.compile(r"^(?:huyện|huyen|quận|quan|thị xã|thi xa|thành phố|thanh pho|h\.|q\.|tx\.?|tp\.?)\s*",
                                  re.IGNORECASE)


# a district's level and name in a directory's name, as the operator writes it with its marks ("Trường Tiểu học xã Tân Lập,
# huyện Lục Ngạn, tỉnh Bắc Giang"; "UBND huyện Lục Ngạn"), up to a comma, a dash, a bracket or the province's level


def district_committee(organisation: str) -> str | None:
    """The district, folded, whose own people's committee or council the O is ("UBND HUYỆN LỤC NGẠN"; a province's city,
    "UBND THÀNH PHỐ BẮC GIANG": red team 136); None for any other O (a commune's; a city of the centre's is a province)."""
    found = lower_committee(organisation)
    return None if found is None else _district_of_level(found[1])


def _district_of_level(place: str) -> str | None:
    """A lower place ("huyện Lục Ngạn", "thành phố Bắc Giang") as a district, folded; None for a commune's, a ward's, a
    town's, or a city of the centre's."""
    level = next((level for level in DISTRICT_LEVELS if place.lower().startswith(f"{level} ")), None)
    name = folded_words(place[len(level):]) if level is not None else ""
    return None if not name or (level == "thành phố" and name in CENTRAL_CITIES) else name


def district_pieces(after: str) -> list[str]:
    """What a commune's O writes after its name but the province: its district, as written ("huyện Lục Ngạn", "LỤC
    NGẠN"; "huyện Lục Ngạn tỉnh Bắc Giang" without a comma: red team 136)."""
    pieces = [piece for piece in (PROVINCE_AFTER.sub("", f"{piece.strip()} ").strip()
                                  for piece in re.split(r"[,\-–—()]", after)) if piece]
    if pieces and locality_province(pieces[-1]) is not None and _district_of_level(pieces[-1]) is None:
        pieces.pop()
    return pieces


def district_named(text: str) -> str | None:
    """The district a name places its body in, folded ("LUC NGAN"; a province's city, "thành phố Bắc Giang": red team
    136); None where it names none."""
    return next((district for level, name in districts_written(text)
                 if (district := _district_of_level(f"{level} {name}")) is not None), None)


def row_district(agency: AgencyEntry) -> str | None:
    """The district a directory's row places its body in: its names', else its `parent` column's (a school's "UBND xã Tân
    Lập, huyện Lục Ngạn"); None where neither names one."""
    return next((found for text in (*agency.names, *agency.parent) if (found := district_named(text)) is not None), None)


# what an L's part before its province is when it is no district: a commune, a ward, a town, a hamlet, a street, a house
# number (a district's number alone is one: "Quận 3", "Q.3": red team 138)
_NO_DISTRICT = re.compile(r"^(?:XA|PHUONG|THI TRAN|THON|XOM|AP|BAN|TO|KHU|KHOM|SO|DUONG|PHO|NGO|NGACH|KP|P|X|TT)\b|"
                          r"\d.*[A-Z]|[A-Z].*\d")
_ENGLISH_LEVEL = re.compile(r"\s+(?:DISTRICT|DIST|TOWN|CITY)$")
_COMMUNE_LEVEL = re.compile(r"^(?:xã|phường|thị trấn|xa|phuong|thi tran|x\.|p\.|tt\.?)\s*", re.IGNORECASE)
_PROVINCE_LEVEL_END = re.compile(r"\s+(?:TINH|T|THANH PHO|TP)$")


def certificate_district(subject: CertSubject) -> str | None:
    """The district a certificate places its body in, folded: its O's, a lower committee's (a district's own, or the one
    a commune's names after it: "UBND xã Tân Lập, huyện Yên Thế"), else, for a commune's O naming none, its L's (with
    its ST) last piece before the province, or its last where it names none ("Yên Thế, Bắc Giang", "Yên Thế - Bắc
    Giang", "Yên Thế" under an O naming the province, "Lục Ngạn District", "Lục Ngạn Bắc Giang", "Quận 3"): never a
    commune's, a ward's or a street's, nor the commune's own name (red teams 135, 136, 138); None where neither says one."""
    found = lower_committee(subject.organisation) if subject.organisation else None
    if found is None:
        return None
    if (own := district_committee(subject.organisation)) is not None:
        return own
    if (pieces := district_pieces(found[2])):
        return folded_words(DISTRICT_LEVEL_WORDS.sub("", pieces[0])) or None
    pieces = [piece for part in country_left_out(locality_of(subject))
              for piece in plain_dashes(part).split("-") if piece.strip()]
    if pieces and locality_province(pieces[-1]) is not None:
        pieces.pop()
    if not pieces:
        return None
    candidate = _ENGLISH_LEVEL.sub("", folded_words(DISTRICT_LEVEL_WORDS.sub("", pieces[-1].strip())))
    count, provinces = ending_provinces(candidate)  # "LUC NGAN BAC GIANG", "LUC NGAN TINH BAC GIANG": the province cut
    if count and len(provinces) == 1 and count < len(candidate.split()):
        candidate = _PROVINCE_LEVEL_END.sub("", " ".join(candidate.split()[:-count]))
    commune = folded_words(_COMMUNE_LEVEL.sub("", found[1]))
    if not candidate or _NO_DISTRICT.search(candidate) or candidate == commune:
        return None  # its own commune or town, written without its level ("Chũ, Bắc Giang"): no district said
    return candidate
