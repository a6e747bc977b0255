"""Draft, check, repair, fall back: a draft with an open violation is never passed on as clean."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import respx
from langchain_openai import ChatOpenAI

from agent import deadline
from agent.domain import DrafterKind
from agent.drafting.base import Draft, DraftingError, DraftRequest
from agent.drafting.composer import Composer
from agent.drafting.llm import LLMDrafter, load_drafter_prompts
from agent.drafting.pipeline import COMPOSER_WORDINGS, DraftingPipeline
from agent.guardrails import DraftText, GuardrailContext, Violation
from agent.llm import ModelGate, RetryPolicy
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, draft_answer, error, sent_messages
from tests.agent.drafting.requests import BAD_BODY, CASE_STUDY, GOOD_BODY, draft_request


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def llm() -> LLMDrafter:
    model = ChatOpenAI(model="test-model", base_url=BASE_URL, api_key="sk-test", max_retries=0)
    return LLMDrafter(
        model,
        model_name="test-model",
        prompts=load_drafter_prompts("v1"),
        gate=ModelGate(max_concurrency=2, policy=RetryPolicy(attempts=1), sleep=lambda _: None),
    )


class TestRepair:
    def test_an_ungrounded_claim_is_caught_and_repaired_with_the_violations_as_feedback(
        self, api: respx.MockRouter
    ) -> None:
        route = api.post(COMPLETIONS).mock(
            side_effect=[draft_answer(BAD_BODY, source_ids=[CASE_STUDY.id]), draft_answer(GOOD_BODY)]
        )

        outcome = DraftingPipeline(llm(), Composer()).produce(draft_request())

        assert outcome.clean
        assert outcome.draft.body == GOOD_BODY and outcome.draft.drafter is DrafterKind.LLM
        first, second = outcome.attempts
        assert {"grounded.number", "grounded.name"} <= set(first.violations)
        assert second.violations == ()
        repair = sent_messages(route.calls[1].request)[1]["content"]
        assert "grounded.number" in repair and "61%" in repair and "<previous_draft>" in repair
        assert outcome.usage.input_tokens == 2 * 900

    def test_when_repairs_run_out_the_composer_writes_and_says_why(self, api: respx.MockRouter) -> None:
        route = api.post(COMPLETIONS).mock(return_value=draft_answer(BAD_BODY))

        outcome = DraftingPipeline(llm(), Composer(), repairs=2).produce(draft_request())

        assert route.call_count == 3
        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert outcome.clean
        assert "still broke rules after 2 repair(s)" in (outcome.fallback_reason or "")
        assert [a.drafter for a in outcome.attempts] == ["llm", "llm", "llm", "composer"]

    def test_a_model_that_fails_hands_over_to_the_composer_at_once(self, api: respx.MockRouter) -> None:
        route = api.post(COMPLETIONS).mock(return_value=error(503))

        outcome = DraftingPipeline(llm(), Composer()).produce(draft_request())

        assert route.call_count == 1
        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert "503" in (outcome.fallback_reason or "")
        assert outcome.attempts[0].error is not None

    def test_when_everything_breaks_a_rule_the_cleanest_draft_goes_to_review_with_its_violations(
        self, api: respx.MockRouter
    ) -> None:
        api.post(COMPLETIONS).mock(return_value=draft_answer(BAD_BODY))
        # No source fits: the composer can only write a message without value, which a rep must see.
        request = draft_request(sources=())

        outcome = DraftingPipeline(llm(), Composer(), repairs=0).produce(request)

        assert not outcome.clean
        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert [v.code for v in outcome.violations] == ["value.missing"]

    def test_without_an_llm_the_composer_drafts_alone(self) -> None:
        composer = Composer()

        outcome = DraftingPipeline(composer, composer).produce(draft_request())

        assert outcome.clean and outcome.fallback_reason is None
        assert [a.drafter for a in outcome.attempts] == ["composer"]

    def test_a_composer_wording_that_breaks_a_rule_is_followed_by_another(self) -> None:
        composer = Composer()
        first = composer.draft(draft_request()).body

        def rejects_the_first_wording(draft: DraftText, _: GuardrailContext) -> list[Violation]:
            return [Violation("test.first_wording", "not this one")] if draft.body == first else []

        outcome = DraftingPipeline(composer, composer, checks=(rejects_the_first_wording,)).produce(
            draft_request()
        )

        assert outcome.clean and outcome.draft.body != first
        assert [a.violations for a in outcome.attempts] == [("test.first_wording",), ()]

    def test_the_composer_tries_a_bounded_number_of_wordings_then_goes_to_review(self) -> None:
        composer = Composer()

        def rejects_everything(draft: DraftText, _: GuardrailContext) -> list[Violation]:
            return [Violation("test.never", "nothing passes")]

        outcome = DraftingPipeline(composer, composer, checks=(rejects_everything,)).produce(draft_request())

        assert not outcome.clean
        assert len(outcome.attempts) == COMPOSER_WORDINGS
        assert outcome.draft.body == composer.draft(draft_request()).body  # a tie keeps the first wording


class BlockedDrafter:
    """An LLM stand-in that answers only when the test lets it: a model slower than the deadline."""

    kind = DrafterKind.LLM
    model_name = "slow-model"

    def __init__(self, answer: Draft) -> None:
        self.answer = answer
        self.release = threading.Event()

    def draft(self, request: DraftRequest) -> Draft:
        if not self.release.wait(timeout=30):
            raise DraftingError("never released")
        return self.answer


class TestDeadline:
    def test_a_model_slower_than_the_deadline_is_replaced_by_the_composer_and_finishes_later(self) -> None:
        late = Draft(
            subject="Fewer Saturday no-shows",
            body=GOOD_BODY,
            call_to_action="Which day of the week hurts most at the studio?",
            source_ids=(CASE_STUDY.id,),
            drafter=DrafterKind.LLM,
            label="slow",
            prompt_version="drafter-v1",
            model="slow-model",
        )
        slow = BlockedDrafter(late)
        pipeline = DraftingPipeline(slow, Composer())

        outcome, pending = pipeline.produce_within(draft_request(), seconds=0.05)

        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert "deadline" in (outcome.fallback_reason or "")
        assert pending is not None and not pending.done()
        slow.release.set()
        assert pending.result(timeout=30).draft.body == GOOD_BODY

    def test_a_model_call_cut_at_the_deadline_is_a_missed_deadline(self, api: respx.MockRouter) -> None:
        """The drafting's own thread may finish first when the model's call is cut at the deadline: its
        composer draft says the deadline was missed too, so the personal reply is still owed."""
        api.post(COMPLETIONS).mock(return_value=error(503))

        with deadline.within(time.monotonic() - 1):
            outcome = DraftingPipeline(llm(), Composer()).produce(draft_request())

        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert outcome.deadline_missed
        assert "deadline" in (outcome.fallback_reason or "")

    def test_a_model_that_fails_without_a_deadline_misses_none(self, api: respx.MockRouter) -> None:
        api.post(COMPLETIONS).mock(return_value=error(503))

        outcome = DraftingPipeline(llm(), Composer()).produce(draft_request())

        assert outcome.draft.drafter is DrafterKind.COMPOSER
        assert not outcome.deadline_missed

    def test_a_model_within_the_deadline_is_used(self, api: respx.MockRouter) -> None:
        api.post(COMPLETIONS).mock(return_value=draft_answer(GOOD_BODY))

        outcome, pending = DraftingPipeline(llm(), Composer()).produce_within(draft_request(), seconds=30)

        assert outcome.draft.drafter is DrafterKind.LLM
        assert pending is None
