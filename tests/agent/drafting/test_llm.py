"""The LLM drafter against the OpenAI HTTP API, mocked at the transport with respx.

What is asserted is what a real endpoint would see (the request) and what the drafter makes of each
kind of answer: a draft with its usage and cost, or a DraftingError the pipeline can fall back from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import respx
from langchain_openai import ChatOpenAI

from agent.domain import DrafterKind
from agent.drafting.base import DraftingError
from agent.drafting.llm import LLMDrafter, Pricing, load_drafter_prompts
from agent.llm import ModelGate, RetryPolicy
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, completion, draft_answer, error, sent_messages
from tests.agent.drafting.requests import CASE_STUDY, GOOD_BODY, draft_request

MODEL = "test-model"


class SleepRecorder:
    """Stands in for time.sleep inside the retry loop: the backoff is asserted, never waited out."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


def drafter(sleeps: SleepRecorder, *, attempts: int = 4, timeout: float = 5.0) -> LLMDrafter:
    model = ChatOpenAI(model=MODEL, base_url=BASE_URL, api_key="sk-test", timeout=timeout, max_retries=0)
    return LLMDrafter(
        model,
        model_name=MODEL,
        prompts=load_drafter_prompts("v1"),
        gate=ModelGate(max_concurrency=2, policy=RetryPolicy(attempts=attempts), sleep=sleeps),
        method="json_schema",
        pricing=Pricing(input_per_mtok=0.15, output_per_mtok=0.60),
    )


class TestSuccess:
    def test_a_structured_answer_becomes_a_labelled_draft_with_its_usage_and_cost(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        api.post(COMPLETIONS).mock(return_value=draft_answer(GOOD_BODY, source_ids=[CASE_STUDY.id]))

        draft = drafter(sleeps).draft(draft_request())

        assert draft.body == GOOD_BODY
        assert draft.source_ids == (CASE_STUDY.id,)
        assert (draft.drafter, draft.model, draft.prompt_version) == (DrafterKind.LLM, MODEL, "drafter-v1")
        assert MODEL in draft.label
        assert (draft.usage.input_tokens, draft.usage.output_tokens) == (900, 150)
        assert draft.usage.cost_usd == pytest.approx((900 * 0.15 + 150 * 0.60) / 1_000_000)

    def test_the_request_carries_the_model_the_schema_and_the_delimited_lead_message(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        route = api.post(COMPLETIONS).mock(return_value=draft_answer(GOOD_BODY))

        drafter(sleeps).draft(draft_request())

        request = route.calls.last.request
        payload = json.loads(request.content)
        assert payload["model"] == MODEL
        assert payload["response_format"]["type"] == "json_schema"
        assert request.headers["authorization"] == "Bearer sk-test"
        system, user = sent_messages(request)
        assert "Only state facts that appear in the SOURCES" in system["content"]
        assert "<lead_message>" in user["content"] and "Saturday" in user["content"]
        assert f'<source id="{CASE_STUDY.id}"' in user["content"]

    def test_source_ids_the_model_never_saw_are_not_recorded(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        api.post(COMPLETIONS).mock(
            return_value=draft_answer(GOOD_BODY, source_ids=["case-studies/invented", CASE_STUDY.id])
        )

        assert drafter(sleeps).draft(draft_request()).source_ids == (CASE_STUDY.id,)


class TestRetries:
    def test_a_429_is_retried_with_backoff_then_succeeds(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        route = api.post(COMPLETIONS).mock(side_effect=[error(429, "rate limited"), draft_answer(GOOD_BODY)])

        draft = drafter(sleeps).draft(draft_request())

        assert draft.body == GOOD_BODY
        assert route.call_count == 2
        assert len(sleeps.waits) == 1 and 0 <= sleeps.waits[0] <= 8

    def test_500s_until_give_up_become_a_drafting_error(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        route = api.post(COMPLETIONS).mock(return_value=error(500))

        with pytest.raises(DraftingError, match="answered 500"):
            drafter(sleeps, attempts=3).draft(draft_request())

        assert route.call_count == 3
        assert len(sleeps.waits) == 2

    def test_a_timeout_is_retried_and_then_reported(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        route = api.post(COMPLETIONS).mock(side_effect=httpx.ReadTimeout("slow model"))

        with pytest.raises(DraftingError, match="timed out"):
            drafter(sleeps, attempts=2).draft(draft_request())

        assert route.call_count == 2

    def test_a_client_error_is_not_retried(self, api: respx.MockRouter, sleeps: SleepRecorder) -> None:
        route = api.post(COMPLETIONS).mock(return_value=error(400, "bad request"))

        with pytest.raises(DraftingError, match="answered 400"):
            drafter(sleeps).draft(draft_request())

        assert route.call_count == 1
        assert sleeps.waits == []


class TestUnreadableAnswers:
    def test_malformed_json_is_a_drafting_error(self, api: respx.MockRouter, sleeps: SleepRecorder) -> None:
        api.post(COMPLETIONS).mock(return_value=completion('{"subject": "Hi", "body": "Hi Dana'))

        with pytest.raises(DraftingError, match="did not match the draft schema"):
            drafter(sleeps).draft(draft_request())

    def test_json_that_breaks_the_schema_is_a_drafting_error(
        self, api: respx.MockRouter, sleeps: SleepRecorder
    ) -> None:
        api.post(COMPLETIONS).mock(
            return_value=completion(json.dumps({"subject": "Hi", "text": "no body field"}))
        )

        with pytest.raises(DraftingError, match="did not match the draft schema"):
            drafter(sleeps).draft(draft_request())

    def test_an_empty_body_is_a_drafting_error(self, api: respx.MockRouter, sleeps: SleepRecorder) -> None:
        api.post(COMPLETIONS).mock(return_value=draft_answer("   "))

        with pytest.raises(DraftingError, match="empty body"):
            drafter(sleeps).draft(draft_request())
