"""outgoing register: sent documents, their recipients and answers, the yearly sequence; the sender's document id on
incoming documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 00:09:06.736547

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:

    op.create_table('outgoing_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.Column('notation', sa.String(length=200), nullable=True),
    sa.Column('issued_date', sa.String(length=10), nullable=True),
    sa.Column('type_name', sa.String(length=100), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signer_position', sa.String(length=300), nullable=True),
    sa.Column('filename', sa.String(length=500), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('original_sha256', sa.String(length=64), nullable=False),
    sa.Column('draft_sha256', sa.String(length=64), nullable=True),
    sa.Column('draft_filename', sa.String(length=500), nullable=True),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('recall_reason', sa.Text(), nullable=True),
    sa.Column('recalled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_code', 'pdf_sha256', name='uq_outgoing_pdf'),
    sa.UniqueConstraint('agency_code', 'year', 'sequence', name='uq_outgoing_sequence'),
    sa.UniqueConstraint('identifier')
    )
    with op.batch_alter_table('outgoing_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_documents_notation'), ['notation'], unique=False)

    op.create_table('outgoing_series',
    sa.Column('agency_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('agency_code', 'year')
    )
    op.create_table('outgoing_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('agency_code', sa.String(length=32), nullable=False),
    sa.Column('agency_name', sa.String(length=300), nullable=False),
    sa.Column('mailbox', sa.String(length=320), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('incoming_number', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('recall', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['outgoing_documents.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'agency_code', name='uq_outgoing_recipient')
    )
    with op.batch_alter_table('outgoing_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_recipients_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_recipients_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_recipients_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_recipients_state'), ['state'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('peer_document_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_peer_document_id'), ['peer_document_id'], unique=False)



def downgrade() -> None:

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_peer_document_id'))
        batch_op.drop_column('peer_document_id')

    with op.batch_alter_table('outgoing_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_recipients_state'))
        batch_op.drop_index(batch_op.f('ix_outgoing_recipients_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_recipients_message_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_recipients_document_id'))

    op.drop_table('outgoing_recipients')
    op.drop_table('outgoing_series')
    with op.batch_alter_table('outgoing_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_documents_notation'))

    op.drop_table('outgoing_documents')
