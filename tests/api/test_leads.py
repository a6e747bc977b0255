"""Leads over the API: authentication, CRUD, the timeline, idempotent events, and the loop reacting."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from agent.container import Services
from tests.conftest import Caller
from tests.factories import inquiry_payload

NEW_LEAD = {
    "email": "ops@brightsmile.example",
    "first_name": "Priya",
    "company": "Bright Smile",
    "industry": "dental",
}


class TestAuthentication:
    def test_without_a_key_the_api_answers_401_with_a_problem(self, client: TestClient) -> None:
        response = client.get("/v1/leads")

        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert "touchpoint users create-key" in response.json()["detail"]

    def test_an_unknown_key_is_refused(self, client: TestClient) -> None:
        response = client.get("/v1/leads", headers={"Authorization": "Bearer tp_not-a-real-key"})

        assert response.status_code == 401
        assert "unknown or revoked" in response.json()["detail"]


class TestCrud:
    def test_create_read_update_delete(self, client: TestClient, rep: Caller) -> None:
        created = client.post("/v1/leads", json=NEW_LEAD, headers=rep.headers)
        assert created.status_code == 201, created.text
        lead_id = created.json()["id"]

        patched = client.patch(f"/v1/leads/{lead_id}", json={"role": "Practice manager"}, headers=rep.headers)
        assert patched.status_code == 200
        assert patched.json()["role"] == "Practice manager"
        assert patched.json()["company"] == "Bright Smile"  # untouched by a PATCH that did not send it

        listed = client.get("/v1/leads", headers=rep.headers).json()
        assert listed["count"] == 1
        assert [lead["id"] for lead in listed["data"]] == [lead_id]

        assert client.delete(f"/v1/leads/{lead_id}", headers=rep.headers).status_code == 204
        assert client.get(f"/v1/leads/{lead_id}", headers=rep.headers).status_code == 404

    def test_a_second_lead_with_the_same_email_is_a_conflict(self, client: TestClient, rep: Caller) -> None:
        client.post("/v1/leads", json=NEW_LEAD, headers=rep.headers)
        response = client.post(
            "/v1/leads", json={**NEW_LEAD, "email": "OPS@brightsmile.example"}, headers=rep.headers
        )

        assert response.status_code == 409
        assert response.json()["type"].endswith("duplicate-lead")

    def test_unknown_lead_is_a_404_problem(self, client: TestClient, rep: Caller) -> None:
        response = client.get(f"/v1/leads/{uuid.uuid4()}", headers=rep.headers)

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert "no lead with id" in response.json()["detail"]

    def test_malformed_id_names_the_parameter(self, client: TestClient, rep: Caller) -> None:
        response = client.get("/v1/leads/not-a-uuid", headers=rep.headers)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "lead_id"

    def test_changes_are_audited_with_before_and_after(self, client: TestClient, rep: Caller) -> None:
        lead_id = client.post("/v1/leads", json=NEW_LEAD, headers=rep.headers).json()["id"]
        client.patch(
            f"/v1/leads/{lead_id}", json={"company": "Bright Smile Dental Group"}, headers=rep.headers
        )

        timeline = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["timeline"]

        assert [item["summary"] for item in timeline if item["kind"] == "action"] == [
            "lead.create",
            "lead.update",
        ]


class TestTimeline:
    def test_timeline_shows_the_inquiry_the_acknowledgment_and_its_sending(
        self, client: TestClient, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]

        detail = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()

        kinds = [(item["kind"], item["summary"].split(":")[0]) for item in detail["timeline"]]
        assert ("event", "inquiry") in kinds
        assert ("touch", "acknowledgment email") in kinds
        assert ("event", "email_sent") in kinds
        assert detail["touches"][0]["sources"]


class TestEvents:
    def test_the_same_event_delivered_twice_is_stored_once(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        event = {"type": "page_visit", "payload": {"url": "/pricing"}}
        headers = {**rep.headers, "Idempotency-Key": "visit-1"}

        first = client.post(f"/v1/leads/{lead_id}/events", json=event, headers=headers)
        second = client.post(f"/v1/leads/{lead_id}/events", json=event, headers=headers)

        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json()["id"] == second.json()["id"]
        timeline = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["timeline"]
        assert sum(1 for item in timeline if item["summary"].startswith("page_visit")) == 1

    def test_a_reply_hands_the_lead_to_a_person_and_pauses_automation(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        reply = {"type": "reply", "channel": "email", "payload": {"message": "Can we talk tomorrow?"}}

        client.post(f"/v1/leads/{lead_id}/events", json=reply, headers=rep.headers)

        lead = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()
        assert lead["status"] == "handed_off"
        assert lead["next_action_at"] is None
        assert any(item["summary"] == "handoff" for item in lead["timeline"])

    def test_event_without_a_time_zone_is_refused(self, client: TestClient, rep: Caller) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        response = client.post(
            f"/v1/leads/{lead_id}/events",
            json={"type": "open", "occurred_at": "2026-11-23T10:00:00"},
            headers=rep.headers,
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "occurred_at"

    def test_unknown_event_type_is_refused(self, client: TestClient, rep: Caller) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        response = client.post(f"/v1/leads/{lead_id}/events", json={"type": "teleport"}, headers=rep.headers)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "type"
