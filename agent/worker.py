"""The worker: runs the loop for every lead whose next action is due, then drains the outbox.

Stateless: any number of workers can share one PostgreSQL; the outbox's atomic claim makes sure each
touch is sent once, and each lead's step runs in its own transaction so one bad lead stops nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from agent.container import Services
from agent.db.repositories import LeadRepository
from agent.outbox import Outcome

logger = logging.getLogger(__name__)


@dataclass
class TickReport:
    leads_stepped: int = 0
    leads_failed: int = 0
    sent: dict[Outcome, int] = field(default_factory=dict)


def tick(services: Services, *, batch: int = 100) -> TickReport:
    report = TickReport()
    now = services.clock()
    with services.session_factory() as session:
        due_ids = [lead.id for lead in LeadRepository(session).due(now, limit=batch)]
    for lead_id in due_ids:
        try:
            with services.session_factory.begin() as session:
                lead = LeadRepository(session).get(lead_id)
                if lead is not None:
                    services.loop.step(session, lead, services.clock())
            report.leads_stepped += 1
        except Exception:  # one broken lead must not stop the others; it is logged and retried next tick
            logger.exception("worker.step_failed", extra={"lead_id": str(lead_id)})
            report.leads_failed += 1
    report.sent = services.outbox.drain(limit=batch)
    return report


def run_forever(services: Services, *, interval: float, stop: threading.Event) -> None:
    """Tick until ``stop`` is set; waits on the event (not a sleep), so shutdown is immediate."""
    while not stop.is_set():
        try:
            report = tick(services)
            if report.leads_stepped or report.sent:
                logger.info(
                    "worker.tick",
                    extra={
                        "stepped": report.leads_stepped,
                        "sent": {k.value: v for k, v in report.sent.items()},
                    },
                )
        except Exception:
            logger.exception("worker.tick_failed")
        stop.wait(interval)
