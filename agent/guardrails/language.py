"""The lead's language and the company's brand voice."""

from __future__ import annotations

from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.languages import OTHER, SUPPORTED
from agent.guardrails.phrases import occurrences, spans
from agent.guardrails.style import draft_language

NAMES = {"en": "English", "es": "Spanish", OTHER: "a language other than English or Spanish"}


def check_language(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """The draft must be written in the language the lead writes in.

    Not judged when the lead's language is not known, or when the draft is too short or too mixed to
    tell (``languages.detect``). A few product names in another language do not change a draft's
    language. A draft in a language without rules here can only be told apart from English and
    Spanish, so it is held against a lead writing in one of those.
    """
    expected = context.lead.language if context.lead is not None else None
    if not expected:
        return []
    found = draft_language(draft, context)
    if found is None or found == expected or (found == OTHER and expected not in SUPPORTED):
        return []
    wanted = NAMES.get(expected, expected)
    return [
        Violation(
            "language.mismatch",
            f"the draft is in {NAMES[found]}, but the lead writes in {wanted}: write it in {wanted}",
        )
    ]


def check_brand_voice(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """No word or phrase the company's brand voice lists under ``avoid``, in the subject or the body.

    Whole words, whatever the case and accents, with simple inflections ("cures", "hurried", "amigos").
    The company's own names and ``use`` phrases are its own words even when they contain one.
    """
    identity = context.identity
    if identity is None or not identity.brand_avoid:
        return []
    own = (*identity.brand_use, *identity.own_names)
    found: list[Violation] = []
    for text, in_body in ((draft.body, True), (draft.subject or "", False)):
        allowed = spans(own, text)
        for _, start, end in occurrences(identity.brand_avoid, text):
            if any(s <= start and end <= e for s, e in allowed):
                continue  # the company's own product and phrases may contain the word
            message = f'"{text[start:end]}" is a word the brand voice avoids'
            if in_body:
                found.append(Violation("brand.avoid", message, start, end))
            else:
                found.append(Violation("brand.avoid", f"in the subject: {message}"))
    return found
