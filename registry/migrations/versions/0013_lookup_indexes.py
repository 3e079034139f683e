"""register: indexes for what is looked up for every mail or every page, so that nothing reads a
table that grows for years: the alerts to a clerk (each quarantined mail); a document's
acknowledgement (a peer gateway told of it); who else refers to a file a recall
destroys (a mail's file, a document we sent); an action's audit entries since a time (alerts held
back, the digest, logouts); a mail's and a document's history (the desk); an outgoing file already
sent (each file of the clerk's folder); the documents registered since the digest and those passed
on, not done, due soon (the desk's landing page, the reminders).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:20:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_outbox_kind_recipient", "outbox", ["kind", "recipient"])
    op.create_index("ix_outbox_document_id", "outbox", ["document_id"])
    op.create_index("ix_document_files_sha256", "document_files", ["sha256"])
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.create_index("ix_audit_log_mail_id", "audit_log", ["mail_id"])
    op.create_index("ix_audit_log_document_id", "audit_log", ["document_id"])
    op.create_index("ix_outgoing_documents_original_sha256", "outgoing_documents", ["original_sha256"])
    op.create_index("ix_outgoing_documents_pdf_sha256", "outgoing_documents", ["pdf_sha256"])
    op.create_index("ix_outgoing_documents_draft_sha256", "outgoing_documents", ["draft_sha256"])
    op.create_index("ix_documents_created_at", "documents", ["created_at"])
    op.create_index("ix_assignments_open_deadline", "assignments", ["done_at", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_assignments_open_deadline", table_name="assignments")
    op.drop_index("ix_documents_created_at", table_name="documents")
    op.drop_index("ix_outgoing_documents_draft_sha256", table_name="outgoing_documents")
    op.drop_index("ix_outgoing_documents_pdf_sha256", table_name="outgoing_documents")
    op.drop_index("ix_outgoing_documents_original_sha256", table_name="outgoing_documents")
    op.drop_index("ix_audit_log_document_id", table_name="audit_log")
    op.drop_index("ix_audit_log_mail_id", table_name="audit_log")
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
    op.drop_index("ix_document_files_sha256", table_name="document_files")
    op.drop_index("ix_outbox_document_id", table_name="outbox")
    op.drop_index("ix_outbox_kind_recipient", table_name="outbox")
