"""Outgoing messages and a company identity for the channel tests, stated once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent.channels.base import OutgoingMessage
from agent.domain import Channel, CompanyIdentity

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
IDENTITY = CompanyIdentity(
    name="Northstar Bookings",
    sender_name="Maya Ortiz",
    sender_email="maya@northstar-bookings.example",
    postal_address="Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA",
    reply_to="hello@northstar-bookings.example",
)
BODY = (
    "Hi Dana,\n\nHere is our no-show cost calculator: https://northstar-bookings.example/calculator. "
    "It shows what missed appointments cost a salon each month.\n\n"
    "Would it help if I walked you through it on Tuesday at 10:00?\n\nBest,\nMaya"
)


def outgoing(**overrides: Any) -> OutgoingMessage:
    values: dict[str, Any] = {
        "touch_id": "7d0f6c52-1f7b-4c55-9a36-2f1b1d7c0001",
        "lead_id": "0b8e7c1a-5d2e-4f5a-8f6b-3c2d1e0f0002",
        "channel": Channel.EMAIL,
        "to_address": "dana.lopez@lunahair.example",
        "to_name": "Dana López",
        "subject": "A calculator for Luna Hair Studio",
        "body": BODY,
        "message_id": "<7d0f6c52-1f7b-4c55-9a36-2f1b1d7c0001@northstar-bookings.example>",
        "unsubscribe_url": "https://touchpoint.example/u/abc.def",
        "preferences_url": "https://touchpoint.example/p/ghi.jkl",
        "in_reply_to": "<first@northstar-bookings.example>",
        "references": ("<first@northstar-bookings.example>",),
    }
    values.update(overrides)
    return OutgoingMessage(**values)


class Handovers:
    """A ``handover`` that counts its calls (and can refuse, as when another worker took the claim)."""

    def __init__(self, *, refuse: Exception | None = None) -> None:
        self.calls = 0
        self.refuse = refuse

    def __call__(self) -> None:
        self.calls += 1
        if self.refuse is not None:
            raise self.refuse
