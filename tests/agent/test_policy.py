"""The next-action policy, table by table, on a simulated clock: days of a lead's life in milliseconds.

Every case is plain data in, a decision out; nothing here touches a database or the wall clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from agent.domain import (
    Channel,
    ContactFrequency,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyIntent,
    RiskTier,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.policy import (
    COMPOSED_ACKNOWLEDGMENT,
    DEADLINE_MISSED,
    DEFAULT_CONFIG,
    Action,
    DraftTouch,
    HandOff,
    PolicyConfig,
    Stop,
    Wait,
    decision_key,
    describe,
    next_action,
    outdated_by,
)
from agent.timing import Cap, Hours, step_due
from tests.agent.policy_cases import (
    GMAIL_PROXY_AGENT,
    HUMAN_AGENT,
    INQUIRY_AT,
    SEQUENCES,
    acknowledged,
    day,
    event,
    inquiry,
    lead,
    opened,
    reply,
    sent_sequence,
    snapshot,
    touch,
    visit,
)

LOOSE_CAPS = replace(
    DEFAULT_CONFIG,
    caps=(Cap("cap.day", 5, timedelta(days=1)), Cap("cap.week", 20, timedelta(days=7))),
)


def decide(given: LeadSnapshot, now: datetime, config: PolicyConfig = DEFAULT_CONFIG) -> Action:
    return next_action(given, SEQUENCES, now, config)


class Life:
    """A lead's life on a simulated clock: the policy decides, and the world does what it says at once
    (a drafted touch is sent on the spot, an enrolment is stored), until the horizon or a stop."""

    def __init__(
        self,
        of: LeadContext,
        *,
        start: datetime = INQUIRY_AT,
        config: PolicyConfig = DEFAULT_CONFIG,
        events: tuple[EventRecord, ...] = (),
    ) -> None:
        self.lead = of
        self.now = start
        self.config = config
        self.events = [inquiry(start), *events]
        self.touches: list[TouchRecord] = []
        self.decisions: list[tuple[datetime, Action]] = []

    def snapshot(self) -> LeadSnapshot:
        events = tuple(
            sorted((e for e in self.events if e.occurred_at <= self.now), key=lambda e: e.occurred_at)
        )
        return LeadSnapshot(lead=self.lead, events=events, touches=tuple(self.touches))

    def run(self, *, days: float) -> list[tuple[datetime, DraftTouch]]:
        horizon = self.now + timedelta(days=days)
        while self.now <= horizon:
            action = next_action(self.snapshot(), SEQUENCES, self.now, self.config)
            self.decisions.append((self.now, action))
            enroll = getattr(action, "enroll", None)
            if enroll is not None:
                self.lead = replace(
                    self.lead,
                    sequence=enroll.sequence,
                    sequence_started_at=enroll.started_at,
                    sequence_step_base=enroll.step_base,
                )
            if isinstance(action, DraftTouch):
                sent = TouchRecord(
                    purpose=action.purpose,
                    channel=action.channel,
                    state=TouchState.SENT,
                    step=action.step,
                    created_at=self.now,
                    sent_at=self.now,
                    body="…",
                    id=f"sim-{len(self.touches)}",
                    sequence=action.sequence,
                    rules=action.rules,
                )
                self.touches.append(sent)
                continue
            if isinstance(action, Wait) and action.until is not None:
                assert action.until > self.now, f"a wait must move time forward: {action}"
                self.now = min(action.until, horizon + timedelta(seconds=1))
                continue
            break
        return [(at, a) for at, a in self.decisions if isinstance(a, DraftTouch)]


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


class TestALeadsLife:
    def test_the_new_lead_sequence_unfolds_then_nurture_follows_monthly(self) -> None:
        life = Life(lead())

        drafts = life.run(days=95)

        plan = [(local(at, "America/Chicago").date(), a.purpose, a.sequence) for at, a in drafts]
        assert plan == [
            (date(2026, 11, 23), TouchPurpose.ACKNOWLEDGMENT, "new_lead"),
            (date(2026, 11, 24), TouchPurpose.VALUE_ADD, "new_lead"),
            (date(2026, 11, 26), TouchPurpose.SOCIAL_PROOF, "new_lead"),
            (date(2026, 11, 30), TouchPurpose.FAQ, "new_lead"),
            (date(2026, 12, 7), TouchPurpose.BREAKUP, "new_lead"),
            (date(2026, 12, 23), TouchPurpose.NURTURE, "new_lead"),
            (date(2027, 1, 22), TouchPurpose.NURTURE, "nurture"),
            (date(2027, 2, 22), TouchPurpose.NURTURE, "nurture"),  # 21 Feb is a Sunday: B2B waits for Monday
        ]

    def test_every_follow_up_lands_in_business_hours_on_a_weekday_of_the_lead(self) -> None:
        drafts = Life(lead(timezone="Asia/Tokyo")).run(days=95)

        follow_ups = [
            local(at, "Asia/Tokyo") for at, a in drafts if a.purpose is not TouchPurpose.ACKNOWLEDGMENT
        ]
        assert len(follow_ups) == 7
        assert all(time(8, 0) <= at.time() < time(20, 0) and at.weekday() < 5 for at in follow_ups)

    def test_the_acknowledgment_goes_out_at_any_hour(self) -> None:
        night = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 02:00 in Chicago

        drafts = Life(lead(), start=night).run(days=0.5)

        assert (drafts[0][0], drafts[0][1].purpose) == (night, TouchPurpose.ACKNOWLEDGMENT)
        assert "timing.acknowledgment_any_hour" in drafts[0][1].rules

    @pytest.mark.parametrize(
        ("inquiry_channel", "expected"),
        [
            (Channel.SMS, "timing.acknowledgment_answers_their_text"),  # they texted: answer at once
            (None, "timing.quiet_hours.sms"),  # a web form with SMS consent: a text waits for 09:00
        ],
    )
    def test_a_text_acknowledgment_at_night_goes_only_to_a_lead_who_texted(
        self, inquiry_channel: Channel | None, expected: str
    ) -> None:
        night = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 02:00 in Chicago
        texter = lead(email=None, phone="+13125550100", consent_sms=True)
        texted = event(EventType.INQUIRY, night, channel=inquiry_channel, message="group bookings?")

        action = decide(snapshot(of=texter, events=(texted,), with_inquiry=False), night)

        assert expected in action.rules
        if inquiry_channel is Channel.SMS:
            assert isinstance(action, DraftTouch) and action.channel is Channel.SMS
        else:
            assert isinstance(action, Wait)

    def test_the_steps_go_out_at_the_same_local_time_across_a_dst_change(self) -> None:
        # Monday 2 March 2026, 09:00 in New York (EST); clocks go forward on Sunday 8 March.
        start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
        life = Life(lead(timezone="America/New_York"), start=start, config=LOOSE_CAPS)

        drafts = life.run(days=8)

        faq = next(at for at, a in drafts if a.purpose is TouchPurpose.FAQ)
        assert faq == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # 09:00 EDT: an hour earlier in UTC
        assert local(faq, "America/New_York").time() == time(9, 0)

    def test_a_rolling_weekly_cap_holds_the_day_seven_step_past_a_dst_change(self) -> None:
        start = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)

        life = Life(lead(timezone="America/New_York"), start=start)

        drafts = life.run(days=8)

        faq_at = next(at for at, a in drafts if a.purpose is TouchPurpose.FAQ)
        held = [a for at, a in life.decisions if isinstance(a, Wait) and a.until == faq_at]
        assert faq_at == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # 7 × 24 h after the acknowledgment
        assert local(faq_at, "America/New_York").time() == time(10, 0)  # not 09:00: the cap holds it
        assert "cap.week" in held[-1].rules


class TestStatusAndSuppression:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (LeadStatus.UNSUBSCRIBED, Stop(reason="lead.unsubscribed", rules=("lead.unsubscribed",))),
            (LeadStatus.CLOSED, Stop(reason="lead.closed", rules=("lead.closed",))),
            (LeadStatus.CONVERTED, Stop(reason="lead.converted", rules=("lead.converted",))),
            # A person has the lead, or paused it: automation waits for a rep, it does not end.
            (LeadStatus.HANDED_OFF, Wait(until=None, rules=("lead.handed_off",))),
            (LeadStatus.PAUSED, Wait(until=None, rules=("lead.paused",))),
        ],
    )
    def test_a_lead_out_of_automation_stops_with_its_status_rule(
        self, status: LeadStatus, expected: Stop | Wait
    ) -> None:
        given = snapshot(of=lead(status=status), events=(visit(day(1)),), touches=(acknowledged(),))

        assert decide(given, day(3)) == expected

    @pytest.mark.parametrize(
        ("events", "suppressed", "rule"),
        [
            ((), frozenset(Channel), "suppression.all_channels"),
            ((event(EventType.COMPLAINT, day(1)),), frozenset(), "suppression.all_channels"),
            ((event(EventType.UNSUBSCRIBE, day(1), channel=None),), frozenset(), "suppression.all_channels"),
            (
                (reply(day(1), ReplyIntent.UNSUBSCRIBE, text="take me off your list"),),
                frozenset(),
                "suppression.all_channels",
            ),
        ],
    )
    def test_an_unsubscribe_stops_everything_at_once(
        self, events: tuple[EventRecord, ...], suppressed: frozenset[Channel], rule: str
    ) -> None:
        given = snapshot(events=events, touches=(acknowledged(),), suppressed=suppressed)

        action = decide(given, day(1, hours=1))

        assert action == Stop(reason="unsubscribed", rules=(rule,), status=LeadStatus.UNSUBSCRIBED)

    def test_email_suppressed_and_no_sms_consent_unsubscribes_the_lead(self) -> None:
        given = snapshot(
            of=lead(phone="+13125550100"), touches=(acknowledged(),), suppressed=frozenset({Channel.EMAIL})
        )

        action = decide(given, day(1))

        assert isinstance(action, Stop)
        assert action.status is LeadStatus.UNSUBSCRIBED
        assert "suppression.email" in action.rules and "consent.sms.missing" in action.rules

    def test_a_dead_address_closes_the_lead_as_unreachable_not_unsubscribed(self) -> None:
        bounced = frozenset({Channel.EMAIL})
        given = snapshot(of=lead(), touches=(acknowledged(),), suppressed=bounced, unreachable=bounced)

        action = decide(given, day(1))

        assert isinstance(action, Stop)
        assert (action.reason, action.status) == ("unreachable", LeadStatus.CLOSED)
        assert "suppression.email" in action.rules and action.rules[-1] == "suppression.address_dead"

    def test_a_dead_email_and_an_sms_opt_out_is_an_unsubscribe(self) -> None:
        given = snapshot(
            of=lead(phone="+13125550100", consent_sms=True),
            touches=(acknowledged(),),
            suppressed=frozenset({Channel.EMAIL, Channel.SMS, Channel.PHONE}),
            unreachable=frozenset({Channel.EMAIL}),
        )

        action = decide(given, day(1, hours=1))

        assert isinstance(action, Stop)
        assert action.status is LeadStatus.UNSUBSCRIBED

    def test_email_suppressed_falls_back_to_sms_when_the_lead_consented(self) -> None:
        given = snapshot(
            of=lead(phone="+13125550100", consent_sms=True),
            touches=(acknowledged(),),
            suppressed=frozenset({Channel.EMAIL}),
        )

        action = decide(given, day(1, hours=1))  # 09:30 in Chicago: SMS hours start at 09:00

        assert isinstance(action, DraftTouch)
        assert action.channel is Channel.SMS
        assert action.rules[-2:-1] == ("channel.fallback.sms",)

    @pytest.mark.parametrize(
        ("of", "rule", "status"),
        [
            (lead(email=None), "channel.email.no_address", LeadStatus.CLOSED),
            (lead(consent_email=False), "consent.email.missing", LeadStatus.CLOSED),
        ],
    )
    def test_a_lead_no_channel_can_reach_is_closed(
        self, of: LeadContext, rule: str, status: LeadStatus
    ) -> None:
        action = decide(snapshot(of=of), INQUIRY_AT)

        assert isinstance(action, Stop)
        assert (action.reason, action.status) == ("no_usable_channel", status)
        assert rule in action.rules


class TestReplies:
    @pytest.mark.parametrize(
        ("intent", "reason"),
        [
            (ReplyIntent.INTERESTED, "direct_reply"),
            (ReplyIntent.OTHER, "direct_reply"),
            (ReplyIntent.QUESTION, "question"),
            (ReplyIntent.OBJECTION, "objection"),
            (ReplyIntent.NOT_NOW, "not_now"),
            (ReplyIntent.ASKS_FOR_PERSON, "asks_for_person"),
            (ReplyIntent.WRONG_PERSON, "wrong_person"),
            (ReplyIntent.FRUSTRATED, "frustrated"),
        ],
    )
    def test_every_reply_a_person_should_answer_hands_off(self, intent: ReplyIntent, reason: str) -> None:
        given = snapshot(events=(reply(day(1.5), intent),), touches=sent_sequence(0, 1))

        action = decide(given, day(1.5))

        assert isinstance(action, HandOff)
        assert action.reason == reason
        assert action.rules == ("handoff.direct_reply", f"reply.{intent.value}")
        assert "Yes please" in action.detail

    def test_a_reply_hands_off_even_while_a_draft_awaits_review(self) -> None:
        touches = (acknowledged(), touch(1, day(1), state=TouchState.PENDING_REVIEW))

        action = decide(snapshot(events=(reply(day(1.2)),), touches=touches), day(1.3))

        assert isinstance(action, HandOff)
        assert outdated_by(action) is not None  # the pending draft no longer fits

    def test_a_reply_before_the_last_handoff_or_resume_is_not_handed_off_again(self) -> None:
        handled = (HandoffRecord("direct_reply", day(1.5), "closed", closed_at=day(2)),)
        given = snapshot(events=(reply(day(1.5)),), touches=sent_sequence(0, 1), handoffs=handled)

        action = decide(given, day(3))

        assert isinstance(action, DraftTouch)
        assert action.purpose is TouchPurpose.SOCIAL_PROOF

    def test_a_reply_arriving_while_handed_off_is_the_reps_not_a_new_handoff_after_resume(self) -> None:
        handoffs = (HandoffRecord("direct_reply", day(1.5), "closed", closed_at=day(4)),)
        events = (reply(day(1.5)), reply(day(2), text="Also, do you integrate with Square?"))

        action = decide(snapshot(events=events, touches=sent_sequence(0, 1), handoffs=handoffs), day(4))

        assert not isinstance(action, HandOff)

    def test_a_reply_to_a_paused_lead_still_reaches_a_person(self) -> None:
        given = snapshot(
            of=lead(status=LeadStatus.PAUSED), events=(reply(day(2)),), touches=sent_sequence(0, 1)
        )

        assert isinstance(decide(given, day(2)), HandOff)

    def test_out_of_office_waits_until_the_morning_after_the_return_date(self) -> None:
        away = reply(
            day(1, hours=2),
            ReplyIntent.OUT_OF_OFFICE,
            text="Out of office until 2 Dec",
            returns=date(2026, 12, 2),
        )

        action = decide(snapshot(events=(away,), touches=sent_sequence(0, 1)), day(1, hours=2))

        chicago_morning = datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("America/Chicago"))
        assert action == Wait(until=chicago_morning.astimezone(UTC), rules=("reply.out_of_office",))
        assert outdated_by(action) == "the lead is away or snoozed"

    def test_a_return_date_ten_weeks_away_is_honoured_not_cut_to_thirty_days(self) -> None:
        away = reply(day(1, hours=2), ReplyIntent.OUT_OF_OFFICE, returns=date(2027, 2, 8))

        action = decide(snapshot(events=(away,), touches=sent_sequence(0, 1)), day(1, hours=2))

        chicago_morning = datetime(2027, 2, 9, 8, 0, tzinfo=ZoneInfo("America/Chicago"))
        assert action == Wait(until=chicago_morning.astimezone(UTC), rules=("reply.out_of_office",))

    def test_after_the_return_date_the_sequence_resumes(self) -> None:
        away = reply(day(1, hours=2), ReplyIntent.OUT_OF_OFFICE, returns=date(2026, 12, 2))

        action = decide(snapshot(events=(away,), touches=sent_sequence(0, 1)), day(10))

        assert isinstance(action, DraftTouch)
        assert action.purpose is TouchPurpose.SOCIAL_PROOF

    @pytest.mark.parametrize(
        ("returns", "expected_wait"),
        [
            (None, timedelta(days=7)),  # no date given: a week
            (date(2027, 6, 1), timedelta(days=120)),  # far away: at most TOUCHPOINT_OUT_OF_OFFICE_MAX_DAYS
        ],
    )
    def test_out_of_office_without_a_usable_date_waits_a_bounded_time(
        self, returns: date | None, expected_wait: timedelta
    ) -> None:
        at = day(1, hours=2)
        away = reply(at, ReplyIntent.OUT_OF_OFFICE, returns=returns)

        action = decide(snapshot(events=(away,), touches=sent_sequence(0, 1)), at)

        # Days on the lead's calendar: 120 days from November is the same local time after the DST change.
        until = step_due(at, expected_wait.days, None, ZoneInfo("America/Chicago"))
        assert action == Wait(until=until, rules=("reply.out_of_office",))

    def test_a_bounce_like_reply_is_not_handed_off(self) -> None:
        bounced = reply(day(1, hours=2), ReplyIntent.BOUNCE_LIKE, text="Address not found")

        action = decide(snapshot(events=(bounced,), touches=sent_sequence(0, 1)), day(1, hours=2))

        assert not isinstance(action, HandOff)


class TestPause:
    def test_a_paused_lead_stays_paused_whatever_is_due_or_hot(self) -> None:
        events = (visit(day(5)), visit(day(5, hours=1)), visit(day(5, hours=2)))
        given = snapshot(of=lead(status=LeadStatus.PAUSED), events=events, touches=sent_sequence(0, 1))

        assert decide(given, day(20)) == Wait(until=None, rules=("lead.paused",))

    def test_a_snoozed_lead_waits_until_the_snooze_ends(self) -> None:
        given = snapshot(of=lead(status=LeadStatus.PAUSED, paused_until=day(9)), touches=sent_sequence(0, 1))

        assert decide(given, day(3)) == Wait(until=day(9), rules=("lead.paused_until",))

    def test_when_the_snooze_ends_the_sequence_carries_on(self) -> None:
        given = snapshot(of=lead(status=LeadStatus.PAUSED, paused_until=day(9)), touches=sent_sequence(0, 1))

        action = decide(given, day(9))

        assert isinstance(action, DraftTouch)
        assert action.purpose is TouchPurpose.SOCIAL_PROOF


class TestHotSignals:
    def test_a_second_inquiry_mid_sequence_hands_off(self) -> None:
        given = snapshot(events=(inquiry(day(2)),), touches=sent_sequence(0, 1))

        action = decide(given, day(2.1))

        assert isinstance(action, HandOff)
        assert (action.reason, action.rules) == ("new_inquiry", ("handoff.new_inquiry_mid_sequence",))

    def test_three_human_opens_in_a_row_hand_off(self) -> None:
        sent = sent_sequence(0, 1, 3)
        events = tuple(opened(t) for t in sent)

        action = decide(snapshot(events=events, touches=sent), day(4))

        assert isinstance(action, HandOff)
        assert (action.reason, action.rules) == ("hot_opens", ("trigger.opens_in_a_row",))

    @pytest.mark.parametrize(
        "machine",
        [
            {"after": timedelta(seconds=2)},  # opened before a person could have
            {"ip": "17.58.101.4"},  # Apple Mail Privacy Protection
            {"user_agent": GMAIL_PROXY_AGENT},
        ],
    )
    def test_machine_opens_never_make_a_lead_hot(self, machine: dict[str, object]) -> None:
        sent = sent_sequence(0, 1, 3)
        after = machine.pop("after", timedelta(hours=3))
        assert isinstance(after, timedelta)
        events = tuple(opened(t, after, **machine) for t in sent)

        action = decide(snapshot(events=events, touches=sent), day(4))

        assert not isinstance(action, HandOff)

    def test_two_opens_in_a_row_are_not_yet_hot(self) -> None:
        sent = sent_sequence(0, 1, 3)
        events = (opened(sent[1]), opened(sent[2]))

        assert not isinstance(decide(snapshot(events=events, touches=sent), day(4)), HandOff)

    def test_repeated_visits_hand_off(self) -> None:
        events = tuple(
            visit(day(2, hours=h), url=f"https://northstar.example/features/{h}") for h in (1, 20, 30)
        )

        action = decide(snapshot(events=events, touches=sent_sequence(0, 1)), day(3.5))

        assert isinstance(action, HandOff)
        assert action.reason == "repeated_visits"

    def test_a_score_over_the_threshold_hands_off_with_the_score_explained(self) -> None:
        sent = sent_sequence(0, 1)
        clicks = tuple(
            event(
                EventType.CLICK,
                day(1, hours=h),
                touch_id=sent[1].id,
                user_agent=HUMAN_AGENT,
                url=f"https://x.example/{h}",
            )
            for h in (2, 3, 4, 5)
        )
        downloads = tuple(
            event(
                EventType.DOWNLOAD,
                day(1, hours=h),
                channel=None,
                title="No-show calculator",
                user_agent=HUMAN_AGENT,
            )
            for h in (6, 7, 8)
        )

        action = decide(snapshot(events=clicks + downloads, touches=sent), day(1, hours=9))

        assert isinstance(action, HandOff)
        assert action.reason == "hot_score"
        assert "links clicked" in action.detail

    def test_a_high_value_deal_hands_off_right_after_the_acknowledgment(self) -> None:
        rich = lead(deal_value=60000)

        first = decide(snapshot(of=rich), INQUIRY_AT)
        then = decide(snapshot(of=rich, touches=(acknowledged(),)), INQUIRY_AT + timedelta(minutes=1))

        assert isinstance(first, DraftTouch) and first.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert isinstance(then, HandOff) and then.reason == "high_value"

    def test_a_high_value_handoff_says_the_amount_as_people_write_it(self) -> None:
        rich = lead(deal_value=Decimal("33432.00"))

        then = decide(snapshot(of=rich, touches=(acknowledged(),)), INQUIRY_AT + timedelta(minutes=1))

        assert isinstance(then, HandOff)
        assert then.detail == "The deal is worth 33,432 (threshold 25,000)."

    def test_a_high_value_deal_is_handed_off_once(self) -> None:
        handoffs = (HandoffRecord("high_value", day(0.01), "closed", closed_at=day(0.5)),)
        given = snapshot(of=lead(deal_value=60000), touches=(acknowledged(),), handoffs=handoffs)

        assert isinstance(decide(given, day(1, hours=1)), DraftTouch)

    def test_after_a_resume_hot_signals_need_new_evidence(self) -> None:
        sent = sent_sequence(0, 1, 3)
        opens = tuple(opened(t) for t in sent)
        handoffs = (HandoffRecord("hot_opens", day(3.5), "closed", closed_at=day(4)),)
        later = (touch(3, day(7)), touch(4, day(14)), touch(5, day(30)))

        once_more = decide(
            snapshot(events=(*opens, opened(sent[2], timedelta(days=2))), touches=sent, handoffs=handoffs),
            day(5.1),
        )
        hot_again = decide(
            snapshot(events=(*opens, *(opened(t) for t in later)), touches=sent + later, handoffs=handoffs),
            day(31),
        )

        assert not isinstance(once_more, HandOff)  # one more open of an old email: the rep's call stands
        assert isinstance(hot_again, HandOff) and hot_again.reason == "hot_opens"
        assert hot_again.detail == "They opened the last 3 emails in a row."


class TestTriggers:
    @pytest.mark.parametrize(
        ("activity", "trigger", "purpose", "auto_send"),
        [
            (
                visit(day(2)),
                "pricing_page",
                TouchPurpose.PRICING,
                False,
            ),  # an offer: high risk, a rep approves
            (
                event(
                    EventType.CLICK,
                    day(2),
                    url="https://northstar.example/pricing#plans",
                    user_agent=HUMAN_AGENT,
                ),
                "pricing_page",
                TouchPurpose.PRICING,
                False,
            ),
            (
                event(
                    EventType.DOWNLOAD,
                    day(2),
                    channel=None,
                    title="No-show calculator",
                    user_agent=HUMAN_AGENT,
                ),
                "download",
                TouchPurpose.VALUE_ADD,
                True,
            ),
            (
                visit(day(2), url="https://northstar.example/case-studies/glow-spa"),
                "case_study",
                TouchPurpose.SOCIAL_PROOF,
                True,
            ),
        ],
    )
    def test_behaviour_prompts_its_own_touch(
        self, activity: EventRecord, trigger: str, purpose: TouchPurpose, auto_send: bool
    ) -> None:
        action = decide(snapshot(events=(activity,), touches=sent_sequence(0, 1)), day(2, hours=1))

        assert isinstance(action, DraftTouch)
        assert (action.trigger, action.purpose, action.auto_send) == (trigger, purpose, auto_send)
        assert action.step == -1  # outside the sequence's plan
        assert f"trigger.{trigger}" in action.rules
        assert action.signals  # what they did, for the drafter to be specific about
        assert action.angle

    def test_a_trigger_answers_a_visit_once(self) -> None:
        answered = touch(-1, day(2, hours=1), purpose=TouchPurpose.PRICING, rules=("trigger.pricing_page",))

        given = snapshot(events=(visit(day(2)),), touches=(*sent_sequence(0, 1), answered))
        action = decide(given, day(3, hours=2), LOOSE_CAPS)

        assert isinstance(action, DraftTouch)
        assert action.trigger is None and action.purpose is TouchPurpose.SOCIAL_PROOF

    def test_a_new_visit_after_the_answer_triggers_again_numbered_after_it(self) -> None:
        answered = touch(-1, day(2, hours=1), purpose=TouchPurpose.PRICING, rules=("trigger.pricing_page",))
        events = (visit(day(2)), visit(day(4)))

        action = decide(
            snapshot(events=events, touches=(*sent_sequence(0, 1, 3), answered)), day(4, hours=1), LOOSE_CAPS
        )

        assert isinstance(action, DraftTouch)
        assert (action.trigger, action.step) == ("pricing_page", -2)

    def test_a_visit_too_long_ago_is_not_answered(self) -> None:
        action = decide(snapshot(events=(visit(day(1.5)),), touches=sent_sequence(0, 1, 3, 7)), day(10))

        assert not (isinstance(action, DraftTouch) and action.trigger)

    def test_a_click_to_an_ordinary_page_triggers_nothing(self) -> None:
        sent = sent_sequence(0, 1)
        click = event(
            EventType.CLICK, day(2), touch_id=sent[1].id, url="https://x.example/blog", user_agent=HUMAN_AGENT
        )

        action = decide(snapshot(events=(click,), touches=sent), day(2, hours=1))

        assert isinstance(action, Wait)
        assert not any(rule.startswith("trigger.") for rule in action.rules)

    def test_a_bot_visit_triggers_nothing(self) -> None:
        bot = visit(day(2), user_agent="Mozilla/5.0 (compatible; Googlebot/2.1)")

        action = decide(snapshot(events=(bot,), touches=sent_sequence(0, 1)), day(2, hours=1))

        assert isinstance(action, Wait)

    def test_a_trigger_respects_the_daily_cap(self) -> None:
        sent = sent_sequence(0, 1)

        action = decide(snapshot(events=(visit(day(1, hours=2)),), touches=sent), day(1, hours=3))

        assert isinstance(action, Wait)
        assert action.until == sent[1].sent_at + timedelta(days=1)  # type: ignore[operator]
        assert "cap.day" in action.rules and "trigger.pricing_page" in action.rules

    def test_the_acknowledgment_comes_before_any_trigger(self) -> None:
        action = decide(snapshot(events=(visit(INQUIRY_AT - timedelta(minutes=5)),)), INQUIRY_AT)

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT


class TestTiming:
    @pytest.mark.parametrize(
        ("zone", "now_local", "opens_local", "rule"),
        [
            # Email hours 08:00-20:00 in the lead's zone; B2B leads (with a company) on weekdays only.
            (
                "America/Chicago",
                datetime(2026, 11, 25, 21, 30),
                datetime(2026, 11, 26, 8, 0),
                "timing.quiet_hours.email",
            ),
            (
                "America/Chicago",
                datetime(2026, 11, 26, 6, 0),
                datetime(2026, 11, 26, 8, 0),
                "timing.quiet_hours.email",
            ),
            (
                "Europe/Berlin",
                datetime(2026, 11, 28, 11, 0),
                datetime(2026, 11, 30, 8, 0),
                "timing.business_days",
            ),
            (
                "Asia/Tokyo",
                datetime(2026, 11, 27, 20, 0),
                datetime(2026, 11, 30, 8, 0),
                "timing.quiet_hours.email",
            ),
            # Clocks go forward in New York on 8 March 2026 and back in Berlin on 25 October 2026.
            (
                "America/New_York",
                datetime(2026, 3, 6, 22, 0),
                datetime(2026, 3, 9, 8, 0),
                "timing.quiet_hours.email",
            ),
            (
                "Europe/Berlin",
                datetime(2026, 10, 23, 23, 0),
                datetime(2026, 10, 26, 8, 0),
                "timing.quiet_hours.email",
            ),
        ],
    )
    def test_a_trigger_waits_for_the_leads_business_hours(
        self, zone: str, now_local: datetime, opens_local: datetime, rule: str
    ) -> None:
        tz = ZoneInfo(zone)
        now = now_local.replace(tzinfo=tz).astimezone(UTC)
        start = now - timedelta(days=5)
        sent = (touch(0, start), touch(1, start + timedelta(days=1)))
        given = snapshot(
            of=lead(timezone=zone),
            events=(inquiry(start), visit(now - timedelta(minutes=1))),
            touches=sent,
            with_inquiry=False,
        )

        action = decide(given, now)

        assert isinstance(action, Wait)
        assert action.until == opens_local.replace(tzinfo=tz).astimezone(UTC)
        assert rule in action.rules

    @pytest.mark.parametrize(
        ("now_local", "opens_local"),
        [
            (
                datetime(2026, 3, 7, 22, 0),
                datetime(2026, 3, 8, 8, 0),
            ),  # spring forward overnight: 12:00 UTC, not 13:00
            (datetime(2026, 10, 31, 23, 0), datetime(2026, 11, 1, 8, 0)),  # fall back overnight: 13:00 UTC
        ],
    )
    def test_b2c_quiet_hours_end_at_eight_local_across_dst_in_new_york(
        self, now_local: datetime, opens_local: datetime
    ) -> None:
        tz = ZoneInfo("America/New_York")
        now = now_local.replace(tzinfo=tz).astimezone(UTC)
        start = now - timedelta(days=5)
        consumer = lead(timezone="America/New_York", company=None)
        given = snapshot(
            of=consumer,
            events=(inquiry(start), visit(now - timedelta(minutes=1))),
            touches=(touch(0, start), touch(1, start + timedelta(days=1))),
            with_inquiry=False,
        )

        action = decide(given, now)

        assert isinstance(action, Wait)
        assert action.until == opens_local.replace(tzinfo=tz).astimezone(UTC)

    @pytest.mark.parametrize(
        ("sms_hours", "local_time", "allowed"),
        [
            ("09:00-20:00", time(8, 30), False),
            ("09:00-20:00", time(9, 0), True),
            ("09:00-20:00", time(19, 59), True),
            ("09:00-20:00", time(20, 0), False),
            ("08:00-21:00", time(8, 0), True),
            ("08:00-21:00", time(20, 59), True),
            ("08:00-21:00", time(21, 0), False),  # TCPA: never after 9 p.m. local
            ("08:00-21:00", time(7, 59), False),  # nor before 8 a.m.
        ],
    )
    def test_sms_goes_out_only_within_its_hours(
        self, sms_hours: str, local_time: time, allowed: bool
    ) -> None:
        tz = ZoneInfo("America/Los_Angeles")
        now = datetime.combine(date(2026, 11, 25), local_time, tzinfo=tz).astimezone(UTC)
        texter = lead(
            timezone="America/Los_Angeles", email=None, phone="+14155550100", consent_sms=True, company=None
        )
        start = now - timedelta(days=3)
        given = snapshot(
            of=texter,
            events=(inquiry(start), visit(now - timedelta(minutes=1))),
            touches=(touch(0, start, channel=Channel.SMS),),
            with_inquiry=False,
        )
        config = replace(DEFAULT_CONFIG, sms_hours=Hours.parse(sms_hours))

        action = decide(given, now, config)

        assert isinstance(action, DraftTouch) is allowed
        if not allowed:
            assert isinstance(action, Wait) and "timing.quiet_hours.sms" in action.rules


class TestCaps:
    @pytest.mark.parametrize(
        ("sent_days", "now", "cap", "frees"),
        [
            ((0.9,), day(1), "cap.day", day(1.9)),
            ((0, 1, 3), day(4), "cap.week", day(7)),
        ],
    )
    def test_a_full_cap_holds_the_next_touch_until_it_frees(
        self, sent_days: tuple[float, ...], now: datetime, cap: str, frees: datetime
    ) -> None:
        # Follow-ups (steps 1 on): the acknowledgment does not use up the day's one follow-up.
        sent = tuple(touch(i + 1, day(d)) for i, d in enumerate(sent_days))
        action = decide(snapshot(events=(visit(now - timedelta(minutes=5)),), touches=sent), now)

        assert isinstance(action, Wait)
        assert action.until is not None and action.until >= frees
        assert cap in action.rules

    def test_the_monthly_cap_counts_thirty_days(self) -> None:
        config = replace(DEFAULT_CONFIG, caps=(Cap("cap.month", 3, timedelta(days=30)),))
        sent = tuple(touch(i, day(d)) for i, d in enumerate((0, 1, 3)))

        action = decide(snapshot(touches=sent), day(7), config)

        assert isinstance(action, Wait)
        assert action.until == day(30)
        assert "cap.month" in action.rules


class TestLeadPreferences:
    @pytest.mark.parametrize(
        ("frequency", "rule", "gap"),
        [
            (ContactFrequency.REDUCED, "preference.reduced", 14),
            (ContactFrequency.MONTHLY, "preference.monthly", 30),
        ],
    )
    def test_a_lead_who_asked_for_fewer_messages_gets_fewer(
        self, frequency: ContactFrequency, rule: str, gap: int
    ) -> None:
        sent = sent_sequence(0, 1)

        action = decide(snapshot(of=lead(contact_frequency=frequency), touches=sent), day(3))

        assert isinstance(action, Wait)
        assert action.until is not None and action.until >= sent[1].sent_at + timedelta(days=gap)  # type: ignore[operator]
        assert rule in action.rules

    def test_the_channel_the_lead_picked_is_used_when_it_can_be(self) -> None:
        texter = lead(phone="+13125550100", consent_sms=True, preferred_channel=Channel.SMS)

        action = decide(snapshot(of=texter, touches=(acknowledged(),)), day(1, hours=1))

        assert isinstance(action, DraftTouch)
        assert action.channel is Channel.SMS and "channel.preferred_by_lead" in action.rules

    def test_a_picked_channel_without_consent_is_not_used(self) -> None:
        no_consent = lead(phone="+13125550100", consent_sms=False, preferred_channel=Channel.SMS)

        action = decide(snapshot(of=no_consent, touches=(acknowledged(),)), day(1, hours=1))

        assert isinstance(action, DraftTouch) and action.channel is Channel.EMAIL


class TestColdLeads:
    def test_unopened_emails_in_a_row_slow_the_sequence_down_and_change_the_angle(self) -> None:
        config = replace(DEFAULT_CONFIG, unopened_streak=3)
        sent = sent_sequence(0, 1, 3)

        held = decide(snapshot(touches=sent), day(8), config)
        later = decide(snapshot(touches=sent), day(17, hours=1), config)

        assert held == Wait(
            until=day(17) + timedelta(seconds=20),  # the last email + TOUCHPOINT_SLOW_DOWN_DAYS
            rules=("sequence.new_lead.step_3.due", "engagement.unopened.slow_down"),
        )
        assert isinstance(later, DraftTouch)
        assert later.purpose is TouchPurpose.FAQ and "new angle" in later.angle

    def test_five_unopened_emails_switch_to_sms_when_the_lead_consented(self) -> None:
        texter = lead(phone="+13125550100", consent_sms=True)

        action = decide(snapshot(of=texter, touches=sent_sequence(0, 1, 3, 7, 14)), day(30, hours=1))

        assert isinstance(action, DraftTouch)
        assert action.channel is Channel.SMS
        assert "engagement.unopened.switch_channel" in action.rules

    def test_machine_opens_do_not_count_as_opened(self) -> None:
        sent = sent_sequence(0, 1, 3, 7, 14)
        machine = tuple(opened(t, timedelta(seconds=1)) for t in sent)
        texter = lead(phone="+13125550100", consent_sms=True)

        action = decide(snapshot(of=texter, events=machine, touches=sent), day(30, hours=1))

        assert isinstance(action, DraftTouch) and action.channel is Channel.SMS

    def test_one_human_open_keeps_the_pace(self) -> None:
        sent = sent_sequence(0, 1, 3, 7, 14)

        action = decide(snapshot(events=(opened(sent[3]),), touches=sent), day(30))

        assert isinstance(action, DraftTouch)
        assert action.channel is Channel.EMAIL and "new angle" not in action.angle


class TestEnrolment:
    @pytest.mark.parametrize(
        ("milestone", "sequence", "first_purpose", "first_day"),
        [
            (EventType.QUOTE_SENT, "post_quote", TouchPurpose.OBJECTION, 2),
            (EventType.MEETING_BOOKED, "meeting_booked", TouchPurpose.VALUE_ADD, 0),
            (EventType.MEETING_HELD, "post_meeting", TouchPurpose.POST_MEETING, 0),
            (EventType.PURCHASE, "onboarding", TouchPurpose.VALUE_ADD, 0),
        ],
    )
    def test_a_milestone_enrols_the_lead_in_its_sequence(
        self, milestone: EventType, sequence: str, first_purpose: TouchPurpose, first_day: int
    ) -> None:
        at = day(8)  # a Tuesday
        given = snapshot(events=(event(milestone, at, channel=None),), touches=sent_sequence(0, 1, 3))

        action = decide(given, at + timedelta(days=first_day, minutes=1))

        assert isinstance(action, DraftTouch)
        assert (action.sequence, action.purpose, action.step) == (sequence, first_purpose, 0)
        assert action.enroll is not None and action.enroll.started_at == at
        assert f"enrol.{sequence}.on_{milestone.value}" in action.rules

    def test_a_second_quote_numbers_its_steps_after_the_first_ones(self) -> None:
        first = (touch(0, day(7), sequence="post_quote"), touch(1, day(10), sequence="post_quote"))
        given = snapshot(
            of=lead(sequence="post_quote", sequence_started_at=day(5)),
            events=(
                event(EventType.QUOTE_SENT, day(5), channel=None),
                event(EventType.QUOTE_SENT, day(12), channel=None),
                opened(first[1]),
            ),
            touches=(*sent_sequence(0, 1, 3), *first),
        )

        action = decide(given, day(14, hours=1))

        assert isinstance(action, DraftTouch)
        assert (action.sequence, action.step, action.purpose) == ("post_quote", 2, TouchPurpose.OBJECTION)
        assert action.enroll is not None and action.enroll.step_base == 2

    def test_onboarding_ends_with_a_converted_customer(self) -> None:
        done = tuple(touch(i, day(5 + d), sequence="onboarding") for i, d in enumerate((0, 3, 10, 30)))
        given = snapshot(
            of=lead(sequence="onboarding", sequence_started_at=day(5)), touches=(*sent_sequence(0, 1), *done)
        )

        action = decide(given, day(40))

        assert action == Stop(
            reason="sequence.onboarding.complete", rules=("sequence.complete",), status=LeadStatus.CONVERTED
        )

    def test_a_lead_quiet_for_thirty_days_after_engaging_is_re_engaged(self) -> None:
        sent = sent_sequence(0, 1, 3, 7, 14, 30)
        clicked = event(
            EventType.CLICK,
            day(1, hours=4),
            touch_id=sent[1].id,
            user_agent=HUMAN_AGENT,
            url="https://x.example/a",
        )
        nurtured = lead(sequence="nurture", sequence_started_at=day(30), sequence_step_base=0)

        action = decide(snapshot(of=nurtured, events=(clicked,), touches=sent), day(31, hours=5))

        assert isinstance(action, DraftTouch)
        assert (action.sequence, action.purpose) == ("re_engagement", TouchPurpose.RE_ENGAGEMENT)
        assert "enrol.re_engagement.quiet_30_days" in action.rules

    def test_a_lead_who_never_engaged_stays_in_nurture(self) -> None:
        nurtured = lead(sequence="nurture", sequence_started_at=day(30))

        action = decide(snapshot(of=nurtured, touches=sent_sequence(0, 1, 3, 7, 14, 30)), day(45))

        assert action == Wait(until=day(60), rules=("sequence.nurture.step_0.not_due",))

    def test_a_return_after_a_long_absence_re_engages(self) -> None:
        sent = sent_sequence(0, 1, 3, 7, 14, 30)
        nurtured = lead(sequence="nurture", sequence_started_at=day(30))
        events = (opened(sent[1]), visit(day(50), url="https://northstar.example/features"))

        action = decide(snapshot(of=nurtured, events=events, touches=sent), day(50, hours=1))

        assert isinstance(action, DraftTouch)
        assert (action.sequence, action.purpose) == ("re_engagement", TouchPurpose.RE_ENGAGEMENT)
        assert "enrol.re_engagement.returned_after_absence" in action.rules

    def test_the_end_of_new_lead_moves_to_nurture_numbered_from_zero(self) -> None:
        action = decide(snapshot(touches=sent_sequence(0, 1, 3, 7, 14, 30)), day(31))

        assert isinstance(action, Wait)
        assert action.enroll is not None
        assert (action.enroll.sequence, action.enroll.step_base) == ("nurture", 0)
        assert "enrol.nurture.after_new_lead" in action.rules

    def test_an_imported_lead_skips_the_acknowledgment(self) -> None:
        created = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
        imported = snapshot(of=lead(created_at=created), with_inquiry=False)

        assert decide(imported, created + timedelta(hours=3)) == Wait(
            until=created + timedelta(days=1), rules=("sequence.new_lead.step_1.not_due",)
        )


class TestAutonomy:
    @pytest.mark.parametrize(
        ("ceiling", "step_days", "purpose", "auto_send"),
        [
            (RiskTier.LOW, (0,), TouchPurpose.VALUE_ADD, True),
            (RiskTier.LOW, (0, 1, 3, 7), TouchPurpose.BREAKUP, False),
            (RiskTier.HIGH, (0, 1, 3, 7), TouchPurpose.BREAKUP, True),
            (None, (0,), TouchPurpose.VALUE_ADD, False),
        ],
    )
    def test_settings_decide_what_may_go_out_without_a_rep(
        self, ceiling: RiskTier | None, step_days: tuple[float, ...], purpose: TouchPurpose, auto_send: bool
    ) -> None:
        config = replace(LOOSE_CAPS, auto_send_max_risk=ceiling)
        due = {1: day(1), 4: day(14)}[len(step_days)]

        action = decide(snapshot(touches=sent_sequence(*step_days)), due, config)

        assert isinstance(action, DraftTouch)
        assert (action.purpose, action.auto_send) == (purpose, auto_send)
        assert action.rules[-1].startswith("autonomy.auto_send." if auto_send else "autonomy.review.")

    def test_the_acknowledgment_is_auto_sent_by_default(self) -> None:
        action = decide(snapshot(), INQUIRY_AT)

        assert isinstance(action, DraftTouch)
        assert (action.purpose, action.auto_send, action.risk) == (
            TouchPurpose.ACKNOWLEDGMENT,
            True,
            RiskTier.LOW,
        )


class TestInFlight:
    @pytest.mark.parametrize("state", [TouchState.PENDING_REVIEW, TouchState.QUEUED, TouchState.SENDING])
    def test_a_touch_in_flight_is_waited_for(self, state: TouchState) -> None:
        touches = (acknowledged(), touch(1, day(1), state=state))

        assert decide(snapshot(touches=touches), day(2)) == Wait(until=None, rules=("touch.in_flight",))

    def test_a_superseded_draft_is_drafted_again(self) -> None:
        touches = (acknowledged(), touch(1, day(1), state=TouchState.SUPERSEDED))

        action = decide(snapshot(touches=touches), day(2))

        assert isinstance(action, DraftTouch) and action.step == 1

    def test_a_rejected_draft_counts_as_done(self) -> None:
        touches = (acknowledged(), touch(1, day(1), state=TouchState.REJECTED))

        action = decide(snapshot(touches=touches), day(3))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.SOCIAL_PROOF


class TestDecisionRecords:
    def test_the_same_situation_gives_the_same_decision_and_key(self) -> None:
        given = snapshot(touches=(acknowledged(),))

        first, second = decide(given, day(0.5)), decide(given, day(0.5))

        assert first == second
        assert decision_key(first) == decision_key(second)
        assert describe(first) == "wait until 2026-11-24 14:30 UTC"

    def test_a_different_wait_has_a_different_key(self) -> None:
        assert decision_key(Wait(until=day(1), rules=("a",))) != decision_key(
            Wait(until=day(2), rules=("a",))
        )


class TestPersonalResponse:
    """An acknowledgment the composer wrote (the LLM missed its deadline, or there is none) promised a
    personal reply."""

    def late_ack(self) -> TouchRecord:
        return touch(0, day(0, hours=0.01), rules=("sequence.new_lead.step_0.due", DEADLINE_MISSED))

    def test_it_comes_next_at_once_without_waiting_for_the_daily_cap(self) -> None:
        action = decide(snapshot(touches=(self.late_ack(),)), day(0, hours=0.02))

        assert isinstance(action, DraftTouch)
        assert action.purpose is TouchPurpose.PERSONAL_RESPONSE
        assert action.step < 0
        assert "drafting.personal_response_owed" in action.rules
        assert "timing.personal_response_with_acknowledgment" in action.rules

    def test_it_is_owed_once(self) -> None:
        reply = touch(-1, day(0, hours=0.03), purpose=TouchPurpose.PERSONAL_RESPONSE)

        action = decide(snapshot(touches=(self.late_ack(), reply)), day(0, hours=0.05))

        assert not (isinstance(action, DraftTouch) and action.purpose is TouchPurpose.PERSONAL_RESPONSE)

    def test_an_acknowledgment_in_time_owes_nothing_more_today(self) -> None:
        on_time = touch(0, day(0, hours=0.01))

        action = decide(snapshot(touches=(on_time,)), day(0, hours=0.02))

        assert not isinstance(action, DraftTouch)

    def test_the_day_zero_answer_counts_once_in_the_weekly_cap(self) -> None:
        """Found when the personal reply became owed on the defaults: the acknowledgment, its personal
        reply and day 1's value-add filled the week's cap of 3, and day 3's touch (or the confirmation
        of a meeting booked that week) waited until day 7."""
        reply = touch(-1, day(0, hours=0.03), purpose=TouchPurpose.PERSONAL_RESPONSE)
        value_add = touch(1, day(1))

        action = decide(snapshot(touches=(self.late_ack(), reply, value_add)), day(3, hours=0.02))

        assert isinstance(action, DraftTouch)
        assert (action.step, action.purpose) == (2, TouchPurpose.SOCIAL_PROOF)
        assert "cap.week" not in action.rules

    def test_the_day_zero_answer_counts_once_in_the_unopened_streak(self) -> None:
        """Found with the personal reply owed on the defaults: acknowledgment, personal reply and three
        unopened follow-ups made a streak of 5, and the breakup on day 14 waited two more weeks."""
        reply = touch(-1, day(0, hours=0.03), purpose=TouchPurpose.PERSONAL_RESPONSE)
        follow_ups = tuple(touch(i, day(d)) for i, d in ((1, 1), (2, 3), (3, 7)))

        action = decide(snapshot(touches=(self.late_ack(), reply, *follow_ups)), day(14, hours=0.02))

        assert isinstance(action, DraftTouch)
        assert (action.step, action.purpose) == (4, TouchPurpose.BREAKUP)
        assert "engagement.unopened.slow_down" not in action.rules

    def test_an_acknowledgment_the_composer_wrote_without_a_model_owes_it_too(self) -> None:
        """Found running on the embedded defaults: every wording of the composer's acknowledgment says
        "one of us will reply to you personally, soon", and with no model nothing ever did."""
        composed = touch(
            0, day(0, hours=0.01), rules=("sequence.new_lead.step_0.due", COMPOSED_ACKNOWLEDGMENT)
        )

        action = decide(snapshot(touches=(composed,)), day(0, hours=0.02))

        assert isinstance(action, DraftTouch)
        assert action.purpose is TouchPurpose.PERSONAL_RESPONSE
        assert "drafting.personal_response_owed" in action.rules

    def test_a_reply_meanwhile_goes_to_a_person_instead(self) -> None:
        answer = event(EventType.REPLY, day(0, hours=0.015), message="Thanks, can we talk?")

        action = decide(snapshot(touches=(self.late_ack(),), events=(answer,)), day(0, hours=0.02))

        assert not isinstance(action, DraftTouch)
