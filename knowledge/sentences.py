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
_ABBREVIATIONS: Final = ("e.g.", "i.e.", "vs.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.")
_PLACEHOLDER: Final = "\u0000"


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
            sentences.extend(_split_paragraph(" ".join(paragraph)))
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


def _split_paragraph(text: str) -> list[str]:
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
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return " ".join(text.split()).casefold()


def parts(sentence: str) -> list[str]:
    """A list item that holds several sentences, also as those sentences: either may be the answer."""
    pieces = _split_paragraph(sentence)
    return [sentence] if len(pieces) == 1 else [sentence, *pieces]
