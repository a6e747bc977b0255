"""Retrieval latency and ingestion throughput with the local model and on-disk Chroma.

An instant acknowledgment retrieves before it drafts, so retrieval sits on the speed-to-lead path; this
measures it on synthetic content of a realistic size. Run: ``.venv/bin/python bench/bench_retrieval.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a clone without install

import chromadb
import yaml
from bench_speed_to_lead import make_inquiry
from chromadb.config import Settings as ChromaSettings

from knowledge.chroma_store import ChromaVectorStore
from knowledge.documents import KnowledgeDocument, load_folder
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.ingest import chunk_document, ingest
from knowledge.library import KnowledgeLibrary
from knowledge.retrieval import KnowledgeBase
from knowledge.types import DocType, RetrievalQuery

INDUSTRIES = ["beauty", "dental", "fitness", "home_services", "veterinary", "professional_services"]
SERVICES = ["online_booking", "reminders", "payments", "memberships", "intake_forms", "reporting"]
TYPES = [DocType.CASE_STUDY, DocType.FAQ, DocType.OBJECTION, DocType.RESOURCE, DocType.OFFER]
SUBJECTS = [
    "Our clients",
    "The front desk",
    "A three-chair salon",
    "The practice manager",
    "Every new member",
    "A plumbing team",
    "The clinic's vets",
    "An accounting firm",
    "Weekend customers",
    "The owner",
]
VERBS = [
    "books appointments online",
    "gets two reminders by text",
    "pays a deposit up front",
    "fills in intake forms before the visit",
    "renews memberships automatically",
    "sees a weekly revenue report",
    "moves a booking without calling",
    "joins a waitlist for cancelled slots",
    "syncs the calendar with Google",
    "exports invoices to QuickBooks",
]
OUTCOMES = [
    "so no-shows fell by a third.",
    "which saved six hours a week.",
    "and the phone stopped ringing all day.",
    "so chairs stay full on Saturdays.",
    "and late cancellations now pay for themselves.",
    "which brought back lapsed customers.",
    "so staff spend the morning with patients, not paperwork.",
    "and card failures are retried without anyone chasing.",
]
QUESTIONS = [
    "How much does the {s} feature cost for a {i} business?",
    "Can my {i} clients use {s} from their phone?",
    "We tried {s} before and customers hated it, why is yours different?",
    "Do you have a guide on {s} for {i} teams?",
    "What results have other {i} companies seen with {s}?",
    "Is there a discount if we switch our {i} practice to {s} this month?",
]


def synthetic_documents(chunks: int, rng: random.Random) -> list[KnowledgeDocument]:
    """Three-paragraph documents of ~120 words: one chunk each, so ``chunks`` documents.

    Titles end with the document's number, so that no two documents share a type and title (the
    loader would refuse the second) once they are written to a folder (see ``write_folder``).
    """
    documents = []
    for n in range(chunks):
        paragraphs = [
            " ".join(
                f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OUTCOMES)}"
                for _ in range(rng.randint(2, 3))
            )
            for _ in range(3)
        ]
        industries = tuple(rng.sample(INDUSTRIES, rng.choice([0, 1, 1, 2])))
        doc_type = TYPES[n % len(TYPES)]
        documents.append(
            KnowledgeDocument(
                id=f"synthetic/{n:04d}",
                type=doc_type,
                title=f"{rng.choice(VERBS).capitalize()} for {' and '.join(industries) or 'everyone'} #{n}",
                body="\n\n".join(paragraphs),
                path=f"synthetic/{n:04d}.md",
                content_hash=f"h{n}",
                industries=industries,
                services=tuple(rng.sample(SERVICES, 2)),
                customer=f"Customer {n}" if doc_type is DocType.CASE_STUDY else None,
                figures=(f"{rng.randint(10, 60)}% fewer no-shows in 90 days",)
                if doc_type is DocType.CASE_STUDY
                else (),
            )
        )
    return documents


def write_folder(documents: list[KnowledgeDocument], root: Path) -> list[KnowledgeDocument]:
    """The documents as Markdown files in the documented format, loaded back as the loader sees them."""
    for document in documents:
        meta: dict[str, object] = {
            "type": document.type.value,
            "title": document.title,
            "industries": list(document.industries),
            "services": list(document.services),
        }
        if document.type is DocType.CASE_STUDY:
            meta |= {"customer": document.customer, "problem": "No-shows.", "result": "Fewer no-shows."}
            meta["figures"] = list(document.figures)
        if document.type is DocType.OFFER:
            meta["expires"] = date(2027, 12, 31)
        path = root / document.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n\n{document.body}\n", encoding="utf-8"
        )
    loaded = load_folder(root)
    if loaded.errors:
        raise SystemExit(f"synthetic folder does not load: {loaded.errors[0]}")
    return loaded.documents


def upload_timings_ms(library: KnowledgeLibrary, count: int) -> tuple[float, float]:
    """``KnowledgeLibrary.put`` of ``count`` new one-chunk FAQs: check, write, re-sync, reload."""
    samples = []
    for n in range(count):
        raw = (
            f"---\ntype: faq\ntitle: Can clients book a slot number {n} online?\n---\n\n"
            f"Yes. Slot {n} can be booked online at any hour, and a reminder goes out the day before.\n"
        ).encode()
        start = time.perf_counter()
        library.put(raw, document_id=f"uploads/faq-{n:03d}")
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def timings_ms(run: Callable[[str], object], queries: list[str]) -> tuple[float, float]:
    for query in queries[:10]:  # warm-up, with texts that are then measured uncached anyway
        run(query + " (warm-up)")
    samples = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        samples.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94]


def acknowledgment_queries(count: int, rng: random.Random) -> list[str]:
    """The texts a new lead's acknowledgment embeds, for the speed-to-lead benchmark's inquiries."""
    texts = []
    for n in range(count):
        inquiry = make_inquiry(n, rng)
        query = RetrievalQuery.for_lead(
            need=inquiry["need"],
            inquiry=inquiry["message"],
            purpose="acknowledgment",
            industry=inquiry["industry"],
        )
        texts.append(query.text)
    return texts


def embedding_cpu_ms(texts: list[str], threads: int) -> tuple[float, float]:
    """CPU and wall milliseconds per uncached query embedding, the model's threads all counted."""
    embedder = LocalMiniLMEmbedder(threads=threads, query_cache_size=0)
    for text in texts[:5]:
        embedder.embed_query(text)
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        embedder.embed_query(text)
    return (time.process_time() - cpu) * 1000 / len(texts), (time.perf_counter() - wall) * 1000 / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    rng = random.Random(7)

    embedder = LocalMiniLMEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "knowledge"
        documents = write_folder(synthetic_documents(args.chunks, rng), folder)
        start = time.perf_counter()
        load_folder(folder)
        load_seconds = time.perf_counter() - start
        client = chromadb.PersistentClient(
            path=str(Path(tmp) / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        store = ChromaVectorStore(client, embedder)

        start = time.perf_counter()
        report = ingest(documents, store)
        ingest_seconds = time.perf_counter() - start
        start = time.perf_counter()
        ingest(documents, store)
        reingest_seconds = time.perf_counter() - start
        sample = [chunk_document(d, embedder.name)[0].text for d in documents[:200]]
        start = time.perf_counter()
        embedder.embed_documents(sample)
        embed_rate = len(sample) / (time.perf_counter() - start)

        industry_of: dict[str, str] = {}
        for n in range(args.queries):
            industry = rng.choice(INDUSTRIES)
            text = rng.choice(QUESTIONS).format(s=rng.choice(SERVICES).replace("_", " "), i=industry)
            industry_of[f"{text} (#{n})"] = industry  # distinct texts: the query cache must not flatter
        questions = list(industry_of)
        kb = KnowledgeBase(documents, store)

        def retrieve(text: str) -> object:
            industry = industry_of[text.removesuffix(" (warm-up)")]
            return kb.retrieve(RetrievalQuery(text=text + " r", purpose="pricing", industry=industry))

        rows = [
            ("query embedding only", *timings_ms(embedder.embed_query, [q + " e" for q in questions])),
            ("embedding + top-5 search", *timings_ms(lambda q: store.search(q, k=5), questions)),
            ("top-5 search, cached embedding", *timings_ms(lambda q: store.search(q, k=5), questions)),
            ("KnowledgeBase.retrieve (pricing, industry, k=3)", *timings_ms(retrieve, questions)),
        ]
        upload = upload_timings_ms(
            KnowledgeLibrary(KnowledgeBase(documents, store, root=folder)), args.uploads
        )

    print(f"\n{report.chunks_written} chunks in the store, {args.queries} distinct queries\n")
    print(f"{'measure':<50} {'p50 ms':>8} {'p95 ms':>8}")
    print("-" * 68)
    for name, p50, p95 in rows:
        print(f"{name:<50} {p50:>8.1f} {p95:>8.1f}")
    print()
    print(
        f"{'ingestion (chunk + embed + write)':<50} {report.chunks_written / ingest_seconds:>8.1f} chunks/s"
    )
    print(f"{'embedding only, ~120-word chunks':<50} {embed_rate:>8.1f} chunks/s")
    print(f"{'re-ingestion, nothing changed':<50} {reingest_seconds * 1000:>8.0f} ms total")
    print(f"{'load_folder, whole folder':<50} {load_seconds * 1000:>8.0f} ms total")
    name = f"upload of a one-chunk FAQ (p50, p95 of {args.uploads})"
    print(f"{name:<50} {upload[0]:>8.0f} {upload[1]:>8.0f} ms")
    # The speed-to-lead budget: every new lead's acknowledgment embeds what they wrote; on its own this
    # bounds how many inquiries a second the machine's cores can take.
    acks = acknowledgment_queries(args.queries, rng)
    words = statistics.mean(len(text.split()) for text in acks)
    print(f"\nacknowledgment queries of the speed-to-lead mix ({len(acks)}, {words:.0f} words on average):")
    ack_cpu = {}
    for threads in (1, 2):
        cpu_ms, wall_ms = embedding_cpu_ms(acks, threads)
        ack_cpu[threads] = {"cpu_ms": cpu_ms, "wall_ms": wall_ms}
        cores = os.cpu_count() or 1
        print(
            f"  {threads} thread(s): {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall per query; "
            f"the {cores} cores can embed at most {cores * 1000 / cpu_ms:.0f} a second"
        )
    if args.json:
        figures = {
            "acknowledgment_embedding": {"queries": len(acks), "mean_words": words, "by_threads": ack_cpu},
            "chunks": report.chunks_written,
            "queries": args.queries,
            "latency_ms": {name: {"p50": p50, "p95": p95} for name, p50, p95 in rows},
            "ingest_chunks_per_s": report.chunks_written / ingest_seconds,
            "embed_chunks_per_s": embed_rate,
            "reingest_unchanged_ms": reingest_seconds * 1000,
            "load_folder_ms": load_seconds * 1000,
            "upload_ms": {"p50": upload[0], "p95": upload[1]},
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
