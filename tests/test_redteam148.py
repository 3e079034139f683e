"""Red team 148 (outgoing, stop after 112): what `qlvb-gateway send`, the clerk's outgoing folder, the resolver and recall
do with blocks and files a forger or a genuine clerk gives them.

Sở Nội vụ tỉnh Bắc Giang's gateway in this process (as tests/test_redteam112.py runs it): our key configured (PKCS#12
of the tests' PKI), real PDFs laid out by the kit, read as a worker reads them, a directory of the world's agencies and
a few more (Sở Y tế, another province's Sở Tư pháp, Bộ Tư pháp), and a real SMTP server (aiosmtpd) receiving."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kit import DocumentSpec, render_document
from outgoing_kit import signing_agency
from test_redteam112 import Recorder as Recorder112
from world import STC, STP, UBND, US

SYT = "vanthu@syt.bacgiang.gov.vn"
STP_LS = "vanthu@sotp.langson.gov.vn"
BTP = "vanthu@moj.gov.vn"

DIRECTORY = f"""code,name,mailbox,aliases,groups
000.00.00.H06,UBND tỉnh Bắc Giang,{UBND},ỦY BAN NHÂN DÂN TỈNH BẮC GIANG|UBND tỉnh,
000.00.14.H06,Sở Tư pháp tỉnh Bắc Giang,{STP},Sở Tư pháp,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.15.H06,Sở Nội vụ tỉnh Bắc Giang,{US['mailbox']},Sở Nội vụ,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.16.H06,Sở Tài chính tỉnh Bắc Giang,{STC},Sở Tài chính,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.17.H06,Sở Y tế tỉnh Bắc Giang,{SYT},Sở Y tế,"Sở, ban, ngành|Sở, cơ quan thuộc UBND tỉnh"
000.00.14.H33,Sở Tư pháp tỉnh Lạng Sơn,{STP_LS},,
000.00.00.G13,Bộ Tư pháp,{BTP},,
"""


class Recorder(Recorder112):
    def to(self, filename: str) -> list[str]:
        return sorted(a for to, _ in self.carrying(filename) for a in to)


@dataclass
class Agency:
    world: Any
    gateway: Any
    sender: Any
    smtp: Recorder

    def send_now(self, now: datetime | None = None) -> None:
        from gateway.outbox import OutboxSender

        config = self.gateway.config
        OutboxSender(self.gateway.register, config.smtp, config.agency.mailbox).send_due(now)

    def registered(self, notation: str) -> list[Any]:
        from registry.models import OutgoingDocument

        with self.gateway.register.session() as s:
            return list(s.scalars(select(OutgoingDocument).where(OutgoingDocument.notation == notation)).all())

    def all_registered(self) -> list[tuple[int, int, str | None]]:
        from registry.models import OutgoingDocument

        with self.gateway.register.session() as s:
            return [(r.year, r.sequence, r.notation) for r in s.scalars(select(OutgoingDocument)
                                                                        .order_by(OutgoingDocument.id)).all()]


@contextmanager
def opened_agency(root: Path, province: Any, directory: str, password_env: str,
                  database: str | None = None) -> Iterator[Agency]:
    """Our Sở Nội vụ signing and sending in this process, over a recording SMTP server, with this directory."""
    handler = Recorder()
    with signing_agency(root, province, handler, password_env, directory, database) as (world, gateway, sender):
        yield Agency(world, gateway, sender, handler)


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Agency]:  # type: ignore[no-untyped-def]
    with opened_agency(tmp_path_factory.mktemp("rt148") / "agency", province, DIRECTORY, "QLVB_RT148_P12") as opened:
        yield opened


_numbers = itertools.count(1)


def our_letter(electronic: list[str], *, paper: list[str] | None = None, number: str | None = None,
               **changes: Any) -> tuple[str, bytes]:
    """(its number, the PDF) of a letter of ours whose block lists `electronic` under "Bản điện tử"."""
    number = number or f"{next(_numbers)}/SNV-VP"
    recipients = changes.pop("recipients", None) or ["Nơi nhận:", *(paper or []), "- Lưu: VT, VP.", "Bản điện tử:",
                                                     *electronic]
    spec: dict[str, Any] = dict(issuer="SỞ NỘI VỤ", number=number, recipients=recipients, kinh_gui=[])
    return number, render_document(DocumentSpec(**{**spec, **changes}))


def send(agency: Agency, number: str, pdf: bytes, **kw: Any) -> Any:
    from gateway.outgoing.send import OutgoingFile

    name = number.replace("/", "-") + ".pdf"
    return agency.sender.send(OutgoingFile(name, name, pdf), **kw)


def plan(agency: Agency, electronic: list[str], **kw: Any) -> Any:
    number, pdf = our_letter(electronic, **kw)
    return send(agency, number, pdf, dry_run=True).plan


def resolutions(p: Any) -> dict[str, tuple[str, list[str]]]:
    return {r.entry: (r.status, sorted(a.mailbox for a in r.agencies)) for r in p.electronic}


def mailed(p: Any) -> list[str]:
    return sorted(a.mailbox for a, _ in p.recipients())


# ---- smoke: the fixture works --------------------------------------------------------------------------------------

def test_smoke_a_plain_letter_goes_to_its_two_agencies(agency: Agency) -> None:
    p = plan(agency, ["- Sở Tư pháp;", "- Sở Tài chính."])
    assert p.sendable, p.as_json()
    assert mailed(p) == sorted([STP, STC])


# ---- 1. recall: what the outbox still holds of the recalled document goes all the same -------------------------------

def test_a_document_recalled_before_the_outbox_sent_it_is_still_mailed(agency: Agency) -> None:
    """The clerk sends a letter and recalls it at once (wrong figures), before the daemon's outbox has handed the
    queued mails to the server (the server down, or the next turn not come). `recall` queues the notice but leaves the
    document's own mails queued: at the next turn the recalled letter is mailed to every recipient, then the recall."""
    from gateway.exchange.recall import recall_outgoing

    number, pdf = our_letter(["- Sở Y tế;", "- Sở Tài chính."])
    out = send(agency, number, pdf)
    assert out.registered, out.as_json()
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu tại Phụ lục", "clerk")
    agency.send_now()
    name = number.replace("/", "-") + ".pdf"
    assert agency.smtp.to(name) == [], f"recalled {out.plan.identifier}, then mailed to {agency.smtp.to(name)}"


def test_a_document_deferred_by_the_server_arrives_after_its_recall(agency: Agency) -> None:
    """The recipient's server defers the letter (451), the clerk recalls it; the recall notice goes first (the
    document's retry is not due yet), the recipient answers 16 (unknown document), then the retry delivers the
    recalled letter, which the recipient registers as a new document: the recall never catches up with it."""
    from gateway.exchange.recall import recall_outgoing

    number, pdf = our_letter(["- Sở Y tế;", "- Sở Tư pháp."])
    name = number.replace("/", "-") + ".pdf"
    agency.smtp.refuse[SYT] = "451 4.7.1 greylisted, try again later"
    try:
        out = send(agency, number, pdf)
        assert out.registered, out.as_json()
        agency.send_now()
    finally:
        agency.smtp.refuse.clear()
    assert agency.smtp.to(name) == [STP]
    recall_outgoing(agency.gateway, out.plan.identifier, "Ban hành sai thẩm quyền", "clerk")
    agency.send_now()  # the recall: due now
    recalls = [to for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == out.plan.identifier
               and m.get("X-QLVB-Status")]
    assert [STP] in recalls  # it reached Sở Tư pháp: recalled there
    agency.send_now(datetime.now(timezone.utc) + timedelta(hours=1))  # the document's retry
    assert agency.smtp.to(name) == [STP], \
        f"{out.plan.identifier} recalled and the recall delivered; the document then delivered to {agency.smtp.to(name)}"
    recalls = [to for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == out.plan.identifier
               and m.get("X-QLVB-Status")]
    assert [SYT] not in recalls  # (fixed) it never reached Sở Y tế: withdrawn, nothing to recall there


# ---- 2. the outgoing register: one số, two documents -----------------------------------------------------------------

def test_one_number_for_two_documents_of_one_year_is_registered_twice_unsaid(agency: Agency) -> None:
    """Two different letters printed with the same số, ký hiệu "47/SNV-VP", one dated 1 December, the other 3 December
    (the clerk reused a number, or a forger copied one): NĐ 30/2020 numbers a year's documents once each. The second
    is registered and mailed without a word (`sent-before` is said only for the same date)."""
    _, first = our_letter(["- Sở Tư pháp."], number="47/SNV-VP", date=(1, 12, 2026), summary="V/v báo cáo biên chế")
    out1 = send(agency, "47/SNV-VP", first)
    assert out1.registered
    _, second = our_letter(["- Sở Tài chính."], number="47/SNV-VP", date=(3, 12, 2026),
                           summary="V/v đề nghị cấp kinh phí")
    from gateway.outgoing.send import OutgoingFile

    out2 = agency.sender.send(OutgoingFile("47b.pdf", "47b.pdf", second), dry_run=True)
    said = [w.code for w in out2.plan.warnings] + [r.code for r in out2.plan.held]
    assert said, f"số 47/SNV-VP of 2026 given to a second document: {out2.plan.identifier}, nothing said"


def test_the_same_letter_sent_again_with_its_number_written_with_a_leading_zero_is_unsaid(agency: Agency) -> None:
    """Our letter "5/SNV-VP" of 2 December is sent; the clerk saves it again, its number typed "05/SNV-VP" as many
    agencies write numbers below 10, and sends it: the same document of the same date goes a second time and
    `sent-before` is not said (the register's lookup reads the notations beginning "05/" only)."""
    _, first = our_letter(["- Sở Tư pháp."], number="5/SNV-VP", date=(2, 12, 2026))
    assert send(agency, "5/SNV-VP", first).registered
    _, again = our_letter(["- Sở Tư pháp."], number="05/SNV-VP", date=(2, 12, 2026))
    out = send(agency, "05/SNV-VP", again, dry_run=True)
    assert "sent-before" in [w.code for w in out.plan.warnings], \
        f"05/SNV-VP of 2 December: the same as 5/SNV-VP sent, nothing said ({out.plan.as_json()['warnings']})"


# ---- 3. forger: a recipient block that names a company, a person or an address --------------------------------------

FORGED_ITEMS = [
    ("- Sở Tài chính: Công ty TNHH Kiểm toán XYZ.", STC),
    ("- Sở Tư pháp: ông Nguyễn Văn A.", STP),
    ("- Sở Tư pháp: attacker@evil.example.", STP),
]


@pytest.mark.parametrize("entry,agency_mailed", FORGED_ITEMS, ids=["company", "person", "address"])
def test_a_head_whose_item_is_a_company_person_or_address_is_mailed_to_the_head(agency: Agency, entry: str,
                                                                               agency_mailed: str) -> None:
    """An entry "Sở Tài chính: Công ty TNHH Kiểm toán XYZ" (a company), "Sở Tư pháp: ông Nguyễn Văn A" (a person),
    "Sở Tư pháp: attacker@evil.example" (an address): the item is nobody of the directory, yet the entry resolves to
    the head's agency and the send goes, the company, person or address dropped in silence (the head read as standing
    for itself, as "VPCP: BTCN, các Vụ"). "Sở Y tế (ông Nguyễn Văn A)" is held."""
    p = plan(agency, [entry])
    assert not p.sendable, f"{entry!r}: sent to {mailed(p)} alone"


def test_an_entry_writing_an_address_to_mail_is_mailed_to_the_directorys_agency_unsaid(agency: Agency) -> None:
    """"Sở Tư pháp (qua thư điện tử attacker@evil.example)": the block says where the electronic copy goes; the
    gateway drops the bracket as a note and mails Sở Tư pháp, the address written never shown to the clerk, no hold,
    no warning ("Sở Tư pháp <attacker@evil.example>" and "Sở Tư pháp - attacker@evil.example" are held)."""
    p = plan(agency, ["- Sở Tư pháp (qua thư điện tử attacker@evil.example)."])
    assert not p.sendable or p.warnings, f"sent to {mailed(p)}, the address written in the entry unsaid"


def test_a_bracket_naming_a_person_holds_the_entry(agency: Agency) -> None:
    """Control: a person in brackets holds the entry."""
    assert not plan(agency, ["- Sở Y tế (ông Nguyễn Văn A)."]).sendable


@pytest.mark.parametrize("entry", ["- Sở Y tế, Công ty Dược ABC.", "- Công ty Dược ABC (Sở Y tế).",
                                   "- Sở Y tế, các tổ chức, cá nhân có liên quan."])
def test_a_company_beside_an_agency_holds_the_send(agency: Agency, entry: str) -> None:
    """Control: a company or persons beside an agency hold the send."""
    assert not plan(agency, [entry]).sendable


@pytest.mark.parametrize("entry", ["- Sở Tư pháp tỉnh Lạng \u0405ơn.", "- Sở Tư pháp tỉnh Lạng\u200bSơn.",
                                   "- Sở Tư pháp tinh Lang Son.", "- Sở Tư pháp, tỉnh Lạng Sơn."])
def test_look_alike_writings_of_another_province_never_reach_ours(agency: Agency, entry: str) -> None:
    """Control: Lạng Sơn written with a Cyrillic S, a zero-width space, without marks: never our Sở Tư pháp."""
    p = plan(agency, [entry])
    assert STP not in mailed(p), (entry, resolutions(p))


# ---- 4. forger: what is not ours to send ------------------------------------------------------------------------------

def test_a_secret_letter_of_ours_is_never_sent(agency: Agency) -> None:
    """Control: a letter stamped MẬT."""
    number, pdf = our_letter(["- Sở Tư pháp."], secrecy="MẬT")
    out = send(agency, number, pdf)
    assert not out.registered and "secret" in " ".join(r.code for r in out.plan.held), out.plan.as_json()["held"]


def test_another_provinces_sở_nội_vụ_letter_is_not_signed_as_ours(agency: Agency) -> None:
    """Control: "UBND TỈNH LẠNG SƠN / SỞ NỘI VỤ", a letter of Lạng Sơn's Sở Nội vụ (our name without place)."""
    number, pdf = our_letter(["- Sở Tư pháp tỉnh Lạng Sơn."], issuer_parent="UBND TỈNH LẠNG SƠN", place="Lạng Sơn")
    out = send(agency, number, pdf)
    assert not out.registered, out.plan.as_json()


# ---- 5. genuine: real entries the gateway holds -----------------------------------------------------------------------

@pytest.mark.parametrize("entry,meant", [
    ("- Sở Tư pháp Lạng Sơn.", [STP_LS]),
    ("- Sở Tư pháp các tỉnh Bắc Giang, Lạng Sơn.", [STP, STP_LS]),
    ("- Sở Tư pháp tỉnh Bắc Giang, tỉnh Lạng Sơn.", [STP, STP_LS]),
    ("- STP Lạng Sơn.", [STP_LS]),
], ids=["bare-province", "cac-tinh-list", "tinh-tinh", "abbrev-bare"])
@pytest.mark.xfail(strict=True, reason="left: README Limits, red team 148: another province's Sở written with its "
                   "province bare, abbreviated, or as a list without a colon is held for the clerk to confirm")
def test_genuine_another_province_written_bare_or_as_a_list_is_held(agency: Agency, entry: str, meant: list[str]) -> None:
    """Genuine: a province written bare after a Sở ("Sở Tư pháp Lạng Sơn", the README's own rule: "a province written
    bare after a province's own kind of body is the list's place"), or two provinces after "các tỉnh" without a colon
    ("Sở Tư pháp các tỉnh Bắc Giang, Lạng Sơn"; with a colon it resolves): held unresolved, the clerk asked."""
    p = plan(agency, [entry])
    assert p.sendable and mailed(p) == sorted(meant), (entry, resolutions(p), [r.code for r in p.held])


@pytest.mark.parametrize("entry,meant", [
    ("- Giám đốc, các PGĐ Sở Tư pháp.", [STP]),
    ("- TT UBND tỉnh (b/c).", [UBND]),
    ("- Thường trực UBND tỉnh.", [UBND]),
], ids=["gd-pgd", "tt-ubnd", "thuong-truc-ubnd"])
def test_genuine_titles_of_an_agency_are_held(agency: Agency, entry: str, meant: list[str]) -> None:
    """Genuine: titles as blocks write them: "Giám đốc, các PGĐ Sở Tư pháp" (the README reads "CT, PCT UBND tỉnh"),
    "TT UBND tỉnh" / "Thường trực UBND tỉnh" (the province's standing committee, in most provincial blocks; "TT HĐND
    tỉnh" is read): held unresolved."""
    p = plan(agency, [entry])
    assert p.sendable and mailed(p) == sorted(meant), (entry, resolutions(p), [r.code for r in p.held])


@pytest.mark.parametrize("entry", ["- Giám đốc Sở (b/c);", "- Lãnh đạo Sở;", "- Các phòng, đơn vị thuộc Sở;",
                                   "- Sở Nội vụ (Phòng TCCB);"], ids=["gd-so", "lanh-dao-so", "phong-thuoc-so", "snv-phong"])
def test_genuine_our_own_leaders_and_units_under_ban_dien_tu_hold_the_send(agency: Agency, entry: str) -> None:
    """Genuine: our own Sở's leaders and units, listed under "Bản điện tử" as a Sở's internal copies are ("Giám đốc
    Sở (b/c)", "Lãnh đạo Sở", "Các phòng, đơn vị thuộc Sở", "Sở Nội vụ (Phòng TCCB)"): our own agency is `skipped` by
    the README, yet each is `unresolved` and the whole send is held."""
    p = plan(agency, [entry, "- Sở Tư pháp."])
    assert p.sendable and mailed(p) == [STP], (entry, resolutions(p), [r.code for r in p.held])


def test_genuine_a_subheading_with_its_channel_in_brackets_is_no_subheading(agency: Agency) -> None:
    """Genuine: "Bản điện tử (qua Hệ thống QLVB):" — the sub-heading with where it goes; read as a paper entry, the
    block has no electronic part, and the send is held `no-electronic-subheading`."""
    number, pdf = our_letter([], recipients=["Nơi nhận:", "- Lưu: VT, VP.", "Bản điện tử (qua Hệ thống QLVB):",
                                             "- Sở Tư pháp;", "- Sở Tài chính."])
    p = send(agency, number, pdf, dry_run=True).plan
    assert p.sendable and mailed(p) == sorted([STP, STC]), (p.paper, [r.code for r in p.held])


@pytest.mark.parametrize("recipients,kinh_gui,meant", [
    (["Nơi nhận:", "Gửi bản giấy:", "- Sở Tài chính;", "Gửi bản điện tử:", "- Sở Tư pháp;", "- Lưu: VT, VP."], [], [STP]),
    (["Nơi nhận:", "- Lưu: VT, VP.", "Gửi bản điện tử:", "- Như trên;"], ["Sở Tư pháp", "Sở Tài chính"], [STP, STC]),
    (["Nơi nhận:", "- Lưu: VT, VP.", "Bản điện tử:", "- Các Sở: Tư pháp, Tài chính, Y tế."], [], [STP, STC, SYT]),
    (["Nơi nhận:", "- Lưu: VT, VP.", "Bản điện tử:", "- Sở Tư pháp, Sở Tài chính,", "Sở Y tế."], [], [STP, STC, SYT]),
    (["Nơi nhận:", "- Lưu: VT, VP.", "BẢN ĐIỆN TỬ:", "- UBND tỉnh (b/c);", "- STP, STC."], [], [UBND, STP, STC]),
], ids=["bac-kan", "nhu-tren", "cac-so-head", "wrapped", "caps-abbrev"])
def test_genuine_blocks_that_resolve(agency: Agency, recipients: list[str], kinh_gui: list[str], meant: list[str]) -> None:
    """Control: blocks as agencies write them."""
    number, pdf = our_letter([], recipients=recipients, kinh_gui=kinh_gui)
    p = send(agency, number, pdf, dry_run=True).plan
    assert p.sendable and mailed(p) == sorted(meant), (resolutions(p), [r.code for r in p.held])


def test_the_outgoing_register_numbers_this_years_sends_one_after_another(agency: Agency) -> None:
    """Control: held and dry-run sends took no number; the register's numbers of each year run 1, 2, … (whatever
    other tests of the module this process ran before)."""
    number, pdf = our_letter(["- Sở Tư pháp."])
    assert send(agency, number, pdf).registered
    held, held_pdf = our_letter(["- Công ty TNHH ABC."])
    assert not send(agency, held, held_pdf).registered
    dry, dry_pdf = our_letter(["- Sở Tư pháp."])
    send(agency, dry, dry_pdf, dry_run=True)
    again, again_pdf = our_letter(["- Sở Tài chính."])
    assert send(agency, again, again_pdf).registered
    lines = agency.all_registered()
    by_year: dict[int, list[int]] = {}
    for year, sequence, _ in lines:
        by_year.setdefault(year, []).append(sequence)
    assert lines and all(seq == list(range(1, len(seq) + 1)) for seq in by_year.values()), lines


def test_fixed_a_letter_a_sender_had_in_hand_when_it_was_recalled_is_recalled_after_it_went(agency: Agency) -> None:
    """(fixed, the race of the fix) the outbox had taken the letter for the server when the clerk recalled it: the
    server accepted it, so it reached the recipient; the recall notice, held for what the server said, goes after."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.outbox import OutboxSender
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    agency.send_now(datetime.now(timezone.utc) + timedelta(days=1))  # what earlier tests left waiting, gone
    number, pdf = our_letter(["- Sở Y tế."])
    name = number.replace("/", "-") + ".pdf"
    out = send(agency, number, pdf)
    config = agency.gateway.config
    sender = OutboxSender(agency.gateway.register, config.smtp, config.agency.mailbox)
    now = datetime.now(timezone.utc)
    before = len(agency.smtp.got)  # the module's server has got earlier tests' mails
    [letter], _ = sender._claim(now)  # the letter in a sender's hand, its lease running
    recalled = recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    assert (recalled.recipients, recalled.waiting, recalled.withheld) == ([], [SYT], [])  # its notice waits
    agency.send_now()  # the notice is held: nothing goes before the letter's fate is known
    assert agency.smtp.got[before:] == []
    results = send_all(mail_server(sender.server), [letter])  # the server takes the letter
    sender._record(results, now)
    agency.send_now()
    got = agency.smtp.got[before:]
    assert [(to, bool(m.get("X-QLVB-Status"))) for to, m in got] == [([SYT], False), ([SYT], True)]  # letter, recall
    assert agency.smtp.to(name) == [SYT]
