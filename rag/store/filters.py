"""Retrieval filters, the one definition both retrieval sides use.

    {"source": "Dawn", "since": "2024-01-01", "until": "2024-12-31", "name": "x.txt", "doc_id": "…"}

`since` / `until` bound the article's date (YYYY-MM-DD, inclusive; `until` also excludes undated articles); for the
other keys several values mean any of them. `to_where` says it in Chroma's query language (the dense
side), `matches` tests one chunk's metadata (the lexical side); both reject unknown keys the same way.
"""
from __future__ import annotations

from typing import Any

from rag.errors import InvalidFilterError
from rag.store.schema import DATE_KEY, DOC_KEY, date_number

FILTER_KEYS = ("source", "name", "doc_id", "title", "since", "until")
_FIELDS = {"source": "source", "name": "name", "title": "title", "doc_id": DOC_KEY}


def active(filters: dict[str, Any] | None) -> dict[str, Any]:
    """The filters that constrain anything (empty values dropped); an unknown key is an error."""
    out = {}
    for key, value in (filters or {}).items():
        if key not in FILTER_KEYS:
            raise InvalidFilterError(f"unknown filter {key!r} (use {', '.join(FILTER_KEYS)})")
        if value in (None, "", []):
            continue
        if key in ("since", "until") and not date_number(str(value)):
            raise InvalidFilterError(f"filter {key!r}: {value!r} is not a date (use YYYY-MM-DD)")
        out[key] = value
    return out


def date_bound(filters: dict[str, Any] | None, key: str) -> str:
    """The `since` or `until` day of `filters` as given ("" when unset): `until` is also the day a question
    is asked as of (what "this week" means: rag/retrieve/hybrid.py)."""
    return str((filters or {}).get(key) or "")


def _values(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def to_where(filters: dict[str, Any] | None) -> dict[str, Any] | None:
    """The filters as a Chroma `where` clause (None: no constraint)."""
    clauses: list[dict[str, Any]] = []
    for key, value in active(filters).items():
        if key == "since":
            clauses.append({DATE_KEY: {"$gte": date_number(str(value))}})
        elif key == "until":
            clauses.append({DATE_KEY: {"$lte": date_number(str(value))}})
            clauses.append({DATE_KEY: {"$gt": 0}})
        else:
            values = _values(value)
            clauses.append({_FIELDS[key]: {"$in": values}} if len(values) > 1 else {_FIELDS[key]: {"$eq": values[0]}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matches(meta: dict[str, Any], filters: dict[str, Any] | None) -> bool:
    """Whether a chunk with this metadata passes the filters."""
    for key, value in active(filters).items():
        num = int(meta.get(DATE_KEY) or 0)
        if key == "since":
            if num < date_number(str(value)):
                return False
        elif key == "until":
            if num <= 0 or num > date_number(str(value)):
                return False
        elif meta.get(_FIELDS[key]) not in _values(value):
            return False
    return True
