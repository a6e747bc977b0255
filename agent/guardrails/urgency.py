"""Urgency, scarcity and pressure: a draft may only state a live offer's real end date, plainly.

Leads distrust a message that rushes them, and spam filters agree. A deadline is honest only when it is
the end date of a live offer the draft cites; scarcity only when that offer's own text limits places.
"""

from __future__ import annotations

import re

from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.text import normalise

URGENCY = re.compile(
    r"\b(limited[- ]time|act (?:now|fast|quickly)|"
    r"last chance|final (?:hours|days|call)|"
    r"(?:offer|deal|price|discount)s? (?:ends?|expires?|won't last)|expires? (?:soon|today|tonight|tomorrow)|"
    r"ends? (?:soon|today|tonight|tomorrow)|hurry|don['’]?t miss (?:out|this)|before it['’]?s too late|"
    r"today only|now or never|don['’]?t wait|"
    r"(?:prices?|rates?|fees?) (?:are |is |will )?(?:going|go|goes) up|price (?:rise|increase)s?|"
    r"lock in (?:this|the|your|today's) (?:price|rate|pricing))\b",
    re.IGNORECASE,
)
# Scarcity: true only when the offer itself limits places ("the first 20 sign-ups"); a date does not.
SCARCITY = re.compile(
    r"\b(only \d+ (?:spots?|places?|seats?|slots?) (?:left|remaining)|"
    r"(?:spots?|places?|seats?|slots?)\b[^.!?\n]{0,30}?\b(?:filling|going|selling|booking) (?:up )?"
    r"(?:fast|quickly)|"
    r"while (?:supplies|spots|places|stocks?) last|running out|only a (?:few|handful) (?:left|remaining)|"
    r"(?:almost|nearly) (?:gone|full|fully booked))\b",
    re.IGNORECASE,
)
LIMITED_PLACES = re.compile(
    r"\b(?:limited (?:number|spots|places|availability)|"
    r"first \d+ (?:customers|sign-?ups|practices|businesses)|"
    r"while (?:spots|places) last|\d+ (?:spots|places) (?:only|available))\b",
    re.IGNORECASE,
)


def check_urgency(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Urgency and scarcity only when a live offer from the knowledge base is cited and backs it.

    A cited live offer backs a deadline ("the offer ends June 30"), because every offer has an expiry;
    it backs scarcity ("spots are filling up fast") only when its own text limits the places.
    """
    offers = [
        source
        for source in context.sources
        if source.id in context.live_offer_ids and _cites(draft.body, source.title, source.url)
    ]
    limited = any(LIMITED_PLACES.search(offer.text) for offer in offers)
    found = [match for match in URGENCY.finditer(draft.body) if not offers]
    found += [match for match in SCARCITY.finditer(draft.body) if not limited]
    return [
        Violation(
            "urgency.unbacked",
            f'"{match.group()}" creates urgency no live offer backs: remove it, or cite the real offer '
            "and its terms",
            match.start(),
            match.end(),
        )
        for match in sorted(found, key=lambda m: m.start())
    ]


def _cites(body: str, title: str, url: str | None) -> bool:
    text = normalise(body)
    return normalise(title) in text or (url is not None and normalise(url) in text)
