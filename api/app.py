"""The FastAPI application: built from ``Services`` so tests and the server run the same wiring."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import Lifespan

from agent.container import Services
from api import web
from api.limits import BodySizeLimit
from api.problems import install_problem_handlers
from api.routes import (
    handoffs,
    health,
    inquiries,
    knowledge,
    leads,
    metrics,
    queue,
    replies,
    tasks,
    tracking,
    unsubscribe,
    webhooks,
)

DESCRIPTION = """
Touchpoint answers every new inquiry within seconds, keeps every lead on a value-first follow-up
sequence, and lets reps approve, edit or reject drafts (in the review page at `/`, or through
`/v1/queue` and `/v1/handoffs` here). Authenticate with `Authorization: Bearer <key>` (create a key with
`touchpoint users create-key`). Public: `POST /v1/inquiries`, the links in emails
(`/u/...` unsubscribe, `/p/...` preferences, `/t/...` tracking), the signed `/webhooks/...`, health.
Errors are RFC 9457 problem documents (`application/problem+json`).
"""


def create_app(services: Services, *, lifespan: Lifespan[FastAPI] | None = None) -> FastAPI:
    app = FastAPI(title="Touchpoint", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.services = services
    install_problem_handlers(app)
    routes = (
        health,
        inquiries,
        leads,
        queue,
        handoffs,
        replies,
        metrics,
        unsubscribe,
        knowledge,
        tasks,
        tracking,
    )
    for module in (*routes, webhooks):
        app.include_router(module.router)
    web.install(app)  # the reps' pages: /, /handoffs, /metrics, /login
    app.add_middleware(
        BodySizeLimit,
        max_bytes=services.settings.max_request_bytes,
        larger={"/webhooks/email/": services.settings.max_inbound_email_bytes},
    )
    return app
