"""The plain types of what a draft may cite, shared by the pure core and the knowledge base.

The composer, the guardrails and the policy reason about ``Source`` and ``RetrievalQuery`` without
loading a vector store or an embedding model, so this module imports the standard library only. The
knowledge base (``knowledge/retrieval.py``) implements ``Retriever``; the agent loop asks it for sources
through ``KnowledgeSource`` and never sees Chroma.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Protocol


class DocType(StrEnum):
    CASE_STUDY = "case_study"
    FAQ = "faq"
    OBJECTION = "objection"
    RESOURCE = "resource"
    OFFER = "offer"
    COMPANY_FACT = "company_fact"


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
        "personal_response": (DocType.FAQ, DocType.RESOURCE, DocType.CASE_STUDY, DocType.OBJECTION),
        # Not a touch: what a person searching the knowledge base means by "anything a draft may cite".
        "any": (DocType.CASE_STUDY, DocType.FAQ, DocType.OBJECTION, DocType.RESOURCE, DocType.OFFER),
    }
)

# A touch whose topic is fixed whatever the lead asked: the topic leads the query, then the lead's own
# words, or a pricing touch to a lead who asked about reminders cites the reminders FAQ, not the prices
# (measured: with it, recall@3 of the retrieval eval 0.911 -> 0.919, of the quality suite 0.800 -> 0.818).
PURPOSE_TOPICS: Final[Mapping[str, str]] = MappingProxyType(
    {"pricing": "How much does it cost? Prices, plans and what is included."}
)


@dataclass(frozen=True, slots=True)
class Source:
    id: str  # KnowledgeDocument.id
    type: DocType
    title: str
    url: str | None
    text: str  # the exact chunk text: drafts cite it, guardrails check claims against it
    score: float  # cosine similarity, plus a small bonus if the document covers one of the lead's services
    customer: str | None = None
    figures: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1 of the text, when the document says


@dataclass(frozen=True, slots=True)
class OfferWindow:
    """An offer and the days it may be named on: from ``starts`` (None: already) through ``expires``."""

    id: str
    title: str
    url: str | None = None
    starts: date | None = None
    expires: date | None = None

    def live_on(self, day: date) -> bool:
        return valid_on(day, self.starts, self.expires)


def valid_on(day: date, starts: date | None, expires: date | None) -> bool:
    """Whether ``day`` falls in a validity window whose both ends are included (None: open)."""
    return (starts is None or starts <= day) and (expires is None or day <= expires)


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    text: str  # the lead's need / what they asked, in their words
    purpose: str  # a key of PURPOSE_TYPES
    industry: str | None = None
    services: tuple[str, ...] = ()  # documents covering one of these win near-ties
    exclude_document_ids: frozenset[str] = frozenset()  # already sent to this lead: never again
    k: int = 3
    today: date | None = None  # when given, offers not valid on it (not started, expired) are dropped
    language: str | None = None  # documents in this language (their `language`) come first, when any fit

    @classmethod
    def for_lead(
        cls,
        *,
        need: str | None,
        inquiry: str | None,
        purpose: str,
        industry: str | None = None,
        services: Sequence[str] = (),
        already_sent: Iterable[str] = (),
        k: int = 3,
        today: date | None = None,
        language: str | None = None,
    ) -> RetrievalQuery:
        """The query for one touch to one lead: the touch's fixed topic if it has one (``PURPOSE_TOPICS``),
        their stated need, then their inquiry in their own words."""
        topic = PURPOSE_TOPICS.get(purpose)
        parts = (topic, need, inquiry)
        text = " ".join(part.strip() for part in parts if part and part.strip())
        return cls(
            text=text,
            purpose=purpose,
            industry=industry,
            services=tuple(services),
            exclude_document_ids=frozenset(already_sent),
            k=k,
            today=today,
            language=language,
        )


class Retriever(Protocol):
    def retrieve(self, query: RetrievalQuery) -> list[Source]: ...


class KnowledgeSource(Retriever, Protocol):
    """What the agent loop needs of the knowledge base: retrieval, the company's facts, its offers."""

    def company_facts(self) -> tuple[str, ...]: ...

    def offers(self) -> tuple[OfferWindow, ...]: ...


@dataclass(frozen=True, slots=True)
class Answer:
    """A lead's question and the knowledge base's sentences that answer it, found before drafting.

    The embedding work happens at the edge (``knowledge/answers.py``); drafters get this plain record.
    ``quoted`` is what a draft says: each sentence as it stands, or with its subject restored from the
    document's title when it leaned on it ("Ours is..." -> "Our warranty is..."). ``sure`` is False
    when the best sentence scored in the band where it may not answer: a person checks before it goes.
    """

    question: str
    document_id: str
    document_title: str
    sentences: tuple[str, ...]  # as they stand in the document, the best first
    quoted: tuple[str, ...]  # the same sentences, each able to stand alone
    score: float
    sure: bool = True
    language: str | None = None  # of the document the sentences come from


@dataclass(frozen=True, slots=True)
class Answers:
    """What the knowledge base says to each of the lead's questions, and the ones it cannot answer."""

    found: tuple[Answer, ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def to_check(self) -> tuple[str, ...]:
        """Questions a person must look at before the touch goes: unanswered, or answered unsurely."""
        return (*self.unanswered, *(a.question for a in self.found if not a.sure))
