"""`GET /v1/metrics` over the real store: the figures for a period, and refusals of a bad period."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.container import Services
from tests.conftest import Caller, FakeClock
from tests.factories import submit


class TestMetrics:
    def test_a_new_inquiry_answered_at_once_shows_in_the_figures(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        submit(services)
        services.outbox.drain()
        clock.advance(hours=1)

        body = client.get("/v1/metrics?period=7d", headers=rep.headers).json()

        response = body["time_to_first_response"]
        assert (response["leads"], response["answered"]) == (1, 1)
        assert response["p50_seconds"] < 60
        assert body["touches_per_lead"]["sent"] == 1
        assert body["coverage"]["active"] == 1
        assert [row["purpose"] for row in body["by_step"]] == ["acknowledgment"]
        parts = {p["name"]: p for p in body["follow_up_score"]["parts"]}
        assert parts["Response speed"]["points"] == 20
        assert 0 < body["follow_up_score"]["total"] <= 100

    def test_a_chosen_range_of_days(self, client: TestClient, rep: Caller) -> None:
        body = client.get("/v1/metrics?start=2026-11-01&end=2026-11-10", headers=rep.headers).json()

        assert body["period"] == {"start": "2026-11-01T00:00:00+00:00", "end": "2026-11-11T00:00:00+00:00"}

    def test_a_bad_period_says_what_to_use(self, client: TestClient, rep: Caller) -> None:
        unknown = client.get("/v1/metrics?period=1y", headers=rep.headers)
        backwards = client.get("/v1/metrics?start=2026-11-10&end=2026-11-01", headers=rep.headers)

        assert unknown.status_code == 422 and "7d, 30d, 90d" in unknown.json()["detail"]
        assert backwards.status_code == 422

    def test_without_a_key_401(self, client: TestClient) -> None:
        assert client.get("/v1/metrics").status_code == 401
