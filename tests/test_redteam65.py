"""Red team 65 (the register as a legal record: each document once, a recalled one never again, the register's forms
saying what it holds): the same letter sent again with its số, ký hiệu written otherwise (small letters, the leading
zero NĐ 30/2020 writes below 10 left out, "Ð" (U+00D0) for "Đ", a zero-width space, a non-breaking hyphen) was
registered a second time and its issuer thanked twice; a firm's "certified copy" of a recalled letter, its number
written so, registered again under the recalled number with the forger's summary; the spreadsheet export wrote a number
"=HYPERLINK(…)" as a live formula; a letter dated 31 December and its scan received in January, the day and month
handwritten and unread, were two lines nobody compared; the paper original of a letter registered from mail got a second
number at `register add`, and the letter's electronic copy after its paper line was new. Red teams 66 and 68 at those
fixes: a Hợp đồng "05/HĐ-STP" lost as the duplicate of a Hướng dẫn "05/HD-STP" (Đ folded to D), and a number written
with other scripts' letters drawn as Latin ones. Each failed before its fix (the search's part is in
tests/test_register_search.py)."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pymupdf
import pytest

from kit import scan, sign_pdf
from world import STP, World, certified_copy

FORGED = "V/v thu hồi toàn bộ kinh phí năm 2027"
GENUINE = "V/v triển khai công tác văn thư năm 2027"


def test_the_same_letter_with_its_number_written_otherwise_is_its_duplicate(world: World) -> None:
    """Sở Tư pháp's 05/QĐ-STP, then the same letter as other files whose text writes the number otherwise: each is the
    first's duplicate (acknowledged with its number), never a second line; what differs in the file is what a page
    shows the same or what NĐ 30/2020 lets a writer vary."""
    first = world.mail("first", attachments=[("05.pdf", world.signed("stp", world.document(number="05/QĐ-STP")))])
    other = world.mail("other", attachments=[("05hd.pdf", world.signed("stp", world.document(number="05/HD-STP")))])
    written = ["05/qđ-stp", "5/QĐ-STP", "05/Q\u00d0-STP", "05\u200b/QĐ-STP", "05/QĐ\u2011STP",
               "05/QĐ\u034f-STP", "05/QĐ-S\u0422\u0420"]  # red team 66: the combining grapheme joiner, Cyrillic Т Р
    again = [world.mail(f"again-{i}", attachments=[(f"{i}.pdf", world.signed("stp", world.document(number=n)))])
             for i, n in enumerate(written)]
    hd = world.mail("hd", attachments=[("05hđ.pdf", world.signed("stp", world.document(number="05/HĐ-STP")))])
    verdicts = world.ingest(first, *again, other, hd)
    assert verdicts[0]["verdict"] == "accepted" and verdicts[0]["incoming_number"] == 1
    assert [(v["verdict"], v["duplicate_of"]) for v in verdicts[1:-2]] == [("duplicate", 1)] * len(written)
    # Đ is not D (red teams 66, 67): a Hướng dẫn "05/HD-STP" and a Hợp đồng "05/HĐ-STP" are two documents
    assert [(v["verdict"], v["incoming_number"]) for v in verdicts[-2:]] == [("accepted", 2), ("accepted", 3)]
    assert [d.notation for d in world.documents()] == ["05/QĐ-STP", "05/HD-STP", "05/HĐ-STP"]


def _recall(world: World, identifier: str) -> Path:
    from gateway.exchange.status import RECALL

    return world.mail(f"recall-{identifier}", sender=STP, subject=f"Thu hồi văn bản {identifier}",
                      body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": identifier, "X-QLVB-Recall-Reason": "Sai"})


def _firms_copy(world: World, number: str, name: str) -> Path:
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number=number, summary=FORGED), "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    return world.mail(name, sender="someone@evil.example", auth=None,
                      attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))])


def _own(world: World, number: str) -> Path:
    identifier = f"STP-2026.{number.split('/')[0]}"
    pdf = world.signed("stp", world.document(number=number, summary=GENUINE))
    return world.mail(f"own-{identifier}", sender=STP, headers={"X-QLVB-Document-Id": identifier},
                      attachments=[(f"{number.replace('/', '-')}.pdf", pdf)])


def _copies_of_a_recalled_letter_are_held(world: World, number: str, written: list[str], code: str) -> None:
    """The issuer's letter of this number registered and recalled; a firm's "copies" of it, their number written each
    way, held with `code`, nobody unproven answered."""
    world.ingest(_own(world, number))
    world.ingest(_recall(world, f"STP-2026.{number.split('/')[0]}"))
    copies = world.ingest(*(_firms_copy(world, n, f"copy-{i}") for i, n in enumerate(written)))
    for copy in copies:
        assert copy["verdict"] == "quarantined" and copy["incoming_number"] is None
        assert code in {r["code"] for r in copy["reasons"]}
        assert all(r["to"] != "someone@evil.example" for r in copy["replies"])


def test_a_copy_of_a_recalled_letter_under_its_number_written_otherwise_is_recalled(world: World) -> None:
    """Sở Tư pháp's 710/STP-VP registered, then recalled. A firm's "copy" of it, its number with a zero-width space
    (printed the same) or a leading zero, was registered as a valid copy of the recalled letter; now held `recalled`,
    nobody unproven answered. And a copy written so that came first is voided by the recall of the letter after it."""
    _copies_of_a_recalled_letter_are_held(world, "710/STP-VP", ["710\u200b/STP-VP", "0710/STP-VP"], "recalled")
    world.ingest(_firms_copy(world, "708\u200b/STP-VP", "copy-first"), _own(world, "708/STP-VP"))
    world.ingest(_recall(world, "STP-2026.708"))
    assert [(d.notation, d.recalled) for d in world.documents() if d.notation.startswith("708")] == [
        ("708/STP-VP", True), ("708/STP-VP", True)]  # the copy's number read as the page shows it


def test_the_spreadsheet_export_holds_a_number_as_text_never_as_a_formula(world: World, tmp_path: Path) -> None:
    """A number `=HYPERLINK("//e.vn","12/STP-VP")` in the register (a clerk's paper line; in a signed letter's text layer
    it is `hidden-text` now, red team 68) must be what the clerk's spreadsheet says, not a link to a foreign host (nor a
    formula fetching one on opening)."""
    payload = '=HYPERLINK("//e.vn","12/STP-VP")'
    [mailed] = world.ingest(world.mail("formula", attachments=[("12.pdf", world.signed("stp", world.document(number=payload)))]))
    assert mailed["verdict"] != "accepted" and "hidden-text" in {r["code"] for r in mailed["reasons"]}
    world.run("register", "add", "--config", str(world.config_path), "--issuer", "SỞ TƯ PHÁP", "--number", payload,
              "--summary", "V/v công tác văn thư")
    target = tmp_path / "so-den.xlsx"
    world.run("register", "export", "--config", str(world.config_path), "--year", str(world.documents()[0].year),
              "--format", "xlsx", "-o", str(target))
    sheet = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(target).active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert payload in cells


def _day_and_month_by_hand(pdf: bytes) -> bytes:
    """The date's day and month written in by hand, illegibly (as on most real scans), the year printed."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    words = page.get_text("words")
    for before in ("ngày", "tháng"):
        a = next(w for w in words if w[4] == before)
        b = next(w for w in words if w[0] > a[2] and abs(w[1] - a[1]) < 3)
        page.draw_rect(pymupdf.Rect(b[0] - 0.5, b[1], b[2] + 0.5, b[3]), color=(1, 1, 1), fill=(1, 1, 1))
        page.draw_polyline([pymupdf.Point(b[0] + x * (b[2] - b[0]), b[3] - 13 + y * 12)
                            for x, y in [(0.0, 0.5), (0.2, 0.1), (0.4, 0.9), (0.6, 0.1), (0.8, 0.9), (1.0, 0.3)]],
                           color=(0.1, 0.2, 0.75), width=1.3)
    return doc.tobytes()


@pytest.mark.parametrize("scan_first", [False, True])
def test_last_years_letter_and_its_undated_scan_in_january_are_noted_for_the_clerk(world: World, scan_first: bool) -> None:
    """Sở Tư pháp's 45/STP-VP dated 31/12/2025, received on 2 January as its signed file (its date read) and on 5 January
    as the paper scanned from its mailbox (the day and month handwritten, unread). Two lines, as before (every issuer
    numbers from 01 each year: an undated January 45/STP-VP may be this year's), but the second line names the first
    for the clerk to compare."""
    vn = timezone(timedelta(hours=7))
    spec = {"number": "45/STP-VP", "date": (31, 12, 2025), "summary": "V/v báo cáo tổng kết công tác văn thư"}
    t1, t2 = datetime(2026, 1, 2, 9, 0, tzinfo=vn), datetime(2026, 1, 5, 9, 0, tzinfo=vn)
    signed = world.mail("signed", attachments=[("45-STP-VP.pdf", world.signed("stp", world.document(**spec)))],
                        date=t1, received_at=t1)
    scanned = world.mail("scan", attachments=[("45-STP-VP.pdf", scan(_day_and_month_by_hand(world.document(**spec)),
                                                                     dpi=200, grey=False))], date=t2, received_at=t2)
    first, second = world.ingest(*((scanned, signed) if scan_first else (signed, scanned)))
    assert (first["verdict"], second["verdict"]) == ("accepted", "accepted")
    lines = world.documents()
    assert sorted(d.issued_date or "" for d in lines) == ["", "2025-12-31"]
    assert f"số đến {lines[0].arrival_number}/{lines[0].year}" in (lines[1].description or ""), lines[1].description
    assert not lines[0].description


def test_the_paper_original_and_the_electronic_copy_of_a_letter_are_one_document(world: World) -> None:
    """002 Đ3.2: a decision comes by mail and on paper. Its paper original typed at `register add` after the mail was
    numbered again without a word: now refused (exit 2, naming the earlier number), `--again` registering it anyway; the
    other way, the paper line first (the issuer as printed, its date typed), the signed mail after it is its duplicate."""
    decision = {"number": "26/QĐ-STP", "type": "Quyết định", "summary": "Về việc ban hành quy chế công tác văn thư"}
    add = ["register", "add", "--config", str(world.config_path), "--issuer", "SỞ TƯ PHÁP", "--number", "26/QĐ-STP",
           "--summary", decision["summary"], "--date", "2026-11-20", "--type", "Quyết định", "--json"]
    [mail] = world.ingest(world.mail("e", attachments=[("26.pdf", world.signed("stp", world.document(**decision)))]))
    assert mail["incoming_number"] == 1 and mail["document"]["date"] == "2026-11-20"
    refused = world.run(*add, check=False)
    assert refused.returncode == 2 and "incoming number 1" in refused.stderr and len(world.documents()) == 1
    assert world.run(*add, "--again").returncode == 0 and len(world.documents()) == 2
    other = dict(decision, number="27/QĐ-STP")
    world.run(*[a if a != "26/QĐ-STP" else "27/qđ-stp" for a in add])  # typed in small letters
    [twin] = world.ingest(world.mail("e2", attachments=[("27.pdf", world.signed("stp", world.document(**other)))]))
    assert (twin["verdict"], twin["duplicate_of"]) == ("duplicate", 3), twin["reasons"]


def test_a_number_written_with_letters_of_another_script_is_never_registered_as_read(world: World) -> None:
    """Red team 68: a firm's "copy" of the recalled 711/QĐ-STP, its number written "711/QƉ-STP" (U+0189, drawn as Đ) or
    "711/ԚĐ-STP" (Cyrillic Qa), the pages drawn as the recalled number's, was registered with the forger's summary: no
    key can know every such letter. A number of a text layer holding a letter no number is written with is text the page
    does not show (`hidden-text`): held, nobody unproven answered."""
    _copies_of_a_recalled_letter_are_held(world, "711/QĐ-STP", ["711/Q\u0189-STP", "711/\u051aĐ-STP"], "hidden-text")
    assert [d.recalled for d in world.documents()] == [True]
