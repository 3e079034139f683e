"""Red team 53 (the legal-value decision, as a forger holding genuine files and certificates would attack it): a genuine
document archived for the long term (PAdES B-LTA: a document timestamp appended after the issuer's signature) was
returned to its issuer as "content does not match the signature"; a certified copy, signed by whoever copied it and
saying what it pleased under the issuer's number, took the issuer's own document's place in the register (the genuine
letter, from its issuer's proven mailbox, judged its duplicate and never registered). Each failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from attacks_kit import annotate_over
from kit import sign_pdf
from kit.signing import archive_timestamp
from registry.models import Document
from world import STC, STP, UBND, World, certified_copy

FORGED = "V/v thu hồi toàn bộ kinh phí năm 2027"
GENUINE = "V/v triển khai công tác văn thư năm 2027"


# ---- a document timestamp (PAdES B-LTA) ------------------------------------------------------------------------------

@pytest.mark.parametrize("tsa", ["ours", "unknown"])
def test_a_signed_document_archived_with_a_document_timestamp_is_registered(world: World, tsa: str) -> None:
    """Signing software archives a signed file by appending a document timestamp (/DocTimeStamp): pyHanko refused it
    as a signature ("Signature object type must be /Sig") and the gateway returned the issuer's genuine letter as
    changed after signing. The timestamp is nobody's signature (one from a TSA nobody trusts proves nothing and
    changes nothing shown either): the issuer's signature alone decides."""
    stamper = world.stranger.tsa if tsa == "unknown" else None
    pdf = archive_timestamp(world.signed("stp", world.document(number="123/STP-VP")), world.pki, tsa=stamper)
    [verdict] = world.ingest(world.mail("lta", attachments=[("123-STP-VP.pdf", pdf)]))
    assert (verdict["verdict"], verdict["basis"]) == ("accepted", "signature"), verdict["reasons"]
    assert verdict["document"]["number"] == "123/STP-VP"
    assert verdict["replies"] == [{"kind": "ack", "to": STP}]


def test_a_change_after_signing_is_not_hidden_by_a_document_timestamp_after_it(world: World, tmp_path: Path) -> None:
    """The summary painted over after signing, then the file archived with a document timestamp: still changed after
    signing (the timestamp vouches for nothing shown), held for the clerk; nobody unproven answered."""
    signed = world.signed("stp", world.document(number="124/STP-VP", summary=GENUINE))
    changed = archive_timestamp(annotate_over(signed, GENUINE, FORGED, tmp_path), world.pki)
    [verdict] = world.ingest(world.mail("lta-changed", sender="attacker@evil.example", auth=None,
                                        attachments=[("124-STP-VP.pdf", changed)]))
    assert verdict["verdict"] == "quarantined" and verdict["incoming_number"] is None
    assert "signature-modified" in {r["code"] for r in verdict["reasons"]}
    assert all(r["to"] != "attacker@evil.example" for r in verdict["replies"])


# ---- a certified copy does not take the original's place ---------------------------------------------------------------

def _copy_then_original(world: World, copy_mail: Path) -> tuple[dict, dict]:  # type: ignore[type-arg]
    genuine = world.signed("stp", world.document(number="708/STP-VP", summary=GENUINE))
    original = world.mail("genuine", sender=STP, attachments=[("708-STP-VP.pdf", genuine)])
    first, second = world.ingest(copy_mail, original)
    return first, second


def test_another_agencys_copy_of_a_number_never_signed_does_not_make_the_issuers_letter_a_duplicate(world: World) -> None:
    """Sở Tài chính (its own certificate and mailbox) certifies a "copy" of a 708/STP-VP Sở Tư pháp never signed, with
    a summary of its choosing: registered as a copy, Sở Tài chính named. Sở Tư pháp's own 708/STP-VP, from its proven
    mailbox, was then a duplicate of it (the register kept the copier's summary for the issuer's number, the issuer
    thanked "already received"); now it is registered in its own right, and the clerk's register has both lines."""
    fake = certified_copy(world.document(number="708/STP-VP", summary=FORGED), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "11/SY-STC")
    copy_mail = world.mail("copy", sender=STC, attachments=[("sao-y.pdf", world.signed("stc", fake))])
    copy, original = _copy_then_original(world, copy_mail)
    assert copy["verdict"] == "accepted" and copy["incoming_number"] == 1
    assert (original["verdict"], original["incoming_number"]) == ("accepted", 2), original["reasons"]
    assert original["duplicate_of"] is None and original["replies"] == [{"kind": "ack", "to": STP}]
    rows = world.documents()
    assert [(r.notation, r.subject, r.copier) for r in rows] == [
        ("708/STP-VP", FORGED, "SO TAI CHINH TINH BAC GIANG"), ("708/STP-VP", GENUINE, None)]  # the directory's
    assert "bản sao" in (rows[1].description or "").lower() and "số đến 1" in (rows[1].description or "")


@pytest.mark.parametrize("copier", ["Sở Tài chính tỉnh Lạng Sơn", "Công ty TNHH Minh Phát"])
def test_a_copy_by_any_certificate_holder_from_anywhere_does_not_take_the_originals_place(world: World, copier: str) -> None:
    """The same, the copy signed by an agency of another province or a company under the trusted root and mailed from an
    address nothing proves: the issuer's letter after it is registered, not a duplicate."""
    holder = world.pki.signer(copier, copier)
    fake = certified_copy(world.document(number="708/STP-VP", summary=FORGED), copier.upper(), "", "11/SY-X")
    copy_mail = world.mail("copy", sender="someone@evil.example", auth=None,
                           attachments=[("sao-y.pdf", sign_pdf(fake, holder, world.pki))])
    copy, original = _copy_then_original(world, copy_mail)
    assert original["verdict"] == "accepted" and original["duplicate_of"] is None, original["reasons"]
    assert original["incoming_number"] == (copy["incoming_number"] or 0) + 1


def test_a_copy_after_the_original_or_after_another_copy_is_still_a_duplicate(world: World) -> None:
    """What the register held before holds: a copy of a document registered is its duplicate, and so is a second copy
    of a copy (the clerk has the document once)."""
    genuine = world.signed("stp", world.document(number="709/STP-VP", summary=GENUINE))
    copy = certified_copy(world.document(number="709/STP-VP", summary=GENUINE), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "12/SY-STC")
    mails = [world.mail("genuine", sender=STP, attachments=[("709-STP-VP.pdf", genuine)]),
             world.mail("copy", sender=STC, attachments=[("sao-y.pdf", world.signed("stc", copy))])]
    original, later_copy = world.ingest(*mails)
    assert original["verdict"] == "accepted" and later_copy["verdict"] == "duplicate"
    assert later_copy["duplicate_of"] == original["incoming_number"]
    copy2 = certified_copy(world.document(number="710/STP-VP"), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "13/SY-STC")
    copy3 = certified_copy(world.document(number="710/STP-VP"), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "14/SY-STC")
    first, second = world.ingest(world.mail("copy2", sender=STC, attachments=[("a.pdf", world.signed("stc", copy2))]),
                                 world.mail("copy3", sender=STC, attachments=[("b.pdf", world.signed("stc", copy3))]))
    assert first["verdict"] == "accepted" and second["verdict"] == "duplicate"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_copies_registered_before_migration_0016_do_not_take_the_originals_place(tmp_path: Path, backend: str) -> None:
    """Migration 0016 names the copier of the copies registered before it (from the note their line carries): the
    issuer's own document of that number is still not their duplicate; a later copy still is."""
    from contextlib import nullcontext
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from registry.database import Register
    from registry.register_line import Issue, RegisterLine, earliest_same, register_incoming
    from servers import postgres
    from test_register_search import _downgrade

    day = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    issue = Issue("SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG", "708/STP-VP", 2026)
    with (postgres() if backend == "postgresql" else nullcontext(f"sqlite:///{tmp_path / 'register.db'}")) as url:
        register = Register(url)
        with register.session() as session, session.begin():
            register_incoming(session, "000.00.15.H06", RegisterLine(
                medium="electronic", basis="signature", received_at=day, issuer="SỞ TƯ PHÁP", notation="708/STP-VP",
                subject=FORGED, issued_date="2026-10-30", issuer_parent="UBND TỈNH BẮC GIANG",
                description="Bản sao y số 11/SY-STC của SỞ TÀI CHÍNH", copier="SỞ TÀI CHÍNH"), day)
        _downgrade(register, "0015")
        register.close()
        register = Register(url)  # migrated up again
        try:
            with register.session() as session:
                assert session.scalars(select(Document.copier)).one() == "SO TAI CHINH"
                assert earliest_same(session, "000.00.15.H06", "the issuer's file", issue) is None
                assert earliest_same(session, "000.00.15.H06", "another copy", issue, copier="SO TAI CHINH") is not None
        finally:
            register.close()


# ---- red team 54, at those fixes: copies among themselves, and what the issuer recalled ---------------------------------




def _firms_copy(world: World, number: str) -> Path:
    """A firm's "copy" of the issuer's number saying what it pleases, signed under the trusted root, mailed from nowhere."""
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number=number, summary=FORGED), "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    return world.mail(f"firm-{number.split('/')[0]}", sender="someone@evil.example", auth=None,
                      attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))])


def _recall(world: World, identifier: str, sender: str = STP) -> Path:
    from gateway.exchange.status import RECALL

    return world.mail(f"recall-{identifier}", sender=sender, subject=f"Thu hồi văn bản {identifier}",
                      body="Đề nghị thu hồi văn bản đã gửi.\n",
                      headers={"X-QLVB-Status": RECALL, "X-QLVB-Document-Id": identifier, "X-QLVB-Recall-Reason": "Sai"})


def test_a_genuine_copy_is_not_the_duplicate_of_another_copiers_forged_one(world: World) -> None:
    """The firm's "copy" first, then UBND tỉnh's genuine certified copy of the same number from its proven mailbox: it
    was judged the forgery's duplicate (UBND told "already received"); now registered, its line noting the other."""
    ubnd = world.pki.signer("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang")
    real = certified_copy(world.document(number="708/STP-VP", summary=GENUINE), "UBND TỈNH BẮC GIANG", "", "5/SY-UBND")
    genuine = world.mail("ubnd-copy", sender=UBND, attachments=[("sao-y.pdf", sign_pdf(real, ubnd, world.pki))])
    forged, copy = world.ingest(_firms_copy(world, "708/STP-VP"), genuine)
    assert forged["verdict"] == "accepted"
    assert (copy["verdict"], copy["duplicate_of"]) == ("accepted", None), copy["reasons"]
    rows = world.documents()
    assert [(r.subject, r.copier) for r in rows] == [(FORGED, "CONG TY TNHH MINH PHAT"), (GENUINE, "UBND TINH BAC GIANG")]
    assert "số đến 1" in (rows[1].description or "")


def test_the_issuers_recall_voids_the_copies_of_its_document_too(world: World) -> None:
    """The firm's "copy" of 708/STP-VP, then Sở Tư pháp's own 708/STP-VP (registered, named STP-2026.708), then Sở Tư
    pháp's recall of it: the copy stayed the register's live 708/STP-VP, the forger's summary; now recalled with it."""
    own = world.mail("own", sender=STP, headers={"X-QLVB-Document-Id": "STP-2026.708"},
                     attachments=[("708-STP-VP.pdf", world.signed("stp", world.document(number="708/STP-VP",
                                                                                         summary=GENUINE)))])
    world.ingest(_firms_copy(world, "708/STP-VP"), own)
    world.ingest(_recall(world, "STP-2026.708"))
    rows = world.documents()
    assert [(r.arrival_number, r.recalled) for r in rows] == [(1, True), (2, True)]
    assert all(r.subject is None for r in rows)  # the content destroyed, the lines kept


def test_what_the_issuer_recalled_is_not_taken_in_again(world: World) -> None:
    """Sở Tư pháp's 710/STP-VP registered, then recalled; then, from an address nothing proves, a firm's "copy" of it
    and the very file again: both were registered as valid and Sở Tư pháp thanked for what it had recalled. Now each is
    `recalled`, held for the clerk, nobody answered; the issuer's own mail of it is returned saying so."""
    pdf = world.signed("stp", world.document(number="710/STP-VP", summary=GENUINE))
    world.ingest(world.mail("own", sender=STP, headers={"X-QLVB-Document-Id": "STP-2026.710"},
                            attachments=[("710-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.710"))
    replay = world.mail("replay", sender="someone@evil.example", auth=None, attachments=[("710-STP-VP.pdf", pdf)])
    again = world.mail("again", sender=STP, attachments=[("710-STP-VP.pdf", pdf)])
    copied, replayed, resent = world.ingest(_firms_copy(world, "710/STP-VP"), replay, again)
    for verdict in (copied, replayed):
        assert verdict["verdict"] == "quarantined" and verdict["incoming_number"] is None
        assert "recalled" in {r["code"] for r in verdict["reasons"]}
        assert all(r["kind"] == "alert" for r in verdict["replies"])
    assert resent["verdict"] == "returned" and "recalled" in {r["code"] for r in resent["reasons"]}
    assert [(r.arrival_number, r.recalled) for r in world.documents()] == [(1, True)]


# ---- red team 58, at those fixes: copiers and issuers as the directory knows them, the recalled number -----------------

def test_another_provinces_copier_of_the_same_name_is_another_copier(world: World) -> None:
    """Lạng Sơn's "SỞ TÀI CHÍNH" copy first (a forgery mailed from nowhere), then Bắc Giang's Sở Tài chính's genuine copy
    from its mailbox: the copier was kept by its name alone, and the genuine copy was the forgery's duplicate."""
    ls = world.pki.signer("Sở Tài chính tỉnh Lạng Sơn", "Sở Tài chính tỉnh Lạng Sơn")
    to_us = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]
    fake = certified_copy(world.document(number="708/STP-VP", summary=FORGED, recipients=to_us), "SỞ TÀI CHÍNH",
                          "UBND TỈNH LẠNG SƠN", "11/SY-STC")
    real = certified_copy(world.document(number="708/STP-VP", summary=GENUINE), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "12/SY-STC")
    forged, genuine = world.ingest(
        world.mail("forged", sender="someone@evil.example", auth=None, attachments=[("a.pdf", sign_pdf(fake, ls, world.pki))]),
        world.mail("genuine", sender=STC, attachments=[("b.pdf", world.signed("stc", real))]))
    assert forged["verdict"] == "accepted" and (genuine["verdict"], genuine["duplicate_of"]) == ("accepted", None)


@pytest.mark.parametrize(("issuer", "parent"), [("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"),
                                                ("SỞ TƯ PHÁP TỈNH BẮC GIANG", None), ("SỞ TƯ PHÁP BẮC GIANG", None),
                                                ("SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANC")])
def test_a_copy_of_a_recalled_number_printed_otherwise_is_recalled_too(world: World, issuer: str, parent: str | None) -> None:
    """The recalled number's copy whose issuer lines are printed otherwise than the issuer's own: its key differed, and the
    forged copy was registered as valid (red team 58); so it was printed so that the directory names nobody (red team
    60): a copy of the recalled number and date is recalled however it prints its issuer."""
    pdf = world.signed("stp", world.document(number="710/STP-VP", summary=GENUINE))
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.710"}, attachments=[("710-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.710"))
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number="710/STP-VP", summary=FORGED, issuer=issuer, issuer_parent=parent),
                          "CÔNG TY TNHH MINH PHÁT", "", "9/SY-MP")
    [out] = world.ingest(world.mail("copy", sender="c@evil.example", auth=None,
                                    attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))]))
    assert out["incoming_number"] is None and "recalled" in {r["code"] for r in out["reasons"]}


def test_a_recalled_file_cut_to_its_first_signature_is_recalled_too(world: World) -> None:
    """The recalled letter signed by its director then by the agency, cut by a forger after the director's signature (a
    signed revision of its own) and mailed from nowhere: registered as valid, the issuer thanked. Its number is the
    recalled one's, and only the issuer's own mailbox sends a letter of a recalled number again (its correction)."""
    leader = world.pki.signer("Nguyễn Văn An", "UBND tỉnh Bắc Giang", unit="Sở Tư pháp", locality="Bắc Giang")
    first = sign_pdf(world.document(number="710/STP-VP", summary=GENUINE), leader, world.pki)
    both = sign_pdf(first, world.signers["stp"], world.pki, field_name="Signature2")
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.710"}, attachments=[("710-STP-VP.pdf", both)]))
    world.ingest(_recall(world, "STP-2026.710"))
    [cut] = world.ingest(world.mail("cut", sender="someone@evil.example", auth=None, attachments=[("710.pdf", first)]))
    assert cut["incoming_number"] is None and "recalled" in {r["code"] for r in cut["reasons"]}
    assert all(r["kind"] == "alert" for r in cut["replies"])


def test_recalling_the_issuers_own_excerpt_leaves_the_copies_of_its_original(world: World) -> None:
    """Sở Tài chính's copy of 708/STP-VP registered; Sở Tư pháp sends an excerpt of 708 (its own TRÍCH SAO) and recalls
    it: every copy of 708 went with it, and UBND tỉnh's copy after it was returned `recalled`."""
    copy = certified_copy(world.document(number="708/STP-VP", summary=GENUINE), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "12/SY-STC")
    excerpt = certified_copy(world.document(number="708/STP-VP", summary=GENUINE), "SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG",
                             "3/TS-STP", form="TRÍCH SAO")
    world.ingest(world.mail("stc-copy", sender=STC, attachments=[("a.pdf", world.signed("stc", copy))]),
                 world.mail("excerpt", headers={"X-QLVB-Document-Id": "STP-2026.903"},
                            attachments=[("b.pdf", world.signed("stp", excerpt))]))
    world.ingest(_recall(world, "STP-2026.903"))
    assert [(r.arrival_number, r.recalled) for r in world.documents()] == [(1, False), (2, True)]


# ---- red team 60, at those fixes: the directory's agency is a key only with the same date ------------------------------

TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _merged(world: World) -> None:
    """Bắc Ninh's Sở Tư pháp merged into Bắc Giang's, its former name an alias (as the README says to configure it)."""
    from world import DIRECTORY_CSV

    (world.root / "directory.csv").write_text(DIRECTORY_CSV.replace(
        "Sở Tư pháp tỉnh Bắc Giang,vanthu@sotp.bacgiang.gov.vn,Sở Tư pháp,",
        "Sở Tư pháp tỉnh Bắc Giang,vanthu@sotp.bacgiang.gov.vn,Sở Tư pháp|Sở Tư pháp tỉnh Bắc Ninh,"), encoding="utf-8")


def _bac_ninhs(world: World) -> bytes:
    return world.document(number="708/STP-VP", summary="V/v báo cáo công tác hộ tịch năm 2025", place="Bắc Ninh",
                          issuer_parent="UBND TỈNH BẮC NINH", date=(20, 5, 2025), recipients=TO_US)


def test_two_issuers_one_agencys_aliases_name_number_their_own_documents(world: World) -> None:
    """Bắc Ninh's former Sở Tư pháp's 708/STP-VP of 2025 (another date) was the duplicate of Bắc Giang's, both read as
    one agency: never registered, the sender told it was."""
    _merged(world)
    bn = world.pki.signer("Sở Tư pháp tỉnh Bắc Ninh", "Sở Tư pháp tỉnh Bắc Ninh")
    bg = world.signed("stp", world.document(number="708/STP-VP", summary=GENUINE, date=(15, 5, 2025), recipients=TO_US))
    a, b = world.ingest(world.mail("bg", attachments=[("a.pdf", bg)]),
                        world.mail("bn", sender=UBND, attachments=[("b.pdf", sign_pdf(_bac_ninhs(world), bn, world.pki))]))
    assert a["verdict"] == "accepted" and (b["verdict"], b["duplicate_of"]) == ("accepted", None), b["reasons"]


def test_an_issuers_recall_leaves_the_copy_of_another_issuers_document(world: World) -> None:
    """Sở Tài chính's copy of Bắc Ninh's 708/STP-VP, then Bắc Giang's own 708/STP-VP, recalled by it: the copy went too."""
    _merged(world)
    copy = certified_copy(_bac_ninhs(world), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "12/SY-STC")
    bg = world.signed("stp", world.document(number="708/STP-VP", summary=GENUINE, date=(15, 5, 2025), recipients=TO_US))
    world.ingest(world.mail("copy", sender=STC, attachments=[("a.pdf", world.signed("stc", copy))]),
                 world.mail("bg", headers={"X-QLVB-Document-Id": "STP-2025.708"}, attachments=[("b.pdf", bg)]))
    world.ingest(_recall(world, "STP-2025.708"))
    assert [(r.arrival_number, r.recalled) for r in world.documents()] == [(1, False), (2, True)]


def test_an_unsigned_letter_recalled_then_sent_again_as_it_was_is_recalled(world: World) -> None:
    """Sent unsigned from the issuer's mailbox (the official route), recalled, then the very same file again: registered
    anew and the issuer thanked (the recall cleared its file's hash, and it has no signed one)."""
    pdf = world.document(number="720/STP-VP", summary=GENUINE)
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.720"}, attachments=[("720-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.720"))
    [again] = world.ingest(world.mail("again", attachments=[("720-STP-VP.pdf", pdf)]))
    assert again["verdict"] == "returned" and "recalled" in {r["code"] for r in again["reasons"]}


# ---- red team 62: the recalled number's copy by its issuer as it may be printed; another issuer's never ---------------------

def test_another_issuers_genuine_copy_of_the_same_number_and_day_is_no_copy_of_a_recalled_one(world: World) -> None:
    """UBND tỉnh recalls its "15/KH-UBND" of 2 January; Sở Tài chính's genuine copy of UBND huyện Yên Dũng's own
    "15/KH-UBND" of the same day (every UBND numbers its plans so) was returned `recalled`, and no release could take it."""
    ubnd = world.pki.signer("UBND tỉnh Bắc Giang", "UBND tỉnh Bắc Giang")
    plan = world.document(number="15/KH-UBND", issuer="ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", issuer_parent=None, type="KẾ HOẠCH",
                          summary="Triển khai công tác cải cách hành chính năm 2026", date=(2, 1, 2026), recipients=TO_US)
    world.ingest(world.mail("plan", sender=UBND, headers={"X-QLVB-Document-Id": "H06-2026.15"},
                            attachments=[("15-KH-UBND.pdf", sign_pdf(plan, ubnd, world.pki))]))
    world.ingest(_recall(world, "H06-2026.15", sender=UBND))
    district = world.document(number="15/KH-UBND", issuer="ỦY BAN NHÂN DÂN HUYỆN YÊN DŨNG", issuer_parent=None,
                              type="KẾ HOẠCH", place="Yên Dũng", summary="Tổ chức Tết Nguyên đán năm 2026", date=(2, 1, 2026),
                              recipients=TO_US)
    copy = certified_copy(district, "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "3/SY-STC")
    [out] = world.ingest(world.mail("copy", sender=STC, attachments=[("sao-y.pdf", world.signed("stc", copy))]))
    assert out["verdict"] == "accepted", out["reasons"]


@pytest.mark.parametrize("year", [2026, 2025])
def test_a_copy_of_a_recalled_number_whose_date_is_unreadable_is_recalled(world: World, year: int) -> None:
    """The firm's "copy" of the recalled 710/STP-VP dated "31 tháng 02" (read as no date, a warning only): without a
    date its issuer printed otherwise escaped, and a recalled letter of last year was looked for in this year's."""
    pdf = world.signed("stp", world.document(number="710/STP-VP", summary=GENUINE, date=(20, 11, year)))
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.710"}, attachments=[("710-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.710"))
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number="710/STP-VP", summary=FORGED, issuer="SỞ TƯ PHÁP TỈNH BẮC GIANG",
                                         issuer_parent=None, date=(31, 2, year)), "CÔNG TY TNHH MINH PHÁT", "", "9/SY-MP")
    [out] = world.ingest(world.mail("copy", sender="c@evil.example", auth=None,
                                    attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))]))
    assert out["incoming_number"] is None and "recalled" in {r["code"] for r in out["reasons"]}


def test_the_clerk_releases_another_provinces_letter_of_a_recalled_number(world: World) -> None:
    """Bắc Giang's Sở Tư pháp's 710/STP-VP recalled; Lạng Sơn's Sở Tư pháp's own 710/STP-VP of the same day, held, was
    refused at its release as "recalled by its issuer" (the release compared the issuer's name without its parent)."""
    pdf = world.signed("stp", world.document(number="710/STP-VP", summary=GENUINE, date=(20, 11, 2026)))
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.710"}, attachments=[("710-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.710"))
    letter = world.document(number="710/STP-VP", issuer_parent="UBND TỈNH LẠNG SƠN", place="Lạng Sơn",
                            summary="V/v phối hợp xác minh hộ tịch", date=(20, 11, 2026), recipients=TO_US)
    [held] = world.ingest(world.mail("held", sender="canbo@gmail.com", auth=None, attachments=[("710.pdf", letter)]))
    released = world.run("review", "release", str(held["review_id"]), "--config", str(world.config_path), check=False)
    assert released.returncode == 0, released.stderr
