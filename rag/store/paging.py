"""Reading a Chroma collection page by page (one owner for how rows are paged and joined)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def pages(collection, where: dict | None, include: list[str], page: int) -> Iterator[dict]:
    """`collection.get(where=..., include=...)` in pages of `page` rows."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=page, offset=offset)
        yield got
        if len(got["ids"]) < page:
            return
        offset += page


def get_paged(collection, where: dict | None, include: list[str], page: int) -> dict[str, list]:
    """`collection.get(where=..., include=...)` read in pages, joined: Chroma reads the embeddings of all matching
    rows in one SQL statement, which fails past SQLite's variable limit (seen at 130,583 sentence rows)."""
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}
    for got in pages(collection, where, include, page):
        out["ids"].extend(got["ids"])
        for key in include:
            out[key].extend(embeddings(got) if key == "embeddings" else got[key] or [])
    return out


def embeddings(got: dict) -> Any:
    """Chroma returns embeddings as an array, or None when there are none (its truth value is ambiguous)."""
    return got["embeddings"] if got["embeddings"] is not None else []
