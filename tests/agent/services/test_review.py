"""Reps' decisions over the real store: authorised, audited, optimistic locking under a real race,
regenerate through the drafting pipeline, bulk approval. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from agent.container import Services, build_services
from agent.db.models import Touch
from agent.domain import UserRole
from agent.services import review
from agent.services.errors import Conflict, DomainError, Forbidden, OutOfDate
from agent.settings import Settings
from knowledge.retrieval import KnowledgeBase
from tests.agent.drafting.llm_api import BASE_URL, COMPLETIONS, draft_answer
from tests.agent.services.support import actions, draft, principal, reply, touch_row
from tests.conftest import FakeClock
from tests.factories import add_touch, submit


class TestAuthorisation:
    def test_a_rep_cannot_decide_on_another_reps_lead_and_nothing_changes(self, services: Services) -> None:
        ana, ben = principal(services, "ana@example.com"), principal(services, "ben@example.com")
        lead_id, touch_id = draft(services, owner=ana)

        with services.session_factory.begin() as session, pytest.raises(Forbidden):
            review.approve(session, services.loop, touch_id, version=1, now=services.clock(), actor=ben)

        assert touch_row(services, touch_id).state == "pending_review"
        assert actions(services, lead_id) == []

    def test_an_admin_may_decide_on_any_lead(self, services: Services) -> None:
        ana = principal(services, "ana@example.com")
        admin = principal(services, "admin@example.com", UserRole.ADMIN)
        _, touch_id = draft(services, owner=ana)

        with services.session_factory.begin() as session:
            review.reject(session, touch_id, version=1, reason="not now", now=services.clock(), actor=admin)

        assert touch_row(services, touch_id).state == "rejected"


class TestOptimisticLocking:
    def test_two_reps_deciding_at_once_one_wins_and_the_other_gets_the_fresh_state(
        self, services: Services
    ) -> None:
        ana, ben = principal(services, "ana@example.com"), principal(services, "ben@example.com")
        lead_id, touch_id = draft(services)
        start = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def decide(name: str, action: Callable[[Any], Touch]) -> None:
            start.wait()
            with services.session_factory.begin() as session:
                try:
                    outcomes[name] = action(session).state
                except DomainError as exc:  # what the rep is shown: why, and the fresh state
                    outcomes[name] = (type(exc).__name__, exc.current["state"] if exc.current else None)

        threads = [
            threading.Thread(
                target=decide,
                args=(
                    "ana",
                    lambda s: review.approve(
                        s, services.loop, touch_id, version=1, now=services.clock(), actor=ana
                    ),
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
        (kind, fresh_state), winner = refusals[0], touch_row(services, touch_id).state
        assert kind == "Conflict" and fresh_state == winner  # the winner's decision, fresh
        assert winner in {"queued", "rejected"}
        assert [a.action for a in actions(services, lead_id)] in (["approve"], ["reject"])

    def test_a_stale_version_is_refused_and_approving_twice_changes_nothing(self, services: Services) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, touch_id = draft(services)
        with services.session_factory.begin() as session:
            review.approve(session, services.loop, touch_id, version=1, now=services.clock(), actor=ana)

        with services.session_factory.begin() as session:
            again = review.approve(
                session, services.loop, touch_id, version=1, now=services.clock(), actor=ana
            )
        with (
            services.session_factory.begin() as session,
            pytest.raises(Conflict, match="already approved"),
        ):
            review.reject(
                session, touch_id, version=1, reason="changed my mind", now=services.clock(), actor=ana
            )

        assert again.state == "queued"
        assert [a.action for a in actions(services, lead_id)] == ["approve"]

    def test_an_out_of_date_draft_says_why_and_cannot_be_approved(
        self, services: Services, clock: FakeClock
    ) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, touch_id = draft(services)
        clock.advance(hours=1)
        reply(services, lead_id, "Can we talk tomorrow?")

        with services.session_factory.begin() as session, pytest.raises(OutOfDate) as refused:
            review.approve(
                session,
                services.loop,
                touch_id,
                version=touch_row(services, touch_id).version,
                now=clock.now,
                actor=ana,
            )

        assert "handed off to a person" in str(refused.value)
        assert touch_row(services, touch_id).state == "superseded"


class TestRegenerate:
    def test_a_new_draft_for_the_same_step_replaces_the_old_with_the_instruction_kept(
        self, services: Services
    ) -> None:
        ana = principal(services, "ana@example.com")
        lead_id, touch_id = draft(services)

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

        old, fresh = touch_row(services, touch_id), touch_row(services, new_id)
        assert (old.state, old.superseded_reason) == ("superseded", "regenerated by a rep: shorter")
        assert (fresh.state, fresh.step, fresh.purpose) == ("pending_review", old.step, old.purpose)
        assert fresh.drafting["instruction"] == "shorter" and fresh.drafting["regenerated_from"] == str(
            touch_id
        )
        assert "review.regenerate" in fresh.decision_rules
        (action,) = [a for a in actions(services, lead_id) if a.action == "regenerate"]
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
        ana = principal(services, "ana@example.com")
        _, touch_id = draft(services)
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
        ana = principal(services, "ana@example.com")
        _, clean = draft(services)
        lead_id = submit(services, email="two@example.com").lead_id
        pricing = add_touch(services, lead_id=lead_id, purpose="pricing", step=2)
        flagged = add_touch(services, lead_id=lead_id, step=3)
        with services.session_factory.begin() as session:
            touch = session.get(Touch, flagged)
            assert touch is not None
            touch.guardrails = [{"code": "grounded.number", "message": "invented", "start": 0, "end": 2}]

        with services.session_factory.begin() as session:
            outcome = review.bulk_approve(
                session,
                services.loop,
                [(clean, 1), (pricing, 1), (flagged, 2)],
                actor=ana,
                now=services.clock(),
            )
            approved = [t.id for t in outcome.approved]
            skipped = dict(outcome.skipped)

        assert approved == [clean]
        assert set(skipped) == {pricing, flagged}
        assert touch_row(services, pricing).state == "pending_review"
