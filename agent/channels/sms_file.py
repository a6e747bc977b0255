"""The embedded default SMS channel: one JSON file per text in the outbox folder, sent to nobody."""

from __future__ import annotations

import json
from pathlib import Path

from agent.channels.base import Handover, OutgoingMessage, Recovery, SendResult
from agent.channels.eml_file import write_once, written
from agent.channels.sms import with_opt_out
from agent.domain import Channel


class SmsFileSender:
    channel = Channel.SMS

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _target(self, message: OutgoingMessage) -> Path:
        return self.directory / f"{message.touch_id}.sms.json"

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        target = self._target(message)
        record = {"touch_id": message.touch_id, "to": message.to_address, "body": with_opt_out(message.body)}
        write_once(target, json.dumps(record, ensure_ascii=False, indent=2).encode())
        return SendResult(provider_message_id=f"file:{target.name}")

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        return written(self._target(message))

    def close(self) -> None:
        pass
