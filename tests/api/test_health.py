"""Health and readiness: public, and ready only when the database answers and knowledge is loaded."""

from __future__ import annotations

from fastapi.testclient import TestClient


class TestHealth:
    def test_liveness(self, client: TestClient) -> None:
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_readiness_checks_database_and_knowledge(self, client: TestClient) -> None:
        response = client.get("/readyz")

        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok", "knowledge": "ok"}

    def test_openapi_documents_the_public_and_private_endpoints(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]

        assert {
            "/v1/inquiries",
            "/v1/leads",
            "/v1/leads/{lead_id}",
            "/v1/leads/{lead_id}/events",
            "/v1/queue",
        } <= set(paths)
