"""The handoff brief: what a rep needs to take a lead over in one read, and when they should answer.

Pure: built from the lead's snapshot, the policy's decision and the engagement score, so the same
situation always gives the same brief, and nothing in it is invented (no model writes it): it quotes
what the lead did and said and what we already sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from agent.domain import NO_HANDOFF_INTENTS, EventType, LeadSnapshot, ReplyIntent, ReplyReading, TouchState
from agent.policy import HandOff
from agent.replies.contacts import phone_numbers
from agent.scoring import Activity, Score, ScoringConfig, read_activity
from agent.timing import Hours, next_open, zone

if TYPE_CHECKING:
    from agent.settings import Settings

QUESTION = re.compile(r"[^.!?\n]*\?")
SAID_CHARS = 600
TALKING_POINTS = {
    "question": "Answer their question first, plainly, before anything else.",
    "objection": "Acknowledge the concern they raised before making any case.",
    "not_now": "Agree when to come back, then snooze the lead until then (POST /v1/leads/{id}/pause).",
    "asks_for_person": "They asked for a person: reply personally and offer two times for a call.",
    "wrong_person": "Thank them and ask who the right person is; update the lead's contact.",
    "frustrated": "Apologise plainly, do not sell, and offer to stop or to fix what went wrong.",
    "complaint": "A customer's complaint: apologise, do not sell, find out what would put it right; "
    "only a person may offer a refund or a credit.",
    "unsubscribe": "They asked us to stop writing: confirm it to them personally, then close the lead "
    "or keep only what they still want.",
    "direct_reply": "Answer what they wrote, personally; keep it short.",
    "new_inquiry": "They wrote in again: read the new inquiry before replying.",
    "hot_score": "They are engaging a lot: reach out personally now.",
    "hot_opens": "They read every email: a short personal note or a call will land.",
    "repeated_visits": "They keep coming back to the website: ask what they are looking for.",
    "high_value": "A large deal: a senior rep should handle it personally from here.",
}


TEAM_HOURS = Hours(time(9, 0), time(17, 0))


@dataclass(frozen=True, slots=True)
class HandoffTarget:
    """How fast a rep should answer, counted in the team's working hours."""

    response: timedelta = timedelta(hours=1)
    team_timezone: str = "UTC"
    team_hours: Hours = TEAM_HOURS

    @classmethod
    def from_settings(cls, settings: Settings, team_timezone: str | None = None) -> HandoffTarget:
        """``team_timezone``: the zone the team works in when the settings' own is not it (the company
        profile's, ``agent.services.leads.team_timezone``)."""
        return cls(
            response=timedelta(minutes=settings.handoff_response_minutes),
            team_timezone=team_timezone or settings.team_timezone,
            team_hours=Hours.parse(settings.team_hours),
        )

    def due_by(self, now: datetime) -> datetime:
        """``response`` after now, or after the team's next opening if they are not at work now."""
        return next_open(now, zone(self.team_timezone), self.team_hours, weekdays_only=True) + self.response


@dataclass(frozen=True, slots=True)
class Brief:
    summary: str
    content: dict[str, Any]


def build_brief(
    snapshot: LeadSnapshot,
    action: HandOff,
    engagement: Score,
    *,
    now: datetime,
    due_by: datetime,
    scoring: ScoringConfig,
) -> Brief:
    lead = snapshot.lead
    name = lead.display_name or "This lead"
    who = f"{name} ({lead.company})" if lead.company else name
    why = action.detail or action.reason.replace("_", " ")
    human = [a for a in read_activity(snapshot, scoring) if a.human and a.event.occurred_at <= now]
    said = _said(snapshot)
    sent = [t for t in snapshot.touches if t.state is TouchState.SENT]
    local = now.astimezone(zone(lead.timezone))
    content: dict[str, Any] = {
        "reason": action.reason,
        "why_now": why,
        "rules": list(action.rules),
        "lead": {
            "name": name,
            "company": lead.company,
            "role": lead.role,
            "industry": lead.industry,
            "need": lead.need,
            "deal_value": str(lead.deal_value) if lead.deal_value is not None else None,
            "email": lead.email,
            "phone": lead.phone,
            "timezone": lead.timezone,
            "their_local_time": local.strftime("%a %H:%M"),
        },
        "engagement": engagement.as_dict(),
        "what_they_did": [_did(a) for a in reversed(human) if a.signal not in {"inquiry", "reply"}][:10],
        "what_they_said": said,
        "already_sent": [
            {
                "at": t.sent_at.isoformat() if t.sent_at else None,
                "purpose": t.purpose.value,
                "channel": t.channel.value,
                "subject": t.subject,
            }
            for t in sent
        ],
        "numbers_they_gave": _numbers_they_gave(said, lead.phone),
        "promised": [t.call_to_action for t in sent if t.call_to_action],
        "open_questions": _questions(said),
        "talking_points": _talking_points(snapshot, action, human),
        "next_step": f"Reply to {name} personally by {due_by.astimezone(zone(lead.timezone)):%a %d %b %H:%M} "
        f"their time, then resume automation or close the lead.",
        "response_due_by": due_by.isoformat(),
    }
    return Brief(summary=f"{who}: {why}", content=content)


def _said(snapshot: LeadSnapshot) -> list[dict[str, Any]]:
    """Their own words, newest first: the inquiry and every reply, with how each reply was read."""
    said = []
    for event in reversed(snapshot.events):
        if event.type not in {EventType.INQUIRY, EventType.REPLY}:
            continue
        text = str(event.payload.get("message") or "").strip()
        item: dict[str, Any] = {
            "at": event.occurred_at.isoformat(),
            "kind": event.type.value,
            "channel": event.channel.value if event.channel else None,
            "text": text[:SAID_CHARS] + ("…" if len(text) > SAID_CHARS else ""),
            "intent": event.reading.intent.value if event.reading else None,
        }
        if event.reading is not None:
            item["reading"] = _suggestion(event.reading)
            item["event_id"] = event.id  # a rep who reads it otherwise corrects the reader from here
        said.append(item)
    return said[:5]


def _suggestion(reading: ReplyReading) -> str:
    """How the reader read a reply, in words a rep acts on: sure, or only a suggestion to check."""
    intent = reading.intent.value.replace("_", " ")
    also = ", ".join(i.value.replace("_", " ") for i in reading.other_intents)
    words = f"read as {intent} ({reading.confidence:.0%})" + (f", also {also}" if also else "")
    if reading.intent in NO_HANDOFF_INTENTS and reading.needs_person:
        words += ": the reader was not sure enough to act alone; please decide"
    if reading.injection:
        words += "; it held instructions written to a machine, set aside unread"
    if reading.referral:
        words += f"; they point to {reading.referral}"
    if reading.alternate_contact:
        words += f"; alternate contact: {reading.alternate_contact}"
    if reading.language and reading.language != "en":
        words += f"; written in {reading.language}"
    return words


def _numbers_they_gave(said: list[dict[str, Any]], known: str | None) -> list[str]:
    """Phone numbers the lead wrote in their own words and not the one on file ("call me ASAP
    210-555-0148"): the rep must not have to dig them out of the message."""
    on_file = "".join(c for c in known or "" if c.isdigit())
    found: list[str] = []
    for item in said:
        for number in phone_numbers(item["text"]):
            digits = "".join(c for c in number if c.isdigit())
            if number not in found and not (on_file and on_file.endswith(digits)):
                found.append(number)
    return found[:3]


def _questions(said: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for item in said:
        for match in QUESTION.finditer(item["text"]):
            question = match.group(0).strip()
            if len(question) > 3 and question not in found:
                found.append(question)
    return found[:5]


def _did(activity: Activity) -> str:
    event = activity.event
    where = event.payload.get("title") or event.payload.get("url") or event.payload.get("page")
    what = activity.signal.replace("_", " ")
    # Labelled UTC, so shown in UTC: an event recorded with the lead's own offset (an imported history,
    # an API call with "-08:00") must not print its local clock time under the UTC label.
    at = event.occurred_at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M} UTC: {what}" + (f" ({where})" if where else "")


def _talking_points(snapshot: LeadSnapshot, action: HandOff, human: list[Activity]) -> list[str]:
    lead = snapshot.lead
    points = [TALKING_POINTS.get(action.reason, "Read what they said and did below, then reply personally.")]
    if lead.need:
        points.append(f"What they came for: {lead.need}.")
    pricing = sum(1 for a in human if a.signal == "pricing_visit")
    if pricing:
        points.append(f"They looked at pricing {pricing} time(s): be ready to talk budget.")
    if any(a.signal == "case_study_view" for a in human):
        points.append("They read case studies: offer to connect them with a customer like them.")
    downloads = [str(a.event.payload.get("title") or "") for a in human if a.signal == "download"]
    if downloads:
        points.append(
            "They downloaded "
            + ", ".join(d or "a resource" for d in downloads[-3:])
            + ": ask what they thought."
        )
    cited = [
        str(source_id)
        for touch in snapshot.touches
        if touch.state is TouchState.SENT
        for source_id in touch.source_ids
    ]
    if cited:
        points.append(
            "Already shared with them: " + ", ".join(dict.fromkeys(cited)) + "; do not send these again."
        )
    replies = [e for e in snapshot.events if e.type is EventType.REPLY and e.reading]
    if replies and replies[-1].reading and replies[-1].reading.intent is ReplyIntent.FRUSTRATED:
        points.append("Keep automation paused until they are happy to hear from us again.")
    return points
