"""The channel a lead says they want, in their own words: "text me instead", "call me", "email is
better", "prefiero mensajes de texto". Pure: a function of the text.

Only a statement about how to reach them counts, not any mention of a channel ("I got your text" says
nothing about what they prefer).
"""

from __future__ import annotations

import re

from agent.domain import Channel

_SMS = (
    r"\btext me\b",
    r"\b(please|pls|just)\s+text\b(?!\s+(of|from|in)\b)",
    r"\b(i'?d|i would|would) rather\b.{0,12}\btext(ing)?\b(?!\s+(of|from|in)\b)",
    r"\bprefer\b.{0,30}\b(texts?|texting|sms|text messages?)\b",
    r"\b(texts?|texting|sms|text messages?)\b.{0,25}\b(is|are|works?)\b.{0,10}\b(better|best|easier)\b",
    r"\b(by|via|over)\s+(text|sms)\b.{0,30}\b(please|instead|better|prefer)",
    r"\binstead of (e-?mail|emails)\b.{0,20}\btext",
    r"\bm[aá]nd(a|e)me un (mensaje|texto)\b",
    r"\bprefiero\b.{0,30}\b(mensajes?( de texto)?|textos?|sms)\b",
    r"\b(escr[ií]b(a|e)me|cont[aá]cte?me)\b.{0,20}\b(por )?(mensaje|texto|sms|whatsapp)\b",
)
_EMAIL = (
    r"\be-?mail me\b",
    r"\bprefer\b.{0,30}\be-?mails?\b",
    r"\be-?mail\b.{0,25}\b(is|works?)\b.{0,10}\b(better|best|easier)\b",
    r"\b(by|via|over)\s+e-?mail\b.{0,30}\b(please|instead|better|prefer)",
    r"\b(don'?t|do not|please don'?t|please do not)\s+(text|call)\b",
    r"\bprefiero\b.{0,30}\b(correo|e-?mail)\b",
)
_PHONE = (
    r"\bcall me\b",
    r"\bprefer\b.{0,30}\b(a )?(call|phone)\b",
    r"\bll[aá]m(e|a)me\b",
    r"\bprefiero\b.{0,30}\b(llamada|tel[eé]fono)\b",
)
PATTERNS = (
    (Channel.EMAIL, re.compile("|".join(_EMAIL), re.IGNORECASE)),  # "don't text me" before "text me"
    (Channel.SMS, re.compile("|".join(_SMS), re.IGNORECASE)),
    (Channel.PHONE, re.compile("|".join(_PHONE), re.IGNORECASE)),
)


def stated_channel(text: str) -> Channel | None:
    """The channel the words ask to be reached on, if they ask for one (a call is asked of a person:
    the policy hands such a request off rather than moving messages to another channel)."""
    for channel, pattern in PATTERNS:
        if pattern.search(text):
            return channel
    return None
