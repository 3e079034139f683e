"""What the commands print: one JSON object a line (`--json`), or text for a person (rich tables),
and a progress bar on stderr while a long command works, only when stderr is a terminal.

Every function here takes typed values or the commands' JSON objects and writes or returns text;
nothing here reads the register or the configuration."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from gateway.reasons import ENTRY_WORDS, RECIPIENT_WORDS, VERDICT_WORDS, worded
from vntext import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from gateway.model import DocumentOutcome
    from gateway.monitoring import StatusReport, StoreSpace
    from gateway.passing import Marked, Passed, Task
    from gateway.review import HeldMail, HeldMailDetail, Released
    from registry.people import PersonRow
    from registry.queries import SentDocument

GIB = 2**30
WIDTH_OFF_TERMINAL = 160  # a table piped into a file or grep is not folded at 80 columns


def print_json(obj: Any) -> None:
    """One JSON object on one line, written at once (a caller reading line by line sees it now)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_none(what: str) -> None:
    """An empty list said in words (a newcomer read an empty output as a failure)."""
    print(f"Không có {what}.")


def print_indented_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _stdout() -> Console:
    from rich.console import Console

    return Console(markup=False, highlight=False, width=None if sys.stdout.isatty() else WIDTH_OFF_TERMINAL)


def _table(*columns: str) -> Table:
    from rich import box
    from rich.table import Table

    return Table(*columns, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)


class Progress:
    """Counts work done; draws a bar on stderr when there is one (see `progress`)."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self._bar, self._task = bar, task

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)


@contextmanager
def progress(description: str, total: int) -> Iterator[Progress]:
    """A bar on stderr for `total` steps, only when stderr is a terminal and there is more than one
    step: JSON on stdout stays as it is. Lines printed meanwhile go above the bar when stdout is the
    terminal too, and straight to their file when it is not."""
    if total < 2 or not sys.stderr.isatty():
        yield Progress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
              console=Console(stderr=True), transient=True, redirect_stdout=sys.stdout.isatty(), redirect_stderr=False)
    with bar:
        yield Progress(bar, bar.add_task(description, total=total))


def unreachable(exc: BaseException) -> str:
    """The register (or a file) out of reach, in one line: the OS's words, or the database driver's first line."""
    if isinstance(exc, OSError):
        return f"cannot open: {exc}"
    cause = getattr(exc, "orig", None) or exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if type(cause).__name__ == "LockNotAvailable" or "database is locked" in first:  # reached, and busy (red team 94:
        # a digest waiting for another process's was said as a register that cannot be opened)
        return f"database: the register is busy with another process's work ({first}): try again in a moment"
    return f"database: cannot open the register: {first}"


# ingest, check

def summary_line(o: DocumentOutcome) -> str:
    """One document's verdict on one line: verdict, incoming number, its number, the file, reason codes."""
    number = f"số đến {o.incoming_number}" if o.incoming_number else (
        f"trùng số đến {o.duplicate_of}" + (f"/{o.duplicate_year}" if o.duplicate_year else "") if o.duplicate_of else "-"
    )
    notation = o.document.number if o.document is not None and not o.secret else None
    codes = ",".join(r.code for r in o.reasons) or "-"
    seen = "  (đã xử lý trước đây: không làm gì thêm)" if o.already_processed else ""  # its verdict then, as recorded
    return f"{worded(o.verdict, VERDICT_WORDS):<26} {number:<16} {notation or '-':<20} {o.file}  [{codes}]{seen}"


# status

def _space(space: StoreSpace) -> dict[str, Any]:
    return {"path": space.path, "free_bytes": space.free_bytes, "total_bytes": space.total_bytes}


def status_json(report: StatusReport) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    mailboxes = [{"name": m.name, "connected": m.connected, "last_uid": m.last_uid, "backlog": m.backlog,
                  "last_mail_at": when(m.last_mail_at), "error": m.error, "failing_since": when(m.failing_since),
                  "failing_seconds": m.failing_seconds, "updated_at": when(m.updated_at), "watched": m.watched}
                 for m in report.mailboxes]
    outbox = report.outbox
    return {
        "mailboxes": mailboxes,
        "outbox": {"queued": outbox.queued, "sent": outbox.sent, "failed": outbox.failed,
                   "failures": [{"id": f.id, "to": f.recipient, "kind": f.kind, "error": _short(f.last_error)}
                                for f in outbox.failures],
                   "retrying": [{"id": r.id, "to": r.recipient, "kind": r.kind, "attempts": r.attempts,
                                 "error": _short(r.last_error), "queued_at": when(r.created_at),
                                 "next_attempt_at": when(r.next_attempt_at)} for r in outbox.retrying]},
        "store": _space(report.store),
        **({} if report.register is None else {"register": _space(report.register)}),  # a SQLite register's disk
        **({} if report.spool is None else {"spool": {  # with a listener only: the fields before it are the contract's
            "path": report.spool.path, "waiting": report.spool.waiting, "oldest_at": when(report.spool.oldest_at),
            "error": report.spool.error}}),
        "alerts": [{"mailbox": a.mailbox, "failing_since": when(a.failing_since), "error": a.error, "message": a.message}
                   for a in report.alerts],
    }


def _short(error: str | None) -> str | None:
    """An SMTP server's words as a check shows them: a line, 500 characters at most (a server's reply has no bound: red
    team 36's 2 MB one made `status --json` 2 MB)."""
    return None if error is None else " ".join(error.split())[:500]


def print_status(report: StatusReport, tz: tzinfo) -> None:
    console = _stdout()

    def local(value: datetime | None) -> str:
        return f"{value.astimezone(tz):%Y-%m-%d %H:%M:%S}" if value else "-"

    mailboxes = _table("hộp thư", "trạng thái", "UID cuối", "chờ xử lý", "thư gần nhất", "theo dõi", "lỗi", "lỗi từ")
    for m in report.mailboxes:
        mailboxes.add_row(m.name, "đã kết nối" if m.connected else "không kết nối",
                          str(m.last_uid) if m.last_uid is not None else "-",
                          str(m.backlog) if m.backlog is not None else "-",
                          local(m.last_mail_at), "có" if m.watched else "không", m.error or "", local(m.failing_since))
    console.print(mailboxes)
    outbox = report.outbox
    console.print(f"outbox: {outbox.queued} chờ gửi, {outbox.sent} đã gửi, {outbox.failed} gửi không được")
    if outbox.failures:
        failures = _table("#", "loại", "đến", "lỗi")
        for f in outbox.failures:
            failures.add_row(str(f.id), f.kind, f.recipient, _short(f.last_error) or "")
        console.print(failures)
    if outbox.retrying:  # a newcomer: the SMTP server down, nothing said where answers and letters were stuck
        console.print("đang chờ gửi lại (máy chủ SMTP chưa nhận):")
        retrying = _table("#", "loại", "đến", "lần thử", "lỗi gần nhất")
        for r in outbox.retrying:
            retrying.add_row(str(r.id), r.kind, r.recipient, str(r.attempts), _short(r.last_error) or "")
        console.print(retrying)
    for what, space in (("kho lưu trữ", report.store), ("sổ đăng ký", report.register)):
        if space is not None:
            console.print(f"{what} {space.path}: còn trống {space.free_bytes / GIB:.1f} GiB "
                          f"trên {space.total_bytes / GIB:.1f} GiB")
    if report.spool is not None:
        spool = report.spool
        oldest = f", cũ nhất từ {local(spool.oldest_at)}" if spool.oldest_at else ""
        console.print(f"bộ nhận thư {spool.path}: "
                      + (f"không đọc được ({spool.error})" if spool.error else f"{spool.waiting} thư chưa vào hộp thư{oldest}"))
    for alert in report.alerts:
        console.print(f"CẢNH BÁO: {alert.message}: {alert.error or '-'}",
                      style="bold red" if console.is_terminal else None)


# review

def held_mail_json(held: HeldMail) -> dict[str, Any]:
    return {"id": held.id, "received_at": held.received_at.isoformat(), "from": held.sender, "subject": held.subject,
            "verdict": held.verdict, "review": held.review, "reasons": list(held.reasons)}


def held_mail_detail_json(detail: HeldMailDetail) -> dict[str, Any]:
    return {
        **held_mail_json(detail.mail), "message_id": detail.message_id, "sha256": detail.sha256, "source": detail.source,
        "outcome": detail.outcome.as_json(),
        "files": [{"filename": f.filename, "role": f.role, "sha256": f.sha256, "size": f.size} for f in detail.files],
        "history": [{"at": h.at.isoformat(), "actor": h.actor, "action": h.action} for h in detail.history],
    }


def released_json(released: Released) -> dict[str, Any]:
    return {"id": released.mail_id, "incoming_number": released.incoming_number,
            "document": released.document.as_json(), "acknowledged_to": released.acknowledged_to}


def print_review_list(held: list[HeldMail]) -> None:
    table = _table("mã thư", "nhận lúc", "từ", "tiêu đề", "lý do")  # the id `review release` takes, not a number of the register
    for h in held:
        # what the mail says, its control characters shown (a U+202E turned the rest of the line: red team 64)
        table.add_row(str(h.id), h.received_at.isoformat()[:16], visible(h.sender), visible(h.subject or ""),
                      ", ".join(h.reasons))
    _stdout().print(table)


def released_line(released: Released) -> str:
    return f"số đến {released.incoming_number}: {released.document.number}"


# register

def print_register(rows: list[dict[str, Any]]) -> None:
    table = _table("số đến", "ngày đến", "nơi ban hành", "số, ký hiệu", "loại", "trích yếu")
    for row in rows:
        table.add_row(str(row["incoming_number"]), row["received_at"][:16], visible(row["issuer"] or "-"),
                      visible(row["number"] or "-"), visible(row["type"] or ""), visible(row["summary"] or ""))
    _stdout().print(table)


def registered_paper(out: dict[str, Any]) -> str:
    return f"Đã vào sổ: số đến {out['incoming_number']}/{out['year']}"


# outgoing: send, sent, recall, directory resolve

def plan_text(out: dict[str, Any]) -> str:
    """A send's plan (`send` and the demo): the document, who gets it, what is held and why."""
    doc = out["document"]
    lines = [f"Văn bản {doc.get('number') or '-'}: {doc.get('summary') or ''}", f"Mã văn bản: {out['identifier']}"
             + (" (đã ký số)" if out["signed"] else " (chưa ký số)")]
    for e in out["electronic"]:
        names = ", ".join(f"{a['name']} <{a['mailbox']}>" for a in e["agencies"])
        extra = f" — gần giống: {', '.join(e['candidates'])}" if e.get("candidates") else ""
        lines.append(f"  [{worded(e['status'], ENTRY_WORDS)}] {e['entry']}: {names}{extra}")
    for entry in out["paper"]:
        lines.append(f"  [bản giấy] {entry}")
    for held in out["held"]:  # a second send of a file sent already is no hold: nothing is sent again (exit 0)
        lines.append(f"{'KHÔNG GỬI LẠI' if held['code'] == 'already-sent' else 'GIỮ LẠI'}: {held['message']}")
    for said in out.get("warnings", []):
        lines.append(f"LƯU Ý: {said['message']}")
    for r in out.get("recipients", []):
        lines.append(f"  → {r['name']} <{r['mailbox']}>: {worded(r['state'], RECIPIENT_WORDS)}")
    return "\n".join(lines)


def sent_json(sent: SentDocument) -> dict[str, Any]:
    from gateway.outgoing.send import recipient_json

    doc = sent.document
    return {"identifier": doc.identifier, "number": doc.notation, "date": doc.issued_date, "type": doc.type_name,
            "summary": doc.subject, "signer": doc.signer_name, "signed": doc.signed, "state": doc.state,
            "recall_reason": doc.recall_reason, "sent_at": doc.created_at.isoformat(),
            "recipients": [recipient_json(r) for r in sent.recipients], "paper": (doc.plan or {}).get("paper", [])}


def sent_text(row: dict[str, Any]) -> str:
    lines = [f"{row['identifier']:<24} {row['number'] or '-':<18} {row['state']:<9} {row['summary'] or ''}"]
    for r in row["recipients"]:
        number = f" số đến {r['incoming_number']}" if r["incoming_number"] else ""
        reasons = f" ({', '.join(r['reasons'])})" if r["reasons"] else ""
        recall = f" thu hồi: {r['recall']}" if r["recall"] else ""
        processing = f" xử lý: {r['processing']}" if r.get("processing") else ""
        lines.append(f"    {r['state']:<13} {r['name']} <{r['mailbox']}>{number}{reasons}{recall}{processing}")
    return "\n".join(lines)


def recall_text(out: dict[str, Any]) -> str:
    # queued, as every answer is: sent by the daemon when the SMTP server takes it (a newcomer read "sent" while it was down)
    said = f"Đã xếp thông báo thu hồi {out['identifier']} vào hàng gửi đến: {', '.join(out['recall_sent_to']) or '(không ai)'}"
    if out.get("recall_waiting_for"):  # a sender had the letter in hand: the notice goes if the server took it
        said += ("\nĐang gửi văn bản, chờ máy chủ thư trả lời rồi mới gửi thông báo thu hồi, đến: "
                 + ", ".join(out["recall_waiting_for"]))
    if out.get("withheld_from"):  # the letter never left for them: not sent now, nothing to recall (red team 148)
        said += "\nVăn bản chưa đi, nay không gửi nữa, đến: " + ", ".join(out["withheld_from"])
    return said


def resolution_text(out: dict[str, Any], warnings: list[str]) -> str:
    return (f"{out['status']}: " + "; ".join(f"{a['name']} <{a['mailbox']}>" for a in out["agencies"])
            + (f" (gần giống: {', '.join(out['candidates'])})" if out.get("candidates") else "")
            + "".join(f"\n  {message}" for message in warnings))


# crls refresh

def crl_line(out: dict[str, Any]) -> str:
    return f"{'ok ' if out['ok'] else 'LỖI'} {out['url']}: {out['detail']}"


# the desk's people

def person_json(person: PersonRow) -> dict[str, Any]:
    return {"name": person.name, "role": person.role, "unit": person.unit, "disabled": person.disabled,
            "created_at": person.created_at.isoformat(),
            "last_login_at": person.last_login_at.isoformat() if person.last_login_at else None}


def print_people(rows: list[PersonRow]) -> None:
    table = _table("tên", "vai trò", "đơn vị", "tình trạng", "đăng nhập lần cuối")
    for p in rows:
        table.add_row(p.name, p.role, p.unit or "", "đã khóa" if p.disabled else "",
                      p.last_login_at.isoformat()[:16] if p.last_login_at else "")
    _stdout().print(table)


# passing documents on (gateway/passing.py)

def passed_json(passed: Passed) -> dict[str, Any]:
    return {"year": passed.year, "incoming_number": passed.number, "lead": passed.lead, "with": list(passed.co),
            "deadline": passed.deadline.isoformat() if passed.deadline else None, "mailed_to": list(passed.mailed_to),
            "told_sender": passed.told_sender}


def passed_text(passed: Passed) -> str:
    deadline = f", hạn {passed.deadline:%d/%m/%Y}" if passed.deadline else ""
    co = f", phối hợp: {', '.join(passed.co)}" if passed.co else ""
    return f"Đã chuyển số đến {passed.number}/{passed.year}: chủ trì {passed.lead}{co}{deadline}"


def marked_json(marked: Marked) -> dict[str, Any]:
    return {"year": marked.year, "incoming_number": marked.number, "unit": marked.unit, "step": marked.step,
            "told_sender": marked.told_sender}


def marked_text(marked: Marked) -> str:
    step = "đã xử lý xong" if marked.step == "done" else "đã nhận"
    return f"Số đến {marked.number}/{marked.year}: {marked.unit} {step}"


def task_json(task: Task) -> dict[str, Any]:
    return {"year": task.year, "incoming_number": task.number, "unit": task.unit, "unit_name": task.unit_name,
            "role": task.role, "deadline": task.deadline.isoformat() if task.deadline else None, "note": task.note,
            "passed_at": task.passed_at.isoformat(), "passed_by": task.passed_by, "received_by": task.received_by,
            "done_by": task.done_by, "number": task.notation, "summary": task.summary, "secret": task.secret,
            "recalled": task.recalled}


def task_text(task: Task) -> str:
    state = "thu hồi" if task.recalled else "xong" if task.done_by else ("đang xử lý" if task.received_by else "chưa nhận")
    deadline = f" hạn {task.deadline:%d/%m/%Y}" if task.deadline else ""
    what = "văn bản mật" if task.secret else f"{task.notation or ''} {task.summary or ''}".strip()
    return f"{task.number}/{task.year} {task.unit:<10} {task.role:<4} {state:<10}{deadline} {what}"
