"""The handoff inbox page (``/handoffs``): each handed-off lead with its brief and a timer against the
response-time target; claim it, log the reply you made elsewhere, resume automation or close the lead."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from agent.container import Services
from agent.domain import Channel, ReplyIntent
from agent.services import handoffs, leads, replies
from agent.services.access import Operation, may
from agent.services.errors import DomainError
from agent.services.review import QueueFilter
from agent.users import SignedIn, users_by_id
from api.deps import CsrfDep, PageUserDep, ServicesDep, SessionDep
from api.schemas import LeadDetail, Storable
from api.web.templating import display_name, render
from api.web.views import Notice

router = APIRouter(include_in_schema=False)


def _context(
    session: Session, services: Services, signed_in: SignedIn, scope: str, focus: uuid.UUID | None
) -> dict[str, Any]:
    principal = signed_in.principal
    page = handoffs.inbox(session, QueueFilter(user_id=principal.id, scope=scope), limit=100)
    focus = focus or (page.data[0][0].id if page.data else None)
    chosen: dict[str, Any] | None = None
    if focus is not None:
        handoff, lead = handoffs.get(session, focus, principal)
        detail = LeadDetail.of(leads.history(session, lead.id, principal))
        people = users_by_id(session, [handoff.claimed_by] if handoff.claimed_by else [])
        chosen = {
            "handoff": handoff,
            "lead": detail,
            "name": display_name(lead),
            "brief": handoff.brief,
            "claimed_by": people.get(handoff.claimed_by) if handoff.claimed_by else None,
            "can_act": may(principal, Operation.ACT, lead.owner_id),
            "timeline": list(reversed(detail.timeline))[:25],
        }
    return {
        "scope": scope,
        "handoffs": page,
        "chosen": chosen,
        "channels": [c.value for c in Channel],
        "intents": [i.value for i in ReplyIntent],
        "names": {lead.id: display_name(lead) for _, lead in page.data},
    }


def _page(
    request: Request,
    session: Session,
    services: Services,
    signed_in: SignedIn,
    *,
    scope: str = "mine",
    focus: uuid.UUID | None = None,
    notice: Notice | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(session, services, signed_in, scope, focus)
    return render(
        request, services, signed_in, "handoffs.html", status_code=status_code, notice=notice, **context
    )


@router.get("/handoffs", response_class=HTMLResponse)
def inbox(
    request: Request, session: SessionDep, services: ServicesDep, signed_in: PageUserDep
) -> HTMLResponse:
    scope = "team" if request.query_params.get("scope") == "team" else "mine"
    focus = request.query_params.get("focus")
    try:
        chosen = uuid.UUID(focus) if focus else None
    except ValueError:
        chosen = None
    return _page(request, session, services, signed_in, scope=scope, focus=chosen)


def _act(
    request: Request,
    session: Session,
    services: Services,
    signed_in: SignedIn,
    handoff_id: uuid.UUID,
    scope: str,
    action: Callable[[], Notice],
) -> HTMLResponse:
    scope = "team" if scope == "team" else "mine"
    try:
        with session.begin_nested():
            notice = action()
    except DomainError as exc:
        return _page(
            request,
            session,
            services,
            signed_in,
            scope=scope,
            focus=handoff_id,
            notice=Notice("error", f"Not done: {exc}."),
            status_code=exc.status,
        )
    return _page(request, session, services, signed_in, scope=scope, focus=handoff_id, notice=notice)


@router.post("/handoffs/{handoff_id}/claim", response_class=HTMLResponse)
def claim(
    handoff_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    scope: Annotated[str, Form()] = "mine",
) -> HTMLResponse:
    def action() -> Notice:
        handoffs.claim(session, handoff_id, actor=signed_in.principal, now=services.clock())
        return Notice("ok", "Claimed: this lead is yours to answer.")

    return _act(request, session, services, signed_in, handoff_id, scope, action)


@router.post("/handoffs/{handoff_id}/reply", response_class=HTMLResponse)
def log_reply(
    handoff_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    channel: Annotated[Channel, Form()],
    message: Annotated[Storable, Form(min_length=1, max_length=2000)],
    scope: Annotated[str, Form()] = "mine",
) -> HTMLResponse:
    def action() -> Notice:
        handoffs.log_reply(
            session,
            services.loop,
            handoff_id,
            channel=channel,
            message=message.strip(),
            actor=signed_in.principal,
            now=services.clock(),
        )
        return Notice("ok", f"Logged your {channel.value} reply: the handoff counts as answered.")

    return _act(request, session, services, signed_in, handoff_id, scope, action)


@router.post("/handoffs/{handoff_id}/reading", response_class=HTMLResponse)
def correct_reading(
    handoff_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    event_id: Annotated[uuid.UUID, Form()],
    intent: Annotated[ReplyIntent, Form()],
    scope: Annotated[str, Form()] = "mine",
) -> HTMLResponse:
    def action() -> Notice:
        replies.correct(
            session,
            event_id,
            intent=intent,
            actor=signed_in.principal,
            now=services.clock(),
            lead_id=handoffs.lead_of(session, handoff_id),
        )
        return Notice(
            "ok", f"Noted: that reply was {intent.value.replace('_', ' ')}. The reader learns from it."
        )

    return _act(request, session, services, signed_in, handoff_id, scope, action)


@router.post("/handoffs/{handoff_id}/resume", response_class=HTMLResponse)
def resume(
    handoff_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    note: Annotated[Storable, Form(max_length=500)] = "",
    scope: Annotated[str, Form()] = "mine",
) -> HTMLResponse:
    def action() -> Notice:
        lead = leads.resume(
            session,
            services.loop,
            handoffs.lead_of(session, handoff_id),
            actor=signed_in.principal,
            now=services.clock(),
            note=note.strip() or None,
        )
        return Notice("ok", f"Automation resumed for {display_name(lead)}; the handoff is closed.")

    return _act(request, session, services, signed_in, handoff_id, scope, action)


@router.post("/handoffs/{handoff_id}/close", response_class=HTMLResponse)
def close(
    handoff_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    signed_in: CsrfDep,
    reason: Annotated[Storable, Form(min_length=1, max_length=2000)],
    scope: Annotated[str, Form()] = "mine",
) -> HTMLResponse:
    def action() -> Notice:
        lead = leads.close(
            session,
            services.loop,
            handoffs.lead_of(session, handoff_id),
            actor=signed_in.principal,
            now=services.clock(),
            reason=reason.strip(),
        )
        return Notice("ok", f"Closed {display_name(lead)}: nothing more goes out to them.")

    return _act(request, session, services, signed_in, handoff_id, scope, action)
