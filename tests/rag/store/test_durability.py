"""Faults on a real index of 30 articles: a small disk, a disk filling mid-write, kill -9 at random points,
and each part of the index removed or truncated in turn. After each, every one of the 30 documents is
still answerable, or `rag doctor --repair` brings them all back.

Real tmpfs mounts (root only; skipped otherwise), real Chroma, real subprocesses of the `rag` CLI.
"""
from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.errors import RagError, StoreError
from rag.store import rollback
from rag.store.space import DiskFullError
from tests.rag.store.towns import mayor, town, write_towns

pytestmark = pytest.mark.slow  # about 20 index copies and 10 rebuilds: minutes on 2 cores
OLD = 30


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An index of 30 town articles (more sentence vectors than Chroma keeps in its log), and 10 new articles."""
    from rag import RAG

    root = tmp_path_factory.mktemp("durability")
    old, new = root / "old", root / "new"
    write_towns(old, OLD)
    write_towns(new, 10, start=OLD)
    rag_ = RAG.open(root / "index", chunk_vectors="embed")  # sentence vectors stored: their segment is damaged below
    assert len(rag_.index([old], progress=False).added) == OLD
    _close(root / "index")
    return {"index": root / "index", "old": old, "new": new}


def _close(index_dir: Path) -> None:
    from rag.config import Config
    from rag.store.clients import close_client

    close_client(Config.load(index_dir=str(index_dir)))


def _copy(built, target: Path) -> Path:
    shutil.copytree(built["index"], target)
    return target


def assert_all_answerable(index_dir: Path, count: int = OLD) -> None:
    from rag import RAG

    _close(index_dir)
    rag_ = RAG.open(index_dir)
    names = {d["name"] for d in rag_.documents()}
    assert {f"{town(i).lower()}.txt" for i in range(count)} <= names
    for i in range(count):
        answer = rag_.ask(f"Who is the mayor of {town(i)}?", generator="extractive")
        assert mayor(i) in answer.text, (town(i), answer.text)
    _close(index_dir)


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        _close(path / "index")
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_write_that_will_not_fit_is_refused_before_it_starts(built, tmp_path):
    from rag import RAG

    with tmpfs(tmp_path / "disk", "9m") as disk:
        index = _copy(built, disk / "index")
        before = sorted(p.name for p in index.iterdir())
        with pytest.raises(DiskFullError, match=r"MB needed .* MB free\. Nothing was changed"):
            RAG.open(index).index([built["new"]], progress=False)
        assert sorted(p.name for p in index.iterdir()) == before
        assert_all_answerable(index)


def test_a_disk_filling_up_mid_write_leaves_the_previous_index(built, tmp_path):
    """The write passes the free-space check, then another program fills the disk after two documents."""
    from rag import RAG

    with tmpfs(tmp_path / "disk", "40m") as disk:
        index = _copy(built, disk / "index")
        filler = disk / "filler"

        def fill_disk(name, done, total):
            if done == 2 and not filler.exists():
                with open(filler, "wb") as fh, contextlib.suppress(OSError):
                    while True:
                        fh.write(b"\0" * (1 << 20))
                        fh.flush()

        with pytest.raises(StoreError, match="rolled back to before this write: nothing in it was lost"):
            # one document per batch, so the disk fills between batches of the same write
            RAG.open(index, index_batch_chunks=1).index([built["new"]], progress=fill_disk)
        assert not (index / rollback.SNAPSHOT).exists()
        assert_all_answerable(index)  # with the disk still full
        filler.unlink()
        report = RAG.open(index).index([built["new"]], progress=False)
        assert len(report.added) == 10
        assert_all_answerable(index, OLD + 10)


def _rag_cli(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "RAG_GENERATOR": "extractive"}
    return subprocess.Popen([sys.executable, "-m", "rag.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_kill_9_at_random_points_loses_nothing(built, tmp_path):
    from rag import RAG

    rng = random.Random(16)
    landed_mid_write = 0
    for run in range(10):
        index = _copy(built, tmp_path / f"index-{run}")
        proc = _rag_cli("index", "--index", str(index), "-q", str(built["new"]))
        manifest = index / rollback.SNAPSHOT / rollback.MANIFEST
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not manifest.exists():
            time.sleep(0.005)  # the write has begun once its rollback copy is whole
        time.sleep(rng.uniform(0.0, 0.3))
        landed_mid_write += (index / rollback.SNAPSHOT / rollback.MANIFEST).exists() and proc.poll() is None
        proc.kill()
        proc.communicate()
        count = len(RAG.open(index).documents())  # a half-done write: kept if whole, else rolled back
        assert count in (OLD, OLD + 10), "a write landed partly"
        assert_all_answerable(index)
        shutil.rmtree(index)
    print(f"\nkill -9: {landed_mid_write} of 10 kills landed while a write was in progress")
    assert landed_mid_write >= 3


SENTENCES = "articles__sentences_packed"  # its vector segment holds placeholders


def _segment(index: Path, collection: str) -> Path:
    from rag.store.integrity import database_facts

    return index / database_facts(index)[collection]["vector_segment"]


def _truncate(path: Path, share: float) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(int(path.stat().st_size * share))


def _cut_used(path: Path) -> None:
    """Cut an HNSW file to half the bytes its header says are in use (Chroma allocates room ahead)."""
    from rag.store.integrity import HNSW_HEADER

    count, per_element = HNSW_HEADER.unpack((path.parent / "header.bin").read_bytes())[3:5]
    used = count * (per_element if path.name == "data_level0.bin" else 4)
    with open(path, "r+b") as fh:
        fh.truncate(used // 2)


DAMAGE = {
    "sentence segment removed": (lambda ix: shutil.rmtree(_segment(ix, SENTENCES)), "vector segment"),
    "header.bin truncated": (lambda ix: _truncate(_segment(ix, SENTENCES) / "header.bin", 0.5), "header.bin"),
    "length.bin truncated": (lambda ix: _cut_used(_segment(ix, SENTENCES) / "length.bin"), "length.bin"),
    "data_level0.bin truncated": (lambda ix: _cut_used(_segment(ix, SENTENCES) / "data_level0.bin"),
                                  "data_level0.bin"),
    "index_metadata.pickle truncated": (lambda ix: _truncate(_segment(ix, SENTENCES) / "index_metadata.pickle", 0.5),
                                        "vector segment"),
    "database removed": (lambda ix: (ix / "chroma.sqlite3").unlink(), "chroma.sqlite3: missing"),
    "database zero bytes": (lambda ix: _truncate(ix / "chroma.sqlite3", 0), "chroma.sqlite3: empty"),
    "database cut in half": (lambda ix: _truncate(ix / "chroma.sqlite3", 0.5), "chroma.sqlite3: unreadable"),
    "BM25 copy removed": (lambda ix: shutil.rmtree(ix / "bm25-articles"), "BM25"),
    "catalogue removed": (lambda ix: (ix / ".rag-catalogue.json").unlink(), "catalogue"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_each_damaged_part_is_named_and_repaired(built, tmp_path, case):
    from rag.config import Config
    from rag.store.integrity import inspect
    from rag.store.repair import repair

    index = _copy(built, tmp_path / "index")
    damage, named = DAMAGE[case]
    damage(index)
    config = Config.load(index_dir=str(index))
    problems = inspect(config)
    assert any(named in str(p) for p in problems), problems
    try:  # asking either still works or says in one line what is damaged and how to repair it
        assert_all_answerable(index)
    except RagError as err:
        assert "rag doctor --repair --index" in str(err) and "\n" not in str(err)
    _close(index)
    still = inspect(config)  # asking rebuilds a lost BM25 copy by itself
    report = repair(config, say=lambda line: None)
    assert not report.lost and bool(report.problems) == bool(still)
    assert inspect(config) == []
    assert_all_answerable(index)


def test_doctor_on_the_command_line_names_the_part_and_the_command(built, tmp_path):
    index = _copy(built, tmp_path / "index")
    shutil.rmtree(_segment(index, SENTENCES))
    ask = _rag_cli("ask", "--index", str(index), f"Who is the mayor of {town(0)}?")
    out, err = ask.communicate(timeout=300)
    assert ask.returncode == 1 and "Traceback" not in err and "rag doctor --repair" in err
    assert len(err.strip().splitlines()) == 1
    doctor = _rag_cli("doctor", "--index", str(index))
    out, _ = doctor.communicate(timeout=300)
    assert doctor.returncode == 1 and "damaged: vector segment of 'articles__sentences_packed'" in out
    fixed = _rag_cli("doctor", "--repair", "--index", str(index))
    out, _ = fixed.communicate(timeout=600)
    assert fixed.returncode == 0 and f"{OLD} documents rebuilt from the stored text" in out
    healthy = _rag_cli("doctor", "--index", str(index))
    out, _ = healthy.communicate(timeout=300)
    assert healthy.returncode == 0 and "healthy (30 documents" in out
