"""The audit trail: what people (and the loop, for handoffs) did to leads and drafts, and why."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from agent.db.models import ReviewAction
from agent.db.repositories.base import RepositoryBase


class AuditRepository(RepositoryBase[ReviewAction]):
    model = ReviewAction

    def record(
        self,
        *,
        action: str,
        now: datetime,
        lead_id: uuid.UUID | None = None,
        touch_id: uuid.UUID | None = None,
        user_id: uuid.UUID | None = None,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> ReviewAction:
        return self.add(
            ReviewAction(
                action=action,
                lead_id=lead_id,
                touch_id=touch_id,
                user_id=user_id,
                reason=reason,
                details=details or {},
                created_at=now,
            )
        )

    def of_action(self, action: str, *, since: datetime) -> list[ReviewAction]:
        query = (
            select(ReviewAction)
            .where(ReviewAction.action == action, ReviewAction.created_at >= since)
            .order_by(ReviewAction.created_at, ReviewAction.id)
        )
        return list(self.session.scalars(query))

    def for_lead(self, lead_id: uuid.UUID) -> list[ReviewAction]:
        query = (
            select(ReviewAction)
            .where(ReviewAction.lead_id == lead_id)
            .order_by(ReviewAction.created_at, ReviewAction.id)
        )
        return list(self.session.scalars(query))
