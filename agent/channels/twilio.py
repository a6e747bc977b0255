"""SMS through Twilio's Messages API, or any API that speaks it (the base URL is a setting).

The point of no return is the POST: a connection refused before it is a plain retry; a timeout or a
dropped connection after the request left may or may not have created the message. Twilio has no
idempotency key for sending, so after a crash or such a failure ``recover`` asks Twilio for the
messages sent to the number and looks for this exact body.

Also here: Twilio's webhook signature (``X-Twilio-Signature``) and its delivery error codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

import httpx

from agent.channels.base import (
    Handover,
    InDoubtSendError,
    OutgoingMessage,
    PermanentSendError,
    Recovery,
    SendResult,
    TransientSendError,
)
from agent.channels.received import DeliveryKind, DeliveryStatus, InboundSms
from agent.channels.sms import with_opt_out
from agent.domain import Channel

# Error codes that are about the number itself (invalid, unreachable, a landline, opted out at the
# carrier): the number is suppressed. Anything else fails or retries without blaming the number.
BAD_NUMBER_CODES = frozenset({21211, 21214, 21217, 21407, 21408, 21610, 21612, 21614, 30003, 30005, 30006})
UNSUBSCRIBED_CODE = 21610
SIGNATURE_HEADER = "X-Twilio-Signature"


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    base_url: str
    account_sid: str
    auth_token: str
    from_number: str | None = None
    messaging_service_sid: str | None = None
    status_callback_url: str | None = None


class TwilioSender:
    channel = Channel.SMS

    def __init__(self, config: TwilioConfig, client: httpx.Client) -> None:
        self.config = config
        self.client = client

    @property
    def _messages_url(self) -> str:
        return (
            f"{self.config.base_url.rstrip('/')}/2010-04-01/Accounts/{self.config.account_sid}/Messages.json"
        )

    def send(self, message: OutgoingMessage, handover: Handover) -> SendResult:
        form = {"To": message.to_address, "Body": with_opt_out(message.body)}
        if self.config.messaging_service_sid:
            form["MessagingServiceSid"] = self.config.messaging_service_sid
        else:
            form["From"] = self.config.from_number or ""
        if self.config.status_callback_url:
            form["StatusCallback"] = self.config.status_callback_url
        handover()
        try:
            response = self.client.post(self._messages_url, data=form, auth=self._auth)
        except httpx.ConnectError as exc:
            raise TransientSendError(f"cannot reach the SMS API: {exc}") from None
        except httpx.TransportError as exc:
            raise InDoubtSendError(f"the SMS API did not answer: {exc}") from None
        if response.is_success:
            return SendResult(provider_message_id=str(response.json()["sid"]))
        raise _error(response)

    def recover(self, message: OutgoingMessage) -> SendResult | Recovery:
        params = {"To": message.to_address, "PageSize": "50"}
        if self.config.from_number and not self.config.messaging_service_sid:
            params["From"] = self.config.from_number
        try:
            response = self.client.get(self._messages_url, params=params, auth=self._auth)
        except httpx.TransportError as exc:
            raise TransientSendError(f"cannot ask the SMS API what was sent: {exc}") from None
        if not response.is_success:
            raise TransientSendError(f"the SMS API answered {response.status_code} when asked what was sent")
        body = with_opt_out(message.body)
        for sent in response.json().get("messages", []):
            if sent.get("body") == body and sent.get("direction", "outbound-api").startswith("outbound"):
                return SendResult(provider_message_id=str(sent["sid"]))
        return Recovery.NOT_SENT

    def close(self) -> None:
        self.client.close()

    @property
    def _auth(self) -> tuple[str, str]:
        return (self.config.account_sid, self.config.auth_token)


def _error(response: httpx.Response) -> Exception:
    try:
        details = response.json()
    except ValueError:
        details = {}
    code = details.get("code")
    text = f"{response.status_code} {code or ''} {details.get('message') or response.text[:200]}".strip()
    if response.status_code == 429 or response.status_code >= 500:
        return TransientSendError(f"the SMS API is busy or failing: {text}")
    if code in BAD_NUMBER_CODES:
        return PermanentSendError(f"the SMS API refused the number: {text}")
    if response.status_code in (401, 403):
        return TransientSendError(
            f"the SMS API refused our credentials (TOUCHPOINT_TWILIO_ACCOUNT_SID / _AUTH_TOKEN): {text}"
        )
    return PermanentSendError(f"the SMS API refused the message: {text}", suppress_address=False)


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's scheme: HMAC-SHA1 over the full URL, then each POST field's name and value, sorted."""
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_twilio_signature(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str
) -> bool:
    return hmac.compare_digest(twilio_signature(auth_token, url, params), signature)


def is_bad_number_code(code: str | None) -> bool:
    return code is not None and code.isdigit() and int(code) in BAD_NUMBER_CODES


# Message statuses Twilio reports to the StatusCallback that settle a delivery; the others (queued,
# sending, sent, accepted, scheduled...) are steps on the way and are not stored.
def parse_status(form: Mapping[str, str]) -> DeliveryStatus | None:
    sid = form.get("MessageSid") or form.get("SmsSid")
    status = form.get("MessageStatus") or form.get("SmsStatus")
    if not sid or not status:
        raise ValueError("the post has no MessageSid or MessageStatus")
    if status == "delivered":
        kind, bounce_type = DeliveryKind.DELIVERED, None
    elif status in ("undelivered", "failed"):
        kind = DeliveryKind.BOUNCE
        bounce_type = "hard" if is_bad_number_code(form.get("ErrorCode")) else "soft"
    else:
        return None
    code = form.get("ErrorCode")
    return DeliveryStatus(
        event_id=f"{sid}:{status}",
        channel=Channel.SMS,
        kind=kind,
        recipient=form.get("To"),
        provider_message_id=sid,
        bounce_type=bounce_type,
        reason=f"{status} (error {code})" if code else status,
        provider="twilio",
    )


def parse_inbound(form: Mapping[str, str]) -> InboundSms:
    sid = form.get("MessageSid") or form.get("SmsSid")
    sender = form.get("From")
    if not sid or not sender:
        raise ValueError("the post has no MessageSid or From")
    return InboundSms(sid=sid, from_number=sender, body=form.get("Body", ""), to_number=form.get("To"))


def twiml(reply: str | None) -> str:
    """The answer to an inbound text: Twilio sends ``reply`` back to the sender, or nothing."""
    message = f"<Message>{escape(reply)}</Message>" if reply else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'
