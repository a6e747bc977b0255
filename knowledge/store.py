"""The vector store behind one small interface, so Chroma can be swapped for another store later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a knowledge document as stored: ``id`` is a hash of the content, so it is stable."""

    id: str
    document_id: str
    text: str
    metadata: Mapping[str, str | int | float | bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    score: float  # cosine similarity, higher is closer


class Embedder(Protocol):
    """Turns text into vectors; ``name`` is recorded so a store never mixes two models' vectors."""

    @property
    def name(self) -> str: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class StoreChanges(Protocol):
    """Writes that become visible together, when their change set ends (``VectorStore.changes``)."""

    def upsert(self, chunks: Sequence[Chunk]) -> None: ...

    def delete(self, chunk_ids: Sequence[str]) -> None: ...


class VectorStore(Protocol):
    """Chunks and their vectors; the store embeds texts itself, with the embedder named here.

    Chunk ids include ``embedder_name`` (``knowledge.ingest.chunk_id``), so a change of model re-embeds
    everything instead of mixing two models' vectors in one index.

    Other processes may read the same store while one writes (docs/knowledge.md): ``changes`` gathers
    writes that readers then see all at once, or, if the block raises, never; a reader sees the store
    before the change set or after it. ``upsert`` and ``delete`` are each a change set of their own.
    """

    @property
    def embedder_name(self) -> str: ...

    def changes(self) -> AbstractContextManager[StoreChanges]: ...

    def upsert(self, chunks: Sequence[Chunk]) -> None: ...

    def delete(self, chunk_ids: Sequence[str]) -> None: ...

    def chunk_ids_by_document(self) -> dict[str, set[str]]: ...

    def search(
        self, query: str, *, k: int, where: Mapping[str, str | int | float | bool] | None = None
    ) -> list[Hit]: ...

    def count(self) -> int: ...
