"""Reps' decisions over the real store: authorised, audited, optimistic locking under a real race,
regenerate through the drafting pipeline, bulk approval, handoff and task actions. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx
from sqlalchemy import select

from agent import review
from agent.container import Services, build_services
from agent.db.models import Event, Handoff, Lead, ReviewAction, Task, Touch
from agent.db.repositories import LeadRepository
from agent.domain import Channel, EventType, UserRole
from agent.events import NewEvent, record_event
from agent.settings import Settings
from agent.users import Principal
from knowledge.retrieval import KnowledgeBase
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, draft_answer
from tests.conftest import FakeClock, make_caller
from tests.factories import add_touch, submit


def _principal(services: Services, email: str, role: UserRole = UserRole.REP) -> Principal:
    caller = make_caller(services, email=email, role=role)
    return Principal(user_id=str(caller.user_id), email=email, role=role)


def _draft(
    services: Services, *, owner: Principal | None = None, **overrides: Any
) -> tuple[uuid.UUID, uuid.UUID]:
    lead_id = submit(services).lead_id
    services.outbox.drain()
    if owner is not None:
        with services.session_factory.begin() as session:
            lead = session.get(Lead, lead_id)
            assert lead is not None
            lead.owner_id = owner.id
    return lead_id, add_touch(services, lead_id=lead_id, **overrides)


def _touch(services: Services, touch_id: uuid.UUID) -> Touch:
    with services.session_factory() as session:
        touch = session.get(Touch, touch_id)
        assert touch is not None
        return touch


def _actions(services: Services, lead_id: uuid.UUID) -> list[ReviewAction]:
    with services.session_factory() as session:
        query = select(ReviewAction).where(ReviewAction.lead_id == lead_id).order_by(ReviewAction.created_at)
        return list(session.scalars(query))


def _reply(services: Services, lead_id: uuid.UUID, message: str) -> None:
    with services.session_factory.begin() as session:
        lead = LeadRepository(session).get(lead_id)
        assert lead is not None
        record_event(
            session,
            services.loop,
            lead,
            NewEvent(type=EventType.REPLY, channel=Channel.EMAIL, payload={"message": message}),
            services.clock(),
        )


class TestAuthorisation:
    def test_a_rep_cannot_decide_on_another_reps_lead_and_nothing_changes(self, services: Services) -> None:
        ana, ben = _principal(services, "ana@example.com"), _principal(services, "ben@example.com")
        lead_id, touch_id = _draft(services, owner=ana)

        with services.session_factory.begin() as session, pytest.raises(review.ReviewError) as refused:
            review.approve(session, touch_id, version=1, now=services.clock(), actor=ben)

        assert refused.value.kind == "forbidden"
        assert _touch(services, touch_id).state == "pending_review"
        assert _actions(services, lead_id) == []

    def test_an_admin_may_decide_on_any_lead(self, services: Services) -> None:
        ana = _principal(services, "ana@example.com")
        admin = _principal(services, "admin@example.com", UserRole.ADMIN)
        _, touch_id = _draft(services, owner=ana)

        with services.session_factory.begin() as session:
            review.reject(session, touch_id, version=1, reason="not now", now=services.clock(), actor=admin)

        assert _touch(services, touch_id).state == "rejected"


class TestOptimisticLocking:
    def test_two_reps_deciding_at_once_one_wins_and_the_other_gets_the_fresh_state(
        self, services: Services
    ) -> None:
        ana, ben = _principal(services, "ana@example.com"), _principal(services, "ben@example.com")
        lead_id, touch_id = _draft(services)
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def decide(name: str, action: Callable[[Any], Touch]) -> None:
            start.wait()
            with services.session_factory.begin() as session:
                try:
                    outcomes[name] = action(session).state
                except review.ReviewError as exc:  # what the rep is shown: why, and the fresh state
                    outcomes[name] = (exc.kind, exc.touch.state if exc.touch else None)

        threads = [
            threading.Thread(
                target=decide,
                args=(
                    "ana",
                    lambda s: review.approve(s, touch_id, version=1, now=services.clock(), actor=ana),
                ),
            ),
            threading.Thread(
                target=decide,
                args=(
                    "ben",
                    lambda s: review.reject(
                        s, touch_id, version=1, reason="too long", now=services.clock(), actor=ben
                    ),
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        refusals = [o for o in outcomes.values() if isinstance(o, tuple)]
        assert len(outcomes) == 2 and len(refusals) == 1
        (kind, fresh_state), winner = refusals[0], _touch(services, touch_id).state
        assert kind == "conflict" and fresh_state == winner  # the winner's decision, fresh
        assert winner in {"queued", "rejected"}
        assert [a.action for a in _actions(services, lead_id)] in (["approve"], ["reject"])

    def test_a_stale_version_is_refused_and_approving_twice_changes_nothing(self, services: Services) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, touch_id = _draft(services)
        with services.session_factory.begin() as session:
            review.approve(session, touch_id, version=1, now=services.clock(), actor=ana)

        with services.session_factory.begin() as session:
            again = review.approve(session, touch_id, version=1, now=services.clock(), actor=ana)
        with (
            services.session_factory.begin() as session,
            pytest.raises(review.ReviewError, match="already approved"),
        ):
            review.reject(
                session, touch_id, version=1, reason="changed my mind", now=services.clock(), actor=ana
            )

        assert again.state == "queued"
        assert [a.action for a in _actions(services, lead_id)] == ["approve"]

    def test_an_out_of_date_draft_says_why_and_cannot_be_approved(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, touch_id = _draft(services)
        clock.advance(hours=1)
        _reply(services, lead_id, "Can we talk tomorrow?")

        with services.session_factory.begin() as session, pytest.raises(review.ReviewError) as refused:
            review.approve(
                session, touch_id, version=_touch(services, touch_id).version, now=clock.now, actor=ana
            )

        assert refused.value.kind == "out_of_date"
        assert "handed off to a person" in str(refused.value)
        assert _touch(services, touch_id).state == "superseded"


class TestRegenerate:
    def test_a_new_draft_for_the_same_step_replaces_the_old_with_the_instruction_kept(
        self, services: Services
    ) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, touch_id = _draft(services)

        with services.session_factory.begin() as session:
            new = review.regenerate(
                session,
                services.loop,
                touch_id,
                version=1,
                instruction="shorter",
                now=services.clock(),
                actor=ana,
            )
            new_id = new.id

        old, fresh = _touch(services, touch_id), _touch(services, new_id)
        assert (old.state, old.superseded_reason) == ("superseded", "regenerated by a rep: shorter")
        assert (fresh.state, fresh.step, fresh.purpose) == ("pending_review", old.step, old.purpose)
        assert fresh.drafting["instruction"] == "shorter" and fresh.drafting["regenerated_from"] == str(
            touch_id
        )
        assert "review.regenerate" in fresh.decision_rules
        (action,) = [a for a in _actions(services, lead_id) if a.action == "regenerate"]
        assert action.reason == "shorter" and action.details["replaced_by"] == str(new_id)
        assert action.details["before"]["body"] == old.body


@pytest.fixture
def llm_services(
    make_settings: Callable[..., Settings], database_url: str, knowledge_base: KnowledgeBase, clock: FakeClock
) -> Iterator[Services]:
    settings = make_settings(
        database_url=database_url,
        llm_base_url=BASE_URL,
        llm_api_key="sk-test",
        llm_max_attempts=1,
        draft_repairs=0,
    )
    built = build_services(settings, clock=clock, knowledge=knowledge_base)
    yield built
    built.close()


class TestRegenerateWithAModel:
    def test_the_instruction_reaches_the_model_in_its_own_block(self, llm_services: Services) -> None:
        services = llm_services
        ana = _principal(services, "ana@example.com")
        _, touch_id = _draft(services)
        body = (
            "Hi Dana,\n\nShort version: a deposit at booking stops most no-shows.\n\n"
            "Shall I send the template?\n\nMaya"
        )

        with respx.mock(assert_all_called=True) as api:
            route = api.post(COMPLETIONS).mock(return_value=draft_answer(body, subject="Deposits, in short"))
            with services.session_factory.begin() as session:
                new = review.regenerate(
                    session,
                    services.loop,
                    touch_id,
                    version=1,
                    instruction="shorter",
                    now=services.clock(),
                    actor=ana,
                )
                attempts = new.drafting["attempts"]

        prompt = json.dumps(json.loads(route.calls[0].request.content)["messages"])
        assert "<rep_instruction>" in prompt and "shorter" in prompt
        assert attempts[0]["drafter"] == "llm"


class TestBulkApprove:
    def test_only_low_risk_clean_drafts_are_approved_the_rest_skipped_with_why(
        self, services: Services
    ) -> None:
        ana = _principal(services, "ana@example.com")
        _, clean = _draft(services)
        lead_id = submit(services, email="two@example.com").lead_id
        pricing = add_touch(services, lead_id=lead_id, purpose="pricing", step=2)
        flagged = add_touch(services, lead_id=lead_id, step=3)
        with services.session_factory.begin() as session:
            touch = session.get(Touch, flagged)
            assert touch is not None
            touch.guardrails = [{"code": "grounded.number", "message": "invented", "start": 0, "end": 2}]

        with services.session_factory.begin() as session:
            outcome = review.bulk_approve(
                session, [(clean, 1), (pricing, 1), (flagged, 2)], actor=ana, now=services.clock()
            )
            approved = [t.id for t in outcome.approved]
            skipped = dict(outcome.skipped)

        assert approved == [clean]
        assert set(skipped) == {pricing, flagged}
        assert _touch(services, pricing).state == "pending_review"


class TestHandoffActions:
    def _handoff(self, services: Services, clock: FakeClock) -> tuple[uuid.UUID, uuid.UUID]:
        lead_id, _ = _draft(services)
        clock.advance(hours=1)
        _reply(services, lead_id, "Could someone call me about pricing?")
        with services.session_factory() as session:
            handoff = session.scalars(select(Handoff).where(Handoff.lead_id == lead_id)).one()
            return lead_id, handoff.id

    def test_claim_then_log_a_reply_answers_the_handoff_and_makes_the_lead_yours(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, handoff_id = self._handoff(services, clock)
        clock.advance(minutes=10)

        with services.session_factory.begin() as session:
            review.claim_handoff(session, handoff_id, actor=ana, now=clock.now)
            review.log_reply(
                session,
                services.loop,
                handoff_id,
                channel=Channel.PHONE,
                message="Called: demo Tuesday",
                actor=ana,
                now=clock.now,
            )

        with services.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            lead = session.get(Lead, lead_id)
            note = session.scalars(select(Event).where(Event.lead_id == lead_id, Event.type == "note")).one()
        assert handoff is not None and lead is not None
        assert (handoff.claimed_by, handoff.responded_at, handoff.status) == (ana.id, clock.now, "open")
        assert lead.owner_id == ana.id
        assert note.payload == {
            "kind": "rep_reply",
            "message": "Called: demo Tuesday",
            "by": ana.email,
            "handoff_id": str(handoff_id),
        }
        assert {"handoff.claim", "handoff.reply_logged"} <= {a.action for a in _actions(services, lead_id)}

    def test_another_reps_claim_is_refused(self, services: Services, clock: FakeClock) -> None:
        ana, ben = _principal(services, "ana@example.com"), _principal(services, "ben@example.com")
        _, handoff_id = self._handoff(services, clock)
        with services.session_factory.begin() as session:
            review.claim_handoff(session, handoff_id, actor=ana, now=clock.now)

        with services.session_factory.begin() as session, pytest.raises(review.ReviewError) as refused:
            review.claim_handoff(session, handoff_id, actor=ben, now=clock.now)

        assert refused.value.kind == "forbidden"  # the lead is Ana's now

    def test_closing_the_lead_closes_its_handoffs_and_outdates_its_drafts(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, handoff_id = self._handoff(services, clock)
        pending = add_touch(services, lead_id=lead_id, step=5, purpose="faq")

        with services.session_factory.begin() as session:
            review.close_lead(
                session, services.loop, lead_id, actor=ana, now=clock.now, reason="bought elsewhere"
            )

        with services.session_factory() as session:
            handoff = session.get(Handoff, handoff_id)
            lead = session.get(Lead, lead_id)
        assert handoff is not None and lead is not None
        assert (lead.status, handoff.status) == ("closed", "closed")
        assert _touch(services, pending).state == "superseded"
        (closing,) = [a for a in _actions(services, lead_id) if a.action == "lead.close"]
        assert closing.reason == "bought elsewhere"


class TestTasks:
    def test_marking_a_task_done_records_the_outcome_once(self, services: Services) -> None:
        ana = _principal(services, "ana@example.com")
        lead_id, touch_id = _draft(services, channel="phone", purpose="check_in")
        with services.session_factory.begin() as session:
            task = Task(
                lead_id=lead_id,
                touch_id=touch_id,
                channel="phone",
                title="Call Dana",
                talking_points=["Ask about Saturdays"],
                script="Hi Dana...",
                due_at=services.clock(),
                created_at=services.clock(),
            )
            session.add(task)
            session.flush()
            task_id = task.id

        with services.session_factory.begin() as session:
            review.complete_task(session, task_id, outcome="voicemail", actor=ana, now=services.clock())
        with (
            services.session_factory.begin() as session,
            pytest.raises(review.ReviewError, match="already done"),
        ):
            review.complete_task(session, task_id, outcome="again", actor=ana, now=services.clock())

        with services.session_factory() as session:
            done = session.get(Task, task_id)
        assert done is not None and (done.status, done.outcome, done.completed_by) == (
            "done",
            "voicemail",
            ana.id,
        )
