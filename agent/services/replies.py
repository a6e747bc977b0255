"""A rep's correction of how a reply was read: recorded on the reply and in the audit trail, and exported
as labelled replies to train the reader again (``touchpoint replies export-corrections``).

The correction changes no decision already taken (a handoff stays a handoff, a suppression is lifted
only by the lead); it teaches the next version of the reader.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from agent.db.models import Event
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.events import EventRepository
from agent.domain import NO_HANDOFF_INTENTS, EventType, ReplyIntent, ReplyReading
from agent.services import leads
from agent.services.access import Operation
from agent.services.errors import NotFound
from agent.users import Principal

CORRECTED = "reply.corrected"
SUPPRESSING = frozenset({ReplyIntent.UNSUBSCRIBE, ReplyIntent.BOUNCE_LIKE, ReplyIntent.WRONG_PERSON})


def correct(
    session: Session,
    event_id: uuid.UUID,
    *,
    intent: ReplyIntent,
    actor: Principal,
    now: datetime,
    note: str | None = None,
    lead_id: uuid.UUID | None = None,
) -> Event:
    """Record what a reply really was; ``lead_id``, when given, is the lead the rep is looking at."""
    event = EventRepository(session).get(event_id)
    if event is None or event.type != EventType.REPLY or lead_id not in (None, event.lead_id):
        raise NotFound(f"no reply with id {event_id}", code="reply-not-found")
    leads.get(session, event.lead_id, actor, Operation.ACT)
    before = ReplyReading.from_dict(event.reading).intent.value if event.reading else None
    event.payload = {**event.payload, "corrected_intent": intent.value}
    AuditRepository(session).record(
        action=CORRECTED,
        lead_id=event.lead_id,
        user_id=actor.id,
        reason=note,
        details={"event_id": str(event.id), "from": before, "to": intent.value},
        now=now,
    )
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class LabelledReply:
    """A corrected reply in the corpus's format (``evals/replies/GUIDE.md``)."""

    line: dict[str, Any]


def corrections(session: Session, *, since: datetime) -> Iterator[LabelledReply]:
    """Every reply a rep corrected since ``since`` (the latest correction of each), as a labelled line."""
    latest: dict[str, str] = {}
    for entry in AuditRepository(session).of_action(CORRECTED, since=since):
        latest[str(entry.details["event_id"])] = str(entry.details["to"])
    events = EventRepository(session).by_ids(uuid.UUID(i) for i in latest)
    for event_id, label in latest.items():
        event = events.get(uuid.UUID(event_id))
        if event is None:
            continue  # the lead was erased since
        intent = ReplyIntent(label)
        reading = ReplyReading.from_dict(event.reading) if event.reading else None
        yield LabelledReply(
            {
                "id": f"rep-{event_id}",
                "channel": event.channel or "email",
                "language": reading.language if reading and reading.language else "en",
                "received_at": event.occurred_at.date().isoformat(),
                "subject": event.payload.get("subject"),
                "text": str(event.payload.get("message") or ""),
                "intent": intent.value,
                "other_intents": [],
                "objection_kind": None,
                "handoff": intent not in NO_HANDOFF_INTENTS,
                "suppress": intent in SUPPRESSING,
                "return_date": None,
                "alternate_contact": None,
                "referral": None,
                "injection": bool(reading and reading.injection),
                "injection_target": None,
                "tags": ["rep-correction"],
                "note": "corrected by a rep in Touchpoint",
            }
        )
