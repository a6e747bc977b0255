"""What the agent would do for a lead at a given time, without doing it.

``touchpoint decide`` and ``GET /v1/leads/{id}/next`` answer "what would it do at T": the decision, the
rules that made it, and the very draft it would write. Nothing is written: the lead is read in a
transaction that is rolled back (read-only on PostgreSQL), the replies the loop would read first are read
in memory, and the draft is made by the real drafting pipeline outside any transaction, as the worker
makes it. A rep can then check a playbook change, or an imported history, before the loop acts on it.

The lead is taken as it is stored now and decided with the clock at ``at``; facts recorded after ``at``
are not rewound. That is what ``touchpoint worker --once --now T`` would decide for it, too.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from agent.db.models import Lead
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.snapshots import load_snapshot
from agent.domain import (
    MACHINE_INTENTS,
    Channel,
    EventType,
    LeadSnapshot,
    LeadStatus,
    ReplyReading,
)
from agent.policy import DraftTouch, HandOff, Stop, Wait, action_details, action_kind, describe
from agent.replies.message import InboundReply
from agent.replies.rules import RuleClassifier
from agent.services import leads, touches
from agent.services.errors import Invalid, NotFound
from agent.timing import zone
from agent.users import Principal

if TYPE_CHECKING:
    from agent.loop import AgentLoop


@dataclass(frozen=True, slots=True)
class DraftPreview:
    """The draft the loop would write, and where it would go: sent by itself, or held for review."""

    subject: str | None
    body: str
    call_to_action: str
    drafter: str
    sources: tuple[str, ...]
    violations: tuple[dict[str, Any], ...]
    route: str  # queued (it would go by itself) | pending_review (a rep would see it first)


@dataclass(frozen=True, slots=True)
class Foresight:
    """The decision for one lead at ``at``, as plain values: nothing in it is tied to a session."""

    lead_id: uuid.UUID
    at: datetime
    action: str  # wait | draft_touch | hand_off | stop
    summary: str
    rules: tuple[str, ...]
    when: datetime | None  # when it happens: ``at`` for a draft, a handoff or a stop; a wait's end
    purpose: str | None
    channel: str | None
    reason: str | None  # a handoff's or a stop's reason
    details: dict[str, object]
    draft: DraftPreview | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for ``touchpoint decide --json``."""
        data = dataclasses.asdict(self)
        data["lead_id"] = str(self.lead_id)
        data["at"] = self.at.isoformat()
        data["when"] = self.when.isoformat() if self.when else None
        data["rules"] = list(self.rules)
        if self.draft is not None:
            data["draft"]["sources"] = list(self.draft.sources)
            data["draft"]["violations"] = list(self.draft.violations)
        return data


def what_next(
    session_factory: sessionmaker[Session],
    loop: AgentLoop,
    lead_ref: uuid.UUID | str,
    *,
    actor: Principal | None,
    at: datetime,
) -> Foresight:
    """The loop's decision for the lead (an id, or for the CLI an email) at ``at``, writing nothing.

    Authorised as a read of the lead (``actor`` None: the system, as the CLI is). A time without a zone
    is refused: "10:00" means a different instant for every lead, and a guess would mislead.
    """
    if at.tzinfo is None:
        raise Invalid("give the time with its zone, e.g. 2026-12-01T10:00:00Z", code="validation")
    with session_factory() as session:
        try:
            _read_only(session)
            lead = _lead(session, lead_ref, actor)
            lead_id = lead.id
            snapshot = load_snapshot(session, lead)
        finally:
            session.rollback()  # nothing was written; and nothing read here may be written by accident
    snapshot = _as_the_step_would(loop, snapshot, at)
    engagement, action = loop.decide(snapshot, at)
    draft = None
    if isinstance(action, DraftTouch):
        # The real pipeline, outside any transaction (a model may take seconds), as the worker drafts.
        request = loop.draft_request(snapshot, action, at)
        outcome = loop.drafting.produce(request)
        state = touches.initial_state(auto_send=action.auto_send, clean=outcome.clean)
        draft = DraftPreview(
            subject=outcome.draft.subject,
            body=outcome.draft.body,
            call_to_action=outcome.draft.call_to_action,
            drafter=outcome.draft.label,
            sources=tuple(outcome.draft.source_ids),
            violations=tuple(v.as_dict() for v in outcome.violations),
            route=state.value,
        )
    return Foresight(
        lead_id=lead_id,
        at=at,
        action=action_kind(action),
        summary=describe(action),
        rules=tuple(action.rules),
        when=action.until if isinstance(action, Wait) else at,
        purpose=_value(getattr(action, "purpose", None)),
        channel=_value(getattr(action, "channel", None)),
        reason=action.reason if isinstance(action, HandOff | Stop) else None,
        details={**action_details(action), "engagement_score": engagement.value},
        draft=draft,
    )


def _read_only(session: Session) -> None:
    """PostgreSQL refuses any write in this transaction; SQLite has no such switch (it is rolled back)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION READ ONLY"))


def _lead(session: Session, ref: uuid.UUID | str, actor: Principal | None) -> Lead:
    """By id, or (a person at a terminal knows the address, not the id) by email."""
    if isinstance(ref, uuid.UUID):
        return leads.get(session, ref, actor)
    try:
        return leads.get(session, uuid.UUID(ref.strip()), actor)
    except ValueError:
        pass
    found = LeadRepository(session).find_by_contact(email=ref.strip(), phone=None) if "@" in ref else None
    if found is None:
        raise NotFound(f"no lead with id or email {ref}", code="lead-not-found")
    return leads.get(session, found.id, actor)


def _as_the_step_would(loop: AgentLoop, snapshot: LeadSnapshot, at: datetime) -> LeadSnapshot:
    """The snapshot a step at ``at`` decides on: unread replies and inquiries read (in memory, with what
    a sure reading silences) and a snooze that is over ended, as ``AgentLoop.step`` does in the store."""
    today = at.astimezone(zone(snapshot.lead.timezone)).date()
    inquiry_reader = loop.classifier if not loop.classifier.uses_model else RuleClassifier()
    readings: dict[str, ReplyReading] = {}
    for event in snapshot.events:
        if event.reading is not None or event.id is None:
            continue
        if event.type is EventType.REPLY:
            readings[event.id] = loop.classifier.classify(_inbound(event), today=today)
        elif event.type is EventType.INQUIRY:
            readings[event.id] = inquiry_reader.classify(_inbound(event), today=today)
    return end_snooze(with_readings(snapshot, readings), at)


def with_readings(snapshot: LeadSnapshot, readings: dict[str, ReplyReading]) -> LeadSnapshot:
    """Pure: the events read, the channels a sure reply silences, the language a reply was written in."""
    if not readings:
        return snapshot
    events = []
    suppressed, unreachable = set(snapshot.suppressed_channels), set(snapshot.unreachable_channels)
    language = snapshot.lead.language
    for event in snapshot.events:
        reading = readings.get(event.id or "")
        if reading is None:
            events.append(event)
            continue
        events.append(dataclasses.replace(event, reading=reading))
        if event.type is not EventType.REPLY:
            continue
        silenced, dead = reading.silences(event.channel or Channel.EMAIL)
        suppressed |= silenced
        unreachable |= dead
        if reading.language and reading.intent not in MACHINE_INTENTS:
            language = reading.language
    return dataclasses.replace(
        snapshot,
        lead=dataclasses.replace(snapshot.lead, language=language),
        events=tuple(events),
        suppressed_channels=frozenset(suppressed),
        unreachable_channels=frozenset(unreachable & suppressed),
    )


def end_snooze(snapshot: LeadSnapshot, at: datetime) -> LeadSnapshot:
    """Pure: a snooze over by ``at`` has ended (the lead active, its open handoffs closed then)."""
    lead = snapshot.lead
    if lead.status is not LeadStatus.PAUSED or lead.paused_until is None or lead.paused_until > at:
        return snapshot
    handoffs = tuple(
        dataclasses.replace(h, status="closed", closed_at=at) if h.status == "open" else h
        for h in snapshot.handoffs
    )
    return dataclasses.replace(
        snapshot,
        lead=dataclasses.replace(lead, status=LeadStatus.ACTIVE, paused_until=None),
        handoffs=handoffs,
    )


def _inbound(event: Any) -> InboundReply:
    payload = event.payload
    return InboundReply(
        message=str(payload.get("message") or ""),
        subject=str(payload["subject"]) if payload.get("subject") else None,
        sender=str(payload["from"]) if payload.get("from") else None,
        channel=event.channel,
    )


def _value(value: object) -> str | None:
    return None if value is None else str(getattr(value, "value", value))
