"""Who a reply points to, as written: for the rep, never written to automatically."""

from __future__ import annotations

import pytest

from agent.replies.contacts import mentioned_contact


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
