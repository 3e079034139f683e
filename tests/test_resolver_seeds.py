"""The seeds' real recipient blocks, read off the documents by the reader and resolved against a
directory of each province's agencies built for the tests (their full names; an alias only where
no rule derives it: "LĐVP", "TT Tỉnh ủy", the short name of a Cục), each entry's agencies written
down by hand: Bắc Kạn QĐ 26/2020 (its "Gửi bản điện tử" section) and Bắc Giang QĐ 133/2015 (a block without
an electronic sub-heading, sent to all under `no_subheading: all_electronic`). "Như Điều 3" names
"các tổ chức, cá nhân có liên quan" in both: nobody the directory can hold, so the send is held for
the clerk, with that body shown; never dropped in silence."""

from __future__ import annotations

import pytest

from gateway.directory import AgencyEntry, Directory
from gateway.outgoing.plan import make_plan
from gateway.reading import read_pdf_bytes
from gateway.resolver import Resolver
from kit import render_document
from test_reading import seed_document


def agency(code: str, name: str, aliases: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> AgencyEntry:
    return AgencyEntry(code, name, f"vanthu.{code.replace('.', '')}@example.gov.vn", aliases, groups)


SBN = "Sở, ban, ngành"
DOAN_THE_BK = "Ủy ban MTTQVN tỉnh và các đoàn thể cấp tỉnh"
BAC_KAN = [
    agency("000.00.00.H05", "UBND tỉnh Bắc Kạn"),
    agency("000.01.00.H05", "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Kạn", ("LĐVP",)),
    agency("000.00.00.G09", "Bộ Nội vụ"),
    agency("000.00.15.G13", "Cục Kiểm tra văn bản quy phạm pháp luật - Bộ Tư pháp", ("Cục Kiểm tra văn bản QPPL",)),
    agency("000.00.00.T05", "Tỉnh ủy Bắc Kạn", ("TT Tỉnh ủy", "Thường trực Tỉnh ủy")),
    agency("000.02.00.H05", "Thường trực HĐND tỉnh Bắc Kạn"),
    agency("000.03.00.H05", "Đoàn Đại biểu Quốc hội tỉnh Bắc Kạn"),
    agency("000.00.01.M05", "Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn", (), (DOAN_THE_BK,)),
    agency("000.00.02.M05", "Tỉnh đoàn Bắc Kạn", (), (DOAN_THE_BK,)),
    agency("000.00.03.M05", "Hội Liên hiệp Phụ nữ tỉnh Bắc Kạn", (), (DOAN_THE_BK,)),
    agency("000.04.00.H05", "Trung tâm Tin học - Công báo tỉnh Bắc Kạn"),
    agency("000.00.14.H05", "Sở Tư pháp tỉnh Bắc Kạn", (), (SBN,)),
    agency("000.00.15.H05", "Sở Nội vụ tỉnh Bắc Kạn", (), (SBN,)),
    agency("000.00.30.H05", "Ban Quản lý các khu công nghiệp tỉnh Bắc Kạn", (), (SBN,)),
    agency("000.05.00.H05", "Văn phòng Điều phối xây dựng nông thôn mới tỉnh Bắc Kạn"),
    agency("000.06.00.H05", "Trường Cao đẳng Bắc Kạn", (), ("đơn vị sự nghiệp công lập",)),
    agency("000.07.00.H05", "Hội Chữ thập đỏ tỉnh Bắc Kạn", (), ("tổ chức Hội, Quỹ được giao biên chế",)),
    agency("000.01.01.H05", "UBND thành phố Bắc Kạn", (), ("UBND các huyện, thành phố",)),
    agency("000.02.01.H05", "UBND huyện Ba Bể", (), ("UBND các huyện, thành phố",)),
    agency("000.01.02.H05", "UBND phường Đức Xuân", (), ("UBND các xã, phường, thị trấn",)),
]

SO = "Sở"
THUOC_UBND = "cơ quan, đơn vị thuộc UBND tỉnh"
BAC_GIANG = [
    agency("000.00.00.H06", "UBND tỉnh Bắc Giang"),
    agency("000.00.01.H06", "Văn phòng UBND tỉnh Bắc Giang"),
    agency("000.00.00.G12", "Bộ Thông tin và Truyền thông"),
    agency("000.00.15.G13", "Cục Kiểm tra văn bản quy phạm pháp luật - Bộ Tư pháp"),
    agency("000.00.00.T06", "Tỉnh ủy Bắc Giang", ("TT Tỉnh ủy",)),
    agency("000.00.01.T06", "Văn phòng Tỉnh ủy Bắc Giang"),
    agency("000.00.02.T06", "Ban Tuyên giáo Tỉnh ủy Bắc Giang", (), ("Ban của Đảng",)),
    agency("000.00.03.T06", "Ban Tổ chức Tỉnh ủy Bắc Giang", (), ("Ban của Đảng",)),
    agency("000.02.00.H06", "Thường trực HĐND tỉnh Bắc Giang"),
    agency("000.03.00.H06", "Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang"),
    agency("000.03.01.H06", "Ban Pháp chế HĐND tỉnh Bắc Giang", (), ("Ban của HĐND tỉnh",)),
    agency("000.00.01.M06", "Ủy ban MTTQ Việt Nam tỉnh Bắc Giang", (), ("UBMTTQ và các đoàn thể nhân dân tỉnh",)),
    agency("000.00.02.M06", "Tỉnh đoàn Bắc Giang", (), ("UBMTTQ và các đoàn thể nhân dân tỉnh",)),
    agency("000.00.00.P06", "Tòa án nhân dân tỉnh Bắc Giang", (), ("cơ quan Trung ương đóng trên địa bàn tỉnh",)),
    agency("000.00.00.Q06", "Viện Kiểm sát nhân dân tỉnh Bắc Giang", (), ("cơ quan Trung ương đóng trên địa bàn tỉnh",)),
    agency("000.00.00.K06", "Kho bạc Nhà nước Bắc Giang", (), ("cơ quan Trung ương đóng trên địa bàn tỉnh",)),
    agency("000.10.00.H06", "Báo Bắc Giang"),
    agency("000.11.00.H06", "Đài Phát thanh và Truyền hình tỉnh Bắc Giang"),
    agency("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", (), (SO, THUOC_UBND)),
    agency("000.00.16.H06", "Sở Tài chính tỉnh Bắc Giang", (), (SO, THUOC_UBND)),
    agency("000.20.00.H06", "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang", (), (THUOC_UBND,)),
    agency("000.04.22.H06", "UBND huyện Lục Ngạn", (), ("UBND các huyện, thành phố",)),
    agency("000.05.22.H06", "UBND thành phố Bắc Giang", (), ("UBND các huyện, thành phố",)),
]


def codes(*names: str, directory: list[AgencyEntry]) -> list[str]:
    by_name = {a.name: a.code for a in directory}
    return sorted(by_name[n] for n in names)


BK = lambda *names: codes(*names, directory=BAC_KAN)  # noqa: E731
BG = lambda *names: codes(*names, directory=BAC_GIANG)  # noqa: E731

EXPECTED = {
    "000": {  # Bắc Kạn QĐ 26/2020, sent by UBND tỉnh Bắc Kạn: its "Gửi bản điện tử" entries
        "Bộ Nội vụ": BK("Bộ Nội vụ"),
        "Cục Kiểm tra văn bảnQPPL (Bộ Tư pháp)": BK("Cục Kiểm tra văn bản quy phạm pháp luật - Bộ Tư pháp"),
        "TT Tỉnh ủy, TT HĐND tỉnh": BK("Tỉnh ủy Bắc Kạn", "Thường trực HĐND tỉnh Bắc Kạn"),
        "Đoàn ĐBQH tỉnh": BK("Đoàn Đại biểu Quốc hội tỉnh Bắc Kạn"),
        "CT, PTC UBND tỉnh": "skipped",  # the issuer's own leaders
        "Ủy ban MTTQVN tỉnh và các đoàn thể cấp tỉnh": BK("Ủy ban MTTQ Việt Nam tỉnh Bắc Kạn", "Tỉnh đoàn Bắc Kạn",
                                                           "Hội Liên hiệp Phụ nữ tỉnh Bắc Kạn"),
        "LĐVP": BK("Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Kạn"),
        "Trung tâm Tin học - Công báo": BK("Trung tâm Tin học - Công báo tỉnh Bắc Kạn"),
        "Như Điều 3": "unresolved",
    },
    "002": {  # Bắc Giang QĐ 133/2015, sent by UBND tỉnh Bắc Giang: no sub-heading, every entry electronically
        "Bộ Thông tin và Truyền thông": BG("Bộ Thông tin và Truyền thông"),
        "Cục kiểm tra văn bản QPPL-Bộ Tư pháp": BG("Cục Kiểm tra văn bản quy phạm pháp luật - Bộ Tư pháp"),
        "TT Tỉnh ủy, TT HĐND tỉnh": BG("Tỉnh ủy Bắc Giang", "Thường trực HĐND tỉnh Bắc Giang"),
        "Chủ tịch, các PCT UBND tỉnh": "skipped",
        "UBMTTQ và các đoàn thể nhân dân tỉnh": BG("Ủy ban MTTQ Việt Nam tỉnh Bắc Giang", "Tỉnh đoàn Bắc Giang"),
        "TAND, VKSND tỉnh": BG("Tòa án nhân dân tỉnh Bắc Giang", "Viện Kiểm sát nhân dân tỉnh Bắc Giang"),
        "Các cơ quan Trung ương đóng trên địa bàn tỉnh": BG("Tòa án nhân dân tỉnh Bắc Giang",
                                                            "Viện Kiểm sát nhân dân tỉnh Bắc Giang", "Kho bạc Nhà nước Bắc Giang"),
        "Văn phòng Tỉnh ủy, các Ban của Đảng": BG("Văn phòng Tỉnh ủy Bắc Giang", "Ban Tuyên giáo Tỉnh ủy Bắc Giang",
                                                  "Ban Tổ chức Tỉnh ủy Bắc Giang"),
        "VP Đoàn ĐBQH và HĐND tỉnh, các Ban của HĐND tỉnh": BG("Văn phòng Đoàn ĐBQH và HĐND tỉnh Bắc Giang",
                                                               "Ban Pháp chế HĐND tỉnh Bắc Giang"),
        "Báo Bắc Giang, Đài PTTH tỉnh": BG("Báo Bắc Giang", "Đài Phát thanh và Truyền hình tỉnh Bắc Giang"),
        "Văn phòng UBND tỉnh: LĐVP, TKCT, Trưởng các phòng, đơn vị": BG("Văn phòng UBND tỉnh Bắc Giang"),
        "Văn phòng UBND tỉnh: Trung tâm THCB (để đăng công báo)": BG("Văn phòng UBND tỉnh Bắc Giang"),
        "Như Điều 3": "unresolved",
    },
}
DIRECTORIES = {"000": BAC_KAN, "002": BAC_GIANG}
# What "Như Điều 3" names that no directory holds: shown to the clerk
UNADDRESSABLE = {"000": "các tổ chức, cá nhân có liên quan", "002": "các cơ quan, đơn vị và cá nhân liên quan"}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_the_seeds_blocks_resolve_entry_by_entry(prefix: str) -> None:
    reading = read_pdf_bytes(render_document(seed_document(prefix)), body=True)
    directory = DIRECTORIES[prefix]
    resolver = Resolver(Directory(directory), directory[0], reading.recipients.references)
    plan = make_plan(reading, resolver, identifier="x", signed=False, no_subheading="all_electronic")
    got = {r.entry: (r.status if r.status != "resolved" else sorted(a.code for a in r.agencies)) for r in plan.electronic}
    assert got == EXPECTED[prefix]
    stuck = next(r for r in plan.electronic if r.entry == "Như Điều 3")
    assert any(UNADDRESSABLE[prefix] in c for c in stuck.candidates)
    assert [h.code for h in plan.held] == ["entries-unresolved"]  # held for the clerk, nothing guessed
    assert "Văn phòng Chính phủ" not in got  # a paper entry is listed, never mailed
    if prefix == "000":
        assert plan.paper == ["Văn phòng Chính phủ"]


@pytest.mark.parametrize("prefix,bodies", [
    ("000", {"Chánh Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh": BK("Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Kạn"),
             "Thủ trưởng các Sở, ban, ngành": BK("Sở Tư pháp tỉnh Bắc Kạn", "Sở Nội vụ tỉnh Bắc Kạn",
                                                 "Ban Quản lý các khu công nghiệp tỉnh Bắc Kạn"),
             "các đơn vị sự nghiệp công lập": BK("Trường Cao đẳng Bắc Kạn"),
             "các tổ chức Hội, Quỹ được giao biên chế": BK("Hội Chữ thập đỏ tỉnh Bắc Kạn"),
             "Chủ tịch Ủy ban nhân dân các huyện, thành phố": BK("UBND thành phố Bắc Kạn", "UBND huyện Ba Bể")}),
    ("002", {"Giám đốc các Sở": BG("Sở Tư pháp tỉnh Bắc Giang", "Sở Tài chính tỉnh Bắc Giang"),
             "Thủ trưởng các cơ quan, đơn vị thuộc UBND tỉnh": BG("Sở Tư pháp tỉnh Bắc Giang", "Sở Tài chính tỉnh Bắc Giang",
                                                                  "Ban Quản lý các khu công nghiệp tỉnh Bắc Giang"),
             "Chủ tịch Ủy ban nhân dân các huyện, thành phố": BG("UBND huyện Lục Ngạn", "UBND thành phố Bắc Giang")}),
])
def test_the_bodies_article_3_charges_resolve(prefix: str, bodies: dict[str, list[str]]) -> None:
    directory = DIRECTORIES[prefix]
    resolver = Resolver(Directory(directory), directory[0])
    for body, expected in bodies.items():
        out = resolver.resolve(body)
        assert (out.status, sorted(a.code for a in out.agencies)) == ("resolved", expected), body


def test_the_clerk_settles_the_catch_all_body_and_the_rest_of_article_3_resolves() -> None:
    reading = read_pdf_bytes(render_document(seed_document("000")), body=True)
    catch_all = next(b for b in reading.recipients.references["Như Điều 3"] if UNADDRESSABLE["000"] in b)
    resolver = Resolver(Directory(BAC_KAN), BAC_KAN[0], reading.recipients.references, chosen={catch_all: None})
    out = resolver.resolve("Như Điều 3")
    assert out.status == "resolved"
    assert sorted(a.code for a in out.agencies) == BK(
        "Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh Bắc Kạn", "Sở Tư pháp tỉnh Bắc Kạn", "Sở Nội vụ tỉnh Bắc Kạn",
        "Ban Quản lý các khu công nghiệp tỉnh Bắc Kạn", "Văn phòng Điều phối xây dựng nông thôn mới tỉnh Bắc Kạn",
        "Trường Cao đẳng Bắc Kạn", "Hội Chữ thập đỏ tỉnh Bắc Kạn", "UBND thành phố Bắc Kạn", "UBND huyện Ba Bể")
