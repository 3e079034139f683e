"""Red team 106: Unicode in the legal-value decision (NFC/NFD, tone placement, look-alike letters of other scripts,
zero-width and compatibility characters) in certificates, the printed issuer, numbers, the register's duplicate and
recall keys, and vntext's folding. Failing tests are faults found; tests labelled "held" are attacks that held."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import sign_pdf
from rt106_certs import with_cn_bytes_swapped
from test_redteam65 import FORGED, _own, _recall
from world import STP, World, certified_copy

from vntext import as_printed, fold, nfc, notation_key, squash


def _firms_copy(world: World, name: str, **document: object):
    """A firm's "certified copy" (SAO Y) of a document laid out with `document`'s particulars and the forger's summary,
    signed with the firm's own genuine certificate, mailed from a mailbox nothing proves."""
    firm = world.pki.signer("Công ty TNHH Minh Phát", "Công ty TNHH Minh Phát")
    fake = certified_copy(world.document(summary=FORGED, **document), "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    return world.mail(name, sender="someone@evil.example", auth=None,
                      attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))])


def _held_unanswered(outcome: dict) -> None:
    assert outcome["verdict"] == "quarantined" and outcome["incoming_number"] is None, (
        outcome["verdict"], outcome["incoming_number"], [r["code"] for r in outcome["reasons"]])
    assert all(r["to"] != "someone@evil.example" for r in outcome["replies"])


# ---------------------------------------------------------------------------------------------------------- faults

@pytest.mark.parametrize("issuer", ["SỞ \u0422Ư PHÁP", "\u0405Ở TƯ PHÁP"], ids=["cyrillic-Te", "cyrillic-Dze"])
def test_a_copy_of_a_recalled_letter_printing_its_issuer_with_lookalike_letters_is_never_registered(
        world: World, issuer: str) -> None:
    """Attack: Sở Tư pháp's 710/STP-VP (20/11/2026) is registered, then recalled by its issuer. A firm mails a
    "certified copy" of it carrying the forger's summary, its header's issuer written "SỞ ТƯ PHÁP" with a Cyrillic Т
    (U+0422) or "ЅỞ" with a Cyrillic Dze (U+0405): the page shows "SỞ TƯ PHÁP", number and date the recalled letter's.

    Observed: ACCEPTED, a new incoming number, the forger's summary in the register under the recalled number. The
    number's look-alikes are mapped (vntext.as_printed) and held (red team 68), the issuer's are not:
    `registry.register_line.issuer_key` folds with `vntext.fold` (no look-alike map), `Directory.by_issuer`'s `squash`
    drops the Cyrillic letter ("OTUPHAP": no agency, so no agency_key way), and `issuers.may_be_one_issuer` compares
    fold()ed words ("ТU" is not "TU"). Every way to the recalled line misses.

    Expected: as for a copy whose number is so written: never registered; held (recalled, or hidden-text / look-alike),
    nobody unproven answered.

    Severity: high (a recall dodged: a forged copy of a withdrawn document registered under its number).
    Fault: registry/register_line.py issuer_key (fold without as_printed), gateway/decision/issuers.py
    may_be_one_issuer, gateway/directory.py by_issuer (squash drops other scripts' letters); or the reader should flag
    an issuer line of look-alike letters as it flags the number (gateway/reading/__init__.py garbled_notation)."""
    world.ingest(_own(world, "710/STP-VP"))
    world.ingest(_recall(world, "STP-2026.710"))
    [copy] = world.ingest(_firms_copy(world, "copy", number="710/STP-VP", issuer=issuer))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060\u00ad"], ids=["zwsp", "wj-shy"])
def test_a_copy_of_a_recalled_letter_with_an_invisible_character_in_its_issuer_and_another_day_is_never_registered(
        world: World, invisible: str) -> None:
    """Attack: Sở Tư pháp's 720/STP-VP dated 20/11/2026, registered then recalled. A firm's "copy" of it, the forger's
    summary, its issuer "SỞ TƯ<U+200B> PHÁP" (a zero-width space: the page shows "SỞ TƯ PHÁP") and dated 21/11/2026.

    Observed: ACCEPTED and registered. A recalled number is the issuer's for the whole year (red team 77), but of the
    recall ways: the printed-issuer way compares issuer_key, which keeps the zero-width space (fold() strips neither
    Default_Ignorable characters nor look-alikes); the agency way needs the very date; the copy fallback
    (recalled_of_number + may_be_one_issuer) compares fold()ed words, "TU\\u200b" is not "TU". The same copy without
    the invisible character is held `recalled`.

    Expected: held (recalled), nobody unproven answered; an issuer key is taken "as printed" as the number's is.

    Severity: high (a recall dodged with one invisible character).
    Fault: registry/register_line.py issuer_key and gateway/decision/issuers.py may_be_one_issuer use vntext.fold, which
    keeps U+200B/U+2060/U+00AD (vntext/__init__.py fold: no _IGNORABLE removal)."""
    world.ingest(_own(world, "720/STP-VP"))
    world.ingest(_recall(world, "STP-2026.720"))
    [control] = world.ingest(_firms_copy(world, "control", number="720/STP-VP", date=(21, 11, 2026)))
    assert "recalled" in {r["code"] for r in control["reasons"]}
    [copy] = world.ingest(_firms_copy(world, "copy", number="720/STP-VP", issuer=f"SỞ TƯ{invisible} PHÁP",
                                      date=(21, 11, 2026)))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


@pytest.mark.parametrize("name", ["Sở Tư pháp tỉnh Bắc Gıang", "Sở Tư pháp t\u0131\u0309nh Bắc Giang"],
                         ids=["dotless-i", "dotless-i-hook"])
def test_a_certificate_named_with_a_dotless_i_never_speaks_for_the_agency(world: World, name: str) -> None:
    """Attack: a certificate of the trusted CA whose CN and O are "Sở Tư pháp tỉnh Bắc Gıang" (Turkish dotless ı,
    U+0131) or "…tı̉nh…" (ı + combining hook above: drawn exactly as "tỉnh", a soft-dotted i loses its dot under a mark),
    a name a CA checking for an existing "Sở Tư pháp tỉnh Bắc Giang" takes for another; it signs a letter headed "SỞ TƯ
    PHÁP", mailed from a mailbox nothing proves.

    Observed: ACCEPTED on the signature as Sở Tư pháp's, registered with legal value and Sở Tư pháp thanked: fold()
    upper-cases "ı" to "I" (str.upper), so squash() spells the directory's name. (Cyrillic, Greek or fullwidth
    look-alikes, and zero-width characters, in the CN are refused: signer-not-issuer.)

    Expected: a certificate name written with letters no Vietnamese name holds names no agency (signer-not-issuer).

    Severity: medium (needs a trusted CA to issue the look-alike name; then a stranger's certificate is the agency's).
    Fault: vntext/__init__.py fold/squash (upper() before the ASCII filter maps ı, ſ, ﬁ, K (Kelvin) to Latin) used by
    gateway/directory.py by_certificate_name / by_listed_certificate."""
    stranger = world.pki.signer(name, name)
    pdf = sign_pdf(world.document(number="330/STP-VP"), stranger, world.pki)
    [out] = world.ingest(world.mail("dotless", sender="someone@evil.example", auth=None, attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None, (out["verdict"], [r["code"] for r in out["reasons"]])
    assert "signer-not-issuer" in {r["code"] for r in out["reasons"]}
    assert all(r["to"] not in (STP, "someone@evil.example") for r in out["replies"])


@pytest.mark.parametrize("notation", ["15/sтp-vp", "15/qđ-bcα", "15/µ-VP"], ids=["cyrillic-te", "greek-alpha", "micro"])
def test_notation_key_maps_a_small_lookalike_as_its_capital(notation: str) -> None:
    """Attack: a number written in small letters (NĐ 30/2020 lets a copy write "5/stp-vp"; red team 65) with a small
    Cyrillic т (U+0442), a Greek α (U+03B1), or the micro sign µ.

    Observed: notation_key is not idempotent: "15/sтp-vp" keys "15/SТP-VP" (a Cyrillic capital Т: the look-alike map
    runs before upper(), and maps the capital Т but not the small т), and the key of that key is "15/STP-VP"; so
    "15/SТP-VP" is 15/STP-VP's duplicate and "15/sтp-vp" is not. Likewise α → Α (Greek capital), µ → μ → Μ. Found by
    hypothesis (notation_key(notation_key(x)) != notation_key(x)).

    Expected: notation_key(notation_key(x)) == notation_key(x); a small look-alike keyed as its capital is.

    Severity: low (the reader holds such a number as a look-alike, garbled_notation; the key itself is inconsistent
    for the clerk's `register add`, the search and any caller that does not read the page).
    Fault: vntext/__init__.py notation_key (upper() after as_printed's translate; translate after upper, or map the
    small letters too)."""
    key = notation_key(notation)
    assert notation_key(key) == key
    assert key.isascii() or "Đ" in key


def test_a_genuine_letter_whose_text_layer_writes_a_lookalike_issuer_is_not_said_to_be_anothers(world: World) -> None:
    """Attack/accident: Sở Tư pháp's genuine letter, signed with its own certificate and mailed from its own mailbox,
    whose text layer writes the issuer "SỞ ТƯ PHÁP" with a Cyrillic Т (a font's or converter's glyph map; the page
    shows "SỞ TƯ PHÁP").

    Observed: RETURNED to Sở Tư pháp with `signer-not-issuer` and `sender-not-issuer`: the agency is told its own
    certificate and mailbox are not the issuer's, which they are; the number written so is said to be a look-alike
    (hidden-text, red team 68), the issuer is not.

    Expected: either the look-alike mapped (as_printed) and the letter accepted, or a reason that says what is wrong
    (hidden-text / look-alike letters in the issuer), never that the issuer's own signature is another's.

    Severity: low (a genuine letter refused with a misleading reason).
    Fault: gateway/directory.py by_issuer (squash drops other scripts' letters), gateway/reading (no look-alike check of
    the issuer line)."""
    pdf = world.signed("stp", world.document(number="340/STP-VP", issuer="SỞ \u0422Ư PHÁP"))
    [out] = world.ingest(world.mail("own", attachments=[("a.pdf", pdf)]))
    codes = {r["code"] for r in out["reasons"]}
    assert out["verdict"] == "accepted" or ("hidden-text" in codes and "signer-not-issuer" not in codes), (
        out["verdict"], codes)


# ------------------------------------------------------------------------------------------------------------ held

def test_held_the_same_letter_with_its_issuer_written_otherwise_is_its_duplicate(world: World) -> None:
    """Held: Sở Tư pháp's 15/STP-VP, then the same letter (same date) with its issuer in NFD, with a soft hyphen, a word
    joiner, a zero-width space: each a duplicate of the first (the agency way: the directory's agency and the date)."""
    mails = [world.mail(f"m{i}", attachments=[("a.pdf", world.signed("stp", world.document(number="15/STP-VP", issuer=i_)))])
             for i, i_ in enumerate(["SỞ TƯ PHÁP", unicodedata.normalize("NFD", "SỞ TƯ PHÁP"), "SỞ TƯ PH\u00adÁP",
                                     "SỞ TƯ PHÁP\u2060", "SỞ TƯ\u200b PHÁP"])]
    outs = world.ingest(*mails)
    assert outs[0]["verdict"] == "accepted"
    assert [(o["verdict"], o["duplicate_of"]) for o in outs[1:]] == [("duplicate", 1)] * 4


@pytest.mark.parametrize("name", ["Sở Tư pháp tỉnh Bắc Giang\u200b", "Sở Tư pháp tỉnh Bắc GiangЖ",
                                  "\u0405ở Tư pháp tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang \u202eX",
                                  "Sở Tư pháp tỉnh Bắc Giang."])
def test_held_a_certificate_with_lookalike_or_invisible_letters_is_not_the_agencys(world: World, name: str) -> None:
    """Held: a trusted CA's certificate named Sở Tư pháp's name with a zero-width space, a Cyrillic letter added or in
    the place of a Latin one, a bidi override, a full stop: never Sở Tư pháp's (signer-not-issuer, held)."""
    pdf = sign_pdf(world.document(number="331/STP-VP"), world.pki.signer(name, name), world.pki)
    [out] = world.ingest(world.mail("c", sender="someone@evil.example", auth=None, attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None and "signer-not-issuer" in {r["code"] for r in out["reasons"]}
    assert all(r["to"] not in (STP, "someone@evil.example") for r in out["replies"])


def test_held_the_agencys_certificate_named_in_nfd_is_its_own(world: World) -> None:
    """Held: Sở Tư pháp's certificate whose CN and O are written decomposed (NFD): its letter accepted, registered."""
    name = unicodedata.normalize("NFD", "Sở Tư pháp tỉnh Bắc Giang")
    pdf = sign_pdf(world.document(number="332/STP-VP"), world.pki.signer(name, name), world.pki)
    [out] = world.ingest(world.mail("nfd", attachments=[("a.pdf", pdf)]))
    assert out["verdict"] == "accepted" and out["incoming_number"] == 1


@pytest.mark.parametrize("tag,raw", [(0x1e, b"\xd8\x00" + b"\x00A" * 4), (0x0c, b"S\xff\xfe" + b"A" * 7),
                                     (0x1e, b"\x00S" * 5), (0x1c, b"\x00\x11\x00\x00\x00\x00\x00AAA"),
                                     (0x14, b"S\x80\xc3" + b"A" * 7)],
                         ids=["bmp-lone-surrogate", "utf8-invalid", "bmp-odd", "universal-out-of-range", "teletex"])
def test_held_a_certificate_name_no_codec_decodes_is_a_reasoned_verdict(world: World, tag: int, raw: bytes) -> None:
    """Held: the signing certificate embedded in the signature has a CN no codec decodes (a BMPString with a lone
    surrogate, invalid UTF-8, a UniversalString beyond U+10FFFF, T.61 bytes): a reasoned verdict (returned,
    signature-invalid), never a traceback."""
    base = world.pki.signer("Công ty X", "Cty Y")
    pdf = with_cn_bytes_swapped(sign_pdf(world.document(number="333/STP-VP"), base, world.pki), world.pki, base, tag, raw)
    [out] = world.ingest(world.mail("raw", attachments=[("a.pdf", pdf)]))
    assert out["verdict"] in ("returned", "quarantined") and out["reasons"] and out["incoming_number"] is None


def test_held_tone_placement_tells_two_communes_apart() -> None:
    """Held: directory "UBND xã Phú Hòa" and "UBND xã Phú Hóa"; an issuer printed with the old placement "PHÚ HOÀ"
    (and NFD) is Phú Hòa's, never Phú Hóa's; "THUỶ"/"THỦY" alike."""
    from gateway.directory import AgencyEntry, Directory

    d = Directory([AgencyEntry("1", "UBND xã Phú Hòa", "a@x.vn"), AgencyEntry("2", "UBND xã Phú Hóa", "b@x.vn"),
                   AgencyEntry("3", "UBND xã Quảng Thủy", "c@x.vn"), AgencyEntry("4", "UBND xã Quảng Thúy", "d@x.vn")])
    assert d.by_issuer("UBND XÃ PHÚ HOÀ").code == "1"
    assert d.by_issuer(unicodedata.normalize("NFD", "UBND XÃ PHÚ HOÀ")).code == "1"
    assert d.by_issuer("UBND XÃ PHÚ HOÁ").code == "2"
    assert d.by_issuer("UBND XÃ QUẢNG THUỶ").code == "3"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=16)
_FUZZ = settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None, database=None)


@_FUZZ
@given(_TEXT)
def test_held_fold_squash_as_printed_nfc_are_idempotent(text: str) -> None:
    """Held (hypothesis): fold, squash, as_printed and nfc are idempotent."""
    for f in (fold, squash, as_printed, nfc):
        assert f(f(text)) == f(text)


@_FUZZ
@given(_TEXT)
def test_held_fold_squash_notation_key_agree_on_nfc_and_nfd(text: str) -> None:
    """Held (hypothesis): NFC and NFD spellings of any text fold, squash and key alike."""
    decomposed = unicodedata.normalize("NFD", text)
    for f in (fold, squash, notation_key):
        assert f(text) == f(decomposed)


@_FUZZ
@given(_TEXT)
def test_notation_key_is_idempotent(text: str) -> None:
    """Fault (hypothesis; see test_notation_key_maps_a_small_lookalike_as_its_capital): notation_key(notation_key(x))
    == notation_key(x). Fails on "µ", small Cyrillic/Greek look-alikes. Severity low. Fault: vntext notation_key."""
    assert notation_key(notation_key(text)) == notation_key(text)
