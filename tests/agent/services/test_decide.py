"""What the agent would do for a lead at a time: the decision, its rules and its draft, with nothing written.

SQLite and PostgreSQL (``services``); the clock of each test is the fake one, the decision's is ``at``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from agent.container import Services
from agent.db.models import Base, Event, Lead
from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    HandoffRecord,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyIntent,
    ReplyReading,
    UserRole,
)
from agent.services.decide import end_snooze, what_next, with_readings
from agent.services.errors import Invalid, NotFound
from agent.worker import tick
from tests.agent.services.support import principal
from tests.conftest import START, FakeClock
from tests.factories import submit


def _acknowledged(services: Services) -> uuid.UUID:
    """A lead whose acknowledgment went out just now: its value-add is due on day one."""
    lead_id = submit(services).lead_id
    services.outbox.drain()
    return lead_id


def _answered(services: Services) -> uuid.UUID:
    """A lead whose day-0 answer went out just now: the acknowledgment, then the personal reply the
    composer's acknowledgment promised (the worker's next tick); its value-add is due on day one."""
    lead_id = _acknowledged(services)
    tick(services)
    return lead_id


def _counts(services: Services) -> dict[str, int]:
    with services.session_factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


class TestWhatItWouldDo:
    def test_right_after_the_acknowledgment_it_would_draft_the_personal_reply_it_promised(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = _acknowledged(services)

        seen = what_next(services.session_factory, services.loop, lead_id, actor=None, at=clock())

        assert seen.action == "draft_touch"
        assert (seen.purpose, seen.channel, seen.when) == ("personal_response", "email", clock())
        assert "drafting.personal_response_owed" in seen.rules
        assert seen.draft is not None

    def test_before_day_one_it_would_wait_for_the_value_add(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = _answered(services)

        seen = what_next(services.session_factory, services.loop, lead_id, actor=None, at=clock())

        assert seen.action == "wait"
        assert seen.when is not None and seen.when > clock()
        assert seen.rules
        assert seen.draft is None

    def test_on_day_one_it_shows_the_value_add_it_would_draft(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = _answered(services)
        at = clock() + timedelta(days=1, hours=1)

        seen = what_next(services.session_factory, services.loop, lead_id, actor=None, at=at)

        assert seen.action == "draft_touch"
        assert (seen.purpose, seen.channel, seen.when) == ("value_add", "email", at)
        assert seen.rules
        assert seen.draft is not None
        assert seen.draft.body and "Dana" in seen.draft.body
        assert seen.draft.route in {"queued", "pending_review"}
        assert seen.as_dict()["draft"]["body"] == seen.draft.body

    def test_a_lead_is_found_by_email_as_well_as_by_id(self, services: Services, clock: FakeClock) -> None:
        lead_id = _acknowledged(services)

        seen = what_next(
            services.session_factory, services.loop, " Dana.Lopez@LunaHair.example", actor=None, at=clock()
        )

        assert seen.lead_id == lead_id

    def test_an_unread_reply_asking_to_stop_is_read_first_as_the_step_reads_it(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = _acknowledged(services)
        with services.session_factory.begin() as session:  # arrived, not read yet (no step since)
            session.add(
                Event(
                    lead_id=lead_id,
                    type=EventType.REPLY,
                    channel=Channel.EMAIL,
                    payload={"message": "Please stop emailing me. Unsubscribe me from this list."},
                    occurred_at=clock(),
                    recorded_at=clock(),
                )
            )

        seen = what_next(services.session_factory, services.loop, lead_id, actor=None, at=clock())

        assert seen.action == "stop"
        with services.session_factory() as session:
            reply = session.scalars(select(Event).where(Event.type == EventType.REPLY)).one()
            assert reply.reading is None  # read in memory only

    def test_a_snooze_over_by_then_has_ended(self, services: Services, clock: FakeClock) -> None:
        lead_id = _acknowledged(services)
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.status = LeadStatus.PAUSED
            lead.paused_until = clock() + timedelta(hours=2)

        snoozed = what_next(services.session_factory, services.loop, lead_id, actor=None, at=clock())
        later = what_next(
            services.session_factory, services.loop, lead_id, actor=None, at=clock() + timedelta(days=2)
        )

        assert "lead.paused_until" in snoozed.rules
        assert later.action == "draft_touch"


class TestNothingWritten:
    def test_deciding_and_drafting_write_no_row_and_no_outbox_file(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = _acknowledged(services)
        submit(services, email="other@example.com", message="Do you integrate with Square?")
        before, files = _counts(services), _files(services.settings.resolved_outbox_dir)
        with services.session_factory() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            state = (lead.status, lead.next_action_at, lead.decision_key, lead.engagement_score)

        for days in (0, 1, 3, 30):
            what_next(
                services.session_factory,
                services.loop,
                lead_id,
                actor=None,
                at=clock() + timedelta(days=days, hours=1),
            )

        assert _counts(services) == before
        assert _files(services.settings.resolved_outbox_dir) == files
        with services.session_factory() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            assert (lead.status, lead.next_action_at, lead.decision_key, lead.engagement_score) == state


class TestRefusals:
    def test_a_time_without_a_zone_is_refused(self, services: Services) -> None:
        lead_id = _acknowledged(services)

        with pytest.raises(Invalid, match="zone"):
            what_next(
                services.session_factory, services.loop, lead_id, actor=None, at=datetime(2026, 12, 1, 10)
            )

    @pytest.mark.parametrize("ref", [uuid.UUID(int=7), "nobody@example.com", "not-a-lead"])
    def test_an_unknown_lead_is_not_found(self, services: Services, clock: FakeClock, ref: object) -> None:
        with pytest.raises(NotFound):
            what_next(services.session_factory, services.loop, ref, actor=None, at=clock())  # type: ignore[arg-type]

    def test_a_rep_may_ask_about_any_lead_they_may_read(self, services: Services, clock: FakeClock) -> None:
        """Reading is open to every signed-in rep (agent/services/access.py); asking is a read."""
        owner = principal(services, "owner@example.com")
        other = principal(services, "other@example.com")
        admin = principal(services, "admin@example.com", UserRole.ADMIN)
        lead_id = _acknowledged(services)
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = owner.id

        for actor in (owner, other, admin):
            seen = what_next(services.session_factory, services.loop, lead_id, actor=actor, at=clock())
            assert seen.lead_id == lead_id


def _snapshot(**lead: Any) -> LeadSnapshot:
    context = LeadContext(
        id="lead-1",
        first_name="Dana",
        last_name=None,
        email="dana@example.com",
        phone="+15035550123",
        company=None,
        role=None,
        industry=None,
        source=None,
        need=None,
        deal_value=None,
        timezone="UTC",
        consent_email=True,
        consent_sms=True,
        **{"status": LeadStatus.ACTIVE, **lead},
    )
    reply = EventRecord(EventType.REPLY, Channel.SMS, START, {"message": "wrong number"}, id="reply-1")
    return LeadSnapshot(lead=context, events=(reply,), touches=(), handoffs=(HandoffRecord("reply", START),))


class TestInMemory:
    """The parts of a step ``what_next`` does without the store: pure functions of the snapshot."""

    def test_a_sure_wrong_person_reading_silences_only_the_channel_it_came_on(self) -> None:
        reading = ReplyReading(ReplyIntent.WRONG_PERSON, 0.99, "rules", suppress=True, language="es")

        read = with_readings(_snapshot(), {"reply-1": reading})

        assert read.events[0].reading == reading
        assert read.suppressed_channels == read.unreachable_channels == frozenset({Channel.SMS})
        assert read.lead.language == "es"

    def test_a_snooze_over_by_then_ends_and_closes_the_open_handoffs(self) -> None:
        snoozed = _snapshot(status=LeadStatus.PAUSED, paused_until=START + timedelta(hours=1))

        assert end_snooze(snoozed, START) == snoozed
        ended = end_snooze(snoozed, START + timedelta(hours=1))
        assert (ended.lead.status, ended.lead.paused_until) == (LeadStatus.ACTIVE, None)
        assert [(h.status, h.closed_at) for h in ended.handoffs] == [("closed", START + timedelta(hours=1))]
