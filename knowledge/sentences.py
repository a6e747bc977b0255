"""A document's body as the sentences a reply may quote, each able to stand alone.

Answers are quoted a sentence at a time, so this module decides what a sentence is (a list item is
one, a heading is none) and gives a sentence that leans on its document ("Ours is 10 years...",
"It takes...") the subject its title names. Pure: the standard library only, no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

# A sentence ends at . ! ? (or …) before a space and a capital, a digit, a quote or an opening ¿/¡.
_SENTENCE_END: Final = re.compile(r"(?<=[.!?…])[\"”')]?\s+(?=[\"“'(¿¡]?[A-ZÁÉÍÓÚÑ0-9$])")
_LIST_ITEM: Final = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")
_HEADING: Final = re.compile(r"^\s*#+\s")
# Times are written "10:00 a.m." in English and in US Spanish: the full stops of "a.m." end nothing.
_ABBREVIATIONS: Final = ("e.g.", "i.e.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Co.", "a.m.", "p.m.")
_PLACEHOLDER: Final = "\u0000"
_PLAIN_MARKS: Final = str.maketrans("’‘“”–—", "''\"\"--")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One quotable sentence of a document, in the order it stands there."""

    document_id: str
    text: str
    index: int


def plain(markdown_line: str) -> str:
    """A line without Markdown emphasis, links' brackets and block-quote marks."""
    line = re.sub(r"^\s*>\s?", "", markdown_line)
    line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)
    line = re.sub(r"(\*\*|__|`)", "", line)
    line = re.sub(r"(?<!\w)[*_](?=\S)(.+?)(?<=\S)[*_](?!\w)", r"\1", line)
    return " ".join(line.split())


def split_sentences(body: str) -> list[str]:
    """The sentences of a Markdown body: paragraphs split at sentence ends, list items whole."""
    sentences: list[str] = []
    paragraph: list[str] = []
    in_item = False

    def flush() -> None:
        if paragraph:
            sentences.extend(split_paragraph(" ".join(paragraph)))
            paragraph.clear()

    for raw in body.splitlines():
        if not raw.strip() or _HEADING.match(raw):
            flush()
            in_item = False
            continue
        if _LIST_ITEM.match(raw):  # a list item is one sentence, however many it holds
            flush()
            item = plain(_LIST_ITEM.sub("", raw))
            if item:
                sentences.append(item)
            in_item = True
            continue
        if in_item and raw[:1].isspace() and sentences:  # the item's continuation line
            sentences[-1] = f"{sentences[-1]} {plain(raw)}"
            continue
        in_item = False
        paragraph.append(plain(raw))
    flush()
    return sentences


def split_paragraph(text: str) -> list[str]:
    """The sentences of one paragraph of plain text (the abbreviations above end none)."""
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", _PLACEHOLDER))
    return [
        part.replace(_PLACEHOLDER, ".").strip() for part in _SENTENCE_END.split(protected) if part.strip()
    ]


def document_sentences(document_id: str, body: str) -> list[Sentence]:
    return [Sentence(document_id, text, i) for i, text in enumerate(split_sentences(body))]


def normalise(text: str) -> str:
    """For comparing quoted text: curly quotes and dashes made plain, spacing and case ignored."""
    text = plain(unicodedata.normalize("NFKC", text))
    text = text.translate(_PLAIN_MARKS)
    return " ".join(text.split()).casefold()


def parts(sentence: str) -> list[str]:
    """A list item that holds several sentences, also as those sentences: either may be the answer."""
    pieces = split_paragraph(sentence)
    return [sentence] if len(pieces) == 1 else [sentence, *pieces]


# A sentence that leans on its document for its subject: "Ours is 10 years", "It takes 6 weeks".
_DEPENDENT: Final = re.compile(
    r"^(?P<word>Ours|It's|It|They're|They|This|That|These|Those)\b(?P<rest>\s.*)$", re.DOTALL
)
_VERB_AFTER: Final = re.compile(
    r"^\s+(?:is|are|was|were|has|have|had|takes?|costs?|covers?|lasts?|includes?|runs?|works?|starts?"
    r"|depends?|comes?|means?|applies|apply|can|will|does|do|gives?|needs?|goes?|stays?|transfers?)\b"
)
# "How long does a kitchen remodel take?" -> "a kitchen remodel"; "What warranty do you give?" -> "warranty"
_HOW_TITLE: Final = re.compile(
    r"^how (?:long|much|many \w+|often|soon|far)\s+(?:does|do|is|are|will|would|can)\s+(?P<np>.+?)"
    r"(?:\s+(?:take|cost|last|run|need|be|require))?\s*\??$",
    re.IGNORECASE,
)
_WHAT_TITLE: Final = re.compile(
    r"^(?:what|which)\s+(?P<np>[\w\- ]+?)\s+(?:do|does|will|can|would)\s+(?:you|we)\b.*$", re.IGNORECASE
)
_NOUN_TITLE: Final = re.compile(r"^(?:our|the|your)\s+[\w\- ]+$", re.IGNORECASE)
_POSSESSIVE: Final = {"your": "our", "you": "we", "my": "your", "i": "you"}


def title_subject(title: str) -> str | None:
    """The thing a document is about, as the subject of a sentence ("our warranty", "a kitchen remodel")."""
    title = title.strip().rstrip("?.!").strip()
    for pattern, possessive in ((_HOW_TITLE, False), (_WHAT_TITLE, True)):
        match = pattern.match(title)
        if match:
            words = match.group("np").split()
            if not words or len(words) > 6 or words[0].lower() in {"it", "this", "that", "they", "i", "we"}:
                return None
            words = [_POSSESSIVE.get(w.lower(), w) for w in words]
            if possessive and words[0].lower() not in {"our", "the", "a", "an", "your"}:
                words = ["our", *words]
            return " ".join(words)
    if _NOUN_TITLE.match(title) and len(title.split()) <= 6:
        words = title.split()
        return " ".join([_POSSESSIVE.get(words[0].lower(), words[0].lower()), *words[1:]])
    return None


def needs_subject(sentence: str) -> bool:
    """Whether a sentence's subject is a pronoun for something only its document names."""
    match = _DEPENDENT.match(sentence.strip())
    if not match:
        return False
    word = match.group("word")
    return word in {"Ours", "It's", "They're"} or bool(_VERB_AFTER.match(match.group("rest")))


def stand_alone(sentence: str, title: str) -> str | None:
    """The sentence with the subject its title names restored, when it needs one; None if it cannot be.

    "Ours is 10 years." under "What warranty do you give?" -> "Our warranty is 10 years."
    """
    sentence = sentence.strip()
    if not needs_subject(sentence):
        return sentence
    subject = title_subject(title)
    match = _DEPENDENT.match(sentence)
    if subject is None or match is None:
        return None
    word, rest = match.group("word"), match.group("rest")
    subject = subject[0].upper() + subject[1:]
    if word == "It's":
        return f"{subject} is{rest}"
    if word == "They're":
        return f"{subject} are{rest}"
    return f"{subject}{rest}"
