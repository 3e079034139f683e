"""Red team 88: what a recall leaves of its document in a mail held for the clerk, and what the release of such a mail
writes back to the store (after red team 87 kept such a mail whole for the release of its other documents). Its
findings, each fixed:

G1. a held mail discarded (or returned) after its document was recalled kept the recalled document for good, its bytes
    downloadable at the desk (now a mail carrying a recalled document loses its bytes and subject once decided on);
G2. a refused release wrote the recalled PDF back to the store for good (its worker stores what it reads; the refusal
    rolled back the destruction); G3. a successful one wrote the recalled document's appendix back (now whatever the
    release's worker wrote that no row refers to is destroyed however the release ends);
G4. another held mail carrying the recalled PDF's very file beside a document of its own kept that file, shown at the
    desk (red team 28's "a mail also carrying another document is left whole") (now the file is taken out of every mail
    still held, and the mail's bytes go once the clerk decides);
G5. the release past a recalled document kept the mail's subject (now cleared, as a recall clears it);
G6. the desk served the held mail's original, the recalled document in it, until the clerk decided (now a 404).
And the recall reads the held mail's state with the mail locked: a discard committed meanwhile is seen."""

from __future__ import annotations

import email
import hashlib
from email import policy
from typing import Any

from sqlalchemy import select

from test_intake_verdicts import _plain_pdf
from test_redteam87 import IDENT, _mixed_mail
from test_trust_exchange import STP, _recall, _stored
from world import make_world


def _mail(world: Any, mail_id: int) -> Any:
    from registry.models import Mail
    register = world.db()
    try:
        with register.session() as s:
            m = s.get(Mail, mail_id)
            s.expunge(m)
            return m
    finally:
        register.close()


def _recalled_sha(world: Any, held: int) -> str:
    from registry.models import DocumentFile
    register = world.db()
    try:
        with register.session() as s:
            return s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == held,
                                                               DocumentFile.filename == "a.pdf")).one()
    finally:
        register.close()


# ---- G1: a held mail discarded after the recall keeps the recalled document, whole, for good ------------------------
def test_g1_discarding_a_held_mail_after_its_document_was_recalled_destroys_the_recalled_content(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    held = _mixed_mail(world)
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert [d.recalled for d in world.documents()] == [True]
    discarded = world.run("review", "discard", str(held), "--note", "giả mạo", "--config", str(world.config_path))
    assert discarded.returncode == 0, discarded.stderr
    mail = _mail(world, held)
    assert mail.review == "discarded"
    # the mail's bytes carry 95/STP-VP, recalled: the desk's /mails/{id}/original serves them (mail.stored) for ever
    assert not (mail.stored and _stored(world, mail.sha256).exists()), "recalled 95/STP-VP readable in the discarded mail"


# ---- G2: a refused release writes the recalled PDF back to the store, its destruction rolled back with it ------------
def test_g2_a_refused_release_leaves_no_recalled_pdf_in_the_store(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """96/STP-VP, held beside 95, is registered meanwhile from Sở Tư pháp's signed mail; 95 is recalled. The release has
    nothing new to register and refuses ("recalled"), rolled back: but its worker wrote 95's PDF to the store again, and
    the destruction it asked for went with the rollback."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    held = _mixed_mail(world)
    recalled_pdf = _recalled_sha(world, held)
    signed96 = world.signed("stp", world.document(number="96/STP-VP",
                                                  summary="V/v báo cáo kết quả công tác tư pháp năm 2026"))
    [out] = world.ingest(world.mail("again96", attachments=[("c.pdf", signed96)]))
    assert out["verdict"] == "accepted", out
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert not _stored(world, recalled_pdf).exists()
    released = world.run("review", "release", str(held), "--config", str(world.config_path), check=False)
    assert released.returncode != 0 and "recalled" in released.stderr, (released.stdout, released.stderr)
    assert not _stored(world, recalled_pdf).exists(), "the recalled 95/STP-VP written to the store again, for good"


# ---- G3: the release writes the recalled document's appendix back to the store ---------------------------------------
def test_g3_a_release_leaves_no_appendix_of_the_recalled_document_in_the_store(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """95/STP-VP came with its signed appendix (phu-luc.pdf, registered with it); the recall destroyed both. The release
    of the held 96 destroys 95's PDF the worker wrote again, never its appendix, which no row refers to any more."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = world.signed("stp", world.document(number="95/STP-VP"))
    b = world.document(number="96/STP-VP", summary="V/v báo cáo kết quả công tác tư pháp năm 2026")
    annex = world.signed("stp", _plain_pdf())
    outs = world.ingest(world.mail("mixed", auth=None, attachments=[("a.pdf", a), ("b.pdf", b), ("phu-luc.pdf", annex)]),
                        world.mail("own", attachments=[("a.pdf", a)], headers={"X-QLVB-Document-Id": IDENT}))
    assert [o["verdict"] for o in outs] == ["accepted", "quarantined", "duplicate"], outs
    held = int(outs[1]["review_id"])
    world.ingest(_recall(world, "recall", STP, IDENT))
    annexed = _stored(world, hashlib.sha256(annex).hexdigest())
    assert not annexed.exists()  # the recall destroyed it with 95
    released = world.run("review", "release", str(held), "--config", str(world.config_path))
    assert released.returncode == 0, released.stderr
    assert [(d.notation, d.recalled) for d in world.documents()] == [("95/STP-VP", True), ("96/STP-VP", False)]
    assert not _stored(world, hashlib.sha256(a).hexdigest()).exists()
    assert not annexed.exists(), "95's appendix written to the store again by the release's worker, for good"


# ---- G4: another held mail carrying the recalled PDF keeps it in the store and at the desk --------------------------
def _beside_95(tmp_path: Any, province: Any) -> tuple[Any, bytes, list[dict[str, Any]]]:
    """Sở Tư pháp's 95/STP-VP registered, then its very file sent again by a mail nothing proves with an unsigned 98:
    the world, 95's PDF, and the outcomes (95's, the copy's, 98's)."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = world.signed("stp", world.document(number="95/STP-VP"))
    b = world.document(number="98/STP-VP", summary="V/v báo cáo kết quả công tác tư pháp năm 2026")
    outs = world.ingest(world.mail("own", attachments=[("a.pdf", a)], headers={"X-QLVB-Document-Id": IDENT}),
                        world.mail("again", auth=None, attachments=[("a.pdf", a), ("b.pdf", b)]))
    return world, a, outs


def test_g4_a_held_mail_carrying_the_recalled_pdf_beside_another_keeps_it_no_more(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """Anyone (here a mail nothing proves, From Sở Tư pháp) sends 95/STP-VP's very file again with an unsigned 98: 95 a
    duplicate, the mail held for 98. Recalled, 95's PDF stays: the held mail is "left whole" (red team 28), its a.pdf row
    keeps the file, served at /mails/{id}/files/{sha} with its pictures, and for good once the clerk discards it."""
    from registry.models import DocumentFile
    world, a, outs = _beside_95(tmp_path, province)
    assert [o["verdict"] for o in outs] == ["accepted", "duplicate", "quarantined"], outs
    held = int(outs[2]["review_id"])
    world.ingest(_recall(world, "recall", STP, IDENT))
    register = world.db()
    try:
        with register.session() as s:
            rows = {f.filename: f.sha256 for f in s.scalars(select(DocumentFile).where(DocumentFile.mail_id == held))}
    finally:
        register.close()
    assert "b.pdf" in rows  # 98, never recalled, stays the clerk's
    assert hashlib.sha256(a).hexdigest() not in rows.values(), rows
    assert not _stored(world, hashlib.sha256(a).hexdigest()).exists()
    mail = _mail(world, held)
    assert [o["document"] is None for o in mail.outcome] == [True, False], mail.outcome  # 95's particulars gone
    # the clerk releases 98: never 95 again; the mail's bytes (95 in them) and what the release wrote again go
    assert world.run("review", "release", str(held), "--config", str(world.config_path)).returncode == 0
    assert [(d.notation, d.recalled) for d in world.documents()] == [("95/STP-VP", True), ("98/STP-VP", False)]
    mail = _mail(world, held)
    assert not mail.stored and not _stored(world, mail.sha256).exists() and mail.subject is None
    assert not _stored(world, hashlib.sha256(a).hexdigest()).exists()
    assert _stored(world, rows["b.pdf"]).exists()


def test_g4_discarded_a_held_mail_a_recall_took_a_file_out_of_loses_its_bytes(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    world, a, outs = _beside_95(tmp_path, province)
    held = int(outs[2]["review_id"])
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert world.run("review", "discard", str(held), "--note", "x", "--config", str(world.config_path)).returncode == 0
    mail = _mail(world, held)
    assert not mail.stored and not _stored(world, mail.sha256).exists()


# ---- G5: the release that skips a recalled document keeps the mail's subject --------------------------------------
def test_g5_a_release_past_a_recalled_document_clears_the_mail_subject_as_a_recall_does(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """A recall of a mail's document whose other documents are registered destroys the mail's bytes and its subject
    (recall._destroy: origin.stored, origin.subject = False, None); the release doing it "as a recall does" keeps the
    subject (review list/show, the desk), which a sender writes as "Gửi CV 95/STP-VP V/v ..."."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    held = _mixed_mail(world)
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert world.run("review", "release", str(held), "--config", str(world.config_path)).returncode == 0
    mail = _mail(world, held)
    assert not mail.stored
    assert mail.subject is None, mail.subject


# ---- G6: the desk serves the held mail's original, the recalled document in it, while the clerk has not decided ------
def test_g6_the_desk_does_not_serve_a_recalled_document_inside_a_held_mail(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    from desk_kit import Clock, add_person, desk_client, log_in
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    held = _mixed_mail(world)
    recalled = _recalled_sha(world, held)
    world.ingest(_recall(world, "recall", STP, IDENT))
    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    with desk_client(world, Clock()) as client:
        log_in(client, "vanthu")
        answer = client.get(f"/mails/{held}/original")
    if answer.status_code == 200:
        message = email.message_from_bytes(answer.content, policy=policy.default)
        carried = {hashlib.sha256(p.get_content()).hexdigest() for p in message.iter_attachments()}
        assert recalled not in carried, "the recalled 95/STP-VP downloadable in the held mail's original"
