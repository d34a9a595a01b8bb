"""`rag serve`: one HTTP service for the chat UI (at /), a REST API and an OpenAI-compatible API (/v1).

    app.py        the FastAPI application (routes, offline /docs, the UI mounted at /)
    rest.py       /v1/ask, /v1/ask/stream, /v1/retrieve, /v1/documents, /v1/index, /v1/health
    openai_api.py /v1/chat/completions, /v1/models
    schemas.py    pydantic request/response models    uploads.py  checked uploads
    auth.py       bearer token and the bind rule       errors.py   JSON errors
    engine.py     the shared RAG, warmed up after start
    server.py     uvicorn: serve() / start()           cli.py      `rag serve`
    client.py     `rag ask` through a running service
    security.py   Host check, same-origin POSTs, login throttling, body size (also guards the UI)
"""
