"""The disk cache of model answers: hits skip the API, errors are never stored, replay makes no call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

from evals.quality.cache import CacheMode, DiskCache, NotInCache, cache_key, caching
from tests.agent.drafting.llm_api import completion, error

URL_A = "http://llm-a.test/v1"
URL_B = "http://llm-b.test/v1"


def model(base_url: str = URL_A, **kwargs: object) -> ChatOpenAI:
    return ChatOpenAI(model="test-model", base_url=base_url, api_key="k", max_retries=0, **kwargs)


class TestDiskCache:
    def test_a_second_identical_call_is_answered_from_disk(self, tmp_path: Path) -> None:
        cache = DiskCache(tmp_path)
        with respx.mock(assert_all_called=True) as api, caching(cache):
            route = api.post(f"{URL_A}/chat/completions").mock(return_value=completion("Hello Dana"))
            first = model().invoke([HumanMessage("Say hello to Dana")])
            second = model().invoke([HumanMessage("Say hello to Dana")])

        assert route.call_count == 1
        assert first.content == second.content == "Hello Dana"
        assert (cache.stats.hits, cache.stats.calls) == (1, 1)
        assert len(list(tmp_path.glob("*/*.json"))) == 1

    def test_the_server_address_is_not_part_of_the_key_but_the_model_settings_are(
        self, tmp_path: Path
    ) -> None:
        cache = DiskCache(tmp_path)
        with respx.mock() as api, caching(cache):
            api.post(f"{URL_A}/chat/completions").mock(return_value=completion("from A"))
            route_b = api.post(f"{URL_B}/chat/completions").mock(return_value=completion("from B"))
            model(URL_A, temperature=0.2).invoke([HumanMessage("hi")])
            moved = model(URL_B, temperature=0.2).invoke([HumanMessage("hi")])
            hotter = model(URL_B, temperature=0.9).invoke([HumanMessage("hi")])

        assert moved.content == "from A"  # a recording made on one port replays on another
        assert hotter.content == "from B" and route_b.call_count == 1

    def test_an_error_is_never_cached(self, tmp_path: Path) -> None:
        cache = DiskCache(tmp_path)
        with respx.mock() as api, caching(cache):
            route = api.post(f"{URL_A}/chat/completions").mock(
                side_effect=[error(500), completion("now it works")]
            )
            with pytest.raises(Exception, match="500"):
                model().invoke([HumanMessage("hi")])
            answer = model().invoke([HumanMessage("hi")])

        assert answer.content == "now it works"
        assert route.call_count == 2
        assert cache.stats.calls == 1

    def test_replay_answers_from_recordings_and_never_calls_the_model(self, tmp_path: Path) -> None:
        with respx.mock() as api, caching(DiskCache(tmp_path)):
            api.post(f"{URL_A}/chat/completions").mock(return_value=completion("recorded"))
            model().invoke([HumanMessage("recorded question")])

        replay = DiskCache(tmp_path, CacheMode.REPLAY)
        with respx.mock(assert_all_called=False) as api, caching(replay):
            route = api.post(f"{URL_A}/chat/completions").mock(return_value=completion("live"))
            assert model().invoke([HumanMessage("recorded question")]).content == "recorded"
            with pytest.raises(NotInCache):
                model().invoke([HumanMessage("a question never recorded")])

        assert route.call_count == 0
        assert (replay.stats.hits, replay.stats.replay_misses, replay.stats.calls) == (1, 1, 0)

    def test_refresh_asks_again_and_overwrites(self, tmp_path: Path) -> None:
        with respx.mock() as api, caching(DiskCache(tmp_path)):
            api.post(f"{URL_A}/chat/completions").mock(return_value=completion("old"))
            model().invoke([HumanMessage("q")])
        with respx.mock() as api, caching(DiskCache(tmp_path, CacheMode.REFRESH)):
            api.post(f"{URL_A}/chat/completions").mock(return_value=completion("new"))
            assert model().invoke([HumanMessage("q")]).content == "new"
        with respx.mock(assert_all_called=False) as api, caching(DiskCache(tmp_path, CacheMode.REPLAY)):
            assert model().invoke([HumanMessage("q")]).content == "new"

    def test_an_unreadable_file_is_treated_as_absent(self, tmp_path: Path) -> None:
        cache = DiskCache(tmp_path)
        llm = '{"id": ["x"], "kwargs": {"model_name": "m"}}---[]'
        target = cache.path(cache_key("prompt", llm))
        target.parent.mkdir(parents=True)
        target.write_text("{not json", encoding="utf-8")

        assert cache.lookup("prompt", llm) is None

    def test_the_key_ignores_connection_settings_only(self) -> None:
        def llm_string(**kwargs: object) -> str:
            return json.dumps({"id": ["ChatOpenAI"], "kwargs": kwargs}) + "---[('stop', None)]"

        base = cache_key("p", llm_string(model_name="m", openai_api_base="http://a", request_timeout=5))
        moved = cache_key("p", llm_string(model_name="m", openai_api_base="http://b", request_timeout=60))
        other = cache_key("p", llm_string(model_name="other", openai_api_base="http://a"))

        assert base == moved != other
        assert cache_key("p2", llm_string(model_name="m")) != cache_key("p", llm_string(model_name="m"))


def test_the_cache_hook_is_restored_after_the_block(tmp_path: Path) -> None:
    from langchain_core.globals import get_llm_cache

    before = get_llm_cache()
    with caching(DiskCache(tmp_path)):
        assert isinstance(get_llm_cache(), DiskCache)
    assert get_llm_cache() is before
