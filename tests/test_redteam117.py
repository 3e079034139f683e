"""Red team 117: a forger's certificate from a trusted CA, issued to a private party whose registered name `_state_body`
takes for a body of the state (a beauty salon "Viện thẩm mỹ …", a walkie-talkie shop "Bộ đàm …", a private language
centre, an association, a private school). Failing tests are faults found; passing ones guard what held."""

from __future__ import annotations

import pytest

from gateway.demo.signing import sign_pdf
from test_redteam114 import _nothing_for_a_forger, _send
from world import STC, STP, World, certified_copy

TO_US = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]
_SIGNERS: dict = {}


def _signer(world: World, name: str, organisation: str, unit: str | None = None, locality: str | None = None):  # type: ignore[no-untyped-def]
    key = (id(world.pki), name, organisation, unit, locality)
    if key not in _SIGNERS:
        _SIGNERS[key] = world.pki.signer(name, organisation, unit=unit, locality=locality)
    return _SIGNERS[key]


# Private parties' registered names that begin with a word of `_STATE_WORDS` or `_PLACED_WORDS` (as written, marks and
# all) and name a province, or hold a phrase of `_STATE_PHRASES` / "People's Committee".
PRIVATE_OS = [
    ("beauty-salon-vien", "Viện Thẩm mỹ Hàn Quốc Bắc Giang"),
    ("walkie-talkie-shop-bo", "Bộ đàm Minh Phát"),
    ("charger-shop-cuc", "Cục sạc Minh Phát"),
    ("zoo-so", "Sở thú Bắc Giang"),
    ("language-centre", "Trung tâm Anh ngữ Quốc tế Bắc Giang"),
    ("driving-school", "Trường dạy lái xe Bắc Giang"),
    ("private-kindergarten", "Trường Mầm non tư thục Hoa Sen tỉnh Bắc Giang"),
    ("young-entrepreneurs", "Hội Doanh nhân trẻ tỉnh Bắc Giang"),
    ("english-peoples-committee", "Minh Phat People's Committee Supplies"),
    ("firm-union-exec", "Ban Chấp hành Công đoàn cơ sở Minh Phát"),
    ("trung-uong-brand", "Trung Ương Minh Phát"),
]


@pytest.mark.parametrize("organisation", [c[1] for c in PRIVATE_OS], ids=[c[0] for c in PRIVATE_OS])
def test_a_private_partys_employee_with_ou_so_tu_phap_never_speaks_for_it(world: World, organisation: str) -> None:
    """A person's certificate: CN the person, OU "Sở Tư pháp" (unchecked), O a private party's registered name that
    `_state_body` takes for the state's, L Bắc Giang. A letter headed Sở Tư pháp's, mailed from nowhere proven."""
    signer = _signer(world, "Trần Văn Gian", organisation, "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "person", sign_pdf(world.document(number="921/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


@pytest.mark.parametrize("organisation", [c[1] for c in PRIVATE_OS], ids=[c[0] for c in PRIVATE_OS])
def test_a_private_partys_certificate_named_so_tu_phap_never_speaks_for_it(world: World, organisation: str) -> None:
    """An organisation certificate: CN "Sở Tư pháp", O the private party's registered name, L Bắc Giang."""
    signer = _signer(world, "Sở Tư pháp", organisation, None, "Bắc Giang")
    out = _send(world, "org", sign_pdf(world.document(number="922/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


def test_a_beauty_salons_employee_never_speaks_for_another_provinces_so(world: World) -> None:
    """Outside the directory: a letter headed "UBND TỈNH LÂM ĐỒNG / SỞ TƯ PHÁP", signed by CN a person, OU "Sở Tư pháp",
    O "Viện Thẩm mỹ Đà Lạt Lâm Đồng" (a beauty salon), L Lâm Đồng; mailed from nowhere proven."""
    signer = _signer(world, "Trần Văn Gian", "Viện Thẩm mỹ Đà Lạt tỉnh Lâm Đồng", "Sở Tư pháp", "Lâm Đồng")
    pdf = world.document(issuer="SỞ TƯ PHÁP", issuer_parent="UBND TỈNH LÂM ĐỒNG", number="923/STP-VP", place="Lâm Đồng",
                         recipients=TO_US)
    out = _send(world, "ld", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, "vanthu@sotp.lamdong.gov.vn")


def test_a_walkie_talkie_shops_employee_never_speaks_for_a_ministry(world: World) -> None:
    """A letter headed "BỘ TƯ PHÁP", signed by CN a person, OU "Bộ Tư pháp", O "Bộ đàm Minh Phát", L Hà Nội."""
    signer = _signer(world, "Trần Văn Gian", "Bộ đàm Minh Phát", "Bộ Tư pháp", "Hà Nội")
    pdf = world.document(issuer="BỘ TƯ PHÁP", issuer_parent=None, number="924/BTP-VP", place="Hà Nội", recipients=TO_US)
    out = _send(world, "btp", sign_pdf(pdf, signer, world.pki))
    _nothing_for_a_forger(out, "vanthu@moj.gov.vn")


def test_a_beauty_salons_employee_never_makes_a_certified_copy_of_so_tai_chinh(world: World) -> None:
    """A certified copy ("SAO Y") whose copy page prints "UBND TỈNH BẮC GIANG / SỞ TÀI CHÍNH", signed by CN a person,
    OU "Sở Tài chính", O "Viện Thẩm mỹ Hàn Quốc Bắc Giang" (a beauty salon), L Bắc Giang; mailed from nowhere proven."""
    signer = _signer(world, "Trần Văn Gian", "Viện Thẩm mỹ Hàn Quốc Bắc Giang", "Sở Tài chính", "Bắc Giang")
    copy = certified_copy(world.document(number="925/STP-VP", recipients=TO_US), "SỞ TÀI CHÍNH", "UBND TỈNH BẮC GIANG",
                          "05/SY-STC")
    out = _send(world, "copy", sign_pdf(copy, signer, world.pki))
    _nothing_for_a_forger(out, STC, STP)


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 117: a firm registered under an agency's own "
                                      "name (the law forbids it) is the CA's to refuse; the gateway reads the names")
def test_a_firm_registered_under_the_agencys_own_name_never_speaks_for_it(world: World) -> None:
    """A private party registered under the name "Sở Tư pháp tỉnh Bắc Giang" (what the CA checks as its O) buys an
    organisation certificate: CN = O = "Sở Tư pháp tỉnh Bắc Giang", L Bắc Giang. `vouched` takes O == deciding name as
    proof; nothing tells a commercial CA's word for a firm's name from the state's."""
    signer = _signer(world, "Sở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang", None, "Bắc Giang")
    out = _send(world, "same", sign_pdf(world.document(number="926/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)


def test_held_a_private_hospitals_employee_never_speaks_for_so_tu_phap(world: World) -> None:
    """HELD: O "Bệnh viện Tư nhân Minh Phát Bắc Giang" ("TƯ NHÂN" is a firm's word to `_FIRM`), OU "Sở Tư pháp"."""
    signer = _signer(world, "Trần Văn Gian", "Bệnh viện Tư nhân Minh Phát Bắc Giang", "Sở Tư pháp", "Bắc Giang")
    out = _send(world, "held", sign_pdf(world.document(number="927/STP-VP", recipients=TO_US), signer, world.pki))
    _nothing_for_a_forger(out, STP)
