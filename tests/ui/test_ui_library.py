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


def test_re_upload_replaces_the_old_version_and_delete_removes_the_library_file(seed_rag, tmp_path):
    """Gradio hands each upload over at a new temporary path; the library keeps one document per name."""
    handle = chat.RagHandle(seed_rag)
    first, second = tmp_path / "upload-1", tmp_path / "upload-2"
    first.mkdir(), second.mkdir()
    (first / "wrenmouth_ferry.txt").write_text(ARTICLE, encoding="utf-8")
    edited = ARTICLE.replace("40 passengers", "65 passengers")
    (second / "wrenmouth_ferry.txt").write_text(edited, encoding="utf-8")

    summary, ok = library.index_files(handle, [str(first / "wrenmouth_ferry.txt")])
    assert ok and summary.startswith("Indexed 1 article")
    kept = library.library_folder(seed_rag.config) / "wrenmouth_ferry.txt"
    assert kept.read_text(encoding="utf-8") == ARTICLE
    (first / "wrenmouth_ferry.txt").unlink()  # Gradio cleans its temporary files up

    summary, ok = library.index_files(handle, [str(second / "wrenmouth_ferry.txt")])
    assert ok and "Replaced the earlier version of wrenmouth_ferry.txt" in summary
    docs = [d for d in seed_rag.documents() if d["name"] == "wrenmouth_ferry.txt"]
    assert len(docs) == 1 and docs[0]["path"] == str(kept)
    out = chat.answer_once(handle, "How many passengers does the Wrenmouth ferry carry?")
    assert "65" in out["answer"] and "40" not in out["answer"]

    summary, _ = library.index_files(handle, [str(second / "wrenmouth_ferry.txt")])
    assert "unchanged" in summary

    assert "and its library file" in library.delete(handle, "wrenmouth_ferry.txt")
    assert not kept.exists()
    assert "wrenmouth_ferry.txt" not in {d["name"] for d in seed_rag.documents()}
