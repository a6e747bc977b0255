"""The grounding checks on probe drafts for a company they were not tuned to (``probes/``).

Each clean probe paraphrases the sources the way a careful rep does (a price times the lead's own
count, a range in words, a date the sources give as a due date, a form's number, a product's name in
Spanish order); each bad probe invents or misattributes one claim. The grounding codes a probe gets
must be exactly its labels' grounding codes: a clean paraphrase is not blocked, an invention is caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.guardrails import run_checks
from evals.guardrails.cases import Case, load_cases

PROBES = Path(__file__).parent / "probes"
GROUNDING = ("grounded.number", "grounded.name", "grounded.date", "grounded.url")


def _grounding(codes: frozenset[str] | set[str]) -> set[str]:
    return {code for code in codes if code in GROUNDING}


CASES = load_cases(PROBES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_probe_gets_exactly_its_grounding_labels(case: Case) -> None:
    found = {v.code: v.message for v in run_checks(case.draft, case.context())}
    assert _grounding(set(found)) == _grounding(case.expect), found


def test_the_probes_hold_clean_and_bad_drafts() -> None:
    assert sum(case.good for case in CASES) >= 20
    assert sum(not case.good for case in CASES) >= 5
