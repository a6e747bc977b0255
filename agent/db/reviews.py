"""The review page's queries: the queue in priority order, handoffs, page sessions, notifications,
reps' decisions and the metrics' inputs. Like every repository, they add and flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.db.models import Handoff, Lead, Notification, ReviewAction, Touch, User, WebSession
from agent.db.repositories import Page, load_snapshots
from agent.domain import LeadStatus, TouchPurpose, TouchState
from agent.metrics import CoverageFact, HandoffFact, MetricsInput, Period, ReviewFact
from agent.scoring import ScoringConfig

# What a rep decided about a draft, as the audit trail names it (agent/review.py writes these).
REVIEW_ACTIONS = ("approve", "edit_approve", "reject", "regenerate")
IN_FLIGHT = (TouchState.PENDING_REVIEW, TouchState.QUEUED, TouchState.SENDING)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which drafts a rep looks at: their own leads and unowned ones ("mine") or everyone's ("team")."""

    user_id: uuid.UUID
    scope: str = "mine"  # mine | team
    sequence: str | None = None
    channel: str | None = None
    purpose: str | None = None

    def owned(self, owner: Any) -> Any:
        return or_(owner == self.user_id, owner.is_(None))


@dataclass(frozen=True, slots=True)
class QueueRow:
    touch: Touch
    lead: Lead


class QueueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self, where: QueueFilter, *, hot_score: float, limit: int = 50, offset: int = 0
    ) -> Page[QueueRow]:
        """Drafts waiting for review, most urgent first: hot leads' drafts, then a new lead's
        acknowledgment, then everything else; within each, the oldest first (the most overdue against
        the review target, which is the same for all of them)."""
        conditions: list[Any] = [Touch.state == TouchState.PENDING_REVIEW]
        if where.scope != "team":
            conditions.append(where.owned(Lead.owner_id))
        if where.sequence:
            conditions.append(Touch.sequence == where.sequence)
        if where.channel:
            conditions.append(Touch.channel == where.channel)
        if where.purpose:
            conditions.append(Touch.purpose == where.purpose)
        joined = select(Touch, Lead).join(Lead, Lead.id == Touch.lead_id).where(*conditions)
        count = (
            self.session.scalar(
                select(func.count())
                .select_from(Touch)
                .join(Lead, Lead.id == Touch.lead_id)
                .where(*conditions)
            )
            or 0
        )
        hot = case((Lead.engagement_score >= hot_score, 0), else_=1)
        first_answer = case((Touch.purpose == TouchPurpose.ACKNOWLEDGMENT, 0), else_=1)
        rows = self.session.execute(
            joined.order_by(hot, first_answer, Touch.created_at, Touch.id).limit(limit).offset(offset)
        )
        return Page([QueueRow(touch, lead) for touch, lead in rows], count)

    def lock_touch(self, touch_id: uuid.UUID) -> Touch | None:
        """The draft, re-read and locked for this transaction: deciding reps take turns on it."""
        query = (
            select(Touch)
            .where(Touch.id == touch_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def drafts(self, touch_ids: Sequence[uuid.UUID]) -> list[QueueRow]:
        rows = self.session.execute(
            select(Touch, Lead).join(Lead, Lead.id == Touch.lead_id).where(Touch.id.in_(list(touch_ids)))
        )
        return [QueueRow(touch, lead) for touch, lead in rows]


class HandoffInbox:
    """Open handoffs (a person should answer the lead), the most urgent target first."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open(self, where: QueueFilter, *, limit: int = 50, offset: int = 0) -> Page[tuple[Handoff, Lead]]:
        conditions: list[Any] = [Handoff.status == "open"]
        if where.scope != "team":
            conditions.append(where.owned(Lead.owner_id))
        query = select(Handoff, Lead).join(Lead, Lead.id == Handoff.lead_id).where(*conditions)
        count = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.execute(query.order_by(Handoff.due_by, Handoff.id).limit(limit).offset(offset))
        return Page([(handoff, lead) for handoff, lead in rows], count)

    def get(self, handoff_id: uuid.UUID) -> Handoff | None:
        return self.session.get(Handoff, handoff_id)

    def lock(self, handoff_id: uuid.UUID) -> Handoff | None:
        query = (
            select(Handoff)
            .where(Handoff.id == handoff_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.scalar(query)

    def open_for_lead(self, lead_id: uuid.UUID) -> list[Handoff]:
        query = select(Handoff).where(Handoff.lead_id == lead_id, Handoff.status == "open")
        return list(self.session.scalars(query.order_by(Handoff.created_at)))

    def unnotified(
        self, kind: str, channel: str, *, due_before: datetime | None, limit: int
    ) -> list[Handoff]:
        """Open handoffs with no notification of ``kind`` on ``channel`` yet (breaches: past due, with no
        response from a person)."""
        sent = select(Notification.id).where(
            Notification.handoff_id == Handoff.id,
            Notification.kind == kind,
            Notification.channel == channel,
        )
        query = select(Handoff).where(Handoff.status == "open", ~sent.exists())
        if due_before is not None:
            query = query.where(Handoff.due_by < due_before, Handoff.responded_at.is_(None))
        return list(self.session.scalars(query.order_by(Handoff.created_at).limit(limit)))


class WebSessionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, web_session: WebSession, *, now: datetime) -> None:
        self.session.add(web_session)
        self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        self.session.flush()

    def active(self, token_hash: str, now: datetime) -> tuple[User, WebSession] | None:
        row = self.session.execute(
            select(User, WebSession)
            .join(WebSession, WebSession.user_id == User.id)
            .where(WebSession.token_hash == token_hash, WebSession.expires_at > now, User.active.is_(True))
        ).first()
        return (row[0], row[1]) if row is not None else None

    def remove(self, token_hash: str) -> None:
        self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim_new(self, notification: Notification) -> bool:
        """Insert the row that says "this one is being sent"; False if another process already did."""
        try:
            with self.session.begin_nested():
                self.session.add(notification)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def retry_due(self, now: datetime, *, max_attempts: int, limit: int) -> list[Notification]:
        query = (
            select(Notification)
            .where(
                Notification.state == "failed",
                Notification.attempts < max_attempts,
                Notification.next_attempt_at <= now,
            )
            .order_by(Notification.next_attempt_at)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def claim_retry(self, notification_id: uuid.UUID, attempts: int) -> bool:
        """Move a failed notification back to sending; exactly one process wins (attempts fences it)."""
        result = self.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.state == "failed",
                Notification.attempts == attempts,
            )
            .values(state="sending", attempts=Notification.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def get(self, notification_id: uuid.UUID) -> Notification | None:
        return self.session.get(Notification, notification_id)

    def for_handoff(self, handoff_id: uuid.UUID) -> list[Notification]:
        query = select(Notification).where(Notification.handoff_id == handoff_id)
        return list(self.session.scalars(query.order_by(Notification.created_at)))


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One decision of a rep about a draft, with what it was for (plain data for metrics and exports)."""

    action: str
    touch_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    purpose: str
    channel: str
    reason: str | None
    details: dict[str, Any]
    at: datetime


class ReviewHistory:
    """What reps did to drafts: approvals, edits (before and after), rejections, regenerations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def decisions(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[ReviewRecord]:
        query = (
            select(ReviewAction, Touch.purpose, Touch.channel)
            .join(Touch, Touch.id == ReviewAction.touch_id)
            .where(ReviewAction.action.in_(REVIEW_ACTIONS))
        )
        if since is not None:
            query = query.where(ReviewAction.created_at >= since)
        if until is not None:
            query = query.where(ReviewAction.created_at < until)
        rows = self.session.execute(query.order_by(ReviewAction.created_at, ReviewAction.id))
        return [
            ReviewRecord(
                action=action.action,
                touch_id=action.touch_id,
                lead_id=action.lead_id,
                purpose=purpose,
                channel=channel,
                reason=action.reason,
                details=dict(action.details or {}),
                at=action.created_at,
            )
            for action, purpose, channel in rows
        ]


class MetricsSource:
    """The rows the metrics are computed from, for a period ending at ``until``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def leads_in_period(self, since: datetime, until: datetime) -> list[Lead]:
        """Leads created in the period, or sent a message in it."""
        touched = select(Touch.lead_id).where(Touch.sent_at >= since, Touch.sent_at < until)
        query = select(Lead).where(
            or_(
                and_(Lead.created_at >= since, Lead.created_at < until),
                Lead.id.in_(touched.scalar_subquery()),
            )
        )
        return list(self.session.scalars(query.order_by(Lead.created_at, Lead.id)))

    def coverage(self) -> list[tuple[str, datetime | None, bool]]:
        """Every lead automation is working on now: status, next action time, a touch in flight."""
        in_flight = select(Touch.id).where(Touch.lead_id == Lead.id, Touch.state.in_(IN_FLIGHT)).exists()
        rows = self.session.execute(
            select(Lead.status, Lead.next_action_at, in_flight).where(
                Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE])
            )
        )
        return [(status, next_at, bool(flying)) for status, next_at, flying in rows]

    def handoffs(self, since: datetime, until: datetime) -> list[Handoff]:
        query = select(Handoff).where(Handoff.created_at >= since, Handoff.created_at < until)
        return list(self.session.scalars(query.order_by(Handoff.created_at)))


def users_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))}


def review_facts(session: Session, *, since: datetime | None = None) -> list[ReviewFact]:
    """Reps' decisions as the metrics read them (only the columns they need: cheap per page view)."""
    query = (
        select(ReviewAction.action, Touch.purpose, ReviewAction.touch_id)
        .join(Touch, Touch.id == ReviewAction.touch_id)
        .where(ReviewAction.action.in_(REVIEW_ACTIONS))
    )
    if since is not None:
        query = query.where(ReviewAction.created_at >= since)
    return [
        ReviewFact(action, purpose, str(touch_id)) for action, purpose, touch_id in session.execute(query)
    ]


def review_counts(session: Session, *, since: datetime) -> list[tuple[str, str, int]]:
    """(purpose, action, count) of reps' decisions since ``since``: the queue page's acceptance table."""
    query = (
        select(Touch.purpose, ReviewAction.action, func.count())
        .join(Touch, Touch.id == ReviewAction.touch_id)
        .where(ReviewAction.action.in_(REVIEW_ACTIONS), ReviewAction.created_at >= since)
        .group_by(Touch.purpose, ReviewAction.action)
    )
    return [(purpose, action, int(count)) for purpose, action, count in session.execute(query)]


def metrics_input(session: Session, period: Period, *, now: datetime, scoring: ScoringConfig) -> MetricsInput:
    """Everything ``agent.metrics.compute`` needs for ``period``, read in a handful of queries."""
    source = MetricsSource(session)
    leads = source.leads_in_period(period.start, period.end)
    snapshots = load_snapshots(session, leads) if leads else {}
    return MetricsInput(
        period=period,
        now=now,
        snapshots=tuple(snapshots.values()),
        coverage=tuple(CoverageFact(status, at, flying) for status, at, flying in source.coverage()),
        handoffs=tuple(
            HandoffFact(h.reason, h.created_at, h.due_by, h.responded_at, h.closed_at)
            for h in source.handoffs(period.start, period.end)
        ),
        reviews=tuple(review_facts(session, since=period.start)),
        scoring=scoring,
    )


def leads_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Lead]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {lead.id: lead for lead in session.scalars(select(Lead).where(Lead.id.in_(wanted)))}
