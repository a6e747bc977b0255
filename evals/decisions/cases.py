"""The decision scenarios: one lead's history up to ``now``, in the import format, and the next action a
careful assistant running the business's playbook would take (``GUIDE.md``).

A scenario file names its business; the business's configuration folder (sequences, triggers, policy
numbers) is ``config/`` beside the file, when there is one (northstar has none: the default playbook).
Everything is validated with pydantic when loaded: a typo fails with the file, the scenario id and the
field, never halfway through a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from agent.domain import Channel, ContactFrequency, LeadStatus, TouchPurpose
from agent.history_records import (
    EventRecordModel,
    HistoryRecord,
    InquiryRecord,
    PreferenceRecord,
    ReplyRecord,
    StatusRecord,
    TouchRecordModel,
    TouchState,
    UnsubscribeRecord,
)
from evals.guardrails.cases import validation_message

__all__ = [
    "EventRecordModel",
    "HistoryRecord",
    "InquiryRecord",
    "PreferenceRecord",
    "ReplyRecord",
    "StatusRecord",
    "TouchRecordModel",
    "TouchState",
    "UnsubscribeRecord",
]

HERE: Final = Path(__file__).parent
BLIND_DIR: Final = HERE / "blind"
SPLITS: Final = ("dev", "test")
ACTIONS: Final = ("draft", "wait", "handoff", "stop")


class CaseFileError(ValueError):
    """A scenario file is malformed; the message names the file, the scenario and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeadColumns(_Strict):
    """The CRM's columns for the lead (GUIDE.md, "One scenario")."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    timezone: str = "UTC"
    consent_email: bool = False
    consent_sms: bool = False
    deal_value: Decimal | None = None
    preferred_channel: Channel | None = None
    contact_frequency: ContactFrequency = ContactFrequency.NORMAL
    status: LeadStatus = LeadStatus.NEW
    language: str | None = None


class Expect(_Strict):
    action: Literal["draft", "wait", "handoff", "stop"]
    purpose: TouchPurpose | None = None
    channel: Channel | None = None
    window: tuple[AwareDatetime, AwareDatetime]

    @model_validator(mode="after")
    def _ordered(self) -> Expect:
        if self.window[1] < self.window[0]:
            raise ValueError("window: the end comes before the start")
        return self


class ScenarioModel(_Strict):
    id: str = Field(min_length=1)
    now: AwareDatetime
    lead: LeadColumns
    history: tuple[HistoryRecord, ...] = ()
    expect: Expect
    note: str = ""


class ScenarioFileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business: str = Field(min_length=1)
    scenarios: list[Any]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One validated scenario, with the business and the configuration folder it is decided under."""

    id: str
    business: str
    file: Path
    config_dir: Path | None
    now: datetime
    lead: LeadColumns
    history: tuple[HistoryRecord, ...]
    expect: Expect
    note: str


def split_files(split: str, root: Path = BLIND_DIR) -> list[Path]:
    """The scenario files of one split, one per business (``blind/<business>/<split>.yaml``)."""
    if split not in SPLITS:
        raise CaseFileError(f"--split {split!r}: use one of {', '.join(SPLITS)}")
    files = sorted(root.glob(f"*/{split}.yaml"))
    if not files:
        raise CaseFileError(f"{root} holds no {split}.yaml file")
    return files


def load_scenarios(paths: list[Path] | Path) -> list[Scenario]:
    """Every scenario of the files (or of the ``*.yaml`` files of a folder), ids unique across files."""
    if isinstance(paths, Path):
        paths = sorted(paths.rglob("*.yaml")) if paths.is_dir() else [paths]
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for scenario in _load_file(path):
            if scenario.id in seen:
                raise CaseFileError(f"{path}: scenario {scenario.id!r} is also in {seen[scenario.id]}")
            seen[scenario.id] = path
            scenarios.append(scenario)
    if not scenarios:
        raise CaseFileError(f"no scenario in {', '.join(str(p) for p in paths) or 'nothing'}")
    return scenarios


def _load_file(path: Path) -> list[Scenario]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CaseFileError(f"{path} must be a mapping with business and scenarios")
    try:
        header = ScenarioFileModel.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(f"{path}: {validation_message(exc)}") from exc
    folder = path.parent / "config"
    config_dir = folder if folder.is_dir() else None
    out = []
    for n, raw in enumerate(header.scenarios, 1):
        where = f"{path}: scenario {raw.get('id', n)!r}" if isinstance(raw, dict) else f"{path}: scenario {n}"
        try:
            model = ScenarioModel.model_validate(raw)
        except ValidationError as exc:
            raise CaseFileError(f"{where}: {validation_message(exc)}") from exc
        out.append(
            Scenario(
                id=model.id,
                business=header.business,
                file=path,
                config_dir=config_dir,
                now=model.now,
                lead=model.lead,
                history=model.history,
                expect=model.expect,
                note=model.note,
            )
        )
    return out
