"""Red team 55 (an honest agency's genuine documents, made and sent as real office software does): an Outlook mail
written in Rich Text carries its PDF inside winmail.dat, and was returned as carrying none; the agency's visible
signature box under the leader's name was registered as the signer. Each failed before its fix."""

from __future__ import annotations

import struct

import pytest

from kit import sign_with_stamp
from world import STP, World


def winmail(*files: tuple[str, bytes]) -> bytes:
    """Outlook's winmail.dat (TNEF) carrying these files."""
    def attribute(level: int, ident: int, kind: int, data: bytes) -> bytes:
        return struct.pack("<BHHI", level, ident, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)
    out = b"\x78\x9f\x3e\x22" + b"\x01\x00" + attribute(1, 0x9006, 0x0009, b"\x00\x00\x01\x00")
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)
        out += attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")
        out += attribute(2, 0x800F, 0x0006, data)
    return out


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
