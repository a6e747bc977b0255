"""A real SMTP server on loopback (aiosmtpd) for the email channel's tests, with real TLS (trustme).

It keeps what arrived, parses it with Python's ``email`` package, and can be scripted the ways a
relay misbehaves: refuse a recipient, defer a message, or stall after taking one (to crash a sender
at the worst moment).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.loopback import free_port

USERNAME = "touchpoint"
PASSWORD = "s3cret-relay-password"


@dataclass(frozen=True)
class Received:
    envelope_from: str
    recipients: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)  # e.g. SMTPUTF8

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> SMTP reply to RCPT
    data_replies: list[str] = field(default_factory=list)  # replies to DATA, used (and dropped) first
    # Stall the n-th RCPT (before anything was handed over) or the n-th message after taking it (the
    # moment a crash leaves a sender in doubt), until ``release`` is set.
    stall_rcpt_at: int | None = None
    stall_data_at: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    rcpts_seen: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        self.rcpts_seen += 1
        if self.rcpts_seen == self.stall_rcpt_at:
            await self._stall()
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        with self.arrived:
            self.received.append(
                Received(
                    envelope.mail_from, list(envelope.rcpt_tos), envelope.content, list(envelope.mail_options)
                )
            )
            count = len(self.received)
            self.arrived.notify_all()
        if count == self.stall_data_at:
            await self._stall()
        return f"250 2.0.0 Ok: queued as Q{count}"

    async def _stall(self) -> None:
        self.stalled.set()
        await asyncio.to_thread(self.release.wait, 60)

    def wait_for(self, count: int, *, timeout: float = 10) -> list[Received]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout):
                raise AssertionError(f"the SMTP server got {len(self.received)} message(s), not {count}")
            return list(self.received)


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data == (USERNAME.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


@dataclass
class LoopbackSmtp:
    handler: Handler
    port: int
    security: str
    ca_file: Path | None

    def settings(self) -> dict[str, Any]:
        """The Touchpoint settings that point the email channel here."""
        values: dict[str, Any] = {
            "email_channel": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_security": self.security,
        }
        if self.security != "none":
            values |= {"smtp_username": USERNAME, "smtp_password": PASSWORD, "smtp_ca_file": self.ca_file}
        return values

    def environment(self) -> dict[str, str]:
        return {f"TOUCHPOINT_{name.upper()}": str(value) for name, value in self.settings().items()}


@contextmanager
def loopback_smtp(
    tmp_path: Path, *, security: str = "starttls", smtputf8: bool = False
) -> Iterator[LoopbackSmtp]:
    """Run an SMTP server on 127.0.0.1: ``starttls`` (+ login), ``tls`` (implicit, + login) or ``none``;
    ``smtputf8``: it offers SMTPUTF8 (RFC 6531), as a relay that takes non-ASCII mailbox names does."""
    handler = Handler()
    port = free_port()
    ca_file: Path | None = None
    options: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
    if security != "none":
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        ca_file = tmp_path / "smtp-ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        options |= {"authenticator": _authenticate}
        if security == "starttls":
            options |= {"tls_context": context, "require_starttls": True, "auth_required": True}
        else:  # implicit TLS: aiosmtpd cannot tell the session is encrypted, so it may not insist on AUTH
            options |= {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield LoopbackSmtp(handler, port, security, ca_file)
    finally:
        handler.release.set()
        controller.stop()
