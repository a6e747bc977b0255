"""The reps' pages: the review queue (``/``), the handoff inbox, the metrics, and signing in.

Server-rendered Jinja2 with htmx (vendored in ``api/static``, no build step, nothing from a CDN),
served by the same app with the same dependencies as the API; sessions and CSRF in ``api/deps.py``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.deps import LoginRequired, PageProblem, get_services
from api.web import auth, handoffs, metrics, queue
from api.web.templating import render

STATIC = Path(__file__).resolve().parents[1] / "static"
ROUTERS = (auth.router, queue.router, handoffs.router, metrics.router)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = f"/login?next={quote(exc.next_path, safe='/')}"
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(PageProblem)
    async def _page_problem(request: Request, exc: PageProblem) -> HTMLResponse:
        services = get_services(request)
        return render(
            request, services, None, "error.html", status_code=exc.status, title=exc.title, detail=exc.detail
        )
