"""Entries that name bodies the way a document's header and lists arrange them, against a province directory after
the 2025 reorganisation (red team 34, issue 12: "no entry ever resolves to a wrong agency"): a head whose items say
which bodies, the parent written before its unit, an abbreviated alias beside the name it abbreviates, a former
provincial name that is a central body's now, a region of provinces. Each resolved to a body the entry does not name,
or at intake to us; each is held now (or goes to the body it names), and what it was confused with still resolves."""
from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry, Directory
from gateway.resolver import Resolver
from test_resolver_corpus import agency, named, resolved


BN = "tỉnh Bắc Ninh"
UBND = agency("000.00.00.H04", f"UBND {BN}")
TINH_UY = agency("000.00.00.T04", "Tỉnh ủy Bắc Ninh", ("Thường trực Tỉnh ủy", "TT Tỉnh ủy"))
BTC_TU = agency("000.00.46.T04", "Ban Tổ chức Tỉnh ủy Bắc Ninh")
SYT = agency("000.00.16.H04", f"Sở Y tế {BN}")
SNV = agency("000.00.17.H04", f"Sở Nội vụ {BN}", ("Sở NV tỉnh Bắc Ninh",))
STC = agency("000.00.18.H04", f"Sở Tài chính {BN}", (), (), (f"Sở Kế hoạch và Đầu tư {BN}",))
THUE = agency("000.00.30.H04", f"Thuế {BN}", (), (), (f"Cục Thuế {BN}",))
KBNN_V = agency("000.00.26.H04", "Kho bạc Nhà nước khu vực V", (), (), (f"Kho bạc Nhà nước {BN}",))
CA = agency("000.00.32.H04", f"Công an {BN}")
THANH_TRA = agency("000.00.21.H04", f"Thanh tra {BN}")
XA_TAN_THANH = agency("000.02.09.H04", "UBND xã Tân Thanh")
UBND_LS = agency("000.00.00.H33", "UBND tỉnh Lạng Sơn")
BO_TP = agency("000.00.00.G13", "Bộ Tư pháp")
CUC_KTVB = agency("000.00.15.G13", "Cục Kiểm tra văn bản quy phạm pháp luật", ("Cục Kiểm tra văn bản QPPL",))
BO_TC = agency("000.00.00.G12", "Bộ Tài chính")
DIRECTORY = [UBND, TINH_UY, BTC_TU, SYT, SNV, STC, THUE, KBNN_V, CA, THANH_TRA, XA_TAN_THANH, UBND_LS, BO_TP,
             CUC_KTVB, BO_TC]


def resolve(entry: str, us: AgencyEntry = UBND) -> tuple[str, list[str]]:
    return resolved(DIRECTORY, us, entry)


def names(entry: str, us: AgencyEntry, foreign: bool) -> bool:
    return named(DIRECTORY, us, entry, foreign)


# 1. "Head: items" where the head alone names one agency: the items were never read (the head's agency at once). Other
#    provinces, a ministry, the head's own agencies in the directory: all became the head's body, ours where the head
#    has no place. Bypasses red team 32's dash fix ("Thanh tra: Bộ Tài chính").
@pytest.mark.parametrize("entry,us", [
    ("UBND tỉnh: Lạng Sơn, Cao Bằng", SYT),          # UBND of Lạng Sơn and Cao Bằng ("các" left out) -> our UBND
    ("Công an tỉnh: Lạng Sơn, Cao Bằng", UBND),      # -> Công an tỉnh Bắc Ninh
    ("Sở Tài chính: Lạng Sơn, Cao Bằng", UBND),      # -> Sở Tài chính tỉnh Bắc Ninh
    ("Sở Tài chính: tỉnh Lạng Sơn, tỉnh Cao Bằng", UBND),
    ("Thanh tra: Bộ Tài chính", UBND),               # the ministry's inspectorate -> Thanh tra tỉnh Bắc Ninh
    ("Bộ Tài chính: Cục Thuế, Kho bạc Nhà nước", UBND),  # -> Bộ Tài chính
    ("UBND tỉnh Lạng Sơn: Sở Y tế, Sở Tài chính", UBND),  # Lạng Sơn's Sở -> UBND tỉnh Lạng Sơn
    ("UBND tỉnh: Sở Y tế, Sở Tài chính", CA),        # -> UBND only: neither Sở (both in the directory) was mailed
])
def test_a_head_never_swallows_its_items(entry: str, us: AgencyEntry) -> None:
    status, found = resolve(entry, us)
    assert status != "resolved" or sorted(found) == sorted([SYT.name, STC.name]), (entry, status, found)


def test_a_head_with_our_name_is_not_our_own_items() -> None:
    # we are UBND: the entry resolves to us alone and is skipped as ourselves, the two Sở (in the directory) never mailed
    assert resolve("UBND tỉnh: Sở Y tế, Sở Tài chính", UBND)[0] != "skipped"


@pytest.mark.parametrize("entry,us,foreign", [
    ("UBND tỉnh: Lạng Sơn, Cao Bằng", UBND, True),
    ("UBND tỉnh: Lạng Sơn, Cao Bằng", UBND, False),
    ("Sở Y tế: Lạng Sơn, Cao Bằng", SYT, False),
    ("Thanh tra: Bộ Tài chính", THANH_TRA, False),
])
def test_intake_a_head_never_swallows_its_items(entry: str, us: AgencyEntry, foreign: bool) -> None:
    assert not names(entry, us, foreign)


# 2. "parent - unit" (the header's order: "UBND TỈNH LẠNG SƠN / SỞ Y TẾ" on one line) read as "unit - parent": the
#    parent is mailed, the unit (in the directory or not) never.
@pytest.mark.parametrize("entry", [
    "UBND tỉnh Lạng Sơn - Sở Y tế",               # Lạng Sơn's Sở Y tế -> UBND tỉnh Lạng Sơn
    "UBND tỉnh Lạng Sơn (Sở Y tế)",
    "Bộ Tư pháp - Cục Kiểm tra văn bản QPPL",     # -> Bộ Tư pháp, the Cục being in the directory
    "Bộ Tư pháp (Cục Kiểm tra văn bản QPPL)",
    "Bộ Tài chính - Cục Thuế",                    # -> Bộ Tài chính
    "Bộ Tài chính (Cục Thuế)",
    "Tỉnh ủy Bắc Ninh - Ban Tổ chức",             # -> Tỉnh ủy; Ban Tổ chức Tỉnh ủy is in the directory
])
def test_a_parent_before_its_unit_is_not_the_recipient(entry: str) -> None:
    status, found = resolve(entry)
    assert status != "resolved" or found in ([CUC_KTVB.name], [BTC_TU.name]), (entry, status, found)


# 3. An abbreviated alias in the directory stands for every name with its initials: "Sở NV" is Nội vụ and Ngoại vụ
#    (both in many border provinces until 2025); the full name "Sở Ngoại vụ" reaches Sở Nội vụ.
@pytest.mark.parametrize("entry", ["Sở Ngoại vụ", "Sở Ngoại vụ tỉnh Bắc Ninh", "Giám đốc Sở Ngoại vụ"])
def test_a_full_name_never_matches_an_other_bodys_abbreviation(entry: str) -> None:
    status, found = resolve(entry)
    assert status != "resolved", (entry, found)


def test_intake_ngoai_vu_is_not_noi_vu() -> None:
    assert not names("Sở Ngoại vụ", SNV, False)


# 4. A former provincial name with our province added to a placeless central name: since 2025 "Cục Thuế" is the
#    central tax department (the former Tổng cục Thuế) and "Kho bạc Nhà nước" the central treasury; the provincial
#    bodies are "Thuế tỉnh …", "Kho bạc Nhà nước khu vực …". Each went to our provincial successor (with the warning
#    recipient-former-name, which still sends).
@pytest.mark.parametrize("entry", ["Cục Thuế", "Kho bạc Nhà nước", "KBNN"])
def test_a_central_name_is_not_our_former_provincial_one(entry: str) -> None:
    status, found = resolve(entry)
    assert status != "resolved", (entry, found)


# 5. Intake: "các tỉnh phía Nam / miền Nam" names some provinces, not every one: a Bắc Ninh body registers it.
@pytest.mark.parametrize("entry,us", [
    ("UBND các tỉnh phía Nam", UBND), ("Sở Y tế các tỉnh miền Nam", SYT), ("UBND các tỉnh khu vực phía Nam", UBND),
])
def test_intake_a_region_is_not_every_province(entry: str, us: AgencyEntry) -> None:
    assert not names(entry, us, True)


@pytest.mark.parametrize("entry,us,agencies", [
    ("UBND tỉnh: Lạng Sơn", SYT, [UBND_LS]),               # the head's kind in the place the item names
    ("Bộ Tư pháp: Cục Kiểm tra văn bản QPPL", UBND, [BO_TP, CUC_KTVB]),  # the head, and its body the directory lists
    ("Công an tỉnh: PA03, PC06", UBND, [CA]),               # its own units: the head
    ("Bộ Tư pháp (Cục Kiểm tra văn bản QPPL)", UBND, [CUC_KTVB]),  # the unit below, a body of the directory
    ("Tỉnh ủy Bắc Ninh - Ban Tổ chức", UBND, [BTC_TU]),
    ("Cục Kiểm tra văn bản QPPL - Bộ Tư pháp", UBND, [CUC_KTVB]),  # the unit, then its parent
    ("Sở Nội vụ", UBND, [SNV]), ("Sở NV", UBND, [SNV]), ("Sở NV tỉnh Bắc Ninh", UBND, [SNV]),
    ("Sở KH&ĐT", UBND, [STC]), ("Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh", UBND, [STC]),  # former names, with the warning
    ("Cục Thuế tỉnh", UBND, [THUE]), ("Kho bạc Nhà nước tỉnh Bắc Ninh", UBND, [KBNN_V]),
])
def test_what_they_were_confused_with_still_resolves(entry: str, us: AgencyEntry, agencies: list[AgencyEntry]) -> None:
    status, found = resolve(entry, us)
    assert (status, sorted(found)) == ("resolved", sorted(a.name for a in agencies))


def test_a_central_name_read_only_as_our_former_body_is_held_with_it_as_the_candidate() -> None:
    out = Resolver(Directory(DIRECTORY), UBND).resolve("Cục Thuế")
    assert (out.status, out.candidates) == ("ambiguous", [THUE.name])


@pytest.mark.parametrize("entry,us", [("UBND các tỉnh, thành phố trực thuộc Trung ương", UBND),
                                      ("Sở Y tế các tỉnh, thành phố", SYT), ("UBND tỉnh: Bắc Ninh, Lạng Sơn", UBND)])
def test_intake_still_finds_us_among_every_province_or_named(entry: str, us: AgencyEntry) -> None:
    assert names(entry, us, False)
