"""Names in a draft: which capitalised words are names, and whether the allowed material gives them.

A capital is a name only where grammar does not explain it. English capitalises the first word of a
sentence; Spanish does too, and also after "¿" and "¡", but never a weekday, a month or a language. So a
sentence's first word is grammar when it is an ordinary word of the draft's language ("Responda",
"Qué", "Imagine"), unless the sentence introduces it as a person ("Mike, a solar expert on our team").
Every other capitalised run must be in the corpus as written, or be made of parts that are ("Lucía de
Casa Verde" is the sender and the company). Names of the lead's neighbours in the same pipeline are
left to ``wrong_lead``, which says what is really wrong with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from agent.guardrails.base import GuardrailContext
from agent.guardrails.lexicon import COMMON_WORDS, is_ordinary_word, is_proper_noun, is_spanish_word, word_set
from agent.guardrails.text import Corpus, Part, normalise, sentences

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
SPANISH_CALENDAR = word_set(
    "lunes martes miércoles miercoles jueves viernes sábado sabado domingo enero febrero marzo abril "
    "mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
)
CALENDAR_WORDS = frozenset((*WEEKDAYS, *MONTHS, *SPANISH_CALENDAR))
# Words that open a greeting or stand before a name: never part of the name itself.
GREETING_WORDS = word_set(
    "hi hello hey dear hola buenos buenas estimado estimada estimados querido querida saludos gracias "
    "thanks mr mrs ms miss dr sr sra srta don doña prof"
)
JOIN = re.compile(r"\s+(?:&\s+)?")  # what may stand between two words of one name
NAME_TOKEN = re.compile(r"[A-Za-zÀ-ÿ0-9][\wÀ-ÿ'’&-]*\.?")
CONNECTORS = frozenset({"&", "and", "of", "de", "la", "van", "von", "du", "del", "the", "y", "at"})
ABBREVIATIONS = frozenset(
    {
        "co.",
        "inc.",
        "ltd.",
        "dr.",
        "st.",
        "corp.",
        "llc.",
        "llp.",
        "sr.",
        "sra.",
        "srta.",
        "mr.",
        "mrs.",
        "ms.",
        "prof.",
    }
)
ALWAYS_FINE = frozenset(
    {"I", "I'm", "I'll", "I've", "I'd", "I’m", "I’ll", "I’ve", "I’d", "OK", "Ok", "Ud", "Uds"}
)
SENTENCE_OPENER = re.compile(r"(?:[.!?…:;\"“(\[—–¿¡]|\s-)[\s\"“(¿¡]*$")
# "Mike, a solar expert on our team", "Will, their project manager", "Will from our office": a person.
INTRODUCED = re.compile(
    r",\s+(?:a|an|our|their|his|her|one of|who|un|una|nuestr[oa]s?|su|quien|uno de|una de)\b"
    r"|\s+(?:from|de)\s+(?:our|nuestr[oa])\b",
    re.IGNORECASE,
)
SPANISH_MARKERS = word_set("de la que el en los su para con por una las del se le usted es más")
ENGLISH_MARKERS = word_set("the and to of you your for is in with on we our it this that")

Token = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Name:
    """An ungrounded name: its text and its span in the text it was found in."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=2048)
def is_spanish(text: str) -> bool:
    """More Spanish function words than English ones: the language whose grammar explains the capitals."""
    tokens = re.findall(r"[a-záéíóúñ]+", text.lower())
    return sum(t in SPANISH_MARKERS for t in tokens) > sum(t in ENGLISH_MARKERS for t in tokens)


def ungrounded_names(text: str, corpus: Corpus, context: GuardrailContext) -> list[Name]:
    """Capitalised runs of ``text`` that are names nobody in the corpus gives."""
    spanish = is_spanish(text)
    others = other_leads_names(context)
    told = " ".join(normalise(message.body) for message in context.previous)
    found: list[Name] = []
    for sentence in sentences(text):
        if sentence.part is Part.OPT_OUT:
            continue
        for run, initial in _capitalised_runs(sentence.text):
            bad = _ungrounded(sentence.text, run, initial, corpus, spanish)
            if bad is None:
                continue
            start, end = bad[0][0], bad[-1][1]
            name = sentence.text[start:end]
            if re.search(rf"(?<!\w){re.escape(normalise(name))}(?!\w)", told):
                continue  # "the Ramírez family" of the story we sent them last time
            if normalise(name) in others or any(normalise(t[2]) in others for t in bad):
                continue  # another lead's name: wrong_lead reports it
            found.append(Name(name, sentence.start + start, sentence.start + end))
    return found


def other_leads_names(context: GuardrailContext) -> frozenset[str]:
    """First names, surnames, companies and towns of the other leads that this lead does not share."""
    own = _lead_names([context.lead] if context.lead else [])
    return _lead_names(context.other_leads) - own


def _lead_names(leads: Iterable[object]) -> frozenset[str]:
    names: set[str] = set()
    for lead in leads:
        for field in ("first_name", "last_name", "company", "town"):
            value = getattr(lead, field, None)
            if value:
                names.add(normalise(value))
                names.update(normalise(part) for part in value.split() if len(part) > 2)
    return frozenset(names)


def _ordinary(word: str, spanish: bool) -> bool:
    return is_ordinary_word(word) or (spanish and is_spanish_word(word))


def _ungrounded(
    text: str, run: list[Token], initial: bool, corpus: Corpus, spanish: bool
) -> list[Token] | None:
    def phrase(tokens: list[Token]) -> str:
        return text[tokens[0][0] : tokens[-1][1]]

    introduced = INTRODUCED.match(text, run[-1][1]) is not None and is_proper_noun(run[-1][2])
    while run and not (introduced and len(run) == 1) and _lead_word(run[0][2], initial, len(run)):
        run, initial = run[1:], False  # "Thanks Dana", "Hola Elena", "Ms. Whitfield": then the name
    if not run or corpus.contains_phrase(phrase(run)):
        return None
    for cut, (_, _, token) in enumerate(run[:-1], start=1):
        # "... for Bella Hair Co. A real person will reply": the abbreviation's full stop ended a sentence.
        if (
            token.endswith(".")
            and run[cut][2].lower() in COMMON_WORDS
            and corpus.contains_phrase(phrase(run[:cut]))
        ):
            return _ungrounded(text, run[cut:], True, corpus, spanish)
    if _grounded_in_parts(text, run, corpus):
        return None
    if spanish and len(run) > 1 and all(is_spanish_word(token[2]) for token in run):
        return None  # "el Seguro Social": Spanish capitalises institutions named with common nouns
    if initial and _ordinary(run[0][2], spanish) and not (introduced and len(run) == 1):
        rest = run[1:]  # "Imagine Luna Hair Studio", "Una Walk-In Shower": grammar, then the name
        if not rest:
            return None
        # ...but "Sharp Barbers" is one made-up name, not "Sharp" and the "Barbers" of Fade & Co. Barbers.
        generic = len(rest) == 1 and _ordinary(rest[0][2], spanish)
        if not is_ordinary_word(run[0][2]):
            return _ungrounded(text, rest, False, corpus, spanish)  # "Una Walk-In Shower Conversion"
        if corpus.contains_phrase(phrase(rest)) and not generic:
            return None
    return run


def _lead_word(token: str, initial: bool, length: int) -> bool:
    """A greeting, a title or a common word before the name proper: grammar, when a name follows."""
    word = token.lower().rstrip(".")
    if word in GREETING_WORDS:
        return length > 1 or initial
    return token.lower() in COMMON_WORDS and (initial or length > 1)


def _grounded_in_parts(text: str, run: list[Token], corpus: Corpus) -> bool:
    """ "Lucía de Casa Verde", "Gloria of Alta Vista": names joined by a connector, each one grounded."""
    pieces: list[list[Token]] = [[]]
    for token in run:
        if token[2].lower() in CONNECTORS:
            pieces.append([])
        else:
            pieces[-1].append(token)
    pieces = [piece for piece in pieces if piece]
    return len(pieces) > 1 and all(
        corpus.contains_phrase(text[piece[0][0] : piece[-1][1]]) for piece in pieces
    )


def _not_a_name(token: str) -> bool:
    """Days and months are dates (checked as such), and "HUGE" is shouting (spam.caps), not names."""
    word = token.lower()
    if word in CALENDAR_WORDS or word.rstrip("s") in CALENDAR_WORDS:
        return True
    return token.isupper() and len(token) > 2 and is_ordinary_word(word)


def _capitalised_runs(text: str) -> list[tuple[list[Token], bool]]:
    """Runs of capitalised words (joined by "&", "of", "de"...), each with whether it starts a sentence."""
    runs: list[tuple[list[Token], bool]] = []
    current: list[Token] = []
    current_initial = False
    previous_end = 0
    previous_token = ""
    for index, match in enumerate(NAME_TOKEN.finditer(text)):
        start, raw = match.start(), match.group()
        token = raw if raw.lower() in ABBREVIATIONS else raw.rstrip(".")
        if token.endswith(("'s", "’s")):
            token = token[:-2]
        end = start + len(token)
        between = text[previous_end:start]
        ended = previous_token.endswith(".") and previous_token.lower() not in ABBREVIATIONS
        initial = index == 0 or SENTENCE_OPENER.search(between) is not None or (ended and between.isspace())
        adjacent = bool(current) and JOIN.fullmatch(between) is not None and not ended
        capitalised = token[:1].isupper() and token not in ALWAYS_FINE and not _not_a_name(token)
        if capitalised and adjacent:
            current.append((start, end, token))
        elif capitalised:
            if current:
                runs.append((current, current_initial))
            current, current_initial = [(start, end, token)], initial
        elif current and adjacent and token.lower() in CONNECTORS:
            current.append((start, end, token))
        elif current:
            runs.append((current, current_initial))
            current = []
        previous_end, previous_token = match.end(), raw
    if current:
        runs.append((current, current_initial))
    trimmed = []
    for run, initial in runs:
        while run and run[-1][2].lower() in CONNECTORS:
            run = run[:-1]
        if run:
            trimmed.append((run, initial))
    return trimmed
