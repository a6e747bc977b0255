"""A lead who gives no time zone is in the business's: its sending hours must not be counted in UTC.

Found configuring Touchpoint for a Houston remodeler (evals/companies/casa-verde): the profile says
``timezone: America/Chicago``, yet leads who gave none were stored in UTC, so "08:00-20:00" meant
02:00-14:00 for them; and a lead created over the API or imported from a CSV was in UTC even with
TOUCHPOINT_DEFAULT_TIMEZONE set.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from fastapi.testclient import TestClient

from agent.company import ProfileError, load_profile
from agent.container import Services
from agent.db.models import Lead
from agent.leads_import import import_leads, read_rows
from agent.services.leads import default_timezone, team_timezone
from agent.settings import Settings
from tests.conftest import Caller, FakeClock
from tests.factories import inquiry_payload, lead_row, submit

CASA_VERDE = Path(__file__).resolve().parents[2] / "evals" / "companies" / "casa-verde" / "company.yaml"


def _timezone(services: Services, lead_id: str) -> str:
    return lead_row(services, uuid.UUID(lead_id)).timezone


class TestTheCompanysTimeZone:
    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings], database_url: str) -> Settings:
        return make_settings(database_url=database_url, company_profile=CASA_VERDE)

    def test_an_inquiry_without_a_time_zone_is_in_the_company_profiles(
        self, client: TestClient, services: Services
    ) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(timezone=None))

        assert response.status_code == 201, response.text
        assert _timezone(services, response.json()["lead_id"]) == "America/Chicago"

    def test_a_lead_created_over_the_api_without_a_time_zone_is_in_the_company_profiles(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        response = client.post("/v1/leads", json={"email": "ops@brightsmile.example"}, headers=rep.headers)

        assert response.status_code == 201, response.text
        assert response.json()["timezone"] == "America/Chicago"

    def test_a_lead_who_gives_a_time_zone_keeps_it(self, client: TestClient, services: Services) -> None:
        response = client.post("/v1/inquiries", json=inquiry_payload(timezone="Pacific/Honolulu"))

        assert _timezone(services, response.json()["lead_id"]) == "Pacific/Honolulu"


class TestTheDefaultTimeZoneSetting:
    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings], database_url: str) -> Settings:
        return make_settings(
            database_url=database_url, company_profile=CASA_VERDE, default_timezone="America/Denver"
        )

    def test_the_setting_wins_over_the_company_profile(self, services: Services) -> None:
        assert default_timezone(services.settings, services.identity) == "America/Denver"

    def test_a_lead_created_over_the_api_without_a_time_zone_gets_the_setting(
        self, client: TestClient, rep: Caller
    ) -> None:
        response = client.post("/v1/leads", json={"email": "ops@brightsmile.example"}, headers=rep.headers)

        assert response.json()["timezone"] == "America/Denver"

    def test_an_imported_row_without_a_time_zone_gets_the_default_it_is_given(
        self, services: Services, tmp_path: Path
    ) -> None:
        csv = tmp_path / "leads.csv"
        csv.write_text(
            "email,first_name,timezone\nmaya@brightsmile.example,Maya,\nli@example.com,Li,Asia/Tokyo\n"
        )

        with services.session_factory.begin() as session:
            import_leads(
                session,
                read_rows(csv),
                now=services.clock(),
                valid_timezones=available_timezones(),
                default_timezone="America/Denver",
            )

        with services.session_factory() as session:
            zones = {lead.email: lead.timezone for lead in session.query(Lead).all()}
        assert zones == {"maya@brightsmile.example": "America/Denver", "li@example.com": "Asia/Tokyo"}


class TestTheTeamsTimeZone:
    """Found configuring Touchpoint for a San Antonio event hall: the team's hours were read in UTC, so a
    handoff made in the evening was due at 04:00 the team's time."""

    @pytest.fixture
    def settings(self, make_settings: Callable[..., Settings], database_url: str) -> Settings:
        return make_settings(database_url=database_url, company_profile=CASA_VERDE)

    def test_a_handoff_is_due_within_the_company_profiles_working_hours(
        self, client: TestClient, services: Services, rep: Caller, clock: FakeClock
    ) -> None:
        lead_id = str(submit(services).lead_id)
        services.outbox.drain()
        clock.advance(hours=1)

        response = client.post(
            f"/v1/leads/{lead_id}/events",
            json={"type": "reply", "channel": "email", "payload": {"message": "Can someone call me?"}},
            headers=rep.headers,
        )

        assert response.status_code in (200, 201), response.text
        (entry,) = client.get("/v1/handoffs", headers=rep.headers).json()["data"]
        due = datetime.fromisoformat(entry["handoff"]["due_by"]).astimezone(ZoneInfo("America/Chicago"))
        assert due.weekday() < 5 and time(9, 0) < due.time() <= time(18, 0), due
        assert services.loop.handoff_target.team_timezone == "America/Chicago"

    def test_the_team_timezone_setting_wins_over_the_company_profile(
        self, make_settings: Callable[..., Settings], database_url: str
    ) -> None:
        settings = make_settings(
            database_url=database_url, company_profile=CASA_VERDE, team_timezone="Europe/Lisbon"
        )

        assert team_timezone(settings, load_profile(CASA_VERDE)) == "Europe/Lisbon"


def test_a_company_profile_with_an_unknown_time_zone_names_the_field(tmp_path: Path) -> None:
    profile = tmp_path / "company.yaml"
    profile.write_text(CASA_VERDE.read_text(encoding="utf-8").replace("America/Chicago", "Houston"))

    with pytest.raises(ProfileError, match=r"timezone: .*'Houston' is not an IANA time zone"):
        load_profile(profile)
