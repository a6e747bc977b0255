"""SMS rules every SMS channel shares: the opt-out line, the carrier keywords and our answers to them.

Keywords follow the carriers' (CTIA) list: the whole message, ignoring case, spacing and punctuation
around it, is the keyword. "Stop texting me please" is not one: the agent loop's reply classifier reads
plain language.
"""

from __future__ import annotations

import re
from enum import StrEnum

from agent.domain import CompanyIdentity
from agent.guardrails.optout import opt_out_languages

OPT_OUT_LINE = "Reply STOP to opt out."


class Keyword(StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


KEYWORDS = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT"),
        Keyword.STOP,
    ),
    **dict.fromkeys(("START", "UNSTOP"), Keyword.START),
    **dict.fromkeys(("HELP", "INFO"), Keyword.HELP),
}
# The same requests in Spanish: a Spanish speaker who texts "ALTO" means STOP, and is answered in Spanish.
SPANISH_KEYWORDS = {
    **dict.fromkeys(("ALTO", "PARAR", "PARE", "CANCELAR", "BAJA", "DETENER"), Keyword.STOP),
    **dict.fromkeys(("COMENZAR", "INICIAR", "REANUDAR"), Keyword.START),
    **dict.fromkeys(("AYUDA",), Keyword.HELP),
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


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).split()).upper()


def classify_keyword(text: str) -> Keyword | None:
    normalised = _normalised(text)
    return KEYWORDS.get(normalised) or SPANISH_KEYWORDS.get(normalised)


def keyword_language(text: str) -> str | None:
    """ "es" for a Spanish keyword ("ALTO", "Cancelar"); None for the carriers' English ones, which
    say nothing of the sender's language (a Spanish speaker may well text STOP)."""
    return "es" if _normalised(text) in SPANISH_KEYWORDS else None


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
