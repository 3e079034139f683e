"""Red team 77 (a forger at stop 38's fixes): a "certified copy" of a number its issuer recalled, dated a day later, was
registered again (red team 74's fix made a number's other printed date another document, and the recall was looked up
by its date alone); and another province's name read with one slip ("HÀGIANG", "HANH HÓA", "HÀ GIANGG") still passed
for a misreading of ours, after red team 75's fix had closed only the names read exactly. Each failed before its fix."""

from __future__ import annotations

import pytest

from core_facts import codes
from kit import sign_pdf
from test_redteam53 import FORGED, GENUINE, _recall
from test_redteam75 import _scan_signed_by_ours
from world import World, certified_copy


@pytest.mark.parametrize("copy_day", [20, 21, 5])
def test_a_copy_of_a_recalled_number_of_another_day_of_its_year_is_recalled(world: World, copy_day: int) -> None:
    pdf = world.signed("stp", world.document(number="710/STP-VP", summary=GENUINE, date=(20, 11, 2026)))
    world.ingest(world.mail("own", headers={"X-QLVB-Document-Id": "STP-2026.710"}, attachments=[("710-STP-VP.pdf", pdf)]))
    world.ingest(_recall(world, "STP-2026.710"))
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number="710/STP-VP", summary=FORGED, date=(copy_day, 11, 2026)),
                          "CÔNG TY TNHH MINH PHÁT", "", "9/SY-MP")
    [out] = world.ingest(world.mail("copy", sender="c@evil.example", auth=None,
                                    attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))]))

    assert out["verdict"] != "accepted" and out["incoming_number"] is None
    assert "recalled" in [r["code"] for r in out["reasons"]]
    [line] = world.documents()
    assert line.arrival_number == 1
    said = [r["message"] for r in out["reasons"] if r["code"] == "recalled"]
    assert said == [f"Văn bản đã bị cơ quan ban hành thu hồi. (số đến 1/{line.year})"], said  # its number of its year


@pytest.mark.parametrize("ours,read,former", [
    ("Cần Thơ", "HÀGIANG", "Hậu Giang"), ("Tuyên Quang", "HẬUGIANG", "Hà Giang"), ("Khánh Hòa", "HANH HÓA", None),
    ("Lâm Đồng", "NINH THUẬNN", "Bình Thuận"), ("Cần Thơ", "HÀ GIANGG", "Hậu Giang"),
])
def test_another_provinces_name_read_with_a_slip_is_not_ours(ours: str, read: str, former: str | None) -> None:
    decision = _scan_signed_by_ours(ours, read.title(), former, proven=False)

    assert decision.verdict == "quarantined" and ("signer-not-issuer", "error") in codes(decision.reasons)
    assert decision.issuer_from_certificate is None


@pytest.mark.parametrize("ours,read", [("Bắc Giang", "Bắc Gianc"), ("Đắk Lắk", "Đắk Lắc"), ("Lâm Đồng", "Lâm Đồnc"),
                                       ("Bắc Giang", "Bắcgiang")])
def test_our_own_name_read_with_a_slip_is_still_ours(ours: str, read: str) -> None:
    decision = _scan_signed_by_ours(ours, read, None, proven=False, issuer="SỞ TU PHAF")

    assert decision.verdict == "accepted" and ("issuer-from-certificate", "warning") in codes(decision.reasons)
