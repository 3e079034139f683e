"""Red team 55 (an honest agency's genuine documents, made and sent as real office software does): an Outlook mail
written in Rich Text carries its PDF inside winmail.dat, and was returned as carrying none; the agency's visible
signature box under the leader's name was registered as the signer; our group as blocks write it was no one. Red team
57 at those fixes: another province's group kept whole named us, a secret letter in a mail saved in winmail.dat was
written to the store, a box touching the name was the signer. Each failed before its fix."""

from __future__ import annotations

import pytest

from kit import sign_with_stamp
from test_redteam48 import _winmail as winmail
from world import STP, World


def test_a_document_outlook_sends_inside_winmail_dat_is_registered(world: World) -> None:
    """Outlook writing in Rich Text puts the attachments in winmail.dat: the issuer's signed letter in it, from its
    proven mailbox, was returned "the mail carries no PDF"; its files are the mail's own and the letter is registered."""
    pdf = world.signed("stp", world.document(number="909/STP-VP"))
    [out] = world.ingest(world.mail("tnef", attachments=[("winmail.dat", winmail(("909-STP-VP.pdf", pdf)))]))
    assert (out["verdict"], out["basis"]) == ("accepted", "signature"), out["reasons"]
    assert out["document"]["number"] == "909/STP-VP" and out["replies"] == [{"kind": "ack", "to": STP}]


def test_a_winmail_dat_carrying_a_program_is_still_refused(world: World) -> None:
    """What winmail.dat carries is judged as any attachment: a program beside the letter is refused, nothing registered."""
    pdf = world.signed("stp", world.document(number="908/STP-VP"))
    [out] = world.ingest(world.mail("tnef-exe", attachments=[("winmail.dat", winmail(("908.pdf", pdf),
                                                                                      ("setup.exe", b"MZ" + b"\0" * 200)))]))
    assert out["incoming_number"] is None and "unsupported-attachment" in {r["code"] for r in out["reasons"]}


@pytest.mark.parametrize("box", ["Sở Tư pháp tỉnh Bắc Giang\n20.11.2026 09:15:30 +07:00",
                                 "Sở Tư pháp\nTỉnh Bắc Giang\n20/11/2026 09:15"])
def test_the_agencys_signature_box_under_the_leaders_name_is_not_the_signer(world: World, box: str) -> None:
    """The agency signs with a box just below the leader's name showing itself and the time (NĐ 30/2020 has an agency's
    signature show them): the box's last line was registered as the signer ("Sở Tư pháp tỉnh Bắc", "Tỉnh Bắc
    Giang"); the signer is the leader whose name the page prints."""
    pdf = sign_with_stamp(world.document(number="501/STP-VP"), world.signers["stp"], world.pki, text=box,
                          box=(340, 425, 540, 485), font_size=8, unicode=True)
    [out] = world.ingest(world.mail("box", attachments=[("501-STP-VP.pdf", pdf)]))
    assert out["verdict"] == "accepted", out["reasons"]
    assert out["document"]["signer"] == "Nguyễn Văn An"


ENTRIES = ["Các Sở, ban, ngành tỉnh Bắc Giang;", "Các sở, ban, ngành tỉnh;", "Thủ trưởng các sở, ban, ngành tỉnh;",
           "Các Sở, ban, ngành, UBND các huyện, thành phố;", "Các Sở, ban, ngành và UBND tỉnh;",
           "Sở Tài chính, các Sở, ban, ngành;", "Các sở, ban, ngành trên địa bàn tỉnh;", "Văn phòng Sở Nội vụ;"]


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_block_naming_our_group_as_documents_write_it_is_addressed_to_us(world: World, entry: str) -> None:
    """Our group with our province after it, in a list beside other bodies, "và" another, or our own office: the letter
    sent by Bcc (its To the issuer's own mailbox) was returned `wrong-recipient` to its issuer; it is ours."""
    block = ["Nơi nhận:", f"- {entry}", "- UBND tỉnh (b/c);", "- Lưu: VT, VP."]
    pdf = world.signed("stp", world.document(number="300/STP-VP", recipients=block))
    [out] = world.ingest(world.mail("bcc", attachments=[("300-STP-VP.pdf", pdf)], to=[STP]))
    assert out["verdict"] == "accepted", out["reasons"]


@pytest.mark.parametrize("entry", ["Các Sở, ban, ngành tỉnh Lạng Sơn;", "Văn phòng UBND tỉnh Lạng Sơn;"])
def test_another_provinces_group_or_office_is_not_us(world: World, entry: str) -> None:
    """The same words naming another province's group, or another body's office, name nobody here."""
    from gateway.directory import Directory, parse_directory
    from gateway.resolver import Resolver
    from world import US

    directory = Directory(parse_directory(world.root / "directory.csv"))
    us = directory.by_code(US["code"])
    assert us is not None and not Resolver(directory, us).names(entry, us)
    for own in ("Các Sở, ban, ngành tỉnh;", "Các Sở, ban, ngành;"):  # in its own document: its own group, never ours
        assert not Resolver(directory, us).names(own, us, unplaced_ours=False)


# ---- red team 57, at those fixes ---------------------------------------------------------------------------------------

def _resolver(world: World):  # type: ignore[no-untyped-def]
    from gateway.directory import Directory, parse_directory
    from gateway.resolver import Resolver
    from world import US

    directory = Directory(parse_directory(world.root / "directory.csv"))
    us = directory.by_code(US["code"])
    assert us is not None
    return Resolver(directory, us), us


@pytest.mark.parametrize("entry", ["Các Sở, ban, ngành và UBND tỉnh", "Các Sở, ban, ngành, UBND tỉnh",
                                   "Các Sở, ban, ngành và Sở Tư pháp"])
def test_another_provinces_group_beside_its_bodies_is_its_own(world: World, entry: str) -> None:
    """In another province's document its "Các Sở, ban, ngành và UBND tỉnh" is its own: kept whole, the group was read as
    every province's body, ours among them, and Lạng Sơn's letter registered and acknowledged."""
    resolver, us = _resolver(world)
    assert not resolver.names(entry, us, unplaced_ours=False)


@pytest.mark.parametrize("entry", ["Các Sở, ban, ngành, UBND các huyện, thành phố tỉnh Lạng Sơn",
                                   "Các Sở, ban, ngành và UBND các huyện tỉnh Lạng Sơn", "Các Sở, ban, ngành huyện"])
def test_a_group_in_a_list_of_another_place_is_not_ours(world: World, entry: str) -> None:
    """A list ending with another province is that province's, its group too; a Sở's group is no district's."""
    resolver, us = _resolver(world)
    assert not resolver.names(entry, us)
    assert resolver.resolve(entry).status != "resolved"


def test_a_secret_letter_in_a_mail_saved_in_winmail_dat_is_written_nowhere(world: World) -> None:
    """winmail.dat carrying a saved mail (.eml) that carries a secret letter: the mail was stored, its mark never read."""
    from gateway.demo.mails import make_mail
    from test_redteam48 import OTHER, _nothing_written, _secret

    saved = make_mail(sender=OTHER, to=[STP], subject="Chuyển tiếp", attachments=[("mat.pdf", _secret(world))])
    [out] = world.ingest(world.mail("tnef-eml", attachments=[("winmail.dat", winmail(("thu.eml", saved)))]))
    _nothing_written(world, out)
    assert "secret-document" in {r["code"] for r in out["reasons"]}


def test_the_agencys_box_touching_the_leaders_name_is_not_the_signer(world: World) -> None:
    """The box's top a few points over the middle of the printed name: its first line held a word of the name and was
    kept, then read as the signer."""
    import pymupdf

    page = pymupdf.open(stream=world.document(number="510/STP-VP"))[0]
    [name] = page.search_for("Nguyễn Văn An")
    top = page.rect.height - (name.y0 + name.y1) / 2 + 5
    pdf = sign_with_stamp(world.document(number="510/STP-VP"), world.signers["stp"], world.pki,
                          text="Sở Tư pháp tỉnh Bắc Giang\n20.11.2026 09:15:30 +07:00",
                          box=(name.x0 - 10, top - 24, name.x0 + 190, top), font_size=8, unicode=True)
    [out] = world.ingest(world.mail("box-touching", attachments=[("510-STP-VP.pdf", pdf)]))
    assert out["document"]["signer"] == "Nguyễn Văn An"
