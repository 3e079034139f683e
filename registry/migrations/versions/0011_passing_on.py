"""passing on: registered documents passed to the agency's units (Bắc Kạn QĐ 26/2020 Đ9.3.b), a paper
document's secrecy mark, and the processing status (edXML 04, 05, 06) a recipient told us

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 02:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id"), nullable=False, index=True),
        sa.Column("unit_code", sa.String(32), nullable=False),
        sa.Column("unit_name", sa.String(300), nullable=False),
        sa.Column("mailbox", sa.String(320), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("deadline", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("passed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed_by", sa.String(200), nullable=False),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.String(200), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(200), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("document_id", "unit_code", name="uq_assignments_unit"),
    )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("secrecy", sa.String(20), nullable=True))
    with op.batch_alter_table("outgoing_recipients") as batch:
        batch.add_column(sa.Column("processing", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outgoing_recipients") as batch:
        batch.drop_column("processing")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("secrecy")
    op.drop_table("assignments")
