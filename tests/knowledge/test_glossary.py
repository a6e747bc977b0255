"""A Spanish question read in English, so the English-only embedding model can match it."""

from __future__ import annotations

from knowledge.glossary import to_english


class TestToEnglish:
    def test_question_words_and_nouns_become_english(self) -> None:
        assert to_english("¿Cuánto cuesta la garantía?") == "how much cost warranty"

    def test_a_phrase_is_read_before_its_words(self) -> None:
        # "cuánto tiempo" asks for a duration; word by word it would be "how much time".
        assert to_english("¿Cuánto tiempo dura la instalación?").startswith("how long")

    def test_accents_the_lead_left_out_do_not_matter(self) -> None:
        assert to_english("cuanto cuesta") == to_english("cuánto cuesta")

    def test_names_numbers_and_unknown_words_pass_through(self) -> None:
        assert to_english("¿Aceptan Medicare para 2 visitas?") == "accept medicare for 2 visits"

    def test_articles_are_dropped_not_glossed_and_el_is_not_the_pronoun(self) -> None:
        # Accents folded, the article "el" met the pronoun "él" and was glossed "he".
        assert to_english("el precio de los planes") == "price plans"
