"""The lead's language and the company's brand voice."""

from __future__ import annotations

from agent.guardrails.base import DraftText, GuardrailContext, Violation


def check_language(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    return []  # TODO(issue 15): being written


def check_brand_voice(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    return []  # TODO(issue 15): being written
