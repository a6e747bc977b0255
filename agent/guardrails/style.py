"""Form: length per channel, filler phrases, placeholders, spam tells, reading grade, the subject line.

Every rule that reads words holds in English and Spanish: the phrase lists of both languages apply to
any draft (``phrases.py``), the SMS opt-out must be in the lead's language (``optout.py``), the reading
grade uses the draft's language's formula (``readability.py``), and the subject is judged like the body.
"""

from __future__ import annotations

import re

from agent.domain import Channel
from agent.guardrails.base import NO_CONTEXT, DraftText, GuardrailContext, Violation
from agent.guardrails.folding import fold
from agent.guardrails.languages import SUPPORTED, detect
from agent.guardrails.lexicon import ACRONYMS, is_ordinary_word, is_spanish_word
from agent.guardrails.names import is_spanish
from agent.guardrails.optout import INSTRUCTIONS, is_keyword_in_instruction, opt_out_languages
from agent.guardrails.phrases import (
    BANNED_PHRASES,
    PRETENDING_SUBJECTS,
    REPLY_PREFIX,
    SPAM_PHRASES,
    SPANISH_SHOUT_WORDS,
    occurrences,
    spans,
)
from agent.guardrails.readability import grade
from agent.guardrails.speech import unwrapped
from agent.guardrails.text import corpus_for

EMAIL_WORDS = (50, 150)
SMS_MAX_CHARS = 320
SUBJECT_MAX_CHARS = 78
PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Za-z _.-]*\]|\[(?:insert|your|name|company|first|link|date)[^\]]*\]"  # [Name] [insert link]
    r"|\{\{?\s*[\w.]+\s*\}?\}"  # {company} {{first_name}} {{ lead.company }}
    r"|<<?\s*[A-Za-z_][A-Za-z_ ]{0,30}>?>"  # <company> <Company Name> <<name>>
    r"|%[A-Z_]{3,}%|\bXX+\b|\bTBD\b|_{3,}",  # %FIRST_NAME% XX% TBD ____
)
# A word the lead is told to type is written as typed: "Reply YES", "Responda SÍ", 'text "CONFIRM"'.
KEYWORD = re.compile(
    r"\b(?:reply|text|type|send|respond|answer|responda|responde|conteste|contesta|escriba|escribe|"
    r"envíe|envía|mande|manda)(?:\s+(?:with|back|con))?\s+[\"“'‘]?$",
    re.IGNORECASE,
)
# Words a lead types back to a business; "Reply NOW" is still shouting.
TYPED_KEYWORDS = frozenset(
    {
        "yes",
        "no",
        "si",
        "y",
        "n",
        "c",
        "help",
        "ayuda",
        "info",
        "start",
        "join",
        "confirm",
        "confirmar",
        "ok",
        "done",
        "listo",
        "lista",
        "cita",
        "book",
        "call",
        "llamar",
    }
)
ALL_CAPS = re.compile(r"(?<![\w'’-])[A-ZÁÉÍÓÚÑÜ]{3,}(?![\w'’-])")
SPANISH_LETTERS = re.compile(r"[ÁÉÍÓÚÑÜ]")
# Names of days and months are words a reader says, not acronyms: "FRIDAY" shouts as "NOW" does. The
# dictionary lists them capitalised, so they are named here (Spanish writes them in lower case anyway).
CALENDAR_WORDS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# A long sentence's own grade (or the whole text's) must pass the limit by this much to be clearly hard.
HARD_SENTENCE_MARGIN = 15.0
NEGATIONS = frozenset(
    {"not", "no", "never", "cannot", "can't", "isn't", "aren't", "won't", "don't", "doesn't", "wasn't"}
    | {"nunca", "ni", "tampoco", "jamas"}  # Spanish, folded ("jamás")
)
OPT_OUT_EXAMPLES = {
    "en": "Reply STOP to opt out.",
    "es": "Responda STOP para no recibir más mensajes.",
}


def check_length(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    if draft.channel is Channel.SMS:
        if len(draft.body) > SMS_MAX_CHARS:
            return [
                Violation("length.sms", f"SMS is {len(draft.body)} characters; keep it to {SMS_MAX_CHARS}")
            ]
        return []
    if draft.channel is Channel.EMAIL:
        count = len(draft.body.split())
        low, high = EMAIL_WORDS
        if not low <= count <= high:
            return [Violation("length.email", f"email body is {count} words; write {low}-{high}")]
    return []


def check_banned_phrases(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """Filler of any language; every occurrence in the body gets its span, the subject's have none."""
    violations = []
    for text, in_body in ((draft.body, True), (draft.subject or "", False)):
        for _, start, end in occurrences(BANNED_PHRASES, text, inflect=False):
            message = f'"{text[start:end]}" reads as filler; give value instead'
            if in_body:
                violations.append(Violation("banned_phrase", message, start, end))
            else:
                violations.append(Violation("banned_phrase", f"in the subject: {message}"))
    return violations


def check_placeholders(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    return [
        Violation("placeholder", f'unfilled placeholder "{match.group()}"', match.start(), match.end())
        for match in PLACEHOLDER.finditer(draft.body)
    ] + [
        Violation("placeholder.subject", f'unfilled placeholder "{match.group()}" in the subject')
        for match in PLACEHOLDER.finditer(draft.subject or "")
    ]


def check_sms_opt_out(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """An SMS must say how to opt out in the lead's language (in the draft's when the lead's is not
    known; any instruction will do when neither is a language with opt-out rules here)."""
    if draft.channel is not Channel.SMS:
        return []
    found = opt_out_languages(draft.body)
    language = _audience_language(draft, context)
    if language in INSTRUCTIONS:
        if language in found:
            return []
        example = OPT_OUT_EXAMPLES.get(language, OPT_OUT_EXAMPLES["en"])
        where = " in the lead's language" if found else ""
        return [Violation("sms.opt_out", f'an SMS must tell the lead how to opt out{where} ("{example}")')]
    if found:
        return []
    return [Violation("sms.opt_out", 'an SMS must tell the lead how to opt out ("Reply STOP to opt out.")')]


def _audience_language(draft: DraftText, context: GuardrailContext) -> str | None:
    lead = context.lead
    if lead is not None and lead.language:
        return lead.language
    return draft_language(draft, context)


def draft_language(draft: DraftText, context: GuardrailContext) -> str | None:
    """The draft's language ("en", "es", "other"), its subject and body together; None if it cannot tell.

    The company's own names (products, its name, the sender's title) are left out: they are written in
    one language whatever the message's.
    """
    names = context.identity.own_names if context.identity is not None else ()
    return detect(f"{draft.subject or ''}\n{draft.body}", names)


def check_spam_signals(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """Words spam filters and people both distrust, shouting in capitals, and more than one "!"."""
    return _spam_phrases(draft, context) + _shouting(draft, context) + _exclamations(draft)


def _spam_phrases(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """A phrase the company's brand voice lists under ``use`` is its own voice, never spam; nor is a
    word of its own names (a product called "Winner's Circle")."""
    identity = context.identity
    own = (*identity.brand_use, *identity.own_names) if identity is not None else ()
    found: list[Violation] = []
    for text, in_body in ((draft.body, True), (draft.subject or "", False)):
        allowed = spans(own, text)
        for _, start, end in occurrences(SPAM_PHRASES, text):
            if any(s <= start and end <= e for s, e in allowed) or _negated(text, start):
                continue
            words = text[start:end]
            if in_body:
                found.append(
                    Violation("spam.phrase", f'"{words}" reads like spam; say it plainly', start, end)
                )
            else:
                found.append(Violation("spam.phrase", f'"{words}" in the subject reads like spam'))
    return found


def _negated(text: str, start: int) -> bool:
    """ "Results are not guaranteed" is honest, not a promise: a negation just before the phrase, in
    the same clause, takes it back ("no obligation, no strings attached" does not)."""
    before = re.split(r"[.,!?¿¡;:\n]", fold(text[max(0, start - 40) : start]))[-1]
    return any(word in NEGATIONS for word in re.findall(r"[a-z']+", before)[-3:])


def _shouting(draft: DraftText, context: GuardrailContext) -> list[Violation]:
    """A word in capitals shouts when it is a word at all: capitals that are no English or Spanish word
    are an acronym ("HEPA", "PPO"), the keyword of an opt-out instruction is typed as written, and a
    word the allowed material writes in capitals is a name."""
    corpus = corpus_for(context)
    names = _name_words(context)
    found: list[Violation] = []
    for text, in_body in ((draft.body, True), (draft.subject or "", False)):
        placeholders = [m.span() for m in PLACEHOLDER.finditer(text)]
        for match in ALL_CAPS.finditer(text):
            word = match.group()
            if any(s <= match.start() and match.end() <= e for s, e in placeholders):
                continue  # "[DESIGNER NAME]" is an unfilled placeholder, reported as one
            if word in ACRONYMS or re.search(rf"(?<!\w){re.escape(word)}(?!\w)", corpus.raw):
                continue
            if is_keyword_in_instruction(text, match.start(), match.end()) or not _is_word(
                word, is_spanish(text)
            ):
                continue
            quoted = match.start() > 0 and text[match.start() - 1] in "\"“'‘"
            typed = fold(word.lower()) in TYPED_KEYWORDS or quoted
            if (
                typed and KEYWORD.search(text[max(0, match.start() - 30) : match.start()])
            ) or word.lower() in names:
                continue  # "Reply YES to confirm", "CASA VERDE" in a signature: typed or styled, not shouted
            found.append(
                Violation(
                    "spam.caps",
                    f'"{word}" in capitals reads as shouting; write it in lower case',
                    match.start() if in_body else None,
                    match.end() if in_body else None,
                )
            )
    return found


def _name_words(context: GuardrailContext) -> frozenset[str]:
    """Words of our own names and the lead's: a name in capitals is styled, not shouted."""
    identity, lead = context.identity, context.lead
    names = [
        *(identity.own_names if identity else ()),
        *((lead.first_name, lead.last_name, lead.company) if lead else ()),
    ]
    return frozenset(word.lower() for name in names if name for word in re.findall(r"[^\W\d_]+", name))


def _is_word(capitals: str, spanish: bool = False) -> bool:
    """A word of the text's language: in a Spanish text "INCLUIDO" shouts as "FREE" does in English."""
    lowered = capitals.lower()
    if SPANISH_LETTERS.search(capitals) or fold(lowered) in SPANISH_SHOUT_WORDS or lowered in CALENDAR_WORDS:
        return True
    return is_ordinary_word(lowered) or (spanish and is_spanish_word(lowered))


def _exclamations(draft: DraftText) -> list[Violation]:
    """More than one "!" in the body or in the subject. Spanish opens an exclamation with "¡": "¡Hola!"
    is one exclamation, so only "!" is counted."""
    found = []
    for text, where in ((draft.body, "body"), (draft.subject or "", "subject")):
        marks = [m.start() for m in re.finditer("!", text)]
        if len(marks) > 1:
            in_body = where == "body"
            found.append(
                Violation(
                    "spam.exclamation",
                    f"{len(marks)} exclamation marks in the {where}; one at most",
                    marks[1] if in_body else None,
                    marks[1] + 1 if in_body else None,
                )
            )
    return found


def check_reading_grade(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    """Only clearly hard text: over the lead's grade limit as a whole, and either a long sentence far over
    it (the guide's "long sentences full of jargon") or the whole text far over it.

    Graded in the draft's language (Flesch-Kincaid; Fernández-Huerta for Spanish). A draft in a language
    without a formula here is not graded: English rules would misjudge it, and a violation would block
    it. Violations have no non-blocking kind, so such a draft is simply left to the language check.
    """
    language = draft_language(draft, context)
    if language is None:
        lead_language = context.lead.language if context.lead is not None else None
        language = lead_language if lead_language in SUPPORTED else "en"
    if language not in SUPPORTED:
        return []
    limit = context.max_reading_grade
    # A sentence hard-wrapped over several lines is one long sentence, as the lead reads it.
    graded = grade([s.text for s in unwrapped(draft.body)], language)
    if graded is None or graded.grade <= limit:
        return []
    clear = limit + HARD_SENTENCE_MARGIN
    if graded.grade < clear and (graded.hardest_long is None or graded.hardest_long < clear):
        return []
    return [
        Violation(
            "reading_grade",
            f"reads at grade {graded.grade:.1f} with a {graded.longest}-word sentence; this lead's limit "
            f"is {limit:.0f}: use shorter sentences and plainer words",
        )
    ]


def _opens_a_part(subject: str, start: int) -> bool:
    """A transaction's mail opens its subject, or a part of it after a colon or a bar, with its label:
    "Order confirmed", "Póliza emitida: confirmación de pago". Inside a phrase ("Ideas for your order
    of cabinets") the same words say what the message is about."""
    before = re.split(r"[:|]", subject[:start])[-1]
    return not before.strip(" -[]()#*")


def check_subject(draft: DraftText, context: GuardrailContext = NO_CONTEXT) -> list[Violation]:
    if draft.channel is not Channel.EMAIL:
        return []
    subject = (draft.subject or "").strip()
    if not subject:
        return [Violation("subject.missing", "an email needs a subject that says what is inside")]
    found = []
    if len(subject) > SUBJECT_MAX_CHARS:
        found.append(Violation("subject.length", f"subject is {len(subject)} characters; keep it under 78"))
    if REPLY_PREFIX.match(subject) and not context.is_reply:
        found.append(
            Violation(
                "subject.deceptive",
                '"Re:"/"Fwd:" pretends to continue a conversation that did not happen; drop it',
            )
        )
    pretending = [
        (start, end)
        for _, start, end in occurrences(PRETENDING_SUBJECTS, subject, inflect=False)
        if _opens_a_part(subject, start)
    ]
    if pretending:
        start, end = pretending[0]
        found.append(
            Violation(
                "subject.deceptive",
                f'"{subject[start:end]}" dresses a sales message as a transaction; say what is inside',
            )
        )
    return found
