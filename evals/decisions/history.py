"""A scenario's lead and history (the import format) as the pure policy's input at ``now``.

The history is recorded as facts, the way the live system records them when they happen: an inquiry, a
touch we sent (or one waiting for review or for sending), an event (a business's own event type
included), a reply read by the shipped reply reader as the live loop reads it (and the suppressions a
sure reading makes), an unsubscribe, a preference-page choice, a rep's status change. Nothing here
decides: the policy does, from the snapshot this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.history_import import INQUIRY_CHANNELS, KNOWN_TYPES
from agent.replies.message import InboundReply
from agent.replies.protocol import ReplyClassifier
from agent.timing import zone
from evals.decisions.cases import (
    EventRecordModel,
    InquiryRecord,
    PreferenceRecord,
    ReplyRecord,
    Scenario,
    StatusRecord,
    TouchRecordModel,
    UnsubscribeRecord,
)

TOUCH_STATES = {
    "sent": TouchState.SENT,
    "awaiting_review": TouchState.PENDING_REVIEW,
    "pending_review": TouchState.PENDING_REVIEW,
    "queued": TouchState.QUEUED,
    "sending": TouchState.SENDING,
    "failed": TouchState.FAILED,
    "cancelled": TouchState.CANCELLED,
}
# Event types the import format names that are records of their own kind, not events.
IN_FLIGHT_EVENT = "draft_pending_review"


@dataclass
class _Builder:
    events: list[EventRecord] = field(default_factory=list)
    touches: list[TouchRecord] = field(default_factory=list)
    suppressed: set[Channel] = field(default_factory=set)
    unreachable: set[Channel] = field(default_factory=set)
    handoffs: list[HandoffRecord] = field(default_factory=list)


def build_snapshot(scenario: Scenario, reader: ReplyClassifier) -> LeadSnapshot:
    """The lead as the store would hold it after importing the history, for a decision at ``now``."""
    lead = scenario.lead
    tz = zone(lead.timezone)
    built = _Builder()
    preferred, frequency = lead.preferred_channel, lead.contact_frequency
    paused_until: datetime | None = None
    history = [r for r in scenario.history if r.at <= scenario.now]
    touch_ids: list[str] = []
    for n, record in enumerate(history):
        ident = f"{scenario.id}:{n}"
        if isinstance(record, InquiryRecord):
            # The inquiry's words are read like a reply's: "can someone call me?" asks for a person.
            channel = INQUIRY_CHANNELS[record.channel]
            inquiry = InboundReply(message=record.text, channel=channel)
            built.events.append(
                EventRecord(
                    EventType.INQUIRY,
                    channel,
                    record.at,
                    {"message": record.text, "source": record.channel},
                    id=ident,
                    reading=reader.classify(inquiry, today=record.at.astimezone(tz).date()),
                )
            )
        elif isinstance(record, TouchRecordModel):
            touch_ids.append(ident)
            state = TOUCH_STATES[record.state]
            built.touches.append(
                TouchRecord(
                    purpose=record.purpose,
                    channel=record.channel,
                    state=state,
                    step=record.step if record.step is not None else -1 - n,
                    created_at=record.at,
                    sent_at=record.at if state is TouchState.SENT else None,
                    body=record.body,
                    source_ids=record.sources,
                    id=ident,
                    sequence=record.sequence,
                    subject=record.subject,
                )
            )
        elif isinstance(record, EventRecordModel):
            _event(built, record, ident, touch_ids)
        elif isinstance(record, ReplyRecord):
            inbound = InboundReply(message=record.text, subject=record.subject, channel=record.channel)
            reading = reader.classify(inbound, today=record.at.astimezone(tz).date())
            payload: dict[str, Any] = {"message": record.text, "subject": record.subject}
            built.events.append(
                EventRecord(EventType.REPLY, record.channel, record.at, payload, id=ident, reading=reading)
            )
            silenced, dead = reading.silences(record.channel)
            built.suppressed |= silenced
            built.unreachable |= dead
            _handled_later(built, record.at, history[n + 1 :])
        elif isinstance(record, UnsubscribeRecord):
            built.suppressed.add(record.channel)
            built.events.append(
                EventRecord(EventType.UNSUBSCRIBE, record.channel, record.at, {"via": record.via}, id=ident)
            )
        elif isinstance(record, PreferenceRecord):
            preferred = record.channel or preferred
            frequency = record.frequency or frequency
            payload = {"channel": record.channel, "frequency": record.frequency}
            built.events.append(
                EventRecord(EventType.PREFERENCE, record.channel, record.at, payload, id=ident)
            )
        elif isinstance(record, StatusRecord):
            _status(built, record)
            paused_until = record.until if record.status is LeadStatus.PAUSED else None
    context = LeadContext(
        id=scenario.id,
        first_name=lead.first_name,
        last_name=lead.last_name,
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
        role=None,
        industry=None,
        source=None,
        need=None,
        deal_value=lead.deal_value,
        timezone=lead.timezone,
        consent_email=lead.consent_email,
        consent_sms=lead.consent_sms,
        status=lead.status,
        inquiry_text=next((r.text for r in history if isinstance(r, InquiryRecord)), None),
        created_at=history[0].at if history else scenario.now,
        paused_until=paused_until if lead.status is LeadStatus.PAUSED else None,
        contact_frequency=frequency,
        preferred_channel=preferred,
        language=lead.language,
    )
    return LeadSnapshot(
        lead=context,
        events=tuple(built.events),
        touches=tuple(built.touches),
        suppressed_channels=frozenset(built.suppressed),
        handoffs=tuple(built.handoffs),
        unreachable_channels=frozenset(built.unreachable),
    )


def _event(built: _Builder, record: EventRecordModel, ident: str, touch_ids: list[str]) -> None:
    if record.type == IN_FLIGHT_EVENT:
        built.touches.append(
            TouchRecord(
                purpose=record.purpose or TouchPurpose.VALUE_ADD,
                channel=record.channel or Channel.EMAIL,
                state=TouchState.PENDING_REVIEW,
                step=record.step if record.step is not None else -1,
                created_at=record.at,
                sent_at=None,
                body="",
                id=ident,
                sequence=record.sequence or "",
            )
        )
        return
    payload: dict[str, Any] = {}
    if record.url:
        payload["url"] = record.url
    if record.user_agent:
        payload["user_agent"] = record.user_agent
    if record.document:
        payload["document"] = record.document
    if record.touch is not None and record.touch < len(touch_ids):
        payload["touch_id"] = touch_ids[record.touch]
    kind = KNOWN_TYPES.get(record.type)
    if kind is None or kind is EventType.BUSINESS:
        payload["name"] = record.type
        kind = EventType.BUSINESS
    channel = record.channel
    if kind is EventType.BOUNCE:
        payload["bounce_type"] = record.bounce_type or "hard"
        channel = channel or Channel.EMAIL
        if payload["bounce_type"] == "hard":
            built.suppressed.add(channel)
            built.unreachable.add(channel)
    if kind is EventType.COMPLAINT:
        built.suppressed |= set(Channel)
    if kind in {EventType.OPEN, EventType.CLICK, EventType.DELIVERED}:
        channel = channel or Channel.EMAIL
    built.events.append(EventRecord(kind, channel, record.at, payload, id=ident))


def _handled_later(built: _Builder, at: datetime, later: list[Any]) -> None:
    """A reply followed by a message of ours or a rep's action was dealt with by a person then."""
    after = next((r for r in later if isinstance(r, TouchRecordModel | StatusRecord)), None)
    if after is not None:
        built.handoffs.append(HandoffRecord("imported_reply", at, status="closed", closed_at=after.at))


def _status(built: _Builder, record: StatusRecord) -> None:
    """A rep's action: a handoff opens one; taking the lead back (active) closes the open ones."""
    if record.status is LeadStatus.HANDED_OFF:
        built.handoffs.append(HandoffRecord("imported", record.at))
    elif record.status in {LeadStatus.ACTIVE, LeadStatus.PAUSED}:
        built.handoffs[:] = [
            HandoffRecord(h.reason, h.created_at, "closed", record.at) if h.status == "open" else h
            for h in built.handoffs
        ]
        built.handoffs.append(HandoffRecord("imported_resume", record.at, "closed", record.at))
