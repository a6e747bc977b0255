"""Find the sentence of the knowledge base that answers each of a lead's questions.

Retrieval picks documents for a touch; a personal response must answer what was asked, so this module
works a sentence at a time: every quotable sentence of every document (``knowledge/sentences.py``) is
embedded once with the shipped model, and each question is matched against them. A sentence's score is
its cosine similarity to the question plus a share of word overlap (weighted by how rare the words are
in this knowledge base: the embedding model knows little Spanish, and "HMO" or "Medicare" matter more
than "you"), the similarity of its document's title (the question a FAQ answers), and a little more when
it holds the kind of thing asked for (a price, a duration, a time). A Spanish question is also read in
English (``knowledge/glossary.py``) and each part scores its better reading. The best sentence answers,
with the next best of its document; one in the lead's language wins when it scores nearly as well.
Below ``ANSWER_FLOOR`` a question is not answerable; between the floor and ``SURE_SCORE`` the sentence
is offered, but a person checks it before it goes (all figures calibrated on the dev split of
``evals/answers`` only).

Everything here is at the edge (an embedding model); the drafters get plain ``Answers``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from knowledge.documents import KnowledgeDocument
from knowledge.glossary import fold, to_english
from knowledge.kinds import kinds_asked
from knowledge.sentences import parts, split_sentences, stand_alone
from knowledge.store import Embedder
from knowledge.types import Answer, Answers

logger = logging.getLogger(__name__)

# Calibrated on evals/answers/dev.jsonl (see docs/drafting.md "Answering the lead's questions").
LEXICAL_WEIGHT: Final = 0.4  # word overlap, 0..1, next to a cosine of 0..1
TITLE_WEIGHT: Final = 0.4  # a document's title is the question it answers
CONTEXT_WEIGHT: Final = 0.3  # the whole inquiry, beside the question: "what did it cost them?" needs it
LANGUAGE_MARGIN: Final = 0.08  # a document in the lead's language wins when this close to the best
# Scores run from about 0.3 to 1.6. On dev, below 0.60 fewer than a third of the quoted sentences
# answered; the highest unanswerable question scored 1.34, so only answers above it go out unchecked.
ANSWER_FLOOR: Final = 0.60  # below: no sentence answers; a person will
SURE_SCORE: Final = 1.40  # at or above: the sentence goes out without a person checking it
KIND_WEIGHT: Final = 0.1  # a sentence holding the kind of thing asked for: a price, a duration, a time
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


_REFERS_BACK: Final = re.compile(
    r"\b(?:it|that|this|them|they|those|these|him|her|eso|esto|ello|ellos|ellas|ah[ií])\b", re.IGNORECASE
)
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+|\n+")


def with_antecedent(question: str, inquiry: str | None) -> str:
    """A question that points back ("Is that included?", "will you deal with them?") with the sentence
    the lead wrote just before it, which names what "that" is; any other question as it is."""
    if not inquiry or not _REFERS_BACK.search(question):
        return question
    at = inquiry.casefold().find(question.casefold())
    if at <= 0:
        return question
    before = [p for p in _SENTENCE_END.split(inquiry[:at].strip()) if p.strip()]
    return f"{before[-1].strip()} {question}" if before else question


def kind_match(question: str, sentences: Sequence[str]) -> npt.NDArray[np.float32]:
    """For each sentence, the share of the kinds ``question`` asks for (a price, a duration, a time) that
    it holds: 0 when the question asks for none of them or the sentence gives none."""
    asked = kinds_asked(question)
    if not asked:
        return np.zeros(len(sentences), dtype=np.float32)
    return np.asarray(
        [sum(1 for gives in asked if gives.search(text)) / len(asked) for text in sentences], dtype=np.float32
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
        # Each sentence's document title, row by row: a title scores for every sentence under it.
        self._title_rows = (
            np.stack([self._title_vectors[c.document.id] for c in self._candidates])
            if self._candidates
            else np.zeros((0, 0), dtype=np.float32)
        )
        self._rows: dict[str, list[int]] = {}
        for row, candidate in enumerate(self._candidates):
            self._rows.setdefault(candidate.document.id, []).append(row)
        self._language_rows: dict[str, npt.NDArray[np.intp]] = {}
        for language in {self._language(d) for d in self._rows}:
            self._language_rows[language] = np.asarray(
                [r for r, c in enumerate(self._candidates) if self._language(c.document.id) == language],
                dtype=np.intp,
            )
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
        """The best sentence for ``question``, the next best of its document, and its score (None:
        nothing usable).

        Every sentence is scored on its own: its similarity to the question, its share of the question's
        words, its document's title (the question a FAQ answers) and whether it holds the kind of thing
        asked for (a price for "how much", a duration for "how long"). ``context`` (the whole inquiry)
        leans the question towards what the lead wrote about: "what did it cost them?" names nothing on
        its own; a question that points back ("is that included?") is read with the sentence before it.
        A Spanish lead's question is also read in English (``knowledge/glossary.py``), since the
        shipped model knows little Spanish and English documents often hold the answer; and for a lead
        writing in another language than the knowledge base's own, each sentence's similarity is taken
        against the other sentences of its language (``_by_language``).
        """
        if not self._candidates:
            return None
        scores = self.scores(question, language=language, context=context)
        live = [row for row, c in enumerate(self._candidates) if c.document.live_on(today)]
        if not live:
            return None
        ranked = sorted(live, key=lambda r: float(scores[r]), reverse=True)
        best = ranked[0]
        if language:  # a sentence in the lead's language wins when nearly as good
            mine = next(
                (r for r in ranked if self._language(self._candidates[r].document.id) == language), None
            )
            if mine is not None and scores[mine] >= scores[best] - LANGUAGE_MARGIN:
                best = mine
        document = self._candidates[best].document
        chosen = [self._candidates[best]]
        for row in ranked:
            candidate = self._candidates[row]
            if candidate.document.id != document.id or any(
                candidate.text in c.text or c.text in candidate.text for c in chosen
            ):
                continue
            chosen.append(candidate)
            if len(chosen) == MAX_SENTENCES:
                break
        best_score = float(scores[best])
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

    def scores(
        self, question: str, *, language: str | None, context: str | None = None
    ) -> npt.NDArray[np.float32]:
        """Every quotable sentence's score for ``question``, row by row (see ``answer``): one place for
        the ranking, which ``answer`` picks from and the eval's analyses read."""
        asked = with_antecedent(question, context)
        readings = [(asked, context)]
        foreign = language is not None and language != self._default_language
        if language == "es":
            readings.append((to_english(asked), to_english(context) if context else None))
        # Each part is the better of the readings: the English one may find the sentence, the Spanish
        # one its Spanish title's words.
        similarity, overlap, title = (
            np.full(len(self._candidates), -np.inf, dtype=np.float32) for _ in "abc"
        )
        for text, lean in readings:
            query = self._query(text, lean)
            cosine = self._sentence_vectors @ query
            similarity = np.maximum(similarity, self._by_language(cosine) if foreign else cosine)
            overlap = np.maximum(overlap, self._overlap(text))
            title = np.maximum(title, self._title_rows @ query)
        scores = similarity + LEXICAL_WEIGHT * overlap + TITLE_WEIGHT * title
        # The kind asked for is read in the question's own words, not in the sentence it points back to.
        kind = to_english(question) if language == "es" else question
        kinds = kind_match(kind, [c.text for c in self._candidates])
        return np.asarray(scores + KIND_WEIGHT * kinds, dtype=np.float32)

    def _query(self, question: str, context: str | None) -> npt.NDArray[np.float32]:
        """The question's vector, leaned a little towards the whole inquiry's."""
        query = np.asarray(self._embedder.embed_query(question), dtype=np.float32)
        if context:
            query = query + CONTEXT_WEIGHT * np.asarray(self._embedder.embed_query(context), dtype=np.float32)
            query = query / max(float(np.linalg.norm(query)), 1e-12)
        return query

    def _by_language(self, cosine: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Each sentence's similarity measured against the other sentences of its language.

        The shipped model finds any two Spanish texts alike and a Spanish text unlike any English one,
        so a Spanish lead's question scored raw lands on whichever Spanish sentence, and its English
        reading under-rates every Spanish one. Taking away the mean similarity of each language's
        sentences (and adding back the overall mean, to keep the scale of the thresholds) leaves what
        the sentence says. A knowledge base in one language is left as it is.
        """
        overall = float(cosine.mean())
        centred = cosine.copy()
        for rows in self._language_rows.values():
            centred[rows] = cosine[rows] - float(cosine[rows].mean()) + overall
        return centred

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
    return [w[:5] for w in re.findall(r"[a-z0-9$%]+", fold(text)) if w not in _STOPWORDS and len(w) > 1]


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
