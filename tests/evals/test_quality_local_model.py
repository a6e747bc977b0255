"""The suites against a REAL local model: llama.cpp's server with SmolLM2-135M, started on loopback.

Two things only a real model shows. A deliberately worse prompt version (prompts/drafter-v0-worse.yaml,
a test artefact) must be caught by `compare`, with the cases that regressed listed. And the judge must
run end to end (three samples per draft through structured output, majority and spread, agreement with
people) and report what the tiny model does, errors included, without inventing a score.

SmolLM2-135M writes badly and judges worse: the assertions are about the machinery and the
comparison, never about the model being good. Decoding is greedy (temperature 0) so a run is the same
every time. Answers are capped with the request's ``max_tokens`` (sent as ``extra_body``: LangChain sends
``max_completion_tokens``, which llama-cpp-python's server ignores), or the model can ramble to the end of
its context for minutes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_openai import ChatOpenAI

from agent.drafting.composer import Composer
from agent.drafting.llm import LLMDrafter, load_drafter_prompts
from agent.drafting.pipeline import DraftingPipeline
from agent.llm import ModelGate, RetryPolicy
from evals.quality.agreement import load_labels
from evals.quality.cache import DiskCache, caching
from evals.quality.compare import compare
from evals.quality.environment import Environment
from evals.quality.judge import MAX_TOKENS, Judge, load_rubric
from evals.quality.runner import run_suite
from evals.quality.scenarios import load_suite

MODEL = "smollm2-135m"
GATE = ModelGate(max_concurrency=1, policy=RetryPolicy(attempts=2, total_seconds=900))


def chat(base_url: str, *, max_tokens: int, **settings: Any) -> ChatOpenAI:
    return ChatOpenAI(
        model=MODEL,
        base_url=base_url,
        api_key="local",
        timeout=300,
        max_retries=0,
        extra_body={"max_tokens": max_tokens},
        **settings,
    )


def drafting(base_url: str, version: str) -> DraftingPipeline:
    drafter = LLMDrafter(
        chat(base_url, temperature=0.0, max_tokens=400),
        model_name=MODEL,
        prompts=load_drafter_prompts(version),
        gate=GATE,
        method="function_calling",
    )
    return DraftingPipeline(drafter, Composer(), repairs=0)


def test_a_worse_prompt_is_caught_with_the_cases_that_regressed(
    local_llm: str, composer_environment: Environment, tmp_path: Path
) -> None:
    suite = load_suite("smoke")
    with caching(DiskCache(tmp_path / "cache")):
        good = run_suite(suite, replace(composer_environment, drafting=drafting(local_llm, "v1")))
        worse = run_suite(suite, replace(composer_environment, drafting=drafting(local_llm, "v0-worse")))

    versions = {d["prompt_version"] for c in worse["cases"] for d in c["drafts"] if d["body"]}
    assert versions == {"drafter-v0-worse"}
    comparison = compare(good, worse)
    regressed = [m for m in comparison.regressed if m.group in {"quality", "guardrails"}]
    assert regressed, [(m.name, m.baseline, m.candidate, m.interval) for m in comparison.metrics]
    assert len(comparison.regressed_cases) >= 3
    assert all(change.worse for change in comparison.regressed_cases)
    print(  # the figures, for the closing note (pytest -s)
        "\nregressed:",
        [(m.name, round(m.baseline, 3), round(m.candidate, 3)) for m in comparison.regressed],
        "\ncases:",
        [(c.id, c.worse) for c in comparison.regressed_cases],
    )


def test_the_judge_runs_three_samples_and_reports_its_agreement_honestly(
    local_llm: str, composer_environment: Environment
) -> None:
    suite = load_suite("smoke")
    one = replace(suite, scenarios=suite.scenarios[:1])
    rubric = load_rubric(suite.model.judge.rubric)
    judge = Judge(
        chat(local_llm, temperature=0.7, max_tokens=MAX_TOKENS),
        model_name=MODEL,
        rubric=rubric,
        identity=suite.identity,
        gate=GATE,
        method="function_calling",
        samples=3,
    )
    labels = load_labels(
        suite.human_labels_path or Path(),
        rubric,
        set(suite.catalogue),
        ("h01-salon-ack-good", "h02-salon-ack-filler"),
    )
    env = replace(composer_environment, judge=judge, labels=labels)

    result = run_suite(one, env)

    section = result["judge"]
    assert section["status"] == "run" and section["samples"] == 3
    judged = [d["judge"] for c in result["cases"] for d in c["drafts"]] + [
        i["judge"] for i in section["labelled"]
    ]
    assert len(judged) == 3
    for judgement in judged:
        assert len(judgement["samples"]) == 3
        for sample in judgement["samples"]:
            assert (sample["scores"] is None) != (sample["error"] is None)  # a score or an error, never both
            if sample["scores"]:
                assert set(sample["scores"]) == set(rubric.ids)
                assert all(1 <= s <= 5 for s in sample["scores"].values())
        answered = [s for s in judgement["samples"] if s["scores"]]
        assert judgement["judged"] == (len(answered) >= 2)
    errors = sum(len(j["errors"]) for j in judged)
    assert result["errors"]["errors"] == errors
    assert result["verdict"]["exit_code"] == (3 if errors else 0)  # the smoke suite sets no thresholds
    overall = section["agreement"]["overall"]
    assert overall["items"] == 5 * sum(1 for i in section["labelled"] if i["judge"]["judged"])
    print("\njudge:", [j["majority"] or j["errors"] for j in judged], "\nagreement:", overall)
