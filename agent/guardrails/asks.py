"""Value before the ask: one clear next step, after something useful, and not too many asks per sequence.

An *ask* is a sentence that asks the lead to do or answer something: a question, or an imperative such
as "let me know" or "book a time". A *hard* ask wants their time or money (a call, a demo, a trial, a
purchase); a soft one asks about their situation. What gives value, and whether it comes before the
ask, is ``value.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from agent.guardrails import speech
from agent.guardrails.base import DraftText, GuardrailContext, PriorMessage, Violation
from agent.guardrails.speech import QUOTED
from agent.guardrails.text import Sentence

# Asking for the lead's time (a call, a meeting, a visit, one of the offered slots) or money.
_COMMIT = r"sign up|start (?:a|your|the) (?:free )?trial|buy|purchase|upgrade|subscribe|go ahead"
_DAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|lunes|martes|miércoles|jueves|viernes|sábado|domingo)"
)
_CLOCK = r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?|h\b)|\b\d{1,2}:\d{2}\b"
HARD_ASK = re.compile(
    r"\b(?:a|an|one|quick|short|brief|\d+[- ]minute)\s+(?:\w+\s+)?"
    r"(?:call|chat|demo|meeting|zoom|video call|phone call|walk-?through|visit|appointment|consultation)\b"
    r"|\b(?:talk|speak|meet|chat) (?:with|to) (?:me|us|someone|our)\b"
    r"|\b(?:can|could|shall|should) we (?:talk|speak|meet|chat|hop on|jump on|set up)\b"
    r"|\b(?:call|phone|ring) (?:me|us|you)\b|\bgive (?:me|us|you) a (?:call|ring)\b"
    r"|\b(?:walk|walked|walking|take|took) you through\b|\bshow you (?:around|how)\b"
    r"|\bbook(?:ing)? (?:a|an|some|time|in|you|your|the)\b"
    r"|(?<!on )(?<!behind )(?<!of )(?<!off )\bschedule (?:a|an|some|time|your|it|you)\b"
    r"|\bset up (?:a|an|some|your) (?:time|call|meeting|visit|appointment|consultation|payments?)\b"
    r"|\b(?:hold|reserve|save) (?:a|an|your|you a) (?:\w+ )?(?:spot|slot|visit|appointment|time)\b"
    r"|\b(?:come|stop|drop) (?:in|by)\b|\bcome (?:to|see) (?:our|the) \w+"
    rf"|\b{_DAY}\b[^.?!]{{0,24}}\bat \d"
    rf"|\b(?:you|we) (?:like to |want to |be ready to )?(?:{_COMMIT}|place an order|move forward)\b"
    rf"|^(?:{_COMMIT})\b|\b(?:want|like|ready) to (?:{_COMMIT}|get started)\b"
    r"|\b(?:send|put together|prepare) (?:you )?(?:a|the) (?:quote|proposal|contract)\b"
    r"|\bpricing for\b|\bput the numbers together\b|\bgo through the numbers\b"
    r"|\bcard number\b|\bpay (?:the|your|a) (?:deposit|balance)\b"
    # Spanish: a call, a visit, an appointment, booking, buying or paying.
    r"|\b(?:una|la|su|otra) (?:llamada|videollamada|cita|visita|reunión|consulta|evaluación)\b"
    r"|\b(?:agendar|agendarle|agendarles|reservar|reservarle|reservarles|apartar|apartarle|programar|"
    r"programarle|agendemos|reservemos|apartemos|programemos)\b"
    r"|\b(?:le|les|lo|la) (?:puedo |podemos )?(?:llamo|llame|llamaría|llamamos|llamar)\b"
    r"|\b(?:puedo|podemos|podría|podríamos) (?:llamarl[eoa]s?|visitarl[eoa]s?)\b"
    r"|\bpaso a (?:medir|ver|visitar)|\bvenir a (?:la|nuestr[oa]|ver)"
    r"|\b(?:comprar|contratar|firmar|pagar) (?:el|la|su|los|las)\b|\b(?:número|datos) de (?:su )?tarjeta\b"
    rf"|\b{_DAY}\b[^.?!]{{0,30}}\ba las \d",
    re.IGNORECASE,
)
# Every hard ask contains one of these (a day name ends in "day", Spanish ones are listed).
HARD_ANCHORS = (
    "call",
    "chat",
    "demo",
    "meet",
    "zoom",
    "walk",
    "visit",
    "appointment",
    "consult",
    "talk",
    "speak",
    "hop on",
    "jump on",
    "set up",
    "phone",
    "ring",
    "take you",
    "took you",
    "show you",
    "book",
    "schedul",
    "hold",
    "reserve",
    "save",
    "come",
    "stop",
    "drop",
    "day",
    "sign up",
    "trial",
    "buy",
    "purchase",
    "upgrade",
    "subscribe",
    "go ahead",
    "order",
    "move forward",
    "get started",
    "quote",
    "proposal",
    "contract",
    "pricing",
    "numbers",
    "card",
    "pay",
    "llam",
    "cita",
    "visita",
    "reuni",
    "consulta",
    "evaluaci",
    "agend",
    "reserv",
    "apart",
    "program",
    "paso a",
    "venir a",
    "comprar",
    "contratar",
    "firmar",
    "pagar",
    "tarjeta",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
)
# A request in the imperative, without a question mark: "respóndame con el número de su tarjeta".
REQUEST = re.compile(
    r"\b(?:reply|respond) (?:back )?with\b|\bsend (?:me|us)\b"
    r"|\bresp[óo]nda(?:me|nos)? con\b|\b(?:env[íi]e|m[áa]nde)(?:me|nos)(?:l[oa]s?)?\b",
    re.IGNORECASE,
)
# Offering times is a next step even without a question mark: "I can offer Tuesday at 5:00 p.m."
SLOT_OFFER = re.compile(
    r"^(?:i|we) (?:can|could) (?:offer|do|hold|book)|^(?:i|we) (?:have|'ve got)\b|^puedo|^podemos|"
    r"^tengo|^tenemos|^le (?:ofrezco|propongo)|^how about"
    # A visit or a call put at a time, by the writer or a colleague: "I could come by Tuesday at 9:00",
    # "Dwayne can call you Monday at 4:30 pm". With a clock time it is a proposal the lead answers.
    r"|^(?:i|we|[\w'-]+|our [\w'-]+|one of our [\w'-]+) (?:can|could) "
    r"(?:come (?:by|out|over)|stop by|drop by|(?:call|ring|phone|see|meet(?: with)?|visit) you)\b"
    # ...and in Spanish: "Le puedo llamar el jueves a las 4", "Dwayne le puede llamar el lunes a las 4:30".
    r"|^(?:[\w'-]+ )?(?:le|la|lo|les) (?:puedo|podemos|puede|pueden|podría|podríamos) "
    r"(?:llamar|visitar|ver|atender)\b"
    r"|^[\w'-]+ (?:puede|podría) (?:pasar|ir|llamarl[eoa]s?|visitarl[eoa]s?)\b",
    re.IGNORECASE,
)
CLOCK = re.compile(_CLOCK, re.IGNORECASE)
CHOICE_WORDS = 8
WHICH = re.compile(r"^¿?(?:which|cuál|cual|qué (?:día|hora|horario|opción))\b", re.IGNORECASE)
MEETING_REQUEST = re.compile(
    r"\b(call|demo|meeting|meet|talk|speak|chat|phone|zoom|quote|proposal|walk ?through|show me|"
    r"llamada|llámenme|llamar|cita|visita|reunión)\b",
    re.IGNORECASE,
)
# Sequence purposes whose messages are value touches by design (their own drafts had to give value).
VALUE_PURPOSES = frozenset(
    {"value_add", "social_proof", "faq", "objection", "pricing", "nurture", "re_engagement", "post_meeting"}
)
AFTER_A_MEETING = frozenset({"post_meeting"})  # they already gave us their time; the next step may ask again
VALUE_PER_ASK = 3
# The first and second persons: a question with them is put to the lead ("Can we...?", "Do you...?").
YOU = re.compile(
    r"\b(?:you|your|yours|you'd|you're|you've|usted|ustedes|su|sus|le|les|tú|tu|tus|te|i|we|us|me|my|our|"
    r"nos|nuestro|nuestra)\b",
    re.IGNORECASE,
)
# How a question about the thing itself starts: "How long does...?", "Is demo included?", "¿Cuánto tarda?"
POSED = re.compile(
    r"^¿?(?:y\s+)?(?:how|what|why|when|where|which|is|are|does|do|will|can|cuánto|cuánta|cuántos|cuántas|"
    r"qué|cómo|cuándo|dónde|por qué|es|está|están|hay|incluye|cubre)\b",
    re.IGNORECASE,
)
# A question the writer poses for the lead ("Wondering what it costs?") and answers.
WONDERING = re.compile(r"^¿?(?:wondering|curious (?:about|what|how|whether|if)|ever wonder)", re.IGNORECASE)
# How an answer starts: "Yes", "No", "Usually...", "Sí", "La obra suele...", "Most run...".
ANSWER = re.compile(
    r"^(?:yes|yep|no|nope|absolutely|definitely|not always|sí|claro|por supuesto|depende|it depends|most|"
    r"in most cases|for most|on average)\b"
    r"|^(?:\S+\s+){0,2}(?:usually|typically|generally|normally|suele|suelen|normalmente|generalmente|"
    r"por lo general|en la mayoría|en promedio)\b",
    re.IGNORECASE,
)
# "If you'd like, I can send...", "Happy to price...", "Si gusta, le mando...": a specific next step offered.
OFFERED_STEP = re.compile(
    r"^(?:if you(?:'d| would) like|if (?:it|that) (?:would )?helps?|if useful|si (?:gusta|quiere|le sirve|"
    r"le interesa|desea|prefiere)),? (?:i|we|le|les) (?:can |could |'ll |will |puedo |podemos )?"
    r"(?:also )?(?:send|share|put together|price|measure|email|text|mando|envío|preparo|comparto|"
    r"cotizo|paso)\b"
    r"|^(?:(?:i'm |i am |we're |we are )?(?:happy|glad)|con (?:mucho )?gusto) (?:to )?(?:le |les )?"
    r"(?:send|share|put together|price|mando|envío|preparo|comparto)\b",
    re.IGNORECASE,
)
# A link to book from: "Click here to pick a time that suits you: <link>" is a next step, not a pointer.
POINTER_TO_BOOK = re.compile(
    r"^(?:click|tap|use|haga clic|entre|visite)\b[^.?!]{0,40}\b(?:to|para) "
    r"(?:pick|book|choose|schedule|reserve|grab|find|elegir|escoger|reservar|agendar|apartar"
    # ...or to work out the lead's own case: "Click here to see how your home compares".
    r"|(?:see|check|find out|work out) (?:how|what|whether|if) (?:your|you)"
    r"|ver (?:cómo|cuánto|si) (?:su|usted))\b",
    re.IGNORECASE,
)
# Ways of getting in touch: alternatives made only of these are one ask.
CHANNEL = re.compile(
    r"\b(?:call\w*|phone|ring|text\w*|email\w*|e-mail|write|message|whatsapp|llam\w*|escrib\w*|"
    r"mensaje|correo|texto)\b",
    re.IGNORECASE,
)
# An alternative that also sends, books or shows something is its own ask, whatever the channel.
OTHER_ACT = re.compile(
    r"\b(?:send|book|schedule|quote|estimate|guide|checklist|price|tour|visit|demo|meet|mand\w*|envi\w*|"
    r"agend\w*|reserv\w*|cotiz\w*|gu[íi]a|lista|precio|recorrido|visita|cita)\b",
    re.IGNORECASE,
)
CONTINUED_ASK = re.compile(r"^¿?(?:or|o)\b", re.IGNORECASE)
# How to answer the question just asked: "Reply yes or no", "Respóndame sí o no". Same ask, its form.
ANSWER_FORM = re.compile(
    r"^(?:(?:please|just|simply) )?(?:reply|respond|answer|text back|resp[óo]nda(?:me|nos)?|"
    r"cont[ée]ste(?:me|nos)?|d[íi]game|d[íi]ganos)\b[^.?!]{0,20}?\b(?:yes or no|y/n|s[íi] o no|with (?:a )?"
    r"(?:yes|no|number|1 or 2))\b",
    re.IGNORECASE,
)
# What the writer needs to go on ("All I need is your last bill", "solo necesitamos la página de
# declaraciones"): a request when nothing else asks, but what a following question asks for when one does.
NEED = re.compile(
    r"\ball (?:i|we)(?:'d| would)? need (?:is|are|from you is)\b"
    r"|\b(?:solo|sólo|nada más) (?:necesito|necesitamos|me falta|nos falta)\b",
    re.IGNORECASE,
)
# Where one question offers alternatives: "..., or shall I book you in?", "..., o prefiere que lo llame?"
OR_SPLIT = re.compile(r",?\s+(?:or|o|u)\s+(?=\S)", re.IGNORECASE)
# An alternative that is a clause of its own (a new verb and subject) is a different ask...
CLAUSE_ALTERNATIVE = re.compile(
    r"^(?:(?:shall|should|can|could|may) (?:i|we)\b|(?:want|like) me to\b"
    r"|(?:would|do) you (?:want|like|prefer|rather) (?:me|us|to)\b|(?:i|we) (?:can|could)\b|would it help\b"
    rf"|(?:would|do) you (?:rather|like|want|prefer) (?!(?:a |an |the |to )?(?:{_DAY}|morning|afternoon|"
    r"evening|weekend|weekday|next|this|later|earlier|\d|text|call|email|phone|one|i|we)\b)\w+"
    r"|(?:would|do) you (?:rather|prefer) (?:i|we) (?:send|book|schedule|put together|prepare|quote|price|"
    r"come|visit|mail)\b"
    r"|(?:prefer|prefers) (?:that |to )?(?:i|we)\b"
    r"|(?:prefiere|prefieren|preferiría|preferirían) (?:que|venir|pasar|visitar|ir|hablar|recibir|agendar)\b"
    r"|(?:quiere|quieren|desea|desean) que\b|le parece (?:si|que)\b|(?:me|nos) dice\b"
    r"|(?:le|les|me|nos) (?:mando|envío|preparo|llamo|paso|reservo|agendo|escribo|ayudo|doy)\b"
    r"|(?:puedo|podemos)\b"
    # Another thing put forward as easier: "...or would a quick call be easier?", "¿o le sería más fácil
    # una visita?"
    r"|would (?:a|an) (?:quick |short |brief |free )?(?:call|visit|meeting|chat|demo|consultation|estimate|"
    r"appointment|review|quote) be (?:easier|better|simpler)\b"
    r"|(?:le |les )?(?:sería|resultaría) (?:más (?:fácil|cómod[oa]|práctic[oa]|sencill[oa])|mejor) "
    r"(?:una?|la|el) (?:llamada|visita|cita|reunión|consulta|evaluación|cotización)\b)",
    re.IGNORECASE,
)
# ...unless the alternatives are ways of doing one thing: reply here or call us; two times for one call.
CHANNEL_ALTERNATIVE = re.compile(
    r"^(?:(?:just |simply )?(?:reply|respond|call|ring|text|email|write|phone|message)|"
    r"(?:responda|respóndame|llame|llámenos|llámeme|escriba|escríbanos|escríbame|mande un mensaje)|"
    r"(?:give|dar) (?:us|me|nos) (?:a )?(?:call|ring|llamada))\b[^?]{0,40}\??$",
    re.IGNORECASE,
)


@lru_cache(maxsize=speech.CACHE)
def is_ask(sentence: str) -> bool:
    """A question or request the lead is meant to answer; polite formulas and rhetorical questions are not."""
    if speech.is_instruction(sentence):
        return False  # "Call first to book: ...", "Traiga su cartilla": how to, not an answer wanted
    return speech.is_primary_ask(sentence) or _is_slot_offer(sentence)


@lru_cache(maxsize=speech.CACHE)
def _is_slot_offer(sentence: str) -> bool:
    text = speech.core(sentence)
    return SLOT_OFFER.search(text) is not None and CLOCK.search(text) is not None


@lru_cache(maxsize=speech.CACHE)
def is_hard_ask(sentence: str) -> bool:
    if not (is_ask(sentence) or REQUEST.search(sentence)) or not speech.has_any(sentence, HARD_ANCHORS):
        return False
    return HARD_ASK.search(QUOTED.sub("", sentence)) is not None


def asks(body: str) -> list[Sentence]:
    """The asks of a body; "Would Tuesday work? Or is Wednesday better?" is one ask, two options.

    Offered times followed by "Which works for you?" are one ask too: the question only picks an option.
    """
    found: list[Sentence] = []
    clauses = speech.clauses(body)
    for index, sentence in enumerate(clauses):
        if not is_ask(sentence.text):
            continue
        following = clauses[index + 1] if index + 1 < len(clauses) else None
        if following is not None and _answered_at_once(body, sentence, following):
            continue
        text = speech.core(sentence.text)
        adjacent = bool(found) and not body[found[-1].end : sentence.start].strip()
        if found and (
            (adjacent and CONTINUED_ASK.match(text))
            or (_is_slot_offer(found[-1].text) and _only_chooses(text))
        ):
            found[-1] = Sentence(
                body[found[-1].start : sentence.end], found[-1].start, sentence.end, found[-1].part
            )
            continue
        if found and adjacent and speech.is_question(found[-1].text) and ANSWER_FORM.match(text):
            found[-1] = Sentence(
                body[found[-1].start : sentence.end], found[-1].start, sentence.end, found[-1].part
            )
            continue
        found.append(sentence)
    return [ask for index, ask in enumerate(found) if not _need_asked_after(ask, found[index + 1 :])]


def _need_asked_after(ask: Sentence, later: list[Sentence]) -> bool:
    """ "For a quote we only need your declarations page. ... Can you email it?" is one ask: the statement
    of the need tells the lead what it takes, the question asks for it."""
    return (
        not speech.is_question(ask.text)
        and NEED.search(ask.text) is not None
        and any(speech.is_question(other.text) and other.part == ask.part for other in later)
    )


def _answered_at_once(body: str, question: Sentence, following: Sentence) -> bool:
    """A question the writer answers in the next sentence poses the lead's question, it asks nothing:
    "Is demo included? Yes: ...", "¿Cuánto tarda? La obra suele tomar...", "Wondering what's included?
    Labor, materials...". A question to the lead ("How many sinks would you like?") is never one."""
    text = speech.core(question.text)
    if not speech.is_question(text) or YOU.search(text) or is_ask(following.text):
        return False
    if not (POSED.match(text) or WONDERING.match(text)):
        return False  # "Want a demo? Most clients..." is put to the lead
    if "\n" in body[question.end : following.start]:
        return False  # the answer is in the same paragraph
    answer = speech.core(following.text)
    return WONDERING.match(text) is not None or ANSWER.match(answer) is not None


@lru_cache(maxsize=speech.CACHE)
def _only_chooses(text: str) -> bool:
    """A short question after offered times ("Would either of those work?") only picks one of them."""
    return (
        speech.is_question(text)
        and len(text.split()) <= (CHOICE_WORDS + 6 if WHICH.match(text) else CHOICE_WORDS)
        and not OR_SPLIT.search(text)
        and not HARD_ASK.search(text)
    )


def options(body: str) -> list[Sentence]:
    """Next steps the lead may take without being asked: "you can reply here", "avísenos al reservar".

    A bare "Any questions?" counts here too: weak, but something the lead can answer.
    """
    return [
        s
        for s in speech.clauses(body)
        if speech.is_option(s.text)
        or speech.is_bare_question(s.text)
        or _offers_a_step(s.text)
        or speech.is_instruction(s.text)
        or POINTER_TO_BOOK.search(speech.core(s.text)) is not None
    ]


@lru_cache(maxsize=speech.CACHE)
def _offers_a_step(sentence: str) -> bool:
    """An offer of one specific thing the lead can say yes to: "If you'd like, I can send the
    checklist", "Si gusta, le mando la lista". An offer of help in general is not one."""
    text = speech.core(sentence)
    return OFFERED_STEP.search(text) is not None and not speech.is_generic(sentence)


@lru_cache(maxsize=speech.CACHE)
def two_asks_in_one(sentence: str) -> bool:
    """ "Want a quote, or shall I send the guide?" asks two things; "Tuesday or Wednesday?" asks one."""
    parts = OR_SPLIT.split(speech.core(sentence).strip("¿?"))
    if len(parts) < 2:
        return False
    rest = [part.strip(" ,¿?") for part in parts[1:]]
    if not any(CLAUSE_ALTERNATIVE.match(part) for part in rest):
        return False
    every = [parts[0].strip(" ,¿?"), *rest]
    if all(CLOCK.search(part) for part in every):
        return False
    if all(CHANNEL.search(part) and not OTHER_ACT.search(part) for part in every):
        return False  # "¿le llamo mañana o prefiere que le escriba?": one contact, two ways
    return not all(CHANNEL_ALTERNATIVE.match(_drop_lead_in(part)) for part in every)


def _drop_lead_in(part: str) -> str:
    return re.sub(r"^(?:you can|puede|pueden|just|simplemente)\s+", "", part, flags=re.IGNORECASE)


@lru_cache(maxsize=speech.CACHE)
def has_hard_ask(body: str) -> bool:
    return any(is_hard_ask(s.text) for s in speech.clauses(body))


def lead_asked_to_meet(context: GuardrailContext) -> bool:
    """A lead who asked for a call or a demo is answered, not pushed, when we offer one."""
    text = context.lead.inquiry_text if context.lead is not None else None
    return bool(text and MEETING_REQUEST.search(text))


def hard_ask_allowed(context: GuardrailContext, *, gives_value: bool = True) -> bool:
    """Whether this message may ask for time or money: 3 value messages since the last hard ask.

    A lead who asked for a call, a quote or a visit may be offered one in answer; once a message has
    offered it, asking again waits for three value messages like any other ask.

    Counted over ``previous`` only, as the labelling guide does: the value this message gives does not
    earn its own ask. ``gives_value`` is kept for callers that ask before the draft exists.
    """
    del gives_value
    if context.purpose in AFTER_A_MEETING:
        return True
    if lead_asked_to_meet(context) and not any(has_hard_ask(message.body) for message in context.previous):
        return True  # answering their own request once; after that, the count holds as for anyone
    return value_since_last_hard_ask(context.previous) >= VALUE_PER_ASK


def value_since_last_hard_ask(previous: Sequence[PriorMessage]) -> int:
    """Earlier messages that gave value, counted back to the last one that asked for time or money."""
    count = 0
    for message in reversed(previous):
        if has_hard_ask(message.body):
            break
        count += int(_gave_value(message))
    return count


@lru_cache(maxsize=speech.CACHE)
def _gave_value(message: PriorMessage) -> bool:
    """A value touch by purpose, or any message (an acknowledgment) that told the lead something."""
    if message.purpose in VALUE_PURPOSES:
        return True
    return any(speech.is_informative(s.text) for s in speech.clauses(message.body))


def _sequence_counts(previous: Sequence[PriorMessage]) -> tuple[int, int]:
    value = sum(1 for message in previous if _gave_value(message))
    hard = sum(1 for message in previous if has_hard_ask(message.body))
    return value, hard


def check_call_to_action(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """One concrete next step: a question about their situation, a request, or times to choose from."""
    found = asks(draft.body)
    if not found and not options(draft.body):
        return [
            Violation(
                "cta.missing",
                "no concrete next step (a polite 'let me know if you have questions' is not one): end with "
                "one specific question about their situation or two time options",
            )
        ]
    # A generic invitation ("let me know if you have any questions") is no ask, beside a real one either:
    # the lead has one thing to answer, and the labelling guide counts it as no call to action at all.
    extra = [*found[1:], *(s for s in found if two_asks_in_one(s.text))]
    return [
        Violation(
            "cta.multiple",
            f"{len(found) + len(extra) - len(found[1:])} asks in one message; keep exactly one clear next "
            "step (options of one ask, like two times, are fine)",
            ask.start,
            ask.end,
        )
        for ask in extra
    ]


def check_value_per_ask(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """A call, meeting, visit, purchase or payment only after 3 value messages since the last such ask."""
    hard = next((s for s in speech.clauses(draft.body) if is_hard_ask(s.text)), None)
    if hard is None or hard_ask_allowed(context):
        return []
    value = value_since_last_hard_ask(context.previous)
    return [
        Violation(
            "value.per_ask",
            f"asks for time or money after {value} value message(s) since the last such ask; send "
            f"{VALUE_PER_ASK} value messages per ask: ask about their situation instead",
            hard.start,
            hard.end,
        )
    ]
