"""The lead's language: what they state, what a draft is written in, and the names said to a person.

Pure on purpose (the composer and the pipeline use it): the statistical detector of a message's
language lives at the edge (``agent/replies/language.py``); this module reads only what a lead says
outright ("escríbame en español", "please write in Spanish") and decides, from the company profile's
``languages``, which language a draft is written in.
"""

from __future__ import annotations

import re
from typing import Final

from agent.domain import CompanyIdentity, LeadContext
from agent.guardrails.folding import fold

# Every ISO 639-1 code: an inquiry's `language` must be one of them.
_CODES: Final = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu "
)
ISO_639_1: Final = frozenset(_CODES.split())

NAMES: Final = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "vi": "Vietnamese",
    "tl": "Tagalog",
    "zh": "Chinese",
    "ja": "Japanese",
}

# A language named in the lead's words, in English or in that language, folded to plain letters.
_SPOKEN: Final = {
    "en": ("english", "ingles"),
    "es": ("spanish", "espanol", "castellano"),
    "fr": ("french", "francais", "frances"),
    "pt": ("portuguese", "portugues"),
    "de": ("german", "deutsch", "aleman"),
    "it": ("italian", "italiano"),
    "nl": ("dutch", "nederlands"),
    "vi": ("vietnamese", "tieng viet"),
    "tl": ("tagalog", "filipino"),
    "zh": ("chinese", "mandarin", "chino"),
    "ja": ("japanese", "japones"),
}
_BY_WORD: Final = {word: code for code, words in _SPOKEN.items() for word in words}
_LANGUAGE: Final = "(" + "|".join(sorted(_BY_WORD, key=len, reverse=True)) + ")"
# "write to me in Spanish", "in Spanish please", "I prefer Spanish", "escríbame en español",
# "prefiero español", "hablo español", "¿me pueden atender en español?"
_STATED: Final = (
    re.compile(
        r"\b(?:write|reply|respond|answer|email|text|contact|talk|speak|communicate|correspond)\b"
        r"[^.?!\n]{0,30}?\bin\s+" + _LANGUAGE + r"\b"
    ),
    re.compile(r"\b(?:prefer|rather|only speak|speak only|i speak)\b[^.?!\n]{0,20}?\b" + _LANGUAGE + r"\b"),
    re.compile(r"\bin\s+" + _LANGUAGE + r"\s*,?\s*(?:please|if possible|thanks|thank you)\b"),
    re.compile(
        r"\b(?:escribame|escribanme|escribeme|respondame|contesteme|contestenme|atiendame|atenderme|"
        r"atender|hablar|hablarme|comunicarse|comunicarnos|responder|contestar|escribir|"
        r"prefiero|preferimos|hablo|hablamos|solo hablo|en)\b[^.?!\n]{0,25}?\ben\s+" + _LANGUAGE + r"\b"
    ),
    re.compile(r"\b(?:prefiero|preferimos|hablo|hablamos)\s+(?:el\s+)?" + _LANGUAGE + r"\b"),
    re.compile(r"\ben\s+" + _LANGUAGE + r"\s*,?\s*(?:por favor|porfa|si es posible|gracias)\b"),
)


def stated_language(text: str) -> str | None:
    """The language the lead asks to be written to in, in their own words, or None if they do not say."""
    folded = fold(text)
    for pattern in _STATED:
        found = pattern.search(folded)
        if found:
            return _BY_WORD[found.group(1)]
    return None


def name(code: str) -> str:
    """ "Spanish" for "es"; the code itself for a language without a name here."""
    return NAMES.get(code, code)


def writing_language(identity: CompanyIdentity, lead: LeadContext) -> str:
    """The language a draft to ``lead`` is written in: theirs when the company writes in it, else the
    company's first (the touch then goes to review: ``pipeline.with_language_to_check``)."""
    if lead.language and lead.language in identity.languages:
        return lead.language
    return identity.languages[0] if identity.languages else "en"


def written_for(identity: CompanyIdentity, lead: LeadContext) -> bool:
    """Whether the company writes in the lead's language (or the lead's language is not known)."""
    return not lead.language or lead.language in identity.languages


def source_language(identity: CompanyIdentity, language: str | None) -> str:
    """A knowledge document's language: its own, or the company's first when it does not say."""
    return language or (identity.languages[0] if identity.languages else "en")


def preferred_source_language(identity: CompanyIdentity, lead: LeadContext) -> str | None:
    """The language retrieval should prefer for this lead: theirs when it is one of the company's
    other languages (documents without a `language` are in the first); None when there is no choice."""
    language = writing_language(identity, lead)
    first = identity.languages[0] if identity.languages else "en"
    return language if language != first else None
