"""A request for a call or a person in an inquiry's words; a channel wish or a permission is none."""

from __future__ import annotations

from datetime import date

import pytest

from agent.domain import Channel, ReplyIntent
from agent.replies.message import InboundReply
from agent.replies.person import call_request
from agent.replies.reader import read_inquiry, shipped_reader


@pytest.mark.parametrize(
    "text",
    [
        "Could someone call me about the annual plan? 555-0110",
        "Please call us after 5, we have questions about the venue",
        "I'd like to talk to a real person before we book",
        "someone call me, I've texted three times",
        "¿Me puede llamar mañana? Tengo dudas sobre el plan",
        "Llámenme por favor al 956 555 0199",
        "Quiero hablar con alguien antes de firmar",
    ],
)
def test_a_request_for_a_call_or_a_person_is_read(text: str) -> None:
    assert call_request(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "You can text or call, whichever, I'm flexible",
        "Feel free to call me if that's easier, otherwise email is fine",
        "No need to call, just email the price list",
        "How much is a weekly cleaning for a 3-bedroom house?",
    ],
)
def test_a_channel_wish_or_a_question_is_not(text: str) -> None:
    assert call_request(text) is None


def test_an_inquiry_asking_for_a_call_reads_as_asking_for_a_person_whatever_else_it_asks() -> None:
    """Found on blind inquiries: "hola me podría llamar Tomás? es sobre mi declaración" read as a question."""
    inquiry = InboundReply(
        message="hola me podria llamar tomas? es sobre mi declaracion de impuestos", channel=Channel.SMS
    )

    reading = read_inquiry(shipped_reader(), inquiry, date(2026, 12, 8))

    assert reading.intent is ReplyIntent.ASKS_FOR_PERSON and reading.confidence >= 0.9
    assert reading.evidence == "me podria llamar"
    assert ReplyIntent.ASKS_FOR_PERSON not in reading.other_intents
