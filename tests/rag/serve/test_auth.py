"""The bearer token on every data route (and as the chat UI's login), and the loopback rule."""
import os
import subprocess
import sys
import time

import httpx
import openai
import pytest

from rag.serve.auth import BindError, check_bind
from tests.conftest import ROOT, SAMPLE_QUESTION
from tests.rag.serve.conftest import open_copy

TOKEN = "t0ken-for-tests"


@pytest.fixture(scope="module")
def guarded(serve_seed_index, tmp_path_factory):
    from rag.serve.server import start

    os.environ.pop("RAG_UI_USER", None)
    rag_ = open_copy(serve_seed_index, tmp_path_factory.mktemp("guarded"), api_token=TOKEN)
    running = start(rag=rag_, ui=True)  # the UI too: its login takes the token as password
    yield running
    running.close()


ROUTES = [("GET", "/v1/health", None), ("GET", "/v1/documents", None), ("GET", "/v1/index", None),
          ("GET", "/v1/models", None), ("POST", "/v1/ask", {"question": SAMPLE_QUESTION}),
          ("POST", "/v1/retrieve", {"question": SAMPLE_QUESTION}), ("DELETE", "/v1/documents/x.txt", None),
          ("POST", "/v1/chat/completions", {"model": "news-rag", "messages": [{"role": "user", "content": "x"}]})]


@pytest.mark.parametrize("method,path,body", ROUTES)
def test_every_route_needs_the_token(guarded, method, path, body):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = httpx.request(method, guarded.url + path, json=body, headers=headers, timeout=60)
        assert r.status_code == 401 and "bearer token" in r.json()["error"]["message"]
    r = httpx.request(method, guarded.url + path, json=body, headers={"Authorization": f"Bearer {TOKEN}"},
                      timeout=120)
    assert r.status_code in (200, 404), r.text  # 404: the document to delete is not there


def test_openai_sdk_sends_the_token_as_its_api_key(guarded):
    good = openai.OpenAI(base_url=guarded.url + "/v1", api_key=TOKEN, max_retries=0, timeout=120)
    resp = good.chat.completions.create(model="news-rag", messages=[{"role": "user", "content": SAMPLE_QUESTION}])
    assert resp.model_extra["citations"]
    bad = openai.OpenAI(base_url=guarded.url + "/v1", api_key="nope", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


def test_chat_ui_asks_for_the_token_as_password(guarded):
    with httpx.Client(base_url=guarded.url, timeout=60) as http:
        assert http.get("/config").status_code == 401
        assert http.post("/login", data={"username": "me", "password": "wrong"}).status_code == 400
        throttled = http.post("/login", data={"username": "me", "password": TOKEN})  # the UI's Guard throttles
        assert throttled.status_code == 429
        time.sleep(float(throttled.headers["retry-after"]))
        assert http.post("/login", data={"username": "me", "password": TOKEN}).status_code == 200
        assert http.get("/config").status_code == 200


def test_docs_page_stays_open(guarded):
    assert httpx.get(guarded.url + "/docs").status_code == 200
    assert httpx.get(guarded.url + "/openapi.json").status_code == 200


def test_non_loopback_bind_needs_a_token():
    check_bind("127.0.0.1", "")
    check_bind("::1", "")
    check_bind("0.0.0.0", TOKEN)
    for host in ("0.0.0.0", "192.168.1.5", "example.org"):
        with pytest.raises(BindError, match="RAG_API_TOKEN"):
            check_bind(host, "")


def test_rag_serve_refuses_a_public_address_without_a_token_in_one_line():
    env = {k: v for k, v in os.environ.items() if k != "RAG_API_TOKEN"}
    proc = subprocess.run([sys.executable, "-m", "rag.cli", "serve", "--host", "0.0.0.0", "--port", "7999"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: refusing to serve on 0.0.0.0") and proc.stderr.count("\n") == 1
