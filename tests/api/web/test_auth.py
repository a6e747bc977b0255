"""Signing in to the pages: a session cookie, CSRF on every form, the login page for everyone else."""

from __future__ import annotations

from fastapi.testclient import TestClient

from agent.container import Services
from tests.api.web.pages import PASSWORD, csrf_of, login_form_token, make_rep, sign_in
from tests.factories import add_touch, submit


class TestSignedOut:
    def test_every_page_sends_the_browser_to_the_login_page_and_back(self, client: TestClient) -> None:
        for path in ("/", "/handoffs", "/metrics?period=7d"):
            response = client.get(path, follow_redirects=False)

            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")

    def test_an_htmx_request_is_told_to_go_to_the_login_page(self, client: TestClient) -> None:
        response = client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)

        assert response.status_code == 401
        assert response.headers["HX-Redirect"] == "/login?next=/"

    def test_a_form_post_without_a_session_changes_nothing(
        self, client: TestClient, services: Services
    ) -> None:
        touch_id = add_touch(services, lead_id=submit(services).lead_id)

        response = client.post(f"/queue/{touch_id}/approve", data={"version": "1"}, follow_redirects=False)

        assert response.status_code == 303
        assert not (services.settings.resolved_outbox_dir / f"{touch_id}.eml").exists()


class TestSignIn:
    def test_the_right_password_opens_a_session_cookie_that_scripts_cannot_read(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        response = client.post(
            "/login",
            data={
                "email": email,
                "password": PASSWORD,
                "csrf_token": login_form_token(client),
                "next": "/metrics",
            },
            follow_redirects=False,
        )

        assert (response.status_code, response.headers["location"]) == (303, "/metrics")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("tp_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie

    def test_a_wrong_password_is_401_with_how_to_get_one(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        response = client.post(
            "/login",
            data={"email": email, "password": "nope nope nope", "csrf_token": login_form_token(client)},
        )

        assert response.status_code == 401
        assert "touchpoint users create" in response.text
        assert "tp_session" not in response.headers.get("set-cookie", "")

    def test_a_login_form_not_from_this_browser_is_refused(
        self, client: TestClient, services: Services
    ) -> None:
        email = make_rep(services)

        response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": "forged"})

        assert response.status_code == 403

    def test_next_never_leads_off_the_site(self, client: TestClient, services: Services) -> None:
        email = make_rep(services)

        response = client.post(
            "/login",
            data={
                "email": email,
                "password": PASSWORD,
                "csrf_token": login_form_token(client),
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )

        assert response.headers["location"] == "/"

    def test_signing_out_ends_the_session(self, client: TestClient, services: Services) -> None:
        csrf = sign_in(client, make_rep(services))

        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)

        assert client.get("/", follow_redirects=False).status_code == 303


class TestCsrf:
    def test_a_forged_or_missing_token_is_403_and_nothing_changes(
        self, client: TestClient, services: Services
    ) -> None:
        sign_in(client, make_rep(services))
        touch_id = add_touch(services, lead_id=submit(services).lead_id)

        forged = client.post(f"/queue/{touch_id}/approve", data={"version": "1", "csrf_token": "0" * 64})
        missing = client.post(f"/queue/{touch_id}/approve", data={"version": "1"})

        assert (forged.status_code, missing.status_code) == (403, 403)
        assert "did not come from Touchpoint" in forged.text
        assert forged.headers["content-type"].startswith("text/html")
        queue = client.get(f"/?focus={touch_id}").text
        assert 'data-state="pending_review"' in queue

    def test_another_sessions_token_does_not_work_either(
        self, client: TestClient, services: Services
    ) -> None:
        other = TestClient(client.app)
        theirs = sign_in(other, make_rep(services, "ben@example.com"))
        sign_in(client, make_rep(services))
        touch_id = add_touch(services, lead_id=submit(services).lead_id)

        response = client.post(f"/queue/{touch_id}/approve", data={"version": "1", "csrf_token": theirs})

        assert response.status_code == 403

    def test_the_token_also_works_as_the_htmx_header(self, client: TestClient, services: Services) -> None:
        csrf = sign_in(client, make_rep(services))
        touch_id = add_touch(services, lead_id=submit(services).lead_id)

        response = client.post(
            f"/queue/{touch_id}/reject",
            data={"version": "1", "reason": "not for her"},
            headers={"X-CSRF-Token": csrf},
        )

        assert response.status_code == 200
        assert csrf_of(response.text) == csrf


class TestIcon:
    def test_no_page_sends_the_browser_for_a_missing_favicon(
        self, client: TestClient, services: Services
    ) -> None:
        """Found in Chromium: every page logged "404 /favicon.ico" to the console; the pages declare
        an empty icon instead of leaving the browser to ask for a file the site does not have."""
        pages = [client.get("/login").text]
        sign_in(client, make_rep(services))
        pages += [client.get(path).text for path in ("/", "/handoffs", "/metrics")]

        assert all('<link rel="icon" href="data:,">' in html for html in pages)
