"""The knowledge API: search as the agent would; admins upload, list and delete documents.

Search runs on the demo knowledge base; uploads run on a writable copy of the second fixture company's
folder, each with the real model, a real Chroma and the database on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.container import Services, build_services
from agent.db.models import ReviewAction
from agent.domain import UserRole
from agent.settings import Settings
from api.app import create_app
from knowledge.documents import load_folder
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.retrieval import KnowledgeBase
from knowledge.store import Embedder
from tests.conftest import Caller, FakeClock, make_caller
from tests.knowledge.conftest import GARNISHMENTS, KEYSTONE, copy_embedded, embedded_copy, make_store

BROKEN = """\
---
type: faq
title: Do you handle wage garnishments?
industy: [restaurants]
expires: 2027-01-01
---

Yes.
"""


@pytest.fixture(scope="module")
def embedder() -> LocalMiniLMEmbedder:
    return LocalMiniLMEmbedder()


@pytest.fixture(scope="module")
def keystone(tmp_path_factory: pytest.TempPathFactory, embedder: LocalMiniLMEmbedder) -> tuple[Path, Path]:
    return embedded_copy(KEYSTONE, embedder, tmp_path_factory.mktemp("keystone"))


class Company:
    """The app serving a writable copy of Keystone Payroll's folder, and the callers it knows."""

    def __init__(self, services: Services, folder: Path) -> None:
        self.services = services
        self.folder = folder
        self.client = TestClient(create_app(services), raise_server_exceptions=False)
        self.admin = make_caller(services, email="admin@example.com", role=UserRole.ADMIN)
        self.rep = make_caller(services, email="rep@example.com")

    def files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.folder).as_posix(): p.read_bytes()
            for p in self.folder.rglob("*")
            if p.is_file()
        }

    def upload(self, text: str, *, caller: Caller | None = None, **params: str) -> Any:
        return self.client.post(
            "/v1/knowledge/documents",
            params=params,
            files={"file": ("garnishments.md", text.encode(), "text/markdown")},
            headers=(caller or self.admin).headers,
        )

    def search(self, q: str, **params: str | int) -> list[str]:
        response = self.client.get(
            "/v1/knowledge/search", params={"q": q, **params}, headers=self.rep.headers
        )
        assert response.status_code == 200, response.text
        return [source["id"] for source in response.json()["data"]]

    def audit(self) -> list[ReviewAction]:
        with self.services.session_factory() as session:
            return list(
                session.scalars(select(ReviewAction).order_by(ReviewAction.created_at, ReviewAction.id))
            )


@pytest.fixture
def company_with(
    make_settings: Callable[..., Settings],
    database_url: str,
    clock: FakeClock,
    keystone: tuple[Path, Path],
    tmp_path: Path,
    embedder: LocalMiniLMEmbedder,
) -> Iterator[Callable[..., Company]]:
    built: list[Company] = []

    def build(inner: Embedder = embedder) -> Company:
        folder, chroma = copy_embedded(keystone, tmp_path / f"kb{len(built)}")
        settings = make_settings(database_url=database_url, knowledge_dir=folder, chroma_path=chroma)
        loaded = load_folder(folder)
        kb = KnowledgeBase(loaded.documents, make_store(chroma, inner), root=folder, errors=loaded.errors)
        built.append(Company(build_services(settings, clock=clock, knowledge=kb), folder))
        return built[-1]

    yield build
    for company in built:
        company.client.close()
        company.services.close()


@pytest.fixture
def company(company_with: Callable[..., Company]) -> Company:
    return company_with()


class TestSearch:
    def test_returns_the_sources_with_their_exact_text(self, client: TestClient, rep: Caller) -> None:
        response = client.get(
            "/v1/knowledge/search",
            params={
                "q": "our salon loses Saturday colour clients",
                "purpose": "social_proof",
                "industry": "beauty",
            },
            headers=rep.headers,
        )

        assert response.status_code == 200, response.text
        body = response.json()
        first = body["data"][0]
        assert body["count"] == len(body["data"]) == 5
        assert first["id"] == "case-studies/luna-hair-studio"
        assert first["type"] == "case_study"
        assert first["title"].startswith("Luna Hair Studio")
        assert first["customer"] == "Luna Hair Studio"
        assert first["text"].startswith("Case study: Luna Hair Studio (beauty)")
        assert 0 < first["score"] <= 1
        assert {"id", "type", "title", "url", "score", "text", "customer", "figures"} == set(first)

    def test_k_purpose_and_industry_shape_the_answer(self, client: TestClient, rep: Caller) -> None:
        response = client.get(
            "/v1/knowledge/search",
            params={
                "q": "will you sign a BAA for patient data",
                "purpose": "faq",
                "industry": "dental",
                "k": 2,
            },
            headers=rep.headers,
        )

        data = response.json()["data"]
        assert [s["id"] for s in data][:1] == ["faqs/hipaa"]
        assert len(data) == 2
        assert {s["type"] for s in data} <= {"faq", "objection"}

    @pytest.mark.parametrize(
        ("params", "field", "says"),
        [
            ({}, "q", "Field required"),
            ({"q": ""}, "q", "at least 1 character"),
            ({"q": "price", "purpose": "spam"}, "purpose", "must be one of acknowledgment, value_add"),
            ({"q": "price", "k": "0"}, "k", "greater than or equal to 1"),
            ({"q": "price", "k": "many"}, "k", "valid integer"),
            ({"q": "price", "industry": "Dental Clinic!"}, "industry", "pattern"),
        ],
    )
    def test_a_bad_parameter_is_named(
        self, client: TestClient, rep: Caller, params: dict[str, str], field: str, says: str
    ) -> None:
        response = client.get("/v1/knowledge/search", params=params, headers=rep.headers)

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        (error,) = response.json()["errors"]
        assert error["field"] == field
        assert says in error["message"]

    def test_needs_an_api_key(self, client: TestClient) -> None:
        response = client.get("/v1/knowledge/search", params={"q": "price"})

        assert response.status_code == 401


class TestUpload:
    def test_an_admin_uploads_a_file_and_it_is_served_at_once(self, company: Company) -> None:
        assert "faqs/garnishments" not in company.search("withhold child support from pay", purpose="faq")

        response = company.upload(GARNISHMENTS, id="faqs/garnishments")

        assert response.status_code == 201, response.text
        assert response.headers["location"] == "/v1/knowledge/documents/faqs/garnishments"
        body = response.json()
        assert body["status"] == "created"
        assert body["document"]["id"] == "faqs/garnishments"
        assert body["chunks_written"] == 1
        assert (company.folder / "faqs" / "garnishments.md").read_text() == GARNISHMENTS
        assert company.search("withhold child support from pay", purpose="faq", k=1) == ["faqs/garnishments"]
        (entry,) = company.audit()
        assert entry.action == "knowledge.upload"
        assert entry.user_id == company.admin.user_id
        assert entry.details["document_id"] == "faqs/garnishments"
        assert entry.details["status"] == "created"

    def test_a_raw_markdown_body_works_too_and_goes_to_its_type_s_folder(self, company: Company) -> None:
        response = company.client.post(
            "/v1/knowledge/documents",
            content=GARNISHMENTS.encode(),
            headers={**company.admin.headers, "content-type": "text/markdown"},
        )

        assert response.status_code == 201, response.text
        assert response.json()["document"]["id"] == "faqs/do-you-handle-wage-garnishments"

    def test_the_same_file_again_is_a_no_op(self, company: Company) -> None:
        company.upload(GARNISHMENTS, id="faqs/garnishments")
        files = company.files()

        again = company.upload(GARNISHMENTS, id="faqs/garnishments")

        assert again.status_code == 200
        assert again.json()["status"] == "unchanged"
        assert again.json()["chunks_written"] == 0
        assert company.files() == files
        assert len(company.audit()) == 1

    def test_an_edited_file_replaces_the_document(self, company: Company) -> None:
        company.upload(GARNISHMENTS, id="faqs/garnishments")

        response = company.upload(GARNISHMENTS.replace("Yes.", "Yes, on every plan."), id="faqs/garnishments")

        assert response.status_code == 200
        assert response.json()["status"] == "updated"
        sources = company.client.get(
            "/v1/knowledge/search",
            params={"q": "do you handle garnishments", "purpose": "faq", "k": 1},
            headers=company.rep.headers,
        ).json()["data"]
        assert sources[0]["id"] == "faqs/garnishments"
        assert "Yes, on every plan." in sources[0]["text"]
        assert [e.details["status"] for e in company.audit()] == ["created", "updated"]

    def test_a_malformed_file_gets_every_problem_by_line_and_nothing_is_written(
        self, company: Company
    ) -> None:
        files = company.files()

        response = company.upload(BROKEN, id="faqs/garnishments")

        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["errors"] == [
            {
                "path": "faqs/garnishments.md",
                "line": 4,
                "message": "unknown key `industy`: did you mean `industries`?",
            },
            {
                "path": "faqs/garnishments.md",
                "line": 5,
                "message": "`expires` only applies to offer documents: remove it or change `type`",
            },
        ]
        assert "faqs/garnishments.md:4: unknown key `industy`" in problem["detail"]
        assert "nothing was saved" in problem["detail"]
        assert company.files() == files
        assert company.audit() == []

    def test_a_rep_may_not_change_the_knowledge_base(self, company: Company) -> None:
        files = company.files()

        response = company.upload(GARNISHMENTS, caller=company.rep)

        assert response.status_code == 403
        assert "admin" in response.json()["detail"]
        assert company.files() == files

    def test_a_json_body_is_refused_with_what_to_send(self, company: Company) -> None:
        response = company.client.post(
            "/v1/knowledge/documents", json={"text": GARNISHMENTS}, headers=company.admin.headers
        )

        assert response.status_code == 415
        assert "multipart/form-data" in response.json()["detail"]

    def test_an_id_outside_the_folder_is_refused(self, company: Company) -> None:
        files = company.files()

        response = company.upload(GARNISHMENTS, id="../escape")

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "id"
        assert company.files() == files

    def test_if_embedding_fails_nothing_is_changed(self, company_with: Callable[..., Company]) -> None:
        company = company_with(FailingEmbedder(LocalMiniLMEmbedder()))
        files = company.files()

        response = company.upload(GARNISHMENTS, id="faqs/garnishments")

        assert response.status_code == 503
        assert "nothing was changed" in response.json()["detail"]
        assert company.files() == files
        assert company.audit() == []
        assert company.services.knowledge.get("faqs/garnishments") is None


class FailingEmbedder:
    """An embeddings endpoint that rejects every new document (queries still work)."""

    def __init__(self, inner: LocalMiniLMEmbedder) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        raise RuntimeError("rate limited")

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class TestListAndRead:
    def test_lists_what_is_served_and_the_files_that_do_not_load(self, company: Company) -> None:
        (company.folder / "faqs" / "broken.md").write_text(BROKEN)
        company.upload(GARNISHMENTS, id="faqs/garnishments")  # any change reloads the folder

        body = company.client.get("/v1/knowledge/documents", headers=company.rep.headers).json()

        assert body["count"] == len(load_folder(KEYSTONE).documents) + 1
        assert "faqs/garnishments" in {d["id"] for d in body["data"]}
        assert body["errors"][0] == {
            "path": "faqs/broken.md",
            "line": 4,
            "message": "unknown key `industy`: did you mean `industries`?",
        }

    def test_filters_by_type(self, company: Company) -> None:
        body = company.client.get(
            "/v1/knowledge/documents", params={"type": "case_study"}, headers=company.rep.headers
        ).json()

        assert {d["type"] for d in body["data"]} == {"case_study"}
        assert body["count"] == 3

    def test_one_document_comes_with_its_file_to_edit_and_upload_again(self, company: Company) -> None:
        response = company.client.get("/v1/knowledge/documents/faqs/pricing", headers=company.rep.headers)

        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "How much does Keystone Payroll cost?"
        assert body["markdown"] == (company.folder / "faqs" / "pricing.md").read_text()
        assert body["body"].startswith("Keystone costs $40 a month")

    def test_an_unknown_document_is_404(self, company: Company) -> None:
        response = company.client.get("/v1/knowledge/documents/faqs/nope", headers=company.rep.headers)

        assert response.status_code == 404
        assert response.json()["type"].endswith("/document-not-found")
        assert "faqs/nope" in response.json()["detail"]


class TestDelete:
    def test_an_admin_deletes_a_document_and_it_is_never_retrieved_again(self, company: Company) -> None:
        assert "objections/too-small" in company.search("we only have five employees", purpose="objection")

        response = company.client.delete(
            "/v1/knowledge/documents/objections/too-small", headers=company.admin.headers
        )

        assert response.status_code == 204
        assert not (company.folder / "objections" / "too-small.md").exists()
        assert "objections/too-small" not in company.search(
            "we only have five employees", purpose="objection"
        )
        (entry,) = company.audit()
        assert (entry.action, entry.details["document_id"]) == ("knowledge.delete", "objections/too-small")

    def test_deleting_an_unknown_document_is_404_and_not_audited(self, company: Company) -> None:
        response = company.client.delete("/v1/knowledge/documents/faqs/nope", headers=company.admin.headers)

        assert response.status_code == 404
        assert company.audit() == []

    def test_a_rep_may_not_delete(self, company: Company) -> None:
        response = company.client.delete("/v1/knowledge/documents/faqs/pricing", headers=company.rep.headers)

        assert response.status_code == 403
        assert (company.folder / "faqs" / "pricing.md").exists()


class TestSecondCompany:
    def test_another_company_s_folder_is_searched_with_no_code_changes(self, company: Company) -> None:
        assert (
            company.search("tip pooling for our servers", purpose="social_proof", industry="restaurants")[0]
            == "case-studies/harbor-street-kitchen"
        )
        assert "faqs/pricing" in company.search("price for 12 employees", purpose="pricing", k=3)
        assert company.search("our CPA runs payroll already", purpose="objection", k=1) == [
            "objections/accountant-runs-payroll"
        ]


class TestAuthorisationComesFirst:
    def test_an_anonymous_upload_is_401_whatever_the_body(self, company: Company) -> None:
        response = company.client.post("/v1/knowledge/documents", json={"not": "markdown"})

        assert response.status_code == 401
