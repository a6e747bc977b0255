"""Mailgun, the inbound-parse provider we speak: routes that forward received email, and event webhooks.

Both carry Mailgun's signature: a hex HMAC-SHA256, keyed with the webhook signing key, over the
timestamp followed by a random token. Routes post it as form fields next to the parsed email; event
webhooks post JSON with it under ``signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from agent.channels.received import DeliveryKind, DeliveryStatus, InboundEmail
from agent.domain import Channel


class MalformedPayload(ValueError):
    """The payload lacks a field we need; the message says which."""


def mailgun_signature(signing_key: str, timestamp: str, token: str) -> str:
    return hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def verify_mailgun_signature(
    signing_key: str, timestamp: str, token: str, signature: str, *, now: int, tolerance: int
) -> bool:
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance or not token:
        return False
    return hmac.compare_digest(mailgun_signature(signing_key, timestamp, token), signature)


def parse_route(form: Mapping[str, str]) -> InboundEmail:
    """A route's ``forward()`` post ("fully parsed" mode) as an ``InboundEmail``."""
    headers = _headers(form.get("message-headers"))
    sender = form.get("from") or form.get("sender")
    if not sender:
        raise MalformedPayload("the post has no 'from' or 'sender' field")
    text = form.get("stripped-text") or form.get("body-plain") or ""
    return InboundEmail(
        from_address=sender,
        text=text.strip(),
        subject=form.get("subject") or headers.get("subject"),
        message_id=form.get("Message-Id") or headers.get("message-id"),
        in_reply_to=form.get("In-Reply-To") or headers.get("in-reply-to"),
        references=tuple(filter(None, [form.get("References") or headers.get("references")])),
        received_at=_time(form.get("timestamp")),
        auto_submitted=_automatic(headers),
        provider="mailgun",
    )


def parse_event(body: Mapping[str, Any]) -> DeliveryStatus | None:
    """An event webhook as a ``DeliveryStatus``; None for events that are not about delivery."""
    data = body.get("event-data")
    if not isinstance(data, Mapping) or not data.get("id"):
        raise MalformedPayload("the post has no 'event-data' with an 'id'")
    event = data.get("event")
    if event == "delivered":
        kind, bounce_type = DeliveryKind.DELIVERED, None
    elif event == "failed":
        kind = DeliveryKind.BOUNCE
        bounce_type = "hard" if data.get("severity") == "permanent" else "soft"
    elif event == "complained":
        kind, bounce_type = DeliveryKind.COMPLAINT, None
    else:
        return None
    status = data.get("delivery-status") or {}
    message = data.get("message") or {}
    reason = " ".join(
        str(part) for part in (status.get("code"), status.get("description") or status.get("message")) if part
    )
    return DeliveryStatus(
        event_id=str(data["id"]),
        channel=Channel.EMAIL,
        kind=kind,
        recipient=data.get("recipient"),
        message_id=(message.get("headers") or {}).get("message-id"),
        bounce_type=bounce_type,
        reason=reason or data.get("reason"),
        occurred_at=_time(data.get("timestamp")),
        provider="mailgun",
    )


def _headers(raw: str | None) -> dict[str, str]:
    """``message-headers``: a JSON list of [name, value] pairs, in order; names compared lower-case."""
    if not raw:
        return {}
    try:
        pairs = json.loads(raw)
        return {str(name).lower(): str(value) for name, value in pairs}
    except (ValueError, TypeError):
        raise MalformedPayload("'message-headers' is not a JSON list of [name, value] pairs") from None


def _automatic(headers: Mapping[str, str]) -> bool:
    auto = headers.get("auto-submitted", "no").strip().lower()
    return (
        auto != "no"
        or "x-autoreply" in headers
        or headers.get("precedence", "").lower() in {"auto_reply", "bulk"}
    )


def _time(value: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(str(value)), tz=UTC) if value is not None else None
    except ValueError:
        return None
