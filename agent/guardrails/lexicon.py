"""The word lists of ``lexicon.yaml``, loaded once: editable data, reviewed like code."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from english_words import get_english_words_set

from agent.guardrails.folding import fold


def fold_plain(text: str) -> str:
    """Lower case, no accents, one space: how the lists below are keyed."""
    return " ".join(fold(text).split())


_DATA = yaml.safe_load((Path(__file__).parent / "lexicon.yaml").read_text(encoding="utf-8"))

BANNED_PHRASES: tuple[str, ...] = tuple(_DATA["banned_phrases"])
SPAM_PHRASES: tuple[str, ...] = tuple(_DATA["spam_phrases"])
ACRONYMS: frozenset[str] = frozenset(_DATA["acronyms"])
COMMON_WORDS: frozenset[str] = frozenset(_DATA["common_words"].split())
TRADE_WORDS: frozenset[str] = frozenset(_DATA["trade_words"].split())
# Kinds of capitalised words that name nobody (grounded.name): folded, so "Mamá" and "mama" meet.
# A name token loses its "'s" ("Mother's" is read "Mother"), so the holidays are kept without it.
HOLIDAYS: frozenset[str] = frozenset(fold_plain(p).replace("'s", "") for p in _DATA["holidays"])
PLATFORMS: frozenset[str] = frozenset(fold_plain(w) for w in _DATA["platforms"].split())
ROLES: frozenset[str] = frozenset(fold_plain(w) for w in _DATA["roles"].split())
COLLECTIVES: frozenset[str] = frozenset(fold_plain(w) for w in _DATA["collectives"].split())
KINSHIP: frozenset[str] = frozenset(fold_plain(w) for w in _DATA["kinship"].split())
# Each word for a relative, folded, to the relative it names in any language: "mamá" and "mother" meet.
RELATIVES: dict[str, str] = {
    fold_plain(word): relative for relative, words in _DATA["relatives"].items() for word in words.split()
}
# Each word for a part of the body, folded, to the part it names in any language: "rodilla" is "knee".
BODY_PARTS: dict[str, str] = {
    fold_plain(word): part for part, words in _DATA["body_parts"].items() for word in words.split()
}
# States, countries and large cities, folded: geography everyone knows, not a claim (grounded.name).
PLACES: frozenset[str] = frozenset(
    fold_plain(place.strip())
    for kind in _DATA["places"].values()
    for place in kind.split(";")
    if place.strip()
)
# The adverb of a phrasal noun, plural too: "walk-ins", "follow-ups", "add-ons".
PARTICLES = frozenset({"in", "ins", "up", "ups", "on", "ons", "out", "outs", "off", "offs"})


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string: short lists of function words read better that way."""
    return frozenset(words.split())


@cache
def _webster() -> frozenset[str]:
    """Webster's word list (public domain, via the english-words package), read once per process."""
    return frozenset(get_english_words_set(["web2"], alpha=True))


@cache
def _dictionary() -> frozenset[str]:
    """Words Webster's lists in lower case: ordinary words.

    Proper nouns are listed capitalised there ("Sarah", "Texas"), so they are not in this set.
    """
    return frozenset(word for word in _webster() if word.islower())


@cache
def _proper_nouns() -> frozenset[str]:
    """Words Webster's lists capitalised: given names among them ("Will", "Mark", "Grace", "Bill")."""
    return frozenset(word for word in _webster() if word[:1].isupper())


def is_proper_noun(word: str) -> bool:
    """Also a name: "Will" and "Mark" are ordinary words, and first names too."""
    return word[:1].upper() + word[1:].lower() in _proper_nouns()


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
        return all(is_ordinary_word(part) or part in PARTICLES for part in lowered.split("-") if part)
    dictionary = _dictionary()
    if any(form in dictionary or form in TRADE_WORDS for form in _forms(lowered)):
        return True
    return _compound(lowered, dictionary)


def _compound(word: str, dictionary: frozenset[str]) -> bool:
    """Two ordinary words run together ("backsplash", "rollout"): newer than the 1934 dictionary.

    Both parts have four letters or more, or the second is a particle: "kend" + "all" is not "Kendall".
    """
    return (
        len(word) >= 6
        and word.isalpha()
        and any(
            word[:cut] in dictionary
            and (
                word[cut:] in PARTICLES
                or (len(word) - cut >= 4 and any(f in dictionary for f in _forms(word[cut:])))
            )
            for cut in range(4, len(word) - 1)
        )
    )


def _forms(word: str) -> list[str]:
    """The word, its singular and stem, and its American spelling (Webster's lists "color", "organize").

    Comparatives and superlatives are stems too: Webster's lists "few" and "easy", not "fewer", "easiest".
    """
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
        ("ier", "y"),
        ("iest", "y"),
        ("er", ""),
        ("er", "e"),
        ("est", ""),
        ("est", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms += [form[: -len(suffix)] + replacement for form in list(forms[:2])]
    return forms


SPANISH_WORDS = 25_000  # how many of the most frequent Spanish words count as common
UNACCENTED = str.maketrans("áéíóúñü", "aeiounu")


@cache
def _spanish() -> frozenset[str]:
    """Common Spanish words: the most frequent of wordfreq's Spanish list, less what reads as a name.

    Spanish capitalises no weekday, month or language, so a capital inside a Spanish sentence is a name;
    at its start it is grammar whenever the word is one of these. Names are taken out: a word Webster's
    lists capitalised ("carlos", "rosa") unless it is among the 250 most frequent, and an accented
    surname in -ez ("ramírez"); of single letters only the words y, a, o, e, u stay. The list ships in the
    wordfreq package (its data is CC-BY-SA 4.0), read once per process.
    """
    from wordfreq import top_n_list  # loaded on the first Spanish check, not on import

    capitalised = {word.lower() for word in _proper_nouns()}
    common: set[str] = set()
    for rank, word in enumerate(top_n_list("es", SPANISH_WORDS, wordlist="small")):
        if not word.isalpha() or (len(word) == 1 and word not in "yaoeu"):
            continue
        if rank >= 250 and (word in capitalised or word.translate(UNACCENTED) in capitalised):
            continue
        if word.endswith("ez") and any(c in word for c in "áéíóú"):
            continue
        common.add(word)
    return frozenset(common)


CLITICS = ("me", "te", "le", "lo", "la", "nos", "os", "les", "los", "las", "se")
UNACCENT = str.maketrans("áéíóú", "aeiou")


def is_spanish_word(word: str) -> bool:
    """A common Spanish word in any capitals ("Qué", "ADEMÁS"), also with pronouns attached to a verb.

    "Respóndame", "Llámenos", "Dígale" are the listed "responda", "llame", "diga" with a pronoun, which
    adds the accent the bare verb does not have.
    """
    lowered = word.lower().replace("’", "'")
    words = _spanish()
    if lowered in words:
        return True
    stems = [lowered]
    for _ in range(2):  # "Dígaselo": one or two pronouns
        stems = [
            stem[: -len(c)] for stem in stems for c in CLITICS if stem.endswith(c) and len(stem) > len(c) + 2
        ]
        if any(stem.translate(UNACCENT) in words or stem in words for stem in stems):
            return True
    return False
