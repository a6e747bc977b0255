"""Decisions: every decision of the agent loop for a lead, with the rules that made it."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from agent.db.models import Decision
from agent.db.repositories.base import RepositoryBase


class DecisionRepository(RepositoryBase[Decision]):
    model = Decision

    def add(self, decision: Decision) -> Decision:
        self.session.add(decision)  # no flush: a tick records many, flushed with the rest of its work
        return decision

    def for_lead(self, lead_id: uuid.UUID) -> list[Decision]:
        query = select(Decision).where(Decision.lead_id == lead_id).order_by(Decision.decided_at)
        return list(self.session.scalars(query))
