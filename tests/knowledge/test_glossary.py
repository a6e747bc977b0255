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

    def test_the_everyday_words_of_a_home_a_purchase_and_a_business_are_english(self) -> None:
        # Word by word, "enganche", "techo" and "negocio" stayed Spanish and met no English sentence.
        assert to_english("¿Cuánto es el enganche?") == "how much down payment"
        assert to_english("¿Arreglan el techo de un negocio?") == "fix repair roof ceiling business"

    def test_a_plural_the_glossary_lacks_reads_as_its_singular(self) -> None:
        assert to_english("goteras") == to_english("gotera") == "leak"

    def test_an_ending_english_shares_is_spelt_the_english_way(self) -> None:
        assert to_english("comunicación") == "comunication"
        assert to_english("disponibilidad") == "disponibility"
