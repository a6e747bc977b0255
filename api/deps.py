"""FastAPI dependencies: the services built at start-up, a unit-of-work session, the caller.

The API authenticates with API keys (``PrincipalDep``); the reps' pages with a session cookie
(``PageUserDep``), whose forms must also carry the session's CSRF token (``CsrfDep``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from agent.container import Services
from agent.users import Principal, SignedIn, authenticate, csrf_valid, resume_session
from api.problems import Problem


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    services.playbook.refresh()  # at most every few seconds: a stat of the business's folder
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back if it raises.

    ``scope="function"`` commits before the response is sent, so background work started by the
    endpoint (the outbox's send) sees the committed rows and never waits on this transaction's locks.
    """
    with services.session_factory.begin() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# Declares the API key as a bearer scheme in the OpenAPI document (Swagger UI's "Authorize"), on exactly
# the operations that depend on ``require_principal``; the header itself is read below, so that a
# refusal says what to send.
API_KEY = HTTPBearer(
    scheme_name="apiKey",
    description="An API key: `touchpoint users create-key EMAIL` (add `--admin` for an admin)",
    auto_error=False,
)


def require_principal(
    request: Request,
    services: ServicesDep,
    declared: Annotated[HTTPAuthorizationCredentials | None, Security(API_KEY)] = None,
) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        raise Problem(
            401,
            "Unauthorized",
            "send an API key as `Authorization: Bearer tp_...` (create one with "
            "`touchpoint users create-key`)",
            code="unauthorized",
        )
    with services.session_factory.begin() as session:
        principal = authenticate(session, key.strip(), services.clock())
    if principal is None:
        raise Problem(401, "Unauthorized", "this API key is unknown or revoked", code="unauthorized")
    return principal


PrincipalDep = Annotated[Principal, Depends(require_principal)]


SESSION_COOKIE = "tp_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class PageProblem(Problem):
    """A page's refusal: rendered as an HTML page with the same status, not as a problem document."""


class LoginRequired(Exception):
    """A page asked for without a valid session: the handler sends the browser to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_user(request: Request, services: ServicesDep) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with services.session_factory.begin() as session:
        return resume_session(session, token, services.clock())


def require_page_user(request: Request, services: ServicesDep) -> SignedIn:
    signed_in = page_user(request, services)
    if signed_in is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/")
    return signed_in


PageUserDep = Annotated[SignedIn, Depends(require_page_user)]


async def require_csrf(request: Request, services: ServicesDep, signed_in: PageUserDep) -> SignedIn:
    """A page's POST must carry this session's CSRF token (form field or ``X-CSRF-Token``)."""
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        presented = str((await request.form()).get(CSRF_FIELD) or "")
    if not csrf_valid(services.settings.signing_secret.get_secret_value(), signed_in.token, presented):
        raise PageProblem(
            403,
            "Forbidden",
            "this form is out of date or did not come from Touchpoint: reload the page and try again",
            code="csrf",
        )
    return signed_in


CsrfDep = Annotated[SignedIn, Depends(require_csrf)]
