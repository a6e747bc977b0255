"""Accept a new inquiry: create or update the lead, record the event, run one loop step, commit.

Everything lands in one transaction or not at all. A retried delivery (same idempotency key) is
recognised and answered with what the first delivery produced: one lead, one event, one message; a
key reused with a different inquiry is refused. Inquiries arriving together from one contact each
land, on one lead (see ``_lead_for``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.db.engine import retrying
from agent.db.models import Event, Lead
from agent.db.repositories.events import EventRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.snapshots import new_lead_snapshot
from agent.domain import Channel, EventType, TouchPurpose, TouchState, normalise_email
from agent.drafting.language import stated_language
from agent.loop import StepResult
from agent.policy import Stop
from agent.replies.language import detect
from agent.replies.message import InboundReply
from agent.services import leads
from agent.services.edges import Edges
from agent.services.errors import Conflict, Invalid
from agent.timing import zone
from knowledge.types import RetrievalQuery


@dataclass(frozen=True, slots=True)
class Inquiry:
    message: str
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    role: str | None = None
    industry: str | None = None
    need: str | None = None
    source: str = "web_form"
    timezone: str | None = None
    deal_value: Decimal | None = None
    consent_email: bool | None = None
    consent_sms: bool | None = None
    idempotency_key: str | None = None
    language: str | None = None  # ISO 639-1 the lead asked for (the form's language field)

    def email_consent(self) -> bool:
        """What a new lead's email consent is. Stated, it is what they said; unstated, writing to us
        by email or through a web form implies that we may answer by email, a text does not."""
        if self.consent_email is not None:
            return self.consent_email
        return self.source not in IMPLIES_NO_EMAIL

    def fingerprint(self) -> str:
        """A digest of everything the inquiry says (its key aside), kept with the key: a retry carries
        the same body, a reused key with another body is told so (``_replay``)."""
        said = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "idempotency_key"}
        if said["language"] is None:
            del said["language"]  # an inquiry without it digests as it did before the field existed
        canonical = json.dumps(said, sort_keys=True, default=str, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def stated_language(self) -> str | None:
        """The lead's language, when this inquiry tells: the form's field, what they ask for in their
        words ("escríbame en español"), or, for a message long enough to tell, the language it is
        written in (only when the detector is sure)."""
        if self.language:
            return self.language
        return stated_language(self.message) or (
            detect(self.message, min_confidence=DETECT_CONFIDENCE)
            if len(self.message.split()) >= DETECT_MIN_WORDS
            else None
        )

    def key(self) -> str:
        """The caller's key, or one derived from the content: a re-posted form is the same inquiry."""
        if self.idempotency_key:
            return f"inquiry:{self.idempotency_key}"
        material = "|".join(
            [normalise_email(self.email) or "", self.phone or "", " ".join(self.message.split())]
        )
        return "inquiry:sha256:" + hashlib.sha256(material.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class InquiryOutcome:
    lead_id: uuid.UUID
    event_id: uuid.UUID
    touch_id: uuid.UUID | None
    touch_state: str | None
    lead_created: bool
    replayed: bool
    decision: str


DOUBLE_SUBMISSION = timedelta(minutes=10)  # the same inquiry again within this is the same inquiry
DETECT_MIN_WORDS = 4  # "One more question" says nothing sure of a language
DETECT_CONFIDENCE = 0.9  # stricter than for a reply: a wrong guess would send every touch to review
SOURCE_CHANNELS = {"email": Channel.EMAIL, "sms": Channel.SMS}
IMPLIES_NO_EMAIL = frozenset({"sms"})  # sources whose inquiry is no request to be emailed
UPDATABLE = ("first_name", "last_name", "company", "role", "industry", "need")


def submit_inquiry(services: Edges, inquiry: Inquiry) -> InquiryOutcome:
    """Commit the inquiry and its acknowledgment; the caller hands ``touch_id`` to the outbox after.

    Safe under any concurrency: inquiries from one contact arriving together each get their answer and
    their event, on one lead (``_lead_for``); a transaction the database made give way (a deadlock, a
    serialisation failure) is run again (``retrying``).

    Raises ``Invalid`` when the caller's idempotency key was used before for a different inquiry.
    """
    try:
        # One version of the knowledge base for the whole inquiry: its store's pointer is read once,
        # by the retrieval ahead of the transaction, and the step's retrieval serves the same version.
        with services.knowledge.pinned():
            return _submit(services, inquiry)
    except IntegrityError:
        # A concurrent delivery of the same inquiry won the race: answer with what it stored.
        with services.session_factory() as session:
            existing = EventRepository(session).by_idempotency_key(inquiry.key())
            if existing is None:
                raise
            return _replay(existing, inquiry)


def _submit(services: Edges, inquiry: Inquiry) -> InquiryOutcome:
    now = services.clock()
    language = inquiry.stated_language()
    # Retrieve for the acknowledgment before the transaction takes the lead's row (on SQLite, the one
    # write lock): the step's own query for a new lead is this one, and finds the answer ready.
    services.knowledge.prepare(
        RetrievalQuery.for_lead(
            need=(inquiry.need or "").strip(),
            inquiry=inquiry.message,
            purpose=TouchPurpose.ACKNOWLEDGMENT.value,
            industry=(inquiry.industry or "").strip() or None,
            today=now.date(),
            language=_preferred(services, language),
        )
    )
    recorded = retrying(lambda: _record(services, inquiry, now, language), what="inquiry")
    if isinstance(recorded, InquiryOutcome):
        return recorded
    lead_id, event_id, created = recorded
    stepped = retrying(
        lambda: services.loop.run_step(
            services.session_factory,
            lead_id,
            services.clock,
            deadline=services.settings.ack_deadline_seconds,
        ),
        what="inquiry step",
    )
    with services.session_factory.begin() as session:
        stored = session.get(Event, event_id)
        assert stored is not None  # it was committed above
        gone = StepResult(action=Stop(reason="lead_deleted", rules=()))  # deleted in between
        return _outcome(stored, stepped or gone, created)


def _preferred(services: Edges, language: str | None) -> str | None:
    """The language the acknowledgment's retrieval prefers (as ``AgentLoop.draft_request`` will)."""
    identity = services.identity
    return language if language in identity.languages[1:] else None


def _record(
    services: Edges, inquiry: Inquiry, now: datetime, language: str | None
) -> InquiryOutcome | tuple[uuid.UUID, uuid.UUID, bool]:
    """One transaction: the lead (found or born, locked), the event, and without a model the step too.

    Returns the outcome, or with a model (which never drafts inside a transaction) the lead's and the
    event's ids and whether the lead is new, for the step to run after the commit.
    """
    with services.session_factory.begin() as session:
        events = EventRepository(session)
        existing = events.by_idempotency_key(inquiry.key())
        if existing is not None:
            return _replay(existing, inquiry)
        lead, created = _lead_for(session, services, inquiry, now, language)
        # A copy of this very inquiry may have committed while we waited for the lead's lock. Not to a
        # lead born here: a committed copy would have its lead, and this lead's insert would have failed.
        # (Should one still slip in, its unique key fails this transaction and the caller replays it.)
        existing = (
            None
            if created
            else events.by_idempotency_key(inquiry.key()) or _double_submission(events, lead.id, inquiry, now)
        )
        if existing is not None:
            return _replay(existing, inquiry)
        _update_lead(session, lead, inquiry, now)
        if language:
            lead.language = language
        channel = SOURCE_CHANNELS.get(inquiry.source)
        # Read before it is stored (the step would read it, then write the event a second time).
        reading = services.loop.read_inquiry(
            InboundReply(message=inquiry.message, channel=channel),
            now.astimezone(zone(lead.timezone)).date(),
        )
        event = events.add(
            Event(
                lead_id=lead.id,
                type=EventType.INQUIRY,
                channel=channel,
                payload={
                    "message": inquiry.message,
                    "source": inquiry.source,
                    "fingerprint": inquiry.fingerprint(),
                },
                reading=reading.as_dict(),
                occurred_at=now,
                recorded_at=now,
                idempotency_key=inquiry.key(),
            )
        )
        if not services.loop.drafting.has_llm:
            collected = new_lead_snapshot(session, lead, [event]) if created else None
            return _outcome(event, services.loop.step(session, lead, now, snapshot=collected), created)
        # A model never drafts inside a transaction: commit the lead and the event first. Should this
        # process die before the acknowledgment is recorded, the lead is due and a worker sends it.
        lead.next_action_at = now
        return lead.id, event.id, created


def _lead_for(
    session: Session, services: Edges, inquiry: Inquiry, now: datetime, language: str | None = None
) -> tuple[Lead, bool]:
    """The contact's lead, locked for this transaction (True if born here), before anything is written.

    Taking the lead's row lock first, always, is the lock order that keeps two inquiries (or an inquiry
    and an event) for one lead from deadlocking: the second waits, then reads what the first wrote.
    Two first inquiries from a new address race to insert: the loser's insert fails on the unique
    address inside a savepoint (on PostgreSQL after the winner commits), and it takes the winner's lead.
    """
    repository = LeadRepository(session)
    for _ in range(LEAD_RACE_ATTEMPTS):
        found = leads.find_by_contact(session, email=inquiry.email, phone=inquiry.phone)
        if found is not None:
            locked = repository.lock(found.id)
            if locked is not None:
                return locked, False
            continue  # erased meanwhile: look again
        details = {
            "email": inquiry.email,
            "phone": inquiry.phone,
            "timezone": inquiry.timezone or leads.default_timezone(services.settings, services.identity),
            "source": inquiry.source,
            "deal_value": inquiry.deal_value,
            "consent_email": inquiry.email_consent(),
            "consent_sms": bool(inquiry.consent_sms),
            # What ``_update_lead`` and the language would set next, in the insert itself: a lead born
            # here is written once, not inserted and then updated.
            **_details(inquiry),
            **({"language": language} if language else {}),
        }
        try:
            with session.begin_nested():
                born = leads.add(session, details, now=now, due=False)  # its first step runs right here
        except IntegrityError:
            continue  # another inquiry from this contact created the lead first: take that one
        return born, True
    raise Conflict(
        "this contact's lead changed while the inquiry was being recorded; send it again",
        code="lead-contended",
    )


LEAD_RACE_ATTEMPTS = 5


def _outcome(event: Event, result: StepResult, created: bool) -> InquiryOutcome:
    """What the inquiry produced, also kept on the event so that a retried delivery gets the same answer."""
    touch = result.touch
    event.payload = {
        **event.payload,
        "touch_id": str(touch.id) if touch else None,
        "touch_state": touch.state if touch else None,
        "decision": type(result.action).__name__,
        "lead_created": created,
    }
    return InquiryOutcome(
        lead_id=event.lead_id,
        event_id=event.id,
        touch_id=touch.id if touch else None,
        touch_state=touch.state if touch else None,
        lead_created=created,
        replayed=False,
        decision=type(result.action).__name__,
    )


def _details(inquiry: Inquiry) -> dict[str, str]:
    """The lead's details this inquiry gives (``UPDATABLE``), trimmed; those it leaves empty are absent."""
    return {name: value.strip() for name in UPDATABLE if (value := getattr(inquiry, name))}


def _update_lead(session: Session, lead: Lead, inquiry: Inquiry, now: datetime) -> None:
    """New details fill in or correct the lead; absent ones never erase what we knew. A phone or an
    address another lead already has stays with that lead (the inquiry is still recorded, on this one)."""
    for name, value in _details(inquiry).items():
        setattr(lead, name, value)
    repository = LeadRepository(session)
    if (
        inquiry.phone
        and not lead.phone
        and repository.find_by_contact(email=None, phone=inquiry.phone) is None
    ):
        lead.phone = inquiry.phone
    email = normalise_email(inquiry.email)
    if email and not lead.email and repository.find_by_contact(email=email, phone=None) is None:
        lead.email = email
    if inquiry.deal_value is not None:
        lead.deal_value = inquiry.deal_value
    # Consent the inquiry states is the lead's latest word on it, either way: a "no" withdraws what an
    # earlier form granted. Unstated, what we knew stands.
    if inquiry.consent_email is not None:
        lead.consent_email = inquiry.consent_email
    if inquiry.consent_sms is not None:
        lead.consent_sms = inquiry.consent_sms
    lead.updated_at = now


def _double_submission(
    events: EventRepository, lead_id: uuid.UUID, inquiry: Inquiry, now: datetime
) -> Event | None:
    """The same inquiry, every field the same, sent again within minutes under another key (a double
    click on a form that makes a key per click, a relay that adds a key only when it retries): one
    inquiry, not a second one that hands the lead to a person for "writing in again"."""
    fingerprint = inquiry.fingerprint()
    for event in events.for_lead(lead_id):
        if (
            event.type == EventType.INQUIRY
            and event.recorded_at >= now - DOUBLE_SUBMISSION
            and event.payload.get("fingerprint") == fingerprint
        ):
            return event
    return None


def _replay(event: Event, inquiry: Inquiry) -> InquiryOutcome:
    """What the first delivery produced, for a retry of it. A caller's key that came with a different
    inquiry is refused, as the IETF Idempotency-Key draft asks: replaying the other one would tell the
    caller their new inquiry was stored when it was not. (Events stored before fingerprints were kept
    have none, and replay as before.)"""
    payload = event.payload
    stored = payload.get("fingerprint")
    if inquiry.idempotency_key and stored is not None and stored != inquiry.fingerprint():
        raise Invalid(
            "this Idempotency-Key was already used for a different inquiry; send a new key with a new "
            "inquiry, or the same body to retry the first one",
            code="idempotency-key-reused",
        )
    touch_id = payload.get("touch_id")
    return InquiryOutcome(
        lead_id=event.lead_id,
        event_id=event.id,
        touch_id=uuid.UUID(touch_id) if touch_id else None,
        touch_state=payload.get("touch_state"),
        lead_created=False,
        replayed=True,
        decision=str(payload.get("decision", "")),
    )


def is_sendable(outcome: InquiryOutcome) -> bool:
    return outcome.touch_id is not None and outcome.touch_state == TouchState.QUEUED and not outcome.replayed
