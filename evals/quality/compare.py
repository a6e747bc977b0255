"""Compare two runs of a suite: per-metric deltas with bootstrap intervals, and the cases that regressed.

Runs are paired case by case (by scenario id): every metric is a ratio of sums over cases, so the
interval comes from resampling the shared cases together (``stats.paired_bootstrap``). A metric has
*regressed* when its whole 95% interval lies on the worse side of zero, *improved* when on the better
side; otherwise the runs are not told apart at this size. A case has regressed when one of its own
measurements got worse by more than the metric's per-case tolerance, or it fails something it passed.
The judge's agreement with people is compared over the labelled drafts both runs judged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.quality.result import RESULT_FORMAT
from evals.quality.scenarios import SuiteError
from evals.quality.stats import Interval, bootstrap_agreement, cohen_kappa, paired_bootstrap


@dataclass(frozen=True, slots=True)
class MetricDelta:
    name: str
    label: str
    group: str
    direction: str | None
    baseline: float
    candidate: float
    interval: Interval | None

    @property
    def delta(self) -> float:
        return self.candidate - self.baseline

    @property
    def verdict(self) -> str:
        if self.direction is None or self.interval is None or not self.interval.excludes_zero:
            return "informational" if self.direction is None else "no clear change"
        better = self.interval.low > 0 if self.direction == "higher" else self.interval.high < 0
        return "improved" if better else "regressed"

    def as_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "metric": self.name,
            "label": self.label,
            "baseline": self.baseline,
            "candidate": self.candidate,
            "delta": self.delta,
            "ci95": [interval.low, interval.high] if interval else None,
            "verdict": self.verdict,
        }


@dataclass(frozen=True, slots=True)
class CaseChange:
    id: str
    title: str
    worse: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    baseline: Mapping[str, Any]
    candidate: Mapping[str, Any]
    metrics: tuple[MetricDelta, ...]
    regressed_cases: tuple[CaseChange, ...]
    improved_cases: int
    shared_cases: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def regressed(self) -> list[MetricDelta]:
        return [m for m in self.metrics if m.verdict == "regressed"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "candidate": self.candidate,
            "shared_cases": self.shared_cases,
            "warnings": list(self.warnings),
            "metrics": [m.as_dict() for m in self.metrics],
            "regressed_metrics": [m.name for m in self.regressed],
            "regressed_cases": [
                {"id": c.id, "title": c.title, "worse": list(c.worse)} for c in self.regressed_cases
            ],
            "improved_cases": self.improved_cases,
        }


def load_result(path: Path) -> dict[str, Any]:
    """A result.json, or a run folder that holds one."""
    file = path / "result.json" if path.is_dir() else path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"cannot read the run result {file}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SuiteError(f"{file} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != RESULT_FORMAT:
        raise SuiteError(f"{file} is not a result of `touchpoint eval run` (format {RESULT_FORMAT})")
    return data


def compare(baseline: Mapping[str, Any], candidate: Mapping[str, Any]) -> Comparison:
    base_cases = {c["id"]: c for c in baseline["cases"]}
    cand_cases = {c["id"]: c for c in candidate["cases"]}
    shared = [i for i in base_cases if i in cand_cases]
    if not shared:
        raise SuiteError("the two runs share no scenario: compare runs of the same suite")
    warnings = []
    if baseline["suite"]["name"] != candidate["suite"]["name"]:
        warnings.append(
            f"different suites ({baseline['suite']['name']} and {candidate['suite']['name']}): "
            "only the shared scenarios are compared"
        )
    missing = len(base_cases) + len(cand_cases) - 2 * len(shared)
    if missing:
        warnings.append(f"{missing} scenario(s) ran in only one of the runs and are left out")
    deltas = []
    for name, metric in baseline["metrics"].items():
        other = candidate["metrics"].get(name)
        if other is None or name.startswith("judge.kappa."):
            continue
        base = [_tally(base_cases[i], name) for i in shared]
        cand = [_tally(cand_cases[i], name) for i in shared]
        if not any(b[1] for b in base) or not any(c[1] for c in cand):
            continue
        interval = paired_bootstrap(base, cand)
        deltas.append(
            MetricDelta(
                name=name,
                label=metric["label"],
                group=metric["group"],
                direction=metric["direction"],
                baseline=_ratio(base),
                candidate=_ratio(cand),
                interval=interval,
            )
        )
    deltas += _agreement_deltas(baseline, candidate)
    regressed, improved = _case_changes(base_cases, cand_cases, shared, baseline["metrics"])
    return Comparison(
        baseline=_describe(baseline),
        candidate=_describe(candidate),
        metrics=tuple(deltas),
        regressed_cases=tuple(regressed),
        improved_cases=improved,
        shared_cases=len(shared),
        warnings=tuple(warnings),
    )


def _tally(case: Mapping[str, Any], name: str) -> tuple[float, float]:
    num, den = case["metrics"].get(name, (0.0, 0.0))
    return float(num), float(den)


def _ratio(tallies: Sequence[tuple[float, float]]) -> float:
    den = sum(d for _, d in tallies)
    return sum(n for n, _ in tallies) / den if den else 0.0


def _agreement_deltas(baseline: Mapping[str, Any], candidate: Mapping[str, Any]) -> list[MetricDelta]:
    """Kappa of each judge against the people, over the labelled drafts both judges scored."""
    base_items = {i["id"]: i for i in baseline["judge"].get("labelled", [])}
    cand_items = {i["id"]: i for i in candidate["judge"].get("labelled", [])}
    both = [
        i
        for i in base_items
        if i in cand_items and base_items[i]["judge"]["judged"] and cand_items[i]["judge"]["judged"]
    ]
    if len(both) < 2:
        return []
    criteria = list(base_items[both[0]]["human"])
    found = []
    for criterion in [*criteria, "overall"]:
        names = criteria if criterion == "overall" else [criterion]
        humans = [base_items[i]["human"][c] for i in both for c in names]
        base = [base_items[i]["judge"]["majority"][c] for i in both for c in names]
        cand = [cand_items[i]["judge"]["majority"][c] for i in both for c in names]
        base_kappa, cand_kappa = cohen_kappa(humans, base), cohen_kappa(humans, cand)
        if base_kappa is None or cand_kappa is None:
            continue
        found.append(
            MetricDelta(
                name=f"judge.kappa.{criterion}",
                label=f"judge vs people: Cohen's kappa ({criterion})",
                group="judge",
                direction="higher",
                baseline=base_kappa,
                candidate=cand_kappa,
                interval=bootstrap_agreement(humans, base, cand, cohen_kappa),
            )
        )
    return found


def _case_changes(
    base_cases: Mapping[str, Mapping[str, Any]],
    cand_cases: Mapping[str, Mapping[str, Any]],
    shared: Sequence[str],
    specs: Mapping[str, Mapping[str, Any]],
) -> tuple[list[CaseChange], int]:
    regressed = []
    improved = 0
    for case_id in shared:
        base, cand = base_cases[case_id], cand_cases[case_id]
        worse: list[str] = []
        better = False
        for name, spec in specs.items():
            direction = spec.get("direction")
            if direction is None or name not in base["metrics"] or name not in cand["metrics"]:
                continue
            (bn, bd), (cn, cd) = base["metrics"][name], cand["metrics"][name]
            if not bd or not cd:
                continue
            before, after = bn / bd, cn / cd
            change = (after - before) if direction == "higher" else (before - after)
            tolerance = float(spec.get("case_tolerance", 0.0))
            if change < -tolerance - 1e-9:
                worse.append(f"{name}: {before:.3g} -> {after:.3g}")
            elif change > tolerance + 1e-9:
                better = True
        new = [f for f in cand["failures"] if f not in set(base["failures"])]
        worse += [f"new: {f}" for f in new]
        worse += [
            f"error: {e}" for e in cand["model_errors"] + cand["errors"] if e not in base["model_errors"]
        ]
        if worse:
            regressed.append(CaseChange(case_id, cand["title"], tuple(worse)))
        elif better:
            improved += 1
    regressed.sort(key=lambda c: (-len(c.worse), c.id))
    return regressed, improved


def _describe(result: Mapping[str, Any]) -> dict[str, Any]:
    run = result["run"]
    return {
        "suite": result["suite"]["name"],
        "drafter": run.get("drafter"),
        "model": run.get("model"),
        "prompt_version": run.get("prompt_version"),
        "judge": result["judge"].get("model") if result["judge"]["status"] == "run" else None,
        "started_at": run.get("started_at"),
    }
