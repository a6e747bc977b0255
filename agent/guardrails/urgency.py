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
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from agent.guardrails.base import Check, DraftText, GuardrailContext, SourceLike, Violation
from agent.guardrails.deadlines import (
    MONTH_KEYS,
    WEEKDAYS,
    Deadline,
    NamedDays,
    deadlines,
    lowered,
    named_days,
)
from agent.guardrails.lexicon import word_set
from agent.guardrails.meaning import Meaning, candidates
from agent.guardrails.text import body_sentences, denied_before, unwrapped, words

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
    r"(?:i )?would(?:n['’]?t| not) "
    r"(?:wait|leave it (?:late|too long)|put (?:it|this) off|sit on (?:it|this))",
    r"before the (?:quarter|month|year|season|week) (?:ends|closes|is out|is over)",
    r"the (?:longer|more) you (?:wait|delay|put (?:it|this) off)",
    r"not for (?:much|very) (?:longer|long)",
    r"won['’]?t (?:last|be around|stay open) (?:long|for long|forever)",
    r"while (?:it|they) lasts?",
    r"time is running out|running out of time|the clock is ticking",
    r"decide (?:today|now|soon|quickly|this week)",
    r"(?:sign|commit) (?:today|now|fast|quickly|this week|this month)",
    r"(?:now|today) is the (?:time|moment)|there['’]?s no better time|(?:today|this week) only",
    r"lock in (?:this|the|your|today['’]?s) (?:price|rate|pricing)",
    r"(?:only|just) (?:a few|\d+|two|three|four|five) (?:more )?(?:days?|weeks?|hours?) "
    r"(?:left|remaining|to go)",
    r"you(?:['’]ll| will| could| might| may| would) "
    r"(?:miss out|lose (?:your|the) (?:spot|place|slot|date|price|chance))",
    r"the sooner (?:[\w,'’]+ ){0,5}?the better",
    r"(?:every|each) (?:day|week|month) (?:that )?you (?:wait|delay|put (?:it|this) off)",
    r"(?:hold|lock in|keep) (?:the |your |our )?current (?:rate|price|pricing)",
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
    r"(?:le|te|les) conviene (?:\w+ )?(?:cuanto antes|ya mismo|pronto|hoy)",
    r"(?:apart|reserv|decid|firm|asegur)\w* (?:\w+ ){0,2}(?:cuanto antes|lo antes posible|ya mismo)",
    r"cada (?:día|dia|semana|mes) que (?:espera|pasa sin|lo deja|lo pospone|lo posterga)",
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
    r"antes de que (?:se )?(?:cierre|termine|acabe|venza|cierren|terminen) (?:el|la|este|esta) "
    r"(?:trimestre|mes|año|semana|temporada)",
    r"(?:firme|firmen|firma|firman|decida|decidan|decide|deciden|contrate|contraten|reserve|reserven) "
    r"(?:hoy|ahora|esta semana|este mes)\b",
)
# Every pattern here is matched against ``lowered`` text (see ``agent.guardrails.deadlines``).
# Advice to act soon, honest when the sentence is timed by a date the lead or a source gives.
ADVICE: Final = re.compile(
    r"the sooner (?:[\w,'’]+ ){0,5}?the better|the sooner,? the better|sooner rather than later"
    r"|(?:it['’]?s|it is|would be) (?:worth|best|smart|wise) (?:\w+ ){1,4}(?:soon|now|right away|quickly)"
    r"|(?:(?:i )?would(?:n['’]?t| not)|(?:don['’]?t|do not)) "
    r"(?:leave it (?:late|too long)|put (?:it|this) off)"
    r"|(?:vale la pena|conviene|es mejor) (?:\w+ ){1,4}(?:pronto|ya|cuanto antes)"
    r"|(?:entre|mientras) más pronto,? mejor|cuanto antes,? mejor"
    r"|deadline is (?:approaching|coming up|near)"
)
PRESSURE: Final = re.compile(r"\b(?=[a-zñáéíóú])(" + "|".join(PRESSURE_PHRASES) + r")")
_PLACES = r"(?:spots?|places?|seats?|slots?|openings?|appointments?|times?|dates?)"
_LUGARES = r"(?:lugares|espacios|cupos|citas|horarios|plazas|turnos|fechas)"
# Scarcity: true only when the offer itself limits places ("the first 20 sign-ups"); a date does not.
SCARCITY_PHRASES: Final = (
    rf"(?:only|just) (?:(?:have|has|got) )?(?:a (?:few|handful)|\d+|two|three|four|five) (?:\w+ )?{_PLACES} "
    r"(?:left|remaining)",
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
    r"(?:spoken for|snapped up)"
    r"|(?:get|gets|go|goes|are|is|be) (?:booked|taken|claimed|reserved) (?:up )?(?:quickly|fast|early|first)",
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
    """Pressure always, scarcity no source states, deadlines no offer, source or lead's words back."""
    offers = _live_cited(context)
    limited = any(LIMITED_PLACES.search(offer.text) for offer in offers)
    found_in = evidence(context)
    findings: list[Finding] = []
    for text, offset in _parts(draft):
        findings += _patterns(text, offset, limited=limited, backed=bool(offers), evidence=found_in)
        findings += _deadlines(text, offset, context.today, found_in)
    if context.meaning is not None:
        findings += _meaning(draft, context, findings, found_in)
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


def _patterns(
    text: str, offset: int | None, *, limited: bool, backed: bool, evidence: Evidence
) -> list[Finding]:
    low = lowered(text)
    found = [
        (m, "pushes the lead: remove it; a live offer may only state its real end date")
        for m in PRESSURE.finditer(low)
        if not (ADVICE.fullmatch(m.group(0)) and _timed_by_a_real_date(text, m.start(), evidence))
    ]
    if not limited:
        found += [
            (m, "claims scarcity no cited live offer or source states")
            for m in SCARCITY.finditer(low)
            if not evidence.states_scarcity(_sentence_at(text, m.start()))
        ]
    found += [
        (m, "says prices will rise, which no source says")
        for m in PRICE_RISE.finditer(low)
        if not evidence.states_price_rise(_sentence_at(text, m.start()))
    ]
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


def _deadlines(text: str, offset: int | None, today: date | None, evidence: Evidence) -> list[Finding]:
    return [
        _finding(
            d.text,
            d.start,
            d.end,
            offset,
            "is a deadline no offer's end date, source date or date the lead gave backs",
        )
        for d in deadlines(text, today)
        if not evidence.backs(d, _sentence_at(text, d.start))
    ]


def _timed_by_a_real_date(text: str, at: int, evidence: Evidence) -> bool:
    """Advice to act soon ("the sooner the better") beside a deadline the lead or a source gave (a tax
    date, their move on the 12th) is timing, not pressure; beside an offer's date it still pushes."""
    sentence = _sentence_at(text, at)
    if any(evidence.backs(d, sentence, offers=False) for d in deadlines(sentence, evidence.today)):
        return True
    return evidence.lead_dated(sentence) or evidence.source_dated(sentence)


def _sentence_at(text: str, at: int) -> str:
    text = unwrapped(text)  # a wrapped paragraph's line breaks end no sentence
    start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(mark, at) for mark in ".!?\n") if i != -1]
    return text[start : min(ends) if ends else len(text)]


def _meaning(
    draft: DraftText, context: GuardrailContext, found: list[Finding], evidence: Evidence
) -> list[Finding]:
    """Sentences the patterns missed, scored by the meaning check against its labelled bank; a sentence
    that restates a source or the lead's own words, or times itself by a date they give, is no push."""
    assert context.meaning is not None
    taken = [(f.start, f.end) for f in found if f.start is not None]
    subject_taken = any(f.start is None for f in found)
    pending: list[tuple[str, int | None, int | None]] = []
    if draft.subject and not subject_taken:
        pending += [(s, None, None) for s, _, _ in candidates(draft.subject)]
    for sentence, start, end in candidates(draft.body):
        if not any(s is not None and e is not None and s < end and start < e for s, e in taken):
            pending.append((sentence, start, end))
    pending = [p for p in pending if not evidence.restates(p[0])]
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


@dataclass(frozen=True, slots=True)
class Evidence:
    """What may truthfully time or limit a draft: offers' end dates, the days the sources name (those
    they give as limits, and every one with the sentence it is in), the days the lead's own words name,
    and the source sentences that say places are limited or prices rise."""

    today: date | None
    offer_ends: tuple[tuple[date, frozenset[str]], ...]  # each cited offer's end day, and its name's words
    source_limits: frozenset[tuple[int, int]]
    dated: tuple[tuple[frozenset[tuple[int, int]], frozenset[str]], ...]
    terms: tuple[tuple[frozenset[tuple[int, int]], frozenset[str]], ...]  # a live offer's dated sentences
    weekday_limits: tuple[tuple[int, frozenset[str]], ...]  # "payroll changes are due by Wednesday"
    monthly: tuple[tuple[frozenset[int], frozenset[str]], ...]  # "statements by the 15th of each month"
    before: frozenset[int]  # days a limit falls before the lead's date: "due 21 days before the event"
    lead: NamedDays
    lead_words: frozenset[str]
    scarce: tuple[frozenset[str], ...]
    rising: tuple[frozenset[str], ...]
    said: tuple[frozenset[str], ...]

    def backs(self, deadline: Deadline, sentence: str, *, offers: bool = True) -> bool:
        """A deadline is honest when it is an offer's end date, a day the lead gave, or a day a source
        gives: as a limit (a filing date) unless the draft puts it on a sale, else on the same subject."""
        month_day = deadline.month_day
        if offers and self._offer_ends(deadline, sentence):
            return True
        if self._lead_gave(deadline) or (self.lead_dated(sentence) and not SALE.search(sentence)):
            return True  # the lead's day, or a day worked back from it ("by the 8th, before your move")
        if deadline.weekday is not None and not SALE.search(sentence):
            own = stems(sentence)
            return any(deadline.weekday == day and own & subject for day, subject in self.weekday_limits)
        if month_day is None:
            if deadline.day_of_month is None:
                return False
            own = stems(sentence)  # "by the 15th": a source's day of the month on the same subject
            return any(deadline.day_of_month in days and own & subject for days, subject in self.monthly)
        if month_day in self.source_limits and not SALE.search(sentence):
            return True
        if not SALE.search(sentence) and month_day in self._worked_back():
            return True  # "the final count is due 21 days before the event" and the lead's October 14
        own = stems(sentence)
        if any(len((own & subject) - GENERIC) >= 2 for days, subject in self.terms if month_day in days):
            return True  # the offer's own term, on its own subject: "the order signed by January 31"
        return any(month_day in days and own & subject for days, subject in self.dated)

    def _worked_back(self) -> frozenset[tuple[int, int]]:
        """The days a source's limit counted back from the lead's own date gives."""
        found: set[tuple[int, int]] = set()
        year = self.today.year if self.today else 2027
        for month, day in self.lead.month_days:
            try:
                event = date(year, month, day)
            except ValueError:
                continue
            for before in self.before:
                limit = event - timedelta(days=before)
                found.add((limit.month, limit.day))
        return frozenset(found)

    def _offer_ends(self, deadline: Deadline, sentence: str) -> bool:
        """An offer's end date, said of the offer (its name, or words of a sale): "the Winter Start offer
        ends March 31"; the same day put on something else ("we'd need the signed scope by March 31")
        is not the offer's."""
        own = stems(sentence)
        return any(
            (deadline.day == day or deadline.month_day == (day.month, day.day))
            and (
                OFFER_WORD.search(sentence) is not None
                or bool(own & named)
                or REQUIREMENT.search(sentence) is None  # "esto sigue vigente hasta...", said of the offer
            )
            for day, named in self.offer_ends
        )

    def _lead_gave(self, deadline: Deadline) -> bool:
        lead = self.lead
        if deadline.month_day is not None:
            return deadline.month_day in lead.month_days
        if deadline.day_of_month is not None:
            return deadline.day_of_month in lead.days_of_month
        return deadline.weekday is not None and deadline.weekday in lead.weekdays

    def lead_dated(self, sentence: str) -> bool:
        """The sentence times itself by a day the lead gave ("before your move on the 12th")."""
        days = named_days(sentence)
        lead = self.lead
        return bool(
            days.month_days & lead.month_days
            or (not days.month_days and days.days_of_month & lead.days_of_month)
        )

    def source_dated(self, sentence: str) -> bool:
        """The sentence names a day a source gives as a limit, or on the same subject."""
        days = named_days(sentence).month_days
        if days & self.source_limits:
            return True
        own = stems(sentence)
        return any(days & dated and own & subject for dated, subject in self.dated)

    def states_scarcity(self, sentence: str) -> bool:
        own = (stems(sentence) - SCARCITY_WORDS) | _when(sentence)
        return any(own & found for found in self.scarce)

    def states_price_rise(self, sentence: str) -> bool:
        own = stems(sentence) - PRICE_WORDS
        return any(own & found for found in self.rising)

    def restates(self, sentence: str) -> bool:
        """Most of the sentence's content is one source sentence's or the lead's own words, or it names
        a day they give: a true statement of timing or availability, whatever its words."""
        own = stems(sentence)
        if not own:
            return False
        if any(self.backs(d, sentence) for d in deadlines(sentence, self.today)) or self.lead_dated(sentence):
            return True
        enough = max(RESTATED_WORDS, RESTATED_SHARE * len(own))
        return len(own & self.lead_words) >= enough or any(len(own & said) >= enough for said in self.said)


@lru_cache(maxsize=16384)
def _when(text: str) -> frozenset[str]:
    """The weekdays and months a sentence names, the same in any language: "Saturdays" and "los sábados"
    are one subject when a source says they book up."""
    low = lowered(text)
    days = {f"weekday:{n}" for n in named_days(text).weekdays}
    months = {
        f"month:{n}" for word, n in MONTH_KEYS.items() if len(word) > 3 and re.search(rf"\b{word}\b", low)
    }
    return frozenset(days | months)


RESTATED_WORDS: Final = 3
RESTATED_SHARE: Final = 0.6
# Words that make a sentence about an offer ("the offer runs until...", "la promoción es válida hasta...").
OFFER_WORD: Final = re.compile(
    r"\b(?:offers?|deals?|promo\w*|specials?|discounts?|sales?|savings?|half price|free|off|"
    r"ofertas?|promoci\w*|descuentos?|especial|gratis)\b",
    re.IGNORECASE,
)
# A day the lead is told they must meet: only the offer's own terms make an offer's end date that.
REQUIREMENT: Final = re.compile(
    r"\b(?:need|needs|must|have to|has to|required|requires|tiene que|tienen que|necesit\w+|deb\w+)\b",
    re.IGNORECASE,
)
# A deadline put on buying or on a price is an offer's: only an offer's end date backs it.
SALE: Final = re.compile(
    r"\b(?:sign\w*|buy|purchas\w*|price|pricing|rate|discount|offer|deal|save|saving|lock|promo\w*|"
    r"firm\w*|contrat\w*|precio|tarifa|descuento|oferta|promoci\w*|aprovech\w*|ahorr\w*)\b",
    re.IGNORECASE,
)
# A sentence that gives its days as limits: "returns are due March 15 and April 15".
LIMIT_WORD: Final = re.compile(
    r"\b(?:due|deadlines?|no later than|must be|file by|vence\w*|vencimiento|fecha l[íi]mite|plazo|"
    r"a m[áa]s tardar)\b",
    re.IGNORECASE,
)
# A limit counted back from the lead's own date: "due 21 days before the event", "90 días antes".
BEFORE_THE_DATE: Final = re.compile(
    r"\b(?P<n>\d{1,3}|one|two|three|four|six|eight|twelve|dos|tres|cuatro|seis|ocho|doce)\s+"
    r"(?P<unit>days?|weeks?|months?|días|dias|semanas?|mes(?:es)?)\s+(?:before|prior to|ahead of|antes)\b",
    re.IGNORECASE,
)
_COUNTS: Final = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "eight": 8,
    "twelve": 12,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "seis": 6,
    "ocho": 8,
    "doce": 12,
}


def _days_before(text: str) -> set[int]:
    found: set[int] = set()
    for match in BEFORE_THE_DATE.finditer(text):
        count = match["n"].lower()
        n = int(count) if count.isdigit() else _COUNTS[count]
        unit = match["unit"].lower()
        found.add(n * (30 if unit.startswith("m") else 7 if unit.startswith(("w", "s")) else 1))
    return found


# How a source says places are limited: "Saturday appointments book up weeks ahead", "cupo limitado".
SCARCE_SOURCE: Final = re.compile(
    r"\b(?:book(?:s|ed)? (?:up|out|solid)|fill(?:s|ed)? up|limited|waitlist|wait(?:ing)? list|"
    r"(?:weeks?|months?) (?:ahead|out|in advance)|in advance|first come|high demand|sell(?:s)? out|"
    r"se llena\w*|se agota\w*|lista de espera|con anticipaci[óo]n|cupo|limitad[oa]s?|mucha demanda)\b",
    re.IGNORECASE,
)
# A price rise is a claim: true when a source announces it, pressure when nothing does.
PRICE_RISE: Final = re.compile(
    r"\b(?=[a-zñáéíóú])(?:(?:prices?|rates?|fees?|costs?) (?:are |is |will )?(?:going|go|goes|be going) up"
    r"(?! (?:with|if|when|as|for|by|depending))"
    r"|(?:prices?|rates?|fees?|costs?) (?:will )?(?:rise|increase|jump)(?! (?:with|if|when|as|for|by))"
    r"|price (?:rise|increase|hike)s?"
    r"|(?:prices?|rates?|costs?) (?:are|is) (?:expected|likely|set|going|about) to "
    r"(?:rise|increase|go up|climb|jump)|(?:prices?|rates?|costs?) will be higher"
    r"|(?:los )?precios? (?:van a |va a )?(?:suben|sube|subir|aumentan|aumenta|aumentar)"
    r"(?!\s+(?:si|con|cuando|según|segun|por|de acuerdo))"
    r"|precios? (?:subirán|subiran|aumentarán|aumentaran|van a estar más altos|estarán más altos))"
)
RISE_SOURCE: Final = re.compile(
    r"\b(?:ris(?:e|es|ing)|increas\w*|go(?:es)? up|going up|new (?:price|rate|fee)s?|will be \$|"
    r"sub(?:e|en|irá|irán)|aument\w*)\b",
    re.IGNORECASE,
)
SCARCITY_WORDS: Final = word_set(
    "spot spots place places slot slots opening openings appointment appointment time book booking fill "
    "fast quick quickly left remain remaining only few handful full gone lugar lugare espacio cupo cita "
    "horario llen rápido rapido pronto quedan queda"
)
PRICE_WORDS: Final = word_set("price rate fee cost go going up rise increase will precio sub aument")
# Verbs any sentence may share with another; two sentences about the same thing share more.
GENERIC: Final = frozenset({"get", "need", "make", "take", "want", "give", "go", "come", "see", "know"})
STOP: Final = word_set(
    "the a an and or but to of in on at by for with from as is are was were be been it its this that these "
    "those we our us you your i my me they their them he she his her will would can could may might should "
    "have has had do does did not no so if then than there here what which who when where how why just "
    "also more most very about after before until through into over up out any all some each every one "
    "el la los las un una unos unas y o pero de del al en con por para sin sobre que se su sus le les lo "
    "nos nuestro nuestra usted ustedes es son está están ser fue muy más ya como cuando donde hasta desde "
    "antes después este esta estos estas ese esa mes semana day days week weeks month months año años "
    "día días today tomorrow hoy mañana two three four five six seven eight nine ten first second third "
    "dos tres cuatro cinco seis siete ocho nueve diez primer primera usually typically normally "
    "suele suelen"
)


@lru_cache(maxsize=16384)
def stems(text: str) -> frozenset[str]:
    """Content words, crudely stemmed, without dates and numbers: what a sentence is about."""
    found = set()
    for word in words(lowered(text)):
        word = word.strip("'’-")
        if len(word) < 3 or word in STOP or word in MONTH_KEYS or word in WEEKDAYS:
            continue
        found.add(re.sub(r"(?:ies|es|s|ed|ing|mente)$", "", word) or word)
    return frozenset(found - STOP)


def evidence(context: GuardrailContext) -> Evidence:
    """What the context holds that may back timing or limits (read once per distinct context)."""
    sources = tuple(
        _Cited(source.id, source.title, source.text, str(getattr(source, "type", "")))
        for source in context.sources
    )
    windows = tuple((window.id, window.title, window.expires) for window in context.offers)
    live = tuple(source.id for source in _live_cited(context))
    return _evidence(sources, tuple(context.company_facts), windows, live, context.today, _lead_text(context))


@dataclass(frozen=True, slots=True)
class _Cited:
    id: str
    title: str
    text: str
    type: str


@lru_cache(maxsize=1024)
def _evidence(
    sources: tuple[_Cited, ...],
    facts: tuple[str, ...],
    windows: tuple[tuple[str, str, date | None], ...],
    live: tuple[str, ...],
    today: date | None,
    lead_text: str,
) -> Evidence:
    windowed = {window_id for window_id, _, _ in windows}
    # An offer's days are its window's, read below: its own text backs nothing once it is not live.
    texts = tuple(s.text for s in sources if s.id not in windowed and s.type != "offer") + facts
    read = [_read_source(text) for text in texts]
    # While it is live, a windowed offer's days back its own terms, restated on the same subject ("orders
    # signed by January 31, cameras installed by February 28": found on Ironbridge Fleet's drafts); never
    # a limit put on something else ("we'd need the signed scope by March 31").
    terms = [_read_source(s.text) for s in sources if s.id in windowed and s.id in live]
    # What an offer's text says of places and prices is evidence like any source's; its days are not.
    stated = read + [_read_source(s.text) for s in sources if s.text not in texts]
    offer_ends: list[tuple[date, frozenset[str]]] = []
    cited = {s.id for s in sources}
    for window_id, title, expires in windows:  # an expired one too: naming it is the offers check's business
        if window_id in cited and expires is not None:
            offer_ends.append((expires, stems(title)))
    for offer in sources:
        if offer.id in live and offer.id not in windowed:  # no window known: the limits its text gives
            for found in deadlines(offer.text, today):
                year = today.year if today else 2000
                day = found.day or (date(year, *found.month_day) if found.month_day else None)
                if day is not None:
                    offer_ends.append((day, stems(offer.title)))
    return Evidence(
        today=today,
        offer_ends=tuple(offer_ends),
        source_limits=frozenset(day for found in read for day in found.limits),
        dated=tuple(item for found in read for item in found.dated),
        terms=tuple(item for found in terms for item in found.dated),
        weekday_limits=tuple(item for found in read for item in found.weekday_limits),
        monthly=tuple(item for found in read for item in found.monthly),
        before=frozenset(days for found in read for days in found.before),
        lead=named_days(lead_text),
        lead_words=stems(lead_text),
        scarce=tuple(item for found in stated for item in found.scarce),
        rising=tuple(item for found in stated for item in found.rising),
        said=tuple(item for found in stated for item in found.said),
    )


def _lead_text(context: GuardrailContext) -> str:
    lead = context.lead
    if lead is None:
        return ""
    return "\n".join(part for part in (lead.inquiry_text, lead.need) if part)


@dataclass(frozen=True, slots=True)
class SourceReading:
    limits: frozenset[tuple[int, int]]
    dated: tuple[tuple[frozenset[tuple[int, int]], frozenset[str]], ...]
    weekday_limits: tuple[tuple[int, frozenset[str]], ...]
    monthly: tuple[tuple[frozenset[int], frozenset[str]], ...]
    before: frozenset[int]
    scarce: tuple[frozenset[str], ...]
    rising: tuple[frozenset[str], ...]
    said: tuple[frozenset[str], ...]


@lru_cache(maxsize=4096)
def _read_source(text: str) -> SourceReading:
    limits = {found.month_day for found in deadlines(text, None) if found.month_day is not None}
    dated, scarce, rising, said = [], [], [], []
    weekday_limits: list[tuple[int, frozenset[str]]] = []
    monthly: list[tuple[frozenset[int], frozenset[str]]] = []
    for sentence in body_sentences(text) or ():
        own = stems(sentence.text)
        said.append(own)
        weekday_limits += [(d.weekday, own) for d in deadlines(sentence.text, None) if d.weekday is not None]
        named = named_days(sentence.text)
        days = named.month_days
        if named.days_of_month:
            monthly.append((named.days_of_month, own))
        if days:
            dated.append((days, own))
            if LIMIT_WORD.search(sentence.text):  # "returns are due March 15 and April 15": both limits
                limits |= days
        if SCARCE_SOURCE.search(sentence.text) or SCARCITY.search(lowered(sentence.text)):
            scarce.append((own - SCARCITY_WORDS) | _when(sentence.text))
        if RISE_SOURCE.search(sentence.text) and re.search(
            r"\b(?:price|rate|fee|cost|precio|tarifa)", sentence.text, re.I
        ):
            rising.append(own - PRICE_WORDS)
    return SourceReading(
        frozenset(limits),
        tuple(dated),
        tuple(weekday_limits),
        tuple(monthly),
        frozenset(_days_before(text)),
        tuple(scarce),
        tuple(rising),
        tuple(said),
    )
