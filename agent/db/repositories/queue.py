"""The review queue: drafts waiting for a rep, most urgent first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select

from agent.db.models import Lead, Touch
from agent.db.repositories.base import Page, RepositoryBase
from agent.domain import TouchPurpose, TouchState


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which drafts a rep looks at: their own leads and unowned ones ("mine") or everyone's ("team")."""

    user_id: uuid.UUID
    scope: str = "mine"  # mine | team
    sequence: str | None = None
    channel: str | None = None
    purpose: str | None = None

    def owned(self, owner: Any) -> Any:
        return or_(owner == self.user_id, owner.is_(None))


@dataclass(frozen=True, slots=True)
class QueueRow:
    touch: Touch
    lead: Lead


class QueueRepository(RepositoryBase[Touch]):
    model = Touch

    def page(
        self, where: QueueFilter, *, hot_score: float, limit: int = 50, offset: int = 0
    ) -> Page[QueueRow]:
        """Drafts waiting for review, most urgent first: hot leads' drafts, then a new lead's
        acknowledgment, then everything else; within each, the oldest first (the most overdue against
        the review target, which is the same for all of them)."""
        conditions: list[Any] = [Touch.state == TouchState.PENDING_REVIEW]
        if where.scope != "team":
            conditions.append(where.owned(Lead.owner_id))
        if where.sequence:
            conditions.append(Touch.sequence == where.sequence)
        if where.channel:
            conditions.append(Touch.channel == where.channel)
        if where.purpose:
            conditions.append(Touch.purpose == where.purpose)
        joined = select(Touch, Lead).join(Lead, Lead.id == Touch.lead_id).where(*conditions)
        count = (
            self.session.scalar(
                select(func.count())
                .select_from(Touch)
                .join(Lead, Lead.id == Touch.lead_id)
                .where(*conditions)
            )
            or 0
        )
        hot = case((Lead.engagement_score >= hot_score, 0), else_=1)
        first_answer = case((Touch.purpose == TouchPurpose.ACKNOWLEDGMENT, 0), else_=1)
        rows = self.session.execute(
            joined.order_by(hot, first_answer, Touch.created_at, Touch.id).limit(limit).offset(offset)
        )
        return Page([QueueRow(touch, lead) for touch, lead in rows], count)

    def drafts(self, touch_ids: Sequence[uuid.UUID]) -> list[QueueRow]:
        rows = self.session.execute(
            select(Touch, Lead).join(Lead, Lead.id == Touch.lead_id).where(Touch.id.in_(list(touch_ids)))
        )
        return [QueueRow(touch, lead) for touch, lead in rows]
