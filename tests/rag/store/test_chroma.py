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


def test_cached_vectors_and_records_equal_what_chroma_holds_and_writes_clear_them(tmp_path, seeds_dir):
    import numpy as np

    rag_ = RAG.open(tmp_path / "i")
    rag_.index([next(seeds_dir.glob("004_*")), next(seeds_dir.glob("001_*"))], progress=False)
    store = rag_.store
    docs = [d["doc_id"] for d in store.documents()]
    ids = store.collection.get(include=[])["ids"]
    first = store.sentence_vectors(docs), store.chunk_vectors(ids), store.chunk_records(ids)
    again = store.sentence_vectors(docs), store.chunk_vectors(ids), store.chunk_records(ids)
    assert [len(v) for v in first[0].values()] == [len(again[0][d]) for d in first[0]]
    raw = store.collection.get(ids=ids, include=["embeddings", "documents"])
    for i, vector, text in zip(raw["ids"], raw["embeddings"], raw["documents"]):
        assert np.allclose(again[1][i], vector) and again[2][i][0] == text
    assert store._sentence_cache and store._chunk_cache and store._record_cache
    rag_.delete(docs[0])
    assert not store._sentence_cache and not store._chunk_cache and not store._record_cache
    assert store.sentence_vectors([docs[0]]) == {docs[0]: []}  # gone from Chroma, not served from memory


def test_an_index_built_with_other_chunk_vector_options_is_used_with_a_note(tmp_path, seeds_dir, capsys):
    from rag.store import chroma

    built = RAG.open(tmp_path / "i", embed_title=False)
    built.index([next(seeds_dir.glob("004_*"))], progress=False)
    assert built.store.collection.metadata["embed_title"] is False
    capsys.readouterr()
    drop_client_cache()
    chroma._WARNED.clear()
    same = RAG.open(tmp_path / "i", embed_title=False)
    assert "was built with" not in capsys.readouterr().err
    now = RAG.open(tmp_path / "i", embed_title=True)
    err = capsys.readouterr().err
    assert "embed_title=False (now True)" in err and "rag index --index NEW_DIR" in err
    assert now.count() == same.count() and now.retrieve("Pakistan counterterrorism dialogue")  # still usable


def test_a_process_keeps_answering_while_another_writes_the_same_folder(tmp_path, seeds_dir):
    """An embedded Chroma client keeps the index it loaded; before the generation marker, every question
    after another process's write failed with "Error finding id" until restart (measured: 4,092 of 4,530)."""
    import json
    import shutil
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, SAMPLE_QUESTION

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for f in seeds[:2]:
        shutil.copy(f, first)
    for f in seeds[2:]:
        shutil.copy(f, second)
    index = tmp_path / "index"
    before = RAG.open(index).index([first], progress=False).chunks_added
    done = tmp_path / "written"
    reader = (
        "import json, pathlib, time; from rag import RAG\n"
        f"r = RAG.open({str(index)!r}); errors = []; asked = 0; after = 0; end = time.time() + 90\n"
        "print('ready', flush=True)\n"
        f"while time.time() < end and after < 5:\n"
        f"    after += pathlib.Path({str(done)!r}).exists()  # a few more questions once the writer is done\n"
        "    try:\n"
        f"        r.ask({SAMPLE_QUESTION!r}); asked += 1\n"
        "    except Exception as err: errors.append(repr(err)[:200])\n"
        "print(json.dumps({'asked': asked, 'count': r.count(), 'docs': len(r.documents()), 'errors': errors}))\n")
    proc = subprocess.Popen([sys.executable, "-c", reader], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1)  # the reader has loaded the index and is asking
    writer = RAG.open(index)
    writer.index([second], progress=False)
    done.touch()
    out, err = proc.communicate(timeout=120)
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["errors"] == [] and seen["asked"] > 5, (seen, err[-1000:])
    assert seen["count"] == writer.count() > before and seen["docs"] == len(seeds)
