"""A run's result: metrics over the cases, thresholds, errors, coverage and the verdict, as plain JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from evals.quality.agreement import agreement
from evals.quality.environment import Environment
from evals.quality.judge import Judge, Judgement
from evals.quality.metrics import JUDGE_SPREAD, SPECS, MetricSpec, aggregate, judge_spec
from evals.quality.scenarios import Suite

RESULT_FORMAT = "touchpoint-eval/1"
EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_USAGE, EXIT_MODEL_ERRORS = 0, 1, 2, 3


def metric_specs(env_judge: Judge | None) -> dict[str, MetricSpec]:
    specs = dict(SPECS)
    if env_judge is not None:
        for criterion in env_judge.rubric.criteria:
            specs[f"judge.{criterion.id}"] = judge_spec(criterion.id, criterion.label)
        specs[JUDGE_SPREAD.name] = JUDGE_SPREAD
    return specs


def known_metric(name: str) -> bool:
    return name in SPECS or name.startswith("judge.")


def assemble(
    suite: Suite,
    env: Environment,
    cases: list[dict[str, Any]],
    judged: Mapping[str, Judgement],
    *,
    started_at: datetime,
    seconds: float,
) -> dict[str, Any]:
    specs = metric_specs(env.judge)
    values = aggregate(cases)
    metrics = {
        name: {
            **value,
            "label": specs[name].label,
            "group": specs[name].group,
            "direction": specs[name].direction,
            "scale": specs[name].scale,
            "case_tolerance": specs[name].case_tolerance,
        }
        for name, value in sorted(values.items(), key=lambda item: _order(specs, item[0]))
        if name in specs
    }
    judge_section = _judge_section(env, judged)
    for name, found in judge_section.get("agreement", {}).items():
        if found["kappa"] is not None:
            metrics[f"judge.kappa.{name}"] = {
                "value": found["kappa"],
                "label": f"judge vs people: Cohen's kappa ({name})",
                "group": "judge",
                "direction": "higher",
                "scale": 1.0,
                "case_tolerance": 0.0,
                "items": found["items"],
            }
    calls = sum(c["model_calls"] for c in cases) + sum(len(j.samples) for j in judged.values())
    errors = sum(len(c["model_errors"]) for c in cases) + sum(len(j.errors) for j in judged.values())
    errors += sum(len(c["errors"]) for c in cases)
    error_rate = errors / calls if calls else (1.0 if errors else 0.0)
    thresholds = check_thresholds(suite, metrics)
    quality_ok = all(t["passed"] is not False for t in thresholds)
    errors_ok = error_rate <= suite.model.max_error_rate and not any(c["errors"] for c in cases)
    exit_code = EXIT_MODEL_ERRORS if not errors_ok else EXIT_OK if quality_ok else EXIT_BELOW_THRESHOLD
    return {
        "format": RESULT_FORMAT,
        "suite": {
            "name": suite.name,
            "file": str(suite.path),
            "description": suite.model.description,
            "scenarios": len(suite.scenarios),
            "knowledge": suite.model.knowledge,
        },
        "run": {
            "started_at": started_at.isoformat(timespec="seconds"),
            "seconds": round(seconds, 2),
            **env.describe,
        },
        "judge": judge_section,
        "metrics": metrics,
        "thresholds": thresholds,
        "errors": {
            "model_calls": calls,
            "errors": errors,
            "error_rate": error_rate,
            "max_error_rate": suite.model.max_error_rate,
        },
        "coverage": coverage(cases),
        "verdict": {
            "exit_code": exit_code,
            "quality_passed": quality_ok,
            "errors_within_limit": errors_ok,
            "summary": _verdict_line(exit_code, thresholds, error_rate, suite.model.max_error_rate),
        },
        "cases": cases,
    }


def _order(specs: Mapping[str, MetricSpec], name: str) -> int:
    """Metrics in the order the registry lists them (the order of the report and the terminal)."""
    return list(specs).index(name) if name in specs else len(specs)


def check_thresholds(suite: Suite, metrics: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each threshold of the suite against the run; one on a metric this run did not measure is not gated."""
    checked: list[dict[str, Any]] = []
    for name, threshold in suite.model.thresholds.items():
        metric = metrics.get(name)
        row: dict[str, Any] = {"metric": name, "limit": threshold.describe(), "value": None, "passed": None}
        if metric is None:
            row["status"] = "not measured in this run"
        else:
            value = float(metric["value"])
            passed = threshold.holds(value)
            row.update(value=value, passed=passed, status="passed" if passed else "below threshold")
        checked.append(row)
    return checked


def _judge_section(env: Environment, judged: Mapping[str, Judgement]) -> dict[str, Any]:
    judge = env.judge
    if judge is None:
        return {"status": "not run", "reason": env.judge_skipped}
    section: dict[str, Any] = {
        "status": "run",
        "model": judge.model_name,
        "rubric": judge.rubric.version,
        "criteria": {c.id: c.label for c in judge.rubric.criteria},
        "samples": judge.samples,
    }
    if env.labels is not None:
        found = agreement(env.labels.items, judged, judge.rubric.ids)
        section["labelled_by"] = env.labels.labelled_by
        section["agreement"] = {name: a.as_dict() for name, a in found.items()}
        section["labelled"] = [
            {"id": item.id, "human": item.scores, "judge": judged[item.id].as_dict()}
            for item in env.labels.items
        ]
    return section


def coverage(cases: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many scenarios of each kind: industry, stage, tone, channel, hard case."""
    found: dict[str, dict[str, int]] = {"industry": {}, "stage": {}, "tone": {}, "channel": {}, "tag": {}}
    for case in cases:
        for dimension, values in (
            ("industry", [case["industry"]]),
            ("stage", [case["stage"]]),
            ("tone", [case["tone"]]),
            ("channel", case["channels"]),
            ("tag", case["tags"]),
        ):
            for value in values:
                found[dimension][value] = found[dimension].get(value, 0) + 1
    return {k: dict(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in found.items()}


def _verdict_line(exit_code: int, thresholds: list[dict[str, Any]], error_rate: float, limit: float) -> str:
    if exit_code == EXIT_MODEL_ERRORS:
        return f"judge or model errors: {error_rate:.1%} of model calls failed (limit {limit:.0%}); not gated"
    failed = [t["metric"] for t in thresholds if t["passed"] is False]
    if failed:
        return "quality below threshold: " + ", ".join(failed)
    return "every threshold met"
