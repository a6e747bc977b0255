"""Keyword-only factories for test data, so each test states only what matters to it."""

from __future__ import annotations

from typing import Any

from agent.container import Services
from agent.db.models import Lead
from agent.services.inquiries import Inquiry, InquiryOutcome, submit_inquiry


def inquiry_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "email": "dana.lopez@lunahair.example",
        "first_name": "Dana",
        "last_name": "Lopez",
        "company": "Luna Hair Studio",
        "industry": "beauty",
        "need": "cut no-shows",
        "message": "Hi! We lose so many Saturday bookings to no-shows. Can you help?",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def submit(services: Services, **overrides: Any) -> InquiryOutcome:
    payload = inquiry_payload(**overrides)
    return submit_inquiry(services, Inquiry(**payload))


def lead_row(services: Services, lead_id: Any) -> Lead:
    with services.session_factory() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        return lead


def add_touch(
    services: Services,
    *,
    lead_id: Any,
    state: str = "pending_review",
    step: int = 1,
    purpose: str = "value_add",
    channel: str = "email",
    body: str | None = None,
    subject: str = "A resource for your salon",
) -> Any:
    """A draft as the loop would leave it, for tests of what happens to drafts afterwards."""
    from agent.db.models import Touch

    now = services.clock()
    body = body or (
        "Hi Dana,\n\nHere is our no-show cost calculator: it shows what missed appointments cost a salon "
        "each month, using your own prices and volumes. Many owners are surprised by the yearly figure, "
        "and it makes the deposit conversation with clients easier.\n\nWould it help if I walked you "
        "through it for Luna Hair Studio on Tuesday at 10:00?\n\nBest,\nMaya"
    )
    with services.session_factory.begin() as session:
        touch = Touch(
            lead_id=lead_id,
            sequence="new_lead",
            step=step,
            purpose=purpose,
            channel=channel,
            subject=subject,
            body=body,
            call_to_action="Would it help if I walked you through it?",
            drafter="composer",
            drafter_label="Drafted by the deterministic composer (no LLM)",
            prompt_version="composer-v1",
            state=state,
            created_at=now,
            updated_at=now,
        )
        session.add(touch)
        session.flush()
        return touch.id
