"""Embeddings from any OpenAI-compatible ``/embeddings`` endpoint, for deployments that prefer one.

Kept apart from the local model so that a process on the embedded defaults never imports the OpenAI SDK.
"""

from __future__ import annotations

from collections.abc import Sequence

from openai import OpenAI

from knowledge.embeddings import QUERY_CACHE_SIZE, QueryCache


class OpenAIEmbedder:
    """Any OpenAI-compatible ``/embeddings`` endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server)."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float = 20.0,
        batch_size: int = 256,
        query_cache_size: int = QUERY_CACHE_SIZE,
        client: OpenAI | None = None,
    ) -> None:
        self._model = model
        self._batch_size = max(1, batch_size)
        self._client = client or OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=2)
        self._query_cache = QueryCache(query_cache_size)

    @property
    def name(self) -> str:
        return f"openai-{self._model}"

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors.extend(self._request(list(texts[start : start + self._batch_size])))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        cached = self._query_cache.get(text)
        if cached is not None:
            return cached
        (vector,) = self._request([text])
        self._query_cache.put(text, vector)
        return vector

    def _request(self, texts: list[str]) -> list[list[float]]:
        # encoding_format="float": the SDK otherwise asks for base64, which several OpenAI-compatible
        # servers (llama.cpp, older vLLM/Ollama) do not implement.
        response = self._client.embeddings.create(model=self._model, input=texts, encoding_format="float")
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(texts):
            raise RuntimeError(f"the embeddings endpoint returned {len(data)} vectors for {len(texts)} texts")
        return [[float(x) for x in item.embedding] for item in data]
