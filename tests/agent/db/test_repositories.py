"""Repositories on the real databases: exclusive claims, idempotent keys, UTC in and out."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from agent.container import Services
from agent.db.models import Event, Lead, ordered_id
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel
from agent.services import touches as touch_states
from tests.factories import add_touch, submit


class TestTouchClaim:
    def test_only_one_of_many_concurrent_claims_wins(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued")
        barrier = threading.Barrier(4)

        def claim() -> bool:
            barrier.wait()
            with services.session_factory.begin() as session:
                return touch_states.claim(session, touch_id, services.clock())

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: claim(), range(4)))

        assert sorted(results) == [False, False, False, True]

    def test_a_draft_waiting_for_review_cannot_be_claimed(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="pending_review")

        with services.session_factory.begin() as session:
            assert touch_states.claim(session, touch_id, services.clock()) is False


class TestEvents:
    def test_an_idempotency_key_is_stored_once(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        now = services.clock()

        def add() -> None:
            with services.session_factory.begin() as session:
                EventRepository(session).add(
                    Event(
                        lead_id=lead_id, type="open", occurred_at=now, recorded_at=now, idempotency_key="k-1"
                    )
                )

        add()
        with pytest.raises(IntegrityError):
            add()


class TestAuditOrder:
    def test_actions_recorded_at_one_instant_list_in_the_order_they_were_written(
        self, services: Services
    ) -> None:
        lead_id = submit(services).lead_id
        now = services.clock()
        actions = [f"action-{n}" for n in range(12)]
        for action in actions:
            with services.session_factory.begin() as session:
                AuditRepository(session).record(action=action, now=now, lead_id=lead_id)

        with services.session_factory() as session:
            listed = [a.action for a in AuditRepository(session).for_lead(lead_id) if a.action in actions]

        assert listed == actions

    def test_ordered_ids_only_grow_within_a_millisecond(self) -> None:
        ids = [ordered_id() for _ in range(2_000)]

        assert ids == sorted(ids, key=lambda i: i.int)
        assert len(set(ids)) == len(ids)
        assert {i.version for i in ids} == {7}


class TestTimes:
    def test_aware_times_come_back_in_utc(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        berlin = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=1)))
        with services.session_factory.begin() as session:
            lead = LeadRepository(session).get(lead_id)
            assert lead is not None
            lead.next_action_at = berlin

        with services.session_factory() as session:
            stored = session.get(Lead, lead_id)
            assert stored is not None
            assert stored.next_action_at == berlin
            assert stored.next_action_at is not None and stored.next_action_at.tzinfo == UTC

    def test_naive_times_are_refused(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        with pytest.raises(Exception, match="naive datetime"), services.session_factory.begin() as session:
            lead = LeadRepository(session).get(lead_id)
            assert lead is not None
            lead.next_action_at = datetime(2026, 11, 23, 9, 0)
            session.flush()


class TestSuppressions:
    def test_suppressing_twice_keeps_one_record(self, services: Services) -> None:
        now = services.clock()
        with services.session_factory.begin() as session:
            repository = SuppressionRepository(session)
            assert repository.suppress(
                channel="email", address="A@x.example", reason="r", source=None, now=now
            )
            assert not repository.suppress(
                channel="email", address="a@X.example", reason="r", source=None, now=now
            )

    def test_an_all_channel_suppression_blocks_every_channel(self, services: Services) -> None:
        now = services.clock()
        with services.session_factory.begin() as session:
            repository = SuppressionRepository(session)
            repository.suppress(channel="all", address="+15035550101", reason="dnc", source=None, now=now)
            assert repository.suppressed_channels(email="a@x.example", phone="+15035550101") == frozenset(
                Channel
            )
