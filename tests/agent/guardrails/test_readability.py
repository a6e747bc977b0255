"""Reading grade per language: English by Flesch-Kincaid, Spanish by Fernández-Huerta on the same scale,
and only clearly hard text flagged."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from agent.guardrails import check_reading_grade
from agent.guardrails.readability import grade, reading_grade, spanish_syllables, syllables
from tests.agent.guardrails.drafts import LEAD, codes, context, email

ENGLISH_PLAIN = (
    "Hi Dana,\n\nThanks for your note. No-shows hurt. A reminder the day before helps a lot. "
    "Clients can reply to confirm. Most salons see fewer gaps in a month. Want the guide? "
    "It is short and free to read. You can try it this week.\n\nBest,\nMaya"
)
ENGLISH_JARGON = (
    "Hi Dana,\n\nOur configurable deposit functionality lets you operationalise service-level prepayment "
    "requirements, automatically applying percentage-based or fixed-amount authorisations against stored "
    "payment credentials, with cancellation-window enforcement and discretionary fee remission for "
    "high-value clientele across every location.\n\nWhich services would you start with?\n\nBest,\nMaya"
)
ENGLISH_LONG_PLAIN_LIST = (
    "Hi Dana,\n\nThe kit has a poster for the front desk, a short video for the team, a list to check "
    "the chairs and the sinks, a card for clients to take home, and a form for the staff to note when a "
    "client did not show up.\n\nWhich of these would help most?\n\nBest,\nMaya"
)
SPANISH_PLAIN = (
    "Hola, Dana:\n\nGracias por su mensaje. Un recordatorio el día antes ayuda mucho. Los clientes "
    "contestan para confirmar. Muchos salones ven menos huecos en un mes. ¿Le mando la guía? Es corta y "
    "gratis. Puede probarla esta semana.\n\nSaludos,\nMaya"
)
SPANISH_JARGON = (
    "Hola, Dana:\n\nEn relación con la eventual implementación de la funcionalidad de depósitos, cabe "
    "señalar que la configuración de requisitos de prepago por categoría de servicio, conjuntamente con la "
    "autorización automatizada de importes porcentuales o fijos contra credenciales de pago almacenadas, "
    "permite la aplicación sistemática de penalizaciones por cancelación extemporánea, sin perjuicio de la "
    "condonación discrecional de cargos para la clientela de alto valor.\n\n"
    "¿Con qué servicios le gustaría empezar?\n\nSaludos,\nMaya"
)
SPANISH_LEAD = replace(LEAD, language="es")


def split(body: str) -> list[str]:
    """The sentences of a body between its greeting and its sign-off."""
    middle = body.split("\n\n")[1:-1]
    return [s for part in middle for s in re.split(r"(?<=[.?!])\s+", part)]


class TestSyllables:
    @pytest.mark.parametrize(("word", "count"), [("cat", 1), ("reminder", 3), ("appointment", 3)])
    def test_english_vowel_groups(self, word: str, count: int) -> None:
        assert syllables(word) == count

    @pytest.mark.parametrize(
        ("word", "count"),
        [("hola", 2), ("cuesta", 2), ("día", 2), ("leer", 2), ("ciudad", 2), ("queremos", 3), ("muy", 1)],
    )
    def test_spanish_diphthongs_and_hiatus(self, word: str, count: int) -> None:
        assert spanish_syllables(word) == count


class TestGrade:
    def test_spanish_plain_text_grades_like_english_plain_text(self) -> None:
        english = reading_grade(split(ENGLISH_PLAIN))
        spanish = grade(split(SPANISH_PLAIN), "es")

        assert english is not None and spanish is not None
        assert abs(english - spanish.grade) < 3

    def test_a_language_without_a_formula_is_not_graded(self) -> None:
        assert grade(split(ENGLISH_PLAIN), "fr") is None
        assert reading_grade(split(ENGLISH_PLAIN), "fr") is None


class TestCheckReadingGrade:
    def test_plain_english_passes(self) -> None:
        assert check_reading_grade(email(body=ENGLISH_PLAIN), context(max_reading_grade=8)) == []

    def test_a_long_english_sentence_of_jargon_fires_with_the_grade_and_the_limit(self) -> None:
        violations = check_reading_grade(email(body=ENGLISH_JARGON), context(max_reading_grade=10))

        assert codes(violations) == ["reading_grade"]
        assert "limit is 10" in violations[0].message

    def test_a_long_list_of_plain_words_is_not_clearly_hard(self) -> None:
        assert check_reading_grade(email(body=ENGLISH_LONG_PLAIN_LIST), context(max_reading_grade=10)) == []

    def test_the_limit_follows_the_audience(self) -> None:
        assert check_reading_grade(email(body=ENGLISH_JARGON), context(max_reading_grade=30)) == []

    def test_plain_spanish_passes(self) -> None:
        assert check_reading_grade(email(body=SPANISH_PLAIN), context(lead=SPANISH_LEAD)) == []

    def test_a_long_spanish_sentence_of_jargon_fires(self) -> None:
        violations = check_reading_grade(email(body=SPANISH_JARGON), context(lead=SPANISH_LEAD))

        assert codes(violations) == ["reading_grade"]

    def test_spanish_is_not_graded_by_english_syllables(self) -> None:
        graded = grade(split(SPANISH_PLAIN), "es")
        as_english = reading_grade(split(SPANISH_PLAIN))

        assert graded is not None and as_english is not None
        assert graded.grade < as_english

    def test_a_draft_in_another_language_is_not_held_to_english_rules(self) -> None:
        french = email(
            body="Bonjour Dana,\n\nNous avons une solution de réservation avec confirmation automatisée "
            "des rendez-vous, personnalisation intégrale des notifications, administration centralisée des "
            "établissements et synchronisation permanente des agendas pour vous et votre équipe.\n\n"
            "Quel jour vous convient le mieux pour en parler avec votre équipe?\n\nCordialement,\nMaya"
        )

        assert check_reading_grade(french, context(max_reading_grade=4)) == []

    def test_text_too_short_to_grade_is_not_judged(self) -> None:
        assert check_reading_grade(email(body="Hi Dana, extraordinarily comprehensive."), context()) == []

    def test_the_sms_opt_out_line_is_not_graded(self) -> None:
        body = ENGLISH_PLAIN.replace("Best,\nMaya", "Responda STOP para no recibir más mensajes.")

        assert check_reading_grade(email(body=body), context(max_reading_grade=8)) == []


def test_a_hard_wrapped_long_sentence_is_graded_as_one_sentence() -> None:
    """Defect found on dev5: an email wrapped at 100 characters split its 60-word sentence in lines."""
    wrapped = "\n".join(SPANISH_JARGON[i : i + 90].strip() for i in range(0, len(SPANISH_JARGON), 90))
    body = f"Hola Dana:\n\n{wrapped}\n\n¿Cuántas sucursales tiene?\n\nMaya Ortiz"

    assert codes(check_reading_grade(email(body=body), context(lead=SPANISH_LEAD))) == ["reading_grade"]
