"""Retrieval: the sources a touch may cite, chosen for this lead and this touch's purpose.

Drafts cite ``Source.text`` verbatim and guardrails check claims against it, so retrieval only returns
chunks of documents that are in the loaded knowledge base right now: a stale vector of a deleted file is
never cited. Nothing here reads the clock; expired offers are dropped when the caller passes ``today``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Protocol

from agent.settings import Settings
from knowledge.chroma_store import build_vector_store
from knowledge.documents import DocType, KnowledgeDocument, load_folder
from knowledge.embeddings import build_embedder
from knowledge.ingest import IngestTarget, ingest
from knowledge.store import Hit, VectorStore

logger = logging.getLogger(__name__)

_NURTURE: Final = (DocType.RESOURCE, DocType.CASE_STUDY, DocType.FAQ)

PURPOSE_TYPES: Final[Mapping[str, tuple[DocType, ...]]] = MappingProxyType(
    {
        "acknowledgment": (DocType.RESOURCE, DocType.FAQ),
        "value_add": (DocType.RESOURCE, DocType.FAQ),
        "social_proof": (DocType.CASE_STUDY,),
        "faq": (DocType.FAQ, DocType.OBJECTION),
        "objection": (DocType.FAQ, DocType.OBJECTION),
        "pricing": (DocType.FAQ, DocType.OFFER, DocType.RESOURCE),
        "check_in": _NURTURE,
        "breakup": _NURTURE,
        "nurture": _NURTURE,
        "re_engagement": _NURTURE,
        "post_meeting": (DocType.RESOURCE, DocType.CASE_STUDY, DocType.FAQ, DocType.OBJECTION),
    }
)

Where = Mapping[str, str | int | float | bool]

MAX_FETCH: Final = 100
SERVICE_BONUS: Final = 0.02  # enough to win a near-tie, never to beat a clearly better match


@dataclass(frozen=True, slots=True)
class Source:
    id: str  # KnowledgeDocument.id
    type: DocType
    title: str
    url: str | None
    text: str  # the exact chunk text: drafts cite it, guardrails check claims against it
    score: float  # cosine similarity, + SERVICE_BONUS if the document covers one of the lead's services
    customer: str | None = None
    figures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    text: str  # the lead's need / what they asked, in their words
    purpose: str  # a key of PURPOSE_TYPES
    industry: str | None = None
    services: tuple[str, ...] = ()  # documents covering one of these win near-ties (SERVICE_BONUS)
    exclude_document_ids: frozenset[str] = frozenset()  # already sent to this lead: never again
    k: int = 3
    today: date | None = None  # when given, offers that expired before it are dropped


class Retriever(Protocol):
    def retrieve(self, query: RetrievalQuery) -> list[Source]: ...


def _slug(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


class KnowledgeBase:
    """The loaded documents plus their vectors; the agent's one way into the company's knowledge."""

    def __init__(self, documents: Sequence[KnowledgeDocument], store: VectorStore) -> None:
        by_id: dict[str, KnowledgeDocument] = {}
        for document in documents:
            by_id.setdefault(document.id, document)
        self.documents: Mapping[str, KnowledgeDocument] = MappingProxyType(by_id)
        self._store = store

    def get(self, document_id: str) -> KnowledgeDocument | None:
        return self.documents.get(document_id)

    def company_facts(self) -> list[KnowledgeDocument]:
        return [d for d in self.documents.values() if d.type is DocType.COMPANY_FACT]

    def live_offers(self, today: date) -> list[KnowledgeDocument]:
        """Offers still valid on ``today`` (an offer is valid through its ``expires`` date)."""
        return [
            d
            for d in self.documents.values()
            if d.type is DocType.OFFER and (d.expires is None or d.expires >= today)
        ]

    def retrieve(self, query: RetrievalQuery) -> list[Source]:
        """Top ``k`` documents (best chunk each) of the purpose's types, the lead's industry first.

        A document applies to the lead if tagged with their industry or with none (that means "any
        industry"); documents of other industries only fill the places left.

        Searches go from broad to narrow, and only as far as needed: a search that returned all it was
        asked for may have cut off documents, but none scoring above its last hit. While that score could
        still make the top ``k``, the search is split into narrower ones (by type, then by the industry
        and "any industry" flags, as the store filters by equality only). Usually one search suffices.
        """
        types = PURPOSE_TYPES.get(query.purpose)
        if types is None:
            raise ValueError(f"unknown touch purpose {query.purpose!r}; known: {', '.join(PURPOSE_TYPES)}")
        if query.k <= 0:
            return []
        text = query.text.strip() or " ".join(filter(None, [query.purpose.replace("_", " "), query.industry]))
        fetch = min(MAX_FETCH, (query.k + len(query.exclude_document_ids)) * 3)
        industry = _slug(query.industry) if query.industry else None
        bonus = SERVICE_BONUS if query.services else 0.0

        best: dict[str, tuple[float, Hit]] = {}
        frontier: list[Where] = [{}] if len(types) > 1 else [{"type": str(types[0])}]
        while frontier:
            floors: list[tuple[Where, float]] = []
            for where in frontier:
                size = fetch if "type" in where else min(MAX_FETCH, fetch * len(types))
                hits = self._store.search(text, k=size, where=where)
                self._collect(hits, query, types, best)
                if len(hits) == size:
                    floors.append((where, hits[-1].score))
            kth = self._kth_score(best, industry, query.k)
            frontier = [
                narrower
                for where, floor in floors
                if floor + bonus > kth
                for narrower in self._narrower(where, types, industry)
            ]

        ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
        applies = [item for item in ranked if self._applies(item[1].chunk.document_id, industry)]
        others = [item for item in ranked if not self._applies(item[1].chunk.document_id, industry)]
        chosen = applies[: query.k] + others[: max(0, query.k - len(applies))]
        chosen.sort(key=lambda item: item[0], reverse=True)
        sources = [self._source(hit, score) for score, hit in chosen]
        logger.debug(
            "knowledge.retrieve.done",
            extra={"purpose": query.purpose, "industry": industry, "sources": [s.id for s in sources]},
        )
        return sources

    @staticmethod
    def _narrower(where: Where, types: Sequence[DocType], industry: str | None) -> list[Where]:
        if "type" not in where:
            return [{"type": str(t)} for t in types]
        if industry and len(where) == 1:
            return [{**where, f"ind_{industry}": True}, {**where, "all_industries": True}]
        return []

    def _kth_score(self, best: Mapping[str, tuple[float, Hit]], industry: str | None, k: int) -> float:
        scores = sorted((score for d, (score, _) in best.items() if self._applies(d, industry)), reverse=True)
        return scores[k - 1] if len(scores) >= k else float("-inf")

    def _collect(
        self,
        hits: Sequence[Hit],
        query: RetrievalQuery,
        types: Sequence[DocType],
        best: dict[str, tuple[float, Hit]],
    ) -> None:
        """Keep each usable document's best chunk in ``best``."""
        wanted_services = {_slug(s) for s in query.services}
        for hit in hits:
            document = self.documents.get(hit.chunk.document_id)
            if document is None or not self._usable(document, query, types):
                continue
            score = hit.score + (SERVICE_BONUS if wanted_services.intersection(document.services) else 0.0)
            if document.id not in best or score > best[document.id][0]:
                best[document.id] = (score, hit)

    def _applies(self, document_id: str, industry: str | None) -> bool:
        industries = self.documents[document_id].industries
        return industry is None or not industries or industry in industries

    @staticmethod
    def _usable(document: KnowledgeDocument, query: RetrievalQuery, types: Sequence[DocType]) -> bool:
        if document.id in query.exclude_document_ids or document.type not in types:
            return False
        expired = document.expires is not None and query.today is not None and document.expires < query.today
        return not (document.type is DocType.OFFER and expired)

    def _source(self, hit: Hit, score: float) -> Source:
        document = self.documents[hit.chunk.document_id]
        return Source(
            id=document.id,
            type=document.type,
            title=document.title,
            url=document.url,
            text=hit.chunk.text,
            score=score,
            customer=document.customer,
            figures=document.figures,
        )


def build_knowledge_base(settings: Settings, *, ingest_missing: bool = True) -> KnowledgeBase:
    """Load the knowledge folder and, unless told not to, bring the vector store up to date with it.

    Ingestion is idempotent and cheap when nothing changed, so every process may run it at start-up;
    ``ingest_missing=False`` is for processes that must not write to a shared store.
    """
    loaded = load_folder(settings.knowledge_dir)
    for error in loaded.errors:
        logger.warning("knowledge.load.error", extra={"error": str(error)})
    store: IngestTarget = build_vector_store(settings, build_embedder(settings))
    if ingest_missing:
        report = ingest(loaded.documents, store)
        for message in report.errors:
            logger.warning("knowledge.ingest.error", extra={"error": message})
    return KnowledgeBase(loaded.documents, store)
