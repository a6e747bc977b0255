"""The review queue over HTTP: the same decisions the reps' page makes, for CRM and chat integrations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query

from agent import review
from agent.db.models import Lead, Touch
from agent.db.repositories import TouchRepository
from agent.domain import TouchState
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem
from api.schemas import EditIn, LeadPublic, ListOf, QueueItem, RejectIn, ReviewIn, TouchPublic

router = APIRouter(prefix="/v1/queue", tags=["review queue"])

STATUS_BY_KIND = {"not_found": 404, "conflict": 409, "invalid": 422}


@router.get("", response_model=ListOf[QueueItem])
def list_queue(
    session: SessionDep,
    _: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ListOf[QueueItem]:
    """Drafts waiting for a rep, oldest first."""
    page = TouchRepository(session).pending_review(limit=limit, offset=offset)
    items = []
    for touch in page.data:
        lead = session.get(Lead, touch.lead_id)
        assert lead is not None
        items.append(QueueItem(touch=TouchPublic.model_validate(touch), lead=LeadPublic.model_validate(lead)))
    return ListOf[QueueItem](data=items, count=page.count)


def _decide(action: Callable[[], Touch]) -> Touch:
    try:
        return action()
    except review.ReviewError as exc:
        extra = (
            {"current": TouchPublic.model_validate(exc.touch).model_dump(mode="json")} if exc.touch else {}
        )
        raise Problem(
            STATUS_BY_KIND[exc.kind],
            exc.kind.replace("_", " ").capitalize(),
            str(exc),
            code=f"review-{exc.kind}",
            **extra,
        ) from None


def _send_if_queued(touch: Touch, services: ServicesDep, background: BackgroundTasks) -> None:
    if touch.state == TouchState.QUEUED:
        background.add_task(services.outbox.dispatch, touch.id)


@router.post("/{touch_id}/approve", response_model=TouchPublic)
def approve(
    touch_id: uuid.UUID,
    payload: ReviewIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> Touch:
    """Approve as drafted. Approving an already-approved draft again changes nothing (sends once)."""
    touch = _decide(
        lambda: review.approve(
            session,
            touch_id,
            version=payload.version,
            user_id=uuid.UUID(principal.user_id),
            now=services.clock(),
        )
    )
    _send_if_queued(touch, services, background)
    return touch


@router.post("/{touch_id}/edit", response_model=TouchPublic)
def edit(
    touch_id: uuid.UUID,
    payload: EditIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> Touch:
    """Replace the text, then approve; the original is kept in the audit trail."""
    touch = _decide(
        lambda: review.edit_and_approve(
            session,
            touch_id,
            version=payload.version,
            body=payload.body,
            subject=payload.subject,
            user_id=uuid.UUID(principal.user_id),
            now=services.clock(),
        )
    )
    _send_if_queued(touch, services, background)
    return touch


@router.post("/{touch_id}/reject", response_model=TouchPublic)
def reject(
    touch_id: uuid.UUID,
    payload: RejectIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Touch:
    """Discard the draft with a reason (kept for learning); the sequence moves on."""
    return _decide(
        lambda: review.reject(
            session,
            touch_id,
            version=payload.version,
            reason=payload.reason,
            user_id=uuid.UUID(principal.user_id),
            now=services.clock(),
        )
    )
