"""Red team 109: the last session's changes (e7297a1..03a81f2): vntext.fold / printed_letters / foreign_letters on
certificate names, the turn of the year (Intake._delivered, send.issue_year, date-after-receipt), which revision of a
multiply-signed PDF is read (analysis.signed_content / _intact), and a mail the server will not give (sources.py).
Failing tests are faults found; tests labelled "held" are attacks (or genuine cases) that held."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from world import World

EVIL = "someone@evil.example"
LAM_DONG_BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _signed_by(world: World, name: str, organisation: str | None, number: str, **kw: Any) -> bytes:
    signer = world.pki.signer(name, organisation, unit=kw.pop("unit", None), locality=kw.pop("locality", None))
    return sign_pdf(world.document(number=number, **kw), signer, world.pki)


def _lam_dong(world: World, cn: str, organisation: str | None, number: str, locality: str | None = None) -> dict[str, Any]:
    pdf = _signed_by(world, cn, organisation, number, locality=locality,
                     issuer_parent="UBND TỈNH LÂM ĐỒNG", place="Lâm Đồng", recipients=LAM_DONG_BLOCK)
    [out] = world.ingest(world.mail(f"ld-{number.split('/')[0]}", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    return out


# ================================================================================================== unicode

@pytest.mark.parametrize(("organisation", "locality"), [
    ("UBND tỉnh Lâm Đ\u043eng", None),        # O: "Lâm Đong" with a Cyrillic о: the place unread, so no place at all
    ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\u200b", None),  # O: a zero-width space after the province
    ("Công ty TNHH Minh Phát", None),          # a firm's certificate named "Sở Tư pháp", no place anywhere
], ids=["O-cyrillic-o", "O-zwsp", "no-place"])
def test_a_placeless_certificate_named_so_tu_phap_never_speaks_for_another_provinces_so_tu_phap(
        world: World, organisation: str, locality: str | None) -> None:
    """FINDING (high). Attack: a letter headed "UBND TỈNH LÂM ĐỒNG / SỞ TƯ PHÁP" (an issuer outside our directory:
    another province's), addressed to our Sở Nội vụ, signed with a trusted CA's certificate whose CN is the bare "Sở Tư
    pháp" (a name dozens of provinces' Sở share: no CA can refuse it) and whose O names no province the gateway will
    read: "UBND tỉnh Lâm Đоng" with a Cyrillic о (the look-alike a CA's check for the genuine "UBND tỉnh Lâm Đồng" lets
    through), the genuine O with a zero-width space, or simply a firm's O. Mailed from a mailbox nothing proves.

    Observed: ACCEPTED, number 1, basis `signature` (legal value), the only reason `sender-unauthenticated`.
    issuers.certificate_places returns an EMPTY set for a certificate any of whose names holds a foreign letter (this
    session's fix for red team 108) and for one naming no place at all; issuers._names_issuer only refuses when both
    the issuer's places and the certificate's are non-empty and disjoint (`issuer.places and places and not ...`), so an
    empty set means "no constraint": squash("Sở Tư pháp") == squash("SỞ TƯ PHÁP") and the certificate speaks for the
    issuer. The look-alike O that this session meant to refuse is thus the key that removes the place check.
    (The same CN with O "UBND tỉnh Bắc Ninh", a real other province, is refused: the held test below.)

    Expected: a certificate whose names hold a foreign letter names nobody, and one that names no place never speaks
    for an issuer printed with a place: signer-not-issuer, nothing registered, nobody unproven answered.

    Fault: gateway/decision/issuers.py _names_issuer (an empty certificate place set passes) with certificate_places
    (foreign letters -> frozenset(), the same value as "names no place")."""
    out = _lam_dong(world, "Sở Tư pháp", organisation, "46/STP-VP", locality)
    assert out["incoming_number"] is None, (out["verdict"], _codes(out))
    assert all(r["to"] != EVIL for r in out["replies"])


def test_held_a_certificate_of_another_province_never_speaks_for_lam_dong(world: World) -> None:
    """HELD (control): CN "Sở Tư pháp", O "UBND tỉnh Bắc Ninh" (a real other province), for Lâm Đồng's letter."""
    out = _lam_dong(world, "Sở Tư pháp", "UBND tỉnh Bắc Ninh", "47/STP-VP")
    assert out["incoming_number"] is None, (out["verdict"], _codes(out))


DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # draws the Roman numerals (U+216F Ⅿ) and Kelvin K
FREESERIF_BOLD = "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf"  # draws Coptic (Ⲧ U+2CA6, Ⲙ U+2C98, Ⲣ U+2CA2)


@pytest.mark.parametrize(("mark", "font"), [("\u216fẬT", DEJAVU_BOLD), ("\u2c98Ậ\u2ca6", FREESERIF_BOLD)],
                         ids=["roman-numeral-M", "coptic-MT"])
def test_a_secrecy_mark_in_numeral_or_coptic_letters_is_still_read(mark: str, font: str) -> None:
    """FINDING (medium). The header's "MẬT" stamp typed "ⅯẬT" (U+216F ROMAN NUMERAL ONE THOUSAND, drawn as a Latin M
    by DejaVu Sans Bold) or "ⲘẬⲦ" (Coptic MI and TAU, drawn as M and T by FreeSerif Bold); the page shows "MẬT".
    Observed: no secrecy read (the text layer says ⅯẬT / ⲘẬⲦ; the control reprinted "MẬT" in the same font is "Mật").
    particulars._LOOK_ALIKES and vntext._LETTERS_ALIKE list Cyrillic, Greek, Lisu and Cherokee only (red team 108 added
    the last two after finding them): Roman numerals (which NFKC makes plain) and Coptic are not there. Expected:
    "Mật": the secret letter never registered nor stored (002 Đ3.1, Đ16.7). Fault: gateway/reading/particulars.py
    mark_of (_LOOK_ALIKES; no NFKC, no confusables skeleton), vntext.printed_letters."""
    from kit import DocumentSpec, render_document
    from test_redteam108 import _reprinted
    from test_redteam50 import particulars

    secret = "Tối mật" if " " in mark else "Mật"
    plain = render_document(DocumentSpec(number="512/STP-VP", secrecy=secret))
    assert particulars(_reprinted(plain, secret.upper(), secret.upper(), font)).secrecy == secret  # control
    found = particulars(_reprinted(plain, secret.upper(), mark, font))
    assert found.secrecy == secret, found


@pytest.mark.parametrize(("issuer", "font"), [("SỞ \u2ca6Ư PHÁP", FREESERIF_BOLD), ("SỞ TƯ \u2ca2HÁ\u2ca2", FREESERIF_BOLD)],
                         ids=["coptic-T", "coptic-P"])
def test_a_copy_of_a_recalled_letter_printing_its_issuer_in_coptic_letters_is_never_registered(
        world: World, issuer: str, font: str) -> None:
    """FINDING (high). Red team 106/108's attack with a script the look-alike list still lacks: Sở Tư pháp's 710/STP-VP
    is registered, then recalled; a firm mails a "certified copy" of it with a forger's summary, its issuer printed
    "SỞ ⲦƯ PHÁP" (Coptic TAU U+2CA6) or "SỞ TƯ ⲢHÁⲢ" (Coptic RO U+2CA2), in FreeSerif Bold, which draws them as T and
    P: the page shows "SỞ TƯ PHÁP". Observed: ACCEPTED, registered as number 2: the recalled letter's content back in
    the register. vntext.fold keeps Coptic letters (not in _LETTERS_ALIKE), so issuer_key, directory.by_issuer and
    may_be_one_issuer all miss the recalled line. Expected: held (`recalled`, or the issuer line's letters outside the
    Vietnamese alphabet flagged), nobody unproven answered. Fault: vntext/__init__.py fold (a finite list of
    look-alikes; foreign_letters is asked of certificates only, never of a page's issuer line) used by
    registry/register_line.py issuer_key and gateway/decision/issuers.py may_be_one_issuer."""
    from test_redteam106 import _held_unanswered
    from test_redteam108 import _recalled_710, _reprinted_copy

    _recalled_710(world)
    [copy] = world.ingest(_reprinted_copy(world, "copy", issuer, font))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


SKHDT = "vanthu@skhdt.bacgiang.gov.vn"


def _with_skhdt(world: World) -> None:
    """Sở Kế hoạch và Đầu tư in the directory (a name with a K)."""
    path = world.root / "directory.csv"
    path.write_text(path.read_text(encoding="utf-8") + f"000.00.17.H06,Sở Kế hoạch và Đầu tư tỉnh Bắc Giang,{SKHDT},"
                    "Sở Kế hoạch và Đầu tư,\"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh\"\n", encoding="utf-8")


@pytest.mark.parametrize(("cn", "named"), [("Sở \u212aế hoạch và Đầu tư tỉnh Bắc Giang", False),
                                           ("Sở Kế hoạch và Đầu tư tỉnh Bắc Giang", True)],
                         ids=["kelvin-K", "held-plain-K"])
def test_a_certificate_spelling_the_agency_with_a_kelvin_sign_never_speaks_for_it(
        world: World, cn: str, named: bool) -> None:
    """FINDING (low) for "kelvin-K"; HELD for "held-plain-K". Attack (red team 106's threat: a trusted CA that refuses a
    name an agency already holds and issues a look-alike): a certificate "Sở \u212aế hoạch và Đầu tư tỉnh Bắc Giang",
    its K the KELVIN SIGN U+212A (a different code point: a CA comparing strings issues it), signing a letter headed
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" mailed from a mailbox nothing proves. Observed: ACCEPTED with legal value as Sở Kế hoạch và
    Đầu tư's. vntext.foreign_letters looks at the NFD form, and U+212A's canonical decomposition is "K": the name is
    judged as it looks, not as written (the rule red teams 106 and 108 set for certificates). Expected: signer-not-issuer,
    nothing registered. Fault: vntext/__init__.py foreign_letters (NFD before the test; compare `text` itself against
    NFC, or refuse any character whose NFC differs from itself and is not a Vietnamese letter)."""
    _with_skhdt(world)
    pdf = _signed_by(world, cn, "UBND tỉnh Bắc Giang", "12/SKHĐT-VP", issuer="SỞ KẾ HOẠCH VÀ ĐẦU TƯ")
    [out] = world.ingest(world.mail("kelvin", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    if named:
        assert out["verdict"] == "accepted" and out["incoming_number"] == 1, (out["verdict"], _codes(out))
        return
    assert out["incoming_number"] is None, (out["verdict"], _codes(out))
    assert "signer-not-issuer" in _codes(out)
    assert all(r["to"] not in (SKHDT, EVIL) for r in out["replies"])


# ================================================================================================== the turn of the year

def test_a_document_dated_after_the_evening_it_reached_us_is_pointed_out(world: World) -> None:
    """FINDING (low-medium). Sở Tư pháp's scan 1/STP-VP dated 02/01/2026 (a day in the next year) delivered from its
    proven mailbox on Wednesday 31/12/2025 at 20:00 Vietnam time (after office hours). Observed: registered with no
    word: received_at is moved to the next office hours (02/01/2026 07:30) and rules.dated_after_receipt compares the
    printed date with that moved day, not with the day the mail reached the server: a document dated up to the next
    working day (over New Year, or up to ten days over Tết) is silently registered in the new year's register, its key
    next year's number of its issuer — the case the warning was made for (red team 107). Expected: `date-after-receipt`
    (a document cannot be issued after it reached us). Fault: gateway/intake/pipeline.py Intake.decide_on
    (`received.astimezone(tz).date()`, the office-hours time; it should be the delivery's local day)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    evening = datetime(2025, 12, 31, 20, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Wednesday, after office hours
    pdf = world.scanned(world.document(number="1/STP-VP", date=(2, 1, 2026)), dpi=200)
    [out] = world.ingest(world.mail("ahead", auth="smtp", attachments=[("1-STP-VP.pdf", pdf)], date=evening,
                                    received_at=evening))
    assert out["verdict"] == "accepted" and out["document"]["date"] == "2026-01-02", out
    assert out["delivered_at"][:10] == "2025-12-31", out
    assert "date-after-receipt" in _codes(out), (out["received_at"], out["reasons"])


def test_a_mails_own_earlier_date_of_this_year_is_not_its_receipt(world: World) -> None:
    """FINDING (low-medium). Red team 107's case one step over: `ingest FILE` of Sở Tư pháp's genuine signed letter
    saved without the server's Received line (a file brought on a stick), its Date: written by the sender's client as
    2 January of THIS year (a wrong clock, or a sender who wants it received in time for a deadline).
    Observed: received_at "2026-01-02T09:00:00+07:00" (the sender's Date), registered as received in January while
    it is numbered after every letter received since: the register's order of receipt (NĐ 30/2020 Đ22.2) and the legal
    receive time (002 Đ7.1.b) are the sender's word. Intake._delivered now ignores a Date of another year only.
    Expected: as for another year's Date (red team 107) and a future one (red team 40): the time of processing, since
    nothing but the sender's word says when it reached us. Fault: gateway/intake/pipeline.py Intake._delivered
    (`facts.date` used when of this year)."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    this_year = datetime.now(vn).year
    pdf = world.signed("stp", world.document(number="205/STP-VP"))
    raw = world.mail("early", attachments=[("cv.pdf", pdf)], date=datetime(this_year, 1, 2, 9, 0, tzinfo=vn)).read_bytes()
    assert raw.startswith(b"Received:")
    path = world.root / "mails" / "early-noreceived.eml"
    path.write_bytes(raw.split(b"\r\n", 1)[1])
    before = datetime.now(timezone.utc)
    [out] = world.ingest(path)
    assert out["verdict"] == "accepted", out
    received = datetime.fromisoformat(out["received_at"])
    assert received >= before - timedelta(days=4), out["received_at"]  # (moved to office hours: a weekend at most)


def test_held_a_document_dated_the_next_day_delivered_in_office_hours_of_31_december_is_pointed_out(world: World) -> None:
    """HELD (control for the evening test above; `date-after-receipt` had no test): Sở Tư pháp's scan dated 01/01/2026
    delivered on 31/12/2025 at 10:00 Vietnam time (03:00 UTC) from its proven mailbox: registered in 2025's register
    with the warning; the same scan dated 31/12/2025 has none."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    morning = datetime(2025, 12, 31, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    outs = world.ingest(*(world.mail(f"m{day}", auth="smtp", date=morning, received_at=morning, attachments=[(
        f"{n}.pdf", world.scanned(world.document(number=f"{n}/STP-VP", date=date), dpi=200))])
        for n, day, date in ((7, "next", (1, 1, 2026)), (8, "same", (31, 12, 2025)))))
    assert [(o["verdict"], o["received_at"][:10]) for o in outs] == [("accepted", "2025-12-31")] * 2, outs
    assert "date-after-receipt" in _codes(outs[0]) and "date-after-receipt" not in _codes(outs[1])


SLDTBXH = "vanthu@sldtbxh.bacgiang.gov.vn"
LDTBXH_EN_DASH = "SỞ LAO ĐỘNG \u2013 THƯƠNG BINH VÀ XÃ HỘI"  # as the Sở's name is printed (an en dash)


def _ldtbxh_recalled(world: World) -> None:
    """Sở Lao động – Thương binh và Xã hội (en dash) in the directory; its signed 88/SLĐTBXH-VP registered from its
    own mailbox, then recalled by it."""
    from gateway.exchange.status import RECALL

    path = world.root / "directory.csv"
    path.write_text(path.read_text(encoding="utf-8") + f"000.00.18.H06,Sở Lao động \u2013 Thương binh và Xã hội tỉnh Bắc "
                    f"Giang,{SLDTBXH},Sở Lao động \u2013 Thương binh và Xã hội,\"Sở, ban, ngành\"\n", encoding="utf-8")
    cn = "Sở Lao động \u2013 Thương binh và Xã hội"
    signer = world.pki.signers.get(cn) or world.pki.signer(cn, "UBND tỉnh Bắc Giang")
    from test_redteam65 import GENUINE

    pdf = sign_pdf(world.document(number="88/SLĐTBXH-VP", issuer=LDTBXH_EN_DASH, summary=GENUINE), signer, world.pki)
    [own] = world.ingest(world.mail("own88", sender=SLDTBXH, headers={"X-QLVB-Document-Id": "SLDTBXH-2026.88"},
                                    attachments=[("88.pdf", pdf)]))
    assert own["verdict"] == "accepted", (own["verdict"], _codes(own))
    world.ingest(world.mail("recall88", sender=SLDTBXH, subject="Thu hồi văn bản SLDTBXH-2026.88",
                            body="Đề nghị thu hồi văn bản đã gửi.\n", headers={
                                "X-QLVB-Status": RECALL, "X-QLVB-Document-Id": "SLDTBXH-2026.88",
                                "X-QLVB-Recall-Reason": "Sai"}))
    assert [d.recalled for d in world.documents()] == [True]


@pytest.mark.parametrize("issuer", ["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SỞ LAO ĐỘNG \u2010 THƯƠNG BINH VÀ XÃ HỘI",
                                    "SỞ LAO ĐỘNG \u2212 THƯƠNG BINH VÀ XÃ HỘI", LDTBXH_EN_DASH],
                         ids=["hyphen-minus", "unicode-hyphen", "minus-sign", "held-en-dash"])
def test_held_a_copy_of_a_recalled_letter_printing_its_issuers_dash_otherwise_is_held(
        world: World, issuer: str) -> None:
    """HELD: Sở Lao động – Thương binh và Xã hội (in the directory, its name with an en dash) registers its 88/SLĐTBXH-VP
    and recalls it; a firm's "certified copy" with a forger's summary printing the issuer's dash as "-", U+2010 or
    U+2212 (or the en dash itself): held, nobody unproven answered, the recalled line alone (fold no longer maps dashes
    since red team 108, but a directory agency's copies are found through the agency)."""
    from test_redteam106 import _held_unanswered
    from test_redteam65 import FORGED
    from world import certified_copy

    _ldtbxh_recalled(world)
    firm = world.pki.signers.get("Công ty TNHH Minh Phát") or world.pki.signer("Công ty TNHH Minh Phát",
                                                                              "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(number="88/SLĐTBXH-VP", issuer=issuer, summary=FORGED),
                          "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    [copy] = world.ingest(world.mail("copy", sender=EVIL, auth=None,
                                     attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))]))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


def test_held_the_same_letter_printing_its_issuers_dash_as_a_hyphen_is_its_duplicate(world: World) -> None:
    """HELD: the same agency's same letter signed again with its issuer printed "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" (a
    hyphen for the en dash): the first one's duplicate."""
    from test_redteam65 import GENUINE

    path = world.root / "directory.csv"
    path.write_text(path.read_text(encoding="utf-8") + f"000.00.18.H06,Sở Lao động \u2013 Thương binh và Xã hội tỉnh Bắc "
                    f"Giang,{SLDTBXH},Sở Lao động \u2013 Thương binh và Xã hội,\"Sở, ban, ngành\"\n", encoding="utf-8")
    cn = "Sở Lao động \u2013 Thương binh và Xã hội"
    signer = world.pki.signers.get(cn) or world.pki.signer(cn, "UBND tỉnh Bắc Giang")
    outs = []
    for i, issuer in enumerate((LDTBXH_EN_DASH, "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")):
        pdf = sign_pdf(world.document(number="89/SLĐTBXH-VP", issuer=issuer, summary=GENUINE), signer, world.pki)
        outs += world.ingest(world.mail(f"l{i}", sender=SLDTBXH, attachments=[("89.pdf", pdf)]))
    assert outs[0]["verdict"] == "accepted", (outs[0]["verdict"], _codes(outs[0]))
    assert (outs[1]["verdict"], outs[1]["duplicate_of"]) == ("duplicate", 1), (outs[1]["verdict"], _codes(outs[1]))


@pytest.mark.parametrize("again", ["SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SỞ LAO ĐỘNG \u2014 THƯƠNG BINH VÀ XÃ HỘI",
                                   LDTBXH_EN_DASH], ids=["hyphen", "em-dash", "held-en-dash-again"])
def test_the_same_letter_of_an_issuer_outside_the_directory_printing_its_dash_otherwise_is_its_duplicate(
        world: World, again: str) -> None:
    """FINDING (low-medium). Lâm Đồng's Sở Lao động – Thương binh và Xã hội (an issuer outside our directory) sends its
    90/SLĐTBXH-VP, signed with its trusted certificate, its issuer printed with the usual en dash; then the same letter
    (same number, date, summary, signer) whose issuer line has a hyphen or an em dash (another rendering, or the scan's
    OCR, which reads an en dash as "-"). Observed: the second is ACCEPTED as a new line, number 2, no word of the first
    (the en dash again is, rightly, `duplicate`). registry/register_line.py issuer_key is fold(issuer) / fold(parent),
    and vntext.fold no longer maps dashes (red team 108's change: "a name's dashes as stored keys have them"), so
    "SO LAO DONG – THUONG BINH…" and "SO LAO DONG - THUONG BINH…" are two issuers: NĐ 30/2020 Phụ lục VI's warning on a
    duplicate (number and symbol, issuer) is lost, one document holds two incoming numbers. (A directory agency is
    found through the agency: held above.) Expected: `duplicate` of number 1. Fix: fold dashes in issuer_key (all dash
    look-alikes to "-", or the squash of the name), the stored keys migrated once, rather than keep a key whose
    spelling of a dash decides identity."""
    from test_redteam65 import GENUINE

    cn = "Sở Lao động \u2013 Thương binh và Xã hội"
    signer = world.pki.signer(cn, "UBND tỉnh Lâm Đồng")
    outs = []
    for i, issuer in enumerate((LDTBXH_EN_DASH, again)):
        pdf = sign_pdf(world.document(number="90/SLĐTBXH-VP", issuer=issuer, summary=GENUINE, issuer_parent="UBND TỈNH LÂM ĐỒNG",
                                      place="Lâm Đồng", recipients=LAM_DONG_BLOCK), signer, world.pki)
        outs += world.ingest(world.mail(f"l{i}", sender="vanthu@sldtbxh.lamdong.gov.vn", attachments=[("90.pdf", pdf)]))
    assert outs[0]["verdict"] == "accepted", (outs[0]["verdict"], _codes(outs[0]))
    assert (outs[1]["verdict"], outs[1]["duplicate_of"]) == ("duplicate", 1), (outs[1]["verdict"], _codes(outs[1]))


FREESERIF = "/usr/share/fonts/truetype/freefont/FreeSerif.ttf"  # draws Coptic (Ⲛ U+2C9A) in the parent line's weight


@pytest.mark.parametrize("parent", ["UBND TỈNH LÂM ĐỒ\u2c9aG", "UBND TỈNH LÂM ĐỒNG"], ids=["coptic-N", "held-plain"])
def test_another_provinces_certificate_never_speaks_for_an_issuer_whose_printed_place_it_cannot_read(
        world: World, parent: str) -> None:
    """FINDING (medium) for "coptic-N"; HELD for "held-plain". The other face of the first finding, from the page's side.
    Attack: a letter headed "UBND TỈNH LÂM ĐỒNG / SỞ NGOẠI VỤ" (an issuer outside our directory) whose parent line's N
    is Coptic NI (U+2C9A, drawn as N by FreeSerif: the page shows "UBND TỈNH LÂM ĐỒNG", its place line "Lâm Đồng,
    ngày …"), signed with a trusted certificate of ANOTHER province's body of that name (CN "Sở Ngoại vụ", O "UBND tỉnh
    Bắc Ninh", L "Bắc Ninh": an insider there, or any CA customer so named), mailed from a mailbox nothing proves.
    Observed: ACCEPTED, number 1, legal value by signature, registered as the document of "SỞ NGOẠI VỤ" under "UBND
    TỈNH LÂM ĐỒNG" (the clerk reads Lâm Đồng's). Issuer.places is place_of(name) or place_of(parent) = place_of(fold(…))
    -> fold keeps the Coptic letter -> None -> an empty set, and _names_issuer only refuses when BOTH place sets are
    non-empty and disjoint. (The same page with a plain N is refused: Lâm Đồng ≠ Bắc Ninh.)
    Expected: signer-not-issuer, nothing registered: a printed place the gateway cannot read is no licence for a
    certificate of any place. Fault: gateway/decision/issuers.py _names_issuer (empty `issuer.places` passes) and
    Issuer.places (a parent line with letters outside the Vietnamese alphabet read as "no place")."""
    from test_redteam108 import _reprinted

    page = world.document(number="31/SNgV-VP", issuer="SỞ NGOẠI VỤ", issuer_parent="UBND TỈNH LÂM ĐỒNG", place="Lâm Đồng",
                          recipients=LAM_DONG_BLOCK)
    page = _reprinted(page, "UBND TỈNH LÂM ĐỒNG", parent, FREESERIF)
    signer = world.pki.signer("Sở Ngoại vụ", "UBND tỉnh Bắc Ninh", locality="Bắc Ninh")  # Bắc Ninh's own Sở Ngoại vụ
    pdf = sign_pdf(page, signer, world.pki)
    [out] = world.ingest(world.mail("sngv", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None, (out["verdict"], out["document"].get("issuer"), _codes(out))
