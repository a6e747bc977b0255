"""The handoff inbox over HTTP: leads a person must answer, with their brief and response-time target;
claim one, log the reply you made outside Touchpoint, then resume automation or close the lead."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from agent.domain import Channel
from agent.services import handoffs, leads
from agent.services.records import Handoff, Lead
from agent.services.review import QueueFilter
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.routes.queue import DECISION_ERRORS
from api.schemas import EventPublic, HandoffPublic, LeadPublic, ListOf, Offset, Strict

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class HandoffOut(HandoffPublic):
    claimed_at: datetime | None
    responded_at: datetime | None = Field(description="When a rep logged their answer to the lead")


class HandoffEntry(BaseModel):
    handoff: HandoffOut
    lead: LeadPublic
    overdue: bool = Field(description="Past its response-time target with no answer logged")


class ReplyIn(Strict):
    channel: Channel = Field(description="How you answered: email, sms, phone or linkedin")
    message: Note = Field(description="What you said (or a summary of the call)")


class ResumeIn(Strict):
    note: Note | None = None


class CloseIn(Strict):
    reason: Note = Field(description="Why the lead is closed: bought elsewhere, not a fit, ...")


def _entry(handoff: Handoff, lead: Lead, now: datetime) -> HandoffEntry:
    return HandoffEntry(
        handoff=HandoffOut.model_validate(handoff),
        lead=LeadPublic.model_validate(lead),
        overdue=handoff.status == "open" and handoff.responded_at is None and handoff.due_by < now,
    )


@router.get("", response_model=ListOf[HandoffEntry])
def list_handoffs(
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    scope: Annotated[
        Literal["mine", "team"], Query(description="mine: your leads and unowned ones")
    ] = "mine",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ListOf[HandoffEntry]:
    """Open handoffs, the soonest response-time target first."""
    page = handoffs.inbox(session, QueueFilter(user_id=principal.id, scope=scope), limit=limit, offset=offset)
    now = services.clock()
    return ListOf[HandoffEntry](data=[_entry(h, lead, now) for h, lead in page.data], count=page.count)


@router.get("/{handoff_id}", response_model=HandoffEntry, responses={404: {"description": "No such handoff"}})
def get_handoff(
    handoff_id: uuid.UUID, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> HandoffEntry:
    """One handoff with its brief; every rep may read the team's (acting on one is another matter)."""
    handoff, lead = handoffs.get(session, handoff_id, principal)
    return _entry(handoff, lead, services.clock())


@router.post("/{handoff_id}/claim", response_model=HandoffOut, responses=DECISION_ERRORS)
def claim(
    handoff_id: uuid.UUID, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> object:
    """Take it: the handoff is yours to answer (and an unowned lead becomes yours)."""
    return handoffs.claim(session, handoff_id, actor=principal, now=services.clock())


@router.post("/{handoff_id}/reply", response_model=EventPublic, status_code=201, responses=DECISION_ERRORS)
def log_reply(
    handoff_id: uuid.UUID,
    payload: ReplyIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Log a reply you made outside Touchpoint; the handoff counts as answered now."""
    return handoffs.log_reply(
        session,
        services.loop,
        handoff_id,
        channel=payload.channel,
        message=payload.message,
        actor=principal,
        now=services.clock(),
    )


@router.post("/{handoff_id}/resume", response_model=LeadPublic, responses=DECISION_ERRORS)
def resume(
    handoff_id: uuid.UUID,
    payload: ResumeIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Hand the lead back to automation; its open handoffs are closed and the loop decides what is next."""

    return leads.resume(
        session,
        services.loop,
        handoffs.lead_of(session, handoff_id),
        actor=principal,
        now=services.clock(),
        note=payload.note,
    )


@router.post("/{handoff_id}/close", response_model=LeadPublic, responses=DECISION_ERRORS)
def close(
    handoff_id: uuid.UUID,
    payload: CloseIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Close the lead: no more automation, its handoffs closed, its unsent drafts out of date."""

    return leads.close(
        session,
        services.loop,
        handoffs.lead_of(session, handoff_id),
        actor=principal,
        now=services.clock(),
        reason=payload.reason,
    )
