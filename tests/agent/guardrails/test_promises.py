"""What only a person may ask for or promise: payment, secrets, refunds and discounts, professional advice."""

from __future__ import annotations

import pytest

from agent.guardrails import (
    check_compensation,
    check_payment_request,
    check_secret_request,
    check_unsourced_advice,
)
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import codes, context, email, sms

OFFER = Source(
    id="offers/spring-cabinet-savings",
    type=DocType.OFFER,
    title="Spring Cabinet Savings",
    url=None,
    text=(
        "For contracts signed from February 1 through March 31: 10% off the cabinets in a kitchen remodel, "
        "up to $3,000 per project. It does not apply to countertops, labor or bathroom vanities."
    ),
    score=0.7,
)
REFERRAL = Source(
    id="offers/referral-thank-you",
    type=DocType.OFFER,
    title="Referral thank-you",
    url=None,
    text="We send a handwritten card and a set of resistance bands. There is no cash, credit or discount.",
    score=0.7,
)
EXERCISE_FAQ = Source(
    id="faqs/home-exercise-program",
    type=DocType.FAQ,
    title="Home exercise program",
    url=None,
    text="Every patient gets a home exercise program: 3 to 5 exercises that take 10 to 15 minutes a day.",
    score=0.7,
)


def body(sentence: str) -> str:
    return f"Hi Dana,\n\nThe kitchen guide is attached. {sentence}\n\nWhich room comes first?\n\nBest,\nMaya"


class TestAConcessionSaidToBeOver:
    """Found on a pool builder's drafts written blind: "Ese descuento ya terminó; hoy el Harbor 7 cuesta
    $11,995" was read as offering a discount."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "That discount ended on January 31; today the tub is $11,995.",
            "Ese descuento ya terminó; hoy cuesta $11,995.",
        ],
    )
    def test_telling_the_lead_it_ended_grants_nothing(self, sentence: str) -> None:
        assert codes(check_compensation(email(body=body(sentence)), context())) == []

    def test_offering_it_still_fires(self) -> None:
        sentence = "I can still give you that discount, so today it is $11,995."
        assert codes(check_compensation(email(body=body(sentence)), context())) == ["refund_or_compensation"]


class TestPaymentRequests:
    @pytest.mark.parametrize(
        "sentence",
        [
            "If you'd like it, just reply with your card number and expiration date.",
            "Si le interesa, respóndame con el número de su tarjeta y la fecha de vencimiento.",
            "Me pueden pagar el depósito respondiendo a este correo con los datos de su tarjeta.",
            "Please send your bank account and routing number so we can set up the payments.",
            "To hold your spot, text me the long number on your Visa and the 3 digits on the back.",
        ],
    )
    def test_asking_for_card_or_bank_details_fires(self, sentence: str) -> None:
        assert codes(check_payment_request(email(body=body(sentence)), context())) == ["ask.payment"]

    def test_asking_to_pay_by_text_fires_in_an_sms(self) -> None:
        text = (
            "Hi Dana, you can pay the deposit by text: just reply PAY and the amount. Reply STOP to opt out."
        )

        assert codes(check_payment_request(sms(body=text), context())) == ["ask.payment"]

    def test_a_request_in_the_subject_fires(self) -> None:
        draft = email(subject="Reply with your card number to hold the price", body=body("It is $79."))

        violations = check_payment_request(draft, context())

        assert codes(violations) == ["ask.payment"]
        assert violations[0].start is None

    @pytest.mark.parametrize(
        "sentence",
        [
            "Card details never touch our servers; Stripe holds them.",
            "Payouts arrive in your bank account 2 business days after the payment.",
            "Nunca le pediremos el número de su tarjeta por mensaje.",
            "She used to chase payment over WhatsApp.",
        ],
    )
    def test_describing_how_payment_works_is_not_a_request(self, sentence: str) -> None:
        assert check_payment_request(email(body=body(sentence)), context()) == []


class TestSecretRequests:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Para el cheque necesito su número de Seguro Social completo: ¿me lo manda por aquí?",
            "Could you text me the verification code we just sent?",
            "Please reply with your password so I can set up the account.",
            "¿Me puede enviar el número de Seguro Social completo de usted y de su esposo?",
            "Our portal just sent you a 6-digit code; could you text it back to me?",
        ],
    )
    def test_asking_for_a_secret_fires(self, sentence: str) -> None:
        assert codes(check_secret_request(email(body=body(sentence)), context())) == ["ask.secret"]

    @pytest.mark.parametrize(
        "sentence",
        [
            "Clients book in three steps, with no password to remember.",
            "Could you confirm the last four digits of your Social Security number when you call?",
            "We will never ask for your PIN.",
        ],
    )
    def test_mentioning_a_secret_without_asking_for_it_passes(self, sentence: str) -> None:
        assert check_secret_request(email(body=body(sentence)), context()) == []


class TestCompensation:
    @pytest.mark.parametrize(
        "sentence",
        [
            "If you're ever unhappy, we'll refund your deposit in full, no questions asked.",
            "Because of what happened, we'll take a goodwill amount off your quote.",
            "Y como son tres niños en un solo baño, le puedo hacer un descuento de $1,000.",
            "Como es paciente nueva, le podemos perdonar el copago de la evaluación inicial.",
            "We'll cover the rental of the portable restroom for you.",
            "If another contractor quotes less, send it over and we'll match it.",
            "El blanqueamiento cuesta $450, pero a usted se lo dejamos en $400 como cortesía.",
        ],
    )
    def test_a_concession_no_source_gives_fires(self, sentence: str) -> None:
        violations = check_compensation(email(body=body(sentence)), context())

        assert codes(violations) == ["refund_or_compensation"]
        assert "only a person may decide" in violations[0].message

    def test_a_discount_the_cited_offer_gives_passes_in_either_language(self) -> None:
        english = body("Spring Cabinet Savings takes 10% off the cabinets, up to $3,000.")
        spanish = body("Con Spring Cabinet Savings tiene 10% de descuento en los gabinetes, hasta $3,000.")

        assert check_compensation(email(body=english), context(sources=(OFFER,))) == []
        assert check_compensation(email(body=spanish), context(sources=(OFFER,))) == []

    def test_a_real_discount_applied_to_what_the_offer_excludes_fires(self) -> None:
        draft = email(body=body("Spring Cabinet Savings gets you 10% off the vanity cabinet, up to $3,000."))

        assert codes(check_compensation(draft, context(sources=(OFFER,)))) == ["refund_or_compensation"]

    def test_a_credit_the_source_rules_out_fires_and_saying_so_passes(self) -> None:
        promised = email(body=body("Le pondremos un crédito de $25 en su cuenta."))
        honest = email(body=body("El agradecimiento no incluye dinero ni créditos en su cuenta."))

        assert codes(check_compensation(promised, context(sources=(REFERRAL,)))) == ["refund_or_compensation"]
        assert check_compensation(honest, context(sources=(REFERRAL,))) == []

    def test_a_discount_in_the_subject_fires(self) -> None:
        draft = email(subject="A $500 discount, just for you", body=body("It is $79."))

        assert codes(check_compensation(draft, context())) == ["refund_or_compensation"]

    @pytest.mark.parametrize(
        "sentence",
        [
            "We don't offer refunds on material deposits, so we order only after you approve.",
            "No hacemos descuentos, pero los precios están por escrito.",
            "We can't waive copays: your insurer sets them.",
            "We'll cover every detail of the plan at your first visit.",
            "Cubrimos Kendall, Doral y Little Havana.",
            "It's on us to keep the site clean every day.",
            "We can make up for lost time by booking tile and plumbing back to back.",
            "You'll get a courtesy call the day before we start.",
            "Le enviamos un recordatorio de cortesía un día antes.",
            "Your insurance may reimburse part of the visit if you send the receipt.",
            "Su seguro puede reembolsarle parte del costo.",
        ],
    )
    def test_a_statement_that_offers_no_money_passes(self, sentence: str) -> None:
        assert check_compensation(email(body=body(sentence)), context()) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "No worries at all: we'll refund the whole deposit if you change your mind.",
            "If your plan changes, we'll refund the deposit.",
            "We'll cover the cost of the dumpster for you.",
            "Le cubrimos el copago de la primera visita.",
            "The permit fee is on us.",
            "To make up for the delay, we'll knock $200 off.",
            "As a courtesy, the second visit is free.",
            "If you don't love it we'll refund the deposit.",
            "We don't usually do this but we'll waive the design fee.",
        ],
    )
    def test_the_same_words_offering_money_still_fire(self, sentence: str) -> None:
        assert codes(check_compensation(email(body=body(sentence)), context())) == ["refund_or_compensation"]

    def test_financing_words_are_not_credit(self) -> None:
        draft = email(
            body=body("Pre-qualifying is a soft credit check; approval depends on your credit score.")
        )

        assert check_compensation(draft, context()) == []


class TestUnsourcedAdvice:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Mientras tanto, póngase hielo en el hombro varias veces al día.",
            "Take ibuprofen before the session so it hurts less.",
            "Pueden deducir el costo completo en su declaración de impuestos como gasto médico.",
            "Mi consejo: no le conviene endeudarse, mejor páguelo con sus ahorros del retiro.",
            "I'd suggest you refinance first and use the difference for the kitchen.",
            "Le aconsejo usar un bastón siempre que camine dentro de la casa.",
            "Before your visit, switch to a sensitivity toothpaste and skip coffee for a week.",
        ],
    )
    def test_health_money_and_tax_advice_no_source_gives_fires(self, sentence: str) -> None:
        violations = check_unsourced_advice(email(body=body(sentence)), context(sources=(EXERCISE_FAQ,)))

        assert codes(violations) == ["advice.unsourced"]

    def test_advice_the_source_gives_passes_in_either_language(self) -> None:
        english = body("Try to do your home exercises for 10 to 15 minutes a day.")
        spanish = body("Trate de hacer sus ejercicios en casa de 10 a 15 minutos al día.")

        assert check_unsourced_advice(email(body=english), context(sources=(EXERCISE_FAQ,))) == []
        assert check_unsourced_advice(email(body=spanish), context(sources=(EXERCISE_FAQ,))) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "Every patient gets a home exercise program written by their therapist.",
            "Bring your surgeon's notes and wear shorts to the first visit.",
            "La evaluación dura 60 minutos y sale con ejercicios para la casa.",
        ],
    )
    def test_facts_and_practical_instructions_are_not_advice(self, sentence: str) -> None:
        assert check_unsourced_advice(email(body=body(sentence)), context(sources=(EXERCISE_FAQ,))) == []

    def test_advice_in_the_subject_fires(self) -> None:
        draft = email(subject="Put ice on that knee tonight", body=body("It is $79."))

        assert codes(check_unsourced_advice(draft, context(sources=(EXERCISE_FAQ,)))) == ["advice.unsourced"]


TAX_FAQ = Source(
    id="faqs/tax-credits",
    type=DocType.FAQ,
    title="Tax credits",
    url=None,
    text=(
        "Arizona offers a state credit of 25% of the cost, up to $1,000; whether you can use it depends on "
        "your taxes. We are not tax advisers: please ask your tax preparer. No damos asesoría de impuestos."
    ),
    score=0.7,
)


class TestAdviceTheSourcesHandToAProfessional:
    """A source that sends a matter to a professional grounds no advice on it, and a tax outcome
    promised to the lead is advice."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "The rest of the cost is deductible on your return, so that is my advice.",
            "With the Arizona credit you'll get $1,000 back on your taxes this year.",
            "Con el crédito de Arizona usted recupera $1,000 en su declaración de este año.",
            "Le recomiendo usar el crédito de Arizona en sus impuestos de este año.",
        ],
    )
    def test_tax_advice_fires_when_the_source_defers_to_a_preparer(self, sentence: str) -> None:
        violations = check_unsourced_advice(email(body=body(sentence)), context(sources=(TAX_FAQ,)))

        assert codes(violations) == ["advice.unsourced"]

    @pytest.mark.parametrize(
        "sentence",
        [
            "Whether you can use it depends on your taxes, so it's best to ask your tax preparer.",
            "Si lo puede usar depende de sus impuestos, así que lo mejor es preguntarle a su preparador.",
            "Arizona offers a state credit of 25% of the cost, up to $1,000.",
        ],
    )
    def test_sending_the_lead_to_a_professional_is_not_advice(self, sentence: str) -> None:
        assert check_unsourced_advice(email(body=body(sentence)), context(sources=(TAX_FAQ,))) == []


class TestARequestPhrasedAsTheWayForward:
    """ "The quickest way is to send me your password" asks as plainly as "please send"."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "The quickest way is to send me your account username and password, and I'll pull the data.",
            "Lo más fácil es que me envíe su usuario y contraseña de la cuenta de luz.",
            "Envíeme la contraseña de su cuenta y yo reviso el consumo.",
        ],
    )
    def test_asking_for_a_secret_without_a_question_or_please_fires(self, sentence: str) -> None:
        assert codes(check_secret_request(email(body=body(sentence)), context())) == ["ask.secret"]

    def test_asking_for_a_bill_that_way_is_no_secret(self) -> None:
        sentence = "The quickest way is to send me a photo of your last bill."
        assert check_secret_request(email(body=body(sentence)), context()) == []


class TestSpanishCompensationInTheFirstPersonPlural:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Y si nos tardamos más de lo que dice su contrato, le compensamos por cada semana de retraso.",
            "Si algo sale mal, le compensaremos la molestia.",
        ],
    )
    def test_a_promised_compensation_fires(self, sentence: str) -> None:
        violations = check_compensation(email(body=body(sentence)), context(sources=(EXERCISE_FAQ,)))
        assert codes(violations) == ["refund_or_compensation"]


class TestAWaiverAfterADenialInAnotherClause:
    def test_a_waiver_the_source_grants_passes_after_a_negative_clause(self) -> None:
        """Defect found on blind/dev6: "policies don't cover flood, but the wait is waived at closing"
        read as a denied waiver, and the source's exclusion of flood as applying to the waiver."""
        faq = Source(
            id="faqs/flood",
            type=DocType.FAQ,
            title="Flood",
            url=None,
            text="Homeowners policies do not cover flood. The 30-day wait is waived for a policy bought at "
            "the closing of a loan.",
            score=0.7,
        )
        sentence = "Policies don't cover flood, but the wait is waived for a policy bought at your closing."

        assert check_compensation(email(body=body(sentence)), context(sources=(faq,))) == []


class TestDefectsFoundOnBlindDev6:
    """Claims a blind set for an insurance agency and an HVAC firm showed the checks missing."""

    LIMITS = Source(
        id="company/limits",
        type=DocType.COMPANY_FACT,
        title="What we cannot promise",
        url=None,
        # wrapped as source files are: the carriers and their refund sit on two lines
        text="- We cannot tell you a loss is covered before the claim is filed.\n- Most carriers\nrefund "
        "unused premium pro rata when a policy is cancelled.",
        score=0.9,
    )
    ENDED = Source(
        id="faqs/credits",
        type=DocType.FAQ,
        title="Credits",
        url=None,
        text="The state energy tax\ncredit ended for systems installed after June 30, 2025.",
        score=0.7,
    )

    def test_telling_the_lead_a_loss_is_covered_fires_where_the_company_says_it_cannot(self) -> None:
        draft = email(body=body("If the storm did it, you're covered, so go ahead and file the claim."))

        assert codes(check_unsourced_advice(draft, context(sources=(self.LIMITS,)))) == ["advice.unsourced"]

    def test_advice_on_a_credit_the_source_says_has_ended_fires_across_a_wrapped_line(self) -> None:
        draft = email(body=body("You can still claim the energy credit on next year's return."))

        assert codes(check_unsourced_advice(draft, context(sources=(self.ENDED,)))) == ["advice.unsourced"]

    def test_what_the_law_makes_a_shop_do_is_legal_advice(self) -> None:
        sentence = "Un consejo: devuelva la caldera y pida su dinero; por ley tienen que aceptarla."

        assert codes(check_unsourced_advice(email(body=body(sentence)), context())) == ["advice.unsourced"]

    def test_a_refund_another_payer_gives_grounds_no_refund_of_ours(self) -> None:
        sentence = "Si cancela, nosotros le reembolsamos la inspección."

        violations = check_compensation(email(body=body(sentence)), context(sources=(self.LIMITS,)))

        assert codes(violations) == ["refund_or_compensation"]

    def test_a_deposit_sent_by_a_payment_app_is_payment_by_message(self) -> None:
        sentence = "Para apartar la fecha, puede enviar un depósito de $150 por Zelle al 555-0100."

        assert codes(check_payment_request(email(body=body(sentence)), context())) == ["ask.payment"]

    def test_the_code_on_the_back_of_the_card_is_card_data(self) -> None:
        sentence = "Mándeme por aquí el número de su tarjeta y el código de atrás."

        assert codes(check_payment_request(email(body=body(sentence)), context())) == ["ask.payment"]


class TestWhoseMoneyAndHowFarANegationReaches:
    PLAN = Source(
        id="faqs/plan",
        type=DocType.FAQ,
        title="Care plan",
        url=None,
        text="The care plan is $180 a year and includes two visits and 10% off repairs.",
        score=0.7,
    )

    def test_a_far_negation_does_not_deny_a_discount_the_source_gives(self) -> None:
        """Defect found on blind/dev6: "without thinking about them" at the head of the sentence read as
        denying the plan's discount, which then had no denying source to rest on."""
        sentence = (
            "If you want visits without thinking about them, the care plan is $180 a year and includes two "
            "visits, plus 10% off repairs."
        )

        assert check_compensation(email(body=body(sentence)), context(sources=(self.PLAN,))) == []

    def test_a_near_negation_still_denies(self) -> None:
        sentence = "We don't offer discounts on parts."

        assert check_compensation(email(body=body(sentence)), context()) == []

    def test_what_a_policy_pays_is_not_our_compensation(self) -> None:
        """Defect found on blind/dev6: "la póliza de inquilino (HO-4) indemniza la propiedad" is the policy's
        money."""
        sentence = "La póliza de inquilino (HO-4) indemniza la propiedad personal a valor de reposición."

        assert check_compensation(email(body=body(sentence)), context()) == []


class TestTermsASourceSaysCannotBeCombined:
    """Defect found on blind/dev6: "$500 off" and "0% for 18 months" given together, which the offer's
    terms exclude ("The $500 cannot be combined with the 0% APR for 18 months plan")."""

    TERMS = Source(
        id="offers/spring-boiler",
        type=DocType.OFFER,
        title="Spring boiler savings",
        url=None,
        text="Homeowners get $400 off a new boiler. The $400 cannot be combined with the 0% financing plan.",
        score=0.7,
    )

    def check(self, sentence: str) -> list[str]:
        return codes(check_compensation(email(body=body(sentence)), context(sources=(self.TERMS,))))

    def test_both_terms_in_one_draft_fire(self) -> None:
        assert self.check("You get $400 off the boiler, and you can pay the rest at 0% financing.") == [
            "refund_or_compensation"
        ]

    def test_one_term_alone_passes(self) -> None:
        assert self.check("You get $400 off the boiler this spring.") == []

    def test_the_draft_that_keeps_them_apart_passes(self) -> None:
        assert self.check("You can take $400 off or pay at 0%, but they can't be combined.") == []


class TestAdviceInAnOfferedOptionOrALegalPosition:
    """Advice the older dev sets showed missed, read with the same principle as dev6's: a suggestion in the
    meantime, a legal entitlement told to the lead, a way to pay put as a tip."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "Mientras tanto, puede darle media aspirina con la comida.",
            "Under state law you'd be legally entitled to a full refund of the deposit.",
            "My tip: put the whole balance on a travel rewards card and keep the points.",
        ],
    )
    def test_it_fires_when_no_source_gives_it(self, sentence: str) -> None:
        violations = check_unsourced_advice(email(body=body(sentence)), context(sources=(EXERCISE_FAQ,)))

        assert codes(violations) == ["advice.unsourced"]

    def test_an_entitlement_with_no_subject_of_advice_is_not_advice(self) -> None:
        sentence = "As a member you're entitled to a second visit each spring."

        assert check_unsourced_advice(email(body=body(sentence)), context(sources=(EXERCISE_FAQ,))) == []
