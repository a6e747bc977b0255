"""Recording an event: once per idempotency key, even when two copies race; then the loop reacts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from agent.container import Services
from agent.db.models import Lead
from agent.db.repositories.events import EventRepository
from agent.domain import Channel, EventType
from agent.services.events import NewEvent, record_event
from tests.factories import lead_row, submit

REPLY = NewEvent(EventType.REPLY, Channel.EMAIL, {"message": "Call me?"}, idempotency_key="email-in:<r1@x>")


def _record(services: Services, lead_id: object, new: NewEvent) -> tuple[str, bool]:
    with services.session_factory.begin() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        recorded = record_event(session, services.loop, lead, new, services.clock())
        return str(recorded.event.id), recorded.created


class TestRecordEvent:
    def test_a_known_key_returns_the_first_event_and_stores_nothing(self, services: Services) -> None:
        lead_id = submit(services).lead_id

        first = _record(services, lead_id, REPLY)
        second = _record(services, lead_id, REPLY)

        assert first[1] is True and second == (first[0], False)
        with services.session_factory() as session:
            assert [e.type for e in EventRepository(session).for_lead(lead_id)].count("reply") == 1

    def test_concurrent_copies_of_one_webhook_are_stored_once(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        barrier = threading.Barrier(4)

        def deliver(_: int) -> tuple[str, bool]:
            barrier.wait()
            return _record(services, lead_id, REPLY)

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(deliver, range(4)))

        assert sorted(created for _, created in results) == [False, False, False, True]
        assert len({event_id for event_id, _ in results}) == 1

    def test_the_loop_reacts_to_a_new_event(self, services: Services) -> None:
        lead_id = submit(services).lead_id

        _record(services, lead_id, REPLY)

        assert lead_row(services, lead_id).status == "handed_off"

    def test_an_event_without_a_key_is_always_new(self, services: Services) -> None:
        lead_id = submit(services).lead_id
        opened = NewEvent(EventType.OPEN, Channel.EMAIL, {"touch_id": "t"})

        assert _record(services, lead_id, opened)[1] and _record(services, lead_id, opened)[1]
