"""Signing in and out of the reps' pages (passwords set with `touchpoint users create`).

The login form is protected against cross-site posting too: the page sets a random cookie and the
form carries its HMAC, so only a form this server rendered for this browser can sign it in. Wrong
passwords are throttled per account and per address (``agent/services/sign_in.py``): a locked-out
sign-in is answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from agent.container import Services
from agent.services.sign_in import LockedOut, WrongPassword, sign_in
from agent.users import csrf_token, csrf_valid, end_session, start_session
from api.deps import SESSION_COOKIE, CsrfDep, ServicesDep, SessionDep, page_user
from api.schemas import Storable
from api.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "tp_login"


def _safe_next(target: str) -> str:
    """Only a path on this site (never ``//elsewhere`` or a full URL): no open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def client_address(request: Request) -> str:
    """Who is signing in, as far as the network says: the peer's address (behind a reverse proxy on
    this machine, uvicorn's ``--proxy-headers`` default puts the client's from X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"


def _secure(services: Services) -> bool:
    return str(services.settings.public_base_url).startswith("https://")


def _login_page(
    request: Request, services: Services, *, next_path: str, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    secret = services.settings.signing_secret.get_secret_value()
    response = render(
        request,
        services,
        None,
        "login.html",
        status_code=status_code,
        next_path=_safe_next(next_path),
        login_csrf=csrf_token(secret, f"login:{nonce}"),
        error=error,
    )
    response.set_cookie(
        LOGIN_COOKIE, nonce, httponly=True, samesite="strict", secure=_secure(services), max_age=3600
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, services: ServicesDep) -> Response:
    next_path = request.query_params.get("next", "/")
    if page_user(request, services) is not None:
        return RedirectResponse(_safe_next(next_path), status_code=303)
    return _login_page(request, services, next_path=next_path)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    email: Annotated[Storable, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token_field: Annotated[str, Form(alias="csrf_token")] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    secret = services.settings.signing_secret.get_secret_value()
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not csrf_valid(secret, f"login:{nonce}", csrf_token_field):
        return _login_page(
            request,
            services,
            next_path=next_path,
            error="This sign-in form expired. Please try again.",
            status_code=403,
        )
    try:
        user = sign_in(
            session, email=email, password=password, address=client_address(request), now=services.clock()
        )
    except LockedOut as refused:  # committed all the same: the failure that locked is remembered
        page = _login_page(request, services, next_path=next_path, error=refused.message, status_code=429)
        page.headers["Retry-After"] = str(refused.retry_after_seconds)
        return page
    except WrongPassword as refused:
        return _login_page(request, services, next_path=next_path, error=refused.message, status_code=401)
    hours = services.settings.session_hours
    token = start_session(session, user, now=services.clock(), lifetime=timedelta(hours=hours))
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(services),
        max_age=int(hours * 3600),
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(session: SessionDep, signed_in: CsrfDep) -> Response:
    end_session(session, signed_in.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
