"""Offers named outside their validity: ``expired_offer``.

Retrieval never hands the drafter an offer that is not valid today, but a rep's edit, a model's memory
or an old message copied forward can bring one back. A lead who is promised "$1,500 off" that ended last
month is a lead the business must either disappoint or pay for, so the check judges the draft's text
against every offer of the knowledge base (``context.offers``), whatever the sources say.

An offer is recognised by what identifies it to a reader: its title, the distinctive words of its title
(what is left once dates, years and prices are taken out, when those words are not also the name of a
regular product), its link, or its own terms (an amount or percentage that only the offer's text gives).
Saying plainly that an offer has ended, or when it will start, is not applying it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.text import body_sentences, normalise
from knowledge.types import OfferWindow

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
# What a title carries besides its name: years, dates, "for $695", "through January 31", "2026:".
TITLE_NOISE = re.compile(
    rf"\b(?:through|until|thru|by|ends?|from|hasta|del?)\s+(?:{MONTHS})\b(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"|\b(?:{MONTHS})\b|\b(?:19|20)\d\d\b|\b(?:for|por)\s+\$?\d[\d,.]*%?|\$\d[\d,.]*|\d+(?:\.\d+)?%"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
# A figure that may be an offer's own term: an amount of money or a percentage.
TERM = re.compile(r"\$\s?\d[\d,]*(?:\.\d+)?|\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|por ciento\b)", re.IGNORECASE)
# The sentence says the offer is over, or not open yet: it reports the offer, it does not apply it.
NOT_APPLYING = re.compile(
    r"\b(?:has ended|had ended|ended|is over|was over|has expired|expired|ran (?:through|until|from)|"
    r"was (?:available|valid|on)|were (?:available|valid)|no longer|not available (?:any ?more|now)|"
    r"has not (?:started|opened)|hasn't (?:started|opened)|not (?:started|open) yet|"
    r"(?:opens|starts|begins|will (?:open|start|begin))\b|"
    r"terminó|ya termin|venció|ya vencid|expiró|ya no (?:está|es|estaba|aplica|tenemos|sigue)|"
    r"estuvo (?:vigente|disponible)|ya pasó|todavía no (?:empieza|comienza|abre|aplica|está)|"
    r"aún no (?:empieza|comienza|abre|aplica|está)|(?:empieza|comienza|abre)(?:n)? (?:el|a partir))",
    re.IGNORECASE,
)
MIN_CORE_WORDS = 2
# What an offer gives on a regular product: "Free Design Consultation" is the regular Design Consultation,
# free. A sentence that calls that product free ("our Design Consultation is free") applies the offer.
FREE = re.compile(
    r"\b(?:free|gratis|gratuit[oa]s?|complimentary|at no (?:cost|charge)|no cost|sin (?:costo|cargo))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class OfferMarks:
    """What identifies one offer in a draft: its phrases (title, core, link) as one pattern, its terms."""

    offer: OfferWindow
    phrases: re.Pattern[str]
    terms: frozenset[str]
    free_product: re.Pattern[str] | None = None  # the regular product the offer makes free
    name: re.Pattern[str] | None = None  # the offer's own name, as capitalised as the title writes it


@dataclass(frozen=True, slots=True)
class Passage:
    """A subject or a body sentence, read once per draft: span, plain text, figures, and whether it
    reports an offer as over or not yet open."""

    text: str
    start: int | None
    end: int | None
    plain: str
    terms: frozenset[str]
    reporting: bool


def check_expired_offer(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Every offer that is not valid ``today`` and that the subject or a body sentence names or applies."""
    today = context.today
    if today is None or not context.offers:
        return []
    dead = [offer for offer in context.offers if not offer.live_on(today)]
    if not dead:
        return []
    regular = _regular_text(context)
    described = _regular_text(context, names=False)
    texts = {source.id: source.text for source in context.sources}
    whole = normalise(f"{draft.subject or ''}\n{draft.body}")
    whole_terms = _terms(whole)
    whole_raw = " ".join(f"{draft.subject or ''}\n{draft.body}".split())
    passages: list[Passage] | None = None
    violations: list[Violation] = []
    for offer in dead:
        marks = _offer_marks(offer, texts.get(offer.id, ""), regular, described)
        if (
            marks.phrases.search(whole) is None
            and not whole_terms & marks.terms
            and (marks.free_product is None or marks.free_product.search(whole) is None)
            and (marks.name is None or marks.name.search(whole_raw) is None)
        ):
            continue  # most drafts never come near a dead offer: one search of the whole text says so
        if passages is None:
            passages = [p for p in _passages(draft) if not p.reporting]
        found = next(((p, what) for p in passages if (what := _use_in(p, marks)) is not None), None)
        if found is None:
            continue
        passage, what = found
        when = (
            f"ended on {offer.expires.isoformat()}"
            if offer.expires and today > offer.expires
            else (f"starts on {offer.starts.isoformat()}" if offer.starts else "is not valid")
        )
        violations.append(
            Violation(
                "expired_offer",
                f'"{what}" applies "{offer.title}", which {when}: remove it, or say plainly that it is '
                "not available",
                passage.start,
                passage.end,
            )
        )
    return violations


# An offer's own exclusions: "It does not apply to countertops, labor, hardware or bathroom vanities",
# "No aplica a encimeras ni mano de obra", "excludes installation".
EXCLUDES = re.compile(
    r"\b(?:does not|doesn't|do not|don't|cannot|can't|will not|won't) (?:apply|be applied|count) "
    r"(?:to|toward|towards|on) (?P<a>[^.;:]+)|\bexclud(?:es|ing) (?P<b>[^.;:]+)"
    r"|\bno (?:aplica|se aplica|cubre|incluye) (?:a|para|en)? ?(?P<c>[^.;:]+)|\bexcluye (?P<d>[^.;:]+)",
    re.IGNORECASE,
)
DENIES = re.compile(
    r"\b(?:not|no|doesn't|don't|isn't|excluding|except|excepto|salvo|sin|ni|nor)\b", re.IGNORECASE
)
APPLIED_FIGURE = re.compile(r"\$\s?\d[\d,]*(?:\.\d+)?|\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|por ciento\b)", re.I)


def excluded_use(body: str, context: GuardrailContext) -> list[Violation]:
    """A live offer's figures applied to something its own terms exclude ("10% off the vanity" when the
    offer "does not apply to bathroom vanities"): the figure is given for the wrong subject."""
    offers = {o.id: o for o in context.offers}
    found: list[Violation] = []
    for source in context.sources:
        offer = offers.get(source.id)
        if offer is None:
            continue
        items = _excluded_items(source.text)
        if not items:
            continue
        title, core, _, _ = _own_marks(offer, source.text)
        names = _phrase_pattern(tuple(p for p in (title, core) if p))
        if names.search(normalise(body)) is None:
            continue  # most drafts never name the offer: one search of the whole body says so
        for sentence in body_sentences(body):
            plain = normalise(sentence.text)
            if names.search(plain) is None or DENIES.search(plain):
                continue
            hit = next(
                (m.group() for item in items if (m := re.search(rf"\b{re.escape(item)}\w*", plain))), None
            )
            figure = APPLIED_FIGURE.search(sentence.text)
            if hit and figure:
                found.append(
                    Violation(
                        "grounded.number",
                        f'"{figure.group()}" applies "{offer.title}" to "{hit}", which its terms exclude: '
                        "say what the offer covers, or leave its figures out",
                        sentence.start + figure.start(),
                        sentence.start + figure.end(),
                    )
                )
    return found


@lru_cache(maxsize=256)
def _excluded_items(text: str) -> tuple[str, ...]:
    """The stems of the head nouns an offer's terms exclude: "bathroom vanities" -> "vanit"."""
    items: list[str] = []
    for match in EXCLUDES.finditer(text):
        listed = next(g for g in match.groups() if g)
        for item in re.split(r",\s*|\s+(?:or|and|ni|o|y)\s+", listed):
            words = re.findall(r"[a-záéíóúñ]+", item.lower())
            if words and len(words[-1]) > 3:
                items.append(_noun_stem(words[-1]))
    return tuple(dict.fromkeys(items))


def _noun_stem(word: str) -> str:
    """ "vanities" and "vanity", "countertops" and "countertop", "encimeras" and "encimera" meet."""
    for ending in ("ies", "es", "s", "y"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _passages(draft: DraftText) -> list[Passage]:
    found: list[tuple[str, int | None, int | None]] = [(draft.subject, None, None)] if draft.subject else []
    found += [(s.text, s.start, s.end) for s in body_sentences(draft.body)]
    return [_passage(text, start, end) for text, start, end in found]


def _passage(text: str, start: int | None, end: int | None) -> Passage:
    plain = normalise(text)
    return Passage(text, start, end, plain, _terms(plain), NOT_APPLYING.search(text) is not None)


def _use_in(passage: Passage, marks: OfferMarks) -> str | None:
    named = marks.phrases.search(passage.plain)
    if named is not None:
        return named.group()
    if marks.name is not None and (own := marks.name.search(" ".join(passage.text.split()))):
        return own.group()
    if marks.free_product is not None and FREE.search(passage.plain):
        product = marks.free_product.search(passage.plain)
        if product is not None:
            return f"{product.group()} ... free"
    shared = passage.terms & marks.terms
    return min(shared) if shared else None


def _regular_text(context: GuardrailContext, names: bool = True) -> str:
    """Everything the business says outside its offers: a title word or figure found here is regular.

    ``names=False``: without the company's list of names, only what its documents describe."""
    offer_ids = {o.id for o in context.offers}
    return _joined(
        tuple(s.text + "\n" + s.title for s in context.sources if s.id not in offer_ids),
        context.company_facts,
        context.identity.own_names if context.identity and names else (),
    )


def _offer_marks(offer: OfferWindow, text: str, regular: str, described: str = "") -> OfferMarks:
    """The offer's own marks less what the regular material also says (a product name, a list price)."""
    title, core, url, terms = _own_marks(offer, text)
    phrases = [title]
    # The core names the offer only if it is not also the regular product ("Recovery Pack").
    if core and not (core in regular and _contains(regular, core)):
        phrases.append(core)
    # "Before-the-Storm Coverage Review": the name the title opens with, written with its capitals (in
    # lower case, "a spring AC tune-up" is the service, not the offer). Listed among the company's
    # products but described by no document other than the offer, it exists only within the offer.
    name = _proper_name(offer.title)
    own = None
    if name and normalise(name) not in phrases and not _contains(described, normalise(name)):
        own = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
    if url:
        phrases.append(url)
    free_product = _free_product(core, regular) if core and FREE.search(core) else None
    return OfferMarks(offer, _phrase_pattern(tuple(phrases)), terms - _terms(regular), free_product, own)


# The offer's own name at the head of its title: capitalised words in a row ("Before-the-Storm Coverage
# Review with a free flood zone check, March to May 2027"); what follows describes it.
TITLE_NAME = re.compile(r"^(?:[A-Z][\w'’]*(?:-[\w'’]+)*)(?:\s+[A-Z][\w'’]*(?:-[\w'’]+)*)+")


@lru_cache(maxsize=256)
def _proper_name(title: str) -> str | None:
    """The name a title opens with, when it is two words or more and no month or year."""
    match = TITLE_NAME.match(title.strip())
    if match is None:
        return None
    name = " ".join(match.group().split())
    return None if TITLE_NOISE.search(name) else name


@lru_cache(maxsize=256)
def _free_product(core: str, regular: str) -> re.Pattern[str] | None:
    """The regular product an offer makes free ("free design consultation"), if the regular material
    names it and never calls it free: once per offer and company, not per draft."""
    product = " ".join(FREE.sub(" ", core).split())
    if not product or product == core or not _contains(regular, product):
        return None
    return None if FREE.search(_around(regular, product)) else _phrase_pattern((product,))


def _around(text: str, phrase: str) -> str:
    """The regular material's sentences that name the product: does it already call it free?"""
    return " ".join(s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if _contains(s, phrase))


@lru_cache(maxsize=256)
def _own_marks(offer: OfferWindow, text: str) -> tuple[str, str | None, str | None, frozenset[str]]:
    """Cached per offer: its title, the title's core (no dates, years or prices), its link, its figures."""
    title = normalise(offer.title).strip(" .:")
    core = " ".join(TITLE_NOISE.sub(" ", title).replace(":", " ").split()).strip(" -,.")
    keep = len(core.split()) >= MIN_CORE_WORDS and core != title
    url = normalise(offer.url).rstrip("/") if offer.url else None
    return title, core if keep else None, url, _terms(normalise(offer.title + "\n" + text))


@lru_cache(maxsize=256)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, phrases)) + r")(?![\w])")


@lru_cache(maxsize=64)
def _joined(sources: tuple[str, ...], facts: tuple[str, ...], names: tuple[str, ...]) -> str:
    return normalise("\n".join((*sources, *facts, *names)))


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text) is not None


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    return frozenset(_term_keys(TERM.findall(text)))


def _term_keys(found: Iterable[str]) -> Iterator[str]:
    """One spelling per figure: "$1,500" and "$1500", "10 %" and "10 percent" compare equal."""
    for raw in found:
        digits = re.sub(r"[^\d.]", "", raw.replace(",", "")).rstrip(".")
        yield ("$" if raw.startswith("$") else "%") + digits
