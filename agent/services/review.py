"""Reps' decisions on drafts: approve, edit then approve, reject, regenerate, bulk approve.

The API (``api/routes/queue.py``) and the page (``api/web/``) both call these, so a decision means the
same wherever it is made. Each function authorises the actor (``agent.services.access``: a rep acts on
their own leads and unowned ones, an admin on any), writes the audit trail, and only flushes: the
request owns the transaction.

Optimistic locking: each draft decision names the version the rep looked at. The draft's row is
locked first, so of two reps deciding at once the second waits for the first, then sees the version
moved and gets a conflict with the fresh state instead of overwriting it. Approving is idempotent: a
second approve of an approved draft changes nothing, and the outbox's claim sends it once. A draft a
newer event made out of date (superseded by the agent loop) says why and can never be approved.

What reps teach: the audit trail keeps the original and final text of every edit, every reject
reason and every regenerate instruction (``agent.db.repositories.reviews.ReviewHistory`` reads them
back for the acceptance rates and ``touchpoint eval export-reviews``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from agent.db.models import Lead, Touch
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.base import Page
from agent.db.repositories.decisions import DecisionRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.queue import QueueFilter as QueueFilter
from agent.db.repositories.queue import QueueRepository
from agent.db.repositories.queue import QueueRow as QueueRow
from agent.db.repositories.snapshots import lead_context, load_snapshot
from agent.db.repositories.touches import TouchRepository
from agent.domain import APPROVED_STATES, Channel, CompanyIdentity, RiskTier, TouchPurpose, TouchState
from agent.drafting.slots import call_slots
from agent.guardrails import (
    DEFAULT_CHECKS,
    DraftText,
    GuardrailContext,
    PriorMessage,
    check_placeholders,
    run_checks,
)
from agent.guardrails.meaning import Meaning
from agent.loop import AgentLoop
from agent.policy import PITCH_REVIEW, DraftTouch
from agent.sequences import PURPOSE_RISK
from agent.services import leads, touches
from agent.services.access import Operation
from agent.services.errors import Conflict, DomainError, Invalid, NotFound, OutOfDate
from agent.settings import Settings
from agent.users import Principal
from knowledge.types import DocType, OfferWindow, Source

STATE_WORDS = {
    TouchState.QUEUED: "already approved (waiting to be sent)",
    TouchState.SENDING: "already approved and being sent",
    TouchState.SENT: "already approved and sent",
    TouchState.REJECTED: "already rejected",
    TouchState.CANCELLED: "cancelled (it could not be sent)",
    TouchState.FAILED: "failed to send",
}


def _snapshot(touch: Touch) -> dict[str, Any]:
    """The draft as it is now, copied out of the session: a refusal outlives the rolled-back request."""
    return {column.key: getattr(touch, column.key) for column in Touch.__table__.columns}


def _actor_id(actor: Principal | None) -> uuid.UUID | None:
    return actor.id if actor is not None else None


def _queue(session: Session, loop: AgentLoop, touch: Touch, now: datetime) -> None:
    """An approved draft goes to the outbox; at night or past a cap it waits for the lead's hours (the
    outbox claims nothing before ``send_after``)."""
    touches.move(touch, TouchState.QUEUED, now)
    touch.send_after = loop.send_time(session, touch, now)


def _load(
    session: Session,
    touch_id: uuid.UUID,
    version: int,
    *,
    allow_approved: bool,
    actor: Principal | None = None,
) -> Touch | None:
    """The draft, locked, if ``actor`` may decide it now; None if it is approved already (a double
    click is a no-op). A refusal carries the draft as it now is (``current``)."""
    touch = TouchRepository(session).lock(touch_id)
    if touch is None:
        raise NotFound(f"no draft {touch_id}", code="review-not-found")
    leads.get(session, touch.lead_id, actor, Operation.ACT)
    if allow_approved and touch.state in APPROVED_STATES:
        return None
    if touch.state == TouchState.SUPERSEDED:
        raise OutOfDate(
            "this draft is out of date and can no longer be approved (superseded: "
            f"{touch.superseded_reason or 'something newer happened'})",
            code="review-out-of-date",
            current=_snapshot(touch),
        )
    if touch.state != TouchState.PENDING_REVIEW:
        raise Conflict(
            f"this draft is {STATE_WORDS.get(TouchState(touch.state), touch.state)}, not waiting for review",
            code="review-conflict",
            current=_snapshot(touch),
        )
    if touch.version != version:
        raise Conflict(
            f"this draft changed since you opened it (version {touch.version}, you had {version}): "
            "read it again before deciding",
            code="review-conflict",
            current=_snapshot(touch),
        )
    return touch


def approve(
    session: Session,
    loop: AgentLoop,
    touch_id: uuid.UUID,
    *,
    version: int,
    now: datetime,
    actor: Principal | None = None,
    bulk: bool = False,
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=True, actor=actor)
    if touch is None:
        existing = TouchRepository(session).get(touch_id)
        assert existing is not None
        return existing
    _block_placeholders(touch)
    _queue(session, loop, touch, now)
    AuditRepository(session).record(
        action="approve",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(actor),
        details={"version": version, "bulk": bulk},
        now=now,
    )
    session.flush()
    return touch


def edit_and_approve(
    session: Session,
    loop: AgentLoop,
    touch_id: uuid.UUID,
    *,
    version: int,
    body: str,
    subject: str | None,
    now: datetime,
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
    context = touch_context(
        session,
        touch,
        identity=loop.identity,
        company_facts=loop.knowledge.company_facts(),
        offers=loop.knowledge.offers(),
        now=now,
    )
    touch.guardrails = [
        v.as_dict()
        for v in run_checks(
            DraftText(Channel(touch.channel), body, touch.subject),
            context,
            loop.drafting.checks or DEFAULT_CHECKS,  # the checks the agent's own drafts passed
        )
    ]
    _block_placeholders(touch)
    _queue(session, loop, touch, now)
    AuditRepository(session).record(
        action="edit_approve",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(actor),
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
    actor: Principal | None = None,
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=False, actor=actor)
    assert touch is not None
    touches.move(touch, TouchState.REJECTED, now)
    LeadRepository(session).wake(touch.lead_id, now)
    AuditRepository(session).record(
        action="reject",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=_actor_id(actor),
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
    touches.move(old, TouchState.SUPERSEDED, now, reason=f"regenerated by a rep: {instruction}")
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


def is_approved(session: Session, touch_id: uuid.UUID) -> bool:
    """Whether the draft is approved already (locked: a double click then sees the first click's work)."""
    touch = TouchRepository(session).lock(touch_id)
    return touch is not None and touch.state in APPROVED_STATES


def is_waiting(session: Session, touch_id: uuid.UUID) -> bool:
    """Whether the draft still waits for a rep (the page moves on to the next one that does)."""
    touch = TouchRepository(session).lock(touch_id)
    return touch is not None and touch.state == TouchState.PENDING_REVIEW


def draft(session: Session, touch_id: uuid.UUID, actor: Principal) -> tuple[Touch, leads.History] | None:
    """A draft beside its lead's whole history (the queue page's focus); None if there is no such draft."""
    touch = TouchRepository(session).get(touch_id)
    if touch is None:
        return None
    return touch, leads.history(session, touch.lead_id, actor)


def queue(
    session: Session, where: QueueFilter, *, hot_score: float, limit: int = 50, offset: int = 0
) -> Page[QueueRow]:
    """Drafts waiting for review, most urgent first (``QueueRepository.page``)."""
    return QueueRepository(session).page(where, hot_score=hot_score, limit=limit, offset=offset)


def review_due(touch: Touch, settings: Settings) -> datetime:
    """When a rep should have decided on the draft (``TOUCHPOINT_REVIEW_TARGET_MINUTES``)."""
    return touch.created_at + timedelta(minutes=settings.review_target_minutes)


def is_hot(lead: Lead, settings: Settings) -> bool:
    """Hot enough to go first in the queue: the engagement score is over the handoff threshold."""
    return lead.engagement_score >= settings.hot_score_threshold


def draft_risk(touch: Touch) -> RiskTier:
    return PURPOSE_RISK.get(TouchPurpose(touch.purpose), RiskTier.HIGH)


# Why the policy held a draft that would otherwise have gone out by itself, in the rep's words.
HELD_BECAUSE = {
    PITCH_REVIEW: "The inquiry reads as a vendor's pitch, not a lead's question: approve only if it is a "
    "real lead; otherwise reject the draft and close the lead.",
}


def held_because(touch: Touch) -> str | None:
    """What the rep must judge before this draft goes: a reason the policy gave, or None."""
    return next((HELD_BECAUSE[r] for r in touch.decision_rules or () if r in HELD_BECAUSE), None)


def bulk_eligible(touch: Touch) -> bool:
    """Bulk approval is for what a rep can trust at a glance: low-risk purposes with no violation, and
    nothing the policy held back for a person to judge."""
    return draft_risk(touch) is RiskTier.LOW and not touch.guardrails and held_because(touch) is None


@dataclass
class BulkOutcome:
    approved: list[Touch] = field(default_factory=list)
    skipped: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def bulk_approve(
    session: Session,
    loop: AgentLoop,
    drafts: Sequence[tuple[uuid.UUID, int]],
    *,
    actor: Principal,
    now: datetime,
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
                approve(session, loop, touch_id, version=version, now=now, actor=actor, bulk=True)
            )
        except DomainError as exc:
            outcome.skipped.append((touch_id, str(exc)))
    return outcome


# --- guardrails on a rep's text -----------------------------------------------------------------------


def touch_context(
    session: Session,
    touch: Touch,
    *,
    identity: CompanyIdentity,
    company_facts: tuple[str, ...],
    offers: tuple[OfferWindow, ...],
    now: datetime,
    meaning: Meaning | None = None,
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
        offers=offers,
        live_offer_ids=frozenset(o.id for o in offers if o.live_on(now.date())),
        today=now.date(),
        meaning=meaning,
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
        raise Invalid(
            "; ".join(v.message for v in placeholders) + ": fill them in first",
            code="review-invalid",
            current=_snapshot(touch),
        )
