"""Red team 47: the leader's own signature box over the blanks of a document issued electronically, its name and a
date in it, taken for an office's stamp the reader could not read: the draft registered. Each failed before its fix."""
from __future__ import annotations

from kit import DocumentSpec, blank_document, box_between, render_document, sign_with_stamp
from test_unissued_revisions import _revisions, _send
from world import World

EVIL = "attacker@evil.example"


def _datebox(pdf: bytes) -> tuple[float, float, float, float]:
    a, b = box_between(pdf, "ngày", "tháng"), box_between(pdf, "tháng", "năm")
    return a[0], a[1], b[2], a[3]


def _stamps(pdf: bytes, world: World) -> bytes:
    for field, text, (l, r) in (("Signature3", "25", ("ngày", "tháng")), ("Signature4", "11", ("tháng", "năm"))):
        pdf = sign_with_stamp(pdf, world.signers["stp"], world.pki, text=text, box=box_between(pdf, l, r), field_name=field)
    return pdf


def _refused(out: dict) -> None:
    assert out["verdict"] != "accepted" and out["incoming_number"] is None, (
        out["verdict"], out["document"]["number"], out["document"]["date"], out["reasons"])
    assert not [r for r in out["replies"] if r["kind"] == "ack"]


def test_leaders_box_with_a_written_date_over_the_dates_blank_is_not_a_stamp(world: World) -> None:
    """F1. Number typed (707/STP-VP), date left blank for the office's stamps. The leader's signature box, its appearance
    "Nguyễn Văn A / 25/11/2026", lies over the date's blank. Its revision (date never stamped) reads undated,
    `low-confidence` (the box "drew figures that filled nothing"), never `not-issued`: a forger mails it, it is
    registered undated and acknowledged. "25/11/2026" is not a day and month written into the blanks."""
    doc = render_document(DocumentSpec(number="707/STP-VP", date=None))
    leader = sign_with_stamp(doc, world.signers["stp"], world.pki, text="Nguyễn Văn A\n25/11/2026", box=_datebox(doc),
                             field_name="LanhDao", font_size=7)
    issued = _stamps(leader, world)
    _refused(_send(world, "leader", _revisions(issued)["LanhDao"], sender=EVIL, auth=None))


def test_leaders_box_across_the_header_row_is_not_the_number_and_date(world: World) -> None:
    """F2. The leader's box across the header row (over "Số:   /STP-VP" and "ngày   tháng   năm 2026"), its appearance
    "Nguyen Van A 25 11 2026": the leader's revision reads no number, no date, only `low-confidence`/`number-unread`:
    `unissued` is silent and a forger's copy is registered and acknowledged. (Over the number's blank alone the same
    appearance is read as the number "25112026/STP-VP": the leader's figures taken for the office's stamp.)"""
    doc = blank_document()
    nb, db = box_between(doc, "Số:", "/STP-VP"), _datebox(doc)
    leader = sign_with_stamp(doc, world.signers["stp"], world.pki, text="Nguyen Van A 25 11 2026",
                             box=(nb[0], nb[1], db[2], nb[3]), field_name="LanhDao", font_size=7)
    _refused(_send(world, "leader-wide", leader, sender=EVIL, auth=None))
