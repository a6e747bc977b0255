"""Groundedness: every figure, date, time, name, link and contact in a draft must come from somewhere true.

"Somewhere true" is the ``GuardrailContext`` corpus: the lead's own details and words, the sources the
drafter was given, the company's facts and identity, and the call slots the system computed. A small
model that invents "38% fewer no-shows at Maple Grove Dentistry" fails here twice: the figure is not in
the sources, and the customer is called Maple Grove Family Dentistry.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.claims import misattributed, misplaced_company, nearest_statement
from agent.guardrails.figures import (
    HEDGE,
    ROUNDING,
    SCORE,
    Figure,
    counts_the_message,
    elided_figures,
    figures,
    located_figures,
    scaled,
    spelled_values,
    unbounded_terms,
)
from agent.guardrails.names import is_spanish, ungrounded_names
from agent.guardrails.offers import excluded_use
from agent.guardrails.stories import moved_story
from agent.guardrails.style import PLACEHOLDER
from agent.guardrails.text import EMAIL, PHONE, URL, Corpus, corpus_for, normalise, strip_url
from agent.guardrails.tiers import wrong_tier

__all__ = ["check_grounded", "figures"]  # figures: asks.py reads them from here

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_PATTERN = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
DATE = re.compile(
    rf"\b\d{{1,2}}\s+de\s+(?:{'|'.join(SPANISH_MONTHS)}|setiembre)\b(?:\s+(?:de|del)\s+\d{{4}})?"
    rf"|\b{MONTH_PATTERN}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_PATTERN}\b(?:,?\s+\d{{4}})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b(?!24/7\b)(?:0?[1-9]|1[0-2])/\d{1,2}(?:/\d{2,4})?\b",  # not "24/7"
    re.IGNORECASE,
)
FRACTION = re.compile(
    r"[1-3]/[2-4]\s+(?:of\s+|an?\s+)?(?:hours?|days?|weeks?|months?|years?|miles?|inch(?:es)?|cups?|"
    r"the|our|your|their|hora|día|semana|mes|año|del?)\b",
    re.IGNORECASE,
)
# A time the draft proposes (to call, visit, meet) rather than states (opening hours): only a slot will do.
PROPOSAL = re.compile(
    r"\?|\b(?:I(?:'ll| will| can| could)? call|we (?:can|could) (?:meet|talk)|let's|how about|"
    r"(?:le|la|lo|te) (?:llamo|llamaré|puedo llamar|visito)|puedo llamarl[eao]|nos vemos|"
    # A visit offered: "le puedo mandar a un técnico el miércoles a las 8:00", "we can send a tech at 9".
    r"(?:le|les|lo|la) (?:puedo|podemos) (?:mandar|enviar|agendar|apartar|reservar)|"
    r"(?:I|we) (?:can|could) (?:send|book|schedule|pencil in)|(?:puedo|podemos) (?:pasar|ir))\b",
    re.IGNORECASE,
)
# Opening hours, not a proposal: "from 9:00 to 5:00", "de 10:00 a.m. a 6:00 p.m.", "until 7:00 p.m.".
HOURS_BEFORE = re.compile(r"\b(?:from|de|desde|until|till|hasta(?: las)?|to|a)\s*$", re.IGNORECASE)
HOURS_AFTER = re.compile(r"^\s*(?:to|a|-|–|hasta)\s+\d", re.IGNORECASE)
SENTENCE_END = re.compile(r"[!?\n]|\.(?=\s+[A-ZÁÉÍÓÚ¿¡])")
INTENSIFIER = re.compile(
    r"100\s?%\s+(?:free|gratis|gratuit|risk|guarant|garantiz|satisf|sure|segur|honest|committed|comprometid)",
    re.IGNORECASE,
)
# A date a claim hangs on: prices rising, a last day. Only an offer's own dates may be one.
DEADLINE = re.compile(
    r"\b(?:go(?:es)? up|increase|rise|expires?|deadline|last day|ends?|before|by|suben|subirán|"
    r"aumentan?|vence|termina|antes del?|a más tardar|fecha límite|último día)\b[^.!?\n]{0,25}$",
    re.IGNORECASE,
)
# A span of the lead's own history asked for or read: "your last 12 months of bills", "sus últimos 12
# recibos". What the figure counts is theirs, not a claim of ours.
LOOKBACK = re.compile(
    r"\b(?:your|the|sus|los|las)\s+(?:last|past|previous|most recent|últimos|últimas|ultimos|ultimas)\s+$",
    re.IGNORECASE,
)
# A number that names a form, a line or a room rather than counting anything: "Form 1040", "Schedule C",
# "W-2", "1099-K", "K-1", "Suite 310".
IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:forms?|formularios?|schedule|anexo|line|l[ií]nea|suite|room|unit|apt|oficina|model|modelo)"
    r"\s+(?:[A-Z]{1,2}\s+)?(?:[A-Z]{0,2}-?\d+(?:-[A-Z]+)?s?\s*(?:,|and|y|e|or|o)\s+)*|(?-i:\b[A-Z]{1,2}-))$",
    re.IGNORECASE,
)
IDENTIFIER_AFTER = re.compile(r"-[A-Z]{1,4}\b|(?i:\s+(?:forms?|formularios?)\b)")


FREQUENCY = re.compile(r"\b(?:every|each|once every|cada)\s+(?:other\s+)?$", re.IGNORECASE)


def _asked(text: str, match: re.Match[str]) -> bool:
    """A frequency in a question to the lead ("paid every two weeks or monthly?"): theirs to answer."""
    if not FREQUENCY.search(text[max(0, match.start() - 16) : match.start()]):
        return False
    after = SENTENCE_END.search(text, match.end())
    return after is not None and after.group() == "?"


def identifier(text: str, match: re.Match[str]) -> bool:
    """A bare number that is part of a form's or a place's name ("Form 1040", "W-2", "1099-NEC")."""
    if not match.group()[:1].isdigit() or match.group()[-1:] in "%kKxX":
        return False
    before = text[max(0, match.start() - 40) : match.start()]
    return (
        IDENTIFIER_BEFORE.search(before) is not None or IDENTIFIER_AFTER.match(text, match.end()) is not None
    )


BARE_HOUR = re.compile(r"\b(?:at|until|till|by|a las|hasta las|desde las)\s+(\d{1,2})(?::(\d{2}))?\b", re.I)
TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm)(?!\w)"
    r"|\b\d{1,2}(?::\d{2})?\s+de la (?:mañana|tarde|noche)\b"  # "las 7 de la tarde" is 19:00
    r"|\b\d{1,2}:\d{2}(?!\w)",
    re.IGNORECASE,
)
DOMAIN = re.compile(
    r"(?<![@\w.])(?:[a-z0-9-]+\.)+(?:com|io|co|org|net|app|dev|ai|us|uk|example)(?:/[^\s<>\"')]*)?(?![\w@])",
    re.IGNORECASE,
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SPANISH_WEEKDAY = dict(
    zip(WEEKDAYS, ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"), strict=True)
)
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
            # A subject is too short to show its language: the body's tells ("Quién cuidaría a Chato aquí").
            for v in _check_text(
                draft.subject,
                context,
                corpus,
                heading=True,
                spanish=is_spanish(f"{draft.subject} {draft.body}"),
            )
        ]
    unique = {(v.code, v.start, v.end, v.message): v for v in violations}.values()
    return sorted(unique, key=lambda v: (v.start or 0, v.code))


def _check_text(
    body: str,
    context: GuardrailContext,
    corpus: Corpus,
    *,
    heading: bool = False,
    spanish: bool | None = None,
) -> list[Violation]:
    violations: list[Violation] = []
    masked = body

    def mask(match: re.Match[str]) -> str:
        """Blank out what was checked, keeping a closing full stop: "at 10:00 a.m. Would" ends a sentence."""
        text = match.group()
        return " " * (len(text) - 1) + "." if text.endswith(".") else " " * len(text)

    known_links = {_link_key(u) for u in corpus.urls}
    for match in URL.finditer(body):
        if _link_key(match.group()) not in known_links:
            violations.append(_at(match, "grounded.url", f'the link "{strip_url(match.group())}"', trim=True))
    masked = URL.sub(mask, masked)
    for match in EMAIL.finditer(masked):
        if match.group().lower() not in corpus.emails:
            violations.append(
                _at(match, "privacy.contact", f'the address "{match.group()}" is not this lead\'s or ours')
            )
    masked = EMAIL.sub(mask, masked)
    for match in DOMAIN.finditer(masked):
        known = corpus.contains_phrase(strip_url(match.group())) or _link_key(match.group()) in known_links
        if not known:
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
    corpus_dates = _all_dates(corpus.parts)
    offer_ids = context.live_offer_ids | {offer.id for offer in context.offers}
    offer_dates = {
        (day.month, day.day) for offer in context.offers for day in (offer.starts, offer.expires) if day
    }.union(
        *(_dates(source.text) for source in context.sources if source.id in offer_ids),
        *(_dates(phrase) for phrase in context.allowed_phrases),
        *(_dates(text) for text in _lead_words(context)),  # "before your surgery on March 4"
        _deadline_dates(corpus.parts),  # "we need your documents by March 19": the sources' own deadlines
    )
    scores = [m.span() for m in SCORE.finditer(masked)]
    for match in DATE.finditer(masked):
        if any(start <= match.start() < end for start, end in scores):
            continue  # "de 8/10 a 3/10" is a pain score, read as a figure
        if FRACTION.match(masked, match.start()):
            continue  # "1/2 hour", "3/4 of the price": a fraction, not a date
        day_key = _date_key(match.group())
        if day_key not in corpus_dates and not corpus.contains_phrase(match.group()):
            violations.append(_at(match, "grounded.date", f'the date "{match.group()}"'))
        elif (
            DEADLINE.search(masked[max(0, match.start() - 40) : match.start()]) and day_key not in offer_dates
        ):
            violations.append(
                Violation(
                    "grounded.date",
                    f'"{match.group()}" is used as a deadline, but it is the date of no offer: the sources '
                    "give it for something else",
                    match.start(),
                    match.end(),
                )
            )
    masked = DATE.sub(lambda m: m.group() if any(a <= m.start() < b for a, b in scores) else mask(m), masked)
    for match in WEEKDAY.finditer(masked):  # before times are masked: "Thursday at 10:00" is a date
        if (
            (match.group(1) or match.group(3))
            and not corpus.contains_name(match.group(2))
            # "Thursday 15 April at 10:00" for the slot "jueves 15 de abril a las 10:00": the same day
            and not corpus.contains_name(SPANISH_WEEKDAY[match.group(2).lower()])
        ):  # "Saturdays"
            day = _at(match, "grounded.date", f'the day "{match.group(2)}"')
            violations.append(replace(day, start=match.start(2), end=match.end(2)))
    corpus_times = _all_times(corpus.parts) | _lead_hours(context)
    slots = set().union(*(_times(phrase) for phrase in context.allowed_phrases))
    for match in TIME.finditer(masked):
        key = _time_key(match.group())
        allowed = slots if _proposed(masked, match) else corpus_times | slots
        if key not in allowed and not (key.startswith("0") and _afternoon(key) in allowed):
            violations.append(_at(match, "grounded.time", f'the time "{match.group().strip()}"'))
    masked = TIME.sub(mask, masked)
    masked = PLACEHOLDER.sub(mask, masked)  # reported by the placeholder check, not as names or figures
    theirs = {
        scaled(f)
        for other in context.other_leads
        for f in figures(" ".join(v for v in (other.need, other.inquiry_text) if v))
        if f[1] is not None
    }
    numbers = _numbers(masked, corpus, context.today, _lead_counts(context))
    flagged = {(v.start, v.end) for v in numbers}
    numbers += [v for v in misattributed(body, context, masked) if (v.start, v.end) not in flagged]
    flagged = {(v.start, v.end) for v in numbers}
    numbers += [v for v in wrong_tier(masked, corpus.parts) if (v.start, v.end) not in flagged]
    flagged = {(v.start, v.end) for v in numbers}
    numbers += [v for v in excluded_use(body, context) if (v.start, v.end) not in flagged]
    moved = moved_story(body, context, masked)
    numbers += [v for v in moved if v.code == "grounded.number" and (v.start, v.end) not in flagged]
    # Another lead's "9 hours a day" is wrong_lead's to report.
    numbers = [v for v in numbers if scaled(_figure_at(masked, v)) not in theirs]
    violations += numbers + misplaced_company(masked, context)
    violations += [
        _at(m, "grounded.number", f'the term "{m.group()}"') for m in unbounded_terms(masked, corpus.text)
    ]
    violations += [v for v in moved if v.code == "grounded.name"]
    violations += [
        Violation(
            "grounded.name",
            f'"{name.text}" is not in the lead\'s details or the cited sources: use only names that '
            "appear there",
            name.start,
            name.end,
        )
        for name in ungrounded_names(masked, corpus, context, heading=heading, spanish=spanish)
    ]
    return violations


def _link_key(url: str) -> str:
    """A link as a reader follows it: "https://www.x.example/pricing/" is "x.example/pricing"."""
    key = normalise(strip_url(url))
    key = re.sub(r"^https?://", "", key)
    return key.removeprefix("www.").rstrip("/")


def _at(match: re.Match[str], code: str, what: str, *, trim: bool = False) -> Violation:
    end = match.start() + len(strip_url(match.group())) if trim else match.end()
    return Violation(
        code,
        f"{what} is not in the lead's details or the cited sources: remove it or cite a source that says it",
        match.start(),
        end,
    )


def _figure_at(text: str, violation: Violation) -> tuple[Decimal, str | None]:
    found = [f for m, f in located_figures(text) if m.start() == violation.start]
    return found[0] if found else (Decimal(-1), None)


def _numbers(
    masked: str, corpus: Corpus, today: date | None = None, lead_counts: tuple[Decimal, ...] = ()
) -> list[Violation]:
    """A figure with a unit must match one with the same unit: "30%" is not grounded by "30 days".

    A figure the draft works out from grounded ones is grounded too, and so in turn are the figures
    worked out from it: "$24 plus $19 is $43 per van, or $774 a month for 18 vans", "$1,440 plus $720
    is $2,160 a month, or $77,760 over 36 months" (found on Ironbridge Fleet's drafts: a rep's totals).
    """
    known_scaled, known_values = _known_figures(corpus.parts)
    located = located_figures(masked)
    pending: list[tuple[re.Match[str], Figure]] = []
    for match, (value, unit) in located:
        if INTENSIFIER.match(masked, match.start()):
            continue  # "100% free" says "entirely", it measures nothing (spam.phrase may still apply)
        if counts_the_message(masked, match, (value, unit)):
            continue  # "1. We visit", "3 quick ideas": the message's own parts
        if _asked(masked, match):
            continue  # "¿Cobran cada semana o cada quince días?": asking about their habits claims nothing
        if identifier(masked, match):
            continue  # "Form 1040", "W-2", "1099-K", "Suite 310": a name of a form or a place, not a count
        if LOOKBACK.search(masked[max(0, match.start() - 30) : match.start()]):
            continue  # "send me the last 12 months of bills": a span of their history, not a claim
        if unit is None and today is not None and today.year - 2 <= value <= today.year + 1:
            continue  # "your 2027 remodel", "installed before 2026": the calendar around us is no claim
        if _known(value, unit, known_scaled, known_values):
            continue
        pending.append((match, (value, unit)))
    worked: list[tuple[re.Match[str], Figure]] = []
    while True:  # until no figure is newly worked out from the others
        found_more = [
            (match, figure)
            for match, figure in pending
            if _worked_out(masked, match, figure, located, known_scaled, known_values, worked, lead_counts)
        ]
        if not found_more:
            break
        worked += found_more
        pending = [p for p in pending if p not in found_more]
    found: list[Violation] = []
    for match, (value, unit) in pending:
        if HEDGE.search(masked[max(0, match.start() - 40) : match.start()]) and _approximates(
            (value, unit), known_scaled, known_values, _known_ranges(corpus.parts)
        ):
            continue  # "roughly 250 businesses" for about 260, "likely about 4 weeks" within 3 to 6 weeks
        violation = _at(match, "grounded.number", f'the figure "{match.group()}"')
        nearest = nearest_statement(_sentence_around(masked, match), corpus.parts)
        if nearest:
            violation = replace(violation, message=f'{violation.message}; nearest source: "{nearest}"')
        found.append(violation)
    return found


def _known(
    value: Decimal, unit: str | None, known_scaled: frozenset[Figure], known_values: frozenset[Decimal]
) -> bool:
    """The corpus gives the figure: the same value in the same unit, or a bare value anywhere.

    Days and months meet at 30 days a month and 365 a year: "90 days" is "3 months"; days and hours at
    24 hours a day: "48 hours" is "2 days".
    """
    if unit is None:
        return value in known_values
    figure = scaled((value, unit))
    if figure in known_scaled:
        return True
    if figure[1] == "day":
        return (
            (figure[0] / 30, "month") in known_scaled
            or (figure[0] / 365 * 12, "month") in known_scaled
            or ((figure[0] * 24 * 60).normalize(), "minute") in known_scaled  # "2 days" is "48 hours"
        )
    if figure[1] == "month":
        return (figure[0] * 30, "day") in known_scaled or (figure[0] / 12 * 365, "day") in known_scaled
    if figure[1] == "minute" and figure[0] % (24 * 60) == 0:
        return ((figure[0] / (24 * 60)).normalize(), "day") in known_scaled
    return False


CURRENCIES = frozenset({"$", "€", "£"})
# "less than $5 a day", "under $2,000": a bound, true when the worked-out value is within it.
BOUND = re.compile(r"\b(?:less than|under|below|more than|over|menos de|más de)\s+[$€£]?$", re.IGNORECASE)
# A monthly price per year, per month, per day and per week: what a rep divides or multiplies it by.
PERIODS = (Decimal(12), 1 / Decimal(12), 1 / Decimal(30), Decimal(12) / Decimal(52))


def _approximates(
    figure: Figure,
    known_scaled: frozenset[Figure],
    known_values: frozenset[Decimal],
    ranges: frozenset[tuple[Decimal, Decimal, str | None]],
) -> bool:
    """A hedged figure within 5% of a grounded one in its unit, or inside a range the sources give."""
    value, unit = scaled(figure)
    known = known_values if unit is None else frozenset(v for v, u in known_scaled if u == unit)
    if any(k and abs(value - k) <= abs(k) * ROUNDING for k in known):
        return True
    return any(low <= value <= high for low, high, range_unit in ranges if range_unit == unit)


@lru_cache(maxsize=64)
def _known_ranges(parts: tuple[str, ...]) -> frozenset[tuple[Decimal, Decimal, str | None]]:
    return frozenset().union(*(_part_ranges(part) for part in parts))


RANGE_BETWEEN = re.compile(r"\s*(?:to|-|–|a|y|and|hasta)\s*", re.IGNORECASE)


@lru_cache(maxsize=8192)
def _part_ranges(part: str) -> frozenset[tuple[Decimal, Decimal, str | None]]:
    """ "3 to 6 weeks", "de $450 a $750": each range of a text, its ends in the smaller unit."""
    located = located_figures(part)
    found: set[tuple[Decimal, Decimal, str | None]] = set()
    for (first, low), (second, high) in pairwise(located):
        if low[1] != high[1] or not RANGE_BETWEEN.fullmatch(part[first.end() : second.start()]):
            continue
        (a, unit), (b, _) = scaled(low), scaled(high)
        if a < b:
            found.add((a, b, unit))
    return frozenset(found)


def _worked_out(
    text: str,
    match: re.Match[str],
    figure: Figure,
    located: tuple[tuple[re.Match[str], Figure], ...],
    known_scaled: frozenset[Figure],
    known_values: frozenset[Decimal],
    worked: Sequence[tuple[re.Match[str], Figure]] = (),
    lead_counts: tuple[Decimal, ...] = (),
) -> bool:
    """The figure is one step of arithmetic on two grounded figures of its own paragraph.

    "$24,000 less the 30% credit is $16,800", "$7,000 over 12 months is about $583 a month", "3
    visits a week for 6 weeks, 18 visits": the operands stand beside the result, so the reader can
    check it. A result within 1% counts (a careful writer rounds).
    """
    value, unit = figure
    start = text.rfind("\n\n", 0, match.start()) + 1
    end = text.find("\n\n", match.end())
    end = len(text) if end < 0 else end
    worked_here = {m.start() for m, _ in worked}
    operands = [
        (f[0], f[1])
        for m, f in located
        if start <= m.start() < end
        and m.start() != match.start()
        and (m.start() in worked_here or _known(f[0], f[1], known_scaled, known_values))
    ]
    # A number the paragraph spells is an operand too: "sus doce trabajadores ... los otros 7".
    operands += [
        (spelled, None)
        for spelled in spelled_values(text[start:end])
        if _known(spelled, None, known_scaled, known_values)
    ]
    tolerance = max(Decimal("0.5"), abs(value) / 100)
    before = text[max(0, match.start() - 40) : match.start()]
    loose = HEDGE.search(before) or BOUND.search(before)
    if unit in CURRENCIES and any(
        abs(b * factor - value) <= (abs(value) * ROUNDING if loose else tolerance)
        for b, b_unit in operands
        if b_unit == unit
        for factor in PERIODS
    ):
        return True  # "$250 a month, about $3,000 a year", "$145 a month, less than $5 a day"
    if unit in CURRENCIES:
        # A price of the sources times a count of the paragraph: "your 4 months come to $1,100" ($275 a
        # month of backlog), "eleven hundred dollars".
        counts = [c for c, c_unit in operands if c_unit not in CURRENCIES and c_unit != "%" and 1 < c <= 100]
        slack = abs(value) * ROUNDING if loose else tolerance
        if any(
            abs(price * count - value) <= slack
            for price, price_unit in known_scaled
            if price_unit == unit
            for count in counts
        ):
            return True
    if unit in CURRENCIES:
        # Two steps, the middle one unsaid: held to the cent (a rep who works out a total writes it exactly).
        exact = Decimal("0.5")
        counts = [c for c, c_unit in operands if c_unit not in CURRENCIES and c_unit != "%"] + list(
            lead_counts
        )
        if _priced_out(value, exact, [a for a, a_unit in operands if a_unit == unit], counts):
            return True
        # A price of the sources, for the lead's count, for a year: "for your 8 trucks, $2,304 for the
        # year" (8 x $24 x 12), the year said beside it.
        if YEAR_WORD.search(text[start:end]):
            known_prices = _prices_in(known_scaled, unit)
            if any(
                _near(known_prices, value / (count * 12), exact / (count * 12))
                for count in counts
                if 1 < count <= 1000
            ):
                return True
    if len(operands) < 2:
        return False
    for (a, a_unit), (b, b_unit) in ((x, y) for x in operands for y in operands if x is not y):
        results: list[Decimal] = []
        if a_unit == unit and b_unit == unit:
            results += [a + b, a - b]
        if a_unit == unit and b_unit == "%":
            results += [a * b / 100, a - a * b / 100]
        if a_unit == unit and b_unit is None and b:
            results += [a * b, a / b]
        if a_unit == unit and b_unit in ("month", "year", "week") and b:
            results += [a / b]  # "$7,000 over 12 months": a monthly amount
        if a_unit == unit and unit in CURRENCIES and b_unit not in CURRENCIES and b_unit != "%":
            results += [a * b]  # "$275 a month of backlog, for your 4 months $1,100": a price times a count
        if unit is None and a_unit is None and b_unit is None:
            results += [a * b]
        if a_unit == b_unit and a_unit is not None and b:
            ratio = a / b
            if unit == "%":
                results += [ratio * 100, (1 - ratio) * 100, (ratio - 1) * 100]  # "an 84% drop"
            if unit in (None, "year", "month"):
                results += [ratio]  # "$16,800 at $2,400 a year pays back in 7 years"
        if any(abs(result - value) <= tolerance for result in results):
            return True
    if unit in CURRENCIES:
        # A base price and a price per unit times a count: "$695 a month, $8 for each employee over 15:
        # 3 extra, $719 a month".
        prices = [a for a, a_unit in operands if a_unit == unit]
        counts = [c for c, c_unit in operands if c_unit not in CURRENCIES and c_unit != "%"]
        counts += [a - b for a in counts for b in counts if a > b]  # "18 on payroll, 15 included: 3 extra"
        return any(
            abs(base + each * count - value) <= tolerance
            for base in prices
            for each in prices
            if each < base
            for count in counts
        )
    return False


YEAR_WORD = re.compile(r"\b(?:a|per|each|the|for the|al|por|el) (?:year|año)\b|\byearly\b|\banual\w*", re.I)


def _priced_out(value: Decimal, tolerance: Decimal, prices: list[Decimal], counts: list[Decimal]) -> bool:
    """Two steps with the middle one unsaid, each operand a price or a count the reader can see: a sum
    of prices ("$185, $25 more for the size and $20 for the spa: $230"), prices added then multiplied
    ("$129 and $89 to install each: $436 for the two"), or a price times a count times a period or
    another count ("Track Essentials for your 8 trucks, $2,304 for the year": 8 x $24 x 12). The
    counts include the lead's own ("18 vans", "11 pickups y 2 camiones"), stated or not in the draft.

    Each form is a lookup (is value / (count x count) a price, or a sum of two?), not a search over
    every product: the check runs on every draft."""
    if not prices:
        return False
    sums = sorted(a + b for i, a in enumerate(prices) for b in prices[i + 1 :])
    if any(_near(sums, value - c, tolerance) for c in prices):
        return True
    bases = sorted({*prices, *sums})
    multipliers = sorted({c for c in counts if 1 < c <= 1000} | {Decimal(12)})  # 12: a year of months
    return any(
        _near(bases, value / first, tolerance / first)
        or any(_near(bases, value / (first * second), tolerance / (first * second)) for second in multipliers)
        for first in multipliers
    )


@lru_cache(maxsize=64)
def _prices_in(known_scaled: frozenset[Figure], unit: str | None) -> tuple[Decimal, ...]:
    return tuple(sorted(v for v, u in known_scaled if u == unit))


def _near(ordered: Sequence[Decimal], target: Decimal, tolerance: Decimal) -> bool:
    """Whether a value of ``ordered`` (sorted) lies within ``tolerance`` of ``target``."""
    at = bisect_left(ordered, target - tolerance)
    return at < len(ordered) and ordered[at] <= target + tolerance


@lru_cache(maxsize=64)
def _known_figures(parts: tuple[str, ...]) -> tuple[frozenset[Figure], frozenset[Decimal]]:
    """The corpus's figures in their smaller units, and its bare values: once per corpus, not per draft."""
    known = frozenset().union(*(figures(part) | elided_figures(part) for part in parts))
    spelled = frozenset().union(*(spelled_values(part) for part in parts))
    return frozenset(scaled(figure) for figure in known), frozenset(value for value, _ in known) | spelled


def _sentence_around(text: str, match: re.Match[str]) -> str:
    start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
    ends = [i for i in (text.find(". ", match.end()), text.find("\n", match.end())) if i >= 0]
    return text[start : min(ends, default=len(text))]


def _proposed(text: str, match: re.Match[str]) -> bool:
    """Asked or offered (to call, visit or meet) in its sentence, and not a span of opening hours."""
    before, after_text = text[max(0, match.start() - 12) : match.start()], text[match.end() :][:12]
    if HOURS_BEFORE.search(before) or HOURS_AFTER.search(after_text):
        return False
    ends = [m.end() for m in SENTENCE_END.finditer(text, 0, match.start())]
    start = ends[-1] if ends else 0
    after = SENTENCE_END.search(text, match.end())
    end = after.end() if after else len(text)
    return PROPOSAL.search(text[start:end]) is not None


def _lead_hours(context: GuardrailContext) -> frozenset[str]:
    """Hours the lead wrote without minutes ("we close at 3"): a reply may repeat them as "3:00"."""
    lead = context.lead
    text = " ".join(v for v in (lead.inquiry_text, lead.need) if v) if lead else ""
    return frozenset(_time_key(f"{m.group(1)}:{m.group(2) or '00'}") for m in BARE_HOUR.finditer(text))


def _lead_counts(context: GuardrailContext) -> tuple[Decimal, ...]:
    """The bare numbers of the lead's own words: "18 vans", "11 pickups y 2 camiones" (and their sum)."""
    lead = context.lead
    if lead is None:
        return ()
    said = " ".join(v for v in (lead.need, lead.inquiry_text) if v)
    counts = sorted({v for v, unit in figures(said) if unit is None and 1 < v <= 1000})
    return (*counts, *(a + b for i, a in enumerate(counts) for b in counts[i + 1 :]))


def _lead_words(context: GuardrailContext) -> tuple[str, ...]:
    lead = context.lead
    return tuple(v for v in (lead.need, lead.inquiry_text) if v) if lead else ()


def _afternoon(key: str) -> str:
    """ "3:00" with no am or pm may be 15:00."""
    return f"{int(key[:2]) + 12:02d}{key[2:]}"


# A date the sources themselves give as a due date: "returns are due March 15", "by February 12",
# "a más tardar el 19 de marzo". A draft may repeat it as one; a date given for anything else (a case
# study's filing day, office hours, a promotion's end, which only a live offer may give) it may not.
SOURCE_DEADLINE = re.compile(
    r"\b(?:due|deadline|by|before|no later than|fecha l[ií]mite|a m[aá]s tardar|antes del?|para el)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=64)
def _deadline_dates(parts: tuple[str, ...]) -> frozenset[tuple[int, int]]:
    return frozenset().union(*(_part_deadline_dates(part) for part in parts))


@lru_cache(maxsize=8192)
def _part_deadline_dates(part: str) -> frozenset[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for match in DATE.finditer(part):
        start = max(part.rfind(mark, 0, match.start()) for mark in (". ", "\n", "? ", "! ", "; ")) + 1
        key = _date_key(match.group())
        if key is not None and SOURCE_DEADLINE.search(part, start, match.start()):
            found.add(key)
    return frozenset(found)


@lru_cache(maxsize=64)
def _all_dates(parts: tuple[str, ...]) -> frozenset[tuple[int, int]]:
    return frozenset().union(*(_dates(part) for part in parts))


@lru_cache(maxsize=64)
def _all_times(parts: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(_times(part) for part in parts))


@lru_cache(maxsize=8192)
def _times(part: str) -> frozenset[str]:
    return frozenset(_time_key(t) for t in TIME.findall(part))


@lru_cache(maxsize=8192)
def _dates(text: str) -> frozenset[tuple[int, int]]:
    return frozenset(key for key in (_date_key(m.group()) for m in DATE.finditer(text)) if key is not None)


def _date_key(text: str) -> tuple[int, int] | None:
    """(month, day) of a date written any of the usual ways; None if it cannot be read."""
    lowered = text.lower()
    for index, month in enumerate(SPANISH_MONTHS, start=1):
        if re.search(rf"\bde\s+{month}", lowered) or (index == 9 and "setiembre" in lowered):
            day = re.match(r"\d{1,2}", lowered)
            return (index, int(day.group())) if day else None
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
    lowered = re.sub(r"delamañana$", "am", re.sub(r"dela(?:tarde|noche)$", "pm", lowered))
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
