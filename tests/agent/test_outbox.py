"""The outbox: committed first, claimed once, suppression re-checked, retried or failed honestly, and
never sent twice, not even when a worker dies at the worst moment (real SMTP server on loopback)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agent.channels.base import (
    Handover,
    InDoubtSendError,
    OutgoingMessage,
    PermanentSendError,
    Recovery,
    SendResult,
    TransientSendError,
)
from agent.container import Services
from agent.db.models import Event, Lead, Touch
from agent.db.repositories.events import EventRepository
from agent.db.repositories.suppressions import SuppressionRepository
from agent.db.repositories.tasks import TaskRepository
from agent.domain import Channel
from agent.outbox import MAX_ATTEMPTS, Outbox, Outcome
from agent.services import touches as touch_states
from agent.settings import Settings
from tests.conftest import FakeClock
from tests.counting import statements
from tests.factories import add_touch, submit
from tests.smtp_server import LoopbackSmtp, loopback_smtp

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
OWN_LINK = "https://northstar-bookings.example/resources/no-show-cost-calculator"  # the knowledge base's


def _touch(services: Services, touch_id: uuid.UUID) -> Touch:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch


def _events(services: Services, lead_id: uuid.UUID) -> list[Event]:
    with services.session_factory() as session:
        return EventRepository(session).for_lead(lead_id)


class SimulatedCrash(BaseException):
    """The process dies: nothing after this line runs, no handler sees it (like SIGKILL)."""


class ScriptedSender:
    """A channel that fails as scripted, then succeeds; records what it was asked to send."""

    channel = Channel.EMAIL

    def __init__(self, *failures: BaseException, recovery: SendResult | Recovery = Recovery.UNKNOWN) -> None:
        self.failures = list(failures)
        self.sent: list[OutgoingMessage] = []
        self.recovery = recovery

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        handover()
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return SendResult(provider_message_id=f"scripted-{len(self.sent)}")

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        return self.recovery

    def close(self) -> None:
        pass


def _outbox_with(services: Services, sender: Any, *, channel: Channel = Channel.EMAIL) -> Outbox:
    return Outbox(
        services.session_factory,
        {channel: sender},
        services.links,
        message_domain="northstar-bookings.example",
        clock=services.clock,
        own_links=services.outbox.own_links,
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
        assert touch.provider_message_id == "scripted-1"
        assert touch.handed_over_at is not None

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

    def test_links_in_an_email_are_signed_redirects_for_this_touch(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(
            services,
            lead_id=lead_id,
            state="queued",
            body=f"Hi Dana,\n\nSee {OWN_LINK}. Or https://lead-wrote-this.example/ if you like.",
        )
        sender = ScriptedSender()

        _outbox_with(services, sender).dispatch(touch_id)

        (message,) = sender.sent
        ((url, tracked),) = message.tracked_links
        assert url == OWN_LINK  # the company's link; the lead's is left as text
        assert services.links.read_click(tracked.rsplit("/t/c/", 1)[1]) == (touch_id, url)
        assert message.open_pixel_url is not None
        assert services.links.read_open(message.open_pixel_url.rsplit("/t/o/", 1)[1]) == touch_id

    def test_tracking_can_be_switched_off(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued", body=f"See {OWN_LINK}.")
        sender = ScriptedSender()
        outbox = _outbox_with(services, sender)
        outbox.tracking = False

        outbox.dispatch(touch_id)

        assert sender.sent[0].tracked_links == ((OWN_LINK, OWN_LINK),)  # still a link, not tracked
        assert sender.sent[0].open_pixel_url is None

    def test_a_send_is_recorded_in_one_write_of_the_touch_and_one_read_of_each_row(
        self, services: Services
    ) -> None:
        """Recording a send wrote the touch twice (its state, then its sent time and provider id: a flush
        in between) and read the lead twice, in separate queries, on every inquiry's acknowledgment."""
        outcome = submit(services)
        assert outcome.touch_id is not None
        outbox = _outbox_with(services, ScriptedSender())

        with statements(services.session_factory) as run:
            assert outbox.dispatch(outcome.touch_id) is Outcome.SENT

        touch_updates = [s for s in run if s.startswith("UPDATE touches")]
        # The claim (the Message-ID stored with it), the hand-over, the send: three, each once.
        assert len(touch_updates) == 3
        (sent,) = [s for s in touch_updates if "sent_at=" in s]
        assert "state=" in sent and "provider_message_id=" in sent  # the send, in that one write
        assert not [s for s in run if s.startswith("SELECT leads.")]  # read with its touch
        assert not [s for s in run if s.startswith("SELECT events.lead_id")]  # the key, not the row
        touch = _touch(services, outcome.touch_id)
        assert (touch.state, touch.provider_message_id) == ("sent", "scripted-1")
        assert touch.sent_at is not None

    def test_the_companys_links_are_listed_only_for_a_link_the_cited_sources_do_not_hold(
        self, services: Services
    ) -> None:
        """Listing them scans every document of the knowledge base: not for a body without links."""
        lead_id = submit(services).lead_id
        listed: list[int] = []

        def own_links() -> tuple[str, ...]:
            listed.append(1)
            return tuple(services.outbox.own_links())

        plain = add_touch(services, lead_id=lead_id, state="queued", body="Hi Dana, two times: Tue or Wed?")
        linked = add_touch(services, lead_id=lead_id, state="queued", body=f"See {OWN_LINK}.", step=2)
        sender = ScriptedSender()
        outbox = _outbox_with(services, sender)
        outbox.own_links = own_links

        outbox.dispatch(plain)
        assert listed == []
        outbox.dispatch(linked)
        assert listed == [1]
        assert [url for url, _ in sender.sent[1].tracked_links] == [OWN_LINK]

    def test_a_lead_changed_while_its_message_was_sent_still_records_the_send(
        self, services: Services
    ) -> None:
        """Found in CI: an inquiry for the lead committed while its acknowledgment was with the channel,
        so recording the send (the lead's first, making it active) met a newer version of the lead's row
        and raised; it is recorded again from the database instead."""
        outcome = submit(services)
        assert outcome.touch_id is not None

        class LeadChangesMeanwhile(ScriptedSender):
            def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
                with services.session_factory.begin() as session:
                    lead = session.get(Lead, outcome.lead_id)
                    assert lead is not None
                    lead.company = "Changed Meanwhile Ltd"  # a new version of the row
                return super().send(message, handover)

        assert _outbox_with(services, LeadChangesMeanwhile()).dispatch(outcome.touch_id) is Outcome.SENT

        assert _touch(services, outcome.touch_id).state == "sent"
        with services.session_factory() as session:
            lead = session.get(Lead, outcome.lead_id)
            assert lead is not None
            assert (lead.status, lead.company) == ("active", "Changed Meanwhile Ltd")


class TestLastCheck:
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

    def test_an_sms_needs_the_leads_consent_at_send_time(self, services: Services) -> None:
        lead_id = submit(services, phone="+15035550123").lead_id  # consent_sms defaults to False
        touch_id = add_touch(services, lead_id=lead_id, state="queued", channel="sms", body="Hi Dana!")
        sender = ScriptedSender()

        assert _outbox_with(services, sender, channel=Channel.SMS).dispatch(touch_id) is Outcome.CANCELLED
        assert "not agreed to SMS" in (_touch(services, touch_id).last_error or "")
        assert sender.sent == []

    def test_an_automatic_touch_is_not_sent_once_a_person_took_over(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued")
        with services.session_factory.begin() as session:
            touch = session.get(Touch, touch_id)
            assert touch is not None
            touch.auto_send = True
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.status = "handed_off"

        assert _outbox_with(services, ScriptedSender()).dispatch(touch_id) is Outcome.CANCELLED

    def test_a_phone_touch_becomes_one_task_for_the_owner_with_talking_points(
        self, services: Services
    ) -> None:
        lead_id = submit(services, phone="+15035550123", need="cut Saturday no-shows").lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued", channel="phone")

        assert services.outbox.dispatch(touch_id) is Outcome.SENT

        with services.session_factory() as session:
            task = TaskRepository(session).by_touch(touch_id)
            assert task is not None
            assert task.channel == "phone"
            assert task.title == "Call Dana Lopez (Luna Hair Studio)"
            assert task.talking_points[0] == "They asked about: cut Saturday no-shows"
            assert (
                task.talking_points[-1] == "Next step to propose: Would it help if I walked you through it?"
            )
            assert not any(point.startswith(("Hi Dana", "Best")) for point in task.talking_points)
        notes = [e for e in _events(services, lead_id) if e.type == "note"]
        assert [n.payload["kind"] for n in notes] == ["task_created"]


class TestFailures:
    def test_transient_failure_retries_later_with_backoff(self, services: Services, clock: FakeClock) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        sender = ScriptedSender(TransientSendError("421 try again"))
        outbox = _outbox_with(services, sender)

        assert outbox.dispatch(outcome.touch_id) is Outcome.RETRY
        touch = _touch(services, outcome.touch_id)
        assert touch.state == "queued"
        assert touch.handed_over_at is None
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

    def test_a_permanent_failure_that_is_not_the_addresses_fault_suppresses_nothing(
        self, services: Services
    ) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        error = PermanentSendError("554 content rejected", suppress_address=False)

        assert _outbox_with(services, ScriptedSender(error)).dispatch(outcome.touch_id) is Outcome.FAILED
        with services.session_factory() as session:
            assert (
                SuppressionRepository(session).suppressed_channels(
                    email="dana.lopez@lunahair.example", phone=None
                )
                == frozenset()
            )

    def test_a_sender_that_lost_its_claim_sends_nothing(self, services: Services, clock: FakeClock) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        touch_id = outcome.touch_id

        class SlowSender(ScriptedSender):
            def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
                # Meanwhile this worker was taken for dead and its claim given to another one.
                with services.session_factory.begin() as session:
                    touch_states.release_stale_claims(session, clock.now + timedelta(hours=1), clock.now)
                    touch_states.claim(session, touch_id, clock.now)
                return super().send(message, handover)

        sender = SlowSender()

        assert _outbox_with(services, sender).dispatch(touch_id) is Outcome.NOT_CLAIMED
        assert sender.sent == []


class TestInDoubt:
    def test_a_channel_that_cannot_tell_is_never_sent_again(
        self, services: Services, clock: FakeClock
    ) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        sender = ScriptedSender(InDoubtSendError("connection lost during DATA"), recovery=Recovery.UNKNOWN)
        outbox = _outbox_with(services, sender)

        assert outbox.dispatch(outcome.touch_id) is Outcome.IN_DOUBT
        clock.advance(hours=1)
        assert outbox.drain() == {}

        touch = _touch(services, outcome.touch_id)
        assert touch.state == "failed"
        assert (touch.last_error or "").startswith("in doubt:")
        assert sender.sent == []

    def test_a_channel_that_proves_it_was_not_sent_retries(
        self, services: Services, clock: FakeClock
    ) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        sender = ScriptedSender(InDoubtSendError("timeout"), recovery=Recovery.NOT_SENT)
        outbox = _outbox_with(services, sender)

        assert outbox.dispatch(outcome.touch_id) is Outcome.RETRY
        clock.advance(minutes=1)
        assert outbox.drain() == {Outcome.SENT: 1}
        assert len(sender.sent) == 1

    def test_a_channel_that_finds_the_message_records_it_as_sent(self, services: Services) -> None:
        outcome = submit(services)
        assert outcome.touch_id is not None
        sender = ScriptedSender(InDoubtSendError("timeout"), recovery=SendResult("SM123"))

        assert _outbox_with(services, sender).dispatch(outcome.touch_id) is Outcome.SENT
        touch = _touch(services, outcome.touch_id)
        assert (touch.state, touch.provider_message_id) == ("sent", "SM123")


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with loopback_smtp(tmp_path, security="none") as server:
        yield server


def _message_ids(smtp: LoopbackSmtp) -> list[str]:
    return [str(received.message["Message-ID"]) for received in smtp.handler.received]


class TestCrashAndRetry:
    """Each message reaches the SMTP server exactly once, whatever happens to the worker."""

    def test_a_worker_that_died_before_the_hand_over_is_replaced_and_sends_once(
        self, smtp_services: Services, smtp: LoopbackSmtp, clock: FakeClock
    ) -> None:
        outcome = submit(smtp_services)
        assert outcome.touch_id is not None
        with smtp_services.session_factory.begin() as session:
            assert touch_states.claim(session, outcome.touch_id, clock.now)  # then the process dies
        assert smtp_services.outbox.drain() == {}  # the claim is not yet stale

        clock.advance(minutes=11)

        assert smtp_services.outbox.drain() == {Outcome.SENT: 1}
        assert smtp_services.outbox.drain() == {}
        assert _message_ids(smtp) == [f"<{outcome.touch_id}@northstar-bookings.example>"]

    def test_a_worker_that_died_after_the_server_took_the_message_never_sends_it_again(
        self, smtp_services: Services, smtp: LoopbackSmtp, clock: FakeClock
    ) -> None:
        outcome = submit(smtp_services)
        assert outcome.touch_id is not None
        smtp_sender = smtp_services.outbox.senders[Channel.EMAIL]

        class DiesAfterSending:
            channel = Channel.EMAIL

            def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
                smtp_sender.send(message, handover)
                raise SimulatedCrash  # between the server's "250" and our commit

            recover = smtp_sender.recover
            close = smtp_sender.close

        crashing = _outbox_with(smtp_services, DiesAfterSending())
        with pytest.raises(SimulatedCrash):
            crashing.dispatch(outcome.touch_id)
        clock.advance(minutes=11)

        assert smtp_services.outbox.drain() == {Outcome.IN_DOUBT: 1}
        clock.advance(hours=2)
        assert smtp_services.outbox.drain() == {}
        assert _message_ids(smtp) == [f"<{outcome.touch_id}@northstar-bookings.example>"]
        assert (_touch(smtp_services, outcome.touch_id).last_error or "").startswith("in doubt:")

    def test_a_deferred_message_is_retried_and_delivered_once(
        self, smtp_services: Services, smtp: LoopbackSmtp, clock: FakeClock
    ) -> None:
        outcome = submit(smtp_services)
        assert outcome.touch_id is not None
        smtp.handler.data_replies.append("451 4.3.0 Try again later")

        assert smtp_services.outbox.dispatch(outcome.touch_id) is Outcome.RETRY
        clock.advance(minutes=1)
        assert smtp_services.outbox.drain() == {Outcome.SENT: 1}
        assert _message_ids(smtp) == [f"<{outcome.touch_id}@northstar-bookings.example>"]


def _worker_environment(settings: Settings, smtp: LoopbackSmtp, tmp_path: Path) -> dict[str, str]:
    """The environment of a separate worker process on the same database and SMTP server."""
    assert settings.chroma_path is not None
    chroma = tmp_path / "worker-chroma"
    shutil.copytree(settings.chroma_path, chroma)  # its own copy: Chroma on disk is one process's
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(
        TOUCHPOINT_DATABASE_URL=settings.database_url,
        TOUCHPOINT_VAR_DIR=str(settings.var_dir),
        TOUCHPOINT_KNOWLEDGE_DIR=str(settings.knowledge_dir),
        TOUCHPOINT_CHROMA_PATH=str(chroma),
        **smtp.environment(),
    )
    return env


class TestKilledWorker:
    """A real ``touchpoint worker`` process is killed mid-send; a fresh worker settles what it left."""

    @pytest.mark.parametrize("moment", ["before_hand_over", "after_the_server_took_it"])
    def test_each_message_reaches_the_server_exactly_once(
        self, moment: str, smtp_services: Services, smtp: LoopbackSmtp, clock: FakeClock, tmp_path: Path
    ) -> None:
        touch_ids = [
            submit(smtp_services, email=f"lead{i}@example.com", message=f"Question number {i}?").touch_id
            for i in range(3)
        ]
        if moment == "before_hand_over":
            smtp.handler.stall_rcpt_at = 2
        else:
            smtp.handler.stall_data_at = 2
        worker = subprocess.Popen(
            [TOUCHPOINT, "worker", "--once"],
            env=_worker_environment(smtp_services.settings, smtp, tmp_path),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert smtp.handler.stalled.wait(120), "the worker never reached the second message"
        finally:
            worker.kill()
            worker.wait(timeout=30)
        smtp.handler.release.set()

        clock.now = datetime.now(UTC) + timedelta(minutes=11)  # past the dead worker's claims
        counts = smtp_services.outbox.drain()

        expected = [f"<{touch_id}@northstar-bookings.example>" for touch_id in touch_ids]
        assert sorted(_message_ids(smtp)) == sorted(expected)
        if moment == "before_hand_over":
            assert counts == {Outcome.SENT: 2}  # the interrupted one and the one never reached
        else:
            assert counts == {Outcome.IN_DOUBT: 1, Outcome.SENT: 1}
        assert smtp_services.outbox.drain() == {}
