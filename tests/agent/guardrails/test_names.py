"""Names: grammar's capitals are not names, in English and Spanish; invented people and places are."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.domain import Channel
from agent.guardrails import DraftText, PriorMessage, check_grounded
from tests.agent.guardrails.drafts import LEAD, context, email


def names(body: str, subject: str | None = None, **overrides: object) -> list[str]:
    draft = DraftText(channel=Channel.EMAIL, body=body, subject=subject)
    return [
        body[v.start : v.end] if v.start is not None else v.message
        for v in check_grounded(draft, context(**overrides))
        if v.code == "grounded.name"
    ]


SPANISH_LEAD = replace(
    LEAD, first_name="Elena", last_name="Ríos", company=None, language="es", town="Pasadena"
)


class TestSpanishGrammarIsNotAName:
    @pytest.mark.parametrize(
        "body",
        [
            "Hola Elena,\n\n¿Qué día le queda mejor? Responda a este mensaje.",
            "Hola, Elena:\n\nEntiendo su preocupación. Además, también le ayudamos con el permiso.",
            "Buenos días, Elena:\n\nRespóndame con dos horarios, por favor. Llámenos cuando guste.",
            "Estimada Elena:\n\nCuando termine, ¿Cuántos baños tiene su casa? Saludos cordiales.",
            "Hola Elena, el lunes y el Martes abrimos. Nada cambia en Enero.",
        ],
    )
    def test_spanish_words_at_a_sentence_start_are_grammar(self, body: str) -> None:
        assert names(body, lead=SPANISH_LEAD) == []

    def test_an_institution_named_with_common_spanish_nouns_is_not_an_invented_name(self) -> None:
        assert names("Hola Elena, ¿ya habló con el Seguro Social sobre eso?", lead=SPANISH_LEAD) == []

    def test_an_article_before_a_product_name_is_grammar(self) -> None:
        body = "Hola Elena:\n\nUna Fade & Co. Barbers es un ejemplo. ¿Le interesa?"
        assert names(body, lead=SPANISH_LEAD) == []

    def test_an_invented_spanish_staff_member_fires(self) -> None:
        body = "Hola Elena, Rosa, nuestra especialista, le explica cada paso. ¿Le parece bien?"
        assert names(body, lead=SPANISH_LEAD) == ["Rosa"]


class TestEnglishNames:
    def test_a_title_before_the_lead_surname_is_not_a_name(self) -> None:
        assert names("Dear Ms. Lopez,\n\nWhich day hurts most?") == []

    def test_the_sender_of_the_company_joined_by_a_connector_is_grounded(self) -> None:
        assert names("Hi Dana, Maya of Northstar Bookings here. Which day hurts most?") == []

    def test_a_sentence_after_a_time_still_starts_with_grammar(self) -> None:
        body = "Hi Dana, I can call Tuesday at 10:00 a.m. Would that work for you?"
        assert names(body) == []

    def test_a_compound_of_two_ordinary_words_at_the_start_is_not_a_name(self) -> None:
        assert names("Hi Dana,\n\nCountertops matter less than reminders. Which day hurts most?") == []

    def test_an_invented_staff_name_that_is_also_a_word_fires_when_introduced(self) -> None:
        body = "Hi Dana, the salon was busy. Will, their account manager, set it up in a day."
        assert names(body) == ["Will"]

    def test_the_same_word_as_grammar_does_not_fire(self) -> None:
        assert names("Hi Dana,\n\nWill reminders help? Mark the date in your calendar.") == []

    def test_the_lead_own_town_is_grounded(self) -> None:
        assert (
            names("Hi Dana, salons in Pasadena lose Saturdays too.", lead=replace(LEAD, town="Pasadena"))
            == []
        )

    def test_a_name_from_a_message_we_already_sent_is_grounded(self) -> None:
        told = (PriorMessage("Here is how Bella Salon cut no-shows.", "social_proof"),)
        assert names("Hi Dana, like Bella Salon, you can start small.", previous=told) == []


class TestSubjects:
    def test_an_invented_name_in_the_subject_fires_without_a_span(self) -> None:
        found = [v for v in check_grounded(email(subject="How Maple Grove Dentistry did it"), context())]
        assert [(v.code, v.start) for v in found] == [("grounded.name", None)]
        assert "in the subject" in found[0].message

    def test_a_spanish_subject_of_grammar_is_clean(self) -> None:
        assert (
            names("Hola Elena, ¿qué día le queda mejor?", subject="Qué incluye su cita", lead=SPANISH_LEAD)
            == []
        )
