"""The domain as plain data: what the pure core (policy, scoring, composer, guardrails) reasons about.

Nothing here touches the database, the clock or the network. The persistence layer turns rows into
these snapshots; the core returns decisions as these values; the edges carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    LINKEDIN = "linkedin"


class EventType(StrEnum):
    INQUIRY = "inquiry"
    EMAIL_SENT = "email_sent"
    SMS_SENT = "sms_sent"
    DELIVERED = "delivered"
    OPEN = "open"
    CLICK = "click"
    PAGE_VISIT = "page_visit"
    DOWNLOAD = "download"
    REPLY = "reply"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    MEETING_BOOKED = "meeting_booked"
    NOTE = "note"


class LeadStatus(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    PAUSED = "paused"
    HANDED_OFF = "handed_off"
    CONVERTED = "converted"
    CLOSED = "closed"
    UNSUBSCRIBED = "unsubscribed"


class TouchPurpose(StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"
    VALUE_ADD = "value_add"
    SOCIAL_PROOF = "social_proof"
    FAQ = "faq"
    OBJECTION = "objection"
    PRICING = "pricing"
    CHECK_IN = "check_in"
    BREAKUP = "breakup"
    RE_ENGAGEMENT = "re_engagement"
    NURTURE = "nurture"
    POST_MEETING = "post_meeting"


class TouchState(StrEnum):
    """A touch's life: drafted for review or queued for sending, then sent, failed or discarded."""

    PENDING_REVIEW = "pending_review"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class DrafterKind(StrEnum):
    COMPOSER = "composer"
    LLM = "llm"


class UserRole(StrEnum):
    REP = "rep"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class LeadContext:
    """Who the lead is and what they asked for: the input to every decision and draft."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    company: str | None
    role: str | None
    industry: str | None
    source: str | None
    need: str | None
    deal_value: Decimal | None
    timezone: str
    consent_email: bool
    consent_sms: bool
    status: LeadStatus
    inquiry_text: str | None = None
    created_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or (self.email or "")


@dataclass(frozen=True, slots=True)
class EventRecord:
    type: EventType
    channel: Channel | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TouchRecord:
    purpose: TouchPurpose
    channel: Channel
    state: TouchState
    step: int
    created_at: datetime
    sent_at: datetime | None
    body: str
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LeadSnapshot:
    """Everything the policy may look at for one lead, collected once from the store."""

    lead: LeadContext
    events: tuple[EventRecord, ...]
    touches: tuple[TouchRecord, ...]
    suppressed_channels: frozenset[Channel] = frozenset()

    @property
    def sent_source_ids(self) -> frozenset[str]:
        return frozenset(
            source_id
            for touch in self.touches
            if touch.state is TouchState.SENT
            for source_id in touch.source_ids
        )


@dataclass(frozen=True, slots=True)
class CompanyIdentity:
    name: str
    sender_name: str
    sender_email: str
    postal_address: str
    reply_to: str | None = None
