"""Import leads' past from a history file (JSONL) as facts, without the agent loop acting on any of it.

Each line is one history record in the import format (``agent/history_records.py``; the kinds and their
fields are listed in ``evals/decisions/GUIDE.md``, "History records") plus the lead it belongs to, named
by ``email``, ``phone`` or ``lead`` (its id). What each record becomes:

- ``inquiry``: an inquiry event, its words read by the reply reader (a request for a person shows);
- ``touch``: a message already sent (state ``sent`` and ``sent_at``; ``failed`` and ``cancelled`` too),
  with its purpose, channel, sequence and step: the policy's next step is the first one not yet sent;
- ``event``: an open, a visit, a milestone or an event type the business defines; a hard bounce or a
  complaint also suppresses the address;
- ``reply``: a reply event with its reading by the shipped reader, and the suppression a sure reading
  makes; a reply followed by a message of ours or a rep's action was handled then (a closed handoff);
- ``unsubscribe``: the suppression of the channel's address (every channel when asked by reply);
- ``preference``: the lead's preferred channel and frequency;
- ``status``: the lead's status (a snooze's ``until``), a handoff opened or closed as a rep's action does.

Nothing is drafted, acknowledged or sent: the lead is only made due, so the worker's next look decides
from the whole history. Every record has a natural key (the lead and the record itself), so importing
the same file again adds nothing. A file is all or nothing: one bad line and nothing of it is written;
the report names each bad line and its field.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.db.models import Event, Handoff, Lead, Touch
from agent.db.repositories.events import EventRepository
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel, EventType, LeadStatus, ReplyIntent, ReplyReading, normalise_email
from agent.history_records import (
    EventRecordModel,
    HistoryRecord,
    InquiryRecord,
    PreferenceRecord,
    ReplyRecord,
    StatusRecord,
    TouchRecordModel,
    UnsubscribeRecord,
)
from agent.leads_import import ImportFileError, parse_phone
from agent.replies.message import InboundReply
from agent.replies.protocol import ReplyClassifier
from agent.sequences import FIRST_SEQUENCE, Sequence
from agent.services import suppression
from agent.timing import zone

LOCATORS: Final = ("email", "phone", "lead")
IMPORTABLE_TOUCH_STATES: Final = {"sent", "failed", "cancelled"}
INQUIRY_CHANNELS: Final = {
    "email": Channel.EMAIL,
    "sms": Channel.SMS,
    "phone": Channel.PHONE,
    "web_form": None,
}
KNOWN_TYPES: Final = {t.value: t for t in EventType}
SOURCE: Final = "history import"
_RECORD: Final[TypeAdapter[HistoryRecord]] = TypeAdapter(HistoryRecord)

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    line: int
    locator: dict[str, str]  # email, phone or lead: who the record is about
    record: HistoryRecord


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class HistoryReport:
    recorded: dict[str, int] = field(default_factory=dict)  # per kind
    already: int = 0  # records found from an earlier import
    leads: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.recorded.values())


class HistoryFileError(ImportFileError):
    """The history file has bad lines: nothing of it was written. ``errors`` names each line and field."""

    def __init__(self, path: Path | str, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{path}: {len(errors)} bad line(s), nothing imported:\n{shown}{more}")


def read_history(path: Path) -> tuple[list[HistoryLine], list[LineError]]:
    """Every record of a JSONL history file, and every line's problems (line numbers from 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFileError(f"cannot open {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not a readable UTF-8 file ({exc})") from None
    lines: list[HistoryLine] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, "line", f"not JSON ({exc.msg}, column {exc.colno})"))
            continue
        if not isinstance(data, dict):
            errors.append(LineError(number, "line", "must be a JSON object"))
            continue
        locator = {name: str(data.pop(name)).strip() for name in LOCATORS if data.get(name) not in (None, "")}
        if not locator:
            errors.append(LineError(number, "lead", "name the lead by `email`, `phone` or `lead` (its id)"))
        try:
            record = _RECORD.validate_python(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = [str(part) for part in error["loc"]]
                if loc and loc[0] == data.get("kind"):
                    loc = loc[1:]  # the discriminator's tag, not a field
                errors.append(LineError(number, ".".join(loc) or "kind", str(error["msg"])))
            continue
        if locator:
            lines.append(HistoryLine(number, locator, record))
    return lines, errors


def import_history(
    session: Session,
    lines: list[HistoryLine],
    *,
    reader: ReplyClassifier,
    now: datetime,
    region: str = "US",
    sequences: Mapping[str, Sequence] | None = None,
    progress: Progress | None = None,
) -> HistoryReport:
    """Record every line as a fact of its lead, in time order per lead; raise ``HistoryFileError`` (the
    caller rolls back) if any line cannot be recorded. The loop is never stepped.

    ``sequences`` (the playbook's) place a lead the CSV left in the first sequence in the sequence of
    its latest touch, with that sequence's day 0 where its touches put it."""
    report = HistoryReport()
    by_lead: dict[uuid.UUID, list[HistoryLine]] = {}
    leads: dict[uuid.UUID, Lead] = {}
    for entry in lines:
        lead = _find_lead(session, entry, region, report.errors)
        if lead is not None:
            leads[lead.id] = lead
            by_lead.setdefault(lead.id, []).append(entry)
    if report.errors:
        raise HistoryFileError("history", report.errors)
    done = 0
    for lead_id, entries in by_lead.items():
        lead = leads[lead_id]
        ordered = sorted(entries, key=lambda e: (e.record.at, e.line))
        writer = _Writer(session, lead, reader, report)
        for n, entry in enumerate(ordered):
            try:
                with session.begin_nested():
                    writer.record(entry, [e.record for e in ordered[n + 1 :]])
            except _LineProblem as problem:
                report.errors.append(LineError(entry.line, problem.field, problem.message))
            except IntegrityError as exc:
                report.errors.append(
                    LineError(entry.line, "record", f"conflicts with a stored one ({exc.orig})")
                )
            done += 1
            if progress is not None:
                progress(done, len(lines))
        writer.finish(now, sequences or {})
        report.leads += 1
    if report.errors:
        raise HistoryFileError("history", sorted(report.errors, key=lambda e: e.line))
    session.flush()
    return report


def _find_lead(session: Session, entry: HistoryLine, region: str, errors: list[LineError]) -> Lead | None:
    repo = LeadRepository(session)
    for name, value in entry.locator.items():
        try:
            if name == "lead":
                lead = repo.get(uuid.UUID(value))
            elif name == "email":
                lead = repo.find_by_contact(email=normalise_email(value), phone=None)
            else:
                lead = repo.find_by_contact(email=None, phone=parse_phone(value, region))
        except ValueError as exc:
            errors.append(
                LineError(entry.line, name, str(exc) if name == "phone" else f"{value!r} is not valid")
            )
            return None
        if lead is not None:
            return lead
    name, value = next(iter(entry.locator.items()))
    errors.append(LineError(entry.line, name, f"no lead {value} in the CSV or in Touchpoint"))
    return None


class _LineProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Writer:
    """Writes one lead's records (in time order), each once."""

    def __init__(self, session: Session, lead: Lead, reader: ReplyClassifier, report: HistoryReport) -> None:
        self.session = session
        self.lead = lead
        self.reader = reader
        self.report = report
        self.events = EventRepository(session)
        # The lead's touches in the file's order, for an event's `touch` (None: that line was refused).
        self.touch_ids: list[uuid.UUID | None] = []
        self.tz = zone(lead.timezone)

    def record(self, entry: HistoryLine, later: list[HistoryRecord]) -> None:
        record = entry.record
        key = _natural_key(self.lead.id, record)
        if isinstance(record, TouchRecordModel):
            self._touch(record)
            return
        if self.events.by_idempotency_key(key) is not None:
            self.report.already += 1
            return
        if isinstance(record, InquiryRecord):
            channel = INQUIRY_CHANNELS[record.channel]
            payload = {"message": record.text, "source": record.channel}
            reading = self._read(InboundReply(message=record.text, channel=channel), record.at)
            self._event(EventType.INQUIRY, channel, payload, record.at, key, reading=reading.as_dict())
        elif isinstance(record, EventRecordModel):
            self._engagement(record, key)
        elif isinstance(record, ReplyRecord):
            self._reply(record, key, later)
        elif isinstance(record, UnsubscribeRecord):
            self._unsubscribe(record, key)
        elif isinstance(record, PreferenceRecord):
            if record.channel is not None:
                self.lead.preferred_channel = record.channel
            if record.frequency is not None:
                self.lead.contact_frequency = record.frequency
            choice: dict[str, Any] = {
                "frequency": record.frequency.value if record.frequency else None,
                "channel": record.channel.value if record.channel else None,
            }
            self._event(EventType.PREFERENCE, record.channel, choice, record.at, key)
        elif isinstance(record, StatusRecord):
            self._status(record, key)
        self.report.recorded[record.kind] = self.report.recorded.get(record.kind, 0) + 1

    def finish(self, now: datetime, sequences: Mapping[str, Sequence]) -> None:
        """The lead's place in its sequences, and due: the worker's next look decides from its history."""
        self._position(sequences)
        self.lead.updated_at = now
        if LeadStatus(self.lead.status) is not LeadStatus.UNSUBSCRIBED:
            self.lead.next_action_at = now

    def _position(self, sequences: Mapping[str, Sequence]) -> None:
        """A lead the loop never enrolled, whose touches are in another sequence than its own (nurture, a
        business's), is placed there, day 0 counted back from the earliest touch of it; the first
        sequence's day 0 stays the inquiry (the policy's anchor)."""
        if self.lead.sequence_started_at is not None:
            return  # the loop (or an earlier import) placed it: the loop's word stands
        planned = sorted(
            (t for t in self._touches() if t.step >= 0 and t.sequence in sequences and t.state == "sent"),
            key=lambda t: t.created_at,
        )
        if not planned:
            return
        latest = planned[-1].sequence
        if latest != FIRST_SEQUENCE and self._starts(sequences[latest]):
            return  # an event in the history starts it: the policy enrols the lead at that event itself
        if self.lead.sequence == FIRST_SEQUENCE:
            self.lead.sequence = latest
        if self.lead.sequence == FIRST_SEQUENCE:
            return
        own = [t for t in planned if t.sequence == self.lead.sequence]
        if own:
            sequence = sequences[self.lead.sequence]
            self.lead.sequence_started_at = min(
                t.created_at - timedelta(days=sequence.day_of(t.step)) for t in own
            )
            self.lead.sequence_step_base = 0

    def _starts(self, sequence: Sequence) -> bool:
        self.session.flush()
        events = self.session.scalars(select(Event).where(Event.lead_id == self.lead.id))
        return any(str(e.payload.get("name") or e.type) in sequence.starts_on for e in events)

    # --- one kind each

    def _touch(self, record: TouchRecordModel) -> None:
        if record.state not in IMPORTABLE_TOUCH_STATES:
            self.touch_ids.append(None)
            raise _LineProblem(
                "state",
                f"{record.state!r}: only a message already sent, failed or cancelled is history "
                "(Touchpoint writes its own drafts)",
            )
        existing = self.session.scalar(
            select(Touch).where(
                Touch.lead_id == self.lead.id,
                Touch.created_at == record.at,
                Touch.channel == record.channel.value,
                Touch.purpose == record.purpose.value,
            )
        )
        if existing is not None:
            self.touch_ids.append(existing.id)
            self.report.already += 1
            return
        step = record.step
        if step is None:  # outside the sequence's plan (a trigger's): its own negative number
            lowest = min((t.step for t in self._touches() if t.step < 0), default=0)
            step = lowest - 1
        elif any(
            t.sequence == record.sequence and t.step == step and t.state != "superseded"
            for t in self._touches()
        ):
            self.touch_ids.append(None)
            raise _LineProblem("step", f"step {step} of sequence {record.sequence!r} is already recorded")
        touch = Touch(
            lead_id=self.lead.id,
            sequence=record.sequence,
            step=step,
            purpose=record.purpose.value,
            channel=record.channel.value,
            subject=record.subject,
            body=record.body,
            drafter="import",
            prompt_version="import",
            sources=[{"id": source} for source in record.sources],
            state=record.state,
            created_at=record.at,
            updated_at=record.at,
            sent_at=record.at if record.state == "sent" else None,
        )
        self.session.add(touch)
        self.session.flush()
        self.touch_ids.append(touch.id)
        self.report.recorded["touch"] = self.report.recorded.get("touch", 0) + 1

    def _touches(self) -> list[Touch]:
        self.session.flush()
        return list(self.session.scalars(select(Touch).where(Touch.lead_id == self.lead.id)))

    def _engagement(self, record: EventRecordModel, key: str) -> None:
        if record.type == "draft_pending_review":
            raise _LineProblem("type", "a draft waiting for review is not history; import it once sent")
        payload: dict[str, Any] = {}
        for name in ("url", "user_agent", "document"):
            if getattr(record, name):
                payload[name] = getattr(record, name)
        if record.touch is not None:
            if record.touch >= len(self.touch_ids):
                raise _LineProblem("touch", f"the lead has no touch {record.touch} before this event")
            touch_id = self.touch_ids[record.touch]
            if touch_id is not None:  # else its own line's error says why
                payload["touch_id"] = str(touch_id)
        kind = KNOWN_TYPES.get(record.type)
        if kind is None or kind is EventType.BUSINESS:
            payload["name"] = record.type
            kind = EventType.BUSINESS
        channel = record.channel
        if kind in {
            EventType.OPEN,
            EventType.CLICK,
            EventType.DELIVERED,
            EventType.BOUNCE,
            EventType.COMPLAINT,
        }:
            channel = channel or Channel.EMAIL
        if kind is EventType.BOUNCE:
            payload["bounce_type"] = record.bounce_type or "hard"
        address = self.lead.email if channel is Channel.EMAIL else self.lead.phone
        if address and (kind is EventType.COMPLAINT or payload.get("bounce_type") == "hard"):
            assert channel is not None
            suppression.delivery_failure(
                self.session,
                channel=channel,
                address=address,
                complaint=kind is EventType.COMPLAINT,
                source=SOURCE,
                now=record.at,
            )
        self._event(kind, channel, payload, record.at, key)

    def _reply(self, record: ReplyRecord, key: str, later: list[HistoryRecord]) -> None:
        reading = self._read(
            InboundReply(message=record.text, subject=record.subject, channel=record.channel), record.at
        )
        payload = {"message": record.text, "subject": record.subject}
        self._event(EventType.REPLY, record.channel, payload, record.at, key, reading=reading.as_dict())
        intent = reading.intent
        if reading.suppress:
            source = f"{SOURCE}: reply of {record.at.isoformat()}"
            if intent is ReplyIntent.UNSUBSCRIBE:
                suppression.unsubscribe_by_reply(self.session, self.lead, source=source, now=record.at)
            elif intent is ReplyIntent.BOUNCE_LIKE:
                suppression.dead_address_by_reply(
                    self.session, self.lead, record.channel, source=source, now=record.at
                )
            elif intent is ReplyIntent.WRONG_PERSON:
                suppression.wrong_person(
                    self.session, self.lead, record.channel, source=source, now=record.at
                )
        # A reply followed by a message of ours or a rep's action was handled by a person then.
        after = next((r for r in later if isinstance(r, TouchRecordModel | StatusRecord)), None)
        if after is not None:
            self._handoff("imported_reply", record.at, f"reply of {record.at:%Y-%m-%d} (imported)", after.at)

    def _unsubscribe(self, record: UnsubscribeRecord, key: str) -> None:
        source = f"{SOURCE}: {record.via}"
        if record.via == "reply":
            suppression.unsubscribe_by_reply(self.session, self.lead, source=source, now=record.at)
        else:
            address = self.lead.email if record.channel is Channel.EMAIL else self.lead.phone
            if address:
                SuppressionRepository(self.session).suppress(
                    channel=Channel.SMS.value if record.channel is Channel.PHONE else record.channel.value,
                    address=address,
                    reason="sms_stop" if record.via == "sms_keyword" else "unsubscribe",
                    source=source,
                    now=record.at,
                )
            if record.via == "sms_keyword":
                self.lead.consent_sms = False
        self._event(EventType.UNSUBSCRIBE, record.channel, {"via": record.via}, record.at, key)

    def _status(self, record: StatusRecord, key: str) -> None:
        self.lead.status = record.status
        self.lead.paused_until = record.until if record.status is LeadStatus.PAUSED else None
        handoffs = HandoffRepository(self.session)
        if record.status is LeadStatus.HANDED_OFF:
            self._handoff("imported", record.at, record.note or "handed off before the import", None)
        else:  # a rep took the lead back, paused it or ended it: what was handed off was dealt with
            handoffs.close_open(self.lead.id, by=None, now=record.at)
        payload = {
            "kind": "status",
            "status": record.status.value,
            "until": record.until.isoformat() if record.until else None,
            "note": record.note,
        }
        self._event(EventType.NOTE, None, payload, record.at, key)

    # --- shared

    def _read(self, inbound: InboundReply, at: datetime) -> ReplyReading:
        return self.reader.classify(inbound, today=at.astimezone(self.tz).date())

    def _event(
        self,
        kind: EventType,
        channel: Channel | None,
        payload: dict[str, Any],
        at: datetime,
        key: str,
        *,
        reading: dict[str, Any] | None = None,
    ) -> None:
        self.events.add(
            Event(
                lead_id=self.lead.id,
                type=kind,
                channel=channel,
                payload={**payload, "imported": True},
                occurred_at=at,
                recorded_at=at,
                idempotency_key=key,
                reading=reading,
            )
        )

    def _handoff(self, reason: str, at: datetime, summary: str, closed_at: datetime | None) -> None:
        self.session.add(
            Handoff(
                lead_id=self.lead.id,
                reason=reason,
                summary=summary,
                brief={"imported": True},
                status="open" if closed_at is None else "closed",
                due_by=at,
                created_at=at,
                closed_at=closed_at,
            )
        )


def _natural_key(lead_id: uuid.UUID, record: HistoryRecord) -> str:
    """The same record of the same lead always has the same key, whichever file or line it comes from."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{lead_id}|{canonical}".encode()).hexdigest()[:40]
    return f"import:{record.kind}:{digest}"
