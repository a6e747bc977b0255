"""The outbox: a touch is committed as ``queued`` before any channel sees it, then claimed and sent.

Claiming is an atomic state change, so two workers (or the API's fast path and a worker) never send
one touch twice; suppression and consent are re-checked right before the hand-over, so an unsubscribe
that arrived a second ago still wins. Transient failures retry with backoff; permanent ones suppress
the address when the address is what failed. A message that will never go out by itself (a permanent
failure, or the last retry failed) opens a task for the lead's rep (``agent.services.tasks``).

Crashes. Right before the channel's point of no return (the end of SMTP ``DATA``, the API POST) the
sender calls ``handover``, which commits ``handed_over_at`` for this claim only (the attempt number
fences off a stale worker). A claim abandoned before that point is simply sent again later. A claim
abandoned after it, or a connection lost after it, is *in doubt*: the outbox asks the channel
(``Sender.recover``). A file or a task proves itself, Twilio is asked for the message; SMTP cannot be
asked, so an in-doubt email is marked failed with an explanation and never sent again automatically.
Nothing is sent twice; the price is that a crash inside that window can leave one email unsent,
which a person sees on the touch (docs/architecture.md, "Channels").
"""

from __future__ import annotations

import functools
import logging
import random
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import (
    ClaimLost,
    InDoubtSendError,
    OutgoingMessage,
    PermanentSendError,
    Recovery,
    Sender,
    SendResult,
    TransientSendError,
)
from agent.channels.email_message import find_urls
from agent.db.engine import retrying
from agent.db.models import Event, Lead, Touch
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.suppressions import SuppressionRepository
from agent.db.repositories.touches import TouchRepository
from agent.domain import Channel, EventType, LeadStatus, TouchState, full_name
from agent.replies.language import detect
from agent.services import suppression, tasks
from agent.services import touches as touch_states
from agent.signing import LinkSigner, link_key

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)
IN_DOUBT = "in doubt"
# An auto-send touch still queued when automation stopped for its lead is not sent.
STOPPED_STATUSES = frozenset(
    {
        LeadStatus.PAUSED,
        LeadStatus.HANDED_OFF,
        LeadStatus.CONVERTED,
        LeadStatus.CLOSED,
        LeadStatus.UNSUBSCRIBED,
    }
)
SENT_EVENTS = {Channel.EMAIL: EventType.EMAIL_SENT, Channel.SMS: EventType.SMS_SENT}


P = ParamSpec("P")
R = TypeVar("R")


def _retried(
    method: Callable[Concatenate[Outbox, P], R],
) -> Callable[Concatenate[Outbox, P], R]:
    """Each of the outbox's transactions is run again when another transaction changed the same rows
    meanwhile (a new inquiry for the lead, a deadlock): each starts from the database and is safe to
    repeat (its claim and attempt fence it), and a message already sent must still be recorded."""

    @functools.wraps(method)
    def run(outbox: Outbox, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return retrying(lambda: method(outbox, *args, **kwargs), what=f"outbox{method.__name__}")

    return run


class Outcome(StrEnum):
    SENT = "sent"
    NOT_CLAIMED = "not_claimed"
    CANCELLED = "cancelled"
    RETRY = "retry"
    FAILED = "failed"
    IN_DOUBT = "in_doubt"


class Outbox:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        senders: Mapping[Channel, Sender],
        links: LinkSigner,
        message_domain: str,
        clock: Callable[[], datetime],
        *,
        claim_timeout: timedelta = STALE_CLAIM,
        tracking: bool = True,
        own_links: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.session_factory = session_factory
        self.senders = senders
        self.links = links
        self.message_domain = message_domain
        self.clock = clock
        self.claim_timeout = claim_timeout
        self.tracking = tracking
        self.own_links = own_links  # the company's website and the links of its knowledge base, now

    def drain(self, *, limit: int = 50) -> dict[Outcome, int]:
        """Settle what crashed senders left, then send everything due. Returns counts per outcome."""
        counts: dict[Outcome, int] = {}
        for touch_id in self._abandoned(limit):
            outcome = self.settle_abandoned(touch_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        with self.session_factory.begin() as session:
            touch_ids = TouchRepository(session).sendable_ids(self.clock(), limit=limit)
        # Workers draining together see the same batch; each takes it in its own order, so they
        # mostly claim different touches instead of queueing behind one another's row locks.
        random.shuffle(touch_ids)
        for touch_id in touch_ids:
            outcome = self.dispatch(touch_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def send_after_response(self, touch_id: uuid.UUID) -> None:
        """The API's fast path, run after its answer went out: it must never raise, since the server
        closes a connection whose request raised after its response (a client reusing that connection
        for its next request then gets no answer). A touch not claimed stays queued for the worker; one
        claimed and left mid-way is settled by it after the claim timeout (``settle_abandoned``)."""
        try:
            self.dispatch(touch_id)
        except Exception:
            logger.exception("outbox.fast_path_failed", extra={"touch_id": str(touch_id)})

    def dispatch(self, touch_id: uuid.UUID) -> Outcome:
        claimed = self._claim(touch_id)
        if isinstance(claimed, Outcome):
            return claimed
        message, sender, attempt = claimed
        handed_over: list[bool] = []

        def handover() -> None:
            with self.session_factory.begin() as session:
                if not TouchRepository(session).mark_handed_over(touch_id, attempt, self.clock()):
                    raise ClaimLost(f"touch {touch_id} is no longer claimed by attempt {attempt}")
            handed_over.append(True)

        try:
            result = sender.send(message, handover)
        except ClaimLost:
            logger.warning("outbox.claim_lost", extra={"touch_id": str(touch_id), "attempt": attempt})
            return Outcome.NOT_CLAIMED
        except TransientSendError as exc:
            return self._retry(touch_id, attempt, str(exc))
        except PermanentSendError as exc:
            return self._fail(touch_id, attempt, message, exc)
        except InDoubtSendError as exc:
            return self._settle(touch_id, attempt, message, sender, str(exc))
        except Exception as exc:  # a bug in a channel must not strand the touch: same rules as above
            logger.exception("outbox.sender_error", extra={"touch_id": str(touch_id)})
            if handed_over:
                return self._settle(touch_id, attempt, message, sender, f"unexpected error: {exc!r}")
            return self._retry(touch_id, attempt, f"unexpected error: {exc!r}")
        return self._record_sent(touch_id, message, result)

    @_retried
    def _claim(self, touch_id: uuid.UUID) -> Outcome | tuple[OutgoingMessage, Sender, int]:
        """Claim the touch and build its message, or say why it does not go out."""
        with self.session_factory.begin() as session:
            # The Message-ID is stored by the claim's own statement (not by a second UPDATE after it).
            if not touch_states.claim(session, touch_id, self.clock(), message_id=self._message_id(touch_id)):
                return Outcome.NOT_CLAIMED
            touch, lead = _touch_and_lead(session, touch_id)
            assert touch is not None  # it was just claimed
            problem = _why_not(session, touch, lead)
            if problem is not None or lead is None:
                self._finish(session, touch, TouchState.CANCELLED, error=problem)
                logger.info("outbox.cancelled", extra={"touch_id": str(touch_id), "reason": problem})
                return Outcome.CANCELLED
            message = self._message(session, touch, lead)
            sender = self.senders.get(message.channel)
            if sender is None:
                self._finish(session, touch, TouchState.FAILED, error=f"no sender for {message.channel}")
                return Outcome.FAILED
            return message, sender, touch.attempts

    def settle_abandoned(self, touch_id: uuid.UUID) -> Outcome:
        """A claim past its hand-over whose worker vanished: ask the channel what became of it."""
        now = self.clock()
        with self.session_factory.begin() as session:
            touches = TouchRepository(session)
            if not touches.reclaim(touch_id, now - self.claim_timeout, now):
                return Outcome.NOT_CLAIMED
            touch, lead = _touch_and_lead(session, touch_id)
            assert touch is not None
            assert lead is not None  # deleting a lead deletes its touches
            message = self._message(session, touch, lead)
            attempt = touch.attempts
        sender = self.senders.get(message.channel)
        if sender is None:
            return self._give_up_in_doubt(touch_id, attempt, "its channel is no longer configured")
        return self._settle(touch_id, attempt, message, sender, "the worker stopped after the hand-over")

    def close(self) -> None:
        for sender in self.senders.values():
            sender.close()

    def _abandoned(self, limit: int) -> list[uuid.UUID]:
        now = self.clock()
        with self.session_factory.begin() as session:
            touches = TouchRepository(session)
            released = touch_states.release_stale_claims(session, now - self.claim_timeout, now)
            if released:
                logger.warning("outbox.released_stale_claims", extra={"count": released})
            return touches.stale_handed_over_ids(now - self.claim_timeout, limit=limit)

    def _settle(
        self, touch_id: uuid.UUID, attempt: int, message: OutgoingMessage, sender: Sender, why: str
    ) -> Outcome:
        try:
            verdict = sender.recover(message)
        except TransientSendError as exc:
            # Left claimed and handed over: the next drain after the claim timeout asks again.
            logger.warning("outbox.recover_failed", extra={"touch_id": str(touch_id), "error": str(exc)})
            return Outcome.IN_DOUBT
        if isinstance(verdict, SendResult):
            logger.info("outbox.recovered_sent", extra={"touch_id": str(touch_id)})
            return self._record_sent(touch_id, message, verdict)
        if verdict is Recovery.NOT_SENT:
            return self._retry(touch_id, attempt, f"{why}; the channel confirms it was not sent")
        return self._give_up_in_doubt(touch_id, attempt, why)

    def _message(self, session: Session, touch: Touch, lead: Lead) -> OutgoingMessage:
        channel = Channel(touch.channel)
        previous = [
            t.message_id
            for t in TouchRepository(session).for_lead(lead.id)
            if t.state == TouchState.SENT and t.message_id and t.channel == channel and t.id != touch.id
        ]
        touch.message_id = touch.message_id or self._message_id(touch.id)
        name = full_name(lead.first_name, lead.last_name)
        track = self.tracking and channel is Channel.EMAIL
        links = self.links_in(touch) if channel is Channel.EMAIL else ()
        return OutgoingMessage(
            touch_id=str(touch.id),
            lead_id=str(lead.id),
            channel=channel,
            to_address=_address(lead, channel) or "",
            to_name=name,
            subject=touch.subject,
            body=touch.body,
            message_id=touch.message_id,
            unsubscribe_url=self.links.unsubscribe_url(lead.id, channel),
            in_reply_to=previous[-1] if previous else None,
            references=tuple(previous),
            preferences_url=self.links.preferences_url(lead.id) if channel is Channel.EMAIL else None,
            tracked_links=tuple(
                (url, self.links.click_url(touch.id, url) if track else url) for url in links
            ),
            open_pixel_url=self.links.open_url(touch.id) if track else None,
            call_to_action=touch.call_to_action,
            language=detect(touch.body),  # our footer in the language the body is written in
        )

    def _message_id(self, touch_id: uuid.UUID) -> str:
        """The touch's Message-ID (RFC 5322), the same on every attempt: a reply's In-Reply-To finds it."""
        return f"<{touch_id}@{self.message_domain}>"

    def links_in(self, touch: Touch) -> tuple[str, ...]:
        """The links in the touch's body that the company put there, in order, each once: a link of a
        source the touch cites, of the company's website or of its knowledge base.

        Only these are tracked and made anchors in the HTML part, and only these does the click redirect
        lead to. Anything else in the body (a URL a lead typed as their name, quoted back to them) stays
        plain text, so a lead can never turn our signed redirect into a link to a page of their choosing.
        """
        found = {url: link_key(url) for url in find_urls(touch.body)}
        if not found:
            return ()
        allowed: set[str] = set()
        for source in touch.sources or ():
            cited = (str(source.get("url") or ""), *find_urls(str(source.get("text") or "")))
            allowed.update(link_key(url) for url in cited if url)
        if not allowed.issuperset(found.values()):
            # Only then the company's own links: listing them scans every document of the knowledge base.
            allowed.update(link_key(url) for url in self.own_links())
        return tuple(url for url, key in found.items() if key in allowed)

    def _finish(
        self,
        session: Session,
        touch: Touch,
        state: TouchState,
        error: str | None = None,
        *,
        sent: SendResult | None = None,
        wake: bool = True,
    ) -> None:
        """Move the touch to ``state``; a touch settled wakes its lead (unless the caller wakes it in
        its own write of the lead's row: ``wake=False``)."""
        touch_states.move(touch, state, self.clock(), error=error)
        if sent is not None:
            # Set before waking the lead: its query flushes every change as one UPDATE of the touch
            # (and the touch's row is still written before the lead's).
            touch.sent_at = touch.updated_at
            touch.provider_message_id = sent.provider_message_id
        if state is not TouchState.QUEUED and wake:
            LeadRepository(session).wake(touch.lead_id, touch.updated_at)

    def _claimed(self, session: Session, touch_id: uuid.UUID, attempt: int) -> Touch | None:
        """The touch if this attempt still owns it (another worker may have settled it meanwhile)."""
        touch = session.get(Touch, touch_id)
        if touch is None or touch.state != TouchState.SENDING or touch.attempts != attempt:
            logger.warning("outbox.claim_lost", extra={"touch_id": str(touch_id), "attempt": attempt})
            return None
        return touch

    @_retried
    def _record_sent(self, touch_id: uuid.UUID, message: OutgoingMessage, result: SendResult) -> Outcome:
        """The provider has it: recorded whatever else happened meanwhile, because it is the truth."""
        with self.session_factory.begin() as session:
            touch, lead = _touch_and_lead(session, touch_id)
            if touch is None:
                logger.warning("outbox.sent_for_deleted_lead", extra={"touch_id": str(touch_id)})
                return Outcome.SENT
            events = EventRepository(session)
            key = f"sent:{touch_id}"
            recorded = events.has_idempotency_key(key)
            # A new lead's first message out makes it active: its row is written once, woken (what
            # ``wake`` does for a new or active lead) and active in one UPDATE, after the touch's.
            first = lead is not None and lead.status == LeadStatus.NEW
            self._finish(session, touch, TouchState.SENT, sent=result, wake=not first)
            if first:
                session.flush()  # the touch's row first, as ``wake``'s query would have written it
            if not recorded:
                event_type = SENT_EVENTS.get(message.channel, EventType.NOTE)
                payload: dict[str, object] = {
                    "touch_id": str(touch_id),
                    "provider_message_id": result.provider_message_id,
                }
                if event_type is EventType.NOTE:
                    payload["kind"] = "task_created"
                events.add(
                    Event(
                        lead_id=touch.lead_id,
                        type=event_type,
                        channel=message.channel,
                        payload=payload,
                        occurred_at=touch.sent_at,
                        recorded_at=touch.sent_at,
                        idempotency_key=key,
                    )
                )
            if first and lead is not None:
                lead.status = LeadStatus.ACTIVE
                lead.next_action_at = touch.updated_at
        logger.info("outbox.sent", extra={"touch_id": str(touch_id), "channel": message.channel.value})
        return Outcome.SENT

    @_retried
    def _retry(self, touch_id: uuid.UUID, attempt: int, error: str) -> Outcome:
        with self.session_factory.begin() as session:
            touch = self._claimed(session, touch_id, attempt)
            if touch is None:
                return Outcome.NOT_CLAIMED
            touch.handed_over_at = None
            if touch.attempts >= MAX_ATTEMPTS:
                self._finish(session, touch, TouchState.FAILED, error=error)
                _tell_a_rep(
                    session, touch, f"{MAX_ATTEMPTS} attempts failed; the last: {error}", self.clock()
                )
                logger.warning("outbox.gave_up", extra={"touch_id": str(touch_id), "error": error})
                return Outcome.FAILED
            self._finish(session, touch, TouchState.QUEUED, error=error)
            touch.send_after = self.clock() + timedelta(seconds=30 * 2 ** (touch.attempts - 1))
        logger.info("outbox.retry", extra={"touch_id": str(touch_id), "error": error})
        return Outcome.RETRY

    @_retried
    def _fail(
        self, touch_id: uuid.UUID, attempt: int, message: OutgoingMessage, error: PermanentSendError
    ) -> Outcome:
        with self.session_factory.begin() as session:
            touch = self._claimed(session, touch_id, attempt)
            if touch is None:
                return Outcome.NOT_CLAIMED
            self._finish(session, touch, TouchState.FAILED, error=str(error))
            if error.suppress_address and message.to_address:
                suppression.permanent_failure(
                    session,
                    channel=message.channel,
                    address=message.to_address,
                    source=str(error),
                    now=self.clock(),
                )
            _tell_a_rep(session, touch, str(error), self.clock())
        logger.warning("outbox.failed", extra={"touch_id": str(touch_id), "error": str(error)})
        return Outcome.FAILED

    @_retried
    def _give_up_in_doubt(self, touch_id: uuid.UUID, attempt: int, why: str) -> Outcome:
        error = (
            f"{IN_DOUBT}: {why}, and the channel cannot tell whether the provider accepted the message; "
            "it is not sent again automatically (check the recipient's copy before sending it by hand)"
        )
        with self.session_factory.begin() as session:
            touch = self._claimed(session, touch_id, attempt)
            if touch is None:
                return Outcome.NOT_CLAIMED
            self._finish(session, touch, TouchState.FAILED, error=error)
        logger.warning("outbox.in_doubt", extra={"touch_id": str(touch_id), "reason": why})
        return Outcome.IN_DOUBT


def _touch_and_lead(session: Session, touch_id: uuid.UUID) -> tuple[Touch | None, Lead | None]:
    """The touch and its lead in one query (None for a touch not found, or for a lead deleted)."""
    row = session.execute(
        select(Touch, Lead).outerjoin(Lead, Lead.id == Touch.lead_id).where(Touch.id == touch_id)
    ).one_or_none()
    return (row[0], row[1]) if row is not None else (None, None)


def _tell_a_rep(session: Session, touch: Touch, why: str, now: datetime) -> None:
    """A message that will never go out by itself is work for a person, not a silent ``failed``."""
    lead = session.get(Lead, touch.lead_id)
    if lead is not None:
        unsent = tasks.open_for_unsent(session, touch, lead, why=why, now=now)
        if unsent is not None:
            logger.warning("outbox.task_opened", extra={"touch_id": str(touch.id), "task_id": str(unsent.id)})


def _address(lead: Lead, channel: Channel) -> str | None:
    if channel is Channel.EMAIL:
        return lead.email
    if channel in (Channel.SMS, Channel.PHONE):
        return lead.phone
    return lead.email or lead.phone or ""  # LinkedIn: the rep finds the person; any contact helps


def _why_not(session: Session, touch: Touch, lead: Lead | None) -> str | None:
    """Why this touch must not go out now (the last check before the hand-over), or None."""
    if lead is None:
        return "lead deleted"
    channel = Channel(touch.channel)
    suppressed = SuppressionRepository(session).suppressed_channels(email=lead.email, phone=lead.phone)
    if channel in suppressed:
        return f"{channel.value} suppressed for this lead"
    if touch.auto_send and lead.status in STOPPED_STATUSES:
        return f"automated outreach stopped for this lead ({lead.status})"
    if channel is Channel.EMAIL and not lead.consent_email:
        return "the lead has not agreed to email"
    if channel is Channel.SMS and not lead.consent_sms:
        return "the lead has not agreed to SMS"
    if _address(lead, channel) is None:
        return f"the lead has no {channel.value} address"
    return None
