"""Issue 17, finding 8: an offset of 2^63 was a 500 on four list endpoints (a 64-bit overflow in the
database), and a 70 KB inquiry sent chunked (no Content-Length) got 400 instead of 413. Over HTTP, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from agent.container import Services
from agent.db.models import Lead
from api.schemas import MAX_OFFSET
from tests.api.web.pages import make_rep, sign_in
from tests.conftest import Caller
from tests.factories import inquiry_payload

LISTS = ["/v1/leads", "/v1/queue", "/v1/handoffs", "/v1/tasks"]


@pytest.mark.parametrize("path", LISTS)
def test_an_offset_of_2_to_the_63_is_a_422_not_a_500(client: TestClient, rep: Caller, path: str) -> None:
    response = client.get(path, params={"offset": str(2**63)}, headers=rep.headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["offset"]
    assert f"{MAX_OFFSET}" in response.json()["detail"]


@pytest.mark.parametrize("path", LISTS)
def test_the_largest_offset_allowed_is_an_empty_page(client: TestClient, rep: Caller, path: str) -> None:
    response = client.get(path, params={"offset": str(MAX_OFFSET)}, headers=rep.headers)

    assert response.status_code == 200, response.text
    assert response.json()["data"] == []


def test_the_review_page_clamps_an_offset_of_2_to_the_63(client: TestClient, services: Services) -> None:
    sign_in(client, make_rep(services))

    assert client.get("/", params={"offset": str(2**63)}).status_code == 200


def _chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_70_kb_chunked_inquiry_is_413_like_a_declared_one(client: TestClient, services: Services) -> None:
    body = json.dumps(inquiry_payload(message="x" * 70_000)).encode()

    response = client.post(
        "/v1/inquiries", content=_chunks(body), headers={"content-type": "application/json"}
    )

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "limit" in response.json()["detail"]
    with services.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_small_chunked_inquiry_is_accepted(client: TestClient) -> None:
    body = json.dumps(inquiry_payload()).encode()

    response = client.post(
        "/v1/inquiries", content=_chunks(body, 64), headers={"content-type": "application/json"}
    )

    assert response.status_code == 201, response.text
