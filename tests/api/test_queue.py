"""The review queue over the API: approve, edit, reject; stale versions refused; double approve sends once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from agent.container import Services
from tests.conftest import Caller, make_caller
from tests.factories import add_touch, submit


def _draft(services: Services, **overrides: Any) -> tuple[str, str]:
    lead_id = submit(services).lead_id
    return str(lead_id), str(add_touch(services, lead_id=lead_id, **overrides))


def _outbox(services: Services) -> list[Path]:
    directory = services.settings.resolved_outbox_dir
    return list(directory.glob("*.eml")) if directory.exists() else []


class TestList:
    def test_queue_lists_drafts_waiting_for_review_with_their_lead(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id, touch_id = _draft(services)

        queue = client.get("/v1/queue", headers=rep.headers).json()

        assert queue["count"] == 1
        item = queue["data"][0]
        assert item["touch"]["id"] == touch_id
        assert item["lead"]["id"] == lead_id
        assert item["touch"]["drafter_label"] == "Drafted by the deterministic composer (no LLM)"


class TestApprove:
    def test_approve_sends_the_draft(self, client: TestClient, services: Services, rep: Caller) -> None:
        _, touch_id = _draft(services)

        response = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 200, response.text
        assert (services.settings.resolved_outbox_dir / f"{touch_id}.eml").exists()
        assert client.get("/v1/queue", headers=rep.headers).json()["count"] == 0

    def test_double_approve_sends_once(self, client: TestClient, services: Services, rep: Caller) -> None:
        _, touch_id = _draft(services)

        first = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)
        second = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)

        assert (first.status_code, second.status_code) == (200, 200)
        assert second.json()["state"] == "sent"
        assert [p.stem for p in _outbox(services)].count(touch_id) == 1

    def test_a_stale_version_is_refused_with_the_fresh_state(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        _, touch_id = _draft(services)
        other = make_caller(services, email="other-rep@example.com")
        client.post(
            f"/v1/queue/{touch_id}/edit", json={"version": 1, "body": "x " * 60 + "?"}, headers=other.headers
        )

        response = client.post(
            f"/v1/queue/{touch_id}/reject", json={"version": 1, "reason": "too long"}, headers=rep.headers
        )

        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["current"]["state"] in {"queued", "sent"}

    def test_a_draft_with_an_unfilled_placeholder_cannot_be_approved(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        _, touch_id = _draft(services, body="Hi [Name], here is the guide you asked about. " * 6)

        response = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 422
        assert "[Name]" in response.json()["detail"]
        assert _outbox(services) == [] or touch_id not in [p.stem for p in _outbox(services)]


class TestEdit:
    def test_edit_sends_the_new_text_and_keeps_the_original_in_the_audit_trail(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id, touch_id = _draft(services)
        new_body = (
            "Hi Dana,\n\nHere is the no-show calculator I mentioned: plug in your prices and weekly "
            "bookings and it shows what missed appointments cost Luna Hair Studio in a year. Owners often "
            "use the figure to decide on a deposit policy.\n\n"
            "Would Tuesday at 10:00 work for a short walk-through?\n\nMaya"
        )

        response = client.post(
            f"/v1/queue/{touch_id}/edit", json={"version": 1, "body": new_body}, headers=rep.headers
        )

        assert response.status_code == 200, response.text
        sent = (services.settings.resolved_outbox_dir / f"{touch_id}.eml").read_text()
        assert "walk-through" in sent
        timeline = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["timeline"]
        assert "edit_approve" in [item["summary"] for item in timeline if item["kind"] == "action"]


class TestReject:
    def test_reject_records_the_reason_and_sends_nothing(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        _, touch_id = _draft(services)

        response = client.post(
            f"/v1/queue/{touch_id}/reject",
            json={"version": 1, "reason": "wrong resource"},
            headers=rep.headers,
        )

        assert response.status_code == 200
        assert response.json()["state"] == "rejected"
        assert touch_id not in [p.stem for p in _outbox(services)]

    def test_reject_needs_a_reason(self, client: TestClient, services: Services, rep: Caller) -> None:
        _, touch_id = _draft(services)

        response = client.post(f"/v1/queue/{touch_id}/reject", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"
