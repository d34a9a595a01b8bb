"""Sentence-aware chunking sized in tokens.

Chunks are runs of whole sentences of at most `max_tokens` cl100k tokens (tiktoken), overlapping by
`overlap` sentences, never crossing a paragraph that would fit whole in the next chunk. A sentence longer
than the budget is cut at word boundaries. Each chunk keeps its character span in the document, and
`fits` (the embedding model's own limit, e.g. 256 word pieces for MiniLM) has the last word: a chunk
that does not fit is split again, so no chunk's tail goes unembedded. `embedding_input` is the text the
model reads for a chunk (optionally headed by the article title); the stored text is always the chunk's own.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rag.ingest.sentences import Sentence, split_sentences
from rag.types import Chunk, Document


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken  # TIKTOKEN_CACHE_DIR points at llama-index's bundled BPE file (rag.offline)

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def _split_long(sentence: Sentence, max_tokens: int) -> list[Sentence]:
    words = sentence.text.split(" ")
    pieces: list[Sentence] = []
    current: list[str] = []
    pos = sentence.start
    piece_start = pos
    for word in words:
        candidate = " ".join(current + [word])
        if current and count_tokens(candidate) > max_tokens:
            text = " ".join(current)
            pieces.append(Sentence(text, piece_start, piece_start + len(text)))
            piece_start = piece_start + len(text) + 1
            current = [word]
        else:
            current.append(word)
    if current:
        text = " ".join(current)
        pieces.append(Sentence(text, piece_start, piece_start + len(text)))
    return pieces


def chunk_document(doc: Document, max_tokens: int = 180, overlap: int = 1,
                   fits: Callable[[str], bool] | None = None) -> list[Chunk]:
    sentences: list[Sentence] = []
    for s in split_sentences(doc.text):
        sentences.extend(_split_long(s, max_tokens) if count_tokens(s.text) > max_tokens else [s])
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j, tokens = i, 0
        while j < len(sentences):
            cost = count_tokens(sentences[j].text) + 1
            if j > i and tokens + cost > max_tokens:
                break
            tokens += cost
            j += 1
        spans.append((i, j))
        if j >= len(sentences):
            break
        i = max(j - overlap, i + 1)
    chunks: list[Chunk] = []
    for a, b in spans:
        _emit(doc, sentences[a:b], chunks, fits)
    return chunks


def _emit(doc: Document, group: list[Sentence], out: list[Chunk], fits: Callable[[str], bool] | None) -> None:
    start, end = group[0].start, group[-1].end
    text = doc.text[start:end]
    if fits is not None and not fits(text):
        if len(group) > 1:
            half = len(group) // 2
            _emit(doc, group[:half], out, fits)
            _emit(doc, group[half:], out, fits)
            return
        words = group[0]
        shorter = _split_long(words, max(8, count_tokens(words.text) // 2))
        if len(shorter) > 1:
            for piece in shorter:
                _emit(doc, [piece], out, fits)
            return
    out.append(Chunk(doc.doc_id, len(out), text, start, end, count_tokens(text)))


def embedding_input(text: str, title: str = "") -> str:
    """What the model reads for a chunk: its text, headed by the article title when one is given.

    The title is left out when the chunk already begins with it (the first chunk of most articles)."""
    head = title.strip().rstrip("…").strip()
    if not head or text.lstrip().startswith(head):
        return text
    return f"{title.strip()}\n\n{text}"
