from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from knowledge import retrieval
from knowledge.chroma_store import ChromaVectorStore, chroma_client
from knowledge.documents import KnowledgeDocument, LoadResult
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.ingest import chunk_metadata, ingest
from knowledge.retrieval import KnowledgeBase, open_knowledge_base
from knowledge.store import Chunk, Hit, StoreChanges
from knowledge.types import PURPOSE_TOPICS, PURPOSE_TYPES, DocType, RetrievalQuery, Retriever
from tests.knowledge.conftest import CountingEmbedder, doc, make_store

LONG_STORY = "\n\n".join(
    [
        "Bright Smiles Dental ran three clinics and lost a fifth of its chair time to no-shows. "
        + "The front desk phoned every patient the day before, which took hours. " * 8,
        "After switching on two-way text reminders, patients confirmed or rebooked by replying. "
        + "Cancelled slots were offered to a waitlist automatically within minutes. " * 8,
        "Within a quarter, no-shows fell by 38 percent and the front desk got six hours a week back. "
        + "The clinic now fills almost every cancelled appointment from its waitlist. " * 8,
    ]
)

CORPUS = [
    doc(
        "cs-dental",
        DocType.CASE_STUDY,
        "Reminders patients answer",
        LONG_STORY,
        industries=("dental",),
        services=("reminders",),
        customer="Bright Smiles Dental",
        figures=("38% fewer no-shows", "6 hours a week saved"),
    ),
    doc(
        "cs-beauty",
        DocType.CASE_STUDY,
        "A salon that books itself",
        "Glow Studio, a hair and nail salon, moved bookings online. Clients book haircuts and manicures "
        "from Instagram at any hour, and automatic reminders cut salon no-shows in half.",
        industries=("beauty",),
        services=("online_booking", "reminders"),
        customer="Glow Studio",
        figures=("50% fewer no-shows",),
    ),
    doc(
        "cs-fitness",
        DocType.CASE_STUDY,
        "Memberships on autopilot",
        "Iron Gym sells memberships and class packs online; failed card payments are retried "
        "automatically so members keep training.",
        industries=("fitness",),
        services=("memberships", "payments"),
        customer="Iron Gym",
        figures=("22% more renewals",),
    ),
    doc(
        "cs-vet",
        DocType.CASE_STUDY,
        "Vaccination reminders for pets",
        "Paws Clinic sends vaccination reminders to pet owners and lets them book check-ups online.",
        industries=("veterinary",),
        services=("reminders",),
        customer="Paws Clinic",
        figures=("30% more vaccination visits",),
    ),
    doc(
        "faq-pricing",
        DocType.FAQ,
        "How much does the Team plan cost?",
        "The Team plan costs $99 per month for up to 10 staff, billed monthly. No setup fee.",
    ),
    doc(
        "faq-hipaa",
        DocType.FAQ,
        "Are you HIPAA compliant?",
        "Yes. We sign a business associate agreement and encrypt patient records at rest and in transit.",
        industries=("dental", "veterinary"),
    ),
    doc(
        "faq-salon-price",
        DocType.FAQ,
        "What does the salon plan cost?",
        "Salons pay $79 per month for the salon plan, including unlimited appointment reminders.",
        industries=("beauty",),
    ),
    doc(
        "obj-expensive",
        DocType.OBJECTION,
        "It's too expensive",
        "Most clinics recover the monthly price from two or three appointments that would have been "
        "no-shows.",
    ),
    doc(
        "res-guide",
        DocType.RESOURCE,
        "The no-show playbook",
        "A guide to reminder timing and wording that reduces missed appointments.",
        url="https://example.test/guide",
        services=("reminders",),
    ),
    doc(
        "offer-expired",
        DocType.OFFER,
        "Winter discount on the Team plan",
        "20% off the Team plan price for the first three months.",
        expires=date(2025, 1, 31),
    ),
    doc(
        "offer-live",
        DocType.OFFER,
        "Free migration offer",
        "We move your existing appointments and price list for free when you start the Team plan.",
        expires=date(2026, 12, 31),
    ),
    doc(
        "fact-founded",
        DocType.COMPANY_FACT,
        "About us",
        "Northstar Bookings was founded in 2016 and serves 4,000 businesses.",
    ),
]
TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, embedder: LocalMiniLMEmbedder) -> ChromaVectorStore:
    store = make_store(tmp_path_factory.mktemp("retrieval") / "chroma", embedder)
    ingest(CORPUS, store)
    return store


@pytest.fixture(scope="module")
def kb(store: ChromaVectorStore) -> KnowledgeBase:
    return KnowledgeBase(CORPUS, store)


def _ids(kb: Retriever, **fields: object) -> list[str]:
    return [s.id for s in kb.retrieve(RetrievalQuery(**fields))]  # type: ignore[arg-type]


def test_the_lead_s_industry_comes_first(kb: KnowledgeBase) -> None:
    text = "our hair salon wants clients to book haircuts online"
    assert _ids(kb, text=text, purpose="social_proof", k=1) == ["cs-beauty"]
    assert _ids(kb, text=text, purpose="social_proof", industry="dental", k=1) == ["cs-dental"]


def test_fewer_industry_matches_than_k_are_filled_from_all_industries(kb: KnowledgeBase) -> None:
    sources = kb.retrieve(
        RetrievalQuery(text="gym memberships and class packs", purpose="social_proof", industry="dental", k=3)
    )
    assert len(sources) == 3
    assert sources[0].id == "cs-dental"  # the only dental case study leads, though the gym one scores higher
    assert sources[1].id == "cs-fitness" and sources[1].score > sources[0].score
    assert sources[2].score <= sources[1].score


def test_untagged_documents_apply_to_every_industry(kb: KnowledgeBase) -> None:
    question = "How much does it cost per month?"
    assert "faq-salon-price" in _ids(kb, text=question, purpose="faq", k=2)
    ids = _ids(kb, text=question, purpose="faq", industry="dental", k=3)
    assert "faq-pricing" in ids  # untagged: true for every industry
    assert "faq-salon-price" not in ids  # beauty only: not for a dentist while others apply


class RecordingStore:
    """Passes searches through to a real store and records their filters."""

    def __init__(self, inner: ChromaVectorStore) -> None:
        self.inner = inner
        self.filters: list[dict[str, object]] = []

    @property
    def embedder_name(self) -> str:
        return self.inner.embedder_name

    def changes(self) -> AbstractContextManager[StoreChanges]:
        return self.inner.changes()

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        self.inner.upsert(chunks)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        self.inner.delete(chunk_ids)

    def chunk_ids_by_document(self) -> dict[str, set[str]]:
        return self.inner.chunk_ids_by_document()

    def count(self) -> int:
        return self.inner.count()

    def search(
        self, query: str, *, k: int, where: Mapping[str, str | int | float | bool] | None = None
    ) -> list[Hit]:
        self.filters.append(dict(where or {}))
        return self.inner.search(query, k=k, where=where)


def test_the_industry_s_own_documents_are_found_below_many_others(
    tmp_path: Path, counting: CountingEmbedder
) -> None:
    gyms = [
        doc(
            f"cs-gym-{n}",
            DocType.CASE_STUDY,
            f"Gym {n} sells memberships online",
            "Gym memberships and class packs.",
            industries=("fitness",),
            customer=f"Gym {n}",
            figures=(f"{n}0% more renewals",),
        )
        for n in range(1, 6)
    ]
    corpus = [*gyms, CORPUS[0]]
    store = make_store(tmp_path / "chroma", counting)
    ingest(corpus, store)
    recording = RecordingStore(store)
    kb = KnowledgeBase(corpus, recording)

    assert _ids(kb, text="gym memberships", purpose="social_proof", industry="dental", k=1) == ["cs-dental"]
    assert recording.filters == [
        {"type": "case_study"},
        {"type": "case_study", "ind_dental": True},
        {"type": "case_study", "all_industries": True},
    ]

    recording.filters.clear()
    (found,) = _ids(kb, text="gym memberships", purpose="social_proof", industry="fitness", k=1)
    assert found.startswith("cs-gym-")
    assert recording.filters == [{"type": "case_study"}]  # enough fitness documents in the first search


class ScoredStore:
    """A store with fixed scores per document (no model), to pin down which searches retrieval makes."""

    def __init__(self, scores: Mapping[KnowledgeDocument, float]) -> None:
        self.chunks = [
            (score, Chunk(f"chunk-{d.id}", d.id, d.body, chunk_metadata(d, 0))) for d, score in scores.items()
        ]
        self.filters: list[dict[str, object]] = []

    @property
    def embedder_name(self) -> str:
        return "fixed-scores"

    def changes(self) -> AbstractContextManager[StoreChanges]:
        raise NotImplementedError

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        raise NotImplementedError

    def delete(self, chunk_ids: Sequence[str]) -> None:
        raise NotImplementedError

    def chunk_ids_by_document(self) -> dict[str, set[str]]:
        return {chunk.document_id: {chunk.id} for _, chunk in self.chunks}

    def count(self) -> int:
        return len(self.chunks)

    def search(
        self, query: str, *, k: int, where: Mapping[str, str | int | float | bool] | None = None
    ) -> list[Hit]:
        self.filters.append(dict(where or {}))
        matching = [
            (score, chunk)
            for score, chunk in self.chunks
            if all(chunk.metadata.get(key) == value for key, value in (where or {}).items())
        ]
        matching.sort(key=lambda item: item[0], reverse=True)
        return [Hit(chunk, score) for score, chunk in matching[:k]]


def _case(n: int, industry: str) -> KnowledgeDocument:
    return doc(f"case-{n}", DocType.CASE_STUDY, f"Case {n}", "text", industries=(industry,), customer=f"C{n}")


def test_one_search_is_enough_when_its_hits_answer() -> None:
    faq = doc("faq", DocType.FAQ, "Pricing", "text")
    store = ScoredStore({faq: 0.9, **{_case(n, "fitness"): 0.5 for n in range(10)}})
    assert _ids(KnowledgeBase([faq], store), text="q", purpose="faq", k=1) == ["faq"]
    assert store.filters == [{}]


def test_searches_narrow_to_types_then_industries_only_as_needed() -> None:
    faq = doc("faq", DocType.FAQ, "Pricing", "text", industries=("dental",))
    objection = doc("objection", DocType.OBJECTION, "Too expensive", "text")
    beauty_faqs = [doc(f"faq-b{n}", DocType.FAQ, f"B{n}", "text", industries=("beauty",)) for n in range(9)]
    store = ScoredStore(
        {
            **{_case(n, "fitness"): 0.9 for n in range(10)},  # outrank everything, of the wrong type
            **{d: 0.6 for d in beauty_faqs},  # the right type, for another industry
            faq: 0.4,
            objection: 0.3,
        }
    )
    kb = KnowledgeBase([faq, objection, *beauty_faqs], store)

    assert _ids(kb, text="q", purpose="faq", industry="dental", k=2) == ["faq", "objection"]
    assert store.filters == [
        {},
        {"type": "faq"},
        {"type": "objection"},
        {"type": "faq", "ind_dental": True},
        {"type": "faq", "all_industries": True},
    ]


def test_one_chunk_per_document(kb: KnowledgeBase, store: ChromaVectorStore) -> None:
    assert len(store.chunk_ids_by_document()["cs-dental"]) > 1
    ids = _ids(kb, text="Bright Smiles no-shows waitlist front desk", purpose="social_proof", k=4)
    assert len(ids) == len(set(ids)) == 4


def test_already_sent_documents_are_never_returned(kb: KnowledgeBase) -> None:
    ids = _ids(
        kb,
        text="dental clinic no-shows",
        purpose="social_proof",
        industry="dental",
        exclude_document_ids=frozenset({"cs-dental"}),
        k=3,
    )
    assert "cs-dental" not in ids
    assert len(ids) == 3


@pytest.mark.parametrize("purpose", sorted(PURPOSE_TYPES))
def test_each_purpose_returns_only_its_types(kb: KnowledgeBase, purpose: str) -> None:
    sources = kb.retrieve(RetrievalQuery(text="price, no-shows, HIPAA and reminders", purpose=purpose, k=10))
    assert sources
    assert {s.type for s in sources} <= set(PURPOSE_TYPES[purpose])
    assert DocType.COMPANY_FACT not in {s.type for s in sources}


def test_expired_offers_are_dropped_only_when_today_is_given(kb: KnowledgeBase) -> None:
    query = RetrievalQuery(text="discount on the Team plan price", purpose="pricing", k=10)
    assert "offer-expired" in [s.id for s in kb.retrieve(query)]
    current = kb.retrieve(RetrievalQuery(text=query.text, purpose="pricing", k=10, today=TODAY))
    assert "offer-expired" not in [s.id for s in current]
    assert "offer-live" in [s.id for s in current]


def test_sources_carry_the_chunk_text_and_case_study_facts(kb: KnowledgeBase) -> None:
    (source,) = kb.retrieve(
        RetrievalQuery(text="dental no-shows", purpose="social_proof", industry="dental", k=1)
    )
    assert source.customer == "Bright Smiles Dental"
    assert source.figures == ("38% fewer no-shows", "6 hours a week saved")
    assert source.text.startswith("Case study: Bright Smiles Dental (dental) — Reminders patients answer.")
    (guide,) = kb.retrieve(RetrievalQuery(text="reminder timing guide", purpose="value_add", k=1))
    assert (guide.id, guide.url, guide.type) == ("res-guide", "https://example.test/guide", DocType.RESOURCE)


def test_a_matching_service_wins_a_near_tie(kb: KnowledgeBase) -> None:
    plain = kb.retrieve(RetrievalQuery(text="appointment reminders", purpose="social_proof", k=4))
    boosted = kb.retrieve(
        RetrievalQuery(text="appointment reminders", purpose="social_proof", services=("payments",), k=4)
    )
    score = {s.id: s.score for s in plain}
    assert {s.id: s.score for s in boosted}["cs-fitness"] == pytest.approx(score["cs-fitness"] + 0.02)


def test_an_empty_question_still_retrieves(kb: KnowledgeBase) -> None:
    assert _ids(kb, text="  ", purpose="social_proof", industry="fitness", k=1) == ["cs-fitness"]


def test_unknown_purpose_is_an_error(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="unknown touch purpose"):
        kb.retrieve(RetrievalQuery(text="x", purpose="spam"))
    assert kb.retrieve(RetrievalQuery(text="x", purpose="faq", k=0)) == []


def test_vectors_of_documents_no_longer_loaded_are_never_cited(store: ChromaVectorStore) -> None:
    smaller = KnowledgeBase([d for d in CORPUS if d.id != "faq-pricing"], store)
    assert "faq-pricing" not in _ids(smaller, text="How much is the Team plan?", purpose="faq", k=5)


def test_an_offer_is_live_from_its_start_through_its_expiry(kb: KnowledgeBase) -> None:
    spring = replace(
        doc("offer-spring", DocType.OFFER, "Spring savings", "10% off.", expires=date(2025, 3, 31)),
        starts=date(2025, 3, 1),
    )
    both = KnowledgeBase([*CORPUS, spring], kb.store)

    assert "offer-spring" not in both.live_offer_ids(date(2025, 2, 28))
    assert "offer-spring" in both.live_offer_ids(date(2025, 3, 1))
    assert "offer-spring" in both.live_offer_ids(date(2025, 3, 31))
    assert "offer-spring" not in both.live_offer_ids(date(2025, 4, 1))
    window = next(o for o in both.offers() if o.id == "offer-spring")
    assert (window.title, window.starts, window.expires) == (
        "Spring savings",
        date(2025, 3, 1),
        date(2025, 3, 31),
    )


def test_company_facts_live_offers_and_get(kb: KnowledgeBase) -> None:
    assert kb.company_facts() == tuple(d.body for d in CORPUS if d.id == "fact-founded")
    assert kb.live_offer_ids(TODAY) == {"offer-live"}
    assert kb.live_offer_ids(date(2025, 1, 31)) == {"offer-expired", "offer-live"}
    assert kb.get("faq-hipaa") is not None and kb.get("nope") is None


def test_open_knowledge_base_ingests_idempotently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counting: CountingEmbedder
) -> None:
    folders: list[Path] = []

    def load_folder(root: Path) -> LoadResult:
        folders.append(root)
        return LoadResult(documents=list(CORPUS[:3]))

    monkeypatch.setattr(retrieval, "load_folder", load_folder)
    store = ChromaVectorStore(chroma_client(url=None, path=tmp_path / "chroma"), counting)

    kb = open_knowledge_base(tmp_path / "content", store)
    assert folders == [tmp_path / "content"]
    assert set(kb.documents) == {"cs-dental", "cs-beauty", "cs-fitness"}
    assert kb.retrieve(RetrievalQuery(text="gym", purpose="social_proof", k=1))[0].id == "cs-fitness"

    counting.reset()
    open_knowledge_base(tmp_path / "content", store)
    assert counting.document_calls == 0

    monkeypatch.setattr(retrieval, "load_folder", lambda root: LoadResult(documents=list(CORPUS[:4])))
    open_knowledge_base(tmp_path / "content", store, ingest_missing=False)
    assert counting.document_calls == 0


class TestReload:
    def test_reload_serves_the_new_documents_from_the_next_call(self, store: ChromaVectorStore) -> None:
        kb = KnowledgeBase(CORPUS, store)
        assert "faq-pricing" in _ids(kb, text="How much is the Team plan?", purpose="faq", k=3)

        kb.reload([d for d in CORPUS if d.id != "faq-pricing"])

        assert kb.get("faq-pricing") is None
        assert "faq-pricing" not in _ids(kb, text="How much is the Team plan?", purpose="faq", k=5)

    def test_chunks_of_another_version_of_a_document_are_never_cited(self, store: ChromaVectorStore) -> None:
        """An edit not yet embedded here: its stored text must not be quoted under the new title."""
        edited = [
            dataclasses.replace(d, title="What does the Team plan cost now?", content_hash="edited")
            if d.id == "faq-pricing"
            else d
            for d in CORPUS
        ]
        kb = KnowledgeBase(edited, store)

        assert "faq-pricing" not in _ids(kb, text="How much does the Team plan cost?", purpose="faq", k=5)
        assert "faq-salon-price" in _ids(kb, text="How much does the Team plan cost?", purpose="faq", k=5)


class TestForLead:
    def test_the_query_is_the_need_then_the_inquiry_and_excludes_what_was_sent(self) -> None:
        query = RetrievalQuery.for_lead(
            need=" fewer no-shows ",
            inquiry="We lose 5 bookings a week.",
            purpose="social_proof",
            industry="beauty",
            already_sent=["cs-beauty"],
            today=TODAY,
        )

        assert query.text == "fewer no-shows We lose 5 bookings a week."
        assert (query.purpose, query.industry, query.k, query.today) == ("social_proof", "beauty", 3, TODAY)
        assert query.exclude_document_ids == frozenset({"cs-beauty"})

    def test_a_pricing_touch_asks_about_prices_whatever_the_lead_wrote(self, kb: KnowledgeBase) -> None:
        asked = "fewer no-shows Do your reminders actually work?"
        query = RetrievalQuery.for_lead(
            need="fewer no-shows", inquiry="Do your reminders actually work?", purpose="pricing", k=5
        )

        assert query.text == f"{PURPOSE_TOPICS['pricing']} {asked}"
        with_topic = [s.id for s in kb.retrieve(query)]
        without_topic = [s.id for s in kb.retrieve(replace(query, text=asked))]
        assert "faq-pricing" in with_topic[:3]
        assert with_topic.index("faq-pricing") < without_topic.index("faq-pricing")

    def test_a_lead_who_said_nothing_still_gets_their_industry_s_sources(self, kb: KnowledgeBase) -> None:
        query = RetrievalQuery.for_lead(
            need=None, inquiry="  ", purpose="social_proof", industry="fitness", k=1
        )

        assert query.text == ""
        assert [s.id for s in kb.retrieve(query)] == ["cs-fitness"]


class TestPrepare:
    QUERY = RetrievalQuery(text="fewer no-shows at the salon", purpose="value_add", industry="beauty", k=2)

    def test_a_prepared_query_is_answered_without_searching_again(self, store: ChromaVectorStore) -> None:
        recording = RecordingStore(store)
        kb = KnowledgeBase(CORPUS, recording)

        kb.prepare(self.QUERY)
        searched = len(recording.filters)
        answer = kb.retrieve(self.QUERY)

        assert searched > 0 and len(recording.filters) == searched  # the search ran ahead, not again
        assert answer == KnowledgeBase(CORPUS, store).retrieve(self.QUERY)

    def test_the_answer_is_used_once_and_another_query_searches(self, store: ChromaVectorStore) -> None:
        recording = RecordingStore(store)
        kb = KnowledgeBase(CORPUS, recording)
        kb.prepare(self.QUERY)
        kb.retrieve(self.QUERY)
        searched = len(recording.filters)

        kb.retrieve(self.QUERY)
        kb.retrieve(replace(self.QUERY, industry="dental"))

        assert len(recording.filters) > searched + 1

    def test_an_answer_prepared_before_a_reload_is_not_used_after_it(self, store: ChromaVectorStore) -> None:
        recording = RecordingStore(store)
        kb = KnowledgeBase(CORPUS, recording)
        kb.prepare(self.QUERY)
        searched = len(recording.filters)

        kb.reload([d for d in CORPUS if d.id != "res-guide"])
        answer = kb.retrieve(self.QUERY)

        assert len(recording.filters) > searched
        assert "res-guide" not in [s.id for s in answer]


def _value_add_documents() -> tuple[KnowledgeDocument, KnowledgeDocument, KnowledgeDocument]:
    language_service = doc("faq-spanish", DocType.RESOURCE, "Can we work with you in Spanish?", "text")
    glossary = replace(
        doc("glossary-es", DocType.RESOURCE, "Glosario bilingüe de remodelación", "texto"), language="es"
    )
    guide = doc("guide", DocType.RESOURCE, "Planning a bathroom remodel", "text")
    return language_service, glossary, guide


def test_value_add_for_an_english_lead_skips_documents_about_another_language() -> None:
    """Found using the product as a bilingual remodeler: an English lead's day-1 value-add quoted "Can we
    work with you in Spanish?", the best match on the vector score. A document about the language
    service ranks below the others unless the lead asked about language."""
    language_service, glossary, guide = _value_add_documents()
    store = ScoredStore({language_service: 0.9, glossary: 0.85, guide: 0.6})
    kb = KnowledgeBase([language_service, glossary, guide], store)

    assert _ids(kb, text="master bath remodel", purpose="value_add", k=3)[0] == "guide"
    assert _ids(kb, text="master bath remodel", purpose="value_add", k=3, language="en")[0] == "guide"


def test_a_lead_who_asks_about_language_still_gets_the_language_service() -> None:
    language_service, glossary, guide = _value_add_documents()
    store = ScoredStore({language_service: 0.9, glossary: 0.85, guide: 0.6})
    kb = KnowledgeBase([language_service, glossary, guide], store)

    text = "Can your crew speak Spanish with my mother?"
    assert _ids(kb, text=text, purpose="value_add", k=3)[0] == "faq-spanish"


def test_value_add_for_a_lead_in_the_first_language_puts_tagged_other_language_documents_last() -> None:
    """Found using the product as a bilingual remodeler: with no language preference (the lead writes
    the company's first language), a Spanish FAQ ranked second for an English lead."""
    _, glossary, guide = _value_add_documents()
    prices_es = replace(doc("precios-es", DocType.FAQ, "¿Cuánto cuesta?", "texto"), language="es")
    store = ScoredStore({prices_es: 0.9, glossary: 0.85, guide: 0.6})
    kb = KnowledgeBase([prices_es, glossary, guide], store)

    assert _ids(kb, text="how much does a bathroom cost", purpose="value_add", k=3)[0] == "guide"
    assert _ids(kb, text="cuanto cuesta", purpose="value_add", k=3, language="es")[0] == "precios-es"
