"""Engagement tracking: the open pixel and the click redirects in our emails (``/t/...``).

Only signed links redirect: a token names the touch and the exact URL, under an HMAC, and the URL must
also be one of the links the company put in that message (``agent/services/clicks.py``), so this can
never be used as an open redirect to somebody else's site, not even with the signing secret. Each open
and click is recorded as it came (touch, user agent, IP; clicks also the URL), bots and mail scanners
included: telling them apart is the agent loop's bot filter's job, and it needs the raw record to do
it. A failure to record never breaks the reader's click.
"""

from __future__ import annotations

import base64
import logging
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from agent.container import Services
from agent.domain import EventType
from agent.services.clicks import may_redirect
from agent.services.events import record_tracking
from agent.signing import BadSignature
from api.deps import ServicesDep
from api.problems import Problem

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/t", tags=["tracking"])

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")  # 1x1 transparent GIF
NO_STORE = {"Cache-Control": "no-store, max-age=0", "Referrer-Policy": "no-referrer"}


def _bad_link() -> Problem:
    return Problem(404, "Not found", "this link is not valid; it may have been cut short", code="bad-link")


@router.get("/o/{token}", response_class=Response, responses={200: {"content": {"image/gif": {}}}})
def open_pixel(token: str, request: Request, services: ServicesDep) -> Response:
    """The invisible image at the end of an email: loading it records an ``open``."""
    try:
        touch_id = services.links.read_open(token)
    except BadSignature:
        raise _bad_link() from None
    _record(services, touch_id, EventType.OPEN, _client(request))
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@router.get("/c/{token}", response_class=RedirectResponse, status_code=302)
def click(token: str, request: Request, services: ServicesDep) -> RedirectResponse:
    """A link in an email: records a ``click``, then redirects to the URL the token was signed for."""
    try:
        touch_id, url = services.links.read_click(token)
    except BadSignature:
        raise _bad_link() from None
    with services.session_factory.begin() as session:
        allowed = may_redirect(session, services.outbox, touch_id, url)
    if not allowed:
        logger.warning("tracking.click_refused", extra={"touch_id": str(touch_id)})
        raise _bad_link()
    _record(services, touch_id, EventType.CLICK, {**_client(request), "url": url})
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


def _client(request: Request) -> dict[str, object]:
    return {
        "user_agent": request.headers.get("user-agent"),
        "ip": request.client.host if request.client else None,
    }


def _record(
    services: Services, touch_id: uuid.UUID, event_type: EventType, details: dict[str, object]
) -> None:
    try:
        with services.session_factory.begin() as session:
            # A forgotten lead records nothing; the link still works.
            record_tracking(session, services.loop, touch_id, event_type, details, services.clock())
    except Exception:
        logger.exception(
            "tracking.record_failed", extra={"touch_id": str(touch_id), "type": event_type.value}
        )
