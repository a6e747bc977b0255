"""Offers named outside their validity: ``expired_offer``."""

from __future__ import annotations

from agent.guardrails.base import DraftText, GuardrailContext, Violation


def check_expired_offer(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    return []  # TODO(issue 15): being written
