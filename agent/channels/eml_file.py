"""The embedded default email channel: real RFC 5322 ``.eml`` files in a folder, nothing leaves the machine.

A file per touch, written atomically under the touch's id: a retry after a crash overwrites nothing
and never produces a second message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from agent.channels.base import OutgoingMessage, SendResult
from agent.channels.email_message import build_email
from agent.domain import Channel, CompanyIdentity


class EmlFileSender:
    channel = Channel.EMAIL

    def __init__(self, directory: Path, identity: CompanyIdentity, clock: Callable[[], datetime]) -> None:
        self.directory = directory
        self.identity = identity
        self.clock = clock

    def send(self, message: OutgoingMessage) -> SendResult:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{message.touch_id}.eml"
        if not target.exists():
            data = build_email(message, self.identity, now=self.clock()).as_bytes()
            partial = target.with_suffix(".eml.partial")
            partial.write_bytes(data)
            os.replace(partial, target)
        return SendResult(provider_message_id=f"file:{target.name}")
