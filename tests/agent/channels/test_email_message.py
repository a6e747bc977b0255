"""The email every channel sends: identity, threading, both parts, the footer, tracked links."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from agent.channels.email_message import build_email, email_bytes, find_urls, footer_text
from agent.domain import CompanyIdentity
from tests.agent.channels.messages import IDENTITY, NOW, outgoing

TRACKED = "https://touchpoint.example/t/c/signed"


def parsed(**overrides: object) -> EmailMessage:
    data = email_bytes(outgoing(**overrides), IDENTITY, now=NOW)
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


class TestFindUrls:
    def test_sentence_punctuation_is_not_part_of_a_link(self) -> None:
        text = "See https://a.example/x. Or (https://b.example/y?q=1), then http://c.example!"

        assert find_urls(text) == ["https://a.example/x", "https://b.example/y?q=1", "http://c.example"]


class TestBuildEmail:
    def test_the_footer_carries_identity_postal_address_unsubscribe_and_preferences(self) -> None:
        text = text_of(parsed())

        assert "Maya Ortiz, Northstar Bookings" in text
        assert IDENTITY.postal_address in text
        assert "Unsubscribe with one click: https://touchpoint.example/u/abc.def" in text
        assert "https://touchpoint.example/p/ghi.jkl" in text

    def test_the_html_part_has_the_same_footer_and_links(self) -> None:
        html = html_of(parsed())

        assert 'href="https://touchpoint.example/u/abc.def"' in html
        assert 'href="https://touchpoint.example/p/ghi.jkl"' in html
        assert "418 Harbor Street" in html

    def test_tracked_links_go_through_the_redirect_in_html_only(self) -> None:
        message = parsed(
            tracked_links=(("https://northstar-bookings.example/calculator", TRACKED),),
            open_pixel_url="https://touchpoint.example/t/o/pixel",
        )
        html = html_of(message)

        assert f'<a href="{TRACKED}">https://northstar-bookings.example/calculator</a>' in html
        assert '<img src="https://touchpoint.example/t/o/pixel" width="1" height="1" alt="">' in html
        assert "https://northstar-bookings.example/calculator." in text_of(message)
        assert TRACKED not in text_of(message)

    def test_a_link_the_company_did_not_put_in_is_plain_text_not_an_anchor(self) -> None:
        html = html_of(
            parsed(body="Hi https://evil.example/x,\n\nSee https://northstar-bookings.example/calculator.")
        )

        assert "Hi https://evil.example/x," in html
        assert "evil.example/x</a>" not in html
        assert 'href="https://evil.example' not in html

    def test_body_text_is_escaped_in_html(self) -> None:
        html = html_of(parsed(body="1 < 2 & <script>alert(1)</script>"))

        assert "&lt;script&gt;" in html
        assert "<script>" not in html

    def test_without_earlier_messages_there_is_no_threading(self) -> None:
        message = build_email(outgoing(in_reply_to=None, references=()), IDENTITY, now=NOW)

        assert message["In-Reply-To"] is None
        assert message["References"] is None

    def test_smtp_bytes_use_crlf_and_seven_bits(self) -> None:
        data = email_bytes(outgoing(body="Olá Dana, ça va? Ünïcödé ✓"), IDENTITY, now=NOW)

        assert b"\r\n" in data
        assert b"\n" not in data.replace(b"\r\n", b"")
        assert max(data) < 128
        parsed = message_from_bytes(data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        assert "Ünïcödé ✓" in text_of(parsed)

    def test_list_unsubscribe_stays_one_unencoded_url(self) -> None:
        long_url = "https://touchpoint.example/u/" + "a" * 300
        message = parsed(unsubscribe_url=long_url)

        assert message["List-Unsubscribe"] == f"<{long_url}>"


def test_the_footer_follows_the_language_of_the_body() -> None:
    """A Spanish message ended in an English footer ("You are receiving this ... Unsubscribe"): our
    own lines are written in the body's language, English when there is no wording in it."""
    identity = CompanyIdentity(
        "Casa Verde", "Lucía Reyes", "lucia@casaverde.example", "1 Calle Mayor, Pasadena"
    )
    spanish = footer_text(identity, "https://t.example/u/x", "https://t.example/p/x", language="es")
    english = footer_text(identity, "https://t.example/u/x", language=None)
    unknown = footer_text(identity, "https://t.example/u/x", language="fi")

    assert "Recibe este mensaje porque se puso en contacto con Casa Verde." in spanish
    assert "Darse de baja con un clic: https://t.example/u/x" in spanish
    assert "Menos correos, u otro canal: https://t.example/p/x" in spanish
    assert "Unsubscribe" not in spanish
    assert "Unsubscribe with one click: https://t.example/u/x" in english
    assert unknown == english
