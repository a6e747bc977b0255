"""What providers tell us, as plain records: an inbound email, an inbound text, a delivery report.

Each provider's webhook format is parsed into these (``agent/channels/mailgun.py``, ``twilio.py``, the
generic JSON in ``api/routes/webhooks.py``); ``agent/services/inbound.py`` acts on them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from agent.domain import Channel
from agent.replies.message import QUOTE

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# What mail clients put before a subject they answer or pass on: "Re:", "RE: Fwd:", "Re[2]:", and the
# same in other languages ("AW:"/"WG:" German, "RV:" Spanish, "TR:" French, "SV:" Nordic, "Rif:" Italian,
# "Enc:" Portuguese).
_SUBJECT_PREFIXES = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|wg|rv|tr|sv|vs|antw|rif|enc)\s*(?:\[\d+\])?\s*:)+\s*", re.IGNORECASE
)
MAX_KEY = 150
# Of a stranger's email, what is read for the inquiry: four times what the inquiry form accepts (5,000
# characters), and a 10 MB body is not searched line by line for a quote marker.
INQUIRY_TEXT_READ = 20_000


class DeliveryKind(StrEnum):
    DELIVERED = "delivered"
    BOUNCE = "bounce"
    COMPLAINT = "complaint"


@dataclass(frozen=True, slots=True)
class InboundEmail:
    from_address: str
    text: str
    subject: str | None = None
    from_name: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    received_at: datetime | None = None
    auto_submitted: bool = False  # an out-of-office or other automatic reply (RFC 3834)
    provider: str = "generic"

    def inquiry_message(self) -> str:
        """What a stranger's email asks, as a new inquiry's message: the subject without the "Re:" or
        "Fwd:" of a client, then the sender's own words without the thread their client quoted under them
        (someone who writes to us by answering an old email or a colleague's forward is asking what they
        wrote, not what the thread said). An email that is all quote keeps its text: then it is the ask."""
        subject = _SUBJECT_PREFIXES.sub("", self.subject or "").strip()
        text = self.text.strip()[:INQUIRY_TEXT_READ]
        quote = QUOTE.search(text)
        if quote is not None and quote.start() > 0:
            text = text[: quote.start()].rstrip()
        return "\n\n".join(part for part in (subject, text) if part)

    def key(self) -> str:
        """The same email delivered twice (or by two routes) is one reply: keyed by its Message-ID."""
        if self.message_id:
            return idempotency_key("email-in", normalise_message_id(self.message_id))
        material = "|".join([self.from_address.lower(), self.subject or "", " ".join(self.text.split())])
        return idempotency_key("email-in", "sha256:" + hashlib.sha256(material.encode()).hexdigest())


@dataclass(frozen=True, slots=True)
class InboundSms:
    sid: str
    from_number: str
    body: str
    to_number: str | None = None
    provider: str = "twilio"


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    event_id: str  # the provider's id for this report: a redelivered report is stored once
    channel: Channel
    kind: DeliveryKind
    recipient: str | None = None
    message_id: str | None = None  # our RFC 5322 Message-ID, when the provider echoes it
    provider_message_id: str | None = None
    bounce_type: str | None = None  # "hard" or "soft"
    reason: str | None = None
    occurred_at: datetime | None = None
    provider: str = "generic"


def normalise_message_id(value: str) -> str:
    value = value.strip()
    return value if value.startswith("<") else f"<{value.strip('<>')}>"


def message_ids(*headers: str | None) -> list[str]:
    """Every Message-ID in In-Reply-To / References headers, in order, without repeats."""
    found: list[str] = []
    for header in headers:
        if not header:
            continue
        ids = _MESSAGE_ID.findall(header) or [normalise_message_id(part) for part in header.split()]
        found.extend(i for i in ids if i not in found)
    return found


def idempotency_key(prefix: str, value: str) -> str:
    """An idempotency key that fits its column: long provider ids are hashed."""
    key = f"{prefix}:{value}"
    if len(key) <= MAX_KEY:
        return key
    return f"{prefix}:sha256:{hashlib.sha256(value.encode()).hexdigest()}"
