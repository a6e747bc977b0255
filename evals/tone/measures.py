"""What makes two drafts read differently, measured on the text alone: pure functions over a body.

- **formality**: the greeting ("Hey" 0, "Hi" 1, "Hello" 2, "Dear" 3) plus the sign-off ("Cheers" 0,
  "Thanks"/"Best" 1, "Regards" 2, "Kind regards"/"Best regards"/"Sincerely" 3), so 0 to 6;
- **length**: words in the body, greeting to signature;
- **contractions** per 100 words of the message proper ("it's", "you'll", "didn't"; not "Luna's");
- **words before the first figure**: how much the lead reads, after the greeting, before the first figure
  from the sources ("38%", "$2,100", "90 days"; not the lead's own "6 practices"): fewer means data
  first, story second (a share of the length would reward a draft for adding story after the figure);
- **reading grade**: Flesch-Kincaid, computed as the guardrails compute it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from agent.guardrails.readability import reading_grade
from agent.guardrails.text import URL, Part, sentences, words

GREETING_LEVELS: Final = (("hey", 0), ("hi", 1), ("hello", 2), ("good morning", 2), ("good afternoon", 2),
                          ("dear", 3))  # fmt: skip
SIGNOFF_LEVELS: Final = (
    ("kind regards", 3),
    ("best regards", 3),
    ("sincerely", 3),
    ("warm regards", 2),
    ("regards", 2),
    ("all the best", 1),
    ("many thanks", 1),
    ("thank you", 1),
    ("thanks", 1),
    ("best", 1),
    ("warmly", 1),
    ("cheers", 0),
    ("talk soon", 0),
    ("speak soon", 0),
)
CONTRACTION: Final = re.compile(
    r"\b\w+['’](?:t|re|ll|ve|d|m)\b|\b(?:it|that|there|here|what|who|let|he|she|where)['’]s\b", re.IGNORECASE
)
FIGURE: Final = re.compile(r"[$€£]?\d[\d,.]*(?:%|¢)?")


@dataclass(frozen=True, slots=True)
class ToneMeasures:
    words: int
    greeting: int | None  # None: no greeting line
    signoff: int | None
    contractions_per_100: float
    first_figure: int | None  # words before the first figure of the sources; None: no such figure
    grade: float | None  # None: too short to grade

    @property
    def formality(self) -> int:
        return (self.greeting or 0) + (self.signoff or 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "greeting": self.greeting,
            "signoff": self.signoff,
            "formality": self.formality,
            "contractions_per_100": round(self.contractions_per_100, 2),
            "words_before_first_figure": self.first_figure,
            "grade": None if self.grade is None else round(self.grade, 2),
        }


def measure(body: str, source_text: str = "") -> ToneMeasures:
    parts = sentences(body)
    greeting = next((s.text for s in parts if s.part is Part.GREETING), None)
    signoff = next((s.text for s in parts if s.part is Part.SIGNOFF), None)
    proper = [s.text for s in parts if s.part is Part.BODY]
    text = " ".join(proper)
    proper_words = words(text)
    return ToneMeasures(
        words=len(body.split()),
        greeting=_level(greeting, GREETING_LEVELS),
        signoff=_level(signoff, SIGNOFF_LEVELS),
        contractions_per_100=100 * len(CONTRACTION.findall(text)) / max(1, len(proper_words)),
        first_figure=first_figure(text, source_text),
        grade=reading_grade(proper),
    )


def first_figure(text: str, source_text: str) -> int | None:
    """How many words come before the first figure of the sources (links are not figures)."""
    known = {_digits(m.group()) for m in FIGURE.finditer(source_text)}
    tokens = URL.sub(" ", text).split()
    for index, token in enumerate(tokens):
        figure = FIGURE.search(token)
        if figure and _digits(figure.group()) in known:
            return index
    return None


def has_figures(source_text: str) -> bool:
    return FIGURE.search(source_text) is not None


def _digits(figure: str) -> str:
    return re.sub(r"[^\d.]", "", figure).rstrip(".")


def _level(line: str | None, levels: tuple[tuple[str, int], ...]) -> int | None:
    if line is None:
        return None
    lowered = line.lower()
    return next((level for phrase, level in levels if lowered.startswith(phrase)), None)
