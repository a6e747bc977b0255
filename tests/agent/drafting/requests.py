"""A draft request for a salon owner with a matching case study, for the drafting tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent.domain import Channel, TouchPurpose
from agent.drafting.base import DraftRequest
from tests.agent.guardrails.drafts import CASE_STUDY, IDENTITY, LEAD

__all__ = ["BAD_BODY", "CASE_STUDY", "GOOD_BODY", "draft_request"]

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday
GOOD_BODY = (
    "Hi Dana,\n\n"
    "Thanks for your note about Saturday no-shows at Luna Hair Studio. Colour appointments hurt the most, "
    "because each one blocks a chair for hours.\n\n"
    "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before, which clients answer "
    "to confirm or reschedule: no-shows down 34% in 60 days.\n\n"
    "Which day of the week hurts most at the studio?\n\n"
    "Best,\nMaya"
)
# A small model's favourite mistakes: an invented figure and an invented customer.
BAD_BODY = GOOD_BODY.replace("no-shows down 34% in 60 days", "no-shows down 61% in 30 days at Glamour Cuts")


def draft_request(**overrides: Any) -> DraftRequest:
    values: dict[str, Any] = {
        "lead": LEAD,
        "purpose": TouchPurpose.SOCIAL_PROOF,
        "channel": Channel.EMAIL,
        "sources": (CASE_STUDY,),
        "identity": IDENTITY,
        "now": NOW,
    }
    values.update(overrides)
    return DraftRequest(**values)
