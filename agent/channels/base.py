"""The channel interface and the message it sends; the outbox is the only caller.

A sender tells the outbox three things it alone can know: when it reaches the point of no return
(``handover``), whether a failure happened before it (retry) or may have happened after it (in doubt),
and, after a crash, whether a message was in fact accepted (``recover``). That is what lets the outbox
promise that nothing is sent twice (docs/architecture.md, "Channels").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from agent.domain import Channel


class TransientSendError(Exception):
    """The provider did not take the message, and may later (a timeout before sending, a 4xx reply)."""


class PermanentSendError(Exception):
    """Retrying will not help. ``suppress_address``: the address itself is bad (an invalid mailbox or
    number, a hard bounce), so nothing is sent to it again; otherwise only this message fails (a
    rejected content, a configuration the provider refuses)."""

    def __init__(self, message: str, *, suppress_address: bool = True) -> None:
        super().__init__(message)
        self.suppress_address = suppress_address


class InDoubtSendError(Exception):
    """The connection failed after the hand-over: the provider may or may not have the message."""


class ClaimLost(Exception):
    """Raised by ``handover`` when another worker owns this touch now: the sender must stop."""


class Recovery(StrEnum):
    """What a channel can say, after a crash, about a message whose hand-over had begun."""

    NOT_SENT = "not_sent"  # provably never accepted: safe to send
    UNKNOWN = "unknown"  # the channel cannot tell: never sent again automatically


Handover = Callable[[], None]


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
    preferences_url: str | None = None
    # The links the company put in an email (agent/outbox.py ``links_in``) as (URL, href) pairs: the
    # href is the signed click redirect when tracking is on, else the URL. Only these are anchors in the
    # HTML part; the text part keeps the body as written. The open pixel when tracking is on.
    tracked_links: tuple[tuple[str, str], ...] = ()
    open_pixel_url: str | None = None
    call_to_action: str | None = None
    language: str | None = None  # ISO 639-1 of the body (the lead's): our own footer lines follow it


@dataclass(frozen=True, slots=True)
class SendResult:
    provider_message_id: str


class Sender(Protocol):
    channel: Channel

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        """Send ``message``; call ``handover()`` once, right before the step that cannot be undone.

        Raise ``TransientSendError`` or ``PermanentSendError`` for failures known to have left the
        provider without the message, ``InDoubtSendError`` when it may have it. A sender that is
        idempotent per touch (a file, a database row) may skip ``handover``.
        """
        ...

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        """After a crash past the hand-over: prove the message was accepted, or say what is known."""
        ...

    def close(self) -> None: ...
