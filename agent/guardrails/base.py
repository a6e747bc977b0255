"""The plain data every guardrail check reads and returns: a draft, what it may draw on, a violation.

Checks are pure functions ``(DraftText, GuardrailContext) -> list[Violation]``: no database, no clock
(``today`` is passed in), no model. The same checks run on an LLM draft, a composer draft, a rep's edit
and every case of the labelled guardrail eval, so a code means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from agent.domain import Channel, CompanyIdentity, LeadContext
from knowledge.types import OfferWindow

if TYPE_CHECKING:
    from agent.guardrails.meaning import Meaning


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a stable ``code`` (the eval scores by it), a message a rep can act on, a span."""

    code: str
    message: str
    start: int | None = None  # offsets into the body; None when the problem is not at one place
    end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DraftText:
    channel: Channel
    body: str
    subject: str | None = None


class SourceLike(Protocol):
    """What a check needs of a knowledge source (``knowledge.retrieval.Source`` fits)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def url(self) -> str | None: ...

    @property
    def text(self) -> str: ...

    @property
    def customer(self) -> str | None: ...

    @property
    def figures(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class PriorMessage:
    """A message this lead already received (or has queued): for repetition and the value-per-ask rule."""

    body: str
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class GuardrailContext:
    """Everything a draft may truthfully draw on, and what it must not repeat.

    Groundedness is judged against exactly this: the lead's own details and words, the sources handed
    to the drafter, the company's facts and identity, and phrases the system itself produced (the two
    call slots it offered). Anything else a draft states as fact is a claim nobody can stand behind.
    """

    lead: LeadContext | None = None
    sources: tuple[SourceLike, ...] = ()
    company_facts: tuple[str, ...] = ()
    identity: CompanyIdentity | None = None
    allowed_phrases: tuple[str, ...] = ()
    previous: tuple[PriorMessage, ...] = ()
    purpose: str | None = None
    live_offer_ids: frozenset[str] = frozenset()  # ids of sources that are offers valid ``today``
    offers: tuple[OfferWindow, ...] = ()  # every offer of the knowledge base, live or not
    other_leads: tuple[LeadContext, ...] = ()  # leads this draft must not be mixed up with
    today: date | None = None
    max_reading_grade: float = 10.0
    is_reply: bool = False  # a "Re:" subject is honest only when we really answer their message
    # Reads urgency in words no pattern foresaw (agent.guardrails.meaning); None: patterns only.
    meaning: Meaning | None = None


NO_CONTEXT = GuardrailContext()

Check = Callable[[DraftText, GuardrailContext], list[Violation]]
