"""Red team 89: what a recall leaves of its document in mails the clerk holds, after red team 88's fixes. Its findings,
each fixed:

H1. the recalled PDF sent again after its recall (anyone has it) was stored and kept for good: held, then released (and
    H6, found beside it: sent again by the issuer itself, returned "recalled", it was kept too); now intake keeps no file
    of a recalled document, nor the bytes of a mail carrying one (once the clerk has decided, if it is held);
H2. a mail held unread carrying the recalled PDF: its release recorded the PDF again and kept it for good (now the
    release records no file of a recalled document, and the mail's bytes go);
H3. a database locked after a release committed turned it (or a refusal) into the desk's 500 page (the release's
    clean-up now never raises); H3b. so did `refile`'s read of the mail, in a writer's transaction (now a reader's);
H4. a held mail a recall took an appendix out of kept its bytes for good once released (now looked at every release);
H5. a held mail whose copy of the recalled letter was judged for another fault kept the letter's particulars (now an
    outcome read with the recalled number is cleared too)."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from test_redteam87 import IDENT
from test_redteam88 import _mail
from test_trust_exchange import STP, _recall, _stored
from world import make_world

SUMMARY_98 = "V/v báo cáo kết quả công tác tư pháp năm 2026"


def _registered_95(world: Any) -> bytes:
    """Sở Tư pháp's signed 95/STP-VP, registered under the name its gateway gave it: its PDF."""
    a = world.signed("stp", world.document(number="95/STP-VP"))
    [own] = world.ingest(world.mail("own", attachments=[("a.pdf", a)], headers={"X-QLVB-Document-Id": IDENT}))
    assert own["verdict"] == "accepted"
    return a


def _recalled_95(tmp_path: Any, province: Any) -> tuple[Any, bytes, str]:
    """A world where Sở Tư pháp's 95/STP-VP was registered, then recalled: the world, its PDF, the PDF's SHA-256 (gone
    from the store)."""
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = _registered_95(world)
    world.ingest(_recall(world, "recall", STP, IDENT))
    recalled = hashlib.sha256(a).hexdigest()
    assert not _stored(world, recalled).exists()
    return world, a, recalled


def test_h1_the_recalled_pdf_sent_again_after_its_recall_is_not_kept_for_good(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    world, a, recalled = _recalled_95(tmp_path, province)
    # anyone holding 95's file sends it again beside a document of his own: held ("recalled", unproven)
    outs = world.ingest(world.mail("again", auth=None, attachments=[
        ("a.pdf", a), ("b.pdf", world.document(number="98/STP-VP", summary=SUMMARY_98))]))
    assert [o["verdict"] for o in outs] == ["quarantined", "quarantined"], outs
    held = int(outs[0]["review_id"])
    assert world.run("review", "release", str(held), "--config", str(world.config_path)).returncode == 0
    assert [(d.notation, d.recalled) for d in world.documents()] == [("95/STP-VP", True), ("98/STP-VP", False)]
    assert not _stored(world, recalled).exists(), "the recalled 95/STP-VP back in the store, for good"


def test_h2_a_mail_held_unread_carrying_the_recalled_pdf_does_not_bring_it_back_at_its_release(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = _registered_95(world)
    slow = world.mail("slow", auth=None, attachments=[
        ("a.pdf", a), ("b.pdf", world.document(number="98/STP-VP", summary=SUMMARY_98))])
    world.extra["limits"] = {"seconds_per_document": 0.001, "workers": 1}  # held unread (desk_kit.held_unread)
    world.write_config()
    [failed] = world.ingest(slow)
    del world.extra["limits"]
    world.write_config()
    assert failed["verdict"] == "quarantined", failed
    held = int(failed["review_id"])
    world.ingest(_recall(world, "recall", STP, IDENT))  # the held mail has no file rows: nothing taken out of it
    recalled = hashlib.sha256(a).hexdigest()
    assert not _stored(world, recalled).exists()
    assert world.run("review", "release", str(held), "--config", str(world.config_path)).returncode == 0
    assert [(d.notation, d.recalled) for d in world.documents()] == [("95/STP-VP", True), ("98/STP-VP", False)]
    assert not _stored(world, recalled).exists(), "the recalled 95/STP-VP recorded at the release and kept for good"


def _h3_world(tmp_path: Any, province: Any) -> tuple[Any, int, int]:
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    world.extra["database"] = "sqlite:///qlvb.db?timeout=1"  # the desk waits 1 s for another writer, then "locked"
    world.write_config()
    c = world.document(number="97/STP-VP")
    outs = world.ingest(world.mail("held", auth=None, attachments=[("b.pdf", world.document(number="98/STP-VP",
                                                                                              summary=SUMMARY_98))]),
                        world.mail("held-c", auth=None, attachments=[("c.pdf", c)]),
                        world.mail("c", attachments=[("c.pdf", world.signed("stp", c))]))
    assert [o["verdict"] for o in outs] == ["quarantined", "quarantined", "accepted"], outs
    # the first's release registers 98; the second's 97 was registered meanwhile from Sở Tư pháp's mail: refused
    return world, int(outs[0]["review_id"]), int(outs[1]["review_id"])


def _released_at_the_desk_then_locked(world: Any, monkeypatch: Any, mail_ids: tuple[int, ...]) -> list[Any]:
    """Each mail released at the desk, the register's writer lock taken by another connection (the daemon's intake)
    the moment the release's own transaction is over, held until the desk has answered: the desk's answers."""
    from starlette.testclient import TestClient

    from desk_kit import Clock, add_person, csrf_of, desk_app, log_in
    from gateway import review

    assert add_person(world, "vanthu", "clerk", None).returncode == 0
    real, lockers = review._release, []

    def then_the_daemon_writes(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        finally:
            locker = sqlite3.connect(world.root / "qlvb.db", isolation_level=None, check_same_thread=False)
            locker.execute("BEGIN IMMEDIATE")
            lockers.append(locker)
    monkeypatch.setattr(review, "_release", then_the_daemon_writes)
    app, gateway = desk_app(world, Clock())
    answers = []
    try:
        with TestClient(app, follow_redirects=False, base_url="http://localhost", raise_server_exceptions=False) as client:
            log_in(client, "vanthu")
            for mail_id in mail_ids:
                token = csrf_of(client.get(f"/review/{mail_id}").text)
                answer = client.post(f"/review/{mail_id}/release", data={"csrf": token})
                for locker in lockers:
                    locker.close()
                lockers.clear()
                answers.append((answer.status_code, answer.headers.get("location")))
    finally:
        gateway.close()
    return answers


def test_h3_a_locked_database_after_the_release_is_no_error_of_the_release(tmp_path, province, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from gateway import review

    world, held, registered_meanwhile = _h3_world(tmp_path, province)
    monkeypatch.setattr(review, "refile", lambda *args: False)  # no mailbox is watched (H3b: its own register read)
    answers = _released_at_the_desk_then_locked(world, monkeypatch, (held, registered_meanwhile))
    assert [d.notation for d in world.documents()] == ["97/STP-VP", "98/STP-VP"]  # the first release committed
    # released: back to the list, told its number; refused: back to the mail, told why. Not the desk's "Lỗi." (500)
    assert answers == [(303, "/review"), (303, f"/review/{registered_meanwhile}")], answers


def test_h3b_refiling_a_released_mail_is_no_error_of_the_release_either(tmp_path, province, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """review.refile reads the mail's Message-ID in a writer's transaction (BEGIN IMMEDIATE), no mailbox watched."""
    world, held, _ = _h3_world(tmp_path, province)
    answers = _released_at_the_desk_then_locked(world, monkeypatch, (held,))
    assert [d.notation for d in world.documents()] == ["97/STP-VP", "98/STP-VP"]
    assert answers == [(303, "/review")], answers


def test_h4_a_held_mail_a_recall_took_an_appendix_out_of_loses_its_bytes_when_released(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    letter = world.document(number="88/STP-VP", issuer="", issuer_parent=None)  # its issuer unread: its mailbox vouches
    [own] = world.ingest(world.mail("own", attachments=[("cv.pdf", letter)], headers={"X-QLVB-Document-Id": "STP-2027.88"}))
    assert (own["verdict"], own["basis"]) == ("accepted", "official-mailbox"), own
    # beside 98 it is 98's appendix (no issuer read: no document of its own), never a duplicate
    [out] = world.ingest(world.mail("again", auth=None, attachments=[
        ("b.pdf", world.document(number="98/STP-VP", summary=SUMMARY_98)), ("kem.pdf", letter)]))
    held = int(out["review_id"])
    world.ingest(_recall(world, "recall", STP, "STP-2027.88"))  # kem.pdf taken out of the held mail (its audit marker)
    assert world.run("review", "release", str(held), "--config", str(world.config_path)).returncode == 0
    assert [(d.notation, d.recalled) for d in world.documents()] == [("88/STP-VP", True), ("98/STP-VP", False)]
    mail = _mail(world, held)
    assert not (mail.stored and _stored(world, mail.sha256).exists()), "the recalled 88 kept for good in the mail's bytes"


def test_h5_a_held_mail_keeps_no_particulars_of_the_recalled_letter_judged_for_another_fault(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = world.signed("stp", world.document(number="95/STP-VP"))
    outs = world.ingest(world.mail("own", attachments=[("a.pdf", a)], headers={"X-QLVB-Document-Id": IDENT}),
                        world.mail("again", auth=None, attachments=[
                            ("a.pdf", a), ("b.pdf", world.document(number="98/STP-VP", summary=SUMMARY_98)),
                            ("chay.exe", b"MZ\x90\x00" * 64)]))
    # the refused .exe is an error of every document of the mail: 95's copy held, not a "duplicate"
    assert [o["verdict"] for o in outs] == ["accepted", "quarantined", "quarantined"], outs
    held = int(outs[1]["review_id"])
    world.ingest(_recall(world, "recall", STP, IDENT))
    shown = world.run("review", "show", str(held), "--json", "--config", str(world.config_path)).stdout
    assert "V/v triển khai công tác văn thư năm 2027" not in shown, "the recalled 95's summary (and signer) still shown"


def test_h6_the_issuers_own_copy_sent_again_after_its_recall_leaves_nothing_stored(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """Sở Tư pháp sends its recalled letter again (its proven mailbox: returned, "recalled"), and so does a mail nothing
    proves (held): the letter's file, the returned mail's bytes and subject were kept for good."""
    from sqlalchemy import select

    from registry.models import Mail

    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    a = _registered_95(world)
    world.ingest(_recall(world, "recall", STP, IDENT))
    outs = world.ingest(world.mail("again", attachments=[("a.pdf", a)]),
                        world.mail("again2", auth=None, attachments=[("a.pdf", a)]))
    codes = [(o["verdict"], [r["code"] for r in o["reasons"]]) for o in outs]
    assert [(verdict, "recalled" in reasons) for verdict, reasons in codes] == [("returned", True), ("quarantined", True)]
    assert not _stored(world, hashlib.sha256(a).hexdigest()).exists()
    register = world.db()
    try:
        with register.session() as s:
            returned, held = (s.scalars(select(Mail).where(Mail.message_id == o["message_id"])).one() for o in outs)
            # the returned mail: nothing of the letter kept; the held one: its bytes until the clerk decides
            assert (returned.stored, returned.subject, [o["document"] for o in returned.outcome]) == (False, None, [None])
            assert held.stored and [o["document"] for o in held.outcome] == [None]
    finally:
        register.close()
    assert not _stored(world, returned.sha256).exists()


def test_h7_another_letter_read_with_the_recalled_number_stays_for_the_clerk(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    """Not the recalled file, nor a certified copy of it: another letter signed with the recalled number (a correction
    sent from elsewhere, or a forgery's evidence: red team 31) is held "recalled" and kept whole for the clerk."""
    from sqlalchemy import select

    from registry.models import DocumentFile

    pki, signers, stranger = province
    world = make_world(tmp_path / "agency", pki, signers, stranger)
    _registered_95(world)
    world.ingest(_recall(world, "recall", STP, IDENT))
    other = world.signed("stp", world.document(number="95/STP-VP", summary="V/v sửa đổi kế hoạch công tác văn thư"))
    [out] = world.ingest(world.mail("elsewhere", auth=None, attachments=[("a.pdf", other)]))
    assert out["verdict"] == "quarantined" and "recalled" in [r["code"] for r in out["reasons"]], out
    digest = hashlib.sha256(other).hexdigest()
    assert _stored(world, digest).exists()
    register = world.db()
    try:
        with register.session() as s:
            assert s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == out["review_id"])).all() == [digest]
    finally:
        register.close()
    assert _mail(world, out["review_id"]).stored
