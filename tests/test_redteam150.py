"""Red team 150: the outgoing queue and recall (`gateway/exchange/recall.py`, `gateway/outbox.py`, `registry/outbox.py`,
`sent_of_number`) and the outgoing resolver's rules (`_ADDRESS`, `_NO_UNIT`, `_a_persons_name`, `_our_own`, notes,
titles; `recipients._ELECTRONIC`), both ways, past red teams 148 and 149.

Sở Nội vụ tỉnh Bắc Giang's gateway in this process (tests/test_redteam148.py's way), its directory red team 149's plus
Phòng GD&ĐT huyện Yên Dũng and Thanh tra tỉnh, a real aiosmtpd server receiving; the real CLI (`recall`, `sent`)
through world.run; PostgreSQL from tests/servers.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from servers import postgres
from test_redteam148 import Agency, mailed, opened_agency, our_letter, plan, resolutions, send
from test_redteam149 import DIRECTORY as DIRECTORY149
from world import STC, STP

SYT = "vanthu@syt.bacgiang.gov.vn"
STP_LS = "vanthu@sotp.langson.gov.vn"
UBND_YD = "vanthu@yendung.bacgiang.gov.vn"
PGD_YD = "vanthu@pgd.yendung.bacgiang.gov.vn"
TTR = "vanthu@thanhtra.bacgiang.gov.vn"

DIRECTORY = DIRECTORY149 + f"""000.42.00.H06,Phòng Giáo dục và Đào tạo huyện Yên Dũng,{PGD_YD},Phòng GD&ĐT huyện Yên Dũng,
000.00.18.H06,Thanh tra tỉnh Bắc Giang,{TTR},Thanh tra tỉnh,
"""


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, province) -> Iterator[Agency]:  # type: ignore[no-untyped-def]
    with opened_agency(tmp_path_factory.mktemp("rt150") / "agency", province, DIRECTORY, "QLVB_RT150_P12") as opened:
        yield opened


def name_of(number: str) -> str:
    return number.replace("/", "-") + ".pdf"


def clear(agency: Agency) -> None:
    agency.send_now(datetime.now(timezone.utc) + timedelta(days=3))  # what earlier tests left waiting, gone


def notices(agency: Agency, identifier: str) -> list[list[str]]:
    """The recall notices the SMTP server received for a document, each with its recipients."""
    return [to for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == identifier and m.get("X-QLVB-Status") == "13"]


def cli(agency: Agency, *args: str) -> Any:
    return agency.world.run(*args, "--config", str(agency.world.config_path), check=False)


def sent_lines(agency: Agency, identifier: str) -> dict[str, tuple[str, str | None]]:
    """`qlvb-gateway sent --json`: each recipient's (state, recall) of a document, as the clerk reads it."""
    done = cli(agency, "sent", "--json")
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("identifier") == identifier:
                return {r["mailbox"]: (r["state"], r["recall"]) for r in row["recipients"]}
    raise AssertionError(f"{identifier} not in `sent --json`: {done.stdout[-2000:]}")


def warnings_of(p: Any) -> list[str]:
    return [w.code for w in p.warnings]


# ==== 1. the resolver: an address, a firm or a person the rules miss ====================================================

@pytest.mark.parametrize("entry", [
    "- Sở Tư pháp (qua thư điện tử vanthu.attacker.ru).",
    "- Sở Tư pháp (qua email attacker.evil.cn).",
], ids=["ru", "cn"])
def test_attack_an_address_on_a_host_of_an_unlisted_domain_is_dropped_unsaid(agency: Agency, entry: str) -> None:
    """ATTACK: an address written in the entry whose domain `_ADDRESS` does not list (".ru", ".cn": only vn, com, net,
    … are): the bracket is read as a note ("qua thư điện tử"), the letter goes to Sở Tư pháp and the clerk is never
    shown that the block asks for another address. Wrong: the send should be held (as "attacker@…" or "….example" is)."""
    p = plan(agency, [entry])
    assert not p.sendable, (entry, resolutions(p))


def test_guard_a_host_name_of_a_listed_domain_is_held(agency: Agency) -> None:
    """GUARD: "(qua email sotp.bacgiang.gov.vn)": a host name written in the entry holds the send for the clerk."""
    p = plan(agency, ["- Sở Tư pháp (qua email sotp.bacgiang.gov.vn)."])
    assert not p.sendable, resolutions(p)


@pytest.mark.parametrize("entry", [
    "- Sở Tư pháp: cô Nguyễn Thị Lan.",
    "- Sở Tư pháp: Công dân Nguyễn Văn A.",
    "- Sở Tài chính: DN tư nhân Hoàng Long.",
    "- Sở Tài chính: Công ti TNHH Hoàng Long.",
], ids=["co", "cong-dan", "dn", "cong-ti"])
def test_attack_a_person_or_firm_written_otherwise_goes_to_the_head_alone(agency: Agency, entry: str) -> None:
    """ATTACK / careless drafter: a person or firm after the head's colon, written as blocks also write them ("cô …",
    "Công dân …", "DN tư nhân", "Công ti", "Cơ sở kinh doanh"), missed by `_NO_UNIT` and `_a_persons_name`: taken for
    one of the head's units, the letter mailed to the head alone and the person or firm dropped in silence. The clerk's
    plan says "resolved"; the citizen or the firm never gets the letter."""
    p = plan(agency, [entry])
    assert not p.sendable, (entry, resolutions(p))


def test_guard_a_title_before_a_name_is_the_heads_official(agency: Agency) -> None:
    """GUARD: "Sở Tư pháp: Phó Giám đốc Nguyễn Văn A" is the Sở's own official: mailed to Sở Tư pháp alone."""
    p = plan(agency, ["- Sở Tư pháp: Phó Giám đốc Nguyễn Văn A."])
    assert p.sendable and mailed(p) == [STP], resolutions(p)


# ==== 2. notes: one naming another province's body is dropped ===========================================================

@pytest.mark.parametrize("entry", ["- Sở Tư pháp (LS, BG).", "- Sở Tư pháp (BG, LS)."], ids=["ls-bg", "bg-ls"])
def test_attack_a_bracket_of_two_provinces_mails_one_of_them(agency: Agency, entry: str) -> None:
    """ATTACK / careless drafter: "Sở Tư pháp (LS, BG)" names the Sở Tư pháp of Lạng Sơn and of Bắc Giang (red team 38's
    "(HN, HCM)" form); the bracket reads as unit codes, and the entry resolves to ours alone: Lạng Sơn's Sở never gets
    the letter, the plan says "resolved". It must go to both, or be held."""
    p = plan(agency, [entry])
    assert not p.sendable or sorted(mailed(p)) == sorted([STP, STP_LS]), (entry, resolutions(p))


@pytest.mark.parametrize("entry", ["- Sở Tư pháp (LS).", "- Sở Tư pháp (Phòng HCTP LS).", "- Sở Tư pháp [Lạng Sơn]."],
                         ids=["ls", "phong-ls", "square-ls"])
def test_guard_a_bracket_naming_another_province_never_resolves_to_ours(agency: Agency, entry: str) -> None:
    """GUARD: a bracket naming Lạng Sơn is never our Sở Tư pháp."""
    p = plan(agency, [entry])
    assert STP not in mailed(p), (entry, resolutions(p))


def test_genuine_another_provinces_director_resolves_to_that_province(agency: Agency) -> None:
    """GENUINE: "Giám đốc Sở Tư pháp (tỉnh Lạng Sơn)" is Lạng Sơn's Sở: mailed there alone."""
    p = plan(agency, ["- Giám đốc Sở Tư pháp (tỉnh Lạng Sơn)."])
    assert p.sendable and mailed(p) == [STP_LS], resolutions(p)


# ==== 3. a head's own bodies the directory lists ========================================================================

def test_genuine_a_districts_phong_listed_under_its_ubnd_is_dropped(agency: Agency) -> None:
    """GENUINE: "UBND huyện Yên Dũng: Phòng GD&ĐT" — the directory lists "Phòng GD&ĐT huyện Yên Dũng" with its own
    mailbox; the item is taken for a unit inside UBND huyện, the Phòng never mailed, the plan "resolved" to the UBND
    alone (`_head_and_its_own` looks for "Phòng GD&ĐT UBND huyện Yên Dũng", a name no agency bears)."""
    p = plan(agency, ["- UBND huyện Yên Dũng: Phòng GD&ĐT."])
    assert not p.sendable or PGD_YD in mailed(p), resolutions(p)


def test_guard_the_phong_by_its_own_name_resolves(agency: Agency) -> None:
    """GUARD: "Phòng GD&ĐT huyện Yên Dũng" and "Trưởng Phòng GD&ĐT huyện Yên Dũng" are the Phòng."""
    p = plan(agency, ["- Phòng GD&ĐT huyện Yên Dũng;", "- Trưởng Phòng GD&ĐT huyện Yên Dũng."])
    assert p.sendable and mailed(p) == [PGD_YD], resolutions(p)


def test_guard_pgd_of_a_district_is_never_guessed(agency: Agency) -> None:
    """GUARD: "PGD huyện Yên Dũng" (Phòng Giáo dục, or a deputy director of what?) is held, never a guess."""
    p = plan(agency, ["- PGD huyện Yên Dũng."])
    assert not p.sendable, resolutions(p)


# ==== 4. `_our_own`: our own units held for nothing =====================================================================

@pytest.mark.parametrize("entry", ["- Thanh tra Sở;", "- Chánh Thanh tra Sở;", "- Các phòng chuyên môn thuộc Sở;"],
                         ids=["thanh-tra-so", "chanh-thanh-tra-so", "phong-chuyen-mon"])
def test_genuine_our_inspectorate_and_departments_hold_the_letter(agency: Agency, entry: str) -> None:
    """GENUINE: a Sở's own inspectorate ("Thanh tra Sở") and its specialised departments ("Các phòng chuyên môn thuộc
    Sở") are internal copies like "Văn phòng Sở"; `_our_own` lacks their words (THANH TRA, CHUYEN MON): the entry is
    unresolved and the whole letter to Sở Tư pháp is held for the clerk ("Thanh tra tỉnh Bắc Giang?" offered)."""
    p = plan(agency, [entry, "- Sở Tư pháp."])
    assert p.sendable and mailed(p) == [STP], (entry, resolutions(p))


@pytest.mark.parametrize("entry", ["- Văn phòng Sở;", "- Công đoàn Sở;", "- Các phòng, đơn vị thuộc Sở;"])
def test_guard_our_office_union_and_units_are_skipped(agency: Agency, entry: str) -> None:
    """GUARD: our own office, union and units written bare are skipped, the letter goes to Sở Tư pháp."""
    p = plan(agency, [entry, "- Sở Tư pháp."])
    assert p.sendable and mailed(p) == [STP], (entry, resolutions(p))


@pytest.mark.parametrize("entry", ["- Giám đốc Sở Tư pháp, Sở.", "- Lãnh đạo Sở Tài chính và Giám đốc Sở."])
def test_guard_another_so_beside_our_bare_so_is_never_skipped(agency: Agency, entry: str) -> None:
    """GUARD: an entry naming another Sở and ending in our bare "Sở" is never dropped as our own copy."""
    p = plan(agency, [entry])
    assert not p.sendable or mailed(p), (entry, resolutions(p))


# ==== 5. the electronic sub-heading as drafters write it =================================================================

def _block_plan(agency: Agency, block: list[str]) -> Any:
    number, pdf = our_letter([], recipients=block)
    return send(agency, number, pdf, dry_run=True).plan


@pytest.mark.parametrize("heading", ["- Bản điện tử:", "Bản điện tử.", "Gửi bản điện tử (qua Hệ thống QLVB (iOffice)):"],
                         ids=["dash", "full-stop", "nested-bracket"])
def test_guard_an_electronic_heading_written_otherwise_never_sends_to_nobody(agency: Agency, heading: str) -> None:
    """GUARD: the "Bản điện tử" sub-heading written with a leading dash, a full stop, or a bracket inside its bracket:
    `_ELECTRONIC` does not know it and every entry below is read as paper; the send must then be held (no electronic
    recipient), never registered as sent while Sở Tư pháp is mailed nothing."""
    p = _block_plan(agency, ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", heading, "- Sở Tư pháp."])
    assert not p.sendable or mailed(p) == [STP], (p.as_json().get("paper"), resolutions(p))


def test_guard_the_heading_in_capitals_without_colon(agency: Agency) -> None:
    """GUARD: "BẢN ĐIỆN TỬ" alone on its line is the heading."""
    p = _block_plan(agency, ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "BẢN ĐIỆN TỬ", "- Sở Tư pháp."])
    assert p.sendable and mailed(p) == [STP], resolutions(p)


def test_guard_paper_after_electronic_is_not_mailed(agency: Agency) -> None:
    """GUARD: "Bản giấy:" after the electronic entries: Sở Tài chính below it goes on paper, never mailed."""
    p = _block_plan(agency, ["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tư pháp;", "Bản giấy:", "- Sở Tài chính."])
    assert p.sendable and mailed(p) == [STP], resolutions(p)


# ==== 6. numbers =========================================================================================================

def test_genuine_the_same_number_with_an_en_dash_is_said(agency: Agency) -> None:
    """GENUINE (clerk protection): "951/SNV–VP" (an en dash, as Word's autocorrect types it) is the number
    "951/SNV-VP" sent the same day: `sent_of_number` should say "sent-before"; the clerk is told nothing."""
    _, first = our_letter(["- Sở Tư pháp."], number="951/SNV-VP", date=(3, 12, 2026))
    assert send(agency, "951/SNV-VP", first).registered
    _, again = our_letter(["- Sở Tư pháp."], number="951/SNV–VP", date=(3, 12, 2026), summary="V/v bản sửa")
    p = send(agency, "951-SNV-VP-b", again, dry_run=True).plan
    assert "sent-before" in warnings_of(p), p.as_json().get("warnings")


def test_guard_another_years_same_number_is_not_said(agency: Agency) -> None:
    """GUARD: each year's numbers start at 1: "952/SNV-VP" of 2025 says nothing of 2026's "952/SNV-VP"."""
    _, first = our_letter(["- Sở Tư pháp."], number="952/SNV-VP", date=(5, 12, 2025))
    out = send(agency, "952/SNV-VP", first)
    assert out.registered and "-2025." in out.plan.identifier, out.plan.identifier
    _, now = our_letter(["- Sở Tư pháp."], number="952/SNV-VP", date=(5, 12, 2026), summary="V/v năm nay")
    p = send(agency, "952-SNV-VP-2026", now, dry_run=True).plan
    assert p.sendable and not {"sent-before", "number-used"} & set(warnings_of(p)), warnings_of(p)


def test_guard_the_same_number_of_another_code_is_not_said(agency: Agency) -> None:
    """GUARD: "953/SNV-TCCB" is another register's number than "953/SNV-VP": no warning."""
    _, first = our_letter(["- Sở Tư pháp."], number="953/SNV-VP", date=(3, 12, 2026))
    assert send(agency, "953/SNV-VP", first).registered
    _, other = our_letter(["- Sở Tư pháp."], number="953/SNV-TCCB", date=(3, 12, 2026), summary="V/v khác")
    p = send(agency, "953/SNV-TCCB", other, dry_run=True).plan
    assert p.sendable and not {"sent-before", "number-used"} & set(warnings_of(p)), warnings_of(p)


def test_guard_a_letter_sent_again_after_its_recall_under_its_number_is_said(agency: Agency) -> None:
    """GUARD: recalled (wrong figures), corrected and sent again under the same number and date: the plan says
    "sent-before" naming the recalled one, and it may go (the clerk decides)."""
    from gateway.exchange.recall import recall_outgoing

    _, first = our_letter(["- Sở Tư pháp."], number="954/SNV-VP", date=(3, 12, 2026))
    out = send(agency, "954/SNV-VP", first)
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    _, again = our_letter(["- Sở Tư pháp."], number="954/SNV-VP", date=(3, 12, 2026), summary="V/v đã sửa số liệu")
    p = send(agency, "954-SNV-VP-b", again, dry_run=True).plan
    assert "sent-before" in warnings_of(p) and out.plan.identifier in json.dumps(p.as_json()["warnings"]), \
        p.as_json()["warnings"]


# ==== 7. recall through the command line ================================================================================

def test_guard_recall_twice_sends_one_notice(agency: Agency) -> None:
    """GUARD: `recall ID` twice: the second exits 2 ("recalled already"), one notice only went to Sở Y tế."""
    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    agency.send_now()
    first = cli(agency, "recall", out.plan.identifier, "--reason", "Sai số liệu", "--json")
    second = cli(agency, "recall", out.plan.identifier, "--reason", "Sai số liệu lần hai", "--json")
    assert first.returncode == 0 and second.returncode == 2, (first.stderr, second.stdout, second.stderr)
    assert json.loads(first.stdout)["recall_sent_to"] == [SYT]
    assert notices(agency, out.plan.identifier) == [[SYT]]


@pytest.mark.parametrize("key", ["000.00.15.H06-2026.99999", "000.00.14.H06-2026.1", "99999999999999999999999"])
def test_guard_recall_of_a_letter_never_sent_exits_2(agency: Agency, key: str) -> None:
    """GUARD: a recall of an identifier we never sent, another agency's, or an absurd id: exit 2, nothing mailed."""
    before = len(agency.smtp.got)
    done = cli(agency, "recall", key, "--reason", "Nhầm")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert len(agency.smtp.got) == before


def test_guard_a_queued_letter_recalled_is_withdrawn_in_sent_json(agency: Agency) -> None:
    """GUARD: a letter to two agencies still queued (the server not asked yet), recalled at the command line: neither
    the letter nor a notice reaches anyone; `recall --json` says withheld_from both, `sent --json` says "withdrawn"
    with no recall requested on each line."""
    clear(agency)
    number, pdf = our_letter(["- Sở Y tế;", "- Sở Tài chính."])
    out = send(agency, number, pdf)
    done = cli(agency, "recall", out.plan.identifier, "--reason", "Sai nơi nhận", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert sorted(result["withheld_from"]) == sorted([SYT, STC]) and result["recall_sent_to"] == [], result
    clear(agency)
    assert agency.smtp.to(name_of(number)) == [] and notices(agency, out.plan.identifier) == []
    assert sent_lines(agency, out.plan.identifier) == {SYT: ("withdrawn", None), STC: ("withdrawn", None)}


def test_guard_4xx_then_5xx_for_one_recipient_then_recall(agency: Agency) -> None:
    """GUARD: Sở Y tế's server answers 451, then 550 at the retry: its line failed, Sở Tài chính's sent; the recall
    then goes to Sở Tài chính alone (Sở Y tế never got the letter), `sent --json` saying so."""
    clear(agency)
    number, pdf = our_letter(["- Sở Y tế;", "- Sở Tài chính."])
    agency.smtp.refuse[SYT] = "451 4.7.1 try again later"
    try:
        out = send(agency, number, pdf)
        agency.send_now()
        agency.smtp.refuse[SYT] = "550 5.1.1 no such user"
        agency.send_now(datetime.now(timezone.utc) + timedelta(minutes=5))
    finally:
        agency.smtp.refuse.clear()
    assert agency.smtp.to(name_of(number)) == [STC]
    done = cli(agency, "recall", out.plan.identifier, "--reason", "Sai số liệu", "--json")
    result = json.loads(done.stdout)
    assert result["recall_sent_to"] == [STC] and result["withheld_from"] == [SYT], result
    assert notices(agency, out.plan.identifier) == [[STC]]
    lines = sent_lines(agency, out.plan.identifier)
    assert lines[STC] == ("sent", "requested") and lines[SYT][0] == "failed" and lines[SYT][1] is None, lines


def _letter_in_a_senders_hand(agency: Agency) -> tuple[str, Any, Any, Any, datetime]:
    """A letter of ours to Sở Y tế sent, and claimed by an outbox sender (in its hand, not yet answered by the server)."""
    from gateway.outbox import OutboxSender

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    config = agency.gateway.config
    sender = OutboxSender(agency.gateway.register, config.smtp, config.agency.mailbox)
    now = datetime.now(timezone.utc)
    [held], _ = sender._claim(now)
    return number, out, sender, held, now


def test_guard_a_letter_in_a_senders_hand_deferred_is_not_recalled(agency: Agency) -> None:
    """GUARD: the sender holds the letter (claimed); the clerk recalls it (the notice waits); the server answers 451:
    nothing went, the notice is withdrawn, the line says withdrawn, no notice ever reaches Sở Y tế."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    number, out, sender, held, now = _letter_in_a_senders_hand(agency)
    recalled = recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    assert recalled.waiting == [SYT], recalled
    agency.smtp.refuse[SYT] = "451 4.7.1 try again later"
    try:
        sender._record(send_all(mail_server(sender.server), [held]), now)
    finally:
        agency.smtp.refuse.clear()
    clear(agency)
    assert agency.smtp.to(name_of(number)) == [] and notices(agency, out.plan.identifier) == []
    assert sent_lines(agency, out.plan.identifier) == {SYT: ("withdrawn", None)}


def test_guard_a_held_notice_is_seen_by_status(agency: Agency) -> None:
    """GUARD (operator): a notice waiting for what the server says of its letter is in the outbox; once the letter is
    taken, `status --json` counts no notice still queued and the notice reached Sở Y tế after the letter."""
    from gateway.exchange.recall import recall_outgoing
    from gateway.mailboxes import mail_server
    from qlvb_mailbox.smtp import send_all

    number, out, sender, held, now = _letter_in_a_senders_hand(agency)
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    sender._record(send_all(mail_server(sender.server), [held]), now)
    agency.send_now()
    status = cli(agency, "status", "--json")
    assert json.loads(status.stdout)["outbox"]["queued"] == 0, status.stdout
    order = [m.get("X-QLVB-Status") for to, m in agency.smtp.got if m.get("X-QLVB-Document-Id") == out.plan.identifier
             or name_of(number) in [p.get_filename() for p in m.walk()]]
    assert order[-1] == "13" and len(order) == 2, order
    assert sent_lines(agency, out.plan.identifier) == {SYT: ("sent", "requested")}


# ==== 8. PostgreSQL: two recalls at once ================================================================================

def test_guard_postgresql_two_recalls_at_once_send_one_notice(tmp_path: Path, province) -> None:  # type: ignore[no-untyped-def]
    """GUARD: two clerks (or the desk and the command line) recall one sent letter at the same moment on a PostgreSQL
    register: one recall wins, the other says "recalled already"; Sở Y tế gets one notice."""
    from gateway.exchange.recall import RecallError, recall_outgoing

    with postgres() as url, opened_agency(tmp_path / "agency", province, DIRECTORY, "QLVB_RT150PG_P12", url) as agency:
        number, pdf = our_letter(["- Sở Y tế."])
        out = send(agency, number, pdf)
        agency.send_now()
        assert agency.smtp.to(name_of(number)) == [SYT]
        results: list[Any] = []
        go = threading.Barrier(2)

        def recall() -> None:
            go.wait(10)
            try:
                results.append(recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk"))
            except RecallError as exc:
                results.append(exc)

        threads = [threading.Thread(target=recall) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        agency.send_now()
        assert sorted(type(r).__name__ for r in results) == ["RecallError", "RecallSent"], results
        assert notices(agency, out.plan.identifier) == [[SYT]]


# ==== 9. recalled letters and ids ==================================================================

def test_guard_a_recalled_letter_sent_again_as_the_same_file_is_not_mailed(agency: Agency) -> None:
    """GUARD: the very file of a recalled letter given to `send` again is "already sent": nothing registered, nothing
    mailed (the recalled letter never goes out again by a slip)."""
    from gateway.exchange.recall import recall_outgoing

    clear(agency)
    number, pdf = our_letter(["- Sở Y tế."])
    out = send(agency, number, pdf)
    recall_outgoing(agency.gateway, out.plan.identifier, "Sai số liệu", "clerk")
    before = agency.all_registered()
    again = send(agency, number, pdf)
    clear(agency)
    assert again.already_sent and agency.all_registered() == before
    assert agency.smtp.to(name_of(number)) == []


def test_guard_recall_of_a_letter_via_its_register_id(agency: Agency) -> None:
    """GUARD: `recall` by the outgoing register's id recalls that one letter (its notice to Sở Tài chính only)."""
    from registry.models import OutgoingDocument

    clear(agency)
    number, pdf = our_letter(["- Sở Tài chính."])
    out = send(agency, number, pdf)
    agency.send_now()
    with agency.gateway.register.session() as s:
        row_id = s.scalars(select(OutgoingDocument.id).where(OutgoingDocument.identifier == out.plan.identifier)).one()
    done = cli(agency, "recall", str(row_id), "--reason", "Sai số liệu", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["identifier"] == out.plan.identifier, done.stdout
    assert notices(agency, out.plan.identifier) == [[STC]]
