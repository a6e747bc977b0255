"""What the composer quotes of a source: its own sentences, never paraphrased into new claims, and of
those the ones about what the lead wrote.

A source is quoted from its opening by default. When the lead wrote something (their inquiry, their
need), the quote starts at the passage (a paragraph, a list item, an FAQ's question and answer) that
shares the most of its rarer words: a lead asking what renters insurance costs gets the renters line of
a price FAQ, not its disclaimer. Passages, not sentences, are moved: a sentence leans on the one before
it ("Some carriers go higher" than the limit just named), a passage is written to be read on its own.
An FAQ's answer leans on its question ("About 5 business days." answers "How long does a quote
take?"), so an answer is quoted with its question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.guardrails.phrases import occurrences
from agent.guardrails.readability import reading_grade
from agent.guardrails.speech import content_words
from knowledge.kinds import kinds_asked
from knowledge.sentences import split_paragraph
from knowledge.types import Source

MAX_SENTENCE_WORDS = 25  # longer source sentences are skipped when quoting: they push the reading grade up
STEM = 5  # words compared by their first letters: "renters" meets "renter", "financing" "financiamiento"


@dataclass(frozen=True, slots=True)
class _Unit:
    """A sentence of the source, with the question it answers when it follows one in its paragraph."""

    text: str
    question: str | None = None

    @property
    def quoted(self) -> str:
        # In quotation marks: the source's question, not one we ask the lead (a message asks one thing).
        return f'"{self.question}" {self.text}' if self.question else self.text


def summary(
    source: Source,
    max_words: int,
    *,
    lead_words: str = "",
    figures_first: bool = False,
    drop_hardest: int = 0,
    avoid: tuple[str, ...] = (),
) -> str:
    """Sentences of the source's own text, at most ``max_words`` (one always).

    The sentences about ``lead_words`` come first; for a lead who wants figures, those that carry a
    figure come next. With ``drop_hardest``, that many of the sentences hardest to read are left out.
    A sentence with a phrase the brand voice avoids (``avoid``) is never quoted while another is left:
    a company's own page may say "tax credit" where its messages must not (found configuring an HVAC
    company: every acknowledgment quoting its price FAQ waited for a rep).
    """
    first, rest = _from_the_lead_s_passage(_passages(source), lead_words)
    if avoid:  # found as the brand voice check finds it: whole words, any case, simple inflections
        kept_first = [u for u in first if not any(occurrences(avoid, u.text))]
        kept_rest = [u for u in rest if not any(occurrences(avoid, u.text))]
        if kept_first or kept_rest:
            first, rest = kept_first, kept_rest
    units = [*first, *rest]
    lead_s = set(first)
    statements = [u for u in units if not u.text.endswith("?")] or units
    readable = [u for u in statements if len(u.text.split()) <= MAX_SENTENCE_WORDS]
    if statements and statements[0] not in readable:
        # The opening names what the rest leans on ("It includes ...", "The service charge is included"
        # after a package's price): too long to quote whole, it is quoted up to a clause boundary
        # rather than stepped over.
        cut = _Unit(opening(statements[0].text, MAX_SENTENCE_WORDS), statements[0].question)
        readable.insert(0, cut)
        if statements[0] in lead_s:
            lead_s.add(cut)
    if drop_hardest and len(readable) > 1:
        hardest = sorted(readable, key=lambda u: reading_grade([u.text]) or 0.0, reverse=True)
        dropped = set(hardest[: min(drop_hardest, len(readable) - 1)])
        readable = [u for u in readable if u not in dropped]
    if figures_first:
        # Figures first, but the passage about the lead's words stays first; stable: order kept within.
        readable.sort(key=lambda unit: (unit not in lead_s, not re.search(r"\d", unit.text)))
    chosen: list[str] = []
    for unit in readable or statements:
        if chosen and len(" ".join([*chosen, unit.quoted]).split()) > max_words:
            break
        chosen.append(unit.quoted)
    if chosen and len(chosen[0].split()) > max_words:
        return opening(chosen[0], max_words)
    return " ".join(chosen)


def opening(sentence: str, max_words: int) -> str:
    """A sentence too long to quote whole: its opening up to a clause boundary, rather than nothing."""
    first = sentence.split()[:max_words]
    cut = max((i for i, word in enumerate(first) if word.endswith((",", ":", ";"))), default=len(first) - 1)
    return " ".join(first[: cut + 1]).rstrip(",:;") + " …"


def _from_the_lead_s_passage(passages: list[list[_Unit]], lead_words: str) -> tuple[list[_Unit], list[_Unit]]:
    """The sentences of the passage most about the lead's words (the earliest of equals; none when no
    passage is), and the others: the ones after it, then the ones before it.

    A word counts less the more passages use it, and not at all when most do: in an insurance agency's
    FAQ "insurance" says nothing about which passage the lead needs, "renters" does. A passage that
    gives what the lead asked for (a price for "how much") counts one more."""
    wanted = _stems(lead_words)
    if not wanted or len(passages) < 2:
        return [], [unit for passage in passages for unit in passage]
    texts = [" ".join(u.quoted for u in passage) for passage in passages]
    stems = [_stems(text) for text in texts]
    spread = {word: sum(1 for found in stems if word in found) for word in wanted}
    telling = {word for word, count in spread.items() if 0 < count <= len(passages) / 2}
    asked = kinds_asked(lead_words)
    scores = [
        sum(1 / spread[word] for word in telling & found) + sum(1 for gives in asked if gives.search(text))
        for text, found in zip(texts, stems, strict=True)
    ]
    best = max(range(len(passages)), key=lambda i: (scores[i], -i))
    if not scores[best]:
        return [], [unit for passage in passages for unit in passage]
    return passages[best], [unit for passage in passages[best + 1 :] + passages[:best] for unit in passage]


def _passages(source: Source) -> list[list[_Unit]]:
    """The source's sentences by passage (paragraph or list item), as plain text, each with the
    question it answers if any."""
    lines = source.text.strip().splitlines()
    if lines and lines[0].strip().lstrip("# ").rstrip(".") == source.title.rstrip("."):
        lines = lines[1:]
    text = re.sub(r"^#+\s.*$", "", "\n".join(lines), flags=re.MULTILINE)
    text = re.sub(r"^(Case study|Results?):.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*\*\*[^*]+\*\*\s*$", "", text, flags=re.MULTILINE)  # a bold sub-heading alone
    # A bold run-in heading ("**Rebates and tax credits.** Xcel Energy offers ..."): the heading is no
    # sentence to quote; a bold lead-in with a figure ("**Complete Weekly Service, $185 a month:**") is.
    text = re.sub(r"^\s*\*\*[^*\d]+\.\*\*\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*(\d+\.|[-*])\s+", "\n", text, flags=re.MULTILINE)  # a list item: a passage
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE)  # block quotes; "Settings > Billing" stays
    text = re.sub(r"[*_`#]", "", text)
    passages: list[list[_Unit]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        units: list[_Unit] = []
        question: str | None = None
        for sentence in split_paragraph(" ".join(paragraph.split())):
            if sentence.endswith("?"):
                units.append(_Unit(sentence))
                question = sentence
            else:
                # Only the sentence right after the question leans on it; the next ones stand alone.
                units.append(_Unit(sentence, question))
                question = None
        if units:
            passages.append(units)
    return passages


def _stems(text: str) -> frozenset[str]:
    return frozenset(word[:STEM] for word in content_words(text))
