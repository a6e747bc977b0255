"""The phrase lists of the form checks, every language together, and where they occur in a text.

English lists live in ``lexicon.yaml``, Spanish ones in ``lexicon_es.yaml``, subject disguises in
``subjects.yaml``. Filler and spam phrases are distinctive in any language, so a draft is held to all
lists whatever its language: a Spanish line in an English draft is still filler.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from agent.guardrails.folding import find_phrases, fold
from agent.guardrails.lexicon import BANNED_PHRASES as ENGLISH_BANNED
from agent.guardrails.lexicon import SPAM_PHRASES as ENGLISH_SPAM

_HERE = Path(__file__).parent
_SPANISH = yaml.safe_load((_HERE / "lexicon_es.yaml").read_text(encoding="utf-8"))
_SUBJECTS = yaml.safe_load((_HERE / "subjects.yaml").read_text(encoding="utf-8"))

BANNED_PHRASES: tuple[str, ...] = ENGLISH_BANNED + tuple(_SPANISH["banned_phrases"])
SPAM_PHRASES: tuple[str, ...] = ENGLISH_SPAM + tuple(_SPANISH["spam_phrases"])
SPANISH_SHOUT_WORDS: frozenset[str] = frozenset(fold(_SPANISH["shout_words"]).split())
PRETENDING_SUBJECTS: tuple[str, ...] = tuple(_SUBJECTS["pretending"])
REPLY_PREFIX = re.compile(
    r"^\s*(?:" + "|".join(re.escape(p) for p in _SUBJECTS["reply_prefixes"]) + r")\s*(?:\[\d+\])?\s*:",
    re.IGNORECASE,
)


def occurrences(phrases: Iterable[str], text: str, inflect: bool = True) -> Iterator[tuple[str, int, int]]:
    """Each phrase found in ``text``, as written there, with its span."""
    for start, end in find_phrases(tuple(phrases), text, inflect):
        yield text[start:end], start, end


def spans(phrases: Iterable[str], text: str) -> list[tuple[int, int]]:
    """Where any of ``phrases`` stands in ``text``."""
    return find_phrases(tuple(phrases), text)
