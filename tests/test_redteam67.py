"""Red team 67 (an honest agency and its clerk, as real documents and directories are written): a UBND's own letter,
its header spelled out as NĐ 30/2020 prints it ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG"), named no agency of a directory that
writes "UBND tỉnh Bắc Giang", nor a Sở under "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH" (only "tỉnh" was read as a place),
so outgoing held the agency's own letters as another's; two communes whose names differ by a tone mark ("xã Tân
Thanh", "xã Tân Thạnh") were one name, and each one's genuine letter was returned as not its issuer's. Each failed
before its fix (the outgoing findings are in tests/test_redteam63.py)."""

from __future__ import annotations

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


def test_two_communes_whose_names_differ_by_a_tone_mark_each_send_their_own_letters(world: World) -> None:
    """Each commune's letter, signed with its own certificate and sent from its own mailbox, is registered as its own;
    both were returned `signer-not-issuer` (the directory's names compared without their marks were one)."""
    communes = [("000.21.01.H06", "ỦY BAN NHÂN DÂN XÃ TÂN THANH", "vanthu@tanthanh.bacgiang.gov.vn"),
                ("000.21.02.H06", "ỦY BAN NHÂN DÂN XÃ TÂN THẠNH", "vanthu@tanthanh2.bacgiang.gov.vn")]
    rows = "".join(f"{code},UBND xã {name.split(' XÃ ')[1].title()},{box},{name},\n" for code, name, box in communes)
    (world.root / "directory.csv").write_text(DIRECTORY_CSV + rows, encoding="utf-8")
    mails = []
    for n, (_, name, box) in enumerate(communes):
        identity = world.pki.signers.get(name) or world.pki.signer(name, "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG",
                                                                       locality="Bắc Giang")
        pdf = world.document(issuer=name, issuer_parent=None, number=f"{15 + n}/UBND-VP", kinh_gui=["Sở Nội vụ"],
                             signer_title=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                             recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Nội vụ."])
        mails.append(world.mail(f"xa{n}", sender=box, auth="smtp",
                                attachments=[(f"{n}.pdf", sign_pdf(pdf, identity, world.pki))]))
    world.pki.write(world.root / "pki")
    verdicts = world.ingest(*mails)
    assert [(v["verdict"], v["basis"]) for v in verdicts] == [("accepted", "signature")] * 2, verdicts
    assert [v["replies"] for v in verdicts] == [[{"kind": "ack", "to": box}] for _, _, box in communes]
    assert [d.organ_name for d in world.documents()] == [name for _, name, _ in communes]
