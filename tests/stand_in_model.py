"""A stand-in OpenAI-compatible model server on loopback, as slow as the test makes it.

It answers ``POST /v1/chat/completions`` with what ``answer`` makes of the request (the helpers of
tests/agent/drafting/llm_api.py), but only once the test lets it (``release``), and it sees what a real
server would: a client that closes the connection while its call is held is counted as ``gone`` at
that moment. A held call waits on ``select`` for the client's socket or the release pipe, so nothing
here sleeps, and what the tests wait on (``tests.waiting.wait_for``) is what the server observed.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from tests.loopback import free_port

Answer = Callable[[httpx.Request], httpx.Response]


@dataclass
class Observed:
    """What the server saw, call by call: when each came, and when it was answered or abandoned."""

    received: list[float] = field(default_factory=list)  # time.monotonic() of each request
    answered: list[float] = field(default_factory=list)
    gone: list[float] = field(default_factory=list)  # the client closed the connection while held

    @property
    def running(self) -> int:
        return len(self.received) - len(self.answered) - len(self.gone)


class StandInModel:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.observed = Observed()
        self._lock = threading.Lock()
        self._release_read, self._release_write = os.pipe()
        self.base_url = ""
        # Which calls are held (by their number, from 1) until ``release``; the others are answered at once.
        self.holds: Callable[[int], bool] = lambda number: True

    def release(self) -> None:
        """Every held call, and every call from now on, is answered at once."""
        os.write(self._release_write, b"go")  # never read: the pipe stays readable for every select

    def running(self) -> int:
        with self._lock:
            return self.observed.running

    def count(self, what: str) -> int:
        with self._lock:
            times: list[float] = getattr(self.observed, what)
            return len(times)

    def snapshot(self) -> Observed:
        with self._lock:
            seen = self.observed
            return Observed(list(seen.received), list(seen.answered), list(seen.gone))

    def _note(self, what: str) -> None:
        with self._lock:
            getattr(self.observed, what).append(time.monotonic())

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        with self._lock:
            self.observed.received.append(time.monotonic())
            number = len(self.observed.received)
        client = handler.connection
        if self.holds(number):
            ready, _, _ = select.select([client, self._release_read], [], [])
            if client in ready and _closed(client):
                self._note("gone")
                return
        handler.close_connection = True
        request = httpx.Request("POST", f"{self.base_url}/chat/completions", content=body)
        response = self.answer(request)
        content = response.read()
        try:
            handler.send_response(response.status_code)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(content)))
            handler.send_header("Connection", "close")  # no idle connection for the shutdown to wait on
            handler.end_headers()
            handler.wfile.write(content)
            handler.wfile.flush()
        except OSError:
            self._note("gone")
            return
        self._note("answered")

    def close(self) -> None:
        os.close(self._release_read)
        os.close(self._release_write)


def _closed(client: socket.socket) -> bool:
    """The client's socket is readable while the request is held: it closed (or sent more, which an
    HTTP/1.1 client waiting for its answer does not)."""
    try:
        return client.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


@contextmanager
def stand_in_model(answer: Answer) -> Iterator[StandInModel]:
    """Serve a ``StandInModel`` on loopback; its ``base_url`` is the OpenAI-compatible ``.../v1``."""
    model = StandInModel(answer)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            model.handle(self)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = False  # server_close joins the handlers, before the pipe they select on closes
    server.block_on_close = True
    model.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, name="stand-in-model", daemon=True)
    thread.start()
    try:
        yield model
    finally:
        model.release()  # held handlers answer (or find their client gone) and end
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        model.close()
