"""Finding 10 of issue 17: the knowledge base with several processes on one store.

Real processes on loopback: `touchpoint serve` and `touchpoint knowledge ingest`, sharing one Chroma
folder, or one Chroma server that the suite starts itself (`chroma run`, from the chromadb package). Every
search answers 200 whatever another process does to the store, and serves the old version or the new one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.loopback import TOUCHPOINT, free_port, touchpoint_serving
from tests.waiting import wait_for

CHROMA = str(Path(sys.executable).with_name("chroma"))
KEY = "tp_test_knowledge_processes_admin_key_0123456789"
HEADERS = {"Authorization": f"Bearer {KEY}"}
PRICING_QUESTION = {"q": "how much does it cost per month", "purpose": "faq", "k": "5"}
NEW_FAQ = """\
---
type: faq
title: Is there parking at your office?
---

Yes: visitors park for free in the Harbor Street garage, level two, and we validate the ticket at the desk.
"""


def _environment(tmp_path: Path, folder: Path, **store: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(
        TOUCHPOINT_VAR_DIR=str(tmp_path / "var"),
        TOUCHPOINT_KNOWLEDGE_DIR=str(folder),
        TOUCHPOINT_BOOTSTRAP_API_KEY=KEY,
        TOUCHPOINT_PUBLIC_BASE_URL="http://127.0.0.1:8000",
        **store,
    )
    return env


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [TOUCHPOINT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _search(base_url: str, **params: str) -> list[dict[str, object]]:
    response = httpx.get(
        f"{base_url}/v1/knowledge/search", params=PRICING_QUESTION | params, headers=HEADERS, timeout=30
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, object]] = response.json()["data"]
    return data


def _change_the_folder(folder: Path) -> None:
    """An edit, a deletion and a new file: the store's old chunks go, new ones come."""
    pricing = folder / "faqs" / "pricing.md"
    pricing.write_text(pricing.read_text().replace("$29 a month", "$31 a month"))
    (folder / "faqs" / "annual-billing.md").unlink()
    (folder / "faqs" / "parking.md").write_text(NEW_FAQ)


@contextmanager
def _server(env: dict[str, str], cwd: Path) -> Iterator[str]:
    with touchpoint_serving(env, cwd, free_port()) as base_url:
        yield base_url


@pytest.fixture
def demo_folder(tmp_path: Path, knowledge_dir: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, folder)
    return folder


@pytest.fixture
def shared_chroma(tmp_path: Path, chroma_path: Path) -> Path:
    """One Chroma folder for every process of a test, the demo already embedded in it."""
    shutil.copytree(chroma_path, tmp_path / "chroma")
    return tmp_path / "chroma"


def test_an_ingest_in_another_process_never_fails_the_server_s_search(
    tmp_path: Path, demo_folder: Path, shared_chroma: Path
) -> None:
    env = _environment(tmp_path, demo_folder, TOUCHPOINT_CHROMA_PATH=str(shared_chroma))
    _run(env, tmp_path, "db", "upgrade")
    with _server(env, tmp_path) as base_url:
        before = _search(base_url)
        assert "faqs/pricing" in [s["id"] for s in before]

        _change_the_folder(demo_folder)
        ingested = _run(env, tmp_path, "knowledge", "ingest")
        assert "1 added, 1 updated, 1 removed" in ingested.stdout

        for purpose in ("faq", "social_proof", "objection", "value_add", "any"):
            for industry in ("dental", "beauty", "fitness"):  # the narrower, filtered searches too
                _search(base_url, purpose=purpose, industry=industry)
        # The server serves the new version: the edited text, the new file, not the deleted one.
        after = _search(base_url)
        pricing = next(s for s in after if s["id"] == "faqs/pricing")
        assert "$31 a month" in str(pricing["text"])
        assert "faqs/annual-billing" not in [s["id"] for s in _search(base_url, q="pay yearly discount")]
        parking = _search(base_url, q="where can I park my car")
        assert parking[0]["id"] == "faqs/parking"


def test_an_upload_to_one_server_process_never_fails_another_s_search(
    tmp_path: Path, demo_folder: Path, shared_chroma: Path
) -> None:
    env = _environment(tmp_path, demo_folder, TOUCHPOINT_CHROMA_PATH=str(shared_chroma))
    _run(env, tmp_path, "db", "upgrade")
    with _server(env, tmp_path) as first, _server(env, tmp_path) as second:
        assert _search(second, q="where can I park my car")[0]["id"] != "faqs/parking"

        uploaded = httpx.post(
            f"{first}/v1/knowledge/documents?id=faqs/parking",
            content=NEW_FAQ.encode(),
            headers=HEADERS | {"Content-Type": "text/markdown"},
            timeout=60,
        )
        assert uploaded.status_code == 201, uploaded.text

        assert _search(second, q="where can I park my car")[0]["id"] == "faqs/parking"
        assert _search(first, q="where can I park my car")[0]["id"] == "faqs/parking"
        assert _search(second)


@contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """`chroma run` on a free loopback port until the block ends; yields its URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (path.parent / "chroma-server.log").open("wb")
    process = subprocess.Popen(
        [CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        def ready() -> bool:
            assert process.poll() is None, (path.parent / "chroma-server.log").read_text()
            try:
                return httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, timeout=60, what="the Chroma server to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_chroma_server_serves_every_process_through_ingests_and_uploads(
    tmp_path: Path, demo_folder: Path, chroma_path: Path
) -> None:
    # The server's store starts as a copy of the demo already embedded (the suite embeds it once per run):
    # the first ingest must find every chunk in the server, and the later ones write their changes there.
    shutil.copytree(chroma_path, tmp_path / "chroma-server")
    with ExitStack() as stack:
        url = stack.enter_context(chroma_server(tmp_path / "chroma-server"))
        env = _environment(tmp_path, demo_folder, TOUCHPOINT_CHROMA_URL=url)
        _run(env, tmp_path, "db", "upgrade")
        first_ingest = _run(env, tmp_path, "knowledge", "ingest")
        assert "0 added, 0 updated, 0 removed" in first_ingest.stdout  # read from the server
        assert not (tmp_path / "var" / "chroma").exists()  # nothing on local disk

        first = stack.enter_context(_server(env, tmp_path))
        second = stack.enter_context(_server(env, tmp_path))
        assert "faqs/pricing" in [s["id"] for s in _search(first)]

        _change_the_folder(demo_folder)
        _run(env, tmp_path, "knowledge", "ingest")
        for base_url in (first, second):
            pricing = next(s for s in _search(base_url) if s["id"] == "faqs/pricing")
            assert "$31 a month" in str(pricing["text"])
            assert _search(base_url, q="where can I park my car")[0]["id"] == "faqs/parking"

        deleted = httpx.delete(f"{first}/v1/knowledge/documents/faqs/parking", headers=HEADERS, timeout=60)
        assert deleted.status_code == 204, deleted.text
        assert _search(second, q="where can I park my car")[0]["id"] != "faqs/parking"
