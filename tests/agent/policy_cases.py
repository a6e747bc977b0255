"""Builders of plain snapshots for the pure-core tests (policy, scoring, handoff briefs): each test states
only what matters to it. Times are UTC unless a test says otherwise."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyIntent,
    ReplyReading,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.sequences import load_sequences

SEQUENCES = load_sequences()
NEW_LEAD = SEQUENCES["new_lead"]
# Monday 23 November 2026, 14:30 UTC = 08:30 in Chicago: inside email hours, a business day.
INQUIRY_AT = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
GMAIL_PROXY_AGENT = (
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)"
)
HUMAN_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/17.1"
)
_ids = itertools.count(1)


def day(n: float, *, hours: float = 0) -> datetime:
    """``n`` days (and ``hours``) after the inquiry."""
    return INQUIRY_AT + timedelta(days=n, hours=hours)


def lead(**overrides: Any) -> LeadContext:
    values: dict[str, Any] = {
        "id": "lead-1",
        "first_name": "Dana",
        "last_name": "Lopez",
        "email": "dana.lopez@lunahair.example",
        "phone": None,
        "company": "Luna Hair Studio",
        "role": "Owner",
        "industry": "beauty",
        "source": "web_form",
        "need": "cut no-shows",
        "deal_value": None,
        "timezone": "America/Chicago",
        "consent_email": True,
        "consent_sms": False,
        "status": LeadStatus.ACTIVE,
        "created_at": INQUIRY_AT,
    }
    values.update(overrides)
    if isinstance(values["deal_value"], int):
        values["deal_value"] = Decimal(values["deal_value"])
    return LeadContext(**values)


def event(
    kind: EventType,
    at: datetime,
    *,
    channel: Channel | None = Channel.EMAIL,
    known_at: datetime | None = None,
    **payload: Any,
) -> EventRecord:
    return EventRecord(
        type=kind,
        channel=channel,
        occurred_at=at,
        payload=payload,
        id=f"event-{next(_ids)}",
        recorded_at=known_at or at,
    )


def inquiry(at: datetime = INQUIRY_AT) -> EventRecord:
    return event(EventType.INQUIRY, at, message="We lose Saturday bookings to no-shows. Can you help?")


def reply(
    at: datetime,
    intent: ReplyIntent = ReplyIntent.INTERESTED,
    *,
    text: str = "Yes please, tell me more.",
    returns: date | None = None,
    channel: Channel = Channel.EMAIL,
) -> EventRecord:
    base = event(EventType.REPLY, at, channel=channel, message=text)
    return replace(base, reading=ReplyReading(intent, 0.9, "rules", return_date=returns))


def opened(touch_record: TouchRecord, after: timedelta = timedelta(hours=3), **payload: Any) -> EventRecord:
    assert touch_record.sent_at is not None
    fields = {"touch_id": touch_record.id, "user_agent": HUMAN_AGENT, "ip": "203.0.113.9", **payload}
    return event(EventType.OPEN, touch_record.sent_at + after, **fields)


def visit(at: datetime, url: str = "https://northstar.example/pricing", **payload: Any) -> EventRecord:
    return event(EventType.PAGE_VISIT, at, channel=None, **{"url": url, "user_agent": HUMAN_AGENT, **payload})


def touch(
    step: int,
    at: datetime,
    *,
    state: TouchState = TouchState.SENT,
    sequence: str = "new_lead",
    purpose: TouchPurpose | None = None,
    channel: Channel = Channel.EMAIL,
    rules: tuple[str, ...] = (),
) -> TouchRecord:
    planned = SEQUENCES[sequence].step_at(step)
    return TouchRecord(
        purpose=purpose or (planned.purpose if planned else TouchPurpose.NURTURE),
        channel=channel,
        state=state,
        step=step,
        created_at=at,
        sent_at=at if state is TouchState.SENT else None,
        body=f"Message for step {step}",
        id=f"touch-{next(_ids)}",
        sequence=sequence,
        rules=rules,
    )


def acknowledged() -> TouchRecord:
    return touch(0, INQUIRY_AT + timedelta(seconds=20))


def sent_sequence(*days: float) -> tuple[TouchRecord, ...]:
    """The new-lead steps 0.. sent at the given days after the inquiry (day 0 = 20 s after it)."""
    return tuple(touch(index, day(d) + timedelta(seconds=20)) for index, d in enumerate(days))


def snapshot(
    *,
    of: LeadContext | None = None,
    events: tuple[EventRecord, ...] = (),
    touches: tuple[TouchRecord, ...] = (),
    suppressed: frozenset[Channel] = frozenset(),
    handoffs: tuple[HandoffRecord, ...] = (),
    with_inquiry: bool = True,
    unreachable: frozenset[Channel] = frozenset(),
) -> LeadSnapshot:
    all_events = ((inquiry(),) if with_inquiry else ()) + events
    return LeadSnapshot(
        lead=of or lead(),
        events=tuple(sorted(all_events, key=lambda e: e.occurred_at)),
        touches=touches,
        suppressed_channels=suppressed,
        handoffs=handoffs,
        unreachable_channels=unreachable,
    )
