"""Model answers cached on disk, so a re-run costs nothing and a replay makes no call at all.

The cache plugs into LangChain's own cache hook (``BaseCache``), so every model call of a run (the
drafter, the reply classifier, the judge) goes through it without any of them knowing. The key is a
hash of the model and its generation settings (name, temperature, seed, the tools or schema it must
answer in) and of the exact messages sent; where the server lives and how long the client waits are
left out, so a recording made against one llama.cpp port replays against another. Only answers are
stored: a call that failed (a timeout, a 500, a refused connection) never reaches ``update``, so an error
is never cached and the next run tries again.

Modes: ``use`` reads and writes; ``refresh`` calls the model and overwrites; ``replay`` only reads, and
a miss raises ``NotInCache`` (a ``ConnectionError``, so the callers treat it as an unreachable model:
the drafter falls back, the judge records an error); ``off`` neither reads nor writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from langchain_core._api import LangChainBetaWarning
from langchain_core.caches import BaseCache
from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.load import dumpd, load
from langchain_core.outputs import Generation

# Client settings that change where and how patiently we ask, never what the model answers.
CONNECTION_KEYS = frozenset(
    {
        "openai_api_base",
        "base_url",
        "openai_api_key",
        "api_key",
        "openai_organization",
        "openai_proxy",
        "request_timeout",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
        "http_async_client",
    }
)


class CacheMode(StrEnum):
    USE = "use"
    REFRESH = "refresh"
    REPLAY = "replay"
    OFF = "off"


class NotInCache(ConnectionError):
    """Replay met a call it has no recording of: nothing is sent, the caller sees an unreachable model."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    mode: str
    hits: int
    calls: int  # answers that came from the model (and were stored, unless the mode is off)
    replay_misses: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "hits": self.hits,
            "calls": self.calls,
            "replay_misses": self.replay_misses,
        }


def cache_key(prompt: str, llm_string: str) -> str:
    """sha256 of the model's generation settings and the messages, without connection details."""
    head, separator, params = llm_string.partition("}---")
    model: Any = llm_string
    if separator:
        try:
            serialised = json.loads(head + "}")
            kwargs = serialised.get("kwargs", {})
            model = {
                "class": serialised.get("id"),
                "kwargs": {k: v for k, v in sorted(kwargs.items()) if k not in CONNECTION_KEYS},
                "params": params,
            }
        except (ValueError, AttributeError):
            model = llm_string
    material = json.dumps({"model": model, "prompt": prompt}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class DiskCache(BaseCache):
    """One JSON file per answer under ``directory``; safe to share between the threads of a run."""

    def __init__(self, directory: Path, mode: CacheMode = CacheMode.USE) -> None:
        self.directory = directory
        self.mode = mode
        self._lock = threading.Lock()
        self._hits = 0
        self._calls = 0
        self._replay_misses = 0

    @property
    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.mode.value, self._hits, self._calls, self._replay_misses)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def lookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        if self.mode in {CacheMode.OFF, CacheMode.REFRESH}:
            return None
        key = cache_key(prompt, llm_string)
        found = self._read(key)
        with self._lock:
            if found is not None:
                self._hits += 1
                return found
            if self.mode is CacheMode.REPLAY:
                self._replay_misses += 1
        if self.mode is CacheMode.REPLAY:
            raise NotInCache(
                f"replay mode: no recorded answer for this call (key {key[:12]}); run without --replay"
            )
        return None

    def update(self, prompt: str, llm_string: str, return_val: Sequence[Generation]) -> None:
        with self._lock:
            self._calls += 1
        if self.mode not in {CacheMode.USE, CacheMode.REFRESH}:
            return
        key = cache_key(prompt, llm_string)
        record = {
            "key": key,
            "stored_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "generations": [dumpd(generation) for generation in return_val],
        }
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(temporary, target)  # readers see the old file or the new one, never half of it

    def clear(self, **kwargs: Any) -> None:
        for file in self.directory.glob("*/*.json"):
            file.unlink()

    def _read(self, key: str) -> list[Generation] | None:
        try:
            record = json.loads(self.path(key).read_text(encoding="utf-8"))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LangChainBetaWarning)
                generations = [load(item, allowed_objects="core") for item in record["generations"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or unreadable: as good as absent, the model is asked again
        if not all(isinstance(g, Generation) for g in generations):
            return None
        return generations


@contextmanager
def caching(cache: BaseCache | None) -> Iterator[None]:
    """Route every LangChain model call of the block through ``cache`` (LangChain's process-wide hook)."""
    previous = get_llm_cache()
    set_llm_cache(cache)
    try:
        yield
    finally:
        set_llm_cache(previous)
