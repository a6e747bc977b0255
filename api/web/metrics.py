"""The metrics page (``/metrics``): the figures of ``GET /v1/metrics`` as charts, for a chosen period."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from agent.metrics import Metrics
from agent.services import reports
from agent.services.errors import Invalid
from api.deps import PageUserDep, ServicesDep, SessionDep
from api.web.charts import Bar, bars, share
from api.web.templating import duration, render

router = APIRouter(include_in_schema=False)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/metrics", response_class=HTMLResponse)
def metrics_page(
    request: Request, session: SessionDep, services: ServicesDep, signed_in: PageUserDep
) -> HTMLResponse:
    params = request.query_params
    chosen = params.get("period", "30d")
    start, end = _day(params.get("start")), _day(params.get("end"))
    error = None
    now = services.clock()
    try:
        period = reports.period(chosen if chosen in reports.PERIODS else "30d", start, end, now)
    except Invalid as exc:
        error = exc.message
        period = reports.period("30d", None, None, now)
    figures = reports.measure(session, period, now=now, scoring=services.loop.config.scoring)
    return render(
        request,
        services,
        signed_in,
        "metrics.html",
        m=figures,
        charts=charts(figures),
        periods=list(reports.PERIODS),
        chosen=chosen,
        start=start,
        end=end,
        error=error,
        duration=duration,
        share=share,
    )


def charts(m: Metrics) -> dict[str, Any]:
    """Each chart of the page, built from the metrics (the page's tables carry the same figures)."""
    waits = m.response.buckets
    most = max((count for _, count in waits), default=0) or 1
    touches_most = max((count for _, count in m.touches.histogram), default=0) or 1
    handoffs = m.handoffs
    return {
        "score": bars(
            [Bar(p.name, (p.points,), f"{p.points:g} / {p.out_of:g}", p.out_of) for p in m.score.parts],
            title="Follow-up score by category",
        ),
        "response": bars(
            [Bar(label, (count,), str(count), most) for label, count in waits],
            title="Time to first response",
        ),
        "touches": bars(
            [
                Bar(
                    f"{label} {'touch' if label == '1' else 'touches'}",
                    (count,),
                    f"{count} {'lead' if count == 1 else 'leads'}",
                    touches_most,
                )
                for label, count in m.touches.histogram
            ],
            title="Touches per lead",
        ),
        "steps": bars(
            [
                Bar(
                    s.label,
                    (s.open_rate, s.click_rate, s.reply_rate),
                    f"{s.sent} sent · open {share(s.open_rate)} · click {share(s.click_rate)} · "
                    f"reply {share(s.reply_rate)}",
                )
                for s in m.steps
            ],
            title="Open, click and reply rates by sequence and step",
            series=("opened", "clicked", "replied"),
        ),
        "drop_off": bars(
            [
                Bar(
                    f"{d.sequence} step {d.step}: {d.purpose.replace('_', ' ')}",
                    (d.reached, d.stopped_here),
                    f"{d.reached} reached · {d.continued} went on · {d.stopped_here} stopped here",
                    max((x.reached for x in m.drop_off), default=1) or 1,
                )
                for d in m.drop_off
            ],
            title="Drop-off per step",
            series=("reached", "stopped here"),
        ),
        "handoffs": bars(
            [
                Bar(
                    "answered in time",
                    (handoffs.answered_in_time,),
                    str(handoffs.answered_in_time),
                    handoffs.total or 1,
                ),
                Bar(
                    "answered late",
                    (handoffs.answered_late,),
                    str(handoffs.answered_late),
                    handoffs.total or 1,
                ),
                Bar(
                    "waiting, in time",
                    (handoffs.waiting_in_time,),
                    str(handoffs.waiting_in_time),
                    handoffs.total or 1,
                ),
                Bar(
                    "waiting, target missed",
                    (handoffs.waiting_breached,),
                    str(handoffs.waiting_breached),
                    handoffs.total or 1,
                ),
            ],
            title="Handoffs against their response-time target",
        ),
        "acceptance": bars(
            [
                Bar(
                    a.purpose.replace("_", " "),
                    (
                        a.approved / (a.decided or 1),
                        a.edited / (a.decided or 1),
                        a.rejected / (a.decided or 1),
                    ),
                    f"{a.approved} approved · {a.edited} edited · {a.rejected} rejected · "
                    f"{a.regenerated} redrafted",
                )
                for a in m.acceptance
            ],
            title="How reps received drafts, by purpose",
            series=("approved as drafted", "edited", "rejected"),
        ),
    }
