"""How well follow-up works, as pure functions over plain data for a chosen period.

Time to first response, follow-up coverage, touches per lead, open/click/reply rates by sequence and
step, handoffs and response-time compliance, conversions, drop-off per step, reps' acceptance of
drafts per purpose, and the seeds' 0-100 follow-up score (response speed, consistency,
communication, automation, retention; 20 points each) with its breakdown.

The inputs are the domain's snapshots (``LeadSnapshot``, as the agent loop sees a lead) and small
records of handoffs, coverage and reviews; ``now`` and the period are passed in. Opens and clicks are
counted only when a person made them (``agent.scoring.read_activity`` sets mail proxies and link
scanners aside), so rates mean what a rep thinks they mean.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.domain import Channel, EventRecord, EventType, LeadSnapshot, LeadStatus, TouchRecord
from agent.scoring import ScoringConfig, read_activity

FAST_RESPONSE = timedelta(minutes=5)
# Response-speed points for the mean time to first response (the seeds: under 5 minutes is 20).
SPEED_BANDS: tuple[tuple[timedelta, float], ...] = (
    (timedelta(minutes=5), 20.0),
    (timedelta(minutes=15), 16.0),
    (timedelta(hours=1), 12.0),
    (timedelta(hours=4), 8.0),
    (timedelta(hours=24), 4.0),
)
STOPPED = frozenset(
    {
        LeadStatus.UNSUBSCRIBED,
        LeadStatus.CLOSED,
        LeadStatus.CONVERTED,
        LeadStatus.HANDED_OFF,
        LeadStatus.PAUSED,
    }
)
# The seeds' "phone, text and email": LinkedIn is a person reaching out, like a call.
CHANNEL_FAMILIES = {
    Channel.EMAIL: "email",
    Channel.SMS: "text",
    Channel.PHONE: "phone",
    Channel.LINKEDIN: "phone",
}
TOUCH_BUCKETS = ("0", "1", "2", "3", "4", "5", "6+")


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def __contains__(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400


@dataclass(frozen=True, slots=True)
class HandoffFact:
    reason: str
    created_at: datetime
    due_by: datetime
    responded_at: datetime | None = None  # a person answered the lead (a reply logged by a rep)
    closed_at: datetime | None = None  # resumed or closed by a rep: dealt with

    @property
    def answered_at(self) -> datetime | None:
        times = [t for t in (self.responded_at, self.closed_at) if t is not None]
        return min(times) if times else None


@dataclass(frozen=True, slots=True)
class CoverageFact:
    """A lead automation is working on now, and whether something is scheduled for it."""

    status: str
    next_action_at: datetime | None
    in_flight: bool  # a draft waits for review, or a touch for the outbox

    @property
    def covered(self) -> bool:
        return self.in_flight or self.next_action_at is not None


@dataclass(frozen=True, slots=True)
class ReviewFact:
    """A rep's decision on a draft (``agent.db.repositories.reviews.REVIEW_ACTIONS``)."""

    action: str  # approve | edit_approve | reject | regenerate
    purpose: str
    touch_id: str | None = None


@dataclass(frozen=True, slots=True)
class MetricsInput:
    period: Period
    now: datetime
    snapshots: Sequence[LeadSnapshot]  # leads created in the period or sent a message in it
    coverage: Sequence[CoverageFact] = ()
    handoffs: Sequence[HandoffFact] = ()
    reviews: Sequence[ReviewFact] = ()
    scoring: ScoringConfig = field(default_factory=ScoringConfig)


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    leads: int  # inquiries in the period
    answered: int
    p50_seconds: float | None
    p95_seconds: float | None
    mean_seconds: float | None
    within_5_minutes: float | None  # share of inquiries answered within 5 minutes
    buckets: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    active: int
    covered: int
    share: float | None


@dataclass(frozen=True, slots=True)
class TouchesPerLead:
    leads: int
    sent: int
    mean: float | None
    histogram: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class StepRates:
    sequence: str
    step: int
    purpose: str
    sent: int
    emails: int  # opens and clicks are only seen on email
    opened: int
    clicked: int
    replied: int

    @property
    def label(self) -> str:
        where = "trigger" if self.step < 0 else f"step {self.step}"
        return f"{self.sequence} {where}: {self.purpose.replace('_', ' ')}"

    @property
    def open_rate(self) -> float | None:
        return self.opened / self.emails if self.emails else None

    @property
    def click_rate(self) -> float | None:
        return self.clicked / self.emails if self.emails else None

    @property
    def reply_rate(self) -> float | None:
        return self.replied / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class HandoffStats:
    total: int
    by_reason: tuple[tuple[str, int], ...]
    answered_in_time: int
    answered_late: int
    waiting_in_time: int
    waiting_breached: int

    @property
    def compliance(self) -> float | None:
        """Share of handoffs answered (or still open) within their response-time target."""
        due = self.answered_in_time + self.answered_late + self.waiting_breached
        return self.answered_in_time / due if due else None


@dataclass(frozen=True, slots=True)
class Conversions:
    leads: int
    converted: int
    rate: float | None


@dataclass(frozen=True, slots=True)
class DropOff:
    sequence: str
    step: int
    purpose: str
    reached: int
    continued: int
    in_progress: int
    stopped_here: int
    stopped_as: tuple[tuple[str, int], ...]  # the statuses the stopped leads ended in


@dataclass(frozen=True, slots=True)
class Acceptance:
    purpose: str
    approved: int  # as drafted
    edited: int
    rejected: int
    regenerated: int

    @property
    def decided(self) -> int:
        return self.approved + self.edited + self.rejected

    @property
    def rate(self) -> float | None:
        """Approved unchanged, of the drafts decided."""
        return self.approved / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class ScorePart:
    name: str
    points: float
    explanation: str
    measured: bool = True
    out_of: float = 20.0


@dataclass(frozen=True, slots=True)
class FollowUpScore:
    parts: tuple[ScorePart, ...]

    @property
    def total(self) -> float:
        return round(sum(part.points for part in self.parts), 1)


@dataclass(frozen=True, slots=True)
class Metrics:
    period: Period
    response: ResponseTimes
    coverage: Coverage
    touches: TouchesPerLead
    steps: tuple[StepRates, ...]
    handoffs: HandoffStats
    conversions: Conversions
    drop_off: tuple[DropOff, ...]
    acceptance: tuple[Acceptance, ...]
    score: FollowUpScore

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "time_to_first_response": asdict(self.response),
            "coverage": asdict(self.coverage),
            "touches_per_lead": asdict(self.touches),
            "by_step": [
                {
                    **asdict(s),
                    "open_rate": s.open_rate,
                    "click_rate": s.click_rate,
                    "reply_rate": s.reply_rate,
                }
                for s in self.steps
            ],
            "handoffs": {**asdict(self.handoffs), "compliance": self.handoffs.compliance},
            "conversions": asdict(self.conversions),
            "drop_off": [asdict(d) for d in self.drop_off],
            "acceptance": [{**asdict(a), "rate": a.rate} for a in self.acceptance],
            "follow_up_score": {"total": self.score.total, "parts": [asdict(p) for p in self.score.parts]},
        }
        return data


# --- the measures -------------------------------------------------------------------------------------


def compute(data: MetricsInput) -> Metrics:
    response = response_times(data.snapshots, data.period)
    coverage = follow_up_coverage(data.coverage)
    steps = rates_by_step(data.snapshots, data.period, data.scoring)
    return Metrics(
        period=data.period,
        response=response,
        coverage=coverage,
        touches=touches_per_lead(data.snapshots, data.period),
        steps=steps,
        handoffs=handoff_stats(data.handoffs, data.now),
        conversions=conversions(data.snapshots, data.period),
        drop_off=drop_off(data.snapshots),
        acceptance=acceptance_by_purpose(data.reviews),
        score=follow_up_score(data, response, coverage),
    )


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def inquiry_time(snapshot: LeadSnapshot) -> datetime | None:
    """When the lead first asked (None for an imported lead: nobody was waiting for an answer)."""
    inquiries = [e.occurred_at for e in snapshot.events if e.type is EventType.INQUIRY]
    return min(inquiries) if inquiries else None


def first_response(snapshot: LeadSnapshot, after: datetime) -> datetime | None:
    """The first message the lead got from us after ``after``: a sent touch or a rep's logged reply."""
    times = [t.sent_at for t in snapshot.touches if t.sent_at is not None and t.sent_at >= after]
    times += [e.occurred_at for e in snapshot.events if _rep_reply(e) and e.occurred_at >= after]
    return min(times) if times else None


def response_times(snapshots: Iterable[LeadSnapshot], period: Period) -> ResponseTimes:
    waits: list[float] = []
    asked = 0
    for snapshot in snapshots:
        asked_at = inquiry_time(snapshot)
        if asked_at is None or asked_at not in period:
            continue
        asked += 1
        answered = first_response(snapshot, asked_at)
        if answered is not None:
            waits.append((answered - asked_at).total_seconds())
    buckets = (
        ("under 1 min", sum(1 for w in waits if w < 60)),
        ("1-5 min", sum(1 for w in waits if 60 <= w < 300)),
        ("5-60 min", sum(1 for w in waits if 300 <= w < 3600)),
        ("1-24 h", sum(1 for w in waits if 3600 <= w < 86400)),
        ("over 24 h", sum(1 for w in waits if w >= 86400)),
        ("not answered", asked - len(waits)),
    )
    fast = sum(1 for w in waits if w <= FAST_RESPONSE.total_seconds())
    return ResponseTimes(
        leads=asked,
        answered=len(waits),
        p50_seconds=percentile(waits, 50),
        p95_seconds=percentile(waits, 95),
        mean_seconds=sum(waits) / len(waits) if waits else None,
        within_5_minutes=fast / asked if asked else None,
        buckets=buckets,
    )


def follow_up_coverage(facts: Iterable[CoverageFact]) -> Coverage:
    items = list(facts)
    covered = sum(1 for f in items if f.covered)
    return Coverage(active=len(items), covered=covered, share=covered / len(items) if items else None)


def touches_per_lead(snapshots: Iterable[LeadSnapshot], period: Period) -> TouchesPerLead:
    """For the leads who arrived in the period: how many messages each has had so far."""
    counts = [
        sum(1 for t in s.touches if t.sent_at is not None) for s in snapshots if s.lead.created_at in period
    ]
    histogram = Counter(min(count, 6) for count in counts)
    return TouchesPerLead(
        leads=len(counts),
        sent=sum(counts),
        mean=sum(counts) / len(counts) if counts else None,
        histogram=tuple((label, histogram.get(n, 0)) for n, label in enumerate(TOUCH_BUCKETS)),
    )


def rates_by_step(
    snapshots: Iterable[LeadSnapshot], period: Period, scoring: ScoringConfig
) -> tuple[StepRates, ...]:
    """Messages sent in the period, by sequence and step: how many were opened, clicked, answered."""
    tally: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for snapshot in snapshots:
        sent = sorted((t for t in snapshot.touches if t.sent_at is not None), key=_sent_at)
        opened, clicked = _human_opens_and_clicks(snapshot, scoring)
        replied = _replied_touches(snapshot, sent)
        for touch in sent:
            if touch.sent_at not in period:
                continue
            row = tally[(touch.sequence, touch.step, touch.purpose.value)]
            row[0] += 1
            if touch.channel is Channel.EMAIL:
                row[1] += 1
                row[2] += touch.id in opened
                row[3] += touch.id in clicked
            row[4] += touch.id in replied
    return tuple(
        StepRates(sequence, step, purpose, *values)
        for (sequence, step, purpose), values in sorted(tally.items(), key=lambda item: _step_order(item[0]))
    )


def handoff_stats(handoffs: Iterable[HandoffFact], now: datetime) -> HandoffStats:
    items = list(handoffs)
    in_time = late = waiting = breached = 0
    for handoff in items:
        answered = handoff.answered_at
        if answered is not None:
            if answered <= handoff.due_by:
                in_time += 1
            else:
                late += 1
        elif now <= handoff.due_by:
            waiting += 1
        else:
            breached += 1
    reasons = Counter(h.reason for h in items)
    return HandoffStats(
        total=len(items),
        by_reason=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        answered_in_time=in_time,
        answered_late=late,
        waiting_in_time=waiting,
        waiting_breached=breached,
    )


def conversions(snapshots: Iterable[LeadSnapshot], period: Period) -> Conversions:
    """Of the leads who arrived in the period, how many became customers (a purchase, or converted)."""
    arrived = [s for s in snapshots if s.lead.created_at in period]
    converted = sum(1 for s in arrived if _customer_since(s) is not None)
    return Conversions(
        leads=len(arrived), converted=converted, rate=converted / len(arrived) if arrived else None
    )


def drop_off(snapshots: Iterable[LeadSnapshot]) -> tuple[DropOff, ...]:
    """Per sequence step: leads that got it, went on to a later step, are still on their way, or stopped
    there (unsubscribed, closed, converted, handed to a person, paused)."""
    reached: dict[tuple[str, int, str], list[LeadSnapshot]] = defaultdict(list)
    last_step: dict[tuple[str, str], int] = {}
    for snapshot in snapshots:
        for touch in snapshot.touches:
            if touch.sent_at is None or touch.step < 0:
                continue
            reached[(touch.sequence, touch.step, touch.purpose.value)].append(snapshot)
            key = (snapshot.lead.id, touch.sequence)
            last_step[key] = max(last_step.get(key, -1), touch.step)
    rows = []
    for (sequence, step, purpose), leads in sorted(reached.items(), key=lambda item: _step_order(item[0])):
        unique = {s.lead.id: s for s in leads}.values()
        continued = [s for s in unique if last_step[(s.lead.id, sequence)] > step]
        here = [s for s in unique if last_step[(s.lead.id, sequence)] == step]
        stopped = [s for s in here if s.lead.status in STOPPED]
        statuses = Counter(s.lead.status.value for s in stopped)
        rows.append(
            DropOff(
                sequence=sequence,
                step=step,
                purpose=purpose,
                reached=len(unique),
                continued=len(continued),
                in_progress=len(here) - len(stopped),
                stopped_here=len(stopped),
                stopped_as=tuple(sorted(statuses.items())),
            )
        )
    return tuple(rows)


def acceptance_by_purpose(reviews: Iterable[ReviewFact]) -> tuple[Acceptance, ...]:
    return acceptance_from_counts((review.purpose, review.action, 1) for review in reviews)


def acceptance_from_counts(rows: Iterable[tuple[str, str, int]]) -> tuple[Acceptance, ...]:
    """The same from (purpose, action, count) rows, as a database aggregates them."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for purpose, action, count in rows:
        counts[purpose][action] += count
    return tuple(
        Acceptance(
            purpose=purpose,
            approved=c["approve"],
            edited=c["edit_approve"],
            rejected=c["reject"],
            regenerated=c["regenerate"],
        )
        for purpose, c in sorted(counts.items())
    )


def follow_up_score(data: MetricsInput, response: ResponseTimes, coverage: Coverage) -> FollowUpScore:
    """The seeds' Follow-Up Score: five categories of 20 points, each measured from what happened."""
    return FollowUpScore(
        parts=(
            _speed(response),
            _consistency(coverage),
            _communication(data.snapshots, data.period),
            _automation(data.snapshots, data.period, data.reviews),
            _retention(data.snapshots),
        )
    )


def _speed(response: ResponseTimes) -> ScorePart:
    if not response.leads or response.mean_seconds is None:
        return ScorePart("Response speed", 0.0, "no inquiry answered in the period", measured=False)
    mean = timedelta(seconds=response.mean_seconds)
    band = next((points for limit, points in SPEED_BANDS if mean < limit), 0.0)
    answered = response.answered / response.leads
    points = round(band * answered, 1)
    return ScorePart(
        "Response speed",
        points,
        f"first answer after {_duration(mean)} on average ({band:g} points; under 5 minutes is 20), "
        f"{answered:.0%} of inquiries answered",
    )


def _consistency(coverage: Coverage) -> ScorePart:
    if coverage.share is None:
        return ScorePart("Consistency", 0.0, "no lead in a sequence right now", measured=False)
    return ScorePart(
        "Consistency",
        round(20 * coverage.share, 1),
        f"{coverage.covered} of {coverage.active} active leads have their next touch scheduled",
    )


def _communication(snapshots: Iterable[LeadSnapshot], period: Period) -> ScorePart:
    used = sorted(
        {
            CHANNEL_FAMILIES[t.channel]
            for s in snapshots
            for t in s.touches
            if t.sent_at in period and t.channel in CHANNEL_FAMILIES
        }
    )
    return ScorePart(
        "Communication",
        round(20 * len(used) / 3, 1),
        f"channels in use: {', '.join(used) or 'none'} (phone, text and email all active is 20)",
    )


def _automation(
    snapshots: Iterable[LeadSnapshot], period: Period, reviews: Iterable[ReviewFact]
) -> ScorePart:
    edited = {r.touch_id for r in reviews if r.action == "edit_approve" and r.touch_id}
    sent = [t for s in snapshots for t in s.touches if t.sent_at in period]
    if not sent:
        return ScorePart("Automation", 0.0, "nothing sent in the period", measured=False)
    automatic = sum(1 for t in sent if t.id not in edited)
    return ScorePart(
        "Automation",
        round(20 * automatic / len(sent), 1),
        f"{automatic} of {len(sent)} messages went out as the system wrote and scheduled them "
        "(a rep's rewrite counts as manual)",
    )


def _retention(snapshots: Iterable[LeadSnapshot]) -> ScorePart:
    customers = [(s, since) for s in snapshots if (since := _customer_since(s)) is not None]
    if not customers:
        return ScorePart("Retention", 0.0, "no customers yet to follow up after the sale", measured=False)
    followed = sum(
        1 for s, since in customers if any(t.sent_at is not None and t.sent_at > since for t in s.touches)
    )
    return ScorePart(
        "Retention",
        round(20 * followed / len(customers), 1),
        f"{followed} of {len(customers)} customers heard from us after buying",
    )


# --- helpers ------------------------------------------------------------------------------------------


def _rep_reply(event: EventRecord) -> bool:
    return event.type is EventType.NOTE and event.payload.get("kind") == "rep_reply"


def _sent_at(touch: TouchRecord) -> datetime:
    assert touch.sent_at is not None
    return touch.sent_at


def _step_order(key: tuple[str, int, str]) -> tuple[str, bool, int, str]:
    sequence, step, purpose = key
    return (sequence, step < 0, step, purpose)


def _human_opens_and_clicks(snapshot: LeadSnapshot, scoring: ScoringConfig) -> tuple[set[str], set[str]]:
    opened: set[str] = set()
    clicked: set[str] = set()
    for activity in read_activity(snapshot, scoring):
        touch_id = str(activity.event.payload.get("touch_id") or "")
        if not activity.human or not touch_id:
            continue
        if activity.event.type is EventType.OPEN:
            opened.add(touch_id)
        elif activity.event.type is EventType.CLICK:
            clicked.add(touch_id)
            opened.add(touch_id)  # a click proves the email was opened, pixel blocked or not
    return opened, clicked


def _replied_touches(snapshot: LeadSnapshot, sent: list[TouchRecord]) -> set[str]:
    """Touches the lead answered: the one a reply names, else the last one sent before the reply."""
    answered: set[str] = set()
    for event in snapshot.events:
        if event.type is not EventType.REPLY:
            continue
        named = str(event.payload.get("touch_id") or "")
        if named:
            answered.add(named)
            continue
        before = [t for t in sent if _sent_at(t) <= event.occurred_at]
        if before:
            answered.add(before[-1].id)
    return answered


def _customer_since(snapshot: LeadSnapshot) -> datetime | None:
    purchases = [e.occurred_at for e in snapshot.events if e.type is EventType.PURCHASE]
    if purchases:
        return min(purchases)
    if snapshot.lead.status is LeadStatus.CONVERTED:
        return snapshot.lead.created_at or datetime.min.replace(tzinfo=UTC)
    return None


def _duration(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
