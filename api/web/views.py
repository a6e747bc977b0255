"""What the queue page shows, gathered from the repositories: the list in priority order, the focused
draft beside its lead's context, timeline, score and sources, and the reps' acceptance per purpose."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from agent.container import Services
from agent.domain import APPROVED_STATES, Channel, TouchPurpose, TouchState
from agent.services import handoffs, leads, reports, review, tasks
from agent.services.access import Operation, may
from agent.services.records import Handoff, Lead, Touch, User
from agent.services.review import QueueFilter, bulk_eligible, held_because, is_hot, review_due
from agent.users import Principal, users_by_id
from api.schemas import MAX_OFFSET, LeadDetail
from api.web.templating import display_name

PAGE_SIZE = 50
SCOPES = ("mine", "team")


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # ok | info | error
    text: str
    # A lead just paused or snoozed: its drafts leave the queue with it, so the notice is the one place
    # left on the page to resume it from.
    resume_lead: uuid.UUID | None = None


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
            offset=min(int(offset), MAX_OFFSET) if offset.isascii() and offset.isdigit() else 0,
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

    @property
    def held(self) -> str | None:
        return held_because(self.touch)


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
    def held(self) -> str | None:
        return held_because(self.touch)

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
    page = review.queue(
        session,
        where,
        hot_score=services.settings.hot_score_threshold,
        limit=PAGE_SIZE,
        offset=filters.offset,
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
    waiting = handoffs.inbox(session, where, limit=5)
    work = tasks.page(
        session, owner_id=None if filters.scope == "team" else principal.id, status="open", limit=10
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
        "handoffs": waiting,
        "tasks": work,
        "lead_names": _lead_names(session, [t.lead_id for t in work.data]),
        "draft": draft,
        "next_id": following.get(focus) if focus else None,
        "notice": notice,
        "sequences": sorted(services.loop.sequences),
        "channels": [c.value for c in Channel],
        "purposes": [p.value for p in TouchPurpose],
        "acceptance": reports.acceptance(session, now=services.clock()),
    }


def draft_view(
    session: Session, services: Services, principal: Principal, touch_id: uuid.UUID
) -> DraftView | None:
    found = review.draft(session, touch_id, principal)
    if found is None:
        return None
    touch, history = found
    lead = history.lead
    replaced_by = next(
        (t for t in history.touches if t.drafting.get("regenerated_from") == str(touch.id)), None
    )
    owners = users_by_id(session, [lead.owner_id] if lead.owner_id else [])
    return DraftView(
        touch=touch,
        lead=lead,
        detail=LeadDetail.of(history),
        owner=owners.get(lead.owner_id) if lead.owner_id else None,
        can_act=may(principal, Operation.ACT, lead.owner_id),
        hot=is_hot(lead, services.settings),
        due_at=review_due(touch, services.settings),
        bulk=bulk_eligible(touch),
        replaced_by=replaced_by,
        open_handoffs=handoffs.open_for_lead(session, lead.id),
    )


def _lead_names(session: Session, lead_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {lead_id: display_name(lead) for lead_id, lead in leads.by_ids(session, lead_ids).items()}
