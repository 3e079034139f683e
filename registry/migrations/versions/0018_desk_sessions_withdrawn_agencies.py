"""desk_sessions: the desk's sessions recorded in the register, by the SHA-256 of their cookie's token, made at login and
ended at logout; the desk takes a cookie only with a session here not ended, so that the cookie's key, read from the
register or a backup of it, is no login (red team 76). agencies: the directory file each row came from (`source`)
and when it was withdrawn from it (`withdrawn_at`): an agency the file no longer names is not trusted any more, its row
kept for the documents it sent (red team 76: it stayed trusted).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "desk_sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_desk_sessions_person", "desk_sessions", ["person"])
    op.create_index("ix_desk_sessions_started_at", "desk_sessions", ["started_at"])
    # plain ALTER TABLE ADD COLUMN on both databases (no copy of the table, which others refer to)
    op.add_column("agencies", sa.Column("source", sa.String(1000), nullable=True))
    op.add_column("agencies", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("source")
    op.drop_index("ix_desk_sessions_started_at", table_name="desk_sessions")
    op.drop_index("ix_desk_sessions_person", table_name="desk_sessions")
    op.drop_table("desk_sessions")
