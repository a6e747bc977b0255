"""Tests for signed link tokens: they round-trip; a changed value, MAC, purpose or secret is refused."""

from __future__ import annotations

import base64

import pytest

from agent.signing import BadSignature, sign, unsign

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
