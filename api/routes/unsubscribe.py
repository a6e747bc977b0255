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
from agent.domain import Channel, ContactFrequency
from agent.services import leads, suppression
from agent.services.records import Lead
from agent.signing import BadSignature
from api.deps import ServicesDep, SessionDep
from api.problems import Problem
from api.public_words import PageWords, page_words

router = APIRouter(tags=["unsubscribe"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates" / "public")


def _bad_link() -> Problem:
    return Problem(
        404,
        "Not found",
        "this link is not valid (your mail program may have cut it short); reply STOP or write to us instead",
        code="bad-link",
    )


def _page(
    request: Request,
    services: Services,
    name: str,
    words: PageWords,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    identity = services.identity
    return templates.TemplateResponse(
        request,
        name,
        {"company": identity.name, "postal_address": identity.postal_address, "w": words, **context},
        status_code=status_code,
    )


def _words(services: Services, lead: Lead | None) -> PageWords:
    """The page in the language the lead's emails are written in: theirs when the company writes in it,
    else the company's first (a forgotten lead too)."""
    languages = services.identity.languages
    language = lead.language if lead is not None else None
    return page_words(language if language in languages else languages[0])


@router.get("/u/{token}", response_class=HTMLResponse)
def confirm_page(token: str, request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    try:
        lead_id, channel = services.links.read_unsubscribe(token)
    except BadSignature:
        raise _bad_link() from None
    words = _words(services, leads.find(session, lead_id))
    return _page(
        request,
        services,
        "unsubscribe.html",
        words,
        action=f"/u/{token}",
        what=words.stopping.get(channel, words.stopping[None]),
        preferences_url=services.links.preferences_url(lead_id) if channel is Channel.EMAIL else None,
    )


@router.post("/u/{token}", response_class=HTMLResponse)
def one_click(token: str, request: Request, services: ServicesDep, session: SessionDep) -> HTMLResponse:
    try:
        lead_id, channel = services.links.read_unsubscribe(token)
    except BadSignature:
        raise _bad_link() from None
    lead = leads.find(session, lead_id)
    if lead is not None:  # a forgotten lead: nothing to stop, and the page says it is done
        suppression.unsubscribe_by_link(session, services.loop, lead, channel, services.clock())
    words = _words(services, lead)
    return _page(
        request, services, "unsubscribed.html", words, what=words.stops.get(channel, words.stops[None])
    )


@router.get("/p/{token}", response_class=HTMLResponse)
def preferences_page(
    token: str, request: Request, services: ServicesDep, session: SessionDep
) -> HTMLResponse:
    lead = _lead_for_preferences(session, services, token)
    return _preferences(request, services, session, lead, token)


@router.post(
    "/p/{token}",
    response_class=HTMLResponse,
    responses={422: {"content": {"text/html": {}}, "description": "Not one of the choices: the page again"}},
)
def save_preferences(
    token: str,
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    frequency: Annotated[str, Form()] = ContactFrequency.NORMAL.value,
    channel: Annotated[str, Form()] = "",
) -> HTMLResponse:
    lead = _lead_for_preferences(session, services, token)
    words = _words(services, lead)
    choices = dict(_channel_choices(session, lead, words))
    if frequency not in {f.value for f in ContactFrequency} or channel not in choices:
        return _preferences(request, services, session, lead, token, error=words.pick_one, status_code=422)
    leads.set_preferences(session, lead, frequency=frequency, channel=channel or None, now=services.clock())
    said = words.frequencies[ContactFrequency(frequency)]
    summary = f"{said}; {choices[channel][0].lower()}{choices[channel][1:]}."
    return _page(
        request, services, "preferences_saved.html", words, summary=summary, preferences_url=f"/p/{token}"
    )


def _lead_for_preferences(session: Session, services: Services, token: str) -> Lead:
    try:
        lead_id = services.links.read_preferences(token)
    except BadSignature:
        raise _bad_link() from None
    lead = leads.find(session, lead_id)
    if lead is None:
        raise Problem(404, "Not found", "we no longer hold any details for you", code="lead-not-found")
    return lead


def _channel_choices(session: Session, lead: Lead, words: PageWords) -> list[tuple[str, str]]:
    """Only channels we may use: SMS needs the lead's consent, and nothing suppressed is offered."""
    suppressed = suppression.suppressed_channels(session, lead)
    offered = [""]
    if lead.email and Channel.EMAIL not in suppressed:
        offered.append(Channel.EMAIL.value)
    if lead.phone and lead.consent_sms and Channel.SMS not in suppressed:
        offered.append(Channel.SMS.value)
    if lead.phone and Channel.PHONE not in suppressed:
        offered.append(Channel.PHONE.value)
    return [(value, words.channels[value]) for value in offered]


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
    words = _words(services, lead)
    return _page(
        request,
        services,
        "preferences.html",
        words,
        status_code=status_code,
        action=f"/p/{token}",
        error=error,
        frequencies=[(f.value, label) for f, label in words.frequencies.items()],
        frequency=lead.contact_frequency,
        channels=_channel_choices(session, lead, words),
        channel=lead.preferred_channel or "",
        unsubscribe_url=services.links.unsubscribe_url(lead.id, Channel.EMAIL),
    )
