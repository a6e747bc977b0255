"""Chroma behind the ``VectorStore`` interface: on local disk by default, a Chroma server in production.

Chroma never embeds anything here: every vector comes from our ``Embedder`` (Chroma's default embedding
function would download a model at run time, which a self-hosted install cannot rely on). One collection
per embedder, named after it, so vectors of two models never meet in one index.

Several processes share one store (more server processes, a worker, `touchpoint knowledge ingest`), so a
collection that anyone may be reading is never changed: Chroma on local disk keeps each collection's
index in the memory of every process that opened it, and a process whose index no longer matches the
records answers with an error ("Error finding id") or records without text. A change set (``changes``)
is written into a new *version* (a new collection: a copy of the serving one plus the changes), then
published by switching a pointer, the metadata of the collection named after the embedder. Every read
looks at the pointer first (one small read) and opens the new version when it moved, so a reader serves
the old version or the new one, never a half-written one and never an error. A version that stopped
being served is deleted after ``RETIRED_GRACE``, once no read can still be using it.

One piece of work (a retrieval, an inquiry) may read the store several times; inside ``pinned()`` the
pointer is read once, at its first read, and every read of the block serves that version: one snapshot
for the work, and one pointer read instead of one per search. The next block reads the pointer again,
so another process's change is served from the next piece of work on, never by the clock.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError

from knowledge.store import Chunk, Embedder, Hit

logger = logging.getLogger(__name__)

COLLECTION_PREFIX: Final = "touchpoint-knowledge"
_PAGE: Final = 1000
SERVING_KEY: Final = "serving"  # the pointer's metadata key naming the version being served
VERSION_MARK: Final = ".v"  # a version's name: the pointer's name, this mark, a time and a random part
RETIRED_GRACE: Final = timedelta(minutes=10)  # far longer than any one read of a version takes
ABANDONED_AFTER: Final = timedelta(days=1)  # a version never published (its writer died) is deleted then
PUBLISH_ATTEMPTS: Final = 5
_COSINE: Final[CreateCollectionConfiguration] = {"hnsw": {"space": "cosine"}}

Scalar = str | int | float | bool


def collection_name(embedder_name: str, prefix: str = COLLECTION_PREFIX) -> str:
    """A valid Chroma collection name (3-512 of ``[A-Za-z0-9._-]``, alphanumeric at both ends)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_name).strip("-._")
    return f"{prefix}-{slug or 'default'}"[:480].rstrip("-._")  # room for a version's suffix


def _chroma_where(where: Mapping[str, Scalar] | None) -> Where | None:
    # The interface takes plain equality filters; Chroma wants several combined under an explicit $and.
    if not where:
        return None
    if len(where) == 1:
        return dict(where)
    return {"$and": [{key: value} for key, value in where.items()]}


class ChromaChanges:
    """The writes of one change set, into a version nobody reads yet; kept to replay them if another
    process published first (``ChromaVectorStore.changes``)."""

    def __init__(self, target: Collection, embedder: Embedder, max_batch: int) -> None:
        self.target = target  # the version being written
        self._embedder = embedder
        self._max_batch = max_batch
        self._writes: list[tuple[str, dict[str, Any]]] = []  # ("upsert", records) or ("delete", ids)

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        if not chunks:
            return
        vectors = np.asarray(
            self._embedder.embed_documents([chunk.text for chunk in chunks]), dtype=np.float32
        )
        records = {
            "ids": [chunk.id for chunk in chunks],
            "embeddings": vectors,
            "documents": [chunk.text for chunk in chunks],
            "metadatas": [{**chunk.metadata, "document_id": chunk.document_id} for chunk in chunks],
        }
        self._upsert(self.target, records)
        self._writes.append(("upsert", records))

    def delete(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        if not ids:
            return
        self._delete(self.target, ids)
        self._writes.append(("delete", {"ids": ids}))

    def replay(self, target: Collection) -> None:
        """Apply every write again, to another version (no embedding: the vectors are kept)."""
        self.target = target
        for kind, records in self._writes:
            if kind == "upsert":
                self._upsert(target, records)
            else:
                self._delete(target, records["ids"])

    def _upsert(self, target: Collection, records: Mapping[str, Any]) -> None:
        for start in range(0, len(records["ids"]), self._max_batch):
            part = slice(start, start + self._max_batch)
            target.upsert(
                ids=records["ids"][part],
                embeddings=records["embeddings"][part],
                documents=records["documents"][part],
                metadatas=records["metadatas"][part],
            )

    def _delete(self, target: Collection, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self._max_batch):
            target.delete(ids=list(ids[start : start + self._max_batch]))


class ChromaVectorStore:
    """A ``VectorStore`` over versioned Chroma collections, cosine space, scores as cosine similarity.

    The collection named after the embedder is the pointer: its metadata's ``serving`` names the version
    served. Without it (a store written before versions existed) the collection itself is served, and its
    own chunks are deleted once a version has replaced them for ``RETIRED_GRACE``.
    """

    def __init__(
        self,
        client: ClientAPI,
        embedder: Embedder,
        *,
        prefix: str = COLLECTION_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._embedder = embedder
        self._clock = clock
        self._name = collection_name(embedder.name, prefix)
        pointer = client.get_or_create_collection(
            name=self._name,
            configuration=_COSINE,
            metadata={"embedder": embedder.name},
            embedding_function=None,
        )
        self._serving: tuple[str, Collection] = (self._name, pointer)  # one assignment: threads read it
        self._pins = threading.local()  # this thread's ``pinned`` block: its version, once read
        self._write_lock = threading.Lock()  # one change set at a time in this process
        self._max_batch = int(client.get_max_batch_size())

    @property
    def embedder_name(self) -> str:
        return self._embedder.name

    @property
    def embedder(self) -> Embedder:
        """The model the store embeds with: the answer finder embeds sentences with the same one."""
        return self._embedder

    @property
    def collection_name(self) -> str:
        """The pointer's name: the same for every version of this embedder's chunks."""
        return self._name

    @property
    def version(self) -> str:
        """The name of the version served now (it changes with every published change set)."""
        return self._current().name

    def _open(self, name: str) -> Collection:
        # No embedding function: Chroma's default would load a model of its own; every vector is ours.
        return self._client.get_collection(name, embedding_function=None)

    def _pointer(self) -> Collection:
        return self._open(self._name)

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Reads in the block serve the version the pointer named at the block's first read.

        Per thread (each request has its own); a block inside another is part of it. A change set this
        thread publishes inside the block is served by the block's next read.
        """
        if getattr(self._pins, "active", False):
            yield
            return
        self._pins.active, self._pins.collection = True, None
        try:
            yield
        finally:
            self._pins.active, self._pins.collection = False, None

    def _current(self) -> Collection:
        """The version served: the pinned one inside ``pinned()``, else the one the pointer names now."""
        if not getattr(self._pins, "active", False):
            return self._read_pointer()
        pinned: Collection | None = self._pins.collection
        if pinned is None:
            pinned = self._pins.collection = self._read_pointer()
        return pinned

    def _read_pointer(self) -> Collection:
        """The version the pointer names, opened again only when it moved."""
        pointer = self._pointer()
        name = str((pointer.metadata or {}).get(SERVING_KEY) or self._name)
        serving_name, serving = self._serving
        if name != serving_name:
            serving = pointer if name == self._name else self._open(name)
            self._serving = (name, serving)
            logger.info("knowledge.store.version", extra={"serving": name})
        return serving

    @contextmanager
    def changes(self) -> Iterator[ChromaChanges]:
        """Writes made in the block are served together when it ends, or not at all if it raises."""
        with self._write_lock:
            base = self._read_pointer()  # a writer starts from what is published now, pinned or not
            changes = ChromaChanges(self._copy(base), self._embedder, self._max_batch)
            try:
                yield changes
                replaced = self._publish(base.name, changes)
            except BaseException:
                try:
                    self._drop(changes.target)
                except Exception:  # the change's own error matters; a draft left over is collected later
                    logger.exception("knowledge.store.drop_failed")
                raise
            try:  # served already: tidying up may fail (it is tried again at the next change)
                self._retire(replaced)
                self._collect_garbage()
            except Exception:
                logger.exception("knowledge.store.cleanup_failed")

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        if not chunks:
            return
        with self.changes() as changes:
            changes.upsert(chunks)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        if not chunk_ids:
            return
        with self.changes() as changes:
            changes.delete(chunk_ids)

    def chunk_ids_by_document(self) -> dict[str, set[str]]:
        return _chunk_ids_by_document(self._current())

    def search(self, query: str, *, k: int, where: Mapping[str, Scalar] | None = None) -> list[Hit]:
        if k <= 0:
            return []
        found = self._current().query(
            query_embeddings=np.asarray([self._embedder.embed_query(query)], dtype=np.float32),
            n_results=k,
            where=_chroma_where(where),
            include=["documents", "metadatas", "distances"],
        )
        hits: list[Hit] = []
        rows = zip(
            found["ids"][0],
            (found["documents"] or [[]])[0],
            (found["metadatas"] or [[]])[0],
            (found["distances"] or [[]])[0],
            strict=True,
        )
        for chunk_id, text, metadata, distance in rows:
            meta = {key: v for key, v in (metadata or {}).items() if isinstance(v, str | int | float | bool)}
            chunk = Chunk(id=chunk_id, document_id=str(meta.get("document_id", "")), text=text, metadata=meta)
            hits.append(Hit(chunk=chunk, score=1.0 - float(distance)))
        return hits

    def count(self) -> int:
        return int(self._current().count())

    def _new_version(self) -> Collection:
        name = f"{self._name}{VERSION_MARK}{time.time_ns():x}{secrets.token_hex(4)}"
        return self._client.create_collection(
            name=name,
            configuration=_COSINE,
            metadata={"embedder": self._embedder.name, "created_at": self._clock()},
            embedding_function=None,
        )

    def _copy(self, base: Collection) -> Collection:
        """A new version holding every record of ``base`` (vectors copied, nothing embedded)."""
        draft = self._new_version()
        offset = 0
        while True:
            page = base.get(include=["embeddings", "documents", "metadatas"], limit=_PAGE, offset=offset)
            ids: list[str] = page["ids"]
            for start in range(0, len(ids), self._max_batch):
                part = slice(start, start + self._max_batch)
                draft.add(
                    ids=ids[part],
                    embeddings=np.asarray(page["embeddings"], dtype=np.float32)[part],
                    documents=(page["documents"] or [])[part],
                    metadatas=(page["metadatas"] or [])[part],
                )
            if len(ids) < _PAGE:
                return draft
            offset += _PAGE

    def _publish(self, base_name: str, changes: ChromaChanges) -> str:
        """Point at the change set's version and return the name of the one it replaced. If another
        process published since ``base_name`` was copied, the changes are replayed on top of what it
        published (so neither change is lost) and published then.

        Chroma has no compare-and-set: two processes publishing within the same few milliseconds may
        both succeed, and the first one's version is then never served (its changes wait for the next
        ingest). Neither ever points readers at a version that does not exist.
        """
        for _ in range(PUBLISH_ATTEMPTS):
            pointer = self._pointer()
            metadata = dict(pointer.metadata or {})
            serving = str(metadata.get(SERVING_KEY) or self._name)
            if serving == base_name:
                draft = changes.target
                metadata[SERVING_KEY] = draft.name
                if serving == self._name:  # a store from before versions: its own records are retired
                    metadata["retired_at"] = self._clock()
                pointer.modify(metadata=metadata)
                self._serving = (draft.name, draft)
                self._pins.collection = None  # a pinned block of this thread serves its own change next
                logger.info("knowledge.store.published", extra={"serving": draft.name, "replaced": serving})
                return serving
            self._drop(changes.target)
            base_name = serving
            changes.replay(self._copy(self._open(serving)))
        raise RuntimeError(
            f"the knowledge store kept changing under this change set ({PUBLISH_ATTEMPTS} tries)"
        )

    def _retire(self, name: str) -> None:
        """Mark a version no longer served with the time it stopped being served (see the grace)."""
        if name == self._name:
            return  # the pointer's own records: retired in the pointer's metadata when published
        with suppress(NotFoundError):
            retired = self._open(name)
            retired.modify(metadata={**(retired.metadata or {}), "retired_at": self._clock()})

    def _collect_garbage(self) -> None:
        """Delete versions retired more than ``RETIRED_GRACE`` ago, and drafts abandoned long ago.

        Never the version the pointer names: only its publisher's successor retires a version, and a
        published version is never retired before the pointer has moved past it.
        """
        now = self._clock()
        grace, abandoned = RETIRED_GRACE.total_seconds(), ABANDONED_AFTER.total_seconds()
        serving = self._serving[0]
        for collection in self._client.list_collections():
            name = collection.name
            if name == serving or not name.startswith(f"{self._name}{VERSION_MARK}"):
                continue
            metadata = collection.metadata or {}
            retired, created = metadata.get("retired_at"), metadata.get("created_at")
            old_retired = isinstance(retired, int | float) and now - retired > grace
            old_draft = retired is None and isinstance(created, int | float) and now - created > abandoned
            if old_retired or old_draft:
                self._drop(collection)
                logger.info("knowledge.store.deleted_version", extra={"version": name})
        pointer = self._pointer()
        retired = (pointer.metadata or {}).get("retired_at")
        if isinstance(retired, int | float) and now - retired > grace:
            # The records of a store from before versions. The pointer's metadata is left as it is:
            # rewriting it here could undo another process's publishing.
            ids = pointer.get(include=[])["ids"]
            for start in range(0, len(ids), self._max_batch):
                pointer.delete(ids=ids[start : start + self._max_batch])

    def _drop(self, collection: Collection) -> None:
        with suppress(NotFoundError):  # another process collected it first
            self._client.delete_collection(collection.name)


def _chunk_ids_by_document(collection: Collection) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    offset = 0
    while True:
        page = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
        ids: list[str] = page["ids"]
        for chunk_id, metadata in zip(ids, page["metadatas"] or [], strict=True):
            document_id = str((metadata or {}).get("document_id", ""))
            result.setdefault(document_id, set()).add(chunk_id)
        if len(ids) < _PAGE:
            return result
        offset += _PAGE


def chroma_client(*, url: str | None, path: Path) -> ClientAPI:
    """A Chroma server client when ``url`` is given, else an on-disk client in ``path``."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if url is not None:
        parts = urlsplit(url)
        # A URL with a path (a server behind a reverse proxy) goes whole; chromadb then keeps the path.
        root = parts.path in ("", "/")
        return chromadb.HttpClient(
            host=(parts.hostname or "localhost") if root else url.rstrip("/"),
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=chroma_settings,
        )
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
