"""The personal response answers each question with its sentence, names the ones a person will answer
(and then waits for review), and every acknowledgment thanks the lead before anything else."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from agent.domain import Channel, TouchPurpose
from agent.drafting.composer import Composer
from agent.drafting.pipeline import QUESTION_FOR_A_PERSON, DraftingPipeline
from agent.drafting.tone import Length
from agent.loop import lead_answers
from knowledge.types import Answer, Answers, DocType, Source
from tests.agent.drafting.requests import NOW, draft_request
from tests.agent.guardrails.drafts import LEAD

REMINDERS = Source(
    id="faqs/how-reminders-work",
    type=DocType.FAQ,
    title="How do reminders work?",
    url=None,
    text=(
        "Clients get an email and a text 24 hours before, and a text 2 hours before. "
        "If the slot is freed, clients on the waitlist are offered it automatically."
    ),
    score=0.8,
)
WAITLIST = Answer(
    question="If someone cancels, can the slot go to the waitlist automatically?",
    document_id=REMINDERS.id,
    document_title=REMINDERS.title,
    sentences=("If the slot is freed, clients on the waitlist are offered it automatically.",),
    quoted=("If the slot is freed, clients on the waitlist are offered it automatically.",),
    score=1.4,
)
TIMING = Answer(
    question="When do the reminders go out?",
    document_id=REMINDERS.id,
    document_title=REMINDERS.title,
    sentences=("Clients get an email and a text 24 hours before, and a text 2 hours before.",),
    quoted=("Clients get an email and a text 24 hours before, and a text 2 hours before.",),
    score=1.35,
)
COMPOSER = Composer()
PIPELINE = DraftingPipeline(COMPOSER, COMPOSER)
PHRASEBOOK = Path(__file__).resolve().parents[3] / "prompts" / "composer.yaml"


def personal(**overrides: object) -> object:
    values: dict[str, object] = {
        "purpose": TouchPurpose.PERSONAL_RESPONSE,
        "sources": (REMINDERS,),
        "answers": (WAITLIST, TIMING),
    }
    values.update(overrides)
    return draft_request(**values)


class TestThePersonalResponseAnswers:
    @pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
    def test_each_question_is_answered_with_its_sentence(self, channel: Channel) -> None:
        draft = COMPOSER.draft(personal(channel=channel))  # type: ignore[arg-type]

        assert WAITLIST.quoted[0] in draft.body
        assert TIMING.quoted[0] in draft.body

    def test_answered_surely_and_clean_it_goes_out_without_review(self) -> None:
        outcome = PIPELINE.produce(personal())  # type: ignore[arg-type]

        assert outcome.clean, [v.code for v in outcome.violations]
        assert outcome.draft.source_ids == (REMINDERS.id,)

    def test_a_question_no_source_answers_is_named_and_the_touch_goes_to_review(self) -> None:
        question = "Can the texts come from our own salon number?"

        outcome = PIPELINE.produce(personal(unanswered=(question,)))  # type: ignore[arg-type]

        assert "Can the texts come from our own salon number" in outcome.draft.body
        assert "colleague" in outcome.draft.body
        flagged = [v for v in outcome.violations if v.code == QUESTION_FOR_A_PERSON]
        assert len(flagged) == 1 and question in flagged[0].message
        assert not outcome.clean

    def test_an_unsure_answer_is_quoted_but_a_person_checks_it(self) -> None:
        unsure = replace(TIMING, sure=False)

        outcome = PIPELINE.produce(personal(answers=(WAITLIST, unsure)))  # type: ignore[arg-type]

        assert TIMING.quoted[0] in outcome.draft.body
        assert [v.code for v in outcome.violations] == [QUESTION_FOR_A_PERSON]
        assert TIMING.question in outcome.violations[0].message

    def test_the_ask_is_about_what_they_asked_not_anything_else(self) -> None:
        draft = COMPOSER.draft(personal())  # type: ignore[arg-type]

        assert "anything else" not in draft.call_to_action.lower()
        assert draft.call_to_action in draft.body


class TestAnEmailTooLongForEveryAnswer:
    GUIDE = Answer(
        question="Do you have anything I could read first?",
        document_id=REMINDERS.id,
        document_title=REMINDERS.title,
        sentences=("A long guide.", "More of it."),
        quoted=(
            "A 20-page guide for owners who book by phone today, "
            + "with a chapter on each step, " * 9
            + "done.",
            "It covers reminders, deposits, waitlists and no-shows, "
            + "with worked examples of each, " * 9
            + "too.",
        ),
        score=1.0,
        sure=False,
    )
    TIMES = Answer(
        question="When do the reminders go out?",
        document_id=REMINDERS.id,
        document_title=REMINDERS.title,
        sentences=("Clients get an email 24 hours before.", "They get a text 2 hours before."),
        quoted=("Clients get an email 24 hours before.", "They get a text 2 hours before."),
        score=1.0,
        sure=False,
    )

    def test_the_longest_answer_gives_up_its_second_sentence_first(self) -> None:
        draft = COMPOSER.draft(personal(answers=(self.GUIDE, self.TIMES)))  # type: ignore[arg-type]

        assert len(draft.body.split()) <= 150
        assert self.GUIDE.quoted[0] in draft.body and self.GUIDE.quoted[1] not in draft.body
        assert all(sentence in draft.body for sentence in self.TIMES.quoted)


class TestATextTooLongForEveryAnswer:
    def test_the_longest_answer_gives_up_its_second_sentence_first(self) -> None:
        waitlist = replace(
            WAITLIST,
            quoted=(
                "If a client cancels, the freed slot is offered to the waitlist by text at once.",
                "The first client on the list to reply YES gets the slot; the others are told it is gone.",
            ),
            sure=False,
        )
        timing = replace(
            TIMING, quoted=("Emails go 24 hours before.", "Texts go 2 hours before."), sure=False
        )

        body = COMPOSER.draft(personal(answers=(waitlist, timing), channel=Channel.SMS)).body  # type: ignore[arg-type]

        assert len(body) <= 320
        assert waitlist.quoted[0] in body and waitlist.quoted[1] not in body
        assert all(sentence in body for sentence in timing.quoted)

    def test_a_best_sentence_too_long_for_a_text_gives_way_to_a_shorter_one_of_its_answer(self) -> None:
        # The whole answer went to a person, though its second sentence fitted.
        coverage = replace(
            WAITLIST,
            quoted=(
                "We are in network with most PPO and POS plans of the major commercial insurers, "
                + "with traditional Medicare Part B and with some Medicare Advantage plans, " * 3
                + "and we accept workers' compensation claims.",
                "Yes, we accept traditional Medicare Part B.",
            ),
            sentences=("long", "short"),
            sure=False,
        )

        timing = replace(TIMING, sure=False)

        body = COMPOSER.draft(personal(answers=(timing, coverage), channel=Channel.SMS)).body  # type: ignore[arg-type]

        assert len(body) <= 320
        assert coverage.quoted[1] in body and coverage.quoted[0] not in body
        assert timing.quoted[0] in body  # the answer before it keeps its best sentence


class TestOpeningsAndClosings:
    def test_every_acknowledgment_thanks_the_lead_before_anything_else(self) -> None:
        for number in range(60):
            lead = replace(LEAD, id=f"lead-{number}", inquiry_text="pricing?")
            request = draft_request(purpose=TouchPurpose.ACKNOWLEDGMENT, lead=lead)
            request = replace(request, tone=replace(request.tone_profile, length=Length.SHORT))

            paragraphs = COMPOSER.draft(request).body.split("\n\n")

            assert paragraphs[1].startswith(("Thank", "Thanks")), paragraphs[1]

    def test_the_phrase_bank_has_no_generic_anything_else_ask(self) -> None:
        book = yaml.safe_load(PHRASEBOOK.read_text(encoding="utf-8"))
        asks = [ask for bank in book["purposes"].values() for ask in bank["ask"]]
        asks += book["answering"]["ask"] + book["answering"]["ask_unanswered"]
        asks += book["sms"]["default"] + book["sms"]["default_fallback"]

        generic = re.compile(r"anything else|any questions\?|another question", re.IGNORECASE)
        assert [ask for ask in asks if generic.search(ask)] == []


class TestTheLoopFindsAnswersOnlyForATouchThatAnswers:
    class Knowledge:
        def __init__(self) -> None:
            self.asked: list[tuple[tuple[str, ...], str | None]] = []

        def find_answers(
            self, questions: tuple[str, ...], *, language: str | None, today: object, context: str | None
        ) -> Answers:
            self.asked.append((tuple(questions), language))
            return Answers(unanswered=tuple(questions))

    def test_the_personal_response_looks_up_the_lead_s_questions_in_their_language(self) -> None:
        knowledge = self.Knowledge()
        lead = replace(LEAD, inquiry_text="Hola. ¿Tienen terapia para el equilibrio? ¿Aceptan Medicare?")

        found = lead_answers(knowledge, lead, TouchPurpose.PERSONAL_RESPONSE, NOW.date())

        assert knowledge.asked == [(("¿Tienen terapia para el equilibrio?", "¿Aceptan Medicare?"), "es")]
        assert found.unanswered == ("¿Tienen terapia para el equilibrio?", "¿Aceptan Medicare?")

    def test_other_touches_do_not(self) -> None:
        knowledge = self.Knowledge()

        found = lead_answers(knowledge, LEAD, TouchPurpose.ACKNOWLEDGMENT, NOW.date())

        assert knowledge.asked == [] and found == Answers()
