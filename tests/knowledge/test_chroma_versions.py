"""Finding 10 of issue 17, the store's side: a change set is published as a new version behind a pointer,
so a reader serves the old version or the new one, never an error (the processes themselves are in
tests/test_knowledge_processes.py)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from knowledge.chroma_store import ABANDONED_AFTER, RETIRED_GRACE, VERSION_MARK, ChromaVectorStore
from knowledge.documents import load_folder
from knowledge.ingest import ingest
from knowledge.retrieval import open_knowledge_base
from knowledge.store import Chunk
from knowledge.types import RetrievalQuery
from tests.counting import pointer_reads
from tests.knowledge.conftest import GARNISHMENTS, CountingEmbedder, copy_embedded


class Letters:
    """A tiny model (letter counts), so these tests are about versions, not about meaning."""

    name = "letters-test-model"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0 + text.lower().count(letter) for letter in "aeiou"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _client(path: Path) -> ClientAPI:
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _chunk(chunk_id: str, text: str) -> Chunk:
    return Chunk(chunk_id, chunk_id.split("-")[0], text, {"type": "faq"})


def _versions(client: ClientAPI, store: ChromaVectorStore) -> set[str]:
    return {
        c.name for c in client.list_collections() if c.name.startswith(store.collection_name + VERSION_MARK)
    }


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(tmp_path: Path) -> ClientAPI:
    return _client(tmp_path / "chroma")


def test_a_change_set_is_served_whole_as_a_new_version_and_the_old_one_stays_readable(
    client: ClientAPI, clock: Clock
) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    store.upsert([_chunk("a-1", "alpha"), _chunk("b-1", "bravo")])
    first = store.version

    with store.changes() as changes:
        changes.upsert([_chunk("c-1", "charlie")])
        changes.delete(["a-1"])
        assert store.version == first  # nothing of the change set is served before it ends
        assert store.chunk_ids_by_document() == {"a": {"a-1"}, "b": {"b-1"}}

    assert store.version != first
    assert store.chunk_ids_by_document() == {"b": {"b-1"}, "c": {"c-1"}}
    # A process still reading the old version finds every record it expects: nothing was changed in it.
    old = client.get_collection(first).get(include=["documents"])
    assert sorted(old["ids"]) == ["a-1", "b-1"]
    assert sorted(old["documents"] or []) == ["alpha", "bravo"]


def test_a_change_set_that_fails_publishes_nothing(client: ClientAPI, clock: Clock) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    store.upsert([_chunk("a-1", "alpha")])
    before, versions = store.version, _versions(client, store)

    with pytest.raises(RuntimeError, match="embedding failed"), store.changes() as changes:
        changes.delete(["a-1"])
        raise RuntimeError("embedding failed")

    assert store.version == before
    assert store.chunk_ids_by_document() == {"a": {"a-1"}}
    assert _versions(client, store) == versions  # the draft was dropped


def test_old_versions_are_deleted_after_the_grace_period_only(client: ClientAPI, clock: Clock) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    store.upsert([_chunk("a-1", "alpha")])
    first = store.version
    store.upsert([_chunk("b-1", "bravo")])
    second = store.version
    assert _versions(client, store) == {first, second}  # the first is retired, not yet deleted

    clock.now += RETIRED_GRACE.total_seconds() - 1
    store.upsert([_chunk("c-1", "charlie")])
    assert first in _versions(client, store)

    clock.now += 2
    store.upsert([_chunk("d-1", "delta")])
    assert first not in _versions(client, store) and second in _versions(client, store)
    assert store.count() == 4


def test_a_draft_whose_writer_died_is_deleted_after_a_day(client: ClientAPI, clock: Clock) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    store.upsert([_chunk("a-1", "alpha")])
    abandoned = client.create_collection(
        f"{store.collection_name}{VERSION_MARK}0dead", metadata={"created_at": clock.now}
    )

    clock.now += ABANDONED_AFTER.total_seconds() + 1
    store.upsert([_chunk("b-1", "bravo")])

    assert abandoned.name not in _versions(client, store)


def test_a_store_from_before_versions_is_served_then_replaced(client: ClientAPI, clock: Clock) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    legacy = client.get_collection(store.collection_name)  # chunks written into the collection itself
    legacy.add(ids=["a-1"], embeddings=np.asarray([Letters().embed_query("alpha")]), documents=["alpha"])
    legacy.update(ids=["a-1"], metadatas=[{"document_id": "a", "type": "faq"}])

    assert store.version == store.collection_name
    assert store.search("alpha", k=1)[0].chunk.id == "a-1"

    store.upsert([_chunk("b-1", "bravo")])
    assert store.version != store.collection_name
    assert store.chunk_ids_by_document() == {"a": {"a-1"}, "b": {"b-1"}}
    assert legacy.count() == 1  # still readable by processes that have not looked at the pointer yet

    clock.now += RETIRED_GRACE.total_seconds() + 1
    store.upsert([_chunk("c-1", "charlie")])
    assert legacy.count() == 0
    assert store.count() == 3


def test_two_writers_keep_both_changes(tmp_path: Path, clock: Clock) -> None:
    """Two stores on one folder, as two processes would be: the second publisher replays its change on
    top of the first's."""
    mine = ChromaVectorStore(_client(tmp_path / "chroma"), Letters(), clock=clock)
    theirs = ChromaVectorStore(_client(tmp_path / "chroma"), Letters(), clock=clock)
    mine.upsert([_chunk("a-1", "alpha")])

    with mine.changes() as changes:
        changes.upsert([_chunk("b-1", "bravo")])
        theirs.upsert([_chunk("c-1", "charlie")])  # published while mine was being written

    assert mine.chunk_ids_by_document() == {"a": {"a-1"}, "b": {"b-1"}, "c": {"c-1"}}
    assert theirs.chunk_ids_by_document() == mine.chunk_ids_by_document()


def test_a_knowledge_base_serves_what_another_process_ingested(
    tmp_path: Path, keystone: tuple[Path, Path], counting: CountingEmbedder
) -> None:
    folder, chroma = copy_embedded(keystone, tmp_path)
    served = open_knowledge_base(folder, ChromaVectorStore(_client(chroma), counting))
    query = RetrievalQuery(text="do you handle wage garnishments", purpose="faq", k=1)
    assert [s.id for s in served.retrieve(query)] != ["faqs/garnishments"]

    (folder / "faqs" / "garnishments.md").write_text(GARNISHMENTS)
    other = tmp_path / "other-process-folder"
    shutil.copytree(folder, other)
    ingest(load_folder(other).documents, ChromaVectorStore(_client(chroma), counting))

    assert [s.id for s in served.retrieve(query)] == ["faqs/garnishments"]
    assert "faqs/garnishments" in served.documents


def test_a_pinned_block_serves_one_version_and_the_next_block_serves_another_process_change(
    tmp_path: Path, clock: Clock
) -> None:
    """One piece of work reads one version, however often it reads; the next one reads the pointer
    again, so another process's change is served at once (not after a while)."""
    mine = ChromaVectorStore(_client(tmp_path / "chroma"), Letters(), clock=clock)
    theirs = ChromaVectorStore(_client(tmp_path / "chroma"), Letters(), clock=clock)
    mine.upsert([_chunk("a-1", "alpha")])

    with mine.pinned():
        before = mine.version
        theirs.upsert([_chunk("b-1", "bravo")])  # another process publishes meanwhile
        assert mine.version == before
        assert mine.count() == 1
        assert [hit.chunk.id for hit in mine.search("bravo", k=5)] == ["a-1"]

    assert mine.version == theirs.version != before
    assert mine.count() == 2


def test_a_change_published_inside_a_pinned_block_is_served_by_its_next_read(
    client: ClientAPI, clock: Clock
) -> None:
    store = ChromaVectorStore(client, Letters(), clock=clock)
    store.upsert([_chunk("a-1", "alpha")])

    with store.pinned():
        assert store.count() == 1
        store.upsert([_chunk("b-1", "bravo")])
        assert store.count() == 2


def test_a_retrieval_reads_the_store_pointer_once(
    tmp_path: Path,
    keystone: tuple[Path, Path],
    counting: CountingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It read it twice (the documents' version, then the search), and an inquiry three times: each read
    is a call into Chroma, on every inquiry."""
    folder, chroma = copy_embedded(keystone, tmp_path)
    served = open_knowledge_base(folder, ChromaVectorStore(_client(chroma), counting))
    reads = pointer_reads(monkeypatch)
    query = RetrievalQuery(text="how much does it cost", purpose="faq", k=3)

    assert served.retrieve(query)
    assert len(reads) == 1
    with served.pinned():  # an inquiry: the retrieval ahead of its transaction, then its step's
        served.prepare(query)
        assert served.retrieve(query)
    assert len(reads) == 2
