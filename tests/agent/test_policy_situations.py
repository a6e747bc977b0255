"""The decisions real lead histories need (issue 16), one test per situation, named after it.

Each builds a plain snapshot (``policy_cases``) and asks the pure policy what it would do; the playbook
rules are the labelling guide's (evals/decisions/GUIDE.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadSnapshot,
    ReplyIntent,
    ReplyReading,
    TouchPurpose,
)
from agent.policy import DEFAULT_CONFIG, DraftTouch, HandOff, Stop, Wait, next_action
from agent.scoring import DEFAULT_PAGES, PageRule, ScoringConfig
from agent.sequences import Sequence, Step
from tests.agent.policy_cases import (
    HUMAN_AGENT,
    INQUIRY_AT,
    SEQUENCES,
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

CHICAGO = ZoneInfo("America/Chicago")


def decide(given: LeadSnapshot, now: datetime, sequences: dict[str, Sequence] | None = None):  # type: ignore[no-untyped-def]
    return next_action(given, sequences or SEQUENCES, now, DEFAULT_CONFIG)


def asking(text: str, at: datetime = INQUIRY_AT, confidence: float = 0.95) -> EventRecord:
    """An inquiry the reply reader read as asking for a person."""
    return replace(
        event(EventType.INQUIRY, at, channel=None, message=text),
        reading=ReplyReading(ReplyIntent.ASKS_FOR_PERSON, confidence, "learned:test"),
    )


def read_as(intent: ReplyIntent, text: str, confidence: float, at: datetime = INQUIRY_AT) -> EventRecord:
    """An inquiry the reply reader read as ``intent``."""
    return replace(
        event(EventType.INQUIRY, at, channel=None, message=text),
        reading=ReplyReading(intent, confidence, "learned:test"),
    )


def pitching(text: str, at: datetime = INQUIRY_AT) -> EventRecord:
    """An inquiry read as a vendor's pitch (``agent/replies/pitch.py``)."""
    return replace(
        event(EventType.INQUIRY, at, channel=None, message=text),
        reading=ReplyReading(ReplyIntent.OTHER, 0.3, "learned:test", pitch="backlinks"),
    )


class TestAVendorsPitchThroughTheForm:
    def test_the_acknowledgment_waits_for_a_rep_instead_of_going_out_by_itself(self) -> None:
        """Sent live: "Hi Buy," and the venue's prices went to "Buy Cheap Backlinks" within seconds."""
        given = snapshot(events=(pitching("Get 5000 backlinks for your website"),), with_inquiry=False)

        action = decide(given, day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert action.auto_send is False
        assert "inquiry.pitch.review" in action.rules

    def test_a_later_real_inquiry_from_the_same_contact_is_answered_by_itself_again(self) -> None:
        later = replace(inquiry(INQUIRY_AT + timedelta(minutes=5)), reading=None)
        given = snapshot(events=(pitching("Get 5000 backlinks"), later), with_inquiry=False)

        action = decide(given, day(0, hours=0.2))

        assert isinstance(action, DraftTouch) and action.auto_send is True
        assert "inquiry.pitch.review" not in action.rules

    def test_a_lead_s_own_inquiry_is_acknowledged_by_itself(self) -> None:
        action = decide(snapshot(), day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.auto_send is True
        assert "inquiry.pitch.review" not in action.rules


class TestAComplaintOrAngerThroughTheInquiryForm:
    """Sent live, configured as an event hall: "the AC was broken the whole night ... I want a partial
    refund" got the cancellation policy and "Is there a date you would like to have this in place by?",
    then a case study as "A proper answer to your question"."""

    COMPLAINT = "I booked the Mission Room last month and the AC was broken the whole night. I want a refund."

    def test_the_acknowledgment_says_sorry_and_that_a_person_will_answer(self) -> None:
        given = snapshot(events=(read_as(ReplyIntent.COMPLAINT, self.COMPLAINT, 0.99),), with_inquiry=False)

        action = decide(given, day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert "acknowledgment.sorry_person_will_answer" in action.rules
        assert "sorry" in action.angle and "no sales content" in action.angle

    def test_after_the_acknowledgment_a_person_takes_over(self) -> None:
        given = snapshot(
            events=(read_as(ReplyIntent.COMPLAINT, self.COMPLAINT, 0.99),),
            touches=sent_sequence(0),
            with_inquiry=False,
        )

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff) and action.reason == "complaint"
        assert action.rules == ("handoff.inquiry_complaint",)
        assert action.detail.startswith('Their inquiry is a complaint: "I booked the Mission Room')

    def test_anger_at_us_is_handed_over_too(self) -> None:
        text = "Third time I fill this form and nobody has called me back. Do you even want my business?"
        given = snapshot(
            events=(read_as(ReplyIntent.FRUSTRATED, text, 0.7),), touches=sent_sequence(0), with_inquiry=False
        )

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff) and action.reason == "frustrated"

    def test_an_inquiry_asking_us_to_stop_writing_goes_to_a_person_never_to_a_sequence(self) -> None:
        """Found on blind inquiries (dev): "ya no me manden recordatorios automáticos, se los he dicho 3
        veces" read as an unsubscribe, and the lead was put on the sequence."""
        text = "Please stop the automated reminders, I've told you three times. My dog is not your patient."
        given = snapshot(
            events=(read_as(ReplyIntent.UNSUBSCRIBE, text, 0.82),),
            touches=sent_sequence(0),
            with_inquiry=False,
        )

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff) and action.rules == ("handoff.inquiry_unsubscribe",)
        assert action.detail.startswith("Their inquiry asks us to stop writing to them")

    def test_an_unsure_complaint_reading_stays_a_lead(self) -> None:
        """ "Our last venue was a disaster ... we want to do better this year": a lead, whose reading as a
        complaint is unsure (the reader's model is surer of a customer's own complaints)."""
        text = "The last venue we used was a disaster. We want to do better this year for our gala."
        given = snapshot(
            events=(read_as(ReplyIntent.COMPLAINT, text, 0.55),), touches=sent_sequence(0), with_inquiry=False
        )

        action = decide(given, day(0, hours=0.02))

        assert not isinstance(action, HandOff)


class TestAnEmergencyThroughTheInquiryForm:
    """Found configuring an HVAC company: "no heat at -18 degrees, come TODAY" was put on the sequence."""

    TEXT = "no heat. its -12 out and the house is at 51 and dropping. can someone come tonight"

    def emergency(self) -> EventRecord:
        return replace(
            event(EventType.INQUIRY, INQUIRY_AT, channel=None, message=self.TEXT),
            reading=ReplyReading(ReplyIntent.QUESTION, 0.8, "learned:test", emergency="no heat … tonight"),
        )

    def test_the_acknowledgment_says_a_person_will_answer_as_soon_as_possible(self) -> None:
        action = decide(snapshot(events=(self.emergency(),), with_inquiry=False), day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert "acknowledgment.urgent_person_will_answer" in action.rules

    def test_after_the_acknowledgment_a_person_takes_over(self) -> None:
        given = snapshot(events=(self.emergency(),), touches=sent_sequence(0), with_inquiry=False)

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff) and action.reason == "emergency"
        assert action.rules == ("handoff.inquiry_emergency",)
        assert action.detail.startswith("Their inquiry reads as an emergency (no heat … tonight)")


class TestAnInquiryAskingForAPerson:
    def test_the_acknowledgment_goes_out_first_and_says_a_person_will_answer(self) -> None:
        given = snapshot(events=(asking("Can someone call me today?"),), with_inquiry=False)

        action = decide(given, day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert "acknowledgment.person_will_answer" in action.rules
        assert "person will answer" in action.angle

    def test_after_the_acknowledgment_the_lead_is_handed_off_at_once(self) -> None:
        given = snapshot(
            events=(asking("I'd rather talk to a human"),), touches=sent_sequence(0), with_inquiry=False
        )

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff) and action.reason == "asks_for_person"

    def test_an_unsure_reading_keeps_the_lead_on_its_sequence(self) -> None:
        """ "Text me rather than email, I'm rarely at my desk" was read as asking for a person at 57%."""
        text = "Can you help with no-shows? Text me rather than email, I'm rarely at my desk."
        given = snapshot(
            events=(asking(text, confidence=0.57),), touches=sent_sequence(0), with_inquiry=False
        )

        action = decide(given, day(0, hours=0.02))

        assert not isinstance(action, HandOff)

    def test_an_unsure_reading_gets_the_usual_acknowledgment(self) -> None:
        given = snapshot(events=(asking("Question number 0", confidence=0.25),), with_inquiry=False)

        action = decide(given, day(0, hours=0.01))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.ACKNOWLEDGMENT
        assert "acknowledgment.person_will_answer" not in action.rules

    def test_a_long_inquiry_is_quoted_to_the_rep_in_whole_words(self) -> None:
        """The brief quoted "...between 12 and 1. Please ca": cut mid-word, it read as the lead's typo."""
        words = (
            "Can I please speak to an actual person? " + "I filled in three of these forms this week. " * 5
        )
        given = snapshot(
            events=(asking(words + "Please call me."),), touches=sent_sequence(0), with_inquiry=False
        )

        action = decide(given, day(0, hours=0.02))

        assert isinstance(action, HandOff)
        quoted = action.detail.split(": ", 1)[1].strip('"')
        assert quoted.endswith(" …") and len(quoted) <= 160
        assert (words + "Please call me.").startswith(quoted.removesuffix(" …"))
        assert quoted.removesuffix(" …").split()[-1] in (words + "Please call me.").split()

    def test_an_inquiry_that_only_asks_a_question_is_not_handed_off(self) -> None:
        question = replace(inquiry(), reading=ReplyReading(ReplyIntent.QUESTION, 0.9, "learned:test"))
        given = snapshot(events=(question,), touches=sent_sequence(0), with_inquiry=False)

        assert not isinstance(decide(given, day(0, hours=0.02)), HandOff)


class TestPricingTriggerFromPageRules:
    def test_a_financing_page_visit_is_pricing_interest_by_default(self) -> None:
        given = snapshot(
            events=(visit(day(2, hours=1), url="https://x.example/financing"),), touches=sent_sequence(0, 1)
        )

        action = decide(given, day(2, hours=2))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.PRICING

    def test_the_business_patterns_replace_the_shipped_ones(self) -> None:
        pages = {**DEFAULT_PAGES, "pricing": PageRule(("/precios",))}
        config = replace(DEFAULT_CONFIG, scoring=ScoringConfig(pages=pages))
        given = snapshot(
            events=(visit(day(2, hours=1), url="https://x.example/es/precios"),), touches=sent_sequence(0, 1)
        )

        action = next_action(given, SEQUENCES, day(2, hours=2), config)

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.PRICING


class TestATriggerNeverAnswersTheTouchThatCausedIt:
    def test_a_case_study_click_inside_a_social_proof_email_is_not_a_new_trigger(self) -> None:
        touches = sent_sequence(0, 1, 3)
        proof = touches[2]
        url = "https://x.example/case-studies/luna"
        click = event(EventType.CLICK, day(3, hours=5), touch_id=proof.id, url=url, user_agent=HUMAN_AGENT)
        landing = visit(day(3, hours=5) + timedelta(seconds=4), url=url)
        given = snapshot(events=(opened(proof), click, landing), touches=touches)

        action = decide(given, day(4))

        assert not (isinstance(action, DraftTouch) and action.purpose is TouchPurpose.SOCIAL_PROOF)
        assert "trigger.case_study" not in action.rules

    def test_the_same_page_read_days_later_on_its_own_is_a_trigger(self) -> None:
        touches = sent_sequence(0, 1, 3)
        url = "https://x.example/case-studies/luna"
        given = snapshot(events=(visit(day(7), url=url),), touches=touches)

        action = decide(given, day(7, hours=1))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.SOCIAL_PROOF


class TestAReturningLead:
    def test_a_return_after_a_long_absence_outranks_a_download(self) -> None:
        touches = sent_sequence(0, 1, 3, 7, 14)
        comeback = event(
            EventType.DOWNLOAD, day(60), channel=None, url="https://x.example/downloads/guide.pdf"
        )
        given = snapshot(events=(opened(touches[1]), comeback), touches=touches)

        action = decide(given, day(60, hours=1))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.RE_ENGAGEMENT


class TestDayCountingAtTheStepLocalTime:
    def test_day_7_at_10_is_10_local_after_the_daylight_saving_change(self) -> None:
        plan = SEQUENCES["new_lead"].model_copy(
            update={
                "steps": (
                    *SEQUENCES["new_lead"].steps[:3],
                    Step(purpose=TouchPurpose.FAQ, day=7, at=time(10, 0)),
                    *SEQUENCES["new_lead"].steps[4:],
                )
            }
        )
        sequences = {**SEQUENCES, "new_lead": plan}
        asked = datetime(2027, 3, 10, 15, 40, tzinfo=CHICAGO)  # CST; day 7 is after March 14 (CDT)
        touches = tuple(touch(i, asked + timedelta(days=d, seconds=20)) for i, d in enumerate((0, 1, 3)))
        given = snapshot(events=(inquiry(asked),), touches=touches, with_inquiry=False)

        no_caps = replace(DEFAULT_CONFIG, caps=())  # only the step's own time matters here
        action = next_action(given, sequences, asked + timedelta(days=5), no_caps)

        assert isinstance(action, Wait)
        assert action.until == datetime(2027, 3, 17, 10, 0, tzinfo=CHICAGO).astimezone(UTC)


class TestAcknowledgmentOnTheLeadsOwnChannel:
    def test_an_sms_only_b2b_lead_who_texts_on_a_weekend_night_is_answered_by_text_at_once(self) -> None:
        saturday_night = datetime(2026, 11, 28, 23, 30, tzinfo=CHICAGO)
        texted = event(EventType.INQUIRY, saturday_night, channel=Channel.SMS, message="Need a quote")
        who = lead(email=None, phone="+13125550100", consent_email=False, consent_sms=True)
        given = snapshot(of=who, events=(texted,), with_inquiry=False)

        action = decide(given, saturday_night + timedelta(seconds=10))

        assert isinstance(action, DraftTouch)
        assert (action.purpose, action.channel) == (TouchPurpose.ACKNOWLEDGMENT, Channel.SMS)

    def test_a_lead_with_an_email_who_texted_in_is_answered_by_text(self) -> None:
        at = datetime(2026, 11, 24, 7, 0, tzinfo=CHICAGO)
        texted = event(EventType.INQUIRY, at, channel=Channel.SMS, message="Do you do weekends?")
        who = lead(phone="+13125550100", consent_sms=True)
        given = snapshot(of=who, events=(texted,), with_inquiry=False)

        action = decide(given, at + timedelta(seconds=10))

        assert isinstance(action, DraftTouch) and action.channel is Channel.SMS


class TestStatedChannelPreferences:
    def test_a_reply_saying_text_me_instead_moves_the_next_touch_to_sms(self) -> None:
        said = reply(day(1, hours=3), ReplyIntent.OTHER, text="Please text me instead, I never check email.")
        handled = HandoffRecord("direct_reply", day(1, hours=3), "closed", day(1, hours=4))
        who = lead(phone="+13125550100", consent_sms=True)
        given = snapshot(of=who, events=(said,), touches=sent_sequence(0, 1), handoffs=(handled,))

        action = decide(given, day(3, hours=1))

        assert isinstance(action, DraftTouch) and action.channel is Channel.SMS
        assert "channel.stated_by_lead" in action.rules

    def test_a_stated_preference_without_consent_is_not_followed(self) -> None:
        said = reply(day(1, hours=3), ReplyIntent.OTHER, text="Text me instead.")
        handled = HandoffRecord("direct_reply", day(1, hours=3), "closed", day(1, hours=4))
        who = lead(phone="+13125550100", consent_sms=False)
        given = snapshot(of=who, events=(said,), touches=sent_sequence(0, 1), handoffs=(handled,))

        action = decide(given, day(3, hours=1))

        assert isinstance(action, DraftTouch) and action.channel is Channel.EMAIL


class TestUnsubscribeByTheEmailLink:
    def test_it_stops_every_channel_even_with_a_phone_and_sms_consent(self) -> None:
        who = lead(phone="+13125550100", consent_sms=True)
        link = event(EventType.UNSUBSCRIBE, day(5), via="link")
        given = snapshot(
            of=who, events=(link,), touches=sent_sequence(0, 1, 3), suppressed=frozenset({Channel.EMAIL})
        )

        action = decide(given, day(14))

        assert isinstance(action, Stop) and action.reason == "unsubscribed"

    def test_a_channel_chosen_afterwards_on_the_preference_page_stays_open(self) -> None:
        who = lead(phone="+13125550100", consent_sms=True, preferred_channel=Channel.SMS)
        link = event(EventType.UNSUBSCRIBE, day(5), via="link")
        chose = event(EventType.PREFERENCE, day(5, hours=0.1), channel=Channel.SMS)
        given = snapshot(
            of=who,
            events=(link, chose),
            touches=sent_sequence(0, 1, 3),
            suppressed=frozenset({Channel.EMAIL}),
        )

        action = decide(given, day(7, hours=1))

        assert isinstance(action, DraftTouch | Wait) and not isinstance(action, Stop)
        assert action.channel is Channel.SMS


class TestInFlight:
    def test_a_draft_awaiting_review_means_wait(self) -> None:
        from agent.domain import TouchState

        pending = touch(1, day(1), state=TouchState.PENDING_REVIEW)
        given = snapshot(events=(visit(day(1, hours=1)),), touches=(*sent_sequence(0), pending))

        action = decide(given, day(1, hours=2))

        assert isinstance(action, Wait) and "touch.in_flight" in action.rules


class TestCountingAndEnrolment:
    def test_the_acknowledgment_does_not_use_up_the_day_one_follow_up(self) -> None:
        given = snapshot(touches=sent_sequence(0))

        action = decide(given, day(1))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.VALUE_ADD

    def test_the_acknowledgment_counts_in_the_week_cap(self) -> None:
        touches = (*sent_sequence(0), touch(1, day(1)), touch(2, day(3)))
        given = snapshot(touches=touches)

        action = decide(given, day(6, hours=23))  # three sent within 7 days

        assert isinstance(action, Wait) and "cap.week" in action.rules

    def test_steps_already_sent_in_a_milestone_sequence_are_not_sent_again(self) -> None:
        quoted = event(EventType.QUOTE_SENT, day(20), channel=None)
        touches = (*sent_sequence(0, 1, 3), touch(0, day(22), sequence="post_quote"))
        given = snapshot(events=(quoted,), touches=touches)

        action = decide(given, day(23))

        assert isinstance(action, Wait) and action.purpose is TouchPurpose.SOCIAL_PROOF

    def test_a_purchase_after_unopened_emails_does_not_slow_the_onboarding_down(self) -> None:
        touches = sent_sequence(0, 1, 3, 7, 14)
        bought = event(EventType.PURCHASE, day(15), channel=None)
        given = snapshot(events=(bought,), touches=touches)

        action = decide(given, day(15, hours=0.1))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.VALUE_ADD
        assert "engagement.unopened.slow_down" not in action.rules

    def test_a_ticket_receipt_reply_is_not_engagement(self) -> None:
        receipt = replace(
            event(EventType.REPLY, day(1, hours=1), message="Your request has been logged as ticket #4821"),
            reading=ReplyReading(ReplyIntent.AUTO_REPLY, 0.9, "learned:test", handoff=False),
        )
        from agent.scoring import read_activity

        activity = read_activity(snapshot(events=(receipt,)), ScoringConfig())

        assert [a.machine for a in activity if a.signal == "reply"] == ["an automatic reply (auto reply)"]

    def test_a_high_value_lead_a_rep_already_had_is_not_handed_off_again(self) -> None:
        who = lead(deal_value=74500)
        had = HandoffRecord("imported", day(0, hours=12), "closed", day(1))
        given = snapshot(of=who, touches=sent_sequence(0), handoffs=(had,))

        assert not isinstance(decide(given, day(1, hours=1)), HandOff)


class TestSequencesThatFollowOthers:
    def test_nurture_after_a_finished_quote_sequence_counts_from_its_last_touch(self) -> None:
        quoted = event(EventType.QUOTE_SENT, day(1), channel=None)
        touches = (
            *sent_sequence(0),
            *(touch(i, day(1 + d), sequence="post_quote") for i, d in enumerate((2, 5, 9, 14))),
        )
        given = snapshot(events=(quoted,), touches=touches)

        action = decide(given, day(20))

        assert isinstance(action, Wait) and action.purpose is TouchPurpose.NURTURE
        assert action.until == day(15 + 30)

    def test_a_quiet_lead_reengaged_gets_the_next_reengagement_step(self) -> None:
        touches = sent_sequence(0, 1, 3, 7, 14, 30)
        clicked = event(EventType.CLICK, day(31), touch_id=touches[-1].id, url="https://x.example/blog")
        first = touch(0, day(61, hours=1), sequence="re_engagement")
        given = snapshot(events=(clicked,), touches=(*touches, first))

        action = decide(given, day(64))

        assert isinstance(action, Wait) and action.purpose is TouchPurpose.VALUE_ADD
        assert "enrol.re_engagement.quiet_30_days" in action.rules


class TestHotLeads:
    def test_a_meeting_booked_and_held_does_not_make_the_lead_hot_for_another_handoff(self) -> None:
        booked = event(EventType.MEETING_BOOKED, day(1), channel=None)
        held = event(EventType.MEETING_HELD, day(3), channel=None)
        touches = (*sent_sequence(0), touch(0, day(1, hours=1), sequence="meeting_booked"))
        opens = tuple(opened(t, after=timedelta(hours=2)) for t in touches)
        given = snapshot(events=(booked, held, *opens), touches=touches)

        action = decide(given, day(3, hours=0.1))

        assert isinstance(action, DraftTouch) and action.purpose is TouchPurpose.POST_MEETING


class TestTheTimeline:
    def test_a_wait_in_a_local_zone_is_described_in_utc(self) -> None:
        from agent.policy import describe

        local = datetime(2027, 3, 1, 9, 0, tzinfo=CHICAGO)

        assert describe(Wait(until=local, rules=())) == "wait until 2027-03-01 15:00 UTC"


class TestMachineActivity:
    def test_an_open_seconds_after_a_late_delivery_is_a_machine(self) -> None:
        from agent.scoring import read_activity

        (ack,) = sent_sequence(0)
        assert ack.sent_at is not None
        delivered = event(EventType.DELIVERED, ack.sent_at + timedelta(minutes=3), touch_id=ack.id)
        scanner_open = event(
            EventType.OPEN,
            ack.sent_at + timedelta(minutes=3, seconds=2),
            touch_id=ack.id,
            user_agent=HUMAN_AGENT,
        )

        activity = read_activity(snapshot(events=(delivered, scanner_open), touches=(ack,)), ScoringConfig())

        assert [a.human for a in activity if a.signal == "open"] == [False]


class TestAwayNotices:
    def test_the_wait_ends_the_morning_after_the_return_date_and_names_the_next_touch(self) -> None:
        from datetime import date

        away = reply(day(1, hours=3), ReplyIntent.OUT_OF_OFFICE, returns=date(2026, 12, 2))
        given = snapshot(events=(away,), touches=sent_sequence(0, 1))

        action = decide(given, day(1, hours=3))

        assert isinstance(action, Wait)
        assert action.until == datetime(2026, 12, 3, 8, 0, tzinfo=CHICAGO).astimezone(UTC)
        assert (action.purpose, action.channel) == (TouchPurpose.SOCIAL_PROOF, Channel.EMAIL)
