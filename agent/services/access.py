"""Who may do what: one table of operations against the caller's relation to the lead, checked by the
services (never by a route or a page), so the API and the reps' pages cannot disagree.

A rep changes and acts on their own leads and on leads nobody owns; an admin on any. Reading is open to
every signed-in rep: a team sees its whole pipeline. Callers
without credentials reach only the public endpoints (the inquiry form, the links in emails, the signed
webhooks), which act as the system, never through this table.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from agent.services.errors import Forbidden
from agent.users import Principal


class Relation(StrEnum):
    """How the caller stands to the lead."""

    ADMIN = "admin"
    OWNER = "owner"  # the rep the lead is assigned to
    UNOWNED = "unowned"  # a rep, and the lead has no owner
    OTHER_REP = "other_rep"  # a rep, and the lead is another rep's


class Operation(StrEnum):
    READ = "read"  # a lead, its timeline, its handoffs and drafts
    CREATE = "create"
    UPDATE = "update"  # change what the lead is (details, consent), record an event for them
    ACT = "act"  # pause, resume, close, assign, decide drafts, claim and answer handoffs, do tasks
    ERASE = "erase"  # delete the lead and its history


ANY = frozenset(Relation)
WORKER = frozenset({Relation.ADMIN, Relation.OWNER, Relation.UNOWNED})

ALLOWED: Mapping[Operation, frozenset[Relation]] = MappingProxyType(
    {
        Operation.READ: ANY,
        Operation.CREATE: ANY,
        Operation.UPDATE: WORKER,
        Operation.ACT: WORKER,
        Operation.ERASE: WORKER,
    }
)


def relation(actor: Principal, owner_id: uuid.UUID | None) -> Relation:
    if actor.is_admin:
        return Relation.ADMIN
    if owner_id is None:
        return Relation.UNOWNED
    return Relation.OWNER if str(owner_id) == actor.user_id else Relation.OTHER_REP


def may(actor: Principal, operation: Operation, owner_id: uuid.UUID | None) -> bool:
    return relation(actor, owner_id) in ALLOWED[operation]


def authorise(actor: Principal | None, operation: Operation, owner_id: uuid.UUID | None) -> None:
    """Refuse ``actor`` the operation on a lead owned by ``owner_id`` (None: the system, always allowed)."""
    if actor is None or may(actor, operation, owner_id):
        return
    raise Forbidden("this lead belongs to another rep; ask them or an admin", code="not-your-lead")
