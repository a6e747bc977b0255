"""Outbox throughput: queued touches delivered to a real SMTP server on loopback, in messages per second.

Seeds a fresh database (SQLite in a temporary folder, or a PostgreSQL database of its own) with
``--messages`` leads, each with one queued email touch (a realistic ~120-word body with a link, so the
click-tracking rewrite runs), starts an aiosmtpd server on 127.0.0.1, and drains the outbox through the
real SMTP channel (``agent/channels/smtp.py``) with 1..N worker threads calling ``Outbox.drain``
concurrently, as several workers sharing one database would. Each run re-seeds; each is checked: the
server must have received every Message-ID exactly once, and every touch must be ``sent``.

What one message costs: three short transactions (claim + last checks, the hand-over mark, the
``sent`` record with its event), building the MIME message, and one SMTP transaction on a pooled
connection (MAIL, RCPT, DATA).

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/bench_outbox.py
    .venv/bin/python bench/bench_outbox.py --security starttls        # TLS + login, as in production
    .venv/bin/python bench/bench_outbox.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import secrets
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import trustme  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402
from bench_databases import fresh_database  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from agent.clock import utcnow  # noqa: E402
from agent.container import build_outbox, company_identity  # noqa: E402
from agent.db.engine import build_engine, build_session_factory  # noqa: E402
from agent.db.migrate import upgrade  # noqa: E402
from agent.db.models import Lead, Touch  # noqa: E402
from agent.settings import Settings  # noqa: E402
from agent.signing import LinkSigner  # noqa: E402

BODY = (
    "Hi {name},\n\nThanks for asking about no-shows at {company}. Salons like yours usually lose two to "
    "four appointments a week to people who simply forget, and a reminder the day before, with a "
    "one-tap way to reschedule, recovers most of them. Our no-show cost calculator shows what that is "
    "worth with your own prices and volumes: https://northstar-bookings.example/calculator\n\n"
    "A short deposit on long colour appointments is the other lever owners mention most; it is "
    "optional per service, so regulars never notice it.\n\nWould it help if I walked you through the "
    "calculator for {company} on Tuesday at 10:00 or Thursday at 15:00?\n\nBest,\nMaya"
)
USER, PASSWORD = "bench", "bench-password"
MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


class CountingHandler:
    """Keeps each message's Message-ID, read with a regex: the server shares the CPU with the sender."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = MESSAGE_ID.search(envelope.content)
        with self.lock:
            self.message_ids.append(found.group(1).decode() if found else "")
        return "250 2.0.0 Ok"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Run:
    database: str
    security: str
    workers: int
    messages: int
    seconds: float
    messages_per_second: float
    ms_per_message: float
    duplicates: int
    missing: int


def _seed(session_factory: Any, count: int) -> None:
    now = utcnow()
    with session_factory.begin() as session:
        for i in range(count):
            lead = Lead(
                id=uuid.uuid4(),
                email=f"lead{i}-{secrets.token_hex(3)}@bench.example",
                first_name=f"Alex{i}",
                company=f"Studio {i}",
                status="active",
                timezone="UTC",
                created_at=now,
                updated_at=now,
            )
            session.add(lead)
            session.add(
                Touch(
                    lead_id=lead.id,
                    sequence="new_lead",
                    step=1,
                    purpose="value_add",
                    channel="email",
                    subject="What no-shows cost a salon",
                    body=BODY.format(name=lead.first_name, company=lead.company),
                    drafter="composer",
                    prompt_version="bench",
                    state="queued",
                    auto_send=False,
                    created_at=now,
                    updated_at=now,
                )
            )


def _run(
    database_url: str, settings: Settings, handler: CountingHandler, *, workers: int, messages: int
) -> Run:
    engine = build_engine(database_url)
    session_factory = build_session_factory(engine)
    with engine.begin() as connection:  # a clean slate per run
        for table in ("events", "tasks", "touches", "leads"):
            connection.execute(text(f"DELETE FROM {table}"))
    _seed(session_factory, messages)
    identity = company_identity(settings)
    links = LinkSigner(str(settings.public_base_url), settings.signing_secret.get_secret_value())
    outbox = build_outbox(settings, session_factory, links, identity, utcnow)
    with handler.lock:
        handler.message_ids.clear()

    def drain_until_empty() -> None:
        while outbox.drain(limit=50):
            pass

    threads = [threading.Thread(target=drain_until_empty) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    outbox.close()

    with session_factory() as session:
        expected = {
            f"<{tid}@{settings.sender_email.rsplit('@', 1)[1]}>" for tid in session.scalars(select(Touch.id))
        }
        sent = session.scalar(select(func.count()).select_from(Touch).where(Touch.state == "sent")) or 0
    engine.dispose()
    counts = Counter(handler.message_ids)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing = len(expected - set(counts)) + (messages - sent)
    return Run(
        database=make_url(database_url).get_backend_name(),
        security=settings.smtp_security.value,
        workers=workers,
        messages=messages,
        seconds=round(elapsed, 3),
        messages_per_second=round(messages / elapsed, 1),
        ms_per_message=round(1000 * elapsed / messages, 2),
        duplicates=duplicates,
        missing=missing,
    )


def _line(run: Run) -> str:
    return (
        f"{run.database:<10} {run.security:<9} workers={run.workers:<2} {run.messages} messages in "
        f"{run.seconds:.2f}s: {run.messages_per_second:.1f} msg/s ({run.ms_per_message:.1f} ms each), "
        f"duplicates={run.duplicates} missing={run.missing}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="queued touches per run")
    parser.add_argument("--workers", default="1,4", help="comma-separated numbers of concurrent drainers")
    parser.add_argument("--security", choices=("none", "starttls"), default="none", help="SMTP transport")
    parser.add_argument("--database-url", help="a PostgreSQL server + maintenance db (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per number of workers (median shown)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="touchpoint-bench-outbox-") as folder:
        tmp = Path(folder)
        handler = CountingHandler()
        port = _free_port()
        smtp: dict[str, Any] = {"email_channel": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port}
        options: dict[str, Any] = {}
        if args.security == "starttls":
            ca = trustme.CA()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1").configure_cert(context)
            ca.cert_pem.write_to_path(str(tmp / "ca.pem"))
            options = {"tls_context": context, "require_starttls": True, "authenticator": _authenticate}
            smtp |= {"smtp_security": "starttls", "smtp_username": USER, "smtp_password": PASSWORD}
            smtp |= {"smtp_ca_file": tmp / "ca.pem"}
        else:
            smtp |= {"smtp_security": "none"}
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()

        try:
            with fresh_database(args.database_url or "sqlite", "touchpoint_bench") as database_url:
                upgrade(database_url)
                settings = Settings.load(
                    _env_file=None, database_url=database_url, var_dir=tmp / "var", **smtp
                )
                runs = []
                for workers in (int(w) for w in args.workers.split(",")):
                    repeats = []
                    for _ in range(args.repeat):
                        run = _run(database_url, settings, handler, workers=workers, messages=args.messages)
                        repeats.append(run)
                        runs.append(run)
                        print(_line(run), flush=True)
                    rates = sorted(r.messages_per_second for r in repeats)
                    median = statistics.median(rates)
                    print(
                        f"  median {median:.1f} msg/s (min {rates[0]:.1f}, max {rates[-1]:.1f})", flush=True
                    )
        finally:
            controller.stop()

    if args.json:
        machine = {"python": platform.python_version(), "platform": platform.platform()}
        args.json.write_text(
            json.dumps(
                {"at": datetime.now(UTC).isoformat(), "machine": machine, "runs": [asdict(r) for r in runs]},
                indent=2,
            )
        )
    return 1 if any(r.duplicates or r.missing for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
