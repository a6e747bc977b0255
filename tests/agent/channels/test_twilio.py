"""The Twilio-compatible SMS channel, with the HTTP API mocked at the transport (respx)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from agent.channels.base import InDoubtSendError, PermanentSendError, Recovery, SendResult, TransientSendError
from agent.channels.received import DeliveryKind
from agent.channels.sms import OPT_OUT_LINE
from agent.channels.twilio import (
    TwilioConfig,
    TwilioSender,
    parse_inbound,
    parse_status,
    twilio_signature,
    twiml,
    verify_twilio_signature,
)
from agent.domain import Channel
from tests.agent.channels.messages import Handovers, outgoing

BASE = "https://sms.example"
MESSAGES = f"{BASE}/2010-04-01/Accounts/AC123/Messages.json"
TEXT = outgoing(channel=Channel.SMS, to_address="+15035550123", body="Hi Dana, the calculator is ready.")


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def sender() -> Iterator[TwilioSender]:
    config = TwilioConfig(
        base_url=BASE,
        account_sid="AC123",
        auth_token="token-xyz",
        from_number="+15035550100",
        status_callback_url="https://touchpoint.example/webhooks/sms/twilio/status",
    )
    built = TwilioSender(config, httpx.Client(timeout=5))
    yield built
    built.close()


def form_of(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.content.decode()).items()}


class TestSend:
    def test_posts_the_text_with_its_opt_out_line_and_records_the_sid(
        self, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        route = api.post(MESSAGES).respond(201, json={"sid": "SM42", "status": "queued"})
        handover = Handovers()

        result = sender.send(TEXT, handover)

        assert result == SendResult("SM42")
        request = route.calls.last.request
        assert form_of(request) == {
            "To": "+15035550123",
            "From": "+15035550100",
            "Body": f"Hi Dana, the calculator is ready.\n{OPT_OUT_LINE}",
            "StatusCallback": "https://touchpoint.example/webhooks/sms/twilio/status",
        }
        assert request.headers["authorization"] == "Basic " + base64.b64encode(b"AC123:token-xyz").decode()
        assert handover.calls == 1

    @pytest.mark.parametrize("code", [21211, 21610, 21614])
    def test_a_bad_number_is_permanent_and_to_blame(
        self, code: int, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        api.post(MESSAGES).respond(400, json={"code": code, "message": "nope", "status": 400})

        with pytest.raises(PermanentSendError) as caught:
            sender.send(TEXT, Handovers())

        assert caught.value.suppress_address is True

    def test_other_refusals_do_not_blame_the_number(
        self, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        api.post(MESSAGES).respond(400, json={"code": 21602, "message": "Message body is required"})

        with pytest.raises(PermanentSendError) as caught:
            sender.send(TEXT, Handovers())

        assert caught.value.suppress_address is False

    @pytest.mark.parametrize("status", [429, 500, 503, 401])
    def test_busy_failing_or_misconfigured_is_transient(
        self, status: int, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        api.post(MESSAGES).respond(status, json={"code": 20003, "message": "x"})

        with pytest.raises(TransientSendError):
            sender.send(TEXT, Handovers())

    def test_a_refused_connection_is_transient(self, api: respx.MockRouter, sender: TwilioSender) -> None:
        api.post(MESSAGES).mock(side_effect=httpx.ConnectError("refused"))

        with pytest.raises(TransientSendError):
            sender.send(TEXT, Handovers())

    def test_no_answer_after_the_request_left_is_in_doubt(
        self, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        api.post(MESSAGES).mock(side_effect=httpx.ReadTimeout("no answer"))

        with pytest.raises(InDoubtSendError):
            sender.send(TEXT, Handovers())


class TestRecover:
    def test_finds_the_text_by_its_exact_body(self, api: respx.MockRouter, sender: TwilioSender) -> None:
        route = api.get(MESSAGES).respond(
            200,
            json={
                "messages": [
                    {"sid": "SM1", "body": "another text", "direction": "outbound-api"},
                    {"sid": "SM2", "body": f"{TEXT.body}\n{OPT_OUT_LINE}", "direction": "outbound-api"},
                ]
            },
        )

        assert sender.recover(TEXT) == SendResult("SM2")
        assert route.calls.last.request.url.params["To"] == "+15035550123"

    def test_says_not_sent_when_twilio_has_no_such_text(
        self, api: respx.MockRouter, sender: TwilioSender
    ) -> None:
        api.get(MESSAGES).respond(200, json={"messages": []})

        assert sender.recover(TEXT) is Recovery.NOT_SENT

    def test_cannot_ask_is_transient(self, api: respx.MockRouter, sender: TwilioSender) -> None:
        api.get(MESSAGES).respond(503)

        with pytest.raises(TransientSendError):
            sender.recover(TEXT)


class TestSignature:
    def test_matches_twilios_published_example(self) -> None:
        params = {
            "CallSid": "CA1234567890ABCDE",
            "Caller": "+12349013030",
            "Digits": "1234",
            "From": "+12349013030",
            "To": "+18005551212",
        }

        signature = twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params.items())

        assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="

    def test_a_changed_field_or_url_fails(self) -> None:
        params = [("Body", "STOP"), ("From", "+15035550123")]
        good = twilio_signature("secret", "https://a.example/hook", params)

        assert verify_twilio_signature("secret", "https://a.example/hook", params, good)
        assert not verify_twilio_signature(
            "secret", "https://a.example/hook", [("Body", "START"), params[1]], good
        )
        assert not verify_twilio_signature("secret", "https://b.example/hook", params, good)
        assert not verify_twilio_signature("other", "https://a.example/hook", params, good)


class TestParsing:
    def test_an_undelivered_text_to_a_landline_is_a_hard_bounce(self) -> None:
        status = parse_status(
            {"MessageSid": "SM9", "MessageStatus": "undelivered", "ErrorCode": "30006", "To": "+1"}
        )

        assert status is not None
        assert (status.kind, status.bounce_type, status.provider_message_id) == (
            DeliveryKind.BOUNCE,
            "hard",
            "SM9",
        )
        assert status.event_id == "SM9:undelivered"

    def test_a_carrier_hiccup_is_a_soft_bounce(self) -> None:
        status = parse_status({"MessageSid": "SM9", "MessageStatus": "failed", "ErrorCode": "30001"})

        assert status is not None and status.bounce_type == "soft"

    def test_steps_on_the_way_are_not_reports(self) -> None:
        assert parse_status({"MessageSid": "SM9", "MessageStatus": "sent"}) is None

    def test_an_inbound_text_needs_a_sid_and_a_sender(self) -> None:
        with pytest.raises(ValueError, match="MessageSid"):
            parse_inbound({"Body": "hi"})

    def test_twiml_escapes_the_reply(self) -> None:
        assert twiml("A & B <c>").endswith("<Response><Message>A &amp; B &lt;c&gt;</Message></Response>")
        assert twiml(None).endswith("<Response></Response>")
