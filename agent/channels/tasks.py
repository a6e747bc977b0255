"""Phone and LinkedIn touches: not messages but work for a person, with talking points from the draft.

The "send" records a task for the lead's owner (or for any rep when the lead has none). One task per
touch, enforced by a unique key, so a retry after a crash finds the task instead of adding another.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import Handover, OutgoingMessage, Recovery, SendResult
from agent.db.models import Lead, Task
from agent.db.repositories.tasks import TaskRepository
from agent.domain import Channel

GREETINGS = ("hi ", "hello", "hey ", "dear ", "good morning", "good afternoon")
SIGN_OFFS = ("best", "thanks", "thank you", "regards", "cheers", "kind regards", "warm regards")


def talking_points(body: str, *, need: str | None, call_to_action: str | None) -> list[str]:
    """What to say, in order: what they asked for, the draft's substance, then the one next step."""
    points = [f"They asked about: {need.strip()}"] if need and need.strip() else []
    for paragraph in body.split("\n\n"):
        text = " ".join(paragraph.split())
        lowered = text.lower()
        if not text or (len(text.split()) <= 4 and lowered.startswith(GREETINGS + SIGN_OFFS)):
            continue  # "Hi Dana," or "Best, Maya": not something to say on a call
        if call_to_action and text == " ".join(call_to_action.split()):
            continue
        points.append(text)
    if call_to_action:
        points.append(f"Next step to propose: {call_to_action.strip()}")
    return points


def task_title(channel: Channel, lead: Lead) -> str:
    name = " ".join(part for part in (lead.first_name, lead.last_name) if part) or lead.email or "the lead"
    where = f" ({lead.company})" if lead.company else ""
    verb = "Call" if channel is Channel.PHONE else "Message on LinkedIn:"
    return f"{verb} {name}{where}"


class TaskSender:
    """One instance per channel (phone, LinkedIn); both write to the same tasks table."""

    def __init__(
        self, channel: Channel, session_factory: sessionmaker[Session], clock: Callable[[], datetime]
    ) -> None:
        self.channel = channel
        self.session_factory = session_factory
        self.clock = clock

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        try:
            with self.session_factory.begin() as session:
                tasks = TaskRepository(session)
                existing = tasks.by_touch(uuid.UUID(message.touch_id))
                if existing is not None:
                    return SendResult(provider_message_id=f"task:{existing.id}")
                lead = session.get(Lead, uuid.UUID(message.lead_id))
                assert lead is not None  # the outbox just read it; the lead's deletion cascades here
                now = self.clock()
                task = tasks.add(
                    Task(
                        lead_id=lead.id,
                        touch_id=uuid.UUID(message.touch_id),
                        owner_id=lead.owner_id,
                        channel=self.channel.value,
                        title=task_title(self.channel, lead),
                        talking_points=talking_points(
                            message.body, need=lead.need, call_to_action=message.call_to_action
                        ),
                        script=message.body,
                        status="open",
                        due_at=now,
                        created_at=now,
                    )
                )
                return SendResult(provider_message_id=f"task:{task.id}")
        except IntegrityError:  # a concurrent retry created it first
            found = self.recover(message)
            if isinstance(found, SendResult):
                return found
            raise

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        with self.session_factory() as session:
            task = TaskRepository(session).by_touch(uuid.UUID(message.touch_id))
            return SendResult(provider_message_id=f"task:{task.id}") if task else Recovery.NOT_SENT

    def close(self) -> None:
        pass
