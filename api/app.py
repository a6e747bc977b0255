"""The FastAPI application: built from ``Services`` so tests and the server run the same wiring."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import Lifespan

from agent.container import Services
from api.limits import BodySizeLimit
from api.problems import install_problem_handlers
from api.routes import health, inquiries, leads, queue, unsubscribe

DESCRIPTION = """
Touchpoint answers every new inquiry within seconds, keeps every lead on a value-first follow-up
sequence, and lets reps approve, edit or reject drafts. Authenticate with `Authorization: Bearer <key>`
(create a key with `touchpoint users create-key`). Public: `POST /v1/inquiries`, `/u/...`, health.
Errors are RFC 9457 problem documents (`application/problem+json`).
"""


def create_app(services: Services, *, lifespan: Lifespan[FastAPI] | None = None) -> FastAPI:
    app = FastAPI(title="Touchpoint", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.services = services
    install_problem_handlers(app)
    for module in (health, inquiries, leads, queue, unsubscribe):
        app.include_router(module.router)
    app.add_middleware(BodySizeLimit, max_bytes=services.settings.max_request_bytes)
    return app
