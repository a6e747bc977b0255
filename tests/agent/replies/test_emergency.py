"""An emergency in an inquiry: a danger said at all, or a harm said as happening now; urgent words alone
are none, nor is a harm that is over, nor one the writer calls no emergency."""

from __future__ import annotations

import pytest

from agent.replies.emergency import emergency_evidence


@pytest.mark.parametrize(
    "text",
    [
        "There's a gas smell in the kitchen near the stove, what do we do",
        "our CO alarm keeps going off and my daughter feels dizzy",
        "no heat, it's 5 below and the baby's room is at 55. can someone come tonight?",
        "The water heater burst this morning and water is everywhere in the basement",
        "one of our vans just got stolen off the lot, it has your tracker, where is it",
        "our caterer cancelled on us and the party is in 3 days",
        "my cat swallowed a hair tie 20 minutes ago",
        "hay olor a gas en la cocina, ¿qué hago?",
        "se reventó un tubo y sale mucha agua ahorita",
        "la nómina no pasó y hoy es día de pago",
        "The breaker panel is sparking and there's a burning smell",
        "sewage is backing up into the basement right now",
        "our website is down since this morning and orders are stuck",
        "se fue la luz hace un rato y el congelador de la clínica tiene vacunas",
    ],
)
def test_harm_happening_now_is_an_emergency(text: str) -> None:
    assert emergency_evidence(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Need a quote ASAP for a new furnace, ours is old but works fine",
        "URGENT!!! please send flood insurance info before hurricane season next year",
        "Kitchen emergency lol, the in-laws visit in March and our cabinets are ugly",
        "We had a truck stolen last month with no tracker. What do trackers cost?",
        "The furnace is short-cycling, but everyone's fine, not an emergency. Sometime this week?",
        "The bleeding has to stop: we lose 30% of our evening appointments to no-shows",
        "Hola, quiero una cotización para remodelar el baño lo antes posible",
        "maybe next semester? rn im drowning in AP stuff",
        "We had an accident with our old provider's software last year; what does yours cost?",
    ],
)
def test_urgent_words_a_past_harm_or_a_figure_of_speech_are_not(text: str) -> None:
    assert emergency_evidence(text) is None
