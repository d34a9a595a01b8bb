"""How documents, chunks and sentences are keyed and described in the store (one owner for each key)."""
from __future__ import annotations

# Our document key. Not "doc_id": LlamaIndex writes its own doc_id/document_id/ref_doc_id keys into
# the same metadata (from the node's SOURCE relationship, which we also set to this id).
DOC_KEY = "article_id"
# The date as a number, for range filters (Chroma compares numbers, not strings).
DATE_KEY = "date_num"
# Sentence vectors, computed at index time so that scoring a passage's sentences at query time is a
# lookup and a dot product rather than a model run. They live in a collection of this suffix, packed a few
# rows per document (rag/store/sentences.py, which also names the rows)...
PACKED_SUFFIX = "__sentences_packed"
# ...or, in indexes built before, one row per sentence (id "<doc_id[:32]>:s<00000>") in a collection of this
# suffix, still read for the documents it holds.
SENTENCES_SUFFIX = "__sentences"


def date_number(iso: str) -> int:
    """2024-05-14 -> 20240514 (Chroma filters compare numbers, not strings); 0 when unknown."""
    digits = iso.replace("-", "")[:8]
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0

