"""BM25 over every stored chunk (bm25s), persisted beside the store and rebuilt from Chroma when stale.

Chroma is the source of truth: the lexical index is a derived copy of its chunk texts and metadata.
Its fingerprint (chunk count + the ids of every document's first chunk, which are content hashes) is
saved with it; when the store's fingerprint differs — another process indexed, a Chroma server was
filled from elsewhere, a document was deleted — the index is rebuilt from `store.chunks()`. The
indexer calls `sync_lexical_index` after writing, so in one process it is fresh at once.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.config import Config
from rag.retrieve.lexical import content_tokens
from rag.store.base import Store
from rag.store.filters import matches
from rag.store.schema import DATE_KEY, DOC_KEY
from rag.types import Passage

RECHECK_SECONDS = 30.0  # full fingerprint check at most this often
COUNT_SECONDS = 1.0  # the chunk count (a cheap check for another process's writes) at most this often
FINGERPRINT = "fingerprint"  # beside chunks.json: what the copy on disk was built from
_META_KEYS = ("name", "title", "date", "source", "start", "end", DATE_KEY)
_INDEXES: dict[str, BM25Index] = {}
_INDEXES_LOCK = threading.Lock()


def tokenize(text: str) -> list[str]:
    return content_tokens(text)


def index_folder(config: Config) -> Path:
    """Where the lexical index of this store lives: inside the index folder, one per collection (and server)."""
    name = f"bm25-{config.collection}"
    if config.chroma_url:
        url = urlparse(config.chroma_url)
        name += f"@{url.hostname or 'localhost'}_{url.port or 8000}"
    return Path(config.index_dir) / name


def store_fingerprint(store: Store) -> str:
    first_chunks = store.first_chunk_ids()
    digest = hashlib.sha1("\n".join(sorted(first_chunks)).encode()).hexdigest()
    return f"{store.count()}:{digest}"


class BM25Index:
    def __init__(self, store: Store, folder: Path):
        self.store = store
        self.folder = folder
        self._lock = threading.RLock()
        self.model = None
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.metas: list[dict[str, Any]] = []
        self.fingerprint = ""
        self._checked_at = 0.0
        self._counted_at = 0.0
        self._newest: tuple[tuple[str, str], str] = (("", ""), "")
        self._oldest: tuple[str, str] = ("", "")

    # ---------------------------------------------------------------- freshness
    def ensure_fresh(self, force: bool = False) -> None:
        """Load the persisted copy, or rebuild from the store when its fingerprint differs."""
        with self._lock:
            now = time.monotonic()
            if self.fingerprint and not force:
                if now - self._counted_at < COUNT_SECONDS:
                    return
                recent = now - self._checked_at < RECHECK_SECONDS
                self._counted_at = now
                if recent and self.store.count() == len(self.ids):
                    return
            current = store_fingerprint(self.store)
            self._checked_at = now
            if current == self.fingerprint:
                return
            if self._load(current):
                return
            self._rebuild(current)

    def _load(self, fingerprint: str) -> bool:
        try:
            with open(self.folder / "chunks.json", encoding="utf-8") as fh:
                data = json.load(fh)
            if data.get("fingerprint") != fingerprint:
                return False
            model = None
            if data["ids"]:
                import bm25s

                model = bm25s.BM25.load(str(self.folder), show_progress=False, verbosity=0)
        except (OSError, ValueError, KeyError):
            return False
        self.model, self.ids, self.texts, self.metas = model, data["ids"], data["texts"], data["metas"]
        self.fingerprint = fingerprint
        return True

    def persisted_fingerprint(self) -> str:
        """The fingerprint of the copy on disk, read without loading it ("" when unknown)."""
        if not (self.folder / "chunks.json").is_file():
            return ""
        try:
            return (self.folder / FINGERPRINT).read_text(encoding="utf-8")
        except OSError:
            return ""

    def note_fingerprint(self) -> None:
        tmp = self.folder / f"{FINGERPRINT}.tmp-{os.getpid()}"
        try:
            tmp.write_text(self.fingerprint, encoding="utf-8")
            os.replace(tmp, self.folder / FINGERPRINT)
        except OSError:  # read-only: the copy is loaded each run, as before
            tmp.unlink(missing_ok=True)

    def _rebuild(self, fingerprint: str) -> None:
        ids, texts, metas = [], [], []
        for chunk_id, text, meta in self.store.chunks():
            ids.append(chunk_id)
            texts.append(text or "")
            metas.append({DOC_KEY: meta.get(DOC_KEY, ""), **{k: meta.get(k, "") for k in _META_KEYS}})
        model = None
        if ids:
            import bm25s

            model = bm25s.BM25()
            model.index([tokenize(t) or ["\x00"] for t in texts], show_progress=False)
        self.model, self.ids, self.texts, self.metas = model, ids, texts, metas
        self.fingerprint = fingerprint
        self._save()

    def _save(self) -> None:
        """Write to a fresh folder, then swap it in, so a reader never sees half an index."""
        tmp = self.folder.with_name(f"{self.folder.name}.tmp-{os.getpid()}-{threading.get_ident()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            if self.model is not None:
                self.model.save(str(tmp), show_progress=False)
            with open(tmp / "chunks.json", "w", encoding="utf-8") as fh:
                json.dump({"fingerprint": self.fingerprint, "ids": self.ids, "texts": self.texts,
                           "metas": self.metas}, fh)
            (tmp / FINGERPRINT).write_text(self.fingerprint, encoding="utf-8")
            old = self.folder.with_name(f"{self.folder.name}.old-{os.getpid()}-{threading.get_ident()}")
            if self.folder.exists():
                self.folder.rename(old)
            tmp.rename(self.folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:  # an unwritable index folder (e.g. a read-only mount): keep the index in memory
            shutil.rmtree(tmp, ignore_errors=True)

    def newest_date(self, today: str) -> str:
        """The newest article date (ISO day) among the indexed chunks not after `today`; "" when none is dated."""
        self.ensure_fresh()
        with self._lock:
            key = (self.fingerprint, today)
            if self._newest[0] != key:
                days = (str(m.get("date") or "")[:10] for m in self.metas)
                self._newest = (key, max((d for d in days if len(d) == 10 and d <= today), default=""))
            return self._newest[1]

    def oldest_date(self) -> str:
        """The oldest article date (ISO day) among the indexed chunks; "" when none is dated."""
        self.ensure_fresh()
        with self._lock:
            if self._oldest[0] != self.fingerprint:
                days = (str(m.get("date") or "")[:10] for m in self.metas)
                self._oldest = (self.fingerprint, min((d for d in days if len(d) == 10), default=""))
            return self._oldest[1]

    # ---------------------------------------------------------------- search
    def retrieve(self, query: str, k: int, filters: dict[str, Any] | None = None) -> list[Passage]:
        self.ensure_fresh()
        with self._lock:
            model, ids, texts, metas = self.model, self.ids, self.texts, self.metas
        tokens = [t for t in tokenize(query) if model is not None and t in model.vocab_dict]
        if model is None or not tokens:
            return []
        mask = None
        if filters and any(v not in (None, "", []) for v in filters.values()):
            mask = np.fromiter((matches(m, filters) for m in metas), dtype=np.float32, count=len(metas))
            if not mask.any():
                return []
        k = min(k, len(ids))
        docs, scores = model.retrieve([tokens], k=k, show_progress=False, weight_mask=mask, n_threads=0)
        passages = []
        for i, score in zip(docs[0], scores[0]):
            if score <= 0:
                continue
            m = metas[int(i)]
            passages.append(Passage(
                chunk_id=ids[int(i)], doc_id=m.get(DOC_KEY, ""), name=m.get("name", ""), title=m.get("title", ""),
                text=texts[int(i)], start=int(m.get("start") or 0), end=int(m.get("end") or 0),
                score=round(float(score), 4), date=m.get("date", ""), source=m.get("source", "")))
        return passages


@lru_cache(maxsize=64)
def _resolved(folder: str) -> str:
    return str(Path(folder).resolve())  # a filesystem walk: once per folder, not once per question


def lexical_index(store: Store) -> BM25Index:
    """The one BM25 index of this store in this process."""
    folder = index_folder(store.config)
    key = _resolved(str(folder))
    with _INDEXES_LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = BM25Index(store, folder)
        index.store = store  # several façades may open one folder; any of their stores reads the same data
        return index


def sync_lexical_index(store: Store) -> None:
    """Bring the persisted BM25 index in step with the store (called by the indexer after writing). A copy
    on disk already in step is not loaded (a re-run over unchanged files: ~0.6 s for 200 articles)."""
    index = lexical_index(store)
    on_disk = index.persisted_fingerprint()
    if not index.fingerprint and on_disk == store_fingerprint(store) != "":
        return
    index.ensure_fresh(force=True)
    if index.fingerprint and on_disk != index.fingerprint and (index.folder / "chunks.json").is_file():
        index.note_fingerprint()  # a copy saved before fingerprints were written beside it
