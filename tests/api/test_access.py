"""Who may do what, row by row over HTTP: every endpoint that reads or acts on a lead, against the
caller's relation to the lead (finding 1 of issue 17).

Each row is called with the real API keys of an admin, the lead's owner, a rep on a lead nobody owns,
another rep, and with no credentials. The answer's status must be the table's, and a refusal must
leave the database exactly as it was (a refused DELETE leaves the lead and its history; a refused
bulk approval approves nothing). The expected table is written out here, not read from
``agent.services.access``, so a change of the code's table that loosens a row fails this test; and
the OpenAPI document must promise a 403 exactly where the table refuses one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import ApiKey, Base, Handoff, Lead, Task
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
RELATIONS = (ADMIN, OWNER, UNOWNED, OTHER, NOBODY)

# A key's use is recorded (``last_used_at``) whether or not the request was allowed: not a change.
CREDENTIALS = {ApiKey.__tablename__}


def reads(status: int = 200) -> dict[str, int]:
    """Open to every signed-in rep, whoever owns the lead."""
    return {ADMIN: status, OWNER: status, UNOWNED: status, OTHER: status, NOBODY: 401}


def acts(status: int = 200) -> dict[str, int]:
    """The lead's owner, any rep on a lead nobody owns, an admin; not another rep."""
    return {ADMIN: status, OWNER: status, UNOWNED: status, OTHER: 403, NOBODY: 401}


@dataclass(frozen=True)
class Row:
    operation: str
    method: str
    path: str  # as in the OpenAPI document; {lead_id} and the like are filled from the target
    expected: dict[str, int]
    body: dict[str, Any] | None = None
    writes: bool = True  # an allowed call changes the database (a read must not)
    unchanged_for: frozenset[str] = field(default_factory=frozenset)  # answered 2xx, refused all the same


TABLE: list[Row] = [
    Row("list the leads", "GET", "/v1/leads", reads(), writes=False),
    Row("read a lead", "GET", "/v1/leads/{lead_id}", reads(), writes=False),
    Row("ask what the agent would do next", "GET", "/v1/leads/{lead_id}/next", reads(), writes=False),
    Row("create a lead", "POST", "/v1/leads", reads(201), body={"email": "new.lead@example.com"}),
    Row("change a lead", "PATCH", "/v1/leads/{lead_id}", acts(), body={"role": "Owner"}),
    Row("record an event", "POST", "/v1/leads/{lead_id}/events", acts(201), body={"type": "open"}),
    Row("pause a lead", "POST", "/v1/leads/{lead_id}/pause", acts(), body={}),
    Row("resume a lead", "POST", "/v1/leads/{lead_id}/resume", acts(), body={}),
    Row("assign a lead", "POST", "/v1/leads/{lead_id}/assign", acts(), body={"owner": "admin@example.com"}),
    Row("close a lead", "POST", "/v1/leads/{lead_id}/close", acts(), body={"reason": "a vendor's pitch"}),
    Row("erase a lead", "DELETE", "/v1/leads/{lead_id}", acts(204)),
    Row("read the review queue", "GET", "/v1/queue?scope=team", reads(), writes=False),
    Row("approve a draft", "POST", "/v1/queue/{touch_id}/approve", acts(), body={"version": 1}),
    Row(
        "edit and approve a draft",
        "POST",
        "/v1/queue/{touch_id}/edit",
        acts(),
        body={"version": 1, "subject": "A guide for you", "body": "Hi Dana, here is the no-show guide."},
    ),
    Row(
        "reject a draft",
        "POST",
        "/v1/queue/{touch_id}/reject",
        acts(),
        body={"version": 1, "reason": "not a fit"},
    ),
    Row(
        "regenerate a draft",
        "POST",
        "/v1/queue/{touch_id}/regenerate",
        acts(),
        body={"version": 1, "instruction": "shorter"},
    ),
    Row(
        "bulk-approve drafts (another rep's are skipped, not approved)",
        "POST",
        "/v1/queue/bulk-approve",
        reads(),
        body={"drafts": [{"touch_id": "{touch_id}", "version": 1}]},
        unchanged_for=frozenset({OTHER}),
    ),
    Row("read the handoff inbox", "GET", "/v1/handoffs?scope=team", reads(), writes=False),
    Row("read a handoff", "GET", "/v1/handoffs/{handoff_id}", reads(), writes=False),
    Row("claim a handoff", "POST", "/v1/handoffs/{handoff_id}/claim", acts()),
    Row(
        "log a reply to a handoff",
        "POST",
        "/v1/handoffs/{handoff_id}/reply",
        acts(201),
        body={"channel": "phone", "message": "Called her back"},
    ),
    Row("resume a handed-off lead", "POST", "/v1/handoffs/{handoff_id}/resume", acts(), body={}),
    Row(
        "close a handed-off lead",
        "POST",
        "/v1/handoffs/{handoff_id}/close",
        acts(),
        body={"reason": "bought elsewhere"},
    ),
    Row("list the tasks", "GET", "/v1/tasks?everyone=true", reads(), writes=False),
    Row("complete a task", "POST", "/v1/tasks/{task_id}/done", acts(), body={"outcome": "reached"}),
    Row(
        "correct how a reply was read",
        "POST",
        "/v1/replies/{event_id}/correction",
        acts(),
        body={"intent": "interested"},
    ),
]


@dataclass(frozen=True)
class Target:
    lead_id: uuid.UUID
    touch_id: uuid.UUID
    handoff_id: uuid.UUID
    task_id: uuid.UUID
    event_id: uuid.UUID

    def fill(self, value: Any) -> Any:
        """``value`` (a path or a body) with the target's ids in place of ``{lead_id}`` and the like."""
        if isinstance(value, str):
            return value.format(**{name: str(id_) for name, id_ in vars(self).items()})
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.fill(item) for item in value]
        return value


def _target(services: Services, owner: Caller | None) -> Target:
    """A lead who replied: handed off to a person, with a draft waiting for review and a call to make."""
    lead_id = submit(services).lead_id
    services.outbox.drain()
    with services.session_factory.begin() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        lead.owner_id = owner.user_id if owner else None
        reply = NewEvent(EventType.REPLY, Channel.EMAIL, {"message": "Can someone call me?"})
        event_id = record_event(session, services.loop, lead, reply, services.clock()).event.id
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
        return Target(lead_id, touch_id, handoff_id, task.id, event_id)


def _database(services: Services) -> dict[str, list[str]]:
    """Every row of every table (but the keys' last use), comparable before and after a call."""
    with services.session_factory() as session:
        return {
            table.name: sorted(repr(tuple(row)) for row in session.execute(table.select()))
            for table in Base.metadata.sorted_tables
            if table.name not in CREDENTIALS
        }


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("row", TABLE, ids=[row.operation for row in TABLE])
def test_the_authorisation_table(client: TestClient, services: Services, row: Row, relation: str) -> None:
    owner = make_caller(services, email="owner@example.com")
    callers = {
        ADMIN: make_caller(services, email="admin@example.com", role=UserRole.ADMIN),
        OWNER: owner,
        UNOWNED: make_caller(services, email="rep@example.com"),
        OTHER: make_caller(services, email="other@example.com"),
    }
    target = _target(services, None if relation == UNOWNED else owner)
    headers = callers[relation].headers if relation in callers else {}
    before = _database(services)

    response = client.request(row.method, target.fill(row.path), json=target.fill(row.body), headers=headers)

    assert response.status_code == row.expected[relation], f"{row.operation} as {relation}: {response.text}"
    after = _database(services)
    refused = response.status_code in (401, 403) or relation in row.unchanged_for
    if refused or not row.writes:
        changed = {name for name in before if before[name] != after[name]}
        assert changed == set(), f"{row.operation} as {relation} changed {changed}"
    else:
        assert after != before, f"{row.operation} as {relation} changed nothing: is the row's call right?"
    if response.status_code == 403:
        assert response.json()["type"].endswith("/not-your-lead")


def test_the_api_documents_a_403_exactly_where_the_table_refuses_one(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    for row in TABLE:
        documented = paths[row.path.partition("?")[0]][row.method.lower()]["responses"]
        refuses = 403 in row.expected.values()
        assert ("403" in documented) == refuses, f"{row.method} {row.path}: 403 documented {not refuses}"
