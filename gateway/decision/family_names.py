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


def begins_with_family_name(words: list[str]) -> bool:
    """Whether a name's first word is a family name: with its marks where it is written with them, folded where not (an
    apostrophe's part first: "H'Bia", "Rơ Mah")."""
    first = words[0].split("'")[0].split("’")[0]
    if first.isascii():
        return fold(first) in FAMILY_NAMES_FOLDED
    return nfc(first).lower() in FAMILY_NAMES
