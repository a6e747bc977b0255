"""An inquiry does each piece of its work once: these ran on every inquiry, and the speed-to-lead burst
(issue 17) is decided by the CPU each inquiry costs."""

from __future__ import annotations

import pytest

from agent.container import Services
from agent.db.models import Event, Suppression
from agent.db.repositories.events import EventRepository
from agent.db.repositories.snapshots import load_snapshot, new_lead_snapshot
from agent.domain import Channel, EventType
from agent.services import leads
from knowledge.chroma_store import ChromaVectorStore
from tests.agent.services.support import touch_row
from tests.counting import pointer_reads, statements
from tests.factories import lead_row, submit


def test_an_inquiry_reads_the_knowledge_store_pointer_once(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It read it three times: for the documents and the search ahead of the transaction, then for the
    documents again in the step."""
    assert isinstance(services.knowledge.store, ChromaVectorStore)
    reads = pointer_reads(monkeypatch)

    outcome = submit(services)

    assert outcome.touch_state == "queued"
    assert len(reads) == 1


def test_a_new_leads_details_are_written_by_its_insert_and_its_key_looked_up_once(
    services: Services,
) -> None:
    """A new lead was inserted, then updated with the same inquiry's name, company and language; and the
    inquiry's key was looked up again after the lead was born, which no copy of it can have used."""
    with statements(services.session_factory) as run:
        outcome = submit(services, language="es")

    lead = lead_row(services, outcome.lead_id)
    assert (lead.first_name, lead.company, lead.language) == ("Dana", "Luna Hair Studio", "es")
    assert not [s for s in run if s.startswith("UPDATE leads SET first_name")]
    lookups = [s for s in run if s.startswith("SELECT events.id") and "idempotency_key =" in s]
    assert len(lookups) == 1


def test_an_existing_leads_details_are_still_updated_and_trimmed(services: Services) -> None:
    first = submit(services, company=None)
    again = submit(services, company="  Luna Hair & Nails  ", message="One more question: Sundays?")

    assert again.lead_id == first.lead_id and not again.lead_created
    assert lead_row(services, first.lead_id).company == "Luna Hair & Nails"


def test_an_inquirys_step_takes_no_second_lock_and_collects_the_snapshot_once(services: Services) -> None:
    """The step locked the lead again (its caller had locked it, or just inserted it, in the same
    transaction), and after reading the inquiry collected the lead's whole snapshot a second time."""
    first = submit(services)
    with statements(services.session_factory) as run:
        again = submit(services, message="One more question: do you work on Sundays?")

    assert again.lead_id == first.lead_id and not again.lead_created
    lead_reads = [s for s in run if s.startswith("SELECT leads.")]
    assert len(lead_reads) == 2  # found by the address, then locked: once
    assert len([s for s in run if s.startswith("SELECT handoffs.")]) == 1
    assert len([s for s in run if s.startswith("SELECT suppressions.")]) == 1


def test_an_inquiry_writes_the_lead_and_its_acknowledgment_once_each(services: Services) -> None:
    """The step wrote the lead's row twice (its score, then its decision) and inserted the
    acknowledgment, then updated it (``send_after``)."""
    with statements(services.session_factory) as run:
        outcome = submit(services)

    assert outcome.touch_state == "queued" and outcome.touch_id is not None
    assert len([s for s in run if s.startswith("UPDATE leads")]) == 1
    assert len([s for s in run if s.startswith("INSERT INTO touches")]) == 1
    assert not [s for s in run if s.startswith("UPDATE touches")]
    touch = touch_row(services, outcome.touch_id)
    assert touch.send_after == services.clock()  # still decided for now, in the insert


def test_an_inquiry_is_stored_already_read(services: Services) -> None:
    """The step read the stored inquiry and wrote its event again for the reading (and once more for
    the outcome)."""
    with statements(services.session_factory) as run:
        outcome = submit(services, message="I'd rather talk to a human. Can someone call me today?")

    assert not [s for s in run if s.startswith("UPDATE events") and "reading" in s]
    with services.session_factory() as session:
        event = session.get(Event, outcome.event_id)
        assert event is not None and event.reading is not None
        assert event.reading["intent"] == "asks_for_person"


def test_a_new_leads_inquiry_and_acknowledgment_take_at_most_nine_statements(
    services: Services,
) -> None:
    """A pin on the whole transaction (before issue 17's burst work 20 statements, 23 with BEGIN and
    the savepoint; 36 with its dispatch): the key looked up, the address, the lead and the event
    (read) inserted, the address's suppressions, the lead, the touch, the decision and the outcome
    written. Transaction control (BEGIN, savepoints) is not counted."""
    with statements(services.session_factory) as run:
        outcome = submit(services)

    assert outcome.touch_state == "queued"
    work = [s for s in run if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]
    assert len(work) <= 9, "\n".join(work)


def test_a_new_leads_snapshot_is_what_collecting_it_would_give(services: Services) -> None:
    """A new lead's inquiry no longer collects the lead's snapshot (``new_lead_snapshot``: no query of
    its events, touches or handoffs, which only this transaction could have written): what the step
    decides on must be exactly what ``load_snapshot`` reads, suppressions included."""
    now = services.clock()
    with services.session_factory.begin() as session:
        session.add(Suppression(channel="sms", address="+15555550100", reason="stop_keyword", created_at=now))
        lead = leads.add(
            session,
            {
                "email": "new.lead@example.com",
                "phone": "+15555550100",
                "first_name": "Ana",
                "deal_value": 1500,
            },
            now=now,
            due=False,
        )
        event = EventRepository(session).add(
            Event(
                lead_id=lead.id,
                type=EventType.INQUIRY,
                channel=Channel.EMAIL,
                payload={"message": "Can someone call me?", "source": "email"},
                reading={"intent": "asks_for_person", "confidence": 0.9},
                occurred_at=now,
                recorded_at=now,
                idempotency_key="inquiry:new-lead-snapshot",
            )
        )

        known = new_lead_snapshot(session, lead, [event])
        collected = load_snapshot(session, lead)

    assert known.suppressed_channels and known.events[0].reading is not None
    assert known == collected


def test_a_new_leads_acknowledgment_sent_writes_the_leads_row_once(services: Services) -> None:
    """Recording the send woke the lead by a statement of its own, then wrote its row again to make it
    active: two writes of one row on every inquiry's dispatch."""
    outcome = submit(services)
    assert outcome.touch_id is not None
    with statements(services.session_factory) as run:
        assert services.outbox.dispatch(outcome.touch_id) == "sent"

    assert len([s for s in run if s.startswith("UPDATE leads")]) == 1
    lead = lead_row(services, outcome.lead_id)
    touch = touch_row(services, outcome.touch_id)
    assert (lead.status, lead.next_action_at) == ("active", touch.sent_at)
    work = [s for s in run if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]
    assert len(work) <= 9, "\n".join(work)  # 11 before; with the inquiry's, 31 -> 18 in all


def test_an_acknowledgments_message_id_is_stored_by_its_claim(services: Services) -> None:
    """The claim was followed, in its transaction, by a second UPDATE of the touch for its Message-ID."""
    outcome = submit(services)
    assert outcome.touch_id is not None
    with statements(services.session_factory) as run:
        assert services.outbox.dispatch(outcome.touch_id) == "sent"

    claim, sent = [s for s in run if s.startswith("UPDATE touches")]  # nothing in between
    assert "message_id" in claim and "sent_at" in sent
    touch = touch_row(services, outcome.touch_id)
    assert touch.message_id == f"<{touch.id}@{services.outbox.message_domain}>"
