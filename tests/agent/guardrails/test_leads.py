"""wrong_lead: a draft with another lead's greeting, names or situation, in English and Spanish."""

from __future__ import annotations

from dataclasses import replace

from agent.domain import Channel
from agent.guardrails import DraftText, check_grounded
from agent.guardrails.leads import check_wrong_lead
from tests.agent.guardrails.drafts import LEAD, context

GARY = replace(
    LEAD,
    id="lead-gary",
    first_name="Gary",
    last_name="Thompson",
    company=None,
    town="Kendall",
    need="low back pain since helping his son move",
    inquiry_text="My lower back has been bad since I helped my son move in October.",
)
HECTOR = replace(
    LEAD,
    id="lead-hector",
    first_name="Héctor",
    last_name="Cabrera",
    company=None,
    town="Spring",
    language="es",
    need="remodelar la cocina con gabinetes nuevos",
    inquiry_text="Queremos quitar la pared entre la cocina y el comedor y poner gabinetes nuevos.",
)
ELENA = replace(
    LEAD,
    first_name="Elena",
    last_name="Ríos",
    company=None,
    language="es",
    need="cambiar la tina por una regadera",
    inquiry_text="Quiero cambiar la tina por una regadera para mi mamá.",
)


def wrong(body: str, subject: str | None = None, **overrides: object) -> list[str]:
    draft = DraftText(channel=Channel.EMAIL, body=body, subject=subject)
    values: dict[str, object] = {"other_leads": (GARY, HECTOR)}
    values.update(overrides)
    return [v.message for v in check_wrong_lead(draft, context(**values))]


class TestAddressee:
    def test_a_greeting_to_another_lead_fires_once(self) -> None:
        body = "Hi Gary,\n\nFade & Co. Barbers cut no-shows by a third. Which day hurts most?"
        assert len(wrong(body)) == 1
        assert [
            v.code for v in check_grounded(DraftText(Channel.EMAIL, body), context(other_leads=(GARY,)))
        ] == []

    def test_a_greeting_without_a_name_is_not_read_as_one_to_the_next_line(self) -> None:
        """Found when leads whose name is no name (digits, a link) were greeted without one: "Hi,"
        followed on the next line by "Here is ..." was read as a greeting to "Here" and held."""
        nameless = replace(LEAD, first_name=None, last_name=None)
        body = "Hi,\n\nHere is our no-show calculator: it takes two minutes. Which day hurts most?"
        assert wrong(body, lead=nameless) == []
        assert (
            len(wrong("Hi Gary,\n\nHere is our no-show calculator. Which day hurts most?", lead=nameless))
            == 1
        )

    def test_a_spanish_greeting_to_someone_else_fires(self) -> None:
        assert len(wrong("Hola, Marisol:\n\n¿Qué día le queda mejor?", lead=ELENA)) == 1

    def test_the_lead_own_name_and_titles_are_fine(self) -> None:
        assert wrong("Dear Ms. Lopez,\n\nWhich day hurts most?") == []
        assert wrong("Hola doña Elena, ¿qué día le queda mejor?", lead=ELENA) == []


class TestAnotherLeadsDetails:
    def test_another_lead_town_fires(self) -> None:
        assert len(wrong("Hi Dana, salons in Kendall lose Saturdays too. Which day hurts most?")) == 1

    def test_another_lead_name_in_the_subject_fires(self) -> None:
        found = wrong("Hi Dana, which day hurts most?", subject="A note for Héctor")
        assert len(found) == 1 and found[0].startswith("in the subject")


class TestSituations:
    def test_another_lead_situation_told_as_this_lead_fires(self) -> None:
        assert len(wrong("Hi Dana, how has your back been since you helped your son move?")) == 1

    def test_another_lead_spanish_project_fires(self) -> None:
        body = "Hola Elena, le servirá cuando quite la pared entre la cocina y el comedor. ¿Qué le parece?"
        assert len(wrong(body, lead=ELENA)) == 1

    def test_something_the_lead_never_said_fires(self) -> None:
        assert len(wrong("Hi Dana, are you still painting the walls yourself, like you mentioned?")) == 1

    def test_what_the_lead_did_say_is_fine(self) -> None:
        assert wrong("Hi Dana, like you mentioned, Saturday no-shows hurt. Which day hurts most?") == []

    def test_the_same_topic_in_general_words_is_fine(self) -> None:
        assert wrong("Hi Dana, your back office will thank you. Which day hurts most?") == []


LUZ = replace(
    LEAD,
    id="lead-luz",
    first_name="Luz",
    last_name="Pérez",
    company=None,
    town="Flagami",
    language="es",
    need="dolor de cuello por trabajar 9 horas sentada en un call center",
    inquiry_text="Trabajo en un call center 9 horas sentada y me duele el cuello.",
)


class TestFiguresOfAnotherLead:
    def test_another_lead_hours_and_workplace_fire_once_as_wrong_lead(self) -> None:
        body = "Hi Dana, like you after nine hours a day at the call center, salons get tired. Which day?"
        draft = DraftText(channel=Channel.EMAIL, body=body)
        ctx = context(other_leads=(LUZ,))
        assert [v.code for v in check_wrong_lead(draft, ctx)] == ["wrong_lead"]
        assert [v.code for v in check_grounded(draft, ctx) if v.code == "grounded.number"] == []


class TestOrdinaryWordsThatAreAlsoPlaces:
    def test_another_lead_town_that_is_an_ordinary_word_fires_only_as_a_place(self) -> None:
        spring = replace(GARY, town="Spring")
        assert (
            wrong("Hi Dana, this Spring is a good time. Which day hurts most?", other_leads=(spring,)) == []
        )
        assert len(wrong("Hi Dana, salons in Spring lose Saturdays too.", other_leads=(spring,))) == 1


def test_a_greeting_without_a_name_is_not_addressed_to_its_next_word() -> None:
    """'Hi, thanks for contacting us' greets nobody: "thanks" is not a name (a lowercase word never is)."""
    nameless = replace(LEAD, first_name=None, last_name=None)
    body = "Hi, thanks for contacting Northstar Bookings. Maya will reply to you personally soon."

    assert check_wrong_lead(DraftText(Channel.SMS, body), context(lead=nameless)) == []


JOSE = replace(
    LEAD,
    id="lead-jose",
    first_name="José",
    last_name="Ortega",
    company=None,
    town="Mesa",
    language="es",
    need="agregar una batería a los paneles que ya tiene",
    inquiry_text="Ya tengo paneles desde 2020 pero cuando se va la luz no sirven.",
)


class TestAnotherLeadsHouseholdAndFigures:
    """Another lead's relative, or a figure only their words give, told as this lead's."""

    def test_another_lead_s_relative_in_another_language_fires(self) -> None:
        body = "Hi Dana,\n\nWould a walk-in shower for your mother be part of the project too?"
        assert len(wrong(body, other_leads=(ELENA,))) == 1

    def test_another_lead_s_relative_in_spanish_fires(self) -> None:
        body = "Hola Dana:\n\n¿La regadera sería para su madre?"
        assert len(wrong(body, other_leads=(ELENA,))) == 1

    def test_the_lead_s_own_relative_is_fine(self) -> None:
        lead = replace(LEAD, inquiry_text="My mom can't step into the tub any more.")
        body = "Hi Dana,\n\nWould a walk-in shower for your mother be part of the project too?"
        assert wrong(body, lead=lead, other_leads=(ELENA,)) == []

    def test_a_figure_only_another_lead_gave_fires_in_spanish(self) -> None:
        body = "Hola Dana:\n\nComo usted ya tiene paneles desde 2020, su caso sería más sencillo."
        assert len(wrong(body, other_leads=(JOSE,))) == 1

    def test_a_figure_only_another_lead_gave_fires_in_english(self) -> None:
        body = "Hi Dana,\n\nSince you've had your system since 2020, adding a battery is simpler."
        assert len(wrong(body, other_leads=(JOSE,))) == 1

    def test_a_figure_the_sources_give_is_not_another_lead_s(self) -> None:
        body = "Hi Dana,\n\nSince 2020 we have installed batteries for homes like yours."
        assert (
            wrong(body, other_leads=(JOSE,), company_facts=("We have installed batteries since 2020.",)) == []
        )


MARCUS = replace(
    LEAD,
    id="lead-marcus",
    first_name="Marcus",
    last_name="Reed",
    company=None,
    town="Doral",
    need="knee pain on long runs",
    inquiry_text="My right knee has started aching on long runs.",
)


class TestAnotherLeadsBodyPart:
    """Another lead's knee asked about, or given to the reader, in either language."""

    def test_another_lead_s_knee_asked_about_in_spanish_fires(self) -> None:
        lead = replace(GARY, id="lead-tomas", first_name="Tomás", language="es")
        body = "Tomás, la evaluación dura 60 minutos. ¿Sigue sintiendo la rodilla en las tiradas largas?"
        assert len(wrong(body, lead=lead, other_leads=(MARCUS,))) == 1

    def test_another_lead_s_knee_given_to_the_reader_fires(self) -> None:
        body = "Hi Gary,\n\nAn evaluation shows what is loading your knee on long runs."
        assert len(wrong(body, lead=GARY, other_leads=(MARCUS,))) == 1

    def test_the_lead_s_own_back_is_fine(self) -> None:
        body = "Hi Gary,\n\nIs your lower back still stiff in the morning?"
        assert wrong(body, lead=GARY, other_leads=(MARCUS,)) == []

    def test_an_english_word_for_a_part_used_otherwise_is_fine(self) -> None:
        body = "Hi Gary,\n\nShall I call you back on the number on the back of the form?"
        other = replace(MARCUS, need="back pain", inquiry_text="My back hurts.")
        assert (
            wrong(
                body,
                lead=replace(GARY, need="neck pain", inquiry_text="My neck hurts."),
                other_leads=(other,),
            )
            == []
        )


class TestAnotherLeadsWordsThatAreGrammar:
    def test_a_contraction_in_another_lead_s_inquiry_is_not_their_name(self) -> None:
        """Defect found on blind/dev6: "Hello, I'm the office administrator" made "I'm" a name of theirs."""
        office = replace(GARY, inquiry_text="Hello, I'm the office manager. We'll need two visits a year.")
        body = "Hi Dana,\n\nI'm sending the checklist we'll use on the visit.\n\nWhich day suits you?\n\nMaya"

        assert wrong(body, other_leads=(office,)) == []


class TestAnotherLeadsCompanyWithoutItsLegalForm:
    def test_another_lead_s_company_named_without_llc_fires(self) -> None:
        """Defect found on blind/dev6: "Limpiezas Soto" was not matched to "Limpiezas Soto LLC"."""
        other = replace(GARY, company="Pintura Herrera LLC")
        body = (
            "Hola Dana,\n\nPara Pintura Herrera la cotización no tiene costo.\n\n¿Le sirve el martes?\n\nMaya"
        )

        assert len(wrong(body, other_leads=(other,))) == 1
