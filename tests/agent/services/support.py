"""What the service tests share: reps, a lead with a draft, reading rows back."""

from __future__ import annotations

import uuid
from typing import Any

from agent.container import Services
from agent.db.models import Lead, ReviewAction, Touch
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.leads import LeadRepository
from agent.domain import Channel, EventType, UserRole
from agent.services.events import NewEvent, record_event
from agent.users import Principal
from tests.conftest import make_caller
from tests.factories import add_touch, submit


def principal(services: Services, email: str, role: UserRole = UserRole.REP) -> Principal:
    caller = make_caller(services, email=email, role=role)
    return Principal(user_id=str(caller.user_id), email=email, role=role)


def draft(
    services: Services, *, owner: Principal | None = None, **overrides: Any
) -> tuple[uuid.UUID, uuid.UUID]:
    lead_id = submit(services).lead_id
    services.outbox.drain()
    if owner is not None:
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = owner.id
    return lead_id, add_touch(services, lead_id=lead_id, **overrides)


def touch_row(services: Services, touch_id: uuid.UUID) -> Touch:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch


def actions(services: Services, lead_id: uuid.UUID) -> list[ReviewAction]:
    with services.session_factory() as session:
        return AuditRepository(session).for_lead(lead_id)


def reply(services: Services, lead_id: uuid.UUID, message: str) -> None:
    with services.session_factory.begin() as session:
        lead = LeadRepository(session).get(lead_id)
        assert lead is not None
        record_event(
            session,
            services.loop,
            lead,
            NewEvent(type=EventType.REPLY, channel=Channel.EMAIL, payload={"message": message}),
            services.clock(),
        )
