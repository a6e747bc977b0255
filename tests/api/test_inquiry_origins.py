"""The company's own website posts its inquiry form from the visitor's browser (CORS, one path only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from agent.settings import Settings, SettingsError
from tests.factories import inquiry_payload

SITE = "https://www.saguarosolar.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    return make_settings(database_url=database_url, inquiry_origins=f"{SITE}/, https://shop.example:8443")


class TestInquiryFormOrigins:
    def test_the_companys_website_may_post_the_inquiry_form_from_the_browser(
        self, client: TestClient
    ) -> None:
        """Found using the product: a form on the company's site could not reach Touchpoint at all (no
        CORS answer to the browser's question, and form encoding is refused)."""
        asked = client.options("/v1/inquiries", headers={"Origin": SITE, **PREFLIGHT})
        posted = client.post("/v1/inquiries", json=inquiry_payload(), headers={"Origin": SITE})

        assert asked.status_code == 200
        assert asked.headers["access-control-allow-origin"] == SITE
        assert posted.status_code == 201
        assert posted.headers["access-control-allow-origin"] == SITE
        assert "access-control-allow-credentials" not in posted.headers

    def test_another_website_is_not_allowed(self, client: TestClient) -> None:
        asked = client.options("/v1/inquiries", headers={"Origin": "https://evil.example", **PREFLIGHT})

        assert "access-control-allow-origin" not in asked.headers

    def test_no_other_path_answers_a_browser_from_another_site(self, client: TestClient) -> None:
        asked = client.options(
            "/v1/leads", headers={"Origin": SITE, **PREFLIGHT, "Access-Control-Request-Method": "GET"}
        )

        assert "access-control-allow-origin" not in asked.headers


class TestTheSetting:
    @pytest.mark.parametrize(
        "value", ["www.example.com", "https://www.example.com/contact", "ftp://x.example"]
    )
    def test_a_value_that_is_not_an_origin_names_the_variable_and_the_form(
        self, make_settings: Callable[..., Settings], value: str
    ) -> None:
        with pytest.raises(SettingsError, match=r"TOUCHPOINT_INQUIRY_ORIGINS.*https://www\.example\.com"):
            make_settings(inquiry_origins=value)
