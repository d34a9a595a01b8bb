"""Re-indexing is idempotent and keyed by content: no duplicate chunks, ever; bad files never block good ones."""
import pytest

from rag import RAG


@pytest.fixture
def fresh(tmp_path):
    return RAG.open(tmp_path / "index")


def chunk_ids(rag):
    return sorted(rag.store.collection.get(include=[])["ids"])


def test_reindexing_the_same_folder_changes_nothing(fresh, corpus):
    first = fresh.index([corpus], progress=False)
    assert len(first.added) == 5 and first.chunks_added == fresh.count()
    before = chunk_ids(fresh), fresh.store.sentences.count()
    second = fresh.index([corpus], progress=False)
    assert (second.added, second.replaced, second.removed, second.chunks_added) == ([], [], [], 0)
    assert len(second.unchanged) == 5
    assert (chunk_ids(fresh), fresh.store.sentences.count()) == before


def test_a_rerun_over_unchanged_files_leaves_the_bm25_copy_on_disk_unread(fresh, corpus):
    from rag.retrieve import bm25

    fresh.index([corpus], progress=False)
    bm25._INDEXES.clear()  # as in a new process
    again = RAG.open(fresh.config.index_dir)
    assert len(again.index([corpus], progress=False).unchanged) == 5
    assert bm25.lexical_index(again.store).fingerprint == ""  # in step on disk: not loaded
    assert again.retrieve("police", top_k=3)  # and read when a question needs it
    assert bm25.lexical_index(again.store).fingerprint == bm25.store_fingerprint(again.store)


def test_changed_file_is_replaced_and_deleted_file_removed(fresh, corpus):
    fresh.index([corpus], progress=False)
    target = next(corpus.glob("004_*"))
    target.write_text(target.read_text(encoding="utf-8").replace("over 300 police", "over 450 police"),
                      encoding="utf-8")
    next(corpus.glob("003_*")).unlink()
    report = fresh.index([corpus], progress=False)
    assert report.replaced == [target.name] and len(report.removed) == 1 and report.removed[0].startswith("003_")
    names = [d["name"] for d in fresh.documents()]
    assert len(names) == len(set(names)) == 4
    texts = [t for _, t, _ in fresh.store.chunks()]
    assert any("450 police" in t for t in texts) and not any("300 police" in t for t in texts)
    assert fresh.count() == sum(d["n_chunks"] for d in fresh.documents())


def test_same_content_under_another_name_is_not_indexed_twice(fresh, corpus, tmp_path):
    fresh.index([corpus], progress=False)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(next(corpus.glob("004_*")).read_bytes())
    count = fresh.count()
    report = fresh.index([copy], progress=False)
    assert not report.added and "same content" in report.skipped[0][1]
    assert fresh.count() == count


def test_bad_files_are_skipped_with_a_warning_and_the_rest_indexed(fresh, corpus, capsys):
    (corpus / "binary.txt").write_bytes(b"\x00\xff" * 300)
    (corpus / "empty.md").write_text("")
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.7 garbage")
    report = fresh.index([corpus], progress=False)
    assert len(report.added) == 5
    assert sorted(name for name, _ in report.skipped) == ["binary.txt", "empty.md", "scan.pdf"]
    err = capsys.readouterr().err
    assert err.count("warning: skipped") == 3 and "binary.txt" in err


def test_empty_folder_indexes_nothing_and_says_so(fresh, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    report = fresh.index([empty], progress=False)
    assert report.summary().startswith("0 added") and fresh.count() == 0


def test_delete_by_name_removes_chunks_and_sentences(tmp_path, corpus):
    fresh = RAG.open(tmp_path / "index", chunk_vectors="embed")  # sentence vectors stored
    fresh.index([corpus], progress=False)
    name = next(corpus.glob("001_*")).name
    sentences = fresh.store.sentences.count()
    assert fresh.delete(name) > 0
    assert name not in [d["name"] for d in fresh.documents()]
    assert fresh.store.sentences.count() < sentences
    assert fresh.delete(name) == 0


def test_unchanged_files_are_not_read_again_and_touched_ones_are(fresh, corpus, monkeypatch):
    import os

    import rag.indexer as indexer

    fresh.index([corpus], progress=False)
    read: list[str] = []
    real = indexer.load_document
    monkeypatch.setattr(indexer, "load_document", lambda path: (read.append(path.name), real(path))[1])
    again = fresh.index([corpus], progress=False)
    assert len(again.unchanged) == 5 and read == []  # size and mtime as recorded: nothing read

    touched = next(corpus.glob("002_*"))
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same content, new time
    third = fresh.index([corpus], progress=False)
    assert read == [touched.name] and len(third.unchanged) == 5 and not third.replaced  # read, hash decides
    read.clear()
    assert len(fresh.index([corpus], progress=False).unchanged) == 5 and read == []  # its new stamp is kept

    edited = next(corpus.glob("004_*"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("over 300 police", "over 450 police"),
                      encoding="utf-8")
    fourth = fresh.index([corpus], progress=False)
    assert read == [edited.name] and fourth.replaced == [edited.name]
