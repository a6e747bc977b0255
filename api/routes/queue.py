"""The review queue over HTTP: the same decisions the reps' page makes, for CRM and chat integrations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from agent import review
from agent.container import Services
from agent.db.models import Lead, Touch
from agent.db.reviews import QueueFilter, QueueRepository
from agent.domain import Channel, TouchPurpose, TouchState
from agent.users import Principal
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem
from api.schemas import EditIn, LeadPublic, ListOf, RejectIn, ReviewIn, Strict, TouchPublic

router = APIRouter(prefix="/v1/queue", tags=["review queue"])

STATUS_BY_KIND = {"not_found": 404, "forbidden": 403, "conflict": 409, "out_of_date": 409, "invalid": 422}
DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Another rep's lead"},
    404: {"description": "No such draft"},
    409: {
        "description": "The draft changed, was decided by someone else, or is out of date; "
        "`current` is its fresh state"
    },
    422: {"description": "An unfilled placeholder, or an invalid request"},
}
T = TypeVar("T")


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


def decide(action: Callable[[], T]) -> T:
    """Run a review decision; its refusals become problem documents (409 carries the fresh state)."""
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
            code=f"review-{exc.kind.replace('_', '-')}",
            **extra,
        ) from None


def release(touch: Touch, session: Session, services: Services, background: BackgroundTasks) -> None:
    """An approved draft goes to the outbox after the commit; at night or past a cap it waits for the
    lead's hours (the outbox honours ``send_after``)."""
    if touch.state == TouchState.QUEUED:
        touch.send_after = services.loop.send_time(session, touch, services.clock())
        background.add_task(services.outbox.dispatch, touch.id)


def entry(touch: Touch, lead: Lead, services: Services) -> QueueEntry:
    return QueueEntry(
        touch=TouchPublic.model_validate(touch),
        lead=LeadPublic.model_validate(lead),
        hot=review.is_hot(lead, services.settings),
        review_due_at=review.review_due(touch, services.settings),
        bulk_approvable=review.bulk_eligible(touch),
    )


@router.get("", response_model=ListOf[QueueEntry])
def list_queue(
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    scope: Annotated[
        Literal["mine", "team"], Query(description="mine: your leads and unowned ones")
    ] = "mine",
    sequence: str | None = None,
    channel: Channel | None = None,
    purpose: TouchPurpose | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ListOf[QueueEntry]:
    """Drafts waiting for a rep, most urgent first: hot leads, then new leads' acknowledgments, then
    the rest, each oldest first (the most overdue against the review target)."""
    where = QueueFilter(
        user_id=principal.id,
        scope=scope,
        sequence=sequence,
        channel=channel.value if channel else None,
        purpose=purpose.value if purpose else None,
    )
    page = QueueRepository(session).page(
        where, hot_score=services.settings.hot_score_threshold, limit=limit, offset=offset
    )
    return ListOf[QueueEntry](data=[entry(r.touch, r.lead, services) for r in page.data], count=page.count)


@router.post("/{touch_id}/approve", response_model=TouchPublic, responses=DECISION_ERRORS)
def approve(
    touch_id: uuid.UUID,
    payload: ReviewIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> Touch:
    """Approve as drafted. Approving an already-approved draft again changes nothing (sends once)."""
    touch = decide(
        lambda: review.approve(
            session, touch_id, version=payload.version, now=services.clock(), actor=principal
        )
    )
    release(touch, session, services, background)
    return touch


@router.post("/{touch_id}/edit", response_model=TouchPublic, responses=DECISION_ERRORS)
def edit(
    touch_id: uuid.UUID,
    payload: EditIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
    background: BackgroundTasks,
) -> Touch:
    """Replace the text, then approve; the original is kept in the audit trail."""
    touch = decide(lambda: edit_draft(session, services, principal, touch_id, payload))
    release(touch, session, services, background)
    return touch


def edit_draft(
    session: Session, services: Services, principal: Principal, touch_id: uuid.UUID, payload: EditIn
) -> Touch:
    return review.edit_and_approve(
        session,
        touch_id,
        version=payload.version,
        body=payload.body,
        subject=payload.subject,
        now=services.clock(),
        identity=services.identity,
        company_facts=services.knowledge.company_facts(),
        actor=principal,
    )


@router.post("/{touch_id}/reject", response_model=TouchPublic, responses=DECISION_ERRORS)
def reject(
    touch_id: uuid.UUID,
    payload: RejectIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Touch:
    """Discard the draft with a reason (kept for learning); the sequence moves on."""
    return decide(
        lambda: review.reject(
            session,
            touch_id,
            version=payload.version,
            reason=payload.reason,
            now=services.clock(),
            actor=principal,
        )
    )


@router.post("/{touch_id}/regenerate", response_model=TouchPublic, responses=DECISION_ERRORS)
def regenerate(
    touch_id: uuid.UUID,
    payload: RegenerateIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> Touch:
    """Draft this step again with an instruction; the old draft is superseded, the new one (returned)
    waits for review. The instruction is kept for learning."""
    return decide(
        lambda: review.regenerate(
            session,
            services.loop,
            touch_id,
            version=payload.version,
            instruction=payload.instruction,
            now=services.clock(),
            actor=principal,
        )
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
        session, [(d.touch_id, d.version) for d in payload.drafts], actor=principal, now=services.clock()
    )
    for touch in outcome.approved:
        release(touch, session, services, background)
    return BulkOut(
        approved=[TouchPublic.model_validate(t) for t in outcome.approved],
        skipped=[{"touch_id": str(touch_id), "reason": reason} for touch_id, reason in outcome.skipped],
    )
