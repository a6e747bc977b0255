"""The outbox: a touch is committed as ``queued`` before any channel sees it, then claimed and sent.

Claiming is an atomic state change, so two workers (or the API's fast path and a worker) can never
send one touch twice; suppression is re-checked right before the hand-over, so an unsubscribe that
arrived a second ago still wins. Transient failures retry with backoff; permanent ones suppress.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import OutgoingMessage, PermanentSendError, Sender, TransientSendError
from agent.db.models import Event, Lead, Touch
from agent.db.repositories import EventRepository, LeadRepository, SuppressionRepository, TouchRepository
from agent.domain import Channel, EventType, LeadStatus, TouchState
from agent.signing import sign

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)


class Outcome(StrEnum):
    SENT = "sent"
    NOT_CLAIMED = "not_claimed"
    CANCELLED = "cancelled"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class LinkSigner:
    """Makes the signed links a message carries; shared by the outbox and the API that verifies them."""

    base_url: str
    secret: str

    def unsubscribe_url(self, lead_id: uuid.UUID, channel: Channel) -> str:
        token = sign(self.secret, "unsubscribe", f"{lead_id}:{channel.value}")
        return f"{self.base_url.rstrip('/')}/u/{token}"


class Outbox:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        senders: Mapping[Channel, Sender],
        links: LinkSigner,
        message_domain: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.session_factory = session_factory
        self.senders = senders
        self.links = links
        self.message_domain = message_domain
        self.clock = clock

    def drain(self, *, limit: int = 50) -> dict[Outcome, int]:
        """Send everything due; also what a crashed sender left claimed. Returns counts per outcome."""
        now = self.clock()
        with self.session_factory.begin() as session:
            TouchRepository(session).release_stale_claims(now - STALE_CLAIM, now)
            touch_ids = TouchRepository(session).sendable_ids(now, limit=limit)
        counts: dict[Outcome, int] = {}
        for touch_id in touch_ids:
            outcome = self.dispatch(touch_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def dispatch(self, touch_id: uuid.UUID) -> Outcome:
        now = self.clock()
        with self.session_factory.begin() as session:
            if not TouchRepository(session).claim(touch_id, now):
                return Outcome.NOT_CLAIMED
            message, problem = self._prepare(session, touch_id)
            if message is None:
                self._finish(session, touch_id, TouchState.CANCELLED, error=problem)
                logger.info("outbox.cancelled", extra={"touch_id": str(touch_id), "reason": problem})
                return Outcome.CANCELLED
        sender = self.senders.get(message.channel)
        if sender is None:
            with self.session_factory.begin() as session:
                self._finish(session, touch_id, TouchState.FAILED, error=f"no sender for {message.channel}")
            return Outcome.FAILED
        try:
            result = sender.send(message)
        except TransientSendError as exc:
            return self._retry(touch_id, str(exc))
        except PermanentSendError as exc:
            return self._fail(touch_id, message, str(exc))
        with self.session_factory.begin() as session:
            touch = self._finish(session, touch_id, TouchState.SENT)
            touch.sent_at = self.clock()
            touch.provider_message_id = result.provider_message_id
            EventRepository(session).add(
                Event(
                    lead_id=touch.lead_id,
                    type=EventType.EMAIL_SENT if message.channel is Channel.EMAIL else EventType.SMS_SENT,
                    channel=message.channel,
                    payload={"touch_id": str(touch_id), "provider_message_id": result.provider_message_id},
                    occurred_at=touch.sent_at,
                    recorded_at=touch.sent_at,
                    idempotency_key=f"sent:{touch_id}",
                )
            )
            lead = session.get(Lead, touch.lead_id)
            if lead is not None and lead.status == LeadStatus.NEW:
                lead.status = LeadStatus.ACTIVE
        logger.info("outbox.sent", extra={"touch_id": str(touch_id), "channel": message.channel.value})
        return Outcome.SENT

    def _prepare(self, session: Session, touch_id: uuid.UUID) -> tuple[OutgoingMessage | None, str]:
        touch = session.get(Touch, touch_id)
        assert touch is not None  # it was just claimed
        lead = session.get(Lead, touch.lead_id)
        if lead is None:
            return None, "lead deleted"
        channel = Channel(touch.channel)
        suppressed = SuppressionRepository(session).suppressed_channels(email=lead.email, phone=lead.phone)
        if channel in suppressed:
            return None, f"{channel.value} suppressed for this lead"
        address = lead.email if channel is Channel.EMAIL else lead.phone
        if not address:
            return None, f"the lead has no {channel.value} address"
        previous = [
            t.message_id
            for t in TouchRepository(session).for_lead(lead.id)
            if t.state == TouchState.SENT and t.message_id and t.channel == channel
        ]
        touch.message_id = touch.message_id or f"<{touch.id}@{self.message_domain}>"
        name = " ".join(part for part in (lead.first_name, lead.last_name) if part) or None
        return (
            OutgoingMessage(
                touch_id=str(touch.id),
                lead_id=str(lead.id),
                channel=channel,
                to_address=address,
                to_name=name,
                subject=touch.subject,
                body=touch.body,
                message_id=touch.message_id,
                unsubscribe_url=self.links.unsubscribe_url(lead.id, channel),
                in_reply_to=previous[-1] if previous else None,
                references=tuple(previous),
            ),
            "",
        )

    def _finish(
        self, session: Session, touch_id: uuid.UUID, state: TouchState, error: str | None = None
    ) -> Touch:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        touch.state = state
        touch.updated_at = self.clock()
        if error is not None:
            touch.last_error = error
        if state is not TouchState.QUEUED:
            LeadRepository(session).wake(touch.lead_id, touch.updated_at)
        return touch

    def _retry(self, touch_id: uuid.UUID, error: str) -> Outcome:
        with self.session_factory.begin() as session:
            touch = self._finish(session, touch_id, TouchState.QUEUED, error=error)
            if touch.attempts >= MAX_ATTEMPTS:
                touch.state = TouchState.FAILED
                logger.warning("outbox.gave_up", extra={"touch_id": str(touch_id), "error": error})
                return Outcome.FAILED
            touch.send_after = self.clock() + timedelta(seconds=30 * 2 ** (touch.attempts - 1))
        logger.info("outbox.retry", extra={"touch_id": str(touch_id), "error": error})
        return Outcome.RETRY

    def _fail(self, touch_id: uuid.UUID, message: OutgoingMessage, error: str) -> Outcome:
        with self.session_factory.begin() as session:
            self._finish(session, touch_id, TouchState.FAILED, error=error)
            SuppressionRepository(session).suppress(
                channel=message.channel.value,
                address=message.to_address,
                reason="permanent_failure",
                source=error[:200],
                now=self.clock(),
            )
        logger.warning("outbox.failed", extra={"touch_id": str(touch_id), "error": error})
        return Outcome.FAILED
