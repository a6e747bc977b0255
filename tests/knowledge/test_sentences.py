"""A document's quotable sentences, and a sentence given back the subject its document's title names."""

from __future__ import annotations

from knowledge.sentences import normalise, split_sentences, stand_alone, title_subject


class TestSentences:
    def test_paragraphs_split_at_sentence_ends_and_list_items_stay_whole(self) -> None:
        body = (
            "It depends on your team. There are three plans.\n\n"
            "- **Solo ($29/month)** is for one person. It has one calendar.\n"
            "- **Team**: $79 a month.\n\n"
            "## Notes\n\nCrews work 7:30 a.m. to 4:30 p.m. Tell us about naps."
        )

        assert split_sentences(body) == [
            "It depends on your team.",
            "There are three plans.",
            "Solo ($29/month) is for one person. It has one calendar.",
            "Team: $79 a month.",
            "Crews work 7:30 a.m. to 4:30 p.m.",
            "Tell us about naps.",
        ]

    def test_a_company_name_with_co_is_not_cut(self) -> None:
        assert split_sentences("Fade & Co. Barbers is a barbershop. It runs on walk-ins.") == [
            "Fade & Co. Barbers is a barbershop.",
            "It runs on walk-ins.",
        ]

    def test_quotes_dashes_spacing_case_and_emphasis_do_not_matter_when_comparing(self) -> None:
        assert normalise("**It’s**  “ready” — today") == normalise('it\'s "ready" - Today')


class TestSubjectRestored:
    def test_ours_gets_the_thing_the_title_asks_about(self) -> None:
        restored = stand_alone("Ours is 10 years on labor.", "What warranty do you give on your work?")

        assert restored == "Our warranty is 10 years on labor."

    def test_it_gets_the_subject_of_a_how_long_title(self) -> None:
        restored = stand_alone("It takes 6 to 10 weeks.", "How long does a kitchen remodel take?")

        assert restored == "A kitchen remodel takes 6 to 10 weeks."

    def test_a_sentence_that_names_its_subject_is_left_as_it_is(self) -> None:
        assert stand_alone("The trial lasts 14 days.", "Is there a free trial?") == "The trial lasts 14 days."

    def test_a_subject_the_title_does_not_name_cannot_be_restored(self) -> None:
        assert stand_alone("It takes 6 weeks.", "How much does it cost?") is None

    def test_title_subject_turns_the_lead_s_your_into_our(self) -> None:
        assert title_subject("How long does your onboarding take?") == "our onboarding"
