"""The pieces that let a rep's paraphrase of the sources pass (issue 15): each read the way a person does."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from agent.guardrails import check_grounded
from agent.guardrails.figures import figures, located_figures
from agent.guardrails.grounding import (
    FRACTION,
    _approximates,
    _link_key,
    _part_deadline_dates,
    _part_ranges,
    identifier,
)
from agent.guardrails.names import _not_a_name, _part_initials, lead_proper_words
from agent.guardrails.tiers import wrong_tier
from tests.agent.guardrails.drafts import LEAD, context, email
from tests.agent.guardrails.test_figures import faq


class TestSpelledRanges:
    def test_a_spanish_spelled_range_gives_both_ends_not_their_sum(self) -> None:
        assert figures("entre tres y seis semanas") == {(Decimal(3), "week"), (Decimal(6), "week")}

    def test_a_spelled_compound_number_is_still_one_number(self) -> None:
        assert figures("treinta y dos semanas") == {(Decimal(32), "week")}
        assert figures("mil doscientos dólares") == {(Decimal(1200), "$")}

    def test_a_count_then_a_price_joined_by_y_is_not_a_price_range(self) -> None:
        assert (Decimal(5), "$") not in figures("los primeros 5 y $9 por cada otro")
        assert (Decimal(5), "$") in figures("entre 5 y $9")


class TestIdentifiers:
    @pytest.mark.parametrize(
        "text",
        ["Form 1040", "los formularios W-2 y 1099", "your 1099-K", "Suite 310", "Forms 1120-S or 1065"],
    )
    def test_a_form_or_suite_number_is_no_figure(self, text: str) -> None:
        last = located_figures(text)[-1][0]
        assert identifier(text, last)

    def test_a_count_is_still_a_figure(self) -> None:
        text = "we had 1099 clients"
        assert not identifier(text, located_figures(text)[0][0])


class TestEstimates:
    def test_a_figure_inside_a_source_range_is_within_it(self) -> None:
        ranges = _part_ranges("Most catch-ups take 3 to 6 weeks.")
        assert _approximates((Decimal(4), "week"), frozenset(), frozenset(), ranges)
        assert not _approximates((Decimal(10), "week"), frozenset(), frozenset(), ranges)

    def test_rounding_within_five_percent_is_the_same_claim(self) -> None:
        assert _approximates((Decimal(250), None), frozenset(), frozenset({Decimal(260)}), frozenset())
        assert not _approximates((Decimal(400), None), frozenset(), frozenset({Decimal(260)}), frozenset())


class TestSourceDeadlines:
    def test_a_due_date_of_the_sources_is_one(self) -> None:
        text = "To file on time, we need your documents by February 12, 2027 for business returns."
        assert _part_deadline_dates(text) == {(2, 12)}

    def test_a_promotion_end_or_a_filing_day_is_not_a_due_date(self) -> None:
        assert _part_deadline_dates("La promoción termina el 31 de enero de 2027.") == frozenset()
        assert _part_deadline_dates("Her return was filed on March 28, 2025.") == frozenset()


class TestNamesAndLinks:
    def test_a_corpus_name_gives_its_initials(self) -> None:
        assert "QBO" in _part_initials("We work in QuickBooks Online or Xero.")

    def test_a_link_is_the_same_with_or_without_scheme_www_and_slash(self) -> None:
        assert _link_key("https://www.birchwoodbooks.example/pricing/") == _link_key(
            "birchwoodbooks.example/pricing"
        )
        assert _link_key("x.example/pricing?lang=en") != _link_key("x.example/pricing")


class TestSizes:
    SOURCE = ("A 10,000-square-foot space usually takes 2 to 3 days for the final clean with a crew of 6.",)

    def test_a_figure_given_for_one_size_is_not_grounded_for_another(self) -> None:
        found = wrong_tier("The final clean of your 22,000 sq ft takes 2 to 3 days.", self.SOURCE)
        assert {v.code for v in found} == {"grounded.number"}

    def test_the_same_size_or_a_rate_per_unit_is_fine(self) -> None:
        assert wrong_tier("The final clean of your 10,000 sq ft takes 2 to 3 days.", self.SOURCE) == []
        rates = ("The package is $72 per guest (minimum 80).",)
        assert wrong_tier("For your 130 guests it is $72 per guest.", rates) == []


class TestWordsThatAreNotNames:
    @pytest.mark.parametrize("token", ["XV", "XII", "Late-January", "Q2", "W-2", "P&L"])
    def test_numerals_codes_and_times_of_year_are_not_names(self, token: str) -> None:
        assert _not_a_name(token)

    @pytest.mark.parametrize("token", ["Ximena", "Rosa", "Oliver"])
    def test_given_names_still_are(self, token: str) -> None:
        assert not _not_a_name(token)

    def test_a_lead_names_what_they_capitalise_inside_a_sentence(self) -> None:
        lead = replace(
            LEAD,
            need="vacunas para su gato",
            inquiry_text="Hola, mi gato Oliver tiene 12 años. ¿Cuánto cuesta el plan?",
        )
        assert lead_proper_words(lead) == {"Oliver"}


class TestDaysAndFractions:
    def test_a_weekday_the_sources_give_in_the_plural_is_grounded(self) -> None:
        hours = (faq("We are also open on Sundays from 9:00 am to 1:00 pm."),)
        body = "Hi Dana,\n\nWe are open this Sunday. Which day hurts most?\n\nBest,\nMaya"
        assert check_grounded(email(body=body, subject=None), context(sources=hours)) == []
        assert [v.code for v in check_grounded(email(body=body, subject=None), context())] == [
            "grounded.date"
        ]

    def test_a_fraction_is_not_a_date(self) -> None:
        assert FRACTION.match("1/2 hour with your bookkeeper")
        assert not FRACTION.match("1/2 at 10:00")
