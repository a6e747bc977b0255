"""Email through an SMTP relay (STARTTLS or implicit TLS, optional login), with pooled connections.

The point of no return is the end of ``DATA``: everything before it (connecting, TLS, login,
``MAIL FROM``, ``RCPT TO``) can fail and be retried without risk, so ``handover`` is called only after
the relay has accepted the recipient. A connection lost during ``DATA`` leaves the message in doubt;
SMTP offers no way to ask afterwards, so the outbox does not send it again (``recover``: unknown).

An internationalised domain goes out as punycode; a mailbox name that is not ASCII goes out with
``SMTPUTF8`` when the relay offers it, and is a permanent failure (a task for the lead's rep, the
address kept) when it does not.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from agent.channels.base import (
    ClaimLost,
    Handover,
    InDoubtSendError,
    OutgoingMessage,
    PermanentSendError,
    Recovery,
    SendResult,
    TransientSendError,
)
from agent.channels.email_message import UnsendableAddress, email_bytes, needs_smtputf8, wire_address
from agent.domain import Channel, CompanyIdentity

logger = logging.getLogger(__name__)

IDLE_SECONDS = 20.0  # relays drop idle sessions after a minute or more; reconnecting is cheap
MAX_IDLE = 4
_QUEUED_AS = re.compile(rb"queued as\s+([\w.-]+)", re.IGNORECASE)
_ENHANCED = re.compile(rb"^\s*([245])\.(\d{1,3})\.(\d{1,3})")


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "tls" or "none" (agent/settings.py SmtpSecurity)
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    envelope_from: str | None = None
    timeout: float = 30.0


class SmtpSender:
    channel = Channel.EMAIL

    def __init__(self, config: SmtpConfig, identity: CompanyIdentity, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.identity = identity
        self.clock = clock
        self._idle: list[tuple[float, smtplib.SMTP]] = []
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        try:
            data = email_bytes(message, self.identity, now=self.clock())
            recipient = wire_address(message.to_address)
        except UnsendableAddress as exc:
            raise PermanentSendError(f"cannot send to this address: {exc}") from None
        connection = self._envelope(recipient, utf8=needs_smtputf8(recipient))
        try:
            handover()
        except ClaimLost:
            _quit(connection)
            raise
        try:
            code, reply = connection.data(data)  # raises only if DATA itself is refused
        except smtplib.SMTPDataError as exc:
            _quit(connection)
            raise _refusal(exc.smtp_code, exc.smtp_error, "the message", suppress=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            _quit(connection)
            raise InDoubtSendError(f"connection lost during DATA: {exc}") from None
        if code != 250:
            _quit(connection)
            raise _refusal(code, reply, "the message", suppress=False)
        self._give_back(connection)
        found = _QUEUED_AS.search(reply)
        return SendResult(
            provider_message_id=f"smtp:{found.group(1).decode()}" if found else f"smtp:{message.message_id}"
        )

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        return Recovery.UNKNOWN

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _, connection in idle:
            _quit(connection)

    def _envelope(self, recipient: str, *, utf8: bool) -> smtplib.SMTP:
        """A connection on which the relay accepted MAIL FROM and RCPT TO for ``recipient``.

        A pooled connection the relay has quietly dropped fails here, before anything was handed
        over, so it is replaced by a fresh one once. ``utf8``: the address needs SMTPUTF8.
        """
        try:
            sender = wire_address(self.config.envelope_from or self.identity.sender_email)
        except UnsendableAddress as exc:
            raise PermanentSendError(f"the sender address: {exc}", suppress_address=False) from None
        utf8 = utf8 or needs_smtputf8(sender)
        for _ in range(2):
            connection, reused = self._take()
            try:
                if utf8 and not connection.has_extn("smtputf8"):
                    raise PermanentSendError(
                        f"the SMTP relay {self.config.host} does not offer SMTPUTF8, which {recipient} "
                        "needs (its name before the @ is not ASCII); reach the lead another way, or use a "
                        "relay that offers SMTPUTF8",
                        suppress_address=False,
                    )
                code, reply = connection.mail(sender, ["SMTPUTF8"] if utf8 else [])
                if code != 250:
                    raise _refusal(code, reply, f"the sender {sender}", suppress=False)
                code, reply = connection.rcpt(recipient)
                if code not in (250, 251):
                    raise _refusal(
                        code, reply, f"the recipient {recipient}", suppress=_bad_address(code, reply)
                    )
                return connection
            except (TransientSendError, PermanentSendError):
                _quit(connection)
                raise
            except (smtplib.SMTPException, OSError) as exc:
                _quit(connection)
                if not reused:
                    raise TransientSendError(f"SMTP connection failed before sending: {exc}") from None
        raise TransientSendError("the SMTP relay dropped two connections in a row")

    def _take(self) -> tuple[smtplib.SMTP, bool]:
        now = time.monotonic()
        with self._lock:
            while self._idle:
                since, connection = self._idle.pop()
                if now - since < IDLE_SECONDS:
                    return connection, True
                _quit(connection)
        return self._connect(), False

    def _give_back(self, connection: smtplib.SMTP) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append((time.monotonic(), connection))
                return
        _quit(connection)

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        context = ssl.create_default_context()
        if config.ca_file is not None:
            context.load_verify_locations(cafile=str(config.ca_file))
        try:
            if config.security == "tls":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=context
                )
            else:
                connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientSendError(
                f"cannot reach the SMTP relay {config.host}:{config.port}: {exc}"
            ) from None
        try:
            connection.ehlo()
            if config.security == "starttls":
                if not connection.has_extn("starttls"):
                    raise TransientSendError(
                        f"the SMTP relay {config.host} does not offer STARTTLS; refusing to send in clear "
                        "(set TOUCHPOINT_SMTP_SECURITY=tls for port 465)"
                    )
                connection.starttls(context=context)
                connection.ehlo()
            if config.username:
                connection.login(config.username, config.password or "")
        except smtplib.SMTPAuthenticationError:
            _quit(connection)
            logger.error("smtp.login_refused", extra={"host": config.host, "username": config.username})
            raise TransientSendError(
                "the SMTP relay refused the login; "
                "check TOUCHPOINT_SMTP_USERNAME and TOUCHPOINT_SMTP_PASSWORD"
            ) from None
        except TransientSendError:
            _quit(connection)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            _quit(connection)
            raise TransientSendError(f"SMTP session setup with {config.host} failed: {exc}") from None
        return connection


def _refusal(code: int, reply: bytes | str, what: str, *, suppress: bool) -> Exception:
    text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    if 400 <= code < 500:
        return TransientSendError(f"the relay deferred {what}: {text}")
    return PermanentSendError(f"the relay refused {what}: {text}", suppress_address=suppress)


def _bad_address(code: int, reply: bytes) -> bool:
    """Only a refusal that is about the mailbox itself suppresses it, never a relay or policy one.

    Enhanced status codes (RFC 3463) say it exactly: 5.1.x is a bad address, 5.2.1 a disabled
    mailbox; 5.7.x (relay denied, policy) is our problem, not the lead's address.
    """
    enhanced = _ENHANCED.match(reply)
    if enhanced:
        klass, subject, detail = (int(part) for part in enhanced.groups())
        return klass == 5 and (subject == 1 or (subject, detail) == (2, 1))
    return code in (550, 551, 553) and b"relay" not in reply.lower()


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
