"""Passing a registered document on (Bắc Kạn QĐ 26/2020 Đ9.3), the pure checks: who it may go to, with
what deadline, what a unit may mark, what status the sender hears, when a reminder is due and what a
unit's mail may say. No database here: gateway/passing.py records what these allow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from gateway.config import Unit

Step = Literal["received", "done"]  # a unit marks a document worked on (received), then done
REMIND_DAYS_BEFORE = 1  # the reminder goes out this many days before the deadline, and on it


class PassRefused(ValueError):
    """What the clerk or leader asked cannot be done; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class PassRequest:
    """Pass the document of incoming number `number` of `year` to `lead` (chủ trì) and `co`-ordinating
    units (phối hợp), by `deadline`, with `note` (ý kiến chỉ đạo), on `actor`'s word."""

    year: int
    number: int
    lead: str
    actor: str
    co: tuple[str, ...] = ()
    deadline: date | None = None
    note: str = ""


@dataclass(frozen=True)
class LineState:
    """What the checks need of the register line."""

    recalled: bool
    passed_to: tuple[str, ...]  # unit codes it was passed to already


@dataclass(frozen=True)
class Recipients:
    lead: Unit
    co: tuple[Unit, ...]


@dataclass(frozen=True)
class UnitTask:
    """What a unit holds of a document passed to it, for its marks."""

    role: Literal["lead", "co"]
    received: bool
    done: bool
    recalled: bool = False  # the issuer recalled the document: nothing is left to work on


def check_pass(request: PassRequest, units: Sequence[Unit], line: LineState | None, today: date) -> Recipients:
    """The units it goes to, or PassRefused."""
    where = f"số đến {request.number}/{request.year}"
    if line is None:
        raise PassRefused(f"{where}: không có trong sổ đăng ký văn bản đến")
    # 000 Đ9.2.b: only a registered document is handled; a recalled one is destroyed (NĐ 30/2020 Phụ lục VI)
    if line.recalled:
        raise PassRefused(f"{where}: văn bản đã bị thu hồi, không chuyển được")
    if line.passed_to:
        raise PassRefused(f"{where}: đã chuyển cho {', '.join(line.passed_to)}")
    by_code = {u.code.lower(): u for u in units}
    unknown = [c for c in (request.lead, *request.co) if c.lower() not in by_code]
    if unknown:
        known = ", ".join(u.code for u in units) or "(chưa khai báo units trong cấu hình)"
        raise PassRefused(f"không có đơn vị {', '.join(unknown)}; các đơn vị: {known}")
    # Đ9.3.b: one lead (chủ trì), the others co-ordinate (phối hợp)
    codes = [c.lower() for c in (request.lead, *request.co)]
    if len(set(codes)) != len(codes):
        raise PassRefused("một đơn vị chỉ được giao một lần: chủ trì hoặc phối hợp")
    if request.deadline is not None and request.deadline < today:
        raise PassRefused(f"thời hạn giải quyết {request.deadline:%d/%m/%Y} đã qua")
    return Recipients(by_code[request.lead.lower()], tuple(by_code[c.lower()] for c in request.co))


def check_mark(task: UnitTask | None, step: Step, unit: str, where: str) -> None:
    """Whether the unit may mark the document so; PassRefused otherwise."""
    if task is None:
        raise PassRefused(f"{where}: không được chuyển cho đơn vị {unit}")
    if task.recalled:
        raise PassRefused(f"{where}: văn bản đã bị thu hồi")
    if task.done:
        raise PassRefused(f"{where}: đơn vị {unit} đã xử lý xong")
    if step == "received" and task.received:
        raise PassRefused(f"{where}: đơn vị {unit} đã nhận")


def finishes(role: Literal["lead", "co"], step: Step) -> bool:
    """Whether this mark finishes the document (edXML 06 to its sender): the lead unit's "done";
    Đ9.3.b: the lead (chủ trì) answers for it, the co-ordinating units help."""
    return role == "lead" and step == "done"


def reminder_due(deadline: date | None, today: date, done: bool, reminded: bool,
                 is_workday: Callable[[date], bool] = lambda day: True) -> bool:
    """A unit not done is reminded once, from REMIND_DAYS_BEFORE days before its deadline, or from the last working day
    before that (red team 107: a deadline the first working day after Tết was reminded on a holiday, read on the day)."""
    if deadline is None or done or reminded:
        return False
    remind_from = deadline - timedelta(days=REMIND_DAYS_BEFORE)
    for _ in range(MOST_DAYS_OFF):
        if is_workday(remind_from):
            break
        remind_from -= timedelta(days=1)
    return today >= remind_from


MOST_DAYS_OFF = 31  # days off in a row looked back over (Tết and a weekend: ten at most)


def content_may_be_mailed(secrecy: str | None) -> bool:
    """Whether a unit's mail may carry the document's particulars and file. Đ9.3.a: passing a document
    on keeps its content secret; Đ2.2: a document of state secrets never goes by this electronic way
    (it is registered on paper, passed on by hand and signed for): its mail tells only that it waits."""
    return not secrecy
