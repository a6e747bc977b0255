"""The urgency bank read by an embedder: ``Meaning`` on all-MiniLM-L6-v2 (or any ``Embedder``).

Built at the edges (``agent.container.build_meaning``, the eval command, the bench), never by the checks:
the embedder is handed in, the bank's vectors are computed once, and every sentence's score is cached.
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

BANK_PATH: Final = Path(__file__).with_name("urgency_bank.yaml")
# Per language, because the shipped model (all-MiniLM-L6-v2) was trained on English: Spanish sentences all
# look alike to it (0.6 to 0.7 between unrelated ones), so Spanish needs a near-paraphrase of the bank.
# Calibrated so that no sentence of the labelled sets (dev and the original cases) fires: see
# bench/README.md. (threshold, margin over the nearest neutral sentence)
LIMITS: Final = {"en": (0.55, 0.15), "es": (0.72, 0.15)}
SPANISH: Final = re.compile(
    r"[ñáéíóú¿¡]|\b(?:que|el|los|las|una|usted|su|sus|para|con|del|es|está|lo|le|se|muy|pero|por)\b",
    re.IGNORECASE,
)
CACHE_SIZE: Final = 4096


class Embedder(Protocol):
    """What the meaning check needs of an embedder (``knowledge.embeddings.LocalMiniLMEmbedder`` fits)."""

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True, slots=True)
class Bank:
    """Labelled sentences per language: ``pressure`` pushes the lead; ``neutral`` uses the same words
    harmlessly."""

    pressure: dict[str, tuple[str, ...]]
    neutral: dict[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def load_bank(path: Path = BANK_PATH) -> Bank:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Bank(
        pressure={language: tuple(found) for language, found in data["pressure"].items()},
        neutral={language: tuple(found) for language, found in data["neutral"].items()},
    )


def language_of(sentence: str) -> str:
    """English or Spanish, from two or more Spanish marks (accents, articles, pronouns): enough to pick
    which half of the bank a sentence is compared with."""
    return "es" if len(SPANISH.findall(sentence)) >= 2 else "en"


Vectors = npt.NDArray[np.float32]


class EmbeddingMeaning:
    """``Meaning`` on an embedder: nearest labelled sentence of the same language, pressure against
    neutral, above a threshold and by a margin."""

    def __init__(
        self,
        embedder: Embedder,
        bank: Bank | None = None,
        *,
        limits: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        self._embedder = embedder
        self.bank = bank or load_bank()
        self.limits = limits or LIMITS
        self._pressure = {lang: self._embed(found) for lang, found in self.bank.pressure.items()}
        self._neutral = {lang: self._embed(found) for lang, found in self.bank.neutral.items()}
        self._cache: OrderedDict[str, Score] = OrderedDict()

    def pressure(self, sentences: Sequence[str]) -> list[str | None]:
        verdicts: list[str | None] = []
        for score in self.scores(sentences):
            threshold, margin = self.limits[score.language]
            urgent = score.urgent >= threshold and score.urgent - score.neutral >= margin
            verdicts.append(score.nearest if urgent else None)
        return verdicts

    def scores(self, sentences: Sequence[str]) -> list[Score]:
        """Per sentence: its best similarity to a pressure sentence and to a neutral one."""
        missing = list(dict.fromkeys(s for s in sentences if s not in self._cache))
        if missing:
            vectors = self._embed(missing)
            for sentence, vector in zip(missing, vectors, strict=True):
                self._remember(sentence, self._score(sentence, vector))
        return [self._cache[s] for s in sentences]

    def _score(self, sentence: str, vector: Vectors) -> Score:
        language = language_of(sentence)
        urgent = self._pressure[language] @ vector
        best = int(np.argmax(urgent))
        neutral = float((self._neutral[language] @ vector).max())
        return Score(language, float(urgent[best]), neutral, self.bank.pressure[language][best])

    def forget(self) -> None:
        """Drop the sentences' cached scores (the bank's vectors stay): the next draft is read afresh."""
        self._cache.clear()

    def _remember(self, sentence: str, score: Score) -> None:
        self._cache[sentence] = score
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _embed(self, texts: Sequence[str]) -> Vectors:
        vectors = np.asarray(self._embedder.embed_documents(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: Vectors = vectors / np.maximum(norms, 1e-12)
        return normalised


@dataclass(frozen=True, slots=True)
class Score:
    language: str
    urgent: float  # cosine to the nearest pressure sentence
    neutral: float  # cosine to the nearest neutral sentence
    nearest: str  # that pressure sentence
