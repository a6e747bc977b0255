"""One-click unsubscribe (RFC 8058): POST with no login and no cookie; GET shows a confirmation page.

The token in the link is signed for one lead and one channel, so it can only unsubscribe its owner.
The suppression is committed before the response, so it holds for the very next send, everywhere.
"""

from __future__ import annotations

import html
import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from agent.db.models import Event, Lead
from agent.db.repositories import EventRepository, SuppressionRepository
from agent.domain import Channel, EventType, LeadStatus
from agent.signing import BadSignature, unsign
from api.deps import ServicesDep, SessionDep
from api.problems import Problem

router = APIRouter(tags=["unsubscribe"])


def _verify(token: str, secret: str) -> tuple[uuid.UUID, Channel]:
    try:
        lead_id, channel = unsign(secret, "unsubscribe", token).split(":", 1)
        return uuid.UUID(lead_id), Channel(channel)
    except (BadSignature, ValueError):
        raise Problem(
            404,
            "Not found",
            "this unsubscribe link is not valid; reply STOP or write to us instead",
            code="bad-link",
        ) from None


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<meta name='viewport' content='width=device-width'></head>"
        f"<body style='font-family:sans-serif;max-width:32rem;margin:3rem auto'>{body}</body></html>"
    )


@router.get("/u/{token}", response_class=HTMLResponse)
def confirm_page(token: str, services: ServicesDep) -> HTMLResponse:
    _verify(token, services.settings.signing_secret.get_secret_value())
    action = html.escape(f"/u/{token}", quote=True)
    return _page(
        "Unsubscribe",
        f"<h1>Unsubscribe from {html.escape(services.identity.name)}?</h1>"
        f"<form method='post' action='{action}'><button type='submit'>Unsubscribe</button></form>",
    )


@router.post("/u/{token}", response_class=HTMLResponse)
def one_click(token: str, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    lead_id, channel = _verify(token, services.settings.signing_secret.get_secret_value())
    lead = session.get(Lead, lead_id)
    now = services.clock()
    if lead is not None:
        address = lead.email if channel is Channel.EMAIL else lead.phone
        if address and SuppressionRepository(session).suppress(
            channel=channel.value, address=address, reason="unsubscribe", source="one_click_link", now=now
        ):
            EventRepository(session).add(
                Event(
                    lead_id=lead.id,
                    type=EventType.UNSUBSCRIBE,
                    channel=channel,
                    payload={"via": "one_click_link"},
                    occurred_at=now,
                    recorded_at=now,
                )
            )
        if channel is Channel.EMAIL and not lead.phone:
            lead.status = LeadStatus.UNSUBSCRIBED
            lead.next_action_at = None
    return _page(
        "Unsubscribed",
        f"<h1>You're unsubscribed</h1><p>{html.escape(services.identity.name)} will not email you again.</p>",
    )
