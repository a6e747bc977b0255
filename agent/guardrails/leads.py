"""A draft written with another lead's details: ``wrong_lead``.

Drafts for several leads are written side by side, so the likely mix-ups are a greeting to someone else,
another lead's name, company or town, and another lead's situation told back as this lead's ("since you
helped your son move"). A situation is matched on the words that carry it: a sentence about the reader
that shares two or more such words with another lead's need or inquiry, and none with this lead's, was
written for the other lead. What the reader is said to have mentioned must be something they mentioned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from agent.domain import LeadContext
from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.figures import Figure, figures, scaled
from agent.guardrails.lexicon import (
    BODY_PARTS,
    COMMON_WORDS,
    RELATIVES,
    fold_plain,
    is_ordinary_word,
    is_spanish_word,
    word_set,
)
from agent.guardrails.names import is_spanish, lead_proper_words
from agent.guardrails.text import Part, _normalised, corpus_for, normalise, sentences

WORD = re.compile(r"[a-záéíóúüñ]+(?:['’][a-z]+)?")
# Words of any request: they say nothing about whose situation it is.
STOP = word_set(
    "about after again also because been before being could does doing every from have here into "
    "just know like make many more most much need only other over really same some still than that "
    "their them then there these they thing think this those very want what when where which while "
    "will with would your yours you're you've right been still usually ahora algo algún alguna "
    "también como cómo cuando cuándo desde donde dónde esta está este esto estoy hace hacer hasta "
    "mucho muy nada para pero poco porque puede puedo quiere quiero saber sobre solo tengo tiene "
    "tienen todo yourself usted ustedes buenas buenos hola gracias favor mismo otra otro cada bien "
    "mejor más menos"
)
PRONOUNS = word_set(
    "my your his her our their mine yours its mi mis tu tus su sus nuestro nuestra los las del una "
    "uno unos unas con por que the and for you she him"
)
SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|yourself|usted|ustedes|su|sus|tu|tus|le|les)\b", re.IGNORECASE
)
THEY_SAID = re.compile(
    r"\b(?:(?:like|as) you (?:mentioned|said|told us|wrote)|you mentioned|you told (?:me|us)|"
    r"como (?:me |nos )?(?:coment[óo]|mencion[óo]|dijo|cont[óo])|usted (?:mencion[óo]|coment[óo]))\b",
    re.IGNORECASE,
)
GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|hola|buenos días|buenas tardes|buenas noches|buenas|estimad[oa]|querid[oa])"
    r"[ \t,]+(?:(?:mr|mrs|ms|dr|sr|sra|srta)\.?\s+|doña\s+|don\s+)?((?-i:[A-ZÁÉÍÓÚÑ])[\wáéíóúñ'’-]+)",
    re.IGNORECASE,
)
PLACED = re.compile(r"(?:\b(?:in|at|from|near|en|de|desde|hi|hello|dear|hola)|,)\s+$", re.IGNORECASE)
NOT_A_NAME = word_set(
    "there team all everyone folks friends todos todas equipo familia vecinos amigos"
    " hi hello hey dear hola buenas buenos estimado estimada querido querida thanks gracias"
)
# A relative given to the reader: "your mother", "su mamá", "tus hijos".
YOUR_RELATIVE = re.compile(r"\b(?:your|su|sus|tu|tus)\s+([\w-]+)", re.IGNORECASE)
# A part of the body given to the reader: "your knee", "su rodilla", or asked about with the article
# Spanish uses for one's own body ("¿Sigue sintiendo la rodilla?").
YOUR_BODY = re.compile(r"\b(?:your|su|sus|tu|tus|esa|ese|la|el|los|las)\s+(?:left |right )?([\w-]+)", re.I)
YOUR_OWN = re.compile(r"\b(?:your|su|sus|tu|tus)\s+(?:left |right )?([\w-]+)", re.IGNORECASE)
# A company is called by its name without the legal form: "Limpiezas Soto" is "Limpiezas Soto LLC".
LEGAL_SUFFIX = re.compile(
    r",?\s+(?:llc|l\.l\.c\.|inc\.?|incorporated|ltd\.?|limited|corp\.?|corporation|co\.|pllc|llp|"
    r"s\.?a\.?(?: de c\.?v\.?)?|s\.?l\.?|gmbh)$",
    re.IGNORECASE,
)
DISTINCT = 10  # a bare number from 10 up ("since 2020", "12 people") tells whose situation it is
VOCATIVE = re.compile(r"^([A-ZÁÉÍÓÚÑ][\wáéíóúñ'’-]+),\s")  # an SMS that opens with the name: "Tomás, en..."


def check_wrong_lead(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """The addressee, names and situation of the draft must be this lead's, not another's."""
    lead = context.lead
    if lead is None:
        return []
    violations = _addressee(draft.body, lead, context)
    greeted = {(v.start, v.end) for v in violations}
    texts = [(draft.body, False)] + ([(draft.subject, True)] if draft.subject else [])
    for text, in_subject in texts:
        found = _other_names(text, lead, context) + _situations(text, lead, context)
        found = [v for v in found if in_subject or (v.start, v.end) not in greeted]
        violations += [_in_subject(v) if in_subject else v for v in found]
    return violations


def _in_subject(violation: Violation) -> Violation:
    return Violation(violation.code, f"in the subject, {violation.message}")


def _addressee(body: str, lead: LeadContext, context: GuardrailContext) -> list[Violation]:
    first = body.lstrip()
    offset = len(body) - len(first)
    match = GREETING.match(first) or VOCATIVE.match(first)
    if match is None:
        return []
    name = match.group(1)
    own = {_plain(part) for value in (lead.first_name, lead.last_name) if value for part in value.split()}
    other = _is_other(name, context)
    if (
        _plain(name) in own
        or name.lower() in NOT_A_NAME
        or (not other and corpus_for(context).contains_phrase(name))
    ):
        return []
    return [
        Violation(
            "wrong_lead",
            f'the greeting is to "{name}", but this lead is {lead.first_name}: the draft was written for '
            "someone else",
            offset + match.start(1),
            offset + match.end(1),
        )
    ]


def _is_other(name: str, context: GuardrailContext) -> bool:
    return any(
        _plain(name) in {_plain(part) for part in (other.first_name or "").split()}
        for other in context.other_leads
    )


def _other_names(text: str, lead: LeadContext, context: GuardrailContext) -> list[Violation]:
    """Another lead's first name, surname, company or town, where nothing allowed gives it."""
    corpus = corpus_for(context)
    own = normalise(" ".join(v for v in (lead.first_name, lead.last_name, lead.company, lead.town) if v))
    found: list[Violation] = []
    for other in context.other_leads:
        named = lead_proper_words(other)  # "mi gato Oliver": a name they wrote, whatever else it means
        company = LEGAL_SUFFIX.sub("", other.company) if other.company else None
        company = company if company and " " in company else None  # "Acme Co." is not "Acme"
        for value in dict.fromkeys(
            (other.first_name, other.last_name, other.company, company, other.town, *named)
        ):
            if not value or len(value) < 3 or normalise(value) in own:
                continue
            word = value not in named and " " not in value
            word = word and (is_ordinary_word(value) or is_spanish_word(value))
            for match in re.finditer(rf"(?<![\w]){re.escape(value)}(?![\w])", text):
                if _allowed_elsewhere(value, corpus.parts, lead):
                    break
                if word and not PLACED.search(text, 0, match.start()):
                    continue  # "this Spring", "Rose": an ordinary word unless used as a name or a place
                found.append(
                    Violation(
                        "wrong_lead",
                        f'"{value}" belongs to another lead ({other.first_name} {other.last_name or ""}), '
                        "not to this one: check whom the draft was written for".replace(" )", ")"),
                        match.start(),
                        match.end(),
                    )
                )
    return found


def _allowed_elsewhere(value: str, parts: Iterable[str], lead: LeadContext) -> bool:
    """In a source, the company's facts or profile (a clinic in the town a neighbour lives in)."""
    mine = {lead.first_name, lead.last_name, lead.company, lead.town, lead.need, lead.inquiry_text}
    needle = normalise(value)
    pattern = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")
    return any(
        part not in mine and needle in _normalised(part) and pattern.search(_normalised(part))
        for part in parts
    )


def _situations(text: str, lead: LeadContext, context: GuardrailContext) -> list[Violation]:
    """Sentences about the reader that repeat another lead's words: two pairs of content words in a row."""
    own = _stems(_about(lead))
    own_pairs = _pairs(_about(lead))
    mine = {lead.need, lead.inquiry_text, lead.role, lead.company}
    parts = tuple(corpus_for(context).parts)
    known = _known_pairs(tuple(part for part in parts if part not in mine))
    same_language = is_spanish(text) == is_spanish(lead.inquiry_text or lead.need or "")
    about = _about(lead)
    own_people = _relatives(about) | _body(about)
    own_numbers = _scaled_of(about)
    # Each other lead's words read once per draft: their pairs, figures, relatives and parts of the body.
    others = [
        (other, _pairs(words), _scaled_of(words), _relatives(words) | _body(words))
        for other in context.other_leads
        for words in (_about(other),)
    ]
    found: list[Violation] = []
    for sentence in sentences(text):
        if sentence.part is not Part.BODY or not (
            SECOND_PERSON.search(sentence.text) or "?" in sentence.text
        ):
            continue
        stems = _stems(sentence.text)
        said = THEY_SAID.search(sentence.text)
        reported = _reported(sentence.text, said.end()) if said is not None else frozenset()
        if (
            said is not None
            and lead.inquiry_text
            and same_language
            and stems - _stems(said.group())
            and (
                not stems & own
                or (len(reported) >= REPORTED_WORDS and len(reported & own) * 3 < len(reported))
            )
        ):
            found.append(_situation(sentence.text, sentence.start, "something this lead never said"))
            continue
        pairs = _pairs(sentence.text) - own_pairs - known
        numbers = _scaled_of(sentence.text) - own_numbers
        people = (_relatives_given(sentence.text) | _body_given(sentence.text)) - own_people
        for other, their_pairs, their_numbers, their_people in others:
            shared = pairs & their_pairs
            same_numbers = numbers & their_numbers
            # A figure only their words give: "como usted ya tiene paneles desde 2020".
            theirs_only = (
                {f for f in same_numbers - _figures_of(parts) if f[1] is not None or f[0] >= DISTINCT}
                if same_numbers
                else set()
            )
            # Two pairs of their words, or one and a figure of theirs ("nine hours ... call center"), a
            # figure no source gives, or a relative of theirs ("for your mother" of "mi mamá").
            if len(shared) >= 2 or (shared and same_numbers) or theirs_only or people & their_people:
                found.append(_situation(sentence.text, sentence.start, f"{other.first_name}'s situation"))
                break
    return found


# What a lead is said to have told us, when it is this long, must be mostly in their own words: "como me
# comentó que su familia podría tener que cambiar la fecha si llegan órdenes del ejército" shares one
# word ("familia") with a lead who asked about paying in parts.
REPORTED_WORDS = 4
CLAUSE_END = re.compile(r"[,;.!?:\n]")


def _reported(sentence: str, start: int) -> frozenset[str]:
    """The content words of the clause a THEY_SAID phrase introduces."""
    end = CLAUSE_END.search(sentence, start)
    return _stems(sentence[start : end.start() if end else len(sentence)])


@lru_cache(maxsize=4096)
def _relatives(text: str) -> frozenset[str]:
    """The relatives a text speaks of, in any language: "mi mamá" and "my mother" are one."""
    return frozenset(
        RELATIVES[key]
        for word in re.findall(r"[\w-]+", text)
        for key in (fold_plain(word), fold_plain(word).rstrip("s"))
        if key in RELATIVES
    )


def _relatives_given(text: str) -> frozenset[str]:
    """The relatives a sentence gives the reader ("your mother", "sus hijos")."""
    return frozenset().union(*(_relatives(m.group(1)) for m in YOUR_RELATIVE.finditer(text)))


@lru_cache(maxsize=4096)
def _body(text: str) -> frozenset[str]:
    """The parts of the body a text speaks of, in any language: "la rodilla" and "my knee" are one."""
    return frozenset(
        BODY_PARTS[key] for word in re.findall(r"[\w-]+", text) if (key := fold_plain(word)) in BODY_PARTS
    )


def _body_given(text: str) -> frozenset[str]:
    """Parts of the body a sentence gives the reader: with a possessive, or in a question to them."""
    matches = YOUR_BODY.finditer(text) if "?" in text else YOUR_OWN.finditer(text)
    return frozenset().union(*(_body(m.group(1)) for m in matches))


def _figures_of(parts: tuple[str, ...]) -> frozenset[Figure]:
    return frozenset().union(*(_scaled_of(part) for part in parts))


@lru_cache(maxsize=4096)
def _scaled_of(part: str) -> frozenset[Figure]:
    return frozenset(scaled(f) for f in figures(part))


@lru_cache(maxsize=64)
def _known_pairs(parts: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset().union(*(_pairs(part) for part in parts))


@lru_cache(maxsize=4096)
def _pairs(text: str) -> frozenset[tuple[str, str]]:
    """Two content words in a row, function words and pronouns left out: "helped (my) son move"."""
    content = [_plain(w)[:6] for w in WORD.findall(text.lower()) if _content(w)]
    return frozenset(pairwise(content))


def _content(word: str) -> bool:
    return len(word) >= 3 and word not in STOP and word not in COMMON_WORDS and word not in PRONOUNS


def _situation(text: str, start: int, whose: str) -> Violation:
    return Violation(
        "wrong_lead",
        f'"{text}" tells {whose} as if it were this lead\'s: use only what this lead told us',
        start,
        start + len(text),
    )


def _about(lead: LeadContext) -> str:
    return " ".join(v for v in (lead.need, lead.inquiry_text, lead.role, lead.company) if v)


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    """The words that carry a situation, cut to a stem so "helped"/"helping" and "pintar"/"pintura" meet."""
    stems = set()
    for word in WORD.findall(text.lower()):
        if len(word) < 4 or word in STOP or word in COMMON_WORDS:
            continue
        stems.add(_plain(word)[:5])
    return frozenset(stems)


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
