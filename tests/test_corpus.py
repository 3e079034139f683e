"""Robustness: the external corpus of odd mails and PDFs (other projects' test data) goes through
`check`; every file gets a verdict, the gateway survives crashes, hangs and bombs in its workers."""

from pathlib import Path

import pytest

from world import World

VERDICTS = {"accepted", "returned", "quarantined", "duplicate", "ignored"}


def test_every_external_mail_gets_a_verdict(world: World, corpus: Path) -> None:
    mails = sorted((corpus / "mail").glob("*.eml"))
    assert len(mails) > 150
    world.extra["limits"] = {"seconds_per_document": 20}
    world.write_config()
    outputs = world.ingest(*mails, command="check")
    files = {o["file"] for o in outputs}
    assert files == {str(m) for m in mails}
    assert {o["verdict"] for o in outputs} <= VERDICTS


@pytest.mark.long
def test_every_external_pdf_gets_a_verdict(world: World, corpus: Path) -> None:
    pdfs = sorted((corpus / "pdf").glob("*.pdf"))
    assert len(pdfs) > 100
    world.extra["limits"] = {"seconds_per_document": 20}
    mails = [world.mail(p.stem, auth="smtp", attachments=[(p.name, p.read_bytes())]) for p in pdfs]
    world.write_config()
    outputs = world.ingest(*mails)  # into the register: nothing may be lost on the way
    assert {Path(o["file"]).stem for o in outputs} == {p.stem for p in pdfs}
    by_name = {Path(o["file"]).stem: o for o in outputs}
    assert by_name["pdfjs__bomb_giant"]["verdict"] in VERDICTS
    unreadable = [n for n, o in by_name.items() if any(r["code"] == "pdf-unreadable" for r in o["reasons"])]
    assert "paperless__password-is-test" in unreadable  # needs a password to open
    # the file store keeps every original mail that was not secret
    store = world.root / "store" / "sha256"
    assert sum(1 for _ in store.rglob("*") if _.is_file()) >= len(pdfs)


def test_a_worker_past_its_time_is_killed_and_the_mail_quarantined(world: World) -> None:
    slow = world.mail("slow", attachments=[("a.pdf", world.signed())])
    after = world.mail("after", headers={"Auto-Submitted": "auto-replied"})
    world.extra["limits"] = {"seconds_per_document": 0.001, "workers": 1}
    world.write_config()
    first, second = world.ingest(slow, after)
    assert first["verdict"] == "quarantined" and first["reasons"][0]["code"] == "processing-failed"
    assert first["replies"] == [{"kind": "alert", "to": "vanthu@snv.bacgiang.gov.vn"}]
    assert second["verdict"] == "ignored"  # a new worker took the next mail
