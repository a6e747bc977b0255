"""A deadline for model calls: no call waits for a slot, starts, retries or reads its answer past it.

The clock is the test's (``now``/``monotonic`` parameters), except where a real HTTP request to a
real server on loopback is cut: there the deadline is a fraction of a second of real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import respx

from agent import deadline
from agent.drafting.base import DraftingError
from agent.drafting.llm import LLMDrafter, load_drafter_prompts
from agent.llm import SHORTEST_WAIT, ModelAccess, ModelEndpoint, ModelGate, ModelUnavailable, RetryPolicy
from agent.llm import bounded_by_deadline as bound
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, error, grounded_answer
from tests.agent.drafting.requests import draft_request
from tests.stand_in_model import StandInModel, stand_in_model
from tests.waiting import wait_for


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestTheDeadline:
    def test_no_deadline_outside_a_block(self) -> None:
        assert deadline.time_left() is None
        assert not deadline.passed()

    def test_time_left_counts_down_to_the_deadline(self) -> None:
        clock = Clock()
        with deadline.within(clock.now + 5):
            assert deadline.time_left(clock) == 5
            clock.now += 7
            assert deadline.time_left(clock) == -2
            assert deadline.passed(clock)
        assert deadline.time_left(clock) is None

    def test_an_inner_block_cannot_push_a_sooner_deadline_back(self) -> None:
        with deadline.within(10.0):
            with deadline.within(50.0):
                assert deadline.current() == 10.0
            with deadline.within(4.0):
                assert deadline.current() == 4.0
            assert deadline.current() == 10.0


class TestTheRequestsTimeouts:
    def request(self, read: float | None = 20.0) -> httpx.Request:
        request = httpx.Request("POST", COMPLETIONS)
        request.extensions["timeout"] = {"connect": 5.0, "read": read, "write": 5.0, "pool": 5.0}
        return request

    def test_outside_a_deadline_the_configured_timeouts_stand(self) -> None:
        request = self.request()

        bound(request)

        assert request.extensions["timeout"]["read"] == 20.0

    def test_each_timeout_is_the_time_left_when_it_is_read(self) -> None:
        clock = Clock()
        request = self.request()
        with deadline.within(clock.now + 3):
            bound(request, now=clock)
        timeouts = request.extensions["timeout"]

        assert timeouts.get("read") == 3
        assert timeouts.get("connect") == 3
        clock.now += 2.5  # a slow connect and send: the read that follows waits only what is left
        assert timeouts.get("read") == pytest.approx(0.5)
        clock.now += 10
        assert timeouts.get("read") == SHORTEST_WAIT  # past it: fail at once, never "wait forever"

    def test_a_timeout_shorter_than_the_time_left_stands(self) -> None:
        clock = Clock()
        request = self.request(read=1.0)
        with deadline.within(clock.now + 30):
            bound(request, now=clock)

        assert request.extensions["timeout"].get("read") == 1.0
        assert request.extensions["timeout"].get("write") == 5.0

    def test_no_configured_timeout_still_ends_at_the_deadline(self) -> None:
        clock = Clock()
        request = self.request(read=None)
        with deadline.within(clock.now + 3):
            bound(request, now=clock)

        assert request.extensions["timeout"].get("read") == 3


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


class TestTheGate:
    def test_a_call_whose_deadline_passed_is_not_made(self) -> None:
        clock = Clock()
        gate = ModelGate(max_concurrency=1, monotonic=clock)
        calls: list[int] = []

        with deadline.within(clock.now - 0.1), pytest.raises(ModelUnavailable, match="deadline passed"):
            gate.call(lambda: calls.append(1))

        assert calls == []

    def test_no_retry_after_the_deadline(self, api: respx.MockRouter) -> None:
        """A 500 that comes back after the deadline is not tried again, however many tries are left."""
        clock = Clock()

        def late_500(request: httpx.Request) -> httpx.Response:
            clock.now += 10  # the answer came after the deadline
            return error(500)

        route = api.post(COMPLETIONS).mock(side_effect=late_500)
        sleeps: list[float] = []
        gate = ModelGate(
            max_concurrency=1, policy=RetryPolicy(attempts=4), sleep=sleeps.append, monotonic=clock
        )
        drafter = LLMDrafter(
            ModelAccess(ModelEndpoint(BASE_URL, "sk-test", "test-model", 20, 800), gate).chat_model(),
            model_name="test-model",
            prompts=load_drafter_prompts("v1"),
            gate=gate,
        )

        with deadline.within(clock.now + 5), pytest.raises(DraftingError, match="deadline"):
            drafter.draft(draft_request())

        assert route.call_count == 1
        assert sleeps == []

    def test_no_slot_is_waited_for_past_the_deadline(self) -> None:
        gate = ModelGate(max_concurrency=1)
        hold = threading.Event()
        long_call = threading.Thread(target=gate.call, args=(hold.wait,), daemon=True)
        long_call.start()
        wait_for(lambda: gate.in_flight == 1, timeout=10, what="the long call to take the slot")
        calls: list[int] = []
        try:
            with (
                deadline.within(time.monotonic() + 0.2),
                pytest.raises(ModelUnavailable, match="no model slot came free"),
            ):
                gate.call(lambda: calls.append(1))
            assert gate.waiting == 0
        finally:
            hold.set()
            long_call.join(timeout=10)

        assert calls == []
        assert gate.in_flight == 0


@contextmanager
def drafting_on(server: StandInModel) -> Iterator[tuple[LLMDrafter, ModelAccess]]:
    """The LLM drafter on the stand-in server, through the process's ``ModelAccess`` (its HTTP client)."""
    access = ModelAccess(
        ModelEndpoint(server.base_url, None, "stand-in", 20, 800), ModelGate(max_concurrency=1)
    )
    try:
        yield (
            LLMDrafter(
                access.chat_model(),
                model_name="stand-in",
                prompts=load_drafter_prompts("v1"),
                gate=access.gate,
            ),
            access,
        )
    finally:
        access.close()


class TestARealServer:
    def test_a_held_call_is_closed_at_its_deadline_and_the_server_sees_it_go(self) -> None:
        with stand_in_model(grounded_answer) as server, drafting_on(server) as (drafter, access):
            with deadline.within(time.monotonic() + 0.5), pytest.raises(DraftingError, match="deadline"):
                drafter.draft(draft_request())
            seen = server.snapshot()

        assert len(seen.received) == 1 and len(seen.gone) == 1, seen
        assert seen.gone[0] - seen.received[0] < 0.5 + 1.0
        assert access.gate.in_flight == 0

    def test_without_a_deadline_the_same_call_is_answered(self) -> None:
        with stand_in_model(grounded_answer) as server, drafting_on(server) as (drafter, _):
            server.release()
            draft = drafter.draft(draft_request())

        assert draft.body
        assert server.count("answered") == 1
