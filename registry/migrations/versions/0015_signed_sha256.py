"""register: a document's signed revision is known by its SHA-256 (what its last intact signature covers), so that a
replay of a signed document with bytes appended is a duplicate even when its number is left blank for the signature's
stamp (an unproven sender had it registered again and its issuer acknowledged, mail after mail).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 11:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("signed_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_documents_signed_sha256", ["signed_sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_index("ix_documents_signed_sha256")
        batch_op.drop_column("signed_sha256")
