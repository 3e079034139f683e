"""register: the years of the incoming register closed (printed, signed, closed: no paper entry
added afterwards)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 02:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "closed_years",
        sa.Column("agency_code", sa.String(32), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("closed_years")
