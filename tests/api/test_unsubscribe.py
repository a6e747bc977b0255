"""One-click unsubscribe: no login, takes effect before the next send, and only for its own lead."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.container import Services
from agent.domain import Channel
from agent.outbox import Outcome
from tests.factories import add_touch, submit


class TestOneClick:
    def test_post_suppresses_and_the_next_touch_is_not_sent(
        self, client: TestClient, services: Services
    ) -> None:
        outcome = submit(services)
        url = services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL)
        path = url.removeprefix(str(services.settings.public_base_url).rstrip("/"))

        response = client.post(path, data={"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert "unsubscribed" in response.text
        next_touch = add_touch(services, lead_id=outcome.lead_id, state="queued")
        assert services.outbox.dispatch(next_touch) is Outcome.CANCELLED

    def test_get_shows_a_confirmation_page_and_changes_nothing(
        self, client: TestClient, services: Services
    ) -> None:
        outcome = submit(services)
        path = "/u/" + services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL).rsplit("/u/", 1)[1]

        page = client.get(path)

        assert page.status_code == 200
        assert "<form method='post'" in page.text
        assert outcome.touch_id is not None
        assert services.outbox.dispatch(outcome.touch_id) is Outcome.SENT

    def test_a_forged_token_is_refused(self, client: TestClient, services: Services) -> None:
        outcome = submit(services)
        token = services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL).rsplit("/u/", 1)[1]
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

        response = client.post(f"/u/{forged}")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
