"""How far to trust the judge: its scores against people's, on drafts people scored with the same rubric.

``human_labels.yaml`` holds drafts (good, mediocre and bad, for leads of the scenarios) each scored by
a person on every rubric criterion. The judge scores the same drafts; Cohen's kappa per criterion says
how much more they agree than chance would (1 perfect, 0 chance, below 0 worse than chance). The
quadratic-weighted kappa is reported beside it, because a 4 against a 5 is a smaller disagreement
than a 1 against a 5, and the plain kappa counts both the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.domain import Channel, TouchPurpose
from evals.guardrails.cases import validation_message
from evals.quality.judge import Judgement, Rubric
from evals.quality.scenarios import SuiteError
from evals.quality.stats import cohen_kappa


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    scenario: str  # whose lead it was written for (the scenario's lead)
    purpose: TouchPurpose
    channel: Channel = Channel.EMAIL
    sources: tuple[str, ...] = ()  # knowledge document ids the writer had
    subject: str | None = None
    body: str
    scores: dict[str, int]
    note: str = ""  # the labeller's reasoning, for the scores that could be argued


class LabelFile(_Strict):
    rubric: str  # the rubric version the people scored with
    labelled_by: str
    items: list[LabelModel]


@dataclass(frozen=True, slots=True)
class Labels:
    rubric: str
    labelled_by: str
    items: tuple[LabelModel, ...]


def load_labels(path: Path, rubric: Rubric, scenario_ids: set[str], only: Sequence[str] = ()) -> Labels:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = LabelFile.model_validate(data)
    except OSError as exc:
        raise SuiteError(f"cannot read the human labels {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise SuiteError(f"{path} is not valid YAML: {exc}") from None
    except ValidationError as exc:
        raise SuiteError(f"{path}: {validation_message(exc)}") from None
    if labels.rubric != rubric.version:
        raise SuiteError(
            f"{path} was scored with rubric {labels.rubric}, the judge uses {rubric.version}: "
            "re-label the drafts with the new rubric (or judge with the old one)"
        )
    criteria = set(rubric.ids)
    for item in labels.items:
        if item.scenario not in scenario_ids:
            raise SuiteError(f"{path}: item {item.id!r} names an unknown scenario {item.scenario!r}")
        if set(item.scores) != criteria or not all(1 <= s <= 5 for s in item.scores.values()):
            raise SuiteError(
                f"{path}: item {item.id!r} needs a 1-5 score for each of {', '.join(rubric.ids)}"
            )
    items = labels.items
    if only:
        known = {i.id for i in items}
        missing = [i for i in only if i not in known]
        if missing:
            raise SuiteError(f"{path}: the suite asks for unknown labelled item(s) {', '.join(missing)}")
        items = [i for i in items if i.id in only]
    return Labels(labels.rubric, labels.labelled_by, tuple(items))


@dataclass(frozen=True, slots=True)
class CriterionAgreement:
    criterion: str
    items: int
    kappa: float | None
    weighted_kappa: float | None
    exact: float  # share of items where the judge's majority equals the person's score
    mean_abs_diff: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "items": self.items,
            "kappa": self.kappa,
            "weighted_kappa": self.weighted_kappa,
            "exact": self.exact,
            "mean_abs_diff": self.mean_abs_diff,
        }


def agreement(
    labels: Sequence[LabelModel], judgements: Mapping[str, Judgement], criteria: Sequence[str]
) -> dict[str, CriterionAgreement]:
    """Per criterion, and ``overall`` (every criterion's pairs pooled), over the items the judge scored."""
    pairs: dict[str, list[tuple[int, int]]] = {c: [] for c in criteria}
    for item in labels:
        judgement = judgements.get(item.id)
        if judgement is None or not judgement.judged:
            continue
        for criterion in criteria:
            pairs[criterion].append((item.scores[criterion], judgement.majority[criterion]))
    pairs["overall"] = [pair for c in criteria for pair in pairs[c]]
    return {name: _agreement(name, found) for name, found in pairs.items()}


def _agreement(name: str, pairs: list[tuple[int, int]]) -> CriterionAgreement:
    if not pairs:
        return CriterionAgreement(name, 0, None, None, 0.0, 0.0)
    people = [p for p, _ in pairs]
    judge = [j for _, j in pairs]
    return CriterionAgreement(
        criterion=name,
        items=len(pairs),
        kappa=cohen_kappa(people, judge),
        weighted_kappa=cohen_kappa(people, judge, weights="quadratic"),
        exact=sum(p == j for p, j in pairs) / len(pairs),
        mean_abs_diff=sum(abs(p - j) for p, j in pairs) / len(pairs),
    )
