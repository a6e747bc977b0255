from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from agent.container import build_knowledge_base
from agent.settings import Settings
from knowledge.chroma_store import ChromaVectorStore
from knowledge.documents import KnowledgeDocument, load_folder
from knowledge.ingest import (
    TARGET_WORDS,
    chunk_document,
    chunk_header,
    chunk_metadata,
    ingest,
    split_body,
)
from knowledge.retrieval import KnowledgeBase
from knowledge.types import DocType
from tests.knowledge.conftest import KEYSTONE, CountingEmbedder, copy_embedded, doc, make_store

NAME = "all-MiniLM-L6-v2-onnx-int8"
TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))


def _paragraph(topic: str, words: int) -> str:
    return " ".join(f"{topic}{i}" for i in range(words - 1)) + " end."


CASE = doc(
    "case-studies/bright-smiles",
    DocType.CASE_STUDY,
    "Reminders that patients answer.",
    "\n\n".join(_paragraph(t, 70) for t in ("alpha", "beta", "gamma", "delta")),
    industries=("dental", "home_services"),
    services=("reminders",),
    customer="Bright Smiles Dental",
    figures=("38% fewer no-shows", "6 hours saved per week"),
    url="https://example.test/cases/bright-smiles",
)
FAQ = doc(
    "faq/pricing",
    DocType.FAQ,
    "How much does the Team plan cost?",
    "The Team plan costs $99 per month for up to 10 staff.",
    industries=("beauty",),
)
OFFER = doc(
    "offers/spring",
    DocType.OFFER,
    "Spring onboarding offer",
    "Free data migration for teams that start before June.",
    expires=date(2025, 6, 1),
)
RESOURCE = doc(
    "resources/no-show-guide",
    DocType.RESOURCE,
    "The no-show playbook",
    "Five reminder cadences that cut no-shows.",
    services=("reminders", "online_booking"),
)


def test_case_study_header_keeps_customer_industries_and_figures_together() -> None:
    assert chunk_header(CASE) == (
        "Case study: Bright Smiles Dental (dental, home services) — Reminders that patients answer. "
        "Results: 38% fewer no-shows; 6 hours saved per week."
    )


def test_every_case_study_chunk_carries_the_header_and_whole_paragraphs() -> None:
    chunks = chunk_document(CASE, NAME)
    assert len(chunks) > 1
    header = chunk_header(CASE)
    for chunk in chunks:
        head, body = chunk.text.split("\n\n", 1)
        assert head == header
        assert len(chunk.text.split()) <= TARGET_WORDS + 5
        for paragraph in body.split("\n\n"):
            assert re.fullmatch(r"(\w+?)0 .* end\.", paragraph), "a paragraph was cut in the middle"
    bodies = "\n\n".join(c.text.split("\n\n", 1)[1] for c in chunks)
    assert bodies == CASE.body


def test_other_types_are_title_then_body() -> None:
    (chunk,) = chunk_document(FAQ, NAME)
    assert (
        chunk.text
        == "How much does the Team plan cost?\n\nThe Team plan costs $99 per month for up to 10 staff."
    )


def test_a_paragraph_longer_than_the_budget_splits_at_sentences() -> None:
    sentences = [f"Sentence {i} " + "word " * 20 + "stop." for i in range(20)]
    pieces = split_body(" ".join(sentences), budget=50)
    assert all(len(p.split()) <= 50 for p in pieces)
    assert all(p.endswith("stop.") for p in pieces)
    assert " ".join(pieces) == " ".join(sentences)
    assert split_body(" ".join(["w"] * 120), budget=50) == [" ".join(["w"] * 50)] * 2 + [" ".join(["w"] * 20)]


def test_metadata_flags_make_industries_and_services_filterable() -> None:
    metadata = chunk_metadata(CASE, 0)
    assert metadata["industries"] == ",dental,home_services,"
    assert metadata["services"] == ",reminders,"
    assert metadata["ind_dental"] is True and metadata["ind_home_services"] is True
    assert metadata["svc_reminders"] is True
    assert "ind_beauty" not in metadata and "all_industries" not in metadata
    assert chunk_metadata(RESOURCE, 0)["all_industries"] is True
    assert metadata["customer"] == "Bright Smiles Dental"
    assert metadata["type"] == "case_study"
    assert chunk_metadata(OFFER, 0)["expires"] == "2025-06-01"
    assert chunk_metadata(FAQ, 0)["url"] == "" and chunk_metadata(FAQ, 0)["expires"] == ""


def test_chunk_ids_are_stable_hashes_that_depend_on_the_embedder() -> None:
    first = chunk_document(FAQ, NAME)[0].id
    assert first == chunk_document(FAQ, NAME)[0].id
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert chunk_document(FAQ, "openai-text-embedding-3-small")[0].id != first


def _replace(document: KnowledgeDocument, **changes: object) -> KnowledgeDocument:
    edited = dataclasses.replace(document, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(edited, content_hash=document.content_hash + "-edited")


def test_reingesting_unchanged_documents_embeds_nothing(
    store: ChromaVectorStore, counting: CountingEmbedder
) -> None:
    first = ingest([CASE, FAQ, OFFER], store)
    assert first.added == 3
    assert set(first.changed_ids) == {CASE.id, FAQ.id, OFFER.id}
    assert first.chunks_written == store.count() > 3

    counting.reset()
    second = ingest([CASE, FAQ, OFFER], store)

    assert counting.document_calls == 0
    assert second.unchanged == 3
    assert (second.added, second.updated, second.removed, second.chunks_written) == (0, 0, 0, 0)
    assert second.changed_ids == ()


def test_an_edited_document_alone_is_re_embedded(
    store: ChromaVectorStore, counting: CountingEmbedder
) -> None:
    ingest([CASE, FAQ, OFFER], store)
    before = store.chunk_ids_by_document()
    counting.reset()

    edited = _replace(FAQ, body="The Team plan costs $109 per month for up to 12 staff.")
    report = ingest([CASE, edited, OFFER], store)

    assert (report.updated, report.unchanged, report.changed_ids) == (1, 2, (FAQ.id,))
    assert counting.embedded == [chunk_document(edited, NAME)[0].text]
    after = store.chunk_ids_by_document()
    assert after[FAQ.id] == {c.id for c in chunk_document(edited, NAME)}
    assert after[FAQ.id].isdisjoint(before[FAQ.id])
    assert after[CASE.id] == before[CASE.id]
    assert "$109" in store.search("Team plan price", k=1, where={"type": "faq"})[0].chunk.text


def test_a_metadata_only_edit_updates_the_filter_flags(store: ChromaVectorStore) -> None:
    ingest([FAQ], store)
    report = ingest([_replace(FAQ, industries=("dental",))], store)
    assert (report.updated, report.changed_ids) == (1, (FAQ.id,))
    assert store.search("price", k=5, where={"ind_beauty": True}) == []
    assert len(store.search("price", k=5, where={"ind_dental": True})) == 1


def test_a_deleted_document_loses_its_chunks(store: ChromaVectorStore, counting: CountingEmbedder) -> None:
    ingest([CASE, FAQ, OFFER], store)
    counting.reset()
    report = ingest([FAQ, OFFER], store)
    assert (report.removed, report.changed_ids) == (1, (CASE.id,))
    assert report.chunks_deleted == len(chunk_document(CASE, NAME))
    assert CASE.id not in store.chunk_ids_by_document()
    assert counting.document_calls == 0


def test_progress_counts_chunks_to_embed(store: ChromaVectorStore) -> None:
    calls: list[tuple[int, int]] = []
    ingest([CASE, FAQ, OFFER, RESOURCE], store, on_progress=lambda done, total: calls.append((done, total)))
    total = sum(len(chunk_document(d, NAME)) for d in (CASE, FAQ, OFFER, RESOURCE))
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


class FailingEmbedder(CountingEmbedder):
    """Fails on any text mentioning ``poison``, like an endpoint that rejects one batch."""

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if any("poison" in t for t in texts):
            raise RuntimeError("rate limited")
        return super().embed_documents(texts)


def test_a_failed_batch_is_reported_and_keeps_the_old_chunks(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    store = make_store(tmp_path / "db", FailingEmbedder(counting.inner))
    ingest([FAQ], store)
    before = store.chunk_ids_by_document()[FAQ.id]

    report = ingest([_replace(FAQ, body="poison"), OFFER], store)

    assert report.errors and "rate limited" in report.errors[0]
    assert (report.updated, report.added) == (0, 0)
    assert store.chunk_ids_by_document()[FAQ.id] == before


def test_duplicate_ids_keep_the_first_and_report(store: ChromaVectorStore) -> None:
    report = ingest([FAQ, _replace(FAQ, body="another")], store)
    assert (report.added, report.changed_ids) == (1, (FAQ.id,))
    assert "duplicate" in report.errors[0]


class TestKnowledgeFolders:
    """The issue's "done when": a real folder ingested twice, one file edited, one file malformed."""

    def test_ingesting_the_demo_folder_again_changes_nothing(
        self,
        knowledge_base: KnowledgeBase,
        knowledge_dir: Path,
        chroma_path: Path,
        counting: CountingEmbedder,
    ) -> None:
        store = make_store(
            chroma_path, counting
        )  # the store the session's demo knowledge base was ingested into
        documents = load_folder(knowledge_dir).documents
        before = store.chunk_ids_by_document()
        assert set(before) == {d.id for d in documents}

        report = ingest(documents, store)

        assert counting.document_calls == 0
        assert (report.added, report.updated, report.removed, report.chunks_written) == (0, 0, 0, 0)
        assert report.unchanged == len(documents) == len(knowledge_base.documents)
        assert store.chunk_ids_by_document() == before

    def test_editing_one_file_re_embeds_only_that_file(
        self, tmp_path: Path, keystone: tuple[Path, Path], counting: CountingEmbedder
    ) -> None:
        folder, chroma = copy_embedded(keystone, tmp_path)
        store = make_store(chroma, counting)
        before = store.chunk_ids_by_document()
        path = folder / "case-studies" / "ridgeline-builders.md"
        path.write_text(
            path.read_text(encoding="utf-8").replace("48 field workers", "52 field workers"), "utf-8"
        )

        report = ingest(load_folder(folder).documents, store)

        edited = next(d for d in load_folder(folder).documents if d.id == "case-studies/ridgeline-builders")
        assert report.changed_ids == ("case-studies/ridgeline-builders",)
        assert counting.embedded == [c.text for c in chunk_document(edited, NAME)]
        after = store.chunk_ids_by_document()
        assert {d: c for d, c in after.items() if d != edited.id} == {
            d: c for d, c in before.items() if d != edited.id
        }

    def test_a_malformed_file_is_reported_by_file_and_line_and_the_rest_is_served(
        self, tmp_path: Path, keystone: tuple[Path, Path]
    ) -> None:
        folder, chroma = copy_embedded(keystone, tmp_path)
        (folder / "faqs" / "direct-deposit.md").write_text(
            "---\ntype: faq\ntitle: When do employees get paid?\nurl: keystone-payroll.example/pay\n---\n\n"
            "Two days.\n",
            encoding="utf-8",
        )

        kb = build_knowledge_base(
            Settings(_env_file=None, knowledge_dir=folder, chroma_path=chroma, var_dir=tmp_path)
        )

        (error,) = kb.errors
        assert (error.path, error.line) == ("faqs/direct-deposit.md", 4)
        assert "`url` must be a full http(s) address" in error.message
        assert set(kb.documents) == {d.id for d in load_folder(KEYSTONE).documents}
        assert set(kb.store.chunk_ids_by_document()) == set(kb.documents)


class TestIngestCommand:
    def test_it_names_each_bad_file_and_line_loads_the_rest_and_fails(
        self, tmp_path: Path, keystone: tuple[Path, Path]
    ) -> None:
        folder, chroma = copy_embedded(keystone, tmp_path)
        (folder / "faqs" / "broken.md").write_text(
            "---\ntype: faq\ntitle: Broken?\nindusty: [retail]\n---\n\nYes.\n"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
        env |= {"TOUCHPOINT_CHROMA_PATH": str(chroma), "TOUCHPOINT_VAR_DIR": str(tmp_path / "var")}

        result = subprocess.run(
            [TOUCHPOINT, "knowledge", "ingest", str(folder)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

        assert result.returncode == 2
        assert "skipped faqs/broken.md:4: unknown key `industy`: did you mean `industries`?" in result.stderr
        assert "13 documents: 0 added, 0 updated, 0 removed, 13 unchanged; 0 chunks embedded" in result.stdout
        assert "1 file(s) could not be loaded" in result.stderr
        assert "Traceback" not in result.stderr
