"""Retrieval: the sources a touch may cite, chosen for this lead and this touch's purpose.

Drafts cite ``Source.text`` verbatim and guardrails check claims against it, so retrieval only returns
chunks of documents that are in the loaded knowledge base right now: a stale vector of a deleted file is
never cited. Nothing here reads the clock; expired offers are dropped when the caller passes ``today``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final

from knowledge.answers import AnswerFinder
from knowledge.documents import KnowledgeDocument, LoadError, load_folder, offer_windows
from knowledge.glossary import fold
from knowledge.ingest import ProgressCallback, ingest
from knowledge.store import Hit, VectorStore
from knowledge.types import PURPOSE_TYPES, Answers, DocType, OfferWindow, RetrievalQuery, Source

logger = logging.getLogger(__name__)

Where = Mapping[str, str | int | float | bool]
MAX_FETCH: Final = 100
PREPARED_MAX: Final = 256  # answers worked out ahead and not yet asked for (a lead's details changed)
SERVICE_BONUS: Final = 0.02  # enough to win a near-tie, never to beat a clearly better match


def _search_text(query: RetrievalQuery) -> str:
    return query.text.strip() or " ".join(filter(None, [query.purpose.replace("_", " "), query.industry]))


# Language names as leads and titles write them, folded ("español" reads "espanol").
_LANGUAGE_NAMES: Final = (
    r"(?:english|ingles|spanish|espanol|castellano|french|francais|frances|portuguese|portugues|german|"
    r"deutsch|aleman|italian|italiano|dutch|nederlands|vietnamese|tagalog|filipino|chinese|mandarin|"
    r"chino|japanese|japones)"
)
# A document whose subject is the language service itself: "Can we work with you in Spanish?",
# "Do you have Spanish-speaking therapists?", "Which languages do you support?", a bilingual glossary.
# A title that only mentions a language in passing ("a paid, bilingual booking process", "videos in
# English and Spanish") is not one.
_LANGUAGE_SERVICE: Final = re.compile(
    rf"\b(?:in|en)\s+{_LANGUAGE_NAMES}\b(?!\s+(?:and|y|or|o)\b)|\b{_LANGUAGE_NAMES}[- ]speaking\b|"
    r"\b(?:languages?|idiomas?|glossary|glosario|translations?|translators?|interpreters?|traduccion(?:es)?|"
    r"traductor(?:es)?|interpretes?)\b"
)
# The lead asks about language when their need or inquiry names one, or language itself.
_LANGUAGE_ASKED: Final = re.compile(
    rf"\b{_LANGUAGE_NAMES}\b|\b(?:bilingual|bilingue|languages?|idiomas?|translat\w*|traduc\w*|interpreters?)\b"
)


def _other_language(document: KnowledgeDocument, preferred: str | None) -> bool:
    """Whether ``document`` is in another language than the lead's. With no preference the lead writes
    the company's first language, the one of documents without a ``language``: a tagged document is
    taken as another (found using the product: Spanish FAQs ranked second for English leads). A
    company that also tags documents in its first language only sees those among its own go after
    the untagged ones."""
    if preferred:
        return document.language != preferred
    return document.language is not None


def _slug(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


class KnowledgeBase:
    """The loaded documents plus their vectors; the agent's one way into the company's knowledge.

    ``reload`` swaps the documents in one assignment, and each call reads ``documents`` once, so a
    retrieval running during a reload sees the old set or the new one, never a mix. Chunks whose
    ``content_hash`` differs from the loaded document's (an edit not yet embedded, or embedded by another
    process that has not reloaded) are skipped: a source's text and its title, figures and URL always come
    from the same version of the file.

    Another process may change the store (`touchpoint knowledge ingest`, an upload to another server
    process). A store that names its version (``ChromaVectorStore.version``) lets a knowledge base loaded
    from a folder notice: the next retrieval loads the folder again, so it serves the new version whole.
    Each retrieval reads that version once (``pinned``); a caller doing one piece of work that retrieves
    more than once (an inquiry: ``prepare``, then its step's ``retrieve``) pins it around all of them.
    """

    def __init__(
        self,
        documents: Sequence[KnowledgeDocument],
        store: VectorStore,
        *,
        root: Path | None = None,
        errors: Sequence[LoadError] = (),
        answer_cache: Path | None = None,
    ) -> None:
        self._store = store
        self.answer_cache = answer_cache  # where sentence vectors are kept between runs (None: memory only)
        self.root = root  # the folder the documents were loaded from; None for documents built in code
        self.lock = threading.RLock()  # held by whoever changes the folder, the store and this object
        self.documents: Mapping[str, KnowledgeDocument] = MappingProxyType({})
        self.errors: tuple[LoadError, ...] = ()
        # Answers worked out ahead by ``prepare``, each with the documents it was computed on.
        self._prepared: OrderedDict[RetrievalQuery, tuple[Mapping[str, KnowledgeDocument], list[Source]]]
        self._prepared = OrderedDict()
        self._prepared_lock = threading.Lock()
        self._answers: AnswerFinder | None = None
        self._store_version: str | None = None  # the store's version when the documents were loaded
        self.reload(documents, errors)

    @property
    def store(self) -> VectorStore:
        return self._store

    def reload(self, documents: Sequence[KnowledgeDocument], errors: Sequence[LoadError] = ()) -> None:
        """Serve ``documents`` from now on (the store must already hold their chunks: see ``ingest``)."""
        by_id: dict[str, KnowledgeDocument] = {}
        for document in documents:
            by_id.setdefault(document.id, document)
        self._store_version = _version(self._store)
        self.documents = MappingProxyType(by_id)
        self.errors = tuple(errors)

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Every read of the store in the block (by this thread) serves one version, read once at the
        block's first read; the next block reads it again, so another process's change is served by
        the next piece of work. Stores that have no versions need no pin."""
        pin = getattr(self._store, "pinned", None)
        with pin() if pin is not None else nullcontext():
            yield

    def current_documents(self) -> Mapping[str, KnowledgeDocument]:
        """``documents``, loaded from the folder again first if another process changed the store since.

        Not while this process is changing the folder itself (it holds ``lock`` and reloads at the end).
        """
        version = _version(self._store)
        if self.root is None or version is None or version == self._store_version:
            return self.documents
        if self.lock.acquire(blocking=False):
            try:
                if _version(self._store) != self._store_version:
                    loaded = load_folder(self.root)
                    self.reload(loaded.documents, loaded.errors)
                    logger.info("knowledge.reloaded", extra={"version": self._store_version})
            finally:
                self.lock.release()
        return self.documents

    def find_answers(
        self, questions: Sequence[str], *, language: str | None, today: date, context: str | None = None
    ) -> Answers:
        """The sentences answering each question (``knowledge/answers.py``); a store without an embedder
        answers none, so every question goes to a person."""
        if not questions:
            return Answers()
        embedder = getattr(self._store, "embedder", None)
        if embedder is None:
            return Answers(unanswered=tuple(questions))
        if self._answers is None:
            self._answers = AnswerFinder(embedder, cache=self.answer_cache)
        documents = self.current_documents()
        index = self._answers.index_for(list(documents.values()), documents)
        return index.find(questions, language=language, today=today, context=context)

    def get(self, document_id: str) -> KnowledgeDocument | None:
        return self.documents.get(document_id)

    def company_facts(self) -> tuple[str, ...]:
        """The bodies of the company's own facts: always true, always citable."""
        return tuple(d.body for d in self.documents.values() if d.type is DocType.COMPANY_FACT)

    def live_offer_ids(self, today: date) -> frozenset[str]:
        """Offers valid on ``today`` (from ``starts`` through ``expires``)."""
        return frozenset(o.id for o in self.offers() if o.live_on(today))

    def offers(self) -> tuple[OfferWindow, ...]:
        """Every offer with its validity, live or not: a draft that names an expired one is caught."""
        return offer_windows(self.documents.values())

    def prepare(self, query: RetrievalQuery) -> None:
        """Work out ``retrieve(query)`` now, before the caller takes a lock (on SQLite a transaction
        holds the one write lock), and keep the answer for the caller's own ``retrieve(query)`` inside
        it: the embedding and the vector searches then overlap other writers instead of queueing them.
        """
        with self.pinned():
            documents = self.current_documents()
            sources = self._search(query, documents)
        with self._prepared_lock:
            self._prepared[query] = (documents, sources)
            while len(self._prepared) > PREPARED_MAX:
                self._prepared.popitem(last=False)

    def retrieve(self, query: RetrievalQuery) -> list[Source]:
        """The answer ``prepare`` worked out for this very query (once, and only if the documents have
        not been reloaded since), or ``_search``'s."""
        with self._prepared_lock:
            ready = self._prepared.pop(query, None)
        with self.pinned():
            documents = self.current_documents()
            if ready is not None and ready[0] is documents:
                return list(ready[1])
            return self._search(query, documents)

    def _search(self, query: RetrievalQuery, documents: Mapping[str, KnowledgeDocument]) -> list[Source]:
        """Top ``k`` documents (best chunk each) of the purpose's types, the lead's industry first.

        A document applies to the lead if tagged with their industry or with none (that means "any
        industry"); documents of other industries only fill the places left, after those that apply.
        Within each of the two groups, the best score comes first.

        Searches go from broad to narrow, and only as far as needed: a search that returned all it was
        asked for may have cut off documents, but none scoring above its last hit. While that score could
        still make the top ``k``, the search is split into narrower ones (by type, then by the industry
        and "any industry" flags, as the store filters by equality only). Usually one search suffices.

        ``documents`` is one snapshot for the whole call (see the class docstring).
        """
        types = PURPOSE_TYPES.get(query.purpose)
        if types is None:
            raise ValueError(f"unknown touch purpose {query.purpose!r}; known: {', '.join(PURPOSE_TYPES)}")
        if query.k <= 0:
            return []
        text = _search_text(query)
        fetch = min(MAX_FETCH, (query.k + len(query.exclude_document_ids)) * 3)
        if query.language:  # the documents in the lead's language may score below the first few hits
            fetch = MAX_FETCH
        industry = _slug(query.industry) if query.industry else None
        bonus = SERVICE_BONUS if query.services else 0.0

        best: dict[str, tuple[float, Hit]] = {}
        frontier: list[Where] = [{}] if len(types) > 1 else [{"type": str(types[0])}]
        while frontier:
            floors: list[tuple[Where, float]] = []
            for where in frontier:
                size = fetch if "type" in where else min(MAX_FETCH, fetch * len(types))
                hits = self._store.search(text, k=size, where=where)
                _collect(documents, hits, query, types, best)
                if len(hits) == size:
                    floors.append((where, hits[-1].score))
            kth = _kth_score(documents, best, industry, query.k)
            frontier = [
                narrower
                for where, floor in floors
                if floor + bonus > kth
                for narrower in _narrower(where, types, industry)
            ]

        ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
        # Documents in the lead's language first (the best of them first): a draft quotes its first
        # source, and a Spanish-speaking lead should read Spanish (an English lead, English). Then,
        # unless the lead asked about language, a document about the language service itself ("Can
        # we work with you in Spanish?") goes after the others: it scored high on a bilingual
        # company's queries, and was quoted as an English lead's day-1 resource.
        asked_about_language = bool(_LANGUAGE_ASKED.search(fold(query.text)))
        ranked.sort(
            key=lambda item: (
                _other_language(documents[item[1].chunk.document_id], query.language),
                not asked_about_language
                and bool(_LANGUAGE_SERVICE.search(fold(documents[item[1].chunk.document_id].title))),
            )
        )
        applies = [item for item in ranked if _applies(documents, item[1].chunk.document_id, industry)]
        others = [item for item in ranked if not _applies(documents, item[1].chunk.document_id, industry)]
        # The lead's own industry first, even when another industry's document scores higher: drafts lead
        # with the first source, and a dental practice should hear about a dental practice.
        chosen = applies[: query.k] + others[: max(0, query.k - len(applies))]
        sources = [_source(documents[hit.chunk.document_id], hit, score) for score, hit in chosen]
        logger.debug(
            "knowledge.retrieve.done",
            extra={"purpose": query.purpose, "industry": industry, "sources": [s.id for s in sources]},
        )
        return sources


Documents = Mapping[str, KnowledgeDocument]


def _version(store: VectorStore) -> str | None:
    """The version a store serves, for stores that name one (one small read of the store)."""
    version = getattr(store, "version", None)
    return str(version) if version is not None else None


def _narrower(where: Where, types: Sequence[DocType], industry: str | None) -> list[Where]:
    if "type" not in where:
        return [{"type": str(t)} for t in types]
    if industry and len(where) == 1:
        return [{**where, f"ind_{industry}": True}, {**where, "all_industries": True}]
    return []


def _kth_score(
    documents: Documents, best: Mapping[str, tuple[float, Hit]], industry: str | None, k: int
) -> float:
    scores = sorted(
        (score for d, (score, _) in best.items() if _applies(documents, d, industry)), reverse=True
    )
    return scores[k - 1] if len(scores) >= k else float("-inf")


def _collect(
    documents: Documents,
    hits: Sequence[Hit],
    query: RetrievalQuery,
    types: Sequence[DocType],
    best: dict[str, tuple[float, Hit]],
) -> None:
    """Keep each usable document's best chunk in ``best``."""
    wanted_services = {_slug(s) for s in query.services}
    for hit in hits:
        document = documents.get(hit.chunk.document_id)
        if document is None or not _usable(document, query, types):
            continue
        if hit.chunk.metadata.get("content_hash", document.content_hash) != document.content_hash:
            continue  # a chunk of another version of this file
        score = hit.score + (SERVICE_BONUS if wanted_services.intersection(document.services) else 0.0)
        if document.id not in best or score > best[document.id][0]:
            best[document.id] = (score, hit)


def _applies(documents: Documents, document_id: str, industry: str | None) -> bool:
    industries = documents[document_id].industries
    return industry is None or not industries or industry in industries


def _usable(document: KnowledgeDocument, query: RetrievalQuery, types: Sequence[DocType]) -> bool:
    if document.id in query.exclude_document_ids or document.type not in types:
        return False
    return query.today is None or document.live_on(query.today)


def _source(document: KnowledgeDocument, hit: Hit, score: float) -> Source:
    return Source(
        id=document.id,
        type=document.type,
        title=document.title,
        url=document.url,
        text=hit.chunk.text,
        score=score,
        customer=document.customer,
        figures=document.figures,
        language=document.language,
    )


def open_knowledge_base(
    root: Path,
    store: VectorStore,
    *,
    ingest_missing: bool = True,
    on_progress: ProgressCallback | None = None,
) -> KnowledgeBase:
    """Load the knowledge folder and, unless told not to, bring the vector store up to date with it.

    Ingestion is idempotent and cheap when nothing changed, so every process may run it at start-up;
    ``ingest_missing=False`` is for processes that must not write to a shared store. ``on_progress``
    counts the chunks embedded, for a command that shows it.
    """
    loaded = load_folder(root)
    for error in loaded.errors:
        logger.warning("knowledge.load.error", extra={"error": str(error)})
    if ingest_missing:
        report = ingest(loaded.documents, store, on_progress=on_progress)
        for message in report.errors:
            logger.warning("knowledge.ingest.error", extra={"error": message})
    return KnowledgeBase(loaded.documents, store, root=root, errors=loaded.errors)
