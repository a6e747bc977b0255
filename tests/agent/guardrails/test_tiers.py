"""The right price for the wrong tier: a figure the sources give only for a bracket the draft is outside."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.domain import Channel
from agent.guardrails import DraftText, check_grounded
from knowledge.types import DocType, Source
from tests.agent.guardrails.drafts import LEAD, context

# The lead gives the counts the drafts repeat.
EMPLOYER = replace(LEAD, inquiry_text="We have 42 employees now, 120 next year, maybe 250 later.")

PLANS = Source(
    id="faqs/plans",
    type=DocType.FAQ,
    title="Plans",
    url=None,
    text=(
        "The program costs $400 a month for employers with up to 50 employees and $750 a month for "
        "employers with 51 to 200 employees. For more than 200 employees, we send a custom quote. "
        "El programa cuesta $400 al mes para empresas de hasta 50 empleados y $750 al mes para empresas "
        "de 51 a 200 empleados. Design takes 2 to 4 weeks and costs $250."
    ),
    score=0.9,
)


def numbers(body: str) -> list[str]:
    draft = DraftText(Channel.EMAIL, f"Hi Dana,\n\n{body}\n\nWhich shift is busiest?")
    found = check_grounded(draft, context(sources=(PLANS,), lead=EMPLOYER))
    return [draft.body[v.start : v.end] for v in found if v.code == "grounded.number" and v.start is not None]


class TestTheRightPriceForTheWrongTier:
    @pytest.mark.parametrize(
        "body",
        [
            "For a company of 42 employees, the program is $750 a month.",
            "Para una empresa de 42 empleados, el programa cuesta $750 al mes.",
            "With your 250 employees, it would be $750 a month.",
        ],
    )
    def test_a_figure_of_another_bracket_fires(self, body: str) -> None:
        assert numbers(body) == ["$750"]

    @pytest.mark.parametrize(
        "body",
        [
            "For a company of 42 employees, the program is $400 a month.",
            "Para una empresa de 120 empleados, el programa cuesta $750 al mes.",
            "The program is $750 a month for 51 to 200 employees.",
            "Design takes 2 to 4 weeks and costs $250, for 42 employees or 120.",
        ],
    )
    def test_the_figure_of_its_own_bracket_or_of_none_passes(self, body: str) -> None:
        assert numbers(body) == []


TUBS = Source(
    id="faqs/hot-tubs",
    type=DocType.FAQ,
    title="Hot tubs",
    url=None,
    text="The Serenity 4 (4 seats) is $7,495. The Serenity 6 (6 seats, 42 jets) is $9,295.",
    score=0.9,
)


class TestASizeBelongsToTheFigureNearestIt:
    """Found on a pool builder's drafts written blind: two models with their sizes and prices in one
    sentence, and "$7,495" was read as said of the other model's 6 seats."""

    def numbers(self, body: str) -> list[str]:
        draft = DraftText(Channel.EMAIL, f"Hi Dana,\n\n{body}\n\nIs there a pad ready?")
        found = check_grounded(draft, context(sources=(TUBS,), purpose="value_add"))
        return [
            draft.body[v.start : v.end] for v in found if v.code == "grounded.number" and v.start is not None
        ]

    def test_two_models_with_their_own_sizes_and_prices_pass(self) -> None:
        assert (
            self.numbers("Two fit: the Serenity 4 at $7,495 and the Serenity 6 (6 seats, 42 jets) at $9,295.")
            == []
        )

    def test_a_price_given_to_the_wrong_size_still_fires(self) -> None:
        assert self.numbers("For 6 seats, the tub is $7,495 delivered.") == ["$7,495"]
