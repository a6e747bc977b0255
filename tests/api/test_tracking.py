"""Open pixel and click redirects: recorded as they came, and only for links we signed."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage

from fastapi.testclient import TestClient

from agent.container import Services
from agent.db.models import Event
from agent.db.repositories.events import EventRepository
from agent.domain import Channel
from agent.signing import sign
from tests.conftest import Caller, FakeClock
from tests.factories import add_touch, submit

LINK = "https://northstar-bookings.example/resources/no-show-cost-calculator"  # in the knowledge base
UA = "Mozilla/5.0 (Macintosh) AppleMail/16.0"


def _path(url: str) -> str:
    return "/t/" + url.split("/t/", 1)[1]


def _events(services: Services, lead_id: uuid.UUID, kind: str) -> list[Event]:
    with services.session_factory() as session:
        return [e for e in EventRepository(session).for_lead(lead_id) if e.type == kind]


def _sent_touch(services: Services) -> tuple[uuid.UUID, uuid.UUID]:
    lead_id = submit(services).lead_id
    touch_id = add_touch(services, lead_id=lead_id, state="queued", body=f"Hi Dana,\n\nHere it is: {LINK}")
    services.outbox.dispatch(touch_id)
    return lead_id, touch_id


class TestOpenPixel:
    def test_loading_the_pixel_records_an_open_with_who_asked(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id, touch_id = _sent_touch(services)

        response = client.get(_path(services.links.open_url(touch_id)), headers={"user-agent": UA})

        assert response.status_code == 200
        assert response.headers["content-type"] == "image/gif"
        assert response.headers["cache-control"].startswith("no-store")
        (event,) = _events(services, lead_id, "open")
        assert event.payload == {"touch_id": str(touch_id), "user_agent": UA, "ip": "testclient"}
        assert event.channel == "email"

    def test_every_load_is_recorded_bots_included(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, touch_id = _sent_touch(services)
        path = _path(services.links.open_url(touch_id))

        client.get(path, headers={"user-agent": "GoogleImageProxy"})
        clock.advance(minutes=1)  # a minute apart: events at one instant have no order on PostgreSQL
        client.get(path, headers={"user-agent": UA})

        # Both loads carry the same (fake) time, so the store may give them back in either order.
        assert sorted(e.payload["user_agent"] for e in _events(services, lead_id, "open")) == sorted(
            ["GoogleImageProxy", UA]
        )

    def test_a_forged_pixel_records_nothing(self, client: TestClient, services: Services) -> None:
        lead_id, touch_id = _sent_touch(services)
        forged = sign("not-our-secret-not-our-secret-xx", "open", str(touch_id))

        assert client.get(f"/t/o/{forged}").status_code == 404
        assert _events(services, lead_id, "open") == []


class TestClickRedirect:
    def test_the_email_links_through_the_redirect_to_the_original_page(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id, touch_id = _sent_touch(services)
        email = message_from_bytes(
            (services.settings.resolved_outbox_dir / f"{touch_id}.eml").read_bytes(), policy=policy.default
        )
        assert isinstance(email, EmailMessage)
        html_part = email.get_body(("html",))
        assert html_part is not None
        html = str(html_part.get_content())
        tracked = html.split('<a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        assert "/t/c/" in tracked

        response = client.get(_path(tracked), headers={"user-agent": UA}, follow_redirects=False)

        assert response.status_code == 302
        assert response.headers["location"] == LINK
        (event,) = _events(services, lead_id, "click")
        assert event.payload == {"touch_id": str(touch_id), "user_agent": UA, "ip": "testclient", "url": LINK}

    def test_a_tampered_link_is_not_an_open_redirect(self, client: TestClient, services: Services) -> None:
        lead_id, touch_id = _sent_touch(services)
        token = services.links.click_url(touch_id, LINK).rsplit("/", 1)[1]
        value, mac = token.split(".")
        other = sign("x", "click", f"{touch_id} https://evil.example/").split(".")[0]

        response = client.get(f"/t/c/{other}.{mac}", follow_redirects=False)

        assert response.status_code == 404
        assert "location" not in response.headers
        assert _events(services, lead_id, "click") == []
        assert value != other

    def test_a_token_for_another_purpose_does_not_redirect(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services).lead_id
        unsubscribe = services.links.unsubscribe_url(lead_id, Channel.EMAIL)

        response = client.get("/t/c/" + unsubscribe.rsplit("/", 1)[1], follow_redirects=False)

        assert response.status_code == 404

    def test_a_link_to_a_forgotten_lead_still_works_and_records_nothing(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id, touch_id = _sent_touch(services)
        assert client.delete(f"/v1/leads/{lead_id}", headers=rep.headers).status_code == 204

        response = client.get(_path(services.links.click_url(touch_id, LINK)), follow_redirects=False)

        assert (response.status_code, response.headers["location"]) == (302, LINK)

    def test_after_the_lead_is_forgotten_only_the_companys_own_links_redirect(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = submit(services).lead_id
        body = f"Hi Dana,\n\n{LINK} and https://lead-wrote-this.example/page"
        touch_id = add_touch(services, lead_id=lead_id, state="queued", body=body)
        services.outbox.dispatch(touch_id)
        assert client.delete(f"/v1/leads/{lead_id}", headers=rep.headers).status_code == 204

        other = client.get(
            _path(services.links.click_url(touch_id, "https://lead-wrote-this.example/page")),
            follow_redirects=False,
        )

        assert other.status_code == 404
        assert "location" not in other.headers
