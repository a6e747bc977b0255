"""The right price for the wrong tier: a figure the sources give only for a bracket the draft's count is
outside of.

"WorkWell costs $400 a month for up to 50 employees and $750 a month for 51 to 200 employees": a draft
that says "for a company of 42 employees, WorkWell is $750 a month" quotes a real figure for the wrong
plan. The corpus check passes it (the figure is there) and so does the subject check (the product is
the same); only the bracket the source ties the figure to tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from agent.guardrails.base import Violation
from agent.guardrails.figures import Figure, located_figures, scaled
from agent.guardrails.lexicon import word_set
from agent.guardrails.text import sentences

_N = r"(\d[\d,]*)"
_NOUN = r"([a-záéíóúñ]{3,})"
# A bracket a source ties a figure to: "51 to 200 employees", "up to 50 employees", "more than 200
# employees", "200 or more employees", "de 51 a 200 empleados", "hasta 50 empleados", "más de 200".
BRACKETS = (
    (
        re.compile(rf"\b(?:from |de |between |entre )?{_N}\s*(?:to|-|–|a|y|and)\s*{_N}\s+{_NOUN}", re.I),
        "range",
    ),
    (re.compile(rf"\b(?:up to|fewer than|less than|under|hasta|menos de)\s+{_N}\s+{_NOUN}", re.I), "max"),
    (re.compile(rf"\b(?:more than|over|above|más de)\s+{_N}\s+{_NOUN}", re.I), "over"),
    (re.compile(rf"\b{_N}\s+(?:or more|and up|o más)\s+{_NOUN}", re.I), "min"),
)
# The draft's count for the lead: "a company of 42 employees", "your 42 employees", "con 42 empleados".
COUNT = re.compile(rf"\b{_N}\s+{_NOUN}", re.IGNORECASE)
MONEY = frozenset({"$", "€", "£"})
# Brackets count things (employees, homes, sessions), not time: "2 to 4 weeks" is a duration.
TIME_NOUNS = word_set(
    "minute hour day week month year business working minuto hora día dia semana mese me año ano"
)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


@dataclass(frozen=True, slots=True)
class Bracket:
    low: Decimal
    high: Decimal | None
    noun: str
    text: str

    def holds(self, value: Decimal) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)


def wrong_tier(masked: str, parts: tuple[str, ...]) -> list[Violation]:
    """Money figures of the draft that every source gives only for a bracket its count is outside of,
    and figures every source gives only for another size ("2 to 3 days" for a 10,000-square-foot
    space, said of the lead's 22,000 sq ft)."""
    found = _wrong_size(masked, parts)
    tiers = _tiers(parts)
    if not tiers:
        return found
    for sentence in sentences(masked):
        counts = [
            (Decimal(m.group(1).replace(",", "")), _stem(m.group(2)), m.group())
            for m in COUNT.finditer(sentence.text)
        ]
        if not counts:
            continue
        for match, figure in located_figures(sentence.text):
            if figure[1] not in MONEY:
                continue
            brackets = tiers.get(scaled(figure))
            if not brackets:
                continue
            for value, noun, written in counts:
                same = [b for b in brackets if b.noun == noun]
                if same and not any(b.holds(value) for b in same):
                    found.append(
                        Violation(
                            "grounded.number",
                            f'"{match.group()}" is given for {same[0].text}, but the draft speaks of '
                            f'"{written}": quote the figure of the bracket it falls in',
                            sentence.start + match.start(),
                            sentence.start + match.end(),
                        )
                    )
                    break
    return found


# An exact size a figure may be tied to: "a 10,000-square-foot space", "22,000 sq ft", "40 rooms".
SIZE = re.compile(
    r"(?<![\d,.$])(\d{1,3}(?:,\d{3})+|\d+)\s*-?\s*(square[- ]f(?:oo|ee)t|sq\.?\s?ft\.?|pies cuadrados|"
    r"rooms?|guests?|people|personas|invitados|employees|empleados|units?|unidades|seats?|beds?|acres?)\b",
    re.IGNORECASE,
)
# A size in a bracket or a range is tiers' to judge: "up to 50 employees", "12 to 24 visits".
NOT_EXACT_BEFORE = re.compile(
    r"(?:up to|fewer than|less than|under|over|more than|above|hasta|menos de|más de|between|entre|minimum|"
    r"maximum|min\.?|max\.?|at least|al menos|mínimo(?: de)?|máximo(?: de)?|"
    r"\d\s*(?:to|-|–|a|y|and|or|o))\s*$",
    re.IGNORECASE,
)
NOT_EXACT_AFTER = re.compile(
    r"^\s*(?:[-–]|(?:to|a|y|and|or|o|or more|o más|and up|minimum|maximum|min|max|mínimo|máximo)\b)",
    re.IGNORECASE,
)
# A rate per the size's own noun is not tied to one size: "$72 per guest" holds for 80 guests or 130.
PER = re.compile(r"^\s*(?:per|a|an|each|por|cada|/)\s*(?:cada\s+)?([a-záéíóúñ-]+)", re.IGNORECASE)
STATEMENT = re.compile(r"(?<=[.!?])\s+|\n+")


def _size_noun(noun: str) -> str:
    noun = noun.lower()
    if noun.startswith(("square", "sq", "pies")):
        return "sqft"
    return _stem(noun)


def _sizes(text: str) -> list[tuple[re.Match[str], Decimal, str]]:
    found = []
    for match in SIZE.finditer(text):
        before, after = text[max(0, match.start() - 14) : match.start()], text[match.end() : match.end() + 12]
        if NOT_EXACT_BEFORE.search(before) or NOT_EXACT_AFTER.match(after):
            continue
        found.append((match, Decimal(match.group(1).replace(",", "")), _size_noun(match.group(2))))
    return found


@lru_cache(maxsize=4096)
def _part_sized(part: str) -> tuple[tuple[frozenset[Figure], frozenset[tuple[Decimal, str]]], ...]:
    """Each statement of a text: its figures, and the exact sizes it gives them for."""
    return tuple(
        (
            frozenset(scaled(f) for m, f in located_figures(statement) if f[1] is not None),
            frozenset((value, noun) for _, value, noun in _sizes(statement)),
        )
        for statement in STATEMENT.split(part)
        if statement.strip()
    )


def _wrong_size(masked: str, parts: tuple[str, ...]) -> list[Violation]:
    found: list[Violation] = []
    for sentence in sentences(masked):
        sizes = _sizes(sentence.text)
        if not sizes:
            continue
        located = located_figures(sentence.text)
        amounts = [
            m
            for m, f in located
            if f[1] is not None and not any(z.start() <= m.start() < z.end() for z, _, _ in sizes)
        ]
        for match, figure in located:
            if figure[1] is None or any(m.start() <= match.start() < m.end() for m, _, _ in sizes):
                continue
            per = PER.match(sentence.text, match.end())
            rate = per.group(1) if per else ""
            key = scaled(figure)
            stating = [sized for part in parts for figures_, sized in _part_sized(part) if key in figures_]
            for size, value, noun in sizes:
                if rate and _size_noun(rate) == noun:
                    continue
                nearest = _nearest(size, amounts)
                if (
                    nearest is not None
                    and nearest is not match
                    and not _one_range(sentence.text, nearest, match)
                ):
                    continue  # "the Serenity 4 at $7,495 and the Serenity 6 (6 seats) at $9,295": $9,295's
                given = [sized for sized in stating if any(n == noun for _, n in sized)]
                if not given or len(given) < len(stating) or any((value, noun) in sized for sized in given):
                    continue  # also given without a size, or for this one
                other = next(v for v, n in given[0] if n == noun)
                found.append(
                    Violation(
                        "grounded.number",
                        f'"{match.group()}" is given for a size of {other:,} ({noun}), but the draft '
                        f"speaks of {value:,}: the sources do not say it holds there",
                        sentence.start + match.start(),
                        sentence.start + match.end(),
                    )
                )
                break
    return found


def _one_range(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """The two figures are the ends of one range: "2 to 3 days", "$450-$750"."""
    a, b = sorted((first, second), key=lambda m: m.start())
    return (
        re.fullmatch(r"\s*(?:to|-|–|a|y|and|or|o)\s*", text[a.end() : b.start()], re.IGNORECASE) is not None
    )


def _nearest(size: re.Match[str], amounts: list[re.Match[str]]) -> re.Match[str] | None:
    """The figure of the sentence a size stands closest to: the one it describes when the sentence gives
    two things their figures (found on a pool builder's drafts written blind)."""
    return min(
        amounts,
        key=lambda m: m.start() - size.end() if m.start() >= size.end() else size.start() - m.end(),
        default=None,
    )


@lru_cache(maxsize=1024)
def _tiers(parts: tuple[str, ...]) -> dict[Figure, tuple[Bracket, ...]]:
    """Each money figure of the sources with the brackets it is given for, if it is given only for some.

    A figure's bracket is the first one after it, before the next money figure: "$400 a month for up to
    50 employees and $750 a month for 51 to 200 employees". Read per part (cached), merged per draft:
    every lead's corpus differs by the lead's own words, the sources do not.
    """
    tied: dict[Figure, list[Bracket]] = {}
    free: set[Figure] = set()
    for part in parts:
        part_tied, part_free = _part_tiers(part)
        free |= part_free
        for figure, bracket in part_tied:
            tied.setdefault(figure, []).append(bracket)
    return {figure: tuple(brackets) for figure, brackets in tied.items() if figure not in free}


@lru_cache(maxsize=4096)
def _part_tiers(part: str) -> tuple[tuple[tuple[Figure, Bracket], ...], frozenset[Figure]]:
    tied: list[tuple[Figure, Bracket]] = []
    free: set[Figure] = set()
    located = [(m, f) for m, f in located_figures(part) if f[1] in MONEY]
    for index, (match, figure) in enumerate(located):
        end = located[index + 1][0].start() if index + 1 < len(located) else len(part)
        segment = part[match.end() : min(end, match.end() + 90)]
        stop = SENTENCE_END.search(segment)
        segment = segment[: stop.start()] if stop else segment
        bracket = _bracket(segment)
        if bracket is None:
            free.add(scaled(figure))
        else:
            tied.append((scaled(figure), bracket))
    return tuple(tied), frozenset(free)


def _bracket(segment: str) -> Bracket | None:
    first: tuple[int, Bracket] | None = None
    for pattern, kind in BRACKETS:
        match = pattern.search(segment)
        if match is None or (first is not None and match.start() >= first[0]):
            continue
        numbers = [Decimal(g.replace(",", "")) for g in match.groups()[:-1]]
        noun = _stem(match.groups()[-1])
        if noun in TIME_NOUNS:
            continue
        low, high = {
            "range": (numbers[0], numbers[-1]),
            "max": (Decimal(0), numbers[0]),
            "over": (numbers[0] + 1, None),
            "min": (numbers[0], None),
        }[kind]
        first = (match.start(), Bracket(low, high, noun, match.group().strip()))
    return first[1] if first else None


def _stem(noun: str) -> str:
    """ "employees" and "employee", "empleados" and "empleado" are one noun."""
    noun = noun.lower()
    return noun[:-1] if noun.endswith("s") else noun


__all__ = ["wrong_tier"]
