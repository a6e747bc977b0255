"""Refuse oversized bodies before they are read into memory, declared or streamed (chunked, no length).

One limit for everything a person or an integration sends, and larger ones for paths whose senders
cannot shorten what they send: an email provider posting a reply with its HTML and attachments gets one
answer, and a refusal would lose the reply after its retries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, TYPE_BASE


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})  # path prefix -> its own limit

    def limit_for(self, path: str) -> int:
        return next(
            (limit for prefix, limit in self.larger.items() if path.startswith(prefix)), self.max_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._reject(send, scope["path"], max_bytes)
            return
        received = 0
        started = False
        too_large = replaced = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            # Whatever the app made of the exception (FastAPI turns any error while reading a body
            # into a 400), the answer to a body over the limit is this 413.
            nonlocal started, replaced
            if too_large and not started:
                started = replaced = True
                await self._reject(send, scope["path"], max_bytes)
            if replaced:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send, scope["path"], max_bytes)

    async def _reject(self, send: Send, path: str, max_bytes: int) -> None:
        body = json.dumps(
            {
                "type": TYPE_BASE + "payload-too-large",
                "title": "Payload too large",
                "status": 413,
                "detail": f"the request body is over the {max_bytes}-byte limit; send less",
                "instance": path,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
