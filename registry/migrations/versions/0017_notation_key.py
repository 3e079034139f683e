"""register: a document's số, ký hiệu as one document's however written (vntext.notation_key: case, "Ð" for "Đ", a
zero-width space, a look-alike dash, the number's leading zeros), so that the same document written otherwise is known,
and a recalled one is not taken in again so (red team 65). The lines registered before get theirs. On PostgreSQL the
search's folding reads "/" as a space (registry/search_index.py), its index made again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 16:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from registry.search_index import POSTGRES_FOLD_SQL
from vntext import notation_key

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOCUMENTS = sa.table("documents", sa.column("id", sa.Integer), sa.column("notation", sa.String),
                     sa.column("notation_key", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("notation_key", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_documents_notation_key", ["notation_key"], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.select(DOCUMENTS.c.id, DOCUMENTS.c.notation).where(DOCUMENTS.c.notation.is_not(None)))
    for id_, notation in rows.all():
        connection.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == id_).values(notation_key=notation_key(notation)[:200]))
    if connection.dialect.name == "postgresql":  # the search's folding reads "/" as a space, as SQLite's index does
        op.execute(POSTGRES_FOLD_SQL.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
        op.execute("REINDEX INDEX ix_documents_search")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_index("ix_documents_notation_key")
        batch_op.drop_column("notation_key")
