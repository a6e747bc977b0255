"""Suites and scenarios as data: the default suite covers what the issue asks, bad files fail clearly."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from agent.domain import Channel, EventType, LeadStatus, TouchPurpose
from agent.drafting.tone import tone_for
from agent.sequences import load_sequences
from evals.quality.scenarios import SuiteError, load_suite

SEQUENCES = load_sequences()
HARD_CASES = {
    "no-case-study",
    "hostile",
    "unsubscribe-words",
    "injection",
    "high-value",
    "other-language",
    "typo-one-liner",
    "returning",
}


def write_suite(folder: Path, scenarios: str, *, extra: str = "") -> Path:
    (folder / "scenarios.yaml").write_text(scenarios, encoding="utf-8")
    suite = folder / "suite.yaml"
    suite.write_text(
        "name: test\nstart: 2026-11-23T14:30:00+00:00\n"
        "identity: {name: N, sender_name: Maya Ortiz, sender_email: m@n.example, postal_address: Here}\n"
        "scenarios: [scenarios.yaml]\n" + extra,
        encoding="utf-8",
    )
    return suite


LEAD = """leads:
  dana: {id: lead-dana, first_name: Dana, email: dana@x.example, industry: beauty, timezone: America/Chicago,
         inquiry_text: We lose Saturdays to no-shows.}
"""


class TestDefaultSuite:
    def test_it_has_at_least_80_scenarios_with_unique_ids(self) -> None:
        suite = load_suite("default")

        assert len(suite.scenarios) >= 80
        assert len({s.id for s in suite.scenarios}) == len(suite.scenarios)

    def test_it_spans_industries_stages_tones_and_channels(self) -> None:
        scenarios = load_suite("default").scenarios
        start = load_suite("default").model.start

        industries = Counter(s.lead_model.industry for s in scenarios)
        stages = Counter(s.model.stage for s in scenarios)
        tones = Counter(tone_for(s.lead(start, touched=False)).formality.value for s in scenarios)
        channels = Counter(s.model.touch.channel for s in scenarios if s.model.touch)

        assert len(industries) >= 8
        assert {
            "new_inquiry",
            "early_sequence",
            "late_sequence",
            "nurture",
            "returning",
            "post_quote",
            "post_meeting",
            "reply",
            "hot",
        } <= set(stages)
        assert min(tones[t] for t in ("casual", "neutral", "formal")) >= 10
        assert channels[Channel.SMS] >= 5 and channels[Channel.EMAIL] >= 40

    def test_it_has_every_hard_case_of_the_issue(self) -> None:
        tags = Counter(tag for s in load_suite("default").scenarios for tag in s.model.tags)

        assert all(tags[tag] >= 2 for tag in HARD_CASES), {tag: tags[tag] for tag in HARD_CASES}

    def test_every_reply_has_the_intent_a_person_reads_in_it(self) -> None:
        replies = [s for s in load_suite("default").scenarios if s.kind == "reply"]

        assert len(replies) >= 20
        assert all(s.model.expect.intent is not None and s.model.expect.decision for s in replies)

    def test_a_suite_can_select_scenarios_by_id(self) -> None:
        suite = load_suite("smoke")

        assert 4 <= len(suite.scenarios) < len(suite.catalogue)


class TestBadFiles:
    def test_an_unknown_field_names_the_file_the_scenario_and_the_field(self, tmp_path: Path) -> None:
        suite = write_suite(
            tmp_path,
            LEAD + "scenarios:\n  - {id: a, title: A, lead: dana, stage: new_inquiry, "
            "touch: {purpose: acknowledgment}, colour: red}\n",
        )

        with pytest.raises(SuiteError, match=r"scenarios.yaml: scenario 'a': colour: Extra inputs"):
            load_suite(str(suite))

    def test_an_unknown_lead_is_named(self, tmp_path: Path) -> None:
        suite = write_suite(
            tmp_path,
            LEAD + "scenarios:\n  - {id: a, title: A, lead: bob, stage: new_inquiry, "
            "touch: {purpose: acknowledgment}}\n",
        )

        with pytest.raises(SuiteError, match="lead 'bob' is not in this file"):
            load_suite(str(suite))

    def test_an_open_must_say_which_message_was_opened(self, tmp_path: Path) -> None:
        suite = write_suite(
            tmp_path,
            LEAD
            + "scenarios:\n  - {id: a, title: A, lead: dana, stage: hot, history: [{day: 1, event: open}], "
            "expect: {decision: {action: hand_off}}}\n",
        )

        with pytest.raises(SuiteError, match=r"touch: <n>"):
            load_suite(str(suite))

    def test_a_scenario_without_work_is_refused(self, tmp_path: Path) -> None:
        suite = write_suite(tmp_path, LEAD + "scenarios:\n  - {id: a, title: A, lead: dana, stage: hot}\n")

        with pytest.raises(SuiteError, match="give a task"):
            load_suite(str(suite))

    def test_an_unknown_suite_lists_the_known_ones(self) -> None:
        with pytest.raises(SuiteError, match="known suites: default, smoke"):
            load_suite("nightly")


class TestSnapshots:
    def test_history_becomes_the_store_view_the_policy_reads(self, tmp_path: Path) -> None:
        history = (
            "    history:\n"
            "      - {day: 0, sent: acknowledgment}\n"
            "      - {day: 1, sent: value_add}\n"
            "      - {day: 1.2, event: open, touch: 2}\n"
            "      - {day: 2, event: bounce, channel: email}\n"
        )
        scenarios = LEAD + "scenarios:\n  - id: a\n    title: A\n    lead: dana\n    stage: early_sequence\n"
        suite = load_suite(
            str(write_suite(tmp_path, scenarios + history + "    expect: {decision: {action: wait}}\n"))
        )
        scenario = suite.scenarios[0]
        start = suite.model.start

        snapshot = scenario.snapshot(start, SEQUENCES)

        assert [(t.purpose, t.step, t.sequence) for t in snapshot.touches] == [
            (TouchPurpose.ACKNOWLEDGMENT, 0, "new_lead"),
            (TouchPurpose.VALUE_ADD, 1, "new_lead"),
        ]
        kinds = [e.type for e in snapshot.events]
        assert kinds == [EventType.INQUIRY, EventType.OPEN, EventType.BOUNCE]
        opened = snapshot.events[1]
        assert opened.payload["touch_id"] == snapshot.touches[1].id
        assert opened.occurred_at == start + timedelta(days=1.2)
        assert snapshot.suppressed_channels == frozenset({Channel.EMAIL})
        assert snapshot.lead.status is LeadStatus.ACTIVE

    def test_an_imported_lead_has_no_inquiry(self) -> None:
        suite = load_suite("default")
        scenario = next(s for s in suite.scenarios if s.model.imported)

        snapshot = scenario.snapshot(suite.model.start, SEQUENCES)

        assert not [e for e in snapshot.events if e.type is EventType.INQUIRY]
        assert snapshot.lead.created_at == suite.model.start
