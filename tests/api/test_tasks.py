"""Tasks over HTTP: a rep sees theirs and the unowned ones, and completing one is audited."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from agent.container import Services
from agent.db.models import Task
from agent.db.repositories.audit import AuditRepository
from agent.outbox import Outcome
from tests.conftest import Caller, make_caller
from tests.factories import add_touch, submit


def _call_task(services: Services) -> str:
    lead_id = submit(services, phone="+15035550123").lead_id
    touch_id = add_touch(services, lead_id=lead_id, state="queued", channel="phone")
    assert services.outbox.dispatch(touch_id) is Outcome.SENT
    return str(lead_id)


class TestTasks:
    def test_a_rep_sees_open_unowned_tasks_with_their_talking_points(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        lead_id = _call_task(services)

        response = client.get("/v1/tasks", headers=rep.headers)

        assert response.status_code == 200
        (task,) = response.json()["data"]
        assert (task["lead_id"], task["channel"], task["status"]) == (lead_id, "phone", "open")
        assert task["talking_points"][-1].startswith("Next step to propose:")

    def test_another_reps_task_is_shown_only_when_asked_for_everyone(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        other = make_caller(services, email="other@example.com")
        lead_id = _call_task(services)
        with services.session_factory.begin() as session:
            task = session.query(Task).one()
            task.owner_id = other.user_id
        assert lead_id

        mine = client.get("/v1/tasks", headers=rep.headers).json()
        everyone = client.get("/v1/tasks?everyone=true", headers=rep.headers).json()

        assert (mine["count"], everyone["count"]) == (0, 1)

    def test_completing_a_task_records_the_outcome_once(
        self, client: TestClient, services: Services, rep: Caller
    ) -> None:
        _call_task(services)
        task_id = client.get("/v1/tasks", headers=rep.headers).json()["data"][0]["id"]

        done = client.post(
            f"/v1/tasks/{task_id}/done", json={"outcome": "Left a voicemail"}, headers=rep.headers
        )
        again = client.post(f"/v1/tasks/{task_id}/done", json={"outcome": "Again"}, headers=rep.headers)

        assert done.status_code == 200
        assert (done.json()["status"], done.json()["outcome"]) == ("done", "Left a voicemail")
        assert done.json()["completed_by"] == str(rep.user_id)
        assert again.status_code == 409
        with services.session_factory() as session:
            actions = [a.action for a in AuditRepository(session).for_lead(uuid.UUID(done.json()["lead_id"]))]
        assert actions.count("task.done") == 1

    def test_tasks_need_an_api_key(self, client: TestClient) -> None:
        assert client.get("/v1/tasks").status_code == 401
