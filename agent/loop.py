"""One step of the agent loop for one lead: collect -> decide -> retrieve -> draft -> check -> route.

The step only adds to the session it is given; the caller (an API request, a worker tick) owns the
transaction, so a step either lands whole or not at all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agent.db.models import Decision, Handoff, Lead, Touch, new_id
from agent.db.repositories.audit import AuditRepository
from agent.db.repositories.decisions import DecisionRepository
from agent.db.repositories.events import EventRepository
from agent.db.repositories.handoffs import HandoffRepository
from agent.db.repositories.leads import LeadRepository
from agent.db.repositories.snapshots import load_snapshot, load_snapshots
from agent.db.repositories.touches import TouchRepository
from agent.domain import (
    MACHINE_INTENTS,
    RECEIVED_STATES,
    Channel,
    CompanyIdentity,
    DrafterKind,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    ReplyIntent,
    ReplyReading,
    TouchPurpose,
    TouchState,
)
from agent.drafting.base import DraftRequest
from agent.drafting.language import preferred_source_language
from agent.drafting.pipeline import DraftingPipeline, DraftOutcome
from agent.drafting.questions import find_questions, question_language
from agent.guardrails import PriorMessage
from agent.handoff import HandoffTarget, build_brief
from agent.policy import (
    COMPOSED_ACKNOWLEDGMENT,
    DEADLINE_MISSED,
    DEFAULT_CONFIG,
    Action,
    DraftTouch,
    Enrollment,
    HandOff,
    PolicyConfig,
    Stop,
    Wait,
    action_details,
    action_kind,
    decision_key,
    describe,
    earliest_send,
    next_action,
    outdated_by,
)
from agent.replies.message import InboundReply
from agent.replies.protocol import ReplyClassifier
from agent.replies.reader import read_inquiry
from agent.replies.rules import RuleClassifier
from agent.scoring import Score, score
from agent.sequences import Sequence
from agent.services import suppression, touches
from agent.timing import zone
from knowledge.types import Answers, KnowledgeSource, RetrievalQuery, Source

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StepResult:
    action: Action
    touch: Touch | None = None
    pending: PendingDraft | None = None  # a draft to make outside the transaction (see ``run_step``)
    unread: tuple[tuple[str, InboundReply], ...] = ()  # replies for a model to read outside it


@dataclass(frozen=True, slots=True)
class PendingDraft:
    """A decision to draft, taken out of the transaction with the snapshot it was made on."""

    action: DraftTouch
    snapshot: LeadSnapshot
    now: datetime


@dataclass(frozen=True, slots=True)
class Drafted:
    """A draft made outside a transaction, for the decision it was made for."""

    action: DraftTouch
    request: DraftRequest
    outcome: DraftOutcome

    def answers(self, action: DraftTouch) -> bool:
        mine = (self.action.sequence, self.action.step, self.action.purpose, self.action.channel)
        return mine == (action.sequence, action.step, action.purpose, action.channel)


REDECIDE = 2  # a decision that changed while its draft was being written is drafted again, this often


class AgentLoop:
    def __init__(
        self,
        *,
        knowledge: KnowledgeSource,
        drafting: DraftingPipeline,
        sequences: Mapping[str, Sequence],
        identity: CompanyIdentity,
        config: PolicyConfig = DEFAULT_CONFIG,
        classifier: ReplyClassifier | None = None,
        handoff_target: HandoffTarget | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.drafting = drafting
        self.sequences = sequences
        self.identity = identity
        self.config = config
        self.classifier = classifier or RuleClassifier()
        self.handoff_target = handoff_target or HandoffTarget()

    def use_playbook(self, sequences: Mapping[str, Sequence], config: PolicyConfig) -> None:
        """Decide by another version of the business's playbook from the next decision on."""
        self.sequences, self.config = sequences, config

    def step(
        self,
        session: Session,
        lead: Lead,
        now: datetime,
        *,
        drafted: Drafted | None = None,
        defer_drafting: bool | None = None,
        readings: Mapping[str, ReplyReading] | None = None,
        snapshot: LeadSnapshot | None = None,
    ) -> StepResult:
        """Collect, read new replies, decide, act and record, for one lead, in the caller's transaction.

        ``snapshot`` is the lead's as collected now, when the caller has it without collecting it (a
        lead born in this transaction: ``new_lead_snapshot``); by default the step collects it.

        The caller has locked the lead's row (``LeadRepository.lock``), before anything it wrote, so a
        worker's tick and an API request reacting to an event never decide for the same lead at once:
        the second waits, then sees what the first did. The step takes no lock of its own: every
        caller holds it already, and taking it again cost a query per step on the inquiry path.

        Everything the step writes goes to the database in one flush, with the caller's commit (or
        its next query): the lead's row is written once, not once per change.

        A model never drafts inside a transaction: with an LLM configured (``defer_drafting`` defaults
        to it), a decision to draft is returned as ``pending`` and the lead is due at once, for
        ``run_step`` (the worker, the inquiry path) to draft outside and record in a second step that
        decides again and uses the draft only if the decision still stands (``drafted``).
        """
        if defer_drafting is None:
            defer_drafting = self.drafting.has_llm or self.classifier.uses_model
        snapshot = snapshot or load_snapshot(session, lead)
        if self.classifier.uses_model and defer_drafting:
            unread = [
                r
                for r in _unread_replies(snapshot)
                if r.id is not None and (readings is None or r.id not in readings)
            ]
            if unread:  # a model reads them outside the transaction; the lead is due at once meanwhile
                lead.next_action_at = now
                return StepResult(
                    Wait(until=now, rules=("replies.to_read",)),
                    unread=tuple((str(r.id), _inbound(r)) for r in unread),
                )
        today = now.astimezone(zone(lead.timezone)).date()
        inquiries_read = self._read_inquiries(EventRepository(session), snapshot, today)
        replies_read = self._read_replies(session, lead, snapshot, now, readings or {})
        snooze_ended = self._end_snooze(session, lead, now)
        if replies_read or snooze_ended:
            snapshot = load_snapshot(session, lead)  # a reply may have changed the lead, its suppressions
        elif inquiries_read:
            # Reading an inquiry changes nothing but its reading: the snapshot is brought up to date
            # here, not collected again (four queries on every inquiry).
            snapshot = with_readings(snapshot, inquiries_read)
        return self._act(session, lead, snapshot, now, drafted=drafted, defer_drafting=defer_drafting)

    def run_step(
        self,
        session_factory: sessionmaker[Session],
        lead_id: uuid.UUID,
        clock: Callable[[], datetime],
        *,
        deadline: float | None = None,
        owner: str | None = None,
        lease: timedelta | None = None,
    ) -> StepResult | None:
        """One step in short transactions: decide, draft outside any transaction, decide again and record.

        ``deadline`` (seconds) bounds the model for an instant answer: the composer answers if it is
        late. ``owner`` is a worker's lease: the step happens only while it holds the lead, and the lease
        is given back at the end. None if the lead is gone or no longer ours. ``lease`` renews it each
        time the step takes the lead: a tick of a dozen model drafts outlasts the lease it claimed with,
        and a lead whose draft is under way must not be claimed (and drafted again) by another worker.
        """
        drafted: Drafted | None = None
        readings: dict[str, ReplyReading] = {}
        for attempt in range(REDECIDE + 2):
            with session_factory.begin() as session:
                lead = LeadRepository(session).lock(lead_id)
                if lead is None or (owner is not None and lead.lease_owner != owner):
                    return None
                if owner is not None and lease is not None:
                    lead.lease_expires_at = clock() + lease
                timezone = lead.timezone
                defer = (self.drafting.has_llm or self.classifier.uses_model) and attempt <= REDECIDE
                result = self.step(
                    session, lead, clock(), drafted=drafted, defer_drafting=defer, readings=readings
                )
                if result.pending is None and not result.unread:
                    if owner is not None:
                        lead.lease_owner = None
                        lead.lease_expires_at = None
                    return result
            if result.unread:
                today = clock().astimezone(zone(timezone)).date()
                readings.update(
                    {key: self.classifier.classify(reply, today=today) for key, reply in result.unread}
                )
            elif result.pending is not None:
                drafted = self.draft_outside(result.pending, deadline=deadline)
        raise AssertionError("unreachable: the last attempt reads and drafts inside the step")

    def draft_outside(self, pending: PendingDraft, *, deadline: float | None = None) -> Drafted:
        """Retrieve and draft with no transaction open: both take time (an embedding, a model call)."""
        request = self.draft_request(pending.snapshot, pending.action, pending.now)
        if deadline is None:
            outcome = self.drafting.produce(request)
        else:
            outcome, _late = self.drafting.produce_within(request, deadline)
        return Drafted(pending.action, request, outcome)

    def decide(self, snapshot: LeadSnapshot, now: datetime) -> tuple[Score, Action]:
        """The pure part of a step: the engagement score and the policy's decision."""
        engagement = score(snapshot, now, self.config.scoring)
        return engagement, next_action(snapshot, self.sequences, now, self.config, engagement=engagement)

    def step_many(self, session: Session, leads: list[Lead], now: datetime) -> list[uuid.UUID]:
        """The worker's fast path over leads it has locked: decide for all of them at once.

        A lead whose decision is only to wait (most due leads: quiet hours, caps, a step not due yet)
        is settled here, all in one statement in the caller's transaction, its lease given back. The
        others (a draft, a handoff, a stop, a reply to read, a snooze ending) are returned, to be
        stepped one by one in their own transactions.
        """
        snapshots = load_snapshots(session, leads)
        deferred = []
        settled: list[dict[str, Any]] = []
        for lead in leads:
            snapshot = snapshots[lead.id]
            if _unread_replies(snapshot) or self._snooze_over(lead, now):
                deferred.append(lead.id)
                continue
            engagement, action = self.decide(snapshot, now)
            if not isinstance(action, Wait) or action.enroll is not None or outdated_by(action) is not None:
                deferred.append(lead.id)
                continue
            key = decision_key(action)
            if key != lead.decision_key:
                DecisionRepository(session).add(_decision(lead.id, action, now))
            settled.append(
                {
                    "id": lead.id,
                    "next_action_at": action.until,
                    "engagement_score": engagement.value,
                    "score_breakdown": engagement.as_dict(),
                    "decision_key": key,
                    "lease_owner": None,
                    "lease_expires_at": None,
                }
            )
        LeadRepository(session).settle(settled)
        return deferred

    def _act(
        self,
        session: Session,
        lead: Lead,
        snapshot: LeadSnapshot,
        now: datetime,
        *,
        drafted: Drafted | None = None,
        defer_drafting: bool = False,
    ) -> StepResult:
        engagement, action = self.decide(snapshot, now)
        self._store_score(lead, engagement)
        stale = outdated_by(action)
        if stale is not None:
            self.supersede(session, lead, stale, now)
        if isinstance(action, Wait | DraftTouch) and action.enroll is not None:
            self._enrol(lead, action.enroll)
        touch = None
        if isinstance(action, DraftTouch):
            if drafted is not None and drafted.answers(action):
                touch = self.record_touch(session, lead, action, drafted.request, drafted.outcome, now)
            elif defer_drafting:
                lead.next_action_at = now  # whoever drafts it (the caller, or the worker) may start now
                return StepResult(action, pending=PendingDraft(action, snapshot, now))
            else:
                touch = self._draft(session, lead, snapshot, action, now)
            if touch.state == TouchState.QUEUED:
                touch.send_after = now  # decided for now: checked again if it has not gone by the next drain
            # The new touch is in flight: nothing more until it is sent or reviewed, which wakes the lead.
            lead.next_action_at = None
        elif isinstance(action, HandOff):
            self._hand_off(session, lead, snapshot, action, engagement, now)
        elif isinstance(action, Stop):
            lead.next_action_at = None
            if action.status is not None:
                lead.status = action.status
        else:
            lead.next_action_at = action.until
        self._record(session, lead, action, now, touch)
        logger.info(
            "agent.step",
            extra={"lead_id": str(lead.id), "action": type(action).__name__, "rules": action.rules},
        )
        return StepResult(action=action, touch=touch)

    def _draft(
        self, session: Session, lead: Lead, snapshot: LeadSnapshot, action: DraftTouch, now: datetime
    ) -> Touch:
        request = self.draft_request(snapshot, action, now)
        outcome = self.drafting.produce(request)
        return self.record_touch(session, lead, action, request, outcome, now)

    def draft_request(self, snapshot: LeadSnapshot, action: DraftTouch, now: datetime) -> DraftRequest:
        """Retrieve for this lead and purpose, and gather what the drafter and the guardrails need."""
        context = snapshot.lead
        query = RetrievalQuery.for_lead(
            need=context.need,
            inquiry=context.inquiry_text,
            purpose=action.purpose.value,
            industry=context.industry,
            already_sent=snapshot.sent_source_ids,
            today=now.date(),
            language=preferred_source_language(self.identity, context),
        )
        sources = tuple(self.knowledge.retrieve(query))
        answers = lead_answers(self.knowledge, context, action.purpose, now.date())
        sources = (*sources, *answer_sources(self.knowledge, answers, sources))
        offers = self.knowledge.offers()
        live_offers = {o.id for o in offers if o.live_on(now.date())}
        return DraftRequest(
            lead=context,
            purpose=action.purpose,
            channel=action.channel,
            sources=sources,
            identity=self.identity,
            now=now,
            previous=tuple(
                PriorMessage(touch.body, touch.purpose.value)
                for touch in snapshot.touches
                if touch.state in RECEIVED_STATES
            ),
            company_facts=self.knowledge.company_facts(),
            live_offer_ids=frozenset(s.id for s in sources if s.id in live_offers),
            offers=offers,
            signals=action.signals,
            angle=action.angle,
            answers=answers.found,
            unanswered=answers.unanswered,
        )

    def record_touch(
        self,
        session: Session,
        lead: Lead,
        action: DraftTouch,
        request: DraftRequest,
        outcome: DraftOutcome,
        now: datetime,
    ) -> Touch:
        """Store the draft with everything that produced it; only a clean auto-send step is queued.

        Added, not flushed: it is written with the rest of the step (its id is its own from the start).
        """
        draft = outcome.draft
        state = touches.initial_state(auto_send=action.auto_send, clean=outcome.clean)
        touch = Touch(
            id=new_id(),
            lead_id=lead.id,
            sequence=action.sequence,
            step=action.step,
            purpose=action.purpose,
            channel=action.channel,
            subject=draft.subject,
            body=draft.body,
            call_to_action=draft.call_to_action,
            drafter=draft.drafter,
            drafter_label=draft.label,
            model=draft.model,
            prompt_version=draft.prompt_version,
            sources=[_source_record(s) for s in request.sources if s.id in draft.source_ids],
            guardrails=[v.as_dict() for v in outcome.violations],
            drafting={**outcome.record(), "tone": _tone_record(request)},
            decision_rules=[*action.rules, *_drafting_rules(action, outcome)],
            auto_send=action.auto_send,
            state=state,
            created_at=now,
            updated_at=now,
        )
        session.add(touch)
        if lead.status == LeadStatus.NEW and state is TouchState.PENDING_REVIEW:
            lead.status = LeadStatus.ACTIVE
        return touch

    def _hand_off(
        self,
        session: Session,
        lead: Lead,
        snapshot: LeadSnapshot,
        action: HandOff,
        engagement: Score,
        now: datetime,
    ) -> None:
        """A person takes over: a brief, a response-time target, and automation paused until resumed."""
        if lead.status != LeadStatus.PAUSED:  # a rep's pause outlasts the handoff
            lead.status = LeadStatus.HANDED_OFF
        lead.next_action_at = None
        due_by = self.handoff_target.due_by(now)
        brief = build_brief(snapshot, action, engagement, now=now, due_by=due_by, scoring=self.config.scoring)
        HandoffRepository(session).add(
            Handoff(
                lead_id=lead.id,
                reason=action.reason,
                summary=brief.summary,
                brief=brief.content,
                due_by=due_by,
                created_at=now,
            )
        )
        AuditRepository(session).record(
            action="handoff",
            lead_id=lead.id,
            reason=action.reason,
            details={"rules": list(action.rules), "due_by": due_by.isoformat()},
            now=now,
        )

    def send_time(self, session: Session, touch: Touch, now: datetime) -> datetime:
        """When an approved touch may go out: now, or when the lead's hours and caps next allow it."""
        lead = LeadRepository(session).get(touch.lead_id)
        if lead is None:
            return now
        snapshot = load_snapshot(session, lead)
        earliest, _ = earliest_send(
            snapshot, Channel(touch.channel), TouchPurpose(touch.purpose), now, self.config
        )
        return earliest

    # --- the bookkeeping of a step -------------------------------------------------------------------
    def _read_replies(
        self,
        session: Session,
        lead: Lead,
        snapshot: LeadSnapshot,
        now: datetime,
        readings: Mapping[str, ReplyReading],
    ) -> bool:
        """Read replies not read yet and carry out what the reader was sure of: a request to stop
        suppresses every channel, a dead mailbox its address, a wrong person the address they wrote
        from. The language of the reply becomes the lead's, for the drafts that follow."""
        unread = _unread_replies(snapshot)
        if not unread:
            return False
        events = EventRepository(session)
        today = now.astimezone(zone(lead.timezone)).date()
        for record in unread:
            known = readings.get(record.id) if record.id is not None else None
            reading = known or self.classifier.classify(_inbound(record), today=today)
            event = events.get(uuid.UUID(str(record.id)))
            if event is None:
                continue
            event.reading = reading.as_dict()
            if reading.language and reading.intent not in MACHINE_INTENTS:
                lead.language = reading.language
            if not reading.suppress:
                continue
            source = f"reply {record.id}"
            if reading.intent is ReplyIntent.UNSUBSCRIBE:
                suppression.unsubscribe_by_reply(session, lead, source=source, now=now)
            elif reading.intent is ReplyIntent.BOUNCE_LIKE:
                channel = record.channel or Channel.EMAIL
                suppression.dead_address_by_reply(session, lead, channel, source=source, now=now)
            elif reading.intent is ReplyIntent.WRONG_PERSON:
                channel = record.channel or Channel.EMAIL
                suppression.wrong_person(session, lead, channel, source=source, now=now)
        session.flush()
        return bool(unread)

    def _read_inquiries(
        self, events: EventRepository, snapshot: LeadSnapshot, today: date
    ) -> dict[str, ReplyReading]:
        """An inquiry's words are read like a reply's ("can someone call me?" asks for a person: the
        policy hands off right after the acknowledgment). Read at once, without a model, so the
        acknowledgment is never held back for it. Returns the readings stored, by event id.

        (The inquiry path reads a new inquiry before storing it, ``read_inquiry``: this reads those
        stored unread, by an import or the events API.)"""
        stored: dict[str, ReplyReading] = {}
        for record in snapshot.events:
            if record.type is not EventType.INQUIRY or record.reading is not None or record.id is None:
                continue
            event = events.get(uuid.UUID(str(record.id)))
            if event is not None:
                event.reading = self.read_inquiry(_inbound(record), today).as_dict()
                stored[record.id] = ReplyReading.from_dict(event.reading)  # as a snapshot would read it
        return stored

    def read_inquiry(self, inquiry: InboundReply, today: date) -> ReplyReading:
        """What an inquiry's words say, read without a model (``_read_inquiries``); ``today`` in the
        lead's time zone."""
        reader = self.classifier if not self.classifier.uses_model else RuleClassifier()
        return read_inquiry(reader, inquiry, today)

    @staticmethod
    def _snooze_over(lead: Lead, now: datetime) -> bool:
        return lead.status == LeadStatus.PAUSED and lead.paused_until is not None and lead.paused_until <= now

    def _end_snooze(self, session: Session, lead: Lead, now: datetime) -> bool:
        if not self._snooze_over(lead, now):
            return False
        self.reactivate(session, lead, now, user_id=None, reason="the snooze ended")
        return True

    def reactivate(
        self, session: Session, lead: Lead, now: datetime, *, user_id: uuid.UUID | None, reason: str
    ) -> None:
        """Automation takes the lead back (a rep resumed it, or its snooze ended): open handoffs close."""
        previous = lead.status
        lead.status = LeadStatus.ACTIVE
        lead.paused_until = None
        closed = HandoffRepository(session).close_open(lead.id, by=user_id, now=now)
        AuditRepository(session).record(
            action="lead.resume",
            lead_id=lead.id,
            user_id=user_id,
            reason=reason,
            details={"from": previous, "handoffs_closed": closed},
            now=now,
        )

    @staticmethod
    def supersede(session: Session, lead: Lead, reason: str, now: datetime) -> int:
        """Unsent drafts that no longer fit are marked out of date: never approved, never sent."""
        count = touches.supersede(TouchRepository(session).unsent(lead.id), reason, now)
        session.flush()
        return count

    @staticmethod
    def _enrol(lead: Lead, enrollment: Enrollment) -> None:
        lead.sequence = enrollment.sequence
        lead.sequence_started_at = enrollment.started_at
        lead.sequence_step_base = enrollment.step_base

    @staticmethod
    def _store_score(lead: Lead, engagement: Score) -> None:
        if lead.engagement_score != engagement.value or not lead.score_breakdown:
            lead.engagement_score = engagement.value
            lead.score_breakdown = engagement.as_dict()

    @staticmethod
    def _record(
        session: Session, lead: Lead, action: Action, now: datetime, touch: Touch | None = None
    ) -> None:
        """Every decision goes in the lead's timeline with its rules; a repeat of the last one does not."""
        key = decision_key(action)
        if key == lead.decision_key and touch is None:
            return
        lead.decision_key = key
        if touch is not None:
            # The touch's row before the decision that names it: the unit of work knows no order
            # between the two (no relationship joins them). The lead's row goes in the same flush.
            session.flush()
        DecisionRepository(session).add(_decision(lead.id, action, now, touch))


# The touches that answer what the lead asked: the personal reply the acknowledgment promised.
ANSWERING_PURPOSES = frozenset({TouchPurpose.PERSONAL_RESPONSE})


def lead_answers(knowledge: object, lead: LeadContext, purpose: TouchPurpose, today: date) -> Answers:
    """The lead's questions (found in their inquiry) and the sentences answering them, for a touch that
    answers; nothing for other touches, or a knowledge base that cannot look for answers."""
    find = getattr(knowledge, "find_answers", None)
    if purpose not in ANSWERING_PURPOSES or find is None or not lead.inquiry_text:
        return Answers()
    questions = find_questions(lead.inquiry_text)
    if not questions:
        return Answers()
    language = lead.language or question_language(list(questions))
    found: Answers = find(questions, language=language, today=today, context=lead.inquiry_text)
    return found


def answer_sources(knowledge: object, answers: Answers, sources: tuple[Source, ...]) -> tuple[Source, ...]:
    """The documents the answers quote, as sources beside the retrieved ones: the guardrails then
    check the quoted figures and names against the very text they come from."""
    get = getattr(knowledge, "get", None)
    if get is None:
        return ()
    have = {s.id for s in sources}
    added: list[Source] = []
    for answer in answers.found:
        document = get(answer.document_id)
        if document is None or document.id in have:
            continue
        have.add(document.id)
        added.append(
            Source(
                id=document.id,
                type=document.type,
                title=document.title,
                url=document.url,
                text=document.body,
                score=answer.score,
                customer=document.customer,
                figures=document.figures,
                language=document.language,
            )
        )
    return tuple(added)


def _decision(lead_id: uuid.UUID, action: Action, now: datetime, touch: Touch | None = None) -> Decision:
    return Decision(
        lead_id=lead_id,
        action=action_kind(action),
        summary=describe(action),
        rules=list(action.rules),
        details=action_details(action),
        touch_id=touch.id if touch is not None else None,
        decided_at=now,
    )


def _inbound(record: EventRecord) -> InboundReply:
    payload = record.payload
    return InboundReply(
        message=str(payload.get("message") or ""),
        subject=_text_or_none(payload.get("subject")),
        sender=_text_or_none(payload.get("from")),
        channel=record.channel,
    )


def with_readings(snapshot: LeadSnapshot, readings: Mapping[str, ReplyReading]) -> LeadSnapshot:
    """The snapshot with these events' readings (by event id), as ``load_snapshot`` would now read it."""
    events = tuple(
        replace(e, reading=readings[e.id]) if e.id is not None and e.id in readings else e
        for e in snapshot.events
    )
    return replace(snapshot, events=events)


def _unread_replies(snapshot: LeadSnapshot) -> list[EventRecord]:
    return [e for e in snapshot.events if e.type is EventType.REPLY and e.reading is None and e.id]


def _text_or_none(value: object) -> str | None:
    return str(value) if value else None


def _tone_record(request: DraftRequest) -> dict[str, object]:
    tone = request.tone_profile
    return {
        "formality": tone.formality.value,
        "length": tone.length.value,
        "emphasis": tone.emphasis.value,
        "business": tone.business,
        "reasons": list(tone.reasons),
    }


def _drafting_rules(action: DraftTouch, outcome: DraftOutcome) -> list[str]:
    """What the drafting adds to the decision's rules: an acknowledgment written by the composer
    promised a personal reply, which the policy then owes (``drafting.personal_response_owed``)."""
    if outcome.deadline_missed:
        return [DEADLINE_MISSED]
    if action.purpose is TouchPurpose.ACKNOWLEDGMENT and outcome.draft.drafter is DrafterKind.COMPOSER:
        return [COMPOSED_ACKNOWLEDGMENT]
    return []


def _source_record(source: Source) -> dict[str, object]:
    record = asdict(source)
    record["type"] = source.type.value
    record["figures"] = list(source.figures)
    return record
