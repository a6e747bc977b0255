"""The form checks: length, filler, placeholders, SMS opt-out, spam tells, subject (reading grade:
test_readability.py), in English and Spanish, in the subject as in the body."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.guardrails import (
    BANNED_PHRASES,
    EMAIL_WORDS,
    SMS_MAX_CHARS,
    check_banned_phrases,
    check_grounded,
    check_length,
    check_placeholders,
    check_sms_opt_out,
    check_spam_signals,
    check_subject,
)
from tests.agent.guardrails.drafts import IDENTITY, LEAD, codes, context, email, sms, words

SPANISH_LEAD = replace(LEAD, language="es")
ENGLISH_LEAD = replace(LEAD, language="en")
SPANISH_SMS = (
    "Hola Dana, soy Maya de Northstar Bookings. Fade & Co. Barbers redujo las ausencias con un recordatorio "
    "por SMS el día anterior. ¿Le mando los detalles? Responda STOP para no recibir más mensajes."
)


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
        "phrase", ["100% free", "risk-free", "Click here", "act now", "guaranteed", "no strings attached"]
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


class TestCapitalsThatAreNotShouting:
    @pytest.mark.parametrize(
        "body",
        [
            "Hi Dana, which day suits you? Reply YES and I'll hold it, or text back DONE when booked.",
            "Hola Dana, ¿le queda bien el martes? Responda SÍ y lo aparto.",
            "Hi Dana, the guide is below.\n\nMaya Ortiz\nNORTHSTAR BOOKINGS",
            "Hi Dana, LOPEZ on the booking page is spelled right. Which day suits you?",
            "Hi Dana, the ROM and TENS notes are in the guide; PEX lines are listed too.",
        ],
    )
    def test_a_keyword_to_type_a_name_or_a_trade_acronym_is_not_shouting(self, body: str) -> None:
        assert check_spam_signals(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "body",
        [
            "Hi Dana, this is a FREE upgrade for the studio.",
            "Hi Dana, reply today, it's a HUGE deal.",
            "Hi Dana, NORTHSTAR is the BEST choice.",
            "Hi Dana, reply NOW to keep your Saturday.",
        ],
    )
    def test_shouted_words_next_to_those_still_fire(self, body: str) -> None:
        assert codes(check_spam_signals(email(body=body), context())) == ["spam.caps"]


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


class TestSayingTheLeadHasNotAnsweredIsAReason:
    @pytest.mark.parametrize(
        "body",
        [
            "Hi Dana,\n\nI haven't heard back from you, so this is my last note for now.",
            "Hola Dana:\n\nNo he sabido de usted, así que este es mi último mensaje por ahora.",
            "Hola Dana:\n\nNo he tenido respuesta, así que cierro su expediente por ahora.",
        ],
    )
    def test_a_breakup_that_says_the_lead_has_not_answered_is_not_filler(self, body: str) -> None:
        assert check_banned_phrases(email(body=body)) == []


class TestBannedPhrasesInSpanishAndInTheSubject:
    @pytest.mark.parametrize(
        ("sentence", "filler"),
        [
            ("Solo quería dar seguimiento a mi correo anterior.", "Solo quería dar seguimiento"),
            ("SOLO QUERIA DAR SEGUIMIENTO a su consulta.", "SOLO QUERIA DAR SEGUIMIENTO"),
            ("Espero que se encuentre bien.", "Espero que se encuentre bien"),
            ("Disculpe la molestia, le escribo otra vez.", "Disculpe la molestia"),
            ("¿Tuvo oportunidad de revisar la guía?", "Tuvo oportunidad de"),
        ],
    )
    def test_spanish_filler_fires_with_a_span_whatever_its_accents_and_case(
        self, sentence: str, filler: str
    ) -> None:
        draft = email(body=f"Hola, Dana:\n\n{sentence} Le comparto la guía.\n\nSaludos,\nMaya")

        violations = check_banned_phrases(draft)

        assert codes(violations) == ["banned_phrase"]
        assert draft.body[violations[0].start : violations[0].end] == filler

    def test_filler_in_the_subject_fires_without_a_span(self) -> None:
        violations = check_banned_phrases(email(subject="Solo quería dar seguimiento"))

        assert codes(violations) == ["banned_phrase"]
        assert violations[0].start is None

    def test_ordinary_spanish_follow_up_words_are_quiet(self) -> None:
        body = "Hola, Dana:\n\nLe doy seguimiento a su proyecto con una guía de precios.\n\nSaludos,\nMaya"

        assert check_banned_phrases(email(body=body)) == []


class TestOptOutInTheLeadsLanguage:
    @pytest.mark.parametrize(
        "line",
        [
            "Responda STOP para no recibir más mensajes.",
            "Responde BAJA para darte de baja.",
            'Envíe "ALTO" si ya no quiere mensajes.',
            "Conteste con la palabra CANCELAR para no recibir más.",
        ],
    )
    def test_spanish_instructions_satisfy_a_spanish_lead(self, line: str) -> None:
        body = f"Hola Dana, ¿qué día le queda mejor? {line}"

        assert check_sms_opt_out(sms(body=body), context(lead=SPANISH_LEAD)) == []

    def test_an_english_opt_out_does_not_serve_a_spanish_lead(self) -> None:
        body = "Hola Dana, ¿qué día le queda mejor para la llamada? Reply STOP to opt out."

        violations = check_sms_opt_out(sms(body=body), context(lead=SPANISH_LEAD))

        assert codes(violations) == ["sms.opt_out"]
        assert "Responda STOP" in violations[0].message

    def test_a_spanish_opt_out_does_not_serve_an_english_lead(self) -> None:
        body = "Hi Dana, which day suits you for the call? Responda STOP para no recibir más mensajes."

        assert codes(check_sms_opt_out(sms(body=body), context(lead=ENGLISH_LEAD))) == ["sms.opt_out"]

    def test_without_the_leads_language_the_drafts_language_decides(self) -> None:
        assert check_sms_opt_out(sms(body=SPANISH_SMS), context()) == []
        english_opt_out = SPANISH_SMS.replace("Responda STOP para no recibir más mensajes.", "Reply STOP.")
        assert codes(check_sms_opt_out(sms(body=english_opt_out), context())) == ["sms.opt_out"]


class TestSpamSignalsInSpanishAndInTheSubject:
    @pytest.mark.parametrize("phrase", ["Haga clic aquí", "100% gratis", "sin riesgo", "garantizados"])
    def test_spanish_spam_phrases_fire_with_a_span(self, phrase: str) -> None:
        draft = email(body=f"Hola, Dana:\n\nLa guía es {phrase} para su salón.")

        violations = check_spam_signals(draft, context(lead=SPANISH_LEAD))

        assert codes(violations) == ["spam.phrase"]
        assert draft.body[violations[0].start : violations[0].end] == phrase

    def test_a_phrase_of_the_brand_voice_is_never_spam(self) -> None:
        draft = email(body="Hi Dana,\n\nEvery quote is risk-free: you sign nothing until you are sure.")
        own = context(identity=replace(IDENTITY, brand_use=("risk-free",)))

        assert codes(check_spam_signals(draft, context())) == ["spam.phrase"]
        assert check_spam_signals(draft, own) == []

    def test_no_obligation_states_a_plain_term(self) -> None:
        draft = email(body="Hi Dana,\n\nThe consultation comes with no obligation to sign anything.")

        assert check_spam_signals(draft, context()) == []

    def test_spam_in_the_subject_fires(self) -> None:
        assert codes(check_spam_signals(email(subject="Click here for your guide"), context())) == [
            "spam.phrase"
        ]

    @pytest.mark.parametrize("word", ["GRATIS", "POCOS", "ÚLTIMOS", "HOY"])
    def test_spanish_words_in_capitals_are_shouting(self, word: str) -> None:
        draft = sms(body=f"Hola Dana, la guía es {word} para su salón. Responda STOP para no recibir más.")

        assert codes(check_spam_signals(draft, context(lead=SPANISH_LEAD))) == ["spam.caps"]

    @pytest.mark.parametrize("word", ["INCLUIDO", "ENVIADO"])
    def test_any_spanish_word_in_capitals_is_shouting_in_a_spanish_text(self, word: str) -> None:
        draft = sms(body=f"Hola Dana, el plan va {word} con su sistema. Responda STOP para no recibir más.")

        assert codes(check_spam_signals(draft, context(lead=SPANISH_LEAD))) == ["spam.caps"]

    def test_a_shouted_spanish_word_is_not_read_as_an_invented_name(self) -> None:
        draft = sms(body="Hola Dana, el plan va INCLUIDO con su sistema. Responda STOP para no recibir más.")

        assert [v.code for v in check_grounded(draft, context(lead=SPANISH_LEAD))] == []

    @pytest.mark.parametrize("word", ["HEPA", "PPO", "APR", "HMO"])
    def test_capitals_that_are_no_word_are_acronyms(self, word: str) -> None:
        draft = email(body=f"Hi Dana, the {word} details are in the guide.")

        assert check_spam_signals(draft, context()) == []

    @pytest.mark.parametrize(
        "line",
        [
            "Responda STOP para no recibir más mensajes.",
            "Responde BAJA para darte de baja.",
            "Envíe ALTO si ya no quiere mensajes.",
        ],
    )
    def test_opt_out_keywords_are_not_shouting_in_spanish(self, line: str) -> None:
        draft = sms(body=f"Hola Dana, ¿qué día le queda mejor? {line}")

        assert check_spam_signals(draft, context(lead=SPANISH_LEAD)) == []

    def test_capitals_inside_a_placeholder_are_the_placeholders_problem(self) -> None:
        draft = email(body="Hi Dana, our designer [DESIGNER NAME] will call you.")

        assert check_spam_signals(draft, context()) == []

    def test_two_exclamation_marks_fire(self) -> None:
        draft = sms(
            body="Hi Dana! Fade & Co. cut no-shows by a third! Want the details? Reply STOP to opt out."
        )

        assert codes(check_spam_signals(draft, context())) == ["spam.exclamation"]

    def test_a_spanish_exclamation_opens_with_an_inverted_mark_and_counts_once(self) -> None:
        one = sms(body="¡Hola, Dana! Fade & Co. redujo las ausencias. ¿Le mando los detalles? Responda STOP.")
        two = sms(body="¡Hola, Dana! ¡Fade & Co. redujo las ausencias! ¿Le mando detalles? Responda STOP.")

        assert check_spam_signals(one, context(lead=SPANISH_LEAD)) == []
        assert codes(check_spam_signals(two, context(lead=SPANISH_LEAD))) == ["spam.exclamation"]

    def test_exclamations_in_the_subject_are_counted_like_the_body(self) -> None:
        violations = check_spam_signals(email(subject="Great news! Your guide!"), context())

        assert codes(violations) == ["spam.exclamation"]
        assert violations[0].start is None


class TestDeceptiveSubjectsInSpanish:
    @pytest.mark.parametrize(
        "subject",
        [
            "RE: su cocina",
            "RV: ideas para su baño",
            "Su factura de Casa Verde",
            "Pedido confirmado",
            "Your invoice",
        ],
    )
    def test_subjects_that_pretend_fire(self, subject: str) -> None:
        assert codes(check_subject(email(subject=subject), context())) == ["subject.deceptive"]

    @pytest.mark.parametrize(
        "subject", ["Qué incluye el precio de su cocina", "Una idea para su pedido de gabinetes", "Repisas"]
    )
    def test_plain_spanish_subjects_pass(self, subject: str) -> None:
        assert check_subject(email(subject=subject), context()) == []


class TestOwnNamesAreNotSpam:
    def test_a_product_name_containing_a_spam_word_is_not_spam(self) -> None:
        identity = replace(IDENTITY, products=("Winner's Circle Plan",))
        draft = email(body="Hi Dana,\n\nThe Winner's Circle Plan includes reminders for every chair.")

        assert check_spam_signals(draft, context(identity=identity)) == []

    @pytest.mark.parametrize(
        "sentence",
        ["No result is guaranteed, and we say so up front.", "Los resultados no están garantizados."],
    )
    def test_guaranteed_taken_back_by_a_negation_is_not_a_promise(self, sentence: str) -> None:
        draft = email(body=f"Hi Dana,\n\nEvery client is different. {sentence}")

        assert check_spam_signals(draft, context()) == []

    def test_a_negation_in_an_earlier_clause_takes_nothing_back(self) -> None:
        draft = sms(body="Hi Dana! The visit has no obligation, no strings attached. Reply STOP to opt out.")

        assert codes(check_spam_signals(draft, context())) == ["spam.phrase"]


class TestCalendarWordsAndTransactionLabels:
    """Defects found on the dev6 split (an insurance agency, an HVAC firm)."""

    def test_a_day_name_in_capitals_is_shouting(self) -> None:
        body = "Hi Dana, the crew can be there FRIDAY morning. Which room should they start in?"

        assert codes(check_spam_signals(email(body=body), context())) == ["spam.caps"]

    def test_the_zip_of_a_zip_code_is_an_acronym(self) -> None:
        body = "Hi Dana, rates depend on the ZIP code of the studio. What is yours?"

        assert check_spam_signals(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "subject", ["Póliza emitida: confirmación de pago", "Your quote | Payment received", "Policy issued"]
    )
    def test_a_transaction_label_opening_a_part_of_the_subject_pretends(self, subject: str) -> None:
        assert codes(check_subject(email(subject=subject), context())) == ["subject.deceptive"]

    @pytest.mark.parametrize(
        "subject", ["Ideas for your order of chairs", "Qué cubre una póliza emitida hoy"]
    )
    def test_the_same_words_inside_a_phrase_say_what_is_inside(self, subject: str) -> None:
        assert check_subject(email(subject=subject), context()) == []
