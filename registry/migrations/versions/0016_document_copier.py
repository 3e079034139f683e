"""register: a certified copy names its copier in a column of its own, so that the issuer's own document is never taken
for the duplicate of a copy of its number (a copy says what its copier pleases under that number: red team 53). The
copies registered before, known by the note their line carries ("Bản sao y … của X"), get theirs. And a document names
the directory's agency of its issuer (`agency_key`), so that its issuer printed otherwise is known (red team 58).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 13:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from registry.register_line import issuer_key

revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DOCUMENTS = sa.table("documents", sa.column("id", sa.Integer), sa.column("description", sa.Text),
                     sa.column("copier", sa.String))
# the notes gateway/intake/pipeline.py wrote for a copy (NĐ 30/2020 Đ25: sao y, sao lục, trích sao)
COPY_NOTES = ("Bản sao y", "Bản sao lục", "Bản trích sao")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("copier", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("agency_key", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_documents_agency_key", ["agency_key"], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.select(DOCUMENTS.c.id, DOCUMENTS.c.description)
                              .where(sa.or_(*(DOCUMENTS.c.description.like(f"{note} %") for note in COPY_NOTES))))
    for id_, note in rows.all():
        copier = note.rsplit(" của ", 1)[-1].strip() if " của " in note else "?"
        connection.execute(sa.update(DOCUMENTS).where(DOCUMENTS.c.id == id_).values(copier=(issuer_key(copier) or "?")[:500]))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_index("ix_documents_agency_key")
        batch_op.drop_column("agency_key")
        batch_op.drop_column("copier")
