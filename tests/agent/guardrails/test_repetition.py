"""Never the same message twice."""

from __future__ import annotations

from agent.guardrails import PriorMessage, check_near_duplicate
from tests.agent.guardrails.drafts import GOOD_EMAIL_BODY, codes, context, email


class TestCheckNearDuplicate:
    def test_a_new_message_passes(self) -> None:
        previous = (
            PriorMessage("Hi Dana,\n\nHere is our pricing guide for salons of every size.", "pricing"),
        )

        assert check_near_duplicate(email(), context(previous=previous)) == []

    def test_the_same_message_again_fires(self) -> None:
        violations = check_near_duplicate(email(), context(previous=(PriorMessage(GOOD_EMAIL_BODY, "faq"),)))

        assert codes(violations) == ["duplicate.near"]
        assert "100%" in violations[0].message

    def test_a_lightly_reworded_copy_fires(self) -> None:
        reworded = GOOD_EMAIL_BODY.replace("Thanks for your note", "Thank you for your message").replace(
            "Which day of the week hurts most at the studio?", "What day hurts the most?"
        )

        assert codes(check_near_duplicate(email(), context(previous=(PriorMessage(reworded),)))) == [
            "duplicate.near"
        ]

    def test_the_same_greeting_and_sign_off_do_not_count(self) -> None:
        other = "Hi Dana,\n\nOur onboarding team imports your client list for you.\n\nBest,\nMaya"

        assert check_near_duplicate(email(), context(previous=(PriorMessage(other),))) == []

    def test_the_same_sentences_in_another_order_fire(self) -> None:
        sentences = [
            "Fade & Co. Barbers cut no-shows by a third with an SMS reminder the day before.",
            "Clients answer it to confirm or reschedule, so the chair is refilled the same day.",
            "Saturdays at the studio could look the same within a month or two.",
        ]
        earlier = "Hi Dana,\n\n" + " ".join(sentences) + "\n\nWhich day hurts most?\n\nBest,\nMaya"
        shuffled = "Hi Dana,\n\n" + " ".join(reversed(sentences)) + "\n\nIs this still a priority?\n\nBest"

        violations = check_near_duplicate(email(body=shuffled), context(previous=(PriorMessage(earlier),)))

        assert codes(violations) == ["duplicate.near"]

    def test_a_new_message_that_repeats_one_line_of_an_old_one_passes(self) -> None:
        earlier = "Hi Dana,\n\nFade & Co. Barbers cut no-shows by a third.\n\nBest,\nMaya"

        assert check_near_duplicate(email(), context(previous=(PriorMessage(earlier),))) == []
