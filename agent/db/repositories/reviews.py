"""Reps' decisions about drafts, read back from the audit trail: for acceptance rates and eval exports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from agent.db.models import ReviewAction, Touch
from agent.db.repositories.base import RepositoryBase
from agent.metrics import ReviewFact

# What a rep decided about a draft, as the audit trail names it (agent/services/review.py writes these).
REVIEW_ACTIONS = ("approve", "edit_approve", "reject", "regenerate")


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One decision of a rep about a draft, with what it was for (plain data for metrics and exports)."""

    action: str
    touch_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    purpose: str
    channel: str
    reason: str | None
    details: dict[str, Any]
    at: datetime


class ReviewHistory(RepositoryBase[ReviewAction]):
    """What reps did to drafts: approvals, edits (before and after), rejections, regenerations."""

    model = ReviewAction

    def decisions(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[ReviewRecord]:
        query = (
            select(ReviewAction, Touch.purpose, Touch.channel)
            .join(Touch, Touch.id == ReviewAction.touch_id)
            .where(ReviewAction.action.in_(REVIEW_ACTIONS))
        )
        if since is not None:
            query = query.where(ReviewAction.created_at >= since)
        if until is not None:
            query = query.where(ReviewAction.created_at < until)
        rows = self.session.execute(query.order_by(ReviewAction.created_at, ReviewAction.id))
        return [
            ReviewRecord(
                action=action.action,
                touch_id=action.touch_id,
                lead_id=action.lead_id,
                purpose=purpose,
                channel=channel,
                reason=action.reason,
                details=dict(action.details or {}),
                at=action.created_at,
            )
            for action, purpose, channel in rows
        ]

    def facts(self, *, since: datetime | None = None) -> list[ReviewFact]:
        """Reps' decisions as the metrics read them (only the columns they need: cheap per page view)."""
        query = (
            select(ReviewAction.action, Touch.purpose, ReviewAction.touch_id)
            .join(Touch, Touch.id == ReviewAction.touch_id)
            .where(ReviewAction.action.in_(REVIEW_ACTIONS))
        )
        if since is not None:
            query = query.where(ReviewAction.created_at >= since)
        return [
            ReviewFact(action, purpose, str(touch_id))
            for action, purpose, touch_id in self.session.execute(query)
        ]

    def counts(self, *, since: datetime) -> list[tuple[str, str, int]]:
        """(purpose, action, count) of reps' decisions since ``since``: the queue page's acceptance table."""
        query = (
            select(Touch.purpose, ReviewAction.action, func.count())
            .join(Touch, Touch.id == ReviewAction.touch_id)
            .where(ReviewAction.action.in_(REVIEW_ACTIONS), ReviewAction.created_at >= since)
            .group_by(Touch.purpose, ReviewAction.action)
        )
        return [(purpose, action, int(count)) for purpose, action, count in self.session.execute(query)]
