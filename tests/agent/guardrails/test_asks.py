"""Value before the ask: one clear next step, after something useful, and 3 value touches per ask."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.domain import LeadContext
from agent.guardrails import PriorMessage, check_call_to_action, check_value_first, check_value_per_ask
from agent.guardrails.asks import is_ask, is_hard_ask
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import CASE_STUDY, LEAD, codes, context, email, sms, value_touches

VALUE = "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before."
FAQ = Source(
    id="faqs/memberships-and-packages",
    type=DocType.FAQ,
    title="Can I sell memberships, class packs and packages?",
    url=None,
    text="Yes, on every plan. You can sell recurring memberships, class packs and session bundles. "
    "Billing runs automatically.",
    score=0.7,
)


class TestIsAsk:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Which day hurts most?",
            "Would Tuesday at 10:00 or Wednesday at 14:00 work for a short call?",
            "Let me know which one suits you.",
            "Reply with a time that works.",
            "Just reply and I will send it over.",
            "Book a time on my calendar.",
        ],
    )
    def test_questions_and_requests_are_asks(self, sentence: str) -> None:
        assert is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            'Our FAQ "How do reminders work?" covers it.',
            "Maya will reply to you personally soon.",
            "Clients reply to confirm or reschedule.",
            "Here is the guide.",
        ],
    )
    def test_statements_and_quoted_titles_are_not_asks(self, sentence: str) -> None:
        assert not is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Who wants to spend Saturday morning looking at an empty chair?",
            "Who wouldn't want a full book every Saturday?",
            "A question finance teams usually ask early: how is the data protected?",
            "Firms often raise 'Is there a contract, and how do I cancel?' before committing.",
            "You can grab it here: https://northstar-bookings.example/x",
        ],
    )
    def test_rhetorical_questions_and_pointers_to_a_resource_ask_nothing(self, sentence: str) -> None:
        assert not is_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Quick question before anything else: would a deposit feel fair?",
            "Let me ask: would Tuesday work?",
            "Grab a time that suits you.",
        ],
    )
    def test_a_question_after_a_colon_is_still_an_ask(self, sentence: str) -> None:
        assert is_ask(sentence)

    @pytest.mark.parametrize(
        ("sentence", "hard"),
        [
            ("Would a short call on Tuesday at 10:00 suit you?", True),
            ("Shall we book a demo?", True),
            ("Want to start a trial this week?", True),
            ("Which day of the week hurts most?", False),
            ("Would you like the checklist?", False),
            ("Can we talk this week?", True),
            ("Would it help if I walked you through how this applies to Luna?", True),
            ("Would it help to go through the numbers on Tuesday at 10:00 or Wednesday at 14:00?", True),
            ("Do your clients call to reschedule, or text?", False),
            ("Do most of your students buy packs or pay per class?", False),
            ("Do clients book through Instagram or by phone?", False),
            ("Would the firm take the fee at booking, or after the meeting?", False),
        ],
    )
    def test_hard_asks_want_time_or_money(self, sentence: str, hard: bool) -> None:
        assert is_hard_ask(sentence) is hard


class TestAskAfterASemicolon:
    @pytest.mark.parametrize(
        "sentence",
        [
            "The next step is a short checklist; reply with the day that hurts most.",
            "If it helps, I can send the reminder template; just say the word.",
            "We can set it up for Saturdays — just reply with your busiest hour.",
        ],
    )
    def test_a_request_after_a_semicolon_or_dash_is_a_next_step(self, sentence: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{VALUE}\n\n{sentence}\n\nBest,\nMaya")
        assert check_call_to_action(draft, context()) == []

    def test_a_list_after_a_colon_asks_nothing(self) -> None:
        draft = email(
            body=f"Hi Dana,\n\n{VALUE} Clients book in three steps: pick a service, pick a time."
            "\n\nBest,\nMaya"
        )
        assert codes(check_call_to_action(draft, context())) == ["cta.missing"]


class TestAnOfferedStep:
    @pytest.mark.parametrize(
        "offer",
        [
            "If you'd like, I can send the reminder template for Saturdays.",
            "Happy to share the setup checklist if that would help.",
            "Si gusta, le mando la plantilla de recordatorios.",
        ],
    )
    def test_an_offer_of_one_specific_thing_is_a_next_step(self, offer: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{VALUE}\n\n{offer}\n\nBest,\nMaya")
        assert check_call_to_action(draft, context()) == []

    @pytest.mark.parametrize(
        "offer",
        [
            "If you'd like, I'm happy to help with anything else.",
            "Happy to help if you have any questions.",
        ],
    )
    def test_a_general_offer_of_help_is_still_no_next_step(self, offer: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{VALUE}\n\n{offer}\n\nBest,\nMaya")
        assert codes(check_call_to_action(draft, context())) == ["cta.missing"]


class TestQuestionsTheWriterAnswers:
    """ "Is setup included? Yes: ..." poses the lead's question and answers it; it asks nothing."""

    @pytest.mark.parametrize(
        "posed",
        [
            "Is setup included? Yes: every plan includes it.",
            "How long does setup take? Most studios are live within a day.",
            "Wondering what reminders cost? They are part of every plan.",
            "¿Cuánto tarda la configuración? Normalmente queda lista en un día.",
        ],
    )
    def test_a_question_answered_at_once_is_neither_an_ask_nor_before_the_value(self, posed: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{posed} {VALUE}\n\nWhich day hurts most?\n\nBest,\nMaya")
        assert check_call_to_action(draft, context()) == []
        assert check_value_first(draft, context()) == []

    @pytest.mark.parametrize(
        "asked",
        [
            "Do you want setup included? Yes, most studios do.",
            "Is setup included?\n\nYes: every plan includes it.",
            "Is Saturday the worst day? Reminders help there most.",
            "Want to see it in action? Most studios start with a demo.",
        ],
    )
    def test_a_question_to_the_lead_or_left_open_is_still_an_ask(self, asked: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{VALUE} {asked}\n\nWhich day hurts most?\n\nBest,\nMaya")
        assert codes(check_call_to_action(draft, context())) == ["cta.multiple"]


class TestCheckCallToAction:
    def test_one_question_passes(self) -> None:
        assert check_call_to_action(email(), context()) == []

    def test_no_ask_fires(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]

    def test_two_asks_fire_on_the_second_with_its_span(self) -> None:
        body = f"Hi Dana,\n\nWhich day hurts most? {VALUE} Shall I send the guide?\n\nBest,\nMaya"

        violations = check_call_to_action(email(body=body), context())

        assert codes(violations) == ["cta.multiple"]
        assert email(body=body).body[violations[0].start : violations[0].end] == "Shall I send the guide?"

    def test_two_time_options_in_one_question_are_one_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWould Tuesday at 10:00 or Wednesday at 14:00 suit you?\n\nBest,\nMaya"

        assert check_call_to_action(email(body=body), context()) == []

    def test_the_sms_opt_out_line_is_not_an_ask(self) -> None:
        assert check_call_to_action(sms(), context()) == []

    @pytest.mark.parametrize(
        "opt_out",
        [
            "Responda BAJA para no recibir más mensajes.",
            "Responda ALTO para no recibir más mensajes.",
            "Envíe BAJA para darse de baja.",
            "Text END to opt out.",
        ],
    )
    def test_an_opt_out_line_with_any_carrier_keyword_is_not_an_ask(self, opt_out: str) -> None:
        body = f"Hola Dana, el plan cuesta $79 al mes. ¿Qué día le queda mejor? {opt_out}"

        assert check_call_to_action(sms(body=body), context()) == []

    def test_two_time_options_in_two_questions_are_one_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWould Tuesday at 10:00 work? Or is Wednesday at 14:00 better?\n\nBest"

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_question_in_a_postscript_is_a_second_ask(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWhich day hurts most?\n\nBest,\nMaya\n\nP.S. Want the guide too?"

        violations = check_call_to_action(email(body=body), context())

        assert codes(violations) == ["cta.multiple"]
        assert body[violations[0].start : violations[0].end] == "Want the guide too?"

    def test_a_rhetorical_question_alone_leaves_no_next_step(self) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\nWho wouldn't want a full book every Saturday?\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]


class TestCheckValueFirst:
    def test_value_then_ask_passes(self) -> None:
        assert check_value_first(email(), context()) == []

    def test_ask_before_any_value_fires_on_the_ask(self) -> None:
        body = f"Hi Dana,\n\nCan we talk this week?\n\n{VALUE}\n\nBest,\nMaya"

        violations = check_value_first(email(body=body), context())

        assert codes(violations) == ["value.after_ask"]
        assert body[violations[0].start : violations[0].end] == "Can we talk this week?"

    def test_nothing_from_the_sources_fires(self) -> None:
        body = "Hi Dana,\n\nI hope the week is going well at the studio. Which day hurts most?\n\nBest,\nMaya"

        assert codes(check_value_first(email(body=body), context())) == ["value.missing"]

    @pytest.mark.parametrize(
        "value",
        [
            "Fade & Co. sends clients an SMS the day before, and they answer to confirm or reschedule.",
            "No-shows went down 34 percent.",
            "You can sell session bundles on every plan, and billing runs by itself.",
        ],
    )
    def test_a_source_told_another_way_counts_as_value(self, value: str) -> None:
        body = f"Hi Dana,\n\n{value}\n\nWhich day hurts most?\n\nBest,\nMaya"

        assert check_value_first(email(body=body), context(sources=(CASE_STUDY, FAQ))) == []

    def test_a_question_in_the_source_words_is_not_value(self) -> None:
        body = (
            "Hi Dana,\n\nCan you sell session bundles on every plan, with billing that runs itself?\n\nBest"
        )

        violations = check_value_first(email(body=body), context(sources=(FAQ,)))

        assert codes(violations) == ["value.missing"]

    def test_a_link_counts_as_value(self) -> None:
        body = "Hi Dana,\n\nThe guide is at https://northstar-bookings.example/x. Which day hurts most?"

        assert check_value_first(email(body=body), context()) == []

    def test_an_acknowledgment_may_be_only_a_fast_honest_reply(self) -> None:
        body = (
            "Hi Dana,\n\nThanks for writing; a person will reply soon. Which day hurts most?\n\nBest,\nMaya"
        )

        assert check_value_first(email(body=body), context(purpose="acknowledgment")) == []


class TestCheckValuePerAsk:
    CALL = f"Hi Dana,\n\n{VALUE}\n\nWould a short call on Tuesday at 10:00 suit you?\n\nBest,\nMaya"

    def test_a_call_after_too_little_value_fires(self) -> None:
        violations = check_value_per_ask(email(body=self.CALL), context(previous=value_touches(1)))

        assert codes(violations) == ["value.per_ask"]
        assert "after 1 value message(s)" in violations[0].message

    def test_the_value_this_message_gives_does_not_earn_its_own_ask(self) -> None:
        violations = check_value_per_ask(email(body=self.CALL), context(previous=value_touches(2)))

        assert codes(violations) == ["value.per_ask"]

    def test_a_call_after_three_value_messages_passes(self) -> None:
        assert check_value_per_ask(email(body=self.CALL), context(previous=value_touches(3))) == []

    def test_the_count_starts_again_after_each_hard_ask(self) -> None:
        earlier_ask = PriorMessage("Would a call on Monday at 10:00 work?", "faq")
        previous = (*value_touches(3), earlier_ask)

        assert codes(check_value_per_ask(email(body=self.CALL), context(previous=previous))) == [
            "value.per_ask"
        ]
        assert codes(
            check_value_per_ask(email(body=self.CALL), context(previous=(*previous, *value_touches(2))))
        ) == ["value.per_ask"]
        assert (
            check_value_per_ask(email(body=self.CALL), context(previous=(*previous, *value_touches(3)))) == []
        )

    def test_a_lead_who_asked_for_a_call_may_be_offered_one(self) -> None:
        lead: LeadContext = replace(LEAD, inquiry_text="Could we have a quick call about pricing?")

        assert check_value_per_ask(email(body=self.CALL), context(lead=lead)) == []

    def test_after_a_meeting_the_next_step_may_ask_again(self) -> None:
        assert check_value_per_ask(email(body=self.CALL), context(purpose="post_meeting")) == []

    def test_a_soft_question_is_always_fine(self) -> None:
        assert check_value_per_ask(email(), context()) == []


SPANISH_FAQ = Source(
    id="faqs/plazos-es",
    type=DocType.FAQ,
    title="¿Cuánto tarda una obra?",
    url=None,
    text="Una Walk-In Shower Conversion toma de 5 a 8 días hábiles de obra, después del diseño.",
    score=0.7,
)
ENGLISH_PARKING = Source(
    id="faqs/parking",
    type=DocType.FAQ,
    title="Is there parking at your clinics?",
    url=None,
    text="Parking is free at all three clinics. Every clinic has accessible spaces and step-free entry.",
    score=0.7,
)


class TestCallsToActionByMeaning:
    @pytest.mark.parametrize(
        "closing",
        [
            "Feel free to reach out.",
            "Let me know if you have any questions.",
            "Happy to help with anything.",
            "Hope this helps.",
            "Quedo a sus órdenes para cualquier duda.",
            "Cualquier cosa, aquí estoy.",
            "No dude en escribirnos.",
            "Aquí estamos para lo que necesite.",
        ],
    )
    def test_a_generic_invitation_is_not_a_call_to_action(self, closing: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{closing}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]

    @pytest.mark.parametrize(
        "ask",
        [
            "¿Qué día de la semana le cuesta más?",
            "Respóndame con los dos horarios que le queden mejor.",
            "Si le interesa, mándeme la medida de su baño.",
            "If you reply with a few lines about your symptoms, a therapist will tell you whether PT fits.",
        ],
    )
    def test_spanish_questions_requests_and_offers_are_calls_to_action(self, ask: str) -> None:
        body = f"Hola, Dana:\n\n{VALUE}\n\n{ask}\n\nLucía"

        assert check_call_to_action(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "ask",
        [
            "Would you like me to send the guide, or shall I book you a visit?",
            "¿Le preparo una cotización, o prefiere que la llame el martes?",
            "¿Quiere que le mande más detalles, o prefiere venir a la sala de exhibición?",
        ],
    )
    def test_two_asks_joined_by_or_are_two(self, ask: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{ask}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.multiple"]

    @pytest.mark.parametrize(
        "ask",
        [
            "¿Le queda mejor el martes o el miércoles?",
            "You can reply here or call us at the studio.",
            "Will the new bathroom keep a tub, or are you thinking shower only?",
            "Would Thursday at 8:00 or Friday at 16:30 work for you?",
        ],
    )
    def test_options_of_one_ask_are_one_ask(self, ask: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{ask}\n\nBest,\nMaya"

        assert check_call_to_action(email(body=body), context()) == []

    def test_offered_times_and_which_works_are_one_ask(self) -> None:
        body = (
            f"Hola, Dana:\n\n{VALUE}\n\nTengo dos horarios: el martes a las 10:00 a.m. o el jueves a las "
            "5:30 p.m. ¿Cuál les queda mejor a usted y a su socia?\n\nLucía"
        )

        assert check_call_to_action(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "invitation",
        [
            "Let me know if you have any questions.",
            "Feel free to reply anytime.",
            "Si tiene alguna pregunta, con gusto le ayudo.",
        ],
    )
    def test_a_generic_invitation_beside_a_real_ask_is_still_one_ask(self, invitation: str) -> None:
        body = f"Hi Dana,\n\n{VALUE} {invitation}\n\nWhich day hurts most?\n\nMaya"

        assert check_call_to_action(email(body=body), context()) == []

    def test_two_real_asks_are_two_even_beside_an_invitation(self) -> None:
        body = (
            f"Hi Dana,\n\n{VALUE} Let me know if you have any questions.\n\nWhich day hurts most? "
            "Could you also send me your current price list?\n\nMaya"
        )

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.multiple"]

    def test_the_spanish_opt_out_is_not_an_ask(self) -> None:
        body = f"Hola Dana, {VALUE} ¿Qué día le cuesta más? Responda STOP para no recibir más mensajes."

        assert check_call_to_action(sms(body=body), context()) == []


class TestValueInOtherWords:
    def test_a_spanish_answer_from_an_english_source_is_value(self) -> None:
        body = (
            "Carmen, las tres clínicas tienen estacionamiento gratis y entrada sin escalones. "
            "¿Quién la llevaría a las visitas? Responda STOP para no recibir más mensajes."
        )

        assert check_value_first(sms(body=body), context(sources=(ENGLISH_PARKING,))) == []

    def test_a_spanish_greeting_and_chat_only_give_nothing(self) -> None:
        body = (
            "Buenos días doña Yolanda, soy Lucía de Casa Verde. "
            "Pensé en usted esta mañana y quise saludarla. ¿Ya platicó con su hija sobre la regadera? "
            "Responda STOP para no recibir más mensajes."
        )

        assert codes(check_value_first(sms(body=body), context(sources=(SPANISH_FAQ,)))) == ["value.missing"]

    def test_a_spanish_request_before_the_facts_is_value_after_ask(self) -> None:
        body = (
            "Hola Dana, mándeme por aquí una foto de su baño. Una Walk-In Shower Conversion toma de 5 a 8 "
            "días hábiles de obra. Responda STOP para no recibir más mensajes."
        )

        violations = check_value_first(sms(body=body), context(sources=(SPANISH_FAQ,)))

        assert codes(violations) == ["value.after_ask"]

    def test_a_recommended_frequency_is_a_useful_fact(self) -> None:
        body = (
            "Hi Dana,\n\nWe recommend a tune-up twice a year, in spring and fall.\n\nWhen was the last one?"
        )

        assert check_value_first(email(body=body), context()) == []

    def test_filler_about_teams_in_general_is_not_value(self) -> None:
        body = (
            "Hi Dana,\n\nIt can help to hear how a team in a similar spot handled it. Most teams have a few "
            "practical questions before they decide.\n\nWhich day hurts most?\n\nBest,\nMaya"
        )

        assert codes(check_value_first(email(body=body), context())) == ["value.missing"]


class TestHardAsksInSpanish:
    @pytest.mark.parametrize(
        "sentence",
        [
            "¿Le puedo llamar el jueves a las 6:00 p.m.?",
            "¿Le aparto una visita para medir su cocina?",
            "¿Le parece si paso a medir su baño este jueves a las 11:00 a.m.?",
            "Can I book your evaluation at our Kendall clinic?",
        ],
    )
    def test_calls_visits_and_bookings_are_hard_asks(self, sentence: str) -> None:
        assert is_hard_ask(sentence)

    @pytest.mark.parametrize(
        "sentence", ["¿Qué clínica le queda más cerca?", "¿Me pasa el teléfono de Teresa para llamarla?"]
    )
    def test_questions_about_their_situation_are_soft(self, sentence: str) -> None:
        assert not is_hard_ask(sentence)

    def test_offered_slots_without_a_question_mark_are_a_hard_ask(self) -> None:
        body = (
            f"Hola, Dana:\n\n{VALUE}\n\nPuedo reservarles el jueves 21 de enero a las 6:00 p.m. o el sábado "
            "23 de enero a las 10:00 a.m. ¿Cuál les queda mejor?\n\nLucía"
        )

        assert codes(check_value_per_ask(email(body=body), context(previous=value_touches(2)))) == [
            "value.per_ask"
        ]

    def test_an_acknowledgment_that_gave_facts_counts_as_value(self) -> None:
        ack = PriorMessage("Hola Dana, una regadera toma de 5 a 8 días hábiles. ¿Cuántos baños tiene?", None)
        previous = (ack, *value_touches(2))

        assert check_value_per_ask(email(body=TestCheckValuePerAsk.CALL), context(previous=previous)) == []


class TestHardAsksInTheSubjunctiveAndTheImperative:
    """ "¿...o prefiere que agendemos una visita?" books time; "respóndame con el número de su tarjeta"
    asks for money without a question mark."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "¿O prefiere que agendemos una Home Energy Review en su casa?",
            "¿Quiere que reservemos el martes para la visita?",
            "Si ya quiere avanzar, respóndame con el número de su tarjeta y le proceso el depósito.",
            "If you're ready, reply with your card number and I'll process the deposit today.",
        ],
    )
    def test_they_are_hard_asks(self, sentence: str) -> None:
        assert is_hard_ask(sentence)

    @pytest.mark.parametrize(
        "sentence",
        ["Respóndame con una foto de su recibo de luz.", "Send me a photo of your last bill if it's handy."],
    )
    def test_a_request_for_a_detail_is_soft(self, sentence: str) -> None:
        assert not is_hard_ask(sentence)


class TestARequestPutAsTheWayForward:
    """ "The quickest way is to send me a photo of your bill" is a concrete next step, in either language."""

    @pytest.mark.parametrize(
        "closing",
        [
            "The quickest way is to send me a photo of your last bill.",
            "All I need is a photo of your last bill.",
            "Lo más fácil es que me mande una foto de su último recibo.",
            "Solo necesito una foto de su último recibo.",
        ],
    )
    def test_it_is_a_call_to_action(self, closing: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{closing}\n\nBest,\nMaya"

        assert check_call_to_action(email(body=body), context()) == []


class TestAsksFoundOnDev6:
    """Defects found on the dev6 split (an insurance agency, an HVAC firm), in examples of our own."""

    def test_a_need_stated_then_asked_for_is_one_ask(self) -> None:
        body = (
            "Dana, para cotizar solo necesitamos su última factura. La cotización no tiene costo. "
            "¿Me la puede mandar por correo? Responda STOP para no recibir más mensajes."
        )
        draft = sms(body=body)

        assert check_call_to_action(draft, context()) == []
        assert codes(check_value_first(draft, context(sources=(SPANISH_FAQ,)))) != ["value.after_ask"]

    def test_how_to_answer_a_question_is_part_of_it(self) -> None:
        body = "Dana, ¿sigue buscando un sistema de reservas? Respóndame sí o no. Responda STOP para salir."

        assert check_call_to_action(sms(body=body), context()) == []

    def test_a_request_completing_a_condition_is_an_option_not_a_second_ask(self) -> None:
        body = (
            f"Hola Dana:\n\n{VALUE}\n\nSi ya tiene un reporte de ausencias, ¡mándemelo y lo revisamos!\n\n"
            "¿Cuántas sillas tiene el estudio?\n\nSaludos,\nMaya"
        )

        assert check_call_to_action(email(body=body), context()) == []

    def test_a_cheer_is_not_an_ask(self) -> None:
        body = (
            f"Hi Dana,\n\n{VALUE}\n\nWhich day loses the most bookings? Let's get your chairs full!\n\nMaya"
        )

        assert check_call_to_action(email(body=body), context()) == []

    @pytest.mark.parametrize(
        "proposal",
        [
            "Ana can call you Monday at 4:30 pm to go over the plans.",
            "I could come by Tuesday at 9:00.",
            "Ana le puede llamar el lunes a las 4:30 pm.",
            "Erik puede pasar el martes a las 9:00.",
        ],
    )
    def test_a_call_or_visit_put_at_a_time_is_a_hard_ask(self, proposal: str) -> None:
        body = f"Dana, text me your booking export so I can check it. {proposal} Reply STOP to opt out"

        assert is_hard_ask(proposal)
        assert codes(check_call_to_action(sms(body=body), context())) == ["cta.multiple"]

    def test_a_lead_who_asked_for_a_quote_is_answered_once_then_the_count_holds(self) -> None:
        lead: LeadContext = replace(LEAD, inquiry_text="I'd like a quote for the whole studio.")
        offered = PriorMessage(f"{VALUE} I could come by Tuesday at 9:00 for the quote.", "acknowledgment")

        assert check_value_per_ask(email(body=TestCheckValuePerAsk.CALL), context(lead=lead)) == []
        violations = check_value_per_ask(
            email(body=TestCheckValuePerAsk.CALL), context(lead=lead, previous=(offered, *value_touches(1)))
        )
        assert codes(violations) == ["value.per_ask"]

    def test_a_figure_inside_a_request_for_payment_is_no_value(self) -> None:
        body = "Dana, para apartar su cita de $89, mándeme por aquí el número de su tarjeta."

        assert codes(check_value_first(sms(body=body), context(purpose="pricing"))) == ["value.missing"]

    def test_filler_naming_a_form_gives_nothing(self) -> None:
        body = (
            "Hi Dana,\n\nJust touching base about your W-2 questions from last week.\n\n"
            "Let me know if you have any questions.\n\nMaya"
        )

        assert codes(check_value_first(email(body=body), context(purpose="check_in"))) == ["value.missing"]


class TestValueFoundOnDev6:
    """Defects found on the dev6 split, in examples of our own."""

    FAQ_DAYS = Source(
        id="faqs/setup",
        type=DocType.FAQ,
        title="How long does setup take?",
        url=None,
        text="**How long does setup take?** One day for a single studio, two for a chain.",
        score=0.7,
    )

    def test_a_sources_figure_written_in_words_is_value(self) -> None:
        body = (
            "Hi Dana,\n\nSetup for a single studio takes just one day.\n\nHow many chairs do you run?\n\nMaya"
        )

        assert check_value_first(email(body=body), context(sources=(self.FAQ_DAYS,), purpose="faq")) == []

    def test_a_link_to_upload_to_is_a_step_not_value(self) -> None:
        body = (
            "Hi Dana, once you have the 2-page export, upload it at "
            "https://northstar-bookings.example/upload "
            "and we'll add it to your file. Did your old system keep no-show notes? Reply STOP to opt out"
        )

        assert codes(check_value_first(sms(body=body), context(purpose="value_add"))) == ["value.missing"]


class TestAnotherThingPutForwardAsEasier:
    """Probe written after dev6's "two asks joined by 'or'": the second ask may be a noun put as easier."""

    @pytest.mark.parametrize(
        "closing",
        [
            "Should I send the brochure, or would a quick call be easier?",
            "¿Le mando la lista de precios o le sería más fácil una visita?",
        ],
    )
    def test_it_is_a_second_ask(self, closing: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{closing}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.multiple"]

    def test_two_times_for_one_visit_are_still_one_ask(self) -> None:
        body = (
            f"Hi Dana,\n\n{VALUE}\n\nWould a morning visit or would an afternoon visit work better?\n\nMaya"
        )

        assert check_call_to_action(email(body=body), context()) == []


class TestAnAskThatNamesNothing:
    """Probe written after dev6's generic "let me know": asking the lead's opinion of the message, or
    whether they want "more", names nothing they can answer about their situation."""

    @pytest.mark.parametrize(
        "closing",
        [
            "What do you think?",
            "Would you like to know more?",
            "¿Le interesa?",
            "Avíseme qué le parece.",
            "Just let me know!",
            "¿Le puedo ayudar en algo más?",
        ],
    )
    def test_it_is_no_call_to_action(self, closing: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{closing}\n\nBest,\nMaya"

        assert codes(check_call_to_action(email(body=body), context())) == ["cta.missing"]

    @pytest.mark.parametrize(
        "closing",
        [
            "What do you think of the Tuesday reminder?",
            "Does that sound good for the salon?",
            "Let me know which day works.",
        ],
    )
    def test_one_word_of_substance_makes_it_concrete(self, closing: str) -> None:
        body = f"Hi Dana,\n\n{VALUE}\n\n{closing}\n\nBest,\nMaya"

        assert check_call_to_action(email(body=body), context()) == []
