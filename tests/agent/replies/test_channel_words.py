"""A channel the lead asks for in their own words, and mentions of a channel that ask for nothing."""

from __future__ import annotations

import pytest

from agent.domain import Channel
from agent.replies.channel_words import stated_channel


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Text me instead, I never check email.", Channel.SMS),
        ("Please text me the times.", Channel.SMS),
        ("I prefer text messages.", Channel.SMS),
        ("Texting works better for me.", Channel.SMS),
        ("Prefiero mensajes de texto.", Channel.SMS),
        ("Mándame un mensaje cuando puedas.", Channel.SMS),
        ("Email me the details please.", Channel.EMAIL),
        ("Please don't text me, email is fine.", Channel.EMAIL),
        ("I prefer email.", Channel.EMAIL),
        ("Call me this afternoon.", Channel.PHONE),
    ],
)
def test_a_stated_channel_is_read(text: str, channel: Channel) -> None:
    assert stated_channel(text) is channel


@pytest.mark.parametrize(
    "text",
    [
        "I got your text, thanks.",
        "No problem at all, thanks for the guide.",
        "Please send the text of the contract.",
        "What does the email say about prices?",
    ],
)
def test_a_mere_mention_of_a_channel_states_nothing(text: str) -> None:
    assert stated_channel(text) is None
