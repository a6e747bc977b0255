"""Find the sentence of the knowledge base that answers each of a lead's questions.

Retrieval picks documents for a touch; a personal response must answer what was asked, so this module
works a sentence at a time: every quotable sentence of every document (``knowledge/sentences.py``) is
embedded once with the shipped model, and each question is matched against them. A sentence's score is
its cosine similarity to the question plus a share of word overlap (weighted by how rare the words are
in this knowledge base: the embedding model knows little Spanish, and "HMO" or "Medicare" matter more
than "you"); a document's score adds the similarity of its title, which is the question a FAQ answers.
The best document gives its best sentences, in the lead's language when a document in it scores nearly
as well. Below ``ANSWER_FLOOR`` a question is not answerable; between the floor and ``SURE_SCORE`` the
sentence is offered, but a person checks it before it goes (all figures calibrated on the dev split of
``evals/answers`` only).

Everything here is at the edge (an embedding model); the drafters get plain ``Answers``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from knowledge.documents import KnowledgeDocument
from knowledge.sentences import parts, split_sentences, stand_alone
from knowledge.store import Embedder
from knowledge.types import Answer, Answers

logger = logging.getLogger(__name__)

# Calibrated on evals/answers/dev.jsonl (see docs/drafting.md "Answering the lead's questions").
LEXICAL_WEIGHT: Final = 0.4  # word overlap, 0..1, next to a cosine of 0..1
TITLE_WEIGHT: Final = 0.4  # a document's title is the question it answers
CONTEXT_WEIGHT: Final = 0.3  # the whole inquiry, beside the question: "what did it cost them?" needs it
LANGUAGE_MARGIN: Final = 0.08  # a document in the lead's language wins when this close to the best
# Scores run from about 0.3 to 1.5. On dev, below 0.60 fewer than a third of the quoted sentences
# answered; the highest unanswerable question scored 1.23, so only answers above it go out unchecked.
ANSWER_FLOOR: Final = 0.60  # below: no sentence answers; a person will
SURE_SCORE: Final = 1.30  # at or above: the sentence goes out without a person checking it
MAX_SENTENCES: Final = 2  # per question: the best, and the next best of the same document
MIN_ANSWER_WORDS: Final = 3  # "Yes." alone answers nothing once quoted out of its document
_STOPWORDS: Final = frozenset(
    """a an and are as at be been but by can could do does did for from had has have how i if in into is it
    its just me my no not of on or our so that the their them there they this to us was we were what when
    where which who will with would you your yours any about also get got much many tell know like want
    el la los las lo le les un una unos unas y o de del al en con por para que qué es son se su sus mi
    mis me te nos ustedes usted yo tu tú como cómo cuánto cuanto cuanta muy más mas pero si sí no hay
    tienen tiene puede pueden quiero quisiera saber""".split()  # noqa: SIM905 - a word list reads best as words
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    document: KnowledgeDocument
    text: str  # as it stands in the document
    quoted: str  # standing alone
    position: int


class SentenceIndex:
    """Every quotable sentence of a set of documents, with its vector; built once per set of documents."""

    def __init__(
        self,
        documents: Sequence[KnowledgeDocument],
        embedder: Embedder,
        *,
        cache: Path | None = None,
        default_language: str = "en",
    ) -> None:
        self._embedder = embedder
        self._default_language = default_language
        self._documents = list(documents)
        self._candidates = _candidates(self._documents)
        vectors = _CachedVectors(embedder, cache)
        self._sentence_vectors = vectors.of([c.text for c in self._candidates])
        self._titles = sorted({c.document.id for c in self._candidates})
        titles_by_id = {d.id: d.title for d in self._documents}
        self._title_vectors = dict(
            zip(self._titles, vectors.of([titles_by_id[t] for t in self._titles]), strict=True)
        )
        vectors.save()
        self._rows: dict[str, list[int]] = {}
        for row, candidate in enumerate(self._candidates):
            self._rows.setdefault(candidate.document.id, []).append(row)
        self._tokens = [set(_tokens(f"{c.text} {c.document.title}")) for c in self._candidates]
        self._df = Counter(token for tokens in self._tokens for token in tokens)

    def find(
        self, questions: Sequence[str], *, language: str | None, today: date, context: str | None = None
    ) -> Answers:
        found: list[Answer] = []
        unanswered: list[str] = []
        for question in questions:
            answer = self.answer(question, language=language, today=today, context=context)
            if answer is None or answer.score < ANSWER_FLOOR:
                unanswered.append(question)
            else:
                found.append(answer)
        return Answers(tuple(found), tuple(unanswered))

    def answer(
        self, question: str, *, language: str | None, today: date, context: str | None = None
    ) -> Answer | None:
        """The best document's best sentences for ``question`` and their score (None: nothing usable).

        ``context`` (the whole inquiry) leans the question towards what the lead wrote about: a question
        such as "what did it cost them?" names nothing on its own.
        """
        if not self._candidates:
            return None
        query = np.asarray(self._embedder.embed_query(question), dtype=np.float32)
        if context:
            query = query + CONTEXT_WEIGHT * np.asarray(self._embedder.embed_query(context), dtype=np.float32)
            query = query / max(float(np.linalg.norm(query)), 1e-12)
        scores = self._sentence_vectors @ query + LEXICAL_WEIGHT * self._overlap(question)
        ranked: list[tuple[float, str]] = []
        for document_id, rows in self._rows.items():
            document = rows and self._candidates[rows[0]].document
            if not document or not document.live_on(today):
                continue
            title = float(self._title_vectors[document_id] @ query)
            ranked.append((TITLE_WEIGHT * title + max(float(scores[r]) for r in rows), document_id))
        if not ranked:
            return None
        ranked.sort(reverse=True)
        best_score, best_id = ranked[0]
        if language:
            mine = [(s, d) for s, d in ranked if self._language(d) == language]
            if mine and mine[0][0] >= best_score - LANGUAGE_MARGIN:
                best_score, best_id = mine[0]
        rows = sorted(self._rows[best_id], key=lambda r: float(scores[r]), reverse=True)
        chosen: list[_Candidate] = []
        for row in rows:
            candidate = self._candidates[row]
            if any(candidate.text in c.text or c.text in candidate.text for c in chosen):
                continue
            chosen.append(candidate)
            if len(chosen) == MAX_SENTENCES:
                break
        document = chosen[0].document
        return Answer(
            question=question,
            document_id=document.id,
            document_title=document.title,
            sentences=tuple(c.text for c in chosen),
            quoted=tuple(c.quoted for c in chosen),
            score=round(best_score, 4),
            sure=best_score >= SURE_SCORE,
            language=self._language(document.id),
        )

    def _language(self, document_id: str) -> str:
        rows = self._rows[document_id]
        return self._candidates[rows[0]].document.language or self._default_language

    def _overlap(self, question: str) -> npt.NDArray[np.float32]:
        """The share of the question's word weight (rarer words weigh more) each sentence shares."""
        words = set(_tokens(question))
        total = len(self._candidates)
        weight = {w: math.log((total + 1) / (self._df.get(w, 0) + 0.5)) for w in words}
        whole = sum(weight.values())
        if not whole:
            return np.zeros(total, dtype=np.float32)
        return np.asarray(
            [sum(weight[w] for w in words & tokens) / whole for tokens in self._tokens], dtype=np.float32
        )


def _candidates(documents: Sequence[KnowledgeDocument]) -> list[_Candidate]:
    """Sentences fit to quote as an answer: standing alone, a statement (not a question, not the
    colon that opens a list), more than "Yes."."""
    found: list[_Candidate] = []
    for document in documents:
        for position, sentence in enumerate(split_sentences(document.body)):
            for text in parts(sentence):
                quoted = stand_alone(text, document.title)
                if quoted is None or text.endswith(("?", ":")) or len(text.split()) < MIN_ANSWER_WORDS:
                    continue
                found.append(_Candidate(document, text, quoted, position))
    return found


def _tokens(text: str) -> list[str]:
    """Words without accents, cut to five letters: "financing" and "financiamiento" meet at "finan"."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w[:5] for w in re.findall(r"[a-z0-9$%]+", plain) if w not in _STOPWORDS and len(w) > 1]


class _CachedVectors:
    """Sentence vectors kept on disk by text hash and model, so an unchanged sentence is embedded once."""

    def __init__(self, embedder: Embedder, folder: Path | None) -> None:
        self._embedder = embedder
        self._path = folder / f"sentences-{embedder.name}.npz" if folder else None
        self._known: dict[str, npt.NDArray[np.float32]] = {}
        self._dirty = False
        if self._path is not None and self._path.is_file():
            with np.load(self._path) as stored:
                self._known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    def of(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._known}.items())
        if missing:
            vectors = self._embedder.embed_documents([t for _, t in missing])
            for (key, _), vector in zip(missing, vectors, strict=True):
                self._known[key] = np.asarray(vector, dtype=np.float32)
            self._dirty = True
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._known[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if self._path is None or not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._known)
        np.savez(self._path, keys=np.asarray(keys), vectors=np.stack([self._known[k] for k in keys]))
        self._dirty = False


class AnswerFinder:
    """A ``SentenceIndex`` kept for the documents a knowledge base serves, rebuilt when they change."""

    def __init__(
        self, embedder: Embedder, *, cache: Path | None = None, default_language: str = "en"
    ) -> None:
        self._embedder = embedder
        self._cache = cache
        self._default_language = default_language
        self._lock = threading.Lock()
        self._index: tuple[object, SentenceIndex] | None = None

    def index_for(self, documents: Sequence[KnowledgeDocument], key: object) -> SentenceIndex:
        with self._lock:
            if self._index is None or self._index[0] is not key:
                self._index = (
                    key,
                    SentenceIndex(
                        documents,
                        self._embedder,
                        cache=self._cache,
                        default_language=self._default_language,
                    ),
                )
            return self._index[1]
