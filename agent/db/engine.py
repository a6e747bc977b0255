"""The engine and session factory, built once from settings and handed to whoever needs a session;
and ``retrying``, the one way to run a transaction again when another one made it give way."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

logger = logging.getLogger(__name__)


def build_engine(database_url: str, *, echo: bool = False) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20
        )
        writers = FifoLock()
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", lambda connection: _sqlite_begin(connection, writers))
        event.listen(engine, "commit", lambda connection: _sqlite_end(connection, writers))
        event.listen(engine, "rollback", lambda connection: _sqlite_end(connection, writers))
        return engine
    return create_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the API read while the worker writes; foreign keys are off by default in SQLite.

    The driver's own transaction handling is switched off (``isolation_level = None``) because it
    does not emit BEGIN before a SAVEPOINT, which turns a nested rollback into a commit.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class FifoLock:
    """A lock granted in arrival order.

    SQLite has one writer. Left to itself, a waiting writer polls with growing sleeps (up to 100 ms)
    and can lose the race again and again: under 20 concurrent inquiries some waited seconds while
    others went straight through. Queueing the writers of this process here, in order, first keeps
    the wait to the work ahead of them; the busy timeout still covers other processes.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    def acquire(self) -> None:
        with self._condition:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._condition.wait_for(lambda: self._serving == ticket)

    def release(self) -> None:
        with self._condition:
            self._serving += 1
            self._condition.notify_all()


HOLDS_WRITE_LOCK = "touchpoint_holds_write_lock"


def _sqlite_begin(connection: Any, writers: FifoLock) -> None:
    """IMMEDIATE takes the write lock up front: concurrent writers wait (busy timeout) instead of
    failing with "database is locked" when a read turns into a write mid-transaction."""
    writers.acquire()
    connection.info[HOLDS_WRITE_LOCK] = True
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _sqlite_end(connection, writers)
        raise


def _sqlite_end(connection: Any, writers: FifoLock) -> None:
    if connection.info.pop(HOLDS_WRITE_LOCK, False):
        writers.release()


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# --- retrying what the database gave up on because of another transaction ---------------------------

T = TypeVar("T")

# PostgreSQL's SQLSTATEs for "run the transaction again": serialization_failure, deadlock_detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
RETRY_ATTEMPTS = 5
RETRY_BACKOFF_SECONDS = 0.005  # doubled per attempt, with jitter: the two sides do not collide again


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialisation failure (the database chose this transaction to give way), or a row
    another transaction changed between our read and our write (``StaleDataError``): done again in a
    fresh transaction, the work sees the other's result and succeeds."""
    if isinstance(error, StaleDataError):
        return True
    if isinstance(error, DBAPIError):
        return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    return False


def retrying(work: Callable[[], T], *, attempts: int = RETRY_ATTEMPTS, what: str = "transaction") -> T:
    """Run ``work`` (which opens its own transaction, or savepoint, each time) again while it fails for
    a reason another transaction caused (``is_retryable``); any other error, or the last attempt's,
    goes to the caller. ``work`` must start from the database each time, not from objects it read in
    an attempt that was rolled back."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except (DBAPIError, StaleDataError) as error:
            if attempt == attempts or not is_retryable(error):
                raise
            logger.info("db.retry", extra={"what": what, "attempt": attempt, "error": type(error).__name__})
            # A short, jittered pause between attempts (not synchronisation): lets the winner commit.
            time.sleep(random.uniform(0, RETRY_BACKOFF_SECONDS * 2**attempt))
    raise AssertionError("unreachable")
