"""Red team 108: this session's changes (be33fbd..HEAD), both ways: vntext.fold's look-alike and invisible-character
mapping, vntext.foreign_letters on certificate names, analysis.signed_content's trusted preference and
PdfFacts.signed_revisions in Intake.recalled_files, and sources.Inbox leaving a mail the server will not give in the
inbox. Failing tests are faults found; tests labelled "held" are attacks (or genuine cases) that held."""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from gateway.demo.signing import sign_pdf
from test_daemon import servers  # noqa: F401  (the Dovecot and aiosmtpd fixture)
from world import STP, World

EVIL = "someone@evil.example"
LAM_DONG_BLOCK = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Nội vụ tỉnh Bắc Giang;"]


def _stored(world: World, digest: str) -> Path:
    return world.root / "store" / "sha256" / digest[:2] / digest


def _codes(out: dict[str, Any]) -> set[str]:
    return {r["code"] for r in out["reasons"]}


def _signed_by(world: World, name: str, organisation: str, number: str, **kw: Any) -> bytes:
    signer = world.pki.signer(name, organisation, unit=kw.pop("unit", None), locality=kw.pop("locality", None))
    return sign_pdf(world.document(number=number, **kw), signer, world.pki)


# ================================================================================================== findings

@pytest.mark.parametrize(("cn", "organisation", "locality"), [
    ("Sở Tư pháp", "UBND tỉnh Bắc G\u0456ang", None),             # O: Cyrillic small і (U+0456)
    ("Sở Tư pháp", "ỦY BAN NHÂN DÂN TỈNH BẮC G\u0406ANG", None),  # O: Cyrillic capital І (U+0406)
    ("Sở Tư pháp", "Công ty TNHH Minh Phát", "B\u0430c Giang"),    # L: Cyrillic а (U+0430), O a firm's
    ("Sở Tư pháp", "UBND tỉnh Bắc G\u0131ang", None),             # O: Turkish dotless ı (red team 106's letter)
], ids=["O-cyrillic-i", "O-cyrillic-I", "L-cyrillic-a", "O-dotless-i"])
def test_a_certificate_whose_o_or_l_spells_the_province_with_lookalike_letters_never_speaks_for_the_agency(
        world: World, cn: str, organisation: str, locality: str | None) -> None:
    """FINDING (medium). Attack: red team 106's threat (a trusted CA that refuses to issue a name an agency already
    has, and issues a look-alike of it) moved one attribute over: the CN is plain "Sở Tư pháp" (no place: a name
    dozens of provinces' Sở share, so no CA can refuse it), the province is only in the O ("UBND tỉnh Bắc Gіang" with a
    Cyrillic і) or the L ("Bаc Giang" with a Cyrillic а). The stranger signs a letter headed "UBND TỈNH BẮC GIANG / SỞ
    TƯ PHÁP", mailed from a mailbox nothing proves.

    Observed: registered with legal value as Sở Tư pháp Bắc Giang's, Sở Tư pháp thanked. foreign_letters() is asked of
    the deciding name only (directory.by_certificate_name); the place it is completed with comes from
    issuers.certificate_places -> directory.place_of -> vntext.fold, which since this session maps the Cyrillic і/а
    to Latin (and upper() maps the dotless ı): "BAC GIANG", so "Sở Tư pháp" + "tỉnh BAC GIANG" is the agency.
    The Cyrillic cases are new this session (checked against be33fbd: place_of gave None, the certificate spoke for
    nobody); the dotless ı in O was open before and red team 106's fix (the deciding name only) left it.

    Expected: a certificate whose O or L (whatever gives its place) holds letters no Vietnamese name is written with
    names no place, so no agency: signer-not-issuer, never registered, the forger and Sở Tư pháp never answered.

    Severity: medium (as red team 106's dotless ı: needs a trusted CA to issue the look-alike; then a stranger's
    certificate is the agency's). Fault: gateway/decision/issuers.py certificate_places (no foreign_letters on O/L),
    gateway/directory.py by_certificate_name (checks `name` only, trusts `places`)."""
    pdf = _signed_by(world, cn, organisation, "341/STP-VP", locality=locality)
    [out] = world.ingest(world.mail("o-lookalike", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None, (out["verdict"], _codes(out))
    assert "signer-not-issuer" in _codes(out)
    assert all(r["to"] not in (STP, EVIL) for r in out["replies"])


def test_a_lookalike_certificate_never_speaks_for_an_issuer_outside_the_directory(world: World) -> None:
    """FINDING (medium). Attack: a letter of Lâm Đồng's Sở Tư pháp (an issuer our directory does not hold: another
    province's), headed "UBND TỈNH LÂM ĐỒNG / SỞ TƯ PHÁP", addressed to our Sở Nội vụ, signed with a trusted CA's
    certificate "Sở Тư pháp tỉnh Lâm Đồng" (a Cyrillic Т, U+0422: a name the CA's check for an existing one lets
    through), mailed from a mailbox nothing proves.

    Observed: ACCEPTED and registered with legal value (basis signature). The certificate names no agency of the
    directory, so issuers.speaks_for falls to _names_issuer, which compares squash() of the certificate's name with
    the printed issuer: squash -> fold now maps the Cyrillic Т to T (this session), and _names_issuer never asks
    foreign_letters. Before this session squash dropped the Т ("SOUPHAP…") and the certificate spoke for nobody.
    (The same certificate with plain letters is, rightly, the issuer's: the held test below.)

    Expected: as for a directory agency (red team 106): a certificate's name with letters of another script names no
    issuer: signer-not-issuer, held, nobody unproven answered.

    Severity: medium (a new forgery this session opened: every issuer outside the directory, every ministry and
    other province, can be spoken for by a look-alike certificate). Fault: gateway/decision/issuers.py _names_issuer
    (squash without foreign_letters), with vntext.fold's look-alike map."""
    pdf = _signed_by(world, "Sở \u0422ư pháp tỉnh Lâm Đồng", "UBND tỉnh Lâm Đồng", "45/STP-VP",
                     issuer_parent="UBND TỈNH LÂM ĐỒNG", place="Lâm Đồng", recipients=LAM_DONG_BLOCK)
    [out] = world.ingest(world.mail("ld-lookalike", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None, (out["verdict"], out["basis"] if "basis" in out else None, _codes(out))
    assert "signer-not-issuer" in _codes(out)
    assert all(r["to"] != EVIL for r in out["replies"])


DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # draws the Lisu capitals (and Vietnamese)
FREESERIF_BOLD = "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf"  # draws Cherokee (and Vietnamese)


def _reprinted(pdf: bytes, old: str, new: str, font: str) -> bytes:
    """`pdf` with its first `old` taken out (a redaction) and `new` printed in its place in `font`, a font that draws
    each of its letters (the kit's Times-like font has no Lisu or Cherokee glyphs: its text layer would say NUL)."""
    import pymupdf

    doc = pymupdf.open(stream=pdf, filetype="pdf")
    page = doc[0]
    rect = page.search_for(old)[0]
    page.add_redact_annot(rect)
    page.apply_redactions(images=0)
    page.insert_font(fontname="lk", fontfile=font)
    page.insert_text((rect.x0, rect.y1 - 3.2), new, fontname="lk", fontsize=13)
    return doc.tobytes()


def _reprinted_copy(world: World, name: str, issuer: str, font: str) -> Path:
    """A firm's "certified copy" of 710/STP-VP with the forger's summary, its header's issuer printed `issuer` in
    `font`, signed by the firm's genuine certificate, from a mailbox nothing proves (red team 106's attack)."""
    from test_redteam65 import FORGED
    from world import certified_copy

    firm = world.pki.signers.get("Công ty TNHH Minh Phát") or world.pki.signer("Công ty TNHH Minh Phát",
                                                                              "Công ty TNHH Minh Phát")
    page = _reprinted(world.document(number="710/STP-VP", summary=FORGED), "SỞ TƯ PHÁP", issuer, font)
    fake = certified_copy(page, "CÔNG TY TNHH MINH PHÁT", "", "11/SY-MP")
    return world.mail(name, sender=EVIL, auth=None, attachments=[("sao-y.pdf", sign_pdf(fake, firm, world.pki))])


def _recalled_710(world: World) -> None:
    from test_redteam65 import _own, _recall

    world.ingest(_own(world, "710/STP-VP"))
    world.ingest(_recall(world, "STP-2026.710"))
    assert [d.recalled for d in world.documents()] == [True]


@pytest.mark.parametrize(("issuer", "font"), [("SỞ \ua4d4Ư PHÁP", DEJAVU_BOLD), ("\ua4e2Ở TƯ PHÁP", DEJAVU_BOLD),
                                              ("SỞ \u13a2Ư PHÁP", FREESERIF_BOLD)],
                         ids=["lisu-T", "lisu-S", "cherokee-T"])
def test_a_copy_of_a_recalled_letter_printing_its_issuer_with_lookalikes_the_map_lacks_is_never_registered(
        world: World, issuer: str, font: str) -> None:
    """FINDING (high). Attack: red team 106's, with look-alikes vntext._LOOKALIKES does not list. Sở Tư pháp's
    710/STP-VP is registered, then recalled. A firm mails a "certified copy" of it with the forger's summary, its
    issuer printed "SỞ ꓔƯ PHÁP" (Lisu letter TA, U+A4D4, drawn as a Latin capital T: the Lisu alphabet is the Latin
    capitals' shapes), "ꓢỞ TƯ PHÁP" (Lisu SA: an S) or "SỞ ᎢƯ PHÁP" (Cherokee I, U+13A2: a T), in fonts that draw them
    (DejaVu Sans Bold, FreeSerif Bold): the page shows "SỞ TƯ PHÁP".

    Observed: ACCEPTED, registered with a new number: the forger's summary under the recalled number. This session's
    fix maps 26 Cyrillic and 21 Greek letters (fold -> _LOOKALIKES) and nothing else: fold() keeps these letters,
    squash() drops them ("SOUPHAP": no agency, so no agency way), issuer_key keeps them, may_be_one_issuer's words
    differ: every way to the recalled line misses, as red team 106 found with a Cyrillic Т. (The same copy reprinted
    with plain letters in the same font is held `recalled`: the held test below. Fullwidth and mathematical letters,
    which as_printed's NFKC makes plain in a number, fold() keeps too.)

    Expected: held (recalled, or the issuer line's foreign letters flagged as a number's are: hidden-text), nobody
    unproven answered. A list of look-alikes is never complete: an issuer line holding letters outside the Vietnamese
    alphabet (vntext.foreign_letters, as certificates now are) should be a look-alike finding, or fold should take a
    confusables skeleton (Unicode TR39) after NFKC.

    Severity: high (a recall dodged, red team 106's attack with another alphabet). Fault: vntext/__init__.py fold
    (_LOOKALIKES incomplete, no NFKC), used by registry/register_line.py issuer_key, gateway/directory.py by_issuer,
    gateway/decision/issuers.py may_be_one_issuer; gateway/reading (no look-alike check of the issuer line)."""
    from test_redteam106 import _held_unanswered

    _recalled_710(world)
    [copy] = world.ingest(_reprinted_copy(world, "copy", issuer, font))
    _held_unanswered(copy)
    assert [d.recalled for d in world.documents()] == [True]


def test_held_the_reprinted_copy_in_plain_letters_is_held_recalled(world: World) -> None:
    """HELD (control for the test above): the same copy, its issuer reprinted "SỞ TƯ PHÁP" in plain letters in DejaVu
    Sans Bold: held, `recalled`."""
    from test_redteam106 import _held_unanswered

    _recalled_710(world)
    [copy] = world.ingest(_reprinted_copy(world, "copy", "SỞ TƯ PHÁP", DEJAVU_BOLD))
    _held_unanswered(copy)
    assert "recalled" in _codes(copy)


@pytest.mark.parametrize("mark", ["\ua4dfẬ\ua4d4", "\ua4d4Ố\ua4f2 \ua4dfẬ\ua4d4"], ids=["lisu-mat", "lisu-toi-mat"])
def test_a_secrecy_mark_in_lisu_capitals_is_still_read(mark: str) -> None:
    """FINDING (medium). The header's "MẬT" stamp typed "ꓟẬꓔ" (Lisu MA and TA, drawn as M and T) in a font that draws
    them (DejaVu Sans Bold). Observed: no secrecy read (the same stamp reprinted "MẬT" in that font is "Mật").
    particulars._LOOK_ALIKES lists Cyrillic and Greek capitals only. Expected: "Mật"/"Tối mật": the secret letter never
    registered nor stored (002 Đ16.7). Severity: medium (who types a secret mark in Lisu wants it registered: the
    sender's own leak; a stamp image would be read). Fault: gateway/reading/particulars.py _LOOK_ALIKES / mark_of."""
    from kit import DocumentSpec, render_document
    from test_redteam50 import particulars

    secret = "Tối mật" if " " in mark else "Mật"
    plain = render_document(DocumentSpec(number="511/STP-VP", secrecy=secret))
    assert particulars(_reprinted(plain, secret.upper(), secret.upper(), DEJAVU_BOLD)).secrecy == secret  # control
    assert particulars(_reprinted(plain, secret.upper(), mark, DEJAVU_BOLD)).secrecy == secret


@pytest.mark.parametrize("mark,kind,expected", [
    ("M\u200bẬT", "secrecy", "Mật"), ("MẬ\u2060T", "secrecy", "Mật"),
    pytest.param("TỐI M\ufeffẬT", "secrecy", "Tối mật", marks=pytest.mark.xfail(
        strict=True, reason="left: README Limits, red team 108: a BOM inside a two-word mark (not yet looked into)")),
    ("K\u200bHẨN", "urgency", "Khẩn")],
    ids=["zwsp-mat", "wj-mat", "bom-toi-mat", "zwsp-khan"])
def test_a_mark_with_a_character_drawn_as_nothing_is_still_read(mark: str, kind: str, expected: str) -> None:
    """FINDING (medium for secrecy, low for urgency). Attack/accident: the header's stamp "MẬT" (or "TỐI MẬT",
    "KHẨN") whose text layer holds a zero-width space, a word joiner or a BOM inside the word: the page shows "MẬT".

    Observed: no mark read. This session made fold() drop what is drawn as nothing (and map look-alike letters), so
    issuers and types so written are read as printed; but a text layer's mark is matched by
    particulars.mark_of(exact=True) through tone_free_spelling, which keeps U+200B/U+2060/U+FEFF: "M\\u200bÂT" is no
    spelling of a mark, and _letter_spaced needs one letter a word. (A Cyrillic "МẬТ" is read: the held test below.)

    Expected: the mark read as printed: secrecy "Mật" (002 Đ16.7: the secret letter never registered nor kept),
    urgency "Khẩn" (the clerk alerted at once).

    Severity: medium (a secret document, its mark hidden by one invisible character, is registered and kept in the
    store and the register: what 002 Đ3.1/Đ16.7 forbid). Fault: gateway/reading/particulars.py mark_of / is_whole_mark
    (exact path: no vntext._IGNORABLE removal before tone_free_spelling)."""
    from kit import DocumentSpec, render_document
    from test_redteam50 import particulars

    found = particulars(render_document(DocumentSpec(number="508/STP-VP", **{kind: mark})))
    assert getattr(found, kind) == expected, (found.secrecy, found.urgency)


def test_a_secret_letter_whose_mark_holds_a_zero_width_space_is_never_kept(world: World) -> None:
    """FINDING (medium), end to end (see test_a_mark_with_a_character_drawn_as_nothing_is_still_read): Sở Tư pháp's
    signed letter stamped "M<U+200B>ẬT", from its own mailbox. Observed: accepted, numbered, its file in the store.
    Expected: secret-document, no number, nothing of it stored. Fault: gateway/reading/particulars.py mark_of."""
    pdf = world.signed("stp", world.document(number="509/STP-VP", secrecy="M\u200bẬT"))
    [out] = world.ingest(world.mail("secret-zwsp", attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None and "secret-document" in _codes(out), (out["verdict"], _codes(out))
    assert not _stored(world, hashlib.sha256(pdf).hexdigest()).exists()


def test_held_the_issuers_recalled_letter_signed_once_more_and_accepted_keeps_its_file(world: World) -> None:
    """HELD. Genuine: Sở Tư pháp's 750/STP-VP is registered, then recalled by Sở Tư pháp; its clerk signs the very file
    once more with the office's certificate (an incremental signature: the file begins with the recalled one's bytes)
    and sends it again from its own mailbox. Feared: the decision takes it as the issuer's correction (red team 58)
    while Intake.recalled_files, now looking at every signed revision (this session), destroys its file. Observed:
    accepted as number 2 and its file kept: decision and file-keeping agree."""
    from test_redteam65 import GENUINE, _recall

    pdf = world.signed("stp", world.document(number="750/STP-VP", summary=GENUINE))
    [own] = world.ingest(world.mail("own-750", headers={"X-QLVB-Document-Id": "STP-2026.750"}, attachments=[("750.pdf", pdf)]))
    assert own["verdict"] == "accepted"
    world.ingest(_recall(world, "STP-2026.750"))
    assert [d.recalled for d in world.documents()] == [True]
    again = sign_pdf(pdf, world.signers["stp"], world.pki, field_name="DongDau")
    assert again.startswith(pdf)
    [out] = world.ingest(world.mail("again-750", attachments=[("750.pdf", again)]))
    if out["incoming_number"] is None:
        assert "recalled" in _codes(out)
        return
    digest = hashlib.sha256(again).hexdigest()
    registered = [d for d in world.documents() if not d.recalled]
    assert registered and registered[-1].pdf_sha256 == digest
    assert _stored(world, digest).exists(), (
        f"registered as number {out['incoming_number']} ({out['verdict']}) and acknowledged, its file destroyed")


@pytest.mark.parametrize("name", ["Sở Tài chính tỉnh \u00d0ắk Nông", "Sở T\u01b0 pháp tỉnh \u00d0ắk Nông",
                                  "Sở T\u01a3 pháp tỉnh Đắk Nông"], ids=["eth-D", "eth-D-2", "legacy-u-horn"])
def test_a_certificate_written_with_the_legacy_letters_vntext_knows_still_names_its_agency(name: str) -> None:
    """FINDING (low). Genuine: a certificate whose name was written by a legacy converter: "Ð" (U+00D0, Icelandic
    Eth, what CP1258 text read as Latin-1 gives for "Đ") or "ƣ" (U+01A3, legacy fonts' ư). vntext treats both as the
    Vietnamese letters everywhere else (fold's _BARRED_D and _LOOKALIKES map Ð, nfc's _LEGACY maps Ƣ, names.units
    replaces Ð: red team 65 "the same on the page").

    Observed: by_certificate_name returns no agency: foreign_letters() (this session) takes "Ð" and "ƣ" for foreign
    letters (isalpha, not ASCII, not đ/Đ) before anything maps them. Before this session, the Ð name matched (squash
    folded Ð to D: checked against be33fbd); the agency's genuine letters are now returned signer-not-issuer. (The
    "ƣ" name matched before this session neither: squash dropped the letter.)

    Expected: the letters vntext itself says are Vietnamese ones (Ð for Đ, Ƣ for Ư) are not foreign: the name names
    its agency (or foreign_letters runs on nfc()/the Ð map first).

    Severity: low (needs a CA whose data went through such a converter). Fault: vntext/__init__.py foreign_letters
    (no _LEGACY / Ð mapping before the letter test)."""
    from gateway.directory import AgencyEntry, Directory

    d = Directory([AgencyEntry("1", "Sở Tài chính tỉnh Đắk Nông", "stc@daknong.gov.vn"),
                   AgencyEntry("2", "Sở Tư pháp tỉnh Đắk Nông", "stp@daknong.gov.vn")])
    found = d.by_certificate_name(name, frozenset({"DAK NONG"}))
    assert [a.name for a in found] == [unicodedata.normalize("NFC", name.replace("\u00d0", "Đ").replace("\u01a3", "ư"))]


def test_a_letter_registered_before_the_upgrade_is_known_again_after_it(tmp_path: Path) -> None:
    """FINDING (medium): Sở Lao động – Thương binh và Xã hội's letter (its name printed with an en dash, as that Sở's name
    usually is, and every body of "Bà Rịa – Vũng Tàu"), registered before an upgrade that changed how dashes are keyed,
    came again after it as another file and was registered again: the issuer keys already stored no longer matched.
    Red team 109 found the other half (the same letter printed with a hyphen, as OCR reads an en dash, was another
    issuer's): the keys now write every dash as a hyphen, and migration 0019 writes the stored keys so."""
    from sqlalchemy import text

    from registry.database import Register
    from registry.models import Document
    from registry.register_line import Issue, RegisterLine, earliest_same, issuer_key, register_incoming
    from test_register_search import AGENCY, DAY, _downgrade

    name, parent = "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", "ỦY BAN NHÂN DÂN TỈNH BÀ RỊA – VŨNG TÀU"
    assert issuer_key(name, parent) == issuer_key(name.replace("–", "-"), parent.replace("–", "-")) == (
        "SO LAO DONG - THUONG BINH VA XA HOI / UY BAN NHAN DAN TINH BA RIA - VUNG TAU")
    url = f"sqlite:///{tmp_path / 'register.db'}"
    register = Register(url)
    with register.session() as session, session.begin():
        register_incoming(session, AGENCY, RegisterLine(
            medium="electronic", basis="signature", received_at=DAY, issuer=name, notation="88/SLĐTBXH-VP",
            subject="V/v công tác văn thư", issued_date="2026-10-30", issuer_parent=parent), DAY)
    _downgrade(register, "0018")
    with register.engine.begin() as connection:  # the keys as the code before 0019 wrote them
        connection.execute(text("UPDATE documents SET issuer_key = :key, agency_key = :agency"),
                           {"key": "SO LAO DONG – THUONG BINH VA XA HOI / UY BAN NHAN DAN TINH BA RIA – VUNG TAU",
                            "agency": "SO LAO DONG – THUONG BINH VA XA HOI TINH BA RIA – VUNG TAU"})
    register.close()
    register = Register(url)  # migrated to the head again
    try:
        with register.session() as session:
            row = session.query(Document).one()
            assert (row.issuer_key, row.agency_key) == (issuer_key(name, parent),
                                                        "SO LAO DONG - THUONG BINH VA XA HOI TINH BA RIA - VUNG TAU")
            again = earliest_same(session, AGENCY, "another file", Issue(name.replace("–", "-"), parent, "88/SLĐTBXH-VP", 2026))
            assert again is not None and again.arrival_number == 1
    finally:
        register.close()


LDTBXH = "SỞ LAO ĐỘNG \u2013 THƯƠNG BINH VÀ XÃ HỘI"  # printed with an en dash, as the Sở's name usually is


def _ldtbxh_letter(world: World, name: str) -> Path:
    cn = "Sở Lao động \u2013 Thương binh và Xã hội"  # its place in O (a CN of 64 characters at most)
    signer = world.pki.signers.get(cn) or world.pki.signer(cn, "UBND tỉnh Bắc Giang")
    pdf = sign_pdf(world.document(number="88/SLĐTBXH-VP", issuer=LDTBXH), signer, world.pki)
    return world.mail(name, sender="vanthu@sldtbxh.bacgiang.gov.vn", auth=None, attachments=[("88.pdf", pdf)])


def test_held_the_same_letter_twice_with_this_sessions_code_is_a_duplicate(world: World) -> None:
    """HELD (control for the upgrade test): the en-dash letter twice, both through this session's code: duplicate."""
    [first] = world.ingest(_ldtbxh_letter(world, "one"))
    assert first["verdict"] == "accepted", (first["verdict"], _codes(first))
    [again] = world.ingest(_ldtbxh_letter(world, "two"))
    assert again["verdict"] == "duplicate", (again["verdict"], _codes(again))


# ---- the mail server would not give a mail (sources.py) --------------------------------------------------------------

def _big_mail(world: World, name: str, megabytes: int) -> Path:
    from test_redteam101 import _big_mail as big

    return big(world, name, megabytes)


@pytest.mark.long
def test_a_large_mail_the_server_will_not_give_blocks_no_other_letter(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """FINDING (high). Fault injected: limits.max_mail_mb 1; in the inbox a good letter, then a 3 MB mail whose file
    Dovecot's mail user cannot read (red team 101's storage fault, on one mail for good: a damaged file, a restore as
    root), then another good letter. The daemon runs.

    Observed: neither good letter is registered; the daemon's log, every few seconds to MAX_BACKOFF for ever:
    "abort: command: FETCH => FETCH failed: Internal error occurred"; its connection never recorded. A mail above max_mail_mb is streamed (Inbox._streamed ->
    ImapMailbox.stream / _chunks), and the partial FETCH the server refuses raises out of Inbox._work_through: the
    turn fails as the mailbox's trouble, the letters fetched before it are cancelled unrecorded, the daemon backs off
    and starts again from the inbox's first mail, and fails again on the same mail, for ever. This session's fix
    (a mail the server will not give is left in the inbox, never filed) covers ImapMailbox.fetch's `unreadable` only.

    Expected: as for a small mail the server will not give: the good letters registered and filed; the large one left
    in the inbox (or held), the clerk told once; the daemon going on.

    Severity: high (one damaged large mail in the inbox stops all intake of the agency, good letters unregistered
    for an unbounded time). Fault: gateway/sources.py Inbox._streamed / mailbox/imap.py stream/_chunks (no refusal
    handling: no `unreadable`)."""
    from born_digital import numbered_document
    from servers import wait_for
    import sqlite3
    import time

    from test_daemon import append, folder_counts, start_daemon, stop_daemon
    from test_redteam56 import _registered

    imap_server, _smtp = servers
    world.extra["limits"] = {"max_mail_mb": 1}
    world.write_config()
    good = [world.mail(f"ok{i}", attachments=[("cv.pdf", numbered_document(8200 + i))]) for i in range(2)]
    maildir = imap_server.workdir / "mail" / "vanthu@snv.bacgiang.gov.vn"
    append(imap_server, good[0], _big_mail(world, "big", 3), good[1])
    files = sorted([*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()], key=lambda f: f.stat().st_size)
    assert len(files) == 3
    big = files[-1]
    owner = os.stat(big)
    os.chown(big, 0, 0)
    os.chmod(big, 0o600)
    def registered_now() -> list[str]:
        try:
            return _registered(world)
        except sqlite3.Error:  # the register not made yet
            return []

    daemon = start_daemon(world, ready=False)  # (its connection is never recorded: the turn fails first)
    try:
        time.sleep(3)  # started (a SIGTERM before its handlers are set kills it)
        wait_for(lambda: len(registered_now()) == 2, timeout=45)
        registered = registered_now()
        counts = folder_counts(imap_server)
    finally:
        for moved in [*(maildir / "new").glob(big.name.split(",")[0] + "*"),
                      *(maildir / "cur").glob(big.name.split(",")[0] + "*")]:  # Dovecot moves it new/ -> cur/
            os.chown(moved, owner.st_uid, owner.st_gid)
        log = stop_daemon(daemon)
    assert len(registered) == 2, (f"registered {registered}; folders {counts}; "
                                  f"log: {[l for l in log.splitlines() if 'WARNING' in l or 'ERROR' in l][-4:]}")


# ================================================================================================== held

@pytest.mark.long
def test_held_a_small_mail_the_server_never_gives_is_told_once_and_blocks_nothing(world: World, servers) -> None:  # type: ignore[no-untyped-def]
    """HELD (this session's sources.py change): a good letter, a mail whose file Dovecot's mail user can never read,
    another good letter; the daemon runs past several retakes of the inbox (the first at the next turn). The letters
    are registered and filed; the unreadable mail stays in the inbox, recorded once (one note), the clerk alerted
    once (not at every retake), the attempts table empty."""
    import sqlite3
    import time
    from contextlib import closing

    from born_digital import numbered_document
    from servers import wait_for
    from test_daemon import append, folder_counts, start_daemon, stop_daemon
    from test_redteam56 import _registered

    imap_server, _smtp = servers
    good = [world.mail(f"ok{i}", attachments=[("cv.pdf", numbered_document(8300 + i))]) for i in range(2)]
    bad = world.mail("bad", attachments=[("cv.pdf", numbered_document(8399))])
    maildir = imap_server.workdir / "mail" / "vanthu@snv.bacgiang.gov.vn"
    def names() -> set[str]:
        return {f.name for f in [*(maildir / "new").iterdir(), *(maildir / "cur").iterdir()]}

    append(imap_server, good[0])
    before = names()
    append(imap_server, bad)
    [name] = names() - before
    unreadable = next(f for f in [maildir / "new" / name, maildir / "cur" / name] if f.exists())
    append(imap_server, good[1])
    owner = os.stat(unreadable)
    os.chown(unreadable, 0, 0)
    os.chmod(unreadable, 0o600)

    def rows(sql: str) -> list[tuple]:
        try:
            with closing(sqlite3.connect(f"file:{world.root / 'qlvb.db'}?mode=ro", uri=True, timeout=10)) as db:
                return db.execute(sql).fetchall()
        except sqlite3.Error:
            return []

    daemon = start_daemon(world)
    try:
        assert wait_for(lambda: len(_registered(world)) == 2, timeout=45)
        time.sleep(2)
        first_alerts = rows("SELECT recipient FROM outbox WHERE kind = 'alert'")
        time.sleep(20)  # retakes: at the next turn (poll 5 s), then 60 s on
        counts = folder_counts(imap_server)
        mails = rows("SELECT verdict FROM mails")
        alerts = rows("SELECT recipient FROM outbox WHERE kind = 'alert'")
        attempts = rows("SELECT * FROM mail_attempts")
    finally:
        base = unreadable.name.split(",")[0]
        for moved in [*(maildir / "new").glob(base + "*"), *(maildir / "cur").glob(base + "*")]:
            os.chown(moved, owner.st_uid, owner.st_gid)
        log = stop_daemon(daemon)
    assert counts["inbox"] == 1 and counts["accepted"] == 2, counts
    assert sorted(v for (v,) in mails) == ["accepted", "accepted", "quarantined"], mails
    assert 1 <= len(alerts) == len(first_alerts), (first_alerts, alerts)
    assert attempts == [], attempts
    assert "taken again" in log or "left in the inbox" in log



def test_held_a_plain_certificate_of_an_issuer_outside_the_directory_is_its_own(world: World) -> None:
    """HELD (control for the look-alike above): Lâm Đồng's Sở Tư pháp's letter signed with a trusted certificate
    "Sở Tư pháp tỉnh Lâm Đồng" in plain letters: registered on its signature."""
    pdf = _signed_by(world, "Sở Tư pháp tỉnh Lâm Đồng", "UBND tỉnh Lâm Đồng", "44/STP-VP",
                     issuer_parent="UBND TỈNH LÂM ĐỒNG", place="Lâm Đồng", recipients=LAM_DONG_BLOCK)
    [out] = world.ingest(world.mail("ld-plain", sender=EVIL, auth=None, attachments=[("a.pdf", pdf)]))
    assert out["verdict"] == "accepted" and out["incoming_number"] == 1, (out["verdict"], _codes(out))


def test_held_the_real_files_certificate_names_are_vietnamese(realpdf: Path) -> None:
    """HELD: every signing certificate embedded in the real PDFs (Lâm Đồng, Đắk Nông, ministries, Văn phòng Chính
    phủ), its CN, O, OU and L as the gateway reads them (signatures._subject), and every signer named in the .json
    files: none holds a letter foreign_letters() calls foreign."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from gateway.intake.signatures import _subject
    from vntext import foreign_letters

    seen: list[str] = []
    for path in sorted(realpdf.glob("*.pdf")):
        data = path.read_bytes()
        if b"/ByteRange" not in data:
            continue
        reader = PdfFileReader(BytesIO(data), strict=False)
        for sig in reader.embedded_signatures:
            subject = _subject(sig.signer_cert)
            for value in (subject.common_name, subject.organisation, subject.unit, subject.locality):
                if value:
                    seen.append(value)
                    assert not foreign_letters(value), (path.name, value, [hex(ord(c)) for c in value if ord(c) > 0x7f])
    for path in sorted(realpdf.glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        for signer in meta.get("signers", []):
            for part in signer.split(", "):
                value = part.split("=", 1)[-1]
                assert not foreign_letters(value), (path.name, value)
    assert len(seen) >= 20


@pytest.mark.parametrize(("name", "names_it"), [
    ("Sở Tư pháp tỉnh Bắc Giang", True), (unicodedata.normalize("NFD", "Sở Tư pháp tỉnh Bắc Giang"), True),
    ("Sở Tư pháp tỉnh\u00a0Bắc Giang", True), ("SỞ TƯ PHÁP TỈNH BẮC GIANG", True), ("Sở Tư pháp", True),
    ("Sở Tư pháp tỉnh Bắc Giang (STP)", False), ("Sở Tư pháp - tỉnh Bắc Giang", False)],
    ids=["nfc", "nfd", "nbsp", "capitals", "bare", "paren", "dash"])
def test_held_genuine_certificate_names_are_not_foreign_and_name_their_agency(name: str, names_it: bool) -> None:
    """HELD: Ban Cơ yếu's ways of writing an agency's name (NFC, NFD, a no-break space, capitals, the bare name with
    the place in O) are not foreign and name Sở Tư pháp; "&", "(", digits, en dash, typographic apostrophe, comma and
    full stop are not foreign either."""
    from gateway.directory import AgencyEntry, Directory
    from vntext import foreign_letters

    d = Directory([AgencyEntry("1", "Sở Tư pháp tỉnh Bắc Giang", STP, aliases=("Sở Tư pháp",))])
    assert not foreign_letters(name)
    if names_it:
        assert [a.code for a in d.by_certificate_name(name, frozenset({"BAC GIANG"}))] == ["1"]
    for other in ("Phòng Tài nguyên & Môi trường", "Trường THCS số 1 xã Nham Sơn", "UBND tỉnh Bà Rịa – Vũng Tàu",
                  "Ủy ban nhân dân huyện Đắk R’lấp", "Ủy ban nhân dân huyện Đắk R-lấp", "CÔNG AN TỈNH LÂM ĐỒNG",
                  "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công", "Sở Y tế thành phố Hồ Chí Minh."):
        assert not foreign_letters(other), other


def test_held_a_cyrillic_secrecy_mark_is_secret(world: World) -> None:
    """HELD: the stamp "МẬТ" with a Cyrillic М and Т (the page shows "MẬT"), Sở Tư pháp's signed letter from its own
    mailbox: secret-document, no number, nothing stored."""
    pdf = world.signed("stp", world.document(number="510/STP-VP", secrecy="\u041cẬ\u0422"))
    [out] = world.ingest(world.mail("secret-cyr", attachments=[("a.pdf", pdf)]))
    assert out["incoming_number"] is None and "secret-document" in _codes(out), (out["verdict"], _codes(out))
    assert not _stored(world, hashlib.sha256(pdf).hexdigest()).exists()


def test_held_a_trusted_signature_followed_by_an_untrusted_one_is_still_refused_and_its_number_is_the_signed_one(
        world: World) -> None:
    """HELD: Sở Tư pháp's letter (trusted) with a stranger's signature (a CA nobody trusts) appended after it, mailed
    from Sở Tư pháp's own mailbox: read as the trusted signature left it, returned signature-modified, nothing
    registered; the signed hash is the trusted revision's."""
    pdf = world.signed("stp", world.document(number="760/STP-VP"))
    wrapped = sign_pdf(pdf, world.signers["stranger"], world.stranger, field_name="Kho")
    [out] = world.ingest(world.mail("wrapped", attachments=[("a.pdf", wrapped)]))
    assert out["incoming_number"] is None and "signature-modified" in _codes(out), (out["verdict"], _codes(out))
    assert out["document"]["number"] == "760/STP-VP"
    assert world.documents() == []


def test_held_a_secrecy_mark_drawn_by_a_later_untrusted_signature_is_secret(world: World) -> None:
    """HELD: after Sở Tư pháp's trusted signature a stranger's signature whose visible box draws "MẬT" under the
    number: the reader reads the trusted revision, but the later revision's mark is looked for (002 Đ16.7): secret."""
    from kit import sign_with_stamp

    pdf = world.signed("stp", world.document(number="761/STP-VP"))
    import pymupdf

    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        number = next(w for w in page.get_text("words") if w[4].startswith("761/"))
        height = page.rect.height
    box = (number[0] - 30, height - (number[3] + 40), number[0] + 40, height - (number[3] + 18))
    stamped = sign_with_stamp(pdf, world.signers["stranger"], world.stranger, text="MẬT", box=box, field_name="Mat",
                              unicode=True)
    [out] = world.ingest(world.mail("later-mat", attachments=[("a.pdf", stamped)]))
    assert out["incoming_number"] is None and "secret-document" in _codes(out), (out["verdict"], _codes(out))


def test_held_fold_maps_soft_hyphens_and_lookalikes_in_genuine_lines() -> None:
    """HELD: a genuine text layer with a soft hyphen or a word joiner in the type line or issuer folds as printed;
    the recipient heading "Bản điện tử" with a soft hyphen is still the electronic heading."""
    from gateway.reading.recipients import parse_block
    from vntext import fold

    assert fold("QUYẾT ĐỊ\u00adNH") == "QUYET DINH"
    assert fold("SỞ TƯ PHÁP\u2060") == "SO TU PHAP"
    block = parse_block(["Nơi nhận:", "- Như trên;", "Bản điện\u00ad tử:", "- Sở Nội vụ;", "- Lưu: VT."])
    assert block is not None and block.electronic == ["Sở Nội vụ"]
