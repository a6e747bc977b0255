"""What a sentence *does*: asks, invites politely, chats, or tells the lead something. English and Spanish.

The ask and value rules are about speech acts, not words: "¿Le queda mejor el martes o el miércoles?"
and "Reply with a time that works" are asks; "feel free to reach out" and "quedo a sus órdenes" are
polite invitations that leave the lead nothing to do; "I hope your week is going well" tells them
nothing. These functions classify one sentence by its structure (question marks, imperative forms,
first-person openers), so they hold for any company and any trade.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent.guardrails.lexicon import BANNED_PHRASES, COMMON_WORDS, word_set
from agent.guardrails.optout import instructions
from agent.guardrails.text import PHONE, URL, Sentence, body_sentences, words

# Spanish questions start with "¿", which the shared splitter does not treat as a sentence start.
_INNER_START = re.compile(r"\s+(?=[¿¡])")
# ...except after a condition that the question or exclamation completes: "Si ya tiene una, ¡envíemela!"
_OPEN_CONDITION = re.compile(r"^(?:si|cuando|en cuanto|if|when|once)\b[^.!?]*,$", re.IGNORECASE)
# The SMS opt-out instruction in any language ("Reply STOP...", "Responda BAJA...") asks nothing: it is
# read by ``agent.guardrails.optout`` (optout.yaml's verbs and keywords), not by a narrower list here.
_OPT_OUT_WORDS = 10
# A link without a full stop after it runs into the next sentence: "...: example.com/page Worth a look?"
_AFTER_LINK = re.compile(r"(?<!\S)[^\s/]*/\S*\s+(?=[A-ZÁÉÍÓÚ¿][^.!?]*\?$)")
# A line with no sentence punctuation at the end of a short run of words is a label: "Hola, Marta:",
# "Lucía Herrera", "Project Consultant, Casa Verde Remodeling". It neither asks nor informs.
_LABEL_WORDS = 7
_GREETING_ES = re.compile(
    r"^(?:hola|buen[oa]s?\s+(?:días|tardes|noches)|estimad[oa]s?|querid[oa]s?|saludos|un saludo|"
    r"atentamente|cordialmente|gracias|muchas gracias)\b[^.!?]{0,60}[,:!]?$",
    re.IGNORECASE,
)

QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']*\?'(?!\w)|‘[^’]*’")  # a quoted title is not an ask
# "Hi Priya, ...", "Hola doña Yolanda, ...", "Marcus, ..." and "soy Lucía de Casa Verde." at the start
# of a sentence address the lead or name the writer; what follows is the sentence's real content.
VOCATIVE = re.compile(
    r"^(?:(?i:hi|hello|hey|hola|dear|buen[oa]s?\s+(?:días|tardes|noches)|good (?:morning|afternoon))"
    r"\b[^,.!?:]{0,40}[,.!:]\s*|¡[^!]{0,40}!\s*)?"
    r"(?:(?i:soy|it's|it is|this is)\s+[^,.!?]{1,40}[,.]\s*|[A-ZÁÉÍÓÚ][\w’'-]+ (?:from|at|de|with) "
    r"[A-ZÁÉÍÓÚ][^,.!?]{0,40}[,.]\s*|[A-ZÁÉÍÓÚ][\w’'-]+ here[,.]\s*)?"
)
_NAME_FIRST = re.compile(r"^[A-ZÁÉÍÓÚÑ][\wáéíóúñ’'-]+(?: [A-ZÁÉÍÓÚÑ][\wáéíóúñ’'-]+)?,\s+")

GENERIC = re.compile(
    r"\b(?:feel free|don'?t hesitate|do not hesitate|(?:any|if you have(?: any)?|other|more) questions?"
    r"|happy to help|glad to help|here to help|here if you need|here for you"
    r"|anything else (?:i|we) can|anything else (?:you'd|you would|you) (?:like|want|need)"
    r"|hope (?:this|that) helps|if you need anything|if there'?s anything|reach out (?:any ?time|if)"
    r"|no dude en|no duden en|a (?:sus|tus) órdenes|cualquier (?:duda|pregunta|cosa|consulta)"
    r"|aquí (?:estoy|estamos|me tiene|nos tiene)|(?:estoy|estamos|quedo|quedamos) a (?:su|tu|sus) disposición"
    r"|estamos para servirle|para lo que necesite|algo más en (?:lo )?que|espero que (?:le|te|les) sirva"
    r"|si tiene (?:alguna )?(?:duda|pregunta)s?|otra (?:duda|pregunta))",
    re.IGNORECASE,
)
GENERIC_ANCHORS = (
    "feel free",
    "hesitat",
    "question",
    "help",
    "here if",
    "here for",
    "anything",
    "reach out",
    "dude",
    "órdenes",
    "cualquier",
    "aquí",
    "disposición",
    "servirle",
    "necesite",
    "algo más",
    "sirva",
    "duda",
    "pregunta",
)
# An elliptical question with no verb ("Any questions?", "¿Dudas?", "Questions about the protocol?"): the
# lead can answer it, so a message ending on it has a (weak) next step, but it never competes as a second ask.
BARE_QUESTION = re.compile(r"^¿?(?:any |more |other )?(?:questions?|dudas?|preguntas?)\b[^?]{0,40}\?$", re.I)

INVITING = re.compile(
    r"\b(?:let (?:me|us) know|reach out|get in touch|contact|write|email|call|text|ask|feel free|hesitate|"
    r"escr[ií]b|avís|llám|contáct|pregúnt|dude|duden|me (?:dice|avisa)|nos (?:dice|avisa))",
    re.IGNORECASE,
)
# Questions the writer poses and answers, or that nobody is meant to answer.
RHETORICAL = re.compile(
    r"^(?:who (?:doesn't|does not|wouldn't|would not|isn't|is not|wants|likes|enjoys|loves|has time|needs)|"
    r"why would anyone|¿?quién no)\b"
    r"|(?<!\bi )(?<!\bme )(?<!\bwe )(?<!\bus )\b(?:ask|asks|asked|wonder|wonders)\b[^?:]*:\s*[^?]+\?$",
    re.IGNORECASE,
)

RHETORICAL_ANCHORS = ("who", "why would", "quién", "ask", "wonder")

_EN_ASK_VERBS = (
    r"reply|respond|hit reply|book|schedule|(?:grab|pick|choose) (?:a|any|one|the)|sign up|get started|"
    r"give (?:me|us) a (?:call|ring)|call (?:me|us)|text (?:me|us)|email (?:me|us)|reach out|drop (?:me|us)|"
    r"tell me|tell us|send (?:me|us)|share|let's|let me know|forward|confirm|write (?:back|to)"
)
IMPERATIVE_ASK = re.compile(
    rf"(?:^|;\s+|\s[—–-]\s+)(?:(?:to|for|so|before|when|if) [^,]{{1,50}},\s*)?"
    rf"(?:(?:please|just|simply|so|then|and|or|now|also|if you like),?\s+)*(?:{_EN_ASK_VERBS})\b"
    r"|\b(?:let me know|just reply|hit reply|please (?:reply|send|tell|share|confirm|call|text)|"
    r"(?:just )?say the word|just say (?:so|yes))\b"
    # A request put as the way forward: "The quickest way is to send me a photo of your bill", "All I
    # need is your last bill", "Lo más fácil es que me mande una foto".
    r"|\b(?:quickest|easiest|simplest|fastest|best) way (?:is|would be) (?:to|for you to) "
    rf"(?:just )?(?:{_EN_ASK_VERBS})\b"
    r"|\ball (?:i|we)(?:'d| would)? need (?:is|are|from you is)\b"
    r"|\blo m[áa]s (?:f[áa]cil|r[áa]pido|sencillo|pr[áa]ctico) (?:es|ser[íi]a) que (?:me|nos)\b"
    r"|\bsolo (?:necesito|necesitamos|me falta|nos falta)\b",
    re.IGNORECASE,
)
# Spanish requests: usted/tú imperatives, mostly with a pronoun attached ("respóndame", "mándeme",
# "dígame", "escríbanos", "avísame") or at the head of a clause ("Envíe...", "Responda...").
SPANISH_IMPERATIVE = re.compile(
    r"\b[a-zñ]*[áéíó][a-zñ]*[ae](?:me|nos|melo|mela|noslo)\b"
    r"|(?:^|[,:;]\s*|\by\s+)(?:envíe|envíen|mande|manden|responda|respondan|escriba|escriban|llame|"
    r"llamen|reserve|reserven|agende|agenden|confirme|confirmen|comparta|compartan|cuénteme|díganos|"
    r"pase|elija|elijan|avise|avisen|conteste|contesten)\b",
    re.IGNORECASE,
)
_SPANISH_NOT_IMPERATIVE = frozenset({"máme", "cómo", "también", "además", "después"})
# "Si le interesa, respóndame...", "If you'd like to go ahead, just reply..." are offers the lead can take.
DESIRE_CONDITION = re.compile(
    r"^(?:if you(?:'d| would)? (?:like|want|wish|prefer|rather|are interested)"
    r"|if (?:that|this|it) (?:works|helps|sounds)|if you reply"
    r"|si (?:le|les|te) (?:interesa|parece|sirve|conviene|gusta)"
    r"|si (?:quiere|quieren|gusta|gustan|desea|prefiere|me responde))\b",
    re.IGNORECASE,
)
# "If you reply with a few lines about your symptoms, a therapist will tell you..." offers a next step
# (enough for a message to have one) without pressing it as a second ask.
CONDITIONAL_INVITE = re.compile(
    r"^(?:if you (?:just )?(?:reply|send|text|email|tell|share|forward|let me know)|si (?:me|nos) "
    r"(?:responde|responden|manda|mandan|envía|envían|escribe|escriben|dice|dicen|cuenta|cuentan))\b",
    re.IGNORECASE,
)
# A situational condition gives information: "If you use a walker, tell us when you book."
SITUATION_CONDITION = re.compile(r"^(?:if|si|cuando|when|al|once|antes de|before)\b", re.IGNORECASE)
# Statements of what the lead may do next: options, not demands ("you can book here").
OPTION = re.compile(
    r"\b(?:you can|you could|you may|feel welcome to|puede|pueden|podrá|podrán|me pueden|me puede)\s+"
    r"(?:\w+\s+){0,2}?(?:book|reply|schedule|call|text|email|pay|reserve|reservar|agendar|llamar|"
    r"llamarnos|escribir|escribirnos|responder|pagar|pagarme|pagarnos|pedir)\b",
    re.IGNORECASE,
)
# How to do something: a step said with "first", on arrival, or a verb of bringing, filling in, coming.
INSTRUCTION = re.compile(
    r"\b(?:first|beforehand|ahead of time|on the day|when you (?:come|arrive|get here)|on arrival"
    r"|primero|antes de (?:venir|llegar|la cita|la visita)|al llegar|el día de la cita|de inmediato"
    r"|en el camino)\b"
    r"|^(?:(?:please|just|also|and),?\s+)*(?:bring|fill (?:in|out)|upload|arrive|wear|park|keep|use|take|"
    r"come (?:in|straight|directly)|head|go to|check in|traiga|traigan|llene|llenen|suba|suban|llegue|"
    r"lleguen|use|usen|tenga|tengan|lleve|lleven|venga|vengan|acuda)\b",
    re.IGNORECASE,
)
# An imperative of coming, calling or bringing at the head of a clause: "For a same-day visit, call first".
HOW_TO = re.compile(
    r"(?:^|[,:;]\s+|\by\s+|\band\s+)(?:(?:please|just|also),?\s+)?(?:call|phone|ring|bring|fill (?:in|out)|"
    r"upload|arrive|come|head|check in|llame|llámenos|llámeme|traiga|traigan|venga|vengan|llene|suba|llegue|"
    r"acuda)\b",
    re.IGNORECASE,
)
# "To book, ...", "Para reservar, ...": how to take a step, should the lead want to.
HOW_TO_BOOK = re.compile(
    r"^(?:to|para) (?:book|schedule|reserve|get started|sign up|reservar|agendar|apartar|empezar)\b"
    r"[^,]{0,30},",
    re.IGNORECASE,
)
# Asking for an answer back: whatever else it says, this is a request to the writer.
RESPOND = re.compile(
    r"\b(?:reply|respond|let (?:me|us) know|tell (?:me|us)|send (?:me|us)|write back|get back to (?:me|us)"
    r"|confirm|resp[óo]nda|cont[ée]ste|d[íi]ga(?:me|nos)|av[íi]se(?:me|nos)|cu[ée]nte(?:me|nos)"
    r"|(?:env[íi]e|m[áa]nde)(?:me|nos))\b",
    re.IGNORECASE,
)
# Pointers to a resource ("Click here to watch", "Download it here") show where value is, not a next step.
POINTER = re.compile(
    r"^(?:click|tap|download|watch|read|see|take a look|have a look|open|descargue|vea|mire|lea|"
    r"haga clic|abra)\b",
    re.IGNORECASE,
)

# A first-person opener about the writer's feelings or intentions: chat, not information.
PLEASANTRY = re.compile(
    r"^(?:(?:i|we) (?:just |really |also )?(?:wanted|want|was|were|am|'m|are|'re|thought|think|hope|"
    r"'d love|would love|'d like|would like|look forward|wish|enjoyed|loved|'ll be|will be|"
    r"can't wait|am writing|'m writing|remember)|i (?:send|write)|i'm|i’m|we're|hope|hoping|thanks|thank you|"
    r"great|happy|wishing|just (?:wanted|checking|following|reaching|a)|sorry|so sorry|"
    r"(?:solo |sólo |nada más )?(?:quería|quise|quiero|queríamos|pensé|pensamos|espero|esperamos|"
    r"me (?:encantaría|gustaría|alegra|da gusto|acordé)|nos (?:encantaría|gustaría|alegra)|gracias|"
    r"muchas gracias|qué gusto|le escribo|les escribo|te escribo|fue un gusto|feliz|ojalá|lamento|"
    r"siento|disculpe|perdone))\b",
    re.IGNORECASE,
)
_FILLER = (*BANNED_PHRASES, "dar seguimiento", "darle seguimiento", "saber cómo va", "saludarl")
NUMBER = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|half|dozen|dos|tres|cuatro|"
    r"cinco|seis|siete|ocho|nueve|diez|doce|quince|veinte|treinta|twice|daily|weekly|monthly|yearly|"
    r"annually|diario|diaria|semanal|mensual|anual)\b",
    re.IGNORECASE,
)
_SPANISH_COMMON = word_set(
    "para como pero porque cuando donde este esta estos estas aquí allí usted ustedes nosotros nuestra "
    "nuestro nuestras nuestros sobre entre desde hasta también muy más menos todo toda todos todas "
    "cada algo mucho mucha poco poca bien solo sólo otra otro otras otros tiene tienen puede pueden "
    "hace hacer quiere quieren será sería están estamos somos eso esto así cómo"
)
INFORMATIVE_WORDS = 5
VOCATIVE_WORDS = 3  # "Ana Lucía," left over before a Spanish question
# A capitalised word inside the sentence names something (a product, a clinic, a customer): a specific
# fact, unlike filler such as "Most teams have a few questions before they decide".
PROPER_NAME = re.compile(r"(?<![.!?:¿¡]\s)(?<=\s)(?!I\b)[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+")
# A quoted title of three words or more names a resource.
NAMED_RESOURCE = re.compile(r"[\"“‘][^\"”’]*(?:\s+[^\"”’\s]+){2,}[\"”’]")


CACHE = 16384  # sentences repeat across a run (earlier messages, composer phrases): classify each once


@lru_cache(maxsize=1024)
def clauses(body: str) -> tuple[Sentence, ...]:
    """The body's sentences, Spanish questions split off, address and signature lines left out."""
    found: list[Sentence] = []
    for sentence in _unwrapped(body):
        text = sentence.text
        cuts = sorted(
            [
                (m.start(), m.end())
                for m in _INNER_START.finditer(text)
                if not _OPEN_CONDITION.match(text[: m.start()].strip())
            ]
            + ([(m.end(), m.end()) for m in _AFTER_LINK.finditer(text)] if "/" in text else [])
        )
        position = 0
        for end, next_start in [*cuts, (len(text), len(text))]:
            piece = text[position:end]
            if piece.strip():
                start = sentence.start + position + (len(piece) - len(piece.lstrip()))
                found.append(Sentence(piece.strip(), start, start + len(piece.strip()), sentence.part))
            position = max(position, next_start)
    return tuple(
        s
        for s in found
        if not _is_label(body, s) and not (len(s.text.split()) <= _OPT_OUT_WORDS and instructions(s.text))
    )


def unwrapped(body: str) -> list[Sentence]:
    """The body's sentences as a reader reads them: hard-wrapped lines joined (see ``_unwrapped``)."""
    return _unwrapped(body)


def _unwrapped(body: str) -> list[Sentence]:
    """The body's sentences with hard-wrapped lines joined: an email wrapped at 100 characters ends a
    line in mid-sentence ("...le decimos si puede venir" / "directo."), which is one sentence."""
    joined: list[Sentence] = []
    for sentence in body_sentences(body):
        if joined and _continues(body, joined[-1], sentence):
            last = joined[-1]
            joined[-1] = Sentence(f"{last.text} {sentence.text}", last.start, sentence.end, last.part)
        else:
            joined.append(sentence)
    return joined


def _continues(body: str, before: Sentence, after: Sentence) -> bool:
    gap = body[before.end : after.start]
    if gap.count("\n") != 1 or gap.strip() or before.text[-1:] in ".!?…:;" or not after.text[:1].isalnum():
        return False
    return after.text[:1].islower() or len(before.text.split()) > _LABEL_WORDS


def _is_label(body: str, sentence: Sentence) -> bool:
    text = sentence.text
    if _GREETING_ES.match(text):
        return True
    line_start = body.rfind("\n", 0, sentence.start) + 1
    line_end = body.find("\n", sentence.end)
    line = body[line_start : line_end if line_end >= 0 else len(body)].strip()
    return line == text and text[-1:] not in ".?!…" and len(text.split()) <= _LABEL_WORDS


@lru_cache(maxsize=CACHE)
def core(sentence: str) -> str:
    """The sentence without quoted titles and without its opening address or self-introduction."""
    text = QUOTED.sub("", sentence).strip()
    stripped = VOCATIVE.sub("", text, count=1).strip()
    stripped = _NAME_FIRST.sub("", stripped, count=1).strip() if stripped == text else stripped
    return stripped


# The words an ask may be made of and still name nothing: the lead's opinion of the message, "more",
# interest in general. "What do you think?", "Would you like to know more?", "¿Le interesa?" leave the
# lead nothing specific to answer, nor do "Just let me know!" and "¿Le puedo ayudar en algo más?"; one word
# beyond these ("What do you think of the Tuesday slot?", "Let me know which day works") names something.
_EMPTY_ASK_WORDS = word_set(
    "let me us know what do does you your think thoughts any would like to more information info learn "
    "hear interested in if this that it helps helpful useful want wanna i can a an the about on and or "
    "just please is are there anything else share tell feel free "
    "le les me nos qué que parece parecen interesa interesan gustaría gustaria saber más mas información "
    "informacion avíseme aviseme avísenos dígame digame díganos si esto eso sirve ayuda quiere desea opina "
    "piensa de la lo el y o un una algo how help ayudar ayudarle ayudarles puedo podemos en"
)
_EMPTY_ASK_NEEDS = word_set(
    "think thoughts more information info learn interested helps helpful useful "
    "parece interesa interesan saber más mas información informacion opina piensa sirve know help "
    "ayudar ayudarle ayudarles avíseme aviseme avísenos dígame digame díganos"
)


def _names_nothing(text: str) -> bool:
    """An ask made only of words that name nothing, and at least one word of opinion, interest or "more"."""
    tokens = [w.lower().replace("’", "'") for w in words(text)]
    tokens = [t for part in tokens for t in part.split("'") if t]
    return (
        bool(tokens)
        and all(t in _EMPTY_ASK_WORDS for t in tokens)
        and any(t in _EMPTY_ASK_NEEDS for t in tokens)
    )


@lru_cache(maxsize=CACHE)
def is_generic(sentence: str) -> bool:
    """A polite invitation with nothing specific to do: "feel free to reach out", "quedo a sus órdenes",
    "what do you think?", "¿le interesa?"."""
    text = core(sentence)
    if _names_nothing(text):
        return True
    if not has_any(text, GENERIC_ANCHORS):
        return False
    return GENERIC.search(text) is not None or BARE_QUESTION.match(text) is not None


@lru_cache(maxsize=CACHE)
def is_invitation(sentence: str) -> bool:
    """A generic invitation phrased as a request ("let me know if you have any questions", "no dude en
    escribirnos"): beside a real ask it is a second thing for the lead to answer."""
    text = core(sentence)
    return is_generic(sentence) and INVITING.search(text) is not None


@lru_cache(maxsize=CACHE)
def is_bare_question(sentence: str) -> bool:
    return BARE_QUESTION.match(core(sentence)) is not None


@lru_cache(maxsize=CACHE)
def is_question(sentence: str) -> bool:
    text = core(sentence)
    return text.endswith("?") or "? " in text or "¿" in text


# "Let's get you cool this summer!": a cheer in the imperative, unless it names a step to take together.
CHEER = re.compile(
    r"^let'?s (?!(?:book|schedule|set up|find|pick|choose|talk|chat|meet|hop|jump|plan|look|go over|walk|"
    r"compare|review|start|get (?:started|together|(?:you|it|that) (?:booked|scheduled|set up|on)))\b)"
    r"[^.?]*!$",
    re.IGNORECASE,
)


@lru_cache(maxsize=CACHE)
def is_request(sentence: str) -> bool:
    """An imperative that asks the lead to do or send something, in English or Spanish."""
    text = core(sentence)
    if CHEER.match(text.replace("’", "'")):
        return False
    if IMPERATIVE_ASK.search(text):
        return True
    return any(
        match.group(0).lower().strip(" ,:;") not in _SPANISH_NOT_IMPERATIVE
        for match in SPANISH_IMPERATIVE.finditer(text)
    )


@lru_cache(maxsize=CACHE)
def is_primary_ask(sentence: str) -> bool:
    """A real ask: a question or a request the lead is meant to answer (not a polite formula)."""
    text = core(sentence)
    if is_generic(sentence) or (has_any(text, RHETORICAL_ANCHORS) and RHETORICAL.search(text)):
        return False
    if is_question(sentence):
        return True
    if POINTER.match(text) or not is_request(sentence):
        return False
    return DESIRE_CONDITION.match(text) is not None or SITUATION_CONDITION.match(text) is None


@lru_cache(maxsize=CACHE)
def is_instruction(sentence: str) -> bool:
    """How to do something, not a request for an answer: "Call first to book: 503-555-0187", "Bring his
    records to the visit", "llame primero al ... y le decimos si puede venir". A next step the lead may
    take, never a second ask beside a question."""
    text = core(sentence)
    if is_question(sentence) or not (is_request(sentence) or HOW_TO.search(text)):
        return False
    if HOW_TO_BOOK.match(text):
        return True  # "To book, just reply with a date or call the office": how to, should they want to
    if RESPOND.search(text):
        return False  # "reply with two times", "let me know", "respóndame": they answer us
    return (
        INSTRUCTION.search(text) is not None or PHONE.search(text) is not None or URL.search(text) is not None
    )


@lru_cache(maxsize=CACHE)
def is_option(sentence: str) -> bool:
    """A next step offered but not asked for: "you can book here", "If you use a walker, tell us"."""
    text = core(sentence)
    if is_generic(sentence) or is_primary_ask(sentence):
        return False
    if OPTION.search(text) or CONDITIONAL_INVITE.match(text):
        return True
    return is_request(sentence) and not POINTER.match(text)


@lru_cache(maxsize=CACHE)
def is_pleasantry(sentence: str) -> bool:
    """Chat about the writer (hopes, thanks, wishes) or filler that says "nothing new from me"."""
    text = core(sentence)
    if _is_filler(text):
        return True
    return PLEASANTRY.match(text.lstrip("¡¿")) is not None


SPANISH_MARKERS = word_set(
    "el la los las del que para con por una usted ustedes su sus es está son muy más le les"
)
ENGLISH_MARKERS = word_set("the and of to you your is are for with we our it this that")


@lru_cache(maxsize=CACHE)
def language_of(text: str) -> str:
    """ "es" or "en", by function words: enough to know whether two texts can be matched word for word."""
    tokens = [w.lower() for w in words(text)]
    spanish = sum(1 for w in tokens if w in SPANISH_MARKERS)
    english = sum(1 for w in tokens if w in ENGLISH_MARKERS)
    return "es" if spanish > english else "en"


# A form or a road named by letters and a number ("HO-6", "W-2", "I-95") is a name, not a figure.
_CODE_NAME = re.compile(r"\b[A-Z]{1,4}-?\d+\b")


def _has_number(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or NUMBER.search(text) is not None


def _is_filler(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in _FILLER)


def has_any(text: str, anchors: tuple[str, ...]) -> bool:
    """A cheap literal test before a costly pattern: every match of the pattern contains an anchor."""
    lowered = text.lower()
    return any(anchor in lowered for anchor in anchors)


def content_words(text: str) -> list[str]:
    return [
        w
        for w in words(text.lower())
        if len(w) > 3 and w not in COMMON_WORDS and w not in _SPANISH_COMMON and not w.isdigit()
    ]


@lru_cache(maxsize=CACHE)
def is_informative(sentence: str, *, loose: bool = False, familiar: frozenset[str] = frozenset()) -> bool:
    """A statement that tells the lead something: a figure, a link, or a substantial fact in any words.

    Used where no source matches word for word: a figure, a link, a named resource or a proper name is
    evidence of a specific fact, where "Most teams have a few questions" is filler. ``loose`` is for text
    that cannot be matched word for word at all (a Spanish draft drawing on an English source): then a
    statement with enough content words counts. ``familiar`` names (the lead's own, the sender's) tell
    the lead nothing new. Chat, polite formulas and asks never count.
    """
    if is_primary_ask(sentence) or is_generic(sentence):
        return False
    text = core(sentence)
    # Filler that names its topic ("just touching base about your HO-6") still gives nothing: the name
    # of a form or a plan in it is no figure.
    figures = _CODE_NAME.sub("", text) if _is_filler(text) else text
    if URL.search(text) or _has_number(figures) or NAMED_RESOURCE.search(sentence):
        return True
    if is_pleasantry(sentence) or len(text.split()) <= VOCATIVE_WORDS:
        return False
    if any(m.group(0).lower() not in familiar for m in PROPER_NAME.finditer(text[1:])):
        return True
    return loose and len(content_words(text)) >= INFORMATIVE_WORDS
