"""Leads: CRUD, the timeline, and engagement events (idempotent, so a retried webhook lands once)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import EmailStr, Field

from agent.domain import LeadStatus
from agent.services import decide, leads
from agent.services.access import Operation
from agent.services.events import NewEvent, record_event
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.phones import e164
from api.problems import Problem
from api.schemas import (
    CloseIn,
    EventIn,
    EventPublic,
    LeadCreate,
    LeadDetail,
    LeadPublic,
    LeadUpdate,
    ListOf,
    NextActionPublic,
    Offset,
    PauseIn,
    ResumeIn,
    Strict,
)

router = APIRouter(prefix="/v1/leads", tags=["leads"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such lead"}}
ACTS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    403: {"description": "Another rep's lead"},
    409: {"description": "The lead has ended"},
}


@router.get("", response_model=ListOf[LeadPublic])
def list_leads(
    session: SessionDep,
    _: PrincipalDep,
    status_filter: Annotated[LeadStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ListOf[LeadPublic]:
    found, count = leads.page(session, status=status_filter, limit=limit, offset=offset)
    return ListOf[LeadPublic](data=[LeadPublic.model_validate(lead) for lead in found], count=count)


@router.post(
    "",
    response_model=LeadPublic,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Another lead has this email or phone"}},
)
def create_lead(
    payload: LeadCreate, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> object:
    fields = payload.model_dump()
    fields["phone"] = e164(payload.phone, services.settings.phone_region)
    fields["timezone"] = payload.timezone or leads.default_timezone(services.settings, services.identity)
    return leads.create(session, fields, actor=principal, now=services.clock())


@router.get("/{lead_id}", response_model=LeadDetail, responses=NOT_FOUND)
def get_lead(lead_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> LeadDetail:
    """The lead, its engagement score explained, its handoffs, and its timeline: what happened (events),
    what was drafted and sent (touches), what people did (actions) and what the loop decided, and why
    (decisions, each with the rule ids that decided it)."""
    return LeadDetail.of(leads.history(session, lead_id, principal))


@router.get(
    "/{lead_id}/next",
    response_model=NextActionPublic,
    responses={**NOT_FOUND, 422: {"description": "A time without a zone, or not a time"}},
)
def next_action(
    lead_id: uuid.UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    at: Annotated[
        datetime | None,
        Query(description="When to decide, with its zone (e.g. 2026-12-01T10:00:00Z); default now"),
    ] = None,
) -> NextActionPublic:
    """What the agent would do for this lead at ``at``: the decision, the rule ids that made it and, for
    a draft, the draft it would write (and whether it would go by itself or wait for review).

    Nothing is written: the lead is read in a transaction that is rolled back, and the draft is made
    and thrown away. The lead is taken as it is stored now; facts recorded after ``at`` are not rewound.
    """
    foresight = decide.what_next(
        services.session_factory, services.loop, lead_id, actor=principal, at=at or services.clock()
    )
    return NextActionPublic.of(foresight)


@router.patch(
    "/{lead_id}",
    response_model=LeadPublic,
    responses={**ACTS, 409: {"description": "Another lead has this email or phone"}},
)
def update_lead(
    lead_id: uuid.UUID,
    payload: LeadUpdate,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("phone") is not None:
        changes["phone"] = e164(changes["phone"], services.settings.phone_region)
    return leads.update(session, services.loop, lead_id, changes, actor=principal, now=services.clock())


@router.post("/{lead_id}/pause", response_model=LeadPublic, responses=ACTS)
def pause_lead(
    lead_id: uuid.UUID,
    payload: PauseIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Stop automated outreach to this lead until a rep resumes it, or until ``until`` (a snooze).

    Drafts not yet sent are marked out of date and will never go out.
    """
    return leads.pause(
        session,
        services.loop,
        lead_id,
        actor=principal,
        now=services.clock(),
        until=payload.until,
        reason=payload.reason,
    )


@router.post("/{lead_id}/resume", response_model=LeadPublic, responses=ACTS)
def resume_lead(
    lead_id: uuid.UUID,
    payload: ResumeIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Hand a paused or handed-off lead back to automation (its open handoffs are closed).

    The loop decides at once what comes next. Resuming a lead that is not paused changes nothing.
    """
    return leads.resume(
        session, services.loop, lead_id, actor=principal, now=services.clock(), note=payload.note
    )


@router.post("/{lead_id}/close", response_model=LeadPublic, responses=ACTS)
def close_lead(
    lead_id: uuid.UUID,
    payload: CloseIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Close the lead (a vendor's pitch through the form, a duplicate, a lead that bought elsewhere):
    its open handoffs close, drafts not yet sent go out of date, and nothing more is sent. Audited with
    the reason. A closed or unsubscribed lead answers 409."""
    return leads.close(
        session, services.loop, lead_id, actor=principal, now=services.clock(), reason=payload.reason
    )


class AssignIn(Strict):
    owner: EmailStr | None = Field(description="The email of the rep the lead is given to; null: nobody")


@router.post(
    "/{lead_id}/assign",
    response_model=LeadPublic,
    responses={**NOT_FOUND, 403: ACTS[403], 422: {"description": "No active user with that email"}},
)
def assign_lead(
    lead_id: uuid.UUID,
    payload: AssignIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Give the lead to a rep (or to nobody). A rep may give away their own lead or take one nobody
    owns; an admin may assign any. Audited with the owner before and after."""
    return leads.assign(session, lead_id, payload.owner, actor=principal, now=services.clock())


@router.delete(
    "/{lead_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**NOT_FOUND, 403: {"description": "Another rep's lead"}},
)
def delete_lead(
    lead_id: uuid.UUID, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> Response:
    """Erase the lead and its history (a data-deletion request). Suppressions stay in force."""
    leads.erase(session, lead_id, actor=principal, now=services.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{lead_id}/events",
    response_model=EventPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_FOUND,
        200: {"description": "Already recorded under this idempotency key"},
        403: {"description": "Another rep's lead"},
        409: {"description": "This idempotency key was used for another lead"},
    },
)
def post_event(
    lead_id: uuid.UUID,
    payload: EventIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    response: Response,
    idempotency_key: str | None = Header(default=None, max_length=150),
) -> object:
    """Record an engagement event, then let the agent react (a reply hands the lead to a person)."""
    lead = leads.get(session, lead_id, principal, Operation.UPDATE)
    key = idempotency_key or payload.idempotency_key
    recorded = record_event(
        session,
        services.loop,
        lead,
        NewEvent(
            type=payload.type,
            channel=payload.channel,
            payload=payload.payload,
            occurred_at=payload.occurred_at,
            idempotency_key=f"event:{key}" if key else None,
        ),
        services.clock(),
    )
    if not recorded.created:
        if recorded.event.lead_id != lead.id:
            raise Problem(
                409, "Conflict", "this idempotency key was used for another lead", code="key-reused"
            )
        response.status_code = status.HTTP_200_OK
    return recorded.event
