"""The handoff inbox over the API: list with targets, claim, log a reply, resume or close; authorised."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from agent.container import Services
from agent.domain import Channel, UserRole
from tests.api.web.pages import make_rep, sign_in
from tests.conftest import Caller, FakeClock, make_caller
from tests.factories import submit


def _handed_off(client: TestClient, services: Services, rep: Caller, clock: FakeClock) -> tuple[str, str]:
    lead_id = str(submit(services).lead_id)
    services.outbox.drain()
    clock.advance(hours=1)
    client.post(
        f"/v1/leads/{lead_id}/events",
        json={"type": "reply", "channel": "email", "payload": {"message": "Can someone call me?"}},
        headers=rep.headers,
    )
    (entry,) = client.get("/v1/handoffs", headers=rep.headers).json()["data"]
    return lead_id, entry["handoff"]["id"]


class TestInbox:
    def test_open_handoffs_come_with_their_brief_and_target(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, handoff_id = _handed_off(client, services, rep, clock)

        entry = client.get(f"/v1/handoffs/{handoff_id}", headers=rep.headers).json()

        assert entry["lead"]["id"] == lead_id
        assert entry["handoff"]["brief"]["talking_points"]
        assert entry["overdue"] is False
        clock.now = clock.now.replace(year=clock.now.year + 1)
        assert client.get(f"/v1/handoffs/{handoff_id}", headers=rep.headers).json()["overdue"] is True

    def test_without_a_key_401(self, client: TestClient) -> None:
        assert client.get("/v1/handoffs").status_code == 401


class TestActions:
    def test_claim_reply_then_resume_hands_the_lead_back_to_automation(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, handoff_id = _handed_off(client, services, rep, clock)

        claimed = client.post(f"/v1/handoffs/{handoff_id}/claim", headers=rep.headers)
        replied = client.post(
            f"/v1/handoffs/{handoff_id}/reply",
            json={"channel": "phone", "message": "Called, demo on Tuesday"},
            headers=rep.headers,
        )
        resumed = client.post(
            f"/v1/handoffs/{handoff_id}/resume", json={"note": "after the demo"}, headers=rep.headers
        )

        assert claimed.status_code == 200 and claimed.json()["claimed_by"] == str(rep.user_id)
        assert replied.status_code == 201 and replied.json()["payload"]["kind"] == "rep_reply"
        assert resumed.status_code == 200 and resumed.json()["status"] == "active"
        assert client.get("/v1/handoffs", headers=rep.headers).json()["count"] == 0
        lead = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()
        (handoff,) = lead["handoffs"]
        assert handoff["status"] == "closed"

    def test_close_ends_the_lead(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, handoff_id = _handed_off(client, services, rep, clock)

        closed = client.post(
            f"/v1/handoffs/{handoff_id}/close", json={"reason": "not a fit"}, headers=rep.headers
        )
        again = client.post(f"/v1/handoffs/{handoff_id}/close", json={"reason": "twice"}, headers=rep.headers)

        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert again.status_code == 409

    def test_another_reps_lead_is_403(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, handoff_id = _handed_off(client, services, rep, clock)
        client.post(f"/v1/handoffs/{handoff_id}/claim", headers=rep.headers)  # the lead is rep's now
        other = make_caller(services, email="other-rep@example.com")

        response = client.post(
            f"/v1/handoffs/{handoff_id}/reply",
            json={"channel": "email", "message": "hi"},
            headers=other.headers,
        )

        assert response.status_code == 403
        assert "another rep" in response.json()["detail"]

    def test_an_unknown_handoff_is_404(self, client: TestClient, rep: Caller) -> None:
        response = client.post("/v1/handoffs/00000000-0000-0000-0000-000000000000/claim", headers=rep.headers)

        assert response.status_code == 404


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class TestOptOutClosesHandoffs:
    """No rep is told to answer someone who asked for silence: an unsubscribe closes their handoffs."""

    def test_open_handoff_then_the_one_click_unsubscribe_closes_it_with_the_reason(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, handoff_id = _handed_off(client, services, rep, clock)
        clock.advance(minutes=5)

        link = services.links.unsubscribe_url(uuid.UUID(lead_id), Channel.EMAIL)
        assert client.post(_path(link), data={"List-Unsubscribe": "One-Click"}).status_code == 200

        entry = client.get(f"/v1/handoffs/{handoff_id}", headers=rep.headers).json()
        assert entry["handoff"]["status"] == "closed"
        assert entry["handoff"]["closed_at"] is not None
        assert entry["handoff"]["closed_reason"] == "the lead unsubscribed (email link): do not reply"
        assert entry["overdue"] is False
        assert client.get("/v1/handoffs", headers=rep.headers).json()["data"] == []
        detail = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()
        assert [h["closed_reason"] for h in detail["handoffs"]] == [entry["handoff"]["closed_reason"]]

    def test_open_handoff_then_unsubscribe_the_inbox_page_says_why_it_closed(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, handoff_id = _handed_off(client, services, rep, clock)
        link = services.links.unsubscribe_url(uuid.UUID(lead_id), Channel.EMAIL)
        client.post(_path(link), data={"List-Unsubscribe": "One-Click"})

        sign_in(client, make_rep(services, "ana@example.com", UserRole.ADMIN))
        page = client.get(f"/handoffs?focus={handoff_id}&scope=team")

        assert page.status_code == 200
        assert "This handoff is closed: the lead unsubscribed (email link): do not reply." in page.text

    def test_open_handoff_then_a_reply_asking_to_stop_closes_it_with_the_reason(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, handoff_id = _handed_off(client, services, rep, clock)
        clock.advance(minutes=5)

        client.post(
            f"/v1/leads/{lead_id}/events",
            json={
                "type": "reply",
                "channel": "email",
                "payload": {"message": "Please remove me from your list and stop emailing me."},
            },
            headers=rep.headers,
        )

        handoff = client.get(f"/v1/handoffs/{handoff_id}", headers=rep.headers).json()["handoff"]
        assert handoff["status"] == "closed"
        assert handoff["closed_reason"] == "the lead asked to stop hearing from us: do not reply"
        assert client.get("/v1/handoffs", headers=rep.headers).json()["data"] == []

    def test_a_handoff_closed_by_a_rep_gives_no_opt_out_reason(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _lead_id, handoff_id = _handed_off(client, services, rep, clock)

        client.post(f"/v1/handoffs/{handoff_id}/resume", json={}, headers=rep.headers)

        handoff = client.get(f"/v1/handoffs/{handoff_id}", headers=rep.headers).json()["handoff"]
        assert (handoff["status"], handoff["closed_reason"]) == ("closed", None)
