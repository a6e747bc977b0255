"""What the queue page shows, gathered from the repositories: the list in priority order, the focused
draft beside its lead's context, timeline, score and sources, and the reps' acceptance per purpose."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from agent.container import Services
from agent.db.models import Handoff, Lead, Touch, User
from agent.db.repositories import LeadRepository, TaskRepository, TouchRepository
from agent.db.reviews import (
    HandoffInbox,
    QueueFilter,
    QueueRepository,
    leads_by_id,
    review_counts,
    users_by_id,
)
from agent.domain import Channel, TouchPurpose, TouchState
from agent.metrics import Acceptance, acceptance_from_counts
from agent.review import APPROVED_STATES, bulk_eligible, is_hot, review_due
from agent.users import Principal, may_act_on
from api.routes.leads import get_lead
from api.schemas import LeadDetail
from api.web.templating import display_name

PAGE_SIZE = 50
SCOPES = ("mine", "team")
ACCEPTANCE_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # ok | info | error
    text: str


@dataclass(frozen=True, slots=True)
class Filters:
    """The queue's filters, read from a query string or a form's hidden fields, and written back."""

    scope: str = "mine"
    sequence: str = ""
    channel: str = ""
    purpose: str = ""
    offset: int = 0

    @classmethod
    def read(cls, values: Mapping[str, Any], sequences: list[str]) -> Filters:
        def pick(name: str, allowed: list[str]) -> str:
            value = str(values.get(name) or "")
            return value if value in allowed else ""

        offset = str(values.get("offset") or "0")
        return cls(
            scope=str(values.get("scope")) if values.get("scope") in SCOPES else "mine",
            sequence=pick("sequence", sequences),
            channel=pick("channel", [c.value for c in Channel]),
            purpose=pick("purpose", [p.value for p in TouchPurpose]),
            offset=int(offset) if offset.isdigit() else 0,
        )

    def where(self, principal: Principal) -> QueueFilter:
        return QueueFilter(
            user_id=principal.id,
            scope=self.scope,
            sequence=self.sequence or None,
            channel=self.channel or None,
            purpose=self.purpose or None,
        )

    def query(self, **extra: object) -> str:
        values = {
            "scope": self.scope if self.scope != "mine" else "",
            "sequence": self.sequence,
            "channel": self.channel,
            "purpose": self.purpose,
            "offset": self.offset or "",
            **extra,
        }
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def fields(self) -> dict[str, str]:
        """As hidden form fields, so an action returns to the same list."""
        return {
            "scope": self.scope,
            "sequence": self.sequence,
            "channel": self.channel,
            "purpose": self.purpose,
            "offset": str(self.offset),
        }

    def at(self, offset: int) -> Filters:
        return replace(self, offset=max(0, offset))


@dataclass(frozen=True, slots=True)
class Item:
    touch: Touch
    lead: Lead
    hot: bool
    due_at: datetime
    bulk: bool  # a low-risk clean draft: may be approved in bulk


@dataclass
class DraftView:
    touch: Touch
    lead: Lead
    detail: LeadDetail
    owner: User | None
    can_act: bool
    hot: bool
    due_at: datetime
    bulk: bool
    replaced_by: Touch | None
    open_handoffs: list[Handoff]

    @property
    def pending(self) -> bool:
        return self.touch.state == TouchState.PENDING_REVIEW

    @property
    def approved(self) -> bool:
        return self.touch.state in APPROVED_STATES

    @property
    def out_of_date(self) -> str | None:
        if self.touch.state != TouchState.SUPERSEDED:
            return None
        return self.touch.superseded_reason or "something newer happened"

    @property
    def attempts(self) -> list[dict[str, Any]]:
        return list(self.touch.drafting.get("attempts") or [])

    @property
    def timeline(self) -> list[Any]:
        return list(reversed(self.detail.timeline))[:40]


def queue_context(
    session: Session,
    services: Services,
    principal: Principal,
    filters: Filters,
    *,
    focus: uuid.UUID | None = None,
    notice: Notice | None = None,
) -> dict[str, Any]:
    where = filters.where(principal)
    page = QueueRepository(session).page(
        where, hot_score=services.settings.hot_score_threshold, limit=PAGE_SIZE, offset=filters.offset
    )
    items = [
        Item(
            row.touch,
            row.lead,
            is_hot(row.lead, services.settings),
            review_due(row.touch, services.settings),
            bulk_eligible(row.touch),
        )
        for row in page.data
    ]
    handoffs = HandoffInbox(session).open(where, limit=5)
    tasks = TaskRepository(session).page(
        owner_id=None if filters.scope == "team" else principal.id, status="open", limit=10
    )
    focus = focus or (items[0].touch.id if items else None)
    draft = draft_view(session, services, principal, focus) if focus else None
    ids = [i.touch.id for i in items]
    following = {ids[n]: ids[n + 1] for n in range(len(ids) - 1)}
    return {
        "filters": filters,
        "items": items,
        "count": page.count,
        "page_size": PAGE_SIZE,
        "handoffs": handoffs,
        "tasks": tasks,
        "lead_names": _lead_names(session, [t.lead_id for t in tasks.data]),
        "draft": draft,
        "next_id": following.get(focus) if focus else None,
        "notice": notice,
        "sequences": sorted(services.loop.sequences),
        "channels": [c.value for c in Channel],
        "purposes": [p.value for p in TouchPurpose],
        "acceptance": acceptance(session, services),
    }


def draft_view(
    session: Session, services: Services, principal: Principal, touch_id: uuid.UUID
) -> DraftView | None:
    touch = TouchRepository(session).get(touch_id)
    if touch is None:
        return None
    lead = LeadRepository(session).get(touch.lead_id)
    assert lead is not None  # a touch goes with its lead
    detail = get_lead(lead.id, session, principal)
    touches = TouchRepository(session).for_lead(lead.id)
    replaced_by = next((t for t in touches if t.drafting.get("regenerated_from") == str(touch.id)), None)
    owners = users_by_id(session, [lead.owner_id] if lead.owner_id else [])
    return DraftView(
        touch=touch,
        lead=lead,
        detail=detail,
        owner=owners.get(lead.owner_id) if lead.owner_id else None,
        can_act=may_act_on(principal, lead.owner_id),
        hot=is_hot(lead, services.settings),
        due_at=review_due(touch, services.settings),
        bulk=bulk_eligible(touch),
        replaced_by=replaced_by,
        open_handoffs=HandoffInbox(session).open_for_lead(lead.id),
    )


def acceptance(session: Session, services: Services) -> list[Acceptance]:
    """How reps received each purpose's drafts over the last 30 days."""
    return list(acceptance_from_counts(review_counts(session, since=services.clock() - ACCEPTANCE_WINDOW)))


def _lead_names(session: Session, lead_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {lead_id: display_name(lead) for lead_id, lead in leads_by_id(session, lead_ids).items()}
