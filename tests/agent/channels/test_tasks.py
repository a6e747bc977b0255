"""Phone and LinkedIn touches become one task each, with talking points drawn from the draft."""

from __future__ import annotations

from agent.channels.base import Recovery, SendResult
from agent.channels.tasks import TaskSender, talking_points
from agent.container import Services
from agent.db.models import Task
from agent.domain import Channel
from tests.agent.channels.messages import BODY, Handovers, outgoing
from tests.factories import add_touch, submit


class TestTalkingPoints:
    def test_need_first_then_the_substance_then_the_next_step(self) -> None:
        points = talking_points(BODY, need="fewer Saturday no-shows", call_to_action="Tuesday at 10:00?")

        assert points[0] == "They asked about: fewer Saturday no-shows"
        assert points[1].startswith("Here is our no-show cost calculator")
        assert points[-1] == "Next step to propose: Tuesday at 10:00?"
        assert not any(p.startswith(("Hi Dana", "Best")) for p in points)

    def test_nothing_invented_when_the_lead_gave_no_need(self) -> None:
        points = talking_points(
            "Hi Sam,\n\nOur FAQ answers the deposit question.", need=None, call_to_action=None
        )

        assert points == ["Our FAQ answers the deposit question."]


class TestTaskSender:
    def test_one_task_per_touch_however_often_it_is_sent(self, services: Services) -> None:
        lead_id = submit(services, phone="+15035550123").lead_id
        sender = TaskSender(Channel.LINKEDIN, services.session_factory, services.clock)
        touch_id = add_touch(services, lead_id=lead_id, state="sending", channel="linkedin")
        message = outgoing(lead_id=str(lead_id), touch_id=str(touch_id), channel=Channel.LINKEDIN)
        assert sender.recover(message) is Recovery.NOT_SENT

        first = sender.send(message, Handovers())
        second = sender.send(message, Handovers())

        assert first == second
        assert sender.recover(message) == first
        with services.session_factory() as session:
            (task,) = session.query(Task).all()
        assert task.title == "Message on LinkedIn: Dana Lopez (Luna Hair Studio)"
        assert task.owner_id is None and task.status == "open"
        assert isinstance(first, SendResult) and first.provider_message_id == f"task:{task.id}"
