"""Outgoing documents: the clerk's signed scan sent to every agency its recipient block names for an
electronic copy (Bắc Giang QĐ 133/2015 Đ6, Đ9, Đ15; Bắc Kạn QĐ 26/2020 Đ10, Đ11.1; Đắk Lắk QĐ
16/2019 Đ8, Đ11), registered in the outgoing register, followed until each recipient answers."""
