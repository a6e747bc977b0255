"""Decide every scenario with the pure policy and score it field by field against the label.

For each scenario the business's playbook (its configuration folder over the shipped defaults) is loaded
once, the history becomes a snapshot (``history.build_snapshot``), and ``next_action`` decides at the
scenario's ``now``. Fields scored, each over the scenarios whose label gives it:

- action: draft, wait, handoff or stop;
- purpose: of the draft, or of the touch a wait leads to (labelled only when the author knew it);
- channel: likewise;
- timing: when the action happens (now for a draft, handoff or stop; the wake-up time for a wait) lies
  inside the label's window. A wait for nothing in particular (``until`` None) is on time only if the
  window is open-ended enough to hold ``now``'s next look: it is scored as happening at ``now``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from agent.playbook import Playbook, load_playbook
from agent.policy import Action, DraftTouch, HandOff, Stop, Wait, next_action
from agent.replies.protocol import ReplyClassifier
from evals.decisions.cases import Scenario
from evals.decisions.history import build_snapshot

FIELDS: Final = ("action", "purpose", "channel", "timing")
# The targets on the frozen test split.
TARGETS: Final = {"action": 0.95, "purpose": 0.85, "channel": 0.95, "timing": 0.95}
ACTION_NAMES: Final = {Wait: "wait", DraftTouch: "draft", HandOff: "handoff", Stop: "stop"}

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Decided:
    """What the policy decided, reduced to the labelled fields."""

    action: str
    purpose: str | None
    channel: str | None
    at: datetime | None
    rules: tuple[str, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: Scenario
    decided: Decided
    correct: dict[str, bool]  # only the fields the label gives

    @property
    def misses(self) -> tuple[str, ...]:
        return tuple(name for name in FIELDS if self.correct.get(name) is False)


@dataclass(frozen=True, slots=True)
class FieldScore:
    correct: int
    total: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Report:
    results: tuple[ScenarioResult, ...]
    split: str

    def field(self, name: str) -> FieldScore:
        scored = [r.correct[name] for r in self.results if name in r.correct]
        return FieldScore(sum(scored), len(scored))

    def by_business(self) -> dict[str, dict[str, FieldScore]]:
        out: dict[str, dict[str, FieldScore]] = {}
        for business in sorted({r.scenario.business for r in self.results}):
            mine = Report(tuple(r for r in self.results if r.scenario.business == business), self.split)
            out[business] = {name: mine.field(name) for name in FIELDS}
        return out

    @property
    def missed_targets(self) -> list[str]:
        out = []
        for name, target in TARGETS.items():
            accuracy = self.field(name).accuracy
            if accuracy is not None and accuracy < target:
                out.append(f"{name} {accuracy:.2f} < {target:.2f}")
        return out

    @property
    def consent_violations(self) -> list[str]:
        """Scenarios where the policy would write on a channel the lead has not consented to (must be
        none, whatever the labels say)."""
        return [
            f"{r.scenario.id}: {r.decided.action} by {r.decided.channel}"
            for r in self.results
            if r.decided.action == "draft" and not consented(r.scenario, r.decided.channel)
        ]

    @property
    def passed(self) -> bool:
        return not self.missed_targets and not self.consent_violations

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "scenarios": len(self.results),
            "fields": {
                name: {"correct": s.correct, "total": s.total, "accuracy": s.accuracy}
                for name in FIELDS
                for s in [self.field(name)]
            },
            "targets": TARGETS,
            "passed": self.passed,
            "consent_violations": self.consent_violations,
            "by_business": {
                business: {name: {"correct": s.correct, "total": s.total} for name, s in fields.items()}
                for business, fields in self.by_business().items()
            },
            "results": [_result_dict(r) for r in self.results],
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, default=str) + "\n", encoding="utf-8")


def _result_dict(result: ScenarioResult) -> dict[str, Any]:
    expect = result.scenario.expect
    decided = result.decided
    return {
        "id": result.scenario.id,
        "business": result.scenario.business,
        "expected": {
            "action": expect.action,
            "purpose": expect.purpose.value if expect.purpose else None,
            "channel": expect.channel.value if expect.channel else None,
            "window": [expect.window[0].isoformat(), expect.window[1].isoformat()],
        },
        "decided": {
            "action": decided.action,
            "purpose": decided.purpose,
            "channel": decided.channel,
            "at": decided.at.isoformat() if decided.at else None,
            "rules": list(decided.rules),
            "summary": decided.summary,
        },
        "correct": result.correct,
        "misses": list(result.misses),
    }


def consented(scenario: Scenario, channel: str | None) -> bool:
    """May a message go to this lead on ``channel``: an address and the lead's consent for it (a call
    needs a number; a rep makes it)."""
    lead = scenario.lead
    if channel == "email":
        return bool(lead.email) and lead.consent_email
    if channel == "sms":
        return bool(lead.phone) and lead.consent_sms
    if channel == "phone":
        return bool(lead.phone)
    return False


def reduce(action: Action, now: datetime) -> Decided:
    """The labelled fields of a decision (a wait carries the touch it waits for, when it knows it)."""
    from agent.policy import describe

    purpose = channel = None
    at: datetime | None = now
    if isinstance(action, DraftTouch):
        purpose, channel = action.purpose.value, action.channel.value
    elif isinstance(action, Wait):
        at = action.until or now  # waiting on something in flight: the loop looks again at every event
        purpose = action.purpose.value if action.purpose else None
        channel = action.channel.value if action.channel else None
    return Decided(ACTION_NAMES[type(action)], purpose, channel, at, tuple(action.rules), describe(action))


def score(scenario: Scenario, decided: Decided) -> dict[str, bool]:
    """Per labelled field, right or wrong."""
    expect = scenario.expect
    correct = {"action": decided.action == expect.action}
    if expect.purpose is not None:
        correct["purpose"] = correct["action"] and decided.purpose == expect.purpose.value
    if expect.channel is not None:
        correct["channel"] = correct["action"] and decided.channel == expect.channel.value
    at = decided.at
    correct["timing"] = at is not None and expect.window[0] <= at <= expect.window[1]
    return correct


def decide(scenario: Scenario, playbook: Playbook, reader: ReplyClassifier) -> Decided:
    snapshot = build_snapshot(scenario, reader)
    action = next_action(snapshot, playbook.sequences, scenario.now, playbook.policy)
    return reduce(action, scenario.now)


def evaluate(
    scenarios: list[Scenario],
    reader: ReplyClassifier,
    *,
    split: str = "dev",
    on_progress: ProgressCallback | None = None,
) -> Report:
    playbooks: dict[Path | None, Playbook] = {}
    results = []
    for done, scenario in enumerate(scenarios, 1):
        if scenario.config_dir not in playbooks:
            playbooks[scenario.config_dir] = load_playbook(scenario.config_dir)
        decided = decide(scenario, playbooks[scenario.config_dir], reader)
        results.append(ScenarioResult(scenario, decided, score(scenario, decided)))
        if on_progress is not None:
            on_progress(done, len(scenarios))
    return Report(tuple(results), split)
