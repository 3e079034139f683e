"""Red team 65 (the register as a legal record: each document once, a recalled one never again, the register's forms
saying what it holds): the same letter sent again with its số, ký hiệu written otherwise (small letters, the leading
zero NĐ 30/2020 writes below 10 left out, "Ð" (U+00D0) for "Đ", a zero-width space, a non-breaking hyphen) was
registered a second time and its issuer thanked twice; a firm's "certified copy" of a recalled letter, its number
written so, registered again under the recalled number with the forger's summary; the spreadsheet export wrote a number
"=HYPERLINK(…)" as a live formula. Each failed before its fix (the search's part is in tests/test_register_search.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from kit import sign_pdf
from world import STP, World, certified_copy

FORGED = "V/v thu hồi toàn bộ kinh phí năm 2027"
GENUINE = "V/v triển khai công tác văn thư năm 2027"


def test_the_same_letter_with_its_number_written_otherwise_is_its_duplicate(world: World) -> None:
    """Sở Tư pháp's 05/QĐ-STP, then the same letter as other files whose text writes the number otherwise: each is the
    first's duplicate (acknowledged with its number), never a second line; what differs in the file is what a page
    shows the same or what NĐ 30/2020 lets a writer vary."""
    first = world.mail("first", attachments=[("05.pdf", world.signed("stp", world.document(number="05/QĐ-STP")))])
    written = ["05/qđ-stp", "5/QĐ-STP", "05/Q\u00d0-STP", "05\u200b/QĐ-STP", "05/QĐ\u2011STP"]
    again = [world.mail(f"again-{i}", attachments=[(f"{i}.pdf", world.signed("stp", world.document(number=n)))])
             for i, n in enumerate(written)]
    verdicts = world.ingest(first, *again)
    assert verdicts[0]["verdict"] == "accepted" and verdicts[0]["incoming_number"] == 1
    assert [(v["verdict"], v["duplicate_of"]) for v in verdicts[1:]] == [("duplicate", 1)] * len(written)
    assert [d.notation for d in world.documents()] == ["05/QĐ-STP"]


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


def test_a_copy_of_a_recalled_letter_under_its_number_written_otherwise_is_recalled(world: World) -> None:
    """Sở Tư pháp's 710/STP-VP registered, then recalled. A firm's "copy" of it, its number with a zero-width space
    (printed the same) or a leading zero, was registered as a valid copy of the recalled letter; now held `recalled`,
    nobody unproven answered. And a copy written so that came first is voided by the recall of the letter after it."""
    world.ingest(_own(world, "710/STP-VP"))
    world.ingest(_recall(world, "STP-2026.710"))
    copies = world.ingest(_firms_copy(world, "710\u200b/STP-VP", "zero-width"), _firms_copy(world, "0710/STP-VP", "zero"))
    for copy in copies:
        assert copy["verdict"] == "quarantined" and copy["incoming_number"] is None
        assert "recalled" in {r["code"] for r in copy["reasons"]}
        assert all(r["to"] != "someone@evil.example" for r in copy["replies"])
    world.ingest(_firms_copy(world, "708\u200b/STP-VP", "copy-first"), _own(world, "708/STP-VP"))
    world.ingest(_recall(world, "STP-2026.708"))
    assert [(d.notation, d.recalled) for d in world.documents() if d.notation.startswith("708")] == [
        ("708/STP-VP", True), ("708/STP-VP", True)]  # the copy's number read as the page shows it


def test_the_spreadsheet_export_holds_a_number_as_text_never_as_a_formula(world: World, tmp_path: Path) -> None:
    """A letter numbered `=HYPERLINK("//e.vn","12/STP-VP")` (its issuer's own, signed): the register holds that text and
    the clerk's spreadsheet must say it, not show a link to a foreign host (nor a formula fetching one on opening)."""
    payload = '=HYPERLINK("//e.vn","12/STP-VP")'
    [verdict] = world.ingest(world.mail("formula", attachments=[("12.pdf", world.signed("stp", world.document(number=payload)))]))
    assert verdict["document"]["number"] == payload
    target = tmp_path / "so-den.xlsx"
    world.run("register", "export", "--config", str(world.config_path), "--year", str(world.documents()[0].year),
              "--format", "xlsx", "-o", str(target))
    sheet = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(target).active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert payload in cells
