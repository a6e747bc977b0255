"""The review queue over the API: priority and filters, approve, edit, reject, regenerate, bulk approve;
stale and out-of-date drafts refused; another rep's lead forbidden; double approve sends once."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from agent.container import Services
from tests.conftest import Caller, FakeClock, make_caller
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


def _own(services: Services, lead_id: str, owner: Caller) -> None:
    from agent.db.models import Lead

    with services.session_factory.begin() as session:
        lead = session.get(Lead, uuid.UUID(lead_id))
        assert lead is not None
        lead.owner_id = owner.user_id


class TestPriority:
    def test_hot_leads_then_new_leads_acknowledgments_then_the_oldest_come_first(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, oldest = _draft(services, step=3)
        clock.advance(minutes=5)
        ack_lead = submit(services, email="new@example.com").lead_id
        ack = str(add_touch(services, lead_id=ack_lead, purpose="acknowledgment", step=7))
        clock.advance(minutes=5)
        hot_lead = submit(services, email="hot@example.com").lead_id
        hot = str(add_touch(services, lead_id=hot_lead, step=8))
        from agent.db.models import Lead

        with services.session_factory.begin() as session:
            lead = session.get(Lead, hot_lead)
            assert lead is not None
            lead.engagement_score = 80.0

        queue = client.get("/v1/queue", headers=rep.headers).json()

        assert [item["touch"]["id"] for item in queue["data"]] == [hot, ack, oldest]
        assert [item["hot"] for item in queue["data"]] == [True, False, False]
        assert queue["data"][0]["bulk_approvable"] is True

    def test_mine_hides_other_reps_leads_and_team_shows_them(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        other = make_caller(services, email="other-rep@example.com")
        lead_id, theirs = _draft(services)
        _own(services, lead_id, other)
        unowned_lead = submit(services, email="free@example.com").lead_id
        unowned = str(add_touch(services, lead_id=unowned_lead))

        mine = client.get("/v1/queue", headers=rep.headers).json()
        team = client.get("/v1/queue?scope=team", headers=rep.headers).json()

        assert [i["touch"]["id"] for i in mine["data"]] == [unowned]
        assert {i["touch"]["id"] for i in team["data"]} == {theirs, unowned}

    def test_filters_by_channel_and_purpose(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id, value_add = _draft(services)
        faq = str(add_touch(services, lead_id=uuid.UUID(lead_id), purpose="faq", step=2))

        by_purpose = client.get("/v1/queue?purpose=faq", headers=rep.headers).json()
        by_channel = client.get("/v1/queue?channel=sms", headers=rep.headers).json()

        assert [i["touch"]["id"] for i in by_purpose["data"]] == [faq]
        assert by_channel["count"] == 0
        assert value_add != faq


class TestAccess:
    def test_without_a_key_the_queue_answers_401(self, client: TestClient, services: Services) -> None:
        _, touch_id = _draft(services)

        listed = client.get("/v1/queue")
        approved = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1})

        assert (listed.status_code, approved.status_code) == (401, 401)
        assert listed.headers["content-type"] == "application/problem+json"

    def test_a_rep_deciding_on_another_reps_lead_gets_403_and_nothing_changes(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        other = make_caller(services, email="other-rep@example.com")
        lead_id, touch_id = _draft(services)
        _own(services, lead_id, other)

        response = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 403
        assert response.json()["type"].endswith("not-your-lead")  # one code for every refusal of this kind
        assert touch_id not in [p.stem for p in _outbox(services)]


class TestOutOfDate:
    def test_a_superseded_draft_is_refused_with_the_reason(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, touch_id = _draft(services)
        clock.advance(hours=1)
        client.post(
            f"/v1/leads/{lead_id}/events",
            json={"type": "reply", "channel": "email", "payload": {"message": "Call me?"}},
            headers=rep.headers,
        )

        response = client.post(f"/v1/queue/{touch_id}/approve", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 409
        problem = response.json()
        assert problem["type"].endswith("review-out-of-date")
        assert "handed off to a person" in problem["detail"]
        assert problem["current"]["state"] == "superseded"


class TestRegenerate:
    def test_regenerate_returns_the_new_draft_and_supersedes_the_old(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        _, touch_id = _draft(services)

        response = client.post(
            f"/v1/queue/{touch_id}/regenerate",
            json={"version": 1, "instruction": "shorter"},
            headers=rep.headers,
        )

        assert response.status_code == 200, response.text
        new = response.json()
        assert new["id"] != touch_id and new["state"] == "pending_review"
        queue = client.get("/v1/queue", headers=rep.headers).json()
        assert [i["touch"]["id"] for i in queue["data"]] == [new["id"]]

    def test_an_instruction_is_required(self, client: TestClient, services: Services, rep: Caller) -> None:
        _, touch_id = _draft(services)

        response = client.post(f"/v1/queue/{touch_id}/regenerate", json={"version": 1}, headers=rep.headers)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "instruction"


class TestBulkApprove:
    def test_low_risk_clean_drafts_are_sent_the_others_skipped_with_a_reason(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id, clean = _draft(services)
        pricing = str(add_touch(services, lead_id=uuid.UUID(lead_id), purpose="pricing", step=2))

        response = client.post(
            "/v1/queue/bulk-approve",
            json={"drafts": [{"touch_id": clean, "version": 1}, {"touch_id": pricing, "version": 1}]},
            headers=rep.headers,
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert [t["id"] for t in body["approved"]] == [clean]
        assert [s["touch_id"] for s in body["skipped"]] == [pricing]
        assert "low-risk" in body["skipped"][0]["reason"]
        assert (services.settings.resolved_outbox_dir / f"{clean}.eml").exists()


class TestOpenApi:
    def test_the_queue_and_handoff_actions_are_documented(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]

        for path in (
            "/v1/queue",
            "/v1/queue/{touch_id}/approve",
            "/v1/queue/{touch_id}/edit",
            "/v1/queue/{touch_id}/reject",
            "/v1/queue/{touch_id}/regenerate",
            "/v1/queue/bulk-approve",
            "/v1/handoffs",
            "/v1/handoffs/{handoff_id}/claim",
            "/v1/handoffs/{handoff_id}/reply",
            "/v1/handoffs/{handoff_id}/resume",
            "/v1/handoffs/{handoff_id}/close",
            "/v1/metrics",
        ):
            assert path in paths, path
        assert "409" in paths["/v1/queue/{touch_id}/approve"]["post"]["responses"]
        assert not any(p == "/" or p.startswith("/queue") for p in paths)  # the pages are not the API
