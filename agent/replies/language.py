"""The language of a reply's own words (py3langid: its model ships inside the package, read once)."""

from __future__ import annotations

from functools import cache
from typing import Any

LANGUAGES = ("en", "es", "fr", "pt", "de", "it", "nl", "vi", "tl", "zh", "ja")
MIN_LETTERS = 12  # "ok", "STOP", "👍" say nothing of a language
MIN_CONFIDENCE = 0.6


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect(text: str, *, min_confidence: float = MIN_CONFIDENCE) -> str | None:
    """ISO 639-1 of ``text``, or None when it is too short or too mixed to say."""
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(text[:1000])
    return str(language) if confidence >= min_confidence else None
