"""Leads: every command on a lead (create, change, erase, pause, resume, close, assign) lives here, with
its authorisation and its audit entry, for the API, the reps' pages and the CLI alike.

Each command only flushes: the caller's unit of work (a request, a tick) commits. A command that
changes what the agent loop should do next (a pause, new details, a closed lead) asks the loop to step
again in the same transaction, so the lead's next action is decided before anyone else reads it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.db.models import Decision, Event, Handoff, Lead, ReviewAction, Touch
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.decisions import DecisionRepository
from agent.db.repositories.events import EventRepository
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.touches import TouchRepository
from agent.db.repositories.users import UserRepository
from agent.domain import ENDED_STATUSES, CompanyIdentity, EventType, LeadStatus, normalise_email
from agent.services.access import Operation, authorise
from agent.services.errors import Conflict, Invalid, NotFound
from agent.settings import Settings
from agent.users import Principal

if TYPE_CHECKING:
    from agent.loop import AgentLoop

# The lead's details a draft is written from: changing one makes unsent drafts out of date.
DRAFT_FIELDS = frozenset(
    {"first_name", "last_name", "company", "role", "industry", "need", "email", "phone", "timezone"}
    | {"consent_email", "consent_sms", "deal_value"}
)


def default_timezone(settings: Settings, identity: CompanyIdentity) -> str:
    """The zone of a lead who gave none, which their sending hours are counted in:
    TOUCHPOINT_DEFAULT_TIMEZONE when it is set, else the company profile's own (a Houston business's
    leads are in Houston unless they say otherwise), else UTC."""
    if identity.timezone is None or "default_timezone" in settings.model_fields_set:
        return settings.default_timezone
    return identity.timezone


def team_timezone(settings: Settings, identity: CompanyIdentity) -> str:
    """The reps' zone, which response targets count working hours in: TOUCHPOINT_TEAM_TIMEZONE when it is
    set, else the company profile's own (a San Antonio team works San Antonio hours, not 09:00-17:00 UTC,
    which would put a handoff's deadline at 04:00 their time), else UTC."""
    if identity.timezone is None or "team_timezone" in settings.model_fields_set:
        return settings.team_timezone
    return identity.timezone


def get(
    session: Session, lead_id: uuid.UUID, actor: Principal | None, operation: Operation = Operation.READ
) -> Lead:
    """The lead, if ``actor`` may do ``operation`` to it (None: the system itself)."""
    lead = LeadRepository(session).get(lead_id)
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}", code="lead-not-found")
    authorise(actor, operation, lead.owner_id)
    return lead


def find(session: Session, lead_id: uuid.UUID) -> Lead | None:
    """The lead for a signed link (its owner holds the link): no authorisation, None if forgotten."""
    return LeadRepository(session).get(lead_id)


def _duplicate_contact() -> Conflict:
    return Conflict(
        "another lead already has this email or phone; update that lead instead", code="duplicate-lead"
    )


def add(session: Session, fields: Mapping[str, Any], *, now: datetime, due: bool = True) -> Lead:
    """The one place a lead is born (the API, an inquiry, an import): its email normalised, status new
    (or the status an import gives), and, unless ``due`` is False (its first step is about to run), due
    for the worker at once."""
    data = {"status": LeadStatus.NEW, **fields, "email": normalise_email(fields.get("email"))}
    lead = Lead(**data, created_at=now, updated_at=now, next_action_at=now if due else None)
    return LeadRepository(session).add(lead)


def find_by_contact(session: Session, *, email: str | None, phone: str | None) -> Lead | None:
    return LeadRepository(session).find_by_contact(email=email, phone=phone)


def create(session: Session, fields: Mapping[str, Any], *, actor: Principal, now: datetime) -> Lead:
    """A lead entered by a person or a CRM over the API."""
    authorise(actor, Operation.CREATE, None)
    if find_by_contact(session, email=fields.get("email"), phone=fields.get("phone")) is not None:
        raise _duplicate_contact()
    lead = add(session, fields, now=now)
    AuditRepository(session).record(action="lead.create", lead_id=lead.id, user_id=actor.id, now=now)
    return lead


def update(
    session: Session,
    loop: AgentLoop,
    lead_id: uuid.UUID,
    changes: Mapping[str, Any],
    *,
    actor: Principal,
    now: datetime,
) -> Lead:
    """Change what the lead is; drafts written from the old details are superseded and redrafted, a
    status set by hand takes effect at once."""
    lead = get(session, lead_id, actor, Operation.UPDATE)
    changes = dict(changes)
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
    other = LeadRepository(session).find_by_contact(email=changes.get("email"), phone=changes.get("phone"))
    if other is not None and other.id != lead.id:
        raise _duplicate_contact()
    before = {name: _jsonable(getattr(lead, name)) for name in changes}
    for name, value in changes.items():
        setattr(lead, name, value)
    lead.updated_at = now
    try:
        session.flush()
    except IntegrityError:
        raise _duplicate_contact() from None
    AuditRepository(session).record(
        action="lead.update",
        lead_id=lead.id,
        user_id=actor.id,
        details={"before": before, "after": {name: _jsonable(v) for name, v in changes.items()}},
        now=now,
    )
    changed = {name for name in changes if before[name] != _jsonable(changes[name])}
    if changed & (DRAFT_FIELDS | {"status"}):
        LeadRepository(session).lock(lead.id)
        if changed & DRAFT_FIELDS:
            fields = ", ".join(sorted(changed & DRAFT_FIELDS))
            loop.supersede(session, lead, f"the lead's details changed ({fields})", now)
        loop.step(session, lead, now)
    return lead


def erase(session: Session, lead_id: uuid.UUID, *, actor: Principal, now: datetime) -> None:
    """Erase the lead and its history (a data-deletion request). Suppressions stay in force."""
    lead = get(session, lead_id, actor, Operation.ERASE)
    AuditRepository(session).record(
        action="lead.delete", user_id=actor.id, details={"lead_id": str(lead.id)}, now=now
    )
    LeadRepository(session).erase(lead.id)


def pause(
    session: Session,
    loop: AgentLoop,
    lead_id: uuid.UUID,
    *,
    actor: Principal | None,
    now: datetime,
    until: datetime | None = None,
    reason: str | None = None,
) -> Lead:
    """Stop automated outreach until a rep resumes it, or until ``until`` (a snooze); drafts not yet
    sent are marked out of date and will never go out."""
    lead = get(session, lead_id, actor, Operation.ACT)
    if until is not None and until <= now:
        raise Invalid("pick a time in the future to snooze until", code="validation")
    LeadRepository(session).lock(lead.id)
    _refuse_ended(lead, "there is no automation to pause")
    lead.status = LeadStatus.PAUSED
    lead.paused_until = until
    AuditRepository(session).record(
        action="lead.pause",
        lead_id=lead.id,
        user_id=actor.id if actor else None,
        reason=reason,
        details={"until": until.isoformat() if until else None},
        now=now,
    )
    loop.step(session, lead, now)
    return lead


def resume(
    session: Session,
    loop: AgentLoop,
    lead_id: uuid.UUID,
    *,
    actor: Principal | None,
    now: datetime,
    note: str | None = None,
) -> Lead:
    """Hand a paused or handed-off lead back to automation (its open handoffs are closed: what the lead
    said before now has been dealt with by a person). Resuming a lead that is not paused changes nothing."""
    lead = get(session, lead_id, actor, Operation.ACT)
    LeadRepository(session).lock(lead.id)
    _refuse_ended(lead, "automation cannot resume")
    status = LeadStatus(lead.status)
    if status not in {LeadStatus.PAUSED, LeadStatus.HANDED_OFF}:
        return lead
    loop.reactivate(
        session, lead, now, user_id=actor.id if actor else None, reason=note or f"resumed from {status.value}"
    )
    loop.step(session, lead, now)
    return lead


def close(
    session: Session, loop: AgentLoop, lead_id: uuid.UUID, *, actor: Principal, now: datetime, reason: str
) -> Lead:
    """The rep is done with this lead: closed, its handoffs closed, its unsent drafts out of date."""
    lead = get(session, lead_id, actor, Operation.ACT)
    LeadRepository(session).lock(lead.id)
    if LeadStatus(lead.status) in ENDED_STATUSES:
        raise Conflict(f"the lead is already {lead.status}", code="lead-ended")
    previous = lead.status
    lead.status = LeadStatus.CLOSED
    lead.updated_at = now
    closed = HandoffRepository(session).close_open(lead.id, by=actor.id, now=now)
    AuditRepository(session).record(
        action="lead.close",
        lead_id=lead.id,
        user_id=actor.id,
        reason=reason,
        details={"from": previous, "handoffs_closed": closed},
        now=now,
    )
    loop.step(session, lead, now)  # the loop stops it and supersedes unsent drafts
    return lead


def assign(
    session: Session, lead_id: uuid.UUID, owner_email: str | None, *, actor: Principal, now: datetime
) -> Lead:
    """Give the lead to a rep (None: to nobody). A rep may take an unowned lead or give away their own;
    an admin may assign any."""
    lead = get(session, lead_id, actor, Operation.ACT)
    owner = None
    if owner_email is not None:
        owner = UserRepository(session).by_email(owner_email)
        if owner is None or not owner.active:
            raise Invalid(f"no active user {owner_email}", code="unknown-user")
    before = str(lead.owner_id) if lead.owner_id else None
    lead.owner_id = owner.id if owner else None
    lead.updated_at = now
    AuditRepository(session).record(
        action="lead.assign",
        lead_id=lead.id,
        user_id=actor.id,
        details={"before": before, "after": str(owner.id) if owner else None},
        now=now,
    )
    session.flush()
    return lead


def set_preferences(
    session: Session, lead: Lead, *, frequency: str, channel: str | None, now: datetime
) -> None:
    """What the lead chose on the preference page (how often, which channel); the policy honours both."""
    before = {"contact_frequency": lead.contact_frequency, "preferred_channel": lead.preferred_channel}
    lead.contact_frequency = frequency
    lead.preferred_channel = channel
    lead.updated_at = now
    after = {"contact_frequency": lead.contact_frequency, "preferred_channel": lead.preferred_channel}
    AuditRepository(session).record(
        action="lead.preferences",
        lead_id=lead.id,
        details={"before": before, "after": after, "via": "preference_page"},
        now=now,
    )
    # As an event too: a channel chosen here after the email's unsubscribe link reopens that channel
    # (agent/policy.py), and the lead's timeline shows the choice.
    EventRepository(session).add(
        Event(
            lead_id=lead.id,
            type=EventType.PREFERENCE,
            channel=channel or None,
            payload={"frequency": frequency, "channel": channel or None},
            occurred_at=now,
            recorded_at=now,
        )
    )


@dataclass(frozen=True, slots=True)
class History:
    """Everything that happened to a lead, for its timeline: what they did, what was drafted and sent,
    what people did, what the loop decided (and why), and the handoffs."""

    lead: Lead
    events: list[Event]
    touches: list[Touch]
    actions: list[ReviewAction]
    decisions: list[Decision]
    handoffs: list[Handoff]

    def timeline(self) -> list[TimelineEntry]:
        """The lead's story in time order, each entry in a line."""
        entries = (
            [TimelineEntry(e.occurred_at, "event", _event_summary(e), e.id) for e in self.events]
            + [TimelineEntry(t.created_at, "touch", _touch_summary(t), t.id) for t in self.touches]
            + [TimelineEntry(a.created_at, "action", a.action, a.id) for a in self.actions]
            + [
                TimelineEntry(d.decided_at, "decision", d.summary, d.id, tuple(d.rules))
                for d in self.decisions
            ]
        )
        return sorted(entries, key=lambda entry: entry.at)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # event | touch | action | decision
    summary: str
    id: uuid.UUID
    rules: tuple[str, ...] = ()


def _touch_summary(touch: Touch) -> str:
    summary = f"{touch.purpose} {touch.channel}: {touch.state}"
    return f"{summary} ({touch.superseded_reason})" if touch.superseded_reason else summary


def _event_summary(event: Event) -> str:
    message = event.payload.get("message")
    return f"{event.type}: {str(message)[:80]}" if message else str(event.type)


def history(session: Session, lead_id: uuid.UUID, actor: Principal | None) -> History:
    lead = get(session, lead_id, actor)
    return History(
        lead=lead,
        events=EventRepository(session).for_lead(lead.id),
        touches=TouchRepository(session).for_lead(lead.id),
        actions=AuditRepository(session).for_lead(lead.id),
        decisions=DecisionRepository(session).for_lead(lead.id),
        handoffs=HandoffRepository(session).for_lead(lead.id),
    )


def by_ids(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, Lead]:
    return LeadRepository(session).by_ids(ids)


def page(session: Session, *, status: LeadStatus | None, limit: int, offset: int) -> tuple[list[Lead], int]:
    found = LeadRepository(session).page(status=status, limit=limit, offset=offset)
    return found.data, found.count


def _refuse_ended(lead: Lead, what: str) -> None:
    if LeadStatus(lead.status) in ENDED_STATUSES:
        raise Conflict(f"the lead is {lead.status}: {what}", code="lead-ended")


def _jsonable(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)
