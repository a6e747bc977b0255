"""Reps' decisions: approve, edit then approve, reject, regenerate, bulk approve; the lead and handoff
actions of the review page (snooze, pause, resume, claim, log a reply, close); tasks marked done.

The API (``api/routes/queue.py``, ``handoffs.py``) and the page (``api/web/``) both call these, so a
decision means the same wherever it is made. Each function authorises the actor (a rep acts on their
own leads and unowned ones, an admin on any: ``agent.users.may_act_on``), writes the audit trail, and
only flushes: the request owns the transaction.

Optimistic locking: each draft decision names the version the rep looked at. The draft's row is
locked first, so of two reps deciding at once the second waits for the first, then sees the version
moved and gets a conflict with the fresh state instead of overwriting it. Approving is idempotent: a
second approve of an approved draft changes nothing, and the outbox's claim sends it once. A draft a
newer event made out of date (superseded by the agent loop) says why and can never be approved.

What reps teach: the audit trail keeps the original and final text of every edit, every reject
reason and every regenerate instruction (``agent.db.reviews.ReviewHistory`` reads them back for the
acceptance rates and ``touchpoint eval export-reviews``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agent.db.models import Event, Handoff, Lead, Task, Touch
from agent.db.repositories import (
    AuditRepository,
    DecisionRepository,
    HandoffRepository,
    LeadRepository,
    TaskRepository,
    TouchRepository,
    lead_context,
    load_snapshot,
)
from agent.db.reviews import HandoffInbox, QueueRepository
from agent.domain import (
    Channel,
    CompanyIdentity,
    EventType,
    LeadStatus,
    RiskTier,
    TouchPurpose,
    TouchState,
)
from agent.drafting.slots import call_slots
from agent.events import NewEvent, record_event
from agent.guardrails import DraftText, GuardrailContext, PriorMessage, check_placeholders, run_checks
from agent.loop import AgentLoop, LoopError
from agent.policy import DraftTouch
from agent.sequences import PURPOSE_RISK
from agent.settings import Settings
from agent.users import Principal, may_act_on
from knowledge.types import DocType, Source

APPROVED_STATES = {TouchState.QUEUED, TouchState.SENDING, TouchState.SENT}
ENDED = frozenset({LeadStatus.UNSUBSCRIBED, LeadStatus.CLOSED, LeadStatus.CONVERTED})
STATE_WORDS = {
    TouchState.QUEUED: "already approved (waiting to be sent)",
    TouchState.SENDING: "already approved and being sent",
    TouchState.SENT: "already approved and sent",
    TouchState.REJECTED: "already rejected",
    TouchState.CANCELLED: "cancelled (it could not be sent)",
    TouchState.FAILED: "failed to send",
}


class ReviewError(Exception):
    """An expected refusal; ``kind`` maps to an HTTP status (not_found 404, forbidden 403, conflict and
    out_of_date 409, invalid 422). ``touch`` is the fresh state, when there is one to show."""

    def __init__(self, kind: str, message: str, touch: Touch | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # not_found | forbidden | conflict | out_of_date | invalid
        self.touch = touch


# --- who may act --------------------------------------------------------------------------------------


def authorise(actor: Principal | None, lead: Lead) -> None:
    """Refuse a rep acting on another rep's lead (``actor`` None: the system itself, always allowed)."""
    if actor is not None and not may_act_on(actor, lead.owner_id):
        raise ReviewError("forbidden", "this lead belongs to another rep; ask them or an admin")


def _actor_id(user_id: uuid.UUID | None, actor: Principal | None) -> uuid.UUID | None:
    return actor.id if actor is not None else user_id


def _lead(session: Session, lead_id: uuid.UUID, actor: Principal | None) -> Lead:
    lead = LeadRepository(session).get(lead_id)
    if lead is None:
        raise ReviewError("not_found", f"no lead {lead_id}")
    authorise(actor, lead)
    return lead


# --- drafts -------------------------------------------------------------------------------------------


def _load(
    session: Session,
    touch_id: uuid.UUID,
    version: int,
    *,
    allow_approved: bool,
    actor: Principal | None = None,
) -> Touch | None:
    touch = QueueRepository(session).lock_touch(touch_id)
    if touch is None:
        raise ReviewError("not_found", f"no draft {touch_id}")
    _lead(session, touch.lead_id, actor)
    if allow_approved and touch.state in APPROVED_STATES:
        return None  # already approved: a double click is a no-op
    if touch.state == TouchState.SUPERSEDED:
        raise ReviewError(
            "out_of_date",
            "this draft is out of date and can no longer be approved (superseded: "
            f"{touch.superseded_reason or 'something newer happened'})",
            touch,
        )
    if touch.state != TouchState.PENDING_REVIEW:
        raise ReviewError(
            "conflict",
            f"this draft is {STATE_WORDS.get(TouchState(touch.state), touch.state)}, not waiting for review",
            touch,
        )
    if touch.version != version:
        raise ReviewError(
            "conflict",
            f"this draft changed since you opened it (version {touch.version}, you had {version}): "
            "read it again before deciding",
            touch,
        )
    return touch


def approve(
    session: Session,
    touch_id: uuid.UUID,
    *,
    version: int,
    now: datetime,
    user_id: uuid.UUID | None = None,
    actor: Principal | None = None,
    bulk: bool = False,
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=True, actor=actor)
    if touch is None:
        existing = TouchRepository(session).get(touch_id)
        assert existing is not None
        return existing
    _block_placeholders(touch)
    touch.state = TouchState.QUEUED
    touch.updated_at = now
    AuditRepository(session).record(
        action="approve",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(user_id, actor),
        details={"version": version, "bulk": bulk},
        now=now,
    )
    session.flush()
    return touch


def edit_and_approve(
    session: Session,
    touch_id: uuid.UUID,
    *,
    version: int,
    body: str,
    subject: str | None,
    now: datetime,
    identity: CompanyIdentity,
    company_facts: tuple[str, ...] = (),
    user_id: uuid.UUID | None = None,
    actor: Principal | None = None,
) -> Touch:
    """The rep's text replaces the draft; the guardrails run again and are shown, but a person may
    overrule them (they may know a fact the sources do not), except for unfilled placeholders."""
    touch = _load(session, touch_id, version, allow_approved=False, actor=actor)
    assert touch is not None
    before = {"subject": touch.subject, "body": touch.body}
    touch.body = body
    if subject is not None:
        touch.subject = subject
    context = touch_context(session, touch, identity=identity, company_facts=company_facts, now=now)
    touch.guardrails = [
        v.as_dict() for v in run_checks(DraftText(Channel(touch.channel), body, touch.subject), context)
    ]
    _block_placeholders(touch)
    touch.state = TouchState.QUEUED
    touch.updated_at = now
    AuditRepository(session).record(
        action="edit_approve",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(user_id, actor),
        details={"before": before, "after": {"subject": touch.subject, "body": touch.body}},
        now=now,
    )
    session.flush()
    return touch


def reject(
    session: Session,
    touch_id: uuid.UUID,
    *,
    version: int,
    reason: str,
    now: datetime,
    user_id: uuid.UUID | None = None,
    actor: Principal | None = None,
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=False, actor=actor)
    assert touch is not None
    touch.state = TouchState.REJECTED
    touch.updated_at = now
    LeadRepository(session).wake(touch.lead_id, now)
    AuditRepository(session).record(
        action="reject",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(user_id, actor),
        reason=reason,
        details={"body": touch.body, "subject": touch.subject},
        now=now,
    )
    session.flush()
    return touch


def regenerate(
    session: Session,
    loop: AgentLoop,
    touch_id: uuid.UUID,
    *,
    version: int,
    instruction: str,
    now: datetime,
    actor: Principal | None = None,
) -> Touch:
    """A new draft for the same step through the real drafting pipeline, written with the rep's
    instruction; the old one is superseded (it cannot be approved any more) and the new one waits for
    review. Returns the new draft."""
    old = _load(session, touch_id, version, allow_approved=False, actor=actor)
    assert old is not None
    lead = LeadRepository(session).lock(old.lead_id)
    assert lead is not None
    old.state = TouchState.SUPERSEDED
    old.superseded_reason = f"regenerated by a rep: {instruction}"[:300]
    old.updated_at = now
    session.flush()
    action = _draft_action(session, old)
    snapshot = load_snapshot(session, lead)  # without the old draft: the new one need not differ from it
    request = replace(loop.draft_request(snapshot, action, now), instruction=instruction)
    outcome = loop.drafting.produce(request)
    new = loop.record_touch(session, lead, action, request, outcome, now)
    new.drafting = {**new.drafting, "instruction": instruction, "regenerated_from": str(old.id)}
    AuditRepository(session).record(
        action="regenerate",
        lead_id=lead.id,
        touch_id=old.id,
        user_id=actor.id if actor is not None else None,
        reason=instruction,
        details={
            "instruction": instruction,
            "replaced_by": str(new.id),
            "before": {"subject": old.subject, "body": old.body},
            "after": {"subject": new.subject, "body": new.body},
        },
        now=now,
    )
    session.flush()
    return new


def _draft_action(session: Session, touch: Touch) -> DraftTouch:
    """The decision that drafted ``touch`` again (its angle and the lead's signals, from the timeline)."""
    details: dict[str, object] = {}
    for decision in DecisionRepository(session).for_lead(touch.lead_id):
        if decision.touch_id == touch.id:
            details = dict(decision.details or {})
    signals = details.get("signals")
    return DraftTouch(
        step=touch.step,
        purpose=TouchPurpose(touch.purpose),
        channel=Channel(touch.channel),
        auto_send=False,  # a person asked for it: a person approves it
        rules=(*touch.decision_rules, "review.regenerate"),
        sequence=touch.sequence,
        risk=draft_risk(touch),
        trigger=str(details["trigger"]) if details.get("trigger") else None,
        angle=str(details.get("angle") or ""),
        signals=tuple(str(s) for s in signals) if isinstance(signals, list) else (),
    )


def review_due(touch: Touch, settings: Settings) -> datetime:
    """When a rep should have decided on the draft (``TOUCHPOINT_REVIEW_TARGET_MINUTES``)."""
    return touch.created_at + timedelta(minutes=settings.review_target_minutes)


def is_hot(lead: Lead, settings: Settings) -> bool:
    """Hot enough to go first in the queue: the engagement score is over the handoff threshold."""
    return lead.engagement_score >= settings.hot_score_threshold


def draft_risk(touch: Touch) -> RiskTier:
    return PURPOSE_RISK.get(TouchPurpose(touch.purpose), RiskTier.HIGH)


def bulk_eligible(touch: Touch) -> bool:
    """Bulk approval is for what a rep can trust at a glance: low-risk purposes with no violation."""
    return draft_risk(touch) is RiskTier.LOW and not touch.guardrails


@dataclass
class BulkOutcome:
    approved: list[Touch] = field(default_factory=list)
    skipped: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def bulk_approve(
    session: Session, drafts: Sequence[tuple[uuid.UUID, int]], *, actor: Principal, now: datetime
) -> BulkOutcome:
    """Approve several low-risk clean drafts at once; each is checked as if approved alone, and one
    that is not eligible (or changed, or is not this rep's) is skipped with the reason."""
    outcome = BulkOutcome()
    for touch_id, version in drafts:
        touch = TouchRepository(session).get(touch_id)
        if touch is not None and touch.state == TouchState.PENDING_REVIEW and not bulk_eligible(touch):
            outcome.skipped.append((touch_id, "not a low-risk clean draft: review it on its own"))
            continue
        try:
            outcome.approved.append(
                approve(session, touch_id, version=version, now=now, actor=actor, bulk=True)
            )
        except ReviewError as exc:
            outcome.skipped.append((touch_id, str(exc)))
    return outcome


# --- leads --------------------------------------------------------------------------------------------


def pause_lead(
    session: Session,
    loop: AgentLoop,
    lead_id: uuid.UUID,
    *,
    actor: Principal,
    now: datetime,
    until: datetime | None = None,
    reason: str | None = None,
) -> Lead:
    """Pause automation for the lead (with ``until``: a snooze that ends by itself)."""
    lead = _lead(session, lead_id, actor)
    if until is not None and until <= now:
        raise ReviewError("invalid", "pick a time in the future to snooze until")
    try:
        loop.pause(session, lead, now, user_id=actor.id, until=until, reason=reason)
    except LoopError as exc:
        raise ReviewError("conflict", str(exc)) from None
    return lead


def resume_lead(
    session: Session,
    loop: AgentLoop,
    lead_id: uuid.UUID,
    *,
    actor: Principal,
    now: datetime,
    note: str | None,
) -> Lead:
    """Hand the lead back to automation; its open handoffs are closed."""
    lead = _lead(session, lead_id, actor)
    try:
        loop.resume(session, lead, now, user_id=actor.id, note=note)
    except LoopError as exc:
        raise ReviewError("conflict", str(exc)) from None
    return lead


def close_lead(
    session: Session, loop: AgentLoop, lead_id: uuid.UUID, *, actor: Principal, now: datetime, reason: str
) -> Lead:
    """The rep is done with this lead: closed, its handoffs closed, its unsent drafts out of date."""
    lead = _lead(session, lead_id, actor)
    LeadRepository(session).lock(lead.id)
    if LeadStatus(lead.status) in ENDED:
        raise ReviewError("conflict", f"the lead is already {lead.status}")
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
    loop.edited(session, lead, {"status"}, now)  # the loop stops it and supersedes unsent drafts
    return lead


# --- handoffs -----------------------------------------------------------------------------------------


def _handoff(session: Session, handoff_id: uuid.UUID, actor: Principal) -> tuple[Handoff, Lead]:
    handoff = HandoffInbox(session).lock(handoff_id)
    if handoff is None:
        raise ReviewError("not_found", f"no handoff {handoff_id}")
    lead = _lead(session, handoff.lead_id, actor)
    return handoff, lead


def handoff_lead(session: Session, handoff_id: uuid.UUID) -> uuid.UUID:
    """The lead a handoff is about (the inbox's resume and close act on the lead)."""
    handoff = HandoffInbox(session).get(handoff_id)
    if handoff is None:
        raise ReviewError("not_found", f"no handoff {handoff_id}")
    return handoff.lead_id


def claim_handoff(session: Session, handoff_id: uuid.UUID, *, actor: Principal, now: datetime) -> Handoff:
    """Take the handoff: it is yours to answer, and an unowned lead becomes yours. Claiming your own
    claim again changes nothing; another rep's claim is refused (an admin may take it over)."""
    handoff, lead = _handoff(session, handoff_id, actor)
    if handoff.status != "open":
        raise ReviewError("conflict", "this handoff is closed already")
    if handoff.claimed_by == actor.id:
        return handoff
    if handoff.claimed_by is not None and not actor.is_admin:
        raise ReviewError("conflict", "another rep has claimed this handoff already")
    handoff.claimed_by = actor.id
    handoff.claimed_at = now
    if lead.owner_id is None:
        lead.owner_id = actor.id
    AuditRepository(session).record(
        action="handoff.claim",
        lead_id=lead.id,
        user_id=actor.id,
        details={"handoff_id": str(handoff.id)},
        now=now,
    )
    session.flush()
    return handoff


def log_reply(
    session: Session,
    loop: AgentLoop,
    handoff_id: uuid.UUID,
    *,
    channel: Channel,
    message: str,
    actor: Principal,
    now: datetime,
) -> Event:
    """Record a reply the rep made outside the tool (a call, their own mailbox): the lead's timeline
    shows it, and the handoff counts as answered now (response-time compliance is measured on it)."""
    handoff, lead = _handoff(session, handoff_id, actor)
    if handoff.status != "open":
        raise ReviewError("conflict", "this handoff is closed already")
    if handoff.claimed_by is None:
        handoff.claimed_by, handoff.claimed_at = actor.id, now
    handoff.responded_at = handoff.responded_at or now
    if lead.owner_id is None:
        lead.owner_id = actor.id
    recorded = record_event(
        session,
        loop,
        lead,
        NewEvent(
            type=EventType.NOTE,
            channel=channel,
            payload={
                "kind": "rep_reply",
                "message": message,
                "by": actor.email,
                "handoff_id": str(handoff.id),
            },
        ),
        now,
    )
    AuditRepository(session).record(
        action="handoff.reply_logged",
        lead_id=lead.id,
        user_id=actor.id,
        details={"handoff_id": str(handoff.id), "channel": channel.value, "message": message},
        now=now,
    )
    session.flush()
    return recorded.event


# --- tasks --------------------------------------------------------------------------------------------


def complete_task(
    session: Session, task_id: uuid.UUID, *, outcome: str, actor: Principal, now: datetime
) -> Task:
    """Mark a phone or LinkedIn task done with what happened."""
    task = TaskRepository(session).get(task_id)
    if task is None:
        raise ReviewError("not_found", f"no task {task_id}")
    _lead(session, task.lead_id, actor)
    if task.status == "done":
        raise ReviewError("conflict", "this task is already done")
    task.status = "done"
    task.completed_at = now
    task.completed_by = actor.id
    task.outcome = outcome
    AuditRepository(session).record(
        action="task.done",
        lead_id=task.lead_id,
        touch_id=task.touch_id,
        user_id=actor.id,
        details={"task_id": str(task.id), "outcome": outcome},
        now=now,
    )
    session.flush()
    return task


# --- guardrails on a rep's text -----------------------------------------------------------------------


def touch_context(
    session: Session,
    touch: Touch,
    *,
    identity: CompanyIdentity,
    company_facts: tuple[str, ...],
    now: datetime,
) -> GuardrailContext:
    """What this touch's text may draw on: its lead, the sources it was drafted from, the company."""
    lead = LeadRepository(session).get(touch.lead_id)
    context = lead_context(lead) if lead is not None else None
    others = [t for t in TouchRepository(session).for_lead(touch.lead_id) if t.id != touch.id]
    return GuardrailContext(
        lead=context,
        sources=tuple(_source(record) for record in touch.sources),
        company_facts=company_facts,
        identity=identity,
        allowed_phrases=call_slots(now, context.timezone) if context else (),
        previous=tuple(PriorMessage(t.body, t.purpose) for t in others if t.state in APPROVED_STATES),
        purpose=touch.purpose,
        today=now.date(),
    )


def _source(record: dict[str, object]) -> Source:
    figures = record.get("figures") or []
    return Source(
        id=str(record["id"]),
        type=DocType(str(record["type"])),
        title=str(record.get("title") or ""),
        url=str(record["url"]) if record.get("url") else None,
        text=str(record.get("text") or ""),
        score=float(str(record.get("score") or 0.0)),
        customer=str(record["customer"]) if record.get("customer") else None,
        figures=tuple(str(f) for f in figures) if isinstance(figures, list) else (),
    )


def _block_placeholders(touch: Touch) -> None:
    """A person may overrule style checks, but never send a message with an unfilled placeholder."""
    placeholders = check_placeholders(DraftText(Channel(touch.channel), touch.body, touch.subject))
    if placeholders:
        raise ReviewError(
            "invalid", "; ".join(v.message for v in placeholders) + ": fill them in first", touch
        )
