"""One step of the agent loop for one lead: collect -> decide -> retrieve -> draft -> check -> route.

The step only adds to the session it is given; the caller (an API request, a worker tick) owns the
transaction, so a step either lands whole or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from agent.db.models import Handoff, Lead, Touch
from agent.db.repositories import AuditRepository, TouchRepository, load_snapshot
from agent.domain import CompanyIdentity, LeadSnapshot, LeadStatus, TouchState
from agent.drafting.base import Draft, Drafter, DraftRequest
from agent.guardrails import DraftText, Violation, run_checks
from agent.policy import Action, DraftTouch, HandOff, Stop, Wait, next_action
from agent.sequences import Sequence
from knowledge.retrieval import RetrievalQuery, Retriever, Source

logger = logging.getLogger(__name__)

HANDOFF_RESPONSE_TARGET = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StepResult:
    action: Action
    touch: Touch | None = None


class AgentLoop:
    def __init__(
        self,
        *,
        retriever: Retriever,
        drafter: Drafter,
        fallback: Drafter,
        sequences: Mapping[str, Sequence],
        identity: CompanyIdentity,
    ) -> None:
        self.retriever = retriever
        self.drafter = drafter
        self.fallback = fallback
        self.sequences = sequences
        self.identity = identity

    def step(self, session: Session, lead: Lead, now: datetime) -> StepResult:
        sequence = self.sequences[lead.sequence]
        snapshot = load_snapshot(session, lead)
        action = next_action(snapshot, sequence, now)
        touch = None
        if isinstance(action, DraftTouch):
            touch = self._draft(session, lead, snapshot, action, now)
            # The new touch is in flight: nothing more until it is sent or reviewed, which wakes the lead.
            self._schedule(lead, Wait(until=None, rules=("touch.in_flight",)))
        elif isinstance(action, HandOff):
            self._hand_off(session, lead, snapshot, action, now)
        else:
            self._schedule(lead, action)
        logger.info(
            "agent.step",
            extra={"lead_id": str(lead.id), "action": type(action).__name__, "rules": action.rules},
        )
        return StepResult(action=action, touch=touch)

    def _draft(
        self, session: Session, lead: Lead, snapshot: LeadSnapshot, action: DraftTouch, now: datetime
    ) -> Touch:
        context = snapshot.lead
        query = RetrievalQuery(
            text=" ".join(part for part in (context.need, context.inquiry_text) if part)
            or action.purpose.value,
            purpose=action.purpose.value,
            industry=context.industry,
            exclude_document_ids=snapshot.sent_source_ids,
            today=now.date(),
        )
        sources = tuple(self.retriever.retrieve(query))
        request = DraftRequest(
            lead=context,
            purpose=action.purpose,
            channel=action.channel,
            sources=sources,
            identity=self.identity,
            now=now,
            previous_bodies=tuple(t.body for t in snapshot.touches),
        )
        draft, violations = self._draft_checked(request)
        state = TouchState.QUEUED if action.auto_send and not violations else TouchState.PENDING_REVIEW
        touch = TouchRepository(session).add(
            Touch(
                lead_id=lead.id,
                sequence=lead.sequence,
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
                sources=[_source_record(s) for s in sources if s.id in draft.source_ids],
                guardrails=[v.as_dict() for v in violations],
                decision_rules=list(action.rules),
                auto_send=action.auto_send,
                state=state,
                created_at=now,
                updated_at=now,
            )
        )
        if lead.status == LeadStatus.NEW and state is TouchState.PENDING_REVIEW:
            lead.status = LeadStatus.ACTIVE
        return touch

    def _draft_checked(self, request: DraftRequest) -> tuple[Draft, list[Violation]]:
        """The drafter first; on any violation the fallback; the cleaner of the two is kept."""
        draft = self.drafter.draft(request)
        violations = run_checks(DraftText(request.channel, draft.body, draft.subject))
        if violations and self.fallback is not self.drafter:
            fallback = self.fallback.draft(request)
            fallback_violations = run_checks(DraftText(request.channel, fallback.body, fallback.subject))
            if len(fallback_violations) < len(violations):
                return fallback, fallback_violations
        return draft, violations

    def _hand_off(
        self, session: Session, lead: Lead, snapshot: LeadSnapshot, action: HandOff, now: datetime
    ) -> None:
        lead.status = LeadStatus.HANDED_OFF
        lead.next_action_at = None
        summary = f"{snapshot.lead.display_name} needs a person: {action.reason.replace('_', ' ')}."
        session.add(
            Handoff(
                lead_id=lead.id,
                reason=action.reason,
                summary=summary,
                brief={"rules": list(action.rules), "touches_sent": len(snapshot.touches)},
                due_by=now + HANDOFF_RESPONSE_TARGET,
                created_at=now,
            )
        )
        AuditRepository(session).record(
            action="handoff",
            lead_id=lead.id,
            reason=action.reason,
            details={"rules": list(action.rules)},
            now=now,
        )

    @staticmethod
    def _schedule(lead: Lead, action: Action) -> None:
        lead.next_action_at = action.until if isinstance(action, Wait) else None
        if isinstance(action, Stop) and action.reason == "suppressed":
            lead.status = LeadStatus.UNSUBSCRIBED


def _source_record(source: Source) -> dict[str, object]:
    record = asdict(source)
    record["type"] = source.type.value
    record["figures"] = list(source.figures)
    return record
