"""Unsubscribe and preferences: no login, effective before the next send, only for their own lead."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.container import Services
from agent.db.models import ReviewAction
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.events import EventRepository
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel
from agent.outbox import Outcome
from agent.settings import Settings
from tests.factories import add_touch, lead_row, submit

CASA_VERDE = Path(__file__).resolve().parents[2] / "evals" / "companies" / "casa-verde" / "company.yaml"


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _unsubscribes(services: Services, lead_id: uuid.UUID) -> int:
    with services.session_factory() as session:
        return sum(1 for e in EventRepository(session).for_lead(lead_id) if e.type == "unsubscribe")


def _audit(services: Services, lead_id: uuid.UUID) -> list[ReviewAction]:
    with services.session_factory() as session:
        return AuditRepository(session).for_lead(lead_id)


class TestOneClick:
    def test_post_suppresses_and_the_next_touch_is_not_sent(
        self, client: TestClient, services: Services
    ) -> None:
        outcome = submit(services)
        path = _path(services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL))

        response = client.post(path, data={"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert "unsubscribed" in response.text
        next_touch = add_touch(services, lead_id=outcome.lead_id, state="queued")
        assert services.outbox.dispatch(next_touch) is Outcome.CANCELLED
        assert lead_row(services, outcome.lead_id).status == "unsubscribed"

    def test_it_works_without_cookies_and_twice_is_recorded_once(
        self, client: TestClient, services: Services
    ) -> None:
        outcome = submit(services)
        path = _path(services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL))
        client.cookies.clear()

        first = client.post(path, data={"List-Unsubscribe": "One-Click"})
        second = client.post(path)

        assert (first.status_code, second.status_code) == (200, 200)
        assert "set-cookie" not in first.headers
        assert _unsubscribes(services, outcome.lead_id) == 1

    def test_get_shows_a_confirmation_page_and_changes_nothing(
        self, client: TestClient, services: Services
    ) -> None:
        outcome = submit(services)
        path = _path(services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL))

        page = client.get(path)

        assert page.status_code == 200
        assert f'<form method="post" action="{path}">' in page.text
        assert 'href="' + services.links.preferences_url(outcome.lead_id) + '"' in page.text
        assert outcome.touch_id is not None
        assert services.outbox.dispatch(outcome.touch_id) is Outcome.SENT

    def test_a_forged_token_is_refused(self, client: TestClient, services: Services) -> None:
        outcome = submit(services)
        token = services.links.unsubscribe_url(outcome.lead_id, Channel.EMAIL).rsplit("/u/", 1)[1]
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

        response = client.post(f"/u/{forged}")

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        with services.session_factory() as session:
            assert (
                SuppressionRepository(session).suppressed_channels(
                    email="dana.lopez@lunahair.example", phone=None
                )
                == frozenset()
            )


class TestPreferences:
    def test_the_page_offers_frequencies_and_only_the_channels_we_may_use(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services, phone="+15035550123").lead_id  # no SMS consent

        page = client.get(_path(services.links.preferences_url(lead_id)))

        assert page.status_code == 200
        assert 'value="reduced"' in page.text and 'value="monthly"' in page.text
        assert 'value="email"' in page.text and 'value="phone"' in page.text
        assert 'value="sms"' not in page.text

    def test_saving_stores_the_choice_on_the_lead_and_audits_it(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services).lead_id
        path = _path(services.links.preferences_url(lead_id))

        response = client.post(path, data={"frequency": "monthly", "channel": "email"})

        assert response.status_code == 200
        assert "at most one message a month" in response.text
        lead = lead_row(services, lead_id)
        assert (lead.contact_frequency, lead.preferred_channel) == ("monthly", "email")
        (entry,) = [a for a in _audit(services, lead_id) if a.action == "lead.preferences"]
        assert entry.details["after"] == {"contact_frequency": "monthly", "preferred_channel": "email"}
        assert entry.user_id is None

    def test_the_choice_is_an_event_the_policy_reads_after_an_unsubscribe_link(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services).lead_id
        path = _path(services.links.preferences_url(lead_id))

        client.post(path, data={"frequency": "reduced", "channel": "email"})

        with services.session_factory() as session:
            chosen = [e for e in EventRepository(session).for_lead(lead_id) if e.type == "preference"]
        assert [(e.channel, e.payload) for e in chosen] == [
            ("email", {"frequency": "reduced", "channel": "email"})
        ]

    def test_a_channel_that_is_not_offered_is_refused_and_nothing_changes(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services, phone="+15035550123").lead_id
        path = _path(services.links.preferences_url(lead_id))

        response = client.post(path, data={"frequency": "reduced", "channel": "sms"})

        assert response.status_code == 422
        assert "Please pick one of the options" in response.text
        lead = lead_row(services, lead_id)
        assert (lead.contact_frequency, lead.preferred_channel) == ("normal", None)

    def test_a_forged_preferences_link_is_refused(self, client: TestClient, services: Services) -> None:
        lead_id = submit(services).lead_id
        unsubscribe_token = services.links.unsubscribe_url(lead_id, Channel.EMAIL).rsplit("/", 1)[1]

        assert client.get(f"/p/{unsubscribe_token}").status_code == 404


class TestInTheLeadsLanguage:
    """Found following a Spanish lead's email: its footer said "Darse de baja con un clic", and the page
    that link opened was in English."""

    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings], database_url: str) -> Settings:
        return make_settings(database_url=database_url, company_profile=CASA_VERDE)  # writes en and es

    def test_a_spanish_speaking_lead_unsubscribes_on_a_page_in_spanish(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services, language="es").lead_id
        path = _path(services.links.unsubscribe_url(lead_id, Channel.EMAIL))

        page = client.get(path)
        done = client.post(path)

        assert '<html lang="es">' in page.text
        assert "¿Darse de baja de Casa Verde Remodeling?" in page.text
        assert "Dejaremos de enviarle correos de inmediato." in page.text
        assert "Se ha dado de baja" in done.text and "no volverá a enviarle correos" in done.text
        assert lead_row(services, lead_id).status == "unsubscribed"

    def test_a_spanish_speaking_lead_chooses_preferences_in_spanish(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services, language="es").lead_id
        path = _path(services.links.preferences_url(lead_id))

        page = client.get(path)
        saved = client.post(path, data={"frequency": "monthly", "channel": "email"})
        refused = client.post(path, data={"frequency": "monthly", "channel": "sms"})

        assert "¿Cómo prefiere saber de Casa Verde Remodeling?" in page.text
        assert "Rara vez: como mucho un mensaje al mes" in page.text
        assert "Gracias, sus preferencias están guardadas" in saved.text
        assert "como mucho un mensaje al mes; solo correo electrónico." in saved.text
        assert "Elija una de las opciones de abajo." in refused.text
        assert lead_row(services, lead_id).contact_frequency == "monthly"

    def test_an_english_speaking_lead_keeps_the_english_pages(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = submit(services, language="en").lead_id

        page = client.get(_path(services.links.unsubscribe_url(lead_id, Channel.EMAIL)))

        assert '<html lang="en">' in page.text and "Unsubscribe from Casa Verde Remodeling?" in page.text
