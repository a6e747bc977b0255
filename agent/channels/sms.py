"""SMS rules every SMS channel shares: the opt-out line, the carrier keywords and our answers to them.

Keywords follow the carriers' (CTIA) list: the whole message, ignoring case, spacing and punctuation
around it, is the keyword. "Stop texting me please" is not one: the agent loop's reply classifier reads
plain language.
"""

from __future__ import annotations

import re
from enum import StrEnum

from agent.domain import CompanyIdentity
from agent.guardrails.folding import fold
from agent.guardrails.optout import LANGUAGE_KEYWORDS, opt_out_languages

OPT_OUT_LINE = "Reply STOP to opt out."


def _normalised(text: str) -> str:
    """The whole message as a keyword: case, accents, spacing and punctuation around it ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split()).upper()


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


# Opt-out words come from optout.yaml, the one list the guardrails read opt-out instructions with: a word
# a text of ours may tell the lead to send ("Responda BAJA") is a word we act on when they send it.
_OPT_OUT_WORDS: dict[str, frozenset[str]] = {
    language: frozenset(map(_normalised, words)) for language, words in LANGUAGE_KEYWORDS.items()
}
# START and HELP are the carriers' (CTIA), in English and Spanish; the opt-out list has no such words.
_OTHER_WORDS: dict[str, dict[str, Keyword]] = {
    "en": {
        **dict.fromkeys(("START", "UNSTOP"), Keyword.START),
        **dict.fromkeys(("HELP", "INFO"), Keyword.HELP),
    },
    "es": {
        **dict.fromkeys(("COMENZAR", "INICIAR", "REANUDAR"), Keyword.START),
        **dict.fromkeys(("AYUDA",), Keyword.HELP),
    },
}
# Every keyword, per language: a Spanish speaker who texts "ALTO" means STOP, and is answered in Spanish.
KEYWORDS_BY_LANGUAGE: dict[str, dict[str, Keyword]] = {
    language: {
        **dict.fromkeys(_OPT_OUT_WORDS.get(language, ()), Keyword.STOP),
        **_OTHER_WORDS.get(language, {}),
    }
    for language in sorted(_OPT_OUT_WORDS.keys() | _OTHER_WORDS.keys())
}
KEYWORDS: dict[str, Keyword] = {
    word: keyword for words in KEYWORDS_BY_LANGUAGE.values() for word, keyword in words.items()
}

# Our answers, per language the company may write in. Each keeps what carriers require: the company's
# name, what happened, and how to opt back in (or out); the keywords themselves stay the carriers'
# English ones, which every carrier honours.
_REPLIES = {
    "en": {
        Keyword.STOP: "{name}: you are unsubscribed and will get no more texts from us. "
        "Reply START to resubscribe.",
        Keyword.START: "{name}: you are resubscribed to our texts. " + OPT_OUT_LINE,
        Keyword.HELP: "{name}: follow-ups about your inquiry. For help email {email}. " + OPT_OUT_LINE,
    },
    "es": {
        Keyword.STOP: "{name}: se dio de baja y no recibirá más mensajes de texto nuestros. "
        "Responda START para volver a suscribirse.",
        Keyword.START: "{name}: volvió a suscribirse a nuestros mensajes de texto. "
        "Responda STOP para no recibir más mensajes.",
        Keyword.HELP: "{name}: seguimiento de su consulta. Para ayuda, escriba a {email}. "
        "Responda STOP para no recibir más mensajes.",
    },
}


def classify_keyword(text: str) -> Keyword | None:
    return KEYWORDS.get(_normalised(text))


def keyword_language(text: str) -> str | None:
    """The language of a keyword only that language has ("ALTO", "Cancelar": "es"); None for the
    carriers' English ones, which say nothing of the sender's language (a Spanish speaker may well text
    STOP, which optout.yaml lists in every language)."""
    word = _normalised(text)
    languages = [language for language, words in KEYWORDS_BY_LANGUAGE.items() if word in words]
    return languages[0] if len(languages) == 1 and languages[0] != "en" else None


def with_opt_out(body: str) -> str:
    """The body as sent: the drafter is asked for the opt-out line; the channel makes sure of it."""
    body = body.strip()
    # The opt-out line the drafter wrote, in any language the guardrails read one in ("Responda STOP
    # ..."): the channel adds its English one only when the body has none, so a Spanish text does not
    # end in two languages, and what counts as an opt-out line is the guardrails' one definition.
    return body if opt_out_languages(body) else f"{body}\n{OPT_OUT_LINE}"


def keyword_reply(keyword: Keyword, identity: CompanyIdentity, language: str | None = None) -> str:
    """Our answer to a keyword, in ``language`` (the keyword's own, else the lead's stored one) when the
    company writes in it and we have the words; otherwise in English."""
    chosen = language if language in _REPLIES and language in identity.languages else "en"
    return _REPLIES[chosen][keyword].format(name=identity.name, email=identity.sender_email)
