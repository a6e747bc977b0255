"""Inbound email records: what a stranger's email asks, as a new inquiry reads it."""

from __future__ import annotations

import pytest

from agent.channels.received import InboundEmail


def email(subject: str | None, text: str) -> InboundEmail:
    return InboundEmail(from_address="ana@example.com", subject=subject, text=text)


class TestInquiryMessage:
    @pytest.mark.parametrize(
        "subject",
        [
            "Re: Solar for my roof",
            "RE: Fwd: Solar for my roof",
            "Re[2]: Solar for my roof",
            "RV: Solar for my roof",
        ],
    )
    def test_a_subject_answered_or_forwarded_loses_the_mail_clients_prefix(self, subject: str) -> None:
        assert email(subject, "How much for 6 kW?").inquiry_message() == (
            "Solar for my roof\n\nHow much for 6 kW?"
        )

    def test_a_new_lead_writing_as_a_reply_keeps_only_their_own_words_not_the_quoted_thread(self) -> None:
        text = (
            "Hi, my neighbour forwarded me your newsletter. Could you quote a 6 kW system?\n\n"
            "On Mon, Dec 7, 2026 at 9:14 AM Sunrise News <news@sunrise.example> wrote:\n"
            "> Our December offers: reply STOP to unsubscribe\n"
        )

        message = email("Re: December offers", text).inquiry_message()

        assert message == (
            "December offers\n\nHi, my neighbour forwarded me your newsletter. Could you quote a 6 kW system?"
        )

    def test_a_spanish_reply_loses_the_thread_its_client_quoted(self) -> None:
        text = (
            "Hola, ¿cuánto cuesta instalar paneles en una casa de dos pisos?\n\n"
            "El lun, 7 dic 2026 a las 9:14, Laura <laura@example.com> escribió:\n"
            "> Te paso el contacto de la empresa de paneles.\n"
        )

        assert email("RE: paneles", text).inquiry_message() == (
            "paneles\n\nHola, ¿cuánto cuesta instalar paneles en una casa de dos pisos?"
        )

    def test_an_email_that_is_all_quote_keeps_its_text(self) -> None:
        text = "---------- Forwarded message ---------\nFrom: Laura\nWe need a quote for 40 panels."

        assert email("Fwd: quote", text).inquiry_message() == f"quote\n\n{text}"

    def test_a_subject_that_only_says_re_adds_nothing(self) -> None:
        assert email("Re:", "Do you install batteries?").inquiry_message() == "Do you install batteries?"

    def test_a_subject_that_begins_with_a_word_like_a_prefix_is_kept(self) -> None:
        assert email("Reroofing and solar", "Both?").inquiry_message() == "Reroofing and solar\n\nBoth?"
