"""Knowledge documents into the vector store: chunking, chunk metadata, idempotent re-ingestion.

A case study is only worth citing with its numbers attached to the right customer, so every case-study
chunk starts with a header naming the customer, industries, title and figures: a chunk retrieved on its
own can never present one customer's result as another's. Chunk ids are content hashes, so re-running
ingestion on an unchanged folder embeds nothing and an edit re-embeds only the edited document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from knowledge.documents import KnowledgeDocument
from knowledge.store import Chunk, VectorStore
from knowledge.types import DocType

logger = logging.getLogger(__name__)

TARGET_WORDS: Final = 180  # ~240 tokens: the whole chunk fits the local model's 256-token window
MIN_BODY_WORDS: Final = 60  # a body budget floor, however long a case-study header gets
BATCH_CHUNKS: Final = 64

ProgressCallback = Callable[[int, int], None]
Metadata = dict[str, str | int | float | bool]

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingestion run did, in documents (``changed_ids`` names them) and chunks."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    errors: tuple[str, ...] = ()
    changed_ids: tuple[str, ...] = ()  # added, then updated, then removed documents
    failed_ids: tuple[str, ...] = ()  # documents whose new chunks could not be embedded (old ones kept)


def _words(text: str) -> int:
    return len(text.split())


def _split_long(paragraph: str, budget: int) -> list[str]:
    """A paragraph over budget splits at sentence ends, and a sentence over budget at word counts."""
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE.split(paragraph.strip()):
        words = sentence.split()
        while len(words) > budget:
            pieces.extend([" ".join(current)] if current else [])
            current = []
            pieces.append(" ".join(words[:budget]))
            words = words[budget:]
        if current and _words(" ".join(current)) + len(words) > budget:
            pieces.append(" ".join(current))
            current = []
        if words:
            current.append(" ".join(words))
    if current:
        pieces.append(" ".join(current))
    return pieces


def split_body(body: str, budget: int = TARGET_WORDS) -> list[str]:
    """Pack whole paragraphs into pieces of at most ``budget`` words, keeping paragraph breaks."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in (p.strip() for p in _PARAGRAPH.split(body)):
        if not paragraph:
            continue
        size = _words(paragraph)
        if size > budget:
            if current:
                pieces.append("\n\n".join(current))
                current, count = [], 0
            pieces.extend(_split_long(paragraph, budget))
            continue
        if current and count + size > budget:
            pieces.append("\n\n".join(current))
            current, count = [], 0
        current.append(paragraph)
        count += size
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def _human(slugs: Iterable[str]) -> str:
    return ", ".join(slug.replace("_", " ") for slug in slugs)


def chunk_header(document: KnowledgeDocument) -> str:
    """The line every chunk of a document starts with: who and what it is about, before any detail."""
    title = document.title.strip().rstrip(".")
    if document.type is not DocType.CASE_STUDY:
        return title
    header = "Case study: "
    header += document.customer.strip() if document.customer else title
    if document.industries:
        header += f" ({_human(document.industries)})"
    if document.customer:
        header += f" — {title}"
    results = "; ".join(f.strip().rstrip(".") for f in document.figures) or (document.result or "").strip()
    if results:
        header += f". Results: {results.rstrip('.')}"
    return header + "."


def _flags(prefix: str, slugs: Sequence[str]) -> Metadata:
    return {f"{prefix}_{slug}": True for slug in slugs}


def chunk_metadata(document: KnowledgeDocument, index: int) -> Metadata:
    """Flat metadata Chroma can filter on: ``where`` matches whole values, so set membership is a flag."""
    return {
        "document_id": document.id,
        "type": str(document.type),
        "title": document.title,
        "url": document.url or "",
        "industries": f",{','.join(document.industries)}," if document.industries else "",
        "services": f",{','.join(document.services)}," if document.services else "",
        "customer": document.customer or "",
        "content_hash": document.content_hash,
        "expires": document.expires.isoformat() if document.expires else "",
        "chunk_index": index,
        # No industries means "true for every industry" (docs/knowledge.md): such a FAQ must reach a
        # dental lead as readily as one tagged dental, so it gets a flag a filter can ask for.
        **({"all_industries": True} if not document.industries else {}),
        **_flags("ind", document.industries),
        **_flags("svc", document.services),
    }


def chunk_id(document_id: str, text: str, embedder_name: str, metadata: Metadata) -> str:
    # Metadata is hashed too: an edit to a FAQ's industries or an offer's expiry date changes no text,
    # yet the stored filter flags must follow it.
    payload = json.dumps([document_id, text, embedder_name, metadata], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def chunk_document(document: KnowledgeDocument, embedder_name: str) -> list[Chunk]:
    header = chunk_header(document)
    budget = max(MIN_BODY_WORDS, TARGET_WORDS - _words(header))
    pieces = split_body(document.body, budget) or [""]
    chunks: list[Chunk] = []
    for index, piece in enumerate(pieces):
        text = f"{header}\n\n{piece}" if piece else header
        metadata = chunk_metadata(document, index)
        chunks.append(
            Chunk(
                id=chunk_id(document.id, text, embedder_name, metadata),
                document_id=document.id,
                text=text,
                metadata=metadata,
            )
        )
    return chunks


def _batches(plan: list[tuple[str, list[Chunk]]]) -> Iterable[list[tuple[str, list[Chunk]]]]:
    """Whole documents per batch, so a failed batch leaves each document either old or new, never half."""
    batch: list[tuple[str, list[Chunk]]] = []
    size = 0
    for item in plan:
        batch.append(item)
        size += len(item[1])
        if size >= BATCH_CHUNKS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def ingest(
    documents: Sequence[KnowledgeDocument],
    store: VectorStore,
    *,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring the store in line with ``documents``; ``on_progress(done, total)`` counts chunks to embed."""
    stored = store.chunk_ids_by_document()
    embedder_name = store.embedder_name
    errors: list[str] = []
    wanted: dict[str, list[Chunk]] = {}
    for document in documents:
        if document.id in wanted:
            errors.append(f"{document.path}: duplicate document id {document.id!r}; kept the first")
            continue
        wanted[document.id] = chunk_document(document, embedder_name)

    unchanged = [d for d, chunks in wanted.items() if stored.get(d) == {c.id for c in chunks}]
    skip = set(unchanged)
    plan = [
        (d, [c for c in chunks if c.id not in stored.get(d, set())])
        for d, chunks in wanted.items()
        if d not in skip
    ]
    removed = sorted(d for d in stored if d not in wanted)
    total = sum(len(chunks) for _, chunks in plan)
    written: dict[str, None] = {}  # insertion-ordered set
    failed: list[str] = []
    stale: list[str] = []
    if on_progress:
        on_progress(0, total)
    if plan or removed:  # one change set: other processes see the folder before this run or after it
        with store.changes() as changes:
            done = 0
            for batch in _batches(plan):
                try:
                    changes.upsert([chunk for _, chunks in batch for chunk in chunks])
                except Exception as exc:  # one failed batch must not stop the rest; old chunks stay
                    logger.exception(
                        "knowledge.ingest.batch_failed", extra={"documents": [d for d, _ in batch]}
                    )
                    errors.extend(f"{d}: not re-embedded ({exc})" for d, _ in batch)
                    failed.extend(d for d, _ in batch)
                else:
                    for document_id, _ in batch:
                        written[document_id] = None
                        keep = {c.id for c in wanted[document_id]}
                        stale.extend(sorted(stored.get(document_id, set()) - keep))
                done += sum(len(chunks) for _, chunks in batch)
                if on_progress:
                    on_progress(done, total)
            stale.extend(chunk for d in removed for chunk in sorted(stored[d]))
            if stale:
                changes.delete(stale)
    added = tuple(d for d in written if d not in stored)
    updated = tuple(d for d in written if d in stored)
    report = IngestReport(
        added=len(added),
        updated=len(updated),
        removed=len(removed),
        unchanged=len(unchanged),
        chunks_written=sum(len(chunks) for d, chunks in plan if d in written),
        chunks_deleted=len(stale),
        errors=tuple(errors),
        changed_ids=(*added, *updated, *removed),
        failed_ids=tuple(failed),
    )
    logger.info(
        "knowledge.ingest.done",
        extra={
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "unchanged": report.unchanged,
            "chunks_written": report.chunks_written,
            "chunks_deleted": report.chunks_deleted,
            "errors": len(report.errors),
        },
    )
    return report
