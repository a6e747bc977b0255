"""Handoffs: a person takes over a lead. Claim one, log the reply you made outside Touchpoint, read the
inbox. Resuming and closing the lead are lead commands (``agent.services.leads``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from agent.db.models import Event, Handoff, Lead
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.base import Page
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.queue import QueueFilter
from agent.domain import Channel, EventType
from agent.services import leads
from agent.services.access import Operation
from agent.services.errors import Conflict, NotFound
from agent.services.events import NewEvent, record_event
from agent.users import Principal

if TYPE_CHECKING:
    from agent.loop import AgentLoop


def _not_found(handoff_id: uuid.UUID) -> NotFound:
    return NotFound(f"no handoff {handoff_id}", code="review-not-found")


def _handoff(session: Session, handoff_id: uuid.UUID, actor: Principal) -> tuple[Handoff, Lead]:
    handoff = HandoffRepository(session).lock(handoff_id)
    if handoff is None:
        raise _not_found(handoff_id)
    lead = leads.get(session, handoff.lead_id, actor, Operation.ACT)
    return handoff, lead


def get(session: Session, handoff_id: uuid.UUID, actor: Principal | None) -> tuple[Handoff, Lead]:
    """The handoff and its lead, if ``actor`` may read them."""
    handoff = HandoffRepository(session).get(handoff_id)
    if handoff is None:
        raise _not_found(handoff_id)
    return handoff, leads.get(session, handoff.lead_id, actor)


def lead_of(session: Session, handoff_id: uuid.UUID) -> uuid.UUID:
    """The lead a handoff is about (the inbox's resume and close act on the lead)."""
    handoff = HandoffRepository(session).get(handoff_id)
    if handoff is None:
        raise _not_found(handoff_id)
    return handoff.lead_id


def inbox(
    session: Session, where: QueueFilter, *, limit: int = 50, offset: int = 0
) -> Page[tuple[Handoff, Lead]]:
    """Open handoffs, the soonest response-time target first."""
    return HandoffRepository(session).inbox(where, limit=limit, offset=offset)


def open_for_lead(session: Session, lead_id: uuid.UUID) -> list[Handoff]:
    return HandoffRepository(session).open_for_lead(lead_id)


def claim(session: Session, handoff_id: uuid.UUID, *, actor: Principal, now: datetime) -> Handoff:
    """Take the handoff: it is yours to answer, and an unowned lead becomes yours. Claiming your own
    claim again changes nothing; another rep's claim is refused (an admin may take it over)."""
    handoff, lead = _handoff(session, handoff_id, actor)
    if handoff.status != "open":
        raise Conflict("this handoff is closed already", code="review-conflict")
    if handoff.claimed_by == actor.id:
        return handoff
    if handoff.claimed_by is not None and not actor.is_admin:
        raise Conflict("another rep has claimed this handoff already", code="review-conflict")
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
        raise Conflict("this handoff is closed already", code="review-conflict")
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
