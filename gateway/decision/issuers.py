"""Who issued a document, and which of its signatures speak for them. Pure.

The clerk of the issuing agency signs the scan with the agency's own certificate (Bắc Giang QĐ
133/2015 Đ9, Đ15.1); the competent person signs with a personal one (Thông tư 01/2019/TT-BNV
Đ12–13). A signature speaks for an agency when its certificate names that agency: the most
specific attribute that names one decides (CN of an organisation's certificate; OU, else O, of a
person's), never a parent body, and the certificate's province (L or O) agrees with the agency's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.decision.body_names import central_words, deciding_name, every_level, is_agency_name, marks_agree
from gateway.decision.lower_bodies import (
    DISTRICT_LEVEL_WORDS,
    DISTRICT_LEVELS,
    certificate_district,
    district_committee,
    district_pieces,
    lower_body_as_listed,
    lower_committee,
    row_district,
    within,
)
from gateway.decision.places import (
    ABOVE,
    PARENT_WORDS,
    folded_words,
    locality_of,
    locality_province,
    named_province,
    near_place,
    province_alone,
    run_together,
    same_province,
    spelt,
    spelt_one,
)
from gateway.decision.province_bodies import COUNCIL, EITHER, PROVINCE_RANK, ProvinceBody, province_committee
from gateway.directory import AgencyEntry, Directory, completed_by_province, place_of, province_levels
from gateway.model import CertSubject, Particulars, Reading, SignatureFacts
from gateway.names import abbreviates
from gateway.reading.spelling import ending_provinces, names_province, without_last_words
from gateway.resolver import commune_of
from vntext import fold, foreign_letters, nfc, plain_dashes, squash

_JOINT_NOTATION = re.compile(r"(?:^|[/-])[A-ZĐ]+LT(?:$|[/-])")  # TTLT, NQLT, …: a joint document's type code


@dataclass(frozen=True)
class Issuer:
    """An agency that issued the document (or copied it), as printed, and as the directory knows it."""

    name: str
    parent: str | None
    agency: AgencyEntry | None
    read_by_ocr: bool = False

    @property
    def places(self) -> frozenset[str]:
        found = place_of(self.name) or (place_of(self.parent) if self.parent else None)
        return frozenset([found]) if found else frozenset()

    @property
    def label(self) -> str:
        return self.agency.name if self.agency else self.name


@dataclass(frozen=True)
class DocumentIssuers:
    issuers: tuple[Issuer, ...]  # empty: the issuer could not be read
    copy: bool = False  # a certified copy: the issuers are the copying agency
    inferred: bool = False  # several, known as joint by their names alone (no "liên tịch", no …LT): only signatures prove


def certificate_places(subject: CertSubject) -> frozenset[str] | None:
    """The one province a certificate names for its agency, with each of the ways its name is spelt (red team 123: a CA's
    "UBND tỉnh Đắc Lắc" was no place of the directory's "Đắk Lắk"): `_one_place`."""
    place = _one_place(subject)
    return None if place is None else spelt(place)


def organisation_places(subject: CertSubject) -> frozenset[str]:
    """The province the certificate gives outside its deciding name, its O's or else its L's: the only one an O is
    completed with (red team 124: a bare "ỦY BAN NHÂN DÂN TỈNH" took the province the forger's own OU wrote, and was our
    committee)."""
    where = locality_of(subject)
    if any(foreign_letters(text) for text in (subject.organisation, where)):
        return frozenset()
    name = deciding_name(subject)
    if (name == subject.common_name != subject.organisation and not _place_outside(subject.organisation, None)
            and locality_province(where) is None and (own := place_of(name)) is not None):
        # an agency's own name is its CA's to check, and its province where the O names none and the L no province:
        # "CÔNG AN TỈNH LÂM ĐỒNG" under "BỘ CÔNG AN" registered in Đà Lạt, or with no L, is Lâm Đồng's police (red teams
        # 129, 130)
        return spelt(frozenset([own]))
    return spelt(_place_outside(subject.organisation, where))


def _one_place(subject: CertSubject) -> frozenset[str] | None:
    """The one province a certificate names for its agency: the place its deciding name ends with
    ("CÔNG AN TỈNH LÂM ĐỒNG"), else its O's (the parent: "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"), else its
    locality. One, never the union: a certificate whose L and O name two provinces speaks for the
    O's (the L of a person's certificate is where the person was registered, 020 of the real files).
    None: a name of it holds a letter no Vietnamese name is written with, or its deciding name names a province its O
    (else its L) does not, and it speaks for nobody by its names."""
    if any(foreign_letters(text) for text in (deciding_name(subject), subject.organisation, locality_of(subject))):
        return None  # a place is matched as written, as a name is (red team 108: "Bắc Gіang", a Cyrillic і in the O, gave
        # the province to a stranger's "Sở Tư pháp"; red team 109: taken for "no place", it let any place pass)
    name, organisation = deciding_name(subject), subject.organisation
    if name and name != organisation and (own := place_of(name)) is not None:
        # an OU or a CN naming a province the O (else the L) does not: two provinces, no agency's (red team 119: OU "Sở
        # Tư pháp tỉnh Bắc Giang" under "UBND tỉnh Lạng Sơn", or under a bare "Sở Tư pháp" registered in Lạng Sơn)
        committee = province_committee(organisation) if organisation else None  # "Hanoi People's Committee" (red team 126)
        other = committee.province if committee is not None else named_province(organisation) if organisation else None
        if other is None:
            other = locality_province(locality_of(subject))
            if other is None and name != subject.common_name:
                return None  # an OU's province (its holder's to write) that neither the O nor the L or ST names: nobody's
                # (red team 128: "Cao Lộc, Lạng Sơn" read as no L; 129: "Huyện Quảng Ninh, QB"; 130: no L, or the country
                # alone). An agency's own CN is its CA's to check: "CÔNG AN TỈNH LÂM ĐỒNG" registered in Đà Lạt, or where
                # its CA wrote no L, is Lâm Đồng's (red teams 129, 130)
        return None if other is not None and not same_province(own, other) else frozenset([own])
    return _place_outside(organisation, locality_of(subject))


def _place_outside(organisation: str | None, locality: str | None) -> frozenset[str]:
    if organisation and (committee := province_committee(organisation)) is not None:
        return frozenset([committee.province])  # "UBND TP.HCM", "Ho Chi Minh City People's Committee" (red team 125)
    if organisation and (found := place_of(organisation)) is not None:
        return frozenset([found])
    if organisation and (bare := province_alone(organisation)) is not None:
        return frozenset([bare])  # "Lâm Đồng", "UBND Lâm Đồng": a province without "tỉnh" (red team 111)
    if locality:  # its dashes any dash (red team 111: "Bà Rịa – Vũng Tàu" was no place)
        return frozenset([locality_province(locality) or place_of(locality)
                          or " ".join(plain_dashes(fold(locality)).replace("-", " ").split())])
    return frozenset()


# The governing bodies an O names, as phrases no firm, shop or association is named (the real files' O: "ỦY BAN NHÂN
# DÂN TỈNH LÂM ĐỒNG", "BỘ CÔNG AN", "VĂN PHÒNG CHÍNH PHỦ", "ỦY BAN TRUNG ƯƠNG MẶT TRẬN TỔ QUỐC VIỆT NAM"; red team 115:
# "TRUNG ƯƠNG HỘI LIÊN HIỆP PHỤ NỮ", "QUÂN KHU 1", "ĐẠI HỌC QUỐC GIA HÀ NỘI", written without marks). Never a word a shop's
# or a school's name begins with ("Bộ đàm …", "Cục sạc …", "Sở thú …", "Viện Thẩm mỹ …", "Trường dạy lái xe …": red team
# 117): a body that is no governing one vouches only for its own name, or as the directory knows it.
_GOVERNING = tuple(f"{fold(w)} " for w in (
    "ủy ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd", "ủy ban trung ương", "chính phủ", "văn phòng chính phủ",
    "thanh tra chính phủ", "văn phòng quốc hội", "văn phòng chủ tịch nước", "quốc hội", "tòa án nhân dân",
    "toà án nhân dân", "viện kiểm sát nhân dân", "kiểm toán nhà nước", "ngân hàng nhà nước", "ngân hàng chính sách xã hội",
    "bảo hiểm xã hội việt nam", "ban chấp hành trung ương", "đảng cộng sản việt nam", "trung ương hội",
    "trung ương đoàn", "tổng liên đoàn lao động việt nam", "quân khu", "bộ tư lệnh", "bộ chỉ huy quân sự",
    "đại học quốc gia", "học viện chính trị quốc gia", "tỉnh ủy", "thành ủy", "huyện ủy", "đảng ủy khối",
    "cục thuế", "tổng cục thuế", "cục thống kê", "tổng cục thống kê", "kho bạc nhà nước", "cục hải quan",
    "tổng cục hải quan",
))
# the ministries by their names, with their marks ("Bò nông nghiệp …" is a shop's), or wholly without any
_MINISTRIES = tuple(f"bộ {m}" for m in (
    "quốc phòng", "công an", "ngoại giao", "nội vụ", "tư pháp", "tài chính", "công thương", "nông nghiệp", "xây dựng",
    "văn hóa", "văn hoá", "khoa học và công nghệ", "giáo dục và đào tạo", "y tế", "dân tộc và tôn giáo",
    "kế hoạch và đầu tư", "lao động", "giao thông vận tải", "thông tin và truyền thông", "tài nguyên và môi trường"))
# a province's or a city's name as the O ("Tỉnh Đắk Nông", real file 011)
_PROVINCE_O = re.compile(r"^(?:TINH|THANH PHO) ")
_PEOPLES_COMMITTEE = re.compile(r"^(?:PEOPLE'?S COMMITTEE OF .+|.+ PEOPLE'?S COMMITTEE)$")
# What only a firm's name holds, anywhere in it (red teams 115, 116: "Văn phòng luật sư …", "SỞ TƯ PHÁP - CÔNG TY …",
# "Hộ kinh doanh …", "… Group"); a party committee of the bloc of enterprises is no firm
_FIRM = re.compile(r"\b(?:CONG TY|CONG-TY|CONGTY|CTY|C\.TY|TNHH|CO PHAN|JSC|LTD|LLC|INC|CORP|COMPANY|GROUP|TRADING|"
                   r"ENTERPRISE|SUPPLIES|LUAT SU|VAN PHONG LUAT|THUA PHAT LAI|VAN PHONG CONG CHUNG|(?<!PHONG )CONG CHUNG|"
                   r"DAI DIEN|(?<!KHOI )DOANH NGHIEP|DOANH NHAN|HO KINH DOANH|CUA HANG|NHA SACH|HOP TAC XA|TAP DOAN|"
                   r"TU NHAN|TU THUC)\b")


def _firm(text: str) -> bool:
    return bool(_FIRM.search(plain_dashes(fold(text))))


def governing_body(organisation: str) -> bool:
    """Whether an O names a governing body of the state: one of the phrases above, marks or none (a ministry by its
    name), a province or a city with its name, or a people's committee in English."""
    folded = " ".join(plain_dashes(fold(organisation)).replace(".", "").replace("’", "'").split())
    if _firm(organisation):
        return False
    if province_committee(organisation) is not None:
        return True  # however its province is written ("Hanoi People's Committee", "UBND TP.HCM": red team 123)
    written = " ".join(nfc(organisation).lower().split())
    if f"{folded} ".startswith(_GOVERNING) or province_alone(organisation) is not None:
        return True
    if written.startswith(_MINISTRIES) or (organisation.isascii() and folded.startswith(tuple(fold(m) for m in _MINISTRIES))):
        return True
    return bool((_PROVINCE_O.match(folded) or _PEOPLES_COMMITTEE.match(folded)) and names_province(organisation))


def vouched(sig: SignatureFacts, directory: Directory, places: frozenset[str] | None = None,
            parent: str | None = None) -> bool:
    """Whether the certificate's O vouches for the name it speaks by (`deciding_name`): that name is the O itself (the
    name a CA checks); a firm's own certificate (its CN the firm) for the firm; an organisation's certificate without
    an O for its CN; else only an O naming a governing body of the state, or a body the directory knows (red teams
    114–117: a firm's employee with OU "Sở Tư pháp", a firm's certificate named "Sở Tư pháp", under an O of a firm, a
    shop, a beauty salon or a driving school, registered a letter as Sở Tư pháp's); or, under a root of
    trust.state_roots, any O but a firm's for a unit printed under that very body (`parent`: a public hospital's, a
    school's, a union's person for its unit). A body none names is held for the clerk: its certificate can be listed in
    the directory's `certificates` column. (A firm registered under an agency's own name, which the law forbids, is the
    CA's to refuse: README, Limits.) `places`: the certificate's (`certificate_places`)."""
    subject = sig.subject
    name, organisation = deciding_name(subject), subject.organisation
    if organisation and squash(organisation) == squash(name) and marks_agree(organisation, name):
        return True
    if name == subject.common_name and (_firm(name) or not organisation):
        return True
    if not organisation or _firm(organisation):
        return False
    outside = organisation_places(subject)  # the O completed by its own province or L, never by the OU's (red team 124)
    if governing_body(organisation) or directory.by_certificate_name(organisation, outside):
        return True
    # 000 Đ7.2, Đ15.2: Ban Cơ yếu Chính phủ's CA certifies the state's bodies: its O is one, and speaks for its own units
    # alone (red team 118: a hospital's person with OU "Sở Tư pháp" spoke for Sở Tư pháp)
    if not sig.state_certified or parent is None or directory.by_certificate_name(
            name, places or frozenset(), under_province=_under_province(subject)):
        return False  # a unit no agency of the directory is ("BỆNH VIỆN X / SỞ TƯ PHÁP" is never Sở Tư pháp's)
    if PROVINCE_RANK.match(folded_words(name)):
        return False  # nor one named as a Sở or a committee is (red team 119: "BỆNH VIỆN … / SỞ Y TẾ")
    return bool(_organisation_spellings(organisation, outside) & _spellings(parent, outside))


def _governed(sig: SignatureFacts, agencies: list[AgencyEntry], directory: Directory,
              places: frozenset[str], district: str | None) -> list[AgencyEntry]:
    """Of the agencies a certificate's name names, those its O may vouch for: the O's own; a Sở or a people's committee
    or council only under its province's committee (red team 118: a person of Sở Tài chính, O as the directory knows
    it, with OU "Sở Tư pháp", spoke for Sở Tư pháp; red team 119: a district's, a bank's, a ministry's, a court's);
    an agency whose directory row names the body above it (`parent`) under that body alone (red team 120: the province's
    police spoken for under a commune's committee, a bank, another Sở); any other unit under any governing O."""
    organisation = sig.subject.organisation
    if not organisation or (squash(organisation) == squash(name := deciding_name(sig.subject))
                            and marks_agree(organisation, name)):
        return agencies
    outside = organisation_places(sig.subject)  # an O is completed by its own province or L, never the OU's
    own = {a.code for a in directory.by_certificate_name(organisation, outside) if not _apart(district, a)}
    if (listed := lower_body_as_listed(organisation, outside, district)) is not None:
        own |= {a.code for a in directory.by_certificate_name(listed, outside) if not _apart(district, a)}
    committee = province_committee(organisation)  # once a signature: the O's province, if the O is its committee
    return [a for a in agencies if a.code in own or (
        _under_parent(organisation, outside, committee, a, own, directory, district) if a.parent
        else _under_any(committee, a) or _under_its_district(organisation, a, outside))]


def _apart(district: str | None, agency: AgencyEntry) -> bool:
    """Whether a certificate's district (`certificate_district`) and a row's (`row_district`) are two, both known."""
    theirs = row_district(agency)
    return district is not None and theirs is not None and district != theirs


def _under_its_district(organisation: str, agency: AgencyEntry, places: frozenset[str]) -> bool:
    """A commune's committee or council whose row names its district and no parent answers to that district's committee
    too, as if its `parent` said so (red team 135: the commune's own certificate, O "UBND HUYỆN LỤC NGẠN", for the row
    "UBND xã Tân Lập, huyện Lục Ngạn"), the row's province the certificate's."""
    district, found = district_committee(organisation), lower_committee(organisation)
    return (district is not None and found is not None and found[0] == "UBND" and lower_committee(agency.name) is not None
            and district_committee(agency.name) is None and row_district(agency) == district
            and any(same_province(p, q) for p in _provinces_of(agency) for q in places))


def _under_any(committee: ProvinceBody | None, agency: AgencyEntry) -> bool:
    """An agency whose row names no parent: a Sở or a committee answers to its own province's committee alone (red team
    122: another province's, written "UBND T. Lạng Sơn" or in English, passed); any other unit to any O."""
    return not PROVINCE_RANK.match(folded_words(agency.name)) or _committee_of(committee, agency)


def _committee_of(committee: ProvinceBody | None, agency: AgencyEntry) -> bool:
    """Whether the province whose committee the O is (`committee`, None for any other O) is the agency's own (red team
    123: any province's spoke for a row written "UBND xã Tân Liễu"); never for an agency whose province nothing says. A
    council's row answers to its province's council, any other to the committee (red team 124: the council's person
    spoke for a Sở and for the committee)."""
    name = folded_words(agency.name)
    return (committee is not None and (committee.council is None or EITHER.match(name) is not None
                                       or committee.council == bool(COUNCIL.match(name)))
            and any(same_province(committee.province, p) for p in _provinces_of(agency)))


def _provinces_of(agency: AgencyEntry) -> frozenset[str]:
    """The provinces an agency's names say; for names saying none, the one its official mailbox's domain names, as a
    province's bodies have it ("ubnd@dakrlap.daknong.gov.vn": Đắk Nông; real files 011–013), else none."""
    if agency.places:
        return agency.places
    domain = agency.mailbox.rpartition("@")[2].lower().rstrip(".")
    suffix = next((s for s in (".gov.vn", ".edu.vn") if domain.endswith(s)), None)  # a school's too (red team 125)
    if suffix is None:
        return frozenset()
    # the province's own label, just before .gov.vn: never a district's or commune's named like another province (red
    # team 124: huyện Quảng Ninh at quangninh.quangbinh.gov.vn is Quảng Bình's)
    found = run_together(domain.removesuffix(suffix).rpartition(".")[2])
    return frozenset() if found is None else spelt_one(found)


def _under_parent(organisation: str, outside: frozenset[str], committee: ProvinceBody | None, agency: AgencyEntry,
                  own: set[str], directory: Directory, district: str | None = None) -> bool:
    """Whether an O is the body the agency's `parent` column names (its province written or not, an abbreviation spelled
    out), or a body the directory puts above that one, row by row, each row looked at once (red team 122: a web of
    parents took 16 s); a row above naming no parent is reached under its own name, or, a Sở's or a committee's, its
    province's committee: never under any O (red team 122: a district's police under a commune's committee)."""
    seen, rows = {agency.code}, [agency]
    while rows:
        row = rows.pop()  # a parent written without its province is completed by the row's, never the certificate's
        parents = _parents(row)
        if _is_a_parent(organisation, outside, row, parents, directory, district):
            return True
        row_places = _provinces_of(row)
        completed = _completed_parents(parents, row_places,
                                       as_written=any(same_province(p, q) for p in row_places for q in outside))
        if committee is not None and any(committee.council in (None, p.council)
                                         and same_province(p.province, committee.province)
                                         for parent in completed if (p := province_committee(parent)) is not None):
            return True
        # a row the parent names with its marks: an alias found alone is no twin's (red team 136: "Ủy ban nhân dân xã Tân
        # Thạnh" found xã Tân Thanh by its alias)
        for above in (a for parent in completed if (a := directory.by_issuer(parent)) is not None
                      and any(marks_agree(written, n) for written in parents for n in a.names)):
            if above.code in own or (not above.parent and PROVINCE_RANK.match(folded_words(above.name))
                                     and _committee_of(committee, above)):
                return True
            if above.code not in seen:
                seen.add(above.code)
                rows.append(above)
    return False


def _is_a_parent(organisation: str, outside: frozenset[str], row: AgencyEntry, parents: list[str],
                 directory: Directory, district: str | None = None) -> bool:
    """Whether the O is one of the row's parents as the column writes them: the O completed by the row's province only
    where the certificate gives that province itself (`outside`; red team 124: a bare "SỞ Y TẾ" of any province, no L,
    was the hospital's "Sở Y tế tỉnh Bắc Giang"), and a row whose names say no place only under a certificate whose
    province is its mailbox's, or says none (red team 124: Lạng Sơn's "UBND xã Tân Lập" for our commune's school). The
    names compared with their marks where both have them (red team 132: xã Tân Thạnh's O was xã Tân Thanh's parent),
    and through their initials where the parent's stand for no other body of the directory (real file 015's "Ủy ban
    Trung ương MTTQ Việt Nam", red team 131; red team 132: "Sở NV" is Sở Nội vụ and Sở Ngoại vụ)."""
    places = _provinces_of(row)  # its names' places, else its mailbox's province (red team 126: a school on .edu.vn)
    around = frozenset(p for p in places if any(same_province(p, q) for q in outside))
    if not row.places and outside and places and not around:
        return False
    if _apart(district, row):
        return False  # a commune of another district named alike (red team 135: Yên Thế's xã Tân Lập, Lục Ngạn's school)
    # "UBND H. Lục Ngạn" as a directory lists it; a bare commune's with the district its L gives (red team 135); and,
    # the row's district the certificate's, the commune alone, as a bare parent names it (red team 136)
    listed = lower_body_as_listed(organisation, around, district) if around else None
    lower = lower_committee(organisation) if listed and district is not None and row_district(row) in (None, district) \
        else None  # (a row naming no district: as the bare O is met; red team 138)
    bare = lower_body_as_listed(f"{lower[0]} {lower[1]}", around) if lower is not None else None  # (its province ours)
    central = _without_central_committee(organisation)  # "Trung ương Hội LHPN Việt Nam": the union's (red team 134)
    written = [organisation, *completed_by_province(organisation, around), *([listed] if listed else []),
               *([bare] if bare else []),
               *([central, *completed_by_province(central, around)] if central != organisation else [])]
    for parent in parents:
        if not marks_agree(organisation, parent):
            continue
        if (organisation.isascii() or parent.isascii()) and (directory.told_apart_by_marks(parent, district)
                                                             or directory.told_apart_by_marks(organisation, district)):
            continue  # written without marks, either commune's (red teams 135, 136: xã Tân Thanh's O, Tân Thạnh's school)
        # "UBND huyện Lục Ngạn, tỉnh Bắc Giang" as listed, only where the certificate gives the row's province (red team 133)
        parent_listed = lower_body_as_listed(parent, around) if around else None
        others = [*_parent_texts(parent, places, as_written=bool(around)), *([parent_listed] if parent_listed else [])]
        if {squash(o) for o in written} & {squash(o) for o in others}:
            return True
        for one in written:
            for other in others:  # the side written in initials stands for no other body of the directory
                abbreviated, meant = (other, written) if abbreviates(other, one) else (one, others) if abbreviates(
                    one, other) else (None, [])
                if abbreviated is not None and bool(central_words(one)) == bool(central_words(other)) and not _stands_for_another(
                        abbreviated, meant, directory):
                    return True
    return False


# a union's central committee before its name: read folded, however it is cased or marked (red team 135: "Trung Ương
# Hội …", "TRUNG UONG HOI …")
_CENTRAL_COMMITTEE = re.compile(r"^(?:TRUNG UONG|TW)\s+(?=(?:HOI|DOAN)\b)")


def _without_central_committee(organisation: str) -> str:
    """A union's O without its central committee's words ("Trung ương Hội LHPN Việt Nam" → "Hội LHPN Việt Nam"), the
    rest as written; any other O as it is."""
    found = _CENTRAL_COMMITTEE.match(fold(" ".join(organisation.split())))
    if found is None:
        return organisation
    return " ".join(organisation.split()[len(found.group(0).split()):])


def _parent_texts(parent: str, places: frozenset[str], *, as_written: bool) -> list[str]:
    """A parent as the column writes it, completed by its row's province: on a row a province places, any parent written
    without its province ("Sở Y tế", "UBND tỉnh", "Bộ Công an") only completed (`_completed_parents`), never as any
    province's bare O (red teams 125–128: a bare "SỞ Y TẾ", "CÔNG AN TỈNH", "KHO BẠC NHÀ NƯỚC" of any province, no L, was
    our unit's parent; a ministry's too: its O speaks for our unit where it or the L names our province)."""
    if places and place_of(parent) is None:
        return _completed_parents([parent], places, as_written=as_written)
    return [parent, *(f"{parent} {level} {p}" for p in places for level in province_levels(p))]


def _stands_for_another(abbreviated: str, meant: list[str], directory: Directory) -> bool:
    """Whether a name in initials stands for a body of the directory other than the one it is compared with ("Sở NV"
    for Sở Nội vụ, the O Sở Ngoại vụ's; red team 133: an O "SỞ GD&ĐT" under its parent row spelled out is that row)."""
    ours = {squash(text) for text in meant}
    return any(not ours & {squash(n) for n in agency.names} for _, agency in directory.written_names.find(abbreviated))


def _completed_parents(parents: list[str], places: frozenset[str], *, as_written: bool) -> list[str]:
    """A placed row's parents as bodies of its province: one written without a place completed with the row's (red team
    129: "UBND tỉnh" was no committee, a bare "Sở Nông nghiệp và Môi trường" no row of the directory, so the committee
    above them never spoke for their units): with the province's level, "thành phố" only for a city of the centre (red
    team 130: "UBND", "Công an" were completed as "… thành phố Bắc Giang", the province's city), and with its name alone
    (a body of the centre: "Bộ Công an" + "Bắc Giang", as its O is completed). A parent naming a lower place ("UBND huyện
    Lục Ngạn") is kept as written too where the certificate's own province is the row's (`as_written`; red team 131:
    its bare name, no L, is any province's district so named). A row no province places keeps them as written."""
    if not places:
        return parents
    return [completed for parent in parents for completed in (
        [parent] if place_of(parent) is not None else
        [*completed_by_province(parent, places, under_province=True), *([parent] if as_written else [])]
        if _LOWER_PLACE.search(nfc(parent).lower()) else
        [f"{parent} {p}" for p in sorted(places)] if folded_words(parent).rsplit(" ", 1)[-1] in ABOVE | {"PHO"} else
        [*completed_by_province(parent, places, under_province=True),  # "Ủy ban MTTQ Việt Nam" + "tỉnh Bắc Giang"
         *([] if every_level(parent) else [f"{parent} {p}" for p in sorted(places)])])]


# a lower body's place in a name, its words with their marks ("UBND huyện Lục Ngạn"; "xã hội" is no commune)
_LOWER_PLACE = re.compile(r"\b(?:huyện|quận|thị xã|xã|phường|thị trấn|thành phố)\s+(?!hội\b)\w")


def _parents(row: AgencyEntry) -> list[str]:
    """A row's `parent` column, each spelling with its province's level put in where it was left out."""
    return [spelt for parent in row.parent for spelt in _levelled(parent)]


def _levelled(parent: str) -> tuple[str, ...]:
    """A `parent` as the column writes it and, where it ends with a province's name without "tỉnh" or "thành phố"
    ("Sở Nông nghiệp và Môi trường Bắc Giang"), with the province's own level put before the name, as names are written
    (red team 122); "thành phố" only before a city of the centre (red team 132: "UBND Bắc Giang" was the province's city's
    committee too, "UBND thành phố Bắc Giang")."""
    count, provinces = ending_provinces(parent)
    head = without_last_words(parent, count) if count and len(provinces) == 1 and place_of(parent) is None else ""
    written = nfc(parent)[len(nfc(head)):].strip(" ,.-–")  # the province as the column writes it, its marks kept
    return (parent, *(f"{head} {kind} {written}" for kind in province_levels(provinces[0]))) if head.strip() else (parent,)


def signer_agencies(sig: SignatureFacts, directory: Directory) -> list[AgencyEntry]:
    """The agencies a certificate speaks for: by its fingerprint or its CN as the directory's
    `certificates` column lists them; else those its deciding name names, its province agreeing.
    Usually one; several where one office's certificate serves them all (Văn phòng Chính phủ signs
    for the Thủ tướng too). A person whose OU names no agency speaks for none: never widened."""
    if sig.fingerprint and (agency := directory.by_fingerprint(sig.fingerprint)) is not None:
        return [agency]
    listed = directory.by_listed_certificate(sig.subject.common_name)
    places = certificate_places(sig.subject)
    named: list[AgencyEntry] = []
    if places is not None:
        name = deciding_name(sig.subject)
        found = [a for a in directory.by_certificate_name(name, places, under_province=_under_province(sig.subject),
                                                          within=within(sig.subject))
                 if _placed_alike(a, places)]
        # where a commune's O stands, read once: communes of two districts are named alike (red teams 135, 136)
        district = certificate_district(sig.subject)
        if not found and name == sig.subject.organisation:
            found = [a for a in _commune_as_listed(sig.subject, district, places, directory) if _placed_alike(a, places)]
        for levelled in _levelled(name)[1:] if not found else ():  # "BO CHI HUY QUAN SU BAC GIANG" (red team 136)
            found = found or [a for a in directory.by_certificate_name(levelled, places) if _placed_alike(a, places)]
        found = [a for a in found if not _apart(district, a)]
        if vouched(sig, directory, places) or _a_parent_of_any(sig.subject, district, found, directory):
            named = _governed(sig, found, directory, places, district)
    return list({a.code: a for a in (*listed, *named)}.values())


def _commune_as_listed(subject: CertSubject, district: str | None, places: frozenset[str],
                       directory: Directory) -> list[AgencyEntry]:
    """A commune's committee or council as its O writes it with its district and province ("UBND xã Tân Lập, huyện Lục
    Ngạn, tỉnh Bắc Giang", "… - LỤC NGẠN - BẮC GIANG"), looked up as a directory lists it: by its name with that district,
    or bare; only a row that names the same district, by its names or its `parent` (red team 135: the commune's own
    letters returned; Yên Thế's xã Tân Lập is never Lục Ngạn's)."""
    found = lower_committee(subject.organisation)
    if found is None or district is None or district_committee(subject.organisation) is not None:
        return []
    body, place, after = found
    pieces = district_pieces(after)
    bare = DISTRICT_LEVEL_WORDS.sub("", pieces[0]).strip() if pieces else district
    texts = [f"{body} {place}", *(f"{body} {place}, {level} {bare}" for level in DISTRICT_LEVELS)]
    rows = {a.code: a for text in texts for a in directory.by_certificate_name(text, places)}
    return [a for a in rows.values() if row_district(a) == district]


def _under_province(subject: CertSubject) -> bool:
    """Whether the deciding name stands under its province's own body (its committee, its council, the province): a
    body every level has, named there without its level, is the province's (real file 022: OU "VĂN PHÒNG ỦY BAN NHÂN
    DÂN"); under any other O, or as the O itself, it is no level's (red team 129: a commune's "UBND")."""
    return (deciding_name(subject) != subject.organisation and bool(subject.organisation)
            and province_committee(subject.organisation) is not None)


def _placed_alike(agency: AgencyEntry, places: frozenset[str]) -> bool:
    """A row whose names say no place, placed by its mailbox, is a certificate's only where the certificate gives that
    province (red team 124: Lạng Sơn's xã Tân Lập, its own certificate, was our "UBND xã Tân Lập"; and one giving none:
    five provinces have a huyện Châu Thành)."""
    provinces = frozenset() if agency.places else _provinces_of(agency)
    return not provinces or any(same_province(p, q) for p in provinces for q in places)


def _a_parent_of_any(subject: CertSubject, district: str | None, agencies: list[AgencyEntry],
                     directory: Directory) -> bool:
    """Whether the O is, as the directory's `parent` column writes it, the body above one of the agencies the deciding
    name names: the operator's word vouches for it as a body of the state (red team 124: a hospital under "Sở Y tế tỉnh
    Bắc Giang", a row the directory does not list, was held). Never a firm's O."""
    organisation = subject.organisation
    if not organisation or _firm(organisation):
        return False
    outside = organisation_places(subject)
    return any(_is_a_parent(organisation, outside, a, _parents(a), directory, district)
               for a in agencies if a.parent)


def signer_agency(sig: SignatureFacts, directory: Directory) -> AgencyEntry | None:
    """The one agency a certificate names (None when it names none, or several)."""
    found = signer_agencies(sig, directory)
    return found[0] if len(found) == 1 else None


def _spellings(name: str, places: frozenset[str]) -> set[str]:
    """The name, and the name with each place as a province or a city writes it (red team 111: "Sở Tư pháp thành phố
    Hà Nội" was not Hà Nội's Sở Tư pháp)."""
    return {squash(name), *(squash(f"{name} {level} {p}") for p in places for level in province_levels(p))}


def _organisation_spellings(organisation: str, places: frozenset[str]) -> set[str]:
    """An O completed by its province, its level put in only where it leaves it out of a body a province alone has (red
    teams 129, 130: a commune's "UBND", a district court's "TÒA ÁN NHÂN DÂN", L "Bắc Giang", were the province's)."""
    return {squash(organisation), *map(squash, completed_by_province(organisation, places))}


def _names_issuer(value: str, issuer: Issuer, places: frozenset[str] | None) -> bool:
    """Whether a certificate attribute spells the printed issuer (an agency outside the directory);
    only an agency's name does ("Cá nhân", a private person's O, names nobody). An issuer printed with its province
    is named only by a certificate naming that province (red team 109: a bare "Sở Tư pháp", or one whose O is a firm's,
    spoke for Lâm Đồng's)."""
    if places is None or not is_agency_name(value) or foreign_letters(value) or (issuer.places and not issuer.places & places):
        return False  # a certificate's name as written, never as it looks (red team 108: "Sở Тư pháp", a Cyrillic Т)
    return bool(_spellings(value, places) & _spellings(issuer.name, issuer.places))


def speaks_for(sig: SignatureFacts, issuer: Issuer, directory: Directory) -> bool:
    agencies = signer_agencies(sig, directory)
    if issuer.agency is not None:
        return any(a.code == issuer.agency.code for a in agencies)
    if agencies:
        return False  # the certificate is a known agency's, and the issuer is not that agency
    subject = sig.subject
    named_places = certificate_places(subject)  # once: each look at it folds every name of the certificate
    if not vouched(sig, directory, named_places, issuer.parent):
        return False
    if not _names_issuer(deciding_name(subject), issuer, named_places):
        return False
    # a unit printed under a body the directory knows ("SỞ TƯ PHÁP / VĂN PHÒNG") is spoken for only by a certificate
    # whose O is that body (red team 114: anyone's "Văn phòng", a firm's or another Sở's, registered a letter as its)
    # (under a people's committee or council, the place is what tells: compared above)
    parent = directory.by_issuer(issuer.parent) if issuer.parent and not PARENT_WORDS.match(fold(issuer.parent)) else None
    if parent is None or deciding_name(subject) == subject.organisation:
        return True
    organisation, places = subject.organisation or "", organisation_places(subject)  # never the OU's (red team 124)
    if PARENT_WORDS.match(fold(organisation)) and parent.places & places:
        return True  # the unit's certificate under its province's committee, as real files have it (red team 115)
    if squash(organisation) in {squash(f"{issuer.parent} {p}") for p in parent.places} and parent.places & places:
        return True  # "SỞ TƯ PHÁP BẮC GIANG": the body, its province written without "tỉnh" (never an O only beginning so)
    return any(a.code == parent.code for a in directory.by_certificate_name(organisation, places))


def is_joint(particulars: Particulars) -> bool:
    """A joint document (liên tịch): its type says so, or its notation's type code ends in LT."""
    return "LIEN TICH" in fold(particulars.type or "") or bool(_JOINT_NOTATION.search(fold(particulars.number or "")))


def _issuer(name: str, parent: str | None, directory: Directory, ocr: bool) -> Issuer:
    return Issuer(name, parent, directory.by_issuer(name, parent), ocr)


# A joint document (liên tịch) is issued by a few bodies (two to four ministries); an issuer line of more parts names
# none of them: each part is compared with every signature (red team 20: 10,000 parts, 0.5 s a document)
MOST_JOINT_ISSUERS = 8


def document_issuers(reading: Reading | None, directory: Directory) -> DocumentIssuers:
    """The issuers printed on the document: one; several for a joint one; the copier for a copy.
    An issuer read by OCR that names no agency of the directory counts as unread (OCR proves nothing),
    unless it names a place outside the directory's (`foreign`)."""
    if reading is None:
        return DocumentIssuers(())
    ocr = (source := reading.sources.get("issuer")) is not None and source.via == "ocr"
    if reading.copy is not None:
        if not reading.copy.copier:
            return DocumentIssuers((), copy=True)
        return DocumentIssuers((_issuer(reading.copy.copier, reading.copy.copier_parent, directory, ocr),), copy=True)
    p = reading.particulars
    if not p.issuer:
        return DocumentIssuers(())
    whole = _issuer(p.issuer, p.issuer_parent, directory, ocr)
    parts = [part for part in re.split(r"\s+[-–]\s+|\n", p.issuer) if part.strip()]
    split = tuple(_issuer(part.strip(), p.issuer_parent, directory, ocr) for part in parts) \
        if whole.agency is None and 1 < len(parts) <= MOST_JOINT_ISSUERS else ()
    # a joint document: its type or code says so, or each part of its issuer line is an agency of the directory (a
    # "Chương trình phối hợp 01/CTPH-SNV-STC" of two Sở says it nowhere: red team 67)
    joint = bool(split) and is_joint(p)
    inferred = bool(split) and not joint and all(i.agency is not None for i in split)
    issuers = split if joint or inferred else (whole,)
    if ocr and any(i.agency is None for i in issuers) and not foreign(issuers, directory):
        return DocumentIssuers(())
    return DocumentIssuers(issuers, inferred=inferred)


def foreign(issuers: tuple[Issuer, ...], directory: Directory, us: AgencyEntry | None = None) -> bool:
    """Whether OCR read, of an issuer the directory does not know, a place none of its agencies is in
    ("SỞ TÀI CHÍNH" under "UBND TỈNH LÂM ĐỒNG", read from a scan by Bắc Giang's gateway): read that well,
    the issuer is another province's, not unread, and no signature of ours speaks for it (a scan of
    another province's document, signed by our Sở Tài chính, was registered on that signature). For a commune or
    ward (`us`), another one's document is foreign too: its bare "UBND xã" is its own (red team 44)."""
    ours = {place for agency in directory.agencies for place in agency.places}
    if bool(ours) and any(i.agency is None and i.places and not any(near_place(p, ours) for p in i.places)
                          for i in issuers):
        return True
    ours_too = {c for n in (us.name, *us.former) if (c := commune_of(n)) is not None} if us is not None else set()
    if not ours_too:  # (a merged commune's former names are ours: red team 45)
        return False
    for issuer in issuers:  # its own name, else its parent's ("UBND xã Nam Dương / Trường Mầm non Nam Dương")
        theirs = [c for n in (issuer.agency.name if issuer.agency else issuer.name, issuer.parent or "")
                  if (c := commune_of(n)) is not None]
        if theirs and theirs[0] not in ours_too:
            return True
    return False


def may_be_one_issuer(name: str, parent: str | None, other: str, other_parent: str | None) -> bool:
    """Whether two printings of an issuer may be one body (a copy prints its original's issuer as it pleases): the one
    name the other's beginning, word for word, and no two places OCR could not have misread into each other ("SỞ TƯ PHÁP
    BẮC GIANG" may be "SỞ TƯ PHÁP" under "UBND TỈNH BẮC GIANG"; "UBND HUYỆN YÊN DŨNG" is not "UBND TỈNH BẮC GIANG", nor
    Lạng Sơn's Sở Tư pháp Bắc Giang's: red team 62)."""
    words, others = fold(name).split(), fold(other).split()
    if not words or not others or words[:len(others)] != others[:len(words)]:
        return False
    place = place_of(name) or (place_of(parent) if parent else None)
    other_place = place_of(other) or (place_of(other_parent) if other_parent else None)
    return place is None or other_place is None or near_place(place, {other_place}) or near_place(other_place, {place})


