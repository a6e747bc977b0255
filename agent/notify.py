"""Tell people about handoffs: a new one, and one whose response-time target passed unanswered.

Two channels: a Slack-compatible incoming webhook (``TOUCHPOINT_NOTIFY_WEBHOOK_URL``, JSON with
``text`` and ``blocks``) and an email to the lead's owner (or ``TOUCHPOINT_NOTIFY_EMAIL_FALLBACK``)
through the configured email channel, the outbox's own sender: by default that writes an ``.eml`` file
and reaches nobody.

``Notifier.sweep`` finds what is due and is safe to run in every process at once: each notification
is a row, unique per (kind, handoff, channel), inserted before anything is sent, so whoever inserts it
sends it and nobody sends it twice. A failed webhook call is retried with backoff; an email the
channel may have taken (in doubt) is never sent again, like the outbox's.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import httpx
from sqlalchemy.orm import Session, sessionmaker

from agent.channels.base import OutgoingMessage, PermanentSendError, Sender, TransientSendError
from agent.db.models import Handoff, Lead, Notification, User
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.notifications import NotificationRepository
from agent.domain import Channel
from agent.timing import zone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
NEW_HANDOFF_WINDOW = timedelta(hours=24)  # older handoffs are not announced as new (a first start-up)


class Kind(StrEnum):
    NEW = "handoff.new"
    BREACHED = "handoff.breached"


class Via(StrEnum):
    WEBHOOK = "webhook"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Announcement:
    """What to say, once for every channel."""

    subject: str
    text: str
    url: str


def announce(kind: Kind, handoff: Handoff, lead: Lead, *, base_url: str, team_timezone: str) -> Announcement:
    """The words of a notification: who, why, by when, and where to act (pure)."""
    name = " ".join(p for p in (lead.first_name, lead.last_name) if p) or lead.email or lead.phone or "a lead"
    who = f"{name} ({lead.company})" if lead.company else name
    due = handoff.due_by.astimezone(zone(team_timezone))
    url = f"{base_url.rstrip('/')}/handoffs?focus={handoff.id}"
    why = str(handoff.brief.get("why_now") or handoff.reason.replace("_", " "))
    if kind is Kind.NEW:
        subject = f"New handoff: {who}, answer by {due:%a %H:%M}"
        text = f"New handoff: {who}. Why: {why}. Answer by {due:%a %d %b %H:%M %Z}."
    else:
        subject = f"Response time missed: {who}"
        text = f"Response-time target missed: {who} was due an answer by {due:%a %d %b %H:%M %Z}. Why: {why}."
    points = [str(p) for p in handoff.brief.get("talking_points", [])][:3]
    if points:
        text += " Talking points: " + " ".join(points)
    return Announcement(subject=subject, text=text, url=url)


def slack_payload(announcement: Announcement) -> dict[str, object]:
    """Slack's incoming-webhook format (also understood by Mattermost, Rocket.Chat, Teams' Slack mode)."""
    return {
        "text": f"{announcement.text} {announcement.url}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": announcement.text}},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"<{announcement.url}|Open the handoff inbox>"},
            },
        ],
    }


@dataclass
class SweepReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


class Notifier:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        email: Sender | None,
        webhook_url: str | None,
        http: httpx.Client | None,
        base_url: str,
        team_timezone: str,
        message_domain: str,
        clock: Callable[[], datetime],
        fallback_email: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.email = email
        self.webhook_url = webhook_url
        self.http = http
        self.base_url = base_url
        self.team_timezone = team_timezone
        self.message_domain = message_domain
        self.clock = clock
        self.fallback_email = fallback_email

    @property
    def channels(self) -> list[Via]:
        return [v for v, on in ((Via.WEBHOOK, self.webhook_url), (Via.EMAIL, self.email)) if on]

    def sweep(self, *, limit: int = 50) -> SweepReport:
        """Announce new handoffs and breached targets not announced yet, and retry failed ones."""
        report = SweepReport()
        now = self.clock()
        for via in self.channels:
            with self.session_factory.begin() as session:
                inbox = HandoffRepository(session)
                due = [
                    (Kind.NEW, h.id)
                    for h in inbox.unnotified(Kind.NEW, via, due_before=None, limit=limit)
                    if h.created_at >= now - NEW_HANDOFF_WINDOW
                ] + [
                    (Kind.BREACHED, h.id)
                    for h in inbox.unnotified(Kind.BREACHED, via, due_before=now, limit=limit)
                ]
            for kind, handoff_id in due:
                self._tally(report, self._first(kind, via, handoff_id))
        with self.session_factory.begin() as session:
            retries = [
                (n.id, n.attempts)
                for n in NotificationRepository(session).retry_due(
                    now, max_attempts=MAX_ATTEMPTS, limit=limit
                )
            ]
        for notification_id, attempts in retries:
            self._tally(report, self._retry(notification_id, attempts))
        return report

    def close(self) -> None:
        if self.http is not None:
            self.http.close()

    # --- one notification ---------------------------------------------------------------------------

    def _first(self, kind: Kind, via: Via, handoff_id: uuid.UUID) -> str | None:
        now = self.clock()
        with self.session_factory.begin() as session:
            handoff = session.get(Handoff, handoff_id)
            lead = session.get(Lead, handoff.lead_id) if handoff is not None else None
            if handoff is None or lead is None:
                return None
            recipient = self._recipient(session, lead) if via is Via.EMAIL else None
            row = Notification(
                kind=kind,
                channel=via,
                handoff_id=handoff.id,
                lead_id=lead.id,
                recipient=recipient,
                state="sending" if recipient or via is Via.WEBHOOK else "skipped",
                attempts=1,
                last_error=None
                if recipient or via is Via.WEBHOOK
                else "nobody to email: the lead has no owner",
                created_at=now,
            )
            if not NotificationRepository(session).claim_new(row):
                return None  # another process has it
            if row.state == "skipped":
                return "skipped"
            notification_id = row.id
            words = announce(kind, handoff, lead, base_url=self.base_url, team_timezone=self.team_timezone)
        return self._deliver(notification_id, via, recipient, lead.id, words)

    def _retry(self, notification_id: uuid.UUID, attempts: int) -> str | None:
        with self.session_factory.begin() as session:
            notifications = NotificationRepository(session)
            if not notifications.claim_retry(notification_id, attempts):
                return None
            row = notifications.get(notification_id)
            assert row is not None
            handoff = session.get(Handoff, row.handoff_id)
            lead = session.get(Lead, row.lead_id)
            if handoff is None or lead is None:
                return None
            words = announce(
                Kind(row.kind), handoff, lead, base_url=self.base_url, team_timezone=self.team_timezone
            )
            via, recipient = Via(row.channel), row.recipient
        return self._deliver(notification_id, via, recipient, lead.id, words)

    def _deliver(
        self,
        notification_id: uuid.UUID,
        via: Via,
        recipient: str | None,
        lead_id: uuid.UUID,
        words: Announcement,
    ) -> str:
        try:
            if via is Via.WEBHOOK:
                assert self.webhook_url is not None and self.http is not None
                response = self.http.post(self.webhook_url, json=slack_payload(words))
                if response.status_code >= 400:
                    raise TransientSendError(f"the webhook answered {response.status_code}")
            else:
                assert self.email is not None and recipient is not None
                self.email.send(self._email(notification_id, recipient, lead_id, words), lambda: None)
        except (httpx.HTTPError, TransientSendError) as exc:
            return self._settle(notification_id, error=str(exc) or type(exc).__name__, retry=True)
        except Exception as exc:  # permanent, in doubt, or a bug: recorded, never sent again by itself
            kind = "permanent" if isinstance(exc, PermanentSendError) else type(exc).__name__
            return self._settle(notification_id, error=f"{kind}: {exc}", retry=False)
        return self._settle(notification_id, error=None, retry=False)

    def _settle(self, notification_id: uuid.UUID, *, error: str | None, retry: bool) -> str:
        now = self.clock()
        with self.session_factory.begin() as session:
            row = NotificationRepository(session).get(notification_id)
            assert row is not None
            if error is None:
                row.state, row.sent_at, row.last_error = "sent", now, None
                logger.info("notify.sent", extra={"notification_id": str(notification_id), "kind": row.kind})
                return "sent"
            row.state, row.last_error = "failed", error[:1000]
            if not retry:
                row.attempts = MAX_ATTEMPTS
            row.next_attempt_at = now + timedelta(minutes=2 ** (row.attempts - 1))
            logger.warning("notify.failed", extra={"notification_id": str(notification_id), "error": error})
            return "failed"

    def _recipient(self, session: Session, lead: Lead) -> str | None:
        owner = session.get(User, lead.owner_id) if lead.owner_id is not None else None
        if owner is not None and owner.active:
            return owner.email
        return self.fallback_email

    def _email(
        self, notification_id: uuid.UUID, recipient: str, lead_id: uuid.UUID, words: Announcement
    ) -> OutgoingMessage:
        return OutgoingMessage(
            touch_id=f"notify-{notification_id}",
            lead_id=str(lead_id),
            channel=Channel.EMAIL,
            to_address=recipient,
            to_name=None,
            subject=words.subject,
            body=f"{words.text}\n\nOpen the handoff inbox: {words.url}",
            message_id=f"<notify-{notification_id}@{self.message_domain}>",
            unsubscribe_url=f"{self.base_url.rstrip('/')}/handoffs",
        )

    @staticmethod
    def _tally(report: SweepReport, outcome: str | None) -> None:
        if outcome == "sent":
            report.sent += 1
        elif outcome == "failed":
            report.failed += 1
        elif outcome == "skipped":
            report.skipped += 1


def run_notifications(notifier: Notifier, *, interval: float, stop: threading.Event) -> None:
    """Sweep every ``interval`` seconds until ``stop`` is set (the API's and the worker's thread)."""
    while not stop.is_set():
        try:
            notifier.sweep()
        except Exception:
            logger.exception("notify.sweep_failed")
        stop.wait(interval)
