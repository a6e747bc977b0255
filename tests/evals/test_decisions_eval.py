# ruff: noqa: E501  (the example scenario is written one record a line, as authors write them)
"""The decision eval: scenario files load with clear errors, histories become the policy's snapshot, each
field is scored, and `touchpoint eval decisions` reports (and writes JSON). Only the dev split is read
here: the test split is the frozen measurement."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from agent.domain import Channel, EventType, TouchState
from agent.replies.reader import shipped_reader
from evals.decisions.cases import CaseFileError, load_scenarios, split_files
from evals.decisions.history import build_snapshot
from evals.decisions.runner import Decided, evaluate, score
from tests.evals.commands import run_cli

BLIND = Path(__file__).parents[2] / "evals" / "decisions" / "blind"

ONE = """\
business: demo
scenarios:
  - id: d-001
    now: 2027-01-14T15:20:00-06:00
    lead:
      email: dana@example.com
      phone: "+17135550188"
      first_name: Dana
      company: null
      timezone: America/Chicago
      consent_email: true
      consent_sms: false
      status: active
    history:
      - {at: 2027-01-05T19:02:00-06:00, kind: inquiry, channel: web_form, text: "We want to redo our kitchen."}
      - {at: 2027-01-05T19:02:30-06:00, kind: touch, purpose: acknowledgment, channel: email, sequence: new_lead, step: 0}
      - {at: 2027-01-06T19:10:00-06:00, kind: touch, purpose: value_add, channel: email, sequence: new_lead, step: 1}
      - {at: 2027-01-06T21:30:00-06:00, kind: event, type: open, touch: 1}
      - {at: 2027-01-08T19:05:00-06:00, kind: touch, purpose: social_proof, channel: email, sequence: new_lead, step: 2}
      - {at: 2027-01-13T20:40:00-06:00, kind: event, type: page_visit, url: "https://x.example/financing"}
    expect:
      action: draft
      purpose: pricing
      channel: email
      window: [2027-01-14T15:20:00-06:00, 2027-01-14T15:21:00-06:00]
"""


def write(tmp_path: Path, text: str, name: str = "dev.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


class TestLoader:
    def test_a_scenario_file_loads(self, tmp_path: Path) -> None:
        (scenario,) = load_scenarios(write(tmp_path, ONE))

        assert (scenario.id, scenario.business, len(scenario.history)) == ("d-001", "demo", 6)
        assert scenario.config_dir is None

    def test_the_config_folder_beside_the_file_is_the_business_playbook(self, tmp_path: Path) -> None:
        (tmp_path / "config").mkdir()

        (scenario,) = load_scenarios(write(tmp_path, ONE))

        assert scenario.config_dir == tmp_path / "config"

    def test_a_wrong_field_names_the_file_the_scenario_and_the_field(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, ONE.replace("kind: touch, purpose: value_add", "kind: touch, purpose: valueadd")
        )

        with pytest.raises(CaseFileError) as caught:
            load_scenarios(path)

        message = str(caught.value)
        assert str(path) in message and "'d-001'" in message and "history.2.touch.purpose" in message

    def test_an_unknown_record_kind_is_refused(self, tmp_path: Path) -> None:
        path = write(tmp_path, ONE.replace("kind: event, type: open", "kind: happening, type: open"))

        with pytest.raises(CaseFileError, match=r"history\.3"):
            load_scenarios(path)

    def test_an_expectation_window_that_ends_before_it_starts_is_refused(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            ONE.replace(
                "window: [2027-01-14T15:20:00-06:00, 2027-01-14T15:21:00-06:00]",
                "window: [2027-01-14T15:21:00-06:00, 2027-01-14T15:20:00-06:00]",
            ),
        )

        with pytest.raises(CaseFileError, match="window"):
            load_scenarios(path)

    def test_invalid_yaml_names_the_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "business: x\nscenarios: [\n")

        with pytest.raises(CaseFileError, match="not valid YAML"):
            load_scenarios(path)

    def test_a_repeated_id_names_both_files(self, tmp_path: Path) -> None:
        first = write(tmp_path, ONE, "a.yaml")
        second = write(tmp_path, ONE, "b.yaml")

        with pytest.raises(CaseFileError, match="also in"):
            load_scenarios([first, second])

    def test_only_dev_and_test_are_splits(self) -> None:
        with pytest.raises(CaseFileError, match="dev, test"):
            split_files("train")

    def test_the_dev_split_loads_three_businesses(self) -> None:
        scenarios = load_scenarios(split_files("dev", BLIND))

        assert {s.business for s in scenarios} == {"northstar", "casa-verde", "alta-vista"}


class TestHistory:
    def test_the_import_format_becomes_the_policy_snapshot(self, tmp_path: Path) -> None:
        (scenario,) = load_scenarios(write(tmp_path, ONE))

        snapshot = build_snapshot(scenario, shipped_reader())

        assert [t.purpose.value for t in snapshot.touches] == ["acknowledgment", "value_add", "social_proof"]
        opened = next(e for e in snapshot.events if e.type is EventType.OPEN)
        assert opened.payload["touch_id"] == snapshot.touches[1].id
        inquiry = next(e for e in snapshot.events if e.type is EventType.INQUIRY)
        assert inquiry.channel is None and inquiry.reading is not None  # a web form, read like a reply

    def test_a_touch_awaiting_review_and_a_pending_draft_event_are_in_flight(self, tmp_path: Path) -> None:
        text = ONE.replace(
            "sequence: new_lead, step: 2}",
            "sequence: new_lead, step: 2, state: awaiting_review}",
        ).replace(
            'kind: event, type: page_visit, url: "https://x.example/financing"}',
            "kind: event, type: draft_pending_review, purpose: pricing, channel: email}",
        )
        (scenario,) = load_scenarios(write(tmp_path, text))

        snapshot = build_snapshot(scenario, shipped_reader())

        assert [t.state for t in snapshot.touches][-2:] == [TouchState.PENDING_REVIEW] * 2

    def test_a_business_event_type_keeps_its_name(self, tmp_path: Path) -> None:
        text = ONE.replace('type: page_visit, url: "https://x.example/financing"', "type: project_completed")
        (scenario,) = load_scenarios(write(tmp_path, text))

        snapshot = build_snapshot(scenario, shipped_reader())

        assert snapshot.events[-1].type is EventType.BUSINESS
        assert snapshot.events[-1].name == "project_completed"

    def test_an_sms_stop_suppresses_texts_and_a_hard_bounce_kills_the_address(self, tmp_path: Path) -> None:
        text = ONE.replace(
            'kind: event, type: page_visit, url: "https://x.example/financing"}',
            "kind: unsubscribe, channel: sms, via: sms_keyword}\n"
            "      - {at: 2027-01-13T21:00:00-06:00, kind: event, type: bounce, bounce_type: hard}",
        )
        (scenario,) = load_scenarios(write(tmp_path, text))

        snapshot = build_snapshot(scenario, shipped_reader())

        assert snapshot.suppressed_channels == {Channel.SMS, Channel.EMAIL}
        assert snapshot.unreachable_channels == {Channel.EMAIL}


class TestScoring:
    def test_each_labelled_field_is_scored(self, tmp_path: Path) -> None:
        (scenario,) = load_scenarios(write(tmp_path, ONE))
        now = scenario.now

        right = score(scenario, Decided("draft", "pricing", "email", now, (), ""))
        wrong_purpose = score(scenario, Decided("draft", "faq", "email", now, (), ""))
        late = score(scenario, Decided("draft", "pricing", "email", now + timedelta(minutes=5), (), ""))

        assert right == {"action": True, "purpose": True, "channel": True, "timing": True}
        assert wrong_purpose["purpose"] is False and wrong_purpose["channel"] is True
        assert late["timing"] is False

    def test_a_wrong_action_cannot_have_the_right_purpose(self, tmp_path: Path) -> None:
        (scenario,) = load_scenarios(write(tmp_path, ONE))

        scored = score(scenario, Decided("wait", "pricing", "email", scenario.now, (), ""))

        assert scored["action"] is False and scored["purpose"] is False

    def test_the_example_scenario_is_decided_right(self, tmp_path: Path) -> None:
        report = evaluate(load_scenarios(write(tmp_path, ONE)), shipped_reader())

        assert report.field("action").accuracy == 1.0
        assert report.results[0].decided.rules  # the rules are kept for reading a miss

    def test_no_dev_scenario_is_written_to_on_a_channel_without_consent(self) -> None:
        report = evaluate(load_scenarios(split_files("dev", BLIND)), shipped_reader())

        assert report.consent_violations == []


class TestCommand:
    def test_help_names_the_options(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run_cli("eval", "decisions", "--help") == 0

        out = capsys.readouterr().out
        assert "--split" in out and "--cases" in out and "--json" in out

    def test_a_cases_file_is_scored_and_written_as_json(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = tmp_path / "report.json"

        status = run_cli("eval", "decisions", "--cases", str(write(tmp_path, ONE)), "--json", str(out))

        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["fields"]["action"] == {"correct": 1, "total": 1, "accuracy": 1.0}
        assert report["results"][0]["decided"]["rules"]
        assert status == 0
        assert "action" in capsys.readouterr().out

    def test_a_broken_cases_file_is_a_user_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, "business: x\nscenarios: [{id: 1}]\n")

        assert run_cli("eval", "decisions", "--cases", str(path)) == 2
        assert str(path) in capsys.readouterr().err.replace("\n", "")

    def test_an_unknown_split_is_a_user_error(self) -> None:
        assert run_cli("eval", "decisions", "--split", "train") == 2


class TestTheFrozenTestSplit:
    """The CI gate: the policy on lead histories nobody tuned it on (measured once: action 0.987, purpose
    0.979, channel 0.981, timing 0.960; the issue's targets are 0.95, 0.85, 0.95, 0.95)."""

    def test_the_next_action_meets_the_targets_and_no_channel_lacks_consent(self) -> None:
        from agent.replies.reader import shipped_reader
        from evals.decisions.cases import load_scenarios, split_files
        from evals.decisions.runner import evaluate

        report = evaluate(load_scenarios(split_files("test")), shipped_reader(), split="test")

        assert len(report.results) >= 75
        assert report.missed_targets == [] and report.consent_violations == []

    def test_a_fourth_business_written_later_meets_the_targets_too(self) -> None:
        """Saguaro Solar's 40 histories and own playbook (``blind/saguaro-solar/test2.yaml``), written blind
        after the policy was done and measured once on arrival: 40/40 on every field."""
        from agent.replies.reader import shipped_reader
        from evals.decisions.cases import load_scenarios
        from evals.decisions.runner import evaluate

        report = evaluate(
            load_scenarios(BLIND / "saguaro-solar" / "test2.yaml"), shipped_reader(), split="test"
        )

        assert len(report.results) == 40
        assert report.missed_targets == [] and report.consent_violations == []
