"""Which language a draft is written in: English, Spanish, another one, or too little to tell.

Small and pure on purpose: function words ("the", "your", "para", "usted") are counted in the folded
text, once the company's own names are taken out (product names stay in English in a Spanish draft,
and say nothing about its language). A language that wins most of the function words is the draft's
language; a text with too few of them, or an even mix, is not judged. The word lists are data
(``languages.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from agent.guardrails.folding import fold

_DATA = yaml.safe_load((Path(__file__).parent / "languages.yaml").read_text(encoding="utf-8"))

SUPPORTED: tuple[str, ...] = tuple(_DATA["supported"])
OTHER = "other"  # a language the checks have no rules for
MIN_EVIDENCE = 4  # function words needed before a text is judged
MIN_SHARE = 0.7  # the winning language's share of them

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NOT_WORDS = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.IGNORECASE)


def _stopwords() -> dict[str, str]:
    """Each function word with its language; words two languages share are left out."""
    owners: dict[str, set[str]] = {}
    for language, words in _DATA["stopwords"].items():
        for word in fold(words).split():
            owners.setdefault(word, set()).add(language)
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


STOPWORDS: dict[str, str] = _stopwords()


def language_votes(text: str, names: Iterable[str] = ()) -> Counter[str]:
    """Function words per language in ``text``, the given names (products, the company) taken out."""
    folded = fold(_NOT_WORDS.sub(" ", text))
    for name in sorted({fold(n) for n in names if n}, key=len, reverse=True):
        folded = folded.replace(name, " ")
    return Counter(STOPWORDS[t] for t in _TOKEN.findall(folded) if t in STOPWORDS)


def detect(text: str, names: tuple[str, ...] = ()) -> str | None:
    """ "en", "es", "other" (a language without rules here), or None when the text cannot tell."""
    return _detect(text, names)


@lru_cache(maxsize=1024)
def _detect(text: str, names: tuple[str, ...]) -> str | None:
    votes = language_votes(text, names)
    total = sum(votes.values())
    if total < MIN_EVIDENCE:
        return None
    language, count = votes.most_common(1)[0]
    if count / total < MIN_SHARE:
        return None
    return language if language in SUPPORTED else OTHER
