"""Another company's knowledge folder loads and serves retrieval with no code changes.

Keystone Payroll (tests/fixtures/knowledge/keystone-payroll) sells payroll to restaurants, builders and
nonprofits: other industries, services and documents than the demo company, in the documented format.
It goes through the same path as production: settings, the real model, Chroma on disk, ingestion.
"""

from __future__ import annotations

from datetime import date

import pytest

from agent.container import build_knowledge_base
from agent.settings import Settings
from knowledge.documents import load_folder
from knowledge.retrieval import KnowledgeBase
from knowledge.types import DocType, RetrievalQuery
from tests.knowledge.conftest import KEYSTONE

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def keystone_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    var = tmp_path_factory.mktemp("keystone-var")
    return build_knowledge_base(Settings(_env_file=None, knowledge_dir=KEYSTONE, var_dir=var))


def _ids(kb: KnowledgeBase, purpose: str, text: str, industry: str | None = None, k: int = 3) -> list[str]:
    query = RetrievalQuery.for_lead(
        need=None, inquiry=text, purpose=purpose, industry=industry, k=k, today=TODAY
    )
    return [s.id for s in kb.retrieve(query)]


class TestSecondCompany:
    def test_every_file_loads_and_every_type_is_there(self, keystone_kb: KnowledgeBase) -> None:
        assert load_folder(KEYSTONE).errors == []
        assert keystone_kb.errors == ()
        assert {d.type for d in keystone_kb.documents.values()} == set(DocType)
        assert set(keystone_kb.store.chunk_ids_by_document()) == set(keystone_kb.documents)

    def test_a_restaurant_gets_the_restaurant_case_study(self, keystone_kb: KnowledgeBase) -> None:
        ids = _ids(
            keystone_kb, "social_proof", "splitting tips takes our manager all Sunday night", "restaurants"
        )

        assert ids[0] == "case-studies/harbor-street-kitchen"

    def test_a_builder_gets_the_construction_case_study_first(self, keystone_kb: KnowledgeBase) -> None:
        ids = _ids(keystone_kb, "social_proof", "certified payroll for public jobs", "construction")

        assert ids[0] == "case-studies/ridgeline-builders"

    def test_an_industry_without_a_case_study_still_gets_social_proof(
        self, keystone_kb: KnowledgeBase
    ) -> None:
        ids = _ids(keystone_kb, "social_proof", "our store staff clock in on paper timesheets", "retail")

        assert len(ids) == 3
        assert {keystone_kb.documents[d].type for d in ids} == {DocType.CASE_STUDY}

    def test_pricing_cites_the_price_list_and_only_the_live_offer(self, keystone_kb: KnowledgeBase) -> None:
        ids = _ids(keystone_kb, "pricing", "how much is payroll for 12 employees, any discount?", k=5)

        assert "faqs/pricing" in ids[:2]
        assert "offers/first-quarter-free" in ids
        assert "offers/spring-setup-waiver" not in ids  # expired on 2025-05-31

    def test_objections_and_resources_are_found_in_the_lead_s_words(self, keystone_kb: KnowledgeBase) -> None:
        assert _ids(keystone_kb, "objection", "our CPA does payroll for us already", k=1) == [
            "objections/accountant-runs-payroll"
        ]
        assert _ids(keystone_kb, "value_add", "overtime for servers who get tips", "restaurants", k=1) == [
            "resources/overtime-calculator"
        ]

    def test_sources_carry_the_company_s_own_facts(self, keystone_kb: KnowledgeBase) -> None:
        (source,) = keystone_kb.retrieve(
            RetrievalQuery(text="grant reporting for staff salaries", purpose="social_proof", k=1)
        )

        assert source.id == "case-studies/open-door-food-bank"
        assert source.customer == "Open Door Food Bank"
        assert source.text.startswith("Case study: Open Door Food Bank (nonprofits)")
        assert "grant reporting time down from 3 days to half a day per quarter" in source.text
        about = keystone_kb.get("company/about-keystone")
        assert about is not None
        assert keystone_kb.company_facts() == (about.body,)
