"""A varied set of documents with what a clerk reads on them, for the reader's tests and its
accuracy benchmark: issuers with and without a parent line, letters and typed documents, marks,
blank numbers and dates, both recipient block styles, sub-items, notes, wrapped entries, one to
three pages, blocks carried over a page break, and "Như Điều 3" / "Như trên" references."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from gateway.demo.documents import DocumentSpec

ISSUERS = [
    ("UBND TỈNH BẮC GIANG", "SỞ TƯ PHÁP", "STP"),
    ("UBND TỈNH BẮC GIANG", "SỞ TÀI CHÍNH", "STC"),
    ("UBND TỈNH BẮC GIANG", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "STTTT"),
    ("UBND HUYỆN LỤC NAM", "PHÒNG NỘI VỤ", "PNV"),
    ("SỞ NỘI VỤ", "TRUNG TÂM LƯU TRỮ LỊCH SỬ", "TTLT"),
    (None, "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN", "UBND"),
    (None, "UBND HUYỆN SƠN ĐỘNG", "UBND"),
]
PLACES = ["Bắc Giang", "Bắc Kạn", "Lục Nam", "Sơn Động"]
TYPES = [  # (type, symbol prefix)
    ("Quyết định", "QĐ"), ("Thông báo", "TB"), ("Kế hoạch", "KH"), ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"), ("Giấy mời", "GM"), ("Chỉ thị", "CT"), ("Nghị quyết", "NQ"),
]
SUMMARIES = [
    "về việc triển khai gửi, nhận văn bản điện tử năm 2027",
    "kiểm tra công tác văn thư, lưu trữ tại các cơ quan, đơn vị",
    "tổng kết công tác cải cách hành chính năm 2026",
    "họp giao ban công tác nội chính quý IV",
]
LETTER_SUMMARIES = [
    "V/v triển khai công tác văn thư năm 2027",
    "V/v đôn đốc báo cáo số liệu thống kê",
    "V/v góp ý dự thảo Quy chế quản lý văn bản điện tử",
]
ENTRIES = [
    "Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Bộ Nội vụ", "Văn phòng Chính phủ",
    "TT Tỉnh ủy, TT HĐND tỉnh", "CT, các PCT UBND tỉnh", "UBND các huyện, thành phố",
    "Các Sở, ban, ngành", "BHXH Việt Nam (để phối hợp)", "Báo Bắc Giang, Đài PTTH tỉnh",
    "Cục Kiểm tra văn bản QPPL (Bộ Tư pháp)", "Trung tâm Tin học - Công báo",
    "Ủy ban MTTQVN tỉnh và các đoàn thể chính trị - xã hội cấp tỉnh",
    "UBND các xã, phường, thị trấn (để thực hiện)",
]
SIGNERS = [
    (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Nguyễn Văn An"),
    (["GIÁM ĐỐC"], "Trần Thị Bình"),
    (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Đỗ Thị Minh Hoa"),
    (["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], "Lê Văn Toàn"),
    (["TRƯỞNG PHÒNG"], "Hoàng Đức Thắng"),
]
ARTICLE_3_BODIES = ["Chánh Văn phòng UBND tỉnh", "Giám đốc các Sở, ban, ngành", "Chủ tịch UBND các huyện, thành phố"]


@dataclass(frozen=True)
class ReadingCase:
    name: str
    spec: DocumentSpec
    expected: dict[str, Any]  # the `document` and `recipients` objects `parse` should print


def _block(rng: random.Random, style: str, refs: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Lines of a recipient block and what it says."""
    pool = rng.sample(ENTRIES, rng.randint(3, 7))
    split = rng.randint(1, max(1, len(pool) - 1))
    paper, electronic = refs[:1] + pool[:split], refs[1:] + pool[split:]
    archive = rng.choice(["Lưu: VT, VP", "Lưu: VT, NV", "Lưu: VT"])
    sub_items = rng.random() < 0.3
    lines = ["Nơi nhận:"]
    if style == "gui-ban":
        lines.append("Gửi bản giấy:")
    if style == "plain":
        paper, electronic = paper + electronic, []
    lines += [f"- {e};" for e in paper]
    if sub_items:
        lines += ["- Văn phòng UBND tỉnh:", "+ LĐVP, TKCT;", "+ Trung tâm THCB;"]
        paper = paper + ["Văn phòng UBND tỉnh: LĐVP, TKCT", "Văn phòng UBND tỉnh: Trung tâm THCB"]
    lines.append(f"- {archive}.")
    if style == "plain":
        return lines, {"paper": paper, "electronic": [], "archive": archive}
    lines.append("Gửi bản điện tử:" if style == "gui-ban" else "Bản điện tử:")
    lines += [f"- {e};" for e in electronic[:-1]] + [f"- {electronic[-1]}."]
    return lines, {"paper": paper, "electronic": electronic, "archive": archive}


def reading_cases(count: int, seed: int = 7) -> list[ReadingCase]:
    rng = random.Random(seed)
    cases: list[ReadingCase] = []
    for index in range(count):
        parent, issuer, short = ISSUERS[index % len(ISSUERS)]
        letter = rng.random() < 0.4
        doc_type, prefix = ("Công văn", None) if letter else rng.choice(TYPES)
        year = 2026
        blank_number = rng.random() < 0.08
        serial = "" if blank_number else str(rng.randint(1, 2999))
        number = f"{serial}/{short}-VP" if letter else f"{serial}/{year}/{prefix}-{short}" if rng.random() < 0.3 else f"{serial}/{prefix}-{short}"
        blank_date = rng.random() < 0.08
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        summary = rng.choice(LETTER_SUMMARIES) if letter else rng.choice(SUMMARIES)
        urgency = rng.choice(["Khẩn", "Thượng khẩn", "Hỏa tốc"]) if rng.random() < 0.15 else None
        secrecy = rng.choice(["Mật", "Tối mật"]) if rng.random() < 0.08 else None
        titles, signer = rng.choice(SIGNERS)
        kinh_gui = rng.sample(["Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "UBND các huyện, thành phố"], rng.randint(1, 3)) if letter else []
        refs: list[str] = []
        body = [
            "Căn cứ Quyết định số 133/2015/QĐ-UBND ngày 10/4/2015 của UBND tỉnh Bắc Giang ban hành Quy định về "
            "việc gửi, nhận, sử dụng văn bản điện tử và hồ sơ điện tử trong các cơ quan nhà nước;",
        ]
        if doc_type == "Quyết định":
            body += [
                "Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp nhận, xử lý văn bản điện tử.",
                "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
                "Điều 3. " + "; ".join(ARTICLE_3_BODIES) + " chịu trách nhiệm thi hành Quyết định này./.",
            ]
            refs = ["Như Điều 3"]
        elif letter:
            refs = ["Như trên"]
        style = rng.choice(["ban-dien-tu", "gui-ban", "plain"])
        lines, block = _block(rng, style, refs)
        filler = rng.choice([0, 2, 5, 8, 10, 12])
        spec = DocumentSpec(
            issuer=issuer, issuer_parent=parent, number=number, place=rng.choice(PLACES),
            date=None if blank_date else (day, month, year), type=None if letter else doc_type,
            summary=summary, urgency=urgency, secrecy=secrecy, kinh_gui=kinh_gui, body=body,
            filler_paragraphs=filler, recipients=lines, signer_title=titles, signer=signer,
            block_at=760.0 if rng.random() < 0.12 else None,
        )
        references: dict[str, list[str]] = {}
        if "Như Điều 3" in refs:
            references["Như Điều 3"] = ARTICLE_3_BODIES
        if "Như trên" in refs:
            references["Như trên"] = kinh_gui
        expected = {
            "document": {
                "issuer": issuer, "issuer_parent": parent, "number": number, "place": spec.place,
                "date": None if blank_date else f"{year}-{month:02d}-{day:02d}", "type": doc_type,
                "summary": summary, "urgency": urgency, "secrecy": secrecy, "signer": signer, "signer_title": titles,
            },
            "recipients": {**block, "references": references},
        }
        cases.append(ReadingCase(f"case{index:03d}", spec, expected))
    return cases
