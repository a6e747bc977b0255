"""Text folded for matching words and phrases: lower case, no accents, plain quotes and dashes.

Folding keeps one character for one character, so a match in the folded text is a span of the original:
the review page underlines exactly the words a check found, accents and capitals included. Folding is
what lets "Solo queria", "SOLO QUERÍA" and "solo quería" be one phrase, as a reader takes them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PLAIN = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    plain = _PLAIN.get(char)
    if plain is not None:
        return plain
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


@lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Lower case without accents, same length as ``text`` (so offsets carry over)."""
    return "".join(_fold_char(char) for char in text)


# The endings a lone word may take and still be the same word: plurals, tenses, adverbs, degrees
# ("cheap", "cheaper", "cheapest"), and Spanish gender, number and degree ("amigo", "amigos",
# "baratísimo").
_ENGLISH_ENDINGS = r"(?:s|es|ed|d|ing|ly|er|est)?"
# The last word of a longer phrase is most often the noun of a noun phrase ("lowest rate", "free
# furnace"): it takes its plural only. "Lowest rated" is another phrase than "lowest rate".
_PHRASE_ENDINGS = r"(?:s|es)?"


def _last_word_forms(word: str, lone: bool = True) -> str:
    """A regex for ``word`` with its simple inflections (``word`` already folded and escaped)."""
    forms = [word + (_ENGLISH_ENDINGS if lone else _PHRASE_ENDINGS)]
    if word.endswith("y") and len(word) > 3:
        forms.append(word[:-1] + (r"i(?:es|ed|er|est)" if lone else "ies"))
    if lone and word.endswith("e") and len(word) > 3:
        forms.append(word[:-1] + "ing")
    if word[-1:] in ("o", "a") and len(word) > 3:
        forms.append(word[:-1] + "[oa]s?")
        if lone:
            forms.append(word[:-1] + "isim[oa]s?")  # Spanish degree: "baratísimo" (folded)
    return "(?:" + "|".join(forms) + ")"


def _phrase_regex(phrase: str, inflect: bool) -> str:
    """A whole-word regex for ``phrase`` on folded text.

    A space or a hyphen in the phrase matches either ("risk-free", "risk free"), an apostrophe matches
    a curly one, and with ``inflect`` the last word may take a simple inflection ("cures", "hurried",
    "cheapest"; only the plural for the last word of a longer phrase).
    """
    words = re.split(r"[\s-]+", fold(phrase).strip())
    parts = [re.escape(word) for word in words if word]
    if not parts:
        return r"(?!x)x"
    if inflect and parts[-1][-1:].isalpha():
        parts[-1] = _last_word_forms(parts[-1], lone=len(parts) == 1)
    body = r"[\s-]+".join(parts)
    start = r"(?<![\w$])" if phrase[:1].isalnum() else ""
    end = r"(?![\w])" if phrase[-1:].isalnum() else ""
    return start + body + end


@lru_cache(maxsize=256)
def _compiled(phrases: tuple[str, ...], inflect: bool) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each phrase, longest first, with a literal part it cannot match without (a cheap first test:
    most drafts contain none of most phrases) and its pattern."""
    compiled = []
    for phrase in sorted({p for p in phrases if p.strip()}, key=len, reverse=True):
        words = re.split(r"[\s-]+", fold(phrase).strip())
        needle = max(words[:-1], key=len) if len(words) > 1 else words[0]
        needle = needle[:-1] if inflect and len(words) == 1 and len(needle) > 3 else needle
        compiled.append((needle, re.compile(_phrase_regex(phrase, inflect))))
    return tuple(compiled)


def find_phrases(phrases: tuple[str, ...], text: str, inflect: bool = True) -> list[tuple[int, int]]:
    """Spans in ``text`` (folded here) where any of ``phrases`` stands, longest phrases first: a phrase
    inside a longer one found ("guaranteed" in "100% guaranteed") is not found again."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    for needle, pattern in _compiled(phrases, inflect):
        if needle not in folded:
            continue
        for match in pattern.finditer(folded):
            start, end = match.span()
            if not any(s <= start < e or s < end <= e for s, e in taken):
                taken.append((start, end))
    return sorted(taken)
