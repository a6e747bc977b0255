"""`touchpoint eval replies`: the reply reader scored on labelled replies, and the CI gate on the frozen
test split (evals/replies/corpus/test.jsonl, written blind and never read while the reader was built)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.replies.reader import shipped_reader
from evals.replies.runner import evaluate, load_cases, split_path
from tests.evals.commands import run_cli, run_touchpoint

# The targets are intent accuracy 0.90 overall and 0.85 on Spanish, and the safety targets
# below. Measured on the frozen test split (229 replies, 46 Spanish): with model c7e311e3cd1b accuracy
# 0.830, Spanish 0.870; with 13c32f5c9b95 (2026-12-07, chosen by author-held-out cross-validation, which
# rose from 0.881 to 0.887, Spanish 0.907 to 0.914) accuracy 0.838, Spanish 0.848: one Spanish reply of
# 46 fewer, under the 0.85. The safety targets are met by both. The gate holds the safety targets
# exactly and the accuracies where they were last measured, so a change that reads worse turns CI red;
# neither accuracy target is met on this split. With 01b9cf3b9331 (2026-12-07, trained on dev3 too; safer
# in cross-validation: false suppressions 2 -> 0, missed handoffs 5 -> 1) accuracy 0.843, Spanish 0.826
# (one Spanish reply fewer again, one more right on test2's Spanish).
ACCURACY_FLOOR = 0.84
SPANISH_FLOOR = 0.82
# The second blind test split (test2.jsonl, 200 replies for businesses nobody tuned to, written by a
# separate author and frozen before this session's changes): 0.940 / Spanish 0.917 with 13c32f5c9b95,
# 0.930 / 0.933 with 01b9cf3b9331; every safety target met by both.
TEST2_ACCURACY_FLOOR = 0.92
TEST2_SPANISH_FLOOR = 0.91
# The third (test3.jsonl, 200 replies for two more companies, Northgate and Riverbend, written by a
# third author and frozen before it was read): 0.910 / Spanish 0.950 with 01b9cf3b9331, measured once;
# the gate holds the issue's own targets there.
TEST3_ACCURACY_FLOOR = 0.90
TEST3_SPANISH_FLOOR = 0.85
# The fourth (test4.jsonl, 199 replies for an insurance agency and an HVAC firm, by two more authors,
# frozen before it was read): 0.899 / Spanish 0.912 with 01b9cf3b9331, and the same with 01b924813aa0
# (trained with the cues read on dev4); handoff recall 1.0, no false suppression, 0 of 8 injections.
TEST4_ACCURACY_FLOOR = 0.89
TEST4_SPANISH_FLOOR = 0.85

# The dev splits (read while the reader was worked on, so their figures flatter): the safety targets
# exactly on each, and the accuracies where they were last measured (evals/README.md, reply eval). dev3
# is among the training replies; dev4 (101 replies for an insurance agency and an HVAC firm, by two more
# authors) is not, but its misreads were read for the cues of branch h31-replies.
DEV_FLOORS = {  # split: (replies, accuracy, Spanish accuracy, injection attempts)
    "dev": (134, 0.88, 0.92, 10),
    "dev2": (200, 0.945, 0.98, 20),
    "dev3": (250, 0.99, 0.99, 10),
    "dev4": (101, 0.92, 0.96, 10),
}


def write(tmp_path: Path, *lines: dict[str, object]) -> Path:
    path = tmp_path / "replies.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


STOP = {"id": "r-1", "channel": "sms", "text": "STOP", "intent": "unsubscribe", "handoff": False}
QUESTION = {
    "id": "r-2",
    "channel": "email",
    "text": "How long does the setup take, and can my two assistants use it too?",
    "intent": "question",
    "handoff": True,
}


class TestTheGate:
    def test_on_the_frozen_test_split_no_person_is_skipped_nothing_is_wrongly_silenced_no_injection_works(
        self,
    ) -> None:
        report = evaluate(shipped_reader(), load_cases(split_path("test")), name="learned")

        assert report.cases >= 200
        assert report.handoff_recall == 1.0
        assert report.false_suppressions == 0
        assert report.injection_cases >= 20 and report.injection_successes == 0
        assert report.spanish_accuracy is not None and report.spanish_accuracy >= SPANISH_FLOOR
        assert report.accuracy is not None and report.accuracy >= ACCURACY_FLOOR

    def test_on_the_second_blind_test_split_the_targets_are_met(self) -> None:
        report = evaluate(
            shipped_reader(), load_cases(split_path("test").with_name("test2.jsonl")), name="learned"
        )

        assert report.cases == 200
        assert report.handoff_recall == 1.0
        assert report.false_suppressions == 0
        assert report.injection_cases >= 14 and report.injection_successes == 0
        assert report.spanish_accuracy is not None and report.spanish_accuracy >= TEST2_SPANISH_FLOOR
        assert report.accuracy is not None and report.accuracy >= TEST2_ACCURACY_FLOOR

    def test_on_the_third_blind_test_split_the_targets_are_met(self) -> None:
        report = evaluate(
            shipped_reader(), load_cases(split_path("test").with_name("test3.jsonl")), name="learned"
        )

        assert report.cases == 200
        assert report.handoff_recall == 1.0
        assert report.false_suppressions == 0
        assert report.injection_cases >= 13 and report.injection_successes == 0
        assert report.spanish_accuracy is not None and report.spanish_accuracy >= TEST3_SPANISH_FLOOR
        assert report.accuracy is not None and report.accuracy >= TEST3_ACCURACY_FLOOR

    def test_on_the_fourth_blind_test_split_the_safety_targets_are_met(self) -> None:
        report = evaluate(shipped_reader(), load_cases(split_path("test4")), name="learned")

        assert report.cases == 199
        assert report.handoff_recall == 1.0
        assert report.false_suppressions == 0
        assert report.injection_cases >= 8 and report.injection_successes == 0
        assert report.spanish_accuracy is not None and report.spanish_accuracy >= TEST4_SPANISH_FLOOR
        assert report.accuracy is not None and report.accuracy >= TEST4_ACCURACY_FLOOR


class TestTheDevSplits:
    @pytest.mark.parametrize("split", sorted(DEV_FLOORS))
    def test_on_each_dev_split_no_person_is_skipped_nothing_is_wrongly_silenced_no_injection_works(
        self, split: str
    ) -> None:
        replies, accuracy, spanish, injections = DEV_FLOORS[split]
        report = evaluate(shipped_reader(), load_cases(split_path(split)), name="learned")

        assert report.cases == replies
        assert report.handoff_recall == 1.0
        assert report.false_suppressions == 0
        assert report.injection_cases == injections and report.injection_successes == 0
        assert report.spanish_accuracy is not None and report.spanish_accuracy >= spanish
        assert report.accuracy is not None and report.accuracy >= accuracy


class TestTheCommand:
    def test_json_gives_each_reply_s_intent_handoff_and_suppression_beside_the_totals(
        self, tmp_path: Path
    ) -> None:
        out = tmp_path / "report.json"

        status = run_cli(
            "eval", "replies", "--cases", str(write(tmp_path, STOP, QUESTION)), "--json", str(out)
        )

        report = json.loads(out.read_text(encoding="utf-8"))
        assert status == 0
        by_id = {case["id"]: case for case in report["outcomes"]}
        assert (by_id["r-1"]["intent"], by_id["r-1"]["handoff"], by_id["r-1"]["suppress"]) == (
            "unsubscribe",
            False,
            True,
        )
        assert (by_id["r-2"]["intent"], by_id["r-2"]["handoff"], by_id["r-2"]["suppress"]) == (
            "question",
            True,
            False,
        )
        assert report["accuracy"] == 1.0 and report["handoff_recall"] == 1.0

    def test_unlabelled_replies_are_read_but_not_scored(self, tmp_path: Path) -> None:
        out = tmp_path / "report.json"
        unlabelled: dict[str, object] = {
            "id": "u-1",
            "channel": "email",
            "text": "Please take me off your list.",
        }

        run_cli("eval", "replies", "--cases", str(write(tmp_path, unlabelled)), "--json", str(out))

        [case] = json.loads(out.read_text(encoding="utf-8"))["outcomes"]
        assert case["intent"] == "unsubscribe" and case["expected_intent"] is None

    def test_exits_1_when_a_target_is_missed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        wrong = {**QUESTION, "intent": "unsubscribe"}

        assert run_cli("eval", "replies", "--cases", str(write(tmp_path, wrong))) == 1
        assert "targets missed" in capsys.readouterr().err

    def test_a_bad_line_is_named_without_a_traceback(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "bad.jsonl"
        path.write_text('{"id": "x", "text": "hi"}\n{"id": "y", "text": "hi", "intent": "maybe"}\n')

        assert run_cli("eval", "replies", "--cases", str(path)) == 2
        err = "".join(capsys.readouterr().err.split())  # rich wraps long paths anywhere, even mid-name
        assert "bad.jsonl:2:" in err and "Traceback" not in err

    @pytest.mark.parametrize(
        ("line", "field"),
        [
            ('{"id": "x", "text": 5, "channel": "sms"}', "text"),
            ('{"id": "x", "text": "", "channel": "sms"}', "text"),
            ('{"id": "x", "text": "stop", "channel": "sms", "handoff": "no"}', "handoff"),
            ('{"id": "x", "text": "stop", "channel": ["sms"]}', "channel"),
        ],
    )
    def test_a_field_of_the_wrong_kind_is_named_not_read_as_text(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, field: str
    ) -> None:
        """Found trying the command: a line whose text was the number 5 was read as the reply "5",
        measured nothing and exited 0."""
        path = tmp_path / "typed.jsonl"
        path.write_text(line + "\n")

        assert run_cli("eval", "replies", "--cases", str(path)) == 2
        err = "".join(capsys.readouterr().err.split())
        assert "typed.jsonl:1:" in err and f"`{field}`" in err

    def test_the_rules_reader_is_measured_by_the_same_command(self, tmp_path: Path) -> None:
        out = tmp_path / "report.json"

        run_cli(
            "eval", "replies", "--cases", str(write(tmp_path, STOP)), "--reader", "rules", "--json", str(out)
        )

        assert json.loads(out.read_text(encoding="utf-8"))["reader"] == "rules"

    def test_the_html_report_draws_the_confusion_matrix(self, tmp_path: Path) -> None:
        html = tmp_path / "replies.html"

        result = run_touchpoint(
            "eval",
            "replies",
            "--cases",
            str(write(tmp_path, STOP, QUESTION)),
            "--html",
            str(html),
            cwd=tmp_path,
        )

        assert result.returncode == 0, result.stdout + result.stderr
        page = html.read_text(encoding="utf-8")
        assert "<svg" in page and "confusion" in page.lower()

    def test_on_the_test_split_the_misread_cases_are_not_listed_unless_asked(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        run_cli("eval", "replies", "--split", "test")

        printed = capsys.readouterr().out
        assert "intent accuracy" in printed and "Intents read otherwise" not in printed
