"""Groundedness: figures, dates, times, names, links and contacts must come from the lead or the sources."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.guardrails import check_grounded
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import CASE_STUDY, LEAD, context, email

OPEN = "Hi Dana,\n\n"
CLOSE = "\n\nWhich day hurts most?\n\nBest,\nMaya"


def body(middle: str) -> str:
    return OPEN + middle + CLOSE


def fired(middle: str, **overrides: object) -> list[tuple[str, str]]:
    text = body(middle)
    return [(v.code, text[v.start : v.end]) for v in check_grounded(email(body=text), context(**overrides))]


class TestGoodDrafts:
    def test_the_good_email_is_grounded(self) -> None:
        assert check_grounded(email(), context()) == []

    def test_figures_may_be_written_another_way(self) -> None:
        assert fired("No-shows fell 34 percent and they recovered $1,450 a month.") == []

    def test_the_slots_we_offered_are_grounded(self) -> None:
        assert fired("I am free Tuesday at 10:00 or Wednesday at 14:00.") == []

    def test_the_lead_own_words_and_company_are_grounded(self) -> None:
        assert fired("Saturday bookings at Luna Hair Studio matter most to you.") == []

    def test_ordinary_capitalised_words_starting_a_sentence_are_not_names(self) -> None:
        assert fired("Reminders help. Absolutely everyone forgets sometimes. Imagine a full Saturday.") == []


class TestInventedClaims:
    def test_an_invented_percentage_fires_with_its_span(self) -> None:
        assert fired("No-shows fell 38% in a month.") == [("grounded.number", "38%")]

    def test_an_invented_amount_fires(self) -> None:
        assert fired("They saved $2,000 a month.") == [("grounded.number", "$2,000")]

    def test_a_spelled_out_percentage_fires(self) -> None:
        assert fired("No-shows fell forty percent.") == [("grounded.number", "forty percent")]

    def test_a_near_miss_of_a_customer_name_fires(self) -> None:
        assert ("grounded.name", "Fade & Co. Salon") in fired("Fade & Co. Salon cut no-shows by a third.")

    def test_an_invented_customer_fires(self) -> None:
        assert fired("Maple Grove Dentistry saw the same.") == [("grounded.name", "Maple Grove Dentistry")]

    def test_an_invented_person_mid_sentence_fires(self) -> None:
        assert fired("I spoke with Sarah about this.") == [("grounded.name", "Sarah")]

    def test_an_invented_date_fires(self) -> None:
        assert fired("The price goes up on March 3.") == [("grounded.date", "March 3")]

    def test_an_invented_time_fires(self) -> None:
        assert fired("I can call at 4pm.") == [("grounded.time", "4pm")]

    def test_a_changed_link_fires(self) -> None:
        link = CASE_STUDY.url + "-2026" if CASE_STUDY.url else ""

        assert fired(f"The story: {link}.") == [("grounded.url", link)]

    def test_a_bare_domain_not_in_the_sources_fires(self) -> None:
        assert fired("See bookingwins.com for details.") == [("grounded.url", "bookingwins.com")]

    def test_a_wrong_name_in_the_greeting_fires(self) -> None:
        text = "Hi Tina,\n\nFade & Co. Barbers cut no-shows by a third." + CLOSE

        assert [(v.code, text[v.start : v.end]) for v in check_grounded(email(body=text), context())] == [
            ("grounded.name", "Tina")
        ]


class TestFiguresWithUnits:
    """A figure is grounded by the same figure with the same unit, however it is written."""

    @pytest.mark.parametrize(
        "middle",
        [
            "No-shows fell 34 per cent in 60 days.",
            "They recovered $1.45k a month.",
            "They recovered 1,450 dollars a month within 60 days.",
        ],
    )
    def test_the_same_figure_written_another_way_is_grounded(self, middle: str) -> None:
        assert fired(middle) == []

    @pytest.mark.parametrize(
        ("middle", "figure"),
        [
            ("Reminders cut no-shows by 60%.", "60%"),  # 60 is in the source, as days
            ("Each barber saves 34 hours a week.", "34"),  # 34 is a percentage there
            ("They recovered £1,450 a month.", "£1,450"),  # the source's money is dollars
        ],
    )
    def test_a_number_with_another_unit_is_not_grounded(self, middle: str, figure: str) -> None:
        assert fired(middle) == [("grounded.number", figure)]

    def test_a_range_shares_its_unit(self) -> None:
        facts = ("Rollouts take 2 to 4 weeks.",)

        assert fired("Rollouts take 2 weeks at the least.", company_facts=facts) == []
        assert fired("Rollouts take 2 days.", company_facts=facts) == [("grounded.number", "2")]


class TestDaysAndMonths:
    def test_an_offered_day_that_nobody_offered_fires_as_a_date(self) -> None:
        assert fired("I could call on Thursday at 10:00 instead.") == [("grounded.date", "Thursday")]

    def test_the_offered_slot_is_grounded(self) -> None:
        assert fired("Tuesday at 10:00 suits me too.") == []

    @pytest.mark.parametrize(
        "middle",
        ["Saturdays are the worst.", "On Friday evenings the chairs fill up.", "Deposits help in January."],
    )
    def test_days_and_months_used_in_general_are_not_names_or_dates(self, middle: str) -> None:
        assert fired(middle) == []


class TestNotNames:
    @pytest.mark.parametrize(
        "middle",
        [
            "Don't worry about the regulars.",
            "Organising deposits is simpler than it sounds.",
            "Waitlists fill the gaps.",
            "Walk-ins still work.",
            "It was a HUGE help.",  # shouting is for spam.caps, not a name
        ],
    )
    def test_ordinary_words_at_a_sentence_start_or_in_capitals_are_not_names(self, middle: str) -> None:
        assert fired(middle) == []

    def test_a_placeholder_is_not_reported_as_a_name(self) -> None:
        assert fired("Teams like [Company] and %COMPANY_NAME% saw XX% fewer no-shows.") == []

    def test_an_ordinary_word_and_a_generic_one_make_up_a_name(self) -> None:
        assert fired("Sharp Barbers did the same.") == [("grounded.name", "Sharp Barbers")]


class TestContactData:
    def test_another_person_address_fires(self) -> None:
        assert fired("Write to carla@lunahair.example if needed.") == [
            ("privacy.contact", "carla@lunahair.example")
        ]

    def test_another_phone_number_fires(self) -> None:
        assert fired("Call Carla on +1 512 555 0199.")[-1] == ("privacy.contact", "+1 512 555 0199")

    def test_the_lead_own_and_our_address_are_fine(self) -> None:
        assert fired("I will write to dana@lunahair.example from maya@northstar-bookings.example.") == []


class TestSlotsAcrossLanguagesAndOfferedVisits:
    """Defects found on blind/dev6: a Spanish slot's weekday written in English, and a Spanish visit offer
    at an hour that is only the company's opening time."""

    SPANISH_SLOTS = ("jueves 15 de abril a las 10:00", "sábado 17 de abril a las 9:30")

    def test_an_english_weekday_of_a_spanish_slot_is_grounded(self) -> None:
        found = fired("Could we talk on Thursday at 10:00?", allowed_phrases=self.SPANISH_SLOTS)

        assert [code for code, _ in found] == []

    def test_a_visit_offered_at_an_hour_that_is_no_slot_fires(self) -> None:
        found = fired(
            "Le puedo mandar a un técnico el jueves 15 de abril a las 8:00 am. ¿Le funciona?",
            allowed_phrases=self.SPANISH_SLOTS,
            company_facts=("Abrimos de lunes a viernes de 8:00 am a 5:00 pm.",),
        )

        assert ("grounded.time", "8:00 am") in found


class TestATermWithoutANumber:
    """Defect found on blind/dev6: "garantía de por vida" against a 1-year repair warranty passed, having no
    digit to check."""

    WARRANTY = Source(
        id="company/warranty",
        type=DocType.COMPANY_FACT,
        title="Warranty",
        url=None,
        text="Every repair carries a 1-year warranty on parts and labor.",
        score=0.9,
    )
    LIFETIME = Source(
        id="faqs/cabinets",
        type=DocType.FAQ,
        title="Cabinets",
        url=None,
        text="The cabinet lines we install have limited lifetime warranties on the boxes.",
        score=0.9,
    )

    @staticmethod
    def numbers(sentence: str, source: Source) -> list[str]:
        return [code for code, _ in fired(sentence, sources=(source,)) if code == "grounded.number"]

    def test_a_lifetime_warranty_no_source_gives_fires_in_either_language(self) -> None:
        for sentence in (
            "Every repair has a lifetime warranty.",
            "Toda reparación tiene garantía de por vida.",
        ):
            assert self.numbers(sentence, self.WARRANTY) == ["grounded.number"], sentence

    def test_a_lifetime_term_a_source_gives_passes_across_languages(self) -> None:
        assert self.numbers("Los gabinetes tienen garantía limitada de por vida.", self.LIFETIME) == []

    def test_once_in_a_lifetime_is_no_term(self) -> None:
        assert self.numbers("A kitchen is a once in a lifetime project.", self.WARRANTY) == []


PRICE_LIST = Source(
    id="faqs/plans",
    type=DocType.FAQ,
    title="Plans and prices",
    url=None,
    score=1.0,
    text=(
        "Track Essentials is $24 per vehicle per month and Track Pro is $32 per vehicle per month. "
        "SafeView Road adds $19 per vehicle per month. "
        "Paying a year upfront takes 10% off the monthly fees. A 36-month agreement locks the price. "
        "Complete Weekly Service is $185 a month for pools up to 20,000 gallons; "
        "larger pools add $25 a month and an attached spa adds $20 a month. "
        "The IB-300 tracker is $129 and professional installation is $89 per vehicle. "
        "In Florida, white plaster usually lasts 8 to 12 years, quartz 12 to 15 and pebble 15 to 20."
    ),
)


class TestARepsArithmetic:
    """Found on a fleet-tracking company's and a pool builder's drafts written blind (evals/guardrails dev7):
    totals worked out from the sources' prices and the lead's own counts were refused."""

    def fired(self, middle: str, inquiry: str = "We have 18 vans.") -> list[tuple[str, str]]:
        text = body(middle)
        given = context(sources=(PRICE_LIST,), lead=replace(LEAD, inquiry_text=inquiry), purpose="value_add")
        return [
            (v.code, text[v.start : v.end])
            for v in check_grounded(email(body=text, subject="Your fleet"), given)
        ]

    def test_a_figure_worked_out_from_a_worked_out_figure_is_grounded(self) -> None:
        text = "Track Essentials is $24 and SafeView Road adds $19: $43 per van, or $774 a month for 18 vans."
        assert self.fired(text) == []

    def test_a_chain_of_sums_and_a_total_over_the_term_is_grounded(self) -> None:
        text = (
            "Track Pro for 45 pickups at $32 is $1,440 a month; "
            "that is $17,280 a year, or $51,840 over 36 months."
        )
        assert self.fired(text, inquiry="45 pickups") == []

    def test_three_prices_added_are_grounded(self) -> None:
        text = "It's $185 a month; your larger pool adds $25 and the spa adds $20, so $230 a month."
        assert self.fired(text) == []

    def test_a_price_times_the_leads_own_count_is_grounded_though_the_draft_does_not_repeat_it(self) -> None:
        assert (
            self.fired(
                "Para sus unidades, con Track Essentials a $24: $312 al mes.", "11 pickups y 2 camiones"
            )
            == []
        )

    def test_prices_added_then_multiplied_are_grounded(self) -> None:
        text = "The IB-300 is $129 with installation at $89 per vehicle: $436 for the two."
        assert self.fired(text, inquiry="11 pickups and 2 old dump trucks") == []

    def test_a_yearly_total_then_its_discount_are_grounded(self) -> None:
        text = (
            "Paying a year upfront takes 10% off the monthly fees, "
            "so Track Essentials for your 8 trucks would be "
            "$2,073.60 for the year instead of $2,304."
        )
        assert self.fired(text, inquiry="8 trucks in Austin") == []

    def test_an_invented_total_still_fires(self) -> None:
        text = "Track Essentials is $24 and SafeView Road adds $19: $43 per van, or $790 a month for 18 vans."
        assert self.fired(text) == [("grounded.number", "$790")]

    def test_a_range_whose_unit_the_source_leaves_to_the_range_before_is_grounded(self) -> None:
        assert self.fired("Pebble usually lasts 15 to 20 years in Florida.") == []
