"""The review queue over HTTP: the same decisions the reps' page makes, for CRM and chat integrations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel, Field, StringConstraints

from agent.container import Services
from agent.domain import Channel, TouchPurpose, TouchState
from agent.services import review
from agent.services.records import Touch
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.schemas import (
    EditIn,
    LeadPublic,
    ListOf,
    Offset,
    RejectIn,
    ReviewIn,
    Storable,
    Strict,
    TouchPublic,
)

router = APIRouter(prefix="/v1/queue", tags=["review queue"])

DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Another rep's lead"},
    404: {"description": "No such draft"},
    409: {
        "description": "The draft changed, was decided by someone else, or is out of date; "
        "`current` is its fresh state"
    },
    422: {"description": "An unfilled placeholder, or an invalid request"},
}


class QueueEntry(BaseModel):
    touch: TouchPublic
    lead: LeadPublic
    hot: bool = Field(description="The lead's engagement score is over the hot threshold")
    review_due_at: datetime = Field(
        description="When a rep should have decided (TOUCHPOINT_REVIEW_TARGET_MINUTES)"
    )
    bulk_approvable: bool = Field(description="A low-risk purpose with no guardrail violation")


class RegenerateIn(ReviewIn):
    instruction: Annotated[str, StringConstraints(min_length=2, max_length=500)] = Field(
        description='What to change, in a rep\'s words: "shorter", "lead with the ROI guide"'
    )


class BulkItem(Strict):
    touch_id: uuid.UUID
    version: int


class BulkIn(Strict):
    drafts: list[BulkItem] = Field(min_length=1, max_length=200)


class BulkOut(BaseModel):
    approved: list[TouchPublic]
    skipped: list[dict[str, str]] = Field(description="Each draft not approved, with the reason")


def release(touch: Touch, services: Services, background: BackgroundTasks) -> None:
    """An approved draft is handed to the outbox after the commit (the outbox honours ``send_after``)."""
    if touch.state == TouchState.QUEUED:
        background.add_task(services.outbox.send_after_response, touch.id)


def entry(row: review.QueueRow, services: Services) -> QueueEntry:
    return QueueEntry(
        touch=TouchPublic.model_validate(row.touch),
        lead=LeadPublic.model_validate(row.lead),
        hot=review.is_hot(row.lead, services.settings),
        review_due_at=review.review_due(row.touch, services.settings),
        bulk_approvable=review.bulk_eligible(row.touch),
    )


@router.get("", response_model=ListOf[QueueEntry])
def list_queue(
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    scope: Annotated[
        Literal["mine", "team"], Query(description="mine: your leads and unowned ones")
    ] = "mine",
    sequence: Storable | None = None,
    channel: Channel | None = None,
    purpose: TouchPurpose | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ListOf[QueueEntry]:
    """Drafts waiting for a rep, most urgent first: hot leads, then new leads' acknowledgments, then
    the rest, each oldest first (the most overdue against the review target)."""
    where = review.QueueFilter(
        user_id=principal.id,
        scope=scope,
        sequence=sequence,
        channel=channel.value if channel else None,
        purpose=purpose.value if purpose else None,
    )
    page = review.queue(
        session, where, hot_score=services.settings.hot_score_threshold, limit=limit, offset=offset
    )
    return ListOf[QueueEntry](data=[entry(row, services) for row in page.data], count=page.count)


@router.post("/{touch_id}/approve", response_model=TouchPublic, responses=DECISION_ERRORS)
def approve(
    touch_id: uuid.UUID,
    payload: ReviewIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> object:
    """Approve as drafted. Approving an already-approved draft again changes nothing (sends once)."""
    touch = review.approve(
        session, services.loop, touch_id, version=payload.version, now=services.clock(), actor=principal
    )
    release(touch, services, background)
    return touch


@router.post("/{touch_id}/edit", response_model=TouchPublic, responses=DECISION_ERRORS)
def edit(
    touch_id: uuid.UUID,
    payload: EditIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> object:
    """Replace the text, then approve; the original is kept in the audit trail."""
    touch = review.edit_and_approve(
        session,
        services.loop,
        touch_id,
        version=payload.version,
        body=payload.body,
        subject=payload.subject,
        now=services.clock(),
        actor=principal,
    )
    release(touch, services, background)
    return touch


@router.post("/{touch_id}/reject", response_model=TouchPublic, responses=DECISION_ERRORS)
def reject(
    touch_id: uuid.UUID,
    payload: RejectIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Discard the draft with a reason (kept for learning); the sequence moves on."""
    return review.reject(
        session,
        touch_id,
        version=payload.version,
        reason=payload.reason,
        now=services.clock(),
        actor=principal,
    )


@router.post("/{touch_id}/regenerate", response_model=TouchPublic, responses=DECISION_ERRORS)
def regenerate(
    touch_id: uuid.UUID,
    payload: RegenerateIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Draft this step again with an instruction; the old draft is superseded, the new one (returned)
    waits for review. The instruction is kept for learning."""
    return review.regenerate(
        session,
        services.loop,
        touch_id,
        version=payload.version,
        instruction=payload.instruction,
        now=services.clock(),
        actor=principal,
    )


@router.post("/bulk-approve", response_model=BulkOut)
def bulk_approve(
    payload: BulkIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> BulkOut:
    """Approve several low-risk drafts with no guardrail violation; the others are skipped with why."""
    outcome = review.bulk_approve(
        session,
        services.loop,
        [(d.touch_id, d.version) for d in payload.drafts],
        actor=principal,
        now=services.clock(),
    )
    for touch in outcome.approved:
        release(touch, services, background)
    return BulkOut(
        approved=[TouchPublic.model_validate(t) for t in outcome.approved],
        skipped=[{"touch_id": str(touch_id), "reason": reason} for touch_id, reason in outcome.skipped],
    )
