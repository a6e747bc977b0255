"""Handoff notifications: a real HTTP server on loopback as the Slack-compatible webhook, the email
channel's own file sender for the owner's email; each notification once, retried when it failed."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Handoff, Lead, Notification
from agent.db.repositories.leads import LeadRepository
from agent.domain import Channel, EventType
from agent.notify import Notifier
from agent.services.events import NewEvent, record_event
from tests.conftest import FakeClock, make_caller
from tests.factories import submit
from tests.http_recorder import Recorder, Request, recording_server


@pytest.fixture
def webhook() -> Iterator[Recorder]:
    with recording_server() as recorder:
        yield recorder


def _notifier(services: Services, webhook: Recorder, *, fallback: str | None = None) -> Notifier:
    return Notifier(
        services.session_factory,
        email=services.outbox.senders[Channel.EMAIL],
        webhook_url=f"{webhook.url}/hooks/T000/B000",
        http=httpx.Client(timeout=5),
        base_url="https://touchpoint.example",
        team_timezone="UTC",
        message_domain="northstar-bookings.example",
        clock=services.clock,
        fallback_email=fallback,
    )


def _handoff(
    services: Services, clock: FakeClock, *, owner_email: str | None = "ana@example.com"
) -> uuid.UUID:
    lead_id = submit(services).lead_id
    services.outbox.drain()
    if owner_email is not None:
        owner = make_caller(services, email=owner_email)
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = owner.user_id
    clock.advance(hours=1)
    with services.session_factory.begin() as session:
        lead = LeadRepository(session).get(lead_id)
        assert lead is not None
        record_event(
            session,
            services.loop,
            lead,
            NewEvent(
                type=EventType.REPLY, channel=Channel.EMAIL, payload={"message": "Can someone call me?"}
            ),
            clock.now,
        )
    with services.session_factory() as session:
        return session.scalars(select(Handoff.id).where(Handoff.lead_id == lead_id)).one()


def _emails(services: Services) -> list[Any]:
    folder = services.settings.resolved_outbox_dir
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("notify-*.eml"))
    ]


def _rows(services: Services) -> list[Notification]:
    with services.session_factory() as session:
        return list(
            session.scalars(select(Notification).order_by(Notification.created_at, Notification.channel))
        )


class TestNewHandoff:
    def test_the_webhook_and_the_owner_are_told_once(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        _handoff(services, clock)
        notifier = _notifier(services, webhook)

        first = notifier.sweep()
        second = notifier.sweep()

        assert (first.sent, second.sent) == (2, 0)
        (posted,) = webhook.requests
        assert posted.path == "/hooks/T000/B000"
        body = posted.json()
        assert body["text"].startswith("New handoff: Dana Lopez (Luna Hair Studio)")
        assert "https://touchpoint.example/handoffs?focus=" in body["text"]
        assert [block["type"] for block in body["blocks"]] == ["section", "section"]
        (email,) = _emails(services)
        assert email["To"] == "ana@example.com"
        assert str(email["Subject"]).startswith("New handoff: Dana Lopez")
        assert {(n.channel, n.state) for n in _rows(services)} == {("webhook", "sent"), ("email", "sent")}

    def test_a_lead_nobody_owns_is_emailed_to_the_fallback_or_to_nobody(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        _handoff(services, clock, owner_email=None)

        report = _notifier(services, webhook).sweep()

        assert (report.sent, report.skipped) == (1, 1)
        assert _emails(services) == []
        skipped = [n for n in _rows(services) if n.channel == "email"]
        assert skipped[0].state == "skipped" and "no owner" in (skipped[0].last_error or "")

    def test_the_fallback_address_gets_it_when_set(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        _handoff(services, clock, owner_email=None)

        _notifier(services, webhook, fallback="team@northstar.example").sweep()

        assert [e["To"] for e in _emails(services)] == ["team@northstar.example"]

    def test_workers_sweeping_at_once_notify_once(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        _handoff(services, clock)
        notifiers = [_notifier(services, webhook) for _ in range(3)]
        start = threading.Barrier(3)

        def sweep(notifier: Notifier) -> None:
            start.wait()
            notifier.sweep()

        threads = [threading.Thread(target=sweep, args=(n,)) for n in notifiers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert len(webhook.requests) == 1
        assert len(_emails(services)) == 1


class TestBreachedTarget:
    def test_a_handoff_nobody_answered_in_time_is_announced_once(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        handoff_id = _handoff(services, clock)
        notifier = _notifier(services, webhook)
        notifier.sweep()
        with services.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            assert handoff is not None
            due = handoff.due_by

        clock.now = due - (due - clock.now) / 2
        assert notifier.sweep().sent == 0  # not due yet
        clock.now = due
        clock.advance(minutes=1)
        notifier.sweep()
        notifier.sweep()

        missed = [r.json()["text"] for r in webhook.requests if "target missed" in r.json()["text"]]
        assert len(missed) == 1 and missed[0].startswith("Response-time target missed: Dana Lopez")

    def test_an_answered_handoff_is_not_announced_as_missed(
        self, services: Services, clock: FakeClock, webhook: Recorder
    ) -> None:
        handoff_id = _handoff(services, clock)
        with services.session_factory.begin() as session:
            handoff = session.get(Handoff, handoff_id)
            assert handoff is not None
            handoff.responded_at = clock.now
            due = handoff.due_by
        clock.now = due
        clock.advance(hours=1)

        _notifier(services, webhook).sweep()

        assert not [r for r in webhook.requests if "target missed" in r.json()["text"]]


class TestFailures:
    def test_a_failed_webhook_call_is_retried_later_and_then_sent(
        self, services: Services, clock: FakeClock
    ) -> None:
        answers: Iterator[tuple[int, dict[str, Any]]] = iter([(500, {"error": "down"}), (200, {"ok": True})])

        def flaky(_: Request) -> tuple[int, dict[str, Any]]:
            return next(answers)

        _handoff(services, clock)
        with recording_server(flaky) as webhook:
            notifier = _notifier(services, webhook)
            first = notifier.sweep()
            too_soon = notifier.sweep()
            clock.advance(minutes=2)
            later = notifier.sweep()

        assert (first.failed, too_soon.sent, later.sent) == (1, 0, 1)
        (row,) = [n for n in _rows(services) if n.channel == "webhook"]
        assert (row.state, row.attempts) == ("sent", 2)
        assert len(webhook.requests) == 2
