"""The draft's language against the lead's (language.mismatch), and the brand voice's avoid list."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.guardrails.language import check_brand_voice, check_language
from agent.guardrails.languages import detect
from tests.agent.guardrails.drafts import IDENTITY, LEAD, codes, context, email, sms

SPANISH_EMAIL = (
    "Hola, Dana:\n\n"
    "Gracias por escribirnos sobre las ausencias de los sábados en Luna Hair Studio. Fade & Co. Barbers "
    "redujo las ausencias en un tercio con un recordatorio por SMS el día anterior, que los clientes "
    "contestan para confirmar o cambiar la cita.\n\n"
    "¿Qué día de la semana le cuesta más?\n\n"
    "Saludos,\nMaya"
)
ENGLISH_EMAIL = email().body
PRODUCTS = replace(IDENTITY, products=("Walk-In Shower Conversion", "Safe at Home Package"))


def lead(language: str | None) -> object:
    return replace(LEAD, language=language)


class TestDetect:
    def test_english_and_spanish_are_told_apart(self) -> None:
        assert detect(ENGLISH_EMAIL) == "en"
        assert detect(SPANISH_EMAIL) == "es"

    def test_english_product_names_do_not_make_a_spanish_draft_english(self) -> None:
        text = (
            "Hola Rick, lo que describe es una Walk-In Shower Conversion, y si quiere barras de apoyo "
            "es el Safe at Home Package. ¿Le mando los precios?"
        )

        assert detect(text, PRODUCTS.own_names) == "es"

    @pytest.mark.parametrize(
        "text",
        [
            "Bonjour Dana, merci pour votre message. Nous avons une solution pour vous et votre salon.",
            "Olá Dana, obrigado pela sua mensagem. Temos uma solução para você e o seu salão também.",
        ],
    )
    def test_other_languages_are_other_not_spanish(self, text: str) -> None:
        assert detect(text) == "other"

    @pytest.mark.parametrize("text", ["OK", "Gracias!", "Tuesday 10:00?", "Luna Hair Studio"])
    def test_too_little_text_cannot_tell(self, text: str) -> None:
        assert detect(text) is None


class TestCheckLanguage:
    def test_a_draft_in_the_leads_language_passes(self) -> None:
        assert check_language(email(body=SPANISH_EMAIL), context(lead=lead("es"))) == []
        assert check_language(email(), context(lead=lead("en"))) == []

    def test_an_english_email_to_a_spanish_speaking_lead_fires(self) -> None:
        violations = check_language(email(), context(lead=lead("es")))

        assert codes(violations) == ["language.mismatch"]
        assert "Spanish" in violations[0].message

    def test_a_spanish_sms_to_an_english_speaking_lead_fires(self) -> None:
        body = "Hola Dana, soy Maya. ¿Qué día de la semana le cuesta más? Responda STOP para no recibir más."

        assert codes(check_language(sms(body=body), context(lead=lead("en")))) == ["language.mismatch"]

    def test_no_violation_when_the_leads_language_is_not_known(self) -> None:
        assert check_language(email(body=SPANISH_EMAIL), context(lead=lead(None))) == []

    def test_a_spanish_subject_and_body_with_english_product_names_is_spanish(self) -> None:
        draft = email(
            subject="Su Walk-In Shower Conversion",
            body="Hola Rick, una Walk-In Shower Conversion tarda de 5 a 8 días. ¿Le mando fotos de la obra?",
        )

        assert check_language(draft, context(lead=lead("es"), identity=PRODUCTS)) == []

    def test_a_draft_in_another_language_cannot_be_judged_for_a_lead_of_that_kind(self) -> None:
        french = email(body="Bonjour Dana, merci pour votre message. Nous avons une solution pour vous.")

        assert check_language(french, context(lead=lead("fr"))) == []
        assert codes(check_language(french, context(lead=lead("es")))) == ["language.mismatch"]


class TestCheckBrandVoice:
    AVOIDING = replace(IDENTITY, brand_avoid=("cheap", "last chance", "amigo", "risk-free", "hurry"))

    @pytest.mark.parametrize(
        ("sentence", "found"),
        [
            ("It is the cheap way to start.", "cheap"),
            ("This is your LAST CHANCE to book.", "LAST CHANCE"),
            ("Qué tal, amigos, les escribo de Northstar.", "amigos"),
            ("Every quote is risk free.", "risk free"),
            ("We hurried the reminders out.", "hurried"),
        ],
    )
    def test_an_avoided_word_fires_whatever_its_case_and_inflection(self, sentence: str, found: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{sentence}\n\nBest,\nMaya")

        violations = check_brand_voice(draft, context(identity=self.AVOIDING))

        assert codes(violations) == ["brand.avoid"]
        assert draft.body[violations[0].start : violations[0].end] == found

    def test_an_avoided_word_in_the_subject_fires(self) -> None:
        violations = check_brand_voice(
            email(subject="Last chance: your guide"), context(identity=self.AVOIDING)
        )

        assert codes(violations) == ["brand.avoid"]
        assert violations[0].start is None

    @pytest.mark.parametrize("sentence", ["Cheapside is our street.", "The chance of rain is low."])
    def test_other_words_that_contain_it_are_quiet(self, sentence: str) -> None:
        draft = email(body=f"Hi Dana,\n\n{sentence}\n\nBest,\nMaya")

        assert check_brand_voice(draft, context(identity=self.AVOIDING)) == []

    def test_a_company_without_an_avoid_list_is_quiet(self) -> None:
        assert check_brand_voice(email(body="Hi Dana, it is cheap."), context()) == []

    def test_the_companys_own_product_may_contain_an_avoided_word(self) -> None:
        identity = replace(self.AVOIDING, products=("Last Chance Tune-Up",))
        draft = email(body="Hi Dana,\n\nOur Last Chance Tune-Up checks every chair.\n\nBest,\nMaya")

        assert check_brand_voice(draft, context(identity=identity)) == []


class TestBrandVoiceInflections:
    """Defects found on the dev6 split: degrees of a lone avoided word, and a phrase's noun only plural."""

    AVOIDING = replace(IDENTITY, brand_avoid=("cheap", "lowest rate"))

    @pytest.mark.parametrize(
        ("sentence", "found"),
        [
            ("Spring is the cheapest time to book it.", "cheapest"),
            ("It runs cheaper in March.", "cheaper"),
            ("We find the lowest rates in town.", "lowest rates"),
        ],
    )
    def test_an_avoided_word_in_its_degrees_and_a_phrase_in_its_plural_fire(
        self, sentence: str, found: str
    ) -> None:
        draft = email(body=f"Hi Dana,\n\n{sentence}\n\nBest,\nMaya")

        violations = check_brand_voice(draft, context(identity=self.AVOIDING))

        assert codes(violations) == ["brand.avoid"]
        assert draft.body[violations[0].start : violations[0].end] == found

    def test_a_phrase_whose_last_word_becomes_another_word_is_quiet(self) -> None:
        draft = email(body="Hi Dana,\n\nClerical payroll is among the lowest rated classes.\n\nBest,\nMaya")

        assert check_brand_voice(draft, context(identity=self.AVOIDING)) == []


def test_a_spanish_avoided_word_in_its_superlative_fires() -> None:
    """Probe written after dev6's "cheapest": Spanish says it "baratísimo"."""
    identity = replace(IDENTITY, brand_avoid=("barato",))
    draft = email(body="Hola Dana,\n\nEl plan es baratísimo para un estudio chico.\n\nMaya")

    violations = check_brand_voice(draft, context(identity=identity))

    assert codes(violations) == ["brand.avoid"]
    assert draft.body[violations[0].start : violations[0].end] == "baratísimo"
