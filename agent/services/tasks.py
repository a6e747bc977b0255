"""Tasks: phone calls and LinkedIn messages, as work for a rep."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from agent.db.models import Task
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.base import Page
from agent.db.repositories.tasks import TaskRepository
from agent.services import leads
from agent.services.access import Operation
from agent.services.errors import Conflict, NotFound
from agent.users import Principal


def complete(session: Session, task_id: uuid.UUID, *, outcome: str, actor: Principal, now: datetime) -> Task:
    """Mark a phone or LinkedIn task done with what happened."""
    task = TaskRepository(session).get(task_id)
    if task is None:
        raise NotFound(f"no task with id {task_id}", code="task-not-found")
    leads.get(session, task.lead_id, actor, Operation.ACT)
    if task.status == "done":
        raise Conflict("this task is already done", code="task-done")
    task.status = "done"
    task.completed_at = now
    task.completed_by = actor.id
    task.outcome = outcome
    AuditRepository(session).record(
        action="task.done",
        lead_id=task.lead_id,
        touch_id=task.touch_id,
        user_id=actor.id,
        details={"task_id": str(task.id), "outcome": outcome},
        now=now,
    )
    session.flush()
    return task


def page(
    session: Session,
    *,
    owner_id: uuid.UUID | None = None,
    include_unassigned: bool = True,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Task]:
    return TaskRepository(session).page(
        owner_id=owner_id, include_unassigned=include_unassigned, status=status, limit=limit, offset=offset
    )
