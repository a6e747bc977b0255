"""Inbound webhooks: verified, deduplicated, matched to the lead and the thread, and acted on."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.channels.twilio import SIGNATURE_HEADER, twilio_signature
from agent.container import Services, build_services
from agent.db.models import Event, Handoff, Lead, Suppression, Touch
from agent.db.repositories.suppressions import SuppressionRepository
from agent.domain import Channel
from agent.outbox import Outcome
from agent.services.inbound import MAX_EMAIL_TEXT
from agent.settings import Settings
from agent.signing import WEBHOOK_SIGNATURE_HEADER, webhook_signature
from api.app import create_app
from knowledge.retrieval import KnowledgeBase
from tests.conftest import FakeClock
from tests.factories import add_touch, lead_row, submit

SECRET = "whsec-test-test-test-test-test-test"
MAILGUN_KEY = "mailgun-signing-key-test"
TWILIO_TOKEN = "twilio-auth-token-test"
BASE_URL = "http://127.0.0.1:8000"
DANA = "dana.lopez@lunahair.example"
PHONE = "+15035550123"


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    return make_settings(
        database_url=database_url,
        webhook_secret=SECRET,
        mailgun_signing_key=MAILGUN_KEY,
        twilio_auth_token=TWILIO_TOKEN,
    )


def signed(client: TestClient, clock: FakeClock, path: str, body: dict[str, Any], **headers: str) -> Any:
    raw = json.dumps(body).encode()
    signature = webhook_signature(SECRET, raw, int(clock.now.timestamp()))
    return client.post(
        path,
        content=raw,
        headers={"content-type": "application/json", WEBHOOK_SIGNATURE_HEADER: signature, **headers},
    )


def twilio(client: TestClient, path: str, form: dict[str, str], *, token: str = TWILIO_TOKEN) -> Any:
    signature = twilio_signature(token, BASE_URL + path, form.items())
    return client.post(path, data=form, headers={SIGNATURE_HEADER: signature})


def mailgun_fields(clock: FakeClock, token: str = "t" * 50) -> dict[str, str]:
    timestamp = str(int(clock.now.timestamp()))
    signature = hmac.new(MAILGUN_KEY.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def events(services: Services, *, type: str | None = None) -> list[Event]:
    with services.session_factory() as session:
        rows = list(session.query(Event).all())
    return [e for e in rows if type is None or e.type == type]


def count(services: Services, model: type[Any]) -> int:
    with services.session_factory() as session:
        return session.query(model).count()


def suppressed(
    services: Services, *, email: str | None = None, phone: str | None = None
) -> frozenset[Channel]:
    with services.session_factory() as session:
        return SuppressionRepository(session).suppressed_channels(email=email, phone=phone)


def acknowledged(services: Services) -> tuple[uuid.UUID, str]:
    """A lead whose acknowledgment went out: its id and the Message-ID a reply would quote."""
    outcome = submit(services)
    assert outcome.touch_id is not None
    assert services.outbox.dispatch(outcome.touch_id) is Outcome.SENT
    with services.session_factory() as session:
        touch = session.get(Touch, outcome.touch_id)
        assert touch is not None and touch.message_id is not None
        return outcome.lead_id, touch.message_id


def reply(message_id: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "from": "Dana Lopez <dana.lopez@lunahair.example>",
        "subject": "Re: Thanks for reaching out",
        "text": "Yes please, could you call me on Tuesday?",
        "message_id": "<reply-1@mail.lunahair.example>",
        "in_reply_to": message_id,
    }
    body.update(overrides)
    return body


class TestVerification:
    def test_a_bad_signature_is_refused_and_nothing_is_stored(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)
        before = (count(services, Event), count(services, Lead))
        raw = json.dumps(reply(message_id)).encode()
        forged = webhook_signature("not-the-secret-not-the-secret", raw, int(clock.now.timestamp()))

        response = client.post(
            "/webhooks/email/inbound",
            content=raw,
            headers={"content-type": "application/json", WEBHOOK_SIGNATURE_HEADER: forged},
        )

        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert (count(services, Event), count(services, Lead)) == before
        assert lead_row(services, lead_id).status != "handed_off"

    def test_a_missing_or_stale_signature_is_refused(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        raw = json.dumps(reply(None)).encode()
        stale = webhook_signature(SECRET, raw, int(clock.now.timestamp()) - 3600)

        unsigned = client.post("/webhooks/email/inbound", content=raw)
        old = client.post("/webhooks/email/inbound", content=raw, headers={WEBHOOK_SIGNATURE_HEADER: stale})

        assert (unsigned.status_code, old.status_code) == (401, 401)
        assert "outside the allowed window" in old.json()["detail"]
        assert count(services, Lead) == 0

    def test_a_forged_twilio_post_is_refused_and_stores_nothing(
        self, client: TestClient, services: Services
    ) -> None:
        form = {"MessageSid": "SM1", "From": PHONE, "Body": "STOP"}

        response = twilio(client, "/webhooks/sms/twilio", form, token="someone-elses-token")

        assert response.status_code == 401
        assert count(services, Suppression) == 0

    def test_a_forged_mailgun_post_is_refused(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        fields = mailgun_fields(clock) | {"signature": "0" * 64, "from": DANA, "body-plain": "Hello"}

        assert client.post("/webhooks/email/mailgun", data=fields).status_code == 401
        assert count(services, Lead) == 0

    def test_a_webhook_without_its_secret_is_off(
        self,
        make_settings: Callable[..., Settings],
        database_url: str,
        knowledge_base: KnowledgeBase,
        clock: FakeClock,
    ) -> None:
        bare = build_services(make_settings(database_url=database_url), clock=clock, knowledge=knowledge_base)
        try:
            with TestClient(create_app(bare)) as client:
                response = client.post("/webhooks/email/inbound", json=reply(None))
        finally:
            bare.close()

        assert response.status_code == 503
        assert "TOUCHPOINT_WEBHOOK_SECRET" in response.json()["detail"]


class TestEmailReplies:
    def test_a_reply_is_matched_to_its_thread_and_hands_the_lead_to_a_person(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)

        response = signed(client, clock, "/webhooks/email/inbound", reply(message_id))

        assert response.status_code == 200, response.text
        assert response.json()["handled"] == "recorded"
        (event,) = events(services, type="reply")
        assert event.lead_id == lead_id
        assert event.channel == "email"
        assert event.payload["message"] == "Yes please, could you call me on Tuesday?"
        assert event.payload["subject"] == "Re: Thanks for reaching out"
        assert event.payload["from"] == DANA
        with services.session_factory() as session:
            ack = session.query(Touch).filter(Touch.message_id == message_id).one()
        assert event.payload["touch_id"] == str(ack.id)
        assert lead_row(services, lead_id).status == "handed_off"

    def test_a_long_reply_with_its_html_is_taken_where_other_bodies_would_be_refused(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)
        long_html = "<p>" + "Earlier in this thread we talked about deposits. " * 4000 + "</p>"  # ~200 KB
        body = reply(message_id, html=long_html)

        response = signed(client, clock, "/webhooks/email/inbound", body)
        elsewhere = client.post("/v1/inquiries", content=b"x" * len(json.dumps(body)))

        assert response.status_code == 200, response.text
        assert len(json.dumps(body)) > services.settings.max_request_bytes
        (event,) = events(services, type="reply")
        assert event.lead_id == lead_id
        assert elsewhere.status_code == 413

    def test_a_very_long_thread_is_cut_not_refused(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        _, message_id = acknowledged(services)
        text = "Yes, Tuesday works.\n\n" + "> an old quoted line\n" * 8000  # ~170,000 characters

        response = signed(client, clock, "/webhooks/email/inbound", reply(message_id, text=text))

        assert response.status_code == 200, response.text
        (event,) = events(services, type="reply")
        assert event.payload["message"].startswith("Yes, Tuesday works.")
        assert len(event.payload["message"]) == MAX_EMAIL_TEXT

    def test_a_reply_from_another_address_still_finds_its_thread(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)
        body = reply(
            None, references=["<unrelated@x.example>", message_id], **{"from": "frontdesk@lunahair.example"}
        )

        signed(client, clock, "/webhooks/email/inbound", body)

        (event,) = events(services, type="reply")
        assert event.lead_id == lead_id

    def test_the_same_webhook_delivered_twice_is_one_event(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        _, message_id = acknowledged(services)

        first = signed(client, clock, "/webhooks/email/inbound", reply(message_id))
        second = signed(client, clock, "/webhooks/email/inbound", reply(message_id))

        assert (first.json()["handled"], second.json()["handled"]) == ("recorded", "duplicate")
        assert first.json()["event_id"] == second.json()["event_id"]
        assert len(events(services, type="reply")) == 1

    def test_an_unknown_sender_becomes_a_new_inquiry_and_is_acknowledged(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        body = reply(
            None,
            **{
                "from": "Sam Reed <sam@glowspa.example>",
                "subject": "No-shows",
                "text": "We lose 5 bookings a week.",
            },
        )

        response = signed(client, clock, "/webhooks/email/inbound", body)
        again = signed(client, clock, "/webhooks/email/inbound", body)

        assert response.json()["handled"] == "new_inquiry"
        assert again.json()["handled"] == "duplicate"
        lead = lead_row(services, uuid.UUID(response.json()["lead_id"]))
        assert (lead.email, lead.first_name, lead.last_name, lead.source) == (
            "sam@glowspa.example",
            "Sam",
            "Reed",
            "email",
        )
        (inquiry,) = events(services, type="inquiry")
        assert "We lose 5 bookings a week." in inquiry.payload["message"]
        ack = inquiry.payload["touch_id"]
        assert (services.settings.resolved_outbox_dir / f"{ack}.eml").exists()  # sent right after the commit

    def test_a_new_lead_who_writes_by_answering_an_old_email_is_asked_without_re_and_the_quoted_thread(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        body = reply(
            "<old-newsletter@elsewhere.example>",
            **{
                "from": "Sam Reed <sam@glowspa.example>",
                "subject": "Re: Spring offers",
                "text": "Do you integrate with Square?\n\n"
                "On Mon, Mar 2, 2026 at 9:00 AM Spa Weekly <news@spaweekly.example> wrote:\n"
                "> Ten tools for spring. Reply STOP to unsubscribe.\n",
            },
        )

        response = signed(client, clock, "/webhooks/email/inbound", body)

        assert response.json()["handled"] == "new_inquiry"
        (inquiry,) = events(services, type="inquiry")
        assert inquiry.payload["message"] == "Spring offers\n\nDo you integrate with Square?"

    def test_a_directory_name_written_last_comma_first_is_read_first_name_first(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        """Found with an Outlook sender: '"Okafor, Chidi" <...>' was greeted "Hello Okafor,,"."""
        body = reply(
            None,
            **{
                "from": '"Okafor, Chidi" <chidi@okafor.example>',
                "subject": "Shower",
                "text": "Do you do it?",
            },
        )

        response = signed(client, clock, "/webhooks/email/inbound", body)

        lead = lead_row(services, uuid.UUID(response.json()["lead_id"]))
        assert (lead.first_name, lead.last_name) == ("Chidi", "Okafor")

    def test_an_automatic_email_from_an_unknown_sender_is_not_an_inquiry_and_is_not_answered(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        body = reply(
            None,
            **{
                "from": "noreply@billing.example",
                "subject": "Automatic reply",
                "text": "This mailbox is not monitored.",
                "auto_submitted": True,
            },
        )

        response = signed(client, clock, "/webhooks/email/inbound", body)

        assert response.json()["handled"] == "ignored"
        assert (count(services, Lead), count(services, Event), count(services, Touch)) == (0, 0, 0)
        assert not list(services.settings.resolved_outbox_dir.glob("*.eml"))

    def test_a_mailgun_route_delivers_a_reply(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)
        headers = [["Message-Id", "<mg-1@mail.example>"], ["In-Reply-To", message_id]]
        fields = mailgun_fields(clock) | {
            "from": "Dana Lopez <dana.lopez@lunahair.example>",
            "subject": "Re: hello",
            "body-plain": "Sounds good\n> old text",
            "stripped-text": "Sounds good",
            "message-headers": json.dumps(headers),
        }

        response = client.post("/webhooks/email/mailgun", data=fields)
        again = client.post("/webhooks/email/mailgun", data=fields | mailgun_fields(clock, token="u" * 50))

        assert response.status_code == 200, response.text
        assert again.json()["handled"] == "duplicate"  # the same email, however often it is posted
        (event,) = events(services, type="reply")
        assert (event.lead_id, event.payload["message"]) == (lead_id, "Sounds good")

    def test_our_own_message_looping_back_is_ignored(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        body = reply(None, **{"from": services.identity.sender_email})

        assert signed(client, clock, "/webhooks/email/inbound", body).json()["handled"] == "ignored"
        assert count(services, Lead) == 0

    def test_an_invalid_body_says_what_is_wrong(self, client: TestClient, clock: FakeClock) -> None:
        response = signed(client, clock, "/webhooks/email/inbound", {"text": "no sender"})

        assert response.status_code == 422
        assert "from" in response.json()["detail"]


def sms_lead(services: Services, *, consent: bool = True) -> uuid.UUID:
    return submit(services, phone=PHONE, consent_sms=consent).lead_id


def sms_from(text: str, sid: str = "SM100") -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": "AC1", "From": PHONE, "To": "+15035550100", "Body": text}


class TestSmsKeywords:
    def test_stop_confirms_the_opt_out_and_no_more_texts_go_out(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = sms_lead(services)
        queued = add_touch(services, lead_id=lead_id, state="queued", channel="sms", body="Hi Dana!")

        response = twilio(client, "/webhooks/sms/twilio", sms_from("STOP"))

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/xml")
        assert "<Message>Northstar Bookings: you are unsubscribed" in response.text
        assert Channel.SMS in suppressed(services, phone=PHONE)
        assert lead_row(services, lead_id).consent_sms is False
        (event,) = events(services, type="unsubscribe")
        assert (event.channel, event.payload["via"]) == ("sms", "sms_keyword")
        assert services.outbox.dispatch(queued) is Outcome.CANCELLED
        assert not list(services.settings.resolved_outbox_dir.glob("*.sms.json"))

    def test_open_handoff_then_stop_closes_it_with_the_reason(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = sms_lead(services)
        with services.session_factory.begin() as session:
            now = services.clock()
            session.add(
                Handoff(
                    lead_id=lead_id, reason="asked_for_person", summary="Call me", due_by=now, created_at=now
                )
            )

        twilio(client, "/webhooks/sms/twilio", sms_from("STOP"))

        with services.session_factory() as session:
            handoff = session.query(Handoff).filter_by(lead_id=lead_id).one()
            assert (handoff.status, handoff.closed_reason) == ("closed", "the lead texted STOP: do not reply")

    def test_stop_delivered_twice_is_stored_once_and_confirmed_again(
        self, client: TestClient, services: Services
    ) -> None:
        sms_lead(services)

        first = twilio(client, "/webhooks/sms/twilio", sms_from("Stop"))
        second = twilio(client, "/webhooks/sms/twilio", sms_from("Stop"))

        assert first.text == second.text
        assert len(events(services, type="unsubscribe")) == 1

    @pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "END", "quit", "REVOKE", "opt out"])
    def test_every_carrier_opt_out_word_suppresses(
        self, word: str, client: TestClient, services: Services
    ) -> None:
        twilio(client, "/webhooks/sms/twilio", sms_from(word))

        assert Channel.SMS in suppressed(services, phone=PHONE)

    def test_start_resumes_consent(self, client: TestClient, services: Services) -> None:
        lead_id = sms_lead(services)
        twilio(client, "/webhooks/sms/twilio", sms_from("STOP", sid="SM1"))

        response = twilio(client, "/webhooks/sms/twilio", sms_from("UNSTOP", sid="SM2"))

        assert "resubscribed" in response.text
        assert suppressed(services, phone=PHONE) == frozenset()
        assert lead_row(services, lead_id).consent_sms is True

    def test_help_answers_and_stores_nothing(self, client: TestClient, services: Services) -> None:
        sms_lead(services)
        before = count(services, Event)

        response = twilio(client, "/webhooks/sms/twilio", sms_from("HELP"))

        assert services.identity.sender_email in response.text
        assert "Reply STOP to opt out." in response.text
        assert count(services, Event) == before

    def test_a_text_that_is_not_a_keyword_is_a_reply(self, client: TestClient, services: Services) -> None:
        lead_id = sms_lead(services)

        response = twilio(client, "/webhooks/sms/twilio", sms_from("Can we talk tomorrow?"))

        assert response.text.endswith("<Response></Response>")
        (event,) = events(services, type="reply")
        assert (event.lead_id, event.channel, event.payload["message"]) == (
            lead_id,
            "sms",
            "Can we talk tomorrow?",
        )

    def test_an_unknown_number_becomes_a_new_inquiry_answered_by_text_at_once(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        clock.now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 3 a.m. where the lead is (UTC by default)

        twilio(client, "/webhooks/sms/twilio", sms_from("Do you do group bookings?", sid="SM7"))

        with services.session_factory() as session:
            lead = session.query(Lead).one()
            (ack,) = session.query(Touch).all()
        assert (lead.phone, lead.source, lead.consent_sms) == (PHONE, "sms", True)
        assert (ack.purpose, ack.channel, ack.state) == ("acknowledgment", "sms", "sent")
        assert "timing.acknowledgment_answers_their_text" in ack.decision_rules
        sent = json.loads((services.settings.resolved_outbox_dir / f"{ack.id}.sms.json").read_text())
        assert sent["to"] == PHONE and "STOP" in sent["body"]

    def test_after_stop_the_texted_lead_gets_no_more_texts(
        self, client: TestClient, services: Services
    ) -> None:
        twilio(client, "/webhooks/sms/twilio", sms_from("Do you do group bookings?", sid="SM7"))

        twilio(client, "/webhooks/sms/twilio", sms_from("STOP", sid="SM8"))

        with services.session_factory() as session:
            lead = session.query(Lead).one()
        assert lead.consent_sms is False
        assert Channel.SMS in suppressed(services, phone=PHONE)


def status(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": "evt-1", "type": "bounce", "bounce_type": "hard", "recipient": DANA}
    body.update(overrides)
    return body


class TestDeliveryStatus:
    def test_a_hard_bounce_suppresses_the_address_and_stops_the_next_email(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        lead_id, message_id = acknowledged(services)

        response = signed(
            client, clock, "/webhooks/status", status(message_id=message_id, reason="550 5.1.1 no such user")
        )

        assert response.json()["handled"] == "recorded"
        assert suppressed(services, email=DANA) == frozenset({Channel.EMAIL})
        (event,) = events(services, type="bounce")
        assert event.payload["bounce_type"] == "hard"
        assert event.payload["reason"] == "550 5.1.1 no such user"
        assert event.payload["touch_id"] is not None
        next_touch = add_touch(services, lead_id=lead_id, state="queued", step=5)
        assert services.outbox.dispatch(next_touch) is Outcome.CANCELLED

    def test_a_soft_bounce_is_recorded_but_suppresses_nothing(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        acknowledged(services)

        signed(client, clock, "/webhooks/status", status(bounce_type="soft", reason="mailbox full"))

        assert suppressed(services, email=DANA) == frozenset()
        assert len(events(services, type="bounce")) == 1

    def test_a_complaint_suppresses(self, client: TestClient, services: Services, clock: FakeClock) -> None:
        acknowledged(services)

        signed(client, clock, "/webhooks/status", status(type="complaint", bounce_type=None))

        assert suppressed(services, email=DANA) == frozenset({Channel.EMAIL})
        assert len(events(services, type="complaint")) == 1

    def test_a_report_delivered_twice_is_one_event(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        acknowledged(services)

        signed(client, clock, "/webhooks/status", status(type="delivered", bounce_type=None))
        again = signed(client, clock, "/webhooks/status", status(type="delivered", bounce_type=None))

        assert again.json()["handled"] == "duplicate"
        assert len(events(services, type="delivered")) == 1

    def test_a_bounce_for_an_address_we_do_not_know_still_protects_it(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        response = signed(client, clock, "/webhooks/status", status(recipient="gone@nowhere.example"))

        assert response.json()["handled"] == "suppressed"
        assert suppressed(services, email="gone@nowhere.example") == frozenset({Channel.EMAIL})

    def test_a_bounce_needs_its_type(self, client: TestClient, clock: FakeClock) -> None:
        response = signed(client, clock, "/webhooks/status", status(bounce_type=None))

        assert response.status_code == 422
        assert "bounce_type" in response.json()["detail"]

    def test_a_bounce_without_its_type_names_the_field_like_every_validation_error(
        self, client: TestClient, clock: FakeClock
    ) -> None:
        """Found posting a bounce report: its 422 was the only one without the ``errors`` list."""
        response = signed(client, clock, "/webhooks/status", status(bounce_type=None))

        assert [e["field"] for e in response.json()["errors"]] == ["bounce_type"]

    def test_a_mailgun_permanent_failure_suppresses(
        self, client: TestClient, services: Services, clock: FakeClock
    ) -> None:
        _, message_id = acknowledged(services)
        body = {
            "signature": mailgun_fields(clock),
            "event-data": {
                "id": "mg-evt-1",
                "event": "failed",
                "severity": "permanent",
                "recipient": DANA,
                "message": {"headers": {"message-id": message_id.strip("<>")}},
                "delivery-status": {"code": 550, "description": "No such mailbox"},
            },
        }

        response = client.post("/webhooks/email/mailgun/events", json=body)

        assert response.json()["handled"] == "recorded", response.text
        assert suppressed(services, email=DANA) == frozenset({Channel.EMAIL})
        (event,) = events(services, type="bounce")
        assert event.payload["reason"] == "550 No such mailbox"

    def test_a_twilio_text_to_a_landline_suppresses_the_number(
        self, client: TestClient, services: Services
    ) -> None:
        lead_id = sms_lead(services)
        touch_id = add_touch(services, lead_id=lead_id, state="queued", channel="sms", body="Hi Dana!")
        assert services.outbox.dispatch(touch_id) is Outcome.SENT
        with services.session_factory() as session:
            touch = session.get(Touch, touch_id)
            assert touch is not None
            provider_id = touch.provider_message_id
        assert provider_id is not None

        form = {"MessageSid": provider_id, "MessageStatus": "undelivered", "ErrorCode": "30006", "To": PHONE}
        response = twilio(client, "/webhooks/sms/twilio/status", form)

        assert response.json()["handled"] == "recorded"
        assert Channel.SMS in suppressed(services, phone=PHONE)
        (event,) = events(services, type="bounce")
        assert event.payload["touch_id"] == str(touch_id)

    def test_twilio_progress_reports_are_not_stored(self, client: TestClient, services: Services) -> None:
        form = {"MessageSid": "SM5", "MessageStatus": "sent", "To": PHONE}

        assert twilio(client, "/webhooks/sms/twilio/status", form).json()["handled"] == "ignored"
        assert count(services, Event) == 0
