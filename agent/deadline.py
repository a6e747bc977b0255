"""A deadline for the work running in this context: every model call made under it ends by it.

The instant acknowledgment has seconds. When they pass the composer answers, and a model call still
running after them is wasted: its answer is thrown away, and it holds the model's slot (a local model
server has one) while the leads behind it wait. So work done for a deadline runs ``within`` it, and
``agent/llm.py`` reads ``time_left``: no call starts or waits for a slot after the deadline, no retry is
scheduled past it, and the HTTP request of a call still running when it passes is closed.

A context variable rather than a parameter, because the deadline must reach the HTTP client through
LangChain and the OpenAI client, which pass no such thing along. Times are ``time.monotonic`` seconds;
``now`` is a parameter wherever a test needs to hold the clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Clock = Callable[[], float]

_until: ContextVar[float | None] = ContextVar("touchpoint_deadline", default=None)


@contextmanager
def within(at: float) -> Iterator[None]:
    """Run the block under the deadline ``at`` (monotonic seconds); a deadline already set that comes
    sooner stays (work done for a deadline cannot buy itself more time by setting another)."""
    current = _until.get()
    token = _until.set(at if current is None else min(at, current))
    try:
        yield
    finally:
        _until.reset(token)


def current() -> float | None:
    """The deadline of this context (monotonic seconds), or None when there is none."""
    return _until.get()


def time_left(now: Clock = time.monotonic) -> float | None:
    """Seconds until this context's deadline (zero or less once it passed), or None with no deadline."""
    at = _until.get()
    return None if at is None else at - now()


def passed(now: Clock = time.monotonic) -> bool:
    left = time_left(now)
    return left is not None and left <= 0
