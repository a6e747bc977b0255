"""What the composer quotes of a source: the passage about what the lead wrote, whole passages, an FAQ's
answer with its question (found configuring Touchpoint for an insurance agency: a renters question got
the price FAQ's disclaimer, and an answer "About 5 business days" came without its question)."""

from __future__ import annotations

from dataclasses import replace

from agent.domain import TouchPurpose
from agent.drafting import quoting
from agent.drafting.base import guardrail_context
from agent.drafting.composer import Composer
from agent.guardrails import DraftText, run_checks
from knowledge.types import DocType, Source
from tests.agent.drafting.requests import draft_request
from tests.agent.guardrails.drafts import LEAD

PRICES = Source(
    id="faqs/cleaning-prices",
    type=DocType.FAQ,
    title="What does window cleaning cost?",
    url=None,
    text=(
        "Every home is different, so the final price comes after a short visit. These are ranges.\n\n"
        "- **Houses:** $180 to $320 for a two-storey house, inside and out.\n"
        "- **Apartments:** $90 to $140 for a one-bedroom apartment, inside only.\n"
        "- **Shops:** $60 a visit for a shopfront up to 6 metres wide.\n\n"
        "**How soon can you come?** Within 3 working days in the city, a week outside it.\n\n"
        "Window cleaning in winter is done on dry days only."
    ),
    score=1.0,
)


def test_without_the_lead_s_words_the_quote_starts_at_the_opening() -> None:
    assert quoting.summary(PRICES, 30).startswith("Every home is different")


def test_the_quote_starts_at_the_passage_about_what_the_lead_asked() -> None:
    quote = quoting.summary(PRICES, 30, lead_words="how much to clean the windows of my 1 bed apartment?")

    assert quote.startswith("Apartments: $90 to $140 for a one-bedroom apartment")


def test_words_most_passages_use_do_not_pick_the_passage() -> None:
    """ "Insurance" is in most passages of an insurance agency's FAQ: it says nothing about which."""
    faq = replace(
        PRICES,
        text=(
            "We compare insurance from twelve carriers.\n\nHome insurance needs a recent roof inspection.\n\n"
            "Auto insurance quotes take two days.\n\nBoat insurance is written by one partner carrier."
        ),
    )

    assert quoting.summary(faq, 30, lead_words="I need insurance").startswith("We compare insurance")
    assert quoting.summary(faq, 30, lead_words="boat insurance please").startswith("Boat insurance")


def test_an_faq_answer_is_quoted_with_its_question_in_quotation_marks() -> None:
    quote = quoting.summary(PRICES, 30, lead_words="How soon could someone come out? We are in the city")

    assert quote.startswith('"How soon can you come?" Within 3 working days in the city')


def test_a_lead_who_wants_figures_still_gets_the_passage_about_their_question_first() -> None:
    quote = quoting.summary(PRICES, 30, lead_words="Do you clean in winter?", figures_first=True)

    assert quote.startswith("Window cleaning in winter is done on dry days only.")


def test_an_acknowledgment_quoting_an_faq_answer_asks_one_thing() -> None:
    """The quoted question of the source is not a second ask of ours (it was, and the acknowledgment
    was held for a rep)."""
    lead = replace(LEAD, inquiry_text="How soon can you come? We are in the city centre.", need=None)
    request = draft_request(lead=lead, purpose=TouchPurpose.ACKNOWLEDGMENT, sources=(PRICES,))

    draft = Composer().draft(request)

    assert '"How soon can you come?" Within 3 working days' in draft.body
    found = run_checks(DraftText(request.channel, draft.body, draft.subject), guardrail_context(request))
    assert [v.code for v in found] == []


REBATES = Source(
    id="faqs/installation-financing-rebates",
    type=DocType.FAQ,
    title="How long does installation take, and are there rebates?",
    url=None,
    text=(
        "One day for a furnace or AC, two for a heat pump system.\n\n"
        "**Rebates and tax credits.** Xcel Energy offers rebates for some qualifying heat pumps; we file the "
        "paperwork. The federal tax credit ended for equipment installed after December 31, 2025."
    ),
    score=1.0,
)


def test_a_bold_run_in_heading_is_not_quoted_as_a_sentence() -> None:
    """Found configuring an HVAC company: "... two for a heat pump system. Rebates and tax credits." """
    quote = quoting.summary(REBATES, 60, lead_words="what rebates are there for a heat pump")

    assert "Rebates and tax credits." not in quote and "Xcel Energy offers rebates" in quote


def test_a_phrase_the_brand_voice_avoids_is_not_quoted_in_any_inflection() -> None:
    quote = quoting.summary(REBATES, 60, lead_words="rebates", avoid=("tax credit",))

    assert "tax credit" not in quote.lower() and "Xcel Energy offers rebates" in quote


def test_a_source_all_of_whose_sentences_use_the_phrase_is_still_quoted() -> None:
    only = replace(REBATES, text="Tax credits ended for equipment installed after 2025.")

    assert (
        quoting.summary(only, 30, avoid=("tax credit",))
        == "Tax credits ended for equipment installed after 2025."
    )
