"""The domain as plain data: what the pure core (policy, scoring, composer, guardrails) reasons about.

Nothing here touches the database, the clock or the network. The persistence layer turns rows into
these snapshots; the core returns decisions as these values; the edges carry them out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


def normalise_email(email: str | None) -> str | None:
    """Addresses are compared (and stored) trimmed and lower-cased: one person, one address."""
    return email.strip().lower() if email else None


# What never belongs in a person's name: a link, an address, markup, digits. Text in a name field that
# has any of these is not a name to greet anyone by (a form filled by a bot, or a link slipped into the
# greeting of a message we send: "Hi https://...").
_NOT_A_NAME = re.compile(r"(?i)[0-9@/\\<>:;=_|{}\[\]#%*+]|\bwww\.|\.(?:com|net|org|io|ru|xyz|info|biz)\b")
MAX_NAME_WORDS = 4


def person_name(name: str | None) -> str | None:
    """``name`` when it can stand in a greeting or an address line, else None (the message then greets
    without a name): the lead's own text is never turned into a link or a headline by our message."""
    # Emoji and other pictographs are decoration of a profile, not part of the name ("🌞 Sunny" is
    # greeted "Hi Sunny,"); joiners and variation selectors go with them.
    name = "".join(c for c in (name or "") if not _decoration(c))
    name = " ".join(name.split())
    if not name or len(name.split()) > MAX_NAME_WORDS or _NOT_A_NAME.search(name):
        return None
    return capitalised_name(name)


def _decoration(char: str) -> bool:
    """A symbol (emoji, ♥, ★), a skin-tone modifier, a joiner or a variation selector: not a letter of
    any name (combining accents are letters' parts and stay)."""
    return unicodedata.category(char) in {"So", "Sk", "Cf", "Cs", "Co"} or "\ufe00" <= char <= "\ufe0f"


def full_name(first: str | None, last: str | None) -> str | None:
    """First and last name as one line ("Maria de la Cruz" from "maria" and "de la cruz"): a surname
    standing alone opens with a capital ("De la Cruz"), but not after a first name, unless its writer
    typed it so."""
    parts = [part for part in (person_name(first), person_name(last)) if part]
    if len(parts) == 2 and last is not None and parts[1] != " ".join(last.split()):
        opening, _, rest = parts[1].partition(" ")
        if rest and opening.lower() in NAME_PARTICLES:
            parts[1] = f"{opening.lower()} {rest}"
    return " ".join(parts) or None


# Words that stay lower case inside a name ("María de la Cruz", "Ludwig van Beethoven", "Mohammed bin
# Salman"); the first word of a name is capitalised all the same ("De la Cruz" standing alone).
NAME_PARTICLES = frozenset(
    {"de", "del", "della", "dei", "la", "las", "los", "y", "da", "das", "do", "dos", "di", "du", "van",
     "von", "der", "den", "ter", "ten", "zu", "bin", "ibn"}
)  # fmt: skip
_ROMAN_SUFFIX = re.compile(r"(?i)(?:ii|iii|iv)")
_NAME_PIECE = re.compile(r"([-'’])")


def capitalised_name(name: str) -> str:
    """A name typed all in one case ("maria de la cruz", "JOHN O'BRIEN") as names are written ("Maria de
    la Cruz", "John O'Brien"): a greeting repeats the lead's name, and one in lower case reads as a
    machine's. A name with both cases is kept as typed: its writer chose them ("DeAndre", "van Dijk")."""
    letters = [char for char in name if char.isalpha()]
    if any(char.isupper() for char in letters) and any(char.islower() for char in letters):
        return name
    words = name.split(" ")
    return " ".join(
        _capitalised_word(word, index, typed_upper=name.isupper()) for index, word in enumerate(words)
    )


def _capitalised_word(word: str, index: int, *, typed_upper: bool) -> str:
    lower = word.lower()
    if index > 0 and lower in NAME_PARTICLES:
        return lower
    if index > 0 and _ROMAN_SUFFIX.fullmatch(lower):
        return lower.upper()  # "John Smith III"
    if typed_upper and len(word) == 2 and not any(vowel in lower for vowel in "aeiouy"):
        return word  # initials typed in capitals ("JD"), not a word to recase
    # Each piece of "garcía-lópez", "o'brien", "d'angelo" is capitalised; "mc" takes a capital after it.
    pieces = [piece[:1].upper() + piece[1:] for piece in _NAME_PIECE.split(lower)]
    return "".join(_mc(piece) for piece in pieces)


def _mc(piece: str) -> str:
    return f"Mc{piece[2:3].upper()}{piece[3:]}" if piece.startswith("Mc") and len(piece) > 3 else piece


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    LINKEDIN = "linkedin"


class EventType(StrEnum):
    INQUIRY = "inquiry"
    EMAIL_SENT = "email_sent"
    SMS_SENT = "sms_sent"
    DELIVERED = "delivered"
    OPEN = "open"
    CLICK = "click"
    PAGE_VISIT = "page_visit"
    DOWNLOAD = "download"
    REPLY = "reply"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"
    UNSUBSCRIBE = "unsubscribe"
    MEETING_BOOKED = "meeting_booked"
    NOTE = "note"
    # Milestones a rep or a CRM reports; each starts its own sequence (agent/sequences/*.yaml).
    QUOTE_SENT = "quote_sent"
    MEETING_HELD = "meeting_held"
    PURCHASE = "purchase"
    # The lead's choice on the preference page (payload: frequency, channel).
    PREFERENCE = "preference"
    # An event type the business defines and records ("project_completed", "renewal_due"...): its name
    # is in the payload (``EventRecord.name``); a sequence of the business's own may start on it.
    BUSINESS = "business"


class LeadStatus(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    PAUSED = "paused"
    HANDED_OFF = "handed_off"
    CONVERTED = "converted"
    CLOSED = "closed"
    UNSUBSCRIBED = "unsubscribed"


# The lead statuses automation never leaves by itself: a person (or the lead) ended the conversation.
ENDED_STATUSES = frozenset({LeadStatus.UNSUBSCRIBED, LeadStatus.CLOSED, LeadStatus.CONVERTED})


class TouchPurpose(StrEnum):
    ACKNOWLEDGMENT = "acknowledgment"
    VALUE_ADD = "value_add"
    SOCIAL_PROOF = "social_proof"
    FAQ = "faq"
    OBJECTION = "objection"
    PRICING = "pricing"
    CHECK_IN = "check_in"
    BREAKUP = "breakup"
    RE_ENGAGEMENT = "re_engagement"
    NURTURE = "nurture"
    POST_MEETING = "post_meeting"
    PERSONAL_RESPONSE = "personal_response"  # the reply an acknowledgment promised, when the LLM missed it


# The acknowledgment's angle when a person takes the lead over right after it (agent/policy.py sets it;
# the model's prompt reads it, and the composer writes no sales content under it).
PERSON_WILL_ANSWER = (
    "Thank them within seconds and say that a person will answer them shortly, as they asked (by phone "
    "if they asked for a call); no sales content."
)
URGENT_PERSON_WILL_ANSWER = (
    "Thank them within seconds, say that this sounds urgent and a person will get back to them as soon as "
    "possible, and give the business's phone number if it cannot wait; no sales content, no advice."
)
SORRY_PERSON_WILL_ANSWER = (
    "Thank them for telling us, say you are sorry to read it, and that a person will answer them "
    "personally, shortly; no sales content, no promise of a refund or a fix."
)
PERSON_ANGLES = frozenset({PERSON_WILL_ANSWER, SORRY_PERSON_WILL_ANSWER, URGENT_PERSON_WILL_ANSWER})


class TouchState(StrEnum):
    """A touch's life: drafted for review or queued for sending, then sent, failed or discarded."""

    PENDING_REVIEW = "pending_review"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Transition:
    """A touch's move from one state to another (the allowed ones: ``agent/services/touches.py``)."""

    source: TouchState
    target: TouchState


# Groups of touch states, named once (the transitions between states: agent/services/touches.py).
UNSENT_STATES = frozenset({TouchState.PENDING_REVIEW, TouchState.QUEUED})  # nobody started sending it
IN_FLIGHT_STATES = UNSENT_STATES | {TouchState.SENDING}  # a message on its way: nothing else for now
APPROVED_STATES = frozenset({TouchState.QUEUED, TouchState.SENDING, TouchState.SENT})  # a rep's yes
RECEIVED_STATES = IN_FLIGHT_STATES | {TouchState.SENT}  # received or about to be: a new draft must differ


class ReplyIntent(StrEnum):
    """What an inbound reply means for the loop (the labelling guide: evals/replies/GUIDE.md)."""

    INTERESTED = "interested"
    QUESTION = "question"
    OBJECTION = "objection"
    NOT_NOW = "not_now"
    ASKS_FOR_PERSON = "asks_for_person"
    FRUSTRATED = "frustrated"
    COMPLAINT = "complaint"  # an existing customer unhappy with the product, a bill, a visit
    WRONG_PERSON = "wrong_person"  # stops this address; hands off only with someone else to try
    UNSUBSCRIBE = "unsubscribe"  # suppresses every channel
    OUT_OF_OFFICE = "out_of_office"  # an automatic away notice: waits until the return date
    BOUNCE_LIKE = "bounce_like"  # the address is dead: suppresses it
    AUTO_REPLY = "auto_reply"  # a ticket receipt, an automatic "we got your message"
    OTHER = "other"


# Replies written by a machine: nobody needs to answer them.
MACHINE_INTENTS = frozenset({ReplyIntent.OUT_OF_OFFICE, ReplyIntent.BOUNCE_LIKE, ReplyIntent.AUTO_REPLY})
# Replies that, alone, need no person: a machine, a plain request to stop (older readings carry no
# ``handoff`` of their own and are judged by this).
NO_HANDOFF_INTENTS = MACHINE_INTENTS | {ReplyIntent.UNSUBSCRIBE}


class RiskTier(StrEnum):
    """How much harm a message could do if nobody read it first; settings say how much may go out alone."""

    LOW = "low"  # acknowledgments, resources, case studies, FAQs, nurture
    MEDIUM = "medium"  # check-ins, objections, re-engagement, after a meeting
    HIGH = "high"  # offers, pricing, breakups

    @property
    def rank(self) -> int:
        return list(RiskTier).index(self)


class ContactFrequency(StrEnum):
    """How often a lead asked to hear from us (the preference page, ``leads.contact_frequency``)."""

    NORMAL = "normal"  # the sequence as designed
    REDUCED = "reduced"  # at most one message every two weeks
    MONTHLY = "monthly"  # at most one message a month


class DrafterKind(StrEnum):
    COMPOSER = "composer"
    LLM = "llm"


class UserRole(StrEnum):
    REP = "rep"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class LeadContext:
    """Who the lead is and what they asked for: the input to every decision and draft."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    company: str | None
    role: str | None
    industry: str | None
    source: str | None
    need: str | None
    deal_value: Decimal | None
    timezone: str
    consent_email: bool
    consent_sms: bool
    status: LeadStatus
    inquiry_text: str | None = None
    created_at: datetime | None = None
    # The sequence the lead is enrolled in, since when, and the step number its first step took
    # (re-enrolling in a sequence numbers its steps after the previous enrolment's; agent/policy.py).
    sequence: str = "new_lead"
    sequence_started_at: datetime | None = None
    sequence_step_base: int = 0
    paused_until: datetime | None = None  # a rep's snooze: nothing goes out before it
    # What the lead chose on the preference page (the policy honours both).
    contact_frequency: ContactFrequency = ContactFrequency.NORMAL
    preferred_channel: Channel | None = None
    language: str | None = None  # ISO 639-1 of what they write in (None: not known yet)
    town: str | None = None  # where they are, as they said it

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or (self.email or "")


@dataclass(frozen=True, slots=True)
class ReplyReading:
    """How a reader read an inbound reply; kept on the reply event and shown to reps.

    ``handoff`` and ``suppress`` are the reader's decisions (a silencing action only when it is sure);
    readings stored before the reader made them carry None and False, and the intent decides.
    """

    intent: ReplyIntent
    confidence: float
    classifier: str  # "rules", "learned:<version>" or "llm"
    evidence: str = ""  # the words that decided it, quoted from the reply
    return_date: date | None = None  # out of office (or not now): when to write again, if they said
    model: str | None = None
    fallback_reason: str | None = None  # why the LLM's reading was not used, when it was not
    other_intents: tuple[ReplyIntent, ...] = ()
    language: str | None = None  # ISO 639-1 of the reply's own words
    handoff: bool | None = None  # a person must read it (None: decided by the intent)
    suppress: bool = False  # the reader is sure the address (or every channel) must be silenced
    injection: bool = False  # text addressed to a model was found and set aside
    alternate_contact: str | None = None  # an away notice's "for urgent matters, contact ..."
    referral: str | None = None  # a wrong person's "try ... instead"
    objection_kind: str | None = None  # price, timing, competitor, trust, authority, none
    pitch: str | None = None  # an inquiry that sells to the business: the words that show it
    emergency: str | None = None  # an inquiry about harm happening now: the words that show it

    @property
    def needs_person(self) -> bool:
        return self.handoff if self.handoff is not None else self.intent not in NO_HANDOFF_INTENTS

    def silences(self, channel: Channel) -> tuple[frozenset[Channel], frozenset[Channel]]:
        """The channels reading this reply (received on ``channel``) silences, and of those the ones now
        unreachable rather than opted out: every channel for a request to stop; the channel it came on
        for a dead address or a wrong person. Nothing unless the reader was sure."""
        if not self.suppress:
            return frozenset(), frozenset()
        if self.intent is ReplyIntent.UNSUBSCRIBE:
            return frozenset(Channel), frozenset()
        if self.intent in (ReplyIntent.BOUNCE_LIKE, ReplyIntent.WRONG_PERSON):
            return frozenset({channel}), frozenset({channel})
        return frozenset(), frozenset()

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent.value,
            "confidence": self.confidence,
            "classifier": self.classifier,
            "evidence": self.evidence,
            "return_date": self.return_date.isoformat() if self.return_date else None,
            "model": self.model,
            "fallback_reason": self.fallback_reason,
            "other_intents": [i.value for i in self.other_intents],
            "language": self.language,
            "handoff": self.handoff,
            "suppress": self.suppress,
            "injection": self.injection,
            "alternate_contact": self.alternate_contact,
            "referral": self.referral,
            "objection_kind": self.objection_kind,
            "pitch": self.pitch,
            "emergency": self.emergency,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReplyReading:
        returns = data.get("return_date")
        handoff = data.get("handoff")
        return cls(
            intent=ReplyIntent(data["intent"]),
            confidence=float(data.get("confidence", 0.0)),
            classifier=str(data.get("classifier", "rules")),
            evidence=str(data.get("evidence") or ""),
            return_date=date.fromisoformat(returns) if returns else None,
            model=data.get("model"),
            fallback_reason=data.get("fallback_reason"),
            other_intents=tuple(ReplyIntent(i) for i in data.get("other_intents") or ()),
            language=data.get("language"),
            handoff=bool(handoff) if handoff is not None else None,
            suppress=bool(data.get("suppress", False)),
            injection=bool(data.get("injection", False)),
            alternate_contact=data.get("alternate_contact"),
            referral=data.get("referral"),
            objection_kind=data.get("objection_kind"),
            pitch=data.get("pitch"),
            emergency=data.get("emergency"),
        )


@dataclass(frozen=True, slots=True)
class EventRecord:
    type: EventType
    channel: Channel | None
    occurred_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    recorded_at: datetime | None = None  # when we heard of it (``occurred_at`` is what the sender says)
    reading: ReplyReading | None = None  # replies only, once classified

    @property
    def name(self) -> str:
        """The event's type as sequences name it: the business's own name for a business event."""
        if self.type is EventType.BUSINESS:
            return str(self.payload.get("name") or EventType.BUSINESS.value)
        return self.type.value

    @property
    def known_at(self) -> datetime:
        """When the loop could first have reacted to this event."""
        return self.recorded_at or self.occurred_at


@dataclass(frozen=True, slots=True)
class TouchRecord:
    purpose: TouchPurpose
    channel: Channel
    state: TouchState
    step: int
    created_at: datetime
    sent_at: datetime | None
    body: str
    source_ids: tuple[str, ...] = ()
    id: str = ""
    sequence: str = ""
    subject: str | None = None
    call_to_action: str | None = None
    rules: tuple[str, ...] = ()  # the decision rules that drafted it (``trigger.*`` for behavioural ones)


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    reason: str
    created_at: datetime
    status: str = "open"
    closed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LeadSnapshot:
    """Everything the policy may look at for one lead, collected once from the store."""

    lead: LeadContext
    events: tuple[EventRecord, ...]
    touches: tuple[TouchRecord, ...]
    suppressed_channels: frozenset[Channel] = frozenset()
    handoffs: tuple[HandoffRecord, ...] = ()
    # Of the suppressed channels, those blocked only because the address is dead (a hard bounce, a
    # permanent failure), not because the person asked: such a lead is unreachable, not unsubscribed.
    unreachable_channels: frozenset[Channel] = frozenset()

    @property
    def sent_source_ids(self) -> frozenset[str]:
        return frozenset(
            source_id
            for touch in self.touches
            if touch.state is TouchState.SENT
            for source_id in touch.source_ids
        )


@dataclass(frozen=True, slots=True)
class CompanyIdentity:
    """The company profile: who sends every message, and what a draft may say about the company itself.

    Every email carries the sender, the address and the reply-to; the guardrails accept the company's
    own names (its products, its sender and title, its website) as grounded and hold drafts to its brand
    voice. Built once from settings (``agent.company``): a profile file, or the demo company's defaults.
    """

    name: str
    sender_name: str
    sender_email: str
    postal_address: str
    reply_to: str | None = None
    sender_title: str | None = None
    legal_name: str | None = None
    website: str | None = None
    phone: str | None = None
    products: tuple[str, ...] = ()  # product, plan and package names a draft may use
    languages: tuple[str, ...] = ("en",)  # ISO 639-1 codes the company writes to leads in
    brand_use: tuple[str, ...] = ()  # the company's own phrases: never read as spam
    brand_avoid: tuple[str, ...] = ()  # words and phrases its drafts must not use
    timezone: str | None = None  # the business's own zone (IANA): where its leads are unless they say

    @property
    def own_names(self) -> tuple[str, ...]:
        """Every name the company may use of itself: nobody has to source its own product names."""
        named = (self.name, self.legal_name, self.sender_name, self.sender_title, self.website)
        return tuple(n for n in (*named, *self.products) if n)
