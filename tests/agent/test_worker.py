"""The worker runs the sequence as the days pass: value first, and risky steps wait for a rep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from agent.container import Services
from agent.db.models import Touch
from agent.worker import tick
from tests.conftest import FakeClock
from tests.factories import lead_row, submit


def _touches(services: Services) -> list[tuple[int, str, str]]:
    with services.session_factory() as session:
        rows = session.scalars(select(Touch).order_by(Touch.step))
        return [(touch.step, touch.purpose, touch.state) for touch in rows]


class TestTick:
    def test_after_the_acknowledgment_the_lead_waits_until_day_one(
        self, services: Services, clock: FakeClock
    ) -> None:
        start = clock.now
        lead_id = submit(services).lead_id
        tick(services)  # sends the queued acknowledgment, which wakes the lead
        clock.advance(minutes=5)
        tick(services)  # the lead is looked at again and told to wait

        clock.advance(hours=23)
        report = tick(services)

        assert report.leads_stepped == 0
        assert lead_row(services, lead_id).next_action_at == start + timedelta(days=1)
        assert _touches(services) == [(0, "acknowledgment", "sent")]

    def test_the_sequence_unfolds_over_the_days(self, services: Services, clock: FakeClock) -> None:
        start = clock.now
        submit(services)
        tick(services)

        for day in (1, 3, 7, 14):
            clock.now = start + timedelta(days=day, minutes=1)
            tick(services)

        assert _touches(services) == [
            (0, "acknowledgment", "sent"),
            (1, "value_add", "sent"),
            (2, "social_proof", "sent"),
            (3, "faq", "sent"),
            (4, "check_in", "pending_review"),
        ]

    def test_follow_ups_never_repeat_a_source(self, services: Services, clock: FakeClock) -> None:
        submit(services)
        tick(services)
        for _ in range(3):
            clock.advance(days=3)
            tick(services)

        with services.session_factory() as session:
            cited = [s["id"] for touch in session.scalars(select(Touch)) for s in touch.sources]
        assert cited and len(cited) == len(set(cited))
