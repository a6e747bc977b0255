"""Money only a person may promise: refunds, credits, discounts, waived fees, compensation.

A draft that offers "we'll take something off your quote" or "le puedo perdonar el copago" commits the
company to money nobody approved. Such an offer is fine only when the allowed material gives it: a cited
source or a company fact that grants the same kind of thing (a discount, a credit, a refund...), with
the same figures, and not in the negative ("there is no cash or credit" grounds only a draft that says
so too). The kinds are bilingual, so a Spanish draft can rest on an English source and vice versa.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from agent.guardrails import speech
from agent.guardrails.base import DraftText, GuardrailContext, Violation
from agent.guardrails.text import denied_before, normalise, words

APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})

# What "we'll cover" must cover to be money: "we'll cover the rental", not "we'll cover every detail".
PAYABLE = (
    r"(?:cost|costs|fee|fees|price|bill|rental|copay|co-pay|deductible|difference|charge|charges|expense|"
    r"expenses|tab|it|that|this|the rest|costo|costos|gasto|gastos|renta|alquiler|copago|deducible|"
    r"diferencia|cargo|pago|resto)\b"
)
# Each kind of concession, in English and Spanish.
KINDS: dict[str, re.Pattern[str]] = {
    "refund": re.compile(
        r"\brefund\w*|\breimburs\w*|\bmoney back\b|\breembols\w*|\bdevoluci[óo]n\b"
        r"|\bdevol(?:ver|vemos|veremos|verle|verles)\b(?: \w+){0,3} (?:dinero|dep[óo]sito|pago)",
        re.IGNORECASE,
    ),
    "credit": re.compile(
        r"\bcredit(?:s|ed)?\b(?! (?:card|check|score|approval|history|report|union|line|limit|rating))"
        r"|(?<!tarjeta de )(?<!puntaje de )(?<!consulta de )(?<!aprobación de )(?<!historial de )"
        r"(?<!solicitud de )\bcr[ée]ditos?\b(?! (?:suave|hipotecario))",
        re.IGNORECASE,
    ),
    "discount": re.compile(
        r"\bdiscount\w*|\b\d+(?:\.\d+)?\s?% off\b|\$[\d,]+(?:\.\d\d)? off\b|\b(?:take|knock|shave)\w* "
        r"(?:\w+ ){0,4}off\b|\boff (?:your|the) (?:quote|bill|invoice|price|total|contract|first)\b"
        r"|\bprice[- ]match\w*|\b(?:we'll|we will|i'll|i will|we can|i can) (?:also )?(?:match|beat)\b"
        r"|\bdescuento\w*|\brebaja\w*|\b(?:igualamos|igualaremos|mejoramos) (?:el|su|ese) precio\b",
        re.IGNORECASE,
    ),
    "waiver": re.compile(
        r"\bwaiv\w*|\bwon't charge\b|\bwill not charge\b|\bno charge for\b|\bon the house\b"
        r"|\bperdon(?:ar|amos|aremos|arle|arles)\b|\bcondon\w*"
        r"|\bexoner\w*|\bno (?:le|les) cobra(?:mos|remos|ré)\b",
        re.IGNORECASE,
    ),
    "compensation": re.compile(
        r"(?<!workers' )(?<!worker's )\bcompensat\w*|\bgoodwill\b"
        r"|\bmake (?:it )?up to you\b|\bmake up for (?:the|any|this|that|our|what|your) "
        r"(?:\w+ )?(?:trouble|inconvenience|mistake|delay|wait|mix-up|error|hassle|deposit|loss|problem|"
        r"frustration|experience|happened)"
        r"|(?<!count )(?<!rely )(?<!depend )(?<!up to )(?<!focus )\bon us\b(?! to\b)"
        r"|\b(?:we'll|we will|i'll|i will|we can|i can) (?:also )?(?:pay for|absorb)\b"
        rf"|\b(?:we'll|we will|i'll|i will|we can|i can) (?:also )?cover\b(?= (?:\w+ ){{0,3}}{PAYABLE})"
        r"|\bcompensaci[óo]n\b(?! laboral| de (?:los )?trabajadores)|\bcompensar\w*"
        r"|\bcompens(?:o|amos|aremos|ar[ée]|ar[áa])\b"  # "le compensamos por cada semana de retraso"
        r"|\bindemniz\w*|\bbuena voluntad\b|\babsorbemos\b"
        rf"|\b(?:cubrimos|cubriremos|le cubrimos)\b(?= (?:\w+ ){{0,3}}{PAYABLE})"
        r"|\b(?:le|les) (?:regalamos|pagamos|pagaremos)\b|\bbonificaci[óo]n\b"
        # "La primera semana va por nuestra cuenta", "le puedo regalar la hora extra": on the house.
        r"|\b(?:va|corre|van|corren) por (?:nuestra|mi) cuenta\b|\bpor cuenta de la casa\b"
        r"|\b(?:le|les|te) (?:puedo |podemos |podría |podríamos )?regal(?:o|amos|ar|aría|aríamos)\b"
        r"|\bregalarle(?:s)?\b"
        r"|(?<!llamada de )(?<!recordatorio de )(?<!mensaje de )(?<!visita de )(?<!aviso de )\bcortes[íi]a\b"
        r"|\bcourtesy\b(?! (?:call|reminder|text|email|message|visit|check|notice|heads))",
        re.IGNORECASE,
    ),
}
# Every concession of a kind contains one of its anchors; a sentence with none skips the pattern.
ANCHORS: dict[str, tuple[str, ...]] = {
    "refund": ("refund", "reimburs", "money back", "reembols", "devol"),
    "credit": ("credit", "crédit", "credit"),
    "discount": ("discount", "off", "match", "beat", "descuento", "rebaja", "iguala", "mejoramos"),
    "waiver": ("waiv", "charge", "house", "perdon", "condon", "exoner", "cobra"),
    "compensation": (
        "compens",
        "goodwill",
        "make up",
        "make it up",
        "on us",
        "cover",
        "pay for",
        "absorb",
        "indemn",
        "voluntad",
        "cubrimos",
        "cubriremos",
        "absorbemos",
        "regalamos",
        "regal",
        "nuestra cuenta",
        "mi cuenta",
        "de la casa",
        "pagamos",
        "pagaremos",
        "bonific",
        "cortes",
        "courtesy",
    ),
}
NEGATION = re.compile(
    r"\b(?:no|not|never|without|nor|cannot|can't|doesn't|does not|isn't|is not|ni|sin|nunca)\b", re.IGNORECASE
)
EXCLUSION = re.compile(
    r"(?:does not|doesn't|do not|don't|will not|won't"
    r"|cannot) (?:apply|cover|include)\w*(?: to)? (?P<items>[^.;:]+)"
    r"|\bexclud\w* (?P<items2>[^.;:]+)",
    re.IGNORECASE,
)
MIN_HEAD = 4
MONEY = re.compile(r"[$€£]\s?\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?\s?%")


def check_compensation(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """``refund_or_compensation``: a concession (refund, credit, discount, waiver...) no source gives."""
    allowed = _allowed_text(context)
    violations: list[Violation] = []
    for text, start, end in _units(draft):
        kinds = concessions(text)
        if kinds and not all(_grounded(text, kind, allowed) for kind in kinds):
            violations.append(
                Violation(
                    "refund_or_compensation",
                    f"offers or raises a {' / '.join(sorted(kinds))} that no cited source gives: remove it; "
                    "only a person may decide refunds, credits, discounts or goodwill gestures",
                    start,
                    end,
                )
            )
    return violations + check_stacking(draft, context)


# A source that forbids stacking two terms: "The $500 cannot be combined with the 0% APR plan", "el
# descuento no se puede combinar con el plan de 0%". A draft that gives both grants a concession no
# source gives. Each side is known by its own money or percentage figures: evidence, not words.
COMBINE = re.compile(
    r"\b(?:cannot|can't|can not|may not|could not|will not|won't) be combined with\b"
    r"|\bno (?:se )?(?:puede|pueden|podrá|podrán) combinar(?:se)? con\b|\bno (?:es|son) acumulables? con\b",
    re.IGNORECASE,
)
# The draft itself keeps them apart: "one or the other", "instead of the 0% plan", "en lugar de".
APART = re.compile(
    r"\bcombin\w*|\binstead of\b|\beither\b|\bone or the other\b|\ben lugar de\b|\bo bien\b"
    r"|\buno u otro\b|\buna u otra\b|\bacumul\w*",
    re.IGNORECASE,
)


def check_stacking(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Two terms a source says cannot be combined, both given in the draft."""
    text = f"{draft.subject or ''}\n{draft.body}"
    if APART.search(text):
        return []
    given = _money(text)
    for allowed in _allowed_text(context):
        for first, second in _exclusive_pairs(allowed):
            if first & given and second & given:
                one, other = sorted(first & given)[0], sorted(second & given)[0]
                return [
                    Violation(
                        "refund_or_compensation",
                        f"gives {one} together with {other}, which the source says cannot be combined: "
                        "offer one or the other, or leave it to a person",
                    )
                ]
    return []


@lru_cache(maxsize=1024)
def _exclusive_pairs(text: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    pairs = []
    for sentence in _sentences(text):
        match = COMBINE.search(sentence)
        if match is None:
            continue
        first, second = _money(sentence[: match.start()]), _money(sentence[match.end() :])
        if first and second:
            pairs.append((first, second))
    return tuple(pairs)


# A denial close before the concession: "we don't offer refunds", "no hacemos descuentos".
# Money someone else gives back: "your insurance may reimburse you", "su seguro puede reembolsarle".
THIRD_PARTY = re.compile(
    r"\b(?:insurance|insurer|carrier|plan|hsa|fsa|medicare|medicaid|employer|bank|lender|irs|seguro|"
    r"aseguradora|empleador|banco|policy|policies|p[óo]liza|p[óo]lizas|manufacturer|fabricante|utility)s?\b"
    r"(?:\s+[\w'()-]+){0,3}\s*$",
    re.IGNORECASE,
)


@lru_cache(maxsize=speech.CACHE)
def concessions(sentence: str) -> frozenset[str]:
    """The kinds of concession a sentence offers: not those it denies, nor another payer's refund.

    "We don't offer refunds" states a policy and commits nobody to money; "your plan may reimburse
    you" is the insurer's money, not ours.
    """
    sentence = sentence.translate(APOSTROPHES)
    lowered = sentence.lower()
    return frozenset(
        kind
        for kind, pattern in KINDS.items()
        if any(anchor in lowered for anchor in ANCHORS[kind])
        and any(_offered(sentence, kind, match) for match in pattern.finditer(sentence))
    )


# Something said to fall outside a concession: "extractions aren't part of the 15% February discount",
# "las extracciones no entran en el 15% de descuento". An exclusion stated, not a concession offered.
OUTSIDE = re.compile(
    r"\b(?:(?:aren['’]?t|isn['’]?t|are not|is not|not|never) (?:part of|included in|covered by|eligible for|"
    r"counted (?:in|toward))|no (?:son|es|forman?|entran?|están?|quedan?) (?:parte de|incluid[oa]s? en|en|"
    r"cubiert[oa]s? por|dentro de))\b[^.;!?]{0,40}$",
    re.IGNORECASE,
)


# A concession said to be over: "that discount has ended", "ese descuento ya terminó" (found on Lakeshore
# Pools' drafts: telling a lead the offer is gone grants nothing).
OVER: Final = re.compile(
    r"^[^.;!?]{0,30}?\b(?:(?:has|have|had|already) (?:ended|expired|closed)|ended|expired|is over|are over"
    r"|is no longer (?:available|valid|running)"
    r"|ya (?:termin[óo]|venci[óo]|pas[óo]|no (?:est[áa] vigente|aplica))"
    r"|termin[óo]|venci[óo])\b",
    re.IGNORECASE,
)


def _offered(sentence: str, kind: str, match: re.Match[str]) -> bool:
    before = sentence[: match.start()]
    if denied_before(sentence, match.start()) or OUTSIDE.search(before):
        return False  # "we don't offer refunds"; not "if you don't love it we'll refund", "no X but"
    if OVER.search(sentence[match.end() :]):
        return False  # "that discount ended on January 31"
    return not _third_party(sentence, kind, match)


def _units(draft: DraftText) -> Iterator[tuple[str, int | None, int | None]]:
    if draft.subject:
        yield draft.subject, None, None
    for sentence in speech.clauses(draft.body):
        yield sentence.text, sentence.start, sentence.end


def _allowed_text(context: GuardrailContext) -> tuple[str, ...]:
    return (*(source.text for source in context.sources), *context.company_facts)


def _grounded(sentence: str, kind: str, allowed: tuple[str, ...]) -> bool:
    """A source sentence grants the same kind of thing, with the same polarity, and the figures are given.

    The figures may come from any allowed text: "$1,500 off a remodel that runs $45,000 to $95,000"
    joins an offer and a price list.
    """
    negated = _negated(sentence, kind)
    figures = {normalise(m.group(0)).replace(" ", "") for m in MONEY.finditer(sentence)}
    if not figures <= frozenset().union(*(_money(text) for text in allowed)):
        return False
    granting = [text for text in allowed if negated in _grants(text, kind)]
    return bool(granting) and (negated or not any(_excluded(sentence, kind, text) for text in granting))


def _excluded(sentence: str, kind: str, source_text: str) -> bool:
    """The draft applies the concession to something its source excludes ("...not apply to vanities").

    What a concession applies to follows it, in English and Spanish ("$200 off the vanity", "waived for
    a policy bought at closing", "descuento en la instalación"): what the clause said before it ("flood
    is not covered, but the wait is waived...") is not what is being waived.
    """
    match = KINDS[kind].search(sentence)
    after = sentence[match.start() :] if match else sentence
    mentioned = {_stem(w) for w in words(after.lower())}
    return any(item in mentioned for item in _exclusions(source_text))


@lru_cache(maxsize=4096)
def _exclusions(text: str) -> frozenset[str]:
    """Head nouns of what a source says its concession does not apply to."""
    heads: set[str] = set()
    for match in EXCLUSION.finditer(text):
        listed = match.group("items") or match.group("items2") or ""
        for item in re.split(r",|\bor\b|\band\b", listed):
            tokens = words(item.lower())
            if tokens and len(tokens[-1]) >= MIN_HEAD:
                heads.add(_stem(tokens[-1]))
    return frozenset(heads)


def _stem(word: str) -> str:
    return re.sub(r"ies$", "y", word) if word.endswith("ies") else re.sub(r"(?:es|s)$", "", word)


@lru_cache(maxsize=4096)
def _grants(text: str, kind: str) -> frozenset[bool]:
    """How a source text speaks of a kind of concession: granting it (False), denying it (True), or both."""
    return frozenset(
        _negated(part, kind)
        for part in _sentences(text)
        if (match := KINDS[kind].search(part)) and not _third_party(part, kind, match)
    )


def _third_party(sentence: str, kind: str, match: re.Match[str]) -> bool:
    """Money another payer gives: "most carriers refund unused premium" grants no refund of ours."""
    return kind in ("refund", "compensation") and THIRD_PARTY.search(sentence[: match.start()]) is not None


# How far back a negation governs a concession: "we don't offer refunds, discounts or credits" is
# near; "if you want tune-ups without thinking about them, the plan [...] includes 15% off" is not.
NEGATION_REACH = 60
# Where a negation stops reaching: "policies don't cover it, but the wait is waived" grants the waiver.
CLAUSE_BREAK = re.compile(r"[,;:]\s+(?:and|but|or|y|pero|o)\b|\b(?:but|pero|sino)\b", re.IGNORECASE)


def _negated(sentence: str, kind: str) -> bool:
    match = KINDS[kind].search(sentence)
    if match is None:
        return False
    before = sentence[max(0, match.start() - NEGATION_REACH) : match.start()]
    breaks = list(CLAUSE_BREAK.finditer(before))
    return NEGATION.search(before[breaks[-1].end() :] if breaks else before) is not None


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(part for part in SOURCE_BREAK.split(text) if part.strip())


# A source's statements end at a full stop, a blank line or a list item, not at a wrapped line: "most
# carriers\nrefund unused premium" is one statement, and the carriers are the ones refunding.
SOURCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")


@lru_cache(maxsize=4096)
def _money(text: str) -> frozenset[str]:
    return frozenset(normalise(m.group(0)).replace(" ", "") for m in MONEY.finditer(text))
