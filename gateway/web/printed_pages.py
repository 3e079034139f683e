"""The desk's printed register (NĐ 30/2020 Phụ lục IV): the register page's form gives the year's
register (or a period of it) as the PDF `register print` writes and the spreadsheet `register export`
writes, as downloads; and the clerk closes a year that is over, as `register close` does, after a
page that asks to confirm. The same functions as the command line (registry/printed.py,
gateway/printed_register.py, gateway/register_sheet.py, registry/closed_years.py), run in a thread:
a PDF of 3,000 lines takes seconds, the event loop serves the others meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gateway.printed_register import render_pdf
from gateway.register_sheet import render_xlsx
from gateway.web.desk import Desk
from registry.closed_years import Closure, close_year, closure, waiting_after_closing, year_over
from registry.printed import Period, PrintedRegister, period_of, printed_register

FORMATS: dict[str, tuple[Callable[[PrintedRegister], bytes], str]] = {
    "pdf": (render_pdf, "pdf"), "xlsx": (render_xlsx, "xlsx")}


def _number(value: object) -> int | None:
    """A whole number as a form writes it; None for anything else ("²" is a digit to str.isdigit, no number to int:
    red team 100's 500)."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) < 6 else None


def _year(value: object) -> int | None:
    year = _number(value)
    return year if year is not None and 1900 < year < 10000 else None


def _period(year: int, start: str | None, end: str | None) -> Period | None:
    try:
        return period_of(year, *(date.fromisoformat(d) if d else None for d in (start, end)))
    except ValueError:
        return None


def routes(desk: Desk) -> list[BaseRoute]:
    # a print is seconds of one core: the desk's others keep the second. Waited for in the event loop, never in a thread
    # (red team 100: 55 prints asked at once each held one of the 40 threads every page and login needs: a login took 10 s)
    one_at_a_time = anyio.Lock()
    gateway = desk.gateway
    config = gateway.config

    def today() -> date:
        return datetime.fromtimestamp(desk.clock(), config.tz).date()
    desk.templates.env.globals["printing_year"] = lambda: today().year

    def made(period: Period, render: Callable[[PrintedRegister], bytes], volume: int) -> bytes:
        with gateway.register.session() as db:
            register = printed_register(db, config.agency.code, config.agency.name, period, config.tz, volume=volume)
        return render(register)

    async def printed(request: Request) -> Response:
        desk.reader(request)
        params = request.query_params
        year, volume = _year(params.get("year")), params.get("volume", "1").strip()
        kind = FORMATS.get(params.get("format", "pdf"))
        period = _period(year, params.get("from"), params.get("to")) if year is not None else None
        volume_number = number if (number := _number(volume)) is not None and 0 < number < 1000 else 1  # quyển số
        if kind is None or period is None:
            desk.flash(request, "Năm hoặc khoảng ngày không đúng (các ngày phải trong năm đã chọn, ngày đầu trước ngày cuối).",
                       "error")
            return desk.redirect("/register")
        render, suffix = kind
        async with one_at_a_time:
            data = await desk.run(made, period, render, volume_number)
        days = "".join(f"-{d:%d%m}" for d in (period.start, period.end) if d is not None)
        return desk.download(data, f"so-den-{period.year}{days}.{suffix}")

    async def close_form(request: Request) -> Response:
        visitor = desk.reader(request, "register")
        year = _year(request.query_params.get("year"))
        if year is None:
            raise HTTPException(404, "Không có năm này.")

        def read() -> Closure | None:
            with gateway.register.session() as db:
                return closure(db, config.agency.code, year)
        return desk.page(request, "register_close.html", visitor, year=year, closed=await desk.run(read),
                         over=year_over(year, today()))

    async def close(request: Request) -> Response:
        visitor, form = await desk.acting(request, "register")
        year = _year(form.get("year"))
        if year is None:
            raise HTTPException(404, "Không có năm này.")
        if not year_over(year, today()):
            desk.flash(request, f"Chưa khóa được sổ năm {year}: năm chưa hết (sổ khóa vào cuối năm).", "error")
            return desk.redirect(f"/register/close?year={year}")

        def act() -> Closure:
            with gateway.register.session() as db, db.begin():
                return close_year(db, config.agency.code, year, actor=visitor.name, now=datetime.now(timezone.utc),
                                  tz=config.tz)
        closed = await desk.run(act)
        desk.flash(request, f"Sổ năm {year} {'đã khóa từ trước' if closed.already else 'đã khóa'}: "
                            f"{desk.when(closed.closed_at)}, {closed.closed_by}"
                            + (waiting_after_closing(closed.waiting) if closed.waiting else "")
                            + ". Tải bản in cuối cùng ở dưới.")
        return desk.redirect(f"/register/close?year={year}")

    return [
        Route("/register/printed", printed, methods=["GET"]),
        Route("/register/close", close_form, methods=["GET"]),
        Route("/register/close", close, methods=["POST"]),
    ]
