"""ui.library: uploads are indexed and immediately searchable; non-documents are refused readably; delete."""
from ui import chat, library

ARTICLE = """Harbor town opens tide-powered ferry

Source: Coastal Ledger
Published: 2025-03-04

The town of Wrenmouth launched a ferry on Tuesday that runs on electricity from a tidal turbine moored in the
harbor. The ferry, named Gull, carries 40 passengers between Wrenmouth and Skerry Island six times a day.
Mayor Ilse Varga said the turbine produces more power than the ferry needs, and the surplus lights the pier.
"""


def test_upload_is_searchable_and_bad_files_are_explained(seed_rag, tmp_path):
    handle = chat.RagHandle(seed_rag)
    good = tmp_path / "wrenmouth_ferry.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    steps = []
    summary, ok = library.index_files(handle, [str(good), str(bad)], lambda i, n, name: steps.append((i, n)))
    assert ok and "wrenmouth_ferry.txt" in summary and "Not indexed: photo.png" in summary
    assert steps[0] == (0, 2) and steps[-1] == (2, 2)
    docs, problem = library.documents(handle)
    assert not problem and "wrenmouth_ferry.txt" in {d["name"] for d in docs}

    out = chat.answer_once(handle, "What powers the ferry in Wrenmouth?")
    assert not out["refused"] and {c["source"] for c in out["citations"]} == {"wrenmouth_ferry.txt"}

    assert "Deleted wrenmouth_ferry.txt" in library.delete(handle, "wrenmouth_ferry.txt")
    assert "not in the index" in library.delete(handle, "wrenmouth_ferry.txt")
    assert "Choose" in library.delete(handle, "")
    assert chat.answer_once(handle, "What powers the ferry in Wrenmouth?")["refused"]
