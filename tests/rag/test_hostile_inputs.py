"""Inputs that must not harm the terminal, the lock or the user's trust: escape sequences in PDF metadata and
file names, symbolic link loops and dangling links, legacy encodings, read-only indexes, oversized files.
Each gives one clear line, and nothing already indexed is lost. Real CLI subprocesses, real files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.printable import printable

ESCAPES = "\x1b[2J\x1b[H\x1b]0;owned\x07\x9b31m"


def rag_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAG_GENERATOR": "extractive"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], env=env, capture_output=True, timeout=600,
                          cwd=cwd)


@pytest.mark.parametrize("raw,shown", [
    (f"{ESCAPES}Dam report", "Dam report"), ("left\u202eright", "leftright"), ("a\tb\nc\r\x00d", "a b c d"),
    ("Café — 2024 [1]", "Café — 2024 [1]"), ("\x1bcReset\x1bPq#0\x1b\\ done", "Reset done"), (None, ""),
])
def test_printable_keeps_only_printable_text(raw, shown):
    assert printable(raw) == shown


def _pdf_with_title(path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pypdf import PdfReader, PdfWriter

    plain = path.with_suffix(".plain.pdf")
    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.1, 0.85, "The Orlen dam was inspected on Monday by 14 engineers from the river authority.")
    fig.savefig(plain)
    plt.close(fig)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.add_metadata({"/Title": title})
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()


def test_escape_sequences_in_pdf_titles_and_file_names_never_reach_the_terminal(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    _pdf_with_title(articles / "dam.pdf", f"{ESCAPES}Orlen dam inspected")
    (articles / f"weird{ESCAPES}name.txt").write_text(
        "Ferry strike ends\n\nThe ferry strike in Oskarby ended on Friday after nine days.\n", encoding="utf-8")
    (articles / f"bad{ESCAPES}.bin").write_bytes(b"\x00\x01")
    index = tmp_path / "index"
    runs = [rag_cli("index", "--index", str(index), str(articles)),
            rag_cli("docs", "--index", str(index)),
            rag_cli("ask", "--index", str(index), "How many engineers inspected the Orlen dam?"),
            rag_cli("ask", "--index", str(index), "When did the ferry strike in Oskarby end?")]
    for run in runs:
        for stream in (run.stdout, run.stderr):
            assert b"\x1b" not in stream and "\x9b".encode() not in stream, stream
    docs = runs[1].stdout.decode()
    assert "Orlen dam inspected" in docs and "weird" in docs and "bad" in runs[0].stderr.decode()
    assert "14 engineers" in runs[2].stdout.decode() and "Orlen dam inspected" in runs[2].stdout.decode()


def test_the_ui_shows_metadata_printable(tmp_path):
    from ui import render

    html = render.documents_html([{"title": f"{ESCAPES}Orlen dam", "name": f"x{ESCAPES}.pdf", "source": "\x07Wire",
                                   "date": "2025-01-02", "n_chunks": 1}])
    assert "\x1b" not in html and "\x07" not in html and "Orlen dam" in html and "x.pdf" in html


def test_every_skipped_link_has_a_one_line_reason(tmp_path):
    from rag.ingest.documents import discover

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "real.txt").write_text("A real article about the harbour.", encoding="utf-8")
    (folder / "loop").symlink_to("..")
    (folder / "self").symlink_to("self")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    files, _, problems = discover([folder, tmp_path / "articles" / "gone.txt"])
    assert [f.name for f in files] == ["real.txt"]
    reasons = sorted(p.reason for p in problems)
    assert reasons[0].startswith("gone.txt: dangling symbolic link") and reasons[0] == reasons[1]
    assert reasons[2].startswith("loop: symbolic link loop") and reasons[3].startswith("self: symbolic link loop")
    assert all("\n" not in r for r in reasons)


def test_the_windows_1252_note_is_shown(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(b"Caf\xe9 prices in Brenmoor rose \x96 again \x96 by 12 percent in March.")
    run = rag_cli("index", "--index", str(tmp_path / "index"), str(legacy))
    assert run.returncode == 0
    assert "note: legacy.txt: not valid UTF-8; read as Windows-1252" in run.stderr.decode()


@pytest.fixture
def read_only_index(seeded_rag, tmp_path):
    """A copy of the seed index on a real read-only mount (root ignores permission bits)."""
    if os.geteuid() != 0:
        pytest.skip("a read-only mount needs root")
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)]).returncode:
        pytest.skip("cannot mount a tmpfs")
    try:
        shutil.copytree(seeded_rag.config.index_dir, mount / "index")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "index"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_index_answers_and_says_it_cannot_be_written(read_only_index, seeds_dir):
    from tests.conftest import SAMPLE_QUESTION

    asked = rag_cli("ask", "--index", str(read_only_index), SAMPLE_QUESTION)
    assert asked.returncode == 0 and b"[1]" in asked.stdout and b"read-only" in asked.stderr
    for args in (["index", str(seeds_dir)], ["delete", "001_d869228dbf052979.txt"]):
        run = rag_cli(*args[:1], "--index", str(read_only_index), *args[1:])
        err = run.stderr.decode().strip().splitlines()
        assert run.returncode == 1 and "Traceback" not in run.stderr.decode()
        assert err[-1].startswith(f"error: the index at {read_only_index} is read-only: it answers questions")
    assert rag_cli("docs", "--index", str(read_only_index)).stdout.count(b".txt") == 5


def test_a_zero_byte_database_is_reported_as_damage_not_an_empty_library(seeded_rag, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seeded_rag.config.index_dir, index)
    (index / "chroma.sqlite3").write_bytes(b"")
    for args in (["docs"], ["ask", "Who?"], ["index", str(tmp_path)]):
        run = rag_cli(*args[:1], "--index", str(index), *args[1:])
        err = run.stderr.decode()
        assert run.returncode == 1 and "Traceback" not in err
        assert "damaged (chroma.sqlite3: empty (0 bytes), but the catalogue lists 5 documents)" in err
    assert (index / "chroma.sqlite3").stat().st_size == 0  # nothing was created over it


def test_a_49_mb_text_is_refused_up_front_with_the_reason(tmp_path):
    """Indexing embeds every sentence inside the write lock: 49 MB of text would hold it for hours."""
    articles = tmp_path / "articles"
    articles.mkdir()
    line = "The council of Mirrow met on Tuesday and approved the new budget for the harbour and the schools.\n"
    with open(articles / "huge.txt", "w", encoding="utf-8") as fh:
        for _ in range(49_000_000 // len(line)):
            fh.write(line)
    (articles / "small.txt").write_text("Mirrow opens a library\n\nMirrow opened a library with 9,000 books.\n",
                                        encoding="utf-8")
    t0 = time.perf_counter()
    run = rag_cli("index", "--index", str(tmp_path / "index"), str(articles))
    elapsed = time.perf_counter() - t0
    err = run.stderr.decode()
    assert "1 added" in run.stdout.decode() and "Traceback" not in err
    assert "skipped huge.txt: 49.0 MB of text is more than one article may hold (2.1 MB)" in err and "about 196 minutes" in err
    assert "split it into articles" in err
    assert elapsed < 120, f"the refusal took {elapsed:.0f} s"
