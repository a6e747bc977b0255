"""Urgency, scarcity and pressure: a draft may only state a live offer's real end date, plainly.

Leads distrust a message that rushes them, and spam filters agree. Three things are read, in the subject
and in the body alike, in English and Spanish:

- pressure (``PRESSURE``): "don't wait", "the longer you wait...", "no lo deje para después", "antes de
  que sea tarde", "quedan pocos días". No offer backs pressure: an offer has a date, not a mood;
- scarcity (``SCARCITY``): "only 3 spots left", "se llenan rápido", true only when a live offer the draft
  cites itself limits places;
- deadlines (``agent.guardrails.deadlines``): "by Friday", "ends March 31", "antes del 30 de abril" are
  honest only when the day is the real end date of a live offer among the draft's sources. A date in
  some other source (office hours, a holiday break) backs nothing.

Words no list foresaw are left to the meaning check (``agent.guardrails.meaning``), when the context
carries one: it scores the sentences the cue filter lets through against a labelled bank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from agent.guardrails.base import Check, DraftText, GuardrailContext, SourceLike, Violation
from agent.guardrails.deadlines import Deadline, deadlines, lowered
from agent.guardrails.meaning import Meaning, candidates
from agent.guardrails.text import denied_before

# Time pressure, in words an offer's validity cannot back.
PRESSURE_PHRASES: Final = (
    r"act (?:now|fast|quickly|today)",
    r"last (?:chance|call|opportunity)",
    r"final (?:hours|days|call)",
    r"hurry",
    r"don['’]?t miss (?:out|this|it)",
    r"before it['’]?s (?:too late|gone)",
    r"now or never",
    r"(?:don['’]?t|do not) (?:wait|delay|put (?:it|this) off|leave it (?:late|too long)|sit on (?:it|this))",
    r"(?:don['’]?t|do not) let (?:it|this) slip",
    r"(?:i )?would(?:n['’]?t| not) (?:wait|leave it (?:late|too long)|put (?:it|this) off)",
    r"the (?:longer|more) you (?:wait|delay|put (?:it|this) off)",
    r"not for (?:much|very) (?:longer|long)",
    r"won['’]?t (?:last|be around|stay open) (?:long|for long|forever)",
    r"while (?:it|they) lasts?",
    r"time is running out|running out of time|the clock is ticking",
    r"decide (?:today|now|soon|quickly|this week)",
    r"(?:sign|commit) (?:today|now|fast|quickly|this week|this month)",
    r"(?:now|today) is the (?:time|moment)|there['’]?s no better time|(?:today|this week) only",
    r"(?:prices?|rates?|fees?|costs?) (?:are |is |will )?(?:going|go|goes|be going) up"
    r"(?! (?:with|if|when|as|for|by|depending))",
    r"(?:prices?|rates?|fees?|costs?) (?:will )?(?:rise|increase|jump)(?! (?:with|if|when|as|for|by))",
    r"price (?:rise|increase|hike)s?",
    r"lock in (?:this|the|your|today['’]?s) (?:price|rate|pricing)",
    r"(?:only|just) (?:a few|\d+|two|three|four|five) (?:more )?(?:days?|weeks?|hours?) "
    r"(?:left|remaining|to go)",
    r"you(?:['’]ll| will| could| might| may| would) "
    r"(?:miss out|lose (?:your|the) (?:spot|place|slot|date|price|chance))",
    r"the sooner (?:you \w+,? )?the better",
    r"(?:every|each) (?:day|week|month) (?:that )?you (?:wait|delay|put (?:it|this) off)",
    r"(?:hold|lock in|keep) (?:the |your |our )?current (?:rate|price|pricing)",
    r"(?:prices?|rates?|costs?) (?:are|is) (?:expected|likely|set|going|about) to "
    r"(?:rise|increase|go up|climb|jump)",
    r"(?:prices?|rates?|costs?) will be higher",
    r"the sooner,? the better|sooner rather than later|while you still can",
    r"before (?:they|it)(?:['’]re|['’]s| are| is) gone",
    r"(?:this|it|that|the (?:offer|deal|price|rate)) (?:won['’]?t|will not) "
    r"(?:last|be (?:here|around|available) (?:long|for long|forever))",
    r"before (?:the )?(?:prices?|rates?|costs?) (?:go(?:es)? up|rise|increase|change)",
    r"(?:prices?|rates?) (?:will never|won['’]?t ever) be this low",
    r"time[- ]sensitive|don['’]?t delay",
    r"(?:waiting|delaying|putting (?:it|this) off) (?:only |just )?(?:makes|will make|costs|adds)",
    r"deadline is (?:approaching|coming up|near)",
    r"(?:secure|grab|claim|reserve|lock in) (?:your|a|the) (?:spot|place|slot|seat|price|rate) "
    r"(?:now|today|before|while|soon|quickly)",
    r"get in (?:before|while|now|quickly)",
    # Loss that grows with waiting: "every week that knee goes unchecked is training you won't get back".
    r"(?:every|each) (?:day|week|month) (?:that )?[^.!?\n]{0,30}?(?:goes|go|passes|pass) "
    r"(?:by|unchecked|untreated)",
    r"(?:you )?(?:won['’]?t|will not|can['’]?t|cannot|never) get (?:it |them |that |those )?back(?! to\b)",
    # "It's worth getting your numbers soon": a push to act soon with no date behind it.
    r"(?:it['’]?s|it is|would be) (?:worth|best|smart|wise) (?:\w+ ){1,4}(?:soon|now|right away|quickly)\b",
    # Spanish
    r"no (?:lo|la|le|los|las) (?:deje|dejes|dejen) para (?:después|despues|más tarde|mas tarde|luego|mañana)",
    r"no (?:espere|esperes|esperen|se espere|lo piense (?:mucho|demasiado)|se tarde|deje pasar)",
    r"no (?:esperar|tardar|dejarlo) (?:mucho|más|mas)",
    r"(?:mejor|conviene|recomiendo) no (?:esperar|tardar|dejarlo)",
    r"sin esperar más|antes de que sea (?:demasiado )?tarde",
    r"antes de que se (?:acabe|acaben|agote|agoten|llene|llenen|termine|terminen|vaya|vayan)",
    r"(?:última|ultima) (?:oportunidad|llamada)|(?:por|de) tiempo limitado|ahora o nunca",
    r"(?:hoy|ahora) es el momento|(?:solo|sólo) (?:por )?hoy",
    r"(?:los )?precios? (?:van a |va a )?(?:suben|sube|subir|aumentan|aumenta|aumentar)"
    r"(?!\s+(?:si|con|cuando|según|segun|por|de acuerdo))",
    r"(?:le|te|les) conviene (?:\w+ )?(?:cuanto antes|ya mismo|pronto|hoy)",
    r"(?:apart|reserv|decid|firm|asegur)\w* (?:\w+ ){0,2}(?:cuanto antes|lo antes posible|ya mismo)",
    r"cada (?:día|dia|semana|mes) que (?:espera|pasa sin|lo deja|lo pospone|lo posterga)",
    r"precios? (?:subirán|subiran|aumentarán|aumentaran|van a estar más altos|estarán más altos)",
    r"no (?:queremos|quiero|quisiera) que se (?:quede|queden|pierda|pierdan) sin",
    r"no se (?:lo|la) pierda",
    r"quedan? (?:muy )?(?:pocos|pocas|solo|sólo|apenas|unos|unas) (?:\w+ )?(?:días|semanas|horas)",
    r"(?:entre|mientras) más (?:espere|tarde|lo deje)",
    r"aproveche (?:ahora|ya|hoy|antes)",
    r"decida (?:hoy|pronto|ya|ahora)",
    r"mientras (?:todavía|aún|aun) (?:pueda|hay|haya|queden?)\b",
    r"mientras (?:haya|queden?) (?:lugar|espacio|cupo)",
    r"no (?:va a|creo que vaya a) durar|no durará",
    r"(?:el tiempo|la promoción|la oferta) se (?:acaba|está acabando|termina)",
    r"se (?:está|esta) acabando el tiempo|ya casi se (?:acaba|termina)",
    r"apúrese|apurese|apúrele|dese prisa|dése prisa",
    r"(?:entre|mientras) más pronto,? mejor|cuanto antes,? mejor",
    r"antes de que (?:suban|sube|aumenten|cambien) (?:los |el )?precios?",
    r"(?:últimos|ultimos|últimas|ultimas) (?:lugares|espacios|cupos|días|dias|horas|citas)",
    r"no se (?:quede|queden) sin",
    r"cada (?:día|dia|semana|mes) que pasa",
    r"(?:tiempo|semanas|días|dias|meses) que (?:ya )?no (?:va a |podrá |podra |se pueden? )?recuperar",
    r"(?:vale la pena|conviene|es mejor) (?:\w+ ){1,4}(?:pronto|ya|cuanto antes)\b",
)
# Every pattern here is matched against ``lowered`` text (see ``agent.guardrails.deadlines``).
PRESSURE: Final = re.compile(r"\b(?=[a-zñáéíóú])(" + "|".join(PRESSURE_PHRASES) + r")")
_PLACES = r"(?:spots?|places?|seats?|slots?|openings?|appointments?|times?|dates?)"
_LUGARES = r"(?:lugares|espacios|cupos|citas|horarios|plazas|turnos|fechas)"
# Scarcity: true only when the offer itself limits places ("the first 20 sign-ups"); a date does not.
SCARCITY_PHRASES: Final = (
    rf"(?:only|just) (?:a (?:few|handful)|\d+|two|three|four|five) (?:\w+ )?{_PLACES} (?:left|remaining)",
    rf"(?:only |just )?a (?:few|handful)(?: of)? (?:\w+ )?{_PLACES} (?:left|remain(?:ing)?)",
    rf"(?:{_PLACES}|calendar|schedule)\b[^.!?\n]{{0,30}}?\b"
    r"(?:filling|fill|fills|going|go|selling|booking|book|books|getting booked) (?:up )?(?:fast|quickly)",
    r"(?:hard(?:er)?|tough(?:er)?) to (?:hold|get|find|keep|secure) (?:a |your )?(?:spot|slot|place|date)",
    r"first come,? first served|while (?:supplies|spots|places|stocks?) last",
    rf"(?:{_PLACES}|time) (?:are |is )?running out",
    r"only a (?:few|handful) (?:left|remaining)|(?:almost|nearly) (?:gone|full|fully booked|sold out)",
    rf"quedan? (?:muy )?(?:pocos|pocas|solo|sólo|apenas|\d+) (?:\w+ )?{_LUGARES}",
    rf"(?:ya (?:casi )?|casi )no (?:quedan|queda|hay) (?:muchos |muchas )?{_LUGARES}",
    r"(?:booked solid|in (?:high|huge|great) demand|demand is (?:high|strong|huge))",
    r"(?:few|limited) (?:openings|spots|slots|places) (?:left|remain)",
    r"(?:la )?agenda (?:se está|se esta|está|esta) (?:llenando|casi llena)|(?:hay )?mucha demanda",
    r"se (?:están |estan |van )?(?:llenan|llena|llenando|van|yendo|agotan|agotando|acaban|acabando|ocupan|"
    r"ocupando) (?:muy )?(?:rápido|rapido|pronto)",
    r"se (?:están|estan) (?:acabando|agotando|llenando|ocupando)|hasta agotar",
    # "Our April install days are mostly spoken for": places said to be nearly gone.
    rf"(?:{_PLACES}|days|weeks|calendar|schedule|agenda)\b[^.!?\n]{{0,20}}?\b(?:are|is) "
    r"(?:mostly|almost|nearly|largely|already|all but) (?:spoken for|booked|taken|gone|full|filled|reserved)",
    r"(?:casi|ya) (?:todos|todas|todo) (?:\w+ ){0,5}(?:están|estan|está|esta) "
    r"(?:ocupad|reservad|apartad|llen)\w*",
)
SCARCITY: Final = re.compile(r"\b(?=[a-zñáéíóú])(" + "|".join(SCARCITY_PHRASES) + r")\b")
# Said of an offer by its validity: honest when a live offer is cited ("a limited-time offer").
OFFER_TIME = re.compile(
    r"\b(limited[- ]time|(?:offer|deal|price|discount)s? (?:won['’]?t last)|"
    r"expires? (?:soon|today|tonight|tomorrow)|ends? (?:soon|today|tonight|tomorrow))\b"
)
LIMITED_PLACES = re.compile(
    r"\b(?:limited (?:number|spots|places|availability)|"
    r"first \d+ (?:customers|sign-?ups|practices|businesses|patients|households|clients)|"
    r"while (?:spots|places) last|\d+ (?:spots|places) (?:only|available)|"
    r"cupo limitado|lugares limitados|primer[oa]s \d+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """Where a draft pushes: the words, their span in the body (None in the subject), and why."""

    words: str
    start: int | None
    end: int | None
    why: str


def check_urgency(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """Pressure always, scarcity unless a cited live offer limits places, deadlines it does not back."""
    offers = _live_cited(context)
    limited = any(LIMITED_PLACES.search(offer.text) for offer in offers)
    ends = _end_dates(offers, context)
    findings: list[Finding] = []
    for text, offset in _parts(draft):
        findings += _patterns(text, offset, limited=limited, backed=bool(offers))
        findings += _deadlines(text, offset, context.today, ends)
    if context.meaning is not None:
        findings += _meaning(draft, context, findings)
    return [
        Violation("urgency.unbacked", f'"{f.words}" {f.why}', f.start, f.end)
        for f in sorted(findings, key=lambda f: (f.start is not None, f.start or 0))
    ]


def reading_meaning(meaning: Meaning) -> Check:
    """``check_urgency`` with this reader of meaning, for a context built without one (the drafting
    pipeline's contexts come from requests, which know nothing of models)."""

    def check_urgency_by_meaning(draft: DraftText, context: GuardrailContext) -> list[Violation]:
        return check_urgency(draft, context if context.meaning else replace(context, meaning=meaning))

    return check_urgency_by_meaning


def _parts(draft: DraftText) -> Iterator[tuple[str, int | None]]:
    """The subject (no offsets: spans index the body) and the body."""
    if draft.subject:
        yield draft.subject, None
    yield draft.body, 0


def _patterns(text: str, offset: int | None, *, limited: bool, backed: bool) -> list[Finding]:
    low = lowered(text)
    found = [
        (m, "pushes the lead: remove it; a live offer may only state its real end date")
        for m in PRESSURE.finditer(low)
    ]
    if not limited:
        found += [(m, "claims scarcity no cited live offer states") for m in SCARCITY.finditer(low)]
    if not backed:
        found += [
            (m, "creates urgency no live offer backs: cite the real offer and its terms")
            for m in OFFER_TIME.finditer(low)
        ]
    return [
        _finding(text[m.start() : m.end()], m.start(), m.end(), offset, why)
        for m, why in found
        if not _reassures(low, m)
    ]


def _reassures(low: str, match: re.Match[str]) -> bool:
    """The words are denied: "there's no rush", "no need to hurry", "no tiene que decidir hoy".

    A phrase that is itself a denial ("don't wait", "no espere") pushes; so does a denied one in a
    condition ("if you don't decide today, ...").
    """
    return denied_before(low, match.start())


def _deadlines(
    text: str, offset: int | None, today: date | None, ends: tuple[set[date], set[tuple[int, int]]]
) -> list[Finding]:
    return [
        _finding(
            d.text,
            d.start,
            d.end,
            offset,
            "is a deadline that is not the end date of a live offer the draft cites",
        )
        for d in deadlines(text, today)
        if not _backed(d, ends)
    ]


def _backed(deadline: Deadline, ends: tuple[set[date], set[tuple[int, int]]]) -> bool:
    days, month_days = ends
    return deadline.day in days or deadline.month_day in month_days


def _meaning(draft: DraftText, context: GuardrailContext, found: list[Finding]) -> list[Finding]:
    """Sentences the patterns missed, scored by the meaning check against its labelled bank."""
    assert context.meaning is not None
    taken = [(f.start, f.end) for f in found if f.start is not None]
    subject_taken = any(f.start is None for f in found)
    pending: list[tuple[str, int | None, int | None]] = []
    if draft.subject and not subject_taken:
        pending += [(s, None, None) for s, _, _ in candidates(draft.subject)]
    for sentence, start, end in candidates(draft.body):
        if not any(s is not None and e is not None and s < end and start < e for s, e in taken):
            pending.append((sentence, start, end))
    if not pending:
        return []
    scores = context.meaning.pressure([text for text, _, _ in pending])
    return [
        Finding(text, start, end, f"reads as urgency, scarcity or pressure (like: {hit})")
        for (text, start, end), hit in zip(pending, scores, strict=True)
        if hit is not None
    ]


def _finding(words: str, start: int, end: int, offset: int | None, why: str) -> Finding:
    if offset is None:
        return Finding(words, None, None, why + " (in the subject)")
    return Finding(words, start + offset, end + offset, why)


def _live_cited(context: GuardrailContext) -> list[SourceLike]:
    """The live offers among the sources the draft was written from: only they can back a deadline."""
    return [source for source in context.sources if source.id in context.live_offer_ids]


def _end_dates(
    offers: Iterable[SourceLike], context: GuardrailContext
) -> tuple[set[date], set[tuple[int, int]]]:
    """The real end dates of the cited live offers: from the knowledge base's offer windows, or, for an
    offer the context has no window for, the days its own text gives as limits."""
    windows = {offer.id: offer for offer in context.offers}
    days: set[date] = set()
    month_days: set[tuple[int, int]] = set()
    for offer in offers:
        window = windows.get(offer.id)
        if window is not None and window.expires is not None:
            days.add(window.expires)
            month_days.add((window.expires.month, window.expires.day))
        elif window is None:
            for found in deadlines(offer.text, context.today):
                if found.day is not None:
                    days.add(found.day)
                if found.month_day is not None:
                    month_days.add(found.month_day)
    return days, month_days
