"""The ASGI entry point for uvicorn (``api.main:build_app``, a factory): one app per server process.

Everything comes from settings (the environment), so uvicorn can start several processes that each
build their own edges; the embedded worker is started and stopped by the app's lifespan, which runs on
SIGTERM as on Ctrl-C.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from agent.container import build_services
from agent.notify import run_notifications
from agent.settings import Settings
from agent.users import ensure_bootstrap_key
from agent.worker import run_forever
from api.app import create_app


def build_app() -> FastAPI:
    settings = Settings.load()
    services = build_services(settings)
    if settings.bootstrap_api_key is not None:
        with services.session_factory.begin() as session:
            ensure_bootstrap_key(session, settings.bootstrap_api_key.get_secret_value(), services.clock())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = notifier = None
        if settings.api_runs_worker:
            worker = threading.Thread(
                target=run_forever,
                args=(services,),
                kwargs={"interval": settings.worker_interval_seconds, "stop": stop},
                name="touchpoint-worker",
                daemon=True,
            )
            worker.start()
            notifier = threading.Thread(
                target=run_notifications,
                args=(services.notifier,),
                kwargs={"interval": settings.worker_interval_seconds, "stop": stop},
                name="touchpoint-notify",
                daemon=True,
            )
            notifier.start()
        try:
            yield
        finally:
            stop.set()
            for thread in (worker, notifier):
                if thread is not None:
                    thread.join(timeout=30)
            services.close()

    app = create_app(services, lifespan=lifespan)
    # What start-up built (the embedding model, the knowledge base, the app) lives as long as the process:
    # frozen, the garbage collector stops rescanning it, which otherwise adds tens of ms to requests.
    gc.collect()
    gc.freeze()
    return app
