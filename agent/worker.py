"""The worker: claims the leads whose next action is due, steps them, then drains the outbox.

Stateless, and as many as you like on one PostgreSQL: each tick leases a batch of due leads to this
worker (``FOR UPDATE SKIP LOCKED``, so two workers never take the same lead or wait for each other),
and a worker that dies holds its leads only until the lease expires. SQLite runs one worker (its
single writer makes the claim atomic all the same).

Within a tick, the leads whose decision is only to wait (quiet hours, a cap, a step not due yet) are
settled together in one transaction; every lead that needs work (a draft, a handoff, a reply to read)
is stepped in its own transaction, so one bad lead stops nothing and is retried a little later (at
once when another writer changed its rows under the step, or a deadlock chose it: ``retrying``). A
touch is drafted once per step (one live touch per step is a unique index) and sent once (the
outbox's claim), whichever worker gets there and whoever crashes in between.

A touch a step queues is handed to the outbox right after that step, not when the tick ends: with a
model drafting, a tick of a dozen leads takes minutes, and the first lead's reply must not wait for the
last lead's draft. A tick says how far it got after each lead it steps (``Progress``: a log line, and
``touchpoint worker`` prints it), so a long tick is visibly working.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from agent.container import Services
from agent.db.engine import retrying
from agent.db.models import Lead
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.touches import TouchRepository
from agent.domain import DrafterKind, TouchState
from agent.loop import StepResult
from agent.outbox import Outcome
from agent.policy import DraftTouch, HandOff, Stop, Wait

logger = logging.getLogger(__name__)

RETRY_FAILED_AFTER = timedelta(minutes=5)  # a lead whose step failed is looked at again after this
LOCK_CHUNK = 200  # leads decided (and locked) together in the fast path


@dataclass
class TickReport:
    claimed: int = 0
    settled: int = 0  # decided together: nothing to do but wait
    leads_stepped: int = 0  # every lead decided this tick, settled or stepped alone
    leads_failed: int = 0
    sent: dict[Outcome, int] = field(default_factory=dict)

    @property
    def busy(self) -> bool:
        return bool(self.claimed or self.sent)

    def summary(self) -> str:
        sent = ", ".join(f"{count} {outcome}" for outcome, count in self.sent.items()) or "nothing sent"
        return (
            f"{self.leads_stepped} lead(s) decided ({self.settled} just waiting), "
            f"{self.leads_failed} failed; outbox: {sent}"
        )


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a tick has got: after each lead it stepped alone (the ones with work: a draft, a
    handoff, a reply to read), what became of it."""

    done: int
    total: int
    lead_id: uuid.UUID
    what: str  # "drafted, sent", "drafted, for review", "handed off", "waiting", "failed", ...
    elapsed_seconds: float  # since the tick began

    def line(self) -> str:
        return f"lead {self.done}/{self.total} {self.what} ({self.elapsed_seconds:.0f} s into the tick)"


def worker_name() -> str:
    """Who holds a lease: readable in the database when a rep asks which worker has a lead."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def tick(
    services: Services,
    *,
    owner: str | None = None,
    batch: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> TickReport:
    """One pass: claim due leads, decide for them (in bulk where nothing needs doing), send what a step
    queued at once, then the rest of the outbox. ``on_progress`` hears after each lead stepped alone."""
    started = time.monotonic()
    owner = owner or worker_name()
    batch = batch or services.settings.worker_batch
    report = TickReport()
    services.playbook.refresh()  # the business's folder as it now is (a bad edit keeps the old one)
    now = services.clock()
    lease = timedelta(seconds=services.settings.worker_lease_seconds)
    claimed = retrying(lambda: _claim(services, now, owner, now + lease, batch), what="worker claim")
    report.claimed = len(claimed)
    deferred: list[uuid.UUID] = []
    for start in range(0, len(claimed), LOCK_CHUNK):
        chunk = claimed[start : start + LOCK_CHUNK]
        try:
            with services.session_factory.begin() as session:
                leads = [
                    lead for lead in LeadRepository(session).lock_many(chunk) if lead.lease_owner == owner
                ]
                with_work = services.loop.step_many(session, leads, now)  # the rest settled, leases back
                report.settled += len(leads) - len(with_work)
                deferred.extend(with_work)
        except Exception:  # the bulk path failed as a whole: step these leads one by one instead
            logger.exception("worker.bulk_failed", extra={"leads": len(chunk)})
            deferred.extend(chunk)
    report.leads_stepped = report.settled
    for done, lead_id in enumerate(deferred, start=1):
        try:
            # Short transactions: a model drafts between them, never inside one (AgentLoop.run_step). A row
            # another writer changed under the step (StaleDataError) or a deadlock: stepped again at once.
            stepped = retrying(partial(_step, services, lead_id, owner, lease), what="worker step")
            if stepped is None:
                what = (
                    "skipped: no longer this worker's"  # deleted, or another worker took it after our lease
                )
            else:
                report.leads_stepped += 1
                what = _what_became_of(stepped, _send_now(services, stepped, report))
        except Exception:  # one broken lead must not stop the others; it is logged and retried later
            logger.exception("worker.step_failed", extra={"lead_id": str(lead_id)})
            report.leads_failed += 1
            what = "failed"
            with services.session_factory.begin() as session:
                LeadRepository(session).release(
                    lead_id, owner=owner, retry_at=services.clock() + RETRY_FAILED_AFTER
                )
        progress = Progress(done, len(deferred), lead_id, what, time.monotonic() - started)
        logger.info(
            "worker.progress",
            extra={"done": done, "total": len(deferred), "lead_id": str(lead_id), "what": what},
        )
        if on_progress is not None:
            on_progress(progress)
    try:
        retrying(lambda: _hold_outside_hours(services, batch), what="worker hold")
    except Exception:  # holding back is a courtesy check: it must not keep the outbox from draining
        logger.exception("worker.hold_failed")
    for outcome, count in services.outbox.drain(limit=batch).items():
        report.sent[outcome] = report.sent.get(outcome, 0) + count
    return report


def _send_now(services: Services, stepped: StepResult, report: TickReport) -> Outcome | None:
    """Hand the touch a step queued to the outbox at once (the outbox's claim still decides whether it
    goes: not before its ``send_after``, never twice, never to a suppressed address)."""
    touch = stepped.touch
    if touch is None or touch.state != TouchState.QUEUED:
        return None
    outcome = services.outbox.dispatch(touch.id)
    report.sent[outcome] = report.sent.get(outcome, 0) + 1
    return outcome


def _what_became_of(stepped: StepResult, sent: Outcome | None) -> str:
    """A lead's step in a few words, for the tick's progress."""
    action = stepped.action
    if isinstance(action, DraftTouch) and stepped.touch is not None:
        drafter = "model" if stepped.touch.drafter == DrafterKind.LLM else "composer"
        if stepped.touch.state == TouchState.PENDING_REVIEW:
            return f"drafted by the {drafter}, for review"
        return f"drafted by the {drafter}, {sent or 'queued'}"
    if isinstance(action, HandOff):
        return "handed off"
    if isinstance(action, Stop):
        return "stopped"
    if isinstance(action, Wait):
        return "waiting"
    return type(action).__name__


def _step(services: Services, lead_id: uuid.UUID, owner: str, lease: timedelta) -> StepResult | None:
    return services.loop.run_step(services.session_factory, lead_id, services.clock, owner=owner, lease=lease)


def _claim(
    services: Services, now: datetime, owner: str, lease_until: datetime, batch: int
) -> list[uuid.UUID]:
    with services.session_factory.begin() as session:
        return LeadRepository(session).claim_due(now, owner=owner, lease_until=lease_until, limit=batch)


def _hold_outside_hours(services: Services, batch: int) -> None:
    """A queued touch is checked again just before it goes (it may have been decided minutes or hours ago:
    by an event's step, an approval at night, a retry): if the lead's hours closed or a cap filled
    meanwhile, it waits for the next opening instead of going out late."""
    now = services.clock()
    with services.session_factory.begin() as session:
        for touch in TouchRepository(session).held_and_due(now, limit=batch):
            allowed = services.loop.send_time(session, touch, now)
            if allowed > now:
                touch.send_after = allowed


def _release(lead: Lead) -> None:
    lead.lease_owner = None
    lead.lease_expires_at = None


def run_forever(
    services: Services,
    *,
    interval: float,
    stop: threading.Event,
    on_tick: Callable[[TickReport], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> None:
    """Tick until ``stop`` is set; waits on the event (not a sleep), so shutdown is immediate.

    A tick that filled its batch is followed by another at once: a backlog drains at full speed.
    """
    owner = worker_name()
    batch = services.settings.worker_batch
    while not stop.is_set():
        report = TickReport()
        try:
            report = tick(services, owner=owner, batch=batch, on_progress=on_progress)
            if report.busy:
                logger.info(
                    "worker.tick",
                    extra={
                        "claimed": report.claimed,
                        "stepped": report.leads_stepped,
                        "failed": report.leads_failed,
                        "sent": {k.value: v for k, v in report.sent.items()},
                    },
                )
                if on_tick is not None:
                    on_tick(report)
        except Exception:
            logger.exception("worker.tick_failed")
        if report.claimed < batch:
            stop.wait(interval)
