"""The desk's pages for passing documents on (Bắc Kạn QĐ 26/2020 Đ9.3.b, gateway/passing.py): a
document's "pass on" form for the clerk and the leader, and a unit's page listing what was passed to
its unit, where its people mark a document received and done."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gateway import passing
from gateway.passing_rules import PassRefused, PassRequest, Step
from gateway.web.desk import Desk, NavItem
from registry.models import Assignment, Document

STEPS: dict[str, Step] = {"received": "received", "done": "done"}


def _int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise HTTPException(404) from None
    if abs(number) >= 2**31:  # more than the register's integers hold
        raise HTTPException(404)
    return number


def routes(desk: Desk) -> list[BaseRoute]:
    gateway = desk.gateway
    desk.nav.append(NavItem("/unit", "Văn bản được giao", "unit-work"))

    def read(document_id: int) -> tuple[Document, list[Assignment]]:
        with gateway.register.session() as db:
            document = db.get(Document, document_id)
            if document is None or document.agency_code != gateway.config.agency.code:  # ours only (red team 155)
                raise HTTPException(404, "Không có văn bản này trong sổ.")
            given = db.scalars(select(Assignment).where(Assignment.document_id == document_id).order_by(Assignment.id))
            return document, list(given)

    async def pass_form(request: Request) -> Response:
        visitor = desk.reader(request, "pass-on")
        document, given = await desk.run(read, _int(request.path_params["document_id"]))
        return desk.page(request, "pass_on.html", visitor, d=document, given=given, units=gateway.config.units,
                         secret=bool(document.secrecy))

    async def pass_on(request: Request) -> Response:
        visitor, form = await desk.acting(request, "pass-on")
        document_id = _int(request.path_params["document_id"])
        document, _ = await desk.run(read, document_id)
        lead = str(form.get("lead") or "")
        co = tuple(str(c) for c in form.getlist("with") if c and c != lead)
        typed = str(form.get("deadline") or "").strip()
        try:
            deadline = date.fromisoformat(typed) if typed else None
        except ValueError:  # refused, as `pass --deadline` refuses it (red team 83: passed with no deadline at all)
            desk.flash(request, f"Không chuyển được: hạn giải quyết '{typed[:20]}' không phải là một ngày (năm-tháng-ngày)",
                       "error")
            return desk.redirect(f"/documents/{document_id}/pass")
        request_ = PassRequest(document.year, document.arrival_number, lead, visitor.name, co, deadline,
                               str(form.get("note") or "").strip())
        try:
            passed = await desk.run(passing.pass_on, gateway, request_)
        except PassRefused as exc:
            desk.flash(request, f"Không chuyển được: {exc}", "error")
            return desk.redirect(f"/documents/{document_id}/pass")
        names = {u.code: u.name for u in gateway.config.units}
        desk.flash(request, f"Đã chuyển số đến {passed.number}/{passed.year}: {names[passed.lead]} chủ trì"
                            + "".join(f", {names[c]} phối hợp" for c in passed.co) + ".")
        return desk.redirect(f"/documents/{document_id}/pass")

    def unit_now(code: str | None) -> passing.UnitNow | None:
        """The person's unit as the configuration has it now (passing.UnitNow); None: no unit of that code now."""
        units = gateway.config.units
        return next((passing.UnitNow(u.name, str(u.mailbox), sum(
            str(o.mailbox).lower() == str(u.mailbox).lower() for o in units) == 1) for u in units
            if code and u.code.lower() == code.lower()), None)

    async def unit_page(request: Request) -> Response:
        visitor = desk.reader(request, "unit-work")
        now = unit_now(visitor.unit)
        tasks = await desk.run(passing.tasks, gateway, visitor.unit, None, now) if visitor.unit and now else []
        return desk.page(request, "unit_tasks.html", visitor, tasks=tasks)

    async def unit_mark(request: Request) -> Response:
        visitor, _ = await desk.acting(request, "unit-work")
        step = STEPS.get(request.path_params["step"])
        now = unit_now(visitor.unit)
        if step is None or not visitor.unit or now is None:
            raise HTTPException(404)
        year, number = _int(request.path_params["year"]), _int(request.path_params["number"])
        try:
            await desk.run(passing.mark, gateway, year, number, visitor.unit, step, visitor.name, None, now)
            desk.flash(request, f"Số đến {number}/{year}: {'đã xử lý xong' if step == 'done' else 'đã nhận'}.")
        except PassRefused as exc:
            desk.flash(request, f"Không đánh dấu được: {exc}", "error")
        return desk.redirect("/unit")

    return [
        Route("/documents/{document_id}/pass", pass_form, methods=["GET"]),
        Route("/documents/{document_id}/pass", pass_on, methods=["POST"]),
        Route("/unit", unit_page, methods=["GET"]),
        Route("/unit/{year}/{number}/{step}", unit_mark, methods=["POST"]),
    ]
