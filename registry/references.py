"""Which rows of the register still refer to a file of the content store, so that a file is
destroyed (a recall, NĐ 30/2020 Phụ lục VI) only once nothing else needs it: the same PDF may be
another agency's registered document, an attachment of another mail, or a document we sent."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry.models import Document, DocumentFile, Mail, OutgoingDocument
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
