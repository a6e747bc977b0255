"""How hard a draft is to read, per language, on one scale of school grades.

English is graded by Flesch-Kincaid. Spanish is graded by Fernández-Huerta (the Spanish adaptation of
Flesch's reading ease, with Spanish syllables) carried onto the same grade scale, so one
``max_reading_grade`` holds for both: Fernández-Huerta weighs a syllable per word 60 where Flesch
weighs it 84.6, so a Spanish word's syllables count 60/84.6 of an English one's in the grade formula.
A language the checks do not know is not graded at all: English rules would misjudge it.

Only clearly hard text is flagged (``hard_to_read``): a grade over the limit is not enough, the draft
must also have a long sentence (35 words or more by the labelling guide; 30 here, as a margin) that is
itself hard, dense with long words. Short plain sentences around a long list do not make a draft hard,
nor does one long sentence of everyday words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from agent.guardrails.optout import instructions
from agent.guardrails.text import EMAIL, URL, words

LONG_SENTENCE = 30  # words; the guide's "long" is 35
MIN_WORDS = 30  # a text shorter than this is not graded fairly
OPT_OUT_WORDS = 12  # a sentence this short with an opt-out instruction is the opt-out line
SPANISH_SYLLABLE_WEIGHT = 11.8 * 60.0 / 84.6  # Flesch-Kincaid's 11.8, scaled as Fernández-Huerta is

_SPANISH_STARTS = re.compile(r"(?<=[.!?…])\s+(?=[¿¡\"“«(]?[A-ZÁÉÍÓÚÑ0-9¿¡])")
_TERMINAL = re.compile(r"[.!?…][\"”’»)]*$")


@lru_cache(maxsize=16384)
def syllables(word: str) -> int:
    """English: a vowel-group estimate, good enough for a reading grade (within a grade of dictionaries)."""
    word = word.lower().strip("'’-")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


_STRONG = frozenset("aeoáéó")
_ACCENTED_WEAK = frozenset("íú")
_VOWELS = frozenset("aeiouáéíóúü")


@lru_cache(maxsize=16384)
def spanish_syllables(word: str) -> int:
    """Spanish syllables: one per vowel group, plus one per hiatus inside it.

    Two strong vowels (a, e, o) or an accented i/u beside another vowel are two syllables ("le-er",
    "dí-a"); a weak vowel beside any other is one diphthong ("bue-no", "ciu-dad"). The u of "que",
    "qui", "gue", "gui" is silent; an h does not separate vowels; a final y after a vowel is a vowel
    of the diphthong ("hoy", "muy").
    """
    word = word.lower().strip("'’-")
    word = re.sub(r"q(u)(?=[eéií])|g(u)(?=[eéií])", lambda m: m.group(0)[0], word).replace("h", "")
    count = 0
    previous = ""
    for char in word:
        if char in _VOWELS:
            if not previous or (previous in _STRONG and char in _STRONG) or _ACCENTED_WEAK & {previous, char}:
                count += 1
            previous = char
        else:
            previous = ""
    return max(1, count)


@dataclass(frozen=True, slots=True)
class Grade:
    """A text's grade, and its hardest long sentence's (None when it has no long sentence)."""

    grade: float
    hardest_long: float | None
    longest: int


def _split(text_sentences: Sequence[str], language: str) -> list[list[str]]:
    """The words of each real sentence: Spanish sentences may start with "¿" or "Á"; a line without
    end punctuation and under eight words is a greeting or a signature line, and an SMS opt-out line is
    an instruction, not prose: neither is graded."""
    found: list[list[str]] = []
    for sentence in text_sentences:
        pieces = _SPANISH_STARTS.split(sentence) if language == "es" else [sentence]
        for piece in pieces:
            counted = words(URL.sub(" ", EMAIL.sub(" ", piece)))
            if not counted or (len(counted) < 8 and not _TERMINAL.search(piece.strip())):
                continue
            if len(counted) <= OPT_OUT_WORDS and instructions(piece):
                continue
            found.append(counted)
    return found


def _formula(sentences: list[list[str]], language: str) -> float:
    total_words = sum(len(s) for s in sentences)
    if language == "es":
        total_syllables = sum(spanish_syllables(w) for s in sentences for w in s)
        weight = SPANISH_SYLLABLE_WEIGHT
    else:
        total_syllables = sum(syllables(w) for s in sentences for w in s)
        weight = 11.8
    return 0.39 * (total_words / len(sentences)) + weight * (total_syllables / total_words) - 15.59


def grade(text_sentences: Sequence[str], language: str = "en") -> Grade | None:
    """The text's grade in ``language`` ("en" or "es"); None for text too short to grade fairly or in a
    language without a formula here."""
    if language not in ("en", "es"):
        return None
    sentences = _split(text_sentences, language)
    if len(sentences) < 2 or sum(len(s) for s in sentences) < MIN_WORDS:
        return None
    long = [s for s in sentences if len(s) >= LONG_SENTENCE]
    hardest = max((_formula([s], language) for s in long), default=None)
    return Grade(_formula(sentences, language), hardest, max(len(s) for s in sentences))


def reading_grade(text_sentences: list[str], language: str = "en") -> float | None:
    """The grade of the sentences as given (Flesch-Kincaid for English); None for text too short to
    grade fairly. The drafter and the quality evals use it on sentences already split."""
    if language not in ("en", "es"):
        return None
    counted = [w for w in (words(URL.sub(" ", EMAIL.sub(" ", s))) for s in text_sentences) if w]
    if len(counted) < 2 or sum(len(w) for w in counted) < MIN_WORDS:
        return None
    return _formula(counted, language)
