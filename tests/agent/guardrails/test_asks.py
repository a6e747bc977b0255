"""Value before the ask: one clear next step, after something useful, and 3 value touches per ask."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.domain import LeadContext
from agent.guardrails import PriorMessage, check_call_to_action, check_value_first, check_value_per_ask
from agent.guardrails.asks import is_ask, is_hard_ask
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import CASE_STUDY, LEAD, codes, context, email, sms, value_touches

VALUE = "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before."
FAQ = Source(
    id="faqs/memberships-and-packages",
    type=DocType.FAQ,
    title="Can I sell memberships, class packs and packages?",
    url=None,
    text="Yes, on every plan. You can sell recurring memberships, class packs and session bundles. "
    "Billing runs automatically.",
    score=0.7,
)


class TestIsAsk:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Which day hurts most?",
            "Would Tuesday at 10:00 or Wednesday at 14:00 work for a short call?",
            "Let me know which one suits you.",
            "Reply with a time that works.",
            "Just reply and I will send it over.",
            "Book a time on my calendar.",
        ],
    )
    def test_questions_and_requests_are_asks(self, sentence: str) -> None:
        assert is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            'Our FAQ "How do reminders work?" covers it.',
            "Maya will reply to you personally soon.",
            "Clients reply to confirm or reschedule.",
            "Here is the guide.",
        ],
    )
    def test_statements_and_quoted_titles_are_not_asks(self, sentence: str) -> None:
        assert not is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Who wants to spend Saturday morning looking at an empty chair?",
            "Who wouldn't want a full book every Saturday?",
            "A question finance teams usually ask early: how is the data protected?",
            "Firms often raise 'Is there a contract, and how do I cancel?' before committing.",
            "You can grab it here: https://northstar-bookings.example/x",
        ],
    )
    def test_rhetorical_questions_and_pointers_to_a_resource_ask_nothing(self, sentence: str) -> None:
        assert not is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Quick question before anything else: would a deposit feel fair?",
            "Let me ask: would Tuesday work?",
            "Grab a time that suits you.",
        ],
    )
    def test_a_question_after_a_colon_is_still_an_ask(self, sentence: str) -> None:
        assert is_ask(sentence)

    @pytest.mark.parametrize(
        ("sentence", "hard"),
        [
            ("Would a short call on Tuesday at 10:00 suit you?", True),
            ("Shall we book a demo?", True),
            ("Want to start a trial this week?", True),
            ("Which day of the week hurts most?", False),
            ("Would you like the checklist?", False),
            ("Can we talk this week?", True),
            ("Would it help if I walked you through how this applies to Luna?", True),
            ("Would it help to go through the numbers on Tuesday at 10:00 or Wednesday at 14:00?", True),
            ("Do your clients call to reschedule, or text?", False),
            ("Do most of your students buy packs or pay per class?", False),
            ("Do clients book through Instagram or by phone?", False),
            ("Would the firm take the fee at booking, or after the meeting?", False),
        ],
    )
    def test_hard_asks_want_time_or_money(self, sentence: str, hard: bool) -> None:
        assert is_hard_ask(sentence) is hard


class TestCheckCallToAction:
    def test_one_question_passes(self) -> None:
        assert check_call_to_action(email(), context()) == []

    def test_no_ask_fires(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]

    def test_two_asks_fire_on_the_second_with_its_span(self) -> None:
        body = f"Hi Dana,\n\nWhich day hurts most? {VALUE} Shall I send the guide?\n\nBest,\nMaya"

        violations = check_call_to_action(email(body=body), context())

        assert codes(violations) == ["cta.multiple"]
        assert email(body=body).body[violations[0].start : violations[0].end] == "Shall I send the guide?"

    def test_two_time_options_in_one_question_are_one_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWould Tuesday at 10:00 or Wednesday at 14:00 suit you?\n\nBest,\nMaya"

        assert check_call_to_action(email(body=body), context()) == []

    def test_the_sms_opt_out_line_is_not_an_ask(self) -> None:
        assert check_call_to_action(sms(), context()) == []

    def test_two_time_options_in_two_questions_are_one_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWould Tuesday at 10:00 work? Or is Wednesday at 14:00 better?\n\nBest"

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_question_in_a_postscript_is_a_second_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWhich day hurts most?\n\nBest,\nMaya\n\nP.S. Want the guide too?"

        violations = check_call_to_action(email(body=body), context())

        assert codes(violations) == ["cta.multiple"]
        assert body[violations[0].start : violations[0].end] == "Want the guide too?"

    def test_a_rhetorical_question_alone_leaves_no_next_step(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWho wouldn't want a full book every Saturday?\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]


class TestCheckValueFirst:
    def test_value_then_ask_passes(self) -> None:
        assert check_value_first(email(), context()) == []

    def test_ask_before_any_value_fires_on_the_ask(self) -> None:
        body = f"Hi Dana,\n\nCan we talk this week?\n\n{VALUE}\n\nBest,\nMaya"

        violations = check_value_first(email(body=body), context())

        assert codes(violations) == ["value.after_ask"]
        assert body[violations[0].start : violations[0].end] == "Can we talk this week?"

    def test_nothing_from_the_sources_fires(self) -> None:
        body = "Hi Dana,\n\nI hope the week is going well at the studio. Which day hurts most?\n\nBest,\nMaya"

        assert codes(check_value_first(email(body=body), context())) == ["value.missing"]

    @pytest.mark.parametrize(
        "value",
        [
            "Fade & Co. sends clients an SMS the day before, and they answer to confirm or reschedule.",
            "No-shows went down 34 percent.",
            "You can sell session bundles on every plan, and billing runs by itself.",
        ],
    )
    def test_a_source_told_another_way_counts_as_value(self, value: str) -> None:
        body = f"Hi Dana,\n\n{value}\n\nWhich day hurts most?\n\nBest,\nMaya"

        assert check_value_first(email(body=body), context(sources=(CASE_STUDY, FAQ))) == []

    def test_a_question_in_the_source_words_is_not_value(self) -> None:
        body = (
            "Hi Dana,\n\nCan you sell session bundles on every plan, with billing that runs itself?\n\nBest"
        )

        violations = check_value_first(email(body=body), context(sources=(FAQ,)))

        assert codes(violations) == ["value.missing"]

    def test_a_link_counts_as_value(self) -> None:
        body = "Hi Dana,\n\nThe guide is at https://northstar-bookings.example/x. Which day hurts most?"

        assert check_value_first(email(body=body), context()) == []

    def test_an_acknowledgment_may_be_only_a_fast_honest_reply(self) -> None:
        body = (
            "Hi Dana,\n\nThanks for writing; a person will reply soon. Which day hurts most?\n\nBest,\nMaya"
        )

        assert check_value_first(email(body=body), context(purpose="acknowledgment")) == []


class TestCheckValuePerAsk:
    CALL = f"Hi Dana,\n\n{VALUE}\n\nWould a short call on Tuesday at 10:00 suit you?\n\nBest,\nMaya"

    def test_a_call_after_too_little_value_fires(self) -> None:
        violations = check_value_per_ask(email(body=self.CALL), context(previous=value_touches(1)))

        assert codes(violations) == ["value.per_ask"]
        assert "after 1 value message(s)" in violations[0].message

    def test_the_value_this_message_gives_does_not_earn_its_own_ask(self) -> None:
        violations = check_value_per_ask(email(body=self.CALL), context(previous=value_touches(2)))

        assert codes(violations) == ["value.per_ask"]

    def test_a_call_after_three_value_messages_passes(self) -> None:
        assert check_value_per_ask(email(body=self.CALL), context(previous=value_touches(3))) == []

    def test_the_count_starts_again_after_each_hard_ask(self) -> None:
        earlier_ask = PriorMessage("Would a call on Monday at 10:00 work?", "faq")
        previous = (*value_touches(3), earlier_ask)

        assert codes(check_value_per_ask(email(body=self.CALL), context(previous=previous))) == [
            "value.per_ask"
        ]
        assert codes(
            check_value_per_ask(email(body=self.CALL), context(previous=(*previous, *value_touches(2))))
        ) == ["value.per_ask"]
        assert (
            check_value_per_ask(email(body=self.CALL), context(previous=(*previous, *value_touches(3)))) == []
        )

    def test_a_lead_who_asked_for_a_call_may_be_offered_one(self) -> None:
        lead: LeadContext = replace(LEAD, inquiry_text="Could we have a quick call about pricing?")

        assert check_value_per_ask(email(body=self.CALL), context(lead=lead)) == []

    def test_after_a_meeting_the_next_step_may_ask_again(self) -> None:
        assert check_value_per_ask(email(body=self.CALL), context(purpose="post_meeting")) == []

    def test_a_soft_question_is_always_fine(self) -> None:
        assert check_value_per_ask(email(), context()) == []
