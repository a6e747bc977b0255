"""What a message gives the lead, and whether it gives it before it asks.

A sentence *gives value* when it carries something from the knowledge base (a source's title,
customer, link, figure, a quoted run of its words, or its answer reworded) or states a specific fact in
other words (``speech.is_informative``). A request is never value: "to book the $89 visit, send me
your card" asks, whatever figure it repeats. Split from ``asks.py``, which says what an ask is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from agent.guardrails import speech
from agent.guardrails.asks import REQUEST, asks, is_ask
from agent.guardrails.base import DraftText, GuardrailContext, SourceLike, Violation
from agent.guardrails.grounding import figures
from agent.guardrails.lexicon import COMMON_WORDS
from agent.guardrails.text import URL, Sentence, normalise, words

QUOTE_WORDS = 5
MIN_BARE_FIGURE = 10  # a bare "3" proves nothing; "38%", "$79" or "1,150" come from somewhere
REWORDED_WORDS = 4  # content words a reworded answer shares with its source...
REWORDED_SHARE = 0.6  # ...and the share of the sentence's content words they make up


def value_sentences(
    body: str, sources: Sequence[SourceLike], familiar: frozenset[str] = frozenset()
) -> list[Sentence]:
    """Sentences that give the lead something: a source's content, or a fact stated in other words.

    The second half matters for a Spanish draft drawing on an English source, and for a useful fact
    about the lead's situation that no source words.
    """
    loose = _across_languages(body, sources)
    return [
        s
        for s in speech.clauses(body)
        if (URL.search(s.text) or not is_ask(s.text))
        # "To book the $89 visit, send me your card": the request is the ask, its figure no value.
        and (not REQUEST.search(s.text) or URL.search(s.text))
        # "Upload the report at <link>", "Bring his records": how to take a step, not something given.
        and not speech.is_instruction(s.text)
        and (speech.is_informative(s.text, loose=loose, familiar=familiar) or gives_value(s.text, sources))
    ]


def familiar_names(context: GuardrailContext) -> frozenset[str]:
    """Words of the lead's and the sender's own names: naming them is not telling the lead anything."""
    names: list[str | None] = []
    if context.lead is not None:
        names += [context.lead.first_name, context.lead.last_name, context.lead.company]
    if context.identity is not None:
        names += [context.identity.name, context.identity.legal_name, context.identity.sender_name]
    return frozenset(word.lower() for name in names if name for word in words(name))


def _across_languages(body: str, sources: Sequence[SourceLike]) -> bool:
    """A draft in one language drawing on a source in another cannot be matched word for word."""
    language = speech.language_of(body)
    return any(
        (getattr(source, "language", None) or _source_language(source.text)) != language for source in sources
    )


@lru_cache(maxsize=4096)
def _source_language(text: str) -> str:
    return speech.language_of(text)


def gives_value(sentence: str, sources: Sequence[SourceLike]) -> bool:
    """Carries something of a source: its link, title, customer, a figure, a quote, or its answer reworded.

    "Reworded" means most of the sentence's content words come from the source: an LLM that answers
    "you can sell session bundles on every plan" from the FAQ gives value without quoting five words
    in a row. A question is never value by wording alone: asking about a topic gives nothing.
    """
    if URL.search(sentence):
        return True
    text = normalise(sentence)
    # A figure in words is the same figure: "installs take one day" gives the FAQ's "One day".
    stated = {f for f in figures(sentence) if f[1] is not None or f[0] >= MIN_BARE_FIGURE}
    for source in sources:
        if len(source.title) >= 12 and normalise(source.title) in text:
            return True
        if source.customer and any(_contains(text, name) for name in _customer_names(source.customer)):
            return True
        if stated and stated & figures(source.text):
            return True
        if _shares_run(text, source.text):
            return True
        if not is_ask(sentence) and _reworded(text, source.text):
            return True
    return False


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _customer_names(customer: str) -> tuple[str, ...]:
    """ "Priya Nair Personal Training" is also "Priya Nair"; "Fade & Co. Barbers" also "Fade & Co."."""
    full = normalise(customer)
    tokens = full.split()
    short = " ".join(tokens[: 3 if len(tokens) > 1 and tokens[1] == "&" else 2])
    return (full, short) if short != full and len(short) >= 8 else (full,)


def _reworded(text: str, source_text: str) -> bool:
    own = _content_words(text)
    shared = own & _source_content_words(source_text)
    return len(shared) >= REWORDED_WORDS and len(shared) >= REWORDED_SHARE * len(own)


@lru_cache(maxsize=4096)
def _source_content_words(source_text: str) -> frozenset[str]:
    return frozenset(_content_words(normalise(source_text)))


def _content_words(text: str) -> set[str]:
    stems = {_stem(w) for w in words(text.lower()) if len(w) > 3 and w not in COMMON_WORDS}
    return {stem for stem in stems if stem not in COMMON_WORDS}


def _stem(word: str) -> str:
    return re.sub(r"(?:ies|es|s|ed|ing)$", "", word.replace("’", "'")) or word


def _shares_run(text: str, source_text: str) -> bool:
    tokens = [w.lower() for w in words(text)]
    if len(tokens) < QUOTE_WORDS:
        return False
    source_runs = _source_runs(source_text)
    return any(run in source_runs for run in _runs(tokens))


@lru_cache(maxsize=4096)
def _source_runs(source_text: str) -> frozenset[tuple[str, ...]]:
    return frozenset(_runs([w.lower() for w in words(normalise(source_text))]))


def _runs(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + QUOTE_WORDS]) for i in range(len(tokens) - QUOTE_WORDS + 1)}


def check_value_first(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Something useful before the first ask (acknowledgments may skip it)."""
    value = value_sentences(draft.body, context.sources, familiar_names(context))
    first_ask = next(iter(asks(draft.body)), None)
    if not value:
        if context.purpose == "acknowledgment":
            return []
        return [
            Violation(
                "value.missing",
                "the message gives nothing and only asks or chats: add an answer from a cited source, a "
                "resource, a customer result or a useful fact about their situation",
            )
        ]
    if first_ask is not None and first_ask.start < value[0].start:
        return [
            Violation(
                "value.after_ask",
                "the ask comes before any value: give the answer or resource first, then ask",
                first_ask.start,
                first_ask.end,
            )
        ]
    return []
