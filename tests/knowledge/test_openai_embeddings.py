"""The OpenAI-compatible embedder: the request it sends and the answers it caches (respx mocks the API)."""

from __future__ import annotations

import json
from typing import Any, cast

import httpx
import pytest
import respx
from openai import OpenAI

from knowledge import openai_embeddings
from knowledge.openai_embeddings import OpenAIEmbedder


@pytest.fixture(autouse=True)
def _openai_over_legacy_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """openai 3.x talks through httpx2, which respx cannot intercept; the SDK still accepts a legacy
    ``httpx.Client`` (its documented migration escape hatch), so tests inject one for respx to mock."""

    def factory(**kwargs: Any) -> OpenAI:
        return OpenAI(**kwargs, http_client=cast(Any, httpx.Client()))

    monkeypatch.setattr(openai_embeddings, "OpenAI", factory)


def _embedding_response(request: httpx.Request) -> httpx.Response:
    inputs = json.loads(request.content)["input"]
    data = [
        {"object": "embedding", "index": i, "embedding": [float(i), 1.0, 0.5]} for i in range(len(inputs))
    ]
    data.reverse()  # servers may answer out of order; the embedder must restore it
    return httpx.Response(
        200,
        json={"object": "list", "data": data, "model": "text-embedding-3-small", "usage": {}},
    )


@respx.mock
def test_openai_embedder_request_and_response() -> None:
    route = respx.post("https://llm.example.test/v1/embeddings").mock(side_effect=_embedding_response)
    embedder = OpenAIEmbedder(
        base_url="https://llm.example.test/v1",
        api_key="sk-test",
        model="text-embedding-3-small",
        batch_size=2,
    )

    vectors = embedder.embed_documents(["a", "b", "c"])

    assert vectors == [[0.0, 1.0, 0.5], [1.0, 1.0, 0.5], [0.0, 1.0, 0.5]]
    assert route.call_count == 2
    first = route.calls[0].request
    assert first.headers["authorization"] == "Bearer sk-test"
    assert first.headers["content-type"] == "application/json"
    assert json.loads(first.content) == {
        "model": "text-embedding-3-small",
        "input": ["a", "b"],
        "encoding_format": "float",
    }
    assert json.loads(route.calls[1].request.content)["input"] == ["c"]
    assert embedder.name == "openai-text-embedding-3-small"


@respx.mock
def test_openai_embedder_caches_repeated_queries() -> None:
    route = respx.post("https://llm.example.test/v1/embeddings").mock(side_effect=_embedding_response)
    embedder = OpenAIEmbedder(base_url="https://llm.example.test/v1", api_key="k", model="m")
    assert embedder.embed_query("pricing") == embedder.embed_query("pricing")
    assert route.call_count == 1
