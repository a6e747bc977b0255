"""Run every labelled draft through the guardrails and score each check by precision and recall.

A case's prediction is the set of codes ``agent.guardrails.run_checks`` reports for it (a code reported
twice counts once). Per code: a true positive is a case that expects it and got it, a false positive a
case that got it without expecting it, a false negative one that expected it and did not get it.
Overall recall is micro-averaged over every (case, expected code) pair, so a check with many labelled
cases weighs more. The false-block rate is the share of good drafts (nothing expected) that got any
violation at all: each one is a message a rep would have sent that the agent would hold back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from agent.guardrails import run_checks
from agent.guardrails.meaning import Meaning
from evals.guardrails.cases import CODES, Case

TARGET_RECALL: Final = 0.95
TARGET_FALSE_BLOCKS: Final = 0.05

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    got: frozenset[str]
    messages: tuple[str, ...] = ()  # "code: message" of every violation, for reading a miss

    @property
    def missed(self) -> frozenset[str]:
        return self.case.expect - self.got

    @property
    def extra(self) -> frozenset[str]:
        return self.got - self.case.expect

    @property
    def exact(self) -> bool:
        return self.got == self.case.expect

    @property
    def false_block(self) -> bool:
        return self.case.good and bool(self.got)


@dataclass(frozen=True, slots=True)
class CodeScore:
    code: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def support(self) -> int:
        """Cases labelled with this code."""
        return self.true_positives + self.false_negatives

    @property
    def precision(self) -> float | None:
        fired = self.true_positives + self.false_positives
        return self.true_positives / fired if fired else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.support if self.support else None


def score_codes(results: Iterable[CaseResult]) -> dict[str, CodeScore]:
    results = list(results)
    codes = sorted(CODES | {code for r in results for code in r.got})
    return {
        code: CodeScore(
            code,
            true_positives=sum(1 for r in results if code in r.case.expect and code in r.got),
            false_positives=sum(1 for r in results if code not in r.case.expect and code in r.got),
            false_negatives=sum(1 for r in results if code in r.case.expect and code not in r.got),
        )
        for code in codes
    }


@dataclass(frozen=True, slots=True)
class Report:
    results: tuple[CaseResult, ...]
    target_recall: float = TARGET_RECALL
    target_false_blocks: float = TARGET_FALSE_BLOCKS
    codes: dict[str, CodeScore] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", score_codes(self.results))

    @property
    def good(self) -> list[CaseResult]:
        return [r for r in self.results if r.case.good]

    @property
    def bad(self) -> list[CaseResult]:
        return [r for r in self.results if not r.case.good]

    @property
    def recall(self) -> float:
        """Micro-averaged over every expected (case, code) pair."""
        expected = sum(s.support for s in self.codes.values())
        found = sum(s.true_positives for s in self.codes.values())
        return found / expected if expected else 1.0

    @property
    def precision(self) -> float:
        found = sum(s.true_positives for s in self.codes.values())
        fired = found + sum(s.false_positives for s in self.codes.values())
        return found / fired if fired else 1.0

    @property
    def false_block_rate(self) -> float:
        good = self.good
        return sum(1 for r in good if r.false_block) / len(good) if good else 0.0

    @property
    def bad_blocked_rate(self) -> float:
        """Bad drafts held back for any reason: what stands between a bad draft and a lead."""
        bad = self.bad
        return sum(1 for r in bad if r.got) / len(bad) if bad else 1.0

    @property
    def passed(self) -> bool:
        return self.recall >= self.target_recall and self.false_block_rate <= self.target_false_blocks

    def by_language(self) -> dict[str, dict[str, float | int]]:
        """False blocks and bad drafts held, per language the lead writes in: a check that reads English
        well and Spanish badly shows here, not in the totals."""
        found: dict[str, dict[str, float | int]] = {}
        for language in sorted({language_of(r) for r in self.results}):
            good = [r for r in self.good if language_of(r) == language]
            bad = [r for r in self.bad if language_of(r) == language]
            found[language] = {
                "good_cases": len(good),
                "false_blocks": sum(1 for r in good if r.false_block),
                "false_block_rate": sum(1 for r in good if r.false_block) / len(good) if good else 0.0,
                "bad_cases": len(bad),
                "bad_blocked_rate": sum(1 for r in bad if r.got) / len(bad) if bad else 1.0,
            }
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": len(self.results),
            "good_cases": len(self.good),
            "bad_cases": len(self.bad),
            "recall": self.recall,
            "precision": self.precision,
            "false_block_rate": self.false_block_rate,
            "bad_blocked_rate": self.bad_blocked_rate,
            "exact_cases": sum(1 for r in self.results if r.exact),
            "target_recall": self.target_recall,
            "target_false_block_rate": self.target_false_blocks,
            "passed": self.passed,
            "by_language": self.by_language(),
            "by_code": {
                code: {
                    "support": s.support,
                    "true_positives": s.true_positives,
                    "false_positives": s.false_positives,
                    "false_negatives": s.false_negatives,
                    "precision": s.precision,
                    "recall": s.recall,
                }
                for code, s in self.codes.items()
            },
            "results": [
                {
                    "id": r.case.id,
                    "file": r.case.file.name,
                    "style": r.case.model.style,
                    "channel": r.case.model.channel.value,
                    "language": language_of(r),
                    "purpose": r.case.model.purpose.value,
                    "expected": sorted(r.case.expect),
                    "codes": sorted(r.got),  # what the checks reported
                    "missed": sorted(r.missed),
                    "extra": sorted(r.extra),
                    "violations": list(r.messages),
                }
                for r in self.results
            ],
        }

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def language_of(result: CaseResult) -> str:
    """The language the draft's lead writes in (English unless the case says otherwise)."""
    return result.case.lead.language or "en"


def run_case(case: Case, meaning: Meaning | None = None) -> CaseResult:
    violations = run_checks(case.draft, case.context(meaning))
    return CaseResult(
        case=case,
        got=frozenset(v.code for v in violations),
        messages=tuple(f"{v.code}: {v.message}" for v in violations),
    )


def evaluate(
    cases: Sequence[Case],
    *,
    target_recall: float = TARGET_RECALL,
    target_false_blocks: float = TARGET_FALSE_BLOCKS,
    on_progress: ProgressCallback | None = None,
    meaning: Meaning | None = None,
) -> Report:
    results = []
    for done, case in enumerate(cases, 1):
        results.append(run_case(case, meaning))
        if on_progress:
            on_progress(done, len(cases))
    return Report(tuple(results), target_recall=target_recall, target_false_blocks=target_false_blocks)
