"""The tone profile: how formal, how long, and how much data versus relationship, read off the lead.

People answer messages that sound like them. A CFO who wrote two terse lines wants a short, formal note
that leads with figures; a salon owner who wrote a chatty paragraph wants warmth and a story. The
profile is derived, pure and explained (``reasons``), from how the lead wrote, their role, their
industry, whether they buy as a business, and what they engaged with; both drafters follow it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from agent.domain import LeadContext


class Formality(StrEnum):
    CASUAL = "casual"
    NEUTRAL = "neutral"
    FORMAL = "formal"


class Length(StrEnum):
    SHORT = "short"  # 50-80 words by email
    STANDARD = "standard"  # 80-130 words by email


class Emphasis(StrEnum):
    DATA = "data"  # figures, results, costs first
    BALANCED = "balanced"
    RELATIONSHIP = "relationship"  # their situation, a story, warmth first


GRADE_LIMITS = {Formality.CASUAL: 10.0, Formality.NEUTRAL: 11.0, Formality.FORMAL: 12.0}
EXECUTIVE_ROLE = re.compile(
    r"\b(cfo|ceo|coo|cto|chief|director|vp|vice president|head of|partner|controller|finance|"
    r"procurement|operations manager|general manager|managing)\b",
    re.IGNORECASE,
)
HANDS_ON_ROLE = re.compile(
    r"\b(owner|founder|stylist|barber|trainer|coach|instructor|therapist|groomer|receptionist|"
    r"front desk|artist)\b",
    re.IGNORECASE,
)
FORMAL_INDUSTRIES = frozenset(
    {"dental", "legal", "accounting", "professional_services", "healthcare", "veterinary"}
)
CASUAL_INDUSTRIES = frozenset({"beauty", "fitness", "wellness", "salon", "barber", "yoga", "spa"})
CASUAL_MARKERS = re.compile(
    r"(^|\s)(hey|hiya|yo|thx|thanks!|pls|lol|haha|super|awesome|totally|love|gonna|wanna|y'all|:\)|:D)(\s|[!,.]|$)"
    r"|!|[\U0001F300-\U0001FAFF]",
    re.IGNORECASE,
)
FORMAL_MARKERS = re.compile(
    r"\b(dear|regards|sincerely|kindly|please advise|i would like to|we would like to|"
    r"we are evaluating|we are currently|at your earliest convenience|further to|enquire|inquire)\b",
    re.IGNORECASE,
)
CONTRACTION = re.compile(r"\b\w+'(s|re|ll|ve|d|m|t)\b", re.IGNORECASE)
DATA_WORDS = re.compile(
    r"\b(cost|costs|price|pricing|roi|budget|numbers|figures|per month|a month|revenue|\d+%?)\b",
    re.IGNORECASE,
)
TERSE_WORDS = 15
CHATTY_WORDS = 60


@dataclass(frozen=True, slots=True)
class ToneProfile:
    formality: Formality
    length: Length
    emphasis: Emphasis
    business: bool  # buys as a business (B2B) rather than for themselves
    reasons: tuple[str, ...] = ()

    @property
    def max_reading_grade(self) -> float:
        return GRADE_LIMITS[self.formality]

    @property
    def email_words(self) -> tuple[int, int]:
        return (50, 80) if self.length is Length.SHORT else (80, 130)

    def describe(self) -> str:
        """For the LLM prompt: the profile as instructions."""
        formality = {
            Formality.CASUAL: "warm and relaxed, like a friendly colleague; contractions are good",
            Formality.NEUTRAL: "friendly and professional",
            Formality.FORMAL: "courteous and precise; no slang, no exclamation marks",
        }[self.formality]
        emphasis = {
            Emphasis.DATA: "lead with figures and concrete results from the sources",
            Emphasis.BALANCED: "balance a concrete fact with a line about their situation",
            Emphasis.RELATIONSHIP: (
                "lead with their situation and a short story from the sources; figures second"
            ),
        }[self.emphasis]
        low, high = self.email_words
        return (
            f"Tone: {formality}. Emphasis: {emphasis}. Length: {low}-{high} words for email. "
            f"Reading level: grade {self.max_reading_grade:.0f} or below."
        )


def tone_for(lead: LeadContext, engaged_with: Iterable[str] = ()) -> ToneProfile:
    """Derive the profile; ``engaged_with`` names what they engaged with ("case_study", "pricing")."""
    text = lead.inquiry_text or ""
    word_count = len(text.split())
    reasons: list[str] = []
    score = 0  # negative: casual, positive: formal

    casual_hits = len(CASUAL_MARKERS.findall(text))
    formal_hits = len(FORMAL_MARKERS.findall(text))
    if casual_hits:
        score -= min(casual_hits, 2)
        reasons.append("wrote casually")
    if formal_hits:
        score += min(formal_hits, 2)
        reasons.append("wrote formally")
    if word_count >= 12 and not CONTRACTION.search(text) and not casual_hits:
        score += 1
        reasons.append("no contractions")
    role = lead.role or ""
    if EXECUTIVE_ROLE.search(role):
        score += 1
        reasons.append(f"role: {role}")
    elif HANDS_ON_ROLE.search(role):
        score -= 1
        reasons.append(f"role: {role}")
    industry = (lead.industry or "").lower().replace(" ", "_")
    if industry in FORMAL_INDUSTRIES:
        score += 1
        reasons.append(f"industry: {industry}")
    elif industry in CASUAL_INDUSTRIES:
        score -= 1
        reasons.append(f"industry: {industry}")
    formality = Formality.FORMAL if score >= 2 else Formality.CASUAL if score <= -2 else Formality.NEUTRAL

    terse = 0 < word_count <= TERSE_WORDS
    executive = bool(EXECUTIVE_ROLE.search(role))
    length = Length.SHORT if terse or executive else Length.STANDARD
    if terse:
        reasons.append(f"terse inquiry ({word_count} words)")
    elif word_count >= CHATTY_WORDS:
        reasons.append(f"chatty inquiry ({word_count} words)")

    engaged = set(engaged_with)
    data_signals = executive or bool(DATA_WORDS.search(text)) or bool(engaged & {"pricing", "case_study"})
    if data_signals and not (casual_hits and word_count >= CHATTY_WORDS):
        emphasis = Emphasis.DATA
        reasons.append("asked about numbers" if DATA_WORDS.search(text) else "data-minded")
    elif word_count >= CHATTY_WORDS or casual_hits or HANDS_ON_ROLE.search(role):
        emphasis = Emphasis.RELATIONSHIP
    else:
        emphasis = Emphasis.BALANCED

    business = bool(lead.company or lead.role)
    return ToneProfile(formality, length, emphasis, business, tuple(reasons))
