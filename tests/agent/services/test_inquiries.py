"""An inquiry with an LLM configured: the acknowledgment within its deadline whatever the model does.

The model is the OpenAI HTTP API mocked with respx; everything else is real (store, retrieval,
guardrails, worker). A slow model is one whose answer the test holds back on an event, so the timing
is decided by the test, never by a sleep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import select

from agent.container import Services, build_services
from agent.db.models import Lead, Touch
from agent.domain import DrafterKind, EventType, TouchPurpose, TouchState
from agent.policy import COMPOSED_ACKNOWLEDGMENT, DEADLINE_MISSED
from agent.services.events import NewEvent, record_event
from agent.settings import Settings
from agent.worker import tick
from knowledge.retrieval import KnowledgeBase
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, grounded_answer
from tests.conftest import FakeClock
from tests.factories import submit

DEADLINE = 0.5


class SlowModel:
    """Answers like a good model, but the first call waits until the test says go."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        if first and not self.go.wait(timeout=30):
            raise httpx.ReadTimeout("never released")
        return grounded_answer(request)


@pytest.fixture
def llm_services(
    make_settings: Callable[..., Settings], database_url: str, knowledge_base: KnowledgeBase, clock: FakeClock
) -> Iterator[Services]:
    settings = make_settings(
        database_url=database_url,
        llm_base_url=BASE_URL,
        llm_api_key="sk-test",
        llm_model="test-model",
        ack_deadline_seconds=DEADLINE,
        draft_repairs=0,
    )
    built = build_services(settings, clock=clock, knowledge=knowledge_base)
    yield built
    built.close()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def touches_of(services: Services, lead_id: Any) -> list[Touch]:
    with services.session_factory() as session:
        query = select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.created_at, Touch.step)
        return list(session.scalars(query))


class TestAcknowledgmentWithAModel:
    def test_a_prompt_model_writes_the_acknowledgment(
        self, llm_services: Services, api: respx.MockRouter
    ) -> None:
        route = api.post(COMPLETIONS).mock(side_effect=grounded_answer)

        outcome = submit(llm_services)

        assert route.call_count >= 1
        (ack,) = touches_of(llm_services, outcome.lead_id)
        assert (ack.purpose, ack.drafter, ack.state) == (
            TouchPurpose.ACKNOWLEDGMENT,
            DrafterKind.LLM,
            TouchState.QUEUED,
        )
        assert outcome.touch_id == ack.id and outcome.touch_state == TouchState.QUEUED
        assert DEADLINE_MISSED not in ack.decision_rules

    def test_a_slow_model_misses_the_deadline_and_the_composer_answers_then_the_personal_reply_follows(
        self, llm_services: Services, api: respx.MockRouter, clock: FakeClock
    ) -> None:
        model = SlowModel()
        api.post(COMPLETIONS).mock(side_effect=model)

        outcome = submit(llm_services)

        (ack,) = touches_of(llm_services, outcome.lead_id)
        assert (ack.drafter, ack.state) == (DrafterKind.COMPOSER, TouchState.QUEUED)
        assert DEADLINE_MISSED in ack.decision_rules
        assert "deadline" in (ack.drafting["fallback_reason"] or "")
        model.go.set()  # the late answer is not used for the acknowledgment that already went
        llm_services.outbox.dispatch(ack.id)

        tick(llm_services)

        personal = [
            t
            for t in touches_of(llm_services, outcome.lead_id)
            if t.purpose == TouchPurpose.PERSONAL_RESPONSE
        ]
        assert len(personal) == 1
        assert personal[0].drafter == DrafterKind.LLM, personal[0].drafting
        assert personal[0].state in {TouchState.QUEUED, TouchState.SENT}, personal[0].guardrails
        assert personal[0].step < 0  # not a step of the sequence: the rest of the day-0 answer

    def test_the_personal_reply_is_owed_once(self, llm_services: Services, api: respx.MockRouter) -> None:
        model = SlowModel()
        api.post(COMPLETIONS).mock(side_effect=model)
        outcome = submit(llm_services)
        model.go.set()

        tick(llm_services)
        tick(llm_services)

        purposes = [t.purpose for t in touches_of(llm_services, outcome.lead_id)]
        assert purposes.count(TouchPurpose.PERSONAL_RESPONSE) == 1


class TestAcknowledgmentWithoutAModel:
    def test_the_personal_reply_the_composer_promised_follows_on_the_next_tick(
        self, services: Services
    ) -> None:
        """Found on the embedded defaults: the composer's acknowledgment says "one of us will reply to
        you personally, soon", and with no model configured nothing ever did."""
        outcome = submit(services, message="How much is the Pro plan per month, and is setup included?")
        (ack,) = touches_of(services, outcome.lead_id)
        assert ack.drafter == DrafterKind.COMPOSER
        assert COMPOSED_ACKNOWLEDGMENT in ack.decision_rules

        tick(services)
        tick(services)

        personal = [
            t for t in touches_of(services, outcome.lead_id) if t.purpose == TouchPurpose.PERSONAL_RESPONSE
        ]
        assert len(personal) == 1
        assert personal[0].drafter == DrafterKind.COMPOSER
        # Sent, or waiting for a rep where no source answers for sure: either way, not forgotten.
        assert personal[0].state in {TouchState.QUEUED, TouchState.SENT, TouchState.PENDING_REVIEW}


class TestNoModelCallInsideARequest:
    def test_an_event_that_calls_for_a_draft_leaves_it_to_the_worker(
        self, llm_services: Services, api: respx.MockRouter, clock: FakeClock
    ) -> None:
        route = api.post(COMPLETIONS).mock(side_effect=grounded_answer)
        outcome = submit(llm_services)
        llm_services.outbox.drain()
        calls_after_ack = route.call_count
        clock.advance(hours=25)  # the next day: the daily cap the acknowledgment used is free again

        with llm_services.session_factory.begin() as session:
            lead = session.get(Lead, outcome.lead_id)
            assert lead is not None
            record_event(
                session,
                llm_services.loop,
                lead,
                NewEvent(
                    type=EventType.PAGE_VISIT,
                    channel=None,
                    payload={"url": "https://northstar-bookings.example/pricing"},
                ),
                clock(),
            )
            assert route.call_count == calls_after_ack  # no model call while the request holds the lead
            due = lead.next_action_at

        assert due is not None and due <= clock()
        tick(llm_services)  # the worker drafts it, with the model, outside any transaction
        assert route.call_count > calls_after_ack
        assert len(touches_of(llm_services, outcome.lead_id)) == 2


class TestRetrievalBeforeTheTransaction:
    def test_a_new_leads_acknowledgment_uses_the_answer_worked_out_before_the_transaction(
        self, services: Services, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        searches: list[str] = []
        search = services.knowledge._search

        def counted(query: Any, documents: Any) -> Any:
            searches.append(query.purpose)
            return search(query, documents)

        monkeypatch.setattr(services.knowledge, "_search", counted)

        outcome = submit(services, industry=" beauty ", need=" fewer no-shows ")

        assert searches == ["acknowledgment"]  # once, ahead of the lock; the step found it ready
        (ack,) = touches_of(services, outcome.lead_id)
        assert ack.purpose == TouchPurpose.ACKNOWLEDGMENT and ack.sources
