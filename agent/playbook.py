"""The business's own playbook: its configuration folder over the shipped defaults, as plain data.

The folder (``TOUCHPOINT_CONFIG_DIR``) may hold, each optional:

- ``sequences/*.yaml``: the business's sequences, started by any event type, its own included
  (``project_completed``, ``renewal_due``...); a file with a shipped sequence's name replaces it;
- ``triggers.yaml``: which pages mean pricing interest, a download, a case study, by URL substring or by
  knowledge document id (a kind the file names replaces the shipped patterns of that kind);
- ``policy.yaml``: caps, hours, thresholds (a key the file leaves out keeps its setting);
- ``company.yaml``: the company profile (``agent/company.py``), unless TOUCHPOINT_COMPANY_PROFILE names one.

Loaded once at the edge (the container, the eval harness) into a ``Playbook`` that the pure policy takes;
the policy never reads a file. Every error names the file and the line, so ``touchpoint config check``
can point at the mistake before the server starts on it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.domain import RiskTier
from agent.policy import DEFAULT_CONFIG, PolicyConfig
from agent.scoring import PAGE_KINDS, PageRule
from agent.sequences import Sequence, SequenceError, load_sequences
from agent.timing import Cap, Hours
from agent.yaml_lines import line_of, yaml_error_line

logger = logging.getLogger(__name__)

SEQUENCES: Final = "sequences"
TRIGGERS_FILE: Final = "triggers.yaml"
POLICY_FILE: Final = "policy.yaml"
COMPANY_FILE: Final = (
    "company.yaml"  # the company profile (agent/company.py), when TOUCHPOINT_COMPANY_PROFILE is unset
)
KNOWN_ENTRIES: Final = frozenset({SEQUENCES, TRIGGERS_FILE, POLICY_FILE, COMPANY_FILE, "README.md"})
M = TypeVar("M", bound=BaseModel)


class ConfigError(ValueError):
    """The configuration folder is wrong somewhere; the message names the file and the line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PagesModel(_Strict):
    urls: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()


class TriggersModel(_Strict):
    """``triggers.yaml``: per kind of page, its URL substrings and knowledge documents."""

    pricing: PagesModel | None = None
    download: PagesModel | None = None
    case_study: PagesModel | None = None


class CapsModel(_Strict):
    day: int | None = Field(default=None, ge=1)
    week: int | None = Field(default=None, ge=1)
    month: int | None = Field(default=None, ge=1)


class PolicyModel(_Strict):
    """``policy.yaml``: the playbook's numbers where the business wants others than the shipped ones."""

    caps: CapsModel | None = None
    email_hours: str | None = None
    sms_hours: str | None = None
    phone_hours: str | None = None
    b2b_weekdays_only: bool | None = None
    auto_send_max_risk: RiskTier | None = None
    hot_score: float | None = Field(default=None, gt=0, le=100)
    high_value: Decimal | None = Field(default=None, gt=0)
    absence_days: int | None = Field(default=None, ge=1, le=365)
    unopened_streak: int | None = Field(default=None, ge=1)
    slow_down_days: int | None = Field(default=None, ge=1, le=365)
    trigger_freshness_days: int | None = Field(default=None, ge=1, le=90)
    hot_opens_in_a_row: int | None = Field(default=None, ge=1)
    hot_visits: int | None = Field(default=None, ge=1)


@dataclass(frozen=True, slots=True)
class Playbook:
    """Everything the policy decides by, for one business: sequences and the policy's configuration."""

    sequences: dict[str, Sequence]
    policy: PolicyConfig
    folder: Path | None = None


def load_playbook(folder: Path | None = None, base: PolicyConfig = DEFAULT_CONFIG) -> Playbook:
    """The shipped playbook with ``folder``'s files over it (``base``: the settings' policy numbers)."""
    if folder is None:
        return Playbook(load_sequences(), base)
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such configuration folder (TOUCHPOINT_CONFIG_DIR)")
    try:
        sequences = load_sequences(business=folder / SEQUENCES)
    except SequenceError as exc:
        raise ConfigError(str(exc)) from None
    policy = _policy(folder / POLICY_FILE, base)
    pages = _pages(folder / TRIGGERS_FILE, dict(policy.scoring.pages))
    policy = dataclasses.replace(policy, scoring=dataclasses.replace(policy.scoring, pages=pages))
    return Playbook(sequences, policy, folder)


def check_folder(folder: Path) -> list[str]:
    """What is wrong with a configuration folder (empty: nothing), for ``touchpoint config check``."""
    problems = []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.name not in KNOWN_ENTRIES and not entry.name.startswith("."):
                problems.append(
                    f"{entry}: not a file Touchpoint reads (known: {', '.join(sorted(KNOWN_ENTRIES))})"
                )
    try:
        load_playbook(folder)
    except ConfigError as exc:
        problems.insert(0, str(exc))
    company = folder / COMPANY_FILE
    if company.is_file():
        from agent.company import ProfileError, load_profile

        try:
            load_profile(company)
        except ProfileError as exc:
            problems.append(str(exc))
    return problems


def _read(path: Path) -> tuple[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = yaml_error_line(exc)
        raise ConfigError(f"{path}:{line or 1}: not valid YAML: {exc}") from None


def _validate(model: type[M], path: Path) -> M | None:
    if not path.is_file():
        return None
    text, data = _read(path)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [p for p in error["loc"] if isinstance(p, int | str)]
            field = ".".join(str(p) for p in loc) or "file"
            problems.append(f"{path}:{line_of(text, loc) or 1}: {field}: {error['msg']}")
        raise ConfigError("; ".join(problems)) from None


def _hours(text: str | None, current: Hours, path: Path, key: str) -> Hours:
    if text is None:
        return current
    try:
        return Hours.parse(text)
    except ValueError as exc:
        line = line_of(path.read_text(encoding="utf-8"), [key]) or 1
        raise ConfigError(f"{path}:{line}: {key}: {exc}") from None


def _policy(path: Path, base: PolicyConfig) -> PolicyConfig:
    model = _validate(PolicyModel, path)
    if model is None:
        return base
    caps = base.caps
    if model.caps is not None:
        limits = {"cap.day": model.caps.day, "cap.week": model.caps.week, "cap.month": model.caps.month}
        caps = tuple(Cap(cap.name, limits.get(cap.name) or cap.limit, cap.window) for cap in base.caps)
    sms_hours = _hours(model.sms_hours, base.sms_hours, path, "sms_hours")
    changes: dict[str, Any] = {
        "caps": caps,
        "email_hours": _hours(model.email_hours, base.email_hours, path, "email_hours"),
        "sms_hours": sms_hours,
        "phone_hours": _hours(
            model.phone_hours, sms_hours if model.sms_hours else base.phone_hours, path, "phone_hours"
        ),
    }
    plain = {
        "b2b_weekdays_only": model.b2b_weekdays_only,
        "hot_score": model.hot_score,
        "high_value": model.high_value,
        "unopened_streak": model.unopened_streak,
        "hot_opens_in_a_row": model.hot_opens_in_a_row,
        "hot_visits": model.hot_visits,
    }
    changes.update({k: v for k, v in plain.items() if v is not None})
    days = {
        "absence": model.absence_days,
        "slow_down": model.slow_down_days,
        "trigger_freshness": model.trigger_freshness_days,
    }
    changes.update({k: timedelta(days=v) for k, v in days.items() if v is not None})
    if model.auto_send_max_risk is not None:
        changes["auto_send_max_risk"] = model.auto_send_max_risk
    return dataclasses.replace(base, **changes)


def _pages(path: Path, pages: dict[str, PageRule]) -> dict[str, PageRule]:
    model = _validate(TriggersModel, path)
    if model is None:
        return pages
    for kind in PAGE_KINDS:
        given: PagesModel | None = getattr(model, kind)
        if given is not None:
            pages[kind] = PageRule(
                tuple(url.lower() for url in given.urls), frozenset(_document_ids(given.documents))
            )
    return pages


def _document_ids(documents: tuple[str, ...]) -> set[str]:
    """A document by its id, with or without its folder ("faqs/payment-plans" or "payment-plans")."""
    return {name for document in documents for name in (document, document.rsplit("/", 1)[-1])}


class PlaybookReloader:
    """Keeps a running process on the business's current playbook, without a restart.

    A process checks the folder at most every ``every`` seconds (the worker at each tick, the API at a
    request): when a file changed, the folder is read whole; a valid new version replaces the loop's
    sequences and policy at once, and an invalid one is refused with its reason, logged once, the old
    version kept. ``refused`` says why the folder on disk is not the one in use.
    """

    def __init__(
        self,
        loop: PlaybookUser,
        folder: Path | None,
        base: PolicyConfig,
        *,
        every: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.loop, self.folder, self.base, self.every, self.monotonic = loop, folder, base, every, monotonic
        self.version = folder_version(folder)
        self.refused: str | None = None
        self._checked = monotonic()
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Reload if the folder changed since it was last read; True when a new version was taken."""
        if self.folder is None or self.monotonic() - self._checked < self.every:
            return False
        with self._lock:
            self._checked = self.monotonic()
            version = folder_version(self.folder)
            if version == self.version:
                return False
            self.version = version
            try:
                playbook = load_playbook(self.folder, self.base)
            except ConfigError as exc:
                self.refused = str(exc)
                logger.error("configuration not reloaded, the previous version stays in use: %s", exc)
                return False
            self.loop.use_playbook(playbook.sequences, playbook.policy)
            self.refused = None
            logger.info("configuration reloaded from %s", self.folder)
            return True


class PlaybookUser(Protocol):
    def use_playbook(self, sequences: Mapping[str, Sequence], config: PolicyConfig) -> None: ...


def folder_version(folder: Path | None) -> tuple[tuple[str, int, int], ...]:
    """What changes when any file of the folder is edited, added or removed: names, sizes, mtimes."""
    if folder is None or not folder.is_dir():
        return ()
    return tuple(
        (path.relative_to(folder).as_posix(), stat.st_mtime_ns, stat.st_size)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )
