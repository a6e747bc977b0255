"""Who a reply points to, as written: for the rep, never written to automatically."""

from __future__ import annotations

import pytest

from agent.replies.contacts import mentioned_contact, phone_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "For urgent matters please contact Priya Shah, priya@acme.example.",
            "Priya Shah, priya@acme.example",
        ),
        ("I no longer handle IT. Try jorge@acme.example instead.", "jorge@acme.example"),
        ("Wrong person, you want to speak with Dana Ruiz in procurement.", "Dana Ruiz"),
        ("Para asuntos urgentes, contacte a María López al +34 600 123 456.", "María López, +34 600 123 456"),
        ("I'm away until 2027-01-05 with limited access.", None),
        ("Wrong number.", None),
        ("Not the right person. You should contact our office manager, Linda Park.", "Linda Park"),
        ("Not me. Try our COO, Dana Whitfield; she owns anything ops-related.", "Dana Whitfield"),
        ("You want my son Liam, he's the one learning to drive.", "Liam"),
        ("Please remove me from the cc, but keep Ana on it.", "Ana"),
        ("Contact Us today for a quote.", None),
    ],
)
def test_the_person_or_address_named(text: str, expected: str | None) -> None:
    assert mentioned_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I only rent the unit. You'd want the landlord, Harbor Point Properties, for that.",
            "Harbor Point Properties",
        ),
        ("You would want my brother Tom Reyes, it's his truck.", "Tom Reyes"),
        ("Sorry, you'd want to try again after six.", None),
    ],
)
def test_a_referral_said_as_whom_you_would_want_is_a_referral(text: str, expected: str | None) -> None:
    assert mentioned_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please call me ASAP 210-555-0148", ["210-555-0148"]),
        ("call (713) 555-0142 or +1 713 555 0199", ["(713) 555-0142", "+1 713 555 0199"]),
        ("mi cel es 956 123 4567, gracias", ["956 123 4567"]),
        ("the wedding is 2027-04-10 for 120 guests, budget $12,000", []),
        ("Reply 1 to confirm", []),
    ],
)
def test_the_phone_numbers_a_text_gives_as_written(text: str, expected: list[str]) -> None:
    assert phone_numbers(text) == expected
