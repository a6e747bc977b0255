"""Sequences as data: YAML files validated at load, so a typo fails at start-up with the file and field.

A sequence is a plan of steps (purpose, day offset, channel, whether it may go out without a rep)
that a lead is enrolled in by a trigger (``starts_on``), and what follows when it is done (``then``,
or ``repeat_every_days`` for a plan that never ends, like monthly nurture).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.domain import Channel, EventType, RiskTier, TouchPurpose
from agent.yaml_lines import line_of, yaml_error_line

SEQUENCES_DIR = Path(__file__).parent
FIRST_SEQUENCE = "new_lead"  # where every lead starts

# What may enrol a lead: an event of these types (or of a type the business defines and records, such as
# ``project_completed``), or one of the loop's own observations.
QUIET = "quiet"  # a lead who had engaged has been silent for ``absence_days``
RETURNED = "returned"  # a lead came back (visited, opened, clicked) after ``absence_days`` of silence
EVENT_TRIGGERS = (EventType.INQUIRY, EventType.QUOTE_SENT, EventType.MEETING_BOOKED, EventType.MEETING_HELD)
TRIGGERS = frozenset({*(t.value for t in EVENT_TRIGGERS), EventType.PURCHASE.value, QUIET, RETURNED})
EVENT_NAME = r"^[a-z][a-z0-9_]{0,59}$"  # a sequence's name, and an event type a sequence starts on

# The risk of a purpose when a step does not say otherwise.
PURPOSE_RISK: Mapping[TouchPurpose, RiskTier] = {
    TouchPurpose.ACKNOWLEDGMENT: RiskTier.LOW,
    TouchPurpose.PERSONAL_RESPONSE: RiskTier.LOW,
    TouchPurpose.VALUE_ADD: RiskTier.LOW,
    TouchPurpose.SOCIAL_PROOF: RiskTier.LOW,
    TouchPurpose.FAQ: RiskTier.LOW,
    TouchPurpose.NURTURE: RiskTier.LOW,
    TouchPurpose.OBJECTION: RiskTier.MEDIUM,
    TouchPurpose.CHECK_IN: RiskTier.MEDIUM,
    TouchPurpose.RE_ENGAGEMENT: RiskTier.MEDIUM,
    TouchPurpose.POST_MEETING: RiskTier.MEDIUM,
    TouchPurpose.PRICING: RiskTier.HIGH,
    TouchPurpose.BREAKUP: RiskTier.HIGH,
}


class SequenceError(Exception):
    pass


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: TouchPurpose
    day: int = Field(ge=0, le=3650)
    channel: Channel = Channel.EMAIL
    auto_send: bool = False  # the author allows it; the settings' risk ceiling has the last word
    risk: RiskTier | None = None  # default: the purpose's (PURPOSE_RISK)
    angle: str = Field(default="", max_length=300)  # what this touch is for, in words the drafter reads
    # The step's local time of day ("10:00"); None: the time of day of the event that started the sequence.
    at: time | None = None

    @property
    def risk_tier(self) -> RiskTier:
        return self.risk or PURPOSE_RISK[self.purpose]


class Sequence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=EVENT_NAME)
    version: int = 1
    description: str = ""
    starts_on: tuple[Annotated[str, Field(pattern=EVENT_NAME)], ...] = ()
    then: str | None = None  # the sequence that follows the last step
    repeat_every_days: int | None = Field(default=None, ge=7, le=365)  # the last step, again and again
    final_status: Literal["converted", "closed"] | None = None  # the lead's status when it ends
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Sequence:
        days = [step.day for step in self.steps]
        if days != sorted(days):
            raise ValueError(f"step days must not go backwards, got {days}")
        endings = [name for name, value in self._endings() if value]
        if len(endings) > 1:
            raise ValueError(f"a sequence ends one way: {' and '.join(endings)} cannot both be set")
        return self

    def _endings(self) -> list[tuple[str, object]]:
        return [
            ("then", self.then),
            ("repeat_every_days", self.repeat_every_days),
            ("final_status", self.final_status),
        ]

    def step_at(self, index: int) -> Step | None:
        """The step at ``index``; past the end, the last step again if the sequence repeats."""
        if index < len(self.steps):
            return self.steps[index]
        return self.steps[-1] if self.repeat_every_days else None

    def day_of(self, index: int) -> int:
        last = len(self.steps) - 1
        if index <= last:
            return self.steps[index].day
        assert self.repeat_every_days is not None
        return self.steps[last].day + (index - last) * self.repeat_every_days


def parse_sequence(path: Path) -> Sequence:
    """One sequence file, validated; errors name the file and the line (``new_lead.yaml:12: steps.1...``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SequenceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = yaml_error_line(exc)
        where = f"{path}:{line}" if line else str(path)
        raise SequenceError(f"{where}: not valid YAML: {exc}") from None
    try:
        return Sequence.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [p for p in error["loc"] if isinstance(p, int | str)]
            line = line_of(text, loc)
            field = ".".join(str(p) for p in loc) or "file"
            problems.append(
                f"{path}:{line}: {field}: {error['msg']}" if line else f"{path}: {field}: {error['msg']}"
            )
        raise SequenceError("; ".join(problems)) from None


@cache
def load_sequences(directory: Path = SEQUENCES_DIR, business: Path | None = None) -> dict[str, Sequence]:
    """Every ``*.yaml`` of ``directory``, then of the business's own folder ``business`` (its
    configuration folder's ``sequences/``), checked together: names unique within a folder, ``then``
    known, one sequence per trigger.

    A business file with a shipped sequence's name replaces it; a business sequence starting on a trigger
    a shipped one starts on takes that trigger over (the business's playbook wins where it speaks).
    """
    shipped = _load_folder(directory)
    own = _load_folder(business) if business is not None and business.is_dir() else []
    mine = {sequence.name for _, sequence in own}
    claimed = {trigger for _, sequence in own for trigger in sequence.starts_on}
    loaded = [
        (path, _without(sequence, claimed)) for path, sequence in shipped if sequence.name not in mine
    ] + own
    sequences: dict[str, Sequence] = {}
    starters: dict[str, str] = {}
    for path, sequence in loaded:
        sequences[sequence.name] = sequence
        for trigger in sequence.starts_on:
            if trigger in starters:
                raise SequenceError(f"{path}: {trigger!r} already starts the sequence {starters[trigger]!r}")
            starters[trigger] = sequence.name
    for path, sequence in loaded:
        if sequence.then is not None and sequence.then not in sequences:
            raise SequenceError(
                f"{path}: then: no sequence named {sequence.then!r} (known: {sorted(sequences)})"
            )
    return sequences


def _load_folder(directory: Path) -> list[tuple[Path, Sequence]]:
    loaded = [(path, parse_sequence(path)) for path in sorted(directory.glob("*.yaml"))]
    names: dict[str, Path] = {}
    for path, sequence in loaded:
        if sequence.name in names:
            raise SequenceError(f"{path}: another file already defines the sequence {sequence.name!r}")
        names[sequence.name] = path
    return loaded


def _without(sequence: Sequence, triggers: set[str]) -> Sequence:
    if not triggers & set(sequence.starts_on):
        return sequence
    return sequence.model_copy(
        update={"starts_on": tuple(t for t in sequence.starts_on if t not in triggers)}
    )


def starting_on(sequences: Mapping[str, Sequence], trigger: str) -> Sequence | None:
    """The sequence a trigger enrols a lead in, if one declares it."""
    return next((s for s in sequences.values() if trigger in s.starts_on), None)
