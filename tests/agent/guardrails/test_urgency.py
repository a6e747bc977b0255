"""Urgency, scarcity and pressure: only a live offer's real end date, stated plainly, in any language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pytest

from agent.guardrails import GuardrailContext, check_urgency
from agent.guardrails.embedded_meaning import EmbeddingMeaning, load_bank
from agent.guardrails.meaning import candidates
from knowledge.types import DocType, OfferWindow, Source
from tests.agent.guardrails.drafts import OFFER, codes, context, email, sms

OPEN = "Hi Dana,\n\n"
CLOSE = "\n\nWhich day hurts most?\n\nBest,\nMaya"

WINDOW = OfferWindow(id=OFFER.id, title=OFFER.title, url=OFFER.url, expires=date(2026, 12, 31))
HOURS = Source(
    id="company/hours",
    type=DocType.COMPANY_FACT,
    title="Office hours",
    url=None,
    text="We are open Monday to Friday, 9 to 5, and closed on January 1 for the holiday.",
    score=0.5,
)


def body(middle: str) -> str:
    return OPEN + middle + CLOSE


def live(**overrides: object) -> dict[str, object]:
    """A context whose draft cites the live offer, and knows its real end date (December 31, 2026)."""
    values: dict[str, object] = {
        "sources": (OFFER, HOURS),
        "live_offer_ids": frozenset({OFFER.id}),
        "offers": (WINDOW,),
    }
    values.update(overrides)
    return values


class TestCheckUrgency:
    @pytest.mark.parametrize(
        "phrase", ["Act now", "only 3 spots left", "This offer ends Friday", "Last chance", "Hurry"]
    )
    def test_urgency_without_a_live_offer_fires(self, phrase: str) -> None:
        violations = check_urgency(email(body=body(f"{phrase}: reminders for your studio.")), context())

        assert codes(violations) == ["urgency.unbacked"]

    def test_urgency_citing_a_live_offer_passes(self) -> None:
        text = body(f"{OFFER.title}: the offer ends December 31. {OFFER.url}")
        ctx = context(sources=(OFFER,), live_offer_ids=frozenset({OFFER.id}))

        assert check_urgency(email(body=text), ctx) == []

    @pytest.mark.parametrize(
        "phrase",
        [
            "Setup spots for January are filling up fast",
            "Our prices are going up in the new year",
            "Now is a good time to lock in your rate",
            "Don't miss out",
        ],
    )
    def test_urgency_in_other_words_fires(self, phrase: str) -> None:
        violations = check_urgency(email(body=body(f"{phrase}: reminders for your studio.")), context())

        assert codes(violations) == ["urgency.unbacked"]

    def test_a_live_offer_backs_its_deadline_but_not_invented_scarcity(self) -> None:
        text = body(f"{OFFER.title}. Spots are filling up fast. {OFFER.url}")
        ctx = context(sources=(OFFER,), live_offer_ids=frozenset({OFFER.id}))

        violations = check_urgency(email(body=text), ctx)

        assert codes(violations) == ["urgency.unbacked"]
        assert text[violations[0].start : violations[0].end] == "Spots are filling up fast"

    def test_an_offer_that_limits_places_backs_scarcity(self) -> None:
        limited = replace(OFFER, text=OFFER.text + " Limited availability: the first 20 practices only.")
        text = body(f"{OFFER.title}. Spots are filling up fast. {OFFER.url}")
        ctx = context(sources=(limited,), live_offer_ids=frozenset({OFFER.id}))

        assert check_urgency(email(body=text), ctx) == []

    def test_an_expired_offer_backs_nothing(self) -> None:
        text = body(f"{OFFER.title}: the offer ends December 31. {OFFER.url}")

        assert codes(check_urgency(email(body=text), context(sources=(OFFER,)))) == ["urgency.unbacked"]


class TestPressureInEnglish:
    @pytest.mark.parametrize(
        "sentence",
        [
            "The sooner you book, the better.",
            "I'd grab one of these spots before they're gone.",
            "This price won't be around for long.",
            "Only a handful of openings remain this month.",
            "Rates are expected to rise in March.",
            "If you put this off, you could lose your spot to another family.",
            "Every week you wait, the damage behind that wall grows.",
            "Don't delay: the discount ends in 3 days.",
        ],
    )
    def test_english_pressure_in_new_words_fires(self, sentence: str) -> None:
        assert set(codes(check_urgency(email(body=body(sentence)), context()))) == {"urgency.unbacked"}


class TestPressureInSpanish:
    @pytest.mark.parametrize(
        "phrase",
        [
            "Quedan pocos lugares para enero",
            "Le escribo antes de que sea tarde",
            "No espere más para decidir",
            "Mejor no lo deje para después",
            "Los horarios de la mañana se llenan rápido",
            "Quedan pocos días de la promoción",
            "Los precios suben en enero",
            "Le recomiendo apartar su lugar lo antes posible",
            "Mientras todavía haya lugares, le conviene reservar",
            "Apúrese, que la agenda se está llenando",
            "Son los últimos lugares del mes",
            "Cada semana que espera, el daño crece",
        ],
    )
    def test_spanish_pressure_fires(self, phrase: str) -> None:
        violations = check_urgency(sms(body=f"Hola Dana, {phrase}. Responda STOP para salir."), context())

        assert set(codes(violations)) == {"urgency.unbacked"}

    def test_a_live_offer_does_not_back_pressure(self) -> None:
        text = "Hola Dana, la oferta termina el 31 de diciembre, así que no lo deje para después."

        assert codes(check_urgency(sms(body=text), context(**live()))) == ["urgency.unbacked"]


class TestLossWithWaitingAndPlacesNearlyGone:
    """Pressure said as a loss that grows ("training you won't get back"), a push to act soon ("worth
    getting your numbers soon"), and places said to be nearly taken ("mostly spoken for")."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "Every week that knee goes unchecked is training you won't get back.",
            "Our April install days are mostly spoken for.",
            "It's worth getting your numbers soon.",
            "Cada semana que pasa es tiempo que no va a recuperar.",
            "Vale la pena sacar sus números pronto.",
            "Casi todos los días de abril ya están ocupados.",
        ],
    )
    def test_the_push_fires(self, sentence: str) -> None:
        assert set(codes(check_urgency(email(body=body(sentence)), context()))) == {"urgency.unbacked"}

    @pytest.mark.parametrize(
        "sentence",
        [
            "I'll get back to you with the numbers on Friday.",
            "If you can't get back to me this week, that's fine.",
            "It's worth comparing what each price includes.",
            "Vale la pena comparar lo que incluye cada precio.",
        ],
    )
    def test_plain_words_near_them_pass(self, sentence: str) -> None:
        assert check_urgency(email(body=body(sentence)), context()) == []


class TestTimeWordsThatDoNotPush:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Take your time: there is no rush, and the guide stays free.",
            "We are open Monday through Saturday until 7:00 p.m.",
            "Don't hesitate to reply with any question about the setup.",
            "The price goes up with the number of staff calendars.",
            "Most studios are set up within two weeks.",
            "Tómese su tiempo, no hay ninguna prisa.",
            "Atendemos de lunes a viernes de 9 a 5; no hay citas los domingos.",
            "Le respondo cuanto antes con los números.",
            "Take your time to decide before signing anything.",
            "Para que la obra no tarde más de lo necesario, pedimos los materiales antes.",
            "Mientras puede seguir usando su cocina, trabajamos en el baño.",
            "Cancel up to 24 hours before your visit at no charge.",
            "El precio sube si hay que mover la tubería.",
            "If you'd like to wait until after the holidays, that's completely fine.",
        ],
    )
    def test_neutral_time_words_pass(self, sentence: str) -> None:
        assert check_urgency(email(body=body(sentence)), context()) == []


class TestDeniedPressure:
    """Words of pressure under a denial reassure: "there's no rush" is the opposite of a push."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "No need to hurry: the guide will still be here next month.",
            "You don't have to decide today, or this month.",
            "There's no limited-time catch and no last chance here.",
            "Nobody will ask you to sign now; there is never any deadline on a first visit.",
            "No tiene que decidir hoy; usted marca el ritmo.",
            "Sin prisas y sin última oportunidad: cuando usted quiera.",
        ],
    )
    def test_denied_pressure_reassures(self, sentence: str) -> None:
        assert check_urgency(email(body=body(sentence)), context()) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "Don't wait: spots fill up fast.",
            "If you don't decide today, you'll miss out on the price.",
            "No, really, hurry.",
            "No espere más, se llenan rápido.",
            "Si no decide hoy, aproveche ahora.",
            "No pressure - but prices go up next month.",
        ],
    )
    def test_pressure_that_is_itself_a_denial_or_a_condition_still_fires(self, sentence: str) -> None:
        assert codes(check_urgency(email(body=body(sentence)), context()))


class TestDeadlines:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Sign by Friday and the setup is included.",
            "If you sign by the end of this month, the setup is included.",
            "Firme antes del viernes y la instalación va incluida.",
            "Tiene que confirmarlo antes del 15 de diciembre.",
        ],
    )
    def test_a_deadline_no_live_offer_backs_fires(self, sentence: str) -> None:
        assert codes(check_urgency(email(body=body(sentence)), context())) == ["urgency.unbacked"]

    @pytest.mark.parametrize(
        "sentence",
        [
            "The switch offer runs until December 31, 2026.",
            "La oferta es válida hasta el 31 de diciembre de 2026.",
            "Practices that switch by December 31 get half price.",
        ],
    )
    def test_a_live_offer_real_end_date_stated_plainly_passes(self, sentence: str) -> None:
        assert check_urgency(email(body=body(sentence)), context(**live())) == []

    def test_a_deadline_other_than_the_live_offer_end_date_fires(self) -> None:
        text = body("The switch offer ends December 15.")

        violations = check_urgency(email(body=text), context(**live()))

        assert [text[v.start : v.end] for v in violations] == ["ends December 15"]

    def test_a_date_in_an_unrelated_source_backs_nothing(self) -> None:
        text = body("Rates change after January 1, so sign before January 1.")

        assert codes(check_urgency(email(body=text), context(**live()))) == ["urgency.unbacked"]

    def test_a_weekday_in_office_hours_does_not_back_a_deadline(self) -> None:
        assert codes(check_urgency(email(body=body("Reply by Friday to keep it.")), context(**live()))) == [
            "urgency.unbacked"
        ]

    def test_a_day_we_promise_ourselves_is_not_a_deadline(self) -> None:
        assert check_urgency(email(body=body("Your quote will be in your inbox by Friday.")), context()) == []


class TestSubject:
    def test_urgency_in_the_subject_fires_without_a_body_span(self) -> None:
        violations = check_urgency(email(subject="Last chance for your studio"), context())

        assert codes(violations) == ["urgency.unbacked"]
        assert violations[0].start is None

    def test_a_spanish_deadline_in_the_subject_fires(self) -> None:
        draft = email(subject="Su descuento, solo si firma antes del viernes")

        assert codes(check_urgency(draft, context())) == ["urgency.unbacked"]

    def test_a_live_offer_end_date_in_the_subject_passes(self) -> None:
        assert check_urgency(email(subject="Half price until December 31"), context(**live())) == []


class FixedMeaning:
    """A stand-in reader: every sentence containing ``word`` reads as pressure."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.asked: list[str] = []

    def pressure(self, sentences: Sequence[str]) -> list[str | None]:
        self.asked += sentences
        return ["pressure" if self.word in s else None for s in sentences]


class TestMeaning:
    def test_a_sentence_the_meaning_check_reads_as_pressure_fires_with_its_span(self) -> None:
        text = body("Honestly, this gets harder the more time goes by.")
        meaning = FixedMeaning("this gets harder")

        violations = check_urgency(email(body=text), context(meaning=meaning))

        assert codes(violations) == ["urgency.unbacked"]
        assert text[violations[0].start : violations[0].end].startswith("Honestly, this gets harder")

    def test_without_a_meaning_check_only_patterns_judge(self) -> None:
        text = body("Honestly, this gets harder the more time goes by.")

        assert check_urgency(email(body=text), context()) == []

    def test_only_sentences_with_a_time_or_scarcity_cue_are_read(self) -> None:
        meaning = FixedMeaning("nothing")

        check_urgency(email(body=body("Reminders help. Every week counts.")), context(meaning=meaning))

        assert "Every week counts." in meaning.asked
        assert "Reminders help." not in meaning.asked

    def test_candidates_skip_greeting_and_signature(self) -> None:
        found = [s for s, _, _ in candidates("Hi Dana,\n\nSee you soon. Reminders help.\n\nBest,\nMaya")]

        assert found == ["See you soon."]


@pytest.fixture(scope="module")
def local_meaning() -> EmbeddingMeaning:
    from knowledge.embeddings import LocalMiniLMEmbedder

    return EmbeddingMeaning(LocalMiniLMEmbedder())


class TestLocalModel:
    """The shipped all-MiniLM-L6-v2 behind the meaning check, on sentences written for these tests."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "Honestly, I'd jump on this before the calendar fills.",
            "Mejor apártelo antes de que alguien más tome su lugar.",
        ],
    )
    def test_a_paraphrase_of_the_bank_reads_as_pressure(
        self, local_meaning: EmbeddingMeaning, sentence: str
    ) -> None:
        assert local_meaning.pressure([sentence]) != [None]

    @pytest.mark.parametrize(
        "sentence",
        [
            "Take your time, and reply whenever it suits you.",
            "Our hours are 8 to 5 on weekdays.",
            "No hay prisa, piénselo con calma.",
            "La visita dura unos 90 minutos y no hay obligación.",
        ],
    )
    def test_a_neutral_time_sentence_does_not(self, local_meaning: EmbeddingMeaning, sentence: str) -> None:
        assert local_meaning.pressure([sentence]) == [None]

    def test_the_bank_has_both_languages_and_both_labels(self) -> None:
        bank = load_bank()

        assert {"en", "es"} <= set(bank.pressure) and {"en", "es"} <= set(bank.neutral)


class TestOurDeliveryDateIsNoDeadline:
    def test_a_colleague_having_the_quote_ready_by_a_day_puts_no_limit_on_the_lead(self) -> None:
        """Defect found on blind/dev6: "will have your quote ready by Wednesday, December 23" read as
        pressure; it is our promise (grounded.date judges whether a source gives the date)."""
        draft = email(body=body("Dwayne will have your quote ready by Wednesday, December 23."))

        assert check_urgency(draft, context(today=date(2026, 12, 16))) == []

    def test_a_date_the_lead_must_sign_by_still_pushes(self) -> None:
        draft = email(body=body("Sign by Wednesday, December 23 to lock in this price."))

        assert "urgency.unbacked" in codes(check_urgency(draft, context(today=date(2026, 12, 16))))


BUNDLE = Source(
    id="offers/winter-safeview-bundle",
    type=DocType.OFFER,
    title="Winter SafeView Bundle - camera hardware and installation at no charge",
    url=None,
    text=(
        "Fleets that add SafeView Road cameras to 5 or more vehicles, with an order signed between\n"
        "November 1, 2026 and January 31, 2027, get the camera hardware and professional installation at no\n"
        "charge. The cameras must be installed by February 28, 2027."
    ),
    score=0.9,
)
BUNDLE_WINDOW = OfferWindow(id=BUNDLE.id, title=BUNDLE.title, url=None, expires=date(2027, 1, 31))


def bundle() -> GuardrailContext:
    return context(
        sources=(BUNDLE,),
        live_offer_ids=frozenset({BUNDLE.id}),
        offers=(BUNDLE_WINDOW,),
        today=date(2026, 12, 15),
    )


class TestALiveOffersOwnTerms:
    """Found on a fleet-tracking company's drafts written blind (evals/guardrails dev7): restating a live
    offer's terms, wrapped over two lines as plain-text email is, was read as invented pressure."""

    def test_its_terms_restated_on_its_own_subject_are_honest_even_wrapped(self) -> None:
        text = body(
            "The Winter SafeView Bundle covers the camera. The order has to be signed by January 31, 2027,\n"
            "and the cameras installed by February 28, 2027."
        )

        assert codes(check_urgency(email(body=text), bundle())) == []

    def test_its_date_put_on_something_else_still_fires(self) -> None:
        text = body("To get your yard on our spring route, we'd need the signed scope by February 28.")

        assert codes(check_urgency(email(body=text), bundle())) == ["urgency.unbacked"]


def test_para_after_a_noun_says_what_a_thing_is_for_not_a_deadline() -> None:
    """Found on blind drafts: "Un dato para este mes: ..." ("a tip for this month") read as a deadline."""
    stop = " Responde STOP para no recibir más mensajes."
    text = "Un dato para este mes: el Asset Tag dura hasta 3 años. ¿Dónde guarda las podadoras?"
    firm = "Diana, soy Marisol. Firme para este mes y le guardamos el precio. ¿Le parece?"

    assert codes(check_urgency(sms(body=text + stop), context(today=date(2027, 1, 20)))) == []
    assert codes(check_urgency(sms(body=firm + stop), context(today=date(2027, 1, 20)))) == [
        "urgency.unbacked"
    ]
