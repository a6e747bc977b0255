"""The outbox: committed first, claimed once, suppression re-checked, retried or failed honestly."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy

from agent.channels.base import OutgoingMessage, PermanentSendError, SendResult, TransientSendError
from agent.container import Services
from agent.db.models import Touch
from agent.db.repositories import SuppressionRepository, TouchRepository
from agent.domain import Channel
from agent.outbox import MAX_ATTEMPTS, Outbox, Outcome
from tests.conftest import FakeClock
from tests.factories import add_touch, submit


def _touch(services: Services, touch_id: uuid.UUID) -> Touch:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch


class ScriptedSender:
    """A channel that fails as scripted, then succeeds; records what it was asked to send."""

    channel = Channel.EMAIL

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> SendResult:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return SendResult(provider_message_id=f"scripted-{len(self.sent)}")


def _outbox_with(services: Services, sender: ScriptedSender) -> Outbox:
    return Outbox(
        services.session_factory,
        {Channel.EMAIL: sender},
        services.links,
        message_domain="northstar-bookings.example",
        clock=services.clock,
    )


class TestDispatch:
    def test_a_touch_is_sent_once_however_often_it_is_dispatched(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued")
        sender = ScriptedSender()
        outbox = _outbox_with(services, sender)

        assert outbox.dispatch(touch_id) is Outcome.SENT
        assert outbox.dispatch(touch_id) is Outcome.NOT_CLAIMED
        assert outbox.drain()[Outcome.SENT] == 1  # the acknowledgment, still queued; not the sent touch
        assert [m.touch_id for m in sender.sent].count(str(touch_id)) == 1
        touch = _touch(services, touch_id)
        assert touch.state == "sent"
        assert touch.provider_message_id is not None

    def test_later_touches_thread_under_earlier_ones(self, services: Services) -> None:
        outcome = submit(services)
        sender = ScriptedSender()
        outbox = _outbox_with(services, sender)
        assert outcome.touch_id is not None
        outbox.dispatch(outcome.touch_id)
        follow_up = add_touch(services, lead_id=outcome.lead_id, state="queued")

        outbox.dispatch(follow_up)

        first, second = sender.sent
        assert second.in_reply_to == first.message_id
        assert second.references == (first.message_id,)

    def test_suppression_recorded_after_queueing_wins_over_the_send(self, services: Services) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        with services.session_factory.begin() as session:
            SuppressionRepository(session).suppress(
                channel="email",
                address="Dana.Lopez@lunahair.example",
                reason="unsubscribe",
                source=None,
                now=services.clock(),
            )
        sender = ScriptedSender()

        assert _outbox_with(services, sender).dispatch(outcome.touch_id) is Outcome.CANCELLED
        assert sender.sent == []
        assert _touch(services, outcome.touch_id).state == "cancelled"


class TestFailures:
    def test_transient_failure_retries_later_with_backoff(self, services: Services, clock: FakeClock) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        sender = ScriptedSender(TransientSendError("421 try again"))
        outbox = _outbox_with(services, sender)

        assert outbox.dispatch(outcome.touch_id) is Outcome.RETRY
        touch = _touch(services, outcome.touch_id)
        assert touch.state == "queued"
        assert touch.send_after is not None and touch.send_after > clock.now
        assert outbox.drain() == {}  # not due yet

        clock.advance(minutes=1)
        assert outbox.drain() == {Outcome.SENT: 1}

    def test_transient_failures_give_up_after_the_attempt_limit(
        self, services: Services, clock: FakeClock
    ) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        outbox = _outbox_with(services, ScriptedSender(*[TransientSendError("timeout")] * MAX_ATTEMPTS))

        results = []
        for _ in range(MAX_ATTEMPTS):
            results.append(outbox.dispatch(outcome.touch_id))
            clock.advance(hours=2)

        assert results == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.FAILED]
        assert _touch(services, outcome.touch_id).state == "failed"

    def test_permanent_failure_suppresses_the_address(self, services: Services) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        outbox = _outbox_with(services, ScriptedSender(PermanentSendError("550 no such user")))

        assert outbox.dispatch(outcome.touch_id) is Outcome.FAILED
        with services.session_factory() as session:
            suppressed = SuppressionRepository(session).suppressed_channels(
                email="dana.lopez@lunahair.example", phone=None
            )
        assert suppressed == frozenset({Channel.EMAIL})

    def test_a_claim_left_by_a_crashed_sender_is_sent_later(
        self, services: Services, clock: FakeClock
    ) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        with services.session_factory.begin() as session:
            assert TouchRepository(session).claim(outcome.touch_id, clock.now)  # then the process "dies"
        clock.advance(minutes=11)
        sender = ScriptedSender()

        assert _outbox_with(services, sender).drain() == {Outcome.SENT: 1}
        assert len(sender.sent) == 1


class TestEmlFile:
    def test_eml_file_is_a_valid_threaded_message(self, services: Services) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        services.outbox.dispatch(outcome.touch_id)

        path = services.settings.resolved_outbox_dir / f"{outcome.touch_id}.eml"
        email = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert email["Message-ID"] == f"<{outcome.touch_id}@northstar-bookings.example>"
        assert email["Date"] is not None
        assert email.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in email.iter_parts()] == ["text/plain", "text/html"]
