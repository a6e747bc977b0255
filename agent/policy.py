"""The next-action policy: a pure function of a lead's snapshot, its sequence and ``now``.

It returns what to do next and the ids of the rules that decided it, so every decision can be
explained on the review page and replayed in evals. No I/O, no clock: ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from agent.domain import Channel, EventType, LeadSnapshot, LeadStatus, TouchPurpose, TouchState
from agent.sequences import Sequence, Step

INACTIVE_STATUSES = {
    LeadStatus.PAUSED: "lead.paused",
    LeadStatus.HANDED_OFF: "lead.handed_off",
    LeadStatus.CONVERTED: "lead.converted",
    LeadStatus.CLOSED: "lead.closed",
    LeadStatus.UNSUBSCRIBED: "lead.unsubscribed",
}
OPEN_TOUCH_STATES = {TouchState.PENDING_REVIEW, TouchState.QUEUED, TouchState.SENDING}


@dataclass(frozen=True, slots=True)
class Wait:
    until: datetime | None  # None: nothing will happen until something else does (a review, an event)
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DraftTouch:
    step: int
    purpose: TouchPurpose
    channel: Channel
    auto_send: bool
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HandOff:
    reason: str
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Stop:
    reason: str
    rules: tuple[str, ...]


Action = Wait | DraftTouch | HandOff | Stop


def next_action(snapshot: LeadSnapshot, sequence: Sequence, now: datetime) -> Action:
    lead = snapshot.lead
    if lead.status in INACTIVE_STATUSES:
        rule = INACTIVE_STATUSES[lead.status]
        return Stop(reason=rule, rules=(rule,))
    if set(Channel) <= snapshot.suppressed_channels:
        return Stop(reason="suppressed", rules=("suppression.all_channels",))

    last_outbound = max((t.created_at for t in snapshot.touches), default=None)
    replies = [e for e in snapshot.events if e.type is EventType.REPLY]
    # A reply at the very instant of our last message still came in after it was decided: hand off.
    if replies and (last_outbound is None or replies[-1].occurred_at >= last_outbound):
        return HandOff(reason="direct_reply", rules=("handoff.direct_reply",))
    inquiries = [e for e in snapshot.events if e.type is EventType.INQUIRY]
    if last_outbound is not None and inquiries and inquiries[-1].occurred_at > last_outbound:
        return HandOff(reason="new_inquiry", rules=("handoff.new_inquiry_mid_sequence",))

    if any(t.state in OPEN_TOUCH_STATES for t in snapshot.touches):
        return Wait(until=None, rules=("touch.in_flight",))

    done_steps = {t.step for t in snapshot.touches}
    # An imported lead never wrote to us: there is nothing to acknowledge, so its sequence starts after.
    skip_ack = not inquiries
    remaining = [
        (index, step)
        for index, step in enumerate(sequence.steps)
        if index not in done_steps and not (skip_ack and step.purpose is TouchPurpose.ACKNOWLEDGMENT)
    ]
    if not remaining:
        return Stop(reason="sequence_complete", rules=("sequence.complete",))
    index, step = remaining[0]

    channel_problem = _channel_problem(snapshot, step)
    if channel_problem is not None:
        return Stop(reason=channel_problem, rules=(channel_problem,))

    due = _anchor(snapshot) + timedelta(days=step.day)
    if due > now:
        return Wait(until=due, rules=(f"sequence.{sequence.name}.step_{index}.not_due",))
    return DraftTouch(
        step=index,
        purpose=step.purpose,
        channel=step.channel,
        auto_send=step.auto_send,
        rules=(f"sequence.{sequence.name}.step_{index}.due",),
    )


def _anchor(snapshot: LeadSnapshot) -> datetime:
    """Sequence days count from the first inquiry (for imported leads, from when we first knew them)."""
    inquiries = [e.occurred_at for e in snapshot.events if e.type is EventType.INQUIRY]
    if inquiries:
        return min(inquiries)
    times = [e.occurred_at for e in snapshot.events] + [t.created_at for t in snapshot.touches]
    if snapshot.lead.created_at is not None:
        times.append(snapshot.lead.created_at)
    if times:
        return min(times)
    raise ValueError("a lead with no creation time and no events has no sequence anchor")


def _channel_problem(snapshot: LeadSnapshot, step: Step) -> str | None:
    lead = snapshot.lead
    if step.channel in snapshot.suppressed_channels:
        return f"suppression.{step.channel.value}"
    if step.channel is Channel.EMAIL and not lead.email:
        return "channel.email.no_address"
    if step.channel is Channel.EMAIL and not lead.consent_email:
        return "consent.email.missing"
    if step.channel is Channel.SMS and not (lead.phone and lead.consent_sms):
        return "consent.sms.missing"
    return None
