"""Suites and lead scenarios as data: validated when loaded, turned into the snapshots the real code reads.

A *scenario* is one lead at one moment: who they are (the fields of ``LeadContext``), what happened so
far (the inquiry, the touches we sent, opens, visits, downloads, replies, milestones), and the work to
evaluate: a touch to write, a whole sequence to write, or a reply to handle, with what a careful person
expects (the decision the policy should take, the reply's intent, the sources that should come back,
things no draft may ever say). Times are days after the lead's inquiry, which every scenario of a suite
places at the suite's ``start``, so a run is the same on every machine and every day.

A *suite* names the scenario files to run, the company they are written for (identity and knowledge
folder), the judge's rubric, and the thresholds that gate CI. Files are validated with pydantic: a typo
fails with the file, the scenario id and the field, before anything runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from agent.domain import (
    Channel,
    CompanyIdentity,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyIntent,
    ReplyReading,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.sequences import FIRST_SEQUENCE, Sequence
from evals.guardrails.cases import (
    CaseFileError,
    CompanyIdentityModel,
    LeadModel,
    read_yaml,
    validation_message,
)

HERE: Final = Path(__file__).parent
SUITES_DIR: Final = HERE / "suites"
REPO_ROOT: Final = HERE.parents[1]
# A person's browser: opens and clicks in scenarios are a person's unless a scenario says otherwise.
HUMAN_AGENT: Final = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Safari/17.1"
SECONDS_AFTER: Final = timedelta(seconds=20)  # a touch "sent on day 0" leaves 20 s after the inquiry

HistoryEvent = Literal[
    "inquiry",
    "open",
    "click",
    "page_visit",
    "download",
    "reply",
    "bounce",
    "complaint",
    "unsubscribe",
    "meeting_booked",
    "meeting_held",
    "quote_sent",
    "purchase",
]
Stage = Literal[
    "new_inquiry",
    "early_sequence",
    "late_sequence",
    "nurture",
    "returning",
    "post_quote",
    "post_meeting",
    "customer",
    "reply",
    "hot",
]
ActionKind = Literal["draft_touch", "hand_off", "stop", "wait"]


class SuiteError(ValueError):
    """A suite or scenario file is malformed; the message names the file, the scenario and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HistoryItem(_Strict):
    """One thing that happened: a touch we sent (``sent``) or an event (``event``), ``day`` days in."""

    day: float = Field(ge=0)
    sent: TouchPurpose | None = None
    event: HistoryEvent | None = None
    channel: Channel | None = None
    body: str | None = None  # the sent message's text (a neutral stand-in when not given)
    sources: tuple[str, ...] = ()  # knowledge documents a sent touch cited (retrieval will not repeat them)
    sequence: str | None = None  # a sent touch's sequence and step (default: its purpose's step in new_lead)
    step: int | None = None
    touch: int | None = Field(default=None, ge=1)  # opens and clicks: the n-th sent touch of the history
    url: str | None = None
    title: str | None = None
    message: str | None = None  # an inquiry's or a reply's text
    subject: str | None = None
    intent: ReplyIntent | None = None  # a reply read (and handled) before the moment evaluated
    user_agent: str | None = None  # set it to a mail proxy's or a scanner's to make machine activity

    @model_validator(mode="after")
    def _one_kind(self) -> HistoryItem:
        if (self.sent is None) == (self.event is None):
            raise ValueError("a history item is either `sent: <purpose>` or `event: <type>`")
        if self.event in {"open", "click"} and self.touch is None:
            raise ValueError(f"an {self.event} names the sent touch it belongs to: `touch: <n>`")
        return self


class TouchTask(_Strict):
    """The touch to write, as the policy would ask for it."""

    purpose: TouchPurpose
    channel: Literal[Channel.EMAIL, Channel.SMS] = Channel.EMAIL


class SequenceTask(_Strict):
    """Write the first ``steps`` steps of a sequence, each on its day, each seeing the ones before."""

    name: str = FIRST_SEQUENCE
    steps: int = Field(ge=2, le=12)


class ReplyTask(_Strict):
    """A reply that just arrived, to classify and decide on."""

    day: float = Field(ge=0)
    message: str
    subject: str | None = None
    sender: str | None = None
    channel: Literal[Channel.EMAIL, Channel.SMS] = Channel.EMAIL


class DecisionExpectation(_Strict):
    action: ActionKind
    purpose: TouchPurpose | None = None
    channel: Channel | None = None
    reason: str | None = None  # a handoff's or a stop's reason, e.g. high_value, frustrated, unsubscribed

    @model_validator(mode="after")
    def _fits(self) -> DecisionExpectation:
        if (self.purpose or self.channel) and self.action != "draft_touch":
            raise ValueError("purpose and channel only go with action: draft_touch")
        return self


class Expectations(_Strict):
    decision: DecisionExpectation | None = None
    intent: ReplyIntent | None = None
    sources: tuple[str, ...] = ()  # documents a good marketer wants in the top three for the touch
    never_say: tuple[str, ...] = ()  # text no draft may contain (case-insensitive): injected payloads


class ScenarioModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    lead: str | LeadModel
    stage: Stage
    tags: tuple[str, ...] = ()  # hard cases: no-case-study, hostile, injection, other-language, ...
    imported: bool = False  # imported from a CRM: no inquiry, day 0 is when we first knew of them
    status: LeadStatus | None = None  # default: new before the first touch, active after
    history: tuple[HistoryItem, ...] = ()
    now: float | None = Field(default=None, ge=0)  # days after the inquiry; default: just after the last item
    touch: TouchTask | None = None
    sequence: SequenceTask | None = None
    reply: ReplyTask | None = None
    expect: Expectations = Expectations()

    @model_validator(mode="after")
    def _has_work(self) -> ScenarioModel:
        tasks = [t for t in (self.touch, self.sequence, self.reply) if t is not None]
        if len(tasks) > 1:
            raise ValueError("a scenario has one task: `touch`, `sequence` or `reply`")
        if not tasks and self.expect.decision is None:
            raise ValueError("give a task (`touch`, `sequence` or `reply`) or an `expect.decision`")
        if self.expect.intent is not None and self.reply is None:
            raise ValueError("`expect.intent` needs a `reply` to classify")
        if self.sequence is not None and (self.now is not None or self.history):
            raise ValueError("a `sequence` scenario starts from the inquiry: no `history` or `now`")
        if self.reply is not None and self.now is not None and self.now < self.reply.day:
            raise ValueError("`now` cannot be before the reply arrived")
        last = max((item.day for item in self.history), default=0.0)
        if self.now is not None and self.now < last:
            raise ValueError(f"`now` ({self.now}) is before the last history item (day {last})")
        return self


class ScenarioFile(_Strict):
    leads: dict[str, LeadModel] = {}
    scenarios: list[dict[str, Any]]


class Threshold(_Strict):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if (self.min is None) == (self.max is None):
            raise ValueError("a threshold is `{min: x}` or `{max: x}`")
        return self

    def holds(self, value: float) -> bool:
        return value >= self.min if self.min is not None else value <= (self.max or 0.0)

    def describe(self) -> str:
        return f">= {self.min:g}" if self.min is not None else f"<= {self.max:g}"


class JudgeConfig(_Strict):
    rubric: str = "judge-v1"  # prompts/<rubric>.yaml
    samples: int = Field(default=3, ge=1, le=9)
    temperature: float = Field(default=0.7, ge=0, le=2)
    human_labels: str | None = "../human_labels.yaml"  # relative to the suite file
    human_label_ids: tuple[str, ...] = ()  # a subset of the labelled items (all when empty)


class Include(_Strict):
    ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


class SuiteModel(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    start: datetime  # the inquiry of every scenario; a Monday morning makes the sequence days weekdays
    knowledge: str = "knowledge/content"  # the folder the scenarios are written for (repository-relative)
    identity: CompanyIdentityModel
    scenarios: tuple[str, ...]  # files or globs, relative to the suite file
    include: Include | None = None  # run only these scenarios (by id or tag)
    judge: JudgeConfig = JudgeConfig()
    thresholds: dict[str, Threshold] = {}
    max_error_rate: float = Field(default=0.0, ge=0, le=1)  # share of model or judge calls that may fail

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2026-11-23T14:30:00+00:00")
        return value


@dataclass(frozen=True, slots=True)
class Scenario:
    model: ScenarioModel
    lead_model: LeadModel
    file: Path

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def kind(self) -> str:
        if self.model.touch is not None:
            return "touch"
        if self.model.sequence is not None:
            return "sequence"
        if self.model.reply is not None:
            return "reply"
        return "decision"

    def lead(self, start: datetime, *, touched: bool) -> LeadContext:
        status = self.model.status or (LeadStatus.ACTIVE if touched else LeadStatus.NEW)
        return replace(self.lead_model.context(), status=status, created_at=start)

    def now(self, start: datetime) -> datetime:
        return start + timedelta(days=self.default_now())

    def default_now(self) -> float:
        """Days in: as given, else a minute after the reply or the last thing that happened."""
        if self.model.now is not None:
            return self.model.now
        if self.model.reply is not None:
            return self.model.reply.day + 1 / 1440
        return max((item.day for item in self.model.history), default=0.0) + 1 / 1440

    def snapshot(
        self,
        start: datetime,
        sequences: dict[str, Sequence],
        *,
        reply: EventRecord | None = None,
        extra_touches: tuple[TouchRecord, ...] = (),
        suppressed: frozenset[Channel] = frozenset(),
        unreachable: frozenset[Channel] = frozenset(),
    ) -> LeadSnapshot:
        """The lead as the store would hand it to the policy: events, sent touches, suppressions
        (``unreachable``: those of ``suppressed`` that are a dead address, not an opt-out)."""
        ids = (f"{self.id}-{n}" for n in itertools.count(1))
        touches = list(_sent_touches(self.model.history, start, sequences, ids)) + list(extra_touches)
        events: list[EventRecord] = []
        if not self.model.imported and not any(item.event == "inquiry" for item in self.model.history):
            message = self.lead_model.inquiry_text or ""
            events.append(_event(EventType.INQUIRY, start, next(ids), Channel.EMAIL, {"message": message}))
        sent = [t for t in touches if t.sent_at is not None]
        for item in self.model.history:
            if item.event is not None:
                events.append(_history_event(item, start, next(ids), sent))
        if reply is not None:
            events.append(reply)
        events.sort(key=lambda e: e.occurred_at)
        opted_out, bounced = _suppressed(events)
        return LeadSnapshot(
            lead=self.lead(start, touched=bool(touches)),
            events=tuple(events),
            touches=tuple(touches),
            suppressed_channels=opted_out | bounced | suppressed,
            unreachable_channels=(bounced | unreachable) - opted_out - (suppressed - unreachable),
        )

    def reply_event(self, start: datetime, reading: ReplyReading | None) -> EventRecord | None:
        task = self.model.reply
        if task is None:
            return None
        payload = {"message": task.message, "subject": task.subject, "sender": task.sender}
        at = start + timedelta(days=task.day)
        return replace(
            _event(EventType.REPLY, at, f"{self.id}-reply", task.channel, payload), reading=reading
        )

    def already_sent(self) -> frozenset[str]:
        return frozenset(source for item in self.model.history for source in item.sources)


@dataclass(frozen=True, slots=True)
class Suite:
    model: SuiteModel
    path: Path
    scenarios: tuple[Scenario, ...]  # the ones this suite runs
    catalogue: Mapping[str, Scenario]  # every scenario of its files (labelled drafts may name any)

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def identity(self) -> CompanyIdentity:
        return CompanyIdentity(**self.model.identity.model_dump())

    @property
    def knowledge_dir(self) -> Path:
        return REPO_ROOT / self.model.knowledge

    @property
    def human_labels_path(self) -> Path | None:
        labels = self.model.judge.human_labels
        return (self.path.parent / labels).resolve() if labels else None


def suite_path(name_or_path: str) -> Path:
    """``default`` is ``evals/quality/suites/default.yaml``; anything with a slash or .yaml is a path."""
    if "/" in name_or_path or name_or_path.endswith((".yaml", ".yml")):
        return Path(name_or_path)
    return SUITES_DIR / f"{name_or_path}.yaml"


def available_suites() -> list[str]:
    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def load_suite(name_or_path: str) -> Suite:
    path = suite_path(name_or_path)
    if not path.is_file():
        known = ", ".join(available_suites())
        raise SuiteError(f"no suite {name_or_path!r} (looked for {path}); known suites: {known}")
    data = _read_yaml(path)
    try:
        model = SuiteModel.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(f"{path}: {validation_message(exc)}") from None
    files: list[Path] = []
    for pattern in model.scenarios:
        matched = sorted(path.parent.glob(pattern))
        if not matched:
            raise SuiteError(f"{path}: scenarios: {pattern!r} matches no file next to the suite")
        files += [m for m in matched if m not in files]
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for file in files:
        for scenario in _load_scenarios(file):
            if scenario.id in seen:
                raise SuiteError(f"{file}: scenario {scenario.id!r} is also in {seen[scenario.id]}")
            seen[scenario.id] = file
            scenarios.append(scenario)
    catalogue = {s.id: s for s in scenarios}
    if model.include is not None:
        scenarios = _included(scenarios, model.include, path)
    if not scenarios:
        raise SuiteError(f"{path}: the suite selects no scenario")
    return Suite(model=model, path=path, scenarios=tuple(scenarios), catalogue=catalogue)


def _included(scenarios: list[Scenario], include: Include, path: Path) -> list[Scenario]:
    known = {s.id for s in scenarios}
    missing = [i for i in include.ids if i not in known]
    if missing:
        raise SuiteError(f"{path}: include.ids names unknown scenario(s): {', '.join(missing)}")
    tags = set(include.tags)
    return [s for s in scenarios if s.id in include.ids or tags.intersection(s.model.tags)]


def _load_scenarios(path: Path) -> Iterator[Scenario]:
    data = _read_yaml(path)
    try:
        header = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(f"{path}: {validation_message(exc)}") from None
    for n, raw in enumerate(header.scenarios, 1):
        where = f"{path}: scenario {raw.get('id', n)!r}" if isinstance(raw, dict) else f"{path}: scenario {n}"
        try:
            model = ScenarioModel.model_validate(raw)
        except ValidationError as exc:
            raise SuiteError(f"{where}: {validation_message(exc)}") from None
        if isinstance(model.lead, str):
            if model.lead not in header.leads:
                raise SuiteError(f"{where}: lead {model.lead!r} is not in this file's `leads:`")
            lead = header.leads[model.lead]
        else:
            lead = model.lead
        yield Scenario(model=model, lead_model=lead, file=path)


def _sent_touches(
    history: tuple[HistoryItem, ...], start: datetime, sequences: dict[str, Sequence], ids: Iterator[str]
) -> Iterator[TouchRecord]:
    for item in history:
        if item.sent is None:
            continue
        sequence = item.sequence or FIRST_SEQUENCE
        step = item.step if item.step is not None else _step_of(sequences, sequence, item.sent)
        at = start + timedelta(days=item.day) + (SECONDS_AFTER if item.day == 0 else timedelta())
        yield TouchRecord(
            purpose=item.sent,
            channel=item.channel or Channel.EMAIL,
            state=TouchState.SENT,
            step=step,
            created_at=at,
            sent_at=at,
            body=item.body or f"An earlier {item.sent.value.replace('_', ' ')} message.",
            source_ids=item.sources,
            id=next(ids),
            sequence=sequence,
            subject=None,
        )


def _step_of(sequences: dict[str, Sequence], name: str, purpose: TouchPurpose) -> int:
    sequence = sequences.get(name)
    if sequence is None:
        raise SuiteError(f"history names the sequence {name!r}, which does not exist")
    for index, step in enumerate(sequence.steps):
        if step.purpose is purpose:
            return index
    return -1  # a behavioural trigger's touch, outside the plan


def _history_event(item: HistoryItem, start: datetime, event_id: str, sent: list[TouchRecord]) -> EventRecord:
    assert item.event is not None
    at = start + timedelta(days=item.day)
    payload: dict[str, Any] = {}
    if item.touch is not None:
        if item.touch > len(sent):
            raise SuiteError(
                f"an {item.event} on day {item.day} names touch {item.touch}, but only {len(sent)} were sent"
            )
        payload["touch_id"] = sent[item.touch - 1].id
    if item.event in {"open", "click", "page_visit", "download"}:
        payload["user_agent"] = item.user_agent or HUMAN_AGENT
        payload["ip"] = "203.0.113.9"
    for key in ("url", "title", "message", "subject"):
        value = getattr(item, key)
        if value is not None:
            payload[key] = value
    channel = item.channel or (Channel.EMAIL if item.event in {"inquiry", "open", "click", "reply"} else None)
    event = _event(EventType(item.event), at, event_id, channel, payload)
    if item.intent is not None:
        event = replace(event, reading=ReplyReading(item.intent, 0.9, "rules"))
    return event


def _event(
    kind: EventType, at: datetime, event_id: str, channel: Channel | None, payload: dict[str, Any]
) -> EventRecord:
    return EventRecord(
        type=kind, channel=channel, occurred_at=at, payload=payload, id=event_id, recorded_at=at
    )


def _suppressed(events: list[EventRecord]) -> tuple[frozenset[Channel], frozenset[Channel]]:
    """What the store would have suppressed: opt-outs (an unsubscribe, one channel or all; a complaint),
    and bounced addresses."""
    opted_out: set[Channel] = set()
    bounced: set[Channel] = set()
    for event in events:
        if event.type is EventType.BOUNCE:
            bounced.add(event.channel or Channel.EMAIL)
        elif event.type in {EventType.UNSUBSCRIBE, EventType.COMPLAINT}:
            opted_out.update({event.channel} if event.channel else set(Channel))
    return frozenset(opted_out), frozenset(bounced)


def _read_yaml(path: Path) -> object:
    try:
        return read_yaml(path)
    except CaseFileError as exc:
        raise SuiteError(str(exc)) from None
