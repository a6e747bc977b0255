"""A touch's life, in one table: which state may follow which, and the only code that changes a state.

    pending_review --approve--> queued --claim--> sending --hand over, record--> sent
         |                        |  ^               |
         |                        |  +--retry--------+ (a transient error, a crashed claim released)
         +--reject--> rejected    +--> cancelled     +--> failed, cancelled
         +--> superseded          +--> superseded

A draft waits for a rep (``pending_review``) or goes straight to the outbox (``queued``) when its step
may be sent alone. ``superseded`` is a draft a newer event made unfit; ``cancelled`` one that could not
be sent (suppressed, no consent, automation stopped); ``failed`` a permanent error, attempts exhausted,
or a send in doubt. The last five are final. Everything that moves a touch (the agent loop, the
review queue, the outbox) calls ``move`` here or applies one of the named transitions, so a state no
transition allows can never be written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from sqlalchemy.orm import Session

from agent.db.models import Touch
from agent.db.repositories.touches import TouchRepository
from agent.domain import TouchState, Transition
from agent.services.errors import Conflict

S = TouchState
ALLOWED: Mapping[TouchState, frozenset[TouchState]] = MappingProxyType(
    {
        S.PENDING_REVIEW: frozenset({S.QUEUED, S.REJECTED, S.SUPERSEDED}),
        S.QUEUED: frozenset({S.SENDING, S.SUPERSEDED, S.CANCELLED}),
        S.SENDING: frozenset({S.SENT, S.QUEUED, S.FAILED, S.CANCELLED}),
        S.SENT: frozenset(),
        S.FAILED: frozenset(),
        S.CANCELLED: frozenset(),
        S.REJECTED: frozenset(),
        S.SUPERSEDED: frozenset(),
    }
)
CLAIM = Transition(S.QUEUED, S.SENDING)  # the outbox takes a queued touch to send it
RELEASE = Transition(S.SENDING, S.QUEUED)  # a crashed sender's claim, before the hand-over, goes back


class InvalidTransition(Conflict):
    """A move the table does not allow: a bug in the caller, or a race lost to another writer."""


def allows(source: TouchState, target: TouchState) -> bool:
    return target in ALLOWED[source]


def initial_state(*, auto_send: bool, clean: bool) -> TouchState:
    """A new draft: queued for sending only when its step may go alone and no check objected."""
    return S.QUEUED if auto_send and clean else S.PENDING_REVIEW


def move(
    touch: Touch,
    target: TouchState,
    now: datetime,
    *,
    reason: str | None = None,
    error: str | None = None,
) -> None:
    """Change ``touch``'s state, if the table allows it; ``reason`` says why a draft was superseded,
    ``error`` why a send did not happen."""
    source = TouchState(touch.state)
    if not allows(source, target):
        raise InvalidTransition(
            f"a {source.value} message cannot become {target.value}", code="touch-invalid-transition"
        )
    touch.state = target
    touch.updated_at = now
    if reason is not None:
        touch.superseded_reason = reason[:300]
    if error is not None:
        touch.last_error = error


def supersede(touches: list[Touch], reason: str, now: datetime) -> int:
    """Mark unsent drafts out of date: never approved, never sent."""
    for touch in touches:
        move(touch, S.SUPERSEDED, now, reason=reason)
    return len(touches)


def claim(session: Session, touch_id: uuid.UUID, now: datetime, *, message_id: str | None = None) -> bool:
    """Atomically claim a queued touch for sending; exactly one caller wins. ``message_id``: the
    Message-ID it goes out with, stored by the claim itself unless it has one."""
    return TouchRepository(session).claim(touch_id, now, CLAIM, message_id=message_id)


def release_stale_claims(session: Session, older_than: datetime, now: datetime) -> int:
    return TouchRepository(session).release_stale_claims(older_than, now, RELEASE)
