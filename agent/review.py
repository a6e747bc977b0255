"""Reps' decisions on drafts: approve, edit then approve, reject. Authorised by the caller, audited here.

Optimistic locking: each decision names the version the rep looked at; if the draft changed since
(another rep, a regeneration), the decision is refused with the fresh state instead of overwriting.
Approving twice is harmless: the second approve of an already-approved draft changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from agent.db.models import Touch
from agent.db.repositories import AuditRepository, LeadRepository, TouchRepository
from agent.domain import Channel, TouchState
from agent.guardrails import DraftText, run_checks

APPROVED_STATES = {TouchState.QUEUED, TouchState.SENDING, TouchState.SENT}


class ReviewError(Exception):
    def __init__(self, kind: str, message: str, touch: Touch | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # not_found | conflict | invalid
        self.touch = touch


def _load(session: Session, touch_id: uuid.UUID, version: int, *, allow_approved: bool) -> Touch | None:
    touch = TouchRepository(session).get(touch_id)
    if touch is None:
        raise ReviewError("not_found", f"no draft {touch_id}")
    if allow_approved and touch.state in APPROVED_STATES:
        return None  # already approved: a double click is a no-op
    if touch.state != TouchState.PENDING_REVIEW:
        raise ReviewError("conflict", f"this draft is {touch.state}, not waiting for review", touch)
    if touch.version != version:
        raise ReviewError(
            "conflict",
            f"this draft changed since you opened it (version {touch.version}, you had {version})",
            touch,
        )
    return touch


def approve(
    session: Session, touch_id: uuid.UUID, *, version: int, user_id: uuid.UUID, now: datetime
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=True)
    if touch is None:
        existing = TouchRepository(session).get(touch_id)
        assert existing is not None
        return existing
    _block_placeholders(touch)
    touch.state = TouchState.QUEUED
    touch.updated_at = now
    AuditRepository(session).record(
        action="approve", lead_id=touch.lead_id, touch_id=touch.id, user_id=user_id, now=now
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
    user_id: uuid.UUID,
    now: datetime,
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=False)
    assert touch is not None
    before = {"subject": touch.subject, "body": touch.body}
    touch.body = body
    if subject is not None:
        touch.subject = subject
    touch.guardrails = [
        v.as_dict() for v in run_checks(DraftText(Channel(touch.channel), body, touch.subject))
    ]
    _block_placeholders(touch)
    touch.state = TouchState.QUEUED
    touch.updated_at = now
    AuditRepository(session).record(
        action="edit_approve",
        lead_id=touch.lead_id,
        touch_id=touch.id,
        user_id=user_id,
        details={"before": before, "after": {"subject": touch.subject, "body": touch.body}},
        now=now,
    )
    session.flush()
    return touch


def reject(
    session: Session, touch_id: uuid.UUID, *, version: int, reason: str, user_id: uuid.UUID, now: datetime
) -> Touch:
    touch = _load(session, touch_id, version, allow_approved=False)
    assert touch is not None
    touch.state = TouchState.REJECTED
    touch.updated_at = now
    LeadRepository(session).wake(touch.lead_id, now)
    AuditRepository(session).record(
        action="reject", lead_id=touch.lead_id, touch_id=touch.id, user_id=user_id, reason=reason, now=now
    )
    session.flush()
    return touch


def _block_placeholders(touch: Touch) -> None:
    """A person may overrule style checks, but never send a message with an unfilled placeholder."""
    violations = run_checks(DraftText(Channel(touch.channel), touch.body, touch.subject))
    placeholders = [v for v in violations if v.code.startswith("placeholder")]
    if placeholders:
        raise ReviewError(
            "invalid", "; ".join(v.message for v in placeholders) + ": fill them in first", touch
        )
