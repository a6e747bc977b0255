"""Shared fixtures: the real ONNX model, loaded once per session, and real Chroma on local disk."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from knowledge.chroma_store import ChromaVectorStore
from knowledge.documents import KnowledgeDocument, load_folder
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.ingest import ingest
from knowledge.store import Embedder
from knowledge.types import DocType


class CountingEmbedder:
    """Wraps a real embedder and records what it was asked to embed (tests assert on the work done)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.document_calls = 0
        self.embedded: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.document_calls += 1
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def reset(self) -> None:
        self.document_calls = 0
        self.embedded.clear()


@pytest.fixture(scope="session")
def embedder() -> LocalMiniLMEmbedder:
    return LocalMiniLMEmbedder()


@pytest.fixture
def counting(embedder: LocalMiniLMEmbedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


def make_store(path: Path, embedder: Embedder) -> ChromaVectorStore:
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    return ChromaVectorStore(client, embedder)


@pytest.fixture
def store(tmp_path: Path, counting: CountingEmbedder) -> ChromaVectorStore:
    return make_store(tmp_path / "chroma", counting)


def doc(
    doc_id: str,
    doc_type: DocType,
    title: str,
    body: str,
    *,
    industries: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    customer: str | None = None,
    figures: tuple[str, ...] = (),
    url: str | None = None,
    expires: date | None = None,
    content_hash: str | None = None,
) -> KnowledgeDocument:
    return KnowledgeDocument(
        id=doc_id,
        type=doc_type,
        title=title,
        body=body,
        path=f"{doc_id}.md",
        content_hash=content_hash
        or hashlib.sha256(repr((title, body, industries, expires)).encode()).hexdigest(),
        url=url,
        industries=industries,
        services=services,
        customer=customer,
        figures=figures,
        expires=expires,
    )


KEYSTONE = Path(__file__).resolve().parents[1] / "fixtures" / "knowledge" / "keystone-payroll"
GARNISHMENTS = """\
---
type: faq
title: Do you handle wage garnishments?
services: [payroll]
---

Yes. Keystone withholds child support orders and tax levies from each paycheck and pays them to the
agency, with the paperwork kept on the employee's record.
"""  # a document Keystone Payroll's folder does not have yet, for upload tests


def embedded_copy(source: Path, embedder: Embedder, destination: Path) -> tuple[Path, Path]:
    """A writable copy of a knowledge folder, and a Chroma folder already holding its chunks."""
    folder = destination / "knowledge"
    shutil.copytree(source, folder)
    chroma = destination / "chroma"
    ingest(load_folder(folder).documents, make_store(chroma, embedder))
    return folder, chroma


def copy_embedded(embedded: tuple[Path, Path], destination: Path) -> tuple[Path, Path]:
    """A fresh copy of what ``embedded_copy`` made once: cheaper than embedding again for every test."""
    folder, chroma = embedded
    shutil.copytree(folder, destination / "knowledge")
    shutil.copytree(chroma, destination / "chroma")
    return destination / "knowledge", destination / "chroma"


@pytest.fixture(scope="module")
def keystone(tmp_path_factory: pytest.TempPathFactory, embedder: LocalMiniLMEmbedder) -> tuple[Path, Path]:
    """The second fixture company's folder, embedded once per module; tests take ``copy_embedded`` of it."""
    return embedded_copy(KEYSTONE, embedder, tmp_path_factory.mktemp("keystone"))
