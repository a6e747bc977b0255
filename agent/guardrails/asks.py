"""Value before the ask: one clear next step, after something useful, and not too many asks per sequence.

An *ask* is a sentence that asks the lead to do or answer something: a question, or an imperative such
as "let me know" or "book a time". A *hard* ask wants their time or money (a call, a demo, a trial, a
purchase); a soft one asks about their situation. A sentence *gives value* when it carries something
from the knowledge base: a source's title, customer, link, figure or a quoted run of its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from agent.guardrails.base import DraftText, GuardrailContext, PriorMessage, SourceLike, Violation
from agent.guardrails.grounding import figures
from agent.guardrails.lexicon import COMMON_WORDS
from agent.guardrails.text import URL, Sentence, body_sentences, normalise, words

QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']*\?'(?!\w)|‘[^’]*’")  # a quoted title is not an ask
IMPERATIVE_ASK = re.compile(
    r"^(?:(?:please|just|simply|so|then|and|or|now|if you like),?\s+)*"
    r"(?:reply|hit reply|book|schedule|(?:grab|pick) (?:a|any|one of the) (?:time|slot|day)|click|sign up|"
    r"get started|start|give (?:me|us) a call|call (?:me|us)|reach out|drop (?:me|us)|tell me|send (?:me|us)|"
    r"let's|use (?:this|the) link)\b"
    r"|\b(?:let me know|feel free to|you can (?:book|reply|schedule|(?:grab|pick) (?:a|any) (?:time|slot))|"
    r"just reply|hit reply)\b",
    re.IGNORECASE,
)
# A question the writer poses and answers ("A question teams ask: is the data safe? It is..."), or one
# nobody is meant to answer ("Who doesn't want a full book?"), asks the lead nothing. "Quick question:
# would...?" and "Let me ask: would...?" are real asks.
RHETORICAL = re.compile(
    r"^(?:who (?:doesn't|does not|wouldn't|would not|isn't|is not|wants|likes|enjoys|loves|has time|needs)|"
    r"why would anyone)\b"
    r"|(?<!\bi )(?<!\bme )(?<!\bwe )(?<!\bus )\b(?:ask|asks|asked|wonder|wonders)\b[^?:]*:\s*[^?]+\?$",
    re.IGNORECASE,
)
# Asking for the lead's time (a call, a meeting, a walk-through, one of the offered slots) or money.
_COMMIT = r"sign up|start (?:a|your|the) (?:free )?trial|buy|purchase|upgrade|subscribe"
HARD_ASK = re.compile(
    r"\b(?:a|an|one|quick|short|brief|\d+[- ]minute)\s+(?:\w+\s+)?"
    r"(?:call|chat|demo|meeting|zoom|video call|phone call|walk-?through)\b"
    r"|\b(?:talk|speak|meet|chat) (?:with|to) (?:me|us|someone|our)\b"
    r"|\b(?:can|could|shall|should) we (?:talk|speak|meet|chat|hop on|jump on|set up)\b"
    r"|\b(?:call|phone|ring) (?:me|us|you)\b|\bgive (?:me|us|you) a (?:call|ring)\b"
    r"|\b(?:walk|walked|walking|take|took) you through\b|\bshow you (?:around|how)\b"
    r"|\bbook(?:ing)? (?:a|some|time|in)\b|\bschedule (?:a|some|time|your|it)\b|\bset up (?:a|some) time\b"
    r"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday) at \d"
    rf"|\b(?:you|we) (?:like to |want to |be ready to )?(?:{_COMMIT}|place an order|move forward)\b"
    rf"|^(?:{_COMMIT})\b|\b(?:want|like|ready) to (?:{_COMMIT}|get started)\b"
    r"|\b(?:send|put together|prepare) (?:you )?(?:a|the) (?:quote|proposal|contract)\b"
    r"|\bpricing for\b|\bput the numbers together\b|\bgo through the numbers\b",
    re.IGNORECASE,
)
MEETING_REQUEST = re.compile(
    r"\b(call|demo|meeting|meet|talk|speak|chat|phone|zoom|quote|proposal|walk ?through|show me)\b",
    re.IGNORECASE,
)
# Sequence purposes whose messages are value touches by design (their own drafts had to give value).
VALUE_PURPOSES = frozenset(
    {"value_add", "social_proof", "faq", "objection", "pricing", "nurture", "re_engagement", "post_meeting"}
)
AFTER_A_MEETING = frozenset({"post_meeting"})  # they already gave us their time; the next step may ask again
VALUE_PER_ASK = 3
QUOTE_WORDS = 5
MIN_BARE_FIGURE = 10  # a bare "3" proves nothing; "38%", "$79" or "1,150" come from somewhere
REWORDED_WORDS = 4  # content words a reworded answer shares with its source...
REWORDED_SHARE = 0.6  # ...and the share of the sentence's content words they make up
CONTINUED_ASK = re.compile(r"^or\b", re.IGNORECASE)


def is_ask(sentence: str) -> bool:
    unquoted = QUOTED.sub("", sentence).strip()
    if RHETORICAL.search(unquoted):
        return False
    return unquoted.endswith("?") or "? " in unquoted or IMPERATIVE_ASK.search(unquoted) is not None


def is_hard_ask(sentence: str) -> bool:
    return is_ask(sentence) and HARD_ASK.search(QUOTED.sub("", sentence)) is not None


def asks(body: str) -> list[Sentence]:
    """The asks of a body; "Would Tuesday work? Or is Wednesday better?" is one ask, two options."""
    found: list[Sentence] = []
    for sentence in body_sentences(body):
        if not is_ask(sentence.text):
            continue
        if found and CONTINUED_ASK.match(sentence.text) and not body[found[-1].end : sentence.start].strip():
            found[-1] = Sentence(
                body[found[-1].start : sentence.end], found[-1].start, sentence.end, found[-1].part
            )
            continue
        found.append(sentence)
    return found


def has_hard_ask(body: str) -> bool:
    return any(is_hard_ask(s.text) for s in body_sentences(body))


def lead_asked_to_meet(context: GuardrailContext) -> bool:
    """A lead who asked for a call or a demo is answered, not pushed, when we offer one."""
    text = context.lead.inquiry_text if context.lead is not None else None
    return bool(text and MEETING_REQUEST.search(text))


def hard_ask_allowed(context: GuardrailContext, *, gives_value: bool = True) -> bool:
    """Whether this message may ask for time or money: at least 3 value touches per ask, over the sequence."""
    if lead_asked_to_meet(context) or context.purpose in AFTER_A_MEETING:
        return True
    value, hard = _sequence_counts(context.previous)
    return value + int(gives_value) >= VALUE_PER_ASK * (hard + 1)


def _sequence_counts(previous: Sequence[PriorMessage]) -> tuple[int, int]:
    value = sum(1 for message in previous if message.purpose in VALUE_PURPOSES)
    hard = sum(1 for message in previous if has_hard_ask(message.body))
    return value, hard


def value_sentences(body: str, sources: Sequence[SourceLike]) -> list[Sentence]:
    return [s for s in body_sentences(body) if gives_value(s.text, sources)]


def gives_value(sentence: str, sources: Sequence[SourceLike]) -> bool:
    """Carries something of a source: its link, title, customer, a figure, a quote, or its answer reworded.

    "Reworded" means most of the sentence's content words come from the source: an LLM that answers
    "you can sell session bundles on every plan" from the FAQ gives value without quoting five words
    in a row. A question is never value by wording alone: asking about a topic gives nothing.
    """
    if URL.search(sentence):
        return True
    text = normalise(sentence)
    stated = {f for f in figures(sentence) if f[1] is not None or f[0] >= MIN_BARE_FIGURE}
    for source in sources:
        if len(source.title) >= 12 and normalise(source.title) in text:
            return True
        if source.customer and any(_contains(text, name) for name in _customer_names(source.customer)):
            return True
        if stated & figures(source.text):
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


def check_call_to_action(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    found = asks(draft.body)
    if not found:
        return [
            Violation(
                "cta.missing",
                "no clear next step: end with one concrete question or two time options",
            )
        ]
    return [
        Violation(
            "cta.multiple",
            f"{len(found)} asks in one message; keep exactly one clear next step",
            extra.start,
            extra.end,
        )
        for extra in found[1:]
    ]


def check_value_first(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Something useful from the knowledge base, before the first ask (acknowledgments may skip it)."""
    value = value_sentences(draft.body, context.sources)
    first_ask = next(iter(asks(draft.body)), None)
    if not value:
        if context.purpose == "acknowledgment":
            return []
        return [
            Violation(
                "value.missing",
                "the message gives nothing before it asks: quote a cited source (an answer, a resource, "
                "a customer result)",
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


def check_value_per_ask(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    hard = next((s for s in body_sentences(draft.body) if is_hard_ask(s.text)), None)
    if hard is None:
        return []
    gives = bool(value_sentences(draft.body, context.sources))
    if hard_ask_allowed(context, gives_value=gives):
        return []
    value, asked = _sequence_counts(context.previous)
    return [
        Violation(
            "value.per_ask",
            f"asks for time or money after {value + int(gives)} value touch(es) and {asked} earlier ask(s); "
            f"give {VALUE_PER_ASK} value touches per ask: ask about their situation instead",
            hard.start,
            hard.end,
        )
    ]
