"""Red team 155: the clerk's desk (gateway/web/) attacked as it runs, at what changed since red teams 99-102 (stop 44):
the outgoing pages (upload, plan, send), passing documents on and a unit's marks, a document recalled by its issuer, the
printed register and closing a year, and the review actions asked of a mail in a state they do not fit.

Attackers: an outsider on the LAN with no account, a leader or a unit's person reaching for the clerk's actions, a
hostile sender or drafter whose words are printed on the desk or put into a mail (HTML, CR/LF header lines), a clerk's
second tab or a double click racing the first, and malformed or odd requests (files in a form of fields, bytes that are
no UTF-8, page numbers and years out of range). The desk is driven in-process through Starlette's TestClient on
`make_app` over a real SQLite register filled through intake (tests/desk_kit.py), and once as `qlvb-gateway web`
deployed, over a socket. Each test's docstring says who did what and what was expected; a test FAILS where the gateway
is wrong (its docstring then says FAULT: what happens instead, and where).

Faults found (7 failing tests, 4 faults): a CSRF field holding a character that is not ASCII makes every form of the
desk answer 500 (security.py `csrf_ok`); the per-account login throttle counts a name as typed while the login takes
any spelling of it (NFD, doubled spaces), so an account is guessed unslowed from several addresses (security.py
`LoginThrottle._keys`); and, where two agencies share one database, the desk lists and shows the other agency's
documents, and a pass-on form given the other's document id passes OUR document of the same number
(pages.py `register_page`/`document_page`, passing_pages.py `read`/`pass_on`)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from desk_kit import PASSWORD, UNITS, Clock, DeskWorld, add_person, build_desk_world, csrf_of, desk_app, plan_form, web_served
from test_outgoing import our_document
from test_desk_attacks import attempt, desk_with
from test_redteam100 import _as
from world import US, World, make_world

VN = timezone(timedelta(hours=7))
SECRET_SUMMARY = "Phương án bảo vệ kho vũ khí số 3"
SECRET_NOTATION = "155/CAT-PA"
SECRET_NOTE = "Ghi chú mật XYZ-155"
INJECTED = "\r\nBcc: spy@evil.example\r\nX-Injected: yes\r\n\r\n<script>alert(155)</script>"
RECALLED_ID = "000.00.14.H06-2026.1551"
LAN = "nguyễn thị lan"  # a clerk whose name has tones and a space, as most do
OTHER_AGENCY = "000.00.99.H06"  # another agency keeping its register in the same database


@dataclass
class RT:
    desk: DeskWorld
    secret: int = 0  # document id of a secret paper document
    recalled: int = 0  # document id of a letter its issuer recalled
    recalled_mail: int = 0
    secret_mail: int = 0  # a proven agency's mail whose PDF is marked MẬT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def world(self) -> World:
        return self.desk.world


def _db(world: World, work: Any) -> Any:
    register = world.db()
    try:
        with register.session() as s:
            return work(s)
    finally:
        register.close()


def _doc_id(world: World, number: int) -> int:
    from registry.models import Document
    return _db(world, lambda s: s.scalars(select(Document.id).where(Document.arrival_number == number)).one())


def _last_mail(world: World) -> int:
    from registry.models import Mail
    return _db(world, lambda s: s.scalars(select(Mail.id).order_by(Mail.id.desc())).first())


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory, province) -> RT:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path_factory.mktemp("rt155") / "agency", pki, signers, stranger, units=UNITS)
    built = build_desk_world(world)
    for name, role, unit in (("phongvp", "unit", "VP"), ("vanthu2", "clerk", None), (LAN, "clerk", None)):
        assert add_person(world, name, role, unit).returncode == 0
    found = RT(built)
    # a secret paper document (registered by hand with its secrecy)
    done = world.run("register", "add", "--config", str(world.config_path), "--issuer", "Công an tỉnh Bắc Giang",
                     "--number", SECRET_NOTATION, "--summary", SECRET_SUMMARY, "--secrecy", "Mật", "--json")
    found.secret = _doc_id(world, json.loads(done.stdout)["incoming_number"])
    # a letter of Sở Tư pháp, then its recall by the issuer (X-QLVB-Status 13)
    recalled_pdf = world.signed("stp", world.document(number="155/STP-VP", summary="V/v cử cán bộ dự tập huấn"))
    letter = world.mail("to-recall", attachments=[("cv.pdf", recalled_pdf)], headers={"X-QLVB-Document-Id": RECALLED_ID})
    [taken] = world.ingest(letter)
    assert taken["verdict"] == "accepted", taken
    found.recalled = _doc_id(world, taken["incoming_number"])
    found.recalled_mail = _last_mail(world)
    # the recalled letter's file, remembered before the recall destroys it
    from registry.models import DocumentFile
    found.extra["recalled_pdf"] = recalled_pdf
    found.extra["recalled_sha"] = _db(world, lambda s: s.scalars(select(DocumentFile.sha256).where(
        DocumentFile.mail_id == found.recalled_mail)).first())
    recall = world.mail("recall", subject="Thu hồi văn bản", body="Đề nghị thu hồi.\n", headers={
        "X-QLVB-Status": "13", "X-QLVB-Document-Id": RECALLED_ID, "X-QLVB-Recall-Reason": "Sai thể thức"})
    assert world.ingest(recall)[0]["verdict"] == "ignored"
    # a proven agency's mail whose PDF is marked secret
    secret_mail = world.mail("secret-mail", subject="Kế hoạch số 155", attachments=[("mat.pdf", world.signed(
        "stp", world.document(number="156/STP-VP", summary="V/v phương án canh gác mục tiêu", secrecy="MẬT")))])
    world.ingest(secret_mail)
    found.secret_mail = _last_mail(world)
    return found


@pytest.fixture
def app_client(rt: RT) -> Iterator[tuple[Any, TestClient]]:
    app, gateway = desk_app(rt.world, Clock())  # the kit's clock: 15 January 2027, the year 2026 is over
    with TestClient(app, follow_redirects=False, base_url="http://localhost", raise_server_exceptions=False) as client:
        yield app, client
    gateway.close()


@pytest.fixture
def client(app_client: tuple[Any, TestClient]) -> TestClient:
    return app_client[1]


def _outbox(world: World, **where: Any) -> list[Any]:
    from registry.models import Outbox

    def read(s: Any) -> list[Any]:
        query = select(Outbox)
        for key, value in where.items():
            query = query.where(getattr(Outbox, key) == value)
        return [(o.kind, o.recipient, o.raw) for o in s.scalars(query.order_by(Outbox.id))]
    return _db(world, read)


def _documents_of_mail(world: World, mail_id: int) -> int:
    from registry.models import Document
    return _db(world, lambda s: s.scalar(select(func.count()).select_from(Document).where(Document.mail_id == mail_id)))


def _documents_id_of_mail(world: World, mail_id: int) -> int:
    from registry.models import Document
    return _db(world, lambda s: s.scalars(select(Document.id).where(Document.mail_id == mail_id)).one())


def _assignments(world: World, document_id: int) -> list[tuple[str, str]]:
    from registry.models import Assignment
    return _db(world, lambda s: [(a.unit_code, a.role) for a in s.scalars(
        select(Assignment).where(Assignment.document_id == document_id).order_by(Assignment.id))])


def _verdict(world: World, mail_id: int) -> str:
    from registry.models import Mail
    return _db(world, lambda s: s.get(Mail, mail_id).verdict)


def _store_count(world: World) -> int:
    return len(world.stored_files())


def _deadline() -> str:
    return (datetime.now(VN) + timedelta(days=5)).date().isoformat()


def _flash_after(client: TestClient, answer: httpx.Response) -> str:
    assert answer.status_code == 303, (answer.status_code, answer.text[:500])
    return client.get(answer.headers["location"]).text


def _pdf() -> bytes:
    return our_document(number="155/SNV-VP")


# ================================================================================================== an outsider

@pytest.mark.parametrize("path", ["/register/printed?year=2026&format=pdf", "/register/printed?year=2026&format=xlsx",
                                  "/outgoing", "/outgoing/plan", "/unit", "/register/close?year=2026"])
def test_outsider_reads_no_page_nor_printed_register_without_logging_in(client: TestClient, path: str) -> None:
    """An outsider on the office LAN, with no account, asks for the printed register (PDF and spreadsheet), the outgoing
    register, the plan page, a unit's page, the closing page. Expected: sent to the login page (303 to /login), not a
    byte of the register."""
    answer = client.get(path)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), (answer.status_code, path)
    assert not answer.content.startswith(b"%PDF") and not answer.content.startswith(b"PK")


def test_outsider_uploading_a_letter_stores_nothing(client: TestClient, rt: RT) -> None:
    """An outsider posts a PDF to the send form (hoping to fill the store, or to have it sent). Expected: sent to the
    login page, nothing written to the content store."""
    before = _store_count(rt.world)
    answer = client.post("/outgoing/send", files={"scan": ("x.pdf", b"%PDF-1.7\n" + b"A" * 200_000, "application/pdf")})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert _store_count(rt.world) == before


def test_outsider_downloads_no_file_nor_original_mail(client: TestClient, rt: RT) -> None:
    """An outsider who guessed a held mail's id asks for its original mail and its file. Expected: to the login page."""
    from registry.models import DocumentFile
    mail_id = rt.desk.held[0]
    sha = _db(rt.world, lambda s: s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == mail_id)).first())
    for path in (f"/mails/{mail_id}/original", f"/mails/{mail_id}/files/{sha}", f"/mails/{mail_id}/files/{sha}/pages/1"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), path


# ================================================================================================== lower rights

def test_leader_cannot_close_the_years_register(client: TestClient, rt: RT) -> None:
    """A leader (who may read and pass on, not keep the register) posts the closing of 2026 with a valid CSRF token.
    Expected: 403, the year stays open (closing is the clerk's)."""
    from registry.closed_years import closure
    token = _as(client, "lanhdao")
    assert client.get("/register/close?year=2026").status_code == 403
    assert client.post("/register/close", data={"csrf": token, "year": "2026"}).status_code == 403
    assert _db(rt.world, lambda s: closure(s, US["code"], 2026)) is None


def test_leader_cannot_upload_or_send_a_letter(client: TestClient, rt: RT) -> None:
    """A leader posts a signed scan to the send form, then the plan form. Expected: both 403, nothing stored, nothing
    in the outgoing register (sending is the clerk's alone)."""
    from registry.models import OutgoingDocument
    token = _as(client, "lanhdao")
    before = _store_count(rt.world)
    assert client.post("/outgoing/send", data={"csrf": token}, files={"scan": ("a.pdf", _pdf(), "application/pdf")}
                       ).status_code == 403
    assert client.post("/outgoing/plan", data={"csrf": token, "choice": "Sở Tư pháp=-"}).status_code == 403
    assert _store_count(rt.world) == before
    assert _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(OutgoingDocument))) == 0


@pytest.mark.parametrize("path", ["/register/printed?year=2026", "/outgoing", "/outgoing/send", "/review", "/register"])
def test_unit_person_reads_nothing_outside_their_units_page(client: TestClient, rt: RT, path: str) -> None:
    """A unit's person (Phòng Tổ chức) asks for the printed register, the outgoing register, the send form. Expected:
    403 (a unit sees only what was passed to it), never a PDF."""
    _as(client, "phongtc")
    answer = client.get(path)
    assert answer.status_code == 403, (path, answer.status_code)
    assert not answer.content.startswith(b"%PDF")


def test_unit_person_cannot_pass_a_document_on(client: TestClient, rt: RT) -> None:
    """A unit's person posts the pass-on form of a registered document, naming their own unit lead. Expected: 403,
    nothing assigned, no mail queued."""
    document = _doc_id(rt.world, rt.desk.registered[1]["incoming_number"])
    token = _as(client, "phongtc")
    answer = client.post(f"/documents/{document}/pass", data={"csrf": token, "lead": "TC", "deadline": _deadline()})
    assert answer.status_code == 403
    assert _assignments(rt.world, document) == []


# ================================================================================================== states

def test_state_a_discarded_mail_released_afterwards_is_refused(client: TestClient, rt: RT) -> None:
    """The clerk discards a held mail in one tab; in another tab still showing it, releases it. Expected: the release is
    refused in words ("đã được quyết định"), no number given, no answer queued, the mail stays discarded."""
    mail_id = rt.desk.held[0]
    token = _as(client, "vanthu")
    assert client.post(f"/review/{mail_id}/discard", data={"csrf": token, "note": "thư rác"}).status_code == 303
    verdict = _verdict(rt.world, mail_id)
    page = _flash_after(client, client.post(f"/review/{mail_id}/release", data={"csrf": token}))
    assert "đã được quyết định" in page
    assert _documents_of_mail(rt.world, mail_id) == 0
    assert _verdict(rt.world, mail_id) == verdict
    assert not [o for o in _outbox(rt.world, mail_id=mail_id) if o[0] in ("ack", "return")]


def test_state_a_released_mail_cannot_be_returned_or_discarded_afterwards(client: TestClient, rt: RT) -> None:
    """The clerk releases a held mail (it gets its number), then a stale tab returns it, another discards it. Expected:
    both refused, the document stays in the register, no return mail queued."""
    mail_id = rt.desk.held[1]
    token = _as(client, "vanthu")
    assert client.post(f"/review/{mail_id}/release", data={"csrf": token}).status_code == 303
    assert _documents_of_mail(rt.world, mail_id) == 1
    for what, data in (("return", {"reason": "Sai thể thức"}), ("discard", {"note": "nhầm"})):
        page = _flash_after(client, client.post(f"/review/{mail_id}/{what}", data={"csrf": token, **data}))
        assert "đã được quyết định" in page, what
    assert _documents_of_mail(rt.world, mail_id) == 1
    assert not [o for o in _outbox(rt.world, mail_id=mail_id) if o[0] == "return"]


def test_state_a_mail_accepted_at_intake_is_not_released_again(client: TestClient, rt: RT) -> None:
    """The clerk (or a forged form) asks to release a mail intake registered itself. Expected: refused, still one
    number for it."""
    from registry.models import Document
    number = rt.desk.registered[0]["incoming_number"]
    mail_id = _db(rt.world, lambda s: s.scalars(select(Document.mail_id).where(Document.arrival_number == number)).one())
    token = _as(client, "vanthu")
    page = _flash_after(client, client.post(f"/review/{mail_id}/release", data={"csrf": token}))
    assert "đã được quyết định" in page
    assert _documents_of_mail(rt.world, mail_id) == 1


@pytest.mark.parametrize("path", ["/review/99999999/release", "/review/2147483648/release", "/review/-1/discard",
                                  "/review/1e3/release", "/review/1/Release", "/review/1/register"])
def test_state_odd_mail_ids_and_actions_change_nothing(client: TestClient, rt: RT, path: str) -> None:
    """The clerk's form is replayed with a mail id that does not exist, is past the register's integers, is negative or
    not a number, or an action that is not one. Expected: a refusal (a 303 back with words, or 404), never a 500,
    and nothing in the audit log."""
    from registry.models import AuditEntry
    token = _as(client, "vanthu")
    before = _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(AuditEntry)))
    answer = client.post(path, data={"csrf": token})
    assert answer.status_code in (303, 404), (path, answer.status_code)
    assert _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(AuditEntry))) == before, path


def test_state_a_secret_mail_is_never_released_from_the_desk(client: TestClient, rt: RT) -> None:
    """A proven agency's mail whose PDF is marked "MẬT"; the clerk tries to release it. Expected: refused (002 Đ16.7:
    a secret document by mail is never registered), no number, none of its files downloadable."""
    mail_id = rt.secret_mail
    token = _as(client, "vanthu")
    answer = client.post(f"/review/{mail_id}/release", data={"csrf": token})
    assert answer.status_code == 303
    assert _documents_of_mail(rt.world, mail_id) == 0
    assert client.get(f"/mails/{mail_id}/original").status_code == 404
    from registry.models import DocumentFile
    for sha in _db(rt.world, lambda s: list(s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == mail_id)))):
        assert client.get(f"/mails/{mail_id}/files/{sha}").status_code == 404


def test_state_a_held_copy_of_a_recalled_letter_is_not_released(client: TestClient, rt: RT) -> None:
    """A hostile sender mails, unsigned, the very letter its issuer recalled (the same PDF), hoping the clerk releases
    it. Expected: the release is refused (a recalled document is never registered again), no number, no ack."""
    world = rt.world
    [copy] = world.ingest(world.mail("recalled-copy", auth=None, attachments=[("cv.pdf", rt.extra["recalled_pdf"])]))
    if copy["verdict"] != "quarantined":
        assert copy["verdict"] in ("ignored", "returned"), copy
        return  # not held at all: nothing for the clerk to release
    mail_id = copy["review_id"]
    token = _as(client, "vanthu")
    page = _flash_after(client, client.post(f"/review/{mail_id}/release", data={"csrf": token}))
    assert "thu hồi" in page
    assert _documents_of_mail(world, mail_id) == 0
    assert not [o for o in _outbox(world, mail_id=mail_id) if o[0] == "ack"]


def test_state_a_release_and_a_discard_at_once_leave_one_decision(app_client: tuple[Any, TestClient], rt: RT) -> None:
    """Two clerks on the same held mail at the same moment: one releases it (re-read in the worker, slow), the other
    discards it. Expected: one decision stands: either it has a number and is not discarded, or it is discarded and
    has no number; the refused one is told in words (303), never a 500."""
    from registry.models import Mail
    app, _ = app_client
    world = rt.world
    [held] = world.ingest(world.mail("race", auth=None, attachments=[("cv.pdf", world.document(number="158/STP-VP"))]))
    assert held["verdict"] == "quarantined", held
    mail_id = held["review_id"]

    async def both() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        people = ["vanthu", "vanthu2"]
        browsers = [httpx.AsyncClient(transport=transport, base_url="http://localhost") for _ in people]
        tokens = []
        for browser, name in zip(browsers, people, strict=True):
            token = csrf_of((await browser.get("/login")).text)
            await browser.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
            tokens.append(csrf_of((await browser.get("/")).text))
        answers = await asyncio.gather(browsers[0].post(f"/review/{mail_id}/release", data={"csrf": tokens[0]}),
                                       browsers[1].post(f"/review/{mail_id}/discard", data={"csrf": tokens[1], "note": "x"}))
        for browser in browsers:
            await browser.aclose()
        return [a.status_code for a in answers]

    assert asyncio.run(both()) == [303, 303]
    numbered = _documents_of_mail(rt.world, mail_id)
    review_state = _db(rt.world, lambda s: s.get(Mail, mail_id).review)
    assert (numbered, review_state) in ((1, "released"), (0, "discarded")), (numbered, review_state)


def test_pass_a_unit_named_twice_or_in_another_case_is_one_unit(client: TestClient, rt: RT) -> None:
    """A leader's form is replayed with the co-ordinating unit VP given three times ("VP", "VP", "vp") and the lead TC.
    Expected: TC leads and VP co-ordinates once (or the form is refused in words): never two lines or two mails for one
    unit."""
    mail_id = rt.desk.held[1]
    if _documents_of_mail(rt.world, mail_id) == 0:  # released here, where the test releasing it ran in another process
        assert client.post(f"/review/{mail_id}/release", data={"csrf": _as(client, "vanthu")}).status_code == 303
    document = _documents_id_of_mail(rt.world, mail_id)
    token = _as(client, "lanhdao")
    answer = client.post(f"/documents/{document}/pass", data={
        "csrf": token, "lead": "TC", "with": ["VP", "VP", "vp"], "deadline": _deadline()})
    assert answer.status_code == 303
    given = _assignments(rt.world, document)
    assert len(given) == len(set(code.upper() for code, _ in given)), given
    mails = [o[1] for o in _outbox(rt.world, document_id=document) if o[0] == "passed"]
    assert len(mails) == len(set(m.lower() for m in mails)), mails


def test_state_a_recalled_documents_files_and_pictures_are_served_to_nobody(client: TestClient, rt: RT) -> None:
    """The issuer recalled a registered letter (its copies to be destroyed, NĐ 30/2020 Phụ lục VI); a viewer who kept
    the links asks for its file, its page picture and its original mail. Expected: 404 for each."""
    _as(client, "xem")
    sha = rt.extra["recalled_sha"]
    mail_id = rt.recalled_mail
    for path in (f"/mails/{mail_id}/files/{sha}", f"/mails/{mail_id}/files/{sha}/pages/1", f"/mails/{mail_id}/original"):
        assert client.get(path).status_code == 404, path


def test_state_a_recalled_documents_summary_is_on_no_page_and_found_by_no_word(client: TestClient, rt: RT) -> None:
    """The issuer recalled a registered letter ("V/v cử cán bộ dự tập huấn"): its summary is destroyed with it, its line
    kept (README, the printed register). A viewer searches the register for its words and opens its page. Expected:
    no search by its words finds it, and its page and the register's list say it was recalled without its summary."""
    _as(client, "xem")
    assert "cử cán bộ dự tập huấn" not in client.get("/register", params={"words": "tap huan"}).text
    assert "cử cán bộ dự tập huấn" not in client.get("/register").text
    page = client.get(f"/documents/{rt.recalled}").text
    assert "cử cán bộ dự tập huấn" not in page and "thu hồi" in page.lower()


def test_state_a_recalled_document_is_not_passed_on(client: TestClient, rt: RT) -> None:
    """A leader opens the pass-on form of a document its issuer recalled and passes it to VP. Expected: refused in
    words, nothing assigned, no mail to the unit."""
    token = _as(client, "lanhdao")
    page = _flash_after(client, client.post(f"/documents/{rt.recalled}/pass", data={
        "csrf": token, "lead": "VP", "deadline": _deadline(), "note": "x"}))
    assert "Không chuyển được" in page
    assert _assignments(rt.world, rt.recalled) == []
    assert not [o for o in _outbox(rt.world, document_id=rt.recalled) if o[0] == "passed"]


# ================================================================================================== injection

def test_inject_a_return_reason_with_header_lines_adds_no_header_and_no_recipient(client: TestClient, rt: RT) -> None:
    """A clerk pastes into the return reason text copied from a hostile mail: CR LF, "Bcc: spy@evil.example", a blank
    line and a script. Expected: the return mail goes to the sender alone, with no Bcc nor X-Injected header; the
    reason shown on the mail's page is text, not markup."""
    mail_id = rt.desk.proven_held
    token = _as(client, "vanthu")
    assert client.post(f"/review/{mail_id}/return", data={"csrf": token, "reason": "Sai thể thức" + INJECTED}
                       ).status_code == 303
    returns = [o for o in _outbox(rt.world, mail_id=mail_id) if o[0] == "return"]
    assert len(returns) == 1
    _, recipient, raw = returns[0]
    assert "evil.example" not in recipient
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert "evil.example" not in "".join(f"{k}: {v}" for k, v in message.items())
    assert "<script>alert(155)" not in client.get(f"/review/{mail_id}").text


def test_inject_a_pass_on_note_with_header_lines_is_text_in_the_units_mail_and_page(client: TestClient, rt: RT) -> None:
    """A leader pastes into the pass-on note a CR LF "Bcc:" line and a script (copied from a hostile letter). Expected:
    each unit's mail carries no Bcc nor X-Injected header and goes to the unit alone; the unit's page shows the note
    as text."""
    document = _doc_id(rt.world, rt.desk.registered[0]["incoming_number"])
    token = _as(client, "lanhdao")
    answer = client.post(f"/documents/{document}/pass", data={
        "csrf": token, "lead": "TC", "with": ["VP"], "deadline": _deadline(), "note": "Tham mưu" + INJECTED})
    assert answer.status_code == 303
    passed = [o for o in _outbox(rt.world, document_id=document) if o[0] == "passed"]
    assert sorted(o[1] for o in passed) == sorted(u["mailbox"] for u in UNITS)
    for _, _, raw in passed:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message["Bcc"] is None and message["X-Injected"] is None
    _as(client, "phongtc")
    mine = client.get("/unit").text
    assert "Tham mưu" in mine and "<script>alert(155)" not in mine


def test_pass_twice_from_a_second_tab_is_refused(client: TestClient, rt: RT) -> None:
    """The document above was passed to TC (lead) and VP; a second tab, opened before, passes it again to VP as lead.
    Expected: refused in words ("cannot be passed twice"), the assignments unchanged, no new mail to any unit."""
    document = _doc_id(rt.world, rt.desk.registered[0]["incoming_number"])
    before, mails = _assignments(rt.world, document), len(_outbox(rt.world, document_id=document))
    assert before, "the test above passed it on"
    token = _as(client, "vanthu")
    page = _flash_after(client, client.post(f"/documents/{document}/pass", data={
        "csrf": token, "lead": "VP", "deadline": _deadline()}))
    assert "Không chuyển được" in page
    assert _assignments(rt.world, document) == before
    assert len(_outbox(rt.world, document_id=document)) == mails


def test_pass_the_same_document_twice_at_once_passes_it_once(app_client: tuple[Any, TestClient], rt: RT) -> None:
    """The leader and the clerk pass the same document at the same moment (two browsers, one to TC, one to VP).
    Expected: one passing recorded (one lead), the other refused in words, no 500."""
    app, _ = app_client
    document = _doc_id(rt.world, rt.desk.registered[1]["incoming_number"])

    async def both() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        people = [("lanhdao", "TC"), ("vanthu", "VP")]
        browsers = [httpx.AsyncClient(transport=transport, base_url="http://localhost") for _ in people]
        tokens = []
        for browser, (name, _) in zip(browsers, people, strict=True):
            token = csrf_of((await browser.get("/login")).text)
            await browser.post("/login", data={"name": name, "password": PASSWORD, "csrf": token})
            tokens.append(csrf_of((await browser.get("/")).text))
        answers = await asyncio.gather(*(b.post(f"/documents/{document}/pass", data={
            "csrf": t, "lead": lead, "deadline": _deadline()}) for b, t, (_, lead) in zip(browsers, tokens, people,
                                                                                          strict=True)))
        for browser in browsers:
            await browser.aclose()
        return [a.status_code for a in answers]

    assert asyncio.run(both()) == [303, 303]
    given = _assignments(rt.world, document)
    assert [role for _, role in given] == ["lead"], given
    assert len([o for o in _outbox(rt.world, document_id=document) if o[0] == "passed"]) == 1


def test_secret_passing_a_secret_document_mails_and_shows_nothing_of_it(client: TestClient, rt: RT) -> None:
    """A leader passes the secret paper document (Mật) to TC with a note. Expected (Đ9.3.a, README): the unit's mail
    carries neither its summary, its số ký hiệu, its issuer nor the note; the pass-on page and the unit's page show
    none of them either."""
    token = _as(client, "lanhdao")
    form = client.get(f"/documents/{rt.secret}/pass").text
    assert SECRET_SUMMARY not in form and SECRET_NOTATION not in form and "Công an tỉnh" not in form
    assert client.post(f"/documents/{rt.secret}/pass", data={
        "csrf": token, "lead": "TC", "deadline": _deadline(), "note": SECRET_NOTE}).status_code == 303
    passed = [o for o in _outbox(rt.world, document_id=rt.secret) if o[0] == "passed"]
    assert len(passed) == 1
    message = email.message_from_bytes(passed[0][2], policy=email.policy.default)
    text = "".join(part.get_content() for part in message.walk() if part.get_content_type().startswith("text/"))
    text += str(message["Subject"])
    assert not [p for p in message.walk() if p.get_filename()]
    for word in (SECRET_SUMMARY, SECRET_NOTATION, SECRET_NOTE, "Công an tỉnh"):
        assert word not in text, word
        assert word not in client.get(f"/documents/{rt.secret}/pass").text, word
    _as(client, "phongtc")
    mine = client.get("/unit").text
    for word in (SECRET_SUMMARY, SECRET_NOTATION, SECRET_NOTE):
        assert word not in mine, word


def test_secret_the_documents_due_on_today_show_only_the_secret_ones_number(client: TestClient, rt: RT) -> None:
    """The secret paper document was passed to TC with a deadline now past (the desk's day is 15/01/2027): it is among
    the documents due on Today. A viewer and the leader open Today and the register's list. Expected: its number only,
    never its summary, số ký hiệu, issuer or the pass-on note."""
    for name in ("xem", "lanhdao"):
        _as(client, name)
        for path in ("/", "/register", f"/documents/{rt.secret}"):
            page = client.get(path).text
            for word in (SECRET_SUMMARY, SECRET_NOTATION, SECRET_NOTE, "Công an tỉnh"):
                assert word not in page, (name, path, word)


def test_unit_marks_done_a_document_passed_to_another_unit_is_refused(client: TestClient, rt: RT) -> None:
    """VP's person marks "done" the secret document passed to TC alone (its number read off a printed list).
    Expected: refused in words, TC's line unmarked."""
    from registry.models import Assignment, Document
    number, year = _db(rt.world, lambda s: (lambda d: (d.arrival_number, d.year))(s.get(Document, rt.secret)))
    token = _as(client, "phongvp")
    answer = client.post(f"/unit/{year}/{number}/done", data={"csrf": token})
    assert answer.status_code in (303, 404)
    assert _db(rt.world, lambda s: [a.done_at for a in s.scalars(select(Assignment).where(
        Assignment.document_id == rt.secret))]) == [None]


def test_xss_a_drafted_letters_recipient_block_and_summary_are_text_on_the_plan(client: TestClient, rt: RT) -> None:
    """Someone else drafted the letter the clerk uploads: its "Bản điện tử" block names an entry "<script>…" and its
    summary an <img onerror>. Expected: the plan page prints them as text; nothing is sent by showing the plan."""
    from registry.models import OutgoingDocument
    token = _as(client, "vanthu")
    pdf = our_document(number="156/SNV-VP", summary="V/v <img src=x onerror=alert(156)> thử",
                       recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- <script>alert(157)</script>;",
                                   "- Sở Tư pháp."])
    answer = client.post("/outgoing/send", data={"csrf": token}, files={"scan": ("a.pdf", pdf, "application/pdf")})
    assert answer.status_code == 303, answer.text[:500]
    plan = client.get("/outgoing/plan").text
    assert "<script>alert(157)" not in plan and "<img src=x" not in plan
    assert "alert(157)" in plan  # it is shown, as text
    assert _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(OutgoingDocument))) == 0


def test_outgoing_another_clerks_upload_is_not_sent_from_the_same_browser(client: TestClient, rt: RT) -> None:
    """Clerk vanthu uploads a letter and walks away without sending; vanthu2 logs in on the same browser and posts the
    plan form with the fingerprint vanthu's page showed, answering its entries on paper. Expected: nothing registered,
    nothing queued (only the person who uploaded sends it)."""
    from registry.models import OutgoingDocument
    _as(client, "vanthu")
    token = csrf_of(client.get("/").text)
    assert client.post("/outgoing/send", data={"csrf": token}, files={"scan": ("b.pdf", _pdf(), "application/pdf")}
                       ).status_code == 303
    form = plan_form(client.get("/outgoing/plan").text)
    client.post("/logout", data={"csrf": form["csrf"]})
    token2 = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": "vanthu2", "password": PASSWORD, "csrf": token2}).status_code == 303
    token2 = csrf_of(client.get("/").text)
    client.post("/outgoing/plan", data={**form, "csrf": token2, "choice": ["Sở Tư pháp=-", "Giám đốc Sở Tài chính=-",
                                                                          "UBND huyện Lục Nam=-"]})
    assert _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(OutgoingDocument))) == 0
    assert not [o for o in _outbox(rt.world) if o[0] == "document"]


# ================================================================================================== malformed

def test_malformed_a_fields_form_carrying_a_file_is_refused_unread(client: TestClient, rt: RT) -> None:
    """A forged release posted as multipart with a file beside the CSRF token. Expected: 400 (a form of fields takes no
    file), the mail still waiting, never a 500."""
    mail_id = rt.desk.held[2]
    token = _as(client, "vanthu")
    answer = client.post(f"/review/{mail_id}/discard", data={"csrf": token}, files={"f": ("x.bin", b"x" * 1000)})
    assert answer.status_code == 400, answer.status_code
    assert _verdict(rt.world, mail_id) == "quarantined"


@pytest.mark.parametrize("path", ["/review/{held}/discard", "/login", "/logout", "/register/close"])
def test_malformed_a_csrf_token_of_bytes_that_are_no_ascii_is_refused_not_a_500(client: TestClient, rt: RT,
                                                                                path: str) -> None:
    """A forged form (from another site, or a clerk's browser fed a crafted page) whose CSRF field holds bytes that are
    no UTF-8 ("%FF%FE", read as U+FFFD) or non-ASCII letters. Expected: refused with 403 ("thiếu mã bảo vệ"), the
    mail still held; never a 500 (an error page, the error logged as the gateway's own fault).
    FAULT: gateway/web/security.py `csrf_ok` hands the token to `hmac.compare_digest`, which raises TypeError for a
    str with non-ASCII characters: every form of the desk answers 500."""
    _as(client, "vanthu")
    answer = client.post(path.format(held=rt.desk.held[2]), content=b"csrf=%FF%FE%ZZ&note=%C3%28%&year=2026",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 403, answer.status_code
    assert _verdict(rt.world, rt.desk.held[2]) == "quarantined"


def test_malformed_a_third_file_in_an_upload_is_refused(client: TestClient, rt: RT) -> None:
    """The clerk's upload form replayed with three files (the scan, the draft and one more). Expected: 400, never a
    500, nothing sent."""
    token = _as(client, "vanthu")
    answer = client.post("/outgoing/send", data={"csrf": token}, files=[
        ("scan", ("a.pdf", _pdf(), "application/pdf")), ("draft", ("b.docx", b"PK", "application/octet-stream")),
        ("extra", ("c.pdf", b"%PDF-1.7", "application/pdf"))])
    assert answer.status_code == 400, answer.status_code


def test_malformed_the_scan_field_sent_as_text_is_refused_in_words(client: TestClient, rt: RT) -> None:
    """The upload form posted with "scan" a text field, not a file. Expected: 400 with the page's words, not a 500."""
    token = _as(client, "vanthu")
    answer = client.post("/outgoing/send", data={"csrf": token, "scan": "%PDF-1.7 not a file"},
                         files={"draft": ("", b"", "application/octet-stream")})
    assert answer.status_code == 400, answer.status_code
    assert "Chưa chọn tệp" in answer.text


@pytest.mark.parametrize("number", ["0", "-1", "5", "99999", "2147483648", "1.5"])
def test_malformed_page_picture_numbers_out_of_range_are_404(client: TestClient, rt: RT, number: str) -> None:
    """A viewer asks for page 0, -1, a page past the document, past the register's integers, "1.5". Expected: 404 (or
    503 while drawn), never a 500, no file outside the pictures' folder."""
    from registry.models import DocumentFile
    mail_id = rt.desk.held[3]
    sha = _db(rt.world, lambda s: s.scalars(select(DocumentFile.sha256).where(DocumentFile.mail_id == mail_id)).first())
    _as(client, "xem")
    answer = client.get(f"/mails/{mail_id}/files/{sha}/pages/{number}")
    assert answer.status_code in (404, 503), answer.status_code


@pytest.mark.parametrize("query", ["year=2026&format=../../etc/passwd", "year=99999", "year=2026&from=2026-02-30",
                                   "year=2026&from=2026-12-01&to=2026-01-01", "year=2026&volume=-5",
                                   "year=2026&from=2025-12-31", "year=%00", "year=2026&format=PDF"])
def test_malformed_printed_register_parameters_are_refused_in_words(client: TestClient, query: str) -> None:
    """A viewer edits the printed register's address: a format that is a path, a year of five digits, 30 February, a
    period backwards, a negative volume, a day of another year, a NUL. Expected: a 303 back to the register with the
    words, or the PDF of a valid reading; never a 500."""
    _as(client, "xem")
    answer = client.get(f"/register/printed?{query}")
    assert answer.status_code in (200, 303), (query, answer.status_code)
    if answer.status_code == 200:
        assert answer.headers["content-type"] == "application/octet-stream"
        assert "/" not in answer.headers["content-disposition"].split("filename*=")[0]


@pytest.mark.parametrize("query", ["year=-1", "year=0", "page=0", "page=-3", "page=2147483648", "year=2026&page=99999",
                                   "year=abc", "page=%C3%A9"])
def test_malformed_outgoing_register_parameters_do_not_fail(client: TestClient, query: str) -> None:
    """A viewer edits the outgoing register's address (year and page out of range, not numbers). Expected: 404 or an
    empty page, never a 500."""
    _as(client, "xem")
    answer = client.get(f"/outgoing?{query}")
    assert answer.status_code in (200, 404), (query, answer.status_code)


# ================================================================================================== the real server

def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)


def test_served_smuggled_and_lengthless_forms_are_refused(tmp_path_factory: pytest.TempPathFactory, province) -> None:  # type: ignore[no-untyped-def]
    """`qlvb-gateway web` as deployed. An outsider posts /login chunked (no length), then with both Content-Length and
    Transfer-Encoding (a smuggling attempt), then a 2 MB form, then a request naming another host. Expected: 411, 400,
    413, 400; the desk still answers its login page afterwards."""
    from servers import free_port
    pki, signers, stranger = province
    port = free_port()
    world = make_world(tmp_path_factory.mktemp("rt155-served") / "agency", pki, signers, stranger,
                       web={"port": port}, units=UNITS)
    with web_served(world, port):
        host = f"Host: 127.0.0.1:{port}\r\n".encode()
        chunked = _raw(port, b"POST /login HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
                       b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nname=\r\n0\r\n\r\n")
        assert chunked.split(b"\r\n")[0].split()[1] == b"411", chunked[:200]
        both = _raw(port, b"POST /login HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    b"0\r\n\r\nGET /x HTTP/1.1\r\n\r\n")
        # h11 reads the chunked body (RFC 9112 6.3: Transfer-Encoding wins) and closes: the form refused, nothing smuggled
        assert both.split(b"\r\n")[0].split()[1] in (b"400", b"403", b"411"), both[:200]
        big = _raw(port, b"POST /login HTTP/1.1\r\n" + host + b"Content-Type: application/x-www-form-urlencoded\r\n"
                   b"Content-Length: 2000000\r\nConnection: close\r\n\r\nname=" + b"a" * 1000)
        assert big.split(b"\r\n")[0].split()[1] == b"413", big[:200]
        other = _raw(port, b"GET /login HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        assert other.split(b"\r\n")[0].split()[1] == b"400", other[:200]
        alive = _raw(port, b"GET /login HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n")
        assert alive.split(b"\r\n")[0].split()[1] == b"200", alive[:200]


# ================================================================================================== added after the first run

def test_throttle_the_same_account_spelled_otherwise_is_the_same_account(rt: RT) -> None:
    """Behind nginx, an outsider guesses the password of the clerk "nguyễn thị lan" from several addresses of the LAN,
    writing the name each time another way the desk still takes for her (decomposed as a Mac sends it, two spaces, a
    tab). Expected (README Safety: "failed logins are slowed per account"): after three failures on her account, the
    next try, however spelled and from whatever address, waits (429).
    FAULT: gateway/web/security.py `LoginThrottle._keys` counts by `account.casefold()`, the name as typed, while
    registry/people.py `check_password` finds the person under any of `_spellings` (NFC, spaces collapsed): each spelling
    is an account of its own to the throttle, so the per-account slowing is escaped and only the per-address one
    remains; here the right password is tried unslowed after five failures."""
    import unicodedata
    spellings = [LAN, unicodedata.normalize("NFD", LAN), "nguyễn  thị lan", "nguyễn thị  lan", "nguyễn\tthị lan",
                 unicodedata.normalize("NFD", "nguyễn  thị  lan")]
    with desk_with(rt.desk, Clock(), {"behind_proxy": True, "proxies": ["testclient"], "hosts": ["localhost"]}) as client:
        for n, name in enumerate(spellings[:-1]):
            assert attempt(client, name, "sai-mat-khau", [f"10.1.0.{n + 1}"]).status_code in (401, 429)
        last = attempt(client, spellings[-1], PASSWORD, ["10.1.0.99"])
    assert last.status_code == 429, last.status_code


def test_outgoing_a_secret_letter_is_never_sent_from_the_desk(client: TestClient, rt: RT) -> None:
    """A drafter gives the clerk a letter marked "MẬT" to send; the clerk uploads it and answers every entry of its
    plan. Expected (002 Đ3.1, Đ16.7; README: a secret document is held, never sent): nothing in the outgoing register,
    no mail queued."""
    from registry.models import OutgoingDocument
    token = _as(client, "vanthu")
    pdf = our_document(number="157/SNV-VP", secrecy="MẬT",
                       recipients=["Nơi nhận:", "- Lưu: VT.", "Bản điện tử:", "- Sở Tư pháp."])
    assert client.post("/outgoing/send", data={"csrf": token}, files={"scan": ("m.pdf", pdf, "application/pdf")}
                       ).status_code == 303
    form = plan_form(client.get("/outgoing/plan").text)
    client.post("/outgoing/plan", data={**form, "choice": ["Sở Tư pháp=000.00.14.H06", "Sở Tư pháp=-"]})
    assert _db(rt.world, lambda s: s.scalar(select(func.count()).select_from(OutgoingDocument))) == 0
    assert not [o for o in _outbox(rt.world) if o[0] == "document"]


def test_other_agency_a_document_of_another_agencys_register_is_not_on_our_desk(client: TestClient, rt: RT) -> None:
    """Two agencies keep their registers in one database (the register's rows carry their agency's code: numbers,
    duplicates, recalls, passing on and the printed register are each agency's own). Another agency registers a
    paper letter; our viewer searches our register for it and opens its id. Expected: our desk neither lists it nor
    shows its page (404), as our printed register leaves it out.
    FAULT: gateway/web/pages.py `register_page` (registry/search.py `search_register`) and `document_page`
    (registry/desk_reads.py `document_view`) read documents of every agency code, not our agency's: the other agency's
    letter is listed and its page shown to our viewer (only where the database is shared; the register's own code scopes
    numbers, duplicates, recalls, passing on and printing by agency, the desk's reads do not)."""
    from registry.models import Document
    from registry.paper import PaperDocument, register_paper
    register = rt.world.db()
    try:
        register_paper(register, OTHER_AGENCY, PaperDocument(
            issuer="UBND huyện Sơn Động", number="77/UBND-VP", subject="V/v hồ sơ nhân sự bổ nhiệm riêng",
            received_at=datetime.now(VN)), actor="văn thư khác")
    finally:
        register.close()
    other = _db(rt.world, lambda s: s.scalars(select(Document.id).where(Document.agency_code == OTHER_AGENCY)).one())
    _as(client, "xem")
    listed = client.get("/register", params={"words": "nhân sự bổ nhiệm"}).text
    assert "77/UBND-VP" not in listed and "bổ nhiệm riêng" not in listed
    assert client.get(f"/documents/{other}").status_code == 404


def test_other_agency_its_documents_id_in_the_pass_form_passes_none_of_ours(client: TestClient, rt: RT) -> None:
    """The same shared database: a leader is sent a link to the pass-on form of the other agency's document (its id),
    and passes it to VP. Expected: 404 for the form and the post; nothing passed, least of all OUR document that
    happens to carry the same incoming number.
    FAULT: gateway/web/passing_pages.py `read` takes any agency's document by id (the form is shown, 200), then `pass_on`
    builds the PassRequest from its year and number alone, which gateway/passing.py `_document` looks up under OUR
    agency's code: our own document of that number is passed to VP (its mail queued), the leader believing it was the
    other one."""
    from registry.models import Document
    from registry.paper import PaperDocument, register_paper
    register = rt.world.db()
    try:
        ours = register_paper(register, US["code"], PaperDocument(
            issuer="UBND huyện Lục Nam", number="160/UBND-VP", subject="V/v báo cáo của ta",
            received_at=datetime.now(VN)), actor="vanthu")[0]
        numbers = _db(rt.world, lambda s: list(s.scalars(select(Document.arrival_number).where(
            Document.agency_code == OTHER_AGENCY))))
        while max(numbers, default=0) < ours:
            numbers.append(register_paper(register, OTHER_AGENCY, PaperDocument(
                issuer="UBND huyện Sơn Động", number=f"{200 + len(numbers)}/UBND-VP", subject="V/v việc riêng",
                received_at=datetime.now(VN)), actor="văn thư khác")[0])
    finally:
        register.close()
    other = _db(rt.world, lambda s: s.scalars(select(Document.id).where(
        Document.agency_code == OTHER_AGENCY, Document.arrival_number == ours)).one())
    our_id = _db(rt.world, lambda s: s.scalars(select(Document.id).where(
        Document.agency_code == US["code"], Document.arrival_number == ours)).one())
    token = _as(client, "lanhdao")
    client.post(f"/documents/{other}/pass", data={"csrf": token, "lead": "VP", "deadline": _deadline()})
    assert _assignments(rt.world, our_id) == [], "OUR document of the same number was passed on"
    assert _assignments(rt.world, other) == []
    assert client.get(f"/documents/{other}/pass").status_code == 404


# ================================================================================================== closing the year (last)

def test_close_a_year_not_over_is_refused(client: TestClient, rt: RT) -> None:
    """The clerk (or a forged form with the clerk's token) closes 2027 while it runs (the desk's day is 15/01/2027).
    Expected: refused in words, the year open."""
    from registry.closed_years import closure
    token = _as(client, "vanthu")
    page = _flash_after(client, client.post("/register/close", data={"csrf": token, "year": "2027"}))
    assert "năm chưa hết" in page
    assert _db(rt.world, lambda s: closure(s, US["code"], 2027)) is None


def test_close_the_year_while_a_release_is_under_way_gives_no_number_after_the_closing(
        app_client: tuple[Any, TestClient], rt: RT) -> None:
    """Two tabs of the clerk: one releases a held mail received in 2026 (re-read in the worker: seconds), the other
    closes 2026 meanwhile. Expected: either the number was given before the closing or the release is refused; never
    a number of the closed year registered after its closing (the printed, signed register would miss it). Both
    answers 303, never a 500."""
    from registry.models import AuditEntry
    app, _ = app_client
    world = rt.world
    [held] = world.ingest(world.mail("race-close", auth=None, attachments=[("cv.pdf", world.document(number="159/STP-VP"))]))
    assert held["verdict"] == "quarantined", held
    mail_id = held["review_id"]

    async def both() -> list[int]:
        browser = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")
        token = csrf_of((await browser.get("/login")).text)
        await browser.post("/login", data={"name": "vanthu", "password": PASSWORD, "csrf": token})
        token = csrf_of((await browser.get("/")).text)
        release = asyncio.ensure_future(browser.post(f"/review/{mail_id}/release", data={"csrf": token}))
        await asyncio.sleep(0.05)
        closing = await browser.post("/register/close", data={"csrf": token, "year": "2026"})
        answers = [await release, closing]
        await browser.aclose()
        return [a.status_code for a in answers]

    assert asyncio.run(both()) == [303, 303]

    def order(s: Any) -> dict[str, int]:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action.in_(("review-release", "register-closed")))).all()
        return {e.action: e.id for e in entries if e.action == "register-closed" or e.mail_id == mail_id}
    if _documents_of_mail(world, mail_id):
        seen = _db(world, order)
        assert seen.get("review-release", 0) < seen["register-closed"], seen


def test_close_then_a_held_mail_of_the_closed_year_is_not_released(client: TestClient, rt: RT) -> None:
    """The clerk closes 2026 (printed, signed, closed); a held mail received in 2026 is then released from a tab left
    open. Expected: refused in words (a closed register gets no number), no document, the mail still held."""
    from registry.closed_years import closure
    mail_id = rt.desk.held[3]
    token = _as(client, "vanthu")
    assert client.post("/register/close", data={"csrf": token, "year": "2026"}).status_code == 303  # closed already
    assert _db(rt.world, lambda s: closure(s, US["code"], 2026)) is not None
    answer = client.post(f"/review/{mail_id}/release", data={"csrf": token})
    page = _flash_after(client, answer)
    assert _documents_of_mail(rt.world, mail_id) == 0
    assert "khóa" in page
