"""Changes to the knowledge base made by an admin over the API: each one is in the audit trail.

The change itself is ``knowledge.library``'s (the folder on disk stays the source of truth); this
records who made it. The entry is written (and flushed) before the change, so that if the change
fails the request's rollback takes the entry back too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agent.db.models import ReviewAction
from agent.db.repositories.audit import AuditRepository
from agent.users import Principal
from knowledge.documents import KnowledgeDocument


def record_change(
    session: Session,
    *,
    actor: Principal,
    action: str,
    document: KnowledgeDocument | None,
    document_id: str | None = None,
    now: datetime,
) -> ReviewAction:
    """``action`` is ``knowledge.upload`` or ``knowledge.delete``; add the outcome to ``details`` after."""
    details: dict[str, Any] = {"document_id": document.id if document else document_id}
    if document is not None:
        details |= {
            "type": document.type.value,
            "title": document.title,
            "content_hash": document.content_hash,
        }
    return AuditRepository(session).record(action=action, user_id=actor.id, details=details, now=now)
