"""Issue 17, finding 3: a lead's words are never made a link, and the click redirect is no open redirect.

An anonymous inquiry whose first name was a URL got an acknowledgment whose HTML made that URL a tracked
link, so our signed redirect sent the reader wherever the lead chose. Only links the company put in
the message (its knowledge base, its website) are tracked or redirected to.
"""

from __future__ import annotations

import re
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage

from fastapi.testclient import TestClient

from agent.container import Services
from agent.db.models import Event, Lead, Touch
from agent.db.repositories.events import EventRepository
from tests.factories import inquiry_payload

EVIL = "https://evil.example/x"


def _html(services: Services, touch_id: str) -> str:
    path = services.settings.resolved_outbox_dir / f"{touch_id}.eml"
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(email, EmailMessage)
    part = email.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def _clicks(services: Services, lead_id: uuid.UUID) -> list[Event]:
    with services.session_factory() as session:
        return [e for e in EventRepository(session).for_lead(lead_id) if e.type == "click"]


def test_open_redirect_a_url_given_as_a_first_name_is_never_a_link_nor_a_redirect(
    client: TestClient, services: Services
) -> None:
    accepted = client.post("/v1/inquiries", json=inquiry_payload(first_name=EVIL))
    assert accepted.status_code == 201, accepted.text
    touch_id = accepted.json()["touch_id"]
    with services.session_factory() as session:
        touch = session.get(Touch, uuid.UUID(touch_id))
        assert touch is not None and touch.state == "sent"
        lead_id = touch.lead_id

    html = _html(services, touch_id)
    hrefs = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', html)]
    targets = [
        services.links.read_click(href.rsplit("/t/c/", 1)[1])[1] if "/t/c/" in href else href
        for href in hrefs
    ]
    assert not [target for target in targets if "evil.example" in target.lower()], html
    assert re.search(r"<a\b[^>]*>[^<]*evil\.example", html, re.IGNORECASE) is None, html
    # The company's own link in the same message is still tracked: the rule is narrow, not "no links".
    assert any("/t/c/" in href for href in hrefs), html

    # Defence in depth: even a click token signed with the real secret does not lead off the message.
    forged = services.links.click_url(uuid.UUID(touch_id), EVIL).rsplit("/t/c/", 1)[1]
    response = client.get(f"/t/c/{forged}", follow_redirects=False)

    assert response.status_code == 404
    assert "location" not in response.headers
    assert response.headers["content-type"] == "application/problem+json"
    assert _clicks(services, lead_id) == []


def test_a_url_given_as_a_first_name_is_not_a_name_to_greet_by(
    client: TestClient, services: Services
) -> None:
    """Found trying the fix as a lead would: the acknowledgment said "Hi Https://Evil.Example/X," in
    its text part (which mail clients make a link of) and put the URL in the To line. A name field
    holding a link is no name: the message greets without one, and the rep still sees what was typed."""
    accepted = client.post(
        "/v1/inquiries", json=inquiry_payload(first_name=EVIL, last_name="www.spam.example")
    )
    assert accepted.status_code == 201, accepted.text
    touch_id = accepted.json()["touch_id"]
    path = services.settings.resolved_outbox_dir / f"{touch_id}.eml"
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(email, EmailMessage)
    text = email.get_body(("plain",))
    assert text is not None

    assert "evil.example" not in str(text.get_content()).lower()
    assert "spam.example" not in str(text.get_content()).lower()
    assert email["To"].addresses[0].display_name == "", email["To"]
    with services.session_factory() as session:
        touch = session.get(Touch, uuid.UUID(touch_id))
        assert touch is not None
        lead = session.get(Lead, touch.lead_id)
        assert lead is not None
        assert (lead.first_name, lead.last_name) == (EVIL, "www.spam.example")
