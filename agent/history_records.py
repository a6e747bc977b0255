"""A lead's history records, the import format (``evals/decisions/GUIDE.md``, "History records"): one
schema for ``touchpoint leads import --history`` and for the decision scenarios of the eval.

Each record has its ``kind`` and the moment it happened (``at``, with its offset); pydantic validates it
and names the field that is wrong.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from agent.domain import Channel, ContactFrequency, LeadStatus, TouchPurpose


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Record(_Strict):
    at: AwareDatetime


class InquiryRecord(_Record):
    kind: Literal["inquiry"]
    channel: Literal["web_form", "email", "sms", "phone"]
    text: str = ""


TouchState = Literal["sent", "awaiting_review", "pending_review", "queued", "sending", "failed", "cancelled"]


class TouchRecordModel(_Record):
    kind: Literal["touch"]
    purpose: TouchPurpose
    channel: Channel
    sequence: str = ""
    step: int | None = None  # None: a touch outside the sequence's plan (a behavioural trigger's)
    subject: str | None = None
    body: str = ""
    sources: tuple[str, ...] = ()
    state: TouchState = "sent"


class EventRecordModel(_Record):
    """A thing that happened: an open, a visit, a milestone, or an event type the business defines.

    ``draft_pending_review`` (a draft waiting for a rep) carries the draft's purpose, channel, sequence
    and step."""

    kind: Literal["event"]
    type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    url: str | None = None
    touch: int | None = Field(default=None, ge=0)
    user_agent: str | None = None
    bounce_type: Literal["hard", "soft"] | None = None
    document: str | None = None
    purpose: TouchPurpose | None = None
    channel: Channel | None = None
    sequence: str | None = None
    step: int | None = None


class ReplyRecord(_Record):
    kind: Literal["reply"]
    channel: Channel = Channel.EMAIL
    text: str
    subject: str | None = None


class UnsubscribeRecord(_Record):
    kind: Literal["unsubscribe"]
    channel: Channel
    via: Literal["link", "sms_keyword", "preference_page", "reply"]


class PreferenceRecord(_Record):
    kind: Literal["preference"]
    frequency: ContactFrequency | None = None
    channel: Channel | None = None


class StatusRecord(_Record):
    kind: Literal["status"]
    status: LeadStatus
    until: AwareDatetime | None = None
    note: str = ""


HistoryRecord = Annotated[
    InquiryRecord
    | TouchRecordModel
    | EventRecordModel
    | ReplyRecord
    | UnsubscribeRecord
    | PreferenceRecord
    | StatusRecord,
    Field(discriminator="kind"),
]
