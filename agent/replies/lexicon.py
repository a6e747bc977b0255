"""The reader's cues (``lexicon.yaml``): counted in a reply's own words, its quoted part and its subject,
and, for the words a negation precedes ("please don't unsubscribe me"), counted apart."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
NEGATION = re.compile(
    r"\b(not|no|never|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|isn'?t|aren'?t|nunca|nada|ni|pas|nicht|n[aã]o)\b"
    r"[^.!?\n]{0,25}$",
    re.IGNORECASE,
)
# A cue that carries its own negation ("don't email me", "no me vuelvan a escribir", "not the owner") is
# said as a negation: one before it belongs to another clause ("NO ME INTERESA Y NO ME VUELVAN A
# ESCRIBIR", "Not interested, don't email me"), and does not deny it.
SELF_NEGATED = re.compile(r"(not|no|never|don'?t|do not|doesn'?t|won'?t|nunca|ne|ha)\b", re.IGNORECASE)


def _denied(text: str, match: re.Match[str]) -> bool:
    """Is the cue's match contradicted by a negation just before it (and not one of its own)."""
    if SELF_NEGATED.match(match.group(0)):
        return False
    return NEGATION.search(text[max(0, match.start() - 30) : match.start()]) is not None


@dataclass(frozen=True, slots=True)
class Lexicon:
    cues: Mapping[str, re.Pattern[str]]  # each cue's phrases as one alternation (one scan per cue)
    digest: str  # part of the model's version: a model is trained on one lexicon

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.cues))

    def count(self, text: str) -> tuple[dict[str, int], dict[str, int]]:
        """Per cue: the matches in ``text``, and those of them a negation just before contradicts."""
        plain: dict[str, int] = {}
        negated: dict[str, int] = {}
        for name, pattern in self.cues.items():
            hits = denied = 0
            for match in pattern.finditer(text):
                if name != "negation" and _denied(text, match):
                    denied += 1
                else:
                    hits += 1
            plain[name], negated[name] = hits, denied
        return plain, negated

    def first(self, name: str, text: str) -> str | None:
        """The first words of ``text`` that the cue matches, not negated (evidence to show a rep)."""
        for match in self.cues[name].finditer(text):
            if not _denied(text, match):
                return match.group(0).strip()
        return None


@cache
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    raw = path.read_bytes()
    data = yaml.safe_load(raw)
    cues = {
        str(name): re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.MULTILINE)
        for name, patterns in data.items()
    }
    return Lexicon(cues=cues, digest=hashlib.sha256(raw).hexdigest()[:12])
