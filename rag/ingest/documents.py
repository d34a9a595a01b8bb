"""Find article files under the given paths and turn each into a cleaned `Document`."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import UnreadableFileError
from rag.ingest.clean import clean_text, parse_date_line, title_from
from rag.ingest.readers import is_supported, read_article
from rag.printable import printable
from rag.types import Document


@dataclass
class Skipped:
    path: Path
    reason: str


def discover(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Path], list[Skipped]]:
    """Expand folders (recursively, hidden files left out) into article files.

    Returns (files, folders given, problems): a missing path or an unsupported file named explicitly is
    reported; unsupported files found inside a folder are reported too, so nothing is ignored silently."""
    files: list[Path] = []
    folders: list[Path] = []
    problems: list[Skipped] = []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            folders.append(path)
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_symlink() and not child.is_file():
                    problems.append(Skipped(child, link_problem(child)))
                elif child.is_file():
                    if is_supported(child):
                        files.append(child)
                    else:
                        problems.append(Skipped(child, f"{child.name}: unsupported file type"))
        elif path.is_file():
            if is_supported(path):
                files.append(path)
            else:
                problems.append(Skipped(path, f"{path.name}: unsupported file type {path.suffix or '(none)'}"))
        elif Path(raw).expanduser().is_symlink():
            problems.append(Skipped(Path(raw), link_problem(Path(raw).expanduser())))
        else:
            problems.append(Skipped(path, f"{raw}: no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, folders, problems


def link_problem(link: Path) -> str:
    """Why a symbolic link found among the articles is not read: a loop, a dangling link, or a folder link."""
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    try:
        resolved = link.resolve(strict=True)
    except RuntimeError:
        return f"{link.name}: symbolic link loop ({link.name} -> {target}), not followed"
    except OSError as err:
        if err.errno == 40:  # ELOOP
            return f"{link.name}: symbolic link loop ({link.name} -> {target}), not followed"
        return f"{link.name}: dangling symbolic link (points to {target}, which does not exist)"
    if link.absolute().parent.resolve().is_relative_to(resolved):
        return f"{link.name}: symbolic link loop ({link.name} -> {target}, a folder that contains it), not followed"
    return f"{link.name}: symbolic link to a folder ({target}), not followed; index that folder itself"


def load_document(path: Path, name: str | None = None) -> Document:
    """Read and clean one file. Raises UnreadableFileError (with a one-line reason)."""
    raw = read_article(path)
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        raise UnreadableFileError(f"{path.name}: nothing left after removing page chrome")
    date = cleaned.date or parse_date_line(raw.meta.get("date", "")) or raw.meta.get("date", "")[:10]
    title = printable(raw.meta.get("title")) or cleaned.title or title_from(cleaned.text)  # PDF /Title: escapes
    return Document(
        doc_id=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest(),
        name=name or path.name,
        path=str(path),
        title=title,
        text=cleaned.text,
        date=date,
        source=cleaned.source or printable(raw.meta.get("source", "")),
        extra={"author": cleaned.author, "kind": raw.kind, "note": raw.note},
    )
