"""Signed tokens for links that must work without a login (unsubscribe, tracking).

An HMAC over the purpose and the value means a token for one lead's unsubscribe link can neither be
forged nor reused to unsubscribe somebody else or to fake a click.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

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
