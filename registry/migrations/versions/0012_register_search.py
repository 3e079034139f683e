"""register: full-text search of the incoming register (issuer, type, summary), without tones or case.

SQLite: an FTS5 table over `documents` (external content, kept by triggers; the unicode61 tokenizer
drops the tones, "remove_diacritics 2"); PostgreSQL: a GIN index on the tsvector of the same columns
folded by qlvb_fold() (translate(), no extension needed). registry/search.py asks both the same way.
A later migration that makes SQLite copy `documents` (batch mode with recreate) must make the
triggers again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 02:30:00

"""
from typing import Sequence, Union

from alembic import op

from registry.search_index import FTS_COLUMNS, POSTGRES_FOLD_SQL, POSTGRES_INDEX_SQL, SQLITE_FTS_TABLE, sqlite_trigger_sql

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        columns = ", ".join(FTS_COLUMNS)
        op.execute(f"CREATE VIRTUAL TABLE {SQLITE_FTS_TABLE} USING fts5({columns}, content='documents', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        for statement in sqlite_trigger_sql():
            op.execute(statement)
        op.execute(f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}) VALUES ('rebuild')")
    else:
        op.execute(POSTGRES_FOLD_SQL)
        op.execute(POSTGRES_INDEX_SQL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {SQLITE_FTS_TABLE}_{name}")
        op.execute(f"DROP TABLE IF EXISTS {SQLITE_FTS_TABLE}")
    else:
        op.execute("DROP INDEX IF EXISTS ix_documents_search")
        op.execute("DROP FUNCTION IF EXISTS qlvb_fold(text)")
