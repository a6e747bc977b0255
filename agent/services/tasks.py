"""Tasks: phone calls and LinkedIn messages, as work for a rep; and a message that could not be sent,
as work for the lead's rep (reach them another way), so that nothing fails silently."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from agent import fields
from agent.db.models import Lead, Task, Touch
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


def open_for_unsent(session: Session, touch: Touch, lead: Lead, *, why: str, now: datetime) -> Task | None:
    """The touch can never be sent by itself (the provider refused it for good, or every retry failed):
    a task for the lead's rep (any rep when the lead has none) to reach the lead another way, with
    what failed and the message that was meant to go. One per touch; None when it has one already."""
    tasks = TaskRepository(session)
    if tasks.by_touch(touch.id) is not None:
        return None
    name = " ".join(part for part in (lead.first_name, lead.last_name) if part) or lead.email or "the lead"
    on_file = (lead.email if touch.channel == "email" else lead.phone) or "none"
    title = f"Not sent: the {touch.channel} to {name} could not be delivered; reach them another way"
    task = tasks.add(
        Task(
            lead_id=lead.id,
            touch_id=touch.id,
            owner_id=lead.owner_id,
            channel=touch.channel,
            title=title[: fields.TASK_TITLE],
            talking_points=[
                f"Why it was not sent: {why}",
                f"Their {touch.channel} address on file: {on_file}",
                "Check the address with them, or use another channel; the message meant to go is below.",
            ],
            script=touch.body,
            status="open",
            due_at=now,
            created_at=now,
        )
    )
    AuditRepository(session).record(
        action="task.unsent",
        lead_id=lead.id,
        touch_id=touch.id,
        reason=why,
        details={"task_id": str(task.id), "channel": touch.channel},
        now=now,
    )
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
