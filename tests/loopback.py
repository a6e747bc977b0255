"""Real processes on loopback for the tests: a free port, `touchpoint serve`, Debian's Chromium.

Tests that need a server start the real command, not an in-process app, so that what they see is what
`make run` serves; the browser is Debian's `chromium` (installed by `.ci/run`) driven by Playwright.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from tests.waiting import wait_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

TOUCHPOINT = str(Path(sys.executable).with_name("touchpoint"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def touchpoint_serving(env: Mapping[str, str], cwd: Path, port: int) -> Iterator[str]:
    """`touchpoint serve --no-worker` on ``port`` until the block ends; yields its URL once it is ready."""
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [TOUCHPOINT, "serve", "--port", str(port), "--no-worker"],
        env=dict(env),
        cwd=cwd,
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
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def launch_chromium(playwright: Playwright) -> Browser:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium (see .ci/run)"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
