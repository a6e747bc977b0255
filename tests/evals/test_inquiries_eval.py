"""The inquiry eval (does a person take this one now?): the loader names a bad line, the product's reading
and rule decide each inquiry, `touchpoint eval inquiries` reports and writes JSON, and CI holds the
frozen test split at the level it measured (evals/inquiries/GUIDE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.replies.reader import shipped_reader
from evals.inquiries.runner import Inquiry, evaluate, load, split_file
from tests.evals.commands import run_cli

LINES = [
    {"id": "t-1", "text": "There's a gas smell in the kitchen, what do we do?", "channel": "sms",
     "language": "en", "needs_person": True, "why": "emergency"},
    {"id": "t-2", "text": "How much is a weekly cleaning for a 3-bedroom house?", "channel": "web_form",
     "language": "en", "needs_person": False, "why": "sales"},
    {"id": "t-3", "text": "¿Me puede llamar mañana? Tengo dudas sobre el plan.", "channel": "email",
     "language": "es", "needs_person": True, "why": "asks_for_person"},
]  # fmt: skip


def write(path: Path, lines: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_line_without_its_label_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.jsonl", [{"id": "x", "text": "hi"}])

    with pytest.raises(ValueError, match=r"bad.jsonl:1: not a labelled inquiry"):
        load(path)


def test_each_inquiry_is_decided_as_the_product_decides_it(tmp_path: Path) -> None:
    report = evaluate(load(write(tmp_path / "three.jsonl", LINES)), shipped_reader(), split="three")

    assert [(o.id, o.handed_off) for o in report.outcomes] == [("t-1", True), ("t-2", False), ("t-3", True)]
    assert (report.recall, report.precision, report.accuracy) == (1.0, 1.0, 1.0)
    assert report.by(lambda o: o.language) == {"en": (2, 2), "es": (1, 1)}


def test_a_missed_emergency_lowers_recall_and_fails_the_targets() -> None:
    missed = Inquiry(
        "m", "We'd like a quote for next spring.", "web_form", "en", needs_person=True, why="sales"
    )

    report = evaluate([missed], shipped_reader(), split="one")

    assert report.recall == 0.0 and not report.passed


def test_the_command_writes_every_decision_and_exits_1_below_the_targets(tmp_path: Path) -> None:
    path = write(tmp_path / "cases.jsonl", [*LINES, {**LINES[1], "id": "t-4", "needs_person": True}])
    out = tmp_path / "out.json"

    status = run_cli("eval", "inquiries", "--cases", str(path), "--json", str(out))

    data = json.loads(out.read_text())
    assert status == 1 and data["recall"] == 0.6667 and len(data["cases"]) == 4


def test_an_unknown_split_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no split 'nope'"):
        split_file("nope")


class TestTheGate:
    def test_on_the_frozen_test_split_recall_and_precision_hold_their_measured_level(self) -> None:
        """Measured 2026-12-08: recall 0.579, precision 0.892 (before: 0.105 and 1.0); once more after an
        inquiry asking us to stop writing also went to a person: 0.614, 0.897. The targets (0.90, 0.80)
        are not met; this holds what was reached."""
        report = evaluate(load(split_file("test")), shipped_reader(), split="test")

        assert report.recall >= 0.61 and report.precision >= 0.85

    def test_on_the_dev_split_the_level_reached_holds(self) -> None:
        report = evaluate(load(split_file("dev")), shipped_reader(), split="dev")

        assert report.recall >= 0.86 and report.precision >= 0.97
