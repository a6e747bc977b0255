"""Chroma behind the ``VectorStore`` interface: on local disk by default, a Chroma server in production.

Chroma never embeds anything here: every vector comes from our ``Embedder`` (Chroma's default embedding
function would download a model at run time, which a self-hosted install cannot rely on). One collection
per embedder, named after it, so vectors of two models never meet in one index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Where
from chromadb.config import Settings as ChromaSettings

from knowledge.store import Chunk, Embedder, Hit

logger = logging.getLogger(__name__)

COLLECTION_PREFIX: Final = "touchpoint-knowledge"
_PAGE: Final = 1000

Scalar = str | int | float | bool


def collection_name(embedder_name: str, prefix: str = COLLECTION_PREFIX) -> str:
    """A valid Chroma collection name (3-512 of ``[A-Za-z0-9._-]``, alphanumeric at both ends)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_name).strip("-._")
    return f"{prefix}-{slug or 'default'}"[:512].rstrip("-._")


def _chroma_where(where: Mapping[str, Scalar] | None) -> Where | None:
    # The interface takes plain equality filters; Chroma wants several combined under an explicit $and.
    if not where:
        return None
    if len(where) == 1:
        return dict(where)
    return {"$and": [{key: value} for key, value in where.items()]}


class ChromaVectorStore:
    """A ``VectorStore`` over one Chroma collection, cosine space, scores as cosine similarity."""

    def __init__(self, client: ClientAPI, embedder: Embedder, *, prefix: str = COLLECTION_PREFIX) -> None:
        self._client = client
        self._embedder = embedder
        self._collection = client.get_or_create_collection(
            name=collection_name(embedder.name, prefix),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": embedder.name},
            embedding_function=None,
        )
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
        return str(self._collection.name)

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        if not chunks:
            return
        vectors = np.asarray(
            self._embedder.embed_documents([chunk.text for chunk in chunks]), dtype=np.float32
        )
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start : start + self._max_batch]
            self._collection.upsert(
                ids=[chunk.id for chunk in part],
                embeddings=vectors[start : start + self._max_batch],
                documents=[chunk.text for chunk in part],
                metadatas=[{**chunk.metadata, "document_id": chunk.document_id} for chunk in part],
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        ids = list(chunk_ids)
        for start in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=ids[start : start + self._max_batch])

    def chunk_ids_by_document(self) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {}
        offset = 0
        while True:
            page = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            ids: list[str] = page["ids"]
            for chunk_id, metadata in zip(ids, page["metadatas"] or [], strict=True):
                document_id = str((metadata or {}).get("document_id", ""))
                result.setdefault(document_id, set()).add(chunk_id)
            if len(ids) < _PAGE:
                return result
            offset += _PAGE

    def search(self, query: str, *, k: int, where: Mapping[str, Scalar] | None = None) -> list[Hit]:
        if k <= 0:
            return []
        found = self._collection.query(
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
        return int(self._collection.count())


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
