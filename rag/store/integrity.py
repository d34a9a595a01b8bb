"""Is the on-disk index whole? Each part checked against the document catalogue, each damage named.

Parts: Chroma's database (chroma.sqlite3), the HNSW segment folder of each collection (chunk vectors, packed
sentence vectors' placeholders, an old index's sentence vectors), every catalogued document's chunks, stored
sentence vectors that must unpack (either layout, rag/store/sentences.py; a document may have none: they are
then made at question time), the BM25 copy, the catalogue.
`check_at_open` is the cheap part, run whenever a store opens (a few stats and one read-only SQL
query): a half-done write is settled (kept when whole, else rolled back), a lost database or vector
segment is reported with the command that repairs it instead of surfacing later as "Error finding id" or
an empty library.
`inspect` (rag doctor) reads every vector and compares every document; rag/store/repair.py rebuilds.
"""
from __future__ import annotations

import sqlite3
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import Config
from rag.errors import StoreError
from rag.store import catalogue
from rag.store.durable import recover_at_open

DB = "chroma.sqlite3"


class DamagedIndexError(StoreError):
    pass


@dataclass
class Problem:
    part: str  # which part of the index
    detail: str  # what is wrong with it

    def __str__(self) -> str:
        return f"{self.part}: {self.detail}"


def repair_command(index_dir: Path | str) -> str:
    return f"rag doctor --repair --index {index_dir}"


def damaged(index_dir: Path | str, problem: Problem) -> DamagedIndexError:
    return DamagedIndexError(f"the index at {index_dir} is damaged ({problem}). Your article files are untouched; "
                             f"repair it with: {repair_command(index_dir)}")


def database_facts(index_dir: Path) -> dict[str, dict[str, Any]]:
    """Per collection name: its id, vector segment id, stored records and records still in Chroma's log.
    Read-only, straight from Chroma's schema (chromadb as pinned); {} when the database cannot be read."""
    db = index_dir / DB
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return {}
    try:
        rows = con.execute("select c.id, c.name, s.id, s.scope from collections c join segments s "
                           "on s.collection = c.id").fetchall()
        facts: dict[str, dict[str, Any]] = {}
        for cid, name, sid, scope in rows:
            entry = facts.setdefault(name, {"id": cid, "records": 0, "queued": 0})
            if scope == "VECTOR":
                entry["vector_segment"] = sid
            else:
                entry["records"] = con.execute("select count(*) from embeddings where segment_id = ?",
                                               (sid,)).fetchone()[0]
        for entry in facts.values():
            entry["queued"] = con.execute("select count(*) from embeddings_queue where topic like ?",
                                          (f"%{entry['id']}",)).fetchone()[0]
        return facts
    except sqlite3.Error:
        return {}
    finally:
        con.close()


def database_problem(index_dir: Path) -> Problem | None:
    """A missing, empty or unreadable database while the catalogue says documents were indexed."""
    cat = catalogue.read(index_dir)
    listed = len(cat["documents"]) if cat else 0
    db = index_dir / DB
    if not db.exists():
        return Problem(DB, f"missing, but the catalogue lists {listed} documents") if listed else None
    if db.stat().st_size == 0:
        return Problem(DB, f"empty (0 bytes), but the catalogue lists {listed} documents") if listed else None
    if listed and not database_facts(index_dir):
        return Problem(DB, "unreadable (not a database Chroma wrote, or cut short)")
    return None


def segment_problems(index_dir: Path, facts: dict[str, dict[str, Any]] | None = None) -> list[Problem]:
    """Vector segment folders that are gone while their vectors are no longer in Chroma's log, or whose
    HNSW files are cut short (Chroma would crash on a short header, or answer from a short length file)."""
    out = []
    for name, entry in (facts if facts is not None else database_facts(index_dir)).items():
        segment = entry.get("vector_segment")
        if not segment:
            continue
        part = f"vector segment of {name!r} ({segment}/)"
        folder = index_dir / segment
        if not folder.is_dir():
            if entry["records"] > entry["queued"]:
                out.append(Problem(part, f"the folder is missing; {entry['records']} vectors are not in it"))
            continue
        detail = hnsw_files_problem(folder)
        if detail:
            out.append(Problem(part, detail))
    return out


HNSW_HEADER = struct.Struct("<i6Qii3Qdq")  # version, offsetLevel0, max_elements, count, bytes per element, …


def hnsw_files_problem(folder: Path) -> str:
    """What is wrong with a segment's HNSW files, by their sizes against the header ("" when they agree)."""
    header = folder / "header.bin"
    if not header.exists():
        return "" if not (folder / "data_level0.bin").exists() else "header.bin is missing"
    raw = header.read_bytes()
    if len(raw) != HNSW_HEADER.size:
        return f"header.bin is {len(raw)} bytes, not {HNSW_HEADER.size}"
    count, per_element = HNSW_HEADER.unpack(raw)[3:5]
    for name, expected in (("data_level0.bin", count * per_element), ("length.bin", count * 4)):
        try:
            size = (folder / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if size < expected:
            return f"{name} is cut short ({size:,} of {expected:,} bytes)"
    if count and not (folder / "index_metadata.pickle").is_file():
        return "index_metadata.pickle is missing"
    return ""


def check_at_open(config: Config) -> None:
    """The cheap checks, when an embedded store opens. Raises DamagedIndexError naming the repair."""
    index_dir = Path(config.index_dir)
    if not index_dir.is_dir():
        return
    recover_at_open(index_dir)
    problem = database_problem(index_dir)
    if problem is None and (index_dir / DB).exists():
        problems = segment_problems(index_dir)
        problem = problems[0] if problems else None
    if problem is not None:
        raise damaged(index_dir, problem)


def inspect(config: Config) -> list[Problem]:
    """Every check (rag doctor): the database, each segment read back in full, every catalogued document."""
    index_dir = Path(config.index_dir)
    problem = database_problem(index_dir)
    if problem is not None:
        return [problem]
    if not (index_dir / DB).exists():
        return []
    problems = segment_problems(index_dir)
    if problems:
        return problems
    from rag.store.chroma import ChromaStore
    from rag.store.schema import DOC_KEY

    try:
        store = ChromaStore(config)
    except StoreError as err:
        return [Problem(DB, str(err))]
    for collection in (store.collection, *store.sentences.collections()):
        problem = _read_back(collection)
        if problem:
            problems.append(problem)
    if problems:
        return problems
    chunk_meta = store.collection.get(include=["metadatas"])["metadatas"] or []
    chunks_per_doc = Counter(m.get(DOC_KEY, "") for m in chunk_meta)
    docs = store.documents()
    cat = catalogue.read(index_dir)
    if cat is None:
        problems.append(Problem("catalogue", f"{catalogue.NAME} is missing or unreadable"))
    else:
        present = {d["doc_id"] for d in docs}
        lost = [d["name"] for d in cat["documents"] if d["doc_id"] not in present]
        if lost:
            problems.append(Problem("documents", f"{len(lost)} catalogued documents are not in the index: "
                                    f"{', '.join(lost[:5])}{' …' if len(lost) > 5 else ''}"))
    short = [d["name"] for d in docs if chunks_per_doc[d["doc_id"]] < int(d.get("n_chunks") or 0)]
    if short:
        problems.append(Problem("chunks", f"{len(short)} documents miss chunks: {', '.join(short[:5])}"))
    unpacked = {doc_id for doc_id in store.sentences.unreadable()}
    if unpacked:
        names = [d["name"] for d in docs if d["doc_id"] in unpacked] or sorted(unpacked)
        problems.append(Problem("sentence vectors", f"{len(unpacked)} documents' packed vectors do not unpack: "
                                f"{', '.join(names[:5])}"))
    problems += _bm25_problems(store)
    return problems


def _read_back(collection) -> Problem | None:
    """Read every vector of a collection and search with one: what a damaged HNSW file breaks."""
    try:
        offset, first = 0, None
        while True:
            got = collection.get(include=["embeddings"], limit=2000, offset=offset)
            vectors = got["embeddings"] if got["embeddings"] is not None else []
            if first is None and len(vectors):
                first = list(vectors[0])
            if len(got["ids"]) < 2000:
                break
            offset += 2000
        if first is not None:
            collection.query(query_embeddings=[first], n_results=1, include=[])
    except Exception as err:  # noqa: BLE001 - any failure here means the segment cannot be used
        return Problem(f"vector segment of {collection.name!r}", f"unreadable ({err.__class__.__name__}: {err})")
    return None


def _bm25_problems(store) -> list[Problem]:
    from rag.retrieve.bm25 import BM25Index, index_folder, store_fingerprint

    folder = index_folder(store.config)
    if store.count() and not BM25Index(store, folder)._load(store_fingerprint(store)):
        return [Problem(f"BM25 copy ({folder.name}/)", "missing, damaged or out of date")]
    return []
