"""The real thing: `touchpoint serve` on loopback, an inquiry over HTTP, the .eml and its unsubscribe link."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest

from tests.factories import inquiry_payload
from tests.waiting import wait_for

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, chroma_path: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    shutil.copytree(chroma_path, tmp_path / "chroma")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOUCHPOINT_")}
    env.update(
        TOUCHPOINT_VAR_DIR=str(tmp_path / "var"),
        TOUCHPOINT_DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'touchpoint.db'}",
        TOUCHPOINT_CHROMA_PATH=str(tmp_path / "chroma"),
        TOUCHPOINT_KNOWLEDGE_DIR=str(Path(__file__).resolve().parents[1] / "knowledge" / "content"),
        TOUCHPOINT_PUBLIC_BASE_URL=base_url,
    )
    subprocess.run([TOUCHPOINT, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True)
    process = subprocess.Popen(
        [TOUCHPOINT, "serve", "--port", str(port), "--no-worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:

        def ready() -> bool:
            assert process.poll() is None, (
                f"the server exited: {process.stdout.read() if process.stdout else ''!r}"
            )
            try:
                return httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, timeout=120, what="the server to become ready")
        yield base_url, tmp_path / "var" / "outbox"
    finally:
        process.terminate()
        process.wait(timeout=30)


class TestServedOverHttp:
    def test_inquiry_to_acknowledgment_to_one_click_unsubscribe(self, server: tuple[str, Path]) -> None:
        base_url, outbox = server

        accepted = httpx.post(f"{base_url}/v1/inquiries", json=inquiry_payload(), timeout=10)
        assert accepted.status_code == 201, accepted.text
        eml = outbox / f"{accepted.json()['touch_id']}.eml"
        wait_for(eml.exists, timeout=10, what="the acknowledgment in the outbox")

        email = message_from_bytes(eml.read_bytes(), policy=policy.default)
        unsubscribe = str(email["List-Unsubscribe"]).strip("<>")
        assert unsubscribe.startswith(f"{base_url}/u/")
        one_click = httpx.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert one_click.status_code == 200

        again = httpx.post(
            f"{base_url}/v1/inquiries", json=inquiry_payload(message="Me again: any news?"), timeout=10
        )
        assert again.status_code == 201
        assert again.json()["acknowledgment"] == "none"
        assert again.json()["touch_id"] is None
