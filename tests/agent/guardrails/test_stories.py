"""A case study's figures told of an unnamed customer placed where the lead lives (found on blind/dev6)."""

from __future__ import annotations

from dataclasses import replace

from agent.guardrails import check_grounded
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import LEAD, context, email

STORY = Source(
    id="case-studies/ortiz-family-eastside",
    type=DocType.CASE_STUDY,
    title="The Ortiz family in Eastside cut their heating bill",
    url=None,
    text="The Ortiz family in Eastside had a drafty attic. After new insulation their bill fell from $280 to "
    "$190 a month and the upstairs warmed by 4 degrees.",
    score=0.8,
    customer="Ortiz family",
    figures=("bill from $280 to $190 a month",),
)
WESTFIELD_LEAD = replace(LEAD, town="Westfield")


def codes(body: str) -> list[str]:
    draft = email(body=body, subject="Your attic")
    return sorted({v.code for v in check_grounded(draft, context(lead=WESTFIELD_LEAD, sources=(STORY,)))})


def test_an_unnamed_customer_in_the_lead_s_town_fires() -> None:
    body = (
        "Hi Dana,\n\nA homeowner in Westfield had a drafty attic too; their upstairs warmed by 4 degrees and "
        "the bill fell from $280 to $190 a month.\n\nIs your attic insulated?\n\nBest,\nMaya"
    )

    assert "grounded.name" in codes(body)


def test_an_unnamed_customer_near_the_lead_with_a_case_study_s_figures_fires() -> None:
    body = (
        "Hi Dana,\n\nA family a few streets from you had a drafty attic too. After new insulation their bill "
        "fell from $280 to $190 a month.\n\nIs your attic insulated?\n\nBest,\nMaya"
    )

    assert codes(body) == ["grounded.name", "grounded.number"]


def test_the_same_story_told_of_its_named_customer_passes() -> None:
    body = (
        "Hi Dana,\n\nThe Ortiz family in Eastside had a drafty attic too. After new insulation their bill "
        "fell from $280 to $190 a month.\n\nIs your attic insulated?\n\nBest,\nMaya"
    )

    assert codes(body) == []


def test_an_unnamed_customer_with_one_figure_is_not_enough_evidence() -> None:
    body = "Hi Dana,\n\nA family near you pays about $190 a month to heat a similar house.\n\nBest,\nMaya"

    assert "grounded.name" not in codes(body)
