"""Tests for sequences as data: the bundled YAML loads; every authoring mistake names its file and field."""

from __future__ import annotations

import textwrap
from datetime import time
from pathlib import Path

import pytest

from agent.domain import Channel, RiskTier, TouchPurpose
from agent.sequences import SEQUENCES_DIR, SequenceError, load_sequences, parse_sequence


def sequence_yaml(*, steps: str, extra: str = "") -> str:
    """A sequence file with the given ``steps:`` block (indented list items) and optional top-level keys."""
    return f"name: test_sequence\nversion: 1\n{extra}steps:\n{textwrap.dedent(steps)}"


def write(tmp_path: Path, text: str, *, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parse_error(path: Path) -> str:
    with pytest.raises(SequenceError) as caught:
        parse_sequence(path)
    return str(caught.value)


class TestLoadSequences:
    def test_bundled_sequences_load(self) -> None:
        sequences = load_sequences()

        assert "new_lead" in sequences
        assert all(sequence.steps for sequence in sequences.values())

    def test_bundled_new_lead_sequence_follows_the_brief(self) -> None:
        new_lead = load_sequences()["new_lead"]

        assert [(step.purpose, step.day) for step in new_lead.steps] == [
            (TouchPurpose.ACKNOWLEDGMENT, 0),
            (TouchPurpose.VALUE_ADD, 1),
            (TouchPurpose.SOCIAL_PROOF, 3),
            (TouchPurpose.FAQ, 7),
            (TouchPurpose.BREAKUP, 14),
            (TouchPurpose.NURTURE, 30),
        ]
        assert (new_lead.starts_on, new_lead.then) == (("inquiry",), "nurture")
        assert new_lead.steps[0].auto_send is True
        assert all(step.channel is Channel.EMAIL for step in new_lead.steps)

    def test_every_sequence_of_the_brief_is_bundled_with_its_trigger(self) -> None:
        sequences = load_sequences()

        assert {name: s.starts_on for name, s in sequences.items()} == {
            "new_lead": ("inquiry",),
            "post_quote": ("quote_sent",),
            "meeting_booked": ("meeting_booked",),
            "post_meeting": ("meeting_held",),
            "onboarding": ("purchase",),
            "re_engagement": ("quiet", "returned"),
            "nurture": (),
        }
        assert sequences["nurture"].repeat_every_days == 30
        assert sequences["onboarding"].final_status == "converted"

    def test_risk_tiers_put_offers_and_breakups_above_value_touches(self) -> None:
        new_lead = load_sequences()["new_lead"]

        assert [step.risk_tier for step in new_lead.steps] == [
            RiskTier.LOW,
            RiskTier.LOW,
            RiskTier.LOW,
            RiskTier.LOW,
            RiskTier.HIGH,
            RiskTier.LOW,
        ]

    def test_a_repeating_sequence_repeats_its_last_step_every_period(self) -> None:
        nurture = load_sequences()["nurture"]

        assert [nurture.day_of(index) for index in range(3)] == [30, 60, 90]
        assert nurture.step_at(5) == nurture.steps[-1]
        assert load_sequences()["new_lead"].step_at(6) is None

    def test_every_bundled_file_is_loaded_by_its_name(self) -> None:
        names = {parse_sequence(path).name for path in SEQUENCES_DIR.glob("*.yaml")}

        assert set(load_sequences()) == names

    def test_loads_every_yaml_file_of_a_folder(self, tmp_path: Path) -> None:
        write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n"), name="a.yaml")
        write(
            tmp_path,
            "name: other\nversion: 2\nsteps:\n  - {purpose: nurture, day: 30, channel: sms}\n",
            name="b.yaml",
        )

        sequences = load_sequences(tmp_path)

        assert set(sequences) == {"test_sequence", "other"}
        assert sequences["other"].steps[0].channel is Channel.SMS


class TestParseSequence:
    def test_defaults_fill_channel_and_auto_send(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - purpose: value_add\n    day: 1\n"))

        step = parse_sequence(path).steps[0]

        assert (step.channel, step.auto_send) == (Channel.EMAIL, False)

    def test_step_going_backwards_in_days_names_the_file_and_the_days(self, tmp_path: Path) -> None:
        steps = """\
          - {purpose: acknowledgment, day: 0}
          - {purpose: social_proof, day: 3}
          - {purpose: value_add, day: 1}
        """
        path = write(tmp_path, sequence_yaml(steps=steps))

        message = parse_error(path)

        assert str(path) in message
        assert "step days must not go backwards" in message
        assert "[0, 3, 1]" in message

    def test_unknown_purpose_names_the_file_and_the_field(self, tmp_path: Path) -> None:
        steps = """\
          - {purpose: acknowledgment, day: 0}
          - {purpose: discount_blast, day: 1}
        """
        path = write(tmp_path, sequence_yaml(steps=steps))

        message = parse_error(path)

        assert str(path) in message
        assert "steps.1.purpose" in message

    def test_negative_day_names_the_file_and_the_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: acknowledgment, day: -1}\n"))

        message = parse_error(path)

        assert str(path) in message
        assert "steps.0.day" in message

    def test_unknown_step_key_names_the_file_and_the_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: acknowledgment, day: 0, delay: 2}\n"))

        message = parse_error(path)

        assert str(path) in message
        assert "steps.0.delay" in message

    def test_unknown_top_level_key_names_the_file_and_the_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n", extra="owner: sales\n"))

        message = parse_error(path)

        assert str(path) in message
        assert "owner" in message

    def test_a_business_event_type_may_start_a_sequence(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            sequence_yaml(steps="  - {purpose: faq, day: 0}\n", extra="starts_on: [project_completed]\n"),
        )

        assert parse_sequence(path).starts_on == ("project_completed",)

    def test_a_trigger_that_is_not_an_event_name_names_the_file_line_and_field(self, tmp_path: Path) -> None:
        path = write(
            tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n", extra="starts_on: [Quote Sent]\n")
        )

        message = parse_error(path)

        assert f"{path}:" in message and "starts_on.0" in message

    def test_a_step_may_give_its_local_time(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps='  - {purpose: faq, day: 2, at: "10:00"}\n'))

        assert parse_sequence(path).steps[0].at == time(10, 0)

    def test_a_sequence_that_both_repeats_and_moves_on_is_refused(self, tmp_path: Path) -> None:
        extra = "then: nurture\nrepeat_every_days: 30\n"
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: nurture, day: 0}\n", extra=extra))

        assert "then and repeat_every_days cannot both be set" in parse_error(path)

    def test_unknown_risk_names_the_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0, risk: extreme}\n"))

        assert "steps.0.risk" in parse_error(path)

    def test_a_step_may_raise_its_risk_above_its_purposes(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: value_add, day: 0, risk: high}\n"))

        assert parse_sequence(path).steps[0].risk_tier is RiskTier.HIGH

    def test_invalid_yaml_names_the_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "name: test_sequence\nsteps: [\n  - {purpose: faq, day: 0\n")

        message = parse_error(path)

        assert str(path) in message
        assert "not valid YAML" in message

    def test_empty_steps_names_the_field(self, tmp_path: Path) -> None:
        path = write(tmp_path, "name: test_sequence\nversion: 1\nsteps: []\n")

        message = parse_error(path)

        assert str(path) in message
        assert "steps" in message

    def test_file_that_is_not_a_mapping_is_a_sequence_error(self, tmp_path: Path) -> None:
        path = write(tmp_path, "- purpose: faq\n  day: 0\n")

        message = parse_error(path)

        assert str(path) in message

    def test_then_naming_an_unknown_sequence_fails_the_load(self, tmp_path: Path) -> None:
        path = write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n", extra="then: nurtur\n"))

        with pytest.raises(SequenceError, match="then: no sequence named 'nurtur'") as caught:
            load_sequences(tmp_path)

        assert str(path) in str(caught.value)

    def test_two_sequences_starting_on_one_trigger_fail_the_load(self, tmp_path: Path) -> None:
        write(
            tmp_path,
            sequence_yaml(steps="  - {purpose: faq, day: 0}\n", extra="starts_on: [quote_sent]\n"),
            name="a.yaml",
        )
        write(
            tmp_path,
            "name: other\nversion: 1\nstarts_on: [quote_sent]\nsteps:\n  - {purpose: faq, day: 0}\n",
            name="b.yaml",
        )

        with pytest.raises(SequenceError, match="'quote_sent' already starts the sequence 'test_sequence'"):
            load_sequences(tmp_path)

    def test_two_files_with_one_name_fail_the_load(self, tmp_path: Path) -> None:
        write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n"), name="a.yaml")
        write(tmp_path, sequence_yaml(steps="  - {purpose: nurture, day: 3}\n"), name="b.yaml")

        with pytest.raises(SequenceError, match="already defines the sequence 'test_sequence'"):
            load_sequences(tmp_path)

    def test_a_broken_file_fails_the_whole_folder_load(self, tmp_path: Path) -> None:
        write(tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0}\n"), name="good.yaml")
        bad = write(
            tmp_path, sequence_yaml(steps="  - {purpose: faq, day: 0, chanel: sms}\n"), name="bad.yaml"
        )

        with pytest.raises(SequenceError, match="chanel") as caught:
            load_sequences(tmp_path)

        assert str(bad) in str(caught.value)
