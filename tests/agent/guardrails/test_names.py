"""Names: grammar's capitals are not names, in English and Spanish; invented people and places are."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.domain import Channel
from agent.guardrails import DraftText, PriorMessage, check_grounded
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import LEAD, context, email


def names(body: str, subject: str | None = None, **overrides: object) -> list[str]:
    draft = DraftText(channel=Channel.EMAIL, body=body, subject=subject)
    return [
        body[v.start : v.end] if v.start is not None else v.message
        for v in check_grounded(draft, context(**overrides))
        if v.code == "grounded.name"
    ]


TEAM = Source(
    id="company/team",
    type=DocType.COMPANY_FACT,
    title="Nuestro equipo",
    url=None,
    text="Dra. Rosa Vega, veterinaria. Dr. Tomás Reyes, cirujano.",
    score=0.9,
)

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

    @pytest.mark.parametrize(
        "body",
        [
            "Hola Elena:\n\nCalcule su ahorro con la guía. ¿Le parece?",
            "Hola Elena:\n\nAgende una visita cuando guste.",
            "Hola Elena:\n\nCotizar el proyecto no cuesta nada. Platíquenos qué necesita.",
            "Hola Elena:\n\nMándeme una foto del baño, por favor.",
        ],
    )
    def test_a_spanish_verb_the_word_lists_lack_opening_a_sentence_is_grammar(self, body: str) -> None:
        assert names(body, lead=SPANISH_LEAD) == []

    def test_a_spanish_title_abbreviation_is_a_title_not_a_name(self) -> None:
        body = "Hola Elena:\n\nEl Dr. Reyes o la Dra. Vega le dan seguimiento. ¿Le parece?"
        assert names(body, lead=SPANISH_LEAD, sources=(TEAM,)) == []

    def test_an_invented_name_after_a_spanish_title_still_fires(self) -> None:
        body = "Hola Elena:\n\nLa Dra. Marta Ibáñez le da seguimiento. ¿Le parece?"
        found = names(body, lead=SPANISH_LEAD, sources=(TEAM,))
        assert len(found) == 1 and "Marta Ibáñez" in found[0]

    def test_a_short_spanish_subject_is_read_in_the_body_s_language(self) -> None:
        body = "Hola Elena:\n\nCuidamos a su perro mientras usted viaja. ¿Qué fechas tiene en mente?"
        assert names(body, subject="Quién atiende mañana", lead=SPANISH_LEAD) == []

    def test_a_spanish_name_opening_a_sentence_still_fires(self) -> None:
        body = "Hola Elena:\n\nJorge es nuestro técnico y le llama mañana. ¿Le parece?"
        assert names(body, lead=SPANISH_LEAD) == ["Jorge"]

    def test_an_invented_spanish_staff_member_fires(self) -> None:
        body = "Hola Elena, Rosa, nuestra especialista, le explica cada paso. ¿Le parece bien?"
        assert names(body, lead=SPANISH_LEAD) == ["Rosa"]


class TestEnglishGrammarIsNotAName:
    def test_a_contraction_of_an_ordinary_word_opening_a_sentence_is_grammar(self) -> None:
        assert names("Hi Dana, thanks for writing. He'd like Tuesdays. They've asked too. Which day?") == []

    def test_a_subject_opening_with_a_verb_then_the_lead_s_own_word_is_grammar(self) -> None:
        assert names("Hi Dana, here is the plan. Which day?", subject="Planning Dana's first visit") == []

    def test_a_subject_opening_with_a_verb_then_an_invented_name_fires(self) -> None:
        found = names("Hi Dana, here is the plan. Which day?", subject="Meeting Gregor this week")
        assert len(found) == 1 and "Gregor" in found[0]


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


class TestCapitalsThatNameNobody:
    """A careful reader asks whether a capital claims a person or a business; these do not."""

    def test_a_name_typed_without_its_accents_is_the_same_name(self) -> None:
        lead = replace(SPANISH_LEAD, last_name="Núñez")
        assert names("Hola Elena Nunez, ¿qué día le queda mejor?", lead=lead) == []

    def test_a_different_surname_without_accents_still_fires(self) -> None:
        assert names("Hola Elena, Kayla Rios le llamará. ¿Le parece?", lead=SPANISH_LEAD) == ["Kayla Rios"]

    def test_a_lone_acronym_is_an_abbreviation_not_a_name(self) -> None:
        assert names("Hi Dana, most HOA boards and every PPO plan allow it. Which day hurts most?") == []

    def test_an_unlisted_acronym_may_be_an_organisation_and_fires(self) -> None:
        assert names("Hi Dana, our stylists are NKBA certified. Which day hurts most?") == ["NKBA"]

    def test_an_acronym_inside_an_invented_business_name_still_fires(self) -> None:
        assert names("Hi Dana, ABC Plumbing saw the same thing. Which day hurts most?") == ["ABC Plumbing"]

    @pytest.mark.parametrize(
        "body",
        [
            "Hi Dana, salons fill up before Christmas and again around Memorial Day.",
            "Hi Dana, Happy Holidays! Mother's Day weekend is the busiest of the year.",
            "Hola Elena, muchas familias lo dejan para después de Semana Santa o de Navidad.",
        ],
    )
    def test_a_holiday_is_a_date_not_a_name(self, body: str) -> None:
        lead = SPANISH_LEAD if "Hola" in body else LEAD
        assert names(body, lead=lead) == []

    def test_a_business_named_with_ordinary_words_still_fires(self) -> None:
        assert names("Hi Dana, Holiday Hair Lounge had the same problem.") == ["Holiday Hair Lounge"]

    def test_a_platform_we_talk_on_is_not_a_name(self) -> None:
        body = "Hi Dana, a quick Zoom call works, or a WhatsApp message; I'll add it to Google Calendar."
        assert names(body) == []

    def test_a_platform_word_inside_a_business_name_still_fires(self) -> None:
        assert names("Hi Dana, Zoom Barbers cut their no-shows in half.") == ["Zoom Barbers"]

    def test_an_occupation_or_a_family_word_says_what_someone_is(self) -> None:
        body = "Hi Dana, our Account Manager will set it up, and your Mom can book online too."
        assert names(body) == []
        assert names("Hola Elena, su Consultora de Proyectos le acompaña.", lead=SPANISH_LEAD) == []

    def test_an_occupation_before_an_invented_person_still_fires(self) -> None:
        assert names("Hi Dana, Coach Mike will set it up with you.") == ["Coach Mike"]
        assert names("Hola Elena, la Abuela Rosa ya lo usa.", lead=SPANISH_LEAD) == ["Abuela Rosa"]

    def test_our_own_name_with_a_plain_word_after_it_is_us(self) -> None:
        assert names("Hi Dana, which day hurts most?\n\nThanks,\nThe Northstar Team") == []

    def test_our_own_name_with_an_invented_branch_still_fires(self) -> None:
        assert names("Hi Dana, the Northstar Austin studio can help.") == ["Northstar Austin"]

    def test_a_known_name_with_the_initial_of_its_surname_is_the_same_person(self) -> None:
        assert names("Hi Dana, which day hurts most?\n\nBest,\nMaya O.") == []

    def test_a_known_first_name_with_another_initial_fires(self) -> None:
        assert names("Hi Dana, which day hurts most?\n\nBest,\nMaya K.") == ["Maya K"]

    def test_a_spanish_verb_at_the_start_of_a_sentence_is_grammar(self) -> None:
        assert (
            names("Hola Elena:\n\nPlaticamos cuando guste. Cuénteme qué día le queda.", lead=SPANISH_LEAD)
            == []
        )

    def test_a_spanish_verb_before_an_invented_person_leaves_the_person(self) -> None:
        body = "Hola Elena:\n\nPlaticamos con Rosa, nuestra especialista, y le llamamos."
        assert names(body, lead=SPANISH_LEAD) == ["Rosa"]

    def test_an_informal_opener_is_grammar(self) -> None:
        assert names("Hi Dana, congrats on the new chair! Congrats again. Gotcha, Saturdays it is.") == []


class TestTitleCase:
    def test_a_title_case_subject_capitalises_ordinary_words(self) -> None:
        subject = "Three Easy Ways To Fill Your Saturday Chairs"
        assert names("Hi Dana, which day hurts most?", subject=subject) == []

    def test_a_given_name_in_a_title_case_subject_still_fires(self) -> None:
        found = names("Hi Dana, which day hurts most?", subject="How Mike Doubled His Bookings")
        assert len(found) == 1 and '"Mike"' in found[0]

    def test_a_title_case_heading_in_the_body_is_style(self) -> None:
        assert names("Hi Dana,\n\nWhat Changes On Day One\n\nReminders go out the day before.") == []

    def test_a_sentence_with_capitalised_words_is_not_a_heading(self) -> None:
        body = "Hi Dana, Maple Grove Dentistry in Austin tried this. Which day hurts most?"
        assert names(body) == ["Maple Grove Dentistry", "Austin"]


class TestAFamilyCalledByItsSurname:
    """ "The Beckers" is the Becker family of a cited story: the plural (and its possessive) of a surname
    the sources give, with the article before it."""

    STORY = "Case study: the Becker family in Sun City West added a battery in 2019."

    def test_the_plural_of_a_grounded_surname_is_grounded(self) -> None:
        body = (
            "Hi Dana,\n\nThe Beckers added one battery. The Beckers' panels kept running. Want their story?"
        )
        assert names(body, company_facts=(self.STORY,)) == []

    def test_the_spanish_family_form_is_grounded(self) -> None:
        body = "Hola Elena:\n\nLos Becker añadieron una batería. ¿Le mando su historia?"
        assert names(body, company_facts=(self.STORY,), lead=SPANISH_LEAD) == []

    def test_the_plural_of_an_unknown_surname_still_fires(self) -> None:
        body = "Hi Dana,\n\nThe Hendersons added one battery. Want their story?"
        assert names(body, company_facts=(self.STORY,)) == ["Hendersons"]


class TestAGivenNameThatIsAlsoAWord:
    """ "Luz" is light and a given name; introduced with a role it is a staff member to ground."""

    def test_an_introduced_staff_member_named_with_a_spanish_word_fires(self) -> None:
        body = "Hola Elena:\n\nLuz, una de nuestras técnicas de servicio, atiende su zona. ¿Le parece bien?"
        assert names(body, lead=SPANISH_LEAD) == ["Luz"]

    def test_an_introduced_staff_member_named_with_an_english_word_fires(self) -> None:
        body = "Hi Dana,\n\nHope, one of our project managers, will walk you through it. Which day suits you?"
        assert names(body) == ["Hope"]

    def test_the_same_word_opening_an_ordinary_sentence_is_grammar(self) -> None:
        body = "Hola Elena:\n\nLuz y agua quedan conectadas el mismo día. ¿Le parece bien?"
        assert names(body, lead=SPANISH_LEAD) == []


class TestNotationAndPlacesAreNotNames:
    """Defects found on blind/dev6: a forward mark, a unit letter, a county and a people's name."""

    def test_a_forward_or_reply_mark_in_the_subject_is_not_a_name(self) -> None:
        body = "Hi Dana,\n\nYour quote is below.\n\nWhich day works?\n\nBest,\nMaya"

        assert names(body, subject="Fwd: Your booking is confirmed") == []
        assert names(body, subject="RE: FW: Saturday no-shows") == []

    def test_the_unit_letter_after_a_degree_sign_is_not_a_name(self) -> None:
        assert names("Hi Dana,\n\nThe backup heat comes on below 5°F or 20 °C.\n\nBest,\nMaya") == []

    def test_a_grounded_place_with_the_word_for_its_county_is_geography(self) -> None:
        area = Source(
            id="company/area",
            type=DocType.COMPANY_FACT,
            title="Service area",
            url=None,
            text="We serve Marion and Polk counties.",
            score=0.9,
        )
        body = "Hi Dana,\n\nYour home is in Marion County, so the visit is included.\n\nBest,\nMaya"

        assert names(body, sources=(area,)) == []

    def test_the_people_of_a_known_state_are_no_name(self) -> None:
        assert (
            names("Hi Dana,\n\nMany Floridians ask the same thing, and so do Minnesotans.\n\nBest,\nMaya")
            == []
        )

    def test_an_invented_county_is_still_a_name(self) -> None:
        assert names("Hi Dana,\n\nYou are in Quillmore County.\n\nBest,\nMaya") == ["Quillmore County"]
