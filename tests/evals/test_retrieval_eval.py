"""The retrieval evaluation: honest cases, correct metrics, and the target met on the real model, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from evals.retrieval.runner import (
    DEFAULT_CASES,
    TARGET_RECALL,
    Case,
    CaseFileError,
    CaseResult,
    LeadSituation,
    Report,
    check_labels,
    evaluate,
    load_cases,
)
from knowledge.retrieval import KnowledgeBase
from knowledge.types import DocType, RetrievalQuery, Source

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
TODAY = date(2026, 11, 23)


def _case(case_id: str, expected: tuple[str, ...], **fields: object) -> Case:
    return Case(
        id=case_id,
        purpose=str(fields.get("purpose", "faq")),
        lead=LeadSituation(industry="dental", need="no-shows", inquiry="Patients forget."),
        expected=expected,
        today=TODAY,
        tags=tuple(fields.get("tags", ())),  # type: ignore[arg-type]
    )


class ScriptedRetriever:
    """Answers each case with a fixed ranking; records the queries it was sent."""

    def __init__(self, rankings: dict[str, list[str]]) -> None:
        self.rankings = rankings
        self.queries: list[RetrievalQuery] = []

    def retrieve(self, query: RetrievalQuery) -> list[Source]:
        self.queries.append(query)
        ids = self.rankings[query.text]
        return [Source(id=i, type=DocType.FAQ, title=i, url=None, text=i, score=0.5) for i in ids[: query.k]]


class TestMetrics:
    def test_recall_is_the_share_of_expected_documents_in_the_top_three(self) -> None:
        result = CaseResult(_case("c", ("a", "b")), top=("a", "x", "y"), ranking=("a", "x", "y", "b"))

        assert result.recall == 0.5
        assert result.missing == ("b",)

    def test_reciprocal_rank_is_one_over_the_first_expected_rank_in_the_top_ten(self) -> None:
        assert CaseResult(_case("c", ("b",)), top=(), ranking=("x", "y", "z", "b")).reciprocal_rank == 0.25
        assert CaseResult(_case("c", ("b", "y")), top=(), ranking=("x", "y", "b")).reciprocal_rank == 0.5
        assert CaseResult(_case("c", ("b",)), top=(), ranking=("x",)).reciprocal_rank == 0.0

    def test_overall_figures_average_cases_and_groups_split_them(self) -> None:
        report = Report(
            results=(
                CaseResult(_case("a", ("d1",), tags=("typo",)), top=("d1",), ranking=("d1",)),
                CaseResult(_case("b", ("d2", "d3"), purpose="pricing"), top=("d2",), ranking=("x", "d2")),
            ),
            target=0.8,
        )

        assert (report.overall.cases, report.overall.recall, report.overall.mrr) == (2, 0.75, 0.75)
        assert not report.passed
        assert report.by_purpose()["pricing"].recall == 0.5
        assert set(report.by_tag()) == {"typo", "plain"}
        figures = report.to_json()
        assert figures["recall_at_3"] == 0.75 and figures["passed"] is False
        assert figures["results"][1]["missing"] == ["d3"]

    def test_each_case_is_queried_as_the_agent_queries_at_k_3_and_k_10(self) -> None:
        case = _case("c", ("a",))
        retriever = ScriptedRetriever({"no-shows Patients forget.": ["a", "b", "c", "d"]})

        report = evaluate(retriever, [case])

        assert [q.k for q in retriever.queries] == [3, 10]
        assert retriever.queries[0] == case.query(3)
        assert retriever.queries[0].today == TODAY and retriever.queries[0].industry == "dental"
        assert report.results[0].top == ("a", "b", "c")


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


class TestCasesFile:
    def test_there_are_at_least_40_distinct_situations(self, cases: list[Case]) -> None:
        assert len(cases) >= 40
        assert len({(c.purpose, c.lead, c.already_sent) for c in cases}) == len(cases)

    def test_the_hard_cases_are_there(self, cases: list[Case], knowledge_base: KnowledgeBase) -> None:
        tags = Counter(tag for case in cases for tag in case.tags)
        assert min(tags["typo"], tags["vague"], tags["no_industry_case_study"], tags["already_sent"]) >= 3
        covered = {
            i for d in knowledge_base.documents.values() if d.type is DocType.CASE_STUDY for i in d.industries
        }
        for case in cases:
            if "no_industry_case_study" in case.tags:
                assert case.lead.industry not in covered, case.id

    def test_every_label_fits_the_demo_knowledge_folder(
        self, cases: list[Case], knowledge_base: KnowledgeBase
    ) -> None:
        assert check_labels(cases, knowledge_base.documents) == []

    def test_labels_that_cannot_be_right_are_reported(self, knowledge_base: KnowledgeBase) -> None:
        wrong = [
            _case("gone", ("faqs/deleted",)),
            _case("type", ("case-studies/luna-hair-studio",), purpose="faq"),
        ]

        problems = check_labels(wrong, knowledge_base.documents)

        assert problems == [
            "gone: expected 'faqs/deleted' is not in the knowledge folder",
            "type: expected 'case-studies/luna-hair-studio' is a case_study, "
            "which purpose 'faq' never retrieves",
        ]

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("cases: {}", "must be a mapping with a `cases:` list"),
            (
                "today: 2026-11-23\ncases:\n  - id: a\n    purpose: spam\n    expected: [x]",
                "`purpose` must be one of",
            ),
            (
                "today: 2026-11-23\ncases:\n  - id: a\n    purpose: faq\n    expected: []",
                "at least one document",
            ),
            ("cases:\n  - id: a\n    purpose: faq\n    expected: [x]", "`today` must be a date"),
            (
                "today: 2026-11-23\ncases:\n  - id: a\n    purpose: faq\n    expectd: [x]",
                "unknown field(s) expectd",
            ),
            ("cases: [", "not valid YAML"),
        ],
    )
    def test_a_malformed_cases_file_names_the_case_and_field(
        self, tmp_path: Path, text: str, says: str
    ) -> None:
        path = tmp_path / "cases.yaml"
        path.write_text(text, encoding="utf-8")

        with pytest.raises(CaseFileError) as raised:
            load_cases(path)

        assert says in str(raised.value)


class TestOnTheDemoContent:
    """The real evaluation: the demo knowledge base on the local MiniLM model and Chroma, offline."""

    def test_recall_at_3_meets_the_target(self, knowledge_base: KnowledgeBase) -> None:
        report = evaluate(knowledge_base, load_cases())

        misses = {r.case.id: r.missing for r in report.results if r.missing}
        assert report.overall.recall >= TARGET_RECALL == 0.90, misses
        assert report.overall.mrr >= 0.80, misses
        assert report.by_tag()["already_sent"].recall == 1.0  # what was sent never comes back


class TestCommand:
    @pytest.fixture
    def env(self, tmp_path: Path, chroma_path: Path, knowledge_dir: Path) -> dict[str, str]:
        chroma = tmp_path / "chroma"
        shutil.copytree(chroma_path, chroma)  # the session's demo knowledge base, already embedded
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
        return clean | {
            "TOUCHPOINT_VAR_DIR": str(tmp_path / "var"),
            "TOUCHPOINT_CHROMA_PATH": str(chroma),
            "TOUCHPOINT_KNOWLEDGE_DIR": str(knowledge_dir),
            "COLUMNS": "200",  # rich's width when writing to a pipe: wide enough for whole case ids
        }

    def _run(self, *args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TOUCHPOINT, "knowledge", "evaluate", *args],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def test_prints_the_table_and_charts_and_writes_the_json(
        self, env: dict[str, str], tmp_path: Path, knowledge_base: KnowledgeBase
    ) -> None:
        result = self._run("--json", str(tmp_path / "report.json"), env=env, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        assert "salon-saturday-no-shows" in result.stdout
        assert "By purpose" in result.stdout and "By kind of case" in result.stdout
        figures = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        assert figures["cases"] == len(load_cases(DEFAULT_CASES))
        assert figures["recall_at_3"] >= 0.90
        assert f"recall@3 {figures['recall_at_3']:.3f}" in result.stdout
        assert f"MRR {figures['mrr']:.3f}" in result.stdout

    def test_exits_1_below_the_minimum_recall(self, env: dict[str, str], tmp_path: Path) -> None:
        result = self._run("--min-recall", "1", "--misses-only", env=env, cwd=tmp_path)

        assert result.returncode == 1
        assert "is below 1.00" in result.stderr

    def test_cases_labelled_for_another_folder_are_refused(self, env: dict[str, str], tmp_path: Path) -> None:
        other = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge" / "keystone-payroll"

        result = self._run("--knowledge", str(other), env=env, cwd=tmp_path)

        assert result.returncode == 2
        assert "do not fit the knowledge folder" in result.stderr
        assert "Traceback" not in result.stderr
