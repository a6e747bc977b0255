"""Issue 17, finding 9: the OpenAPI document says what the API really answers.

The whole contract is checked against a real server by schemathesis (tests/test_api_contract.py);
these are the specific untruths the finding named, each checked against a real answer.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Caller

PUBLIC = {"/v1/inquiries", "/healthz", "/readyz", "/u/{token}", "/p/{token}", "/t/o/{token}", "/t/c/{token}"}


def _spec(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def test_the_spec_documents_422_as_the_problem_json_the_api_answers(client: TestClient) -> None:
    spec = _spec(client)
    answered = client.post("/v1/inquiries", json={"email": "not an address"})

    documented = spec["paths"]["/v1/inquiries"]["post"]["responses"]["422"]["content"]
    assert answered.status_code == 422
    assert answered.headers["content-type"] == "application/problem+json"
    assert list(documented) == ["application/problem+json"]
    assert documented["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    errors = [
        (path, method, code)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if int(code) >= 400 and "application/json" in response.get("content", {}) and path != "/readyz"
    ]
    assert errors == []


def test_the_spec_declares_the_bearer_scheme_and_which_endpoints_are_public(
    client: TestClient, rep: Caller
) -> None:
    spec = _spec(client)

    assert spec["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["apiKey"]["description"],
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            public = path in PUBLIC or path.startswith("/webhooks/")
            assert operation["security"] == ([] if public else [{"apiKey": []}]), (method, path)
            if not public:
                assert "401" in operation["responses"], (method, path)
    assert client.get("/v1/leads").status_code == 401
    assert client.get("/v1/leads", headers=rep.headers).status_code == 200


def test_the_spec_documents_what_the_machinery_around_the_routes_answers(
    client: TestClient, rep: Caller
) -> None:
    spec = _spec(client)
    missing_link = client.get("/t/c/not-a-token", follow_redirects=False)
    too_large = client.post("/v1/inquiries", content=b"{" + b" " * 70_000 + b"}")
    unreadable = client.post(
        "/v1/queue/bulk-approve",
        content=b"\x80",  # not UTF-8: no JSON at all
        headers={**rep.headers, "content-type": "application/json"},
    )

    assert missing_link.status_code == 404
    assert "404" in spec["paths"]["/t/c/{token}"]["get"]["responses"]
    assert too_large.status_code == 413
    assert "413" in spec["paths"]["/v1/inquiries"]["post"]["responses"]
    assert unreadable.status_code == 400
    assert unreadable.headers["content-type"] == "application/problem+json"
    assert "400" in spec["paths"]["/v1/queue/bulk-approve"]["post"]["responses"]
    assert all(
        "500" in operation["responses"]
        for operations in spec["paths"].values()
        for operation in operations.values()
    )
