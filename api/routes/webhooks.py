"""Inbound webhooks: replies by email and SMS, delivery reports, bounces and complaints.

Public (providers cannot log in) but never open: each request is verified before anything is read
into the database, by our HMAC (``X-Touchpoint-Signature``), Mailgun's signature or Twilio's
``X-Twilio-Signature``, with secrets from settings; an endpoint whose secret is not set answers 503.
A bad signature gets 401 and stores nothing; a redelivered webhook is stored once (200, "duplicate").
What a message means is decided by ``agent/services/inbound.py`` and the agent loop, not here.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from agent.channels.mailgun import MalformedPayload, parse_event, parse_route, verify_mailgun_signature
from agent.channels.received import DeliveryKind, DeliveryStatus, InboundEmail
from agent.channels.twilio import (
    SIGNATURE_HEADER,
    parse_inbound,
    parse_status,
    twiml,
    verify_twilio_signature,
)
from agent.container import Services
from agent.domain import Channel
from agent.services.inbound import InboundResult, receive_email, receive_sms, receive_status
from agent.signing import WEBHOOK_SIGNATURE_HEADER, BadSignature, verify_webhook_signature
from api.deps import ServicesDep
from api.problems import Problem

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
M = TypeVar("M", bound=BaseModel)
VERIFIED: dict[int | str, dict[str, Any]] = {
    401: {"description": "The signature is missing, wrong or too old; nothing was stored"},
    422: {"description": "Signed, but not in the format this webhook takes; nothing was stored"},
    503: {"description": "This webhook's secret is not configured"},
}
FORM_VERIFIED: dict[int | str, dict[str, Any]] = {
    **VERIFIED,
    400: {"description": "The form cannot be read (broken multipart); nothing was stored"},
}


class WebhookAccepted(BaseModel):
    handled: str = Field(description="recorded, duplicate, new_inquiry, suppressed, answered or ignored")
    lead_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None


class Lenient(BaseModel):
    """Webhook formats tolerate fields they do not use: relays add their own."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, populate_by_name=True)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-11-23T10:00:00Z")
    return value


class EmailIn(Lenient):
    """The generic inbound email: what any relay or script can post (signed with our HMAC)."""

    from_: str = Field(validation_alias=AliasChoices("from", "from_"), min_length=3, max_length=400)
    text: str = ""
    subject: str | None = Field(default=None, max_length=1000)
    message_id: str | None = Field(default=None, max_length=1000)
    in_reply_to: str | None = Field(default=None, max_length=1000)
    references: str | list[str] | None = None
    received_at: datetime | None = None
    auto_submitted: bool = False

    _tz = field_validator("received_at")(_aware)

    def record(self) -> InboundEmail:
        references = self.references if isinstance(self.references, list) else [self.references or ""]
        return InboundEmail(
            from_address=self.from_,
            text=self.text,
            subject=self.subject,
            message_id=self.message_id,
            in_reply_to=self.in_reply_to,
            references=tuple(r for r in references if r),
            received_at=self.received_at,
            auto_submitted=self.auto_submitted,
        )


class StatusIn(Lenient):
    """The generic delivery report: delivered, bounced (hard or soft) or complained about."""

    id: str = Field(min_length=1, max_length=200, description="The provider's id for this report")
    type: DeliveryKind
    channel: Literal[Channel.EMAIL, Channel.SMS] = Channel.EMAIL
    recipient: str | None = Field(default=None, max_length=320)
    message_id: str | None = Field(default=None, max_length=1000)
    provider_message_id: str | None = Field(default=None, max_length=300)
    bounce_type: Literal["hard", "soft"] | None = None
    reason: str | None = Field(default=None, max_length=1000)
    occurred_at: datetime | None = None

    _tz = field_validator("occurred_at")(_aware)

    def record(self) -> DeliveryStatus:
        if self.type is DeliveryKind.BOUNCE and self.bounce_type is None:
            message = "a bounce needs bounce_type: hard or soft"
            raise _invalid(f"bounce_type: {message}", errors=[{"field": "bounce_type", "message": message}])
        return DeliveryStatus(
            event_id=self.id,
            channel=Channel(self.channel),
            kind=self.type,
            recipient=self.recipient,
            message_id=self.message_id,
            provider_message_id=self.provider_message_id,
            bounce_type=self.bounce_type,
            reason=self.reason,
            occurred_at=self.occurred_at,
        )


async def _raw_body(request: Request) -> bytes:
    return await request.body()


async def _form(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    return [(name, value) for name, value in form.multi_items() if isinstance(value, str)]


RawBody = Annotated[bytes, Depends(_raw_body)]
FormItems = Annotated[list[tuple[str, str]], Depends(_form)]


@router.post("/email/inbound", response_model=WebhookAccepted, responses=VERIFIED)
def email_inbound(
    request: Request, body: RawBody, services: ServicesDep, background: BackgroundTasks
) -> WebhookAccepted:
    """A reply (or a new inquiry) by email, in the generic JSON format."""
    _verify_hmac(services, request, body)
    mail = _parse(EmailIn, body).record()
    return _accepted(services, background, receive_email(services, mail))


@router.post("/email/mailgun", response_model=WebhookAccepted, responses=FORM_VERIFIED)
def email_mailgun(form: FormItems, services: ServicesDep, background: BackgroundTasks) -> WebhookAccepted:
    """A Mailgun route's ``forward()`` of a received email (fully parsed, form-encoded)."""
    fields = dict(form)
    _verify_mailgun(
        services, fields.get("timestamp", ""), fields.get("token", ""), fields.get("signature", "")
    )
    try:
        mail = parse_route(fields)
    except MalformedPayload as exc:
        raise _invalid(str(exc)) from None
    return _accepted(services, background, receive_email(services, mail))


@router.post("/email/mailgun/events", response_model=WebhookAccepted, responses=VERIFIED)
def email_mailgun_events(
    body: RawBody, services: ServicesDep, background: BackgroundTasks
) -> WebhookAccepted:
    """Mailgun event webhooks: delivered, failed (a bounce) and complained."""
    data = _json(body)
    signature = data.get("signature")
    if not isinstance(signature, dict):
        signature = {}
    _verify_mailgun(
        services,
        str(signature.get("timestamp", "")),
        str(signature.get("token", "")),
        str(signature.get("signature", "")),
    )
    try:
        status = parse_event(data)
    except MalformedPayload as exc:
        raise _invalid(str(exc)) from None
    if status is None:
        return WebhookAccepted(handled="ignored")
    return _accepted(services, background, receive_status(services, status))


@router.post("/status", response_model=WebhookAccepted, responses=VERIFIED)
def delivery_status(
    request: Request, body: RawBody, services: ServicesDep, background: BackgroundTasks
) -> WebhookAccepted:
    """A delivery report for an email or a text, in the generic JSON format."""
    _verify_hmac(services, request, body)
    status = _parse(StatusIn, body).record()
    return _accepted(services, background, receive_status(services, status))


@router.post(
    "/sms/twilio",
    response_class=Response,
    responses={**FORM_VERIFIED, 200: {"content": {"application/xml": {}}, "description": "TwiML"}},
)
def sms_twilio(
    request: Request, form: FormItems, services: ServicesDep, background: BackgroundTasks
) -> Response:
    """An inbound text from Twilio. The answer is TwiML: Twilio texts its ``<Message>`` back.

    STOP (and STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPT OUT) confirms the opt-out, START and
    UNSTOP the opt-in, HELP says who we are. A redelivery (Twilio retries only when it got no good
    answer, so it never acted on the first one) gets the same answer.
    """
    _verify_twilio(services, request, form)
    try:
        sms = parse_inbound(dict(form))
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    result = receive_sms(services, sms)
    _dispatch_acknowledgment(services, background, result)
    return Response(twiml(result.reply), media_type="application/xml")


@router.post("/sms/twilio/status", response_model=WebhookAccepted, responses=FORM_VERIFIED)
def sms_twilio_status(
    request: Request, form: FormItems, services: ServicesDep, background: BackgroundTasks
) -> WebhookAccepted:
    """Twilio's StatusCallback for a text we sent: delivered, undelivered or failed."""
    _verify_twilio(services, request, form)
    try:
        status = parse_status(dict(form))
    except ValueError as exc:
        raise _invalid(str(exc)) from None
    if status is None:
        return WebhookAccepted(handled="ignored")
    return _accepted(services, background, receive_status(services, status))


def _accepted(services: Services, background: BackgroundTasks, result: InboundResult) -> WebhookAccepted:
    _dispatch_acknowledgment(services, background, result)
    return WebhookAccepted(handled=result.handled.value, lead_id=result.lead_id, event_id=result.event_id)


def _dispatch_acknowledgment(services: Services, background: BackgroundTasks, result: InboundResult) -> None:
    """A new inquiry by email or text is acknowledged as fast as a web form's: right after the commit."""
    if result.acknowledgment_id is not None:
        background.add_task(services.outbox.send_after_response, result.acknowledgment_id)


def _secret(value: SecretStr | None, variable: str) -> str:
    if value is None:
        raise Problem(
            503,
            "Not configured",
            f"this webhook is off until TOUCHPOINT_{variable} is set (see README, 'Webhooks')",
            code="webhook-not-configured",
        )
    return value.get_secret_value()


def _refused(why: str) -> Problem:
    return Problem(401, "Unauthorized", f"the webhook signature was refused: {why}", code="bad-signature")


def _verify_hmac(services: Services, request: Request, body: bytes) -> None:
    secret = _secret(services.settings.webhook_secret, "WEBHOOK_SECRET")
    header = request.headers.get(WEBHOOK_SIGNATURE_HEADER)
    if not header:
        raise _refused(f"send {WEBHOOK_SIGNATURE_HEADER}: t=<unix time>,v1=<hex HMAC-SHA256 of 't.body'>")
    try:
        verify_webhook_signature(
            secret,
            body,
            header,
            now=int(services.clock().timestamp()),
            tolerance=services.settings.webhook_tolerance_seconds,
        )
    except BadSignature as exc:
        raise _refused(str(exc)) from None


def _verify_mailgun(services: Services, timestamp: str, token: str, signature: str) -> None:
    key = _secret(services.settings.mailgun_signing_key, "MAILGUN_SIGNING_KEY")
    if not verify_mailgun_signature(
        key,
        timestamp,
        token,
        signature,
        now=int(services.clock().timestamp()),
        tolerance=services.settings.webhook_tolerance_seconds,
    ):
        raise _refused(
            "Mailgun's timestamp, token and signature do not match the signing key, or are too old"
        )


def _verify_twilio(services: Services, request: Request, form: list[tuple[str, str]]) -> None:
    token = _secret(services.settings.twilio_auth_token, "TWILIO_AUTH_TOKEN")
    # Twilio signs the URL it called: ours as the public sees it, not as a proxy may have rewritten it.
    url = str(services.settings.public_base_url).rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not verify_twilio_signature(token, url, form, request.headers.get(SIGNATURE_HEADER, "")):
        raise _refused(f"{SIGNATURE_HEADER} does not sign {url} with the auth token")


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise _invalid("the body is not JSON") from None
    if not isinstance(data, dict):
        raise _invalid("the body must be a JSON object")
    return data


def _parse(model: type[M], body: bytes) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
        raise _invalid(detail, errors=errors) from None


def _invalid(detail: str, **extra: Any) -> Problem:
    return Problem(422, "Invalid request", detail, code="validation", **extra)
