"""The lead's questions, found in their own words: direct, indirect, typed without a mark, in Spanish."""

from __future__ import annotations

from agent.drafting.questions import find_questions, question_language


class TestQuestionsAreFound:
    def test_english_questions_each_with_their_mark(self) -> None:
        text = "Hi, we're redoing our bath. Roughly what does that cost? Do you handle the permits?"

        assert find_questions(text) == ("Roughly what does that cost?", "Do you handle the permits?")

    def test_spanish_questions_between_their_marks(self) -> None:
        text = "Hola, mi mamá se ha caído dos veces. ¿Tienen terapia para el equilibrio? ¿Aceptan Medicare?"

        assert find_questions(text) == ("¿Tienen terapia para el equilibrio?", "¿Aceptan Medicare?")

    def test_indirect_questions_without_a_question_mark(self) -> None:
        text = "I'd like to know the price for two chairs. Not sure if you do weekends. Thanks!"

        assert find_questions(text) == (
            "I'd like to know the price for two chairs.",
            "Not sure if you do weekends.",
        )

    def test_quisiera_saber_is_a_question(self) -> None:
        assert find_questions("Buenas tardes. Quisiera saber si trabajan los sábados.") == (
            "Quisiera saber si trabajan los sábados.",
        )

    def test_a_text_typed_without_a_mark_still_asks(self) -> None:
        assert find_questions("hey how much for a full kitchen") == ("how much for a full kitchen",)

    def test_two_questions_joined_in_one_sentence_are_two(self) -> None:
        text = "Do you deal with the association's paperwork, and can you work within their rules?"

        assert find_questions(text) == (
            "Do you deal with the association's paperwork",
            "can you work within their rules?",
        )

    def test_a_condition_stays_with_the_question_it_belongs_to(self) -> None:
        text = "If a parent cancels, can the slot go to someone on the waitlist?"

        assert find_questions(text) == (text,)

    def test_a_request_for_help_is_answered_by_the_whole_reply_not_by_a_sentence(self) -> None:
        text = "We lose so many Saturday bookings to no-shows. Can you help? ¿Nos pueden ayudar?"

        assert find_questions(text) == ()

    def test_a_joining_word_in_front_is_left_out_of_the_words_quoted_back(self) -> None:
        # The reply echoed 'On "Y cuánto cuesta cada sesión virtual": ...'.
        assert find_questions("¿Hacen visitas por video? Y cuánto cuesta cada sesión?") == (
            "¿Hacen visitas por video?",
            "cuánto cuesta cada sesión?",
        )
        assert find_questions("Y otra pregunta, ¿nos ayuda el seguro?") == ("¿nos ayuda el seguro?",)

    def test_a_question_word_spelt_as_texted_still_asks(self) -> None:
        assert find_questions("wat are your hours on saturday") == ("wat are your hours on saturday",)
        assert find_questions("r u open sunday") == ("r u open sunday",)

    def test_a_greeting_in_front_of_a_question_is_not_part_of_it(self) -> None:
        # "buenas tardes" was read as words of the question ("buenas afternoon do I need ...").
        assert find_questions("buenas tardes necesito receta para ir a terapia? tengo Medicare") == (
            "necesito receta para ir a terapia?",
        )
        assert find_questions("Hey there, what's the price for a 6 kW system?") == (
            "what's the price for a 6 kW system?",
        )
        assert find_questions("Buenos días, ¿cuánto cuesta la visita?") == ("¿cuánto cuesta la visita?",)

    def test_statements_are_not_questions(self) -> None:
        assert find_questions("We run two salons in Austin. Thanks for your time.") == ()

    def test_an_abbreviation_does_not_cut_a_question(self) -> None:
        text = "Can we set up different lengths (e.g. individual vs business returns)?"

        assert find_questions(text) == (text,)


class TestQuestionLanguage:
    def test_spanish_questions_read_as_spanish(self) -> None:
        assert question_language(["¿Cuánto cuesta una cocina?", "¿Tienen financiamiento?"]) == "es"

    def test_english_questions_keep_the_default(self) -> None:
        assert question_language(["How much is a kitchen?"], "en") == "en"
