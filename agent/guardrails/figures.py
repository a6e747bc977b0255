"""Figures a text states, each as a value and a unit, so that one claim written two ways compares equal.

"$1,500", "1500 dollars", "$1.500" and "$1.5k" are one value; "two weeks" is "14 days", "an hour and a
half" is not attempted, "de 5 a 8 días" gives both ends the unit, and "8/10" is a score, not a date.
``scaled`` reduces units to days, minutes and months so "2 weeks" and "14 days" meet.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

Figure = tuple[Decimal, str | None]  # a value and its unit ("%", "$", "¢", "minute", "day"...), None if bare

NUMBER = re.compile(
    r"(?<![\w.,])[$€£]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:%|x|k)?(?!\w)"
    r"|(?<![\w.,])[$€£]?\d{1,3}(?:\.\d{3})+(?!\d|,\d)(?:%)?(?!\w)"
    r"|(?<![\w.,])(?<!\d/)[$€£]?\d+(?:\.\d+)?(?:%|x|k|st|nd|rd|th)?(?!\w|/\d)",
    re.IGNORECASE,
)
SCORE = re.compile(r"(?<![\w./])(\d{1,2}(?:\.\d)?)\s?/\s?10\b")  # "8/10", "de 8/10 a 3/10": a 0-10 score
SPELLED = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15, "veinte": 20,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "noventa": 90, "cien": 100,
}  # fmt: skip
UNIT_WORDS = (
    r"percent|per cent|por ciento|cents?|centavos?|dollars?|dólares|dolares|usd|pounds?|euros?|"
    r"(?:business |working |lost |sick )?"
    r"(?:minutes?|mins?|hours?|hrs?|days?|workdays?|weeks?|months?|years?)|"
    r"minutos?|horas?|(?:días?|dias?)(?: hábiles| habiles| laborables)?|semanas?|meses|mes|años?"
)
UNIT = re.compile(rf"\s?-?\s?(¢|(?:{UNIT_WORDS})\b)", re.IGNORECASE)
SPELLED_CLAIM = re.compile(
    rf"\b({'|'.join(SPELLED)})(?:[\s-]+(?:y\s+)?({'|'.join(SPELLED)}))?[\s-]+"
    rf"(times|fold|{UNIT_WORDS})\b",
    re.IGNORECASE,
)
UNITS = (
    (r"percent|por ciento", "%"), (r"¢|cents?|centavos?", "¢"), (r"dollars?|usd|dólares|dolares", "$"),
    (r"pounds?", "£"), (r"euros?", "€"), (r"minutes?|mins?|minutos?", "minute"),
    (r"(?:business |working |lost |sick )?(?:hours?|hrs?)|horas?", "hour"),
    (r"(?:business |working |lost |sick )?(?:days?|workdays?)", "day"),
    (r"(?:días?|dias?)(?: hábiles| habiles| laborables)?", "day"),
    (r"weeks?|semanas?", "week"), (r"months?|meses|mes", "month"), (r"years?|años?", "year"),
)  # fmt: skip
# One unit for both ends: "from 12 to 3 minutes", "5 or 10 sessions", "de 5 a 8 días", "$9,500 a $17,000".
RANGE = re.compile(r"\s*(?:to|-|–|or|and|a|al|y|o|hasta)\s*", re.IGNORECASE)
# The smaller unit each is counted in, so "two weeks" and "14 days" are one figure.
SCALE = {"week": (7, "day"), "hour": (60, "minute"), "year": (12, "month")}
CURRENCY = {"$": "$", "€": "€", "£": "£"}
HALF = re.compile(r"\b(?:half|a la mitad|la mitad)\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def figures(text: str) -> frozenset[Figure]:
    """Every figure a text states, with its unit: what a draft's figures are checked against.

    A source's "half" also grounds a draft's "50%" (the reverse needs no help: "half" is not read as a
    claim in a draft).
    """
    found = {figure for _, figure in located_figures(text)}
    if HALF.search(text):
        found.add((Decimal(50), "%"))
    return frozenset(found)


@lru_cache(maxsize=8192)
def located_figures(text: str) -> tuple[tuple[re.Match[str], Figure], ...]:
    """Each figure with the match it was read from (its span), in text order."""
    found: list[tuple[re.Match[str], Figure]] = []
    for match in SCORE.finditer(text):
        found.append((match, (Decimal(match.group(1)).normalize(), "/10")))
    scored = SCORE.sub(lambda m: " " * len(m.group()), text)
    numbers: list[tuple[re.Match[str], Figure]] = []
    for match in NUMBER.finditer(scored):
        value = _number_value(match.group())
        if value is not None:
            numbers.append((match, (value, _unit(scored, match))))
    for index in range(len(numbers) - 2, -1, -1):
        (match, (value, unit)), (following, (_, next_unit)) = numbers[index], numbers[index + 1]
        if unit is None and next_unit and RANGE.fullmatch(scored[match.end() : following.start()]):
            numbers[index] = (match, (value, next_unit))
    for match in SPELLED_CLAIM.finditer(scored):
        numbers.append((match, (_spelled_value(match), _unit_of(match.group(3)))))
    found += numbers
    return tuple(sorted(found, key=lambda item: item[0].start()))


def scaled(figure: Figure) -> Figure:
    """The figure in the smaller unit: (2, "week") is (14, "day")."""
    value, unit = figure
    if unit in SCALE:
        factor, unit = SCALE[unit]
        value = (value * factor).normalize()
    return value, unit


def _unit(text: str, match: re.Match[str]) -> str | None:
    written = match.group()
    if written[0] in CURRENCY:
        return CURRENCY[written[0]]
    if written.endswith("%"):
        return "%"
    after = UNIT.match(text, match.end())
    return None if after is None else _unit_of(after.group(1))


def _unit_of(word: str) -> str | None:
    word = " ".join(word.lower().split()).replace("per cent", "percent")
    return next((unit for pattern, unit in UNITS if re.fullmatch(pattern, word)), None)


def _number_value(text: str) -> Decimal | None:
    """ "$2,100", "2,100", "$2.1k" and the Spanish "$2.100" are one value."""
    lowered = text.lower()
    thousands = lowered.endswith("k")
    core = re.sub(r"(st|nd|rd|th|x|k)$", "", lowered)
    if re.fullmatch(r"[$€£]?\d{1,3}(?:\.\d{3})+%?", core):
        core = core.replace(".", "")  # "1.500": Spanish thousands
    digits = re.sub(r"[^\d.]", "", core)
    try:
        value = Decimal(digits.rstrip(".")) if digits.strip(".") else None
    except InvalidOperation:
        return None
    return None if value is None else (value * 1000 if thousands else value).normalize()


def _spelled_value(match: re.Match[str]) -> Decimal:
    total = SPELLED[match.group(1).lower()] + (SPELLED[match.group(2).lower()] if match.group(2) else 0)
    return Decimal(total).normalize()
