"""A lead's name as a greeting writes it: capitalised when typed in one case, particles kept small."""

from __future__ import annotations

import uuid

import pytest

from agent.db.models import Lead
from agent.db.repositories.snapshots import lead_context
from agent.domain import capitalised_name, full_name, person_name


class TestCapitalisedName:
    @pytest.mark.parametrize(
        ("typed", "greeted"),
        [
            ("maria de la cruz", "Maria de la Cruz"),
            ("MARIA DE LA CRUZ", "Maria de la Cruz"),
            ("ludwig van beethoven", "Ludwig van Beethoven"),
            ("josé garcía-lópez", "José García-López"),
            ("john o'brien", "John O'Brien"),
            ("siobhan o’neill", "Siobhan O’Neill"),
            ("mary mcdonald", "Mary McDonald"),
            ("john smith iii", "John Smith III"),
            ("ÁNGEL", "Ángel"),
        ],
    )
    def test_a_name_typed_in_one_case_is_capitalised_as_names_are_written(
        self, typed: str, greeted: str
    ) -> None:
        assert capitalised_name(typed) == greeted

    def test_a_surname_standing_alone_opens_with_a_capital_particle(self) -> None:
        assert capitalised_name("de la cruz") == "De la Cruz"

    @pytest.mark.parametrize("typed", ["DeAndre", "van Dijk", "Maria de la Cruz", "McAllister", "d'Souza"])
    def test_a_name_typed_with_both_cases_is_kept_as_its_writer_chose(self, typed: str) -> None:
        assert capitalised_name(typed) == typed

    def test_initials_typed_in_capitals_stay_initials(self) -> None:
        assert capitalised_name("JD SMITH") == "JD Smith"

    def test_the_name_a_greeting_gets_is_capitalised(self) -> None:
        assert person_name("  maria ") == "Maria"


class TestTheLeadTheDrafterSees:
    def test_a_lead_stored_in_lower_case_reaches_the_drafter_capitalised(self) -> None:
        """The model's prompt says 'Greet them as "<first name>"': it was "maria" as typed."""
        lead = Lead(
            id=uuid.uuid4(),
            first_name="maria",
            last_name="de la cruz",
            email="maria@example.com",
            status="new",
            consent_email=True,
            consent_sms=False,
        )

        context = lead_context(lead)

        assert (context.first_name, context.last_name) == ("Maria", "De la Cruz")


class TestFullName:
    def test_a_surname_after_a_first_name_keeps_its_particle_small(self) -> None:
        assert full_name("maria", "de la cruz") == "Maria de la Cruz"

    def test_a_surname_typed_with_a_capital_particle_keeps_it(self) -> None:
        assert full_name("Maria", "De la Cruz") == "Maria De la Cruz"

    def test_either_part_alone_is_the_name(self) -> None:
        assert (full_name("jo", None), full_name(None, "van dijk")) == ("Jo", "Van Dijk")


class TestDecoration:
    @pytest.mark.parametrize(("typed", "greeted"), [("🌞 Sunny", "Sunny"), ("Ana ❤️", "Ana"), ("👍🏽", None)])
    def test_emoji_in_a_name_field_are_not_greeted(self, typed: str, greeted: str | None) -> None:
        assert person_name(typed) == greeted

    def test_accents_written_as_combining_marks_stay(self) -> None:
        assert person_name("jose\u0301") == "Jose\u0301"
