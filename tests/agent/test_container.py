"""The container builds each edge once from settings: the embedder, the reply reader, one model gate."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import respx
from openai import OpenAI

from agent.container import (
    build_drafting,
    build_embedder,
    build_meaning,
    build_model_access,
    build_reply_classifier,
    company_identity,
)
from agent.drafting.base import DraftingError
from agent.drafting.llm import LLMDrafter
from agent.replies.llm import LlmReplyClassifier
from agent.replies.message import InboundReply
from agent.replies.reader import LearnedReader
from agent.replies.rules import RuleClassifier
from agent.settings import EmbeddingProvider, Settings, SettingsError
from knowledge import openai_embeddings
from knowledge.embeddings import LocalMiniLMEmbedder
from knowledge.openai_embeddings import OpenAIEmbedder
from tests.agent.drafting.requests import draft_request
from tests.waiting import wait_for


@pytest.fixture(autouse=True)
def _openai_over_legacy_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    """respx intercepts the legacy ``httpx.Client`` the SDK still accepts (see test_openai_embeddings.py)."""

    def factory(**kwargs: Any) -> OpenAI:
        return OpenAI(**kwargs, http_client=cast(Any, httpx.Client()))

    monkeypatch.setattr(openai_embeddings, "OpenAI", factory)


def _embedding_response(request: httpx.Request) -> httpx.Response:
    inputs = json.loads(request.content)["input"]
    data = [{"object": "embedding", "index": i, "embedding": [float(i), 1.0]} for i in range(len(inputs))]
    return httpx.Response(200, json={"object": "list", "data": data, "model": "m", "usage": {}})


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


def test_build_embedder_local_by_default(tmp_path: Path) -> None:
    assert isinstance(build_embedder(_settings(tmp_path)), LocalMiniLMEmbedder)


def test_build_embedder_refuses_a_model_it_cannot_run_locally(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="all-MiniLM-L6-v2 only"):
        build_embedder(_settings(tmp_path, embedding_model="text-embedding-3-large"))


class TestBuildReplyClassifier:
    def test_without_a_model_the_shipped_learned_reader_classifies(self) -> None:
        assert isinstance(
            build_reply_classifier(
                Settings.load(_env_file=None), None, company_identity(Settings.load(_env_file=None))
            ),
            LearnedReader,
        )

    def test_learned_reader_can_be_forced_with_a_model_configured(self) -> None:
        settings = Settings.load(
            _env_file=None, llm_base_url="http://127.0.0.1:9/v1", reply_classifier="learned"
        )

        assert isinstance(
            build_reply_classifier(settings, build_model_access(settings), company_identity(settings)),
            LearnedReader,
        )

    def test_with_a_model_the_llm_classifies(self) -> None:
        settings = Settings.load(_env_file=None, llm_base_url="http://127.0.0.1:9/v1")

        assert isinstance(
            build_reply_classifier(settings, build_model_access(settings), company_identity(settings)),
            LlmReplyClassifier,
        )

    def test_rules_can_be_forced_with_a_model_configured(self) -> None:
        settings = Settings.load(
            _env_file=None, llm_base_url="http://127.0.0.1:9/v1", reply_classifier="rules"
        )

        assert isinstance(
            build_reply_classifier(settings, build_model_access(settings), company_identity(settings)),
            RuleClassifier,
        )

    def test_asking_for_the_llm_without_one_is_a_settings_error(self) -> None:
        with pytest.raises(SettingsError, match="TOUCHPOINT_REPLY_CLASSIFIER=llm needs a model"):
            Settings.load(_env_file=None, reply_classifier="llm")


class TestOneModelGate:
    """One process, one limit: the drafter and the reply reader share the container's one gate, so with
    both busy no more than TOUCHPOINT_LLM_MAX_CONCURRENCY calls reach the model at once."""

    def test_the_drafter_and_the_reader_together_never_exceed_the_limit(self) -> None:
        settings = Settings.load(
            _env_file=None, llm_base_url="https://llm.test/v1", llm_api_key="k", llm_max_concurrency=2
        )
        models = build_model_access(settings)
        assert models is not None
        drafter = build_drafting(settings, models).primary
        reader = build_reply_classifier(settings, models, company_identity(settings))
        assert isinstance(drafter, LLMDrafter) and isinstance(reader, LlmReplyClassifier)
        release = threading.Event()
        lock = threading.Lock()
        seen = {"now": 0, "most": 0, "drafts": 0, "readings": 0}

        def model(request: httpx.Request) -> httpx.Response:
            system = json.loads(request.content)["messages"][0]["content"]
            with lock:
                seen["now"] += 1
                seen["most"] = max(seen["most"], seen["now"])
                seen["readings" if "You classify one reply" in system else "drafts"] += 1
            release.wait(timeout=30)
            with lock:
                seen["now"] -= 1
            return httpx.Response(200, json=NOT_A_DRAFT)

        outcomes: list[str] = []

        def draft() -> None:
            try:
                drafter.draft(draft_request())
                outcomes.append("drafted")
            except DraftingError:
                outcomes.append("draft refused")  # the model's answer was not a draft

        def read() -> None:
            reading = reader.classify(InboundReply("Can we talk on Tuesday?"), today=date(2026, 11, 23))
            outcomes.append(
                f"read by {reading.classifier.split(':')[0]}"
            )  # no verdict: the learned reader read it

        with respx.mock(assert_all_called=True) as llm:
            llm.post("https://llm.test/v1/chat/completions").mock(side_effect=model)
            threads = [threading.Thread(target=job) for job in (draft, read) * 3]
            for thread in threads:
                thread.start()
            try:
                wait_for(
                    lambda: models.gate.in_flight == 2 and models.gate.waiting == 4 and seen["now"] == 2,
                    timeout=30,
                    what="two calls at the model and four waiting for the gate",
                )
            finally:
                release.set()  # never leave a thread blocked in the mock, whatever happened
                for thread in threads:
                    thread.join(timeout=30)

        assert seen["most"] == 2
        assert (seen["drafts"], seen["readings"]) == (3, 3)
        assert sorted(outcomes) == ["draft refused"] * 3 + ["read by learned"] * 3


NOT_A_DRAFT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "no"}, "finish_reason": "stop"}],
}


def test_urgency_is_read_by_meaning_only_when_asked() -> None:
    assert build_meaning(Settings.load(_env_file=None)) is None
    assert build_meaning(Settings.load(_env_file=None, urgency_by_meaning=True)) is not None
    openai = Settings.load(
        _env_file=None, urgency_by_meaning=True, embedding_provider="openai", llm_api_key="sk-test"
    )
    assert build_meaning(openai) is None  # its bank was calibrated on MiniLM's vectors
