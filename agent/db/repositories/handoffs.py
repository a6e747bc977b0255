"""Handoffs: leads waiting for a person, and the inbox reps work them from."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from agent.db.models import Handoff, Lead, Notification
from agent.db.repositories.base import Page, RepositoryBase
from agent.db.repositories.queue import QueueFilter

# Why a handoff was closed lives in its brief (what the rep reads) rather than in a column of its own, so
# that saying why needs no schema migration.
CLOSED_REASON = "closed_reason"


class HandoffRepository(RepositoryBase[Handoff]):
    model = Handoff

    def for_lead(self, lead_id: uuid.UUID) -> list[Handoff]:
        query = select(Handoff).where(Handoff.lead_id == lead_id).order_by(Handoff.created_at)
        return list(self.session.scalars(query))

    def open_for_lead(self, lead_id: uuid.UUID) -> list[Handoff]:
        query = select(Handoff).where(Handoff.lead_id == lead_id, Handoff.status == "open")
        return list(self.session.scalars(query.order_by(Handoff.created_at)))

    def inbox(self, where: QueueFilter, *, limit: int = 50, offset: int = 0) -> Page[tuple[Handoff, Lead]]:
        """Open handoffs (a person should answer the lead), the most urgent target first."""
        conditions: list[Any] = [Handoff.status == "open"]
        if where.scope != "team":
            conditions.append(where.owned(Lead.owner_id))
        query = select(Handoff, Lead).join(Lead, Lead.id == Handoff.lead_id).where(*conditions)
        count = self.count(query)
        rows = self.session.execute(query.order_by(Handoff.due_by, Handoff.id).limit(limit).offset(offset))
        return Page([(handoff, lead) for handoff, lead in rows], count)

    def close_open(
        self, lead_id: uuid.UUID, *, by: uuid.UUID | None, now: datetime, reason: str | None = None
    ) -> int:
        """Close the lead's open handoffs (a rep resumed automation or closed the lead, or the lead opted
        out); ``reason`` is shown with each, so the rep sees why it left the inbox."""
        closed = 0
        for handoff in self.open_for_lead(lead_id):
            handoff.status = "closed"
            handoff.closed_at = now
            handoff.claimed_by = handoff.claimed_by or by
            if reason:
                handoff.brief = {**handoff.brief, CLOSED_REASON: reason}
            closed += 1
        self.session.flush()
        return closed

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

    def created_between(self, since: datetime, until: datetime) -> list[Handoff]:
        query = select(Handoff).where(Handoff.created_at >= since, Handoff.created_at < until)
        return list(self.session.scalars(query.order_by(Handoff.created_at)))
