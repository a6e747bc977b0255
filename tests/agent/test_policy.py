"""Tests for the next-action policy: a pure function of a lead's snapshot, its sequence and ``now``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.policy import DraftTouch, HandOff, Stop, Wait, next_action
from agent.sequences import Sequence, Step, load_sequences

INQUIRY_AT = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # a Monday afternoon
NEW_LEAD = load_sequences()["new_lead"]


def lead(
    *,
    status: LeadStatus = LeadStatus.ACTIVE,
    email: str | None = "dana.lopez@lunahair.example",
    consent_email: bool = True,
    phone: str | None = None,
    consent_sms: bool = False,
    created_at: datetime | None = INQUIRY_AT,
) -> LeadContext:
    return LeadContext(
        id="lead-1",
        first_name="Dana",
        last_name="Lopez",
        email=email,
        phone=phone,
        company="Luna Hair Studio",
        role="Owner",
        industry="beauty",
        source="web_form",
        need="cut no-shows",
        deal_value=None,
        timezone="America/Chicago",
        consent_email=consent_email,
        consent_sms=consent_sms,
        status=status,
        created_at=created_at,
    )


def event(*, kind: EventType, at: datetime, channel: Channel | None = Channel.EMAIL) -> EventRecord:
    return EventRecord(type=kind, channel=channel, occurred_at=at)


def inquiry(*, at: datetime = INQUIRY_AT) -> EventRecord:
    return event(kind=EventType.INQUIRY, at=at)


def touch(
    *,
    step: int,
    at: datetime,
    state: TouchState = TouchState.SENT,
    sequence: Sequence = NEW_LEAD,
) -> TouchRecord:
    planned = sequence.steps[step]
    return TouchRecord(
        purpose=planned.purpose,
        channel=planned.channel,
        state=state,
        step=step,
        created_at=at,
        sent_at=at if state is TouchState.SENT else None,
        body=f"Message for step {step}",
    )


def snapshot(
    *,
    of: LeadContext | None = None,
    events: tuple[EventRecord, ...] = (inquiry(),),
    touches: tuple[TouchRecord, ...] = (),
    suppressed: frozenset[Channel] = frozenset(),
) -> LeadSnapshot:
    return LeadSnapshot(lead=of or lead(), events=events, touches=touches, suppressed_channels=suppressed)


def day(n: float) -> datetime:
    """``n`` days after the inquiry."""
    return INQUIRY_AT + timedelta(days=n)


def acknowledged() -> tuple[TouchRecord, ...]:
    return (touch(step=0, at=INQUIRY_AT + timedelta(seconds=20)),)


class TestNextAction:
    def test_new_inquiry_drafts_the_acknowledgment_for_auto_send(self) -> None:
        action = next_action(snapshot(), NEW_LEAD, INQUIRY_AT + timedelta(seconds=2))

        assert action == DraftTouch(
            step=0,
            purpose=TouchPurpose.ACKNOWLEDGMENT,
            channel=Channel.EMAIL,
            auto_send=True,
            rules=("sequence.new_lead.step_0.due",),
        )

    def test_after_the_acknowledgment_waits_until_a_day_after_the_inquiry(self) -> None:
        action = next_action(snapshot(touches=acknowledged()), NEW_LEAD, INQUIRY_AT + timedelta(hours=2))

        assert action == Wait(
            until=INQUIRY_AT + timedelta(days=1), rules=("sequence.new_lead.step_1.not_due",)
        )

    def test_at_day_one_drafts_the_value_add(self) -> None:
        action = next_action(snapshot(touches=acknowledged()), NEW_LEAD, day(1))

        assert isinstance(action, DraftTouch)
        assert (action.step, action.purpose, action.channel) == (1, TouchPurpose.VALUE_ADD, Channel.EMAIL)
        assert action.rules == ("sequence.new_lead.step_1.due",)

    def test_pending_review_touch_waits_for_the_review(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1), state=TouchState.PENDING_REVIEW))

        action = next_action(snapshot(touches=touches), NEW_LEAD, day(2))

        assert action == Wait(until=None, rules=("touch.in_flight",))

    @pytest.mark.parametrize("state", [TouchState.QUEUED, TouchState.SENDING])
    def test_queued_or_sending_touch_is_in_flight(self, state: TouchState) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1), state=state))

        action = next_action(snapshot(touches=touches), NEW_LEAD, day(2))

        assert action == Wait(until=None, rules=("touch.in_flight",))

    def test_reply_after_last_touch_hands_off(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1)))
        events = (inquiry(), event(kind=EventType.REPLY, at=day(1.5)))

        action = next_action(snapshot(events=events, touches=touches), NEW_LEAD, day(3))

        assert action == HandOff(reason="direct_reply", rules=("handoff.direct_reply",))

    def test_reply_hands_off_even_while_a_draft_awaits_review(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1), state=TouchState.PENDING_REVIEW))
        events = (inquiry(), event(kind=EventType.REPLY, at=day(1.2)))

        action = next_action(snapshot(events=events, touches=touches), NEW_LEAD, day(1.3))

        assert action == HandOff(reason="direct_reply", rules=("handoff.direct_reply",))

    def test_reply_before_the_last_touch_does_not_hand_off_again(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1)))
        events = (inquiry(), event(kind=EventType.REPLY, at=day(0.5)))

        action = next_action(snapshot(events=events, touches=touches), NEW_LEAD, day(1.5))

        assert action == Wait(until=day(3), rules=("sequence.new_lead.step_2.not_due",))

    def test_second_inquiry_mid_sequence_hands_off(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1)))
        events = (inquiry(), inquiry(at=day(2)))

        action = next_action(snapshot(events=events, touches=touches), NEW_LEAD, day(2.1))

        assert action == HandOff(reason="new_inquiry", rules=("handoff.new_inquiry_mid_sequence",))

    @pytest.mark.parametrize(
        ("status", "rule"),
        [
            (LeadStatus.PAUSED, "lead.paused"),
            (LeadStatus.HANDED_OFF, "lead.handed_off"),
            (LeadStatus.UNSUBSCRIBED, "lead.unsubscribed"),
            (LeadStatus.CLOSED, "lead.closed"),
            (LeadStatus.CONVERTED, "lead.converted"),
        ],
    )
    def test_inactive_lead_stops_with_its_status_rule(self, status: LeadStatus, rule: str) -> None:
        action = next_action(snapshot(of=lead(status=status)), NEW_LEAD, day(1))

        assert action == Stop(reason=rule, rules=(rule,))

    def test_inactive_status_wins_over_a_reply(self) -> None:
        events = (inquiry(), event(kind=EventType.REPLY, at=day(0.5)))

        action = next_action(
            snapshot(of=lead(status=LeadStatus.HANDED_OFF), events=events, touches=acknowledged()),
            NEW_LEAD,
            day(1),
        )

        assert action == Stop(reason="lead.handed_off", rules=("lead.handed_off",))

    def test_all_channels_suppressed_stops(self) -> None:
        action = next_action(snapshot(suppressed=frozenset(Channel)), NEW_LEAD, INQUIRY_AT)

        assert action == Stop(reason="suppressed", rules=("suppression.all_channels",))

    def test_email_suppressed_stops_an_email_step(self) -> None:
        action = next_action(snapshot(suppressed=frozenset({Channel.EMAIL})), NEW_LEAD, INQUIRY_AT)

        assert action == Stop(reason="suppression.email", rules=("suppression.email",))

    def test_sms_suppressed_does_not_stop_an_email_step(self) -> None:
        action = next_action(snapshot(suppressed=frozenset({Channel.SMS})), NEW_LEAD, INQUIRY_AT)

        assert isinstance(action, DraftTouch)
        assert action.channel is Channel.EMAIL

    def test_no_email_address_stops(self) -> None:
        action = next_action(snapshot(of=lead(email=None)), NEW_LEAD, INQUIRY_AT)

        assert action == Stop(reason="channel.email.no_address", rules=("channel.email.no_address",))

    def test_no_email_consent_stops(self) -> None:
        action = next_action(snapshot(of=lead(consent_email=False)), NEW_LEAD, INQUIRY_AT)

        assert action == Stop(reason="consent.email.missing", rules=("consent.email.missing",))

    def test_sms_step_without_sms_consent_stops(self) -> None:
        sms_first = Sequence(
            name="sms_first",
            version=1,
            steps=(Step(purpose=TouchPurpose.ACKNOWLEDGMENT, day=0, channel=Channel.SMS),),
        )

        action = next_action(
            snapshot(of=lead(phone="+15125550100", consent_sms=False)), sms_first, INQUIRY_AT
        )

        assert action == Stop(reason="consent.sms.missing", rules=("consent.sms.missing",))

    def test_imported_lead_skips_the_acknowledgment_and_waits_a_day_from_creation(self) -> None:
        created = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
        imported = snapshot(of=lead(created_at=created), events=())

        action = next_action(imported, NEW_LEAD, created + timedelta(hours=3))

        assert action == Wait(until=created + timedelta(days=1), rules=("sequence.new_lead.step_1.not_due",))

    def test_imported_lead_starts_with_the_value_add_a_day_after_creation(self) -> None:
        created = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
        imported = snapshot(of=lead(created_at=created), events=())

        action = next_action(imported, NEW_LEAD, created + timedelta(days=1))

        assert action == DraftTouch(
            step=1,
            purpose=TouchPurpose.VALUE_ADD,
            channel=Channel.EMAIL,
            auto_send=True,
            rules=("sequence.new_lead.step_1.due",),
        )

    def test_all_steps_done_stops_with_sequence_complete(self) -> None:
        touches = tuple(touch(step=index, at=day(step.day)) for index, step in enumerate(NEW_LEAD.steps))

        action = next_action(snapshot(touches=touches), NEW_LEAD, day(60))

        assert action == Stop(reason="sequence_complete", rules=("sequence.complete",))

    def test_rejected_touch_counts_as_done_for_its_step(self) -> None:
        touches = (*acknowledged(), touch(step=1, at=day(1), state=TouchState.REJECTED))

        action = next_action(snapshot(touches=touches), NEW_LEAD, day(3))

        assert isinstance(action, DraftTouch)
        assert (action.step, action.purpose) == (2, TouchPurpose.SOCIAL_PROOF)

    def test_overdue_steps_are_drafted_one_at_a_time_in_order(self) -> None:
        action = next_action(snapshot(touches=acknowledged()), NEW_LEAD, day(10))

        assert isinstance(action, DraftTouch)
        assert action.step == 1

    def test_check_in_step_goes_to_review(self) -> None:
        touches = tuple(touch(step=index, at=day(NEW_LEAD.steps[index].day)) for index in range(4))

        action = next_action(snapshot(touches=touches), NEW_LEAD, day(14))

        assert action == DraftTouch(
            step=4,
            purpose=TouchPurpose.CHECK_IN,
            channel=Channel.EMAIL,
            auto_send=False,
            rules=("sequence.new_lead.step_4.due",),
        )

    def test_is_a_pure_function_of_its_inputs(self) -> None:
        given = snapshot(touches=acknowledged())

        assert next_action(given, NEW_LEAD, day(1)) == next_action(given, NEW_LEAD, day(1))
