"""The FastAPI application of `rag serve`: REST and OpenAI-compatible routes under /v1, OpenAPI docs at
/docs (Swagger UI served from the fastapi-offline package, no CDN), and the chat UI mounted at /.

    from rag.serve.app import create_app
    app = create_app(Config.load())          # any ASGI server; rag/serve/server.py runs it with uvicorn
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from rag.config import Config
from rag.serve import errors, openai_api, rest
from rag.serve.auth import bearer_ok, password_check
from rag.serve.engine import Engine
from rag.serve.security import Guard, guard_options

log = logging.getLogger(__name__)
DOCS_ASSETS = "/docs-assets"
_bearer = HTTPBearer(auto_error=False, description="the service's api_token (RAG_API_TOKEN), when one is set")


def _docs_assets() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


def token_dependency(token: str):
    def require_token(request: Request, _cred: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
        if not bearer_ok(request.headers.get("authorization"), token):
            raise errors.ServiceError("missing or wrong bearer token (Authorization: Bearer <api_token>)",
                                      401, "unauthorized")

    return require_token


def create_app(config: Config, rag: Any = None, ui: bool = True, warm_up: bool = True,
               host: str = "127.0.0.1", port: int = 7860) -> FastAPI:
    """The service over `rag` (or the index of `config`, opened in the background after start).
    With `ui`, the Gradio chat UI is mounted at / (its login is ui_user / ui_password, or the
    token as password when only a token is set)."""
    engine = Engine(config, rag)
    token = engine.config.api_token

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:
            engine.start_warm_up()
        mounting = asyncio.create_task(_mount_ui(app, engine, token, host, wait=warm_up)) if ui else None
        yield
        if mounting is not None and not mounting.done():
            mounting.cancel()

    app = FastAPI(title="news-rag", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Cited answers from your news articles. Errors: `{\"error\": {\"message\", "
                              "\"type\", \"code\"}}`. With a token set, send `Authorization: Bearer <token>`.")
    app.state.engine = engine
    errors.install(app)
    # Host header checked against the bound address (DNS rebinding), same-origin browser POSTs, login
    # throttling: for the APIs as much as for the UI.
    app.add_middleware(Guard, **guard_options(host, int(port), engine.config.ui_allowed_hosts,
                                              engine.config.upload_max_mb))
    guard = [Depends(token_dependency(token))]
    app.include_router(rest.router, dependencies=guard)
    app.include_router(openai_api.router, dependencies=guard)
    # The docs page, its script and the schema hold no data, so they stay open (Swagger's Authorize
    # button then sends the token with the calls made from the page).
    app.mount(DOCS_ASSETS, StaticFiles(directory=_docs_assets()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url=app.openapi_url, title="news-rag API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png")

    app.state.ui_ready = threading.Event()
    if ui:
        @app.get("/", include_in_schema=False)
        def starting():  # replaced by the chat UI once it is mounted
            return HTMLResponse(_STARTING, status_code=503, headers={"Retry-After": "2"})
    return app


_STARTING = ('<!doctype html><meta http-equiv="refresh" content="2"><title>News Desk</title>'
             '<p style="font-family:sans-serif">The chat UI is starting; this page reloads in a moment.</p>')


async def _mount_ui(app: FastAPI, engine: Engine, token: str, host: str, wait: bool) -> None:
    """Mount the chat UI at / once the answer path is warm: the REST API answers first (Gradio's import
    and the model's load compete for the same interpreter lock, and on 2 cores for the same cores)."""
    from starlette.routing import Route

    try:
        if wait:
            await asyncio.to_thread(engine.ready.wait, 300)

        def build():
            from ui.app import configured_login, mount

            auth = configured_login(engine.config) or (password_check(token) if token else None)
            return mount(app, engine.get, auth=auth, host=host)

        demo = await asyncio.to_thread(build)
        app.router.routes[:] = [r for r in app.router.routes if not (isinstance(r, Route) and r.path == "/"
                                                                       and r.name == "starting")]
        demo.run_startup_events()
        await demo.run_extra_startup_events()
    except Exception:  # noqa: BLE001 - the APIs keep working; the log says why the UI is missing
        log.exception("the chat UI could not be mounted")
    finally:
        app.state.ui_ready.set()
