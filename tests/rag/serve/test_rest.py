"""The REST API with a real HTTP client (httpx) against the real service on loopback."""
import json
import re

import httpx
import pytest

from tests.conftest import SAMPLE_QUESTION
from tests.rag.serve.conftest import WRENMOUTH

FERRY_QUESTION = "How many passengers does the Wrenmouth ferry carry?"


@pytest.fixture(scope="module")
def http(service):
    with httpx.Client(base_url=service.url, timeout=120) as client:
        yield client


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_health_names_the_index_and_ask_answers_with_cited_spans(http, service):
    health = http.get("/v1/health").json()
    assert health["status"] == "ok" and health["index"].startswith(str(service.rag.config.index_dir))
    r = http.post("/v1/ask", json={"question": SAMPLE_QUESTION})
    assert r.status_code == 200
    data = r.json()
    assert list(data) == ["question", "answer", "refused", "partial", "citations", "timings_ms", "backend",
                          "rewritten_question"]  # Answer.to_dict(), passages left out unless asked for
    assert not data["refused"] and markers(data["answer"]) == {c["n"] for c in data["citations"]}
    for c in data["citations"]:
        assert c["start"] < c["end"] and c["sentence"] and c["sentence_start"] >= c["start"]
    assert data["timings_ms"]["total_ms"] > 0
    local = service.rag.ask(SAMPLE_QUESTION).to_dict()  # the same answer as the Python API gives
    local.pop("passages")
    assert {**data, "timings_ms": None} == {**local, "timings_ms": None}
    with_passages = http.post("/v1/ask", json={"question": SAMPLE_QUESTION, "passages": True}).json()
    assert len(with_passages["passages"]) == service.rag.config.top_k


def test_ask_stream_sends_text_pieces_then_the_final_answer(http):
    events = []
    with http.stream("POST", "/v1/ask/stream", json={"question": SAMPLE_QUESTION}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line[5:])))
    kinds = [e for e, _ in events]
    assert kinds[-1] == "answer" and set(kinds[:-1]) == {"piece"} and len(kinds) > 2
    final = events[-1][1]
    assert final["citations"] and markers(final["answer"]) == {c["n"] for c in final["citations"]}


def test_refusal_is_an_answer_not_an_error(http):
    data = http.post("/v1/ask", json={"question": "Who won the 2022 FIFA World Cup?"}).json()
    assert data["refused"] is True and data["citations"] == []


def test_retrieve_documents_and_index_status(http, service):
    passages = http.post("/v1/retrieve", json={"question": SAMPLE_QUESTION, "top_k": 3}).json()["passages"]
    assert len(passages) == 3 and passages[0]["name"][:3] in {"001", "004"}
    docs = http.get("/v1/documents").json()
    assert len(docs) == 5 and all({"name", "doc_id", "title", "n_chunks"} <= set(d) for d in docs)
    status = http.get("/v1/index").json()
    assert status["documents"] == 5 and status["chunks"] == service.rag.count()
    filtered = http.post("/v1/retrieve", json={"question": SAMPLE_QUESTION, "filters": {"source": "Dawn"}}).json()
    assert filtered["passages"] and all(p["source"] == "Dawn" for p in filtered["passages"])


def test_upload_then_ask_then_delete(http):
    up = http.post("/v1/documents", files=[("files", ("wrenmouth_ferry.txt", WRENMOUTH.encode(), "text/plain"))])
    assert up.status_code == 200, up.text
    assert up.json()["added"] == ["wrenmouth_ferry.txt"] and up.json()["chunks_added"] >= 1
    answer = http.post("/v1/ask", json={"question": FERRY_QUESTION}).json()
    assert not answer["refused"] and "40" in answer["answer"]
    assert {c["source"] for c in answer["citations"]} == {"wrenmouth_ferry.txt"}
    again = http.post("/v1/documents", files=[("files", ("wrenmouth_ferry.txt", WRENMOUTH.encode()))]).json()
    assert again["unchanged"] == ["wrenmouth_ferry.txt"]
    gone = http.delete("/v1/documents/wrenmouth_ferry.txt")
    assert gone.status_code == 200 and gone.json()["removed_chunks"] >= 1
    assert "wrenmouth_ferry.txt" not in {d["name"] for d in http.get("/v1/documents").json()}
    after = http.post("/v1/ask", json={"question": FERRY_QUESTION}).json()
    assert "wrenmouth_ferry.txt" not in {c["source"] for c in after["citations"]}


def _error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["message"] and "Traceback" not in r.text and "\n" not in body["message"]
    return body["message"]


def test_bad_input_is_one_clear_json_line_with_a_4xx(http):
    assert "type a question" in _error(http.post("/v1/ask", json={"question": "  "}), 400)
    assert "question" in _error(http.post("/v1/ask", json={}), 422)
    _error(http.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"}), 422)
    _error(http.post("/v1/ask", json={"question": SAMPLE_QUESTION, "top_k": 0}), 422)
    _error(http.post("/v1/ask", json={"question": SAMPLE_QUESTION, "colour": "red"}), 422)
    assert "limit" in _error(http.post("/v1/ask", json={"question": "why " * 1000}), 400)
    assert "unknown answer backend" in _error(http.post("/v1/ask", json={"question": SAMPLE_QUESTION,
                                                                          "generator": "nope"}), 400)
    assert "no indexed document" in _error(http.delete("/v1/documents/nothing.txt"), 404)
    _error(http.get("/v1/nowhere"), 404)


def test_uploads_are_checked_before_they_replace_anything(http, service):
    from rag.serve.uploads import upload_dir

    name = "wrenmouth_ferry.txt"
    assert http.post("/v1/documents", files=[("files", (name, WRENMOUTH.encode()))]).status_code == 200
    kept = upload_dir(service.rag.config) / name
    assert kept.read_text() == WRENMOUTH
    assert "unsupported file type" in _error(
        http.post("/v1/documents", files=[("files", ("tool.exe", b"MZ\x90\x00"))]), 415)
    assert "upload limit" in _error(http.post("/v1/documents", files=[("files", ("big.txt", b"word " * 20_000))]), 413)
    assert "binary content" in _error(
        http.post("/v1/documents", files=[("files", (name, b"\x00\x01\x02" * 100))]), 422)
    _error(http.post("/v1/documents", files=[("files", (".hidden.txt", b"text"))]), 400)
    # the good copy and its indexed document are still there, and nothing else was written
    assert kept.read_text() == WRENMOUTH and [p.name for p in kept.parent.iterdir()] == [name]
    assert name in {d["name"] for d in http.get("/v1/documents").json()}
    # a name with folders in it lands in the upload folder, under its last part
    note = "Ferry note\n\nThe Gull ferry of Wrenmouth was repainted blue in March."
    r = http.post("/v1/documents", files=[("files", ("../../outside/note.txt", note.encode()))])
    assert r.status_code == 200 and r.json()["added"] == ["note.txt"] and (kept.parent / "note.txt").is_file()
    for doc in (name, "note.txt"):
        assert http.delete(f"/v1/documents/{doc}").status_code == 200
    assert not kept.exists() and list(kept.parent.iterdir()) == []


def test_docs_and_schema_are_served_without_a_cdn(http):
    page = http.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "http" not in page.text.split("<body>")[1].split("url:")[0]
    assert http.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/ask/stream", "/v1/retrieve", "/v1/documents", "/v1/documents/{name}", "/v1/index",
            "/v1/health", "/v1/chat/completions", "/v1/models"} <= set(paths)
