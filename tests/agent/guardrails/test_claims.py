"""Claims tied to their subject: one customer's figure credited to another, one product's price on another."""

from __future__ import annotations

from dataclasses import replace

from agent.domain import Channel
from agent.guardrails import DraftText, check_grounded
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import IDENTITY, LEAD, context

ANDREA = Source(
    id="case-studies/andrea",
    type=DocType.CASE_STUDY,
    title="Andrea ran again",
    url=None,
    text="Andrea S. was running 5 km again after 9 weeks, over 12 visits. Her pain fell from 6/10 to 1/10.",
    score=0.9,
    customer="Andrea S.",
)
LUIS = Source(
    id="case-studies/luis",
    type=DocType.CASE_STUDY,
    title="Luis went back to work",
    url=None,
    text="Luis F. was back to full shifts after 6 weeks. His pain fell from 8/10 to 3/10 over 10 visits.",
    score=0.9,
    customer="Luis F.",
)
PRICES = Source(
    id="faqs/prices",
    type=DocType.FAQ,
    title="Prices",
    url=None,
    text=(
        "Our typical ranges:\n\n- Kitchen Refresh: $18,000 to $32,000.\n"
        "- Bath Remodel: $16,000 to $38,000.\n\n"
        "Every project has our 5-year warranty, and quartz counters carry 15 years from the maker."
    ),
    score=0.9,
)
SHOP = replace(IDENTITY, products=("Kitchen Refresh", "Bath Remodel"))


def numbers(body: str, subject: str | None = None, **overrides: object) -> list[str]:
    values: dict[str, object] = {"sources": (ANDREA, LUIS, PRICES), "identity": SHOP}
    values.update(overrides)
    draft = DraftText(channel=Channel.EMAIL, body=body, subject=subject)
    found = check_grounded(draft, context(**values))
    return [
        body[v.start : v.end] if v.start is not None else v.message
        for v in found
        if v.code == "grounded.number"
    ]


class TestCustomers:
    def test_a_customer_own_figures_are_grounded(self) -> None:
        assert numbers("Hi Dana,\n\nAndrea was running 5 km again after 9 weeks. Which day hurts most?") == []

    def test_another_customer_figure_fires_even_after_a_pronoun(self) -> None:
        body = "Hi Dana,\n\nAndrea S. trained for a race. She was running 5 km again in 6 weeks. Which day?"
        assert numbers(body) == ["6"]

    def test_another_customer_score_fires_in_spanish(self) -> None:
        body = "Hola Dana:\n\nAndrea volvió a correr. Su dolor bajó de 8/10 a 3/10. ¿Qué día le duele más?"
        assert numbers(body, lead=replace(LEAD, language="es")) == ["8/10", "3/10"]

    def test_a_count_the_story_spells_out_is_grounded_in_digits(self) -> None:
        spelled = replace(ANDREA, text="Andrea S. came twice a week, and three visits in her knee was quiet.")
        body = "Hola Dana:\n\nAndrea S. vino dos veces por semana y en 3 visitas su rodilla mejoró. ¿Qué día?"
        assert numbers(body, sources=(spelled, LUIS, PRICES), lead=replace(LEAD, language="es")) == []

    def test_a_count_the_story_does_not_give_still_fires(self) -> None:
        spelled = replace(ANDREA, text="Andrea S. came twice a week, and three visits in her knee was quiet.")
        body = "Hi Dana,\n\nAndrea S. came twice a week and after 7 visits her knee was quiet. Which day?"
        assert numbers(body, sources=(spelled, LUIS, PRICES)) == ["7"]

    def test_the_same_figure_written_another_way_is_grounded(self) -> None:
        assert numbers("Hi Dana,\n\nLuis was back to full shifts after 42 days. Which day hurts most?") == []

    def test_a_sentence_about_the_reader_is_not_bound_to_the_story(self) -> None:
        body = "Hi Dana,\n\nAndrea was running again after 9 weeks. Your plan may take 6 weeks. Which day?"
        assert numbers(body) == []

    def test_the_violation_names_the_subject_and_the_nearest_sentence(self) -> None:
        draft = DraftText(Channel.EMAIL, "Hi Dana,\n\nAndrea was running 5 km in 6 weeks. Which day?")
        found = check_grounded(draft, context(sources=(ANDREA, LUIS), identity=SHOP))
        assert "Andrea" in found[0].message and "9 weeks" in found[0].message


class TestProducts:
    def test_a_product_own_range_is_grounded(self) -> None:
        assert numbers("Hi Dana,\n\nA Kitchen Refresh runs $18,000 to $32,000. Which room first?") == []

    def test_another_product_range_fires(self) -> None:
        body = "Hola Dana, un Kitchen Refresh normalmente sale de $16,000 a $38,000. ¿Qué cuarto primero?"
        assert numbers(body) == ["$16,000", "$38,000"]

    def test_another_product_price_in_the_subject_fires(self) -> None:
        found = numbers("Hi Dana,\n\nWhich room first?", subject="Kitchen Refresh from $16,000")
        assert len(found) == 1 and "in the subject" in found[0]

    def test_a_new_subject_in_the_same_sentence_is_not_the_product(self) -> None:
        body = (
            "Hi Dana,\n\nThe Bath Remodel is $16,000 to $38,000, and the quartz carries 15 years. Which room?"
        )
        assert numbers(body) == []


PALMETTO = Source(
    id="case-studies/palmetto",
    type=DocType.CASE_STUDY,
    title="Palmetto Freight",
    url=None,
    text="Palmetto Freight runs a warehouse in Doral. Our Doral team visited every month.",
    score=0.9,
    customer="Palmetto Freight",
)
CLINICS = "Our clinics: Little Havana, Kendall (opened 2018) and Doral."


def names(body: str, **overrides: object) -> list[str]:
    values: dict[str, object] = {"sources": (PALMETTO,), "company_facts": (CLINICS,), "identity": SHOP}
    values.update(overrides)
    found = check_grounded(DraftText(Channel.EMAIL, body), context(**values))
    return [body[v.start : v.end] for v in found if v.code == "grounded.name" and v.start is not None]


class TestPlaces:
    def test_a_real_clinic_put_in_the_wrong_story_fires_in_spanish(self) -> None:
        body = "Hola Dana:\n\nPalmetto Freight entró al programa. Nuestro equipo de Kendall los visitaba."
        assert names(body, lead=replace(LEAD, language="es")) == ["Kendall"]

    def test_the_story_own_place_is_grounded(self) -> None:
        assert names("Hi Dana,\n\nPalmetto Freight runs a warehouse in Doral. Which shift is busiest?") == []

    def test_the_company_based_in_the_lead_town_fires(self) -> None:
        lead = replace(LEAD, town="Pasadena")
        assert names("Hi Dana,\n\nWe're based in Pasadena too. Which shift is busiest?", lead=lead) == [
            "Pasadena"
        ]

    def test_the_company_in_spanish_in_the_lead_town_fires(self) -> None:
        lead = replace(LEAD, town="Pasadena", language="es")
        assert names("Hola Dana, estamos en Pasadena también. ¿Qué turno es el más ocupado?", lead=lead) == [
            "Pasadena"
        ]

    def test_the_lead_in_their_own_town_is_fine(self) -> None:
        lead = replace(LEAD, town="Pasadena")
        assert names("Hi Dana,\n\nSince you are in Pasadena, Doral is closest. Which shift?", lead=lead) == []


class TestProductBeforeCustomer:
    def test_a_product_price_after_a_customer_story_is_the_product_s(self) -> None:
        body = "Hi Dana,\n\nAndrea ran again after 9 weeks. A Bath Remodel runs $16,000 to $38,000. Which?"
        assert numbers(body) == []


TIMELINE = Source(
    id="faqs/timeline",
    type=DocType.FAQ,
    title="How long it takes",
    url=None,
    text="Most projects take 3 to 4 weeks once work starts. Permits usually take 10 days.",
    score=0.8,
)


class TestGeneralFiguresAreTrueOfEveryone:
    """A figure the sources give of no customer and no product is true of each of them."""

    def test_a_general_figure_after_a_customer_story_is_grounded(self) -> None:
        body = (
            "Hi Dana,\n\nAndrea was running 5 km again after 9 weeks. Most projects take 3 to 4 weeks "
            "once work starts. Which day hurts most?"
        )
        assert numbers(body, sources=(ANDREA, LUIS, PRICES, TIMELINE)) == []

    def test_a_general_figure_said_of_a_product_is_grounded(self) -> None:
        body = "Hi Dana,\n\nA Kitchen Refresh takes 3 to 4 weeks once work starts. Which day hurts most?"
        assert numbers(body, sources=(ANDREA, LUIS, PRICES, TIMELINE)) == []

    def test_a_general_figure_said_of_a_named_customer_still_fires(self) -> None:
        body = "Hi Dana,\n\nAndrea's recovery took 10 days. Which day hurts most?"
        assert numbers(body, sources=(ANDREA, LUIS, PRICES, TIMELINE)) == ["10"]

    def test_another_product_s_price_still_fires(self) -> None:
        body = "Hi Dana,\n\nA Kitchen Refresh runs $16,000 to $38,000. Which day hurts most?"
        assert numbers(body, sources=(ANDREA, LUIS, PRICES, TIMELINE)) == ["$16,000", "$38,000"]

    def test_a_bare_count_carried_in_the_story_is_still_the_story_s_own(self) -> None:
        body = "Hi Dana,\n\nLuis F. was back to full shifts after 6 weeks. We also added 7 exercises."
        assert numbers(body, sources=(ANDREA, LUIS, PRICES, TIMELINE)) == ["7"]


DESIGN = Source(
    id="faqs/phases",
    type=DocType.FAQ,
    title="Before work starts",
    url=None,
    text=(
        "Kitchen Refresh: 2 to 3 weeks on site.\n\n"
        "Before that come design (2 to 4 weeks) and permits (2 to 4 weeks)."
    ),
    score=0.8,
)
REFERRAL = Source(
    id="offers/referral",
    type=DocType.OFFER,
    title="Referral credit",
    url=None,
    text="Refer a neighbour and they get $250 off their contract.",
    score=0.8,
)


class TestAFigureBelongsToTheSubjectOfItsOwnClause:
    """A sentence that names a product may give figures of other things: a clause with its own subject,
    a figure with its own head noun, or a product named later as an item of a list."""

    def test_a_figure_after_a_semicolon_belongs_to_the_new_statement(self) -> None:
        body = (
            "Hi Dana,\n\nA Kitchen Refresh is 2 to 3 weeks on site; design comes first, 2 to 4 weeks. Which?"
        )
        assert numbers(body, sources=(PRICES, DESIGN)) == []

    def test_a_figure_after_a_semicolon_belongs_to_the_new_statement_in_spanish(self) -> None:
        body = "Hola Dana:\n\nUn Kitchen Refresh cuesta $18,000; diseño y permisos van antes, 2 a 4 semanas."
        assert numbers(body, sources=(PRICES, DESIGN), lead=replace(LEAD, language="es")) == []

    def test_a_figure_with_its_own_head_noun_measures_that_thing(self) -> None:
        body = "Hi Dana,\n\nA Kitchen Refresh starts after 2 to 4 weeks of design. Which room first?"
        assert numbers(body, sources=(PRICES, DESIGN)) == []

    def test_a_figure_with_its_own_head_noun_measures_that_thing_in_spanish(self) -> None:
        body = "Hola Dana:\n\nUn Kitchen Refresh empieza tras 2 a 4 semanas de diseño. ¿Qué cuarto primero?"
        assert numbers(body, sources=(PRICES, DESIGN), lead=replace(LEAD, language="es")) == []

    def test_a_clause_about_the_reader_after_a_comma_is_not_the_product(self) -> None:
        body = (
            "Hi Dana,\n\nA Kitchen Refresh runs $18,000 to $32,000, and with a referral you'd get $250 off."
        )
        assert numbers(body, sources=(PRICES, REFERRAL)) == []

    def test_a_clause_about_the_reader_after_a_comma_is_not_the_product_in_spanish(self) -> None:
        body = (
            "Hola Dana:\n\nUn Kitchen Refresh cuesta $18,000, y con su referido usted recibe $250. ¿Cuándo?"
        )
        assert numbers(body, sources=(PRICES, REFERRAL), lead=replace(LEAD, language="es")) == []

    def test_a_product_listed_after_the_figure_does_not_take_it(self) -> None:
        body = "Hi Dana,\n\nOurs at $250 already includes permits, cleanup and a Kitchen Refresh. Which room?"
        assert numbers(body, sources=(PRICES, REFERRAL)) == []

    def test_a_figure_after_a_contrast_with_a_new_subject_is_not_the_product(self) -> None:
        """Found on blind vet drafts, once a wrapped paragraph was read as one sentence: "the Adult Wellness
        Plan is $34 a month ..., while a single exam is $72 on its own"."""
        body = "Hi Dana,\n\nA Kitchen Refresh is $18,000 to $32,000, while a bath runs $16,000 to $38,000."
        assert numbers(body) == []

    def test_a_product_attached_after_the_figure_still_takes_it(self) -> None:
        body = "Hi Dana,\n\nExpect $16,000 to $38,000 for a Kitchen Refresh. Which room first?"
        assert numbers(body) == ["$16,000", "$38,000"]

    def test_the_same_product_carried_through_a_comma_still_fires(self) -> None:
        body = (
            "Hola Dana:\n\nUn Kitchen Refresh sale de $18,000 a $32,000, y tarda de 6 a 10 semanas. ¿Cuándo?"
        )
        timeline = Source(
            "faqs/t",
            DocType.FAQ,
            "T",
            None,
            "- Kitchen Refresh: 2 to 3 weeks\n- Bath Remodel: 6 to 10 weeks",
            0.8,
        )
        assert numbers(body, sources=(PRICES, timeline), lead=replace(LEAD, language="es")) == ["6", "10"]
