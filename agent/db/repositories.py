"""Every query lives here: the rest of the code asks a repository, never builds SQL itself.

Repositories add and flush but never commit: the unit of work (an API request, a worker tick) owns the
transaction, so a failure anywhere rolls back everything that request wrote.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from agent.db.models import (
    ApiKey,
    Decision,
    Event,
    Handoff,
    Lead,
    ReviewAction,
    Suppression,
    Task,
    Touch,
    User,
)
from agent.domain import (
    Channel,
    ContactFrequency,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyReading,
    TouchPurpose,
    TouchRecord,
    TouchState,
)

ALL_CHANNELS = "all"
# Suppression reasons that say the address is dead, not that its owner opted out.
DEAD_ADDRESS_REASONS = frozenset({"hard_bounce", "bounce_reply", "permanent_failure"})
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
        """Leads whose next action is due (a snoozed lead when its snooze ends), oldest first."""
        query = select(Lead).where(*_due(now)).order_by(Lead.next_action_at).limit(limit)
        return list(self.session.scalars(query))

    def claim_due(self, now: datetime, *, owner: str, lease_until: datetime, limit: int) -> list[uuid.UUID]:
        """Lease up to ``limit`` due leads to ``owner``, atomically; returns their ids.

        On PostgreSQL the rows are picked ``FOR UPDATE SKIP LOCKED``, so workers claiming at the same
        moment take different leads without waiting for each other. SQLite has one writer at a time
        (``BEGIN IMMEDIATE``), which makes the same statement atomic there. A lease another worker holds
        is skipped until it expires: a worker that died gives its leads back after ``lease_until``.
        """
        free = or_(Lead.lease_expires_at.is_(None), Lead.lease_expires_at <= now)
        picked = (
            select(Lead.id)
            .where(*_due(now), free)
            .order_by(Lead.next_action_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = self.session.execute(
            update(Lead)
            .where(Lead.id.in_(picked.scalar_subquery()))
            .values(lease_owner=owner, lease_expires_at=lease_until)
            .returning(Lead.id)
            .execution_options(synchronize_session=False)
        )
        return list(result.scalars())

    def lock(self, lead_id: uuid.UUID) -> Lead | None:
        """The lead, re-read and locked for this transaction (``FOR UPDATE``; SQLite: the write lock)."""
        query = (
            select(Lead).where(Lead.id == lead_id).with_for_update().execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def lock_many(self, lead_ids: Sequence[uuid.UUID]) -> list[Lead]:
        """Several leads locked at once, in id order so two lockers never wait on each other in a circle."""
        query = (
            select(Lead)
            .where(Lead.id.in_(list(lead_ids)))
            .order_by(Lead.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query))

    def release(self, lead_id: uuid.UUID, *, owner: str, retry_at: datetime | None = None) -> None:
        """Give a lease back (after a failed step: try again at ``retry_at`` rather than at once)."""
        values: dict[str, Any] = {"lease_owner": None, "lease_expires_at": None}
        if retry_at is not None:
            values["next_action_at"] = retry_at
        self.session.execute(
            update(Lead)
            .where(Lead.id == lead_id, Lead.lease_owner == owner)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def settle(self, rows: list[dict[str, Any]]) -> None:
        """Write many leads' new values in one executemany, by id: the worker's fast path, for leads it
        holds locked (so no one can have changed them since they were read; the version still counts up).

        Each row: ``id`` and the same value keys (``next_action_at``, ``engagement_score``...).
        """
        if not rows:
            return
        table = cast(Table, Lead.__table__)
        values: dict[str, Any] = {key: bindparam(f"new_{key}") for key in rows[0] if key != "id"}
        statement = (
            update(table)
            .where(table.c.id == bindparam("lead_id"))
            .values(**values, version=table.c.version + 1)
        )
        params = [
            {"lead_id": row["id"], **{f"new_{k}": v for k, v in row.items() if k != "id"}} for row in rows
        ]
        self.session.connection().execute(statement, params)

    def count_due(self, now: datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(Lead).where(*_due(now))) or 0


def _due(now: datetime) -> tuple[Any, ...]:
    """A lead is due when its next action time has come and automation may act on it."""
    return (
        Lead.next_action_at.is_not(None),
        Lead.next_action_at <= now,
        Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE, LeadStatus.PAUSED]),
    )


class EventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_idempotency_key(self, key: str) -> Event | None:
        return self.session.scalar(select(Event).where(Event.idempotency_key == key))

    def add(self, event: Event) -> Event:
        self.session.add(event)
        self.session.flush()
        return event

    def get(self, event_id: uuid.UUID) -> Event | None:
        return self.session.get(Event, event_id)

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

    def held_and_due(self, now: datetime, *, limit: int) -> list[Touch]:
        """Queued touches whose time has come that were decided earlier (by a step before this drain, an
        approval at night, a retry): the lead's hours may have closed or a cap filled since."""
        query = (
            select(Touch)
            .where(Touch.state == TouchState.QUEUED, Touch.send_after.is_not(None), Touch.send_after <= now)
            .order_by(Touch.send_after)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def unsent(self, lead_id: uuid.UUID) -> list[Touch]:
        """The lead's drafts nobody has started sending: waiting for review, or queued."""
        query = select(Touch).where(
            Touch.lead_id == lead_id, Touch.state.in_([TouchState.PENDING_REVIEW, TouchState.QUEUED])
        )
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
        """Atomically move a queued touch to ``sending``; exactly one caller wins, on any database.

        A touch held back until ``send_after`` (the lead's quiet hours, a cap, a retry's backoff) is not
        claimed before then, whoever asks: the worker's drain, or the send right after an approval.
        """
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.QUEUED)
            .where(or_(Touch.send_after.is_(None), Touch.send_after <= now))
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
        """Claims left by a crashed sender before it handed the message over go back to the queue.

        A claim past its hand-over is left alone: whether it was sent is for the channel to say
        (``stale_handed_over_ids`` and ``reclaim``), never guessed by sending again.
        """
        result = self.session.execute(
            update(Touch)
            .where(Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .where(Touch.handed_over_at.is_(None))
            .values(state=TouchState.QUEUED, updated_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    def mark_handed_over(self, touch_id: uuid.UUID, attempt: int, now: datetime) -> bool:
        """Record the hand-over, only for the claim that ``attempt`` names (a fencing token)."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.SENDING, Touch.attempts == attempt)
            .where(Touch.handed_over_at.is_(None))
            .values(handed_over_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def stale_handed_over_ids(self, older_than: datetime, *, limit: int = 50) -> list[uuid.UUID]:
        query = (
            select(Touch.id)
            .where(Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .where(Touch.handed_over_at.is_not(None))
            .order_by(Touch.claimed_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def reclaim(self, touch_id: uuid.UUID, older_than: datetime, now: datetime) -> bool:
        """Take over a stale claim to settle it; exactly one of several workers wins, as with ``claim``."""
        result = self.session.execute(
            update(Touch)
            .where(Touch.id == touch_id, Touch.state == TouchState.SENDING, Touch.claimed_at < older_than)
            .values(claimed_at=now, updated_at=now, version=Touch.version + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def latest_by_message_ids(self, message_ids: Sequence[str]) -> Touch | None:
        """The most recent of our messages among ``message_ids`` (an inbound In-Reply-To/References)."""
        if not message_ids:
            return None
        query = (
            select(Touch)
            .where(Touch.message_id.in_(list(message_ids)))
            .order_by(Touch.sent_at.desc().nulls_last(), Touch.created_at.desc())
            .limit(1)
        )
        return self.session.scalar(query)

    def by_provider_message_id(self, provider_message_id: str) -> Touch | None:
        query = select(Touch).where(Touch.provider_message_id == provider_message_id).limit(1)
        return self.session.scalar(query)


class SuppressionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def suppressed_channels(self, *, email: str | None, phone: str | None) -> frozenset[Channel]:
        addresses = [address for address in (normalise_email(email), phone) if address]
        if not addresses:
            return frozenset()
        return _suppressed(self.by_address(addresses), email=email, phone=phone)[0]

    def by_address(self, addresses: Iterable[str]) -> dict[str, dict[str, str]]:
        """The suppressed channels of each of ``addresses``, with each one's reason (only those with any)."""
        found: dict[str, dict[str, str]] = {}
        for chunk in _chunks(list(addresses)):
            rows = self.session.execute(
                select(Suppression.address, Suppression.channel, Suppression.reason).where(
                    _among(Suppression.address, chunk)
                )
            )
            for address, channel, reason in rows:
                found.setdefault(address, {})[channel] = reason
        return found

    def lift(self, *, channel: str, address: str) -> bool:
        """Remove one channel's suppression of an address (an SMS START); "all" is never lifted here."""
        result = self.session.execute(
            delete(Suppression)
            .where(Suppression.channel == channel, Suppression.address == address)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

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


class TaskRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, task_id: uuid.UUID) -> Task | None:
        return self.session.get(Task, task_id)

    def by_touch(self, touch_id: uuid.UUID) -> Task | None:
        return self.session.scalar(select(Task).where(Task.touch_id == touch_id))

    def add(self, task: Task) -> Task:
        self.session.add(task)
        self.session.flush()
        return task

    def page(
        self,
        *,
        owner_id: uuid.UUID | None = None,
        include_unassigned: bool = True,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Task]:
        """Tasks, oldest due first; for one owner, theirs plus (by default) those nobody owns."""
        query = select(Task)
        if owner_id is not None:
            mine = Task.owner_id == owner_id
            query = query.where(mine | Task.owner_id.is_(None) if include_unassigned else mine)
        if status is not None:
            query = query.where(Task.status == status)
        count = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(Task.due_at, Task.id).limit(limit).offset(offset))
        return Page(list(rows), count)


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
        query = select(Handoff).where(Handoff.lead_id == lead_id).order_by(Handoff.created_at)
        return list(self.session.scalars(query))

    def add(self, handoff: Handoff) -> Handoff:
        self.session.add(handoff)
        self.session.flush()
        return handoff

    def close_open(self, lead_id: uuid.UUID, *, by: uuid.UUID | None, now: datetime) -> int:
        """Close the lead's open handoffs (a rep resumed automation or closed the lead)."""
        open_ones = self.session.scalars(
            select(Handoff).where(Handoff.lead_id == lead_id, Handoff.status == "open")
        )
        closed = 0
        for handoff in open_ones:
            handoff.status = "closed"
            handoff.closed_at = now
            handoff.claimed_by = handoff.claimed_by or by
            closed += 1
        self.session.flush()
        return closed


class DecisionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, decision: Decision) -> Decision:
        self.session.add(decision)
        return decision

    def for_lead(self, lead_id: uuid.UUID) -> list[Decision]:
        query = select(Decision).where(Decision.lead_id == lead_id).order_by(Decision.decided_at)
        return list(self.session.scalars(query))


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
    session.execute(delete(Decision).where(Decision.lead_id == lead_id))
    session.execute(delete(Event).where(Event.lead_id == lead_id))
    session.execute(delete(Task).where(Task.lead_id == lead_id))
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
        sequence=lead.sequence,
        sequence_started_at=lead.sequence_started_at,
        sequence_step_base=lead.sequence_step_base or 0,
        paused_until=lead.paused_until,
        contact_frequency=ContactFrequency(lead.contact_frequency or ContactFrequency.NORMAL),
        preferred_channel=Channel(lead.preferred_channel) if lead.preferred_channel else None,
    )


def load_snapshot(session: Session, lead: Lead) -> LeadSnapshot:
    """The collect step of the agent loop: one typed, immutable view of a lead for the pure core."""
    return load_snapshots(session, [lead])[lead.id]


def load_snapshots(session: Session, leads: Sequence[Lead]) -> dict[uuid.UUID, LeadSnapshot]:
    """Snapshots of many leads in four queries (events, touches, handoffs, suppressions), for a tick."""
    ids = [lead.id for lead in leads]
    events: dict[uuid.UUID, list[EventRecord]] = {lead_id: [] for lead_id in ids}
    touches: dict[uuid.UUID, list[TouchRecord]] = {lead_id: [] for lead_id in ids}
    handoffs: dict[uuid.UUID, list[HandoffRecord]] = {lead_id: [] for lead_id in ids}
    inquiry_texts: dict[uuid.UUID, str] = {}
    event_columns = (Event.lead_id, Event.id, Event.type, Event.channel, Event.occurred_at, Event.recorded_at)
    touch_columns = (
        Touch.lead_id, Touch.id, Touch.sequence, Touch.step, Touch.purpose, Touch.channel, Touch.state,
        Touch.created_at, Touch.sent_at, Touch.subject, Touch.body, Touch.call_to_action, Touch.sources,
        Touch.decision_rules,
    )  # fmt: skip
    for chunk in _chunks(ids):
        event_rows = session.execute(
            select(*event_columns, Event.payload, Event.reading)
            .where(_among(Event.lead_id, chunk))
            .order_by(Event.occurred_at, Event.recorded_at)
        )
        for row in event_rows:
            events[row.lead_id].append(_event_record(row))
            if row.type == EventType.INQUIRY:
                inquiry_texts[row.lead_id] = str(row.payload.get("message") or "")
        touch_rows = session.execute(
            select(*touch_columns).where(_among(Touch.lead_id, chunk)).order_by(Touch.created_at, Touch.step)
        )
        for row in touch_rows:
            touches[row.lead_id].append(_touch_record(row))
        handoff_rows = session.execute(
            select(Handoff.lead_id, Handoff.reason, Handoff.created_at, Handoff.status, Handoff.closed_at)
            .where(_among(Handoff.lead_id, chunk))
            .order_by(Handoff.created_at)
        )
        for row in handoff_rows:
            handoffs[row.lead_id].append(HandoffRecord(row.reason, row.created_at, row.status, row.closed_at))
    addresses = [a for lead in leads for a in (normalise_email(lead.email), lead.phone) if a]
    suppressed = SuppressionRepository(session).by_address(addresses) if addresses else {}
    snapshots: dict[uuid.UUID, LeadSnapshot] = {}
    for lead in leads:
        own = {a: suppressed[a] for a in (normalise_email(lead.email), lead.phone) if a and a in suppressed}
        blocked, dead = _suppressed(own, email=lead.email, phone=lead.phone)
        snapshots[lead.id] = LeadSnapshot(
            lead=lead_context(lead, inquiry_text=inquiry_texts.get(lead.id) or None),
            events=tuple(events[lead.id]),
            touches=tuple(touches[lead.id]),
            suppressed_channels=blocked,
            handoffs=tuple(handoffs[lead.id]),
            unreachable_channels=dead,
        )
    return snapshots


def _suppressed(
    by_address: dict[str, dict[str, str]], *, email: str | None, phone: str | None
) -> tuple[frozenset[Channel], frozenset[Channel]]:
    """What suppressions of a lead's addresses block ("all" everything, an SMS opt-out calls too), and
    which of those only because the address is dead: the policy tells an unreachable lead from one who
    opted out."""
    reasons: dict[Channel, set[str]] = {}
    for address, kinds in by_address.items():
        if ALL_CHANNELS in kinds:
            return frozenset(Channel), frozenset()
        if Channel.EMAIL in kinds and address == normalise_email(email):
            reasons.setdefault(Channel.EMAIL, set()).add(kinds[Channel.EMAIL])
        if Channel.SMS in kinds and address == phone:
            for channel in (Channel.SMS, Channel.PHONE):
                reasons.setdefault(channel, set()).add(kinds[Channel.SMS])
    dead = frozenset(channel for channel, why in reasons.items() if why <= DEAD_ADDRESS_REASONS)
    return frozenset(reasons), dead


def _among(column: Any, values: list[Any]) -> Any:
    """``column IN values``; one value as ``=``, which skips SQLAlchemy's costly IN expansion per call."""
    return column == values[0] if len(values) == 1 else column.in_(values)


def _chunks(values: list[T], size: int = 1000) -> Iterable[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _event_record(row: Any) -> EventRecord:
    return EventRecord(
        type=EventType(row.type),
        channel=Channel(row.channel) if row.channel else None,
        occurred_at=row.occurred_at,
        payload=dict(row.payload),
        id=str(row.id),
        recorded_at=row.recorded_at,
        reading=ReplyReading.from_dict(row.reading) if row.reading else None,
    )


def _touch_record(row: Any) -> TouchRecord:
    return TouchRecord(
        purpose=TouchPurpose(row.purpose),
        channel=Channel(row.channel),
        state=TouchState(row.state),
        step=row.step,
        created_at=row.created_at,
        sent_at=row.sent_at,
        body=row.body,
        source_ids=tuple(str(source["id"]) for source in row.sources),
        id=str(row.id),
        sequence=row.sequence,
        subject=row.subject,
        call_to_action=row.call_to_action,
        rules=tuple(row.decision_rules or ()),
    )


def touches_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Touch]:
    return list(session.scalars(select(Touch).where(Touch.id.in_(ids))))
