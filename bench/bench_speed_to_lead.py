"""Speed-to-lead benchmark: how fast a new inquiry's acknowledgment is committed, and then on disk.

Starts a real ``touchpoint serve --no-worker`` in a child process against a fresh database in a
temporary directory (SQLite by default, or a PostgreSQL database this script creates and drops),
posts realistic, unique inquiries to ``POST /v1/inquiries`` over HTTP, in three kinds of load:

* **open loop** (``--rates``, default 10 a second): inquiries arrive as web forms do, Poisson, whatever
  the server's pace; the target is p95 < 150 ms at 10 a second.
* **a burst** (``--burst``, default 300 within ``--burst-seconds`` 10): each posted the moment it
  arrives; the target is 300 answers of 201 and every acknowledgment on disk within 5 s of its inquiry.
* **closed loop** (``--concurrency``, default 1 and 20 clients without think time): a capacity figure
  (the server's saturation throughput), not a target.

For each level it reports two latencies:

* **commit latency**: the HTTP response time. The API answers only after the lead, the inquiry event
  and the acknowledgment touch (state ``queued`` in the outbox) are committed, so this is "time until
  the acknowledgment is committed to the outbox". Every response must be ``201`` with
  ``acknowledgment == "queued"``; anything else counts as a failure.
* **.eml latency**: for a sample of requests, the time from sending the request until
  ``<var>/outbox/<touch_id>.eml`` exists (the API hands the queued touch to the file sender right
  after the response). Measured by polling the file system, every millisecond, with a deadline.

The client runs on the same machine as the server, so on a small box it competes with the server for
CPU; the figures are an upper bound for the server's own latency.

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/bench_speed_to_lead.py
    .venv/bin/python bench/bench_speed_to_lead.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With ``--database-url`` the URL names the PostgreSQL server and a maintenance database to connect to
(``postgres`` if none is given); the benchmark always runs in a database of its own,
``touchpoint_bench_<random>``, created at the start and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from bench_databases import fresh_database
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0  # open-loop arrivals of TARGET_RATE inquiries a second
TARGET_RATE = 10.0
BURST_INQUIRIES = 300
BURST_SECONDS = 10.0
TARGET_BURST_ACK_S = 5.0  # every acknowledgment of the burst in the outbox within this of its inquiry
EML_POLL_INTERVAL_S = 0.001
EML_DEADLINE_S = 30.0
SERVER_STOP_TIMEOUT_S = 20.0
SUBPROCESS_TIMEOUT_S = 300.0


# --------------------------------------------------------------------------------------------------
# Realistic inquiries
# --------------------------------------------------------------------------------------------------

INDUSTRIES: dict[str, dict[str, Sequence[str]]] = {
    "beauty": {
        "companies": ("Glow Studio", "Luxe Lash Bar", "Bella Hair Co", "The Nail Loft", "Serenity Day Spa"),
        "roles": ("Owner", "Salon manager", "Front desk lead"),
        "needs": (
            "online booking for our stylists",
            "fewer no-shows on weekend appointments",
            "automatic reminders by text",
            "deposits for long colour appointments",
            "a waitlist for cancelled slots",
        ),
        "details": (
            "We have 6 chairs and lose a few bookings every Saturday to no-shows.",
            "Clients keep calling after hours and we miss them.",
            "We currently take bookings on Instagram DMs and it's chaos.",
            "Our receptionist spends half her day confirming appointments by phone.",
        ),
    },
    "dental": {
        "companies": ("Bright Smile Dental", "Riverside Family Dentistry", "Oak Park Orthodontics"),
        "roles": ("Practice manager", "Office manager", "Dentist and owner"),
        "needs": (
            "recall reminders for six-month cleanings",
            "online new-patient booking",
            "reducing last-minute cancellations",
            "insurance questions answered before the visit",
        ),
        "details": (
            "We are a two-dentist practice with about 1,800 active patients.",
            "Our hygiene schedule has gaps every week that we struggle to fill.",
            "Patients want to book online in the evening when the office is closed.",
            "We are switching practice management software next quarter.",
        ),
    },
    "fitness": {
        "companies": ("Iron Forge Gym", "Flow Yoga Collective", "Peak Performance Studio", "CoreFit Pilates"),
        "roles": ("Studio owner", "General manager", "Head coach"),
        "needs": (
            "class booking with waitlists",
            "converting trial members to memberships",
            "personal training scheduling",
            "reducing class no-shows",
        ),
        "details": (
            "We run about 40 classes a week across two rooms.",
            "Lots of people sign up for the free trial and we never hear from them again.",
            "Our trainers each keep their own calendar, which causes double bookings.",
            "We'd like members to book from their phones.",
        ),
    },
    "home_services": {
        "companies": (
            "Summit Plumbing",
            "GreenLeaf Landscaping",
            "Spark Electric",
            "ClearView Window Cleaning",
        ),
        "roles": ("Owner", "Operations manager", "Dispatcher"),
        "needs": (
            "online quote requests and scheduling",
            "dispatching jobs to our crews",
            "follow-up on quotes we sent",
            "seasonal service reminders",
        ),
        "details": (
            "We have 5 vans and most calls come in while we're on a job.",
            "Half our quotes never get a reply and we don't have time to chase them.",
            "Customers ask for a two-hour arrival window and we can't always promise it.",
            "Spring is our busy season and we need to be ready by March.",
        ),
    },
    "veterinary": {
        "companies": ("Happy Paws Animal Clinic", "Cedar Creek Veterinary", "Northside Pet Hospital"),
        "roles": ("Clinic manager", "Veterinarian", "Client services lead"),
        "needs": (
            "vaccination reminders for pet owners",
            "online appointment booking",
            "cutting down phone volume at reception",
            "reminders for annual wellness exams",
        ),
        "details": (
            "We see around 60 patients a day with three vets.",
            "Our phones ring nonstop in the morning and clients give up waiting.",
            "Many owners forget boosters and we only notice months later.",
            "We'd like to send reminders by email and text.",
        ),
    },
    "professional_services": {
        "companies": ("Hartley & Co Accountants", "Meridian Legal", "Blueprint Consulting", "Keystone Tax"),
        "roles": ("Managing partner", "Office manager", "Practice director"),
        "needs": (
            "consultation booking from our website",
            "intake forms before the first meeting",
            "follow-up with prospects after the first call",
            "scheduling during tax season",
        ),
        "details": (
            "We are a team of 8 and new clients mostly find us through referrals.",
            "Prospects email us to book and it takes days of back-and-forth.",
            "We need clients to fill in a questionnaire before we meet them.",
            "Our busiest months are February to April.",
        ),
    },
}

FIRST_NAMES = (
    "Alex", "Priya", "Jordan", "Sofia", "Marcus", "Hannah", "Diego", "Aisha", "Liam", "Mei",
    "Noah", "Fatima", "Ethan", "Chloe", "Omar", "Grace", "Lucas", "Nina", "Samuel", "Zoe",
)  # fmt: skip
LAST_NAMES = ("Nguyen", "Patel", "Garcia", "Smith", "Kowalski", "Okafor", "Rossi", "Chen", "Murphy", "Silva")
TIMEZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London")
OPENERS = (
    "Hi there,",
    "Hello,",
    "Hi,",
    "Good morning,",
    "Hey team,",
    "",
)
ASKS = (
    "Could you tell me how this would work for us and what it costs?",
    "What would setup look like and how long does it take?",
    "Do you integrate with the calendar we already use?",
    "Is there a trial, and can someone walk me through it?",
    "How quickly could we get started?",
    "Can you send me some information about pricing?",
)


def make_inquiry(n: int, rng: random.Random) -> dict[str, Any]:
    """Inquiry number ``n``: a unique email, a realistic mix of industries, needs and wording."""
    industry = rng.choice(sorted(INDUSTRIES))
    bank = INDUSTRIES[industry]
    first_name = rng.choice(FIRST_NAMES)
    company = rng.choice(bank["companies"])
    need = rng.choice(bank["needs"])
    sentences = [
        rng.choice(OPENERS),
        f"I'm looking into {need} for {company}.",
        rng.choice(bank["details"]),
        rng.choice(ASKS),
        f"Thanks, {first_name}",
    ]
    payload: dict[str, Any] = {
        "email": f"lead-{n}@bench.example",
        "first_name": first_name,
        "company": company,
        "industry": industry,
        "need": need,
        "message": " ".join(s for s in sentences if s),
    }
    if rng.random() < 0.6:
        payload["last_name"] = rng.choice(LAST_NAMES)
    if rng.random() < 0.5:
        payload["role"] = rng.choice(bank["roles"])
    if rng.random() < 0.5:
        payload["timezone"] = rng.choice(TIMEZONES)
    return payload


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (the same definition as numpy's default); NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LatencySummary:
    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> LatencySummary:
        ms = [s * 1000.0 for s in seconds]
        return cls(
            count=len(ms),
            p50_ms=percentile(ms, 50),
            p95_ms=percentile(ms, 95),
            p99_ms=percentile(ms, 99),
            max_ms=max(ms) if ms else math.nan,
            mean_ms=sum(ms) / len(ms) if ms else math.nan,
        )


@dataclass
class LevelResult:
    concurrency: int
    requests: int
    failures: int
    wall_seconds: float
    throughput_rps: float
    commit: LatencySummary
    eml_from_request: LatencySummary
    eml_after_response: LatencySummary
    eml_missing: int
    failure_examples: list[str] = field(default_factory=list)
    rate: float | None = None  # open loop: inquiries per second arriving (None: closed loop)
    server_cpu_ms: float = math.nan  # CPU the server's processes used per measured request
    client_cpu_ms: float = math.nan  # CPU this benchmark used per measured request (same cores)

    @property
    def label(self) -> str:
        return f"{self.rate:g}/s" if self.rate is not None else str(self.concurrency)


@dataclass
class Sample:
    started: float
    latency: float
    touch_id: str | None
    error: str | None


@dataclass
class BurstResult:
    """``inquiries`` arriving at random moments within ``seconds``, none waiting for another: how many
    were answered 201 with the acknowledgment queued, and when every acknowledgment was on disk."""

    inquiries: int
    seconds: float
    created: int  # answered 201, acknowledgment queued
    failures: int
    commit: LatencySummary
    eml_from_arrival: LatencySummary  # each acknowledgment's .eml, from its inquiry's arrival
    eml_missing: int
    all_in_outbox_seconds: float  # from the burst's first arrival until the last .eml was on disk
    after_last_arrival_seconds: float  # from the burst's last arrival until the last .eml was on disk
    failure_examples: list[str] = field(default_factory=list)
    server_cpu_ms: float = math.nan


# --------------------------------------------------------------------------------------------------
# The server under test
# --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def touchpoint_command() -> str:
    """The ``touchpoint`` script beside this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "touchpoint"
    return str(beside) if beside.exists() else "touchpoint"


def child_environment(database_url: str, tmp: Path) -> dict[str, str]:
    """The parent's environment minus any TOUCHPOINT_* setting, plus the benchmark's own.

    Inherited settings (an LLM endpoint, a Chroma server, another outbox) would change what is
    measured, so none leak in: the server drafts with the deterministic composer and keeps its Chroma
    store and outbox under ``<tmp>/var``.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOUCHPOINT_")}
    env.update(
        {
            "TOUCHPOINT_DATABASE_URL": database_url,
            "TOUCHPOINT_VAR_DIR": str(tmp / "var"),
            # The server runs in <tmp> (so no stray .env is read); the knowledge folder is the repo's.
            "TOUCHPOINT_KNOWLEDGE_DIR": str(REPO_ROOT / "knowledge" / "content"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def process_tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and all its descendants (uvicorn's worker processes), from /proc.

    NaN where /proc is not there: the figure is then reported as unknown rather than guessed.
    """
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    if pid not in times:
        return math.nan
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent and child not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times[p] for p in tree)


@dataclass
class CpuMeter:
    """CPU per request of the server (its process tree) and of this client, over one measured phase."""

    server_pid: int | None

    def read(self) -> tuple[float, float]:
        server = process_tree_cpu_seconds(self.server_pid) if self.server_pid else math.nan
        return server, time.process_time()

    @staticmethod
    def per_request(
        before: tuple[float, float], after: tuple[float, float], requests: int
    ) -> tuple[float, float]:
        """Milliseconds of CPU per request: (server, client)."""
        if requests <= 0:
            return math.nan, math.nan
        return (after[0] - before[0]) * 1000.0 / requests, (after[1] - before[1]) * 1000.0 / requests


class Server:
    """``touchpoint serve --no-worker`` in a child process, with its output in files under ``tmp``."""

    def __init__(self, command: str, env: dict[str, str], tmp: Path, port: int, processes: int = 1) -> None:
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = tmp / "server.log"
        self._command = [command, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"]
        if processes > 1:
            self._command += ["--processes", str(processes)]
        self._env = env
        self._cwd = tmp
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                self._command,
                env=self._env,
                cwd=self._cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C on the benchmark reaches us, and we stop it cleanly
            )

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def wait_ready(self, timeout: float) -> float:
        """Poll ``GET /readyz`` until 200; returns the seconds it took. Fails fast if the server exits."""
        assert self._process is not None
        started = time.perf_counter()
        deadline = started + timeout
        last = "no answer yet"
        with httpx.Client(base_url=self.base_url, timeout=5.0) as client:
            while time.perf_counter() < deadline:
                code = self._process.poll()
                if code is not None:
                    raise RuntimeError(f"the server exited with status {code}:\n{tail(self.log)}")
                try:
                    response = client.get("/readyz")
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__}"
                else:
                    if response.status_code == 200:
                        return time.perf_counter() - started
                    last = f"{response.status_code} {response.text[:200]}"
                time.sleep(0.1)  # readiness poll interval, not synchronisation: the loop checks the answer
        raise TimeoutError(f"the server was not ready after {timeout:.0f}s (last: {last}):\n{tail(self.log)}")

    def stop(self) -> int | None:
        """Stop the server cleanly; returns its exit status (``None`` if it was never started).

        SIGINT, not SIGTERM: uvicorn shuts down gracefully on either (in-flight requests and their
        background sends finish), then re-raises the signal. A re-raised SIGTERM kills the process
        before ``touchpoint serve`` disposes of its engine; a re-raised SIGINT becomes a
        KeyboardInterrupt, so the CLI's ``finally`` runs. SIGKILL only if it hangs.
        """
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        return process.returncode

    @staticmethod
    def stopped_cleanly(code: int | None) -> bool:
        return code in (None, 0, -signal.SIGINT, 128 + signal.SIGINT)


def run_checked(command: Sequence[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        list(command),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


# --------------------------------------------------------------------------------------------------
# PostgreSQL: a database of our own, created and dropped
# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create ``touchpoint_bench_<random>`` on the server of ``server_url``; yield its URL; drop it."""
    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit(
            "--database-url must be a PostgreSQL URL (SQLite is the default, in a temporary folder)"
        )
    maintenance = url.set(drivername="postgresql+psycopg", database=url.database or "postgres")
    with fresh_database(maintenance.render_as_string(hide_password=False), "touchpoint_bench") as database:
        yield database


# --------------------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------------------


class EmlWatcher:
    """Notes when ``<outbox>/<touch_id>.eml`` appears for each watched touch: one polling loop for all."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox
        self.pending: dict[str, tuple[float, float]] = {}  # touch id -> (request start, response time)
        self.from_request: list[float] = []
        self.after_response: list[float] = []
        self.seen_at: list[float] = []  # when each .eml was first seen (perf_counter)
        self.missing = 0
        self._stopping = False
        self._wake = asyncio.Event()

    def watch(self, touch_id: str, started: float, answered: float) -> None:
        self.pending[touch_id] = (started, answered)
        self._wake.set()

    async def run(self) -> None:
        while True:
            if not self.pending:
                if self._stopping:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            now = time.perf_counter()
            for touch_id, (started, answered) in list(self.pending.items()):
                if (self.outbox / f"{touch_id}.eml").exists():
                    del self.pending[touch_id]
                    self.from_request.append(now - started)
                    self.after_response.append(now - answered)
                    self.seen_at.append(now)
                elif now - answered > EML_DEADLINE_S:
                    del self.pending[touch_id]
                    self.missing += 1
            await asyncio.sleep(EML_POLL_INTERVAL_S)

    def finish(self) -> None:
        self._stopping = True
        self._wake.set()


async def post_one(client: httpx.AsyncClient, payload: dict[str, Any]) -> Sample:
    started = time.perf_counter()
    try:
        response = await client.post("/v1/inquiries", json=payload)
    except httpx.HTTPError as exc:
        return Sample(started, time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}")
    latency = time.perf_counter() - started
    if response.status_code != 201:
        return Sample(started, latency, None, f"HTTP {response.status_code}: {response.text[:300]}")
    body = response.json()
    if body.get("acknowledgment") != "queued" or not body.get("touch_id"):
        return Sample(started, latency, None, f"acknowledgment={body.get('acknowledgment')!r}: {body}")
    return Sample(started, latency, str(body["touch_id"]), None)


async def run_level(
    client: httpx.AsyncClient,
    *,
    concurrency: int,
    requests: int,
    warmup: int,
    eml_every: int | None,
    outbox: Path,
    numbers: Iterator[int],
    rng: random.Random,
    meter: CpuMeter,
) -> LevelResult:
    async def drive(payloads: list[dict[str, Any]], watcher: EmlWatcher | None) -> tuple[list[Sample], float]:
        queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
        for item in enumerate(payloads):
            queue.put_nowait(item)
        samples: list[Sample] = []

        async def worker() -> None:
            while not queue.empty():
                index, payload = queue.get_nowait()
                sample = await post_one(client, payload)
                samples.append(sample)
                if watcher and eml_every and sample.touch_id and index % eml_every == 0:
                    watcher.watch(sample.touch_id, sample.started, sample.started + sample.latency)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return samples, time.perf_counter() - started

    await drive([make_inquiry(next(numbers), rng) for _ in range(warmup)], None)

    watcher = EmlWatcher(outbox)
    watching = asyncio.create_task(watcher.run())
    payloads = [make_inquiry(next(numbers), rng) for _ in range(requests)]
    cpu_before = meter.read()
    try:
        samples, wall = await drive(payloads, watcher)
        cpu = CpuMeter.per_request(cpu_before, meter.read(), len(samples))
    finally:
        watcher.finish()
        await watching

    ok = [s.latency for s in samples if s.error is None]
    errors = [s.error for s in samples if s.error is not None]
    return LevelResult(
        concurrency=concurrency,
        requests=len(samples),
        failures=len(errors),
        wall_seconds=wall,
        throughput_rps=len(samples) / wall if wall > 0 else math.nan,
        commit=LatencySummary.of(ok),
        eml_from_request=LatencySummary.of(watcher.from_request),
        eml_after_response=LatencySummary.of(watcher.after_response),
        eml_missing=watcher.missing,
        failure_examples=errors[:5],
        server_cpu_ms=cpu[0],
        client_cpu_ms=cpu[1],
    )


async def run_rate_level(
    client: httpx.AsyncClient,
    *,
    rate: float,
    clients: int,
    requests: int,
    warmup: int,
    eml_every: int | None,
    outbox: Path,
    numbers: Iterator[int],
    rng: random.Random,
    meter: CpuMeter,
) -> LevelResult:
    """Open loop: inquiries arrive at ``rate`` per second (Poisson), as web forms do, whatever the server's
    pace; at most ``clients`` are in flight. Latency counts from the arrival, so any wait for a free
    client counts too."""
    arrivals = random.Random(rng.random())
    slots = asyncio.Semaphore(clients)

    async def drive(payloads: list[dict[str, Any]], watcher: EmlWatcher | None) -> tuple[list[Sample], float]:
        async def one(index: int, payload: dict[str, Any], arrived: float) -> Sample:
            async with slots:
                posted = await post_one(client, payload)
            sample = Sample(arrived, time.perf_counter() - arrived, posted.touch_id, posted.error)
            if watcher and eml_every and sample.touch_id and index % eml_every == 0:
                watcher.watch(sample.touch_id, arrived, arrived + sample.latency)
            return sample

        started = time.perf_counter()
        arrival = started
        tasks = []
        for index, payload in enumerate(payloads):
            arrival += arrivals.expovariate(rate)
            # Pacing the load generator to the arrival schedule (not waiting for the system under test).
            await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
            tasks.append(asyncio.create_task(one(index, payload, arrival)))
        samples = list(await asyncio.gather(*tasks))
        return samples, time.perf_counter() - started

    await drive([make_inquiry(next(numbers), rng) for _ in range(warmup)], None)
    watcher = EmlWatcher(outbox)
    watching = asyncio.create_task(watcher.run())
    payloads = [make_inquiry(next(numbers), rng) for _ in range(requests)]
    cpu_before = meter.read()
    try:
        samples, wall = await drive(payloads, watcher)
        cpu = CpuMeter.per_request(cpu_before, meter.read(), len(samples))
    finally:
        watcher.finish()
        await watching
    ok = [s.latency for s in samples if s.error is None]
    errors = [s.error for s in samples if s.error is not None]
    return LevelResult(
        concurrency=clients,
        requests=len(samples),
        failures=len(errors),
        wall_seconds=wall,
        throughput_rps=len(samples) / wall if wall > 0 else math.nan,
        commit=LatencySummary.of(ok),
        eml_from_request=LatencySummary.of(watcher.from_request),
        eml_after_response=LatencySummary.of(watcher.after_response),
        eml_missing=watcher.missing,
        failure_examples=errors[:5],
        server_cpu_ms=cpu[0],
        client_cpu_ms=cpu[1],
        rate=rate,
    )


async def run_burst(
    client: httpx.AsyncClient,
    *,
    inquiries: int,
    seconds: float,
    outbox: Path,
    numbers: Iterator[int],
    rng: random.Random,
    meter: CpuMeter,
) -> BurstResult:
    """``inquiries`` arrive at uniformly random moments within ``seconds`` (a newsletter's readers, an
    ad going live), each posted the moment it arrives whatever is still in flight; every
    acknowledgment's .eml is watched for."""
    arrivals = sorted(random.Random(rng.random()).uniform(0, seconds) for _ in range(inquiries))
    payloads = [make_inquiry(next(numbers), rng) for _ in range(inquiries)]
    watcher = EmlWatcher(outbox)
    watching = asyncio.create_task(watcher.run())

    async def one(payload: dict[str, Any], arrived: float) -> Sample:
        posted = await post_one(client, payload)
        sample = Sample(arrived, time.perf_counter() - arrived, posted.touch_id, posted.error)
        if sample.touch_id:
            watcher.watch(sample.touch_id, arrived, arrived + sample.latency)
        return sample

    cpu_before = meter.read()
    started = time.perf_counter()
    tasks = []
    try:
        for offset, payload in zip(arrivals, payloads, strict=True):
            arrival = started + offset
            # Pacing the load generator to the arrival schedule (not waiting for the system under test).
            await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
            tasks.append(asyncio.create_task(one(payload, arrival)))
        samples = list(await asyncio.gather(*tasks))
    finally:
        watcher.finish()
        await watching
    cpu = CpuMeter.per_request(cpu_before, meter.read(), len(payloads))
    ok = [s for s in samples if s.error is None]
    errors = [s.error for s in samples if s.error is not None]
    first_arrival, last_arrival = started + arrivals[0], started + arrivals[-1]
    finished = max(watcher.seen_at, default=math.nan)
    return BurstResult(
        inquiries=inquiries,
        seconds=seconds,
        created=len(ok),
        failures=len(errors),
        commit=LatencySummary.of([s.latency for s in ok]),
        eml_from_arrival=LatencySummary.of(watcher.from_request),
        eml_missing=watcher.missing,
        all_in_outbox_seconds=finished - first_arrival,
        after_last_arrival_seconds=finished - last_arrival,
        failure_examples=errors[:5],
        server_cpu_ms=cpu[0],
    )


async def run_load(
    base_url: str,
    levels: Sequence[int],
    requests: int,
    warmup: int,
    eml_sample: int,
    outbox: Path,
    seed: int,
    rates: Sequence[float] = (),
    clients: int = 20,
    server_pid: int | None = None,
    burst: int = 0,
    burst_seconds: float = BURST_SECONDS,
) -> tuple[list[LevelResult], BurstResult | None]:
    rng = random.Random(seed)
    numbers = iter(range(1, sys.maxsize))
    results: list[LevelResult] = []
    meter = CpuMeter(server_pid)
    connections = max([*levels, clients])
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits) as client:
        for concurrency in levels:
            eml_every = max(1, requests // eml_sample) if eml_sample > 0 else None
            result = await run_level(
                client,
                concurrency=concurrency,
                requests=requests,
                warmup=warmup,
                eml_every=eml_every,
                outbox=outbox,
                numbers=numbers,
                rng=rng,
                meter=meter,
            )
            results.append(result)
            print(
                f"  concurrency {concurrency}: {result.requests} requests, {result.failures} failed, "
                f"p95 {result.commit.p95_ms:.1f} ms",
                flush=True,
            )
        for rate in rates:
            eml_every = max(1, requests // eml_sample) if eml_sample > 0 else None
            result = await run_rate_level(
                client,
                rate=rate,
                clients=clients,
                requests=requests,
                warmup=warmup,
                eml_every=eml_every,
                outbox=outbox,
                numbers=numbers,
                rng=rng,
                meter=meter,
            )
            results.append(result)
            print(
                f"  {rate:g} inquiries/s (open loop, {clients} clients): {result.requests} requests, "
                f"{result.failures} failed, p95 {result.commit.p95_ms:.1f} ms",
                flush=True,
            )
    if burst <= 0:
        return results, None
    # A burst is as many browsers as inquiries: a connection each, none waiting for a free client.
    limits = httpx.Limits(max_connections=burst, max_keepalive_connections=burst)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits) as client:
        burst_result = await run_burst(
            client,
            inquiries=burst,
            seconds=burst_seconds,
            outbox=outbox,
            numbers=numbers,
            rng=rng,
            meter=meter,
        )
    print(
        f"  burst of {burst} within {burst_seconds:g}s: {burst_result.created} answered 201, "
        f"slowest acknowledgment on disk {burst_result.eml_from_arrival.max_ms / 1000:.2f}s "
        "after its inquiry",
        flush=True,
    )
    return results, burst_result


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def format_table(results: Sequence[LevelResult]) -> str:
    def ms(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.1f}"

    lines = [
        "Commit latency (response = lead, event and acknowledgment committed, touch `queued`):",
        f"{'conc':>5} {'requests':>8} {'failed':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'server CPU':>10} {'client CPU':>10}",
    ]
    for r in results:
        c = r.commit
        lines.append(
            f"{r.label:>5} {r.requests:>8} {r.failures:>6} {r.throughput_rps:>8.1f} {ms(c.p50_ms):>8} "
            f"{ms(c.p95_ms):>8} {ms(c.p99_ms):>8} {ms(c.max_ms):>8} {ms(r.server_cpu_ms):>10} "
            f"{ms(r.client_cpu_ms):>10}"
        )
    lines.append("(server CPU, client CPU: milliseconds of CPU per request, both on the same cores)")
    lines += [
        "",
        ".eml on disk (sample; from sending the request / after the response):",
        f"{'conc':>5} {'sample':>8} {'missing':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'p50 after':>10} {'p95 after':>10}",
    ]
    for r in results:
        e, a = r.eml_from_request, r.eml_after_response
        lines.append(
            f"{r.label:>5} {e.count:>8} {r.eml_missing:>7} {ms(e.p50_ms):>8} {ms(e.p95_ms):>8} "
            f"{ms(e.max_ms):>8} {ms(a.p50_ms):>10} {ms(a.p95_ms):>10}"
        )
    for r in results:
        for example in r.failure_examples:
            lines.append(f"failure at {r.label}: {example}")
    return "\n".join(lines)


def format_burst(burst: BurstResult) -> str:
    def s(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.2f}"

    lines = [
        f"Burst: {burst.inquiries} inquiries arriving within {burst.seconds:g} s (uniformly random moments):",
        f"  answered 201 with the acknowledgment queued: {burst.created} of {burst.inquiries} "
        f"({burst.failures} failed)",
        f"  response p50 {s(burst.commit.p50_ms / 1000)} s, p95 {s(burst.commit.p95_ms / 1000)} s, "
        f"max {s(burst.commit.max_ms / 1000)} s",
        f"  acknowledgment on disk after its inquiry: p50 {s(burst.eml_from_arrival.p50_ms / 1000)} s, "
        f"p95 {s(burst.eml_from_arrival.p95_ms / 1000)} s, max {s(burst.eml_from_arrival.max_ms / 1000)} s "
        f"({burst.eml_missing} missing)",
        f"  every acknowledgment on disk {s(burst.all_in_outbox_seconds)} s after the first arrival, "
        f"{s(burst.after_last_arrival_seconds)} s after the last",
        f"  server CPU per inquiry: {s(burst.server_cpu_ms)} ms",
    ]
    lines += [f"failure in the burst: {example}" for example in burst.failure_examples]
    return "\n".join(lines)


def verdicts(results: Sequence[LevelResult], burst: BurstResult | None) -> list[tuple[str, bool]]:
    """The targets: p95 under TARGET_P95_MS at TARGET_RATE arrivals a second (open loop), and the burst
    answered in full with every acknowledgment on disk within TARGET_BURST_ACK_S. The closed-loop levels
    are a capacity figure, not a target."""
    found: list[tuple[str, bool]] = []
    for r in results:
        if r.rate is not None and r.rate >= TARGET_RATE:
            p95 = r.commit.p95_ms
            found.append(
                (f"p95 at {r.rate:g}/s: {p95:.1f} ms (target < {TARGET_P95_MS:.0f} ms)", p95 < TARGET_P95_MS)
            )
    if burst is not None:
        found.append(
            (
                f"burst: {burst.created} of {burst.inquiries} answered 201 (target: all)",
                burst.created == burst.inquiries,
            )
        )
        slowest = burst.eml_from_arrival.max_ms / 1000
        found.append(
            (
                f"burst: slowest acknowledgment on disk {slowest:.2f} s after its inquiry "
                f"(target < {TARGET_BURST_ACK_S:g} s)",
                burst.eml_missing == 0 and slowest < TARGET_BURST_ACK_S,
            )
        )
    return found


def without_nan(value: Any) -> Any:
    """``value`` with NaN (a figure not measured: no .eml sample, no /proc) as null, which JSON has."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: without_nan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nan(item) for item in value]
    return value


def git_commit() -> str | None:
    """The checked-out commit, ``-dirty`` if the tree has changes (read-only git commands)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return None
    return f"{head}-dirty" if head and dirty else head or None


def load_average() -> list[float]:
    """1, 5 and 15-minute load averages: other work on the box shows up in the latencies."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return []


def parse_levels(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("give comma-separated integers, e.g. 1,20") from None
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError("concurrency levels must be positive integers")
    return levels


def parse_rates(text: str) -> list[float]:
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("give comma-separated numbers, e.g. 5,10,15") from None
    if any(rate <= 0 for rate in rates):
        raise argparse.ArgumentTypeError("rates must be positive")
    return rates


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per level (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per level (default 20)")
    parser.add_argument(
        "--concurrency",
        type=parse_levels,
        default=[1, 20],
        help="closed-loop levels (a capacity figure), e.g. 1,20",
    )
    parser.add_argument(
        "--eml-sample",
        type=int,
        default=50,
        help="requests per level whose .eml is timed (default 50; 0: none)",
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres; the benchmark "
        "creates and drops its own database there (default: SQLite in a temporary folder)",
    )
    parser.add_argument(
        "--rates",
        type=parse_rates,
        default=[TARGET_RATE],
        help="open-loop levels: inquiries arriving per second (Poisson), e.g. 5,10,15 "
        f"(default {TARGET_RATE:g})",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=BURST_INQUIRIES,
        help=f"inquiries of the burst, arriving within --burst-seconds (default {BURST_INQUIRIES}; 0: none)",
    )
    parser.add_argument(
        "--burst-seconds", type=float, default=BURST_SECONDS, help="the burst's arrival window in seconds"
    )
    parser.add_argument("--clients", type=int, default=20, help="in-flight limit of the open-loop levels")
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (`touchpoint serve --processes`)"
    )
    parser.add_argument("--ready-timeout", type=float, default=120.0, help="seconds to wait for /readyz")
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="instead of the server: N inquiries through the app in this process, one after another, "
        "reporting CPU and SQL statements per inquiry (see in_process)",
    )
    parser.add_argument("--profile", type=Path, help="with --in-process: write a cProfile of the N inquiries")
    parser.add_argument("--seed", type=int, default=7, help="seed for the generated inquiries")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--keep-tmp", action="store_true", help="keep the temporary folder (database, outbox, log)"
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup at least 0")
    if args.burst < 0 or args.burst_seconds <= 0:
        parser.error("--burst must be 0 or more and --burst-seconds more than 0")
    return args


def run(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], list[LevelResult], BurstResult | None]:
    """Database, schema, server, load; everything started here is stopped (or dropped) on the way out."""
    load_before = load_average()
    with contextlib.ExitStack() as stack:
        if args.database_url:
            database_url = stack.enter_context(postgres_database(args.database_url))
        else:
            database_url = f"sqlite:///{tmp / 'bench.db'}"
        backend = make_url(database_url).get_backend_name()
        env = child_environment(database_url, tmp)
        command = touchpoint_command()
        print(f"database: {make_url(database_url).render_as_string(hide_password=True)}", flush=True)
        run_checked([command, "db", "upgrade"], env, tmp)

        server = Server(command, env, tmp, free_port(), args.processes)
        stack.callback(server.stop)  # on error too; runs before the database is dropped
        server.start()
        ready_seconds = server.wait_ready(args.ready_timeout)
        print(f"server pid {server.pid} ready at {server.base_url} after {ready_seconds:.1f}s", flush=True)

        results, burst = asyncio.run(
            run_load(
                server.base_url,
                args.concurrency,
                args.requests,
                args.warmup,
                args.eml_sample,
                tmp / "var" / "outbox",
                args.seed,
                args.rates,
                args.clients,
                server.pid,
                args.burst,
                args.burst_seconds,
            )
        )
        exit_code = server.stop()
        if not Server.stopped_cleanly(exit_code):
            print(f"warning: the server exited with status {exit_code}:\n{tail(server.log)}", file=sys.stderr)
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "database": backend,
        "requests_per_level": args.requests,
        "warmup_per_level": args.warmup,
        "server_ready_seconds": round(ready_seconds, 2),
        "server_processes": args.processes,
        "target_p95_ms": TARGET_P95_MS,
        "target_rate": TARGET_RATE,
        "target_burst_ack_seconds": TARGET_BURST_ACK_S,
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "levels": [asdict(result) for result in results],
        "burst": asdict(burst) if burst is not None else None,
    }
    return report, results, burst


def in_process(args: argparse.Namespace, tmp: Path) -> int:
    """CPU and SQL statements per inquiry, with the machine's other load mostly out of the figure.

    The app (the same ``create_app`` and services as ``touchpoint serve``, the composer drafting, the
    outbox writing ``.eml`` files) answers ``--in-process`` inquiries of the benchmark's mix posted one
    after another through an in-process ASGI client, after ``--warmup``. Everything runs in this thread:
    the endpoint and its background dispatch are called inline instead of in the thread pool, so that
    ``time.process_time`` (this process's CPU, the embedding model's threads included) and a cProfile
    (``--profile``, timed by CPU, not wall clock) see the whole of each inquiry. Not counted: uvicorn's
    HTTP parsing and the thread hand-offs of a real server; counted: the in-process client (about 1 ms).
    A busy machine still slows CPU-bound work somewhat (shared caches): compare runs made together.
    """
    import cProfile

    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.background
    import starlette.concurrency
    from sqlalchemy import event

    from agent.container import build_services
    from agent.db.migrate import upgrade
    from agent.settings import Settings
    from api.app import create_app

    async def inline(func: Any, *positional: Any, **named: Any) -> Any:
        return func(*positional, **named)

    for module in (starlette.background, starlette.concurrency, fastapi.routing, fastapi.dependencies.utils):
        if hasattr(module, "run_in_threadpool"):
            module.run_in_threadpool = inline  # type: ignore[attr-defined]

    for key in [key for key in os.environ if key.startswith("TOUCHPOINT_")]:
        del os.environ[key]  # as for the server (``child_environment``): nothing inherited changes the run
    database_url = f"sqlite:///{tmp / 'bench.db'}"
    with contextlib.ExitStack() as stack:
        if args.database_url:
            database_url = stack.enter_context(postgres_database(args.database_url))
        upgrade(database_url)
        settings = Settings.load(
            var_dir=tmp / "var",
            knowledge_dir=REPO_ROOT / "knowledge" / "content",
            database_url=database_url,
            _env_file=None,
        )
        print("embedding the demo knowledge base (once per run)...", flush=True)
        services = build_services(settings)
        stack.callback(services.close)
        seen: list[str] = []
        event.listen(
            services.engine, "before_cursor_execute", lambda *a: seen.append(" ".join(str(a[2]).split()[:3]))
        )
        rng = random.Random(args.seed)
        measured = [make_inquiry(100_000 + n, rng) for n in range(args.in_process)]
        profile = cProfile.Profile(time.process_time) if args.profile else None

        async def post_all() -> tuple[float, float]:
            transport = httpx.ASGITransport(app=create_app(services))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for n in range(args.warmup):
                    await post_one(client, make_inquiry(n, rng))
                seen.clear()
                started = time.process_time()
                if profile is not None:
                    profile.enable()
                for payload in measured:
                    await post_one(client, payload)
                if profile is not None:
                    profile.disable()
                return started, time.process_time()

        async def post_one(client: httpx.AsyncClient, payload: dict[str, Any]) -> None:
            response = await client.post("/v1/inquiries", json=payload)
            if response.status_code != 201 or response.json()["acknowledgment"] != "queued":
                raise RuntimeError(f"inquiry not acknowledged: {response.status_code} {response.text}")

        started, ended = asyncio.run(post_all())
        sent = len(list((tmp / "var" / "outbox").glob("*.eml")))
    count = args.in_process
    control = sum(1 for s in seen if s.startswith(("BEGIN", "SAVEPOINT", "RELEASE")))
    print(
        f"\n{count} inquiries in process ({make_url(database_url).get_backend_name()}), {sent} .eml written"
    )
    print(f"CPU per inquiry (its dispatch included): {1000 * (ended - started) / count:.1f} ms")
    print(
        f"SQL statements per inquiry: {len(seen) / count:.1f} ({(len(seen) - control) / count:.1f} "
        "without BEGIN and savepoints)"
    )
    if profile is not None:
        profile.dump_stats(args.profile)
        print(f"profile written to {args.profile}")
    return 0 if sent >= count else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="touchpoint-bench-"))
    if args.in_process:
        try:
            return in_process(args, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    try:
        report, results, burst = run(args, tmp)
    except (RuntimeError, TimeoutError, SQLAlchemyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the server was stopped and any benchmark database dropped", file=sys.stderr)
        return 130
    finally:
        if args.keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(format_table(results))
    if burst is not None:
        print()
        print(format_burst(burst))
    before, after = report["load_average_before"], report["load_average_after"]
    print(f"\nload average (1/5/15 min): before {before}, after {after}")
    print("\ntargets (closed-loop levels are a capacity figure, not a target):")
    for text, met in verdicts(results, burst):
        print(f"  {'met   ' if met else 'MISSED'} {text}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(without_nan(report), indent=2, allow_nan=False, default=str) + "\n")
        print(f"results written to {args.json}")
    failures = sum(r.failures + r.eml_missing for r in results)
    if burst is not None:
        failures += burst.failures + burst.eml_missing
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
