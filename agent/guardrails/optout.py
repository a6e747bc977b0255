"""Opt-out instructions of text messages, per language ("Reply STOP", "Responda BAJA").

Carriers act on a few keywords; a lead can only use them if the text tells them how, in their own
language. The verbs and keywords are data (``optout.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from agent.guardrails.folding import fold

_DATA = yaml.safe_load((Path(__file__).parent / "optout.yaml").read_text(encoding="utf-8"))

NEVER_SHOUTING: frozenset[str] = frozenset(_DATA.pop("never_shouting"))
# The keywords per language, as optout.yaml writes them: the SMS channel acts on the same words a text
# of ours may tell a lead to send.
LANGUAGE_KEYWORDS: dict[str, tuple[str, ...]] = {
    language: tuple(spec["keywords"]) for language, spec in _DATA.items()
}
KEYWORDS: frozenset[str] = frozenset(
    fold(keyword).upper() for words in LANGUAGE_KEYWORDS.values() for keyword in words
)


def _instruction(verbs: list[str], keywords: list[str]) -> re.Pattern[str]:
    """Verb, an optional "with"/"con", an optional quote, the keyword: on folded text."""
    verb = "|".join(re.escape(fold(v)) for v in sorted(verbs, key=len, reverse=True))
    keyword = "|".join(
        re.escape(fold(k)).replace(r"\ ", r"[\s-]?") for k in sorted(keywords, key=len, reverse=True)
    )
    return re.compile(
        rf"\b(?:{verb})\b[\s:,]+(?:(?:with|the word|con|la palabra)\s+){{0,2}}[\"'«]?(?P<keyword>{keyword})\b"
    )


INSTRUCTIONS: dict[str, re.Pattern[str]] = {
    language: _instruction(spec["verbs"], spec["keywords"]) for language, spec in _DATA.items()
}


@dataclass(frozen=True, slots=True)
class Instruction:
    language: str
    start: int
    end: int
    keyword_start: int
    keyword_end: int


def instructions(text: str) -> list[Instruction]:
    """Every opt-out instruction in ``text``, with its language and spans."""
    return list(_instructions(text))


@lru_cache(maxsize=1024)
def _instructions(text: str) -> tuple[Instruction, ...]:
    folded = fold(text)
    return tuple(
        Instruction(language, m.start(), m.end(), m.start("keyword"), m.end("keyword"))
        for language, pattern in INSTRUCTIONS.items()
        for m in pattern.finditer(folded)
    )


def opt_out_languages(text: str) -> set[str]:
    """The languages ``text`` tells the lead how to opt out in."""
    return {instruction.language for instruction in instructions(text)}


def is_keyword_in_instruction(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` is the keyword of an opt-out instruction (not shouting)."""
    if text[start:end] in NEVER_SHOUTING:
        return True
    return any(i.keyword_start <= start and end <= i.keyword_end for i in instructions(text))
