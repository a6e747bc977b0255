"""The quality judge against a REAL local model: llama.cpp's server with SmolLM2-135M, started on loopback.

The judge must run end to end (three samples per draft through structured output, majority and spread,
agreement with people) and report what the tiny model does, errors included, without inventing a score.
SmolLM2-135M judges badly: the assertions are about the machinery, never about the model being good.
The model's settings are test_quality_local_model.py's (a file of its own so that it can run on another
pytest worker than the worse-prompt comparison, the longest test of the suite).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from evals.quality.agreement import load_labels
from evals.quality.environment import Environment
from evals.quality.judge import MAX_TOKENS, Judge, load_rubric
from evals.quality.runner import run_suite
from evals.quality.scenarios import load_suite
from tests.evals.test_quality_local_model import GATE, MODEL, chat


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
