"""The FastAPI application: built from ``Services`` so tests and the server run the same wiring."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Lifespan

from agent.container import Services
from api import web
from api.cors import InquiryFormOrigins
from api.limits import BodySizeLimit
from api.openapi import install_openapi
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

# Swagger UI and ReDoc as a package ships them (fastapi-offline), served from here: /docs works on a
# machine with no way out, and the page loads nothing from a CDN.
DOCS_ASSETS = Path(str(files("fastapi_offline") / "static"))
DOCS_ASSETS_URL = "/docs-assets"


def create_app(services: Services, *, lifespan: Lifespan[FastAPI] | None = None) -> FastAPI:
    app = FastAPI(
        title="Touchpoint",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    install_problem_handlers(app)
    install_openapi(app)
    install_docs(app)
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
    if services.settings.inquiry_origin_list:
        app.add_middleware(InquiryFormOrigins, origins=services.settings.inquiry_origin_list)
    return app


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI, with "Authorize" for an API key) and ``/redoc``, from local assets."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    favicon = f"{DOCS_ASSETS_URL}/favicon.png"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Touchpoint API",
            swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=favicon,
            oauth2_redirect_url=None,
            swagger_ui_parameters={"persistAuthorization": True},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="Touchpoint API",
            redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )
