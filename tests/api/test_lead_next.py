"""GET /v1/leads/{id}/next: what the agent would do for the lead at a time, and the draft, writing nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agent.container import Services
from agent.db.models import Decision, Touch
from agent.worker import tick
from tests.conftest import Caller, FakeClock
from tests.factories import submit


def _answered(services: Services) -> uuid.UUID:
    """A lead whose day-0 answer went out: the acknowledgment, then the personal reply it promised (the
    worker's next tick). Its value-add is due on day one."""
    lead_id = submit(services).lead_id
    services.outbox.drain()
    tick(services)
    return lead_id


def _rows(services: Services) -> tuple[int, int]:
    with services.session_factory() as session:
        touches = session.scalar(select(func.count()).select_from(Touch)) or 0
        decisions = session.scalar(select(func.count()).select_from(Decision)) or 0
        return touches, decisions


class TestNextAction:
    def test_on_day_one_it_returns_the_value_add_and_its_draft_and_records_nothing(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id = _answered(services)
        before = _rows(services)
        at = (clock() + timedelta(days=1, hours=1)).isoformat()

        response = client.get(f"/v1/leads/{lead_id}/next", params={"at": at}, headers=rep.headers)

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["action"], body["purpose"], body["channel"]) == ("draft_touch", "value_add", "email")
        assert body["rules"]
        assert body["draft"]["body"]
        assert body["draft"]["route"] in {"queued", "pending_review"}
        assert _rows(services) == before

    def test_without_a_time_it_decides_now(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id = _answered(services)

        body = client.get(f"/v1/leads/{lead_id}/next", headers=rep.headers).json()

        assert body["action"] == "wait"
        assert body["draft"] is None
        assert body["at"].startswith(clock().date().isoformat())


class TestRefusals:
    def test_an_unknown_lead_is_a_404_problem(self, client: TestClient, rep: Caller) -> None:
        response = client.get(f"/v1/leads/{uuid.uuid4()}/next", headers=rep.headers)

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("lead-not-found")

    def test_a_time_without_a_zone_is_a_422_problem(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = _answered(services)

        response = client.get(
            f"/v1/leads/{lead_id}/next", params={"at": "2026-12-01T10:00:00"}, headers=rep.headers
        )

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert "zone" in response.json()["detail"]

    def test_something_that_is_not_a_time_is_a_422_problem(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = _answered(services)

        response = client.get(f"/v1/leads/{lead_id}/next", params={"at": "next tuesday"}, headers=rep.headers)

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

    def test_without_a_key_it_is_a_401(self, client: TestClient, services: Services) -> None:
        lead_id = _answered(services)

        assert client.get(f"/v1/leads/{lead_id}/next").status_code == 401
