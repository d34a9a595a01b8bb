"""The store alone at scale: N synthetic 384-d vectors in Chroma, embedded (on disk) or through a server.

    python -m bench.scale --n 100000 --mode embedded   # prints one JSON object

Vectors are clustered like real text embeddings (unit vectors around 1,000 random topics), each with
~700 characters of text and our chunk metadata, so disk and build time include what a real index stores.
Queries are perturbed copies of stored vectors, fetching 20 candidates as the chain does.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np

import rag  # noqa: F401  (offline settings)
from bench.worker import percentile

DIM = 384
WORDS = ("government security talks minister police attack economy trade border election court "
         "report officials province statement agreement forces region country").split()


def synthetic(n: int, seed: int, topics: int = 1000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, DIM)).astype(np.float32)
    vectors = centres[rng.integers(0, topics, n)] + 0.6 * rng.standard_normal((n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def dir_mb(path: str) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(n: int, mode: str, queries: int = 200, batch: int = 5000, seed: int = 7) -> dict:
    import chromadb
    from chromadb.config import Settings

    from rag.store.server import ChromaServer

    workdir = tempfile.mkdtemp(prefix="rag-scale-")
    server = ChromaServer(workdir).start() if mode == "server" else None
    try:
        settings = Settings(anonymized_telemetry=False)
        client = (chromadb.HttpClient(host="127.0.0.1", port=server.port, settings=settings) if server
                  else chromadb.PersistentClient(path=workdir, settings=settings))
        collection = client.create_collection("scale", embedding_function=None, metadata={"hnsw:space": "cosine"})
        rss0 = rss_mb()
        words = np.array(WORDS)
        rng = np.random.default_rng(seed + 1)
        t0 = time.perf_counter()
        for start in range(0, n, batch):
            vectors = synthetic(min(batch, n - start), seed + start)
            texts = [" ".join(rng.choice(words, 100)) for _ in range(len(vectors))]
            collection.add(ids=[f"c{start + i}" for i in range(len(vectors))], embeddings=vectors,
                           documents=texts,
                           metadatas=[{"article_id": f"d{(start + i) // 10}", "chunk": (start + i) % 10,
                                       "start": 0, "end": 700, "date_num": 20240101} for i in range(len(vectors))])
        build_s = time.perf_counter() - t0
        probe = synthetic(queries, seed + 10**6)
        collection.query(query_embeddings=probe[:5], n_results=20)  # warm the index into memory
        times = []
        for q in probe:
            t = time.perf_counter()
            collection.query(query_embeddings=[q], n_results=20, include=["metadatas", "documents", "distances"])
            times.append((time.perf_counter() - t) * 1000)
        out = {"n": n, "mode": mode, "build_s": round(build_s, 1), "vectors_per_s": round(n / build_s),
               "query_p50_ms": round(median(times), 2), "query_p95_ms": round(percentile(times, 0.95), 2),
               "count": collection.count()}
        if server:
            out.update(server_rss_mb=round(server.rss_mb(), 1), server_peak_rss_mb=round(server.peak_rss_mb(), 1))
        else:
            out.update(rss_growth_mb=round(rss_mb() - rss0, 1),
                       peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    finally:
        if server:
            server.stop()
    out["disk_mb"] = round(dir_mb(workdir), 1)
    shutil.rmtree(workdir, ignore_errors=True)
    return out


def measure(n: int, mode: str, timeout: float = 7200) -> dict:
    """`run` in a fresh process, so memory figures are this store's alone."""
    proc = subprocess.run([sys.executable, "-m", "bench.scale", "--n", str(n), "--mode", mode],
                          capture_output=True, text=True, timeout=timeout, cwd=str(Path(__file__).parent.parent))
    if proc.returncode != 0:
        return {"n": n, "mode": mode, "error": proc.stderr[-500:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def extrapolate(rows: list[dict], target: int) -> dict:
    """Linear in n for build time, memory and disk; log n for query latency (HNSW). An estimate, not a measurement."""
    ok = [r for r in rows if "error" not in r]
    if not ok:
        return {}
    big = max(ok, key=lambda r: r["n"])
    f = target / big["n"]
    est = {"n": target, "from_n": big["n"], "mode": big["mode"], "estimated": True,
           "build_s": round(big["build_s"] * f * np.log(target) / np.log(big["n"])),
           "query_p50_ms": round(big["query_p50_ms"] * np.log(target) / np.log(big["n"]), 1),
           "disk_mb": round(big["disk_mb"] * f)}
    mem = big.get("server_rss_mb") or big.get("rss_growth_mb")
    if mem:
        est["memory_mb"] = round(mem * f)
    return est


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.scale")
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--mode", choices=("embedded", "server"), default="embedded")
    p.add_argument("--queries", type=int, default=200)
    args = p.parse_args(argv)
    print(json.dumps(run(args.n, args.mode, args.queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
