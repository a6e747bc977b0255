"""The metrics as pure functions over plain data: hand-made snapshots, ``now`` and the period passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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
from agent.metrics import (
    CoverageFact,
    HandoffFact,
    MetricsInput,
    Period,
    ReviewFact,
    acceptance_by_purpose,
    compute,
    conversions,
    drop_off,
    follow_up_coverage,
    handoff_stats,
    percentile,
    rates_by_step,
    response_times,
    touches_per_lead,
)
from agent.scoring import ScoringConfig

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday morning
PERIOD = Period(T0, T0 + timedelta(days=30))
PERSON = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/17.1"


def _lead(n: int, *, status: LeadStatus = LeadStatus.ACTIVE, created: datetime = T0) -> LeadContext:
    return LeadContext(
        id=f"lead-{n}",
        first_name="Dana",
        last_name=None,
        email=f"dana{n}@example.com",
        phone=None,
        company=None,
        role=None,
        industry="beauty",
        source="web_form",
        need=None,
        deal_value=None,
        timezone="UTC",
        consent_email=True,
        consent_sms=False,
        status=status,
        created_at=created,
    )


def _sent(
    touch_id: str, at: datetime, *, step: int, purpose: TouchPurpose, channel: Channel = Channel.EMAIL
) -> TouchRecord:
    return TouchRecord(
        purpose=purpose,
        channel=channel,
        state=TouchState.SENT,
        step=step,
        created_at=at,
        sent_at=at,
        body="...",
        id=touch_id,
        sequence="new_lead",
    )


def _event(event_type: EventType, at: datetime, **payload: Any) -> EventRecord:
    return EventRecord(
        type=event_type, channel=Channel.EMAIL, occurred_at=at, payload=payload, recorded_at=at
    )


def _snapshot(
    n: int,
    *,
    asked: datetime | None = T0,
    answered_after: timedelta | None = timedelta(seconds=20),
    touches: tuple[TouchRecord, ...] = (),
    events: tuple[EventRecord, ...] = (),
    status: LeadStatus = LeadStatus.ACTIVE,
) -> LeadSnapshot:
    inquiry = (_event(EventType.INQUIRY, asked, message="Hi"),) if asked else ()
    ack = (
        (_sent(f"ack-{n}", asked + answered_after, step=0, purpose=TouchPurpose.ACKNOWLEDGMENT),)
        if asked and answered_after is not None
        else ()
    )
    return LeadSnapshot(
        lead=_lead(n, status=status, created=asked or T0), events=inquiry + events, touches=ack + touches
    )


class TestPercentile:
    def test_interpolates_between_ranks(self) -> None:
        assert percentile([10, 20, 30, 40], 50) == 25
        assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)

    def test_nothing_measured_is_none_not_zero(self) -> None:
        assert percentile([], 50) is None


class TestResponseTimes:
    def test_p50_p95_and_the_share_answered_within_five_minutes(self) -> None:
        waits = [20, 40, 60, 200, 4000]
        snapshots = [_snapshot(n, answered_after=timedelta(seconds=w)) for n, w in enumerate(waits)]

        result = response_times(snapshots, PERIOD)

        assert (result.leads, result.answered) == (5, 5)
        assert result.p50_seconds == 60
        assert result.p95_seconds == pytest.approx(3240)
        assert result.within_5_minutes == pytest.approx(0.8)

    def test_an_unanswered_inquiry_counts_against_the_share_and_a_rep_reply_counts_as_an_answer(self) -> None:
        rep = _event(EventType.NOTE, T0 + timedelta(minutes=3), kind="rep_reply", message="Called her")
        snapshots = [_snapshot(1, answered_after=None), _snapshot(2, answered_after=None, events=(rep,))]

        result = response_times(snapshots, PERIOD)

        assert (result.leads, result.answered, result.p50_seconds) == (2, 1, 180)
        assert result.within_5_minutes == 0.5
        assert dict(result.buckets)["not answered"] == 1

    def test_imported_leads_and_inquiries_outside_the_period_are_left_out(self) -> None:
        snapshots = [_snapshot(1, asked=None), _snapshot(2, asked=T0 - timedelta(days=1))]

        assert response_times(snapshots, PERIOD).leads == 0


class TestCoverage:
    def test_a_lead_is_covered_by_a_scheduled_action_or_a_touch_in_flight(self) -> None:
        facts = [
            CoverageFact("active", T0, False),
            CoverageFact("active", None, True),
            CoverageFact("new", None, False),
        ]

        coverage = follow_up_coverage(facts)

        assert (coverage.active, coverage.covered) == (3, 2)
        assert coverage.share == pytest.approx(2 / 3)


class TestRatesByStep:
    def test_human_opens_clicks_and_replies_per_step_leave_mail_scanners_out(self) -> None:
        day1 = T0 + timedelta(days=1)
        value = _sent("v1", day1, step=1, purpose=TouchPurpose.VALUE_ADD)
        other = _sent("v2", day1, step=1, purpose=TouchPurpose.VALUE_ADD)
        events = (
            _event(
                EventType.OPEN, day1 + timedelta(hours=2), touch_id="v1", user_agent=PERSON, ip="203.0.113.9"
            ),
            _event(EventType.CLICK, day1 + timedelta(hours=2, minutes=1), touch_id="v1", user_agent=PERSON),
            _event(EventType.REPLY, day1 + timedelta(hours=3), message="Yes please"),
        )
        scanner = (_event(EventType.OPEN, day1 + timedelta(seconds=2), touch_id="v2", user_agent=PERSON),)
        snapshots = [
            _snapshot(1, touches=(value,), events=events),
            _snapshot(2, touches=(other,), events=scanner),
        ]

        steps = {(s.sequence, s.step): s for s in rates_by_step(snapshots, PERIOD, ScoringConfig())}

        value_add = steps[("new_lead", 1)]
        assert (value_add.sent, value_add.opened, value_add.clicked, value_add.replied) == (2, 1, 1, 1)
        assert value_add.open_rate == 0.5 and value_add.reply_rate == 0.5
        assert steps[("new_lead", 0)].sent == 2  # the acknowledgments


class TestTouchesConversionsAndDropOff:
    def test_touches_per_lead_counts_messages_to_leads_who_arrived_in_the_period(self) -> None:
        extra = _sent("v1", T0 + timedelta(days=1), step=1, purpose=TouchPurpose.VALUE_ADD)
        snapshots = [_snapshot(1, touches=(extra,)), _snapshot(2), _snapshot(3, answered_after=None)]

        result = touches_per_lead(snapshots, PERIOD)

        assert (result.leads, result.sent, result.mean) == (3, 3, 1.0)
        assert dict(result.histogram) == {"0": 1, "1": 1, "2": 1, "3": 0, "4": 0, "5": 0, "6+": 0}

    def test_conversions_are_purchases_or_converted_leads(self) -> None:
        bought = _event(EventType.PURCHASE, T0 + timedelta(days=9))
        snapshots = [
            _snapshot(1, events=(bought,)),
            _snapshot(2, status=LeadStatus.CONVERTED),
            _snapshot(3),
            _snapshot(4),
        ]

        result = conversions(snapshots, PERIOD)

        assert (result.leads, result.converted, result.rate) == (4, 2, 0.5)

    def test_drop_off_tells_who_went_on_who_is_on_the_way_and_who_stopped_at_each_step(self) -> None:
        day1 = _sent("v", T0 + timedelta(days=1), step=1, purpose=TouchPurpose.VALUE_ADD)
        snapshots = [
            _snapshot(1, touches=(day1,)),  # went on to step 1
            _snapshot(2, status=LeadStatus.UNSUBSCRIBED),  # stopped after the acknowledgment
            _snapshot(3),  # waiting for step 1
        ]

        rows = {row.step: row for row in drop_off(snapshots)}

        ack = rows[0]
        assert (ack.reached, ack.continued, ack.in_progress, ack.stopped_here) == (3, 1, 1, 1)
        assert ack.stopped_as == (("unsubscribed", 1),)
        assert rows[1].reached == 1


class TestHandoffs:
    def test_compliance_counts_answers_within_the_target_and_open_ones_already_late(self) -> None:
        now = T0 + timedelta(days=2)
        due = T0 + timedelta(hours=1)
        handoffs = [
            HandoffFact("direct_reply", T0, due, responded_at=T0 + timedelta(minutes=30)),
            HandoffFact("direct_reply", T0, due, closed_at=T0 + timedelta(hours=3)),
            HandoffFact("hot_score", T0, due),  # still open, target missed
            HandoffFact("hot_score", T0, now + timedelta(hours=1)),  # still open, in time
        ]

        stats = handoff_stats(handoffs, now)

        assert (
            stats.answered_in_time,
            stats.answered_late,
            stats.waiting_breached,
            stats.waiting_in_time,
        ) == (
            1,
            1,
            1,
            1,
        )
        assert stats.compliance == pytest.approx(1 / 3)
        assert stats.by_reason == (("direct_reply", 2), ("hot_score", 2))


class TestAcceptance:
    def test_per_purpose_approved_unchanged_over_everything_decided(self) -> None:
        reviews = [
            ReviewFact("approve", "value_add"),
            ReviewFact("approve", "value_add"),
            ReviewFact("edit_approve", "value_add"),
            ReviewFact("reject", "value_add"),
            ReviewFact("regenerate", "value_add"),
            ReviewFact("reject", "pricing"),
        ]

        rows = {a.purpose: a for a in acceptance_by_purpose(reviews)}

        assert (rows["value_add"].approved, rows["value_add"].edited, rows["value_add"].rejected) == (2, 1, 1)
        assert rows["value_add"].regenerated == 1
        assert rows["value_add"].rate == 0.5
        assert rows["pricing"].rate == 0.0


class TestFollowUpScore:
    def test_each_category_is_measured_and_explained(self) -> None:
        bought = _event(EventType.PURCHASE, T0 + timedelta(days=5))
        after = _sent(
            "onb", T0 + timedelta(days=6), step=0, purpose=TouchPurpose.NURTURE, channel=Channel.SMS
        )
        edited = _sent("v1", T0 + timedelta(days=1), step=1, purpose=TouchPurpose.VALUE_ADD)
        data = MetricsInput(
            period=PERIOD,
            now=T0 + timedelta(days=10),
            snapshots=(_snapshot(1, touches=(edited,)), _snapshot(2, events=(bought,), touches=(after,))),
            coverage=(CoverageFact("active", T0, False), CoverageFact("active", None, False)),
            reviews=(ReviewFact("edit_approve", "value_add", "v1"),),
        )

        score = compute(data).score
        parts = {p.name: p for p in score.parts}

        assert parts["Response speed"].points == 20  # every inquiry answered in 20 s
        assert parts["Consistency"].points == 10  # one of two active leads has a next touch
        assert parts["Communication"].points == pytest.approx(13.3)  # email and text, no phone
        assert parts["Automation"].points == 15  # 3 of 4 messages went out as written
        assert parts["Retention"].points == 20  # the customer heard from us after buying
        assert score.total == pytest.approx(78.3)
        assert "20 s" in parts["Response speed"].explanation

    def test_what_cannot_be_measured_says_so_and_scores_nothing(self) -> None:
        score = compute(MetricsInput(period=PERIOD, now=T0, snapshots=())).score

        assert score.total == 0
        assert all(not p.measured for p in score.parts if p.name != "Communication")

    def test_the_whole_result_is_json(self) -> None:
        import json

        data = MetricsInput(period=PERIOD, now=T0, snapshots=(_snapshot(1),))

        assert json.loads(json.dumps(compute(data).as_dict()))["follow_up_score"]["total"] >= 0
