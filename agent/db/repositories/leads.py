"""Leads: by contact, due for the worker, leased, locked, settled in bulk, erased."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update

from agent.db.models import Decision, Event, Handoff, Lead, Task, Touch
from agent.db.repositories.base import Page, RepositoryBase
from agent.domain import LeadStatus, normalise_email


class LeadRepository(RepositoryBase[Lead]):
    model = Lead

    def find_by_contact(self, *, email: str | None, phone: str | None) -> Lead | None:
        if email:
            lead = self.session.scalar(select(Lead).where(Lead.email == normalise_email(email)))
            if lead is not None:
                return lead
        if phone:
            return self.session.scalar(select(Lead).where(Lead.phone == phone))
        return None

    def page(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> Page[Lead]:
        query = select(Lead)
        if status is not None:
            query = query.where(Lead.status == status)
        return self.paginate(query, order_by=(Lead.created_at.desc(), Lead.id), limit=limit, offset=offset)

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

    def lock_many(self, lead_ids: Sequence[uuid.UUID]) -> list[Lead]:
        """Several leads locked at once, in id order so two lockers never wait on each other in a circle
        (``FOR NO KEY UPDATE``, as ``lock``)."""
        query = (
            select(Lead)
            .where(Lead.id.in_(list(lead_ids)))
            .order_by(Lead.id)
            .with_for_update(key_share=True)
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

    def erase(self, lead_id: uuid.UUID) -> None:
        """Erase a lead and everything about them (suppressions stay: they protect the address)."""
        for model in (Decision, Event, Task, Touch, Handoff):
            self.session.execute(delete(model).where(model.lead_id == lead_id))
        self.session.execute(delete(Lead).where(Lead.id == lead_id))


def _due(now: datetime) -> tuple[Any, ...]:
    """A lead is due when its next action time has come and automation may act on it."""
    return (
        Lead.next_action_at.is_not(None),
        Lead.next_action_at <= now,
        Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE, LeadStatus.PAUSED]),
    )
