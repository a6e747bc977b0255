"""A draft written with another lead's details: ``wrong_lead``."""

from __future__ import annotations

from agent.guardrails.base import DraftText, GuardrailContext, Violation


def check_wrong_lead(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    return []  # TODO(issue 15): being written
