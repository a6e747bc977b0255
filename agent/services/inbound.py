"""What comes back: replies by email and SMS, SMS keywords, delivery reports, bounces and complaints.

Provider-neutral: ``api/routes/webhooks.py`` verifies each provider's signature and parses its format
into these plain records; here they are deduplicated, matched to a lead and a thread (In-Reply-To and
References against the Message-IDs we sent, then the sender's address), and recorded through
``agent/services/events.py``, so the agent loop reacts exactly as to an event posted by the API. A
sender we do not know becomes a new inquiry. Carrier keywords (STOP, START, HELP) are handled here, in
the same transaction as the suppression they cause (``agent/services/suppression.py``); plain-language
opt-outs are the reply reader's job.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from agent.channels.received import (
    DeliveryKind,
    DeliveryStatus,
    InboundEmail,
    InboundSms,
    idempotency_key,
    message_ids,
    normalise_message_id,
)
from agent.channels.sms import Keyword, classify_keyword, keyword_language, keyword_reply
from agent.db.models import Lead, Touch
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.touches import TouchRepository
from agent.domain import Channel, EventType, normalise_email
from agent.services import suppression
from agent.services.edges import Edges
from agent.services.events import NewEvent, record_event
from agent.services.inquiries import Inquiry, is_sendable, submit_inquiry

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Characters of an email kept on the event: the sender's own words come first, and a long quoted thread
# is cut rather than the email refused (a refused reply is lost once the provider stops retrying).
MAX_EMAIL_TEXT = 100_000


class Handled(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    NEW_INQUIRY = "new_inquiry"
    SUPPRESSED = "suppressed"  # no lead known, but the address is now blocked
    ANSWERED = "answered"  # an SMS HELP: answered, nothing to store
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class InboundResult:
    handled: Handled
    lead_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    touch_id: uuid.UUID | None = None  # our message this was an answer or a report to
    reply: str | None = None  # what to text back (SMS keywords)
    acknowledgment_id: uuid.UUID | None = None  # a new inquiry's acknowledgment, for the outbox


def receive_email(services: Edges, mail: InboundEmail) -> InboundResult:
    name, address = parseaddr(mail.from_address)
    address = normalise_email(address) or ""
    if "@" not in address or address == normalise_email(services.identity.sender_email):
        return InboundResult(Handled.IGNORED)  # unusable sender, or our own message looping back
    key = mail.key()
    with services.session_factory.begin() as session:
        seen = _delivered_before(session, key)
        if seen is not None:
            return seen
        thread = TouchRepository(session).latest_by_message_ids(
            message_ids(mail.in_reply_to, *mail.references)
        )
        lead = (
            session.get(Lead, thread.lead_id)
            if thread is not None
            else LeadRepository(session).find_by_contact(email=address, phone=None)
        )
        if lead is not None:
            payload: dict[str, Any] = {
                "message": mail.text[:MAX_EMAIL_TEXT],
                "subject": mail.subject,
                "from": address,
                "touch_id": str(thread.id) if thread else None,
                "message_id": mail.message_id,
                "in_reply_to": mail.in_reply_to,
                "auto_submitted": mail.auto_submitted,
                "provider": mail.provider,
            }
            new = NewEvent(EventType.REPLY, Channel.EMAIL, payload, mail.received_at, key)
            return _recorded(services, session, lead, new, thread)
    if mail.auto_submitted:
        # An automatic message from someone we never wrote to (a no-reply notice, a stranger's away
        # message) is nobody's inquiry, and answering it would start a loop of robots (RFC 3834).
        return InboundResult(Handled.IGNORED)
    first, last = _split_display_name(mail.from_name or name)
    message = mail.inquiry_message() or "(empty email)"
    return _inquiry(
        services,
        Inquiry(
            message=message[:5000],
            email=address,
            first_name=first[:100] or None,
            last_name=last[:100] or None,
            source="email",
            idempotency_key=key,
        ),
    )


def _split_display_name(display: str) -> tuple[str, str]:
    """First and last name from an email's display name. Company directories (Outlook, Exchange) write
    "Okafor, Chidi": the part after the comma is the first name, or the greeting says "Hello Okafor,"."""
    display = " ".join(display.split())
    if "," in display:
        last, _, first = display.partition(",")
        return first.strip(), last.strip()
    first, _, last = display.partition(" ")
    return first, last.strip()


def receive_sms(services: Edges, sms: InboundSms) -> InboundResult:
    keyword = classify_keyword(sms.body)
    if keyword is not None:
        language = keyword_language(sms.body) or _sender_language(services, sms.from_number)
        reply = keyword_reply(keyword, services.identity, language)
        if keyword is Keyword.HELP:
            return InboundResult(Handled.ANSWERED, reply=reply)
        result = _sms_keyword(services, sms, keyword)
        return InboundResult(result.handled, result.lead_id, result.event_id, reply=reply)
    key = idempotency_key("sms-in", sms.sid)
    with services.session_factory.begin() as session:
        seen = _delivered_before(session, key)
        if seen is not None:
            return seen
        lead = LeadRepository(session).find_by_contact(email=None, phone=sms.from_number)
        if lead is not None:
            payload = {
                "message": sms.body,
                "subject": None,
                "from": sms.from_number,
                "provider_message_id": sms.sid,
            }
            return _recorded(
                services, session, lead, NewEvent(EventType.REPLY, Channel.SMS, payload, None, key), None
            )
    if not _E164.match(sms.from_number):
        return InboundResult(Handled.IGNORED)
    message = sms.body.strip()[:5000] or "(empty text)"
    # Texting the business is asking to be texted back: the acknowledgment answers on SMS, with the
    # opt-out line, and STOP withdraws the consent as for anyone else.
    texted = Inquiry(
        message=message, phone=sms.from_number, source="sms", idempotency_key=key, consent_sms=True
    )
    return _inquiry(services, texted)


def _sender_language(services: Edges, number: str) -> str | None:
    """The stored language of the lead who texted: a keyword is answered in it (found using the
    product: a Spanish lead who texted STOP got the confirmation in English)."""
    with services.session_factory() as session:
        lead = LeadRepository(session).find_by_contact(email=None, phone=number)
        return lead.language if lead is not None else None


def _sms_keyword(services: Edges, sms: InboundSms, keyword: Keyword) -> InboundResult:
    """STOP suppresses the number (every lead, every path) and withdraws consent; START undoes both."""
    now = services.clock()
    stop = keyword is Keyword.STOP
    with services.session_factory.begin() as session:
        if stop:
            suppression.sms_stop(session, sms.from_number, keyword=sms.body.strip(), now=now)
        else:
            suppression.sms_start(session, sms.from_number)
        lead = LeadRepository(session).find_by_contact(email=None, phone=sms.from_number)
        if lead is None:
            return InboundResult(Handled.SUPPRESSED if stop else Handled.IGNORED)
        recorded = suppression.record_sms_keyword(
            session,
            services.loop,
            lead,
            stop=stop,
            payload={"keyword": sms.body.strip(), "provider_message_id": sms.sid},
            key=idempotency_key("sms-in", sms.sid),
            now=now,
        )
        return InboundResult(
            Handled.RECORDED if recorded.created else Handled.DUPLICATE,
            lead_id=recorded.event.lead_id,
            event_id=recorded.event.id,
        )


def receive_status(services: Edges, status: DeliveryStatus) -> InboundResult:
    """Record a delivery report; a hard bounce or a complaint also blocks the address for good."""
    now = services.clock()
    with services.session_factory.begin() as session:
        touch = _reported_touch(TouchRepository(session), status)
        lead = (
            session.get(Lead, touch.lead_id)
            if touch is not None
            else _lead_by_address(LeadRepository(session), status.channel, status.recipient)
        )
        address = status.recipient or (_lead_address(lead, status.channel) if lead else None)
        blocks = status.kind is DeliveryKind.COMPLAINT or (
            status.kind is DeliveryKind.BOUNCE and status.bounce_type == "hard"
        )
        suppressed = False
        if blocks and address:
            suppressed = suppression.delivery_failure(
                session,
                channel=status.channel,
                address=address,
                complaint=status.kind is DeliveryKind.COMPLAINT,
                source=f"{status.provider}: {status.reason or status.kind.value}",
                now=now,
            )
        if touch is not None and status.kind is not DeliveryKind.DELIVERED:
            touch.last_error = (
                f"{status.kind.value} ({status.bounce_type or 'reported'}): {status.reason or ''}"
            )
        if lead is None:
            return InboundResult(Handled.SUPPRESSED if suppressed else Handled.IGNORED)
        payload: dict[str, Any] = {
            "touch_id": str(touch.id) if touch else None,
            "recipient": address,
            "provider": status.provider,
            "provider_message_id": status.provider_message_id,
        }
        if status.kind is not DeliveryKind.DELIVERED:
            payload |= {"bounce_type": status.bounce_type, "reason": status.reason}
        key = idempotency_key(f"status:{status.provider}", status.event_id)
        new = NewEvent(STATUS_EVENTS[status.kind], status.channel, payload, status.occurred_at, key)
        return _recorded(services, session, lead, new, touch)


STATUS_EVENTS = {
    DeliveryKind.DELIVERED: EventType.DELIVERED,
    DeliveryKind.BOUNCE: EventType.BOUNCE,
    DeliveryKind.COMPLAINT: EventType.COMPLAINT,
}


def _recorded(
    services: Edges, session: Session, lead: Lead, new: NewEvent, touch: Touch | None
) -> InboundResult:
    recorded = record_event(session, services.loop, lead, new, services.clock())
    return InboundResult(
        Handled.RECORDED if recorded.created else Handled.DUPLICATE,
        lead_id=recorded.event.lead_id,
        event_id=recorded.event.id,
        touch_id=touch.id if touch else None,
    )


def _delivered_before(session: Session, key: str) -> InboundResult | None:
    """A redelivery, whether the first copy was recorded as a reply or became a new inquiry."""
    events = EventRepository(session)
    first = events.by_idempotency_key(key) or events.by_idempotency_key(
        Inquiry(message="", idempotency_key=key).key()
    )
    if first is None:
        return None
    return InboundResult(Handled.DUPLICATE, lead_id=first.lead_id, event_id=first.id)


def _inquiry(services: Edges, inquiry: Inquiry) -> InboundResult:
    """An unknown sender is a new lead: the same path, and the same instant acknowledgment, as a web form."""
    outcome = submit_inquiry(services, inquiry)
    return InboundResult(
        Handled.DUPLICATE if outcome.replayed else Handled.NEW_INQUIRY,
        lead_id=outcome.lead_id,
        event_id=outcome.event_id,
        acknowledgment_id=outcome.touch_id if is_sendable(outcome) else None,
    )


def _reported_touch(touches: TouchRepository, status: DeliveryStatus) -> Touch | None:
    if status.provider_message_id:
        touch = touches.by_provider_message_id(status.provider_message_id)
        if touch is not None:
            return touch
    if status.message_id:
        return touches.latest_by_message_ids([normalise_message_id(status.message_id)])
    return None


def _lead_by_address(leads: LeadRepository, channel: Channel, address: str | None) -> Lead | None:
    if not address:
        return None
    if channel is Channel.EMAIL:
        return leads.find_by_contact(email=address, phone=None)
    return leads.find_by_contact(email=None, phone=address)


def _lead_address(lead: Lead, channel: Channel) -> str | None:
    return lead.email if channel is Channel.EMAIL else lead.phone
