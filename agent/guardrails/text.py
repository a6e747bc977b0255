"""Text primitives shared by the checks: sentences with spans, words, syllables, the allowed corpus.

Spans always index the original body, so the review page can underline exactly what a check found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache

from agent.guardrails.base import GuardrailContext
from agent.guardrails.folding import fold
from agent.guardrails.optout import instructions

WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]*")
URL = re.compile(r"\bhttps?://[^\s<>\"'()]+|\bwww\.[^\s<>\"'()]+", re.IGNORECASE)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<![\w.])\+?\d[\d ().-]{6,}\d(?!\w)(?!\.\d)")
SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
# A full stop after these is not the end of a sentence ("Fade & Co. Barbers", "Dr. Reyes", "la Dra. Okafor").
ABBREVIATIONS = frozenset(
    {"co", "inc", "ltd", "llc", "corp", "dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "vs", "etc", "no"}
    | {"dra", "sr", "sra", "srta", "sres", "lic", "licda", "ing", "arq", "prof"}
)
GREETING = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)\b[^.!?]{0,60}[,!]?$", re.I
)
SIGNOFF = re.compile(
    r"^(best|thanks|thank you|many thanks|cheers|regards|kind regards|best regards|warm regards|"
    r"all the best|talk soon|sincerely|speak soon|warmly)\b[^.!?]{0,40}[,.!]?$",
    re.IGNORECASE,
)
POSTSCRIPT = re.compile(r"^p\.?\s?s\.?(?:[:,]\s*|\s+)", re.IGNORECASE)  # "P.S. ", "PS: "
TRAILING_PUNCTUATION = ".,;:!?)]}\"'’”"


class Part(StrEnum):
    GREETING = "greeting"
    BODY = "body"
    SIGNOFF = "signoff"
    OPT_OUT = "opt_out"


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int
    part: Part


# A line break inside a hard-wrapped paragraph ("...signed by January 31, 2027,\nand the cameras installed
# by February 28"), as plain-text email is written: read as a space. A break before a list item, after
# a short line (a greeting, a signature's name) or after a line's closing punctuation stays one.
_LINE_BREAK = re.compile(r"(?<=\S)[ \t]*\n(?=[ \t]*\S)")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•·]|\d{1,2}[.)])\s")
_WRAPPED_LINE = 40  # characters: shorter lines are greetings, sign-offs and signatures, not wrapped prose


def unwrapped(body: str) -> str:
    """``body`` with each soft line break (a wrapped paragraph's) turned into a space: the same length,
    so every offset into it is one into ``body``."""
    if "\n" not in body:
        return body
    chars = list(body)
    for match in _LINE_BREAK.finditer(body):
        newline = match.start() + match.group().index("\n")
        line = body[body.rfind("\n", 0, match.start()) + 1 : match.start()]
        following = body[newline + 1 :]
        if _LIST_ITEM.match(following):
            continue
        first = following.lstrip()[:1]
        if first.islower() or (len(line) >= _WRAPPED_LINE and line.rstrip()[-1:] not in ".!?:;…"):
            chars[newline] = " "
    return "".join(chars)


def sentences(body: str) -> list[Sentence]:
    """The body's sentences (see ``_sentences``); a new list each time, the split done once per text."""
    return list(_sentences(body))


@lru_cache(maxsize=2048)
def _sentences(body: str) -> tuple[Sentence, ...]:
    """The body's sentences, each tagged as greeting, body, sign-off or SMS opt-out line.

    Lines are split first (a greeting or signature line has no full stop), then sentences within a
    line. Everything after a sign-off line ("Best,") is signature, except a postscript: "P.S." is read
    as part of the message (its "P.S." left out of the sentence), because it is, and is read first.
    """
    found: list[Sentence] = []
    in_signature = False
    offset = 0
    for line in unwrapped(body).splitlines(keepends=True):
        stripped = line.strip()
        line_start = offset + (len(line) - len(line.lstrip()))
        offset += len(line)
        if not stripped:
            continue
        postscript = POSTSCRIPT.match(stripped)
        if postscript:
            in_signature = False
            found.extend(_split_line(stripped[postscript.end() :], line_start + postscript.end()))
            continue
        if in_signature or (SIGNOFF.match(stripped) and len(stripped.split()) <= 5):
            in_signature = True
            found.append(Sentence(stripped, line_start, line_start + len(stripped), Part.SIGNOFF))
            continue
        if not found and GREETING.match(stripped):
            found.append(Sentence(stripped, line_start, line_start + len(stripped), Part.GREETING))
            continue
        found.extend(_split_line(stripped, line_start))
    return tuple(found)


def _split_line(line: str, line_start: int) -> Iterator[Sentence]:
    position = 0
    for match in SENTENCE_END.finditer(line):
        before = line[position : match.start()].rsplit(maxsplit=1)
        if before and before[-1].rstrip(".").lower() in ABBREVIATIONS:
            continue
        yield _sentence(line[position : match.start()], line_start + position)
        position = match.end()
    if position < len(line):
        yield _sentence(line[position:], line_start + position)


def _sentence(text: str, start: int) -> Sentence:
    stripped = text.strip()
    start += len(text) - len(text.lstrip())
    if GREETING.match(stripped) and stripped.endswith(","):
        part = Part.GREETING
    elif len(stripped.split()) <= 8 and instructions(stripped):  # "Reply STOP", "Responda BAJA"
        part = Part.OPT_OUT
    else:
        part = Part.BODY
    return Sentence(stripped, start, start + len(stripped), part)


# A denial a few words before a phrase, in the same clause: "we don't offer refunds", "no need to hurry".
_DENIAL = re.compile(
    r"(?<![\w'’])(?:no|not|never|cannot|can['’]?t|don['’]?t|doesn['’]?t|won['’]?t|isn['’]?t|aren['’]?t|"
    r"without|nothing|nobody|sin|nunca|nada|nadie|tampoco|ni)\b(?:[ \t]+[\w'’-]+){0,4}[ \t]*$",
    re.IGNORECASE,
)
_CONDITION = re.compile(r"\b(?:if|unless|si|a menos que)\b[^.!?;:,\n]*$", re.IGNORECASE)
_BUT = re.compile(r"\b(?:but|pero|though|however|aunque|sino)\b", re.IGNORECASE)


def denied_before(text: str, start: int) -> bool:
    """Whether the phrase at ``start`` is denied: "we don't offer refunds", "there's no rush".

    Not when the denial sits in a condition ("if you don't love it we'll refund", "if you don't
    decide today, ...") or a "but" turns it ("no pressure - but prices go up"). Shared by the checks
    that read a phrase by what it does (offer money, push the lead), not by its words.
    """
    before = text[max(0, start - 80) : start]
    denied = _DENIAL.search(before)
    if denied is None or _BUT.search(before, denied.start()):
        return False
    return _CONDITION.search(before[: denied.start()]) is None


def body_sentences(body: str) -> list[Sentence]:
    return [s for s in sentences(body) if s.part is Part.BODY]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def normalise(text: str) -> str:
    """Lower case, curly quotes and dashes made plain, whitespace collapsed: for substring matching."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    return " ".join(text.lower().split())


def strip_url(url: str) -> str:
    return url.rstrip(TRAILING_PUNCTUATION)


class Corpus:
    """All text a draft may draw facts from, split into parts whose derived facts are cached.

    Most parts repeat from draft to draft (the company's facts, its identity, popular sources), so
    what is extracted from a part (its normalised text, links, addresses, numbers) is computed once
    per process, and a draft's check run only pays for what is new about it.
    """

    def __init__(self, context: GuardrailContext) -> None:
        parts: list[str] = []
        lead = context.lead
        if lead is not None:
            parts += [
                value
                for value in (
                    lead.first_name,
                    lead.last_name,
                    lead.email,
                    lead.phone,
                    lead.company,
                    lead.role,
                    lead.town,
                    lead.industry,
                    lead.need,
                    lead.inquiry_text,
                    lead.timezone,
                )
                if value
            ]
            if lead.deal_value is not None:
                parts.append(str(lead.deal_value))
        for source in context.sources:
            parts += [source.title, source.text, source.url or "", source.customer or "", *source.figures]
        parts += context.company_facts
        identity = context.identity
        if identity is not None:
            parts += [*identity.own_names, identity.sender_email, identity.postal_address]
            parts += [identity.reply_to or "", identity.phone or ""]
        parts += context.allowed_phrases
        self.parts = tuple(part for part in parts if part)

    @cached_property
    def raw(self) -> str:
        return "\n".join(self.parts)

    @cached_property
    def text(self) -> str:
        return "\n".join(_normalised(part) for part in self.parts)

    @cached_property
    def urls(self) -> set[str]:
        return set().union(*(_urls(part) for part in self.parts))

    @cached_property
    def emails(self) -> set[str]:
        return set().union(*(_emails(part) for part in self.parts))

    @cached_property
    def phone_digits(self) -> set[str]:
        return set().union(*(_phones(part) for part in self.parts))

    def contains_phrase(self, phrase: str) -> bool:
        """Whole-word, case-insensitive: "Maple Grove" is in "Maple Grove Family Dentistry"."""
        needle = normalise(phrase).strip(TRAILING_PUNCTUATION + " ")
        if not needle:
            return True
        found = self._phrases.get(needle)
        if found is None:  # a plain substring test first: most phrases are not there at all
            found = needle in self.text and _phrase_pattern(needle).search(self.text) is not None
            self._phrases[needle] = found
        return found

    def contains_name(self, phrase: str) -> bool:
        """``contains_phrase``, but blind to accents: "Lucia" and "Maria" in a text message are the
        Lucía and María of the corpus, written the way people type on a phone."""
        if self.contains_phrase(phrase):
            return True
        needle = fold(normalise(phrase).strip(TRAILING_PUNCTUATION + " "))
        return any(self._contains_folded(form) for form in _number_forms(needle))

    def _contains_folded(self, needle: str) -> bool:
        found = self._folded_phrases.get(needle)
        if found is None:
            found = needle in self._folded and _phrase_pattern(needle).search(self._folded) is not None
            self._folded_phrases[needle] = found
        return found

    def contains_name_then(self, name: str, initial: str) -> bool:
        """The name followed by a word starting with ``initial``: "Lucía H." for "Lucía Herrera"."""
        needle = re.escape(fold(normalise(name))) + r"\s+" + re.escape(fold(initial.lower()))
        return re.search(rf"(?<!\w){needle}", self._folded) is not None

    @cached_property
    def _folded(self) -> str:
        return _fold_long(self.text)

    @cached_property
    def _phrases(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _folded_phrases(self) -> dict[str, bool]:
        return {}


def _number_forms(needle: str) -> tuple[str, ...]:
    """The name and its last word in the other number: "ProAdvisor" is the corpus's "ProAdvisors"."""
    forms = [needle]
    if len(needle) > 3 and needle[-1:].isalpha():
        forms += [needle + "s", needle + "es"]
        if needle.endswith("es"):
            forms.append(needle[:-2])
        if needle.endswith("s"):
            forms.append(needle[:-1])
    return tuple(forms)


def _fold_long(text: str) -> str:
    """``fold`` for a corpus: folded line by line, so the per-text cache of ``fold`` stays small."""
    return "\n".join(fold(line) for line in text.split("\n"))


@lru_cache(maxsize=8192)
def _phrase_pattern(needle: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")


@lru_cache(maxsize=64)
def corpus_for(context: GuardrailContext) -> Corpus:
    """One corpus per context: the checks of one run share it."""
    return Corpus(context)


@lru_cache(maxsize=8192)
def _normalised(part: str) -> str:
    return normalise(part)


@lru_cache(maxsize=8192)
def _urls(part: str) -> frozenset[str]:
    return frozenset(normalise(strip_url(url)) for url in URL.findall(part))


@lru_cache(maxsize=8192)
def _emails(part: str) -> frozenset[str]:
    return frozenset(email.lower() for email in EMAIL.findall(part))


@lru_cache(maxsize=8192)
def _phones(part: str) -> frozenset[str]:
    return frozenset(re.sub(r"\D", "", phone) for phone in PHONE.findall(part))
