"""Capitals that are geography or notation, not a name anyone must ground.

A draft may say where a grounded place is ("Anoka County"), who lives there ("Floridians"), or use a
mark of email or of measurement ("Fwd:", "5°F"). None of these names a person, a customer or a business
the sources must give, so ``names.py`` lets them pass.
"""

from __future__ import annotations

from agent.guardrails.lexicon import PLACES, fold_plain, word_set
from agent.guardrails.text import Corpus

# Words that make a place's name the name of its area: "Anoka County" is the county of the corpus's Anoka.
PLACE_HEADS = word_set("county counties parish township borough")
# A people's name and what to put back for their place's: "Floridians", "Minnesotans", "Ohioans".
DEMONYM_ENDINGS = (("ians", "a"), ("ian", "a"), ("ans", ""), ("ns", ""), ("an", ""), ("n", ""))


def of_a_place(text: str, run: list[tuple[int, int, str]], corpus: Corpus) -> bool:
    """A known place with the word for its area ("Anoka County"), or its people ("Floridians"): the
    place is grounded (in the corpus or a state, country or large city), the rest is grammar."""

    def known(place: str) -> bool:
        return len(place) > 3 and (fold_plain(place) in PLACES or corpus.contains_name(place))

    if len(run) > 1 and fold_plain(run[-1][2]) in PLACE_HEADS:
        return known(text[run[0][0] : run[-2][1]])
    if len(run) == 1:
        word = run[0][2]
        return any(word.endswith(end) and known(word[: -len(end)] + back) for end, back in DEMONYM_ENDINGS)
    return False


# "Re:", "Fwd:" at the head of a subject mark a reply or a forward (subject.deceptive judges them).
REPLY_MARKS = frozenset({"re", "fw", "fwd", "rv"})


def notation(text: str, start: int, end: int, token: str) -> bool:
    """Capitals that are notation, not a name: a reply or forward mark before its colon ("Fwd: ..."),
    and a unit letter after a degree sign ("5°F", "20 °C")."""
    if token.lower() in REPLY_MARKS and text[end:].lstrip().startswith(":"):
        before = text[:start].strip()
        return not before or before.endswith(":")
    return len(token) == 1 and text[:start].rstrip().endswith("°")
