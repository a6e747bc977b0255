"""Notifications: one row per handoff, kind and channel, so each is sent once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from agent.db.models import Notification
from agent.db.repositories.base import RepositoryBase


class NotificationRepository(RepositoryBase[Notification]):
    model = Notification

    def claim_new(self, notification: Notification) -> bool:
        """Insert the row that says "this one is being sent"; False if another process already did."""
        try:
            with self.session.begin_nested():
                self.session.add(notification)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def retry_due(self, now: datetime, *, max_attempts: int, limit: int) -> list[Notification]:
        query = (
            select(Notification)
            .where(
                Notification.state == "failed",
                Notification.attempts < max_attempts,
                Notification.next_attempt_at <= now,
            )
            .order_by(Notification.next_attempt_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim_retry(self, notification_id: uuid.UUID, attempts: int) -> bool:
        """Move a failed notification back to sending; exactly one process wins (attempts fences it)."""
        result = self.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.state == "failed",
                Notification.attempts == attempts,
            )
            .values(state="sending", attempts=Notification.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def for_handoff(self, handoff_id: uuid.UUID) -> list[Notification]:
        query = select(Notification).where(Notification.handoff_id == handoff_id)
        return list(self.session.scalars(query.order_by(Notification.created_at)))
