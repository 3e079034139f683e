"""Which rows of the register still refer to a file of the content store, so that a file is
destroyed (a recall, NĐ 30/2020 Phụ lục VI) only once nothing else needs it: the same PDF may be
another agency's registered document, an attachment of another mail, or a document we sent. A recall's
files are destroyed after its transaction commits, never inside it: should it roll back, the document
stays whole; the files a process died before destroying are destroyed at the next start."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry import audit
from registry.models import AuditEntry, Document, DocumentFile, Mail, OutgoingDocument
from registry.store import ContentStore


def references(session: Session, digest: str) -> int:
    """How many rows refer to this file, as the caller's transaction sees them (its own changes flushed)."""
    queries = [
        select(func.count()).select_from(DocumentFile).where(DocumentFile.sha256 == digest),
        select(func.count()).select_from(Mail).where(Mail.sha256 == digest, Mail.stored.is_(True)),
        select(func.count()).select_from(Document).where(Document.pdf_sha256 == digest),
        select(func.count()).select_from(OutgoingDocument).where(or_(
            OutgoingDocument.pdf_sha256 == digest, OutgoingDocument.original_sha256 == digest,
            OutgoingDocument.draft_sha256 == digest)),
    ]
    return sum(session.scalar(q) or 0 for q in queries)


def destroy_unreferenced(session: Session, store: ContentStore, digests: Iterable[str]) -> list[str]:
    """Destroy each of these files that no row refers to any more, once the caller has deleted or
    cleared its own rows (flushed here, in its transaction); returns those destroyed. The others stay."""
    session.flush()
    destroyed = []
    for digest in dict.fromkeys(digests):
        if references(session, digest) == 0 and store.destroy(digest):
            destroyed.append(digest)
    return destroyed


TO_DESTROY, DESTROYED = "files-to-destroy", "files-destroyed"


# NĐ 30/2020 Phụ lục VI: a recalled document's files are destroyed, once the recall is recorded.
def destroy_after_commit(session: Session, document_id: int, digests: Iterable[str]) -> None:
    """These files are to be destroyed once the caller's transaction commits (`destroy_pending`)."""
    audit.record(session, TO_DESTROY, document_id=document_id, files=list(dict.fromkeys(digests)))


def destroy_pending(session: Session, store: ContentStore) -> list[str]:
    """Destroy, in the caller's transaction, the files of every committed recall not destroyed yet, each
    only if no row refers to it any more; returns those destroyed. Run again, it destroys nothing twice."""
    done = {entry.details.get("of") for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == DESTROYED))}
    destroyed: list[str] = []
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == TO_DESTROY).order_by(AuditEntry.id)).all():
        if entry.id not in done:
            gone = destroy_unreferenced(session, store, entry.details.get("files") or [])
            audit.record(session, DESTROYED, document_id=entry.document_id, of=entry.id, destroyed=gone)
            destroyed.extend(gone)
    return destroyed
