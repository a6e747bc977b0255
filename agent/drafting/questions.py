"""The questions a lead asked, found in their own words: pure text rules, no model.

A personal response answers each question the lead asked, so it needs them one by one, in the lead's
wording: direct ones ("Do you work Saturdays?", "¿Aceptan Medicare?"), indirect ones ("I'd like to know
the price", "not sure if you do weekends", "quisiera saber si..."), and the ones a texter types without
a question mark ("how much for a full kitchen"). Two questions joined in one sentence ("do you handle
permits, and can you match the tile?") are two, because one of them may be answerable and the other not.
"""

from __future__ import annotations

import re
from typing import Final

# Sentence ends in a message: . ! ? and line breaks; a Spanish question starts at ¿.
_SENTENCE: Final = re.compile(r"[^.!?\n¿]*(?:¿[^?\n]*\?+|[^.!?\n¿]+[.!?]*)", re.UNICODE)
_INDIRECT: Final = re.compile(
    r"\b(?:i'?d like to know|i would like to know|i want to know|i need to know|wondering|wonder"
    r"|not sure (?:if|whether|what|how)|let me know|tell me|curious|do you know|any idea"
    r"|is it possible|i'?d love to know|please advise|can you confirm|could you confirm"
    r"|quisiera saber|quiero saber|me gustar[íi]a saber|necesito saber|quer[íi]a saber|no s[ée] si"
    r"|d[íi]game|av[íi]seme|me pueden decir|me podr[íi]an decir|me dice[ns]?)\b",
    re.IGNORECASE,
)
# A question typed without its mark starts like one.
_ASKING_START: Final = re.compile(
    r"^(?:and |also |so |but |y |tambi[ée]n |pero )?"
    r"(?:how|what|whats|what's|when|where|which|who|why|do|does|did|can|could|will|would|is|are|any|"
    r"wat|wut|wats|wen|hw|r u|"  # as texted
    r"should|may|cu[áa]nto|cu[áa]nta|cu[áa]ntos|cu[áa]ntas|qu[ée]|c[óo]mo|cu[áa]ndo|d[óo]nde|cu[áa]l|"
    r"q|pueden|puedo|tienen|hacen|aceptan|trabajan|hay|es|est[áa]n|ofrecen|cubren)\b",
    re.IGNORECASE,
)
# Where one sentence asks a second question: ", and can you ...", " or do I ...", "; will it ...".
_SECOND_QUESTION: Final = re.compile(
    r"(?:,\s*(?:and|also|plus|or)?|;|\s+(?:and|also)\s+|,\s*y\s+|\s+y\s+)\s*"
    r"(?=(?:can|could|do|does|will|would|is|are|should|how|what|when|where|which|"
    r"pueden|puedo|tienen|hacen|aceptan|cu[áa]nto|qu[ée]|c[óo]mo|cu[áa]ndo|d[óo]nde)\s)",
    re.IGNORECASE,
)
MIN_QUESTION_WORDS: Final = 2
# A request for help, not for a fact: the whole reply answers "Can you help?", no sentence does.
_REQUEST_FOR_HELP: Final = re.compile(
    r"^(?:¿\s*)?(?:(?:can|could|would|will) you(?: guys)? (?:please )?help(?: me| us)?"
    r"(?: out)?(?: with (?:this|that|it))?|(?:me|nos) (?:pueden|podr[íi]an) ayudar)\s*[?.!]*$",
    re.IGNORECASE,
)
_LEADING: Final = re.compile(
    r"^[\s,;:\-–—]+"
    r"|^(?:also|and|plus|oh|ps|p\.s\.|yo|(?:hey|hi|hello)(?: there)?|hola|ok|okay|um|so|quick question"
    r"|good (?:morning|afternoon|evening)|buen(?:os|as)? (?:d[íi]as?|tardes|noches)|buenas|saludos"
    r"|y|pues|entonces|oiga|oye|otra pregunta|another question|one more thing)"
    r"[,:!.]?\s+",
    re.IGNORECASE,
)
_ABBREVIATIONS: Final = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|p\.ej)\.", re.IGNORECASE)
_DOT: Final = "\u2024"  # ONE DOT LEADER: an abbreviation's dot, kept out of the sentence split


def find_questions(text: str) -> tuple[str, ...]:
    """Each question in ``text``, in the order asked, as the lead worded it (trimmed of "Also,")."""
    found: list[str] = []
    for sentence in _sentences(text):
        if not _is_question(sentence):
            continue
        for part in _split_compound(sentence):
            cleaned = _clean(part)
            if (
                len(cleaned.split()) >= MIN_QUESTION_WORDS
                and not _REQUEST_FOR_HELP.match(cleaned)
                and cleaned not in found
            ):
                found.append(cleaned)
    return tuple(found)


def _sentences(text: str) -> list[str]:
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", _DOT), text)
    return [
        m.group(0).strip().replace(_DOT, ".") for m in _SENTENCE.finditer(protected) if m.group(0).strip()
    ]


def _asks(piece: str) -> bool:
    """Whether a piece of a sentence reads as a question of its own, not as the context of the next."""
    piece = piece.strip()
    return piece.endswith("?") or piece.startswith("¿") or bool(_ASKING_START.match(_clean(piece)))


def _merge_context(pieces: list[str], joiner: str) -> list[str]:
    """ "If a parent cancels" + "can the slot go to ...?": a piece that asks nothing belongs to the next."""
    merged: list[str] = []
    carry = ""
    for piece in pieces:
        text = f"{carry}{joiner}{piece.strip()}" if carry else piece.strip()
        if _asks(piece) or piece is pieces[-1]:
            merged.append(text)
            carry = ""
        else:
            carry = text
    return merged


def _is_question(sentence: str) -> bool:
    if sentence.endswith("?") or sentence.startswith("¿"):
        return True
    bare = _LEADING.sub("", sentence.strip())
    return bool(_INDIRECT.search(sentence) or _ASKING_START.match(bare))


def _split_compound(sentence: str) -> list[str]:
    """A question sentence holding two questions, as two; a sentence with one, unchanged."""
    if "¿" in sentence.lstrip("¿"):  # Spanish marks each question itself: "X, ¿y Y?" is two
        pieces = [p.strip() for p in re.split(r"(?=¿)", sentence) if p.strip(" ,;y")]
        if len(pieces) > 1:
            return [p for piece in _merge_context(pieces, " ") for p in _split_joined(piece)]
    return _split_joined(sentence)


def _split_joined(sentence: str) -> list[str]:
    """ "..., and can you ...?": two questions joined by a conjunction or a comma."""
    pieces = [p for p in _SECOND_QUESTION.split(sentence) if p and p.strip()]
    if len(pieces) <= 1 or any(len(p.split()) < 3 for p in pieces):
        return [sentence]
    return _merge_context(pieces, ", ")


def _clean(part: str) -> str:
    part = part.strip()
    previous = None
    while previous != part:
        previous = part
        part = _LEADING.sub("", part).strip()
    return part.rstrip(",;: ")


_SPANISH: Final = re.compile(
    r"[¿¡ñáéíóú]|\b(?:hola|ustedes|usted|cu[áa]nto|qu[ée]|c[óo]mo|tienen|pueden|para|con|los|las|una|"
    r"quisiera|saber|gracias|buenas|necesito|puedo|hay|el|la|de|y)\b",
    re.IGNORECASE,
)


def question_language(questions: tuple[str, ...] | list[str], default: str | None = None) -> str | None:
    """ "es" when the questions read as Spanish (a few of its commonest words or its marks), else ``default``.

    For a lead whose language is not stored yet: the answer is quoted from a document in their language
    when the knowledge base has one that answers nearly as well.
    """
    text = " ".join(questions)
    words = len(text.split())
    if not words:
        return default
    hits = len(_SPANISH.findall(text))
    return "es" if hits / words >= 0.2 else default
