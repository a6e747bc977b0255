"""A real HTTP server on loopback that records what it is sent and answers as scripted.

For what lies outside Touchpoint but is reached over HTTP by a separate process (the server under
test), where respx cannot reach: a Slack-compatible webhook, an OpenAI-compatible chat endpoint.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.waiting import wait_for


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Answer = tuple[int, dict[str, Any]]


@dataclass
class Recorder:
    url: str
    answer: Callable[[Request], Answer]
    requests: list[Request] = field(default_factory=list)

    def wait_for(self, count: int, *, timeout: float = 15.0) -> list[Request]:
        return wait_for(
            lambda: list(self.requests) if len(self.requests) >= count else None,
            timeout=timeout,
            what=f"{count} request(s) at {self.url}",
        )


@contextmanager
def recording_server(answer: Callable[[Request], Answer] | None = None) -> Iterator[Recorder]:
    """Serve on a free loopback port until the block ends; ``answer`` scripts each response."""
    recorder = Recorder(url="", answer=answer or (lambda _: (200, {"ok": True})))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = Request(
                self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
            )
            with lock:
                recorder.requests.append(request)
            status, body = recorder.answer(request)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, *args: object) -> None:  # quiet: the test reads ``requests`` instead
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    # serve_forever checks for shutdown() every poll_interval (0.5 s by default): each test would wait it out.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
