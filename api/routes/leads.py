"""Leads: CRUD, the timeline, and engagement events (idempotent, so a retried webhook lands once)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy.exc import IntegrityError

from agent.db.models import Event, Lead
from agent.db.repositories import (
    AuditRepository,
    EventRepository,
    LeadRepository,
    TouchRepository,
    delete_lead_data,
    normalise_email,
)
from agent.domain import LeadStatus
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem
from api.schemas import (
    EventIn,
    EventPublic,
    LeadCreate,
    LeadDetail,
    LeadPublic,
    LeadUpdate,
    ListOf,
    TimelineItem,
    TouchPublic,
)

router = APIRouter(prefix="/v1/leads", tags=["leads"])


def _get(session: SessionDep, lead_id: uuid.UUID) -> Lead:
    lead = LeadRepository(session).get(lead_id)
    if lead is None:
        raise Problem(404, "Not found", f"no lead with id {lead_id}", code="lead-not-found")
    return lead


def _duplicate_contact() -> Problem:
    return Problem(
        409,
        "Conflict",
        "another lead already has this email or phone; update that lead instead",
        code="duplicate-lead",
    )


@router.get("", response_model=ListOf[LeadPublic])
def list_leads(
    session: SessionDep,
    _: PrincipalDep,
    status_filter: Annotated[LeadStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ListOf[LeadPublic]:
    page = LeadRepository(session).page(status=status_filter, limit=limit, offset=offset)
    return ListOf[LeadPublic](data=[LeadPublic.model_validate(lead) for lead in page.data], count=page.count)


@router.post("", response_model=LeadPublic, status_code=status.HTTP_201_CREATED)
def create_lead(
    payload: LeadCreate, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> Lead:
    now = services.clock()
    leads = LeadRepository(session)
    if leads.find_by_contact(email=payload.email, phone=payload.phone) is not None:
        raise _duplicate_contact()
    data = payload.model_dump()
    data["email"] = normalise_email(data["email"])
    lead = leads.add(Lead(**data, status=LeadStatus.NEW, created_at=now, updated_at=now, next_action_at=now))
    AuditRepository(session).record(
        action="lead.create", lead_id=lead.id, user_id=uuid.UUID(principal.user_id), now=now
    )
    return lead


@router.get("/{lead_id}", response_model=LeadDetail)
def get_lead(lead_id: uuid.UUID, session: SessionDep, _: PrincipalDep) -> LeadDetail:
    lead = _get(session, lead_id)
    events = EventRepository(session).for_lead(lead.id)
    touches = TouchRepository(session).for_lead(lead.id)
    actions = AuditRepository(session).for_lead(lead.id)
    timeline = (
        [TimelineItem(at=e.occurred_at, kind="event", summary=_event_summary(e), id=e.id) for e in events]
        + [
            TimelineItem(
                at=t.created_at, kind="touch", summary=f"{t.purpose} {t.channel}: {t.state}", id=t.id
            )
            for t in touches
        ]
        + [TimelineItem(at=a.created_at, kind="action", summary=a.action, id=a.id) for a in actions]
    )
    timeline.sort(key=lambda item: item.at)
    return LeadDetail(
        **LeadPublic.model_validate(lead).model_dump(),
        timeline=timeline,
        touches=[TouchPublic.model_validate(t) for t in touches],
    )


@router.patch("/{lead_id}", response_model=LeadPublic)
def update_lead(
    lead_id: uuid.UUID,
    payload: LeadUpdate,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Lead:
    lead = _get(session, lead_id)
    changes = payload.model_dump(exclude_unset=True)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
    other = LeadRepository(session).find_by_contact(email=changes.get("email"), phone=changes.get("phone"))
    if other is not None and other.id != lead.id:
        raise _duplicate_contact()
    before = {name: _jsonable(getattr(lead, name)) for name in changes}
    for name, value in changes.items():
        setattr(lead, name, value)
    now = services.clock()
    lead.updated_at = now
    try:
        session.flush()
    except IntegrityError:
        raise _duplicate_contact() from None
    AuditRepository(session).record(
        action="lead.update",
        lead_id=lead.id,
        user_id=uuid.UUID(principal.user_id),
        details={"before": before, "after": {name: _jsonable(v) for name, v in changes.items()}},
        now=now,
    )
    return lead


@router.delete("/{lead_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lead(
    lead_id: uuid.UUID, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> Response:
    """Erase the lead and its history (a data-deletion request). Suppressions stay in force."""
    lead = _get(session, lead_id)
    AuditRepository(session).record(
        action="lead.delete",
        user_id=uuid.UUID(principal.user_id),
        details={"lead_id": str(lead.id)},
        now=services.clock(),
    )
    delete_lead_data(session, lead.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{lead_id}/events",
    response_model=EventPublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already recorded under this idempotency key"}},
)
def post_event(
    lead_id: uuid.UUID,
    payload: EventIn,
    session: SessionDep,
    services: ServicesDep,
    _: PrincipalDep,
    response: Response,
    idempotency_key: str | None = Header(default=None, max_length=150),
) -> Event:
    """Record an engagement event, then let the agent react (a reply hands the lead to a person)."""
    lead = _get(session, lead_id)
    key = idempotency_key or payload.idempotency_key
    events = EventRepository(session)
    if key is not None:
        existing = events.by_idempotency_key(f"event:{key}")
        if existing is not None:
            if existing.lead_id != lead.id:
                raise Problem(
                    409, "Conflict", "this idempotency key was used for another lead", code="key-reused"
                )
            response.status_code = status.HTTP_200_OK
            return existing
    now = services.clock()
    event = events.add(
        Event(
            lead_id=lead.id,
            type=payload.type,
            channel=payload.channel,
            payload=payload.payload,
            occurred_at=payload.occurred_at or now,
            recorded_at=now,
            idempotency_key=f"event:{key}" if key else None,
        )
    )
    services.loop.step(session, lead, now)
    return event


def _event_summary(event: Event) -> str:
    message = event.payload.get("message")
    return f"{event.type}: {str(message)[:80]}" if message else str(event.type)


def _jsonable(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)
