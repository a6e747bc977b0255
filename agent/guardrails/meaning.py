"""Urgency by meaning: sentences compared with a labelled bank of pressure and of harmless look-alikes.

Patterns catch the phrasings someone foresaw; a rep or a model finds new ones ("every week that goes by
costs you", "no lo piense tanto"). The bank (``urgency_bank.yaml``) holds urgency, scarcity and pressure
sentences and, as importantly, neutral sentences with the same time words (office hours, "take your
time", scheduling), in English and Spanish. A sentence reads as pressure when it is close to a pressure
sentence and clearly closer to it than to any neutral one.

The checks stay pure: ``Meaning`` is a protocol the context carries, built once at the edges (the
container, the eval command, the bench) around an embedder; without one, urgency is judged by patterns
alone. Only sentences with a time, haste, scarcity or loss cue (``CUE``) are embedded, and the bank's
vectors are computed once per process. The reader on an embedder is ``agent.guardrails.embedded_meaning``,
kept apart so that importing the checks never imports numpy or a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Protocol

from agent.guardrails.text import body_sentences

# A sentence worth embedding speaks of time, haste, scarcity, loss or price movement.
CUE: Final = re.compile(
    r"\b(wait\w*|late[rs]?|soon\w*|fast\w*|quick\w*|hurr\w*|rush\w*|now|today|tonight|tomorrow|weeks?|"
    r"months?|days?|deadline|last\w*|left|remaining|full|booked|book\w*|spots?|slots?|places?|openings?|"
    r"gone|miss\w*|los[et]\w*|chance|prices?|before|longer|time|never|end\w*|clos\w*|expir\w*|decid\w*|"
    r"sign\w*|lock|hold|delay\w*|put off|while|gets?|harder|costs?|"
    r"esper\w*|tarde|pronto|rápid\w*|rapid\w*|ahora|hoy|mañana|semanas?|mes(?:es)?|días?|último|última|"
    r"quedan?|lugares|espacios|cupos|llen\w*|perd\w*|pierd\w*|oportunidad|precios?|antes|después|tiempo|"
    r"nunca|decid\w*|apart\w*|termin\w*|venc\w*|sub\w*|deje|dejar\w*|tard\w*|prisa|ya)\b",
    re.IGNORECASE,
)


class Meaning(Protocol):
    """Scores sentences against the urgency bank: for each, the pressure sentence it is closest to when
    it reads as urgency, scarcity or pressure, else None."""

    def pressure(self, sentences: Sequence[str]) -> list[str | None]: ...


def candidates(text: str) -> list[tuple[str, int, int]]:
    """The message's sentences with a cue word, with their spans: the only ones worth embedding."""
    return [(s.text, s.start, s.end) for s in body_sentences(text) if CUE.search(s.text)]
