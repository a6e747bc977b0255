"""The word lists of ``lexicon.yaml``, loaded once: editable data, reviewed like code."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from english_words import get_english_words_set

_DATA = yaml.safe_load((Path(__file__).parent / "lexicon.yaml").read_text(encoding="utf-8"))

BANNED_PHRASES: tuple[str, ...] = tuple(_DATA["banned_phrases"])
SPAM_PHRASES: tuple[str, ...] = tuple(_DATA["spam_phrases"])
ACRONYMS: frozenset[str] = frozenset(_DATA["acronyms"])
COMMON_WORDS: frozenset[str] = frozenset(_DATA["common_words"].split())
TRADE_WORDS: frozenset[str] = frozenset(_DATA["trade_words"].split())


@cache
def _dictionary() -> frozenset[str]:
    """Words Webster's lists in lower case (public domain, via the english-words package): ordinary words.

    Proper nouns are listed capitalised there ("Sarah", "Texas"), so they are not in this set.
    """
    words = get_english_words_set(["web2"], alpha=True)
    return frozenset(word for word in words if word.islower())


def is_ordinary_word(word: str) -> bool:
    """In the dictionary as a lower-case word, allowing for plurals and simple inflections.

    A hyphenated word is ordinary when its parts are ("Walk-ins", "Two-way"); so is a word of the trade
    the 1934 dictionary predates ("Onboarding", "Waitlists").
    """
    lowered = word.lower().replace("’", "'")
    if lowered in COMMON_WORDS:
        return True
    if word.isupper():
        return False
    if "-" in lowered.strip("-"):
        return all(is_ordinary_word(part) for part in lowered.split("-") if part)
    dictionary = _dictionary()
    return any(form in dictionary or form in TRADE_WORDS for form in _forms(lowered))


def _forms(word: str) -> list[str]:
    """The word, its singular and stem, and its American spelling (Webster's lists "color", "organize")."""
    american = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", word.replace("our", "or"))
    american = american.replace("tre", "ter") if american.endswith("tre") else american
    forms = [word, american] if american != word else [word]
    for suffix, replacement in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
        ("ly", ""),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms += [form[: -len(suffix)] + replacement for form in list(forms[:2])]
    return forms
