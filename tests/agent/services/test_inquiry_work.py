"""An inquiry does each piece of its work once: these ran on every inquiry, and the speed-to-lead burst
(issue 17) is decided by the CPU each inquiry costs."""

from __future__ import annotations

import pytest

from agent.container import Services
from knowledge.chroma_store import ChromaVectorStore
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
