"""Shared fixtures: real SQLite and PostgreSQL, the real knowledge base, the app wired as in production.

Every database test runs twice, on SQLite and on the PostgreSQL named by TOUCHPOINT_TEST_POSTGRES_URL
(default: the local server on 127.0.0.1:5432). Tables are emptied after each test.

`make test` runs the suite on every core with pytest-xdist (`-n auto --dist loadfile`). Each worker is
its own pytest session, so every session fixture here is per worker: its own PostgreSQL database (named
with the worker's id), its own SQLite file and Chroma folder (under the worker's temporary folder), its
own ports (tests/loopback.py) and its own llama.cpp server. A file runs whole on one worker, so module
fixtures are built once; the longest files are handed out first (``RUN_FIRST``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from agent import users
from agent.container import Services, build_knowledge_base, build_services
from agent.db.migrate import upgrade
from agent.db.models import Base
from agent.domain import UserRole
from agent.settings import Settings
from agent.users import ensure_user, issue_key
from api.app import create_app
from knowledge.retrieval import KnowledgeBase
from tests.local_llm import llama_server, served_model
from tests.loopback import RUNNING_SERVER_LOGS, server_output
from tests.smtp_server import LoopbackSmtp

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, ... under pytest-xdist
POSTGRES_URL = os.environ.get(
    "TOUCHPOINT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
START = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # a Monday afternoon

# Passwords hashed in this process use argon2id at its cheapest cost: the production parameters (argon2-cffi's
# defaults, 64 MiB and three passes, a tenth of a second or more here) made the sign-in and lockout tests
# spend most of their time hashing. The hashes are still argon2id, checked by the same code; the production
# hasher's parameters are tested (tests/agent/test_users.py), and `touchpoint` processes the suite starts
# use them.
PRODUCTION_HASHER = users._HASHER
users._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


# `make test` hands whole files to the workers (pytest-xdist's --dist loadfile: a module's fixtures are
# built once, as in a serial run) in the order of collection (--no-loadscope-reorder), the longest files
# first, so that no worker starts one while the others are nearly done. A worker is also handed the next
# file while it has two tests or fewer left, so the first four pair up: the worse-prompt comparison on the
# local model (the longest test) with the browser tests on one worker, the local judge with the local
# drafting test on the other (one llama.cpp server each). Each worker then takes the rest as it frees up.
RUN_FIRST = (
    "tests/evals/test_quality_local_model.py",
    "tests/evals/test_quality_local_judge.py",
    "tests/browser/test_review_page.py",
    "tests/agent/drafting/test_local_model.py",
    "tests/test_api_contract.py",
    "tests/agent/test_worker.py",
    "tests/agent/test_simulation.py",
    "tests/test_knowledge_processes.py",
    "tests/test_server.py",
    "tests/test_concurrent_inquiries.py",
    "tests/agent/test_cli.py",
    "tests/evals/test_quality_cli.py",
    "tests/evals/test_retrieval_eval.py",
    "tests/agent/test_outbox.py",
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test that talks to `touchpoint serve` shows what the server wrote (tests/loopback.py)."""
    report = yield
    if report.failed:
        for log_path in sorted(RUNNING_SERVER_LOGS):
            report.sections.append((f"server log {log_path.name}", server_output(log_path) or "(empty)"))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """RUN_FIRST first, in that order; every other test keeps its place. Every worker computes the same
    order (xdist requires it)."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return RUN_FIRST.index(path) if path in RUN_FIRST else len(RUN_FIRST)

    items.sort(key=rank)  # stable


@pytest.fixture(autouse=True)
def _no_outside_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the suite may reach beyond this machine (the LLM API is mocked with respx)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "::1", "localhost"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach {host}: only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


class FakeClock:
    """A clock the test moves by hand; the code under test only ever calls it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty database ``<prefix>_<worker>_<random>`` on the test PostgreSQL server, then dropped."""
    name = f"{prefix}_{WORKER}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server for this worker's session, dropped at the end."""
    with scratch_postgres("touchpoint_test") as url:
        upgrade(url)
        yield url
        if url in _cleaners:
            _cleaners.pop(url).dispose()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'touchpoint.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file at the latest schema, as `touchpoint db upgrade` leaves it; never written to. A test
    whose command needs a migrated database takes ``copy_sqlite`` of it rather than start a process to
    migrate (the migration itself is tested in tests/agent/db/test_migrations.py)."""
    path = tmp_path_factory.mktemp("migrated") / "touchpoint.db"
    upgrade(f"sqlite:///{path}")
    return path


def copy_sqlite(source: Path, destination: Path) -> None:
    """A consistent copy of an SQLite database (SQLite's backup API), its folder created."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(destination)) as copy:
        original.backup(copy)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url: str = request.getfixturevalue(f"{request.param}_database")
    yield url
    empty_tables(url)


_cleaners: dict[str, Engine] = {}  # one engine per database for the whole session, not one per test


def empty_tables(url: str) -> None:
    engine = _cleaners.get(url) or _cleaners.setdefault(url, create_engine(url))
    with engine.begin() as connection:  # DELETE beats TRUNCATE on tables this small
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's server with SmolLM2-135M on loopback (tests/local_llm.py), started once per worker that
    runs a test needing it; yields its OpenAI-compatible base URL. The model's F16 copy is made once per
    run, by the first worker to get here, beside the workers' temporary folders (as ``embedded_demo``)."""
    shared = run_folder(tmp_path_factory)
    with (shared / "smollm2.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        model = served_model(shared)
    with llama_server(tmp_path_factory.mktemp("llama") / "server.log", model) as base_url:
        yield base_url


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker's temporary folder is in (pytest-N/, beside popen-gw0/, popen-gw1/, ...):
    what the whole run shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if WORKER != "main" else base


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "knowledge" / "content"


@pytest.fixture(scope="session")
def embedded_demo(tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path) -> Path:
    """A Chroma folder holding the demo knowledge embedded by the real model: made once per run, by the
    first worker to get here (the others wait on the lock), in the folder all the workers' temporary
    folders are in. Nobody opens it afterwards: each worker takes a copy (``chroma_path``)."""
    shared = run_folder(tmp_path_factory)
    folder, ready = shared / "demo-chroma", shared / "demo-chroma.ready"
    with (shared / "demo-chroma.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            build_knowledge_base(Settings.load(knowledge_dir=knowledge_dir, chroma_path=folder))
            ready.touch()
    return folder


@pytest.fixture(scope="session")
def chroma_path(tmp_path_factory: pytest.TempPathFactory, embedded_demo: Path) -> Path:
    """This worker's Chroma folder, the demo knowledge already in it (Chroma on disk is one process's).
    Tests that start `touchpoint` processes give each a copy of it, so none of them embeds again."""
    path = tmp_path_factory.mktemp("chroma")
    shutil.copytree(embedded_demo, path, dirs_exist_ok=True)
    return path


@pytest.fixture(scope="session")
def knowledge_base(knowledge_dir: Path, chroma_path: Path) -> KnowledgeBase:
    """The demo knowledge base on the real embedding model and a real Chroma, opened once per worker
    (on its copy of ``embedded_demo``: ingestion finds every chunk already there)."""
    return build_knowledge_base(Settings.load(knowledge_dir=knowledge_dir, chroma_path=chroma_path))


@pytest.fixture
def make_settings(tmp_path: Path, knowledge_dir: Path, chroma_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "var_dir": tmp_path / "var",
            "knowledge_dir": knowledge_dir,
            "chroma_path": chroma_path,
            "_env_file": None,
        }
        values.update(overrides)
        return Settings.load(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    return make_settings(database_url=database_url)


@pytest.fixture
def services(settings: Settings, knowledge_base: KnowledgeBase, clock: FakeClock) -> Iterator[Services]:
    built = build_services(settings, clock=clock, knowledge=knowledge_base)
    yield built
    built.close()


@pytest.fixture
def smtp_services(
    make_settings: Callable[..., Settings],
    database_url: str,
    smtp: LoopbackSmtp,
    knowledge_base: KnowledgeBase,
    clock: FakeClock,
) -> Iterator[Services]:
    """The app's services sending email through the ``smtp`` fixture's relay on loopback (each module
    that uses this defines ``smtp``: the relay's security and extensions are what it tests)."""
    built = build_services(
        make_settings(database_url=database_url, **smtp.settings()), clock=clock, knowledge=knowledge_base
    )
    yield built
    built.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services), raise_server_exceptions=False) as test_client:
        yield test_client


@dataclass(frozen=True)
class Caller:
    user_id: uuid.UUID
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def make_caller(
    services: Services, *, email: str = "rep@example.com", role: UserRole = UserRole.REP
) -> Caller:
    with services.session_factory.begin() as session:
        user = ensure_user(session, email=email, name=email.split("@")[0], role=role, now=services.clock())
        key = issue_key(session, user, name="test", now=services.clock())
        return Caller(user_id=user.id, key=key)


@pytest.fixture
def rep(services: Services) -> Caller:
    return make_caller(services)
