"""Tasks over the real store: done once, with its outcome. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from agent.container import Services
from agent.db.models import Task
from agent.services import tasks
from agent.services.errors import Conflict
from tests.agent.services.support import draft, principal


class TestTasks:
    def test_marking_a_task_done_records_the_outcome_once(self, services: Services) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, touch_id = draft(services, channel="phone", purpose="check_in")
        with services.session_factory.begin() as session:
            task = Task(
                lead_id=lead_id,
                touch_id=touch_id,
                channel="phone",
                title="Call Dana",
                talking_points=["Ask about Saturdays"],
                script="Hi Dana...",
                due_at=services.clock(),
                created_at=services.clock(),
            )
            session.add(task)
            session.flush()
            task_id = task.id

        with services.session_factory.begin() as session:
            tasks.complete(session, task_id, outcome="voicemail", actor=ana, now=services.clock())
        with (
            services.session_factory.begin() as session,
            pytest.raises(Conflict, match="already done"),
        ):
            tasks.complete(session, task_id, outcome="again", actor=ana, now=services.clock())

        with services.session_factory() as session:
            done = session.get(Task, task_id)
        assert done is not None and (done.status, done.outcome, done.completed_by) == (
            "done",
            "voicemail",
            ana.id,
        )
