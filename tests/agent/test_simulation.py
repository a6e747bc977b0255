"""100 synthetic leads with scripted behaviour, 60 simulated days, through the real loop, store and API.

Inquiries arrive over the first ten days, in eight time zones; leads open, click, visit, download, reply
(interested, questions, out of office, unsubscribe, bounce), get quotes, meetings and purchases; mail
proxies and link scanners fetch and click; reps approve, edit and reject drafts, pause, snooze and resume
leads over the HTTP API. The worker ticks every simulated hour. Then the run is audited:

- coverage: at every check, every active lead has a next action (a time, or a touch in flight);
- nothing was sent to a suppressed address, a paused lead, or a lead in a person's hands;
- no frequency cap was broken, and nothing but the day-0 answer (an email acknowledgment and the personal
  reply it promised, sent with it) left outside the lead's hours or outside the day's cap;
- every reply a person should answer was handed off within one tick.

The knowledge edge is memoised (the real knowledge base answers each distinct question once); everything
else is what production runs. It runs on SQLite, the embedded default, once: a run is a minute long, and
PostgreSQL's side of the same code is covered by every loop and worker test and by the multi-worker run.

Every kind of lead below is in the run (the first leads take one of each, the rest are drawn by weight),
and the audit asks for every sequence the 500-lead run reached (new lead, post-quote, meeting booked,
post-meeting, re-engagement, onboarding); its thresholds scale with the number of leads.
`TOUCHPOINT_SIM_LEADS=500 pytest tests/agent/test_simulation.py` runs the larger run it used to be.
"""

from __future__ import annotations

import heapq
import itertools
import os
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services
from agent.db.models import Event, Handoff, Lead, ReviewAction, Suppression, Touch
from agent.db.repositories.leads import LeadRepository
from agent.domain import Channel, EventType, LeadStatus, ReplyIntent, TouchPurpose, TouchState
from agent.policy import PolicyConfig
from agent.services.events import NewEvent, record_event
from agent.services.inquiries import Inquiry, is_sendable, submit_inquiry
from agent.timing import breaches, is_open
from agent.worker import tick
from knowledge.retrieval import KnowledgeBase
from knowledge.types import OfferWindow, RetrievalQuery, Source
from tests.conftest import Caller, FakeClock, empty_tables

LEADS = int(os.environ.get("TOUCHPOINT_SIM_LEADS", "100"))
DAYS = 60  # the last leads arrive on day 10: everyone lives through new_lead and into nurture
TICK = timedelta(hours=1)
SEED = 20261123
ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
NEEDS = {
    "beauty": ("cut no-shows", "We lose Saturday bookings to no-shows. Can you help?"),
    "dental": ("fill cancelled slots", "Last-minute cancellations leave gaps in our schedule."),
    "fitness": ("class waitlists", "Our classes fill up and people don't show. Ideas?"),
    "wellness": ("online booking", "Clients want to book massages online at night."),
    "auto": ("service reminders", "Customers forget their service appointments."),
    "pet": ("deposits", "Can we take deposits for grooming appointments?"),
}
PERSONAS = {  # weight: what this kind of lead does
    "ghost": 26,
    "reader": 16,
    "apple_proxy": 8,
    "scanner": 5,
    "clicker": 8,
    "replier": 8,
    "out_of_office": 4,
    "unsubscribe_reply": 3,
    "unsubscribe_link": 3,
    "bounce": 2,
    "downloader": 3,
    "quote": 4,
    "meeting": 3,
    "returner": 3,
    "paused": 2,
    "snoozed": 2,
    "late_replier": 2,  # answers the breakup while it still waits for a rep: the draft goes stale
}
HANDOFF_REPLIES = (
    "Sounds good, can we talk on Thursday?",
    "How much would it cost for three chairs?",
    "We already use another booking tool, not sure we need this.",
    "Not right now, maybe in the spring.",
    "Is this a bot? I'd like to talk to a real person.",
    "Honestly this is the fifth email, it's getting annoying!!!",
)
HUMAN = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Safari/17.1"


def sent_time(touch: Touch) -> datetime:
    assert touch.sent_at is not None
    return touch.sent_at


class CachedKnowledge:
    """The real knowledge base, answering each distinct retrieval once (the simulation asks the same
    questions thousands of times: the leads share a handful of needs)."""

    def __init__(self, inner: KnowledgeBase) -> None:
        self.inner = inner
        self.answers: dict[RetrievalQuery, list[Source]] = {}

    def retrieve(self, query: RetrievalQuery) -> list[Source]:
        if query not in self.answers:
            self.answers[query] = self.inner.retrieve(query)
        return self.answers[query]

    def company_facts(self) -> tuple[str, ...]:
        return self.inner.company_facts()

    def offers(self) -> tuple[OfferWindow, ...]:
        return self.inner.offers()


@dataclass
class SimLead:
    id: uuid.UUID
    persona: str
    zone: str
    b2b: bool
    arrives: datetime
    opened: set[uuid.UUID] = field(default_factory=set)


@dataclass
class Run:
    """What the world did, to audit afterwards."""

    replies: list[tuple[uuid.UUID, datetime, str]] = field(default_factory=list)
    coverage_checks: int = 0
    uncovered: list[tuple[datetime, uuid.UUID]] = field(default_factory=list)
    ticks: int = 0
    rep_actions: Counter[str] = field(default_factory=Counter)


class World:
    """Scripted leads and reps around the real system, on one simulated clock."""

    def __init__(self, services: Services, client: TestClient, rep: Caller, clock: FakeClock) -> None:
        self.services = services
        self.client = client
        self.rep = rep
        self.clock = clock
        self.rng = random.Random(SEED)
        self.queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.leads: dict[uuid.UUID, SimLead] = {}
        self.pending_arrivals: list[tuple[datetime, int, str, str, bool]] = []
        self.run = Run()
        self.seen_sent: set[uuid.UUID] = set()
        self.seen_drafts: set[uuid.UUID] = set()
        self.watermark = datetime.min.replace(tzinfo=UTC)

    # --- scheduling ---------------------------------------------------------------------------------
    def at(self, when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (when, next(self.order), action))

    def play_until(self, until: datetime) -> None:
        while self.queue and self.queue[0][0] <= until:
            when, _, action = heapq.heappop(self.queue)
            self.clock.now = max(self.clock.now, when)
            action()
        self.clock.now = until

    # --- the leads ------------------------------------------------------------------------------------
    def plan_arrivals(self, start: datetime) -> None:
        personas = list(PERSONAS)
        weights = list(PERSONAS.values())
        for index in range(LEADS):
            persona = personas[index] if index < len(personas) else self.rng.choices(personas, weights)[0]
            arrives = start + timedelta(minutes=self.rng.randrange(0, 10 * 24 * 60))
            zone = self.rng.choice(ZONES)
            b2b = self.rng.random() < 0.7
            self.at(arrives, partial(self.arrive, index, persona, zone, b2b))

    def arrive(self, index: int, persona: str, zone: str, b2b: bool) -> None:
        industry = list(NEEDS)[index % len(NEEDS)]
        need, message = NEEDS[industry]
        texter = self.rng.random() < 0.3
        inquiry = Inquiry(
            message=message,
            email=f"lead{index}@sim.example",
            phone=f"+1555{index:07d}" if texter else None,
            first_name=f"Lead{index}",
            company=f"Company {index}" if b2b else None,
            industry=industry,
            need=need,
            timezone=zone,
            consent_sms=texter,
            deal_value=Decimal(50000) if self.rng.random() < 0.04 else None,
        )
        outcome = submit_inquiry(self.services, inquiry)
        if is_sendable(outcome):  # what POST /v1/inquiries does right after its commit
            assert outcome.touch_id is not None
            self.services.outbox.dispatch(outcome.touch_id)
        lead = SimLead(outcome.lead_id, persona, zone, b2b, self.clock.now)
        self.leads[lead.id] = lead
        self.script(lead)

    def script(self, lead: SimLead) -> None:
        """What this lead will do whatever we send (reactions to each email come in ``on_sent``)."""
        now, rng, persona = self.clock.now, self.rng, lead.persona

        def days(low: float, high: float) -> datetime:
            return now + timedelta(days=rng.uniform(low, high))

        if persona == "replier":
            self.at(days(1.5, 12), lambda: self.reply(lead, rng.choice(HANDOFF_REPLIES)))
        elif persona == "out_of_office":
            away = days(2, 6)
            back = (away + timedelta(days=10)).date()
            self.at(away, lambda: self.reply(lead, f"I am out of the office until {back:%B} {back.day}."))
        elif persona == "unsubscribe_reply":
            self.at(days(2, 8), lambda: self.reply(lead, "Please remove me from your list."))
        elif persona == "unsubscribe_link":
            self.at(days(1, 8), lambda: self.unsubscribe(lead))
        elif persona == "bounce":
            self.at(
                days(0.5, 2),
                lambda: self.reply(lead, "Address not found.", sender="MAILER-DAEMON@mx.sim.example"),
            )
        elif persona == "downloader":
            self.at(
                days(1, 5),
                partial(self.event, lead, EventType.DOWNLOAD, {"title": "No-show cost calculator"}),
            )
            self.at(days(5, 9), lambda: self.visit(lead, "https://northstar.example/case-studies/glow-spa"))
        elif persona == "quote":
            self.at(days(4, 9), partial(self.event, lead, EventType.QUOTE_SENT, {"amount": "4800"}))
            if rng.random() < 0.5:
                self.at(days(20, 25), partial(self.event, lead, EventType.PURCHASE, {"amount": "4800"}))
        elif persona == "meeting":
            self.at(days(2, 4), partial(self.event, lead, EventType.MEETING_BOOKED, {}))
            self.at(days(5, 7), partial(self.event, lead, EventType.MEETING_HELD, {}))
        elif persona == "returner":
            self.at(days(42, 48), lambda: self.visit(lead, "https://northstar.example/pricing"))
        elif persona == "paused":
            self.at(days(3, 5), lambda: self.rep_call(lead, "pause", {"reason": "they asked for a break"}))
            self.at(days(14, 18), lambda: self.rep_call(lead, "resume", {}))
        elif persona == "snoozed":
            until = days(10, 12)
            self.at(days(3, 5), lambda: self.rep_call(lead, "pause", {"until": until.isoformat()}))

    def on_drafted(self, touch: Touch) -> None:
        """A draft waiting for a rep: the late replier writes before the rep gets to it."""
        lead = self.leads.get(touch.lead_id)
        if lead is not None and lead.persona == "late_replier" and touch.purpose == TouchPurpose.BREAKUP:
            self.at(
                touch.created_at + timedelta(minutes=30),
                lambda: self.reply(lead, "Sorry, busy weeks! Still keen."),
            )

    def on_sent(self, touch: Touch) -> None:
        """How each persona reacts to a message that just went out."""
        lead = self.leads.get(touch.lead_id)
        if lead is None or touch.channel != Channel.EMAIL or touch.sent_at is None:
            return
        sent, rng = sent_time(touch), self.rng
        if lead.persona in {"reader", "clicker"} or (lead.persona == "returner" and not lead.opened):
            lead.opened.add(touch.id)
            self.at(
                sent + timedelta(hours=rng.uniform(1, 20)),
                partial(self.event, lead, EventType.OPEN, {}, touch=touch),
            )
        if lead.persona == "clicker":
            click_at = sent + timedelta(hours=rng.uniform(2, 24))
            self.at(
                click_at,
                partial(
                    self.event, lead, EventType.CLICK, {"url": "https://northstar.example/blog/"}, touch=touch
                ),
            )
            if touch.purpose == TouchPurpose.VALUE_ADD:
                self.at(
                    click_at + timedelta(minutes=3),
                    lambda: self.visit(lead, "https://northstar.example/pricing"),
                )
        if lead.persona == "apple_proxy":
            self.at(
                sent + timedelta(seconds=1),
                partial(
                    self.event,
                    lead,
                    EventType.OPEN,
                    {"user_agent": "Mozilla/5.0", "ip": "17.58.0.9"},
                    touch=touch,
                ),
            )
        if lead.persona == "scanner":
            for n in range(3):
                self.at(
                    sent + timedelta(milliseconds=300 + 100 * n),
                    partial(
                        self.event,
                        lead,
                        EventType.CLICK,
                        {"url": f"https://x.example/{n}", "user_agent": "Mimecast"},
                        touch=touch,
                    ),
                )

    # --- what a lead does, through the real paths --------------------------------------------------------
    def event(
        self, lead: SimLead, kind: EventType, payload: dict[str, Any], *, touch: Touch | None = None
    ) -> None:
        payload = {"user_agent": HUMAN, **payload}
        if touch is not None:
            payload["touch_id"] = str(touch.id)
        channel = Channel.EMAIL if kind in {EventType.OPEN, EventType.CLICK, EventType.REPLY} else None
        with self.services.session_factory.begin() as session:
            row = LeadRepository(session).get(lead.id)
            assert row is not None
            record_event(
                session,
                self.services.loop,
                row,
                NewEvent(type=kind, channel=channel, payload=payload),
                self.clock.now,
            )

    def visit(self, lead: SimLead, url: str) -> None:
        self.event(lead, EventType.PAGE_VISIT, {"url": url})

    def reply(self, lead: SimLead, text: str, *, sender: str | None = None) -> None:
        self.run.replies.append((lead.id, self.clock.now, text))
        message = {"message": text, "subject": "Re: your question", "from": sender or "lead@sim.example"}
        self.event(lead, EventType.REPLY, message)

    def unsubscribe(self, lead: SimLead) -> None:
        link = self.services.links.unsubscribe_url(lead.id, Channel.EMAIL)
        response = self.client.post(urlsplit(link).path)  # the RFC 8058 one-click POST
        assert response.status_code == 200, response.text

    # --- the reps -------------------------------------------------------------------------------------
    def rep_call(self, lead: SimLead, what: str, body: dict[str, str]) -> None:
        response = self.client.post(f"/v1/leads/{lead.id}/{what}", json=body, headers=self.rep.headers)
        assert response.status_code in {200, 409}, response.text  # 409: the lead ended meanwhile
        self.run.rep_actions[f"{what} {response.status_code}"] += 1

    def reps_work_the_queue(self) -> None:
        """Once a working day: most drafts approved, some edited, some rejected; handoffs taken back."""
        for _ in range(10):
            page = self.client.get("/v1/queue", params={"limit": 200}, headers=self.rep.headers).json()
            for item in page["data"]:
                touch = item["touch"]
                roll = self.rng.random()
                if roll < 0.85:
                    path, body = "approve", {"version": touch["version"]}
                elif roll < 0.9:
                    path, body = (
                        "edit",
                        {"version": touch["version"], "body": touch["body"].replace("Hi ", "Hello ", 1)},
                    )
                else:
                    path, body = "reject", {"version": touch["version"], "reason": "not the right moment"}
                response = self.client.post(
                    f"/v1/queue/{touch['id']}/{path}", json=body, headers=self.rep.headers
                )
                assert response.status_code in {200, 409, 422}, response.text
                self.run.rep_actions[f"{path} {response.status_code}"] += 1
            if len(page["data"]) < 200:
                break
        with self.services.session_factory() as session:
            handed = session.scalars(select(Lead.id).where(Lead.status == LeadStatus.HANDED_OFF)).all()
        for lead_id in handed:
            if self.rng.random() < 0.4:  # the rep talked to them and hands them back to automation
                self.rep_call(self.leads[lead_id], "resume", {"note": "spoke to them"})

    # --- the worker and the checks -----------------------------------------------------------------------
    def tick(self) -> None:
        tick(self.services)
        self.run.ticks += 1
        with self.services.session_factory() as session:
            recent = session.scalars(select(Touch).where(Touch.sent_at >= self.watermark)).all()
        with self.services.session_factory() as session:
            drafts = session.scalars(select(Touch).where(Touch.state == TouchState.PENDING_REVIEW)).all()
        for touch in drafts:
            if touch.id not in self.seen_drafts:
                self.seen_drafts.add(touch.id)
                self.on_drafted(touch)
        for touch in recent:
            if touch.id not in self.seen_sent and touch.sent_at is not None:
                self.seen_sent.add(touch.id)
                self.watermark = max(self.watermark, touch.sent_at)
                self.on_sent(touch)

    def check_coverage(self) -> None:
        """Every active lead has a next action: a time to look again, or a touch on its way."""
        self.run.coverage_checks += 1
        with self.services.session_factory() as session:
            active = session.execute(
                select(Lead.id, Lead.next_action_at).where(
                    Lead.status.in_([LeadStatus.NEW, LeadStatus.ACTIVE])
                )
            ).all()
            in_flight = set(
                session.scalars(
                    select(Touch.lead_id).where(
                        Touch.state.in_([TouchState.PENDING_REVIEW, TouchState.QUEUED, TouchState.SENDING])
                    )
                )
            )
        self.run.uncovered.extend(
            (self.clock.now, lead_id) for lead_id, at in active if at is None and lead_id not in in_flight
        )


@pytest.fixture
def database_url(sqlite_database: str) -> Iterator[str]:
    """SQLite only (see the module's docstring); the tables are emptied after, as for every test."""
    yield sqlite_database
    empty_tables(sqlite_database)


@pytest.fixture
def world(
    services: Services, client: TestClient, rep: Caller, clock: FakeClock, knowledge_base: KnowledgeBase
) -> Iterator[World]:
    services.loop.knowledge = CachedKnowledge(knowledge_base)
    yield World(services, client, rep, clock)


class TestSimulation:
    def test_100_leads_of_every_kind_for_60_days(
        self, world: World, services: Services, clock: FakeClock
    ) -> None:
        start = clock.now
        world.plan_arrivals(start)
        at = start
        while at < start + timedelta(days=DAYS):
            at += TICK
            world.play_until(at)
            world.tick()
            if at.hour == 16 and at.weekday() < 5:
                world.reps_work_the_queue()
            if at.hour % 6 == 0:
                world.check_coverage()

        audit(world, services)


def audit(world: World, services: Services) -> None:
    config = PolicyConfig.from_settings(services.settings)
    with services.session_factory() as session:
        leads = {lead.id: lead for lead in session.scalars(select(Lead))}
        touches = list(session.scalars(select(Touch)))
        events = list(session.scalars(select(Event)))
        handoffs = list(session.scalars(select(Handoff)))
        suppressions = list(session.scalars(select(Suppression)))
        actions = list(
            session.scalars(
                select(ReviewAction).where(ReviewAction.action.in_(["lead.pause", "lead.resume"]))
            )
        )
    sent = [t for t in touches if t.state == TouchState.SENT and t.sent_at is not None]

    # Consent: no message went to a lead on a channel they had not consented to.
    unconsented = [
        t.id
        for t in sent
        if (t.channel == "email" and not (leads[t.lead_id].consent_email and leads[t.lead_id].email))
        or (t.channel == "sms" and not (leads[t.lead_id].consent_sms and leads[t.lead_id].phone))
    ]
    assert unconsented == []

    # Coverage.
    assert world.run.coverage_checks >= 4 * DAYS - 1
    assert world.run.uncovered == []

    # Nothing to a suppressed address.
    for touch in sent:
        lead = leads[touch.lead_id]
        address = lead.email if touch.channel == Channel.EMAIL else lead.phone
        blocked = [
            s
            for s in suppressions
            if (s.channel == "all" and s.address in {lead.email, lead.phone})
            or (s.channel == touch.channel and s.address == address)
        ]
        assert all(sent_time(touch) < s.created_at for s in blocked), (
            touch.id,
            touch.sent_at,
            [(s.channel, s.created_at) for s in blocked],
        )

    # Nothing to a paused lead or a lead in a person's hands.
    closed_windows: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {}
    for handoff in handoffs:
        closed_windows.setdefault(handoff.lead_id, []).append(
            (handoff.created_at, handoff.closed_at or datetime.max.replace(tzinfo=UTC))
        )
    by_lead = sorted(actions, key=lambda a: a.created_at)
    paused_since: dict[uuid.UUID, datetime] = {}
    for action in by_lead:
        assert action.lead_id is not None
        if action.action == "lead.pause":
            paused_since.setdefault(action.lead_id, action.created_at)
        elif action.lead_id in paused_since:
            closed_windows.setdefault(action.lead_id, []).append(
                (paused_since.pop(action.lead_id), action.created_at)
            )
    for lead_id, since in paused_since.items():
        closed_windows.setdefault(lead_id, []).append((since, datetime.max.replace(tzinfo=UTC)))
    # A send at the very instant a window opens is the acknowledgment queued before it: a lead that
    # arrives on a worker tick gets its instant answer, and the tick hands it over (high value) just after.
    for touch in sent:
        for opened, closed in closed_windows.get(touch.lead_id, []):
            at_opening = sent_time(touch) == opened and touch.purpose == TouchPurpose.ACKNOWLEDGMENT
            assert at_opening or not (opened <= sent_time(touch) < closed), (
                world.leads[touch.lead_id].persona,
                touch.purpose,
                touch.sent_at,
                opened,
                closed,
            )

    # No cap broken, nothing outside the lead's hours. The day-0 answer is the exception the policy
    # makes (`timing.personal_response_with_acknowledgment`): the email acknowledgment, and the personal
    # reply the composer's acknowledgment promised, sent with it (within a worker tick or two) at any
    # hour and outside the day's cap; the two count once, as one answer, in the week's and the month's.
    acknowledged: dict[uuid.UUID, list[datetime]] = {}
    for touch in sent:
        if touch.purpose == TouchPurpose.ACKNOWLEDGMENT:
            acknowledged.setdefault(touch.lead_id, []).append(sent_time(touch))
    per_lead: dict[uuid.UUID, list[datetime]] = {}
    for touch in sent:
        lead = leads[touch.lead_id]
        personal = touch.purpose == TouchPurpose.PERSONAL_RESPONSE
        if not personal:  # every other send counts in every cap (the acknowledgment in the day's too)
            per_lead.setdefault(touch.lead_id, []).append(sent_time(touch))
        if touch.purpose == TouchPurpose.ACKNOWLEDGMENT and touch.channel == Channel.EMAIL:
            continue  # answered the moment they wrote, day or night
        with_acknowledgment = any(
            timedelta(0) <= sent_time(touch) - at <= 2 * TICK for at in acknowledged.get(lead.id, [])
        )
        if personal and with_acknowledgment:
            continue  # the rest of that answer, right after it, day or night
        hours = config.email_hours if touch.channel == Channel.EMAIL else config.sms_hours
        local = sent_time(touch).astimezone(ZoneInfo(lead.timezone))
        assert is_open(local, ZoneInfo(lead.timezone), hours, weekdays_only=bool(lead.company)), (
            touch.purpose,
            touch.channel,
            touch.state,
            local,
            acknowledged.get(lead.id),
        )
    assert {
        lead_id: breaches(times, config.caps)
        for lead_id, times in per_lead.items()
        if breaches(times, config.caps)
    } == {}
    assert sum(len(times) for times in per_lead.values()) > len(sent) // 2  # most sends are held to them

    # Every reply a person should answer handed off within one tick.
    readings = {e.id: e.reading for e in events if e.type == EventType.REPLY}
    handed = 0
    for event in (e for e in events if e.type == EventType.REPLY):
        reading = readings[event.id]
        assert reading is not None
        if ReplyIntent(reading["intent"]) in {
            ReplyIntent.OUT_OF_OFFICE,
            ReplyIntent.UNSUBSCRIBE,
            ReplyIntent.BOUNCE_LIKE,
        }:
            continue
        already_with_a_person = any(
            h.lead_id == event.lead_id
            and h.created_at < event.recorded_at
            and (h.closed_at is None or h.closed_at > event.recorded_at)
            for h in handoffs
        )
        if already_with_a_person or leads[event.lead_id].status == LeadStatus.UNSUBSCRIBED:
            continue
        assert any(
            h.lead_id == event.lead_id and event.recorded_at <= h.created_at <= event.recorded_at + TICK
            for h in handoffs
        ), event.payload
        handed += 1

    # The run did what it set out to do.
    statuses = Counter(lead.status for lead in leads.values())
    purposes = Counter(t.purpose for t in sent)
    assert len(leads) == LEADS
    assert set(PERSONAS) <= {lead.persona for lead in world.leads.values()}
    assert handed >= LEADS * 6 // 100
    assert statuses[LeadStatus.UNSUBSCRIBED] >= LEADS * 3 // 100
    assert purposes[TouchPurpose.NURTURE] > 0 and purposes[TouchPurpose.BREAKUP] > 0
    assert Counter(t.sequence for t in sent).keys() >= {
        "new_lead",
        "post_quote",
        "meeting_booked",
        "post_meeting",
        "re_engagement",
        "onboarding",
    }
    superseded = [t for t in touches if t.state == TouchState.SUPERSEDED]
    assert superseded and all(t.sent_at is None and t.superseded_reason for t in superseded)
    print(  # the figures of the run, for the record (`pytest -s`)
        f"\nsimulation: {len(leads)} leads, {DAYS} days, {world.run.ticks} ticks; {len(sent)} sent "
        f"({dict(purposes)}); {len(handoffs)} handoffs ({dict(Counter(h.reason for h in handoffs))}; "
        f"{handed} replies checked); statuses {dict(statuses)}; "
        f"{sum(t.state == TouchState.SUPERSEDED for t in touches)} superseded; "
        f"rep actions {dict(world.run.rep_actions)}; "
        f"coverage checks {world.run.coverage_checks}, uncovered {len(world.run.uncovered)}"
    )
