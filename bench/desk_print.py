"""Benchmark: the printed register from the desk (GET /register/printed, gateway/web/printed_pages.py)
on a SQLite register of N lines, side by side with the bare work (printed_register + render_pdf, what
`register print` does) in the same run; and, while the desk prints, how long the desk takes to answer
a small request (its stylesheet) on the same event loop: the print runs in a thread, the loop serves.

Usage: python bench/desk_print.py [N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import yaml

from gateway.app import Gateway
from gateway.config import load_config
from gateway.demo.pki import DemoPki
from gateway.printed_register import render_pdf
from gateway.web.app import make_app
from register_search import fill  # type: ignore[import-not-found]  # bench/ on the path when run
from registry import people
from registry.printed import Period, printed_register

AGENCY = {"code": "000.00.15.H06", "name": "Sở Nội vụ tỉnh Bắc Giang", "mailbox": "vanthu@snv.bacgiang.gov.vn"}
PASSWORD = "mật-khẩu-đo-1"


def bare(gateway: Gateway) -> float:
    began = time.perf_counter()
    with gateway.register.session() as db:
        register = printed_register(db, AGENCY["code"], AGENCY["name"], Period(2026), gateway.config.tz)
    render_pdf(register)
    return time.perf_counter() - began


async def from_the_desk(gateway: Gateway) -> tuple[float, list[float]]:
    """The print's time through the desk, and the small requests' times meanwhile."""
    transport = httpx.ASGITransport(app=make_app(gateway))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
        token = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/login")).text)
        assert token is not None
        await client.post("/login", data={"name": "xem", "password": PASSWORD, "csrf": token.group(1), "next": "/"})
        waits: list[float] = []
        done = asyncio.Event()

        async def poke() -> None:
            while not done.is_set():
                began = time.perf_counter()
                assert (await client.get("/static/desk.css")).status_code == 200
                waits.append(time.perf_counter() - began)
                await asyncio.sleep(0.02)
        idle: list[float] = []
        for _ in range(20):  # the small request with nothing else under way
            began = time.perf_counter()
            await client.get("/static/desk.css")
            idle.append(time.perf_counter() - began)
        print(f"  a small request alone: median {statistics.median(idle) * 1000:.1f} ms")
        poking = asyncio.create_task(poke())
        began = time.perf_counter()
        answer = await client.get("/register/printed", params={"year": 2026})
        took = time.perf_counter() - began
        done.set()
        await poking
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF"), answer.status_code
        return took, waits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config_path = Path(folder) / "config.yaml"
        root = DemoPki.create().write(Path(folder) / "pki")["root"]  # a root the configuration must name
        config_path.write_text(yaml.safe_dump({"agency": AGENCY, "database": "sqlite:///qlvb.db",
                                               "trust": {"roots": [str(root)]}}, allow_unicode=True), encoding="utf-8")
        gateway = Gateway.open(load_config(config_path))
        try:
            fill(gateway.register, args.count)
            with gateway.register.session() as db, db.begin():
                people.add_person(db, "xem", "viewer", None, PASSWORD, actor="bench")
            for run in range(args.repeat):
                alone = bare(gateway)
                took, waits = asyncio.run(from_the_desk(gateway))
                print(f"run {run + 1}: {args.count} lines: bare {alone:.2f} s, from the desk {took:.2f} s "
                      f"(ratio {took / alone:.2f}); meanwhile {len(waits)} small requests: median "
                      f"{statistics.median(waits) * 1000:.1f} ms, longest {max(waits) * 1000:.1f} ms")
        finally:
            gateway.close()
    print(f"at {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
