"""Asks and promises only a person may make: payment, secrets, refunds, advice."""

from __future__ import annotations

from agent.guardrails.base import DraftText, GuardrailContext, Violation


def check_promises(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    return []  # TODO(issue 15): being written
