"""The rows the metrics are computed from (``agent.metrics.compute`` does the arithmetic)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select

from agent.db.models import Lead, Touch
from agent.db.repositories.base import RepositoryBase
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.reviews import ReviewHistory
from agent.db.repositories.snapshots import load_snapshots
from agent.domain import IN_FLIGHT_STATES, LeadStatus
from agent.metrics import CoverageFact, HandoffFact, MetricsInput, Period
from agent.scoring import ScoringConfig


class MetricsSource(RepositoryBase[Lead]):
    model = Lead

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
        in_flight = (
            select(Touch.id).where(Touch.lead_id == Lead.id, Touch.state.in_(IN_FLIGHT_STATES)).exists()
        )
        rows = self.session.execute(
            select(Lead.status, Lead.next_action_at, in_flight).where(
                Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE])
            )
        )
        return [(status, next_at, bool(flying)) for status, next_at, flying in rows]

    def input(self, period: Period, *, now: datetime, scoring: ScoringConfig) -> MetricsInput:
        """Everything ``agent.metrics.compute`` needs for ``period``, read in a handful of queries."""
        leads = self.leads_in_period(period.start, period.end)
        snapshots = load_snapshots(self.session, leads) if leads else {}
        handoffs = HandoffRepository(self.session).created_between(period.start, period.end)
        return MetricsInput(
            period=period,
            now=now,
            snapshots=tuple(snapshots.values()),
            coverage=tuple(CoverageFact(status, at, flying) for status, at, flying in self.coverage()),
            handoffs=tuple(
                HandoffFact(h.reason, h.created_at, h.due_by, h.responded_at, h.closed_at) for h in handoffs
            ),
            reviews=tuple(ReviewHistory(self.session).facts(since=period.start)),
            scoring=scoring,
        )
