"""`touchpoint eval answers`: the blind answer set's loader, its scoring and the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.answers.runner import (
    CaseFileError,
    CaseOutcome,
    LabelledAnswer,
    Question,
    QuestionOutcome,
    answering_sentence,
    load_cases,
    report,
    split_path,
)
from knowledge.types import DocType
from tests.evals.commands import run_cli
from tests.knowledge.conftest import doc

CASE: dict[str, Any] = {
    "id": "ns-900",
    "company": "northstar",
    "channel": "email",
    "language": "en",
    "lead": {"first_name": "Dana", "company": "Luna Hair Studio", "need": "online booking"},
    "inquiry": "Hi, is there a free trial, and do I need a credit card for it? Also do you sell gift cards?",
    "questions": [
        {
            "text": "is there a free trial, and do I need a credit card for it?",
            "answerable": True,
            "answers": [
                {
                    "document": "faqs/free-trial",
                    "sentence": "The trial lasts 14 days and needs no credit card.",
                }
            ],
        },
        {"text": "do you sell gift cards?", "answerable": False, "answers": []},
    ],
}


def write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


class TestTheLoader:
    def test_reads_the_guide_s_format(self, tmp_path: Path) -> None:
        [case] = load_cases(write(tmp_path, CASE))

        assert (case.id, case.company, case.channel, case.language) == ("ns-900", "northstar", "email", "en")
        assert [q.answerable for q in case.questions] == [True, False]
        assert case.questions[0].answers[0].document == "faqs/free-trial"

    def test_the_dev_split_loads(self) -> None:
        assert len(load_cases(split_path("dev"))) >= 90

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"company": "acme"}, "`company`"),
            ({"channel": "fax"}, "`channel`"),
            ({"inquiry": ""}, "`inquiry`"),
            ({"lead": {"shoe_size": "9"}}, "`lead`"),
            ({"questions": [{"text": "price?", "answerable": "yes"}]}, "`questions[0].answerable`"),
            (
                {"questions": [{"text": "price?", "answerable": True, "answers": []}]},
                "`questions[0].answers`",
            ),
            (
                {"questions": [{"text": "price?", "answerable": True, "answers": [{"document": "faqs/x"}]}]},
                "`questions[0].answers[0].sentence`",
            ),
        ],
    )
    def test_a_bad_field_is_named_with_its_line(
        self, tmp_path: Path, change: dict[str, Any], field: str
    ) -> None:
        path = write(tmp_path, CASE, {**CASE, "id": "ns-901", **change})

        with pytest.raises(CaseFileError) as error:
            load_cases(path)

        assert f"{path}:2:" in str(error.value) and field in str(error.value)

    def test_a_line_that_is_not_json_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.jsonl"
        path.write_text(json.dumps(CASE) + "\n{not json\n", encoding="utf-8")

        with pytest.raises(CaseFileError, match=r"bad\.jsonl:2: not JSON"):
            load_cases(path)

    def test_an_id_used_twice_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(CaseFileError, match=":2: `id`"):
            load_cases(write(tmp_path, CASE, CASE))

    def test_an_unknown_split_is_refused(self) -> None:
        with pytest.raises(CaseFileError, match="dev, test"):
            split_path("train")


WARRANTY = doc("faqs/warranty", DocType.FAQ, "What warranty do you give on your work?", "Ours is 10 years.")
QUESTION = Question(
    "how long is the warranty?", True, (LabelledAnswer("faqs/warranty", "Ours is 10 years on labor."),)
)


class TestScoring:
    def test_the_labelled_sentence_matches_whatever_its_quotes_spacing_and_case(self) -> None:
        body = 'On "the warranty":  OURS is 10 years   on labor.'

        assert answering_sentence(body, QUESTION, {}) == "Ours is 10 years on labor."

    def test_the_sentence_with_its_subject_restored_matches(self) -> None:
        body = "Our warranty is 10 years on labor."

        assert answering_sentence(body, QUESTION, {WARRANTY.id: WARRANTY}) == "Ours is 10 years on labor."

    def test_another_sentence_does_not_match(self) -> None:
        assert answering_sentence("We give a warranty.", QUESTION, {WARRANTY.id: WARRANTY}) is None

    def test_a_labelled_yes_alone_matches_nothing(self) -> None:
        yes = Question("is it HIPAA compliant?", True, (LabelledAnswer("faqs/hipaa", "Yes."),))

        assert answering_sentence("Yes. We sign a BAA.", yes, {}) is None

    def test_totals_count_answered_questions_and_unanswerable_ones_sent(self) -> None:
        def outcome(case_id: str, sent: bool, *questions: QuestionOutcome) -> CaseOutcome:
            return CaseOutcome(
                case_id, "northstar", "email", "en", sent, [], None, "", list(questions), [], [], []
            )

        answered = QuestionOutcome("a", True, True, "x")
        missed = QuestionOutcome("b", True, False, None)
        unanswerable = QuestionOutcome("c", False, False, None)

        totals = report(
            [outcome("1", True, answered, unanswerable), outcome("2", False, missed, unanswerable)], "dev"
        )

        assert (totals.answered, totals.answerable, totals.answered_share) == (1, 2, 0.5)
        assert (totals.unanswerable, totals.unanswerable_sent) == (2, 1)
        assert totals.misses == ["answered 0.500 < 0.90", "1 unanswerable question(s) sent without review"]
        assert totals.by_group["northstar"]["answered_share"] == 0.5


class TestTheCommand:
    def test_help_names_the_splits_and_the_targets(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run_cli("eval", "answers", "--help") == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "--split" in out and "--cases" in out and "--json" in out and "0.90" in out

    def test_a_bad_case_file_is_named_without_a_traceback(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, {**CASE, "channel": "fax"})

        assert run_cli("eval", "answers", "--cases", str(path)) == 2
        err = "".join(capsys.readouterr().err.split())  # rich wraps long paths anywhere, even mid-name
        assert "answers.jsonl:1:`channel`" in err and "Traceback" not in err

    def test_json_gives_each_response_its_answers_and_the_totals(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TOUCHPOINT_VAR_DIR", str(tmp_path / "var"))
        out = tmp_path / "report.json"

        status = run_cli("eval", "answers", "--cases", str(write(tmp_path, CASE)), "--json", str(out))

        data = json.loads(out.read_text(encoding="utf-8"))
        [case] = data["outcomes"]
        assert case["id"] == "ns-900" and case["body"]
        assert data["unanswerable"] == 1 and data["unanswerable_sent"] == 0
        assert not case["sent_without_review"]
        assert any("gift cards" in line for line in case["review"])
        assert status == (0 if data["passed"] else 1)


class TestTheFrozenTestSplit:
    """The CI gate on inquiries nobody tuned the answer finding on. Measured 2026-12-07, once before and
    once after the sentence-level answer finding: 0.472, then 0.504 of answerable questions answered
    (target 0.90, not met), no unanswerable question sent without review (target met); the gate holds
    both where they are. A third time, after the glossary and question-reading work of the same day: 0.551.
    The second split (``test2/``: 55 inquiries to Birchwood Books, a fifth company, written blind and
    frozen before that work): 0.458 before it, 0.422 after, nothing unanswerable sent either time."""

    def test_no_unanswerable_question_is_sent_and_answers_hold_their_level(self, tmp_path: Path) -> None:
        from agent.drafting.composer import Composer
        from agent.drafting.pipeline import DraftingPipeline
        from evals.answers.runner import evaluate, load_cases, open_companies, split_path

        cases = load_cases(split_path("test"))
        setups = open_companies([c.company for c in cases], tmp_path)
        composer = Composer()

        report = evaluate(cases, setups, DraftingPipeline(composer, composer), split="test")

        assert report.cases >= 89 and report.unanswerable_sent == 0
        assert report.answered_share is not None and report.answered_share >= 0.55

    def test_on_a_fifth_company_nothing_unanswerable_is_sent_and_answers_hold_their_level(
        self, tmp_path: Path
    ) -> None:
        from agent.drafting.composer import Composer
        from agent.drafting.pipeline import DraftingPipeline
        from evals.answers.runner import evaluate, load_cases, open_companies, split_path

        cases = load_cases(split_path("test").parent / "test2" / "birchwood-books.jsonl")
        setups = open_companies([c.company for c in cases], tmp_path)
        composer = Composer()

        report = evaluate(cases, setups, DraftingPipeline(composer, composer), split="test")

        assert report.cases == 55 and report.unanswerable_sent == 0
        assert report.answered_share is not None and report.answered_share >= 0.42

    def test_on_two_more_companies_nothing_unanswerable_is_sent_and_answers_hold_their_level(
        self, tmp_path: Path
    ) -> None:
        """``test3/`` (70 inquiries to Northgate and Riverbend, written blind and frozen before the next
        session's changes): 65 of 119 answerable questions answered (0.546) before and after them, none of
        the 30 unanswerable sent."""
        from agent.drafting.composer import Composer
        from agent.drafting.pipeline import DraftingPipeline
        from evals.answers.runner import evaluate, load_cases, open_companies, split_path

        folder = split_path("test").parent / "test3"
        cases = [
            c
            for name in ("northgate-cleaning", "riverbend-events")
            for c in load_cases(folder / f"{name}.jsonl")
        ]
        setups = open_companies([c.company for c in cases], tmp_path)
        composer = Composer()

        report = evaluate(cases, setups, DraftingPipeline(composer, composer), split="test")

        assert report.cases == 70 and report.unanswerable_sent == 0
        assert report.answered_share is not None and report.answered_share >= 0.54
