"""Names in a draft: which capitalised words are names, and whether the allowed material gives them.

A capital is a name only where grammar does not explain it. English capitalises the first word of a
sentence; Spanish does too, and also after "¿" and "¡", but never a weekday, a month or a language. So a
sentence's first word is grammar when it is an ordinary word of the draft's language ("Responda",
"Qué", "Imagine"), unless the sentence introduces it as a person ("Mike, a solar expert on our team").
Every other capitalised run must be in the corpus as written, or be made of parts that are ("Lucía de
Casa Verde" is the sender and the company). Names of the lead's neighbours in the same pipeline are
left to ``wrong_lead``, which says what is really wrong with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from agent.guardrails.base import GuardrailContext
from agent.guardrails.lexicon import (
    ACRONYMS,
    COLLECTIVES,
    COMMON_WORDS,
    HOLIDAYS,
    KINSHIP,
    PLACES,
    PLATFORMS,
    ROLES,
    fold_plain,
    is_ordinary_word,
    is_proper_noun,
    is_spanish_word,
    word_set,
)
from agent.guardrails.places import notation, of_a_place
from agent.guardrails.text import Corpus, Part, normalise, sentences

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
SPANISH_CALENDAR = word_set(
    "lunes martes miércoles miercoles jueves viernes sábado sabado domingo enero febrero marzo abril "
    "mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
)
CALENDAR_WORDS = frozenset((*WEEKDAYS, *MONTHS, *SPANISH_CALENDAR))
# Words that open a greeting or stand before a name: never part of the name itself.
GREETING_WORDS = word_set(
    "hi hello hey dear hola buenos buenas estimado estimada estimados querido querida saludos gracias "
    "thanks mr mrs ms miss dr sr sra srta don doña prof dra sres lic licda ing arq mtro mtra"
)
JOIN = re.compile(r"\s+(?:&\s+)?")  # what may stand between two words of one name
NAME_TOKEN = re.compile(r"[A-Za-zÀ-ÿ0-9][\wÀ-ÿ'’&-]*\.?")
CONNECTORS = frozenset({"&", "and", "of", "de", "la", "van", "von", "du", "del", "the", "y", "at"})
ABBREVIATIONS = frozenset(
    {
        "co.",
        "inc.",
        "ltd.",
        "dr.",
        "st.",
        "corp.",
        "llc.",
        "llp.",
        "sr.",
        "sra.",
        "srta.",
        "mr.",
        "mrs.",
        "ms.",
        "prof.",
        "dra.",
        "lic.",
        "ing.",
    }
)
ALWAYS_FINE = frozenset(
    {"I", "I'm", "I'll", "I've", "I'd", "I’m", "I’ll", "I’ve", "I’d", "OK", "Ok", "Ud", "Uds"}
)
SENTENCE_OPENER = re.compile(r"(?:[.!?…:;\"“(\[—–¿¡]|\s-)[\s\"“(¿¡]*$")
# "Mike, a solar expert on our team", "Will, their project manager", "Will from our office": a person.
INTRODUCED = re.compile(
    r",\s+(?:a|an|our|their|his|her|one of|who|un|una|nuestr[oa]s?|su|quien|uno de|una de)\b"
    r"|\s+(?:from|de)\s+(?:our|nuestr[oa])\b",
    re.IGNORECASE,
)
# Spanish word shapes no name has: verbs in "-amos" ("Platicamos"), gerunds, adverbs in "-mente".
SPANISH_SHAPE = re.compile(
    r"(?:\w{4,}(?:amos|emos|imos|aron|ieron)|\w{2,}(?:iendo|mente)"
    # an imperative with its pronouns, stressed inside: "Platíquenos", "Mándeme", "Cuénteselo"
    r"|\w+[áéíóú]\w*(?:nos|me|le|lo))$"
)
GERUND = re.compile(r"^[A-Z][a-z]{2,}ing$")  # "Planning", "Closing": a verb opening a subject line
# Words that follow a verb, never a name: "Calcule su ahorro", "Agende una visita", "Cotizar el proyecto".
# Not a clitic ("le", "nos"): a name is followed by one as often ("Carmen le puede ayudar").
SPANISH_AFTER_VERB = word_set(
    "su sus el la los las un una unos unas nuestro nuestra nuestros nuestras este esta estos estas ese esa "
    "al que usted ustedes si cómo cuánto cuándo dónde"
)
# Words a Title Case heading leaves small: "Ideas for Your Kitchen", "Precios y Tiempos de su Baño".
SMALL_WORDS = word_set(
    "a an the and or but nor of for to in on at by with from as vs via per de la el los las y o en con "
    "para por del al su sus un una"
)
MARKERS = ROLES | KINSHIP | PLATFORMS
MAKERS = frozenset({"google", "microsoft", "apple"})  # "Google Maps", "Microsoft Teams", not "Google" alone
HEADING_WORDS = 12  # a line this short, without a full stop, may be a heading in Title Case
SPANISH_MARKERS = word_set("de la que el en los su para con por una las del se le usted es más")
ENGLISH_MARKERS = word_set("the and to of you your for is in with on we our it this that")

Token = tuple[int, int, str]
ROMAN = re.compile(r"(?=[IVXLC]+$)X{0,3}(?:IX|IV|V?I{0,3})|(?=[IVXLC]+$)X{0,3}L?X{0,3}(?:IX|IV|V?I{0,3})")
HOLIDAY_AFTER = re.compile(r"\s+(?:Day|Eve)\b")  # "Mother's Day", "New Year's Eve": one name
# A form, a quarter or a code: "Q2", "W-2", "1099-K", "104". Numbers are grounded.number's to judge.
CODE = re.compile(r"^(?=[\w-]*\d)[A-Za-z\d]+(?:-[A-Za-z\d]+)*$")


@dataclass(frozen=True, slots=True)
class Name:
    """An ungrounded name: its text and its span in the text it was found in."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=2048)
def is_spanish(text: str) -> bool:
    """More Spanish function words than English ones: the language whose grammar explains the capitals."""
    tokens = re.findall(r"[a-záéíóúñ]+", text.lower())
    return sum(t in SPANISH_MARKERS for t in tokens) > sum(t in ENGLISH_MARKERS for t in tokens)


def ungrounded_names(
    text: str,
    corpus: Corpus,
    context: GuardrailContext,
    *,
    heading: bool = False,
    spanish: bool | None = None,
) -> list[Name]:
    """Capitalised runs of ``text`` that are names nobody in the corpus gives.

    ``heading``: the text is a subject line, where Title Case capitalises ordinary words ("Your Bath
    Remodel Quote, Explained"); a short body line without a full stop is read the same way.
    """
    spanish = is_spanish(text) if spanish is None else spanish
    others = other_leads_names(context)
    own = context.identity.own_names if context.identity else ()
    told = " ".join(normalise(message.body) for message in context.previous)
    lead = context.lead
    full_name = fold_plain(f"{lead.first_name} {lead.last_name or ''}") if lead else ""
    found: list[Name] = []
    for sentence in sentences(text):
        if sentence.part is Part.OPT_OUT:
            continue
        runs = _capitalised_runs(sentence.text, spanish)
        if _title_case(sentence.text, heading, spanish):
            runs = [piece for run, initial in runs for piece in _title_pieces(run, initial, spanish)]
        for run, initial in runs:
            bad = _ungrounded(sentence.text, run, initial, corpus, spanish, own)
            if bad is None:
                continue
            start, end = bad[0][0], bad[-1][1]
            name = sentence.text[start:end]
            if fold_plain(name) == full_name:
                continue  # "Elena Ríos": the lead's two names, given to us one by one
            if re.search(rf"(?<!\w){re.escape(normalise(name))}(?!\w)", told):
                continue  # "the Ramírez family" of the story we sent them last time
            if normalise(name) in others or any(
                normalise(t[2]) in others and not corpus.contains_name(t[2]) for t in bad
            ):
                continue  # another lead's name: wrong_lead reports it
            found.append(Name(name, sentence.start + start, sentence.start + end))
    return found


def other_leads_names(context: GuardrailContext) -> frozenset[str]:
    """First names, surnames, companies and towns of the other leads that this lead does not share."""
    own = _lead_names([context.lead] if context.lead else [])
    return _lead_names(context.other_leads) - own


def _lead_names(leads: Iterable[object]) -> frozenset[str]:
    names: set[str] = set()
    for lead in leads:
        for field in ("first_name", "last_name", "company", "town"):
            value = getattr(lead, field, None)
            if value:
                names.add(normalise(value))
                names.update(normalise(part) for part in value.split() if len(part) > 2)
        names.update(normalise(word) for word in lead_proper_words(lead))
    return frozenset(names)


def lead_proper_words(lead: object) -> frozenset[str]:
    """Names a lead wrote in their need or inquiry ("our offices on Randolph", "mi perro Oliver"):
    capitalised words inside a sentence that are no ordinary word of either language."""
    text = " ".join(v for v in (getattr(lead, "need", None), getattr(lead, "inquiry_text", None)) if v)
    return _proper_words(text) if text else frozenset()


@lru_cache(maxsize=1024)
def _proper_words(text: str) -> frozenset[str]:
    found: set[str] = set()
    for sentence in sentences(text):
        for match in list(NAME_TOKEN.finditer(sentence.text))[1:]:
            word = match.group().rstrip(".").removesuffix("'s").removesuffix("’s")
            if (
                len(word) > 2
                and word[:1].isupper()
                and not word.isupper()
                and not _not_a_name(word)
                and not CONTRACTION.search(word)  # "I'm", "We'll": a pronoun's contraction, not a name
                and not (is_ordinary_word(word) and not is_proper_noun(word))
                and not is_spanish_word(word)
                and word.lower() not in GREETING_WORDS
            ):
                found.add(word)
    return frozenset(found)


# "He'd", "We'll", "They've", "Don't": a contraction of an ordinary word is one (not "Maple's": a name's).
CONTRACTION = re.compile(r"(?:['’](?:d|ll|ve|re|m)|n['’]t)$", re.IGNORECASE)


def _ordinary(word: str, spanish: bool) -> bool:
    if is_ordinary_word(word) or (CONTRACTION.search(word) and is_ordinary_word(CONTRACTION.sub("", word))):
        return True
    return spanish and (is_spanish_word(word) or SPANISH_SHAPE.search(word.lower()) is not None)


@lru_cache(maxsize=8192)
def _plain(word: str, spanish: bool) -> bool:
    """An ordinary word that is not also somebody's name ("Physical", not "Will" or "Grace")."""
    return (is_ordinary_word(word) or (spanish and is_spanish_word(word))) and not is_proper_noun(word)


def _singular(key: str) -> str:
    """ "therapists" is "therapist", "abuelas" is "abuela": the lists hold the singular."""
    for ending in ("es", "s"):
        if key.endswith(ending) and key[: -len(ending)] in MARKERS:
            return key[: -len(ending)]
    return key


def _names_nobody(tokens: list[str], spanish: bool) -> bool:
    """Capitals that name no person, customer or company: nothing to ground.

    A common-noun acronym standing alone ("HOA", "PPO"; ``acronyms`` in lexicon.yaml: an unlisted
    one may be an organisation or a certification, a claim), a platform we talk on ("a Zoom call",
    "Google Maps"), a holiday ("Thanksgiving", "Semana Santa"), an occupation or a family word ("our Physical
    Therapists", "Consultora de Proyectos", "your Mom") with only ordinary words around it. A run that
    also holds a given name ("Coach Mike", "Grandma Rosa"), or has no such word at all ("Sharp
    Barbers"), is still a name.
    """
    words = [t for t in tokens if t.lower() not in CONNECTORS]
    if len(words) == 1 and words[0].rstrip(".") in ACRONYMS:
        return True  # "HOA", "PPO": an abbreviation of a common noun; "NKBA-certified" is a claim
    keys = [_singular(fold_plain(t.rstrip("."))) for t in tokens]
    covered = [False] * len(keys)
    for size in range(len(keys), 0, -1):
        for start in range(len(keys) - size + 1):
            if " ".join(keys[start : start + size]) in HOLIDAYS:
                covered[start : start + size] = [True] * size
    if all(key in PLATFORMS for key in keys[1 if keys[0] in MAKERS and len(keys) > 1 else 0 :]):
        return True  # "Zoom", "Google Maps"; "Zoom Barbers" is a business, "Google" alone a claim
    marked = False
    for token, key, holiday in zip(tokens, keys, covered, strict=True):
        if holiday or key in ROLES or key in KINSHIP:
            marked = True
        elif token.lower() not in CONNECTORS and not _plain(token, spanish):
            return False
    return marked


def _acronym(token: str) -> bool:
    """ "HOA", "ACL", "PT": capitals that abbreviate; a person's name is not written so."""
    letters = token.rstrip(".")
    return 2 <= len(letters) <= 6 and letters.isupper() and letters.isalnum()


def _ours_with_suffix(run: list[Token], own: tuple[str, ...], spanish: bool) -> bool:
    """ "The Casa Verde Team", "Alta Vista PT": the start of one of our own names, then a word for a
    group of us or an acronym; "Alta Vista Coral Gables" is an invented branch."""
    keys = [fold_plain(token) for _, _, token in run]
    for cut in range(len(keys) - 1, 0, -1):
        head = " ".join(keys[:cut])
        if any(fold_plain(name).startswith(head) and len(head) > 2 for name in own):
            return all(_acronym(t) or _singular(fold_plain(t)) in COLLECTIVES for _, _, t in run[cut:])
    return False


def _known_with_initial(text: str, run: list[Token], corpus: Corpus) -> bool:
    """ "Lucía H.", "Andrea S.": a known name and the initial of the surname the corpus gives it."""
    last = run[-1][2].rstrip(".")
    if len(run) < 2 or len(last) != 1 or not last.isupper():
        return False
    name = text[run[0][0] : run[-2][1]]
    return corpus.contains_name(name) and corpus.contains_name_then(name, last)


def _title_case(text: str, heading: bool, spanish: bool) -> bool:
    """A line in Title Case: every word but the small ones capitalised, two ordinary ones besides the
    first ("Dear Ms. Lopez" capitalises only names).

    Only a subject or a short body line without a full stop (a heading) is read so: in a sentence,
    "Maple Grove Dentistry in Katy" is a name and a place, not style.
    """
    if not heading and (len(text.split()) > HEADING_WORDS or text.rstrip().endswith((".", "!", "?", ":"))):
        return False
    found = re.findall(r"[A-Za-zÀ-ÿ][\wÀ-ÿ'’-]*", text)
    if not found or found[0].lower() in GREETING_WORDS:
        return False  # "Dear Ms. Lopez," capitalises a title and a name
    capitalised = [w for w in found[1:] if w[:1].isupper() and not w.isupper()]
    return (
        len(capitalised) >= 2
        and any(_plain(w, spanish) for w in capitalised)
        and all(w.lower() in SMALL_WORDS for w in found[1:] if w[:1].islower())
    )


def _title_pieces(run: list[Token], initial: bool, spanish: bool) -> list[tuple[list[Token], bool]]:
    """The parts of a Title Case run that may be names: the run less its plain words."""
    pieces: list[tuple[list[Token], bool]] = []
    current: list[Token] = []
    for token in run:
        if _plain(token[2], spanish) or token[2].lower() in CONNECTORS:
            if current:
                pieces.append((current, initial and current[0] is run[0]))
            current = []
        else:
            current.append(token)
    if current:
        pieces.append((current, initial and current[0] is run[0]))
    return pieces


def _ungrounded(
    text: str,
    run: list[Token],
    initial: bool,
    corpus: Corpus,
    spanish: bool,
    own: tuple[str, ...] = (),
) -> list[Token] | None:
    def phrase(tokens: list[Token]) -> str:
        return text[tokens[0][0] : tokens[-1][1]]

    introduced = _introduced(text, run)
    while run and not (introduced and len(run) == 1) and _lead_word(run[0][2], initial, len(run)):
        run, initial = run[1:], False  # "Thanks Dana", "Hola Elena", "Ms. Whitfield": then the name
    if not run or _family(text, run, corpus):
        return None
    if corpus.contains_name(phrase(run)) and not (
        # "Will from our tax team": the corpus's "will" is a verb; a capitalised ordinary word is
        # grounded as a name only where the corpus capitalises it too
        len(run) == 1
        and introduced
        and _ordinary(run[0][2], spanish)
        and not _capitalised_in(corpus, run[0][2])
    ):
        return None
    if len(run) > 1 and len(run[-1][2]) == 1 and _plain(run[-2][2], spanish):
        run = run[:-1]  # "Schedule C", "Anexo C", "Plan B": a common word and its letter name a form
        if corpus.contains_name(phrase(run)):
            return None
    if len(run) == 1 and _acronym(run[0][2]) and run[0][2].rstrip(".") in _corpus_initials(corpus.parts):
        return None  # "QBO" for the corpus's QuickBooks Online, "SPT" for a Sole Prop Starter
    if _reordered(run, corpus):
        return None  # "Portal Birchwood", "el Portal de Birchwood": our "Birchwood Portal" in Spanish order
    if len(run) == 1 and not initial and not introduced and _common_noun(text, run[0], spanish):
        return None  # "el Formulario 1040", "a Premium account": a common word with a capital names nobody
    if _well_known_place(text, run) or of_a_place(text, run, corpus):
        return None  # "from Colorado Springs to Fort Collins": geography, not a claim of ours
    if spanish and _institution(run, corpus):
        return None  # "el Departamento de Ingresos de Colorado": common words and a grounded place
    if _names_nobody([token for _, _, token in run], spanish) and not (introduced and len(run) == 1):
        return None
    if _ours_with_suffix(run, own, spanish) or _known_with_initial(text, run, corpus):
        return None
    for cut, (_, _, token) in enumerate(run[:-1], start=1):
        # "... for Bella Hair Co. A real person will reply": the abbreviation's full stop ended a sentence.
        if (
            token.endswith(".")
            and run[cut][2].lower() in COMMON_WORDS
            and corpus.contains_name(phrase(run[:cut]))
        ):
            return _ungrounded(text, run[cut:], True, corpus, spanish)
    if _grounded_in_parts(text, run, corpus, own, spanish):
        return None
    if spanish and len(run) > 1 and all(is_spanish_word(token[2]) for token in run):
        return None  # "el Seguro Social": Spanish capitalises institutions named with common nouns
    if spanish and _named_with_words(run):
        return None  # "el Mes de la Salud Dental": an event named with three frequent words, no person
    if spanish and initial and len(run) == 1 and _verb_first(text, run[0]):
        return None  # "Calcule su ahorro": a sentence that opens with a verb the word lists lack
    verb = GERUND.search(run[0][2]) is not None
    if initial and (verb or _ordinary(run[0][2], spanish)) and not (introduced and len(run) == 1):
        rest = run[1:]  # "Imagine Luna Hair Studio", "Una Walk-In Shower": grammar, then the name
        titled = False
        while rest and (rest[0][2].lower() in CONNECTORS or rest[0][2].lower().rstrip(".") in GREETING_WORDS):
            titled = titled or rest[0][2].lower() not in CONNECTORS
            rest = rest[1:]  # "Per the FAQ", "La Dra. Okafor": the article and the title are grammar too
        if not rest:
            return None
        # ...but "Sharp Barbers" is one made-up name, not "Sharp" and the "Barbers" of Fade & Co. Barbers
        # (after a title, "el Dr. Reyes", the word is a surname).
        generic = not titled and len(rest) == 1 and _ordinary(rest[0][2], spanish)
        if verb or not is_ordinary_word(run[0][2]):
            # "Una Walk-In Shower Conversion", "Planning Maple's recovery": grammar, then what it is about
            return _ungrounded(text, rest, False, corpus, spanish)
        if corpus.contains_name(phrase(rest)) and not generic:
            return None
    return run


CORPUS_NAME = re.compile(
    r"[A-ZÁÉÍÓÚÑ][\wÀ-ÿ'’+-]*(?:\s+(?:(?:de|del|of|the|la|&|\+|y|and)\s+)*[A-ZÁÉÍÓÚÑ][\wÀ-ÿ'’+-]*)+"
)


def _name_key(tokens: Iterable[str]) -> frozenset[str]:
    return frozenset(
        _singular_word(fold_plain(t.rstrip(".").removesuffix("'s").removesuffix("’s")))
        for t in tokens
        if t.lower() not in CONNECTORS and t not in "&+"
    )


def _singular_word(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@lru_cache(maxsize=64)
def _corpus_name_keys(parts: tuple[str, ...]) -> frozenset[frozenset[str]]:
    """Each multi-word name of the corpus as the set of its words: what a reordering may match."""
    return frozenset().union(*(_part_name_keys(part) for part in parts))


@lru_cache(maxsize=8192)
def _part_name_keys(part: str) -> frozenset[frozenset[str]]:
    return frozenset(
        key for match in CORPUS_NAME.finditer(part) if len(key := _name_key(match.group().split())) > 1
    )


# What stands before a common noun and not before a person's name: "el Formulario", "our Premium plan".
DETERMINER = re.compile(
    r"\b(?:the|a|an|our|your|their|its|this|that|each|every|el|la|los|las|un|una|su|sus|nuestro|nuestra|"
    r"nuestros|nuestras|del|al|este|esta|cada)\s+$",
    re.IGNORECASE,
)
FREQUENT = 3.5  # wordfreq's Zipf scale: "formulario" 3.9, "premium" 4.3; "wellborn" (a brand) 1.7


def _common_noun(text: str, token: Token, spanish: bool) -> bool:
    """A frequent word of the draft's language, capitalised after an article or before a code: a
    form's or a plan's title ("el Formulario 1040", "the Premium tier"), not a person or a brand."""
    start, end, word = token
    if word.isupper() or not _plain(word, spanish):
        return False
    coded = re.match(r"\s+[A-Z]?-?\d", text[end:]) is not None
    if not coded and DETERMINER.search(text[max(0, start - 12) : start]) is None:
        return False
    return _frequency(word.lower(), "es" if spanish else "en") >= FREQUENT


@lru_cache(maxsize=4096)
def _frequency(word: str, language: str) -> float:
    from wordfreq import zipf_frequency  # loaded on the first such word, not on import

    return float(zipf_frequency(word, language))


# A place given to us: "our Fort Collins office", "nuestra oficina de Austin", "Alta Vista Coral Gables".
OURS_BEFORE = re.compile(r"\b(?:our|nuestr[oa]s?\s+(?:\w+\s+){0,2}(?:de|en))\s+$", re.IGNORECASE)
LOCATES = re.compile(r"[A-ZÁÉÍÓÚÑ][\w'’&.-]*\s+(?:in|en|at|of|de|del)\s+$")
BRANCH_AFTER = re.compile(
    r"\s+(?:office|clinic|location|branch|showroom|team|shop|store|studio)\b", re.IGNORECASE
)


def _well_known_place(text: str, run: list[Token]) -> bool:
    """A state, a country or a large city, and not one of ours ("our Boulder office")."""
    start, end = run[0][0], run[-1][1]
    if fold_plain(text[start:end].rstrip(".")) not in PLACES:
        return False
    before = text[max(0, start - 30) : start]
    if OURS_BEFORE.search(before) or LOCATES.search(before):
        return False  # "Maple Grove Dentistry in Austin": a customer put somewhere is a claim about them
    return not BRANCH_AFTER.match(text, end)


@lru_cache(maxsize=64)
def _corpus_initials(parts: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(_part_initials(part) for part in parts))


@lru_cache(maxsize=8192)
def _part_initials(part: str) -> frozenset[str]:
    """The initials of each multi-word name of a text, by word and by capital ("QBO", "QO")."""
    found: set[str] = set()
    for match in CORPUS_NAME.finditer(part):
        words = [w for w in match.group().split() if w[:1].isupper()]
        found.add("".join(w[0] for w in words))
        found.add("".join(c for w in words for c in w if c.isupper()))
    return frozenset(initials for initials in found if len(initials) > 1)


def _reordered(run: list[Token], corpus: Corpus) -> bool:
    """The words of one of the corpus's names, in another order ("Portal Birchwood")."""
    key = _name_key(token for _, _, token in run)
    return len(key) > 1 and key in _corpus_name_keys(corpus.parts)


def _named_with_words(run: list[Token]) -> bool:
    """Three or more frequent Spanish words joined by "de": an institution, an event or a month of
    something ("Mes de la Salud Dental"); a person's name has one or two ("María de la Cruz")."""
    tokens = [token for _, _, token in run]
    words = [t for t in tokens if t.lower() not in CONNECTORS]
    if len(words) < 3 or len(words) == len(tokens) or _plural(words[0]):
        return False  # "Contadores Unidos de Colorado": a group of people, a partner to ground
    return all(is_spanish_word(w) or _frequency(w.lower(), "es") >= FREQUENT_ES for w in words)


FREQUENT_ES = 4.5  # wordfreq Zipf: "mes" 5.3, "salud" 5.0; the filter of is_spanish_word drops "mes"


def _plural(word: str) -> bool:
    """ "Contadores", "Amigos": a plural of a common word (not "Mes", whose "me" is too short a stem)."""
    lowered = word.lower()
    return any(
        lowered.endswith(end)
        and len(stem := lowered[: -len(end)]) >= 4
        and (is_spanish_word(stem) or is_ordinary_word(stem))
        for end in ("es", "s")
    )


def _institution(run: list[Token], corpus: Corpus) -> bool:
    """A Spanish institution named with common words and a grounded name, joined by "de"."""
    tokens = [token for _, _, token in run]
    if (
        len(tokens) < 3
        or not any(t.lower() in ("de", "del") for t in tokens)
        or not is_spanish_word(tokens[0])
        or _plural(tokens[0])  # "Contadores Unidos de Colorado": people, a partner to ground
    ):
        return False
    words = [t for t in tokens if t.lower() not in CONNECTORS]
    return any(corpus.contains_name(t) for t in words) and all(
        is_spanish_word(t) or corpus.contains_name(t) for t in words
    )


def _capitalised_in(corpus: Corpus, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", corpus.raw) is not None


def _verb_first(text: str, token: Token) -> bool:
    """A Spanish sentence's first word followed by an article, a possessive or a pronoun is its verb
    ("Agende una visita", "Revise el plan"); a name there takes a verb or a comma ("Jorge es...")."""
    following = re.match(r"\s+([^\W\d_]+)", text[token[1] :])
    return following is not None and following.group(1).lower() in SPANISH_AFTER_VERB


FAMILY_ARTICLE = re.compile(r"\bthe\s+$", re.IGNORECASE)


def _family(text: str, run: list[Token], corpus: Corpus) -> bool:
    """ "The Beckers", "the Joneses'": a family called by its grounded surname in the plural."""
    name = text[run[0][0] : run[-1][1]]
    if not name.endswith("s") or not FAMILY_ARTICLE.search(text[max(0, run[0][0] - 8) : run[0][0]]):
        return False
    return any(corpus.contains_name(name[: -len(end)]) for end in ("s", "es") if name.endswith(end))


def _introduced(text: str, run: list[Token]) -> bool:
    """ "Mike, a solar expert on our team", "Luz, una de nuestras técnicas": a person, introduced.

    A given name may also be a word ("Luz", "Will"): the appositive then says it is a person when it
    names a role ("técnicas", "project manager").
    """
    match = INTRODUCED.match(text, run[-1][1])
    if match is None:
        return False
    if is_proper_noun(run[-1][2]):
        return True
    appositive = re.findall(r"[^\W\d_]+", text[match.end() : match.end() + 60])
    return any(_singular(fold_plain(word)) in ROLES for word in appositive[:6])


def _lead_word(token: str, initial: bool, length: int) -> bool:
    """A greeting, a title or a common word before the name proper: grammar, when a name follows."""
    word = token.lower().rstrip(".")
    if word in GREETING_WORDS:
        return length > 1 or initial
    return token.lower() in COMMON_WORDS and (initial or length > 1)


def _grounded_in_parts(
    text: str, run: list[Token], corpus: Corpus, own: tuple[str, ...] = (), spanish: bool = False
) -> bool:
    """ "Lucía de Casa Verde", "Gloria of Alta Vista", "Daniela at Alta Vista PT": names joined by a
    connector, each one grounded (or one of our own names with a suffix, "Alta Vista PT")."""
    pieces: list[list[Token]] = [[]]
    for token in run:
        if token[2].lower() in CONNECTORS:
            pieces.append([])
        else:
            pieces[-1].append(token)
    pieces = [piece for piece in pieces if piece]
    return len(pieces) > 1 and all(
        corpus.contains_name(text[piece[0][0] : piece[-1][1]]) or _ours_with_suffix(piece, own, spanish)
        for piece in pieces
    )


def _not_a_name(token: str, spanish: bool = False) -> bool:
    """Days and months are dates (checked as such), and "HUGE" or "INCLUIDO" is shouting (spam.caps), not
    names."""
    word = token.lower()
    if word in CALENDAR_WORDS or word.rstrip("s") in CALENDAR_WORDS:
        return True
    if (len(token) <= 8 and CODE.match(token)) or re.fullmatch(r"[A-Z]{1,2}&[A-Z]{1,2}", token):
        return True  # "Q2", "W-2", "P&L", "Q&A": codes and abbreviations, not names
    if len(token) > 1 and ROMAN.fullmatch(token):
        return True  # "XV años", "Phase II": a number in Roman numerals
    if "-" in token.strip("-") and all(
        part.lower() in CALENDAR_WORDS or is_ordinary_word(part) for part in token.split("-") if part
    ):
        return True  # "Late-January", "Mid-March": a time of year
    return (
        token.isupper() and len(token) > 2 and (is_ordinary_word(word) or (spanish and is_spanish_word(word)))
    )


def _capitalised_runs(text: str, spanish: bool = False) -> list[tuple[list[Token], bool]]:
    """Runs of capitalised words (joined by "&", "of", "de"...), each with whether it starts a sentence."""
    runs: list[tuple[list[Token], bool]] = []
    current: list[Token] = []
    current_initial = False
    previous_end = 0
    previous_token = ""
    for index, match in enumerate(NAME_TOKEN.finditer(text)):
        start, raw = match.start(), match.group()
        token = raw if raw.lower() in ABBREVIATIONS else raw.rstrip(".")
        possessive = token.endswith(("'s", "’s"))
        if possessive:
            token = token[:-2]
        token = token.rstrip("'’")  # "the Beckers' battery": a plural's possessive
        end = start + len(token)
        between = text[previous_end:start]
        ended = previous_token.endswith(".") and previous_token.lower() not in ABBREVIATIONS
        listed = previous_token.isdigit() and re.fullmatch(r"\)\s+", between) is not None  # "3) We quote"
        initial = (
            index == 0
            or listed
            or SENTENCE_OPENER.search(between) is not None
            or (ended and between.isspace())
        )
        adjacent = bool(current) and JOIN.fullmatch(between) is not None and not ended
        capitalised = (
            token[:1].isupper()
            and token not in ALWAYS_FINE
            and not _not_a_name(token, spanish)
            and not notation(text, start, end, token)
        )
        if capitalised and adjacent:
            current.append((start, end, token))
        elif capitalised:
            if current:
                runs.append((current, current_initial))
            current, current_initial = [(start, end, token)], initial
        elif current and adjacent and token.lower() in CONNECTORS:
            current.append((start, end, token))
        elif current:
            runs.append((current, current_initial))
            current = []
        previous_end, previous_token = match.end(), raw
        if possessive and capitalised and current and not HOLIDAY_AFTER.match(text, match.end()):
            runs.append((current, current_initial))  # "Colorado's Form 104": the owner, then what is theirs
            current = []
    if current:
        runs.append((current, current_initial))
    trimmed = []
    for run, initial in runs:
        while run and run[-1][2].lower() in CONNECTORS:
            run = run[:-1]
        if run:
            trimmed.append((run, initial))
    return trimmed
