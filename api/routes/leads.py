"""Leads: CRUD, the timeline, and engagement events (idempotent, so a retried webhook lands once)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy.exc import IntegrityError

from agent.db.models import Event, Lead, Touch
from agent.db.repositories import (
    AuditRepository,
    DecisionRepository,
    EventRepository,
    HandoffRepository,
    LeadRepository,
    TouchRepository,
    delete_lead_data,
    normalise_email,
)
from agent.domain import LeadStatus, UserRole
from agent.events import NewEvent, record_event
from agent.loop import LoopError
from agent.users import Principal
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem
from api.schemas import (
    EventIn,
    EventPublic,
    HandoffPublic,
    LeadCreate,
    LeadDetail,
    LeadPublic,
    LeadUpdate,
    ListOf,
    PauseIn,
    ResumeIn,
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
    """The lead, its engagement score explained, its handoffs, and its timeline: what happened (events),
    what was drafted and sent (touches), what people did (actions) and what the loop decided, and why
    (decisions, each with the rule ids that decided it)."""
    lead = _get(session, lead_id)
    events = EventRepository(session).for_lead(lead.id)
    touches = TouchRepository(session).for_lead(lead.id)
    actions = AuditRepository(session).for_lead(lead.id)
    decisions = DecisionRepository(session).for_lead(lead.id)
    timeline = (
        [TimelineItem(at=e.occurred_at, kind="event", summary=_event_summary(e), id=e.id) for e in events]
        + [TimelineItem(at=t.created_at, kind="touch", summary=_touch_summary(t), id=t.id) for t in touches]
        + [TimelineItem(at=a.created_at, kind="action", summary=a.action, id=a.id) for a in actions]
        + [
            TimelineItem(at=d.decided_at, kind="decision", summary=d.summary, id=d.id, rules=d.rules)
            for d in decisions
        ]
    )
    timeline.sort(key=lambda item: item.at)
    return LeadDetail(
        **LeadPublic.model_validate(lead).model_dump(),
        score_breakdown=lead.score_breakdown,
        timeline=timeline,
        touches=[TouchPublic.model_validate(t) for t in touches],
        handoffs=[HandoffPublic.model_validate(h) for h in HandoffRepository(session).for_lead(lead.id)],
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
    changed = {name for name in changes if before[name] != _jsonable(changes[name])}
    services.loop.edited(session, lead, changed, now)
    return lead


@router.post(
    "/{lead_id}/pause",
    response_model=LeadPublic,
    responses={403: {"description": "Another rep's lead"}, 409: {"description": "The lead has ended"}},
)
def pause_lead(
    lead_id: uuid.UUID,
    payload: PauseIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Lead:
    """Stop automated outreach to this lead until a rep resumes it, or until ``until`` (a snooze).

    Drafts not yet sent are marked out of date and will never go out.
    """
    lead = _get(session, lead_id)
    _authorise(lead, principal)
    now = services.clock()
    if payload.until is not None and payload.until <= now:
        raise Problem(422, "Invalid request", "until must be in the future", code="validation")
    try:
        services.loop.pause(
            session,
            lead,
            now,
            user_id=uuid.UUID(principal.user_id),
            until=payload.until,
            reason=payload.reason,
        )
    except LoopError as exc:
        raise Problem(409, "Conflict", str(exc), code="lead-ended") from None
    return lead


@router.post(
    "/{lead_id}/resume",
    response_model=LeadPublic,
    responses={403: {"description": "Another rep's lead"}, 409: {"description": "The lead has ended"}},
)
def resume_lead(
    lead_id: uuid.UUID,
    payload: ResumeIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Lead:
    """Hand a paused or handed-off lead back to automation (its open handoffs are closed).

    The loop decides at once what comes next. Resuming a lead that is not paused changes nothing.
    """
    lead = _get(session, lead_id)
    _authorise(lead, principal)
    try:
        services.loop.resume(
            session, lead, services.clock(), user_id=uuid.UUID(principal.user_id), note=payload.note
        )
    except LoopError as exc:
        raise Problem(409, "Conflict", str(exc), code="lead-ended") from None
    return lead


def _authorise(lead: Lead, principal: Principal) -> None:
    """A rep acts on their own leads and on leads nobody owns; an admin on any."""
    if principal.role is UserRole.ADMIN or lead.owner_id is None or str(lead.owner_id) == principal.user_id:
        return
    raise Problem(
        403, "Forbidden", "this lead belongs to another rep; ask them or an admin", code="not-your-lead"
    )


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


def _touch_summary(touch: Touch) -> str:
    summary = f"{touch.purpose} {touch.channel}: {touch.state}"
    return f"{summary} ({touch.superseded_reason})" if touch.superseded_reason else summary


def _event_summary(event: Event) -> str:
    message = event.payload.get("message")
    return f"{event.type}: {str(message)[:80]}" if message else str(event.type)


def _jsonable(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)
