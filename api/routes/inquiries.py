"""The public inquiry endpoint: answered within seconds, day or night."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Header, Response, status

from agent.services.inquiries import Inquiry, is_sendable, submit_inquiry
from api.deps import ServicesDep
from api.phones import e164
from api.schemas import InquiryAccepted, InquiryIn

router = APIRouter(prefix="/v1", tags=["inquiries"])
ACKNOWLEDGMENT_STATES: dict[str, Literal["queued", "pending_review"]] = {
    "queued": "queued",
    "pending_review": "pending_review",
}


@router.post(
    "/inquiries",
    status_code=status.HTTP_201_CREATED,
    response_model=InquiryAccepted,
    responses={200: {"description": "A retry of an inquiry already accepted; nothing new was stored"}},
)
def post_inquiry(
    payload: InquiryIn,
    services: ServicesDep,
    background: BackgroundTasks,
    response: Response,
    idempotency_key: str | None = Header(default=None, max_length=150),
) -> InquiryAccepted:
    """Record a new inquiry (public: a web form posts here) and queue the instant acknowledgment.

    Send an `Idempotency-Key` header (or `idempotency_key` field) when you retry: the same key gives
    the same answer and stores nothing twice. Without one, the same contact and message count as one.
    """
    fields = payload.model_dump(exclude={"idempotency_key"})
    fields["phone"] = e164(payload.phone, services.settings.phone_region)
    outcome = submit_inquiry(
        services, Inquiry(**fields, idempotency_key=idempotency_key or payload.idempotency_key)
    )
    if outcome.replayed:
        response.status_code = status.HTTP_200_OK
    if is_sendable(outcome) and outcome.touch_id is not None:
        background.add_task(services.outbox.send_after_response, outcome.touch_id)
    return InquiryAccepted(
        lead_id=outcome.lead_id,
        event_id=outcome.event_id,
        touch_id=outcome.touch_id,
        acknowledgment=ACKNOWLEDGMENT_STATES.get(outcome.touch_state or "", "none"),
        lead_created=outcome.lead_created,
        replayed=outcome.replayed,
    )
