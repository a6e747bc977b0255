"""The suites against a REAL local model: llama.cpp's server with SmolLM2-135M, started on loopback.

What only a real model shows: a deliberately worse prompt version (prompts/drafter-v0-worse.yaml, a test
artefact) must be caught by `compare`, with the cases that regressed listed. The judge on the same model
is tested in test_quality_local_judge.py (a file of its own, so that the two long tests can run on two
pytest workers at once).

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
from evals.quality.cache import DiskCache, caching
from evals.quality.compare import compare
from evals.quality.environment import Environment
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
