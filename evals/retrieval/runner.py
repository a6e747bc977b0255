"""Run the labelled lead situations through retrieval and score what came back.

Each case is queried the way the agent queries for a real lead (``RetrievalQuery.for_lead``), once with
``k=3``, which is what a draft gets, and once with ``k=10`` for the rank of the first expected document.
recall@3 is the share of a case's expected documents in its top three; MRR is the mean of 1/rank of the
first expected document in the top ten (0 when none is there). Both are averaged over cases, so a case
with two expected documents weighs as much as one with one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

from knowledge.documents import KnowledgeDocument
from knowledge.types import PURPOSE_TYPES, RetrievalQuery, Retriever

DEFAULT_CASES: Final = Path(__file__).with_name("cases.yaml")
K: Final = 3
RANK_DEPTH: Final = 10
TARGET_RECALL: Final = 0.90

ProgressCallback = Callable[[int, int], None]


class CaseFileError(ValueError):
    """The cases file is malformed; the message names the case and the field to fix."""


@dataclass(frozen=True, slots=True)
class LeadSituation:
    industry: str | None = None
    need: str | None = None
    inquiry: str | None = None
    services: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    purpose: str
    lead: LeadSituation
    expected: tuple[str, ...]
    today: date
    already_sent: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()
    why: str = ""

    def query(self, k: int) -> RetrievalQuery:
        return RetrievalQuery.for_lead(
            need=self.lead.need,
            inquiry=self.lead.inquiry,
            purpose=self.purpose,
            industry=self.lead.industry,
            services=self.lead.services,
            already_sent=self.already_sent,
            k=k,
            today=self.today,
        )


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    top: tuple[str, ...]  # the ids retrieved with k=3, best first
    ranking: tuple[str, ...]  # the ids retrieved with k=RANK_DEPTH, best first

    @property
    def found(self) -> tuple[str, ...]:
        return tuple(d for d in self.case.expected if d in self.top)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(d for d in self.case.expected if d not in self.top)

    @property
    def recall(self) -> float:
        return len(self.found) / len(self.case.expected)

    @property
    def first_rank(self) -> int | None:
        ranks = [self.ranking.index(d) + 1 for d in self.case.expected if d in self.ranking]
        return min(ranks) if ranks else None

    @property
    def reciprocal_rank(self) -> float:
        rank = self.first_rank
        return 1.0 / rank if rank else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    cases: int
    recall: float
    mrr: float


def score(results: Sequence[CaseResult]) -> Score:
    if not results:
        return Score(0, 0.0, 0.0)
    n = len(results)
    return Score(n, sum(r.recall for r in results) / n, sum(r.reciprocal_rank for r in results) / n)


@dataclass(frozen=True, slots=True)
class Report:
    results: tuple[CaseResult, ...]
    target: float = TARGET_RECALL
    overall: Score = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "overall", score(self.results))

    @property
    def passed(self) -> bool:
        return self.overall.recall >= self.target

    def by_purpose(self) -> dict[str, Score]:
        return _grouped(self.results, lambda r: [r.case.purpose])

    def by_tag(self) -> dict[str, Score]:
        """Scores of the hard cases (typos, vague, ...), and of the plain ones as ``plain``."""
        return _grouped(self.results, lambda r: list(r.case.tags) or ["plain"])

    def to_json(self) -> dict[str, Any]:
        def group(scores: Mapping[str, Score]) -> dict[str, Any]:
            return {
                name: {"cases": s.cases, "recall_at_3": s.recall, "mrr": s.mrr} for name, s in scores.items()
            }

        return {
            "k": K,
            "rank_depth": RANK_DEPTH,
            "cases": self.overall.cases,
            "recall_at_3": self.overall.recall,
            "mrr": self.overall.mrr,
            "target_recall_at_3": self.target,
            "passed": self.passed,
            "by_purpose": group(self.by_purpose()),
            "by_tag": group(self.by_tag()),
            "results": [
                {
                    "id": r.case.id,
                    "purpose": r.case.purpose,
                    "industry": r.case.lead.industry,
                    "tags": list(r.case.tags),
                    "expected": list(r.case.expected),
                    "retrieved": list(r.top),
                    "missing": list(r.missing),
                    "recall_at_3": r.recall,
                    "first_rank": r.first_rank,
                    "reciprocal_rank": r.reciprocal_rank,
                }
                for r in self.results
            ],
        }

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _grouped(results: Iterable[CaseResult], keys: Callable[[CaseResult], list[str]]) -> dict[str, Score]:
    groups: dict[str, list[CaseResult]] = {}
    for result in results:
        for key in keys(result):
            groups.setdefault(key, []).append(result)
    return {key: score(group) for key, group in sorted(groups.items())}


def evaluate(
    retriever: Retriever,
    cases: Sequence[Case],
    *,
    target: float = TARGET_RECALL,
    on_progress: ProgressCallback | None = None,
) -> Report:
    results: list[CaseResult] = []
    for done, case in enumerate(cases, 1):
        top = tuple(s.id for s in retriever.retrieve(case.query(K)))
        ranking = tuple(s.id for s in retriever.retrieve(case.query(RANK_DEPTH)))
        results.append(CaseResult(case=case, top=top, ranking=ranking))
        if on_progress:
            on_progress(done, len(cases))
    return Report(results=tuple(results), target=target)


def check_labels(cases: Sequence[Case], documents: Mapping[str, KnowledgeDocument]) -> list[str]:
    """Labels that cannot be right for this knowledge folder: a miss there would measure the labels.

    An expected document must exist, be of a type the purpose retrieves, and not be one already sent.
    """
    problems: list[str] = []
    for case in cases:
        types = PURPOSE_TYPES[case.purpose]
        for document_id in case.expected:
            document = documents.get(document_id)
            if document is None:
                problems.append(f"{case.id}: expected {document_id!r} is not in the knowledge folder")
            elif document.type not in types:
                problems.append(
                    f"{case.id}: expected {document_id!r} is a {document.type.value}, which purpose "
                    f"{case.purpose!r} never retrieves"
                )
            if document_id in case.already_sent:
                problems.append(f"{case.id}: {document_id!r} is both expected and already sent")
        problems.extend(
            f"{case.id}: already_sent {d!r} is not in the knowledge folder"
            for d in sorted(case.already_sent)
            if d not in documents
        )
    return problems


def load_cases(path: Path = DEFAULT_CASES) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseFileError(f"cannot read the cases file {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise CaseFileError(f"{path} must be a mapping with a `cases:` list (see evals/retrieval/cases.yaml)")
    default_today = data.get("today")
    cases = [_case(raw, n, default_today, path) for n, raw in enumerate(data["cases"], 1)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise CaseFileError(f"{path}: case id {case.id!r} is used twice; ids must be unique")
        seen.add(case.id)
    return cases


def _case(raw: object, n: int, default_today: object, path: Path) -> Case:
    where = f"{path}: case {n}"
    if not isinstance(raw, dict):
        raise CaseFileError(f"{where} must be a mapping with id, purpose, lead and expected")
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseFileError(f"{where} needs an `id`")
    where = f"{path}: case {case_id!r}"
    unknown = set(raw) - {"id", "purpose", "lead", "expected", "already_sent", "tags", "why", "today"}
    if unknown:
        raise CaseFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    purpose = raw.get("purpose")
    if purpose not in PURPOSE_TYPES:
        raise CaseFileError(f"{where}: `purpose` must be one of {', '.join(PURPOSE_TYPES)} (got {purpose!r})")
    lead = raw.get("lead") or {}
    if not isinstance(lead, dict) or set(lead) - {"industry", "need", "inquiry", "services"}:
        raise CaseFileError(f"{where}: `lead` takes industry, need, inquiry and services")
    expected = _ids(raw.get("expected"), "expected", where)
    if not expected:
        raise CaseFileError(f"{where}: `expected` must list at least one document id")
    today = raw.get("today", default_today)
    if not isinstance(today, date):
        raise CaseFileError(f"{where}: `today` must be a date written YYYY-MM-DD (per case or at the top)")
    return Case(
        id=case_id,
        purpose=str(purpose),
        lead=LeadSituation(
            industry=_optional_text(lead.get("industry"), "lead.industry", where),
            need=_optional_text(lead.get("need"), "lead.need", where),
            inquiry=_optional_text(lead.get("inquiry"), "lead.inquiry", where),
            services=_ids(lead.get("services"), "lead.services", where),
        ),
        expected=expected,
        today=today,
        already_sent=frozenset(_ids(raw.get("already_sent"), "already_sent", where)),
        tags=_ids(raw.get("tags"), "tags", where),
        why=_optional_text(raw.get("why"), "why", where) or "",
    )


def _ids(value: object, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CaseFileError(f"{where}: `{name}` must be a list of text, e.g. [faqs/pricing]")
    return tuple(v.strip() for v in value)


def _optional_text(value: object, name: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CaseFileError(f"{where}: `{name}` must be text (quote it)")
    return value
