"""The document catalogue: a small JSON file beside Chroma's database saying what the index holds.

Written (atomically) after every completed write, it outlives damage to the database itself: a
zero-byte or missing `chroma.sqlite3` is then reported as damage rather than read as a new, empty
library, and `rag doctor --repair` knows which article files to read again.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

NAME = ".rag-catalogue.json"
FIELDS = ("doc_id", "name", "path", "title", "n_chunks", "stamp")


def write(index_dir: Path, documents: list[dict[str, Any]], chunks: int, sentences: int) -> None:
    data = {"written": time.strftime("%Y-%m-%dT%H:%M:%S"), "chunks": chunks, "sentences": sentences,
            "documents": [{k: d.get(k, "") for k in FIELDS} for d in documents]}
    tmp = index_dir / f"{NAME}.{os.getpid()}"
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, index_dir / NAME)
    except OSError:  # a catalogue that cannot be written only weakens later damage reports
        tmp.unlink(missing_ok=True)


def read(index_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((index_dir / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("documents"), list) else None
