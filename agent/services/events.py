"""Record an engagement event once, then let the agent loop react: the one path every event takes.

The events API (``POST /v1/leads/{id}/events``), the inbound webhooks and the tracking links all come
here, so an open from the pixel, a reply by email and a reply posted by a CRM are treated alike: the
loop, not the edge that heard it, decides what follows (a reply hands the lead to a person).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.db.engine import retrying
from agent.db.models import Event, Lead
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.touches import TouchRepository
from agent.domain import Channel, EventType


class Reacts(Protocol):
    """What recording an event needs of the agent loop: one step for the lead, in the same transaction
    (``agent.loop.AgentLoop`` is the one implementation; naming only this keeps the loop's own imports
    of the services free of a circle)."""

    def step(self, session: Session, lead: Lead, now: datetime) -> object: ...


@dataclass(frozen=True, slots=True)
class NewEvent:
    type: EventType
    channel: Channel | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    occurred_at: datetime | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    event: Event
    created: bool  # False: the key was already stored (possibly for another lead: the caller checks)


def record_event(session: Session, loop: Reacts, lead: Lead, new: NewEvent, now: datetime) -> Recorded:
    """Store ``new`` for ``lead`` unless its idempotency key is known, then run one loop step.

    A concurrent delivery of the same key loses the insert inside a savepoint and is answered with
    the winner's event, so a retried webhook is stored once even when both copies arrive together.
    The lead's row is locked before the event is written (the one lock order of every writer of a
    lead), and a deadlock or a stale row is retried within a savepoint (``retrying``).
    """
    return retrying(lambda: _record_once(session, loop, lead, new, now), what="event")


def _record_once(session: Session, loop: Reacts, lead: Lead, new: NewEvent, now: datetime) -> Recorded:
    with session.begin_nested():
        LeadRepository(session).lock(lead.id)
        return _record(session, loop, lead, new, now)


def _record(session: Session, loop: Reacts, lead: Lead, new: NewEvent, now: datetime) -> Recorded:
    events = EventRepository(session)
    if new.idempotency_key is not None:
        existing = events.by_idempotency_key(new.idempotency_key)
        if existing is not None:
            return Recorded(existing, created=False)
    try:
        with session.begin_nested():
            event = events.add(
                Event(
                    lead_id=lead.id,
                    type=new.type,
                    channel=new.channel,
                    payload=new.payload,
                    occurred_at=new.occurred_at or now,
                    recorded_at=now,
                    idempotency_key=new.idempotency_key,
                )
            )
    except IntegrityError:
        winner = events.by_idempotency_key(new.idempotency_key) if new.idempotency_key else None
        if winner is None:
            raise
        return Recorded(winner, created=False)
    loop.step(session, lead, now)
    return Recorded(event, created=True)


def record_tracking(
    session: Session,
    loop: Reacts,
    touch_id: uuid.UUID,
    event_type: EventType,
    details: dict[str, Any],
    now: datetime,
) -> Recorded | None:
    """An open or a click on one of our emails, as the tracking link saw it (user agent and IP as they
    came: the loop's bot filter decides what they mean). None when the lead asked to be forgotten."""
    touch = TouchRepository(session).get(touch_id)
    lead = LeadRepository(session).get(touch.lead_id) if touch is not None else None
    if lead is None:
        return None
    payload = {"touch_id": str(touch_id), **details}
    return record_event(session, loop, lead, NewEvent(event_type, Channel.EMAIL, payload), now)
