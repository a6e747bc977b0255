"""``GET /v1/metrics``: how well follow-up works over a period, the same figures as the metrics page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query

from agent.db.reviews import metrics_input
from agent.metrics import Metrics, Period, compute
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])

PERIODS = {"7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}


def parse_period(period: str, start: date | None, end: date | None, now: datetime) -> Period:
    """The last 7, 30 or 90 days to ``now``, or whole days from ``start`` to ``end`` (UTC, inclusive)."""
    if start is not None or end is not None:
        first = datetime.combine(start or (now - PERIODS["30d"]).date(), time(), UTC)
        last = datetime.combine(end, time(), UTC) + timedelta(days=1) if end else now
        if last <= first:
            raise Problem(422, "Invalid request", "end must be on or after start", code="validation")
        if last - first > timedelta(days=366):
            raise Problem(422, "Invalid request", "pick a period of at most a year", code="validation")
        return Period(first, last)
    if period not in PERIODS:
        raise Problem(
            422,
            "Invalid request",
            f"period: use one of {', '.join(PERIODS)}, or start/end",
            code="validation",
        )
    return Period(now - PERIODS[period], now)


def measure(session: SessionDep, services: ServicesDep, period: Period) -> Metrics:
    scoring = services.loop.config.scoring
    return compute(metrics_input(session, period, now=services.clock(), scoring=scoring))


@router.get("")
def get_metrics(
    session: SessionDep,
    services: ServicesDep,
    _: PrincipalDep,
    period: Annotated[str, Query(description="7d, 30d or 90d, ending now")] = "30d",
    start: Annotated[date | None, Query(description="First day (UTC), instead of a period")] = None,
    end: Annotated[date | None, Query(description="Last day (UTC), inclusive")] = None,
) -> dict[str, Any]:
    """Time to first response (p50/p95), follow-up coverage, touches per lead, open/click/reply rates by
    sequence and step, handoffs and response-time compliance, conversions, drop-off per step, reps'
    acceptance per purpose, and the 0-100 follow-up score with its breakdown."""
    chosen = parse_period(period, start, end, services.clock())
    return measure(session, services, chosen).as_dict()
