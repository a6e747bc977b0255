"""Deadlines a draft sets for the lead, in English and Spanish, resolved to days when they can be.

"Sign by Friday", "ends March 31", "antes del 30 de abril", "a más tardar el 31 de enero", "by the end
of this month": a deadline is a date or a day introduced by words that make it a limit. A date that
only places something in time ("from February 1", "your race on March 7", "open until 7:00 p.m.") is
not one. Resolving the deadline to a day lets the urgency check compare it with the real end date of
the live offers a draft cites; ``today`` is passed in, never read from a clock.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

MONTHS: Final = {
    **{name: n for n, name in enumerate(calendar.month_name) if name},
    **{name[:3]: n for n, name in enumerate(calendar.month_name) if name},
    "sept": 9,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
MONTH_KEYS: Final = {key.lower(): value for key, value in MONTHS.items()}
WEEKDAYS: Final = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "lunes": 0,
    "martes": 1,
    "miércoles": 2,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sábado": 5,
    "sabado": 5,
    "domingo": 6,
}
_MONTH = "|".join(sorted(MONTH_KEYS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?:de(?:l)?\s+)?(?P<year>(?:19|20)\d\d))?"
# The day itself, in the shapes leads read: "March 31", "31 March", "31 de marzo", "2027-03-31",
# "Friday", "el viernes", "the end of this month", "fin de mes", "tomorrow".
DAY_EXPRESSION: Final = (
    rf"(?:(?P<iso>(?:19|20)\d\d-\d\d-\d\d)"
    rf"|(?:(?:{_WEEKDAY}),?\s+)?(?P<m1>{_MONTH})\.?\s+(?P<d1>{_DAY})\b(?!\s*(?::\d|a\.?m\b|p\.?m\b))"
    rf"|(?:(?:{_WEEKDAY}),?\s+)?(?P<d2>{_DAY})\s+(?:de\s+)?(?P<m2>{_MONTH})\b"
    rf"|(?P<weekday>{_WEEKDAY})\b(?!\s*(?:\d|de\s+\d|at\b|a las\b|morning|afternoon|evening))"
    r"|(?P<end>(?:the\s+)?end\s+of\s+(?:(?:this|next)\s+(?:month|week)|the\s+(?:month|week)(?!\s+[a-z]))|(?:el\s+)?(?:fin|final)\s+de"
    r"(?:l)?\s+(?:este\s+|próximo\s+)?(?:mes|semana)|fin\s+de\s+mes|this\s+(?:week|month)|"
    r"esta\s+semana|este\s+mes|next\s+week|la\s+próxima\s+semana|la\s+semana\s+que\s+viene)"
    r"|(?P<tomorrow>tomorrow|tonight|today)"
    # A day of the month alone: "by the 12th", "antes del 15" (which month is left open).
    rf"|(?:the\s+)?(?P<d3>\d{{1,2}}(?:st|nd|rd|th))\b(?!\s+of\s+(?:{_MONTH}|each|every|the)\b)"
    r"|(?<=del\s)(?P<d4>\d{1,2})(?![\d%/]|[.,:]\d|\s*(?:h\b|hrs?\b|a\.?\s?m|p\.?\s?m|de\b|%|por\b|años|dólares|minutos|horas|días))"
    r"|(?:in|en)\s+(?P<days>\d{1,2}|two|three|four|five|six|seven|dos|tres|cuatro|cinco|seis|siete)"
    r"\s+(?:days|días|dias))"
)
_EN_LIMIT = (
    r"by|before|until|till|through|thru|no later than|on or before|prior to|ends?|ending|expires?|"
    r"expiring|closes?|closing|deadline(?:\s+is)?|due|runs?\s+(?:through|until)|valid\s+(?:until|through)|"
    r"good\s+(?:until|through)|last\s+day\s+is"
)
_ES_LIMIT = (
    r"antes\s+del?|hasta\s+el|a\s+m[aá]s\s+tardar\s+el|vence\s+el|vencen\s+el|termina\s+el|terminan\s+el|"
    r"acaba\s+el|cierra\s+el|finaliza\s+el|para\s+el|l[ií]mite\s+(?:es\s+)?el|plazo\s+(?:es|vence)\s+el|"
    r"antes\s+de|hasta|a\s+m[aá]s\s+tardar|vence|termina|para"
)
# Matched against ``lowered`` text: case-insensitive matching of this many alternatives is three times
# slower in ``re`` than lower-casing the text once.
DEADLINE: Final = re.compile(
    rf"\b(?:{_EN_LIMIT}|{_ES_LIMIT})\s+(?:(?:the|this|next|on|el|este|la)\s+)?{DAY_EXPRESSION}{_YEAR}"
)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A limit the draft names: its span, and the day it means (None when it cannot be told)."""

    text: str
    start: int
    end: int
    day: date | None
    month_day: tuple[int, int] | None  # "March 31" without a year matches any year's March 31
    day_of_month: int | None = None  # "by the 12th": only the day is known
    weekday: int | None = None  # "by Friday", as the lead may have said it


# "Monday through Saturday", "de lunes a viernes": a range of days (opening hours), not a limit.
RANGE_BEFORE: Final = re.compile(rf"\b(?:{_WEEKDAY})s?\s*(?:-|–|to|a)?\s*$", re.IGNORECASE)


# "Your quote will be in your inbox by Friday": a day the company commits to, not a limit on the lead
# (whether the company may promise it is the grounding check's business), unless the lead must act.
PROMISE: Final = re.compile(
    r"\b(?:I['’]ll|I will|we['’]ll|we will|will (?:be|arrive|reach)|"
    # "Dwayne will have your quote ready by Wednesday": someone of ours delivers, the lead waits.
    r"will have (?:it|them|your [\w-]+|the [\w-]+)(?: [\w-]+)? (?:ready|done|finished|back)|"
    r"(?:is|are|be) (?:all |fully )?(?:dry|done|ready|finished|complete|completed|installed|delivered)|"
    r"(?:está|estará|están|estarán|queda|quedará|quedan|quedarán) (?:list|termin|sec|instalad|entregad)\w*|"
    r"you['’]ll (?:receive|get|have) (?:it|the|your)|"
    r"le (?:envío|envio|mando|enviaré|enviare|mandaré|mandare|enviaremos|mandaremos|llegará|llegara)|"
    r"recibirá|recibira|tendrá listo|tendra listo)\b",
    re.IGNORECASE,
)
# The company's own opening days and hours: a fact about us, not a limit on the lead.
OUR_SCHEDULE: Final = re.compile(
    r"\b(?:we(?:['’]re| are| will be| [’']ll be)? (?:closed|open|off)|we (?:close|open|reopen)"
    r"|(?:office|clinic|shop|store|studio|showroom|hospital|branch|team|location)s? (?:is |are |will be )?"
    r"(?:closed|open|closes|opens|reopens|off)"
    r"|(?:estamos|estaremos) (?:cerrad|abiert)\w*|(?:cerramos|abrimos|atendemos)"
    r"|(?:oficina|clínica|clinica|tienda|consultorio|sala|hospital|sucursal)s? (?:está |estará |están )?"
    r"(?:cerrad|abiert|cierra|abre)\w*)\b",
    re.IGNORECASE,
)
LEAD_ACTS: Final = re.compile(
    r"(?<![-\w])(?:sign|book|decide|commit|reserve|claim|apply|register|enrol|enroll|buy|pay|lock|offer|deal|"
    r"discount|price|save|off|firm\w*|reserv\w*|decid\w*|apart\w*|contrat\w*|descuento|precio|oferta|"
    r"promoci\w*|aprovech\w*|mencion\w*)\b",
    re.IGNORECASE,
)


def lowered(text: str) -> str:
    """The text in lower case with every offset kept (the few characters whose lower case is longer,
    such as "İ", are left as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# "Un dato para este mes", "una idea para esta semana": "para" after a noun says what a thing is for,
# not by when something must be done ("lo necesito para el viernes", "firme para el 31").
FOR_A_THING: Final = re.compile(
    r"\b(?:un|una|unos|unas|el|la|los|las|su|sus|algo|nuestro|nuestra)\s+[a-záéíóúñ]+\s+$", re.IGNORECASE
)


def deadlines(text: str, today: date | None) -> list[Deadline]:
    found = []
    for match in DEADLINE.finditer(lowered(text)):
        before = text[max(0, match.start() - 40) : match.start()]
        if RANGE_BEFORE.search(before[-14:]) or _promised(text, match.start()):
            continue
        if text[match.start() : match.start() + 5].lower() == "para " and FOR_A_THING.search(before):
            continue
        found.append(_deadline(match, text, today))
    return found


def _promised(text: str, at: int) -> bool:
    """Whether the sentence around ``at`` is the company's own commitment or schedule ("the office is
    closed until January 2", "abrimos los sábados hasta el 15 de abril") with nothing the lead must do."""
    start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(mark, at) for mark in ".!?\n") if i != -1]
    sentence = text[start : min(ends) if ends else len(text)]
    said = PROMISE.search(sentence) is not None or OUR_SCHEDULE.search(sentence) is not None
    return said and LEAD_ACTS.search(sentence) is None


def _deadline(match: re.Match[str], text: str, today: date | None) -> Deadline:
    day, month_day = _resolve(match, today)
    groups = match.groupdict()
    bare = groups["d3"] or groups["d4"]
    of_month = int(re.sub(r"\D", "", bare)) if bare else month_day[1] if month_day else None
    weekday = WEEKDAYS[groups["weekday"].lower()] if groups["weekday"] else None
    return Deadline(
        text[match.start() : match.end()], match.start(), match.end(), day, month_day, of_month, weekday
    )


# Any day a text names, deadline or not: "we're moving on the 12th", "closed on January 1", "el viernes".
DAY_NAMED: Final = re.compile(
    rf"\b(?:(?P<iso>(?:19|20)\d\d-\d\d-\d\d)"
    rf"|(?P<m1>{_MONTH})\.?\s+(?P<d1>{_DAY})\b(?!\s*(?::\d|a\.?m\b|p\.?m\b))"
    rf"|(?P<d2>{_DAY})\s+(?:de\s+)?(?P<m2>{_MONTH})\b"
    rf"|(?:the|el|del)\s+(?:d[íi]a\s+)?(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d%/]|[.,:]\d)(?!\s+(?:of\s+|de\s+)?(?:{_MONTH})\b)"
    rf"|(?P<weekday>{_WEEKDAY})s?\b"
    # "10/14" or "14/10/2027": the lead's own shorthand, read both ways (it only ever backs a day).
    r"|(?P<n1>\d{1,2})/(?P<n2>\d{1,2})(?:/(?:\d{4}|\d{2}))?\b(?!/))"
)


@dataclass(frozen=True, slots=True)
class NamedDays:
    """The days a text names: as month and day, as a day of the month alone, and as weekdays."""

    month_days: frozenset[tuple[int, int]]
    days_of_month: frozenset[int]
    weekdays: frozenset[int]


@lru_cache(maxsize=16384)
def named_days(text: str) -> NamedDays:
    month_days: set[tuple[int, int]] = set()
    of_month: set[int] = set()
    weekdays: set[int] = set()
    for match in DAY_NAMED.finditer(lowered(text)):
        groups = match.groupdict()
        if groups["iso"]:
            try:
                found = date.fromisoformat(groups["iso"])
            except ValueError:
                continue
            month_days.add((found.month, found.day))
            of_month.add(found.day)
        elif groups["weekday"]:
            weekdays.add(WEEKDAYS[groups["weekday"]])
        elif groups["n1"]:
            first, second = int(groups["n1"]), int(groups["n2"])
            for month, day in ((first, second), (second, first)):
                if 1 <= month <= 12 and 1 <= day <= 31:
                    month_days.add((month, day))
                    of_month.add(day)
        else:
            day_text = groups["d1"] or groups["d2"] or groups["d3"]
            day = int(re.sub(r"\D", "", day_text))
            if not 1 <= day <= 31:
                continue
            of_month.add(day)
            month_name = groups["m1"] or groups["m2"]
            if month_name:
                month_days.add((MONTH_KEYS[month_name.rstrip(".")], day))
    return NamedDays(frozenset(month_days), frozenset(of_month), frozenset(weekdays))


def _resolve(match: re.Match[str], today: date | None) -> tuple[date | None, tuple[int, int] | None]:
    groups = match.groupdict()
    if groups["iso"]:
        try:
            found = date.fromisoformat(groups["iso"])
        except ValueError:
            return None, None
        return found, (found.month, found.day)
    month_name, day_text = groups["m1"] or groups["m2"], groups["d1"] or groups["d2"]
    if month_name and day_text:
        month, day = MONTH_KEYS[month_name.lower().rstrip(".")], int(re.sub(r"\D", "", day_text))
        year = int(groups["year"]) if groups["year"] else None
        if year is not None:
            try:
                return date(year, month, day), (month, day)
            except ValueError:
                return None, None
        return None, (month, day)
    if today is None:
        return None, None
    if groups["weekday"]:
        ahead = (WEEKDAYS[groups["weekday"].lower()] - today.weekday()) % 7
        found = today + timedelta(days=ahead)
        return found, (found.month, found.day)
    if groups["end"]:
        found = _end_of(groups["end"].lower(), today)
        return found, (found.month, found.day)
    if groups["days"]:
        found = today + timedelta(days=_count(groups["days"]))
        return found, (found.month, found.day)
    if groups["tomorrow"]:
        found = today + timedelta(days=1 if groups["tomorrow"].lower() == "tomorrow" else 0)
        return found, (found.month, found.day)
    return None, None


COUNTS: Final = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "dos": 2, "tres": 3}
COUNTS_ES: Final = {"cuatro": 4, "cinco": 5, "seis": 6, "siete": 7}


def _count(word: str) -> int:
    return int(word) if word.isdigit() else {**COUNTS, **COUNTS_ES}[word]


def _end_of(phrase: str, today: date) -> date:
    if "week" in phrase or "semana" in phrase:
        start = (
            today + timedelta(weeks=1)
            if ("next" in phrase or "próxima" in phrase or "viene" in phrase)
            else today
        )
        return start + timedelta(days=6 - start.weekday())
    year, month = today.year, today.month
    if "next" in phrase or "próximo" in phrase:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])
