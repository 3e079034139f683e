"""Vietnamese family names, as a person's name begins: the Kinh's and the minorities' of the north and the Central
Highlands. A certificate's CN written in capitals (with marks or without) is a person's only after one of these (red team
135: "BẢO TÀNG BẮC GIANG", "CONG AN HUYEN LUC NGAN" read as people's names, so their O spoke). Pure data."""

from __future__ import annotations

from vntext import fold, nfc

_WRITTEN = """
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Lí Đinh Đào Đoàn Vương Trịnh Trương Lâm Phùng
Mai Tô Hà Tạ Lưu Lương Cao Chu Quách Thái La Lạc Kiều Tăng Châu Triệu Nông Lò Lường Lục Hứa Mạc Khổng Khúc Kim Giang
Thân Nghiêm Âu Ông Bạch Vi Sầm Ninh Đàm Đồng Phí Doãn Diệp Tống Từ Lã Lại Hàn Cù Cấn Chử Chế Đường Giáp Hầu Hoa Kha
Khương Khuất Lều Mã Mẫn Nhữ Ong Phó Phương Sái Tiêu Tôn Thạch Thiều Trà Trầm Trình Ứng Viên Yên Ma Bế Bàn Chảo Sùng
Giàng Thào Vàng Lầu Hờ Mùa Tẩn Quàng Cầm Điêu Lù Tòng Mè Lừ Pờ Ksor Rơ Nay Siu Rcom Rahlan Kpă Y H Đới Dư Đậu Đống Đồ
Giả Hy Khiếu Khưu Kiêm Lỗ Nhâm Ôn Phù Tào Tiết Uông Vạn Vưu Bì Bồ Cự Đẩu Hán Lãnh Lô Luyện Lữ Mạch Nhan Nhiêu Sử Trác
Vòng Dền Sình Mua Vừ Chang Páo Thền Lìu Hạng Cứ Mấy Ly Sung Phàn Chìu Lồ Bờ Nùng Ngần Lìn
"""

FAMILY_NAMES = frozenset(nfc(word).lower() for word in _WRITTEN.split())
FAMILY_NAMES_FOLDED = frozenset(fold(word) for word in FAMILY_NAMES)

# Family names that are also the first word of bodies' names: folded, those written without marks (Tống and Tổng cục,
# Bồ and Bộ, Vũ and Vụ, Viên and Viện, Đới and Đội, Trầm and Trạm, Trương and Trường, Bàn and Ban, Đặng and Đảng); with
# their marks, those spelt alike (Đoàn, Cao, Lâm): a person's name only before a middle or given name (red team 136:
# "TONG CUC THUE", "BO CHI HUY QUAN SU …", "ĐOÀN CHÈO BẮC GIANG" read as people's)
_BODIES_FIRST_FOLDED = frozenset({"TONG", "BO", "VU", "VIEN", "DOI", "TRAM", "TRUONG", "BAN", "DOAN", "CAO", "DANG", "LAM",
                                  "TO"})
_BODIES_FIRST_MARKED = frozenset({"đoàn", "cao", "lâm"})
# the words that follow a family name in people's names, folded: middle names and the commonest given names
_SECOND_WORDS = frozenset(fold(word) for word in """
Văn Thị Đức Hữu Ngọc Minh Thanh Quang Xuân Hồng Thu Anh Đình Công Trọng Tiến Bá Duy Hải Quốc Thế Tuấn Việt Hoàng Trung
Gia Bảo Tấn Chí Phúc Huy Khắc Sỹ Sĩ Nhật Thúy Thùy Mỹ Diệu Lệ A Thục Bích Cẩm Hoài Khánh Như Phương Tường Mạnh Đăng
Đắc Hoa Lan Mai Hà Hương Ngân Yến Thảo Trang Linh Nam Long Sơn Hùng Dũng Cường Bình Hiếu Trí Tú Vinh Thái Dương Quý
Hậu Tâm Toàn Thịnh Kỳ Lương Hiền Huyền Hạnh Nga Nhung Oanh Phượng Quyên Tuyết Vân Vy Giang Lâm Phong Thắng Thành Thiện
Trường Tùng Vũ Hưng Hòa Hoà Diễm Ánh Châu Đào Hằng Hiển Kiên Luân Nguyên Tân Thuận Tiên Uyên Ý Xuyến
""".split())


def plain_d(word: str) -> str:
    """Đ as it was meant where a conversion wrote the Latin eth (Ð, ð) for it (red team 136: "ÐOÀN VĂN AN")."""
    return word.replace("Ð", "Đ").replace("ð", "đ")


def begins_with_family_name(words: list[str]) -> bool:
    """Whether a name's first word is a family name: with its marks where it is written with them, folded where not (an
    apostrophe's part first: "H'Bia", "Rơ Mah")."""
    first = plain_d(words[0].split("'")[0].split("’")[0])
    if first.isascii():
        return fold(first) in FAMILY_NAMES_FOLDED
    return nfc(first).lower() in FAMILY_NAMES


def a_bodys_first_word(words: list[str], *, with_unit: bool = False) -> bool:
    """Whether a name in capitals or without marks, beginning with a family name, reads as a body's all the same: its
    first word a body's too and its second no middle or given name ("TONG CUC THUE"; not "TONG VAN AN", "ĐOÀN VĂN HẢI").
    With a unit (the certificate's OU: a person's unit, which an organisation's own certificate does not write), any
    second word is a person's (red team 138: "ĐOÀN KIM ANH", "VU KHOAN" of Sở Tư pháp were bodies)."""
    first = plain_d(words[0])
    ambiguous = fold(first) in _BODIES_FIRST_FOLDED if first.isascii() else nfc(first).lower() in _BODIES_FIRST_MARKED
    second = fold(plain_d(words[1])) if len(words) > 1 else ""
    return ambiguous and not with_unit and second not in _SECOND_WORDS and second not in _COMMONEST_FOLDED


# the commonest family names, a second family name after the first in a name ("Đoàn Trần Minh Anh": red team 138)
_COMMONEST_FOLDED = frozenset(fold(word) for word in
                              "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split())
