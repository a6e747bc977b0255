"""`eval compare`: per-metric deltas with bootstrap intervals, and the cases that regressed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from evals.quality.compare import compare
from evals.quality.scenarios import SuiteError


def worse(result: dict[str, Any], cases: int) -> dict[str, Any]:
    """The same run, but the first ``cases`` drafted cases lost their groundedness."""
    candidate = copy.deepcopy(result)
    candidate["run"]["prompt_version"] = "worse"
    changed = 0
    for case in candidate["cases"]:
        if changed == cases or "groundedness" not in case["metrics"]:
            continue
        drafts = case["metrics"]["groundedness"][1]
        case["metrics"]["groundedness"] = [0.0, drafts]
        case["failures"].append("acknowledgment: guardrails: grounded.number")
        changed += 1
    return candidate


class TestCompare:
    def test_identical_runs_show_no_change(self, default_result: dict[str, Any]) -> None:
        comparison = compare(default_result, default_result)

        assert comparison.regressed == [] and comparison.regressed_cases == ()
        assert all(m.delta == 0 for m in comparison.metrics)

    def test_a_broad_regression_is_caught_with_its_cases(self, default_result: dict[str, Any]) -> None:
        comparison = compare(default_result, worse(default_result, 30))

        regressed = {m.name: m for m in comparison.regressed}
        assert list(regressed) == ["groundedness"]
        interval = regressed["groundedness"].interval
        assert interval is not None and interval.high < 0 < 1 + interval.low
        assert len(comparison.regressed_cases) == 30
        first = comparison.regressed_cases[0]
        assert "groundedness: 1 -> 0" in first.worse
        assert "new: acknowledgment: guardrails: grounded.number" in first.worse

    def test_one_bad_case_is_listed_but_is_not_a_significant_regression(
        self, default_result: dict[str, Any]
    ) -> None:
        comparison = compare(default_result, worse(default_result, 1))

        assert comparison.regressed == []
        assert len(comparison.regressed_cases) == 1
        groundedness = next(m for m in comparison.metrics if m.name == "groundedness")
        assert groundedness.delta < 0 and groundedness.verdict == "no clear change"

    def test_informational_metrics_never_regress(self, default_result: dict[str, Any]) -> None:
        candidate = copy.deepcopy(default_result)
        for case in candidate["cases"]:
            if "words.email" in case["metrics"]:
                case["metrics"]["words.email"][0] *= 2

        words = next(m for m in compare(default_result, candidate).metrics if m.name == "words.email")

        assert words.delta > 0 and words.verdict == "informational"

    def test_runs_of_unrelated_suites_are_refused(self, default_result: dict[str, Any]) -> None:
        other = copy.deepcopy(default_result)
        for case in other["cases"]:
            case["id"] = "x-" + case["id"]

        with pytest.raises(SuiteError, match="share no scenario"):
            compare(default_result, other)

    def test_judge_agreement_is_compared_over_the_labelled_drafts(
        self, default_result: dict[str, Any]
    ) -> None:
        def with_judge(scores: list[int]) -> dict[str, Any]:
            result = copy.deepcopy(default_result)
            result["judge"] = {
                "status": "run",
                "labelled": [
                    {"id": f"h{i}", "human": {"value": human},
                     "judge": {"judged": True, "majority": {"value": score}}}
                    for i, (human, score) in enumerate(zip([1, 2, 3, 4, 5] * 4, scores, strict=True))
                ],
            }  # fmt: skip
            return result

        agreeing = with_judge([1, 2, 3, 4, 5] * 4)
        random = with_judge([3, 5, 1, 2, 4] * 4)

        kappa = next(m for m in compare(agreeing, random).metrics if m.name == "judge.kappa.value")
        assert kappa.baseline == 1.0 and kappa.verdict == "regressed"
