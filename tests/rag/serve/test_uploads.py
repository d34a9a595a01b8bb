"""The library folder keeps matching the index: a file indexing refuses puts the previous copy back, a name two
folders share is not deleted blindly (real service, real HTTP client, real index)."""
from __future__ import annotations

import socket

import httpx
import pytest

from rag.errors import RagError
from tests.rag.serve.conftest import WRENMOUTH, open_copy

OTHER = """Skerry Island opens a bird hide

Source: Coastal Ledger
Published: 2025-04-02

Skerry Island opened a wooden bird hide above its north cliffs on Saturday. Volunteers counted 300 puffins
on the first morning, and the island council plans guided walks in May.
"""


@pytest.fixture(scope="module")
def running(serve_seed_index, tmp_path_factory):
    from rag.serve.server import start

    rag_ = open_copy(serve_seed_index, tmp_path_factory.mktemp("uploads"))
    service = start(rag=rag_, ui=False)
    service.rag = rag_
    with httpx.Client(base_url=service.url, timeout=300) as client:
        yield service, client
    service.close()


def test_a_file_indexing_refuses_puts_the_previous_copy_back(running):
    from rag.serve.uploads import upload_dir

    service, http = running
    for name, text in (("ferry.txt", WRENMOUTH), ("hide.txt", OTHER)):
        assert http.post("/v1/documents", files=[("files", (name, text.encode()))]).status_code == 200
    # hide.txt uploaded again with the ferry article's text: a duplicate, which indexing skips
    r = http.post("/v1/documents", files=[("files", ("hide.txt", WRENMOUTH.encode()))])
    assert r.status_code == 422 and "same content as ferry.txt" in r.json()["error"]["message"]
    folder = upload_dir(service.rag.config)
    assert (folder / "hide.txt").read_text(encoding="utf-8") == OTHER  # the copy still matches its document
    assert sorted(p.name for p in folder.iterdir()) == ["ferry.txt", "hide.txt"]  # nothing staged left behind
    answer = http.post("/v1/ask", json={"question": "How many puffins did volunteers count on Skerry Island?",
                                        "generator": "extractive"}).json()
    assert "300" in answer["answer"] and {c["source"] for c in answer["citations"]} == {"hide.txt"}


def test_a_name_two_folders_share_is_not_deleted_blindly(serve_seed_index, tmp_path):
    rag_ = open_copy(serve_seed_index, tmp_path)
    for folder, text in (("a", WRENMOUTH), ("b", OTHER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    rag_.index([tmp_path / "a", tmp_path / "b"], progress=False)
    with pytest.raises(RagError, match="2 indexed documents are named 'report.txt'") as err:
        rag_.delete("report.txt")
    assert str(tmp_path / "a" / "report.txt") in str(err.value)
    assert rag_.delete(str(tmp_path / "a" / "report.txt")) > 0  # by path: exactly that one
    assert [d["path"] for d in rag_.documents() if d["name"] == "report.txt"] == [str(tmp_path / "b" / "report.txt")]


def test_a_body_larger_than_a_requests_worth_of_uploads_is_refused_before_it_is_read(running):
    from rag.serve.security import MAX_FILES_PER_REQUEST, body_limit

    service, http = running
    limit = body_limit(service.rag.config.upload_max_mb)
    host, port = service.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:  # announces a huge body, sends none
        raw.sendall(f"POST /v1/documents HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {limit + 1}\r\n"
                    "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode())
        reply = raw.recv(65536).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413") and "larger than" in reply
    many = [("files", (f"n{i}.txt", b"Note\n\nA short note about the harbor.")) for i in range(MAX_FILES_PER_REQUEST + 1)]
    r = http.post("/v1/documents", files=many)
    assert r.status_code == 413 and f"at most {MAX_FILES_PER_REQUEST}" in r.json()["error"]["message"]
