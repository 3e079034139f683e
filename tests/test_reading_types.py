"""Every type of document the law names, and the summary under its type line, read as a clerk reads
them: born-digital pages set as NĐ 30/2020 Phụ lục I sets them (tests/typed_documents.py), through
the real reader and once through `qlvb-gateway parse`; the real documents' headings of
corpus/documents (under QLVB_SHARED) laid out the same way; the notation's abbreviated type against the type
line (`type-mismatch`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest

from conftest import SHARED, shared_folder
from gateway.model import Reading
from gateway.reading import read_document
from gateway.reading.particulars import TypeMismatch, type_mismatch
from gateway.reasons import MESSAGES
from vntext import one_line
from typed_documents import Heading, render_heading

# NĐ 30/2020/NĐ-CP Điều 7 (the 29 administrative types) with the abbreviation of its Phụ lục III;
# Công văn and Thư công have none there (a letter's notation carries its issuer's and unit's codes).
ADMINISTRATIVE = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công điện": "CĐ", "Bản ghi nhớ": "GN", "Bản thỏa thuận": "TTh", "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "NP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC",
    "Phiếu báo": "PB", "Thư công": None, "Công văn": None,
}
# Luật Ban hành văn bản quy phạm pháp luật: the normative types the issue names, with their notation.
NORMATIVE = {
    "Luật": ("QUỐC HỘI", "Luật số", "59/2020/QH14"), "Pháp lệnh": ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Pháp lệnh số", "02/2022/UBTVQH15"),
    "Nghị quyết": ("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC GIANG", "Số", "12/2026/NQ-HĐND"),
    "Nghị quyết liên tịch": ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Số", "01/2026/NQLT-UBTVQH-CP"),
    "Nghị định": ("CHÍNH PHỦ", "Số", "182/2026/NĐ-CP"), "Quyết định": ("THỦ TƯỚNG CHÍNH PHỦ", "Số", "28/2026/QĐ-TTg"),
    "Thông tư": ("BỘ TÀI CHÍNH", "Số", "82/2026/TT-BTC"), "Thông tư liên tịch": ("BỘ NỘI VỤ", "Số", "01/2026/TTLT-BNV-BTC"),
    "Chỉ thị": ("THỦ TƯỚNG CHÍNH PHỦ", "Số", "15/CT-TTg"), "Lệnh": ("CHỦ TỊCH NƯỚC", "Số", "05/2026/L-CTN"),
}
SUMMARIES = {  # one, two and three lines, in small letters and in capitals
    "1 line": ["Về việc ban hành Quy chế công tác văn thư"],
    "2 lines": ["Quy định về thành lập, quản lý và sử dụng Quỹ Hỗ trợ đầu tư", "của các tỉnh, thành phố trực thuộc Trung ương"],
    "3 lines": ["Ban hành Quy chế tiếp nhận, xử lý, phát hành và quản lý văn bản điện tử",
                "trong các cơ quan hành chính nhà nước trên địa bàn tỉnh Bắc Giang,",
                "giai đoạn 2026 - 2030"],
    "1 line, capitals": ["DOANH NGHIỆP"],
    "2 lines, capitals": ["QUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU VÀ BIỆN PHÁP THI HÀNH", "LUẬT GIAO DỊCH ĐIỆN TỬ"],
    "3 lines, capitals": ["SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA NGHỊ ĐỊNH SỐ 30/2020/NĐ-CP NGÀY", "05 THÁNG 3 NĂM 2020 CỦA CHÍNH PHỦ VỀ CÔNG TÁC VĂN THƯ",
                          "VÀ QUẢN LÝ VĂN BẢN ĐIỆN TỬ"],
}
LETTER_SUMMARIES = {
    "1 line": ["V/v triển khai công tác văn thư"],
    "2 lines": ["V/v đôn đốc báo cáo số liệu thống kê", "công tác văn thư, lưu trữ năm 2026"],
    "3 lines": ["V/v góp ý dự thảo Quy chế quản lý", "văn bản điện tử của các cơ quan", "hành chính nhà nước tỉnh"],
}


def read(heading: Heading) -> Reading:
    with pymupdf.open(stream=render_heading(heading), filetype="pdf") as doc:
        return read_document(doc)


def codes(reading: Reading) -> list[str]:
    return [w.code for w in reading.warnings]


def administrative(doc_type: str, summary: list[str], authority: str | None = None) -> Heading:
    abbreviation = ADMINISTRATIVE[doc_type]
    number = f"125/{abbreviation}-UBND" if abbreviation else "125/UBND-VP"
    return Heading(issuer="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", number=number, place="Bắc Giang", type=doc_type,
                   summary=summary, authority=authority)


@pytest.mark.parametrize("doc_type", [t for t in ADMINISTRATIVE if t != "Công văn"])
def test_every_administrative_type_and_its_summary(doc_type: str) -> None:
    for name, summary in SUMMARIES.items():
        for authority in (None, "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"):
            reading = read(administrative(doc_type, summary, authority))
            p = reading.particulars
            assert (p.type, p.summary) == (doc_type, " ".join(summary)), (name, authority)
            assert p.number is not None and p.number.startswith("125/")
            assert "type-mismatch" not in codes(reading)
            assert reading.sources["summary"].page == 1


@pytest.mark.parametrize("doc_type", list(NORMATIVE))
def test_every_normative_type_and_its_summary(doc_type: str) -> None:
    issuer, label, number = NORMATIVE[doc_type]
    for name, summary in SUMMARIES.items():
        heading = Heading(issuer=issuer, number=number, number_label=label, type=doc_type, summary=summary,
                          date=None if label != "Số" else (31, 12, 2026),
                          authority=None if label != "Số" else issuer,
                          body=["Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;",
                                f"{issuer.capitalize()} ban hành {doc_type} này."])
        reading = read(heading)
        p = reading.particulars
        assert (p.type, p.summary, p.number, p.issuer) == (doc_type, " ".join(summary), number, issuer), name
        assert "type-mismatch" not in codes(reading)


@pytest.mark.parametrize("lines", list(LETTER_SUMMARIES))
def test_a_letters_summary_under_its_number(lines: str) -> None:
    summary = LETTER_SUMMARIES[lines]
    reading = read(Heading(issuer="SỞ NỘI VỤ", issuer_parent="UBND TỈNH BẮC GIANG", number="707/SNV-VP",
                           place="Bắc Giang", summary=summary, body=["Kính gửi: Ủy ban nhân dân các huyện, thành phố.",
                                                                     "Thực hiện Kế hoạch số 12/KH-UBND của UBND tỉnh."]))
    p = reading.particulars
    assert (p.type, p.summary, p.number) == ("Công văn", " ".join(summary), "707/SNV-VP")


def test_the_summary_stops_at_what_follows_it() -> None:
    """The body's first paragraph, the authority's line and "Kính gửi" are not the summary, even when
    set right under it without a gap."""
    summary = ["Về việc tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026"]
    for body in (["Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024;"], ["Kính gửi: Các sở, ban, ngành tỉnh."],
                 ["Điều 1. Ban hành kèm theo Quyết định này Quy chế công tác văn thư."]):
        heading = replace(administrative("Thông báo", summary), body=body, rule=False)
        assert read(heading).particulars.summary == summary[0], body[0]
    heading = replace(administrative("Quyết định", summary, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"), rule=False)
    assert read(heading).particulars.summary == summary[0]


# The notation's abbreviated type and the type line.

@pytest.mark.parametrize("doc_type, number, named", [
    ("Thông tư", "15/2026/NĐ-CP", ("NĐ", "Nghị định")),
    ("Nghị định", "15/2026/TT-BTC", ("TT", "Thông tư")),
    ("Kế hoạch", "12/BC-UBND", ("BC", "Báo cáo")),
    ("Tờ trình", "12/TT-UBND", ("TT", "Thông tư")),
    ("Thông báo", "12/TTr-UBND", ("TTr", "Tờ trình")),
    ("Quyết định", "12/CT-UBND", ("CT", "Chỉ thị")),
    ("Giấy mời", "12/TB-VP", ("TB", "Thông báo")),
    ("Kế hoạch", "12-NQ/TU", ("NQ", "Nghị quyết")),  # a Party's notation: number-type/issuer
    ("Hướng dẫn", "3/NQLT-CP-MTTW", ("NQLT", "Nghị quyết liên tịch")),
])
def test_a_notation_naming_another_type(doc_type: str, number: str, named: tuple[str, str]) -> None:
    assert type_mismatch(doc_type, number) == TypeMismatch(*named)


@pytest.mark.parametrize("doc_type, number", [
    ("Nghị định", "182/2024/NĐ-CP"), ("Thông tư", "82/2018/TT-BTC"), ("Thông tư liên tịch", "01/2026/TTLT-BNV-BTC"),
    ("Quyết định", "1421/QD-BTC"),  # OCR's QD for QĐ
    ("Chương trình", "5/CTr-UBND"), ("Quy định", "3/QyĐ-SNV"), ("Bản thỏa thuận", "2/BTT-UBND"),
    ("Nghị quyết", "7/NQ-CP"), ("Lệnh", "05/2020/L-CTN"),
    ("Luật", "59/2020/QH14"), ("Nghị quyết", "30/2021/QH15"),  # the Quốc hội's notation names no type
    ("Thông báo", "330/UBND-VP"),  # no type in the notation: nothing to compare
    ("Công văn", "1581/CT-TTHT"), ("Công văn", "3880/TCT-KK"), ("Công văn", "308/CV-PC"),  # a letter's codes
    ("Quyết định", "/QĐ-STP"), (None, "12/NĐ-CP"), ("Quyết định", None),
])
def test_a_notation_that_agrees_or_says_nothing(doc_type: str | None, number: str | None) -> None:
    assert type_mismatch(doc_type, number) is None


def test_a_type_mismatch_is_a_warning_of_the_reading() -> None:
    reading = read(Heading(issuer="BỘ TÀI CHÍNH", number="82/2026/NĐ-BTC", type="Thông tư",
                           summary=["Hướng dẫn thực hiện công tác văn thư"]))
    assert (reading.particulars.type, reading.particulars.number) == ("Thông tư", "82/2026/NĐ-BTC")
    mismatch = [w for w in reading.warnings if w.code == "type-mismatch"]
    assert [w.as_json() for w in mismatch] == [
        f"type-mismatch: {MESSAGES['type-mismatch']} (82/2026/NĐ-BTC: NĐ là Nghị định, tên loại là Thông tư)"]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("qlvb-gateway")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "gateway.cli"]


def test_parse_prints_the_type_and_a_three_line_summary(tmp_path: Path) -> None:
    summary = SUMMARIES["3 lines, capitals"]
    path = tmp_path / "nghi-dinh.pdf"
    path.write_bytes(render_heading(Heading(issuer="CHÍNH PHỦ", number="15/2026/TT-CP", type="Nghị định",
                                            summary=summary, authority="CHÍNH PHỦ")))
    done = subprocess.run([*_cli(), "parse", str(path), "--json"], capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert out["document"]["type"] == "Nghị định"
    assert out["document"]["summary"] == " ".join(summary)
    assert out["document"]["number"] == "15/2026/TT-CP"
    assert any(w.startswith("type-mismatch: ") and "TT là Thông tư" in w for w in out["warnings"])


# The real documents of corpus/documents under QLVB_SHARED: each heading laid out from its text, its line
# breaks kept; the type and summary read must be the ones its particulars (NNN.json) give.

_CORPUS = SHARED / "corpus" / "documents"
_DOCUMENTS = sorted(p.stem for p in _CORPUS.glob("*.json")) or ["absent"]
_RULE = re.compile(r"^[\s_\-—–=.]*$")
_DATE_LINE = re.compile(r",\s*ng[aà]y\s+[\d ]*\s*th[aá]ng", re.I)
_LETTER_PREFIX = re.compile(r"^(V/v|Viv|VW|VAv|W⁄%)")  # how the corpus's OCR wrote "V/v"


def _clean(text: str) -> str:
    return one_line(text).rstrip(" .:;,")


def _printed_run(lines: list[str], summary: str) -> tuple[int, int] | None:
    """The text's lines (blank ones between them aside) that print the summary, the last one
    allowed a few characters of stamp noise the particulars left out."""
    target = _clean(summary)
    for start, first in enumerate(lines):
        if not first or not target.startswith(_clean(first)[:12]):
            continue
        joined = ""
        for end in range(start, min(start + 12, len(lines))):
            if not lines[end]:
                continue
            joined = one_line(f"{joined} {lines[end]}")
            if _clean(joined) == target or (_clean(joined).startswith(target) and len(_clean(joined)) - len(target) <= 3):
                return start, end + 1
            if len(joined) > len(target) + 5:
                break
    return None


def _as_printed(summary: str, printed: list[str]) -> list[str]:
    """The particulars' summary broken where the text breaks it (the particulars dropped stray noise)."""
    words, lines = summary.split(), []
    for line in printed[:-1]:
        count = len(line.split())
        lines.append(" ".join(words[:count]))
        words = words[count:]
    return lines + [" ".join(words)]


def corpus_heading(text: str, record: dict) -> tuple[Heading, str]:
    """The document's heading as its text prints it, and how its summary's lines were found."""
    lines = [l.strip() for l in text.splitlines()]
    run = _printed_run(lines, record["summary"])
    letter = record["type"] == "Công văn"
    if run is None:  # printed beside another column's words (019: the date), cut apart: wrapped again
        printed, how, type_line, after = [record["summary"]], "wrapped", record["type"], []
    else:
        start, end = run
        printed, how = [l for l in lines[start:end] if l], "as printed"
        type_line = record["type"] if letter else next(l for l in reversed(lines[:start]) if l)
        after = lines[end:]
    after = [l for l in after if not _RULE.match(l) and not l.startswith("--- PAGE") and not _DATE_LINE.search(l)]
    authority = None
    if not letter and after and after[0].isupper() and len(after[0].split()) <= 8:
        authority, after = after[0], after[1:]  # "CHÍNH PHỦ", "BỘ TRƯỞNG BỘ TÀI CHÍNH"
    year, month, day = (int(x) for x in record["date"].split("-"))
    heading = Heading(
        issuer=record["issuer"], issuer_parent=record["issuer_parent"], number=record["number"],
        place=record["place"], date=(day, month, year), type=None if letter else type_line,
        summary=_as_printed(record["summary"], printed), authority=authority, body=after[:10],
    )
    return heading, how


def _letter_prefix(summary: str | None) -> str | None:
    """The reader writes "V/v" however OCR spelt it; the particulars keep the OCR's spelling."""
    return None if summary is None else _LETTER_PREFIX.sub("V/v", summary, count=1)


@pytest.mark.parametrize("name", _DOCUMENTS)
def test_real_documents_type_and_summary(name: str) -> None:
    folder = shared_folder("corpus", "documents")
    record = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    heading, how = corpus_heading((folder / f"{name}.txt").read_text(encoding="utf-8"), record)
    reading = read(heading)
    p = reading.particulars
    assert (p.type, _letter_prefix(p.summary)) == (record["type"], _letter_prefix(record["summary"])), how
    assert "type-mismatch" not in codes(reading)
