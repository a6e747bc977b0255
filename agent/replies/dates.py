"""When to write again: the return date of an away notice, or the date a "not now" asks for.

Replies name dates in many languages and forms: "back on 3 June", "returning 06/03", "the 14th",
"regreso el 14", "bis 15.5.", "next week", "in 2 weeks", "el mes que entra", "Q3", "mid-January",
"after Easter", "depois do carnaval". ``dates_in`` finds them all; each is then read through the words
just before it (its *role*), which say what the date is:

- a return word ("back on", "regreso", "de volta", "rientro", "ab dem") names the first day back;
- "after X" ("después del 15", "dopo il 25 agosto") means the day after X;
- a last day away means the day after it: a range's end ("from 10 to 21 April", "del 3 al 16 de
  agosto", "20-31 July"), "through Friday", anything marked inclusive ("fino al 2 novembre compreso");
- an unqualified "until" (until, till, hasta, bis, jusqu'au, fino al, até) is read as the last day away
  too, so the day after it counts. That is how the labelled corpus reads it, by a wide majority
  ("hasta el 31 de agosto" is back 1 September, "till the 9th, talk after" the 10th). The exceptions,
  also the corpus's reading, are the day itself: a day named by name ("until Monday", "until Monday 3
  August", "until tomorrow"), a negated until ("will not return until X", "isn't 17 until 3
  November": the day something starts), and an event's date ("until my insurance kicks in on the 1st");
- a month, or the start of one, is its first day ("in September", "early May", "first week of June"),
  "mid-" the 15th, "late" the 20th, "end of" the last day (so "until the end of September" is 1
  October). After an event *in* a month ("maybe after the wedding in June") names no day: nothing;
- a holiday counts only with a word around it ("after Christmas" is 26 December, "después de semana
  santa" Easter Monday, "around Thanksgiving"); Easter comes from the Gregorian computus.

Dates are resolved against the day the reply arrived: a day or month without a year is the next one; a
bare day ("the 14th") is the next such day after the date named just before it, if any ("from 3
September, back on the 14th"), else after today; a weekday is the next one. Nothing before that day is
returned (a stale notice's past return says nothing useful), nor anything more than about a year
ahead (that would pause a lead for good, and is more often a typo or a line injected into the reply).
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

HORIZON = timedelta(days=400)  # a later date is not taken as a return or follow-up date
ROLL_OVER = timedelta(days=183)  # a day and month already past is next year's only if that is this near

_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "jan", "enero", "ene", "janvier", "janv", "januar", "jän", "janeiro", "gennaio", "gen"),
    ("february", "feb", "febrero", "février", "fevrier", "févr", "februar", "fevereiro", "fev", "febbraio"),
    ("march", "mar", "marzo", "mars", "märz", "marz", "março", "marco"),
    ("april", "apr", "abril", "abr", "avril", "avr", "aprile"),
    ("may", "mayo", "mai", "maio", "maggio", "mag"),
    ("june", "jun", "junio", "juin", "juni", "junho", "giugno", "giu"),
    ("july", "jul", "julio", "juillet", "juil", "juli", "julho", "luglio", "lug"),
    ("august", "aug", "agosto", "ago", "août", "aout"),
    ("september", "sept", "sep", "septiembre", "setiembre", "septembre", "setembro", "set", "settembre"),
    ("october", "oct", "octubre", "octobre", "oktober", "okt", "outubro", "out", "ottobre", "ott"),
    ("november", "nov", "noviembre", "novembre", "novembro"),
    ("december", "dec", "diciembre", "dic", "décembre", "decembre", "déc", "dezember", "dez", "dezembro",
     "dicembre"),
)  # fmt: skip
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
# Month abbreviations that are ordinary words too ("mar", "set", "out", "ago"): never a month alone.
_NOT_ALONE = frozenset({"mar", "set", "out", "gen", "mag", "ago", "dic", "ene", "sep", "jun", "jul", "dez"})
_WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("monday", "lunes", "lundi", "montag", "segunda-feira", "lunedì", "lunedi"),
    ("tuesday", "martes", "mardi", "dienstag", "terça-feira", "terca-feira", "martedì", "martedi"),
    ("wednesday", "miércoles", "miercoles", "mercredi", "mittwoch", "quarta-feira", "mercoledì", "mercoledi"),
    ("thursday", "jueves", "jeudi", "donnerstag", "quinta-feira", "giovedì", "giovedi"),
    ("friday", "viernes", "vendredi", "freitag", "sexta-feira", "venerdì", "venerdi"),
    ("saturday", "sábado", "sabado", "samedi", "samstag", "sabato"),
    ("sunday", "domingo", "dimanche", "sonntag", "domenica"),
)  # fmt: skip
# Short forms that are ordinary words too ("sun", "sat", "segunda" is also "second"): a weekday only
# right after a word such as "back", "until" or "na", or right before a date.
_SHORT_WEEKDAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("mon", "segunda"), ("tue", "tues", "terça", "terca"), ("wed", "weds", "quarta"),
    ("thu", "thur", "thurs", "quinta"), ("fri", "sexta"), ("sat",), ("sun",),
)  # fmt: skip
WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
SHORT_WEEKDAYS = {name: number for number, names in enumerate(_SHORT_WEEKDAY_NAMES) for name in names}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "couple": 2, "un": 1, "una": 1, "une": 1,
            "um": 1, "uma": 1, "dos": 2, "dois": 2, "duas": 2, "deux": 2, "due": 2, "zwei": 2,
            "tres": 3, "três": 3, "trois": 3, "tre": 3, "drei": 3, "cuatro": 4, "quatro": 4, "quatre": 4,
            "quattro": 4, "vier": 4, "cinco": 5, "cinq": 5, "cinque": 5, "fünf": 5, "seis": 6, "sei": 6,
            "sechs": 6, "einer": 1, "einem": 1, "einen": 1}  # fmt: skip
_DAY_UNITS = frozenset({"days", "day", "días", "dias", "día", "dia", "jours", "jour", "giorni", "giorno",
                        "tagen", "tage", "tag"})  # fmt: skip
_WEEK_UNITS = frozenset({"weeks", "week", "wks", "wk", "semanas", "semana", "semaines", "semaine",
                         "settimane", "settimana", "wochen", "woche"})  # fmt: skip
_MONTH_UNITS = frozenset({"months", "month", "mos", "meses", "mes", "mês", "mois", "mesi", "mese",
                          "monaten", "monate", "monat"})  # fmt: skip
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "primer": 1, "segundo": 2,
                  "tercer": 3, "cuarto": 4}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTH = _alternation(MONTHS)
_WEEKDAY = _alternation(WEEKDAYS)
_ANY_WEEKDAY = _alternation([*WEEKDAYS, *SHORT_WEEKDAYS])
_UNIT = _alternation([*_DAY_UNITS, *_WEEK_UNITS, *_MONTH_UNITS])
_COUNT = rf"\d{{1,2}}|{_alternation(_NUMBERS)}"
_ORD = r"(?:st|nd|rd|th|º|°|ª|er)?"  # "14th", "1º", "1er"
_YEAR = r"(?:,?\s*(?:de\s+|del\s+)?(?P<y>20\d\d))?"
_NEXT_MONTH = (
    r"next\s+month|(?:el\s+)?mes\s+que\s+(?:viene|entra)|(?:el\s+)?pr[óo]ximo\s+mes|(?:el\s+)?mes\s+pr[óo]ximo|"
    r"(?:o\s+)?m[êe]s\s+que\s+vem|(?:o\s+)?pr[óo]ximo\s+m[êe]s|le\s+mois\s+prochain|(?:il\s+)?mese\s+prossimo|"
    r"(?:il\s+)?prossimo\s+mese|n[äa]chsten\s+monat"
)
_THIS_MONTH = r"(?:the|this)\s+month|(?:este|el)\s+mes|(?:du|ce)\s+mois|(?:del|questo)\s+mese|des\s+monats"
# The parts of a month: "first week of", "early", "mid", "late", "end of", in the six languages.
_PERIOD_WORDS = {
    "week": r"first\s+week\s+of|(?:la\s+)?primera\s+semana\s+de|(?:a\s+)?primeira\s+semana\s+de|"
    r"(?:la\s+)?premi[èe]re\s+semaine\s+d[eu]|(?:la\s+)?prima\s+settimana\s+di|ersten?\s+woche\s+(?:im|des)",
    "early": r"early|beginning\s+of|start\s+of|(?:a\s+)?principios\s+de|(?:a\s+)?inicios\s+de|"
    r"(?:a\s+)?comienzos\s+de|(?:no\s+)?in[íi]cio\s+de|(?:no\s+)?come[çc]o\s+de|(?:au\s+)?d[ée]but(?:\s+d[eu])?|"
    r"(?:all')?inizio(?:\s+di)?|ai\s+primi\s+di|anfang",
    "mid": r"mid|the\s+middle\s+of|middle\s+of|(?:a\s+)?mediados\s+de|(?:em\s+)?meados\s+de|(?:à\s+la\s+)?mi|"
    r"(?:a\s+)?met[àa](?:\s+di)?|mitte",
    "late": r"late",
    "end": r"(?:the\s+)?end\s+of|(?:a\s+)?finales\s+de|(?:a\s+)?fines\s+de|(?:a\s+)?fin\s+de|"
    r"(?:no\s+)?final\s+de|(?:à\s+la\s+)?fin(?:\s+d[eu])?|(?:alla\s+)?fine(?:\s+di)?|ende",
}
_PERIOD_DAY = {"week": 1, "early": 1, "mid": 15, "late": 20}


@dataclass(frozen=True, slots=True)
class Found:
    """A date named in the text, from ``start`` to ``end``. ``last`` is the last day it covers (a month,
    a week, a holiday); ``role`` says what the words around it make of it (see the module docstring)."""

    when: date
    start: int
    end: int
    precision: int = 3  # 3 a day, 2 a week, 1 a month, 0 a quarter: a finer one is the likelier ask
    last: date | None = None
    weekday: bool = False  # a day named by name ("Monday", "tomorrow"): "until Monday" is the day back
    weekday_only: bool = False  # only a weekday ("out Friday"): said on a Friday, it may mean today
    needs_cue: bool = False  # counts only with a word that says what it is ("regreso el 14")
    bare: bool = False  # a day without its month ("the 14th"): the month is the next one, or the one named
    rough: bool = False  # "early May", "mid-June": a fine follow-up date, too rough for a return
    role: str = ""  # start, through, until, after, return, contact, or "" (nothing said)

    @property
    def through(self) -> date:
        return self.last or self.when


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _with_year(year: int | None, month: int, day: int, today: date) -> date | None:
    if year is not None:
        return _make(year if year >= 100 else 2000 + year, month, day)
    this_year = _make(today.year, month, day)
    if this_year is not None and this_year < today - timedelta(days=7):
        # "back on 3 January" written in December is next year's; a date months past is a stale notice
        next_year = _make(today.year + 1, month, day)
        return next_year if next_year is not None and next_year - today <= ROLL_OVER else None
    return this_year


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_span(first: date) -> tuple[date, date]:
    return first, _month_end(first)


def _next_numbered(day: int, after: date, weekday: int | None = None) -> date | None:
    """The first day numbered ``day`` after ``after`` (and on ``weekday``, if one is named, within a
    year)."""
    month = after.replace(day=1)
    for _ in range(13):
        when = _make(month.year, month.month, day)
        if when is not None and when > after and (weekday is None or when.weekday() == weekday):
            return when
        month = _add_months(month, 1)
    return None


# --- Builders: each turns one pattern's match into a Found, or None ---

Builder = Callable[[re.Match[str], date, bool], Found | None]


def _iso(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    when = _make(int(m["y"]), int(m["m"]), int(m["d"]))
    return Found(when, m.start(), m.end()) if when else None


_NEXT_YEAR = re.compile(
    r",?\s*(?:next\s+y(?:ea)?r|del?\s+(?:a[ñn]o\s+que\s+viene|pr[óo]ximo\s+a[ñn]o)|de\s+l'ann[ée]e\s+prochaine|"
    r"dell'anno\s+prossimo|do\s+(?:ano\s+que\s+vem|pr[óo]ximo\s+ano)|n[äa]chsten\s+jahres)\b",
    re.I,
)


def _month_day(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    if m["mon"].lower() == "out" and re.match(r"\s+of\b", m.string[m.end("mon") :]):
        return None  # "5 out of 10"
    year = int(m["y"]) if m["y"] else None
    if year is None and _NEXT_YEAR.match(m.string, m.end()):
        year = today.year + 1  # "June 1 next year", "el 3 de marzo del año que viene"
    when = _with_year(year, _month_number(m["mon"]), int(m["d"]), today)
    return Found(when, m.start(), m.end()) if when else None


def _range_end(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "from 10 to 21 April", "del 3 al 16 de agosto", "July 20-31": the end, a last day away. Not a
    range if the first number is not the smaller ("isn't 17 until 3 November"): only the date."""
    when = _with_year(int(m["y"]) if m["y"] else None, _month_number(m["mon"]), int(m["d2"]), today)
    if when is None or int(m["d1"]) < int(m["d2"]):
        return Found(when, m.start(), m.end(), role="through") if when else None
    return Found(when, min(m.start("d2"), m.start("mon")), m.end())


_MEASURE = re.compile(
    r"\s*(?:%|hours?|hrs?|h|horas?|stunden|std|ore|heures|mins?|minutes|km|kg|k|m|x)\b", re.I
)


def _numeric(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "06/03", "15.5.", "21.08.2026": dots are day first, slashes follow the language."""
    first, second = int(m["a"]), int(m["b"])
    if m["sep"] == "/" and not m["y"] and {first, second} == {24, 7}:
        return None  # "24/7", a phrase
    if m["sep"] == "." and not m["y"] and _MEASURE.match(m.string, m.end()):
        return None  # "1.5 hours", "2.5%"
    if m["sep"] == "." or first > 12 or (day_first and second <= 12):
        day, month = first, second
    else:
        day, month = second, first
    when = _with_year(int(m["y"]) if m["y"] else None, month, day, today)
    return Found(when, m.start(), m.end()) if when else None


def _day_of_next_month(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    first = _add_months(today.replace(day=1), 1)
    when = _make(first.year, first.month, int(m["d"]))
    return Found(when, m.start(), m.end()) if when else None


def _weekday_number(word: str) -> int:
    word = word.lower()
    return WEEKDAYS[word] if word in WEEKDAYS else SHORT_WEEKDAYS[word]


def _weekday_day(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "Monday the 8th", "el lunes 17": the next day so numbered that falls on that weekday."""
    day = int(m["d"])
    when = _next_numbered(day, today, _weekday_number(m["wd"])) or _next_numbered(day, today)
    return Found(when, m.start(), m.end(), weekday=True) if when else None


def _period(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "early May", "mid-January", "a finales de mes", "the first week of next month"."""
    if m["mon"]:
        month = _month_number(m["mon"])
        first = date(today.year + (month < today.month), month, 1)
    elif m["next"]:
        first = _add_months(today.replace(day=1), 1)
    else:
        first = today.replace(day=1)
    part = next(key for key, words in _PERIOD_WORDS.items() if re.fullmatch(words, m["part"], re.I))
    if part == "end":
        return Found(_month_end(first), m.start(), m.end())
    when = first.replace(day=_PERIOD_DAY[part])
    if part == "week":
        return Found(when, m.start(), m.end(), precision=2, last=when + timedelta(days=6))
    return Found(when, m.start(), m.end(), rough=True)


def _next_month(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    first, last = _month_span(_add_months(today.replace(day=1), 1))
    return Found(first, m.start(), m.end(), precision=1, last=last)


def _next_week(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "next week", "la semana que viene": its Monday; "the week after next" the one after."""
    monday = today + timedelta(days=7 - today.weekday() + (7 if m["later"] else 0))
    return Found(monday, m.start(), m.end(), precision=2, last=monday + timedelta(days=6))


def _quarter(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "Q3", "the third quarter", "next quarter": the quarter's first day, the next to come."""
    if m["q"] or m["qw"]:
        number = int(m["q"]) if m["q"] else _QUARTER_WORDS[m["qw"].lower()]
        start = date(int(m["y"]) if m["y"] else today.year, 3 * number - 2, 1)
        if start <= today and not m["y"]:
            start = start.replace(year=start.year + 1)
    else:
        start = _add_months(today.replace(day=1), 3 - (today.month - 1) % 3)
    return Found(start, m.start(), m.end(), precision=0, last=_add_months(start, 3) - timedelta(days=1))


def _tomorrow(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    before = m.string[max(0, m.start() - 12) : m.start()].lower()
    if re.search(r"\b(la|por|de|esta|cada|guten|am|heute|morning|this)\s+$", before):
        return None  # "por la mañana", "Guten Morgen": a morning, not tomorrow
    days = 2 if re.search(r"after|pasado|après|über|dopo|depois", m.group(0), re.I) else 1
    return Found(today + timedelta(days=days), m.start(), m.end(), weekday=True)


def _in_units(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "in 2 weeks", "en un mes", "daqui a 3 dias"; "for four months" (how long a notice is away).
    A loose one ("in a couple of months", "about six weeks", "a month or so") gives no date."""
    if m["loose"] or m["n"].lower() == "couple" or re.match(r"\s*or\s+so\b", m.string[m.end() :], re.I):
        return None
    count = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"].lower()]
    unit = m["unit"].lower()
    if unit in _MONTH_UNITS:
        return Found(_add_months(today, count), m.start(), m.end())
    return Found(today + timedelta(days=count * (7 if unit in _WEEK_UNITS else 1)), m.start(), m.end())


def _holiday(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    span = next(span for pattern, span in HOLIDAYS if pattern.fullmatch(m["name"]))
    for year in (today.year - 1, today.year, today.year + 1):
        first, last = span(year)
        if last >= today:
            return Found(first, m.start(), m.end(), last=last, needs_cue=True)
    return None


def _bare_day(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """ "the 14th", "el 14", "dia 10", "ab 27.": the next such day. Counted only with a word before it
    that says what it is ("back on", "hasta", "después del"), unless it is an English ordinal."""
    day = int(m["d"])
    when = _next_numbered(day, today) if 1 <= day <= 31 else None
    ordinal = (m["ord"] or "").lower() in ("st", "nd", "rd", "th")
    start = m.start() if ordinal else m.start("d")  # "ab", "a partir del": the words before it count
    return Found(when, start, m.end(), needs_cue=not ordinal, bare=True) if when else None


def _weekday(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    word = m["wd"].lower()
    if word not in WEEKDAYS:
        before = m.string[max(0, m.start() - 20) : m.start()].lower()
        if not re.search(r"\b(back|until|till|til|through|thru|on|by|from|next|na|até|ate|à|a)\s+$", before):
            return None
    ahead = (_weekday_number(word) - today.weekday()) % 7 or 7
    return Found(today + timedelta(days=ahead), m.start(), m.end(), weekday=True, weekday_only=True)


def _month_only(m: re.Match[str], today: date, day_first: bool) -> Found | None:
    """A month alone ("in September", "en agosto", "until April"): its first day, the next to come."""
    word, before = m["mon"], m["prep"].strip().lower()
    if word.lower() in _NOT_ALONE or (
        word == "may" and before not in ("in", "until", "till", "til", "around")
    ):
        return None  # "this may take", "mar de dudas"
    month = _month_number(word)
    first, last = _month_span(date(today.year + (month < today.month), month, 1))
    return Found(first, m.start("mon"), m.end(), precision=1, last=last)


# --- Holidays: the first and last day each covers in a year ---


def easter(year: int) -> date:
    """Easter Sunday, by the anonymous Gregorian computus."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    correction = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * correction + 114, 31)
    return date(year, month, day + 1)


def _fixed(month: int, day: int, last: int = 0) -> Callable[[int], tuple[date, date]]:
    return lambda year: (date(year, month, day), date(year, month, last or day))


def _from_easter(first: int, last: int) -> Callable[[int], tuple[date, date]]:
    return lambda year: (easter(year) + timedelta(days=first), easter(year) + timedelta(days=last))


def _nth_weekday(month: int, weekday: int, n: int) -> Callable[[int], tuple[date, date]]:
    """The ``n``th ``weekday`` of ``month`` (``n`` = -1: the last)."""

    def span(year: int) -> tuple[date, date]:
        if n < 0:
            end = _month_end(date(year, month, 1))
            day = end - timedelta(days=(end.weekday() - weekday) % 7)
        else:
            first = date(year, month, 1)
            day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        return day, day

    return span


HOLIDAYS: tuple[tuple[re.Pattern[str], Callable[[int], tuple[date, date]]], ...] = tuple(
    (re.compile(pattern, re.I), span)
    for pattern, span in (
        (r"christmas|xmas|navidad|no[ëe]l|weihnachten|natale|natal", _fixed(12, 25)),
        (r"new\s+year'?s(?:\s+day)?|a[ñn]o\s+nuevo|ano\s+novo|nouvel\s+an|neujahr|capodanno", _fixed(1, 1)),
        (r"(?:d[ií]a\s+de\s+)?reyes|epiphany|epifan[ií]a|dreik[öo]nig\w*|befana", _fixed(1, 6)),
        (r"easter|pascua|p[âa]ques|ostern|pasqua|p[áa]scoa", _from_easter(0, 0)),
        (r"semana\s+santa|holy\s+week|settimana\s+santa|semaine\s+sainte", _from_easter(-7, 0)),
        # Carnival runs to Ash Wednesday (Brazil's ends at its noon): after it is the Thursday.
        (r"carnaval|carnival|carnevale|karneval|fasching|mardi\s+gras", _from_easter(-51, -46)),
        (r"labou?r\s+day", _nth_weekday(9, 0, 1)),  # the US/Canadian one: first Monday of September
        (r"memorial\s+day", _nth_weekday(5, 0, -1)),
        (r"thanksgiving", _nth_weekday(11, 3, 4)),
        (r"halloween", _fixed(10, 31)),
        (r"tax\s+day", _fixed(4, 15)),
        (r"(?:las\s+)?fallas", _fixed(3, 15, 19)),
        (r"fiestas\s+patrias", _fixed(9, 18, 19)),  # Chile's (Mexico's are the 15th and 16th)
        (r"ferragosto", _fixed(8, 15)),
        (r"(?:la\s+)?rentr[ée]e", _fixed(9, 1)),
    )
)

_D2 = rf"(?P<d2>\d{{1,2}}){_ORD}\.?"
PATTERNS: tuple[tuple[re.Pattern[str], Builder], ...] = tuple(
    (re.compile(pattern, re.I), build)
    for pattern, build in (
        (r"\b(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", _iso),
        (  # "from 10 to 21 April", "del lunes 3 al viernes 16 de agosto", "du 2 au 16 février"
            rf"(?:\b(?:from|del|de|du|dal|vom|entre\s+el)\s+)?(?:(?:{_WEEKDAY}),?\s+)?(?P<d1>\d{{1,2}}){_ORD}\.?"
            rf"\s*(?:-|–|to|al|au|a|bis|till|until|through|thru)\s*(?:el\s+)?(?:(?:{_WEEKDAY}),?\s+)?{_D2}"
            rf"\s*(?:de\s+|of\s+|d')?(?P<mon>{_MONTH})\b\.?{_YEAR}",
            _range_end,
        ),
        (  # "July 20-31", "August 3 to 16"
            rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d1>\d{{1,2}}){_ORD}\s*(?:-|–|to|through|thru|until|till)\s*"
            rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?![/.:]\d){_YEAR}",
            _range_end,
        ),
        (
            rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:/])(?:,?\s+(?P<y>20\d\d))?",
            _month_day,
        ),
        (
            rf"\b(?P<d>\d{{1,2}}){_ORD}\.?\s*(?:of\s+|de\s+|del\s+|d')?(?P<mon>{_MONTH})\b\.?{_YEAR}",
            _month_day,
        ),
        (
            r"(?<![\w/.\-+])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{2,4}))?(?![\d/]|\.\d)",
            _numeric,
        ),
        (rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+next\s+month|del?\s+(?:{_NEXT_MONTH}))", _day_of_next_month),
        (
            rf"\b(?P<wd>{_ANY_WEEKDAY})\.?,?\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\b"
            r"(?!\s*(?:[:/.,]\d|%|h\b|hs?\b|am\b|pm\b|uhr\b))",
            _weekday_day,
        ),
        (
            rf"\b(?P<part>{'|'.join(_PERIOD_WORDS.values())})[\s-]*(?:of\s+|de\s+|di\s+|del\s+|des\s+|im\s+)?"
            rf"(?:(?P<mon>{_MONTH})\b\.?|(?P<next>{_NEXT_MONTH})|(?P<this>{_THIS_MONTH}))",
            _period,
        ),
        (rf"\b(?:{_NEXT_MONTH})\b", _next_month),
        (
            r"\b(?:(?P<later>(?:the\s+)?week\s+after)\s+next|next\s+w(?:ee)?k|(?:la\s+)?semana\s+(?:que\s+viene|"
            r"q\s+viene|entrante|pr[óo]xima)|(?:la\s+)?pr[óo]xima\s+semana|(?:la\s+)?otra\s+semana|"
            r"(?:a\s+)?semana\s+que\s+vem|la\s+semaine\s+prochaine|la\s+settimana\s+prossima|"
            r"la\s+prossima\s+settimana|n[äa]chste\s+woche|kommende\s+woche)\b",
            _next_week,
        ),
        (
            r"\b(?:next\s+quarter|(?:el\s+)?pr[óo]ximo\s+trimestre|le\s+prochain\s+trimestre|(?:il\s+)?prossimo\s+"
            r"trimestre|n[äa]chstes\s+quartal|Q(?P<q>[1-4])(?:\s+(?P<y>20\d\d))?|(?:the\s+|el\s+)?(?P<qw>first|"
            r"second|third|fourth|primer|segundo|tercer|cuarto)\s+(?:quarter|trimestre))\b",
            _quarter,
        ),
        (
            r"\b(?:day\s+after\s+tomorrow|tomorrow|tmrw|tmr|pasado\s+mañana|mañana|après-demain|demain|"
            r"dopodomani|domani|depois\s+de\s+amanhã|amanhã|übermorgen|morgen)\b",
            _tomorrow,
        ),
        (
            rf"\b(?:in|en|em|dans|tra|fra|dentro\s+de|daqui\s+a|for|durante|pendant|per|f[üu]r)\s+"
            rf"(?:like\s+|(?P<loose>about|around|roughly|approximately|some|unos|unas|umas?|environ|circa|etwa)\s+|a\s+)?"
            rf"(?P<n>{_COUNT})\s+(?:of\s+)?"
            rf"(?P<unit>{_UNIT})\b",
            _in_units,
        ),
        (rf"\b(?P<name>{'|'.join(pattern.pattern for pattern, _ in HOLIDAYS)})\b", _holiday),
        (  # "the 14th", "on the 3rd": an English ordinal, unless a noun follows ("the 2nd location")
            r"(?:\b(?:on\s+|by\s+)?the\s+|(?<![\w.,/-]))(?P<d>\d{1,2})(?P<ord>st|nd|rd|th)\b(?=\s*(?:$|[^\w\s]|"
            r"(?:of|and|when|then|that'?s|thats|so|but|to|at|if|as|for|with|because|since|or|i|we|please|pls|"
            r"ok|instead|before|after|let'?s|lets|can|could|would|will|by|hopefully|once)\b))",
            _bare_day,
        ),
        (  # "el 14", "dia 10", "le 3", "il 5", "ab 27.": only after a word that says what it is
            r"\b(?:el|del|al|le|au|il|dal|am|ab|bis|zum|dia|día)\s+(?:d[ií]a\s+|dem\s+)?(?P<d>\d{1,2})"
            r"(?P<ord>º|°|er|\.)?(?![\d%:/]|[.,]\d|\s*(?:de\s|d'|of\s|h\b|hs\b|horas|uhr|am\b|pm\b|%|años|anni|jahre))",
            _bare_day,
        ),
        (rf"\b(?P<wd>{_ANY_WEEKDAY})\b\.?", _weekday),
        (
            r"(?P<prep>\b(?:in|en|em|im|a|ad|à|pa|para|around|until|till|til|hasta|bis|até|ate|fino\s+a|from|after|"
            r"despu[ée]s\s+de|depois\s+de|dopo|apr[èe]s|nach|a\s+partir\s+de|desde|like|maybe|perhaps|say|next|through|thru|"
            r"by|before|por|vers|verso|um|circa|hacia|no\s+m[êe]s\s+de)\s+|~\s*)"
            rf"(?P<mon>{_MONTH})\b",
            _month_only,
        ),
        (  # "January is better", "March works"
            rf"(?P<prep>)\b(?P<mon>{_MONTH})\s+(?=(?:is|works|would|could|'s|suits)\b)",
            _month_only,
        ),
    )
)
# A weekday just before a date belongs to it ("Monday, June 15", "lunedì 7 settembre", "Mon 6/15").
_WEEKDAY_BEFORE = re.compile(
    rf"\b(?:{_ANY_WEEKDAY})\.?,?\s*(?:the\s+|el\s+|le\s+|den\s+|dem\s+|der\s+|il\s+|o\s+)?$", re.I
)


def dates_in(text: str, today: date, *, day_first: bool = False) -> list[Found]:
    """Every date ``text`` names, resolved against ``today``, in the order they appear, with no role
    yet (``read`` gives them theirs). A match its builder turns down ("3rd of November" read late in
    November, "24/7") still keeps its words from the patterns after it ("the 3rd")."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for pattern, build in PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            mention = build(match, today, day_first)
            if mention is None:
                taken.append(match.span())
                continue
            weekday = _WEEKDAY_BEFORE.search(text, max(0, mention.start - 20), mention.start)
            if weekday is not None and not mention.weekday_only:
                mention = replace(mention, start=weekday.start(), weekday=True)
            taken.append((min(match.start(), mention.start), match.end()))
            found.append(mention)
    return sorted(found, key=lambda f: f.start)


# --- Roles: what the words around a date make of it ---


def _words(*groups: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(groups)})\b", re.I)


RETURN_WORDS = _words(
    r"back|return|returns|returning|home\s+on|reopens?|reopening|resumes?|available|respond\s+on|on\s+or\s+after",
    r"regres[oa]|regresamos|regresar[éeáa]|vuelvo|vuelve|volvemos|volver[ée]|de\s+vuelta|de\s+regreso|"
    r"retorno|retorna|retornamos|me\s+reincorporo|reincorporo|reincorpora|reincorporar[ée]|a\s+partir\s+del?|"
    r"desde\s+el|retomaremos|reanudamos|reabrimos|reabre",
    r"volto|voltarei|voltamos|de\s+volta|regresso|a\s+partir\s+d[oa]",
    r"rientro|rientrer[òo]|torno|torner[òo]|di\s+ritorno|a\s+partire\s+da(?:l)?|riapriamo|riapre",
    r"retour|de\s+retour|reviens|reviendrai|rentre|[àa]\s+partir\s+du|d[èe]s\s+le|rouvre|r[ée]ouverture",
    r"zur[üu]ck|wieder|ab|ab\s+dem",
)
# "call me back", "circle back": asking to be contacted, not a return.
_CONTACT_BACK = re.compile(
    r"\b(?:call|text|circle|check|get|write|ping|hit|come|reach|ring|e-?mail|message|reply|send|go|touch|"
    r"report|loop)\s+(?:(?:me|us|him|her|them|it|you|this)\s+)?back\b",
    re.I,
)
AFTER_WORDS = _words(r"after|despu[ée]s|tras|luego|passad[oa]|dopo|apr[èe]s|nach|depois")
UNTIL_WORDS = _words(
    r"until|till|til|'til|untill|up\s+to|hasta|bis|jusqu['’]\s?(?:au|à|a)|jusqu['’]?|fino\s+a(?:l|lla)?|at[ée]|"
    r"fins\s+a(?:l)?"
)
THROUGH_WORDS = _words(r"through|thru|to\s+and\s+including|through\s+to")
INCLUSIVE = _words(
    r"inclusive|inclusivo|inclusivement|inclus|incluse|incluso|incluido|incluida|inclu[íi]da|incl[òo]s|inclosa",
    r"compres[oa]|einschlie(?:ß|ss)lich|bis\s+und\s+mit|to\s+and\s+including|and\s+including",
)
# "Not until X", "isn't 17 until X", "won't be back until X": X is the day it starts, not a last day.
NEGATION = _words(r"not|\w+n't|no|never|nothing|nada|nunca|nicht|kein\w*|pas|non|não|nao")
# Between "until" and its date, only these words keep it the last day away ("until the 22nd"); others
# make the date an event's ("until my insurance kicks in on the 1st"), which is then the day itself.
_UNTIL_FILLER = re.compile(
    r"\s*(?:(?:the|el|la|le|il|dia|día|o\s+dia|zum|zur|dem|den|am|einschlie(?:ß|ss)lich|and\s+including)\s+)?",
    re.I,
)
# "We complete on 30 June. Let's talk after that": the date just named, the day after.
AFTER_THAT = _words(
    r"after\s+(?:that|this|then)|afterwards|despu[ée]s\s+de\s+eso|luego\s+de\s+eso|danach|apr[èe]s\s+(?:ça|cela)|"
    r"dopo\s+(?:di\s+)?(?:che|ci[òo])|depois\s+disso"
)
# Asking to be contacted: "text me", "circle back", "escríbeme", "me chama", "recontactez-moi", "ruf an";
# and the hedges that put a time forward ("maybe Q4", "quizás en marzo").
CONTACT_WORDS = _words(
    r"text|call|ring|phone|ping|e-?mail|message|reach|contact\w*|touch\s+base|get\s+in\s+touch|follow\s+up|"
    r"circle\s+back|check\s+(?:back|in)|come\s+back|get\s+back|try|hit\s+me|talk|chat|speak|revisit|"
    r"pick\s+(?:this|it)\s+up|write|send|remind|ask\s+(?:me|us)|connect|reconnect|catch\s+up|calendar|"
    r"schedule|resend|holler|is\s+better|put\s+(?:us|me|it)\s+down|pencil",
    r"escr[ií]b\w*|ll[áa]m\w*|h[áa]bl\w*|m[áa]nd\w*|contact\w*|b[úu]squ\w*|busc\w*|retom\w*|vemos|"
    r"conversemos|conversamos|platicamos",
    r"me\s+chama|me\s+manda|me\s+liga|me\s+procura|fala|falar|falamos|falemos|convers\w+|escrev\w*|contat\w*",
    r"recontact\w*|rappel\w*|[ée]cri\w*|relanc\w*|revenez|reparl\w*|parlons",
    r"richiam\w*|risent\w*|ricontatt\w*|riparl\w*|sentiamo\w*|scriv\w*|contatt\w*|chiam\w*",
    r"ruf\w*|anruf\w*|meld\w*|schreib\w*|kontakt\w*|kommen\s+sie|sprechen",
    r"maybe|perhaps|quiz[áa]s?|tal\s+vez|peut-[êe]tre|forse|magari|vielleicht|talvez",
)
# "Contact me then": the time named in the sentence before.
THEN = _words(r"then|entonces|ah[íi]|alors|dann|allora|ent[ãa]o|da[íi]")
# The lead saying they will get in touch ("I'll call", "te aviso", "le marco"): no date is asked of us.
PROMISE = re.compile(
    r"\b(?:i'?ll|ill|i\s+will|we'?ll|we\s+will|i'?m\s+going\s+to)\s+(?:\w+\s+){0,2}?(?:call|text|reach|ring|e-?mail|"
    r"let\s+(?:you|u)\s+know|be\s+in\s+touch|get\s+back|contact)\b|\b(?:te|le|les)\s+(?:aviso|marco|llamo|"
    r"escribo|hablo|contacto|ligo|chamo)\b|\bich\s+melde\s+mich\b|\bje\s+(?:vous|te)\s+(?:recontacte|rappelle)\b",
    re.I,
)
# The text between two dates that makes them a range: the first is where it starts.
RANGE_BETWEEN = re.compile(
    r"\s*,?\s*(?P<word>-|–|—|to|till|til|until|through|thru|al|a|au|à|bis|até|ao|hasta(?:\s+el)?|"
    r"jusqu['’]au|fino\s+al|fins\s+al)\s*(?:el\s+|le\s+|the\s+|einschlie(?:ß|ss)lich\s+|inclusive\s+)?",
    re.I,
)
_CLAUSE_END = re.compile(r"[.!?;](?=\s)|\n")
_COMMA = re.compile(r",\s")
# Clauses of a sentence: "Please call me on the 3rd and I'll let you know" asks, then promises.
_CLAUSE = re.compile(r",\s|\s(?:and|but|y|pero|e|mas|et|mais|und|aber|ma)\s", re.I)
_BEFORE = 45  # how far before a date the words that say what it is may be
_AFTER = 30  # how far after it an "inclusive" may be


def _sentence_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _CLAUSE_END.finditer(text))]


def _sentence_end(text: str, sentences: list[int], index: int) -> int:
    return sentences[index + 1] if index + 1 < len(sentences) else len(text)


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    matches = list(pattern.finditer(text))
    return matches[-1] if matches else None


def _role(text: str, mention: Found, sentences: list[int]) -> str:
    """What the words just before a date (in its sentence, after any comma), or an "inclusive" just
    after it, make of it."""
    sentence = sentences[bisect.bisect_right(sentences, mention.start) - 1]
    start = max(sentence, mention.start - _BEFORE)
    comma = _last(_COMMA, text[start : mention.start])
    before = text[start + (comma.end() if comma else 0) : mention.start]
    before = _CONTACT_BACK.sub(lambda m: " " * len(m.group(0)), before)
    next_sentence = _CLAUSE_END.search(text, mention.end)
    after = text[
        mention.end : min(mention.end + _AFTER, next_sentence.start() if next_sentence else len(text))
    ]
    if RETURN_WORDS.search(before):
        return "return"
    if INCLUSIVE.search(before) or INCLUSIVE.search(after):
        return "through"
    if mention.role:
        return mention.role
    cues = [
        (found, role)
        for role, words in (("after", AFTER_WORDS), ("until", UNTIL_WORDS), ("through", THROUGH_WORDS))
        if (found := _last(words, before)) is not None
    ]
    if cues:
        cue, role = max(cues, key=lambda pair: pair[0].end())
        if role == "after" and mention.precision < 3 and before[cue.end() :].strip():
            return "event"  # "after the wedding in June": when it ends is not said
        if role == "until" and (
            NEGATION.search(before, 0, cue.start()) or not _UNTIL_FILLER.fullmatch(before, cue.end())
        ):
            return "starts"  # "not until 3 November", "until my insurance kicks in on the 1st"
        return role
    if CONTACT_WORDS.search(before):
        return "contact"
    if AFTER_THAT.search(text, mention.end, min(len(text), mention.end + 60)):
        return "after"
    return ""


def _resolve(mention: Found, today: date) -> date | None:
    """The date a mention gives once its role is read (None: it gives none)."""
    role = mention.role
    if role in ("start", "event") or (mention.needs_cue and not role):
        return None
    if role in ("after", "through") or (role == "until" and mention.precision == 3 and not mention.weekday):
        return mention.through + timedelta(days=1)
    if mention.weekday_only and not role and mention.when - timedelta(days=7) == today:
        return today  # "out Friday", said on a Friday
    return mention.when


def read(text: str, today: date, *, day_first: bool = False) -> list[tuple[date, Found]]:
    """The dates ``text`` gives, each with the mention it comes from (its role read), in text order,
    none before ``today`` nor beyond the horizon."""
    mentions = dates_in(text, today, day_first=day_first)
    for index in range(len(mentions) - 1):
        first, second = mentions[index], mentions[index + 1]
        between = RANGE_BETWEEN.fullmatch(text, first.end, second.start)
        if between is not None and first.role != "through":
            mentions[index] = replace(first, role="start")
            ends = "until" if UNTIL_WORDS.fullmatch(between["word"]) else "through"
            mentions[index + 1] = replace(second, role=ends)
    sentences = _sentence_starts(text)
    previous: date | None = None
    out: list[tuple[date, Found]] = []
    for mention in mentions:
        if mention.bare and previous is not None and previous > today:
            # "away from 3 September, back on the 14th": the 14th after the date just named
            again = _next_numbered(mention.when.day, previous - timedelta(days=1))
            mention = replace(mention, when=again or mention.when)
        mention = replace(mention, role=_role(text, mention, sentences))
        when = _resolve(mention, today)
        if mention.role != "start":
            previous = mention.when
        if when is not None and today <= when <= today + HORIZON:
            out.append((when, mention))
    return out


def return_date(text: str, today: date, *, day_first: bool = False) -> date | None:
    """The first day an away notice says they are back (None if it does not say).

    A date said with a return word is the return; otherwise the latest date the notice gives (a notice
    names the day it was written, the first day away and the day back, in that order of time). A month,
    a quarter or a rough time ("return in early September") is no return date.
    """
    dates = [(when, found) for when, found in read(text, today, day_first=day_first) if found.precision >= 2]
    said = [when for when, found in dates if found.role == "return" and not found.rough]
    return max(said or [when for when, found in dates if not found.rough], default=None)


_RANK = {"return": 0, "contact": 0, "starts": 0, "after": 1, "until": 1, "through": 1, "": 2}


def follow_up_date(text: str, today: date, *, day_first: bool = False) -> date | None:
    """The day a "not now" asks to be contacted again, if it names or implies one.

    The dates in the sentences that ask for contact ("text me on the 15th", "escríbeme en septiembre")
    come first; if those sentences name none, the dates said with a cue ("until the 9th, talk after");
    if the lead only says they will be in touch ("I'll call you next week"), none. Among several, one
    said as a return or a request first, then one with "after"/"until", then the most precise ("Q1, say
    mid-January": the 15th), then the earliest.
    """
    dates = [(when, found) for when, found in read(text, today, day_first=day_first) if when > today]
    sentences = _sentence_starts(text)
    asking: list[int] = []
    promising = False
    for index, start in enumerate(sentences):
        clauses = _CLAUSE.split(text[start : _sentence_end(text, sentences, index)])
        asks = any(CONTACT_WORDS.search(clause) and not PROMISE.search(clause) for clause in clauses)
        promising = promising or (not asks and any(PROMISE.search(clause) for clause in clauses))
        if asks:
            asking.append(index)

    def sentence_of(found: Found) -> int:
        return bisect.bisect_right(sentences, found.start) - 1

    dated = {sentence_of(found) for _, found in dates}
    for index in list(asking):  # "Please reach out then": the sentence before says when
        if index not in dated and THEN.search(text, sentences[index], _sentence_end(text, sentences, index)):
            asking += [earlier for earlier in sorted(dated) if earlier < index][-1:]
    chosen = [pair for pair in dates if sentence_of(pair[1]) in asking]
    if not chosen and asking:
        chosen = [pair for pair in dates if pair[1].role]
    elif not chosen and not promising:
        chosen = dates
    if not chosen:
        return None
    return min(chosen, key=lambda pair: (_RANK.get(pair[1].role, 2), -pair[1].precision, pair[0]))[0]
