"""Issue 17, finding 7: a CR/LF in a name or a rep-edited subject was accepted, then the email could
never be sent; an address with a non-ASCII domain was accepted, then failed on every retry and ended
``gave_up`` with nobody told.

Over HTTP against the app, on SQLite and PostgreSQL; the sending ones through the suite's real SMTP
server on loopback (tests/smtp_server.py), with and without SMTPUTF8.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Lead, Task, Touch
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel
from agent.outbox import MAX_ATTEMPTS, Outcome
from api.app import create_app
from tests.api.web.pages import make_rep, notice_of, sign_in
from tests.conftest import Caller, FakeClock, make_caller
from tests.factories import add_touch, inquiry_payload, submit
from tests.smtp_server import LoopbackSmtp, loopback_smtp

BREAK = "Dana\r\nBcc: everyone@elsewhere.example"


def _one_line_refusal(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in body["errors"]] == [field]
    assert "one line" in body["errors"][0]["message"]


class TestLineBreaksInHeaderFields:
    @pytest.mark.parametrize("field", ["first_name", "last_name", "company", "role"])
    def test_a_line_break_in_a_name_is_a_422_naming_the_field(
        self, client: TestClient, services: Services, field: str
    ) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(**{field: BREAK}))

        _one_line_refusal(response, field)
        with services.session_factory() as session:
            assert session.scalar(select(Lead)) is None

    def test_a_line_break_in_a_patched_name_is_a_422_and_the_lead_keeps_its_name(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = submit(services).lead_id

        response = client.patch(f"/v1/leads/{lead_id}", json={"first_name": BREAK}, headers=rep.headers)

        _one_line_refusal(response, "first_name")
        with services.session_factory() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None and lead.first_name == "Dana"

    def test_a_line_break_in_an_edited_subject_is_a_422_naming_the_field(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        touch_id = add_touch(services, lead_id=submit(services).lead_id)

        response = client.post(
            f"/v1/queue/{touch_id}/edit",
            json={
                "version": 1,
                "subject": "Your guide\r\nBcc: x@elsewhere.example",
                "body": "Hi Dana, here.",
            },
            headers=rep.headers,
        )

        _one_line_refusal(response, "subject")
        assert _touch(services, touch_id).state == "pending_review"

    def test_a_line_break_in_a_subject_edited_on_the_review_page_is_a_form_error(
        self, client: TestClient, services: Services
    ) -> None:
        csrf = sign_in(client, make_rep(services))
        lead_id = submit(services).lead_id
        services.outbox.drain()
        touch_id = add_touch(services, lead_id=lead_id)

        response = client.post(
            f"/queue/{touch_id}/edit",
            data={
                "version": "1",
                "subject": "Your guide\nBcc: x@elsewhere.example",
                "body": "Hi Dana, here is the guide. Want a walkthrough?",
                "csrf_token": csrf,
            },
        )

        assert response.status_code == 422
        assert "the subject must be one line" in notice_of(response.text)
        touch = _touch(services, touch_id)
        assert (touch.state, touch.subject) == ("pending_review", "A resource for your salon")

    def test_a_name_stored_with_a_line_break_before_the_check_is_still_sent_on_one_line(
        self, services: Services
    ) -> None:
        """An import or an old row may hold one: the message goes out with the name on one line."""
        outcome = submit(services, first_name="Dana\nMarie")
        assert outcome.touch_id is not None

        assert services.outbox.drain() == {Outcome.SENT: 1}
        sent = (services.settings.resolved_outbox_dir / f"{outcome.touch_id}.eml").read_bytes()
        parsed = message_from_bytes(sent, policy=policy.default)
        assert parsed["To"].addresses[0].display_name == "Dana Marie Lopez"


def _touch(services: Services, touch_id: uuid.UUID) -> Touch:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch


@pytest.fixture(params=[False], ids=["relay"])
def smtp(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with loopback_smtp(tmp_path, security="none", smtputf8=request.param) as server:
        yield server


@pytest.fixture
def smtp_client(smtp_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(smtp_services), raise_server_exceptions=False) as test_client:
        yield test_client


def _tasks_of(services: Services, lead_id: uuid.UUID) -> list[Task]:
    with services.session_factory() as session:
        return list(session.scalars(select(Task).where(Task.lead_id == lead_id)))


def _suppressed(services: Services, email: str) -> frozenset[Channel]:
    with services.session_factory() as session:
        return SuppressionRepository(session).suppressed_channels(email=email, phone=None)


class TestInternationalAddresses:
    def test_a_punycode_domain_is_accepted_and_sent_as_punycode(
        self, smtp_client: TestClient, smtp_services: Services, smtp: LoopbackSmtp
    ) -> None:
        response = smtp_client.post("/v1/inquiries", json=inquiry_payload(email="dana@bücher.example"))

        assert response.status_code == 201, response.text
        [received] = smtp.handler.wait_for(1)
        assert received.recipients == ["dana@xn--bcher-kva.example"]
        assert "SMTPUTF8" not in received.mail_options
        assert received.message["To"].addresses[0].addr_spec == "dana@xn--bcher-kva.example"
        assert _touch(smtp_services, uuid.UUID(response.json()["touch_id"])).state == "sent"

    @pytest.mark.parametrize("smtp", [True], ids=["smtputf8-relay"], indirect=True)
    def test_a_non_ascii_mailbox_goes_by_smtputf8_when_the_relay_offers_it(
        self, smtp_client: TestClient, smtp_services: Services, smtp: LoopbackSmtp
    ) -> None:
        response = smtp_client.post("/v1/inquiries", json=inquiry_payload(email="jörg@bücher.example"))

        assert response.status_code == 201, response.text
        [received] = smtp.handler.wait_for(1)
        assert received.recipients == ["jörg@xn--bcher-kva.example"]
        assert "SMTPUTF8" in received.mail_options
        assert "To: Dana Lopez <jörg@xn--bcher-kva.example>".encode() in received.data
        assert _touch(smtp_services, uuid.UUID(response.json()["touch_id"])).state == "sent"

    def test_a_non_ascii_mailbox_on_a_relay_without_smtputf8_opens_a_task_not_a_silent_gave_up(
        self, smtp_client: TestClient, smtp_services: Services, smtp: LoopbackSmtp
    ) -> None:
        rep = make_caller(smtp_services)

        response = smtp_client.post("/v1/inquiries", json=inquiry_payload(email="jörg@bücher.example"))

        assert response.status_code == 201, response.text
        touch = _touch(smtp_services, uuid.UUID(response.json()["touch_id"]))
        assert (touch.state, touch.attempts) == ("failed", 1)  # at once, not after every retry
        assert "SMTPUTF8" in (touch.last_error or "")
        assert smtp.handler.received == []
        tasks = smtp_client.get("/v1/tasks", headers=rep.headers).json()["data"]
        assert [(t["touch_id"], t["channel"]) for t in tasks] == [(str(touch.id), "email")]
        assert tasks[0]["title"].startswith("Not sent")
        assert any("SMTPUTF8" in point for point in tasks[0]["talking_points"])
        assert _suppressed(smtp_services, "jörg@bücher.example") == frozenset()  # the address is fine

    def test_an_address_no_relay_can_take_is_a_422_naming_the_field(self, client: TestClient) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(email="dana@☃.example"))

        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["email"]
        assert "not allowed" in response.json()["detail"]


class TestAMessageThatCanNeverBeSent:
    def _owned_lead(self, services: Services, owner: Caller) -> tuple[uuid.UUID, uuid.UUID]:
        outcome = submit(services)
        assert outcome.touch_id is not None
        with services.session_factory.begin() as session:
            lead = session.get(Lead, outcome.lead_id)
            assert lead is not None
            lead.owner_id = owner.user_id
        return outcome.lead_id, outcome.touch_id

    def test_a_permanently_refused_message_opens_a_task_for_the_leads_rep(
        self, smtp_client: TestClient, smtp_services: Services, smtp: LoopbackSmtp
    ) -> None:
        rep = make_caller(smtp_services)
        other = make_caller(smtp_services, email="ben@example.com")
        lead_id, touch_id = self._owned_lead(smtp_services, rep)
        smtp.handler.refuse["dana.lopez@lunahair.example"] = "550 5.1.1 no such user"

        assert smtp_services.outbox.drain() == {Outcome.FAILED: 1}

        [task] = _tasks_of(smtp_services, lead_id)
        assert (task.touch_id, task.owner_id, task.status) == (touch_id, rep.user_id, "open")
        assert "no such user" in task.talking_points[0]
        mine = smtp_client.get("/v1/tasks", headers=rep.headers).json()["data"]
        assert [t["id"] for t in mine] == [str(task.id)]
        assert smtp_client.get("/v1/tasks", headers=other.headers).json()["data"] == []

    def test_a_message_that_fails_every_retry_opens_a_task_instead_of_ending_gave_up_silently(
        self, smtp_services: Services, smtp: LoopbackSmtp, clock: FakeClock
    ) -> None:
        rep = make_caller(smtp_services)
        lead_id, touch_id = self._owned_lead(smtp_services, rep)
        smtp.handler.refuse["dana.lopez@lunahair.example"] = "451 4.3.0 try again later"

        drains = []
        for _ in range(MAX_ATTEMPTS):
            drains.append(smtp_services.outbox.drain())
            clock.advance(hours=2)

        assert drains == [{Outcome.RETRY: 1}] * (MAX_ATTEMPTS - 1) + [{Outcome.FAILED: 1}]
        [task] = _tasks_of(smtp_services, lead_id)
        assert (task.touch_id, task.owner_id) == (touch_id, rep.user_id)
        assert f"{MAX_ATTEMPTS} attempts failed" in task.talking_points[0]
        assert "try again later" in task.talking_points[0]
