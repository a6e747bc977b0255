"""Touches: every drafted or sent message. The atomic claims of the outbox live here as queries; which
state moves to which is decided by ``agent/services/touches.py``, the only code that changes a state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update

from agent.db.models import Touch
from agent.db.repositories.base import RepositoryBase
from agent.domain import UNSENT_STATES, TouchState, Transition


class TouchRepository(RepositoryBase[Touch]):
    model = Touch

    def for_lead(self, lead_id: uuid.UUID) -> list[Touch]:
        query = select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.created_at, Touch.step)
        return list(self.session.scalars(query))

    def held_and_due(self, now: datetime, *, limit: int) -> list[Touch]:
        """Queued touches whose time has come that were decided earlier (by a step before this drain, an
        approval at night, a retry): the lead's hours may have closed or a cap filled since."""
        query = (
            select(Touch)
            .where(Touch.state == TouchState.QUEUED, Touch.send_after.is_not(None), Touch.send_after <= now)
            .order_by(Touch.send_after)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def unsent(self, lead_id: uuid.UUID) -> list[Touch]:
        """The lead's drafts nobody has started sending: waiting for review, or queued."""
        query = select(Touch).where(Touch.lead_id == lead_id, Touch.state.in_(UNSENT_STATES))
        return list(self.session.scalars(query))

    def sendable_ids(self, now: datetime, *, limit: int = 50) -> list[uuid.UUID]:
        query = (
            select(Touch.id)
            .where(Touch.state == TouchState.QUEUED)
            .where((Touch.send_after.is_(None)) | (Touch.send_after <= now))
            .order_by(Touch.created_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim(
        self, touch_id: uuid.UUID, now: datetime, move: Transition, *, message_id: str | None = None
    ) -> bool:
        """Atomically apply ``move`` (queued -> sending) to one touch; exactly one caller wins, on any
        database. A touch held back until ``send_after`` (the lead's quiet hours, a cap, a retry's
        backoff) is not claimed before then, whoever asks. ``message_id``, if given, becomes the
        touch's Message-ID unless it has one (a retry keeps the first attempt's)."""
        extra = {"message_id": func.coalesce(Touch.message_id, message_id)} if message_id else {}
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == move.source)
            .where(or_(Touch.send_after.is_(None), Touch.send_after <= now))
            .values(
                state=move.target,
                claimed_at=now,
                attempts=Touch.attempts + 1,
                updated_at=now,
                version=Touch.version + 1,
                **extra,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def release_stale_claims(self, older_than: datetime, now: datetime, move: Transition) -> int:
        """Apply ``move`` (sending -> queued) to claims left by a crashed sender before the hand-over.

        A claim past its hand-over is left alone: whether it was sent is for the channel to say
        (``stale_handed_over_ids`` and ``reclaim``), never guessed by sending again.
        """
        result = self.session.execute(
            update(Touch)
            .where(Touch.state == move.source, Touch.claimed_at < older_than)
            .where(Touch.handed_over_at.is_(None))
            .values(state=move.target, updated_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    def mark_handed_over(self, touch_id: uuid.UUID, attempt: int, now: datetime) -> bool:
        """Record the hand-over, only for the claim that ``attempt`` names (a fencing token)."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.SENDING, Touch.attempts == attempt)
            .where(Touch.handed_over_at.is_(None))
            .values(handed_over_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def stale_handed_over_ids(self, older_than: datetime, *, limit: int = 50) -> list[uuid.UUID]:
        query = (
            select(Touch.id)
            .where(Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .where(Touch.handed_over_at.is_not(None))
            .order_by(Touch.claimed_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def reclaim(self, touch_id: uuid.UUID, older_than: datetime, now: datetime) -> bool:
        """Take over a stale claim to settle it; exactly one of several workers wins, as with ``claim``."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .values(claimed_at=now, updated_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def latest_by_message_ids(self, message_ids: Sequence[str]) -> Touch | None:
        """The most recent of our messages among ``message_ids`` (an inbound In-Reply-To/References)."""
        if not message_ids:
            return None
        query = (
            select(Touch)
            .where(Touch.message_id.in_(list(message_ids)))
            .order_by(Touch.sent_at.desc().nulls_last(), Touch.created_at.desc())
            .limit(1)
        )
        return self.session.scalar(query)

    def by_provider_message_id(self, provider_message_id: str) -> Touch | None:
        query = select(Touch).where(Touch.provider_message_id == provider_message_id).limit(1)
        return self.session.scalar(query)
