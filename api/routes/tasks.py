"""Tasks: the phone calls and LinkedIn messages the sequence asks a person to make, with talking points.

A rep sees their own open tasks plus those of leads nobody owns; completing one records the outcome
and who did it, in the audit trail like every other rep action.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from agent.services import tasks
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.schemas import ListOf, Offset, Strict

router = APIRouter(prefix="/v1/tasks", tags=["tasks"])


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    lead_id: uuid.UUID
    touch_id: uuid.UUID
    owner_id: uuid.UUID | None
    channel: str
    title: str
    talking_points: list[str]
    script: str
    status: str
    due_at: datetime
    created_at: datetime
    completed_at: datetime | None
    completed_by: uuid.UUID | None
    outcome: str | None


class TaskDone(Strict):
    outcome: str = Field(min_length=1, max_length=2000, description="What happened: reached, voicemail...")


@router.get("", response_model=ListOf[TaskPublic])
def list_tasks(
    session: SessionDep,
    principal: PrincipalDep,
    status: Literal["open", "done", "all"] = "open",
    everyone: Annotated[bool, Query(description="All reps' tasks, not just mine and unowned")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ListOf[TaskPublic]:
    page = tasks.page(
        session,
        owner_id=None if everyone else principal.id,
        status=None if status == "all" else status,
        limit=limit,
        offset=offset,
    )
    return ListOf[TaskPublic](data=[TaskPublic.model_validate(t) for t in page.data], count=page.count)


@router.post(
    "/{task_id}/done",
    response_model=TaskPublic,
    responses={
        403: {"description": "A task of another rep's lead"},
        404: {"description": "No such task"},
        409: {"description": "Already done"},
    },
)
def complete_task(
    task_id: uuid.UUID, payload: TaskDone, session: SessionDep, services: ServicesDep, principal: PrincipalDep
) -> object:
    return tasks.complete(session, task_id, outcome=payload.outcome, actor=principal, now=services.clock())
