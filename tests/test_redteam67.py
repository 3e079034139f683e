"""Red team 67 (an honest agency and its clerk, as real documents and directories are written): a UBND's own letter,
its header spelled out as NĐ 30/2020 prints it ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"), named no agency of a directory that
writes "UBND tỉnh Bắc Giang", nor a Sở under "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" (only "tỉnh" was read as a place),
so outgoing held the agency's own letters as another's; two communes whose names differ by a tone mark ("xã Tân
Thanh", "xã Tân Thạnh") were one name, and each one's genuine letter was returned as not its issuer's. Each failed
before its fix (the outgoing findings are in tests/test_redteam63.py)."""

from __future__ import annotations

from pathlib import Path

from gateway.directory import AgencyEntry, Directory
from kit import sign_pdf
from world import DIRECTORY_CSV, World


def _directory(*rows: tuple[str, str, str]) -> Directory:
    return Directory([AgencyEntry(code=code, name=name, mailbox=mailbox) for code, name, mailbox in rows])


def test_an_issuer_spelled_out_or_under_a_city_names_the_directorys_agency() -> None:
    ubnd = ("000.00.00.H06", "UBND tỉnh Bắc Giang", "vanthu@bacgiang.gov.vn")
    stp = ("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", "vanthu@sotp.bacgiang.gov.vn")
    hcm = ("000.00.17.H29", "Sở Tư pháp thành phố Hồ Chí Minh", "vanthu@stp.tphcm.gov.vn")
    directory = _directory(ubnd, stp, hcm)
    found = {text: (a.code if (a := directory.by_issuer(*text)) else None) for text in [
        ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", None), ("UBND TỈNH BẮC GIANG", None),
        ("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"),
        ("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"), ("SỞ TƯ PHÁP", "UBND THÀNH PHỐ HỒ CHÍ MINH"),
        ("SỞ TƯ PHÁP", "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"),  # another province's: none of ours
    ]}
    assert list(found.values()) == [ubnd[0], ubnd[0], stp[0], hcm[0], hcm[0], None], found


COMMUNES = [("000.21.01.H06", "ỦY BAN NHÂN DÂN XÃ TÂN THANH", "vanthu@tanthanh.bacgiang.gov.vn"),
            ("000.21.02.H06", "ỦY BAN NHÂN DÂN XÃ TÂN THẠNH", "vanthu@tanthanh2.bacgiang.gov.vn")]


def _commune_mails(world: World, numbers: list[str], tag: str = "") -> list[Path]:
    """Each commune's letter of its number, signed with its own certificate, from its own mailbox (both communes in the
    directory)."""
    rows = "".join(f"{code},UBND xã {name.split(' XÃ ')[1].title()},{box},{name},\n" for code, name, box in COMMUNES)
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + rows, encoding="utf-8")
    mails = []
    for n, ((_, name, box), number) in enumerate(zip(COMMUNES, numbers, strict=True)):
        identity = world.pki.signers.get(name) or world.pki.signer(name, "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
                                                                       locality="Bắc Giang")
        pdf = world.document(issuer=name, issuer_parent=None, number=number, kinh_gui=["Sở Nội vụ"],
                             signer_title=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                             recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ."])
        mails.append(world.mail(f"xa{tag}{n}", sender=box, auth="smtp",
                                attachments=[(f"{n}.pdf", sign_pdf(pdf, identity, world.pki))]))
    world.pki.write(world.root / "pki")
    return mails


def _communes_write(world: World, numbers: list[str]) -> list[dict]:  # type: ignore[type-arg]
    return world.ingest(*_commune_mails(world, numbers))


def test_two_communes_whose_names_differ_by_a_tone_mark_each_send_their_own_letters(world: World) -> None:
    """Each commune's letter, signed with its own certificate and sent from its own mailbox, is registered as its own;
    both were returned `signer-not-issuer` (the directory's names compared without their marks were one)."""
    verdicts = _communes_write(world, ["15/UBND-VP", "16/UBND-VP"])
    assert [(v["verdict"], v["basis"]) for v in verdicts] == [("accepted", "signature")] * 2, verdicts
    assert [v["replies"] for v in verdicts] == [[{"kind": "ack", "to": box}] for _, _, box in COMMUNES]
    assert [d.organ_name for d in world.documents()] == [name for _, name, _ in COMMUNES]


def test_the_two_communes_letters_of_one_number_are_two_documents(world: World) -> None:
    """The same two communes each send their letter 15/UBND (every commune writes "UBND" as its code) of one day: the
    second was the first's duplicate (the register's key of an issuer folds its marks), never registered, its commune
    thanked under the other's number. Both are registered; each one's own copy sent again is its duplicate."""
    [first, second] = _communes_write(world, ["15/UBND", "15/UBND"])
    assert [(v["verdict"], v["incoming_number"]) for v in (first, second)] == [("accepted", 1), ("accepted", 2)]
    again = world.ingest(*_commune_mails(world, ["15/UBND", "15/UBND"], tag="again"))
    assert [(v["verdict"], v["duplicate_of"]) for v in again] == [("duplicate", 1), ("duplicate", 2)]
    assert len(world.documents()) == 2


def test_one_communes_certificate_does_not_sign_for_the_other(world: World) -> None:
    """Red team 68, at those fixes: Tân Thanh's genuine certificate on a letter headed "ỦY BAN NHÂN DÂN XÃ TÂN THẠNH",
    mailed from nowhere, was accepted as Tân Thạnh's (a certificate's name was compared without its marks), and Tân
    Thạnh's own letter of that number then a duplicate. Now the forgery is not its issuer's; the genuine one registered."""
    genuine = _commune_mails(world, ["40/UBND", "40/UBND"], tag="genuine")[1]  # Tân Thạnh's own
    (_, thanh, _), (_, thanh_dot, _) = COMMUNES
    forged = world.document(issuer=thanh_dot, issuer_parent=None, number="40/UBND", kinh_gui=["Sở Nội vụ"],
                            summary="V/v thu hồi toàn bộ kinh phí năm 2027", signer_title=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                            recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ."])
    forgery = world.mail("forged", sender="someone@evil.example", auth=None,
                         attachments=[("40.pdf", sign_pdf(forged, world.pki.signers[thanh], world.pki))])
    first, second = world.ingest(forgery, genuine)
    assert first["verdict"] != "accepted" and "signer-not-issuer" in {r["code"] for r in first["reasons"]}
    assert (second["verdict"], second["incoming_number"]) == ("accepted", 1), second


def test_a_communes_letter_printed_without_marks_does_not_take_the_others_number(world: World) -> None:
    """Red team 68: Tân Thanh's scanned letter 30/UBND from its own mailbox, its header printed without marks ("UY BAN
    NHAN DAN XA TAN THANH": either commune), registered on the mailbox route (`issuer-unread`); Tân Thạnh's signed
    30/UBND after it was its duplicate. The earlier line is the agency's whose mailbox sent it: both registered."""
    mails = _commune_mails(world, ["29/UBND", "30/UBND"], tag="x")  # the directory and Tân Thạnh's letter
    box = COMMUNES[0][2]
    bare = world.document(issuer="UY BAN NHAN DAN XA TAN THANH", issuer_parent=None, number="30/UBND",
                          kinh_gui=["Sở Nội vụ"], signer_title=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                          recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ."])
    unsigned = world.mail("bare", sender=box, auth="smtp", attachments=[("30.pdf", world.scanned(bare, dpi=200))])
    first, second = world.ingest(unsigned, mails[1])
    assert first["verdict"] == "accepted", first
    assert (second["verdict"], second["incoming_number"]) == ("accepted", 2), second


def test_certificates_and_headers_of_communes_and_a_ubnd_name_the_agency_they_write() -> None:
    """Red teams 70, 71 and 72 at the tie-break by marks: a certificate whose marks name neither commune (a third commune's,
    or one written without marks) signed for both, so a forgery took the genuine letter's place; the old tone placement
    ("UỶ BAN") named neither; and a UBND's certificate spelled out ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", realpdf 022) named
    no agency of a directory writing "UBND tỉnh Lâm Đồng", its genuine decision `signer-not-issuer`."""
    thanh = ("000.21.01.H06", "Ủy ban nhân dân xã Tân Thanh", "vanthu@tanthanh.bacgiang.gov.vn")
    thanh_dot = ("000.21.02.H06", "Ủy ban nhân dân xã Tân Thạnh", "vanthu@tanthanh2.bacgiang.gov.vn")
    lam_dong = ("000.00.00.H41", "UBND tỉnh Lâm Đồng", "vanthu@lamdong.gov.vn")
    directory = _directory(thanh, thanh_dot, lam_dong)

    def certified(name: str, places: frozenset[str] = frozenset()) -> list[str]:
        return [a.code for a in directory.by_certificate_name(name, places)]

    assert certified("ỦY BAN NHÂN DÂN XÃ TÂN THẠNH") == [thanh_dot[0]] == certified("UỶ BAN NHÂN DÂN XÃ TÂN THẠNH")
    assert certified("ỦY BAN NHÂN DÂN XÃ TÂN THÀNH") == [] == certified("UY BAN NHAN DAN XA TAN THANH")
    issuer = directory.by_issuer("UỶ BAN NHÂN DÂN XÃ TÂN THẠNH")
    assert issuer is not None and issuer.code == thanh_dot[0]
    assert certified("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", frozenset({"LAM DONG"})) == [lam_dong[0]]
    assert certified("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", frozenset({"BAC GIANG"})) == []  # none of this directory's
    # red team 72: a certificate's own name written in initials speaks for nobody ("STP" was a company's)
    stp = _directory(("000.00.14.H06", "Sở Tư pháp tỉnh Bắc Giang", "vanthu@sotp.bacgiang.gov.vn"))
    for initials in ("STP", "Sở TP", "S.T.P"):
        assert stp.by_certificate_name(initials, frozenset({"BAC GIANG"})) == [], initials


def test_a_letter_of_two_agencies_saying_nowhere_it_is_joint_is_not_proven_by_one_mailbox(world: World) -> None:
    """Red team 72: Sở Tư pháp's mailbox sent an unsigned "Kế hoạch 05/KH-STP-STC" headed "SỞ TƯ PHÁP - SỞ TÀI CHÍNH":
    registered as both Sở's joint plan on one mailbox's word, and the genuine plan of that number, signed by both, then
    its duplicate, never registered. A line of two agencies that says nowhere it is joint is proven by signatures only."""
    from world import STC, STP

    plan = {"issuer": "SỞ TƯ PHÁP - SỞ TÀI CHÍNH", "number": "05/KH-STP-STC", "type": "Kế hoạch"}
    forged = world.mail("one-mailbox", sender=STP, attachments=[("05.pdf", world.scanned(world.document(**plan), dpi=200))])
    both = sign_pdf(world.signed("stp", world.document(**plan)), world.signers["stc"], world.pki, field_name="Signature2")
    genuine = world.mail("both", sender=STC, attachments=[("05-signed.pdf", both)])
    first, second = world.ingest(forged, genuine)
    assert first["verdict"] != "accepted" and "sender-not-issuer" in {r["code"] for r in first["reasons"]}
    assert (second["verdict"], second["incoming_number"]) == ("accepted", 1), second
