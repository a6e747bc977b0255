from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from agent.container import build_vector_store
from agent.settings import Settings
from knowledge.chroma_store import ChromaVectorStore, chroma_client, collection_name
from knowledge.embeddings import LocalMiniLMEmbedder, cosine
from knowledge.store import Chunk, VectorStore
from tests.knowledge.conftest import CountingEmbedder, make_store


def _chunks() -> list[Chunk]:
    return [
        Chunk("c1", "pricing", "The Team plan costs $99 a month.", {"type": "faq", "ind_dental": True}),
        Chunk("c2", "hipaa", "We sign a HIPAA business associate agreement.", {"type": "faq"}),
        Chunk("c3", "smiles", "Case study: Bright Smiles cut no-shows by 38%.", {"type": "case_study"}),
        Chunk(
            "c4", "smiles", "Bright Smiles now fills cancellations from a waitlist.", {"type": "case_study"}
        ),
    ]


class TinyEmbedder:
    """A different 'model' (3-d vectors): it must get a collection of its own."""

    name = "tiny-test-model"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return [float(len(text)), 1.0, 0.5]


def test_it_is_a_vector_store(store: ChromaVectorStore) -> None:
    typed: VectorStore = store
    assert typed.count() == 0


def test_scores_are_cosine_similarities(store: ChromaVectorStore, embedder: LocalMiniLMEmbedder) -> None:
    store.upsert(_chunks())
    hits = store.search("What does the Team plan cost?", k=10)

    assert hits[0].chunk.id == "c1"
    assert len(hits) == 4  # k above the collection size is fine
    query = embedder.embed_query("What does the Team plan cost?")
    for hit in hits:
        expected = cosine(query, embedder.embed_documents([hit.chunk.text])[0])
        assert hit.score == pytest.approx(expected, abs=1e-3)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].chunk.document_id == "pricing"
    assert hits[0].chunk.metadata["ind_dental"] is True


def test_where_combines_equalities(store: ChromaVectorStore) -> None:
    store.upsert(_chunks())
    assert {h.chunk.id for h in store.search("plan", k=10, where={"type": "faq"})} == {"c1", "c2"}
    both = store.search("plan", k=10, where={"type": "faq", "ind_dental": True})
    assert [h.chunk.id for h in both] == ["c1"]
    assert store.search("plan", k=10, where={"type": "offer"}) == []


def test_chunk_ids_by_document_delete_and_count(store: ChromaVectorStore) -> None:
    store.upsert(_chunks())
    assert store.chunk_ids_by_document() == {"pricing": {"c1"}, "hipaa": {"c2"}, "smiles": {"c3", "c4"}}
    store.delete(["c3", "c4"])
    assert store.count() == 2
    assert "smiles" not in store.chunk_ids_by_document()


def test_upsert_replaces_a_chunk_with_the_same_id(store: ChromaVectorStore) -> None:
    store.upsert(_chunks())
    store.upsert([Chunk("c2", "hipaa", "HIPAA: we sign a BAA and encrypt at rest.", {"type": "faq"})])
    assert store.count() == 4
    assert store.search("encrypt at rest", k=1)[0].chunk.text.startswith("HIPAA: we sign")


def test_data_persists_on_disk(tmp_path: Path, counting: CountingEmbedder) -> None:
    make_store(tmp_path / "db", counting).upsert(_chunks())
    assert make_store(tmp_path / "db", counting).count() == 4


def test_two_embedders_never_share_a_collection(tmp_path: Path, counting: CountingEmbedder) -> None:
    minilm = make_store(tmp_path / "db", counting)
    minilm.upsert(_chunks())
    tiny = make_store(tmp_path / "db", TinyEmbedder())
    assert tiny.count() == 0
    assert tiny.collection_name != minilm.collection_name
    assert "all-MiniLM-L6-v2-onnx-int8" in minilm.collection_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("all-MiniLM-L6-v2-onnx-int8", "touchpoint-knowledge-all-MiniLM-L6-v2-onnx-int8"),
        ("openai/text embedding:3", "touchpoint-knowledge-openai-text-embedding-3"),
        ("..", "touchpoint-knowledge-default"),
    ],
)
def test_collection_names_are_valid_for_chroma(name: str, expected: str) -> None:
    assert collection_name(name) == expected


def test_build_vector_store_on_local_disk(tmp_path: Path, counting: CountingEmbedder) -> None:
    settings = Settings(_env_file=None, var_dir=tmp_path / "var")
    store = build_vector_store(settings, counting)
    store.upsert(_chunks()[:1])
    assert (tmp_path / "var" / "chroma").is_dir()
    assert store.count() == 1
    client = chroma_client(url=None, path=settings.resolved_chroma_path)
    assert client.get_settings().anonymized_telemetry is False


@pytest.mark.parametrize(
    ("url", "host", "port", "ssl"),
    [
        ("http://chroma:8000", "chroma", 8000, False),
        ("https://vectors.example.com", "vectors.example.com", 443, True),
        ("https://proxy.example.com/chroma", "https://proxy.example.com/chroma", 443, True),
    ],
)
def test_a_chroma_url_selects_the_http_client(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    counting: CountingEmbedder,
    url: str,
    host: str,
    port: int,
    ssl: bool,
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_http_client(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))

    monkeypatch.setattr(chromadb, "HttpClient", fake_http_client)
    settings = Settings(_env_file=None, var_dir=tmp_path, chroma_url=url)
    build_vector_store(settings, counting)

    (call,) = calls
    assert (call["host"], call["port"], call["ssl"]) == (host, port, ssl)
    assert call["settings"].anonymized_telemetry is False
    assert not (tmp_path / "chroma").exists()
