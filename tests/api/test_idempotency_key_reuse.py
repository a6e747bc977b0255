"""Issue 17, finding 8 (part): an `Idempotency-Key` names one request body, as the IETF httpapi
Idempotency-Key draft says: the same body replays the first answer, another body is refused with 422."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Event
from agent.domain import EventType
from tests.factories import inquiry_payload


def _inquiry_messages(services: Services) -> list[str]:
    with services.session_factory() as session:
        events = session.scalars(select(Event).where(Event.type == EventType.INQUIRY))
        return [str(event.payload["message"]) for event in events]


def test_idempotency_key_reused_with_a_different_body_gets_422(
    client: TestClient, services: Services
) -> None:
    headers = {"Idempotency-Key": "form-5c1d"}
    first = client.post("/v1/inquiries", json=inquiry_payload(), headers=headers)
    other = client.post(
        "/v1/inquiries",
        json=inquiry_payload(email="sam@glowspa.example", message="Do you do gift cards?"),
        headers=headers,
    )

    assert first.status_code == 201, first.text
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    problem = other.json()
    assert problem["type"].endswith("idempotency-key-reused")
    assert "Idempotency-Key" in problem["detail"]
    assert _inquiry_messages(services) == [inquiry_payload()["message"]]  # nothing of the second stored


def test_idempotency_key_reused_with_another_detail_of_the_same_contact_gets_422(
    client: TestClient, services: Services
) -> None:
    headers = {"Idempotency-Key": "form-77aa"}
    assert client.post("/v1/inquiries", json=inquiry_payload(), headers=headers).status_code == 201

    changed = client.post("/v1/inquiries", json=inquiry_payload(company="Luna Salon"), headers=headers)

    assert changed.status_code == 422
    assert changed.json()["type"].endswith("idempotency-key-reused")


def test_idempotency_key_reused_with_the_same_body_replays_the_first_answer(
    client: TestClient, services: Services
) -> None:
    headers = {"Idempotency-Key": "form-9e0b"}
    first = client.post("/v1/inquiries", json=inquiry_payload(), headers=headers)
    again = client.post("/v1/inquiries", json=inquiry_payload(), headers=headers)

    assert again.status_code == 200
    assert again.json()["replayed"] is True
    same = ("lead_id", "event_id", "touch_id", "acknowledgment")
    assert {k: again.json()[k] for k in same} == {k: first.json()[k] for k in same}
    assert len(_inquiry_messages(services)) == 1
