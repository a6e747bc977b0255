"""Tests for signed link tokens: they round-trip; a changed value, MAC, purpose or secret is refused."""

from __future__ import annotations

import base64
import uuid

import pytest

from agent.domain import Channel
from agent.signing import (
    BadSignature,
    LinkSigner,
    sign,
    unsign,
    verify_webhook_signature,
    webhook_signature,
)

SECRET = "test-secret-test-secret-test-secret"
OTHER_SECRET = "another-secret-another-secret-another"
LEAD_ID = "4f1c2a9e-8d3b-4b7a-9c51-0e6f2d7a1b33"


def token(*, value: str = LEAD_ID, purpose: str = "unsubscribe", secret: str = SECRET) -> str:
    return sign(secret, purpose, value)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def flip_first_char(text: str) -> str:
    # The first character always carries six data bits (the last one may carry padding bits only).
    return ("B" if text[0] == "A" else "A") + text[1:]


class TestSign:
    def test_round_trip_returns_the_value(self) -> None:
        assert unsign(SECRET, "unsubscribe", token()) == LEAD_ID

    @pytest.mark.parametrize("value", ["", "a", "lead:42|touch:7", "Dana López ☕", "x" * 500])
    def test_round_trip_keeps_any_value(self, value: str) -> None:
        assert unsign(SECRET, "click", token(value=value, purpose="click")) == value

    def test_token_is_url_safe(self) -> None:
        signed = token(value="???>>>~~~ \u00ff\u00fe")

        assert set(signed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        assert "=" not in signed

    def test_same_inputs_give_the_same_token(self) -> None:
        assert token() == token()

    def test_different_values_give_different_macs(self) -> None:
        assert token(value="lead-1").split(".")[1] != token(value="lead-2").split(".")[1]


class TestUnsign:
    def test_tampered_value_is_refused(self) -> None:
        _, mac = token(value="lead-1").split(".")
        forged = f"{b64(b'lead-2')}.{mac}"

        with pytest.raises(BadSignature):
            unsign(SECRET, "unsubscribe", forged)

    def test_tampered_mac_is_refused(self) -> None:
        value, mac = token().split(".")

        with pytest.raises(BadSignature):
            unsign(SECRET, "unsubscribe", f"{value}.{flip_first_char(mac)}")

    def test_truncated_mac_is_refused(self) -> None:
        value, mac = token().split(".")

        with pytest.raises(BadSignature):
            unsign(SECRET, "unsubscribe", f"{value}.{mac[:-4]}")

    def test_token_for_one_purpose_is_refused_for_another(self) -> None:
        unsubscribe_token = token(purpose="unsubscribe")

        with pytest.raises(BadSignature):
            unsign(SECRET, "click", unsubscribe_token)

    def test_wrong_secret_is_refused(self) -> None:
        with pytest.raises(BadSignature):
            unsign(OTHER_SECRET, "unsubscribe", token(secret=SECRET))

    @pytest.mark.parametrize(
        "malformed",
        ["", "no-dot-at-all", ".", "a.b", "a", "!!!.???", "é.é", "Zm9v", "Zm9v.a"],
    )
    def test_malformed_token_is_refused(self, malformed: str) -> None:
        with pytest.raises(BadSignature):
            unsign(SECRET, "unsubscribe", malformed)

    def test_token_with_an_extra_segment_is_refused(self) -> None:
        with pytest.raises(BadSignature):
            unsign(SECRET, "unsubscribe", token() + ".extra")


class TestLinkSigner:
    links = LinkSigner("https://touchpoint.example/", SECRET)
    lead_id = uuid.UUID(LEAD_ID)
    touch_id = uuid.UUID("7d0f6c52-1f7b-4c55-9a36-2f1b1d7c0001")

    @staticmethod
    def token_of(url: str) -> str:
        return url.rsplit("/", 1)[1]

    def test_each_link_reads_back_what_it_was_made_for(self) -> None:
        links = self.links

        assert links.read_unsubscribe(self.token_of(links.unsubscribe_url(self.lead_id, Channel.SMS))) == (
            self.lead_id,
            Channel.SMS,
        )
        assert links.read_preferences(self.token_of(links.preferences_url(self.lead_id))) == self.lead_id
        assert links.read_open(self.token_of(links.open_url(self.touch_id))) == self.touch_id
        click = links.click_url(self.touch_id, "https://example.com/a b?c=d#e")
        assert click.startswith("https://touchpoint.example/t/c/")
        assert links.read_click(self.token_of(click)) == (self.touch_id, "https://example.com/a b?c=d#e")

    def test_a_token_made_for_one_link_does_not_open_another(self) -> None:
        open_token = self.token_of(self.links.open_url(self.touch_id))

        with pytest.raises(BadSignature):
            self.links.read_click(open_token)
        with pytest.raises(BadSignature):
            self.links.read_preferences(open_token)

    @pytest.mark.parametrize(
        "url", ["javascript:alert(1)", "//evil.example", "ftp://x.example/f", "https:///x"]
    )
    def test_only_web_links_are_ever_signed_for_a_redirect(self, url: str) -> None:
        with pytest.raises(ValueError, match="http"):
            self.links.click_url(self.touch_id, url)

    def test_a_click_token_signed_for_a_non_web_value_is_refused(self) -> None:
        forged = sign(SECRET, "click", f"{self.touch_id} javascript:alert(1)")

        with pytest.raises(BadSignature):
            self.links.read_click(forged)


class TestWebhookSignature:
    body = b'{"id": "evt-1"}'

    def test_a_fresh_signature_verifies(self) -> None:
        header = webhook_signature(SECRET, self.body, 1_764_000_000)

        verify_webhook_signature(SECRET, self.body, header, now=1_764_000_100, tolerance=300)

    @pytest.mark.parametrize(
        ("body", "secret", "now"),
        [
            (b'{"id": "evt-2"}', SECRET, 1_764_000_000),
            (b'{"id": "evt-1"}', OTHER_SECRET, 1_764_000_000),
            (b'{"id": "evt-1"}', SECRET, 1_764_000_301),
        ],
        ids=["changed body", "other secret", "too old"],
    )
    def test_a_changed_body_another_secret_or_an_old_signature_is_refused(
        self, body: bytes, secret: str, now: int
    ) -> None:
        header = webhook_signature(SECRET, self.body, 1_764_000_000)

        with pytest.raises(BadSignature):
            verify_webhook_signature(secret, body, header, now=now, tolerance=300)

    @pytest.mark.parametrize("header", ["", "v1=abc", "t=soon,v1=abc", "t=1764000000"])
    def test_a_malformed_header_is_refused(self, header: str) -> None:
        with pytest.raises(BadSignature):
            verify_webhook_signature(SECRET, self.body, header, now=1_764_000_000, tolerance=300)
