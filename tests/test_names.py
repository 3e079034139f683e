"""How names are compared (gateway/names.py): an abbreviation is the first letters of a name's
syllables, "&" standing for "và", "-" joining parts; either side may abbreviate; case, tone marks
and spacing never matter; each letter stands for one syllable, and nothing else is forgiven."""

from __future__ import annotations

import pytest

from gateway.names import NameIndex


def writes(entry: str, name: str) -> bool:
    """Whether an entry writes a directory's name."""
    return NameIndex([(name, name)]).find(entry) == [(name, name)]


@pytest.mark.parametrize("entry,name", [
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),   # without "&" or "-"
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở TTTT", "Sở Thông tin và Truyền thông"),
    ("Sở VH-TT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở GTVT", "Sở Giao thông vận tải"),
    ("Sở TP", "Sở Tư pháp"),
    ("Ban Quản lý các KCN tỉnh", "Ban Quản lý các khu công nghiệp tỉnh"),
    ("BQL KCN tỉnh", "Ban Quản lý các khu công nghiệp tỉnh"),  # a directory name's "các" may be left out
    ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),  # so may "Việt Nam"
    ("Ủy ban MTTQVN tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh"),           # the directory abbreviates
    ("Đài PTTH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
    ("Trung tâm THCB", "Trung tâm Tin học - Công báo"),
    ("Viện KSND tối cao", "Viện kiểm sát nhân dân tối cao"),
    ("TLĐLĐVN", "Tổng Liên đoàn Lao động Việt Nam"),
    ("Phòng TMCNVN", "Phòng Thương mại và Công nghiệp Việt Nam"),
    ("Bệnh viện Phổi TW", "Bệnh viện Phổi Trung ương"),           # W is the Telex Ư
    ("Văn phòng TƯ Đảng", "Văn phòng Trung ương Đảng"),
    ("TTg", "Thủ tướng"),                                         # "Tg": one syllable
    ("UBND Tp. Hà Nội", "UBND thành phố Hà Nội"),
    ("Cục Kiểm tra văn bảnQPPL", "Cục Kiểm tra văn bản quy phạm pháp luật"),  # glued by a reader
    ("SỞ TƯ PHÁP", "Sở Tư pháp"),
    ("So Tu phap", "Sở Tư pháp"),
    ("Sở Tư  pháp", "Sở Tưpháp"),
])
def test_the_same_name(entry: str, name: str) -> None:
    assert writes(entry, name)


@pytest.mark.parametrize("entry,name", [
    ("Sở GD&ĐT", "Sở Giao thông vận tải"),
    ("Sở TP", "Sở Tài chính"),
    ("Sở TT&TT", "Sở Tài chính"),
    ("TT HĐND tỉnh", "Trung tâm Tin học tỉnh"),
    ("Ban QL KCN", "Ban Quản lý khu chế xuất"),
    ("UBND các tỉnh", "UBND tỉnh"),                 # the entry's "các" is a plural, never left out
    ("UBND tỉnh", "Văn phòng UBND tỉnh"),           # a whole name, not part of one
    ("Sở Y tế", "Sở Y tế tỉnh Bắc Giang"),          # the place is the resolver's to supply
    ("Sở Tư pháp tỉnh Bắc Kạn", "Sở Tư pháp tỉnh Bắc Giang"),
    ("Sở Tư pháp tỉnh Bắc Giangg", "Sở Tư pháp tỉnh Bắc Giang"),
    ("Văn phòng Quốc hi", "Văn phòng Quốc hội"),     # a letter missing is not forgiven
    ("Sở TTTT", "Sở Thông tin"),                   # each letter stands for one syllable
    ("Sở TT", "Sở Thông tin và Truyền thông"),
])
def test_not_the_same_name(entry: str, name: str) -> None:
    assert not writes(entry, name)


def test_an_abbreviation_finds_every_name_it_may_stand_for() -> None:
    index = NameIndex([(n, n) for n in ("Trung tâm Thông tin tỉnh", "Trung tâm Truyền thông tỉnh",
                                        "Trung tâm Tin học tỉnh", "Thanh tra tỉnh")])
    assert [n for n, _ in index.find("Trung tâm TT tỉnh")] == ["Trung tâm Thông tin tỉnh", "Trung tâm Truyền thông tỉnh"]
    assert [n for n, _ in index.find("TT tỉnh")] == ["Thanh tra tỉnh"]
