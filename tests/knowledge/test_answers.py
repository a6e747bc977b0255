"""The sentence that answers a question, chosen on the real local model, and the question none answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from knowledge.answers import SentenceIndex, kind_match, with_antecedent
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.types import DocType
from tests.knowledge.conftest import doc

TODAY = date(2026, 12, 1)
DOCUMENTS = [
    doc(
        "faqs/hours",
        DocType.FAQ,
        "When do your crews work?",
        "Crews work Monday to Friday, 7:30 a.m. to 4:30 p.m. We do not work Saturdays unless you ask us to "
        "and we agree in writing. Our office answers the phone until 6 p.m.",
    ),
    doc(
        "faqs/warranty",
        DocType.FAQ,
        "What warranty do you give on your work?",
        "Ours is 10 years on labor, from the day of the final walkthrough. Products carry their makers' "
        "warranties, which we register in your name.",
    ),
    doc(
        "faqs/kitchen-prices",
        DocType.FAQ,
        "How much does a kitchen remodel cost?",
        "A Kitchen Refresh typically costs $18,000 to $32,000. A Full Kitchen Remodel costs $45,000 to "
        "$95,000, including labor, materials, permits and cleanup.",
    ),
    doc(
        "faqs/precios",
        DocType.FAQ,
        "¿Cuánto cuesta remodelar una cocina?",
        "Una Kitchen Refresh cuesta normalmente de $18,000 a $32,000. Una Full Kitchen Remodel cuesta de "
        "$45,000 a $95,000, con mano de obra, materiales, permisos y limpieza.",
    ),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SentenceIndex:
    cache: Path = tmp_path_factory.mktemp("sentences")
    return SentenceIndex(DOCUMENTS, LocalMiniLMEmbedder(), cache=cache)


class TestTheAnsweringSentence:
    def test_the_sentence_that_answers_is_chosen_not_only_its_document(self, index: SentenceIndex) -> None:
        answer = index.answer("do you guys work saturdays?", language=None, today=TODAY)

        assert answer is not None
        assert answer.document_id == "faqs/hours"
        assert answer.sentences[0] == (
            "We do not work Saturdays unless you ask us to and we agree in writing."
        )

    def test_a_quoted_sentence_gets_its_subject_back(self, index: SentenceIndex) -> None:
        answer = index.answer("How long is the warranty on your work?", language=None, today=TODAY)

        assert answer is not None
        assert "Our warranty is 10 years on labor, from the day of the final walkthrough." in answer.quoted

    def test_a_spanish_lead_is_answered_from_the_spanish_document(self, index: SentenceIndex) -> None:
        answer = index.answer("¿Cuánto cuesta una cocina nueva?", language="es", today=TODAY)

        assert answer is not None and answer.document_id == "faqs/precios"

    def test_a_question_nothing_answers_is_left_for_a_person(self, index: SentenceIndex) -> None:
        found = index.find(["Can you install a medical alert system for my dad?"], language=None, today=TODAY)

        assert found.found == ()
        assert found.unanswered == ("Can you install a medical alert system for my dad?",)

    def test_vectors_are_kept_so_a_second_index_embeds_nothing(
        self, index: SentenceIndex, tmp_path: Path
    ) -> None:
        class Refusing:
            name = LocalMiniLMEmbedder.name

            def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
                raise AssertionError(f"embedded again: {texts[:1]}")

            def embed_query(self, text: str) -> list[float]:
                raise AssertionError("not asked")

        first = SentenceIndex(DOCUMENTS, LocalMiniLMEmbedder(), cache=tmp_path)
        SentenceIndex(DOCUMENTS, Refusing(), cache=tmp_path)

        assert first is not None


class TestTheKindOfAnswer:
    def test_a_how_much_question_wants_a_price(self) -> None:
        sentences = ["Prices depend on the size of the room.", "A new deck costs $9,000 to $14,000."]

        assert kind_match("How much would a deck run me?", sentences).tolist() == [0.0, 1.0]

    def test_a_how_long_question_wants_a_duration(self) -> None:
        sentences = ["Installation is done by our own crew.", "Installation takes 2 to 3 days."]

        assert kind_match("how long does installation take", sentences).tolist() == [0.0, 1.0]

    def test_a_question_about_days_wants_a_day_or_a_time(self) -> None:
        sentences = ["We are a family business.", "The shop is open on Sundays from 10 am."]

        assert kind_match("Are you open on weekends?", sentences).tolist() == [0.0, 1.0]

    def test_a_yes_no_question_asks_for_no_kind(self) -> None:
        assert kind_match("Do you install skylights?", ["Yes, and $500 off.", "We do."]).tolist() == [
            0.0,
            0.0,
        ]


@pytest.fixture(scope="module")
def english_only(tmp_path_factory: pytest.TempPathFactory) -> SentenceIndex:
    """The same company without its Spanish document: a Spanish lead's answers are in English."""
    english = [d for d in DOCUMENTS if d.id != "faqs/precios"]
    return SentenceIndex(english, LocalMiniLMEmbedder(), cache=tmp_path_factory.mktemp("english"))


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> SentenceIndex:
    """The same company with two Spanish documents marked as Spanish, one on payments."""
    payments = doc(
        "faqs/pagos",
        DocType.FAQ,
        "¿Cómo se paga el proyecto?",
        "Se paga en cuatro partes: 10% al firmar, 40% al empezar, 40% a mitad de obra y 10% al terminar. "
        "Aceptamos cheque y transferencia.",
    )
    documents = [replace(d, language="es") if d.id == "faqs/precios" else d for d in DOCUMENTS]
    documents.append(replace(payments, language="es"))
    return SentenceIndex(documents, LocalMiniLMEmbedder(), cache=tmp_path_factory.mktemp("bilingual"))


class TestSpanishQuestionsAndEnglishDocuments:
    """Before the English reading, each of these scored far below the floor and went to a person."""

    def test_a_spanish_question_finds_the_english_sentence_that_answers_it(
        self, english_only: SentenceIndex
    ) -> None:
        found = english_only.find(["¿Trabajan los sábados?"], language="es", today=TODAY)

        assert [a.sentences[0] for a in found.found] == [
            "We do not work Saturdays unless you ask us to and we agree in writing."
        ]

    def test_a_spanish_question_about_the_warranty_finds_it_in_english(
        self, english_only: SentenceIndex
    ) -> None:
        found = english_only.find(["¿Cuántos años de garantía dan?"], language="es", today=TODAY)

        assert [a.document_id for a in found.found] == ["faqs/warranty"]
        assert (
            "Our warranty is 10 years on labor, from the day of the final walkthrough."
            in found.found[0].quoted
        )

    def test_a_spanish_price_question_gets_the_english_figure(self, english_only: SentenceIndex) -> None:
        found = english_only.find(["¿Cuánto cuesta una cocina nueva?"], language="es", today=TODAY)

        assert [a.document_id for a in found.found] == ["faqs/kitchen-prices"]
        assert "$" in found.found[0].sentences[0]

    def test_a_spanish_document_on_another_topic_does_not_win_for_sounding_spanish(
        self, bilingual: SentenceIndex
    ) -> None:
        # Raw, every Spanish sentence looks alike to the English model: the payments FAQ won.
        answer = bilingual.answer("¿Cuánto dura la garantía?", language="es", today=TODAY)

        assert answer is not None and answer.document_id == "faqs/warranty"

    def test_the_spanish_document_that_answers_still_wins(self, bilingual: SentenceIndex) -> None:
        answer = bilingual.answer("¿Cómo se paga?", language="es", today=TODAY)

        assert answer is not None and answer.document_id == "faqs/pagos"

    def test_a_spanish_question_nothing_answers_is_still_left_for_a_person(
        self, english_only: SentenceIndex
    ) -> None:
        found = english_only.find(["¿Venden muebles de jardín?"], language="es", today=TODAY)

        assert found.unanswered == ("¿Venden muebles de jardín?",)


class TestAQuestionThatPointsBack:
    def test_it_is_read_with_the_sentence_before_it(self) -> None:
        inquiry = "We both work until five. Weekends are the only time we are home. Do you do those?"

        assert with_antecedent("Do you do those?", inquiry) == (
            "Weekends are the only time we are home. Do you do those?"
        )

    def test_a_question_that_names_its_subject_is_left_as_it_is(self) -> None:
        inquiry = "We have a small kitchen. Do you work on Saturdays?"

        assert with_antecedent("Do you work on Saturdays?", inquiry) == "Do you work on Saturdays?"

    def test_it_points_back_too(self) -> None:
        # "how long can I spread it out?" names nothing; the loan is in what came before.
        inquiry = "What's the interest rate on your loan? How long can I spread it out?"

        assert with_antecedent("How long can I spread it out?", inquiry) == (
            "What's the interest rate on your loan? How long can I spread it out?"
        )

    def test_the_first_sentence_has_nothing_before_it(self) -> None:
        assert with_antecedent("Is that free?", "Is that free? Thanks.") == "Is that free?"

    def test_what_those_are_finds_the_answer(self, index: SentenceIndex) -> None:
        inquiry = "We both work until five and weekends are the only time we are home. Do you do those?"

        found = index.find(["Do you do those?"], language=None, today=TODAY, context=inquiry)

        assert [a.sentences[0] for a in found.found] == [
            "We do not work Saturdays unless you ask us to and we agree in writing."
        ]

    def test_what_that_was_finds_the_price(self, index: SentenceIndex) -> None:
        inquiry = "I saw the pictures of the kitchen you did for the Garcias. How much was that?"

        found = index.find(["How much was that?"], language=None, today=TODAY, context=inquiry)

        assert [a.document_id for a in found.found] == ["faqs/kitchen-prices"]


class _SameVectorForAll:
    """An embedder that finds every text alike, so that only words and kinds tell sentences apart."""

    name = "same-vector"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0]


class TestTheKindAskedForIsInTheQuestionsOwnWords:
    def test_a_price_word_in_the_sentence_pointed_back_to_asks_for_no_price(self) -> None:
        # Read with its antecedent, "Do you do that?" used to ask for a price because "charged" did.
        visits = doc(
            "faqs/visits",
            DocType.FAQ,
            "Visits",
            "Our crew answers every call within a day. A visit costs $100 plus tax.",
        )
        index = SentenceIndex([visits], _SameVectorForAll())

        charged = index.answer(
            "Do you do that?",
            language=None,
            today=TODAY,
            context="Last time they charged us. Do you do that?",
        )
        came = index.answer(
            "Do you do that?", language=None, today=TODAY, context="Last time they came late. Do you do that?"
        )

        assert charged is not None and came is not None
        assert charged.score == came.score
