"""Counting the work code under test does (SQL statements, reads of the knowledge store's pointer), for
the tests of work done once that used to be done several times per inquiry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from chromadb.api.models.Collection import Collection
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from knowledge.chroma_store import ChromaVectorStore


@contextmanager
def statements(session_factory: sessionmaker[Session]) -> Iterator[list[str]]:
    """The SQL statements run on the factory's engine in the block, each on one line."""
    engine = session_factory.kw["bind"]
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(" ".join(str(args[2]).split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def pointer_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the name of every Chroma store whose pointer (its version's name) is read."""
    reads: list[str] = []
    pointer = ChromaVectorStore._pointer

    def counted(self: ChromaVectorStore) -> Collection:
        reads.append(self.collection_name)
        return pointer(self)

    monkeypatch.setattr(ChromaVectorStore, "_pointer", counted)
    return reads
