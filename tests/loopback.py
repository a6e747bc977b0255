"""Real processes on loopback for the tests: a free port, `touchpoint serve`, Debian's Chromium.

Tests that need a server start the real command, not an in-process app, so that what they see is what
`make run` serves; the browser is Debian's `chromium` (installed by `.ci/run`) driven by Playwright.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
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


# Ports for servers the tests start. A port the kernel hands out (bind to 0) is free only until the probe
# closes it: before the server binds it, another xdist worker probing at the same moment, or any outgoing
# connection (its local port comes from the same ephemeral range), may take it. So each worker takes its
# ports from its own block below the ephemeral range (Linux: 32768 and up), where no outgoing connection
# and no other worker ever lands; within the block it starts at a random place and skips ports in use
# (another checkout's suite running at the same time).
FIRST_PORT = 20_000
PORTS_PER_WORKER = 400
WORKER_BLOCKS = 30  # 20000-31999


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return int(worker) % WORKER_BLOCKS if worker.isdigit() else 0


_offsets = itertools.count(random.SystemRandom().randrange(PORTS_PER_WORKER))  # never the same twice in a row


def free_port() -> int:
    """A loopback port nobody listens on, from this worker's own block (see FIRST_PORT)."""
    block = FIRST_PORT + _worker_index() * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = block + next(_offsets) % PORTS_PER_WORKER
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {block}-{block + PORTS_PER_WORKER - 1}")


# The logs of the servers running now: a failing test shows their ends (tests/conftest.py), since why a
# server dropped a connection is written there and nowhere else.
RUNNING_SERVER_LOGS: set[Path] = set()


def server_output(log_path: Path, limit: int = 20_000) -> str:
    """The last ``limit`` characters the server wrote."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text[-limit:]


@contextmanager
def touchpoint_serving(env: Mapping[str, str], cwd: Path, port: int) -> Iterator[str]:
    """`touchpoint serve --no-worker` on ``port`` until the block ends; yields its URL once it is ready."""
    base_url = f"http://127.0.0.1:{port}"
    # Outside ``cwd``: a test may check that the server writes nothing but its state there.
    log_path = Path(tempfile.mkdtemp(prefix="touchpoint-serve-")) / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [TOUCHPOINT, "serve", "--port", str(port), "--no-worker"],
            env=dict(env),
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:

        def ready() -> bool:
            assert process.poll() is None, f"the server exited: {server_output(log_path)}"
            try:
                return httpx.get(f"{base_url}/readyz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, timeout=120, what="the server to become ready")
        RUNNING_SERVER_LOGS.add(log_path)
        yield base_url
    finally:
        RUNNING_SERVER_LOGS.discard(log_path)
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(log_path.parent, ignore_errors=True)


def launch_chromium(playwright: Playwright) -> Browser:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium (see .ci/run)"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
