"""Engagement scoring: what the lead did, weighted, decaying with time, explained line by line.

Machines do a lot of "engaging": mail privacy proxies and image caches fetch the open pixel at
delivery, security gateways click every link within a second. Their activity is set aside, with the
reason, before anything is counted, so it can never make a lead "hot". Pure functions of the snapshot
and ``now``; the breakdown is stored on the lead and shown to reps.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from agent.domain import MACHINE_INTENTS, EventRecord, EventType, LeadSnapshot

# Points for one occurrence, fresh; each loses half its weight every ``half_life_days``.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "inquiry": 10.0,
    "open": 3.0,
    "click": 6.0,
    "page_visit": 3.0,
    "pricing_visit": 10.0,
    "case_study_view": 5.0,
    "download": 8.0,
    "reply": 15.0,
    "meeting_booked": 20.0,
    "meeting_held": 20.0,
}
SIGNAL_LABELS = {
    "inquiry": "inquiries",
    "open": "emails opened",
    "click": "links clicked",
    "page_visit": "page visits",
    "pricing_visit": "pricing-page visits",
    "case_study_view": "case studies viewed",
    "download": "downloads",
    "reply": "replies",
    "meeting_booked": "meetings booked",
    "meeting_held": "meetings held",
}
MAX_SCORE = 100.0

# User agents of mail proxies, link scanners and bots (lower case substrings), with what they are.
MACHINE_AGENTS: tuple[tuple[str, str], ...] = (
    ("googleimageproxy", "Gmail image proxy"),
    ("yahoomailproxy", "Yahoo Mail image proxy"),
    ("barracuda", "link scanner (Barracuda)"),
    ("mimecast", "link scanner (Mimecast)"),
    ("proofpoint", "link scanner (Proofpoint)"),
    ("urldefense", "link scanner (Proofpoint)"),
    ("safelinks", "link scanner (Microsoft Safe Links)"),
    ("headlesschrome", "headless browser"),
    ("python-requests", "script"),
    ("go-http-client", "script"),
    ("curl/", "script"),
    ("wget", "script"),
    ("bot", "bot"),
    ("spider", "bot"),
    ("crawl", "bot"),
    ("scanner", "link scanner"),
    ("preview", "link preview"),
)
MACHINE_AGENT = re.compile("|".join(re.escape(mark) for mark, _ in MACHINE_AGENTS))
# Apple Mail Privacy Protection fetches with a bare "Mozilla/5.0" from Apple's network.
APPLE_PROXY_AGENT = "mozilla/5.0"
PROXY_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (ipaddress.ip_network("17.0.0.0/8"), "Apple Mail Privacy Protection"),
    (ipaddress.ip_network("66.249.80.0/20"), "Gmail image proxy"),
    (ipaddress.ip_network("66.102.0.0/20"), "Gmail image proxy"),
)
ENGAGEMENT_TYPES = {
    EventType.INQUIRY: "inquiry",
    EventType.OPEN: "open",
    EventType.CLICK: "click",
    EventType.PAGE_VISIT: "page_visit",
    EventType.DOWNLOAD: "download",
    EventType.REPLY: "reply",
    EventType.MEETING_BOOKED: "meeting_booked",
    EventType.MEETING_HELD: "meeting_held",
}
# The shipped page rules: a page about price, cost, plans, quotes, financing or payment plans is a
# pricing page; a business's triggers.yaml replaces a kind's list with its own URL patterns.
PRICING_MARKS = (
    "pricing",
    "/plans",
    "/price",
    "/cost",
    "financing",
    "payment-plan",
    "payment_plan",
    "/quote",
)
CASE_STUDY_MARKS = ("case-stud", "case_stud", "casestud", "/customers/", "/stories/")
DOWNLOAD_MARKS = ("/downloads/", "/download/")
PAGE_KINDS = ("pricing", "download", "case_study")


@dataclass(frozen=True, slots=True)
class PageRule:
    """Which pages are of one kind: URL substrings (lower case), or knowledge documents by id."""

    urls: tuple[str, ...] = ()
    documents: frozenset[str] = frozenset()

    def matches(self, where: str, document: str) -> bool:
        return any(mark in where for mark in self.urls) or (bool(document) and document in self.documents)


DEFAULT_PAGES: Mapping[str, PageRule] = {
    "pricing": PageRule(PRICING_MARKS),
    "download": PageRule(DOWNLOAD_MARKS),
    "case_study": PageRule(CASE_STUDY_MARKS),
}


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    half_life_days: float = 14.0
    machine_open_seconds: float = 10.0
    machine_click_seconds: float = 1.0
    pages: Mapping[str, PageRule] = field(default_factory=lambda: dict(DEFAULT_PAGES))


@dataclass(frozen=True, slots=True)
class Activity:
    """One engagement event, what kind of signal it is, and why it is not a person's (if it is not)."""

    event: EventRecord
    signal: str
    machine: str | None = None

    @property
    def human(self) -> bool:
        return self.machine is None


@dataclass(frozen=True, slots=True)
class ScoreLine:
    signal: str
    count: int
    points: float


@dataclass(frozen=True, slots=True)
class IgnoredLine:
    signal: str
    count: int
    reason: str


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    lines: tuple[ScoreLine, ...] = ()
    ignored: tuple[IgnoredLine, ...] = ()

    def explain(self) -> str:
        """One sentence a rep can read: what counted, and what was set aside as machine activity."""
        counted = ", ".join(
            f"{line.count} {SIGNAL_LABELS.get(line.signal, line.signal)} (+{line.points:g})"
            for line in self.lines
        )
        text = f"{self.value:g}/100" + (f": {counted}" if counted else ": no engagement yet")
        if self.ignored:
            skipped = ", ".join(
                f"{line.count} {SIGNAL_LABELS.get(line.signal, line.signal)} ({line.reason})"
                for line in self.ignored
            )
            text += f"; not counted: {skipped}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "explanation": self.explain(),
            "counted": [{"signal": x.signal, "count": x.count, "points": x.points} for x in self.lines],
            "ignored": [{"signal": x.signal, "count": x.count, "reason": x.reason} for x in self.ignored],
        }


def page_kind(event: EventRecord, pages: Mapping[str, PageRule] = DEFAULT_PAGES) -> str | None:
    """ "pricing", "download" or "case_study" when the page visited (or the link clicked) is one, from its
    URL or the knowledge document it shows, by the business's page rules (pricing wins a tie)."""
    kind = str(event.payload.get("page_type") or "").lower()
    if kind in PAGE_KINDS:
        return kind
    where = str(event.payload.get("url") or event.payload.get("page") or "").lower()
    document = str(event.payload.get("document") or "")
    for name in PAGE_KINDS:
        rule = pages.get(name)
        if rule is not None and rule.matches(where, document):
            return name
    return None


PAGE_SIGNALS = {"pricing": "pricing_visit", "case_study": "case_study_view", "download": "download"}


def signal_of(event: EventRecord, pages: Mapping[str, PageRule] = DEFAULT_PAGES) -> str | None:
    """The scoring signal an event is, if any; a page visit is told apart by its page (a visit to a
    download page is a download)."""
    signal = ENGAGEMENT_TYPES.get(event.type)
    if signal != "page_visit":
        return signal
    return PAGE_SIGNALS.get(page_kind(event, pages) or "", "page_visit")


def read_activity(snapshot: LeadSnapshot, config: ScoringConfig) -> list[Activity]:
    """Every engagement event of the lead, oldest first, each marked human or machine (with why)."""
    sent_at = {touch.id: touch.sent_at for touch in snapshot.touches if touch.id and touch.sent_at}
    # A message reaches the inbox when it is delivered: a scanner's open "within seconds" counts from then.
    for event in snapshot.events:
        touch_id = str(event.payload.get("touch_id") or "")
        if event.type is EventType.DELIVERED and touch_id in sent_at:
            sent_at[touch_id] = max(sent_at[touch_id], event.occurred_at)
    clicks_by_touch: dict[str, list[EventRecord]] = {}
    for event in snapshot.events:
        if event.type is EventType.CLICK and event.payload.get("touch_id"):
            clicks_by_touch.setdefault(str(event.payload["touch_id"]), []).append(event)
    activities = []
    for event in sorted(snapshot.events, key=lambda e: e.occurred_at):
        signal = signal_of(event, config.pages)
        if signal is None:
            continue
        activities.append(Activity(event, signal, _machine_reason(event, sent_at, clicks_by_touch, config)))
    return activities


def _machine_reason(
    event: EventRecord,
    sent_at: Mapping[str, datetime],
    clicks_by_touch: Mapping[str, list[EventRecord]],
    config: ScoringConfig,
) -> str | None:
    if (
        event.type is EventType.REPLY
        and event.reading is not None
        and event.reading.intent in MACHINE_INTENTS
    ):
        return f"an automatic reply ({event.reading.intent.value.replace('_', ' ')})"
    if event.type not in {EventType.OPEN, EventType.CLICK, EventType.PAGE_VISIT, EventType.DOWNLOAD}:
        return None  # an inquiry, a reply or a meeting is a person by definition
    agent = str(event.payload.get("user_agent") or "").strip().lower()
    if agent and MACHINE_AGENT.search(agent):
        return next(what for mark, what in MACHINE_AGENTS if mark in agent)
    if event.type is EventType.OPEN:
        network = _proxy_network(str(event.payload.get("ip") or ""))
        if network is not None:
            return network
        if agent == APPLE_PROXY_AGENT:
            return "Apple Mail Privacy Protection"
    touch_id = str(event.payload.get("touch_id") or "")
    delivered = sent_at.get(touch_id)
    if delivered is not None:
        after = (event.occurred_at - delivered).total_seconds()
        if event.type is EventType.OPEN and 0 <= after < config.machine_open_seconds:
            return f"opened {after:.0f} s after delivery, before a person could"
        if event.type is EventType.CLICK and 0 <= after < config.machine_click_seconds:
            return "clicked the moment it was delivered"
    if event.type is EventType.CLICK and touch_id:
        url = event.payload.get("url")
        for other in clicks_by_touch.get(touch_id, ()):
            gap = abs((other.occurred_at - event.occurred_at).total_seconds())
            if other is not event and other.payload.get("url") != url and gap < config.machine_click_seconds:
                return "clicked several links within a second (a link scanner)"
    return None


@lru_cache(maxsize=4096)
def _proxy_network(ip: str) -> str | None:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    for network, what in PROXY_NETWORKS:
        if address.version == network.version and address in network:
            return what
    return None


def score(
    snapshot: LeadSnapshot, now: datetime, config: ScoringConfig, *, activity: list[Activity] | None = None
) -> Score:
    """Sum of human signals, each decayed by its age; repeat opens of one message count once.

    ``activity``: the snapshot's ``read_activity``, when the caller already has it.
    """
    points: dict[str, float] = {}
    counts: dict[str, int] = {}
    ignored: dict[tuple[str, str], int] = {}
    opened: set[str] = set()
    for item in activity if activity is not None else read_activity(snapshot, config):
        event = item.event
        if item.machine is not None:
            key = (item.signal, item.machine)
            ignored[key] = ignored.get(key, 0) + 1
            continue
        if item.signal == "open":
            touch_id = str(event.payload.get("touch_id") or "")
            if touch_id and touch_id in opened:
                key = ("open", "the same message opened again")
                ignored[key] = ignored.get(key, 0) + 1
                continue
            opened.add(touch_id)
        age_days = max(0.0, (now - event.occurred_at).total_seconds() / 86400)
        weight = config.weights.get(item.signal, DEFAULT_WEIGHTS.get(item.signal, 0.0))
        points[item.signal] = points.get(item.signal, 0.0) + weight * 0.5 ** (
            age_days / config.half_life_days
        )
        counts[item.signal] = counts.get(item.signal, 0) + 1
    lines = tuple(
        sorted(
            (ScoreLine(signal, counts[signal], round(value, 1)) for signal, value in points.items()),
            key=lambda line: (-line.points, line.signal),
        )
    )
    value = round(min(MAX_SCORE, sum(points.values())), 1)
    skipped = tuple(IgnoredLine(signal, count, reason) for (signal, reason), count in sorted(ignored.items()))
    return Score(value=value, lines=lines, ignored=skipped)
