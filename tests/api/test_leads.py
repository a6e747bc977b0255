"""Leads over the API: authentication, CRUD, the timeline, idempotent events, and the loop reacting."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Lead, ReviewAction, Touch
from agent.domain import UserRole
from agent.worker import tick
from tests.conftest import Caller, FakeClock, make_caller
from tests.factories import add_touch, inquiry_payload, submit

NEW_LEAD = {
    "email": "ops@brightsmile.example",
    "first_name": "Priya",
    "company": "Bright Smile",
    "industry": "dental",
}


class TestPhoneAsWritten:
    def test_a_lead_created_and_changed_with_a_phone_as_written_is_stored_in_e164(
        self, client: TestClient, rep: Caller
    ) -> None:
        """Found patching a lead: "(713) 555-0100" was refused with a regular expression as the reason."""
        created = client.post(
            "/v1/leads", json={**NEW_LEAD, "phone": "713.555.0100"}, headers=rep.headers
        ).json()
        patched = client.patch(
            f"/v1/leads/{created['id']}", json={"phone": "(713) 555-0199"}, headers=rep.headers
        )
        refused = client.patch(f"/v1/leads/{created['id']}", json={"phone": "12"}, headers=rep.headers)

        assert created["phone"] == "+17135550100"
        assert patched.json()["phone"] == "+17135550199"
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "phone"
        assert "country code" in refused.json()["detail"]


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


class TestTimelineDecisions:
    def test_the_timeline_shows_each_decision_with_its_rules_and_the_score_explained(
        self, client: TestClient, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]

        detail = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()

        decisions = [item for item in detail["timeline"] if item["kind"] == "decision"]
        assert decisions[0]["summary"] == "draft acknowledgment by email to send"
        assert decisions[0]["rules"][0] == "sequence.new_lead.step_0.due"
        assert detail["engagement_score"] == 10.0
        assert detail["score_breakdown"]["explanation"] == "10/100: 1 inquiries (+10)"
        assert detail["handoffs"] == []

    def test_a_handoff_shows_its_brief(self, client: TestClient, rep: Caller) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        reply = {
            "type": "reply",
            "channel": "email",
            "payload": {"message": "Is this a bot? I'd like to talk to a person"},
        }
        client.post(f"/v1/leads/{lead_id}/events", json=reply, headers=rep.headers)

        [handoff] = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["handoffs"]

        assert (handoff["reason"], handoff["status"]) == ("asks_for_person", "open")
        assert handoff["brief"]["talking_points"][0].startswith("They asked for a person")
        assert handoff["summary"].startswith("Dana Lopez (Luna Hair Studio): They replied (asks for person)")


class TestPauseResume:
    def test_pause_stops_automation_and_supersedes_drafts_then_resume_restarts_it(
        self, client: TestClient, services: Services, clock: FakeClock, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        tick(services)  # the day-0 answer: the personal reply the acknowledgment promised
        clock.advance(days=1, minutes=1)
        draft = add_touch(services, lead_id=uuid.UUID(lead_id), state="pending_review", step=1)

        paused = client.post(
            f"/v1/leads/{lead_id}/pause", json={"reason": "asked for a call in January"}, headers=rep.headers
        )
        tick(services)
        resumed = client.post(
            f"/v1/leads/{lead_id}/resume", json={"note": "back from the call"}, headers=rep.headers
        )

        assert paused.status_code == 200, paused.text
        assert (paused.json()["status"], paused.json()["next_action_at"]) == ("paused", None)
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["status"] == "active"
        detail = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()
        states = {t["id"]: t["state"] for t in detail["touches"]}
        assert states[str(draft)] == "superseded"
        assert sum(1 for t in detail["touches"] if t["step"] == 1) == 2  # drafted again on resume
        actions = [i for i in detail["timeline"] if i["kind"] == "action"]
        assert [a["summary"] for a in actions] == ["lead.pause", "lead.resume"]

    def test_a_snooze_resumes_by_itself(
        self, client: TestClient, services: Services, clock: FakeClock, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        until = (clock.now + timedelta(days=3)).isoformat()

        snoozed = client.post(f"/v1/leads/{lead_id}/pause", json={"until": until}, headers=rep.headers).json()
        clock.advance(days=3, minutes=1)
        tick(services)

        assert (snoozed["status"], snoozed["paused_until"], snoozed["next_action_at"]) == (
            "paused",
            until.replace("+00:00", "Z"),
            until.replace("+00:00", "Z"),
        )
        assert client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["status"] == "active"

    def test_resuming_a_lead_that_is_not_paused_changes_nothing(
        self, client: TestClient, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]

        response = client.post(f"/v1/leads/{lead_id}/resume", json={}, headers=rep.headers)

        assert response.status_code == 200
        timeline = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["timeline"]
        assert "lead.resume" not in [i["summary"] for i in timeline]

    def test_an_unsubscribed_lead_cannot_be_paused_or_resumed(self, client: TestClient, rep: Caller) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        client.patch(f"/v1/leads/{lead_id}", json={"status": "unsubscribed"}, headers=rep.headers)

        paused = client.post(f"/v1/leads/{lead_id}/pause", json={}, headers=rep.headers)
        resumed = client.post(f"/v1/leads/{lead_id}/resume", json={}, headers=rep.headers)

        assert (paused.status_code, resumed.status_code) == (409, 409)
        assert resumed.headers["content-type"] == "application/problem+json"
        assert resumed.json()["detail"] == "the lead is unsubscribed: automation cannot resume"

    def test_a_rep_cannot_pause_another_reps_lead_but_an_admin_can(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        owner = make_caller(services, email="owner@example.com")
        admin = make_caller(services, email="admin@example.com", role=UserRole.ADMIN)
        with services.session_factory.begin() as session:
            lead = session.get(Lead, uuid.UUID(lead_id))
            assert lead is not None
            lead.owner_id = owner.user_id

        refused = client.post(f"/v1/leads/{lead_id}/pause", json={}, headers=rep.headers)
        by_owner = client.post(f"/v1/leads/{lead_id}/pause", json={}, headers=owner.headers)
        by_admin = client.post(f"/v1/leads/{lead_id}/resume", json={}, headers=admin.headers)

        assert refused.status_code == 403
        assert "belongs to another rep" in refused.json()["detail"]
        assert (by_owner.status_code, by_admin.status_code) == (200, 200)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"until": "2026-11-30T09:00:00"}, "until"),
            ({"until": "2020-01-01T09:00:00Z"}, None),
            ({"why": "x"}, "why"),
        ],
    )
    def test_a_bad_pause_is_refused_with_what_to_fix(
        self, client: TestClient, rep: Caller, body: dict[str, str], field: str | None
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]

        response = client.post(f"/v1/leads/{lead_id}/pause", json=body, headers=rep.headers)

        assert response.status_code == 422
        if field is not None:
            assert response.json()["errors"][0]["field"] == field
        else:
            assert response.json()["detail"] == "pick a time in the future to snooze until"

    def test_pause_and_resume_need_a_key(self, client: TestClient) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]

        assert client.post(f"/v1/leads/{lead_id}/pause", json={}).status_code == 401
        assert client.post(f"/v1/leads/{lead_id}/resume", json={}).status_code == 401


class TestClose:
    def test_closing_a_lead_supersedes_its_drafts_sends_nothing_more_and_audits_the_reason(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        """A vendor's pitch through the form is held for a rep, who closes it here as on the page."""
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, step=5)

        response = client.post(
            f"/v1/leads/{lead_id}/close", json={"reason": "a vendor's pitch"}, headers=rep.headers
        )

        assert response.status_code == 200, response.text
        assert response.json()["status"] == "closed"
        with services.session_factory() as session:
            touch = session.get(Touch, touch_id)
            assert touch is not None and touch.state == "superseded"
            audit = session.scalars(select(ReviewAction).where(ReviewAction.action == "lead.close")).all()
        assert [a.reason for a in audit] == ["a vendor's pitch"]
        again = client.post(f"/v1/leads/{lead_id}/close", json={"reason": "again"}, headers=rep.headers)
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")

    def test_a_close_without_a_reason_says_what_to_fix(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = submit(services).lead_id

        response = client.post(f"/v1/leads/{lead_id}/close", json={}, headers=rep.headers)

        assert response.status_code == 422
        assert "reason" in response.text


class TestEditsMakeDraftsStale:
    def test_changing_the_need_supersedes_the_draft_waiting_for_review(
        self, client: TestClient, services: Services, clock: FakeClock, rep: Caller
    ) -> None:
        lead_id = client.post("/v1/inquiries", json=inquiry_payload()).json()["lead_id"]
        tick(services)  # the day-0 answer: the personal reply the acknowledgment promised
        clock.advance(days=1, minutes=1)
        draft = add_touch(services, lead_id=uuid.UUID(lead_id), state="pending_review", step=1)

        client.patch(f"/v1/leads/{lead_id}", json={"need": "fill last-minute gaps"}, headers=rep.headers)

        touches = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["touches"]
        old = next(t for t in touches if t["id"] == str(draft))
        assert (old["state"], old["superseded_reason"]) == ("superseded", "the lead's details changed (need)")
