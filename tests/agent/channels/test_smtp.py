"""The SMTP channel against a real SMTP server on loopback, with real STARTTLS/TLS and login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.channels.base import ClaimLost, InDoubtSendError, PermanentSendError, Recovery, TransientSendError
from agent.channels.smtp import SmtpConfig, SmtpSender
from tests.agent.channels.messages import IDENTITY, NOW, Handovers, outgoing
from tests.smtp_server import PASSWORD, LoopbackSmtp, loopback_smtp


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with loopback_smtp(tmp_path) as server:
        yield server


def sender_for(server: LoopbackSmtp, **overrides: object) -> SmtpSender:
    values = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": server.security,
        "username": "touchpoint" if server.security != "none" else None,
        "password": PASSWORD if server.security != "none" else None,
        "ca_file": server.ca_file,
        "timeout": 10.0,
    }
    values.update(overrides)
    return SmtpSender(SmtpConfig(**values), IDENTITY, lambda: NOW)  # type: ignore[arg-type]


class TestDelivery:
    def test_starttls_with_login_delivers_a_complete_threaded_message(self, smtp: LoopbackSmtp) -> None:
        sender = sender_for(smtp)
        handover = Handovers()

        result = sender.send(outgoing(), handover)

        (arrived,) = smtp.handler.wait_for(1)
        email = arrived.message
        assert arrived.envelope_from == IDENTITY.sender_email
        assert arrived.recipients == ["dana.lopez@lunahair.example"]
        assert email["From"] == "Maya Ortiz <maya@northstar-bookings.example>"
        assert email["Reply-To"] == "hello@northstar-bookings.example"
        assert email["To"].addresses[0].addr_spec == "dana.lopez@lunahair.example"
        assert email["Message-ID"] == "<7d0f6c52-1f7b-4c55-9a36-2f1b1d7c0001@northstar-bookings.example>"
        assert email["In-Reply-To"] == "<first@northstar-bookings.example>"
        assert email["References"] == "<first@northstar-bookings.example>"
        assert email["List-Unsubscribe"] == "<https://touchpoint.example/u/abc.def>"
        assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert [part.get_content_type() for part in email.iter_parts()] == ["text/plain", "text/html"]
        plain = email.get_body(("plain",))
        assert plain is not None
        text = plain.get_content()
        assert IDENTITY.postal_address in text
        assert "https://touchpoint.example/u/abc.def" in text
        assert handover.calls == 1
        assert result.provider_message_id == "smtp:Q1"
        sender.close()

    def test_implicit_tls_delivers(self, tmp_path: Path) -> None:
        with loopback_smtp(tmp_path, security="tls") as server:
            sender_for(server).send(outgoing(), Handovers())

            assert server.handler.wait_for(1)[0].message["Subject"] == "A calculator for Luna Hair Studio"

    def test_a_pooled_connection_the_relay_dropped_is_replaced(self, smtp: LoopbackSmtp) -> None:
        sender = sender_for(smtp)
        sender.send(outgoing(), Handovers())
        for _, connection in sender._idle:
            assert connection.sock is not None
            connection.sock.close()  # as if the relay had closed the idle session

        sender.send(outgoing(message_id="<second@northstar-bookings.example>"), Handovers())

        assert [r.message["Message-ID"] for r in smtp.handler.wait_for(2)][
            1
        ] == "<second@northstar-bookings.example>"
        sender.close()


class TestRefusals:
    def test_a_wrong_password_is_a_transient_error_and_nothing_is_handed_over(
        self, smtp: LoopbackSmtp
    ) -> None:
        handover = Handovers()

        with pytest.raises(TransientSendError, match="SMTP_PASSWORD"):
            sender_for(smtp, password="wrong").send(outgoing(), handover)

        assert handover.calls == 0
        assert smtp.handler.received == []

    def test_starttls_is_never_skipped_when_the_relay_does_not_offer_it(self, tmp_path: Path) -> None:
        with loopback_smtp(tmp_path, security="none") as plain:
            with pytest.raises(TransientSendError, match="refusing to send in clear"):
                sender_for(plain, security="starttls", username=None, password=None).send(
                    outgoing(), Handovers()
                )

            assert plain.handler.received == []

    def test_an_untrusted_certificate_is_refused(self, smtp: LoopbackSmtp) -> None:
        with pytest.raises(TransientSendError, match="CERTIFICATE_VERIFY_FAILED"):
            sender_for(smtp, ca_file=None).send(outgoing(), Handovers())

    def test_an_unknown_mailbox_is_permanent_and_the_address_is_to_blame(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.refuse["dana.lopez@lunahair.example"] = "550 5.1.1 No such user"
        handover = Handovers()

        with pytest.raises(PermanentSendError) as caught:
            sender_for(smtp).send(outgoing(), handover)

        assert caught.value.suppress_address is True
        assert handover.calls == 0

    def test_a_relay_policy_refusal_does_not_blame_the_address(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.refuse["dana.lopez@lunahair.example"] = "554 5.7.1 Relay access denied"

        with pytest.raises(PermanentSendError) as caught:
            sender_for(smtp).send(outgoing(), Handovers())

        assert caught.value.suppress_address is False

    def test_a_deferred_recipient_is_transient(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.refuse["dana.lopez@lunahair.example"] = "450 4.2.1 Mailbox busy"

        with pytest.raises(TransientSendError, match="450"):
            sender_for(smtp).send(outgoing(), Handovers())

    def test_a_deferred_message_is_transient_and_was_not_taken(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.data_replies.append("451 4.3.0 Try again later")

        with pytest.raises(TransientSendError, match="451"):
            sender_for(smtp).send(outgoing(), Handovers())

        assert smtp.handler.received == []

    def test_a_rejected_message_fails_without_blaming_the_address(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.data_replies.append("554 5.6.0 Message content rejected")

        with pytest.raises(PermanentSendError) as caught:
            sender_for(smtp).send(outgoing(), Handovers())

        assert caught.value.suppress_address is False


class TestPointOfNoReturn:
    def test_a_lost_claim_stops_the_send_before_data(self, smtp: LoopbackSmtp) -> None:
        handover = Handovers(refuse=ClaimLost("another worker has it"))

        with pytest.raises(ClaimLost):
            sender_for(smtp).send(outgoing(), handover)

        assert smtp.handler.received == []

    def test_silence_after_data_is_in_doubt_and_the_relay_has_the_message(self, smtp: LoopbackSmtp) -> None:
        smtp.handler.stall_data_at = 1  # takes the message, then does not answer in time

        with pytest.raises(InDoubtSendError):
            sender_for(smtp, timeout=0.5).send(outgoing(), Handovers())

        assert len(smtp.handler.received) == 1

    def test_smtp_cannot_say_afterwards_whether_a_message_was_taken(self, smtp: LoopbackSmtp) -> None:
        assert sender_for(smtp).recover(outgoing()) is Recovery.UNKNOWN
