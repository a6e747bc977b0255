"""The form checks: length, filler, placeholders, SMS opt-out, spam tells, reading grade, subject."""

from __future__ import annotations

import pytest

from agent.guardrails import (
    BANNED_PHRASES,
    EMAIL_WORDS,
    SMS_MAX_CHARS,
    check_banned_phrases,
    check_length,
    check_placeholders,
    check_reading_grade,
    check_sms_opt_out,
    check_spam_signals,
    check_subject,
)
from tests.agent.guardrails.drafts import codes, context, email, sms, words


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

    @pytest.mark.parametrize(
        ("sentence", "filler"),
        [
            ("I just wanted to check in and see how it went.", "wanted to check in"),
            ("I wanted to circle back on the guide.", "circle back"),
            ("I hope this message finds you well.", "finds you well"),
            ("Just a quick nudge on my last email.", "quick nudge"),
            ("As per my previous email, here it is.", "per my previous email"),
        ],
    )
    def test_filler_reworded_still_fires(self, sentence: str, filler: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{sentence}\n\nBest,\nMaya")

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        assert draft.body[violations[0].start : violations[0].end].lower() == filler

    def test_a_phrase_inside_a_longer_word_is_quiet(self) -> None:
        draft = email(
            body="Hi Dana,\n\nClients check in at the desk, then the circle backdrop photo.\n\nBest"
        )

        assert check_banned_phrases(draft) == []

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
        [
            "[Name]",
            "[First Name]",
            "{{first_name}}",
            "{{ first_name }}",
            "{{ lead.company }}",
            "{company}",
            "<company>",
            "<Company Name>",
            "%FIRST_NAME%",
        ],
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

    @pytest.mark.parametrize(
        "line", ['Reply "STOP" to opt out.', "Text STOP to unsubscribe.", "Reply ‘stop’ to end."]
    )
    def test_the_usual_ways_of_writing_the_opt_out_are_found(self, line: str) -> None:
        assert check_sms_opt_out(sms(body=f"Hi Dana, Maya here. Which day suits you? {line}")) == []

    def test_sms_without_opt_out_fires(self) -> None:
        violations = check_sms_opt_out(sms(body="Hi Dana, Maya here. Is a call on Tuesday at 10:00 OK?"))

        assert codes(violations) == ["sms.opt_out"]

    def test_stop_inside_another_word_is_not_an_opt_out(self) -> None:
        draft = sms(body="Hi Dana, our nonstop booking line takes calls all weekend. Want the number?")

        assert codes(check_sms_opt_out(draft)) == ["sms.opt_out"]

    def test_email_does_not_need_an_sms_opt_out(self) -> None:
        assert check_sms_opt_out(email()) == []


class TestCheckSpamSignals:
    def test_good_drafts_are_quiet(self) -> None:
        assert check_spam_signals(email(), context()) == []
        assert check_spam_signals(sms(), context()) == []

    @pytest.mark.parametrize(
        "phrase", ["100% free", "risk-free", "Click here", "no obligation", "guaranteed"]
    )
    def test_spam_phrases_fire_with_a_span(self, phrase: str) -> None:
        draft = email(body=f"Hi Dana,\n\nOur setup is {phrase} for salons.")

        violations = check_spam_signals(draft, context())

        assert codes(violations) == ["spam.phrase"]
        assert draft.body[violations[0].start : violations[0].end].lower() == phrase.lower()

    def test_shouting_in_capitals_fires(self) -> None:
        violations = check_spam_signals(
            email(body="Hi Dana, this is a HUGE chance for the studio."), context()
        )

        assert codes(violations) == ["spam.caps"]

    def test_acronyms_and_capitals_the_sources_use_are_fine(self) -> None:
        body = "Hi Dana, our SMS reminders are HIPAA ready and the ROI shows in the first month."

        assert check_spam_signals(email(body=body), context()) == []

    def test_capitals_in_the_subject_fire_without_a_body_span(self) -> None:
        violations = check_spam_signals(email(subject="URGENT: your no-shows"), context())

        assert codes(violations) == ["spam.caps"]
        assert violations[0].start is None

    @pytest.mark.parametrize("body", ["Great news!! Here it is.", "Wow! Really! Truly! Yes."])
    def test_stacked_or_many_exclamation_marks_fire(self, body: str) -> None:
        assert codes(check_spam_signals(email(body=body), context())) == ["spam.exclamation"]

    def test_one_exclamation_mark_is_fine(self) -> None:
        assert check_spam_signals(email(body="Thanks for writing, Dana! Here is the guide."), context()) == []

    def test_the_sms_opt_out_keyword_is_not_shouting(self) -> None:
        assert check_spam_signals(sms(), context()) == []
        quoted = sms(body='Hi Dana, Maya here. Which day suits you? Reply "STOP" to opt out.')
        assert check_spam_signals(quoted, context()) == []


class TestCheckReadingGrade:
    SIMPLE = (
        "Hi Dana,\n\nThanks for your note. No-shows hurt. A reminder the day before helps a lot. "
        "Clients can reply to confirm. Most salons see fewer gaps in a month. Want the guide? "
        "It is short and free to read. You can try it this week.\n\nBest,\nMaya"
    )
    DENSE = (
        "Hi Dana,\n\nOperationalising comprehensive appointment-confirmation methodologies necessitates "
        "considerable organisational commitment, particularly regarding communication infrastructure "
        "modernisation initiatives. Administrative simplification consequently facilitates substantially "
        "improved utilisation characteristics throughout appointment-dependent establishments. "
        "Comprehensive implementation documentation accompanies every organisational configuration."
        "\n\nBest,\nMaya"
    )

    def test_plain_writing_passes(self) -> None:
        assert check_reading_grade(email(body=self.SIMPLE), context(max_reading_grade=8)) == []

    def test_dense_writing_fires_with_the_grade_and_the_limit(self) -> None:
        violations = check_reading_grade(email(body=self.DENSE), context(max_reading_grade=12))

        assert codes(violations) == ["reading_grade"]
        assert "limit is 12" in violations[0].message

    def test_the_limit_follows_the_audience(self) -> None:
        body = self.SIMPLE.replace(
            "A reminder the day before helps a lot.",
            "Automated confirmation reminders considerably improve attendance reliability.",
        )

        assert check_reading_grade(email(body=body), context(max_reading_grade=14)) == []
        assert codes(check_reading_grade(email(body=body), context(max_reading_grade=4))) == ["reading_grade"]

    def test_text_too_short_to_grade_is_not_judged(self) -> None:
        assert check_reading_grade(email(body="Hi Dana, extraordinarily comprehensive."), context()) == []


class TestCheckSubject:
    def test_a_plain_subject_passes(self) -> None:
        assert check_subject(email(), context()) == []

    @pytest.mark.parametrize("subject", [None, "", "   "])
    def test_email_without_a_subject_fires(self, subject: str | None) -> None:
        assert codes(check_subject(email(subject=subject), context())) == ["subject.missing"]

    def test_overlong_subject_fires(self) -> None:
        assert codes(check_subject(email(subject="x" * 79), context())) == ["subject.length"]

    @pytest.mark.parametrize("subject", ["Re: your booking question", "FWD: no-shows", "fw: quick idea"])
    def test_fake_reply_or_forward_prefix_fires(self, subject: str) -> None:
        assert codes(check_subject(email(subject=subject), context())) == ["subject.deceptive"]

    def test_re_is_honest_when_we_really_reply(self) -> None:
        assert check_subject(email(subject="Re: your booking question"), context(is_reply=True)) == []

    def test_sms_needs_no_subject(self) -> None:
        assert check_subject(sms(), context()) == []
