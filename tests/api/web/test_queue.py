"""The queue page's actions through the app: each authorised, refused with a reason and its status."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from agent.container import Services
from agent.db.models import Lead, Task, Touch
from agent.domain import UserRole
from tests.api.web.pages import make_rep, notice_of, sign_in
from tests.conftest import FakeClock, make_caller
from tests.factories import add_touch, submit


def _draft(services: Services, **overrides: Any) -> tuple[uuid.UUID, uuid.UUID]:
    lead_id = submit(services).lead_id
    services.outbox.drain()
    return lead_id, add_touch(services, lead_id=lead_id, **overrides)


def _state(services: Services, touch_id: uuid.UUID) -> str:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch.state


class TestActions:
    def test_another_reps_lead_is_readable_but_an_action_on_it_is_403(
        self, client: TestClient, services: Services
    ) -> None:
        csrf = sign_in(client, make_rep(services))
        lead_id, touch_id = _draft(services)
        other = make_caller(services, email="ben@example.com")
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = other.user_id

        page = client.get(f"/?scope=team&focus={touch_id}")
        response = client.post(f"/queue/{touch_id}/approve", data={"version": "1", "csrf_token": csrf})

        assert 'id="not-yours"' in page.text and 'id="approve-form"' not in page.text
        assert response.status_code == 403
        assert "belongs to another rep" in notice_of(response.text)
        assert _state(services, touch_id) == "pending_review"

    def test_an_admin_acts_on_any_lead(self, client: TestClient, services: Services) -> None:
        csrf = sign_in(client, make_rep(services, "boss@example.com", UserRole.ADMIN))
        lead_id, touch_id = _draft(services)
        other = make_caller(services, email="ben@example.com")
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = other.user_id

        response = client.post(f"/queue/{touch_id}/approve", data={"version": "1", "csrf_token": csrf})

        assert response.status_code == 200 and "Approved" in notice_of(response.text)

    def test_an_edit_that_leaves_a_placeholder_is_refused_and_nothing_is_kept(
        self, client: TestClient, services: Services
    ) -> None:
        csrf = sign_in(client, make_rep(services))
        _, touch_id = _draft(services)

        response = client.post(
            f"/queue/{touch_id}/edit",
            data={"version": "1", "body": "Hi [Name], here is the guide. Want it?", "csrf_token": csrf},
        )

        assert response.status_code == 422
        assert "[Name]" in notice_of(response.text)
        with services.session_factory() as session:
            touch = session.get(Touch, touch_id)
            assert touch is not None and "[Name]" not in touch.body and touch.state == "pending_review"

    def test_bulk_approve_sends_the_ticked_low_risk_drafts(
        self, client: TestClient, services: Services
    ) -> None:
        csrf = sign_in(client, make_rep(services))
        lead_id, first = _draft(services)
        second = add_touch(services, lead_id=lead_id, step=2, purpose="social_proof")

        response = client.post(
            "/queue/bulk-approve",
            data={"draft": [f"{first}:1", f"{second}:1"], "csrf_token": csrf},
        )

        assert "Approved 2 drafts." in notice_of(response.text)
        assert {_state(services, first), _state(services, second)} <= {"queued", "sent"}

    def test_snooze_pauses_the_lead_until_then_and_outdates_its_draft(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        csrf = sign_in(client, make_rep(services))
        lead_id, touch_id = _draft(services)

        response = client.post(
            f"/leads/{lead_id}/snooze", data={"period": "3d", "touch": str(touch_id), "csrf_token": csrf}
        )

        assert response.status_code == 200, notice_of(response.text)
        with services.session_factory() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None and lead.status == "paused"
            assert lead.paused_until is not None and (lead.paused_until - clock.now).days == 3
        assert _state(services, touch_id) == "superseded"

    def test_a_task_is_marked_done_with_its_outcome(self, client: TestClient, services: Services) -> None:
        csrf = sign_in(client, make_rep(services))
        lead_id, touch_id = _draft(services, channel="phone", purpose="check_in")
        with services.session_factory.begin() as session:
            task = Task(
                lead_id=lead_id,
                touch_id=touch_id,
                channel="phone",
                title="Call Dana Lopez",
                talking_points=["Ask about Saturdays"],
                script="Hi Dana",
                due_at=services.clock(),
                created_at=services.clock(),
            )
            session.add(task)
            session.flush()
            task_id = task.id
        assert "Call Dana Lopez" in client.get("/").text

        response = client.post(f"/tasks/{task_id}/done", data={"outcome": "voicemail", "csrf_token": csrf})

        assert "Marked done: Call Dana Lopez" in notice_of(response.text)
        with services.session_factory() as session:
            done = session.get(Task, task_id)
            assert done is not None and (done.status, done.outcome) == ("done", "voicemail")


class TestPages:
    def test_an_empty_queue_offers_no_bulk_approval(self, client: TestClient, services: Services) -> None:
        """Found using the product: "0 drafts to review" above "Approve ticked low-risk drafts"."""
        sign_in(client, make_rep(services))

        page = client.get("/")

        assert page.status_code == 200 and "0 drafts to review" in page.text
        assert "Approve ticked low-risk drafts" not in page.text and "data-tick-all" not in page.text

    def test_a_clean_low_risk_draft_can_be_ticked_for_bulk_approval(
        self, client: TestClient, services: Services
    ) -> None:
        sign_in(client, make_rep(services))
        _, touch_id = _draft(services)

        page = client.get("/")

        assert f'name="draft" value="{touch_id}:1"' in page.text
        assert "Approve ticked low-risk drafts" in page.text

    def test_the_handoff_inbox_and_the_metrics_render(self, client: TestClient, services: Services) -> None:
        sign_in(client, make_rep(services))
        _draft(services)

        inbox = client.get("/handoffs")
        metrics = client.get("/metrics?period=7d")

        assert inbox.status_code == 200 and "waiting for a person" in inbox.text
        assert metrics.status_code == 200
        assert metrics.text.count("<svg") >= 4  # score, response times, touches, handoffs
        assert "follow-up score" in metrics.text

    def test_the_handoff_strip_says_how_many_more_wait_than_it_lists(
        self, client: TestClient, services: Services
    ) -> None:
        """Found at the queue: "Handoffs first: 7 leads waiting for a person" over a list of five."""
        caller = make_caller(services, email="admin@example.com", role=UserRole.ADMIN)
        for n in range(7):
            lead_id = submit(services, email=f"lead{n}@example.com").lead_id
            services.outbox.drain()
            client.post(
                f"/v1/leads/{lead_id}/events",
                json={"type": "reply", "channel": "email", "payload": {"message": "Can someone call me?"}},
                headers=caller.headers,
            )
        sign_in(client, make_rep(services))

        page = client.get("/")

        assert "7 leads waiting for a person" in page.text
        assert page.text.count('href="/handoffs?focus=') == 5
        assert "and 2 more in the inbox" in page.text

    def test_the_handoff_shows_the_phone_number_they_wrote_as_a_link(
        self, client: TestClient, services: Services
    ) -> None:
        """Found configuring an event hall: "Please call me ASAP 210-555-0148" and the rep's page showed
        no number to call."""
        caller = make_caller(services, email="admin@example.com", role=UserRole.ADMIN)
        lead_id = submit(services, email="dwight@example.com").lead_id
        services.outbox.drain()
        client.post(
            f"/v1/leads/{lead_id}/events",
            json={
                "type": "reply",
                "channel": "email",
                "payload": {"message": "Please call me ASAP 210-555-0148"},
            },
            headers=caller.headers,
        )
        sign_in(client, make_rep(services))

        page = client.get("/handoffs")

        assert '<a href="tel:210-555-0148">210-555-0148</a>' in page.text

    def test_filters_and_pages_keep_their_choices(self, client: TestClient, services: Services) -> None:
        sign_in(client, make_rep(services))
        _draft(services)

        page = client.get("/?scope=team&purpose=faq&channel=bogus")

        assert '<option value="team" selected>' in page.text
        assert '<option value="faq" selected>' in page.text
        assert "0 drafts to review" in page.text
