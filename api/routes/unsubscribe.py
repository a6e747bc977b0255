"""Unsubscribe and preferences: public pages reached from the links in every email.

One-click unsubscribe (RFC 8058) is a POST with no login and no cookie; a GET only shows a
confirmation page, so a mail scanner that follows links unsubscribes nobody. The token in the link is
signed for one lead (and one channel), so it can only act for its owner. The suppression is committed
before the response, so it holds for the very next send, everywhere. The preference page lets a lead
lower the frequency or pick a channel; the choice is stored on the lead for the agent loop to follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from agent.container import Services
from agent.db.models import Lead
from agent.db.repositories import AuditRepository, SuppressionRepository
from agent.domain import Channel, ContactFrequency, EventType, LeadStatus
from agent.events import NewEvent, record_event
from agent.signing import BadSignature
from api.deps import ServicesDep, SessionDep
from api.problems import Problem

router = APIRouter(tags=["unsubscribe"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates" / "public")

FREQUENCIES = {
    ContactFrequency.NORMAL: "As planned: a few useful notes over the next weeks",
    ContactFrequency.REDUCED: "Less often: at most one message every two weeks",
    ContactFrequency.MONTHLY: "Rarely: at most one message a month",
}
STOPS = {Channel.EMAIL: "email you", Channel.SMS: "text you"}
STOPPING = {Channel.EMAIL: "emailing you", Channel.SMS: "texting you"}


def _bad_link() -> Problem:
    return Problem(
        404,
        "Not found",
        "this link is not valid (your mail program may have cut it short); reply STOP or write to us instead",
        code="bad-link",
    )


def _page(
    request: Request, services: Services, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    identity = services.identity
    return templates.TemplateResponse(
        request,
        name,
        {"company": identity.name, "postal_address": identity.postal_address, **context},
        status_code=status_code,
    )


@router.get("/u/{token}", response_class=HTMLResponse)
def confirm_page(token: str, request: Request, services: ServicesDep) -> HTMLResponse:
    try:
        lead_id, channel = services.links.read_unsubscribe(token)
    except BadSignature:
        raise _bad_link() from None
    return _page(
        request,
        services,
        "unsubscribe.html",
        action=f"/u/{token}",
        what=STOPPING.get(channel, "contacting you"),
        preferences_url=services.links.preferences_url(lead_id) if channel is Channel.EMAIL else None,
    )


@router.post("/u/{token}", response_class=HTMLResponse)
def one_click(token: str, request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    try:
        lead_id, channel = services.links.read_unsubscribe(token)
    except BadSignature:
        raise _bad_link() from None
    lead = session.get(Lead, lead_id)
    if lead is not None:
        _unsubscribe(session, services, lead, channel)
    return _page(request, services, "unsubscribed.html", what=STOPS.get(channel, "contact you"))


def _unsubscribe(session: Session, services: Services, lead: Lead, channel: Channel) -> None:
    now = services.clock()
    address = lead.email if channel is Channel.EMAIL else lead.phone
    if address:
        SuppressionRepository(session).suppress(
            channel=channel.value, address=address, reason="unsubscribe", source="one_click_link", now=now
        )
    if channel is Channel.EMAIL and not lead.phone:
        lead.status = LeadStatus.UNSUBSCRIBED
        lead.next_action_at = None
    record_event(
        session,
        services.loop,
        lead,
        NewEvent(
            EventType.UNSUBSCRIBE,
            channel,
            {"via": "one_click_link"},
            idempotency_key=f"unsubscribe:{lead.id}:{channel.value}",
        ),
        now,
    )


@router.get("/p/{token}", response_class=HTMLResponse)
def preferences_page(
    token: str, request: Request, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    lead = _lead_for_preferences(session, services, token)
    return _preferences(request, services, session, lead, token)


@router.post("/p/{token}", response_class=HTMLResponse)
def save_preferences(
    token: str,
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    frequency: Annotated[str, Form()] = ContactFrequency.NORMAL.value,
    channel: Annotated[str, Form()] = "",
) -> HTMLResponse:
    lead = _lead_for_preferences(session, services, token)
    choices = dict(_channel_choices(session, lead))
    if frequency not in {f.value for f in ContactFrequency} or channel not in choices:
        return _preferences(
            request,
            services,
            session,
            lead,
            token,
            error="Please pick one of the options below.",
            status_code=422,
        )
    before = {"contact_frequency": lead.contact_frequency, "preferred_channel": lead.preferred_channel}
    lead.contact_frequency = frequency
    lead.preferred_channel = channel or None
    lead.updated_at = services.clock()
    after = {"contact_frequency": lead.contact_frequency, "preferred_channel": lead.preferred_channel}
    AuditRepository(session).record(
        action="lead.preferences",
        lead_id=lead.id,
        details={"before": before, "after": after, "via": "preference_page"},
        now=lead.updated_at,
    )
    summary = (
        f"{FREQUENCIES[ContactFrequency(frequency)]}; {choices[channel][0].lower()}{choices[channel][1:]}."
    )
    return _page(request, services, "preferences_saved.html", summary=summary, preferences_url=f"/p/{token}")


def _lead_for_preferences(session: Session, services: Services, token: str) -> Lead:
    try:
        lead_id = services.links.read_preferences(token)
    except BadSignature:
        raise _bad_link() from None
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise Problem(404, "Not found", "we no longer hold any details for you", code="lead-not-found")
    return lead


def _channel_choices(session: Session, lead: Lead) -> list[tuple[str, str]]:
    """Only channels we may use: SMS needs the lead's consent, and nothing suppressed is offered."""
    suppressed = SuppressionRepository(session).suppressed_channels(email=lead.email, phone=lead.phone)
    choices = [("", "Whatever suits the conversation")]
    if lead.email and Channel.EMAIL not in suppressed:
        choices.append((Channel.EMAIL.value, "Email only"))
    if lead.phone and lead.consent_sms and Channel.SMS not in suppressed:
        choices.append((Channel.SMS.value, "Text messages"))
    if lead.phone and Channel.PHONE not in suppressed:
        choices.append((Channel.PHONE.value, "A phone call"))
    return choices


def _preferences(
    request: Request,
    services: Services,
    session: Session,
    lead: Lead,
    token: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _page(
        request,
        services,
        "preferences.html",
        status_code=status_code,
        action=f"/p/{token}",
        error=error,
        frequencies=[(f.value, label) for f, label in FREQUENCIES.items()],
        frequency=lead.contact_frequency,
        channels=_channel_choices(session, lead),
        channel=lead.preferred_channel or "",
        unsubscribe_url=services.links.unsubscribe_url(lead.id, Channel.EMAIL),
    )
