"""The collect step of the agent loop: a lead's rows read into one immutable ``LeadSnapshot``.

The pure core (policy, scoring, metrics) reasons about these snapshots, never about rows. Many leads'
snapshots are read in four queries (a worker tick decides for hundreds at once).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.db.models import Event, Handoff, Lead, Suppression, Touch
from agent.domain import (
    Channel,
    ContactFrequency,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyReading,
    TouchPurpose,
    TouchRecord,
    TouchState,
    normalise_email,
    person_name,
)

ALL_CHANNELS = "all"
# Suppression reasons that say the address is no way to the lead (dead, or someone else's), not that
# its owner opted out.
DEAD_ADDRESS_REASONS = frozenset({"hard_bounce", "bounce_reply", "permanent_failure", "wrong_person"})
T = TypeVar("T")


def lead_context(lead: Lead, *, inquiry_text: str | None = None) -> LeadContext:
    return LeadContext(
        id=str(lead.id),
        first_name=person_name(lead.first_name),
        last_name=person_name(lead.last_name),
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
        role=lead.role,
        industry=lead.industry,
        source=lead.source,
        need=lead.need,
        deal_value=lead.deal_value,
        timezone=lead.timezone,
        consent_email=lead.consent_email,
        consent_sms=lead.consent_sms,
        status=LeadStatus(lead.status),
        inquiry_text=inquiry_text,
        created_at=lead.created_at,
        sequence=lead.sequence,
        sequence_started_at=lead.sequence_started_at,
        sequence_step_base=lead.sequence_step_base or 0,
        paused_until=lead.paused_until,
        contact_frequency=ContactFrequency(lead.contact_frequency or ContactFrequency.NORMAL),
        preferred_channel=Channel(lead.preferred_channel) if lead.preferred_channel else None,
        language=lead.language,
    )


def load_snapshot(session: Session, lead: Lead) -> LeadSnapshot:
    """The collect step of the agent loop: one typed, immutable view of a lead for the pure core."""
    return load_snapshots(session, [lead])[lead.id]


def load_snapshots(session: Session, leads: Sequence[Lead]) -> dict[uuid.UUID, LeadSnapshot]:
    """Snapshots of many leads in four queries (events, touches, handoffs, suppressions), for a tick."""
    ids = [lead.id for lead in leads]
    events: dict[uuid.UUID, list[EventRecord]] = {lead_id: [] for lead_id in ids}
    touches: dict[uuid.UUID, list[TouchRecord]] = {lead_id: [] for lead_id in ids}
    handoffs: dict[uuid.UUID, list[HandoffRecord]] = {lead_id: [] for lead_id in ids}
    inquiry_texts: dict[uuid.UUID, str] = {}
    event_columns = (Event.lead_id, Event.id, Event.type, Event.channel, Event.occurred_at, Event.recorded_at)
    touch_columns = (
        Touch.lead_id, Touch.id, Touch.sequence, Touch.step, Touch.purpose, Touch.channel, Touch.state,
        Touch.created_at, Touch.sent_at, Touch.subject, Touch.body, Touch.call_to_action, Touch.sources,
        Touch.decision_rules,
    )  # fmt: skip
    for chunk in chunks(ids):
        event_rows = session.execute(
            select(*event_columns, Event.payload, Event.reading)
            .where(among(Event.lead_id, chunk))
            .order_by(Event.occurred_at, Event.recorded_at)
        )
        for row in event_rows:
            events[row.lead_id].append(_event_record(row))
            if row.type == EventType.INQUIRY:
                inquiry_texts[row.lead_id] = str(row.payload.get("message") or "")
        touch_rows = session.execute(
            select(*touch_columns).where(among(Touch.lead_id, chunk)).order_by(Touch.created_at, Touch.step)
        )
        for row in touch_rows:
            touches[row.lead_id].append(_touch_record(row))
        handoff_rows = session.execute(
            select(Handoff.lead_id, Handoff.reason, Handoff.created_at, Handoff.status, Handoff.closed_at)
            .where(among(Handoff.lead_id, chunk))
            .order_by(Handoff.created_at)
        )
        for row in handoff_rows:
            handoffs[row.lead_id].append(HandoffRecord(row.reason, row.created_at, row.status, row.closed_at))
    return _assemble(session, leads, events, touches, handoffs, inquiry_texts)


def new_lead_snapshot(session: Session, lead: Lead, events: Sequence[Event]) -> LeadSnapshot:
    """``load_snapshot`` of a lead inserted in this very transaction, with ``events``, the events this
    transaction gave it: nothing else can point at a row no other transaction can see yet, so it has
    no other events, no touches and no handoffs, and only its addresses' suppressions are read (one
    query instead of four, on every new lead's inquiry)."""
    records = [_event_record(event) for event in sorted(events, key=lambda e: (e.occurred_at, e.recorded_at))]
    texts: dict[uuid.UUID, str] = {}
    for record in records:
        if record.type == EventType.INQUIRY:
            texts[lead.id] = str(record.payload.get("message") or "")  # the latest, as ``load_snapshots``
    return _assemble(session, [lead], {lead.id: records}, {lead.id: []}, {lead.id: []}, texts)[lead.id]


def _assemble(
    session: Session,
    leads: Sequence[Lead],
    events: dict[uuid.UUID, list[EventRecord]],
    touches: dict[uuid.UUID, list[TouchRecord]],
    handoffs: dict[uuid.UUID, list[HandoffRecord]],
    inquiry_texts: dict[uuid.UUID, str],
) -> dict[uuid.UUID, LeadSnapshot]:
    """The snapshots of ``leads`` from their rows, with their addresses' suppressions read here."""
    addresses = [a for lead in leads for a in (normalise_email(lead.email), lead.phone) if a]
    suppressed = suppressions_by_address(session, addresses) if addresses else {}
    snapshots: dict[uuid.UUID, LeadSnapshot] = {}
    for lead in leads:
        own = {a: suppressed[a] for a in (normalise_email(lead.email), lead.phone) if a and a in suppressed}
        blocked, dead = suppressed_channels(own, email=lead.email, phone=lead.phone)
        snapshots[lead.id] = LeadSnapshot(
            lead=lead_context(lead, inquiry_text=inquiry_texts.get(lead.id) or None),
            events=tuple(events[lead.id]),
            touches=tuple(touches[lead.id]),
            suppressed_channels=blocked,
            handoffs=tuple(handoffs[lead.id]),
            unreachable_channels=dead,
        )
    return snapshots


def suppressed_channels(
    by_address: dict[str, dict[str, str]], *, email: str | None, phone: str | None
) -> tuple[frozenset[Channel], frozenset[Channel]]:
    """What suppressions of a lead's addresses block ("all" everything, an SMS opt-out calls too), and
    which of those only because the address is dead: the policy tells an unreachable lead from one who
    opted out."""
    reasons: dict[Channel, set[str]] = {}
    for address, kinds in by_address.items():
        if ALL_CHANNELS in kinds:
            return frozenset(Channel), frozenset()
        if Channel.EMAIL in kinds and address == normalise_email(email):
            reasons.setdefault(Channel.EMAIL, set()).add(kinds[Channel.EMAIL])
        if Channel.SMS in kinds and address == phone:
            for channel in (Channel.SMS, Channel.PHONE):
                reasons.setdefault(channel, set()).add(kinds[Channel.SMS])
    dead = frozenset(channel for channel, why in reasons.items() if why <= DEAD_ADDRESS_REASONS)
    return frozenset(reasons), dead


def among(column: Any, values: list[Any]) -> Any:
    """``column IN values``; one value as ``=``, which skips SQLAlchemy's costly IN expansion per call."""
    return column == values[0] if len(values) == 1 else column.in_(values)


def chunks(values: list[T], size: int = 1000) -> Iterable[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _event_record(row: Any) -> EventRecord:
    return EventRecord(
        type=EventType(row.type),
        channel=Channel(row.channel) if row.channel else None,
        occurred_at=row.occurred_at,
        payload=dict(row.payload),
        id=str(row.id),
        recorded_at=row.recorded_at,
        reading=ReplyReading.from_dict(row.reading) if row.reading else None,
    )


def _touch_record(row: Any) -> TouchRecord:
    return TouchRecord(
        purpose=TouchPurpose(row.purpose),
        channel=Channel(row.channel),
        state=TouchState(row.state),
        step=row.step,
        created_at=row.created_at,
        sent_at=row.sent_at,
        body=row.body,
        source_ids=tuple(str(source["id"]) for source in row.sources),
        id=str(row.id),
        sequence=row.sequence,
        subject=row.subject,
        call_to_action=row.call_to_action,
        rules=tuple(row.decision_rules or ()),
    )


def suppressions_by_address(session: Session, addresses: Iterable[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for chunk in chunks(list(addresses)):
        rows = session.execute(
            select(Suppression.address, Suppression.channel, Suppression.reason).where(
                among(Suppression.address, chunk)
            )
        )
        for address, channel, reason in rows:
            found.setdefault(address, {})[channel] = reason
    return found
