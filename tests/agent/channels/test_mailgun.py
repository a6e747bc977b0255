"""Mailgun's route and event formats, and its signature."""

from __future__ import annotations

import json

import pytest

from agent.channels.mailgun import (
    MalformedPayload,
    mailgun_signature,
    parse_event,
    parse_route,
    verify_mailgun_signature,
)
from agent.channels.received import DeliveryKind

KEY = "key-0123456789"


class TestSignature:
    def test_round_trip_within_the_window(self) -> None:
        signature = mailgun_signature(KEY, "1764000000", "a" * 50)

        assert verify_mailgun_signature(KEY, "1764000000", "a" * 50, signature, now=1764000100, tolerance=300)

    def test_old_forged_or_other_key_fails(self) -> None:
        signature = mailgun_signature(KEY, "1764000000", "a" * 50)

        assert not verify_mailgun_signature(
            KEY, "1764000000", "a" * 50, signature, now=1764009999, tolerance=300
        )
        assert not verify_mailgun_signature(
            KEY, "1764000000", "b" * 50, signature, now=1764000000, tolerance=300
        )
        assert not verify_mailgun_signature(
            "other", "1764000000", "a" * 50, signature, now=1764000000, tolerance=300
        )
        assert not verify_mailgun_signature(KEY, "soon", "a" * 50, signature, now=1764000000, tolerance=300)


class TestRoute:
    def test_a_reply_keeps_its_threading_and_prefers_the_stripped_text(self) -> None:
        headers = [
            ["Message-Id", "<reply-1@mail.example>"],
            ["In-Reply-To", "<touch@northstar-bookings.example>"],
            ["References", "<ack@northstar-bookings.example> <touch@northstar-bookings.example>"],
        ]
        mail = parse_route(
            {
                "from": "Dana Lopez <dana.lopez@lunahair.example>",
                "subject": "Re: A calculator",
                "body-plain": "Yes please!\n\n> quoted older message",
                "stripped-text": "Yes please!",
                "message-headers": json.dumps(headers),
                "timestamp": "1764000000",
            }
        )

        assert mail.text == "Yes please!"
        assert mail.message_id == "<reply-1@mail.example>"
        assert mail.in_reply_to == "<touch@northstar-bookings.example>"
        assert mail.references == ("<ack@northstar-bookings.example> <touch@northstar-bookings.example>",)
        assert mail.auto_submitted is False
        assert mail.provider == "mailgun"

    def test_an_out_of_office_is_marked_automatic(self) -> None:
        mail = parse_route(
            {
                "from": "a@b.example",
                "body-plain": "Away",
                "message-headers": '[["Auto-Submitted", "auto-replied"]]',
            }
        )

        assert mail.auto_submitted is True

    def test_a_post_without_a_sender_is_refused(self) -> None:
        with pytest.raises(MalformedPayload, match="from"):
            parse_route({"body-plain": "hi"})


class TestEvents:
    def test_a_permanent_failure_is_a_hard_bounce(self) -> None:
        status = parse_event(
            {
                "event-data": {
                    "id": "evt-1",
                    "event": "failed",
                    "severity": "permanent",
                    "recipient": "dana.lopez@lunahair.example",
                    "message": {"headers": {"message-id": "touch@northstar-bookings.example"}},
                    "delivery-status": {"code": 550, "description": "No such mailbox"},
                }
            }
        )

        assert status is not None
        assert (status.kind, status.bounce_type, status.reason) == (
            DeliveryKind.BOUNCE,
            "hard",
            "550 No such mailbox",
        )
        assert status.message_id == "touch@northstar-bookings.example"

    def test_a_temporary_failure_is_soft_and_a_complaint_is_a_complaint(self) -> None:
        soft = parse_event({"event-data": {"id": "e2", "event": "failed", "severity": "temporary"}})
        complaint = parse_event({"event-data": {"id": "e3", "event": "complained"}})

        assert soft is not None and soft.bounce_type == "soft"
        assert complaint is not None and complaint.kind is DeliveryKind.COMPLAINT

    def test_engagement_events_are_not_delivery_reports(self) -> None:
        assert parse_event({"event-data": {"id": "e4", "event": "opened"}}) is None
