"""Parallel ingestion: several worker processes index shares of the files into one Chroma server.

    from rag.workers import index_parallel
    report = index_parallel(["articles/"], config.replace(chroma_url="http://db:8000"), workers=4)

Only server mode: an on-disk index admits one writer at a time (the store serialises them), so extra
processes would just wait. Each worker loads its own model and embeds its share; the server takes the
writes. A last pass in this process removes documents whose files are gone from the folders given
(and indexes anything a worker could not). Workers on other machines do the same: see docs/scaling.md.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from pathlib import Path
from typing import Iterable

from rag.config import Config
from rag.errors import RagError
from rag.types import IndexReport


def shares(files: list[Path], workers: int) -> list[list[Path]]:
    """Split files into `workers` shares of about equal bytes (largest first, each to the lightest share)."""
    buckets: list[list[Path]] = [[] for _ in range(max(1, workers))]
    sizes = [0] * len(buckets)
    for f in sorted(files, key=lambda p: p.stat().st_size, reverse=True):
        i = sizes.index(min(sizes))
        buckets[i].append(f)
        sizes[i] += f.stat().st_size
    return [b for b in buckets if b]


def _work(config: Config, files: list[str], threads: int) -> IndexReport:
    os.environ["RAG_EMBED_THREADS"] = str(threads)  # the cores are shared between the workers
    from rag.api import RAG
    from rag.embed import INT8_NAMES, ONNX_NAMES, concrete_model

    if concrete_model(config.embed_model) not in ONNX_NAMES + INT8_NAMES:
        import torch

        torch.set_num_threads(threads)

    return RAG.open(config=config).index(files, progress=False)


def index_parallel(paths: Iterable[str | os.PathLike], config: Config, workers: int = 2) -> IndexReport:
    from rag.api import RAG
    from rag.ingest.documents import discover

    if not config.chroma_url:
        raise RagError("parallel indexing needs a Chroma server (set RAG_CHROMA_URL or chroma_url): an on-disk "
                       "index takes one writer at a time")
    paths = [str(p) for p in paths]
    files, _folders, _problems = discover(paths)
    groups = shares(list(files), workers)
    threads = max(1, (os.cpu_count() or 1) // max(1, len(groups)))
    report = IndexReport()
    if len(groups) > 1:
        with mp.get_context("spawn").Pool(len(groups)) as pool:
            parts = pool.starmap(_work, [(config, [str(f) for f in g], threads) for g in groups])
        for part in parts:
            _merge(report, part)
    final = RAG.open(config=config).index(paths, progress=False)  # removals, and anything left over
    _merge(report, final)
    return report


def _merge(into: IndexReport, part: IndexReport) -> None:
    into.added += part.added
    into.replaced += part.replaced
    into.removed += part.removed
    into.skipped += [s for s in part.skipped if s not in into.skipped]
    into.chunks_added += part.chunks_added
    done = set(into.added) | set(into.replaced)  # the last pass sees the workers' files as unchanged
    into.unchanged += [n for n in part.unchanged if n not in done and n not in into.unchanged]
