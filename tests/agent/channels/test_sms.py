"""SMS rules: carriers' keywords, and the opt-out line every text carries."""

from __future__ import annotations

import dataclasses

import pytest

from agent.channels.sms import (
    OPT_OUT_LINE,
    Keyword,
    classify_keyword,
    keyword_language,
    keyword_reply,
    with_opt_out,
)
from agent.guardrails.optout import KEYWORDS as OPT_OUT_KEYWORDS
from tests.agent.channels.messages import IDENTITY


class TestKeywords:
    @pytest.mark.parametrize(
        "text",
        [
            "STOP",
            "stop",
            " Stop. ",
            "STOPALL",
            "UNSUBSCRIBE",
            "cancel",
            "END",
            "quit",
            "REVOKE",
            "OPT OUT",
            "opt-out",
            "optout",
            "Stop!",
        ],
    )
    def test_opt_out_keywords_stop(self, text: str) -> None:
        assert classify_keyword(text) is Keyword.STOP

    @pytest.mark.parametrize("text", ["START", "unstop", "Start."])
    def test_start_and_unstop_resume(self, text: str) -> None:
        assert classify_keyword(text) is Keyword.START

    @pytest.mark.parametrize("text", ["HELP", "help?", "INFO"])
    def test_help_asks_who_we_are(self, text: str) -> None:
        assert classify_keyword(text) is Keyword.HELP

    @pytest.mark.parametrize("text", ["Please stop texting me", "stop by tomorrow?", "", "Yes"])
    def test_a_sentence_is_not_a_keyword(self, text: str) -> None:
        assert classify_keyword(text) is None


class TestOptOutLine:
    def test_added_when_the_text_lacks_it(self) -> None:
        assert with_opt_out("Hi Dana, your calculator: https://x.example") == (
            f"Hi Dana, your calculator: https://x.example\n{OPT_OUT_LINE}"
        )

    def test_not_repeated_when_the_drafter_wrote_it(self) -> None:
        body = "Hi Dana! Text STOP to opt out."

        assert with_opt_out(body) == body

    def test_a_spanish_text_keeps_its_own_opt_out_line_and_gets_no_english_one(self) -> None:
        body = "Hola, Marisol: aquí tiene la guía. Responda STOP para no recibir más mensajes."

        assert with_opt_out(body) == body


class TestReplies:
    def test_stop_confirms_and_says_how_to_come_back(self) -> None:
        reply = keyword_reply(Keyword.STOP, IDENTITY)

        assert reply.startswith("Northstar Bookings:")
        assert "no more texts" in reply
        assert "START" in reply

    def test_help_names_the_sender_and_the_way_out(self) -> None:
        reply = keyword_reply(Keyword.HELP, IDENTITY)

        assert IDENTITY.sender_email in reply
        assert OPT_OUT_LINE in reply


BILINGUAL = dataclasses.replace(IDENTITY, languages=("en", "es"))


class TestSpanishStopConfirmation:
    @pytest.mark.parametrize("text", ["ALTO", "cancelar", "Parar.", "BAJA"])
    def test_spanish_opt_out_words_stop_and_say_the_language(self, text: str) -> None:
        assert classify_keyword(text) is Keyword.STOP
        assert keyword_language(text) == "es"

    def test_english_keywords_say_nothing_of_the_language(self) -> None:
        assert keyword_language("STOP") is None

    @pytest.mark.parametrize("text", ["FIN", "salir", "Detener.", "Bája", "PARE"])
    def test_the_spanish_opt_out_words_of_optout_yaml_stop_by_text(self, text: str) -> None:
        assert classify_keyword(text) is Keyword.STOP
        assert keyword_language(text) == "es"

    @pytest.mark.parametrize("word", sorted(OPT_OUT_KEYWORDS))
    def test_every_word_a_text_may_tell_the_lead_to_send_stops_when_they_send_it(self, word: str) -> None:
        assert classify_keyword(word) is Keyword.STOP

    def test_spanish_stop_confirmation_is_in_spanish_with_the_carrier_content(self) -> None:
        reply = keyword_reply(Keyword.STOP, BILINGUAL, "es")

        assert reply.startswith("Northstar Bookings:")
        assert "no recibirá más mensajes" in reply
        assert "START" in reply and "unsubscribed" not in reply

    @pytest.mark.parametrize("keyword", list(Keyword))
    def test_every_keyword_has_a_spanish_answer_naming_the_company(self, keyword: Keyword) -> None:
        reply = keyword_reply(keyword, BILINGUAL, "es")

        assert reply.startswith("Northstar Bookings:")
        assert "Responda" in reply and "Reply" not in reply

    def test_a_company_that_does_not_write_spanish_answers_in_english(self) -> None:
        assert keyword_reply(Keyword.STOP, IDENTITY, "es") == keyword_reply(Keyword.STOP, IDENTITY)
