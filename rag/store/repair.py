"""Rebuild a damaged index from what is there (`rag doctor --repair`).

A damaged BM25 copy or catalogue is rebuilt in place. Anything else (the database, a vector segment,
missing chunks or sentence vectors) rebuilds the whole index in a sibling folder, then swaps it in:
each document's text is put back together from its stored chunks (read straight from Chroma's
database, which needs no vector segment) and checked against its content hash; a document whose
stored text is gone or does not check out is read again from its article file. The damaged folder is
deleted once every catalogued document is back, and kept (its path printed) when one could not be.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.store import catalogue
from rag.store.integrity import DB, database_facts, inspect
from rag.types import Document

LOCAL_PARTS = (".rag-", "bm25-", DB)  # what a rebuilt folder brings itself; anything else is carried over


@dataclass
class RepairReport:
    problems: list[str] = field(default_factory=list)
    from_store: int = 0  # documents rebuilt from their stored text
    from_files: int = 0  # documents read again from their article files
    lost: list[str] = field(default_factory=list)
    kept: str = ""  # the damaged folder, when kept

    def summary(self) -> str:
        if not self.problems:
            return "nothing to repair"
        lines = [f"repaired: {p}" for p in self.problems]
        lines.append(f"{self.from_store} documents rebuilt from the stored text, {self.from_files} read again from "
                     f"their article files, {len(self.lost)} lost")
        if self.lost:
            lines.append(f"not recovered (file gone, stored text lost): {', '.join(self.lost)}; the damaged folder "
                         f"is kept at {self.kept}")
        return "\n".join(lines)


def repair(config: Config, say: Callable[[str], None] = print) -> RepairReport:
    from rag.store.durable import write_lock

    index_dir = Path(config.index_dir)
    report = RepairReport()
    with write_lock(index_dir):
        problems = inspect(config)
        report.problems = [str(p) for p in problems]
        if not problems:
            return report
        for p in problems:
            say(f"damaged: {p}")
        if all(p.part.startswith(("BM25", "catalogue")) for p in problems):
            _refresh_in_place(config)
            report.from_store = len((catalogue.read(index_dir) or {}).get("documents", []))
            return report
        _rebuild(config, report, say)
    return report


def _refresh_in_place(config: Config) -> None:
    from rag.retrieve.bm25 import lexical_index
    from rag.store.chroma import ChromaStore

    store = ChromaStore(config)
    lexical_index(store).ensure_fresh(force=True)
    catalogue.write(Path(config.index_dir), store.documents(), store.collection.count(), store.sentences.count())


def stored_documents(index_dir: Path, collection: str) -> dict[str, Document]:
    """doc_id -> the document put back together from its stored chunks (hash-checked), from the database."""
    facts = database_facts(index_dir).get(collection)
    if not facts:
        return {}
    con = sqlite3.connect(f"file:{index_dir / DB}?mode=ro", uri=True)
    try:
        segment = con.execute("select id from segments where collection = ? and scope = 'METADATA'",
                              (facts["id"],)).fetchone()[0]
        rows = con.execute("select e.embedding_id, m.key, coalesce(m.string_value, m.int_value, m.float_value) "
                           "from embeddings e join embedding_metadata m on m.id = e.id where e.segment_id = ?",
                           (segment,)).fetchall()
    except (sqlite3.Error, TypeError):
        return {}
    finally:
        con.close()
    records: dict[str, dict[str, Any]] = {}
    for chunk_id, key, value in rows:
        records.setdefault(chunk_id, {})[key] = value
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for meta in records.values():
        if meta.get("article_id") and meta.get("chroma:document") is not None:
            by_doc.setdefault(meta["article_id"], []).append(meta)
    out = {}
    for doc_id, chunks in by_doc.items():
        chunks.sort(key=lambda m: int(m.get("start") or 0))
        head = next((m for m in chunks if int(m.get("chunk", -1)) == 0), None)
        text = _reassemble(chunks, doc_id)
        if head is None or text is None:
            continue
        out[doc_id] = Document(doc_id=doc_id, name=str(head.get("name", "")), path=str(head.get("path", "")),
                               title=str(head.get("title", "")), text=text, date=str(head.get("date", "")),
                               source=str(head.get("source", "")), stamp=str(head.get("stamp", "")))
    return out


def _reassemble(chunks: list[dict[str, Any]], doc_id: str) -> str | None:
    """The document text from its chunks' spans (a gap between chunks is whitespace: tried as spaces, then
    as newlines); None unless its hash is the document's id."""
    for filler in (" ", "\n"):
        parts, pos = [], 0
        for m in chunks:
            start, text = int(m.get("start") or 0), str(m["chroma:document"])
            if start >= pos:
                parts.append(filler * (start - pos))
                parts.append(text)
            elif start + len(text) > pos:
                parts.append(text[pos - start:])
            pos = max(pos, start + len(text))
        joined = "".join(parts)
        if hashlib.sha256(joined.encode("utf-8")).hexdigest() == doc_id:
            return joined
    return None


def _build_options(index_dir: Path, collection: str) -> dict[str, Any]:
    """The embedding model and chunk-vector options the damaged index was built with (from its database)."""
    try:
        con = sqlite3.connect(f"file:{index_dir / DB}?mode=ro", uri=True)
        rows = con.execute("select m.key, coalesce(m.str_value, m.int_value, m.bool_value) from collection_metadata m "
                           "join collections c on c.id = m.collection_id where c.name = ?", (collection,)).fetchall()
        con.close()
    except sqlite3.Error:
        return {}
    meta = dict(rows)
    from rag.embed.registry import name_for

    options: dict[str, Any] = {}
    packaged = name_for(str(meta["embed_model"])) if meta.get("embed_model") else None
    if packaged:
        options["embed_model"] = packaged
    if meta.get("embed_title") is not None:
        options["embed_title"] = bool(meta["embed_title"])
    if meta.get("chunk_vectors"):
        options["chunk_vectors"] = str(meta["chunk_vectors"])
    return options


def _rebuild(config: Config, report: RepairReport, say: Callable[[str], None]) -> None:
    from rag.embed import embedder_for
    from rag.embed.vectors import embed_prepared
    from rag.indexer import preparer
    from rag.ingest.documents import load_document
    from rag.retrieve.bm25 import sync_lexical_index
    from rag.store.chroma import ChromaStore
    from rag.store.clients import close_client

    index_dir = Path(config.index_dir)
    docs = stored_documents(index_dir, config.collection)
    cat = catalogue.read(index_dir)
    wanted = {d["doc_id"]: d for d in (cat["documents"] if cat else [])}
    wanted.update({doc_id: {"doc_id": doc_id, "name": d.name, "path": d.path} for doc_id, d in docs.items()
                   if doc_id not in wanted})
    rebuilt: list[tuple[Document, str]] = []
    for doc_id, entry in wanted.items():
        if doc_id in docs:
            rebuilt.append((docs[doc_id], "store"))
            continue
        path = Path(entry.get("path") or "")
        try:
            doc = load_document(path) if path.is_file() else None
        except Exception:  # noqa: BLE001 - an unreadable file is a lost document, reported below
            doc = None
        if doc is None:
            report.lost.append(entry.get("name") or doc_id[:12])
            continue
        doc.stamp = ""
        rebuilt.append((doc, "file"))
    new_dir = index_dir.with_name(f"{index_dir.name}.repair-{os.getpid()}")
    shutil.rmtree(new_dir, ignore_errors=True)
    new_config = config.replace(index_dir=str(new_dir), **_build_options(index_dir, config.collection))
    say(f"rebuilding {len(rebuilt)} documents into {new_dir} …")
    store = ChromaStore(new_config)
    embedder = embedder_for(new_config, store.embed_model)
    prepare_doc = preparer(embedder, new_config)
    with store.writing():
        for doc, origin in rebuilt:
            item = prepare_doc(doc)
            embed_prepared([item], embedder, new_config.chunk_vectors)
            assert item.chunk_vectors is not None
            store.add(doc, item.chunks, item.chunk_vectors, item.sentence_spans(), item.sentence_vectors)
            if doc.stamp:
                store.set_stamp(doc.doc_id, doc.stamp)
            if origin == "store":
                report.from_store += 1
            else:
                report.from_files += 1
        sync_lexical_index(store)
    close_client(new_config)
    close_client(config)
    damaged = index_dir.with_name(f"{index_dir.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.rename(index_dir, damaged)
    for entry in damaged.iterdir():  # files of the user's own in the index folder come along
        if not entry.name.startswith(LOCAL_PARTS) and not _is_segment(entry):
            os.rename(entry, new_dir / entry.name)
    os.rename(new_dir, index_dir)
    if report.lost:
        report.kept = str(damaged)
    else:
        shutil.rmtree(damaged, ignore_errors=True)


def _is_segment(path: Path) -> bool:
    """Chroma names segment folders by UUID."""
    name = path.name
    return path.is_dir() and len(name) == 36 and name.count("-") == 4
