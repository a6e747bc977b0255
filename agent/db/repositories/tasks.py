"""Tasks: phone and LinkedIn touches as work for a rep."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from agent.db.models import Task
from agent.db.repositories.base import Page, RepositoryBase


class TaskRepository(RepositoryBase[Task]):
    model = Task

    def by_touch(self, touch_id: uuid.UUID) -> Task | None:
        return self.session.scalar(select(Task).where(Task.touch_id == touch_id))

    def page(
        self,
        *,
        owner_id: uuid.UUID | None = None,
        include_unassigned: bool = True,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[Task]:
        """Tasks, oldest due first; for one owner, theirs plus (by default) those nobody owns."""
        query = select(Task)
        if owner_id is not None:
            mine = Task.owner_id == owner_id
            query = query.where(mine | Task.owner_id.is_(None) if include_unassigned else mine)
        if status is not None:
            query = query.where(Task.status == status)
        return self.paginate(query, order_by=(Task.due_at, Task.id), limit=limit, offset=offset)
