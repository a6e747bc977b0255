"""The default suite's deterministic part, in the test suite on every CI run: composer, rules, no judge."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import respx
from langchain_openai import ChatOpenAI

from agent.domain import Channel
from agent.drafting.composer import Composer
from agent.drafting.llm import LLMDrafter, load_drafter_prompts
from agent.drafting.pipeline import DraftingPipeline
from agent.guardrails import DEFAULT_CHECKS
from agent.llm import ModelGate, RetryPolicy
from evals.quality.environment import Environment
from evals.quality.judge import Judge, load_rubric
from evals.quality.result import EXIT_BELOW_THRESHOLD, EXIT_MODEL_ERRORS, EXIT_OK, assemble
from evals.quality.runner import run_suite
from evals.quality.scenarios import Include, Threshold, load_suite
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, draft_answer, error

GATE = ModelGate(max_concurrency=2, policy=RetryPolicy(attempts=1), sleep=lambda _: None)


def small_suite(*ids: str) -> Any:
    suite = load_suite("default")
    model = suite.model.model_copy(update={"include": Include(ids=ids)})
    return replace(suite, model=model, scenarios=tuple(s for s in suite.scenarios if s.id in ids))


class TestDeterministicDefaultSuite:
    def test_every_threshold_is_met_with_the_composer_and_the_rules(
        self, default_result: dict[str, Any]
    ) -> None:
        failed = [(t["metric"], t["value"]) for t in default_result["thresholds"] if t["passed"] is False]
        findings = Counter(f for c in default_result["cases"] for f in c["failures"])

        assert default_result["verdict"]["exit_code"] == EXIT_OK, (failed, findings.most_common(8))
        assert default_result["suite"]["scenarios"] >= 80
        assert default_result["errors"] == {
            "model_calls": 0, "errors": 0, "error_rate": 0.0, "max_error_rate": 0.0,
        }  # fmt: skip

    def test_the_judge_is_reported_as_not_run_and_no_score_is_invented(
        self, default_result: dict[str, Any]
    ) -> None:
        assert default_result["judge"]["status"] == "not run"
        assert "TOUCHPOINT_LLM_BASE_URL" in default_result["judge"]["reason"]
        assert not [name for name in default_result["metrics"] if name.startswith("judge.")]
        judge_gates = [t for t in default_result["thresholds"] if t["metric"].startswith("judge.")]
        assert judge_gates and all(t["status"] == "not measured in this run" for t in judge_gates)
        assert all(d.get("judge") is None for c in default_result["cases"] for d in c["drafts"])

    def test_every_metric_family_of_the_issue_is_measured(self, default_result: dict[str, Any]) -> None:
        measured = set(default_result["metrics"])

        assert {
            "groundedness", "value_before_ask", "one_cta", "personalisation", "length.in_range",
            "reading_grade", "banned_phrases", "near_duplicate_rate", "handoff.precision", "handoff.recall",
            "decision.purpose", "reply.intent_accuracy", "retrieval.recall_at_3", "retrieval.mrr",
        } <= measured  # fmt: skip
        assert {name for name in measured if name.startswith("check.")} == {
            f"check.{check.__name__.removeprefix('check_')}" for check in DEFAULT_CHECKS
        }  # every guardrail check, one metric each

    def test_every_case_keeps_its_draft_sources_and_failures(self, default_result: dict[str, Any]) -> None:
        cases = {c["id"]: c for c in default_result["cases"]}
        ack = cases["salon-ack-chatty-owner"]["drafts"][0]

        assert ack["body"].startswith("Hi Jasmine")
        assert ack["sources"] and ack["final"]["drafter"] == "composer"
        unsubscribe = cases["reply-unsubscribe-polite-no-keyword"]
        assert unsubscribe["reply"]["reading"]["intent"] == "unsubscribe"
        assert unsubscribe["reply"]["expected"] == "unsubscribe" and unsubscribe["failures"] == []
        german = cases["german-dental-ack"]  # the model does not link a German GDPR question to the FAQ
        assert "retrieval: faqs/gdpr not in the top 3" in german["failures"]
        sequence = cases["sequence-salon-casual"]
        assert len(sequence["drafts"]) == 5 and sequence["sequence"]["pairs"] == 10

    def test_a_missed_threshold_exits_with_quality_below_threshold(
        self, default_result: dict[str, Any]
    ) -> None:
        suite = load_suite("default")
        strict = replace(
            suite,
            model=suite.model.model_copy(update={"thresholds": {"personalisation": Threshold(min=0.99)}}),
        )
        env = Environment(knowledge=None, drafting=None, classifier=None, sequences={})  # type: ignore[arg-type]

        result = assemble(strict, env, default_result["cases"], {}, started_at=datetime.now(UTC), seconds=0.0)

        assert result["verdict"]["exit_code"] == EXIT_BELOW_THRESHOLD
        assert result["verdict"]["summary"] == "quality below threshold: personalisation"


class TestModelErrors:
    def test_judge_errors_exit_with_their_own_code_and_are_never_scored(
        self, composer_environment: Environment
    ) -> None:
        suite = small_suite("salon-ack-chatty-owner", "gym-social-proof-payments")
        model = ChatOpenAI(model="judge", base_url=BASE_URL, api_key="k", max_retries=0)
        judge = Judge(
            model, model_name="judge", rubric=load_rubric("judge-v1"), identity=suite.identity, gate=GATE
        )
        env = replace(composer_environment, judge=judge)

        with respx.mock() as api:
            api.post(COMPLETIONS).mock(return_value=error(500))
            result = run_suite(suite, env)

        assert result["verdict"]["exit_code"] == EXIT_MODEL_ERRORS
        assert result["errors"]["errors"] == result["errors"]["model_calls"] == 6
        assert not [name for name in result["metrics"] if name.startswith("judge.")]
        assert all(not d["judge"]["judged"] for c in result["cases"] for d in c["drafts"])


class TestLlmDrafter:
    def test_the_first_draft_is_measured_and_the_fallback_reported(
        self, composer_environment: Environment
    ) -> None:
        suite = small_suite("gym-social-proof-payments")
        model = ChatOpenAI(model="drafter", base_url=BASE_URL, api_key="k", max_retries=0)
        drafter = LLMDrafter(model, model_name="drafter", prompts=load_drafter_prompts("v1"), gate=GATE)
        env = replace(composer_environment, drafting=DraftingPipeline(drafter, Composer(), repairs=0))
        invented = (
            "Hi Kai,\n\nIronworks Strength Club recovered 99% of failed payments and doubled its members "
            "in a month, like every gym that switches.\n\nHow many payments fail for you each month?\n\nMaya"
        )

        with respx.mock() as api:
            api.post(COMPLETIONS).mock(return_value=draft_answer(invented, subject="Failed payments"))
            result = run_suite(suite, env)

        draft = result["cases"][0]["drafts"][0]
        assert draft["drafter"] == "llm" and draft["body"] == invented
        assert "grounded" in draft["measures"]["failed_checks"]
        assert draft["final"]["drafter"] == "composer" and draft["final"]["clean"]
        assert result["metrics"]["groundedness"]["value"] == 0.0
        assert result["metrics"]["pipeline.drafter_kept"]["value"] == 0.0
        assert result["metrics"]["pipeline.final_clean"]["value"] == 1.0
        assert result["errors"]["model_calls"] == 1 and result["errors"]["errors"] == 0
        assert json.dumps(result)  # the result is plain JSON
        assert draft["channel"] == Channel.EMAIL.value
