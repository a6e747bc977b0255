"""Request and response schemas, by direction: what a client may send is not what it gets back."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Query
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from agent import fields
from agent.domain import Channel, EventType, LeadStatus
from agent.drafting.language import ISO_639_1
from agent.services.decide import Foresight
from agent.services.leads import History

T = TypeVar("T")
MAX_OFFSET = 1_000_000


def _storable(value: str) -> str:
    problem = fields.unstorable(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _one_line(value: str) -> str:
    problem = fields.not_one_line(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# Every string a client sends is checked for what no database can store (``Strict`` does it for every
# field of a body, nested payloads included; ``Storable`` is the same check for a query or form field).
Storable = Annotated[str, AfterValidator(_storable)]


# One line of text (it may end up in an email header).
OneLine = AfterValidator(_one_line)


# Lengths are the columns' (agent/fields.py): what the API accepts the database stores.
Email = Annotated[EmailStr, StringConstraints(max_length=fields.EMAIL)]
# A phone number as a person types it ("(713) 555-0142", "713.555.0142", "+1 713 555 0142"): the routes
# read it in TOUCHPOINT_PHONE_REGION and store it in E.164 (api/phones.py), rather than refuse the lead.
WrittenPhone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=fields.PHONE), OneLine
]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=fields.PERSON_NAME), OneLine
]
Company = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=fields.COMPANY), OneLine
]
Role = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=fields.ROLE), OneLine]
Slug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=fields.SLUG,
        pattern=rf"^[a-z0-9_]{{1,{fields.SLUG}}}$",
    ),
]
TimeZone = Annotated[str, StringConstraints(max_length=fields.TIMEZONE)]
Subject = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=fields.SUBJECT), OneLine
]
ClientKey = Annotated[str, StringConstraints(min_length=1, max_length=fields.CLIENT_IDEMPOTENCY_KEY)]
Offset = Annotated[
    int,
    Query(
        ge=0,
        le=MAX_OFFSET,
        description=f"How many to skip (at most {MAX_OFFSET:,}; narrow the list with a filter instead)",
    ),
]


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("use an IANA time zone name such as America/New_York") from None
    return value


class Strict(BaseModel):
    """What a client sends: unknown fields refused, and no string anywhere in it (a nested payload
    included) that the database cannot store; the refusal names the field."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _storable_everywhere(cls, value: Any) -> Any:
        problem = fields.unstorable_within(value)
        if problem is not None:
            raise ValueError(problem)
        return value


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    count: int


class InquiryIn(Strict):
    """A new inquiry from a web form (or a form relay). Email or phone is required to answer it."""

    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    email: Email | None = None
    phone: WrittenPhone | None = Field(
        default=None,
        description="As the lead wrote it: E.164 (+15035550123), or a national number of "
        "TOUCHPOINT_PHONE_REGION ((503) 555-0123); stored in E.164",
    )
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company: Company | None = None
    role: Role | None = None
    industry: Slug | None = None
    need: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    source: Slug = "web_form"
    timezone: TimeZone | None = None
    deal_value: Decimal | None = Field(default=None, ge=0, le=Decimal("1e10"))
    consent_email: bool | None = Field(
        default=None,
        description="May we email the lead? Default: yes when they wrote by email or a web form (to answer "
        "them), no for an inquiry by text (source `sms`). `false` is honoured everywhere, acknowledgment "
        "included.",
    )
    consent_sms: bool | None = Field(
        default=None,
        description="May we text the lead? Only when given: default no for a new lead, and an existing "
        "lead's consent unchanged. `false` withdraws it.",
    )
    idempotency_key: ClientKey | None = None
    language: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=8)] | None = (
        Field(
            default=None,
            description="The language the lead wants to be written to in, ISO 639-1 (e.g. `es`). Without it, "
            "the language they ask for in the message, or the one it is written in, when sure.",
            examples=["es"],
        )
    )

    _tz = field_validator("timezone")(_check_timezone)

    @field_validator("language")
    @classmethod
    def _iso_639_1(cls, value: str | None) -> str | None:
        if value is not None and value not in ISO_639_1:
            raise ValueError(
                f"`language` must be a two-letter ISO 639-1 code such as en or es (got {value!r})"
            )
        return value

    @model_validator(mode="after")
    def _reachable(self) -> InquiryIn:
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number so the inquiry can be answered")
        return self


class InquiryAccepted(BaseModel):
    lead_id: uuid.UUID
    event_id: uuid.UUID
    touch_id: uuid.UUID | None
    acknowledgment: Literal["queued", "pending_review", "none"]
    lead_created: bool
    replayed: bool


class LeadCreate(Strict):
    email: Email | None = None
    phone: WrittenPhone | None = Field(default=None, description="E.164, or as written: stored in E.164")
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company: Company | None = None
    role: Role | None = None
    industry: Slug | None = None
    source: Slug | None = None
    need: Annotated[str, StringConstraints(max_length=500)] | None = None
    deal_value: Decimal | None = Field(default=None, ge=0, le=Decimal("1e10"))
    timezone: TimeZone | None = Field(
        default=None,
        description="IANA name; default TOUCHPOINT_DEFAULT_TIMEZONE, else the company profile's time zone",
    )
    consent_email: bool = True
    consent_sms: bool = False

    _tz = field_validator("timezone")(_check_timezone)

    @model_validator(mode="after")
    def _reachable(self) -> LeadCreate:
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number")
        return self


class LeadUpdate(Strict):
    """PATCH: only the fields sent are changed (``exclude_unset``)."""

    email: Email | None = None
    phone: WrittenPhone | None = Field(default=None, description="E.164, or as written: stored in E.164")
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    company: Company | None = None
    role: Role | None = None
    industry: Slug | None = None
    need: Annotated[str, StringConstraints(max_length=500)] | None = None
    deal_value: Decimal | None = Field(default=None, ge=0, le=Decimal("1e10"))
    timezone: TimeZone | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    status: LeadStatus | None = None

    _tz = field_validator("timezone")(_check_timezone)


class LeadPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str | None
    phone: str | None
    first_name: str | None
    last_name: str | None
    company: str | None
    role: str | None
    industry: str | None
    source: str | None
    need: str | None
    deal_value: Decimal | None
    timezone: str
    consent_email: bool
    consent_sms: bool
    status: str
    sequence: str
    next_action_at: datetime | None
    paused_until: datetime | None
    engagement_score: float
    created_at: datetime
    updated_at: datetime


class EventIn(Strict):
    type: EventType
    channel: Channel | None = None
    occurred_at: datetime | None = Field(default=None, description="Default: when it was received")
    payload: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: ClientKey | None = None

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-11-23T10:00:00Z")
        return value


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    lead_id: uuid.UUID
    type: str
    channel: str | None
    payload: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime


class TouchPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    lead_id: uuid.UUID
    sequence: str
    step: int
    purpose: str
    channel: str
    subject: str | None
    body: str
    call_to_action: str | None
    drafter: str
    drafter_label: str | None
    model: str | None
    prompt_version: str
    sources: list[dict[str, Any]]
    guardrails: list[dict[str, Any]]
    decision_rules: list[str]
    state: str
    auto_send: bool
    created_at: datetime
    sent_at: datetime | None
    version: int
    superseded_reason: str | None = None


class TimelineItem(BaseModel):
    at: datetime
    kind: Literal["event", "touch", "action", "decision"]
    summary: str
    id: uuid.UUID
    rules: list[str] = Field(default_factory=list, description="For a decision: the rules that decided it")


class HandoffPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reason: str
    summary: str
    brief: dict[str, Any] = Field(description="Why now, what they did and said, what was sent, next step")
    status: str
    due_by: datetime
    created_at: datetime
    closed_at: datetime | None
    closed_reason: str | None = Field(
        default=None, description="Why it closed without a rep, e.g. the lead unsubscribed: do not reply"
    )
    claimed_by: uuid.UUID | None


class LeadDetail(LeadPublic):
    score_breakdown: dict[str, Any] = Field(description="The engagement score: what counted, what not")
    timeline: list[TimelineItem]
    touches: list[TouchPublic]
    handoffs: list[HandoffPublic]

    @classmethod
    def of(cls, history: History) -> LeadDetail:
        lead = history.lead
        return cls(
            **LeadPublic.model_validate(lead).model_dump(),
            score_breakdown=lead.score_breakdown,
            timeline=[
                TimelineItem(at=e.at, kind=e.kind, summary=e.summary, id=e.id, rules=list(e.rules))
                for e in history.timeline()
            ],
            touches=[TouchPublic.model_validate(t) for t in history.touches],
            handoffs=[HandoffPublic.model_validate(h) for h in history.handoffs],
        )


class PauseIn(Strict):
    """Pause automation for a lead; with ``until``, a snooze that ends by itself."""

    until: datetime | None = Field(default=None, description="Resume by itself then (with a time zone)")
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None

    @field_validator("until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-12-01T09:00:00Z")
        return value


class ResumeIn(Strict):
    note: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


class CloseIn(Strict):
    """Close a lead: nothing more is sent to it; the reason is kept in the audit trail."""

    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        description="Why: 'a vendor's pitch, not a lead', 'a duplicate', 'bought elsewhere'"
    )


class QueueItem(BaseModel):
    touch: TouchPublic
    lead: LeadPublic


class ReviewIn(Strict):
    version: int = Field(description="The draft's version you reviewed; a stale one gets 409")


class EditIn(ReviewIn):
    subject: Subject | None = None
    body: Annotated[str, StringConstraints(min_length=1, max_length=10000)]


class RejectIn(ReviewIn):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=1000)]


class DraftPreviewPublic(BaseModel):
    subject: str | None
    body: str
    call_to_action: str
    drafter: str
    sources: list[str] = Field(description="Knowledge documents the draft cites")
    violations: list[dict[str, Any]] = Field(description="What the guardrails found; empty when clean")
    route: Literal["queued", "pending_review"] = Field(
        description="queued: it would go by itself; pending_review: a rep would see it first"
    )


class NextActionPublic(BaseModel):
    """What the agent would do for the lead at ``at``; nothing was written to find out."""

    lead_id: uuid.UUID
    at: datetime
    action: Literal["wait", "draft_touch", "hand_off", "stop"]
    summary: str
    rules: list[str] = Field(description="The rule ids that made the decision")
    when: datetime | None = Field(description="When it happens; for a wait, when it ends (null: an event)")
    purpose: str | None
    channel: str | None
    reason: str | None = Field(description="A handoff's or a stop's reason")
    details: dict[str, Any]
    draft: DraftPreviewPublic | None = Field(description="The draft it would write, for a draft_touch")

    @classmethod
    def of(cls, foresight: Foresight) -> NextActionPublic:
        return cls.model_validate(foresight.as_dict())
