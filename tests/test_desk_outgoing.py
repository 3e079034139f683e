"""The desk's Outgoing pages, in-process (Starlette's TestClient) on a real SQLite register and the
test province's directory: the clerk uploads a signed scan and its draft, sees the plan (each
"Bản điện tử" entry resolved or held), answers the held one with an agency of the directory, and the
send is registered and queued in the outbox as `send --confirm` does; the outgoing register shows it
with its recipients' states. Refused: a non-clerk (by request), a file that is not a PDF, a form
larger than web.max_upload_mb, a PDF the worker cannot read."""

from __future__ import annotations

import email
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from desk_kit import PASSWORD, PEOPLE, UNITS, Clock, add_person, csrf_of, desk_app, plan_form
from test_attachments import docx
from test_outgoing import OUR_BLOCK, our_document
from world import STC, STP, World, make_world, our_identifier

DRAFT = docx()  # a Word file (a draft is one: red team 112 mailed a PDF named .docx unread)

LUC_NAM = "000.00.00.H06"  # the agency the clerk chooses for "UBND huyện Lục Nam" (no such entry in the directory)


@pytest.fixture(scope="module")
def desk_world(tmp_path_factory: pytest.TempPathFactory, province) -> World:  # type: ignore[no-untyped-def]
    pki, signers, stranger = province
    world = make_world(tmp_path_factory.mktemp("desk-outgoing") / "agency", pki, signers, stranger,
                       web={"max_upload_mb": 1}, units=UNITS)
    for name, (role, unit) in PEOPLE.items():
        assert add_person(world, name, role, unit).returncode == 0
    return world


@pytest.fixture
def client(desk_world: World) -> Iterator[TestClient]:
    app, gateway = desk_app(desk_world, Clock())
    with TestClient(app, follow_redirects=False, base_url="http://localhost") as test_client:
        yield test_client
    gateway.close()


def log_in(client: TestClient, name: str) -> str:
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return csrf_of(client.get("/").text)


def upload(client: TestClient, pdf: bytes, draft: bytes | None = None, name: str = "cv-di.pdf"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/outgoing/send").text)
    files = {"scan": (name, pdf, "application/pdf")}
    if draft is not None:
        files["draft"] = ("du-thao.docx", draft, "application/octet-stream")
    return client.post("/outgoing/send", data={"csrf": token}, files=files)


def outbox(world: World) -> list:  # type: ignore[type-arg]
    from registry.models import Outbox

    register = world.db()
    try:
        with register.session() as s:
            return list(s.scalars(select(Outbox).order_by(Outbox.id)))
    finally:
        register.close()


def test_the_clerk_sends_a_letter_answering_its_held_entry(client: TestClient, desk_world: World) -> None:
    log_in(client, "vanthu")
    assert "0 văn bản" in client.get("/outgoing").text
    pdf = our_document()
    sent = upload(client, pdf, DRAFT)
    assert sent.status_code == 303 and sent.headers["location"] == "/outgoing/plan"
    plan = client.get("/outgoing/plan")
    assert plan.status_code == 200
    text = plan.text
    assert "45/SNV-VP" in text and our_identifier(1) in text and "(dự kiến)" in text
    assert f"Sở Tư pháp tỉnh Bắc Giang &lt;{STP}&gt;" in text and STC in text  # resolved
    assert "Không gửi (chính cơ quan mình)" in text  # Sở Nội vụ: ourselves
    assert "Không tìm thấy trong danh bạ: Văn thư chọn" in text and 'Chọn cơ quan nhận "UBND huyện Lục Nam"' in text
    assert "Có nơi nhận không tìm được" in text  # the held reason, in Vietnamese
    assert "Như trên" in text and "du-thao.docx (gửi kèm)" in text
    form = plan_form(text)

    held = client.post("/outgoing/plan", data={**form, "choice": "UBND huyện Lục Nam="})  # left unanswered
    assert held.status_code == 200 and "Chưa gửi được" in held.text and outbox(desk_world) == []

    done = client.post("/outgoing/plan", data={**form, "choice": f"UBND huyện Lục Nam={LUC_NAM}"})
    assert done.status_code == 303 and done.headers["location"] == "/outgoing"
    mails = {o.recipient: o for o in outbox(desk_world)}
    assert set(mails) == {STP, STC, "vanthu@bacgiang.gov.vn"} and {o.state for o in mails.values()} == {"queued"}
    message = email.message_from_bytes(mails[STP].raw)
    assert message["X-QLVB-Document-Id"] == our_identifier(1)
    attached = {p.get_filename(): p.get_payload(decode=True) for p in message.walk() if p.get_filename()}
    assert attached == {"cv-di.pdf": pdf, "du-thao.docx": DRAFT}

    register = client.get("/outgoing")
    assert f"Đã vào sổ văn bản đi {our_identifier(1)}" in register.text  # the flash
    row = register.text.split("<tbody>")[1]
    assert our_identifier(1) in row and "45/SNV-VP" in row and "Như trên: bản giấy" in row
    assert row.count("Chờ gửi") == 3 and "UBND tỉnh Bắc Giang" in row  # chosen for the Lục Nam entry

    from registry.models import AuditEntry, OutgoingRecipient

    register_db = desk_world.db()
    try:
        with register_db.session() as s, s.begin():
            [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "outgoing-registered"))
            assert entry.actor == "vanthu"  # the person who sent it
            # what the recipients' answers write (gateway/exchange/tracking.py, tests/test_two_gateways.py)
            stp = s.scalars(select(OutgoingRecipient).where(OutgoingRecipient.mailbox == STP)).one()
            stp.state, stp.incoming_number, stp.processing = "acknowledged", 17, "05"
            stc = s.scalars(select(OutgoingRecipient).where(OutgoingRecipient.mailbox == STC)).one()
            stc.state, stc.reasons = "returned", ["unsigned"]
    finally:
        register_db.close()
    row = client.get("/outgoing").text.split("<tbody>")[1]
    stp_line = 'Sở Tư pháp tỉnh Bắc Giang</span>: <span class="state acknowledged">Đã nhận, vào sổ</span>, số đến 17; Đang xử lý'
    assert stp_line in row
    assert "Bị trả lại" in row

    again = upload(client, pdf)  # the same scan again: nothing more is sent
    assert again.status_code == 303
    assert "đã được gửi trước đây" in client.get("/outgoing/plan").text
    assert len(outbox(desk_world)) == 3

    client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    log_in(client, "xem")  # a viewer reads the register, with no link to send
    page = client.get("/outgoing").text
    assert our_identifier(1) in page and "/outgoing/send" not in page


def test_an_entry_answered_with_two_agencies_goes_to_both(client: TestClient, desk_world: World) -> None:
    """As `send --confirm "ENTRY=CODE,CODE"`: the near name ticked and an agency chosen from the list
    both get the letter, once each."""
    from registry.models import OutgoingDocument, OutgoingRecipient

    log_in(client, "vanthu")
    block = OUR_BLOCK[:-1] + ["- Sở Tư phám."]  # a typo for Sở Tư pháp, in place of UBND huyện Lục Nam
    assert upload(client, our_document(number="47/SNV-VP", recipients=block), name="hai-noi.pdf").status_code == 303
    plan = client.get("/outgoing/plan").text
    assert '<input type="checkbox" name="choice" value="Sở Tư phám=000.00.14.H06">' in plan  # its near name
    done = client.post("/outgoing/plan", data={**plan_form(plan), "choice": [
        "Sở Tư phám=000.00.14.H06", f"Sở Tư phám={LUC_NAM}"]})
    assert done.status_code == 303
    register = desk_world.db()
    try:
        with register.session() as s:
            document = s.scalars(select(OutgoingDocument).where(OutgoingDocument.notation == "47/SNV-VP")).one()
            entries = {r.mailbox: r.entries for r in s.scalars(
                select(OutgoingRecipient).where(OutgoingRecipient.document_id == document.id))}
    finally:
        register.close()
    assert entries == {STP: ["Sở Tư pháp", "Sở Tư phám"], STC: ["Giám đốc Sở Tài chính"],
                       "vanthu@bacgiang.gov.vn": ["Sở Tư phám"]}


@pytest.mark.parametrize("name", ["xem", "lanhdao", "phongtc"])
def test_who_is_not_the_clerk_cannot_send(client: TestClient, desk_world: World, name: str) -> None:
    token = log_in(client, name)
    before = len(outbox(desk_world))
    assert client.get("/outgoing/send").status_code == 403
    assert client.get("/outgoing/plan").status_code == 403
    files = {"scan": ("x.pdf", our_document(number="99/SNV-VP"), "application/pdf")}
    assert client.post("/outgoing/send", data={"csrf": token}, files=files).status_code == 403
    assert client.post("/outgoing/plan", data={"csrf": token, "choice": f"UBND huyện Lục Nam={LUC_NAM}"}).status_code == 403
    assert len(outbox(desk_world)) == before
    if name == "phongtc":  # a unit's person does not read the register
        assert client.get("/outgoing").status_code == 403


def test_a_file_not_a_pdf_too_large_or_unreadable_is_refused_in_vietnamese(client: TestClient, desk_world: World) -> None:
    log_in(client, "vanthu")
    not_pdf = upload(client, b"<html>not a document</html>", name="thu.html")
    assert not_pdf.status_code == 400 and "Tệp văn bản phải là tệp PDF" in not_pdf.text
    large = upload(client, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))  # web.max_upload_mb: 1
    assert large.status_code == 413 and "Tệp quá lớn" in large.text and "1 MB" in large.text
    broken = upload(client, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> broken")
    assert broken.status_code == 303  # kept; read by a worker, which cannot
    plan = client.get("/outgoing/plan")
    assert plan.status_code == 400 and "Không đọc được tệp PDF này" in plan.text
    token = csrf_of(client.get("/outgoing/send").text)
    chunked = client.post("/outgoing/send", content=iter([b"csrf=" + token.encode()]),  # no Content-Length
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 411 and "không cho biết dung lượng" in chunked.text
    no_token = client.post("/outgoing/send", files={"scan": ("a.pdf", b"%PDF-1.7", "application/pdf")})
    assert no_token.status_code == 403 and "CSRF" in no_token.text


def test_an_upload_whose_file_left_the_store_is_asked_for_again(client: TestClient, desk_world: World) -> None:
    """The uploaded scan gone from the content store before the plan (a recall destroyed a received file of the
    same bytes, red team 28): the clerk is asked to upload it again, where the page failed with a server error."""
    import hashlib

    log_in(client, "vanthu")
    pdf = our_document(number="47/SNV-VP")
    assert upload(client, pdf).status_code == 303
    digest = hashlib.sha256(pdf).hexdigest()
    (desk_world.root / "store" / "sha256" / digest[:2] / digest).unlink()
    plan = client.get("/outgoing/plan")
    assert plan.status_code == 400 and "hãy tải lên lại" in plan.text  # the plan page, refused as a bad file is
