"""Uploaded articles, for the API and the UI alike: checked (name, type, size, readable) before they replace
anything, kept in the library folder beside the index (`<index>-library/`, see `upload_dir`), and indexed from
there, so re-uploading a name replaces that document.

A file that fails a check, or that indexing refuses or fails on, is refused or skipped with its reason; the
copy already there (and its indexed document) stays as it was.
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
from rag.serve.security import MAX_FILES_PER_REQUEST
from rag.types import IndexReport

_CHUNK = 1 << 20


class Upload(Protocol):
    filename: str | None
    file: BinaryIO


def upload_dir(config: Config) -> Path:
    """The library folder uploads are kept in (the API's and the UI's): `library_dir` from the configuration,
    else `<index>-library/` beside the index."""
    if config.library_dir:
        return Path(config.library_dir).expanduser().resolve()
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


def stage(src: BinaryIO, folder: Path, name: str, limit: int) -> Path:
    """A private copy of an upload in `folder` (at most `limit` bytes), to be checked before it replaces anything."""
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".{uuid.uuid4().hex}.{name}"
    written = 0
    try:
        with open(staged, "wb") as out:
            while block := src.read(_CHUNK):
                written += len(block)
                if written > limit:
                    raise ServiceError(f"{name} is larger than the {limit / 1e6:g} MB upload limit (upload_max_mb)",
                                       413, "payload_too_large")
                out.write(block)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def keep_and_index(rag: Any, staged: Path, name: str) -> IndexReport:
    """Check that the staged copy reads as an article (UnreadableFileError), then put it in place of `name` and
    index it. When indexing refuses the file (nothing left after cleaning, a duplicate of another) or fails, the
    previous copy is put back, so the library folder keeps matching the index."""
    read_article(staged)
    final = staged.with_name(name)
    previous = staged.with_name(f"{staged.name}.previous")
    had_previous = final.exists()
    if had_previous:
        os.replace(final, previous)
    os.replace(staged, final)
    try:
        report = rag.index([final], progress=False)
    except BaseException:
        _put_back(final, previous, had_previous)
        raise
    if report.skipped and not (report.added or report.replaced or report.unchanged):
        _put_back(final, previous, had_previous)
    else:
        previous.unlink(missing_ok=True)
    return report


def _put_back(final: Path, previous: Path, had_previous: bool) -> None:
    if had_previous:
        os.replace(previous, final)
    else:
        final.unlink(missing_ok=True)


def add(rag: Any, files: Iterable[Upload], config: Config) -> dict[str, Any]:
    """Check every file first (a bad name, type or size refuses the whole request and writes nothing),
    then keep and index the readable ones."""
    files = list(files)
    if len(files) > MAX_FILES_PER_REQUEST:
        raise ServiceError(f"{len(files)} files in one request; send at most {MAX_FILES_PER_REQUEST} at a time",
                           413, "payload_too_large")
    names = [safe_name(f.filename) for f in files]
    folder = upload_dir(config)
    limit = int(config.upload_max_mb * 1e6)
    staged: list[tuple[str, Path]] = []
    try:
        for f, name in zip(files, names):
            staged.append((name, stage(f.file, folder, name, limit)))
        result: dict[str, Any] = {"added": [], "replaced": [], "unchanged": [], "skipped": [], "chunks_added": 0}
        for name, tmp in staged:
            try:
                report = keep_and_index(rag, tmp, name)
            except UnreadableFileError as err:  # skipped, and the copy already kept is not replaced
                result["skipped"].append({"name": name, "reason": str(err).replace(tmp.name, name)})
                continue
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


def delete(rag: Any, name: str, config: Config) -> tuple[int, int]:
    """Remove a document from the index (by name, path or id: `RAG.matching`); its uploaded copy (if it was
    uploaded) goes too. Returns (passages removed, library files removed)."""
    folder = upload_dir(config)
    copies = [Path(d["path"]) for d in rag.matching(name) if d["path"] and Path(d["path"]).parent == folder]
    removed = rag.delete(name)
    if not removed:
        return 0, 0
    for path in copies:
        path.unlink(missing_ok=True)
    return removed, len(copies)
