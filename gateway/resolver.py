"""Which agencies a recipient entry names, through the directory (the outgoing side: Bắc Giang QĐ
133/2015 Đ6, Đ9; an entry that does not resolve to exactly the agencies meant stops the send), and
whether an entry names our agency (intake: a document not addressed to us is `wrong-recipient`).

Pure: an entry as written, the directory, our own agency and the document's references in; a typed
resolution out. Names are compared as documents write them (`gateway/names.py`: case, tones and
spacing ignored; syllable abbreviations such as "Sở GD&ĐT", "UBND", "LĐ-TB&XH" matched against
the directory's names, never against a list of agencies); "tỉnh", "thành phố", "xã", "phường"
without a name are our own province or unit, and an entry without any place is our province's
body ("Hội Liên hiệp Phụ nữ tỉnh", "Sở Tư pháp"); every reading is a candidate, and an entry more
than one agency answers to is ambiguous, never guessed. Notes in brackets are ignored; titles
("Giám đốc Sở Tư pháp") name their agency; groups ("Các Sở, ban, ngành") are named in the
directory's `groups` column as documents name them; lists ("UBND các huyện: Lục Ngạn, Sơn Động",
"TAND, VKSND tỉnh") and "A và B" stand for each item; references ("Như Điều 3", "Như trên") for the
bodies the document names there. A name the directory lists as `former` (the 2025 reorganisation)
resolves to its successor, with the warning `recipient-former-name`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from gateway.decision.family_names import a_bodys_first_word, begins_with_family_name
from gateway.directory import AgencyEntry, Directory, place_of
from gateway.reading.references import article_number, is_above
from gateway.reading.spelling import (ending_provinces, last_province, names_province, provinces_of_initials,
                                      without_last_words)
from gateway.reasons import Reason, warning
from vntext import as_printed, fold, squash

Status = Literal["resolved", "ambiguous", "unresolved", "skipped"]

# Titles a person is named by; what follows names the agency ("Chánh Văn phòng UBND tỉnh").
_TITLE = (r"(PHO |TONG )?(GIAM DOC|CHU TICH|THU TRUONG|BO TRUONG|CHU NHIEM|CHANH|TRUONG|CUC TRUONG|VU TRUONG|"
          r"HIEU TRUONG|BI THU|VIEN TRUONG|NGUOI DUNG DAU|LANH DAO|CT|PCT|PTC|BTCN|PCN|"
          r"PGD(?= (CAC )?(SO|CUC|BO|TRUNG TAM|VIEN|BAN)\b)|THUONG TRUC|"
          r"TT(?= (UBND|HDND|UY BAN|HOI DONG|TINH UY|HUYEN UY|DANG UY)\b))")  # "TT UBND tỉnh", not "TT Y tế" (red team 148)
# One title or several sharing their agency: "Chủ tịch, các PCT UBND tỉnh", "CT, PTC UBND tỉnh";
# "Đồng chí" / "Đ/c" before it.
_TITLES = re.compile(rf"^((CAC )?(DONG CHI|D/C) )?(CAC\s+)?{_TITLE}((\s*,\s*|\s+VA\s+)(CAC\s+)?{_TITLE})*\s+(CAC\s+)?")
# a ministry a name ends with ("Thanh tra Bộ Xây dựng"), never the "bộ" of "cán bộ"
_MINISTRY_END = re.compile(r"(?<![Cc]án )(?<!CÁN )\b(?:Bộ|BỘ)\s+(?!(?i:chỉ\s+huy|tư\s+lệnh|đội|phận)\b)\S.*$")
# (not "Bộ Chỉ huy Quân sự tỉnh", "Bộ Tư lệnh", "Bộ đội Biên phòng", "Bộ phận một cửa": red team 43)
_SCHOOL = re.compile(r"(?i:trường)\b")  # a school, not its head ("Trưởng"): "Trường Sở Y tế" is none of Sở Y tế's (red team 39)
_PARENT = re.compile(r"\s+[-–]\s*|\s*[-–]\s+|(?<=[A-Za-zÀ-ỹ])-(?=B[ộo]\b)")  # "Cục … - Bộ Tư pháp": the unit, then its parent
_ARCHIVE = re.compile(r"^LUU\b")
_NOTATION = re.compile(r"\b\d+[/-][\wĐđ./&-]*")  # a document's number and symbol: "12/SNV-VP", "45/2026/QĐ-UBND"
_NOTES = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")  # "(để b/c)", and as some offices write it "[để b/c]"
# a list's numbering before an entry: "1.", "2)", "a)", "II." (red team 98: "1. Sở Y tế" was held)
_NUMBERING = re.compile(r"^\s*(\d{1,2}[.)]|[a-zđ]\)|[IVX]{1,4}\.)\s+")
_NOTE_WORDS = re.compile(r"^(\d+\s*(BAN|B)\b|DE\b(?! AN\b)|B/C|B/CAO|B/E|T/H|P/H|TH/H|PH/H|D/B|D/C|"
                         r"QUA (EMAIL|E-MAIL|THU|HE THONG)|KEM\b|BAN (CHINH|SAO|GOC|DIEN TU)\b|THAY\b|THUC HIEN|BAO CAO|"
                         r"PHOI HOP|CHI DAO|E-?MAIL|PHONG ([A-Z0-9&]{2,8}$|(TO CHUC|HANH CHINH|KE HOACH|"
                         r"NGHIEP VU|PHAP CHE|TONG HOP|CONG CHUC|VAN THU|QUAN LY|THANH TRA)\b)|"
                         r"DANG (TAI|CONG BAO|WEBSITE|CONG)|Y KIEN|CHU TRI|GIAM SAT|TONG HOP|THEO DOI|THI HANH|"
                         r"THEO|TRA LOI|PHUC DAP|V/V)\b")  # "(theo CV số 12 ngày 01.02.2026)" (red team 152)
# what narrows a group's or a list's entry to some of what it names is no note there ("Các Sở, ban, ngành (theo danh
# sách kèm theo)": red team 159); after one body, nothing to narrow ("Sở Tư pháp (kèm theo danh sách)": red team 160)
_NARROWS = re.compile(r"\b(DANH ?SACH|DANH ?MUC|PHU ?LUC|PHU ?BIEU|BIEU|DS|D/S|PL)\b")  # as written short or bent too
# A note never names a body or a place ("(qua Bộ Tài chính)", "(để UBND tỉnh Lạng Sơn biết)": red team 37); "số 12" is a
# number, no Sở
_BODY_WORD = re.compile(r"\b(BO|SO(?! ?\d)|CUC|UBND|UY BAN|HDND|HOI DONG|TINH UY|THANH UY|DANG UY|VIEN|TRUNG TAM|CHI CUC|"
                        r"VAN PHONG|THANH TRA|CONG AN|TOA AN|KHO BAC|NGAN HANG|CHINH PHU|QUOC HOI|TRUNG UONG|TW)\b")
_UNIT_CODES = re.compile(r"^[A-ZĐ0-9]{1,8}(\s*,\s*[A-ZĐ0-9]{1,8})+$")  # "PC, CS, TTR, KTNB": a body's own units
# Kinds of body only a province has (a Sở, its people's committee and council, its Party committee): a former name of
# one needs no place written to be ours ("Sở KH&ĐT", "Ban Tuyên giáo Tỉnh ủy")
_PROVINCIAL = re.compile(r"\b(SO|TINH UY|TINH DOAN|THANH UY|UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN)\b")
# The kinds of a province's own bodies, whose place a list's other items share ("Sở Y tế, Sở Tư pháp TP.HCM")
_PROVINCE_KIND = re.compile(r"^(SO|UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN|CONG AN|TINH UY|THANH UY|TINH DOAN|THANH DOAN|"
                            r"THANH TRA|BAN|VAN PHONG|TAND|VKSND|TOA AN|VIEN KIEM SAT|HOI|LIEN DOAN|UY BAN|MTTQ|TT)\b")
_CITIES = {"HA NOI", "HO CHI MINH", "HAI PHONG", "DA NANG", "CAN THO", "HUE", "THUA THIEN HUE"}  # cities, not provinces
# An entry ending with the country is a national body's ("Hội Nông dân Việt Nam", "Hội LHPN VN"): never our province's
# "Việt Nam" ending an entry, however its marks slipped ("Viêt Nam", "Viét Nam") or it is joined ("Việt-Nam"); matched on
# the entry unmarked (`_unmarked`), as names are compared (red team 98: "Hội Nông dân Viêt Nam" was our province's)
_NATIONAL = re.compile(r"(\bviet\W*nam|(?-i:VN))\s*$", re.IGNORECASE)
# How high a kind of body stands (Resolver._unit_of: which of two parts around a dash holds the other)
_RANKS = ((4, re.compile(r"^(BO(?! (TU LENH|CHI HUY|DOI)\b)|CHINH PHU|QUOC HOI|UBND|UY BAN NHAN DAN|HDND|HOI DONG NHAN DAN|"
                         r"TINH UY|THANH UY|HUYEN UY|DANG UY|BAN CHAP HANH|TRUNG UONG|TW|TANDTC|VKSNDTC|KIEM TOAN NHA NUOC|"
                         r"VAN PHONG (CHINH PHU|QUOC HOI|CHU TICH NUOC|TRUNG UONG)|THANH TRA CHINH PHU|VIEN HAN LAM|"
                         r"DAI HOC QUOC GIA|(TOA AN NHAN DAN|VIEN KIEM SAT NHAN DAN|TAND|VKSND) TOI CAO)\b")),
          (3, re.compile(r"^(TONG CUC|UY BAN|BO (TU LENH|CHI HUY))\b")),
          (2, re.compile(r"^(CUC|SO|BAN|VIEN|HOC VIEN|TOA AN|VIEN KIEM SAT|TAND|VKSND|TRUONG DAI HOC|DAI HOC)\b")))
# After "các tỉnh"/"các thành phố", what says every one of them rather than naming some ("các tỉnh, thành phố trực
# thuộc Trung ương", "các tỉnh, TPTW")
_EVERY_WORDS = re.compile(r"\b(TINH|THANH PHO|TP|TPTW|TRUC THUOC|TRUNG UONG|TW|TU|VA|(TREN |TRONG )?CA NUOC)\b|[^A-Z0-9]")
# (a region, "các tỉnh phía Nam", or "các tỉnh trên", names some provinces: red team 34)
# The levels a place is named at, as names write them ("tỉnh Bắc Giang", "phường Đức Xuân").
_LEVEL = r"thành phố|thị trấn|thị xã|tỉnh|xã|phường|huyện|quận"
# (not "Tỉnh ủy", "Tỉnh đoàn", "Xã hội", "Hợp tác xã")
_LEVELS = re.compile(rf"\b(?<!tác )({_LEVEL})\b(?!\s+(ủy|uỷ|đoàn|đội|hội)\b)", re.IGNORECASE)
# A level word ending an entry without its name ("Hội Liên hiệp Phụ nữ tỉnh", "UBND TP"), unless it
# is plural or a rank ("UBND các tỉnh", "các xã, phường", "cấp tỉnh").
_BARE_LEVEL = re.compile(rf"(?<![\w.])(?<!tác )(?P<level>{_LEVEL}|TP\.?|Tp\.?)\s*$", re.IGNORECASE)
_NOT_OURS_BEFORE = re.compile(rf"(\b(các|cấp|thuộc|{_LEVEL})|[,;/])\s*$", re.IGNORECASE)
# All provinces' bodies of a kind: "Sở Tài chính các tỉnh, thành phố trực thuộc TW", "Cục thuế các tỉnh, TPTW".
_EVERY_PROVINCE = re.compile(r"\s+các\s+(tỉnh|thành phố|TP)\b.*$", re.IGNORECASE | re.DOTALL)
_AND = re.compile(r"\s+(?:và|&)\s+", re.IGNORECASE)
# A group's list of kinds kept whole in a list (Resolver._clean): its commas stand so until the group is looked up
_GROUP_COMMA = "\ue000"
# A Sở's office is a unit inside it, never a body of its own (a UBND's or a ministry's office is one): "Văn phòng Sở Nội
# vụ" is the Sở (red team 55)
_OFFICE_OF_A_SO = re.compile(r"^\s*văn\s+phòng\s+(?=sở\b)", re.IGNORECASE)
# What joins a group to our place: "Các sở, ban, ngành thuộc UBND tỉnh", "… trên địa bàn tỉnh"
_OURS_AFTER_GROUP = re.compile(r"\s+(thuộc(\s+(UBND|ủy ban nhân dân))?|trên\s+địa\s+bàn|của)\s*$", re.IGNORECASE)
# "A và B" is cut at each "và" in turn, each side read again: names hold one or two ("Sở Văn hóa, Thể thao và Du
# lịch"), so an entry of more names no pair of agencies
MOST_ANDS = 4
# A head names a few kinds of body ("Sở, ban, ngành, đoàn thể tỉnh: …"), its list the bodies of a province or a
# district ("UBND các xã: …"); an entry of more is no list of ours
MOST_KINDS = 6
MOST_ITEMS = 40
# a list of one body's units of one level, written without a colon: "UBND xã Ea Kar, xã Krông Bông", "UBND các xã A và B"
_LEVEL_LIST = re.compile(r"^(?P<head>[^,;:]*?\S)\s+(?P<plural>các\s+)?(?P<level>xã|phường|thị trấn|thị xã|quận|huyện)\s+"
                         r"(?P<rest>[^:]+)$", re.IGNORECASE)
_LIST_PARTS = re.compile(r"\s*[,;]\s*|\s+và\s+", re.IGNORECASE)


def _as_level_list(text: str) -> str:
    """"UBND xã Ea Kar, xã Krông Bông" and "UBND các xã Ea Kar, Krông Bông" as the colon's form, "UBND các xã: Ea Kar,
    Krông Bông": each a commune of the head's body (red team 75: the last, "xã Krông Bông", was read as the list's place,
    and neither commune was named)."""
    match = _LEVEL_LIST.match(text)
    if match is None:
        return text
    level = match["level"]
    parts = _LIST_PARTS.split(match["rest"])
    again = re.compile(rf"^{re.escape(level)}\s+(?=\S)", re.IGNORECASE)
    if len(parts) < 2 or len(parts) > MOST_ITEMS or not all(parts) \
            or not (match["plural"] or all(again.match(part) for part in parts[1:])):
        return text
    return f"{match['head']} các {level}: {', '.join(again.sub('', part) for part in parts)}"
_EVERY_PLACE = re.compile(rf"\bcác\s+({_LEVEL}|TP)\b", re.IGNORECASE)  # "… các tỉnh, TP", "các xã, phường"
# A list's head naming no kind of its own: "Các cơ quan: Sở Tư pháp, …" (each item is a name).
_ANY_KIND = re.compile(r"^(CO QUAN|DON VI|TO CHUC|CO QUAN DON VI|DIA PHUONG)$")
# What no agency's unit is: a firm, a person, people at large (red team 148: "Sở Tài chính: Công ty TNHH Kiểm toán XYZ"
# and "Sở Tư pháp: ông Nguyễn Văn A" went to the head alone, the firm or person dropped in silence)
_NO_UNIT = re.compile(r"^(CONG TY|C\.? ?TY|CTCP|CT CP|TNHH|TONG CONG TY|TAP DOAN|DOANH NGHIEP|DNTN|HOP TAC XA|HTX|"
                      r"NGAN HANG|VAN PHONG (LUAT|CONG CHUNG)|LUAT SU|ONG|BA|ANH|CHI(?! (CUC|NHANH|BO|DOAN|HOI))|EM|"
                      r"DONG CHI|D/C|CA NHAN|HO GIA DINH|TO CHUC(,| VA) CA NHAN|NGUOI|PHONG KHAM|NHA THUOC|"
                      r"CONG TI|CONG DAN|DN|CO SO (KINH DOANH|SAN XUAT)|HO KINH DOANH|CUA HANG|CHU DAU TU)\b")
# and a firm's branch or office, a drugstore, anything private, a household, "Ô." (ông), "B." (bà), "Ngài", "Mr."
# (red teams 153, 156), a body of its own the directory lacks (a hospital, a notary office, a Phòng by its number: red
# team 160); "tư nhân" in a unit's name is its ("Phòng Quản lý hành nghề y, dược tư nhân")
_NO_UNIT_EITHER = re.compile(r"^(CHI NHANH (CONG TY|CTY|TONG CONG TY|NGAN HANG|DOANH NGHIEP|HOP TAC XA|HTX)|CN (CONG TY|CTY)|"
                             r"VAN PHONG (DAI DIEN|THUA PHAT LAI|CONG CHUNG)|VPDD|VPCC|DAI LY|NHA HANG|KHACH SAN|QUAY THUOC|"
                             r"HIEU THUOC|TIEM THUOC|HANG LUAT|GIA DINH|BENH VIEN|PHONG CONG CHUNG|(CAC )?HO|CHU HO|NGAI|MR|"
                             r"MRS|MS)\b|^(O|B)\b\.?\s*\S|\b(TU THUC|DAN LAP)\b|^PHONG\b.*\bSO \d|"
                             r"^(?!(CAC )?(PHONG|BAN|CHI CUC|VAN PHONG|THANH TRA)\b).*\bTU NHAN\b")
# "cô", "chú", "bác", "thầy", "cụ" before a person's name, told from "cơ quan" by its mark (red team 150)
_HONORIFIC = re.compile(r"^(cô|chú|bác|thầy|cụ|ngài)\s+\S", re.IGNORECASE)
# a body's own leaders after its colon ("Sở Tư pháp: Ban Giám đốc", "…: Lãnh đạo Sở"), its to hand the letter (red
# teams 153, 156)
_ITS_LEADERS = re.compile(r"^(CAC )?(BAN (GIAM DOC|LANH DAO)|LANH DAO)( (?P<rest>.+))?$")
# The kinds of body whose letters name their own leaders and units by the kind alone ("Giám đốc Sở", "Lãnh đạo Cục")
_BARE_KINDS = frozenset({"SO", "CUC", "BO", "BAN", "VIEN"})
# the words before it: our leaders', our units' and our own pages' (red team 149: any entry ending in "số", "Trung tâm
# Chuyển đổi số", "Sở Y tế và các đơn vị trực thuộc Sở", was taken for ours)
_OUR_OWN_WORDS = frozenset("""CAC GIAM DOC PHO PGD LANH DAO BAN THU TRUONG CHANH VAN PHONG DON VI THUOC TRUC CONG TTDT
    THONG TIN DIEN TU TRANG WEBSITE CUA VA DANG UY CHI BO DOAN THANH NIEN CAN CHUC VIEN NGUOI LAO DONG TO
    THANH TRA CHUYEN MON NGHIEP VU NANG""".split())  # "Thanh tra Sở", "Các phòng chuyên môn thuộc Sở" (red team 150)
# "Các phòng chuyên môn, nghiệp vụ thuộc Sở Y tế", "Phòng Kế hoạch và Tài chính thuộc Sở Y tế", "Văn phòng, Thanh tra và
# các phòng chuyên môn thuộc Sở": units, then the body they belong to; a named "Phòng …" one the directory may list
# not a clinic, a notary office, nor a Phòng by its number ("Phòng Công chứng số 2": bodies of their own, red team 159)
_DEPARTMENTS = re.compile(r"^(CAC )?(PHONG\b(?! KHAM| CONG CHUNG)(?!.*\bSO \d).*|VAN PHONG|THANH TRA|BAN (GIAM DOC|LANH DAO)|"
                          r"LANH DAO)$")
_DEPARTMENTS_ALSO = re.compile(r"^(CAC )?(BAN|CHUYEN MON|NGHIEP VU|CHUC NANG)$")  # after "," or "và"
_UNITS_OF = re.compile(r"^(?P<units>.+?)\s+(?:trực\s+)?thuộc\s+(?P<body>\S.*)$", re.IGNORECASE)
# A body and a bracket of codes only ("Sở Tư pháp (LS, BG)"), and a bracket of codes anywhere
_INITIALS_BRACKET = re.compile(r"^(?P<unit>[^()\[\]]+?)\s*[(\[]\s*(?P<codes>[A-ZĐ]{2,4}(\s*,\s*[A-ZĐ]{2,4})+)\s*[)\]]"
                               r"\s*[.;,]?\s*$")
# "Sở Tư pháp các tỉnh (LS, BG)", "… các tỉnh, thành phố (LS, BG)", "… các tỉnh/thành phố (LS, BG)"
_PROVINCES_SAID = re.compile(r"\s+(các|hai|ba|bốn|năm|\d+)\s+(tỉnh\s*[,/]\s*thành phố|tỉnh)$", re.IGNORECASE)
_CODES_BRACKET = re.compile(r"[(\[]\s*(?P<codes>[A-ZĐ]{2,4}(\s*,\s*[A-ZĐ]{2,4})+)\s*[)\]]")
# The codes a body's letters give its own units ("Sở Y tế (TC, KH)": its Tổ chức and Kế hoạch rooms), some of them a
# province's initials too ("VP": Vĩnh Phúc; "KH": Khánh Hòa; red team 153)
_UNITS_CODES_ALSO_PROVINCES = frozenset("""VP TH KH KT QT CT DT TC TN HC NC VX PC NV XD GD QL TCCB KHTC TCHC CNTT TTR KGVX TNMT
    NVY NVD QLCL KHTH TCKT""".split())
# An address written in an entry: the gateway mails the directory's mailboxes only, and the clerk sees what the block
# says (red team 148: "Sở Tư pháp (qua thư điện tử attacker@…)" was mailed to Sở Tư pháp, the address unsaid)
_ADDRESS = re.compile(r"@|[\[(]\s*(at|a còng)\s*[\])]|\bhttps?:|\bwww\.|"
                      r"\b[\w-]+(\.[\w-]+)*\.(vn|com|net|org|gov|edu|info|biz|io|me|xyz|online|site|example)\b|"
                      r"(?<![\w.])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.[A-Za-z]{2,}(?![\w.])|"  # three parts or more, any domain
                      r"(?<![\w.])(?-i:[a-z0-9-]{2,}\.[a-z]{2,})(?![\w.])",  # two in small letters ("evil.ru", not "TP.HCM")
                      re.IGNORECASE)  # "@" wherever it stands, "[at]", a host name however written (red teams 149, 150)


@dataclass(frozen=True)
class Resolution:
    entry: str
    status: Status
    agencies: list[AgencyEntry] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)  # recipient-former-name: a 2025 name matched

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entry": self.entry, "status": self.status,
            "agencies": [{"code": a.code, "name": a.name, "mailbox": a.mailbox} for a in self.agencies],
        }
        if self.status in ("ambiguous", "unresolved"):
            out["candidates"] = self.candidates
        if self.warnings:
            out["warnings"] = [{**w.as_json(), "detail": w.detail} for w in self.warnings]
        return out


@dataclass(frozen=True)
class _Found:
    agencies: tuple[AgencyEntry, ...]
    many: bool = False  # several bodies meant (a group, a list); else several agencies are an ambiguity
    former: tuple[tuple[str, AgencyEntry], ...] = ()  # (former name, its successor) matched on the way
    unsure: bool = False  # read only as our former body, with our province added: held for the clerk to confirm


def _union(readings: list[_Found | None]) -> _Found | None:
    """Every reading's agencies together (several: an ambiguity)."""
    found = [r for r in readings if r is not None]
    if not found:
        return None
    return _Found(tuple(dict.fromkeys(a for r in found for a in r.agencies)), former=tuple(f for r in found for f in r.former),
                  unsure=any(r.unsure for r in found))


def _merge(parts: list[_Found]) -> _Found:
    agencies: list[AgencyEntry] = []
    for part in parts:
        agencies += [a for a in part.agencies if a not in agencies]
    return _Found(tuple(agencies), True, tuple(f for p in parts for f in p.former), any(p.unsure for p in parts))


@dataclass
class Resolver:
    directory: Directory
    us: AgencyEntry | None = None
    references: dict[str, list[str]] = field(default_factory=dict)  # as the reader resolved them
    # the clerk's choices for bodies a reference names: the agencies meant, or None (nobody to mail)
    chosen: dict[str, list[AgencyEntry] | None] = field(default_factory=dict)

    @cached_property
    def _places(self) -> _Places:
        return _our_places(self.directory, self.us)

    @cached_property
    def _tops(self) -> frozenset[str]:
        """The trees whose top body the directory lists (mã định danh "000.00.00.X")."""
        return frozenset(t for a in self.directory.agencies if a.code.startswith("000.00.00.") and (t := _tree(a.code)))

    @cached_property
    def _squashed(self) -> dict[str, str]:
        return {squash(n): a.name for a in self.directory.agencies for n in (*a.names, *a.former)}

    # ---- outgoing: which agencies an entry names ------------------------------------------
    def resolve(self, entry: str) -> Resolution:
        if _ADDRESS.search(as_printed(entry)):
            return Resolution(entry, "unresolved", candidates=[])
        text = self._clean(entry)
        if text is None:  # "Sở Tư pháp (HN, LS)": Hà Nội's or Hà Nam's (red team 153)
            return Resolution(entry, "ambiguous", candidates=[])
        if not text or _ARCHIVE.match(fold(text)):
            return Resolution(entry, "skipped")  # the archive entry is not a recipient
        if self._our_own(text):
            return Resolution(entry, "skipped")  # our leaders and units: its internal copies
        text = _body_of_its_units(text, lambda unit: self._direct(unit, ours=False) is not None)
        if is_above(text) or article_number(text) is not None:
            return self._reference(entry, text)
        found = self._agencies(text)
        if found is None:
            return Resolution(entry, "unresolved", candidates=self._near(text))
        if (len(found.agencies) > 1 and not found.many) or found.unsure:
            return Resolution(entry, "ambiguous", candidates=sorted(a.name for a in found.agencies))
        agencies = [a for a in found.agencies if self.us is None or a.code != self.us.code]
        renamed = [warning("recipient-former-name", f"{name} → {agency.name}")
                   for name, agency in dict.fromkeys(found.former) if agency in agencies]
        return Resolution(entry, "resolved" if agencies else "skipped", agencies, warnings=renamed)

    def _our_own(self, text: str) -> bool:
        """Our own leaders or units, our kind of body written bare ("Giám đốc Sở (b/c)", "Lãnh đạo Sở", "Các phòng, đơn vị
        thuộc Sở" in a Sở's letter): its internal copies, never mailed (red team 148: each held the whole send)."""
        if self.us is None:
            return False
        kind = fold(self.us.name).split(" ", 1)[0]
        words = re.findall(r"[A-Z0-9/&]+", fold(text))
        return (kind in _BARE_KINDS and len(words) > 1 and words[-1] == kind and words[-2] != "CAC"
                and all(word in _OUR_OWN_WORDS for word in words[:-1]))

    def _reference(self, entry: str, text: str) -> Resolution:
        bodies = next((v for k, v in self.references.items() if fold(k) == fold(text)), None)
        if not bodies:
            return Resolution(entry, "unresolved", candidates=[])
        agencies: list[AgencyEntry] = []
        warnings: list[Reason] = []
        for body in bodies:
            if body in self.chosen:
                agencies += [a for a in self.chosen[body] or [] if a not in agencies]
                continue
            part = self.resolve(body)
            if part.status in ("unresolved", "ambiguous"):
                return Resolution(entry, part.status, candidates=[f"{body}: {c}" for c in part.candidates] or [body])
            agencies += [a for a in part.agencies if a not in agencies]
            warnings += [w for w in part.warnings if w not in warnings]
        return Resolution(entry, "resolved" if agencies else "skipped", agencies, warnings=warnings)

    # ---- intake: whether an entry names an agency ------------------------------------------
    def names(self, entry: str, agency: AgencyEntry, *, unplaced_ours: bool = True) -> bool:
        """Whether an entry names this agency, directly, by alias or by one of its groups: alone, in
        a list ("Sở Y tế, Trung tâm KSBT các tỉnh, TP"), or as every province's body of its kind
        ("Sở Tài chính các tỉnh, thành phố trực thuộc TW", "Các Sở Công Thương"); an ambiguous
        entry counts if it may name it. `unplaced_ours`: an entry that leaves its place out is in our
        province (not in a document of another province's: its "Sở Nội vụ" is its own)."""
        text = self._clean(entry)
        if text is None:  # may name it: as any province its codes may be, or as its units (red team 156)
            return any(self.names(reading, agency, unplaced_ours=unplaced_ours) for reading in _initials_readings(entry))
        if not text or _ARCHIVE.match(fold(text)) or is_above(text) or article_number(text) is not None:
            return False
        if ":" in text:  # "UBND các tỉnh: Đồng Tháp, Hà Tĩnh" names those only, each alone (one we cannot read aside)
            head, listed = text.split(":", 1)
            items = [i for i in re.split(r"[,;]", listed) if i.strip()]
            if len(items) > MOST_ITEMS:
                return False
            # another province's "UBND các phường: Phú Hội, Vĩnh Ninh" is its own, where nothing says a place (red team 42)
            placed = unplaced_ours or place_of(head) is not None
            if placed and self._named(text, agency):
                return True
            # each item alone, as it names its own body: an item read as one of the head's units names nothing ("UBND
            # tỉnh: KonTum, Gia Lai" was ours through "KonTum", no place we know: red team 35)
            alone = self._direct(head)
            place, ours = self._written_place(items[-1])
            if place is not None and not ours:  # "UBND các xã: Yên Bình, Bảo Ái (Lào Cai)": Lào Cai's (red team 39)
                items = [i if _province_said(i) else f"{i} {place}" for i in items]
            elif not placed:
                items = [i for i in items if _province_said(i)]
            return any((found := self._units_or_items(head, item)) is not None and agency in found.agencies
                       and (alone is None or found.agencies != alone.agencies) for item in items)
        many = not _central(agency)  # every province's "Cục Thuế" is none of the country's Cục Thuế (red team 42)
        every = _every_province(text)  # "Sở Tài chính, Cục Thuế các tỉnh, thành phố trực thuộc TW": each kind's body of
        if every != text:  # every province, ours among them (read off the whole entry only: red team 33)
            return many and any(self._named(_plural(item), agency) for item in [every, *_list_items(every)])
        items = _list_items(text)
        place, ours = self._written_place(items[-1]) if len(items) > 1 and not _EVERY_PLACE.search(text) else (None, True)
        if place is not None and not ours:  # "Sở Y tế, Sở Tư pháp tỉnh Lạng Sơn": each of Lạng Sơn (red team 32)
            items = [i if _province_said(i) else f"{i} {place}" for i in items]
        elif len(items) > 1 and any(self._elsewhere(self._direct(i, ours=False)) for i in items):
            items = [i for i in items if _province_said(i)]  # "Sở Tư pháp, Sở Y tế Hà Nội": maybe Hà Nội's (red team 38)
        elif place is not None and _below_a_province(place):  # "Hội Nông dân, UBND xã": the commune's (red team 44)
            items = [i if _LEVELS.search(i) or _REGION.search(_unmarked(i)) else f"{i} {place}" for i in items]
        if len(items) > 1 and any(_GROUP_COMMA in i for i in items) and not self._written_place(items[-1])[1]:
            # "Các Sở, ban, ngành, UBND các huyện tỉnh Lạng Sơn": the list's place is its group's too (red team 57)
            items = [i for i in items if _GROUP_COMMA not in i]
        if len(items) > 1 and (ministry := self._ministry_ending(items[-1])) is not None:  # the same of a ministry's
            items = [i for i in items if self._of_ministry(i, self._direct(i, ours=False), ministry)]
        # "Sở Nội vụ", "Các Sở, ban, ngành" of another province's document (not `unplaced_ours`): its own; "Các Sở Tài
        # chính": every one of them, ours among them
        return any(self._named(part, agency) for part in [text, *items] if unplaced_ours or place_of(part) is not None) \
            or many and any(self._named(every, agency) for part in [text, *items]
                            # "các PCT UBND tỉnh" are a body's deputies, never every province's body (red team 44);
                            # "các Sở, ban, ngành" are a province's own group, never every province's (red team 55), nor
                            # is a list or "và" holding one (red team 57)
                            if (every := _plural(part)) != part and _strip_title(every) == every
                            and _GROUP_COMMA not in every and self._group(every) is None)

    def _clean(self, entry: str, *, initials: bool = True) -> str | None:
        """The entry without its notes; a bracket shaped as one that names a body of the directory or a province by an
        abbreviation ("(HN, HCM)", "(BTC, BYT)", "(b/c TTCP)") says which bodies (red team 38), as after a dash. A group
        whose name is a list of kinds ("Sở, ban, ngành") stays one item of a list it stands in (`_GROUP_COMMA`). None: a
        bracket of codes that may be provinces' initials and may not (`_provinces_by_initials`); `initials`: False, such
        a bracket is read as any other."""
        def kept(note: re.Match[str]) -> str:
            text = note.group(1) if note.group(1) is not None else note.group(2)
            named = any(self._direct(word, ours=False) is not None or names_province(word)  # a letter's "12/SNV-VP" none
                        for word in re.findall(r"[A-ZĐ]{2,}[A-ZĐ0-9.]*", _NOTATION.sub(" ", text)))
            narrows = _NARROWS.search(re.sub(r"[^A-Z0-9/]+", " ", fold(text))) is not None and not self._one_body(printed)
            return " " if _is_note(text) and not named and not narrows else f" - {text} "
        # as a reader sees it: nothing drawn as nothing, a Cyrillic "о" the Latin one (red team 98: "Phú Hоà" was
        # "Phú Hà", a zero-width space hid "Việt Nam")
        printed = _NUMBERING.sub("", as_printed(entry))
        read = self._provinces_by_initials(printed) if initials else printed
        if read is None:
            return None
        text = _NOTES.sub(kept, read.replace(_GROUP_COMMA, " ")).strip().lstrip("-–+ ").rstrip(" ;.,-–").strip()
        for written in self._listed_groups:  # red team 55: "Các Sở, ban, ngành, UBND các huyện" was five items
            text = written.sub(lambda m: re.sub(r"\s*,\s*", _GROUP_COMMA, m.group(0)), text)
        return _as_level_list(text)

    def _provinces_by_initials(self, entry: str) -> str | None:
        """"Sở Tư pháp (LS, BG)": a bracket of two codes or more, each the initials of one province of the country, names
        that body of each ("Sở Tư pháp các tỉnh: Lạng Sơn, Bắc Giang"; red team 150: ours alone). A bracket of codes
        none of which is a province's is its units' (a note, as before: "(TCCB, KHTC)"); one of units' codes that are
        provinces' initials too ("(VP, KH)": Văn phòng, Kế hoạch; Vĩnh Phúc, Khánh Hòa) is its units' unless the
        directory lists that body of each such province. None, held for the clerk: a bracket that may name provinces and
        may not, or not each for sure ("(HN, LS)": Hà Nội or Hà Nam; "(LS, TPBG)"), one beside another bracket or after
        several bodies (red team 153: each sent to ours alone, or a province dropped)."""
        codes = _bracket_codes(entry)
        if not any(provinces_of_initials(code) for code in codes):
            return entry  # no province's initials: a body's units
        units = _units_codes(codes)
        match = _INITIALS_BRACKET.match(entry)
        unit = _PROVINCES_SAID.sub("", match["unit"]) if match else ""  # "Sở Tư pháp các tỉnh (LS, BG)" (red team 156)
        brackets = len(_CODES_BRACKET.findall(entry))
        plain = match is not None and brackets == 1 and not re.search(r"[,;:()\[\]]|\svà\s", unit)
        named = None
        if plain and len(set(codes)) == len(codes) and all(len(provinces_of_initials(code)) == 1 for code in codes):
            named = f"{unit} các tỉnh: {', '.join(next(iter(provinces_of_initials(c))) for c in codes)}"
        if units:  # its units, unless that body of each province is listed: two readings
            return None if named is not None and self._agencies(named) is not None else entry
        return named

    def _one_body(self, entry: str) -> bool:
        """Whether the entry, its brackets aside, names one agency by its name ("Sở Văn hóa, Thể thao và Du lịch", "Ban
        Quản lý các khu công nghiệp"), which a list attached narrows nothing of (red team 161)."""
        found = self._direct(" ".join(_NOTES.sub(" ", entry).split()).strip(" ;.,-–"), ours=True)
        return found is not None and len(found.agencies) == 1 and not found.many

    @cached_property
    def _listed_groups(self) -> list[re.Pattern[str]]:
        """The directory's groups whose names are lists ("Sở, ban, ngành"), as an entry may write them."""
        names = {g for a in self.directory.agencies for g in a.groups if "," in g}
        return [re.compile(r"(?<!\w)" + r"\s*,\s*".join(re.escape(part.strip()) for part in name.split(",")) + r"(?!\w)",
                           re.IGNORECASE) for name in sorted(names, key=len, reverse=True)]

    def _named(self, text: str, agency: AgencyEntry) -> bool:
        found = self._agencies(text) if text else None
        return found is not None and agency in found.agencies

    # ---- how an entry names agencies ---------------------------------------------------------
    def _agencies(self, text: str, ours: bool = True) -> _Found | None:
        """The agencies the text names, as a name, a title's agency, a group, a list or "A và B";
        None if none. `ours`: a place left out is ours (not when a list ends with another one)."""
        if ":" in text:
            return self._units_or_items(*text.split(":", 1))
        for form in dict.fromkeys((text, _strip_title(text), _OFFICE_OF_A_SO.sub("", text))):
            hits = self._direct(form, ours)
            if hits is not None:
                return hits
            group = self._group(form)
            if group is not None:
                return group
        halves = _PARENT.split(text, maxsplit=1)
        if len(halves) == 2 and (found := self._unit_of(halves[0], halves[1], ours)) is not None:
            return found
        if re.search(r"[,;]", text):
            return self._each([i.strip() for i in re.split(r"[,;]", text) if i.strip()])
        if _AND.search(text):
            return self._both(text)
        return None

    def _head_and_its_own(self, head: str, listed: list[str]) -> _Found | None:
        """"VPCP: BTCN, các Vụ, TGĐ Cổng TTĐT": the head's agency, for its units, and the bodies of its own the
        directory lists among them as the entry writes them ("Website CP"; "Ban Tổ chức" under "Tỉnh ủy"), each named
        getting the letter (red teams 34, 35). None where an item names a place ("UBND tỉnh: Lạng Sơn"), outranks the
        head ("Thanh tra: Bộ Tài chính"), or is a body only our place would make one of the directory ("Bộ Tài chính:
        Thanh tra" is the ministry's, "Sở Y tế: Trung tâm KSBT" or "Tỉnh ủy Lạng Sơn: Thường trực Tỉnh ủy" maybe another
        province's: red team 37), or a body the directory lacks."""
        whole = self._direct(head)
        if whole is None or len(whole.agencies) != 1:
            return None
        listed = [item for item in listed if not self._its_leaders(head, item, whole)]  # its own leaders, however named
        if any(_names_place(i) for i in listed):
            return None
        head_rank = self._rank_of(head)
        # an item as written, after its head, or with the head's place ("UBND huyện Yên Dũng: Phòng GD&ĐT" is "Phòng
        # GD&ĐT huyện Yên Dũng", red team 150: the Phòng was taken for a unit inside the UBND, never mailed)
        level = _LEVELS.search(head)
        place = head[level.start():] if level else None
        found = [whole]
        for item in listed:
            bare = _strip_title(item)
            if _rank(item) > head_rank and self._body_or_place(item):
                return None
            own = self._under(self._written_as(bare) or self._written_as(f"{bare} {head}")
                              or (self._written_as(f"{bare} {place}") if place else None), head)
            if own is None:
                # a name after a title is the head's official's
                if (self._body_or_place(item) or self._direct(bare) is not None or _NO_UNIT.match(fold(bare))
                        or _NO_UNIT_EITHER.search(fold(bare)) or _HONORIFIC.match(bare) or _a_persons_name(item)):
                    return None
                continue  # one of the head's units
            if len(own.agencies) != 1 or own.unsure:
                return None
            found.append(own)
        return whole if len(found) == 1 else _merge(found)

    def _its_leaders(self, head: str, item: str, whole: _Found) -> bool:
        """"Sở Tư pháp: Ban Giám đốc", "…: Lãnh đạo Sở", "…: Lãnh đạo Sở Tư pháp (tỉnh Bắc Giang)", "UBND tỉnh Lạng Sơn:
        Lãnh đạo UBND tỉnh": the head's own leaders, never another kind's or body's ("Sở Tư pháp: Lãnh đạo Cục": red
        teams 159, 160)."""
        match = _ITS_LEADERS.match(fold(item))
        if match is None:
            return False
        rest, named = match["rest"] or "", fold(head)
        if not rest or rest == named.split(" ", 1)[0] or f"{named} ".startswith(f"{rest} "):  # its first words
            return True
        written = " ".join(item.split()[-len(rest.split()):])  # the rest as written
        found = self._direct(written, ours=False)
        return found is not None and found.agencies == whole.agencies

    def _written_as(self, text: str) -> _Found | None:
        """The agency a text names as it is written, no place added, and not by an alias that leaves out a place its
        agency has ("Thường trực Tỉnh ủy" is whose the entry says)."""
        found = self._direct(text, ours=False)
        if found is None or (not _names_place(text) and any(place_of(a.name) for a in found.agencies)):
            return None
        return found

    def _rank_of(self, text: str) -> int:
        """How high the body a text names stands, by its kind as written or by the agency it names ("VPCP" is the
        Government's Office: red team 37)."""
        found = self._direct(_strip_title(text), ours=False)
        return max([_rank(text), *(_rank(a.name) for a in (found.agencies if found else ()))])

    def _body_or_place(self, item: str) -> bool:
        """Whether a list's item names a place, a ministry's or a committee's kind of body, or a department or Sở by its
        name: not a unit inside the head ("BTCN", "các Vụ, Cục", "Vụ Pháp chế", "PA03", "Website CP")."""
        rank = _rank(item)
        return _names_place(item) or rank > 3 or (rank > 1 and len(fold(_plural(_strip_title(item))).split()) > 1)

    def _unit_of(self, unit: str, after: str, ours: bool) -> _Found | None:
        """Two parts around a dash or in brackets. A place after it is the unit's ("Sở Y tế - tỉnh Lạng Sơn"). A body that
        outranks the first ("Cục kiểm tra văn bản QPPL - Bộ Tư pháp"): the first read as written, never with our place
        (red team 32: "Thanh tra - Bộ Tài chính" was our Thanh tra), and only if it belongs to that body. A body it
        outranks (the header's order): the unit below, if the directory has it under that parent. Anything else, a
        unit below the first ("NHCSXH - Chi nhánh tỉnh", "Cục Thuế - Thuế cơ sở 1") or of the same rank: held."""
        if _names_place(after):
            joined = f"{unit} {after}"
            return next((found for form in (joined, _strip_title(joined)) if (found := self._direct(form, ours))), None)
        after_rank, unit_rank = self._rank_of(after), self._rank_of(unit)
        if after_rank > max(1, unit_rank):
            return self._under(self._agencies(unit, ours=False), after)
        if after_rank < 2:
            return None  # "Vụ PC (TCT)", "Hội Nông dân (TQ)": what comes after is no body we can rank
        # the header's order, the parent first ("Bộ Tư pháp (Cục Kiểm tra văn bản)", "Tỉnh ủy Bắc Ninh - Ban Tổ chức"):
        # the body below if the directory has it, else held ("UBND tỉnh Lạng Sơn - Sở Y tế" is never Lạng Sơn's UBND:
        # red team 34)
        below = self._direct(f"{after} {unit}", ours=False)
        if below is None and after_rank < unit_rank:  # of the same rank, which holds which is not told ("Trường Đại
            below = self._direct(_strip_title(after), ours=False)  # học Sư phạm - Đại học Huế": red team 35)
        return self._under(below, unit)

    def _under(self, found: _Found | None, parent: str) -> _Found | None:
        """What was found, if it belongs to the parent the entry writes beside it, where the directory knows that parent:
        "Bộ Nội vụ (Cục Kiểm tra văn bản)" is never Bộ Tư pháp's Cục (red team 38). Belonging is read off the agencies'
        codes (mã định danh: the last part is the body at the top of the tree)."""
        over = self._direct(_strip_title(parent), ours=False)
        if found is None:
            return None
        if over is None:  # a body the directory lacks: a unit of that name whose own top body it lists is not that one's
            # ("Vụ Pháp chế - Bộ Công Thương" is never Bộ Tài chính's, nor "… - Bộ Giáo dục" cut from "… và Đào tạo": red
            # team 42); one whose top it does not list may be ("Cục Kiểm tra văn bản QPPL - Bộ Tư pháp")
            return None if any(_tree(a.code) in self._tops for a in found.agencies) else found
        tops = {_tree(a.code) for a in over.agencies}  # a parent of two readings (a former name): the unit of either
        return found if None in tops or all(_tree(a.code) in (*tops, None) for a in found.agencies) else None

    def _units_or_items(self, head: str, items: str) -> _Found | None:
        """"Văn phòng UBND tỉnh: LĐVP, TKCT": units inside one agency; "UBND các huyện: Lục Ngạn,
        Sơn Động", "Các Bộ, cơ quan: Công an, …, Ngân hàng Nhà nước Việt Nam": each item is of a
        kind the head names ("Bộ Công an"), or, where it names a kind as general as "cơ quan", an
        agency by its own name."""
        listed = [i.strip() for i in re.split(r"[,;]", items) if i.strip()]
        if len(listed) > MOST_ITEMS:
            return None  # each item is read (with each kind): 2,840 of them took a minute (red team 18)
        if (whole := self._head_and_its_own(head, listed)) is not None:
            return whole
        kinds = [k.strip() for k in re.split(r",|\s+và\s+", _strip_title(head.strip())) if k.strip()]
        kinds = [re.sub(r"\bcác\s+", "", k, flags=re.IGNORECASE) for k in kinds]  # "UBND huyện", "Bộ"
        named = [k for k in kinds if not _ANY_KIND.match(fold(k))]
        if len(kinds) > MOST_KINDS:
            return None
        found: list[_Found] = []
        for item in listed:
            hits = _union([self._direct(f"{kind} {item}") for kind in named])
            if hits is None and len(named) < len(kinds):
                hits = self._direct(item)
            if hits is None or len(hits.agencies) != 1:
                return None
            found.append(hits)
        return _merge(found) if found else None

    def _each(self, items: list[str]) -> _Found | None:
        """Items sharing the place written after the last one ("TT Tỉnh ủy, TT HĐND tỉnh"; "TAND,
        VKSND tỉnh"; "UBND và HĐND tỉnh Quảng Ninh"): each must name exactly one agency, or a group.
        Bodies of every province ("Sở Tài chính, Cục Thuế các tỉnh") are none of ours."""
        if not items or _EVERY_PLACE.search(items[-1]):
            return None
        place, ours = self._written_place(items[-1])
        foreign = not ours or any(not self._written_place(item)[1] for item in items[:-1]) or any(
            self._elsewhere(self._direct(item, ours=False)) for item in items)  # "Sở Tư pháp, Sở Y tế Hà Nội" (red team 38)
        if place is not None and not ours and not _PROVINCE_KIND.match(fold(_strip_title(items[-1]))):
            place = None  # "Sở Y tế, Viện Pasteur TP.HCM": the city in a body's own name, not the list's (red team 38)
        ministry = self._ministry_ending(items[-1]) if len(items) > 1 else None
        found: list[_Found] = []
        for written in items:
            hits = None
            item = _unplaced(written, place) if place is not None and ours else written  # "Sở Y tế Huế" in Huế's own
            placeless = not _LEVELS.search(item) and not _BARE_LEVEL.search(item) and not _province_said(item)
            if place is not None and placeless:
                hits = self._agencies(f"{item} {place}", ours)
                if hits is None and _below_a_province(place):
                    return None  # "Hội Nông dân, UBND xã": the commune's, never the province's (red team 44)
            if hits is None:
                hits = self._agencies(item, ours)
                if hits is not None and foreign and placeless and any(place_of(a.name) for a in hits.agencies):
                    # "Thường trực Tỉnh ủy, UBND tỉnh Lạng Sơn", "UBND T. Lạng Sơn và Thường trực Tỉnh ủy": maybe Lạng
                    # Sơn's, never our "Thường trực Tỉnh ủy" (red teams 32, 33)
                    return None
            if hits is None or (len(hits.agencies) > 1 and not hits.many):
                return None
            if ministry is not None and not self._of_ministry(item, hits, ministry):
                return None  # "Vụ Pháp chế, Thanh tra Bộ Xây dựng": maybe Bộ Xây dựng's (red team 42)
            found.append(hits)
        return _merge(found)

    def _ministry_ending(self, item: str) -> frozenset[str | None] | None:
        """The trees of the ministry a list's last item ends with ("Thanh tra Bộ Xây dựng"), written once for the list;
        None if it names none (an empty set: one the directory lacks)."""
        written = _MINISTRY_END.search(item)
        if written is None:
            return None
        over = self._direct(written.group(0), ours=False)
        return frozenset(_tree(a.code) for a in over.agencies) if over else frozenset()

    def _of_ministry(self, item: str, found: _Found | None, trees: frozenset[str | None]) -> bool:
        """Whether a list's item is of the ministry its last item names: it writes its own, or is one of that one's."""
        return _MINISTRY_END.search(item) is not None or (
            found is not None and all(_tree(a.code) in trees for a in found.agencies))

    def _elsewhere(self, found: _Found | None) -> bool:
        """Whether an item names a body of another province or city than ours."""
        ours = fold(self._places.province or "")
        return found is not None and any(
            (unit := _units_of(a.name)) and unit[-1][0] in ("TINH", "THANH PHO") and not ours.endswith(fold(unit[-1][2]))
            for a in found.agencies)

    def _written_place(self, last: str) -> tuple[str | None, bool]:
        """The place ending a list's last item, and whether it is ours: "tỉnh" (ours), "tỉnh Quảng
        Ninh" (not ours: no other item takes our province then)."""
        bare = _bare_level(last)
        if bare is not None:
            return bare, True
        if (region := _REGION.search(_unmarked(last))) is not None:  # "TAND, VKSND khu vực 1": of the region (red team 44)
            return last[region.start():region.end()], True
        if _NATIONAL.search(_unmarked(last)):  # "Hội Nông dân, Hội LHPN Việt Nam": the country's (red team 38)
            return "Việt Nam", False
        said = _units_of(last)
        if not said or not fold(last).endswith(fold(said[-1][2])):
            # a province by its name, its level abbreviated or unmarked ("UBND T. Lạng Sơn", "tinh Lang Son", "TP.HCM");
            # not a name a body bears ("Đoàn TNCS Hồ Chí Minh", "Báo Bắc Ninh": red team 35)
            # … or alone after a dash ("Bảo Ái - Lào Cai": red team 39)
            named = last_province(last, after_level=True) or last_province(_PARENT.split(last)[-1], after_level=True)
            if named is None:
                tail = _PARENT.split(last)[-1]  # "… - ĐN", "… (ĐN)": alone after a dash
                alone = tail != last and len(tail.split()) == 1
                candidates = _bare_province(last) or (ending_provinces(tail)[1] if alone else ())
                if len(candidates) > 1:  # "Sở Y tế ĐN": Đà Nẵng's, Đồng Nai's or Đắk Nông's, ours for certain never
                    return last.split()[-1], False
                if not candidates:
                    return None, True
                named = candidates[0]
            level = "thành phố" if named in _CITIES else "tỉnh"  # what the other items are read with
            return f"{level} {named.title()}", last_province(self._places.province or "") == named
        level, written, place = said[-1]
        return f"{written} {place}", fold(self._places.by_level.get(level, "")) == fold(place)

    def _both(self, text: str) -> _Found | None:
        """"A và B" where each side names an agency or a group; if two ways of cutting it read
        differently, the entry is ambiguous."""
        cuts = list(_AND.finditer(text))
        if len(cuts) > MOST_ANDS:
            return None  # no list of agencies an entry names so (and each cut is read again: a mail's "và" ×40 took years)
        readings = [found for cut in cuts
                    if (found := self._each([text[: cut.start()].strip(), text[cut.end():].strip()])) is not None]
        if not readings:
            return None
        if len({frozenset(a.code for a in r.agencies) for r in readings}) > 1:
            return _Found(tuple(dict.fromkeys(a for r in readings for a in r.agencies)))  # ambiguous
        return readings[0]

    def _direct(self, text: str, ours: bool = True) -> _Found | None:
        """The agencies a name, an alias or a former name written this way belongs to: as written,
        and (`ours`) with our own province or unit where the entry leaves it out. Every reading
        counts: two agencies are an ambiguity."""
        agencies: list[AgencyEntry] = []
        former: list[tuple[str, AgencyEntry]] = []
        current: set[str] = set()
        forms = self._forms(text) if ours else [text]
        for form in forms:
            for _, agency in self.directory.written_names.find(form):
                current.add(agency.code)
                agencies += [agency] if agency not in agencies else []
        placed = self._placed(text) if ours else [text]
        by_our_province = False
        for form in forms:
            for name, agency in self.directory.written_former_names.find(form):
                former.append((name, agency))
                by_our_province = by_our_province or (form not in placed and agency not in agencies)
                agencies += [agency] if agency not in agencies else []
        if not agencies:
            return None
        # a former name read only with our province added may be a body's of the country now: "Cục Thuế" is the
        # central one, our "Cục Thuế tỉnh Bắc Ninh" is Thuế tỉnh (red team 34); "Cục Thuế tỉnh" is ours
        unsure = by_our_province and not current and len(agencies) == 1 and not _PROVINCIAL.search(fold(text))
        return _Found(tuple(agencies), former=tuple(f for f in former if f[1].code not in current), unsure=unsure)

    def _placed(self, text: str) -> list[str]:
        """The entry as written, and with the name of the level it writes alone: "Hội Liên hiệp Phụ nữ tỉnh" → "… tỉnh
        Bắc Giang"."""
        forms = [text]
        bare = _BARE_LEVEL.search(text)
        if bare is not None and not _NATIONAL.search(_unmarked(text)):
            place = self._places.by_level.get(_level_key(bare.group("level")))
            if place is not None and not _NOT_OURS_BEFORE.search(text[: bare.start()]):
                forms.append(f"{text} {place}")
        return forms

    def _forms(self, text: str) -> list[str]:
        """The entry as written, and with the place it leaves out: "Hội Liên hiệp Phụ nữ tỉnh" →
        "… tỉnh Bắc Giang"; "Sở GD&ĐT" → "Sở GD&ĐT tỉnh Bắc Giang"; "Tỉnh đoàn" → "Tỉnh đoàn Bắc
        Giang" (never for a plural: "UBND các tỉnh", "các xã, phường")."""
        forms = self._placed(text)
        if _NATIONAL.search(_unmarked(text)):
            return forms  # the country's body, not our province's of the same name (red team 32)
        bare = _BARE_LEVEL.search(text)
        province = self._places.province
        if province and not _LEVELS.search(text) and not re.search(r"\bcác\b", text, re.IGNORECASE):
            # "Sở TP" (TP is Tư pháp here, not a city); "Tỉnh đoàn", "Kho bạc Nhà nước" + "Bắc Giang"
            forms.append(f"{text} {province}")
            if bare is None:
                forms.append(f"{text} {province.split(maxsplit=1)[1]}")
            # a commune's "Công an", "Thường trực HĐND": its own as well as the province's, two candidates (red team 44)
            forms += [f"{text} {_COMMUNE_WORDS[level]} {name}" for level, name in self._places.by_level.items()
                      if level in _COMMUNE_WORDS]
        # a commune's council is listed as itself: its standing committee has no mailbox of its own ("Thường trực HĐND"
        # is the commune's "HĐND xã …" as well as the province's "Thường trực HĐND tỉnh": two candidates, held)
        return forms + [form[standing.end():] for form in forms
                        if commune_of(form) and (standing := _STANDING.match(_unmarked(form))) is not None]

    def _group(self, text: str) -> _Found | None:
        """A group as the directory's `groups` column names it, "các" before it or not, our own place after it or not
        ("các sở, ban, ngành tỉnh", "… tỉnh Bắc Giang", "… trên địa bàn tỉnh": red team 55; never another's)."""
        bare = re.sub(r"^\s*các\s+", "", text.replace(_GROUP_COMMA, ", "), flags=re.I)
        place, ours = self._written_place(bare)
        forms = [bare]
        level = re.match(rf"({_LEVEL}|TP\.?)", place or "", re.IGNORECASE)
        # our province's level only: a Sở's group is no district's or commune's ("các sở, ban, ngành huyện": red team 57)
        ours = ours and level is not None and (key := _level_key(level.group(1))) in ("TINH", "THANH PHO") \
            and key in self._places.by_level
        if place is not None and ours and fold(bare).endswith(fold(place)):
            forms.append(_OURS_AFTER_GROUP.sub("", " ".join(bare.split()[:-len(place.split())])))
        found = [hit for form in forms for hit in (*self.directory.written_groups.find(form),
                                                    *self.directory.written_groups.find(f"các {form}"))]
        agencies = tuple(dict.fromkeys(agency for _, agency in found))
        return _Found(agencies, many=True) if agencies else None

    def _near(self, text: str) -> list[str]:
        close = difflib.get_close_matches(squash(_strip_title(text)), list(self._squashed), n=5, cutoff=0.6)
        return list(dict.fromkeys(self._squashed[c] for c in close))[:3]  # the closest first


def _central(agency: AgencyEntry) -> bool:
    """A body of the country (a ministry's tree, mã định danh "…G…", no place in its names): never one of many."""
    return (_tree(agency.code) or "").startswith("G") and not agency.places


def _tree(code: str) -> str | None:
    """The top body of an agency's tree by its code ("000.00.15.G13" → "G13"), None for a code not so made."""
    parts = code.split(".")
    return parts[-1] if len(parts) == 4 else None


def _rank(text: str) -> int:
    """How high a body of this kind stands (4: a ministry, a people's committee or council, a Party committee; 3: a
    general department; 2: a department, a Sở, a board; 1: any other), to tell a unit's parent after a dash from a unit
    below it ("Cục Kiểm tra văn bản QPPL - Bộ Tư pháp", never "Bộ Tư pháp - Cục …" as the Bộ's)."""
    folded = fold(_strip_title(text)).strip()
    return next((rank for rank, kind in _RANKS if kind.match(folded)), 1)


def _is_note(text: str) -> bool:
    """A note on the entry: what it is sent for ("để biết", "b/c", "Để b/c", "02 bản", OCR's "dé b/c"), or the units
    inside the body that are to see it ("PC, CS, TTR, KTNB": codes in capitals, two at least). Anything else in
    brackets says which body ("(thuộc Bộ Tài chính)", "(trung ương)": red team 35)."""
    folded = fold(text).strip()
    return bool(_UNIT_CODES.match(text.strip()) or (_NOTE_WORDS.match(folded) and not _BODY_WORD.search(folded)
                                                       and not _names_place(text)))


def _names_place(text: str) -> bool:
    """Whether the text names a place: a level and its name ("tỉnh Lạng Sơn", "xã Tân Yên"), a level word of ours
    ("tỉnh"), or a province by its name alone ("Tuyên Quang")."""
    return bool(_units_of(text)) or _bare_level(text) is not None or names_province(text)


def _plural(text: str) -> str:
    """"Các Sở Tài chính" → "Sở Tài chính": every body of that name."""
    return re.sub(r"^các\s+", "", text, flags=re.IGNORECASE)


def _list_items(text: str) -> list[str]:
    """"Sở Y tế, Sở Tư pháp và Sở Nội vụ tỉnh X" → its three items (the place stays with the last)."""
    return [p.strip() for p in re.split(r"[,;]|\s+và\s+", text, flags=re.IGNORECASE) if p.strip()]


def _every_province(text: str) -> str:
    """"Sở Tài chính các tỉnh, thành phố trực thuộc TW" → "Sở Tài chính": the body of every province; not where the
    provinces are named ("UBND các tỉnh Lạng Sơn, Cao Bằng" names theirs, never ours: red team 32)."""
    every = _EVERY_PROVINCE.search(text)
    if every is None or _EVERY_WORDS.sub("", fold(every.group(0)).replace("CAC", "", 1)):
        return text
    return text[: every.start()]


def _province_said(item: str) -> bool:
    """Whether a list's item says its own province ("UBND tỉnh Bắc Ninh"), not only a lower unit ("UBND xã Tân Yên")."""
    return any(level in ("TINH", "THANH PHO") for level, _, _ in _units_of(item)) or \
        last_province(item, after_level=True) is not None or bool(_bare_province(item))


def _unplaced(item: str, place: str) -> str:
    """A list's item without the province written bare after its body when it is the list's place ("Sở Y tế Huế" →
    "Sở Y tế", read with "thành phố Huế" then); any other item as it is ("Sở Y tế Hà Nội" in a list of ours stays
    Hà Nội's: red team 49)."""
    count, provinces = ending_provinces(item) if _bare_province(item) else (0, ())
    return without_last_words(item, count) if provinces == (last_province(place),) else item


def _bare_province(item: str) -> tuple[str, ...]:
    """The province a province's own kind of body ends with, no level before it ("Sở Y tế Huế", "Công an HN", "Sở Y tế
    ĐN": one of three); none after another kind ("Đại học Huế", "Học viện CTQG HCM") or in a union's name ("Thành đoàn
    TNCS Hồ Chí Minh")."""
    folded = fold(_strip_title(item))
    if not _PROVINCE_KIND.match(folded) or re.search(r"\b(TNCS|CONG SAN)\b", folded):
        return ()
    return ending_provinces(item)[1]


def _level_key(level: str) -> str:
    key = fold(level).rstrip(".")
    return "THANH PHO" if key == "TP" else key


def _bare_level(text: str) -> str | None:
    """The level word ending a list's last item, to be read after every item ("TAND, VKSND tỉnh")."""
    bare = _BARE_LEVEL.search(text)
    if bare is None or _NOT_OURS_BEFORE.search(text[: bare.start()]):
        return None
    return bare.group("level")


# matched on the entry unmarked, "TT" too (red team 98: "TT HĐND", "Thường trưc HĐND" of a commune were the province's)
_STANDING = re.compile(r"^\s*(thuong\s+truc|tt)\s+(?=(hdnd|hoi\s+dong\s+nhan\s+dan)\b)", re.IGNORECASE)
_COMMUNE_WORDS = {"XA": "xã", "PHUONG": "phường", "THI TRAN": "thị trấn"}  # the level under a province
# a court's, a treasury's region, on the entry unmarked, "KV" too (red team 98: "TAND, VKSND KV1" took the province's court)
_REGION = re.compile(r"\b(khu\s*vuc|kv)\.?\s*(\d+|[IVXL]+)\s*$", re.IGNORECASE)


def _unmarked(text: str) -> str:
    """The text without its marks, character for character (a match's places are the text's): "Viêt" is "Viet", "Đ" "D"."""
    return text.translate(_UNMARKED)


_UNMARKED = {ord(c): b for c in map(chr, range(0xC0, 0x1F00)) if (b := unicodedata.normalize("NFD", c)[0]) != c and b.isascii()
             and c.isalpha()} | {ord("Đ"): "D", ord("đ"): "d"}


def _below_a_province(place: str) -> bool:
    """A list's place of a commune or a region ("xã", "phường Đa Mai", "khu vực 1"): what it says of every item."""
    return fold(place).split(" ", 1)[0] in {"XA", "PHUONG", "THI"} or _REGION.fullmatch(_unmarked(place.strip())) is not None


def commune_of(name: str) -> str | None:
    """The commune or ward a name says it is of, folded ("UBND xã Nam Dương" → "XA NAM DUONG"), None if none."""
    found = [f"{level} {fold(place)}" for level, _, place in _units_of(name) if level in _COMMUNE_WORDS]
    return found[0] if found else None


def _units_of(name: str) -> list[tuple[str, str, str]]:
    """'Trường Tiểu học xã A tỉnh B' → [('XA', 'xã', 'A'), ('TINH', 'tỉnh', 'B')]: each level a
    name says, as written, with its place."""
    marks = list(_LEVELS.finditer(name))
    out = []
    for mark, after in zip(marks, [*marks[1:], None], strict=False):  # each mark with the next (None after the last)
        place = name[mark.end(): after.start() if after else len(name)].strip(" ,-")
        if place:
            out.append((_level_key(mark.group(1)), mark.group(1), place))
    return out


@dataclass(frozen=True)
class _Places:
    """What a place left out means for us: a level word without its name ("tỉnh") is our own
    province's or unit's; an entry without any place is our province's body."""

    by_level: dict[str, str]  # "TINH" → "Bắc Giang", "PHUONG" → "Đức Xuân"
    province: str | None  # "tỉnh Bắc Giang"


def _our_places(directory: Directory, us: AgencyEntry | None) -> _Places:
    """From our own names ("UBND phường Đức Xuân": the ward); the province from them or, when
    they do not say it, from the directory's names (most of a province directory's bodies end with
    its name: "… tỉnh Bắc Kạn", "… thành phố Hà Nội")."""
    by_level: dict[str, str] = {}
    province: str | None = None
    for name in (us.names if us else ()):
        for level, written, place in _units_of(name):
            by_level.setdefault(level, place)
            if level == "TINH" and province is None:
                province = f"{written.lower()} {place}"
    if us is not None and not by_level and _central(us):  # a ministry has no province, however many its directory
        return _Places(by_level, province)  # lists of one (red team 42: its "Sở Tài chính" was Bắc Ninh's)
    ends: Counter[tuple[str, str]] = Counter()
    spelled: dict[tuple[str, str], tuple[str, str]] = {}
    for agency in directory.agencies:
        units = _units_of(agency.name)
        if units and units[-1][0] in ("TINH", "THANH PHO"):
            key = (units[-1][0], fold(units[-1][2]))
            ends[key] += 1
            spelled.setdefault(key, (units[-1][1].lower(), units[-1][2]))
    common = ends.most_common(1)
    if common and common[0][1] >= 2 and 2 * common[0][1] > sum(ends.values()):  # most of them: a province's directory
        level, (written, place) = common[0][0][0], spelled[common[0][0]]
        by_level.setdefault(level, place)
        province = province or f"{written} {place}"
    return _Places(by_level, province)


def _body_of_its_units(text: str, listed: Callable[[str], bool]) -> str:
    """"Các phòng chuyên môn thuộc Sở Y tế": a Sở's, a Cục's, a Ban's or a Viện's departments (phòng), its office,
    inspectorate and leaders, which have no mailbox of their own, are that body's to pass on (red team 152: held, naming
    one agency plainly), however written ("Các phòng chuyên môn, nghiệp vụ", "Phòng Pháp chế", "Văn phòng, Thanh tra và
    các phòng": red teams 153, 156). Not a unit the directory lists (`listed`: "Phòng Công chứng số 1" has its own
    mailbox, red team 156), its "đơn vị" (its centres and schools, bodies of their own), nor a ministry's ("Các đơn vị
    thuộc Bộ Tài chính" is held)."""
    match = _UNITS_OF.match(text)
    if match is None or fold(match["body"]).split(" ", 1)[0] not in _BARE_KINDS - {"BO"}:
        return text
    parts = [part for item in re.split(r"\s*[,;]\s*", match["units"]) for part in _units_and_units(item)]
    words = [_plain_words(part) for part in parts]
    departments = bool(words) and _DEPARTMENTS.match(words[0]) is not None and all(
        _DEPARTMENTS.match(word) or _DEPARTMENTS_ALSO.match(word) for word in words[1:])
    return match["body"] if departments and not any(listed(part) for part in parts) else text


def _initials_readings(entry: str) -> list[str]:
    """What an entry with a bracket of codes held as unsure may mean (`Resolver._provinces_by_initials`): its bodies of
    each province a code may be ("Sở Nội vụ (HN, BG)": of Hà Nội, of Hà Nam, of Bắc Giang), and its units' note (the
    bracket left out) where each code may be a unit's."""
    codes = _bracket_codes(entry)
    units = _units_codes(codes)
    bare = " ".join(_CODES_BRACKET.sub(" ", entry).split()).rstrip(" ;.,")
    readings = [bare] if units else []
    provinces = sorted({p for code in codes for p in provinces_of_initials(code)})
    return readings + [f"{_PROVINCES_SAID.sub('', bare)} tỉnh {province}" for province in provinces]


def _plain_words(text: str) -> str:
    """The text's words folded, its punctuation left out ("Các phòng chuyên môn, nghiệp vụ" → "CAC PHONG CHUYEN MON NGHIEP
    VU")."""
    return " ".join(re.findall(r"[A-Z0-9/&]+", fold(text)))


def _bracket_codes(entry: str) -> list[str]:
    """The codes of the entry's brackets of codes ("Sở Tư pháp (LS, BG)" → ["LS", "BG"]), folded."""
    return [fold(code.strip()) for found in _CODES_BRACKET.finditer(entry) for code in found["codes"].split(",")]


def _units_codes(codes: list[str]) -> bool:
    """Whether each code may be a body's unit's: one units write, or no province's initials."""
    return all(code in _UNITS_CODES_ALSO_PROVINCES or not provinces_of_initials(code) for code in codes)


def _units_and_units(item: str) -> list[str]:
    """"Thanh tra và các phòng chuyên môn" is two; "Phòng Kế hoạch và Tài chính" one department's name."""
    halves = re.split(r"\s+và\s+", item, flags=re.IGNORECASE)
    if len(halves) > 1 and all(_DEPARTMENTS.match(_plain_words(half)) for half in halves):
        return halves
    return [item]


def _a_persons_name(item: str) -> bool:
    """"Nguyễn Văn A" after a body's colon, no title before it ("PCN Nguyễn Quốc Huy" is the head's): two to five words
    beginning with a family name, no unit's (red team 149)."""
    words = item.split()
    return 2 <= len(words) <= 5 and begins_with_family_name(words) and not a_bodys_first_word(words)


def _strip_title(text: str) -> str:
    """"Giám đốc Sở Tư pháp" → "Sở Tư pháp"; "Chủ tịch UBND huyện Lục Nam" → "UBND huyện Lục Nam"."""
    folded = fold(text)
    match = _TITLES.match(folded + " ")
    if match is None or _SCHOOL.match(unicodedata.normalize("NFC", " ".join(text.split()))):
        return text
    # the folded form keeps one character per character of the one-spaced text: cut at the same place
    spaced = " ".join(text.split())
    return spaced[min(match.end(), len(spaced)):].strip()
