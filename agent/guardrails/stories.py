"""A customer's story moved to the reader's doorstep: "a family a few streets from you" with a case study's
figures, when the case study happened elsewhere.

``claims.misattributed`` follows a customer the draft names. A draft can also keep the figures of a case
study and drop the name, then place the unnamed customer where the reader lives ("a family in Woodbury",
"una clienta cerca de su casa"). The figures stay true but the story is no longer the one the sources
tell: its place is invented (``grounded.name``) and its figures now describe someone nobody knows
(``grounded.number``). The rule asks for evidence on both sides: two or more figures with units that one
case study gives, and a sentence that puts an unnamed customer in the lead's own town or near the lead,
where that case study's text does not put it.
"""

from __future__ import annotations

import re

from agent.guardrails.base import GuardrailContext, SourceLike, Violation
from agent.guardrails.figures import Figure, figures, located_figures, scaled
from agent.guardrails.text import Part, normalise, sentences

# A customer the draft does not name: "a family", "one of our clients", "una familia", "un vecino".
UNNAMED = re.compile(
    r"\b(?:an?|one|another|una?|otra?)\s+(?:of our\s+|de nuestr[oa]s\s+)?(?:local\s+)?"
    r"(?:famil(?:y|ies|ia)|homeowners?|clients?|customers?|couple|neighbou?rs?|household|owner|"
    r"client[ea]s?|vecin[oa]s?|pareja|due[ñn][oa]|hogar|casa)\b",
    re.IGNORECASE,
)
# Near the reader: "a few streets from you", "near you", "in your neighborhood", "cerca de su casa".
NEAR_YOU = re.compile(
    r"\b(?:(?:a few|two|three|some) (?:streets|blocks|doors|houses|miles) (?:from|away from) you|"
    r"(?:near|close to|around the corner from|down the (?:street|road) from) you|"
    r"in your (?:area|neighbou?rhood|town|street|part of town)|"
    r"cerca de (?:usted|su casa|su domicilio)|a (?:unas|pocas) (?:cuadras|calles) de (?:usted|su casa)|"
    r"en su (?:zona|barrio|colonia|vecindario|calle))\b",
    re.IGNORECASE,
)
MIN_SHARED = 2  # one figure may be a coincidence ("$94"); two of one story are that story


def moved_story(text: str, context: GuardrailContext, masked: str) -> list[Violation]:
    """An unnamed customer placed at the lead's town or near the lead, told with a case study's figures."""
    lead = context.lead
    stories = [source for source in context.sources if source.customer]
    if lead is None or not stories:
        return []
    told = {scaled(f) for f in figures(masked) if f[1] is not None}
    town = normalise(lead.town or "")
    found: list[Violation] = []
    for story in stories:
        story_text = normalise(" ".join((story.text, story.title, *story.figures)))
        shared = told & {scaled(f) for f in figures(story_text) if f[1] is not None}
        if len(shared) < MIN_SHARED or _names_customer(masked, story):
            continue
        for sentence in sentences(masked):
            if sentence.part is not Part.BODY or not UNNAMED.search(sentence.text):
                continue
            place = NEAR_YOU.search(sentence.text)
            if place is None and town and town not in story_text:
                place = re.search(rf"(?<!\w){re.escape(lead.town or '')}(?!\w)", sentence.text, re.IGNORECASE)
            if place is None:
                continue
            found.append(
                Violation(
                    "grounded.name",
                    f'"{place.group()}" puts {story.customer}\'s story where the reader is; the source tells '
                    "it of another customer and place: name them, or leave the place out",
                    sentence.start + place.start(),
                    sentence.start + place.end(),
                )
            )
            found += _figures(masked, shared, story)
            break
    return found


def _names_customer(text: str, story: SourceLike) -> bool:
    """The draft names the story's customer ("the Halvorsens", "Karen"): claims.py follows them."""
    lowered = normalise(text)
    names = re.findall(r"[A-ZÁÉÍÓÚÑ][\wáéíóúñ'’-]{2,}", story.customer or "")
    return any(re.search(rf"(?<!\w){re.escape(normalise(name))}", lowered) for name in names)


def _figures(text: str, shared: set[Figure], story: SourceLike) -> list[Violation]:
    return [
        Violation(
            "grounded.number",
            f'"{match.group()}" is {story.customer}\'s figure, told here of someone else: keep it with their '
            "story, named",
            match.start(),
            match.end(),
        )
        for match, figure in located_figures(text)
        if figure[1] is not None and scaled(figure) in shared
    ][:1]
