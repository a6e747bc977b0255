"""The reply pipeline end to end with replies of the frozen test split: a signed webhook (email) or a
Twilio post (text) → the reader → a handoff or a suppression, on SQLite and PostgreSQL.

For one reply of each labelled intent on each channel, the stored reading is the reader's own, the loop
does what the reading says (a handoff exactly when it needs a person, a suppression exactly when it is
sure), and the labels' safety holds: every reply a person had to read reached one, and no address the
labels keep open was silenced.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Event, Handoff, Touch
from agent.domain import Channel, ReplyReading
from agent.outbox import Outcome
from agent.replies.message import InboundReply
from agent.replies.reader import shipped_reader
from agent.settings import Settings
from tests.api.test_webhooks import MAILGUN_KEY, SECRET, TWILIO_TOKEN, signed, suppressed, twilio
from tests.conftest import FakeClock
from tests.factories import submit

TEST_SPLIT = Path(__file__).resolve().parents[2] / "evals" / "replies" / "corpus" / "test.jsonl"


def _sample() -> list[dict[str, Any]]:
    """The first reply (in id order) of each labelled intent on each channel."""
    cases = sorted(
        (json.loads(line) for line in TEST_SPLIT.read_text(encoding="utf-8").splitlines()),
        key=lambda c: c["id"],
    )
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for case in cases:
        chosen.setdefault((case["intent"], case["channel"]), case)
    return list(chosen.values())


SAMPLE = _sample()


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    return make_settings(
        database_url=database_url,
        webhook_secret=SECRET,
        mailgun_signing_key=MAILGUN_KEY,
        twilio_auth_token=TWILIO_TOKEN,
    )


def _deliver(client: TestClient, services: Services, clock: FakeClock, case: dict[str, Any], n: int) -> Any:
    """A lead that got its acknowledgment, then the case's reply to it; the lead's id."""
    if case["channel"] == "sms":
        phone = f"+1503555{n:04d}"
        lead_id = submit(services, email=None, phone=phone, consent_sms=True).lead_id
        services.outbox.drain()
        form = {"MessageSid": f"SM{n:05d}", "AccountSid": "AC1", "From": phone, "To": "+15035550100"}
        response = twilio(client, "/webhooks/sms/twilio", {**form, "Body": case["text"]})
        assert response.status_code == 200, response.text
        return lead_id
    outcome = submit(services, email=f"lead{n}@example.com")
    assert outcome.touch_id is not None and services.outbox.dispatch(outcome.touch_id) is Outcome.SENT
    with services.session_factory() as session:
        acknowledgment = session.get(Touch, outcome.touch_id)
        assert acknowledgment is not None
        message_id = acknowledgment.message_id
    body = {
        "from": f"lead{n}@example.com",
        "subject": case.get("subject") or "Re: your inquiry",
        "text": case["text"],
        "message_id": f"<reply-{n}@mail.example>",
        "in_reply_to": message_id,
    }
    response = signed(client, clock, "/webhooks/email/inbound", body)
    assert response.status_code == 200, response.text
    return outcome.lead_id


@pytest.mark.parametrize("case", SAMPLE, ids=[f"{c['intent']}-{c['channel']}" for c in SAMPLE])
def test_a_test_split_reply_is_read_and_acted_on_safely(
    client: TestClient, services: Services, clock: FakeClock, case: dict[str, Any]
) -> None:
    n = SAMPLE.index(case)
    lead_id = _deliver(client, services, clock, case, n)

    channel = Channel(case["channel"])
    address = {"phone": f"+1503555{n:04d}"} if channel is Channel.SMS else {"email": f"lead{n}@example.com"}
    with services.session_factory() as session:
        reply = session.scalars(select(Event).where(Event.lead_id == lead_id, Event.type == "reply")).first()
        handoffs = session.scalars(select(Handoff).where(Handoff.lead_id == lead_id)).all()
    if reply is None:  # a carrier keyword (STOP) never reaches the reader: the keyword path stops the number
        assert case["suppress"] and suppressed(services, **address) and not handoffs
        return
    reading = ReplyReading.from_dict(reply.reading or {})
    direct = shipped_reader().classify(
        InboundReply(reply.payload["message"], reply.payload.get("subject"), None, channel),
        today=date(2026, 11, 23),
    )
    blocked = suppressed(services, **address)

    assert (reading.intent, reading.suppress, reading.needs_person) == (
        direct.intent,
        direct.suppress,
        direct.needs_person,
    )
    assert bool(handoffs) == reading.needs_person
    assert bool(blocked) == reading.suppress
    if case["handoff"]:
        assert handoffs, f"{case['id']}: a reply a person had to read reached nobody"
    if not case["suppress"]:
        assert not blocked, f"{case['id']}: an address the labels keep open was silenced"
