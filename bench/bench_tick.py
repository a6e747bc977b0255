"""Scheduler tick benchmark: one worker tick over a large lead table, and the pure policy's speed.

For each table size (``--sizes``, default 10,000 and 100,000 leads) the script fills a fresh database
of its own with leads that each have a history (an inquiry, an acknowledgment and a value-add sent),
of which ``--due`` (default 1,000) are due now, and times ``agent.worker.tick`` on them:

* **wait**: the due leads were woken because their last email settled, and their next step is days
  away. This is most of what a worker does all day: claim, read, decide, record, settle. The target
  applies here: under 2 s for 1,000 due leads in 100,000, on PostgreSQL.
* **draft**: the due leads' next step is due now, so each one is drafted (deterministic composer, the
  local embedding model and Chroma for retrieval, the guardrails), queued and sent to the file outbox.
  This is the same tick with real work behind every lead; its time grows with that work.

Then it measures the pure policy alone (``next_action`` and ``score`` on a typical snapshot, no I/O)
in decisions per second.

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/bench_tick.py                    # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/bench_tick.py --sizes 100000 --due 1000 --json /tmp/tick.json
    .venv/bin/python bench/bench_tick.py --database-url sqlite   # SQLite, in a temporary folder

``--database-url`` names a PostgreSQL server and a maintenance database; the benchmark always runs in
a database of its own (``touchpoint_bench_tick_<random>``), created at the start and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_databases import fresh_database
from sqlalchemy import create_engine, insert, text

from agent.container import build_services
from agent.db.migrate import upgrade
from agent.db.models import Event, Lead, Touch
from agent.domain import (
    Channel,
    EventRecord,
    EventType,
    LeadContext,
    LeadSnapshot,
    LeadStatus,
    TouchPurpose,
    TouchRecord,
    TouchState,
)
from agent.policy import DEFAULT_CONFIG, next_action
from agent.scoring import score
from agent.sequences import load_sequences
from agent.settings import Settings
from agent.worker import tick

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_SECONDS = 2.0
INSERT_CHUNK = 5000


@dataclass
class TickFigure:
    scenario: str
    leads: int
    due: int
    seconds: float
    claimed: int
    settled: int
    stepped: int
    failed: int
    sent: int

    @property
    def per_lead_ms(self) -> float:
        return self.seconds / max(self.claimed, 1) * 1000


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is early afternoon now, so no lead meets quiet hours."""
    offset = max(-12, min(14, 13 - now.hour))
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def fill(url: str, *, leads: int, due: int, scenario: str, now: datetime) -> None:
    """``leads`` leads with an inquiry and two sent emails each; ``due`` of them due now.

    The others are due at some point in the next 30 days (the index on ``next_action_at`` must skip
    them). In ``wait`` the due leads' next step is two days away; in ``draft`` it is due now.
    """
    engine = create_engine(url)
    zone = midday_zone(now)
    started = now - (timedelta(days=3, minutes=30) if scenario == "draft" else timedelta(days=1, hours=1))
    lead_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    touch_rows: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as connection:
            for model, rows in ((Lead, lead_rows), (Event, event_rows), (Touch, touch_rows)):
                if rows:
                    connection.execute(insert(model), rows)
        for rows in (lead_rows, event_rows, touch_rows):
            rows.clear()

    for index in range(leads):
        lead_id = uuid.uuid4()
        is_due = index < due
        next_at = now - timedelta(minutes=1) if is_due else now + timedelta(minutes=10 + index % 43200)
        lead_rows.append(
            {
                "id": lead_id, "email": f"lead{index}@bench.example", "first_name": f"Lead{index}",
                "company": None, "industry": "beauty", "need": "cut no-shows", "timezone": zone,
                "consent_email": True, "consent_sms": False, "contact_frequency": "normal",
                "status": LeadStatus.ACTIVE, "sequence": "new_lead", "next_action_at": next_at,
                "sequence_step_base": 0, "engagement_score": 0.0, "score_breakdown": {},
                "created_at": started, "updated_at": started, "version": 1,
            }
        )  # fmt: skip
        event_rows.append(
            {
                "id": uuid.uuid4(), "lead_id": lead_id, "type": EventType.INQUIRY, "channel": Channel.EMAIL,
                "payload": {"message": "We lose Saturday bookings to no-shows. Can you help?"},
                "occurred_at": started, "recorded_at": started, "idempotency_key": f"bench:{lead_id}",
            }
        )  # fmt: skip
        for step, purpose, at in (
            (0, "acknowledgment", started),
            (1, "value_add", started + timedelta(days=1)),
        ):
            touch_rows.append(
                {
                    "id": uuid.uuid4(), "lead_id": lead_id, "sequence": "new_lead", "step": step,
                    "purpose": purpose, "channel": "email", "subject": "Hello", "body": "A message.",
                    "drafter": "composer", "prompt_version": "bench", "sources": [], "guardrails": [],
                    "drafting": {}, "decision_rules": [], "auto_send": True, "state": TouchState.SENT,
                    "created_at": at, "updated_at": at, "sent_at": at, "attempts": 1, "version": 1,
                }
            )  # fmt: skip
        if len(lead_rows) >= INSERT_CHUNK:
            flush()
    flush()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    engine.dispose()


def run_tick(server: str, *, leads: int, due: int, scenario: str, var_dir: Path) -> TickFigure:
    with fresh_database(server, "touchpoint_bench_tick") as url:
        upgrade(url)
        now = datetime.now(UTC)
        started = time.perf_counter()
        fill(url, leads=leads, due=due, scenario=scenario, now=now)
        print(f"  filled {leads:,} leads in {time.perf_counter() - started:.1f} s", flush=True)
        settings = Settings.load(
            _env_file=None,
            database_url=url,
            var_dir=var_dir / f"{scenario}-{leads}",
            knowledge_dir=REPO_ROOT / "knowledge" / "content",
            chroma_path=var_dir / "chroma",
            worker_batch=due,
        )
        services = build_services(settings)
        try:
            started = time.perf_counter()
            report = tick(services, batch=due)
            seconds = time.perf_counter() - started
        finally:
            services.close()
    return TickFigure(
        scenario=scenario,
        leads=leads,
        due=due,
        seconds=seconds,
        claimed=report.claimed,
        settled=report.settled,
        stepped=report.leads_stepped,
        failed=report.leads_failed,
        sent=sum(count for outcome, count in report.sent.items() if outcome.value == "sent"),
    )


def typical_snapshot(now: datetime) -> LeadSnapshot:
    """A lead a week into its sequence: an inquiry, four emails sent, opens, a click, a page visit."""
    start = now - timedelta(days=7, hours=2)
    agent = "Mozilla/5.0 (Macintosh) Safari/17.1"
    touches = tuple(
        TouchRecord(
            purpose=purpose,
            channel=Channel.EMAIL,
            state=TouchState.SENT,
            step=step,
            created_at=start + timedelta(days=day),
            sent_at=start + timedelta(days=day),
            body="…",
            id=f"t{step}",
            sequence="new_lead",
        )
        for step, (purpose, day) in enumerate(
            (
                (TouchPurpose.ACKNOWLEDGMENT, 0),
                (TouchPurpose.VALUE_ADD, 1),
                (TouchPurpose.SOCIAL_PROOF, 3),
                (TouchPurpose.FAQ, 7),
            )
        )
    )
    events = [
        EventRecord(
            EventType.INQUIRY, Channel.EMAIL, start, {"message": "Can you help?"}, id="e0", recorded_at=start
        )
    ]
    for touch in touches:
        assert touch.sent_at is not None
        events.append(EventRecord(EventType.EMAIL_SENT, Channel.EMAIL, touch.sent_at, {"touch_id": touch.id}))
        events.append(
            EventRecord(
                EventType.OPEN,
                Channel.EMAIL,
                touch.sent_at + timedelta(hours=4),
                {"touch_id": touch.id, "user_agent": agent},
            )
        )
    events.append(
        EventRecord(
            EventType.CLICK,
            Channel.EMAIL,
            start + timedelta(days=3, hours=5),
            {"touch_id": "t2", "url": "https://x.example/a", "user_agent": agent},
        )
    )
    events.append(
        EventRecord(
            EventType.PAGE_VISIT,
            None,
            start + timedelta(days=5),
            {"url": "https://x.example/blog", "user_agent": agent},
        )
    )
    lead = LeadContext(
        id="bench", first_name="Dana", last_name=None, email="dana@bench.example", phone=None, company="Luna",
        role=None, industry="beauty", source="web_form", need="cut no-shows", deal_value=None,
        timezone="America/Chicago", consent_email=True, consent_sms=False, status=LeadStatus.ACTIVE,
        created_at=start,
    )  # fmt: skip
    return LeadSnapshot(lead=lead, events=tuple(sorted(events, key=lambda e: e.occurred_at)), touches=touches)


def policy_speed(seconds: float) -> dict[str, float]:
    """Decisions per second of the pure core on one typical snapshot (each call does all its work)."""
    sequences = load_sequences()
    now = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    snapshot = typical_snapshot(now)
    results: dict[str, float] = {}
    for name, call in (
        ("next_action (score included)", lambda: next_action(snapshot, sequences, now, DEFAULT_CONFIG)),
        ("score alone", lambda: score(snapshot, now, DEFAULT_CONFIG.scoring)),
    ):
        rates = []
        for _ in range(3):
            count, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds / 3:
                call()
                count += 1
            rates.append(count / (time.perf_counter() - started))
        results[name] = statistics.median(rates)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=DEFAULT_SERVER, help="PostgreSQL server + maintenance db, or 'sqlite'"
    )
    parser.add_argument("--sizes", default="10000,100000", help="lead table sizes, comma-separated")
    parser.add_argument("--due", type=int, default=1000, help="leads due in the tick")
    parser.add_argument("--scenarios", default="wait,draft", help="wait, draft or both")
    parser.add_argument("--policy-seconds", type=float, default=6.0, help="time spent measuring the policy")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    os.environ.setdefault("TOUCHPOINT_LOG_LEVEL", "WARNING")

    figures: list[TickFigure] = []
    with tempfile.TemporaryDirectory() as folder:
        for scenario in args.scenarios.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                print(f"{scenario}: {size:,} leads, {args.due:,} due", flush=True)
                figure = run_tick(
                    args.database_url, leads=size, due=args.due, scenario=scenario, var_dir=Path(folder)
                )
                figures.append(figure)
                print(f"  tick {figure.seconds:.2f} s ({figure.per_lead_ms:.2f} ms a lead)", flush=True)
    rates = policy_speed(args.policy_seconds)

    database = "SQLite" if args.database_url == "sqlite" else "PostgreSQL"
    print(f"\nOne tick ({database}):")
    print("| scenario | leads | due | tick s | ms per due lead | settled in bulk | stepped alone | sent |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for f in figures:
        print(
            f"| {f.scenario} | {f.leads:,} | {f.due:,} | {f.seconds:.2f} | {f.per_lead_ms:.2f} | {f.settled} "
            f"| {f.stepped - f.settled} | {f.sent} |"
        )
    print("\nThe pure policy (one core, no I/O):")
    print("| call | per second |")
    print("|---|---:|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} |")
    waits = [f for f in figures if f.scenario == "wait" and f.leads >= 100000]
    if waits:
        verdict = "met" if all(f.seconds < TARGET_SECONDS for f in waits) else "MISSED"
        print(f"\nTarget (wait tick, 1,000 due in 100,000, under {TARGET_SECONDS:g} s): {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "database": database,
                    "machine": platform.platform(),
                    "ticks": [asdict(f) | {"per_lead_ms": f.per_lead_ms} for f in figures],
                    "policy_per_second": rates,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
