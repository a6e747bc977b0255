"""Every way a lead or an address opts out (or is found dead), from any channel, in one place.

The one-click unsubscribe link, an SMS STOP (and START), a reply that asks to stop, a reply that says
the address does not exist, a hard bounce, a spam complaint, a permanent send failure that blames the
address: each writes its suppression here, in the caller's transaction, before anything else is sent.
The outbox re-reads suppressions right before every send, so a suppression written here holds for the
very next message, everywhere. A lead who opts out (the link, STOP, a reply asking to stop) also leaves
the handoff inbox: their open handoffs close, saying why, so no rep is told to answer someone who asked
for silence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from agent.db.models import Lead
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.snapshots import ALL_CHANNELS
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel, EventType, LeadStatus
from agent.services.events import NewEvent, Reacts, Recorded, record_event


def unsubscribe_by_link(session: Session, loop: Reacts, lead: Lead, channel: Channel, now: datetime) -> None:
    """The lead used the unsubscribe link of a message on ``channel`` (RFC 8058 one-click, or the page)."""
    address = lead.email if channel is Channel.EMAIL else lead.phone
    if address:
        SuppressionRepository(session).suppress(
            channel=channel.value, address=address, reason="unsubscribe", source="one_click_link", now=now
        )
    if channel is Channel.EMAIL and not lead.phone:
        lead.status = LeadStatus.UNSUBSCRIBED
        lead.next_action_at = None
    close_handoffs(session, lead, f"the lead unsubscribed ({channel.value} link): do not reply", now)
    record_event(
        session,
        loop,
        lead,
        NewEvent(
            EventType.UNSUBSCRIBE,
            channel,
            {"via": "one_click_link"},
            idempotency_key=f"unsubscribe:{lead.id}:{channel.value}",
        ),
        now,
    )


def sms_stop(session: Session, number: str, *, keyword: str, now: datetime) -> None:
    """A carrier opt-out keyword (STOP, UNSUBSCRIBE...): the number is never texted again, whoever's it is."""
    SuppressionRepository(session).suppress(
        channel=Channel.SMS.value,
        address=number,
        reason="sms_stop",
        source=f"SMS keyword {keyword[:40]!r}",
        now=now,
    )


def sms_start(session: Session, number: str) -> None:
    """START or UNSTOP: the number may be texted again (an opt-out of every channel is not lifted)."""
    SuppressionRepository(session).lift(channel=Channel.SMS.value, address=number)


def record_sms_keyword(
    session: Session,
    loop: Reacts,
    lead: Lead,
    *,
    stop: bool,
    payload: dict[str, str],
    key: str,
    now: datetime,
) -> Recorded:
    """The lead's consent follows the keyword, and the keyword is on their timeline."""
    lead.consent_sms = not stop
    lead.updated_at = now
    if stop:
        close_handoffs(session, lead, "the lead texted STOP: do not reply", now)
        new = NewEvent(EventType.UNSUBSCRIBE, Channel.SMS, {"via": "sms_keyword", **payload}, None, key)
    else:
        new = NewEvent(EventType.NOTE, Channel.SMS, {"kind": "sms_resubscribed", **payload}, None, key)
    return record_event(session, loop, lead, new, now)


def unsubscribe_by_reply(session: Session, lead: Lead, *, source: str, now: datetime) -> None:
    """A reply that asks, in words, to stop: every channel of every address of the lead."""
    for address in (lead.email, lead.phone):
        if address:
            SuppressionRepository(session).suppress(
                channel=ALL_CHANNELS, address=address, reason="unsubscribe_reply", source=source, now=now
            )
    close_handoffs(session, lead, "the lead asked to stop hearing from us: do not reply", now)


def close_handoffs(session: Session, lead: Lead, reason: str, now: datetime) -> int:
    """The lead opted out: their open handoffs close with ``reason`` (shown in the inbox and the API),
    and the audit log says how many. A rep who already answered keeps that answer on the handoff."""
    closed = HandoffRepository(session).close_open(lead.id, by=None, now=now, reason=reason)
    if closed:
        AuditRepository(session).record(
            action="handoff.close_opt_out",
            lead_id=lead.id,
            user_id=None,
            reason=reason,
            details={"handoffs_closed": closed},
            now=now,
        )
    return closed


def dead_address_by_reply(
    session: Session, lead: Lead, channel: Channel, *, source: str, now: datetime
) -> None:
    """A reply saying the mailbox or the number does not exist (a bounce that came back as a message):
    that address, on the channel it came back on."""
    address = lead.email if channel is Channel.EMAIL else lead.phone
    if address:
        SuppressionRepository(session).suppress(
            channel=channel.value, address=address, reason="bounce_reply", source=source, now=now
        )


def wrong_person(session: Session, lead: Lead, channel: Channel, *, source: str, now: datetime) -> None:
    """The person behind this address is not the one we meant to write to: that address, that channel."""
    address = lead.email if channel is Channel.EMAIL else lead.phone
    if address:
        SuppressionRepository(session).suppress(
            channel=channel.value, address=address, reason="wrong_person", source=source, now=now
        )


def delivery_failure(
    session: Session, *, channel: Channel, address: str, complaint: bool, source: str, now: datetime
) -> bool:
    """A hard bounce or a spam complaint reported by a provider; True if the address is newly blocked."""
    return SuppressionRepository(session).suppress(
        channel=channel.value,
        address=address,
        reason="complaint" if complaint else "hard_bounce",
        source=source[:200],
        now=now,
    )


def permanent_failure(
    session: Session, *, channel: Channel, address: str, source: str, now: datetime
) -> None:
    """A send refused for good because of the address itself (an unknown mailbox, a landline)."""
    SuppressionRepository(session).suppress(
        channel=channel.value, address=address, reason="permanent_failure", source=source[:200], now=now
    )


def suppressed_channels(session: Session, lead: Lead) -> frozenset[Channel]:
    return SuppressionRepository(session).suppressed_channels(email=lead.email, phone=lead.phone)
