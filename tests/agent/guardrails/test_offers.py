"""Expired offers: naming, linking or applying an offer outside its validity, whatever the sources say."""

from __future__ import annotations

from datetime import date

import pytest

from agent.guardrails import GuardrailContext, check_grounded
from agent.guardrails.offers import check_expired_offer
from knowledge.types import DocType, OfferWindow, Source
from tests.agent.guardrails.drafts import codes, context, email, sms

FALL = Source(
    id="offers/fall-studio-event-2026",
    type=DocType.OFFER,
    title="Fall Studio Event 2026",
    url="https://northstar-bookings.example/offers/fall-studio",
    text="For plans started from September 15 through November 30, 2026: $300 off the setup, or 15% off the "
    "first year. The regular setup fee is $600.",
    score=0.7,
)
FALL_WINDOW = OfferWindow(FALL.id, FALL.title, FALL.url, starts=date(2026, 9, 15), expires=date(2026, 11, 30))
BUNDLE = Source(
    id="offers/november-setup-bundle",
    type=DocType.OFFER,
    title="November 2026: Setup Bundle for $450",
    url=None,
    text="During November 2026 the Setup Bundle was $450 instead of the regular $600.",
    score=0.7,
)
BUNDLE_WINDOW = OfferWindow(BUNDLE.id, BUNDLE.title, None, expires=date(2026, 11, 30))
PRICES = Source(
    id="faqs/prices",
    type=DocType.FAQ,
    title="Prices",
    url=None,
    text="The Setup Bundle (setup plus two training calls) is $600.",
    score=0.6,
)
SPRING_WINDOW = OfferWindow("offers/spring-switch", "Spring Switch Savings", None, starts=date(2027, 2, 1))
AFTER = date(2026, 12, 8)


def ctx(today: date = AFTER, **overrides: object) -> GuardrailContext:
    values: dict[str, object] = {
        "sources": (FALL, BUNDLE, PRICES),
        "offers": (FALL_WINDOW, BUNDLE_WINDOW, SPRING_WINDOW),
        "today": today,
    }
    values.update(overrides)
    return context(**values)


def fired(text: str, *, subject: str | None = None, today: date = AFTER) -> list[str]:
    return codes(check_expired_offer(email(body=text, subject=subject), ctx(today)))


def body(middle: str) -> str:
    return f"Hi Dana,\n\n{middle}\n\nWhich day hurts most?\n\nBest,\nMaya"


class TestExpiredOfferNamedOrApplied:
    def test_an_expired_offer_named_by_its_title_words_fires_with_its_span(self) -> None:
        text = body("Good news: the Fall Studio Event takes money off your setup.")

        violations = check_expired_offer(email(body=text), ctx())

        assert codes(violations) == ["expired_offer"]
        assert text[violations[0].start : violations[0].end].startswith("Good news: the Fall Studio Event")

    def test_an_expired_offer_applied_by_its_amount_fires(self) -> None:
        assert fired(body("We can still take $300 off your setup if you start this month.")) == [
            "expired_offer"
        ]

    def test_an_expired_offer_price_fires_even_under_a_regular_product_name(self) -> None:
        assert fired(body("The Setup Bundle is still $450 for you.")) == ["expired_offer"]

    def test_an_expired_offer_linked_fires(self) -> None:
        assert fired(body("All the details: https://northstar-bookings.example/offers/fall-studio")) == [
            "expired_offer"
        ]

    def test_an_expired_offer_in_spanish_fires(self) -> None:
        text = "Hola Dana, con el Fall Studio Event le quitamos 15% del primer año. Responda STOP para salir."

        assert codes(check_expired_offer(sms(body=text), ctx())) == ["expired_offer"]

    def test_an_expired_offer_in_the_subject_fires(self) -> None:
        assert fired(body("Setup takes one afternoon."), subject="$300 off your setup") == ["expired_offer"]

    def test_an_offer_quoted_before_it_starts_fires(self) -> None:
        assert fired(body("Spring Switch Savings can lower your first invoice.")) == ["expired_offer"]


class TestNotApplying:
    @pytest.mark.parametrize(
        "sentence",
        [
            "The Fall Studio Event ran through November 30, so it has ended.",
            "El Fall Studio Event terminó el 30 de noviembre.",
            "Spring Switch Savings opens on February 1.",
        ],
    )
    def test_saying_plainly_that_an_offer_is_over_or_not_open_passes(self, sentence: str) -> None:
        assert fired(body(sentence)) == []

    def test_the_regular_product_and_its_regular_price_pass(self) -> None:
        assert fired(body("The Setup Bundle (setup plus two training calls) is $600.")) == []

    def test_a_live_offer_passes(self) -> None:
        assert fired(body("The Fall Studio Event takes $300 off the setup."), today=date(2026, 11, 2)) == []

    def test_without_a_date_nothing_is_judged(self) -> None:
        draft = email(body=body("The Fall Studio Event takes $300 off."))

        assert check_expired_offer(draft, context(sources=(FALL,), offers=(FALL_WINDOW,))) == []


FREE_CONSULT = Source(
    id="offers/free-design-consultation",
    type=DocType.OFFER,
    title="Free Design Consultation through January 31, 2027",
    url=None,
    text="A Design Consultation held by January 31, 2027 is free; it is normally $250.",
    score=0.7,
)
FREE_WINDOW = OfferWindow(FREE_CONSULT.id, FREE_CONSULT.title, None, expires=date(2027, 1, 31))
CONSULT_PRICE = Source(
    id="faqs/consultation",
    type=DocType.FAQ,
    title="Design Consultation",
    url=None,
    text="Design Consultation (90 minutes, in your home, $250). Una Design Consultation cuesta $250.",
    score=0.6,
)


class TestAnOfferThatMakesAProductFree:
    """ "Free Design Consultation" is the regular Design Consultation, free: calling the product free
    after the offer ended applies the offer, in any word order and in Spanish."""

    def fired_on(self, middle: str, today: date) -> list[str]:
        found = ctx(today, sources=(FREE_CONSULT, CONSULT_PRICE), offers=(FREE_WINDOW,))
        return codes(check_expired_offer(email(body=body(middle)), found))

    def test_calling_the_product_free_after_the_offer_ended_fires(self) -> None:
        assert self.fired_on("Our Design Consultation is free, normally $250.", date(2027, 2, 15)) == [
            "expired_offer"
        ]

    def test_calling_the_product_free_in_spanish_fires(self) -> None:
        assert self.fired_on("La Design Consultation es gratis para usted.", date(2027, 2, 15)) == [
            "expired_offer"
        ]

    def test_the_product_at_its_regular_price_is_fine(self) -> None:
        assert self.fired_on("Our Design Consultation is $250 and takes 90 minutes.", date(2027, 2, 15)) == []

    def test_calling_it_free_while_the_offer_runs_is_fine(self) -> None:
        assert self.fired_on("Our Design Consultation is free until January 31.", date(2027, 1, 10)) == []


CABINETS = Source(
    id="offers/spring-cabinets",
    type=DocType.OFFER,
    title="Spring Cabinet Savings 2027",
    url=None,
    text=(
        "10% off the cabinets of a kitchen, up to $3,000. It does not apply to countertops, labor, "
        "hardware or bathroom vanities. No aplica a encimeras ni a tocadores de baño."
    ),
    score=0.7,
)
CABINETS_WINDOW = OfferWindow(CABINETS.id, CABINETS.title, None, expires=date(2027, 3, 31))


class TestAnOfferAppliedToWhatItsTermsExclude:
    """A live offer's figures put on something its own terms exclude are figures of the wrong subject."""

    def grounded(self, middle: str) -> list[str]:
        found = ctx(date(2027, 2, 15), sources=(CABINETS,), offers=(CABINETS_WINDOW,))
        text = body(middle)
        return [
            text[v.start : v.end]
            for v in check_grounded(email(body=text), found)
            if v.code == "grounded.number"
        ]

    def test_the_offer_on_an_excluded_item_fires(self) -> None:
        assert self.grounded("With Spring Cabinet Savings you get 10% off the vanity cabinet.") == ["10%"]

    def test_the_offer_on_an_excluded_item_fires_in_spanish(self) -> None:
        assert self.grounded("Con Spring Cabinet Savings tiene 10% de descuento en las encimeras.") == ["10%"]

    def test_the_offer_on_what_it_covers_passes(self) -> None:
        assert self.grounded("With Spring Cabinet Savings you get 10% off the kitchen cabinets.") == []

    def test_stating_the_exclusion_passes(self) -> None:
        assert self.grounded("Spring Cabinet Savings takes 10% off, but not on countertops or labor.") == []


class TestAnOfferCalledByItsOwnName:
    """Defect found on blind/dev6: a free review named by the name its title opens with ("Before-the-Storm
    Coverage Review with a free flood zone check, March to May 2027"), before it starts."""

    REVIEW = OfferWindow(
        "offers/storm-review",
        "Pre-Season Roof Check with a free photo report, March to May 2027",
        None,
        starts=date(2027, 3, 1),
        expires=date(2027, 5, 31),
    )

    def fired(self, text: str) -> list[str]:
        return codes(check_expired_offer(email(body=body(text)), ctx(offers=(self.REVIEW,))))

    def test_the_name_with_its_capitals_applies_the_offer(self) -> None:
        assert self.fired("You can also book our free Pre-Season Roof Check this week.") == ["expired_offer"]

    def test_the_same_words_in_lower_case_are_the_service_not_the_offer(self) -> None:
        assert self.fired("A pre-season roof check is part of every plan.") == []

    def test_saying_when_it_starts_is_not_applying_it(self) -> None:
        assert self.fired("Our Pre-Season Roof Check opens on March 1.") == []
