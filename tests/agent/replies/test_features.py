"""The learned reader's features: a word a negation reaches is not the same feature as the word said
plainly, so "not the wrong person" and "don't unsubscribe me" can be learned apart from their keywords."""

from __future__ import annotations

import pytest

from agent.replies.features import fold, negated_words, slot, vectorise
from agent.replies.lexicon import load_lexicon
from agent.replies.message import InboundReply, parse


@pytest.mark.parametrize(
    ("text", "negated", "plain"),
    [
        ("I'm not the wrong person, I'm the owner.", "wrong", "owner"),
        ("We can't stop losing customers. Tell me more.", "stop", "more"),
        ("No quiero que me deis de baja, solo que me escribáis menos.", "baja", "menos"),
        ("Je ne veux pas être désabonné mais moins souvent.", "desabonne", "souvent"),
    ],
)
def test_a_negation_reaches_to_the_end_of_its_clause_and_no_further(
    text: str, negated: str, plain: str
) -> None:
    words = negated_words(fold(text))

    assert negated in words
    assert plain not in words


def test_a_no_that_ends_its_clause_negates_nothing_after_it() -> None:
    assert negated_words(fold("No, keep them coming!")) == []


def test_a_negation_reaches_a_few_words_only() -> None:
    words = negated_words(fold("I do not think there is anything here for our team this year at all"))

    assert "think" in words and "year" not in words


def test_a_negated_keyword_is_a_feature_of_its_own() -> None:
    lexicon = load_lexicon()
    plainly = vectorise(parse(InboundReply("Please unsubscribe me")), lexicon, "en")
    negated = vectorise(parse(InboundReply("Please don't unsubscribe me")), lexicon, "en")
    negated_unsubscribe, _ = slot("n:unsubscribe")

    assert negated_unsubscribe in negated and negated_unsubscribe not in plainly


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Recontactez-moi en février, ce sera plus simple.", "not_now"),
        ("Could you reach me on June 15 or after, once the kids are out?", "not_now"),
        ("Ahorita no, escríbeme en septiembre.", "not_now"),
        ("Not ready yet, probably in the fall.", "hedge"),
        ("Quizás más adelante.", "hedge"),
        ("The panels you installed in March already leak.", "complaint"),
        ("Los paneles que instalaron en marzo ya tienen una filtración.", "complaint"),
        ("Thursday at 2 works, see you then.", "agreement"),
        ("Could you connect me with your group sales manager directly?", "person"),
    ],
)
def test_the_lexicon_reads_time_phrases_hedges_and_past_service_in_english_and_spanish(
    text: str, cue: str
) -> None:
    plain, _ = load_lexicon().count(text)

    assert plain[cue] > 0


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("No thanks, and don't text me again.", "unsubscribe"),
        ("NO NOS INTERESA Y NO NOS VUELVAN A LLAMAR", "unsubscribe"),
        ("No, I'm not the homeowner, my landlord handles that.", "wrong"),
    ],
)
def test_a_cue_said_as_a_negation_is_not_denied_by_the_negation_of_the_clause_before(
    text: str, cue: str
) -> None:
    plain, denied = load_lexicon().count(text)

    assert plain[cue] > 0 and denied[cue] == 0


def test_a_cue_denied_by_a_negation_before_it_still_is() -> None:
    plain, denied = load_lexicon().count("Please don't unsubscribe me, I still want the newsletter.")

    assert plain["unsubscribe"] == 0 and denied["unsubscribe"] == 1


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Merci de ne plus m'envoyer vos offres.", "unsubscribe"),
        ("No me vuelvas a mandar mensajes.", "unsubscribe"),
        ("I never want to hear from your agency again.", "unsubscribe"),
        ("We moved out of state, so there's no need to keep emailing.", "unsubscribe"),
        ("Fadlan ha ii soo dirin fariimo kale.", "unsubscribe"),
        ("I'm only the renter here, the owner lives in Ohio.", "wrong"),
        ("We don't own the building, we lease it.", "wrong"),
        ("Se equivocaron de número, no conozco a esa persona.", "wrong"),
        ("Yo no llevo esos asuntos, pregúntele a contabilidad.", "wrong"),
        ("Your message to the front desk was read on Monday, March 1.", "auto_reply"),
        ("En este momento no podemos responder. Horario: L-V 9am-5pm.", "auto_reply"),
        ("We can't answer your text right now; we'll reply during the day.", "auto_reply"),
    ],
)
def test_the_lexicon_reads_opt_outs_other_people_and_machine_notes_in_their_everyday_wordings(
    text: str, cue: str
) -> None:
    plain, _ = load_lexicon().count(text)

    assert plain[cue] > 0
