"""Claims tied to their subject: a figure true of one customer or product is false of another.

The corpus check (grounding.py) asks whether a figure appears anywhere in the allowed material. That
passes "Andrea ran 5 km again in 6 weeks" when 6 weeks is another patient's figure, and "a Kitchen
Refresh runs $16,000 to $38,000" when that is the Bath Remodel's range. So a figure is also checked
against its subject:

- a sentence that names a customer of a case study (or goes on about them as "she", "su", "they") may
  only state that customer's figures: the figures of the documents that tell their story;
- a sentence that names a product may only state, in a unit the sources price or time that product in,
  a figure the sources give for that product, in a line or sentence that names it.

Violations name the figure, its subject and the source sentence nearest to what the draft says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from agent.guardrails.base import GuardrailContext, SourceLike, Violation
from agent.guardrails.figures import (
    HEDGE,
    ROUNDING,
    Figure,
    counts_the_message,
    figures,
    located_figures,
    scaled,
    spelled_values,
)
from agent.guardrails.lexicon import is_ordinary_word, is_spanish_word
from agent.guardrails.names import is_spanish
from agent.guardrails.text import Part, Sentence, corpus_for, sentences

YOU = re.compile(r"\b(?:you|your|yours|usted|ustedes|tú|tu|tus)\b", re.IGNORECASE)
THIRD = re.compile(r"\b(?:he|she|his|her|they|their|them|él|ella|ellos|su|sus|le|les)\b", re.IGNORECASE)
STATEMENT_END = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚ¿¡\d$])")
BOUND_UNITS = frozenset({"$", "€", "£", "%", "day", "minute", "month", "/10"})
WORD = re.compile(r"[a-záéíóúñ]{4,}")
# A clause with a subject of its own between the product and the figure: "and the quartz has 15 years",
# ", and with your referral she'd get $250", "; design and ordering come first, 2 to 4 weeks each" (a
# semicolon joins two statements, each with its own subject).
NEW_SUBJECT = re.compile(
    r";|[,:]\s*(?:(?:y|and|but|pero|while|whereas|mientras)\s+)?"
    r"(?:el|la|los|las|the|its|our|their|this|these|your|you|she|he|they|we|i|with|su|sus|usted|con)\s"
    # "..., while a single exam is $72": a new subject with its article, after a contrast
    r"|[,;]\s*(?:while|whereas|but|mientras que|pero)\s+(?:a|an|un|una)\s"
    # "..., and Core is $495": a named new subject with its verb
    r"|[,;]\s*(?:and|y|but|pero|while|whereas|mientras que)\s+"
    r"(?-i:[A-ZÁÉÍÓÚÑ])[\w&+-]*(?:\s+(?-i:[A-Z])[\w&+-]*)?"
    r"\s+(?:is|are|costs?|runs?|starts?|es|son|cuesta|cuestan|sale)\b",
    re.IGNORECASE,
)
# A product named after the figure is what it is said of only when attached to it: "$18,000 to $32,000
# for a Kitchen Refresh", not "$2.85 per watt already includes the permits, ... and our Warranty".
ATTACHED_AFTER = re.compile(r"(?:[^,;:.!?()\n]|[,.](?=\d)){0,40}")
# A figure with its own head noun, "2 to 4 weeks of design", "10 años de garantía": it measures that
# thing, not the product of the sentence.
OWN_HEAD = re.compile(
    r"(?:\s*(?:to|a|-|–)\s*\d+)?\s*(?:[a-záéíóúñ]+\s+)?(?:of|de)\s+"
    r"(?!(?:a|an|the|your|our|un|una|el|la|los|las|su|sus)\b)[a-záéíóúñ]",
    re.IGNORECASE,
)
# A place a story happened at: "at our Kendall clinic", "nuestro equipo de Kendall", "in Sugar Land".
PLACE = re.compile(
    r"\b(?:in|at|en|de|from|desde)\s+(?:(?:our|nuestr[oa]|the|la|el)\s+)?"
    r"((?:[A-ZÁÉÍÓÚ][a-záéíóúñ]+)(?:\s+[A-ZÁÉÍÓÚ][a-záéíóúñ]+)?)(?=\s+(?:clinic|clínica|office|oficina|team)|[\s,.])"
)
BASED_IN = re.compile(
    r"\b(?:we(?:'re|’re| are)\s+(?:(?:based|located|headquartered)\s+)?(?:right\s+)?in|"
    r"(?:based|located|headquartered)\s+(?:right\s+)?in|"
    r"our (?:office|showroom|clinic|shop|team) is (?:right )?in|"
    r"(?:estamos|nos encontramos|ubicad[oa]s|con sede)\s+(?:aquí\s+)?en|"
    r"nuestr[oa] (?:oficina|sala de exhibición|clínica|tienda|equipo) (?:está|queda) en)\s+"
    r"((?:[A-ZÁÉÍÓÚ][\wáéíóúñ'’-]+)(?:\s+[A-ZÁÉÍÓÚ][\wáéíóúñ'’-]+)*)"
)
# "Hola, Raúl:", "Buenos días, Carmen:": a greeting line the sentence splitter reads as body.
SALUTATION = re.compile(r"^(?:hola|buen[oa]s?\b[^.!?]*|estimad[oa])\b[^.!?]{0,40}[:,]$", re.IGNORECASE)
ASKS = "?"
SPANISH_OPENER = re.compile(r"(?<=[.!?])\s+(?=[¿¡])")  # a question is to the reader, not about the customer
# A sentence about people or projects in general: "Most homes...", "La mayoría...", "Projects usually...".
GENERAL = re.compile(
    r"\b(?:most|many|every|each|typical|typically|usually|generally|in general|on average|la mayoría|"
    r"muchos|muchas|cada|normalmente|generalmente|suele|suelen|en promedio|por lo general)\b",
    re.IGNORECASE,
)
CONJUNCTION = re.compile(r"\b(?:and|or|but|while|y|e|o|u|pero|mientras)\b", re.IGNORECASE)
OTHER_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+")  # "Bath Remodel": the paragraph moves on


@dataclass(frozen=True, slots=True)
class Subject:
    """A customer or product, how drafts name it, and the source statements that speak of it."""

    name: str
    pattern: re.Pattern[str]
    statements: tuple[str, ...]
    whole_story: bool  # a customer: all of their documents is about them
    hint: str = ""  # lower case text every mention contains: a cheap test before the pattern

    def named_in(self, text: str, lowered: str) -> bool:
        return (not self.hint or self.hint in lowered) and self.pattern.search(text) is not None


def misattributed(text: str, context: GuardrailContext, masked: str) -> list[Violation]:
    """Figures the corpus has, but not for the customer or product the sentence gives them to.

    ``masked`` is ``text`` with links, contacts, dates and times blanked, so those are not figures.
    """
    customers = _customers(context.sources)
    products = _products(context)
    if not customers and not products:
        return []
    found: list[Violation] = []
    current: tuple[Subject, ...] = ()
    texts = tuple(source.text for source in context.sources) + tuple(context.company_facts)
    general: frozenset[Figure] | None = None  # worked out only for a figure that needs it
    spanish = is_spanish(text)  # Spanish drops the pronoun: "Entraron a WorkWell" still tells their story
    previous_end = 0
    corpus = corpus_for(context)
    lead = context.lead
    ours = " ".join(context.identity.own_names) if context.identity else ""
    mine = (
        " ".join(v for v in (lead.first_name, lead.last_name, lead.company, lead.town) if v) if lead else ""
    )

    def elsewhere(place: str) -> str:
        """The place, if a real one from the corpus moved here (not the lead's own, not ours)."""
        if _mentions((ours, mine), place) or not corpus.contains_phrase(place):
            return ""
        named = not any(is_ordinary_word(w) or is_spanish_word(w) for w in place.split())
        return place if named or _place_in(corpus.text, place.lower()) else ""

    for sentence in _split_questions(sentences(masked)):
        if sentence.part is not Part.BODY or SALUTATION.match(sentence.text):
            current = ()
            continue
        named = tuple(c for c in customers if c.pattern.search(sentence.text))
        same_paragraph = "\n\n" not in masked[previous_end : sentence.start]
        previous_end = sentence.end
        if named:
            current = named
        elif YOU.search(sentence.text) or ASKS in sentence.text:
            current = ()
        elif not (THIRD.search(sentence.text) or spanish or same_paragraph):
            current = ()  # "We widened the doorway" in the same paragraph still tells their story
        lowered = sentence.text.lower()
        mentioned = tuple(p for p in products if p.named_in(sentence.text, lowered))
        # A sentence that goes on, without naming the customer or a pronoun for them, to say what is
        # true of most people ("Most homes pay back in 7 to 9 years"): a statement of the sources that
        # names no customer or product backs a figure with a unit; a bare count ("put in 5 grab bars")
        # and a sentence about a product keep to the story's and the product's own figures.
        carried = (
            not named and THIRD.search(sentence.text) is None and GENERAL.search(sentence.text) is not None
        )
        for match, figure in located_figures(sentence.text):
            if counts_the_message(sentence.text, match, figure):
                continue
            own_head = OWN_HEAD.match(sentence.text, match.end()) is not None
            governing = tuple(
                p
                for p in mentioned
                if not own_head and _governs(p, sentence.text, match.start(), match.end())
            )
            hedged = HEDGE.search(sentence.text[max(0, match.start() - 40) : match.start()]) is not None
            problem = _unbacked(figure, sentence.text, current, governing, hedged=hedged)
            if (
                problem is not None
                and figure[1] is not None
                and (carried or (own_head and not current))
                and not governing
            ):
                if general is None:
                    general = _general_figures(texts, tuple(c.pattern for c in (*customers, *products)))
                if scaled(figure) in general:
                    continue  # said of no customer or product in the sources: true of this one too
            if problem is not None and not problem[0].whole_story and figure[1] is not None:
                if general is None:
                    general = _general_figures(texts, tuple(c.pattern for c in (*customers, *products)))
                if scaled(figure) in general:
                    continue  # "el Plan Senior ... por 12 meses": the sources tie 12 months to no other plan
                if scaled(figure) not in _scaled_figures(
                    tuple(
                        st
                        for subject in (*customers, *products)
                        if subject is not problem[0]
                        for st in subject.statements
                    )
                ):
                    # "$795 for 8 visits, about $99 a visit": no other subject has it, so it is worked out or
                    # invented, which the corpus check judges; a mismatch needs another subject's figure
                    continue
            if problem is not None:
                found.append(_violation("grounded.number", text, sentence.start, match, *problem))
        flagged = {v.start for v in found}
        for match in _timeframes(sentence.text, current):
            if sentence.start + match.start() not in flagged:
                found.append(_violation("grounded.number", text, sentence.start, match, current[0], "", 0))
        for match in PLACE.finditer(sentence.text) if current else ():
            place = match.group(1)
            if place in elsewhere(place) and not any(_mentions(c.statements, place) for c in current):
                found.append(_violation("grounded.name", text, sentence.start, match, current[0], "", 1))
    return found


# A result and the time it took, in one breath: "saved $286 in just six months", "from 44% to 16% in 6
# weeks". The story must give the two together; a result from one time frame put in another is a new claim.
TIMEFRAME = re.compile(
    r"^\s*(?:(?:a|to|hasta)\s+[$€£]?\d[\d,.]*%?\s+)?(?:in|within|over|after|en|durante|después de)\s+"
    r"(?:just\s+|only\s+|about\s+|solo\s+|sólo\s+|apenas\s+|unos\s+|unas\s+)?$",
    re.IGNORECASE,
)
DURATIONS = frozenset({"day", "month", "minute"})


def _timeframes(sentence: str, current: tuple[Subject, ...]) -> list[re.Match[str]]:
    """Durations given to a customer's result that no statement of their story gives with it."""
    if not current:
        return []
    found: list[re.Match[str]] = []
    located = located_figures(sentence)
    for (first, result), (second, duration) in pairwise(located):
        if result[1] not in MONEY | {"%"} or scaled(duration)[1] not in DURATIONS:
            continue
        if not TIMEFRAME.match(sentence[first.end() : second.start()]):
            continue
        pair = {scaled(result), scaled(duration)}
        stated = [s for c in current for s in c.statements if scaled(result) in _scaled_figures((s,))]
        if stated and not any(pair <= _scaled_figures((s,)) for s in stated):
            found.append(second)
    return found


def misplaced_company(text: str, context: GuardrailContext) -> list[Violation]:
    """ "We're based in Pasadena" when only the lead is in Pasadena: our address is the company's own."""
    found: list[Violation] = []
    lead = context.lead
    mine = (
        {lead.first_name, lead.last_name, lead.company, lead.town, lead.need, lead.inquiry_text}
        if lead
        else set()
    )
    ours = [p for p in corpus_for(context).parts if p not in mine]
    for match in BASED_IN.finditer(text):
        place = match.group(1)
        if not _mentions(tuple(ours), place):
            found.append(
                Violation(
                    "grounded.name",
                    f'the company is said to be in "{place}", but nothing of ours puts it there: give '
                    "our real address or none",
                    match.start(1),
                    match.end(1),
                )
            )
    return found


def _split_questions(found: list[Sentence]) -> list[Sentence]:
    """ "Su dolor bajó a 3/10. ¿Qué día le duele?" is two sentences: the splitter waits for a capital."""
    pieces: list[Sentence] = []
    for sentence in found:
        start = 0
        for match in SPANISH_OPENER.finditer(sentence.text):
            piece = sentence.text[start : match.start()].strip()
            pieces.append(
                replace(
                    sentence,
                    text=piece,
                    start=sentence.start + start,
                    end=sentence.start + start + len(piece),
                )
            )
            start = match.end()
        rest = sentence.text[start:]
        pieces.append(replace(sentence, text=rest, start=sentence.start + start))
    return pieces


def _violation(
    code: str, text: str, offset: int, match: re.Match[str], subject: Subject, nearest: str, group: int = 0
) -> Violation:
    start, end = offset + match.start(group), offset + match.end(group)
    if code == "grounded.name":
        message = (
            f'"{text[start:end]}" is put in {subject.name}\'s story, but the sources do not put '
            f"{subject.name} there"
        )
    else:
        message = (
            f'"{text[start:end]}" is given for {subject.name}, but the sources do not give it for '
            f'{subject.name}; nearest: "{nearest}"'
        )
    return Violation(code, message, start, end)


@lru_cache(maxsize=4096)
def _place_in(corpus: str, name: str) -> bool:
    """The corpus uses the name as a place somewhere: "in Doral", "at our Kendall clinic", "en Doral"."""
    return (
        re.search(rf"\b(?:in|at|en|near|cerca de)\s+(?:our\s+|the\s+)?{re.escape(name)}\b", corpus)
        is not None
    )


def _mentions(statements: tuple[str, ...], name: str) -> bool:
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    return any(pattern.search(statement) for statement in statements)


def _governs(product: Subject, sentence: str, at: int, end: int) -> bool:
    """The product is what the figure is said of: no new subject ("and the quartz has 15 years") between."""
    before = [m.end() for m in product.pattern.finditer(sentence, 0, at)]
    if not before:
        after = product.pattern.search(sentence, end)
        gap = sentence[end : after.start()] if after is not None else ""
        # "$495 al mes y el paquete Books + Payroll $695": a conjunction starts the next product's clause
        return after is not None and ATTACHED_AFTER.fullmatch(gap) is not None and not CONJUNCTION.search(gap)
    return NEW_SUBJECT.search(sentence, before[-1], at) is None


def _unbacked(
    figure: Figure,
    sentence: str,
    customers: tuple[Subject, ...],
    products: tuple[Subject, ...],
    *,
    hedged: bool = False,
) -> tuple[Subject, str] | None:
    """The subject a figure is given to but not backed for, and the nearest statement about it."""
    value, unit = scaled(figure)
    if products:
        # "Our Safe at Home Package runs $4,500 to $22,000": said of the product, not them. A figure the
        # product is never given ("his books were caught up in 5 weeks on Books + Payroll") stays the
        # customer's, to be found in their story.
        theirs: frozenset[Figure] = frozenset().union(*(_scaled_figures(p.statements) for p in products))
        if unit not in BOUND_UNITS or scaled(figure) in theirs or _yearly(figure, theirs):
            customers = ()
    if customers and unit in BOUND_UNITS:
        backed = any(scaled(figure) in _scaled_figures(c.statements) for c in customers)
    elif customers and unit is None and value >= 2:
        # A bare count ("5 grab bars"): the customer's story must at least have the number, in digits or
        # spelled ("three teeth were extracted" backs "3 dientes").
        backed = any(
            value in {f[0] for f in _raw(c.statements)} or value in _spelled(c.statements) for c in customers
        )
    else:
        backed = True
    if not backed:
        return customers[0], _nearest(sentence, customers[0].statements)
    if products and unit in BOUND_UNITS:
        given = [p for p in products if any(f[1] == unit for f in _scaled_figures(p.statements))]
        if given and not any(
            scaled(figure) in _scaled_figures(p.statements)
            or _yearly(figure, _scaled_figures(p.statements))
            or (hedged and _rounded(figure, _scaled_figures(p.statements)))
            for p in given
        ):
            return given[0], _nearest(sentence, given[0].statements)
    return None


MONEY = frozenset({"$", "€", "£"})


def _rounded(figure: Figure, known: frozenset[Figure]) -> bool:
    """ "~$700 a month" for $695: a hedged figure within 5% of one the product is given."""
    value, unit = scaled(figure)
    return any(u == unit and k and abs(value - k) <= abs(k) * ROUNDING for k, u in known)


def _yearly(figure: Figure, known: frozenset[Figure]) -> bool:
    """A price a rep works out from the product's own: "$695 a month, about $8,340 a year", a day, a week."""
    value, unit = figure
    if unit not in MONEY:
        return False
    tolerance = max(Decimal("0.5"), value / 100)
    periods = (Decimal(12), 1 / Decimal(12), 1 / Decimal(30), Decimal(12) / Decimal(52))
    return any(abs(v * factor - value) <= tolerance for v, u in known if u == unit for factor in periods)


@lru_cache(maxsize=64)
def _general_figures(texts: tuple[str, ...], subjects: tuple[re.Pattern[str], ...]) -> frozenset[Figure]:
    """Figures of source statements that name no customer and no product: true of any of them
    ("Installation takes one day", "Most projects run 6 to 10 weeks")."""
    return frozenset(
        scaled(f)
        for text in texts
        for statement in _statements(text)
        if not any(pattern.search(statement) for pattern in subjects)
        for f in figures(statement)
    )


@lru_cache(maxsize=1024)
def _raw(statements: tuple[str, ...]) -> frozenset[Figure]:
    return frozenset(f for statement in statements for f in figures(statement))


@lru_cache(maxsize=1024)
def _spelled(statements: tuple[str, ...]) -> frozenset[Decimal]:
    return frozenset(v for statement in statements for v in spelled_values(statement))


@lru_cache(maxsize=1024)
def _scaled_figures(statements: tuple[str, ...]) -> frozenset[Figure]:
    return frozenset(scaled(f) for statement in statements for f in figures(statement))


def nearest_statement(sentence: str, parts: Iterable[str]) -> str:
    """The source sentence sharing most words with the draft's: what the rep should compare it with."""
    return _nearest(sentence, [s for part in parts for s in _statements(part) if len(s) > 20])


def _nearest(sentence: str, statements: Iterable[str]) -> str:
    words = set(WORD.findall(sentence.lower()))
    scored = [(len(words & set(WORD.findall(s.lower()))), s) for s in statements]
    score, best = max(scored, key=lambda pair: pair[0], default=(0, ""))
    if not score:
        return ""
    return best if len(best) <= 200 else best[:197] + "..."


def _customers(sources: tuple[SourceLike, ...]) -> tuple[Subject, ...]:
    """Each case study's customer, by the first capitalised word of its name ("Okafor", "Bayou")."""
    by_alias: dict[str, list[str]] = {}
    for source in sources:
        alias = _alias(source.customer or "")
        if alias:
            by_alias.setdefault(alias, []).extend(_statements(source.text))
    return tuple(
        Subject(alias, re.compile(rf"\b{re.escape(alias)}(?:s|'s|’s|s')?\b"), tuple(statements), True)
        for alias, statements in by_alias.items()
    )


def _alias(customer: str) -> str | None:
    for match in re.finditer(r"[A-ZÁÉÍÓÚÑ][\wáéíóúñ'’-]+", customer):
        if match.group().lower() not in {"the", "la", "el", "los", "familia", "family"}:
            return match.group()
    return None


def _products(context: GuardrailContext) -> tuple[Subject, ...]:
    identity = context.identity
    if identity is None:
        return ()
    texts = tuple(source.text for source in context.sources) + tuple(context.company_facts)
    return _product_subjects(texts, tuple(identity.products))


@lru_cache(maxsize=64)
def _product_subjects(texts: tuple[str, ...], products: tuple[str, ...]) -> tuple[Subject, ...]:
    return tuple(
        Subject(product, pattern, about, False, product.split()[0].lower())
        for product, pattern in _product_patterns(products)
        if (about := tuple(s for text in texts for s in _about(text, pattern)))
    )


@lru_cache(maxsize=64)
def _product_patterns(products: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    patterns = []
    for product in products:
        pattern = rf"(?i:(?<!\w){re.escape(product)}(?!\w))"
        alias = _short_name(product, products)
        if alias:
            # "el plan Core", "the Core plan": the name a rep shortens it to, beside a word for a plan
            pattern += (
                rf"|(?i:\b{PLAN_WORDS}\s+){re.escape(alias)}\b|\b{re.escape(alias)}(?i:\s+{PLAN_WORDS})\b"
            )
        patterns.append((product, re.compile(pattern)))
    return tuple(patterns)


PLAN_WORDS = r"(?:plan|plans|package|tier|program|plan de|paquete|programa)"


def _short_name(product: str, products: tuple[str, ...]) -> str | None:
    """The shortest opening of a product's name no other product has ("Core" of "Core Books", "Sole
    Proprietor" of "Sole Proprietor Tax Return"; not "Starter", also in "Sole Prop Starter")."""
    words = product.split()
    for size in range(1, len(words)):
        head = " ".join(words[:size])
        if (
            len(head) >= 4
            and head[-1].isalnum()
            and not any(
                other != product and re.search(rf"(?<!\w){re.escape(head)}(?!\w)", other)
                for other in products
            )
        ):
            return head
    return None


@lru_cache(maxsize=4096)
def _about(text: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """The statements of a text about one product: those naming it and those after them in the same
    paragraph, until a list item or a statement names something else."""
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        on = False
        for line in _lines(paragraph):
            item = line.lstrip().startswith(("-", "*", "•", "|"))
            for statement in _statements(line):
                if pattern.search(statement):
                    on = True
                elif item or OTHER_NAME.search(statement):
                    on = False
                if on:
                    found.append(statement)
    return tuple(found)


NEW_LINE_ITEM = re.compile(r"\s*(?:[-*•|#>]|\d+[.)]\s)")


def _lines(paragraph: str) -> list[str]:
    """A paragraph's lines, a prose sentence wrapped over two lines read as one ("Wellness plans are paid
    monthly for 12 months: the Puppy ...\nAdult Wellness Plan $34 ..."), each list item or row its own."""
    lines: list[str] = []
    for line in paragraph.splitlines():
        if (
            lines
            and line.strip()
            and not NEW_LINE_ITEM.match(line)
            and not lines[-1].lstrip().startswith("|")
        ):
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return lines


@lru_cache(maxsize=4096)
def _statements(text: str) -> tuple[str, ...]:
    """Lines and sentences: the unit in which a source says one thing of one subject."""
    joined = "\n\n".join("\n".join(_lines(paragraph)) for paragraph in re.split(r"\n\s*\n", text))
    return tuple(s.strip(" -*•\t") for s in STATEMENT_END.split(joined) if s.strip(" -*•\t"))
