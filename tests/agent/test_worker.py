"""The worker: due leads claimed under a lease, waits settled in bulk, work stepped lead by lead, the
outbox drained; the sequence unfolding over simulated days. SQLite and PostgreSQL; row locks on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from agent.clock import utcnow
from agent.container import Services, build_services
from agent.db.engine import build_engine, build_session_factory
from agent.db.models import Decision, Event, Lead, Touch
from agent.db.repositories.leads import LeadRepository
from agent.domain import EventType, LeadStatus, TouchState
from agent.services import touches as touch_states
from agent.settings import Settings
from agent.worker import RETRY_FAILED_AFTER, tick
from knowledge.retrieval import KnowledgeBase
from knowledge.types import OfferWindow, RetrievalQuery, Source
from tests.conftest import FakeClock, empty_tables
from tests.factories import add_touch, lead_row, submit
from tests.waiting import wait_for


def _touches(services: Services) -> list[tuple[int, str, str]]:
    with services.session_factory() as session:
        rows = session.scalars(select(Touch).order_by(Touch.step))
        return [(touch.step, touch.purpose, touch.state) for touch in rows]


def _due_now(services: Services, count: int) -> list[uuid.UUID]:
    """``count`` leads whose day-0 answer went out yesterday (the acknowledgment, then the personal reply
    it promised), due for their value-add now."""
    ids = []
    for index in range(count):
        ids.append(
            submit(services, email=f"lead{index}@example.com", message=f"Question number {index}").lead_id
        )
    services.outbox.drain()  # the acknowledgments, which wake their leads
    tick(services)  # the personal replies they promised, as the worker sends them within seconds
    services.clock.advance(days=1, minutes=1)  # type: ignore[attr-defined]
    return ids


class TestTick:
    def test_after_the_day_zero_answer_the_lead_waits_until_day_one(
        self, services: Services, clock: FakeClock
    ) -> None:
        """The day-0 answer is the acknowledgment and the personal reply the composer's acknowledgment
        promised (``drafting.acknowledgment_composed``); after both, nothing until day 1."""
        start = clock.now
        lead_id = submit(services).lead_id
        tick(services)  # sends the queued acknowledgment, which wakes the lead
        clock.advance(minutes=5)
        tick(services)  # the personal reply the acknowledgment promised, sent, which wakes the lead
        clock.advance(minutes=5)
        tick(services)  # the lead is looked at again and told to wait

        clock.advance(hours=23)
        report = tick(services)

        assert report.leads_stepped == 0
        assert lead_row(services, lead_id).next_action_at == start + timedelta(days=1, seconds=0)
        assert _touches(services) == [(-1, "personal_response", "sent"), (0, "acknowledgment", "sent")]

    def test_the_sequence_unfolds_over_the_days(self, services: Services, clock: FakeClock) -> None:
        start = clock.now
        submit(services)
        tick(services)  # the acknowledgment
        tick(services)  # the personal reply it promised

        for day in (1, 3, 7, 14):
            clock.now = start + timedelta(days=day, minutes=1)
            tick(services)

        assert _touches(services) == [
            (-1, "personal_response", "sent"),  # the day-0 answer, with the acknowledgment: counted once
            (0, "acknowledgment", "sent"),
            (1, "value_add", "sent"),
            (2, "social_proof", "sent"),
            (3, "faq", "sent"),
            (4, "breakup", "pending_review"),  # high risk: a rep approves a breakup
        ]

    def test_follow_ups_never_repeat_a_source(self, services: Services, clock: FakeClock) -> None:
        submit(services)
        tick(services)
        for _ in range(3):
            clock.advance(days=3)
            tick(services)

        with services.session_factory() as session:
            cited = [s["id"] for touch in session.scalars(select(Touch)) for s in touch.sources]
        assert cited and len(cited) == len(set(cited))

    def test_leads_that_only_wait_are_settled_together_and_recorded(
        self, services: Services, clock: FakeClock
    ) -> None:
        ids = _due_now(services, 3)
        clock.now = clock.now.replace(hour=21)  # 21:00 in their zone (UTC): the value-add is due, but not now
        with services.session_factory.begin() as session:
            session.execute(update(Lead).values(next_action_at=clock.now))

        report = tick(services)

        assert (report.claimed, report.settled, report.leads_stepped) == (3, 3, 3)
        for lead_id in ids:
            lead = lead_row(services, lead_id)
            assert (lead.lease_owner, lead.next_action_at.hour if lead.next_action_at else None) == (None, 8)
        with services.session_factory() as session:
            waits = session.scalars(select(Decision).where(Decision.action == "wait")).all()
        assert {tuple(d.rules[-1:]) for d in waits} >= {("timing.quiet_hours.email",)}

    def test_leads_with_work_are_stepped_one_by_one(self, services: Services, clock: FakeClock) -> None:
        _due_now(services, 3)

        report = tick(services)

        assert (report.claimed, report.settled, report.leads_stepped, report.leads_failed) == (3, 0, 3, 0)
        assert [state for _, purpose, state in _touches(services) if purpose == "value_add"] == ["sent"] * 3

    def test_a_lead_whose_step_fails_is_retried_later_and_stops_nobody(
        self, services: Services, clock: FakeClock, knowledge_base: KnowledgeBase
    ) -> None:
        ids = _due_now(services, 3)
        with services.session_factory.begin() as session:
            broken = session.get(Lead, ids[1])
            assert broken is not None
            broken.need = "EXPLODE"
        services.loop.knowledge = Exploding(knowledge_base)

        report = tick(services)

        assert (report.leads_stepped, report.leads_failed) == (2, 1)
        lead = lead_row(services, ids[1])
        assert (lead.lease_owner, lead.next_action_at) == (None, clock.now + RETRY_FAILED_AFTER)
        assert [state for _, purpose, state in _touches(services) if purpose == "value_add"] == ["sent"] * 2


class Exploding:
    """A knowledge edge that fails for one lead (its need says so), as a broken store would."""

    def __init__(self, inner: KnowledgeBase) -> None:
        self.inner = inner

    def retrieve(self, query: RetrievalQuery) -> list[Source]:
        if "EXPLODE" in query.text:
            raise RuntimeError("the vector store is on fire")
        return self.inner.retrieve(query)

    def company_facts(self) -> tuple[str, ...]:
        return self.inner.company_facts()

    def offers(self) -> tuple[OfferWindow, ...]:
        return self.inner.offers()


class TestClaims:
    def test_two_workers_claim_different_leads(self, services: Services, clock: FakeClock) -> None:
        _due_now(services, 4)
        lease = clock.now + timedelta(minutes=5)

        with services.session_factory.begin() as session:
            first = LeadRepository(session).claim_due(clock.now, owner="a", lease_until=lease, limit=3)
        with services.session_factory.begin() as session:
            second = LeadRepository(session).claim_due(clock.now, owner="b", lease_until=lease, limit=3)

        assert (len(first), len(second)) == (3, 1)
        assert not set(first) & set(second)

    def test_a_lease_of_a_dead_worker_expires(self, services: Services, clock: FakeClock) -> None:
        _due_now(services, 2)
        with services.session_factory.begin() as session:
            LeadRepository(session).claim_due(
                clock.now, owner="dead", lease_until=clock.now + timedelta(minutes=5), limit=10
            )

        blocked = tick(services)
        clock.advance(minutes=6)
        taken_over = tick(services)

        assert (blocked.claimed, taken_over.claimed, taken_over.leads_stepped) == (0, 2, 2)

    def test_a_tick_that_outlasts_its_lease_keeps_the_lead_it_drafts_for(
        self, services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A tick of model drafts takes minutes, longer than the lease it claimed its leads with: the
        step renews the lease when it takes a lead, so another worker does not claim that lead (and pay
        for its draft again) while the model writes."""
        _due_now(services, 2)
        lease = timedelta(seconds=services.settings.worker_lease_seconds)
        taken_while_drafting: list[bool] = []
        pipeline = services.loop.drafting
        produce = pipeline.produce

        def slow_model(request: Any) -> Any:  # each draft takes two thirds of the lease
            clock.advance(seconds=lease.total_seconds() * 2 / 3)
            with services.session_factory.begin() as session:
                claimed = LeadRepository(session).claim_due(
                    clock.now, owner="other", lease_until=clock.now + lease, limit=10
                )
            taken_while_drafting.append(uuid.UUID(request.lead.id) in claimed)
            return produce(request)

        monkeypatch.setattr(
            type(pipeline), "has_llm", property(lambda _: True)
        )  # drafts outside a transaction
        monkeypatch.setattr(pipeline, "produce", slow_model)

        report = tick(services, owner="this")

        assert taken_while_drafting == [False, False]  # the second draft ends after the claimed lease did
        assert (report.leads_stepped, report.leads_failed) == (2, 0)
        assert Counter(s for _, p, s in _touches(services) if p == "value_add") == {"sent": 2}

    def test_a_touch_held_until_later_is_not_claimed_before(
        self, services: Services, clock: FakeClock
    ) -> None:
        lead_id = submit(services).lead_id
        touch_id = add_touch(services, lead_id=lead_id, state="queued")
        with services.session_factory.begin() as session:
            session.execute(
                update(Touch).where(Touch.id == touch_id).values(send_after=clock.now + timedelta(hours=9))
            )

        with services.session_factory.begin() as session:
            early = touch_states.claim(session, touch_id, clock.now)
        clock.advance(hours=9)
        with services.session_factory.begin() as session:
            on_time = touch_states.claim(session, touch_id, clock.now)

        assert (early, on_time) == (False, True)


@pytest.fixture
def pg_services(
    make_settings: Callable[..., Settings],
    postgres_database: str,
    knowledge_base: KnowledgeBase,
    clock: FakeClock,
) -> Iterator[Services]:
    built = build_services(
        make_settings(database_url=postgres_database), clock=clock, knowledge=knowledge_base
    )
    yield built
    built.close()
    empty_tables(postgres_database)


class TestRowLocksOnPostgres:
    def test_a_claim_skips_leads_another_transaction_holds_instead_of_waiting(
        self, pg_services: Services, clock: FakeClock
    ) -> None:
        ids = _due_now(pg_services, 3)
        lease = clock.now + timedelta(minutes=5)
        with pg_services.session_factory.begin() as holder:
            LeadRepository(holder).lock_many(ids[:2])  # a step in progress on two leads

            with pg_services.session_factory.begin() as session:
                claimed = LeadRepository(session).claim_due(clock.now, owner="b", lease_until=lease, limit=10)

        assert claimed == [ids[2]]


def test_the_simulated_days_start_on_a_monday() -> None:
    assert date(2026, 11, 23).weekday() == 0  # tests/conftest.py START: every day count above relies on it


WORKERS = 4
DUE_LEADS = 200


def _zone_at_midday(now: datetime) -> str:
    """A fixed-offset zone where it is early afternoon now, so the run never meets quiet hours."""
    offset = max(-12, min(14, 13 - now.hour))
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX signs: Etc/GMT-5 is UTC+5


class TestManyWorkersOnPostgres:
    def test_four_workers_one_killed_mid_run_send_each_due_touch_exactly_once(
        self,
        make_settings: Callable[..., Settings],
        postgres_database: str,
        knowledge_base: KnowledgeBase,
        chroma_path: Path,
        tmp_path: Path,
    ) -> None:
        settings = make_settings(database_url=postgres_database)
        now = utcnow()
        zone = _zone_at_midday(now)
        engine = build_engine(postgres_database)
        with build_session_factory(engine).begin() as session:
            for index in range(DUE_LEADS):  # imported a day ago: each one's value-add is due now
                session.add(
                    Lead(
                        email=f"due{index}@example.com",
                        first_name=f"Due{index}",
                        industry="beauty",
                        need="cut no-shows",
                        timezone=zone,
                        status=LeadStatus.NEW,
                        created_at=now - timedelta(days=1, minutes=5),
                        updated_at=now,
                        next_action_at=now - timedelta(minutes=5),
                    )
                )
        workers = [_start_worker(settings, chroma_path, tmp_path, n) for n in range(WORKERS)]
        try:
            victim, victim_leases = _kill_one_holding_leases(engine, workers, tmp_path)
            survivors = [w for w in workers if w is not victim]
            try:
                wait_for(lambda: _settled(engine), timeout=240, what="every due touch sent or claimed")
            except AssertionError as exc:
                raise AssertionError(f"{exc}: {_where_it_stands(engine)} {_logs(tmp_path)}") from None
        finally:
            _stop(workers, tmp_path)
        # A claim the killed worker left in "sending" is settled once it is older than the claim timeout:
        # rather than wait ten minutes, the recovering worker's clock is ten minutes and a bit ahead.
        with build_session_factory(engine)() as session:
            stuck = session.scalar(
                select(func.count()).select_from(Touch).where(Touch.state == TouchState.SENDING)
            )
        later = FakeClock(utcnow() + timedelta(seconds=settings.outbox_claim_timeout_seconds + 60))
        recovery = build_services(settings, clock=later, knowledge=knowledge_base)
        try:
            tick(recovery)
        finally:
            recovery.close()

        try:
            with build_session_factory(engine)() as session:
                touches = session.scalars(select(Touch)).all()
                sent_events = session.scalars(select(Event).where(Event.type == EventType.EMAIL_SENT)).all()
            per_lead = Counter(t.lead_id for t in touches)
            assert len(per_lead) == DUE_LEADS and set(per_lead.values()) == {1}  # one touch per due step
            assert {(t.step, t.purpose, t.state) for t in touches} == {(1, "value_add", "sent")}
            assert sorted(e.payload["touch_id"] for e in sent_events) == sorted(str(t.id) for t in touches)
            files = sorted(p.stem for p in (tmp_path / "var" / "outbox").glob("*.eml"))
            assert files == sorted(str(t.id) for t in touches)  # one message on disk per touch
            assert victim.returncode == -signal.SIGKILL
            assert all(w.returncode == 0 for w in survivors), _logs(tmp_path)
            print(  # the figures of the run, for the record (`pytest -s`)
                f"\n{WORKERS} workers, {DUE_LEADS} due leads; killed pid {victim.pid} holding "
                f"{victim_leases} lease(s); {stuck} touch(es) left in its claim, settled by recovery; "
                f"{len(touches)} touches, {len(sent_events)} sent events, {len(files)} files"
            )
        finally:
            engine.dispose()
            empty_tables(postgres_database)


def _start_worker(settings: Settings, chroma_path: Path, tmp_path: Path, n: int) -> subprocess.Popen[bytes]:
    chroma = tmp_path / f"chroma-{n}"
    shutil.copytree(chroma_path, chroma)  # Chroma on disk belongs to one process
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(
        TOUCHPOINT_DATABASE_URL=settings.database_url,
        TOUCHPOINT_VAR_DIR=str(tmp_path / "var"),  # one shared outbox folder: every message lands here
        TOUCHPOINT_CHROMA_PATH=str(chroma),
        TOUCHPOINT_KNOWLEDGE_DIR=str(settings.knowledge_dir),
        TOUCHPOINT_WORKER_BATCH="10",  # small claims, so a kill always lands mid-batch
        TOUCHPOINT_WORKER_LEASE_SECONDS="3",
    )
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("touchpoint")), "worker", "--interval", "0.2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / f"worker-{n}.log").open("wb"),
    )


def _kill_one_holding_leases(
    engine: Engine, workers: list[subprocess.Popen[bytes]], logs: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """Once a quarter of the leads are done, SIGKILL the worker holding the most leases right now."""
    by_pid = {w.pid: w for w in workers}

    def holder() -> tuple[subprocess.Popen[bytes], int] | None:
        exited = [w.pid for w in workers if w.poll() is not None]
        assert not exited, f"worker(s) {exited} exited before the kill: {_logs(logs)}"
        with build_session_factory(engine)() as session:
            sent = select(func.count()).select_from(Touch).where(Touch.state == TouchState.SENT)
            done = session.scalar(sent) or 0
            owners = session.scalars(select(Lead.lease_owner).where(Lead.lease_owner.is_not(None))).all()
        if done < DUE_LEADS // 4:
            return None
        held = Counter(int(owner.split(":")[1]) for owner in owners if owner)
        return next(((by_pid[pid], count) for pid, count in held.most_common() if pid in by_pid), None)

    victim, leases = wait_for(holder, timeout=240, what="a worker holding leases after a quarter of the work")
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    return victim, leases


def _stop(workers: list[subprocess.Popen[bytes]], logs: Path) -> None:
    """SIGTERM: each worker finishes the lead in hand and exits 0; one that does not is killed, and fails."""
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    stuck = []
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
            stuck.append(worker.pid)
    assert not stuck, f"worker(s) {stuck} ignored SIGTERM: {_logs(logs)}"


def _logs(folder: Path) -> str:
    return "\n".join(
        f"{p.name}: {p.read_text(errors='replace')[-2000:]}" for p in sorted(folder.glob("worker-*.log"))
    )


def _where_it_stands(engine: Engine) -> str:
    """The touches by state, and the leads still due with their lease, for a run that did not settle."""
    with build_session_factory(engine)() as session:
        states = Counter(session.scalars(select(Touch.state)).all())
        held = session.execute(
            select(Touch.guardrails, Touch.sources, Touch.decision_rules).where(
                Touch.state == "pending_review"
            )
        ).all()
        due = session.execute(
            select(Lead.id, Lead.next_action_at, Lead.lease_owner, Lead.lease_expires_at).where(
                Lead.next_action_at <= utcnow()
            )
        ).all()
    held_rows = [tuple(map(str, row)) for row in held[:3]]
    due_rows = [tuple(map(str, row)) for row in due[:5]]
    return f"touches {dict(states)}; held for review: {held_rows}; {len(due)} lead(s) still due: {due_rows}"


def _settled(engine: Engine) -> bool:
    """Every due lead has its touch, and every touch is sent, or stuck in a dead worker's claim."""
    with build_session_factory(engine)() as session:
        states = Counter(session.scalars(select(Touch.state)).all())
        due = session.scalar(select(func.count()).select_from(Lead).where(Lead.next_action_at <= utcnow()))
    return sum(states.values()) == DUE_LEADS and set(states) <= {"sent", "sending"} and not due
