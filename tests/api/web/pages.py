"""Signing in to the pages from a test client, and reading the CSRF token a page carries."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from agent.container import Services
from agent.domain import UserRole
from agent.users import set_password

PASSWORD = "a long enough passphrase"


def make_rep(services: Services, email: str = "ana@example.com", role: UserRole = UserRole.REP) -> str:
    with services.session_factory.begin() as session:
        set_password(
            session, email=email, password=PASSWORD, name=email.split("@")[0], role=role, now=services.clock()
        )
    return email


def login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    return csrf_of(page.text)


def sign_in(client: TestClient, email: str) -> str:
    """Sign ``client`` in as ``email``; returns the CSRF token of its session."""
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": login_form_token(client), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-zA-Z_-]+)"', html)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def notice_of(html: str) -> str:
    found = re.search(r'id="notice"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""
