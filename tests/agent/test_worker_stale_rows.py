"""Issue 17, finding 2 (the worker): a row another writer changed under a tick (``StaleDataError``)
costs that lead, or that touch, one more try, never the whole tick. SQLite and PostgreSQL.

Another writer is played by the database itself: right before the tick's flush writes a chosen row,
the row's version is counted up on the tick's own connection, exactly what a concurrent commit leaves
behind, so the ORM's versioned UPDATE matches nothing and raises ``StaleDataError``, once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from agent.container import Services
from agent.db.models import Lead, Touch
from agent.domain import TouchState
from agent.worker import tick
from tests.conftest import FakeClock
from tests.factories import add_touch, submit


@contextmanager
def changed_once_under_the_flush(model: type[Lead] | type[Touch], row_id: uuid.UUID) -> Iterator[list[int]]:
    """The first flush that updates row ``row_id`` finds it changed by someone else (its version bumped);
    yields a list that counts how often that happened."""
    bumped: list[int] = []

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        if bumped:
            return
        if any(isinstance(row, model) and row.id == row_id for row in session.dirty):
            session.connection().execute(
                update(model).where(model.id == row_id).values(version=model.version + 1)
            )
            bumped.append(1)

    event.listen(Session, "before_flush", before_flush)
    try:
        yield bumped
    finally:
        event.remove(Session, "before_flush", before_flush)


def _due_for_value_add(services: Services, clock: FakeClock) -> list[uuid.UUID]:
    """Two leads whose day-0 answer went out yesterday (the acknowledgment, then the personal reply it
    promised, on the worker's next tick): each one's value-add is due (a draft)."""
    ids = [
        submit(services, email=f"lead{n}@example.com", message=f"Question number {n}").lead_id
        for n in range(2)
    ]
    services.outbox.drain()
    tick(services)
    clock.advance(days=1, minutes=1)
    return ids


def _value_adds(services: Services, lead_id: uuid.UUID) -> int:
    with services.session_factory() as session:
        touches = session.scalars(select(Touch).where(Touch.lead_id == lead_id, Touch.step == 1))
        return len(list(touches))


def test_a_stale_data_error_on_one_lead_costs_that_lead_a_retry_not_the_tick(
    services: Services, clock: FakeClock
) -> None:
    stale, other = _due_for_value_add(services, clock)

    with changed_once_under_the_flush(Lead, stale) as bumped:
        report = tick(services)

    assert bumped == [1]  # the lead really was changed under the tick
    assert (report.leads_failed, report.leads_stepped) == (0, 2)
    assert (_value_adds(services, stale), _value_adds(services, other)) == (1, 1)


def test_a_stale_data_error_while_holding_a_touch_does_not_stop_the_outbox(
    services: Services, clock: FakeClock
) -> None:
    night = submit(services, email="kenji@example.com", timezone="Asia/Tokyo").lead_id  # 23:30 there
    day = submit(services, email="dana@example.com", timezone="America/New_York").lead_id  # 09:30 there
    services.outbox.drain()
    held = add_touch(services, lead_id=night, state="queued")
    due = add_touch(services, lead_id=day, state="queued")
    with services.session_factory.begin() as session:  # both decided earlier, for now
        session.execute(update(Touch).where(Touch.id.in_([held, due])).values(send_after=clock.now))

    with changed_once_under_the_flush(Touch, held) as bumped:
        report = tick(services)

    assert bumped == [1]
    with services.session_factory() as session:
        held_touch, due_touch = session.get(Touch, held), session.get(Touch, due)
        assert held_touch is not None and due_touch is not None
        assert held_touch.state == TouchState.QUEUED
        assert held_touch.send_after is not None and held_touch.send_after > clock.now + timedelta(hours=1)
        assert due_touch.state == TouchState.SENT
    assert sum(report.sent.values()) >= 1
