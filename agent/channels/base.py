"""The channel interface and the message it sends; the outbox is the only caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agent.domain import Channel


class TransientSendError(Exception):
    """Worth retrying later (a timeout, a 4xx/5xx the provider says is temporary)."""


class PermanentSendError(Exception):
    """Retrying will not help (an invalid address, a hard bounce): the address gets suppressed."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    touch_id: str
    lead_id: str
    channel: Channel
    to_address: str
    to_name: str | None
    subject: str | None
    body: str
    message_id: str
    unsubscribe_url: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SendResult:
    provider_message_id: str


class Sender(Protocol):
    channel: Channel

    def send(self, message: OutgoingMessage) -> SendResult: ...
