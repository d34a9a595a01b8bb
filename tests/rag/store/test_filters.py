"""Filters: the Chroma `where` clause selects exactly what the lexical side's test selects."""
from __future__ import annotations

import pytest

from rag.errors import InvalidFilterError
from rag.store.filters import matches, to_where

METAS = [
    {"article_id": "a", "name": "a.txt", "source": "Dawn", "title": "A", "date_num": 20240514},
    {"article_id": "b", "name": "b.txt", "source": "Reuters", "title": "B", "date_num": 20230101},
    {"article_id": "c", "name": "c.txt", "source": "", "title": "C", "date_num": 0},
]
FILTERS = [
    {"source": "Dawn"}, {"source": ["Dawn", "Reuters"]}, {"since": "2024-01-01"}, {"until": "2023-12-31"},
    {"since": "2023-01-01", "until": "2024-12-31"}, {"name": "c.txt"}, {"doc_id": "b"}, {"source": ""},
]


def _chroma_matches(where, meta) -> bool:
    """A tiny evaluator of the Chroma `where` subset we produce, to compare the two filter semantics."""
    if where is None:
        return True
    if "$and" in where:
        return all(_chroma_matches(w, meta) for w in where["$and"])
    (key, cond), = where.items()
    (op, value), = cond.items()
    have = meta.get(key)
    return {"$eq": have == value, "$in": have in (value if op == "$in" else []), "$gte": have >= value
            if isinstance(value, int) else False, "$lte": have <= value if isinstance(value, int) else False,
            "$gt": have > value if isinstance(value, int) else False}[op]


@pytest.mark.parametrize("filters", FILTERS)
def test_where_clause_selects_what_the_lexical_filter_selects(filters):
    where = to_where(filters)
    assert [_chroma_matches(where, m) for m in METAS] == [matches(m, filters) for m in METAS]


def test_unknown_filter_is_refused_by_both_sides():
    with pytest.raises(InvalidFilterError, match="unknown filter 'author'"):
        to_where({"author": "x"})
    with pytest.raises(InvalidFilterError, match="unknown filter 'author'"):
        matches(METAS[0], {"author": "x"})


@pytest.mark.parametrize("value", ["2024", "May 2024", "yesterday"])
def test_a_date_filter_that_is_not_a_date_is_refused(value):
    with pytest.raises(InvalidFilterError, match="not a date"):
        to_where({"since": value})
    with pytest.raises(InvalidFilterError, match="not a date"):
        matches({"date_num": 20240514}, {"until": value})
