"""Review queue benchmark: server time for the first queue page with 5,000 drafts waiting for review.

The script fills a fresh database of its own with ``--drafts`` leads (default 5,000), each with an
inquiry and a draft waiting for review (with cited sources, some with guardrail findings, a tenth of
the leads hot), plus open handoffs, open call tasks and a month of reps' decisions (which the page's
acceptance table reads). It signs a rep in and times, in process (the app exactly as served, through
its ASGI interface, so the figure is the server's time without the network):

* ``GET /``: the first queue page as a rep opens it (their leads and unowned ones: all of them here),
  the first 50 drafts in priority order, the focused draft beside its lead's timeline, score and
  sources, the handoff strip, the tasks and the acceptance table. **Target: p95 under 100 ms.**
* ``GET /?scope=team&purpose=value_add``: a filtered team view;
* ``GET /v1/queue``: the same first page as JSON for an integration.

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/bench_queue.py                        # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/bench_queue.py --database-url sqlite  # SQLite in a temporary folder
    .venv/bin/python bench/bench_queue.py --drafts 5000 --requests 200 --json /tmp/queue.json

``--database-url`` names a PostgreSQL server and a maintenance database; the benchmark runs in a
database of its own (``touchpoint_bench_queue_<random>``), created at the start and dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import statistics
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_databases import fresh_database
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.container import build_services
from agent.db.migrate import upgrade
from agent.db.models import Event, Handoff, Lead, ReviewAction, Task, Touch
from agent.domain import UserRole
from agent.settings import Settings
from agent.users import issue_key, set_password
from api.app import create_app

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 100.0
CHUNK = 2000
PASSWORD = "benchmark passphrase"
PURPOSES = ("value_add", "social_proof", "faq", "check_in", "pricing", "acknowledgment")
SOURCE = {
    "id": "resources/no-show-cost-calculator",
    "type": "resource",
    "title": "No-show cost calculator",
    "url": "https://northstar-bookings.example/resources/no-show-cost-calculator",
    "text": "A free online calculator that shows what missed appointments cost your business each month.",
    "score": 0.8,
    "customer": None,
    "figures": [],
}


@dataclass
class Figure:
    database: str
    request: str
    drafts: int
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    bytes: int


def fill(url: str, *, drafts: int, now: datetime) -> None:
    """``drafts`` leads each with an inquiry and a pending draft; handoffs, tasks, a month of reviews."""
    engine = create_engine(url)
    leads: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    touches: list[dict[str, Any]] = []
    for n in range(drafts):
        lead_id, touch_id = uuid.uuid4(), uuid.uuid4()
        created = now - timedelta(minutes=drafts - n + 30)
        leads.append(
            {
                "id": lead_id,
                "email": f"lead{n}@example.com",
                "first_name": f"Lead{n}",
                "last_name": "Bench",
                "company": f"Studio {n}",
                "industry": "beauty",
                "need": "fewer no-shows",
                "timezone": "UTC",
                "consent_email": True,
                "consent_sms": False,
                "contact_frequency": "normal",
                "status": "active",
                "sequence": "new_lead",
                "sequence_step_base": 0,
                "engagement_score": 60.0 if n % 10 == 0 else 5.0,
                "score_breakdown": {"value": 5.0, "counted": [], "ignored": []},
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        events.append(
            {
                "id": uuid.uuid4(),
                "lead_id": lead_id,
                "type": "inquiry",
                "channel": "email",
                "payload": {"message": "We lose bookings to no-shows. Can you help?"},
                "occurred_at": created,
                "recorded_at": created,
            }
        )
        body = (
            f"Hi Lead{n},\n\nHere is our no-show cost calculator: it shows what missed appointments "
            "cost.\n\nWould it help?\n\nMaya"
        )
        touches.append(
            {
                "id": touch_id,
                "lead_id": lead_id,
                "sequence": "new_lead",
                "step": 1,
                "purpose": PURPOSES[n % len(PURPOSES)],
                "channel": "email",
                "subject": "A resource for your studio",
                "body": body,
                "call_to_action": "Would it help?",
                "drafter": "composer",
                "drafter_label": "Drafted by the deterministic composer (no LLM)",
                "prompt_version": "composer-v1",
                "sources": [SOURCE],
                "guardrails": [{"code": "grounded.number", "message": "x", "start": 3, "end": 9}]
                if n % 7 == 0
                else [],
                "drafting": {
                    "attempts": [{"drafter": "composer", "model": None, "violations": [], "error": None}]
                },
                "decision_rules": ["sequence.new_lead.step_1.due", "autonomy.review.low"],
                "auto_send": False,
                "state": "pending_review",
                "created_at": created + timedelta(minutes=1),
                "updated_at": created + timedelta(minutes=1),
                "attempts": 0,
                "version": 1,
            }
        )
    handoffs = [
        {
            "id": uuid.uuid4(),
            "lead_id": leads[n]["id"],
            "reason": "direct_reply",
            "summary": "They replied",
            "brief": {"why_now": "They replied", "talking_points": ["Answer their question first."]},
            "status": "open",
            "due_by": now + timedelta(minutes=n),
            "created_at": now - timedelta(minutes=5),
        }
        for n in range(1, 200, 4)
    ]
    tasks = [
        {
            "id": uuid.uuid4(),
            "lead_id": touches[n]["lead_id"],
            "touch_id": touches[n]["id"],
            "channel": "phone",
            "title": f"Call Lead{n}",
            "talking_points": ["Ask about Saturdays"],
            "script": "Hi!",
            "status": "open",
            "due_at": now,
            "created_at": now,
        }
        for n in range(drafts - 20, drafts)
    ]
    reviews = [
        {
            "id": uuid.uuid4(),
            "lead_id": touches[n]["lead_id"],
            "touch_id": touches[n]["id"],
            "action": ("approve", "edit_approve", "reject", "regenerate")[n % 4],
            "details": {},
            "created_at": now - timedelta(days=n % 30),
        }
        for n in range(0, min(drafts, 2000))
    ]
    with engine.begin() as connection:
        for model, rows in (
            (Lead, leads),
            (Event, events),
            (Touch, touches),
            (Handoff, handoffs),
            (Task, tasks),
            (ReviewAction, reviews),
        ):
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(model), rows[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    engine.dispose()


class ServerTimer:
    """ASGI middleware: the time from the request reaching the app to the last byte of its response.

    That is the server's time; the test client's own thread hand-offs are left out of it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.last_ms = (time.perf_counter() - started) * 1000
            await send(message)

        await self.app(scope, receive, timed)


def measure(
    client: TestClient, timer: ServerTimer, path: str, *, requests: int, headers: dict[str, str]
) -> tuple[list[float], int]:
    for _ in range(10):  # warm-up: template compilation, connection pool, statement caches
        assert client.get(path, headers=headers).status_code == 200
    times: list[float] = []
    size = 0
    for _ in range(requests):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text[:500]
        times.append(timer.last_ms)
        size = len(response.content)
    return times, size


def run(server: str, *, drafts: int, requests: int, var_dir: Path) -> list[Figure]:
    label = "SQLite" if server == "sqlite" else "PostgreSQL"
    now = datetime.now(UTC)
    with fresh_database(server, "touchpoint_bench_queue") as url:
        upgrade(url)
        fill(url, drafts=drafts, now=now)
        settings = Settings.load(
            database_url=url,
            var_dir=var_dir,
            knowledge_dir=REPO_ROOT / "knowledge" / "content",
            chroma_path=var_dir / "chroma",
            api_runs_worker=False,
            _env_file=None,
        )
        services = build_services(settings)
        try:
            with services.session_factory.begin() as session:
                user = set_password(
                    session,
                    email="rep@example.com",
                    password=PASSWORD,
                    name="Rep",
                    role=UserRole.REP,
                    now=now,
                )
                key = issue_key(session, user, name="bench", now=now)
            timer = ServerTimer(create_app(services))
            gc.collect()  # as api/main.py does once the app is built
            gc.freeze()
            client = TestClient(timer)
            login = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', login)
            assert token is not None
            client.post(
                "/login",
                data={"email": "rep@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
                follow_redirects=False,
            )
            figures = []
            for name, path, headers in (
                ("GET / (first queue page)", "/", {}),
                ("GET /?scope=team&purpose=value_add", "/?scope=team&purpose=value_add", {}),
                ("GET /v1/queue (JSON)", "/v1/queue", {"Authorization": f"Bearer {key}"}),
            ):
                times, size = measure(client, timer, path, requests=requests, headers=headers)
                times.sort()
                figures.append(
                    Figure(
                        database=label,
                        request=name,
                        drafts=drafts,
                        requests=requests,
                        p50_ms=round(statistics.median(times), 1),
                        p95_ms=round(times[int(len(times) * 0.95) - 1], 1),
                        max_ms=round(times[-1], 1),
                        bytes=size,
                    )
                )
                got = figures[-1]
                print(f"  {label:10} {name:40} p50 {got.p50_ms:6.1f} ms  p95 {got.p95_ms:6.1f} ms")
            return figures
        finally:
            services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="a PostgreSQL server, or `sqlite`")
    parser.add_argument("--drafts", type=int, default=5000, help="drafts waiting for review")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith("TOUCHPOINT_")]:
        del os.environ[name]
    with tempfile.TemporaryDirectory() as folder:
        print(
            f"filling {args.drafts} drafts ({'SQLite' if args.database_url == 'sqlite' else 'PostgreSQL'})..."
        )
        figures = run(args.database_url, drafts=args.drafts, requests=args.requests, var_dir=Path(folder))
    first = figures[0]
    verdict = "met" if first.p95_ms < TARGET_MS else "MISSED"
    print(f"target (first page p95 < {TARGET_MS:.0f} ms): {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "python": platform.python_version(),
                    "figures": [asdict(f) for f in figures],
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
