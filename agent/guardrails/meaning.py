"""Urgency by meaning: sentences compared with a labelled bank of pressure and of harmless look-alikes.

Patterns catch the phrasings someone foresaw; a rep or a model finds new ones ("every week that goes by
costs you", "no lo piense tanto"). The bank (``urgency_bank.yaml``) holds urgency, scarcity and pressure
sentences and, as importantly, neutral sentences with the same time words (office hours, "take your
time", scheduling), in English and Spanish. A sentence reads as pressure when it is close to a pressure
sentence and clearly closer to it than to any neutral one.

The checks stay pure: ``Meaning`` is a protocol the context carries, built once at the edges (the
container, the eval command, the bench) around an embedder; without one, urgency is judged by patterns
alone. Only sentences with a time, haste, scarcity or loss cue (``CUE``) are embedded, and the bank's
vectors are computed once per process.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt
import yaml

from agent.guardrails.text import body_sentences

BANK_PATH: Final = Path(__file__).with_name("urgency_bank.yaml")
# Calibrated on the bank itself (leave-one-out) and on the labelled dev set: see bench/README.md.
THRESHOLD: Final = 0.62
MARGIN: Final = 0.06
CACHE_SIZE: Final = 4096

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


class Embedder(Protocol):
    """What the meaning check needs of an embedder (``knowledge.embeddings.LocalMiniLMEmbedder`` fits)."""

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True, slots=True)
class Bank:
    """Labelled sentences: ``pressure`` pushes the lead; ``neutral`` uses the same words harmlessly."""

    pressure: tuple[str, ...]
    neutral: tuple[str, ...]


@lru_cache(maxsize=4)
def load_bank(path: Path = BANK_PATH) -> Bank:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Bank(
        pressure=tuple(s for language in data["pressure"].values() for s in language),
        neutral=tuple(s for language in data["neutral"].values() for s in language),
    )


def candidates(text: str) -> list[tuple[str, int, int]]:
    """The message's sentences with a cue word, with their spans: the only ones worth embedding."""
    return [(s.text, s.start, s.end) for s in body_sentences(text) if CUE.search(s.text)]


Vectors = npt.NDArray[np.float32]


class EmbeddingMeaning:
    """``Meaning`` on an embedder: nearest labelled sentence, pressure against neutral, with a margin."""

    def __init__(
        self,
        embedder: Embedder,
        bank: Bank | None = None,
        *,
        threshold: float = THRESHOLD,
        margin: float = MARGIN,
    ) -> None:
        self._embedder = embedder
        self.bank = bank or load_bank()
        self.threshold = threshold
        self.margin = margin
        self._pressure = self._embed(self.bank.pressure)
        self._neutral = self._embed(self.bank.neutral)
        self._cache: OrderedDict[str, tuple[float, float, int]] = OrderedDict()

    def pressure(self, sentences: Sequence[str]) -> list[str | None]:
        scores = self.scores(sentences)
        return [
            self.bank.pressure[best] if urgent >= self.threshold and urgent - neutral >= self.margin else None
            for urgent, neutral, best in scores
        ]

    def scores(self, sentences: Sequence[str]) -> list[tuple[float, float, int]]:
        """Per sentence: best similarity to a pressure sentence, to a neutral one, and which pressure one."""
        missing = list(dict.fromkeys(s for s in sentences if s not in self._cache))
        if missing:
            vectors = self._embed(missing)
            urgent = vectors @ self._pressure.T
            neutral = vectors @ self._neutral.T
            for n, sentence in enumerate(missing):
                best = int(np.argmax(urgent[n]))
                self._remember(sentence, (float(urgent[n, best]), float(neutral[n].max()), best))
        return [self._cache[s] for s in sentences]

    def _remember(self, sentence: str, score: tuple[float, float, int]) -> None:
        self._cache[sentence] = score
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        vectors = np.asarray(self._embedder.embed_documents(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: Vectors = vectors / np.maximum(norms, 1e-12)
        return normalised
