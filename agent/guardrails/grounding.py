"""Groundedness: every figure, date, time, name, link and contact in a draft must come from somewhere true.

"Somewhere true" is the ``GuardrailContext`` corpus: the lead's own details and words, the sources the
drafter was given, the company's facts and identity, and the call slots the system computed. A small
model that invents "38% fewer no-shows at Maple Grove Dentistry" fails here twice: the figure is not in
the sources, and the customer is called Maple Grove Family Dentistry.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.names import ungrounded_names
from agent.guardrails.style import PLACEHOLDER
from agent.guardrails.text import EMAIL, PHONE, URL, Corpus, corpus_for, normalise, strip_url

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_PATTERN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE = re.compile(
    rf"\b{MONTH_PATTERN}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_PATTERN}\b(?:,?\s+\d{{4}})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b",
    re.IGNORECASE,
)
TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm)(?!\w)|\b\d{1,2}:\d{2}(?!\w)", re.IGNORECASE
)
NUMBER = re.compile(
    r"(?<![\w.])[$€£]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:%|x|k)?(?!\w)"
    r"|(?<![\w.])[$€£]?\d+(?:\.\d+)?(?:%|x|k|st|nd|rd|th)?(?![\w])",
    re.IGNORECASE,
)
SPELLED = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
SPELLED_CLAIM = re.compile(
    rf"\b({'|'.join(SPELLED)})(?:[\s-]+({'|'.join(SPELLED)}))?[\s-]+(percent|per cent|times|fold)\b",
    re.IGNORECASE,
)
DOMAIN = re.compile(
    r"(?<![@\w.])(?:[a-z0-9-]+\.)+(?:com|io|co|org|net|app|dev|ai|us|uk|example)(?:/[^\s<>\"')]*)?(?![\w@])",
    re.IGNORECASE,
)
CURRENCY = {"$": "$", "€": "€", "£": "£"}
UNIT = re.compile(
    r"\s?-?\s?(¢|(?:percent|per cent|cents?|dollars?|usd|pounds?|euros?|"
    r"(?:business |working )?(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?))\b)",
    re.IGNORECASE,
)
UNITS = (
    (r"percent", "%"), (r"¢|cents?", "¢"), (r"dollars?|usd", "$"), (r"pounds?", "£"), (r"euros?", "€"),
    (r"minutes?|mins?", "minute"), (r"(?:business |working )?(?:hours?|hrs?)", "hour"),
    (r"(?:business |working )?days?", "day"),
    (r"weeks?", "week"), (r"months?", "month"), (r"years?", "year"),
)  # fmt: skip
RANGE = re.compile(r"\s*(?:to|-|–|or|and)\s*", re.IGNORECASE)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A day used as a date ("on Thursday", "Thursday at 10:00"), not a habit ("on Friday evenings", "Saturdays").
WEEKDAY = re.compile(
    rf"\b(?:(on|this|next|by|until|before|coming)\s+)?({'|'.join(WEEKDAYS)})\b"
    r"(?!\s+(?:mornings?|afternoons?|evenings?|nights?)\b)(\s+at\s+\d)?",
    re.IGNORECASE,
)


def check_grounded(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Figures, dates, times, names and links that no context or source backs, in the body and subject.

    The subject is judged like the body (a price in the subject is a claim too); its violations have no
    span, since spans index the body.
    """
    corpus = corpus_for(context)
    violations = _check_text(draft.body, context, corpus)
    if draft.subject:
        violations += [
            replace(v, message=f"in the subject, {v.message}", start=None, end=None)
            for v in _check_text(draft.subject, context, corpus)
        ]
    return sorted(violations, key=lambda v: (v.start or 0, v.code))


def _check_text(body: str, context: GuardrailContext, corpus: Corpus) -> list[Violation]:
    violations: list[Violation] = []
    masked = body

    def mask(match: re.Match[str]) -> str:
        """Blank out what was checked, keeping a closing full stop: "at 10:00 a.m. Would" ends a sentence."""
        text = match.group()
        return " " * (len(text) - 1) + "." if text.endswith(".") else " " * len(text)

    for match in URL.finditer(body):
        if normalise(strip_url(match.group())).rstrip("/") not in {u.rstrip("/") for u in corpus.urls}:
            violations.append(_at(match, "grounded.url", f'the link "{strip_url(match.group())}"', trim=True))
    masked = URL.sub(mask, masked)
    for match in EMAIL.finditer(masked):
        if match.group().lower() not in corpus.emails:
            violations.append(
                _at(match, "privacy.contact", f'the address "{match.group()}" is not this lead\'s or ours')
            )
    masked = EMAIL.sub(mask, masked)
    for match in DOMAIN.finditer(masked):
        if not corpus.contains_phrase(strip_url(match.group())):
            violations.append(_at(match, "grounded.url", f'the link "{strip_url(match.group())}"', trim=True))
    masked = DOMAIN.sub(mask, masked)
    for match in PHONE.finditer(masked):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 7 and not any(
            known.endswith(digits[-10:]) or digits.endswith(known[-10:]) for known in corpus.phone_digits
        ):
            violations.append(
                _at(match, "privacy.contact", f'the number "{match.group()}" is not this lead\'s or ours')
            )
    masked = PHONE.sub(lambda m: mask(m) if len(re.sub(r"\D", "", m.group())) >= 7 else m.group(), masked)
    corpus_dates = set().union(*(_dates(part) for part in corpus.parts))
    for match in DATE.finditer(masked):
        if _date_key(match.group()) not in corpus_dates and not corpus.contains_phrase(match.group()):
            violations.append(_at(match, "grounded.date", f'the date "{match.group()}"'))
    masked = DATE.sub(mask, masked)
    for match in WEEKDAY.finditer(masked):  # before times are masked: "Thursday at 10:00" is a date
        if (match.group(1) or match.group(3)) and not corpus.contains_phrase(match.group(2)):
            day = _at(match, "grounded.date", f'the day "{match.group(2)}"')
            violations.append(replace(day, start=match.start(2), end=match.end(2)))
    corpus_times = set().union(*(_times(part) for part in corpus.parts))
    for match in TIME.finditer(masked):
        if _time_key(match.group()) not in corpus_times:
            violations.append(_at(match, "grounded.time", f'the time "{match.group().strip()}"'))
    masked = TIME.sub(mask, masked)
    masked = PLACEHOLDER.sub(mask, masked)  # reported by the placeholder check, not as names or figures
    violations += _numbers(masked, corpus)
    violations += [
        Violation(
            "grounded.name",
            f'"{name.text}" is not in the lead\'s details or the cited sources: use only names that '
            "appear there",
            name.start,
            name.end,
        )
        for name in ungrounded_names(masked, corpus, context)
    ]
    return violations


def _at(match: re.Match[str], code: str, what: str, *, trim: bool = False) -> Violation:
    end = match.start() + len(strip_url(match.group())) if trim else match.end()
    return Violation(
        code,
        f"{what} is not in the lead's details or the cited sources: remove it or cite a source that says it",
        match.start(),
        end,
    )


def _numbers(masked: str, corpus: Corpus) -> list[Violation]:
    """A figure with a unit must match one with the same unit: "30%" is not grounded by "30 days"."""
    known = set().union(*(figures(part) for part in corpus.parts))
    known_values = {value for value, _ in known}
    found: list[Violation] = []
    for match, (value, unit) in _figures(masked):
        if (value, unit) not in known if unit else value not in known_values:
            found.append(_at(match, "grounded.number", f'the figure "{match.group()}"'))
    return found


Figure = tuple[Decimal, str | None]  # a value and its unit ("%", "$", "¢", "hour", "day"...), None if bare


@lru_cache(maxsize=8192)
def figures(text: str) -> frozenset[Figure]:
    """Every figure a text states, with its unit: what a draft's figures are checked against."""
    return frozenset(figure for _, figure in _figures(text))


def _figures(text: str) -> list[tuple[re.Match[str], Figure]]:
    found: list[tuple[re.Match[str], Figure]] = []
    for match in NUMBER.finditer(text):
        value = _number_value(match.group())
        if value is not None:
            found.append((match, (value, _unit(text, match))))
    for index in range(len(found) - 2, -1, -1):  # "from 12 to 3 minutes", "5 or 10 sessions": one unit
        (match, (value, unit)), (following, (_, next_unit)) = found[index], found[index + 1]
        if unit is None and next_unit and RANGE.fullmatch(text[match.end() : following.start()]):
            found[index] = (match, (value, next_unit))
    for match in SPELLED_CLAIM.finditer(text):
        unit = "%" if match.group(3).lower() in ("percent", "per cent") else None
        found.append((match, (_spelled_value(match), unit)))
    return found


def _unit(text: str, match: re.Match[str]) -> str | None:
    written = match.group()
    if written[0] in CURRENCY:
        return CURRENCY[written[0]]
    if written.endswith("%"):
        return "%"
    after = UNIT.match(text, match.end())
    if after is None:
        return None
    word = " ".join(after.group(1).lower().split()).replace("per cent", "percent")
    return next((unit for pattern, unit in UNITS if re.fullmatch(pattern, word)), None)


@lru_cache(maxsize=8192)
def _times(part: str) -> frozenset[str]:
    return frozenset(_time_key(t) for t in TIME.findall(part))


def _number_value(text: str) -> Decimal | None:
    """ "$2,100", "2,100" and "$2.1k" are one value."""
    lowered = text.lower()
    thousands = lowered.endswith("k")
    digits = re.sub(r"[^\d.]", "", re.sub(r"(st|nd|rd|th|x|k)$", "", lowered))
    try:
        value = Decimal(digits.rstrip(".")) if digits.strip(".") else None
    except InvalidOperation:
        return None
    return None if value is None else (value * 1000 if thousands else value).normalize()


def _spelled_value(match: re.Match[str]) -> Decimal:
    total = SPELLED[match.group(1).lower()] + (SPELLED[match.group(2).lower()] if match.group(2) else 0)
    return Decimal(total).normalize()


@lru_cache(maxsize=8192)
def _dates(text: str) -> frozenset[tuple[int, int]]:
    return frozenset(key for key in (_date_key(m.group()) for m in DATE.finditer(text)) if key is not None)


def _date_key(text: str) -> tuple[int, int] | None:
    """(month, day) of a date written any of the usual ways; None if it cannot be read."""
    lowered = text.lower()
    for index, month in enumerate(MONTHS, start=1):
        if re.search(rf"\b{month[:3]}", lowered):
            day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", lowered)
            return (index, int(day.group(1))) if day else None
    iso = re.fullmatch(r"\d{4}-(\d{2})-(\d{2})", text)
    if iso:
        return int(iso.group(1)), int(iso.group(2))
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/\d{2,4})?", text)
    return (int(slash.group(1)), int(slash.group(2))) if slash else None


def _time_key(text: str) -> str:
    """ "2pm", "2:00 p.m." and "14:00" are one time."""
    lowered = text.lower().replace(".", "").replace(" ", "")
    match = re.match(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", lowered)
    if match is None:
        return lowered
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    if match.group(3) == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minute:02d}"


# A deadline: true only of a live offer, which always has an expiry date.
