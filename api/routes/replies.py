"""A rep's correction of how a reply was read: kept to train the reader again."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field, StringConstraints

from agent.domain import ReplyIntent
from agent.services import replies
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.schemas import EventPublic, Strict

router = APIRouter(prefix="/v1/replies", tags=["replies"])


class CorrectionIn(Strict):
    intent: ReplyIntent = Field(description="What the reply really was (evals/replies/GUIDE.md)")
    note: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None


@router.post(
    "/{event_id}/correction",
    response_model=EventPublic,
    responses={
        403: {"description": "A reply of another rep's lead"},
        404: {"description": "No such reply"},
    },
)
def correct_reading(
    event_id: uuid.UUID,
    payload: CorrectionIn,
    session: SessionDep,
    services: ServicesDep,
    principal: PrincipalDep,
) -> object:
    """Say what a reply really meant. Nothing already decided changes; the next reader learns from it
    (``touchpoint replies export-corrections``, then ``touchpoint replies train``)."""
    return replies.correct(
        session, event_id, intent=payload.intent, actor=principal, now=services.clock(), note=payload.note
    )
