"""Never the same message twice: a draft too close to one this lead already got is refused.

Closeness is the share of the draft's word 3-grams (greeting and signature excluded) that an earlier
message already contained. Measured from the draft's side, because that is what the lead experiences:
an earlier email with its sentences shuffled, or cut down to a short note, is all old news, even when a
symmetric measure (Jaccard) calls the two texts only 40% alike.
"""

from __future__ import annotations

from agent.guardrails.base import NO_CONTEXT, DraftText, GuardrailContext, Violation
from agent.guardrails.text import body_sentences, words

SHINGLE = 3
NEAR_DUPLICATE = 0.5  # half of what the draft says, the lead has already read in one message


def shingles(body: str) -> set[tuple[str, ...]]:
    tokens = [w.lower() for s in body_sentences(body) for w in words(s.text)]
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def repeated_share(draft: str, earlier: str) -> float:
    """The share of the draft's 3-grams that the earlier message already had."""
    new, old = shingles(draft), shingles(earlier)
    if not new or not old:
        return 0.0
    return len(new & old) / len(new)


def check_near_duplicate(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    closest = max((repeated_share(draft.body, prior.body) for prior in context.previous), default=0.0)
    if closest < NEAR_DUPLICATE:
        return []
    return [
        Violation(
            "duplicate.near",
            f"{closest:.0%} of this was already in a message this lead got; say something new",
        )
    ]
