"""Changing a knowledge base while it serves: checked first, written atomically, embedded, served at once.

Runs on a copy of the second fixture company's folder, with the real model and a real Chroma.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from knowledge.chroma_store import ChromaVectorStore
from knowledge.documents import InvalidDocument, load_folder
from knowledge.ingest import chunk_document
from knowledge.library import (
    DocumentNotFound,
    InvalidDocumentId,
    KnowledgeLibrary,
    KnowledgeUpdateFailed,
    ReadOnlyKnowledgeBase,
    UploadStatus,
    check_document_id,
)
from knowledge.retrieval import KnowledgeBase
from knowledge.types import RetrievalQuery
from tests.knowledge.conftest import GARNISHMENTS as GARNISHMENT_FAQ
from tests.knowledge.conftest import CountingEmbedder, copy_embedded, make_store

GARNISHMENTS = GARNISHMENT_FAQ.encode()
BROKEN = b"""\
---
type: faq
title: Do you handle wage garnishments?
industy: [restaurants]
---

Yes.
"""


class Setup:
    def __init__(self, folder: Path, store: ChromaVectorStore, counting: CountingEmbedder) -> None:
        loaded = load_folder(folder)
        self.folder = folder
        self.store = store
        self.counting = counting
        self.kb = KnowledgeBase(loaded.documents, store, root=folder, errors=loaded.errors)
        self.library = KnowledgeLibrary(self.kb)

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.folder).as_posix(): p.read_bytes()
            for p in self.folder.rglob("*")
            if p.is_file()
        }

    def ids(self, text: str, purpose: str = "any", k: int = 5) -> list[str]:
        return [s.id for s in self.kb.retrieve(RetrievalQuery(text=text, purpose=purpose, k=k))]


@pytest.fixture
def setup(keystone: tuple[Path, Path], tmp_path: Path, counting: CountingEmbedder) -> Setup:
    folder, chroma = copy_embedded(keystone, tmp_path)
    return Setup(folder, make_store(chroma, counting), counting)


class TestPut:
    def test_a_new_document_is_written_embedded_and_served_at_once(self, setup: Setup) -> None:
        result = setup.library.put(GARNISHMENTS, document_id="faqs/garnishments")

        assert result.status is UploadStatus.CREATED
        assert (setup.folder / "faqs" / "garnishments.md").read_bytes() == GARNISHMENTS
        assert setup.kb.get("faqs/garnishments") == result.document
        assert setup.ids("Can you withhold child support from paychecks?", "faq", k=1) == [
            "faqs/garnishments"
        ]
        assert setup.counting.embedded == [
            c.text for c in chunk_document(result.document, setup.store.embedder_name)
        ]

    def test_the_same_content_again_changes_nothing(self, setup: Setup) -> None:
        setup.library.put(GARNISHMENTS, document_id="faqs/garnishments")
        path = setup.folder / "faqs" / "garnishments.md"
        written = path.stat().st_mtime_ns
        setup.counting.reset()

        again = setup.library.put(GARNISHMENTS, document_id="faqs/garnishments")

        assert again.status is UploadStatus.UNCHANGED
        assert setup.counting.document_calls == 0
        assert path.stat().st_mtime_ns == written

    def test_an_edited_document_replaces_its_chunks_and_nothing_else_is_embedded(self, setup: Setup) -> None:
        before = setup.store.chunk_ids_by_document()
        original = (setup.folder / "faqs" / "pricing.md").read_bytes()
        edited = original.replace(b"$6 per employee paid", b"$7 per employee paid")

        result = setup.library.put(edited, document_id="faqs/pricing")

        assert result.status is UploadStatus.UPDATED
        after = setup.store.chunk_ids_by_document()
        assert after["faqs/pricing"].isdisjoint(before["faqs/pricing"])
        assert {d: ids for d, ids in after.items() if d != "faqs/pricing"} == {
            d: ids for d, ids in before.items() if d != "faqs/pricing"
        }
        assert len(setup.counting.embedded) == 1 and "$7 per employee" in setup.counting.embedded[0]
        (source,) = setup.kb.retrieve(
            RetrievalQuery(text="How much does Keystone cost?", purpose="pricing", k=1)
        )
        assert "$7 per employee" in source.text and "$6 per employee" not in source.text

    def test_without_an_id_it_goes_in_its_type_s_folder_named_after_the_file_or_title(
        self, setup: Setup
    ) -> None:
        named = setup.library.put(GARNISHMENTS, filename="Wage Garnishments.md")
        titled = setup.library.put(
            GARNISHMENTS.replace(b"Do you handle wage garnishments?", b"What about tax levies?")
        )

        assert named.document.id == "faqs/wage-garnishments"
        assert titled.document.id == "faqs/what-about-tax-levies"
        assert (setup.folder / "faqs" / "what-about-tax-levies.md").is_file()

    def test_no_temporary_file_is_left_behind(self, setup: Setup) -> None:
        setup.library.put(GARNISHMENTS, document_id="faqs/garnishments")
        setup.library.put(
            GARNISHMENTS.replace(b"Yes.", b"Yes, on every plan."), document_id="faqs/garnishments"
        )

        assert [p.name for p in setup.folder.rglob(".*")] == []


class TestCheck:
    """A file that would not load is refused with every problem by line, and nothing is written."""

    def test_a_malformed_file_is_refused_by_line_and_nothing_is_written(self, setup: Setup) -> None:
        files = setup.files()
        served = dict(setup.kb.documents)

        with pytest.raises(InvalidDocument) as raised:
            setup.library.put(BROKEN, document_id="faqs/garnishments")

        (error,) = raised.value.errors
        assert (error.path, error.line) == ("faqs/garnishments.md", 4)
        assert "did you mean `industries`?" in error.message
        assert setup.files() == files
        assert dict(setup.kb.documents) == served
        assert setup.counting.document_calls == 0

    def test_a_title_another_document_has_is_refused(self, setup: Setup) -> None:
        files = setup.files()
        copy = (setup.folder / "faqs" / "pricing.md").read_bytes()

        with pytest.raises(InvalidDocument, match=r"duplicate title: faqs/pricing\.md is already a faq"):
            setup.library.put(copy, document_id="faqs/pricing-copy")

        assert setup.files() == files

    def test_check_says_what_put_would_do(self, setup: Setup) -> None:
        pricing = (setup.folder / "faqs" / "pricing.md").read_bytes()

        assert setup.library.check(GARNISHMENTS, document_id="faqs/new").status is UploadStatus.CREATED
        assert setup.library.check(pricing, document_id="faqs/pricing").status is UploadStatus.UNCHANGED
        assert (
            setup.library.check(pricing + b"\nMore.", document_id="faqs/pricing").status
            is UploadStatus.UPDATED
        )

    @pytest.mark.parametrize(
        "document_id", ["../outside", "faqs/../../x", ".hidden", "faqs/_draft", "faqs/README", "", "a b", "/"]
    )
    def test_ids_that_cannot_name_a_loaded_file_are_refused(self, setup: Setup, document_id: str) -> None:
        files = setup.files()

        with pytest.raises(InvalidDocumentId):
            setup.library.put(GARNISHMENTS, document_id=document_id)

        assert setup.files() == files

    def test_an_id_may_be_given_with_md_and_slashes(self) -> None:
        assert check_document_id("/faqs/Parking.md") == "faqs/Parking"


class TestDelete:
    def test_a_deleted_document_is_gone_from_disk_store_and_retrieval(self, setup: Setup) -> None:
        assert "objections/too-small" in setup.ids("We only have five employees", "objection", k=2)

        setup.library.delete("objections/too-small")

        assert not (setup.folder / "objections" / "too-small.md").exists()
        assert "objections/too-small" not in setup.store.chunk_ids_by_document()
        assert setup.kb.get("objections/too-small") is None
        assert "objections/too-small" not in setup.ids("We only have five employees", "objection", k=5)

    def test_deleting_an_unknown_document_says_so(self, setup: Setup) -> None:
        with pytest.raises(DocumentNotFound):
            setup.library.delete("faqs/nope")

    def test_a_file_that_does_not_load_can_be_deleted(self, setup: Setup) -> None:
        (setup.folder / "faqs" / "broken.md").write_bytes(BROKEN)

        setup.library.delete("faqs/broken")

        assert not (setup.folder / "faqs" / "broken.md").exists()
        assert setup.kb.errors == ()


class FailingEmbedder(CountingEmbedder):
    """Like an embeddings endpoint that rejects a batch: fails on any text mentioning ``levies``."""

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if any("levies" in t for t in texts):
            raise RuntimeError("rate limited")
        return super().embed_documents(texts)


class TestFailures:
    @pytest.fixture
    def failing(self, setup: Setup) -> Setup:
        return Setup(
            setup.folder,
            make_store(setup.folder.parent / "chroma", FailingEmbedder(setup.counting.inner)),
            setup.counting,
        )

    def test_a_new_document_that_cannot_be_embedded_is_not_kept(self, failing: Setup) -> None:
        files = failing.files()

        with pytest.raises(KnowledgeUpdateFailed, match="rate limited"):
            failing.library.put(GARNISHMENTS, document_id="faqs/new-folder/garnishments")

        assert failing.files() == files
        assert not (failing.folder / "faqs" / "new-folder").exists()
        assert failing.kb.get("faqs/new-folder/garnishments") is None

    def test_an_edit_that_cannot_be_embedded_leaves_the_old_version_served(self, failing: Setup) -> None:
        path = failing.folder / "faqs" / "tax-filing.md"
        original = path.read_bytes()
        served = failing.kb.get("faqs/tax-filing")

        with pytest.raises(KnowledgeUpdateFailed):
            failing.library.put(
                original.replace(b"Yes.", b"Yes, including levies."), document_id="faqs/tax-filing"
            )

        assert path.read_bytes() == original
        assert failing.kb.get("faqs/tax-filing") == served
        assert failing.ids("Do you file our payroll taxes?", "faq", k=1) == ["faqs/tax-filing"]


def test_a_knowledge_base_built_in_code_cannot_be_changed(store: ChromaVectorStore) -> None:
    with pytest.raises(ReadOnlyKnowledgeBase):
        KnowledgeLibrary(KnowledgeBase([], store))


class TestReadAndDeleteAnyLoadedFile:
    def test_a_file_named_in_a_way_uploads_refuse_can_still_be_read_and_deleted(self, setup: Setup) -> None:
        (setup.folder / "faqs" / "Old Name.md").write_bytes(GARNISHMENTS)

        assert setup.library.read("faqs/Old Name") == GARNISHMENTS
        setup.library.delete("faqs/Old Name")

        assert not (setup.folder / "faqs" / "Old Name.md").exists()

    @pytest.mark.parametrize("document_id", ["../../etc/passwd", "faqs/../../outside", "../knowledge-other"])
    def test_nothing_outside_the_folder_is_read_or_deleted(self, setup: Setup, document_id: str) -> None:
        with pytest.raises(InvalidDocumentId):
            setup.library.read(document_id)
        with pytest.raises(InvalidDocumentId):
            setup.library.delete(document_id)
