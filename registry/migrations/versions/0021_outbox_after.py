"""outbox: a recall notice held until the document mail it recalls is settled (red team 148: a document recalled
before the outbox sent it was mailed anyway, or after its recall)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0021"
down_revision: Union[str, Sequence[str], None] = "0020"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("after_id", sa.Integer(), nullable=True))
        batch.create_index("ix_outbox_after_id", ["after_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_after_id")
        batch.drop_column("after_id")
