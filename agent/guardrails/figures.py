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
    r"(?<![\w.,])[$€£]?\d{1,3}(?:\.\d{3})+,\d{1,2}(?![\d,]|\.\d)(?:%)?(?!\w)"  # "$1.200,50": Spanish decimals
    r"|(?<![\w.,])[$€£]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:%|x|k)?(?!\w)"
    r"|(?<![\w.,])[$€£]?\d{1,3}(?:\.\d{3})+(?!\d|,\d)(?:%)?(?!\w)"
    r"|(?<![\w.,])[$€£]\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])"  # "$1 500": thousands by a space
    r"|(?<![\w.,])[$€£]?\d+,\d{1,2}(?![\d,])(?:%)?(?!\w)"  # "2,5 semanas": a decimal comma
    r"|(?<![\w.,])(?<!\d/)[$€£]?\d+(?:\.\d+)?(?:%|x|k|st|nd|rd|th)?(?!\w|/\d)",
    re.IGNORECASE,
)
SCORE = re.compile(r"(?<![\w./])(\d{1,2}(?:\.\d)?)\s?/\s?10\b")  # "8/10", "de 8/10 a 3/10": a 0-10 score
SPELLED = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
    "veintiún": 21, "veintidós": 22, "veintitrés": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiséis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90, "cien": 100, "doscientos": 200, "trescientos": 300, "cuatrocientos": 400,
    "quinientos": 500, "seiscientos": 600, "setecientos": 700, "ochocientos": 800, "novecientos": 900,
    "thousand": 1000, "mil": 1000,
}  # fmt: skip
# A number followed by a word of scale: "45 mil", "45 thousand", "1.5 million", "2 millones".
SCALE_WORDS = {
    "mil": 1000,
    "thousand": 1000,
    "million": 1_000_000,
    "millones": 1_000_000,
    "millón": 1_000_000,
}
SCALE_WORD = re.compile(r"\s+(mil|thousand|million|millones|millón)\b", re.IGNORECASE)
MULTIPLIERS = frozenset({"hundred", "thousand", "mil"})  # "fifteen hundred" is 1,500, not 115
# Spelled ordinals: a source's "third visit" grounds a draft's "3rd visit".
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "twelfth": 12, "primer": 1, "primero": 1, "primera": 1,
    "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
    "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "décimo": 10, "décima": 10,
}  # fmt: skip
BARE_SPELLED = re.compile(rf"\b(?:{'|'.join([*SPELLED, *ORDINALS])})\b", re.IGNORECASE)
UNIT_WORDS = (
    r"percent|per cent|por ciento|cents?|centavos?|dollars?|dólares|dolares|usd|pounds?|euros?|"
    r"(?:business |working |lost |sick )?"
    r"(?:minutes?|mins?|hours?|hrs?|days?|workdays?|weeks?|months?|years?)|"
    r"minutos?|horas?|(?:días?|dias?)(?: hábiles| habiles| laborables)?|semanas?|meses|mes|años?"
)
# A temperature is a figure in its unit: "5°F", "20 °C", "6 degrees", "2 grados".
UNIT = re.compile(rf"\s?-?\s?(¢|°\s?[FC]?(?![a-z])|(?:{UNIT_WORDS}|degrees?|grados?)\b)", re.IGNORECASE)
SPELLED_CLAIM = re.compile(
    rf"(?<!\d )\b({'|'.join(SPELLED)})(?:[\s-]+(?:y\s+)?({'|'.join(SPELLED)}))?[\s-]+"
    rf"(times|fold|{UNIT_WORDS})\b",
    re.IGNORECASE,
)
SPELLED_RANGE = re.compile(
    # "two to three weeks", "dos o tres semanas", "two – three weeks"; "twenty-five years" is one number.
    rf"\b({'|'.join(SPELLED)})(?:\s+(?:to|or|a|o)\s+|\s*–\s*|\s+-\s+)(?:{'|'.join(SPELLED)})[\s-]+"
    rf"({UNIT_WORDS})\b",
    re.IGNORECASE,
)
UNITS = (
    (r"percent|por ciento", "%"), (r"¢|cents?|centavos?", "¢"), (r"dollars?|usd|dólares|dolares", "$"),
    (r"pounds?", "£"), (r"euros?", "€"), (r"minutes?|mins?|minutos?", "minute"),
    (r"(?:business |working |lost |sick )?(?:hours?|hrs?)|horas?", "hour"),
    (r"(?:business |working |lost |sick )?(?:days?|workdays?)", "day"),
    (r"(?:días?|dias?)(?: hábiles| habiles| laborables)?", "day"),
    (r"weeks?|semanas?", "week"), (r"months?|meses|mes", "month"), (r"years?|años?", "year"),
    (r"°\s?f", "°F"), (r"°\s?c", "°C"), (r"°|degrees?|grados?", "°"),  # a reading, or a difference
)  # fmt: skip
# One unit for both ends: "from 12 to 3 minutes", "5 or 10 sessions", "de 5 a 8 días", "$9,500 a $17,000".
RANGE = re.compile(r"\s*(?:to|-|–|or|and|a|al|y|o|hasta)\s*", re.IGNORECASE)
BETWEEN = re.compile(r"\b(?:between|entre)\s+[$€£]?$", re.IGNORECASE)
# A figure offered as an estimate: "about 250", "likely around 4 weeks", "unos $150", "cerca de 20".
HEDGE = re.compile(
    r"(?:~\s*|\b(?:about|around|roughly|approximately|approx\.|nearly|almost|close to|some|or so|ish|likely|"
    r"probably|usually|typically|unos|unas|cerca de|alrededor de|aproximadamente|casi|más o menos|"
    r"probablemente|normalmente)\s+(?:[\w'’-]+\s+){0,2})[$€£]?$",
    re.IGNORECASE,
)
ROUNDING = Decimal("0.05")  # "roughly 250" for 260 (4%) is the same claim; "nearly 50%" for 38% is not
# The smaller unit each is counted in, so "two weeks" and "14 days" are one figure.
SCALE = {"week": (7, "day"), "hour": (60, "minute"), "year": (12, "month")}
CURRENCY = {"$": "$", "€": "€", "£": "£"}
SPELLED_KEYS = frozenset(SPELLED)
WORDS = re.compile(r"[a-záéíóúñ]+")
HALF = re.compile(r"\b(?:half|a la mitad|la mitad)\b", re.IGNORECASE)
QUARTER = re.compile(r"\b(?:a|one) quarter of\b|\b(?:la )?cuarta parte\b|\bun cuarto de\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def figures(text: str) -> frozenset[Figure]:
    """Every figure a text states, with its unit: what a draft's figures are checked against.

    A source's "half" also grounds a draft's "50%", and "a quarter of" a draft's "25%" (the reverse
    needs no help: "half" is not read as a claim in a draft).
    """
    found = {figure for _, figure in located_figures(text)}
    if HALF.search(text):
        found.add((Decimal(50), "%"))
    if QUARTER.search(text):
        found.add((Decimal(25), "%"))
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
        if value is None:
            continue
        scale = SCALE_WORD.match(scored, match.end())
        if scale is None:
            numbers.append((match, (value, _unit(scored, match))))
            continue
        # "45 mil dólares", "$1.5 million": the word multiplies, the unit comes after it
        value = (value * SCALE_WORDS[scale.group(1).lower()]).normalize()
        after = UNIT.match(scored, scale.end())
        unit = CURRENCY.get(match.group()[0]) or (None if after is None else _unit_of(after.group(1)))
        numbers.append((match, (value, unit)))
    for index in range(len(numbers) - 2, -1, -1):
        (match, (value, unit)), (following, (_, next_unit)) = numbers[index], numbers[index + 1]
        between = scored[match.end() : following.start()]
        scale = SCALE_WORD.match(between)
        between = between[scale.end() :] if scale else between  # "45 mil y 95 mil dólares"
        if unit is None and next_unit and RANGE.fullmatch(between):
            listed = next_unit in CURRENCY and between.strip().lower() in ("and", "y")
            if listed and not BETWEEN.search(scored[max(0, match.start() - 10) : match.start()]):
                continue  # "los primeros 5 y $9 por cada otro": a count, then a price, not a range of prices
            numbers[index] = (match, (value, next_unit))
    # The spelled patterns try a long list of words at every word: only a text that spells one runs them.
    if not SPELLED_KEYS.isdisjoint(WORDS.findall(scored.lower())):
        for match in SPELLED_CLAIM.finditer(scored):
            unit = _unit_of(match.group(3))
            numbers.append((match, (_spelled_value(match), unit)))
            if match.group(2) and not _compound_number(match.group(1), match.group(2)):
                # "entre tres y seis semanas": two ends of a range, each a figure in the unit
                numbers.append((match, (Decimal(SPELLED[match.group(2).lower()]), unit)))
        for match in SPELLED_RANGE.finditer(scored):  # "two to three weeks": two weeks too
            numbers.append((match, (Decimal(SPELLED[match.group(1).lower()]), _unit_of(match.group(2)))))
    found += numbers
    return tuple(sorted(found, key=lambda item: item[0].start()))


# "One day for a furnace or AC, two for a heat pump": a figure after a comma that leaves its unit to the
# figure before it, in the same construction ("N for ...").
ELIDED = re.compile(
    r"[,;]\s*(?:and\s+|y\s+)?(\d+(?:\.\d+)?|[a-záéíóúñ]+)\s+(?:for|para|por|on|in|en)\b", re.IGNORECASE
)


# A range whose unit is left to the one before it: "quartz 12 to 15 and pebble 15 to 20" (no unit after).
BARE_RANGE = re.compile(
    r"(?<![\d$€£.,])(\d{1,3}) (?:to|-|–|a) (\d{1,3})\b"
    r"(?!\s*(?:[%$€£]|(?!(?:and|or|y|o|e)\b)[A-Za-zÁÉÍÓÚáéíóúñ]))"
)


@lru_cache(maxsize=8192)
def elided_figures(text: str) -> frozenset[Figure]:
    """Figures a source states with their unit left out, carried from the figure before them."""
    found: set[Figure] = set()
    for match in ELIDED.finditer(text):
        word = match.group(1).lower()
        value = Decimal(word) if word[0].isdigit() else SPELLED.get(word)
        if value is None:
            continue
        start = max(text.rfind(". ", 0, match.start()), text.rfind("\n\n", 0, match.start())) + 1
        before = [figure for _, figure in located_figures(text[start : match.start()]) if figure[1]]
        if before:
            found.add((Decimal(value).normalize(), before[-1][1]))
    # "white plaster lasts 8 to 12 years, quartz 12 to 15 and pebble 15 to 20": the later ranges are years.
    for match in BARE_RANGE.finditer(text):
        start = max(text.rfind(". ", 0, match.start()), text.rfind("\n\n", 0, match.start())) + 1
        before = [figure for _, figure in located_figures(text[start : match.start()]) if figure[1]]
        if before and before[-1][1] not in ("$", "€", "£", "%"):
            for end in (match.group(1), match.group(2)):
                found.add((Decimal(end).normalize(), before[-1][1]))
    return frozenset(found)


# A duration with no number: "a lifetime warranty", "garantía de por vida" promise the longest term of
# all, a figure like any other. In either language, it needs a source that gives some term as lifetime.
LIFETIME = re.compile(r"(?<!once in a )\blifetime\b|\bfor life\b|\bde por vida\b|\bvitalici[oa]s?\b", re.I)


def unbounded_terms(text: str, corpus_text: str) -> list[re.Match[str]]:
    """Lifetime terms in ``text`` when the corpus gives none."""
    if not LIFETIME.search(text):
        return []  # most drafts: the corpus (thousands of characters) need not be searched at all
    return [] if LIFETIME.search(corpus_text) else list(LIFETIME.finditer(text))


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
    if re.fullmatch(r"[$€£]?\d{1,3}(?:\.\d{3})+,\d{1,2}%?", core):
        core = core.replace(".", "").replace(",", ".")  # "1.200,50": Spanish thousands and decimals
    elif re.fullmatch(r"[$€£]?\d{1,3}(?:\.\d{3})+%?", core):
        core = core.replace(".", "")  # "1.500": Spanish thousands
    elif re.fullmatch(r"[$€£]?\d+,\d{1,2}%?", core):
        core = core.replace(",", ".")  # "2,5": a Spanish decimal
    core = re.sub(r"[ \u00a0\u202f]", "", core)
    digits = re.sub(r"[^\d.]", "", core)
    try:
        value = Decimal(digits.rstrip(".")) if digits.strip(".") else None
    except InvalidOperation:
        return None
    return None if value is None else (value * 1000 if thousands else value).normalize()


def _spelled_value(match: re.Match[str]) -> Decimal:
    first = SPELLED[match.group(1).lower()]
    second = match.group(2).lower() if match.group(2) else None
    if second is None or not _compound_number(match.group(1), second):
        total = first  # "tres y seis semanas" is a range from three, not nine
    elif second in MULTIPLIERS:
        total = first * SPELLED[second]
    else:
        total = first + SPELLED[second]
    return Decimal(total).normalize()


def _compound_number(first: str, second: str) -> bool:
    """ "twenty-five", "treinta y dos", "fifteen hundred": one number; "two or three", "tres y seis": two."""
    a, b = SPELLED[first.lower()], second.lower()
    if b in MULTIPLIERS:
        return True
    if a >= 100:
        return SPELLED[b] < a  # "mil doscientos", "cien cincuenta"
    return a >= 20 and a % 10 == 0 and SPELLED[b] < 10


@lru_cache(maxsize=8192)
def spelled_values(text: str) -> frozenset[Decimal]:
    """Every number a text spells, with a unit or without ("three clinics", "the third visit").

    Read in the allowed material only: a source's "three clinics" grounds a draft's "3 clinics",
    while a draft's own "three" is not taken for a claim.
    """
    found = {Decimal(SPELLED.get(w.lower(), ORDINALS.get(w.lower(), 0))) for w in BARE_SPELLED.findall(text)}
    return frozenset(value for value in found if value)


# Numbers that count the message's own parts, not the world: "1. We visit", "step 2", "3 quick ideas".
LIST_MARKER = re.compile(r"(?:^|\n)[ \t>*•-]*$")
LABEL = re.compile(r"\b(?:step|paso|part|parte|phase|fase|option|opci[óo]n)\s*$", re.IGNORECASE)
DISCOURSE = re.compile(
    r"\s+(?:(?:more|other|quick|short|simple|easy|key|main|useful|practical|good|big|small|m[áa]s|"
    r"r[áa]pidas?|breves?|sencill[oa]s|[úu]tiles|pr[áa]ctic[oa]s|buen[oa]s|otr[oa]s)\s+)?"
    r"(?:ideas?|tips?|questions?|things?|ways?|reasons?|points?|suggestions?|words?|minutes? of your time|"
    r"preguntas?|cosas?|consejos?|razones?|puntos?|sugerencias?|formas?|maneras?|palabras?)\b",
    re.IGNORECASE,
)


def counts_the_message(text: str, match: re.Match[str], figure: Figure) -> bool:
    """A bare number that numbers or counts the message itself, so it claims nothing about the world.

    A list marker ("1. We visit"), a label ("step 2", "opción 1"), a count of what the message
    gives ("3 quick ideas", "2 preguntas"), and a lone "1" ("1 quick question"). "3 clinics",
    "a 5-step process" and "#1 in Houston" are still claims.
    """
    value, unit = figure
    written = match.group()
    if unit is not None or not written[:1].isdigit():
        return False
    before = text[: match.start()]
    if LIST_MARKER.search(before) and re.match(r"[.)]\s", text[match.end() : match.end() + 2]):
        return True
    if LABEL.search(before) or DISCOURSE.match(text, match.end()):
        return True
    return value == 1 and not re.search(r"(?:#|\bno\.|\bnúmero|\bnumber)\s*$", before, re.IGNORECASE)
