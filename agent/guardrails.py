"""Guardrail checks: pure functions over a draft's text that return violations with a code and a span.

A draft with any open violation is never auto-sent; it goes to the review queue with the violations
shown. Each check is small and independent so the labelled guardrail eval can score them one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from agent.domain import Channel

EMAIL_WORDS = (50, 150)
SMS_MAX_CHARS = 320
BANNED_PHRASES = (
    "just checking in",
    "just following up",
    "circling back",
    "per my last email",
    "hope this finds you well",
    "touching base",
    "bumping this",
)
SMS_OPT_OUT = re.compile(r"\b(reply|text|send)\s+stop\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\[[A-Z][A-Za-z _]*\]|\{\{?\s*\w+\s*\}?\}|<[a-z_ ]+>|\bXX+\b|\bTBD\b")


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    message: str
    start: int | None = None
    end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DraftText:
    channel: Channel
    body: str
    subject: str | None = None


Check = Callable[[DraftText], list[Violation]]


def check_length(draft: DraftText) -> list[Violation]:
    if draft.channel is Channel.SMS:
        if len(draft.body) > SMS_MAX_CHARS:
            return [
                Violation("length.sms", f"SMS is {len(draft.body)} characters; keep it to {SMS_MAX_CHARS}")
            ]
        return []
    if draft.channel is Channel.EMAIL:
        words = len(draft.body.split())
        low, high = EMAIL_WORDS
        if not low <= words <= high:
            return [Violation("length.email", f"email body is {words} words; write {low}-{high}")]
    return []


def check_banned_phrases(draft: DraftText) -> list[Violation]:
    """Every occurrence in the body gets its span; the subject's are reported without one."""
    violations = []
    for phrase in BANNED_PHRASES:
        pattern = re.compile(re.escape(phrase), re.IGNORECASE)
        message = f'"{phrase}" reads as filler; give value instead'
        violations += [
            Violation("banned_phrase", message, m.start(), m.end()) for m in pattern.finditer(draft.body)
        ]
        violations += [
            Violation("banned_phrase", f"in the subject: {message}")
            for _ in pattern.finditer(draft.subject or "")
        ]
    return violations


def check_placeholders(draft: DraftText) -> list[Violation]:
    return [
        Violation("placeholder", f'unfilled placeholder "{match.group()}"', match.start(), match.end())
        for match in PLACEHOLDER.finditer(draft.body)
    ] + [
        Violation("placeholder.subject", f'unfilled placeholder "{match.group()}" in the subject')
        for match in PLACEHOLDER.finditer(draft.subject or "")
    ]


def check_sms_opt_out(draft: DraftText) -> list[Violation]:
    if draft.channel is Channel.SMS and not SMS_OPT_OUT.search(draft.body):
        return [
            Violation("sms.opt_out", 'an SMS must tell the lead how to opt out ("Reply STOP to opt out.")')
        ]
    return []


DEFAULT_CHECKS: tuple[Check, ...] = (
    check_length,
    check_banned_phrases,
    check_placeholders,
    check_sms_opt_out,
)


def run_checks(draft: DraftText, checks: Sequence[Check] = DEFAULT_CHECKS) -> list[Violation]:
    return [violation for check in checks for violation in check(draft)]
