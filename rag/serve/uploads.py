"""Uploaded articles: checked (type, size, readable) before they replace anything, kept in the library folder
beside the index (`<index>-library/`, see `upload_dir`), and indexed from there, so re-uploading a name
replaces that document.

A file that fails a check is refused or skipped with its reason; the copy already there (and its indexed
document) stays as it was.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from rag.config import Config
from rag.errors import UnreadableFileError
from rag.ingest.readers import SUFFIXES, read_article
from rag.serve.errors import ServiceError

_CHUNK = 1 << 20


class Upload(Protocol):
    filename: str | None
    file: BinaryIO


def upload_dir(config: Config) -> Path:
    """The library folder uploads are kept in (the API's and the UI's): `library_dir` from the configuration,
    else `<index>-library/` beside the index."""
    configured = (config.extra or {}).get("library_dir")
    if configured:
        return Path(configured).expanduser().resolve()
    index = Path(config.index_dir).expanduser().resolve()
    return index.with_name(f"{index.name}-library")


def safe_name(filename: str | None) -> str:
    name = Path((filename or "").replace("\\", "/")).name.strip()
    if not name or name.startswith("."):
        raise ServiceError(f"{filename!r} is not a usable file name", 400)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise ServiceError(f"{name}: unsupported file type {Path(name).suffix or '(none)'} "
                           f"(supported: {', '.join(sorted(SUFFIXES))})", 415, "unsupported_media_type")
    return name


def _write_limited(src: BinaryIO, dest: Path, limit: int, name: str) -> None:
    written = 0
    with open(dest, "wb") as out:
        while block := src.read(_CHUNK):
            written += len(block)
            if written > limit:
                raise ServiceError(f"{name} is larger than the {limit / 1e6:g} MB upload limit (upload_max_mb)",
                                   413, "payload_too_large")
            out.write(block)


def add(rag: Any, files: Iterable[Upload], config: Config) -> dict[str, Any]:
    """Check every file first (a bad name, type or size refuses the whole request and writes nothing),
    then keep and index the readable ones."""
    files = list(files)
    names = [safe_name(f.filename) for f in files]
    folder = upload_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    limit = int(config.upload_max_mb * 1e6)
    staged: list[tuple[str, Path]] = []
    try:
        for f, name in zip(files, names):
            tmp = folder / f".{uuid.uuid4().hex}.{name}"
            staged.append((name, tmp))
            _write_limited(f.file, tmp, limit, name)
        result: dict[str, Any] = {"added": [], "replaced": [], "unchanged": [], "skipped": [], "chunks_added": 0}
        for name, tmp in staged:
            try:
                read_article(tmp)  # unreadable: skipped, and the copy already kept is not replaced
            except UnreadableFileError as err:
                result["skipped"].append({"name": name, "reason": str(err).replace(tmp.name, name)})
                continue
            final = folder / name
            os.replace(tmp, final)
            report = rag.index([final], progress=False)
            for key in ("added", "replaced", "unchanged"):
                result[key] += getattr(report, key)
            result["skipped"] += [{"name": Path(p).name, "reason": why} for p, why in report.skipped]
            result["chunks_added"] += report.chunks_added
    finally:
        for _name, tmp in staged:
            tmp.unlink(missing_ok=True)
    if result["skipped"] and not (result["added"] or result["replaced"] or result["unchanged"]):
        raise ServiceError("; ".join(f"{s['reason']}" for s in result["skipped"]), 422, "unreadable_file")
    return result


def delete(rag: Any, name: str, config: Config) -> int:
    """Remove a document from the index; its uploaded copy (if it was uploaded) goes too."""
    paths = [d["path"] for d in rag.documents() if name in (d["name"], d["doc_id"], d["path"])]
    removed = rag.delete(name)
    folder = upload_dir(config)
    for p in paths:
        if removed and p and Path(p).parent == folder:
            Path(p).unlink(missing_ok=True)
    return removed
