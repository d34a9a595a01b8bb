"""Indexing on a Ray cluster: reading, cleaning, chunking and embedding run as a Ray Data pipeline.

    rag index --ray 10.0.0.5:6379 articles/          # or ray_address = "…" in rag.toml / RAG_RAY_ADDRESS

This process (the driver) decides what to index, exactly as a local run does (file stamps, content
hashes, moved and removed files), and hands the files to read to the cluster: `ray.data.from_items`
over their paths, `map_batches` through `PrepareAndEmbed` actors (each loads the model once, with
one ONNX Runtime thread per CPU it was given), results streamed back in file order. The driver writes
them through the same batched, journaled path as a local run (`rag/indexer.py`), so the index is the
same: same documents, chunks and sentences, and, the int8 model being batch-independent, the same
vectors. Point `chroma_url` at a `chroma run` server when the driver is one of several writers.

Every node needs this package and the model wheels installed (nothing is downloaded; `ray start` on a
node passes its environment to its workers). Ray is imported only here, never by `import rag`.
"""
from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Config
from rag.errors import RagError

FILES_PER_TASK = 8  # files per map_batches call: enough texts for full model batches, small enough to spread


class PrepareAndEmbed:
    """A Ray Data actor: read, clean, chunk and embed a batch of files."""

    def __init__(self, config: Config, threads: int):
        from rag.embed import embedder_for
        from rag.indexer import preparer

        self.config = config = config.replace(embed_threads=max(1, threads))
        self.embedder = embedder_for(config)
        self.prepare = preparer(self.embedder, config)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from rag.embed.vectors import embed_prepared
        from rag.indexer import load_document
        from rag.ingest.prepare import Prepared, load_and_prepare

        items = [load_and_prepare(Path(p), lambda *_: False, self.prepare, load_document) for p in batch["path"]]
        embed_prepared([i for i in items if isinstance(i, Prepared)], self.embedder, self.config.chunk_vectors)
        return {"item": np.array([pickle.dumps(i) for i in items], dtype=object)}


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast with one line when nothing listens at host:port (ray.init would retry for minutes)."""
    import socket

    if address in ("auto", "local") or address.startswith("ray://") or ":" not in address:
        return
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return
    except (OSError, ValueError) as err:
        raise RagError(f"cannot connect to the Ray cluster at {address!r}: {err} (start one with "
                       "`ray start --head`, or leave out --ray)") from None


def ray_source(address: str, config: Config, workers: int | None = None):
    """A `Source` for `rag.indexer.index_paths`: files in, prepared and embedded documents out (in file order)."""
    def source(files: list[Path]) -> Iterator:
        if not files:
            return
        _check_reachable(address)
        try:
            import ray
        except ImportError as err:
            raise RagError("rag index --ray needs the package ray (pip install 'ray[data]==2.60.0')") from err
        try:
            ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, configure_logging=False,
                     include_dashboard=False)
        except Exception as err:  # noqa: BLE001 - any failure to reach the cluster is one clear line
            raise RagError(f"cannot connect to the Ray cluster at {address!r}: {str(err).splitlines()[0]}") from err
        try:
            context = ray.data.DataContext.get_current()
            context.execution_options.preserve_order = True  # same decisions as a local run (first of twins wins)
            context.enable_progress_bars = False
            cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
            actors = max(1, min(workers or cpus, cpus, len(files)))
            dataset: Any = ray.data.from_items([{"path": str(f)} for f in files],
                                          override_num_blocks=max(1, min(len(files), actors * 4)))
            dataset = dataset.map_batches(PrepareAndEmbed, batch_size=FILES_PER_TASK, concurrency=actors,
                                          num_cpus=1, fn_constructor_kwargs={"config": config, "threads": 1})
            for row in dataset.iter_rows():
                yield pickle.loads(row["item"])
        finally:
            ray.shutdown()

    return source
