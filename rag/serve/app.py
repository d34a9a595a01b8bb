"""The FastAPI application of `rag serve`: REST and OpenAI-compatible routes under /v1, OpenAPI docs at
/docs (Swagger UI served from the fastapi-offline package, no CDN), and the chat UI mounted at /.

    from rag.serve.app import create_app
    app = create_app(Config.load())          # any ASGI server; rag/serve/server.py runs it with uvicorn
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from rag.config import Config
from rag.serve import errors, openai_api, rest
from rag.serve.auth import bearer_ok, password_check
from rag.serve.engine import Engine

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


def create_app(config: Config, rag: Any = None, ui: bool = True, warm_up: bool = True) -> FastAPI:
    """The service over `rag` (or the index of `config`, opened in the background after start).
    With `ui`, the Gradio chat UI is mounted at / (its login is RAG_UI_USER / RAG_UI_PASSWORD, or the
    token as password when only a token is set)."""
    engine = Engine(config, rag)
    token = engine.config.api_token

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm_up:
            engine.start_warm_up()
        yield

    app = FastAPI(title="news-rag", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Cited answers from your news articles. Errors: `{\"error\": {\"message\", "
                              "\"type\", \"code\"}}`. With a token set, send `Authorization: Bearer <token>`.")
    app.state.engine = engine
    errors.install(app)
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

    if ui:
        from ui.app import auth_from_env, mount

        auth = auth_from_env() or (password_check(token) if token else None)
        mount(app, engine.get, auth=auth)
    return app
