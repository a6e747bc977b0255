"""The drafter interface, and the request every drafter answers: one typed snapshot of the situation.

The same ``DraftRequest`` goes to the LLM drafter, the composer, the guardrails (``guardrail_context``)
and the evals, so a draft can always be replayed from what was recorded about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from agent.domain import Channel, CompanyIdentity, DrafterKind, LeadContext, TouchPurpose
from agent.drafting.slots import call_slots
from agent.drafting.tone import ToneProfile, tone_for
from agent.guardrails import GuardrailContext, PriorMessage, Violation
from knowledge.types import Answer, OfferWindow, Source

if TYPE_CHECKING:
    from agent.guardrails.meaning import Meaning


@dataclass(frozen=True, slots=True)
class DraftRequest:
    lead: LeadContext
    purpose: TouchPurpose
    channel: Channel
    sources: tuple[Source, ...]
    identity: CompanyIdentity
    now: datetime
    previous: tuple[PriorMessage, ...] = ()  # what this lead already got, oldest first
    company_facts: tuple[str, ...] = ()  # the company's own facts: always true, always citable
    live_offer_ids: frozenset[str] = frozenset()  # offers among ``sources`` still valid today
    offers: tuple[OfferWindow, ...] = ()  # every offer with its validity: naming an expired one is caught
    signals: tuple[str, ...] = ()  # what the lead did that prompted this touch ("visited the pricing page")
    angle: str = ""  # what this touch is for, from the sequence step or the trigger
    tone: ToneProfile | None = None  # derived from the lead when not given
    instruction: str | None = None  # a rep's regenerate instruction ("shorter", "lead with the ROI guide")
    feedback: tuple[Violation, ...] = ()  # what the previous attempt broke, for a repair
    rejected_body: str | None = None  # the previous attempt's text, for a repair
    # Which of the composer's wordings: the pipeline asks for the next when one breaks a rule.
    variant: int = 0
    # The urgency check's reader of meaning (built once at the edges); not part of what is recorded.
    meaning: Meaning | None = field(default=None, compare=False, repr=False)
    # The lead's questions and the sentences answering them, found at the edge (knowledge/answers.py),
    # and the questions no source answers: a person will, so the touch goes to review.
    answers: tuple[Answer, ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def to_check(self) -> tuple[str, ...]:
        """The questions a person must answer or confirm before this touch goes out."""
        return (*self.unanswered, *(a.question for a in self.answers if not a.sure))

    @property
    def tone_profile(self) -> ToneProfile:
        return self.tone or tone_for(self.lead)

    @property
    def slots(self) -> tuple[str, str]:
        """Two concrete call times on the next business days, in the lead's own time zone."""
        return call_slots(self.now, self.lead.timezone)

    @property
    def previous_bodies(self) -> tuple[str, ...]:
        return tuple(message.body for message in self.previous)


def guardrail_context(request: DraftRequest) -> GuardrailContext:
    """What a draft for this request may draw on: the checks judge every drafter's text against it."""
    return GuardrailContext(
        lead=request.lead,
        sources=request.sources,
        company_facts=request.company_facts,
        identity=request.identity,
        allowed_phrases=request.slots,
        previous=request.previous,
        purpose=request.purpose.value,
        live_offer_ids=request.live_offer_ids,
        offers=request.offers,
        today=request.now.date(),
        max_reading_grade=request.tone_profile.max_reading_grade,
        meaning=request.meaning,
    )


@dataclass(frozen=True, slots=True)
class Usage:
    """What one model call cost: tokens as the API reported them, money if a price is configured."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    latency_ms: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        cost = (
            None
            if self.cost_usd is None and other.cost_usd is None
            else (self.cost_usd or 0.0) + (other.cost_usd or 0.0)
        )
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=cost,
            latency_ms=self.latency_ms + other.latency_ms,
        )


@dataclass(frozen=True, slots=True)
class Draft:
    subject: str | None
    body: str
    call_to_action: str
    source_ids: tuple[str, ...]
    drafter: DrafterKind
    label: str
    prompt_version: str
    model: str | None = None
    usage: Usage = field(default_factory=Usage)


class DraftingError(Exception):
    """A drafter could not produce a draft at all (timeout, API down, unreadable output)."""

    def __init__(self, message: str, *, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class Drafter(Protocol):
    @property
    def kind(self) -> DrafterKind: ...

    def draft(self, request: DraftRequest) -> Draft: ...
