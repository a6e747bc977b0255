"""The one way to reach a language model: any OpenAI-compatible endpoint, through LangChain.

OpenAI, Azure, vLLM, Ollama and llama.cpp's server all speak the same chat-completions API, so one
client built from settings serves them all. Retries (jittered exponential backoff on 429, 5xx,
timeouts and dropped connections), a per-call timeout and a concurrency limit live here, once, for the
drafter, the reply classifier and the eval judge alike: a process builds one ``ModelAccess`` (in
``agent/container.py``) and hands it to all three, so ``TOUCHPOINT_LLM_MAX_CONCURRENCY`` bounds every
model call the process makes, whoever makes it.

A call made for a deadline (``agent.deadline.within``: the instant acknowledgment's) ends by it: it does
not wait for a slot, start or retry after it, and its HTTP request is closed when it passes
(``bounded_by_deadline``), so the model's slot goes to work whose answer will be used.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    stop_any,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from agent import deadline

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

T = TypeVar("T")
logger = logging.getLogger(__name__)
LOCAL_KEY = "not-needed"
OPENAI_HOSTS = frozenset({"api.openai.com"})  # local servers ignore the key, but the client insists on one


class ModelUnavailable(Exception):
    """The model could not be reached or kept failing: the caller falls back (composer, rules)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    max_wait_seconds: float = 8.0
    total_seconds: float = 60.0
    initial_wait_seconds: float = 0.5


def openai_error(error: BaseException, *names: str) -> bool:
    """Whether ``error`` is one of the ``openai`` package's errors named. The package is imported only by
    what builds a chat model (LangChain's OpenAI client, in ``ModelAccess.chat_model``), not here: with
    LangChain it is over a second of CPU, which every command, server and worker without a model would
    pay at start. Before it is imported, none of its errors can have been raised."""
    module = sys.modules.get("openai")
    return module is not None and isinstance(error, tuple(getattr(module, name) for name in names))


def is_transient(error: BaseException) -> bool:
    """Worth another try: rate limits, server errors, timeouts, dropped connections."""
    if openai_error(error, "APITimeoutError", "APIConnectionError", "RateLimitError"):
        return True
    if openai_error(error, "APIStatusError"):
        status: int = getattr(error, "status_code")  # noqa: B009
        return status == 429 or status >= 500
    return False


def describe(error: BaseException) -> str:
    if openai_error(error, "APIStatusError"):
        message: str = getattr(error, "message")  # noqa: B009
        return f"the model API answered {getattr(error, 'status_code')}: {message[:200]}"  # noqa: B009
    if openai_error(error, "APITimeoutError"):
        return "the model API timed out"
    if openai_error(error, "APIConnectionError"):
        return "could not connect to the model API"
    return f"{type(error).__name__}: {str(error)[:200]}"


class ModelGate:
    """Bounded concurrency and retries around calls to one model endpoint.

    ``in_flight`` and ``waiting`` are what the gate is doing now (calls holding a slot, calls queued for
    one): the health of the model's queue, and what a test of the limit watches.
    """

    def __init__(
        self,
        *,
        max_concurrency: int,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        monotonic: deadline.Clock = time.monotonic,
    ) -> None:
        self.max_concurrency = max_concurrency
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._count_lock = threading.Lock()
        self.in_flight = 0
        self.waiting = 0
        self.policy = policy
        self._sleep = sleep  # tests pass a recorder: backoff is asserted, never waited out
        self._monotonic = monotonic  # the clock deadlines are read on (``agent.deadline``)

    def call(self, fn: Callable[[], T], *, policy: RetryPolicy | None = None) -> T:
        """Run ``fn`` with retries on transient errors; raise ``ModelUnavailable`` when it gives up.

        ``policy`` overrides the gate's retries for one caller (a reply reader gives up sooner than a
        drafter); the slots are the same for every caller.

        Under a deadline (``agent.deadline.within``) the call waits for a slot only until it, and no
        retry is scheduled past it: what the caller cannot use is not asked for. (The HTTP request
        itself ends by the deadline in the client, ``bounded_by_deadline``.)
        """
        policy = policy or self.policy
        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            wait=wait_random_exponential(multiplier=policy.initial_wait_seconds, max=policy.max_wait_seconds),
            stop=stop_any(
                stop_after_attempt(policy.attempts),
                stop_after_delay(policy.total_seconds),
                StopAtDeadline(self._monotonic),
            ),
            reraise=True,
            before_sleep=_note_retry,
            sleep=self._sleep,
        )
        try:
            with self._slot():
                return retrying(fn)
        except Exception as exc:
            if not isinstance(exc, ConnectionError | TimeoutError) and not openai_error(exc, "OpenAIError"):
                raise
            if deadline.passed(self._monotonic):
                raise ModelUnavailable(f"{describe(exc)}; stopped at the deadline") from exc
            raise ModelUnavailable(describe(exc)) from exc

    @contextmanager
    def _slot(self) -> Iterator[None]:
        left = deadline.time_left(self._monotonic)
        if left is not None and left <= 0:
            raise ModelUnavailable("the deadline passed before the call could start")
        with self._count_lock:
            self.waiting += 1
        acquired = self._slots.acquire() if left is None else self._slots.acquire(timeout=left)
        with self._count_lock:
            self.waiting -= 1
            if acquired:
                self.in_flight += 1
        if not acquired:
            raise ModelUnavailable(f"no model slot came free before the deadline ({left:.1f} s)")
        try:
            yield
        finally:
            with self._count_lock:
                self.in_flight -= 1
            self._slots.release()


class StopAtDeadline(stop_base):
    """Stop retrying when the next try would start at or after the deadline (``agent.deadline``)."""

    def __init__(self, now: deadline.Clock) -> None:
        self.now = now

    def __call__(self, retry_state: RetryCallState) -> bool:
        left = deadline.time_left(self.now)
        return left is not None and left <= retry_state.upcoming_sleep


def _note_retry(state: RetryCallState) -> None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    logger.info(
        "llm.retry", extra={"attempt": state.attempt_number, "error": describe(error) if error else None}
    )


@dataclass(frozen=True, slots=True)
class ModelEndpoint:
    """Where the model is and how to talk to it: plain values, read from settings by the container."""

    base_url: str
    api_key: str | None
    model: str
    timeout_seconds: float
    max_output_tokens: int


# A socket timeout of zero means "do not block" to Python, which fails differently from a timeout.
SHORTEST_WAIT = 0.001


class _UntilDeadline(dict[str, float | None]):
    """A request's httpx timeouts, each cut to the time left before a deadline when it is read.

    httpcore reads the timeout of each socket operation from this mapping right before it (connect,
    every send, every read), so no operation waits past the deadline, however long the ones before it
    took: a call still waiting for the model's answer times out at the deadline, and httpcore closes
    its connection (the server sees the client go, and a server that watches for it stops generating).
    """

    def __init__(self, configured: Mapping[str, float | None], at: float, now: deadline.Clock) -> None:
        super().__init__(configured)
        self.at = at
        self._now = now

    def get(self, key: str, default: float | None = None) -> float | None:  # type: ignore[override]
        configured = super().get(key, default)
        left = max(self.at - self._now(), SHORTEST_WAIT)
        return left if configured is None else min(configured, left)


def bounded_by_deadline(request: httpx.Request, *, now: deadline.Clock = time.monotonic) -> None:
    """An httpx request hook: a request sent under a deadline (``agent.deadline.within``) ends by it."""
    at = deadline.current()
    if at is not None:
        request.extensions["timeout"] = _UntilDeadline(request.extensions.get("timeout", {}), at, now)


class ModelAccess:
    """A process's one way to its model: chat models for any caller, all behind one ``ModelGate``, all
    on one HTTP client whose requests end by the deadline of the work they are made for."""

    def __init__(self, endpoint: ModelEndpoint, gate: ModelGate) -> None:
        self.endpoint = endpoint
        self.gate = gate
        self.http = httpx.Client(
            timeout=endpoint.timeout_seconds,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=100),  # the OpenAI client's
            event_hooks={"request": [bounded_by_deadline]},
        )

    def close(self) -> None:
        self.http.close()

    @property
    def model_name(self) -> str:
        return self.endpoint.model

    def chat_model(self, *, model: str | None = None, temperature: float = 0.4) -> BaseChatModel:
        """A chat model on this endpoint (retries are the gate's job, so the client itself does none)."""
        endpoint = self.endpoint
        limit = endpoint.max_output_tokens
        # LangChain sends the limit as OpenAI's `max_completion_tokens`; compatible servers (llama.cpp,
        # vLLM, Ollama) read the older `max_tokens`, and without it a small model may ramble for minutes.
        extra = None if urlsplit(endpoint.base_url).hostname in OPENAI_HOSTS else {"max_tokens": limit}
        from langchain_openai import ChatOpenAI  # here, not at the top: see ``openai_error``

        return ChatOpenAI(
            model=model or endpoint.model,
            base_url=endpoint.base_url,
            api_key=SecretStr(endpoint.api_key or LOCAL_KEY),
            timeout=endpoint.timeout_seconds,
            max_retries=0,
            http_client=self.http,
            temperature=temperature,
            max_tokens=limit,
            extra_body=extra,
        )
