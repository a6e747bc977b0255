"""Figures, dates and times written the Spanish way, or another way, are the same claim."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from agent.domain import Channel
from agent.guardrails import DraftText, check_grounded
from agent.guardrails.figures import elided_figures, figures
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import LEAD, context

PRICES = Source(
    id="faqs/precios",
    type=DocType.FAQ,
    title="Precios",
    url=None,
    text=(
        "La Kitchen Refresh cuesta de $18,000 a $32,000 y toma de 5 a 8 días hábiles. "
        "La evaluación dura 2 weeks. El dolor bajó de 8/10 a 3/10. Abrimos de 10:00 a.m. a 6:00 p.m. "
        "Cuesta $1.500 al mes. La promoción termina el 31 de enero de 2027."
    ),
    score=0.9,
)
ELENA = replace(LEAD, first_name="Elena", company=None, language="es", inquiry_text="Cerramos a las 3.")


def codes(body: str, subject: str | None = None, **overrides: object) -> list[str]:
    values: dict[str, object] = {"sources": (PRICES,), "lead": ELENA, "allowed_phrases": ()}
    values.update(overrides)
    draft = DraftText(channel=Channel.EMAIL, body=body, subject=subject)
    return [v.code for v in check_grounded(draft, context(**values))]


class TestWrittenAnotherWay:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Cuesta de $18,000 a $32,000.",
            "Toma de 5 a 8 días hábiles.",
            "La evaluación dura 14 días.",
            "La evaluación dura dos semanas.",
            "Cuesta 1500 dólares al mes.",
            "Cuesta $1.500 al mes.",
        ],
    )
    def test_spanish_formats_and_equivalent_units_are_grounded(self, sentence: str) -> None:
        assert codes(f"Hola Elena, {sentence} ¿Qué le parece?") == []

    def test_a_changed_spanish_duration_fires(self) -> None:
        assert codes("Hola Elena, toma de 5 a 12 días hábiles. ¿Qué le parece?") == ["grounded.number"]


class TestScoresAndDates:
    def test_a_pain_score_is_a_figure_not_a_date(self) -> None:
        assert codes("Hola Elena, su dolor bajó de 8/10 a 3/10. ¿Qué le parece?") == []

    def test_a_changed_pain_score_fires_as_a_figure(self) -> None:
        assert codes("Hola Elena, su dolor bajó de 9/10 a 3/10. ¿Qué le parece?") == ["grounded.number"]

    def test_a_spanish_date_from_the_sources_is_grounded(self) -> None:
        assert codes("Hola Elena, el 31 de enero de 2027 es la fecha de la promoción. ¿Le interesa?") == []

    def test_an_invented_spanish_date_fires(self) -> None:
        assert codes("Hola Elena, debe decidir antes del 30 de abril. ¿Le interesa?") == ["grounded.date"]

    def test_an_invented_date_in_the_subject_fires(self) -> None:
        assert codes("Hola Elena, ¿le interesa?", subject="Antes del 30 de abril") == ["grounded.date"]


class TestTimes:
    def test_opening_hours_from_the_sources_are_facts(self) -> None:
        assert codes("Hola Elena, abrimos de 10:00 a.m. a 6:00 p.m. ¿Qué día le queda mejor?") == []

    def test_a_time_proposed_without_offered_slots_fires_even_if_the_sources_have_it(self) -> None:
        assert codes("Hola Elena, ¿le puedo llamar a las 6:00 p.m.?") == ["grounded.time"]

    def test_an_offered_slot_may_be_proposed(self) -> None:
        assert (
            codes("Hi Elena, can I call you at 6:00 p.m.?", allowed_phrases=("Tuesday at 6:00 p.m.",)) == []
        )

    def test_a_spanish_time_of_day_is_the_clock_time_the_sources_give(self) -> None:
        hours = (faq("We are open until 19:00 on weekdays and from 9:00 on Saturdays."),)
        assert codes("Hola Elena, abrimos hasta las 7 de la tarde entre semana.", sources=hours) == []
        assert codes("Hola Elena, el sábado abrimos a las 9 de la mañana.", sources=hours) == []
        assert codes("Hola Elena, abrimos hasta las 8 de la noche entre semana.", sources=hours) == [
            "grounded.time"
        ]

    def test_the_lead_own_hour_written_with_minutes_is_grounded(self) -> None:
        assert codes("Hola Elena, como cierran a las 3:00, trabajaríamos después.") == []


class TestProposedTimes:
    def test_a_spanish_visit_time_asked_after_a_fact_with_de_fires(self) -> None:
        found = codes(
            "Hola Elena, abrimos hasta las 6:00 p.m. ¿Le sirve venir a las 4:30 pm, después de su trabajo?"
        )
        assert found == ["grounded.time"]


class TestDeadlines:
    def test_a_source_date_used_as_a_price_deadline_fires_in_spanish(self) -> None:
        assert codes("Hola Elena, los precios suben el 31 de enero de 2027. ¿Le interesa?") == [
            "grounded.date"
        ]

    def test_the_live_offer_end_date_stated_plainly_is_fine(self) -> None:
        from knowledge.types import OfferWindow

        window = OfferWindow(id="offers/x", title="Promo", expires=date(2027, 1, 31))
        body = "Hola Elena, la promoción termina el 31 de enero de 2027. ¿Le interesa?"
        assert codes(body, offers=(window,)) == []

    def test_the_lead_own_date_as_a_deadline_is_fine(self) -> None:
        lead = replace(ELENA, inquiry_text="Me operan el 31 de enero.")
        assert codes("Hola Elena, antes del 31 de enero le enviamos la guía. ¿Le sirve?", lead=lead) == []


def faq(text: str) -> Source:
    return Source(id="faqs/numbers", type=DocType.FAQ, title="Numbers", url=None, text=text, score=0.5)


class TestOneValueAnyForm:
    """A figure the source gives is grounded however the draft writes it; a different value is not."""

    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            ("Design fees run fifteen hundred dollars.", "Design fees run $1,500."),
            ("Most projects take two to three weeks.", "Most projects take 2-3 weeks."),
            ("We have three clinics.", "Our 3 clinics are close by."),
            ("Your third visit is a progress check.", "Your 3rd visit is a progress check."),
            ("A deposit of $1,500 holds the date.", "A deposit of $1 500 holds the date."),
            ("La mayoría necesita 2.5 semanas.", "La mayoría necesita 2,5 semanas."),
            ("Dos mil dólares de anticipo.", "Un anticipo de $2,000."),
        ],
    )
    def test_the_same_value_written_another_way_is_grounded(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == []

    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            ("Design fees run fifteen hundred dollars.", "Design fees run $115."),
            ("Most projects take three weeks.", "Most projects take 2-3 weeks."),
            ("We have three clinics.", "Our 4 clinics are close by."),
            ("La mayoría necesita 2.5 semanas.", "La mayoría necesita 3,5 semanas."),
        ],
    )
    def test_another_value_still_fires(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == ["grounded.number"]


class TestSpanishAndCompoundNumberForms:
    """Spanish thousands with decimals, spelled teens, twenties and hundreds, hyphenated English
    compounds, and a currency code: each is the value the source gives."""

    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            ("La revisión cuesta $1.200,50.", "The review costs $1,200.50."),
            ("La revisión cuesta 1.200,50 dólares.", "La revisión cuesta $1,200.50."),
            ("La obra tarda catorce días.", "La obra tarda 2 semanas."),
            ("La garantía es de veinticinco años.", "La garantía es de 25 años."),
            ("Cuesta mil doscientos dólares.", "Cuesta $1,200."),
            ("It comes with a 25-year warranty.", "It comes with twenty-five years of warranty."),
            ("It takes fourteen days.", "It takes 2 weeks."),
            ("It costs $2,500.", "It costs 2,500 USD."),
            ("Installation takes 48 hours.", "Installation takes 2 days."),
            ("La instalación toma 2 días.", "La instalación toma 48 horas."),
            ("A quarter of homes need a new panel.", "25% of homes need a new panel."),
            (
                "La cuarta parte de las casas necesita un panel nuevo.",
                "El 25% de las casas necesita un panel.",
            ),
        ],
    )
    def test_the_same_value_is_grounded(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == []

    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            ("La revisión cuesta $1.200,50.", "The review costs $1,250.50."),
            ("It comes with a 20-year warranty.", "It comes with twenty-five years of warranty."),
            ("Installation takes 36 hours.", "Installation takes 2 days."),
        ],
    )
    def test_another_value_still_fires(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == ["grounded.number"]


class TestASpanOfTheLeadsHistory:
    """ "The last 12 months of bills" counts the lead's own history: no claim to ground."""

    @pytest.mark.parametrize(
        "draft",
        [
            "Could you send me your last 12 months of bills?",
            "I'll pull the last 12 months of usage myself.",
            "¿Me puede mandar sus últimos 12 recibos de luz?",
        ],
    )
    def test_it_is_no_claim(self, draft: str) -> None:
        assert codes(draft, sources=(faq("Nothing numeric here."),)) == []

    def test_a_figure_about_us_still_fires(self) -> None:
        assert codes("We have installed 12 systems this month.", sources=(faq("Nothing numeric."),)) == [
            "grounded.number"
        ]


class TestNumbersThatCountTheMessage:
    @pytest.mark.parametrize(
        "draft",
        [
            "How it works:\n1. We visit.\n2. We measure.\n3) We quote.",
            "Step 1 is a visit; paso 2 es la cotización.",
            "Here are 3 quick ideas for the space, and 2 preguntas for you.",
            "1 quick question before we start.",
            "We answer the phone 24/7.",
        ],
    )
    def test_list_numbers_labels_and_counts_of_the_message_are_not_claims(self, draft: str) -> None:
        assert codes(draft, sources=(faq("Nothing numeric here."),)) == []

    @pytest.mark.parametrize(
        "draft",
        [
            "We have 4 clinics in the area.",
            "It is a 5-step process.",
            "We were rated #1 in the city.",
            "Step one takes 4 weeks.",
        ],
    )
    def test_counts_of_the_world_still_fire(self, draft: str) -> None:
        assert codes(draft, sources=(faq("Nothing numeric here."),)) == ["grounded.number"]


class TestFiguresAReaderCanCheck:
    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            (
                "A full remodel runs $45,000 to $95,000.",
                "Una remodelación cuesta entre 45 mil y 95 mil dólares.",
            ),
            (
                "A full remodel runs $45,000 to $95,000.",
                "A full remodel runs 45 thousand to 95 thousand dollars.",
            ),
            ("Cancel within 90 days for a full refund.", "You have 3 months to cancel."),
            ("The warranty lasts 12 months.", "The warranty lasts 365 days."),
            (
                "A typical system costs $24,000. The federal credit is 30%.",
                "A typical system costs $24,000; with the 30% credit that is $16,800.",
            ),
            (
                "Projects of $7,000 can be spread over 12 months.",
                "Spread over 12 months, $7,000 is about $583 a month.",
            ),
            ("Your bill is about $250 a month.", "Your $250 a month is about $3,000 a year."),
            ("Bills fell from $250 to $40 a month.", "Bills fell from $250 to $40, an 84% drop."),
        ],
    )
    def test_a_scaled_converted_or_worked_out_figure_is_grounded(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == []

    @pytest.mark.parametrize(
        ("source", "draft"),
        [
            (
                "A full remodel runs $45,000 to $95,000.",
                "Una remodelación cuesta entre 40 mil y 95 mil dólares.",
            ),
            ("Cancel within 90 days for a full refund.", "You have 4 months to cancel."),
            (
                "A typical system costs $24,000. The federal credit is 30%.",
                "A typical system costs $24,000; with the 30% credit that is $15,000.",
            ),
            ("A typical system costs $24,000.", "After rebates it is only $16,800."),
            ("Your bill is about $250 a month.", "That is about $3,000 a year."),
        ],
    )
    def test_a_figure_no_source_or_sum_gives_still_fires(self, source: str, draft: str) -> None:
        assert codes(draft, sources=(faq(source),)) == ["grounded.number"]

    def test_the_year_we_are_in_or_the_next_is_not_a_claim(self) -> None:
        today = date(2026, 12, 7)
        draft = "Plan your 2027 remodel now, or finish the 2026 list first."
        assert codes(draft, sources=(faq("Nothing numeric."),), today=today) == []
        assert codes("We have been in business since 2011.", sources=(faq("Nothing."),), today=today) == [
            "grounded.number"
        ]

    def test_last_year_is_no_claim_either_in_english_and_spanish(self) -> None:
        today = date(2027, 1, 14)
        source = (faq("Nothing numeric."),)
        assert codes("Did your panels go in before 2026?", sources=source, today=today) == []
        assert codes("¿Su cuñado instaló sus paneles antes de 2026?", sources=source, today=today) == []
        assert codes("¿Instaló sus paneles antes de 2024?", sources=source, today=today) == [
            "grounded.number"
        ]


class TestDefectsFoundOnBlindDev6:
    def test_a_temperature_is_a_figure_in_its_unit(self) -> None:
        """ "below 5°F" was a bare 5, grounded by any 5 in the corpus."""
        found = figures("Backup heat starts below 5°F; rooms were 6 degrees apart, or 3 grados.")

        assert {(Decimal(5), "°F"), (Decimal(6), "°"), (Decimal(3), "°")} <= found

    def test_a_figure_that_leaves_its_unit_to_the_one_before_it(self) -> None:
        """ "One day for a furnace, two for a heat pump": the source's "two" is two days."""
        found = elided_figures("Installation takes one day for a furnace, two for a heat pump system.")

        assert found == {(Decimal(2), "day")}

    def test_a_bare_figure_after_a_sentence_break_keeps_no_unit(self) -> None:
        assert elided_figures("A tune-up takes 90 minutes. Next, 2 for the filters.") == frozenset()
