"""The sentence that answers a question, chosen on the real local model, and the question none answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from knowledge.answers import SentenceIndex
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
