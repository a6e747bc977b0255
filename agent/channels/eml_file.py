"""The embedded default email channel: real RFC 5322 ``.eml`` files in a folder, nothing leaves the machine.

A file per touch, written atomically under the touch's id: a retry after a crash overwrites nothing
and never produces a second message, and the file's presence proves, after a crash, that it was sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from agent.channels.base import Handover, OutgoingMessage, Recovery, SendResult
from agent.channels.email_message import build_email
from agent.domain import Channel, CompanyIdentity


def written(target: Path) -> SendResult | Recovery:
    """After a crash, a file channel's message was sent if and only if its file exists."""
    return SendResult(provider_message_id=f"file:{target.name}") if target.exists() else Recovery.NOT_SENT


def write_once(target: Path, data: bytes) -> None:
    """Write ``target`` atomically unless it exists (rename over a partial file, never a torn one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, target)


class EmlFileSender:
    channel = Channel.EMAIL

    def __init__(self, directory: Path, identity: CompanyIdentity, clock: Callable[[], datetime]) -> None:
        self.directory = directory
        self.identity = identity
        self.clock = clock

    def _target(self, message: OutgoingMessage) -> Path:
        return self.directory / f"{message.touch_id}.eml"

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        target = self._target(message)
        write_once(target, build_email(message, self.identity, now=self.clock()).as_bytes())
        return SendResult(provider_message_id=f"file:{target.name}")

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        return written(self._target(message))

    def close(self) -> None:
        pass
