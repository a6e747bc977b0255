"""The figures over a period (``agent.metrics.compute``) and the acceptance table of the queue page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from agent.db.repositories.metrics import MetricsSource
from agent.db.repositories.reviews import ReviewHistory
from agent.metrics import Acceptance, Metrics, Period, acceptance_from_counts, compute
from agent.scoring import ScoringConfig
from agent.services.errors import Invalid

PERIODS = {"7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}
ACCEPTANCE_WINDOW = timedelta(days=30)


def period(name: str, start: date | None, end: date | None, now: datetime) -> Period:
    """The last 7, 30 or 90 days to ``now``, or whole days from ``start`` to ``end`` (UTC, inclusive)."""
    if start is not None or end is not None:
        first = datetime.combine(start or (now - PERIODS["30d"]).date(), time(), UTC)
        last = datetime.combine(end, time(), UTC) + timedelta(days=1) if end else now
        if last <= first:
            raise Invalid("end must be on or after start", code="validation")
        if last - first > timedelta(days=366):
            raise Invalid("pick a period of at most a year", code="validation")
        return Period(first, last)
    if name not in PERIODS:
        raise Invalid(f"period: use one of {', '.join(PERIODS)}, or start/end", code="validation")
    return Period(now - PERIODS[name], now)


def measure(session: Session, chosen: Period, *, now: datetime, scoring: ScoringConfig) -> Metrics:
    return compute(MetricsSource(session).input(chosen, now=now, scoring=scoring))


def acceptance(session: Session, *, now: datetime) -> list[Acceptance]:
    """How reps received each purpose's drafts over the last 30 days."""
    return list(acceptance_from_counts(ReviewHistory(session).counts(since=now - ACCEPTANCE_WINDOW)))
