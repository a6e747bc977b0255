"""Sentences of a hard-wrapped plain-text email: a paragraph's line breaks end no sentence."""

from __future__ import annotations

from agent.guardrails.text import body_sentences, unwrapped

WRAPPED = (
    "Hi Kelsey,\n\n"
    "Right now the Winter SafeView Bundle covers the camera. The order has to be signed by January 31,\n"
    "2027, and the cameras installed by February 28, 2027.\n\n"
    "What we include:\n- the camera\n- its installation\n\n"
    "Best,\nMarisol Vega\nFleet Solutions Advisor, Ironbridge Fleet"
)


def test_a_wrapped_sentence_is_one_sentence() -> None:
    assert [s.text for s in body_sentences(WRAPPED)] == [
        "Right now the Winter SafeView Bundle covers the camera.",
        "The order has to be signed by January 31, 2027, and the cameras installed by February 28, 2027.",
        "What we include:",
        "- the camera",
        "- its installation",
    ]


def test_offsets_still_point_into_the_body() -> None:
    assert len(unwrapped(WRAPPED)) == len(WRAPPED)
    for sentence in body_sentences(WRAPPED):
        assert " ".join(WRAPPED[sentence.start : sentence.end].split()) == sentence.text


def test_list_items_greetings_and_signature_lines_keep_their_breaks() -> None:
    kept = unwrapped(WRAPPED)

    assert "Hi Kelsey,\n" in kept and "include:\n- the camera\n- its" in kept
    assert "Best,\nMarisol Vega\nFleet" in kept
