"""SQLAlchemy 2 typed models: the same code on SQLite and PostgreSQL.

Relationships load with ``lazy="raise"`` so that every query is explicit and lives in a repository;
a forgotten eager load fails in tests instead of firing N queries per lead in production.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from agent import fields

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on SQLite (which stores naive) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        Decimal: Numeric(14, 2),
    }


def new_id() -> uuid.UUID:
    return uuid.uuid4()


_ordered_lock = threading.Lock()
_ordered_last = (0, 0)  # (milliseconds, counter) of the last ordered id this process made


def ordered_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562, method 3) that only grows within a process.

    One request often records two audit actions at the same ``now`` (a fake clock gives every action the
    same instant): ordering by time alone then shows them in any order. The id breaks the tie in the order
    the rows were written: its first 48 bits are the wall-clock millisecond and the next 74 a counter that
    starts at random each millisecond and steps by one within it.
    """
    global _ordered_last
    with _ordered_lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_counter = _ordered_last
        if millis <= last_millis:
            millis, counter = last_millis, last_counter + 1
        else:
            counter = secrets.randbits(73)  # half the range, so a busy millisecond cannot overflow it
        _ordered_last = (millis, counter)
    value = (
        (millis << 80) | (0x7 << 76) | ((counter >> 62) << 64) | (0b10 << 62) | (counter & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(fields.EMAIL), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="rep")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class ApiKey(Base):
    """Only a hash of the key is stored; the key itself is shown once, when it is created."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # Lengths from agent/fields.py, which the API validates with too.
    email: Mapped[str | None] = mapped_column(String(fields.EMAIL), unique=True)
    phone: Mapped[str | None] = mapped_column(String(fields.PHONE), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(fields.PERSON_NAME))
    last_name: Mapped[str | None] = mapped_column(String(fields.PERSON_NAME))
    company: Mapped[str | None] = mapped_column(String(fields.COMPANY))
    role: Mapped[str | None] = mapped_column(String(fields.ROLE))
    industry: Mapped[str | None] = mapped_column(String(fields.SLUG))
    source: Mapped[str | None] = mapped_column(String(fields.SLUG))
    need: Mapped[str | None] = mapped_column(Text)
    deal_value: Mapped[Decimal | None]
    timezone: Mapped[str] = mapped_column(String(fields.TIMEZONE), default="UTC")
    language: Mapped[str | None] = mapped_column(String(8))  # ISO 639-1: what they write in, drafts follow
    consent_email: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by the lead on the preference page (agent/domain.py ContactFrequency; a Channel or none).
    contact_frequency: Mapped[str] = mapped_column(String(20), default="normal")
    preferred_channel: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    sequence: Mapped[str] = mapped_column(String(fields.SLUG), default="new_lead")
    next_action_at: Mapped[datetime | None] = mapped_column(index=True)
    # The agent loop's bookkeeping (agent/loop.py, agent/policy.py, agent/worker.py).
    sequence_started_at: Mapped[datetime | None]  # day 0 of the current sequence
    sequence_step_base: Mapped[int] = mapped_column(Integer, default=0)  # its first step's number
    paused_until: Mapped[datetime | None]  # a rep's snooze
    engagement_score: Mapped[float] = mapped_column(Float, default=0.0)
    score_breakdown: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decision_key: Mapped[str | None] = mapped_column(String(64))  # the last decision recorded
    lease_owner: Mapped[str | None] = mapped_column(String(80))  # the worker stepping this lead now
    lease_expires_at: Mapped[datetime | None]  # when another worker may take it over
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy declares it)


class Event(Base):
    """An engagement event; ``idempotency_key`` makes a retried delivery land once."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    idempotency_key: Mapped[str | None] = mapped_column(String(fields.IDEMPOTENCY_KEY), unique=True)
    reading: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a reply's classification (ReplyReading)

    __table_args__ = (Index("ix_events_lead_occurred", "lead_id", "occurred_at"),)


class Touch(Base):
    """One drafted or sent message, with everything that produced it (for review, replay and evals).

    A touch in state ``queued`` is the outbox: it is committed before any channel sees it.
    """

    __tablename__ = "touches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[str] = mapped_column(String(fields.SLUG))
    step: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(fields.SUBJECT))
    body: Mapped[str] = mapped_column(Text)
    call_to_action: Mapped[str | None] = mapped_column(Text)
    drafter: Mapped[str] = mapped_column(String(20))
    drafter_label: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(120))
    prompt_version: Mapped[str] = mapped_column(String(60))
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    guardrails: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # How the text came to be: every drafting attempt, why the composer took over, tokens and cost.
    drafting: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decision_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    auto_send: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    send_after: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    # Committed just before the channel's point of no return: a crash after it leaves the outcome
    # in doubt, so the outbox asks the channel instead of sending again (agent/outbox.py).
    handed_over_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    superseded_reason: Mapped[str | None] = mapped_column(String(300))  # why it went out of date unsent

    # One live touch per step: a second worker drafting the same step fails instead of sending twice;
    # a superseded draft (out of date) makes way for its replacement.
    __table_args__ = (
        Index(
            "uq_touches_lead_sequence_step",
            "lead_id",
            "sequence",
            "step",
            unique=True,
            postgresql_where=text("state <> 'superseded'"),
            sqlite_where=text("state <> 'superseded'"),
        ),
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy declares it)


class ReviewAction(Base):
    """The audit trail: who did what to which lead or draft, with the before and after."""

    __tablename__ = "review_actions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=ordered_id)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    touch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("touches.id", ondelete="SET NULL"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    brief: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="open")
    due_by: Mapped[datetime]
    claimed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # The review page's (agent/services/handoffs.py): when a rep took it, and when the lead first heard from a
    # person (a reply logged from outside the tool), which response-time compliance is measured on.
    claimed_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]

    @property
    def closed_reason(self) -> str | None:
        """Why it was closed, when something other than a rep's own hand closed it (the lead opted out):
        kept in the brief, see ``agent.db.repositories.handoffs.CLOSED_REASON``."""
        reason = (self.brief or {}).get("closed_reason")
        return str(reason) if reason else None


class Task(Base):
    """A phone or LinkedIn touch, turned into work for the lead's owner (or any rep if none)."""

    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    touch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("touches.id", ondelete="CASCADE"), unique=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(fields.TASK_TITLE))
    talking_points: Mapped[list[str]] = mapped_column(JSON, default=list)
    script: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(Text)


class Decision(Base):
    """What the loop decided for a lead and the rules that decided it: the lead's timeline shows these."""

    __tablename__ = "decisions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(20))  # wait | draft_touch | hand_off | stop
    summary: Mapped[str] = mapped_column(Text)
    rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    touch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("touches.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime]

    __table_args__ = (Index("ix_decisions_lead_decided", "lead_id", "decided_at"),)


class Suppression(Base):
    """Do-not-contact, by address and channel ("all" blocks every channel); checked before every send."""

    __tablename__ = "suppressions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(fields.EMAIL))
    reason: Mapped[str] = mapped_column(String(60))
    source: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("channel", "address", name="uq_suppressions_channel_address"),)


class WebSession(Base):
    """A rep's login on the review page: the cookie holds a random token, this row only its SHA-256."""

    __tablename__ = "web_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class SignInThrottle(Base):
    """The failed sign-ins of one account or one client address, and the lockout they earned
    (``agent/services/sign_in.py``). ``key`` is ``account:<email>`` or ``address:<ip>``."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(index=True)
    locked_until: Mapped[datetime | None]


class Notification(Base):
    """One notification of a handoff (new, or its response-time target breached) on one channel.

    Unique per (kind, handoff, channel): whichever process notices first inserts the row and sends;
    the others find it and do nothing, so nobody is told twice (agent/notify.py).
    """

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(30))  # handoff.new | handoff.breached
    channel: Mapped[str] = mapped_column(String(20))  # webhook | email
    handoff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    lead_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str | None] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(20), index=True)  # sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("kind", "handoff_id", "channel", name="uq_notifications_kind_handoff_channel"),
    )
