"""A rep corrects how a reply was read, over the API and on the handoff page; the correction is audited,
changes no decision already taken, and comes back out as a labelled reply to train the reader on."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Event, ReviewAction
from agent.domain import EventType, LeadStatus
from agent.services.replies import corrections
from tests.api.web.pages import csrf_of, make_rep, notice_of, sign_in
from tests.conftest import Caller, FakeClock, make_caller
from tests.factories import submit

MESSAGE = "Not now, we just signed with another provider. Try me again in spring."


def _replied(
    client: TestClient, services: Services, rep: Caller, clock: FakeClock, email: str = "dana@example.com"
) -> tuple[str, str]:
    lead_id = str(submit(services, email=email).lead_id)
    services.outbox.drain()
    clock.advance(hours=1)
    posted = client.post(
        f"/v1/leads/{lead_id}/events",
        json={"type": "reply", "channel": "email", "payload": {"message": MESSAGE}},
        headers=rep.headers,
    )
    assert posted.status_code == 201, posted.text
    return lead_id, posted.json()["id"]


class TestOverTheApi:
    def test_a_correction_is_recorded_audited_and_exported_as_a_labelled_reply(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, event_id = _replied(client, services, rep, clock)
        status_before = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["status"]

        response = client.post(
            f"/v1/replies/{event_id}/correction",
            json={"intent": "objection", "note": "a competitor, not a timing question"},
            headers=rep.headers,
        )

        assert response.status_code == 200, response.text
        assert response.json()["payload"]["corrected_intent"] == "objection"
        assert client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()["status"] == status_before
        with services.session_factory() as session:
            audit = session.scalars(
                select(ReviewAction).where(ReviewAction.action == "reply.corrected")
            ).one()
            assert audit.reason == "a competitor, not a timing question"
            assert audit.details["to"] == "objection"
            (line,) = [c.line for c in corrections(session, since=clock.now - timedelta(days=1))]
        assert line["id"] == f"rep-{event_id}"
        assert (line["text"], line["intent"], line["handoff"], line["suppress"]) == (
            MESSAGE,
            "objection",
            True,
            False,
        )

    def test_the_latest_correction_of_a_reply_is_the_one_exported(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, event_id = _replied(client, services, rep, clock)
        for intent in ("objection", "not_now"):
            client.post(f"/v1/replies/{event_id}/correction", json={"intent": intent}, headers=rep.headers)

        with services.session_factory() as session:
            lines = [c.line for c in corrections(session, since=clock.now - timedelta(days=1))]

        assert [line["intent"] for line in lines] == ["not_now"]

    def test_another_reps_lead_is_403_and_nothing_is_recorded(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, event_id = _replied(client, services, rep, clock)
        (entry,) = client.get("/v1/handoffs", headers=rep.headers).json()["data"]
        client.post(f"/v1/handoffs/{entry['handoff']['id']}/claim", headers=rep.headers)  # rep's lead now
        other = make_caller(services, email="other-rep@example.com")

        response = client.post(
            f"/v1/replies/{event_id}/correction", json={"intent": "objection"}, headers=other.headers
        )

        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        with services.session_factory() as session:
            event = session.get(Event, uuid.UUID(event_id))
            assert event is not None and "corrected_intent" not in event.payload

    def test_an_event_that_is_not_a_reply_is_404(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = submit(services).lead_id
        with services.session_factory() as session:
            inquiry = session.scalars(
                select(Event).where(Event.lead_id == lead_id, Event.type == EventType.INQUIRY)
            ).one()

        response = client.post(
            f"/v1/replies/{inquiry.id}/correction", json={"intent": "question"}, headers=rep.headers
        )

        assert response.status_code == 404
        assert "no reply" in response.json()["detail"]

    def test_an_unknown_intent_names_the_field(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, event_id = _replied(client, services, rep, clock)

        response = client.post(
            f"/v1/replies/{event_id}/correction", json={"intent": "maybe"}, headers=rep.headers
        )

        assert response.status_code == 422
        assert "intent" in response.text

    def test_without_a_key_401(self, client: TestClient) -> None:
        response = client.post(f"/v1/replies/{uuid.uuid4()}/correction", json={"intent": "question"})

        assert response.status_code == 401


class TestOnTheHandoffPage:
    def test_a_rep_corrects_the_reading_from_the_brief(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id, event_id = _replied(client, services, rep, clock)
        with services.session_factory() as session:
            assert session.get(Event, uuid.UUID(event_id)) is not None
        sign_in(client, make_rep(services))
        page = client.get("/handoffs?scope=team")
        assert page.status_code == 200
        assert f'name="event_id" value="{event_id}"' in page.text  # the form sits under the reply it corrects
        handoff_id = client.get("/v1/handoffs?scope=team", headers=rep.headers).json()["data"][0]["handoff"][
            "id"
        ]

        answer = client.post(
            f"/handoffs/{handoff_id}/reading",
            data={
                "event_id": event_id,
                "intent": "objection",
                "csrf_token": csrf_of(page.text),
                "scope": "team",
            },
        )

        assert answer.status_code == 200
        assert "Noted: that reply was objection" in notice_of(answer.text)
        with services.session_factory() as session:
            event = session.get(Event, uuid.UUID(event_id))
            assert event is not None and event.payload["corrected_intent"] == "objection"
        lead = client.get(f"/v1/leads/{lead_id}", headers=rep.headers).json()
        assert lead["status"] == LeadStatus.HANDED_OFF.value  # nothing already decided changes

    def test_a_reply_of_another_lead_cannot_be_corrected_through_this_handoff(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        _, first_event = _replied(client, services, rep, clock)
        _, second_event = _replied(client, services, rep, clock, email="sam@example.com")
        sign_in(client, make_rep(services))
        page = client.get("/handoffs?scope=team")
        handoffs = client.get("/v1/handoffs?scope=team", headers=rep.headers).json()["data"]
        handoff_of = {h["lead"]["id"]: h["handoff"]["id"] for h in handoffs}
        with services.session_factory() as session:
            first = session.get(Event, uuid.UUID(first_event))
            assert first is not None
            handoff_of_first = handoff_of[str(first.lead_id)]

        answer = client.post(
            f"/handoffs/{handoff_of_first}/reading",
            data={"event_id": second_event, "intent": "objection", "csrf_token": csrf_of(page.text)},
        )

        assert answer.status_code == 404, notice_of(answer.text)
        with services.session_factory() as session:
            second = session.get(Event, uuid.UUID(second_event))
            assert second is not None and "corrected_intent" not in second.payload
