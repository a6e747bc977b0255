"""The tone profile read off a lead: formality, length, emphasis, and the reasons for each."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.drafting.tone import Emphasis, Formality, Length, tone_for
from tests.agent.guardrails.drafts import LEAD

CHATTY = (
    "Hi there!! So I own a little salon in Pasadena and honestly I am drowning in texts and DMs from clients "
    "trying to book. Saturday no-shows are killing me too, last weekend I had three in one day!! A friend "
    "who owns a spa said you guys might be able to help? I'm not super techy but I'm willing to learn lol."
)


class TestToneFor:
    def test_a_terse_formal_cfo_gets_formal_short_and_data_first(self) -> None:
        cfo = replace(
            LEAD,
            role="CFO",
            industry="dental",
            company="Summit Dental Partners",
            inquiry_text="Please advise on per-location pricing for 12 practices.",
        )

        tone = tone_for(cfo)

        assert (tone.formality, tone.length, tone.emphasis) == (Formality.FORMAL, Length.SHORT, Emphasis.DATA)
        assert tone.max_reading_grade == 12
        assert any("CFO" in reason for reason in tone.reasons)

    def test_a_chatty_salon_owner_gets_casual_and_relationship_first(self) -> None:
        tone = tone_for(replace(LEAD, inquiry_text=CHATTY))

        assert (tone.formality, tone.length, tone.emphasis) == (
            Formality.CASUAL,
            Length.STANDARD,
            Emphasis.RELATIONSHIP,
        )
        assert "wrote casually" in tone.reasons

    def test_someone_who_asks_about_cost_gets_figures_first(self) -> None:
        tone = tone_for(replace(LEAD, role=None, industry=None, inquiry_text="What would it cost per month?"))

        assert tone.emphasis is Emphasis.DATA

    def test_engagement_with_case_studies_tilts_to_data(self) -> None:
        lead = replace(LEAD, role=None, inquiry_text="Tell me more about your booking software.")

        assert tone_for(lead).emphasis is not Emphasis.DATA
        assert tone_for(lead, engaged_with=["case_study"]).emphasis is Emphasis.DATA

    @pytest.mark.parametrize(
        ("company", "role", "business"), [("Luna", None, True), (None, "Owner", True), (None, None, False)]
    )
    def test_a_company_or_a_role_means_a_business_buyer(
        self, company: str | None, role: str | None, business: bool
    ) -> None:
        assert tone_for(replace(LEAD, company=company, role=role)).business is business

    def test_the_description_for_the_model_names_length_and_reading_level(self) -> None:
        text = tone_for(LEAD).describe()

        assert "words for email" in text and "grade" in text
