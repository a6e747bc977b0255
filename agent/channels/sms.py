"""SMS rules every SMS channel shares: the opt-out line, the carrier keywords and our answers to them.

Keywords follow the carriers' (CTIA) list: the whole message, ignoring case, spacing and punctuation
around it, is the keyword. "Stop texting me please" is not one: the agent loop's reply classifier reads
plain language.
"""

from __future__ import annotations

import re
from enum import StrEnum

from agent.domain import CompanyIdentity

# The opt-out line the drafter wrote, in English or Spanish ("Responda STOP ..."): the channel adds its
# English one only when the body has none, so a Spanish text does not end in two languages.
_OPT_OUT = re.compile(r"\b(reply|text|send|responda|responde|envíe|envía|escriba)\s+stop\b", re.IGNORECASE)
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


def classify_keyword(text: str) -> Keyword | None:
    normalised = " ".join(re.sub(r"[^\w\s]", " ", text).split()).upper()
    return KEYWORDS.get(normalised)


def with_opt_out(body: str) -> str:
    """The body as sent: the drafter is asked for the opt-out line; the channel makes sure of it."""
    body = body.strip()
    return body if _OPT_OUT.search(body) else f"{body}\n{OPT_OUT_LINE}"


def keyword_reply(keyword: Keyword, identity: CompanyIdentity) -> str:
    if keyword is Keyword.STOP:
        return (
            f"{identity.name}: you are unsubscribed and will get no more texts from us. "
            "Reply START to resubscribe."
        )
    if keyword is Keyword.START:
        return f"{identity.name}: you are resubscribed to our texts. {OPT_OUT_LINE}"
    return (
        f"{identity.name}: follow-ups about your inquiry. For help email {identity.sender_email}. "
        f"{OPT_OUT_LINE}"
    )
