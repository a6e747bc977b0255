"""What every reply reader is: one call that reads a reply, and whether it calls a model."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from agent.domain import ReplyReading
from agent.replies.message import InboundReply


class ReplyClassifier(Protocol):
    # A reader that calls a model is never called inside a transaction (AgentLoop.run_step).
    uses_model: bool

    def classify(self, reply: InboundReply, *, today: date) -> ReplyReading: ...
