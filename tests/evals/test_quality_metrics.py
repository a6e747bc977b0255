"""Draft measurements: the product's guardrails read as quality metrics, personalisation, repetition."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.domain import Channel, CompanyIdentity, LeadContext, LeadStatus, TouchPurpose
from agent.drafting.base import DraftRequest
from evals.quality.metrics import aggregate, duplicate_pairs, measure_draft, personalisation
from knowledge.types import DocType, Source

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
IDENTITY = CompanyIdentity(
    "Northstar Bookings", "Maya Ortiz", "maya@northstar.example", "1 Harbor St, Portland"
)
LUNA = Source(
    id="case-studies/luna-hair-studio",
    type=DocType.CASE_STUDY,
    title="Luna Hair Studio cut Saturday no-shows with reminders and colour deposits",
    url="https://northstar.example/customers/luna",
    text=(
        "Luna Hair Studio is a six-chair salon. Saturday no-shows fell from 14% to 4% after they added "
        "SMS reminders and a deposit for colour appointments."
    ),
    score=1.0,
    customer="Luna Hair Studio",
    figures=("no-shows down from 14% to 4%",),
)


def lead(**overrides: object) -> LeadContext:
    values: dict[str, object] = {
        "id": "lead-1",
        "first_name": "Dana",
        "last_name": "Lopez",
        "email": "dana@copper.example",
        "phone": None,
        "company": "Copper & Comb Salon",
        "role": "Owner",
        "industry": "beauty",
        "source": "web_form",
        "need": "stop Saturday no-shows",
        "deal_value": None,
        "timezone": "America/Chicago",
        "consent_email": True,
        "consent_sms": False,
        "status": LeadStatus.ACTIVE,
        "inquiry_text": "We lose Saturdays to no-shows. Do you do deposits?",
    }
    values.update(overrides)
    return LeadContext(**values)  # type: ignore[arg-type]


def request(**overrides: object) -> DraftRequest:
    return DraftRequest(
        lead=lead(**overrides),
        purpose=TouchPurpose.SOCIAL_PROOF,
        channel=Channel.EMAIL,
        sources=(LUNA,),
        identity=IDENTITY,
        now=NOW,
    )


GOOD = """Hi Dana,

You said Saturdays at Copper & Comb are lost to no-shows. Luna Hair Studio, a six-chair salon, had the same
problem. Their Saturday no-shows fell from 14% to 4% after they added SMS reminders and a deposit for colour
appointments. The whole story is here: https://northstar.example/customers/luna

Which appointments do your clients skip most often, colour or cuts?

Maya"""


class TestMeasureDraft:
    def test_a_grounded_value_first_draft_passes_every_measure(self) -> None:
        measures = measure_draft(request(), GOOD, "How Luna Hair Studio filled its Saturdays")

        assert measures.clean, [v.code for v in measures.violations]
        tallies = measures.tallies(Channel.EMAIL)
        assert tallies["groundedness"] == tallies["one_cta"] == tallies["value_before_ask"] == (1.0, 1.0)
        assert measures.personal == {"name": True, "company": True, "need": True}

    def test_an_invented_figure_fails_groundedness_and_only_the_checks_it_breaks(self) -> None:
        body = GOOD.replace("from 14% to 4%", "by 83%")

        measures = measure_draft(request(), body, "How Luna Hair Studio filled its Saturdays")

        assert measures.failed_checks == ("grounded",)
        tallies = measures.tallies(Channel.EMAIL)
        assert tallies["groundedness"] == (0.0, 1.0)
        assert tallies["check.grounded"] == (0.0, 1.0)
        assert tallies["one_cta"] == (1.0, 1.0)

    def test_forbidden_text_is_found_whatever_its_case_and_spacing(self) -> None:
        measures = measure_draft(request(), GOOD + "\nP.S. 90%   OFF for life", "Hi", never_say=["90% off"])

        assert measures.forbidden == ("90% off",)


class TestPersonalisation:
    def test_only_the_facts_the_lead_has_are_counted(self) -> None:
        found = personalisation(
            lead(company=None, need=None, inquiry_text=None), (), "Hi Dana, a quick idea."
        )

        assert found == {"name": True}

    def test_a_company_counts_by_its_distinctive_word(self) -> None:
        found = personalisation(lead(company="Lakeshore Dental Partners"), (), "Hi Dana, at Lakeshore you...")

        assert found["company"] is True

    def test_what_they_did_counts_when_the_touch_answers_it(self) -> None:
        signals = ("downloaded (No-show cost calculator)",)

        assert personalisation(lead(), signals, "The calculator you downloaded...")["activity"] is True
        assert personalisation(lead(), signals, "Here is a guide.")["activity"] is False


class TestRepetition:
    def test_a_message_that_repeats_an_earlier_one_is_a_near_duplicate_pair(self) -> None:
        first = "Luna Hair Studio cut Saturday no-shows with reminders and a deposit for colour appointments."
        other = "Our reminder templates help clients confirm or reschedule from a text message in one tap."

        duplicates, pairs, worst = duplicate_pairs([first, other, first + " Worth a look?"])

        assert (duplicates, pairs) == (1, 3)
        assert worst == 0.8  # 12 of the third message's 15 word 3-grams were in the first


class TestAggregate:
    def test_a_metric_is_the_sum_of_numerators_over_the_sum_of_denominators(self) -> None:
        cases = [
            {"metrics": {"handoff.precision": [1.0, 1.0], "groundedness": [2.0, 3.0]}},
            {"metrics": {"handoff.precision": [0.0, 1.0], "groundedness": [1.0, 1.0]}},
            {"metrics": {"handoff.precision": [0.0, 0.0]}},
        ]

        found = aggregate(cases)

        assert found["handoff.precision"]["value"] == 0.5
        assert found["handoff.precision"]["cases"] == 2
        assert found["groundedness"]["value"] == 0.75
