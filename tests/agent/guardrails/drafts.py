"""Shared test data for the guardrail checks: one lead, one case study, one identity, a good email."""

from __future__ import annotations

from datetime import date
from typing import Any

from agent.domain import Channel, CompanyIdentity, LeadContext, LeadStatus
from agent.guardrails import DraftText, GuardrailContext, PriorMessage, Violation
from knowledge.types import DocType, Source

IDENTITY = CompanyIdentity(
    name="Northstar Bookings",
    sender_name="Maya Ortiz",
    sender_email="maya@northstar-bookings.example",
    postal_address="Northstar Bookings Ltd, 418 Harbor Street, Suite 200, Portland, OR 97204, USA",
)
LEAD = LeadContext(
    id="lead-dana",
    first_name="Dana",
    last_name="Lopez",
    email="dana@lunahair.example",
    phone="+15125550100",
    company="Luna Hair Studio",
    role="Owner",
    industry="beauty",
    source="web_form",
    need="cut no-shows",
    deal_value=None,
    timezone="America/Chicago",
    consent_email=True,
    consent_sms=True,
    status=LeadStatus.NEW,
    inquiry_text="We lose so many Saturday bookings to no-shows. Can you help?",
)
CASE_STUDY = Source(
    id="case-studies/fade-and-co-barbers",
    type=DocType.CASE_STUDY,
    title="Fade & Co. Barbers kept walk-ins and cut the wait with a live queue",
    url="https://northstar-bookings.example/customers/fade-and-co-barbers",
    text=(
        "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before, which clients "
        "answer to confirm or reschedule. Results: no-shows down 34% in 60 days; $1,450 a month recovered."
    ),
    score=0.8,
    customer="Fade & Co. Barbers",
    figures=("no-shows down 34% in 60 days", "$1,450 a month recovered"),
)
OFFER = Source(
    id="offers/dental-switch-team-half-price",
    type=DocType.OFFER,
    title="Switch offer: Team plan at half price for 3 months",
    url="https://northstar-bookings.example/offers/switch",
    text="Practices that switch by December 31, 2026 get the Team plan at half price for 3 months.",
    score=0.7,
)
SLOTS = ("Tuesday at 10:00", "Wednesday at 14:00")
GOOD_EMAIL_BODY = (
    "Hi Dana,\n\n"
    "Thanks for your note about Saturday no-shows at Luna Hair Studio. Salons like yours usually lose the "
    "most on colour appointments, because each one blocks a chair for hours.\n\n"
    "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before, which clients answer "
    "to confirm or reschedule: no-shows down 34% in 60 days.\n\n"
    "Which day of the week hurts most at the studio?\n\n"
    "Best,\nMaya"
)
GOOD_SMS_BODY = (
    "Hi Dana, Maya from Northstar Bookings here. Fade & Co. Barbers cut no-shows by a third with an SMS "
    "reminder the day before. Want the details? Reply STOP to opt out."
)


def context(**overrides: Any) -> GuardrailContext:
    values: dict[str, Any] = {
        "lead": LEAD,
        "sources": (CASE_STUDY,),
        "identity": IDENTITY,
        "allowed_phrases": SLOTS,
        "purpose": "social_proof",
        "today": date(2026, 11, 25),
    }
    values.update(overrides)
    return GuardrailContext(**values)


def email(*, body: str = GOOD_EMAIL_BODY, subject: str | None = "How Fade & Co. cut no-shows") -> DraftText:
    return DraftText(channel=Channel.EMAIL, body=body, subject=subject)


def sms(*, body: str = GOOD_SMS_BODY) -> DraftText:
    return DraftText(channel=Channel.SMS, body=body)


def words(count: int) -> str:
    return " ".join(["word"] * count)


def codes(violations: list[Violation]) -> list[str]:
    return [violation.code for violation in violations]


def value_touches(count: int) -> tuple[PriorMessage, ...]:
    return tuple(PriorMessage(f"A useful resource number {n}.", "value_add") for n in range(count))
