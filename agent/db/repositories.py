"""Every query lives here: the rest of the code asks a repository, never builds SQL itself.

Repositories add and flush but never commit: the unit of work (an API request, a worker tick) owns the
transaction, so a failure anywhere rolls back everything that request wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from agent.db.models import ApiKey, Event, Handoff, Lead, ReviewAction, Suppression, Touch, User
from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    TouchPurpose,
    TouchRecord,
    TouchState,
)

ALL_CHANNELS = "all"
T = TypeVar("T")


def normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    data: list[T]
    count: int


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, lead_id: uuid.UUID) -> Lead | None:
        return self.session.get(Lead, lead_id)

    def find_by_contact(self, *, email: str | None, phone: str | None) -> Lead | None:
        if email:
            lead = self.session.scalar(select(Lead).where(Lead.email == normalise_email(email)))
            if lead is not None:
                return lead
        if phone:
            return self.session.scalar(select(Lead).where(Lead.phone == phone))
        return None

    def add(self, lead: Lead) -> Lead:
        self.session.add(lead)
        self.session.flush()
        return lead

    def delete(self, lead: Lead) -> None:
        self.session.delete(lead)
        self.session.flush()

    def page(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> Page[Lead]:
        query = select(Lead)
        if status is not None:
            query = query.where(Lead.status == status)
        count = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Lead.created_at.desc(), Lead.id).limit(limit).offset(offset)
        )
        return Page(list(rows), count)

    def wake(self, lead_id: uuid.UUID, now: datetime) -> None:
        """Ask the worker to look at this lead again now: a touch it was waiting on has settled."""
        self.session.execute(
            update(Lead)
            .where(Lead.id == lead_id, Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE]))
            .values(next_action_at=now)
            .execution_options(synchronize_session=False)
        )

    def due(self, now: datetime, *, limit: int = 100) -> list[Lead]:
        """Leads whose next action is due, for the worker's tick."""
        query = (
            select(Lead)
            .where(Lead.next_action_at.is_not(None), Lead.next_action_at <= now)
            .where(Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE]))
            .order_by(Lead.next_action_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_idempotency_key(self, key: str) -> Event | None:
        return self.session.scalar(select(Event).where(Event.idempotency_key == key))

    def add(self, event: Event) -> Event:
        self.session.add(event)
        self.session.flush()
        return event

    def for_lead(self, lead_id: uuid.UUID) -> list[Event]:
        query = select(Event).where(Event.lead_id == lead_id).order_by(Event.occurred_at, Event.recorded_at)
        return list(self.session.scalars(query))


class TouchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, touch_id: uuid.UUID) -> Touch | None:
        return self.session.get(Touch, touch_id)

    def add(self, touch: Touch) -> Touch:
        self.session.add(touch)
        self.session.flush()
        return touch

    def for_lead(self, lead_id: uuid.UUID) -> list[Touch]:
        query = select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.created_at, Touch.step)
        return list(self.session.scalars(query))

    def pending_review(self, *, limit: int = 50, offset: int = 0) -> Page[Touch]:
        query = select(Touch).where(Touch.state == TouchState.PENDING_REVIEW)
        count = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(Touch.created_at).limit(limit).offset(offset))
        return Page(list(rows), count)

    def sendable_ids(self, now: datetime, *, limit: int = 50) -> list[uuid.UUID]:
        query = (
            select(Touch.id)
            .where(Touch.state == TouchState.QUEUED)
            .where((Touch.send_after.is_(None)) | (Touch.send_after <= now))
            .order_by(Touch.created_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim(self, touch_id: uuid.UUID, now: datetime) -> bool:
        """Atomically move a queued touch to ``sending``; exactly one caller wins, on any database."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.QUEUED)
            .values(
                state=TouchState.SENDING,
                claimed_at=now,
                attempts=Touch.attempts + 1,
                updated_at=now,
                version=Touch.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def release_stale_claims(self, older_than: datetime, now: datetime) -> int:
        """Claims left by a crashed sender go back to the queue; channels are idempotent per touch."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .values(state=TouchState.QUEUED, updated_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))


class SuppressionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def suppressed_channels(self, *, email: str | None, phone: str | None) -> frozenset[Channel]:
        addresses = [address for address in (normalise_email(email), phone) if address]
        if not addresses:
            return frozenset()
        rows = self.session.execute(
            select(Suppression.channel, Suppression.address).where(Suppression.address.in_(addresses))
        ).all()
        channels: set[Channel] = set()
        for channel, address in rows:
            if channel == ALL_CHANNELS:
                return frozenset(Channel)
            if channel == Channel.EMAIL and address == normalise_email(email):
                channels.add(Channel.EMAIL)
            elif channel == Channel.SMS and address == phone:
                channels.update({Channel.SMS, Channel.PHONE})
        return frozenset(channels)

    def suppress(self, *, channel: str, address: str, reason: str, source: str | None, now: datetime) -> bool:
        """Idempotent: suppressing an address twice keeps the first record. Returns whether it was new."""
        if "@" in address:
            address = address.strip().lower()
        existing = self.session.scalar(
            select(Suppression).where(Suppression.channel == channel, Suppression.address == address)
        )
        if existing is not None:
            return False
        self.session.add(
            Suppression(channel=channel, address=address, reason=reason, source=source, created_at=now)
        )
        self.session.flush()
        return True


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        *,
        action: str,
        now: datetime,
        lead_id: uuid.UUID | None = None,
        touch_id: uuid.UUID | None = None,
        user_id: uuid.UUID | None = None,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> ReviewAction:
        entry = ReviewAction(
            action=action,
            lead_id=lead_id,
            touch_id=touch_id,
            user_id=user_id,
            reason=reason,
            details=details or {},
            created_at=now,
        )
        self.session.add(entry)
        self.session.flush()
        return entry

    def for_lead(self, lead_id: uuid.UUID) -> list[ReviewAction]:
        query = select(ReviewAction).where(ReviewAction.lead_id == lead_id).order_by(ReviewAction.created_at)
        return list(self.session.scalars(query))


class HandoffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_lead(self, lead_id: uuid.UUID) -> list[Handoff]:
        return list(self.session.scalars(select(Handoff).where(Handoff.lead_id == lead_id)))


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == normalise_email(email)))

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def user_for_key_hash(self, key_hash: str) -> tuple[User, ApiKey] | None:
        row = self.session.execute(
            select(User, ApiKey)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None), User.active.is_(True))
        ).first()
        return (row[0], row[1]) if row is not None else None

    def has_keys(self, user_id: uuid.UUID) -> bool:
        return self.session.scalar(select(ApiKey.id).where(ApiKey.user_id == user_id).limit(1)) is not None

    def add_key(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        self.session.flush()
        return key


def delete_lead_data(session: Session, lead_id: uuid.UUID) -> None:
    """Erase a lead and everything about them (suppressions stay: they protect the address)."""
    session.execute(delete(Event).where(Event.lead_id == lead_id))
    session.execute(delete(Touch).where(Touch.lead_id == lead_id))
    session.execute(delete(Handoff).where(Handoff.lead_id == lead_id))
    session.execute(delete(Lead).where(Lead.id == lead_id))


def lead_context(lead: Lead, *, inquiry_text: str | None = None) -> LeadContext:
    return LeadContext(
        id=str(lead.id),
        first_name=lead.first_name,
        last_name=lead.last_name,
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
        role=lead.role,
        industry=lead.industry,
        source=lead.source,
        need=lead.need,
        deal_value=lead.deal_value,
        timezone=lead.timezone,
        consent_email=lead.consent_email,
        consent_sms=lead.consent_sms,
        status=LeadStatus(lead.status),
        inquiry_text=inquiry_text,
        created_at=lead.created_at,
    )


def load_snapshot(session: Session, lead: Lead) -> LeadSnapshot:
    """The collect step of the agent loop: one typed, immutable view of a lead for the pure core."""
    events = EventRepository(session).for_lead(lead.id)
    touches = TouchRepository(session).for_lead(lead.id)
    inquiries = [event for event in events if event.type == EventType.INQUIRY]
    inquiry_text = str(inquiries[-1].payload.get("message") or "") if inquiries else None
    suppressed = SuppressionRepository(session).suppressed_channels(email=lead.email, phone=lead.phone)
    return LeadSnapshot(
        lead=lead_context(lead, inquiry_text=inquiry_text or None),
        events=tuple(_event_record(event) for event in events),
        touches=tuple(_touch_record(touch) for touch in touches),
        suppressed_channels=suppressed,
    )


def _event_record(event: Event) -> EventRecord:
    return EventRecord(
        type=EventType(event.type),
        channel=Channel(event.channel) if event.channel else None,
        occurred_at=event.occurred_at,
        payload=dict(event.payload),
    )


def _touch_record(touch: Touch) -> TouchRecord:
    return TouchRecord(
        purpose=TouchPurpose(touch.purpose),
        channel=Channel(touch.channel),
        state=TouchState(touch.state),
        step=touch.step,
        created_at=touch.created_at,
        sent_at=touch.sent_at,
        body=touch.body,
        source_ids=tuple(str(source["id"]) for source in touch.sources),
    )


def touches_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Touch]:
    return list(session.scalars(select(Touch).where(Touch.id.in_(ids))))
