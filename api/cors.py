"""A business's own website may post its inquiry form to Touchpoint from the visitor's browser.

A web form on the company's site (another origin) posts ``POST /v1/inquiries`` with ``fetch``: the
browser first asks whether that origin may (CORS). Only the public inquiry endpoint answers yes, and
only for the origins configured (``TOUCHPOINT_INQUIRY_ORIGINS``); every other path is left as it is,
so no page elsewhere can read the API or the reps' pages, and no credentials are ever allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

INQUIRY_PATH = "/v1/inquiries"


class InquiryFormOrigins:
    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["POST"],
            allow_headers=["content-type", "idempotency-key"],
            allow_credentials=False,
            max_age=3600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/") == INQUIRY_PATH:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
