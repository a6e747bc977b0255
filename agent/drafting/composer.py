"""The deterministic composer: good, varied messages from the knowledge base with no LLM at all.

It is the embedded default, the fast path for instant acknowledgments and the fallback when the LLM
is slow, down or writes something a guardrail blocks. Its variety is deterministic (a hash of the
lead, purpose and previous messages picks the variant), so the same inputs give the same draft in
tests and evals, while two leads, or two touches to one lead, read differently. It follows the lead's
tone profile (greeting, sign-off, length, figures first or story first) and the value-per-ask rule
(it offers a call only when the sequence has given enough first).
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.domain import (
    PERSON_WILL_ANSWER,
    SORRY_PERSON_WILL_ANSWER,
    URGENT_PERSON_WILL_ANSWER,
    Channel,
    CompanyIdentity,
    DrafterKind,
)
from agent.drafting import answering, quoting
from agent.drafting.base import Draft, DraftRequest, guardrail_context
from agent.drafting.language import source_language, writing_language
from agent.drafting.questions import find_questions
from agent.drafting.told import told_when
from agent.drafting.tone import Emphasis, Length, ToneProfile
from agent.guardrails import SUBJECT_MAX_CHARS, hard_ask_allowed, is_hard_ask
from agent.guardrails.readability import reading_grade
from agent.guardrails.text import body_sentences
from knowledge.types import Source
from prompts.loader import PromptError, PromptFile, load_prompt_file

MAX_NEED_WORDS = 8
ACTION_VERBS = frozenset(
    {
        "cut", "reduce", "stop", "get", "find", "set", "move", "switch", "replace", "automate", "take",
        "add", "improve", "fill", "book", "manage", "track", "run", "grow", "start", "build", "lower",
        "save", "send", "collect", "accept", "offer", "sync", "connect", "migrate", "consolidate",
        "simplify", "streamline", "fix", "handle", "organise", "organize", "schedule", "unify",
        "centralise", "centralize", "modernise", "modernize", "integrate", "avoid", "prevent", "end",
        "keep", "let", "give", "bring", "make", "help", "allow", "upgrade", "digitise", "digitize",
        "shorten", "speed", "increase", "boost", "recover", "win", "retain", "sell", "charge", "bill",
    }
)  # fmt: skip
# Words of the source to quote: tried in order until the email is long enough.
SUMMARY_WORDS = {Length.SHORT: (30, 45, 60), Length.STANDARD: (45, 60, 75)}
MIN_EMAIL_WORDS = 50
SOFT_ASK = "What would be most useful for you right now?"
FIGURE_QUOTED = "_figure_quoted"  # a marker among the values, never a placeholder
_FORMATTER = string.Formatter()


class Composer:
    kind = DrafterKind.COMPOSER

    def __init__(
        self, phrasebook: PromptFile | None = None, translations: Mapping[str, PromptFile] | None = None
    ) -> None:
        self.book = phrasebook or load_prompt_file("composer")
        self._translations: dict[str, PromptFile | None] = dict(translations or {})

    @property
    def language(self) -> str:
        """The language of the main phrase bank (``composer.yaml``)."""
        return str(self.book.data.get("language", "en"))

    def phrasebook(self, language: str) -> PromptFile | None:
        """The phrase bank in ``language``: ``composer.yaml`` for its own, ``composer.<language>.yaml``
        for another (docs/drafting.md, "Another language"), or None when there is none."""
        if language == self.language:
            return self.book
        if language not in self._translations:
            try:
                self._translations[language] = load_prompt_file(f"composer.{language}")
            except PromptError as exc:
                if "is missing" not in str(exc):
                    raise
                self._translations[language] = None
        return self._translations[language]

    def writes(self, language: str) -> bool:
        return self.phrasebook(language) is not None

    def draft(self, request: DraftRequest) -> Draft:
        """In the lead's language when the company writes in it and a phrase bank for it exists, quoting
        only sources in that language; otherwise in the main bank's (the pipeline then holds the touch)."""
        language = writing_language(request.identity, request.lead)
        book = self.phrasebook(language) or self.book
        written = str(book.data.get("language", language))
        request = replace(
            request,
            sources=tuple(
                s for s in request.sources if source_language(request.identity, s.language) == written
            ),
        )
        if _bank_name(book, request) != request.purpose.value:
            request = replace(request, sources=())  # a person takes over: nothing to sell meanwhile
        tone = request.tone_profile
        values = _values(request, english=written == "en")
        allow_hard = hard_ask_allowed(guardrail_context(request))
        if request.answers or request.unanswered:
            return self._answering(book, request, tone, values, allow_hard)
        if request.channel is Channel.SMS:
            body, ask = self._sms(book, request, {**values, **_source_values(request, 30)}, allow_hard)
            subject = None
        else:
            subject, body, ask = self._email(book, request, tone, values, allow_hard)
        return Draft(
            subject=subject,
            body=body,
            call_to_action=ask,
            source_ids=tuple(sorted(body_source_ids(body, request.sources))),
            drafter=DrafterKind.COMPOSER,
            label=str(book.data["label"]),
            prompt_version=book.version,
        )

    def _email(
        self,
        book: PromptFile,
        request: DraftRequest,
        tone: ToneProfile,
        values: Mapping[str, str],
        allow_hard: bool,
    ) -> tuple[str, str, str]:
        """Quote more of the source, then add the no-source paragraph, until the email is long enough.

        A short-tone email leaves out the opening pleasantry when the rest already says enough.
        """
        figures_first = tone.emphasis is Emphasis.DATA
        for summary_words in SUMMARY_WORDS[tone.length]:
            quoted = _source_values(request, summary_words, figures_first=figures_first)
            subject, paragraphs, ask = self._email_parts(
                book, request, tone, {**values, **quoted}, allow_hard
            )
            # An acknowledgment's opening is its thanks: it never goes, however short the lead's tone.
            if tone.length is Length.SHORT and "source_summary" in quoted and not _is_acknowledgment(request):
                without_opening = [paragraphs[0], *paragraphs[2:]]
                if _words(without_opening) >= MIN_EMAIL_WORDS and _readable(without_opening, tone):
                    paragraphs = without_opening
                    break
            if _words(paragraphs) >= MIN_EMAIL_WORDS:
                break
        else:
            bank = book.data["purposes"][_bank_name(book, request)]
            extra = _pick(bank["value_without_source"], values, _seed(request)) or ""
            if extra not in paragraphs:
                paragraphs.insert(-2, extra)
        return subject, "\n\n".join(p for p in paragraphs if p), ask

    def _email_parts(
        self,
        book: PromptFile,
        request: DraftRequest,
        tone: ToneProfile,
        values: Mapping[str, str],
        allow_hard: bool,
    ) -> tuple[str, list[str], str]:
        bank = book.data["purposes"][_bank_name(book, request)]
        formality = tone.formality.value
        seed = _seed(request)
        greeting = _pick(book.data["greeting"][formality], values, seed) or _pick(
            book.data["greeting_fallback"][formality], values, seed
        )
        if bank.get("first_usable"):  # ordered by preference: the business's phone, when it has one
            opening = _first_usable(bank["opening"], values) or ""
        else:
            opening = _pick_toned(bank, "opening", tone.emphasis, values, seed + 1) or ""
        value = None
        if FIGURE_QUOTED in values:
            value = _pick(bank.get("value_figure_quoted", []), values, seed + 2)
        value = value or _pick_toned(bank, "value", tone.emphasis, values, seed + 2)
        if value is None:
            pick = _first_usable if bank.get("first_usable") else partial(_pick, seed=seed + 2)
            value = pick(bank["value_without_source"], values) or ""
        elif "source_url" in values:
            value = f"{value} {values['source_url']}"
        asks = _asks_for(bank, request)
        ask = self._ask(asks, values, seed + 3, allow_hard, book.data.get("soft_ask", SOFT_ASK))
        signoff = _pick(book.data["signoff"][formality], values, seed + 4) or ""
        subjects = [v for v in bank["subject"] if len(_fill(v, values) or "") <= SUBJECT_MAX_CHARS]
        subject = _pick(subjects, values, seed + 5) or str(book.data.get("fallback_subject", "Following up"))
        return subject, [greeting or "", opening, value, ask, signoff], ask

    @staticmethod
    def _ask(
        variants: Sequence[str], values: Mapping[str, str], seed: int, allow_hard: bool, soft: str = SOFT_ASK
    ) -> str:
        """One ask; a call is offered only when the value-per-ask rule allows it."""
        usable = [v for v in variants if allow_hard or not is_hard_ask(_fill(v, values) or "")]
        return _pick(usable, values, seed) or soft

    def _sms(
        self, book: PromptFile, request: DraftRequest, values: Mapping[str, str], allow_hard: bool
    ) -> tuple[str, str]:
        bank = book.data["sms"]
        kind = "acknowledgment" if request.purpose.value == "acknowledgment" else "default"
        suffix = _PERSON_BANKS.get(request.angle) if kind == "acknowledgment" else None
        if suffix is not None and f"{kind}_{suffix}" in bank:
            kind = f"{kind}_{suffix}"
        seed = _seed(request)
        text = _pick(_most_personal(bank[kind], values), values, seed) or _first_usable(
            bank[f"{kind}_fallback"], values
        )
        if text is None:
            raise PromptError(
                f"the composer's sms.{kind}_fallback needs a variant that only uses company values"
            )
        return f"{text} {bank['opt_out']}", text

    def _answering(
        self,
        book: PromptFile,
        request: DraftRequest,
        tone: ToneProfile,
        values: Mapping[str, str],
        allow_hard: bool,
    ) -> Draft:
        """The reply to what the lead asked: each question answered with its sentence, the ones a person
        will answer named, and one ask about what they asked (composer.yaml ``answering``)."""
        bank = book.data["answering"]
        seed = _seed(request)
        soft = str(book.data.get("soft_ask", SOFT_ASK))
        ask = self._ask(
            bank["ask" if request.answers else "ask_unanswered"], values, seed + 3, allow_hard, soft
        )
        if request.channel is Channel.SMS:
            body = answering.sms_body(request, book.data, values, ask, seed)
            subject = None
        else:
            formality = tone.formality.value
            greeting = _pick(book.data["greeting"][formality], values, seed) or _pick(
                book.data["greeting_fallback"][formality], values, seed
            )
            signoff = _pick(book.data["signoff"][formality], values, seed + 4) or ""
            opening = _pick(bank["opening"], values, seed + 1) or ""
            subjects = [v for v in bank["subject"] if len(_fill(v, values) or "") <= SUBJECT_MAX_CHARS]
            subject = _pick(subjects, values, seed + 5) or str(bank.get("fallback_subject", "Your questions"))
            body = answering.email_body(
                request, bank, greeting or "", opening, ask, signoff, seed, min_words=MIN_EMAIL_WORDS
            )
        cited = body_source_ids(body, request.sources) | {
            a.document_id for a in request.answers if any(q in body for q in a.quoted)
        }
        return Draft(
            subject=subject,
            body=body,
            call_to_action=ask,
            source_ids=tuple(sorted(cited)),
            drafter=DrafterKind.COMPOSER,
            label=str(book.data["label"]),
            prompt_version=book.version,
        )


# The acknowledgment's bank (and the SMS bank's suffix) when a person takes over right after it.
_PERSON_BANKS = {
    PERSON_WILL_ANSWER: "person",
    SORRY_PERSON_WILL_ANSWER: "sorry",
    URGENT_PERSON_WILL_ANSWER: "urgent",
}


def _bank_name(book: PromptFile, request: DraftRequest) -> str:
    """The phrase bank for this touch: its purpose's, or, for an acknowledgment after which a person
    takes over (the policy's angle), one without a quote or an ask for anything but a time to talk."""
    if request.purpose.value == "acknowledgment" and request.angle in _PERSON_BANKS:
        name = f"acknowledgment_{_PERSON_BANKS[request.angle]}"
        if name in book.data["purposes"]:
            return name
    return request.purpose.value


def _asks_for(bank: Mapping[str, Any], request: DraftRequest) -> list[str]:
    """The bank's asks that fit what the lead wrote: none asking when (``asks_when``) if the inquiry said
    when ("Is there a date you would like this by?" to someone who wrote "the wedding is April 10" tells
    them nobody read it), and, when they asked something, those about the answer they are waiting for
    (``ask_asked``) rather than "What would you most like to solve first?"."""
    inquiry = request.lead.inquiry_text or ""
    if bank.get("ask_asked") and find_questions(inquiry):
        return list(bank["ask_asked"])
    asks = list(bank["ask"])
    if told_when(inquiry, request.now.date()):
        when = set(bank.get("asks_when", ()))
        asks = [a for a in asks if a not in when]
    return asks


def _is_acknowledgment(request: DraftRequest) -> bool:
    return request.purpose.value == "acknowledgment"


def body_source_ids(body: str, sources: Sequence[Source]) -> set[str]:
    """The sources a body actually draws on: cited by title or URL, so the record never over-claims."""
    return {s.id for s in sources if (s.title and s.title in body) or (s.url and s.url in body)}


def _pick_toned(
    bank: Mapping[str, Any], key: str, emphasis: Emphasis, values: Mapping[str, str], seed: int
) -> str | None:
    """``opening_data`` / ``value_relationship`` when the tone asks for it and one fits, else ``key``."""
    return _pick(bank.get(f"{key}_{emphasis.value}", []), values, seed) or _pick(bank[key], values, seed)


def _pick(variants: Sequence[str], values: Mapping[str, str], seed: int) -> str | None:
    usable = [v for v in variants if _placeholders(v) <= values.keys()]
    if not usable:
        return None
    return _fill(usable[seed % len(usable)], values)


def _fill(template: str, values: Mapping[str, str]) -> str | None:
    if not _placeholders(template) <= values.keys():
        return None
    return _tidy(template.format_map(values))


def _most_personal(variants: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """Of the usable variants, those that greet by name if any does: "Hi Dana" beats "Hi"."""
    usable = [v for v in variants if _placeholders(v) <= values.keys()]
    named = [v for v in usable if "first_name" in _placeholders(v)]
    return named or usable


def _first_usable(variants: Sequence[str], values: Mapping[str, str]) -> str | None:
    """For fallback lists, ordered from the most to the least personal."""
    return next((_fill(v, values) for v in variants if _placeholders(v) <= values.keys()), None)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).replace(" .", ".").strip()


def _seed(request: DraftRequest) -> int:
    material = "|".join([request.lead.id, request.purpose.value, *request.previous_bodies])
    if request.variant:
        material += f"|variant {request.variant}"
    return int.from_bytes(hashlib.sha256(material.encode()).digest()[:4], "big")


def _values(request: DraftRequest, *, english: bool = True) -> dict[str, str]:
    """Only real, non-empty facts become values; a missing one removes the variants that need it."""
    lead = request.lead
    slot_a, slot_b = request.slots
    values = {
        "first_name": _first_name(lead.first_name),
        "company": (lead.company or "").strip(),
        "need": _short_need(lead.need, english=english),
        "company_name": request.identity.name,
        "sender_first": request.identity.sender_name.split()[0],
        "sender_name": request.identity.sender_name,
        "sender_signature": _signature(request.identity),
        "slot_a": slot_a,
        "slot_b": slot_b,
        "company_phone": request.identity.phone or "",
        "good_day": _good_day(request.now, lead.timezone),
    }
    return {key: value for key, value in values.items() if value}


def _good_day(now: datetime, timezone: str) -> str:
    """ "Buenos días", "Buenas tardes" or "Buenas noches" at the lead's own hour: an acknowledgment is read
    within seconds, and "Buenos días" at half past seven in the evening read as a machine's (found live)."""
    try:
        hour = now.astimezone(ZoneInfo(timezone)).hour
    except (ZoneInfoNotFoundError, ValueError):
        hour = now.hour
    if 5 <= hour < 12:
        return "Buenos días"
    return "Buenas tardes" if 12 <= hour < 20 else "Buenas noches"


def _signature(identity: CompanyIdentity) -> str:
    """A formal sign-off names the sender's role when the company profile gives one."""
    if not identity.sender_title:
        return identity.sender_name
    return f"{identity.sender_name}\n{identity.sender_title}, {identity.name}"


def _readable(paragraphs: Sequence[str], tone: ToneProfile) -> bool:
    """Dropping the short, plain opening must not push the reading grade over the lead's limit."""
    grade = reading_grade([s.text for s in body_sentences("\n\n".join(p for p in paragraphs if p))])
    return grade is None or grade <= tone.max_reading_grade


def _words(paragraphs: Sequence[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _first_name(name: str | None) -> str:
    """Capitalise "dana" or "DANA", but leave "DeShawn" and "McKenzie" as their owners wrote them."""
    name = (name or "").strip()
    return name.title() if name.islower() or name.isupper() else name


def _short_need(need: str | None, *, english: bool = True) -> str:
    """The lead's need as a noun phrase that reads in "thanks for getting in touch about {need}", or
    nothing if it is too long.

    A lead types a need as a label ("Roof repair", "kitchen", "master bath remodel"); pasted as it is,
    "about master bath remodel" reads like a form field. So the first word is lowercased (unless it
    looks like a name: "QuickBooks", "HVAC"), a bare noun phrase becomes theirs ("your master bath
    remodel", in Spanish "su remodelación del baño"), "my"/"our" become "your", and a phrase that
    already reads as one ("a quote for 2 bathrooms", "help with no-shows", "pricing") stands. In
    English an action ("cut no-shows") reads as "how to cut no-shows"."""
    if not need:
        return ""
    need_words = need.strip().rstrip(".!?").split()
    if not need_words or len(need_words) > MAX_NEED_WORDS:
        return ""
    first = need_words[0]
    if first[:1].isupper() and first[1:].islower():  # "Roof", not "HVAC" or "QuickBooks"
        first = first.lower()
    rest = need_words[1:]
    if english:
        return " ".join(_english_need(first, rest))
    return " ".join(_spanish_need(first, rest))


def _english_need(first: str, rest: list[str]) -> list[str]:
    word = first.lower()
    if word in _EN_OWNED:
        return ["your", *rest]
    if word == "help" and rest[:1] in (["with"], ["on"]):
        return [first, *rest]
    if word in ACTION_VERBS:
        return ["how", "to", word, *rest]
    if _is_clause(word, rest):
        return ["how", first, *rest]
    if word in _EN_STANDS or word.endswith("ing") or first[:1].isdigit():
        return [first, *rest]
    return ["your", first, *rest]


def _is_clause(word: str, rest: list[str]) -> bool:
    """ "customers book and pay online": a plural subject and then a verb is a clause, which reads
    after "about how", not after "about your"."""
    return (
        bool(rest)
        and word.endswith("s")
        and not word.endswith("ss")
        and rest[0].lower() in ACTION_VERBS | {"pay"}
    )


def _spanish_need(first: str, rest: list[str]) -> list[str]:
    word = first.lower()
    if word in _ES_OWNED:
        return [_ES_OWNED[word], *rest]
    if word in _ES_STANDS or first[:1].isdigit() or _ES_INFINITIVE.match(word):
        return [first, *rest]
    return ["sus" if word.endswith("s") else "su", first, *rest]


# The lead's own possessive, said back to them.
_EN_OWNED = frozenset({"my", "our"})
# Words after which the lead's phrase already reads as a noun phrase (an article, a quantifier, a
# question word), or topics that are the company's rather than the lead's ("your pricing" would not be).
_EN_STANDS = frozenset(
    {
        "a", "an", "the", "your", "their", "his", "her", "this", "that", "these", "those", "some", "any",
        "more", "how", "what", "why", "when", "where", "whether", "which", "who", "help", "pricing",
        "price", "prices", "cost", "costs", "financing", "availability", "warranty", "warranties",
        "rates", "fees", "insurance", "information", "info", "details", "options", "about",
    }
)  # fmt: skip
_ES_OWNED = {"mi": "su", "mis": "sus", "nuestro": "su", "nuestra": "su", "nuestros": "sus", "nuestras": "sus"}
_ES_STANDS = frozenset(
    {
        "el", "la", "los", "las", "un", "una", "unos", "unas", "su", "sus", "este", "esta", "estos",
        "estas", "ese", "esa", "algo", "cómo", "como", "qué", "que", "cuánto", "cuanto", "ayuda",
        "información", "informacion", "precio", "precios", "costo", "costos", "financiamiento",
        "disponibilidad", "garantía", "garantia", "opciones", "sobre",
    }
)  # fmt: skip
# "remodelar la cocina": an infinitive reads on its own after "sobre" (the few nouns in -ar/-er/-ir
# a lead would start with are listed as exceptions).
_ES_INFINITIVE = re.compile(r"^(?!(?:lugar|hogar|taller|bar|mar|mujer|placer|poder)$)\w{2,}(?:ar|er|ir)$")


def _source_values(
    request: DraftRequest, summary_words: int, *, figures_first: bool = False
) -> dict[str, str]:
    if not request.sources:
        return {}
    source = request.sources[0]
    values = {
        "source_title": source.title,
        "source_title_sentence": f'"{source.title}"'
        if source.title.endswith((".", "?", "!"))
        else f'"{source.title}."',
        "source_summary": quoting.summary(
            source,
            summary_words,
            lead_words=" ".join(filter(None, (request.lead.inquiry_text, request.lead.need))),
            figures_first=figures_first,
            # Each later wording (the first broke a rule) leaves out one more of the hardest sentences.
            drop_hardest=request.variant,
            avoid=request.identity.brand_avoid,
        ),
        "source_url": source.url or "",
        "customer": source.customer or "",
        "figure": source.figures[0] if source.figures else "",
    }
    if values["figure"] and values["figure"].lower() in values["source_summary"].lower():
        values["figure"] = ""  # already quoted: saying it twice reads like a machine
        values[FIGURE_QUOTED] = "yes"
    return {key: value for key, value in values.items() if value}
