"""Documents as offices make them, read by the one reader (gateway.reading.read_document).

Real documents of the shared corpus (corpus/documents under QLVB_SHARED), laid out as
NĐ 30/2020 Phụ lục I sets them in Times New Roman's metrics, signed in ink with the red seal over the
title and scanned in colour at 200 dpi, turned 1-2 degrees; and a letter made here whose recipient
block goes on to the next page, read born-digital and as a scan signed with a visible box on page 1
as Bắc Giang signs (this one runs on a clone alone).
"""

from __future__ import annotations

import difflib

from datetime import date

import pymupdf
import pytest

from conftest import shared_folder
from gateway.model import Reading
from gateway.reading import read_document
from office_documents import OfficeDocument, ScanSettings, corpus_document, lay_out, office_scan, sign_scan

# A Quyết định of the Prime Minister (type line, summary, "KT THỦ TƯỚNG" and "PHÓ THỦ TƯỚNG", a block
# without "Lưu") and a Công văn of Tổng cục Thuế (parent line, "V/v" under the number, "Kính gửi" a
# province's Cục Thuế, a title of two lines under "TL.", on two pages).
CORPUS = ["007", "022"]

PARAGRAPH = (
    "Thực hiện Quyết định số 133/2015/QĐ-UBND ngày 10/4/2015 của UBND tỉnh Bắc Giang ban hành Quy định "
    "về việc gửi, nhận, sử dụng văn bản điện tử và hồ sơ điện tử trong các cơ quan nhà nước, Sở Tư pháp đề "
    "nghị các cơ quan, đơn vị kiểm tra hộp thư điện tử công vụ ít nhất hai lần trong ngày làm việc, cập "
    "nhật kịp thời vào sổ đăng ký văn bản đến và báo cáo lãnh đạo đơn vị những văn bản khẩn."
)

LETTER = OfficeDocument(
    name="made-here", issuer="SỞ TƯ PHÁP", issuer_parent="UBND TỈNH BẮC GIANG", number="1234/STP-HCTP",
    place="Bắc Giang", date=date(2026, 11, 5), type="Công văn",
    summary="V/v triển khai gửi, nhận văn bản điện tử năm 2027", signer="Nguyễn Văn An",
    signer_title=("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    kinh_gui=("Các Sở, ban, ngành tỉnh", "UBND các huyện, thành phố"),
    paper=("Như trên", "Bộ Tư pháp (để b/c)", "TT Tỉnh ủy, TT HĐND tỉnh", "CT, các PCT UBND tỉnh",
           "Văn phòng UBND tỉnh", "Báo Bắc Giang", "Đài Phát thanh và Truyền hình tỉnh", "Cổng thông tin điện tử tỉnh",
           "Sở Thông tin và Truyền thông", "Trung tâm Tin học - Công báo tỉnh", "Lãnh đạo Sở",
           "Các phòng, đơn vị thuộc Sở"),
    archive="Lưu: VT, HCTP", body=(PARAGRAPH,) * 4 + ("Đề nghị các cơ quan, đơn vị quan tâm, thực hiện./.",),
)


def read(pdf: bytes) -> Reading:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return read_document(doc)


def _entries_alike(got: list[str], printed: list[str], slips: int) -> bool:
    """The same entries in the same order, none merged, split, invented or missed, each with at most
    `slips` characters read wrong."""
    return len(got) == len(printed) and all(
        sum(size for tag, _, size in _changes(a, b)) <= slips for a, b in zip(got, printed, strict=True))


def _changes(a: str, b: str) -> list[tuple[str, int, int]]:
    blocks = difflib.SequenceMatcher(None, a, b).get_opcodes()
    return [(tag, 0, max(i2 - i1, j2 - j1)) for tag, i1, i2, j1, j2 in blocks if tag != "equal"]


def assert_read_as_printed(reading: Reading, doc: OfficeDocument, *, slips: int = 0) -> None:
    """Every field a clerk checks, as the document prints it; with `slips`, a recipient entry may have
    that many characters read wrong (a scan's OCR: "b/c" read "b/€" after other documents in the same
    process, not alone; the bench counts such slips, this test the block's shape)."""
    got, want = reading.particulars, doc.particulars()
    wrong = {name: (getattr(got, name), getattr(want, name)) for name in vars(want) if getattr(got, name) != getattr(want, name)}
    for name in ("paper", "electronic"):
        if not _entries_alike(getattr(reading.recipients, name), getattr(doc.recipients(), name), slips):
            wrong[name] = (getattr(reading.recipients, name), getattr(doc.recipients(), name))
    for name in ("archive", "kinh_gui"):
        if getattr(reading.recipients, name) != getattr(doc.recipients(), name):
            wrong[name] = (getattr(reading.recipients, name), getattr(doc.recipients(), name))
    assert not wrong, f"{doc.name}: read (got, printed) {wrong}"


def test_the_letter_made_here_is_set_as_nd30_sets_it_and_its_block_goes_on_to_page_2() -> None:
    pdf = lay_out(LETTER)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert doc.page_count == 2
        first, second = doc[0].get_text(), doc[1].get_text()
        fonts = {font[3] for page in doc for font in page.get_fonts()}
    assert "Nơi nhận:" in first and "- Như trên;" in first
    assert "- Các phòng, đơn vị thuộc Sở;" in second and "- Lưu: VT, HCTP." in second  # the block went on
    assert "Nguyễn Văn An" in first  # the signer stays where the block starts
    assert second.startswith("2\n")  # NĐ 30/2020: pages numbered from the second
    assert all("Liberation Serif" in name for name in fonts), fonts
    assert_read_as_printed(read(pdf), LETTER)


def test_the_letter_made_here_scanned_and_signed_with_a_visible_box_is_read_whole(province) -> None:
    pki, signers, _ = province
    scanned = office_scan(LETTER, ScanSettings(dpi=200, colour=True, seed=5))
    signed = sign_scan(scanned, signers["stp"], pki, agency="Sở Tư pháp tỉnh Bắc Giang")
    with pymupdf.open(stream=signed, filetype="pdf") as doc:
        assert "Ký bởi: Sở Tư pháp tỉnh Bắc Giang" in doc[0].get_text()  # the box's words: the only text
        assert not doc[1].get_text().strip()
    reading = read(signed)
    assert reading.ocr
    assert_read_as_printed(reading, LETTER)


@pytest.mark.parametrize("name", CORPUS)
def test_a_corpus_document_scanned_as_an_office_scans_it_is_read_right(name: str) -> None:
    doc = corpus_document(shared_folder("corpus", "documents") / f"{name}.json")
    reading = read(office_scan(doc, ScanSettings(dpi=200, colour=True, seed=int(name))))
    assert reading.ocr
    assert_read_as_printed(reading, doc, slips=1)
