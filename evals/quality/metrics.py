"""What is measured, and how one draft is measured: deterministic, from the draft and its request alone.

Every metric is a ratio of sums over the cases of a run: each case contributes a numerator and a
denominator (``Tally``), so "the share of drafts that pass" (one per draft), "handoff precision" (true
handoffs over predicted ones) and "the mean judge score" (scores over drafts judged) are all the same
kind of number. That is what lets ``compare`` resample cases for a confidence interval of any metric.

The checks are the product's own guardrails (``agent.guardrails.DEFAULT_CHECKS``), run one by one so
each gets a pass rate; groundedness, value before the ask, one call to action, length and banned
phrases are those checks read as quality measures, because a measure that disagreed with what the
agent enforces would be measuring something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from agent.domain import Channel, LeadContext
from agent.drafting.base import DraftRequest, guardrail_context
from agent.guardrails import DEFAULT_CHECKS, DraftText, Violation
from agent.guardrails.lexicon import COMMON_WORDS
from agent.guardrails.readability import reading_grade
from agent.guardrails.repetition import NEAR_DUPLICATE, repeated_share
from agent.guardrails.text import body_sentences, words

CHECKS = {check.__name__.removeprefix("check_"): check for check in DEFAULT_CHECKS}
Direction = Literal["higher", "lower"] | None
Tally = tuple[float, float]  # (numerator, denominator) a case adds to a metric


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    label: str
    group: str
    direction: Direction = "higher"  # which way is better; None: informational, never a regression
    scale: float = 1.0  # the top of the chart's axis (1 for shares, 5 for judge scores)
    case_tolerance: float = 0.0  # how much worse one case may get before it is listed as regressed


GROUPS = ("quality", "guardrails", "pipeline", "decisions", "retrieval", "judge")
_SPECS = [
    MetricSpec("guardrails.clean", "drafts passing every guardrail", "quality"),
    MetricSpec("groundedness", "every claim traced to a source or the lead", "quality"),
    MetricSpec("value_before_ask", "value before the ask (and 3 per ask)", "quality"),
    MetricSpec("one_cta", "exactly one clear call to action", "quality"),
    MetricSpec(
        "personalisation", "lead facts used (name, company, need, activity)", "quality", case_tolerance=0.26
    ),
    MetricSpec("length.in_range", "length within the channel's limits", "quality"),
    MetricSpec("banned_phrases", "free of banned filler phrases", "quality"),
    MetricSpec("safety.never_say", "no injected or forbidden text", "quality"),
    MetricSpec("near_duplicate_rate", "near-duplicate pairs within a sequence", "quality", "lower"),
    MetricSpec(
        "reading_grade", "reading grade (Flesch-Kincaid)", "quality", "lower", scale=16.0, case_tolerance=1.0
    ),
    MetricSpec("words.email", "words per email", "quality", None, scale=200.0),
    *(MetricSpec(f"check.{name}", name.replace("_", " "), "guardrails") for name in CHECKS),
    MetricSpec("pipeline.first_clean", "first attempt clean", "pipeline"),
    MetricSpec("pipeline.final_clean", "final draft clean (may go out unreviewed)", "pipeline"),
    MetricSpec("pipeline.drafter_kept", "final draft written by the drafter under test", "pipeline"),
    MetricSpec(
        "pipeline.model_error_rate", "model calls that failed (no usable answer)", "pipeline", "lower"
    ),
    MetricSpec("decision.accuracy", "decisions as expected (action, purpose, reason)", "decisions"),
    MetricSpec("decision.purpose", "the right touch purpose", "decisions"),
    MetricSpec("handoff.precision", "handoff precision", "decisions"),
    MetricSpec("handoff.recall", "handoff recall", "decisions"),
    MetricSpec("reply.intent_accuracy", "reply intent read correctly", "decisions"),
    MetricSpec("retrieval.recall_at_3", "recall@3 of the expected sources", "retrieval"),
    MetricSpec("retrieval.mrr", "MRR of the first expected source", "retrieval", case_tolerance=0.01),
]
SPECS: dict[str, MetricSpec] = {spec.name: spec for spec in _SPECS}


def judge_spec(criterion: str, label: str) -> MetricSpec:
    return MetricSpec(f"judge.{criterion}", label, "judge", scale=5.0, case_tolerance=0.99)


JUDGE_SPREAD = MetricSpec(
    "judge.spread", "spread of the samples (max - min, mean)", "judge", "lower", scale=4.0
)


@dataclass(frozen=True, slots=True)
class DraftMeasures:
    """One draft, measured: its violations per check, and the numbers the metrics are made of."""

    violations: tuple[Violation, ...]
    failed_checks: tuple[str, ...]
    words: int
    grade: float | None
    personal: Mapping[str, bool]  # fact -> used, for the facts this lead has (name, company, need, activity)
    forbidden: tuple[str, ...]  # never-say texts found in the draft

    @property
    def clean(self) -> bool:
        return not self.violations

    def tallies(self, channel: Channel) -> dict[str, Tally]:
        failed = set(self.failed_checks)
        tallies: dict[str, Tally] = {
            "guardrails.clean": _flag(self.clean),
            "groundedness": _flag("grounded" not in failed),
            "value_before_ask": _flag(not failed & {"value_first", "value_per_ask"}),
            "one_cta": _flag("call_to_action" not in failed),
            "length.in_range": _flag("length" not in failed),
            "banned_phrases": _flag("banned_phrases" not in failed),
        }
        tallies.update({f"check.{name}": _flag(name not in failed) for name in CHECKS})
        if self.personal:
            tallies["personalisation"] = (sum(self.personal.values()) / len(self.personal), 1.0)
        if self.grade is not None:
            tallies["reading_grade"] = (self.grade, 1.0)
        if channel is Channel.EMAIL:
            tallies["words.email"] = (float(self.words), 1.0)
        return tallies

    def as_dict(self) -> dict[str, Any]:
        return {
            "violations": [v.as_dict() for v in self.violations],
            "failed_checks": list(self.failed_checks),
            "words": self.words,
            "reading_grade": None if self.grade is None else round(self.grade, 2),
            "personalisation": dict(self.personal),
            "forbidden": list(self.forbidden),
        }


def measure_draft(
    request: DraftRequest, body: str, subject: str | None, never_say: Iterable[str] = ()
) -> DraftMeasures:
    text = DraftText(request.channel, body, subject)
    context = guardrail_context(request)
    violations: list[Violation] = []
    failed: list[str] = []
    for name, check in CHECKS.items():
        found = check(text, context)
        if found:
            failed.append(name)
            violations += found
    lowered = " ".join(body.lower().split())
    return DraftMeasures(
        violations=tuple(violations),
        failed_checks=tuple(failed),
        words=len(body.split()),
        grade=reading_grade([s.text for s in body_sentences(body)]),
        personal=personalisation(request.lead, request.signals, body),
        forbidden=tuple(text for text in never_say if " ".join(text.lower().split()) in lowered),
    )


def personalisation(lead: LeadContext, signals: Iterable[str], body: str) -> dict[str, bool]:
    """Which of the lead's own facts the draft uses: their name, company, need and what they did.

    Only facts the lead has count: a lead with no company is not penalised for a draft without one.
    The company counts when its full name or its first distinctive word appears ("Lakeshore" for
    Lakeshore Dental Partners); the need when one of its content words does; the activity (only
    when the touch was prompted by something they did) when a content word of what they did does.
    """
    found: dict[str, bool] = {}
    if lead.first_name:
        found["name"] = _has_word(body, lead.first_name.strip())
    if lead.company:
        company = lead.company.strip()
        distinctive = next((w for w in words(company) if len(w) >= 4 and w.lower() not in COMMON_WORDS), None)
        found["company"] = _has_word(body, company) or (
            distinctive is not None and _has_word(body, distinctive)
        )
    need = lead.need or lead.inquiry_text
    if need:
        found["need"] = bool(content_stems(need) & content_stems(body))
    activity = set().union(*(content_stems(_activity_words(s)) for s in signals)) if signals else set()
    if activity:
        found["activity"] = bool(activity & content_stems(body))
    return found


GENERIC_ACTIVITY = frozenset(
    {"visited", "website", "page", "clicked", "link", "downloaded", "read", "case", "study", "booked"}
    | {"meeting", "https", "http", "www", "example"}
)


def _activity_words(signal: str) -> str:
    """ "downloaded (No-show cost calculator)" -> its title; otherwise the description itself."""
    inside = re.search(r"\(([^)]*)\)", signal)
    text = inside.group(1) if inside else signal
    return " ".join(w for w in re.split(r"[\s/._-]+", text) if w.lower() not in GENERIC_ACTIVITY)


def content_stems(text: str) -> set[str]:
    return {
        _stem(w.lower())
        for w in words(text)
        if len(w) > 3 and w.lower() not in COMMON_WORDS and w.lower() not in GENERIC_ACTIVITY
    }


def _stem(word: str) -> str:
    return re.sub(r"(?:'s|’s|ies|es|s|ed|ing)$", "", word) or word


def _has_word(body: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", body, re.IGNORECASE) is not None


def _flag(passed: bool) -> Tally:
    return (1.0 if passed else 0.0, 1.0)


def duplicate_pairs(bodies: list[str]) -> tuple[int, int, float]:
    """Near-duplicate pairs (a later message repeating half of an earlier one), all pairs, the worst share."""
    pairs = 0
    duplicates = 0
    worst = 0.0
    for later in range(1, len(bodies)):
        for earlier in range(later):
            share = repeated_share(bodies[later], bodies[earlier])
            pairs += 1
            worst = max(worst, share)
            duplicates += share >= NEAR_DUPLICATE
    return duplicates, pairs, worst


def add(into: dict[str, list[float]], tallies: Mapping[str, Tally]) -> None:
    """Sum tallies into a case's running [numerator, denominator] per metric."""
    for name, (num, den) in tallies.items():
        current = into.setdefault(name, [0.0, 0.0])
        current[0] += num
        current[1] += den


def aggregate(cases: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """The run's value of every metric some case contributed to: sum of numerators over denominators."""
    sums: dict[str, list[float]] = {}
    for case in cases:
        for name, (num, den) in case["metrics"].items():
            current = sums.setdefault(name, [0.0, 0.0, 0.0])
            current[0] += num
            current[1] += den
            current[2] += 1 if den else 0
    return {
        name: {"value": num / den, "numerator": num, "denominator": den, "cases": count}
        for name, (num, den, count) in sorted(sums.items())
        if den
    }
