"""Red team 159: the fixes made after red teams 156, 157 and 158 (commits fb45053, 01df399, 16e43b8), both ways: where
they go too far (a genuine agency's letter, answer, certificate or directory file now held, refused, ignored or
mis-recorded for nothing) and where they do not go far enough (an attack or a slip passing).

The resolver is read as the outgoing plan reads it (gateway/resolver.py's Resolver over red team 153's national
directory, our agency Sở Nội vụ tỉnh Bắc Giang, with red team 156's Phòng Công chứng số 1); the intake side through
`Resolver.names`. Certificates through gateway/intake/signatures.py `made_for_signing` on certificates made as CAs issue
them (red team 156's `_certificate`). The exchange end to end through red team 158's world: our letter 45/SNV-VP sent
with `qlvb-gateway send` to Sở Tư pháp and Sở Tài chính, handed to a real SMTP server, what comes back ingested with
`qlvb-gateway ingest`. The outbox's `_patiently` and mailbox/imap.py's `ImapMailbox.wait` with a clock and an IMAP
client of the test's own. Each test's docstring says who did what and what was expected; a FAULT's says what happens
instead.

Found (failing): a group narrowed by "(theo danh sách kèm theo)" mailed to every agency of the group (the new note
word "theo"); a note citing a letter by its number and symbol held (its symbol read as a body); "các tỉnh, thành phố
(LS, BG)" held; firms written otherwise (VPCC, Hiệu thuốc, Chủ hộ kinh doanh, Trung tâm … tư nhân, Các trường tư thục)
dropped; a Cục's or Viện's leaders after a Sở's colon taken for the Sở's; "Lãnh đạo Sở Tư pháp" after its own colon
held; an unlisted Phòng Công chứng sent to its Sở; a CA naming serverAuth beside clientAuth passing; an answer's file
excused or held by its declared Content-Type alone; a bounce from the recipient's own domain after its alias ignored;
an issuer's recall in small letters met with silence; the outbox's patience outliving the lease and holding a stop."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from test_attachments import tnef, xlsx
from test_redteam152 import STP_LS, SYT, _read, _resolver
from test_redteam153 import NATIONAL
from test_redteam156 import (ANY, CLIENT_AUTH, EMAIL, SERVER_AUTH, SMART_CARD, TIME_STAMPING,  # noqa: F401
                             _certificate)
from test_redteam158 import (_copies, _documents, _dsn, _hand_to_server, _header_block, _lines, _outbox, _recall,
                             _registered, _send, sent)  # noqa: F401  (red team 158's fixture)
from world import STC, STP, US, World

PCC1 = "vanthu@pcc1.bacgiang.gov.vn"
STC_ALL = "vanthu@stc.bacgiang.gov.vn"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _resolver(tmp_path_factory.mktemp("rt159"), NATIONAL + (
        f"000.00.30.H06,Phòng Công chứng số 1 tỉnh Bắc Giang,{PCC1},Phòng Công chứng số 1,\n"))


@pytest.fixture(scope="module")
def us(resolver: Any) -> Any:
    return resolver.directory.by_code(US["code"])


# ================================================================================================== notes, too far

@pytest.mark.parametrize("entry", [
    "Sở Tư pháp (trả lời Công văn số 12/SNV-VP)",
    "Sở Tư pháp (theo Công văn số 12/STP-VP)",
    "Sở Tư pháp (phúc đáp Công văn số 5/STP-VP)",
], ids=["tra-loi-our-number", "theo-their-number", "phuc-dap-their-number"])
def test_genuine_a_note_citing_a_letter_by_its_number_and_symbol_is_a_note(resolver: Any, entry: str) -> None:
    """GENUINE. Sở Nội vụ answers Sở Tư pháp's letter and writes, as clerks do, which letter it answers: "Sở Tư pháp
    (trả lời Công văn số 12/SNV-VP)", "(theo Công văn số 12/STP-VP)". The fix (16e43b8) makes "theo", "trả lời",
    "phúc đáp" begin a note. Expected: mailed to Sở Tư pháp tỉnh Bắc Giang, as "Sở Tư pháp (theo Công văn số 12)" is.
    FAULT: gateway/resolver.py `Resolver._clean` (its `kept`): `_is_note` says the bracket is a note, but any word in
    capitals of it the directory knows ("SNV", "STP": the symbol of the letter's number) makes it a bracket saying
    which body: "Sở Tư pháp - theo Công văn số 12/STP-VP" names nothing, "unresolved", the whole send held for the most
    ordinary note there is."""
    assert _read(resolver, entry) == ("resolved", [STP])


@pytest.mark.parametrize("entry", ["Sở Tư pháp (theo CV số 12 ngày 01.02.2026)", "Sở Tư pháp (V/v rà soát)",
                                   "Sở Tư pháp (phúc đáp CV số 5)"], ids=["theo-cv", "vv", "phuc-dap"])
def test_guard_notes_the_fix_names_go_to_the_body(resolver: Any, entry: str) -> None:
    """GUARD. The fix's notes without a symbol. Expected: mailed to Sở Tư pháp."""
    assert _read(resolver, entry) == ("resolved", [STP])


# ================================================================================================== notes, not far enough

@pytest.mark.parametrize("entry", [
    "Các Sở, ban, ngành (theo danh sách kèm theo)",
    "Các Sở, ban, ngành (theo danh sách)",
    "Các Sở, ban, ngành (theo Phụ lục kèm theo)",
], ids=["danh-sach-kem-theo", "danh-sach", "phu-luc"])
def test_attack_a_group_narrowed_to_a_list_is_not_sent_to_the_whole_group(resolver: Any, entry: str) -> None:
    """ATTACK/SLIP. A letter addressed to some Sở only writes "Các Sở, ban, ngành (theo danh sách kèm theo)": the
    bodies of an attached list (a Kế hoạch's appendix), not every Sở of the province. Expected: held for the clerk
    (the gateway cannot read the list): never mailed to every Sở, ban, ngành, most of which the letter does not name.
    FAULT: gateway/resolver.py `_NOTE_WORDS` (16e43b8) makes any bracket beginning "theo" a note, dropped: the entry is
    read as "Các Sở, ban, ngành" and the letter goes to every Sở of the directory (Sở Tư pháp, Sở Tài chính, Sở Y
    tế…), agencies the letter never named."""
    status, mailboxes = _read(resolver, entry)
    assert status != "resolved", (status, mailboxes)


# ================================================================================================== initials

def test_genuine_initials_after_cac_tinh_thanh_pho_name_both_bodies(resolver: Any) -> None:
    """GENUINE. "Sở Tư pháp các tỉnh, thành phố (LS, BG)": the fix's `_PROVINCES_SAID` names this very form
    ("tỉnh, thành phố"). Expected: mailed to Lạng Sơn's and Bắc Giang's Sở Tư pháp, as "Sở Tư pháp các tỉnh (LS, BG)".
    FAULT: gateway/resolver.py: the comma of "tỉnh, thành phố" splits the entry before `_provinces_by_initials`
    reads it (`_PROVINCES_SAID` is never reached): "ambiguous", the send held."""
    assert _read(resolver, "Sở Tư pháp các tỉnh, thành phố (LS, BG)") == ("resolved", sorted([STP, STP_LS]))


def test_guard_initials_with_the_word_tinh_as_a_number(resolver: Any) -> None:
    """GUARD. "Sở Tư pháp 02 tỉnh (LS, BG)". Expected: both Sở Tư pháp."""
    assert _read(resolver, "Sở Tư pháp 02 tỉnh (LS, BG)") == ("resolved", sorted([STP, STP_LS]))


@pytest.mark.parametrize("entry,ours", [
    ("Sở Nội vụ các tỉnh, thành phố (HN, BG)", True),
    ("Sở Nội vụ các tỉnh (HN, BG)", True),
    ("Sở Nội vụ tỉnh Lạng Sơn (HN, BG)", False),
    ("Sở Nội vụ (HN, BN)", False),
    ("Sở Tư pháp (HN, BG)", False),
], ids=["cac-tinh-thanh-pho", "cac-tinh", "another-province-named", "hn-bn", "another-so"])
def test_guard_intake_initials_readings(resolver: Any, us: Any, entry: str, ours: bool) -> None:
    """GUARD (intake). `Resolver.names` with the readings of an unsure bracket (`_initials_readings`): ours where one
    code may be Bắc Giang, not where the entry names another province in words or another Sở."""
    assert resolver.names(entry, us) is ours


# ================================================================================================== a head's items

@pytest.mark.parametrize("entry", [
    "Sở Tư pháp: VPCC Nguyễn Văn A",
    "Sở Tư pháp: VP công chứng Hà Nam",
    "Sở Giáo dục và Đào tạo: Trường Mầm non tư thục Hoa Sen",
    "Sở Y tế: Hiệu thuốc Minh Anh",
    "Sở Văn hóa, Thể thao và Du lịch: Nhà nghỉ Hoa Hồng",
    "Sở Tư pháp: Chủ hộ kinh doanh Nguyễn Văn A",
    "Sở Tư pháp: Trung tâm tư vấn pháp luật tư nhân",
    "Sở Tư pháp: Các trường tư thục",
], ids=["vpcc", "vp-cong-chung", "truong-mam-non-tu-thuc", "hieu-thuoc", "nha-nghi", "chu-ho-kinh-doanh",
        "trung-tam-tu-nhan", "cac-truong-tu-thuc"])
def test_attack_firms_the_fix_names_written_otherwise_are_never_dropped(resolver: Any, entry: str) -> None:
    """ATTACK/SLIP. After an agency's colon: a notary office written "VPCC" or "VP công chứng" (as "Văn phòng công
    chứng" is held), a private kindergarten whose "tư thục" comes after its kind ("Trường Mầm non tư thục …", as
    "Trường tư thục" is held), a drugstore "Hiệu thuốc" (as "Nhà thuốc", "Quầy thuốc" are), a guest house "Nhà nghỉ"
    (as "Khách sạn" is), a household business's owner ("Chủ hộ kinh doanh", as "Hộ kinh doanh" is), a private
    legal-advice centre ("Trung tâm … tư nhân": the fix exempts any "Trung tâm" from "tư nhân"), the private schools
    ("Các trường tư thục", as "Trường tư thục" is). None a unit of the
    Sở, none in the directory. Expected: held.
    FAULT: gateway/resolver.py `_NO_UNIT`/`_NO_UNIT_EITHER` anchor each firm at the item's first words as written out
    ("TRUONG TU THUC", "VAN PHONG (LUAT|CONG CHUNG)", "NHA THUOC"), "tư nhân" excused after "Trung tâm": each is taken for one of the head's units in
    `Resolver._head_and_its_own`, the letter "resolved" to the Sở alone, the firm or person dropped in silence."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Lãnh đạo Cục", "Sở Tư pháp: Ban Giám đốc Viện"],
                         ids=["lanh-dao-cuc", "bgd-vien"])
def test_attack_another_kinds_leaders_after_a_sos_colon_are_not_the_sos(resolver: Any, entry: str) -> None:
    """ATTACK/SLIP. "Sở Tư pháp: Lãnh đạo Cục": the leaders of a Cục (a Cục Thi hành án dân sự, a Cục of a ministry),
    which a Sở has none of; "Ban Giám đốc Viện", after a Sở's colon likewise another body's. Expected:
    held (the body meant is not in the entry), never mailed to the Sở alone as if they were its own leaders.
    FAULT: gateway/resolver.py `_ITS_LEADERS` accepts "( (SO|CUC|BAN|VIEN))?" after any head: a Cục's, a Viện's, a
    Ban's leaders are skipped as the Sở's own in `Resolver._head_and_its_own`, and the letter goes to Sở Tư pháp alone."""
    assert _read(resolver, entry)[0] != "resolved", entry


def test_genuine_a_sos_leaders_named_with_its_whole_name_go_to_that_so(resolver: Any) -> None:
    """GENUINE. "Sở Tư pháp: Lãnh đạo Sở Tư pháp" (the head repeated, as some drafts do). Expected: mailed to Sở Tư
    pháp, as "Sở Tư pháp: Lãnh đạo Sở" now is.
    FAULT: gateway/resolver.py `_ITS_LEADERS` wants the bare kind ("Sở") after "Lãnh đạo"; the Sở's own name after it
    is read as a body of its own below the head: "unresolved", the send held."""
    assert _read(resolver, "Sở Tư pháp: Lãnh đạo Sở Tư pháp") == ("resolved", [STP])


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Ông Nguyễn Văn A", "Sở Tư pháp: Mrs. Smith", "Sở Tư pháp: Các hộ dân",
                                   "Sở Văn hóa, Thể thao và Du lịch: Khách sạn Mường Thanh", "Sở Tư pháp: Đại lý ABC"],
                         ids=["ong", "mrs", "cac-ho", "khach-san", "dai-ly"])
def test_guard_the_fixs_persons_and_firms_are_held(resolver: Any, entry: str) -> None:
    """GUARD. The fix's persons, households and firms after a colon. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Phòng Hành chính tư pháp", "Sở Tư pháp: Hội đồng thi đua",
                                   "Sở Y tế: Phòng Nghiệp vụ Dược", "Sở Tư pháp: Văn phòng"],
                         ids=["phong-hctp", "hoi-dong", "phong-nvd", "van-phong"])
def test_guard_a_sos_own_units_after_its_colon_go_to_that_so(resolver: Any, entry: str) -> None:
    """GUARD. A Sở's own departments and council after its colon. Expected: mailed to that Sở."""
    status, mailboxes = _read(resolver, entry)
    assert status == "resolved" and len(mailboxes) == 1, (status, mailboxes)


# ================================================================================================== a body's units

@pytest.mark.parametrize("entry", ["Phòng Công chứng số 2 thuộc Sở Tư pháp",
                                   "Phòng Công chứng số 2 thuộc Sở Tư pháp tỉnh Lạng Sơn",
                                   "Phòng Công chứng số 2 và Phòng Hành chính tư pháp thuộc Sở Tư pháp"],
                         ids=["pcc2", "pcc2-lang-son", "pcc2-and-a-department"])
def test_attack_a_public_notary_office_the_directory_lacks_is_not_mailed_to_its_so(resolver: Any, entry: str) -> None:
    """SLIP. Phòng Công chứng số 2 is a body of its own (a public notary office, đơn vị sự nghiệp under Sở Tư pháp, its
    own seal and mailbox), as Phòng Công chứng số 1 is; the directory lists number 1, not (yet) number 2. The block
    says "Phòng Công chứng số 2 thuộc Sở Tư pháp". Expected: held (an entry naming a body the directory lacks), as
    "Phòng Công chứng số 1 thuộc Sở Tư pháp" would be were it unlisted; never mailed to Sở Tư pháp in its place.
    FAULT: gateway/resolver.py `_body_of_its_units` takes any "Phòng …" before "thuộc Sở …" for the Sở's internal
    department unless the directory lists it: the notary office's letter goes to Sở Tư pháp (or Lạng Sơn's), an
    agency the block does not list as a recipient, and the office never gets it."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry,meant", [
    ("Thanh tra thuộc Sở Tư pháp tỉnh Lạng Sơn", [STP_LS]),
    ("Văn phòng thuộc Sở Tư pháp tỉnh Lạng Sơn", [STP_LS]),
    ("Văn phòng, Thanh tra thuộc Sở Y tế", [SYT]),
    ("Ban Giám đốc thuộc Sở Y tế", [SYT]),
], ids=["thanh-tra-ls", "van-phong-ls", "vp-tt-syt", "bgd-syt"])
def test_guard_a_sos_office_and_inspectorate_go_to_that_sos_province(resolver: Any, entry: str, meant: list[str]) -> None:
    """GUARD. "Thanh tra thuộc Sở Tư pháp tỉnh Lạng Sơn": another province's Sở. Expected: to that Sở, never ours."""
    assert _read(resolver, entry) == ("resolved", meant)


@pytest.mark.parametrize("entry", ["Văn phòng Đăng ký đất đai thuộc Sở Tài nguyên và Môi trường",
                                   "Phòng Công chứng số 1 thuộc Sở Tư pháp"], ids=["vpdkdd", "pcc1"])
def test_guard_a_body_of_its_own_before_thuoc_so_is_never_mailed_to_the_so(resolver: Any, entry: str) -> None:
    """GUARD. A Văn phòng đăng ký đất đai (a body of its own), a listed notary office. Expected: never to the Sở."""
    status, mailboxes = _read(resolver, entry)
    assert status != "resolved" or mailboxes == [PCC1], (status, mailboxes)


# ================================================================================================== certificates

def test_attack_a_certificate_under_a_tls_ca_naming_server_and_client_is_not_for_signing() -> None:
    """ATTACK. A public TLS intermediate CA's extended key usage is serverAuth + clientAuth (as most are). Its holder
    issues a certificate in Sở Tư pháp's exact name with no extended key usage (under such a CA: a server's and a
    client's, RFC 5280 §4.2.1.12 as Windows reads a chain's purposes). Expected: not made for signing, as the fix now
    says of a signer's own certificate naming serverAuth beside clientAuth ("a server's with client_auth beside it").
    FAULT: gateway/intake/signatures.py `made_for_signing` asks each CA only to name ONE signer's purpose: the TLS
    CA's clientAuth is one, and its serverAuth is never looked at, so the purposes refused in the signer's certificate
    pass when they stand in its CA's."""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate(None), [_certificate([SERVER_AUTH, CLIENT_AUTH]), _certificate(None)]) is False


@pytest.mark.parametrize("ca", [None, [CLIENT_AUTH, EMAIL], [ANY]], ids=["ca-no-eku", "ca-client-email", "ca-any"])
def test_guard_ban_co_yeu_signer_under_a_signing_ca_is_for_signing(ca: list[str] | None) -> None:
    """GUARD. Ban Cơ yếu's signer profile under a CA of no purpose, of client and e-mail, of any. Expected: for signing."""
    from gateway.intake.signatures import made_for_signing
    signer = _certificate([CLIENT_AUTH, EMAIL, SMART_CARD])
    assert made_for_signing(signer, [_certificate(ca), _certificate(None)]) is True


@pytest.mark.parametrize("ca", [[SERVER_AUTH], [TIME_STAMPING]], ids=["ca-server", "ca-tsa"])
def test_guard_a_signer_under_a_ca_confined_to_machines_is_not_for_signing(ca: list[str]) -> None:
    """GUARD. A signer's profile under a CA confined to servers or to timestamping. Expected: not for signing."""
    from gateway.intake.signatures import made_for_signing
    assert made_for_signing(_certificate([CLIENT_AUTH, EMAIL]), [_certificate(ca)]) is False


# ================================================================================================== answers with files

def _reply(world: World, copies: dict[str, Any], name: str, attachments: list[tuple[str, bytes]], **kw: Any) -> Any:
    """The mail's outcome (its first, where it has one a document)."""
    out, *_ = world.ingest(world.mail(name, subject="Re: Gửi văn bản 45/SNV-VP", attachments=attachments,
                                    headers={"In-Reply-To": copies[STP].message_id, "References": copies[STP].message_id},
                                    **kw))
    return out


def test_guard_a_spreadsheet_inside_winmail_dat_is_held_for_the_clerk(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tư pháp's clerk answers our letter from Outlook in Rich Text (proven): its report bao-cao.xlsx travels
    inside winmail.dat. Expected: held for the clerk (`answer-with-files`, the spreadsheet named), never "ignored"."""
    world, _, copies = sent
    out = _reply(world, copies, "re-winmail", [("winmail.dat", tnef(("bao-cao.xlsx", xlsx())))],
                 declared_type="application/ms-tnef")
    assert out["verdict"] != "ignored", (out["verdict"], [r["code"] for r in out["reasons"]])


def test_attack_a_spreadsheet_labelled_as_a_picture_is_not_dropped_in_silence(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """SLIP. Sở Tư pháp's reply (proven) carries bao-cao.xlsx whose Content-Type its webmail wrote "image/png" (a
    mislabelled part; the label is the sender's word). Expected: seen by the clerk (held), as the same spreadsheet
    labelled properly is.
    FAULT: gateway/decision/rules.py `answer_with_files` excuses any part whose declared Content-Type begins "image/",
    never asking what the bytes are (the attachment's own kind says "draft", a spreadsheet): ignored, the file lost."""
    world, _, copies = sent
    out = _reply(world, copies, "re-xlsx-as-png", [("bao-cao.xlsx", xlsx())], declared_type="image/png")
    assert out["verdict"] != "ignored", (out["verdict"], [r["code"] for r in out["reasons"]])


def test_genuine_a_signature_logo_sent_as_octet_stream_is_no_file_of_the_answer(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GENUINE. A person at Sở Tư pháp answers "Re: …" (proven); the webmail attaches the signature's logo image001.png
    as application/octet-stream (as many webmails and Outlook's plain-text conversions label it). Expected: followed
    as an answer (ignored), a picture being none of the answer's files by the fix's own word ("a picture (a
    signature's logo) … is none").
    FAULT: gateway/decision/rules.py `answer_with_files` tells a picture by its declared Content-Type alone: a PNG
    labelled octet-stream (kind "draft") makes the reply held for the clerk and an alert sent, for a logo."""
    from test_attachments import image
    world, _, copies = sent
    out = _reply(world, copies, "re-logo", [("image001.png", image("PNG"))], declared_type="application/octet-stream")
    assert out["verdict"] == "ignored", (out["verdict"], [r["code"] for r in out["reasons"]])


def test_guard_a_signed_reply_with_its_smime_signature_is_followed(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD (GENUINE). A person at Sở Tư pháp answers "Re: đã nhận" from Outlook with S/MIME (smime.p7s) and a contact
    card. Expected: followed as an answer (ignored, the line shows the reply), never held for its signature."""
    world, _, copies = sent
    p7s = bytes.fromhex("3082010a06092a864886f70d010702a081fc") + b"\x00" * 200
    out = _reply(world, copies, "re-smime", [("smime.p7s", p7s)], declared_type="application/pkcs7-signature")
    assert out["verdict"] == "ignored", (out["verdict"], [r["code"] for r in out["reasons"]])
    assert (_lines(world)[STP].detail or "").startswith("trả lời"), _lines(world)[STP].detail


def test_slip_our_own_letter_mailed_back_without_in_reply_to_is_not_registered_as_theirs(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """SLIP. Sở Tư pháp's clerk (proven) mails our letter 45/SNV-VP back to us in a new mail, not a reply ("Đề nghị Sở
    Nội vụ xem lại văn bản", no In-Reply-To, no X-QLVB header), as people do. Expected: our own letter (its bytes the
    very ones we sent) is not registered in our incoming register as a document received from Sở Tư pháp, nor
    acknowledged to it as one."""
    world, _, _ = sent
    ours = (world.root / "out.pdf").read_bytes()
    outs = world.ingest(world.mail("ours-again", subject="Đề nghị Sở Nội vụ xem lại văn bản",
                                   attachments=[("45-SNV-VP.pdf", ours)]))
    assert "accepted" not in [o["verdict"] for o in outs] and _documents(world) == [], [o["verdict"] for o in outs]


def test_guard_a_reply_with_our_letter_and_a_spreadsheet_is_held(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. A reply (proven) carrying our letter back and a spreadsheet. Expected: held for the clerk, nothing
    registered, nothing answered to Sở Tư pháp."""
    world, _, copies = sent
    ours = (world.root / "out.pdf").read_bytes()
    out = _reply(world, copies, "re-ours-xlsx", [("45.pdf", ours), ("bao-cao.xlsx", xlsx())])
    assert out["verdict"] != "ignored" and _documents(world) == [], out["verdict"]
    assert not any(r.get("to", "").lower() == STP for r in out["replies"] if isinstance(r, dict)), out["replies"]


def test_attack_a_forger_attaching_our_letter_with_a_status_header_is_still_judged(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Someone nothing proves writes under Sở Tư pháp's From, "X-QLVB-Status: 02", attaching our own letter
    (a copy it saw), with a spreadsheet. Expected: never silently ignored: held for the clerk (a forged From), and our
    line not returned."""
    world, _, copies = sent
    ours = (world.root / "out.pdf").read_bytes()
    [out] = world.ingest(world.mail("forged-return", auth=None, subject="Trả lại văn bản", attachments=[
        ("45.pdf", ours), ("bao-cao.xlsx", xlsx())], headers={"X-QLVB-Status": "02", "X-QLVB-Reasons": "x",
                                                            "In-Reply-To": copies[STP].message_id}))
    assert out["verdict"] != "ignored", out["verdict"]
    assert _lines(world)[STP].state == "sent"


def test_guard_a_new_signed_letter_beside_our_letter_in_a_reply_is_registered(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD (GENUINE). Sở Tư pháp answers our letter (proven) with its own signed letter and our letter kept in the
    reply. Expected: its letter registered (accepted): not every PDF is ours."""
    world, _, copies = sent
    ours = (world.root / "out.pdf").read_bytes()
    theirs = world.signed("stp", world.document(number="91/STP-VP"))
    outs = world.ingest(world.mail("re-theirs-and-ours", subject="Re: Gửi văn bản 45/SNV-VP", attachments=[
        ("91.pdf", theirs), ("45.pdf", ours)], headers={"In-Reply-To": copies[STP].message_id}))
    assert "accepted" in [o["verdict"] for o in outs], [(o["verdict"], [r["code"] for r in o["reasons"]]) for o in outs]
    assert [d.notation for d in _documents(world)] == ["91/STP-VP"], [d.notation for d in _documents(world)]


# ================================================================================================== bounces

def test_guard_a_bounce_naming_the_recipient_in_capitals_marks_it_failed(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. The recipient's server bounces our copy, its Final-Recipient in capitals and angle brackets. Expected:
    the line failed."""
    world, _, copies = sent
    world.ingest(_dsn(world, "caps", _header_block(copies[STP].raw), final=f"<{STP.upper()}>"))
    assert _lines(world)[STP].state == "failed"


def test_genuine_a_bounce_from_the_recipients_own_domain_after_its_alias_marks_the_line(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GENUINE. Sở Tư pháp's own mail server expands vanthu@sotp.bacgiang.gov.vn to the clerk's real mailbox
    nguyenvana@sotp.bacgiang.gov.vn, which is full; it bounces our letter (our headers and token returned whole),
    Final-Recipient the expanded address, no Original-Recipient (Exchange and many servers write none). Expected: the
    clerk learns the letter did not arrive: the line failed (the bounce names an address of the recipient's own
    domain, its own server's word), not left "sent".
    FAULT: gateway/exchange/tracking.py `follow_report`/`_about` believes a failure only for the exact address we
    mailed: the genuine bounce is recorded as "another recipient's" in the audit log alone and the outgoing register
    says "sent" for a letter never delivered."""
    world, _, copies = sent
    world.ingest(_dsn(world, "alias-same-domain", _header_block(copies[STP].raw), final="nguyenvana@sotp.bacgiang.gov.vn"))
    assert _lines(world)[STP].state == "failed", _lines(world)[STP].state


def test_guard_a_bounce_naming_the_recipient_as_original_recipient_marks_it_failed(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tư pháp's server expands its alias and the expanded mailbox is full; its bounce (Postfix) names the
    expanded address as Final-Recipient and ours as Original-Recipient. Expected: the line failed."""
    world, _, copies = sent
    world.ingest(_dsn(world, "orig", _header_block(copies[STP].raw),
                      final=f"nguyenvana@sotp.bacgiang.gov.vn\nOriginal-Recipient: rfc822;{STP}"))
    assert _lines(world)[STP].state == "failed"


def test_guard_a_bounce_after_the_recipients_processing_status_leaves_the_line(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tài chính said 05 (proven), then a bounce naming it arrives. Expected: not failed."""
    from test_redteam158 import _answer
    world, _, copies = sent
    world.ingest(_answer(world, "p05", sender=STC, status="05", reply_to=copies[STC].message_id))
    world.ingest(_dsn(world, "late", _header_block(copies[STC].raw), final=STC))
    assert _lines(world)[STC].state != "failed"


def test_attack_an_unproven_reply_does_not_shield_the_line_from_a_true_bounce(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Someone nothing proves writes "Re: đã nhận" under Sở Tư pháp's From in reply to its copy (hoping to make
    the line "answered"); then Sở Tư pháp's server's genuine bounce. Expected: the line failed."""
    world, _, copies = sent
    world.ingest(world.mail("re-forged", auth=None, subject="Re: đã nhận", headers={"In-Reply-To": copies[STP].message_id}))
    world.ingest(_dsn(world, "true-bounce", _header_block(copies[STP].raw), final=STP))
    assert _lines(world)[STP].state == "failed"


# ================================================================================================== recalls

def test_guard_the_issuers_recall_of_a_letter_we_never_got_is_answered_16(world: World) -> None:
    """GUARD. Sở Tư pháp (proven) recalls its own identifier 000.00.14.H06-2026.70, which never reached us. Expected:
    told "never received" (one answer to Sở Tư pháp)."""
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "own-absent", STP, "000.00.14.H06-2026.70"))
    assert [o.recipient.lower() for o in _outbox(world) if o.id not in before] == [STP]


def test_genuine_the_issuers_recall_with_its_code_in_small_letters_is_answered(world: World) -> None:
    """GENUINE. Sở Tư pháp's system writes its identifiers in small letters ("000.00.14.h06-2026.71"; the code's
    letter is a province's, H06, whatever its case). It recalls one that never reached us. Expected: told "never
    received", as for "000.00.14.H06-2026.71".
    FAULT: gateway/exchange/recall.py `receive_recall` compares `ident.rpartition("-")[0]` with the directory's codes
    exactly: the issuer's own identifier in another case is "another agency's", answered with silence; the issuer
    waits for an answer that never comes."""
    before = {o.id for o in _outbox(world)}
    world.ingest(_recall(world, "own-lower", STP, "000.00.14.h06-2026.71"))
    assert [o.recipient.lower() for o in _outbox(world) if o.id not in before] == [STP]


def test_guard_a_recall_answer_after_our_recall_counts_and_one_before_does_not(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Sở Tài chính's 15 before we recall: nothing; after our recall, its 15: agreed."""
    from registry.models import Outbox
    from test_redteam158 import _answer, _rows
    world, ident, copies = sent
    world.ingest(_answer(world, "early-15", sender=STC, status="15", reply_to=copies[STC].message_id, ident=ident))
    assert _lines(world)[STC].recall is None
    world.run("recall", "--config", str(world.config_path), ident, "--reason", "Sai thể thức")
    notice = next(o for o in _rows(world, Outbox, Outbox.kind == "recall") if o.recipient.lower() == STC)
    world.ingest(_answer(world, "late-15", sender=STC, status="15", reply_to=notice.message_id, ident=ident))
    assert _lines(world)[STC].recall == "agreed"


# ================================================================================================== the outbox's patience

class _Clock:
    """A clock of the test's own for gateway/outbox.py: `sleep` moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_slip_answers_written_down_past_the_lease_are_never_written_after_another_sender_may_take_them(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """SLIP. The daemon's outbox hands our letter's two copies to the server, which takes them: the first at 30 s, the
    second begun at 30 s (well inside the half-lease) and answered at 84 s (a slow server: its DATA within the 30 s
    SMTP timeout twice over is possible, a greylisting proxy); the register refuses the write (the disk full) from the
    start and is freed at 130 s. Expected: what the server said is written down while this sender still holds the lease (2 min from the
    claim), or not at all (given up, logged): never written after the lease ran out, when another sender (a second
    daemon, `qlvb-gateway send`) may have claimed the rows and sent the letter again (red team 61's very fault).
    FAULT: gateway/outbox.py `send_due` gives `_patiently` LEASE/2 from the batch's END, whatever the batch already took:
    84 s of sending plus up to 60 s of patience outlives the 120 s lease, and the rows' "sent" is written at 130 s, after
    another sender may have claimed and sent them again."""
    import gateway.outbox as outbox
    from gateway.config import MailServer
    from qlvb_mailbox.smtp import Result
    from sqlalchemy.exc import OperationalError

    _send(world)
    clock = _Clock()
    monkeypatch.setattr(outbox.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(outbox.time, "sleep", clock.sleep)
    start = clock.now
    written_at: list[float] = []

    def send_all(server: Any, envelopes: list[Any], *, told: Any, go_on: Any, wanted: Any, **_: Any) -> list[Any]:
        results = []
        for envelope, spent in zip(envelopes, [30.0, 54.0]):  # the second begun at 30 s, its DATA answered at 84 s
            assert go_on()
            clock.now += spent
            result = Result(envelope.key, "sent")
            told(result)
            results.append(result)
        return results

    real = outbox.OutboxSender._record

    def record(self: Any, results: Any, now: Any) -> int:
        if clock.now - start < 130.0:
            raise OperationalError("UPDATE outbox", {}, Exception("database or disk is full"))
        written_at.append(clock.now - start)
        return real(self, results, now)

    monkeypatch.setattr(outbox, "send_all", send_all)
    monkeypatch.setattr(outbox.OutboxSender, "_record", record)
    register = world.db()
    try:
        sender = outbox.OutboxSender(register, MailServer(host="127.0.0.1", port=1, security="none"), US["mailbox"])
        try:
            sender.send_due()
        except OperationalError:
            pass  # given up: the rows go again once their lease runs out, as the fix says
    finally:
        register.close()
    assert all(at < outbox.LEASE.total_seconds() for at in written_at), written_at


def test_guard_patiently_writes_once_when_the_register_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """GUARD. The register refuses twice then takes it. Expected: written once, no exception."""
    import gateway.outbox as outbox
    from sqlalchemy.exc import OperationalError

    clock = _Clock()
    monkeypatch.setattr(outbox.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(outbox.time, "sleep", clock.sleep)
    calls = []

    def write() -> None:
        calls.append(clock.now)
        if len(calls) < 3:
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

    outbox._patiently(write, 60)
    assert len(calls) == 3


def test_guard_a_register_that_never_comes_back_is_said_within_the_patience(monkeypatch: pytest.MonkeyPatch) -> None:
    """GUARD. The register refuses for good. Expected: the error raised within the minute given, not swallowed."""
    import gateway.outbox as outbox
    from sqlalchemy.exc import OperationalError

    clock = _Clock()
    monkeypatch.setattr(outbox.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(outbox.time, "sleep", clock.sleep)

    def write() -> None:
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    with pytest.raises(OperationalError):
        outbox._patiently(write, 60)
    assert clock.now - 1000.0 <= 60


def test_slip_the_daemon_stopping_is_not_held_a_minute_by_the_patience(world: World,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """SLIP. The operator stops the daemon (`systemctl stop`: SIGTERM, `go_on` False) while the outbox's batch ends with
    the register full. Expected: the sending thread returns within seconds of the stop (the rows' lease lets another
    start send them again; the fix's own comment), not after retrying for a minute against a register that is full.
    FAULT: gateway/outbox.py `send_due` calls `_patiently(record, LEASE/2)` without `go_on`: a stopping daemon sleeps
    and retries for 60 s (here: its clock of the test's own), the stop held that long (systemd's default 90 s
    TimeoutStopSec is spent largely on it)."""
    import gateway.outbox as outbox
    from gateway.config import MailServer
    from qlvb_mailbox.smtp import Result
    from sqlalchemy.exc import OperationalError

    _send(world)
    clock = _Clock()
    monkeypatch.setattr(outbox.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(outbox.time, "sleep", clock.sleep)
    stopping = threading.Event()

    def send_all(server: Any, envelopes: list[Any], *, told: Any, go_on: Any, wanted: Any, **_: Any) -> list[Any]:
        results = [Result(envelopes[0].key, "sent")]
        told(results[0])
        stopping.set()  # SIGTERM as the first copy went
        return results

    def record(self: Any, results: Any, now: Any) -> int:
        raise OperationalError("UPDATE outbox", {}, Exception("database or disk is full"))

    monkeypatch.setattr(outbox, "send_all", send_all)
    monkeypatch.setattr(outbox.OutboxSender, "_record", record)
    register = world.db()
    began = clock.now
    try:
        sender = outbox.OutboxSender(register, MailServer(host="127.0.0.1", port=1, security="none"), US["mailbox"])
        with pytest.raises(OperationalError):
            sender.send_due(go_on=lambda: not stopping.is_set())
    finally:
        register.close()
    assert clock.now - began <= 10, clock.now - began


# ================================================================================================== IDLE

class _Client:
    """An IMAP client of the test's own: `idle_check` answers from `script` (each a (seconds it takes, responses))."""

    def __init__(self, script: list[tuple[float, list[Any]]]) -> None:
        self.script = list(script)
        self.calls = 0
        self.done = 0
        self._imap = type("I", (), {"untagged_responses": {}})()

    def has_capability(self, name: str) -> bool:
        return name == "IDLE"

    def idle(self) -> None:
        pass

    def idle_check(self, timeout: float) -> list[Any]:
        self.calls += 1
        spent, responses = self.script.pop(0) if self.script else (timeout, [])
        time.sleep(min(spent, timeout))
        return responses

    def idle_done(self) -> tuple[bytes, list[Any]]:
        self.done += 1
        return b"IDLE terminated", []


def _mailbox(client: _Client) -> Any:
    from qlvb_mailbox.imap import ImapMailbox
    box = ImapMailbox.__new__(ImapMailbox)
    box.client = client
    return box


def test_guard_a_keepalive_under_idle_keeps_the_daemon_waiting() -> None:
    """GUARD. Dovecot sends "* OK Still here" under IDLE (its keepalive) at once and again; no mail. Expected: the wait
    goes on to its end (1.5 s here), IDLE left once."""
    client = _Client([(0.0, [(b"OK", b"Still here")]), (0.0, [(b"OK", b"Still here")])])
    began = time.monotonic()
    _mailbox(client).wait(1.5, threading.Event())
    assert time.monotonic() - began >= 1.4 and client.done == 1


def test_guard_new_mail_under_idle_ends_the_wait_at_once() -> None:
    """GUARD. "* 3 EXISTS" under IDLE. Expected: the wait ends at once."""
    client = _Client([(0.0, [(3, b"EXISTS")])])
    began = time.monotonic()
    _mailbox(client).wait(5, threading.Event())
    assert time.monotonic() - began < 1 and client.done == 1


def test_guard_a_spurious_wakeup_ends_the_wait_once_without_error() -> None:
    """GUARD. The socket wakes with nothing (a TLS record carrying no data) once. Expected: the wait ends (the daemon
    looks at the inbox: no mail lost), IDLE left once, no exception."""
    client = _Client([(0.0, [])])
    _mailbox(client).wait(3, threading.Event())
    assert client.done == 1 and client.calls == 1


def test_guard_the_daemon_stopping_ends_the_idle_wait_at_once() -> None:
    """GUARD. SIGTERM while the daemon waits in IDLE (keepalives coming). Expected: the wait ends within a second."""
    client = _Client([(0.0, [(b"OK", b"Still here")])] * 3)
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    began = time.monotonic()
    _mailbox(client).wait(30, stop)
    assert time.monotonic() - began < 1.5 and client.done == 1
