"""Urgency, deadlines, calls to action and payment asks judged by meaning and evidence, not by words.

What a careful rep writes passes: availability and timing the sources or the lead's own words back, a
filing date a source gives, the company's own hours, instructions beside one question, prices and
deposits described. Pressure nothing backs, a second different ask and a request for card details
still fire. English and Spanish alike.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from agent.guardrails import check_call_to_action, check_urgency
from agent.guardrails.asks import is_hard_ask
from agent.guardrails.deadlines import deadlines, named_days
from agent.guardrails.promises import concessions
from agent.guardrails.sensitive import check_payment_request
from knowledge.types import DocType, OfferWindow, Source
from tests.agent.guardrails.drafts import LEAD, codes, context, email, sms

TAX = Source(
    id="faqs/tax-deadlines",
    type=DocType.FAQ,
    title="Tax deadlines",
    url=None,
    score=0.5,
    text=(
        "For the 2026 tax year, S corporation and partnership returns are due March 15, 2027, and "
        "individual returns April 15, 2027. To file on time, we need your documents in the portal by "
        "February 12, 2027 for business returns. During tax season, from January 19 to April 15, 2027, we "
        "are also open on Saturdays from 9:00 am to 1:00 pm. Payroll changes are due by Wednesday."
    ),
)
SCHEDULING = Source(
    id="faqs/scheduling",
    type=DocType.FAQ,
    title="Scheduling",
    url=None,
    score=0.5,
    text="Saturday appointments usually book up two to three weeks ahead. Fees rise to $89 on March 1.",
)
TUNE_UP = Source(
    id="offers/spring-tune-up",
    type=DocType.OFFER,
    title="Spring tune-up",
    url=None,
    score=0.5,
    text="A spring tune-up for $89 instead of $129.",
)
TUNE_UP_WINDOW = OfferWindow(id=TUNE_UP.id, title=TUNE_UP.title, expires=date(2027, 5, 31))
MOVING = replace(
    LEAD,
    inquiry_text="We're moving on the 12th and need the system checked before the move. "
    "Necesito que esté listo antes del 20 de diciembre.",
)


def sourced(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "sources": (TAX, SCHEDULING, TUNE_UP),
        "live_offer_ids": frozenset({TUNE_UP.id}),
        "offers": (TUNE_UP_WINDOW,),
        "lead": MOVING,
    }
    values.update(overrides)
    return values


def letter(middle: str) -> str:
    return f"Hi Dana,\n\n{middle}\n\nBest,\nMaya"


def text(middle: str) -> str:
    return f"Hola Dana, {middle} Responda STOP para salir."


class TestTimingTheSourcesOrTheLeadBack:
    @pytest.mark.parametrize(
        "sentence",
        [
            "To file on time, we need your documents in the portal by February 12.",
            "Individual returns are due April 15. Do you want us to file an extension?",
            "The April 15 deadline is coming up, and we still need your 1099s.",
            "If you want your return filed before April 15, the sooner we get your documents, the better.",
            "The spring tune-up runs until May 31.",
            "Since you need it before your move on the 12th, we'd book the install by the 8th.",
            "Payroll changes need to be in by Wednesday.",
            "We have two openings in March for the install.",
            "Saturday appointments book up fast, usually two to three weeks ahead.",
            "Our fees rise to $89 on March 1.",
        ],
    )
    def test_english_timing_a_source_or_the_lead_gives_passes(self, sentence: str) -> None:
        assert check_urgency(email(body=letter(sentence)), context(**sourced())) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "como necesita que esté listo antes del 20 de diciembre, podemos ir el 15.",
            "para presentar a tiempo necesitamos sus documentos antes del 12 de febrero.",
            "la promoción de primavera es válida hasta el 31 de mayo.",
            "la oficina está cerrada los viernes; ¿le queda bien el jueves?",
            "cerramos del 24 al 26 de diciembre y abrimos otra vez el 27.",
        ],
    )
    def test_spanish_timing_a_source_or_the_lead_gives_passes(self, sentence: str) -> None:
        assert check_urgency(sms(body=text(sentence)), context(**sourced())) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "Our office is closed Fridays, so Thursday is the last day this week we can see you.",
            "The office closes Friday at noon and reopens Monday.",
            "We're closed December 24 through 26 and reopen on December 27.",
        ],
    )
    def test_our_own_hours_are_no_deadline(self, sentence: str) -> None:
        assert check_urgency(email(body=letter(sentence)), context()) == []


class TestPressureNothingBacksStillFires:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Sign by February 12 to lock in this price.",  # a filing date put on a sale
            "The tune-up ends May 15, so don't wait.",  # not the offer's end date, and a push
            "We only have two openings left in March, so book soon.",
            "Prices are going up in the new year.",  # no source says so
            "Spots are filling up fast.",
            "With your race on March 7 getting closer, every week you wait is training you won't get back.",
            "Reply by the 9th to keep your place.",  # a day the lead never gave
        ],
    )
    def test_english(self, sentence: str) -> None:
        assert "urgency.unbacked" in codes(check_urgency(email(body=letter(sentence)), context(**sourced())))

    @pytest.mark.parametrize(
        "sentence",
        [
            "firme antes del 12 de febrero para mantener el precio.",
            "quedan pocos lugares en marzo, no lo deje para después.",
            "los precios suben en enero.",
            "las citas se están llenando rápido.",
        ],
    )
    def test_spanish(self, sentence: str) -> None:
        assert "urgency.unbacked" in codes(check_urgency(sms(body=text(sentence)), context(**sourced())))

    def test_a_date_in_an_unrelated_source_sentence_backs_nothing(self) -> None:
        sentence = "Decide by January 19 and we'll hold your price."

        assert codes(check_urgency(email(body=letter(sentence)), context(**sourced()))) == [
            "urgency.unbacked"
        ]

    def test_an_offer_the_draft_does_not_cite_backs_no_date(self) -> None:
        sentence = "Book by May 31 to keep your place."
        ctx = context(**sourced(sources=(TAX,), live_offer_ids=frozenset()))

        assert codes(check_urgency(email(body=letter(sentence)), ctx)) == ["urgency.unbacked"]


class TestDaysNamed:
    def test_a_day_of_the_month_alone_is_read_in_both_languages(self) -> None:
        assert named_days("We're moving on the 12th, y la boda es el 20.").days_of_month == {12, 20}

    def test_a_month_and_day_is_not_read_as_a_day_alone(self) -> None:
        found = named_days("Necesito que esté listo antes del 20 de diciembre.")

        assert found.month_days == {(12, 20)}

    def test_a_day_of_the_month_after_a_limit_is_a_deadline(self) -> None:
        assert [d.day_of_month for d in deadlines("Please confirm by the 12th.", None)] == [12]

    def test_a_price_after_antes_del_is_no_day(self) -> None:
        assert deadlines("Cuesta menos antes del 50% de avance.", None) == []


class TestCallsToActionByMeaning:
    @pytest.mark.parametrize(
        "body",
        [
            letter("Call first to book a same-day slot: 503-555-0187. What symptoms is Maple showing?"),
            letter("Please bring his vaccine records to the visit. Would Tuesday at 10:00 or 14:00 work?"),
            letter("Want me to book you in? You can call or text us at 503-555-0187, whichever is easier."),
            letter("Feel free to reach out with anything else. Which day of the week hurts most?"),
            letter("Would you like me to call you, or would a text be easier?"),
            text("llame primero al 503 555 0187 y le decimos si puede venir directo. ¿Qué síntomas tiene?"),
            text(
                "traiga la cartilla de vacunas el día de la cita. ¿Le queda mejor el martes o el miércoles?"
            ),
            text("¿prefiere que la llame o que le mande un mensaje?"),
        ],
    )
    def test_one_ask_with_instructions_or_options_passes(self, body: str) -> None:
        assert check_call_to_action(email(body=body), context()) == []

    def test_an_instruction_alone_is_a_next_step(self) -> None:
        body = letter("For a same-day visit, call first: 503-555-0187.")

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_hard_wrapped_sentence_is_one_sentence(self) -> None:
        body = (
            "Hola Javier:\n\nLlame primero al 503 555 0187 y le decimos si puede venir\ndirecto.\n\n"
            "¿Tigre toma algún medicamento?\n\nGabriela"
        )

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_price_a_month_is_no_clock_time(self) -> None:
        body = letter(
            "Thanks for writing. Yes, we have one: the plan is for cats and dogs\naged 8 and up, and it "
            "costs "
            "$52 a month.\n\nHow long ago did you notice him getting thinner?"
        )

        assert check_call_to_action(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "body",
        [
            letter("Shall I email you the plan form, or would you rather book his first exam?"),
            letter("Which day hurts most? Or would you like a demo first?"),
            letter("Want me to send the guide? Also, how many chairs do you run on Saturdays?"),
            text("¿quiere que le mande la guía, o prefiere agendar una cita?"),
        ],
    )
    def test_two_different_asks_fire(self, body: str) -> None:
        assert codes(check_call_to_action(email(body=body), context())) == ["cta.multiple"]


class TestPaymentAsksByMeaning:
    @pytest.mark.parametrize(
        "body",
        [
            letter("Billing is monthly by email, and you can pay the invoice through the portal."),
            letter("The deposit is 10% and you can pay it by card at the office or online."),
            letter("You'll get the invoice by email and can pay by card or bank transfer."),
            text("el depósito es de $50 y se paga en la clínica con tarjeta o efectivo."),
            text("le mandamos la factura por correo cada mes y puede pagarla en línea."),
        ],
    )
    def test_prices_deposits_and_billing_described_pass(self, body: str) -> None:
        assert check_payment_request(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "body",
        [
            letter("Just reply with your card number and I'll hold the spot."),
            letter("You can pay the deposit by replying with your card details."),
            letter("Please send the $50 deposit by text to hold your spot."),
            text("mándeme por aquí el número de su tarjeta para el depósito."),
        ],
    )
    def test_asking_for_card_details_or_payment_by_message_fires(self, body: str) -> None:
        assert codes(check_payment_request(email(body=body), context())) == ["ask.payment"]


class TestMonthlyDaysAndOfferText:
    def test_a_day_of_each_month_a_source_gives_backs_it(self) -> None:
        statements = replace(TAX, text="You get your profit and loss statement by the 15th of each month.")
        sentence = "Your statement will be ready by the 15th, as every month."

        assert check_urgency(email(body=letter(sentence)), context(sources=(statements,))) == []

    def test_a_day_of_the_month_no_source_gives_fires(self) -> None:
        assert codes(check_urgency(email(body=letter("Please decide by the 15th.")), context())) == [
            "urgency.unbacked"
        ]

    def test_a_price_rise_an_offer_states_is_true(self) -> None:
        catch_up = replace(
            TUNE_UP, text="After February 28, 2027, the catch-up price rises to $350 per month of backlog."
        )
        sentence = "After February 28 the catch-up price rises to $350 a month of backlog."

        assert check_urgency(email(body=letter(sentence)), context(sources=(catch_up,))) == []


class TestAnExclusionIsNoConcession:
    @pytest.mark.parametrize(
        "sentence",
        [
            "If he needs extractions, they're $80-$250 a tooth and aren't part of the 15% February discount.",
            "Las extracciones no entran en el 15% de descuento de febrero.",
        ],
    )
    def test_saying_what_an_offer_leaves_out_offers_nothing(self, sentence: str) -> None:
        assert concessions(sentence) == frozenset()

    def test_a_discount_offered_is_still_one(self) -> None:
        assert concessions("You get a 15% discount on extractions.") == {"discount"}


class TestDaysReadWhole:
    def test_a_date_before_a_colon_is_read_whole(self) -> None:
        assert [d.text for d in deadlines("The offer ends March 31: sign by then.", None)] == [
            "ends March 31"
        ]

    def test_an_offer_end_date_before_a_colon_is_backed(self) -> None:
        window = replace(TUNE_UP_WINDOW, expires=date(2027, 3, 31))
        sentence = "Our spring tune-up offer ends March 31: book it by then and save $40."

        assert check_urgency(email(body=letter(sentence)), context(**sourced(offers=(window,)))) == []

    def test_a_state_the_company_delivers_by_a_day_is_no_deadline(self) -> None:
        sentence = "We strip and wax on weekends, so the floors are dry by Monday."

        assert check_urgency(email(body=letter(sentence)), context()) == []


class TestAnOfferEndDatePutOnSomethingElse:
    def test_the_offers_date_said_of_the_offer_passes(self) -> None:
        sentence = "Esto sigue vigente hasta el 31 de mayo, sin ninguna prisa."

        assert check_urgency(sms(body=text(sentence)), context(**sourced())) == []

    def test_the_offers_date_made_a_requirement_for_something_else_fires(self) -> None:
        sentence = "To get you on the summer schedule, we'd need the signed scope by May 31."

        assert codes(check_urgency(email(body=letter(sentence)), context(**sourced()))) == [
            "urgency.unbacked"
        ]


class TestMorePressureInNewWords:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Late-January crews get spoken for quickly, so the sooner we pencil you in the better.",
            "October Saturdays tend to be snapped up early, so I wouldn't sit on it.",
            "You'll want to sign before the quarter ends.",
        ],
    )
    def test_english(self, sentence: str) -> None:
        assert "urgency.unbacked" in codes(check_urgency(email(body=letter(sentence)), context()))

    @pytest.mark.parametrize(
        "sentence",
        [
            "le conviene firmar antes de que se cierre el trimestre.",
            "si firman esta semana, le confirmo el salón.",
        ],
    )
    def test_spanish(self, sentence: str) -> None:
        assert "urgency.unbacked" in codes(check_urgency(sms(body=text(sentence)), context()))


class TestNextStepsInOtherShapes:
    def test_a_conditional_request_to_reply_is_a_next_step(self) -> None:
        body = letter(
            "I'll close your file for now. If you'd rather I keep it open, reply with the date you're "
            "considering and I'll check it."
        )

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_link_to_pick_a_time_is_a_next_step(self) -> None:
        body = letter("Click here to pick a time that suits you: https://example.com/walkthrough")

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_link_to_work_out_the_leads_own_case_is_a_next_step(self) -> None:
        body = sms(
            body="Hi Dana, click here to see how your studio compares: https://example.com/x "
            "Reply STOP to opt out."
        )

        assert check_call_to_action(body, context()) == []

    def test_on_schedule_asks_for_no_meeting(self) -> None:
        assert not is_hard_ask("Is keeping the afternoon on schedule a concern for your team?")


class TestGiftsInSpanish:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Y la primera semana de limpieza va por nuestra cuenta.",
            "Si firman, le puedo regalar la hora extra de salón.",
        ],
    )
    def test_something_on_the_house_is_a_concession(self, sentence: str) -> None:
        assert concessions(sentence) == {"compensation"}


class TestAChoiceOfWhatWeDoIsOneAsk:
    def test_close_the_file_or_check_back_is_one_ask(self) -> None:
        body = letter("Shall I close your file for now, or would you rather I check back in a few months?")

        assert check_call_to_action(email(body=body), context()) == []


class TestALimitCountedBackFromTheLeadsDate:
    POLICY = replace(
        TAX,
        text="A 25% deposit holds your date. The final guest count is due 21 days before the event.",
    )
    WEDDING = replace(LEAD, inquiry_text="Our wedding is on October 14 and we expect about 150 guests.")

    def test_the_day_the_policy_gives_for_the_leads_date_passes(self) -> None:
        sentence = "Your final guest count is due September 23."
        ctx = context(sources=(self.POLICY,), lead=self.WEDDING)

        assert check_urgency(email(body=letter(sentence)), ctx) == []

    def test_another_day_fires(self) -> None:
        sentence = "Your final guest count is due September 20."
        ctx = context(sources=(self.POLICY,), lead=self.WEDDING)

        assert codes(check_urgency(email(body=letter(sentence)), ctx)) == ["urgency.unbacked"]


class TestOneContactTwoWays:
    @pytest.mark.parametrize(
        "body",
        [
            text("¿le llamo mañana o prefiere que le escriba por aquí?"),
            letter("To book, just reply with a date or call the office at 503-555-0187. How many guests?"),
            text("para reservar, llame al 503 555 0187. ¿Cuántos invitados esperan?"),
        ],
    )
    def test_passes(self, body: str) -> None:
        assert check_call_to_action(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "body",
        [
            text("¿le llamo mañana o prefiere que le mande la lista de precios?"),
            letter("Shall I call you this week, or would you rather I send the estimate first?"),
        ],
    )
    def test_a_channel_beside_another_act_is_two_asks(self, body: str) -> None:
        assert codes(check_call_to_action(email(body=body), context())) == ["cta.multiple"]


class TestTheLeadsShorthand:
    def test_a_numeric_date_the_lead_wrote_backs_the_same_day(self) -> None:
        lead = replace(LEAD, inquiry_text="Need the office deep-cleaned before our open house on 3/14.")
        sentence = "To have it done before your open house, we'd finish by March 14."

        assert check_urgency(email(body=letter(sentence)), context(lead=lead)) == []


class TestScarcityASourceStatesInAnyLanguage:
    def test_a_spanish_draft_restating_an_english_source_passes(self) -> None:
        sentence = "las citas de los sábados se llenan rápido, con dos o tres semanas de anticipación."

        assert check_urgency(sms(body=text(sentence)), context(**sourced())) == []

    def test_another_day_the_source_never_limits_fires(self) -> None:
        sentence = "las citas de los martes se llenan rápido."

        assert codes(check_urgency(sms(body=text(sentence)), context(**sourced()))) == ["urgency.unbacked"]
