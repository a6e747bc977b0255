"""A slow model server: its time goes to work whose answer will be used (issue 24, item 5).

The model is a real OpenAI-compatible server on loopback (tests/stand_in_model.py) that holds every call
until the test releases it and sees a client close its connection, as a local model server with one
slot would. Everything else is real: the store, retrieval, guardrails, the worker and the outbox.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from agent.container import Services, build_services
from agent.db.models import Touch
from agent.domain import DrafterKind, TouchPurpose, TouchState
from agent.policy import DEADLINE_MISSED
from agent.settings import Settings
from agent.worker import Progress, tick
from knowledge.retrieval import KnowledgeBase
from tests.agent.drafting.llm_api import grounded_answer
from tests.conftest import FakeClock
from tests.factories import submit
from tests.stand_in_model import StandInModel, stand_in_model
from tests.waiting import wait_for

DEADLINE = 1.0
# How long after the deadline the server may still see the call: the time to notice a timeout and
# close a socket, with room for a machine shared by several test runs. A call left running would be
# seen by the server until the test releases it (minutes), so the margin cannot hide one.
CLOSING = 1.5


@pytest.fixture
def model() -> Iterator[StandInModel]:
    with stand_in_model(grounded_answer) as server:
        yield server


@pytest.fixture
def services(
    make_settings: Callable[..., Settings],
    database_url: str,
    knowledge_base: KnowledgeBase,
    clock: FakeClock,
    model: StandInModel,
) -> Iterator[Services]:
    settings = make_settings(
        database_url=database_url,
        llm_base_url=model.base_url,
        llm_model="stand-in",
        ack_deadline_seconds=DEADLINE,
        llm_max_concurrency=1,  # a local model server's one slot
        draft_repairs=0,
    )
    built = build_services(settings, clock=clock, knowledge=knowledge_base)
    yield built
    built.close()


def touches_of(services: Services, lead_id: Any) -> list[Touch]:
    with services.session_factory() as session:
        query = select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.created_at, Touch.step)
        return list(session.scalars(query))


def personal_responses(services: Services) -> list[Touch]:
    with services.session_factory() as session:
        query = select(Touch).where(Touch.purpose == TouchPurpose.PERSONAL_RESPONSE)
        return list(session.scalars(query))


def acknowledged_by_the_composer(services: Services, model: StandInModel, email: str) -> Any:
    """An inquiry whose model call the server holds past the deadline; its acknowledgment, sent."""
    outcome = submit(services, email=email)
    (ack,) = touches_of(services, outcome.lead_id)
    assert (ack.drafter, ack.state) == (DrafterKind.COMPOSER, TouchState.QUEUED)
    assert DEADLINE_MISSED in ack.decision_rules
    services.outbox.dispatch(ack.id)  # as the API does right after the inquiry's commit
    return outcome.lead_id


class TestTheAcknowledgmentsDeadline:
    def test_the_model_call_is_closed_at_the_acknowledgments_deadline(
        self, services: Services, model: StandInModel
    ) -> None:
        lead_id = acknowledged_by_the_composer(services, model, "dana.lopez@lunahair.example")

        wait_for(lambda: model.count("gone") >= 1, timeout=30, what="the server to see the call go")
        seen = model.snapshot()
        assert len(seen.received) == 1  # asked once: no retry, no repair after the deadline
        assert seen.running == 0
        # The deadline runs from before the request (retrieval, the prompt): the call ends within it.
        assert seen.gone[0] - seen.received[0] <= DEADLINE + CLOSING, seen
        gate = services.models.gate if services.models is not None else None
        assert gate is not None
        wait_for(lambda: gate.in_flight == 0, timeout=CLOSING, what="the slot to be given back")
        (ack,) = touches_of(services, lead_id)
        assert "deadline" in (ack.drafting["fallback_reason"] or "")

    def test_a_model_call_waiting_for_the_slot_gives_up_at_its_deadline(
        self, services: Services, model: StandInModel
    ) -> None:
        """The one slot is held by a long call (a worker's draft): the acknowledgment's call does not
        queue behind it past the deadline, to run when its answer can no longer be used."""
        assert services.models is not None
        gate = services.models.gate
        hold = threading.Event()
        long_call = threading.Thread(target=gate.call, args=(hold.wait,), daemon=True)
        long_call.start()
        wait_for(lambda: gate.in_flight == 1, timeout=10, what="the long call to take the slot")
        try:
            acknowledged_by_the_composer(services, model, "dana.lopez@lunahair.example")
            wait_for(lambda: gate.waiting == 0, timeout=CLOSING, what="the queued call to give up")
        finally:
            hold.set()
            long_call.join(timeout=10)

        assert gate.in_flight == 0
        assert model.count("received") == 0  # never asked

    def test_the_next_tick_drafts_and_sends_the_personal_reply_though_the_first_call_never_ended(
        self, services: Services, model: StandInModel
    ) -> None:
        """The acknowledgment's call is held by the server for ever (a slow model); every later call is
        answered at once. Its slot is free at the deadline, so the next tick drafts the personal reply
        with the model and sends it, within one worker interval."""
        model.holds = lambda number: number == 1
        lead_id = acknowledged_by_the_composer(services, model, "dana.lopez@lunahair.example")
        started = time.monotonic()

        tick(services)

        took = time.monotonic() - started
        (personal,) = [
            t for t in touches_of(services, lead_id) if t.purpose == TouchPurpose.PERSONAL_RESPONSE
        ]
        assert personal.drafter == DrafterKind.LLM, personal.drafting
        assert personal.state == TouchState.SENT, personal.guardrails
        assert model.snapshot().answered, "the personal reply's call was answered"
        assert took < services.settings.worker_interval_seconds, took


class TestALongTick:
    def test_each_reply_is_sent_before_the_model_drafts_the_next_leads(
        self, services: Services, model: StandInModel
    ) -> None:
        emails = [
            "dana.lopez@lunahair.example",
            "sam.ortiz@bloomnails.example",
            "ana.ruiz@fadebarber.example",
        ]
        for email in emails:
            acknowledged_by_the_composer(services, model, email)
        wait_for(lambda: model.running() == 0, timeout=30, what="the held calls to be closed")
        asked = model.count("received")
        sent_when_asked: list[int] = []

        def answer(request: httpx.Request) -> httpx.Response:
            sent = [t for t in personal_responses(services) if t.state == TouchState.SENT]
            sent_when_asked.append(len(sent))
            return grounded_answer(request)

        model.answer = answer
        model.release()
        progress: list[Progress] = []

        tick(services, on_progress=progress.append)

        assert model.count("received") - asked == len(emails)  # one draft per lead
        # When the model is asked for a lead's reply, every earlier lead's reply has already gone out.
        assert sent_when_asked == list(range(len(emails)))
        assert [(p.done, p.total) for p in progress] == [(n, len(emails)) for n in range(1, 4)]
        assert all(p.what == "drafted by the model, sent" for p in progress), [p.what for p in progress]
        assert progress[-1].line().startswith(f"lead {len(emails)}/{len(emails)} drafted by the model, sent")
