"""Searching the incoming register (registry/search.py) on SQLite (FTS5) and PostgreSQL (tsvector):
words without tones or case, đ asked as d, the issuer, the type, numbers, dates, pages; documents
registered before the index existed are found too, and a recall's change is followed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import select

from registry.database import MIGRATIONS, Register
from registry.paper import PaperDocument, register_paper
from registry.search import RegisterQuery, search_register
from servers import postgres

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "000.00.15.H06"
DAY = datetime(2026, 11, 2, 9, 0, tzinfo=VN)

DOCUMENTS = [  # issuer, number, type, summary, days after DAY
    ("UBND tỉnh Bắc Giang", "101/UBND-VP", "Công văn", "V/v tổ chức Hội nghị tổng kết công tác văn thư", 0),
    ("Sở Tài chính tỉnh Bắc Giang", "202/STC-NS", "Công văn", "V/v báo cáo tình hình thực hiện dự toán ngân sách", 1),
    ("Sở Tư pháp tỉnh Bắc Giang", "12/QĐ-STP", "Quyết định",
     "Quyết định về việc ban hành quy chế đánh giá cán bộ theo Quyết định 26/2020/QĐ-UBND và Nghị định/Thông tư", 2),
    ("Đảng ủy khối các cơ quan tỉnh", "7/ĐU", "Thông báo", "Thông báo kết luận của Đảng ủy về công tác đảng viên", 3),
]


def _downgrade(register: Register, revision: str) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with register.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _filled(url: str) -> Register:
    register = Register(url)
    for issuer, number, type_name, summary, days in DOCUMENTS[:2]:
        register_paper(register, AGENCY, PaperDocument(issuer, number, summary, DAY + timedelta(days=days),
                                                       type_name=type_name), actor="test")
    _downgrade(register, "0011")  # the first two registered before the index was made (the rows kept, the index gone)
    register.close()
    register = Register(url)  # migrated to the head again: the index made, the first two in it
    for issuer, number, type_name, summary, days in DOCUMENTS[2:]:
        register_paper(register, AGENCY, PaperDocument(issuer, number, summary, DAY + timedelta(days=days),
                                                       type_name=type_name), actor="test")
    return register


@pytest.fixture
def postgresql_register() -> Iterator[Register]:
    with postgres() as url:
        register = _filled(url)
        yield register
        register.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def register(request: pytest.FixtureRequest, tmp_path) -> Iterator[Register]:  # type: ignore[no-untyped-def]
    if request.param == "postgresql":
        yield request.getfixturevalue("postgresql_register")
        return
    register = _filled(f"sqlite:///{tmp_path / 'qlvb.db'}")
    yield register
    register.close()


def numbers(register: Register, page: int = 1, per_page: int = 50, **asked: object) -> list[int]:
    with register.session() as session:
        found = search_register(session, RegisterQuery(**asked), VN, page=page, per_page=per_page)  # type: ignore[arg-type]
        return [d.arrival_number for d in found.documents]


def test_the_register_is_found_by_words_without_tones(register: Register) -> None:
    assert numbers(register) == [4, 3, 2, 1]
    assert numbers(register, words="hoi nghi tong ket") == [1]
    assert numbers(register, words="HỘI NGHỊ") == [1] == numbers(register, words="Hội   nghị,")
    assert numbers(register, words="ngan sach") == [2]
    assert numbers(register, words="hội nghị ngân sách") == []  # every word, in one summary
    assert numbers(register, words="dang vien") == [4]  # đ asked as d
    assert numbers(register, words="đánh giá") == [3]
    assert numbers(register, words="danh gia") == [3]
    assert numbers(register, words="quy che danh") == [3]  # the last word as typed so far: a prefix
    assert numbers(register, words="van") == [1]  # văn thư; "văn bản" is in no summary
    assert numbers(register, words="\"); DROP TABLE documents; --") == []  # nothing typed is query syntax
    assert numbers(register, issuer="so tai chinh") == [2]
    assert numbers(register, issuer="Bắc Giang") == [3, 2, 1]
    assert numbers(register, issuer="dang uy") == [4]
    assert numbers(register, type_name="quyet dinh") == [3]
    assert numbers(register, type_name="cong van", words="tong ket") == [1]


def test_a_number_and_words_beside_a_slash_are_found_alike_on_both_databases(register: Register) -> None:
    """Red team 65: PostgreSQL's parser kept "26/2020/qd-ubnd" one token (SQLite's splits it) and SQLite's lower() folds
    ASCII only (a number typed "qđ-stp" found nothing); a number is found on its key however either is written."""
    assert numbers(register, words="26/2020/QĐ-UBND") == [3] == numbers(register, words="2020")
    assert numbers(register, words="thông tư") == [3]
    assert numbers(register, number="qđ-stp") == [3] == numbers(register, number="012/QĐ-STP")
    assert numbers(register, number="qd-stp") == [3] == numbers(register, number="12/QD-STP")  # typed without "Đ"
    assert numbers(register, number="101/ubnd-vp") == [1]  # registered before migration 0017, its key made by it
    assert numbers(register, number="_") == [] == numbers(register, number="%")  # typed, not a wildcard


def test_the_register_is_found_by_number_and_dates_a_page_at_a_time(register: Register) -> None:
    assert numbers(register, number="2") == [2]  # the incoming number
    assert numbers(register, number="12") == [3]  # the number of 12/QĐ-STP
    assert numbers(register, number="STC") == [2]  # a part of the số, ký hiệu
    assert numbers(register, start=date(2026, 11, 3), end=date(2026, 11, 4)) == [3, 2]
    assert numbers(register, start=date(2026, 11, 5)) == [4]
    assert numbers(register, per_page=3) == [4, 3, 2] and numbers(register, page=2, per_page=3) == [1]
    with register.session() as session:
        found = search_register(session, RegisterQuery(), VN, page=9, per_page=3)
        assert (found.total, found.page, found.pages) == (4, 2, 2)


def test_a_change_to_a_document_is_followed_by_the_index(register: Register) -> None:
    from registry.models import Document

    with register.session() as session, session.begin():
        document = session.query(Document).filter_by(arrival_number=1).one()
        document.subject = None  # as a recall destroys the summary
        document.created_at = datetime.now(timezone.utc)
    assert numbers(register, words="hoi nghi") == []
    assert numbers(register, issuer="UBND") == [1]


def test_postgresql_asks_the_index(postgresql_register: Register) -> None:
    """The query's expression is the index's own: PostgreSQL can use it (seq scans forbidden, it does).
    (SQLite's FTS5 table is the index itself.)"""
    register = postgresql_register
    from sqlalchemy import text

    from registry.models import Document
    from registry.search import where_words

    with register.session() as session:
        session.execute(text("SET enable_seqscan = off"))
        asked = where_words(select(Document), session, RegisterQuery(words="hoi nghi"))
        compiled = asked.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_documents_search" in plan, plan


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_documents_registered_before_migration_0014_are_found_again_by_issuer_under_its_body(  # type: ignore[no-untyped-def]
        tmp_path, backend: str) -> None:
    """Migration 0014 writes the issuer key of the documents registered before it with the body above the issuer
    ("SỞ TƯ PHÁP / UBND TỈNH BẮC GIANG"), as register_incoming now writes it: a document registered twice is still
    found, and one province's Sở is not another's."""
    from contextlib import nullcontext

    from registry.models import Document
    from registry.register_line import Issue, RegisterLine, earliest_same, register_incoming

    with (postgres() if backend == "postgresql" else nullcontext(f"sqlite:///{tmp_path / 'register.db'}")) as url:
        register = Register(url)
        with register.session() as session, session.begin():
            register_incoming(session, AGENCY, RegisterLine(
                medium="electronic", basis="signature", received_at=DAY, issuer="SỞ TƯ PHÁP", notation="15/STP-VP",
                subject="V/v công tác văn thư", issued_date="2026-10-30", issuer_parent="UBND TỈNH BẮC GIANG"), DAY)
        _downgrade(register, "0013")
        with register.session() as session:
            assert session.scalars(select(Document.issuer_key)).one() == "SO TU PHAP"
        register.close()
        register = Register(url)
        try:
            with register.session() as session:
                assert session.scalars(select(Document.issuer_key)).one() == "SO TU PHAP / UBND TINH BAC GIANG"
                same = earliest_same(session, AGENCY, "another file",
                                     Issue("Sở Tư pháp", "UBND tỉnh Bắc Giang", "15/STP-VP", 2026))
                assert same is not None and same.arrival_number == 1
                for other in (Issue("SỞ TƯ PHÁP", "UBND TỈNH ĐẮK NÔNG", "15/STP-VP", 2026),
                              Issue("SỞ TƯ PHÁP", "UBND TỈNH BẮC GIANG", "15/STP-VP", 2027)):
                    assert earliest_same(session, AGENCY, "another file", other) is None
        finally:
            register.close()
