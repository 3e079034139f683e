"""Benchmark: the desk's search of the incoming register (registry/search.py) on a SQLite register of
N documents, side by side with the bare FTS5 query on the same database, and with reading every row
and matching the folded words in Python (what the search did before the index).

Usage: python bench/register_search.py [N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from registry.database import Register
from registry.models import Document
from registry.search import RegisterQuery, search_register
from vntext import fold

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WORDS = ("tổ chức hội nghị tổng kết công tác văn thư lưu trữ báo cáo tình hình thực hiện dự toán ngân sách "
         "kế hoạch triển khai cải cách hành chính quyết định ban hành quy chế đánh giá cán bộ đảng viên "
         "phòng chống thiên tai tuyển dụng công chức đào tạo bồi dưỡng kiểm tra giám sát").split()
ISSUERS = ["UBND tỉnh Bắc Giang", "Sở Tài chính tỉnh Bắc Giang", "Sở Tư pháp tỉnh Bắc Giang", "Đảng ủy khối các cơ quan tỉnh"]


def fill(register: Register, count: int) -> None:
    rng = random.Random(7)
    start = datetime(2026, 1, 2, 8, 0, tzinfo=timezone.utc)
    rows = [{"agency_code": "000.00.15.H06", "year": 2026, "arrival_number": n, "arrival_date": start + timedelta(minutes=n),
             "medium": "paper", "organ_name": rng.choice(ISSUERS), "notation": f"{n}/XX", "type_name": "Công văn",
             "subject": "V/v " + " ".join(rng.choice(WORDS) for _ in range(12)), "language": "vi",
             "recalled": False, "created_at": start} for n in range(1, count + 1)]
    with register.session() as session, session.begin():
        session.execute(insert(Document), rows)


def python_scan(register: Register, words: str) -> int:
    wanted = fold(words).split()
    with register.session() as session:
        return sum(1 for d in session.scalars(select(Document))
                   if all(w in fold(d.subject or "") for w in wanted))


def timed(work, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qlvb.db"
        register = Register(f"sqlite:///{path}")
        fill(register, args.count)
        bare = sqlite3.connect(path)
        print(f"{args.count} documents; median of {args.repeat} runs")
        for words in ("hoi nghi tong ket", "ngan sach", "dang vien"):
            def ours() -> int:
                with register.session() as session:
                    return search_register(session, RegisterQuery(words=words), VN, per_page=50).total

            match = " AND ".join(f'"{w}"' if "d" not in w else f'("{w}" OR "{w.replace("d", "đ", 1)}")'
                                 for w in fold(words).lower().split())
            bare_query = (f"SELECT count(*) FROM documents_search WHERE documents_search MATCH '{{subject}} : ({match})'")
            t_ours, n_ours = timed(ours, args.repeat)
            t_bare, n_bare = timed(lambda: bare.execute(bare_query).fetchone()[0], args.repeat)
            t_scan, n_scan = timed(lambda: python_scan(register, words), max(1, args.repeat // 3))
            print(f"  {words!r}: ours {t_ours * 1000:.1f} ms ({n_ours} found, a page of 50 loaded), bare FTS5 count "
                  f"{t_bare * 1000:.1f} ms ({n_bare}), ratio {t_ours / t_bare:.1f}; Python scan {t_scan * 1000:.0f} ms "
                  f"({n_scan}, substrings)")
        register.close()


if __name__ == "__main__":
    main()
