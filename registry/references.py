"""Which rows of the register still refer to a file of the content store, so that a file is
destroyed (a recall, NĐ 30/2020 Phụ lục VI) only once nothing else needs it: the same PDF may be
another agency's registered document, an attachment of another mail, or a document we sent. A recall's
files are destroyed after its transaction commits, never inside it: should it roll back, the document
stays whole; the files a process died before destroying are destroyed at the next start."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry import audit, locks
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


@dataclass(frozen=True)
class Destruction:
    destroyed: list[str]  # the files destroyed
    failed: list[tuple[str, str]]  # a file the store would not let go, and why: tried again at the next call


def destroy_unreferenced(session: Session, store: ContentStore, digests: Iterable[str]) -> Destruction:
    """Destroy each of these files that no row refers to any more (the caller's changes flushed here, in its
    transaction): those destroyed, and those the store would not let go, with why. The others stay."""
    session.flush()
    done = Destruction([], [])
    for digest in dict.fromkeys(digests):
        if references(session, digest) == 0:
            try:
                if store.destroy(digest):
                    done.destroyed.append(digest)
            except OSError as exc:  # a file the gateway may not delete (another user's folder): tried again
                done.failed.append((digest, f"{type(exc).__name__}: {exc.strerror or exc}"))
    return done


TO_DESTROY, DESTROYED = "files-to-destroy", "files-destroyed"
_DUE = "qlvb.destruction-due"  # in a session's info: it wrote files to destroy once it commits
LOCK_WAIT_MS = 2000  # how long a destruction waits for the transactions in flight (then: the next recall or start)


def hold_files(session: Session) -> None:
    """Before a transaction writes a file to the store or checks that it is there, for rows it will refer to it:
    no file is destroyed until it commits (on PostgreSQL a shared lock that `destroy_pending` waits for; SQLite's
    write transactions are one at a time already). Without it, a recall committed meanwhile destroyed the file
    the transaction had found there (red team 27)."""
    locks.hold(session, locks.FILES, shared=True)


# NĐ 30/2020 Phụ lục VI: a recalled document's files are destroyed, once the recall is recorded.
def destroy_after_commit(session: Session, document_id: int | None, digests: Iterable[str]) -> None:
    """These files are to be destroyed once the caller's transaction commits (`destroy_pending`), each only
    if no row refers to it then."""
    audit.record(session, TO_DESTROY, document_id=document_id, files=list(dict.fromkeys(digests)))
    session.info[_DUE] = True


def destruction_due(session: Session) -> bool:
    """Whether the session's transaction asked for files to be destroyed once it commits."""
    return bool(session.info.get(_DUE))


def destroy_pending(session: Session, store: ContentStore) -> Destruction:
    """Destroy, in the caller's transaction, the files of every committed recall not destroyed yet, each
    only if no row refers to it any more. Run again, it destroys nothing twice; a file the store will
    not let go leaves its recall's entry to the next call, never the others."""
    # waited for a moment only: a process killed in its recording leaves its transaction holding the shared lock while
    # it waits on another's (a number series held); the caller tries again later (LockNotAvailable)
    locks.hold(session, locks.FILES, wait_ms=LOCK_WAIT_MS)
    done = {entry.details.get("of") for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == DESTROYED))}
    result = Destruction([], [])
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == TO_DESTROY).order_by(AuditEntry.id)).all():
        if entry.id in done:
            continue
        this = destroy_unreferenced(session, store, entry.details.get("files") or [])
        result.destroyed.extend(this.destroyed)
        result.failed.extend(this.failed)
        if not this.failed:
            audit.record(session, DESTROYED, document_id=entry.document_id, of=entry.id, destroyed=this.destroyed)
    return result
