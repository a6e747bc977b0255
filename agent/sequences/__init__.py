"""Sequences as data: YAML files validated at load, so a typo fails at start-up with the file and field."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.domain import Channel, TouchPurpose

SEQUENCES_DIR = Path(__file__).parent


class SequenceError(Exception):
    pass


class Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: TouchPurpose
    day: int = Field(ge=0, le=3650)
    channel: Channel = Channel.EMAIL
    auto_send: bool = False


class Sequence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: int
    description: str = ""
    steps: tuple[Step, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _days_ascend(self) -> Sequence:
        days = [step.day for step in self.steps]
        if days != sorted(days):
            raise ValueError(f"step days must not go backwards, got {days}")
        return self


def parse_sequence(path: Path) -> Sequence:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Sequence.model_validate(data)
    except yaml.YAMLError as exc:
        raise SequenceError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise SequenceError(f"{path}: {problems}") from None


@cache
def load_sequences(directory: Path = SEQUENCES_DIR) -> dict[str, Sequence]:
    sequences = [parse_sequence(path) for path in sorted(directory.glob("*.yaml"))]
    return {sequence.name: sequence for sequence in sequences}
