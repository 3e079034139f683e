"""Red team 161: the fixes made after red teams 159 and 160 (commits 51977df, 7bb3282), both ways: where they go too
far (a genuine letter's recipient entry, picture or bounce held, refused or ignored for nothing) and where they do not
go far enough (an attack or a slip passing).

The resolver is read as the outgoing plan reads it (gateway/resolver.py's Resolver over red team 153's national
directory, our agency Sở Nội vụ tỉnh Bắc Giang, with Phòng Công chứng số 1, Ban Quản lý các khu công nghiệp, Sở Văn
hóa, Thể thao và Du lịch, and the provincial general hospital added). Attachments through gateway/intake/attachments.py
`classify`/`is_picture`; bounces end to end through red team 158's world (our letter 45/SNV-VP sent to Sở Tư pháp and
Sở Tài chính). Each test's docstring says who did what and what was expected; a FAULT's says what happens instead.

Found (failing): a single body whose own name holds a comma or "các" (Sở Văn hóa, Thể thao và Du lịch; Ban Quản lý
các khu công nghiệp) with "(kèm theo danh sách)" held (`_MANY` reads the body's name as a list); a group narrowed by a
list written "DS", "d/s", "danh mục", "Biểu", "PL", "Phụ biểu" mailed to the whole group (`_NARROWS` knows two words);
a PDF with no "%PDF-" header (or Adobe's "%!PS-Adobe … PDF-" one) after a JPEG taken for a picture although MuPDF opens
it; a JPEG whose comment merely mentions "%PDF-1.4" refused; an alias the recipient's server expanded, its only member
failing, left "sent"; a signed official letter with such a photo returned (`unsupported-attachment`); "danh-sách",
"danh<zero-width space>sách", "[theo DS]" hiding the narrowing; a listed notary office after its Sở's colon held."""

from __future__ import annotations

from typing import Any

import pytest

from test_attachments import image
from test_redteam152 import STP_LS, SYT, _read, _resolver
from test_redteam153 import NATIONAL
from test_redteam158 import _dsn, _header_block, _lines, sent  # noqa: F401  (red team 158's fixture)
from world import STP, World

PCC1 = "vanthu@pcc1.bacgiang.gov.vn"
BQL = "vanthu@bqlkcn.bacgiang.gov.vn"
VHTTDL = "vanthu@svhttdl.bacgiang.gov.vn"
BVDK = "vanthu@bvdk.bacgiang.gov.vn"
GROUP = "Sở, ban, ngành"


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _resolver(tmp_path_factory.mktemp("rt161"), NATIONAL + (
        f"000.00.30.H06,Phòng Công chứng số 1 tỉnh Bắc Giang,{PCC1},Phòng Công chứng số 1,\n"
        f'000.00.40.H06,Ban Quản lý các khu công nghiệp tỉnh Bắc Giang,{BQL},BQL các KCN,"{GROUP}"\n'
        f'000.00.41.H06,"Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Giang",{VHTTDL},'
        f'"Sở Văn hóa, Thể thao và Du lịch|Sở VHTTDL","{GROUP}"\n'
        f"000.00.42.H06,Bệnh viện Đa khoa tỉnh Bắc Giang,{BVDK},Bệnh viện Đa khoa tỉnh,\n"))


# ================================================================================================== notes, too far

@pytest.mark.parametrize("entry,meant", [
    ("Sở Văn hóa, Thể thao và Du lịch (kèm theo danh sách)", VHTTDL),
    ("Ban Quản lý các khu công nghiệp tỉnh Bắc Giang (kèm theo danh sách)", BQL),
], ids=["comma-in-the-name", "cac-in-the-name"])
def test_genuine_one_body_whose_name_has_a_comma_or_cac_with_a_list_attached_is_mailed(resolver: Any, entry: str,
                                                                                       meant: str) -> None:
    """GENUINE. Sở Nội vụ sends Sở Văn hóa, Thể thao và Du lịch (every province has one, its name with a comma) or Ban
    Quản lý các khu công nghiệp (its name with "các") a letter "(kèm theo danh sách)": one body, the list of people a
    Kế hoạch concerns attached. Expected: mailed to that body, as "Sở Tư pháp (kèm theo danh sách)" and "Sở VHTTDL (kèm
    theo danh sách)" are.
    FAULT: gateway/resolver.py `Resolver._clean` (`kept`): `_MANY` looks for "các", "những", "," or ";" anywhere in
    the entry, so the body's own name reads as a group or a list: the note is kept as a body, unresolved, the send
    held."""
    assert _read(resolver, entry) == ("resolved", [meant])


@pytest.mark.parametrize("entry,meant", [
    ("Sở Tư pháp (kèm theo danh sách)", [STP]),
    ("Sở VHTTDL (kèm theo danh sách)", [VHTTDL]),
    ("Sở Tư pháp (theo đề nghị tại Văn bản số 12/STP-VP)", [STP]),
    ("Sở Tư pháp (theo yêu cầu)", [STP]),
], ids=["stp-list", "vhttdl-abbrev-list", "theo-de-nghi", "theo-yeu-cau"])
def test_guard_notes_after_one_body_go_to_it(resolver: Any, entry: str, meant: list[str]) -> None:
    """GUARD (GENUINE). Notes after one body. Expected: mailed to it."""
    assert _read(resolver, entry) == ("resolved", meant)


# ================================================================================================== notes, not far enough

@pytest.mark.parametrize("entry", [
    "Các Sở, ban, ngành (theo DS kèm theo)",
    "Các Sở, ban, ngành (theo d/s kèm theo)",
    "Các Sở, ban, ngành (theo danh mục kèm theo)",
    "Các Sở, ban, ngành (theo Biểu kèm theo)",
    "Các Sở, ban, ngành (theo PL kèm theo)",
    "Các Sở, ban, ngành (theo Phụ biểu)",
], ids=["ds", "d-s", "danh-muc", "bieu", "pl", "phu-bieu"])
def test_attack_a_group_narrowed_by_a_list_written_otherwise_is_not_sent_to_the_whole_group(resolver: Any,
                                                                                             entry: str) -> None:
    """ATTACK/SLIP. A letter for some Sở only writes "Các Sở, ban, ngành (theo DS kèm theo)": "DS", "d/s" (danh sách),
    "danh mục", "Biểu", "PL" (phụ lục), "Phụ biểu", as clerks abbreviate and vary them. The bodies of an attached list,
    not every Sở. Expected: held for the clerk, as "(theo danh sách kèm theo)" and "(theo Phụ lục)" are.
    FAULT: gateway/resolver.py `_NARROWS` knows only "danh sách" and "phụ lục" written out; "theo" (`_NOTE_WORDS`)
    makes any other such bracket a note, dropped: the letter goes to every agency of the group."""
    status, mailboxes = _read(resolver, entry)
    assert status != "resolved", (status, mailboxes)


@pytest.mark.parametrize("entry", ["Các Sở, ban, ngành (theo danh sách kèm theo)", "Các Sở, ban, ngành (theo Phụ lục)",
                                   "Sở, ban, ngành tỉnh (theo danh sách)"], ids=["danh-sach", "phu-luc", "no-cac"])
def test_guard_a_group_narrowed_by_a_list_is_held(resolver: Any, entry: str) -> None:
    """GUARD. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved"


@pytest.mark.parametrize("entry", ["Sở Tư pháp (theo Lạng Sơn)", "Sở Tư pháp (theo địa bàn Lạng Sơn)",
                                   "Sở Tư pháp (theo đề nghị của Ban Dân tộc tỉnh Lạng Sơn)",
                                   "Sở Tư pháp (theo CV số 12/UBND-VX tỉnh Lạng Sơn)"],
                         ids=["place", "dia-ban", "ban-dan-toc-ls", "cv-ls"])
def test_guard_another_place_behind_theo_is_never_ours(resolver: Any, entry: str) -> None:
    """GUARD (ATTACK). Another province behind "theo". Expected: never mailed to our Sở Tư pháp alone."""
    status, mailboxes = _read(resolver, entry)
    assert status != "resolved" or mailboxes == [STP_LS], (status, mailboxes)


# ================================================================================================== a head's items

@pytest.mark.parametrize("entry", [
    "Sở Tư pháp: Lãnh đạo Sở Tư pháp tỉnh Lạng Sơn", "Sở Tư pháp: Ban Lãnh đạo Sở Tư pháp (tỉnh Lạng Sơn)",
    "Sở Tư pháp: Lãnh đạo Sở Tư pháp Lạng Sơn", "UBND tỉnh: Lãnh đạo UBND tỉnh Lạng Sơn",
    "UBND tỉnh Lạng Sơn: Lãnh đạo UBND tỉnh Bắc Giang", "Sở Tư pháp: Lãnh đạo Sở Tư pháp và Sở Y tế",
    "Sở Tư pháp: Lãnh đạo Sở, Lãnh đạo UBND", "Sở Tư pháp: Lãnh đạo các Sở", "Sở Tư pháp: Lãnh đạo Sở Tài chính",
    "Sở Tư pháp: Lãnh đạo Thanh tra tỉnh", "Sở Tư pháp: Lãnh đạo Trung tâm Chuyển đổi số",
    "Sở Tư pháp: Lãnh đạo UBND tỉnh", "Sở Tư pháp: Lãnh đạo Sở Tư pháp tỉnh Bắc Giang và Sở Y tế",
], ids=["stp-ls", "bracket-ls", "stp-ls-no-tinh", "ubnd-ls-under-ours", "ubnd-bg-under-ls", "and-syt", "and-ubnd",
        "cac-so", "stc", "thanh-tra", "ttcds", "ubnd-tinh", "own-and-syt"])
def test_guard_another_bodys_leaders_after_a_colon_are_never_the_heads(resolver: Any, entry: str) -> None:
    """GUARD (ATTACK). "Lãnh đạo <another body>" after a head's colon, the other body in another province, another
    kind, a group, or joined with "và". Expected: never resolved to the head alone."""
    assert _read(resolver, entry)[0] != "resolved", entry


@pytest.mark.parametrize("entry,meant", [
    ("Sở Tư pháp: Lãnh đạo Sở Tư pháp, Phòng Hành chính tư pháp", [STP]),
    ("Sở Tư pháp: Lãnh đạo Sở, Văn phòng Sở", [STP]),
    ("Sở Tư pháp tỉnh Lạng Sơn: Lãnh đạo Sở Tư pháp", [STP_LS]),
    ("UBND tỉnh Lạng Sơn: Lãnh đạo UBND", ["vanthu@langson.gov.vn"]),
], ids=["own-and-unit", "own-and-office", "ls-own", "ubnd-ls"])
def test_guard_a_heads_own_leaders_and_units_go_to_it(resolver: Any, entry: str, meant: list[str]) -> None:
    """GUARD (GENUINE). Expected: mailed to the head."""
    assert _read(resolver, entry) == ("resolved", meant)


@pytest.mark.parametrize("entry", ["Sở Tư pháp: Phòng Công chứng số 2", "Sở Y tế: Bệnh viện Hồng Ngọc",
                                   "Sở Tư pháp: Hãng luật ABC", "Sở Y tế: Tiệm thuốc Minh Anh"],
                         ids=["pcc2", "benh-vien", "hang-luat", "tiem-thuoc"])
def test_guard_bodies_and_firms_after_a_colon_are_held(resolver: Any, entry: str) -> None:
    """GUARD. Expected: held."""
    assert _read(resolver, entry)[0] != "resolved"


@pytest.mark.parametrize("entry", ["Sở Y tế: Phòng Nghiệp vụ Y", "Sở Y tế: Phòng Quản lý hành nghề y dược tư nhân",
                                   "Sở Tư pháp: Phòng Bổ trợ tư pháp"], ids=["nvy", "tu-nhan", "bo-tro"])
def test_guard_a_sos_genuine_departments_are_its(resolver: Any, entry: str) -> None:
    """GUARD (GENUINE). A Sở's own departments after its colon. Expected: mailed to the Sở."""
    meant = [SYT] if entry.startswith("Sở Y tế") else [STP]
    assert _read(resolver, entry) == ("resolved", meant)


# ================================================================================================== pictures

_PDF_BODY = (b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("header", [b"", b"%!PS-Adobe-3.0 PDF-1.7\n"], ids=["no-header", "adobe-ps-header"])
def test_attack_a_headerless_pdf_appended_to_a_jpeg_is_no_picture(header: bytes) -> None:
    """ATTACK. A JPEG with a PDF's objects appended, its "%PDF-" header left out or written as Adobe's
    "%!PS-Adobe-3.0 PDF-1.7" (MuPDF, the gateway's own reader, opens it as a one-page PDF; Acrobat accepts the second
    header). Expected: not taken for a picture, as the same file with "%PDF-1.7" is refused.
    FAULT: gateway/intake/attachments.py `_allowed_by_magic` looks for the five bytes "%PDF-" only: the file passes
    as "ảnh JPEG" (a draft picture), `is_picture` true, and `rules.answer_with_files` excuses it."""
    import pymupdf

    from gateway.intake.attachments import classify, is_picture
    data = image("JPEG") + b"\x00" * 2048 + header + _PDF_BODY
    assert pymupdf.open(stream=data, filetype="pdf").page_count == 1  # a document to a reader
    found = classify("anh-chup.jpg", "image/jpeg", data)
    assert not is_picture(found), found


def test_guard_a_pdf_appended_to_a_jpeg_is_refused() -> None:
    """GUARD. The fix's polyglot. Expected: refused."""
    from gateway.intake.attachments import classify, is_picture
    found = classify("anh.jpg", "image/jpeg", image("JPEG") + b"\x00" * 2048 + b"%PDF-1.7\n" + _PDF_BODY)
    assert found.kind == "refused" and not is_picture(found)


def test_genuine_a_jpeg_whose_comment_mentions_pdf_is_a_picture() -> None:
    """GENUINE. A scanner's software writes in the JPEG's comment segment where the page came from: "Scanned from
    %PDF-1.4 original". No PDF object anywhere, nothing any reader opens as a document. Expected: a picture (allowed).
    FAULT: gateway/intake/attachments.py `_allowed_by_magic` refuses any picture whose bytes hold "%PDF-" anywhere,
    text in its metadata too: the photo is refused ("mang tài liệu PDF bên trong")."""
    from gateway.intake.attachments import classify, is_picture
    text = b"Scanned from %PDF-1.4 original"
    jpeg = image("JPEG")
    data = jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]
    found = classify("anh.jpg", "image/jpeg", data)
    assert found.kind != "refused" and is_picture(found), found


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF"])
def test_guard_a_plain_picture_is_a_picture(kind: str) -> None:
    """GUARD (GENUINE). Expected: a picture."""
    from gateway.intake.attachments import classify, is_picture
    name = {"PNG": "logo.png", "JPEG": "anh.jpg", "GIF": "logo.gif"}[kind]
    assert is_picture(classify(name, "application/octet-stream", image(kind)))


# ================================================================================================== bounces

def test_attack_an_expanded_alias_whose_only_member_failed_is_a_failure(sent: tuple[World, str, dict[str, Any]]) -> None:
    """SLIP. Sở Tư pháp's vanthu@ is an alias its server expands to the clerk's mailbox, which no longer exists; the
    report says so as RFC 3464 writes it: "Final-Recipient: vanthu@…, Action: expanded", then "Final-Recipient:
    nguyenvana@sotp…, Action: failed". Nobody at Sở Tư pháp got the letter. Expected: the line is "failed" (red team
    159's very case: an alias of the recipient's own domain).
    FAULT: gateway/exchange/reports.py `delivery_report` counts "expanded" (and "relayed") as delivered_for, and
    gateway/exchange/tracking.py `_about` then ignores every failure of the domain: the line stays "sent", the clerk
    never told."""
    world, _, copies = sent
    final = f"{STP}\nAction: expanded\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; nguyenvana@sotp.bacgiang.gov.vn"
    world.ingest(_dsn(world, "expanded-161", _header_block(copies[STP].raw), final=final))
    assert _lines(world)[STP].state == "failed", _lines(world)[STP].state


def test_guard_a_bounce_of_the_recipient_itself_fails_the_line(sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Final-Recipient the recipient, failed. Expected: failed."""
    world, _, copies = sent
    world.ingest(_dsn(world, "own-161", _header_block(copies[STP].raw)))
    assert _lines(world)[STP].state == "failed"


def test_guard_a_delivered_recipient_beside_a_colleagues_failure_stays_sent(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. Delivered to the recipient, a copy to a colleague of its domain failed. Expected: not failed."""
    world, _, copies = sent
    final = f"{STP}\nAction: delivered\nStatus: 2.0.0\n\nFinal-Recipient: rfc822; giamdoc@sotp.bacgiang.gov.vn"
    world.ingest(_dsn(world, "delivered-161", _header_block(copies[STP].raw), final=final))
    assert _lines(world)[STP].state != "failed"


def _jpeg_commented(text: bytes) -> bytes:
    jpeg = image("JPEG")
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def test_genuine_an_official_letter_with_a_photo_whose_comment_mentions_pdf_is_registered(world: World) -> None:
    """GENUINE. Sở Tư pháp (proven) sends its signed letter with a photo of the site inspected, a JPEG whose comment
    segment its scanning app wrote "Scanned from %PDF-1.4 original" (text, no PDF object). Expected: the letter is
    registered (accepted); at most the photo pointed out.
    FAULT: gateway/intake/attachments.py `_allowed_by_magic` refuses the photo as a polyglot, and
    gateway/decision/rules.py `refused_attachments` makes that an error (`unsupported-attachment`) of the whole mail:
    the signed letter is not registered."""
    out, *_ = world.ingest(world.mail("photo-pdf-comment-161", attachments=[
        ("240-STP-VP.pdf", world.signed()), ("anh-hien-truong.jpg", _jpeg_commented(b"Scanned from %PDF-1.4 original"))]))
    assert out["verdict"] == "accepted", (out["verdict"], [r["code"] for r in out["reasons"]])


def test_guard_an_official_letter_with_a_plain_photo_is_registered(world: World) -> None:
    """GUARD (GENUINE). The same letter and a plain photo. Expected: accepted."""
    out, *_ = world.ingest(world.mail("photo-plain-161", attachments=[
        ("240-STP-VP.pdf", world.signed()), ("anh-hien-truong.jpg", image("JPEG"))]))
    assert out["verdict"] == "accepted", (out["verdict"], [r["code"] for r in out["reasons"]])


@pytest.mark.parametrize("entry", ["Các Sở, ban, ngành (theo danh-sách)", "Các Sở, ban, ngành (theo danh\u200bsách)",
                                   "Các Sở, ban, ngành [theo DS]"], ids=["hyphen", "zero-width-space", "square-ds"])
def test_attack_a_list_word_bent_hides_the_narrowing(resolver: Any, entry: str) -> None:
    """ATTACK. The list word bent so a reader still reads it: "danh-sách", "danh<zero-width space>sách" (drawn
    "danhsách", still read as the word), "[theo DS]".
    Expected: held, as "(theo danh sách)" is.
    FAULT: gateway/resolver.py `_NARROWS` matches "DANH SACH" with one space only (the zero-width space dropped by
    `as_printed` joins the words): the bracket is a "theo" note, the letter mailed to the whole group."""
    status, mailboxes = _read(resolver, entry)
    assert status != "resolved", (status, mailboxes)


@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 161: a unit the directory lists by an alias "
                   "leaving out its place, after its head's colon, holds the entry (as before red team 159)")
def test_genuine_a_listed_notary_office_after_its_sos_colon_gets_the_letter(resolver: Any) -> None:
    """GENUINE. "Sở Tư pháp: Phòng Công chứng số 1": the Sở and its notary office, which the directory lists (alias
    "Phòng Công chứng số 1"). Expected: mailed to both, as "UBND huyện Yên Dũng: Phòng GD&ĐT" goes to both.
    FAULT: gateway/resolver.py `Resolver._head_and_its_own`: `_written_as` refuses the alias (its agency has a place
    the item leaves out), and an item the directory knows (`_direct`), or now any "Phòng … số N" (`_NO_UNIT_EITHER`),
    then holds the entry: the send held for the very office the directory lists."""
    assert _read(resolver, "Sở Tư pháp: Phòng Công chứng số 1") == ("resolved", sorted([PCC1, STP]))


def test_attack_a_reply_carrying_a_headerless_pdf_after_a_jpeg_is_not_ignored(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """ATTACK. Sở Tư pháp's reply (proven) to our letter carries "bao-cao.jpg": a JPEG with a PDF's objects after it,
    no "%PDF-" header (MuPDF opens it as a one-page document; renamed .pdf it is one). Expected: the clerk sees the file
    (held), as the same file with a "%PDF-1.7" header is refused.
    FAULT: gateway/intake/attachments.py `_allowed_by_magic` takes it for "ảnh JPEG" (`is_picture`), and
    gateway/decision/rules.py `answer_with_files` excuses pictures: the reply is ignored, the document in it unseen."""
    from test_redteam159 import _reply
    world, _, copies = sent
    data = image("JPEG") + b"\x00" * 2048 + _PDF_BODY
    out = _reply(world, copies, "re-jpeg-pdf-161", [("bao-cao.jpg", data)], declared_type="image/jpeg")
    assert out["verdict"] != "ignored", (out["verdict"], [r["code"] for r in out["reasons"]])


def test_guard_a_bounce_naming_the_recipient_as_original_recipient_fails_the_line(
        sent: tuple[World, str, dict[str, Any]]) -> None:
    """GUARD. The recipient's server forwards vanthu@ to the clerk's mailbox, which fails; the report names vanthu@ as
    Original-Recipient of the failed group. Expected: failed."""
    world, _, copies = sent
    final = f"nguyenvana@sotp.bacgiang.gov.vn\nOriginal-Recipient: rfc822; {STP}"
    world.ingest(_dsn(world, "original-161", _header_block(copies[STP].raw), final=final))
    assert _lines(world)[STP].state == "failed", _lines(world)[STP].state
