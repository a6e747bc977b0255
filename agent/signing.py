"""Signed tokens for links that must work without a login (unsubscribe, preferences, tracking).

An HMAC over the purpose and the value means a token for one lead's unsubscribe link can neither be
forged nor reused to unsubscribe somebody else, to fake a click, or to turn our click redirect into an
open redirect. A click token is only ever made for a link the company put in the message (the outbox's
``links_in``), and the redirect checks that again, so a signature alone never sends anyone anywhere.
The generic webhook signature scheme lives here too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from agent.domain import Channel

_MAC_BYTES = 16


class BadSignature(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, value: bytes) -> bytes:
    return hmac.new(secret.encode(), purpose.encode() + b"\0" + value, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(secret: str, purpose: str, value: str) -> str:
    raw = value.encode()
    return f"{_b64(raw)}.{_b64(_mac(secret, purpose, raw))}"


def unsign(secret: str, purpose: str, token: str) -> str:
    try:
        encoded_value, encoded_mac = token.split(".", 1)
        raw = _unb64(encoded_value)
        given = _unb64(encoded_mac)
    except (ValueError, TypeError):
        raise BadSignature("malformed token") from None
    if not hmac.compare_digest(given, _mac(secret, purpose, raw)):
        raise BadSignature("signature does not match")
    return raw.decode()


@dataclass(frozen=True, slots=True)
class LinkSigner:
    """Makes and reads the signed links a message carries: unsubscribe, preferences, open pixel, clicks.

    Built once (agent/container.py) and shared by the outbox that writes the links and the public
    routes that verify them, so both always agree on the format.
    """

    base_url: str
    secret: str

    def _url(self, prefix: str, purpose: str, value: str) -> str:
        return f"{self.base_url.rstrip('/')}/{prefix}/{sign(self.secret, purpose, value)}"

    def unsubscribe_url(self, lead_id: uuid.UUID, channel: Channel) -> str:
        return self._url("u", "unsubscribe", f"{lead_id}:{channel.value}")

    def read_unsubscribe(self, token: str) -> tuple[uuid.UUID, Channel]:
        lead_id, channel = _split(unsign(self.secret, "unsubscribe", token), ":")
        return _uuid(lead_id), _channel(channel)

    def preferences_url(self, lead_id: uuid.UUID) -> str:
        return self._url("p", "preferences", str(lead_id))

    def read_preferences(self, token: str) -> uuid.UUID:
        return _uuid(unsign(self.secret, "preferences", token))

    def open_url(self, touch_id: uuid.UUID) -> str:
        return self._url("t/o", "open", str(touch_id))

    def read_open(self, token: str) -> uuid.UUID:
        return _uuid(unsign(self.secret, "open", token))

    def click_url(self, touch_id: uuid.UUID, url: str) -> str:
        if not is_web_url(url):
            raise ValueError(f"only http(s) links can be tracked, not {url[:40]!r}")
        return self._url("t/c", "click", f"{touch_id} {url}")

    def read_click(self, token: str) -> tuple[uuid.UUID, str]:
        touch_id, url = _split(unsign(self.secret, "click", token), " ")
        if not is_web_url(url):
            raise BadSignature("not a web link")
        return _uuid(touch_id), url


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def link_key(url: str) -> str:
    """One spelling per link, to tell whether a link in a message is one the company published:
    the scheme and host in lower case (they are case-insensitive), no trailing slash on the path."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, parts.fragment)
    )


def _split(value: str, separator: str) -> tuple[str, str]:
    head, found, tail = value.partition(separator)
    if not found:
        raise BadSignature("malformed value")
    return head, tail


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadSignature("malformed id") from None


def _channel(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise BadSignature("unknown channel") from None


# Generic JSON webhooks: ``X-Touchpoint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`` over
# ``"<t>." + body``. The timestamp inside the MAC bounds replays to the tolerance window; a replay
# inside it is harmless because every webhook is deduplicated by its own id.
WEBHOOK_SIGNATURE_HEADER = "X-Touchpoint-Signature"


def webhook_signature(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_webhook_signature(secret: str, body: bytes, header: str, *, now: int, tolerance: int) -> None:
    """Raise ``BadSignature`` unless ``header`` signs ``body`` with ``secret`` within ``tolerance`` s."""
    fields = dict(part.strip().partition("=")[::2] for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        raise BadSignature("the signature has no timestamp (t=...)") from None
    if abs(now - timestamp) > tolerance:
        raise BadSignature("the signature's timestamp is outside the allowed window")
    expected = webhook_signature(secret, body, timestamp).partition(",v1=")[2]
    if not hmac.compare_digest(expected, fields.get("v1", "")):
        raise BadSignature("signature does not match")
