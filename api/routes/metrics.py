"""``GET /v1/metrics``: how well follow-up works over a period, the same figures as the metrics page."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from agent.services import reports
from api.deps import PrincipalDep, ServicesDep, SessionDep

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])


@router.get("", responses={422: {"description": "A period that cannot be measured"}})
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
    now = services.clock()
    chosen = reports.period(period, start, end, now)
    return reports.measure(session, chosen, now=now, scoring=services.loop.config.scoring).as_dict()
