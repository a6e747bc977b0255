"""Who may do what, row by row over HTTP: each operation against the caller's relation to the lead.

The expected table is written out here, not read from ``agent.services.access``, so that a change of the
code's table that loosens a row fails this test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Handoff, Lead, Task
from agent.domain import Channel, EventType, UserRole
from agent.services.events import NewEvent, record_event
from tests.conftest import Caller, empty_tables, make_caller
from tests.factories import add_touch, submit


@pytest.fixture
def database_url(sqlite_database: str) -> Iterator[str]:
    """Who may do what does not depend on the database: SQLite only (the rest of the suite runs both)."""
    yield sqlite_database
    empty_tables(sqlite_database)


ADMIN, OWNER, UNOWNED, OTHER, NOBODY = "admin", "owner", "unowned", "other_rep", "no_credentials"


@dataclass(frozen=True)
class Target:
    lead_id: uuid.UUID
    touch_id: uuid.UUID
    handoff_id: uuid.UUID
    task_id: uuid.UUID


Request = Callable[[TestClient, Target, dict[str, str]], int]

# (operation, request, the status for admin, owner, a rep on an unowned lead, another rep, no credentials)
TABLE: list[tuple[str, Request, dict[str, int]]] = [
    (
        "read a lead",
        lambda c, t, h: c.get(f"/v1/leads/{t.lead_id}", headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 200, NOBODY: 401},
    ),
    (
        "ask what the agent would do next (a read: nothing is written)",
        lambda c, t, h: c.get(f"/v1/leads/{t.lead_id}/next", headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 200, NOBODY: 401},
    ),
    (
        "change a lead",
        lambda c, t, h: c.patch(f"/v1/leads/{t.lead_id}", json={"role": "Owner"}, headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
    (
        "record an event",
        lambda c, t, h: c.post(f"/v1/leads/{t.lead_id}/events", json={"type": "open"}, headers=h).status_code,
        {ADMIN: 201, OWNER: 201, UNOWNED: 201, OTHER: 403, NOBODY: 401},
    ),
    (
        "pause a lead",
        lambda c, t, h: c.post(f"/v1/leads/{t.lead_id}/pause", json={}, headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
    (
        "resume a lead",
        lambda c, t, h: c.post(f"/v1/leads/{t.lead_id}/resume", json={}, headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
    (
        "erase a lead",
        lambda c, t, h: c.delete(f"/v1/leads/{t.lead_id}", headers=h).status_code,
        {ADMIN: 204, OWNER: 204, UNOWNED: 204, OTHER: 403, NOBODY: 401},
    ),
    (
        "decide a draft",
        lambda c, t, h: (
            c.post(
                f"/v1/queue/{t.touch_id}/reject", json={"version": 1, "reason": "not a fit"}, headers=h
            ).status_code
        ),
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
    (
        "read a handoff",
        lambda c, t, h: c.get(f"/v1/handoffs/{t.handoff_id}", headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 200, NOBODY: 401},
    ),
    (
        "claim a handoff",
        lambda c, t, h: c.post(f"/v1/handoffs/{t.handoff_id}/claim", headers=h).status_code,
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
    (
        "complete a task",
        lambda c, t, h: (
            c.post(f"/v1/tasks/{t.task_id}/done", json={"outcome": "reached"}, headers=h).status_code
        ),
        {ADMIN: 200, OWNER: 200, UNOWNED: 200, OTHER: 403, NOBODY: 401},
    ),
]


def _target(services: Services, owner: Caller | None) -> Target:
    lead_id = submit(services).lead_id
    services.outbox.drain()
    with services.session_factory.begin() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        lead.owner_id = owner.user_id if owner else None
        reply = NewEvent(EventType.REPLY, Channel.EMAIL, {"message": "Can someone call me?"})
        record_event(session, services.loop, lead, reply, services.clock())
        handoff_id = session.scalars(select(Handoff.id).where(Handoff.lead_id == lead_id)).one()
    touch_id = add_touch(services, lead_id=lead_id, step=5)  # a draft written after the reply
    with services.session_factory.begin() as session:
        task = Task(
            lead_id=lead_id,
            touch_id=touch_id,
            channel="phone",
            title="Call",
            talking_points=[],
            script="",
            due_at=services.clock(),
            created_at=services.clock(),
        )
        session.add(task)
        session.flush()
        return Target(lead_id, touch_id, handoff_id, task.id)


@pytest.mark.parametrize("relation", [ADMIN, OWNER, UNOWNED, OTHER, NOBODY])
@pytest.mark.parametrize(("operation", "request_", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_the_authorisation_table(
    client: TestClient,
    services: Services,
    operation: str,
    request_: Request,
    expected: dict[str, int],
    relation: str,
) -> None:
    owner = make_caller(services, email="owner@example.com")
    callers = {
        ADMIN: make_caller(services, email="admin@example.com", role=UserRole.ADMIN),
        OWNER: owner,
        UNOWNED: make_caller(services, email="rep@example.com"),
        OTHER: make_caller(services, email="other@example.com"),
    }
    target = _target(services, None if relation == UNOWNED else owner)
    headers = callers[relation].headers if relation in callers else {}

    status = request_(client, target, headers)

    assert status == expected[relation], f"{operation} as {relation}"
