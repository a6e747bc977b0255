"""The body of a reply that answers the lead's questions: pure text assembly over plain answers.

Each question gets its own short paragraph: the lead's words, then the sentence that answers them,
quoted as the knowledge base has it (with its subject restored when it leaned on its document). A
question no source answers is named as one a person will answer; the pipeline then holds the touch for
review (``pipeline.with_questions_to_check``). Nothing here invents a claim: every fact is a quoted
sentence, and the phrase bank (``prompts/composer.yaml`` ``answering``) holds only frames.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping, Sequence
from typing import Any, Final

from agent.drafting.base import DraftRequest
from knowledge.types import Answer

MAX_EMAIL_WORDS: Final = 150
SMS_LIMIT: Final = 320
QUESTION_ECHO_WORDS: Final = 12
_FORMATTER = string.Formatter()


def echo(question: str) -> str:
    """The lead's question as a short quotation: no ¿ or ?, at most a dozen words."""
    words = question.strip().strip("¿?¡!. ").split()
    if len(words) > QUESTION_ECHO_WORDS:
        words = [*words[: QUESTION_ECHO_WORDS - 2], "…"]
    return " ".join(words)


def _fill(template: str, values: Mapping[str, str]) -> str | None:
    names = {name for _, name, _, _ in _FORMATTER.parse(template) if name}
    return template.format_map(values) if names <= values.keys() else None


def _pick(variants: Sequence[str], values: Mapping[str, str], seed: int) -> str:
    usable = [text for v in variants if (text := _fill(v, values)) is not None]
    return usable[seed % len(usable)] if usable else ""


def answer_paragraphs(
    answers: Sequence[Answer],
    unanswered: Sequence[str],
    bank: Mapping[str, Any],
    seed: int,
    *,
    sentences: int | Sequence[int],
    key: str = "answer",
) -> list[str]:
    """One paragraph per answered question (its best ``sentences`` sentences: one number for all, or
    one per answer), then one naming the questions a person will answer."""
    counts = [sentences] * len(answers) if isinstance(sentences, int) else list(sentences)
    paragraphs = [
        _pick(
            bank[key],
            {"question": echo(a.question), "answer": " ".join(_ended(q) for q in a.quoted[:count])},
            seed + i,
        )
        for i, (a, count) in enumerate(zip(answers, counts, strict=True))
    ]
    if unanswered:
        asked = str(bank.get("and", " and ")).join(f'"{echo(q)}"' for q in unanswered)
        frame = "unanswered_after" if answers else "unanswered_only"
        if key == "sms_answer":  # a text has no room to repeat them: it says how many
            frame = f"sms_{frame}"
            one, many = bank.get("question_words", ("question", "questions"))
            asked = one if len(unanswered) == 1 else many
        paragraphs.append(_pick(bank[frame], {"questions": asked}, seed))
    return paragraphs


def _ended(sentence: str) -> str:
    """A list item quoted in running text ends like a sentence ("6 to 10 weeks" -> "6 to 10 weeks.")."""
    return sentence if sentence.endswith((".", "!", "?", "…", ")", '"')) else f"{sentence}."


def _more(answers: Sequence[Answer], bank: Mapping[str, Any], seed: int) -> list[str]:
    """Where the answers come from, for a reply that would otherwise be too short to be useful."""
    titles = list(dict.fromkeys(a.document_title for a in answers))
    return [_pick(bank["more"], {"title": title}, seed) for title in titles[:2]]


def email_body(
    request: DraftRequest,
    bank: Mapping[str, Any],
    greeting: str,
    opening: str,
    ask: str,
    signoff: str,
    seed: int,
    *,
    min_words: int,
) -> str:
    """Greeting, opening, the answers, the ask, the sign-off: as many sentences per answer as fit."""
    for counts, with_opening in _email_fits(request.answers):
        middle = answer_paragraphs(request.answers, request.unanswered, bank, seed, sentences=counts)
        body = [greeting, opening if with_opening else "", *middle, ask, signoff]
        if _words(body) <= MAX_EMAIL_WORDS:
            break
    if _words(body) < min_words:
        body[-2:-2] = _more(request.answers, bank, seed)
    return "\n\n".join(p for p in body if p)


def _shrinking(answers: Sequence[Answer]) -> list[list[int]]:
    """Sentences an answer, longest first: two each; then, one answer at a time, the answer quoting the
    most words down to its best sentence, so that a long answer does not cost a short one its second
    sentence, which is often the one that answers."""
    counts = [min(2, len(a.quoted)) for a in answers]
    shapes = [list(counts)]
    while any(c > 1 for c in counts):
        longest = max(
            (i for i, c in enumerate(counts) if c > 1),
            key=lambda i: sum(len(q.split()) for q in answers[i].quoted[: counts[i]]),
        )
        counts[longest] -= 1
        shapes.append(list(counts))
    return shapes


def _email_fits(answers: Sequence[Answer]) -> list[tuple[list[int], bool]]:
    """The shapes an email may take, longest first: each of ``_shrinking``'s with the opening, then
    without it."""
    return [(counts, with_opening) for counts in _shrinking(answers) for with_opening in (True, False)]


def sms_body(
    request: DraftRequest, book: Mapping[str, Any], values: Mapping[str, str], ask: str, seed: int
) -> str:
    """A text: who is writing, the answers (as many sentences as fit, the longest answer shortened
    first), the ask, the opt-out."""
    sms = book["sms"]
    bank = book["answering"]
    opener = _pick(bank["sms_opening"], values, seed)
    opt_out = sms["opt_out"]
    answers = list(request.answers)
    later: list[str] = []
    while True:
        for counts in _shrinking(answers):
            middle = answer_paragraphs(
                answers, [*request.unanswered, *later], bank, seed, sentences=counts, key="sms_answer"
            )
            text = " ".join(p for p in [opener, *middle, ask, opt_out] if p)
            if len(text) <= SMS_LIMIT or not answers:
                return text
        shorter = _with_shortest_sentence(answers)
        if shorter is not None:
            answers = shorter
            continue
        # The last answer does not fit: its question is named for a person instead, and the pipeline,
        # seeing its sentence missing from the text, holds the touch for review.
        later.insert(0, answers.pop().question)


def _with_shortest_sentence(answers: Sequence[Answer]) -> list[Answer] | None:
    """The answers with the last one, the one that does not fit, cut to its shortest sentence when
    that is shorter than its best (None: it has none shorter). A text with no room for a 300-character
    best sentence may have room for the next best of the same document, which often answers too;
    without it the question went to a person with nothing quoted. The answers before it keep theirs."""
    last = answers[-1]
    keep = min(range(len(last.quoted)), key=lambda i: len(last.quoted[i]))
    if len(last.quoted[keep]) >= len(last.quoted[0]):
        return None
    short = dataclasses.replace(last, sentences=(last.sentences[keep],), quoted=(last.quoted[keep],))
    return [*answers[:-1], short]


def _words(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)
