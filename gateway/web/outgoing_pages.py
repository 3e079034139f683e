"""The desk's Outgoing pages: the outgoing register (sổ văn bản đi, what `qlvb-gateway sent` shows:
registry/queries.sent_documents) with each recipient's state, and sending from the page (the clerk
only): the signed scan (and the draft) uploaded, the plan shown, each held entry answered with an
agency of the directory or "on paper", then signed and sent by gateway/outgoing/send.py exactly as
`send --confirm "ENTRY=CODE"` does. The PDF is read in a worker process, never in the web process;
the form is refused unread when larger than `web.max_upload_mb`.

An upload waiting for its send is remembered by the desk's process, the session holding only a random
token for it: its store hashes never come back from the browser, and only the person who uploaded it
sends it (a restart forgets it: the clerk uploads again). Sends are one at a time in the desk, so a form
sent twice sends the document once."""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import PureWindowsPath

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gateway.directory import AgencyEntry
from gateway.outgoing.send import ChoiceError, OutgoingFile, OutgoingSender, SendOutcome, UnreadablePdf, parse_choices
from gateway.outgoing.signing import SigningError, SigningSecretNotSet
from gateway.web.desk import Desk, NavItem
from gateway.web.security import new_csrf_token
from registry.queries import SentDocument, sent_count, sent_documents

log = logging.getLogger("qlvb.web")
PER_PAGE = 50
PAPER = "-"  # the answer "on paper" (send's --confirm "ENTRY=-")
UPLOAD = "outgoing-upload"  # the session's key for the token of the files uploaded and not yet sent

RECIPIENT_STATES = {"queued": "Chờ gửi", "sent": "Đã gửi (máy chủ thư đã nhận)", "acknowledged": "Đã nhận, vào sổ",
                    "returned": "Bị trả lại", "failed": "Gửi không được",
                    "withdrawn": "Không gửi (thu hồi trước khi gửi đi)"}
# the recipient's edXML processing status, where it runs this gateway (X-QLVB-Status)
PROCESSING = {"04": "Chờ phân công", "05": "Đang xử lý", "06": "Đã xử lý xong"}
RECALL = {"requested": "Đã đề nghị thu hồi", "agreed": "Đồng ý thu hồi", "unknown": "Không rõ văn bản thu hồi"}
ENTRY_STATES = {"resolved": "Đã xác định", "skipped": "Không gửi (chính cơ quan mình)",
                "ambiguous": "Ứng với nhiều cơ quan: Văn thư chọn", "unresolved": "Không tìm thấy trong danh bạ: Văn thư chọn"}
SIGNING_NOT_SET = "Không ký số được: chưa cấu hình mật khẩu khóa ký số; báo quản trị hệ thống."
SIGNING_FAILED = "Không ký số được: không mở được khóa ký số (sai mật khẩu hoặc thiết bị ký số); báo quản trị hệ thống."
NOT_A_PDF = "Tệp văn bản phải là tệp PDF (bản quét đã ký số hoặc sẽ được ký số)."
UPLOAD_GONE = "Tệp đã tải lên không còn trong kho lưu trữ (văn bản cùng nội dung vừa bị thu hồi): hãy tải lên lại."
PLAN_CHANGED = ("Kế hoạch gửi đã thay đổi: một văn bản khác đã được tải lên sau khi trang trước hiện ra. Chưa gửi gì; hãy xem "
                "lại kế hoạch của văn bản này rồi mới ký số và gửi.")


@dataclass(frozen=True)
class Upload:
    """The files of a send, kept in the content store between the plan and the send."""

    owner: str  # the person who uploaded them: no one else sends them
    pdf: str  # SHA-256 in the store
    filename: str
    draft: str | None = None
    draft_filename: str | None = None

    @property
    def fingerprint(self) -> str:
        """What a plan's form names its upload by (its hidden field `upload`): the send acts only on the upload the
        clerk saw the plan of (red team 64: a stale form sent the letter uploaded since, in another tab, to recipients
        nobody had looked at)."""
        return f"{self.pdf}:{self.draft or ''}"


class PendingUploads:
    """The uploads waiting for their send, by a random token (the session's), one a person at most."""

    def __init__(self) -> None:
        self._by_token: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def keep(self, upload: Upload) -> str:
        token = new_csrf_token()
        with self._lock:
            self._by_token = {t: u for t, u in self._by_token.items() if u.owner != upload.owner}
            self._by_token[token] = upload
        return token

    def of(self, token: object, person: str) -> Upload | None:
        upload = self._by_token.get(token) if isinstance(token, str) else None
        return upload if upload is not None and upload.owner == person else None

    def forget(self, token: object) -> None:
        with self._lock:
            if isinstance(token, str):
                self._by_token.pop(token, None)


class Refused(ValueError):
    """An upload or a send refused, said in Vietnamese."""


def _filename(upload: UploadFile, fallback: str, suffix: str = "") -> str:
    """The file's own name as the mail and the register will carry it: without any folder a browser sent
    with it, control and format characters (CR, LF, bidi overrides), "." or ".."; at most 200 characters,
    ending in `suffix` (the recipients' mail programs take the type from the name)."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", upload.filename or "") if unicodedata.category(ch)[0] != "C")
    name = PureWindowsPath(name).name.strip()
    name = name if name.strip(". ") else fallback
    if suffix and not name.lower().endswith(suffix):
        name = name[:200 - len(suffix)] + suffix
    return name if len(name) <= 200 else name[:200 - len(suffix)] + suffix


def _int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise HTTPException(404) from None
    if not 1 <= number < 2**31:
        raise HTTPException(404)
    return number


def chosen(form: FormData) -> list[str]:
    """The answers of the plan's form as `send --confirm` takes them: "ENTRY=CODE[,CODE…]" (the agencies
    ticked or chosen for an entry, together) or "ENTRY=-" (on paper: when no agency is chosen for it)."""
    codes: dict[str, list[str]] = {}
    for value in form.getlist("choice"):
        entry, _, code = value.rpartition("=") if isinstance(value, str) else ("", "", "")
        if entry and code:
            codes.setdefault(entry, []).extend(code.split(","))
    return [f"{entry}={','.join(dict.fromkeys(c for c in given if c != PAPER)) or PAPER}" for entry, given in codes.items()]


def routes(desk: Desk) -> list[BaseRoute]:
    gateway = desk.gateway
    desk.nav.append(NavItem("/outgoing", "Sổ văn bản đi", "read"))
    limit = int(gateway.config.web.max_upload_mb * 1024 * 1024)
    pending = PendingUploads()
    sending = threading.Lock()  # one send at a time: a form sent twice finds the document sent

    def register_page(year: int | None, page: int) -> tuple[list[SentDocument], int]:
        with gateway.register.session() as db:
            return (sent_documents(db, year, newest_first=True, offset=(page - 1) * PER_PAGE, limit=PER_PAGE),
                    sent_count(db, year))

    async def outgoing_register(request: Request) -> Response:
        visitor = desk.reader(request)
        year_text = request.query_params.get("year", "")
        year = _int(year_text) if year_text else None
        page = _int(request.query_params.get("page", "1") or "1")
        documents, total = await desk.run(register_page, year, page)
        return desk.page(request, "outgoing.html", visitor, documents=documents, total=total, page=page,
                         pages=max(1, -(-total // PER_PAGE)), year=year, states=RECIPIENT_STATES,
                         processing=PROCESSING, recall=RECALL)

    async def upload_form(request: Request) -> Response:
        visitor = desk.reader(request, "send")
        return desk.page(request, "outgoing_upload.html", visitor, limit_mb=gateway.config.web.max_upload_mb)

    def refused_upload(request: Request, message: str, status: int) -> Response:
        return desk.page(request, "outgoing_upload.html", desk.reader(request, "send"), status=status, error=message,
                         limit_mb=gateway.config.web.max_upload_mb)

    async def upload(request: Request) -> Response:
        desk.reader(request, "send")
        size = request.headers.get("content-length", "")
        if not size.isdigit():  # a form's size is known before it is read (browsers send it)
            return refused_upload(request, "Biểu mẫu không cho biết dung lượng: hãy gửi lại từ trình duyệt.", 411)
        if int(size) > limit:  # refused before a byte of it is read
            return refused_upload(request, f"Tệp quá lớn: văn bản và dự thảo cộng lại không quá "
                                           f"{gateway.config.web.max_upload_mb:g} MB.", 413)
        visitor, form = await desk.acting(request, "send", files=True)
        scan, draft = form.get("scan"), form.get("draft")
        if not isinstance(scan, UploadFile):
            return refused_upload(request, "Chưa chọn tệp văn bản (PDF).", 400)
        pdf = await scan.read()
        # the header a PDF starts with (ISO 32000-1 7.5.2), at its very start: no HTML before it; read in a worker later
        if not pdf.startswith(b"%PDF-"):
            return refused_upload(request, NOT_A_PDF, 400)
        draft_bytes = await draft.read() if isinstance(draft, UploadFile) and draft.filename else b""

        def keep() -> Upload:
            return Upload(visitor.name, gateway.store.put(pdf), _filename(scan, "van-ban.pdf", ".pdf"),
                          gateway.store.put(draft_bytes) if draft_bytes else None,
                          _filename(draft, "du-thao") if isinstance(draft, UploadFile) and draft_bytes else None)
        request.session[UPLOAD] = pending.keep(await desk.run(keep))
        return desk.redirect("/outgoing/plan")

    def plan_or_send(upload: Upload, answers: list[str], actor: str, send: bool) -> SendOutcome:
        """The plan (a dry run) or the send, by gateway/outgoing/send.py as `send [--confirm …]` does."""
        try:
            item = OutgoingFile(f"desk:{actor}", upload.filename, gateway.store.get(upload.pdf),
                                (upload.draft_filename or "du-thao", gateway.store.get(upload.draft)) if upload.draft else None)
        except FileNotFoundError:  # a recall destroyed a received file of the same bytes meanwhile (red team 28)
            raise Refused(UPLOAD_GONE) from None
        try:
            choices = parse_choices(answers, gateway.directory.by_code)
            sender = OutgoingSender(gateway, desk.workers())
            if not send:
                return sender.send(item, dry_run=True, choices=choices, actor=actor)
            with sending:
                return sender.send(item, choices=choices, actor=actor)
        except UnreadablePdf:
            raise Refused("Không đọc được tệp PDF này (tệp hỏng, hoặc quá nặng để đọc trong giới hạn thời gian và bộ nhớ "
                          "của hệ thống).") from None
        except ChoiceError:
            raise Refused("Nơi nhận được chọn không có trong khối 'Nơi nhận' hoặc trong danh bạ: tải lại trang.") from None
        except SigningError as exc:  # the clerk is told whom to call; the reason goes to the log for them
            log.warning("signing: %s", exc)
            raise Refused(SIGNING_NOT_SET if isinstance(exc, SigningSecretNotSet) else SIGNING_FAILED) from None

    def plan_page(request: Request, upload: Upload, outcome: SendOutcome | None, answers: list[str],
                  error: str | None = None) -> Response:
        picked = dict(a.rpartition("=")[::2] for a in answers)  # entry -> code or "-"
        return desk.page(request, "outgoing_plan.html", desk.reader(request, "send"), status=400 if error else 200,
                         upload=upload, outcome=outcome, error=error, picked=picked, entry_states=ENTRY_STATES,
                         agencies=gateway.directory.agencies, near=lambda names: _near(gateway.directory.agencies, names),
                         paper=PAPER)

    async def plan(request: Request) -> Response:
        visitor = desk.reader(request, "send")
        upload = pending.of(request.session.get(UPLOAD), visitor.name)
        if upload is None:
            return desk.redirect("/outgoing/send")
        try:
            outcome = await desk.run(plan_or_send, upload, [], visitor.name, False)
        except Refused as exc:
            return plan_page(request, upload, None, [], str(exc))
        return plan_page(request, upload, outcome, [])

    async def send(request: Request) -> Response:
        visitor, form = await desk.acting(request, "send")
        upload = pending.of(request.session.get(UPLOAD), visitor.name)
        if upload is None:
            desk.flash(request, "Không còn tệp nào chờ gửi: hãy tải văn bản lên lại.", "error")
            return desk.redirect("/outgoing/send")
        answers = chosen(form)
        if form.get("upload") != upload.fingerprint:  # the plan shown was another upload's: nothing sent, this one shown
            try:
                current = await desk.run(plan_or_send, upload, [], visitor.name, False)
            except Refused as exc:
                return plan_page(request, upload, None, [], str(exc))
            return plan_page(request, upload, current, [], PLAN_CHANGED)
        try:
            outcome = await desk.run(plan_or_send, upload, answers, visitor.name, True)
        except Refused as exc:
            return plan_page(request, upload, None, answers, str(exc))
        if not outcome.registered:  # still held: the plan again, with what is missing
            return plan_page(request, upload, outcome, answers)
        pending.forget(request.session.pop(UPLOAD, None))
        ident = outcome.plan.identifier
        if outcome.already_sent:
            desk.flash(request, f"Văn bản này đã được gửi trước đây ({ident}): không gửi lại.", "error")
        else:
            desk.flash(request, f"Đã vào sổ văn bản đi {ident} và xếp thư gửi đến "
                                + ", ".join(r["name"] for r in outcome.recipients) + ".")
        return desk.redirect("/outgoing")

    return [
        Route("/outgoing", outgoing_register, methods=["GET"]),
        Route("/outgoing/send", upload_form, methods=["GET"]),
        Route("/outgoing/send", upload, methods=["POST"]),
        Route("/outgoing/plan", plan, methods=["GET"]),
        Route("/outgoing/plan", send, methods=["POST"]),
    ]


def _near(agencies: list[AgencyEntry], names: list[str]) -> list[AgencyEntry]:
    """The agencies of the directory a held entry's candidates name (a candidate may be "body: name")."""
    wanted = {n.rpartition(": ")[2] for n in names}
    return [a for a in agencies if a.name in wanted]
