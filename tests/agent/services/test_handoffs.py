"""Handoff actions over the real store: claim, log a reply, another rep refused. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Event, Handoff, Lead
from agent.domain import Channel
from agent.services import handoffs, leads
from agent.services.errors import Forbidden
from tests.agent.services.support import actions, draft, principal, reply, touch_row
from tests.conftest import FakeClock
from tests.factories import add_touch


class TestHandoffActions:
    def _handoff(self, services: Services, clock: FakeClock) -> tuple[uuid.UUID, uuid.UUID]:
        lead_id, _ = draft(services)
        clock.advance(hours=1)
        reply(services, lead_id, "Could someone call me about pricing?")
        with services.session_factory() as session:
            handoff = session.scalars(select(Handoff).where(Handoff.lead_id == lead_id)).one()
            return lead_id, handoff.id

    def test_claim_then_log_a_reply_answers_the_handoff_and_makes_the_lead_yours(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, handoff_id = self._handoff(services, clock)
        clock.advance(minutes=10)

        with services.session_factory.begin() as session:
            handoffs.claim(session, handoff_id, actor=ana, now=clock.now)
            handoffs.log_reply(
                session,
                services.loop,
                handoff_id,
                channel=Channel.PHONE,
                message="Called: demo Tuesday",
                actor=ana,
                now=clock.now,
            )

        with services.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            lead = session.get(Lead, lead_id)
            note = session.scalars(select(Event).where(Event.lead_id == lead_id, Event.type == "note")).one()
        assert handoff is not None and lead is not None
        assert (handoff.claimed_by, handoff.responded_at, handoff.status) == (ana.id, clock.now, "open")
        assert lead.owner_id == ana.id
        assert note.payload == {
            "kind": "rep_reply",
            "message": "Called: demo Tuesday",
            "by": ana.email,
            "handoff_id": str(handoff_id),
        }
        assert {"handoff.claim", "handoff.reply_logged"} <= {a.action for a in actions(services, lead_id)}

    def test_another_reps_claim_is_refused(self, services: Services, clock: FakeClock) -> None:
        ana, ben = principal(services, "ana@example.com"), principal(services, "ben@example.com")
        _, handoff_id = self._handoff(services, clock)
        with services.session_factory.begin() as session:
            handoffs.claim(session, handoff_id, actor=ana, now=clock.now)

        with services.session_factory.begin() as session, pytest.raises(Forbidden):
            handoffs.claim(session, handoff_id, actor=ben, now=clock.now)

        # the lead is Ana's now

    def test_closing_the_lead_closes_its_handoffs_and_outdates_its_drafts(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, handoff_id = self._handoff(services, clock)
        pending = add_touch(services, lead_id=lead_id, step=5, purpose="faq")

        with services.session_factory.begin() as session:
            leads.close(session, services.loop, lead_id, actor=ana, now=clock.now, reason="bought elsewhere")

        with services.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            lead = session.get(Lead, lead_id)
        assert handoff is not None and lead is not None
        assert (lead.status, handoff.status) == ("closed", "closed")
        assert touch_row(services, pending).state == "superseded"
        (closing,) = [a for a in actions(services, lead_id) if a.action == "lead.close"]
        assert closing.reason == "bought elsewhere"
