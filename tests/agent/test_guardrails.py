"""Tests for the guardrail checks: each fires on a bad draft, is quiet on a good one, and spans the text."""

from __future__ import annotations

import pytest

from agent.domain import Channel
from agent.guardrails import (
    BANNED_PHRASES,
    EMAIL_WORDS,
    SMS_MAX_CHARS,
    DraftText,
    Violation,
    check_banned_phrases,
    check_length,
    check_placeholders,
    check_sms_opt_out,
    run_checks,
)

GOOD_EMAIL_BODY = (
    "Hi Dana,\n\n"
    "Thanks for your note about Saturday no-shows at Luna Hair Studio. Salons like yours usually lose the "
    "most on colour appointments, because each one blocks a chair for hours.\n\n"
    "Luna's neighbours at Fade & Co. cut no-shows by a third with an SMS reminder the day before that "
    "clients can answer to confirm or reschedule.\n\n"
    "Would a 15-minute call on Tuesday at 10:00 or Wednesday at 14:00 suit you?\n\n"
    "Best,\nMaya"
)
GOOD_SMS_BODY = (
    "Hi Dana, Maya from Northstar Bookings here. Thanks for asking about no-shows: I'll email you a short "
    "guide today. Is a quick call tomorrow at 10:00 OK? Reply STOP to opt out."
)


def email(*, body: str = GOOD_EMAIL_BODY, subject: str | None = "Your question about no-shows") -> DraftText:
    return DraftText(channel=Channel.EMAIL, body=body, subject=subject)


def sms(*, body: str = GOOD_SMS_BODY) -> DraftText:
    return DraftText(channel=Channel.SMS, body=body)


def words(count: int) -> str:
    return " ".join(["word"] * count)


def codes(violations: list[Violation]) -> list[str]:
    return [violation.code for violation in violations]


class TestGoodDrafts:
    def test_good_email_passes_every_check(self) -> None:
        assert run_checks(email()) == []

    def test_good_sms_passes_every_check(self) -> None:
        assert run_checks(sms()) == []


class TestCheckLength:
    @pytest.mark.parametrize("count", [EMAIL_WORDS[0], 100, EMAIL_WORDS[1]])
    def test_email_within_50_to_150_words_is_quiet(self, count: int) -> None:
        assert check_length(email(body=words(count))) == []

    @pytest.mark.parametrize("count", [0, 12, EMAIL_WORDS[0] - 1])
    def test_email_under_50_words_fires(self, count: int) -> None:
        violations = check_length(email(body=words(count)))

        assert codes(violations) == ["length.email"]
        assert f"{count} words" in violations[0].message

    @pytest.mark.parametrize("count", [EMAIL_WORDS[1] + 1, 400])
    def test_email_over_150_words_fires(self, count: int) -> None:
        violations = check_length(email(body=words(count)))

        assert codes(violations) == ["length.email"]
        assert f"{count} words" in violations[0].message

    def test_email_subject_does_not_count_towards_the_body(self) -> None:
        assert check_length(email(body=words(EMAIL_WORDS[0]), subject=words(200))) == []

    def test_sms_of_320_characters_is_quiet(self) -> None:
        assert check_length(sms(body="x" * SMS_MAX_CHARS)) == []

    def test_sms_over_320_characters_fires(self) -> None:
        violations = check_length(sms(body="x" * (SMS_MAX_CHARS + 1)))

        assert codes(violations) == ["length.sms"]
        assert str(SMS_MAX_CHARS + 1) in violations[0].message

    def test_short_sms_is_not_held_to_email_word_counts(self) -> None:
        assert check_length(sms(body="Hi Dana, see you Tuesday at 10:00? Reply STOP to opt out.")) == []


class TestCheckBannedPhrases:
    def test_good_draft_is_quiet(self) -> None:
        assert check_banned_phrases(email()) == []

    @pytest.mark.parametrize("phrase", BANNED_PHRASES)
    def test_each_banned_phrase_fires_with_a_span_on_it(self, phrase: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{phrase.capitalize()} about your booking question.\n\nBest,\nMaya")

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        span = violations[0]
        assert span.start is not None
        assert draft.body[span.start : span.end].lower() == phrase

    def test_match_is_case_insensitive_and_span_keeps_the_original_case(self) -> None:
        draft = email(body="Hi Dana, JUST Checking In on the no-show question you had.")

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        assert draft.body[violations[0].start : violations[0].end] == "JUST Checking In"

    def test_span_is_right_without_a_subject(self) -> None:
        draft = email(body="Quick note: circling back on Tuesday's call.", subject=None)

        violations = check_banned_phrases(draft)

        assert [draft.body[v.start : v.end] for v in violations] == ["circling back"]

    def test_several_phrases_each_get_their_own_span(self) -> None:
        draft = email(body="Touching base here, and per my last email, just following up.")

        spans = {draft.body[v.start : v.end] for v in check_banned_phrases(draft)}

        assert spans == {"Touching base", "per my last email", "just following up"}

    def test_phrase_in_the_subject_has_no_span_into_the_body(self) -> None:
        draft = email(
            body="Hi Dana, here is the reminder guide I promised you on Monday.", subject="Just checking in"
        )

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        span = violations[0]
        # A span indexes draft.body: a subject hit must carry none rather than point at unrelated body text.
        assert span.start is None or draft.body[span.start : span.end].lower() == "just checking in"

    def test_span_is_right_after_a_capital_letter_that_lowercases_to_two_characters(self) -> None:
        # "İ".lower() is two characters long, so spans found in lowercased text drift from the body.
        draft = email(body="İpek, just checking in about the Istanbul studio.", subject="Hello")

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        assert draft.body[violations[0].start : violations[0].end] == "just checking in"


class TestCheckPlaceholders:
    def test_good_draft_is_quiet(self) -> None:
        assert check_placeholders(email()) == []

    @pytest.mark.parametrize(
        "placeholder",
        ["[Name]", "[First Name]", "{{first_name}}", "{{ first_name }}", "{company}", "<company>"],
    )
    def test_unfilled_placeholder_fires_with_a_span_on_it(self, placeholder: str) -> None:
        draft = email(body=f"Hi {placeholder}, thanks for asking about reminders.")

        violations = check_placeholders(draft)

        assert codes(violations) == ["placeholder"]
        assert draft.body[violations[0].start : violations[0].end] == placeholder
        assert placeholder in violations[0].message

    @pytest.mark.parametrize("placeholder", ["XX", "XXX", "TBD"])
    def test_filler_tokens_fire(self, placeholder: str) -> None:
        draft = email(body=f"Your plan would cost {placeholder} a month.")

        violations = check_placeholders(draft)

        assert codes(violations) == ["placeholder"]
        assert draft.body[violations[0].start : violations[0].end] == placeholder

    def test_every_placeholder_is_reported(self) -> None:
        draft = email(body="Hi [Name], how is {company} doing with <service>?")

        spans = [draft.body[v.start : v.end] for v in check_placeholders(draft)]

        assert spans == ["[Name]", "{company}", "<service>"]

    def test_placeholder_in_the_subject_is_reported_without_a_body_span(self) -> None:
        violations = check_placeholders(email(subject="A resource for {company}"))

        assert codes(violations) == ["placeholder.subject"]
        assert (violations[0].start, violations[0].end) == (None, None)

    def test_ordinary_brackets_and_names_are_quiet(self) -> None:
        draft = email(body="Hi Dana (and the team at Luna), the Team plan [billed monthly] costs $79.")

        assert check_placeholders(draft) == []


class TestCheckSmsOptOut:
    def test_sms_with_opt_out_is_quiet(self) -> None:
        assert check_sms_opt_out(sms()) == []

    def test_opt_out_is_found_in_any_case(self) -> None:
        assert check_sms_opt_out(sms(body="Hi Dana, call Tuesday? reply stop to opt out")) == []

    def test_sms_without_opt_out_fires(self) -> None:
        violations = check_sms_opt_out(sms(body="Hi Dana, Maya here. Is a call on Tuesday at 10:00 OK?"))

        assert codes(violations) == ["sms.opt_out"]

    def test_stop_inside_another_word_is_not_an_opt_out(self) -> None:
        draft = sms(body="Hi Dana, our nonstop booking line takes calls all weekend. Want the number?")

        assert codes(check_sms_opt_out(draft)) == ["sms.opt_out"]

    def test_email_does_not_need_an_sms_opt_out(self) -> None:
        assert check_sms_opt_out(email()) == []


class TestRunChecks:
    def test_collects_violations_from_every_check(self) -> None:
        draft = sms(body="Hi [Name], just checking in! " + "x" * SMS_MAX_CHARS)

        assert sorted(codes(run_checks(draft))) == [
            "banned_phrase",
            "length.sms",
            "placeholder",
            "sms.opt_out",
        ]

    def test_runs_only_the_checks_it_is_given(self) -> None:
        draft = sms(body="Hi [Name], just checking in!")

        assert codes(run_checks(draft, checks=[check_placeholders])) == ["placeholder"]

    def test_violation_serialises_with_its_span(self) -> None:
        violation = check_placeholders(email(body="Hi [Name]"))[0]

        assert violation.as_dict() == {
            "code": "placeholder",
            "message": 'unfilled placeholder "[Name]"',
            "start": 3,
            "end": 9,
        }
