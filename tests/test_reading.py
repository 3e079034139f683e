"""The reader, as a clerk checks it: particulars and recipient blocks read off real seed blocks and
off documents made here, born-digital and scanned at 150-300 dpi (real Tesseract, real PyMuPDF)."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest

from gateway.reading import read_document, read_pdf_bytes
from gateway.reading.recipients import parse_block
from kit import DocumentSpec, render_document, scan
from kit.reading_cases import reading_cases
from vntext import fold
from conftest import shared_folder
from world import GATEWAY

SUB_HEADINGS = ("Gửi bản giấy:", "Gửi bản điện tử:", "Bản điện tử:")


def seed_text(prefix: str) -> str:
    """A seed document's own text (material from outside the repository: skipped without it)."""
    return next(shared_folder("seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def seed_block(prefix: str) -> list[str]:
    """The seed's recipient block as printed: "Nơi nhận:" and its entries, up to the signer."""
    lines = seed_text(prefix).splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip() == "Nơi nhận:" and lines[i + 1].strip() in ("", *SUB_HEADINGS, "- Như Điều 3;"))
    block = [lines[start].strip()]
    for line in lines[start + 1:]:
        text = line.strip()
        if not text:
            continue
        if not text.startswith(("-", "+", "–")) and text not in SUB_HEADINGS:
            break
        block.append(text)
    return block


def seed_article_3(prefix: str) -> list[str]:
    """Điều 3 of the seed's decision and the paragraph that follows it, as printed."""
    lines = [l.strip() for l in seed_text(prefix).splitlines() if l.strip()]
    start = next(i for i, l in enumerate(lines) if l.startswith("Điều 3."))
    article = [lines[start]]
    if not any(k in lines[start] for k in ("thi hành", "trách nhiệm")):
        article.append(lines[start + 1])
    return article


# What a clerk reads in each seed's block (the Bắc Kạn seed is the "Gửi bản giấy / Gửi bản điện tử" style).
SEED_BLOCKS = {
    "000": {
        "paper": ["Văn phòng Chính phủ"],
        "electronic": ["Như Điều 3", "Bộ Nội vụ", "Cục Kiểm tra văn bảnQPPL (Bộ Tư pháp)", "TT Tỉnh ủy, TT HĐND tỉnh",
                       "Đoàn ĐBQH tỉnh", "CT, PTC UBND tỉnh", "Ủy ban MTTQVN tỉnh và các đoàn thể cấp tỉnh", "LĐVP",
                       "Trung tâm Tin học - Công báo"],
        "archive": "Lưu: VT, NCPC",
    },
    "001": {
        "paper": ["Như Điều 3", "Sở Thông tin & TT", "Lãnh đạo Sở", "Website Sở"],
        "electronic": [], "archive": "Lưu: VT, VP",
    },
    "002": {
        "paper": ["Như Điều 3", "Bộ Thông tin và Truyền thông", "Cục kiểm tra văn bản QPPL-Bộ Tư pháp",
                  "TT Tỉnh ủy, TT HĐND tỉnh", "Chủ tịch, các PCT UBND tỉnh", "UBMTTQ và các đoàn thể nhân dân tỉnh",
                  "TAND, VKSND tỉnh", "Các cơ quan Trung ương đóng trên địa bàn tỉnh", "Văn phòng Tỉnh ủy, các Ban của Đảng",
                  "VP Đoàn ĐBQH và HĐND tỉnh, các Ban của HĐND tỉnh", "Báo Bắc Giang, Đài PTTH tỉnh",
                  "Văn phòng UBND tỉnh: LĐVP, TKCT, Trưởng các phòng, đơn vị",
                  "Văn phòng UBND tỉnh: Trung tâm THCB (để đăng công báo)"],
        "electronic": [], "archive": "Lưu: VT, VX2",
    },
    "003": {
        "paper": ["Văn phòng Chính phủ", "Bộ Thông tin và Truyền thông", "TT Tỉnh ủy, TT HĐND tỉnh",
                  "Đoàn Đại biểu Quốc hội tỉnh", "CT, các PCT UBND tỉnh", "UBMTTQVN tỉnh", "Vụ Pháp chế - Bộ TT&TT",
                  "Cục kiểm tra văn bản QPPL – Bộ Tư pháp", "Như Điều 3", "Sở Tư pháp",
                  "Báo Đắk Lắk, Đài PTTH tỉnh, Công TTĐT tỉnh", "VP UBND tỉnh: CVP, các PCVP"],
        "electronic": [], "archive": "Lưu : VT, TH, KGVX (T.80)",
    },
}
SEED_ARTICLE_3 = {
    "000": ["Chánh Văn phòng Đoàn ĐBQH, HĐND và UBND tỉnh", "Thủ trưởng các Sở, ban, ngành", "các đơn vị sự nghiệp công lập",
            "Ban Quản lý các khu công nghiệp tỉnh", "Văn phòng Điều phối xây dựng nông thôn mới",
            "các tổ chức Hội, Quỹ được giao biên chế", "Chủ tịch Ủy ban nhân dân các huyện, thành phố",
            "Chủ tịch Ủy ban nhân dân các xã, phường, thị trấn và các tổ chức, cá nhân có liên quan"],
    "001": ["Chánh Văn phòng Sở", "Chánh Thanh tra Sở", "Trưởng các phòng chuyên môn",
            "Thủ trưởng các đơn vị trực thuộc Sở và cá nhân có liên quan"],
    "002": ["Giám đốc các Sở", "Thủ trưởng các cơ quan, đơn vị thuộc UBND tỉnh",
            "Chủ tịch Ủy ban nhân dân các huyện, thành phố", "các cơ quan, đơn vị và cá nhân liên quan"],
    "003": ["Chánh Văn phòng UBND tỉnh", "Giám đốc các Sở, ban, ngành ở tỉnh", "Chủ tịch UBND các huyện, thị xã, thành phố",
            "Thủ trưởng các cơ quan, đơn vị, tổ chức, cá nhân liên quan"],
}
# The regulation issued with Bắc Giang's decision quotes the Đ6 template in its body: not a block.
TEMPLATE_IN_APPENDIX = [
    "QUY ĐỊNH", "Điều 6. Thể thức, kỹ thuật trình bày văn bản điện tử",
    "Riêng phần nơi nhận trong văn bản điện tử được trình bày như sau:",
    "Nơi nhận:", "-….", "Bản điện tử:", "-….",
    "Phần “Nơi nhận” bên trên “Bản điện tử” là những nơi nhận văn bản giấy, phần bên dưới “Bản điện tử” là những "
    "nơi nhận văn bản điện tử.",
]


def seed_document(prefix: str) -> DocumentSpec:
    return DocumentSpec(
        issuer="ỦY BAN NHÂN DÂN TỈNH BẮC KẠN" if prefix == "000" else "SỞ TƯ PHÁP",
        issuer_parent=None if prefix == "000" else "UBND TỈNH BÌNH ĐỊNH",
        number="26/2020/QĐ-UBND" if prefix == "000" else "/QĐ-STP", place="Bắc Kạn" if prefix == "000" else "Bình Định",
        date=(25, 12, 2020) if prefix == "000" else None, type="Quyết định",
        summary="Ban hành Quy chế tiếp nhận, xử lý, phát hành và quản lý văn bản điện tử",
        body=["Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
              "Điều 1. Ban hành kèm theo Quyết định này Quy chế.", "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]
        + seed_article_3(prefix),
        filler_paragraphs=3, recipients=seed_block(prefix),
        signer_title=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], signer="Đỗ Thị Minh Hoa",
        appendix=TEMPLATE_IN_APPENDIX if prefix == "002" else [],
    )


@pytest.mark.parametrize("prefix", sorted(SEED_BLOCKS))
def test_seed_blocks_as_printed(prefix: str) -> None:
    recipients = parse_block(seed_block(prefix))
    assert recipients is not None
    assert {"paper": recipients.paper, "electronic": recipients.electronic, "archive": recipients.archive} == SEED_BLOCKS[prefix]


@pytest.mark.parametrize("prefix", sorted(SEED_BLOCKS))
def test_seed_blocks_in_a_born_digital_decision(prefix: str) -> None:
    reading = read_pdf_bytes(render_document(seed_document(prefix)))
    r = reading.recipients
    assert {"paper": r.paper, "electronic": r.electronic, "archive": r.archive} == SEED_BLOCKS[prefix]
    assert r.references == {"Như Điều 3": SEED_ARTICLE_3[prefix]}
    assert reading.particulars.signer == "Đỗ Thị Minh Hoa" and not reading.ocr
    blanks = ["date-blank", "number-incomplete"] if prefix != "000" else []  # "Số: /QĐ-STP", "ngày   tháng 11"
    assert [w.code for w in reading.warnings] == blanks


@pytest.mark.parametrize("prefix,dpi", [("000", 200), ("002", 300)])
def test_seed_blocks_in_a_scanned_decision(prefix: str, dpi: int) -> None:
    """The Bắc Kạn block of the second style, and Bắc Giang's with "+" items whose regulation quotes
    the Đ6 template on a later page: read by OCR, the body only when asked (for "Như Điều 3")."""
    pdf = scan(render_document(seed_document(prefix)), dpi)
    without_body = read_pdf_bytes(pdf)
    with_body = read_pdf_bytes(pdf, body=True)
    for reading in (without_body, with_body):
        r = reading.recipients
        assert reading.ocr
        assert {"paper": r.paper, "electronic": r.electronic, "archive": r.archive} == SEED_BLOCKS[prefix]
        assert reading.sources["recipients"].via == "ocr"
    assert without_body.recipients.references == {}
    assert any(w.code == "reference-unresolved" for w in without_body.warnings)
    # The article is body text read by OCR: a tone mark may slip ("thi trấn"); resolving ignores tones.
    assert folded(with_body.recipients.references) == folded({"Như Điều 3": SEED_ARTICLE_3[prefix]})


def close(got: str | None, want: str | None) -> bool:
    """Equal, or one OCR slip apart (a letter or a tone in twenty)."""
    if got is None or want is None:
        return got == want
    return difflib.SequenceMatcher(None, got, want).ratio() >= 0.93


def folded(references: dict[str, list[str]]) -> dict[str, list[str]]:
    return {fold(k): [fold(v) for v in values] for k, values in references.items()}


CASES = {case.name: case for case in reading_cases(30)}


def _check(reading_json: dict, expected: dict, *, references: bool = True) -> None:
    assert reading_json["document"] == expected["document"]
    got = reading_json["recipients"]
    want = dict(expected["recipients"])
    if not references:
        got, want = {**got, "references": {}}, {**want, "references": {}}
    assert got == want


@pytest.mark.parametrize("name", sorted(CASES))
def test_born_digital_documents_are_read_exactly(name: str) -> None:
    case = CASES[name]
    reading = read_pdf_bytes(render_document(case.spec))
    _check(reading.as_json(), case.expected)
    assert not reading.ocr and reading.sources["issuer"].via == "text"


# Scans chosen to cover: a letter with Kính gửi and a boxed mark (case000); the "Gửi bản" style
# (case001); sub-items (case004); a block carried over a page break with its signer (case022); one
# page (case003); a seal hiding a one-line title (case025, where the title is reported unread).
SCANNED = [("case001", 200), ("case003", 150), ("case004", 200), ("case010", 300), ("case022", 200), ("case016", 300)]


@pytest.mark.parametrize("name,dpi", SCANNED)
def test_scanned_documents_are_read(name: str, dpi: int) -> None:
    """What intake registers is read exactly; every entry of the block is found, in its section, each
    within a letter or two of what is printed (OCR's letter errors are measured in bench/reading.py)."""
    case = CASES[name]
    pdf = scan(render_document(case.spec), dpi, seed=int(name[-3:]))
    reading = read_pdf_bytes(pdf, body=True)
    assert reading.ocr
    assert reading.sources["number"].via == "ocr" and reading.sources["number"].page == 1
    assert reading.sources["recipients"].page == heading_page(render_document(case.spec))
    assert any(w.code == "scan-resolution-low" for w in reading.warnings) == (dpi < 200)  # NĐ 30/2020 PL I
    got, want = reading.as_json(), case.expected
    for field in ("issuer", "issuer_parent", "date", "type", "urgency", "secrecy"):
        assert got["document"][field] == want["document"][field], field
    assert close(got["document"]["number"], want["document"]["number"])
    for section in ("paper", "electronic"):
        assert len(got["recipients"][section]) == len(want["recipients"][section]), section
        for entry, expected in zip(got["recipients"][section], want["recipients"][section]):
            assert close(entry, expected), (entry, expected)
    assert got["recipients"]["archive"] == want["recipients"]["archive"]


def heading_page(pdf: bytes) -> int:
    """The page the recipient block starts on, from the born-digital document's own text."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return next(p.number + 1 for p in doc if "Nơi nhận:" in p.get_text())


def test_a_block_carried_over_a_page_break() -> None:
    spec = DocumentSpec(filler_paragraphs=7, block_at=765.0)
    pdf = render_document(spec)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert "Nơi nhận" in doc[-2].get_text() and "UBND các huyện" in doc[-1].get_text()  # it really is split
    for data in (pdf, scan(pdf, 200)):
        r = read_pdf_bytes(data).recipients
        assert (r.paper, r.electronic, r.archive) == (["Như trên"], ["Sở Nội vụ", "UBND các huyện, thành phố"], "Lưu: VT, VP")


def test_marks_are_read_by_their_place_not_from_the_text() -> None:
    spec = DocumentSpec(body=["Đề nghị xử lý khẩn và bảo đảm bí mật theo quy định, không để lộ, lọt tài liệu mật."])
    for data in (render_document(spec), scan(render_document(spec), 200)):
        p = read_pdf_bytes(data).particulars
        assert (p.urgency, p.secrecy) == (None, None)
    marked = DocumentSpec(urgency="Thượng khẩn", secrecy="Tối mật")
    p = read_pdf_bytes(scan(render_document(marked), 200)).particulars
    assert (p.urgency, p.secrecy) == ("Thượng khẩn", "Tối mật")


def test_a_scan_without_a_readable_block_says_so_and_invents_nothing() -> None:
    spec = DocumentSpec(recipients=["Kính đề nghị các đơn vị thực hiện."], filler_paragraphs=2)
    reading = read_pdf_bytes(scan(render_document(spec), 200))
    assert reading.recipients.paper == [] and reading.recipients.electronic == [] and reading.recipients.archive is None
    assert any(w.code == "no-recipient-block" for w in reading.warnings)
    blank = pymupdf.open()
    blank.new_page()
    reading = read_pdf_bytes(scan(blank.tobytes(), 150))
    assert reading.particulars.issuer is None and reading.recipients.paper == []
    assert any(w.code == "no-text" for w in reading.warnings)


def test_a_title_under_the_seal_is_read_in_colour_and_reported_in_grey() -> None:
    """NĐ 30/2020 PL I asks for colour scans: the red seal then fades out of the red channel and the
    title under it is read. A greyscale scan keeps the seal as dark as the text: read right (since the closing
    part is cut where the body ends, not from the page's foot) or reported, never guessed."""
    case = CASES["case025"]
    colour = read_pdf_bytes(scan(render_document(case.spec), 200, seed=25, grey=False))
    assert (colour.particulars.signer, colour.particulars.signer_title) == ("Hoàng Đức Thắng", ["TRƯỞNG PHÒNG"])
    grey = read_pdf_bytes(scan(render_document(case.spec), 200, seed=25))
    assert grey.particulars.signer == "Hoàng Đức Thắng"
    assert grey.particulars.signer_title in ([], ["TRƯỞNG PHÒNG"])
    assert grey.particulars.signer_title or any(w.code == "signer-title-unread" for w in grey.warnings)


def test_parse_command_prints_the_contract(tmp_path: Path) -> None:
    case = CASES["case001"]
    path = tmp_path / "quyet-dinh.pdf"
    path.write_bytes(scan(render_document(case.spec), 200, seed=1))
    done = subprocess.run([*GATEWAY, "parse", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    assert set(out) >= {"pages", "ocr", "document", "recipients", "warnings"}
    assert set(out["document"]) == {"issuer", "issuer_parent", "number", "place", "date", "type", "summary", "urgency",
                                    "secrecy", "signer", "signer_title"}
    assert set(out["recipients"]) == {"paper", "electronic", "archive", "references"}
    assert out["ocr"] is True and out["pages"] == reading_pages(path)
    _check(out, case.expected)
    assert out["sources"]["issuer"] == {"page": 1, "via": "ocr", "confidence": out["sources"]["issuer"]["confidence"]}


def test_parse_json_of_a_damaged_file_is_json_alone(tmp_path: Path) -> None:
    # a newcomer (2026-12-05): the first bytes of a PDF gave hundreds of lines of "MuPDF error: …" on stdout before the
    # JSON (PyMuPDF prints MuPDF's messages there), so `parse --json | jq` broke
    path = tmp_path / "cut.pdf"
    path.write_bytes(render_document(CASES["case001"].spec)[:5000])
    done = subprocess.run([*GATEWAY, "parse", str(path), "--json"],
                          capture_output=True, text=True, check=True)
    assert set(json.loads(done.stdout)) >= {"pages", "document", "warnings"}


def reading_pages(path: Path) -> int:
    with pymupdf.open(path) as doc:
        return doc.page_count


def test_without_tesseract_data_a_scan_gets_a_clear_warning(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan(render_document(DocumentSpec()), 150))
    env = {**os.environ, "TESSDATA_PREFIX": str(tmp_path)}  # a folder without vie.traineddata
    done = subprocess.run([*GATEWAY, "parse", str(path), "--json"],
                          capture_output=True, text=True, env=env, check=True)
    out = json.loads(done.stdout)
    assert out["document"]["issuer"] is None
    assert any(w.startswith("ocr-unavailable") and "tesseract-ocr-vie" in w for w in out["warnings"])


def test_born_digital_reading_uses_no_ocr_even_for_the_body() -> None:
    case = CASES["case001"]
    with pymupdf.open(stream=render_document(case.spec), filetype="pdf") as doc:
        reading = read_document(doc, body=True)
    assert not reading.ocr and reading.recipients.references == case.expected["recipients"]["references"]


def test_an_issuer_misread_by_ocr_is_unverified_not_a_mismatch() -> None:
    """Intake's rule (002 Đ4.1) on what the reader says: an OCR issuer naming no known agency is
    reported for the clerk; a known other agency is still a mismatch; the text layer is trusted."""
    from gateway.directory import AgencyEntry, Directory
    from gateway.decision.issuers import document_issuers
    from gateway.decision.rules import official_route
    from gateway.model import FieldSource, MailFacts, Particulars, Reading, Recipients, SenderAuth

    stp = AgencyEntry("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", "vanthu@sotp.bacgiang.gov.vn", ("Sở Tư pháp",))
    stc = AgencyEntry("000.00.13.H06", "Sở Tài chính tỉnh Bắc Giang", "vanthu@stc.bacgiang.gov.vn", ("Sở Tài chính",))
    directory = Directory([stp, stc])
    mail = MailFacts("<m@x>", "0" * 64, 1, stp.mailbox, "", [], [], "", None, None, None,
                     SenderAuth(stp.mailbox, True, "dkim"), [], [])

    def reading(issuer: str, via: str) -> Reading:
        return Reading(1, via == "ocr", Particulars(issuer=issuer, issuer_parent="UBND TỈNH BẮC GIANG"), Recipients(),
                       sources={"issuer": FieldSource(1, via, 0.6 if via == "ocr" else None)})

    def issuers(issuer: str, via: str):  # type: ignore[no-untyped-def]
        return document_issuers(reading(issuer, via), directory)

    holds, reasons = official_route(mail, issuers("SỞ TƯ PHẢP XÃ", "ocr"), directory)
    assert holds and [(r.code, r.severity) for r in reasons] == [("issuer-unread", "warning")]
    holds, reasons = official_route(mail, issuers("SỞ TÀI CHÍNH", "ocr"), directory)
    assert not holds and reasons[0].code == "sender-not-issuer"
    holds, reasons = official_route(mail, issuers("SỞ TƯ PHẢP XÃ", "text"), directory)
    assert not holds and reasons[0].code == "sender-not-issuer"
