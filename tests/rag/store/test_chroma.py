"""The store's failure modes: a damaged index gives a clear message and nothing is deleted."""
import pytest

from rag import RAG
from rag.errors import StoreError
from rag.store.chroma import drop_client_cache


def test_corrupted_index_gives_a_clear_error_and_keeps_the_files(tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    (index / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    drop_client_cache()
    with pytest.raises(StoreError) as err:
        RAG.open(index)
    assert "cannot open the index" in str(err.value) and "rebuild" in str(err.value)
    assert (index / "chroma.sqlite3").read_bytes().startswith(b"this is not a database")


def test_unreachable_server_gives_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="Chroma server"):
        RAG.open(tmp_path, chroma_url="http://127.0.0.1:9")


def test_index_reopens_from_disk_in_a_new_client(tmp_path, seeds_dir):
    rag = RAG.open(tmp_path / "i")
    rag.index([seeds_dir / "004_8f852d439ac2f143.txt"], progress=False)
    count = rag.count()
    drop_client_cache()
    again = RAG.open(tmp_path / "i")
    assert again.count() == count and again.documents()[0]["date"] == "2024-05-14"
