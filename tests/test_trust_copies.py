"""A certified copy (NĐ 30/2020 Đ25–27: "SAO Y", "SAO LỤC", "TRÍCH SAO") is signed by the agency
that copied it: valid with that agency's signature and registered as a copy, the copier named; the
original issuer's or anybody else's signature on the copy does not make it valid. Through the CLI."""

from __future__ import annotations

from sqlalchemy import select

from registry.models import Document
from world import STC, STP, certified_copy, make_world


def test_a_copy_is_valid_with_the_copiers_signature_and_registered_as_a_copy(tmp_path, province) -> None:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    w = make_world(tmp_path / "copies", pki, signers, stranger)
    original = w.document(number="310/STP-VP")  # Sở Tư pháp's document, copied by Sở Tài chính
    copy = certified_copy(original, "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "07/SY-STC")
    mails = [
        w.mail("by-copier", sender="someone@elsewhere.example", auth=None,
               attachments=[("sao-y.pdf", w.signed("stc", copy))]),
        w.mail("by-original-issuer", sender="someone@elsewhere.example", auth=None,
               attachments=[("sao-y.pdf", w.signed("stp", certified_copy(w.document(number="311/STP-VP"),
                                                                          "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "08/SY-STC")))]),
        w.mail("from-copier-mailbox", sender=STC,
               attachments=[("sao-y.pdf", certified_copy(w.document(number="312/STP-VP"),
                                                         "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG", "09/SY-STC"))]),
    ]
    by_copier, by_issuer, from_mailbox = w.ingest(*mails)
    assert (by_copier["verdict"], by_copier["basis"]) == ("accepted", "signature"), by_copier["reasons"]
    assert by_copier["replies"] == [{"kind": "ack", "to": STC}]  # the copier, whose signature proves it
    assert by_copier["document"]["number"] == "310/STP-VP"  # the original's particulars are registered
    assert by_issuer["verdict"] == "quarantined" and by_issuer["incoming_number"] is None
    assert {r["code"] for r in by_issuer["reasons"]} >= {"signer-not-issuer"}
    assert all(r["to"] != STP for r in by_issuer["replies"])
    # unsigned, from the copier's own mailbox: the official route holds for the copier
    assert (from_mailbox["verdict"], from_mailbox["basis"]) == ("accepted", "official-mailbox")
    register = w.db()
    with register.session() as s:
        row = s.scalars(select(Document).where(Document.arrival_number == by_copier["incoming_number"])).one()
        assert row.organ_name == "SỞ TƯ PHÁP" and row.notation == "310/STP-VP"
        assert row.description == "Bản sao y số 07/SY-STC của SỞ TÀI CHÍNH"
    register.close()
