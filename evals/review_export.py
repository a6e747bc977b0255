"""Reps' review decisions as message-quality eval scenarios (``touchpoint eval export-reviews``).

Every draft a rep approved as written, edited, rejected or asked to redraft becomes a scenario in the
format of ``evals/quality/scenarios/*.yaml``: the lead (contact details replaced unless asked
otherwise), what had happened up to the moment the draft was written (inquiry, messages sent, opens,
clicks, visits, replies), and the touch to write. An approved or edited draft's cited sources become
the scenario's expected sources. Each scenario is tagged ``from-review`` and ``review-<outcome>``, and
preceded by a comment with the rep's reason, instruction or final text, so whoever curates the suite
sees why it is there. The result is validated with the suite's own schema before it is written.

Copy the file into ``evals/quality/scenarios/`` to make the default suite run it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, get_args

import yaml
from sqlalchemy.orm import Session

from agent.db.models import Event, Lead, Touch
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.reviews import ReviewHistory, ReviewRecord
from agent.db.repositories.touches import TouchRepository
from agent.domain import Channel, EventType, TouchPurpose, TouchState
from evals.quality.scenarios import HistoryEvent, ScenarioFile, ScenarioModel

OUTCOMES: Final = {
    "approve": "approved",
    "edit_approve": "edited",
    "reject": "rejected",
    "regenerate": "regenerated",
}
STAGES: Final = {
    TouchPurpose.ACKNOWLEDGMENT: "new_inquiry",
    TouchPurpose.VALUE_ADD: "early_sequence",
    TouchPurpose.SOCIAL_PROOF: "early_sequence",
    TouchPurpose.FAQ: "early_sequence",
    TouchPurpose.OBJECTION: "late_sequence",
    TouchPurpose.PRICING: "late_sequence",
    TouchPurpose.CHECK_IN: "late_sequence",
    TouchPurpose.BREAKUP: "late_sequence",
    TouchPurpose.RE_ENGAGEMENT: "returning",
    TouchPurpose.NURTURE: "nurture",
    TouchPurpose.POST_MEETING: "post_meeting",
}
HISTORY_EVENTS: Final = frozenset(get_args(HistoryEvent))
DAY: Final = 86400.0


@dataclass
class Export:
    text: str  # the YAML file, comments included
    scenarios: int
    skipped: list[str] = field(default_factory=list)  # why a decision could not become a scenario


def export_reviews(session: Session, *, since: datetime | None = None, keep_contacts: bool = False) -> Export:
    leads: dict[str, dict[str, Any]] = {}
    blocks: list[str] = []
    skipped: list[str] = []
    seen: set[uuid.UUID] = set()
    for record in reversed(ReviewHistory(session).decisions(since=since)):  # the latest decision per draft
        if record.touch_id is None or record.touch_id in seen:
            continue
        seen.add(record.touch_id)
        touch = TouchRepository(session).get(record.touch_id)
        lead = LeadRepository(session).get(touch.lead_id) if touch is not None else None
        if touch is None or lead is None:
            skipped.append(f"{record.touch_id}: the draft or its lead was deleted")
            continue
        if touch.channel not in (Channel.EMAIL, Channel.SMS):
            skipped.append(f"{touch.id}: a {touch.channel} touch (the suite writes email and SMS only)")
            continue
        key = f"lead-{lead.id.hex[:8]}"
        leads.setdefault(
            key, _lead(lead, EventRepository(session).for_lead(lead.id), len(leads), keep_contacts)
        )
        scenario = _scenario(session, record, touch, lead, key)
        ScenarioModel.model_validate(scenario)  # the suite's own schema: a bad export fails here
        blocks.append(
            _comment(record) + _indented(yaml.safe_dump([scenario], sort_keys=False, allow_unicode=True))
        )
    document = {"leads": leads, "scenarios": []}
    ScenarioFile.model_validate(document)
    header = (
        "# Drafts reps reviewed, exported by `touchpoint eval export-reviews` as message-quality scenarios.\n"
        "# Each is the moment the draft was written; the comment above it says what the rep did.\n"
    )
    body = yaml.safe_dump({"leads": leads}, sort_keys=False, allow_unicode=True) if leads else "leads: {}\n"
    text = header + body + "scenarios:\n" + ("".join(blocks) if blocks else "  []\n")
    return Export(text=text, scenarios=len(blocks), skipped=skipped)


def _lead(lead: Lead, events: Sequence[Event], n: int, keep_contacts: bool) -> dict[str, Any]:
    inquiry = next((e for e in events if e.type == EventType.INQUIRY), None)
    data: dict[str, Any] = {
        "id": str(lead.id),
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "email": lead.email if keep_contacts else (f"lead{n + 1}@example.com" if lead.email else None),
        "phone": lead.phone if keep_contacts else (f"+1555010{n % 10000:04d}" if lead.phone else None),
        "company": lead.company,
        "role": lead.role,
        "industry": lead.industry,
        "source": lead.source or "web_form",
        "need": lead.need,
        "inquiry_text": str(inquiry.payload.get("message") or "") if inquiry is not None else None,
        "deal_value": float(lead.deal_value) if lead.deal_value is not None else None,
        "timezone": lead.timezone,
        "consent_email": lead.consent_email,
        "consent_sms": lead.consent_sms,
    }
    return {k: v for k, v in data.items() if v is not None}


def _scenario(session: Session, record: ReviewRecord, touch: Touch, lead: Lead, key: str) -> dict[str, Any]:
    events = EventRepository(session).for_lead(lead.id)
    inquiries = [e for e in events if e.type == EventType.INQUIRY]
    start = inquiries[0].occurred_at if inquiries else lead.created_at
    at = touch.created_at
    sent = [
        t
        for t in TouchRepository(session).for_lead(lead.id)
        if t.state == TouchState.SENT and t.sent_at is not None and t.sent_at < at and t.id != touch.id
    ]
    sent.sort(key=lambda t: t.sent_at or at)
    number = {str(t.id): n for n, t in enumerate(sent, 1)}
    history: list[dict[str, Any]] = [
        {
            "day": _days(t.sent_at or at, start),
            "sent": t.purpose,
            "channel": t.channel,
            "body": t.body,
            "sources": [str(s["id"]) for s in t.sources],
            "sequence": t.sequence,
            "step": t.step,
        }
        for t in sent
    ]
    for event in events:
        item = _history_event(
            event, start, at, number, first_inquiry=event is (inquiries[0] if inquiries else None)
        )
        if item is not None:
            history.append(item)
    history.sort(key=lambda item: item["day"])
    outcome = OUTCOMES[record.action]
    accepted = record.action in ("approve", "edit_approve")
    return {
        "id": f"review-{outcome}-{touch.id.hex[:12]}",
        "title": _title(record, touch, lead),
        "lead": key,
        "stage": STAGES.get(TouchPurpose(touch.purpose), "early_sequence"),
        "tags": ["from-review", f"review-{outcome}"],
        "imported": not inquiries,
        "history": history,
        "now": max(_days(at, start), max((item["day"] for item in history), default=0.0)),
        "touch": {"purpose": touch.purpose, "channel": touch.channel},
        "expect": {"sources": [str(s["id"]) for s in touch.sources]} if accepted and touch.sources else {},
    }


def _history_event(
    event: Event, start: datetime, before: datetime, number: dict[str, int], *, first_inquiry: bool
) -> dict[str, Any] | None:
    if event.type not in HISTORY_EVENTS or event.occurred_at >= before or first_inquiry:
        return None
    item: dict[str, Any] = {"day": _days(event.occurred_at, start), "event": event.type}
    if event.channel in (Channel.EMAIL, Channel.SMS):
        item["channel"] = event.channel
    if event.type in (EventType.OPEN, EventType.CLICK):
        touch = number.get(str(event.payload.get("touch_id") or ""))
        if touch is None:
            return None  # an open of a message that is not in the history
        item["touch"] = touch
    for name in ("url", "title", "message", "subject", "user_agent"):
        value = event.payload.get(name)
        if isinstance(value, str) and value:
            item[name] = value
    intent = (event.reading or {}).get("intent")
    if event.type == EventType.REPLY and intent:
        item["intent"] = intent
    return item


def _title(record: ReviewRecord, touch: Touch, lead: Lead) -> str:
    who = " ".join(p for p in (lead.first_name, lead.company and f"({lead.company})") if p) or "a lead"
    what = f"{touch.purpose.replace('_', ' ')} {touch.channel} for {who}"
    if record.action == "reject":
        return f"Rejected by a rep ({record.reason}): {what}"
    if record.action == "regenerate":
        return f"A rep asked for a redraft ({record.reason}): {what}"
    return f"{'Edited' if record.action == 'edit_approve' else 'Approved as drafted'} by a rep: {what}"


def _comment(record: ReviewRecord) -> str:
    lines = [f"review: {OUTCOMES[record.action]} on {record.at:%Y-%m-%d}"]
    if record.reason:
        lines.append(f"{'instruction' if record.action == 'regenerate' else 'reason'}: {record.reason}")
    after = record.details.get("after") if record.action == "edit_approve" else None
    before = record.details.get("before") if record.action in ("edit_approve", "regenerate") else None
    for name, text in (("drafted", before), ("the rep sent", after)):
        if isinstance(text, dict) and text.get("body"):
            lines.append(f"{name}:")
            lines += [f"  {line}" for line in str(text["body"]).splitlines()]
    return "".join(f"  # {line}".rstrip() + "\n" for line in lines)


def _indented(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def _days(moment: datetime, start: datetime) -> float:
    return round(max(0.0, (moment - start).total_seconds() / DAY), 4)
