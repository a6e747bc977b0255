"""Events: what happened to a lead, each stored once (the idempotency key is unique)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from agent.db.models import Event
from agent.db.repositories.base import RepositoryBase


class EventRepository(RepositoryBase[Event]):
    model = Event

    def by_idempotency_key(self, key: str) -> Event | None:
        return self.session.scalar(select(Event).where(Event.idempotency_key == key))

    def has_idempotency_key(self, key: str) -> bool:
        """Whether an event with this key is stored: its id only, for a caller that never reads the
        event (loading the whole row, payload and all, costs more than the query)."""
        return self.session.scalar(select(Event.id).where(Event.idempotency_key == key)) is not None

    def for_lead(self, lead_id: uuid.UUID) -> list[Event]:
        query = select(Event).where(Event.lead_id == lead_id).order_by(Event.occurred_at, Event.recorded_at)
        return list(self.session.scalars(query))
