"""Guardrails: pure checks that every draft passes before it may reach a lead.

Each check returns violations with a stable code, a message a rep can act on and, where it can, the
span of the body it fired on. A draft with any violation is never auto-sent: the drafting pipeline
repairs it, falls back to the composer, or routes it to the review queue with the violations shown.
The labelled set in ``evals/guardrails`` scores every check by precision and recall.
"""

from __future__ import annotations

from collections.abc import Sequence

from agent.guardrails.advice import check_unsourced_advice
from agent.guardrails.asks import (
    check_call_to_action,
    check_value_per_ask,
    hard_ask_allowed,
    is_hard_ask,
)
from agent.guardrails.base import (
    NO_CONTEXT,
    Check,
    DraftText,
    GuardrailContext,
    PriorMessage,
    SourceLike,
    Violation,
)
from agent.guardrails.grounding import check_grounded
from agent.guardrails.language import check_brand_voice, check_language
from agent.guardrails.leads import check_wrong_lead
from agent.guardrails.lexicon import BANNED_PHRASES
from agent.guardrails.offers import check_expired_offer
from agent.guardrails.promises import check_compensation
from agent.guardrails.repetition import check_near_duplicate
from agent.guardrails.sensitive import check_payment_request, check_secret_request
from agent.guardrails.style import (
    EMAIL_WORDS,
    SMS_MAX_CHARS,
    SUBJECT_MAX_CHARS,
    check_banned_phrases,
    check_length,
    check_placeholders,
    check_reading_grade,
    check_sms_opt_out,
    check_spam_signals,
    check_subject,
)
from agent.guardrails.urgency import check_urgency
from agent.guardrails.value import check_value_first

DEFAULT_CHECKS: tuple[Check, ...] = (
    check_length,
    check_subject,
    check_banned_phrases,
    check_placeholders,
    check_sms_opt_out,
    check_call_to_action,
    check_value_first,
    check_value_per_ask,
    check_grounded,
    check_urgency,
    check_near_duplicate,
    check_spam_signals,
    check_reading_grade,
    check_expired_offer,
    check_wrong_lead,
    check_compensation,
    check_payment_request,
    check_secret_request,
    check_unsourced_advice,
    check_language,
    check_brand_voice,
)


def run_checks(
    draft: DraftText, context: GuardrailContext = NO_CONTEXT, checks: Sequence[Check] = DEFAULT_CHECKS
) -> list[Violation]:
    return [violation for check in checks for violation in check(draft, context)]


__all__ = [
    "BANNED_PHRASES",
    "DEFAULT_CHECKS",
    "EMAIL_WORDS",
    "NO_CONTEXT",
    "SMS_MAX_CHARS",
    "SUBJECT_MAX_CHARS",
    "Check",
    "DraftText",
    "GuardrailContext",
    "PriorMessage",
    "SourceLike",
    "Violation",
    "check_banned_phrases",
    "check_call_to_action",
    "check_compensation",
    "check_grounded",
    "check_length",
    "check_near_duplicate",
    "check_payment_request",
    "check_placeholders",
    "check_reading_grade",
    "check_secret_request",
    "check_sms_opt_out",
    "check_spam_signals",
    "check_subject",
    "check_unsourced_advice",
    "check_urgency",
    "check_value_first",
    "check_value_per_ask",
    "hard_ask_allowed",
    "is_hard_ask",
    "run_checks",
]
